"""Parameter importances of a study: PED-ANOVA and fANOVA through Optuna, kept fast."""

from __future__ import annotations

import pandas as pd

from nets import error_line, filtered_warnings
from study import quiet_optuna

from ._study_data import _param_names
from .design import FIXED_LOW, format_value

#: Fewest complete trials importances are computed from.
MIN_TRIALS = 3
#: Below this many complete trials the importances are a rough ranking: PED-ANOVA's best
#: 10 % (optuna's ``ceil(0.1 n)`` trials) then holds fewer than the 5 optuna's docs ask
#: for there (20 trials: 2, one trial's values read as the best's), and fANOVA's forest is
#: fitted on a few dozen points.
FEW_TRIALS = 41


def share_text(share: float) -> str:
    """An importance share (0 to 1) as the report shows it: in fixed notation as
    `format_value` has it (``0.7694``), ``<0.001`` for a share below that, not zero. QA: a
    column of shares read ``4.100e-01`` beside ``3.200e-05`` (one tiny share put the
    column in scientific notation), and the agreement sentence ``0.41`` beside
    ``3.200e-05``; a share that small only says the parameter hardly mattered."""
    return "<0.001" if 0 < abs(share) < FIXED_LOW else format_value(share)


def importance_frame(study, *, target=None, seed: int = 0) -> pd.DataFrame:
    """Parameter importances by PED-ANOVA and fANOVA (normalized to sum to 1): PED-ANOVA
    optuna's on ``study`` as stored, fANOVA on a copy reading choices among numbers as
    numbers (`_numeric_choices_as_numbers`), of at most `FANOVA_MAX_TRIALS` trials.

    Empty when fewer than `MIN_TRIALS` complete trials, no parameter varies, or the value
    (``target``, else the first objective) is the same in every complete trial; then
    ``attrs["constant"]`` is True. Only parameters every complete trial has are scored;
    ``attrs["conditional"]`` names the others with how many trials have them
    (``{"width_1": 25}``), or is empty. ``attrs["n_complete"]``: the complete trials;
    ``attrs["failed"]``: ``{method: why}`` for a method that raised.
    """
    import optuna

    complete = [t for t in study.get_trials(deepcopy=False) if t.state.name == "COMPLETE"]
    varying = [p for p in _param_names(complete) if len({repr(t.params.get(p))
                                                         for t in complete}) > 1]
    # a parameter only some trials have (width_1 at depth >= 2): fANOVA would keep only
    # the trials having them all, PED-ANOVA scores every trial, so the two would rank
    # different trials (depth constant among the deepest, 0 by fANOVA)
    conditional = {p: sum(p in t.params for t in complete) for p in varying
                   if not all(p in t.params for t in complete)}
    varying = [p for p in varying if p not in conditional]
    empty = pd.DataFrame(columns=["param", "method", "importance"])
    if len(complete) < MIN_TRIALS or not varying:
        return _with_attrs(empty, conditional, len(complete))
    # nothing to rank: PED-ANOVA would give equal shares (with a warning), fANOVA raise
    if len({target(t) if target else t.values[0] for t in complete}) == 1:
        return _with_attrs(empty, conditional, len(complete), constant=True)
    evaluators = {
        "PED-ANOVA": optuna.importance.PedAnovaImportanceEvaluator(),
        "fANOVA": optuna.importance.FanovaImportanceEvaluator(seed=seed),
    }
    if len(varying) == 1:  # all of it, by definition (fANOVA took minutes over 28 choices)
        return _with_attrs(pd.DataFrame({
            "param": varying * len(evaluators), "method": list(evaluators),
            "importance": 1.0}), conditional, len(complete))
    ordered = _numeric_choices_as_numbers(study, complete)
    many = _many_choices(ordered, varying)
    if many:  # fANOVA's cost grows steeply with a category's choices: 17 took minutes
        del evaluators["fANOVA"]
    # fANOVA's forest grew steeply with trials (3000: 26 s, 500: 3 s); a seeded sample of
    # the whole study, not its latest trials, which a sampler has narrowed to one region
    sampled = _sample(ordered, FANOVA_MAX_TRIALS, seed)
    rows, failed = [], {}
    for method, evaluator in evaluators.items():
        try:
            # PED-ANOVA notes that it reads a target as "lower is better" (a maximized first
            # objective is negated for it): that note only; its others, a warning of the
            # caller's target, another thread's are seen
            with filtered_warnings(("ignore", UserWarning, "PedAnovaImportanceEvaluator "
                                    "computes the importances of params to achieve low")):
                # PED-ANOVA on the study as stored: a choice of batch sizes read as a
                # number made a spike of a KDE where the best trials shared one (a noise
                # batch_size 0.989, optuna's own 0.28); the numbers are fANOVA's speed-up
                scores = optuna.importance.get_param_importances(
                    sampled if method == "fANOVA" else study, evaluator=evaluator,
                    params=varying, target=target)
        except (RuntimeError, ValueError) as exc:  # e.g. fANOVA: zero variance in a sample
            failed[method] = error_line(exc).rstrip(".") or type(exc).__name__
            continue
        finally:
            _release_fanova_trees()
        rows += [{"param": k, "method": method, "importance": float(v)}
                 for k, v in scores.items()]
    frame = pd.DataFrame(rows, columns=["param", "method", "importance"])
    frame.attrs["fanova_skipped"] = many  # "param (N choices)", or "" when fANOVA ran
    # (trials fANOVA was fitted on, complete trials) when it ran on a sample, else None
    frame.attrs["fanova_sample"] = (FANOVA_MAX_TRIALS, len(complete)) \
        if sampled is not ordered and "fANOVA" in set(frame["method"]) else None
    return _with_attrs(frame, conditional, len(complete), failed=failed)


def _release_fanova_trees() -> None:
    """Drop the trees optuna's fANOVA keeps after it returns: its tree class caches its
    methods with ``functools.lru_cache`` on the class, whose keys hold every tree (a
    forest of 64 per report, ~25 MB for 500 trials, for the life of a notebook)."""
    try:
        from optuna.importance._fanova._tree import _FanovaTree
    except ImportError:  # another optuna layout: nothing of ours to release
        return
    for method in vars(_FanovaTree).values():
        getattr(method, "cache_clear", lambda: None)()


def _with_attrs(frame: pd.DataFrame, conditional: dict[str, int], n_complete: int, *,
                constant: bool = False, failed: dict[str, str] | None = None) -> pd.DataFrame:
    frame.attrs.update(conditional=conditional, n_complete=n_complete, constant=constant,
                       failed=failed or {})
    return frame


#: Complete trials fANOVA is fitted on at most (a seeded random sample beyond): 500 take
#: ~3 s on this project's 2-core reference machine, 3000 took 26 s. PED-ANOVA takes all.
FANOVA_MAX_TRIALS = 500


def _sample(study, n: int, seed: int):
    """``study``, or an in-memory study of ``n`` of its complete trials drawn at random
    with ``seed`` (in their order) when it has more."""
    import numpy as np
    import optuna

    complete = study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))
    if len(complete) <= n:
        return study
    keep = np.sort(np.random.default_rng(seed).choice(len(complete), n, replace=False))
    with quiet_optuna():  # optuna logs "A new study created in memory" at INFO
        sample = optuna.create_study(directions=study.directions)
    sample.add_trials([complete[i] for i in keep])
    return sample


#: Choices of a categorical parameter beyond which fANOVA is left out (12: ~30 s, 17:
#: minutes, on this project's 2-core reference machine).
FANOVA_MAX_CHOICES = 10


def _many_choices(study, params) -> str:
    """``"name (N choices)"`` of the first categorical in ``params`` with more than
    `FANOVA_MAX_CHOICES` choices in ``study``'s complete trials, else ""."""
    from optuna.distributions import CategoricalDistribution

    for t in study.get_trials(deepcopy=False):
        for name in params:
            d = t.distributions.get(name)
            if isinstance(d, CategoricalDistribution) and len(d.choices) > FANOVA_MAX_CHOICES:
                return f"{name} ({len(d.choices)} choices)"
    return ""


def _numeric_choices_as_numbers(study, complete):
    """``study``, or an in-memory copy of its ``complete`` trials in which a choice among
    numbers (a grid of rates or batch sizes) is a number on its range: fANOVA split 28
    rates as 28 categories for over five minutes, and their order is information."""
    import optuna
    from optuna.distributions import CategoricalDistribution, FloatDistribution

    as_numbers = {}
    for t in complete:
        for name, d in t.distributions.items():
            # >= 0: a batch size of -1 is "full batch", the largest, not below 8
            if (isinstance(d, CategoricalDistribution) and len(d.choices) > 1 and all(
                    isinstance(c, int | float) and not isinstance(c, bool) and c >= 0
                    for c in d.choices)):
                lo, hi = float(min(d.choices)), float(max(d.choices))
                as_numbers[name] = FloatDistribution(lo, hi, log=lo > 0 and hi >= 10 * lo)
    if not as_numbers:
        return study
    with quiet_optuna():  # optuna logs "A new study created in memory" at INFO
        copy = optuna.create_study(directions=study.directions)
    for t in complete:
        params = {k: float(v) if k in as_numbers else v for k, v in t.params.items()}
        copy.add_trial(optuna.trial.create_trial(
            params=params, distributions={**t.distributions, **{
                k: d for k, d in as_numbers.items() if k in params}},
            values=t.values, state=t.state))
    return copy


def top_params(importances: pd.DataFrame, k: int = 2) -> list[str]:
    """The ``k`` most important parameters (mean over methods)."""
    if importances.empty:
        return []
    mean = importances.groupby("param")["importance"].mean().sort_values(ascending=False)
    return list(mean.index[:k])


def agreement_text(imp: pd.DataFrame, methods: list[str]) -> str:
    """Whether the importance methods put the same parameter first, and what that means
    (QA: "agreement between the two is reassuring" under PED-ANOVA's lr at 0.77 and
    fANOVA's lr at 0.05, width first); that few trials may be the reason only when they
    are few (``imp.attrs["n_complete"]`` under `FEW_TRIALS`)."""
    firsts = {m: imp[imp["method"] == m].sort_values("importance", ascending=False).iloc[0]
              for m in methods}
    tops = {row["param"] for row in firsts.values()}
    if len(tops) == 1:
        return f" Both put {tops.pop()} first: agreement between the two is reassuring."
    shares = imp.set_index(["method", "param"])["importance"]

    def first(m: str) -> str:
        top = firsts[m]["param"]
        others = "; ".join(f"{o} {share_text(shares.get((o, top), float('nan')))}"
                           for o in methods if o != m)
        return f"{m} puts {top} first ({share_text(firsts[m]['importance'])}; {others})"

    why = ("best trials apart without explaining much of the value's spread over all "
           "trials, or the reverse")
    # QA: "with few trials ... more trials tell them apart" under 2,354 complete trials
    if imp.attrs.get("n_complete", 0) < FEW_TRIALS:
        return (f" The two disagree: {', '.join(first(m) for m in methods)}. A parameter can "
                f"set the {why}, and with few trials either ranking may be noise. Read "
                "neither as settled; more trials tell them apart.")
    return (f" The two disagree: {', '.join(first(m) for m in methods)}. A parameter can set "
            f"the {why}: read each ranking as what its method measures.")
