"""Export a saved model as an ONNX graph that takes raw inputs, as ``hplab predict`` does.

Graph: ``input`` -> Sub(x_shift) -> Div(x_scale) -> [Gemm -> activation] per hidden
layer -> Gemm -> head. Outputs:

- classification: ``label`` (N,) the original class labels (int64 when every class is
  an integer, bool, double when they are numbers such as 0.5, else strings: classes of
  mixed types too, ``["not 8", 8]`` giving ``"8"`` for the int; the metadata's
  ``hplab.classes`` keeps their JSON types) and
  ``probabilities`` (N, k), binary included as ``[sigmoid(-z), sigmoid(z)]``;
- regression: ``value`` (N, t), de-normalized by ``* y_scale + y_shift``.

The ``onnx`` package is an optional extra (``pip install 'hplab[onnx]'``), imported only here,
inside `export_onnx`.
"""

from __future__ import annotations

import json
import numbers
import os
import sys
import tempfile
from pathlib import Path

from ._arg_types import check_path
from ._files import write_atomically
from ._load_model import load_model
from ._onnx_graph import _activation_nodes, _Graph, _head
from ._predict import SavedModel
from ._versions import hplab_version

# 17 (2022): every op here has its current definition by 13; 17 is what most runtimes
# in use (onnxruntime >= 1.13, TensorRT, OpenVINO) load, with IR version 8.
DEFAULT_OPSET = 17
MIN_OPSET = 13  # Softmax over one axis (older opsets flatten the trailing axes)
PRODUCER = "hplab"  # the graph's producer_name: what an export may replace
INSTALL_HINT = "the onnx package is needed: pip install 'hplab[onnx]'"
# graph outputs by head (the graph's input is always "input", raw features (N, d))
ONNX_OUTPUTS = {"binary": ("label", "probabilities"), "multiclass": ("label", "probabilities"),
                "regression": ("value",)}

# hplab predict refuses NaN and inf; the graph computes with them
_FINITE_ONLY = "; finite values only: the graph does not check them (a NaN gives {})"


def is_hplab_onnx(path) -> bool:
    """Whether ``path`` is an ONNX graph `export_onnx` wrote: it parses as an ONNX model
    whose producer is hplab and whose metadata has ``hplab.task``, the only file an
    export replaces. Needs the onnx package.

    Parameters
    ----------
    path : str or path-like
        Any file; a missing one or one that is no ONNX model gives False.
    """
    model = _onnx_model_of(path)
    return model is not None and model.producer_name == PRODUCER and \
        any(p.key == "hplab.task" for p in model.metadata_props)


def _onnx_model_of(path):
    """The ONNX ``ModelProto`` in ``path``, or None: no file, or not an ONNX model."""
    import onnx

    try:
        with open(path, "rb") as fh:
            if fh.read(1) != b"\x08":  # every graph starts with its ir_version: no need
                return None  # to read a large file that does not
        model = onnx.load(path, load_external_data=False)
    # protobuf's DecodeError too, a library of onnx's that hplab does not declare: a file
    # that fails to parse is no model, and a file that is none is only ever refused
    except Exception:
        return None
    # protobuf reads much binary data as fields it does not know: a model has a graph
    return model if model.ir_version and model.HasField("graph") else None


def export_onnx(model, out, *, opset: int = DEFAULT_OPSET) -> Path:
    """Write a saved model as a checked ONNX file.

    Parameters
    ----------
    model : str, Path, SavedModel, NetClassifier or NetRegressor
        A ``model.npz`` (or one already loaded with `load_model`), or a fitted nets
        estimator, exported with its ``classes_`` as `save_estimator` saves it.
    out : str or Path
        The ``.onnx`` file to write (folders are created). An existing file is replaced
        only when it is empty or a graph hplab wrote (`is_hplab_onnx`).
    opset : int, default 17
        ONNX opset of the default domain, ``13`` up to what the installed onnx knows.

    Returns
    -------
    Path
        ``out``.

    Raises
    ------
    TypeError
        A ``model`` of another type (a Pipeline, an MLP: save it first).
    ModuleNotFoundError
        onnx is not installed (the message says how to install it).
    FileNotFoundError
        No model file at ``model``.
    ValueError
        A foreign or tampered model file, an estimator whose fit diverged, an opset that
        is no integer or out of range, an activation with no ONNX op, or an ``out`` that
        is the model or another file than an earlier export.
    """
    check_path("out", out)  # before the model is loaded (an estimator written)
    try:
        import onnx
        from onnx import helper, numpy_helper
    except ImportError:
        raise ModuleNotFoundError(INSTALL_HINT, name="onnx") from None

    model = _saved_model(model)
    latest = onnx.defs.onnx_opset_version()
    if isinstance(opset, bool) or not isinstance(opset, numbers.Integral) or \
            not MIN_OPSET <= opset <= latest:
        raise ValueError(f"opset must be an integer between {MIN_OPSET} and {latest} "
                         f"(this onnx), got {opset!r}")
    opset = int(opset)  # np.int64 too
    out = Path(out)
    _check_output(out, model.path)
    graph = _Graph(model.net.dtype, numpy_helper)
    x = "input"
    if model.scales_inputs:
        x = graph.node("Sub", [x, graph.const("x_shift", model.x_shift)], "x_centred")
        x = graph.node("Div", [x, graph.const("x_scale", model.x_scale)], "x_normalized")
    # batch norm folds into its layer's Gemm: evaluation's is an affine map
    layers, acts = model.net.folded(), model.net.activations
    for i, (W, b) in enumerate(zip(layers[0::2], layers[1::2], strict=True)):
        z = graph.node("Gemm", [x, graph.const(f"W{i}", W), graph.const(f"b{i}", b)],
                       f"z{i}" if i < len(acts) else "logits")
        if i < len(acts) and acts[i] != "identity":
            z = _activation_nodes(graph, acts[i], z, f"a{i}")
        x = z
    outputs = _head(graph, model, x)

    elem = helper.np_dtype_to_tensor_dtype(model.net.dtype)
    d = model.n_features
    g = helper.make_graph(
        graph.nodes, "hplab_mlp",
        [helper.make_tensor_value_info("input", elem, ["N", d])],
        [helper.make_tensor_value_info(name, t, shape) for name, t, shape in outputs],
        initializer=graph.initializers)
    g.doc_string = (f"{model.net!r}: raw inputs (N, {d}) -> "
                    + ", ".join(name for name, _, _ in outputs))
    opsets = [helper.make_opsetid("", opset)]
    onnx_model = helper.make_model(g, opset_imports=opsets, producer_name=PRODUCER,
                                   producer_version=hplab_version(),
                                   doc_string="exported by hplab export-onnx")
    # the IR version of the opset, not the newest this onnx writes, so runtimes that
    # support the opset can also read the file
    onnx_model.ir_version = helper.find_min_ir_version_for(opsets)
    helper.set_model_props(onnx_model, _metadata(model))
    onnx.checker.check_model(onnx_model, full_check=True)
    write_atomically(out, lambda tmp: onnx.save(onnx_model, tmp))
    return out


def _saved_model(model) -> SavedModel:
    """A path loaded, an estimator saved and loaded; anything else refused in one line."""
    if isinstance(model, SavedModel):
        return model
    if isinstance(model, str | os.PathLike):
        return load_model(model)
    if _is_net_estimator(model):
        from ._net_estimator import save_estimator

        # written and read back: the checks of every model file, then it is in memory
        with tempfile.TemporaryDirectory() as folder:
            return load_model(save_estimator(Path(folder, "model.npz"), model))
    raise TypeError("export_onnx takes a model.npz path, a SavedModel or a fitted "
                    f"nets.NetClassifier or NetRegressor, got {type(model).__name__}; save a "
                    "net with nets.save_net(path, net, meta={'classes': [...]}) first")


def _is_net_estimator(model) -> bool:
    """Whether ``model`` is a nets estimator, without importing scikit-learn for others."""
    if "nets._net_estimator" not in sys.modules:  # then none was ever made
        return False
    return isinstance(model, sys.modules["nets._net_estimator"]._NetEstimator)


def _check_output(out: Path, model_path: Path) -> None:
    """Refuse to write over the model, or over a file that is not an earlier export."""
    if os.path.realpath(out) == os.path.realpath(model_path):
        raise ValueError(f"{out} is the model being exported; write the graph elsewhere")
    if out.is_file() and out.stat().st_size and not is_hplab_onnx(out):
        raise ValueError(f"{out} exists and is not an ONNX graph hplab wrote; write the graph "
                         "elsewhere (or delete it first)")


def _metadata(model: SavedModel) -> dict[str, str]:
    """Key-value strings stored in the file, so the graph documents its own contract."""
    meta = model.meta
    given = ("raw features; the graph applies (x - x_shift) / x_scale"
             if model.scales_inputs else "features as the net was trained on")
    nan = "NaN values" if model.task == "regression" else "classes[0] with NaN probabilities"
    props = {"hplab.task": model.task, "hplab.architecture": repr(model.net),
             "hplab.feature_names": json.dumps(list(model.feature_names)),
             "hplab.input": given + _FINITE_ONLY.format(nan)}
    if model.task == "regression":
        props["hplab.output"] = "value = network output * y_scale + y_shift"
    else:
        props["hplab.classes"] = json.dumps(list(model.classes))
    for key in ("dataset", "name", "command"):
        if meta.get(key):
            props[f"hplab.{key}"] = str(meta[key])
    return props
