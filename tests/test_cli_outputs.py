"""Output paths never destroy what a run cannot get back: a study storage, a saved model,
or another command's results in a report folder. Each refusal is one line, exit 2, and the
file or folder is left as it was."""

import contextlib
import errno
import fcntl
import hashlib
import io
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cli_helpers import ANALYSES, run_cli
from conftest import ForkServer, figure_stand_in

import hplab
from reports._cli import _converters, _output
from study import SPECS_DIR

ROOT = Path(__file__).resolve().parents[1]

# every ending a CSV output is compressed by, as the messages and the flags' help list them
ENDINGS = (".gz, .bz2, .zip, .xz, .tar, .tar.gz, .tar.bz2, .tar.xz, or .zst with the "
           "zstandard package")


class _Captured:
    """``capsys``'s ``readouterr`` for a module-scoped fixture (capsys is per test)."""

    def __init__(self):
        self.out, self.err = io.StringIO(), io.StringIO()

    def readouterr(self):
        said = self.out.getvalue(), self.err.getvalue()
        for stream in (self.out, self.err):
            stream.seek(0)
            stream.truncate()
        return said


@pytest.fixture(scope="module")
def _stored_once(tmp_path_factory):
    """A two-trial xor study in runs/hplab.db and a trained model (sine's), made once per
    module in a folder of their own (the tests below each get a copy: they write beside
    them). The
    model's report embeds stand-in figures (typeset, not rasterized), as a test's own
    reports do: made before any test, it would otherwise draw every pixel, which no test
    reads."""
    made = tmp_path_factory.mktemp("stored")
    capsys = _Captured()
    with pytest.MonkeyPatch.context() as mp:
        figure_stand_in(mp, typeset=True)
        mp.chdir(made)
        mp.setattr(sys, "stdout", capsys.out)
        mp.setattr(sys, "stderr", capsys.err)
        spec = (SPECS_DIR / "xor.toml").read_text()
        spec = spec.replace("n_trials = ", "n_trials = 2 #").replace("max_epochs = ",
                                                                    "max_epochs = 5 #")
        Path("xor.toml").write_text(spec)
        code, _, err = run_cli(["study", "run", "xor.toml", "--no-report", "--json"], capsys)
        assert code == 0, err
        # sine: a single input, a quick report (the run's files are what the tests guard)
        code, out, err = run_cli(["train", "--dataset", "sine", "--hidden", "2", "--epochs",
                                  "3", "--name", "keep", "--json"], capsys)
        assert code == 0, err
    return made, Path(json.loads(out)["model_path"])


@pytest.fixture
def stored(_stored_once, tmp_path, monkeypatch):
    """A two-trial xor study in runs/hplab.db and a trained model, in a fresh folder (a
    copy of the module's: the model's record names the folder it was trained in)."""
    made, model = _stored_once
    shutil.copytree(made, tmp_path, dirs_exist_ok=True)
    monkeypatch.chdir(tmp_path)
    return Path("runs/hplab.db"), model


def _digest(path: Path) -> str:
    """A model's bytes; a database's rows (WAL included): its file's bytes change without
    a write, when a connection that closes checkpoints the write-ahead log."""
    if path.suffix != ".db":
        return hashlib.sha256(path.read_bytes()).hexdigest()
    with contextlib.closing(sqlite3.connect(path)) as con:
        return hashlib.sha256("\n".join(con.iterdump()).encode()).hexdigest()


def test_outputs_never_overwrite_a_storage_or_a_model(stored, capsys):
    db, model = stored
    kept = {db: _digest(db), model: _digest(model)}
    cases = [
        (["export-onnx", model, db], "runs/hplab.db is a study storage"),
        (["predict", model, "--dataset", "--out", db], "runs/hplab.db is a study storage"),
        # SQLite's side files hold committed trials until a checkpoint
        (["study", "export", "xor", "--csv", "runs/hplab.db-wal"],
         "runs/hplab.db-wal is part of the study storage runs/hplab.db"),
        (["study", "spec", "../../pyproject"], "no ready spec '../../pyproject'; ready specs"),
        (["study", "export", "xor", "--csv", model], "model.npz is a saved hplab model"),
        (["predict", model, "--dataset", "--out", model], "is an input of this command"),
        (["export-onnx", model, ""], "the output needs a file path, got ''"),
        (["study", "export", "xor", "--csv="], "the CSV needs a file path, got ''"),
        (["predict", model, "--dataset", "--out", "runs"], "runs is a folder; give a file"),
        (["study", "list", "--storage", "journal:"], "journal: needs a file path"),
        (["study", "list", "--storage", "journal:runs"], "runs is a folder; a journal"),
    ]
    for argv, said in cases:
        code, out, err = run_cli(argv, capsys)
        assert code == 2 and said in err and len(err.splitlines()) == 1, (argv, err)
    assert {p: _digest(p) for p in kept} == kept
    # QA: --csv over the study's data file (or its spec, another run's CSV) replaced it and
    # the study could not resume; only an earlier export (or an empty file) is replaced
    Path("data.csv").write_text("a,b,y\n0.1,0.2,1\n")
    spec = Path("xor.toml").read_text()
    for name in ("data.csv", "xor.toml"):
        code, _, err = run_cli(["study", "export", "xor", "--csv", name], capsys)
        assert code == 2 and err.endswith(f"{name} exists and is not a study export; write "
                                          "the CSV elsewhere (or delete it first)\n"), err
    assert Path("data.csv").read_text() == "a,b,y\n0.1,0.2,1\n"
    assert Path("xor.toml").read_text() == spec
    Path("empty.csv").touch()
    for name in ("empty.csv", "empty.csv", "t.csv.gz", "t.csv.gz"):  # twice: over itself
        assert run_cli(["study", "export", "xor", "--csv", name], capsys)[0] == 0
    assert len(pd.read_csv("t.csv.gz")) == 2
    code, out, _ = run_cli(["study", "show", "xor", "--json"], capsys)
    assert code == 0 and json.loads(out)["n_complete"] + json.loads(out)["n_pruned"] == 2
    assert run_cli(["predict", model, "--dataset", "--out", "p.csv"], capsys)[0] == 0


def test_outputs_replace_a_file_only_of_their_whole_header_shape(stored, capsys):
    # QA: only the first header cell was compared: a user's houses.csv (number,street,price)
    # was replaced by `study export --csv`, a labels.csv (prediction,notes) by `predict --out`
    db, model = stored
    houses, labels = "number,street,price\n12,Main,100000\n", "prediction,notes\nyes,mine\n"
    Path("houses.csv").write_text(houses)
    Path("labels.csv").write_text(labels)
    for argv, name, what in [
            (["study", "export", "xor", "--csv", "houses.csv"], "houses.csv", "a study export"),
            (["predict", model, "--dataset", "--out", "labels.csv"], "labels.csv",
             "a predictions CSV")]:
        code, _, err = run_cli(argv, capsys)
        assert code == 2 and err.endswith(f"{name} exists and is not {what}; write the CSV "
                                          "elsewhere (or delete it first)\n"), err
        assert len(err.splitlines()) == 1
    assert Path("houses.csv").read_text() == houses
    assert Path("labels.csv").read_text() == labels
    # their own earlier outputs are still replaced
    for argv in (["study", "export", "xor", "--csv", "e.csv"],
                 ["predict", model, "--dataset", "--out", "p.csv"]):
        for _ in range(2):
            code, _, err = run_cli(argv, capsys)
            assert code == 0, err
    assert list(pd.read_csv("p.csv", nrows=0).columns) == ["prediction", "target"]
    assert pd.read_csv("e.csv").columns[-1] == "reason"


def test_blank_paths_and_names_are_refused_not_taken_for_the_default(stored, capsys):
    # QA: OUT=; hplab train --out "$OUT" replaced runs/train/DATASET's model; a blank
    # --name, --storage and the analyses' --out fell back to their defaults as well
    db, model = stored
    kept = {db: _digest(db), model: _digest(model)}
    cases = [
        (["train", "--dataset", "sine", "--hidden", "2", "--epochs", "3", "--name", "keep",
          "--out", ""], "--out: expected a path, got ''"),
        (["train", "--dataset", "sine", "--epochs", "3", "--name", " "],
         "--name: expected a run name, got ' '"),
        (["study", "show", "xor", "--storage", ""],
         "--storage: expected a storage URL or file, got ''"),
        (["study", "report", "xor", "--out="], "--out: expected a path, got ''"),
        (["study", "run", "xor", "--out", ""], "--out: expected a path, got ''"),
        (["study", "run", "xor.toml", "--data="], "--data: expected a dataset name, got ''"),
        (["capacity", "--dataset", "xor", "--out", ""], "--out: expected a path, got ''"),
        (["lr-range", "--dataset", "xor", "--out", ""], "--out: expected a path, got ''"),
        (["imbalance", "--dataset", "coin", "--out", ""], "--out: expected a path, got ''"),
        (["data", "show", "xor", "--data-dir="], "--data-dir: expected a path, got ''"),
        (["data", "fetch", "mnist", "--dest="], "--dest: expected a path, got ''"),
    ]
    for argv, said in cases:
        code, out, err = run_cli(argv, capsys)
        assert code == 2 and out == "" and len(err.splitlines()) == 1, (argv, err)
        assert err.endswith(f"{said}; leave the flag out for its default\n"), (argv, err)
    assert {p: _digest(p) for p in kept} == kept


def test_an_export_that_cannot_be_written_names_its_file(stored, capsys, monkeypatch):
    # QA: a full disk said "error: [Errno 28] No space left on device", no file named; a
    # read-only folder was found only after the export was built, in Python's raw words
    db, model = stored

    def full_disk(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    code, _, err = run_cli(["study", "export", "xor", "--csv", "/proc/self/e.csv"], capsys)
    assert (code, err) == (2, "hplab study export: error: /proc/self/e.csv: cannot write in "
                              "/proc/self (No such file or directory); write the CSV "
                              "elsewhere\n")
    monkeypatch.setattr(pd.DataFrame, "to_csv", full_disk)
    # QA: in Python's words, "[Errno 28] No space left on device: 'e.csv'", where a report
    # that failed said it in words
    for argv in (["study", "export", "xor", "--csv", "e.csv"],
                 ["predict", model, "--dataset", "--out", "e.csv"]):
        code, out, err = run_cli(argv, capsys)
        assert (code, err) == (2, f"hplab {argv[0]}{' export' * (argv[0] == 'study')}: "
                                  "error: cannot write e.csv: No space left on device\n"), err
    assert sorted(os.listdir()) == sorted(["runs", "xor.toml"])  # no staged file left
    code, out, err = run_cli(["train", "--dataset", "xor", "--hidden", "2", "--epochs", "2",
                              "--out", "t", "--json"], capsys)  # --json: no progress bar
    assert (code, err) == (2, "hplab train: error: cannot write t/history.csv: No space left "
                              "on device\n"), err


def test_standard_output_that_cannot_be_written_is_named(stored):
    # QA: redirected to a full disk (/dev/full), "error: [Errno 28] No space left on
    # device": no word of what could not be written
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for argv in (["study", "list"], ["study", "show", "xor", "--json"],
                 ["study", "export", "xor", "--csv", "-"], ["study", "spec", "coin"]):
        with open("/dev/full", "w") as full:
            proc = subprocess.run([sys.executable, str(ROOT / "hplab.py"), *argv],
                                  stdout=full, stderr=subprocess.PIPE, text=True, env=env)
        assert (proc.returncode, proc.stderr) == (
            2, f"hplab {' '.join(argv[:2])}: error: cannot write standard output: No space "
               "left on device\n"), argv


def test_version_and_help_on_a_standard_output_that_cannot_be_written():
    # QA: `hplab --version > /dev/full` (or into a closed pipe) ended in a traceback, exit
    # 1; --help's OSError argparse dropped: exit 0, the help lost without a word
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for argv, said in ((["--version"], "hplab"), (["--vers"], "hplab"), (["--help"], "hplab"),
                       (["train", "--help"], "hplab train"),
                       (["study", "run", "-h"], "hplab study run")):
        with open("/dev/full", "w") as full:
            proc = subprocess.run([sys.executable, str(ROOT / "hplab.py"), *argv],
                                  stdout=full, stderr=subprocess.PIPE, text=True, env=env)
        assert (proc.returncode, proc.stderr) == (
            2, f"{said}: error: cannot write standard output: No space left on device\n"), argv
        read, write = os.pipe()
        os.close(read)  # the reader gone: the write gets EPIPE
        try:
            proc = subprocess.run([sys.executable, str(ROOT / "hplab.py"), *argv],
                                  stdout=write, stderr=subprocess.PIPE, text=True, env=env)
        finally:
            os.close(write)
        assert (proc.returncode, proc.stderr) == (141, ""), argv


def test_prediction_header_shapes():
    import nets

    ours = [["prediction", "p_0", "p_1"], ["prediction", "p_a", "p_b", "label"],
            ["prediction"], ["prediction", "target"], ["prediction_0", "prediction_1"],
            ["prediction_0", "prediction_1", "target_0", "target_1"]]
    others = [["prediction", "notes"], ["prediction", "label"], ["prediction", "p_0", "x"],
              ["prediction_0", "notes"], ["prediction_0", "target_0", "target_1"], [],
              ["label", "prediction"]]
    assert [nets.is_prediction_header(h) for h in ours] == [True] * len(ours)
    assert [nets.is_prediction_header(h) for h in others] == [False] * len(others)


@pytest.mark.parametrize("end, said", [
    # QA: `predict --out newdir/` (newdir missing) wrote a file named newdir and printed
    # "wrote newdir/"; export-onnx and study export --csv likewise, --storage journal:j/ too
    ("/", "ends in /, a folder's path"),
    # QA: `predict --out newdir2/.` wrote a CSV file named newdir2 ("wrote newdir2/.", exit
    # 0), and newdir3/.. made the folder newdir3, then failed on "Device or resource busy"
    ("/.", "names a folder (its last part is .)"),
    ("/..", "names a folder (its last part is ..)"),
])
def test_a_file_output_naming_a_folder_is_refused(stored, capsys, end, said):
    _, model = stored
    said += "; give a file path for"
    cases = [
        (["predict", model, "--dataset", "--out", f"newdir{end}"],
         f"hplab predict: error: --out newdir{end} {said} the output\n"),
        (["export-onnx", model, f"onx_dir{end}"],
         f"hplab export-onnx: error: onx_dir{end} {said} the output\n"),
        (["study", "export", "xor", "--csv", f"csv_dir{end}"],
         f"hplab study export: error: csv_dir{end} {said} the CSV\n"),
        (["study", "list", "--storage", f"journal:j{end}"],
         f"hplab study list: error: storage journal:j{end}: j{end} {said} the storage\n"),
    ]
    for argv, err in cases:
        assert run_cli(argv, capsys) == (2, "", err), argv
    assert not any(Path(name).exists() for name in ("newdir", "onx_dir", "csv_dir", "j"))
    Path("realdir").mkdir()  # an existing folder: its own line, as before
    code, _, err = run_cli(["predict", model, "--dataset", "--out", f"realdir{end}"], capsys)
    assert code == 2 and err.startswith("hplab predict: error: realdir") \
        and err.endswith(" is a folder; give a file path for the output\n")


def test_an_export_is_compressed_as_its_name_says(stored, capsys):
    # QA: --csv t.csv.tar.bz2 was a traceback (pandas gave tarfile the mode "w:z2"); each
    # ending pandas knows is what pandas reads back
    assert run_cli(["study", "export", "xor", "--csv", "plain.csv"], capsys)[0] == 0
    plain = pd.read_csv("plain.csv")
    assert len(plain) == 2 and list(plain.columns[:2]) == ["number", "value_val_loss"]
    for ending in (".gz", ".bz2", ".zip", ".xz", ".tar", ".tar.gz", ".tar.bz2", ".tar.xz"):
        for _ in range(2):  # the second over the first: an earlier export is replaced
            code, _, err = run_cli(["study", "export", "xor", "--csv", f"t.csv{ending}"],
                                   capsys)
            assert (code, err) == (0, "")
        pd.testing.assert_frame_equal(pd.read_csv(f"t.csv{ending}"), plain)
    with tarfile.open("t.csv.tar.bz2") as tar:  # bzip2 itself, one member named as the file
        assert tar.getnames() == ["t.csv"]
    assert Path("t.csv.tar.bz2").read_bytes().startswith(b"BZh")


def test_a_csv_named_as_a_tar_shorthand_is_refused(stored, capsys):
    # QA: --csv out.csv.tgz wrote plain CSV text under a gzipped tar's name (pandas knows
    # no .tgz, and reads such a file back as text): refused, naming the endings it knows
    _, model = stored
    Path("old.csv.tgz").write_bytes(b"an archive of my own")  # left as it was
    for name, better in (("old.csv.tgz", "old.csv.tar.gz"), ("t.TGZ", "t.tar.gz"),
                         ("t.csv.tbz2", "t.csv.tar.bz2"), ("t.txz", "t.tar.xz")):
        code, out, err = run_cli(["study", "export", "xor", "--csv", name], capsys)
        ending = name[name.rfind("."):]
        assert (code, out) == (2, "")
        assert err == (f"hplab study export: error: {name}: a CSV is compressed by its "
                       f"name's ending ({ENDINGS}), not {ending}: name it {better}\n")
    assert Path("old.csv.tgz").read_bytes() == b"an archive of my own"
    assert sorted(p.name for p in Path().glob("t.*")) == []
    code, _, err = run_cli(["predict", model, "--dataset", "--out", "p.tgz"], capsys)
    assert code == 2 and err.endswith(", not .tgz: name it p.tar.gz\n")
    assert not Path("p.tgz").exists()


def test_a_csv_named_as_another_format_or_compression_is_refused(stored, capsys):
    # QA: --csv x.xlsx, x.parquet and x.csv.gzip were plain CSV text under those names
    # (exit 0, "wrote ..."); refused, naming the endings that work, before any file is made
    _, model = stored
    for name, said in (("x.xlsx", "the file written is CSV text, not .xlsx: name it x.csv, "
                                  f"or compressed by one of {ENDINGS}"),
                       ("x.csv.PARQUET", "the file written is CSV text, not .PARQUET: name "
                                         f"it x.csv, or compressed by one of {ENDINGS}"),
                       ("x.csv.gzip", "a CSV is compressed by its name's ending "
                                      f"({ENDINGS}), not .gzip: name it x.csv.gz"),
                       ("x.csv.7z", "a CSV is compressed by its name's ending "
                                    f"({ENDINGS}), not .7z")):
        code, out, err = run_cli(["study", "export", "xor", "--csv", name], capsys)
        assert (code, out, err) == (2, "", f"hplab study export: error: {name}: {said}\n")
    code, _, err = run_cli(["predict", model, "--dataset", "--out", "p.npy"], capsys)
    assert code == 2 and err.endswith("not .npy: name it p.csv, or compressed by one of "
                                      f"{ENDINGS}\n")
    assert sorted(p.name for p in Path().glob("[xp].*")) == []
    # a plain name (no ending, or one no format claims) is plain CSV text, as before
    for name in ("results.txt", "results"):
        assert run_cli(["study", "export", "xor", "--csv", name], capsys)[0] == 0
        assert len(pd.read_csv(name)) == 2


def test_a_zst_csv_without_zstandard_is_one_line(stored, capsys, monkeypatch):
    # QA: --csv x.csv.zst without the zstandard package was pandas' ImportError, a traceback
    # and exit 1, after the trials were read; refused up front, as predict --out is
    _, model = stored
    assert run_cli(["study", "export", "xor", "--csv", "t.csv.zst"], capsys)[0] == 0
    assert len(pd.read_csv("t.csv.zst")) == 2  # with zstandard: written and read back
    monkeypatch.setitem(sys.modules, "zstandard", None)  # as where it is not installed
    for argv in (["study", "export", "xor", "--csv", "u.csv.zst"],
                 ["predict", model, "--dataset", "--out", "u.csv.zst"]):
        code, out, err = run_cli(argv, capsys)
        assert (code, out) == (2, "")
        assert err.endswith("error: u.csv.zst: a .zst CSV needs the zstandard package: "
                            "install it (pip install zstandard), or name it u.csv.gz\n"), err
    assert not Path("u.csv.zst").exists()


def test_the_csv_flags_help_lists_every_ending_written(capsys):
    # QA: --help listed .gz, .bz2, .xz, .zip only; the tar endings and .zst work too
    for argv in (["study", "export", "--help"], ["predict", "--help"]):
        with pytest.raises(SystemExit):
            hplab.main(argv)
        said = " ".join(capsys.readouterr().out.split())
        assert ENDINGS in said, said


@pytest.mark.slow
def test_reports_never_land_in_another_commands_folder(stored, capsys):
    _, model = stored
    run_folder = model.parent
    files = {p.name: _digest(p) for p in run_folder.iterdir() if p.is_file()}
    for argv in (["study", "report", "xor", "--out", run_folder],
                 ["capacity", "--dataset", "xor", "--widths", "2", "--depths", "1",
                  "--seeds", "1", "--epochs", "3", "--out", run_folder]):
        code, _, err = run_cli(argv, capsys)
        assert code == 2 and f"{run_folder} holds a training run; give another folder" in err
    assert {p.name: _digest(p) for p in run_folder.iterdir() if p.is_file()} == files
    capacity = ["capacity", "--dataset", "xor", "--widths", "2", "--depths", "1",
                "--seeds", "1", "--epochs", "3", "--out", "runs/cap", "--json"]
    code, _, err = run_cli(capacity, capsys)
    assert code == 0 and "replaced" not in err
    # its own folder: a re-run replaces it, and says so (QA: without a word, where train
    # said it)
    code, _, err = run_cli(capacity, capsys)
    assert code == 0 and ("hplab capacity: replaced the earlier report in runs/cap (another "
                          "--out keeps both)\n") in err
    code, _, err = run_cli(["lr-range", "--dataset", "xor", "--hidden", "2", "--out",
                            "runs/cap"], capsys)
    assert code == 2 and "runs/cap holds a report of hplab capacity" in err
    # a report.html of the user's own, and another study's report, are not replaced either
    Path("mine").mkdir()
    Path("mine/report.html").write_text("<html>my own report</html>")
    code, _, err = run_cli(["train", "--dataset", "xor", "--epochs", "2", "--out", "mine"],
                           capsys)
    assert code == 2 and "mine holds a report.html hplab did not write" in err
    assert Path("mine/report.html").read_text() == "<html>my own report</html>"
    Path("x2.toml").write_text(Path("xor.toml").read_text())  # study x2, after its file
    assert run_cli(["study", "run", "x2.toml", "--no-report"], capsys)[0] == 0
    assert run_cli(["study", "report", "x2", "--out", "runs/sr"], capsys)[0] == 0
    code, _, err = run_cli(["study", "report", "xor", "--out", "runs/sr"], capsys)
    assert code == 2 and "runs/sr holds the report of study 'x2'" in err
    # QA: a train into a study report's best_model/ took it for a run of its own and
    # replaced it; the study could then neither resume nor write its report
    best = {p.name: _digest(p) for p in Path("runs/sr/best_model").iterdir() if p.is_file()}
    code, _, err = run_cli(["train", "--dataset", "xor", "--epochs", "2", "--out",
                            "runs/sr/best_model"], capsys)
    assert code == 2 and err.endswith("runs/sr/best_model holds the best model of the report "
                                      "of study 'x2'; give another folder\n"), err
    assert {p.name: _digest(p) for p in Path("runs/sr/best_model").iterdir()
            if p.is_file()} == best
    assert run_cli(["study", "report", "x2", "--out", "runs/sr"], capsys)[0] == 0
    # a folder of the user's with a best_model/ of its own keeps what the report did not write
    Path("myexp/best_model").mkdir(parents=True)
    Path("myexp/best_model/notes.txt").write_text("precious")
    assert run_cli(["study", "report", "xor", "--out", "myexp"], capsys)[0] == 0
    assert Path("myexp/best_model/notes.txt").read_text() == "precious"


def test_a_run_folder_is_written_by_one_train_at_a_time(tmp_path, monkeypatch, capsys):
    # two trains under one --name at once left one's model beside the other's report
    monkeypatch.chdir(tmp_path)
    # sine: a report of a single input draws no decision map or hidden space, cheaply
    argv = ["train", "--dataset", "sine", "--hidden", "3", "--epochs", "3", "--name", "mix"]
    assert run_cli(argv, capsys)[0] == 0
    folder = Path("runs/train/mix")
    sine = ["train", "--dataset", "sine", "--hidden", "2", "--epochs", "3", "--name", "mix"]
    files = {p.name: _digest(p) for p in folder.iterdir() if p.is_file()}
    fd = os.open(folder, os.O_RDONLY)  # another process writing it, as the OS sees it
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        code, _, err = run_cli(sine, capsys)
        # nor does another command's report land there meanwhile
        late, _, late_err = run_cli(["capacity", "--dataset", "xor", "--widths", "2",
                                     "--seeds", "1", "--epochs", "3", "--out", folder], capsys)
    finally:
        os.close(fd)
    assert code == 2 and "another hplab command is writing runs/train/mix" in err
    assert late == 2 and "another hplab command is writing runs/train/mix" in late_err
    assert {p.name: _digest(p) for p in folder.iterdir() if p.is_file()} == files
    assert run_cli(sine, capsys)[0] == 0  # free again: the re-run replaces the run


# `python hplab.py ARGV` as `hplab_cli` runs it (main() reading sys.argv: the program's own
# handlers and warning lines), in a child of `_fork_server`
_AS_PROGRAM = "import sys, hplab\nsys.exit(hplab.main())"


@pytest.fixture(scope="module")
def _fork_server(tmp_path_factory):
    """conftest's forking process, having imported what an analysis command loads: each
    command it runs is a process of its own, as `hplab_cli`'s, without ~2 s of imports."""
    server = ForkServer(tmp_path_factory.mktemp("forks"),
                        imports="analyses, data, nets, optuna, reports, study")
    yield server
    server.close()


@pytest.mark.parametrize("command", ANALYSES)
def test_an_analysis_holds_its_folder_from_its_start(command, tmp_path, monkeypatch, capsys,
                                                     _fork_server):
    # QA: two lr-range with one --out at once both ran, both printed the report's path,
    # and the folder held one of them; the other's was lost without a word
    import analyses
    import reports

    argv, function = ANALYSES[command]
    argv = [*argv, "--out", "runs/shared"]
    run, second = getattr(analyses, function), []
    logs = tmp_path / "forked"
    logs.mkdir()

    def another_starts_meanwhile(*args, **kwargs):  # another hplab process, the same --out
        code, out, err = _fork_server.run(argv, tmp_path, logs, script=_AS_PROGRAM)
        second.append(subprocess.CompletedProcess(argv, code, out, err))
        return run(*args, **kwargs)

    monkeypatch.setattr(analyses, function, another_starts_meanwhile)
    code, _, err = run_cli(argv, capsys)
    assert code == 0, err
    (late,) = second  # refused at once, before its runs, not after them
    assert late.returncode == 2 and late.stdout == "" and late.stderr == (
        f"hplab {command}: error: another hplab command is writing runs/shared; wait for it "
        "to end, or give another --out\n")
    assert reports.read_report_info(tmp_path / "runs/shared/report.html").kind == command
    monkeypatch.setattr(analyses, function, run)
    code, _, err = run_cli(argv, capsys)  # free again once it ended
    assert code == 0 and "replaced the earlier report in runs/shared" in err, err
    # held from the start, its folder is made then: input refused after leaves none of it
    code, _, err = run_cli([*argv, "--dataset", "nosuch", "--out", "new/deep"], capsys)
    assert code == 2 and "unknown dataset 'nosuch'" in err and not Path("new").exists()


@pytest.mark.parametrize("command", ANALYSES)
def test_an_analysis_refuses_an_out_without_a_report(command, tmp_path, capsys):
    # QA: --no-report --out /nonexistent/zzz ran, exit 0, --out dropped without a word
    argv = [*ANALYSES[command][0], "--no-report", "--out", tmp_path / "zzz"]
    assert run_cli(argv, capsys) == (2, "", f"hplab {command}: error: --out is the report's "
                                            "folder: it has no use with --no-report\n")
    assert not (tmp_path / "zzz").exists()


def test_every_analysis_is_run_twice_into_one_folder_above():
    # QA: a report whose kind was not its command passed its first run and refused every
    # re-run; the test above re-runs each analysis into its folder: every one, a new too
    assert set(ANALYSES) == set(hplab.analysis_commands(hplab.build_parser()))


def test_every_analysis_has_its_report_and_lines_in_reports_registry():
    # QA: hplab.py found them by getattr on a name made of the command (a missing one was an
    # AttributeError at the analysis's end); a registry names them, and the valid ones
    import reports

    assert set(reports.ANALYSIS_OUTPUTS) == set(hplab.analysis_commands(hplab.build_parser()))
    write, lines = reports.analysis_outputs("lr-range")
    # each imported when first called (`import reports` loads neither module)
    assert (write.__name__, lines.__name__) == ("lr_range_report", "lr_range_lines")
    with pytest.raises(ValueError) as err:
        reports.analysis_outputs("weight-decay")
    assert str(err.value) == ("unknown analysis 'weight-decay'; valid: capacity, imbalance, "
                              "lr-range, scaling")


def test_an_analysis_report_of_another_kind_fails_at_its_first_run(tmp_path, monkeypatch,
                                                                    capsys):
    # QA: Report("weight_decay", ...) for `hplab weight-decay` (the spelling of its report
    # function) ran, and every re-run was refused: "holds a report of hplab weight_decay"
    import reports
    from reports import _lr_range_report

    def python_kind(kind, *args, **kwargs):
        return reports.Report(kind.replace("-", "_"), *args, **kwargs)

    monkeypatch.setattr(_lr_range_report, "Report", python_kind)
    with pytest.raises(RuntimeError, match="reports.lr_range_report wrote a report of kind "
                                           "'lr_range': an analysis's Report kind is its "
                                           "command, 'lr-range'"):
        run_cli(ANALYSES["lr-range"][0], capsys)


def test_a_run_never_replaces_files_hplab_did_not_write(tmp_path, monkeypatch, capsys):
    # QA: --out over the run's own data named history.csv (or npz data named model.npz, or
    # a user's notes) replaced it, exit 0, "replaced the earlier run"
    import nets
    import study

    monkeypatch.chdir(tmp_path)
    rows = "a,b,y\n" + "".join(f"{i % 7},{i % 5},{i % 2}\n" for i in range(40))
    for folder, name, text in [("d", "history.csv", rows), ("n", "config.json", '{"mine": 1}'),
                               ("m", "model.npz", "not a model")]:
        Path(folder).mkdir()
        (Path(folder) / name).write_text(text)
        files = {p.name: _digest(p) for p in Path(folder).iterdir()}
        data = f"csv:{folder}/{name}" if name == "history.csv" else "xor"
        code, out, err = run_cli(["train", "--dataset", data, "--epochs", "2", "--no-report",
                                  "--out", folder], capsys)
        assert (code, out, err) == (2, "", f"hplab train: error: --out {folder} holds a {name} "
                                           "hplab did not write; give another folder\n")
        assert {p.name: _digest(p) for p in Path(folder).iterdir()} == files
        with pytest.raises(ValueError, match=f"holds a {name} hplab did not write"):
            study.train_run("xor", nets.TrainConfig(max_epochs=1), out=folder)
    # a run's own files are replaced, as before, from the command line and from Python
    argv = ["train", "--dataset", "xor", "--epochs", "2", "--no-report", "--out", "own"]
    assert run_cli(argv, capsys)[0] == 0
    code, _, err = run_cli(argv, capsys)
    assert code == 0 and "replaced the earlier run in own" in err
    assert study.train_run("xor", nets.TrainConfig(max_epochs=1), out="own").out == Path("own")


def test_main_called_from_python_leaves_the_environment_alone(monkeypatch, capsys):
    # PYTHONWARNINGS, set for loky's resource tracker, stayed in a script's environment
    # (and reached every process it started later)
    monkeypatch.delenv("PYTHONWARNINGS", raising=False)
    code, out, _ = run_cli(["data", "list", "--json"], capsys)
    assert code == 0 and json.loads(out)
    assert "PYTHONWARNINGS" not in os.environ
    assert logging.getLogger("sqlalchemy.pool").level == logging.NOTSET  # the script's own


def test_the_program_hides_the_pools_interrupt_tracebacks():
    # QA: a Ctrl-C landing while SQLAlchemy's pool reset a connection printed "Exception
    # during reset or similar" and a traceback above "hplab: interrupted" (2 stops in 30)
    root = Path(hplab.__file__).resolve().parent
    done = subprocess.run([sys.executable, "-c", (
        "import logging, sys, hplab\n"
        "sys.argv = ['hplab', 'data', 'list', '--json']\n"
        "code = hplab.main()\n"
        "logging.getLogger('sqlalchemy.pool.impl.QueuePool').error(\n"
        "    'Exception during reset or similar', exc_info=KeyboardInterrupt())\n"
        "sys.exit(code)")], capture_output=True, text=True, cwd=root)
    assert done.returncode == 0 and json.loads(done.stdout) and done.stderr == ""
    # and its pool's workers, which the parent's setting does not reach
    done = subprocess.run([sys.executable, "-c", (
        "import logging, study._worker_pool as run\n"
        "run.timed_worker = lambda *a, **k: (logging.getLogger(\n"
        "    'sqlalchemy.pool.impl.QueuePool').getEffectiveLevel(), False)\n"
        "print(run._pool_worker(None)[0])")], capture_output=True, text=True, cwd=root)
    assert done.stdout == f"{logging.CRITICAL}\n", done.stderr


def test_a_signal_as_the_command_starts_its_work_is_one_line(monkeypatch, capsys):
    # QA: Ctrl-C in a command's first fraction of a second, as it imported what runs it,
    # ended in a traceback (the signal's KeyboardInterrupt raised by that import)
    import nets

    def interrupted(name):
        raise KeyboardInterrupt

    monkeypatch.delattr(nets, "command_lines")
    monkeypatch.setattr(nets, "__getattr__", interrupted, raising=False)
    assert run_cli(["data", "list"], capsys) == (130, "", "hplab: interrupted\n")


def test_an_interrupted_first_train_leaves_no_empty_folder(tmp_path, monkeypatch, capsys):
    # Ctrl-C during a first train left runs/train/NAME/, empty
    import study

    monkeypatch.chdir(tmp_path)
    argv = ["train", "--dataset", "sine", "--hidden", "2", "--epochs", "3", "--name", "stop"]
    assert run_cli(argv, capsys)[0] == 0
    files = {p.name: _digest(p) for p in Path("runs/train/stop").iterdir() if p.is_file()}

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(study, "train_run", interrupted)
    assert run_cli([*argv[:-1], "first"], capsys)[:3:2] == (130, "hplab: interrupted\n")
    assert not Path("runs/train/first").exists() and Path("runs/train").is_dir()
    # a re-run's folder stays, with the earlier run in it
    assert run_cli(argv, capsys)[0] == 130
    assert {p.name: _digest(p) for p in Path("runs/train/stop").iterdir()
            if p.is_file()} == files


def test_a_rerun_into_the_folder_it_ran_in_names_it_by_its_path(tmp_path, monkeypatch,
                                                                capsys):
    # QA: "hplab lr-range: replaced the earlier report in . (another --out keeps both)"
    monkeypatch.chdir(tmp_path)
    argv = ["lr-range", "--dataset", "xor", "--hidden", "2", "--seeds", "1", "--steps", "20",
            "--out", ".", "--json"]
    code, _, err = run_cli(argv, capsys)
    assert code == 0 and "replaced" not in err
    code, _, err = run_cli(argv, capsys)
    assert code == 0 and (f"hplab lr-range: replaced the earlier report in {tmp_path} "
                          "(another --out keeps both)\n") in err


def test_outputs_never_overwrite_a_runs_or_a_reports_files(stored, capsys, monkeypatch):
    # QA: predict --out RUN/report.html replaced a training run's report with CSV, and
    # study export --csv RUN/config.json its config (the model and storage were refused)
    _, model = stored
    run = model.parent
    # a study's report folder: its page, and the best trial's run in best_model/
    studied = Path("runs/studies/xor")
    shutil.copytree(run, studied / "best_model")
    shutil.copy(run / "report.html", studied / "report.html")
    table = next((run / "report_files").glob("*.csv"))
    targets = {run / "report.html": f"the training run in {run}",
               run / "config.json": f"the training run in {run}",
               run / "history.csv": f"the training run in {run}",
               table: f"the training run in {run}",
               studied / "report.html": f"the report in {studied}",
               studied / "best_model" / "history.csv": f"the report in {studied}"}
    kept = {p: _digest(p) for p in targets}
    for target, whose in targets.items():
        for argv, what in ((["predict", model, "--dataset", "--out", target], "the output"),
                           (["study", "export", "xor", "--csv", target], "the CSV")):
            code, out, err = run_cli(argv, capsys)
            assert (code, out) == (2, ""), (argv, err)
            said_as = " ".join(argv[:2]) if argv[0] == "study" else argv[0]
            assert err == (f"hplab {said_as}: error: {target} is a file of {whose}; "
                           f"write {what} elsewhere\n")
    assert {p: _digest(p) for p in kept} == kept
    # a file of the user's own beside them is theirs to write
    assert run_cli(["study", "export", "xor", "--csv", run / "trials.csv"], capsys)[0] == 0
    # from inside the run's folders, the run is named by its absolute path: it was "in ."
    # (and from report_files "in .", its parent meant)
    home, whole, model = Path.cwd(), run.resolve(), model.resolve()
    for where, target in ((whole, "report.html"), (whole / "report_files", table.name),
                          (whole / "report_files", "../config.json")):
        monkeypatch.chdir(where)
        code, _, err = run_cli(["predict", model, "--dataset", "--out", target], capsys)
        assert (code, err) == (2, f"hplab predict: error: {target} is a file of the training "
                                  f"run in {whole}; write the output elsewhere\n")
    monkeypatch.chdir(home)
    assert {p: _digest(p) for p in kept} == kept


def test_a_report_that_cannot_be_written_after_the_run_leaves_its_results_printed(
        tmp_path, monkeypatch, capsys):
    # QA: a full disk once the trials had finished: "hplab study: error: [Errno 28] No space
    # left on device", exit 2, no JSON, no word that the trials had finished; train the
    # same after its model was saved
    import reports

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(reports, "study_report", full_disk)
    monkeypatch.setattr(reports, "training_report", full_disk)
    spec = (SPECS_DIR / "xor.toml").read_text()
    Path("xor.toml").write_text(spec.replace("n_trials = ", "n_trials = 2 #")
                              .replace("max_epochs = ", "max_epochs = 5 #"))
    code, out, err = run_cli(["study", "run", "xor.toml", "--json"], capsys)
    summary = json.loads(out)
    assert code == 2 and summary["n_finished"] == 2 and summary["report_path"] is None
    assert err == ("hplab study run: error: the report could not be written in runs/studies/xor "
                   "(No space left on device)\n")
    # QA: exit code 2 came with the whole JSON, which did not say the report had failed
    # (elsewhere 2 comes with an empty stdout): report_error says it, null otherwise
    assert summary["report_error"] == err.removeprefix("hplab study run: error: ").rstrip()
    code, out, err = run_cli(["study", "run", "xor.toml", "--json", "--no-report", "--trials",
                              "3"], capsys)
    assert (code, err) == (0, "") and json.loads(out)["report_error"] is None
    code, out, err = run_cli(["train", "--dataset", "xor", "--hidden", "2", "--epochs", "2",
                              "--out", "o", "--json"], capsys)
    summary = json.loads(out)
    assert code == 2 and summary["report_path"] is None and summary["epochs"] == 2
    assert Path(summary["model_path"]) == Path("o/model.npz") and Path("o/model.npz").is_file()
    assert err == ("hplab train: error: the report could not be written in o "
                   "(No space left on device)\n")
    assert summary["report_error"] == err.removeprefix("hplab train: error: ").rstrip()
    code, out, err = run_cli(["train", "--dataset", "xor", "--hidden", "2", "--epochs", "2",
                              "--out", "o2", "--no-report"], capsys)
    assert code == 0 and "report_error" not in out  # the line is said on stderr, not here


def test_a_train_whose_report_fails_says_what_it_removed_and_leaves_no_empty_folder(
        tmp_path, monkeypatch, capsys):
    # QA: on a full disk, a train over an earlier run replaced it with a run without a
    # report (nothing rebuilds one), unsaid; a new run was left an empty report_files/
    figure_stand_in(monkeypatch, typeset=False)
    monkeypatch.chdir(tmp_path)
    train = ["train", "--dataset", "xor", "--hidden", "2", "--epochs", "2", "--json"]
    code, _, err = run_cli([*train, "--out", "o"], capsys)
    assert (code, err) == (0, "") and Path("o/report.html").is_file()
    to_csv = pd.DataFrame.to_csv

    def full_at_report_files(self, path_or_buf=None, *args, **kwargs):
        if isinstance(path_or_buf, str | Path) and Path(path_or_buf).parent.name == \
                "report_files":  # the disk fills up at the report's first CSV
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return to_csv(self, path_or_buf, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", full_at_report_files)
    code, out, err = run_cli([*train, "--out", "o", "--seed", "1"], capsys)
    # the file it failed at named, as every command says an OSError
    said = ("the report could not be written in o (cannot write o/report_files/history.csv: "
            "No space left on device); the earlier run's report was removed with its model")
    assert code == 2 and json.loads(out)["report_error"] == said
    assert err == ("hplab train: replaced the earlier run in o (another --out keeps both)\n"
                   f"hplab train: error: {said}\n")
    assert sorted(os.listdir("o")) == ["config.json", "history.csv", "model.npz"]
    code, out, err = run_cli([*train, "--out", "new"], capsys)
    assert code == 2 and err == ("hplab train: error: the report could not be written in new "
                                 "(cannot write new/report_files/history.csv: No space left "
                                 "on device)\n")
    assert sorted(os.listdir("new")) == ["config.json", "history.csv", "model.npz"]


def test_an_analysis_whose_report_cannot_be_written_leaves_no_empty_folder(
        tmp_path, monkeypatch, capsys):
    # review: held from its start, an analysis made runs/lr-range/xor at once; a full disk
    # then refused its report (exit 2, no error raised) and left the empty folders behind
    import reports

    def full_disk(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(reports.Report, "write", full_disk)
    code, out, err = run_cli(["lr-range", "--dataset", "xor", "--steps", "50", "--json"], capsys)
    assert code == 2 and json.loads(out)["report_error"] == (
        "the report could not be written in runs/lr-range/xor (No space left on device)")
    assert err == ("hplab lr-range: error: the report could not be written in "
                   "runs/lr-range/xor (No space left on device)\n")
    assert list(tmp_path.iterdir()) == []


def test_commands_run_where_a_folder_cannot_be_locked(tmp_path, monkeypatch, capsys):
    # review: on NFS, flock is emulated with fcntl locks, and an exclusive one on a folder
    # opened read-only fails with EBADF: "hplab lr-range: error: [Errno 9] Bad file
    # descriptor", every analysis and train refused
    flock = fcntl.flock

    def nfs_flock(fd, operation):
        read_only = fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE == os.O_RDONLY
        if operation & fcntl.LOCK_EX and read_only:
            raise OSError(errno.EBADF, os.strerror(errno.EBADF))
        return flock(fd, operation)

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(fcntl, "flock", nfs_flock)
    code, _, err = run_cli(["lr-range", "--dataset", "xor", "--steps", "50"], capsys)
    assert (code, err) == (0, "")
    assert Path("runs/lr-range/xor/report.html").is_file()
    code, _, err = run_cli(["train", "--dataset", "sine", "--hidden", "2", "--epochs", "2",
                            "--json"], capsys)
    assert (code, err) == (0, "")
    assert Path("runs/train/sine/model.npz").is_file()

def test_an_interrupt_that_comes_out_as_a_value_error_is_a_stop(tmp_path, capsys):
    # Ctrl-C inside a C extension while a report was written came out as its ValueError
    # ("... is not a valid PEP 3118 buffer format string"), said as "the report could not
    # be written" with exit 2, where a stop is 130
    def write():
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise ValueError("'T{d:val:q:i1:q:i2:}' is not a valid PEP 3118 buffer") from None

    with pytest.raises(KeyboardInterrupt):
        _output.write_report({}, tmp_path, write)
    # a plain ValueError is still the report's failure, said as such
    summary = {}
    said = _output.write_report(summary, tmp_path, lambda: int("x"))
    assert said.startswith(f"the report could not be written in {tmp_path}")
    assert summary["report_path"] is None


@pytest.mark.parametrize("command", list(ANALYSES))
def test_an_analysis_report_names_its_data_file_by_its_absolute_path(command, tmp_path,
                                                                      capsys, monkeypatch):
    # QA: the imbalance report's provenance gave csv:fr.csv?ignore=id as typed, while the
    # README (and the training and study reports) name a data file by its absolute path
    from conftest import report_facts

    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(0)
    n = 300
    frame = pd.DataFrame({"id": np.arange(n), "a": rng.normal(size=n), "b": rng.normal(size=n)})
    frame["label"] = (frame["a"] + 0.3 * frame["b"] > 0.3).astype(int)
    frame.to_csv(tmp_path / "fr.csv", index=False)
    argv, _ = ANALYSES[command]
    at = argv.index("--dataset") + 1
    argv = [*argv[:at], "csv:fr.csv?ignore=id", *argv[at + 1:]]
    if "--ratio" in argv:  # the data's own
        del argv[argv.index("--ratio"):argv.index("--ratio") + 2]
    code, out, err = run_cli([*argv, "--out", "rep", "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["dataset"] == "csv:fr.csv?ignore=id"  # as typed, as train's
    facts = report_facts((tmp_path / "rep" / "report.html").read_text())
    assert facts["Dataset"] == f"csv:{tmp_path.resolve() / 'fr.csv'}?ignore=id"


# every path flag, as the shell passes it unexpanded (--out=~/x, a quoted '~/x')
TILDE_PATHS = [
    (["train", "--dataset", "xor", "--out=~/m"], "out", "m"),
    *(([*argv, "--out=~/r"], "out", "r") for argv, _ in ANALYSES.values()),
    (["study", "report", "xor", "--out=~/r"], "out", "r"),
    (["study", "export", "xor", "--csv=~/x.csv"], "csv", "x.csv"),
    (["study", "run", "~/s.toml"], "spec", "s.toml"),
    (["predict", "~/m.npz", "--input=~/i.csv"], "model", "m.npz"),
    (["predict", "m.npz", "--input=~/i.csv"], "input", "i.csv"),
    (["predict", "m.npz", "--dataset", "--out=~/p.csv"], "out", "p.csv"),
    (["export-onnx", "~/m.npz", "o.onnx"], "model", "m.npz"),
    (["export-onnx", "m.npz", "~/o.onnx"], "out", "o.onnx"),
    (["report", "index", "~/runs"], "dir", "runs"),
    (["data", "show", "mnist", "--data-dir=~/d"], "data_dir", "d"),
    (["data", "fetch", "mnist", "--dest=~/d"], "dest", "d"),
]


@pytest.mark.parametrize(("argv", "flag", "name"), TILDE_PATHS,
                         ids=[" ".join(a[:2]) + f" {f}" for a, f, _ in TILDE_PATHS])
def test_every_path_flag_expands_a_tilde(argv, flag, name, tmp_path, monkeypatch):
    # QA 37: `~` was expanded in dataset names and --storage only; --out=~/m1 wrote a
    # folder named ~ in the working folder and printed "~/m1/model.npz"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    args = hplab.build_parser().parse_args(argv)
    assert getattr(args, flag) == str(tmp_path / "home" / name)
    # "-" (standard output) and names that only start with '~' (no such user) stay
    assert _converters.path("-") == "-" and _converters.path("~nosuchuser9/x") == "~nosuchuser9/x"


def test_outputs_and_inputs_given_with_a_tilde_land_in_the_home_folder(tmp_path, monkeypatch,
                                                                       capsys, spec_file):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    # sine: a single input, a quick report (the paths are what is looked at)
    code, out, err = run_cli(["train", "--dataset", "sine", "--hidden", "2", "--epochs", "2",
                              "--out=~/m1", "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["model_path"] == str(home / "m1" / "model.npz")
    assert (home / "m1" / "model.npz").is_file()
    np.savetxt(home / "e.csv", [[0], [1], [0.5]], delimiter=",")
    code, out, err = run_cli(["predict", "~/m1/model.npz", "--input=~/e.csv", "--out=~/p.csv",
                              "--header=no"], capsys)
    assert code == 0, err
    assert f"wrote {home / 'p.csv'}" in out.splitlines()
    assert len(pd.read_csv(home / "p.csv")) == 3
    # a study of one sine trial of one epoch: its report, with the best model's, is quick
    shutil.copy(spec_file("tl", n_trials=1, dataset="sine", max_epochs=1, pruner="none"),
                home / "s.toml")
    code, out, err = run_cli(["study", "run", "~/s.toml", "--storage=~/st.db", "--no-report",
                              "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["storage"] == f"sqlite:///{home / 'st.db'}"
    code, out, err = run_cli(["study", "export", "tl", "--storage=~/st.db", "--csv=~/x.csv"],
                             capsys)
    assert (code, out) == (0, f"wrote {home / 'x.csv'}\n"), err
    code, out, err = run_cli(["study", "report", "tl", "--storage=~/st.db", "--out=~/rep",
                              "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["report_path"] == str(home / "rep" / "report.html")
    code, out, err = run_cli(["report", "index", "~"], capsys)
    assert (code, out) == (0, f"{home / 'index.html'}: 2 reports\n"), err
    assert list(work.iterdir()) == []  # no folder named ~ here


def test_one_epoch_is_said_in_the_singular_in_the_reports(tmp_path, spec_file, capsys):
    # QA: "1 epochs" in a capacity sweep's subtitle and caption, an lr-range's verification
    # and a study's subtitle, each run with one epoch
    import html
    import re

    import nets

    def text(path: Path) -> str:
        return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", path.read_text())).split())

    code, _, err = run_cli(["capacity", "--dataset", "coin", "--widths", "2,4", "--seeds", "1",
                            "--epochs", "1", "--out", tmp_path / "cap"], capsys)
    assert code == 0, err
    page = text(tmp_path / "cap" / "report.html")
    assert "adam lr 0.1, full batch, 1 epoch " in page
    assert "10 000 SGD epochs; this sweep: 1 epoch)." in page
    code, _, err = run_cli(["lr-range", "--dataset", "xor", "--verify", "--verify-epochs", "1",
                            "--out", tmp_path / "lr"], capsys)
    assert code == 0, err
    assert "Verification is inconclusive: brief runs (1 epoch) at 17 rates" in text(
        tmp_path / "lr" / "report.html")
    path = spec_file("one", n_trials=1, max_epochs=1, pruner="none")
    code, _, err = run_cli(["study", "run", path, "--storage", tmp_path / "one.db", "--out",
                            tmp_path / "study"], capsys)
    assert code == 0, err
    assert "xor · minimize val_loss · tpe sampler · no pruner · up to 1 epoch " in text(
        tmp_path / "study" / "report.html")
    # fractions stay plural; a float count formatted as "1" is one
    assert [nets.count_of(n, "epoch", fmt="g") for n in (0.5, 1.0, 2)] == [
        "0.5 epochs", "1 epoch", "2 epochs"]
