"""`hplab imbalance`'s terminal lines: the ranking of the remedies per ratio and what its
verdicts say of the first."""

from __future__ import annotations

from nets import and_list, count_of

from ._terminal import _ending
from ._terminal_analyses import _held_out_warning


def _verdict_lines(ranked: list[dict], metric: str, seeds: int) -> list[str]:
    """What one ratio's seeds tell of its first ranked strategy against the others: those
    not told apart from it, those that beat it on the seeds both ran, those too few seeds
    tell (`analyses.against_first`)."""
    from analyses import against_first, distinct_runs, seeds_compared, unsettled_first

    ranked = distinct_runs(ranked)  # a strategy whose runs are another's tells nothing apart
    why = unsettled_first(ranked, metric, seeds)
    if why and why[0] == "one seed":
        return ["  one seed: no intervals, so this order may be chance"]
    lines, first = [], ranked[0]["strategy"] if ranked else ""
    if why:
        how = ("paired by seed: the 95 % interval of each one's difference from it "
               "includes 0" if why[0] == "paired" else "their 95 % intervals overlap its own")
        lines.append(f"  not told apart from {first} {seeds_compared(ranked, why[1], seeds)}: "
                     f"{', '.join(why[1])} ({how})")
    said = against_first(ranked, metric)
    by_name = {r["strategy"]: r for r in ranked}
    for name in (n for n, v in said.items() if v == "better"):
        r = by_name[name]
        # a partial strategy ranks after those that ran on every seed, whatever its mean
        lines.append(f"  {name} beat {first} on the seeds both ran: " + (
            f"paired diff {r['paired_diff']:+.3f} [{r['paired_diff_ci_low']:+.3f}, "
            f"{r['paired_diff_ci_high']:+.3f}] over {r['paired_seeds']} seed(s)"
            if r.get("paired_diff_ci_low") is not None else
            f"its 95 % interval lies wholly past {first}'s")
            + ("; ranked after it for not running on every seed"
               if r["status"] == "partial" else ""))
    few = [n for n, v in said.items() if v == "too_few_seeds"]
    if few:
        shared = {by_name[n].get("paired_seeds") for n in few}
        each = (f"{count_of(next(iter(shared)), 'seed')} each; "
                if len(shared) == 1 and None not in shared else "")
        lines.append(f"  too few seeds shared with {first} to tell: {', '.join(few)} "
                     f"({each}one seed tells nothing apart)")
    return lines


def imbalance_lines(s: dict) -> list[str]:
    """Lines for `hplab imbalance`: the ranking per ratio, warnings, the leakage demo.

    Parameters
    ----------
    s : dict
        The benchmark's summary (``ImbalanceResult.summary``, ``--json``'s object).
    """
    lines = [f"imbalance on {s['dataset']} (positive class {s['positive']}): {s['metric']}, "
             f"{s['seeds']} seed(s), samplers aim at {s['sampling_ratio']:g}"]
    lines += _held_out_warning(s)
    from analyses import (
        few_positives_words,
        tied_ranks,
        unchanged_words,
        unranked,
        unranked_words,
    )

    # isolation_forest by brier: no probability, no row (as the report's calibration)
    left_out = unranked(s["metric"], s.get("strategies", ()))
    lines += filter(None, [unranked_words(s["metric"], left_out)])
    for ratio in s["ratios"]:
        lines.append(f"ratio {ratio}:")
        skipped: dict[str, list[str]] = {}  # one line per reason, not one per sampler
        rows = [r for r in s["ranking"] if r["ratio"] == ratio]
        # an exact tie shares its rank, marked "3=": three f1 0 [0, 0] read ranked 3, 4, 5
        shown = dict(zip((r["strategy"] for r in rows),
                         tied_ranks([r["rank"] for r in rows]), strict=True))
        for r in rows:
            if r["status"] == "skipped":
                skipped.setdefault(r["reason"], []).append(r["strategy"])
                continue
            if r["mean"] is None:  # failed: no score, so no rank (null)
                rank = "" if r["rank"] is None else f"{r['rank']}."
                lines.append(f"  {rank:>3} {r['strategy']:<17} {r['status']}: {r['reason']}")
                continue
            ci = (f"[{r['ci_low']:.3f}, {r['ci_high']:.3f}]" if r["ci_low"] is not None
                  else "")
            if r.get("same_as"):  # its runs are another's: +0.000 [+0.000, +0.000] told nothing
                ci += f"  (its runs are {r['same_as']}'s: the same scores, seed for seed)"
            elif r.get("paired_diff_ci_low") is not None:  # what the verdict below reads
                ci += (f"  paired diff {r['paired_diff']:+.3f} [{r['paired_diff_ci_low']:+.3f}"
                       f", {r['paired_diff_ci_high']:+.3f}]")
            rank = shown[r["strategy"]]
            rank = rank if rank.endswith("=") else f"{rank}."
            lines.append(f"  {rank:>3} {r['strategy']:<17} {r['mean']:.3f} {ci}"
                         + (f"  ({r['status']}: {r['reason']})" if r["status"] != "ok" else ""))
        lines += [f"  skipped {', '.join(names)}: {reason}" for reason, names in skipped.items()]
        # ...and those that did nothing on some seeds only: ranked, on the untreated data there
        lines += [f"  {unchanged_words(u)}" for u in s.get("unchanged", ())
                  if u["ratio"] == ratio]
        lines += _verdict_lines(rows, s["metric"], s["seeds"])
        # a ranking on a few test positives a seed: the paired intervals cannot show it
        lines += [f"  {few_positives_words(t)}" for t in s.get("test_positives", ())
                  if t["ratio"] == ratio and t["few"]]
        scored = [r for r in rows if r["mean"] is not None and not r.get("same_as")]
        if len(scored) > 1:  # picked on the test scores it shows: a winner's curse
            # a tie for first is named whole, as the card does: not the one listed first
            top = scored[0]["strategy"]
            tie = [r["strategy"] for r in scored if shown[top].endswith("=")
                   and shown[r["strategy"]] == shown[top]]
            who = (f"the top score, {scored[0]['mean']:.3f}, shared by {and_list(tie)}"
                   if len(tie) > 1 else f"{top}'s {scored[0]['mean']:.3f}")
            lines.append(f"  ranked on the test scores shown: {who}, picked as the best of "
                         f"{len(scored)}, is an optimistic estimate of what "
                         f"{'they' if len(tie) > 1 else 'it'} would score on new data")
    lines += [m["message"] for m in s["majority"] if m["misleading"]]
    from analyses import undertrained_words

    # a ranking of training budgets is no ranking of remedies: said where it may be one
    lines += filter(None, [undertrained_words(s["ranking"],
                                             (s.get("net_params") or {}).get("max_epochs"))])
    leaks = [r for r in s["leakage"] or []
             if r["metric"] == "pr_auc" and r["inflation"] is not None]
    if any(r["inflation"] for r in leaks):
        worst = max(leaks, key=lambda r: r["inflation"])
        # an undersampler copies nothing: its inflation is the test set's changed prevalence
        effect = (f"inflated by up to {worst['inflation']:+.3f} ({worst['strategy']}, "
                  f"{worst['ratio']}; test prevalence {worst['test_prevalence_proper']:.3f} "
                  f"-> {worst['test_prevalence_leaky']:.3f})" if worst["inflation"] > 0 else
                  f"not inflated in this run (changed by {worst['inflation']:+.3f} at most)")
        lines.append(f"leakage demo (resampling before the split, wrong on purpose): pr_auc "
                     f"{effect}")
    return lines + _ending(s)
