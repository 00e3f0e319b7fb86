"""The numbers behind every figure of a study report, as DataFrames (no drawing here).

Each function takes finished optuna trials (``FrozenTrial``) and returns exactly what its
figure draws; the report writes each frame as a CSV beside the HTML.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from study import (
    POINT_ATTR,
    retried_numbers,
    retries_of,
    stop_reason,
    trial_info,
    trial_outcome,
    trial_times,
    trial_who,
)

from ._study_points import axis_positions, spread_in_categories
from ._study_table import trial_code


def _outcomes(trials, flat: bool, stale=()) -> dict[int, str]:
    """Each trial's `study.trial_outcome`, by number (``flat``, ``stale`` as there)."""
    retried = retried_numbers(trials)
    return {t.number: trial_outcome(t, retried=retried, stale=stale, flat=flat)
            for t in trials}


def trials_frame(trials, metrics=(), *, flat: bool = True, heartbeats: bool = True,
                 max_retry: int = 2, stale=()) -> pd.DataFrame:
    """One row per trial: number, state, ``status`` (its `study.trial_outcome`), values,
    params, worker, ``user`` (who ran it: `study.trial_who`, None before records named
    people), ``hplab`` and ``hplab_checkout`` (the version that ran it, whole,
    and its checkout where that is other code: `trial_code`), times, and the
    ``reason`` a pruned, diverged or failed trial stopped (empty for the others).

    The values are headed by their ``metrics`` names (``value_0``... past them); an
    objective named like a stored key (``n_parameters``) replaces that key's column.
    ``flat``: the study may hold the flat layout of earlier versions (`study.flat_layout`);
    ``heartbeats``, ``max_retry``: its storage's (`study.unexplained_fail`); ``stale``:
    the numbers of RUNNING trials whose worker stopped (`study.stale_trials`).
    """
    retried_as = retries_of(trials)
    outcomes = _outcomes(trials, flat, stale)
    times = trial_times(trials)  # UTC: the same in every time zone
    rows = []
    for t in trials:
        info = trial_info(t, flat=flat)
        version, checkout = trial_code(t, flat=flat)
        row = {"number": t.number, "state": t.state.name.lower(),
               "status": outcomes[t.number],
               "worker": info.get("worker", "?"), "user": trial_who(info),
               "hplab": version, "hplab_checkout": checkout,
               "start": times[t.number][0], "complete": times[t.number][1],
               "epochs": info.get("epochs"),
               "n_parameters": info.get("n_parameters")}
        row = {k: v for k, v in row.items() if k not in metrics}
        for i, v in enumerate(t.values or []):
            row[metrics[i] if i < len(metrics) else f"value_{i}"] = v
        # a queued point's values are known before it runs (optuna keeps an enqueued one's
        # apart from params until then)
        queued = t.system_attrs.get(POINT_ATTR) if t.state.name == "WAITING" else None
        row.update({f"param_{k}": v for k, v in (t.params or queued or {}).items()})
        row["reason"] = stop_reason(t, retried_as.get(t.number), flat=flat,  # last: long text
                                    heartbeats=heartbeats, max_retry=max_retry)
        rows.append(row)
    frame = pd.DataFrame(rows)
    # still last when a later trial brings parameters the first did not have
    return frame[[*frame.columns.drop("reason"), "reason"]] if rows else frame


def history_frame(trials, maximize: bool, *, flat: bool = True) -> pd.DataFrame:
    """Every finished trial in order: its ``state`` (hplab's outcome, as `trials_frame`'s
    ``status``), its objective ``value`` (a stopped trial's last reported one, NaN if it
    reported none) and the ``best`` complete value so far (NaN before the first).

    Stopped trials are rows too, so the history runs to the last trial: a search whose last
    trials were all pruned showed no sign of them. ``flat`` as in `trials_frame`.
    """
    outcomes = _outcomes(trials, flat)
    rows = []
    for t in trials:
        if t.state.name == "COMPLETE" and t.values:
            value = float(t.values[0])
        elif t.state.name in ("PRUNED", "FAIL"):
            reported = [v for _, v in sorted(t.intermediate_values.items())
                        if v is not None and math.isfinite(v)]
            value = float(reported[-1]) if reported else math.nan
        else:  # running or waiting: nothing to draw yet
            continue
        rows.append({"number": t.number, "value": value, "state": outcomes[t.number]})
    # the columns of earlier versions first (number, value, best: complete trials alone)
    frame = pd.DataFrame(rows, columns=["number", "value", "state"])
    frame = frame.sort_values("number", kind="stable").reset_index(drop=True)
    done = frame["value"].where(frame["state"] == "complete").astype(float)
    best = (done.cummax() if maximize else done.cummin()).ffill()
    return frame.assign(best=best)[["number", "value", "best", "state"]]


def _param_names(trials) -> list[str]:
    names: dict[str, None] = {}
    for t in trials:
        names.update(dict.fromkeys(t.params))
    return list(names)


def param_table(trials, objective: int = 0) -> pd.DataFrame:
    """Complete trials: their value and each parameter, numeric parameters as numbers and
    categorical ones as text (for slices, contours and parallel coordinates)."""
    done = [t for t in trials if t.state.name == "COMPLETE" and t.values]
    frame = pd.DataFrame([{"number": t.number, "value": float(t.values[objective]),
                           **t.params} for t in done])
    if frame.empty:
        return frame
    dists = {p: d for t in done for p, d in t.distributions.items()}
    frame.attrs["axes"] = {p: _axis(frame[p], d) for p, d in dists.items()}
    return frame


#: A contour needs this many distinct trials, and this many distinct values on each axis;
#: fewer and the interpolation is mostly guesswork between a handful of points.
_MIN_CONTOUR_TRIALS = 10
_MIN_CONTOUR_VALUES = 4


def _axis(col: pd.Series, dist) -> dict:
    """How a parameter is drawn: ``kind`` (categorical, int or float), ``log``, the
    ``choices`` (`_category_order`) and their labels (``categories``), and for log axes
    ``ticks`` (round values in range)."""
    if hasattr(dist, "choices"):  # optuna's CategoricalDistribution, numbers included
        choices = _category_order(dist.choices)
        return {"kind": "categorical", "log": False, "choices": choices,
                "categories": [str(c) for c in choices], "ticks": None}
    kind = "int" if type(dist).__name__ == "IntDistribution" else "float"
    log = bool(getattr(dist, "log", False))
    values = col.dropna().astype(float)
    ticks = _log_ticks(values.min(), values.max(), kind == "int") if log and len(values) \
        else None
    return {"kind": kind, "log": log, "choices": None, "categories": None, "ticks": ticks}


def _category_order(choices) -> list:
    """Numeric choices by value, so their axis runs from the least to the greatest (in
    search order, lr = [1e-05, 5000, 0.05] would span 1e-05 .. 0.05 with 5000 inside);
    any other choices in search order."""
    numeric = all(isinstance(c, int | float) and not isinstance(c, bool) for c in choices)
    return sorted(choices) if numeric else list(choices)


#: Tick labels on a log axis before 1-2-5 thins to powers of ten (1e-4..30 made 16
#: labels run into each other).
MAX_LOG_TICKS = 7


def _log_ticks(lo: float, hi: float, integer: bool) -> list[float]:
    """1-2-5 values between ``lo`` and ``hi`` (whole numbers for an int parameter), or
    powers of ten over a wide range; the ends themselves when fewer than two fall inside."""
    decades = range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)
    for steps in ((1, 2, 5), (1,)):
        ticks = [float(f"{m * 10.0 ** e:.6g}") for e in decades for m in steps]
        ticks = [t for t in ticks if lo <= t <= hi and (t.is_integer() or not integer)]
        if len(ticks) <= MAX_LOG_TICKS:
            break
    ticks = ticks[::max(1, math.ceil(len(ticks) / MAX_LOG_TICKS))]  # every other decade...
    return ticks if len(ticks) >= 2 else sorted({float(lo), float(hi)})


def contour_frame(table: pd.DataFrame, x: str, y: str) -> pd.DataFrame:
    """The trials in the plane of parameters ``x`` and ``y``: their values, positions on
    each axis, where each is drawn (``x_point``, ``y_point``: `spread_in_categories`),
    and in ``attrs`` the two axes, the value range and whether to interpolate.

    Interpolation (a filled contour) only between two numeric axes with enough trials;
    otherwise the figure is a scatter of trials coloured by value, categories as
    categories (filling colour between them would invent values); over two categorical
    axes, a table of cells (`reports._study_cells.category_cells`).
    """
    frame = table[["number", "value", x, y]].dropna()
    axes = {p: table.attrs["axes"][p] for p in (x, y)}
    frame = frame.assign(x_position=axis_positions(frame[x], axes[x]),
                         y_position=axis_positions(frame[y], axes[y]))
    frame = spread_in_categories(frame, [axes[x]["kind"] == "categorical",
                                          axes[y]["kind"] == "categorical"])
    numeric = all(a["kind"] != "categorical" for a in axes.values())
    spread = all(frame[c].nunique() >= _MIN_CONTOUR_VALUES
                 for c in ("x_position", "y_position"))
    points = len(frame[["x_position", "y_position"]].drop_duplicates())
    frame.attrs = {"x": x, "y": y, "axes": axes,
                   "interpolate": numeric and spread and points >= _MIN_CONTOUR_TRIALS,
                   "value_range": (float(frame["value"].min()), float(frame["value"].max()))}
    frame.attrs["color_range"], frame.attrs["color_extend"] = color_range(frame["value"])
    return frame


#: Interquartile ranges past the quartiles where a value colour scale ends (Tukey's
#: fences): on a min-max scale a few diverged trials (val_loss 6.07 among 0.68-0.82) put
#: 95 % of 1000 trials in its lightest tenth. Without such outliers it is the min-max.
_FENCE_IQR = 1.5
#: Values below which the colour scale is their full range: quartiles of a few trials
#: are no measure of what is usual, and each trial is still told apart.
_MIN_FENCE_VALUES = 20


def color_range(values) -> tuple[tuple[float, float], str]:
    """``((low, high), extend)`` of a colour scale over ``values``: their range cut at
    Tukey's fences, and matplotlib's colorbar ``extend`` ("neither", "min", "max",
    "both") naming the ends some values lie beyond (drawn in the end colours)."""
    v = np.asarray(values, float)
    v = v[np.isfinite(v)]
    if not len(v):
        return (math.nan, math.nan), "neither"
    lo, hi = float(v.min()), float(v.max())
    if len(v) < _MIN_FENCE_VALUES:
        return (lo, hi), "neither"
    q1, q3 = np.percentile(v, [25, 75])
    reach = _FENCE_IQR * (q3 - q1)
    low, high = max(lo, float(q1 - reach)), min(hi, float(q3 + reach))
    if not high > low:  # most values equal: the fences meet; the full range says more
        low, high = lo, hi
    extend = {(False, False): "neither", (True, False): "min", (False, True): "max",
              (True, True): "both"}[(low > lo, high < hi)]
    return (low, high), extend


#: Choice labels one categorical axis of the parallel coordinates has room for; more
#: choices get this many, evenly spread and both ends among them.
MAX_CHOICE_LABELS = 9


def parallel_frame(table: pd.DataFrame, params: list[str]) -> pd.DataFrame:
    """One row per trial for parallel coordinates: its value, each parameter's value and
    ``<param>_position``, the parameter scaled to [0, 1] on the axis the slices and contour
    use (log where searched so; categories by their index among ``choices``).
    ``attrs['params']`` are the axes in order, ``attrs['ticks']`` labels of each axis as
    ``(position, text)``: a numeric axis's two ends, every choice of a categorical one (up
    to `MAX_CHOICE_LABELS`), the value axis's ends; ``attrs['color_range']`` /
    ``['color_extend']`` are the value scale (`color_range`), ``attrs['log']`` the
    parameters on a log axis."""
    out = table[["number", "value", *params]].copy()
    ticks = {}
    for p in params:
        axis = table.attrs["axes"][p]
        x = axis_positions(table[p], axis)
        if axis["kind"] == "categorical":  # every choice keeps its place, tried or not
            lo, hi = 0.0, float(len(axis["choices"]) - 1)
            shown = np.unique(np.linspace(0, hi, min(len(axis["choices"]), MAX_CHOICE_LABELS))
                              .round().astype(int))
            ticks[p] = [((i - lo) / (hi - lo) if hi > lo else 0.5, axis["categories"][i])
                        for i in shown]
        else:
            lo, hi = float(np.nanmin(x)), float(np.nanmax(x))
            ticks[p] = [(0.0, _fmt(table[p].min())), (1.0, _fmt(table[p].max()))]
        out[f"{p}_position"] = (x - lo) / (hi - lo) if hi > lo else 0.5
    (low, high), extend = color_range(table["value"])
    # the value axis, as its colours, ends at the fences: "<=" / ">=" where values lie past
    ticks["value"] = [(0.0, ("≤" if extend in ("min", "both") else "") + _fmt(low)),
                      (1.0, ("≥" if extend in ("max", "both") else "") + _fmt(high))]
    out.attrs.update(params=list(params), ticks=ticks, color_range=(low, high),
                     color_extend=extend,
                     log=[p for p in params if table.attrs["axes"][p]["log"]])
    return out


def _fmt(v) -> str:
    v = float(v)
    return f"{v:.3g}" if not v.is_integer() else f"{int(v)}"


def intermediate_frame(trials, checkpoint: float = 1.0, *, flat: bool = True) -> pd.DataFrame:
    """Every reported checkpoint value: trial, epoch, value, and the trial's outcome
    (``flat`` as in `trials_frame`)."""
    outcomes = _outcomes(trials, flat)
    rows = []
    for t in trials:
        status = outcomes[t.number]
        for step, value in sorted(t.intermediate_values.items()):
            if value is not None and math.isfinite(value):
                rows.append({"number": t.number, "epoch": step * checkpoint,
                             "value": float(value), "status": status})
    return pd.DataFrame(rows, columns=["number", "epoch", "value", "status"])


def pareto_frame(trials, best_numbers, metrics) -> pd.DataFrame:
    """Complete trials' objective values, headed by their ``metrics`` names, with
    Pareto-front membership (over every objective)."""
    best = set(best_numbers)
    done = [t for t in trials if t.state.name == "COMPLETE" and t.values]
    return pd.DataFrame({"number": [t.number for t in done],
                         **{m: [float(t.values[i]) for t in done]
                            for i, m in enumerate(metrics)},
                         "pareto": [t.number in best for t in done]})
