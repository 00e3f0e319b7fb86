"""`hplab scaling`'s words: the flag its advice names is the one that set the budget, and
XOR's scores are said to be training-set ones."""

import html
import re

import pytest
from cli_helpers import run_cli

import analyses


def test_reference_runs_cut_short_by_max_epochs_name_it(capsys):
    # QA: "learned nothing better in 12 steps ...: raise --max-steps", with --max-steps at
    # its 10000 and the 12 steps set by --max-epochs 1
    code, stdout, err = run_cli(["scaling", "--dataset", "double-arc", "--batch-sizes", "4,16",
                                 "--lrs", "0.01", "--seeds", "1", "--max-epochs", "1",
                                 "--no-report"], capsys)
    assert (code, stdout) == (2, "")
    assert err.endswith("the reference runs learned nothing better in 12 steps (diverged or "
                        "stuck): raise --max-epochs, try lower or more learning rates, or "
                        "set --target\n")
    # from Python, the argument
    with pytest.raises(ValueError, match=r"in 12 steps \(diverged or stuck\): raise "
                                         r"max_epochs, try lower"):
        analyses.scaling_study("double-arc", batch_sizes=[4, 16], lrs=[0.01], seeds=1,
                               max_epochs=1, progress=False)


def test_a_constant_reference_target_names_max_epochs_when_it_set_the_budget(capsys):
    code, stdout, err = run_cli(["scaling", "--dataset", "sine", "--batch-sizes",
                                 "4,16,64,450", "--seeds", "1", "--lr-grid", "5",
                                 "--max-epochs", "4", "--no-report"], capsys)
    assert (code, stdout) == (2, "")
    assert err.endswith("the reference runs learned nothing beyond a constant; raise "
                        "--max-epochs or the rates, or set --target\n")


def test_on_xor_the_terminal_and_the_report_say_no_score_is_held_out(tmp_path, capsys):
    # QA: only --json's test_is_train said so; capacity and imbalance print it
    out = tmp_path / "r"
    code, stdout, err = run_cli(["scaling", "--dataset", "xor", "--batch-sizes", "1,2,4",
                                 "--lr-grid", "4", "--lr-range", "0.1,100", "--seeds", "1",
                                 "--max-steps", "3000", "--out", out], capsys)
    assert code == 0, err
    assert stdout.splitlines()[1] == ("xor's test set is its training set: no score here is "
                                      "held out")
    words = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ",
                                                     (out / "report.html").read_text())))
    assert ("On xor the validation set is the training set itself: no score here is held "
            "out, and the steps to the target are those to fit its 4 training points.") \
        in words


@pytest.mark.parametrize("b_crit, side", [(20.0, "below"), (200.0, "inside"), (900.0, "above")])
def test_the_noise_verdict_says_which_side_of_b_simples_interval_b_crit_lies(b_crit, side):
    # mutation QA: "below" and "above" swapped passed every fast test (one slow one held it)
    from types import SimpleNamespace

    from reports._scaling_text import _noise_verdict

    result = SimpleNamespace(b_simple_step=500, b_simple_measurements=12, b_simple=190.0,
                             n_train=900, b_simple_low=120.0, b_simple_high=350.0,
                             config={"optimizer": "sgd"},
                             fit=SimpleNamespace(status="fitted", b_crit=b_crit))
    assert _noise_verdict(result).endswith(
        f"95 % interval 120–350; the fitted B_crit ({b_crit:.3g}) lies {side} it "
        "(McCandlish et al. find B_crit ≈ B_noise ≲ B_simple).")
