"""Shared pytest fixtures. Each block is self-contained; add yours in its own block."""

from __future__ import annotations

import base64
import contextlib
import functools
import importlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import blas_kernels  # noqa: F401  (before numpy: pins the kernels OpenBLAS loads)
import numpy as np
import pandas as pd
import pytest
from cli_helpers import as_a_user

import nets

# the suite checks the error lines users see: a developer's HPLAB_DEBUG=1 would raise them
os.environ.pop("HPLAB_DEBUG", None)


def pytest_configure(config):
    # not in pyproject's filterwarnings: naming optuna's class there imported optuna, and
    # NumPy with it, before blas_kernels pinned the kernels NumPy's OpenBLAS loads
    config.addinivalue_line("filterwarnings", "ignore::optuna.exceptions.ExperimentalWarning")


# ----------------------------------------------------------------------------- reports
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}


class _StrictHTML:
    """Parse HTML with the standard library and check every element is closed in order."""

    def __init__(self, text: str):
        from html.parser import HTMLParser

        self.tags: list[tuple[str, dict]] = []
        self.errors: list[str] = []
        self.text: list[str] = []
        stack: list[str] = []
        outer = self

        class Parser(HTMLParser):
            def handle_starttag(self, tag, attrs):
                outer.tags.append((tag, dict(attrs)))
                if tag not in _VOID:
                    stack.append(tag)

            def handle_startendtag(self, tag, attrs):
                outer.tags.append((tag, dict(attrs)))

            def handle_endtag(self, tag):
                if not stack or stack[-1] != tag:
                    outer.errors.append(f"</{tag}> closes <{stack[-1] if stack else None}>")
                else:
                    stack.pop()

            def handle_data(self, data):
                outer.text.append(data)

        p = Parser(convert_charrefs=True)
        p.feed(text)
        p.close()
        if stack:
            self.errors.append(f"unclosed: {stack}")

    def find(self, tag: str) -> list[dict]:
        return [a for t, a in self.tags if t == tag]

    @property
    def all_text(self) -> str:
        return "".join(self.text)


@pytest.fixture
def parse_html():
    """``parse_html(text)``: the parsed page (``.tags``, ``.errors``, ``.find(tag)``)."""
    return _StrictHTML


# ----------------------------------------------------------------------------- figures
# a real 1x1 PNG: what tests embed in place of a report figure's pixels
ONE_PIXEL_PNG = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklE"
                 "QVR4nGP4DwABAQEAGK7lJwAAAABJRU5ErkJggg==")


def figure_stand_in(monkeypatch, *, typeset: bool, sized: bool = False) -> None:
    """Reports embed ``ONE_PIXEL_PNG`` at each figure's size in place of its pixels; with
    ``typeset`` each of the figure's texts is measured and typeset first (`typeset_texts`:
    a label matplotlib cannot draw fails as it would), but the figure is neither laid out
    nor drawn: no test reads a stand-in's panels, and drawing them costs most of a
    report's time. With ``sized``, a blank PNG of the figure's size instead: a browser
    sizes a loaded image by its pixels' shape, not its width and height attributes, and
    laid out every one-pixel figure square."""
    from reports import design

    def png_data_uri(fig, dpi=design.DPI):
        if typeset:
            with design.style():
                typeset_texts(fig)
        width, height = (round(v * dpi) for v in fig.get_size_inches())
        return _blank_png(width, height) if sized else ONE_PIXEL_PNG, width, height

    monkeypatch.setattr(design, "png_data_uri", png_data_uri)


def typeset_texts(fig) -> int:
    """Measure every text ``fig`` holds as drawing it would (its mathtext parsed, its
    glyphs looked up): titles, axis labels, legends, annotations and the ticks the
    report placed; returns how many. Ticks a locator places are left out: their labels are
    matplotlib's formatting of numbers, and placing them (a draw without rendering) cost
    ~0.35 s a figure, 60 % of a report's time in tests. Every artist is drawn for real
    in the ``rasterized`` tests (tests/test_report_pixels.py draws each report kind)."""
    from matplotlib.axis import Axis
    from matplotlib.text import Text
    from matplotlib.ticker import FixedLocator

    def texts(artist):
        for child in artist.get_children():
            if isinstance(child, Axis):  # its children are its ticks: placing them is costly
                yield child.label
                if isinstance(child.get_major_locator(), FixedLocator):
                    yield from child.get_ticklabels()  # ticks (and names) the report set
                continue
            if isinstance(child, Text):
                yield child
            yield from texts(child)

    renderer = fig.canvas.get_renderer()
    shown = [t for t in texts(fig) if t.get_visible() and t.get_text()]
    for text in shown:
        text.get_window_extent(renderer)
    return len(shown)


def drawn_axes(monkeypatch) -> dict:
    """The axis labels of each figure a report draws from now on, by its title (the
    stand-in's figures are built: their labels are read before it embeds its pixel)."""
    from reports import design

    stand_in, drawn = design.png_data_uri, {}

    def labelled(fig, *args, **kwargs):
        for ax in fig.axes:
            drawn[ax.get_title()] = (ax.get_xlabel(), ax.get_ylabel())
        return stand_in(fig, *args, **kwargs)

    monkeypatch.setattr(design, "png_data_uri", labelled)
    return drawn


@functools.cache
def _blank_png(width: int, height: int) -> str:
    """A white ``width`` x ``height`` PNG as a data URI (one bit a pixel: a few hundred
    bytes; ~6 ms to make, so once a size)."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("1", (width, height), 1).save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


@pytest.fixture(autouse=True)
def _figures_typeset_not_rasterized(request, monkeypatch):
    """Report figures are built and their texts typeset (a label matplotlib cannot draw
    still fails) but neither laid out nor rasterized, most of a figure's cost. Tests about
    the pixels, a browser's layout of them or warnings raised while drawing take
    ``@pytest.mark.rasterized`` and get the real PNGs."""
    if not request.node.get_closest_marker("rasterized"):
        figure_stand_in(monkeypatch, typeset=True)


# ----------------------------------------------------------------------------- test extras
def report_table(html_text: str, table_id: str) -> tuple[list[str], list[list[str]]]:
    """The header and the cells' text of the table ``table_id`` of a report."""
    import html
    import re

    found = re.search(rf'id="{table_id}".*?<thead>(.*?)</thead>(.*?)</tbody>', html_text, re.S)
    assert found, f"no table {table_id} in the report"

    def cells(row, tag):
        return [html.unescape(re.sub(r"<[^>]+>", "", c))
                for c in re.findall(rf"<{tag}[^>]*>(.*?)</{tag}>", row)]

    return cells(found.group(1), "th"), [cells(row, "td") for row in
                                         re.findall(r"<tr>(.*?)</tr>", found.group(2), re.S)]


def report_captions(text: str) -> dict[str, str]:
    """Each table's id in a report to its <caption>'s text; every table has one, out of
    sight."""
    import html
    import re

    found = re.findall(r'<figure class="table" id="([^"]+)">.*?<table>\s*(?:\{#.*?#\}\s*)?'
                       r'<caption class="([^"]*)">([^<]*)</caption>', text, re.S)
    assert len(found) == text.count("<table>"), "a table without a caption"
    assert {cls for _, cls, _ in found} <= {"visually-hidden"}
    return {table: html.unescape(caption) for table, _, caption in found}


def scroll_regions(text: str) -> list[tuple[dict[str, str], str]]:
    """Each table's scrolling frame in a report or index page: its attributes and its
    table's <caption> text; every table has one (a frame missing is an assertion)."""
    import html
    import re

    found = re.findall(r'<div class="scroll"([^>]*)>\s*(?:\{#.*?#\}\s*)?<table[^>]*>\s*'
                       r'(?:\{#.*?#\}\s*)?<caption class="[^"]*">([^<]*)</caption>', text, re.S)
    assert len(found) == len(re.findall(r"<table[ >]", text)), "a table without its frame"
    return [({k: html.unescape(v) for k, v in re.findall(r'([\w-]+)="([^"]*)"', attrs)},
             html.unescape(caption)) for attrs, caption in found]


def assert_scroll_regions(text: str) -> None:
    """Each table's scrolling frame is one a keyboard reaches and a screen reader names:
    Chrome makes a scroller focusable itself, Firefox and Safari do not (QA: a wide table
    there could not be scrolled without a mouse)."""
    regions = scroll_regions(text)
    assert regions
    for attrs, caption in regions:
        assert attrs == {"tabindex": "0", "role": "region", "aria-label": caption}, attrs


def report_facts(html_text: str) -> dict[str, str]:
    """A report's provenance and hyperparameters (its ``<dt>``/``<dd>`` pairs) as
    ``{label: text}``, tags dropped (keys break after their dots with ``<wbr>``) and
    whitespace as one space."""
    import html
    import re

    def text(part: str) -> str:
        return " ".join(html.unescape(re.sub(r"<[^>]+>", "", part)).split())

    return {text(k): text(v) for k, v in
            re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", html_text, re.S)}


def trials_of(db, name: str):
    """The trials of study ``name`` in the SQLite file ``db``, as optuna reads them."""
    import optuna

    return optuna.load_study(study_name=name, storage=f"sqlite:///{db}").get_trials()


def asked_steps(monkeypatch) -> list[int]:
    """The steps at which trials ask ``should_prune``, in order, from now on."""
    import optuna

    asked = []
    should_prune = optuna.trial.Trial.should_prune

    def counted(trial):
        asked.append(trial.storage.get_trial(trial._trial_id).last_step)
        return should_prune(trial)

    monkeypatch.setattr(optuna.trial.Trial, "should_prune", counted)
    return asked


class TracedPeak:
    """`traced_peak`'s answer: ``bytes``, the most Python allocated at once in its block."""

    bytes = 0


@contextlib.contextmanager
def traced_peak():
    """``with traced_peak() as peak: ...``, then ``peak.bytes``: the most memory Python
    allocated at once within the block (tracemalloc), read as it ends, raising or not."""
    import tracemalloc

    peak = TracedPeak()
    tracemalloc.start()
    try:
        yield peak
    finally:
        peak.bytes = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


def ended_worker() -> str:
    """The worker id (`study.worker_id`) a process of this machine had, that has ended: one
    a run, show and a report's cleanup take for ended (`study.ended_here`; where /proc says
    no process start, as off Linux, none is)."""
    from study import _worker_identity as identity

    with subprocess.Popen(["sleep", "60"]) as gone:
        start = identity._process_start(gone.pid)
        gone.kill()
    here = identity.worker_id().rpartition(":")[0]  # host~ns
    return f"{here}:{gone.pid}" + (f"@{start}" if start else "")


def require_module(name: str):
    """Import ``name``, a dependency of the ``[test]`` extra (onnx, distributed...).

    Without it the test skips, as ``pytest.importorskip`` does, except under
    ``HPLAB_REQUIRE_SERVICES=1`` (CI), where a missing test dependency fails: a skipped
    test there would hide that the checks it makes never ran. Works at module level too
    (the module then fails to collect). ``from conftest import require_module``.
    """
    if os.environ.get("HPLAB_REQUIRE_SERVICES") == "1":
        try:
            return importlib.import_module(name)
        except ImportError as exc:
            pytest.fail(f"HPLAB_REQUIRE_SERVICES=1 but the test dependency {name!r} cannot "
                        f"be imported ({exc}); pip install -e '.[test]'", pytrace=False)
    return pytest.importorskip(name)

def tamper(path, out, **changes):
    """A copy of the model file ``path`` at ``out`` with members replaced (None: removed)."""
    with np.load(path, allow_pickle=False) as z:
        files = {k: z[k] for k in z.files}
    for k, v in changes.items():
        if v is None:
            files.pop(k)
        else:
            files[k] = v
    np.savez(out, **files)
    return out


def ready_spec_header(name: str) -> str:
    """The comment lines heading the ready spec ``name``, joined into one text."""
    import study

    return " ".join(line.lstrip("# ") for line in (study.SPECS_DIR / f"{name}.toml")
                    .read_text().splitlines() if line.startswith("#"))


def model_header(path) -> dict:
    """The JSON header of the model file ``path``."""
    with np.load(path, allow_pickle=False) as z:
        return json.loads(str(z["header"][()]))


def imbalanced_csv(path, n_neg: int, n_pos: int, shift: float, spread: float = 1.0) -> str:
    """``csv:`` dataset of 2 features: ``n_neg`` standard normals, ``n_pos`` moved by
    ``shift`` (and scaled by ``spread``). ``from conftest import imbalanced_csv``."""
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(size=(n_neg, 2)), rng.normal(size=(n_pos, 2)) * spread + shift])
    y = np.r_[np.zeros(n_neg, int), np.ones(n_pos, int)]
    pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "label": y}).to_csv(path, index=False)
    return f"csv:{path}"


# ----------------------------------------------------------------------------- study
@pytest.fixture
def postgres_url():
    """The throwaway PostgreSQL server's URL (``.ci/postgres.sh`` exports it).

    Skips when unset, unless ``HPLAB_REQUIRE_SERVICES=1`` (CI), where a missing server fails.
    Each test gets its own study names, so the database is shared without cleanup.
    """
    url = os.environ.get("HPLAB_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("HPLAB_REQUIRE_SERVICES") == "1":
            pytest.fail("HPLAB_TEST_POSTGRES_URL is unset but HPLAB_REQUIRE_SERVICES=1")
        pytest.skip("no PostgreSQL server (set HPLAB_TEST_POSTGRES_URL)")
    return url


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    return repr(value)


def write_spec_toml(path, tables: dict):
    """Write ``{"study": {...}, "space": {...}}`` as a TOML spec file (flat tables only)."""
    lines = []
    for table, body in tables.items():
        lines.append(f"[{table}]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in body.items()]
        lines.append("")
    path.write_text("\n".join(lines))
    return path


# the study run_tiny_study runs unless told otherwise: finished, two trials of 8 epochs
TINY_KEYS = {"n_trials": 2, "pruner": "none", "max_epochs": 8}


def run_tiny_study(spec_file, storage, name="tiny", **keys):
    """Run a finished two-trial study ``name`` (no pruner, 8 epochs; ``keys`` override the
    spec's ``[study]`` keys, or ``space=``) of the `spec_file` factory into ``storage`` (a
    path or URL); its summary."""
    import study

    keys = {**TINY_KEYS, **keys}
    return study.run_study(study.load_spec(spec_file(name, **keys)), storage=str(storage),
                           progress=False)


def spec_file_maker(folder):
    """The `spec_file` factory writing its spec files into ``folder``."""

    def make(name="tiny", *, space=None, fixed=None, sampler_options=None,
             pruner_options=None, **study):
        tables = {
            "study": {k: v for k, v in {
                "name": name, "dataset": "xor", "metric": "val_loss", "n_trials": 6, "seed": 0,
                "max_epochs": 40, "pruner": "median", **study}.items() if v is not None},
            "space": space if space is not None else {
                "lr": {"low": 0.05, "high": 2.0, "log": True},
                "width": {"low": 2, "high": 6}},
            "fixed": fixed if fixed is not None else {"batch_size": 2, "checkpoint": 4},
        }
        if sampler_options:
            tables["sampler"] = sampler_options
        if pruner_options:
            tables["pruner"] = pruner_options
        return write_spec_toml(folder / f"{name}.toml", tables)

    return make


def pruned_study(spec_file, tmp_path):
    """(spec, summary, SQLite path) of "pruned": 10 XOR trials of a `spec_file` spec, 4 of
    them pruned by the median pruner (about a second)."""
    import study

    spec = study.load_spec(spec_file("pruned", n_trials=10))
    db = tmp_path / "pruned.db"
    summary = study.run_study(spec, storage=str(db), progress=False)
    assert (summary["n_finished"], summary["n_complete"], summary["n_pruned"]) == (10, 6, 4)
    return spec, summary, db


@pytest.fixture
def spec_file(tmp_path):
    """Factory for a tiny, fast study spec file: ``spec_file(name="s", n_trials=6, ...)``.

    Keyword arguments override ``[study]`` keys (None leaves a key out); ``space=`` /
    ``fixed=`` / ``sampler=`` (a table) replace those tables. Defaults: XOR, 6 trials of at
    most 40 epochs.
    """
    return spec_file_maker(tmp_path)


def stored_study_files(tmp_path_factory, name: str, suffix: str = ".db",
                       **keys) -> dict[str, bytes]:
    """The files of a storage ``NAME.db`` (SQLite; ``suffix=".log"``: a journal) holding the
    finished study ``name`` of the `spec_file` factory (``keys`` as there), run once in a
    folder of its own: a fixture keeps them for the tests that only read a copy
    (`copy_files`)."""
    import study

    folder = tmp_path_factory.mktemp(name)
    spec = spec_file_maker(folder)(name, **keys)
    stored = f"{name}{suffix}"
    study.run_study(study.load_spec(spec), storage=str(folder / stored), progress=False)
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.name.startswith(stored)}


def copy_files(folder, files: dict[str, bytes]) -> None:
    """Write ``files`` (name -> bytes, as `stored_study_files` gives them) into ``folder``."""
    for name, data in files.items():
        (folder / name).write_bytes(data)


@pytest.fixture(scope="session")
def _tiny_study_once(tmp_path_factory) -> dict[str, dict[str, bytes]]:
    """The files of the study "tiny" of `run_tiny_study` (its defaults) run once into a
    SQLite file ``tiny.db`` and once into a journal ``tiny.log``: {suffix: files}."""
    return {suffix: stored_study_files(tmp_path_factory, "tiny", suffix, **TINY_KEYS)
            for suffix in (".db", ".log")}


@pytest.fixture
def tiny_study(tmp_path, _tiny_study_once):
    """``tiny_study(".db")`` (or ``".log"``): a copy, in ``tmp_path``, of a storage holding
    the finished study "tiny" that ``run_tiny_study(spec_file, storage)`` runs (run once a
    session); its path. A `run_tiny_study` of "tiny" resumes it."""

    def make(suffix=".db"):
        copy_files(tmp_path, _tiny_study_once[suffix])
        return tmp_path / f"tiny{suffix}"

    return make


# ----------------------------------------------------------------------------- registries
@pytest.fixture
def register_schedule(monkeypatch):
    """Factory: ``register_schedule(name, rule, reads=(), stepwise=False)`` registers a
    schedule for one test as a contributor's entry in nets/_schedules.py would be: its rule
    in SCHEDULES, the settings it reads in RULE_SETTINGS (which SETTINGS_READ reads), and,
    ``stepwise``, the rule in STEPWISE."""
    from nets import _schedules

    def register(name, rule, reads=(), stepwise=False):
        monkeypatch.setitem(_schedules.SCHEDULES, name, rule)
        monkeypatch.setitem(_schedules.RULE_SETTINGS, rule, tuple(reads))
        if stepwise:
            monkeypatch.setattr(_schedules, "STEPWISE", _schedules.STEPWISE | {rule})

    return register


# ----------------------------------------------------------------------------- predict / onnx
# A tiny net trained for a few epochs on NumPy-made raw data, saved as ``hplab train`` saves
# it (input scaling arrays, classes, target scaling), so prediction and export are tested
# on real, non-trivial weights without a dataset loader.
_PREDICT_CLASSES = {"binary": [-1, 1], "multiclass": ["cat", "dog", "eel"], "regression": []}


@pytest.fixture
def saved_model(tmp_path):
    """Factory: ``saved_model(head, activation="tanh", dtype="float32")`` ->
    ``(path, X_raw_test, y_raw_test)``; raw features are far from [0, 1] on purpose."""

    def make(head, activation="tanh", dtype="float32", epochs=3):
        import nets

        rng = np.random.default_rng(len(head) * 7 + len(activation))
        loc, scale = np.array([5.0, -3.0, 100.0]), np.array([2.0, 0.5, 30.0])
        X_raw = rng.normal(loc, scale, size=(160, 3))
        shift, span = X_raw[:120].min(axis=0), np.ptp(X_raw[:120], axis=0)
        Xn = (X_raw - shift) / span
        s = Xn @ np.array([1.0, -2.0, 1.5])
        classes = _PREDICT_CLASSES[head]
        if head == "regression":
            y = (s - s.min()) / np.ptp(s)  # normalized targets; raw = y * 4 + 10
        else:
            y = np.digitize(s, np.quantile(s, np.linspace(0, 1, len(classes) + 1)[1:-1]))
        cfg = nets.TrainConfig(hidden=(5, 4), activation=(activation,) * 2, head=head,
                               lr=0.3, batch_size=16, max_epochs=epochs, dtype=dtype)
        net = nets.build_net(cfg, 3, y[:120], rng=np.random.default_rng(1),
                             n_classes=len(classes) or None)
        nets.train(net, cfg, Xn[:120].astype(dtype), y[:120], rng=np.random.default_rng(2))
        meta = {"dataset": "toy", "task": head, "classes": classes, "seed": 0,
                "feature_names": ["a", "b", "c"],
                "y_shift": 10.0 if head == "regression" else 0.0,
                "y_scale": 4.0 if head == "regression" else 1.0}
        path = nets.save_net(tmp_path / f"{head}-{activation}-{dtype}" / "model.npz", net,
                             config=cfg.to_dict(), meta=meta,
                             arrays={"x_shift": shift, "x_scale": span})
        y_raw = y[120:] * 4 + 10 if head == "regression" else \
            np.array(classes, dtype=object)[y[120:]]
        return path, X_raw[120:], y_raw

    return make


# ----------------------------------------------------------------------------- user strings
DOLLAR_CLASSES = ("$<10k", "$10k-$50k", "$50k_$")


@pytest.fixture
def dollar_csv(tmp_path):
    """Factory: ``dollar_csv(classes=DOLLAR_CLASSES, rows=150)`` -> the path of a two-feature
    CSV whose header and labels hold dollars (matplotlib's mathtext marker)."""

    def make(classes=DOLLAR_CLASSES, rows=150, name="dollar.csv"):
        rng = np.random.default_rng(0)
        y = np.arange(rows) % len(classes)
        frame = pd.DataFrame({"income $": rng.normal(size=rows) + y,
                              "age_$": rng.normal(size=rows),
                              "bracket": [classes[k] for k in y]})
        frame.to_csv(tmp_path / name, index=False)
        return tmp_path / name

    return make


# ----------------------------------------------------------------------------- Ctrl-C
@pytest.fixture(autouse=True, scope="session")
def _interruptible():
    """Ctrl-C tests need SIGINT handled as a terminal's Python process does. A shell starts
    background jobs (``make test &``) with SIGINT ignored, which Python and every child it
    spawns keep, and hplab leaves an ignored SIGINT alone; undo that for the session."""
    import signal
    import threading

    if (threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGINT) is signal.SIG_IGN):
        signal.signal(signal.SIGINT, signal.default_int_handler)
    yield


# ----------------------------------------------------------------------------- cwd
@pytest.fixture(autouse=True)
def _in_tmp_dir(tmp_path, monkeypatch):
    """Every test runs in its own folder: commands write `runs/` under the current
    directory, and a test that forgot to move left reports in the checkout."""
    monkeypatch.chdir(tmp_path)


# ----------------------------------------------------------------------------- HOME
@pytest.fixture(autouse=True)
def _tmp_folders_outside_home(tmp_path_factory, monkeypatch):
    """Reports show a folder under $HOME as ``~`` (`reports._paths.shell_folder`): where
    pytest keeps its tmp folders under HOME (``TMPDIR=~/tmp``, ``--basetemp ~/t``), the tests
    that assert the absolute folder a command ran in ("cd /tmp/... && hplab ...") failed.
    There, HOME is a folder beside the tests' own (downloaded data read where it was);
    elsewhere, as in CI, nothing changes."""
    import data

    base = tmp_path_factory.getbasetemp().resolve()
    home = Path(os.path.expanduser("~")).resolve()
    if home != Path(home.anchor) and base.is_relative_to(home):
        monkeypatch.setenv("HPLAB_DATA", str(data.data_home()))
        monkeypatch.setenv("HOME", str(base / "home"))


# ----------------------------------------------------------------------------- data copies
@pytest.fixture
def data_alive_at(monkeypatch):
    """``data_alive_at(module, name)`` -> a list that gets, at each call of ``module.name``
    (the step that starts worker processes), whether each training set ``data.load`` made
    so far is still alive (after a garbage collection): the launcher should hold none."""
    import gc
    import weakref

    import data

    loaded, held = [], []
    real_load = data.load

    def load(*args, **kwargs):
        ds = real_load(*args, **kwargs)
        loaded.append(weakref.ref(ds.X_train))
        return ds

    def spy(module, name):
        real = getattr(module, name)

        def call(*args, **kwargs):
            gc.collect()
            held.append([ref() is not None for ref in loaded])
            return real(*args, **kwargs)

        monkeypatch.setattr(data, "load", load)
        monkeypatch.setattr(module, name, call)
        return held

    return spy


# ----------------------------------------------------------------------------- time zones
@pytest.fixture
def time_zone(monkeypatch):
    """``time_zone("America/Los_Angeles")`` makes this process's local time that zone's (TZ
    and ``time.tzset``), as a machine there has it; the zone is restored after the test."""
    import time

    def set_zone(name):
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()


# A process that imports hplab and what its commands load (hplab imports them lazily) once
# and forks a child per command (or per `python -c` program): each is a process of its own,
# ended before the next, as `python -m hplab` is, without paying the imports each time.
_FORK_PER_COMMAND = r"""
import json, os, sys
import hplab, {imports}
for line in sys.stdin:
    script, argv, cwd, out, err = json.loads(line)
    pid = os.fork()
    if pid == 0:
        os.chdir(cwd)
        for fd, name in ((1, out), (2, err)):
            os.dup2(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), fd)
        if script is None:
            sys.exit(hplab.main(argv))  # as hplab.py's __main__ does
        sys.argv = ["-c", *argv]
        exec(compile(script, "<string>", "exec"), {{"__name__": "__main__"}})
        sys.exit(0)
    print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), flush=True)
"""


class ForkServer:
    """The process of `_FORK_PER_COMMAND`, started in ``cwd`` with this checkout's hplab:
    ``imports`` (modules, comma-separated) made once; ``prefix`` runs it as another user
    (`as_a_user`)."""

    def __init__(self, cwd, imports="optuna, reports, study", prefix=()):
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
        self._proc = subprocess.Popen(
            [*prefix, sys.executable, "-c", _FORK_PER_COMMAND.format(imports=imports)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=cwd)

    def run(self, argv, cwd, logs, script=None) -> tuple[int, str, str]:
        """``hplab ARGV`` (or ``python -c script ARGV``) run in ``cwd``, its output through
        files in ``logs``: (exit code, stdout, stderr)."""
        out, err = Path(logs) / "out", Path(logs) / "err"
        self._proc.stdin.write(json.dumps([script, list(map(str, argv)), str(cwd), str(out),
                                           str(err)]) + "\n")
        self._proc.stdin.flush()
        code = self._proc.stdout.readline()
        assert code, "the forking process ended"
        return int(code), out.read_text(), err.read_text()

    def close(self) -> None:
        self._proc.stdin.close()
        self._proc.wait(timeout=60)


@pytest.fixture
def user_cli(tmp_path):
    """``user_cli(*argv, cwd=tmp_path) -> (exit code, stdout, stderr)``: ``hplab ARGV`` run
    as a user whom file modes bind, each in a process of its own (or a skip)."""
    server = ForkServer(tmp_path, prefix=as_a_user(tmp_path))
    logs = tmp_path / "user-commands"
    logs.mkdir()
    yield lambda *argv, cwd=tmp_path: server.run(argv, cwd, logs)
    server.close()


def wcag_contrast(a, b) -> float:
    """WCAG 2's contrast ratio of two colours (1..21), from its definition."""
    from matplotlib.colors import to_rgb

    def luminance(color):
        c = np.asarray(to_rgb(color))
        c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    dark, light = sorted((luminance(a), luminance(b)))
    return (light + 0.05) / (dark + 0.05)


def cell_text_contrasts(ax) -> list[tuple[str, float, float]]:
    """Each number written in a cell of the heat map ``ax`` (an image, or a mesh):
    its text, the WCAG contrast of its colour on its cell's colour as drawn, and the better
    of black's and white's there. Cells without a value (NaN) are left out."""
    if ax.images:
        image = ax.images[0]
        values = np.ma.filled(image.get_array().astype(float), np.nan)
        faces = image.to_rgba(values)
    else:  # a QuadMesh (pcolormesh): one face colour per cell, row by row
        mesh = ax.collections[0]
        values = np.ma.filled(mesh.get_array().astype(float), np.nan)
        faces = mesh.get_facecolors().reshape(*values.shape, 4)
    found = []
    for text in ax.texts:
        x, y = text.get_position()
        i, j = (int(y), int(x)) if not ax.images else (round(y), round(x))
        if not np.isfinite(values[i, j]):
            continue
        face = faces[i, j][:3]
        found.append((text.get_text(), wcag_contrast(text.get_color(), face),
                      max(wcag_contrast(c, face) for c in ("black", "white"))))
    return found


# ---- runs remembered: an analysis's identical runs trained once across its calls in a test
def remember_runs(monkeypatch, module) -> None:
    """``module.run_tasks`` (an analysis's pool of runs) runs each task once in the test: a
    task run before gives its row again. A task holds all its run depends on (data,
    settings, seed), and runs are seeded: the row is the one a second run would give."""
    done, run = {}, module.run_tasks

    def run_tasks(fn, tasks, **kwargs):
        tasks = list(tasks)
        new = [t for t in tasks if t not in done]
        if new:
            done.update(zip(new, run(fn, new, **kwargs), strict=True))
        return [done[t] for t in tasks]

    monkeypatch.setattr(module, "run_tasks", run_tasks)


# ----------------------------------------------------------------------------- real runs
# dataset: (config, two features?): a real training run of each, on a small budget
REAL_RUNS = {
    "xor": (dict(hidden=(3,), lr=0.5, batch_size=1, eps=0.005, max_epochs=2000), True),
    "double-arc": (dict(hidden=(2,), lr=0.1, batch_size=5, eps=0.08, max_epochs=400), True),
    "coin": (dict(hidden=(8,), lr=0.3, batch_size=10, max_epochs=60), True),
    "digits": (dict(hidden=(64, 16), activation=("sigmoid", "tanh"), lr=0.2, batch_size=32,
                    max_epochs=8), False),
    "sine": (dict(hidden=(8,), activation="tanh", lr=0.1, batch_size=10, max_epochs=40), False),
}


@pytest.fixture(scope="session")
def real_reports(tmp_path_factory):
    """Train each of `REAL_RUNS` once (small budgets) and write its report under runs/, in
    that order: ``(runs folder, {name: (run, report path)})``, read only (a test that writes
    beside a report copies its folder first). The two-feature runs' reports hold their real
    PNGs (their size is checked; a browser lays them out), the others stand-in figures
    (typeset, not rasterized), whose pixels no test reads. Shared by the training-report
    and browser tests: each drew double-arc's ~8 s report of its own."""
    import reports
    import study

    root = tmp_path_factory.mktemp("real") / "runs"
    out = {}
    for name, (cfg, two_d) in REAL_RUNS.items():
        run = study.train_run(name, nets.TrainConfig(**cfg), seed=0,
                              out=root / "train" / name, name=name,
                              command=f"hplab train --dataset {name}")
        with pytest.MonkeyPatch.context() as patch:
            if not two_d:
                figure_stand_in(patch, typeset=True)
            out[name] = (run, reports.training_report(run, run.out))
    return root, out
