"""Points given to a study's trials from outside (``hplab study enqueue``): read from text
as the space's types, and checked, before anything is stored, by the rules a worker fails
such a trial by (`outside_space`, `unread_values`), for every choice the sampler may make
where the point leaves one to it."""

from __future__ import annotations

import math

import nets

from ._errors import SpecError
from ._preset_check import outside_space, unread_values
from ._space import Param, Space
from ._trial_config import build_config, decay_refusal

# the searched settings that decide which others a trial reads: an optimizer its momentum,
# a schedule its lr_gamma, a strategy its sampling_ratio, a depth its width_i
_DECIDERS = ("optimizer", "schedule", "imbalance_strategy", "depth")
# optuna's system attribute of an enqueued trial's point (what `Study.enqueue_trial`
# stores, and the worker reads back as the trial's fixed parameters)
POINT_ATTR = "fixed_params"
_PAIRS = "give name=value pairs separated by commas, e.g. lr=0.1,batch_size=32"


def parse_point(text: str, space: Space) -> dict:
    """``"lr=0.1,batch_size=32"`` as a point of ``space``, each value read as its
    parameter's type: a whole number for an int range, a float for a float range, a
    choice as the space declares it (``true`` for True, ``32`` for 32, a name as text).
    A value that reads as none of them is kept as given, for `point_problem` to name.

    Parameters
    ----------
    text : str
        ``name=value`` pairs separated by commas, as ``--point`` takes them.
    space : Space
        The spec's searched space, whose parameters give the values' types.

    Returns
    -------
    dict
    """
    if not isinstance(text, str) or not text.strip():
        raise SpecError(point_error(text, f"sets no parameter; {_PAIRS}"))
    point = {}
    for pair in text.split(","):
        name, eq, value = (s.strip() for s in pair.partition("="))
        if not eq or not name or not value:
            raise SpecError(point_error(text, f"{pair.strip()!r} is not name=value; {_PAIRS}"))
        if name in point:  # QA: "gives lr twice" said nothing of what to do
            raise SpecError(point_error(text, f"gives {name} twice; give each parameter "
                                              "once (another value is another point)"))
        layer = name.startswith("width_") and space.per_layer
        point[name] = _read(value, space.get("width" if layer else name))
    return point


def point_error(point, problem: str) -> str:
    """The one line that refuses ``point`` (its text as typed, or a dict) for ``problem``:
    ``point 'lr=5': PROBLEM``, the point always quoted alike (QA: some messages quoted
    it, others not).

    Parameters
    ----------
    point : str or dict
    problem : str

    Returns
    -------
    str
    """
    shown = point.strip() if isinstance(point, str) else (
        point_words(point) if isinstance(point, dict) else point)
    return f"point {shown!r}: {problem}"


def _read(text: str, param: Param | None):
    """``text`` as ``param``'s value (see `parse_point`)."""
    if param is not None and param.kind == "categorical":
        for choice in param.choices:
            if isinstance(choice, bool):
                if text.lower() == str(choice).lower():
                    return choice
            elif isinstance(choice, int | float):
                number = nets.parse_number(text)
                if number is not None and not isinstance(number, bool) and number == choice:
                    return choice
            elif text == str(choice):
                return choice
    number = nets.parse_number(text)
    if param is None or param.kind == "categorical":  # read plainly, for the error to show
        return number if number is not None else {"true": True, "false": False}.get(
            text.lower(), text)
    if number is None:
        return text
    if param.kind == "int" and isinstance(number, float) and number.is_integer():
        return int(number)  # 32.0, 1e3: whole; 2.5 stays, and is named as not whole
    return float(number) if param.kind == "float" else number


class _PointTrial:
    """What `Space.suggest` asks of a trial, answered by a point; a parameter the point
    leaves to the sampler by ``picks`` (one sampler choice to check), else its range's
    low end or first choice, noting that it was drawn."""

    def __init__(self, point: dict, picks: dict):
        self.point, self.picks, self.drawn = point, picks, set()

    def _value(self, name, default):
        if name in self.point:
            return self.point[name]
        self.drawn.add(name)
        return self.picks.get(name, default)

    def suggest_categorical(self, name, choices):
        return self._value(name, choices[0])

    def suggest_int(self, name, low, high, log=False, step=1):
        return self._value(name, low)

    def suggest_float(self, name, low, high, log=False, step=None):
        return self._value(name, low)


def point_problem(spec, point: dict) -> str | None:
    """Why a worker would fail the trial of ``point`` (or prune it untrained), or None.

    The worker's checks: a value outside the space or a name it does not search
    (`outside_space`); a value the trial would not read (`unread_values`), for each
    choice the sampler may make where the point leaves the optimizer, schedule, strategy
    or depth to it; a point that leaves any to the grid sampler, which draws none for
    an enqueued trial; and, for a point that sets every parameter, the config it builds
    (`build_config`) and its rate against its weight decay (`decay_refusal`).

    Parameters
    ----------
    spec : StudySpec
    point : dict
        Parameter name -> value, as `parse_point` reads them.

    Returns
    -------
    str or None
    """
    space, fixed = spec.space, spec.fixed
    outside = outside_space(space, point, fixed)
    if outside:
        return outside
    trial = _PointTrial(point, {})
    values = space.suggest(trial, fixed)
    why = unread_values(space, point, values, fixed, ahead=True)
    # only a setting suggested for some trials (momentum, sampling_ratio, width_i) may go
    # unread under another choice of the sampler's
    maybe_unread = {*space.conditional(), "sampling_ratio"}
    deciders = [n for n in _DECIDERS if n not in point and space.get(n) is not None
                and any(k in maybe_unread or k.startswith("width_") for k in point)]
    for name in deciders:
        if why:
            break
        for pick in space.get(name).grid_values(sampler="enqueue") if (
                space.get(name).kind != "float") else ():
            why = unread_values(space, point, space.suggest(_PointTrial(point, {name: pick}),
                                                            fixed), fixed, ahead=True)
            if why:
                break
    if why:
        return why
    if trial.drawn and spec.sampler == "grid":  # optuna's grid fails such a trial
        return ("the grid sampler draws no parameter of an enqueued trial: give "
                f"{', '.join(n for n in space.names() if n in trial.drawn)} too")
    if trial.drawn:  # the rest is the sampler's draw: checked as the worker runs it
        return None
    refused = decay_refusal(values, fixed)
    if refused:
        return refused
    try:
        build_config(values, fixed, spec.max_epochs)
    except (ValueError, TypeError) as exc:
        return str(exc)
    return None


def point_words(point: dict) -> str:
    """``lr=0.1, batch_size=32``: a point as the lines and errors show it."""
    return ", ".join(f"{k}={_shown(v)}" for k, v in point.items())


def _shown(value) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and math.isfinite(value):
        return f"{value:g}"
    return str(value)


def queued_point(trial) -> dict | None:
    """The point queued by hand (``hplab study enqueue``, optuna's ``enqueue_trial``: its
    `POINT_ATTR`) that ``trial`` ran or waits to run; None for a trial the sampler drew
    and for a retry of a failed trial (optuna's ``failed_trial``: it keeps the point of
    the trial it retries, but no one queued it).

    Parameters
    ----------
    trial : optuna.trial.FrozenTrial

    Returns
    -------
    dict or None
    """
    point = trial.system_attrs.get(POINT_ATTR)
    if not isinstance(point, dict) or trial.system_attrs.get("failed_trial") is not None:
        return None
    return point


def queued_counts(trials) -> dict:
    """``queued_trials`` (the numbers of the trials that ran, or run, a point queued by
    hand: `queued_point`) and ``n_queued_waiting`` (the points queued and not yet run:
    WAITING trials that are no retry), as `study_summary` says them."""
    waiting = sum(t.state.name == "WAITING" and t.system_attrs.get("failed_trial") is None
                  for t in trials)
    return {"queued_trials": [t.number for t in trials if t.state.name != "WAITING"
                              and queued_point(t) is not None],
            "n_queued_waiting": waiting}
