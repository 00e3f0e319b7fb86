"""Where each range-test suggestion rule lands against `--verify`'s best short-run rate.

For every setting (dataset x optimizer x activation x width; batch 32, float32) one
``analyses.lr_range_test`` with ``--seeds`` repeats and ``verify=True`` (its grid grown
past an edge where the best rate lies) gives the four suggestions (valley, steepest,
minimum, slide: medians over the seeds) and the best rate of brief constant-rate runs
(``--verify-epochs``, refined between its neighbours). A rule "lands" when it is within
3x of that rate either way; settings whose grid is inconclusive (no rate beat a constant
prediction, the rate of lowest loss did not, or the losses differ within seed noise) are
left out of the counts. No
timing: the figures are reproducible for a given machine's libraries. Run:
``python benchmarks/lr_suggestions.py [--seeds 3] [--verify-epochs 20] [--json]``
(under a minute to about 5 on 2 cores for the 54 default settings, by machine).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _common import positive, run  # noqa: E402

import analyses  # noqa: E402
import nets  # noqa: E402

RULES = tuple(analyses.SUGGESTIONS)
#: slide's value when the loss gradient at the curve's end already settles (curves that
#: never turn up): the rate 20 points before the ramp's end (15 before the end of the
#: curve the rules read, which drops its last 5), set by --max-lr and the number of
#: points, not read off the curve; counted apart.
SLIDE_FALLBACK = 0.242


def measure(dataset, optimizer, activation, width, *, seeds, verify_epochs) -> dict:
    cfg = nets.TrainConfig(hidden=(width,), activation=activation, optimizer=optimizer,
                           batch_size=32)
    res = analyses.lr_range_test(dataset, cfg, seeds=seeds, verify=True,
                                 verify_epochs=verify_epochs)
    v = res.verdict
    return {"dataset": dataset, "optimizer": optimizer, "activation": activation,
            "width": width, "rules": res.suggestions.set_index("name")["lr"].to_dict(),
            "best_lr": v["best_lr"], "inconclusive": bool(v["inconclusive"]),
            "at_grid_edge": bool(v["at_grid_edge"]), "n_rates": int(res.verify["lr"].nunique()),
            "never_stopped": res.summary()["stop_lr"] is None}


def tally(rows: list[dict]) -> dict:
    """Per rule: settings within 3x (all, coin and digits), the median ratio and quartiles."""
    judged = [r for r in rows if not r["inconclusive"] and r["best_lr"]]
    out = {"judged": len(judged), "judged_coin_digits": sum(r["dataset"] != "double-arc"
                                                            for r in judged)}
    for rule in RULES:
        ratio = np.array([r["rules"][rule] / r["best_lr"] for r in judged])
        within = (ratio >= 1 / 3) & (ratio <= 3)
        cd = np.array([r["dataset"] != "double-arc" for r in judged], dtype=bool)
        # no setting judged (every one inconclusive): no ratio to take quartiles of
        q25, med, q75 = (np.nanpercentile(ratio, [25, 50, 75]).tolist() if ratio.size
                         else (None, None, None))
        out[rule] = {"within_3x": int(within.sum()), "within_3x_coin_digits":
                     int((within & cd).sum()), "median_ratio": med,
                     "q25_ratio": q25, "q75_ratio": q75}
    fallback = [math.isclose(r["rules"]["slide"], SLIDE_FALLBACK, rel_tol=2e-3) for r in judged]
    out["slide"]["fallback_settings"] = int(sum(fallback))
    out["slide"]["within_3x_by_fallback"] = int(sum(
        f and 1 / 3 <= r["rules"]["slide"] / r["best_lr"] <= 3
        for f, r in zip(fallback, judged, strict=True)))
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=(__doc__ or "").partition("\n")[0])
    p.add_argument("--datasets", nargs="+", default=["coin", "digits", "double-arc"])
    p.add_argument("--optimizers", nargs="+", default=["sgd", "momentum", "adam"])
    p.add_argument("--activations", nargs="+", default=["sigmoid", "tanh", "relu"])
    p.add_argument("--widths", nargs="+", type=positive(), default=[8, 32])
    p.add_argument("--seeds", type=positive(), default=3)
    p.add_argument("--verify-epochs", type=positive(float), default=20.0)
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    rows = []
    for setting in itertools.product(args.datasets, args.optimizers, args.activations,
                                     args.widths):
        rows.append(measure(*setting, seeds=args.seeds, verify_epochs=args.verify_epochs))
        if not args.json:
            r = rows[-1]
            print(" ".join(map(str, setting)), f"best {r['best_lr']:.3g}" if r["best_lr"]
                  else "best -", "(inconclusive)" if r["inconclusive"] else "",
                  " ".join(f"{k} {r['rules'][k] / r['best_lr']:.2g}x" for k in RULES)
                  if r["best_lr"] else "", flush=True)
    out = {"settings": rows, "tally": tally(rows), "seeds": args.seeds,
           "verify_epochs": args.verify_epochs}
    if args.json:
        print(json.dumps(out))
        return out
    t = out["tally"]
    print(f"{t['judged']} settings judged ({t['judged_coin_digits']} on coin and digits)")
    for rule in RULES if t["judged"] else ():
        r = t[rule]
        print(f"{rule:9s} within 3x: {r['within_3x']:2d} ({r['within_3x_coin_digits']} on "
              f"coin/digits); ratio to the best rate: median {r['median_ratio']:.2f}x, "
              f"quartiles {r['q25_ratio']:.2f}-{r['q75_ratio']:.2f}x")
    print(f"slide's fixed fallback {SLIDE_FALLBACK}: {t['slide']['fallback_settings']} "
          f"settings, {t['slide']['within_3x_by_fallback']} of its within-3x")
    return out


if __name__ == "__main__":
    run(main)
