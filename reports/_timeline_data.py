"""The numbers behind the study report's Workers chart: each trial's start and end, and the
lane its worker is drawn on (no drawing here: ``_timeline_draw``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from study import trial_info, trial_times

from ._study_data import _outcomes
from ._timeline_axis import worker_lanes


def timeline_frame(trials, *, flat: bool = True, stale=()) -> pd.DataFrame:
    """Start and end (seconds since the first start) of each trial, and the lane its
    worker is drawn on (`worker_lanes`: workers one after another share one).

    A repeatable study's trial starts when its wait for the trials it learns from ended
    (its record's ``waited``): its worker trained nothing meanwhile. A trial whose worker
    died was closed by another process, maybe days later (a resume): its end is estimated
    (``end_known`` False), not the time its death was noticed: from the checkpoints it
    reported at the complete trials' pace, or (no reports: pruner none) as long as a
    typical complete trial. ``flat``, ``stale`` as in `trials_frame`.
    """
    times = trial_times(trials)  # UTC: a daylight-saving change shifts no trial
    started = [t for t in trials if times[t.number][0] is not None]
    if not started:
        return pd.DataFrame(columns=["number", "worker", "lane", "start", "end", "status",
                                     "end_known"])
    t0 = min(times[t.number][0] for t in started)
    last = max(times[t.number][1] or times[t.number][0] for t in started)
    info = {t.number: trial_info(t, flat=flat) for t in started}
    worker = {n: i.get("worker", "?") for n, i in info.items()}
    pace, typical = _pace(started, times)
    outcomes = _outcomes(trials, flat, stale)  # all: a retry not yet started names its trial
    rows = []
    for t in started:
        began, ended = times[t.number]
        end = ((ended or last) - t0).total_seconds()
        waited = info[t.number].get("waited")
        start = min(end, (began - t0).total_seconds() + (
            waited if isinstance(waited, int | float) and waited > 0 else 0.0))
        known = not _died(t, flat)
        if not known:
            reports = len(t.intermediate_values)
            end = min(end, start + (reports * pace if reports and pace else typical))
        rows.append({"number": t.number, "worker": worker[t.number], "lane": 0,
                     "start": start, "end": end, "status": outcomes[t.number],
                     "end_known": known})
    frame = pd.DataFrame(rows)
    frame["lane"] = frame["worker"].map(worker_lanes(frame))
    return frame


def _died(t, flat: bool) -> bool:
    """Closed by another process: its worker died (no heartbeat, or gone from this
    machine) before it recorded an end of its own."""
    info = trial_info(t, flat=flat)
    return t.state.name == "FAIL" and ("status" not in info or str(
        info.get("reason", "")).startswith("its worker"))


def _pace(trials, times) -> tuple[float, float]:
    """Median seconds per checkpoint report, and per trial, of the complete trials (0 and
    0 without any); ``times`` as `study.trial_times` gives them."""
    done = [(t, (times[t.number][1] - times[t.number][0]).total_seconds()) for t in trials
            if t.state.name == "COMPLETE" and times[t.number][1] is not None]
    paces = [s / len(t.intermediate_values) for t, s in done if t.intermediate_values]
    return (float(np.median(paces)) if paces else 0.0,
            float(np.median([s for _, s in done])) if done else 0.0)
