"""Saving and loading nets as .npz: exact round trip, and foreign files refused."""

import errno
import json
import os
import re
from pathlib import Path

import numpy as np
import pytest
from cli_helpers import run_cli
from conftest import model_header, tamper

import nets


@pytest.fixture
def trained(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.uniform(size=(60, 3))
    y = (X.sum(axis=1) > 1.5).astype(int) + (X[:, 0] > 0.7)
    cfg = nets.TrainConfig(hidden=(6, 5), activation=("sigmoid", "leaky_relu"), lr=0.5,
                           batch_size=10, max_epochs=5)
    net = nets.build_net(cfg, 3, y, rng=np.random.default_rng(1))
    nets.train(net, cfg, X, y, rng=np.random.default_rng(2))
    path = nets.save_net(tmp_path / "sub" / "model.npz", net, config=cfg.to_dict(),
                         meta={"dataset": "toy"},
                         arrays={"x_shift": np.zeros(3), "x_scale": np.ones(3)})
    return net, cfg, X, path


def test_round_trip_predicts_identically(trained):
    net, cfg, X, path = trained
    assert path.is_file() and not list(path.parent.glob("*.tmp*"))
    loaded, header, extra = nets.load_net(path)
    assert loaded.sizes == (3, 6, 5, 3)
    assert loaded.activations == ("sigmoid", "leaky_relu")
    assert loaded.head == "multiclass" and loaded.dtype == np.float32
    for a, b in zip(loaded.params, net.params, strict=True):
        np.testing.assert_array_equal(a, b)
        assert a.dtype == b.dtype
    np.testing.assert_array_equal(loaded.predict_proba(X), net.predict_proba(X))
    # the TrainConfig itself saves as its dict (it was "not JSON serializable: TrainConfig")
    again = nets.save_net(path.parent / "cfg.npz", net, config=cfg)
    assert nets.load_net(again)[1]["config"] == header["config"]
    np.testing.assert_array_equal(loaded.predict(X), net.predict(X))
    assert header["config"] == json.loads(json.dumps(cfg.to_dict()))
    assert nets.TrainConfig(**{**header["config"], "hidden": tuple(header["config"]["hidden"]),
                               "activation": tuple(header["config"]["activation"])}) == cfg
    assert header["meta"] == {"dataset": "toy"}
    np.testing.assert_array_equal(extra["x_shift"], np.zeros(3))


@pytest.mark.parametrize("how", ["copy", "deepcopy", "pickle"])
def test_a_copied_net_trains_like_the_original(trained, how):
    import copy
    import pickle

    net, cfg, X, _ = trained
    y = (X.sum(axis=1) > 1.5).astype(int) + (X[:, 0] > 0.7)
    twin = {"copy": net.copy, "deepcopy": lambda: copy.deepcopy(net),
            "pickle": lambda: pickle.loads(pickle.dumps(net))}[how]()
    # every parameter a view of the flat vector the optimizer steps
    assert all(np.shares_memory(twin.flat, p) for p in twin.params)
    results = [nets.train(n, cfg, X, y, rng=np.random.default_rng(3)) for n in (net, twin)]
    assert results[1].history.train_loss.iloc[-1] < results[1].history.train_loss.iloc[0]
    histories = [r.history for r in results]
    assert histories[0].equals(histories[1])
    for a, b in zip(net.params, twin.params, strict=True):
        np.testing.assert_array_equal(a, b)


def test_float64_regression_round_trip(tmp_path):
    net = nets.MLP.initialized((2, 4, 2), ["tanh"], "regression",
                               rng=np.random.default_rng(0), dtype=np.float64)
    X = np.random.default_rng(1).standard_normal((5, 2))
    loaded, _, _ = nets.load_net(nets.save_net(tmp_path / "r.npz", net))
    assert loaded.dtype == np.float64
    np.testing.assert_array_equal(loaded.predict(X), net.predict(X))


def test_tampered_files_are_refused(trained, tmp_path):
    _, _, _, path = trained
    bad = tmp_path / "bad.npz"
    wrong_format = {**model_header(path), "format": "someone-else/9"}
    no_spec = {k: v for k, v in model_header(path).items() if k != "spec"}
    no_activations = model_header(path)
    del no_activations["spec"]["activations"]
    float64 = model_header(path)  # float32 weights under a float64 header: cast silently
    float64["spec"]["dtype"] = "float64"
    cases = [
        ({"param_2": None}, r"parameter 2 should be float \(6, 5\), got missing"),
        ({"param_0": np.zeros((4, 6), np.float32)}, r"parameter 0 should be float \(3, 6\)"),
        ({"param_1": np.zeros(6, np.int64)}, r"parameter 1 should be float"),
        ({"param_6": np.zeros(3, np.float32)}, "more parameters than its architecture"),
        ({"param_3": np.array([1, "x"], dtype=object)}, "not an hplab model"),
        ({"header": np.array({"spec": 1}, dtype=object)}, "not an hplab model"),
        ({"header": None}, "bad header"),
        ({"header": np.array("{not json")}, "bad header"),
        ({"header": np.array(json.dumps(wrong_format))}, "bad header.*someone-else"),
        ({"header": np.array(json.dumps(no_spec))}, "bad header"),
        ({"header": np.array(json.dumps(no_activations))}, "bad header: no 'activations'"),
        ({"header": np.array(json.dumps(float64))}, "parameters are not float64 as the header"),
    ]
    for changes, match in cases:
        tamper(path, bad, **changes)
        with pytest.raises(ValueError, match=match):
            nets.load_net(bad)


def test_saves_of_one_path_at_once_never_collide(trained, tmp_path):
    import os
    from concurrent.futures import ThreadPoolExecutor

    net, cfg, X, _ = trained
    path = tmp_path / "shared" / "model.npz"
    # every save writes a temporary file of its own (one shared name made saves fail)
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: nets.save_net(path, net, config=cfg.to_dict()), range(40)))
    assert [p.name for p in path.parent.iterdir()] == ["model.npz"]
    for name in ("mymodel", "mymodel.bin"):  # np.savez would add ".npz" to these names
        saved = nets.save_net(path.parent / name, net)
        np.testing.assert_array_equal(nets.load_net(saved)[0].predict_proba(X),
                                      net.predict_proba(X))
    assert sorted(p.name for p in path.parent.iterdir()) == ["model.npz", "mymodel",
                                                             "mymodel.bin"]
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
    np.testing.assert_array_equal(nets.load_net(path)[0].predict_proba(X), net.predict_proba(X))


def test_a_save_through_a_symlink_keeps_the_link(trained, tmp_path):
    import os

    net, _, X, _ = trained
    (tmp_path / "models").mkdir()
    (tmp_path / "latest.npz").symlink_to("models/v1.npz")  # dangling until the first save
    for _ in range(2):
        assert nets.save_net(tmp_path / "latest.npz", net) == tmp_path / "latest.npz"
    assert os.readlink(tmp_path / "latest.npz") == "models/v1.npz"
    assert [p.name for p in (tmp_path / "models").iterdir()] == ["v1.npz"]
    np.testing.assert_array_equal(nets.load_net(tmp_path / "latest.npz")[0].predict_proba(X),
                                  net.predict_proba(X))


def test_a_file_written_over_keeps_its_mode(trained, tmp_path, capsys):
    # security review: a results file the user had made private (chmod 600) came back
    # 0644 (the umask's) after `hplab predict --out` or `study export --csv` wrote over
    # it, readable by every user, where a plain open (or the shell's >) keeps its mode
    _, _, X, path = trained
    np.save(tmp_path / "x.npy", X[:5])
    out = tmp_path / "pred.csv"
    umask = os.umask(0)
    os.umask(umask)
    predict = ["predict", path, "--input", tmp_path / "x.npy", "--out"]
    assert run_cli([*predict, out], capsys)[0] == 0  # made; then written over
    for mode in (0o600, 0o640, 0o444):
        out.chmod(mode)
        code, _, err = run_cli([*predict, out], capsys)
        assert code == 0, err
        assert out.stat().st_mode & 0o777 == mode & ~umask
        rows = out.read_text().splitlines()
        assert len(rows) == 6 and rows[0].startswith("prediction,p_")
    # through a link, the target's mode; a new file's is still the umask's
    (tmp_path / "link.csv").symlink_to(out)
    out.chmod(0o600)
    assert run_cli([*predict, tmp_path / "link.csv"], capsys)[0] == 0
    assert out.stat().st_mode & 0o777 == 0o600 and (tmp_path / "link.csv").is_symlink()
    assert run_cli([*predict, tmp_path / "new.csv"], capsys)[0] == 0
    assert (tmp_path / "new.csv").stat().st_mode & 0o777 == 0o666 & ~umask
    # nor wider than the umask: a world-writable file (another user's, in a shared
    # folder) gives the file written in its place no more
    out.chmod(0o777)
    assert run_cli([*predict, out], capsys)[0] == 0
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask


def test_a_long_name_is_written_and_errors_name_the_path_given(tmp_path):
    # QA: `study export --csv` of a 249-byte name failed ("File name too long: '.cccc….csv.
    # 5lig06mw.tmp.csv'": the temporary name is 18 bytes longer), and errors named that
    # hidden file ("Read-only file system: 'rodir/.x.csv.xzltb08x.tmp.csv'"), not the user's
    names = ["c" * 251 + ".csv", "é" * 125 + ".csv"]  # 255 and 254 bytes: names that fit
    for name in names:
        path = nets.write_atomically(tmp_path / name, lambda tmp: tmp.write_text("x"))
        assert path == tmp_path / name and path.read_text() == "x"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)  # no staged file left
    (tmp_path / "taken").mkdir()
    with pytest.raises(IsADirectoryError) as caught:
        nets.write_atomically(tmp_path / "taken", lambda tmp: tmp.write_text("x"))
    assert str(caught.value) == f"[Errno 21] Is a directory: '{tmp_path / 'taken'}'"
    with pytest.raises(OSError) as caught:  # no new file in /proc, whoever asks
        nets.write_atomically("/proc/self/x.csv", lambda tmp: tmp.write_text("x"))
    assert caught.value.filename == "/proc/self/x.csv" and caught.value.filename2 is None


def test_a_failed_write_names_the_path_given(tmp_path):
    # QA: a full disk said only "[Errno 28] No space left on device": a failed write()
    # names no file, and the error was passed on as it was
    def full_disk(tmp):
        Path(tmp).write_text("x")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with pytest.raises(OSError) as caught:
        nets.write_atomically(tmp_path / "p.csv", full_disk)
    assert str(caught.value) == f"[Errno 28] No space left on device: '{tmp_path / 'p.csv'}'"
    assert list(tmp_path.iterdir()) == []  # the staged file is gone
    with pytest.raises(OSError) as caught:  # a device is written directly: the same
        nets.write_atomically("/dev/full", lambda p: Path(p).write_text("x"))
    assert str(caught.value) == "[Errno 28] No space left on device: '/dev/full'"


def test_foreign_files_are_refused(tmp_path):
    course = tmp_path / "course.npz"  # a course data file: keys data, label
    np.savez(course, data=np.zeros((4, 2)), label=np.zeros((4, 1)))
    with pytest.raises(ValueError, match="not an hplab model"):
        nets.load_net(course)
    text = tmp_path / "model.npz"
    text.write_text("hello")
    with pytest.raises(ValueError, match="not a readable .npz file|not an hplab model"):
        nets.load_net(text)
    with pytest.raises(FileNotFoundError):
        nets.load_net(tmp_path / "missing.npz")


def test_unknown_activation_in_header_is_refused(trained, tmp_path):
    _, _, _, path = trained
    header = model_header(path)
    header["spec"]["activations"] = ["sigmoid", "os.system"]
    bad = tamper(path, tmp_path / "bad.npz", header=np.array(json.dumps(header)))
    # refused by name, as any this hplab has not registered (nothing is looked up by it)
    with pytest.raises(ValueError, match="activation 'os.system', which this hplab does not"):
        nets.load_net(bad)


@pytest.mark.parametrize("dtype", ["int64", "bool", "<U5", "object"])
def test_non_float_dtype_in_header_is_refused(trained, tmp_path, dtype):
    # an integer net would silently truncate every weight on load
    _, _, _, path = trained
    header = model_header(path)
    header["spec"]["dtype"] = dtype
    bad = tamper(path, tmp_path / "bad.npz", header=np.array(json.dumps(header)))
    with pytest.raises(ValueError, match=f"bad header: dtype '{dtype}'"):
        nets.load_net(bad)


class _SteepLeaky(nets.ACTIVATIONS["leaky_relu"].__class__):
    slope = 0.3  # still named "leaky_relu": its file used to load with slope 0.01


class _Steep(_SteepLeaky):
    name = "steep"  # its file used to fail to load as "not an hplab model"


def _slope_03():
    act = nets.ACTIVATIONS["leaky_relu"].__class__()
    act.slope = 0.3
    return act


@pytest.mark.parametrize("make", [_SteepLeaky, _Steep, _slope_03])
def test_unregistered_activation_is_refused_on_save(make, tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    act = make()
    cfg = nets.TrainConfig(hidden=(4,), activation=act, optimizer="adam", lr=0.05,
                           max_epochs=5)
    net = nets.build_net(cfg, 2, y, rng=np.random.default_rng(1))
    nets.train(net, cfg, X, y, rng=np.random.default_rng(2))  # in memory: allowed
    out = tmp_path / "sub" / "model.npz"
    with pytest.raises(ValueError) as err:
        nets.save_net(out, net, config=cfg)
    assert str(err.value) == (
        f"cannot save activation {act!r} (name {act.name!r}): a saved net is rebuilt by "
        f"name, so only the registered activations can be saved ({', '.join(nets.ACTIVATIONS)}"
        "); register it in nets.ACTIVATIONS under a name of its own")
    assert not (tmp_path / "sub").exists()
    if make is _Steep:  # registered under its own name: saved, and loads as it was
        monkeypatch.setitem(nets.ACTIVATIONS, "steep", act)
        loaded, _, _ = nets.load_net(nets.save_net(out, net, config=cfg))
        assert loaded.activations == ("steep",)
        np.testing.assert_array_equal(loaded.predict_proba(X), net.predict_proba(X))
        assert np.ptp(net.logits(X)) > 0.1


def test_a_model_whose_activation_is_not_registered_here_says_so(saved_model, tmp_path,
                                                                  capsys, monkeypatch):
    # saved where a contributor's activation was registered, loaded where it is not: it
    # said "not an hplab model (bad header: unknown activation 'steep'; ...)"
    from cli_helpers import run_cli

    monkeypatch.setitem(nets.ACTIVATIONS, "steep", _Steep())
    path, X_raw, _ = saved_model("binary", "steep")
    monkeypatch.delitem(nets.ACTIVATIONS, "steep")
    message = (f"{path}: an hplab model with activation 'steep', which this hplab does not "
               f"have (valid: {', '.join(nets.ACTIVATIONS)}); register it in nets.ACTIVATIONS "
               "before loading, or use the hplab that saved it")
    with pytest.raises(ValueError) as err:
        nets.load_net(path)
    assert str(err.value) == message
    np.save(tmp_path / "x.npy", X_raw)
    code, out, err = run_cli(["predict", path, "--input", tmp_path / "x.npy"], capsys)
    assert (code, out, err) == (2, "", f"hplab predict: error: {message}\n")


def test_what_load_net_would_refuse_is_never_saved(trained, tmp_path):
    # load_net checks sizes before reading (a forged file cannot ask for gigabytes): a
    # save it would refuse is refused here, and nothing is written
    net, _, X, _ = trained  # sizes 3, 6, 5, 3: 77 parameters
    out = tmp_path / "sub" / "big.npz"
    with pytest.raises(ValueError, match=r"^the header is \d+ bytes, over the 67108864 a "
                                         "model's may have$"):
        nets.save_net(out, net, meta={"notes": "x" * (2 ** 24)})
    assert not out.exists()
    # extra arrays of any size: stored uncompressed, a file holds every byte it declares
    X_train = np.arange(2 * 10 ** 6, dtype=np.float64).reshape(-1, 4)
    _, _, extra = nets.load_net(nets.save_net(out, net, arrays={"X_train": X_train}))
    np.testing.assert_array_equal(extra["X_train"], X_train)


def test_a_model_saved_with_an_extra_array_larger_than_the_net_loads(trained, tmp_path):
    # as the earlier save_net wrote it ("extra arrays by name", of any size): refused with
    # "extra array 'X_train' has 180 values, more than the net's 77 parameters"
    net, _, X, path = trained
    with np.load(path, allow_pickle=False) as z:
        members = {k: z[k] for k in z.files}
    old = tmp_path / "old.npz"
    np.savez(old, **members, extra_X_train=X)
    loaded, header, extra = nets.load_net(old)
    assert sorted(extra) == ["X_train", "x_scale", "x_shift"] and X.size == 180
    np.testing.assert_array_equal(extra["X_train"], X)
    np.testing.assert_array_equal(loaded.predict_proba(X), net.predict_proba(X))


@pytest.mark.parametrize("values,dtype", [
    (np.array(["cat", "dog"], dtype=object), "object"),  # pandas' Series.unique() of text
    (np.array([b"a", b"b"]), "|S1"),
    (np.array([1 + 2j]), "complex128"),
    (np.array(["2026-12-02"], dtype="datetime64[D]"), "datetime64[D]"),
])
def test_save_net_refuses_an_array_load_net_would_refuse(tmp_path, values, dtype):
    # QA: these were saved, then refused at load as "not an hplab model"
    net = nets.MLP.initialized((2, 3, 1), ["tanh"], "binary", rng=np.random.default_rng(0))
    path = tmp_path / "new" / "model.npz"
    with pytest.raises(ValueError, match=f"array 'labels' is {re.escape(dtype)}: a model "
                                         "file holds bool, numeric or text arrays only"):
        nets.save_net(path, net, arrays={"labels": values})
    assert not path.parent.exists()
    saved = nets.save_net(path, net, arrays={"labels": values.astype(str)})
    _, _, arrays = nets.load_net(saved)
    np.testing.assert_array_equal(arrays["labels"], values.astype(str))


@pytest.mark.parametrize("meta, arrays, why", [
    ({"classes": [1, 2]}, {}, r"classes should be 3 labels \(numbers or text\) for a "
                              r"multiclass head, got \[1, 2\]"),
    ({"classes": ["a", "a", "b"]}, {}, r"classes are not distinct: \['a', 'a', 'b'\]"),
    ({"task": "regression"}, {}, "meta says task 'regression' but the net has a multiclass"),
    ({"dataset": "toy"}, {}, r"the input scaling \(x_shift, x_scale\) is missing"),
    ({}, {"x_shift": np.zeros(2)}, "x_scale should be 2 numbers, got missing"),
    ({}, {"x_shift": np.zeros(2), "x_scale": np.zeros(2)}, "x_scale contains zeros"),
])
def test_save_net_refuses_meta_load_model_would_refuse(tmp_path, meta, arrays, why):
    # QA: saved with classes [1, 2] for a 3-class net, then load_model refused the file
    net = nets.MLP.initialized((2, 4, 3), ["tanh"], "multiclass", rng=np.random.default_rng(0))
    path = tmp_path / "new" / "a3.npz"
    with pytest.raises(ValueError, match=f"^cannot save {re.escape(str(path))}: {why}"):
        nets.save_net(path, net, meta=meta, arrays=arrays)
    assert not path.parent.exists()
    with pytest.raises(TypeError, match="^meta must be a dict, got list$"):
        nets.save_net(path, net, meta=[("classes", [0, 1, 2])])
    # what it accepts loads, classes given as a NumPy array (saved as their list) too
    saved = nets.save_net(path, net, meta={"classes": np.array([1, 2, 3]), "dataset": "toy"},
                          arrays={"x_shift": np.zeros(2), "x_scale": np.ones(2)})
    assert nets.load_model(saved).classes == (1, 2, 3)


def test_one_helper_makes_numbers_json_ready():
    # QA: six copies of "NaN -> None for JSON" (capacity, imbalance, lr-range, scaling, a
    # trial's record, the CLI's --json), and a new analysis copied a seventh: one in nets
    import math

    nested = {"a": np.float32(0.5), "b": [np.nan, np.inf, 1], "c": (np.int64(3), math.nan),
              "d": np.array([1.0, np.nan]), "e": "nan", "f": None, "g": np.bool_(True)}
    plain = nets.finite_or_none(nested)
    assert plain == {"a": 0.5, "b": [None, None, 1], "c": (3, None), "d": [1.0, None],
                     "e": "nan", "f": None, "g": True}
    assert [type(plain[k]) for k in "adg"] == [float, list, bool]
    assert json.dumps(plain, allow_nan=False) == json.dumps(
        {"a": 0.5, "b": [None, None, 1], "c": [3, None], "d": [1.0, None], "e": "nan",
         "f": None, "g": True})
    # a count stays a float, as the rest of its column (JSON 120.0, not 120)
    assert json.dumps([nets.finite_float(v) for v in (np.int64(120), np.float32(0.25), None,
                                                      math.nan, -math.inf)]) == (
        "[120.0, 0.25, null, null, null]")


def test_settings_keep_their_infinities_in_standard_json():
    # a setting's inf as null was lost (a re-run could not tell it from unset), and as
    # Infinity was not standard JSON: its text instead, read back by the inverse
    import math

    nested = {"a": np.float64(np.inf), "b": [-math.inf, 1, np.float32(0.5)],
              "c": (math.nan,), "d": None, "e": "relu"}
    text = json.dumps(nets.settings_to_json(nested), allow_nan=False)
    assert json.loads(text) == {"a": "inf", "b": ["-inf", 1, 0.5], "c": ["nan"], "d": None,
                                "e": "relu"}
    back = nets.settings_from_json(json.loads(text))
    assert (back["a"], back["b"], back["d"], back["e"]) == (math.inf, [-math.inf, 1, 0.5],
                                                            None, "relu")
    assert math.isnan(back["c"][0])


def test_a_config_dict_is_standard_json_through_settings_to_json():
    # QA: to_dict() said "JSON values" but kept divergence_factor=inf, which json.dumps
    # writes as Infinity (refused with allow_nan=False); it stays a number in memory, as
    # every result records it, and settings_to_json makes it standard JSON
    import math

    cfg = nets.TrainConfig(hidden=(4, 2), activation=("tanh", "relu"),
                           divergence_factor=math.inf, lr_milestones=(10,))
    d = cfg.to_dict()
    assert d["divergence_factor"] == math.inf and nets.TrainConfig(**d) == cfg
    with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
        json.dumps(d, allow_nan=False)
    text = json.dumps(nets.settings_to_json(d), allow_nan=False)
    assert json.loads(text)["divergence_factor"] == "inf"
    assert nets.TrainConfig(**json.loads(text)) == cfg  # "inf" read back without help


def test_a_models_notes_come_back_as_written_beside_its_infinite_setting(trained, tmp_path):
    # review: load_net read "inf" back as a number through the whole config, so a note
    # "nan" in TrainConfig.extra came back a float (TrainConfig itself keeps it a word)
    import dataclasses
    import math

    net, cfg, _, _ = trained
    cfg = dataclasses.replace(cfg, divergence_factor=math.inf,
                              extra={"note": "nan", "tag": "inf"})
    path = nets.save_net(tmp_path / "notes.npz", net, config=cfg.to_dict())
    _, header, _ = nets.load_net(path)
    assert header["config"]["divergence_factor"] == math.inf
    assert header["config"]["extra"] == {"note": "nan", "tag": "inf"}
    assert nets.TrainConfig(**header["config"]).extra == {"note": "nan", "tag": "inf"}


def test_a_crafted_header_gives_a_short_error(trained, tmp_path, capsys):
    # QA: meta classes = list(range(100000)) made a 689 KB "one-line" error (every label
    # echoed); every value a model file's header holds is shown short
    _, _, _, path = trained
    bad = tmp_path / "bad.npz"
    long = "x" * 100_000
    changes = [("meta", "classes", list(range(100_000))), ("meta", "task", long),
               ("", "format", long), ("spec", "dtype", long), ("spec", "sizes", [0] * 10**5),
               ("spec", "activations", [long, long]), ("spec", "head", long)]
    for part, key, value in changes:
        header = model_header(path)
        header["meta"] = {}  # no dataset, and the input scaling whole: only `key` is wrong
        (header[part] if part else header)[key] = value
        tamper(path, bad, header=np.array(json.dumps(header)))
        with pytest.raises(ValueError) as err:
            nets.load_model(bad)
        assert str(err.value).startswith(str(bad)) and len(str(err.value)) < 600, key
    header = model_header(path)
    header["meta"] = {"classes": list(range(100_000))}
    tamper(path, bad, header=np.array(json.dumps(header)))
    (tmp_path / "in.csv").write_text("0.1,0.2,0.3\n")
    code, _, err = run_cli(["predict", bad, "--input", tmp_path / "in.csv"], capsys)
    assert code == 2 and len(err) < 600 and len(err.strip().splitlines()) == 1
    assert "got [0, 1, 2, 3, 4, ... (100000 in all)]" in err
