"""The imbalance report's threshold section: the tuned thresholds themselves, and its words
on how few validation positives tuned them and on a tuned result no better than chance."""

import numpy as np
import pandas as pd

import analyses
import reports


def _report_text(res, out, parse_html) -> str:
    path = reports.imbalance_report(res, out, index=False)
    return " ".join(parse_html(path.read_text()).all_text.split())


def _noise_csv(path) -> str:
    # features that tell nothing of the label: no tuned threshold can beat chance
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(1200, 3)), columns=list("abc"))
    frame["y"] = (rng.random(1200) < 0.05).astype(int)
    frame.to_csv(path, index=False)
    return f"csv:{path}"


def test_the_threshold_table_gives_the_tuned_threshold_and_when_it_is_noisy(tmp_path,
                                                                            parse_html):
    # QA: the section comparing 0.5 with "the tuned threshold" never showed that threshold,
    # and "With few validation positives the tuned threshold is noisy." was printed always
    net = {"hidden": (4,), "max_epochs": 3}
    res = analyses.imbalance_benchmark(_noise_csv(tmp_path / "noise.csv"), seeds=2, workers=1,
                                       strategies="none,class_weight", net_params=net)
    runs = res.to_frame()
    tuned = runs[runs["threshold"] == "tuned"].groupby("strategy")["threshold_value"]
    text = _report_text(res, tmp_path / "r", parse_html)
    table = pd.read_csv(tmp_path / "r" / "report_files" / "tuned-thresholds-own.csv")
    assert table.columns.tolist() == ["strategy", "mean tuned threshold", "lowest seed's",
                                      "highest seed's"]
    assert table["strategy"].tolist() == ["none", "class_weight"]
    table = table.set_index("strategy")
    for column, how in (("mean tuned threshold", "mean"), ("lowest seed's", "min"),
                        ("highest seed's", "max")):
        assert np.allclose(table[column], tuned.agg(how)[table.index])
    assert table.loc["class_weight", "lowest seed's"] < table.loc["class_weight",
                                                                  "highest seed's"]
    assert set(runs["n_val_pos"]) == {5}  # each seed's validation split: 5 positives
    assert ("Each seed tuned its threshold on 5 validation positives: so few make the tuned "
            "threshold noisy, and it may not carry to the test set." in text)
    # below chance: MCC 0 or below, or precision under the test prevalence, at the tuned one
    s = res.summary_frame()
    s = s[(s["threshold"] == "tuned") & (s["mode"] == "proper")].pivot_table(
        index="strategy", columns="metric", values="mean")
    ok = runs[runs["threshold"] == "tuned"].drop_duplicates("seed")
    prevalence = (ok["n_test_pos"] / (ok["n_test_pos"] + ok["n_test_neg"])).mean()
    assert ((s["mcc"] <= 0) | (s["precision"] < prevalence)).all()
    assert ("At their tuned thresholds none and class_weight score no better than chance on "
            "the test set: their mean MCC is 0 or below, or their precision is below the test "
            "prevalence (0.05), which predicting at random reaches." in text)
    assert "With few validation positives" not in text


def test_with_enough_validation_positives_the_tuned_threshold_is_not_called_noisy(
        tmp_path, parse_html):
    res = analyses.imbalance_benchmark("moons?n_train=2000", ratios="1:10", seeds=2,
                                       strategies="none,class_weight", workers=1,
                                       net_params={"hidden": (4,), "max_epochs": 3})
    assert set(res.to_frame()["n_val_pos"]) == {10}  # the cut, FEW_VALIDATION_POSITIVES
    text = _report_text(res, tmp_path / "r", parse_html)
    assert "mean tuned threshold" in text
    assert "validation positive" not in text


def test_a_skipped_strategy_is_a_row_of_dashes_in_the_tuned_threshold_table(tmp_path,
                                                                           parse_html):
    # QA: a skipped strategy (tomek_links, no link found) was left out of the tuned-threshold
    # table, but a row of dashes in the @0.5 / @tuned table right below it and in the areas
    # and Brier tables
    res = analyses.imbalance_benchmark("moons", ratios="1:100", seeds=2, workers=1,
                                       strategies="none,tomek_links,class_weight",
                                       net_params={"hidden": (4,), "max_epochs": 3})
    runs = res.to_frame()
    assert (runs.loc[runs["strategy"] == "tomek_links", "status"] == "skipped").all()
    reports.imbalance_report(res, tmp_path / "r", index=False)
    files = tmp_path / "r" / "report_files"
    tuned = pd.read_csv(files / "tuned-thresholds-1to100.csv")
    below = pd.read_csv(files / "thresholds-1to100.csv")
    assert tuned["strategy"].tolist() == below["strategy"].tolist() == [
        "none", "tomek_links", "class_weight"]
    tuned = tuned.set_index("strategy")
    assert tuned.loc["tomek_links"].isna().all()
    assert tuned.drop(index="tomek_links").notna().all().all()
    html = (tmp_path / "r" / "report.html").read_text()
    assert not parse_html(html).errors
    table = html[html.index("mean tuned threshold"):]
    table = table[:table.index("</table>")]
    assert ('<tr><td>tomek_links</td><td class="num">–</td><td class="num">–</td>'
            '<td class="num">–</td></tr>') in table


def test_the_rankings_tuned_mean_is_the_score_at_the_tuned_threshold():
    # mutation QA: a ranking whose tuned_mean was the 0.5-threshold score (none: f1 0.0 at
    # 0.5 and "0.0" tuned, where tuning lifts it to 0.73) passed every fast test; only a
    # slow test of the CLI's --json caught it
    res = analyses.imbalance_benchmark("moons", ratios="1:10", strategies="none,smote",
                                       metric="f1", seeds=2, workers=1,
                                       net_params={"hidden": (4,), "max_epochs": 8})
    ranking = res.ranking().set_index("strategy")
    assert ranking["mean"].round(4).to_dict() == {"smote": 0.359, "none": 0.0}
    assert ranking["tuned_mean"].round(4).to_dict() == {"smote": 0.7381, "none": 0.7276}
    s = res.summary_frame()
    tuned = s[(s["metric"] == "f1") & (s["mode"] == "proper") & (s["threshold"] == "tuned")]
    for column in ("mean", "ci_low", "ci_high"):
        assert (ranking[f"tuned_{column}"].to_dict()
                == tuned.set_index("strategy")[column].to_dict())
