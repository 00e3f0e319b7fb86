"""`hplab export-onnx`: onnxruntime runs the graph on raw inputs and matches `hplab predict`
within 1e-5 for every head and activation (float64 graphs too, at every opset); graph
layout; missing onnx; bad input."""

import json
import sys
from importlib.metadata import version as importlib_version
from pathlib import Path

import numpy as np
import pytest
from cli_helpers import run_cli
from conftest import require_module

import nets

onnx = require_module("onnx")
ort = require_module("onnxruntime")

# every registered activation: one added to nets without an ONNX op fails here
ACTIVATIONS = list(nets.ACTIVATIONS)


def run_onnx(path, X, dtype=np.float32) -> dict:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    return dict(zip(names, session.run(None, {"input": X.astype(dtype)}), strict=True))


def predict_json(capsys, model, *source):
    code, out, err = run_cli(["predict", model, *source, "--json", "--limit", "-1"], capsys)
    assert code == 0, err
    return json.loads(out)


def assert_same(outputs: dict, s: dict):
    """ONNX outputs against `hplab predict --json` (1e-5: float32 graph vs float64 scaling;
    regression values compared relative to the target scale they were multiplied by)."""
    if s["task"] == "regression":
        np.testing.assert_allclose(outputs["value"][:, 0], s["predictions"], rtol=1e-5,
                                   atol=1e-5)
        return
    np.testing.assert_allclose(outputs["probabilities"], s["probabilities"], rtol=0, atol=1e-5)
    assert outputs["label"].tolist() == s["predictions"]  # original labels, not indices


@pytest.mark.parametrize("head", ["binary", "multiclass", "regression"])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_onnxruntime_matches_predict(saved_model, head, activation, tmp_path, capsys):
    path, X_raw, _ = saved_model(head, activation)
    np.save(tmp_path / "x.npy", X_raw)
    code, out, err = run_cli(["export-onnx", path, tmp_path / "m.onnx", "--json"], capsys)
    assert code == 0, err
    summary = json.loads(out)
    assert summary["outputs"] == list(nets.ONNX_OUTPUTS[head]) and summary["opset"] == 17
    outputs = run_onnx(summary["onnx_path"], X_raw)
    s = predict_json(capsys, path, "--input", tmp_path / "x.npy")
    assert_same(outputs, s)
    if head != "regression":  # the net is not constant: the comparison means something
        assert np.ptp(outputs["probabilities"][:, 0]) > 1e-3


def test_float64_model_exports_a_double_graph(saved_model, tmp_path, capsys):
    path, X_raw, _ = saved_model("multiclass", "leaky_relu", dtype="float64")
    out = nets.export_onnx(path, tmp_path / "m.onnx")
    graph = onnx.load(out).graph
    assert graph.input[0].type.tensor_type.elem_type == onnx.TensorProto.DOUBLE
    np.save(tmp_path / "x.npy", X_raw)
    s = predict_json(capsys, path, "--input", tmp_path / "x.npy")
    outputs = run_onnx(out, X_raw, np.float64)
    np.testing.assert_allclose(outputs["probabilities"], s["probabilities"], atol=1e-8)
    assert outputs["label"].tolist() == s["predictions"]


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_float64_models_of_every_activation_load_at_every_opset(saved_model, activation,
                                                                 tmp_path):
    # QA: a double graph of an op onnxruntime has only a float kernel of (Elu) exported
    # fine and could not be loaded ("Could not find an implementation"): an activation
    # added to nets must load and match in float64 too, at every opset export takes
    path, X_raw, _ = saved_model("multiclass", activation, dtype="float64")
    model = nets.load_model(path)
    X = X_raw.astype(np.float64)
    expected = model.net.predict_proba((X - model.x_shift) / model.x_scale)
    assert np.ptp(expected[:, 0]) > 1e-3  # not a constant net
    for opset in range(13, onnx.defs.onnx_opset_version() + 1):  # every one export takes
        out = nets.export_onnx(path, tmp_path / f"m{opset}.onnx", opset=opset)
        try:
            outputs = run_onnx(out, X, np.float64)
        except Exception as e:  # onnxruntime's message names the op without a kernel
            pytest.fail(f"float64 {activation} graph at opset {opset}: {e}")
        np.testing.assert_allclose(outputs["probabilities"], expected, rtol=0, atol=1e-14)


def test_float64_leaky_relu_runs_at_every_opset(saved_model, tmp_path):
    # QA: onnxruntime has no double LeakyRelu kernel at opsets 13-15 and 19+: a float64
    # leaky_relu graph exported there could not be loaded. A double graph computes it as
    # the net does, Max(z, slope * z), with the slope a double (not LeakyRelu's float alpha)
    path, X_raw, _ = saved_model("multiclass", "leaky_relu", dtype="float64")
    model = nets.load_model(path)
    X = X_raw.astype(np.float64)
    expected = model.net.predict_proba((X - model.x_shift) / model.x_scale)
    for opset in range(13, onnx.defs.onnx_opset_version() + 1):  # every one export takes
        out = nets.export_onnx(path, tmp_path / f"m{opset}.onnx", opset=opset)
        outputs = run_onnx(out, X, np.float64)
        np.testing.assert_allclose(outputs["probabilities"], expected, rtol=0, atol=1e-14)
        assert outputs["label"].tolist() == list(np.array(model.classes)[expected.argmax(1)])
        ops = [n.op_type for n in onnx.load(out).graph.node]
        assert "LeakyRelu" not in ops and ops.count("Max") == 2


@pytest.mark.parametrize("dataset", ["moons", "coin", "sine"])
def test_train_run_models_through_onnxruntime(dataset, tmp_path, capsys):
    import study

    cfg = nets.TrainConfig(hidden=(6, 4), activation=("leaky_relu", "sigmoid"), lr=0.5,
                           batch_size=32, max_epochs=2)
    run = study.train_run(dataset, cfg, seed=0, out=tmp_path / dataset)
    ds = run.dataset
    onnx_path = tmp_path / f"{dataset}.onnx"
    code, _, err = run_cli(["export-onnx", run.model_path, onnx_path], capsys)
    assert code == 0, err
    s = predict_json(capsys, run.model_path, "--dataset")
    assert s["dataset"] == dataset and s["n"] == len(ds.y_test)
    X_raw = ds.X_test.astype(np.float64) * ds.x_scale + ds.x_shift  # the test set, raw
    outputs = run_onnx(onnx_path, X_raw)
    assert_same(outputs, s)
    if ds.task != "regression":
        truth = np.array(ds.classes, dtype=object)[ds.y_test]
        assert np.mean(outputs["label"] == truth) == pytest.approx(s["accuracy"], abs=0.005)


@pytest.mark.parametrize("labels", [[False, True], [1, 10**19], [0.5, 1.5]],
                         ids=["bool", "uint64", "float"])
def test_labels_of_any_csv_type_predict_and_export(labels, tmp_path, capsys):
    # True/False and integers beyond int64 (pandas reads 10**19 as uint64) are labels too,
    # and numbers that are no integers (QA: the graph's labels were the strings "0.5")
    import pandas as pd

    import study

    x = np.random.default_rng(0).normal(size=200)
    pd.DataFrame({"x": x, "label": np.array(labels, dtype=object)[(x > 0).astype(int)]}).to_csv(
        tmp_path / "d.csv", index=False)
    cfg = nets.TrainConfig(hidden=(4,), lr=0.5, batch_size=16, max_epochs=100)
    task = "?task=classification" if isinstance(labels[0], float) else ""
    run = study.train_run(f"csv:{tmp_path / 'd.csv'}{task}", cfg, seed=0, out=tmp_path / "run")
    s = predict_json(capsys, run.model_path, "--dataset")
    assert s["classes"] == labels and set(s["predictions"]) <= set(labels)
    assert s["accuracy"] == pytest.approx(run.test_metrics["test_accuracy"])
    assert s["accuracy"] >= 0.95
    code, _, err = run_cli(["export-onnx", run.model_path, tmp_path / "d.onnx"], capsys)
    assert code == 0, err
    ds = run.dataset
    outputs = run_onnx(tmp_path / "d.onnx",
                       ds.X_test.astype(np.float64) * ds.x_scale + ds.x_shift)
    if labels[0] is False or isinstance(labels[0], float):  # a bool or a double tensor
        assert_same(outputs, s)
        assert outputs["label"].dtype == type(labels[0])
    else:  # huge integers travel as text
        assert outputs["label"].tolist() == [str(p) for p in s["predictions"]]


def test_graph_layout_and_metadata(saved_model, tmp_path):
    path, _, _ = saved_model("binary", "leaky_relu")
    model = onnx.load(nets.export_onnx(path, tmp_path / "m.onnx", opset=13))
    onnx.checker.check_model(model, full_check=True)
    ops = [n.op_type for n in model.graph.node]
    # normalization first, then Gemm + activation per hidden layer, then the head
    assert ops[:7] == ["Sub", "Div", "Gemm", "LeakyRelu", "Gemm", "LeakyRelu", "Gemm"]
    assert "Sigmoid" in ops[7:] and ops[-1] == "Gather"
    leaky = next(n for n in model.graph.node if n.op_type == "LeakyRelu")
    assert leaky.attribute[0].name == "alpha" and leaky.attribute[0].f == pytest.approx(0.01)
    assert model.opset_import[0].version == 13 and model.ir_version == 7
    # the version of hplab that wrote it (was ''), as pip has it
    assert (model.producer_name, model.producer_version) == ("hplab", importlib_version("hplab"))
    props = {p.key: p.value for p in model.metadata_props}
    assert json.loads(props["hplab.classes"]) == [-1, 1] and props["hplab.task"] == "binary"
    assert json.loads(props["hplab.feature_names"]) == ["a", "b", "c"]
    dims = [d.dim_param or d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim]
    assert dims == ["N", 3]
    path, _, _ = saved_model("regression", "identity")
    model = onnx.load(nets.export_onnx(path, tmp_path / "r.onnx"))
    assert [n.op_type for n in model.graph.node] == ["Sub", "Div", "Gemm", "Gemm", "Gemm",
                                                      "Mul", "Add"]  # y * 4 + 10 last


def test_missing_onnx_is_one_line_hint(saved_model, tmp_path, capsys, monkeypatch):
    path, _, _ = saved_model("binary")
    monkeypatch.setitem(sys.modules, "onnx", None)  # import onnx now raises ImportError
    code, out, err = run_cli(["export-onnx", path, tmp_path / "m.onnx"], capsys)
    assert code == 2 and out == ""
    assert err.strip() == ("hplab export-onnx: error: the onnx package is needed: "
                           "pip install 'hplab[onnx]'")
    assert not (tmp_path / "m.onnx").exists()


def test_leaky_relu_alpha_is_the_registered_slope(saved_model, tmp_path, capsys,
                                                   monkeypatch):
    monkeypatch.setattr(type(nets.ACTIVATIONS["leaky_relu"]), "slope", 0.2)
    path, X_raw, _ = saved_model("multiclass", "leaky_relu")
    model = onnx.load(nets.export_onnx(path, tmp_path / "m.onnx"))
    alphas = [n.attribute[0].f for n in model.graph.node if n.op_type == "LeakyRelu"]
    assert alphas == [pytest.approx(0.2)] * 2
    np.save(tmp_path / "x.npy", X_raw)
    s = predict_json(capsys, path, "--input", tmp_path / "x.npy")
    assert_same(run_onnx(tmp_path / "m.onnx", X_raw), s)


def test_activation_without_onnx_op_is_one_line_error(saved_model, tmp_path, capsys,
                                                      monkeypatch):
    relu6 = type("ReLU6", (type(nets.ACTIVATIONS["relu"]),), {"name": "relu6"})()
    monkeypatch.setitem(nets.ACTIVATIONS, "relu6", relu6)  # registered: saves and loads
    path, _, _ = saved_model("binary", "relu6")
    code, out, err = run_cli(["export-onnx", path, tmp_path / "m.onnx"], capsys)
    assert code == 2 and out == ""
    # every other registered activation exports (test_onnxruntime_matches_predict runs each)
    exportable = ", ".join(name for name in nets.ACTIVATIONS if name != "relu6")
    assert err.strip() == ("hplab export-onnx: error: activation 'relu6' has no ONNX "
                           f"export; exportable: {exportable}")
    assert not (tmp_path / "m.onnx").exists()
    with pytest.raises(ValueError, match="^activation 'relu6' has no ONNX export"):
        nets.export_onnx(path, tmp_path / "m.onnx")


def test_bad_opset_and_tampered_model(saved_model, tmp_path, capsys):
    path, _, _ = saved_model("multiclass")
    code, _, err = run_cli(["export-onnx", path, tmp_path / "m.onnx", "--opset", "9"], capsys)
    assert code == 2 and "opset must be an integer between 13 and" in err
    # QA: a string was "TypeError: '<=' not supported"; a missing model is FileNotFoundError
    latest = onnx.defs.onnx_opset_version()
    with pytest.raises(ValueError, match=rf"^opset must be an integer between 13 and {latest} "
                                         r"\(this onnx\), got '17'$"):
        nets.export_onnx(path, tmp_path / "m.onnx", opset="17")
    with pytest.raises(ValueError, match="got True"):
        nets.export_onnx(path, tmp_path / "m.onnx", opset=True)
    assert nets.export_onnx(path, tmp_path / "m.onnx", opset=np.int64(13)).exists()
    (tmp_path / "m.onnx").unlink()
    with pytest.raises(FileNotFoundError, match="no model file at"):
        nets.export_onnx(tmp_path / "none.npz", tmp_path / "m.onnx")
    with np.load(path, allow_pickle=False) as z:
        files = {k: z[k] for k in z.files}
    files["param_4"] = files["param_4"][:2]
    np.savez(tmp_path / "bad.npz", **files)
    code, _, err = run_cli(["export-onnx", tmp_path / "bad.npz", tmp_path / "m.onnx"], capsys)
    assert code == 2 and "parameter 4 should be float" in err
    assert len(err.strip().splitlines()) == 1 and not (tmp_path / "m.onnx").exists()
    before = Path(path).read_bytes()
    code, _, err = run_cli(["export-onnx", path, path], capsys)  # the graph over the model
    assert code == 2 and "is an input of this command" in err
    assert Path(path).read_bytes() == before


def test_export_to_a_dash_is_refused(saved_model, tmp_path, capsys, monkeypatch):
    # QA: `hplab export-onnx m.npz - > m.onnx` (- as predict --out's standard output) wrote
    # the graph to a file named "-", exit 0, and left m.onnx empty
    path, _, _ = saved_model("binary")
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["export-onnx", path, "-", "--json"], capsys)
    assert (code, out, err) == (2, "", "hplab export-onnx: error: export-onnx writes the "
                                       "graph to a file, not to standard output (-); give the "
                                       "file's path, e.g. model.onnx (./- for a file named -)\n")
    assert not (tmp_path / "-").exists()
    code, out, _ = run_cli(["export-onnx", path, "./-", "--json"], capsys)  # a file so named
    assert code == 0 and json.loads(out)["onnx_path"] == "-"
    assert json.loads(out)["bytes"] == (tmp_path / "-").stat().st_size > 0


def test_net_saved_without_scaling_or_labels(tmp_path, capsys):
    # nets.save_net alone: no input scaling (inputs used as they are), classes 0..k-1
    net = nets.MLP.initialized((2, 3, 3), ["relu"], "multiclass", rng=np.random.default_rng(0))
    path = nets.save_net(tmp_path / "plain.npz", net)
    X = np.random.default_rng(1).normal(size=(25, 2))
    model = onnx.load(nets.export_onnx(path, tmp_path / "plain.onnx"))
    assert [n.op_type for n in model.graph.node][:2] == ["Gemm", "Relu"]
    np.save(tmp_path / "x.npy", X)
    s = predict_json(capsys, path, "--input", tmp_path / "x.npy")
    assert s["classes"] == [0, 1, 2]
    assert s["predictions"] == net.predict(X.astype(np.float32)).tolist()
    assert_same(run_onnx(tmp_path / "plain.onnx", X), s)
    code, _, err = run_cli(["predict", path, "--input", tmp_path / "x.npy", "--seed", "1"],
                           capsys)
    assert code == 2 and "--seed" in err


def test_classes_of_mixed_types_are_text_in_the_graph(tmp_path):
    # as the README says: digits?positive=8's classes ["not 8", 8] are one ONNX type, text
    # ("8" where hplab predicts the int 8); the metadata keeps them as JSON, types and all
    net = nets.MLP.initialized((2, 3, 1), ["tanh"], "binary", rng=np.random.default_rng(0))
    path = nets.save_net(tmp_path / "mixed.npz", net, meta={"classes": ["not 8", 8]})
    X = np.random.default_rng(1).normal(size=(200, 2)) * 3
    labels = nets.load_model(path).predict(X).labels.tolist()
    assert set(labels) == {"not 8", 8}  # both classes, the int an int
    graph = nets.export_onnx(path, tmp_path / "mixed.onnx")
    label = run_onnx(graph, X)["label"]
    assert label.tolist() == [str(c) for c in labels] and "8" in label.tolist()
    props = {p.key: p.value for p in onnx.load(graph).metadata_props}
    assert json.loads(props["hplab.classes"]) == ["not 8", 8]


def test_outputs_replace_only_their_own_kind_of_file(saved_model, tmp_path, capsys):
    # QA: predict --out my.toml and export-onnx MODEL my.toml wrote over a user's spec
    path, X_raw, _ = saved_model("binary")
    spec = tmp_path / "my.toml"
    spec.write_text('[study]\nname = "mine"\n')
    np.save(tmp_path / "x.npy", X_raw)
    for argv, said in [(["predict", path, "--input", tmp_path / "x.npy", "--out", spec],
                        "is not a predictions CSV; write the CSV elsewhere"),
                       (["export-onnx", path, spec],
                        "is not an ONNX graph hplab wrote; write the graph elsewhere")]:
        code, out, err = run_cli(argv, capsys)
        assert code == 2 and f"{spec} exists and {said} (or delete it first)" in err, err
    assert spec.read_text() == '[study]\nname = "mine"\n'
    # their own earlier outputs (and empty files) are replaced
    (tmp_path / "m.onnx").write_bytes(b"")
    for argv in (["predict", path, "--input", tmp_path / "x.npy", "--out", tmp_path / "p.csv"],
                 ["export-onnx", path, tmp_path / "m.onnx"]):
        for _ in range(2):
            code, out, err = run_cli(argv, capsys)
            assert code == 0, err
    assert nets.is_hplab_onnx(tmp_path / "m.onnx") and not nets.is_hplab_onnx(spec)


def test_export_replaces_only_a_graph_hplab_wrote(saved_model, tmp_path, capsys):
    # QA: any file whose first byte was 0x08 (another tool's ONNX model, a TensorFlow
    # saved_model.pb, binary data) was taken for an earlier export and replaced, exit 0
    from onnx import TensorProto, helper

    path, _, _ = saved_model("binary")
    g = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "prod",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 3])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 3])])
    theirs = tmp_path / "production_model.onnx"
    onnx.save(helper.make_model(g, producer_name="pytorch"), theirs)
    (tmp_path / "saved_model.pb").write_bytes(b"\x08\x01\x12\x05hello-not-onnx")
    (tmp_path / "data.bin").write_bytes(bytes([8]) + bytes(range(200)))
    # protobuf parses these 7 bytes (ir_version 1, producer "hello"), but no graph: no ONNX
    (tmp_path / "hello.pb").write_bytes(b"\x08\x01\x12\x05hello")
    # a graph that calls itself hplab without the metadata an export writes
    named = tmp_path / "named_hplab.onnx"
    onnx.save(helper.make_model(g, producer_name="hplab"), named)
    for f in (theirs, tmp_path / "saved_model.pb", tmp_path / "data.bin",
              tmp_path / "hello.pb", named):
        before = f.read_bytes()
        code, out, err = run_cli(["export-onnx", path, f], capsys)
        assert (code, out) == (2, "") and err.strip() == (
            f"hplab export-onnx: error: {f} exists and is not an ONNX graph hplab wrote; "
            "write the graph elsewhere (or delete it first)"), err
        assert f.read_bytes() == before
        with pytest.raises(ValueError, match="is not an ONNX graph hplab wrote"):
            nets.export_onnx(path, f)
        assert f.read_bytes() == before
    assert not nets.is_hplab_onnx(theirs) and not nets.is_hplab_onnx(named)
    # from Python too: the graph never goes over the model it is made of
    before = Path(path).read_bytes()
    with pytest.raises(ValueError, match=r"is the model being exported; write the graph "
                                         r"elsewhere$"):
        nets.export_onnx(path, path)
    with pytest.raises(ValueError, match="is the model being exported"):
        nets.export_onnx(nets.load_model(path), path)  # a loaded model knows its file
    assert Path(path).read_bytes() == before
    # hplab's own graph is replaced, by the CLI and from Python
    ours = nets.export_onnx(path, tmp_path / "m.onnx")
    assert nets.is_hplab_onnx(ours)
    code, _, err = run_cli(["export-onnx", path, ours], capsys)
    assert code == 0, err
    assert nets.export_onnx(path, ours) == ours and nets.is_hplab_onnx(ours)


def test_fitted_estimators_export_with_their_classes(tmp_path, capsys):
    # QA: export_onnx(clf, ...) was "TypeError: expected str, bytes or os.PathLike object",
    # and save_net(path, clf.net_) exported labels 0/1 where clf predicts 'eight'/'other'
    import warnings

    import pandas as pd
    from sklearn.datasets import load_digits
    from sklearn.exceptions import ConvergenceWarning, NotFittedError
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = load_digits(return_X_y=True)
    X, y = X[:300], y[:300]
    names = np.array(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
                      "nine"])
    frame = pd.DataFrame(X, columns=[f"px{i}" for i in range(64)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        estimators = [
            nets.NetClassifier(hidden=(16,), max_epochs=5, random_state=0).fit(
                X, np.where(y == 8, "eight", "other")),
            nets.NetClassifier(hidden=(16,), activation="leaky_relu", max_epochs=5,
                               dtype="float32", random_state=0).fit(frame, names[y]),
            nets.NetRegressor(hidden=(8,), max_epochs=5, random_state=0).fit(
                X, np.c_[y, X[:, 20]])]
    for i, est in enumerate(estimators):
        out = nets.export_onnx(est, tmp_path / f"e{i}.onnx")
        dtype = est.net_.dtype
        got = run_onnx(out, X, dtype)
        if isinstance(est, nets.NetRegressor):
            np.testing.assert_allclose(got["value"], est.predict(X), rtol=1e-12)
            continue
        assert got["label"].tolist() == est.predict(frame if i == 1 else X).tolist()
        assert len(set(got["label"].tolist())) > 1  # the net is not constant
        np.testing.assert_allclose(got["probabilities"], est.predict_proba(frame if i else X),
                                   atol=1e-6 if dtype == np.float32 else 1e-12)
        props = {p.key: p.value for p in onnx.load(out).metadata_props}
        assert json.loads(props["hplab.classes"]) == est.classes_.tolist()
        # no input scaling in the graph: the estimator's inputs as they are
        assert props["hplab.input"].startswith("features as the net was trained on; finite ")
        assert [n.op_type for n in onnx.load(out).graph.node][0] == "Gemm"
        # the same file hplab predict reads: its labels, its feature names; never over
        # the graph (or any file but a model)
        with pytest.raises(ValueError, match="exists and is not a model hplab saved"):
            nets.save_estimator(out, est)
        assert nets.is_hplab_onnx(out)
        path = nets.save_estimator(tmp_path / f"e{i}.npz", est)
        model = nets.load_model(path)
        assert model.classes == tuple(est.classes_.tolist())
        if i == 1:
            assert model.feature_names == tuple(frame.columns)
        np.save(tmp_path / "x.npy", X)
        assert predict_json(capsys, path, "--input", tmp_path / "x.npy")["predictions"] == \
            est.predict(frame if i else X).tolist()
    # anything else: one line saying what it takes
    for wrong, name in [(make_pipeline(StandardScaler(), estimators[0]), "Pipeline"),
                        (estimators[0].net_, "MLP"), (3, "int")]:
        with pytest.raises(TypeError) as info:
            nets.export_onnx(wrong, tmp_path / "w.onnx")
        assert str(info.value) == (
            "export_onnx takes a model.npz path, a SavedModel or a fitted nets.NetClassifier "
            f"or NetRegressor, got {name}; save a net with nets.save_net(path, net, "
            "meta={'classes': [...]}) first")
        with pytest.raises(TypeError) as info:
            nets.save_estimator(tmp_path / "w.npz", wrong)
        assert str(info.value) == ("save_estimator takes a fitted nets.NetClassifier or "
                                   f"NetRegressor, got {name}")
    assert not (tmp_path / "w.npz").exists()
    with pytest.raises(NotFittedError):
        nets.export_onnx(nets.NetClassifier(), tmp_path / "w.onnx")
    assert not (tmp_path / "w.onnx").exists()


def test_graph_does_not_check_its_inputs_and_says_so(saved_model, tmp_path, capsys):
    # QA: hplab predict refuses NaN and inf; the graph labels them (NaN: classes[0] with NaN
    # probabilities): its metadata and the README say inputs must be finite
    for head in ("binary", "multiclass", "regression"):
        path, X_raw, _ = saved_model(head, "relu")
        out = nets.export_onnx(path, tmp_path / f"{head}.onnx")
        props = {p.key: p.value for p in onnx.load(out).metadata_props}
        nan = "NaN values" if head == "regression" else "classes[0] with NaN probabilities"
        assert props["hplab.input"] == (
            "raw features; the graph applies (x - x_shift) / x_scale; finite values only: the "
            f"graph does not check them (a NaN gives {nan})")
        X = X_raw[:2].copy()
        X[0, 0] = np.nan
        got = run_onnx(out, X)
        if head == "regression":  # what the metadata says: NaN values, no class
            assert np.isnan(got["value"][0]).all() and np.isfinite(got["value"][1]).all()
        else:
            assert got["label"][0] == nets.load_model(path).classes[0]
            assert np.isnan(got["probabilities"][0]).all()
            assert np.isfinite(got["probabilities"][1]).all()
        np.save(tmp_path / "x.npy", X)
        code, _, err = run_cli(["predict", path, "--input", tmp_path / "x.npy"], capsys)
        assert code == 2 and "NaN or infinite" in err
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    assert "does not check its inputs" in " ".join(readme.split())


def test_a_diverged_fit_is_neither_saved_nor_exported(tmp_path):
    # its weights give NaN or infinite outputs: a graph or a model.npz of them would label
    # every row confidently (the graph gave 'yes' with probabilities [0, 1])
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    # QA: one whose loss blew up past 10x its first value but stayed finite (7e14, status
    # "diverged") was saved and exported without a word, though save_estimator refuses it
    X = np.random.default_rng(0).normal(size=(200, 4))
    y = np.where(X[:, 0] > 0, "yes", "no")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        nan = nets.NetClassifier(hidden=(8,), lr=1e200, max_epochs=20, random_state=0).fit(X, y)
        big = nets.NetClassifier(hidden=(2,), max_epochs=50, lr=1e6, random_state=0).fit(
            X * 1e3, y)
        reg = nets.NetRegressor(hidden=(2,), max_epochs=50, lr=1e6, random_state=0).fit(
            X * 1e3, X[:, 0])
    assert nan.status_ == "diverged" and not np.isfinite(nan.loss_)
    for est in (big, reg):
        assert est.status_ == "diverged" and np.isfinite(est.loss_)
        assert est.reason_.startswith("train loss") and "exceeded 10x its first value" in \
            est.reason_
    for est in (nan, big, reg):
        name = type(est).__name__
        for write, out in [(nets.save_estimator, tmp_path / "div.npz"),
                           (lambda out, est: nets.export_onnx(est, out), tmp_path / "div.onnx")]:
            with pytest.raises(ValueError, match=rf"^{name}: the fit diverged \(.*\): .*"
                                                 r"fit again with a lower lr$"):
                write(out, est)
            assert not out.exists()
