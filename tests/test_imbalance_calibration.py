"""The imbalance report's calibration section draws and scores probabilities only."""

import pandas as pd
import pytest

import analyses
import reports


def test_isolation_forests_anomaly_score_is_not_read_as_a_calibration(tmp_path, parse_html):
    # QA: the reliability curves and the Brier table took isolation_forest's 0-1 anomaly
    # score for a probability, and its Brier score read as the worst calibrated remedy
    res = analyses.imbalance_benchmark("moons", ratios="1:10", seeds=2, workers=1,
                                       strategies="none,isolation_forest",
                                       net_params={"hidden": (4,), "max_epochs": 3})
    assert "isolation_forest" in set(res.curves()["calibration"]["strategy"])
    path = reports.imbalance_report(res, tmp_path / "r", index=False)
    files = tmp_path / "r" / "report_files"
    assert pd.read_csv(files / "brier-1to10.csv")["strategy"].tolist() == ["none"]
    assert set(pd.read_csv(files / "calibration-1to10.csv")["strategy"]) == {"none"}
    text = " ".join(parse_html(path.read_text()).all_text.split())
    assert ("The Brier score in the table below summarizes each curve. isolation_forest is "
            "left out: its score is an anomaly score in (0, 1], not a probability, so it has "
            "no calibration to read." in text)
    # isolation_forest alone: no figure, no table, one line why
    res = analyses.imbalance_benchmark("moons", ratios="1:10", seeds=1, workers=1,
                                       strategies="isolation_forest")
    path = reports.imbalance_report(res, tmp_path / "alone", index=False)
    text = " ".join(parse_html(path.read_text()).all_text.split())
    assert ("No strategy here scores a probability. isolation_forest is left out: its score "
            "is an anomaly score in (0, 1], not a probability, so it has no calibration to "
            "read." in text)
    assert not (tmp_path / "alone" / "report_files" / "brier-1to10.csv").exists()


def test_a_brier_ranking_leaves_isolation_forest_out_as_calibration_does(tmp_path, capsys,
                                                                         parse_html):
    # QA (science referee): `--metric brier` ranked "3. isolation_forest 0.221 [0.216,
    # 0.225]", an anomaly score's Brier score (~0.22 by construction) beside the nets'
    import json

    from cli_helpers import run_cli

    argv = ["imbalance", "--dataset", "moons", "--ratio", "1:20", "--strategies",
            "none,class_weight,isolation_forest", "--seeds", "2", "--hidden", "4", "--epochs",
            "3", "--workers", "1", "--metric", "brier"]
    code, out, err = run_cli([*argv, "--json", "--out", tmp_path / "r"], capsys)
    assert code == 0, err
    s = json.loads(out)
    assert [r["strategy"] for r in s["ranking"]] == ["none", "class_weight"]
    # its score is still there, every metric's: left out of the ranking only
    brier = {m["strategy"]: m["brier"]["mean"] for m in s["metrics"] if m["threshold"] == "0.5"}
    assert brier["isolation_forest"] == pytest.approx(0.22, abs=0.02)
    why = ("isolation_forest is left out of the brier ranking: its score is an anomaly score "
           "in (0, 1], not a probability, so its brier score means nothing.")
    assert reports.imbalance_lines(s)[1] == why
    text = " ".join(parse_html((tmp_path / "r" / "report.html").read_text()).all_text.split())
    assert why in text
    files = tmp_path / "r" / "report_files"
    assert pd.read_csv(files / "ranking-table-1to20.csv")["strategy"].tolist() == [
        "none", "class_weight"]
    # ranked by a metric that reads no probability, it is ranked as before
    res = analyses.imbalance_benchmark("moons", ratios="1:20", seeds=2, workers=1,
                                       strategies="none,isolation_forest", metric="roc_auc",
                                       net_params={"hidden": (4,), "max_epochs": 3})
    assert set(res.ranking()["strategy"]) == {"none", "isolation_forest"}
    assert "left out of" not in "\n".join(reports.imbalance_lines(res.summary()))
    # isolation_forest alone has nothing to rank by brier: refused before any training
    code, out, err = run_cli(["imbalance", "--dataset", "moons", "--ratio", "1:20",
                              "--strategies", "isolation_forest", "--metric", "brier",
                              "--no-report"], capsys)
    assert (code, out) == (2, "")
    assert err == ("hplab imbalance: error: metric 'brier' reads scores as probabilities, and "
                   "isolation_forest scores none (an anomaly score): add a strategy that does "
                   "(none, class_weight, ...) or rank by another metric\n")
