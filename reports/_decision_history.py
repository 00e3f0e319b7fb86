"""The decision map at a few checkpoints of training, as the course draws its snapshots
at 500, 1000, 1500 and 2000 iterations: the net each snapshot holds, evaluated over the
input grid (data), and a panel per snapshot (drawing)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

import nets

from . import design
from ._training_data import decision_frame
from ._training_draw import (
    INPUT_AXES,
    LEGEND_MAX_CLASSES,
    _grid,
    _label_inputs,
    _legend_below,
    _scatter_classes,
)

#: Grid points per side of each snapshot's map (the course's 50 x 50).
SNAPSHOT_RESOLUTION = 50


def snapshot_proba(layers: Sequence[np.ndarray], activations: Sequence[str],
                   head: str) -> Callable[[np.ndarray], np.ndarray]:
    """``X -> probabilities`` of the net whose affine layers are ``layers`` (``[W0, b0,
    W1, ...]``, as `nets.ParamSnapshots` keeps them); binary: P(class 1)."""
    sizes = (layers[0].shape[0], *(W.shape[1] for W in layers[0::2]))
    net = nets.MLP(sizes, activations, head, np.float64)
    for param, value in zip(net.params, layers, strict=True):
        param[...] = value
    return net.predict_proba


def decision_history_frame(snapshots: Sequence[tuple[float, Sequence[np.ndarray]]],
                           activations: Sequence[str], head: str, bounds, n_classes: int,
                           resolution: int = SNAPSHOT_RESOLUTION) -> pd.DataFrame:
    """The predicted class over the input grid at each snapshot.

    Parameters
    ----------
    snapshots : sequence of (epoch, layers)
        The net's affine layers ``[W0, b0, ...]`` at each epoch shown.
    activations : sequence of str
        The hidden layers' activations, by registry name.
    head : str
    bounds : (low, high)
        Per-feature limits (`reports._training_data.input_bounds`).
    n_classes : int
    resolution : int
        Grid points per axis.

    Returns
    -------
    DataFrame
        ``epoch, x1, x2, label``, each snapshot's rows in ``x2``-major grid order.
    """
    parts = [decision_frame(snapshot_proba(layers, activations, head), bounds, n_classes,
                            resolution)[["x1", "x2", "label"]].assign(epoch=float(epoch))
             for epoch, layers in snapshots]
    frame = pd.concat(parts, ignore_index=True)[["epoch", "x1", "x2", "label"]]
    # the float32 grid's digits beyond 5 are noise (as the decision map's grid keeps it)
    return frame.round({"x1": 5, "x2": 5})


def draw_decision_history(grid: pd.DataFrame, *, samples: pd.DataFrame,
                          classes: Sequence[str], inputs: Sequence[str] = INPUT_AXES) -> Figure:
    """A decision map per snapshot (`decision_history_frame`), left to right, the
    training ``samples`` on each."""
    epochs = sorted(grid["epoch"].unique())
    k = len(classes)
    colors = design.class_colors(k)
    fills = [design.tint(c, 0.35) for c in colors]
    n = len(epochs)
    fig = design.new_figure(min(design.FULL_WIDTH, 2.3 * n + 0.6), 3.2)
    axes = np.atleast_1d(fig.subplots(1, n, sharex=True, sharey=True))
    for ax, epoch in zip(axes, epochs, strict=True):
        part = grid[grid["epoch"] == epoch]
        ax.contourf(_grid(part, "x1"), _grid(part, "x2"), _grid(part, "label"),
                    levels=np.arange(k + 1) - 0.5, colors=fills)
        _scatter_classes(ax, samples, colors, classes, size=5)
        ax.set_title(f"epoch {epoch:g}", fontsize=9)
        ax.set_aspect("equal")
        ax.grid(False)
        ax.tick_params(labelsize=6.5)
    _label_inputs(axes[0], inputs)
    for ax in axes[1:]:
        ax.set_ylabel("")
    fig.suptitle("Decision map over training")
    if k <= LEGEND_MAX_CLASSES:
        _legend_below(fig, *axes[0].get_legend_handles_labels(), markerscale=1.6)
    return fig
