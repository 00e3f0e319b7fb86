"""Wall time of repeatable 2-worker studies (study.repeatable_workers) against a plain one.

The demo's study (the ready ``digits`` spec: TPE, hyperband, ``--trials`` trials), a fresh
SQLite file per run, on 2 workers of joblib's warm pool: plain (what a trial samples
depends on which others have finished) and repeatable with W = 2 and W = 4 (trial k
learns from trials 0 to k - W, and waits for them: with W = 2 a worker whose next trial
follows a long one idles until it ends). The contenders are interleaved round after round,
after an untimed warm-up; figures are medians. Every repeatable run must run the trials of
one worker's run of its W, parameters and values alike (checked: the benchmark fails
otherwise); the plain runs' trials differ from run to run, so the wall times compare other
trials too: the ratio is what repeatability costs a user, not a per-trial rate. Target:
W = 4 (the demo's: twice the workers) <= 1.3x plain. Run: ``python
benchmarks/study_repeatable.py [--trials 60] [--repeats 5]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _common import interleaved, median, positive, run  # noqa: E402
from _study_common import finished_trials, machine, variant  # noqa: E402

import study  # noqa: E402

TARGET = 1.3


def run_once(spec, workers: int, log: list) -> None:
    """One study on a fresh SQLite file: its wall time and what its trials did."""
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "study.db")
        t0 = time.perf_counter()
        study.run_study(spec, storage=path, workers=workers, progress=False)
        wall = time.perf_counter() - t0
        trials = [(t.number, t.state.name, t.params, t.value)
                  for t in finished_trials(spec, path)]
    log.append({"wall_seconds": wall, "trials": trials})


def main(argv=None):
    p = argparse.ArgumentParser(description=(__doc__ or "").partition("\n")[0])
    p.add_argument("--spec", default="digits")
    p.add_argument("--trials", type=positive(), default=60)
    p.add_argument("--repeats", type=positive(), default=5)
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    plain = variant(args.spec, name="bench-plain", n_trials=args.trials)
    lags = (2, 4)
    specs = {f"W = {w}": variant(args.spec, name=f"bench-repeatable-{w}", n_trials=args.trials,
                                 repeatable_workers=w) for w in lags}
    before = machine()
    references = {}
    for name, spec in specs.items():  # also the warm-up: imports, data
        run_once(spec, 1, references.setdefault(name, []))
    run_once(plain, 2, [])  # the loky pool's processes
    logs = {"plain": [], **{name: [] for name in specs}}
    interleaved({"plain": lambda: run_once(plain, 2, logs["plain"]),
                 **{name: (lambda name=name: run_once(specs[name], 2, logs[name]))
                    for name in specs}}, args.repeats)
    for name in specs:
        if any(r["trials"] != references[name][0]["trials"] for r in logs[name]):
            raise RuntimeError(f"a repeatable 2-worker run ({name}) ran other trials than 1 "
                               "worker")
    times = {name: [r["wall_seconds"] for r in log] for name, log in logs.items()}
    ratios = {name: median(times[name]) / median(times["plain"]) for name in specs}
    ratio = ratios["W = 4"]
    plain_runs = {json.dumps(r["trials"]) for r in logs["plain"]}
    out = {"spec": args.spec, "trials": args.trials, "repeats": args.repeats,
           "wall_seconds": times,
           "median_seconds": {name: median(ts) for name, ts in times.items()},
           "ratios": ratios, "ratio": ratio, "target": TARGET, "met": ratio <= TARGET,
           "repeatable_runs_identical": True,
           "plain_runs_distinct_trial_sets": len(plain_runs),
           "machine_before": before, "machine_after": machine()}
    if args.json:
        print(json.dumps(out))
    else:
        print(f"{args.spec}: {args.trials} trials on 2 workers, {args.repeats} interleaved "
              "repeats (medians)")
        for name, ts in times.items():
            print(f"{name:10s} {median(ts):6.1f} s wall  (runs: "
                  f"{', '.join(f'{t:.1f}' for t in ts)})")
        print(f"repeatable vs plain: W = 2 {ratios['W = 2']:.2f}x, W = 4 {ratio:.2f}x; target "
              f"(W = 4) <= {TARGET}x: {'MET' if out['met'] else 'MISSED'}")
        print(f"every repeatable run ran the trials of 1 worker of its W; the plain runs ran "
              f"{len(plain_runs)} different sets of trials in {args.repeats} runs")
        print(f"load average before {before['loadavg']}, after {out['machine_after']['loadavg']}"
              f" on {before['cores']} cores")
    return out


if __name__ == "__main__":
    run(main)
