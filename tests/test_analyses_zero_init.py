"""``init="zero"`` with a hidden layer is warned of by the analyses' Python functions, at
the caller's line in TrainConfig's words, as by `study.train_run` (QA session 71:
``hplab capacity``, ``lr-range`` and ``scaling --init zero`` warned; `capacity_sweep`,
`lr_range_test` and `scaling_study` from a notebook did not), and once by each command."""

import json
import math

from cli_helpers import run_cli_as_program

import analyses
import nets

ZERO = nets.TrainConfig(hidden=(3,), init="zero", max_epochs=3)


def _said(recwarn) -> list:
    return [(str(w.message)[-45:], w.filename) for w in recwarn
            if "starts every weight at 0" in str(w.message)]


def test_each_analysis_warns_of_zero_init_at_the_callers_line(recwarn):
    cap = analyses.capacity_sweep("xor", widths=(2, 3), seeds=1, config=ZERO)
    # every unit of a layer alike: a 2-unit net learns no more than one unit would
    assert list(cap.table["width"]) == [2, 3] and cap.table["val_accuracy"].max() <= 0.75
    assert _said(recwarn) == [("does not help, another init (xavier, he) does", __file__)]
    recwarn.clear()
    lr = analyses.lr_range_test("xor", ZERO, num_steps=10)
    assert len(lr.curves) == 10 and lr.config["init"] == "zero"
    assert _said(recwarn) == [("does not help, another init (xavier, he) does", __file__)]
    recwarn.clear()
    sc = analyses.scaling_study("xor", batch_sizes=(2, 4), lrs=(0.5, 2.0), seeds=1,
                                max_steps=40, noise=False, target=0.75, config=ZERO)
    assert sc.config["init"] == "zero" and len(sc.runs) == 4
    assert _said(recwarn) == [("does not help, another init (xavier, he) does", __file__)]
    recwarn.clear()
    # dropout's masks tell the units apart; xavier starts them apart: no warning
    analyses.capacity_sweep("xor", widths=(2,), seeds=1, config=ZERO.replace(dropout=0.2))
    analyses.lr_range_test("xor", ZERO.replace(init="xavier"), num_steps=10)
    assert _said(recwarn) == []
    assert math.isfinite(cap.table["val_loss"].iloc[0])


def test_capacity_command_warns_of_zero_init_once(capsys):
    code, out, err = run_cli_as_program(
        ["capacity", "--dataset", "xor", "--widths", "2,3", "--seeds", "1", "--epochs", "3",
         "--init", "zero", "--no-report", "--json"], capsys)
    assert code == 0 and err.count("warning") == 1 and err.startswith(
        "hplab capacity: warning: init zero starts every weight at 0"), err
    assert err.rstrip().endswith("another --init (xavier, he) does"), err
    assert json.loads(out)["widths"] == [2, 3]
