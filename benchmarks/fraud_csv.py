"""A fraud-sized CSV: `data.load`'s peak memory and time against pandas, and the imbalance
samplers' time as the rows grow.

The file: ``--rows`` (default 284,807, the Kaggle credit-card set's) x 30 float columns
and a 0/1 ``Class`` at 0.17 % positives, two Gaussian blobs from a seeded generator,
written once with pandas into a temporary folder (~168 MB).

Load: each contender runs in a fresh process (its peak RSS, ``VmHWM``, is its own),
interleaved, ``--repeats`` rounds, medians:

- ``hplab``: ``data.load("csv:FILE")`` (read, checked, split, scaled to float32);
- ``hplab_whole``: the same with the file read at once (``CHUNKED_BYTES`` past its size:
  the code before session 78's chunked read);
- ``pandas``: the peer, ``pd.read_csv(FILE)`` and the features as a float32 array;
- ``hplab_imports``, ``pandas_imports``: each side's floor, its imports alone (hplab's:
  numpy, pandas, scikit-learn's split, hplab's data), which the ratios leave out.

Samplers (``--samplers``): each imbalance strategy's sampler fitted (``fit_resample``) on
the first 10,000, 20,000 and 40,000 training rows of the loaded set, SMOTE (which searches
the minority's neighbours only) as the peer; the neighbour searches of every row grow with
the square of the rows. Run: ``python benchmarks/fraud_csv.py [--repeats 3] [--rows N]
[--samplers] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import numpy as np  # noqa: E402
from _common import median, positive, run  # noqa: E402

# the strategies whose samplers search every row's neighbours, as the imbalance
# benchmark's warning counts them
from analyses import SLOW_STRATEGIES  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SAMPLER_ROWS = (10_000, 20_000, 40_000)

# each contender's process: what it does, then its time and peak RSS (MB) as JSON
_PROCESS = {
    "hplab_imports": "import numpy, pandas, sklearn.model_selection, data",
    "pandas_imports": "import numpy, pandas",
    "hplab": "import data\nd = data.load('csv:' + FILE)",
    "hplab_whole": ("import data, data._csv_read as r\nr.CHUNKED_BYTES = 1 << 60\n"
                    "d = data.load('csv:' + FILE)"),
    "pandas": ("import numpy as np, pandas as pd\nf = pd.read_csv(FILE)\n"
               "X = f.iloc[:, :-1].to_numpy(np.float32); y = f['Class'].to_numpy()"),
}
# VmHWM, not ru_maxrss: a forked child's ru_maxrss starts at its parent's (this process's
# 230 MB), which exec does not reset
_TAIL = ("\nimport json, re, time\nhwm = re.search(r'VmHWM:\\s+(\\d+)', "
         "open('/proc/self/status').read())\nprint(json.dumps({'seconds': "
         "time.perf_counter() - T0, 'peak_mb': int(hwm.group(1)) / 1024}))")


def write_fraud(path: Path, rows: int, seed: int = 0) -> int:
    """Write the fraud-like table; return its positives."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    y = (rng.random(rows) < 0.0017).astype(np.int64)
    X = rng.normal(size=(rows, 30)) + y[:, None] * rng.normal(1.0, 0.5, size=30)
    frame = pd.DataFrame(X, columns=[f"V{i + 1}" for i in range(30)])
    frame["Class"] = y
    frame.to_csv(path, index=False)
    return int(y.sum())


def _one(name: str, path: Path) -> dict:
    code = f"import time\nT0 = time.perf_counter()\nFILE = {str(path)!r}\n{_PROCESS[name]}{_TAIL}"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          check=False)
    if done.returncode:
        raise ValueError(f"{name}: {done.stderr.strip().splitlines()[-1]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def loads(path: Path, repeats: int) -> dict:
    got: dict[str, list[dict]] = {name: [] for name in _PROCESS}
    for _ in range(repeats):  # interleaved: the machine's drift spread over all alike
        for name in _PROCESS:
            got[name].append(_one(name, path))
    return {name: {"seconds": median([r["seconds"] for r in rs]),
                   "peak_mb": median([r["peak_mb"] for r in rs])} for name, rs in got.items()}


def samplers(path: Path) -> list[dict]:
    import data
    from nets import STRATEGIES

    ds = data.load(f"csv:{path}")
    rows = []
    for n in SAMPLER_ROWS:
        X, y = ds.X_train[:n], ds.y_train[:n]
        for name in ("smote", *SLOW_STRATEGIES):
            t0 = time.perf_counter()
            STRATEGIES[name].sampler(0.2, 0).fit_resample(X, y)
            rows.append({"strategy": name, "rows": n, "seconds": time.perf_counter() - t0})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").partition("\n")[0])
    parser.add_argument("--repeats", type=positive(), default=3)
    parser.add_argument("--rows", type=positive(), default=284_807)
    parser.add_argument("--samplers", action="store_true",
                        help="also time the samplers on 10,000-40,000 rows")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fraud.csv"
        positives = write_fraud(path, args.rows)
        out = {"rows": args.rows, "positives": positives,
               "file_mb": path.stat().st_size / 2**20, "load": loads(path, args.repeats),
               "samplers": samplers(path) if args.samplers else []}
    if args.json:
        print(json.dumps(out, indent=2))
        return
    load = out["load"]
    floor = {name: load[("pandas" if name == "pandas" else "hplab") + "_imports"]
             for name in ("hplab", "hplab_whole", "pandas")}
    print(f"{out['rows']:,} rows x 31 ({out['positives']} positives), {out['file_mb']:.0f} MB; "
          f"medians of {args.repeats}")
    print(f"{'contender':15} {'peak MB':>8} {'above imports':>14} {'seconds':>8} "
          f"{'above imports':>14}")
    for name, r in load.items():
        f = floor.get(name, r)
        print(f"{name:15} {r['peak_mb']:8.0f} {r['peak_mb'] - f['peak_mb']:14.0f} "
              f"{r['seconds']:8.2f} {r['seconds'] - f['seconds']:14.2f}")
    peer, peer_floor = load["pandas"], floor["pandas"]
    for name in ("hplab", "hplab_whole"):
        mine, base = load[name], floor[name]
        memory = (mine["peak_mb"] - base["peak_mb"]) / (peer["peak_mb"] - peer_floor["peak_mb"])
        took = (mine["seconds"] - base["seconds"]) / (peer["seconds"] - peer_floor["seconds"])
        print(f"{name} / pandas, above imports: memory {memory:.2f}x, time {took:.2f}x")
    for r in out["samplers"]:
        print(f"{r['strategy']:12} {r['rows']:>7,} rows {r['seconds']:7.2f} s")


if __name__ == "__main__":
    run(main)
