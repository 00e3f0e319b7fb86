"""The words around an imbalance report's ranking of one ratio: what the strategies were
scored on and what a first place picked on those scores is worth, whether the first is
settled as the best, and the partial, off-scale and twin strategies."""

from __future__ import annotations

import pandas as pd

import nets
from analyses import tied_ranks

from ._imbalance_draw import off_scale


def _unsettled(result, rank: pd.DataFrame) -> str:
    """Why the first ranked strategy is not settled as the best, or '': the strategies not
    told apart from it, those that beat it on the seeds both ran, those too few seeds tell
    (`analyses.against_first`)."""
    from analyses import against_first, distinct_runs, seeds_compared, unsettled_first

    rows = distinct_runs(rank.to_dict("records"))  # a twin's runs are no other strategy's
    why = unsettled_first(rows, result.metric, result.seeds)
    if why and why[0] == "one seed":
        return ("One seed: no intervals, so this order may be chance (more --seeds give "
                "intervals).")
    first, said = rows[0]["strategy"], []
    if why and why[0] == "overlap":
        said.append(f"{first} ranks first, but the 95 % intervals of {nets.and_list(why[1])} "
                    f"overlap its own: {result.seeds} seeds do not tell them apart (more "
                    "--seeds narrow the intervals).")
    elif why:
        # every strategy of a seed shares its data, split and test set: compared seed by seed
        said.append(f"{first} ranks first, but {nets.and_list(why[1])} "
                    f"{'is' if len(why[1]) == 1 else 'are'} not told apart from it "
                    f"{seeds_compared(rows, why[1], result.seeds)}: compared with {first} "
                    "seed by seed (each seed's strategies share its data, split and test "
                    "set), the 95 % t-interval of the difference includes 0 (the table of "
                    "paired differences gives it; more --seeds narrow it).")
    verdict = against_first(rows, result.metric)
    by_name = {r["strategy"]: r for r in rows}
    better = [n for n, v in verdict.items() if v == "better"]
    if better:
        partial = all(by_name[n]["status"] == "partial" for n in better)
        said.append(f"{nets.and_list(better)} beat {first} on the seeds "
                    f"{'it' if len(better) == 1 else 'each'} shared with it: "
                    + ("the 95 % t-interval of the per-seed difference lies wholly on the "
                       "better side of 0 (the table of paired differences gives it)"
                       if all(pd.notna(by_name[n]["paired_diff_ci_low"]) for n in better)
                       else f"{'its' if len(better) == 1 else 'their'} own 95 % interval "
                            f"lies wholly past {first}'s")
                    + ("; ranked after it for not running on every seed." if partial
                       else "."))
    few = [n for n, v in verdict.items() if v == "too_few_seeds"]
    if few:
        shared = {int(by_name[n]["paired_seeds"]) for n in few}
        each = ("each shares " if len(few) > 1 else "it shares ") + (
            nets.count_of(shared.pop(), "seed") if len(shared) == 1 else "one seed or none")
        said.append(f"Too few seeds shared with {first} to tell {nets.and_list(few)} from it "
                    f"({each} with it: one seed tells nothing apart), whatever "
                    f"{'its' if len(few) == 1 else 'their'} mean.")
    return " ".join(said)


def _partial_note(result, ratio: str) -> str:
    """The ranking caption's word on its partial strategies, as their seeds went: skipped
    (nothing to resample), failed, or both; '' without one."""
    s = result.status_frame()
    s = s[(s["ratio"] == ratio) & (s["mode"] == "proper") & (s["status"] == "partial")]
    if s.empty:
        return ""
    how = nets.and_list(w for w, col in (("failed", "n_failed"), ("was skipped", "n_skipped"))
                        if (s[col] > 0).any()).replace(" and ", " or ")
    return (f"; a partial strategy (it {how} on some seeds) over the seeds it ran, ranked "
            "after those that ran on all")


def _scored_on(result, ranked: int, tie=()) -> str:
    """What each ranking section says the strategies were trained, tuned and scored on,
    and what a first place picked among ``ranked`` strategies on those scores is worth
    (shared by the strategies of ``tie``, `_tied_first`'s, when more than one)."""
    thresholds = ("threshold metrics at 0.5, with the same metric at the threshold tuned for "
                  f"{result.tune_for} on")
    if result.test_is_train:  # XOR's 4 points are all three splits: nothing is untouched
        said = (f"Every strategy trained on the training split and was scored on it; "
                f"{thresholds} it too.")
    else:
        said = ("Every strategy trained on the training split only, scored once on the "
                f"untouched test split; {thresholds} validation data.")
    return said + (" " + picked_on_test(ranked, tie) if ranked > 1 else "")


def picked_on_test(ranked: int, tie=()) -> str:
    """The ranking's caveat: it is made on the test scores it shows (QA, science referee:
    capacity, lr-range and scaling choose on validation; this ranking picks on test).
    ``ranked`` strategies were scored; ``tie`` names those sharing first place, if more
    than one (one of them named alone was merely listed first by --strategies)."""
    top = (f"top score, shared by {nets.and_list(tie)}, picked as the best of {ranked}, is an "
           "optimistic estimate of what they" if len(tie) > 1 else
           f"first one's score, picked as the best of {ranked}, is an optimistic estimate of "
           "what it")
    return ("The ranking compares the strategies on these test scores across seeds, so the "
            f"{top} would score on new data; the paired intervals, not the order alone, say "
            "which differences these seeds bear out.")


def _tied_first(first) -> list[str]:
    """The strategies of one ratio's ranking (best first) that share its first rank, an
    exact tie (`analyses.tied_ranks`' "1="): the first ranked alone when none ties it."""
    ranks = tied_ranks(first["rank"])
    return [s for s, r in zip(first["strategy"], ranks, strict=True) if r == ranks[0]] \
        if ranks and ranks[0].endswith("=") else [first.iloc[0]["strategy"]]


def _off_scale_note(rank: pd.DataFrame) -> str:
    """The ranking caption's word on the strategies its axis leaves out (`off_scale`)."""
    away = off_scale(rank)
    if not away:
        return ""
    return (f" The axis spans the other strategies' range: {nets.and_list(away)}, far below "
            "it, " + ("is" if len(away) == 1 else "are") + " marked at its left edge with "
            "the mean (the table gives " + ("its" if len(away) == 1 else "their")
            + " interval).")


def _twins_note(twins: pd.DataFrame) -> str:
    """What one ratio's twins (`ImbalanceResult.twins`) are: strategies ranked apart
    with exactly another's scores, which the ranking alone does not tell."""
    said = []
    for r in twins.itertuples():
        kind = nets.STRATEGIES[r.strategy].kind
        if r.unchanged and kind == "clean":
            said.append(f"{r.strategy} removed no sample here: its scores are {r.twin}'s")
        elif r.unchanged:
            said.append(f"{r.strategy} left the training data as it was here: its scores "
                        f"are {r.twin}'s")
        elif r.same_fit and kind == "combined" and r.strategy in nets.BUILT_IN_STRATEGIES:
            # SMOTETomek: its cleaner is Tomek (a script's own combined sampler has no
            # such label: "its UnderThenSMOTE step removed nothing")
            cleaner = nets.STRATEGIES[r.strategy].label.removeprefix("SMOTE")
            said.append(f"{r.strategy}: its {cleaner} step removed nothing here, so its runs "
                        f"are {r.twin}'s")
        elif r.same_fit:
            said.append(f"{r.strategy} fitted the same class counts as {r.twin} here, and "
                        f"its runs are {r.twin}'s")
        else:
            said.append(f"{r.strategy} gave the same test probabilities as {r.twin} here: "
                        f"its scores are {r.twin}'s")
    if not said:
        return ""
    return ("; ".join(said) + ", seed for seed. "
            + ("Each is still ranked, tied with it (it did run), but that tie is no finding: "
               "the same runs score the same; the verdicts above leave it out."
               if len(said) > 1 else
               "It is still ranked, tied with it (it did run), but that tie is no finding: "
               "the same runs score the same; the verdicts above leave it out."))
