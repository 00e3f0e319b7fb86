"""The data an analysis reads: the dataset it was given, checked; the seed it is split with;
what each run's task carries of it; and what the result keeps and shows of it.

Beside `analyses._backend`, which runs the tasks: these say what the tasks read.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import data
import nets

from ._checks import whole

_P = ParamSpec("_P")
_R = TypeVar("_R")


def check_dataset(dataset, *, by_name: bool = False):
    """``dataset`` if it is what an analysis takes: a dataset name, or (unless ``by_name``)
    a `data.Dataset`. Another type is a one-line TypeError, `nets.check_dataset`'s (a path:
    the name that loads its file); a blank name a ValueError."""
    if by_name and not isinstance(dataset, str):
        hint = (" (each ratio and seed loads its own sample of the named set)"
                if isinstance(dataset, data.Dataset) else
                f" (a file is named by its kind: {nets.loadable_name(dataset)!r})"
                if isinstance(dataset, os.PathLike) else "")
        raise TypeError(f"dataset must be a dataset name, got {type(dataset).__name__}{hint}")
    nets.check_dataset(dataset, name="dataset", or_name=True)
    if isinstance(dataset, str) and not dataset.strip():
        raise ValueError(f"dataset must be a dataset name, got {dataset!r}")
    if not isinstance(dataset, str | data.Dataset):  # a Dataset's fields on another type
        raise TypeError("dataset must be a dataset name or a loaded dataset (a data.Dataset), "
                        f"got {nets.got_type(dataset, data.Dataset)}")
    return dataset


def data_seeds(dataset, seed: int, data_seed) -> tuple[int, dict]:
    """The seed ``dataset`` is loaded with, and the seeds an analysis's settings record.

    A name is loaded with ``data_seed``, default ``seed``; a `data.Dataset` was split (a
    generated set drawn) with its own, ``info["seed"]``, which a ``data_seed`` given must
    match. The settings hold ``seed``, and ``data_seed`` where the data's differs from it:
    given back by name they load the same data (a Dataset split with seed 0 under seed 5
    was re-run on seed 5's split).
    """
    check_dataset(dataset)
    if data_seed is not None:
        data_seed = whole("data_seed", data_seed, 0)
    if isinstance(dataset, data.Dataset):
        own = dataset.info.get("seed")
        if data_seed is not None and data_seed != own:
            raise ValueError(f"data_seed {data_seed} is not the seed the data.Dataset given "
                             f"was split with ({own}); data_seed splits a dataset given by "
                             "name")
        used = own
    else:
        used = seed if data_seed is None else data_seed
    differs = used is not None and used != seed
    return (seed if used is None else used), {"seed": seed,
                                              **({"data_seed": used} if differs else {})}


def check_validation(ds: data.Dataset, name: str, reads: str) -> None:
    """A one-line ValueError when ``ds`` (shown as ``name``) has no validation rows
    (``val_fraction=0``), which the analysis reads: ``reads`` says what it reads there.
    The analyses that do: `capacity_sweep`, `scaling_study`, and `lr_range_test` with
    ``verify`` or ``val``; an empty split gave NumPy's "zero-size array to reduction"
    and "every reference run diverged" (NaN losses on no rows)."""
    if len(ds.y_val) == 0:
        raise ValueError(f"{name} has no validation rows (val_fraction=0): {reads}; load "
                         "it with a val_fraction above 0 (the default is 0.1)")


def data_ref(dataset, seed: int):
    """What a run's task carries of ``dataset``: ``(name, seed)`` with a file's path made
    absolute (pool workers keep the folder they started in, and read another folder's
    csv:d.csv after the caller's chdir), or the `data.Dataset` itself."""
    if isinstance(check_dataset(dataset), str):
        return data.absolute_name(dataset), seed
    return dataset


def data_record(ds: data.Dataset) -> dict:
    """What a result keeps of the data it read, for its run's config.json (the reports
    write it): ``fingerprint`` (a file may change under its name), ``summary`` and
    ``data_seed`` (the seed it was split, a generated set drawn, with)."""
    return {"fingerprint": ds.fingerprint(), "summary": ds.summary(),
            "data_seed": ds.info.get("seed")}


def shown_name(dataset, ds) -> str:
    """The name a result reports: as the caller gave it, not the tasks' absolute one
    (its report's folder and --json name it so), or a hand-built Dataset's own."""
    return dataset if isinstance(dataset, str) else ds.name


def releasing(cache) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Decorate an analysis so it empties ``cache`` (`analyses._held.held_dataset`) in this
    process when it returns or raises. Workers keep theirs (at most one dataset each, read
    again if its files change): loky's until joblib's idle timeout (300 s) ends them, a
    Dask cluster's until another dataset replaces it. Typed to keep the analysis's
    signature: a type checker saw it as taking and returning ``Any``."""

    def decorate(analysis: Callable[_P, _R]) -> Callable[_P, _R]:
        @functools.wraps(analysis)
        def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            try:
                return analysis(*args, **kwargs)
            finally:
                cache.cache_clear()

        return run

    return decorate
