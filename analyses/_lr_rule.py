"""How the best learning rate scales with the batch size: the slope of log lr_opt against
log B over the small batches, the rule (linear, square root, flat) its error bar holds, or
where it lies between or beyond them, the rates each rule predicts, and where the linear
rule passes the course's cap (pure functions)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._scaling_law import MIN_POINTS
from ._slope_bound import NO_SLOPE_MEASURED, fitted_points, slope_bound, slope_text

#: The course's rule of thumb: plain SGD rates above ~1 stop converging.
LR_CAP = 1.0
#: How `fit_lr_exponent` says every batch size fitted has the same grid rate (the report
#: then draws no conclusion from the rates about the cap).
COARSE_GRID = "the grid is too coarse to show a slope"
#: Each rule's slope of log lr_opt against log B.
RULES = {"flat": 0.0, "square-root": 0.5, "linear": 1.0}
#: The slope's interval a rule must lie within to be named: 95 %, its standard error times
#: Student's t for the sizes fitted less two degrees of freedom (`rule_errors`). Two
#: standard errors whatever the sizes: at 4 sizes (t = 4.30) two thirds of the verdicts
#: named on truly linear rates read off the grid were "steeper than linear"; at one, a
#: truly linear slope measured 0.97 ± 0.02 read "between".
RULE_LEVEL = 0.95
#: The batch sizes below B_crit a "spans the rules" reason asks for when fewer were fitted:
#: t is 12.71 at 3 sizes and 4.30 at 4, so a rule is rarely named; at 5 it is 3.18.
ADVISED_POINTS = 5
#: What the interval is called in the verdicts.
INTERVAL = "the slope's 95 % interval"
#: A slope whose interval holds no rule: where it lies, and what the report says of it.
NO_RULE = {
    "falling": "falling with B: the flat rule (0) lies above {interval}",
    "between flat and square-root": "between the flat and square-root rules (0 and 0.5), "
                                    "neither within {interval}",
    "between square-root and linear": "between the square-root and linear rules (0.5 and "
                                      "1), neither within {interval}",
    "steeper than linear": "steeper than the linear rule (1), which lies below {interval}",
}


def rule_errors(n_points: int) -> float:
    """Standard errors either side of a slope fitted to ``n_points`` sizes for its
    `RULE_LEVEL` interval: Student's t quantile for ``n_points - 2`` degrees of freedom
    (NaN below 3 points, where a line fits any two)."""
    if n_points < 3:
        return math.nan
    from scipy import stats  # here: the terminal's `rule_verdict` needs no scipy

    return float(stats.t.ppf(0.5 + RULE_LEVEL / 2, n_points - 2))


@dataclass(frozen=True)
class LrExponent:
    """The slope alpha of log lr_opt against log B over the small-batch range.

    Attributes
    ----------
    alpha : float
        The slope; NaN when the fit says nothing (see `fit_lr_exponent`).
    alpha_se : float
        Its standard error, grid spacing included (NaN with alpha).
    n_points : int
        The (batch size, best rate) points fitted.
    max_batch : float
        The largest batch size used.
    rule : str
        A key of `RULES`, `NO_RULE`, or ``"unknown"``.
    message : str
        The fit and its verdict in words.
    reason : str
        Why the rule is unknown ("" when there is a verdict).
    bound : str
        The slope is only a bound: `slope_bound`'s answer ("" when measured).
    """

    alpha: float
    alpha_se: float
    n_points: int
    max_batch: float
    rule: str
    message: str
    reason: str = ""
    bound: str = ""


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
                    grid=None, bound: bool = False, b_crit_unknown: bool = False
                    ) -> LrExponent:
    """Fit lr_opt ~ B^alpha over batch sizes up to ``max_batch`` (B_crit when known).

    The linear rule says alpha = 1 (SGD as averaged steps), the square-root rule
    alpha = 0.5 (keep the update's noise variance fixed), the flat rule alpha = 0. The
    verdict is the one rule within its `RULE_LEVEL` interval, alpha ± t x alpha_se with
    t Student's for the sizes fitted less 2 degrees of freedom (`rule_errors`: 4.30 at 4
    sizes; `RULES`), or, when that interval holds none,
    where the slope lies (`NO_RULE`: between two rules, steeper than linear, falling).
    There is none (rule "unknown", ``reason`` says why) when fewer than `MIN_POINTS`
    sizes have a best rate (a line through two fits any rule), when that interval holds
    two rules (it tells them apart from neither), or lie at or below
    ``max_batch`` (above B_crit McCandlish et al. predict a flat best rate, so the
    smallest `MIN_POINTS` sizes, fitted then, test no rule), and,
    given the rate ``grid``, when a best rate in the fit sits at its edge (the true one
    lies beyond) or every size has the same grid rate (the grid resolves no slope).
    With fewer than `MIN_POINTS` sizes fitted, or every best rate fitted at the grid's edge
    or all one grid rate, the slope is the grid's or any line's: ``alpha`` and
    ``alpha_se`` are then NaN too.

    Parameters
    ----------
    batch_sizes, lrs : array-like
        Each batch size and its best rate (NaN or non-positive rates are left out).
    max_batch : float, optional
        The largest batch size fitted: B_crit (default: all of them).
    grid : sequence of float, optional
        The rates searched; its spacing is part of ``alpha_se``.
    bound : bool
        ``max_batch`` is not B_crit but an upper bound on it (B_crit < max_batch, as
        below_range gives), so a size equal to it lies above B_crit, and the reason quotes
        the bound, not a B_crit.
    b_crit_unknown : bool
        The fit placed no B_crit (poor fit, inconclusive), so no one knows which sizes lie
        below B_crit: no verdict either.

    Returns
    -------
    LrExponent
    """
    b, lr, below, n_all = fitted_points(batch_sizes, lrs, max_batch, bound)
    top = float(b.max()) if len(b) else math.nan
    if len(np.unique(b)) < 2:
        return LrExponent(math.nan, math.nan, len(b), top, "unknown",
                          "fewer than 2 batch sizes with a best rate in the small-batch range",
                          "fewer than 2 batch sizes with a best rate")
    # log rates relative to the first: equal best rates are then exact zeros, and the flat
    # fit's slope exactly 0 (on log lr itself it came out as round-off, -7.09e-17)
    x, y = np.log(b), np.log(lr) - np.log(lr[0])
    coef, cov = np.polyfit(x, y, 1, cov=True) if len(b) > 2 else (np.polyfit(x, y, 1), None)
    alpha = float(coef[0])
    se = float(np.sqrt(cov[0, 0])) if cov is not None else math.nan
    if grid is not None:  # an identical rate everywhere has a fit error of 0, not the grid
        se = float(np.hypot(se, _grid_se(b, lr, grid)))
    if len(b) < MIN_POINTS or _grid_only(b, lr, grid):
        # QA (coin, B = 8, 32, 128, grid 1e-3..10): "B^0.00" from the grid's top at two
        # sizes, beside "no rule verdict": a slope that measures nothing is not quoted
        alpha = se = math.nan
    t = rule_errors(len(b))
    half = t * se if math.isfinite(alpha) and math.isfinite(se) else 0.0
    interval = (f"{INTERVAL}, ± {half:.2f} ({t:.2f} standard errors: Student's t, "
                f"{len(b) - 2} degree{'' if len(b) == 3 else 's'} of freedom)")
    rule, spanned = _rule(alpha, half)
    reason = _no_rule_reason(b, lr, below, max_batch, grid, fitted_only=len(b) < n_all,
                             bound=bound)
    if not reason and len(spanned) > 1:
        # 0.83 ± 0.59 is "linear" by its centre alone; another grid on the same data gave
        # 0.51 ± 0.23, "square-root": the slope tells the rules apart only outside both
        values = [f"{RULES[r]:g}" for r in spanned]
        more = ("more seeds, more batch sizes below B_crit or a finer rate grid narrow it"
                if len(b) >= ADVISED_POINTS else
                f"with {len(b)} sizes the interval is ± {t:.2f} standard errors, with "
                f"{ADVISED_POINTS} ± {rule_errors(ADVISED_POINTS):.2f}: give {ADVISED_POINTS} "
                "or more batch sizes below B_crit (more seeds or a finer rate grid narrow it "
                "too)")
        reason = (f"{interval}, spans {'both' if len(values) == 2 else 'all three'} rules "
                  f"({', '.join(values[:-1])} and {values[-1]}): {more}")
    if b_crit_unknown:  # a slope over sizes above B_crit measures its flattening, no rule
        reason = "; ".join(filter(None, [
            "B_crit is unknown (the fit says why), so which batch sizes lie below it, "
            "where the rules hold, is not known", reason]))
    # QA (xor): "B^1.66 (± 1.17)" read off a best rate at the grid's top, as if measured:
    # such a slope is a bound (no error bar), or none where edges pull it both ways
    edge = slope_bound(b, lr, grid) if math.isfinite(alpha) else ""
    said = slope_text(alpha, se, edge) if math.isfinite(alpha) else None
    slope = ("no slope fitted" if not math.isfinite(alpha) else
             NO_SLOPE_MEASURED if said is None else
             f"alpha {said} (a bound)" if edge else f"alpha = {said}")
    verdict = rule_verdict(rule, interval) if not reason else f"no rule verdict: {reason}"
    return LrExponent(alpha, se, len(b), top, "unknown" if reason else rule,
                      f"{slope} over B <= {top:g} ({len(b)} sizes): {verdict}", reason, edge)


def _rule(alpha: float, half: float) -> tuple[str, list[str]]:
    """The verdict on a slope ``alpha`` with its interval ``alpha ± half``, and the rules
    that interval holds.

    QA: the rule was the nearer of 0.5 and 1 (flat below 0.25): 0.33 ± 0.04, four errors
    from 0.5, was "square-root", 1.25 ± 0.04 "linear"; a rule is named only when the
    interval holds it, and one that holds none says where it lies.
    """
    if not math.isfinite(alpha):
        return "unknown", []
    # + 1e-9: round-off, as an exact power law's slope comes out 1 - 2e-16 ± 1e-17
    err = half + 1e-9
    spanned = [r for r, v in RULES.items() if alpha - err <= v <= alpha + err]
    if len(spanned) == 1:
        return spanned[0], spanned
    if spanned:  # two or three: the reason says which (the caller's)
        return "unknown", spanned
    if alpha > RULES["linear"]:
        return "steeper than linear", spanned
    if alpha > RULES["square-root"]:
        return "between square-root and linear", spanned
    if alpha > RULES["flat"]:
        return "between flat and square-root", spanned
    return "falling", spanned


def rule_verdict(rule: str, interval: str = INTERVAL) -> str:
    """What a slope's ``rule`` (`LrExponent.rule` other than unknown) says, as the
    message, the report and the terminal put it.

    Parameters
    ----------
    rule : str
        A key of `RULES` or `NO_RULE`.
    interval : str
        The slope's interval in words (the message adds its width and t).

    Returns
    -------
    str
    """
    if rule in RULES:
        return f"the {rule} rule ({RULES[rule]:g}), the only one within {interval}"
    return NO_RULE[rule].format(interval=interval)


def _grid_only(b, lr, grid) -> bool:
    """Every best rate at an edge of ``grid`` (the true ones lie beyond), or all one grid
    rate (the grid resolves no slope): the slope through them is the grid's."""
    if grid is None:
        return False
    g = np.unique(np.asarray(grid, dtype=float))
    edge = np.isclose(lr, g[0]) | np.isclose(lr, g[-1])
    return bool(edge.all() or (np.allclose(lr, lr[0]) and np.isclose(g, lr[0]).any()))


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
