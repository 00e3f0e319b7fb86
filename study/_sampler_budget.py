"""A sampler whose budget ends before it has learnt anything: NSGA-II draws its whole
first generation at random, and a study of no more trials than that is a random search
that says it is a genetic one (QA: `hplab study run coin-pareto --trials 12`, population
20, ran twelve random trials and a report titled nsga2)."""

from __future__ import annotations

import inspect

from ._registry import SAMPLERS

#: The sampler option that sets how many trials it draws at random before it learns.
#: TPE's and GP's ten start-up trials are left out: small studies of fewer trials (hplab's
#: xor examples) are common, where a warning at every run would be noise.
RANDOM_FIRST = {"nsga2": "population_size"}


def random_budget_note(spec, budget: int) -> str | None:
    """Why every trial of ``spec``, run to ``budget`` trials, is drawn at random (its
    sampler's first random trials reach the whole budget), or None."""
    option = RANDOM_FIRST.get(spec.sampler)
    if option is None:
        return None
    first = spec.sampler_options.get(option)
    if first is None:  # optuna's default (NSGA-II: 50)
        first = inspect.signature(SAMPLERS[spec.sampler].cls.__init__).parameters[
            option].default
    if not isinstance(first, int) or first < budget:
        return None
    return (f"sampler {spec.sampler!r} draws its first generation (sampler.{option} = "
            f"{first} trials) at random, and the study's budget is {budget}: every trial is "
            f"drawn at random (a random search); give n_trials (or --trials) above {first} "
            f"to breed a second generation, or lower sampler.{option}")
