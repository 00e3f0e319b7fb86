"""The registries' entries (`SAMPLERS`, `PRUNERS`): what hplab knows of each sampler and
pruner beside its maker; a script registers its own as one of these."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple


class SamplerEntry(NamedTuple):
    """A sampler of the registry.

    Parameters
    ----------
    make : callable
        ``make(spec, options, seed)`` returns the optuna sampler.
    cls : type
        Optuna's class, whose signature the spec's options are checked against.
    module : str or None
        An extra package it needs (an hplab extra installs it).
    multi_objective : bool
        Whether it optimizes several metrics.
    shared_seed : bool
        Whether every worker must share its seed (it walks one sequence, as qmc and grid).
    finite_space : bool, default False
        Whether it lists every point of the space (grid): each range needs a step.
    extra : str or None, optional
        The hplab extra that installs ``module`` (``pip install 'hplab[extra]'``).
    """

    make: Callable  # (spec, options, seed) -> the optuna sampler
    cls: type  # optuna's class, whose signature the spec's options are checked against
    module: str | None  # an extra package it needs (an hplab extra installs it)
    multi_objective: bool  # optimizes several metrics
    # QMC and grid walk one sequence that all workers share through the storage, so their
    # seed must be the same everywhere (the others are seeded per trial: TrialSeeded)
    shared_seed: bool
    # it lists every point of the space (grid): each range needs a step, the points are
    # counted when the spec loads, and n_trials defaults to their number
    finite_space: bool = False
    extra: str | None = None  # the hplab extra that installs module: pip install 'hplab[extra]'


class PrunerEntry(NamedTuple):
    """A pruner of the registry.

    Parameters
    ----------
    make : callable
        ``make(spec, options)`` returns the optuna pruner.
    cls : type
        Optuna's class, whose signature the spec's options are checked against.
    rungs : bool, default False
        Whether it judges trials at rungs (successive halving): a first rung past a full
        run's last checkpoint never prunes.
    """

    make: Callable  # (spec, options) -> the optuna pruner
    cls: type  # optuna's class, whose signature the spec's options are checked against
    # it keeps the best part of the trials at rungs min_resource, min_resource * factor...
    # checkpoints (successive halving): a min_resource past a full run's never prunes
    rungs: bool = False
