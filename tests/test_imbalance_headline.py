"""The imbalance report's best card on real benchmarks: an exact tie for first is named
whole, as the ranking's "1=" has it."""

from __future__ import annotations

import pytest

import analyses
import reports


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_the_best_card_names_every_strategy_tied_for_first(tmp_path):
    # QA: `imbalance --dataset moons --ratio 1:100 --seeds 1 --metric recall` ranked four
    # strategies 1= at 1.000, and the card said "Best recall (1:100): random_under (one seed:
    # no interval)": whichever --strategies listed first
    kw = dict(ratios="1:100", strategies="none,random_under,class_weight,random_over",
              metric="recall", workers=1)
    res = analyses.imbalance_benchmark("moons", seeds=1, **kw)
    rank = res.ranking()
    assert analyses.tied_ranks(rank["rank"]) == ["1=", "1=", "1=", "4"]
    assert rank["mean"].tolist() == [1.0, 1.0, 1.0, 0.5]
    card = reports.read_report_info(
        reports.imbalance_report(res, tmp_path / "one", index=False)).headline[0]
    assert card["label"] == ("Best recall (1:100): random_under, class_weight and random_over "
                             "tie (one seed: no interval)")
    assert card["text"] == "1.000"
    # on two seeds, two tie at 0.75: the other not told apart is random_under, not the tied
    # one counted again ("not told apart from 2 others")
    res = analyses.imbalance_benchmark("moons", seeds=2, **kw)
    rank = res.ranking()
    assert list(zip(rank["strategy"], analyses.tied_ranks(rank["rank"]), rank["mean"],
                    strict=True)) == [("class_weight", "1=", 0.75), ("random_over", "1=", 0.75),
                                      ("random_under", "3", 0.5), ("none", "4", 0.25)]
    assert analyses.unsettled_first(rank.to_dict("records"), "recall", 2)[1] == [
        "random_over", "random_under"]
    card = reports.read_report_info(
        reports.imbalance_report(res, tmp_path / "two", index=False)).headline[0]
    assert card["label"] == ("Best recall (1:100): class_weight and random_over tie (not told "
                             "apart from 1 other)")
