"""A net's state layout: its parameters' and running statistics' shapes, views of one vector."""

from __future__ import annotations

import math

import numpy as np


def state_shapes(sizes, batch_norm: bool) -> tuple[list, list]:
    """The shapes of a net's parameters ``[W0, b0, W1, ..., gamma0, beta0, ...]`` and of
    its running statistics ``[mean0, var0, ...]``, in the order of `MLP.state` (and of a
    saved file's members)."""
    norms = [(w,) for w in sizes[1:-1] for _ in "ab"] if batch_norm else []
    layers = [shape for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)
              for shape in ((n_in, n_out), (n_out,))]
    return layers + norms, list(norms)


def _views(shapes, dtype) -> tuple[np.ndarray, list[np.ndarray]]:
    """A zero vector and its consecutive views of ``shapes``."""
    flat = np.zeros(sum(math.prod(s) for s in shapes), dtype=dtype)
    views, start = [], 0
    for shape in shapes:
        stop = start + math.prod(shape)
        views.append(flat[start:stop].reshape(shape))
        start = stop
    return flat, views
