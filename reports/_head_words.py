"""The training report's words for a net's head: its output and matched loss (the course's
three pairs), and what the regression head's loss is on a scaled target."""

from __future__ import annotations

#: Each head's output function and the loss matched to it, the course's three pairs
HEAD_PAIRS = {"regression": ("identity", "½·MSE"),
              "binary": ("logistic", "binary cross-entropy"),
              "multiclass": ("softmax", "cross-entropy")}


def head_text(head: str) -> str:
    """``"binary head: logistic output + binary cross-entropy"``: the head with its pair
    (a head of no known pair: ``"<name> head"``)."""
    if head not in HEAD_PAIRS:
        return f"{head} head"
    output, loss = HEAD_PAIRS[head]
    return f"{head} head: {output} output + {loss}"


def head_setting(given, used: str):
    """The head setting as the report shows it: the head used with its output and loss,
    and "auto" when the data's task chose it (config.json's ``resolved`` records it)."""
    shown = f"{used}, auto from the data's task" if given == "auto" else used
    return f"{shown}: {' + '.join(HEAD_PAIRS[used])}" if used in HEAD_PAIRS else shown


def regression_loss(ds) -> str:
    """What the regression head's loss is, in words: the report must not call it the MSE.

    The head minimizes ½·mean(e²) on the target as the net sees it; data.load min-max
    scales that target by the training range (y_scale; with merge_scaling the range over
    train, validation and test), so the loss is ½·MSE / y_scale² in original units, not
    comparable with the RMSE card.
    """
    if not target_scaled(ds):  # --scaling none: the target's own units
        return "½·MSE in the target's original units"
    sign = "−" if ds.y_shift >= 0 else "+"
    # data.load scales the target as it scales the features: merged on request
    over = ("over train, validation and test merged (merge_scaling)"
            if ds.info.get("merge_scaling") else
            "over its training range")
    return (f"½·MSE on the target min-max scaled to [0, 1] {over}, "
            f"(y {sign} {abs(ds.y_shift):.4g}) / {ds.y_scale:.4g}")


def target_scaled(ds) -> bool:
    """Whether data.load scaled the regression target (its loss is then not in its units)."""
    return not (ds.y_scale == 1.0 and ds.y_shift == 0.0)
