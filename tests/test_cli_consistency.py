"""One concept, one spelling across the commands: a flag or a form that one command takes
and its sibling refused (QA's consistency audit)."""

import argparse
import json

import pytest
from cli_helpers import run_cli

import hplab


def _json(argv, capsys):
    code, out, err = run_cli([*argv, "--json"], capsys)
    assert code == 0, err
    return json.loads(out)


def test_study_worker_takes_the_study_name_as_study_show_does(tmp_path, monkeypatch, capsys):
    # QA: `study worker xor` was refused ("required: --study") where show, report and
    # export take NAME; --study NAME still works
    monkeypatch.chdir(tmp_path)
    storage = str(tmp_path / "s.db")
    ran = _json(["study", "run", "xor", "--trials", "1", "--no-report", "--storage", storage],
                capsys)
    assert (ran["study"], ran["n_finished"]) == ("xor", 1)
    by_name = _json(["study", "worker", "xor", "--storage", storage], capsys)
    by_flag = _json(["study", "worker", "--study", "xor", "--storage", storage], capsys)
    assert (by_name["study"], by_name["n_trials"], by_name["n_finished"]) == ("xor", 1, 1)
    assert {k: by_name[k] for k in ("study", "n_trials", "n_finished", "best_value")} == {
        k: by_flag[k] for k in ("study", "n_trials", "n_finished", "best_value")}
    code, out, err = run_cli(["study", "worker", "xor", "--study", "other", "--storage",
                              storage], capsys)
    assert (code, out, err) == (2, "", "hplab study worker: error: two study names: xor and "
                                       "--study other; give one\n")
    code, _, err = run_cli(["study", "worker", "--storage", storage], capsys)
    assert (code, err) == (2, "hplab study worker: error: the study to join: give its name "
                              "(hplab study worker NAME, or --study NAME)\n")


def test_predict_and_data_show_take_trains_data_seed(tmp_path, monkeypatch, capsys):
    # QA: train's --data-seed was refused by predict and data show, whose --seed is that
    # very seed (predict's JSON calls it data_seed)
    monkeypatch.chdir(tmp_path)
    _json(["train", "--dataset", "coin", "--epochs", "2", "--data-seed", "3", "--no-report",
           "--out", "run"], capsys)
    own = _json(["predict", "run", "--dataset", "--limit", "0"], capsys)
    by_seed = _json(["predict", "run", "--dataset", "--seed", "5", "--limit", "0"], capsys)
    by_data_seed = _json(["predict", "run", "--dataset", "--data-seed", "5", "--limit", "0"],
                         capsys)
    assert own["data_seed"] == 3 and by_data_seed["data_seed"] == 5
    assert by_data_seed["accuracy"] == by_seed["accuracy"] != own["accuracy"]
    shown = _json(["data", "show", "coin", "--data-seed", "3"], capsys)
    assert shown == _json(["data", "show", "coin", "--seed", "3"], capsys)
    assert shown["class_counts"] != _json(["data", "show", "coin"], capsys)["class_counts"]


def test_report_compare_takes_report_as_the_other_commands_do(tmp_path, monkeypatch, capsys):
    # QA: `report compare A B --report` was refused, "did you mean --no-report?", where
    # train, study run and the analyses take --report | --no-report
    monkeypatch.chdir(tmp_path)
    for seed in ("0", "1"):
        _json(["train", "--dataset", "xor", "--epochs", "2", "--seed", seed, "--no-report",
               "--out", f"run{seed}"], capsys)
    said = _json(["report", "compare", "run0", "run1", "--report"], capsys)
    assert said["n_runs"] == 2
    assert said["report_path"] == "runs/compare/xor/report.html"
    assert (tmp_path / said["report_path"]).is_file()
    assert _json(["report", "compare", "run0", "run1", "--no-report"], capsys)[
        "report_path"] is None


def _arguments(parser, command=""):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _arguments(sub, f"{command} {name}".strip())
        else:
            yield command, action


@pytest.mark.parametrize("kind", ["positional", "option"])
def test_every_argument_has_a_help_line(kind):
    # QA: study show, report and export's NAME and data fetch's dataset had none
    missing = [(command, a.option_strings or a.dest)
               for command, a in _arguments(hplab.build_parser())
               if bool(a.option_strings) == (kind == "option") and not a.help]
    assert missing == []


@pytest.mark.parametrize("argv", [
    ["lr-range", "--dataset", "xor", "--seeds", "2", "--seed", "4", "--steps", "10"],
    ["capacity", "--dataset", "xor", "--widths", "2", "--seeds", "2", "--seed", "4",
     "--epochs", "3", "--workers", "1"],
    ["scaling", "--dataset", "xor", "--batch-sizes", "4", "--lrs", "1", "--seeds", "2",
     "--seed", "4", "--max-steps", "20", "--workers", "1", "--no-noise", "--target", "0.9"],
])
def test_every_analysis_of_several_seeds_says_its_seed(argv, tmp_path, monkeypatch, capsys):
    # QA: scaling and imbalance print seed beside seeds (a count); lr-range and capacity,
    # whose seeds is the list, had no seed key: a script reading .seed got nothing there
    monkeypatch.chdir(tmp_path)
    said = _json([*argv, "--no-report"], capsys)
    assert said["seed"] == 4
    assert said["seeds"] in ([4, 5], 2)


@pytest.mark.parametrize("argv, said", [
    (["train", "--dataset", "xor", "--output", "o"],
     "hplab train: error: unrecognized argument --output (did you mean --out?)\n"),
    (["capacity", "--dataset", "xor", "--n-jobs", "2"],
     "hplab capacity: error: unrecognized argument --n-jobs (did you mean --workers?)\n"),
    (["train", "--dataset", "xor", "--learning-rate=0.1"],
     "hplab train: error: unrecognized argument --learning-rate (did you mean --lr?)\n"),
    # no such flag here: nothing offered
    (["lr-range", "--dataset", "xor", "--learning-rate", "0.1"],
     "hplab lr-range: error: unrecognized argument --learning-rate\n"),
    # no --out either, but where the command says why of --out, of --output too (QA: told
    # nothing, where --out was told the graph's file is the second argument)
    (["export-onnx", "m.npz", "--output", "m.onnx"],
     "hplab export-onnx: error: unrecognized argument --output: the graph's file is its "
     "second argument: hplab export-onnx MODEL OUT.onnx\n"),
    (["study", "export", "xor", "--output-dir", "t"],
     "hplab study export: error: unrecognized argument --output-dir: its CSV file is --csv "
     "PATH\n"),
])
def test_another_tools_name_for_a_flag_is_answered_with_hplabs(argv, said, capsys):
    # QA: --output, --n-jobs and --learning-rate met "unrecognized argument", no hint
    assert run_cli(argv, capsys) == (2, "", said)


@pytest.mark.parametrize("argv, said", [
    (["imbalance", "--dataset", "digits", "--ratio", "0.05"],
     "hplab imbalance: error: --ratio must look like 1:50 (positives:negatives), got "
     "'0.05': 1:20 is 0.05 positives per negative, 1:19 a 5 % share of positives\n"),
    (["data", "show", "digits?imbalance=0.1&positive=1"],
     "hplab data show: error: option imbalance must look like 1:50 (positives:negatives), "
     "got '0.1': 1:10 is 0.1 positives per negative, 1:9 a 10 % share of positives\n"),
])
def test_a_share_where_a_ratio_goes_is_answered_in_the_ratios_form(argv, said, capsys):
    # QA: --sampling-ratio takes 0.2 or 1:5, --ratio and ?imbalance= refused 0.05 with no
    # word of its P:N form (a share reads two ways: per negative, or of all: both said)
    assert run_cli(argv, capsys) == (2, "", said)


@pytest.mark.parametrize("argv, said", [
    (["data", "show", "--dataset", "coin"],
     "data show does not take --dataset (a flag of train, gradcheck, scaling, predict, "
     "imbalance, lr-range and capacity): it takes the name as its argument: hplab data "
     "show NAME"),
    (["study", "show", "--study", "xor"],
     "study show does not take --study (a flag of study worker): it takes the name as its "
     "argument: hplab study show NAME"),
])
def test_a_flag_for_a_commands_name_argument_says_to_give_it_plain(argv, said, capsys):
    # QA: data show and study show take the name as an argument, where their siblings take
    # --dataset and --study: the refusal said nothing of how to give it
    code, out, err = run_cli(argv, capsys)
    assert (code, out, err) == (2, "", f"hplab {argv[0]} {argv[1]}: error: {said}\n")


@pytest.mark.parametrize("argv, said", [
    (["train", "--dataset", "coin", "--scaling", "standard"],
     "train does not take --scaling (a flag of data show): a dataset option, given in the "
     "name: --dataset 'coin?scaling=standard'"),
    (["imbalance", "--dataset=coin?positive=1", "--train-size=100"],
     "imbalance does not take --train-size (a flag of data show): a dataset option, given "
     "in the name: --dataset 'coin?positive=1&train_size=100'"),
    (["capacity", "--dataset", "coin", "--merge-scaling"],
     "capacity does not take --merge-scaling (a flag of data show): a dataset option, given "
     "in the name: --dataset 'coin?merge_scaling=1'"),
    # every such flag in the one name (QA: the first alone, digits?imbalance=1:50, was
    # refused in turn for want of positive); imbalance's own --positive stays its flag
    (["train", "--dataset", "digits", "--imbalance", "1:50", "--positive=8"],
     "train does not take --imbalance (a flag of data show): a dataset option, given in "
     "the name: --dataset 'digits?imbalance=1:50&positive=8'"),
    (["imbalance", "--dataset", "digits", "--positive", "8", "--scaling", "standard"],
     "imbalance does not take --scaling (a flag of data show): a dataset option, given in "
     "the name: --dataset 'digits?scaling=standard'"),
    # a study's dataset options are its spec's: --data is no place for them
    (["study", "run", "coin", "--scaling", "standard"],
     "study run does not take --scaling (a flag of data show)"),
])
def test_data_shows_dataset_flags_elsewhere_say_the_names_form(argv, said, capsys):
    # QA: `data show coin --scaling standard` then `train --dataset coin --scaling
    # standard`: refused with no word that the other commands take it in the name
    prog = " ".join(argv[:2] if argv[0] == "study" else argv[:1])
    assert run_cli(argv, capsys) == (2, "", f"hplab {prog}: error: {said}\n")


@pytest.mark.parametrize("flag, why", [
    ("--out", "it writes DIR/index.html, the folder its argument names: hplab report index "
              "DIR"),
    ("--no-report", "--no-write lists the reports without writing DIR/index.html"),
])
def test_report_index_answers_the_other_commands_out_and_no_report(flag, why, tmp_path,
                                                                   monkeypatch, capsys):
    # QA: --out and --no-report, which every other report-writing command takes, were
    # refused here with no word of DIR or --no-write
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["report", "index", flag, *(["x"] if flag == "--out" else [])],
                             capsys)
    assert (code, out) == (2, "")
    assert err.startswith(f"hplab report index: error: report index does not take {flag} ")
    assert err.endswith(f": {why}\n")
    assert not (tmp_path / "runs").exists()


@pytest.mark.parametrize("argv, why", [
    (["export-onnx", "m.npz", "--out", "m.onnx"],
     "the graph's file is its second argument: hplab export-onnx MODEL OUT.onnx"),
    (["study", "export", "xor", "--out", "t.csv"], "its CSV file is --csv PATH"),
    (["predict", "m.npz", "--dataset", "--csv", "p.csv"],
     "--out PRED.csv writes every prediction as CSV"),
])
def test_a_files_output_in_another_commands_spelling_says_this_ones(argv, why, tmp_path,
                                                                    monkeypatch, capsys):
    # QA: export-onnx (OUT.onnx), study export (--csv) and predict (--out) each refused the
    # others' spelling of the file they write, with no word of their own
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(argv, capsys)
    assert (code, out) == (2, "") and err.endswith(f": {why}\n"), err
    assert list(tmp_path.iterdir()) == []


def test_a_name_or_file_that_starts_with_a_dash_is_told_how_to_give_it(tmp_path, monkeypatch,
                                                                        capsys, spec_file):
    # QA: `study run -x.toml` was told "the following arguments are required: spec", the
    # spec given; `train --name -x` "argument --name: expected one argument", no more
    monkeypatch.chdir(tmp_path)
    spec_file("-x", n_trials=1, max_epochs=2, pruner="none")
    code, _, err = run_cli(["study", "run", "-x.toml", "--storage", "s.db"], capsys)
    assert (code, err) == (2, "hplab study run: error: the following arguments are required: "
                              "spec (-x.toml reads as a flag: a name or file that starts with "
                              "'-' goes last, after --: hplab study run ... -- -x.toml)\n")
    code, out, err = run_cli(["study", "run", "--storage", "s.db", "--no-report", "--json",
                              "--", "-x.toml"], capsys)
    assert code == 0, err
    assert (json.loads(out)["study"], json.loads(out)["n_complete"]) == ("-x", 1)
    code, _, err = run_cli(["study", "show", "-x", "--storage", "s.db"], capsys)
    assert code == 2 and err.endswith("(-x reads as a flag: a name or file that starts with "
                                      "'-' goes last, after --: hplab study show ... -- -x)\n")
    code, out, err = run_cli(["study", "show", "--storage", "s.db", "--json", "--", "-x"],
                             capsys)
    assert (code, json.loads(out)["n_complete"]) == (0, 1), err
    # a negative value is no such name: --workers -1 leaves the message as argparse's
    code, _, err = run_cli(["study", "run", "--workers", "-1"], capsys)
    assert err == "hplab study run: error: the following arguments are required: spec\n"
    code, _, err = run_cli(["train", "--dataset", "xor", "--name", "-x"], capsys)
    assert (code, err) == (2, "hplab train: error: argument --name: expected one argument "
                              "(--name=-x gives one that starts with '-')\n")
    trained = _json(["train", "--dataset", "xor", "--hidden", "2", "--epochs", "2",
                     "--no-report", "--name=-x"], capsys)
    assert trained["model_path"].startswith("runs/train/x-") and trained["epochs"] == 2
