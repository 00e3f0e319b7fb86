"""The imbalance benchmark's ratios: labels parsed from a list or text (``"1:50,1:10"``),
or from the ratio its dataset's name sets."""

from __future__ import annotations

import numpy as np

from ._imbalance_variants import OWN
from ._python_words import errors_in_python_words


@errors_in_python_words("imbalance")  # called from Python alone too
def parse_ratios(ratios) -> tuple[str, ...]:
    """Normalized ratio labels: ``"1:50,1:10"`` or a list -> ``("1:50", "1:10")``.

    ``None``, ``"own"`` or ``"none"`` mean the data's own balance.

    Parameters
    ----------
    ratios : str, sequence of str or None
        Positives to negatives, ``"1:50"``, comma-separated or as a list.

    Raises
    ------
    ValueError
        Bad syntax (``50``, ``1/50``), a side <= 0, or positives not the minority.
    """
    import data

    if ratios is None:
        return (OWN,)
    if isinstance(ratios, str):
        ratios = ratios.split(",")
        if not all(r.strip() for r in ratios):  # "1:5,,1:10" is a typo
            raise ValueError(f"ratio list {','.join(ratios)!r} has an empty item")
    elif not np.iterable(ratios):  # 5: one number is no ratio
        raise ValueError(f"ratios must be a string such as '1:50,1:10' or a list of "
                         f"ratios, got {ratios!r}")
    out = []
    for text in ratios:
        if str(text).strip().lower() in (OWN, "none"):
            label = OWN
        else:
            # DataError (a ValueError) names the syntax; "imbalance" was data.load's option
            p, n = data.parse_ratio(text, "--ratio")
            if p >= n:
                raise ValueError(f"ratio {text!r} does not make the positive class the "
                                 "minority; write positives:negatives, e.g. 1:50")
            label = data.ratio_text(p, n)
        # 1:10 and 2:20 are one ratio (the same data): trained once, under the first
        if not any(label == o or OWN not in (label, o) and data.same_ratio(label, o)
                   for o in out):
            out.append(label)
    if not out:
        raise ValueError("no ratio given; e.g. --ratio 1:50 or --ratio 1:10,1:50")
    return tuple(out)


def _name_ratio_labels(dataset: str, ratios) -> tuple[str, ...]:
    """`parse_ratios` of ``ratios``, or of the ratio the dataset's name sets
    (``digits?imbalance=1:20&positive=8``) when none is given: that data is at 1:20, and was
    labelled the data's own balance. ``"own"`` beside a ratio in the name is refused, as
    another ratio is (``data.load``: "given twice")."""
    import data

    try:
        in_name = data.parse_name(dataset)[2].get("imbalance")
        if in_name is not None:
            data.parse_ratio(in_name)  # a bad one: data.load says so, naming the option
    except data.DataError:
        in_name = None
    labels = parse_ratios(in_name if ratios is None and in_name is not None else ratios)
    if in_name is not None and OWN in labels:
        raise ValueError(f"ratio {OWN!r} (the data's own balance) given, but the dataset name "
                         f"sets imbalance={in_name}: drop imbalance from the name to run at "
                         "the data's own balance, or give no ratio to run at the name's")
    return labels
