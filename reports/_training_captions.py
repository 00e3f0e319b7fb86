"""The training report's words for its learning curves and its net: what the curves score
and show, why a run is stuck (or kept its untrained start), what a net without a hidden
layer can draw (each head's output and loss: `_head_words`); the study report's best-trial
curves take `lr_caption` too."""

from __future__ import annotations

import numpy as np
import pandas as pd

import nets

from . import _training_draw as tw
from ._head_words import HEAD_PAIRS, regression_loss

#: What a net with no hidden layer is, per head: a linear model
LINEAR_MODELS = {"regression": "linear regression", "binary": "logistic regression",
                 "multiclass": "softmax regression"}
#: A run's training loss is flat when it moved by less than this share over the last half
FLAT_SHARE = 0.02
#: ...read over at least this many checkpoints (a 2-epoch run at eps 0 read "stuck" at its
#: class shares' loss: the first steps had not moved it yet)
FLAT_POINTS = 5
#: ...and high when it ends above this many times eps
HIGH_FACTOR = 2.0
#: ...or, with no eps, when it ends less than this share under a constant prediction's
#: training loss (`nets.trivial_training_loss`; analyses' BASELINE_MARGIN, which "learned"
#: means in lr-range's verification)
CONSTANT_MARGIN = 0.05


def history_caption(run, hist: pd.DataFrame, schedule: str) -> str:
    """The caption of ``run``'s learning curves, `draw_history`'s figure of ``hist``."""
    ds, scored = run.dataset, _train_scored(run)
    if ds.task in ("binary", "multiclass"):
        loss = HEAD_PAIRS.get(run.net.head, ("", ""))[1]
        text = _HISTORY_CAPTION.format(
            loss=f"{loss.capitalize()} loss" if loss else "Loss",
            accuracy="middle" if tw.has_lr_panel(hist) else "right", scored=scored,
            flat=_flat(run, hist, _LINEAR_FLAT))
    else:
        text = _LOSS_CAPTION.format(loss=regression_loss(ds), scored=scored,
                                    flat=_flat(run, hist, _LINEAR_FIT_FLAT))
    return text + _same_curves(ds) + lr_caption(hist, schedule)


_HISTORY_CAPTION = (
    "{loss} (left) and accuracy ({accuracy}) at every checkpoint, on the training set (solid "
    "blue; {scored}) and on the validation set (dashed orange); the ring marks the lowest "
    "validation loss. A gap that keeps widening means overfitting; {flat}. A jagged "
    "validation curve beside a smooth training one comes from a small validation set; both "
    "jagged, from too large a rate.")
#: the causes of a loss that stays high and flat, in a net with hidden layers...
_FLAT = ("a loss that stays high and flat means too little capacity, too small a learning "
         "rate, a start that landed on a plateau or in a local minimum (another seed tells) "
         "or noise no net can fit")
#: ...in one whose hidden units started alike (zero init): a seed cannot help there...
_SAME_UNITS_FLAT = _FLAT.replace("(another seed tells)", "(not here: every seed starts "
                                 "this init's hidden units alike, and they stay so)")
#: ...in one whose first hidden layer is one neuron for several inputs (`projects_onto_line`)...
_NARROW_FLAT = _FLAT.replace("(another seed tells)", "(another seed tells, once the first "
                             "hidden layer is as wide as the inputs)")
#: ...and in one without (its loss has a single minimum: the seed does not matter)
_LINEAR_FLAT = ("a loss that stays high and flat means too small a learning rate, classes "
                "no straight boundary separates (see the note below) or noise no net can fit")
_LINEAR_FIT_FLAT = ("a loss that stays high and flat means too small a learning rate, data "
                    "no straight line fits (see the note below) or noise no net can fit")
_LOSS_CAPTION = (
    "Loss: {loss}, at every checkpoint, on the training set (solid blue; {scored}) and on "
    "the validation set (dashed orange); the ring marks the lowest validation loss. A gap "
    "that keeps widening means overfitting; {flat}.")


def is_linear(net) -> bool:
    """Whether ``net`` has no hidden layer: a linear model of its inputs."""
    return not net.activations


def curves_note(run, hist: pd.DataFrame) -> str:
    """The note under ``run``'s learning curves ``hist`` ("" for none): that the run
    diverged (`diverged_text`) or is stuck (`stuck_text`), and what a net with no hidden
    layer can draw (`linear_text`)."""
    return " ".join(t for t in (diverged_text(run, hist), stuck_text(run, hist),
                                linear_text(run.net)) if t)


def diverged_text(run, hist: pd.DataFrame) -> str:
    """What the report says under the curves of a run that diverged, and the flag to
    change ("" for any other run): the curves showed the climb under the generic caption,
    the divergence said only in "Use this model", four sections down."""
    if run.result.status != "diverged":
        return ""
    lr = float(run.config.lr)
    epoch = float(hist["epoch"].iloc[-1]) if len(hist) else 0.0
    reason = run.result.reason or "the loss blew up"
    return (f"Training diverged at epoch {epoch:,g} ({reason}) and stopped there: the "
            "steps were too large, each overshooting the minimum it aimed at, so the loss "
            "climbed instead of falling. Train again with a smaller --lr than this run's "
            f"{lr:g}: a tenth of it ({lr / 10:g}), lower again if it still diverges.")


def linear_text(net) -> str:
    """What a net with no hidden layer can draw, the course's proof that one neuron cannot
    solve XOR ("" for a net with hidden layers)."""
    if not is_linear(net):
        return ""
    model = LINEAR_MODELS.get(net.head, "a linear model")
    if net.head == "regression":
        return (f"This net has no hidden layer: it is {model}, whose prediction is a "
                "straight line (a hyperplane) in the inputs, whatever the data's shape.")
    return (f"This net has no hidden layer: it is {model}, whose decision boundary is a "
            "straight line (a hyperplane), so classes no line separates, as XOR's, cannot "
            "all be right however long it trains. Its loss is convex (no local minimum): "
            "another seed does not help, a hidden layer does.")


def _flat(run, hist: pd.DataFrame, linear: str) -> str:
    """The history caption's causes of a flat loss: ``linear``'s for a net with no hidden
    layer, else `_FLAT` (`_SAME_UNITS_FLAT` where the hidden units started alike,
    `_NARROW_FLAT` where the first hidden layer is one neuron for several inputs and the
    run is stuck: its note says why, which another seed does not change)."""
    if is_linear(run.net):
        return linear
    if _units_alike(run):
        return _SAME_UNITS_FLAT
    # only for a stuck run: a digits net 64-32 that learned needs no widening advice
    return _NARROW_FLAT if projects_onto_line(run.net) and stuck_text(run, hist) else _FLAT


def stuck_text(run, hist: pd.DataFrame) -> str:
    """What the report says of a run that used all its epochs with its training loss
    flat (it moved by less than `FLAT_SHARE` over the last half, `FLAT_POINTS` checkpoints
    or more) and high (above
    `HIGH_FACTOR` x eps; with no eps, above `CONSTANT_MARGIN` under a constant
    prediction's, `nets.trivial_training_loss`), or whose early stopping kept the weights
    it started from (`nets.TrainResult.kept_start`): stuck, and why it may be ("" for any
    other run)."""
    if run.result.kept_start:
        return _kept_start_text(run, hist)
    eps = float(run.config.eps)
    loss = hist["train_loss"].to_numpy(float)
    epochs = hist["epoch"].to_numpy(float)
    if run.result.status != "max_epochs" or len(loss) < 3:
        return ""
    half = int(np.searchsorted(epochs, epochs[-1] / 2))
    last = loss[half:]
    if len(last) < FLAT_POINTS or not np.isfinite(last).all() \
            or last.max() - last.min() >= FLAT_SHARE * last[0]:
        return ""
    moved = (f"its training loss barely moved over the last half ({last[0]:.4g} at epoch "
             f"{epochs[half]:,g}, {last[-1]:.4g} at {epochs[-1]:,g})")
    if eps > 0:
        if last[-1] <= HIGH_FACTOR * eps:
            return ""
        text = (f"The run used all its epochs without reaching eps = {eps:g}: {moved}, so "
                "the net is stuck and more epochs would not help.")
    else:
        # QA: coin at --eps 0 sat at its class shares' loss for 195 of 200 epochs, no note:
        # without eps, a constant prediction's loss is the level a stuck run shows. Not "more
        # epochs would not help": xor 2-2-1 at lr 0.1, full batch, sat there to epoch 1,000
        # and left it by 1,500
        constant = nets.trivial_training_loss(run.dataset, run.config)
        if not last[-1] >= (1 - CONSTANT_MARGIN) * constant:
            return ""
        what = "mean" if run.dataset.task == "regression" else "class shares"
        text = (f"The run used all its epochs and {moved}, where always predicting the "
                f"training set's {what} scores {constant:.4g} (it ended "
                + ("no lower" if last[-1] >= constant else
                   f"less than {CONSTANT_MARGIN:.0%} below that") +
                "): the net is stuck, having learned next "
                "to nothing from its inputs; more epochs leave such a plateau late, if ever.")
    if is_linear(run.net):  # linear_text says why
        return text
    if _units_alike(run):  # a seed changes nothing there ("another seed tells" misled)
        alike = nets.SAME_UNITS_TEXT.format(init=run.config.init, flag="--init")
        return f"{text} The {alike}."
    if projects_onto_line(run.net):  # QA: xor 2-1-1 fails on every seed, "another seed" misled
        return text + " " + _narrow_text(run.net, run.dataset.task)
    return text + (" A flat, high loss comes from too little capacity, too small a learning "
                   "rate, a start that landed on a plateau or in a local minimum, or noise no "
                   "net can fit; another seed tells the start apart.")


def projects_onto_line(net) -> bool:
    """Whether ``net``'s first hidden layer is one neuron for several inputs: it projects
    them onto a line, which no seed changes (the course's XOR 2-1-1). A wider layer that
    is narrower than its inputs is not meant (MNIST's 784-64 trains), so not advised on."""
    return not is_linear(net) and net.sizes[1] == 1 < net.sizes[0]


def _narrow_text(net, task: str) -> str:
    """Why a stuck net whose first hidden layer is one neuron (`projects_onto_line`) stays
    stuck: the layer projects the inputs onto a line, which a seed does not change."""
    text = (f"Its first hidden layer has 1 neuron for {net.sizes[0]} input features: it "
            "projects the inputs onto a line, and every later layer sees only that "
            "projection.")
    if len(net.activations) == 1 and task in ("binary", "multiclass"):
        # the output is a monotone function of one projection w·x + b: every activation of
        # nets.ACTIVATIONS is monotone, so a boundary is a straight line across the inputs
        bounds, apart = (("its decision boundary is a straight line, as with no hidden "
                          "layer", "that no straight line separates, as XOR's,")
                         if task == "binary" else
                         ("its class regions are strips between parallel straight lines",
                          "that no such strips separate"))
        return (text + f" So {bounds}: this width cannot separate classes {apart} on any "
                "seed. Another seed does not help; a hidden layer of at least 2 neurons "
                "does.")
    what = "what separates the classes" if task != "regression" else \
        "what the target depends on"
    return text + f" That can lose {what}, on every seed: widen the layer before reseeding."


def _units_alike(run) -> bool:
    """Whether ``run``'s hidden units started alike and nothing told them apart (zero init,
    no dropout): they stayed identical."""
    cfg = run.config
    return (not is_linear(run.net) and not cfg.dropout
            and nets.starts_units_alike(cfg.init))


def _kept_start_text(run, hist: pd.DataFrame) -> str:
    """The note of a run whose early stopping put back its starting weights: the net is
    untrained (a batch-normed iris net once ended so at 0.17, its report silent)."""
    watched = "validation" if hist["val_loss"].notna().any() else "training"
    after = len(hist) - 1
    return (f"Early stopping kept the starting weights: none of the {after:,} checkpoint"
            f"{'s' * (after != 1)} after the start scored a lower {watched} loss, so the "
            "net is untrained: its train and validation values are the curves' first point. "
            "A loss that rises from the start comes from too large a learning rate; one "
            "that falls too slowly to beat it within the patience, from too small a one "
            "or too little patience.")


def _train_scored(run) -> str:
    """What the training curve scores at a checkpoint: the training set (up to the config's
    ``eval_size`` rows), where the course scored the current mini-batch, whose noise made
    its training curve jagged with small batches."""
    n, most = len(run.dataset.X_train), run.config.eval_size
    rows = f"a fixed random {most} of its {n} rows" if most and n > most else "all of it"
    return f"{rows}, not the last mini-batch as in the course"


def _same_curves(ds) -> str:
    """What the learning curves' caption says when the validation set is the training set
    (XOR): the two lines are one, the dashed one drawn on the other ("" otherwise)."""
    if not ds.test_is_train:
        return ""
    return (f" On {ds.name} the validation set is the training set itself, so the two "
            "curves are the same: the dashed validation line lies on the training line, "
            "which shows between its dashes.")


def lr_caption(hist: pd.DataFrame, schedule: str) -> str:
    """What the learning-rate panel of a history figure shows ("" when it has none)."""
    if not tw.has_lr_panel(hist):
        return ""
    text = " Right: the learning rate at each checkpoint, the rate the steps after it use"
    if nets.is_stepwise(schedule):
        return (text + ", held until the next checkpoint; the history records the rate only "
                "at checkpoints, so a drop between two of them shows at the later one.")
    return text + " (straight lines between checkpoints)."
