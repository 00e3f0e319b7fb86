"""`hplab scaling` with an optimizer other than plain SGD: the course's cap of 1 and
B_simple's estimate of B_crit are plain SGD's, and its words say so."""

import dataclasses
import json
from html import unescape

import pandas as pd
import pytest
from cli_helpers import run_cli

import reports


@pytest.mark.slow
def test_an_adam_run_neither_tests_the_cap_nor_takes_b_simple_for_b_crit(capsys, tmp_path):
    # QA (science referee): an Adam run printed "the linear rule passes lr = 1 at B ~ 4.64"
    # and reported whether "the course's cap of 1 holds", plain SGD's rule of thumb, and
    # B_simple "estimates B_crit" without a word on the optimizer
    argv = ["scaling", "--dataset", "double-arc", "--optimizer", "adam", "--batch-sizes",
            "1,4,16", "--seeds", "1", "--lr-grid", "4", "--lr-range", "1e-3,1",
            "--max-steps", "2000", "--workers", "1"]
    code, out, err = run_cli([*argv, "--json", "--out", tmp_path / "r"], capsys)
    assert code == 0, err
    s = json.loads(out)
    # the linear rule from B = 1's rate of 0.1 crosses 1 at B = 10: the JSON keeps it
    assert s["config"]["optimizer"] == "adam" and s["lr_cap_batch"] == pytest.approx(10)
    assert s["fit_status"] == "fitted" and s["b_simple"] is not None
    lines = reports.scaling_lines(s)
    assert not any("passes lr = 1" in line for line in lines)
    caveat = ("with adam, a preconditioned optimizer, expect B_crit above it, possibly far "
              "above (Zhang et al. 2019), and α between ½ and 1 (the square-root rule is the one "
              "derived for Adam and RMSProp: Malladi et al. 2022)")
    assert f"B_simple is plain SGD's noise scale (McCandlish et al.): {caveat}" in lines
    page = unescape(" ".join((tmp_path / "r" / "report.html").read_text().split()))
    assert "passes a rate of 1" not in page and "whether the course's cap" not in page
    assert ("The course's cap of 1 (rates above about 1 stop converging) is plain SGD's rule "
            "of thumb: with adam a rate of 1 is another step size, so this run neither draws "
            "nor tests it.") in page
    assert ("with plain SGD it estimates B_crit without training every batch size. "
            f"{caveat[:1].upper()}{caveat[1:]}.") in page
    assert ("(McCandlish et al. find B_crit ≈ B_noise ≲ B_simple for plain SGD, not for adam: "
            "see the terms above).") in page
    assert "rules anchored at the smallest batch, B = 1. " in page  # no "and the course's cap"
    cap = pd.read_csv(tmp_path / "r" / "report_files" / "lr-vs-batch-cap.csv")
    assert cap.empty  # the figure draws no cap line


def test_momentum_runs_say_the_cap_is_plain_sgds_and_sgd_runs_keep_it():
    from test_scaling_study import _cap_line, _constructed

    from reports._scaling_text import scaling_verdicts, terms

    grid = [0.1, 0.25, 0.5, 1.0, 1.5, 3.0]
    steps = {8: {0.1: 1400, 0.25: 1000}, 32: {0.25: 600, 0.5: 400},
             128: {0.5: 300, 1.0: 250}, 512: {0.5: 260, 1.0: 220}}
    sgd = _constructed({b: {lr: row.get(lr) for lr in grid} for b, row in steps.items()}, grid)
    assert _cap_line(sgd).startswith("The linear rule, anchored at the smallest batch, B = 8, "
                                     "passes a rate of 1 at B ≈ 32")
    momentum = dataclasses.replace(sgd, config={"optimizer": "momentum"})
    said = scaling_verdicts(momentum)
    assert not any(line.startswith("The linear rule") for line in said)
    assert ("The course's cap of 1 (rates above about 1 stop converging) is plain SGD's rule "
            "of thumb: with momentum a rate of 1 is another step size, so this run neither "
            "draws nor tests it.") in said
    assert terms("momentum").endswith(
        "without training every batch size. With momentum, which helps most at large "
        "batches, B_crit may lie above it (Zhang et al. 2019).")
    assert terms("sgd").endswith("with plain SGD it estimates B_crit without training every "
                                 "batch size.")
