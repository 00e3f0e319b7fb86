"""Usage errors as a user types them: each names the flag given, in one line, exit code 2
(the CLI review's findings)."""

import json

import pytest
from cli_helpers import run_cli


def refused(argv, capsys) -> str:
    """The one-line error of ``hplab ARGV`` (exit code 2, nothing on stdout)."""
    code, out, err = run_cli(argv, capsys)
    assert (code, out, err.count("\n")) == (2, "", 1), (code, out, err)
    return err


@pytest.fixture
def xor_model(tmp_path, capsys):
    """A model.npz trained on xor (two epochs)."""
    code, _, _ = run_cli(["train", "--dataset", "xor", "--epochs", "2", "--out",
                          tmp_path / "xor", "--no-report"], capsys)
    assert code == 0
    return tmp_path / "xor" / "model.npz"


@pytest.mark.parametrize("command", [["train", "--no-report"], ["gradcheck"],
                                     ["lr-range", "--no-report"], ["capacity", "--no-report"],
                                     ["imbalance", "--dataset", "moons", "--no-report"]])
@pytest.mark.parametrize("flag", ["--l2", "--l1"])
def test_a_parameter_with_a_digit_is_named_as_its_flag(command, flag, capsys):
    # review: "l2 must be a finite number >= 0": the leading parameter took letters only
    err = refused([command[0], "--dataset", "xor", *command[1:], flag, "-1"], capsys)
    assert err == f"hplab {command[0]}: error: {flag} must be a finite number >= 0, got -1.0\n"


def test_data_arguments_are_named_as_their_flags(xor_model, capsys):
    # review: data's "seed must be an integer >= 0" reached train, gradcheck, predict and
    # data show as the API says it, where the analyses said "--seed must be ..."
    said = "--seed must be an integer >= 0, got -1"
    for argv in (["train", "--dataset", "xor", "--no-report"], ["gradcheck", "--dataset", "xor"],
                 ["predict", xor_model, "--dataset", "xor"], ["data", "show", "xor"]):
        err = refused([*argv, "--seed", "-1"], capsys)
        assert err == f"hplab {' '.join(argv[:2] if argv[0] == 'data' else argv[:1])}: " \
                      f"error: {said}\n"
    assert refused(["data", "show", "xor", "--val-fraction", "2"], capsys) == (
        "hplab data show: error: --val-fraction must be a number in [0, 1), got 2.0\n")
    assert refused(["data", "fetch", "mnist", "--timeout", "-1"], capsys) == (
        "hplab data fetch: error: --timeout must be a number of seconds > 0 and <= 86400, "
        "got -1.0\n")
    # a name's own option stays as the name gave it
    assert refused(["data", "show", "coin?val_fraction=2"], capsys) == (
        "hplab data show: error: option val_fraction='2' must be a number in [0, 1)\n")


@pytest.mark.parametrize("argv, said", [
    (["study", "runn", "xor"], "hplab study: error: unknown command 'runn' (did you mean "
                               "'run'?); valid: run, worker, enqueue, list, show, export, spec, "
                               "report"),
    (["data", "shw", "xor"], "hplab data: error: unknown command 'shw' (did you mean 'show'?); "
                             "valid: list, show, fetch"),
    (["report", "idx"], "hplab report: error: unknown command 'idx' (did you mean 'index'?); "
                        "valid: index, compare"),
    (["trian", "--dataset", "xor"], "hplab: error: unknown command 'trian' (did you mean "
                                    "'train'?); valid: train, gradcheck, data, report, study, "
                                    "demo, scaling, predict, export-onnx, imbalance, lr-range, "
                                    "capacity"),
    (["data", "fetch", "mnst"], "hplab data fetch: error: unknown dataset 'mnst' (did you mean "
                                "'mnist'?); valid: mnist"),
])
def test_a_mistyped_command_is_an_unknown_name_not_argparse_dest(argv, said, capsys):
    # review: "argument study_command: invalid choice: 'runn' (choose from ...)"
    assert refused(argv, capsys) == said + "\n"


@pytest.mark.parametrize("argv, said", [
    (["train", "--dataset", "xor", "--no-report", "--lr", "-1e-3"],
     "hplab train: error: --lr must be a finite number > 0, got -0.001"),
    (["train", "--dataset", "xor", "--no-report", "--lr", "-inf"],
     "hplab train: error: --lr must be a finite number > 0, got -inf"),
    (["gradcheck", "--dataset", "xor", "--h", "-1e-5"],
     "hplab gradcheck: error: --h must be a finite number > 0 (the course uses 1e-4 to "
     "1e-7), got -1e-05"),
    (["lr-range", "--dataset", "xor", "--no-report", "--min-lr", "-1E-3"],
     "hplab lr-range: error: --min-lr must be a finite number > 0, got -0.001"),
    # a flag still is one where a value is missing
    (["train", "--dataset", "xor", "--lr", "--epochs", "3"],
     "hplab train: error: argument --lr: expected one argument"),
])
def test_a_negative_number_in_any_float_form_is_a_value(argv, said, capsys):
    # review: --lr -1e-3 read as a flag ("argument --lr: expected one argument"), where
    # --lr -.1 reached --lr's own check
    assert refused(argv, capsys) == said + "\n"


@pytest.mark.parametrize("argv, said", [
    # review: "unknown --activation 'relu,tanh' (did you mean 'tanh'?)": the flag took one
    # name, so the sweep's own message was never reached
    (["capacity", "--activation", "relu,tanh"], "hplab capacity: error: a capacity sweep needs "
                                                "one activation for every hidden layer, got "
                                                "['relu', 'tanh']"),
    (["capacity", "--activation", ""], "hplab capacity: error: --activation '' names none: "
                                       "give one activation for every hidden layer"),
    (["capacity", "--hidden", "4"], "hplab capacity: error: capacity does not take --hidden (a "
                                    "flag of train, gradcheck, scaling, imbalance and "
                                    "lr-range): it sweeps the hidden layers itself: --widths "
                                    "4,8 (units per layer) and --depths 1,2 (layers)"),
    # review: "unknown strategy ''"
    (["imbalance", "--strategies", "none,"], "hplab imbalance: error: argument --strategies: "
                                             "expected comma-separated names, got 'none,'"),
    (["imbalance", "--strategies", ""], "hplab imbalance: error: no strategy given; valid: "
                                        "none, class_weight, random_over, smote, adasyn, "
                                        "borderline_smote, random_under, near_miss, "
                                        "tomek_links, enn, smote_enn, smote_tomek, "
                                        "isolation_forest"),
])
def test_capacity_and_imbalance_take_name_lists(argv, said, capsys):
    dataset = "moons" if argv[0] == "imbalance" else "xor"
    assert refused([*argv, "--dataset", dataset, "--no-report"], capsys) == said + "\n"


def test_capacity_takes_one_activation_written_twice(capsys):
    code, out, err = run_cli(["capacity", "--dataset", "xor", "--activation", "tanh,tanh",
                              "--widths", "2", "--seeds", "1", "--epochs", "3", "--no-report",
                              "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["config"]["activation"] == "tanh"


def test_an_output_file_that_cannot_be_written_is_named_before_the_work(xor_model, tmp_path,
                                                                          capsys):
    # review: "[Errno 30] Read-only file system: 'p.csv'", where train and the analyses
    # say "--out X: cannot write in X (...)"; /proc refuses a new file even to root
    (tmp_path / "afile").write_text("mine\n")
    cases = [
        (["predict", xor_model, "--dataset", "xor", "--out", "/proc/p.csv"],
         "hplab predict: error: --out /proc/p.csv: cannot write in /proc (No such file or "
         "directory)"),
        (["predict", xor_model, "--dataset", "xor", "--out", tmp_path / "afile" / "p.csv"],
         f"hplab predict: error: --out {tmp_path}/afile/p.csv is inside a file "
         f"({tmp_path}/afile); give a path in a folder"),
        (["export-onnx", xor_model, "/proc/m.onnx"],
         "hplab export-onnx: error: /proc/m.onnx: cannot write in /proc (No such file or "
         "directory)"),
        # nothing is downloaded: the address would refuse it
        (["data", "fetch", "mnist", "--dest", "/proc/mn", "--url", "http://127.0.0.1:9/"],
         "hplab data fetch: error: --dest /proc/mn: cannot write in /proc (No such file or "
         "directory)"),
        (["data", "fetch", "mnist", "--dest", tmp_path / "afile" / "mn", "--url",
          "http://127.0.0.1:9/"],
         f"hplab data fetch: error: --dest {tmp_path}/afile/mn is inside a file "
         f"({tmp_path}/afile); give a folder"),
    ]
    for argv, said in cases:
        assert refused(argv, capsys) == said + "\n"
    assert (tmp_path / "afile").read_text() == "mine\n"


def test_the_default_download_folder_is_checked_too(capsys, monkeypatch):
    monkeypatch.setenv("HPLAB_DATA", "/proc/hplab-data")
    assert refused(["data", "fetch", "mnist", "--url", "http://127.0.0.1:9/"], capsys) == (
        "hplab data fetch: error: the download folder /proc/hplab-data/mnist: cannot write in "
        "/proc (No such file or directory); give another with --dest\n")


def test_a_study_run_says_its_unwritable_storage_before_advising_no_report(tmp_path,
                                                                             user_cli):
    # review: a read-only runs/ said "...cannot write in runs/studies ...; run with
    # --no-report", and --no-report then failed on runs/hplab.db
    (tmp_path / "runs").mkdir()
    (tmp_path / "runs").chmod(0o555)
    import os
    import pwd

    owner = pwd.getpwuid(os.getuid()).pw_name
    said = ("hplab study run: error: cannot make storage runs/hplab.db: its folder runs "
            f"(owner {owner}, mode 0555) is not writable; make it writable (chmod u+w), or "
            "give a path in a writable folder\n")
    for more in ([], ["--no-report"]):
        assert user_cli("study", "run", "xor", "--trials", "8", *more) == (2, "", said)


def test_train_prints_its_reason_in_the_flags_words_and_keeps_the_apis_in_json(tmp_path,
                                                                                capsys):
    # review: "reason: reached max_epochs=3" where the user typed --epochs; --json's
    # reason is the API's (TrainResult.reason, stored with a study's trials): kept
    argv = ["train", "--dataset", "xor", "--epochs", "3", "--no-report", "--out", tmp_path]
    code, out, err = run_cli(argv, capsys)
    assert code == 0, err
    assert "\nreason: reached --epochs=3\n" in out
    code, out, err = run_cli([*argv, "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["reason"] == "reached max_epochs=3"


@pytest.mark.parametrize("argv, said", [
    (["train", "--dataset", "xor", "--epochs", "2", "--min-delta", "0.5"],
     "hplab train: error: --min-delta has no effect with --patience 0 (no early stopping: it "
     "is the gain that resets --patience)"),
    (["train", "--dataset", "xor", "--patience", "0", "--min-delta=0"],  # typed: refused
     "hplab train: error: --min-delta has no effect with --patience 0 (no early stopping: it "
     "is the gain that resets --patience)"),
    (["lr-range", "--dataset", "xor", "--steps", "20", "--epochs-per-rate", "3"],
     "hplab lr-range: error: --epochs-per-rate has no effect with --mode exp (it is how long "
     "--mode looper holds each rate)"),
    (["lr-range", "--dataset", "xor", "--val-batch", "3", "--verify-epochs", "3"],
     "hplab lr-range: error: --val-batch has no effect without --val (it is the size of its "
     "batch); --verify-epochs has no effect without --verify (it is the length of its runs)"),
    (["scaling", "--dataset", "xor", "--target", "0.8", "--no-noise", "--reference-batch", "64"],
     "hplab scaling: error: --reference-batch has no effect with --target and --no-noise (no "
     "reference runs are made)"),
])
def test_a_flag_the_others_leave_unread_is_refused(argv, said, capsys):
    # review: `train --patience 0 --min-delta 0.5` ran and recorded min_delta 0.5
    assert refused([*argv, "--no-report"], capsys) == said + "\n"


def test_a_flag_left_at_its_default_or_read_is_no_refusal(tmp_path, capsys):
    for argv in (["train", "--dataset", "xor", "--epochs", "2", "--patience", "1",
                  "--min-delta", "0.5", "--out", tmp_path / "t"],
                 ["lr-range", "--dataset", "xor", "--steps", "12", "--mode", "looper",
                  "--min-lr", "1e-3", "--max-lr", "1", "--epochs-per-rate", "2", "--val",
                  "--val-batch", "3"],
                 ["scaling", "--dataset", "xor", "--batch-sizes", "4", "--lrs", "1", "--seeds",
                  "1", "--max-steps", "20", "--target", "1", "--reference-batch", "4"],
                 ["scaling", "--dataset", "xor", "--batch-sizes", "4", "--lrs", "1", "--seeds",
                  "1", "--max-steps", "20", "--target", "1", "--no-noise"]):
        code, out, err = run_cli([*argv, "--no-report", "--json"], capsys)
        assert code == 0, (argv, err)
    assert json.loads(out)["config"]["reference_batch"] == 4  # its default 32, clipped to xor's


@pytest.mark.parametrize("argv, flag, first, then", [
    (["capacity", "--dataset", "coin", "--widths", "4,8", "--widths", "16"], "--widths",
     "4,8", "16"),
    (["imbalance", "--dataset", "moons", "--strategies", "none", "--strategies=smote"],
     "--strategies", "none", "smote"),
    (["train", "--dataset", "xor", "--hidden", "2", "--hidden", ""], "--hidden", "2", ""),
    (["train", "--dataset", "xor", "--class-weight", "balanced", "--class-weight", "1,2"],
     "--class-weight", "balanced", "1,2"),
    (["scaling", "--dataset", "coin", "--lr-range", "0.01,1", "--lr-range", "0.1,10"],
     "--lr-range", "0.01,1", "0.1,10"),
])
def test_a_list_flag_given_twice_is_refused_not_cut_to_its_last(argv, flag, first, then,
                                                                 capsys):
    # QA: the last list won without a word (--widths 4,8 --widths 16 swept 16 alone)
    assert refused([*argv, "--no-report"], capsys) == (
        f"hplab {argv[0]}: error: {flag} given twice ({first!r}, then {then!r}): give it "
        "once, its values comma-separated\n")


def test_a_list_flag_once_sweeps_its_list_and_a_number_given_twice_is_its_last(capsys):
    # argparse's way for a flag of one value, kept: a script's defaults, then the user's
    code, out, err = run_cli(["capacity", "--dataset", "coin", "--widths", "4,16", "--depths",
                              "1", "--seeds", "1", "--epochs", "5", "--epochs", "2",
                              "--no-report", "--json"], capsys)
    assert code == 0, err
    said = json.loads(out)
    assert (said["widths"], said["depths"], said["config"]["max_epochs"]) == ([4, 16], [1], 2)
    assert [row["width"] for row in said["table"]] == [4, 16]
