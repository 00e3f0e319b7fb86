"""Every report table's <caption>: its name for a screen reader, out of sight."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from conftest import assert_scroll_regions, report_captions

import nets
import reports


def test_each_table_is_named_by_its_captions_first_sentence_or_its_heading(tmp_path,
                                                                          parse_html):
    # QA: a report's tables had no <caption>: a screen reader's list of tables read "table,
    # 12 rows" for each, and which was which was lost
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    rep = reports.Report("demo", "Captions")
    rep.add_section("Runs")
    rep.add_table(frame, name="runs", caption="Every run (e.g. a seed; or two). Same in every "
                  "row: 0.5. Data below; more.")
    rep.add_table(frame, name="lower", caption="One test per seed. stop_reason: why, e.g. nan.")
    rep.add_table(frame, name="bare")  # no caption: the heading above names it
    rep.add_table(frame, name="named", caption="Median, quartiles and IQR in log10 units; n "
                  "= seeds.", title="Spread of the suggestions")
    for ratio in ("1:10", "1:20"):  # the same words in two sections: each says its own
        rep.add_section(f"Ranking · {ratio}")
        rep.add_table(frame, name=f"ranked-{ratio.replace(':', 'to')}",
                      caption="Ranked strategies; failed ones last. Why they failed.")
    page = rep.html()
    assert not parse_html(page).errors
    assert report_captions(page) == {
        "table-runs": "Every run (e.g. a seed; or two)", "table-bare": "Runs",
        "table-lower": "One test per seed",
        "table-named": "Spread of the suggestions",
        "table-ranked-1to10": "Ranked strategies (Ranking · 1:10)",
        "table-ranked-1to20": "Ranked strategies (Ranking · 1:20)"}
    # the caption under the table is as it was, whole
    assert "Every run (e.g. a seed; or two). Same in every row: 0.5. Data below; more." in \
        " ".join(parse_html(page).all_text.split())
    # each of the index's tables (one a kind) is named by the heading above it, and the page
    rep.write(tmp_path / "runs" / "demo" / "captions")
    index = (tmp_path / "runs" / "index.html").read_text()
    heading = re.search(r'<h2 id="h-kind-demo">([^<]+) <span', index).group(1)
    assert heading == "demo reports"
    assert re.search(r'<h1>Reports in ([^<]+)</h1>', index).group(1) == "runs"
    assert re.search(
        r'<table class="index">\s*<caption class="visually-hidden">([^<]+)</caption>',
        index).group(1) == "demo reports in runs"
    # each table's scrolling frame a keyboard reaches, named as its table
    assert_scroll_regions(page)
    assert_scroll_regions(index)


@pytest.mark.slow
def test_a_training_reports_tables_are_named(tmp_path, parse_html):
    # its tables' first sentences say where their values come from, not what they are
    import study

    run = study.train_run("double-arc", nets.TrainConfig(hidden=(3,), lr=0.3, batch_size=10,
                                                         max_epochs=5),
                          seed=0, out=tmp_path / "t", name="t", command="")
    page = reports.training_report(run, run.out).read_text()
    assert report_captions(page) == {
        "table-final": "Train, validation and test loss and accuracy",
        "table-per-class": "Precision, recall and F1 per class",
        "table-positive-class": "Positive class 1: ranking and threshold scores"}


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_every_caption_of_a_real_imbalance_and_study_report_is_a_name_not_a_paragraph(
        tmp_path, tiny_study):
    # review: a screen reader's list of tables read a paragraph for some ("The test scores
    # every run's metrics above come from, one row per test example ...", 330 characters):
    # a first sentence of colons and commas is no name
    import analyses

    res = analyses.imbalance_benchmark("moons", ratios="1:10,1:20", seeds=2, workers=1,
                                       strategies="none,class_weight,random_under,tomek_links",
                                       leakage_demo=True,
                                       net_params={"hidden": (4,), "max_epochs": 3})
    pages = {"imbalance": reports.imbalance_report(res, tmp_path / "imb", index=False),
             "study": reports.study_report("tiny", storage=str(tiny_study()),
                                           out=tmp_path / "st")}
    for kind, path in pages.items():
        captions = report_captions(path.read_text())
        assert len(captions) >= (20 if kind == "imbalance" else 3), (kind, captions)
        long = {t: c for t, c in captions.items() if len(c) > 80}
        assert not long, (kind, long)
        assert_scroll_regions(path.read_text())
    captions = report_captions(pages["imbalance"].read_text())
    assert captions["table-scores"] == "Test scores of every run"
    assert captions["table-paired-1to10"] == (
        f"Paired differences from {res.ranking().iloc[0]['strategy']} (Ranking by pr_auc · 1:10)")
