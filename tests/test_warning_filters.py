"""Warning filters and showwarning around hplab's calls in a long-lived process: a call
adds its own filters and takes off exactly those, so what the host program sets meanwhile
(on another thread, a notebook's next cell) stays."""

import ast
import sys
import threading
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import data
import nets
from data._warning_filters import filtered_warnings as data_filtered_warnings
from reports import _fonts

ROOT = Path(__file__).resolve().parents[1]
_PACKAGES = ("nets", "data", "study", "analyses", "reports")
_OURS = tuple(str(ROOT / p) for p in _PACKAGES)


@pytest.fixture(autouse=True)
def _filters_as_they_were():
    with warnings.catch_warnings():  # the test's own process: the tests' filters back
        yield


def _ours(added):
    return [f for f in warnings.filters if f[1] is not None and f[1].pattern in added]


def test_library_code_never_snapshots_the_warning_filters():
    # catch_warnings puts back the whole filter list it saved: a filter the host added on
    # another thread meanwhile was dropped (QA: 31 of 49 during a study report in a
    # thread). hplab.py, the command's own process, may, and so may its commands
    # (reports/_cli: they run as hplab.py's main runs them)
    found = []
    for package in _PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if path.is_relative_to(ROOT / "reports" / "_cli"):
                continue
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                if isinstance(node, ast.Attribute) and node.attr == "catch_warnings":
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []


#: the filters the host thread adds, in order (appended before each is added)
_ADDED: list = []


class _SnapshotsSeen(warnings.catch_warnings):
    """catch_warnings that notes the host's filters added while a library's block was open
    (its exit puts back the list it saved, dropping them): pandas' dtype checks and
    scikit-learn's check_array use it, and a filter another thread adds inside their
    microseconds is lost, which no caller of theirs can prevent. hplab's own code never
    uses it (above)."""

    open_while: set = set()

    def __enter__(self):
        self._from = max(0, len(_ADDED) - 1)  # the one being added now, too
        return super().__enter__()

    def __exit__(self, *exc):
        super().__exit__(*exc)
        if not sys._getframe(1).f_code.co_filename.startswith(_OURS):
            _SnapshotsSeen.open_while.update(_ADDED[self._from:])


def test_filters_the_host_adds_while_a_csv_loads_in_a_thread_stay(tmp_path, monkeypatch):
    # CI (session 73): 111 of 112 stayed: one added inside scikit-learn's own
    # catch_warnings (train_test_split's check_array), which put back the list it saved.
    # hplab's own blocks drop none: every filter lost was lost at a library's snapshot
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=300), "b": rng.normal(size=300),
                          "label": rng.integers(0, 2, 300)})
    frame.to_csv(tmp_path / "t.csv", index=False)
    monkeypatch.setattr(warnings, "catch_warnings", _SnapshotsSeen)
    _SnapshotsSeen.open_while = set()
    _ADDED.clear()
    loaded = []
    loading = threading.Thread(target=lambda: loaded.extend(
        data.load(f"csv:{tmp_path / 't.csv'}", seed=i) for i in range(40)))
    loading.start()
    while loading.is_alive() or not _ADDED:
        _ADDED.append(f"host filter {len(_ADDED)}")
        warnings.filterwarnings("ignore", message=_ADDED[-1])
        threading.Event().wait(0.002)
    loading.join()
    assert len(loaded) == 40
    lost = set(_ADDED) - {f[1].pattern for f in _ours(_ADDED)}
    assert lost <= _SnapshotsSeen.open_while and len(lost) <= len(_ADDED) // 10


def test_a_filter_added_while_a_figure_collects_missing_glyphs_in_a_thread_stays():
    # the deterministic case: the report's figure drawing in a thread, the host's filter
    # added before it ends
    show, before = warnings.showwarning, list(warnings.filters)
    entered, go, result = threading.Event(), threading.Event(), {}

    def draw():
        with _fonts.missing_glyphs() as missing:
            entered.set()
            go.wait(10)
            warnings.warn("Glyph 26085 (\\N{CJK UNIFIED IDEOGRAPH-65E5}) missing from font(s) "
                          "DejaVu Sans.", stacklevel=1)
        result["missing"] = missing

    drawing = threading.Thread(target=draw)
    drawing.start()
    entered.wait(10)
    warnings.filterwarnings("ignore", message="the host's own")
    with warnings.catch_warnings(record=True) as shown:  # (the host's own, this thread's)
        warnings.simplefilter("always")
        warnings.warn("the host's warning, shown as it comes", stacklevel=1)
    go.set()
    drawing.join(10)
    assert result["missing"] == ["日"]
    assert [str(w.message) for w in shown] == ["the host's warning, shown as it comes"]
    host = _ours(["the host's own"])
    assert len(host) == 1 and warnings.filters == host + before
    assert warnings.showwarning is show


def test_a_showwarning_the_host_sets_while_glyphs_are_collected_stays():
    show = warnings.showwarning
    mine = []

    def my_show(message, category, filename, lineno, file=None, line=None):
        mine.append(str(message))

    try:
        with _fonts.missing_glyphs():
            warnings.showwarning = my_show
        assert warnings.showwarning is my_show
    finally:
        warnings.showwarning = show


def test_overlapping_glyph_collections_in_threads_put_showwarning_back():
    show = warnings.showwarning
    entered = [threading.Event(), threading.Event()]
    go = [threading.Event(), threading.Event()]

    def collect(i):
        with _fonts.missing_glyphs():
            entered[i].set()
            go[i].wait(10)

    threads = [threading.Thread(target=collect, args=(i,)) for i in range(2)]
    for i, thread in enumerate(threads):
        thread.start()
        entered[i].wait(10)
    go[0].set()  # the first to enter leaves first
    threads[0].join(10)
    assert warnings.showwarning is not show  # the second still collects
    go[1].set()
    threads[1].join(10)
    assert warnings.showwarning is show


@pytest.mark.parametrize("first_out", ["study", "report"])
def test_a_study_and_a_report_ending_in_the_other_order_put_showwarning_back(first_out):
    # both hold warnings.showwarning (a study's run: optuna's deprecations once; a report's
    # drawing: missing glyphs), in two threads of a script; the one to end first found the
    # other's on top and left its own under it, for good: a study's wrapper then dropped a
    # script's repeated deprecation warnings after every hplab call had ended
    from study._registry import quiet_optuna

    show = warnings.showwarning
    holds = {"study": quiet_optuna, "report": _fonts.missing_glyphs}
    entered = {name: threading.Event() for name in holds}
    go = {name: threading.Event() for name in holds}

    def hold(name):
        with holds[name]():
            entered[name].set()
            go[name].wait(10)

    threads = {name: threading.Thread(target=hold, args=(name,)) for name in holds}
    for name in ("study", "report"):  # the study's first, the report's over it
        threads[name].start()
        entered[name].wait(10)
    second_out = next(name for name in holds if name != first_out)
    go[first_out].set()
    threads[first_out].join(10)
    assert warnings.showwarning is not show  # the other is still inside
    go[second_out].set()
    threads[second_out].join(10)
    assert warnings.showwarning is show


@pytest.mark.parametrize("rules", [
    [("ignore", Warning)],
    [("ignore", pd.errors.DtypeWarning), ("error", pd.errors.ParserWarning)],
    [("error", Warning, "Query string argument"), ("always", UserWarning, "")],
])
def test_data_s_copy_adds_the_entries_nets_adds(rules):
    # data may not import nets: its copy must make the same filters
    def made(entries):  # each entry's module pattern is its own: its type in its place
        return [(*entry[:3], type(entry[3]).__name__, entry[4]) for entry in entries]

    with nets.filtered_warnings(*rules):
        from_nets = warnings.filters[:len(rules)]
    with data_filtered_warnings(*rules):
        from_data = warnings.filters[:len(rules)]
    assert made(from_nets) == made(from_data)
    assert from_nets[0][0] == rules[0][0] and from_nets[0][2] is rules[0][1]
    # as warnings.filterwarnings makes them, but for the module: any, as its None is
    with warnings.catch_warnings():
        for action, category, *message in reversed(rules):
            warnings.filterwarnings(action, category=category, message=message[0] if message
                                    else "")
        assert [(*f[:3], f[4]) for f in warnings.filters[:len(rules)]] == [
            (*f[:3], f[4]) for f in from_nets]
    assert all(f[3].match(module) for f in from_nets for module in ("optuna", "__main__"))


@pytest.mark.parametrize("filtered", [nets.filtered_warnings, data_filtered_warnings])
def test_the_host_setting_an_equal_filter_meanwhile_ends_with_it_once(filtered):
    # the host's filterwarnings removes an equal filter before it adds its own: it took
    # hplab's (first in the list), and the host's earlier one stayed: the host ended with
    # its filter twice, where without hplab's call it had it once, first
    rule = ("ignore", UserWarning, "the host's rule")
    warnings.filterwarnings("ignore", category=UserWarning, message="the host's rule")
    try:
        warnings.filterwarnings("ignore", message="another of the host's")
        alone = list(warnings.filters)
        with filtered(rule):
            warnings.filterwarnings("ignore", category=UserWarning, message="the host's rule")
        mine = [f for f in warnings.filters if f[1] is not None and "host" in f[1].pattern]
        assert [f[1].pattern for f in mine] == ["the host's rule", "another of the host's"]
        assert warnings.filters == [alone[1], alone[0], *alone[2:]]
    finally:
        for message in ("the host's rule", "another of the host's"):
            warnings.filters[:] = [f for f in warnings.filters
                                   if f[1] is None or f[1].pattern != message]


def test_a_call_s_filters_go_first_and_leave_an_equal_filter_of_the_host_in_place():
    warnings.simplefilter("ignore", UserWarning)
    warnings.simplefilter("error")
    before = list(warnings.filters)
    with nets.filtered_warnings(("ignore", UserWarning)):
        assert warnings.filters[1:] == before
        warnings.warn("silenced, not raised", UserWarning, stacklevel=1)
    assert warnings.filters == before
