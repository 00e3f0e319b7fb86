"""Share of a study's wall time spent outside training: sampling, storage, the loop.

One ``run_study`` (1 worker, in this process) of the ready ``coin`` spec as written (TPE
multivariate, hyperband, checkpoint every 5 epochs) on a fresh SQLite file (the embedded
default; ``--storage journal``: a fresh journal file), with
``--trials`` trials and ``--epochs`` max epochs per trial. Stopwatches wrap

- ``train_run`` inside the objective: the training work (net build, epochs, checkpoint
  evaluations, test score); for a trial of an imbalance strategy (the ``imbalance``
  spec) ``fit_pipeline``: its pipeline built and fitted (resampling, net);
- ``ReportToTrial.on_checkpoint`` (inside training): ``trial.report`` and
  ``should_prune``, storage reads and writes, so counted as bookkeeping;
- the TPE sampler's ``infer_relative_search_space``/``sample_relative``/
  ``sample_independent``: sampling.

Bookkeeping = wall - (training - reporting): sampling, reporting/pruning, and the rest
(claim lock, stale-trial check, budget count, trial creation, user attributes, finishing
the trial), and the run's one-time part: opening the storage (twice: the run and its
worker) and creating the study, printed on its own line (the time before the first
training and after the last). What a fresh process pays once before any study, the data
split's import of scikit-learn (~1.5-2.5 s) and the data read, is not bookkeeping: it is
done before the stopwatch starts (printed apart), as the peer below is timed in a warm
process. The gaps between consecutive trainings show how it grows with the number of
stored trials. The share depends on how long a trial trains: the absolute ms per trial is
printed too.

The peer, in the same run: the same trials replayed through Optuna alone, into a fresh
file of the same kind opened the same way, with nothing else: each trial asked with its stored
distributions (random sampler), its intermediate values reported, its record written at
the start and the end, and told its state. That is the least bookkeeping any Optuna study
with these trials does on this storage (no sampler model, pruner, heartbeats or claim).
Target: <= 10 % at 200 trials. Full spec epochs: ``--epochs 100``. Run:
``python benchmarks/study_bookkeeping.py [--trials 200] [--epochs 30] [--storage journal]``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from pathlib import Path

import optuna

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _common import positive, run  # noqa: E402
from _study_common import Stopwatch, finished_trials, machine, variant  # noqa: E402

import data  # noqa: E402
import study  # noqa: E402
import study._objective as objective_module  # noqa: E402
import study._pipeline_trial as pipeline_module  # noqa: E402
from study import quiet_optuna  # noqa: E402

TARGET = 0.10
# before_trial too: study.TrialSeeded builds each trial's sampler there
# the file each storage kind is opened on (study.resolve_storage tells them by suffix)
STORAGE_FILES = {"sqlite": ("study.db", "floor.db"), "journal": ("study.log", "floor.log")}
SAMPLER_METHODS = ("before_trial", "infer_relative_search_space", "sample_relative",
                   "sample_independent")


def optuna_floor(trials, path: Path) -> float:
    """Seconds Optuna alone takes to store ``trials`` again (see the module doc)."""
    with quiet_optuna():
        storage = study.open_storage(study.resolve_storage(str(path)), create=True)
        replay = optuna.create_study(storage=storage, study_name="floor",
                                     sampler=optuna.samplers.RandomSampler(seed=0))
        t0 = time.perf_counter()
        for t in trials:
            trial = replay.ask(fixed_distributions=t.distributions)
            record = t.user_attrs.get(study.RECORD_ATTR, {})
            trial.set_user_attr(study.RECORD_ATTR, {k: record.get(k) for k in ("worker", "run")})
            for step, value in t.intermediate_values.items():
                trial.report(value, step)
            trial.set_user_attr(study.RECORD_ATTR, record)
            if t.state == optuna.trial.TrialState.COMPLETE:
                replay.tell(trial, t.values)
            else:
                replay.tell(trial, state=t.state)
        return time.perf_counter() - t0


def main(argv=None):
    p = argparse.ArgumentParser(description=(__doc__ or "").partition("\n")[0])
    p.add_argument("--spec", default="coin")
    p.add_argument("--trials", type=positive(), default=200)
    p.add_argument("--epochs", type=positive(float), default=30)
    p.add_argument("--storage", choices=sorted(STORAGE_FILES), default="sqlite",
                   help="the kind of fresh storage file both runs use (default: sqlite)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    spec = variant(args.spec, name=f"bench-bookkeeping-{args.spec}", n_trials=args.trials,
                   max_epochs=args.epochs)
    sampler_cls = type(study.make_sampler(spec))
    train, report, sample = Stopwatch(), Stopwatch(), Stopwatch()
    spans = []  # (start, end, reporting seconds inside) of every training

    def timed(train_fn):
        def timed_train(*a, **kw):
            t0, r0 = time.perf_counter(), report.seconds
            try:
                return train_fn(*a, **kw)
            finally:
                spans.append((t0, time.perf_counter(), report.seconds - r0))

        return train.wrap(timed_train)

    # a trial trains through one or the other (an imbalance strategy: its pipeline)
    original_train = objective_module.train_run
    original_fit = pipeline_module.fit_pipeline  # an Objective's base calls it there
    originals = {m: getattr(sampler_cls, m) for m in SAMPLER_METHODS}
    original_report = study.ReportToTrial.on_checkpoint
    before = machine()
    # a fresh process's one-time start, not the study's bookkeeping: scikit-learn's import
    # (the data split) and the data read, ~2.4 s of a cold run_study
    t_start = time.perf_counter()
    data.load(spec.dataset, seed=spec.seed)
    process_start = time.perf_counter() - t_start
    try:
        objective_module.train_run = timed(original_train)
        pipeline_module.fit_pipeline = timed(original_fit)
        study.ReportToTrial.on_checkpoint = report.wrap(original_report)
        for m, fn in originals.items():
            setattr(sampler_cls, m, sample.wrap(fn))
        with tempfile.TemporaryDirectory() as tmp:
            path, floor_path = (Path(tmp) / name for name in STORAGE_FILES[args.storage])
            t0 = time.perf_counter()
            res = study.run_study(spec, storage=str(path), progress=False, fresh=True)
            t_end = time.perf_counter()
            wall = t_end - t0
            db_bytes = path.stat().st_size
            floor = optuna_floor(finished_trials(spec, str(path)), floor_path)
    finally:
        objective_module.train_run = original_train
        pipeline_module.fit_pipeline = original_fit
        study.ReportToTrial.on_checkpoint = original_report
        for m, fn in originals.items():
            setattr(sampler_cls, m, fn)
    training = train.seconds - report.seconds
    book = wall - training
    # per trial: the gap before its training, plus the reporting inside it
    gaps = [s1 - e0 + r1 for (_, e0, _), (s1, _, r1) in zip(spans, spans[1:], strict=False)]
    k = min(50, len(gaps))
    # the run's own one-time part (in the wall): storage opened, study created, the first
    # trial's claim; and after the last training, its trial told and the storage released
    one_time = ((spans[0][0] - t0, t_end - spans[-1][1]) if spans else (math.nan, math.nan))
    out = {
        "spec": args.spec, "trials": args.trials, "epochs": args.epochs,
        "sampler": spec.sampler, "pruner": spec.pruner, "storage": args.storage,
        "wall_seconds": wall,
        "training_seconds": training, "bookkeeping_seconds": book, "share": book / wall,
        "sampling_seconds": sample.seconds, "reporting_seconds": report.seconds,
        "other_seconds": book - sample.seconds - report.seconds,
        "bookkeeping_ms_per_trial": 1000 * book / args.trials,
        "training_ms_per_trial": 1000 * training / args.trials,
        "gap_ms_first": 1000 * sum(gaps[:k]) / max(k, 1),
        "gap_ms_last": 1000 * sum(gaps[-k:]) / max(k, 1), "gap_window": k,
        "optuna_floor_ms_per_trial": 1000 * floor / args.trials,
        "optuna_floor_share": floor / (floor + training),
        "process_start_seconds": process_start,
        "before_first_training_seconds": one_time[0],
        "after_last_training_seconds": one_time[1],
        "n_pruned": res["n_pruned"], "n_complete": res["n_complete"], "db_bytes": db_bytes,
        "target": TARGET, "met": book / wall <= TARGET, "optuna": optuna.__version__,
        "machine_before": before, "machine_after": machine(),
    }
    if args.json:
        print(json.dumps(out))
        return out
    print(f"{args.spec}: {args.trials} trials x <= {args.epochs:g} epochs, {spec.sampler}, "
          f"{spec.pruner} ({out['n_pruned']} pruned), "
          f"{'SQLite' if args.storage == 'sqlite' else 'journal file'}, 1 worker")
    print(f"process start before the stopwatch (scikit-learn's import, the data; not "
          f"counted): {process_start:.1f} s")
    print(f"wall {wall:7.1f} s   training {training:7.1f} s   bookkeeping {book:6.1f} s "
          f"({out['share']:.1%})")
    print(f"  sampling {sample.seconds:6.1f} s   reporting/pruning {report.seconds:6.1f} s   "
          f"other storage + loop {out['other_seconds']:6.1f} s")
    print(f"  one-time in the wall (counted): {one_time[0]:.1f} s before the first training "
          f"(storage opened, study created), {one_time[1]:.1f} s after the last")
    print(f"  per trial: training {out['training_ms_per_trial']:.0f} ms, bookkeeping "
          f"{out['bookkeeping_ms_per_trial']:.0f} ms (first {k} trials {out['gap_ms_first']:.0f}"
          f" ms, last {k} {out['gap_ms_last']:.0f} ms)")
    print(f"  Optuna alone storing the same trials: {out['optuna_floor_ms_per_trial']:.0f} ms a "
          f"trial, {out['optuna_floor_share']:.1%} of training + that")
    print(f"bookkeeping share {out['share']:.1%}; target <= {TARGET:.0%}: "
          f"{'MET' if out['met'] else 'MISSED'}; load average before {before['loadavg']}, "
          f"after {out['machine_after']['loadavg']}")
    return out


if __name__ == "__main__":
    run(main)
