"""The warning of features that per-feature scaling blows up outside the training split
(pixels of a file not detected as images), and the data it leaves alone."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from cli_helpers import run_cli_as_program
from data_helpers import four_classes_csv

import data

FIX = ("if the features are pixels, add {more}images=yes to scale all features together, or "
       "{more}merge_scaling=1 to fit the scaling on train, validation and test merged")


def _pixels(n: int, seed: int, first: int) -> np.ndarray:
    """n rows of 64 whole-number pixels 0-255 stored as float64, pixel 0 set to ``first``."""
    X = np.random.default_rng(seed).integers(0, 256, (n, 64)).astype(np.float64)
    X[:, 0] = first
    return X


def _pixel_files(folder) -> tuple[str, str]:
    """The QA's files, 64 pixels for 784: an npz pair of float pixels and a Kaggle-style CSV
    pair (label first, integers that pandas reads as int64); pixel 0 is always 0 in train
    and 255 in test. Their dataset names."""
    parts = {"train": (_pixels(300, 0, 0), np.arange(300) % 3),
             "test": (_pixels(60, 1, 255), np.arange(60) % 3)}
    for part, (X, y) in parts.items():
        np.savez(folder / f"imgf_{part}.npz", data=X, label=y.reshape(-1, 1).astype(float))
        frame = pd.DataFrame(X.astype(np.int64), columns=[f"pixel{i}" for i in range(64)])
        frame.insert(0, "label", y)
        frame.to_csv(folder / f"mn_{part}.csv", index=False)
    return (f"npz:{folder / 'imgf_train.npz'},{folder / 'imgf_test.npz'}",
            f"csv:{folder / 'mn_train.csv'},{folder / 'mn_test.csv'}?target=label")


def _said(name: str, **kwargs) -> tuple[data.Dataset, list[str]]:
    """The set loaded, and every DataWarning its loading gave."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = data.load(name, **kwargs)
    return ds, [str(w.message) for w in caught if issubclass(w.category, data.DataWarning)]


def test_pixels_constant_in_train_are_said_to_blow_up_in_test(tmp_path):
    # QA: float pixels in an npz and a Kaggle-style MNIST CSV are no images to the loader
    # (not uint8, not N x H x W): scaled per feature, pixel 0 (0 in train) was 255 in
    # X_test, "per feature, fitted on the training split", and nothing said so
    npz, csv = _pixel_files(tmp_path)
    for name, column, more in ((npz, "x1", "?"), (csv, "pixel0", "&")):
        ds, said = _said(name)
        assert said == [f"{name}: 1 of 64 features ({column}) is constant in the training "
                        "split but varies in the test split: scaled per feature, its values "
                        "there reach 255 (the training split's lie within [0, 1]); "
                        + FIX.format(more=more)]
        # said, not changed: the scaling is per feature as before (a study's fingerprint)
        assert ds.info["pixel_max"] is None and ds.x_scale[0] == 1.0
        assert ds.X_test[:, 0].max() == 255 and ds.X_train[:, 0].max() == 0
        # either fix, and no warning
        ds, said = _said(name + f"{more}images=yes")
        assert said == [] and ds.X_test[:, 0].max() == 1.0 and set(ds.x_scale) == {255.0}
        ds, said = _said(name, merge_scaling=True)
        assert said == [] and ds.X_test[:, 0].max() == 1.0


def test_the_warning_is_said_once_by_data_show_and_train(tmp_path, capsys):
    # QA: the CLI's two ways to the data said nothing of the 255 in the test split
    _, csv = _pixel_files(tmp_path)
    code, out, err = run_cli_as_program(["data", "show", csv], capsys)
    assert code == 0 and "scaling: minmax, per feature, fitted on the training split" in out
    assert err.count("hplab data show: warning: ") == 1
    assert re.search(r"1 of 64 features \(pixel0\) is constant in the training split but "
                     r"varies in the test split: .* reach 255 ", err)
    code, out, err = run_cli_as_program(["train", "--dataset", csv, "--epochs", "1",
                                         "--no-report", "--out", tmp_path / "run"], capsys)
    assert code == 0 and err.count("hplab train: warning: ") == 1
    assert "1 of 64 features (pixel0) is constant in the training split" in err


def test_a_pixel_nearly_constant_in_train_is_said_far_past_its_range(tmp_path):
    # QA: one 3 among 0s in train made a test pixel of 255 85 once scaled per column, with
    # images=no asked for; images=yes is not offered against it, merge_scaling is
    X = _pixels(200, 0, 0).astype(np.uint8)
    X[5, 0] = 3
    y = (np.arange(200) % 2).reshape(-1, 1).astype(float)
    np.savez(tmp_path / "tr.npz", data=X, label=y)
    np.savez(tmp_path / "te.npz", data=_pixels(50, 1, 255).astype(np.uint8), label=y[:50])
    name = f"npz:{tmp_path / 'tr.npz'},{tmp_path / 'te.npz'}?images=no"
    ds, said = _said(name, scaling="standard")
    assert said == [f"{name}&scaling=standard: 1 of 64 features (x1) varies in the test split "
                    "far past its range in the training split: scaled per feature, its values "
                    f"there reach {ds.X_test[:, 0].max():g}; add &merge_scaling=1 to fit the "
                    "scaling on train, validation and test merged"]
    _, said = _said(name.removesuffix("?images=no"))  # uint8: images, x / 255
    assert said == []


def test_many_features_and_the_validation_split_are_counted(tmp_path):
    # a border of pixels 0 in training: five set in every test row and in one row of the
    # training file, which seed 2 holds out for validation
    for part, n in (("train", 300), ("test", 60)):
        X = _pixels(n, n, 0)
        X[:, :10] = 0
        X[:1 if part == "train" else n, 3:8] = 200
        frame = pd.DataFrame(X, columns=[f"p{i}" for i in range(64)])
        frame.assign(y=np.arange(n) % 2).to_csv(tmp_path / f"b_{part}.csv", index=False)
    name = f"csv:{tmp_path / 'b_train.csv'},{tmp_path / 'b_test.csv'}"
    ds, said = _said(name, seed=2)
    assert ds.X_train[:, 3:8].max() == 0 and ds.X_val[:, 3:8].max() == 200
    assert said == [f"{name}: 5 of 64 features (p3, p4, p5, ...) are constant in the training "
                    "split but vary in the validation and test splits: scaled per feature, "
                    "their values there reach 200 (the training split's lie within [0, 1]); "
                    + FIX.format(more="?")]


@pytest.mark.parametrize("name", [
    "coin", "digits", "sine", "double-arc?train_size=100", "moons?scaling=standard",
])
def test_sets_that_scale_well_say_nothing(name):
    # QA: the rule must not fire on the bundled and generated sets (digits: images; a
    # small training part of double-arc: its test points stay near its range)
    _, said = _said(name)
    assert said == []


def test_ordinary_files_say_nothing(tmp_path):
    # QA: a table of measurements, a course npz pair (double arc) and counts in 0-255 over
    # many columns (which a detection from values would take for images) scale per feature,
    # as before, in silence
    name = four_classes_csv(tmp_path / "four.csv", {"a": 300, "b": 200, "c": 100, "d": 50})
    ds, said = _said(name)
    assert said == [] and ds.info["pixel_max"] is None
    rng = np.random.default_rng(0)
    for part, n in (("train", 1000), ("test", 500)):
        t = rng.uniform(0, np.pi, n)
        X = np.c_[np.cos(t), np.sin(t)] + rng.normal(0, 0.1, (n, 2))
        np.savez(tmp_path / f"arc_{part}.npz", data=X, label=(t > 1.5).astype(float))
    _, said = _said(f"npz:{tmp_path / 'arc_train.npz'},{tmp_path / 'arc_test.npz'}")
    assert said == []
    counts = pd.DataFrame(rng.poisson(40, (500, 100)), columns=[f"w{i}" for i in range(100)])
    counts.assign(y=np.arange(500) % 2).to_csv(tmp_path / "counts.csv", index=False)
    ds, said = _said(f"csv:{tmp_path / 'counts.csv'}")
    assert said == [] and ds.info["pixel_max"] is None and len(set(ds.x_scale)) > 1
