"""Drawing the training-run figures from the frames of ``_training_data`` (no pyplot); the
hidden space's is drawn in ``_hidden_space_draw``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from . import _matrix, design

#: The input axes' labels when the run does not name its two features.
INPUT_AXES = ("x1 (normalized)", "x2 (normalized)")
#: Beyond this many classes no legend names them: its entries would crowd out the plot
#: (the confusion matrix and the per-class table name them).
LEGEND_MAX_CLASSES = 15
#: At most this many columns in a legend below a figure, fewer when its labels are long.
LEGEND_MAX_COLUMNS = 6
#: Beyond this many classes the confusion matrix's cells are too small for their counts.
ANNOTATE_MAX_CLASSES = 20


def has_lr_panel(frame: pd.DataFrame) -> bool:
    """Whether :func:`draw_history` adds a learning-rate panel (the rate changed)."""
    return "lr" in frame and frame["lr"].nunique(dropna=True) > 1


def draw_history(frame: pd.DataFrame, *, eps: float = 0.0, lr_steps: bool = False) -> Figure:
    """Loss and accuracy against epochs, train and validation, and the rate if it changed.

    ``lr_steps``: draw the rate as steps (a schedule that holds it between its changes,
    `nets.is_stepwise`), not joined by lines.
    """
    has_acc = any(c in frame and frame[c].notna().any()
                  for c in ("train_accuracy", "val_accuracy"))
    has_lr = has_lr_panel(frame)
    panels = ["loss"] + (["accuracy"] if has_acc else []) + (["lr"] if has_lr else [])
    widths = {"loss": 1.0, "accuracy": 1.0, "lr": 0.6}
    fig = design.new_figure(design.FULL_WIDTH if len(panels) > 1 else 6.0, 3.5)
    axes = fig.subplots(1, len(panels), squeeze=False,
                        gridspec_kw={"width_ratios": [widths[p] for p in panels]})[0]
    x = frame["epoch"]
    marker = "o" if len(frame) <= 25 else None  # a few checkpoints: show each one
    for ax, panel in zip(axes, panels, strict=True):
        if panel == "lr":
            # a row's rate is the one the steps after it use: a step-wise schedule holds it
            # until the next checkpoint
            ax.plot(x, frame["lr"], color=design.MUTED,
                    drawstyle="steps-post" if lr_steps else "default")
            ax.set(title="Learning rate", xlabel="epoch")
            continue
        # validation dashed over the solid training line: where the two are the same
        # (XOR's validation set is its training set) the training line shows between dashes
        for split, color, label, lw, ls in (("train", design.TRAIN, "train", 1.1, "-"),
                                            ("val", design.VALIDATION, "validation", 1.8,
                                             "--")):
            col = f"{split}_{panel}"
            # an imbalance pipeline's net trains with no validation split: no empty entry
            if col in frame and frame[col].notna().any():
                ax.plot(x, frame[col], color=color, label=label, lw=lw, ls=ls, marker=marker,
                        ms=3, alpha=0.75 if split == "train" else 1.0)
        ax.set(title=panel.capitalize(), xlabel="epoch")
        cols = [c for c in (f"train_{panel}", f"val_{panel}") if c in frame]
        drawn = x[np.isfinite(frame[cols].to_numpy(float)).any(axis=1)]
        if x.max() >= 2 or drawn.nunique() <= 1:  # whole epochs, however often checked
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if len(x) and drawn.nunique() <= 1:  # one point (NaN at once): not -0.04..0.04
            # around it, but the epochs the run went through, at least one
            lo, hi = x.min(), max(x.max(), x.min() + 1)
            ax.set_xlim(lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo))
        if panel == "loss":
            loss = frame[[c for c in ("train_loss", "val_loss") if c in frame]].to_numpy(float)
            if design.log_y_if_wide(ax, loss):
                ax.set_title("Loss (log scale)")
            if eps > 0:
                ax.axhline(eps, color=design.MUTED, ls="--", lw=1)
                ax.annotate(f"eps = {eps:g}", (0.01, eps), xycoords=("axes fraction", "data"),
                            ha="left", va="bottom", color=design.MUTED, fontsize=8)
            if "val_loss" in frame and np.isfinite(frame["val_loss"]).any():
                # a ring, larger than the checkpoint dots, so it reads as "this one"
                best = frame["val_loss"].idxmin()
                ax.plot(x[best], frame["val_loss"][best], "o", ms=11, mfc="none", mew=1.6,
                        color=design.INK, zorder=4, label="lowest validation loss")
        else:
            ax.set_ylim(-0.02, 1.02)
        ax.legend(loc="best")
    return fig


def draw_decision_map(data: Mapping[str, pd.DataFrame], *, classes: Sequence[str],
                      inputs: Sequence[str] = INPUT_AXES) -> Figure:
    """Predicted class over the input square, samples on top (edges at p = 0.5);
    ``inputs`` labels the two input axes."""
    grid, samples = data["grid"], data["samples"]
    k = len(classes)
    colors = design.class_colors(k)
    fig = design.new_figure(5.6, 4.6)
    ax = fig.subplots()
    g1, g2, label = _grid(grid, "x1"), _grid(grid, "x2"), _grid(grid, "label")
    ax.contourf(g1, g2, label, levels=np.arange(k + 1) - 0.5,
                colors=[design.tint(c, 0.35) for c in colors])
    if k == 2:
        ax.contour(g1, g2, _grid(grid, "p_1"), levels=[0.5], colors=design.INK, linewidths=1.2)
    _scatter_classes(ax, samples, colors, classes)
    _label_inputs(ax, inputs)
    ax.set_title("Decision map")
    ax.set_aspect("equal")
    ax.grid(False)
    if k <= LEGEND_MAX_CLASSES:
        # a figure legend, which the layout makes room for (one anchored beside the axes ran
        # past the picture's edge with long labels); "compressed" is the layout for a
        # fixed-aspect map: the constrained one left its y label half outside
        fig.set_layout_engine("compressed")
        fig.legend(*ax.get_legend_handles_labels(), loc="outside right upper", title="class")
    return fig


def draw_probability_contours(data: Mapping[str, pd.DataFrame], *, classes: Sequence[str],
                              inputs: Sequence[str] = INPUT_AXES) -> Figure:
    """The "2.5-D" map: contours of the predicted probability."""
    grid, samples = data["grid"], data["samples"]
    k = len(classes)
    colors = design.class_colors(k)
    fig = design.new_figure(5.6, 4.6)
    ax = fig.subplots()
    g1, g2 = _grid(grid, "x1"), _grid(grid, "x2")
    levels = np.linspace(0, 1, 11)
    if k == 2:
        p = _grid(grid, "p_1")
        filled = ax.contourf(g1, g2, p, levels=levels, cmap=design.binary_cmap(), alpha=0.85)
        lines = ax.contour(g1, g2, p, levels=[0.1, 0.3, 0.5, 0.7, 0.9], colors=design.INK,
                           linewidths=[0.6, 0.6, 1.4, 0.6, 0.6])
        ax.clabel(lines, fmt="%.1f", fontsize=7.5)
        fig.colorbar(filled, ax=ax, label=f"P(class {design.literal(classes[1])})", shrink=0.85)
    else:
        conf = _grid(grid, "confidence")
        # confidence is at least 1/k; levels on round tenths keep the colour bar readable
        levels = np.round(np.arange(np.floor(10 / k) / 10, 1.0001, 0.1), 1)
        filled = ax.contourf(g1, g2, conf, levels=levels, cmap="Greys_r", alpha=0.55)
        for c, color in enumerate(colors):
            p = _grid(grid, f"p_{c}")
            # each class's lines in its own line style too, as its samples in their marker
            lines = ax.contour(g1, g2, p, levels=[0.25, 0.5, 0.75], colors=[color],
                               linewidths=[0.7, 1.6, 0.7],
                               linestyles=design.series_style(c)["ls"])
            ax.clabel(lines, fmt="%.2f", fontsize=7)
        fig.colorbar(filled, ax=ax, label="highest class probability", shrink=0.85)
        if k <= LEGEND_MAX_CLASSES:
            # which lines are which class's: nothing said it (the samples' colours alone
            # were the key). Each entry the class's line and its samples' marker
            # the colour bar's room known before the legend is fitted: laid out, not
            # rasterized (a full Agg draw was ~40 % of this figure's time; the same layout)
            fig.draw_without_rendering()
            _legend_below(fig, [Line2D([], [], color=color, lw=1.6,
                                       ls=design.series_style(c)["ls"],
                                       marker=design.series_style(c)["marker"], ms=5,
                                       mec=design.INK, mew=0.5)
                                for c, color in enumerate(colors)],
                          [design.literal(name) for name in classes], title="class")
    _scatter_classes(ax, samples, colors, classes, size=10, alpha=0.55)
    _label_inputs(ax, inputs)
    ax.set_title("Probability contours")
    ax.set_aspect("equal")
    ax.grid(False)
    return fig


def draw_probability_surface(data: Mapping[str, pd.DataFrame], *, classes: Sequence[str],
                             inputs: Sequence[str] = INPUT_AXES) -> Figure:
    """P(class 1) as a 3-D surface over the input square (binary tasks)."""
    grid = data["grid"]
    fig = design.new_figure(6.4, 4.8)
    # computed_zorder off: the boundary line is drawn over the surface, never hidden in it
    ax = fig.add_subplot(projection="3d", computed_zorder=False)
    g1, g2, p = _grid(grid, "x1"), _grid(grid, "x2"), _grid(grid, "p_1")
    # one quad per grid cell: multi-cell patches fold into saw teeth on steep slopes, and
    # ragged ones make matplotlib 3.11 project garbage (matplotlib#32272, overflow warnings)
    ax.plot_surface(g1, g2, p, cmap=design.binary_cmap(), vmin=0, vmax=1, rstride=1,
                    cstride=1, linewidth=0, antialiased=False, shade=True, zorder=1)
    ax.contour(g1, g2, p, levels=[0.5], colors=design.INK, linewidths=1.6, zorder=2)
    _label_inputs(ax, inputs)
    ax.set(zlabel=f"P(class {design.literal(classes[1])})", zlim=(0, 1),
           title="Probability surface")
    ax.view_init(elev=32, azim=-60)
    return fig


def _legend_below(fig: Figure, handles, labels, **kw) -> None:
    """A legend under the panels, in as many columns as fit the figure's width (at most
    `LEGEND_MAX_COLUMNS`): in one row, ten classes ran past both sides."""
    renderer = fig.canvas.get_renderer()
    for ncols in range(min(len(labels), LEGEND_MAX_COLUMNS), 0, -1):
        legend = fig.legend(handles, labels, loc="outside lower center", ncols=ncols, **kw)
        if ncols == 1 or legend.get_window_extent(renderer).width <= 0.98 * fig.bbox.width:
            return
        legend.remove()


def draw_confusion(frame: pd.DataFrame) -> Figure:
    """Cells coloured by the share of their true class (row), counts written in them up to
    `ANNOTATE_MAX_CLASSES` classes (beyond, they would not fit)."""
    counts = frame.set_index("true")
    share = counts.div(counts.sum(axis=1).replace(0, 1), axis=0).to_numpy(float)
    k = len(counts)
    size = float(np.clip(1.2 + 0.42 * k, 3.4, 6.4))
    fig = design.new_figure(size + 1.0, size)
    ax = fig.subplots()
    few = k <= ANNOTATE_MAX_CLASSES
    # a mesh of cells 0..k, true classes top to bottom (seaborn's heat map, which drew the
    # whole figure once more to see whether its tick labels overlapped)
    mesh = ax.pcolormesh(share, cmap=design.SEQUENTIAL, vmin=0, vmax=1,
                         linewidths=0.5 if few else 0, edgecolor="white")
    ax.set(xlim=(0, k), ylim=(k, 0), aspect="equal")
    ax.spines[:].set_visible(False)
    ax.grid(False)
    bar = fig.colorbar(mesh, ax=ax, label="share of the true class", shrink=0.8)
    bar.outline.set_linewidth(0)
    box = ax.get_window_extent().transformed(fig.dpi_scale_trans.inverted())
    _matrix.label_cells(ax, list(counts.index), side=min(box.width, box.height))
    if few:
        _matrix.write_cells(ax, mesh, share, counts.to_numpy().astype(str), offset=0.5,
                            fontsize=8)
    ax.set(xlabel="predicted class", ylabel="true class", title="Confusion matrix (test set)")
    return fig


def draw_fit(data: Mapping[str, pd.DataFrame]) -> Figure:
    """The fitted curve over the samples (one feature) or predicted against actual, the
    axes named as the CSVs' columns (`regression_frames`: the data's own names)."""
    samples = data["samples"]
    fig = design.new_figure(6.8, 4.2)
    ax = fig.subplots()
    colors = {"train": design.tint(design.TRAIN, 0.55), "test": design.TEST}
    if "curve" in data:
        x, y = samples.columns[:2]  # the feature, the target
        for split, part in samples.groupby("split", sort=False):
            ax.scatter(part[x], part[y], s=8 if split == "train" else 14,
                       color=colors.get(split, design.MUTED), label=f"{split} samples",
                       linewidths=0)
        curve = data["curve"]
        ax.plot(curve[x], curve["prediction"], color=design.VALIDATION, lw=2.2,
                label="net prediction")
        ax.set(xlabel=design.literal(x), ylabel=design.literal(y), title="Fitted curve")
    else:
        y = samples.columns[0]  # the target
        for split, part in samples.groupby("split", sort=False):
            ax.scatter(part[y], part["prediction"], s=10, color=colors.get(split, design.MUTED),
                       label=split, linewidths=0)
        lo = float(np.nanmin(samples[[y, "prediction"]].to_numpy()))
        hi = float(np.nanmax(samples[[y, "prediction"]].to_numpy()))
        ax.plot([lo, hi], [lo, hi], color=design.INK, lw=1, ls="--", label="perfect fit")
        ax.set(xlabel=design.literal(f"actual {y}"), ylabel=design.literal(f"predicted {y}"),
               title="Predicted against actual")
        ax.set_aspect("equal")
    ax.legend(loc="best")
    return fig


# ----------------------------------------------------------------------------- helpers
def _grid(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A column of a decision frame back into its square grid (x2-major order)."""
    n = int(round(np.sqrt(len(frame))))
    return frame[column].to_numpy().reshape(n, n)


def _label_inputs(ax, inputs: Sequence[str]) -> None:
    """The two input axes named after the run's features (user text: drawn as written)."""
    ax.set_xlabel(design.literal(inputs[0]))
    ax.set_ylabel(design.literal(inputs[1]))


def _scatter_classes(ax, samples, colors, classes, size=22, alpha=1.0) -> None:
    """Each class's samples in its colour and marker shape (colours alone merge for
    colour-blind readers)."""
    for k, color in enumerate(colors):
        s = samples[samples["label"] == k]
        ax.scatter(s["x1"], s["x2"], s=size, color=color, edgecolors=design.INK,
                   marker=design.series_style(k)["marker"], linewidths=0.5, alpha=alpha,
                   label=design.literal(classes[k]), zorder=3)
