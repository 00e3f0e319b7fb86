"""Share of a study's wall time spent outside training: sampling, storage, the loop.

One ``run_study`` (1 worker, in this process) of the ready ``coin`` spec as written (TPE
multivariate, hyperband, checkpoint every 5 epochs) on a fresh SQLite file, with
``--trials`` trials and ``--epochs`` max epochs per trial. Stopwatches wrap

- ``train_run`` inside the objective: the training work (net build, epochs, checkpoint
  evaluations, test score);
- ``ReportToTrial.on_checkpoint`` (inside training): ``trial.report`` and
  ``should_prune``, storage reads and writes, so counted as bookkeeping;
- the TPE sampler's ``infer_relative_search_space``/``sample_relative``/
  ``sample_independent``: sampling.

Bookkeeping = wall - (training - reporting): sampling, reporting/pruning, and the rest
(claim lock, stale-trial check, budget count, trial creation, user attributes, finishing
the trial). The gaps between consecutive trainings show how it grows with the number of
stored trials. The share depends on how long a trial trains: the absolute ms per trial is
printed too. Target: <= 10 % at 200 trials. Full spec epochs: ``--epochs 100``. Run:
``python benchmarks/study_bookkeeping.py [--trials 200] [--epochs 30]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import optuna

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _study_common import Stopwatch, machine, variant  # noqa: E402

import study  # noqa: E402
import study._objective as objective_module  # noqa: E402

TARGET = 0.10
SAMPLER_METHODS = ("infer_relative_search_space", "sample_relative", "sample_independent")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--spec", default="coin")
    p.add_argument("--trials", type=int, default=200)
    p.add_argument("--epochs", type=float, default=30)
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    spec = variant(args.spec, name=f"bench-bookkeeping-{args.spec}", n_trials=args.trials,
                   max_epochs=args.epochs)
    sampler_cls = type(study.make_sampler(spec, 0))
    train, report, sample = Stopwatch(), Stopwatch(), Stopwatch()
    spans = []  # (start, end, reporting seconds inside) of every training

    def timed_train(*a, **kw):
        t0, r0 = time.perf_counter(), report.seconds
        try:
            return original_train(*a, **kw)
        finally:
            spans.append((t0, time.perf_counter(), report.seconds - r0))

    original_train = objective_module.train_run
    originals = {m: getattr(sampler_cls, m) for m in SAMPLER_METHODS}
    original_report = study.ReportToTrial.on_checkpoint
    before = machine()
    try:
        objective_module.train_run = train.wrap(timed_train)
        study.ReportToTrial.on_checkpoint = report.wrap(original_report)
        for m, fn in originals.items():
            setattr(sampler_cls, m, sample.wrap(fn))
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            res = study.run_study(spec, storage=str(Path(tmp) / "study.db"), progress=False,
                                  fresh=True)
            wall = time.perf_counter() - t0
            db_bytes = (Path(tmp) / "study.db").stat().st_size
    finally:
        objective_module.train_run = original_train
        study.ReportToTrial.on_checkpoint = original_report
        for m, fn in originals.items():
            setattr(sampler_cls, m, fn)
    training = train.seconds - report.seconds
    book = wall - training
    # per trial: the gap before its training, plus the reporting inside it
    gaps = [s1 - e0 + r1 for (_, e0, _), (s1, _, r1) in zip(spans, spans[1:], strict=False)]
    k = min(50, len(gaps))
    out = {
        "spec": args.spec, "trials": args.trials, "epochs": args.epochs,
        "sampler": spec.sampler, "pruner": spec.pruner, "wall_seconds": wall,
        "training_seconds": training, "bookkeeping_seconds": book, "share": book / wall,
        "sampling_seconds": sample.seconds, "reporting_seconds": report.seconds,
        "other_seconds": book - sample.seconds - report.seconds,
        "bookkeeping_ms_per_trial": 1000 * book / args.trials,
        "training_ms_per_trial": 1000 * training / args.trials,
        "gap_ms_first": 1000 * sum(gaps[:k]) / max(k, 1),
        "gap_ms_last": 1000 * sum(gaps[-k:]) / max(k, 1), "gap_window": k,
        "n_pruned": res["n_pruned"], "n_complete": res["n_complete"], "db_bytes": db_bytes,
        "target": TARGET, "met": book / wall <= TARGET, "optuna": optuna.__version__,
        "machine_before": before, "machine_after": machine(),
    }
    if args.json:
        print(json.dumps(out))
        return out
    print(f"{args.spec}: {args.trials} trials x <= {args.epochs:g} epochs, {spec.sampler}, "
          f"{spec.pruner} ({out['n_pruned']} pruned), SQLite, 1 worker")
    print(f"wall {wall:7.1f} s   training {training:7.1f} s   bookkeeping {book:6.1f} s "
          f"({out['share']:.1%})")
    print(f"  sampling {sample.seconds:6.1f} s   reporting/pruning {report.seconds:6.1f} s   "
          f"other storage + loop {out['other_seconds']:6.1f} s")
    print(f"  per trial: training {out['training_ms_per_trial']:.0f} ms, bookkeeping "
          f"{out['bookkeeping_ms_per_trial']:.0f} ms (first {k} trials {out['gap_ms_first']:.0f}"
          f" ms, last {k} {out['gap_ms_last']:.0f} ms)")
    print(f"bookkeeping share {out['share']:.1%}; target <= {TARGET:.0%}: "
          f"{'MET' if out['met'] else 'MISSED'}; load average before {before['loadavg']}, "
          f"after {out['machine_after']['loadavg']}")
    return out


if __name__ == "__main__":
    main()
