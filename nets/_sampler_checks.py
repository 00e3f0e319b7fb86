"""Why a sampler would refuse the data, said before imbalanced-learn does: nothing to
resample at its ratio (`nothing_to_resample`), or too few samples for its nearest
neighbours (`too_few_for_neighbours`). numpy only: imbalanced-learn's rules restated."""

from __future__ import annotations

import numbers

import numpy as np

from ._imbalance_registry import STRATEGIES


def nothing_to_resample(strategy: str, y, sampling_ratio: float,
                        what: str = "the training data", flag: str = "--sampling-ratio") -> str:
    """Why ``strategy`` has nothing to do on labels ``y``, or ``""`` when it can run.

    A sampler aiming at minority/majority ``sampling_ratio`` only adds positives or drops
    negatives; on data already at least that balanced imbalanced-learn refuses with
    "Please increase the ratio" (it would have to remove positives or add negatives).

    Parameters
    ----------
    strategy : str
        A key of `STRATEGIES`.
    y : array (n,)
        Binary labels, 1 the minority.
    sampling_ratio : float
        The minority/majority ratio the sampler aims at.
    what, flag : str
        How the message names the data and the setting.

    Returns
    -------
    str
    """
    entry = STRATEGIES[strategy]
    if not entry.uses_ratio:
        return ""
    return ratio_reached(y, sampling_ratio, what, flag, under=entry.kind == "under")


def ratio_reached(y, sampling_ratio: float, what: str = "the training data",
                  flag: str = "--sampling-ratio", under: bool = False) -> str:
    """Why a sampler aiming at ``sampling_ratio`` has nothing to do on labels ``y``, or
    ``""``; `nothing_to_resample` for any strategy.

    imbalanced-learn's own rule (``_sampling_strategy_float``), so that what it refuses is
    said here first: an over-sampler (``under`` False) adds ``int(n_neg * ratio - n_pos)``
    positives and refuses 0, which data just under the ratio also gives (125:629 at 0.2);
    an under-sampler keeps ``int(n_pos / ratio)`` negatives, which on data under the ratio
    are never more than there are.
    """
    y = np.asarray(y)
    n_pos, n_neg = int((y == 1).sum()), int((y == 0).sum())
    if n_pos >= n_neg:
        return (f"{what} already has as many positives as negatives ({n_pos}:{n_neg}): "
                "nothing to resample at any sampling ratio")
    under_ratio = n_pos < sampling_ratio * n_neg
    if under_ratio if under else _would_add(n_pos, n_neg, sampling_ratio) > 0:
        return ""
    have = n_pos / n_neg
    exact = n_neg * sampling_ratio - n_pos
    # 7:100 at 0.07 is 100 x 0.07 - 7 = 8.9e-16 in floats: the data is at the ratio
    at_ratio = abs(exact) <= 1e-9 * n_pos
    if not under_ratio and not at_ratio:
        # an under-sampler runs above the data's own balance; an over-sampler needs one
        # positive to add (125:1000 at 0.1251 adds 0.1: refused)
        least = (f"above {have:.3g}" if under
                 else f"of at least {_least_ratio(n_pos, n_neg)}")
        return (f"{what} is already 1:{n_neg / n_pos:.3g} ({have:.3g}), at or above the "
                f"sampling ratio {sampling_ratio:g}: nothing to resample; give a sampling "
                f"ratio {least} ({flag})")
    if at_ratio:
        where, added = "at", "0 positives"
    else:  # just under the ratio: one positive more would overshoot it
        # the float imbalanced-learn truncates: 100 x 0.29 - 28 is 0.999999999999996
        where, added = "just under", f"{exact:.2g}"
        added = (f"{added} positives" if float(added) < 1
                 else f"{exact:.15g} positives in floating point")
        added += ", fewer than one"
    return (f"{what} is {n_pos}:{n_neg} (1:{n_neg / n_pos:.4g}), {where} the sampling "
            f"ratio {sampling_ratio:.4g} (1:{1 / sampling_ratio:.4g}): a sampler would add "
            f"{n_neg} x {sampling_ratio:.4g} - {n_pos} = {added}: nothing "
            f"to resample; give a sampling ratio of at least {_least_ratio(n_pos, n_neg)} "
            f"({flag})")


def _would_add(n_pos: int, n_neg: int, ratio: float) -> int:
    """The positives an over-sampler aiming at ``ratio`` adds: imbalanced-learn's own
    expression (``_sampling_strategy_float``), float rounding and all."""
    return int(n_neg * ratio - n_pos)


def _least_ratio(n_pos: int, n_neg: int, digits: int = 4) -> str:
    """The least ratio of ``digits`` significant digits at which an over-sampler adds a
    positive to ``n_pos``:``n_neg``, as written: (n_pos + 1) / n_neg rounded up, then up a
    last digit while `_would_add` still truncates it to none (28:100 at 0.29 adds
    0.999999999999996)."""
    text = _round_up((n_pos + 1) / n_neg, digits)
    while _would_add(n_pos, n_neg, float(text)) < 1:  # ends by 1, which adds n_neg - n_pos
        ratio = float(text)
        step = 10.0 ** (int(np.floor(np.log10(ratio))) - digits + 1)
        text = f"{ratio + step:.{digits}g}"
    return text


def _round_up(x: float, digits: int = 4) -> str:
    """``x`` to ``digits`` significant digits, rounded up (a lower bound stays one)."""
    scale = 10.0 ** (digits - 1 - int(np.floor(np.log10(x))))
    return f"{np.ceil(x * scale - 1e-9) / scale:.{digits}g}"


#: imbalanced-learn's nearest-neighbour searches, by sampler class: the parameter, whether it
#: searches the minority class only, and 1 when each searched sample is among its own
#: neighbours (so k neighbours need k + 1 samples). NearMiss searches the minority from the
#: majority: k are enough.
_NEIGHBOURS = {
    "SMOTE": (("k_neighbors", True, 1),),
    "ADASYN": (("n_neighbors", True, 1),),
    "BorderlineSMOTE": (("k_neighbors", True, 1), ("m_neighbors", False, 1)),
    "NearMiss": (("n_neighbors", True, 0),),
}


def too_few_for_neighbours(sampler, y, what: str = "the training data") -> str:
    """Why ``sampler`` cannot find its nearest neighbours in labels ``y``, or ``""``.

    SMOTE and its kin look for each minority sample's neighbours among the minority; with
    too few, scikit-learn refuses with "Expected n_neighbors <= n_samples_fit", which names
    neither the sampler nor the minority. The counts come from the sampler's own settings.

    Parameters
    ----------
    sampler : imbalanced-learn sampler
    y : array (n,)
        Binary labels.
    what : str
        How the message names the data.

    Returns
    -------
    str
    """
    label = type(sampler).__name__
    if hasattr(sampler, "smote"):  # SMOTEENN, SMOTETomek: SMOTE() unless given one
        from imblearn.over_sampling import SMOTE

        sampler = SMOTE() if sampler.smote is None else sampler.smote
        label = f"{label}'s {type(sampler).__name__}"
    counts = np.unique(np.asarray(y), return_counts=True)[1]
    name = type(sampler).__name__
    if len(counts) != 2 or name not in _NEIGHBOURS:  # imbalanced-learn says what is wrong
        return ""
    for param, minority, itself in _NEIGHBOURS[name]:
        k = sampler.get_params()[param]
        if not isinstance(k, numbers.Integral):  # a neighbours estimator: left to it
            continue
        have, need = int(counts.min() if minority else counts.sum()), int(k) + itself
        if have < need:
            return (f"{what} has {have} {'minority ' if minority else ''}sample"
                    f"{'' if have == 1 else 's'}; {label} needs at least {need} ({param}={k} "
                    "neighbours"
                    f"{' + the sample itself' if itself else ''})")
    return ""
