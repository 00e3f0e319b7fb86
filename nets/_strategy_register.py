"""A script's own imbalance remedy, registered by name (`register_strategy`): the imbalance
benchmark, a study's ``imbalance_strategy`` and their reports then take it as a built-in
one. Pool workers receive it with their tasks (`_carried` carries ``STRATEGIES``)."""

from __future__ import annotations

from collections.abc import Callable

from ._imbalance_defaults import DEFAULT_SAMPLING_RATIO
from ._imbalance_registry import _ALIASES, BUILT_IN_STRATEGIES, STRATEGIES, Strategy

#: the kinds a registered strategy may have: those of a sampler (baseline, loss and anomaly
#: are the built-ins' ways of training without one)
SAMPLER_KINDS = ("over", "under", "clean", "combined")


def register_strategy(name: str, sampler: Callable, *, label: str | None = None,
                      kind: str = "combined", uses_ratio: bool = False,
                      description: str = "registered by a script") -> None:
    """Register ``sampler`` as the imbalance strategy ``name``: `analyses.imbalance_benchmark`,
    `make_imbalance_pipeline` and a study's ``imbalance_strategy`` then take ``name``.

    Parameters
    ----------
    name : str
        The strategy's key: lower case, without ``,`` or ``-`` (as names are read), not a
        built-in's name or alias. Registering it again replaces the entry.
    sampler : callable
        ``sampler(sampling_ratio, random_state)`` returns an imbalanced-learn sampler (an
        object with ``fit_resample``); called once here to check that.
    label : str, optional
        The name reports show (default ``name``).
    kind : {"over", "under", "clean", "combined"}
        What the sampler does; ``under`` aims its ratio by removing majority examples.
    uses_ratio : bool
        Whether the sampler aims at the sampling ratio it is given (the benchmark skips
        it on data already that balanced, and a study searches ``sampling_ratio`` for it).
    description : str
        One line on what it does.

    Returns
    -------
    None

    Raises
    ------
    ValueError
        A built-in name or alias, a name the strategy lists could not name, a kind not in
        `SAMPLER_KINDS`, or a sampler that does not make an imbalanced-learn sampler.
    TypeError
        A name that is not a string, a sampler that is not callable, a uses_ratio that is
        not a bool, or a label or description that is not a non-empty string.
    """
    if not isinstance(name, str):
        raise TypeError(f"strategy name must be a string, got {name!r}")
    if not name or name != name.strip().lower() or any(c in name for c in ",- "):
        raise ValueError(f"strategy name must be a non-empty lower-case string without "
                         f"',', '-' or spaces, got {name!r}")
    if name in BUILT_IN_STRATEGIES or name in _ALIASES or name.replace("_", "") in _ALIASES:
        raise ValueError(f"strategy {name!r} is hplab's own (or an alias of one); register "
                         f"yours under a name of its own (built-in: "
                         f"{', '.join(BUILT_IN_STRATEGIES)})")
    if kind not in SAMPLER_KINDS:
        raise ValueError(f"register_strategy({name!r}): kind must be one of "
                         f"{', '.join(SAMPLER_KINDS)}, got {kind!r}")
    if not isinstance(uses_ratio, bool):
        raise TypeError(f"register_strategy({name!r}): uses_ratio must be True or False, "
                        f"got {uses_ratio!r}")
    label = name if label is None else label
    for what, text in (("label", label), ("description", description)):
        if not isinstance(text, str) or not text.strip():
            raise TypeError(f"register_strategy({name!r}): {what} must be a non-empty "
                            f"string, got {text!r}")
    if not callable(sampler):
        raise TypeError(f"register_strategy({name!r}, sampler): sampler must be a function "
                        f"(sampling_ratio, random_state) -> an imbalanced-learn sampler, got "
                        f"{type(sampler).__name__}")
    # made once now: a maker of another signature, or of no sampler, failed every run later
    try:
        made = sampler(DEFAULT_SAMPLING_RATIO, 0)
    except Exception as exc:
        raise ValueError(f"register_strategy({name!r}): sampler({DEFAULT_SAMPLING_RATIO}, 0) "
                         f"raised {type(exc).__name__}: {exc}") from None
    if not callable(getattr(made, "fit_resample", None)):
        raise ValueError(f"register_strategy({name!r}): sampler({DEFAULT_SAMPLING_RATIO}, 0) "
                         f"returned {type(made).__name__}, not an imbalanced-learn sampler "
                         "(no fit_resample)")
    STRATEGIES[name] = Strategy(name, label, kind, sampler, uses_ratio, description)
