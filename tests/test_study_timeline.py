"""The study report's Workers chart for a study grown over months of resumes: lanes reused
by workers one after another, and the idle weeks cut out of its time axis."""

from __future__ import annotations

import datetime

import numpy as np
import optuna
import pandas as pd
import pytest
from matplotlib.patches import Rectangle

import reports
import study
from reports import _timeline_data, design
from reports._study_table import worker_labels
from reports._timeline_axis import CutAxis, idle_cuts, timeline_notes
from reports._timeline_draw import draw_timeline, merged_note

DAY = 86400.0
#: Three runs a month apart, each of two workers side by side for a minute or two.
RUNS = [(0.0, 100.0), (30 * DAY, 80.0), (60 * DAY, 150.0)]


def _months_study(spec_file, db, name="months"):
    """A study whose trials ran in `RUNS`: each run's two workers (their own processes)
    taking turns of 10 s trials, as a study resumed monthly stores them."""
    from optuna.distributions import FloatDistribution, IntDistribution

    where = study.resolve_storage(str(db))
    spec = study.load_spec(spec_file(name, n_trials=1, pruner="none"))
    study.create_or_resume(spec, study.open_storage(where, create=True), where)
    s = optuna.load_study(study_name=name, storage=f"sqlite:///{db}")
    at = datetime.datetime(2026, 9, 7, 2, 0, tzinfo=datetime.timezone.utc)
    k = 0
    for run, (begin, length) in enumerate(RUNS):
        for worker in range(2):
            for start in range(worker * 5, int(length) - 9, 10):
                t = optuna.create_trial(
                    params={"lr": 0.5, "width": 2 + k % 5}, value=0.1 + 0.001 * k,
                    distributions={"lr": FloatDistribution(0.05, 2.0, log=True),
                                   "width": IntDistribution(2, 6)},
                    user_attrs={study.RECORD_ATTR: {
                        "worker": f"vm~e:{1000 + 10 * run + worker}@{run}", "run": f"r{run}",
                        "status": "converged", "seconds": 9.5}})
                t.datetime_start = at + datetime.timedelta(seconds=begin + start)
                t.datetime_complete = t.datetime_start + datetime.timedelta(seconds=9.5)
                s.add_trial(t)
                k += 1


def test_resumed_workers_share_lanes_and_the_months_between_runs_are_cut(spec_file, tmp_path):
    # QA: a study resumed monthly drew its bars on an axis to 5e6 s (every bar thinner
    # than a pixel, the chart blank), one lane per worker process, forever (58 lanes)
    db = tmp_path / "months.db"
    _months_study(spec_file, db)
    trials = optuna.load_study(study_name="months", storage=f"sqlite:///{db}").get_trials()
    frame = _timeline_data.timeline_frame(trials)
    assert frame["worker"].nunique() == 6 and sorted(frame["lane"].unique()) == [0, 1]
    # each run's workers share lanes with the run before: 0 and 1 for the first starter
    first = frame.groupby("worker")["start"].min().sort_values()
    assert [frame.loc[frame["worker"] == w, "lane"].iloc[0] for w in first.index] == [
        0, 1, 0, 1, 0, 1]
    cuts = idle_cuts(frame)
    assert len(cuts) == 2 and [b - a for a, b in cuts] == pytest.approx(
        [30 * DAY - 100 + 0.5, 30 * DAY - 80 + 0.5])
    axis = CutAxis(cuts, 0.0, float(frame["end"].max()))
    kept = 100 + 80 + 150 - 3 * 0.5
    assert axis.kept == pytest.approx(kept)
    assert float(axis.position(frame["end"].max())) == pytest.approx(kept * 1.08)
    notes = timeline_notes(frame)
    assert notes.endswith("2 idle gaps longer than a minute (60 d in all) are cut out of "
                          "the time axis, each drawn as a narrow grey band labelled with its "
                          "length where there is room: the ticks count only the time kept.")
    assert "Workers that ran one after another (a resumed study) share a lane" in notes

    labels = worker_labels(trials)  # as the report names them
    frame["worker_label"] = frame["worker"].map(labels)
    with design.style():
        fig = draw_timeline(frame)
    ax = fig.axes[0]
    assert fig.get_size_inches()[1] == pytest.approx(1.0 + 0.45 * 2 + 0.15)
    assert ax.get_xlim()[1] < 400  # not 5e6 s: the bars are drawn wide enough to see
    bars = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_height() == 0.7]
    assert len(bars) == len(frame) and min(b.get_width() for b in bars) == pytest.approx(9.5)
    assert sorted(t.get_text() for t in ax.texts if t.get_text().endswith("later")) == [
        "30 d later", "30 d later"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["3 workers in turn"] * 2
    # each worker named over its stretch, with its first trial's time where that fits
    named = [t.get_text() for t in ax.texts if t.get_text().startswith("vm:")]
    assert sorted(n.split(" ")[0] for n in named) == [
        f"vm:{1000 + 10 * run + w}" for run in range(3) for w in range(2)]
    assert "vm:1020 (2026-11-06 02:00:00 UTC)" in named
    ticks = [float(t.get_text()) for t in ax.get_xticklabels()]
    assert ticks == sorted(ticks) and ticks[0] == 0 and ticks[-1] <= kept


@pytest.mark.slow
# its trials are made by hand, as no run made them
@pytest.mark.filterwarnings("ignore:study 'months' was stored without a fingerprint")
def test_the_report_of_a_study_resumed_monthly_draws_two_lanes_and_says_what_was_cut(
        spec_file, tmp_path):
    db = tmp_path / "months.db"
    _months_study(spec_file, db)
    path = reports.study_report("months", storage=str(db), out=tmp_path / "rep")
    timeline = pd.read_csv(path.parent / "report_files" / "timeline.csv")
    assert {"number", "worker", "lane", "start", "end", "status", "end_known",
            "worker_label"} <= set(timeline.columns)
    assert set(timeline["lane"]) == {0, 1} and timeline["end"].max() > 60 * DAY
    text = " ".join(path.read_text().split())
    assert "2 idle gaps longer than a minute (60 d in all) are cut out of the time axis" in text
    from cli_helpers import readme_words

    assert ("cuts idle gaps of over a minute (and a tenth of the busy time) out of its time "
            "axis") in readme_words()


def _blue_pixels(frame: pd.DataFrame, other: str) -> int:
    """Pixels of the complete trials' colour in the chart's PNG, as the report embeds it:
    nearer that colour than white and ``other``'s (a pixel the edge of a column crosses
    is a blend of two)."""
    import io

    from matplotlib.colors import to_rgb
    from matplotlib.image import imread

    from reports._study_draw import outcome_style

    with design.style():
        fig = draw_timeline(frame)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=design.DPI)
    rgb = imread(io.BytesIO(buffer.getvalue()))[..., :3]
    colours = np.array([to_rgb(outcome_style(s)["color"]) for s in ("complete", other)]
                       + [(1.0, 1.0, 1.0)])
    nearest = np.linalg.norm(rgb[..., None, :] - colours, axis=-1).argmin(axis=-1)
    return int((nearest == 0).sum())


def _dense_lane(first: str, other: str, n: int = 3000) -> pd.DataFrame:
    """``n`` trials on one worker, thinner than a pixel each: 70 % complete (80 ms), the
    rest ``other`` (40 ms), 30 ms apart, the first one ``first``."""
    rng = np.random.default_rng(5)
    status = np.where(rng.random(n) < 0.7, "complete", other)
    status[0] = first
    length = np.where(status == "complete", 0.08, 0.04)
    start = np.concatenate([[0.0], np.cumsum(length + 0.03)[:-1]])
    return pd.DataFrame({"number": range(n), "worker": "w", "lane": 0, "start": start,
                         "end": start + length, "status": status, "end_known": True})


@pytest.mark.parametrize("first, other", [("complete", "pruned"), ("pruned", "pruned"),
                                          ("diverged", "diverged")])
def test_thousands_of_thin_bars_colour_each_outcome_by_its_share_of_the_time(first, other):
    # QA: 3000 trials on ~700 px, each bar widened to 2 px, the outcome drawn last covered
    # the others: pruned, 22 % of the time, took two thirds of the colour; diverged, 28 %,
    # showed as slivers under complete
    frame = _dense_lane(first, other)
    time = (frame["end"] - frame["start"]).groupby(frame["status"]).sum()
    share = time["complete"] / time.sum()
    assert 0.8 < share < 0.85
    all_complete = frame.assign(status="complete")
    measured = _blue_pixels(frame, other) / _blue_pixels(all_complete, other)
    assert measured == pytest.approx(share, abs=0.05)
    assert merged_note(frame).startswith(" Too many trials to draw one by one (3000 on about "
                                         "700 pixels): each lane is drawn in pixel-wide "
                                         "columns")


def test_a_few_bars_are_drawn_one_by_one_with_no_note():
    frame = _dense_lane("complete", "pruned", n=40)
    assert merged_note(frame) == ""
    with design.style():
        ax = draw_timeline(frame).axes[0]
    assert len([p for p in ax.patches if isinstance(p, Rectangle)]) == 40
