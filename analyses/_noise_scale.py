"""The simple gradient noise scale B_simple = tr(Sigma) / |G|^2, measured during training.

McCandlish et al. 2018, appendix A.1: a batch gradient's squared norm over-estimates
|G|^2 by the noise, E|G_B|^2 = |G|^2 + tr(Sigma) c(B). Two batch sizes give two such
equations, solved for unbiased estimates of |G|^2 and tr(Sigma). Both are noisy (one
small batch's tr(Sigma) estimate is heavily skewed: its median sits far below its
mean), so a measurement averages several small batches, and B_simple is a ratio of
averages: an exponential moving average along training, and `window_noise_scale` over
a stretch of it.

Batches here are drawn *without* replacement from a finite training set of n examples,
so c(B) = (n - B) / (B (n - 1)) (the finite-population correction; it tends to 1/B as
n grows). The big batch may thus be the whole set, which gives |G|^2 exactly.
Sigma is the covariance of per-example gradients over the training set.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

import nets

NOISE_COLUMNS = ("step", "epoch", "g2", "trace", "b_simple_raw", "b_simple", "g2_raw",
                 "trace_raw")
#: Small batches averaged per measurement (at most; see `noise_batches`): one is too
#: skewed to average over ~20 measurements (double-arc: 0.3-1.8x the exact B_simple),
#: 16 land within 15 % of it there.
NOISE_DRAWS = 16


def _c(batch: int, n: int | None) -> float:
    """Variance factor of a batch mean: E|G_B|^2 = |G|^2 + tr(Sigma) c(B)."""
    if n is None:
        return 1.0 / batch
    return (n - batch) / (batch * (n - 1)) if n > 1 else 0.0


def noise_from_norms(g2_small: float, g2_big: float, b_small: int, b_big: int,
                     n: int | None = None) -> tuple[float, float]:
    """Unbiased |G|^2 and tr(Sigma) from squared norms of two batch-mean gradients.

    Parameters
    ----------
    g2_small, g2_big : float
        |G_B|^2 of one batch of ``b_small`` and one of ``b_big`` examples.
    b_small, b_big : int
        ``b_small < b_big``.
    n : int, optional
        Population size when batches are drawn without replacement (None: with
        replacement, or an infinite stream).

    Returns
    -------
    g2, trace : float
        Estimates of |G|^2 and tr(Sigma); each is unbiased, their ratio is not
        (smooth both, then divide).
    """
    if not 1 <= b_small < b_big:
        raise ValueError(f"need 1 <= b_small < b_big, got {b_small} and {b_big}")
    if n is not None and b_big > n:
        raise ValueError(f"b_big ({b_big}) exceeds the {n} examples it is drawn from")
    cs, cb = _c(b_small, n), _c(b_big, n)
    trace = (g2_small - g2_big) / (cs - cb)
    return g2_big - trace * cb, trace


# a batch-normed net's batch gradient is not the mean of its examples' (each row's output
# depends on its batch's statistics), the premise of both estimates
BATCH_NORM_NOISE = ("the gradient noise scale assumes a batch's gradient is the mean of its "
                    "examples' gradients, which batch norm breaks (a row's output depends on "
                    "its batch); measure without batch norm, or without the noise scale")


def _refuse_batch_norm(net) -> None:
    if net.batch_norm:
        raise ValueError(BATCH_NORM_NOISE)


def _sq_norm(grads) -> float:
    return float(sum(np.vdot(g, g) for g in grads))  # vdot: flat, no copies


def _penalised_grads(net, X, T, l2: float, l1: float) -> list:
    """The loss's gradients on ``X, T`` with the weight penalties added, as the training
    loop adds them (`nets.add_penalties`)."""
    _, grads = net.loss_and_grads(X, T)
    nets.add_penalties(net.weights_of(grads), net.weights, l2=l2, l1=l1)
    return grads


def exact_noise_scale(net: nets.MLP, X, T, *, l2: float = 0.0,
                      l1: float = 0.0) -> tuple[float, float]:
    """|G|^2 and tr(Sigma) from every per-example gradient (n backward passes; small sets).

    Parameters
    ----------
    net : nets.MLP
    X, T : arrays
        Inputs and *encoded* targets, as for `GradientNoiseScale`.
    l2, l1 : float
        The weight penalties added to each gradient, as `GradientNoiseScale` adds them:
        give a run's own (``hplab scaling --l2``) to check its measurements. The same
        penalty on every example moves |G|^2, never tr(Sigma): double-arc's net after 30
        epochs at l2 0.01 has B_simple 1420 with it, 814 without.

    Returns
    -------
    g2, trace : float
        Squared norm of the full-batch gradient and the trace of the per-example
        gradient covariance over ``X``; B_simple = trace / g2.
    """
    _refuse_batch_norm(net)
    X = np.asarray(X, dtype=net.dtype)
    T = np.asarray(T, dtype=net.dtype)
    total = [np.zeros(p.shape) for p in net.params]
    mean_sq = 0.0
    for i in range(len(X)):
        g = _penalised_grads(net, X[i:i + 1], T[i:i + 1], l2, l1)
        mean_sq += _sq_norm(g) / len(X)
        for acc, gi in zip(total, g, strict=True):
            acc += gi / len(X)
    g2 = _sq_norm(total)
    return g2, mean_sq - g2


class GradientNoiseScale(nets.Callback):
    """Measure B_simple every ``every`` steps of training (a `nets.Callback`).

    Parameters
    ----------
    X, T : ndarray
        Training inputs and *encoded* targets to draw from:
        ``nets.get_head(net.head).encode(y, net.sizes[-1], net.dtype)`` (one-hot rows
        for a multiclass net).
    b_small, b_big : int
        The two batch sizes; ``b_big`` equal to ``len(X)`` measures |G|^2 exactly.
    every : int
        Steps between measurements.
    rng : numpy.random.Generator
        Its own stream, so measuring never changes the training run's shuffles.
    beta : float
        EMA factor for |G|^2 and tr(Sigma) (0 = no smoothing).
    l2, l1 : float
        The weight penalties added to the weight gradients, as the training loop adds them
        (a run's dropout is not: the gradients measured are the whole net's).
    draws : int
        Small batches per measurement; their mean |G_B|^2 enters the estimate.
    also : iterable of int
        Further steps to measure at (a scaling study's reference runs add a geometric
        schedule, so the way to a target reached early has measurements too).

    Attributes
    ----------
    rows : list of dict
        One per measurement; ``frame()`` gives them as a DataFrame (step, epoch, g2,
        trace, b_simple_raw, b_simple, g2_raw, trace_raw).
    """

    def __init__(self, X, T, *, b_small: int, b_big: int, every: int,
                 rng: np.random.Generator, beta: float = 0.9, l2: float = 0.0,
                 l1: float = 0.0, draws: int = 1, also=()):
        n = len(X)
        if not 1 <= b_small < b_big <= n:
            raise ValueError(f"need 1 <= b_small < b_big <= {n}, got {b_small} and {b_big}")
        if every < 1 or not 0 <= beta < 1:
            raise ValueError(f"need every >= 1 and 0 <= beta < 1, got {every} and {beta}")
        if isinstance(draws, bool) or not isinstance(draws, int) or draws < 1:
            raise ValueError(f"draws must be an integer >= 1, got {draws!r}")
        self.X, self.T, self.n, self.draws = X, T, n, draws
        self.b_small, self.b_big, self.every = int(b_small), int(b_big), int(every)
        self.rng, self.beta, self.l2, self.l1 = rng, float(beta), float(l2), float(l1)
        self.also = frozenset(int(s) for s in also)
        self._ema = [0.0, 0.0]  # g2, trace
        self._count = 0
        self.rows: list[dict] = []

    def on_step(self, state):
        """`measure` at every ``every``-th step and those in ``also``; never stops
        training.

        Parameters
        ----------
        state : TrainState
            The training loop's state after the step (its ``net``, ``step`` and ``epoch``).
        """
        if state.step % self.every == 0 or state.step in self.also:
            self.measure(state.net, state.step, state.epoch)
        return None

    def _batch_g2(self, net, size: int) -> float:
        if size == self.n:
            xb, tb = self.X, self.T
        else:
            idx = self.rng.choice(self.n, size, replace=False)
            xb, tb = self.X[idx], self.T[idx]
        return _sq_norm(_penalised_grads(net, xb, tb, self.l2, self.l1))

    def measure(self, net, step: int = 0, epoch: float = 0.0) -> dict:
        """One measurement at the net's current weights; appended to :attr:`rows`.

        Parameters
        ----------
        net : nets.MLP
        step : int
        epoch : float
            Where training is, recorded in the row.

        Returns
        -------
        dict
            ``step, epoch, g2, trace, b_simple`` (smoothed over measurements) and their
            ``_raw`` values of this one.
        """
        _refuse_batch_norm(net)
        small = np.mean([self._batch_g2(net, self.b_small) for _ in range(self.draws)])
        g2, trace = noise_from_norms(float(small), self._batch_g2(net, self.b_big),
                                     self.b_small, self.b_big, self.n)
        self._count += 1
        debias = 1 - self.beta ** self._count
        for i, v in enumerate((g2, trace)):
            self._ema[i] = self.beta * self._ema[i] + (1 - self.beta) * v
        g2_s, tr_s = self._ema[0] / debias, self._ema[1] / debias
        # the two-batch estimates of |G|^2 and tr(Sigma) are unbiased but can come out
        # negative; B_simple = tr/|G|^2 is then not measured (NaN), never negative
        row = {"step": int(step), "epoch": float(epoch), "g2": g2_s, "trace": tr_s,
               "b_simple_raw": trace / g2 if g2 > 0 and trace >= 0 else math.nan,
               "b_simple": tr_s / g2_s if g2_s > 0 and tr_s >= 0 else math.nan,
               "g2_raw": g2, "trace_raw": trace}
        self.rows.append(row)
        return row

    def frame(self) -> pd.DataFrame:
        """Every measurement so far: step, epoch, smoothed g2 and trace, raw and EMA
        B_simple, and the measurement's own g2 and trace (g2_raw, trace_raw).

        ``g2`` can come out negative early on (an unbiased estimate of a small number);
        B_simple is then NaN rather than a meaningless negative value.
        """
        return pd.DataFrame.from_records(self.rows, columns=NOISE_COLUMNS)


def noise_batches(n: int, batch_size: int, cap: int = 2048) -> tuple[int, int, int]:
    """The batch sizes used by default: the training batch and min(n, ``cap``), and how
    many small batches a measurement draws.

    The big batch is the whole set whenever it fits under ``cap`` (exact |G|^2); the
    small one is shrunk to at most a quarter of the big one so the two differ enough.
    The small batches together cost at most twice the big one: `NOISE_DRAWS` of them,
    fewer (never under 8) when they are large.
    """
    if n < 2:
        raise ValueError(f"the noise scale needs at least 2 training examples, got {n}")
    big = min(n, cap)
    small = max(1, min(batch_size, big // 4))
    return small, big, max(1, min(NOISE_DRAWS, 2 * big // small))
