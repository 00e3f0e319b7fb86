"""The README's exit codes, checked against real runs where every net diverged: a net that
failed is a result (exit code 0), except in the three analyses left with nothing to read
(exit code 2, stdout empty), which the README names."""

import json
import os
import re
import subprocess
import sys

import pytest
from cli_helpers import ROOT, description_words, hplab_cli, run_cli

README = (ROOT / "README.md").read_text()
COIN = ["--dataset", "coin", "--activation", "relu"]


def _exit_codes() -> dict[str, list[str]]:
    """The README's exit code table: each code's rows, as one line of words each."""
    table = README.split("## Exit codes")[1].split("\n## ")[0]
    rows: dict[str, list[str]] = {}
    for line in table.splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        if cells and cells[0][:1].isdigit():
            rows.setdefault(cells[0], []).append(" ".join(cells[1:]))
    return rows


def test_every_exit_code_is_in_the_readme():
    # QA: the README said only "2, or 1 with HPLAB_DEBUG", nothing of 0 on a diverged
    # run, of 141 or of a report that failed after the work was done
    rows = _exit_codes()
    assert set(rows) == {"0", "2", "1", "130, 143, 129", "141"} and len(rows["2"]) == 2
    assert "report_error" in rows["2"][1] and "SIGPIPE" in rows["141"][0]
    assert "HPLAB_DEBUG=1" in rows["1"][0]


def test_a_net_that_diverged_is_a_result_but_three_analyses_have_nothing_to_read(
        tmp_path, monkeypatch, capsys, spec_file):
    # QA: every run diverging gave exit code 0 in some commands and 2 (no JSON) in others,
    # documented nowhere; the behaviour stands, the README says which
    monkeypatch.chdir(tmp_path)
    rows = _exit_codes()
    results = {
        "train": (["train", *COIN, "--optimizer", "sgd", "--lr", "1e30", "--epochs", "5",
                   "--no-report"], lambda s: s["status"] == "diverged"),
        "lr-range": (["lr-range", *COIN, "--min-lr", "1e10", "--max-lr", "1e20", "--steps",
                      "30", "--no-report"], lambda s: s["suggested_lr"] is None),
        "study run": (["study", "run", spec_file(
            "div", dataset="coin", n_trials=3, max_epochs=5, pruner="none",
            space={"lr": {"low": 1e20, "high": 1e30, "log": True}},
            fixed={"optimizer": "sgd", "activation": "relu"}), "--no-report"],
            lambda s: s["n_diverged"] == 3 and s["best_value"] is None),
    }
    for command, (argv, said) in results.items():
        code, out, err = run_cli([*argv, "--json"], capsys)
        assert code == 0 and said(json.loads(out)), (command, err)
    assert all(word in rows["0"][0] for word in (
        '"status": "diverged"', "`n_diverged`", "`suggested_lr` null"))
    nothing_to_read = {
        "capacity": (["capacity", *COIN, "--widths", "4", "--seeds", "1", "--epochs", "5",
                      "--optimizer", "sgd", "--lr", "1e30", "--schedule", "constant"],
                     "every configuration has a diverged run"),
        "scaling": (["scaling", "--dataset", "coin", "--batch-sizes", "8,32", "--lrs",
                     "1e20,1e25", "--seeds", "1", "--max-steps", "50"],
                    "every reference run diverged"),
        "lr-range --verify": (["lr-range", *COIN, "--min-lr", "1e10", "--max-lr", "1e20",
                               "--steps", "30", "--verify"],
                              "the valley suggestion is undefined on every curve"),
    }
    for command, (argv, said) in nothing_to_read.items():
        code, out, err = run_cli([*argv, "--json", "--no-report"], capsys)
        assert (code, out) == (2, "") and err.count("\n") == 1 and said in err, (command, err)
        assert f"`{command}`" in rows["2"][0], command


def test_capacity_help_says_a_diverged_seed_takes_its_configurations_scores(
        tmp_path, monkeypatch, capsys):
    # QA: --help said a diverged run's "scores are left out", read as "dropped from the
    # mean"; the configuration's scores are null, its other seeds' included. One seed of 6
    # diverges at width 16 (the others train); width 8's seeds all train. Twenty-odd steps:
    # the same on every BLAS kernel tried (OPENBLAS_CORETYPE Haswell, SkylakeX, Sandybridge);
    # 10 epochs of batch 8 at lr 7 diverged at width 8 on Haswell and at both on SkylakeX
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["capacity", *COIN, "--widths", "8,16", "--seeds", "6", "--epochs",
                              "3", "--optimizer", "momentum", "--lr", "10", "--schedule",
                              "constant", "--batch-size", "64", "--workers", "1", "--json",
                              "--no-report"], capsys)
    assert code == 0, err
    eight, sixteen = json.loads(out)["table"]
    assert (sixteen["width"], eight["diverged"], sixteen["diverged"]) == (16, 0, 1)
    assert sixteen["val_accuracy"] is sixteen["test_loss"] is sixteen["accuracy_gap"] is None
    assert eight["val_accuracy"] == pytest.approx(0.37333333)
    described = description_words("capacity")
    assert ("diverged (how many of its seeds diverged; with any, the configuration has no "
            "scores, its accuracies, losses, stds and gaps null though its other seeds "
            "trained, and is neither best nor sufficient") in described
    assert "left out" not in described


# a runtime error of each command of two words (usage errors argparse names itself)
RUNTIME_ERRORS = {
    "study run": ["nosuch.toml"], "study spec": ["nosuch"],
    "study worker": ["--study", "x", "--storage", "none.db"],
    "study enqueue": ["x", "--point", "lr=0.1", "--storage", "none.db"],
    "study list": ["--storage", "none.db"], "study show": ["x", "--storage", "none.db"],
    "study export": ["x", "--csv", "x.csv", "--storage", "none.db"],
    "study report": ["x", "--storage", "none.db"],
    "data show": ["nosuch"], "data fetch": ["mnist", "--dest", "afile"],
    "report index": ["nofolder"], "report compare": ["norun", "norun2"],
}


@pytest.mark.parametrize("command", RUNTIME_ERRORS)
def test_an_error_line_names_the_command_as_its_usage_errors_do(command, tmp_path, monkeypatch,
                                                                capsys):
    # QA: `hplab study run` said "hplab study run: error:" for a flag it did not know and
    # "hplab study: error:" for a spec it could not find
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("mine\n")
    words = command.split()
    runtime = run_cli([*words, *RUNTIME_ERRORS[command]], capsys)
    usage = run_cli([*words, "--no-such-flag"], capsys)
    for code, out, err in (runtime, usage):
        assert (code, out) == (2, "") and err.startswith(f"hplab {command}: error: "), err
    assert "unrecognized" not in runtime[2] and "invalid choice" not in runtime[2]


def test_every_command_of_two_words_has_a_runtime_error_checked():
    import hplab
    import reports._cli as cli

    said = {p.prog for p in cli.command_parsers(hplab.build_parser())}
    assert {f"hplab {c}" for c in RUNTIME_ERRORS} == {s for s in said if s.count(" ") == 2} - {
        "hplab data list"}  # it reads nothing it could fail on


def test_bad_input_is_one_line_without_the_warnings_its_data_led_to(tmp_path):
    # QA: a data warning (a constant target, constant features) came before the error
    # that data led to: two lines, where the README promises one for bad input. Warnings
    # are held until a command's work starts, and dropped when an error ends it first
    rows = "".join(f"{i % 3},{i % 5},0.5\n" for i in range(10))
    (tmp_path / "const.csv").write_text("a,b,y\n" + rows)
    (tmp_path / "constfeat.csv").write_text("a,b,y\n" + "1,1,0\n1,1,1\n" * 5)
    (tmp_path / "cst.toml").write_text('[study]\ndataset = "csv:const.csv"\nmetric = '
                                       '"val_accuracy"\nn_trials = 2\nmax_epochs = 3\n'
                                       '[space]\nlr = { low = 0.01, high = 1.0, log = true }\n')
    for argv, said in [
            (["train", "--dataset", "csv:constfeat.csv"], "hplab train: error: "
             "csv:constfeat.csv: cannot hold out 0.1 of 8 examples"),
            (["study", "run", "cst.toml"], "hplab study run: error: study.metric val_accuracy "
             "needs a classification dataset")]:
        done = hplab_cli(*argv, cwd=tmp_path, check=False)
        assert done.returncode == 2 and done.stdout == "", done.stderr
        assert done.stderr.startswith(said) and len(done.stderr.splitlines()) == 1, done.stderr
    # without an error the warning is said, once, before the output it qualifies (QA: a
    # held one came after it; -u: the lines in the order printed)
    done = hplab_cli("data", "show", "csv:const.csv", cwd=tmp_path)
    warned = ("hplab data show: warning: csv:const.csv: the target 'y' is 0.5 in every "
              "training row: a net learns only that value; is it the column to predict?\n")
    assert done.stderr == warned
    both = subprocess.run([sys.executable, "-u", str(ROOT / "hplab.py"), "data", "show",
                           "csv:const.csv"], cwd=tmp_path, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert both.stdout == warned + done.stdout, both.stdout
