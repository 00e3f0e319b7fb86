"""The lr-range report's verdict: what the suggestion is worth, why the test stopped, and
what the verification grid says of it, as the report's sentences (the terminal's are
`lr_range_lines`)."""

from __future__ import annotations

import math

import numpy as np

from nets import count_of

from ._lr_range_failures import (
    diverged_line,
    failed_note,
    failures_line,
    lone_learner,
    lone_learner_line,
    lowest_failing,
    range_at_edge,
    verify_failures,
)


def verdict_lines(result, summary: dict) -> list[str]:
    """The report's verdict on ``result`` (an `analyses.LRRangeResult`) and its
    ``summary``: a sentence a line."""
    from analyses import (
        at_ramp_start,
        looper_rise_words,
        no_stop_advice,
        no_suggestion_reason,
        plain_sgd_valley,
        ramp_set_warning,
        seeds_that_stopped,
        shallow_descent,
        smooth_curve,
    )

    s = result.suggestions.set_index("name")
    n = len(result.seeds)
    chosen = s.loc[result.suggestion]
    k = int(chosen["n"])  # the seeds that gave it: one that diverged early gives none
    who = f"{k} seeds" if k == n else f"the {k} of {n} seeds that gave one"
    over = (f"median of {who}, IQR {chosen['iqr_log10']:.2f} decades" if k > 1 else
            "1 seed" if n == 1 else f"the 1 of {n} seeds that gave one")
    failures = verify_failures(result)
    lowest = lowest_failing(failures)
    others = ", ".join(f"{k} {v:.3g}{failed_note(v, lowest)}" for k, v in s["lr"].items()
                       if k != result.suggestion and math.isfinite(v))
    by_ramp = summary["ramp_set"]
    # a rate the ramp set is no suggestion of the data's: said first, not headlined
    lines = [(f"{result.suggestion}'s lr ≈ {chosen['lr']:.3g} ({over}) is set by the ramp, "
              "not by the data." if result.suggestion in by_ramp else
              f"{result.suggestion} suggests lr ≈ {chosen['lr']:.3g} ({over}).")
             + (f" Others: {others}." if others else "")
             if math.isfinite(chosen["lr"]) else
             f"No suggestion: {no_suggestion_reason(summary)}."]
    if summary.get("test_is_train"):  # XOR: as the terminal says it
        lines.insert(0, f"On {result.dataset} the validation set is the training set itself: "
                        "no score here is held out" + (", and the verification's scores are "
                        "training-set ones." if result.verdict is not None else "."))
    if math.isfinite(chosen["lr"]) and (flat := shallow_descent(summary)):
        lines.append(f"Weak suggestions: {flat}.")  # a tight IQR over a flat curve is no proof
    if first := at_ramp_start(summary):
        lines.append(f"Weak suggestion: {first[0].upper()}{first[1:]}.")
    if low := plain_sgd_valley(summary):
        lines.append(f"{low[0].upper()}{low[1:]}.")
    if summary["stop_lr"] is not None:
        lines.append(f"The {'smoothed ' if result.beta else ''}loss passed its "
                     f"stop threshold at lr ≈ "
                     f"{summary['stop_lr']:.3g}; its final rise began at lr ≈ "
                     f"{summary['divergence_lr']:.3g} ({seeds_that_stopped(summary, '×')})."
                     # QA: the course's own reading of its looper test, printed only as
                     # "Divergence lr", read as a rate to avoid
                     + (" The course reads its rate at this point, where the loss turns "
                        "up (0.75 on its MNIST net); --verify tells which reading trains "
                        "best on this data." if result.mode == "looper" else ""))
    else:
        # a looper's loss that turned up short of the stop: its suggestions end there
        rose = looper_rise_words(summary, "×")
        lines.append(f"The loss never passed its stop threshold "
                     f"({result.config.get('diverge', 4.0):g}× its lowest "
                     f"{'smoothed ' if result.beta else ''}value; a rise below "
                     "that, as the plot may show, does not stop the test) up to "
                     f"--max-lr {summary['max_lr']:g}"
                     + (f"; {rose}." if rose else ", so suggestions near the curve's end are "
                        "unreliable; "
                        f"{no_stop_advice(result.config.get('optimizer'), result.beta)}."))
    if by_ramp:
        warning = ramp_set_warning(summary)
        lines.append(f"Weak suggestions: {warning[0].upper()}{warning[1:]}.")
    elif smooth := smooth_curve(summary):
        lines.append(f"{smooth[0].upper()}{smooth[1:]}.")
    v = result.verdict
    if v is not None:
        from analyses import VERIFY_FACTORS

        if v["best_lr"] is None:
            lines.append("Verification: every grid run diverged.")
        elif v.get("inconclusive"):  # older verdicts lack the key
            lines.append(f"Verification is inconclusive: brief runs "
                         f"({count_of(result.config['verify_epochs'], 'epoch', fmt='g')}) at "
                         f"{result.verify['lr'].nunique()} rates, but "
                         f"{v['inconclusive_reason']}. Train longer (--verify-epochs) or check "
                         f"the net and the data before trusting any rate.")
            lines += diverged_line(result, summary)
        else:
            grown = result.verify["lr"].nunique() - len(VERIFY_FACTORS)
            lines.append(f"Verification: brief runs ("
                         f"{count_of(result.config['verify_epochs'], 'epoch', fmt='g')})"
                         f" at {result.verify['lr'].nunique()} rates"
                         + (f" ({grown} past the 0.1×–10× grid's edge, where the best lay)"
                            if grown > 0 else "") + "; the best grid rate is "
                         f"{v['best_grid_lr']:.3g}, refined {v['best_lr']:.3g}; "
                         + _plateau(v))
            if v["at_grid_edge"]:
                lines.append("The best grid rate is at the grid's edge: the true best lies "
                             "beyond it.")
            elif edge := range_at_edge(summary["verify"]):
                lines.append(f"The rates within seed noise of the best reach the grid's "
                             f"{edge[0]} rate, {edge[1]:.3g}: the range, and the best with it, "
                             "may go on beyond it.")
            if lone := lone_learner_line(summary["verify"], result.config["verify_epochs"],
                                         _failed_at(result, v["best_grid_lr"])):
                lines.append(lone)
            if failed := failures_line(result, summary, failures):
                lines.append(failed)
            lines += diverged_line(result, summary, failures)
    return lines


def _failed_at(result, lr: float) -> tuple[int, int]:
    """The verification runs at grid rate ``lr`` that failed (`analyses.failed_runs`), and
    its runs."""
    from analyses import failed_runs

    runs = result.verify
    at = runs[np.isclose(runs["lr"], lr)]
    return int(failed_runs(at, result.verdict).sum()), len(at)


def _plateau(v: dict) -> str:
    """The verdict's words on the suggestion: against the best rate, or against the rates
    seed noise cannot tell from it where there are several (older verdicts lack them)."""
    from analyses import NOISE_SE

    where = "within" if v["within_tolerance"] else "outside"
    low, high = v.get("best_range_low"), v.get("best_range_high")
    if low is None or not low < high:
        return f"the suggestion is {v['ratio']:.2g}× that, {where} {v['tolerance']:g}×."
    inside = low <= v["suggested_lr"] <= high
    return (f"rates {low:.2g}–{high:.2g} score within seed noise of it ({NOISE_SE:g} "
            f"standard errors of a rate's mean), so the grid cannot tell them apart; the "
            f"suggestion is {v['ratio']:.2g}× the refined rate, "
            + ("inside that range." if inside else f"outside that range, {where} "
               f"{v['tolerance']:g}× of the refined rate."))


def off_target_detail(v: dict, summary: dict) -> str:
    """The status detail of a suggestion the verification put outside tolerance of its
    best rate (``v``, the verdict; ``summary``, the result's): how far off, and the rate to
    use instead; where the rates within seed noise of the best reach the grid's edge, that
    the best may lie past it (QA: "off-target" came with no words, and the card still led
    with the suggestion, 7x below the verified best)."""
    said = (f"suggestion {v['suggested_lr']:.3g} is {v['ratio']:.2g}× the verified best "
            f"{v['best_lr']:.3g} (outside {v['tolerance']:g}×): use ≈{v['best_lr']:.3g}")
    if lone_learner(summary["verify"]) is not None:  # "use" it as the verdict says: not yet
        said += " once longer runs confirm it (the only grid rate that learned)"
    grid = v["best_grid_lr"]
    edge = (("largest" if grid > v["suggested_lr"] else "smallest", grid)
            if v["at_grid_edge"] else range_at_edge(summary["verify"]))
    if edge:
        said += (f", and try rates {'above' if edge[0] == 'largest' else 'below'} "
                 f"{edge[1]:.3g}, the grid's {edge[0]}: the best may lie beyond it")
    return said
