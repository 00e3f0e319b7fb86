"""The study report's section "What mattered": which parameters moved the value, and how."""

from __future__ import annotations

import re
from functools import partial

import pandas as pd

import nets

from . import (
    _study_cells as sc,
    _study_curves as curves,
    _study_data as sd,
    _study_draw as sw,
    _study_importance as si,
)
from ._study_findings import MoreTrials
from ._study_grid import GridState
from ._study_lines import draw_parallel, parallel_note
from ._study_points import slice_points
from .design import format_value

_MAX_SLICES = 9  # parameters shown as slices (the most important first)


def add_what_mattered(rep, s, spec, table, metric, maximize,
                      more_trials: MoreTrials | None = None, *,
                      grid: GridState | None = None, flat: bool = True,
                      trials=None) -> list[str]:
    """The section "What mattered": importances (figure and table), the contour of the two
    most important parameters, slices and parallel coordinates of the complete trials
    (``table``: `param_table`). ``more_trials(n_complete)``: the next step's words when
    the importances are a rough ranking (`_study_findings.more_trials_text`), or None;
    ``grid``: the study's `grid_state` (a spent one takes no more trials), or None;
    ``flat``: the layout of the trials' records (`study.flat_layout`); ``trials``: the
    study's, as the report read them (None: read here). Returns the parameters, the most
    important first (none without complete trials)."""
    if table.empty:
        return []
    # several objectives: importances of the first; optuna's PED-ANOVA takes any target as
    # "lower is better", so a maximized one is negated (fANOVA does not care)
    sign = -1.0 if maximize else 1.0
    target = (lambda t: sign * t.values[0]) if spec.multi_objective else None
    imp = si.importance_frame(s, target=target, seed=spec.seed)
    params = [c for c in table.columns if c not in ("number", "value")]
    ranked = si.top_params(imp, len(params)) or params
    ranked += [p for p in params if p not in ranked]
    rep.add_section("What mattered")
    left_out = _conditional_left_out(imp.attrs.get("conditional", {}), len(table), spec.space)
    # one value in every complete trial (depth 1 where pruning stopped the deeper nets):
    # optuna's evaluators drop it, and the chart read as if it had never been searched
    scored = set(imp.get("param", ()))
    same = ", ".join(f"{p} ({format_value(table[p].iloc[0])})" for p in params
                     if p not in scored and table[p].nunique(dropna=False) == 1)
    which = f"{metric}, the first objective," if spec.multi_objective else metric
    if imp.attrs.get("constant"):
        value = format_value(table["value"].iloc[0])
        rep.add_text(f"No importances: {which} did not vary ({value} in all "
                     f"{imp.attrs['n_complete']} complete trials), so no parameter can be "
                     "ranked by it.", note=True)
    elif imp.empty and left_out:
        rep.add_text(f"No importances: the parameters that vary are ones only some trials "
                     f"have ({left_out}).", note=True)
    elif imp.empty and imp.attrs.get("failed"):
        rep.add_text(f"No importances: {_failures(imp.attrs['failed'])}.", note=True)
    if not imp.empty:
        methods = list(dict.fromkeys(imp["method"]))
        rep.add_figure("importances", sw.draw_importances, imp,
                       alt=f"Bar chart of parameter importances by {' and '.join(methods)}",
                       caption=_importance_caption(imp, metric, spec.multi_objective, left_out,
                                                   same, grid))
        if more_trials is not None and _rough(imp):  # QA: "more trials" and no command
            said, command = more_trials(imp.attrs.get("n_complete", si.FEW_TRIALS))
            rep.add_text(said)
            if command is not None:  # none for a spent grid
                rep.add_code(command)
        # the numbers in words too: a bar chart alone is lost on a screen reader
        ranking = _importance_table(imp)  # the CSV keeps the exact shares
        rep.add_table(ranking, name="importance-ranking", page=ranking.apply(
                          lambda c: c if c.name == "parameter" else c.map(si.share_text)),
                      caption="The same importances, most important parameter first (mean "
                              "over the methods); each method's shares sum to 1.")
    top = si.top_params(imp, 2)
    if len(top) == 2 and len(table) >= 4:
        _add_two_parameter_view(rep, table, top, metric, maximize,
                                partial(curves.curves_frame,
                                        s.get_trials(deepcopy=False) if trials is None
                                        else trials, metric, flat=flat))
    shown, unshown = ranked[:_MAX_SLICES], ranked[_MAX_SLICES:]
    slices = table[["number", "value", *shown]]
    slices.attrs = table.attrs
    # QA: depth, searched 1-4, had no slice, and nothing said so
    rep.add_figure("slices", partial(sw.draw_slices, metric=metric), slices, caption=(
        "The value against each parameter alone"
        + (f" (the {_MAX_SLICES} most important; not shown: {', '.join(unshown)})"
           if unshown else "")
        + ". A clear trend means the parameter matters by itself; a cloud means it matters "
        "little or only together with others." + _spread_words(slices, shown)))
    par = sd.parallel_frame(table.dropna(axis=1, how="any"),
                            [p for p in ranked if p in table.dropna(axis=1, how="any")])
    # QA (multiobj): its axis "value", in a study of several metrics, named none of them
    best = (f" (the {'highest' if maximize else 'lowest'} {metric}, the first objective)"
            if spec.multi_objective else "")
    rep.add_figure("parallel", partial(draw_parallel, maximize=maximize, metric=metric), par,
                   caption=(
        "Each complete trial as a line through its parameter values (scaled to each axis' "
        f"range, log axes where searched on a log scale); the best trials{best} are drawn "
        "brightest." + parallel_note(len(par))))
    return ranked


def _spread_words(slices: pd.DataFrame, shown: list[str]) -> str:
    """The slices' caption's words on the parameters whose trials are spread over a cell
    (`slice_points`): points side by side there are not values between two."""
    axes = slices.attrs.get("axes", {})
    spread = [p for p in shown
              if slice_points(slices[p], slices["number"], axes[p])[1]]
    if not spread:
        return ""
    return (f" In the panels of {nets.and_list(spread)}, the trials at one value are spread "
            "across its cell in trial order (earlier ones to the left), where they would "
            "share one point.")


def add_learning_curves(rep, trials, table, ranked: list[str], metric: str, *,
                        flat: bool) -> None:
    """The section "Learning curves": each complete trial's recorded curve, coloured by
    the most important parameter (the rate, where it is one of the two: the curves'
    shapes speak of it), a panel per choice of the other when it has a few."""
    top = [p for p in ranked if table[p].notna().all()][:2]  # not one only some trials have
    if "lr" in top:
        top = ["lr", *[p for p in top if p != "lr"]]
    frame = curves.curves_frame(trials, metric, top, table.attrs.get("axes", {}), flat=flat)
    if frame.empty:
        return
    color, panel, shown = frame.attrs["color"], frame.attrs["panel"], frame.attrs["metric"]
    said = f" (the trials record no {metric} at checkpoints)" if shown != metric else ""
    rep.add_section("Learning curves")
    rep.add_figure("curves", curves.draw_curves, frame, caption=(
        f"{shown} at the checkpoints each complete trial recorded{said}"
        + (f", coloured by {color}" if color else "")
        + (f", a panel per {panel}" if panel else "")
        + ". A curve that improves fast and then wobbles or turns back says the rate is "
        "too high for its batch size; one still improving at its end, that the rate is low "
        "or the epochs too few."))


def _add_two_parameter_view(rep, table, top, metric, maximize, curves_of) -> None:
    """The value over the two most important parameters ``top``: a contour (or the trials
    as points) where one is numeric, a table of cells where both are categories (and how
    far their curves still moved at the end: ``curves_of(params, axes)``, `curves_frame`)."""
    frame = sd.contour_frame(table, *top)
    kinds = [a["kind"] for a in frame.attrs["axes"].values()]
    named = f"{metric} over {top[0]} and {top[1]}, the two most important parameters"
    if kinds == ["categorical", "categorical"]:
        # a grid of rates x batch sizes reads as a table: each cell its best, written in it
        cells = sc.category_cells(frame, maximize=maximize)
        more = (cells["trials"] > 1).any()
        sizes = [len(a["choices"]) for a in frame.attrs["axes"].values()]
        untried = len(cells) < sizes[0] * sizes[1]
        word = sc.final_word(cells)
        # QA: "each cell the best of its trials" read as its best epoch's
        rep.add_figure("contour", partial(sc.draw_cells, metric=metric, maximize=maximize),
                       cells, alt=f"Heatmap of the {word} {metric} in each cell of {top[0]} "
                                  f"and {top[1]}",
                       caption=f"{word.capitalize()} {named}: each cell "
                               + (f"the best of its trials (how many, where more than one), "
                                  f"each trial's {metric}" if more else f"its trial's {metric}")
                               + " at the end of training (the last checkpoint's, not the "
                                 "best checkpoint's)"
                               + ("; a white cell was not tried" if untried else "")
                               + ". The same cells as numbers below.")
        rep.add_table(sc.cells_table(cells), name="cells", caption=(
            f"{word.capitalize()} {metric} by {top[1]} (rows) and {top[0]} (columns)"
            + ("; – where no trial ran." if untried else ".")))
        moved = sc.end_moves_note(cells, curves_of(top, table.attrs.get("axes", {})), metric,
                                  maximize=maximize)
        if moved:
            rep.add_text(moved, note=True)
        return
    low, high = frame.attrs["color_range"]  # one value throughout: no contours either
    contours = frame.attrs["interpolate"] and high > low
    how = ("interpolated between trials, each trial a point" if contours
           else "each trial a point, those of the same category spread over its cell; "
                "nothing lies between categories" if "categorical" in kinds
           else "each trial a point; every trial scored the same" if high <= low
           else "each trial a point; too few trials spread over both axes to interpolate")
    chart = "Contour chart of" if contours else "Scatter chart of the trials'"
    rep.add_figure("contour", partial(sw.draw_contour, metric=metric, maximize=maximize),
                   frame, alt=f"{chart} {metric} over {top[0]} and {top[1]}",
                   caption=f"{named} ({how}). A compact bright region is a good operating "
                           "range.")


_METHODS = {
    "PED-ANOVA": "PED-ANOVA: how much each parameter's distribution differs between the best "
                 "10 % of trials and all of them.",
    "fANOVA": "fANOVA: the share of the value's variance a random forest attributes to each "
              "parameter.",
}


def _importance_caption(imp: pd.DataFrame, metric: str, multi_objective: bool,
                        left_out: str, same: str, grid: GridState | None = None) -> str:
    """What the importances are, by the methods drawn; why one is missing; how few trials
    (and, of a spent ``grid``, that more cannot run)."""
    methods = list(dict.fromkeys(imp["method"]))
    skipped, sample = imp.attrs.get("fanova_skipped"), imp.attrs.get("fanova_sample")
    n = imp.attrs.get("n_complete", si.FEW_TRIALS)
    rough = _rough(imp)
    return ((f"Importances for {metric}, the first objective. " if multi_objective else "")
            + (_rough_words(n, grid) if rough else "")
            + " ".join(_METHODS[m] for m in methods)
            + (si.agreement_text(imp, methods) if len(methods) > 1 else "")
            + (f" fANOVA is left out: {skipped} would take it minutes." if skipped else "")
            + (f" {_failures(imp.attrs['failed'])}, so it is left out."
               if imp.attrs.get("failed") else "")
            + (f" fANOVA on {sample[0]} of {sample[1]} trials, a seeded random sample: its "
               "cost grows steeply with trials." if sample else "")
            + (f" Left out, as only some trials have them: {left_out}; both methods score "
               "the parameters every trial has, over the same trials." if left_out else "")
            + (f" Left out, as every complete trial has the same value: {same}." if same
               else ""))


def _rough_words(n: int, grid: GridState | None) -> str:
    """The caption's caveat on a ranking from ``n`` complete trials."""
    if grid is not None and grid.spent:  # QA: "which more trials may change" of a spent grid
        return (f"From only {n} complete trials, with all {grid.points} points of the grid "
                "run: a rough ranking, which no more trials can change; other seeds or a "
                "finer grid may. ")
    return f"From only {n} complete trials: a rough ranking, which more trials may change. "


def _rough(imp: pd.DataFrame) -> bool:
    """Whether the importances come from too few complete trials to rank the parameters
    (one parameter with all of it needs no ranking)."""
    n = imp.attrs.get("n_complete", si.FEW_TRIALS)
    return n < si.FEW_TRIALS and imp["param"].nunique() > 1


def _failures(failed: dict[str, str]) -> str:
    """``"fANOVA failed on these trials (its error)"``, joined by "and"."""
    return " and ".join(f"{m} failed on these trials ({why})" for m, why in failed.items())


def _conditional_left_out(conditional: dict[str, int], n_complete: int, space) -> str:
    """``"width_1 (depth ≥ 2: 25 of 40 complete trials), ..."``: the parameters only some
    trials have, when (if known) and in how many; "" when none."""
    import study as hs

    parts = []
    for name, n in conditional.items():
        layer = re.fullmatch(r"width_(\d+)", name)
        # momentum: suggested for the searched optimizers that read it, not nesterov
        # where only sgd and momentum were searched
        readers = " and ".join(f"{kind} {' or '.join(names)}" for kind, names in
                               hs.searched_readers(space, name).items())
        when = (f"depth ≥ {int(layer.group(1)) + 1}: " if layer
                else "resampling strategies: " if name == "sampling_ratio"
                else f"{readers}: " if readers else "")
        parts.append(f"{name} ({when}{n} of {n_complete}"
                     f"{' complete trials' if not parts else ''})")
    return ", ".join(parts)


def _importance_table(imp: pd.DataFrame) -> pd.DataFrame:
    """One row per parameter, most important first; one column of shares per method."""
    wide = imp.pivot_table(index="param", columns="method", values="importance", sort=False)
    wide = wide.reindex(index=si.top_params(imp, len(wide)),
                        columns=list(dict.fromkeys(imp["method"])))
    wide.columns.name = None
    return wide.rename_axis("parameter").reset_index()
