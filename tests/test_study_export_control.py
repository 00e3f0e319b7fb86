"""``hplab study export``'s stored strings holding control characters (another Optuna
client's user attribute, a categorical choice, a failed trial's reason): a file takes
them as stored and reads back whole; a terminal is shown them escaped."""

import os
import subprocess
import sys
from pathlib import Path

import optuna
import pandas as pd
from cli_helpers import hplab_on_a_terminal, run_cli
from optuna.distributions import CategoricalDistribution, FloatDistribution

ROOT = Path(__file__).resolve().parents[1]
CHOICE = "\x1b[31mred\x1b[0m"
NOTE = "a\x1b[2J\rb"  # clear the screen, then back to the line's start
WHY = "boom\x1b]0;title\x07\r"  # retitle the terminal's window


def _with_control_characters(db: Path) -> None:
    """Two trials another client adds to the stored study "tiny" of ``db``."""
    s = optuna.load_study(study_name="tiny", storage=f"sqlite:///{db}")
    lr = FloatDistribution(0.05, 2.0, log=True)
    s.add_trial(optuna.create_trial(
        params={"lr": 0.1, "tag": CHOICE}, value=0.25, user_attrs={"note": NOTE},
        distributions={"lr": lr, "tag": CategoricalDistribution(["x", CHOICE])}))
    s.add_trial(optuna.create_trial(state=optuna.trial.TrialState.FAIL, params={"lr": 0.2},
                                    distributions={"lr": lr}, user_attrs={"reason": WHY}))


def _export(db: Path, cwd: Path, **streams) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "hplab.py"), "study", "export", "tiny",
                           "--storage", str(db), "--csv", "-"], cwd=cwd, timeout=180,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, **streams)


def _stored_rows(table: pd.DataFrame) -> tuple:
    rows = table.set_index("number")
    return (len(table), rows.loc[2, "value_val_loss"], rows.loc[3, "params_lr"],
            rows.loc[2, "params_tag"], rows.loc[2, "user_attrs_note"],
            rows.loc[3, "user_attrs_reason"])


def test_a_carriage_return_in_a_stored_string_reads_back_as_stored(tiny_study, tmp_path,
                                                                  capsys):
    # QA: a user attribute "a\x1b[2J\rb" was written unquoted; pandas (and a spreadsheet)
    # read its \r as a line's end: 6 rows for 4 trials, the attribute cut at the \r
    db = tiny_study(".db")
    _with_control_characters(db)
    stored = (4, 0.25, 0.2, CHOICE, NOTE, WHY)
    csv = tmp_path / "trials.csv"
    code, out, err = run_cli(["study", "export", "tiny", "--storage", db, "--csv", csv],
                             capsys)
    assert code == 0, err
    assert _stored_rows(pd.read_csv(csv)) == stored
    piped = tmp_path / "piped.csv"  # standard output to a file: as stored too
    with open(piped, "wb") as fh:
        assert _export(db, tmp_path, stdout=fh, stderr=subprocess.PIPE).returncode == 0
    assert _stored_rows(pd.read_csv(piped)) == stored
    assert pd.read_csv(piped).equals(pd.read_csv(csv))


def test_export_to_a_terminal_shows_control_characters_escaped(tiny_study, tmp_path):
    # QA: `study export NAME --csv -` in a terminal cleared it and retitled its window
    db = tiny_study(".db")
    _with_control_characters(db)
    code, text = hplab_on_a_terminal("study", "export", "tiny", "--storage", db, "--csv", "-",
                                     cwd=tmp_path)
    assert code == 0, text[-2000:]
    assert "\x1b" not in text and "\x07" not in text and "\r" not in text
    rows = text.splitlines()
    assert len(rows) == 5 and rows[0].startswith("number,value_val_loss,")
    assert "\\x1b[31mred\\x1b[0m" in rows[3] and "a\\x1b[2J\\rb" in rows[3]
    assert "boom\\x1b]0;title\\x07\\r" in rows[4]
