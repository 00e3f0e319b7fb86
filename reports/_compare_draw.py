"""Drawing ``report compare``'s figure from the curves frame it saves (no pyplot): every
run's loss and accuracy against epochs, one line each, on one split."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from . import design
from ._training_draw import _legend_below

#: How each split's columns and panels are named.
SPLITS = {"val": "Validation", "train": "Training"}


def draw_compared_curves(curves: pd.DataFrame, *, split: str = "val",
                         best: str | None = None) -> Figure:
    """Loss (and accuracy, where the runs classify) against epochs, one line a run in the
    order of ``curves``' ``run`` column, ``best``'s drawn thicker, solid and on top; on the
    validation loss, the checkpoint an early-stopped run kept (``curves``' ``kept``
    column) ringed; the legend below."""
    labels = list(dict.fromkeys(curves["run"]))
    accuracy = f"{split}_accuracy"
    panels = ["loss"] + (["accuracy"] if accuracy in curves
                         and curves[accuracy].notna().any() else [])
    height = 3.8
    fig = design.new_figure(design.FULL_WIDTH if len(panels) > 1 else 6.0, height)
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    few = curves.groupby("run").size().max() <= 25  # a few checkpoints: show each one
    handles, ringed = [], False
    for i, label in enumerate(labels):
        run = curves[curves["run"] == label]
        style = design.series_style(i)
        if not few:
            style.pop("marker")
        if label == best:  # a dotted style stood out less than the others' solid lines
            style["ls"] = "-"
        width, order = (2.6, 3) if label == best else (1.4, 2)
        for ax, panel in zip(axes, panels, strict=True):
            line, = ax.plot(run["epoch"], run[f"{split}_{panel}"], lw=width, ms=4,
                            zorder=order, **style)
        handles.append(line)
        kept = run[run["kept"].astype(bool)] if "kept" in run else run.iloc[:0]
        if split == "val" and len(kept):  # the weights it kept are not its last ones
            axes[0].plot(kept["epoch"], kept["val_loss"], ls="none", marker="o", ms=11,
                         mfc="none", mec=style["color"], mew=1.6, zorder=4)
            ringed = True
    for ax, panel in zip(axes, panels, strict=True):
        ax.set(title=f"{SPLITS[split]} {panel}", xlabel="epoch")
        if panel == "loss" and design.log_y_if_wide(ax, curves[f"{split}_loss"]):
            ax.set_title(f"{SPLITS[split]} loss (log scale)")
        elif panel == "accuracy":
            ax.set_ylim(-0.02, 1.02)
        if not np.isfinite(curves[f"{split}_{panel}"].to_numpy(float)).any():
            ax.text(0.5, 0.5, "no finite value", transform=ax.transAxes, ha="center",
                    color=design.MUTED)
    # folder names, as written (QA: a run in $50k_$ stopped the report, read as math)
    names = [design.literal(f"{label} (best)" if label == best else label) for label in labels]
    if ringed:
        ring = Line2D([], [], ls="none", marker="o", ms=9, mfc="none", mec=design.MUTED,
                      mew=1.6)
        handles, names = [*handles, ring], [*names, "checkpoint kept (early stopped)"]
    _legend_below(fig, handles, names)
    _room_for_legend(fig, height)
    return fig


#: The height the panels keep above a long legend, in inches.
_PANELS_HEIGHT = 2.8


def _room_for_legend(fig: Figure, height: float) -> None:
    """Make ``fig`` taller by what its legend takes past the room ``height`` leaves the
    panels: 80 runs' legend filled a figure of fixed height, the panels squeezed to nothing
    under it and its first rows cut off (QA)."""
    if not fig.legends:  # no curve to name
        return
    legend = fig.legends[-1]
    needed = legend.get_window_extent(fig.canvas.get_renderer()).height / fig.dpi
    if needed + _PANELS_HEIGHT > height:
        fig.set_figheight(needed + _PANELS_HEIGHT)
