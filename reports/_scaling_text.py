"""What the scaling report says in words: its verdicts on the law's fit, the best rates
against the linear and square-root rules, the course's cap of 1 and the noise scale."""

from __future__ import annotations

import math

import nets
from analyses import LR_CAP  # the course's "rates above ~1 stop converging" line

from . import design

#: The cap is borne out only by a grid rate above it by at most this factor that did worse:
#: past that, a best rate of 1.5 would fall between the grid's rates unseen.
CAP_NEAR = 2.0
#: Batch sizes past the linear rule's crossing of the cap that must bear it out.
CAP_BATCHES = 2

#: The cards' terms in words, before the verdicts that use them (McCandlish et al. 2018)
TERMS = ("Terms: B_crit, the critical batch size: below it, doubling the batch nearly halves "
         "the steps to the target; above it, more examples per step buy few fewer steps. "
         "S_min: the fewest steps to the target, approached with very large batches; E_min: "
         "the fewest examples, approached with very small ones. α: the best rate grows as "
         "the batch size to the power α (1: the linear rule, ½: the square-root rule). "
         "B_simple, the gradient noise scale: how noisy one example's gradient is against "
         "the mean gradient (tr(Σ)/|G|²), measured during one run; with plain SGD it "
         "estimates B_crit without training every batch size.")

#: The per-batch table's caption: its columns in the words of the charts
PER_BATCH_CAPTION = (
    "Per batch size: median over seeds at the best rate; a run that missed the target counts "
    "as infinitely long. best_lr is the rate chart's best grid rate and lr_opt its refined "
    "rate (between the grid's neighbours); regime is where B lies against B_crit (the steps "
    "chart's shading: unknown where the law placed no B_crit); reached_runs of runs reached "
    "the target.")
#: ...and the reference runs' columns
REFERENCE_COLUMNS = (" status budget: the run used its whole step budget, with no target to "
                     "stop at; best_value is its best score, at best_step, and first_value "
                     "its untrained net's.")


def interval_words() -> str:
    """B_simple's interval named by its width (`analyses.NOISE_INTERVAL`): "95 % interval"."""
    from analyses import NOISE_INTERVAL

    return f"{NOISE_INTERVAL:.0%} interval".replace("%", " %")


def optimizer_of(config) -> str:
    """The optimizer a run's ``config`` (a `nets.TrainConfig`'s dict) names: sgd unless set."""
    return (config or {}).get("optimizer", "sgd")


def noise_caveat(optimizer: str) -> str:
    """What B_simple, plain SGD's noise scale, says of B_crit with ``optimizer``: a clause
    ("" with plain SGD, for which McCandlish et al. derive B_crit ≈ B_noise ≲ B_simple)."""
    if optimizer == "sgd":
        return ""
    if getattr(nets.OPTIMIZERS.get(optimizer), "folds_lr", False):  # momentum, nesterov
        return (f"with {optimizer}, which helps most at large batches, B_crit may lie above "
                "it (Zhang et al. 2019)")
    return (f"with {optimizer}, a preconditioned optimizer, expect B_crit above it, possibly "
            "far above (Zhang et al. 2019), and α between ½ and 1 (the square-root rule is the "
            "one derived for Adam and RMSProp: Malladi et al. 2022)")


def terms(optimizer: str) -> str:
    """`TERMS`, and what B_simple says of B_crit with ``optimizer`` (`noise_caveat`)."""
    caveat = noise_caveat(optimizer)
    return TERMS + (f" {caveat[:1].upper()}{caveat[1:]}." if caveat else "")


def cap_not_tested(optimizer: str) -> str:
    """Why a run with ``optimizer`` other than plain SGD neither draws nor tests the cap."""
    return (f"The course's cap of 1 (rates above about 1 stop converging) is plain SGD's rule "
            f"of thumb: with {optimizer} a rate of 1 is another step size, so this run neither "
            f"draws nor tests it.")


def two_figure_stat(v: float) -> str:
    return design.format_stat(float(f"{v:.2g}"))


def alpha_card(exponent) -> str:
    """The lr exponent's stat card: the slope with its standard error as the verdicts say
    it (two decimals, -0.00 as 0.00), "(no verdict)" after it when no rule is named, "≥"
    or "≤" before a bound (no error), and "no slope" where the fit measured none
    (`analyses.LrExponent`)."""
    from analyses import slope_text  # here: `import reports` loads no analyses

    # exponent.bound: a best rate at the grid's edge makes the slope a bound, or none
    text = (slope_text(exponent.alpha, exponent.alpha_se, exponent.bound)
            if math.isfinite(exponent.alpha) else None)
    if text is None:
        return "no slope"
    return text + (" (no verdict)" if exponent.rule == "unknown" else "")


def _noise_verdict(result) -> str:
    """B_simple with its interval, and where the fitted B_crit lies against that interval."""
    where = ("over the last half of the way to the target" if
             math.isfinite(result.b_simple_step) else
             "over the last half of the reference run, which never reached the target")
    text = (f"Gradient noise scale {where} "
            f"({nets.count_of(result.b_simple_measurements, 'measurement')}): "
            f"B_simple ≈ {two_figure_stat(result.b_simple)}")
    if result.b_simple >= result.n_train:  # as B_crit's dataset_too_small
        text += (f" (at or above the training-set size, {result.n_train}: no batch can exceed "
                 "the set to test it)")
    low, high, fit = result.b_simple_low, result.b_simple_high, result.fit
    if not math.isfinite(low):
        return text + "; too few or too noisy measurements for an interval, so no comparison "\
                      "with B_crit."
    text += (f", {interval_words()} {two_figure_stat(low)}–{two_figure_stat(high)}")
    if fit.status != "fitted":
        return text + "."
    side = ("below" if fit.b_crit < low else "above" if fit.b_crit > high else "inside")
    optimizer = optimizer_of(result.config)
    return (text + f"; the fitted B_crit ({fit.b_crit:.3g}) lies {side} it (McCandlish et al. "
            f"find B_crit ≈ B_noise ≲ B_simple" +
            ("" if optimizer == "sgd" else f" for plain SGD, not for {optimizer}: see the terms "
             "above") + ").")


def anchored_at(result) -> str:
    """Where the rules start: the smallest batch size that reached the target (its refined
    best rate), named, as the smallest tested may have missed it."""
    b = result.batches
    b0 = b.loc[b["reached"], "batch_size"].min()
    return (f"the smallest batch, B = {b0:g}" if b0 == b["batch_size"].min() else
            f"B = {b0:g}, the smallest batch size that reached the target")


def past_the_cap(batches):
    """Which batch sizes show a best rate above the cap: the best grid rate above 1 (one
    that beat the rates up to 1), refined above it too. A refined rate alone is the
    parabola's: QA (digits, B = 8 and 16 best at the grid's 1, 3 slower) read 1.08 and
    1.57 there as "the course's cap of 1 does not hold"."""
    return batches["reached"] & (batches["best_lr"] > LR_CAP) & (batches["lr_opt"] > LR_CAP)


def _cap_verdict(result) -> str:
    """Whether the best rates past the linear rule's crossing of 1 bear out the cap.

    Only when `CAP_BATCHES` batch sizes past it have a best rate at or below 1 while the
    grid's next rate above 1 (at most `CAP_NEAR` x it), which the linear rule asks for
    there, did worse; otherwise why this run cannot tell.
    """
    from analyses import COARSE_GRID, median_steps_by_rate

    cannot = ", so this run cannot tell whether the course's cap of 1 holds."
    b = result.batches
    past = b[b["reached"] & (b["batch_size"] > result.lr_cap_batch)]
    above = [r for r in result.lrs if r > LR_CAP]
    if past.empty:
        return "no batch above it reached the target" + cannot
    if not above:
        return "the grid tries no rate above 1" + cannot
    if COARSE_GRID in result.exponent.reason:  # the rates' verdict, just before this one
        return "the grid is too coarse to show how the best rate grows" + cannot
    up = min(above)
    if up > CAP_NEAR * LR_CAP:
        return (f"the grid's nearest rate above 1, {up:g}, is too far above it to show where "
                f"the best rate stops" + cannot)
    held = [int(row.batch_size) for row in past.itertuples()
            if row.linear_rule_lr >= up
            and median_steps_by_rate(result.runs, row.batch_size).loc[up] > row.steps]
    tried = f"did worse at the grid's {up:g}, a rate the linear rule asks for there"
    if len(held) < CAP_BATCHES:
        return (f"only {f'B = {held[0]}' if held else 'no batch size'} above it {tried}, than "
                f"at its best rate" + cannot)
    return (f"above it the best rates stay at or below 1, and B = "
            f"{', '.join(str(v) for v in held)} {tried}: the course's cap bites and the best "
            f"rate stops growing linearly.")


def _cap_line_unanchored(result) -> str:
    """The figure's cap line explained when the linear rule has no anchor to cross it from
    (the smallest reaching batch's best rate at the grid's edge): whether the measured best
    rates pass it (QA: the line at 1 was drawn under best rates all at 10, unexplained)."""
    b = result.batches[result.batches["reached"]]
    text = ("The line at a rate of 1 in the best-rate figure is the course's cap (rates above "
            "about 1 stop converging); the smallest batch's best rate sits at the grid's "
            "edge, so the linear rule has no rate to start from to say where it passes it. ")
    above = b[past_the_cap(b)]
    if above.empty:
        return text + ("Every best rate here is at or below 1, so this run cannot tell "
                       "whether the cap holds.")
    rates = sorted(set(above["lr_opt"].round(12)))
    shown = (f"{rates[0]:.3g} at B = {', '.join(f'{v:g}' for v in above['batch_size'])}"
             if len(rates) == 1 else
             ", ".join(f"{lr:.3g} at B = {bs:g}"
                       for bs, lr in zip(above["batch_size"], above["lr_opt"], strict=True)))
    top = above["at_grid_edge"].all() and above["lr_opt"].max() >= max(result.lrs) * (1 - 1e-9)
    return text + (f"The best rates here exceed it ({shown}"
                   + (", the grid's top rate: the true best rates lie higher still" if top
                      else "") + "): the course's cap of 1 does not hold on this set.")


def law_verdict(fit) -> str:
    """The law's fit (`ScalingFit.message`, a clause) as a sentence: a capital, a stop."""
    return fit.message[:1].upper() + fit.message[1:] + "."


def scaling_verdicts(result) -> list[str]:
    """The report's verdicts, one sentence or more each: the target, the best rates, the
    course's cap of 1, the noise scale and the grid's edges. The law's fit is not among
    them: the report says it once, under its status badge (`law_verdict`)."""
    ex = result.exponent
    lines = [f"Target: {result.target_metric} {'≥' if 'acc' in result.target_metric else '≤'} "
             f"{result.target:.4g} ({result.target_source}).",
             "Best rate: " + ex.message + "."]
    if result.test_is_train:  # XOR: as --json's test_is_train and the terminal say it
        lines.insert(0, f"On {result.dataset} the validation set is the training set itself: "
                        "no score here is held out, and the steps to the target are those "
                        f"to fit its {result.n_train} training points.")
    optimizer = optimizer_of(result.config)
    if optimizer != "sgd":  # QA: "the course's cap of 1" said of Adam's rates
        if result.batches["reached"].any():
            lines.append(cap_not_tested(optimizer))
    elif math.isfinite(result.lr_cap_batch):
        b = result.batches
        crossing = (f"The linear rule, anchored at {anchored_at(result)}, passes a rate of 1 at "
                    f"B ≈ {result.lr_cap_batch:.3g}")
        past = past_the_cap(b)
        above = b[past & (b["batch_size"] > result.lr_cap_batch)]
        first = b[b["reached"]].index[0]
        # the anchor's own best rate past 1 puts the crossing below it, at a batch size
        # never run (B ≈ 0.418 on XOR): there is no batch size to quote
        if result.lr_cap_batch < b.loc[first, "batch_size"]:
            lr0 = f"{b.loc[first, 'lr_opt']:.3g}"
            crossing = (f"The best rate is already above 1 at {anchored_at(result)} ({lr0}), "
                        "so the linear rule anchored there stays above 1 at every larger "
                        "batch; the best rates here go past 1" if past[first] else
                        # refined past 1 from a grid rate of 1 or less: no evidence of more
                        f"The best rate is already about 1 at {anchored_at(result)} ({lr0}, "
                        f"refined from the grid's {b.loc[first, 'best_lr']:g}), so the linear "
                        "rule anchored there asks for more than 1 at every larger batch")
            joined = "" if past[first] else ", and the best rates here go past 1"
        else:
            joined = ", yet the best rates here go past 1"
        if len(above):  # the data, not the course, has the last word
            shown = ", ".join(f"{lr:.3g} at B = {int(bs)}"
                              for bs, lr in zip(above["batch_size"], above["lr_opt"],
                                                strict=True))
            lines.append(f"{crossing}{joined} ({shown}): the course's cap of 1 does not hold "
                         f"on this set.")
        else:
            lines.append(f"{crossing}; {_cap_verdict(result)}")
    elif (result.batches["reached"]).any():
        lines.append(_cap_line_unanchored(result))
    if math.isfinite(result.b_simple):
        lines.append(_noise_verdict(result))
    elif result.b_simple_measurements:  # measured, yet no estimate: said, not left out
        lines.append(f"Gradient noise scale: not estimated from "
                     f"{nets.count_of(result.b_simple_measurements, 'measurement')}: the "
                     "gradient-variance or gradient-norm average came out at or below zero, "
                     "too noisy for the ratio.")
    edge = result.batches.loc[result.batches["at_grid_edge"], "batch_size"].tolist()
    if edge:
        lines.append(f"The best rate sits at an edge of the grid for B = "
                     f"{', '.join(f'{b:g}' for b in edge)}: widen it "
                     "(--lr-range LOW,HIGH, or --lrs).")
    return lines
