"""A training report's figures: hplab's encoding against matplotlib's savefig.

Each figure of the training reports of XOR (2 hidden neurons) and coin (8), 5 epochs, is
built anew for each contender and turned into PNG bytes, then let go:

- ``savefig``: ``fig.savefig(png, dpi=design.DPI, facecolor="white")`` then ``fig.clear()``,
  what `Report.add_figure` did until session 40 (savefig draws a laid-out figure twice,
  unrendered then rendered; the clear rebuilds each axes' ticks);
- ``hplab``: `design.png_data_uri` (the layout alone, then one rendered draw) and the
  figure's canvas let go, what it does now.

Both must give the same bytes (checked on every figure, once). Contenders interleaved
figure by figure, ``--repeats`` rounds, median per figure; the verdict is the sum of the
medians. Building a figure (its artists) is timed apart: both contenders pay it. Run:
``python benchmarks/report_speed.py [--repeats 5] [--json]``.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _common import median, positive, run  # noqa: E402
from matplotlib.backend_bases import FigureCanvasBase  # noqa: E402

import nets  # noqa: E402
import reports  # noqa: E402
import study  # noqa: E402
from reports import design  # noqa: E402

RUNS = (("xor", (2,)), ("coin", (8,)))


def report_figures() -> list[tuple[str, object, object]]:
    """(name, draw, data) of every figure the two training reports add."""
    figures = []
    add = reports.Report.add_figure

    def keep(self, name, draw, data, **kw):
        figures.append((f"{self.name}/{name}", draw, data))
        return add(self, name, draw, data, **kw)

    reports.Report.add_figure = keep
    try:
        with tempfile.TemporaryDirectory() as folder:
            for dataset, hidden in RUNS:
                cfg = nets.TrainConfig(hidden=hidden, max_epochs=5)
                train = study.train_run(dataset, cfg, seed=0, name=dataset)
                reports.training_report(train, Path(folder) / dataset)
    finally:
        reports.Report.add_figure = add
    return figures


def with_savefig(fig) -> bytes:
    buf = io.BytesIO()
    with design.style():
        fig.savefig(buf, format="png", dpi=design.DPI, facecolor="white")
    fig.clear()
    return buf.getvalue()


def with_hplab(fig) -> bytes:
    uri = design.png_data_uri(fig)[0]
    FigureCanvasBase(fig)
    return uri.encode("ascii")


def build(draw, data):
    with design.style():
        return draw(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").partition("\n")[0])
    parser.add_argument("--repeats", type=positive(), default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = report_figures()
    same = {}
    for name, draw, data in figures:  # also the warm-up: fonts, caches
        png = with_savefig(build(draw, data))
        uri = with_hplab(build(draw, data)).decode("ascii")
        same[name] = base64.b64decode(uri.split(",", 1)[1]) == png
    times = {"build": {}, "savefig": {}, "hplab": {}}
    for r in range(args.repeats):
        for name, draw, data in figures:
            order = ("savefig", "hplab") if r % 2 == 0 else ("hplab", "savefig")
            for contender in order:
                t0 = time.perf_counter()
                fig = build(draw, data)
                t1 = time.perf_counter()
                (with_savefig if contender == "savefig" else with_hplab)(fig)
                t2 = time.perf_counter()
                times["build"].setdefault(name, []).append(t1 - t0)
                times[contender].setdefault(name, []).append(t2 - t1)
    per_figure = {name: {k: round(median(times[k][name]) * 1000, 1) for k in times}
                  for name, *_ in figures}
    total = {k: sum(v[k] for v in per_figure.values()) for k in times}
    out = {"figures": per_figure, "same_bytes": same, "total_ms": total,
           "speedup": round(total["savefig"] / total["hplab"], 3),
           "repeats": args.repeats, "load": os.getloadavg()}
    if args.json:
        print(json.dumps(out, indent=1))
        return
    print(f"{'figure':34s} {'build':>8s} {'savefig':>9s} {'hplab':>8s}  same bytes")
    for name, row in per_figure.items():
        print(f"{name:34s} {row['build']:6.0f} ms {row['savefig']:6.0f} ms {row['hplab']:5.0f} ms"
              f"  {same[name]}")
    print(f"{'sum of medians':34s} {total['build']:6.0f} ms {total['savefig']:6.0f} ms "
          f"{total['hplab']:5.0f} ms")
    print(f"encoding and letting go: hplab {out['speedup']:.2f}x faster than savefig; "
          f"bytes the same for {sum(same.values())} of {len(same)} figures "
          f"(load {', '.join(f'{x:.1f}' for x in out['load'])})")


if __name__ == "__main__":
    run(main)
