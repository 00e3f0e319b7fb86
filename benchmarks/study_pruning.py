"""Hyperband against no pruning: epochs trained and best validation accuracy.

For each dataset (coin, digits) and seed, the ready spec runs twice on fresh SQLite files,
once with its hyperband pruner and once with pruner none; everything else (TPE sampler,
seed, data split, space, checkpoints) is the same. Total epochs = the sum over all trials of
the epochs each trained (its ``epochs`` user attribute). Figures are medians over the seeds
of the per-seed ratio (hyperband epochs / none epochs) and difference (hyperband best -
none best, in accuracy points). Target: ratio <= 40 % with the best within 0.5 points.

The default runs the specs as written (coin 40 trials x 100 epochs, digits 60 x 30; about
6 minutes on 2 cores); ``--trial-scale`` and ``--epoch-scale`` shrink them for a quick look
(checkpoints stay as in the specs). Run:
``python benchmarks/study_pruning.py [--seeds 5] [--trial-scale 1] [--epoch-scale 1]
[--hyperband-trials 1]`` (``--hyperband-trials 1.25``: hyperband runs 1.25x the trials,
to compare the two at closer compute).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _common import median, positive, run  # noqa: E402
from _study_common import finished_trials, machine, trial_epochs, variant  # noqa: E402

import study  # noqa: E402

TARGET_RATIO, TARGET_POINTS = 0.40, 0.5
DATASETS = ("coin", "digits")
PRUNERS = ("hyperband", "none")


def run_once(spec) -> dict:
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "study.db")
        out = study.run_study(spec, storage=path, progress=False, fresh=True)
        trials = finished_trials(spec, path)
    return {"epochs": sum(trial_epochs(t, spec.checkpoint) for t in trials),
            "best": out["best_value"], "n_pruned": out["n_pruned"],
            "n_complete": out["n_complete"], "seconds": time.perf_counter() - t0}


def main(argv=None):
    p = argparse.ArgumentParser(description=(__doc__ or "").partition("\n")[0])
    p.add_argument("--datasets", nargs="+", default=list(DATASETS),
                   choices=DATASETS)  # the verdict reads maximized val_accuracy
    p.add_argument("--seeds", type=positive(), default=5)
    p.add_argument("--trial-scale", type=positive(float), default=1.0,
                   help="fraction of each spec's n_trials (1 = as written)")
    p.add_argument("--epoch-scale", type=positive(float), default=1.0,
                   help="fraction of each spec's max_epochs (1 = as written)")
    p.add_argument("--hyperband-trials", type=positive(float), default=1.0,
                   help="hyperband's n_trials as a multiple of none's: above 1 compares the "
                        "two at closer compute instead of at equal trials")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    before = machine()
    out = {"seeds": args.seeds, "trial_scale": args.trial_scale,
           "epoch_scale": args.epoch_scale, "hyperband_trials": args.hyperband_trials,
           "datasets": {}}
    for name in args.datasets:
        base = study.load_spec(name)
        n_trials = max(1, round(base.n_trials * args.trial_scale))
        max_epochs = max(base.checkpoint, math.ceil(base.max_epochs * args.epoch_scale))
        trials = {"hyperband": round(n_trials * args.hyperband_trials), "none": n_trials}
        runs = {pr: [] for pr in PRUNERS}
        for seed in range(args.seeds):
            for pruner in PRUNERS:  # interleaved: both pruners see the same machine drift
                spec = variant(name, name=f"bench-pruning-{name}", seed=seed,
                               n_trials=trials[pruner], max_epochs=max_epochs, pruner=pruner)
                runs[pruner].append(run_once(spec))
        hb, no = runs["hyperband"], runs["none"]
        ratios = [h["epochs"] / n["epochs"] for h, n in zip(hb, no, strict=True)]
        diffs = [100 * (h["best"] - n["best"]) for h, n in zip(hb, no, strict=True)]
        res = {
            "n_trials": n_trials, "n_trials_hyperband": trials["hyperband"],
            "max_epochs": max_epochs, "checkpoint": base.checkpoint,
            "runs": runs, "epoch_ratio": median(ratios), "best_diff_points": median(diffs),
            "epochs_median": {pr: median(r["epochs"] for r in runs[pr]) for pr in PRUNERS},
            "best_median": {pr: median(r["best"] for r in runs[pr]) for pr in PRUNERS},
            "seconds_median": {pr: median(r["seconds"] for r in runs[pr]) for pr in PRUNERS},
        }
        res["met"] = res["epoch_ratio"] <= TARGET_RATIO and \
            res["best_diff_points"] >= -TARGET_POINTS
        out["datasets"][name] = res
    out["met"] = all(r["met"] for r in out["datasets"].values())
    out["machine_before"], out["machine_after"] = before, machine()
    if args.json:
        print(json.dumps(out))
        return out
    print(f"median over {args.seeds} seeds; hyperband vs none, TPE, fresh SQLite each run")
    for name, r in out["datasets"].items():
        shown = (f"{r['n_trials']}" if r["n_trials_hyperband"] == r["n_trials"] else
                 f"{r['n_trials_hyperband']} (hyperband) / {r['n_trials']} (none)")
        print(f"{name}: {shown} trials x {r['max_epochs']:g} epochs "
              f"(checkpoint {r['checkpoint']:g})")
        for pr in PRUNERS:
            per_seed = " ".join(f"{x['best']:.3f}" for x in r["runs"][pr])
            print(f"  {pr:9s} epochs {r['epochs_median'][pr]:7.1f}  best val acc "
                  f"{r['best_median'][pr]:.4f}  ({per_seed})  {r['seconds_median'][pr]:.1f} s")
        print(f"  hyperband epochs / none: {r['epoch_ratio']:.0%} (target <= "
              f"{TARGET_RATIO:.0%}); best diff {r['best_diff_points']:+.2f} points (target >= "
              f"-{TARGET_POINTS}): {'MET' if r['met'] else 'MISSED'}")
    print(f"overall: {'MET' if out['met'] else 'MISSED'}; load average before "
          f"{before['loadavg']}, after {out['machine_after']['loadavg']}")
    return out


if __name__ == "__main__":
    run(main)
