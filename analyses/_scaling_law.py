"""The batch-size scaling law fitted to steps to target (pure functions, no training); the
regimes drawn from the fit are `_scaling_regimes`'s.

McCandlish et al. 2018 ("An empirical model of large-batch training"): the steps S and
examples E needed to reach a fixed target trade off as (S/S_min - 1)(E/E_min - 1) = 1.
With E = B S this is S(B) = S_min (1 + B_crit / B) and E(B) = E_min (1 + B / B_crit),
where B_crit = E_min / S_min is the critical batch size: below it doubling the batch
nearly halves the steps (perfect scaling), above it the steps barely fall (maximal
parallelism). Steps vary over orders of magnitude, so the law is fitted in log space.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from scipy.optimize import least_squares

from ._checks import whole
from ._scaling_fit import ScalingFit
from ._scaling_regimes import PARALLEL_ABOVE

#: Fewest reached batch sizes for a two-parameter fit with a residual to judge.
MIN_POINTS = 3
#: A fitted B_crit is kept up to this factor outside the tested batch sizes (reported as
#: extrapolated); beyond it the steps bend too little within the range to pin it.
EXTRAPOLATE = 4.0
#: Least R² (of log S) for a fit to be read: below it the law (and, once B_crit is beyond
#: the range, a straight 1/B line) does not describe the steps, so no B_crit is claimed.
R2_MIN = 0.9
#: The law's floor is S_min (S > S_min at every B): a batch measured below the fitted S_min
#: by more than this many residual standard errors of log S, and by more than
#: `FLOOR_MARGIN` in log S (~10 %: a near-exact fit has a tiny error), contradicts it.
FLOOR_SE = 2.0
FLOOR_MARGIN = 0.1


def fit_scaling_law(batch_sizes, steps, *, n_train: int | None = None,
                    why_missed: Mapping[float, str] | None = None) -> ScalingFit:
    """Fit S(B) = S_min (1 + B_crit / B) by least squares on log S.

    Parameters
    ----------
    batch_sizes, steps : array-like
        Steps to target per batch size (each a finite number > 0); NaN / inf /
        non-positive steps (target not reached) are left out.
    n_train : int, optional
        Training-set size: a B_crit at or above it is not fitted but "dataset_too_small"
        (a set too small to show B_crit, as XOR), and the messages say when the largest
        batch is the full batch.
    why_missed : mapping, optional
        Batch size -> why its runs missed the target: ``"not reached"`` (the step budget
        ran out; the default), ``"stalled"`` or ``"diverged"``. Only a budget that ran out
        says more steps would measure it.

    Returns
    -------
    ScalingFit
        Its ``status`` says what the points can carry (`ScalingFit` lists them; B_crit,
        S_min and E_min only when ``"fitted"``, the lower bound ``b_crit_at_least`` when
        ``"no_critical_batch"`` or ``"dataset_too_small"``).

    Raises
    ------
    ValueError
        Mismatched shapes, values that are no numbers (text, bools), a batch size that is
        not a finite number > 0, or an ``n_train`` that is no integer >= 1.
    """
    if n_train is not None:
        n_train = whole("n_train", n_train, 1)
    b, s = _numbers("batch_sizes", batch_sizes), _numbers("steps", steps)
    if b.ndim != 1 or b.shape != s.shape:
        raise ValueError(f"batch_sizes and steps need one value each per batch size, got "
                         f"shapes {b.shape} and {s.shape}")
    bad = b[~(np.isfinite(b) & (b > 0))]
    if bad.size:  # they were left out, as if their runs had missed the target
        raise ValueError(f"batch_sizes must be finite numbers > 0, got {bad.tolist()[:3]}")
    keep = np.isfinite(s) & (s > 0) & np.isfinite(b) & (b > 0)
    missed = np.unique(b[~keep & np.isfinite(b) & (b > 0)])  # tested, target not reached
    order = np.argsort(b[keep])
    b, s = b[keep][order], s[keep][order]
    n, sizes = len(b), len(np.unique(b))  # repeated sizes (seeds) are one size to the fit
    if sizes < MIN_POINTS:
        said = ("no batch size reached the target" if not sizes else
                f"only {sizes} distinct batch size{'' if sizes == 1 else 's'} reached the "
                "target")
        return ScalingFit("too_few_points", f"{said}{_missed(missed, why_missed)}; the fit "
                          f"needs {MIN_POINTS}", n_points=n)
    x, y = np.log(b), np.log(s)

    def residuals(p):  # p = (log S_min, log B_crit); log(1 + e^(p1 - x)) without overflow
        return y - (p[0] + np.logaddexp(0.0, p[1] - x))

    # B_crit may sit outside the tested range; the bounds keep the optimizer finite.
    lo, hi = x.min() - math.log(1e3), x.max() + math.log(1e3)
    best = None
    for start in np.linspace(x.min(), x.max(), 5):  # a few starts: the cost is not convex
        p0 = (y.min() - np.logaddexp(0.0, start - x.max()), start)
        res = least_squares(residuals, p0, bounds=([-np.inf, lo], [np.inf, hi]))
        if best is None or res.cost < best.cost:
            best = res
    s_min, b_crit = float(np.exp(best.x[0])), float(np.exp(best.x[1]))
    ss_res = float(np.sum(best.fun ** 2))
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    r2 = 1 - ss_res / ss_tot if ss_tot > 0 else (1.0 if ss_res < 1e-12 else math.nan)
    lo_b, hi_b = float(b.min()), float(b.max())
    tested = f"B = {lo_b:g}...{hi_b:g}"
    # the bounds hold for the batches that reached the target, and say so when others missed
    smaller, larger = missed[missed < lo_b], missed[missed > hi_b]
    if b_crit > EXTRAPOLATE * hi_b:  # no bend in range: S ~ 1/B if the fit is any good
        fall = f"steps to target fall from {s[0]:.4g} to {s[-1]:.4g} over {tested}"
        full = " (the full batch)" if n_train is not None and hi_b >= n_train else ""
        largest = ("the largest batch" if not len(larger) else
                   f"the largest batch that reached the target, {hi_b:g}")
        every = ("every batch size here" if not len(larger) else
                 "every batch size that reached the target")
        if r2 < R2_MIN:
            return ScalingFit(
                "poor_fit", f"{fall}, but neither as 1/B nor along the law (R² = {r2:.2f} "
                f"on log S): B_crit cannot be measured from these points (more seeds or "
                f"batch sizes would steady them)", r2=r2, n_points=n)
        if n_train is not None and EXTRAPOLATE * hi_b >= n_train and not len(larger):
            # the README's rule: a B_crit at or above the set's size is dataset_too_small
            # (not when larger batches were tried and missed the target)
            return ScalingFit(
                "dataset_too_small",
                f"{fall}, about as 1/B (R² = {r2:.3f} on log S): B_crit lies above "
                f"{EXTRAPOLATE:g} x {largest}{full}, so it is not below the dataset size, "
                f"{n_train}: no batch can exceed it to show it, and {every} scales "
                f"perfectly", r2=r2, n_points=n, b_crit_at_least=EXTRAPOLATE * hi_b)
        return ScalingFit(
            "no_critical_batch",
            f"{fall}, about as 1/B (R² = {r2:.3f} on log S): B_crit lies above "
            f"{EXTRAPOLATE:g} x {largest}{full}, so these batch sizes cannot show "
            f"it; {every} scales perfectly", r2=r2, n_points=n,
            b_crit_at_least=EXTRAPOLATE * hi_b)
    # beyond the range below, or just below it on a loose fit: the steps hardly fall, and
    # R² (of a nearly flat line's noise) is no guide; their spread is
    if b_crit < lo_b / EXTRAPOLATE or (b_crit < lo_b and r2 < R2_MIN):
        if s.max() > (1 + 1 / PARALLEL_ABOVE) * s.min():
            return ScalingFit(
                "poor_fit", f"the law puts B_crit below {tested}, yet the steps to target "
                f"range from {s.min():.4g} to {s.max():.4g}: B_crit cannot be measured from "
                f"these points (more seeds or batch sizes would steady them)", n_points=n)
        why = dict(why_missed or {})
        out_of_steps = [v for v in smaller if why.get(v, "not reached") == "not reached"]
        if out_of_steps:  # beyond the budget there, within it here: the steps do fall
            return ScalingFit(
                "inconclusive", f"steps to target hardly fall with the batch size over "
                f"{tested}, yet B = {', '.join(f'{v:g}' for v in out_of_steps)} did not "
                f"reach the target within the step budget, so the steps do fall with the "
                f"batch size below B = {lo_b:g}: B_crit cannot be placed below the batch "
                f"sizes that reached the target (a larger step budget would measure the "
                f"smaller ones)", n_points=n)
        if len(smaller):  # stalled or diverged at every rate: more steps would not help
            return ScalingFit(
                "inconclusive", f"steps to target hardly fall with the batch size over "
                f"{tested}, and at every rate "
                + ", ".join(f"B = {v:g} {why[v]}" for v in smaller)
                + f" before reaching the target, so how the steps go below "
                f"B = {lo_b:g} is unknown: B_crit cannot be placed (other rates, --lrs, may "
                f"train the smaller batches; more steps would not)", n_points=n)
        return ScalingFit(
            "below_range",
            f"steps to target hardly fall with the batch size over {tested}: B_crit lies "
            f"below the smallest batch tested, so every batch size here is past it (test "
            f"smaller batches to find it)", n_points=n)
    inside = lo_b <= b_crit <= hi_b
    # S >= S_min at every B: a batch clearly faster than that floor contradicts the fit
    margin = max(FLOOR_SE * math.sqrt(ss_res / (n - 2)), FLOOR_MARGIN)
    if r2 < R2_MIN or (s < s_min * math.exp(-margin)).any():
        return ScalingFit("poor_fit", _poor_fit_message(b, s, s_min, b_crit, r2, tested),
                          r2=r2, n_points=n)
    if b_crit < 1:
        return _below_one(b_crit, s_min, s, tested, smaller, n)
    if n_train is not None and b_crit >= n_train:  # no batch can exceed the set to show it
        return ScalingFit(
            "dataset_too_small", f"steps to target fall from {s[0]:.4g} to {s[-1]:.4g} over "
            f"{tested} (R² = {r2:.3f} on log S), yet B_crit is not below the dataset size, "
            f"{n_train}: no batch can exceed it, so the full batch still scales and B_crit "
            f"cannot be measured on this set", r2=r2, n_points=n,
            b_crit_at_least=float(n_train))
    edge = (("above the largest", larger, hi_b) if b_crit > hi_b else
            ("below the smallest", smaller, lo_b))
    where = ("" if inside else f"extrapolated {edge[0]} batch "
             f"{'that reached the target' if len(edge[1]) else 'tested'}, {edge[2]:g}; ")
    return ScalingFit("fitted", f"B_crit = {b_crit:.3g} ({where}S_min = {s_min:.3g} steps, "
                      f"E_min = {s_min * b_crit:.3g} examples, R² = {r2:.3f} on log S)",
                      s_min=s_min, e_min=s_min * b_crit, b_crit=b_crit, r2=r2, n_points=n)


#: What to change for batch sizes whose every run diverged, or stalled (or some of each).
_DIVERGED_ADVICE = "lower the learning rates (--lrs or --lr-range)"
_STALLED_ADVICE = "other rates (--lrs or --lr-range) may train them"


def _missed(missed, why_missed) -> str:
    """Why the batch sizes ``missed`` did not reach the target, where their runs say more
    than that the budget ran out (``why_missed``, as `fit_scaling_law` takes it), and
    what to change; "" when none does.

    QA: six runs that all diverged read "no batch size reached the target; the fit needs
    3", as if more steps would do.
    """
    why = dict(why_missed or {})
    told = {v: why[v] for v in missed if why.get(v, "not reached") != "not reached"}
    if not told:
        return ""
    advice = _DIVERGED_ADVICE if set(told.values()) == {"diverged"} else _STALLED_ADVICE
    if len(told) == len(missed) and len(set(told.values())) == 1:
        return f", as every run {next(iter(told.values()))}: {advice}"
    groups = {}
    for v, kind in told.items():
        groups.setdefault(kind, []).append(f"{v:g}")
    said = ", ".join(f"B = {', '.join(sizes)} {kind}" for kind, sizes in groups.items())
    return f", as {said} at every rate: {advice}"


def _below_one(b_crit: float, s_min: float, s, tested: str, smaller, n: int) -> ScalingFit:
    """A B_crit below one example, which no batch can lie under: every batch is past it.

    QA: sine, B = 1...64, gave "fitted", B_crit = 0.366 "extrapolated below the smallest
    batch tested" (within `EXTRAPOLATE`), E_min = 46.5 examples < S_min = 127 steps: under
    one example a step, which no batch size runs.
    """
    law = (f"the law puts B_crit at {b_crit:.3g}, below a batch of one (E_min = "
           f"{s_min * b_crit:.3g} examples, fewer than S_min = {s_min:.3g} steps)")
    if len(smaller):  # they missed the target: the steps may well fall down there
        return ScalingFit(
            "inconclusive", f"{law}, yet B = {', '.join(f'{v:g}' for v in smaller)} did not "
            f"reach the target, so how the steps go below the batch sizes that reached it "
            f"({tested}) is unknown: B_crit cannot be placed", n_points=n)
    return ScalingFit(
        "below_range", f"steps to target fall only from {s[0]:.4g} to {s[-1]:.4g} over "
        f"{tested}, and {law}: every batch size is past it, and no smaller batch exists to "
        f"show it", n_points=n)


def _numbers(name: str, values) -> np.ndarray:
    """``values`` as floats; ValueError for text ("32" was read as 32) and bools."""
    out, given = np.asarray(values), np.asarray(values, dtype=object).ravel()
    if any(isinstance(v, bool | np.bool_) for v in given):
        # [8, 16, True] is an int64 array: its True read as a batch of 1
        raise ValueError(f"{name} must be numbers, got {given.tolist()[:3]}")
    if out.dtype.kind == "O" and not any(isinstance(v, str | bytes) for v in out.ravel()):
        try:  # numbers of mixed kinds, None for a missed target
            return out.astype(float)
        except (TypeError, ValueError):
            pass
    if out.dtype.kind not in "iuf":
        raise ValueError(f"{name} must be numbers, got {out.ravel().tolist()[:3]}")
    return out.astype(float)


def _poor_fit_message(b, s, s_min: float, b_crit: float, r2: float, tested: str) -> str:
    """Why a B_crit near the batches is not read: a loose fit, batches below S_min."""
    how = f"loosely (R² = {r2:.2f} on log S)" if r2 < R2_MIN else f"(R² = {r2:.2f} on log S)"
    where = f"above them, at {b_crit:.3g}" if b_crit > b.max() else f"at {b_crit:.3g}"
    under = s < s_min
    floor = ("" if not under.any() else
             f" with S_min = {s_min:.3g} steps, yet "
             + ", ".join(f"B = {v:g} reached the target in {k:.4g}" for v, k in
                         zip(b[under], s[under], strict=True))
             + " steps, fewer than S_min, which the law says no batch size beats")
    return (f"the law fits the steps to target over {tested} {how} and would put B_crit "
            f"{where}{floor}: B_crit cannot be measured from these points (more seeds or "
            f"batch sizes would steady them)")
