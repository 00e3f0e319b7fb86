"""A training report's views of how the net sees its inputs: the decision map over
training (its snapshots) and the hidden layer's space."""

from __future__ import annotations

from functools import partial

import numpy as np

import nets

from . import _hidden_space_draw as hw, _training_data as td, _training_draw as tw
from ._core import Report
from ._decision_history import SNAPSHOT_RESOLUTION, decision_history_frame, draw_decision_history
from ._hidden_space import hidden_space_frame, pick_snapshots
from ._training_captions import is_linear

#: Snapshots shown in the hidden-space figure (the course shows five epochs).
N_SNAPSHOTS = 5

def add_decision_views(rep: Report, run, classes) -> None:
    ds, net = run.dataset, run.net
    bounds = td.input_bounds(ds.X_train, ds.X_val, ds.X_test)
    resolution = td.grid_resolution(len(classes))
    data = {"grid": td.with_class_names(td.rounded_grid(td.decision_frame(
                net.predict_proba, bounds, len(classes), resolution)), classes),
            "samples": td.with_class_names(td.samples_frame(ds.X_train, ds.y_train, "train"),
                                           classes)}
    binary = len(classes) == 2
    inputs = td.input_axes(ds)
    rep.add_section("Decision regions", (
        f"The trained net evaluated over a grid of the{' (normalized)' * td.inputs_scaled(ds)} "
        "input square, with the training samples on top."
        + td.thinned_note({"training": (len(data["samples"]), len(ds.X_train))},
                          "The maps show")))
    rep.add_figure("decision-map", partial(tw.draw_decision_map, classes=classes,
                                           inputs=inputs), data,
                   caption="Each point of the input square coloured by the class the net "
                   "predicts there" + ("; the black line is p = 0.5" if binary else "") + ". "
                   + ("With no hidden layer every boundary is a straight line. "
                      if is_linear(net) else "")
                   + "A good fit puts every sample on its own colour, with boundaries that "
                   "follow the gaps between classes rather than single stray points."
                   + _unnamed_colours(classes) + f" The grid's CSV holds its {resolution} × "
                   f"{resolution} points: x1, x2, each class's probability p_<index> and the "
                   f"predicted class (label, class) with its probability (confidence), to "
                   f"{td.GRID_DECIMALS} decimals.")
    rep.add_figure("probability-contours",
                   partial(tw.draw_probability_contours, classes=classes, inputs=inputs),
                   data,
                   caption=(
                       "Contours of P(class 1) at 0.1, 0.3, 0.5 (bold), 0.7 and 0.9. The "
                       "narrower the band between 0.1 and 0.9, the surer the net; training to "
                       "a lower eps narrows it." if binary else
                       "For each class, lines where its probability is 0.25, 0.5 (bold) and "
                       "0.75, in the class's colour and line style"
                       + (" (the legend below names them)"
                          if len(classes) <= tw.LEGEND_MAX_CLASSES else "")
                       + ", over shading by the highest class probability (dark = unsure). "
                       "Dark zones are where the net hesitates between classes."))
    if binary:
        rep.add_figure("probability-surface",
                       partial(tw.draw_probability_surface, classes=classes, inputs=inputs),
                       {"grid": data["grid"]}, caption=(
                           "P(class 1) as height over the input square; the black line is the "
                           "p = 0.5 boundary. A steep cliff is a sharp decision, a gentle "
                           "slope an uncertain one."))
    snaps = _snapshots(run)
    if len(snaps) > 1:
        grid = td.with_class_names(decision_history_frame(
            snaps, net.activations, net.head, bounds, len(classes)), classes)
        rep.add_figure("decision-history",
                       partial(draw_decision_history, samples=data["samples"],
                               classes=classes, inputs=inputs), grid,
                       alt=f"Decision maps at {len(snaps)} checkpoints of training",
                       caption=(
                           # the untrained net's map may hold no cut at all (one class
                           # over the whole square): "the first, nearly straight cut" was
                           # untrue there
                           f"The decision map at {len(snaps)} checkpoints, from epoch "
                           f"{snaps[0][0]:g}{' (the untrained net)' if snaps[0][0] == 0 else ''}"
                           " to the model's own at the last: how the boundaries take shape. "
                           "The checkpoints are spread over where the net changed, evenly in "
                           "the training loss's drop and in log epochs, so most fall early. "
                           "An early panel may show no boundary at all, one class over the "
                           "whole square. Where they still move at the end, more epochs "
                           "would change the net. Each panel's CSV rows: "
                           f"epoch, a {SNAPSHOT_RESOLUTION} × {SNAPSHOT_RESOLUTION} grid's "
                           "x1, x2 and the predicted class."))


def _snapshots(run) -> list:
    """Up to `N_SNAPSHOTS` ``(epoch, layers)`` of the run spread over how far training came
    (`pick_snapshots`), the model's own last: up to the weights it keeps (after early
    stopping, its best checkpoint's, not the later ones the loop went on to see), batch
    norm folded in at its running statistics."""
    res = run.result
    end = float(res.final_checkpoint().get("epoch", res.epochs))
    snaps = [(float(e), p) for e, p in (res.snapshots or []) if e <= end]
    if not snaps or snaps[-1][0] < end:
        snaps.append((end, run.net.folded()))
    # spread over where the net changed (the loss's drop, log epochs), not evenly by epoch:
    # a 5000-epoch run that learned by epoch 600 showed four alike panels from 1400 on
    curve = [(r["epoch"], r["train_loss"]) for r in res.records if r["epoch"] <= end]
    return pick_snapshots(snaps, N_SNAPSHOTS, curve)


def add_hidden_space(rep: Report, run, classes) -> None:
    ds, net = run.dataset, run.net
    act_name = net.activations[0]
    forward = nets.ACTIVATIONS[act_name].forward
    snaps = _snapshots(run)
    bounds = td.input_bounds(ds.X_train, ds.X_val, ds.X_test)
    frame = td.with_class_names(
        hidden_space_frame(snaps, forward, ds.X_train, ds.y_train, bounds), classes)
    if not np.isfinite(frame[["h1"]].to_numpy()).all():
        return
    width = frame.attrs["width"]
    view = {1: "one neuron, drawn on a line, a row per class (a point of each class on one "
               "value shows in both rows)", 2: "two neurons: a plane",
            3: "three neurons: a 3-D space"}.get(
        width, f"{width} neurons, shown on the first two principal components of each panel")
    rep.add_section("Hidden space", (
        f"The first hidden layer has {view}. Training samples and a grid of straight lines "
        f"from the input square are mapped through it at {len(snaps)} checkpoints."
        + td.thinned_note({"training": (frame.loc[frame["kind"] == "sample", "id"].nunique(),
                                        len(ds.X_train))}, "The figure shows")))
    rep.add_figure("hidden-space",
                   partial(hw.draw_hidden_space, classes=classes, activation=act_name), frame,
                   alt=f"Scatter plots of the training samples in the first hidden layer at "
                       f"{len(snaps)} checkpoints: after the linear map (top row) and after "
                       f"{act_name} (bottom row)",
                   caption=(
                       "Top row: after the linear map Z = XW + b"
                       + (" (its batch norm, at the running statistics, folded in)"
                          if net.batch_norm else "")
                       + _linear_map_words(width, ds.n_features)
                       + f" Bottom row: after {act_name}, "
                       + ("which moves the points along the line, keeping their order. "
                          if width == 1 else "which bends them. ")
                       + separation_note(width, len(classes), len(net.activations))
                       + _unnamed_colours(classes)))


# ----------------------------------------------------------------------------- helpers
def separation_note(width: int, n_classes: int, n_hidden: int) -> str:
    """What the hidden-space figure's bottom row can show of the output layer's boundary.

    The output layer is linear in the last hidden layer: one straight line (plane) for two
    classes, regions bounded by such lines for more (each class's score is linear). Past
    three neurons the panels show two principal components, which can hide a separation
    that exists in the full space; past one hidden layer the output reads another layer.
    """
    if n_hidden > 1:
        return ("The output layer reads the last hidden layer, not this one: the later "
                "layers bend the space again, so the classes need not be separable by "
                "straight lines here.")
    if width > 3:
        what = ("one flat boundary (a hyperplane)" if n_classes == 2 else
                "regions bounded by flat boundaries (hyperplanes), from a score per class "
                "that is a linear function of the neurons")
        return (f"The output layer draws {what} in all {width} dimensions, which two "
                "components cannot show: classes that a straight line separates in the "
                "bottom row are separable there too, but classes that overlap here may "
                "still be separated in the full space.")
    if n_classes == 2 and width == 1:
        return ("Look for the epoch from which one cut point on the line separates the "
                "classes in the bottom row: that is all the output layer can draw.")
    if n_classes == 2:
        return ("Look for the epoch from which one straight line (a plane in 3-D) separates "
                "the classes in the bottom row: that is all the output layer can draw.")
    bound = "cut points on the line" if width == 1 else "straight lines (planes in 3-D)"
    return (f"The output layer scores each of the {n_classes} classes with a linear function "
            f"of these values and picks the highest, so it can only cut the space into one "
            f"convex region per class, bounded by {bound}: look for the epoch from which "
            "such regions separate the classes in the bottom row.")


def _linear_map_words(width: int, n_features: int) -> str:
    """What the first hidden layer's linear map does to the input plane: with fewer neurons
    than input features it projects (QA: a 1-neuron layer's caption said it "only rotates,
    stretches and shifts the plane")."""
    if width >= n_features:
        return ", which only rotates, stretches and shifts the plane, so the lines stay straight."
    inputs = "the plane" if n_features == 2 else f"the {n_features} input features"
    onto = "a line" if width == 1 else f"{width} dimensions"
    return (f", which projects {inputs} onto {onto} (fewer neurons than input features): "
            "points apart in the inputs can land on one value, and no later layer can part "
            "them again.")


def _unnamed_colours(classes) -> str:
    """What a figure without a legend of its classes says of its colours ("" with one)."""
    if len(classes) <= tw.LEGEND_MAX_CLASSES:
        return ""
    return (f" With {len(classes)} classes no legend names the colours; the confusion matrix "
            "and the per-class table name the classes.")
