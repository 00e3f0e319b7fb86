"""TPE's best after 50 trials against random search's best after 100.

For each dataset (coin, digits) and seed, the ready spec's objective (``study.Objective``:
suggest, build the config, train, score the validation set) runs under the registry's TPE
sampler (multivariate, as ``hplab study run`` makes it) for ``--tpe-trials`` trials and
under the random sampler for ``--random-trials``, pruner none. Trials are cheap on purpose
(few epochs each: the ranking of configurations, not their final accuracy, is compared).
The sampler is the subject, not the storage: studies are in memory. The seed changes the
data split, the samplers' streams and the nets' initializations; both samplers of one seed
share the split. Target: median over the seeds of TPE's best >= random's best. Run:
``python benchmarks/study_sampler.py [--seeds 5] [--coin-epochs 10] [--digits-epochs 5]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import optuna

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _common import median, positive, run  # noqa: E402
from _study_common import machine, variant  # noqa: E402

import data  # noqa: E402
import study  # noqa: E402
from study import quiet_optuna  # noqa: E402


def best_of(spec, dataset) -> tuple[float, float]:
    t0 = time.perf_counter()
    with quiet_optuna():
        s = optuna.create_study(direction=spec.directions[0],
                                sampler=study.make_sampler(spec),
                                pruner=study.make_pruner(spec))
        s.optimize(study.Objective(spec, dataset), n_trials=spec.n_trials, catch=(Exception,))
    return s.best_value, time.perf_counter() - t0


def main(argv=None):
    p = argparse.ArgumentParser(description=(__doc__ or "").partition("\n")[0])
    p.add_argument("--datasets", nargs="+", default=["coin", "digits"],
                   choices=["coin", "digits"])  # maximized val_accuracy, dataset = spec name
    p.add_argument("--seeds", type=positive(), default=5)
    p.add_argument("--tpe-trials", type=positive(), default=50)
    p.add_argument("--random-trials", type=positive(), default=100)
    p.add_argument("--coin-epochs", type=positive(float), default=10)
    p.add_argument("--digits-epochs", type=positive(float), default=5)
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    epochs = {"coin": args.coin_epochs, "digits": args.digits_epochs}
    trials = {"tpe": args.tpe_trials, "random": args.random_trials}
    before = machine()
    out = {"seeds": args.seeds, "trials": trials, "datasets": {}}
    for name in args.datasets:
        best = {s: [] for s in trials}
        secs = {s: [] for s in trials}
        for seed in range(args.seeds):
            ds = data.load(name, seed=seed)
            for sampler, n in trials.items():  # interleaved per seed
                spec = variant(name, name=f"bench-sampler-{name}", seed=seed, n_trials=n,
                               sampler=sampler, pruner="none",
                               max_epochs=epochs.get(name, study.load_spec(name).max_epochs))
                b, t = best_of(spec, ds)
                best[sampler].append(b)
                secs[sampler].append(t)
        med = {s: median(v) for s, v in best.items()}
        out["datasets"][name] = {
            "max_epochs": epochs.get(name), "best": best, "best_median": med,
            "tpe_wins_seeds": sum(t >= r for t, r in zip(best["tpe"], best["random"],
                                                         strict=True)),
            "seconds_median": {s: median(v) for s, v in secs.items()},
            "met": med["tpe"] >= med["random"],
        }
    out["met"] = all(r["met"] for r in out["datasets"].values())
    out["machine_before"], out["machine_after"] = before, machine()
    if args.json:
        print(json.dumps(out))
        return out
    print(f"best val accuracy, median over {args.seeds} seeds; pruner none; in-memory studies")
    for name, r in out["datasets"].items():
        print(f"{name} ({r['max_epochs']:g} epochs per trial):")
        for s, n in trials.items():
            per_seed = " ".join(f"{x:.3f}" for x in r["best"][s])
            print(f"  {s:6s} after {n:3d} trials: {r['best_median'][s]:.4f}  ({per_seed})  "
                  f"{r['seconds_median'][s]:.1f} s")
        print(f"  TPE >= random on {r['tpe_wins_seeds']}/{args.seeds} seeds; target (medians) "
              f"TPE >= random: {'MET' if r['met'] else 'MISSED'}")
    print(f"overall: {'MET' if out['met'] else 'MISSED'}; load average before "
          f"{before['loadavg']}, after {out['machine_after']['loadavg']}")
    return out


if __name__ == "__main__":
    run(main)
