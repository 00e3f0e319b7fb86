"""Input checks for training and prediction: one clear line per problem."""

from __future__ import annotations

import math
import os

import numpy as np


def is_whole(v) -> bool:
    """A whole number: int or NumPy integer (not bool, NumPy's neither), or a float with no
    fraction.

    Parameters
    ----------
    v : object
        The value.
    """
    # NumPy's True passed as 1; int(array([4])) is deprecated, then an error
    if isinstance(v, bool | np.bool_) or np.ndim(v) != 0:
        return False
    try:
        return v == int(v) and math.isfinite(v)
    except (TypeError, ValueError, OverflowError):
        return False


def check_rng(rng) -> np.random.Generator:
    """``rng`` itself, if it is a Generator: randomness is always passed explicitly."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError("rng must be a numpy.random.Generator, e.g. np.random.default_rng(0); "
                        f"got {type(rng).__name__}")
    return rng


def check_features(X, n_features: int, dtype, name: str = "X", *, empty: bool = False,
                   beyond: str = "fit with dtype='float64'") -> np.ndarray:
    """``X`` as a C-contiguous 2-D array of ``dtype`` with finite values; no rows is
    refused unless ``empty`` (a prediction of nothing is nothing, a fit on nothing is not).
    ``beyond``: what to do about values past ``dtype``'s range."""
    X = np.asarray(X)
    if X.dtype.kind not in "fiub":
        raise ValueError(f"{name} must be numeric, got dtype {X.dtype}")
    if X.ndim != 2:
        raise ValueError(f"{name} must be 2-D (samples, features), got shape {X.shape}")
    if X.shape[1] != n_features:
        raise ValueError(f"{name} has {X.shape[1]} features, the net expects {n_features}")
    if len(X) == 0 and not empty:
        raise ValueError(f"{name} has no samples")
    with np.errstate(over="ignore"):  # float64 beyond float32's range: named below
        X_cast = np.ascontiguousarray(X, dtype=dtype)
    # column sums by BLAS: one pass on every core and no mask in the common case. Any
    # NaN or inf makes a sum non-finite (huge finite values can overflow one too, so
    # then check exactly); 6x faster than a float64 sum on MNIST-sized X.
    if (not np.isfinite(np.ones(len(X_cast), X_cast.dtype) @ X_cast).all()
            and not np.isfinite(X_cast).all()):
        if np.isfinite(X).all():  # finite until the cast: "NaN or infinite" would puzzle
            limit = f"{np.finfo(X_cast.dtype).max:.1e}".replace("e+", "e")
            raise ValueError(f"{name} has values beyond {X_cast.dtype.name}'s range (about "
                             f"{limit}); {beyond}")
        raise ValueError(f"{name} contains NaN or infinite values")
    return X_cast


def check_class_indices(y, n_classes: int | None, name: str = "training",
                        hint: str = "") -> None:
    """ValueError unless ``y`` holds the labels `train` takes: 1-D class indices from 0 to
    ``n_classes - 1`` (from 0 only, when None). ``hint`` ends a range error's message."""
    y = np.asarray(y)
    if y.dtype.kind not in "biuf":  # strings: NetClassifier maps labels, train takes indices
        raise ValueError(f"{name} labels must be class indices, got dtype {y.dtype} "
                         "(NetClassifier takes labels of any kind)")
    if y.ndim != 1 or (y.dtype.kind == "f" and np.any(np.mod(y, 1) != 0)):
        raise ValueError(f"{name} labels must be class indices 0..k-1 (1-D integers)")
    if y.size and (y.min() < 0 or n_classes is not None and y.max() >= n_classes):
        top = "k-1" if n_classes is None else n_classes - 1
        raise ValueError(f"{name} labels must lie in 0..{top}, got {y.min()}..{y.max()}"
                         f"{hint}")


def check_training_data(net, cfg, X, y, name: str = "training", sample_weight=None,
                        loss_weights: bool = True):
    """Validated ``(X, T, w)``: features, head-encoded targets, per-sample loss weights.

    ``w`` is None, or the class weights of the labels times ``sample_weight`` rescaled
    to mean 1 (only the ratios of sample weights matter; the learning rate keeps its
    meaning); always None with ``loss_weights=False`` (data scored unweighted).
    """
    X = check_features(X, net.sizes[0], net.dtype, name=f"{name} X")
    y = np.asarray(y)
    if len(y) != len(X):
        raise ValueError(f"{name} labels have length {len(y)}, X has {len(X)} samples")
    sw = (None if sample_weight is None else
          _relative_weights(sample_weight, len(X), name).astype(net.dtype))
    head = net._head
    n_out = net.sizes[-1]
    w = None
    if head.classifier:
        n_classes = 2 if head.name == "binary" else n_out
        check_class_indices(y, n_classes, name)
        if cfg.class_weight is not None:
            if len(cfg.class_weight) != n_classes:
                raise ValueError(f"class_weight needs {n_classes} values, "
                                 f"got {len(cfg.class_weight)}")
            if loss_weights:
                w = np.asarray(cfg.class_weight, dtype=net.dtype)[y.astype(np.intp)]
    else:
        if y.dtype.kind not in "biuf":
            raise ValueError(f"{name} targets must be numbers, got dtype {y.dtype}")
        if cfg.class_weight is not None:  # it was ignored without a word
            raise ValueError("class_weight weighs classes: it applies to binary and "
                             f"multiclass heads, not {head.name}")
        if not np.all(np.isfinite(y)):
            raise ValueError(f"{name} targets contain NaN or infinite values")
        columns = y.shape[1] if y.ndim == 2 else 1 if y.ndim == 1 else None
        if columns != n_out:
            raise ValueError(f"{name} targets have shape {y.shape}, the net has {n_out} "
                             f"output{'s' if n_out != 1 else ''}")
    with np.errstate(over="ignore"):  # float64 targets beyond float32's range: named below
        T = head.encode(y, n_out, net.dtype)
    if not head.classifier and not np.isfinite(T).all():  # finite until the cast
        limit = f"{np.finfo(T.dtype).max:.1e}".replace("e+", "e")
        raise ValueError(f"{name} targets have values beyond {T.dtype.name}'s range (about "
                         f"{limit}); fit with dtype='float64'")
    if sw is not None:
        w = sw if w is None else w * sw
    if w is not None and not np.any(w > 0):  # every step would be a no-op, loss 0
        what = ("class_weight is zero for every class in the labels" if sw is None else
                "sample_weight times class_weight is zero for every sample")
        raise ValueError(f"{name} {what}: none would count")
    return X, T, w


def check_config_describes(cfg, net) -> None:
    """ValueError unless ``cfg``'s architecture, head and dtype are the net's: train reads
    none of them, and a model saved with ``config=cfg`` described another net."""
    acts = tuple(a if isinstance(a, str) else a.name for a in cfg.activation)
    arch = "-".join(map(str, net.sizes))
    wrong = [f"{name} {mine!r} (the net's {theirs!r})" for name, mine, theirs, differ in (
        ("hidden", cfg.hidden, net.sizes[1:-1], cfg.hidden != net.sizes[1:-1]),
        ("activation", acts, net.activations, acts != net.activations),
        ("head", cfg.head, net.head, cfg.head not in ("auto", net.head)),
        ("dtype", cfg.dtype, net.dtype.name, cfg.dtype != net.dtype.name),
        ("batch_norm", cfg.batch_norm, net.batch_norm, cfg.batch_norm != net.batch_norm))
        if differ]
    if wrong:
        raise ValueError(f"cfg does not describe the net {arch}: {'; '.join(wrong)}; build the "
                         "net from cfg with nets.build_net(cfg, n_features, y, rng=...), or "
                         "give the net's own settings")


def _relative_weights(sample_weight, n: int, name: str) -> np.ndarray:
    """Non-negative finite weights, one per sample (or one for all), rescaled to mean 1."""
    try:
        sw = np.asarray(sample_weight, dtype=np.float64)
    except (TypeError, ValueError):  # "could not convert string to float" named no argument
        raise ValueError(f"{name} sample_weight must be numbers") from None
    if sw.ndim == 0:  # one number for every sample, as scikit-learn allows
        sw = np.full(n, sw)
    if sw.ndim != 1:  # a (n, 1) column: the resampler hint below misled
        raise ValueError(f"{name} sample_weight must be one number or one-dimensional, one "
                         f"weight per row, got shape {sw.shape}")
    if sw.shape != (n,):
        # a sampler before the net in a pipeline changes the rows it trains on, and
        # imbalanced-learn passes fit parameters on as they were: 600 weights met 668 rows
        raise ValueError(f"{name} sample_weight must have shape ({n},), got {sw.shape} (one "
                         "weight per row the net trains on: after a resampler in a pipeline, "
                         "weights given per input row cannot follow; use class_weight)")
    if not np.all(np.isfinite(sw)) or np.any(sw < 0):
        raise ValueError(f"{name} sample_weight must be finite and non-negative")
    top = sw.max()
    if top <= 0:
        raise ValueError(f"{name} sample_weight is zero for every sample: none would count")
    sw = sw / top  # first, so that the sum of huge weights cannot overflow (nor n / tiny)
    return sw * (n / sw.sum())


def refuse_beyond_memory(n_parameters: int, dtype, copies: int, what: str) -> None:
    """Refuse ``copies`` of ``n_parameters`` values that exceed the machine's memory.

    NumPy's zeros are lazy: a net far too large was allocated, then killed mid-way through
    drawing its weights (exit 137, no message), or swapped for minutes.
    """
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # no sysconf (Windows): no check
        return
    need = copies * n_parameters * np.dtype(dtype).itemsize
    if memory > 0 and need > memory:
        raise ValueError(f"a net of {n_parameters:,} parameters needs {need / 2**30:.3g} GiB "
                         f"for {what}; this machine has {memory / 2**30:.3g} GiB of memory: "
                         "use narrower layers")
