"""CSV files hplab writes open in a spreadsheet without running anyone's formula: class
names from other people's data and user attrs from other Optuna clients."""

from __future__ import annotations

import csv

import numpy as np
import optuna
import pandas as pd
import pytest
from cli_helpers import run_cli

import data
import nets
import study

EVIL = ("=1+1", "@SUM(A1)")


def _rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def test_text_cells_that_start_a_formula_get_a_quote():
    for text in ("=HYPERLINK(\"http://evil\",\"x\")", "+1+2", "-2+3", "@SUM(1)", "\tx", "\rx"):
        assert nets.spreadsheet_cell(text) == "'" + text
    # numbers, and text a spreadsheet reads as a number, are written as they are
    for value in (-0.5, 3, "-1", "+0.5", "-1e-3", ".5", "plain", "a=b", None):
        assert nets.spreadsheet_cell(value) == value
    frame = pd.DataFrame({"=x": ["=1+1", "ok"], "loss": [-0.5, 1.0], "n": [-1, 2]})
    safe = nets.spreadsheet_safe(frame)
    assert list(safe.columns) == ["'=x", "loss", "n"] and safe["'=x"].tolist() == ["'=1+1", "ok"]
    assert safe["loss"].tolist() == [-0.5, 1.0] and safe["n"].dtype == frame["n"].dtype
    assert frame["=x"].tolist() == ["=1+1", "ok"]  # the caller's frame is left as it is
    plain = pd.DataFrame({"a": ["x"], "b": [-0.5]})
    assert nets.spreadsheet_safe(plain) is plain
    # each distinct cell is checked once; a list (an Optuna client's user attr) cannot be
    # hashed to find the distinct ones, and its column is checked cell by cell
    listed = pd.DataFrame({"a": [["=x"], "=y", "ok", "=y"]})
    assert nets.spreadsheet_safe(listed)["a"].tolist() == [["=x"], "'=y", "ok", "'=y"]
    repeated = pd.DataFrame({"a": ["x", "y"] * 20_000 + ["-z"]})
    assert nets.spreadsheet_safe(repeated)["a"].tolist()[-3:] == ["x", "y", "'-z"]


def test_class_names_in_reports_and_predictions_are_neutralized(tmp_path, capsys,
                                                                monkeypatch):
    # QA: labels "=1+1" / "@SUM(A1)" went as they are into report_files/*.csv and predict --out
    monkeypatch.chdir(tmp_path)
    lines = ["a,b,label"] + [f"{i % 7 / 7:.3f},{i % 5 / 5:.3f},{EVIL[i % 2]}"
                             for i in range(120)]
    (tmp_path / "evil.csv").write_text("\n".join(lines) + "\n")
    code, _, err = run_cli(["train", "--dataset", "csv:evil.csv", "--epochs", "3", "--out",
                            "o_evil"], capsys)
    assert code == 0, err
    confusion = _rows("o_evil/report_files/confusion.csv")
    assert confusion[0] == ["true", "'=1+1", "'@SUM(A1)"]
    assert [row[0] for row in confusion[1:]] == ["'=1+1", "'@SUM(A1)"]
    per_class = _rows("o_evil/report_files/per-class.csv")
    assert [row[0] for row in per_class[1:3]] == ["'=1+1", "'@SUM(A1)"]
    assert float(per_class[1][1]) >= 0  # numbers stay numbers
    code, _, err = run_cli(["predict", "o_evil/model.npz", "--dataset", "--out", "pred.csv"],
                           capsys)
    assert code == 0, err
    header, *rows = _rows("pred.csv")
    assert header == ["prediction", "p_=1+1", "p_@SUM(A1)", "label"]
    assert {row[0] for row in rows} <= {"'=1+1", "'@SUM(A1)"}
    assert {row[3] for row in rows} == {"'=1+1", "'@SUM(A1)"}
    assert all(0 <= float(row[1]) <= 1 for row in rows)
    code, out, err = run_cli(["predict", "o_evil/model.npz", "--dataset", "--out", "-"], capsys)
    assert code == 0 and out.splitlines()[1].startswith("'"), err


def test_user_attrs_of_other_clients_in_study_export(spec_file, tmp_path, capsys):
    db = tmp_path / "s.db"
    spec = spec_file("tiny", n_trials=1, pruner="none", max_epochs=4)
    study.run_study(study.load_spec(spec), storage=str(db), progress=False)
    optuna.load_study(study_name="tiny", storage=f"sqlite:///{db}").add_trial(
        optuna.trial.create_trial(
            params={"lr": 0.1, "width": 2}, value=0.5,
            distributions={"lr": optuna.distributions.FloatDistribution(0.05, 2.0, log=True),
                           "width": optuna.distributions.IntDistribution(2, 6)},
            user_attrs={"note": '=HYPERLINK("http://evil","y")', "reason": "@SUM(1)",
                        "level": "-2+3", "shift": "-0.5"}))
    out = tmp_path / "out.csv"
    code, _, err = run_cli(["study", "export", "tiny", "--csv", out, "--storage", db], capsys)
    assert code == 0, err
    header, *rows = _rows(out)
    last = dict(zip(header, rows[-1], strict=True))
    assert last["user_attrs_note"] == "'=HYPERLINK(\"http://evil\",\"y\")"
    assert last["user_attrs_reason"] == "'@SUM(1)" and last["user_attrs_level"] == "'-2+3"
    assert last["user_attrs_shift"] == "-0.5" and float(last["value_val_loss"]) == 0.5
    assert float(last["params_lr"]) == 0.1
    # `--csv -` (a pipe, often into a file a spreadsheet opens) writes the same cells
    capsys.readouterr()
    code, piped, err = run_cli(["study", "export", "tiny", "--csv", "-", "--storage", db],
                               capsys)
    assert code == 0, err
    assert piped.splitlines() == out.read_text().splitlines()


def test_the_readers_spreadsheet_mark_is_the_writers_rule():
    # data may not import nets: its copy of the writer's constants is held equal here, and
    # every text the writer writes is read back as it was
    import data._spreadsheet_mark as reader
    import nets._safe_cells as writer

    assert reader._FORMULA_START == writer._FORMULA_START
    assert reader._NUMBER.pattern == writer._NUMBER.pattern
    texts = ["-ve", "+ve", "=1+2", "@x", "\tx", "\rx", "'=x", "''-x", "-1", "+0.5", "'-1",
             "'abc", "'", "abc", "", "-", "'+"]
    for text in texts:
        written = writer.spreadsheet_cell(text)
        assert reader.without_spreadsheet_mark(written) == text, (text, written)
    # what the writer never marks is read as written
    assert [reader.without_spreadsheet_mark(t) for t in ("'-1", "'abc", "'")] == \
        ["'-1", "'abc", "'"]


def test_a_csv_hplab_wrote_is_read_without_its_spreadsheet_marks(tmp_path, capsys):
    # QA: predict --out's labels +ve/-ve are written '+ve/'-ve (a spreadsheet's formula
    # otherwise); read back, the classes were "'+ve" and "'-ve", and a column "-x" "'-x"
    path = tmp_path / "pred.csv"
    labels = ["+ve", "-ve"] * 10
    nets.write_csv(path, pd.DataFrame({"-x": np.arange(20.0), "label": labels}))
    assert path.read_text().splitlines()[:2] == ["'-x,label", "0.0,'+ve"]
    ds = data.load(f"csv:{path}")
    assert ds.feature_names == ("-x",) and list(ds.classes) == ["+ve", "-ve"]
    code, out, _ = run_cli(["data", "show", f"csv:{path}?target=label"], capsys)
    assert code == 0 and "2 classes ['+ve', '-ve']" in out
    # a cell of that column is found by its name as read, for the message that names it
    nets.write_csv(path, pd.DataFrame({"-x": [np.nan, *range(19)], "label": labels}))
    with pytest.raises(data.DataError, match="column '-x': an empty cell"):
        data.load(f"csv:{path}")
