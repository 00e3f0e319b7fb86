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
    warn_constant,
    warn_missing_classes,
    warn_scaled_past_training,
)
from ._dataset import DataError, Dataset
from ._idx import warn_label_gaps
from ._imbalance import one_vs_rest, parse_ratio, positive_index, same_label, same_ratio
from ._imbalance_pools import imbalance_kept
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
from ._scale_splits import _scaling_fix, scale_splits
from ._split import SCALINGS, TEST_FRACTION, holdout
from ._split_hint import split_hint
from ._test_rows import check_test_rows
from ._train_size import check_train_size, fewer_rows


def _hold_nothing_out(src, name: str, key: str, arg) -> None:
    """``holdout=no``: validate and test on the training rows, as xor does (the course's
    XOR as a file: 4 rows hold no split out), asked for knowingly."""
    kind = kind_of(key, arg)
    # each said as it is: digits holds both sets out of one pool; a script's arrays may be
    # as small as XOR's
    if kind not in ("file", "script"):
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
    hint = split_hint(src, classify, typed, key)
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
        keep, keep_test, imbalance_info = imbalance_kept(name, imbalance, task, classes, src,
                                                         y, y_test, imb_rng)
        X, y, rows = X[keep], y[keep], rows[keep]
        if src.fixed_splits:
            X_test, y_test, rows_test = X, y, rows
        else:
            X_test, y_test, rows_test = X_test[keep_test], y_test[keep_test], rows_test[keep_test]

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

    # the part of the source a test row came from: the test file, if the source has one
    test_file = "test" if test_from == own_test else "train"
    scaled = scale_splits(src, name, key, scaling, merge_scaling, classify,
                          {"train": (X_tr, y_tr), "val": (X_val, y_val), "test": (X_test, y_test)},
                          source_rows, test_file)
    parts, targets, pixel_max = scaled.parts, scaled.targets, scaled.pixel_max
    if pixel_max is None and scaling != "none" and not merge_scaling and not src.fixed_splits:
        warn_scaled_past_training(name, parts, src.feature_names, scaling=scaling,
                                  fix=_scaling_fix(name, key, typed))
    info = {
        "source": kind_of(key, arg), "dataset": key, "path": arg, "options": typed,
        "seed": int(seed), "scaling": scaling, "merge_scaling": bool(merge_scaling),
        "pixel_max": pixel_max, "pixel_min": scaled.pixel_min if pixel_max is not None else None,
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
        feature_names=tuple(src.feature_names), x_shift=scaled.x_shift,
        x_scale=scaled.x_scale, y_shift=float(scaled.y_shift), y_scale=float(scaled.y_scale),
        info=info,
    )
