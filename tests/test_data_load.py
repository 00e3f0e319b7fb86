"""Splits, scaling, file loaders, imbalance and bad input (API and CLI)."""

import json
import os
import re
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cli_helpers import assert_data_refused, run_cli
from conftest import traced_peak
from data_helpers import four_classes_csv

import data
import hplab


def _rows(X):
    return {r.tobytes() for r in X}


def test_splits_disjoint_stratified_reproducible():
    ds = data.load("coin", seed=7)
    train, val, test = _rows(ds.X_train), _rows(ds.X_val), _rows(ds.X_test)
    assert not (train & val) and not (train & test) and not (val & test)
    assert len(val) == 100 and len(train) == 900  # 1/10 of the 1000 training points
    pool = np.bincount(np.concatenate([ds.y_train, ds.y_val])) / 1000
    np.testing.assert_allclose(np.bincount(ds.y_val) / 100, pool, atol=0.011)
    again = data.load("coin", seed=7)
    np.testing.assert_array_equal(again.y_val, ds.y_val)
    other = data.load("coin", seed=7, val_fraction=0.2)  # same data, other split
    assert other.sizes() == {"train": 800, "val": 200, "test": 500}
    assert _rows(other.X_test) == test


def test_a_files_test_set_is_held_out_of_its_training_and_validation_rows(tmp_path):
    # QA (mutation): coin's test set is generated apart, so the check above never saw the
    # hold-out of a file's rows; a leak of test rows into training was caught only by
    # chance. Each row of this CSV is told apart by its id: every row lands in one split
    rows = pd.DataFrame({"id": np.arange(600.0), "x": np.sin(np.arange(600.0)),
                         "label": np.arange(600) % 3})
    rows.to_csv(tmp_path / "ids.csv", index=False)
    for name in ("ids.csv", "ids.csv?train_size=100", "ids.csv?imbalance=1:4&positive=2"):
        ds = data.load(f"csv:{tmp_path / name}", seed=3, scaling="none")
        train, val, test = (set(X[:, 0].tolist()) for X in (ds.X_train, ds.X_val, ds.X_test))
        assert len(train) == len(ds.X_train) and len(test) == len(ds.X_test) > 0, name
        assert not (train & val) and not (train & test) and not (val & test), name
        assert train | val | test <= set(range(600)), name
    assert len(train | val | test) < 600  # the imbalanced set drew fewer of the rare class
    whole = data.load(f"csv:{tmp_path / 'ids.csv'}", seed=3, scaling="none")
    assert sorted(np.concatenate([whole.X_train, whole.X_val, whole.X_test])[:, 0]) == \
        list(range(600))  # none lost either


def test_a_dataset_shows_its_shapes_not_its_arrays(tmp_path):
    # its dataclass repr printed every array: 670 lines for coin under a notebook cell
    coin = data.load("coin")
    assert repr(coin) == str(coin) == ("Dataset(name='coin', task='multiclass', train=900x2, "
                                       "val=100x2, test=500x2, classes=(1, 2, 3))")
    assert repr(data.load("sine")).endswith("classes=())")
    labels = pd.DataFrame({"x": np.arange(400.0), "y": np.arange(400) % 20})
    labels.to_csv(tmp_path / "many.csv", index=False)
    many = data.load(f"csv:{tmp_path / 'many.csv'}")
    assert repr(many).endswith("', task='multiclass', train=288x1, val=32x1, test=80x1, "
                               "classes=<20 classes>)")


def test_train_is_shuffled_even_when_file_is_sorted(tmp_path):
    X = np.arange(200, dtype=float).reshape(100, 2)
    y = np.repeat([0, 1], 50)
    np.savez(tmp_path / "s.npz", data=X, label=y.reshape(-1, 1).astype(float))
    ds = data.load(f"npz:{tmp_path / 's.npz'}", seed=0)
    assert ds.sizes() == {"train": 72, "val": 8, "test": 20}  # 20 % test, then 1/10 val
    assert np.bincount(ds.y_val).tolist() == [4, 4] and np.bincount(ds.y_test).tolist() == [10, 10]
    assert 0 < np.mean(ds.y_train[:36]) < 1  # not sorted by class


def test_minmax_fitted_on_train_only_unless_merged():
    ds = data.load("double-arc", seed=0)
    assert ds.X_train.min(axis=0).tolist() == [0, 0] and ds.X_train.max(axis=0).tolist() == [1, 1]
    raw_train = ds.X_train.astype(np.float64) * ds.x_scale + ds.x_shift
    np.testing.assert_allclose(ds.x_shift, raw_train.min(axis=0), rtol=1e-6)
    merged = data.load("double-arc", seed=0, merge_scaling=True)
    everything = np.concatenate([merged.X_train, merged.X_val, merged.X_test])
    np.testing.assert_allclose(everything.min(axis=0), 0, atol=1e-7)
    np.testing.assert_allclose(everything.max(axis=0), 1, atol=1e-7)
    assert merged.info["merge_scaling"]
    assert not np.array_equal(np.r_[merged.x_shift, merged.x_scale], np.r_[ds.x_shift, ds.x_scale])
    # the course's merged scaling in the name, so train, studies and analyses can ask for it
    assert merged.name == "double-arc?merge_scaling=1"
    by_name = data.load(merged.name, seed=0)
    np.testing.assert_array_equal(by_name.X_test, merged.X_test)
    assert by_name.name == merged.name and by_name.info["merge_scaling"]
    standard = data.load("double-arc?scaling=standard", seed=0)
    assert standard.info["scaling"] == "standard" and standard.name == "double-arc?scaling=standard"
    assert data.load("double-arc", seed=0, scaling="standard").name == standard.name
    assert data.load("double-arc", seed=0, scaling="minmax").name == "double-arc"
    with pytest.raises(data.DataError, match="merge_scaling='maybe' must be 1 or 0"):
        data.load("double-arc?merge_scaling=maybe")
    with pytest.raises(data.DataError, match="scaling given twice"):
        data.load("double-arc?scaling=none", scaling="standard")
    with pytest.raises(data.DataError, match="scaling given twice"):  # the default, said
        data.load("double-arc?scaling=standard", scaling="minmax")
    with pytest.raises(data.DataError, match="merge_scaling given twice"):
        data.load("double-arc?merge_scaling=1", merge_scaling=False)
    with pytest.raises(data.DataError, match="unknown scaling ''"):
        data.load("double-arc", scaling="")
    # "no" is true to Python: as an argument it merged, the opposite of what it says
    with pytest.raises(data.DataError, match=r"^merge_scaling must be True or False, got 'no'$"):
        data.load("double-arc", merge_scaling="no")
    # a loaded set where its name goes: named by its type, not printed (31 KB of arrays)
    with pytest.raises(data.DataError, match=r"^dataset name must be a non-empty string, got "
                                             r"Dataset$"):
        data.load(standard)


def test_merged_scaling_fits_a_regression_target_on_every_split(tmp_path):
    # the test file's targets lie past the training range: merged, they set the scale
    pd.DataFrame({"x": np.arange(40.0), "y": np.arange(1.0, 41.0)}).to_csv(tmp_path / "tr.csv",
                                                                         index=False)
    pd.DataFrame({"x": [50.0, 60.0], "y": [100.0, 120.0]}).to_csv(tmp_path / "te.csv",
                                                               index=False)
    files = f"csv:{tmp_path / 'tr.csv'},{tmp_path / 'te.csv'}?task=regression"
    apart, merged = data.load(files, seed=0), data.load(files, seed=0, merge_scaling=True)
    train = np.concatenate([apart.y_train, apart.y_val]).astype(np.float64)
    assert (apart.y_shift, apart.y_scale) == (1.0, 39.0)  # the training file's 1..40
    assert (merged.y_shift, merged.y_scale) == (1.0, 119.0)  # 1..120, with the test's
    raw_test = merged.y_test.astype(np.float64) * merged.y_scale + merged.y_shift
    np.testing.assert_allclose(sorted(raw_test), [100, 120], rtol=1e-6)
    assert train.min() == 0 and train.max() == 1  # train-only: train spans [0, 1]


def test_standard_scaling():
    ds = data.load("moons", seed=0, scaling="standard")
    np.testing.assert_allclose(ds.X_train.mean(axis=0), 0, atol=1e-6)
    np.testing.assert_allclose(ds.X_train.std(axis=0), 1, atol=1e-5)
    assert data.load("moons", scaling="none").x_scale.tolist() == [1, 1]


def test_standard_scaling_of_images_uses_the_std_of_every_training_pixel():
    ds = data.load("digits?scaling=standard", seed=0)  # images: one shift and scale
    raw = ds.X_train.astype(np.float64) * ds.x_scale + ds.x_shift
    assert ds.x_shift[0] == pytest.approx(raw.mean()) == pytest.approx(4.88145)
    assert ds.x_scale[0] == pytest.approx(raw.std()) == pytest.approx(6.01563)  # not 7.75 (RMS)


def test_a_canonical_name_orders_options_and_keeps_them_a_name(tmp_path):
    # QA: options were joined by "?" (csv:a.csv?target=y?task=...), and an escaped "?" in
    # a value compared equal to two options
    pd.DataFrame({"a": [0.0, 1.0] * 10, "y": [0, 1] * 10}).to_csv(tmp_path / "g.csv",
                                                                  index=False)
    one = data.canonical_name(f"csv:{tmp_path / 'g.csv'}?target=y&task=classification")
    assert one == data.canonical_name(f"csv:{tmp_path / 'g.csv'}?task=classification&target=y")
    assert one == f"csv:{tmp_path / 'g.csv'}?target=y&task=classification"
    assert data.load(one).task == "binary"
    # a value with a space stays one that loads (urlencode wrote "my+label"), and stays put
    pd.DataFrame({"a": [0.0, 1.0] * 10, "my label": [0, 1] * 10}).to_csv(tmp_path / "s.csv",
                                                                         index=False)
    spaced = data.canonical_name(f"csv:{tmp_path / 's.csv'}?target=my label")
    assert data.load(spaced).task == "binary" and data.canonical_name(spaced) == spaced
    assert one != data.canonical_name(f"csv:{tmp_path / 'g.csv'}?target=y%3Ftask%3Dclassification")
    assert data.canonical_name("digits?scaling=standard") == "digits?scaling=standard"


def test_with_options_adds_options_a_name_reads_back_keeping_its_own():
    assert data.with_options("digits", positive=8) == "digits?positive=8"
    assert data.with_options("digits?", positive=8) == "digits?positive=8"
    assert data.with_options("csv:a b.csv?target=kind", positive="R&D", task=None) == \
        "csv:a b.csv?target=kind&positive=R%26D"
    assert data.with_options("coin") == "coin"
    ds = data.load(data.with_options("digits?scaling=standard", positive="8"))
    assert ds.classes == ("not 8", 8) and ds.info["scaling"] == "standard"


def test_a_fingerprint_tells_the_data_apart_not_its_path(tmp_path):
    # a study stores it: a worker's copy of the data elsewhere matches, other data does not
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    frame = pd.DataFrame(X, columns=["a", "b"]).assign(label=(X[:, 0] > 0).astype(int))
    (tmp_path / "copy").mkdir()
    for path, rows in ((tmp_path / "d.csv", frame), (tmp_path / "copy" / "d.csv", frame),
                       (tmp_path / "cell.csv", frame.replace({X[3, 1]: 0.5})),
                       (tmp_path / "twice.csv", frame.assign(a=2 * frame.a, b=2 * frame.b))):
        rows.to_csv(path, index=False)
    first = data.load(f"csv:{tmp_path / 'd.csv'}", seed=0).fingerprint()
    assert len(first) == 16 and int(first, 16) >= 0
    assert data.load(f"csv:{tmp_path / 'copy' / 'd.csv'}?target=label", seed=0).fingerprint() \
        == first
    others = [data.load(f"csv:{tmp_path / 'd.csv'}", seed=1),  # another split
              data.load(f"csv:{tmp_path / 'cell.csv'}", seed=0),  # one value changed
              data.load(f"csv:{tmp_path / 'd.csv'}?scaling=standard", seed=0)]
    # the same inputs once scaled, but a model saved from it rescales raw inputs otherwise
    twice = data.load(f"csv:{tmp_path / 'twice.csv'}", seed=0)
    np.testing.assert_array_equal(twice.X_train, data.load(f"csv:{tmp_path / 'd.csv'}",
                                                           seed=0).X_train)
    assert len({first, *(d.fingerprint() for d in [*others, twice])}) == 5
    # inputs 10 times as large, 0 the least of each column in every split: the same scaled
    # arrays, shift and targets, but another x_scale, and so other raw-input predictions
    grid = pd.DataFrame({"a": np.arange(40) % 5, "b": np.arange(40) % 4})
    grid.assign(label=(grid.a > grid.b).astype(int)).to_csv(tmp_path / "g.csv", index=False)
    (10 * grid).assign(label=(grid.a > grid.b).astype(int)).to_csv(tmp_path / "g10.csv",
                                                                   index=False)
    small, large = (data.load(f"csv:{tmp_path / n}", seed=0) for n in ("g.csv", "g10.csv"))
    np.testing.assert_array_equal(large.X_train, small.X_train)
    assert large.x_shift.tolist() == small.x_shift.tolist() == [0, 0]
    assert large.x_scale.tolist() == [40, 30] and small.x_scale.tolist() == [4, 3]
    assert large.fingerprint() != small.fingerprint()


def test_standard_scaling_maps_a_constant_column_to_zero(tmp_path):
    # 0.1 is not exact in binary: its std is rounding noise (1e-17), which is no spread
    rng = np.random.default_rng(0)
    for part, value in (("train", 0.1), ("test", 0.2)):
        pd.DataFrame({"a": rng.normal(size=100), "c": value,
                      "y": np.arange(100) % 2}).to_csv(tmp_path / f"{part}.csv", index=False)
    # QA: said (its training constant is no value of the test split), no longer in silence
    with pytest.warns(data.DataWarning, match=r": 1 of 2 features \(c\) is constant in the "
                      r"training split but varies in the test split: scaled per feature, its "
                      r"values there reach 0\.1; if the features are pixels"):
        ds = data.load(f"csv:{tmp_path / 'train.csv'},{tmp_path / 'test.csv'}?scaling=standard")
    assert ds.x_scale[1] == 1.0
    np.testing.assert_allclose(ds.X_train[:, 1], 0, atol=1e-15)
    np.testing.assert_allclose(ds.X_test[:, 1], 0.1, rtol=1e-6)  # 0.2 - 0.1, not 5.5e14
    np.testing.assert_allclose(ds.X_train[:, 0].std(), 1, rtol=1e-5)  # the others as before


@pytest.mark.parametrize("column, scaling, message", [
    ("x", "minmax", "feature 'x' has values too large to scale (scaling=minmax: their spread "
     "overflows float64)"),  # max - min of +-1.7e308 is inf
    ("x", "standard", "feature 'x' has values too large to scale (scaling=standard"),
    ("x", "none", "train feature 'x' has values too large for float32 after scaling=none "
     "(first at line 2;"),
    ("y", "minmax", "target 'y' has values too large to scale (scaling=minmax"),
    ("y", "none", "train target 'y' has values too large for float32 after scaling=none"),
])
def test_values_too_large_to_scale_are_refused(tmp_path, capsys, column, scaling, message):
    big = {"minmax": 1.7e308, "standard": 1e170, "none": 1e39}[scaling]
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=100), "y": rng.normal(size=100)})
    # 100 distinct values: a target of few whole numbers would be read as class labels
    frame[column] = np.where(np.arange(100) % 2, big, -big) * rng.uniform(0.95, 1, 100)
    frame.to_csv(tmp_path / "big.csv", index=False)
    name = f"csv:{tmp_path / 'big.csv'}?scaling={scaling}"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning on the way to the error
        with pytest.raises(data.DataError) as err:
            data.load(name)
    assert message in str(err.value) and "rescale the raw values first" in str(err.value)
    assert hplab.main(["data", "show", name]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1

@pytest.mark.parametrize("name, seed, part", [
    ("h.csv?scaling=none", 3, "train"), ("h.csv", 10, "test"), ("h.csv", 21, "val"),
    ("train.csv,h.csv", 0, "test"),  # a test file's own line
])
def test_values_too_large_for_float32_are_named_by_their_line(tmp_path, name, seed, part):
    # QA: the error named a row of the shuffled split ("first at row 52"), and said float32
    # under --dtype float64 without saying why
    X = np.random.default_rng(0).normal(size=(200, 3))
    X[5, 1] = 1e308  # data row 5: line 7, under the header
    for file, values in (("h.csv", X), ("train.csv", X[10:])):
        pd.DataFrame({"f0": values[:, 0], "f1": values[:, 1], "f2": values[:, 2],
                      "y": values[:, 0] > 0}).astype({"y": int}).to_csv(tmp_path / file,
                                                                      index=False)
    name = ",".join(str(tmp_path / n) for n in name.split(","))
    with pytest.raises(data.DataError) as err:
        data.load(f"csv:{name}", seed=seed)
    assert (f"{part} feature 'f1' has values too large for float32 after scaling="
            f"{'none' if 'none' in name else 'minmax'} (first at line 7; hplab keeps data in "
            "float32 whatever --dtype a net trains in)") in str(err.value)


def test_regression_targets_inverse():
    ds = data.load("curve", seed=0)
    y_raw = ds.inverse_y(ds.y_train)
    assert y_raw.min() == pytest.approx(ds.y_shift)
    assert y_raw.max() == pytest.approx(ds.y_shift + ds.y_scale)
    json.dumps(ds.summary())
    # fitted on train only: this seed's validation reaches 1.0075, beyond the train range
    ds = data.load("sine", seed=4)
    assert (ds.y_train.min(), ds.y_train.max()) == (0.0, 1.0)
    assert ds.y_val.max() == pytest.approx(1.0074719)


def test_npz_with_test_file_course_layout(tmp_path):
    rng = np.random.default_rng(0)
    for part, n in (("train", 300), ("test", 60)):
        X = rng.uniform(-0.5, 0.5, (n, 2))
        np.savez(tmp_path / f"{part}.npz", data=X,
                 label=(1 + np.arange(n) % 3).reshape(-1, 1).astype(float))
    ds = data.load(f"npz:{tmp_path / 'train.npz'},{tmp_path / 'test.npz'}", seed=0)
    assert ds.task == "multiclass" and ds.classes == (1, 2, 3)
    assert ds.sizes() == {"train": 270, "val": 30, "test": 60}
    assert ds.inverse_y(np.array([0, 2])).tolist() == [1, 3]


@pytest.mark.parametrize("dtype, full", [(np.uint8, 255.0), (np.float32, None)])
def test_npz_images_are_scaled_as_a_whole(tmp_path, dtype, full):
    rng = np.random.default_rng(0)
    X = rng.integers(0, 256, (200, 4, 4)).astype(dtype)
    X[:, 0, 0] = 0  # always 0 in train: scaled per column it would blow up in test
    X_test = rng.integers(0, 256, (50, 4, 4)).astype(dtype)
    X_test[:, 0, 0] = 255
    for part, images in (("train", X), ("test", X_test)):
        np.savez(tmp_path / f"{part}.npz", data=images,
                 label=(np.arange(len(images)) % 2).reshape(-1, 1).astype(float))
    ds = data.load(f"npz:{tmp_path / 'train.npz'},{tmp_path / 'test.npz'}", seed=0)
    scale = ds.x_scale[0]
    np.testing.assert_array_equal(ds.x_scale, np.full(16, scale))  # one scale for all pixels
    if full:
        assert scale == full
    else:  # no known full scale: the training part's largest value
        assert ds.X_train.max() == 1.0 and scale <= 255
    assert ds.X_test[:, 0].max() == np.float32(255 / scale)  # not 255: no column blew up


def test_flattened_images_are_scaled_as_a_whole(tmp_path):
    # the course's MNIST files hold N x 784 uint8: per column, a pixel that is nearly always
    # 0 in train (here one 3) scaled a test value of 255 to 85
    rng = np.random.default_rng(0)
    X = rng.integers(0, 256, (200, 16)).astype(np.uint8)
    X[:, 0] = 0
    X[5, 0] = 3
    X_test = X[:50].copy()
    X_test[:, 0] = 255
    y = (np.arange(200) % 2).reshape(-1, 1).astype(float)
    np.savez(tmp_path / "tr.npz", data=X, label=y)
    np.savez(tmp_path / "te.npz", data=X_test, label=y[:50])
    name = f"npz:{tmp_path / 'tr.npz'},{tmp_path / 'te.npz'}"
    ds = data.load(name)
    assert ds.info["pixel_max"] == 255 and set(ds.x_scale) == {255}
    assert ds.X_test[:, 0].max() == 1.0
    with pytest.warns(data.DataWarning, match=r"\(x1\) varies in the test split far past its "
                      "range in the training split: scaled per feature, its values there "
                      "reach 85 "):  # QA: said, no longer in silence
        per_column = data.load(name + "?images=no")  # asked for: features, scaled per column
    assert per_column.X_test[:, 0].max() == 85.0 and per_column.info["pixel_max"] is None
    # pixel columns in a CSV (label first, as Kaggle's MNIST CSV) on request
    frame = pd.DataFrame(X, columns=[f"pixel{i}" for i in range(16)])
    frame.insert(0, "label", y[:, 0].astype(int))
    frame.to_csv(tmp_path / "m.csv", index=False)
    ds = data.load(f"csv:{tmp_path / 'm.csv'}?target=label&images=yes")
    assert set(ds.x_scale) == {float(X.max())} and ds.X_train.max() == 1.0
    with pytest.raises(data.DataError, match="option images='maybe' must be one of auto, "
                                             "yes, no"):
        data.load(f"csv:{tmp_path / 'm.csv'}?images=maybe")


def test_npz_test_images_stored_otherwise_than_the_training_images_are_refused(tmp_path,
                                                                               capsys):
    # QA: uint8 training images beside float test images (x / 255) were scaled by 255 as
    # well: a test accuracy of chance, silently, where the IDX loader refuses the pair
    rng = np.random.default_rng(0)
    train = rng.integers(0, 256, (200, 5, 5)).astype(np.uint8)
    test = rng.integers(0, 256, (60, 5, 5)).astype(np.uint8)
    label = (np.arange(200) % 2).astype(float)
    np.savez(tmp_path / "train.npz", data=train, label=label)
    np.savez(tmp_path / "test.npz", data=test / 255.0, label=label[:60])
    name = f"npz:{tmp_path / 'train.npz'},{tmp_path / 'test.npz'}"
    message = (f"{tmp_path / 'test.npz'} beside {tmp_path / 'train.npz'}: test images are "
               "float64 but train images uint8: both files must store pixels alike (they "
               "are scaled alike)")
    assert_data_refused(name, message, capsys)
    # the same pixels flattened: the test set of another image shape, refused alike
    np.savez(tmp_path / "test.npz", data=test.reshape(60, 1, 25), label=label[:60])
    with pytest.raises(data.DataError, match=r"test\.npz beside .*train\.npz: test images are "
                       r"1x25 but train images 5x5$"):
        data.load(name)
    # flattened to rows as the course's files store them, the same pixels: loaded
    np.savez(tmp_path / "test.npz", data=test.reshape(60, 25), label=label[:60])
    assert data.load(name).X_test.max() == 1.0
    # features (no images) of two dtypes are scaled per column by the training part: loaded
    np.savez(tmp_path / "train.npz", data=rng.integers(0, 9, (200, 3)), label=label)
    np.savez(tmp_path / "test.npz", data=rng.normal(size=(60, 3)), label=label[:60])
    assert data.load(name).sizes()["test"] == 60


def test_a_data_path_that_is_a_pipe_or_a_device_is_said_to_be_one(tmp_path, capsys,
                                                                   monkeypatch):
    # QA: csv:<(cat d.csv), a named pipe and /dev/null said "file not found", of a path there
    monkeypatch.chdir(tmp_path)
    os.mkfifo("pipe.csv")
    pd.DataFrame({"a": [0.0, 1.0] * 10, "y": [0, 1] * 10}).to_csv("d.csv", index=False)
    for name, path in (("csv:pipe.csv", "pipe.csv"), ("npz:/dev/null", "/dev/null"),
                       ("csv:d.csv,/dev/null", "/dev/null")):
        assert_data_refused(name, f"{path} is not a regular file (a pipe or a device, as "
                            "<(...) and /dev/null are): save the data to a file and give that",
                            capsys)


@pytest.mark.parametrize("kind", ["csv", "npz"])
def test_an_empty_test_path_or_option_value_is_refused(tmp_path, kind, capsys, monkeypatch):
    # QA: csv:train.csv,$TEST with $TEST unset held out 20 % silently; ?header= and ?images=
    # were taken for auto, where ?holdout= and the others are refused
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(50, 2)), np.arange(50) % 2
    if kind == "csv":
        pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "y": y}).to_csv("t.csv", index=False)
    else:
        np.savez("t.npz", data=X, label=y)
    assert data.load(f"{kind}:t.{kind}").sizes()["test"] == 10  # the file alone: held out
    for tail in (",", ", ", ",?task=classification"):
        assert_data_refused(f"{kind}:t.{kind}{tail}", f"no test file after ',' in "
                            f"'t.{kind},': name it, or leave out the ',' to hold out part "
                            "of the training file", capsys)
    for option in ("images", "header") if kind == "csv" else ("images",):
        assert_data_refused(f"{kind}:t.{kind}?{option}=", f"option {option}='' must be one "
                            "of auto, yes, no", capsys)


@pytest.mark.parametrize("kind", ["csv", "npz"])
def test_a_test_file_that_is_the_training_file_is_refused(tmp_path, kind, capsys):
    # QA: csv:ok.csv,ok.csv loaded, its test set every training row, and the scores on it
    # were reported as held-out ones (test_is_train false); so did a copy compressed
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2)).round(4)
    y = (X[:, 0] > 0).astype(int)
    train = tmp_path / f"ok.{kind}"
    if kind == "csv":
        pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "c": y}).to_csv(train, index=False)
        copy = tmp_path / "ok.csv.gz"
        pd.read_csv(train).to_csv(copy, index=False)
    else:
        np.savez(train, data=X, label=y)
        copy = tmp_path / "copy.npz"
        np.savez(copy, data=X, label=y)
    link = tmp_path / f"link.{kind}"
    link.symlink_to(train)
    alone = ("; give the training file alone and a test set is held out of it (or, to test on "
             "the training rows knowingly, as the course's XOR does, alone with ?holdout=no)")
    for test, said in ((train, f"{train} is the training file {train} itself"),
                       (link, f"{link} is the training file {train} itself"),
                       (copy, f"{kind}:{train},{copy}: every row of {copy} (200) is a row of "
                              f"the training file {train}")):
        message = f"{said}: a test set of the training rows holds nothing out{alone}"
        assert_data_refused(f"{kind}:{train},{test}", message, capsys)
    # other rows in the test file: loaded, all of them the test set
    if kind == "csv":
        pd.read_csv(train).iloc[:60].assign(a=lambda f: f.a + 1).to_csv(copy, index=False)
    else:
        np.savez(copy, data=X[:60] + 1, label=y[:60])
    assert data.load(f"{kind}:{train},{copy}").sizes()["test"] == 60


def _write_rows(path, kind, X, y):
    if kind == "csv":
        pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "c": y}).to_csv(path, index=False)
    else:
        np.savez(path, data=X, label=y)


@pytest.mark.parametrize("kind", ["csv", "npz"])
def test_a_test_file_of_training_rows_in_any_order_is_refused_and_half_of_them_warned(
        tmp_path, kind, capsys):
    # QA: a shuffled copy of the training file, or its first 40 rows, loaded as the test
    # set without a word: only a copy in the training file's order was refused
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2)).round(4)
    y = (X[:, 0] > 0).astype(int)
    train, test = tmp_path / f"tr.{kind}", tmp_path / f"te.{kind}"
    _write_rows(train, kind, X, y)
    name = f"{kind}:{train},{test}"
    alone = ("; give the training file alone and a test set is held out of it (or, to test on "
             "the training rows knowingly, as the course's XOR does, alone with ?holdout=no)")
    for rows in (rng.permutation(200), np.arange(40)):
        _write_rows(test, kind, X[rows], y[rows])
        assert_data_refused(name, f"{name}: every row of {test} ({len(rows)}) is a row of the "
                            f"training file {train}: a test set of the training rows holds "
                            f"nothing out{alone}", capsys)
    # 30 training rows among 50 others: loaded, with a warning
    other = rng.normal(size=(20, 2)).round(4) + 10
    _write_rows(test, kind, np.concatenate([X[:30], other]),
                np.concatenate([y[:30], np.ones(20, int)]))
    with pytest.warns(data.DataWarning) as caught:
        assert data.load(name).sizes()["test"] == 50
    assert [str(w.message) for w in caught] == [
        f"{name}: 30 of the 50 rows of {test} (60%) are rows of the training file {train}: "
        "scores on them are training scores; leave them out of the test file"]
    # the same features under other labels are other rows; a few shared rows are no warning
    _write_rows(test, kind, X[:40], 1 - y[:40])
    _write_rows(test.with_name(f"few.{kind}"), kind, np.concatenate([X[:10], other]),
                np.concatenate([y[:10], np.ones(20, int)]))
    with warnings.catch_warnings():
        warnings.simplefilter("error", data.DataWarning)
        assert data.load(name).sizes()["test"] == 40
        assert data.load(f"{kind}:{train},{test.with_name(f'few.{kind}')}").sizes()["test"] == 30


def test_a_test_file_of_few_distinct_rows_repeated_in_training_is_no_copy(tmp_path):
    # three yes/no answers make 8 distinct rows: a test file drawn apart holds only rows
    # the training file holds too, as often as the training rows repeat among themselves
    rng = np.random.default_rng(0)
    X = rng.integers(0, 2, size=(300, 3))
    y = X.sum(axis=1) % 2
    frame = pd.DataFrame(X, columns=["p", "q", "r"]).assign(y=y)
    frame.iloc[:240].to_csv(tmp_path / "tr.csv", index=False)
    frame.iloc[240:].to_csv(tmp_path / "te.csv", index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", data.DataWarning)
        ds = data.load(f"csv:{tmp_path / 'tr.csv'},{tmp_path / 'te.csv'}")
    assert ds.sizes()["test"] == 60


@pytest.mark.parametrize("kind", ["csv", "npz"])
def test_the_courses_xor_as_a_file_validates_and_tests_on_its_rows_when_asked(tmp_path, kind,
                                                                              capsys):
    # QA: xor.csv with xor_test.csv (its rows) was refused, naming "the training file alone"
    # as the way, which was refused too: 4 rows hold no test set out. The course's XOR
    # validates and tests on its training points, as the built-in xor does
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([0, 1, 1, 0])
    path = tmp_path / f"xor.{kind}"
    if kind == "csv":
        pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "y": y}).to_csv(path, index=False)
    else:
        np.savez(path, data=X, label=y.reshape(-1, 1).astype(float))
    with pytest.raises(data.DataError, match="cannot hold out 0.2 of 4 examples as test"):
        data.load(f"{kind}:{path}")
    ds = data.load(f"{kind}:{path}?holdout=no")
    assert ds.sizes() == {"train": 4, "val": 4, "test": 4} and ds.info["test_from"] == "train"
    assert np.array_equal(ds.X_test, ds.X_train) and np.array_equal(ds.y_val, ds.y_train)
    # it learns XOR as the course's 2-2-1 net does, scored on the four points
    code, out, err = run_cli(["train", "--dataset", f"{kind}:{path}?holdout=no", "--hidden", 2,
                              "--lr", 0.5, "--batch-size", 1, "--epochs", 3000, "--eps", 0.005,
                              "--no-report", "--json"], capsys)
    assert code == 0, err
    run = json.loads(out)
    assert run["status"] == "converged" and run["test_accuracy"] == 1.0
    # asked with a test file, or of a set that holds its own out: refused, saying why
    other = tmp_path / f"other.{kind}"
    if kind == "csv":
        pd.DataFrame({"a": X[:, 0] + 1, "b": X[:, 1], "y": y}).to_csv(other, index=False)
    else:
        np.savez(other, data=X + 1, label=y.reshape(-1, 1).astype(float))
    assert_data_refused(f"{kind}:{path},{other}?holdout=no",
                        f"{kind}:{path},{other}?holdout=no: holdout=no validates and tests on "
                        "the training rows, and this set has a test file of its own; give the "
                        "training file alone", capsys)
    # QA: digits was said to have "its own validation and test sets" (it holds them out of
    # one pool), an IDX folder advised to give "the training file alone"
    for said in ("coin?holdout=no: holdout=no is for a file set too small to split; coin "
                 "generates a test set of its own",
                 "digits?holdout=no: holdout=no is for a file set too small to split; digits "
                 "is large enough to hold its test set out (0.2 of its rows)",
                 "xor?holdout=no: holdout=no is for a file set too small to split; xor "
                 "validates and tests on its training rows already"):
        assert_data_refused(said.split(": ")[0], said, capsys)
    folder = tmp_path / "idx"
    folder.mkdir()
    pixels = np.arange(96, dtype=np.uint8).reshape(6, 4, 4)
    for stem, array in (("train-images-idx3-ubyte", pixels[:4]),
                        ("train-labels-idx1-ubyte", np.array([0, 1, 0, 1], np.uint8)),
                        ("t10k-images-idx3-ubyte", pixels[4:]),
                        ("t10k-labels-idx1-ubyte", np.array([0, 1], np.uint8))):
        head = bytes([0, 0, 8, array.ndim]) + b"".join(n.to_bytes(4, "big") for n in array.shape)
        (folder / stem).write_bytes(head + array.tobytes())
    assert_data_refused(f"idx:{folder}?holdout=no", f"idx:{folder}?holdout=no: holdout=no "
                        "validates and tests on the training rows, and an IDX folder's t10k "
                        "files are its test set", capsys)


def test_a_headerless_test_file_of_other_width_is_said_by_its_column_count(tmp_path, capsys):
    # QA: 4 columns beside 3, both ?header=no, said "no column 'x4'" (names made up)
    (tmp_path / "tr.csv").write_text("".join(f"{i},{i % 3},{i * 2},{i % 2}\n" for i in range(40)))
    (tmp_path / "te.csv").write_text("".join(f"{i},{i % 3},{i % 2}\n" for i in range(40, 60)))
    name = f"csv:{tmp_path / 'tr.csv'},{tmp_path / 'te.csv'}?header=no"
    assert_data_refused(name, f"{tmp_path / 'te.csv'}: 3 columns, tr.csv 4; both files need the "
                        "same columns", capsys)
    # named columns: the target's lack is said with the others (it was "no column 'y'")
    (tmp_path / "tr.csv").write_text("a,b,y\n" + "".join(f"{i},{i % 3},{i % 2}\n"
                                                        for i in range(40)))
    (tmp_path / "te.csv").write_text("a,b,label\n1,2,0\n")
    assert_data_refused(name.replace("?header=no", ""), f"{tmp_path / 'te.csv'}: columns "
                        "differ from tr.csv's: lacks y; has label, which tr.csv has not", capsys)


def test_npz_bytes_labels_are_text(tmp_path, capsys):
    from cli_helpers import run_cli

    rng = np.random.default_rng(0)
    labels = np.array([b"cat", "\u00e9t\u00e9".encode()] * 30)  # dtype S: np.savez of bytes
    np.savez(tmp_path / "b.npz", data=rng.normal(size=(60, 2)), label=labels)
    ds = data.load(f"npz:{tmp_path / 'b.npz'}")
    assert ds.classes == ("cat", "\u00e9t\u00e9")
    assert hplab.main(["data", "show", f"npz:{tmp_path / 'b.npz'}", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["classes"] == ["cat", "\u00e9t\u00e9"]
    code, _, err = run_cli(["train", "--dataset", f"npz:{tmp_path / 'b.npz'}", "--epochs", "1",
                            "--no-report", "--out", tmp_path / "run"], capsys)
    assert code == 0, err  # the model's header holds the classes as JSON

def test_csv_written_with_spaces_after_commas(tmp_path, capsys):
    from cli_helpers import run_cli

    rows = [f"{i % 7 / 7:.3f}, {i % 5 / 5:.3f}, {'cat' if i % 2 else 'dog'}" for i in range(60)]
    (tmp_path / "s.csv").write_text("a, b, label\n" + "\n".join(rows) + "\n")
    ds = data.load(f"csv:{tmp_path / 's.csv'}?target=label")
    assert ds.feature_names == ("a", "b") and ds.classes == ("cat", "dog")
    code, _, err = run_cli(["train", "--dataset", f"csv:{tmp_path / 's.csv'}", "--epochs", "2",
                            "--no-report", "--out", tmp_path / "run"], capsys)
    assert code == 0, err
    code, out, err = run_cli(["predict", tmp_path / "run" / "model.npz", "--input",
                              tmp_path / "s.csv", "--json"], capsys)
    assert code == 0, err
    assert set(json.loads(out)["predictions"]) <= {"cat", "dog"}
    # "x" and "x ": one name once the spaces go, refused by name rather than mis-read
    (tmp_path / "dup.csv").write_text("x,x ,label\n" + "\n".join(rows) + "\n")
    with pytest.raises(data.DataError, match="two columns are named 'x'"):
        data.load(f"csv:{tmp_path / 'dup.csv'}")
    # the same name twice as written (pandas renamed the second "x.1", or "0.5" "0.5.1")
    for header, option in (("x,x,label", ""), ("0.5,0.5,label", "?header=yes")):
        (tmp_path / "dup.csv").write_text(header + "\n" + "\n".join(rows) + "\n")
        with pytest.raises(data.DataError, match=f"two columns are named '{header[:1]}"):
            data.load(f"csv:{tmp_path / 'dup.csv'}{option}")


def test_csv_labels_lose_trailing_spaces(tmp_path):
    rng = np.random.default_rng(0)
    spelled = ("cat", "cat ", " dog  ", "dog")
    for part, n in (("train", 40), ("test", 12)):
        rows = [f"{rng.normal():.4f},{spelled[i % 4]}" for i in range(n)]
        (tmp_path / f"{part}.csv").write_text("a,label\n" + "\n".join(rows) + "\n")
    ds = data.load(f"csv:{tmp_path / 'train.csv'},{tmp_path / 'test.csv'}")
    assert ds.classes == ("cat", "dog")
    assert np.bincount(np.r_[ds.y_train, ds.y_val]).tolist() == [20, 20]
    (tmp_path / "blank.csv").write_text("a,label\n1,cat\n2, \n3,dog\n")
    with pytest.raises(data.DataError, match=r"missing, NaN or infinite train label\(s\) "
                       r"\(first at line 3\)"):
        data.load(f"csv:{tmp_path / 'blank.csv'}")


def test_missing_values_in_a_csv_are_refused_by_their_line(tmp_path, capsys):
    # QA: an empty label on line 20 was "first at row 18" (the array's index), where every
    # other CSV error says "line 20"
    rows = [f"{i / 40:.3f},{i % 7 / 7:.3f},{('正面', '反面', '立着')[i % 3]}" for i in range(40)]
    lines = ["横坐标,纵坐标,类别", *rows[:3], "", *rows[3:]]  # a blank line, as pandas skips
    x, y, label = lines[19].split(",")  # line 20: data row 17, the array's row 17
    cases = {"label": (f"{x},{y},", "train label(s) (first at line 20)"),
             # QA: an empty cell was "NaN or infinite"; the README calls it missing
             "feature": (f",{y},{label}", "1 missing, NaN or infinite value(s) in the train "
                                          "features (first at line 20, column '横坐标': an "
                                          "empty cell)")}
    for what, (line, said) in cases.items():
        broken = [*lines[:19], line, *lines[20:]]
        path = tmp_path / f"{what}.csv"
        path.write_text("\n".join(broken) + "\n", encoding="utf-8")
        code = hplab.main(["data", "show", f"csv:{path}"])
        err = capsys.readouterr().err
        assert code == 2 and err.startswith(f"hplab data show: error: csv:{path}: ") and said in err
    # a record whose quoted label holds a newline is named by its first line (it said the
    # line after)
    (tmp_path / "quoted.csv").write_text('a,b,y\n1,,"cat\nx"\n3,4,dog\n5,6,dog\n7,8,cat\n',
                                         encoding="utf-8")
    with pytest.raises(data.DataError, match=r"first at line 2, column 'b': an empty cell"):
        data.load(f"csv:{tmp_path / 'quoted.csv'}")
    # the text nan is no empty cell; without a header, the columns are x1, x2...
    (tmp_path / "nan.csv").write_text("y,b,a\n0,2,1\n1,3,4\n0,4,nan\n1,5,4\n")
    with pytest.raises(data.DataError, match=r"first at line 4, column 'a': 'nan'\)$"):
        data.load(f"csv:{tmp_path / 'nan.csv'}?target=y")
    # np.savetxt's "# a,b,y" names its first column a there too (the cell was not found)
    (tmp_path / "savetxt.csv").write_text("# a,b,y\n1,2,0\n,3,1\n4,5,0\n6,7,1\n")
    with pytest.raises(data.DataError, match=r"first at line 3, column 'a': an empty cell"):
        data.load(f"csv:{tmp_path / 'savetxt.csv'}")
    (tmp_path / "bare.csv").write_text("1,2,0\n2,,1\n3,4,0\n4,5,1\n")
    with pytest.raises(data.DataError, match=r"first at line 2, column 'x2': an empty cell"):
        data.load(f"csv:{tmp_path / 'bare.csv'}?header=no")
    # a line holding a quoted blank ("") is a row, as pandas reads it: the lines after it
    # were counted one late, and an error could become "has no data row 3"
    (tmp_path / "quoted_blank.csv").write_text('a,b,y\n1,2,0\n""\n5,6,0\n7,x,1\n')
    with pytest.raises(data.DataError, match="line 3 has 1 fields, the header has 3"):
        data.load(f"csv:{tmp_path / 'quoted_blank.csv'}")
    # ...and so is a line of a no-break space (pandas skips spaces and tabs only)
    (tmp_path / "nbsp.csv").write_text("a,b\n1,2\n\u00a0\n3,4\nz,5\n", encoding="utf-8")
    with pytest.raises(data.DataError, match="line 3 has 1 fields, the header has 2"):
        data.load(f"csv:{tmp_path / 'nbsp.csv'}")
    # a field past csv's 128 KB limit beside a short row: a traceback (csv.Error)
    (tmp_path / "big.csv").write_text('a,b,c\n1,2,3\n1,"' + "x" * 200_000 + '",3\n4,5\n6,7,8\n')
    code = hplab.main(["data", "show", f"csv:{tmp_path / 'big.csv'}"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    # a test file's line, in that file
    (tmp_path / "train.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(data.DataError, match=r"test label\(s\) \(first at line 20\)"):
        data.load(f"csv:{tmp_path / 'train.csv'},{tmp_path / 'label.csv'}")


def test_a_csv_is_split_without_its_parsed_table_or_raw_features(tmp_path, monkeypatch):
    # MNIST-sized CSVs peaked at 8x the data: the labels were a view of the whole parsed
    # int64 table (125 MB for 160 KB of labels), and the raw float64 features stayed
    # referenced while the split copies were made
    import weakref

    from data import _csv_load, _load, _scale_splits

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.integers(0, 256, size=(200, 20)),
                         columns=[f"p{i}" for i in range(20)])
    frame.insert(7, "label", np.arange(200) % 3)  # not the last column: two slices around it
    frame.to_csv(tmp_path / "px.csv", index=False)
    frame.iloc[:60].to_csv(tmp_path / "test.csv", index=False)
    src = _csv_load.load_csv(str(tmp_path / "px.csv"), str(tmp_path / "test.csv"),
                             target="label")
    assert src.y.base is None and src.y_test.base is None
    assert src.y.tolist() == (np.arange(200) % 3).tolist()
    assert src.X.dtype == np.float64 and src.X_test.shape == (60, 20)
    np.testing.assert_array_equal(src.X, frame.drop(columns="label").to_numpy())
    assert frame.columns[7] == "label"
    raw, alive = [], []
    build, scale = _load.build_source, _scale_splits.apply_scaler

    def building(*args):
        src, typed = build(*args)
        raw.append(weakref.ref(src.X))
        return src, typed

    def scaling(X, *args):
        alive.append(raw[0]() is not None)
        return scale(X, *args)

    monkeypatch.setattr(_load, "build_source", building)
    monkeypatch.setattr(_scale_splits, "apply_scaler", scaling)
    ds = data.load(f"csv:{tmp_path / 'px.csv'}?target=label")
    assert ds.sizes() == {"train": 144, "val": 16, "test": 40}
    assert alive == [False, False, False]  # freed once split, before the scaled copies


@pytest.mark.parametrize("first_row, shown", [
    ("0.1257302210933933,-0.1321,1", "0.1257302210933933, -0.1321, 1"),
    ("0.5,0.5,1e3,0", "0.5, 0.5, 1e3, ..."),  # a repeated value: pandas would rename it
])
def test_csv_without_header_is_refused(tmp_path, capsys, first_row, shown):
    rows = [first_row] + [",".join(["0.25"] * first_row.count(",") + [str(i % 2)])
                          for i in range(30)]
    (tmp_path / "raw.csv").write_text("\n".join(rows) + "\n")
    with pytest.raises(data.DataError) as err:
        data.load(f"csv:{tmp_path / 'raw.csv'}")
    assert str(err.value) == (f"{tmp_path / 'raw.csv'}: the first row holds numbers ({shown}), "
                              "not column names: add ?header=no if it is data (columns x1, "
                              "x2...), or ?header=yes if those numbers name the columns")
    assert hplab.main(["data", "show", f"csv:{tmp_path / 'raw.csv'}"]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    # said to be data: every row is kept
    raw = data.load(f"csv:{tmp_path / 'raw.csv'}?header=no")
    assert len(raw.y_train) + len(raw.y_val) + len(raw.y_test) == 31
    assert raw.feature_names == tuple(f"x{i + 1}" for i in range(first_row.count(",")))
    # names that look like numbers are fine as long as a feature's is not...
    names = [str(400 + 10 * i) for i in range(first_row.count(","))]
    (tmp_path / "named.csv").write_text(",".join(["nm", *names[1:], "label"]) + "\n"
                                        + "\n".join(rows))
    assert data.load(f"csv:{tmp_path / 'named.csv'}").feature_names == ("nm", *names[1:])
    # ...or the row ends in a name no later row holds as a label: 400 nm, 410 nm..., label
    # (models and studies saved on such files name them so)
    (tmp_path / "named.csv").write_text(",".join([*names, "label"]) + "\n" + "\n".join(rows))
    assert data.load(f"csv:{tmp_path / 'named.csv'}").feature_names == tuple(names)
    assert data.load(f"csv:{tmp_path / 'named.csv'}?target=label").feature_names == tuple(names)
    # ...and all of them, years say, once the header is said to be one
    years = [str(2019 + i) for i in range(first_row.count(",") + 1)]
    (tmp_path / "years.csv").write_text(",".join(years) + "\n" + "\n".join(rows[1:]))
    ds = data.load(f"csv:{tmp_path / 'years.csv'}?header=yes")
    assert ds.feature_names == tuple(years[:-1]) and len(ds.y_train) + len(ds.y_val) + \
        len(ds.y_test) == 30
    with pytest.raises(data.DataError, match="option header='maybe' must be one of auto, "
                                             "yes, no"):
        data.load(f"csv:{tmp_path / 'years.csv'}?header=maybe")

def test_csv_without_header_and_text_labels_is_refused(tmp_path, capsys):
    from cli_helpers import run_cli

    # UCI's iris.data: numbers, then a text label; no header
    rng = np.random.default_rng(0)
    kinds = ("Iris-setosa", "Iris-versicolor", "Iris-virginica")
    rows = [",".join(f"{v:.1f}" for v in rng.uniform(1, 8, 4)) + f",{kinds[i % 3]}"
            for i in range(60)]
    (tmp_path / "iris.csv").write_text("\n".join(rows) + "\n")
    with pytest.raises(data.DataError) as err:
        data.load(f"csv:{tmp_path / 'iris.csv'}")
    assert str(err.value) == (
        f"{tmp_path / 'iris.csv'}: the first row holds numbers in every feature column "
        f"({', '.join(rows[0].split(',')[:3])}, ...), not column names: add ?header=no if it "
        "is data (columns x1, x2...), or ?header=yes if those numbers name the columns")
    code, _, err = run_cli(["train", "--dataset", f"csv:{tmp_path / 'iris.csv'}?header=no",
                            "--epochs", "1", "--no-report", "--out", tmp_path / "run"], capsys)
    assert code == 0, err
    ds = data.load(f"csv:{tmp_path / 'iris.csv'}?header=no")
    assert ds.feature_names == ("x1", "x2", "x3", "x4") and ds.classes == kinds
    assert sum(ds.sizes().values()) == 60
    # predict reads the features alone as every row's, and refuses them with the labels
    (tmp_path / "x.csv").write_text("\n".join(r.rsplit(",", 1)[0] for r in rows) + "\n")
    code, out, err = run_cli(["predict", tmp_path / "run" / "model.npz", "--input",
                              tmp_path / "x.csv", "--json"], capsys)
    assert code == 0 and json.loads(out)["n"] == 60, err
    code, _, err = run_cli(["predict", tmp_path / "run" / "model.npz", "--input",
                            tmp_path / "iris.csv"], capsys)
    assert code == 2 and "row 1 mixes numbers and text" in err


@pytest.mark.parametrize("lines, option, message", [
    # one field more on every row: pandas took the first for the row index, shifting all
    (["a,b,label", "0,0.0,0.5,y", "1,0.5,0.25,x"], "", "line 2 has 4 fields, the header has 3"),
    (["a,b,label", "0.0,0.5,y", "", "0.5,0.25,9,x"], "", "line 4 has 4 fields, the header has 3"),
    (["a,b,label", "0.0,0.5,y", "0.5,x"], "", "line 3 has 2 fields, the header has 3"),  # NaN
    (["a,b,label", "0.0,0.5,y,,", "0.5,0.25,x"], "", "line 2 has 5 fields, the header has 3"),
    (["0.0,0.5,y", "0.5,x"], "?header=no", "line 2 has 2 fields, line 1 has 3"),
])
def test_csv_rows_of_another_width_are_refused(tmp_path, capsys, lines, option, message):
    rows = [f"{i / 40:.3f},{i % 7 / 7:.3f},{'xy'[i % 2]}" for i in range(40)]
    (tmp_path / "r.csv").write_text("\n".join(lines + rows) + "\n")
    with pytest.raises(data.DataError) as err:
        data.load(f"csv:{tmp_path / 'r.csv'}{option}")
    assert str(err.value) == f"{tmp_path / 'r.csv'}: {message}; every line needs one field " \
                             "per column"
    assert hplab.main(["data", "show", f"csv:{tmp_path / 'r.csv'}{option}"]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_csv_with_nul_bytes_is_refused_as_damaged(tmp_path, capsys):
    # QA: a label cell "1\x00" was read as a third class beside "0" and "1"
    from cli_helpers import run_cli

    rows = [f"{i / 40:.3f},{i % 7 / 7:.3f},{i % 2}" for i in range(40)]
    path = tmp_path / "n.csv"
    path.write_bytes(("a,b,label\n" + "\n".join(rows) + "\n").encode()
                     .replace(b"1\n", b"1\0\n", 3))
    code, out, err = run_cli(["data", "show", f"csv:{path}", "--json"], capsys)
    assert (code, out, err) == (2, "", f"hplab data show: error: {path} holds NUL bytes (line 3): "
                                       "not a text CSV\n")


def test_csv_not_in_utf8_says_how_to_convert_it(tmp_path, capsys):
    # QA: Excel on Chinese Windows saves GBK: "not a readable CSV file ('utf-8' codec can't
    # decode byte 0xba in position 0: invalid start byte)"
    from cli_helpers import run_cli

    rows = [f"{i / 40:.3f},{i % 7 / 7:.3f},{('正面', '反面')[i % 2]}" for i in range(40)]
    text = "横坐标,纵坐标,类别\n" + "\n".join(rows) + "\n"
    path = tmp_path / "gbk.csv"
    for head, line in ((0, 1), (5, 6)):  # all GBK; UTF-8 up to line 5 (pandas reads a row)
        cut = len("\n".join(text.split("\n")[:head])) + bool(head)
        path.write_bytes(text[:cut].encode() + text[cut:].encode("gbk"))
        code, out, err = run_cli(["data", "show", f"csv:{path}"], capsys)
        assert (code, out, err) == (2, "", (
            "hplab data show: error: "
            f"{path}: not UTF-8 text (line {line}); save it as UTF-8 (Excel: "
            "CSV UTF-8), e.g. pd.read_csv(PATH, encoding='ENC').to_csv(NEW, index=False) or "
            "iconv -f ENC -t UTF-8 PATH > NEW, ENC being the file's encoding: gbk from Excel "
            "on Chinese Windows, cp1252 from Excel in Western Europe and the Americas\n"))
    # QA: the advice said gbk for every file, and a latin-1 one read as gbk "converted" to
    # longueur,閜aisseur,閠iquette: the encoding is the user's to name
    path.write_bytes("longueur,\u00e9paisseur,\u00e9tiquette\n1,2,a\n3,4,b\n".encode("latin-1"))
    code, out, err = run_cli(["data", "show", f"csv:{path}"], capsys)
    assert code == 2 and "(line 1)" in err and "encoding='ENC'" in err and "GBK" not in err
    # QA: Excel's "Unicode Text" (UTF-16) was "holds NUL bytes (line 1): not a text CSV"
    for codec, iconv in (("utf-16", "UTF-16"), ("utf-16-le", "UTF-16LE"),
                         ("utf-16-be", "UTF-16BE")):
        path.write_text("a,b,c\n1,2,3\n4,5,6\n", encoding=codec)
        code, out, err = run_cli(["data", "show", f"csv:{path}"], capsys)
        assert (code, out, err) == (2, "", (
            f"hplab data show: error: {path}: UTF-16 text, not UTF-8; save it as UTF-8 (Excel: CSV "
            f"UTF-8), e.g. pd.read_csv(PATH, encoding='{codec}').to_csv(NEW, index=False) or "
            f"iconv -f {iconv} -t UTF-8 PATH > NEW\n"))
        with pytest.raises(data.DataError, match="UTF-16 text, not UTF-8"):
            data.load(f"csv:{path}")
    # QA: UTF-32 (its BOM starts as UTF-16's) was told utf-16, which reads NULs into names
    path.write_text("a,b,c\n1,2,3\n", encoding="utf-32")
    assert "UTF-32 text, not UTF-8; save it as UTF-8 (Excel: CSV UTF-8), e.g. pd.read_csv(" \
        "PATH, encoding='utf-32')" in run_cli(["data", "show", f"csv:{path}"], capsys)[2]
    # QA: Excel's "Unicode Text" is tab-separated too: the advice read it as a comma CSV,
    # and its output was refused again as tab-separated
    path.write_text("a\tb\tc\n" + "".join(f"{i}\t{i % 3}\t{i / 2}\n" for i in range(20)),
                    encoding="utf-16")
    assert run_cli(["data", "show", f"csv:{path}"], capsys)[2] == (
        f"hplab data show: error: {path}: UTF-16 text separated by tabs, not a UTF-8 CSV; convert "
        "it, e.g. pd.read_csv(PATH, encoding='utf-16', sep='\\t').to_csv(NEW, index=False)\n")
    pd.read_csv(path, encoding="utf-16", sep="\t").to_csv(tmp_path / "new.csv", index=False)
    assert data.load(f"csv:{tmp_path / 'new.csv'}?task=regression").n_features == 2
    path.write_text(text, encoding="utf-8-sig")  # Excel's "CSV UTF-8": with a BOM
    ds = data.load(f"csv:{path}")
    assert ds.feature_names == ("横坐标", "纵坐标") and ds.classes == ("反面", "正面")


def test_csv_unnamed_columns_are_refused(tmp_path, capsys):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=60), "b": rng.normal(size=60),
                          "label": np.repeat(["no", "yes"], 30)})  # sorted by class
    frame.to_csv(tmp_path / "i.csv")  # the index: a feature that would give the label away
    with pytest.raises(data.DataError) as err:
        data.load(f"csv:{tmp_path / 'i.csv'}")
    assert str(err.value) == (f"{tmp_path / 'i.csv'}: column 1 has no name: the row index "
                              "DataFrame.to_csv writes? Save with to_csv(index=False) or drop "
                              "the column")
    assert hplab.main(["data", "show", f"csv:{tmp_path / 'i.csv'}"]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    pd.read_csv(tmp_path / "i.csv").to_csv(tmp_path / "u.csv", index=False)  # read back
    with pytest.raises(data.DataError, match=r"column 1 has no name \('Unnamed: 0', pandas' "
                                             r"name for a blank one\)"):
        data.load(f"csv:{tmp_path / 'u.csv'}")
    rows = frame.to_csv(index=False, header=False)
    for header, message in (("a, ,label", "column 2 has no name: name it in the header or "
                                          "drop the column"),
                            ("a,b,label,", "column 4 has no name: a trailing comma on the "
                                           "header line? Remove it")):
        (tmp_path / "h.csv").write_text(header + "\n" + rows)
        with pytest.raises(data.DataError, match=re.escape(message)):
            data.load(f"csv:{tmp_path / 'h.csv'}")


def test_csv_trailing_comma_on_rows_is_no_column(tmp_path):
    rows = [f"{i / 40:.3f},{i % 7 / 7:.3f},{'xy'[i % 2]}" for i in range(40)]
    (tmp_path / "t.csv").write_text("a,b,label\n" + ",\n".join(rows) + ",\n")
    ds = data.load(f"csv:{tmp_path / 't.csv'}", seed=0)
    assert ds.feature_names == ("a", "b") and ds.classes == ("x", "y")
    raw = np.concatenate([ds.X_train, ds.X_val, ds.X_test]) * ds.x_scale + ds.x_shift
    np.testing.assert_allclose(sorted(raw[:, 0]), [i / 40 for i in range(40)], atol=1e-6)


def test_csv_labels_spelled_like_missing_values_are_classes(tmp_path, capsys):
    from cli_helpers import run_cli

    rng = np.random.default_rng(0)
    severity = np.array(["None", "Mild", "Severe", "NA", "null"])[np.arange(100) % 5]
    frame = pd.DataFrame({"x1": rng.normal(size=100), "x2": rng.normal(size=100),
                          "severity": severity})
    frame.to_csv(tmp_path / "s.csv", index=False)
    ds = data.load(f"csv:{tmp_path / 's.csv'}", seed=0)
    assert ds.classes == ("Mild", "NA", "None", "Severe", "null")
    assert np.bincount(np.r_[ds.y_train, ds.y_val, ds.y_test]).tolist() == [20] * 5
    code, _, err = run_cli(["train", "--dataset", f"csv:{tmp_path / 's.csv'}", "--epochs", "1",
                            "--no-report", "--out", tmp_path / "run"], capsys)
    assert code == 0, err
    code, out, err = run_cli(["predict", tmp_path / "run" / "model.npz", "--dataset", "--json"],
                             capsys)
    assert code == 0 and json.loads(out)["classes"] == list(ds.classes), err
    # only an empty cell is missing; NA among numbers is a label missing, said so
    frame["n"] = (np.arange(100) % 2).astype(object)
    frame.loc[6, "n"] = "NA"
    frame.to_csv(tmp_path / "n.csv", index=False)
    with pytest.raises(data.DataError) as err:
        data.load(f"csv:{tmp_path / 'n.csv'}")
    assert str(err.value) == (f"{tmp_path / 'n.csv'}: target column 'n' holds 'NA' among "
                              "numbers (line 8): a missing label? Only an empty cell is read as "
                              "missing, and every example needs its label: drop the row")
    # ...and in a feature column, text
    frame.loc[6, "n"] = 1
    frame["x2"] = frame["x2"].astype(object)
    frame.loc[[4, 6], "x2"] = ["NA", "None"]
    frame.to_csv(tmp_path / "f.csv", index=False)
    with pytest.raises(data.DataError) as err:
        data.load(f"csv:{tmp_path / 'f.csv'}?target=n")
    assert str(err.value) == (f"{tmp_path / 'f.csv'}: feature column 'x2' is not numeric "
                              "(first non-number 'NA' at line 6)")
    frame.loc[[4, 6], "x2"] = ["nan", 0.5]  # np.savetxt's NaN: a number, refused as NaN
    frame.drop(columns="severity").to_csv(tmp_path / "f.csv", index=False)
    with pytest.raises(data.DataError, match=r"1 missing, NaN or infinite value\(s\) in the "
                       r"train features \(first at line 6, column 'x2': 'nan'\)"):
        data.load(f"csv:{tmp_path / 'f.csv'}?target=n")


def test_the_hint_for_a_tab_separated_file_with_decimal_commas_reads_it(tmp_path):
    # the tab hint left out the decimal=',' the ';' one gives: followed, it failed with
    # "feature column 'a' is not numeric (first non-number '1,5')"
    (tmp_path / "t.csv").write_text("a\tb\ty\n" + "1,5\t2,3\t0\n0,5\t1,25\t1\n" * 20)
    with pytest.raises(data.DataError) as err:
        data.load(f"csv:{tmp_path / 't.csv'}")
    assert str(err.value).endswith("(with decimal=',' for numbers written 0,5)")
    pd.read_csv(tmp_path / "t.csv", sep="\t", decimal=",").to_csv(tmp_path / "new.csv",
                                                                   index=False)
    ds = data.load(f"csv:{tmp_path / 'new.csv'}?scaling=none")
    rows = np.concatenate([ds.X_train, ds.X_val, ds.X_test]).astype(float).round(6)
    assert {tuple(r) for r in rows.tolist()} == {(1.5, 2.3), (0.5, 1.25)}


@pytest.mark.parametrize("sep, said, hint", [
    (";", "looks ;-separated (first row 'a;b;label')",
     "pd.read_csv(PATH, sep=';').to_csv(NEW, index=False) (with decimal=',' for numbers "
     "written 0,5)"),
    ("\t", "looks tab-separated (first row 'a\\tb\\tlabel')",
     "pd.read_csv(PATH, sep='\\t').to_csv(NEW, index=False) (with decimal=',' for numbers "
     "written 0,5)"),
    # QA: what a Chinese input method types was "needs at least one feature column and a
    # target column"
    ("\uff0c", "looks separated by full-width commas '\uff0c' (first row 'a\uff0cb\uff0clabel')",
     "pd.read_csv(PATH, sep='\uff0c', engine='python').to_csv(NEW, index=False)"),
    ("\u3001", "looks separated by ideographic commas '\u3001' (first row 'a\u3001b\u3001label')",
     "pd.read_csv(PATH, sep='\u3001', engine='python').to_csv(NEW, index=False)"),
])
def test_csv_of_another_separator_says_so(tmp_path, capsys, sep, said, hint):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=30), "b": rng.normal(size=30),
                          "label": np.repeat(["no", "yes"], 15)})
    frame.to_csv(tmp_path / "s.csv", index=False, sep=sep)
    for option in ("", "?header=no"):
        with pytest.raises(data.DataError) as err:
            data.load(f"csv:{tmp_path / 's.csv'}{option}")
        assert str(err.value) == (f"{tmp_path / 's.csv'}: the file {said}, and hplab reads "
                                  f"comma-separated CSV: convert it, e.g. {hint}")
    assert hplab.main(["data", "show", f"csv:{tmp_path / 's.csv'}"]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_csv_string_labels_and_target(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=90), "kind": np.repeat(["cat", "dog", "emu"], 30),
                          "b": rng.normal(size=90)})
    frame.to_csv(tmp_path / "t.csv", index=False)
    ds = data.load(f"csv:{tmp_path / 't.csv'}", target="kind", seed=0)
    assert ds.classes == ("cat", "dog", "emu") and ds.feature_names == ("a", "b")
    assert data.load(f"csv:{tmp_path / 't.csv'}?target=kind").classes == ds.classes
    frame.drop(columns="kind").to_csv(tmp_path / "r.csv", index=False)
    assert data.load(f"csv:{tmp_path / 'r.csv'}").task == "regression"  # many values of b
    with pytest.raises(data.DataError, match="feature column 'kind' is not numeric"):
        data.load(f"csv:{tmp_path / 't.csv'}")  # last column b as target


def test_csv_class_labels_keep_the_text_they_are_written_in(tmp_path, capsys):
    def table(name, labels, n=60):
        rows = [f"{i % 7 / 7:.3f},{labels[i % len(labels)]}" for i in range(n)]
        (tmp_path / name).write_text("a,label\n" + "\n".join(rows) + "\n")
        return f"csv:{tmp_path / name}"

    # codes were numbers (classes 1, 10, 100): labels written back no longer matched the file
    # (in the order of their numbers, as they sorted when read as numbers)
    for labels in (["001", "010", "100"], ["+1", "2"], ["01", "2"], ["3.5", "007.5"]):
        task = "" if "3.5" not in labels else "?task=classification"
        assert data.load(table("c.csv", labels) + task).classes == tuple(labels)
    assert hplab.main(["data", "show", table("c.csv", ["001", "010", "100"]), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["classes"] == ["001", "010", "100"]
    # numbers load as before (7.0 is class 7, as pandas and np.savetxt write it, and in npz
    # files): saved models' classes still match
    for labels, classes in (([" 1", "2 "], (1, 2)), (["1.0", "2.0", "3.0"], (1, 2, 3)),
                            (["0", "1e0", "2.000e+00"], (0, 1, 2))):
        assert data.load(table("c.csv", labels)).classes == classes
    ds = data.load(table("c.csv", ["001", "010", "100"]) + "?task=regression")
    assert ds.task == "regression"
    assert np.unique(ds.inverse_y(ds.y_test).round(4)).tolist() == [1, 10, 100]
    # a train and a test file are read alike: codes only when both write them (a test
    # file saved again by a spreadsheet, 1 for 01, failed as "class '1' appears only in
    # the test set"), numbers as before otherwise
    for train, test in ((["1", "2"], ["01", "2"]), (["01", "02"], ["1", "2"])):
        name = f"{table('tr.csv', train)},{table('te.csv', test, 20)[4:]}"
        assert data.load(name).classes == (1, 2)
    name = f"{table('tr.csv', ['01', '02'])},{table('te.csv', ['01', '02'], 20)[4:]}"
    assert data.load(name).classes == ("01", "02")
    codes = np.r_[np.repeat(np.arange(10), 19), np.arange(10, 20)]  # 10 codes seen once
    with pytest.raises(data.DataError, match=r"add \?task=regression to predict it as a "
                                             "number$"):
        data.load(table("c.csv", [f"{c:02d}" for c in codes], 200))


def test_whole_number_targets_are_classes_unless_task_regression(tmp_path):
    rng = np.random.default_rng(0)
    counts = np.r_[np.repeat(np.arange(10), 19), np.arange(10, 20)]  # 10 values seen once
    pd.DataFrame({"a": rng.normal(size=200), "n": counts}).to_csv(tmp_path / "c.csv",
                                                                  index=False)
    hint = ("; a target of at most 50 distinct whole numbers is read as class labels: add "
            "?task=regression to predict it as a number")
    with pytest.raises(data.DataError) as err:
        data.load(f"csv:{tmp_path / 'c.csv'}")
    # QA: the error named no dataset nor file ("cannot hold out 0.2 of 200 examples...")
    assert str(err.value).startswith(f"csv:{tmp_path / 'c.csv'}: cannot hold out 0.2 of 200 "
                                     "examples as test: classes 10, 11, 12, 13, 14, ... have "
                                     "a single example")
    assert str(err.value).endswith(hint)
    with pytest.raises(data.DataError) as err:  # asked for: no hint
        data.load(f"csv:{tmp_path / 'c.csv'}?task=classification")
    assert hint not in str(err.value)
    ds = data.load(f"csv:{tmp_path / 'c.csv'}?task=regression")
    assert ds.task == "regression" and ds.inverse_y(ds.y_train).max() <= 19
    # 21 values, each seen often: classes, too many to stratify a validation split of 16
    np.savez(tmp_path / "c.npz", data=rng.normal(size=(200, 1)), label=np.arange(200) % 21)
    with pytest.raises(data.DataError) as err:
        data.load(f"npz:{tmp_path / 'c.npz'}")
    assert "the 16 held out cannot hold an example of each of the 21 classes" in str(err.value)
    assert str(err.value).endswith(hint)
    assert data.load(f"npz:{tmp_path / 'c.npz'}?task=regression").task == "regression"


def test_a_split_of_few_rows_of_0_1_labels_says_too_few_rows_not_regression(tmp_path):
    # QA: 10 rows of 0/1 labels were told "add ?task=regression" when the validation split
    # of 8 could not hold both classes
    pd.DataFrame({"a": np.arange(10.0), "y": np.arange(10) % 2}).to_csv(tmp_path / "t.csv",
                                                                       index=False)
    with pytest.raises(data.DataError) as err:
        data.load(f"csv:{tmp_path / 't.csv'}")
    text = str(err.value)
    # the 8 counted from the file's 10 (QA: a class of 2 rows in a file "has a single
    # example" once the test set took one)
    assert text == (f"csv:{tmp_path / 't.csv'}: cannot hold out 0.1 of 8 examples (10 less "
                    "the test set's 2) as validation: the 1 held out cannot "
                    "hold an example of each of the 2 classes (a stratified split keeps every "
                    "class on both sides); add rows, drop the classes with too few, or add "
                    "?holdout=no to validate and test on the training rows knowingly, as the "
                    "course's XOR does")
    # the classes by their names, not their codes (scikit-learn listed [0, 1, 2])
    pd.DataFrame({"a": [1, 3, 5], "b": [2, 4, 6], "y": ["x", "y", "z"]}).to_csv(
        tmp_path / "one.csv", index=False)
    pd.DataFrame({"a": [0], "b": [0], "y": ["x"]}).to_csv(tmp_path / "one_test.csv",
                                                           index=False)
    with pytest.raises(data.DataError, match=r"one_test\.csv: cannot hold out 0.1 of 3 "
                       "examples as validation: classes x, y, z have a single example "):
        data.load(f"csv:{tmp_path / 'one.csv'},{tmp_path / 'one_test.csv'}")
    # ... and as written in the test split too (a code 007 was "class 7")
    pd.DataFrame({"a": np.arange(31), "y": ["012", "013"] * 15 + ["007"]}).to_csv(
        tmp_path / "codes.csv", index=False)
    with pytest.raises(data.DataError, match=r"codes\.csv: cannot hold out 0.2 of 31 "
                       "examples as test: class 007 has a single example "):
        data.load(f"csv:{tmp_path / 'codes.csv'}")


def test_classification_asked_of_fractional_targets_says_so_in_a_short_line(tmp_path):
    # scikit-learn's error listed all 5000 values as classes too small (100 KB), no hint
    rng = np.random.default_rng(0)
    np.savez(tmp_path / "f.npz", data=rng.normal(size=(5000, 2)), label=rng.normal(size=5000))
    with pytest.raises(data.DataError) as err:
        data.load(f"npz:{tmp_path / 'f.npz'}?task=classification")
    text = str(err.value)
    assert len(text) < 600  # scikit-learn 1.8's list of classes is cut (earlier ones: none)
    assert text.endswith("; task=classification makes each of the target's 5000 "
                         "distinct values a class, and it has fractions: task=regression "
                         "predicts it as a number")


@pytest.mark.slow
def test_a_split_without_a_class_of_the_training_data_is_warned_about(tmp_path):
    # QA: 2 positives in 102 rows went 2/0/0 to train/validation/test without a word, and
    # the reports then scored the empty class as 0 or its balanced accuracy as 100 %
    rng = np.random.default_rng(0)
    csv = tmp_path / "min2.csv"
    pd.DataFrame({"a": rng.normal(size=102), "b": rng.normal(size=102),
                  "label": [0] * 100 + [1] * 2}).to_csv(csv, index=False)
    with pytest.warns(data.DataWarning) as said:
        ds = data.load(f"csv:{csv}")
    assert [int(ds.y_train.sum()), int(ds.y_val.sum()), int(ds.y_test.sum())] == [2, 0, 0]
    said_first = said[0].message
    assert len(said) == 1 and str(said_first) == (
        f"csv:{csv}: no example of class 1 in the validation split (9 examples) nor in the "
        "test split (21 examples), against 2 in training: scores that need every class "
        "(ROC AUC, balanced accuracy) are undefined there")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # every class in every split; no validation split
        data.load("coin")
        data.load("coin", val_fraction=0)
    # the program prints it as it prints its errors: one line
    from cli_helpers import hplab_cli

    said = hplab_cli("data", "show", f"csv:{csv}", cwd=tmp_path).stderr
    assert said == f"hplab data show: warning: {str(said_first)}\n"


def test_imbalance_follows_ratio_train_and_test():
    ds = data.load("digits?imbalance=1:20&positive=8", seed=0)
    assert ds.task == "binary" and ds.classes == ("not 8", 8)
    info = ds.info["imbalance"]
    for part in ("train_pool", "test"):
        pos, neg = info[part]["positive"], info[part]["negative"]
        assert pos == neg // 20 and pos >= 2
    assert int(ds.y_train.sum() + ds.y_val.sum()) == info["train_pool"]["positive"]
    assert int(ds.y_val.sum()) >= 1  # stratified validation keeps some positives
    same = data.load("digits", imbalance="1:20", positive="8", seed=0)
    np.testing.assert_array_equal(same.X_train, ds.X_train)
    assert not np.array_equal(data.load("digits?imbalance=1:20&positive=8", seed=1).y_train,
                              ds.y_train)


def test_a_bad_ratio_in_the_name_is_the_names_option_not_the_flag(capsys):
    # QA: data show 'moons?imbalance=abc' said "--imbalance must look like 1:50", a flag
    # not given: the CLI took the API argument's words for its flag
    code, _, err = run_cli(["data", "show", "moons?imbalance=abc"], capsys)
    assert (code, err) == (2, "hplab data show: error: option imbalance must look like 1:50 "
                              "(positives:negatives), got 'abc'\n")
    code, _, err = run_cli(["data", "show", "moons", "--imbalance", "abc"], capsys)
    assert (code, err) == (2, "hplab data show: error: --imbalance must look like 1:50 "
                              "(positives:negatives), got 'abc'\n")
    assert_data_refused("coin?positive=Cat", "coin?positive=Cat: positive class 'Cat' is not a "
                        "class; classes: 1, 2, 3", capsys)


def test_imbalance_on_a_test_file_without_positives_says_what_the_file_holds(tmp_path,
                                                                             capsys):
    # QA: a test file of 30 negatives was said to leave "0 positive and 0 negative
    # examples in the test set": the counts after the ratio, not what the file holds
    rng = np.random.default_rng(0)
    X = rng.normal(size=(230, 2)).round(4)
    frame = pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "c": (X[:, 0] > 0).astype(int)})
    frame.iloc[:200].to_csv(tmp_path / "ok.csv", index=False)
    frame.iloc[200:].assign(c=0).to_csv(tmp_path / "test_one.csv", index=False)
    name = f"csv:{tmp_path / 'ok.csv'},{tmp_path / 'test_one.csv'}?imbalance=1:3"
    # QA: said without the dataset's name, as no other data error is
    message = (f"{name}: imbalance 1:3: the test set ({tmp_path / 'test_one.csv'}) holds 0 "
               "positive examples (class 1) of its 30 rows; needs at least 2 positives and 1 "
               "negative")
    assert_data_refused(name, message, capsys)
    # QA: one positive was "1 positive examples"
    frame.iloc[200:].assign(c=[1] + [0] * 29).to_csv(tmp_path / "test_one.csv", index=False)
    with pytest.raises(data.DataError, match=r"test_one\.csv\) holds 1 positive example "
                       r"\(class 1\) of its 30 rows; needs at least 2 positives"):
        data.load(name)
    # no negative in it: said so; a ratio too strict for what it holds: what it leaves
    frame.iloc[200:].assign(c=1).to_csv(tmp_path / "test_one.csv", index=False)
    with pytest.raises(data.DataError, match=r"test_one\.csv\) holds no negative example of "
                       "its 30 rows; needs at least 2 positives and 1 negative$"):
        data.load(name)
    frame.iloc[200:].assign(c=[1, 1] + [0] * 28).to_csv(tmp_path / "test_one.csv", index=False)
    with pytest.raises(data.DataError, match=r"\?imbalance=1:20: imbalance 1:20 leaves 1 "
                       r"positive and 28 negative examples in the test set \(.*test_one\.csv\)"):
        data.load(name.replace("1:3", "1:20"))


def test_imbalance_keeps_all_of_the_scarcer_side():
    ds = data.load("double-arc?imbalance=1:4", seed=0)  # 200 vs 200 -> 50 vs 200
    assert ds.info["imbalance"]["train_pool"] == {"positive": 50, "negative": 200}
    # the classes as the data has them (train and test), for what is scarce to begin with
    whole = data.load("double-arc", seed=0)
    assert not whole.test_is_train and data.load("xor").test_is_train  # XOR's 4 points
    # with no validation split drawn, no validation fraction is said to have been used
    assert data.load("xor").info["val_fraction"] is None and whole.info["val_fraction"] == 0.1
    assert ds.info["imbalance"]["source"] == {
        "positive": int(sum(y.sum() for y in (whole.y_train, whole.y_val, whole.y_test))),
        "negative": int(sum((y == 0).sum() for y in (whole.y_train, whole.y_val, whole.y_test)))}
    ds = data.load("double-arc?imbalance=4:1&positive=0", seed=0)
    assert ds.classes == (1, 0)
    assert ds.info["imbalance"]["train_pool"] == {"positive": 200, "negative": 50}


def test_one_against_the_rest_loads_though_another_class_has_a_single_row(tmp_path, capsys):
    # QA: beta (100 rows) against the rest was refused: "class delta has a single example
    # (a stratified split needs two of each)", delta being one row of the rest
    from cli_helpers import run_cli

    name = four_classes_csv(tmp_path / "four1.csv",
                             {"alpha": 1000, "beta": 100, "gamma": 10, "delta": 1})
    with pytest.raises(data.DataError, match="class delta has a single example"):
        data.load(name)  # four classes: no stratified split keeps delta on both sides
    ds = data.load(f"{name}&positive=beta", seed=0)
    assert ds.classes == ("not beta", "beta") and ds.task == "binary"
    # 223 of 1111 held out, stratified on beta against the rest: 20 betas of 100
    assert ds.sizes() == {"train": 799, "val": 89, "test": 223}
    assert ds.class_counts() == {"train": [727, 72], "val": [81, 8], "test": [203, 20]}
    assert data.load(f"{name}&positive=beta", seed=0).fingerprint() == ds.fingerprint()
    ds = data.load(f"{name}&positive=gamma&imbalance=1:50", seed=0)
    assert ds.info["imbalance"]["source"] == {"positive": 10, "negative": 1101}
    code, out, err = run_cli(["imbalance", "--dataset", name, "--positive", "gamma",
                              "--strategies", "none", "--seeds", "1", "--hidden", "4",
                              "--epochs", "2", "--workers", "1", "--no-report", "--json"],
                             capsys)
    assert code == 0 and json.loads(out)["positive"] == "gamma", err
    # a positive that is no class is said so (the split was refused first); a positive of
    # a single row cannot be split either way, and is named
    with pytest.raises(data.DataError, match="positive class 'omega' is not a class"):
        data.load(f"{name}&positive=omega")
    with pytest.raises(data.DataError, match=r"as test: class delta has a single example"):
        data.load(f"{name}&positive=delta")


def test_one_against_the_rest_refuses_a_positive_class_only_the_test_file_has(tmp_path):
    # a class of the rest that only the test file has is one of the negatives; the positive
    # class itself is not: a "gamma against the rest" net would train on no gamma row
    rng = np.random.default_rng(0)
    pd.DataFrame({"a": rng.normal(size=200), "b": rng.normal(size=200),
                  "label": ["alpha"] * 150 + ["beta"] * 50}).to_csv(tmp_path / "tr.csv",
                                                                      index=False)
    pd.DataFrame({"a": rng.normal(size=60), "b": rng.normal(size=60),
                  "label": ["alpha"] * 40 + ["beta"] * 10 + ["gamma"] * 10}).to_csv(
        tmp_path / "te.csv", index=False)
    name = f"csv:{tmp_path / 'tr.csv'},{tmp_path / 'te.csv'}"
    ds = data.load(f"{name}?positive=beta", seed=0)
    assert ds.classes == ("not beta", "beta")
    assert ds.class_counts() == {"train": [135, 45], "val": [15, 5], "test": [50, 10]}
    for option in ("?positive=gamma", ""):
        with pytest.raises(data.DataError, match=re.escape(
                f"{name}{option}: class 'gamma' appears only in the test set")):
            data.load(f"{name}{option}", seed=0)


def test_a_single_training_class_or_several_test_only_ones_are_said_as_such(tmp_path, capsys):
    # QA: a training file of class 0 only beside a test file of 0-4 said "class 1 appears
    # only in the test set": the first of four, and not that training held one class
    rng = np.random.default_rng(0)
    X = rng.normal(size=(150, 2)).round(4)
    frame = pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "y": np.arange(150) % 5})
    frame.iloc[:100].assign(y=0).to_csv(tmp_path / "tr.csv", index=False)
    frame.iloc[100:].to_csv(tmp_path / "te.csv", index=False)
    name = f"csv:{tmp_path / 'tr.csv'},{tmp_path / 'te.csv'}"
    assert_data_refused(name, f"{name}: the training set holds a single class (0); "
                        "classification needs at least 2 in it", capsys)
    frame.iloc[:100].assign(y=np.arange(100) % 2).to_csv(tmp_path / "tr.csv", index=False)
    assert_data_refused(name, f"{name}: classes 2, 3, 4 appear only in the test set", capsys)


def test_csv_numbers_are_the_floats_their_text_names_on_every_pandas(tmp_path):
    # QA: pandas 2's C parser (float_precision "high") is not round-trip: 1831 of the 4452
    # numbers of four_classes_csv came out a bit off, so a CSV's x_scale, data fingerprint
    # and trained weights depended on the installed pandas (pandas 3 reads them exactly)
    X = np.random.default_rng(0).normal(size=(300, 3)) * 10
    cells = [[repr(v) for v in row] for row in X.tolist()]  # 17 significant digits, most
    (tmp_path / "d.csv").write_text("a,b,c,y\n" + "".join(
        f"{','.join(row)},{i % 2}\n" for i, row in enumerate(cells)))
    exact = np.array([[float(cell) for cell in row] for row in cells])
    assert exact.tolist() == X.tolist()
    # minmax fitted on every row: each column's least and largest numbers, to the bit
    ds = data.load(f"csv:{tmp_path / 'd.csv'}", seed=0, merge_scaling=True)
    assert ds.x_shift.tolist() == X.min(axis=0).tolist()
    assert ds.x_scale.tolist() == (X.max(axis=0) - X.min(axis=0)).tolist()


@pytest.mark.parametrize("name, seed, fingerprint", [
    ("four&positive=gamma", 0, "90e194a12ebf5b88"),
    ("four&positive=gamma", 3, "b0e36748b1e87bc0"),
    ("four&positive=beta&imbalance=1:50", 0, "9aa78636fb31d018"),
    ("four&positive=beta&imbalance=1:50", 3, "3fcc958748b93215"),
    ("digits?positive=8", 0, "27e2b8922db37b65"),
    ("digits?positive=8", 3, "41258a970c60125c"),
])
def test_one_against_the_rest_splits_as_before_where_the_classes_stratify(tmp_path, name, seed,
                                                                           fingerprint):
    # the fingerprints of hplab before one-vs-rest could stratify on its two classes: a set
    # whose own classes stratify splits on them, bit for bit as it did
    if name.startswith("four"):
        four = four_classes_csv(tmp_path / "four.csv",
                                 {"alpha": 1000, "beta": 100, "gamma": 10, "delta": 3})
        name = name.replace("four", four)
    ds = data.load(name, seed=seed)
    assert ds.fingerprint() == fingerprint
    if "imbalance" not in name:  # the test set is the one the classes themselves split off
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", data.DataWarning)  # delta: none in validation
            whole = data.load(name.rpartition("positive=")[0].rstrip("?&"), seed=seed)
        np.testing.assert_array_equal(ds.X_test, whole.X_test)


def test_positive_class_written_as_a_float_is_the_class(tmp_path, capsys):
    from cli_helpers import run_cli

    # the course's npz files store labels as floats, which load as whole-number classes
    rng = np.random.default_rng(0)
    name = _npz(tmp_path / "c.npz", rng.normal(size=(300, 2)),
                (np.arange(300) % 3 + 1).astype(float)[:, None])
    ds = data.load(f"{name}?positive=1.0&imbalance=1:5", seed=0)
    assert ds.classes == ("not 1", 1)
    assert ds.info["imbalance"]["train_pool"] == {"positive": 32, "negative": 160}
    assert data.load(name, positive="3.0", seed=0).classes == ("not 3", 3)
    with pytest.raises(data.DataError, match="positive class '1.5' is not a class; classes: "
                                             "1, 2, 3"):
        data.load(name, positive="1.5")
    code, out, err = run_cli(["imbalance", "--dataset", name, "--positive", "1.0", "--ratio",
                              "1:5", "--strategies", "none", "--seeds", "1", "--hidden", "4",
                              "--epochs", "2", "--workers", "1", "--no-report", "--json"],
                             capsys)
    assert code == 0 and json.loads(out)["positive"] == 1, err


def test_boolean_classes_are_named_as_a_spreadsheet_writes_them(tmp_path, capsys):
    from cli_helpers import run_cli

    # QA: a TRUE/FALSE label column loads as booleans; --positive TRUE (as in the file),
    # true and 1 were refused with "'TRUE' is not a class; classes: False, True"
    rng = np.random.default_rng(0)
    flag = np.r_[np.ones(30, bool), np.zeros(270, bool)]
    frame = pd.DataFrame(rng.normal(size=(300, 3)), columns=["a", "b", "c"])
    frame["flag"] = np.where(flag, "TRUE", "FALSE")
    frame.to_csv(tmp_path / "rare.csv", index=False)
    name = f"csv:{tmp_path / 'rare.csv'}"
    assert data.load(name, seed=0).classes == (False, True)
    for written in ("TRUE", "true", "True", "1", True):
        ds = data.load(name, positive=written, seed=0)
        assert ds.classes == (False, True), written  # the positive class last
        assert int(ds.y_train.sum() + ds.y_val.sum() + ds.y_test.sum()) == 30
    for written in ("FALSE", "false", "0", False):  # the README: either, by case or 1 and 0
        assert data.load(name, positive=written, seed=0).classes == (True, False), written
    with pytest.raises(data.DataError, match=r": positive class 'yes' is not a class; classes: "
                                             r"False, True \(the labels were read as "
                                             r"booleans\)$"):
        data.load(name, positive="yes")
    code, out, err = run_cli(["imbalance", "--dataset", name, "--positive", "TRUE",
                              "--strategies", "none", "--seeds", "1", "--hidden", "4",
                              "--epochs", "2", "--workers", "1", "--no-report", "--json"],
                             capsys)
    assert code == 0 and json.loads(out)["positive"] is True, err


@pytest.mark.parametrize("kwargs, message", [
    ({"name": "nope"}, "unknown dataset 'nope'.*valid: xor"),
    ({"name": "coin?imbalance=1:50"}, "needs positive"),
    ({"name": "coin?imbalance=1/50&positive=1"}, "imbalance must look like 1:50"),
    ({"name": "coin?imbalance=0:5&positive=1"}, "must be positive"),
    ({"name": "coin?imbalance=1:400&positive=1"}, "at least 2 positives"),
    ({"name": "digits?imbalance=50:1&positive=8"},
     "leaves 35 positive and 0 negative .* needs at least 2 positives and 1 negative"),
    ({"name": "coin?positive=7"}, "positive class '7' is not a class"),
    ({"name": "coin?colour=red"}, "unknown option 'colour'.*n_train"),
    ({"name": "coin?n_train=many"}, "must be int"),
    ({"name": "sine?noise=nan"}, "option noise='nan' must be a finite number"),
    ({"name": "double-arc?shift=inf"}, "option shift='inf' must be a finite number"),
    ({"name": "moons?noise=-1"}, "option noise must be >= 0, got -1"),
    ({"name": "spirals?noise=-0.5"}, "option noise must be >= 0, got -0.5"),
    ({"name": "sine?positive=1"}, "need a classification"),
    ({"name": "coin", "scaling": "log"}, "unknown scaling"),
    ({"name": "coin", "val_fraction": 1.5}, "val_fraction"),
    # 1 itself holds out everything: the range's own error, not the split's
    ({"name": "coin", "val_fraction": 1}, r"^val_fraction must be a number in \[0, 1\), got 1$"),
    ({"name": "coin", "val_fraction": 1.0},
     r"^val_fraction must be a number in \[0, 1\), got 1\.0$"),
    ({"name": "coin", "seed": -1}, "seed"),
    ({"name": "coin?imbalance=1:5", "imbalance": "1:6"}, "given twice"),
    ({"name": "coin?positive=1", "positive": "0"}, "positive given twice"),
    ({"name": "coin?val_fraction=0.3", "val_fraction": 0.1},
     r"^val_fraction given twice with different values: 0\.3 in the name, 0\.1 as an "
     r"argument$"),
    ({"name": "coin?val_fraction=a"}, r"^option val_fraction='a' must be a number in \[0, 1\)$"),
    ({"name": "coin?val_fraction=1"}, r"^option val_fraction='1' must be a number in \[0, 1\)$"),
    # the ratio as written, not the Fraction 1/50000:1
    ({"name": "digits?positive=8&imbalance=0.00002:1"},
     "imbalance 0.00002:1 leaves 0 positive and 1298 negative examples in the training pool"),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises(data.DataError, match=message):
        data.load(**kwargs)


@pytest.mark.parametrize("name, close", [("Digits", "digits"), ("DIGITS", "digits"),
                                         ("MOONS", "moons"), ("XOR", "xor")])
def test_an_unknown_dataset_in_capitals_is_told_its_name(name, close):
    # nets' registries match the hint case aside (--optimizer ADAM: did you mean 'adam'?);
    # data's said nothing to DIGITS, MOONS or XOR, all capitals being too far for difflib
    with pytest.raises(data.DataError, match=rf"^unknown dataset '{name}' \(did you mean "
                                             rf"'{close}'\?\); valid: xor, "):
        data.load(name)


def test_one_value_given_twice_in_two_spellings_is_one_value():
    # "positive given twice with different values: '8' in the name, '8.0' as an argument"
    once = data.load("digits?imbalance=1:10&positive=8", seed=0)
    for name, kwargs in (("digits?positive=8", {"positive": 8.0, "imbalance": "2:20"}),
                         ("digits?imbalance=1:10.0&positive=8.0", {"imbalance": "1:10",
                                                                   "positive": 8})):
        twice = data.load(name, seed=0, **kwargs)
        assert twice.classes == once.classes
        np.testing.assert_array_equal(twice.y_train, once.y_train)
        # the name it keeps names each option once, so it reloads the same data (a saved
        # model's --dataset); "positive=8&positive=8" was refused as given twice
        assert twice.name == {"digits?positive=8": "digits?positive=8&imbalance=2:20"}.get(
            name, name)
        assert data.load(twice.name, seed=0).fingerprint() == twice.fingerprint() \
            == once.fingerprint()


def test_a_seed_is_a_whole_number_by_the_analyses_rule():
    # review: data.load("coin", seed=1.0) was refused ("seed must be a non-negative
    # integer, got 1.0") where analyses.lr_range_test("coin", seed=1.0) ran (whole(): 1.0
    # is 1); one rule and one message for both now
    import analyses

    assert data.load("coin", seed=1.0).fingerprint() == data.load("coin", seed=1).fingerprint()
    assert data.load("coin", seed=np.float64(2.0)).info["seed"] == 2
    assert analyses.lr_range_test("coin", seed=1.0, num_steps=20).data_record["data_seed"] == 1
    for seed in (1.5, -1, True, np.True_, "1", None, float("nan")):
        with pytest.raises(data.DataError,
                           match=f"^seed must be an integer >= 0, got {re.escape(repr(seed))}$"):
            data.load("coin", seed=seed)
        with pytest.raises(ValueError,
                           match=f"^seed must be an integer >= 0, got {re.escape(repr(seed))}$"):
            analyses.lr_range_test("coin", seed=seed, num_steps=20)


def test_a_validation_share_given_as_an_argument_is_in_the_name_and_reloads():
    # QA: load("coin", val_fraction=0.3) was named "coin": an analysis given the set
    # recorded that name, and loading it again held out 0.1, other data
    ds = data.load("coin", val_fraction=0.3, seed=4)
    assert ds.name == "coin?val_fraction=0.3" and ds.sizes()["val"] == 300
    again = data.load(ds.name, seed=4)
    assert again.name == ds.name and again.fingerprint() == ds.fingerprint()
    assert data.load(ds.name, seed=4, val_fraction=0.3).fingerprint() == ds.fingerprint()
    # the default stays out of the name, as scaling's does
    assert data.load("coin", val_fraction=0.1).name == "coin" == data.load("coin").name
    assert data.load("coin", val_fraction=0).name == "coin?val_fraction=0.0"
    assert data.load("coin?val_fraction=0").sizes()["val"] == 0


def test_a_number_that_several_class_codes_equal_is_refused_not_picked(tmp_path):
    # "+1" and "1" are two classes (codes stay text): positive=1.0 took the first
    rng = np.random.default_rng(0)
    labels = np.array(["+1", "1", "2"] * 40)
    pd.DataFrame({"a": rng.normal(size=120), "label": labels}).to_csv(tmp_path / "c.csv",
                                                                      index=False)
    name = f"csv:{tmp_path / 'c.csv'}"
    with pytest.raises(data.DataError, match=r"positive class '1.0' equals several classes as "
                                             r"a number \('\+1', '1'\): name one as written"):
        data.load(f"{name}?positive=1.0")
    assert data.load(f"{name}?positive=%2B1").classes == ("not +1", "+1")  # as written
    assert data.load(name, positive="1").classes == ("not 1", "1")
    assert data.load(name, positive=2).classes == ("not 2", "2")  # one match: as a number


def _npz(path, X, y):
    np.savez(path, data=X, label=y)
    return f"npz:{path}"


@pytest.mark.parametrize("make, message", [
    (lambda p: _npz(p, np.array([[1.0, np.nan]] * 10), np.arange(10) % 2),
     r"10 NaN or infinite value\(s\) in the train features \(first at row 0, column 'x2'\)"),
    (lambda p: _npz(p, np.array([[1.0, np.inf]] * 10), np.arange(10) % 2), "NaN or infinite"),
    (lambda p: _npz(p, np.ones((10, 2)), np.arange(9) % 2), "wrong length"),
    (lambda p: _npz(p, np.ones((10, 2)), np.zeros(10)), "a single class"),
    (lambda p: f"npz:{p.parent / 'missing.npz'}", "file not found"),
    # a folder was "file not found" too
    (lambda p: (p.mkdir(), f"npz:{p}")[1], r"f.npz is a folder; give the data file"),
    (lambda p: (p.mkdir(), f"csv:{p}")[1], r"f.npz is a folder; give the data file"),
    (lambda p: f"idx:{p.parent / 'no-such-dir'}", "folder not found"),
    (lambda p: np.save(p.with_suffix(".npy"), np.ones((4, 2))) or f"npz:{p.with_suffix('.npy')}",
     "a single .npy array, not an npz file"),
    (lambda p: _npz(p, np.float64(1.0), np.float64(0.0)), "one row per sample"),
    (lambda p: (p.write_bytes(Path(_npz(p, np.ones((9, 2)), np.arange(9) % 2)[4:])
                              .read_bytes()[:100]), f"npz:{p}")[1],
     r"not a readable npz file \(File is not a zip file\)"),
    (lambda p: (p.write_text("hello"), f"npz:{p}")[1], r"not a readable npz file \(not a NumPy"),
    (lambda p: _npz(p, np.array([[1.0, 2.0]] * 10, dtype=object), np.arange(10) % 2),
     r"f.npz: holds object arrays, which hplab never loads \(reading them needs pickle"),
    (lambda p: _npz(p, np.ones((10, 2)), np.array([b"\xff", b"a"] * 5)),
     "'label' holds bytes that are not UTF-8 text"),
    (lambda p: _npz(p, np.ones((10, 2)), np.arange(10).astype("datetime64[D]")),
     r"'label' has dtype datetime64\[D\]; labels must be numbers, booleans or text"),
    (lambda p: _npz(p, np.ones((10, 2)), np.zeros(10, dtype=[("a", "i4")])),
     r"'label' has dtype \[\('a', '<i4'\)\]"),
    (lambda p: _npz(p, np.ones((10, 2)), np.arange(10) % 2 + 1j), "'label' has dtype complex128"),
    (lambda p: (p.with_suffix(".csv").write_text("f1,f2,label\n"),
                f"csv:{p.with_suffix('.csv')}")[1], "a header and no rows"),
])
def test_bad_files(tmp_path, make, message):
    name = make(tmp_path / "f.npz")
    with pytest.raises(data.DataError, match=message):
        data.load(name)


def test_a_file_named_as_another_kind_of_data_says_which_form_reads_it(tmp_path, capsys):
    # an npz given as csv: was told to be renamed .npz.zip, which pandas refused next
    # ("Multiple files found in ZIP file"); a CSV given as npz: or idx: was "not a
    # NumPy file" or "folder not found" for a file that was there
    npz = tmp_path / "arc.npz"
    _npz(npz, np.arange(80.0).reshape(40, 2), np.arange(40) % 2)
    csv = tmp_path / "d, v2.csv"
    csv.write_text("a,b,label\n" + "".join(f"{i},{i % 3},{i % 2}\n" for i in range(40)))
    for name, said in (
            (f"csv:{npz}", f"{npz} is a NumPy .npz archive, not CSV text: load it as "
                           f"npz:{npz}"),
            (f"npz:{csv}".replace(",", "%2C"),
             f"{csv}: not a readable npz file (not a NumPy file); it looks like CSV "
             f"text: load it as csv:{str(csv).replace(',', '%2C')}"),
            (f"idx:{csv}".replace(",", "%2C"),
             f"{csv} is a file, not a folder: idx: takes the folder of the four IDX files "
             "(train-images-idx3-ubyte[.gz]...)")):
        assert hplab.main(["data", "show", name]) == 2
        assert capsys.readouterr().err == f"hplab data show: error: {said}\n"
    # named as told, each loads
    assert data.load(f"npz:{npz}").sizes()["test"] == 8
    assert data.load(f"csv:{str(csv).replace(',', '%2C')}").feature_names == ("a", "b")


def test_one_hot_npz_labels_are_refused_saying_how_to_save_them(tmp_path):
    # the course one-hot encodes its classes; such a 'label' was only "must be one column"
    y = np.eye(3)[np.arange(12) % 3]
    with pytest.raises(data.DataError, match=re.escape(
            "'label' must be one column, got shape (12, 3); one-hot rows? save "
            "label.argmax(axis=1) as the labels")):
        data.load(_npz(tmp_path / "h.npz", np.ones((12, 2)), y))
    # two targets are no one-hot rows: no hint
    with pytest.raises(data.DataError, match=r"got shape \(12, 2\)$"):
        data.load(_npz(tmp_path / "t.npz", np.ones((12, 2)), np.ones((12, 2)) * 0.5))


def _npz_members(path, compression, members):
    """An npz of .npy members ``(name, descr, shape, n_bytes)``: each a header declaring
    ``descr`` ``shape`` over ``n_bytes`` zero bytes, written a MB at a time."""
    import zipfile

    with zipfile.ZipFile(path, "w", compression) as z:
        for name, descr, shape, n_bytes in members:
            with z.open(f"{name}.npy", "w", force_zip64=True) as fh:
                np.lib.format.write_array_header_1_0(
                    fh, {"descr": descr, "fortran_order": False, "shape": shape})
                for start in range(0, n_bytes, 2**20):
                    fh.write(bytes(min(2**20, n_bytes - start)))
        return sum(m.file_size for m in z.infolist())


def test_npz_bombs_and_forged_shapes_are_refused_before_numpy_allocates(tmp_path, capsys):
    import zipfile

    # 90 MB of zeros deflated into 90 kB: NumPy allocated and read them all (2 GB from a
    # 2 MB file grew to 23 GB)
    bomb = tmp_path / "bomb.npz"
    declared = _npz_members(bomb, zipfile.ZIP_DEFLATED, [
        ("data", "|u1", (10**7, 8), 8 * 10**7), ("label", "|u1", (10**7,), 10**7)])
    size = bomb.stat().st_size
    assert size < 2 * 10**5
    # a shape far beyond its data: "out of memory (Unable to allocate 14.6 TiB ...)"
    forged = tmp_path / "forged.npz"
    _npz_members(forged, zipfile.ZIP_STORED, [
        ("data", "<f8", (10**12, 2), 64), ("label", "<f8", (10**12,), 64)])
    # security review: bytes within what a file may expand to (36 MB from 36 kB), whose
    # float32 copy then took 4 times as much: the memory a load takes is what is checked
    small = tmp_path / "small.npz"
    small_declared = _npz_members(small, zipfile.ZIP_DEFLATED, [
        ("data", "|u1", (4 * 10**6, 8), 32 * 10**6), ("label", "|u1", (4 * 10**6,), 4 * 10**6)])
    small_size = small.stat().st_size
    assert small_declared < 100 * small_size + 64 * 2**20
    cases = [(bomb, f"declares 90000000 values ('data' uint8 10000000 x 8, 'label' uint8 "
                    f"10000000) in a {size}-byte file: {declared} bytes, "
                    f"{declared + 4 * 9 * 10**7} in memory with the float32 copy a load makes, "
                    "more than the 100x its size plus 67108864 bytes a compressed file may "
                    "take; save it uncompressed (np.savez) if the data is real"),
             (small, f"declares 36000000 values ('data' uint8 4000000 x 8, 'label' uint8 "
                     f"4000000) in a {small_size}-byte file: {small_declared} bytes, "
                     f"{small_declared + 4 * 36 * 10**6} in memory with the float32 copy a "
                     "load makes, more than the 100x its size plus 67108864 bytes a "
                     "compressed file may take; save it uncompressed (np.savez) if the data "
                     "is real"),
             (forged, "'data' declares 1000000000000 rows (float64 (1000000000000, 2), "
                      "16000000000000 bytes) but holds 64 bytes; a truncated or forged file")]
    for path, message in cases:
        with traced_peak() as traced, pytest.raises(data.DataError) as err:
            data.load(f"npz:{path}")
        peak = traced.bytes
        assert str(err.value) == f"{path}: {message}" and peak < 10**7, (message, peak)
        assert hplab.main(["data", "show", f"npz:{path}"]) == 2
        assert capsys.readouterr().err == f"hplab data show: error: {path}: {message}\n"


@pytest.mark.parametrize("argv, message", [
    (["data", "show", "nope"], "unknown dataset 'nope'"),
    (["data", "show", "coin?imbalance=1:x&positive=1"], "imbalance must look like"),
    (["data", "show", "digits", "--imbalance", "1:900", "--positive", "8"], "2 positives"),
    (["data", "show", "idx:/no/such/folder"], "folder not found"),
    (["data", "show", "sine?noise=nan"], "must be a finite number"),
    # a noise past 1.8e308 overflows in numpy's uniform (a traceback) or in the points
    *[(["data", "show", f"{name}?noise=1e308"],
       "options too large (noise=1e+308): the generated values overflow float64")
      for name in ("double-arc", "sine", "curve", "moons", "circles", "spirals")],
    (["data", "fetch", "cifar"], "unknown dataset 'cifar'; valid: mnist"),
])
def test_cli_bad_input_one_line_exit_2(argv, message, capsys):
    try:
        rc = hplab.main(argv)
    except SystemExit as exc:  # argparse errors exit directly
        rc = exc.code
    err = capsys.readouterr().err
    assert rc == 2 and message in err and len(err.strip().splitlines()) == 1


def test_cli_show_takes_scaling_in_the_name_or_as_flags(capsys):
    for argv in (["double-arc?scaling=standard&merge_scaling=1"],
                 ["double-arc", "--scaling", "standard", "--merge-scaling"]):
        assert hplab.main(["data", "show", *argv, "--json"]) == 0
        shown = json.loads(capsys.readouterr().out)
        assert shown["name"] == "double-arc?scaling=standard&merge_scaling=1"
        assert (shown["info"]["scaling"], shown["info"]["merge_scaling"]) == ("standard", True)


def test_cli_list_and_show(capsys):
    assert hplab.main(["data", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    coin = next(r for r in rows if r["name"] == "coin")
    assert (coin["n_train"], coin["n_val"], coin["n_test"], coin["classes"]) == (900, 100, 500, 3)
    assert all(r["n_train"] is None for r in rows if r["kind"] == "file")  # JSON: null
    assert hplab.main(["data", "list"]) == 0
    out = capsys.readouterr().out
    assert "double-arc" in out and "<NA>" not in out
    # path forms have no fixed size: a dash in each of the five size columns
    for prefix in ("idx:", "npz:", "csv:"):
        line = next(row for row in out.splitlines() if row.lstrip().startswith(prefix))
        assert line.split()[1:7] == ["file", "-", "-", "-", "-", "-"], line
    coin_line = next(row for row in out.splitlines() if row.split()[0] == "coin")
    assert coin_line.split()[1:7] == ["generated", "900", "100", "500", "2", "3"]
    # QA: a regression set read "classes 0"; a dash there, its 0 kept in --json
    sine_line = next(row for row in out.splitlines() if row.split()[0] == "sine")
    assert sine_line.split()[1:8] == ["generated", "450", "50", "100", "1", "-", "regression"]
    assert next(r for r in rows if r["name"] == "sine")["classes"] == 0
    # text left-aligned (names and descriptions were pushed right, ~190 columns out), the
    # sizes right-aligned under their headers (the table: the lines above the options')
    header, *rows = out.split("\n\n")[0].splitlines()
    start, end = header.index("description"), header.index("n_train") + len("n_train")
    assert not any(row.startswith(" ") for row in rows)
    assert all(row[start - 1] == " " != row[start] for row in rows), out
    assert all(row[end - 1] != " " == row[end] for row in rows), out
    assert hplab.main(["data", "show", "spirals?classes=4", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["n_classes"] == 4
    # class counts per split, as the course's tables quote the shares (none in regression)
    assert hplab.main(["data", "show", "coin", "--json"]) == 0
    counts = json.loads(capsys.readouterr().out)["class_counts"]
    ds = data.load("coin")
    assert counts == {k: np.bincount(y).tolist() for k, y in
                      (("train", ds.y_train), ("val", ds.y_val), ("test", ds.y_test))}
    assert hplab.main(["data", "show", "coin"]) == 0
    line = next(row for row in capsys.readouterr().out.splitlines()
                if row.startswith("class counts"))
    first = [counts[k][0] for k in ("train", "val", "test")]
    share = round(100 * sum(first) / sum(map(sum, counts.values())))
    assert line.startswith(f"class counts (train, val, test): 1: {', '.join(map(str, first))} "
                           f"({share} %); 2: ")
    assert hplab.main(["data", "show", "sine", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["class_counts"] is None  # there, as null


def test_data_show_says_one_feature_and_a_rare_class_share_in_its_words(tmp_path, capsys):
    # QA: "1 features", and a class of 1 in 200 as "(0 %)" (0.5 % rounds to 0 as well)
    pd.DataFrame({"x": np.arange(400.0), "y": [1] * 2 + [0] * 398}).to_csv(
        tmp_path / "r.csv", index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", data.DataWarning)  # a split without a positive
        assert hplab.main(["data", "show", f"csv:{tmp_path / 'r.csv'}"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"csv:{tmp_path / 'r.csv'}: binary, 1 feature, 2 classes [0, 1]"
    assert lines[2] == "class counts (train, val, test): 0: 286, 32, 80 (>99 %); 1: 2, 0, 0 " \
                       "(<1 %)"


def test_a_models_dataset_name_is_the_file_read_through_links(tmp_path, monkeypatch):
    # "L/../a/u.csv" through a link L to deep/a was recorded as ./a/u.csv (abspath's "..")
    (tmp_path / "deep" / "a").mkdir(parents=True)
    (tmp_path / "deep" / "a" / "u.csv").write_text("x,y\n1,0\n")
    (tmp_path / "L").symlink_to(tmp_path / "deep" / "a")
    monkeypatch.chdir(tmp_path)
    assert data.absolute_name("csv:L/../a/u.csv?target=y") == \
        f"csv:{(tmp_path / 'deep' / 'a' / 'u.csv').resolve()}?target=y"


def _trained_in(folder, frame, monkeypatch, capsys):
    """The model.npz of `hplab train --dataset csv:d.csv` run in ``folder`` on ``frame``."""
    from cli_helpers import run_cli

    folder.mkdir()
    frame.to_csv(folder / "d.csv", index=False)
    monkeypatch.chdir(folder)
    code, _, err = run_cli(["train", "--dataset", "csv:d.csv", "--hidden", "4", "--epochs",
                            "3", "--json", "--no-report", "--out", "run"], capsys)
    assert code == 0, err
    return folder / "run" / "model.npz"


def test_a_runs_config_names_the_files_read_by_their_absolute_paths(tmp_path, monkeypatch,
                                                                    capsys):
    # QA: config.json's dataset_info.info.files kept the paths as typed (csv/d.csv) beside
    # its absolute path and name
    X = np.random.default_rng(0).normal(size=(90, 2)).round(4)
    frame = pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "y": (X[:, 0] > 0).astype(int)})
    (tmp_path / "csv").mkdir()
    frame.iloc[:60].to_csv(tmp_path / "csv" / "d.csv", index=False)
    frame.iloc[60:].to_csv(tmp_path / "csv" / "t.csv", index=False)
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(["train", "--dataset", "csv:csv/d.csv,csv/t.csv", "--hidden", "4",
                            "--epochs", "1", "--out", "run", "--no-report", "--json"], capsys)
    assert code == 0, err
    info = json.loads((tmp_path / "run" / "config.json").read_text())["dataset_info"]["info"]
    here = tmp_path.resolve()
    assert info["files"] == [f"{here}/csv/d.csv", f"{here}/csv/t.csv"]
    assert (info["path"], info["test_path"]) == tuple(info["files"])


def test_a_model_trained_in_a_folder_named_with_comma_or_question_mark_finds_its_data(
        tmp_path, monkeypatch, capsys):
    # the absolute name joined "proj, v2/d.csv" unescaped: predict read "proj" as the
    # train file and " v2/d.csv" as the test file ("what?now" as options "now/d.csv")
    from cli_helpers import run_cli

    X = np.random.default_rng(0).random((200, 2))
    frame = pd.DataFrame({"x1": X[:, 0], "x2": X[:, 1], "y": np.arange(200) % 2})
    for folder, written in (("proj, v2", "proj%2C v2"), ("what?now", "what%3Fnow"),
                            ("50%2C off", "50%252C off")):
        model = _trained_in(tmp_path / folder, frame, monkeypatch, capsys)
        monkeypatch.chdir(tmp_path)
        code, out, err = run_cli(["predict", model, "--dataset", "--json"], capsys)
        assert code == 0, err
        scored = json.loads(out)
        assert scored["dataset"] == f"csv:{tmp_path.resolve()}/{written}/d.csv"
        assert scored["n"] == 40  # the held-out 1/5 of 200 rows
    escaped = f"csv:{tmp_path.resolve()}/proj%2C v2/d.csv,{tmp_path.resolve()}/what%3Fnow/d.csv"
    assert data.absolute_name("csv:proj%2C v2/d.csv,what%3fnow/d.csv") == escaped
    # other rows than the training file's: a copy of them is refused as no test set
    frame.assign(x1=frame.x1 + 1).to_csv(tmp_path / "what?now" / "d.csv", index=False)
    assert data.load(escaped).sizes() == {"train": 180, "val": 20, "test": 200}
    # typed unescaped, the error says how to write them
    for name, said in (("csv:proj, v2/d.csv", "file not found: proj (',' separates the test "
                                              "file; in a path write ',' as %2C, '?' as %3F "
                                              "and '%' as %25)"),
                       ("csv:what?now/d.csv", "bad option 'now/d.csv' in 'csv:what?now/d.csv'; "
                                              "expected key=value (in a path write ',' as %2C, "
                                              "'?' as %3F and '%' as %25)"),
                       # QA: with options, the options began at the path's '?', unsaid
                       ("csv:what?now/d.csv?target=y", "unknown option 'now/d.csv?target' for "
                                                       "csv (in a path write ',' as %2C, '?' "
                                                       "as %3F and '%' as %25); valid: "
                                                       "target, task")):
        with pytest.raises(data.DataError, match=re.escape(said)):
            data.load(name)


@pytest.mark.parametrize("suffix, opener", [(".gz", "gzip"), (".bz2", "bz2"), (".xz", "lzma"),
                                            (".zst", "zstandard")])
def test_a_compressed_csv_is_checked_on_its_text(tmp_path, capsys, suffix, opener):
    # the NUL check read the compressed bytes (gzip's hold NULs): every .csv.gz was refused
    import importlib

    module = importlib.import_module(opener)
    rng = np.random.default_rng(0)
    rows = "".join(f"{a},{b},{int(a > 0)}\n" for a, b in rng.normal(size=(60, 2)))
    good, bad = tmp_path / f"d.csv{suffix}", tmp_path / f"bad.csv{suffix}"
    good.write_bytes(module.compress(("a,b,label\n" + rows).encode()))
    bad.write_bytes(module.compress(b"a,b,label\n1,2,1\x00\n3,4,0\n"))
    ds = data.load(f"csv:{good}")
    assert ds.task == "binary" and len(ds.y_train) + len(ds.y_val) + len(ds.y_test) == 60
    assert hplab.main(["data", "show", f"csv:{bad}"]) == 2
    assert capsys.readouterr().err == (f"hplab data show: error: {bad} holds NUL bytes (line 2): "
                                       "not a text CSV\n")


def _compressed(path: Path, text: bytes, member: str = "d.csv") -> Path:
    """``text`` written to ``path`` compressed as its name says (.gz, .zst, .zip, .tar...)."""
    import gzip
    import io
    import tarfile
    import zipfile

    name = path.name
    if name.endswith((".tar", ".tar.gz", ".tar.bz2", ".tar.xz")):
        with tarfile.open(path, "w:" + ("" if name.endswith(".tar") else name.rsplit(".")[-1])
                          ) as archive:
            info = tarfile.TarInfo(member)
            info.size = len(text)
            archive.addfile(info, io.BytesIO(text))
    elif name.endswith(".zip"):
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(member, text)
    elif name.endswith(".zst"):
        import zstandard

        path.write_bytes(zstandard.compress(text))
    else:
        path.write_bytes(gzip.compress(text, mtime=0))
    return path


@pytest.mark.parametrize("suffix", [".gz", ".zst", ".zip", ".tar.gz"])
def test_a_compressed_csv_expanding_like_a_bomb_is_refused_before_it_is_parsed(tmp_path,
                                                                               capsys, suffix):
    # a 200 KB .csv.gz of one repeated row (132 MiB of text) took 42 s and 3 GB of memory
    # before it was refused as a single class: pandas parsed every row first, and a few MB
    # of it would have been killed for memory. Its text is now counted as it is read and
    # refused past 100x the file's size plus 64 MiB, as a compressed IDX file's
    text = b"a,b,label\n" + b"0,1,0\n1,0,1\n" * (8 * 2**20)  # 96 MiB
    path = _compressed(tmp_path / f"bomb.csv{suffix}", text)
    size = path.stat().st_size
    assert hplab.main(["data", "show", f"csv:{path}"]) == 2
    err = capsys.readouterr().err
    said = re.fullmatch(rf"hplab data show: error: {re.escape(str(path))}: expands to at least "
                        rf"(\d+) bytes in a {size}-byte file, more than the 100x its size "
                        r"plus 67108864 bytes a compressed file may expand to; decompress it "
                        r"if the data is real\n", err)
    assert said, err
    assert 100 * size + 64 * 2**20 < int(said.group(1)) < len(text)  # stopped part-way
    # a compressed file of real rows is read as before
    rows = "".join(f"{i % 5},{i % 7},{i % 2}\n" for i in range(300))
    real = _compressed(tmp_path / f"real.csv{suffix}", f"a,b,label\n{rows}".encode())
    ds = data.load(f"csv:{real}")
    assert len(ds.y_train) + len(ds.y_val) + len(ds.y_test) == 300


@pytest.mark.parametrize("suffix", [".tar", ".tar.gz", ".tar.bz2", ".tar.xz"])
def test_a_tar_of_one_csv_is_checked_on_the_text_pandas_reads(tmp_path, capsys, suffix):
    # pandas reads a .tar.gz as a tar archive of one CSV; the checks read it as gzip, found
    # the NULs of the tar's headers and refused every .csv.tar.gz ("holds NUL bytes (line
    # 1)"); a plain .tar was not checked, so a NUL byte in it became a class of its own
    rows = "".join(f"{i % 5},{i % 7},{i % 2}\n" for i in range(60))
    good = _compressed(tmp_path / f"d.csv{suffix}", f"a,b,label\n{rows}".encode())
    ds = data.load(f"csv:{good}")
    assert ds.task == "binary" and len(ds.y_train) + len(ds.y_val) + len(ds.y_test) == 60
    bad = _compressed(tmp_path / f"bad.csv{suffix}", b"a,b,label\n1,2,1\x00\n3,4,0\n")
    assert hplab.main(["data", "show", f"csv:{bad}"]) == 2
    assert capsys.readouterr().err == (f"hplab data show: error: {bad} holds NUL bytes (line 2): "
                                       "not a text CSV\n")


@pytest.mark.parametrize("suffix", [".gz", ".zst", ".zip", ".tar.gz"])
def test_a_compressed_csv_gets_the_advice_its_plain_text_gets(tmp_path, capsys, suffix):
    # a .zst's text in GBK was "cannot seek zstd decompression stream backwards", and its
    # reader, without lines, failed the checks that read the file line by line
    texts = {"gbk": "a,b,标签\n" + "".join(f"{i},{i % 3},{'是' if i % 2 else '否'}\n"
                                          for i in range(40)),
             "ragged": "a,b,label\n1,2,0\n3,4,1,9\n5,6,0\n",
             "semicolons": "a;b;label\n1;2;0\n3;4;1\n5;6;0\n"}
    for name, text in texts.items():
        raw = text.encode("gbk")
        plain = tmp_path / f"{name}.csv"
        plain.write_bytes(raw)
        packed = _compressed(tmp_path / f"{name}.csv{suffix}", raw, f"{name}.csv")
        said = []
        for path in (plain, packed):
            assert hplab.main(["data", "show", f"csv:{path}"]) == 2
            said.append(capsys.readouterr().err.replace(str(path), "PATH"))
        assert said[0] == said[1] and said[0].count("\n") == 1, said


def test_a_compressed_file_or_a_workbook_misnamed_as_text_is_named_for_what_it_is(tmp_path,
                                                                                   capsys):
    # pandas decompresses by the name's ending: a .tgz or a gzipped d.csv was read as text
    # and refused as "holds NUL bytes (line 1)", and so was an Excel workbook
    import bz2
    import shutil

    rows = "".join(f"{i % 5},{i % 7},{i % 2}\n" for i in range(60))
    tgz = tmp_path / "d.csv.tgz"
    shutil.copy(_compressed(tmp_path / "d.csv.tar.gz", f"a,b,label\n{rows}".encode()), tgz)
    (tmp_path / "g.csv").write_bytes(_compressed(tmp_path / "g.csv.gz", rows.encode())
                                     .read_bytes())
    (tmp_path / "b.csv").write_bytes(bz2.compress(rows.encode()))
    # QA: a gzipped CSV (no tar inside) named .tgz was told .tar.gz, which then failed
    (tmp_path / "p.tgz").write_bytes((tmp_path / "g.csv.gz").read_bytes())
    (tmp_path / "book.xlsx").write_bytes(_compressed(tmp_path / "book.zip", b"<x/>",
                                                     "xl/workbook.xml").read_bytes())
    (tmp_path / "old.csv").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64))
    workbook = "is a spreadsheet workbook, not CSV text: save it as CSV (UTF-8) from the " \
               "program that made it"
    for name, said in (
            ("d.csv.tgz", "is gzip-compressed, but pandas decompresses only a file whose "
                          "name ends in .gz: rename it d.csv.tar.gz"),
            ("g.csv", "is gzip-compressed, but pandas decompresses only a file whose name "
                      "ends in .gz: rename it g.csv.gz"),
            ("b.csv", "is bzip2-compressed, but pandas decompresses only a file whose name "
                      "ends in .bz2: rename it b.csv.bz2"),
            ("p.tgz", "is gzip-compressed, but pandas decompresses only a file whose name "
                      "ends in .gz: rename it p.csv.gz"),
            ("book.xlsx", workbook), ("old.csv", workbook)):
        assert hplab.main(["data", "show", f"csv:{tmp_path / name}"]) == 2
        assert capsys.readouterr().err == f"hplab data show: error: {tmp_path / name} {said}\n"
    # renamed as told, it loads; a header that starts as bzip2's magic does is text, and
    # so is CSV text under a workbook's name (some exports write it so)
    assert len(data.load(f"csv:{tmp_path / 'd.csv.tar.gz'}").y_test) > 0
    (tmp_path / "bzh.csv").write_text(f"BZh1,b,label\n{rows}")
    assert data.load(f"csv:{tmp_path / 'bzh.csv'}").feature_names == ("BZh1", "b")
    (tmp_path / "export.xls").write_text(f"a,b,label\n{rows}")
    assert data.load(f"csv:{tmp_path / 'export.xls'}").feature_names == ("a", "b")


def test_a_workbook_renamed_csv_is_told_by_its_content(tmp_path, capsys):
    # QA: an .xlsx renamed fakex.csv was "zip-compressed ... rename it fakex.csv.zip", and
    # renamed so, pandas refused it as "Multiple files found in ZIP file"
    import zipfile

    def workbook(path, members):
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for member, text in members.items():
                z.writestr(member, text)

    excel = {"[Content_Types].xml": "<Types/>", "_rels/.rels": "<Relationships/>",
             "xl/workbook.xml": "<workbook/>", "xl/worksheets/sheet1.xml": "<worksheet/>"}
    workbook(tmp_path / "fakex.csv", excel)
    workbook(tmp_path / "fakex.csv.zip", excel)
    workbook(tmp_path / "calc.csv", {"mimetype": "application/vnd.oasis.opendocument."
                                                 "spreadsheet", "content.xml": "<x/>"})
    for name in ("fakex.csv", "fakex.csv.zip", "calc.csv"):
        assert hplab.main(["data", "show", f"csv:{tmp_path / name}"]) == 2
        assert capsys.readouterr().err == (
            f"hplab data show: error: {tmp_path / name} is a spreadsheet workbook, not CSV "
            "text: save it as CSV (UTF-8) from the program that made it\n")
    # a zip of one CSV and of other files is none: loaded, and told as before
    workbook(tmp_path / "one.csv.zip", {"one.csv": "a,b\n" + "1,0\n2,1\n" * 20})
    assert data.load(f"csv:{tmp_path / 'one.csv.zip'}").sizes()["test"] == 8
    workbook(tmp_path / "two.csv", {"a.txt": "x", "b.txt": "y"})
    with pytest.raises(data.DataError, match="zip-compressed.*rename it two.csv.zip$"):
        data.load(f"csv:{tmp_path / 'two.csv'}")


def test_a_zstd_csv_without_its_package_is_one_line_and_a_damaged_one_too(tmp_path, capsys,
                                                                        monkeypatch):
    # pandas needs the zstandard package for a .zst file: its ImportError was a traceback,
    # and so was zstandard's error for a damaged file
    import zstandard

    path = _compressed(tmp_path / "d.csv.zst", b"a,b,label\n1,2,1\n3,4,0\n")
    damaged = tmp_path / "damaged.csv.zst"
    damaged.write_bytes(zstandard.compress(b"a,b\n")[:4] + b"garbage" * 30)
    assert hplab.main(["data", "show", f"csv:{damaged}"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"hplab data show: error: {damaged}: not a readable CSV file (zstd "
                          "decompress error: ") and err.count("\n") == 1, err
    monkeypatch.setitem(sys.modules, "zstandard", None)  # as where it is not installed
    assert hplab.main(["data", "show", f"csv:{path}"]) == 2
    err = capsys.readouterr().err
    # pandas' words: "... to install the zstandard package." (pandas 2: "Use pip or conda
    # to install zstandard.")
    said = "install the zstandard" if int(pd.__version__.split(".")[0]) >= 3 else (
        "install zstandard")
    assert err.startswith(f"hplab data show: error: {path}: ") and said in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_a_model_saved_before_paths_were_escaped_finds_a_folder_named_with_percent(
        tmp_path, monkeypatch, capsys):
    # names were saved unescaped: "100%25 done" read back as "100% done" ('file not found')
    from cli_helpers import run_cli

    import nets

    X = np.random.default_rng(0).random((200, 2))
    frame = pd.DataFrame({"x1": X[:, 0], "x2": X[:, 1], "y": np.arange(200) % 2})
    root = tmp_path.resolve()
    for folder, old in (("100%25 done", "100%25 done"), ("x%3Fy%2c z", "x%3Fy%2c z"),
                        ("a, b", "a%2C b")):  # the last as this version writes it
        model = _trained_in(tmp_path / folder, frame, monkeypatch, capsys)
        net, header, extra = nets.load_net(model)
        header["meta"]["dataset"] = f"csv:{root}/{old}/d.csv"  # as the earlier version did
        nets.save_net(model, net, config=header["config"], meta=header["meta"], arrays=extra)
        monkeypatch.chdir(tmp_path)
        code, out, err = run_cli(["predict", model, "--dataset", "--json"], capsys)
        assert code == 0, err
        assert json.loads(out)["n"] == 40  # the held-out 1/5 of 200 rows
        assert data.source_paths(f"csv:{root}/{old}/d.csv") == [root / folder / "d.csv"]
    # the escape still wins where both exist: "100%25 done" is "100% done", as written today
    (tmp_path / "100% done").mkdir()
    frame.to_csv(tmp_path / "100% done" / "d.csv", index=False)
    assert data.source_paths("csv:100%25 done/d.csv") == [Path("100% done/d.csv")]
    # an IDX folder too; one that exists under neither is named decoded
    for name, said in ((f"idx:{root}/100%25 done", f"{root}/100% done lacks train-images"),
                       (f"idx:{root}/50%25 off", f"folder not found: {root}/50% off")):
        with pytest.raises(data.DataError, match=re.escape(said)):
            data.load(name)
    (tmp_path / "100% done" / "d.csv").unlink()
    (tmp_path / "100% done").rmdir()
    with pytest.raises(data.DataError, match=re.escape(f"{root}/100%25 done lacks")):
        data.load(f"idx:{root}/100%25 done")


def test_a_damaged_compressed_csv_is_one_line_and_a_zip_is_checked(tmp_path, capsys):
    # a cut-off .bz2 or a corrupt .xz raised EOFError / LZMAError: a traceback; a NUL byte
    # in a zipped CSV still became a class of its own
    import bz2
    import zipfile

    text = "a,b,label\n" + "".join(f"{i},{i % 7},{i % 2}\n" for i in range(40))
    (tmp_path / "cut.csv.bz2").write_bytes(bz2.compress(text.encode())[:40])
    (tmp_path / "bad.csv.xz").write_bytes(b"\xfd7zXZ\x00" + b"garbage" * 10)
    with zipfile.ZipFile(tmp_path / "nul.csv.zip", "w") as archive:
        archive.writestr("nul.csv", text.replace(",1\n", ",1\x00\n", 1))
    for name, said in (
            ("cut.csv.bz2", "not a readable CSV file (Compressed file ended before the "
                            "end-of-stream marker was reached)"),
            ("bad.csv.xz", "not a readable CSV file (Corrupt input data)")):
        assert hplab.main(["data", "show", f"csv:{tmp_path / name}"]) == 2
        assert capsys.readouterr().err == f"hplab data show: error: {tmp_path / name}: {said}\n"
    assert hplab.main(["data", "show", f"csv:{tmp_path / 'nul.csv.zip'}"]) == 2
    assert capsys.readouterr().err == (f"hplab data show: error: {tmp_path / 'nul.csv.zip'} holds "
                                       "NUL bytes (line 3): not a text CSV\n")


def test_data_show_names_the_target_and_a_regression_targets_scaling(tmp_path, capsys):
    # the lines named neither the CSV's target column nor how a regression target was
    # scaled (--json's y_shift and y_scale): the loss and --eps are in those units
    rows = "".join(f"{i},{i % 7},{3 * i - 9.5}\n" for i in range(40))
    (tmp_path / "r.csv").write_text(f"a,b,price\n{rows}")
    (tmp_path / "c.csv").write_text("a,b,price,kind\n" + "".join(
        f"{i},{i % 7},{i},{'ab'[i % 2]}\n" for i in range(40)))
    sine = data.load("sine")
    for name, said in (
            (f"csv:{tmp_path / 'r.csv'}", "target: price; minmax, fitted on the training split: "
                                          "(y + 9.5) / 114"),
            (f"csv:{tmp_path / 'r.csv'}?merge_scaling=1",
             "target: price; minmax, fitted on train, validation and test merged: "
             "(y + 9.5) / 117"),
            (f"csv:{tmp_path / 'r.csv'}?scaling=none", "target: price; not scaled"),
            (f"csv:{tmp_path / 'c.csv'}", "target: kind"),
            ("sine", f"target: minmax, fitted on the training split: "
                     f"(y + {-sine.y_shift:g}) / {sine.y_scale:g}")):
        assert hplab.main(["data", "show", name]) == 0
        assert capsys.readouterr().out.splitlines()[-3] == said, name
    # the training split's range, and merged the 40 rows' whole range (107.5 held out)
    assert data.load(f"csv:{tmp_path / 'r.csv'}").y_scale == 114
    assert data.load(f"csv:{tmp_path / 'r.csv'}?merge_scaling=1").y_scale == 117


def test_data_show_json_has_no_target_scaling_for_classification(tmp_path, capsys):
    # QA: --json said y_shift 0.0 and y_scale 1.0 for coin, as if its labels were scaled by
    # them; null is "not applicable" there, as class_counts is for regression
    from cli_helpers import description_words, run_cli

    (tmp_path / "r.csv").write_text("a,b,price\n" + "".join(
        f"{i},{i % 7},{3 * i - 9.5}\n" for i in range(40)))
    sine = data.load("sine")
    assert round(sine.y_shift, 4) == -1.0884 and round(sine.y_scale, 4) == 2.1701
    for name, scaling in (("coin", (None, None)), ("digits?positive=8", (None, None)),
                          ("sine", (sine.y_shift, sine.y_scale)),
                          (f"csv:{tmp_path / 'r.csv'}", (-9.5, 114.0)),
                          # a regression target left unscaled: numbers, what undoes nothing
                          (f"csv:{tmp_path / 'r.csv'}?scaling=none", (0.0, 1.0))):
        code, out, err = run_cli(["data", "show", name, "--json"], capsys)
        shown = json.loads(out)
        assert code == 0 and (shown["y_shift"], shown["y_scale"]) == scaling, (name, err)
    assert ("y_shift and y_scale (a regression target's scaling; null for classification)"
            in description_words("data", "show"))
    assert hplab.main(["data", "show", "coin"]) == 0
    assert "target" not in capsys.readouterr().out  # a generated set's classes: no column


@pytest.mark.parametrize("name, said", [
    ("coin", "scaling: minmax, per feature, fitted on the training split"),
    ("digits", "scaling: minmax, images as a whole: x / 16"),
    ("digits?scaling=standard",
     "scaling: standard, images as a whole (one shift and scale), fitted on the training split"),
    ("double-arc?merge_scaling=1",
     "scaling: minmax, per feature, fitted on train, validation and test merged"),
    ("coin?scaling=none", "scaling: none"),
])
def test_data_show_says_the_scaling_its_help_promises(name, said, capsys):
    # "print its sizes and scaling" printed the sizes only
    assert hplab.main(["data", "show", name]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == said


def test_report_index_of_an_empty_name_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # '' indexed the folder it ran in and wrote index.html there
    assert hplab.main(["report", "index", ""]) == 2
    assert "an empty folder name; give the folder to index" in capsys.readouterr().err
    assert not (tmp_path / "index.html").exists()


def test_labels_pandas_keeps_as_objects_are_read_not_a_traceback(tmp_path):
    # QA: True/False labels with a blank cell, and 20-digit integer labels, are no text to
    # pandas (objects of bool or int): `.str` raised AttributeError in every command
    (tmp_path / "b.csv").write_text("x,y\n1,True\n2,False\n3,\n4,True\n5,False\n")
    with pytest.raises(data.DataError, match=r"missing, NaN or infinite train label\(s\) "
                                             r"\(first at line 4\)"):
        data.load(f"csv:{tmp_path / 'b.csv'}")
    rows = "".join(f"{i},{10**20 + i % 2}\n" for i in range(40))
    (tmp_path / "ids.csv").write_text("x,y\n" + rows)
    classes = data.load(f"csv:{tmp_path / 'ids.csv'}").classes
    if int(pd.__version__.split(".")[0]) < 3 and classes == (str(10**20), str(10**20 + 1)):
        pytest.xfail("pandas 2 (which pyproject admits) reads 20-digit labels as text, so "
                     "--json's classes change type with pandas: an open QA finding")
    assert classes == (10**20, 10**20 + 1)


def test_a_test_file_unlike_its_train_file_is_told_how_to_match_it(tmp_path):
    # QA: a headerless test file was told to add ?header=no, which reads the train file
    # without its header too; the same columns in another order were "columns differ"
    rows = "".join(f"{i / 10},{i % 3},{i % 2}\n" for i in range(40))
    (tmp_path / "tr.csv").write_text("x1,x2,y\n" + rows)
    (tmp_path / "te.csv").write_text(rows)
    (tmp_path / "te2.csv").write_text("x2,x1,y\n" + rows)
    (tmp_path / "te3.csv").write_text("x1,z,y\n" + rows)
    tr = tmp_path / "tr.csv"

    def error(test: str) -> str:
        with pytest.raises(data.DataError) as err:
            data.load(f"csv:{tr},{tmp_path / test}")
        return str(err.value)

    assert error("te.csv").endswith(": add tr.csv's header line to it (?header= sets both "
                                    "files)")
    assert "not the column names tr.csv has (x1, x2, y)" in error("te.csv")
    assert error("te2.csv") == (f"{tmp_path / 'te2.csv'}: the columns of tr.csv in another "
                                "order (x2, x1, y); write them in its order (x1, x2, y)")
    assert error("te3.csv") == (f"{tmp_path / 'te3.csv'}: columns differ from tr.csv's: "
                                "lacks x2; has z, which tr.csv has not")


def _with_an_id(path, n=400, text_id=False):
    """QA: a fraud table whose ``transaction_id`` follows the label (confirmed frauds
    appended later), rows shuffled: as a feature it gives the label away."""
    rng = np.random.default_rng(0)
    y = (rng.uniform(size=n) < 0.1).astype(int)
    order = np.argsort(y, kind="stable")
    ids = np.empty(n, dtype=np.int64)
    ids[order] = np.arange(100000, 100000 + n)
    frame = pd.DataFrame({"transaction_id": [f"TX-{i}" for i in ids] if text_id else ids,
                          "amount": rng.normal(size=n), "hour": rng.uniform(0, 24, n),
                          "is_fraud": y})
    frame.to_csv(path, index=False)
    return frame


def test_csv_columns_left_out_by_ignore(tmp_path, capsys):
    from cli_helpers import run_cli

    path = tmp_path / "fraud.csv"
    frame = _with_an_id(path)
    # every non-target column was a feature, the ID too, and nothing said which
    assert data.load(f"csv:{path}").feature_names == ("transaction_id", "amount", "hour")
    ds = data.load(f"csv:{path}?ignore=transaction_id")
    assert ds.feature_names == ("amount", "hour") and ds.info["ignored"] == ["transaction_id"]
    # the same rows, split alike: the file without the column gives the same arrays
    frame.drop(columns="transaction_id").to_csv(tmp_path / "plain.csv", index=False)
    plain = data.load(f"csv:{tmp_path / 'plain.csv'}")
    for split in ("train", "val", "test"):
        np.testing.assert_array_equal(getattr(ds, f"X_{split}"), getattr(plain, f"X_{split}"))
        np.testing.assert_array_equal(getattr(ds, f"y_{split}"), getattr(plain, f"y_{split}"))
    assert plain.info["ignored"] == []
    # a test file of the same columns loses the same ones
    frame.iloc[:300].to_csv(tmp_path / "tr.csv", index=False)
    frame.iloc[300:].to_csv(tmp_path / "te.csv", index=False)
    pair = data.load(f"csv:{tmp_path / 'tr.csv'},{tmp_path / 'te.csv'}?ignore= transaction_id ")
    assert pair.n_features == 2 and len(pair.y_test) == 100
    # each name of the list is stripped, and one given twice is left out once: two names
    # left out of three features leave one, not none
    once = data.load(f"csv:{path}?ignore=transaction_id, transaction_id ,amount")
    assert once.feature_names == ("hour",)
    assert once.info["ignored"] == ["transaction_id", "amount"]
    # data show names the features, and the columns left out (text and --json)
    code, out, err = run_cli(["data", "show", f"csv:{path}?ignore=transaction_id"], capsys)
    assert code == 0, err
    assert out.splitlines()[-2] == "features: amount, hour; left out: transaction_id"
    code, out, err = run_cli(["data", "show", f"csv:{path}", "--json"], capsys)
    shown = json.loads(out)
    assert shown["feature_names"] == ["transaction_id", "amount", "hour"]
    assert shown["n_features"] == 3 and shown["info"]["ignored"] == []


@pytest.mark.parametrize("option, message", [
    ("ignore=tx_id", "{path}: option ignore names no column 'tx_id'; columns: transaction_id, "
                     "amount, hour, is_fraud"),
    ("ignore=is_fraud", "{path}: option ignore names the target column 'is_fraud'; leave out "
                        "only features (?target= names another target)"),
    ("ignore=transaction_id,amount,hour", "{path}: option ignore leaves no feature column "
                                          "(columns: transaction_id, amount, hour, is_fraud)"),
    ("ignore=amount,,hour", "option ignore='amount,,hour' must name columns, separated by "
                            "commas (e.g. ignore=id,date)"),
    ("drop=transaction_id", "unknown option 'drop' for csv (ignore=COLUMN,... leaves columns "
                            "out of the features); valid: target, task, header, images, "
                            "ignore, imbalance, positive, train_size, scaling, "
                            "merge_scaling, val_fraction, holdout"),
])
def test_csv_ignore_refuses_what_it_cannot_leave_out(tmp_path, capsys, option, message):
    from cli_helpers import run_cli

    path = tmp_path / "fraud.csv"
    _with_an_id(path)
    code, out, err = run_cli(["data", "show", f"csv:{path}?{option}"], capsys)
    assert (code, out, err) == (2, "", f"hplab data show: error: {message.format(path=path)}\n")


def test_csv_header_np_savetxt_wrote_names_the_columns_as_numpy_reads_them(tmp_path):
    # QA: np.savetxt(..., header="a,b,c,y") writes "# a,b,c,y": the first feature was
    # named "# a", and ?ignore=a named no column
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    path = tmp_path / "np.csv"
    np.savetxt(path, np.c_[X, X[:, 0] > 0], delimiter=",", header="a,b,c,y")
    assert path.read_text().startswith("# a,b,c,y\n")
    ds = data.load(f"csv:{path}")
    assert ds.feature_names == ("a", "b", "c") and ds.info["target"] == "y"
    assert data.load(f"csv:{path}?ignore=a").feature_names == ("b", "c")
    assert data.load(f"csv:{path}?target=y&ignore=c").feature_names == ("a", "b")
    # the same rows with a plain header: the same arrays, split alike
    pd.DataFrame(np.c_[X, X[:, 0] > 0], columns=list("abcy")).to_csv(tmp_path / "pd.csv",
                                                                     index=False)
    plain = data.load(f"csv:{tmp_path / 'pd.csv'}")
    np.testing.assert_array_equal(ds.X_train, plain.X_train)
    np.testing.assert_array_equal(ds.y_test, plain.y_test)
    # numpy's other comment mark, "#" alone (comments="#"), and header names of numbers: a
    # header all the same; a column named "#" keeps its name
    np.savetxt(path, np.c_[X, X[:, 0] > 0], delimiter=",", header="400,450,500,y",
               comments="#")
    assert data.load(f"csv:{path}").feature_names == ("400", "450", "500")
    np.savetxt(path, np.c_[X, X[:, 0] > 0], delimiter=",", header="#,b,c,y", comments="")
    assert data.load(f"csv:{path}").feature_names == ("#", "b", "c")


def test_csv_ignore_names_a_column_with_a_comma_as_target_does(tmp_path, capsys):
    # QA: %2C was decoded before the list was split on commas, so no spelling reached the
    # column "x,y" (an Excel export's "Last, First"), though ?target=x%2Cy did
    from cli_helpers import run_cli

    path = tmp_path / "odd.csv"
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(60, 5)), columns=["user id", "x,y", "p&q", "r=s", "d"])
    frame["Last, First"] = [f"Doe, J{i}" for i in range(60)]
    frame["label"] = np.arange(60) % 2
    frame.to_csv(path, index=False)
    ds = data.load(f"csv:{path}?ignore=user id,x%2Cy,p%26q,Last%2C First")
    assert ds.feature_names == ("r=s", "d")
    assert ds.info["ignored"] == ["user id", "x,y", "p&q", "Last, First"]
    assert data.load(f"csv:{path}?ignore=user id,Last%2C First&target=x%2Cy").feature_names \
        == ("p&q", "r=s", "d", "label")
    # the hint for a text column gives the spelling that leaves it out
    code, out, err = run_cli(["data", "show", f"csv:{path}"], capsys)
    assert (code, out) == (2, "")
    assert err.endswith("leave it out with ?ignore=Last%2C First\n"), err
    code, out, err = run_cli(["data", "show", f"csv:{path}?ignore=x%252Cy"], capsys)
    assert err.startswith(f"hplab data show: error: {path}: option ignore names no column "
                          "'x%2Cy'; columns: user id, 'x,y', p&q"), err
    # a name holding a comma is listed quoted: "x,y, p&q" read as three columns
    code, out, err = run_cli(["data", "show", f"csv:{path}?ignore=user id,p%26q,Last%2C First"],
                             capsys)
    assert code == 0, err
    assert "\nfeatures: 'x,y', r=s, d; left out: user id, p&q, 'Last, First'\n" in out


def test_a_text_id_column_is_refused_with_the_option_that_leaves_it_out(tmp_path, capsys):
    from cli_helpers import run_cli

    path = tmp_path / "fraud.csv"
    _with_an_id(path, text_id=True)
    code, out, err = run_cli(["data", "show", f"csv:{path}"], capsys)
    assert (code, out) == (2, "")
    assert err == ("hplab data show: error: "
                   f"{path}: feature column 'transaction_id' is not numeric "
                   "(first non-number 'TX-100000' at line 2); if it is no feature (an ID, a "
                   "date), leave it out with ?ignore=transaction_id\n")
    assert data.load(f"csv:{path}?ignore=transaction_id").feature_names == ("amount", "hour")


def test_a_data_path_only_starting_with_a_tilde_is_a_name_not_a_traceback(tmp_path,
                                                                           monkeypatch):
    # QA 37: csv:~nosuchuser9/x.csv (no such user) raised Path.expanduser's RuntimeError, a
    # traceback; it is a relative name, as --storage ~nosuchuser9/b.db already was
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "home").mkdir()
    with pytest.raises(data.DataError, match=r"^file not found: ~nosuchuser9/x\.csv$"):
        data.load("csv:~nosuchuser9/x.csv")
    folder = tmp_path / "~nosuchuser9"
    folder.mkdir()
    rows = "a,b,y\n" + "".join(f"{i},{i % 3},{i % 2}\n" for i in range(40))
    (folder / "x.csv").write_text(rows)
    (tmp_path / "home" / "h.csv").write_text(rows)
    assert data.load("csv:~nosuchuser9/x.csv").sizes() == data.load("csv:~/h.csv").sizes()
    assert data.expand_home("~/h.csv") == tmp_path / "home" / "h.csv"
    assert data.expand_home("~nosuchuser9/x.csv") == Path("~nosuchuser9/x.csv")


def test_a_data_file_whose_name_ends_in_a_space_is_read_by_its_escape(tmp_path, monkeypatch,
                                                                      capsys):
    # QA 37: "x.csv " could not be loaded: a name's trailing space is dropped (as a stray
    # one typed after any name), and no escape reached it; %20 does, and a saved model's
    # name writes it so, so that predict --dataset finds the file again
    from cli_helpers import run_cli

    X = np.random.default_rng(0).random((200, 2))
    frame = pd.DataFrame({"x1": X[:, 0], "x2": X[:, 1], "y": np.arange(200) % 2})
    (tmp_path / "p").mkdir()
    frame.to_csv(tmp_path / "p" / "d.csv  ", index=False)
    monkeypatch.chdir(tmp_path / "p")
    with pytest.raises(data.DataError, match=r"^file not found: d\.csv$"):
        data.load("csv:d.csv  ")
    assert data.load("csv:d.csv %20").sizes() == {"train": 144, "val": 16, "test": 40}
    assert data.load("csv:d.csv%20%20?target=y").sizes()["test"] == 40
    root = tmp_path.resolve()
    assert data.absolute_name("csv:d.csv%20 ") == f"csv:{root}/p/d.csv%20"  # the one typed
    assert data.absolute_name("csv:d.csv %20") == f"csv:{root}/p/d.csv%20%20"
    assert data.absolute_name("csv:a b.csv") == f"csv:{root}/p/a b.csv"  # others as they are
    code, out, err = run_cli(["train", "--dataset", "csv:d.csv%20%20", "--hidden", "2",
                              "--epochs", "2", "--out", "sp", "--json"], capsys)
    assert code == 0, err
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["predict", "p/sp/model.npz", "--dataset", "--json"], capsys)
    assert code == 0, err
    scored = json.loads(out)
    assert scored["dataset"] == f"csv:{root}/p/d.csv%20%20" and scored["n"] == 40
    # a file named with "%20" itself is read as it is where no other file is meant
    (tmp_path / "p" / "d.csv  ").rename(tmp_path / "p" / "e%20.csv")
    assert data.load("csv:p/e%20.csv").sizes()["test"] == 40


def test_data_list_says_the_options_every_set_takes_and_each_generated_sets_own(capsys):
    # QA: `data list` named no ?key=value option (imbalance, positive, train_size...): only
    # an unknown option's error listed them
    from cli_helpers import run_cli

    code, out, _ = run_cli(["data", "list"], capsys)
    lines = out.splitlines()
    start = lines.index("Options after any name, NAME?key=value&key=value "
                        "(e.g. 'digits?imbalance=1:50&positive=8'):")
    assert code == 0 and lines[start - 1] == "" and lines[start + 1:start + 8] == [
        "  imbalance=P:N    positives to negatives, in the training pool and the test set "
        "(classification; a multi-class set with positive=)",
        "  positive=CLASS   this class against the rest: a binary task",
        "  train_size=N     keep N training rows (class shares kept); validation and test "
        "stay the whole set's",
        "  scaling=MODE     feature scaling: minmax (default), standard or none",
        "  merge_scaling=1  fit the scaling on train, validation and test merged",
        "  val_fraction=F   hold out this share of the training pool for validation "
        "(default 0.1)",
        "  holdout=no       hold no rows out: validation and test are the training rows, as in "
        "the course's XOR (a file set too small to split, given alone)"]
    own = " ".join(line.strip() for line in lines[start + 8:])
    assert own.startswith("A generated set's own options: double-arc (n_train, n_test, "
                          "noise, shift); coin (n_train, n_test);")
    # what it says is what an unknown option's error lists: the set's own, then every set's
    assert "spirals (classes, n_train, n_test, noise, turns)" in own
    code, _, err = run_cli(["data", "show", "spirals?turn=2"], capsys)
    assert (code, err) == (2, "hplab data show: error: unknown option 'turn' for spirals; "
                              "valid: classes, n_train, n_test, noise, turns, imbalance, "
                              "positive, train_size, scaling, merge_scaling, val_fraction, "
                              "holdout\n")
    # its example loads: every other digit and 31 eights, as the README counts them
    code, out, _ = run_cli(["data", "show", "digits?imbalance=1:50&positive=8"], capsys)
    assert code == 0 and out.splitlines()[2] == ("class counts (train, val, test): not 8: "
                                                 "1168, 130, 325 (98 %); 8: 22, 3, 6 (2 %)")
    # --json stays the list of the sets, one object each
    code, out, _ = run_cli(["data", "list", "--json"], capsys)
    assert [d["name"] for d in json.loads(out)][:3] == ["xor", "double-arc", "coin"]


def test_a_text_column_of_labels_is_the_target_last_and_hinted_as_target_elsewhere(tmp_path,
                                                                                 capsys):
    # QA: iris-like tables with the species in text; last, it is the default target and
    # loads; first (penguins' way), the hint said only ?ignore=species, not ?target=species
    from cli_helpers import run_cli

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.uniform(4, 8, size=(60, 3)).round(1),
                         columns=["sepal_length", "sepal_width", "petal_length"])
    frame["species"] = np.array(["setosa", "versicolor", "virginica"])[np.arange(60) % 3]
    frame.to_csv(tmp_path / "last.csv", index=False)
    frame[["species", *frame.columns[:3]]].to_csv(tmp_path / "first.csv", index=False)
    last = data.load(f"csv:{tmp_path / 'last.csv'}")
    assert (last.task, last.classes, last.sizes()) == (
        "multiclass", ("setosa", "versicolor", "virginica"), {"train": 43, "val": 5, "test": 12})
    assert last.class_counts() == {"train": [15, 14, 14], "val": [1, 2, 2], "test": [4, 4, 4]}
    code, out, err = run_cli(["data", "show", f"csv:{tmp_path / 'first.csv'}"], capsys)
    assert (code, out, err) == (2, "", (
        f"hplab data show: error: {tmp_path / 'first.csv'}: feature column 'species' is not "
        "numeric (first non-number 'setosa' at line 2); if it holds the labels to predict, "
        "name it the target with ?target=species (the default is the last column, "
        "'petal_length'); if it is no feature (an ID, a date), leave it out with "
        "?ignore=species\n"))
    # as hinted, the same set as with the species last
    first = data.load(f"csv:{tmp_path / 'first.csv'}?target=species")
    assert first.feature_names == last.feature_names and first.classes == last.classes
    assert np.array_equal(first.X_train, last.X_train)
    # a target named by the user is the one meant: then leaving the text out is the mend
    code, _, err = run_cli(["data", "show", f"csv:{tmp_path / 'last.csv'}?target=sepal_width"],
                           capsys)
    assert (code, err) == (2, f"hplab data show: error: {tmp_path / 'last.csv'}: feature "
                              "column 'species' is not numeric (first non-number 'setosa' at "
                              "line 2); if it is no feature (an ID, a date), leave it out with "
                              "?ignore=species\n")


def test_class_weights_take_balanced_in_any_case_and_refuse_what_is_no_weight_list():
    ds = data.load("coin")  # classes (1, 2, 3)
    balanced = data.class_weights(ds, "balanced")
    assert balanced == pytest.approx(len(ds.y_train) / (3 * np.bincount(ds.y_train)))
    # QA: "Balanced" was taken letter by letter ("class_weight needs 3 values, got 8");
    # --class-weight takes it in any case
    assert data.class_weights(ds, "Balanced") == balanced
    assert data.class_weights(ds, (1, 2.5, 1)) == (1, 2.5, 1)
    with pytest.raises(ValueError, match=r"^class_weight must be 'balanced' or one weight "
                                         r"per class, in the order of \(1, 2, 3\), got "
                                         r"'weighted'$"):
        data.class_weights(ds, "weighted")
    # QA: a dict said "needs 3 values, got 1"; refused as TrainConfig refuses it (its keys
    # could be coin's labels 1..3 or the indices 0..2)
    with pytest.raises(ValueError, match=r"^class_weight must be one weight per class, in "
                                         r"the order of \(1, 2, 3\), got a mapping \{1: 2\}$"):
        data.class_weights(ds, {1: 2})
    with pytest.raises(ValueError, match=r"got 5$"):
        data.class_weights(ds, 5)
    # QA: the labels instead of the Dataset were "AttributeError: ... 'classes'"
    with pytest.raises(TypeError, match=r"^dataset must be a data\.Dataset \(what data\.load "
                                        r"returns\), got ndarray$"):
        data.class_weights(ds.y_train, "balanced")


def test_csv_features_of_every_kind_of_column_keep_their_order_and_values(tmp_path):
    # the features are taken by position, a run of numeric columns at a time (del of the
    # target split a 100,000-column table into a block per column: 108 s to load); columns
    # of ints, floats, booleans and numbers pandas left text ("nan"), around a target and an
    # ignored column in the middle, come out as before
    from data._csv_load import load_csv

    path = tmp_path / "mixed.csv"
    path.write_text("a,id,b,c,y,d,e,f\n"
                    "1,u1,0.5,True,0,1.5,7,2\n"
                    "2,u2,-1.25,False,1,nan,8,3\n"
                    "3,u3,2.0,True,0,4,9,4\n")
    src = load_csv(str(path), target="y", ignore="id")
    assert src.feature_names == ("a", "b", "c", "d", "e", "f")
    assert np.array_equal(src.X, [[1, 0.5, 1, 1.5, 7, 2], [2, -1.25, 0, np.nan, 8, 3],
                                  [3, 2.0, 1, 4, 9, 4]], equal_nan=True)
    assert src.X.dtype == np.float64 and src.X.flags.writeable
    assert src.y.tolist() == [0, 1, 0]
    # the last column the target by default: every other column a feature, in order
    src = load_csv(str(path), ignore="id,c,d")
    assert src.feature_names == ("a", "b", "y", "e")
    assert src.X.tolist() == [[1, 0.5, 0, 7], [2, -1.25, 1, 8], [3, 2.0, 0, 9]]
    # a wide table: one block of ints, read by slices
    wide = pd.DataFrame(np.arange(3 * 3000).reshape(3, 3000), columns=[f"c{i}" for i in
                                                                      range(3000)])
    wide.to_csv(tmp_path / "wide.csv", index=False)
    src = load_csv(str(tmp_path / "wide.csv"), ignore="c5")
    assert np.array_equal(src.X, np.delete(wide.to_numpy()[:, :-1], 5, axis=1))


def test_a_cell_past_the_csv_modules_limit_is_named_by_its_row(tmp_path, capsys):
    # QA: a 200,000-character cell in a feature column said "bigfield.csv has no data row
    # 40": the line is looked up with the csv module, which stops at 128 KB fields
    rows = "".join(f"{i},{i % 2}\n" for i in range(40))
    path = tmp_path / "big.csv"
    path.write_text(f"a,y\n{rows}{'x' * 200_000},1\n")
    assert_data_refused(f"csv:{path}", f"{path}: feature column 'a' is not numeric (first "
                        f"non-number '{'x' * 40}...' at row 40)", capsys)
    # a label missing among numbers after such a cell: named the same way
    path.write_text(f"a,b,y\n{rows.replace(',', ',0,')}1,\"{'x' * 200_000}\",1\n2,0,NA\n")
    assert_data_refused(f"csv:{path}", f"{path}: target column 'y' holds 'NA' among numbers "
                        "(row 41): a missing label? Only an empty cell is read as missing, "
                        "and every example needs its label: drop the row", capsys)


def test_a_constant_target_or_constant_features_load_with_a_warning(tmp_path):
    # QA: a regression target of one value, or features all constant, loaded and trained
    # without a word: a net learns one value from them
    rng = np.random.default_rng(0)
    path = tmp_path / "c.csv"
    pd.DataFrame({"a": rng.normal(size=60).round(3), "y": 2.5}).to_csv(path, index=False)
    with pytest.warns(data.DataWarning) as caught:
        data.load(f"csv:{path}?task=regression")
    assert [str(w.message) for w in caught] == [
        f"csv:{path}?task=regression: the target 'y' is 2.5 in every training row: a net "
        "learns only that value; is it the column to predict?"]
    pd.DataFrame({"a": 1.0, "b": 2.0, "y": np.arange(60) % 2}).to_csv(path, index=False)
    with pytest.warns(data.DataWarning) as caught:
        data.load(f"csv:{path}")
    assert [str(w.message) for w in caught] == [
        f"csv:{path}: all 2 features are constant in the training rows: a net sees one input "
        "for every example, and predicts one value for all"]
    # one feature that varies: no warning
    pd.DataFrame({"a": 1.0, "b": np.arange(60.0), "y": np.arange(60) % 2}).to_csv(path,
                                                                                 index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", data.DataWarning)
        data.load(f"csv:{path}")


def test_names_in_another_unicode_form_name_the_same_file_and_columns(tmp_path, capsys):
    # QA: macOS writes é as e + U+0301 (NFD); typed é (NFC) was "file not found" beside a
    # file of that name, and "no column 'température'; columns: température, ..."
    import unicodedata

    def nfd(text):
        return unicodedata.normalize("NFD", text)

    rows = "".join(f"{i / 10},{(i * 7 % 10) / 10},{'ab'[i % 2]}\n" for i in range(40))
    (tmp_path / nfd("données.csv")).write_text(nfd("température,größe,Étiquette\n") + rows)
    typed = tmp_path / "données.csv"
    assert_data_refused(f"csv:{typed}", f"file not found: {typed} (the folder holds "
                        f"{nfd('données.csv')}, the same name in another Unicode form, as "
                        "macOS writes accents: type it by tab completion, or rename the file)",
                        capsys)
    path = tmp_path / nfd("données.csv")
    ds = data.load(f"csv:{path}?target=Étiquette&ignore=größe")
    assert ds.feature_names == (nfd("température"),) and list(ds.classes) == ["a", "b"]
    ds = data.load(f"csv:{path}?target=température&ignore=Étiquette&task=regression")
    assert ds.feature_names == (nfd("größe"),) and ds.task == "regression"
    # a test file saved on another system, its header composed: the same columns
    other = "".join(f"{i / 10},0.05,{'ab'[i % 2]}\n" for i in range(10))
    (tmp_path / "test.csv").write_text("température,größe,Étiquette\n" + other)
    pair = data.load(f"csv:{path},{tmp_path / 'test.csv'}")
    assert pair.feature_names == tuple(map(nfd, ("température", "größe")))


def test_excels_leftovers_are_named_as_such(tmp_path, capsys):
    # QA: "sep=," first (Excel's separator hint) was "column 2 has no name: a trailing
    # comma on the header line?"; a DOS Ctrl-Z after the last line "line 6 has 1 fields,
    # the header has 3" on a line that looks empty; a quoted decimal comma, "not numeric"
    # without the decimal=',' hint a ;-separated file gets
    rows = "".join(f"{i / 10},{i % 3},{i % 2}\r\n" for i in range(4))
    (tmp_path / "hint.csv").write_text("sep=,\r\na,b,y\r\n" + rows, newline="")
    assert_data_refused(f"csv:{tmp_path / 'hint.csv'}", f"{tmp_path / 'hint.csv'}: line 1 "
                        "('sep=,') is Excel's separator hint, not the header: delete that "
                        "line", capsys)
    (tmp_path / "dos.csv").write_text("a,b,y\r\n" + rows + "\x1a", newline="")
    assert_data_refused(f"csv:{tmp_path / 'dos.csv'}", f"{tmp_path / 'dos.csv'} ends with the "
                        "byte 0x1A (line 6), the end-of-file mark of old DOS programs "
                        "(Ctrl-Z): delete that last byte (an editor shows it as ^Z or SUB)",
                        capsys)
    (tmp_path / "dec.csv").write_text('a,b,y\n"0,5",1,0\n"1,25",2,1\n' + rows)
    assert_data_refused(f"csv:{tmp_path / 'dec.csv'}", f"{tmp_path / 'dec.csv'}: feature "
                        "column 'a' is not numeric (first non-number '0,5' at line 2); a "
                        "decimal comma? hplab reads numbers written 0.5: convert the file, "
                        "e.g. pd.read_csv(PATH, decimal=',').to_csv(NEW, index=False) where "
                        "every number is written 0,5", capsys)


def test_thousands_separators_get_the_thousands_advice(tmp_path, capsys):
    # QA: "1,234.5" got no hint and "1,000" only decimal=',', which reads it as 1.0: a
    # thousand times too small, silently; the column tells which where it can
    def refused(name: str, cells: list[str], first: str, hint: str) -> None:
        rows = "".join(f'"{c}",{i % 3},{i % 2}\n' for i, c in enumerate(cells))
        (tmp_path / name).write_text("a,b,y\n" + rows)
        assert_data_refused(f"csv:{tmp_path / name}", f"{tmp_path / name}: feature column "
                            f"'a' is not numeric (first non-number '{first}' at line 2); "
                            + hint, capsys)

    thousands = "pd.read_csv(PATH, thousands=',').to_csv(NEW, index=False) where 1,000 is " \
        "a thousand"
    decimal = "pd.read_csv(PATH, decimal=',').to_csv(NEW, index=False) where every number " \
        "is written 0,5"
    refused("grouped.csv", ["1,000", "12,500.5", "3,000", "4,000"], "1,000",
            "thousands separators? hplab reads numbers written 1234.5: convert the file, "
            f"e.g. {thousands}")
    refused("million.csv", ["1,000,000", "2", "3", "4"], "1,000,000",
            "thousands separators? hplab reads numbers written 1234.5: convert the file, "
            f"e.g. {thousands}")
    refused("ambiguous.csv", ["1,000", "2,500", "3,000", "4,000"], "1,000",
            "a thousands separator or a decimal comma? hplab reads numbers written 1234.5: "
            f"convert the file, e.g. {thousands}, or {decimal}")
    refused("decimal.csv", ["1,000", "0,5", "3,25", "4,000"], "1,000",
            f"a decimal comma? hplab reads numbers written 0.5: convert the file, e.g. {decimal}")
    # the advice read back: the grouped file's numbers, as written
    assert pd.read_csv(tmp_path / "grouped.csv", thousands=",").a.tolist() == \
        [1000.0, 12500.5, 3000.0, 4000.0]


def test_integers_past_floats_range_are_refused_by_their_line(tmp_path, capsys):
    # QA: a 400-digit integer, which pandas keeps as a Python int, ended in "int too large
    # to convert to float" naming no file, line or column (as a feature and as a label);
    # one of 5,000 digits was quoted whole in the one-line error
    def table(name: str, cell: str, labels=lambda i: i % 2) -> str:
        rows = [f"{i},2,{labels(i)}" for i in range(10)]
        rows[5] = f"1,{cell},1"
        (tmp_path / name).write_text("a,b,y\n" + "\n".join(rows) + "\n")
        return f"csv:{tmp_path / name}"

    for name, cell in [("big.csv", "9" * 400), ("small.csv", "-" + "9" * 400),
                       ("long.csv", "9" * 5000)]:
        shown = (cell[:40] + "...").replace("'", "")
        assert_data_refused(table(name, cell), f"{table(name, cell)}: 1 missing, NaN or "
                            f"infinite value(s) in the train features (first at line 7, "
                            f"column 'b': '{shown}')", capsys)
    # as a class label: a class of one row, named (cut) rather than lost
    rows = "".join(f"{i},2,{i % 2}\n" for i in range(10)) + "1,2," + "9" * 400 + "\n"
    (tmp_path / "label.csv").write_text("a,b,y\n" + rows)
    name = f"csv:{tmp_path / 'label.csv'}"
    assert_data_refused(name, f"{name}: cannot hold out 0.2 of 11 examples as test: class "
                        f"{'9' * 40}... has a single example (a stratified split needs two "
                        "of each); add rows, drop the classes with too few, or add ?holdout=no "
                        "to validate and test on the training rows knowingly, as the course's "
                        "XOR does", capsys)


def test_a_target_of_integers_past_2_64_is_numbers(tmp_path, capsys):
    # QA: 80 distinct integers past 2**64 (pandas keeps them as Python ints) were taken for
    # 80 classes, against the 50 of the README's rule, and ?task=regression refused them as
    # "regression targets must be numeric": such a table could not be loaded at all
    rows = "".join(f"{i},{i % 7},{10**20 + i * 10**15}\n" for i in range(80))
    (tmp_path / "big.csv").write_text("a,b,y\n" + rows)
    for name in (f"csv:{tmp_path / 'big.csv'}", f"csv:{tmp_path / 'big.csv'}?task=regression"):
        try:
            ds = data.load(name)
        except data.DataError:
            if int(pd.__version__.split(".")[0]) < 3:
                pytest.xfail("pandas 2 (which pyproject admits) reads integers past 2**64 as "
                             "text, not Python ints: they stay class labels there (an open "
                             "QA finding)")
            raise
        assert ds.task == "regression" and ds.sizes() == {"train": 57, "val": 7, "test": 16}
        assert ds.y_shift == 1e20 and ds.y_scale == pytest.approx(7.9e16)
    # few of them stay classes, told apart exactly (as floats 1e20 and 1e20 + 1 are one)
    rows = "".join(f"{i},{i % 7},{10**20 + i % 2}\n" for i in range(60))
    (tmp_path / "few.csv").write_text("a,b,y\n" + rows)
    ds = data.load(f"csv:{tmp_path / 'few.csv'}")
    assert ds.task == "binary" and list(ds.classes) == [10**20, 10**20 + 1]
    # one past float's range: refused by its line, as 1e309 is
    rows = "".join(f"{i},2,{i}.5\n" for i in range(10)) + "1,2," + "9" * 400 + "\n"
    (tmp_path / "inf.csv").write_text("a,b,y\n" + rows)
    name = f"csv:{tmp_path / 'inf.csv'}?task=regression"
    assert_data_refused(name, f"{name}: missing, NaN or infinite train label(s) (first at "
                        "line 12)", capsys)


def test_a_file_too_small_to_split_is_pointed_to_holdout_no(tmp_path, capsys):
    # QA: the course's XOR saved to a file, the README's case for ?holdout=no, was told only
    # "add rows, or drop the classes with too few"
    (tmp_path / "xor.csv").write_text("x1,x2,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n")
    name = f"csv:{tmp_path / 'xor.csv'}"
    assert_data_refused(name, f"{name}: cannot hold out 0.2 of 4 examples as test: the 1 held "
                        "out cannot hold an example of each of the 2 classes (a stratified "
                        "split keeps every class on both sides); add rows, drop the classes "
                        "with too few, or add ?holdout=no to validate and test on the training "
                        "rows knowingly, as the course's XOR does", capsys)
    ds = data.load(name + "?holdout=no")
    assert ds.sizes() == {"train": 4, "val": 4, "test": 4}
    # a file of 100 rows whose one class has a single row: no advice to test on training rows
    rows = "".join(f"{i},{i % 7},{i % 2 if i else 2}\n" for i in range(100))
    (tmp_path / "big.csv").write_text("a,b,y\n" + rows)
    name = f"csv:{tmp_path / 'big.csv'}"
    assert_data_refused(name, f"{name}: cannot hold out 0.2 of 100 examples as test: class 2 "
                        "has a single example (a stratified split needs two of each); add "
                        "rows, or drop the classes with too few", capsys)
