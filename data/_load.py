"""`load`: a dataset name -> validated, split, normalized `Dataset`.

Order: build the raw arrays -> validate -> hold out a test set if the source has none ->
encode labels -> one-vs-rest (``positive``) -> imbalance (train pool and test set
separately) -> validation hold-out -> ``train_size`` rows of the training part -> scaling
fitted on the training part (or on everything with ``merge_scaling``). Four independent
random streams come from the seed (generation, splits, imbalance, training subset), so
changing ``val_fraction`` never changes the data, nor ``train_size`` the held-out sets.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ._array_checks import (
    check_arrays,
    check_fit,
    check_float32,
    warn_constant,
    warn_missing_classes,
    warn_scaled_past_training,
    where_in_source,
)
from ._dataset import DataError, Dataset
from ._files import MAX_CLASSES
from ._idx import warn_label_gaps
from ._imbalance import (
    one_vs_rest,
    parse_ratio,
    positive_index,
    same_label,
    same_ratio,
    subsample,
)
from ._labels import encode_labels, test_holdout
from ._load_options import (
    VAL_FRACTION,
    check_seed,
    check_val_fraction,
    flag,
    full_name,
    is_whole,
    name_val_fraction,
    named,
    once,
)
from ._registry import COMMON_OPTIONS, build_source, kind_of, parse_name
from ._split import SCALINGS, TEST_FRACTION, apply_scaler, fit_scaler, fit_target, holdout
from ._test_rows import check_test_rows
from ._train_size import check_train_size, fewer_rows

# A split of a target with this many distinct values or fewer failed for want of rows: it
# is not hinted to be a count to predict as a number (0/1 is no count).
_FEW_VALUES = 10


def _hold_nothing_out(src, name: str, key: str, arg) -> None:
    """``holdout=no``: validate and test on the training rows, as xor does (the course's
    XOR as a file: 4 rows hold no split out), asked for knowingly."""
    kind = kind_of(key, arg)
    if kind != "file":  # each said as it is: digits holds both sets out of one pool
        how = ("validates and tests on its training rows already" if src.fixed_splits else
               "generates a test set of its own" if kind == "generated" else
               "has a test set of its own (its t10k files)" if src.X_test is not None else
               f"is large enough to hold its test set out ({TEST_FRACTION:g} of its rows)")
        raise DataError(f"{name}: holdout=no is for a file set too small to split; {key} "
                        f"{how}")
    if src.X_test is not None:
        # an IDX folder's test set is its t10k files: no training file to give alone
        mend = ("an IDX folder's t10k files are its test set" if key == "idx" else
                "this set has a test file of its own; give the training file alone")
        raise DataError(f"{name}: holdout=no validates and tests on the training rows, and "
                        f"{mend}")
    src.X_test, src.y_test, src.fixed_splits = src.X.copy(), src.y.copy(), True


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


def _counts(y: np.ndarray) -> dict:
    return {"positive": int((y == 1).sum()), "negative": int((y == 0).sum())}


def load(name: str, *, seed: int = 0, scaling: str | None = None,
         merge_scaling: bool | None = None,
         val_fraction: float | None = None, target: str | None = None, imbalance: str | None = None,
         positive=None, data_dir: str | Path | None = None,
         train_size: int | None = None) -> Dataset:
    """Load a dataset by name, split and normalized.

    Parameters
    ----------
    name : str
        A name from `list_datasets` (``"coin"``), with options (``"spirals?classes=5"``,
        ``"digits?imbalance=1:50&positive=8"``, ``"double-arc?merge_scaling=1"``), or a
        path form: ``"idx:DIR"``, ``"npz:PATH[,PATH_TEST]"``, ``"csv:PATH[,PATH_TEST]"``
        (options ``task=``, and for CSV ``header=yes|no`` and ``ignore=COL,...``, the
        columns that are no features, only in the name).
        ``scaling``, ``merge_scaling``, ``imbalance``, ``positive``, ``train_size`` and
        ``val_fraction`` may be given in the name or as arguments (the name of the
        returned set holds them either way, but for a default's value: loading that name
        alone gives the same data).
    seed : int
        Drives generation, shuffling and subsampling; same seed, same arrays bit for bit.
    scaling : {"minmax", "standard", "none"}, default "minmax"
        Feature scaling, fitted on the training part. Images are scaled as a whole
        (minmax: x / 255, digits x / 16). Regression targets are min-max scaled
        (unless "none").
    merge_scaling : bool, default False
        Fit the scaling on train, validation and test merged (the course's way).
    val_fraction : float, default 0.1
        Share of the training pool held out as validation, stratified for
        classification (ignored by ``xor``, whose validation and test sets are its
        training set). Sources without a test set first lose 20 % to the test set.
    target : str, optional
        CSV target column (default: the last).
    imbalance : str, optional
        ``"P:N"`` positives to negatives, applied to the training pool and to the test
        set separately.
    positive : optional
        The positive class label; on a multi-class set it makes a one-vs-rest binary task.
    data_dir : str or Path, optional
        Folder of downloaded datasets (default `data_home()`).
    train_size : int, optional
        Keep this many rows of the training part (stratified for classification), drawn
        after the validation and test sets are held out: those stay the whole set's.

    Returns
    -------
    Dataset

    Warns
    -----
    DataWarning
        A regression target, or every feature, constant in the training rows; test rows
        that are half or more training rows; a class of the training split that the
        validation or test split lacks; features
        that per-feature scaling leaves far outside the training split's range in those
        splits (constant in training: pixels not taken for images, which ``images=yes``
        or ``merge_scaling`` mend).

    Raises
    ------
    DataError
        Unknown name or option, missing file or folder, NaN/inf values, labels of the
        wrong length, a single class, a bad or too strict imbalance ratio.
    """
    if val_fraction is not None:
        val_fraction = check_val_fraction(val_fraction)
    seed = check_seed(seed)
    if is_whole(train_size):  # 30.0 rows are 30, and named so
        train_size = int(train_size)
    if merge_scaling is not None and not isinstance(merge_scaling, bool | np.bool_):
        # "no" is true to Python: it merged when asked not to (the name's words are text)
        raise DataError(f"merge_scaling must be True or False, got {merge_scaling!r}")
    key, arg, options = parse_name(name)
    # the defaults stay out of the name: "coin" and load("coin", scaling="minmax") are one
    name = full_name(name, options, target=target, imbalance=imbalance, positive=positive,
                      scaling=None if scaling == "minmax" else scaling,
                      merge_scaling=1 if merge_scaling else None, train_size=train_size,
                      # the split too: an analysis given the set records its name and seed
                      val_fraction=None if val_fraction == VAL_FRACTION else val_fraction)
    # every set's options, taken here; the rest are the set's own (build_source checks them)
    common = {k: options.pop(k, None) for k in COMMON_OPTIONS}
    # 1:10 and 1:10.0 are one ratio, 8 and 8.0 one class (as positive_index compares them)
    if common["imbalance"] is not None:  # the name's option, said so (not as --imbalance)
        parse_ratio(common["imbalance"], "option imbalance")
    if imbalance is not None:
        parse_ratio(imbalance)
    imbalance = once("imbalance", common["imbalance"], imbalance, same_ratio)
    positive = once("positive", common["positive"], positive, same_label)
    scaling = once("scaling", common["scaling"], scaling)
    scaling = "minmax" if scaling is None else scaling
    if scaling not in SCALINGS:
        raise DataError(f"unknown scaling {scaling!r}; valid: {', '.join(SCALINGS)}")
    merge_scaling = flag("merge_scaling", common["merge_scaling"], merge_scaling)
    val_fraction = once("val_fraction", name_val_fraction(common["val_fraction"]),
                         val_fraction, lambda a, b: a == b)
    val_fraction = VAL_FRACTION if val_fraction is None else val_fraction
    train_size = check_train_size(once("train_size", common["train_size"], train_size), name)
    if target is not None:
        if key != "csv":
            raise DataError("target applies to csv: datasets only")
        options["target"] = once("target", options.get("target"), target)
    # a fourth stream added later: spawn's first three children are the same
    gen_rng, split_rng, imb_rng, size_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence(int(seed)).spawn(4))
    src, typed = build_source(key, arg, options, gen_rng, data_dir)
    check_arrays(src, name, key)
    warn_constant(src, name)
    if common["holdout"] is not None and not flag("holdout", common["holdout"], None):
        _hold_nothing_out(src, name, key, arg)
    elif src.X_test is not None and kind_of(key, arg) != "generated":
        check_test_rows(src, name)  # a test file (IDX: t10k files) of training rows
    if key in ("idx", "mnist"):  # class indices by the format's use: 255 is a stray one
        warn_label_gaps(src, name)
    classify = src.task == "classification"
    # a few whole numbers count as class labels: a count or a price may be meant otherwise
    # (a CSV keeps codes as text: 007, +1)
    hint = ""
    if classify and typed.get("task") is None and key in ("csv", "npz"):
        import pandas as pd  # here: the generated and bundled sets load without it

        labels = pd.Series(src.y)
        if labels.nunique() > _FEW_VALUES and (src.y.dtype.kind in "uif" or key == "csv"
                and pd.to_numeric(labels, errors="coerce").notna().all()):
            hint = (f"; a target of at most {MAX_CLASSES} distinct whole numbers is read as "
                    "class labels: add ?task=regression to predict it as a number")
    if classify and not hint:  # a few labels are classes: the split failed for want of rows
        hint = "; add rows, or drop the classes with too few"
    if classify and src.y.dtype.kind == "f" and np.any(np.mod(src.y[np.isfinite(src.y)], 1)):
        hint = (f"; task=classification makes each of the target's {len(np.unique(src.y))} "
                "distinct values a class, and it has fractions: task=regression predicts it "
                "as a number")
    X, y, X_test, y_test = src.X, src.y, src.X_test, src.y_test
    # only these names hold the arrays now: the whole set is freed once it is split
    src.X = src.y = src.X_test = src.y_test = None
    # each split row's (file part, row) in the source, for an error to name its line
    rows = np.arange(len(X))
    rows_test = None if X_test is None else np.arange(len(X_test))
    # the source's own test part: a file's, or drawn apart by a generated set (its "file"
    # misled: sine has none)
    own_test = "generated" if kind_of(key, arg) == "generated" else "file"
    test_from = "train" if src.fixed_splits else own_test
    pool = ""  # the validation split's rows, as an error counts them
    if X_test is None:  # hold out the test set first, so it never sees training data
        kept, out = test_holdout(y, classify, positive, split_rng, hint, name)
        X, y, X_test, y_test = X[kept], y[kept], X[out], y[out]
        rows, rows_test = rows[kept], rows[out]
        test_from = f"held out {TEST_FRACTION:g}"
        pool = f" ({len(kept) + len(out)} less the test set's {len(out)})"

    classes: tuple = ()
    task = "regression"
    if classify:
        classes, y, y_test = encode_labels(y, y_test, name, positive)
        task = "binary" if len(classes) == 2 else "multiclass"
    elif positive is not None or imbalance is not None:
        raise DataError(f"{name}: positive and imbalance need a classification dataset")

    pos_label = None
    if positive is not None:
        with named(name):
            index = positive_index(classes, positive)
        pos_label = classes[index]
        y, y_test = one_vs_rest(y, index), one_vs_rest(y_test, index)
        classes = (f"not {pos_label}", pos_label) if len(classes) > 2 else \
            (classes[1 - index], pos_label)
        task = "binary"

    imbalance_info = subset = None
    if imbalance is not None:
        if task != "binary":
            raise DataError(f"{name}: imbalance on a multi-class set needs positive=CLASS "
                            "(one-vs-rest)")
        ratio = parse_ratio(imbalance)
        # the classes as the data has them (which is scarce before the ratio makes one so)
        source = _counts(np.concatenate([y, y_test]) if not src.fixed_splits else y)
        # a pair of files is named: which of them lacks a class (an IDX folder's are in it)
        files = src.info.get("files")
        pair = isinstance(files, list) and len(files) == 2
        with named(name):
            keep = subsample(y, ratio, imb_rng, positive=classes[1], where="the training pool"
                             + (f" ({files[0]})" if pair else ""))
            X, y, rows = X[keep], y[keep], rows[keep]
            if src.fixed_splits:
                X_test, y_test, rows_test = X, y, rows
            else:
                keep = subsample(y_test, ratio, imb_rng, positive=classes[1],
                                 where="the test set" + (f" ({files[1]})" if pair else ""))
                X_test, y_test, rows_test = X_test[keep], y_test[keep], rows_test[keep]
        imbalance_info = {"ratio": str(imbalance), "positive": classes[1],
                          "train_pool": _counts(y),
                          "test": _counts(y_test), "source": source}

    if src.fixed_splits:
        if train_size is not None:  # fewer rows would shrink its validation and test sets
            raise DataError(f"{name}: train_size needs a held-out validation and test set; "
                            f"{key} validates and tests on its training set")
        X_tr, y_tr, X_val, y_val, X_test, y_test = X, y, X, y, X, y
        source_rows = {"train": rows, "val": rows, "test": rows}
    else:
        kept, out = holdout(y, val_fraction, split_rng, stratify=classify, hint=hint,
                            names=classes if classify else None, source=name, pool=pool)
        X_tr, y_tr, X_val, y_val = X[kept], y[kept], X[out], y[out]
        source_rows = {"train": rows[kept], "val": rows[out], "test": rows_test}
        if train_size is not None:
            keep = fewer_rows(y_tr, train_size, size_rng, stratify=classify, name=name,
                              names=classes)
            subset = {"kept": train_size, "of": len(y_tr)}
            X_tr, y_tr, source_rows["train"] = X_tr[keep], y_tr[keep], source_rows["train"][keep]
        if classify:
            warn_missing_classes(name, classes, y_tr, {"validation": y_val, "test": y_test})
    del X, y  # the split copies are the only ones kept (MNIST: uint8 until scaled)

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
    # the part of the source a test row came from: the test file, if the source has one
    test_file = "test" if test_from == own_test else "train"
    for part in parts:
        def where(row: int, part=part) -> str:
            return where_in_source(src, key, test_file if part == "test" else "train", row)

        check_float32(name, scaling, part, "feature", parts[part], src.feature_names,
                       source_rows[part], where)
        check_float32(name, scaling, part, "target", targets[part].reshape(-1, 1),
                       target_name, source_rows[part], where)
    if pixel_max is None and scaling != "none" and not merge_scaling and not src.fixed_splits:
        warn_scaled_past_training(name, parts, src.feature_names, scaling=scaling,
                                  fix=_scaling_fix(name, key, typed))
    info = {
        "source": kind_of(key, arg), "dataset": key, "path": arg, "options": typed,
        "seed": int(seed), "scaling": scaling, "merge_scaling": bool(merge_scaling),
        "pixel_max": pixel_max, "pixel_min": pixel_min if pixel_max is not None else None,
        "val_fraction": None if src.fixed_splits else val_fraction,
        "test_from": test_from, "sizes": {"train": len(y_tr), "val": len(y_val),
                                          "test": len(y_test)},
        "positive": pos_label, "imbalance": imbalance_info, "train_size": subset,
        **src.info,
    }
    return Dataset(
        name=name, task=task,
        X_train=parts["train"], y_train=targets["train"], X_val=parts["val"],
        y_val=targets["val"], X_test=parts["test"], y_test=targets["test"], classes=classes,
        feature_names=tuple(src.feature_names), x_shift=x_shift, x_scale=x_scale,
        y_shift=float(y_shift), y_scale=float(y_scale), info=info,
    )
