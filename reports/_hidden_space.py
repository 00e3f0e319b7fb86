"""The hidden-space figure's data: samples and input lines mapped through the first hidden
layer at a few snapshots of training (PCA beyond three neurons)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

import nets

from ._training_data import _thin


def pick_snapshots(snapshots: Sequence, n: int = 5, curve: Sequence = ()) -> list:
    """Up to ``n`` ``(epoch, params)`` snapshots spread evenly over how far training came
    (`nets.spread_over_training`: log epochs and, with ``curve``'s ``(epoch, train_loss)``
    pairs, the drop of the loss), first and last included.

    Parameters
    ----------
    snapshots : sequence of (float, list of ndarray)
        A run's ``TrainResult.snapshots``, in epoch order.
    n : int, default 5
        How many to keep.
    curve : sequence of (float, float), optional
        ``(epoch, train_loss)`` pairs.
    """
    return nets.spread_over_training(list(snapshots), n, curve)


def hidden_space_frame(snapshots: Sequence[tuple[float, Sequence[np.ndarray]]],
                       forward: Callable[[np.ndarray], np.ndarray], X: np.ndarray,
                       y: np.ndarray, bounds, *, n_lines: int = 9, n_points: int = 60,
                       max_samples: int = 300) -> pd.DataFrame:
    """Samples and a grid of input lines mapped through the first hidden layer.

    For each ``(epoch, [W0, b0, ...])`` snapshot, ``Z = X W0 + b0`` (stage ``linear``) and
    ``A = forward(Z)`` (stage ``activation``). Widths 1 to 3 are kept as they are (``h2``
    or ``h3`` NaN when absent); wider layers are projected on their first two principal
    components (``frame.attrs["projection"] == "pca"``).

    Parameters
    ----------
    snapshots : sequence of (epoch, params)
        The net's parameters ``[W0, b0, ...]`` at each epoch shown (`nets.ParamSnapshots`).
    forward : callable
        The first hidden layer's activation, ``Z -> A``.
    X, y : arrays
        Two-feature inputs and their labels; at most ``max_samples`` of them are kept.
    bounds : (low, high)
        Per-feature limits from :func:`input_bounds`: the lines span them.
    n_lines : int
        Lines per direction (``x2`` constant, then ``x1`` constant).
    n_points : int
        Points along each line.
    max_samples : int
        Samples kept, evenly thinned.

    Returns
    -------
    DataFrame
        ``epoch, stage, kind ("sample"|"line"), id, h1, h2, h3, label`` (label NaN for
        lines); lines keep their point order so they can be drawn as polylines.
    """
    idx = _thin(len(X), max_samples)
    Xs, ys = np.asarray(X, dtype=float)[idx], np.asarray(y, dtype=float)[idx]
    (lo1, lo2), (hi1, hi2) = bounds
    t = np.linspace(0.0, 1.0, n_points)
    along1, along2 = lo1 + t * (hi1 - lo1), lo2 + t * (hi2 - lo2)
    lines = []
    for v in np.linspace(0.0, 1.0, n_lines):  # lines x2 = const, then x1 = const
        lines.append(np.column_stack([along1, np.full(n_points, lo2 + v * (hi2 - lo2))]))
    for v in np.linspace(0.0, 1.0, n_lines):
        lines.append(np.column_stack([np.full(n_points, lo1 + v * (hi1 - lo1)), along2]))
    L = np.concatenate(lines)
    line_id = np.repeat(np.arange(len(lines)), n_points)

    width = np.asarray(snapshots[0][1][0]).shape[1] if snapshots else 0
    parts = []
    for epoch, params in snapshots:
        W0, b0 = np.asarray(params[0], dtype=float), np.asarray(params[1], dtype=float)
        for stage in ("linear", "activation"):
            Zs, Zl = Xs @ W0 + b0, L @ W0 + b0
            if stage == "activation":
                Zs, Zl = np.asarray(forward(Zs), float), np.asarray(forward(Zl), float)
            Hs, Hl = _to_3(Zs, Zl)
            for kind, H, ids, lab in (("sample", Hs, idx, ys), ("line", Hl, line_id, np.nan)):
                parts.append(pd.DataFrame({
                    "epoch": float(epoch), "stage": stage, "kind": kind, "id": ids,
                    "h1": H[:, 0], "h2": H[:, 1], "h3": H[:, 2], "label": lab}))
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["epoch", "stage", "kind", "id", "h1", "h2", "h3", "label"])
    frame.attrs["width"] = int(width)
    frame.attrs["projection"] = "pca" if width > 3 else "identity"
    return frame


def _to_3(samples: np.ndarray, lines: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hidden coordinates as three columns (NaN-padded), PCA beyond three neurons."""
    width = samples.shape[1]
    if width > 3:
        # principal axes of the samples, applied to the lines as well
        center = samples.mean(axis=0)
        _, _, vt = np.linalg.svd(samples - center, full_matrices=False)
        samples, lines = (samples - center) @ vt[:2].T, (lines - center) @ vt[:2].T
        width = 2
    pad = 3 - width
    if pad:
        samples = np.pad(samples, ((0, 0), (0, pad)), constant_values=np.nan)
        lines = np.pad(lines, ((0, 0), (0, pad)), constant_values=np.nan)
    return samples, lines
