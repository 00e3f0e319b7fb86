"""``?train_size=N``: fewer training rows, the held-out sets the whole set's."""

import json

import numpy as np
import pytest
from cli_helpers import assert_data_refused, run_cli

import data


def test_a_smaller_training_set_keeps_the_held_out_sets_and_the_class_shares():
    full, small = data.load("coin", seed=0), data.load("coin?train_size=150", seed=0)
    assert small.sizes() == {"train": 150, "val": 100, "test": 500}
    assert small.info["train_size"] == {"kept": 150, "of": 900}
    # the same validation and test rows (scaled by the smaller set's own range)
    assert np.array_equal(small.y_val, full.y_val) and np.array_equal(small.y_test, full.y_test)
    assert np.allclose(small.X_val * small.x_scale + small.x_shift,
                       full.X_val * full.x_scale + full.x_shift, atol=1e-6)
    # its rows are the whole set's, in the whole set's class shares (within a row)
    raw = full.X_train * full.x_scale + full.x_shift
    rows = small.X_train * small.x_scale + small.x_shift
    assert all(np.isclose(raw, row, atol=1e-6).all(axis=1).any() for row in rows)
    shares = np.bincount(full.y_train) / 900 * 150
    assert np.abs(np.bincount(small.y_train) - shares).max() <= 1
    # the same seed, the same rows; another seed, others; the argument is the option
    again = data.load("coin", seed=0, train_size=150)
    assert again.name == "coin?train_size=150" and np.array_equal(again.X_train, small.X_train)
    assert not np.array_equal(data.load("coin?train_size=150", seed=1).X_train, small.X_train)


def test_regression_and_imbalanced_sets_take_it_too():
    sine = data.load("sine?train_size=40", seed=3)
    assert sine.sizes()["train"] == 40 and sine.task == "regression"
    rare = data.load("digits?imbalance=1:10&positive=8&train_size=100", seed=0)
    assert rare.sizes()["train"] == 100 and 8 <= np.sum(rare.y_train == 1) <= 10


@pytest.mark.parametrize("name, message", [
    ("coin?train_size=0", "coin?train_size=0: train_size must be a whole number of rows "
                          ">= 1, got '0'"),
    ("coin?train_size=1.5", "coin?train_size=1.5: train_size must be a whole number of rows "
                            ">= 1, got '1.5'"),
    ("coin?train_size=901", "coin?train_size=901: train_size 901 is more than the 900 training "
                            "rows there are (the validation and test sets held out first)"),
    ("coin?train_size=2", "coin?train_size=2: train_size 2 cannot hold an example of each of "
                          "the 3 classes (the shares of the classes are kept)"),
    ("xor?train_size=2", "xor?train_size=2: train_size needs a held-out validation and test "
                         "set; xor validates and tests on its training set"),
])
def test_a_bad_train_size_is_one_line(name, message, capsys):
    assert_data_refused(name, message, capsys)


def test_a_whole_float_train_size_is_its_whole_number_as_a_seed_is():
    # QA: train_size=20.0 was refused where seed=1.0 (and the analyses' widths) were taken
    named = data.load("coin?train_size=20.0", seed=1.0)
    given = data.load("coin", train_size=20.0, seed=1)
    assert named.sizes()["train"] == given.sizes()["train"] == 20
    np.testing.assert_array_equal(named.X_train, given.X_train)
    assert given.name == "coin?train_size=20"  # the rows it names, as an int
    assert data.load("coin?train_size=20", train_size=20.0).name == "coin?train_size=20"
    for bad in (2.5, True, float("nan")):
        with pytest.raises(data.DataError, match="train_size must be a whole number"):
            data.load("coin", train_size=bad)


def test_a_model_trained_on_fewer_rows_names_them(tmp_path, capsys):
    out = tmp_path / "small"
    code, printed, err = run_cli(["train", "--dataset", "coin?train_size=150", "--hidden", "8",
                                  "--epochs", "50", "--out", out, "--no-report", "--json"],
                                 capsys)
    assert code == 0, err
    code, printed, err = run_cli(["predict", out / "model.npz", "--dataset", "--json"], capsys)
    summary = json.loads(printed)
    # the name reloads the same split: the held-out test set, not training rows
    assert code == 0 and summary["dataset"] == "coin?train_size=150"
    assert summary["data_changed"] is False and summary["n"] == 500
    code, printed, _ = run_cli(["data", "show", "coin", "--train-size", "150"], capsys)
    assert printed.splitlines()[1] == ("sizes: train 150, val 100, test 500 "
                                       "(train_size: 150 of 900 training rows)")


def test_an_unknown_options_error_lists_train_size_and_each_option_it_lists_loads(capsys):
    # QA: the list left out train_size, which load took all the same (its own list of the
    # options every set takes, beside load's): one list now
    code, _, err = run_cli(["data", "show", "coin?seed=3"], capsys)
    valid = ("n_train, n_test, imbalance, positive, train_size, scaling, merge_scaling, "
             "val_fraction, holdout")
    # QA: the seed, no option, was not pointed to the flag that sets it
    assert (code, err) == (2, f"hplab data show: error: unknown option 'seed' for coin; "
                              f"valid: {valid}; a seed is no option of the name: the --seed "
                              "flag sets it (seed in a study spec's [study], data.load's "
                              "seed=)\n")
    assert run_cli(["data", "show", "coin", "--seed", "3"], capsys)[0] == 0  # as it says
    code, _, err = run_cli(["data", "show", "coin?colour=red"], capsys)
    assert err.endswith(f"valid: {valid}\n")  # another option: the list alone, as before
    took = {"n_train=200": lambda ds: ds.sizes()["train"] == 180,
            "n_test=50": lambda ds: ds.sizes()["test"] == 50,
            "imbalance=1:2&positive=2": lambda ds: ds.sizes()["train"] == 727,
            "positive=2": lambda ds: ds.task == "binary" and ds.classes == ("not 2", 2),
            "train_size=90": lambda ds: ds.sizes()["train"] == 90,
            "scaling=standard": lambda ds: ds.info["scaling"] == "standard",
            "merge_scaling=1": lambda ds: ds.info["merge_scaling"] is True,
            "val_fraction=0.3": lambda ds: ds.sizes()["val"] == 300,
            # its default: coin holds its own out (holdout=no is a file set's, tested there)
            "holdout=yes": lambda ds: ds.info["test_from"] == "generated"}
    assert [option.partition("=")[0] for option in took] == valid.split(", ")
    for option, check in took.items():
        assert check(data.load(f"coin?{option}")), option


@pytest.mark.parametrize("name, message", [
    ("double-arc?imbalance=1:20&train_size=10",
     "double-arc?imbalance=1:20&train_size=10: train_size 10 leaves no training example of "
     "class 1 (9 of the 189 training rows; the shares of the classes are kept): train_size 11 "
     "or more keeps one of each class"),
    ("digits?imbalance=1:50&positive=8&train_size=20",
     "digits?imbalance=1:50&positive=8&train_size=20: train_size 20 leaves no training "
     "example of class 8 (22 of the 1190 training rows; the shares of the classes are kept): "
     "train_size 28 or more keeps one of each class"),
])
def test_a_train_size_that_rounds_a_rare_class_away_is_refused(name, message, capsys):
    # QA: the stratified draw rounded a class of 1.8 % of the rows down to none: training
    # on one class went on silently (test accuracy 0.98, every example called negative)
    assert_data_refused(name, message, capsys)
    # the size it names keeps one of each class, whatever the seed
    enough = name.replace(name.rsplit("=", 1)[1], message.split("train_size ")[-1].split()[0])
    for seed in range(4):
        assert np.bincount(data.load(enough, seed=seed).y_train).min() == 1


def test_a_csv_whose_rare_class_a_train_size_drops_is_refused_by_its_label(tmp_path):
    # QA: the same on a file: 10 "fraud" rows among 590 "ok" ones, train_size 30
    rng = np.random.default_rng(0)
    labels = np.array(["ok"] * 590 + ["fraud"] * 10)
    rows = "\n".join(f"{a:.3f},{b:.3f},{c}" for (a, b), c in zip(rng.normal(size=(600, 2)),
                                                                 labels, strict=True))
    (tmp_path / "pay.csv").write_text("a,b,kind\n" + rows + "\n")
    name = f"csv:{tmp_path / 'pay.csv'}?train_size=30"
    with pytest.raises(data.DataError, match=r"train_size 30 leaves no training example of "
                       r"class fraud \(7 of the 432 training rows; .*\): train_size 31 or "
                       "more keeps one of each class"):
        data.load(name)
    assert np.bincount(data.load(f"csv:{tmp_path / 'pay.csv'}?train_size=31").y_train).min() == 1


@pytest.mark.slow
def test_a_class_of_a_single_training_row_is_kept_and_named(tmp_path):
    # review: 3 "rare" rows of 123 went 1/1/1 to the test, validation and training pools;
    # train_size 20 could not stratify the one left in training, drew 20 rows at random and
    # left it out: a net with no "rare" row to learn from, without a word. Now a row of each
    # class is kept, and a class of one training row is named with its rows elsewhere.
    rng = np.random.default_rng(0)
    labels = ["a"] * 60 + ["b"] * 60 + ["rare"] * 3
    rows = "\n".join(f"{x:.3f},{y:.3f},{c}" for (x, y), c in zip(rng.normal(size=(123, 2)),
                                                                 labels, strict=True))
    (tmp_path / "r.csv").write_text("x1,x2,label\n" + rows + "\n")
    said = ("class rare has a single training row (1 in validation, 1 in test): a net learns "
            "next to nothing of a class from one example; add rows of it, or leave it out")
    for seed in range(3):
        with pytest.warns(data.DataWarning) as warned:
            ds = data.load(f"csv:{tmp_path / 'r.csv'}?train_size=20", seed=seed, val_fraction=0.5)
        assert ds.class_counts()["train"][2] == 1 and len(ds.y_train) == 20
        assert [str(w.message).split(": ", 1)[1] for w in warned] == [said], seed
        # the whole pool (no train_size) keeps its one row too, and says the same
        with pytest.warns(data.DataWarning, match=r"^csv:.*r\.csv\?val_fraction=0\.5: class "
                                                      r"rare has a single "):
            ds = data.load(f"csv:{tmp_path / 'r.csv'}", seed=seed, val_fraction=0.5)
        assert ds.class_counts()["train"][2] == 1
    # the program prints it as its other warnings: one line, and loads
    from cli_helpers import hplab_cli

    done = hplab_cli("data", "show", f"csv:{tmp_path / 'r.csv'}?train_size=20",
                     "--val-fraction", "0.5", "--json", cwd=tmp_path)
    assert done.returncode == 0 and json.loads(done.stdout)["class_counts"]["train"][2] == 1
    assert done.stderr.endswith(said + "\n") and done.stderr.count("\n") == 1
