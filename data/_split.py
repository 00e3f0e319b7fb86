"""Splitting (shuffled, stratified hold-outs) and scaling fitted on the training part."""

from __future__ import annotations

import math

import numpy as np

from ._dataset import DataError, cut

SCALINGS = ("minmax", "standard", "none")
# Share of the pool held out as the test set when a source ships no test set of its own.
TEST_FRACTION = 0.2
_CHUNK = 8192  # rows per float64 pass over large arrays (image statistics)
# bytes of float64 per pass of `apply_scaler`: 8192 rows of 784 pixels were a 51 MB copy
# beside the float64 splits and the float32 result, the peak of loading a 20,000-row CSV
_APPLY_BYTES = 4 << 20


_MESSAGE_CHARS = 300  # of a split's error passed on from scikit-learn

def holdout_sizes(n: int, fraction: float) -> tuple[int, int]:
    """(kept, held out) for a pool of n, rounding the hold-out up as scikit-learn does."""
    out = math.ceil(n * fraction) if fraction > 0 else 0
    return n - out, out


def holdout(y: np.ndarray, fraction: float, rng: np.random.Generator, *,
            stratify: bool, what: str = "validation", hint: str = "",
            names=None, source: str = "",
            pool: str = "") -> tuple[np.ndarray, np.ndarray]:
    """Shuffle indices 0..n-1 and hold out ``fraction`` of them.

    Parameters
    ----------
    y : ndarray
        Labels (stratified on when ``stratify``) or targets, shape (n,).
    fraction : float
        Share held out, 0 <= fraction < 1; 0 keeps everything (shuffled).
    rng : numpy.random.Generator
    stratify : bool
        Keep the class shares equal in both parts.
    hint : str
        Appended to the error when the split is impossible (what to try instead).
    names : sequence or ndarray, optional
        The class names (for the error): a sequence by index when ``y`` holds indices, or
        an array of each row's label as written (read only for the error).
    source : str, optional
        The dataset's name, leading the error (which set lacks the rows).
    pool : str, optional
        Where the n rows come from, after their count in the error (a pool an earlier
        hold-out left: the user counts the file's rows).

    Returns
    -------
    kept, held_out : ndarray
        int64 index arrays, both in shuffled order, disjoint.
    """
    n = len(y)
    if fraction <= 0:
        return rng.permutation(n), np.empty(0, dtype=np.int64)
    seed = int(rng.integers(2**31))
    try:
        from sklearn.model_selection import train_test_split  # lazy: slow to import

        kept, out = train_test_split(np.arange(n), test_size=fraction, random_state=seed,
                                     shuffle=True, stratify=y if stratify else None)
    except ValueError as exc:  # e.g. a class with a single example cannot be stratified
        text = (stratify and _why_not_stratified(y, fraction, names)) or " ".join(
            str(exc).split())
        if len(text) > _MESSAGE_CHARS:  # scikit-learn lists every class too small: 100 KB
            text = text[:text.rfind(" ", 0, _MESSAGE_CHARS)] + " ..."
        lead = f"{source}: " if source else ""
        raise DataError(f"{lead}cannot hold out {fraction:g} of {n} examples{pool} as {what}: "
                        f"{text}{hint}") from None
    return kept.astype(np.int64), out.astype(np.int64)


def _why_not_stratified(y: np.ndarray, fraction: float, names) -> str | None:
    """Why a stratified split of ``y`` is impossible, said with the class names
    (scikit-learn's message says "test_size" and lists class codes), or None."""
    values, counts = np.unique(y, return_counts=True)

    def named(v) -> str:
        if isinstance(names, np.ndarray):  # each row's label as written
            return str(names[np.argmax(y == v)])
        if names is not None:
            return str(names[int(v)])
        return f"{v:g}" if isinstance(v, float | np.floating) else str(v)

    # a label of 400 digits or words, cut: else the message's cut drops it whole
    alone = [cut(named(v)) for v in values[counts < 2]]
    if alone:
        listed = ", ".join(alone[:5]) + (", ..." if len(alone) > 5 else "")
        which = f"class {listed} has" if len(alone) == 1 else f"classes {listed} have"
        return f"{which} a single example (a stratified split needs two of each)"
    kept, out = holdout_sizes(len(y), fraction)
    side, size = ("held out", out) if out <= kept else ("kept", kept)
    if size < len(values):
        return (f"the {size} {side} cannot hold an example of each of the {len(values)} "
                "classes (a stratified split keeps every class on both sides)")
    return None


def _image_stats(X: np.ndarray) -> tuple[float, float]:
    """Mean and std over every pixel, in float64 chunks (no full float64 copy)."""
    total = total_sq = 0.0
    for start in range(0, len(X), _CHUNK):
        part = X[start:start + _CHUNK].astype(np.float64)
        total += part.sum()
        total_sq += np.square(part).sum()
    count = max(X.size, 1)
    mean = total / count
    return mean, math.sqrt(max(total_sq / count - mean * mean, 0.0))


def fit_scaler(X: np.ndarray, mode: str, *, pixel_max: float | None = None,
               pixel_min: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Fit ``X_norm = (X - shift) / scale`` on X.

    Parameters
    ----------
    X : ndarray
        (n, d) raw inputs the statistics come from (the training part, or everything
        when merged).
    mode : {"minmax", "standard", "none"}
    pixel_max : float, optional
        Set for images: one shift and scale for the whole image (minmax maps
        ``[pixel_min, pixel_max]`` to [0, 1]), so a pixel constant in train cannot blow up.
    pixel_min : float
        The low end of the images' range (0 unless they hold negative values).

    Returns
    -------
    shift, scale : ndarray
        float64, shape (d,).
    """
    d = X.shape[1]
    if mode not in SCALINGS:
        raise DataError(f"unknown scaling {mode!r}; valid: {', '.join(SCALINGS)}")
    if mode == "none":
        return np.zeros(d), np.ones(d)
    if pixel_max is not None:
        if mode == "minmax":
            shift, scale = pixel_min, float(pixel_max) - pixel_min
        else:
            shift, scale = _image_stats(X)
        return np.full(d, shift), np.full(d, scale if scale > 0 else 1.0)
    X64 = X.astype(np.float64, copy=False)
    if mode == "minmax":
        shift = X64.min(axis=0)
        scale = X64.max(axis=0) - shift
    else:
        shift = X64.mean(axis=0)
        var = X64.var(axis=0)
        scale = np.sqrt(var)
        # A constant 0.1 has a variance of rounding noise (1e-34), not 0: below this bound
        # (scikit-learn's _is_constant_feature, from Chan, Golub and LeVeque) a variance
        # cannot be told from 0. An overflowed (inf) one is left for load to refuse.
        eps, n = np.finfo(np.float64).eps, len(X64)
        constant = np.isfinite(var) & (var <= n * eps * var + (n * shift * eps) ** 2)
        scale = np.where(constant, 0.0, scale)
    # A constant column would divide by zero; scale 1 maps it to 0 instead.
    scale = np.where(scale > 0, scale, 1.0)
    return shift.astype(np.float64), scale.astype(np.float64)


def apply_scaler(X: np.ndarray, shift: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """``(X - shift) / scale`` as a new float32 array.

    Computed in float64 and rounded once to float32, a few MB at a time, so that only one
    large copy (the float32 result) is ever made. ``nets.SavedModel.normalize`` does the
    same arithmetic, so raw inputs scored by a saved model match these arrays bit for bit.
    """
    X = np.asarray(X)
    out = np.empty(X.shape, dtype=np.float32)
    # element by element: the rows per pass change no bit (image statistics' sums would)
    rows = max(1, _APPLY_BYTES // (8 * max(1, X[:1].size)))
    for start in range(0, len(X), rows):
        part = X[start:start + rows].astype(np.float64)
        part -= shift
        part /= scale
        out[start:start + rows] = part
    return out


def fit_target(y: np.ndarray, mode: str) -> tuple[float, float]:
    """Min-max scaling of regression targets (identity for ``mode="none"``)."""
    if mode == "none" or len(y) == 0:
        return 0.0, 1.0
    lo, hi = float(np.min(y)), float(np.max(y))
    return lo, (hi - lo) if hi > lo else 1.0
