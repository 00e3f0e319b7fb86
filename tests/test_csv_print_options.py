"""The CSV files hplab writes hold every digit of their floats whatever NumPy print options
the host process set (pandas writes a float as NumPy's ``str`` does: a notebook's
``np.set_printoptions(legacy="1.13")`` cut them to 12 digits)."""

import io
import tarfile

import numpy as np
import pandas as pd
import pytest

import nets
import reports
import study

FLOATS = pd.DataFrame({"x": [1 / 3, 1.0134148597717285, 0.1, 1e-20, -2.5e17],
                       "f32": np.array([1 / 3, 0.1, 2.0, 1e-7, 3.25], dtype=np.float32),
                       "label": ["a", "b", "c", "d", "e"]})


def _both(write):
    """``write(tag)`` run as is and under the legacy print options: its two results."""
    plain = write("plain")
    with np.printoptions(legacy="1.13"):
        legacy = write("legacy")
    assert np.get_printoptions()["legacy"] is False  # (the test's own, put back)
    return plain, legacy


@pytest.mark.parametrize("name", ["t.csv", "t.csv.gz", "t.zip", "t.tar.gz"])
def test_write_csv_writes_every_digit_under_legacy_print_options(tmp_path, name):
    plain, legacy = _both(lambda tag: nets.write_csv(tmp_path / tag / name, FLOATS).read_bytes())
    assert legacy == plain
    back = pd.read_csv(tmp_path / "legacy" / name, dtype=str)  # Python's float: exact
    assert [float(v) for v in back["x"]] == FLOATS["x"].tolist()  # bit for bit
    assert [np.float32(v) for v in back["f32"]] == FLOATS["f32"].tolist()


def test_the_text_holds_the_shortest_digits_that_read_back(tmp_path):
    with np.printoptions(legacy="1.13"):
        text = nets.frame_csv(FLOATS)
    assert text.splitlines()[1:3] == ["0.3333333333333333,0.33333334,a",
                                      "1.0134148597717285,0.1,b"]
    with np.printoptions(legacy="1.13"):
        buffer = io.BytesIO()
        nets.frame_csv(FLOATS, buffer, compression={"method": "tar",
                                                    "archive_name": "t.csv"})
    with tarfile.open(fileobj=io.BytesIO(buffer.getvalue())) as archive:
        assert archive.extractfile("t.csv").read().decode() == nets.frame_csv(FLOATS)


def test_a_runs_history_csv_is_the_same_under_legacy_print_options(tmp_path):
    cfg = nets.TrainConfig(hidden=(3,), max_epochs=3)
    plain, legacy = _both(lambda tag: (study.train_run(
        "coin", cfg, seed=0, out=tmp_path / tag).out / "history.csv").read_text())
    assert legacy == plain
    # (legacy's str wrote 1.39802098274 and 0.461111111111)
    assert plain.splitlines()[1] == ("0,0,0.1,1.3980209827423096,0.46111111111111114,"
                                     "1.4083895683288574,0.46")


def test_a_reports_csv_files_are_the_same_under_legacy_print_options(tmp_path):
    def write(tag):
        rep = reports.Report("demo", "Floats")
        rep.add_section("Numbers")
        rep.add_table(FLOATS, name="floats")
        rep.write(tmp_path / tag, index=False)
        return (tmp_path / tag / "report_files" / "floats.csv").read_text()

    plain, legacy = _both(write)
    assert legacy == plain
    assert "0.3333333333333333" in legacy


def test_export_to_standard_output_is_the_same_under_legacy_print_options(tiny_study, capsys):
    db = tiny_study()

    def export(tag):
        study.export_csv("tiny", "-", storage=str(db))
        return capsys.readouterr().out

    plain, legacy = _both(export)
    assert legacy == plain
