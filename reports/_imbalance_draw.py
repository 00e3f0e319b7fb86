"""Figures of the "imbalance" report: pure ``frame -> Figure`` functions.

Each one only sees what the report's CSV files hold, so any figure can be redrawn from
``report_files/*.csv``. Strategies keep one colour across every figure of a report.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from nets import IMBALANCE_METRICS

from . import _matrix, design


def strategy_styles(strategies, among=None) -> dict[str, dict]:
    """One look per strategy, the same in every figure: a colour, a line style and a
    marker (`design.series_style`), so strategies whose colours merge for a colour-blind
    reader still differ; the baseline ``none`` first, in ink and thicker. Fixed by position
    among ``among`` (the benchmark's strategies; default the whole registry), in registry
    order, so a figure that lacks a failed or skipped strategy does not shift the others'
    styles, and a benchmark of five strategies has five colours."""
    from analyses import STRATEGIES

    given = set(strategies)
    pool = set(among) | given if among is not None else set(STRATEGIES)
    # positions among the pool in registry order (not among those given), then any others
    order = ["none", *(s for s in STRATEGIES if s != "none" and s in pool),
             *sorted(given - set(STRATEGIES) - {"none"})]
    styles = {name: {**design.series_style(i), "lw": 1.3}
              for i, name in enumerate(order) if name in given}
    if "none" in styles:
        styles["none"].update(color=design.INK, lw=1.8)
    return styles


#: The plain net's curve behind each strategy's reliability curve: light, yet a line on
#: white at 3:1 (the grid's grey it was drawn in is 1.3:1).
BASELINE_GREY = "#949494"


def off_scale(frame: pd.DataFrame) -> list[str]:
    """The strategies the ranking chart leaves off its axis: a few (at most a third)
    whose means lie below a gap wider than half the means' span and twice the rest's
    (isolation_forest at 0.06 under nets at 0.94 to 0.98, which a 0-to-1 axis squeezed
    into one spot), or []."""
    ok = frame[np.isfinite(frame["mean"].astype(float))]
    if len(ok) < 3:
        return []
    means = np.sort(ok["mean"].to_numpy(float))
    gaps = np.diff(means)
    k = int(np.argmax(gaps))  # means[:k + 1] lie below the widest gap
    if (gaps[k] <= 0.5 * (means[-1] - means[0]) or gaps[k] <= 2 * (means[-1] - means[k + 1])
            or k + 1 > len(means) / 3):
        return []
    return list(ok.loc[ok["mean"].astype(float) <= means[k], "strategy"])


def draw_ranking(frame: pd.DataFrame, among=None):
    """Mean and 95 % interval of the ranking metric per strategy, best at the top; the
    few far below the rest (`off_scale`) marked at the axis' left edge with their value."""
    ok = frame[np.isfinite(frame["mean"].astype(float))]
    fig = design.new_figure(height=0.8 + 0.28 * max(len(ok), 1))
    ax = fig.subplots()
    y = np.arange(len(ok))[::-1]
    mean = ok["mean"].to_numpy(float)
    lo = np.where(np.isfinite(ok["ci_low"].astype(float)), ok["ci_low"], mean)
    hi = np.where(np.isfinite(ok["ci_high"].astype(float)), ok["ci_high"], mean)
    styles = strategy_styles(frame["strategy"], among)
    away = ok["strategy"].isin(off_scale(frame)).to_numpy()
    ax.hlines(y[~away], lo[~away], hi[~away], color=design.MUTED, lw=1.5)
    for yi, m, name in zip(y[~away], mean[~away], ok["strategy"][~away], strict=True):
        style = styles[name]
        ax.scatter([m], [yi], color=style["color"], marker=style["marker"], zorder=3, s=28)
    if away.any():  # the rest's own range; the far ones said in words at its edge
        left, right = min(mean[~away].min(), lo[~away].min()), max(hi[~away].max(),
                                                                     mean[~away].max())
        pad = 0.05 * (right - left or 1.0)
        ax.set_xlim(left - pad, right + pad)
        for yi, m, name in zip(y[away], mean[away], ok["strategy"][away], strict=True):
            style = styles[name]  # its own marker still, at the edge: not a colour alone
            ax.scatter([left - pad], [yi], color=style["color"], marker=style["marker"],
                       zorder=3, s=28, clip_on=False)
            ax.annotate(f"◀ {m:.3f} (off the axis)", (left - pad, yi), xytext=(7, 0),
                        textcoords="offset points", va="center", ha="left",
                        color=design.INK, fontsize=8)
    ax.set_yticks(y, ok["strategy"])
    metric = frame["metric"].iloc[0] if len(frame) else ""
    ax.set_xlabel(f"{metric} on the test set (mean and 95 % interval over seeds)")
    ax.grid(axis="y", visible=False)
    return fig


def draw_curves(frames: dict, among=None):
    """ROC (left) and precision-recall (right) per strategy (the seeds' mean curves of
    `analyses.ImbalanceResult.curves`); PR chance = prevalence."""
    roc, pr = frames["roc"], frames["pr"]
    styles = strategy_styles(pd.concat([roc["strategy"], pr["strategy"]]), among)
    fig = design.new_figure(height=4.2)
    ax_roc, ax_pr = fig.subplots(1, 2)
    # a marker every tenth of the axes' diagonal, shifted per strategy so that curves
    # running together do not stack their markers
    marks = {name: (0.011 * k % 0.1, 0.1) for k, name in enumerate(styles)}
    for strategy, g in roc.groupby("strategy", sort=False):
        ax_roc.plot(g["fpr"], g["tpr"], label=strategy, markevery=marks[strategy], ms=4,
                    **styles[strategy])
    ax_roc.plot([0, 1], [0, 1], ls=":", color=design.MUTED, lw=1, label="chance")
    ax_roc.set(xlabel="false positive rate", ylabel="true positive rate (recall)",
               xlim=(0, 1), ylim=(0, 1.02), title="ROC")
    prevalence = math.nan
    for strategy, g in pr.groupby("strategy", sort=False):
        ax_pr.step(g["recall"], g["precision"], where="post", label=strategy,
                   markevery=marks[strategy], ms=4, **styles[strategy])
        prevalence = float(g["prevalence"].iloc[0])
    if math.isfinite(prevalence):
        ax_pr.axhline(prevalence, ls=":", color=design.MUTED, lw=1,
                      label=f"chance = prevalence {prevalence:.3g}")
    ax_pr.set(xlabel="recall", ylabel="precision", xlim=(0, 1), ylim=(0, 1.02),
              title="Precision-recall")
    # QA: at (1.01, 0.5) the legend's frame sat one marker's width from the curves' last
    # markers at recall 1 (drawn half past the axes' edge), read as covering them: it starts
    # two widths right of them, fully outside the axes, and the layout makes room for it
    ax_pr.legend(loc="center left", bbox_to_anchor=(1.04, 0.5), borderaxespad=0,
                 fontsize=7.5)
    return fig


def draw_calibration(frame: pd.DataFrame, among=None):
    """Observed positive share against mean predicted probability: one small panel per
    strategy (a dozen curves on one axes cannot be told apart), ``none`` in grey on each."""
    styles = strategy_styles(frame["strategy"], among)
    names = list(styles)
    cols = min(len(names), 4) or 1
    rows = math.ceil(len(names) / cols) or 1
    fig = design.new_figure(width=design.FULL_WIDTH, height=0.6 + 2.0 * rows)
    axes = np.atleast_1d(fig.subplots(rows, cols, sharex=True, sharey=True)).ravel()
    base = frame[frame["strategy"] == "none"]
    for ax, name in zip(axes, names, strict=False):
        ax.plot([0, 1], [0, 1], ls=":", color=design.MUTED, lw=1)
        if name != "none" and len(base):
            ax.plot(base["mean_predicted"], base["fraction_positive"], color=BASELINE_GREY,
                    lw=2.2)
        g = frame[frame["strategy"] == name]
        ax.plot(g["mean_predicted"], g["fraction_positive"], ms=3.5, **styles[name])
        ax.set_title(name, fontsize=8.5)
        ax.set(xlim=(0, 1), ylim=(0, 1.02))
        ax.tick_params(labelsize=7)
    for ax in axes[len(names):]:
        ax.set_visible(False)
    fig.supxlabel("mean predicted probability (bin)", fontsize=9)
    fig.supylabel("fraction of positives", fontsize=9)
    return fig


def draw_heatmap(frame: pd.DataFrame):
    """Mean metric by strategy (rows) and ratio (columns), values written in the cells,
    darker the better; a cell without one shows its status (failed, skipped)."""
    wide = frame.pivot_table(index="strategy", columns="ratio", values="mean", sort=False)
    status = ({(r.strategy, r.ratio): r.status for r in frame.itertuples()}
              if "status" in frame else {})
    wide = wide.reindex(index=list(dict.fromkeys(frame["strategy"])),
                        columns=list(dict.fromkeys(frame["ratio"])))
    fig = design.new_figure(width=min(2.2 + 1.1 * wide.shape[1], design.FULL_WIDTH),
                            height=0.9 + 0.3 * wide.shape[0])
    ax = fig.subplots()
    values = wide.to_numpy(float)
    metric = str(frame["metric"].iloc[0])
    # darker is better: a metric lower is better in (brier) runs its shades the other way
    lower_better = IMBALANCE_METRICS.get(metric, ("maximize",))[0] == "minimize"
    cmap = design.SEQUENTIAL + "_r" * lower_better
    im = ax.imshow(values, cmap=cmap, aspect="auto", vmin=np.nanmin(values)
                   if np.isfinite(values).any() else 0, vmax=np.nanmax(values)
                   if np.isfinite(values).any() else 1)
    # black or white by the cell's own shade (a switch at the mean of the values put ink on
    # mid blues at 3.3:1); an empty cell is left white, its status in ink
    texts = [[f"{v:.3f}" if math.isfinite(v) else
              status.get((wide.index[i], wide.columns[j]), "failed") for j, v in enumerate(row)]
             for i, row in enumerate(values)]
    _matrix.write_cells(ax, im, values, texts, fontsize=8)
    ax.set_xticks(range(wide.shape[1]), wide.columns)
    ax.set_yticks(range(wide.shape[0]), wide.index)
    ax.set_xlabel("imbalance ratio (positives:negatives)")
    ax.grid(False)
    fig.colorbar(im, ax=ax, shrink=0.8,
                 label=metric + " (lower is better)" * lower_better)
    return fig


def draw_confusion(frame: pd.DataFrame, classes=("0", "1")):
    """One 2x2 matrix per strategy (counts summed over seeds), shaded by row share, its
    rows and columns named by ``classes`` (negative, positive: "not 8", "8")."""
    n = len(frame)
    cols = min(n, 5)
    rows = max(1, math.ceil(n / cols))
    fig = design.new_figure(height=1.9 * rows + 0.5)
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    names = [design.literal(c) for c in classes]
    for k, (ax, row) in enumerate(zip(axes, frame.itertuples(index=False), strict=False)):
        m = np.array([[row.tn, row.fp], [row.fn, row.tp]], dtype=float)
        share = m / np.maximum(m.sum(axis=1, keepdims=True), 1)
        im = ax.imshow(share, cmap=design.SEQUENTIAL, vmin=0, vmax=1)
        # black or white by the cell's shade
        _matrix.write_cells(ax, im, share, m.astype(int).astype(str), fontsize=8.5)
        ax.set_title(row.strategy, fontsize=8.5)
        ax.set_xticks([0, 1], names, fontsize=7.5)
        # the true classes named once a row: every panel's rows are the same two
        if k % cols == 0:
            ax.set_yticks([0, 1], names, fontsize=7.5)
        else:
            ax.set_yticks([])
        ax.grid(False)
    for ax in axes[n:]:
        ax.set_visible(False)
    fig.supxlabel("predicted class", fontsize=8.5)
    fig.supylabel("true class", fontsize=8.5)
    return fig


def threshold_words(metric: str) -> str:
    """Whether an imbalance metric reads the predictions at threshold 0.5 or the scores
    alone (`nets.IMBALANCE_METRICS`): "threshold 0.5" or "no threshold"."""
    return "threshold 0.5" if IMBALANCE_METRICS.get(metric, ("", True))[1] else "no threshold"


def leakage_caption(ratio: str, metrics) -> str:
    """The leakage figure's caption: what each panel's metric reads, threshold or not."""
    free = [m for m in metrics if threshold_words(m) == "no threshold"]
    at = [m for m in metrics if m not in free]

    def names(ms) -> str:
        return ms[0] if len(ms) == 1 else f"{', '.join(ms[:-1])} and {ms[-1]}"

    parts = ([f"{names(free)} from the scores alone, over every threshold"] if free else []) \
        + ([f"{names(at)} at threshold 0.5"] if at else [])
    return f"{ratio}: proper against LEAKY scores, {'; '.join(parts)}."


def draw_leakage(frame: pd.DataFrame):
    """Proper (resampled inside training) against leaky (resampled before the split)."""
    metrics = list(dict.fromkeys(frame["metric"]))
    fig = design.new_figure(height=3.6)
    axes = np.atleast_1d(fig.subplots(1, len(metrics), squeeze=False)).ravel()
    for ax, metric in zip(axes, metrics, strict=True):
        g = frame[frame["metric"] == metric]
        x = np.arange(len(g))
        ax.bar(x - 0.2, g["proper"], 0.4, color=design.TEST, label="proper (inside training)")
        ax.bar(x + 0.2, g["leaky"], 0.4, color=design.VALIDATION,
               label="LEAKY (before the split)")
        ax.set_xticks(x, g["strategy"], rotation=60, ha="right", fontsize=7.5)
        ax.set_ylim(0, 1.05)
        # QA: the y-label said "threshold 0.5" of every panel, pr_auc's too, which reads
        # no threshold: each panel says its own
        ax.set_title(f"{metric}\n({threshold_words(metric)})", fontsize=9)
    # which ratio it shows is on the figure too: the figures of two ratios look alike
    ratio = f" at {frame['ratio'].iloc[0]}" if "ratio" in frame else ""
    axes[0].set_ylabel(f"test score{ratio} (mean over seeds)", fontsize=8)
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside upper center", ncols=2)
    return fig
