"""The multi-layer perceptron: dense layers, per-layer activations and a head."""

from __future__ import annotations

import math

import numpy as np

from ._activations import Activation, get_activation, save_problem
from ._backprop import _Backprop
from ._batch_norm import fold_running
from ._forward import _Forward
from ._heads import get_head
from ._init import get_initializer
from ._state_layout import _views, state_shapes
from ._validation import check_rng, is_whole, refuse_beyond_memory


class MLP(_Forward, _Backprop):
    """A dense network ``n_inputs -> hidden... -> n_outputs`` with a matched head.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths, inputs first and outputs last, e.g. ``(784, 64, 16, 10)``.
    activations : str, Activation or a sequence of them
        One per hidden layer, or one name for every hidden layer (as in `TrainConfig`).
    head : {"regression", "binary", "multiclass"}
    dtype : numpy dtype, default float32
    batch_norm : bool, default False
        Batch-normalise every hidden layer's linear map before its activation (see
        `nets.BatchNorm`): each then has a scale ``gamma`` (starting at 1) and a shift
        ``beta`` (at 0) in :attr:`params` after the layers' ``W`` and ``b``, and a running
        mean (0) and variance (1) in :attr:`running`, which evaluation uses.

    Notes
    -----
    This constructor leaves every weight and bias at zero: a symmetric net whose hidden
    units all learn the same thing. To train one, build it with :meth:`MLP.initialized`
    (weights drawn by an initializer) or `nets.build_net` (from a `TrainConfig`).
    """

    def __init__(self, sizes, activations, head: str, dtype=np.float32, batch_norm=False):
        sizes = tuple(sizes)
        if not all(is_whole(s) for s in sizes):  # int(3.7) built a width-3 layer
            raise ValueError(f"layer widths must be whole numbers, got sizes {sizes}")
        self.sizes = tuple(int(s) for s in sizes)
        if isinstance(activations, str | Activation):  # "relu" was read as 'r', 'e', ...
            activations = (activations,) * (len(self.sizes) - 2)
        self._acts = tuple(get_activation(a) for a in activations)
        if len(self._acts) != len(self.sizes) - 2:
            raise ValueError(
                f"need one activation per hidden layer ({len(self.sizes) - 2}), "
                f"got {len(self._acts)}"
            )
        self.head = head
        self._head = get_head(head)
        if min(self.sizes[:-1]) < 1:
            raise ValueError(f"layer widths must be >= 1, got sizes {self.sizes}")
        # the output width the head reads: a 2-output binary net predicted from its first
        # logit alone, and its file could not be loaded
        if head == "binary" and self.sizes[-1] != 1 or head == "multiclass" and \
                self.sizes[-1] < 2 or self.sizes[-1] < 1:
            raise ValueError(f"a {head} head cannot have {self.sizes[-1]} output(s) "
                             f"(sizes {self.sizes})")
        self.dtype = np.dtype(dtype)
        if self.dtype.kind == "f":  # ">f8" (an array read from a big-endian file) is float64
            self.dtype = self.dtype.newbyteorder("=")
        if self.dtype not in (np.float32, np.float64):  # ints truncated xavier's draws to 0
            raise ValueError(f"dtype must be float32 or float64, got {self.dtype}")
        if not isinstance(batch_norm, bool | np.bool_):  # "no" would have been true
            raise ValueError(f"batch_norm must be True or False, got {batch_norm!r}")
        if batch_norm and len(self.sizes) < 3:  # saved as batch-normed, it normed nothing
            raise ValueError(f"batch_norm normalises hidden layers, and a net of sizes "
                             f"{self.sizes} has none")
        self.batch_norm = bool(batch_norm)
        refuse_beyond_memory(self._flat_size, self.dtype, 1, "its weights")
        self._allocate()
        for gamma, var in zip(self.params[2 * self.n_layers::2], self.running[1::2],
                              strict=True):
            gamma[...] = var[...] = 1  # the identity scale; a unit variance

    def _allocate(self) -> None:
        # every parameter is a view into one flat vector, so an optimizer updates them
        # all with a few array operations (assign with p[...] = ..., never rebind); the
        # running statistics follow in the same vector (state), so a copy of state keeps
        # a whole net: early stopping's best one, a snapshot, a saved file
        params, running = state_shapes(self.sizes, self.batch_norm)
        self.state, views = _views(params + running, self.dtype)
        self.flat = self.state[:self._flat_size]
        self.params, self.running = views[:len(params)], views[len(params):]

    # -- construction -----------------------------------------------------------
    @classmethod
    def initialized(cls, sizes, activations, head, *, init="xavier", rng, dtype=np.float32,
                    batch_norm=False):
        """A new net with weights drawn by ``init`` from ``rng`` and zero biases."""
        check_rng(rng)
        net = cls(sizes, activations, head, dtype, batch_norm)
        # a net to train: its gradients too, checked before the weights are drawn
        refuse_beyond_memory(net._flat_size, net.dtype, 2, "its weights and gradients")
        draw = get_initializer(init)
        for i, (n_in, n_out) in enumerate(zip(net.sizes[:-1], net.sizes[1:], strict=True)):
            net.params[2 * i][...] = draw(rng, n_in, n_out, net.dtype)
        return net

    def copy(self, dtype=None) -> MLP:
        """An independent net with the same layers and weights, in ``dtype`` if given.

        Parameters
        ----------
        dtype : numpy dtype or str, optional
            ``"float32"`` or ``"float64"``; None: this net's.
        """
        net = MLP(self.sizes, self._acts, self.head, dtype or self.dtype, self.batch_norm)
        net.state[...] = self.state
        return net

    def gradient_buffers(self) -> tuple[np.ndarray, list[np.ndarray]]:
        """A zero flat vector shaped like the parameters, and its views ``[W0, b0, ...]``
        (then ``gamma0, beta0, ...`` with batch norm)."""
        return _views(state_shapes(self.sizes, self.batch_norm)[0], self.dtype)

    # -- views ------------------------------------------------------------------
    @property
    def n_layers(self) -> int:
        """Dense layers (hidden and output)."""
        return len(self.sizes) - 1

    def weights_of(self, params: list[np.ndarray]) -> list[np.ndarray]:
        """The ``W`` entries of a list shaped as :attr:`params` (e.g. gradients).

        Parameters
        ----------
        params : list of ndarray
            ``W, b`` per layer (and batch norm's arrays after them), as :attr:`params`.
        """
        return params[0:2 * self.n_layers:2]

    @property
    def weights(self) -> list[np.ndarray]:
        return self.weights_of(self.params)

    @property
    def biases(self) -> list[np.ndarray]:
        return self.params[1:2 * self.n_layers:2]

    def folded(self) -> list[np.ndarray]:
        """``[W0, b0, W1, ...]`` of the net evaluation computes: copies, each batch norm
        (at its running statistics) folded into its layer's ``W`` and ``b``."""
        out = [p.copy() for p in self.params[:2 * self.n_layers]]
        if self.batch_norm:
            for i in range(self.n_layers - 1):
                out[2 * i], out[2 * i + 1] = fold_running(out[2 * i], *self._norm(i))
        return out

    def _norm(self, i: int) -> tuple[np.ndarray, ...]:
        """Hidden layer ``i``'s ``gamma, beta, running mean, running variance``."""
        k = self._gamma_index(i)
        return self.params[k], self.params[k + 1], self.running[2 * i], \
            self.running[2 * i + 1]

    def _gamma_index(self, i: int) -> int:
        """Where hidden layer ``i``'s gamma (then beta) is in :attr:`params`."""
        return 2 * self.n_layers + 2 * i

    @property
    def activations(self) -> tuple[str, ...]:
        return tuple(a.name for a in self._acts)

    @property
    def n_parameters(self) -> int:
        """Trained numbers: weights, biases and batch norms' gammas and betas (a
        batch-normed layer's unused bias not counted)."""
        return self._flat_size - (sum(self.sizes[1:-1]) if self.batch_norm else 0)

    @property
    def _flat_size(self) -> int:
        # from the sizes: __init__ asks before the parameters are allocated
        return sum(math.prod(s) for s in state_shapes(self.sizes, self.batch_norm)[0])

    def spec(self) -> dict:
        """What rebuilds this architecture (saved with the weights).

        Raises ValueError for an activation the registry would not rebuild (a file saved
        with it would load with another activation, or not at all).
        """
        for act in self._acts:
            problem = save_problem(act)
            if problem:
                raise ValueError(problem)
        spec = {"sizes": list(self.sizes), "activations": list(self.activations),
                "head": self.head, "dtype": self.dtype.name}
        if self.batch_norm:  # only then: files without it read as they always did
            spec["batch_norm"] = True
        return spec

    def __getstate__(self) -> dict:
        # params are views into flat; pickle and deepcopy would store them as arrays of
        # their own, and the optimizer's steps on flat would no longer reach the forward pass
        state = self.__dict__.copy()
        for view in ("params", "running", "flat"):
            del state[view]
        state.pop("_ones_cache", None)
        return state

    def __setstate__(self, state: dict) -> None:
        values = state.pop("state", None)
        if values is None:  # pickled before batch norm: the parameters alone
            values = state.pop("flat")
        state.setdefault("batch_norm", False)
        self.__dict__.update(state)
        self._allocate()
        self.state[...] = values

    def _ones(self, n: int) -> np.ndarray:
        cached = getattr(self, "_ones_cache", None)
        if cached is None or len(cached) < n:
            cached = self._ones_cache = np.ones(n, dtype=self.dtype)
        return cached[:n]

    def __repr__(self) -> str:
        arch = "-".join(map(str, self.sizes))
        norm = ", batch_norm=True" if self.batch_norm else ""
        return f"MLP({arch}, activations={self.activations}, head={self.head!r}{norm})"
