"""`hplab lr-range` on a curve the ramp shapes: a full-batch ramp, whose smooth loss still
falls at the last point read, puts valley and minimum where --min-lr, --max-lr and --steps
put them, on any data; and XOR, whose validation set is its training set."""

import html
import json
import re

from cli_helpers import run_cli, undocumented_keys

import reports


def _text(report) -> str:
    """A report's words, tags dropped, whitespace as one space."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", report.read_text())))


def test_a_full_batch_ramp_says_valley_and_minimum_are_set_by_it(tmp_path, capsys):
    # QA: double-arc, coin and XOR on a full-batch ramp all gave valley 0.001322 and
    # minimum 0.3944 (the loss fell smoothly to the last point kept), headlined as the
    # data's; --verify found 1.32 best
    out = tmp_path / "r"
    argv = ["lr-range", "--dataset", "double-arc", "--batch-size", "-1", "--seeds", "2",
            "--out", out]
    code, printed, err = run_cli([*argv, "--json"], capsys)
    assert code == 0, err
    s = json.loads(printed)
    assert [r["lowest_at_end"] for r in s["runs"]] == [True, True]
    assert s["ramp_set"] == ["valley", "minimum"]
    assert undocumented_keys("lr-range", ["ramp_set", "lowest_at_end"]) == []
    # the JSON keeps its contract: the suggestion named, with its rate
    assert s["suggestion"] == "valley" and round(s["suggested_lr"], 6) == 0.001322
    cards = {h["label"]: h["text"] for h in
             reports.read_report_info(out / "report.html").headline}
    assert cards["Suggested lr (valley)"] == "set by the ramp, not the data"
    words = _text(out / "report.html")
    assert "valley's lr ≈ 0.00132 (median of 2 seeds, IQR 0.00 decades) is set by the ramp, " \
           "not by the data." in words
    assert "so valley and minimum are set by --min-lr , --max-lr and --steps rather than " \
           "by the data" in words
    code, printed, err = run_cli([*argv[:-2], "--no-report"], capsys)
    assert code == 0, err
    lines = printed.splitlines()
    assert lines[2].startswith("valley") and lines[2].endswith(
        "<- set by the ramp, not the data")
    assert lines[4].endswith("(lowest loss's rate / 10; set by the ramp)")
    assert ("weak suggestions: the loss still fell at the last point read (on 2 of 2 "
            "seeds), so valley and minimum are set by --min-lr, --max-lr and --steps rather "
            "than by the data (the same rates on any data): raise --max-lr until the loss "
            "turns up, or read steepest, or check with --verify") in lines


def test_a_mini_batch_ramp_that_turns_up_leaves_the_suggestions_to_the_data(capsys):
    code, printed, err = run_cli(["lr-range", "--dataset", "coin", "--no-report", "--json"],
                                 capsys)
    assert code == 0, err
    s = json.loads(printed)
    assert s["ramp_set"] == [] and [r["lowest_at_end"] for r in s["runs"]] == [False]


def test_a_full_batch_curve_that_turns_up_is_called_smooth_in_the_terminal_too(capsys):
    # the caveat was the report's alone, and only for --val or --mode looper
    code, printed, err = run_cli(["lr-range", "--dataset", "coin", "--batch-size", "-1",
                                  "--max-lr", "10000", "--optimizer", "adam", "--steps", "60",
                                  "--no-report"], capsys)
    assert code == 0, err
    assert "<- set by the ramp" not in printed
    assert ("smooth curves (full-batch loss) make the valley reach back into the flat "
            "start; compare with steepest and minimum") in printed.splitlines()


def test_on_xor_the_terminal_and_the_report_say_no_score_is_held_out(tmp_path, capsys):
    # QA: only --json's test_is_train said so; capacity and imbalance print it
    out = tmp_path / "r"
    code, printed, err = run_cli(["lr-range", "--dataset", "xor", "--steps", "20",
                                  "--verify", "--verify-epochs", "2", "--out", out], capsys)
    assert code == 0, err
    assert printed.splitlines()[1] == "xor's test set is its training set: no score here is " \
                                      "held out"
    assert ("On xor the validation set is the training set itself: no score here is held "
            "out, and the verification's scores are training-set ones.") in _text(
                out / "report.html")


def test_a_looper_cut_where_its_loss_rose_is_not_set_by_the_ramp(capsys):
    # QA: double-arc's looper read up to lr 2, its lowest loss, as cut where the loss rose
    # past 1.5x at lr 3: "lowest_at_end" on both seeds made valley and minimum "set by
    # the ramp, not the data" (the report's card) and said "raise --max-lr until the loss
    # turns up", though it had turned up inside the range and minimum (2 / 10) was the data's
    argv = ["lr-range", "--dataset", "double-arc", "--mode", "looper", "--min-lr", "1e-4",
            "--max-lr", "10", "--steps", "46", "--epochs-per-rate", "0.5", "--seeds", "2",
            "--no-report"]
    code, printed, err = run_cli([*argv, "--json"], capsys)
    assert code == 0, err
    s = json.loads(printed)
    assert s["suggestions"]["minimum"]["per_seed"] == [0.2, 0.2]
    assert round(s["suggestions"]["steepest"]["lr"], 4) == 0.7746
    assert [r["lowest_at_end"] for r in s["runs"]] == [False, False]
    assert s["ramp_set"] == []
    code, printed, err = run_cli(argv, capsys)
    assert code == 0, err
    assert "set by the ramp" not in printed and "weak suggestions" not in printed
