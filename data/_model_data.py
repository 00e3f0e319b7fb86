"""The data a saved model names in its meta (a plain dict: ``dataset``, ``data_seed``,
``data_fingerprint``): its split seed, its files, and whether a set loaded under its name
is still the data it was trained on."""

from __future__ import annotations

from pathlib import Path

from ._name_forms import canonical_name, source_paths


def model_data_seed(meta: dict) -> int:
    """The seed the model's dataset was split with: ``data_seed`` if saved, else the run's
    seed (a study trial's ``[study_seed, trial]`` split with ``study_seed``), else 0.

    Parameters
    ----------
    meta : dict
        A saved model's meta.

    Returns
    -------
    int
    """
    seed = meta.get("data_seed", meta.get("seed", 0))
    if isinstance(seed, list) and seed:
        seed = seed[0]
    return seed if isinstance(seed, int) and not isinstance(seed, bool) and seed >= 0 else 0


def model_data_paths(meta: dict) -> list[Path]:
    """The files of the dataset a model was trained on (its meta's name): an output must
    not replace them; none when the model names no dataset, or one hplab cannot parse.

    Parameters
    ----------
    meta : dict
        A saved model's meta.

    Returns
    -------
    list of Path
    """
    name = meta.get("dataset")
    if not isinstance(name, str) or not name:
        return []
    try:
        return source_paths(name)
    except ValueError:  # a name this version cannot read is no file to protect
        return []


def model_data_changed(meta: dict, ds, seed: int) -> bool | None:
    """Whether ``ds``, loaded as the model's own data (its name, its data seed), differs
    from the data it was trained on (by `Dataset.fingerprint`).

    Parameters
    ----------
    meta : dict
        A saved model's meta.
    ds : Dataset
        The set loaded.
    seed : int
        The seed ``ds`` was split with.

    Returns
    -------
    bool or None
        None when that cannot be told (a model saved without a fingerprint) or is no
        question (other data, another seed: not meant to be the held-out split).
    """
    recorded = meta.get("data_fingerprint")
    own = meta.get("dataset")
    if not isinstance(recorded, str) or not isinstance(own, str) or \
            seed != model_data_seed(meta):
        return None
    if canonical_name(ds.name) != canonical_name(own):
        return None
    return ds.fingerprint() != recorded
