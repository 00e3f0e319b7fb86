"""The record every command trains on (`Dataset`), the raw arrays it is built from
(`Source`), and the one error type for bad data (`DataError`)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np


class DataError(ValueError):
    """Bad dataset name, option, file or values; the message is one line naming the problem."""


class DataWarning(UserWarning):
    """Data that loads but cannot score everything (a split without a class), in one line."""


def cut(text: str, limit: int = 40) -> str:
    """``text`` as a message quotes a cell or a label: cut after ``limit`` characters (a
    number of 5,000 digits, a 200,000-character cell: the line stays one to read)."""
    return text if len(text) <= limit else text[:limit] + "..."


@dataclass
class Source:
    """Raw arrays of one dataset before splitting and scaling (internal).

    ``X_test`` is None when the source has no test set of its own: ``load`` holds one out.
    Images keep their stored dtype (uint8) until after the split, so the float32 copy is
    the only large one made.
    """

    X: np.ndarray
    y: np.ndarray
    X_test: np.ndarray | None
    y_test: np.ndarray | None
    task: str  # "classification" | "regression"
    feature_names: tuple[str, ...]
    pixel_max: float | None = None  # images: scaled as a whole by this, never per column
    images: bool = False  # scaled as a whole; without pixel_max, the train part gives it
    fixed_splits: bool = False  # xor: validation and test are the training set
    info: dict = field(default_factory=dict)


_CLASSES_SHOWN = 12  # a Dataset's repr lists at most this many class labels


def _plain(value):
    """A numpy scalar as the Python scalar JSON understands (integral floats as int)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@dataclass(frozen=True, eq=False)  # eq=False: arrays have no single truth value
class Dataset:
    """Normalized train / validation / test arrays of one named dataset.

    Attributes
    ----------
    name : str
        The name as given to `load`, with the options given to `load` as arguments
        folded in (a default's value left out): loading it alone with the same seed
        (``info["seed"]``) splits the same data the same way (``data_dir`` is no part of
        it: a downloaded set is looked for in `data_home`).
    task : str
        ``"binary"``, ``"multiclass"`` or ``"regression"``.
    X_train, y_train : ndarray
        The training split. X: float32, shape (n, d), normalized:
        ``(X_raw - x_shift) / x_scale``. A saved model's ``predict`` takes raw inputs (it
        scales them): score a split with ``nets.predict_dataset(model, ds)``, not
        ``model.predict(ds.X_test)``. y: classification, int64 class indices 0..k-1;
        regression, float32 targets scaled by ``(y_raw - y_shift) / y_scale``.
    X_val, y_val : ndarray
        The validation split, as the training one.
    X_test, y_test : ndarray
        The test split, as the training one.
    classes : tuple
        Original class labels in index order; ``()`` for regression.
    feature_names : tuple of str
        The input columns' names.
    x_shift, x_scale : ndarray
        float64, shape (d,); kept with saved models for inference.
    y_shift, y_scale : float
        Regression target scaling (0 and 1 otherwise).
    info : dict
        JSON-serializable provenance: source, sizes, scaling, seed, imbalance...;
        ``test_from``: where the test split comes from, ``"held out 0.2"`` of the set,
        its own test ``"file"``, ``"generated"`` apart by a generated set, or ``"train"``
        (the training set itself: xor); ``clean_test_targets``: True when only the
        training pool's targets carry noise (a generated curve's), see `test_targets_clean`.
    """

    name: str
    task: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    classes: tuple
    feature_names: tuple[str, ...]
    x_shift: np.ndarray
    x_scale: np.ndarray
    y_shift: float = 0.0
    y_scale: float = 1.0
    info: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        # the dataclass repr printed every array: 670 lines for coin under a notebook cell
        # (its own here: data imports nothing of nets, whose results are shown alike)
        classes = tuple(_plain(c) for c in self.classes)
        shapes = ", ".join(f"{split}={'x'.join(map(str, np.shape(X)))}" for split, X in (
            ("train", self.X_train), ("val", self.X_val), ("test", self.X_test)))
        shown = f"<{len(classes)} classes>" if len(classes) > _CLASSES_SHOWN else repr(classes)
        return f"Dataset(name={self.name!r}, task={self.task!r}, {shapes}, classes={shown})"

    @property
    def n_features(self) -> int:
        """Number of input features d."""
        return int(self.X_train.shape[1])

    @property
    def n_classes(self) -> int:
        """Number of classes k (0 for regression)."""
        return len(self.classes)

    @property
    def test_is_train(self) -> bool:
        """Whether the test (and validation) set is the training set itself (XOR's 4
        points): its scores are then no held-out ones."""
        return self.info.get("test_from") == "train"

    @property
    def test_targets_clean(self) -> bool:
        """Whether only the training pool's targets carry noise and the test targets are
        noise-free (a generated curve's: sine, curve), so the test loss has no noise floor
        and can sit below the training and validation losses."""
        return bool(self.info.get("clean_test_targets"))

    def inverse_y(self, y_norm) -> np.ndarray:
        """Raw targets from network outputs: de-scaled values for regression, the original
        class labels for class indices.

        Parameters
        ----------
        y_norm : array-like
            Net outputs: scaled regression values, or int class indices.
        """
        y = np.asarray(y_norm)
        if self.task == "regression":
            return y.astype(np.float64) * self.y_scale + self.y_shift
        return np.asarray(self.classes, dtype=object)[y.astype(np.int64)]

    def sizes(self) -> dict:
        """Number of examples per split: ``{"train": n, "val": n, "test": n}``."""
        return {"train": len(self.y_train), "val": len(self.y_val), "test": len(self.y_test)}

    def class_counts(self) -> dict | None:
        """Examples per class and split, in `classes` order: ``{"train": [n0, n1...],
        "val": [...], "test": [...]}``; None for regression."""
        if not self.n_classes:
            return None
        return {split: [int(n) for n in np.bincount(y, minlength=self.n_classes)]
                for split, y in (("train", self.y_train), ("val", self.y_val),
                                 ("test", self.y_test))}

    def fingerprint(self) -> str:
        """A short sha256 of what training reads: the six arrays, the classes, the task and
        the scaling. Two loads of the same data give the same; other data another (a copy
        under any path, with any name, gives the same)."""
        digest = hashlib.sha256(repr((self.task, [_plain(c) for c in self.classes],
                                      float(self.y_shift), float(self.y_scale))).encode())
        for a in (self.X_train, self.y_train, self.X_val, self.y_val, self.X_test,
                  self.y_test, self.x_shift, self.x_scale):
            a = np.ascontiguousarray(a)
            digest.update(f"{a.dtype.str}{a.shape}".encode())  # the bytes alone are ambiguous
            digest.update(a.data)
        return digest.hexdigest()[:16]

    def summary(self) -> dict:
        """A JSON-serializable description (no arrays but the scaling); ``y_shift`` and
        ``y_scale`` None for classification, whose targets are not scaled."""
        regression = self.task == "regression"
        return {
            "name": self.name,
            "task": self.task,
            "n_features": self.n_features,
            "n_classes": self.n_classes,
            "classes": [_plain(c) for c in self.classes],
            "sizes": self.sizes(),
            "y_shift": float(self.y_shift) if regression else None,
            "y_scale": float(self.y_scale) if regression else None,
            "info": self.info,
        }
