"""The study report's importance shares read in one notation: a tiny share is "<0.001",
not scientific notation beside the others' fixed."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from conftest import figure_stand_in, report_table

import reports
import study
from reports._study_importance import share_text


@pytest.fixture(autouse=True)
def _untypeset(monkeypatch):
    figure_stand_in(monkeypatch, typeset=False)  # the claims are about the table


def test_a_tiny_importance_share_reads_below_a_thousandth_not_in_another_notation(
        spec_file, tmp_path):
    # QA: the importance table read "0.9997" beside "0.0003075" (below 1e-4, a column of
    # "9.997e-01" beside "3.075e-05"), and the agreement sentence 0.41 beside 3.200e-05;
    # XOR at seed 3 over lr 1e-4..5: PED-ANOVA gives width a share of about 3e-4
    db = tmp_path / "imp.db"
    study.run_study(study.load_spec(spec_file(
        "imp", n_trials=10, pruner="none", sampler="random", max_epochs=10, seed=3,
        space={"lr": {"low": 0.0001, "high": 5.0, "log": True},
               "width": {"low": 3, "high": 4}})), storage=str(db), progress=False)
    path = reports.study_report("imp", storage=str(db), out=tmp_path / "imp")
    shares = pd.read_csv(path.parent / "report_files" / "importances.csv").set_index(
        ["param", "method"])["importance"]
    assert 0 < shares[("width", "PED-ANOVA")] < 1e-3 < shares[("width", "fANOVA")]
    head, rows = report_table(path.read_text(), "table-importance-ranking")
    assert head == ["parameter", "PED-ANOVA", "fANOVA"]
    assert rows == [["lr", reports.design.format_value(shares[("lr", "PED-ANOVA")]),
                     reports.design.format_value(shares[("lr", "fANOVA")])],
                    ["width", "<0.001", reports.design.format_value(shares[("width", "fANOVA")])]]
    assert not [cell for row in rows for cell in row if "e-" in cell]
    # the CSV keeps the exact share
    ranking = pd.read_csv(path.parent / "report_files" / "importance-ranking.csv")
    assert ranking.set_index("parameter").loc["width", "PED-ANOVA"] == pytest.approx(
        shares[("width", "PED-ANOVA")])


@pytest.mark.parametrize(("share", "text"), [
    (3.2e-05, "<0.001"), (0.000999, "<0.001"), (0.001, "0.001"), (0.41, "0.41"),
    (0.7694467, "0.7694"), (1.0, "1"), (0.0, "0"), (math.nan, "–")])
def test_share_text(share, text):
    assert share_text(share) == text


def test_methods_that_disagree_give_a_tiny_share_in_the_same_words():
    from reports._study_importance import agreement_text

    imp = pd.DataFrame({"param": ["lr", "width", "width", "lr"],
                        "method": ["PED-ANOVA"] * 2 + ["fANOVA"] * 2,
                        "importance": [0.99997, 3.2e-05, 0.59, 0.41]})
    assert agreement_text(imp, ["PED-ANOVA", "fANOVA"]).startswith(
        " The two disagree: PED-ANOVA puts lr first (1.000; fANOVA 0.41), fANOVA puts width "
        "first (0.59; PED-ANOVA <0.001).")
