"""The imbalance benchmark's data: one binary variant per (ratio, seed), loaded by reference.

A run's task names its variant (`Variant`) instead of carrying its arrays; the process
that runs it loads it through `held_variant`, which keeps one dataset per process
(`analyses._held`) and drops it before loading another. Neither the benchmark's process
nor a worker ever holds two (MNIST at 1:50: about 200 MB each).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nets import filtered_warnings

from ._held import held_dataset

#: Ratio label for "the data's own class balance" (no subsampling).
OWN = "own"


@dataclass(frozen=True)
class Variant:
    """What `load_variant` needs to load one variant: a task carries this, not the data."""

    dataset: str  # paths made absolute: a worker keeps the folder it started in
    ratio: str
    positive: Any
    seed: int  # the data seed


def load_variant(dataset: str, ratio: str, positive, seed: int):
    """The binary dataset of one ratio and seed, checked for enough positives per split.

    Parameters
    ----------
    dataset : str
        A name `data.load` takes.
    ratio : str
        ``"1:50"`` (positives:negatives), or `OWN`: the data as it is.
    positive : optional
        The positive class of multi-class data (one-vs-rest).
    seed : int
        The data's seed (split and subsample).

    Returns
    -------
    data.Dataset

    Raises
    ------
    ValueError
        Multi-class data without a positive class, regression data, a ratio leaving
        fewer than 2 training positives, no validation positive, a test set of one class.
    """
    import data

    kwargs = {"seed": seed, "positive": positive}
    if ratio != OWN:
        kwargs["imbalance"] = ratio
    try:
        # a split without positives is refused below
        with filtered_warnings(("ignore", data.DataWarning)):
            ds = data.load(dataset, **kwargs)
    except data.DataError:
        if positive is None and ratio != OWN:  # say what to do on multi-class data
            whole = data.load(dataset, seed=seed)
            _require_binary(whole, dataset)
            # and on binary data whose majority the ratio could not make scarce
            if whole.info.get("positive") is None:
                _check_split_minority(whole, _before(dataset, ratio))
        raise
    _require_binary(ds, dataset)
    if ratio != OWN and ds.info.get("positive") is None:  # (none given, nor in the name)
        # the default positive (the second label) judged on the data as it is: subsampling
        # the real majority to the ratio ("normal" of 900 normal, 30 abnormal rows) studied
        # the wrong class unsaid, where the data's own balance is refused with this hint
        source = ds.info["imbalance"]["source"]
        _check_minority(ds.classes, source["positive"], sum(source.values()),
                        _before(dataset, ratio))
    where = f"{dataset} at ratio {ratio}" if ratio != OWN else f"{dataset} at its own balance"
    # at the data's own balance no ratio is milder: more positive rows are the remedy
    milder = "a milder ratio" if ratio != OWN else "data with more positive examples"
    n_train, n_val = int(ds.y_train.sum()), int(ds.y_val.sum())
    # judged on the whole set, not this seed's split: a balanced one split 11:10 was told to
    # pass the other class, which the next split called the majority in turn
    _check_split_minority(ds, where)
    if n_train < 2:
        raise ValueError(f"{where} leaves {n_train} positive training example(s); "
                         f"needs at least 2: use {milder}")
    n_test = int(ds.y_test.sum())
    if n_test < 1:  # every score would be undefined
        raise ValueError(f"{where} leaves no positive example in the test set, so nothing "
                         f"can be scored: use another test file or {milder}")
    if n_test == len(ds.y_test):  # ROC/PR AUC and balanced accuracy need both classes
        raise ValueError(f"{where} leaves no negative example in the test set, so nothing "
                         "can be scored: use another test file")
    if n_val < 1:
        raise ValueError(f"{where} leaves no positive example in the validation split, so "
                         f"no threshold can be tuned: use {milder}")
    return ds


#: How far (relative) the test set's negatives per positive may stray from a ratio's
#: before the ratio is said with the counts it produced: rounding down both sides' counts
#: made moons at 1:100 a test set of 2:250 (1:125) and digits' 8 at 1:50 one of 6:325.
PRODUCED_RATIO_TOLERANCE = 0.05


def produced_ratio(ratio: str, test_counts) -> str:
    """``" (test 2:250, 1:125)"``: the class counts ``ratio`` produced in the test set,
    where they are noticeably more or less imbalanced than it says (more than
    `PRODUCED_RATIO_TOLERANCE` apart), else ``""`` (and at `OWN`, which states none).

    ``test_counts``: (positives, negatives) per seed; seeds that differ are said as the
    range of their ratios.
    """
    import data

    if ratio == OWN:
        return ""
    pos, neg = data.parse_ratio(ratio)
    wanted = float(neg / pos)
    counts = sorted({(int(p), int(n)) for p, n in test_counts if p > 0})
    got = [n / p for p, n in counts]
    if all(abs(g - wanted) <= PRODUCED_RATIO_TOLERANCE * wanted for g in got):
        return ""
    if len(counts) == 1:
        (p, n), = counts
        return f" (test {p}:{n}, 1:{n / p:.3g})"
    return f" (test 1:{min(got):.3g} to 1:{max(got):.3g} over the seeds)"


def _before(dataset: str, ratio: str) -> str:
    return (f"{dataset} (before the ratio {ratio}; name the positive class to make it scarce "
            "on purpose)")


def _check_minority(classes, n_pos: int, n_all: int, where: str) -> None:
    """ValueError when the positive class (``classes[1]``, ``n_pos`` of ``n_all``
    examples) is the majority."""
    if 2 * n_pos > n_all:  # the remedies would treat the other class
        other = classes[0]
        hint = ("choose a scarcer class" if other == f"not {classes[1]}" else
                f"the minority is {other!r}: pass it as the positive class")
        raise ValueError(f"{where}: the positive class {classes[1]!r} is the majority "
                         f"({n_pos} of {n_all} examples); the benchmark studies a scarce "
                         f"positive class: {hint}")


def _check_split_minority(ds, where: str) -> None:
    """`_check_minority` over every split of binary ``ds``."""
    parts = (ds.y_train, ds.y_val, ds.y_test)
    _check_minority(ds.classes, sum(int(y.sum()) for y in parts), sum(len(y) for y in parts),
                    where)


def _require_binary(ds, name: str) -> None:
    if ds.task == "multiclass":
        raise ValueError(f"{name} has {ds.n_classes} classes: choose the positive class "
                         f"(positive=K, one of {', '.join(map(str, ds.classes))}) for a "
                         "one-vs-rest task")
    if ds.task != "binary":
        raise ValueError(f"{name} is a {ds.task} dataset; the imbalance benchmark needs "
                         "classification data")


def held_variant(variant: Variant):
    """``variant``'s dataset through `held_dataset`: loaded unless it is the one held
    (and its files unchanged), the held one dropped first."""
    return held_dataset(("variant", variant), variant.dataset,
                        lambda: load_variant(variant.dataset, variant.ratio, variant.positive,
                                             variant.seed))
