"""The imbalance report's leakage demonstration: each sampler run before the split (wrong
on purpose), its scores against the proper runs', and why each kind of sampler's moved."""

from __future__ import annotations

from ._core import Report
from ._imbalance_draw import draw_leakage, leakage_caption
from ._imbalance_ratios import _at, _slug

#: Why a leaky score moves, per kind of sampler: only oversamplers put (near-)copies of
#: test positives into training; every sampler changes the re-split test set's balance.
LEAKAGE_CAUSES = {
    "over": "copies of (or interpolations between) test positives reach training, so the "
            "model is scored on positives it has (nearly) seen; and the added positives "
            "raise the test prevalence",
    "combined": "SMOTE's interpolations between test positives reach training; and the "
                "resampled test set has a higher prevalence (the cleaning step also drops "
                "hard examples near the class border)",
    "under": "no copies: nothing of the test set reaches training. The score moves because "
             "dropping negatives raises the test prevalence, which alone lifts PR-AUC, "
             "precision and F1 of the same model",
    "clean": "no copies: nothing of the test set reaches training. They drop majority "
             "examples near the class border from the test set too, which makes it easier; "
             "its prevalence changes little when few are dropped",
}


def _not_run(result, ratio: str, strategy: str) -> str:
    """What ended a strategy's runs that did not run at ``ratio``, per mode: "proper: 1
    failed", "proper: 3 skipped (nothing to resample)" (a skip is no failure)."""
    runs = result.runs
    g = runs[(runs["ratio"] == ratio) & (runs["strategy"] == strategy)
             & (runs["threshold"] == "0.5") & (runs["status"] != "ok")]
    counts = g.groupby(["mode", "status"], sort=False).size()
    return ", ".join(f"{mode}: {n} {status}" + (" (nothing to resample)" if status == "skipped"
                                                 else "")
                     for (mode, status), n in counts.items())


def _leakage_section(rep: Report, result) -> None:
    leak = result.leakage()
    rep.add_section("Leakage demonstration (resampling before the split: WRONG on purpose)",
                    "Here each sampler ran on train, validation and test merged, which were "
                    "then split again, so the test set no longer has the real class balance "
                    "(over- and undersamplers; a cleaner changes it little, below). For "
                    "oversamplers, copies of (or interpolations between) "
                    "test positives also reach training. Neither makes the model any better. "
                    "The leaky runs are scored on a re-drawn test set, so with few seeds part "
                    "of any difference is that split's chance.")
    if leak.empty:
        rep.add_text("No sampler ran in both modes.")
        return
    first = leak.drop_duplicates(["ratio", "strategy"])
    short = first[first["n_seeds_paired"] < result.seeds]
    if len(short):  # a seed failed one way: the other way's score on it is left out too
        rep.add_text("Proper and leaky scores are compared seed by seed, over the seeds that "
                     "ran both ways; fewer did for "
                     + "; ".join(f"{r.strategy} at {r.ratio} ({r.n_seeds_paired} of "
                                 f"{result.seeds} seeds"
                                 + (", nothing to compare" if not r.n_seeds_paired else "")
                                 + f"; {_not_run(result, r.ratio, r.strategy)})"
                                 for r in short.itertuples())
                     + ".", note=True)
    # a sampler with no seed run both ways has no numbers: no text or figure of its own
    # (the table keeps its rows, as the JSON does)
    table, leak = leak, leak[leak["n_seeds_paired"] > 0]
    first = first[first["n_seeds_paired"] > 0]
    for kind, cause in LEAKAGE_CAUSES.items():
        g = first[first["kind"] == kind]
        if not len(g):
            continue
        prevalence = "; ".join(
            f"{r.strategy} at {r.ratio}: {r.test_prevalence_proper:.3f} → "
            f"{r.test_prevalence_leaky:.3f}" for r in g.itertuples())
        rep.add_text(f"{', '.join(dict.fromkeys(g['strategy']))} ({kind}): {cause}. Test "
                     f"prevalence, real → leaky: {prevalence}.")
    for ratio in result.ratios:
        g = leak[(leak["ratio"] == ratio) & leak["metric"].isin(["pr_auc", "recall", "f1"])]
        if len(g):
            rep.add_figure(f"leakage-{_slug(ratio)}", draw_leakage, g,
                           alt="Bar charts of proper against leaky scores per sampler "
                               f"{_at(ratio)}",
                           caption=leakage_caption(ratio, list(dict.fromkeys(g["metric"]))))
    rep.add_table(table, name="leakage", caption="Proper and leaky means over the seeds that ran "
                  "both ways (n_seeds_paired); inflation = leaky − proper, with the test set's "
                  "positive prevalence each way. Inflation is not skill: for oversamplers it "
                  "mixes leaked positives with the changed test balance; for undersamplers "
                  "and cleaners it comes from the changed test set alone.")
