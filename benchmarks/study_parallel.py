"""Trials per minute of a study with 2 workers against 1 worker, on SQLite.

The ready ``digits`` spec with pruner none and a fixed number of epochs per trial (every
trial trains to the end), ``--trials`` trials, a fresh SQLite file per run. Every
contender runs the same trials: the parameters an untimed 1-worker run of the spec
sampled, enqueued in each fresh study (the sampler still runs for every trial; its
proposal gives way to the enqueued one). Left to sample for themselves, 2 workers pick
other trials than 1 (two TPE streams), whose training differs by up to a third, and
trials per minute then compares the trials more than the workers; ``--as-sampled``
measures that way. The contenders are interleaved round after round (after one untimed
warm-up of each, which also starts joblib's reusable loky pool); figures are medians.
Wall time is the storage's creation and the whole ``run_study`` call, pool dispatch
included (not the enqueueing, which a real run does not do); "steady" counts only from
the first trial's start to the last trial's end. A third contender runs 1 worker with
BLAS limited to one thread, as ``run_study`` limits each of 2 workers on 2 cores: it
separates the gain of processes from that of BLAS threads. A fourth runs 2 workers on a
fresh pool (joblib's reusable one ended before it, untimed): its worker processes start,
import and receive the data inside its wall time, as in every ``hplab study run --workers
2`` (a new process each time). The verdict is the warm pool's: trials per minute of a
running study, the pool's start, once a process, excluded and printed apart ("fresh pool
start": the fresh pool's wall time less the warm pool's in the same round, median over
the rounds; their first trials' slower training in a new process included) with the ratio
it gives. Target: 2 workers >= 1.7x one worker (2 cores). Run: ``python
benchmarks/study_parallel.py [--trials 60] [--epochs 30] [--repeats 3] [--as-sampled]``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _common import interleaved, median, positive, run  # noqa: E402
from _study_common import finished_trials, machine, variant  # noqa: E402

import study  # noqa: E402
from study import quiet_optuna  # noqa: E402

TARGET = 1.7


def end_pool() -> None:
    """End joblib's reusable loky pool (its processes), so that the next 2-worker run
    starts a fresh one, as each `hplab study run --workers 2` does."""
    from joblib.externals.loky import reusable_executor

    executor = reusable_executor._executor  # loky's own: an AttributeError if it goes
    if executor is not None:
        executor.shutdown(wait=True, kill_workers=True)
    left = [p for p in multiprocessing.active_children() if "loky" in type(p).__module__]
    if left:
        raise RuntimeError(f"loky pool processes {[p.pid for p in left]} outlived its end")


def run_once(spec, workers: int, log: list, blas_threads: int | None = None,
             same: list[dict] | None = None) -> None:
    """One study on a fresh SQLite file; ``same``: the parameters of its trials."""
    with tempfile.TemporaryDirectory() as tmp, threadpool_limits(limits=blas_threads):
        path = str(Path(tmp) / "study.db")
        t0 = time.perf_counter()
        queueing = 0.0
        if same is not None:
            where = study.resolve_storage(path)
            with quiet_optuna():
                created = study.create_or_resume(spec, study.open_storage(where, create=True),
                                                 where)
                t_queue = time.perf_counter()
                for params in same:
                    created.enqueue_trial(params)
                queueing = time.perf_counter() - t_queue
        study.run_study(spec, storage=path, workers=workers, progress=False,
                        fresh=same is None)
        wall = time.perf_counter() - t0 - queueing
        trials = finished_trials(spec, path)
    if same is not None and sorted(map(repr, (t.params for t in trials))) != sorted(
            map(repr, same)):
        raise RuntimeError("a contender ran other trials than the ones enqueued")
    starts = [t.datetime_start for t in trials if t.datetime_start]
    ends = [t.datetime_complete for t in trials if t.datetime_complete]
    log.append({"wall_seconds": wall,
                "steady_seconds": (max(ends) - min(starts)).total_seconds(),
                "train_seconds": sum(study.trial_info(t).get("seconds") or 0.0 for t in trials),
                "steps": sum(study.trial_info(t).get("iterations") or 0 for t in trials),
                "n_trials": len(trials), "params": [t.params for t in trials]})


def main(argv=None):
    p = argparse.ArgumentParser(description=(__doc__ or "").partition("\n")[0])
    p.add_argument("--spec", default="digits")
    p.add_argument("--trials", type=positive(), default=60)
    p.add_argument("--epochs", type=positive(float), default=30)
    p.add_argument("--repeats", type=positive(), default=3)
    p.add_argument("--as-sampled", action="store_true",
                   help="each contender samples its own trials (2 workers: other trials)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    spec = variant(args.spec, name=f"bench-parallel-{args.spec}", n_trials=args.trials,
                   pruner="none", max_epochs=args.epochs)
    logs = {1: [], "1t": [], 2: [], "2f": []}
    before = machine()
    for w in (1, 2):  # warm-up: imports, data, the loky pool's processes
        run_once(variant(args.spec, name="bench-warmup", n_trials=2 * w, pruner="none",
                         max_epochs=1), w, [])
    same = None
    if not args.as_sampled:  # the trials one worker samples, for every contender to run
        reference = []
        run_once(spec, 1, reference)
        same = reference[0]["params"]
    contenders = {"1 worker": lambda: run_once(spec, 1, logs[1], same=same),
                  "1w 1 BLAS": lambda: run_once(spec, 1, logs["1t"], blas_threads=1,
                                                same=same),
                  "2 workers": lambda: run_once(spec, 2, logs[2], same=same),
                  "2w fresh pool": lambda: (end_pool(), run_once(spec, 2, logs["2f"],
                                                                 same=same))}
    keys = dict(zip(contenders, (1, "1t", 2, "2f"), strict=True))
    interleaved(contenders, args.repeats)  # the fresh pool's end is outside its wall
    times = {name: [r["wall_seconds"] for r in logs[w]] for name, w in keys.items()}
    rate = {name: 60 * args.trials / median(ts) for name, ts in times.items()}
    steady = {name: 60 * args.trials / median(r["steady_seconds"] for r in logs[w])
              for name, w in keys.items()}
    speedup = rate["2 workers"] / rate["1 worker"]
    outside = {name: [r["wall_seconds"] - r["steady_seconds"] for r in logs[w]]
               for name, w in keys.items()}
    # the same trials on a warm and a fresh pool in the same round (the machine's minute)
    fresh_start = median(f - w for f, w in zip(times["2w fresh pool"], times["2 workers"],
                                                strict=True))
    out = {
        "spec": args.spec, "trials": args.trials, "epochs": args.epochs,
        "repeats": args.repeats, "wall_seconds": times,
        "trials_per_minute": rate, "steady_trials_per_minute": steady,
        "speedup": speedup,
        "steady_speedup": steady["2 workers"] / steady["1 worker"],
        "speedup_vs_1_blas_thread": rate["2 workers"] / rate["1w 1 BLAS"],
        "train_seconds_median": {name: median(r["train_seconds"] for r in logs[w])
                                 for name, w in keys.items()},
        "same_trials": same is not None,
        "steps_median": {name: median(r["steps"] for r in logs[w]) for name, w in keys.items()},
        "outside_trials_seconds_median": {name: median(v) for name, v in outside.items()},
        "fresh_pool_start_seconds": fresh_start,
        "speedup_fresh_pool": rate["2w fresh pool"] / rate["1 worker"],
        "target": TARGET, "met": speedup >= TARGET,
        "machine_before": before, "machine_after": machine(),
    }
    if args.json:
        print(json.dumps(out))
    else:
        print(f"{args.spec}: {args.trials} trials x {args.epochs:g} epochs, pruner none, "
              f"{args.repeats} interleaved repeats (medians), "
              + ("the same trials for every contender" if same else "each samples its own"))
        for name in contenders:
            print(f"{name:13s} {median(times[name]):6.1f} s wall  {rate[name]:6.1f} trials/min"
                  f"  (steady {steady[name]:6.1f}/min, training "
                  f"{out['train_seconds_median'][name]:.1f} s and "
                  f"{out['steps_median'][name]:.0f} steps summed over trials)")
        print(f"2 workers vs 1: {speedup:.2f}x (steady {out['steady_speedup']:.2f}x); "
              f"target >= {TARGET}x: {'MET' if out['met'] else 'MISSED'} (a warm pool: its "
              f"start excluded)")
        print(f"a fresh pool's start (as each `hplab study run --workers 2` pays): "
              f"{fresh_start:+.1f} s a run; 2 workers on a fresh pool vs 1: "
              f"{out['speedup_fresh_pool']:.2f}x")
        print(f"2 workers vs 1 worker limited to 1 BLAS thread (as each pool worker is): "
              f"{out['speedup_vs_1_blas_thread']:.2f}x")
        print(f"load average before {before['loadavg']}, after {out['machine_after']['loadavg']}"
              f" on {before['cores']} cores")
    return out


if __name__ == "__main__":
    run(main)
