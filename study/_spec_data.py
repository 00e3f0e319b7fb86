"""A spec against the dataset it names: what only the loaded data can tell (its task, the
number of classes a [fixed] setting must match), found before any storage is touched."""

from __future__ import annotations

import numpy as np

import data
import nets

from ._errors import SpecError
from ._registry import IMBALANCE_METRICS
from ._space_check import check_config_space
from ._space_parse import fixed_for_data
from ._spec import StudySpec


def check_binary(spec: StudySpec, dataset) -> None:
    """Accuracy needs classes, imbalance metrics and strategies binary data: SpecError
    naming the key if the dataset has not (before any trial trains to a NaN)."""
    accuracy = [m for m in spec.metrics if m in ("val_accuracy", "train_accuracy")]
    if accuracy and dataset.task == "regression":
        # QA: a spec leaving metric out was refused for a val_accuracy it never wrote
        written = "metric" in (spec.raw.get("study") or {})
        said = f"study.metric {accuracy[0]}" if written else \
            f"study.metric, left out, defaults to {accuracy[0]}, which"
        raise SpecError(f"{said} needs a classification dataset; {spec.dataset} is a "
                        "regression dataset (" + ("use val_loss)" if written else
                                                  "set metric = \"val_loss\" in [study])"))
    if not spec.imbalance:
        return
    used = [m for m in spec.metrics if m in IMBALANCE_METRICS]
    # the key as written: an error said "imbalance_strategy" for space.imbalance_strategy
    where = "space" if spec.space.get("imbalance_strategy") is not None else "fixed"
    key = f"study.metric {used[0]}" if used else f"{where}.imbalance_strategy"
    if dataset.task == "binary":
        # every trial's imbalance metrics (an objective's, or a strategy's records) need
        # both classes: ROC AUC has no value on one
        n_val, n_pos = len(dataset.y_val), int(dataset.y_val.sum())
        if n_val and not n_pos:
            # without ?imbalance= no ratio is milder: more positive rows are the remedy
            milder = "a milder ratio" if dataset.info.get("imbalance") else \
                "data with more positive examples"
            raise SpecError(f"{key} needs a positive example in the validation split; "
                            f"{spec.dataset} leaves none ({int(dataset.y_train.sum())} in "
                            f"training): use {milder}")
        if n_val and n_pos == n_val:
            n_neg = len(dataset.y_train) - int(dataset.y_train.sum())
            raise SpecError(f"{key} needs a negative example in the validation split; "
                            f"{spec.dataset} leaves none ({n_neg} in training): use data "
                            "with more negatives")
        return
    if dataset.task == "multiclass":
        # the name as given, its options kept (target=, scaling=...), and the classes as
        # a name writes them (R&D as R%26D)
        raise SpecError(f"{key} needs a binary dataset; {spec.dataset} has "
                        f"{dataset.n_classes} classes: choose a positive class for one "
                        f"against the rest (study.dataset = "
                        f"\"{data.with_options(spec.dataset, positive='K')}\", K one of "
                        f"{', '.join(map(data.option_text, dataset.classes))})")
    raise SpecError(f"{key} needs a binary dataset; {spec.dataset} is a {dataset.task} "
                    "dataset")


def check_sampling_ratio(spec: StudySpec, dataset) -> None:
    """SpecError if a strategy's sampler would have nothing to resample at the spec's
    lowest sampling ratio (the training split already that balanced): every such trial
    failed with imbalanced-learn's "Please increase the ratio"."""
    strategies, key, lowest, written = _lowest_ratio(spec)
    # a sampler's ratio is minority/majority whatever their labels (the pipeline counts
    # the minority as its positives): data whose positive class is the larger one, as
    # "digits?imbalance=20:1&positive=8", was refused "at any sampling ratio"
    y = (np.asarray(dataset.y_train) == 1).astype(np.int64)
    what = f"{spec.dataset}'s training split"
    if 2 * y.sum() > len(y):
        y = 1 - y
        what += f" (its minority class {dataset.classes[0]!r} counted as the positives)"
    for name in strategies:
        why = nets.nothing_to_resample(name, y, lowest, what, key)
        if why:
            raise SpecError((f"{key} {lowest:g} ({name})" if written else
                             f"the default sampling ratio {lowest:g} ({name}; {key} sets "
                             "another)") + f": {why}")


def _lowest_ratio(spec: StudySpec):
    """``(strategies, key, lowest, written)``: the spec's strategies, where its sampling
    ratio is set, the lowest one a trial can draw, and whether the spec gave one."""
    strategy, ratio = spec.space.get("imbalance_strategy"), spec.space.get("sampling_ratio")
    strategies = strategy.choices if strategy else (spec.fixed.get("imbalance_strategy"),)
    if ratio is not None:
        key, lowest = "space.sampling_ratio", min(ratio.candidates())
    elif "sampling_ratio" in spec.fixed:
        key, lowest = "fixed.sampling_ratio", spec.fixed["sampling_ratio"]
    else:  # not written: named as the default it is, and where to set another
        key, lowest = "fixed.sampling_ratio", nets.DEFAULT_SAMPLING_RATIO
    written = ratio is not None or "sampling_ratio" in spec.fixed
    return [s for s in strategies if s], key, lowest, written


def check_adasyn(spec: StudySpec, dataset) -> None:
    """SpecError if ADASYN generates no sample at the spec's lowest ratio. It spreads the
    few samples a ratio just above the data's asks for by each positive's share of
    majority neighbours, rounded: all 0 ("No samples will be generated"; or no positive
    has a majority neighbour), and every ADASYN trial failed. More samples (a higher
    ratio) only round up, so the lowest ratio decides for the whole range."""
    strategies, key, lowest, written = _lowest_ratio(spec)
    if not any(nets.STRATEGIES[s].label == "ADASYN" for s in strategies):
        return
    try:  # how many samples it makes does not hang on its seed, only where they land
        nets.STRATEGIES["adasyn"].sampler(lowest, 0).fit_resample(dataset.X_train,
                                                                 dataset.y_train)
    except (ValueError, RuntimeError) as exc:
        where = (f"{key} {lowest:g} (adasyn)" if written else
                 f"the default sampling ratio {lowest:g} (adasyn; {key} sets another)")
        raise SpecError(f"{where}: ADASYN cannot resample the training split "
                        f"there: {exc} Give a higher sampling ratio, or drop adasyn") from None


def check_neighbours(spec: StudySpec, dataset) -> None:
    """SpecError naming every strategy whose sampler cannot find its nearest neighbours in
    the training split (SMOTE's 5 need 6 minority samples): each such trial failed."""
    strategy = spec.space.get("imbalance_strategy")
    key = "space.imbalance_strategy" if strategy else "fixed.imbalance_strategy"
    strategies = strategy.choices if strategy else (spec.fixed.get("imbalance_strategy"),)
    bad, reasons = [], {}  # reasons by what the training split has: said once
    for name in filter(None, strategies):
        make = nets.STRATEGIES[name].sampler
        why = nets.too_few_for_neighbours(make(nets.DEFAULT_SAMPLING_RATIO, None),
                                          dataset.y_train, "the training split") \
            if make else ""
        if why:
            bad.append(name)
            has, needs = why.split("; ", 1)
            reasons.setdefault(has, []).append(needs)
    if bad:
        said = "; ".join(f"{has}: {', '.join(needs)}" for has, needs in reasons.items())
        raise SpecError(f"{key}: {', '.join(bad)} cannot run on {spec.dataset}: {said}; remove "
                        f"{'them' if len(bad) > 1 else 'it'} or use data with more positives")


def majority_positive(spec: StudySpec, dataset) -> str | None:
    """Why a metric of the positive class says little here, or None: the positive class
    (the second, as a CSV's "fraud"/"ok" sorts) is two thirds or more of the training
    split, so
    PR-AUC, precision, recall and F1 score the common class (PR-AUC near 1 whatever the
    net). Not refused: a study may mean it (`positive=` names the class)."""
    read = [m for m in spec.metrics
            if m in ("val_pr_auc", "val_precision", "val_recall", "val_f1")]
    if not read or dataset.task != "binary":
        return None
    n_pos, n = int(np.sum(np.asarray(dataset.y_train) == 1)), len(dataset.y_train)
    if 3 * n_pos < 2 * n:  # under 2:1, no imbalance to speak of: F1 of 55 % is a fine score
        return None
    said = (f"study.metric {read[0]} scores the positive class {dataset.classes[1]!r}, the "
            f"majority of {spec.dataset}'s training split ({n_pos} of {n} rows); ")
    if dataset.info.get("positive") is None:  # the other class can be named
        other = data.option_text(dataset.classes[0])
        return (said + "to score the rare class, name it: study.dataset = "
                f"\"{data.with_options(spec.dataset, positive=other)}\"")
    # one against the rest ("not 8" is no class to name): a ratio the other way round
    return (said + "make the rare class the positive one (imbalance=20:1 -> 1:20), or score "
            "both classes alike (val_roc_auc, val_balanced_accuracy, val_mcc)")


def check_validation(spec: StudySpec, dataset) -> None:
    """SpecError naming the metric if the study scores its trials on a validation split
    ``dataset`` has no rows in (``val_fraction=0``): every trial failed, the whole budget
    spent, with "objective val_accuracy has no finite value"."""
    read = [m for m in spec.metrics if m.startswith("val_")]
    if read and len(dataset.y_val) == 0:
        raise SpecError(f"study.metric {read[0]}: {spec.dataset} has no validation rows "
                        "(val_fraction=0), where every trial is scored; load it with a "
                        "val_fraction above 0 (the default is 0.1), or score a train_ metric")


def check_dataset(spec: StudySpec, dataset) -> None:
    """SpecError naming the key if ``dataset`` does not fit the spec: its task
    (`check_binary`), and every [fixed] setting and searched bound or choice as a trial
    trains with it (a class_weight per class, a head that takes the labels...)."""
    check_validation(spec, dataset)
    check_binary(spec, dataset)
    if "imbalance_strategy" in {*spec.space.names(), *spec.fixed}:
        check_sampling_ratio(spec, dataset)
        check_neighbours(spec, dataset)
        check_adasyn(spec, dataset)
        return  # a pipeline's NetClassifier takes no setting that depends on the labels
    check_config_space(spec.space, fixed_for_data(spec.fixed, dataset), spec.max_epochs,
                       fits=_trains_on(spec, dataset))


def _trains_on(spec: StudySpec, dataset):
    """``fits(cfg)``: raises ValueError unless ``cfg`` trains on ``dataset`` as a trial's
    does (the net built for the dataset, then trained to a checkpoint on one row of each
    class: the labels decide what fits, not their number)."""
    y = dataset.y_train
    rows = np.unique(y, return_index=True)[1] if dataset.task != "regression" else [0]
    X, y = dataset.X_train[rows], y[rows]

    def fits(cfg: nets.TrainConfig) -> None:
        try:
            net = nets.build_net(cfg, dataset.n_features, dataset.y_train,
                                 rng=np.random.default_rng(0),
                                 n_classes=dataset.n_classes or None, task=dataset.task)
            nets.train(net, cfg.replace(max_epochs=cfg.checkpoint), X, y, X, y,
                       rng=np.random.default_rng(0))
        except ValueError as exc:
            raise ValueError(f"{exc} (study.dataset {spec.dataset})") from None

    return fits
