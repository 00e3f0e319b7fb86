"""The imbalance benchmark says up front which strategies will take minutes: the samplers
searching every row's nearest neighbours (quadratic in the rows), on a fraud-sized set."""

from analyses._imbalance_slow import SLOW_STRATEGIES, neighbour_rows, slow_strategies_warning
from nets import STRATEGIES

# a 284,807-row fraud table at 0.17 % positives, less its test and validation splits
FRAUD = (204_700, 360)


def test_the_four_neighbour_searches_are_counted_and_the_others_are_not():
    counts = {s: neighbour_rows(s, *FRAUD, 0.2) for s in STRATEGIES}
    assert {s for s, c in counts.items() if c is not None} == \
        {"tomek_links", "enn", "smote_enn", "smote_tomek"} == set(SLOW_STRATEGIES)
    assert counts["tomek_links"] == (205_060, 205_060)
    assert counts["enn"] == (204_700, 205_060)  # the majority's rows are queried
    assert counts["smote_tomek"] == counts["smote_enn"] == (245_640, 245_640)  # 0.2 x 204,700


def test_a_fraud_sized_set_is_warned_of_with_its_minutes():
    said = slow_strategies_warning([(s, *FRAUD, 0.2) for s in STRATEGIES], 30)
    # 205,060^2 + 204,700 x 205,060 + 2 x 245,640^2 terms x 30 features at 3e9 a second
    assert said.startswith("smote_enn, smote_tomek, tomek_links, enn search")
    assert "205,060 training rows" in said and "about 34 minutes for their 4 runs" in said
    assert "--strategies" in said and "train_size" in said


def test_three_seeds_triple_the_estimate():
    said = slow_strategies_warning([("tomek_links", *FRAUD, 0.2)] * 3, 30)
    assert "about 21 minutes for their 3 runs" in said  # 3 x 420.5 s


def test_a_small_set_or_fast_strategies_are_not_warned_of():
    assert slow_strategies_warning([(s, 19_960, 40, 0.2) for s in STRATEGIES], 30) == ""
    fast = [s for s in STRATEGIES if neighbour_rows(s, *FRAUD, 0.2) is None]
    assert slow_strategies_warning([(s, *FRAUD, 0.2) for s in fast], 30) == ""


def test_a_script_s_call_is_warned_at_its_own_line(monkeypatch):
    """The warning named the decorator's line in hplab (analyses/_analysis_data.py), not
    the script's call of imbalance_benchmark; a tiny set warned with the threshold at 0."""
    import warnings

    import analyses
    import analyses._imbalance_slow as slow

    monkeypatch.setattr(slow, "WARN_SECONDS", 0.0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        analyses.imbalance_benchmark("moons?imbalance=1:10", strategies="none,tomek_links",
                                     seeds=1, net_params={"hidden": (4,), "max_epochs": 3})
    (said,) = [w for w in caught if "nearest neighbours" in str(w.message)]
    assert str(said.message).startswith("tomek_links search each row's nearest neighbours "
                                        "among all 495 training rows")
    assert said.filename == __file__
