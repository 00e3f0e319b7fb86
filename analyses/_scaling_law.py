"""The batch-size scaling law and the verdicts drawn from it (pure functions, no training).

McCandlish et al. 2018 ("An empirical model of large-batch training"): the steps S and
examples E needed to reach a fixed target trade off as (S/S_min - 1)(E/E_min - 1) = 1.
With E = B S this is S(B) = S_min (1 + B_crit / B) and E(B) = E_min (1 + B / B_crit),
where B_crit = E_min / S_min is the critical batch size: below it doubling the batch
nearly halves the steps (perfect scaling), above it the steps barely fall (maximal
parallelism). Steps vary over orders of magnitude, so the law is fitted in log space.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import least_squares

from ._checks import whole

#: B / B_crit below which a batch is "perfect scaling": E <= 1.5 E_min there.
PERFECT_BELOW = 0.5
#: B / B_crit above which a batch is "maximal parallelism": S <= 1.5 S_min there.
PARALLEL_ABOVE = 2.0
REGIMES = ("perfect scaling", "diminishing returns", "maximal parallelism")
#: The regime of a batch size that missed the target: its steps are unknown.
NOT_REACHED = "not reached"
#: The course's rule of thumb: plain SGD rates above ~1 stop converging.
LR_CAP = 1.0
#: How `fit_lr_exponent` says every batch size fitted has the same grid rate (the report
#: then draws no conclusion from the rates about the cap).
COARSE_GRID = "the grid is too coarse to show a slope"
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


@dataclass(frozen=True)
class ScalingFit:
    """The fitted law, or why there is none.

    ``status`` is ``"fitted"`` (B_crit within `EXTRAPOLATE` x the tested batch sizes and
    the law holding there; the message says when it lies outside them),
    ``"no_critical_batch"`` (B_crit beyond that above the largest batch, and the steps fall
    as 1/B with R² >= `R2_MIN`),
    ``"below_range"`` (beyond it below the smallest batch, and the steps hardly fall),
    ``"inconclusive"`` (the steps hardly fall over the batches that reached the target, but
    a smaller batch missed it within its budget, so they do fall down there: B_crit cannot
    be placed below the range), ``"poor_fit"`` (the steps do not follow the law: R² <
    `R2_MIN`, steps spread widely where the law puts B_crit below the range, or a batch
    took clearly fewer steps than the fitted S_min, the law's floor (`FLOOR_SE`): no B_crit
    can be read), ``"dataset_too_small"`` (the law puts B_crit at or above the training-set
    size, which no batch can exceed: the full batch still scales and B_crit cannot be
    measured on this set; ``b_crit_at_least`` bounds it: the set's size, or 4 x the largest
    batch that reached the target when the steps fall as 1/B up to it) or
    ``"too_few_points"``. The
    bounds count only the batch sizes that reached the target. S_min, E_min and B_crit are
    NaN unless fitted; R² is NaN for below_range, inconclusive and too_few_points.
    """

    status: str
    message: str
    s_min: float = math.nan
    e_min: float = math.nan
    b_crit: float = math.nan
    r2: float = math.nan  # of log S
    n_points: int = 0
    b_crit_at_least: float = math.nan  # a lower bound on B_crit (dataset_too_small)

    def steps(self, batch_sizes) -> np.ndarray:
        """S(B) = S_min (1 + B_crit / B) on the fitted law (NaN when not fitted)."""
        return mccandlish_steps(batch_sizes, self.s_min, self.b_crit)

    def examples(self, batch_sizes) -> np.ndarray:
        """E(B) = E_min (1 + B / B_crit) on the fitted law (NaN when not fitted)."""
        b = np.asarray(batch_sizes, dtype=float)
        return self.e_min * (1 + b / self.b_crit)


def mccandlish_steps(batch_sizes, s_min: float, b_crit: float) -> np.ndarray:
    """Steps to target under the law, S(B) = S_min (1 + B_crit / B)."""
    return s_min * (1 + b_crit / np.asarray(batch_sizes, dtype=float))


def fit_scaling_law(batch_sizes, steps, *, n_train: int | None = None) -> ScalingFit:
    """Fit S(B) = S_min (1 + B_crit / B) by least squares on log S.

    Parameters
    ----------
    batch_sizes, steps : array-like
        Steps to target per batch size; NaN / inf / non-positive entries (target not
        reached) are left out.
    n_train : int, optional
        Training-set size: a B_crit at or above it is not fitted but "dataset_too_small"
        (a set too small to show B_crit, as XOR), and the messages say when the largest
        batch is the full batch.

    Returns
    -------
    ScalingFit
        Its ``status`` says what the points can carry (`ScalingFit` lists them; B_crit,
        S_min and E_min only when ``"fitted"``, the bound ``b_crit_at_least`` when
        ``"dataset_too_small"``).

    Raises
    ------
    ValueError
        Mismatched shapes, or an ``n_train`` that is no integer >= 1.
    """
    if n_train is not None:
        n_train = whole("n_train", n_train, 1)
    b = np.asarray(batch_sizes, dtype=float)
    s = np.asarray(steps, dtype=float)
    if b.ndim != 1 or b.shape != s.shape:
        raise ValueError(f"batch_sizes and steps need one value each per batch size, got "
                         f"shapes {b.shape} and {s.shape}")
    keep = np.isfinite(s) & (s > 0) & np.isfinite(b) & (b > 0)
    missed = np.unique(b[~keep & np.isfinite(b) & (b > 0)])  # tested, target not reached
    order = np.argsort(b[keep])
    b, s = b[keep][order], s[keep][order]
    n, sizes = len(b), len(np.unique(b))  # repeated sizes (seeds) are one size to the fit
    if sizes < MIN_POINTS:
        return ScalingFit("too_few_points", f"only {sizes} distinct batch size"
                          f"{'' if sizes == 1 else 's'} reached the target; the fit needs "
                          f"{MIN_POINTS}", n_points=n)
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
            f"it; {every} scales perfectly", r2=r2, n_points=n)
    # beyond the range below, or just below it on a loose fit: the steps hardly fall, and
    # R² (of a nearly flat line's noise) is no guide; their spread is
    if b_crit < lo_b / EXTRAPOLATE or (b_crit < lo_b and r2 < R2_MIN):
        if s.max() > (1 + 1 / PARALLEL_ABOVE) * s.min():
            return ScalingFit(
                "poor_fit", f"the law puts B_crit below {tested}, yet the steps to target "
                f"range from {s.min():.4g} to {s.max():.4g}: B_crit cannot be measured from "
                f"these points (more seeds or batch sizes would steady them)", n_points=n)
        if len(smaller):  # beyond the budget there, within it here: the steps do fall
            return ScalingFit(
                "inconclusive", f"steps to target hardly fall with the batch size over "
                f"{tested}, yet B = {', '.join(f'{v:g}' for v in smaller)} did not reach the "
                f"target within the step budget, so the steps do fall with the batch size below "
                f"B = {lo_b:g}: B_crit cannot be placed below the batch sizes that reached "
                f"the target (a larger step budget would measure the smaller ones)",
                n_points=n)
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


def regimes(batch_sizes, fit: ScalingFit, reached=None) -> tuple[str, ...]:
    """Each batch size's regime: perfect scaling, diminishing returns, maximal parallelism.

    Thresholds at B / B_crit = 1/2 and 2, where E / E_min resp. S / S_min reach 1.5.
    Without a fitted B_crit the same thresholds hold on its bound: all "perfect scaling"
    when it lies above `EXTRAPOLATE` x the largest batch (B / B_crit < 1/2), all
    "maximal parallelism" when below the smallest / `EXTRAPOLATE` (> 2), "perfect scaling"
    below half the bound when B_crit is at least ``b_crit_at_least`` (dataset_too_small)
    and "unknown" from there, else "unknown" (a poor fit, an inconclusive one, too few
    points). A batch size
    whose entry in ``reached`` is false is `NOT_REACHED`: the regimes describe how steps
    to the target scale, and a batch that never got there within its budget was not
    measured, so no verdict is drawn.
    """
    b = np.asarray(batch_sizes, dtype=float)
    if fit.status == "no_critical_batch":
        verdicts = [REGIMES[0] for _ in b]
    elif fit.status == "below_range":
        verdicts = [REGIMES[2] for _ in b]
    elif fit.status == "dataset_too_small":  # B / B_crit <= B / n: a bound from above only
        verdicts = [REGIMES[0] if r < PERFECT_BELOW else "unknown"
                    for r in b / fit.b_crit_at_least]
    elif fit.status != "fitted":
        verdicts = ["unknown" for _ in b]
    else:
        verdicts = [REGIMES[0] if r < PERFECT_BELOW else REGIMES[2] if r > PARALLEL_ABOVE
                    else REGIMES[1] for r in b / fit.b_crit]
    if reached is not None:
        ok = np.asarray(reached, dtype=bool)
        if ok.shape != b.shape:
            raise ValueError(f"reached has {ok.size} entries for {b.size} batch sizes")
        verdicts = [v if hit else NOT_REACHED for v, hit in zip(verdicts, ok, strict=True)]
    return tuple(verdicts)


@dataclass(frozen=True)
class LrExponent:
    """The slope alpha of log lr_opt against log B over the small-batch range."""

    alpha: float
    alpha_se: float  # standard error of the slope, grid spacing included (NaN with 2 points)
    n_points: int
    max_batch: float  # largest batch size used
    rule: str  # linear | square-root | flat | steeper than linear | unknown
    message: str
    reason: str = ""  # why the rule is unknown ("" when there is a verdict)


def _grid_se(b: np.ndarray, lr: np.ndarray, grid) -> float:
    """The slope's error from reading each best rate off a log grid.

    The true best rate lies anywhere within half a grid step either side of the grid
    point (uniform: sd = step / sqrt(12) in log units); the slope's weights
    (x - mean x) / Sxx carry each point's error into it.
    """
    g = np.log(np.unique(np.asarray(grid, dtype=float)))
    if len(g) < 2:
        return math.nan  # one rate: the grid says nothing about where the best lies
    x = np.log(b)
    i = np.abs(g[None, :] - np.log(lr)[:, None]).argmin(axis=1)
    step = (g[np.minimum(i + 1, len(g) - 1)] - g[np.maximum(i - 1, 0)]) / \
        np.where((i == 0) | (i == len(g) - 1), 1, 2)
    w = (x - x.mean()) / np.sum((x - x.mean()) ** 2)
    return float(np.sqrt(np.sum((w * step) ** 2) / 12))


def fit_lr_exponent(batch_sizes, lrs, *, max_batch: float | None = None,
                    grid=None, bound: bool = False) -> LrExponent:
    """Fit lr_opt ~ B^alpha over batch sizes up to ``max_batch`` (B_crit when known).

    The linear rule says alpha = 1 (SGD as averaged steps), the square-root rule
    alpha = 0.5 (keep the update's noise variance fixed); which is nearer is the verdict.
    There is none (rule "unknown", ``reason`` says why) when fewer than `MIN_POINTS`
    sizes have a best rate (a line through two fits any rule), or lie at or below
    ``max_batch`` (above B_crit McCandlish et al. predict a flat best rate, so the
    smallest `MIN_POINTS` sizes, fitted then, test no rule), and,
    given the rate ``grid``, when a best rate in the fit sits at its edge (the true one
    lies beyond) or every size has the same grid rate (the grid resolves no slope). The
    grid's spacing is part of ``alpha_se``. ``bound``: ``max_batch`` is not B_crit but an
    upper bound on it (B_crit < max_batch, as below_range gives), so a size equal to it
    lies above B_crit, and the reason quotes the bound, not a B_crit.
    """
    b = np.asarray(batch_sizes, dtype=float)
    lr = np.asarray(lrs, dtype=float)
    keep = np.isfinite(lr) & (lr > 0)
    b, lr = b[keep], lr[keep]
    order = np.argsort(b)
    b, lr = b[order], lr[order]
    below = n_all = len(b)
    if max_batch is not None and math.isfinite(max_batch):
        below = int(np.sum(b < max_batch if bound else b <= max_batch))
        n_small = max(below, MIN_POINTS)
        b, lr = b[:n_small], lr[:n_small]
    top = float(b.max()) if len(b) else math.nan
    if len(np.unique(b)) < 2:
        return LrExponent(math.nan, math.nan, len(b), top, "unknown",
                          "fewer than 2 batch sizes with a best rate in the small-batch range",
                          "fewer than 2 batch sizes with a best rate")
    x, y = np.log(b), np.log(lr)
    coef, cov = np.polyfit(x, y, 1, cov=True) if len(b) > 2 else (np.polyfit(x, y, 1), None)
    alpha = float(coef[0])
    se = float(np.sqrt(cov[0, 0])) if cov is not None else math.nan
    if grid is not None:  # an identical rate everywhere has a fit error of 0, not the grid
        se = float(np.hypot(se, _grid_se(b, lr, grid)))
    if alpha < 0.25:
        rule = "flat"
    elif alpha > 1.25:
        rule = "steeper than linear"
    else:
        rule = "linear" if abs(alpha - 1) < abs(alpha - 0.5) else "square-root"
    reason = _no_rule_reason(b, lr, below, max_batch, grid, fitted_only=len(b) < n_all,
                             bound=bound)
    # equal best rates give a slope of ~±1e-16; adding 0.0 to the rounded value turns
    # its -0.0 into 0.0, so the message says 0.00, not -0.00
    shown = round(alpha, 2) + 0.0
    spread = (f" ± {se:.2f}" if math.isfinite(se) else
              " (two sizes: no error bar)" if len(b) == 2 else " (no error bar)")
    verdict = f"nearest rule: {rule}" if not reason else f"no rule verdict: {reason}"
    return LrExponent(alpha, se, len(b), top, "unknown" if reason else rule,
                      f"alpha = {shown:.2f}{spread} over B <= {top:g} ({len(b)} sizes): "
                      f"{verdict}", reason)


def _no_rule_reason(b, lr, below: int, max_batch, grid, *, fitted_only: bool = False,
                    bound: bool = False) -> str:
    """Why the fitted slope tests no rule ("; "-joined), or "" when it does.

    ``fitted_only``: ``b`` holds the small batches only, so claims about it name them;
    ``bound``: ``max_batch`` bounds B_crit from above (see `fit_lr_exponent`).
    """
    why = []
    past = len(b) > below  # some size fitted lies above max_batch
    if below < MIN_POINTS and past and max_batch is not None and math.isfinite(max_batch):
        sizes = ("no batch size" if not below else
                 f"only {below} batch size{'' if below == 1 else 's'}")
        where = (f"below B_crit (< {max_batch:g})" if bound else
                 f"at or below B_crit ≈ {max_batch:.3g}")
        why.append(f"{sizes} {where}, and above it the best rate flattens whatever the rule")
    elif len(b) < MIN_POINTS:
        why.append(f"only {len(b)} batch sizes with a best rate, and a line through two "
                   "fits any rule")
    if grid is not None:
        g = np.unique(np.asarray(grid, dtype=float))
        edge = [f"{v:g}" for v, r in zip(b, lr, strict=True)
                if np.isclose(r, g[0]) or np.isclose(r, g[-1])]
        if edge:
            why.append(f"the best rate sits at an edge of the grid for B = {', '.join(edge)}, "
                       f"so the true one lies beyond it")
        elif np.allclose(lr, lr[0]) and np.isclose(g, lr[0]).any():
            # the larger batches left out may well have other best rates
            which = f"every batch size fitted (B <= {b.max():g})" if fitted_only else \
                "every batch size"
            why.append(f"{which} has the same best grid rate, {lr[0]:g}: {COARSE_GRID}")
    return "; ".join(why)


def rule_rates(batch_sizes, b0: float, lr0: float) -> tuple[np.ndarray, np.ndarray]:
    """Rates the linear and square-root rules give from the anchor ``(b0, lr0)``."""
    b = np.asarray(batch_sizes, dtype=float)
    return lr0 * b / b0, lr0 * np.sqrt(b / b0)


def lr_cap_batch(b0: float, lr0: float, cap: float = LR_CAP) -> float:
    """The batch size where the linear rule from ``(b0, lr0)`` passes the rate cap.

    Below ``b0`` (even below 1) when ``lr0`` is already above the cap: no batch size tested
    lies there, so say "already above the cap at b0" rather than quote it.
    """
    return b0 * cap / lr0 if lr0 > 0 else math.nan


def refine_lr(lrs, steps) -> float:
    """The best rate on a log grid, refined by a parabola through log steps.

    Parameters
    ----------
    lrs : array-like
        Increasing rates of the grid.
    steps : array-like
        Steps to target at each rate (inf or NaN = not reached).

    Returns
    -------
    float
        The vertex of the parabola through the best grid point and its two neighbours in
        (log lr, log steps), kept between those neighbours; the grid point itself when it
        sits at an edge or a neighbour did not reach; NaN when none reached.

    Raises
    ------
    ValueError
        ``lrs`` and ``steps`` differ in length.
    """
    lr = np.asarray(lrs, dtype=float)
    s = np.asarray(steps, dtype=float)
    if len(lr) != len(s):
        raise ValueError(f"lrs and steps differ in length: {len(lr)} and {len(s)}")
    s = np.where(np.isfinite(s) & (s > 0), s, np.inf)
    if not np.isfinite(s).any():
        return math.nan
    i = int(np.argmin(s))
    if i == 0 or i == len(s) - 1 or not np.isfinite(s[[i - 1, i + 1]]).all():
        return float(lr[i])
    x, y = np.log(lr[i - 1:i + 2]), np.log(s[i - 1:i + 2])
    a, b_, _ = np.polyfit(x, y, 2)
    if a <= 0:  # flat or concave: no interior minimum to trust
        return float(lr[i])
    return float(np.exp(np.clip(-b_ / (2 * a), x[0], x[2])))
