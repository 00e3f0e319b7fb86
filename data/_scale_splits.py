"""The scaling of a set's three splits: fitted on the training split (or on all three
merged), applied to each, and refused where it overflows float64 or float32."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._array_checks import check_fit, check_float32, where_in_source
from ._split import apply_scaler, fit_scaler, fit_target


class Scaled(NamedTuple):
    """The scaled splits (``train``, ``val``, ``test``) and the scaling that made them."""

    parts: dict
    targets: dict
    x_shift: np.ndarray
    x_scale: np.ndarray
    y_shift: float
    y_scale: float
    pixel_max: float | None
    pixel_min: float


def scale_splits(src, name: str, key: str, scaling: str, merge_scaling: bool,
                 classify: bool, splits: dict, source_rows: dict, test_file: str) -> Scaled:
    """Fit the scaling and apply it to the features of ``splits`` (and to the targets of a
    regression set); a value past float64's or float32's range is refused by its row.

    Parameters
    ----------
    src : Source
        The source: its ``pixel_max``, ``images``, feature names and target.
    name : str
        The dataset's name, leading its errors.
    key : str
        The set's kind of name, for an error to say where a row is in its file.
    scaling : str
        A scaling of `SCALINGS`.
    merge_scaling : bool
        Fit on the three splits merged rather than on the training split.
    classify : bool
        Whether the targets are class indices (left unscaled, as int64).
    splits : dict of str to (ndarray, ndarray)
        ``train``, ``val`` and ``test``: each split's raw features and targets.
    source_rows : dict of str to ndarray
        Each split's rows in the source, for an error to name the row.
    test_file : str
        The source's part the test rows come from (``test``, or ``train`` when held out).

    Returns
    -------
    Scaled
    """
    (X_tr, y_tr), (X_val, y_val), (X_test, y_test) = (splits[p] for p in ("train", "val", "test"))
    fit_on = X_tr
    if merge_scaling and not (src.pixel_max is not None and scaling != "standard"):
        fit_on = np.concatenate([X_tr, X_val, X_test])
    pixel_max, pixel_min = src.pixel_max, 0.0
    if src.images and pixel_max is None:  # no known full scale: read it off the fitted part
        pixel_min, pixel_max = min(float(fit_on.min()), 0.0), float(fit_on.max())
        if pixel_max <= pixel_min:  # every pixel 0: scale 1, as a constant column's
            pixel_max = pixel_min + 1.0
    target_name = (src.info.get("target", "target"),)
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is refused below, by name
        x_shift, x_scale = fit_scaler(fit_on, scaling, pixel_max=pixel_max,
                                      pixel_min=pixel_min)
        check_fit(name, scaling, "feature", x_scale, src.feature_names)
        del fit_on
        y_shift, y_scale = 0.0, 1.0
        if not classify:
            y_fit = np.concatenate([y_tr, y_val, y_test]) if merge_scaling else y_tr
            y_shift, y_scale = fit_target(y_fit.astype(np.float64), scaling)
            check_fit(name, scaling, "target", np.array([y_scale]), target_name)

        def ys(v: np.ndarray) -> np.ndarray:
            if classify:
                return np.ascontiguousarray(v, dtype=np.int64)
            return ((v.astype(np.float64) - y_shift) / y_scale).astype(np.float32)

        parts = {part: apply_scaler(Xp, x_shift, x_scale)
                 for part, Xp in (("train", X_tr), ("val", X_val), ("test", X_test))}
        targets = {"train": ys(y_tr), "val": ys(y_val), "test": ys(y_test)}
    for part in parts:
        def where(row: int, part=part) -> str:
            return where_in_source(src, key, test_file if part == "test" else "train", row)

        check_float32(name, scaling, part, "feature", parts[part], src.feature_names,
                       source_rows[part], where)
        check_float32(name, scaling, part, "target", targets[part].reshape(-1, 1),
                       target_name, source_rows[part], where)
    return Scaled(parts, targets, x_shift, x_scale, y_shift, y_scale, pixel_max, pixel_min)


def _scaling_fix(name: str, key: str, typed: dict) -> str:
    """How to mend features that per-feature scaling blew up (`warn_scaled_past_training`):
    pixels of a file scaled together, or the scaling fitted on every split."""
    more = "&" if "?" in name else "?"
    merged = f"{more}merge_scaling=1 to fit the scaling on train, validation and test merged"
    # not detected from the values: a table of counts or 0/1 columns would be taken for
    # images, and a study created on the file would refuse its own data (the scaled arrays
    # are its fingerprint); images=no said they are no pixels
    if key in ("npz", "csv") and typed.get("images") != "no":
        return (f"if the features are pixels, add {more}images=yes to scale all features "
                f"together, or {merged}")
    return f"add {merged}"
