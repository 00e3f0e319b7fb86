"""scikit-learn's arguments to hplab's estimators (``random_state``, ``dtype``) turned into
what :mod:`nets` takes: two seeded generators, a dtype name."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.utils import check_random_state

from ._build import train_streams


def _generators(random_state) -> tuple[np.random.Generator, np.random.Generator]:
    """Independent (init, loop) generators from a scikit-learn ``random_state``.

    An int seeds a ``SeedSequence`` directly; a ``RandomState`` gives one draw (so a
    shared ``RandomState`` advances, as scikit-learn expects); a ``np.random.Generator``
    is drawn from the same way. None draws from fresh OS entropy, never NumPy's global
    ``RandomState`` (which scikit-learn's own estimators use for None): ``np.random.seed``
    elsewhere does not fix these fits, and a fit does not move that state.
    """
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        seed = int(random_state)
        if seed < 0:  # as scikit-learn's own estimators refuse it, by name
            raise ValueError(f"random_state must be a non-negative integer, None, a "
                             f"RandomState or a Generator, got {seed}")
    elif isinstance(random_state, np.random.Generator):
        seed = int(random_state.integers(2**63))
    elif random_state is None:
        seed = int(np.random.default_rng().integers(2**63))
    else:
        seed = int(check_random_state(random_state).randint(np.iinfo(np.int32).max))
    return train_streams(seed)


def _dtype_name(dtype):
    """"float32" or "float64" for anything ``np.dtype`` maps to them (np.float32, "f4",
    np.dtype("float64")), as scikit-learn users pass; anything else as given, for
    TrainConfig to refuse by name."""
    if dtype is None:  # np.dtype(None) is float64: a default nobody chose
        return dtype
    try:
        name = np.dtype(dtype).name
    except (TypeError, ValueError):
        return dtype
    return name if name in ("float32", "float64") else dtype
