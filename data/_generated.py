"""Generated datasets with the course's shapes, deterministic given a Generator.

Each builder takes a `numpy.random.Generator` and keyword options (the ``NAME?key=value``
options of `load`) and returns a raw `Source`; splitting and scaling happen in `load`.
"""

from __future__ import annotations

import numpy as np

from ._dataset import DataError, Source

_XY = ("x1", "x2")


def _check_sizes(n_train: int, n_test: int, minimum: int) -> None:
    if n_train < minimum or n_test < minimum:
        raise DataError(f"n_train and n_test must be at least {minimum}, "
                        f"got {n_train} and {n_test}")


def _split_counts(n: int, k: int) -> list[int]:
    """n examples shared by k classes as evenly as possible."""
    return [n // k + (1 if c < n % k else 0) for c in range(k)]


def xor(rng: np.random.Generator) -> Source:
    """The four XOR points; validation and test are the training set (no randomness)."""
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    y = np.array([0, 1, 1, 0], dtype=np.int64)
    return Source(X, y, X.copy(), y.copy(), "classification", _XY, fixed_splits=True)


def double_arc(rng: np.random.Generator, n_train: int = 400, n_test: int = 100,
               noise: float = 0.125, shift: float = 0.65) -> Source:
    """Two noisy arcs: class 0 is (x, sin x + noise), class 1 the same shifted up.

    x ~ U[0, pi], noise ~ U(-noise, noise); half of each split per class.
    """
    _check_sizes(n_train, n_test, 2)

    def arcs(n: int) -> tuple[np.ndarray, np.ndarray]:
        parts, labels = [], []
        for label, count in enumerate(_split_counts(n, 2)):
            x = rng.uniform(0.0, np.pi, count)
            y = np.sin(x) + rng.uniform(-noise, noise, count) + label * shift
            parts.append(np.column_stack([x, y]))
            labels.append(np.full(count, label, dtype=np.int64))
        return np.concatenate(parts), np.concatenate(labels)

    X, y = arcs(n_train)
    X_test, y_test = arcs(n_test)
    return Source(X, y, X_test, y_test, "classification", _XY)


def coin(rng: np.random.Generator, n_train: int = 1000, n_test: int = 500) -> Source:
    """The "coin with a square hole": points in [-0.5, 0.5)^2 labelled 1 inside the square
    |x1|, |x2| < 0.2, 2 inside the circle r < 0.45 but outside the square, 3 outside
    (about 16 / 48 / 36 % by area)."""
    _check_sizes(n_train, n_test, 3)

    def points(n: int) -> tuple[np.ndarray, np.ndarray]:
        X = rng.uniform(-0.5, 0.5, (n, 2))
        square = np.all(np.abs(X) < 0.2, axis=1)
        circle = np.hypot(X[:, 0], X[:, 1]) < 0.45
        y = np.where(square, 1, np.where(circle, 2, 3)).astype(np.int64)
        return X, y

    X, y = points(n_train)
    X_test, y_test = points(n_test)
    return Source(X, y, X_test, y_test, "classification", _XY)


def _fit_curve(rng, f, n_train: int, n_test: int, noise: float) -> Source:
    # Noisy training targets, clean test targets: the test set measures the fit itself.
    _check_sizes(n_train, n_test, 2)
    x = rng.uniform(0.0, 1.0, n_train)
    y = f(x) + rng.uniform(-noise, noise, n_train)
    x_test = rng.uniform(0.0, 1.0, n_test)
    return Source(x.reshape(-1, 1), y, x_test.reshape(-1, 1), f(x_test), "regression", ("x",),
                  info={"clean_test_targets": noise > 0})


def sine(rng: np.random.Generator, n_train: int = 500, n_test: int = 100,
         noise: float = 0.1) -> Source:
    """Regression warm-up y = sin(2 pi x), x ~ U[0, 1); noise ~ U(-noise, noise) on train."""
    return _fit_curve(rng, lambda x: np.sin(2 * np.pi * x), n_train, n_test, noise)


def curve(rng: np.random.Generator, n_train: int = 1000, n_test: int = 200,
          noise: float = 0.1) -> Source:
    """Regression warm-up y = 0.4x^2 + 0.3x sin(15x) + 0.01 cos(50x) - 0.3, x ~ U[0, 1)."""
    def f(x):
        return 0.4 * x**2 + 0.3 * x * np.sin(15 * x) + 0.01 * np.cos(50 * x) - 0.3

    return _fit_curve(rng, f, n_train, n_test, noise)


def spirals(rng: np.random.Generator, classes: int = 3, n_train: int = 900,
            n_test: int = 300, noise: float = 0.2, turns: float = 0.75) -> Source:
    """k interleaved spiral arms in [-1, 1]^2 (class c starts at angle 2 pi c / k).

    ``noise`` is the standard deviation of the angle in radians; ``turns`` how far each
    arm winds.
    """
    if not 2 <= classes <= 20:
        raise DataError(f"spirals needs 2 to 20 classes, got {classes}")
    _check_sizes(n_train, n_test, classes)

    def arms(n: int) -> tuple[np.ndarray, np.ndarray]:
        parts, labels = [], []
        for c, count in enumerate(_split_counts(n, classes)):
            r = rng.uniform(0.05, 1.0, count)
            theta = 2 * np.pi * (c / classes + turns * r) + rng.normal(0.0, noise, count)
            parts.append(np.column_stack([r * np.cos(theta), r * np.sin(theta)]))
            labels.append(np.full(count, c, dtype=np.int64))
        return np.concatenate(parts), np.concatenate(labels)

    X, y = arms(n_train)
    X_test, y_test = arms(n_test)
    return Source(X, y, X_test, y_test, "classification", _XY)


def _sklearn_seed(rng: np.random.Generator) -> int:
    # scikit-learn's generators take an int seed, drawn from our Generator.
    return int(rng.integers(2**31))


def moons(rng: np.random.Generator, n_train: int = 1000, n_test: int = 500,
          noise: float = 0.1) -> Source:
    """scikit-learn's two interleaved half circles (`sklearn.datasets.make_moons`)."""
    from sklearn.datasets import make_moons  # ~1 s to import: only when asked for

    _check_sizes(n_train, n_test, 2)
    X, y = make_moons(n_train, noise=noise, random_state=_sklearn_seed(rng))
    X_test, y_test = make_moons(n_test, noise=noise, random_state=_sklearn_seed(rng))
    return Source(X, y.astype(np.int64), X_test, y_test.astype(np.int64), "classification",
                  _XY)


def circles(rng: np.random.Generator, n_train: int = 1000, n_test: int = 500,
            noise: float = 0.05, factor: float = 0.5) -> Source:
    """scikit-learn's two concentric circles (`sklearn.datasets.make_circles`)."""
    from sklearn.datasets import make_circles  # ~1 s to import: only when asked for

    _check_sizes(n_train, n_test, 2)
    if not 0 < factor < 1:
        raise DataError(f"circles needs 0 < factor < 1, got {factor}")
    X, y = make_circles(n_train, noise=noise, factor=factor, random_state=_sklearn_seed(rng))
    X_test, y_test = make_circles(n_test, noise=noise, factor=factor,
                                  random_state=_sklearn_seed(rng))
    return Source(X, y.astype(np.int64), X_test, y_test.astype(np.int64), "classification",
                  _XY)
