"""The ONNX graph's nodes: an ordered collection of nodes and constants, the activations'
ops and the heads' outputs (labels and probabilities, or values)."""

from __future__ import annotations

import math

import numpy as np

from ._activations import ACTIVATIONS
from ._predict import SavedModel, int_labels

# nets activation -> ONNX op; identity needs no node. An activation registered in
# nets.ACTIVATIONS but missing here cannot be exported (the export tests cover them all,
# float64 graphs at every opset too: onnxruntime lacks double kernels of some ops).
_ONNX_ACTIVATIONS = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "Relu",
                     "leaky_relu": "LeakyRelu"}


def _activation_nodes(graph, name: str, z: str, output: str) -> str:
    """The nodes of a registered activation (its parameters read from it) on ``z``.

    A double graph computes leaky ReLU as the net does, ``Max(z, slope * z)``, with the
    slope a double: onnxruntime has no double kernel of LeakyRelu at most opsets (13-15,
    19 on), and LeakyRelu's ``alpha`` is a float32 attribute."""
    if name not in _ONNX_ACTIVATIONS:
        raise ValueError(f"activation {name!r} has no ONNX export; exportable: identity, "
                         f"{', '.join(_ONNX_ACTIVATIONS)}")
    op = _ONNX_ACTIVATIONS[name]
    if op != "LeakyRelu":
        return graph.node(op, [z], output)
    slope = float(ACTIVATIONS[name].slope)
    if graph.dtype == np.float64:
        scaled = graph.node("Mul", [z, graph.const(f"{output}_slope", np.array(slope))],
                            f"{output}_scaled")
        return graph.node("Max", [z, scaled], output)
    return graph.node(op, [z], output, alpha=slope)


def _head(graph, model: SavedModel, z: str) -> list[tuple[str, int, list]]:
    """The head's nodes; returns (name, onnx element type, shape) of each graph output."""
    from onnx import TensorProto

    elem = {np.dtype(np.float32): TensorProto.FLOAT,
            np.dtype(np.float64): TensorProto.DOUBLE}[model.net.dtype]
    n_out = model.net.sizes[-1]
    if model.task == "regression":
        if model.y_scale != 1.0 or model.y_shift != 0.0:
            z = graph.node("Mul", [z, graph.const("y_scale", np.array(model.y_scale))], "y_scaled")
            z = graph.node("Add", [z, graph.const("y_shift", np.array(model.y_shift))], "value")
        else:
            z = graph.node("Identity", [z], "value")
        return [("value", elem, ["N", n_out])]
    if model.task == "binary":
        p1 = graph.node("Sigmoid", [z], "p1")
        # P(class 0) as the sigmoid of -z, as predict_proba gives it: 1 - p was 0 where p
        # rounds to 1, the other class's tiny probability lost
        p0 = graph.node("Sigmoid", [graph.node("Neg", [z], "negated")], "p0")
        graph.node("Concat", [p0, p1], "probabilities", axis=1)
        # the label from the logit sign, as MLP.predict: no tie where p rounds to 0.5
        positive = graph.node("Greater", [z, graph.const("zero", np.array(0.0))], "positive")
        index = graph.node("Cast", [positive], "index_2d", to=TensorProto.INT64)
        index = graph.node("Squeeze", [index, graph.const("axis1", np.array([1]), np.int64)],
                           "index")
    else:
        graph.node("Softmax", [z], "probabilities", axis=1)
        index = graph.node("ArgMax", [z], "index", axis=1, keepdims=0)
    if int_labels(model.classes):
        names, label_type = np.array(model.classes, dtype=np.int64), TensorProto.INT64
    elif all(isinstance(c, bool) for c in model.classes):
        names, label_type = np.array(model.classes, dtype=bool), TensorProto.BOOL
    elif _double_labels(model.classes):
        names, label_type = np.array(model.classes, dtype=np.float64), TensorProto.DOUBLE
    else:
        names = np.array([str(c) for c in model.classes], dtype=object)
        label_type = TensorProto.STRING
    graph.node("Gather", [graph.const("classes", names, names.dtype), index], "label", axis=0)
    return [("label", label_type, ["N"]), ("probabilities", elem, ["N", len(model.classes)])]


def _double_labels(classes) -> bool:
    """Whether numeric classes that are no integers (0.5, 1.5) are doubles exactly, as
    ``hplab predict`` gives them: finite floats, and ints among them within 2**53 (ints
    alone beyond int64 travel as text)."""
    floats = [c for c in classes if isinstance(c, float)]
    ints = [c for c in classes if isinstance(c, int) and not isinstance(c, bool)]
    return bool(floats) and len(floats) + len(ints) == len(classes) and \
        all(math.isfinite(c) for c in floats) and all(abs(c) <= 2**53 for c in ints)


class _Graph:
    """Nodes and initializers collected in order; constants take the net's dtype."""

    def __init__(self, dtype, numpy_helper):
        self.dtype, self._np = dtype, numpy_helper
        self.nodes, self.initializers = [], []

    def const(self, name: str, value, dtype=None) -> str:
        array = np.asarray(value, dtype=dtype or self.dtype)
        self.initializers.append(self._np.from_array(array, name))
        return name

    def node(self, op: str, inputs: list[str], output: str, **attrs) -> str:
        from onnx import helper

        self.nodes.append(helper.make_node(op, inputs, [output], name=f"{op}_{output}",
                                           **attrs))
        return output
