"""Optuna's CMA-ES sampler, restoring its stored optimizer without running stored code.

Optuna's `CmaEsSampler` keeps its optimizer in the storage, pickled, in the
``cma:optimizer:N`` system attributes of a trial, and unpickles the latest one at every
trial (``_restore_optimizer``). Whoever can write the storage (the colleague who sent the
.db or journal file, anyone with write access to a shared database) could plant a pickle
there that runs code in the process of everyone who resumes or joins the study (security
review: ``os.system`` ran on ``hplab study run``). Here the pickle may name only what a
cmaes optimizer holds; anything else is no stored state: the sampler starts a new
optimizer, as for a study's first generation, and says so once.
"""

from __future__ import annotations

import io
import os
import pickle
import warnings

import optuna

import nets

# What pickling cmaes' CMA, SepCMA and CMAwM (with and without lr_adapt, before and after
# a tell; pickle protocols 3 to 5) names, found by pickling them: the classes, numpy's
# array, dtype and scalar reconstructors. Their random state is not pickled (cmaes drops
# `_rng` in __getstate__ and makes a new one), so numpy.random is not needed. numpy < 2
# wrote its reconstructors under numpy.core, which numpy 2 still reads.
ALLOWED = frozenset({
    ("cmaes._cma", "CMA"), ("cmaes._sepcma", "SepCMA"), ("cmaes._cmawm", "CMAwM"),
    ("numpy", "dtype"), ("numpy", "ndarray"),
    *((f"numpy.{core}.multiarray", name) for core in ("_core", "core")
      for name in ("_reconstruct", "scalar")),
    *((f"numpy.{core}.numeric", "_frombuffer") for core in ("_core", "core")),
})

# (trial number, stored text) already warned about in this process: each trial's sampler is
# a new one (TrialSeeded), and each reads the same refused state until a new one is stored
_WARNED: set[tuple[int, int]] = set()


class _Refused(Exception):
    """The stored state names something a cmaes optimizer does not hold."""


class _OptimizerUnpickler(pickle.Unpickler):
    """An unpickler that finds only the names in `ALLOWED`."""

    def find_class(self, module, name):
        if (module, name) not in ALLOWED:
            # escaped and cut: the names are the storage writer's text
            raise _Refused(f"it names {ascii(f'{module}.{name}')[1:-1]:.80}")
        return super().find_class(module, name)


def load_optimizer(text: str):
    """The cmaes optimizer pickled (as hex) in ``text``.

    Parameters
    ----------
    text : str
        The concatenated ``cma:optimizer:N`` attributes of a trial.

    Returns
    -------
    cmaes.CMA or cmaes.SepCMA or cmaes.CMAwM

    Raises
    ------
    ValueError
        When ``text`` is not such an optimizer, saying why; nothing but `ALLOWED` was
        looked up or called.
    """
    import cmaes

    try:
        optimizer = _OptimizerUnpickler(io.BytesIO(bytes.fromhex(text))).load()
    except _Refused as exc:
        raise ValueError(f"{exc}, which a CMA-ES optimizer never holds") from None
    except Exception as exc:  # the allowed constructors given other arguments: any error
        raise ValueError(f"unreadable: {type(exc).__name__}") from None
    if not isinstance(optimizer, cmaes.CMA | cmaes.SepCMA | cmaes.CMAwM):
        raise ValueError(f"it holds {type(optimizer).__name__}, not a CMA-ES optimizer")
    return optimizer


class CmaEsSampler(optuna.samplers.CmaEsSampler):
    """Optuna's `CmaEsSampler`, whose stored optimizer is read by `load_optimizer`.

    It overrides optuna's private ``_restore_optimizer`` and reads its private
    ``_attr_key_optimizer`` and ``_concat_optimizer_attrs`` (optuna 5.1; a test fails if
    they go). A trial whose stored state is refused counts as none: the sampler starts a
    new optimizer, with one warning naming the trial.
    """

    def _restore_optimizer(self, completed_trials):
        for trial in reversed(completed_trials):
            attrs = {key: value for key, value in trial.system_attrs.items()
                     if key.startswith(self._attr_key_optimizer)}
            if not attrs:
                continue
            try:
                return load_optimizer(self._concat_optimizer_attrs(attrs))
            except (KeyError, TypeError, ValueError) as exc:  # (parts missing, not text)
                _warn_once(trial.number, str(attrs), str(exc) if isinstance(exc, ValueError)
                           else "its parts are not numbered text")
                return None
        return None


#: optuna's folder: its sampler calls `_restore_optimizer`, between the user's call and it
_OPTUNA = os.path.dirname(optuna.__file__) + os.sep


def _warn_once(number: int, stored: str, why: str) -> None:
    if (number, hash(stored)) in _WARNED:
        return
    _WARNED.add((number, hash(stored)))
    warnings.warn(f"trial {number}'s stored CMA-ES state ({why}) was not loaded: the cmaes "
                  "sampler starts a new optimizer, as at the study's start",
                  stacklevel=nets.user_stacklevel(through=(_OPTUNA,)))
