"""When trials ran, as aware UTC datetimes: the same instants in every time zone.

Optuna's RDB and journal storages keep UTC but hand back naive *local* times (in the zone
of the process reading them). Subtracted as they are, a trial across a daylight-saving
change lasts an hour more or less, and one study shows other times on another machine.
Read back as local time, each is its UTC instant again, but for the hour a fall-back
repeats: there a wall time is two instants, an hour apart. Trials are numbered as they
start, so a start is the instant nearest the starts before it; an end is the instant (not
before the start) nearest the start plus the training seconds hplab recorded.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ._record import trial_info


def _instants(when: datetime) -> list[datetime]:
    """The UTC instants ``when`` (naive: this machine's wall time) may be, earliest first:
    two in the hour a fall-back repeats, else one."""
    if when.tzinfo is not None:
        return [when.astimezone(timezone.utc)]
    return sorted({when.replace(fold=f).astimezone(timezone.utc) for f in (0, 1)})


def trial_times(trials) -> dict[int, tuple[datetime | None, datetime | None]]:
    """Each trial's (start, end) by number, as aware UTC datetimes (None where optuna has
    none). An end never comes before its start: a crafted one that would is the start.

    Parameters
    ----------
    trials : iterable of optuna.trial.FrozenTrial
    """
    out, latest = {}, None
    for t in sorted(trials, key=lambda t: t.number):
        if t.datetime_start is None:
            out[t.number] = (None, None)
            continue
        starts = _instants(t.datetime_start)
        start = starts[0] if latest is None else min(starts, key=lambda s: abs(s - latest))
        latest = start if latest is None else max(latest, start)
        end = None
        if t.datetime_complete is not None:
            ends = [e for e in _instants(t.datetime_complete) if e >= start] or [start]
            seconds = trial_info(t).get("seconds")
            known = isinstance(seconds, (int, float)) and 0 <= seconds < 1e9  # not NaN
            guess = start + timedelta(seconds=seconds) if known else ends[0]
            end = min(ends, key=lambda e: abs(e - guess))
        out[t.number] = (start, end)
    return out
