"""The imbalance report's calibration section draws and scores probabilities only."""

import pandas as pd

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
