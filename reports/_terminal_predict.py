"""`hplab predict`'s lines for people, from its summary (`nets.predict_summary`).
"""

from __future__ import annotations

import nets

from ._text_columns import table_lines


def predict_lines(s: dict, model, *, threshold_asked: bool, frame=None) -> list[str]:
    """`hplab predict`'s lines: the model, what it predicted on, its scores, then (with
    ``frame``) the first ``n_shown`` predictions as a table.

    Parameters
    ----------
    s : dict
        The summary (`nets.predict_summary`).
    model : nets.SavedModel
        The model that predicted.
    threshold_asked : bool
        Whether a threshold was asked for (one in effect by default is not said).
    frame : DataFrame, optional
        Every prediction (`nets.prediction_frame`); None: no table.

    Returns
    -------
    list of str
    """
    where = f"{s['dataset']} test split (data seed {s['data_seed']})" if s["dataset"] \
        else s["input"]
    lines = [f"{model.path}: {model.net!r}", f"{s['n']} predictions on {where}"]
    if threshold_asked:
        lines.append(f"predicted {model.classes[1]} where its probability is >= "
                     f"{s['threshold']:g}")
    if s["accuracy"] is not None:
        lines.append(f"accuracy {s['accuracy']:.4f}")
    elif s["rmse"] is not None:
        r2 = "undefined (a constant target)" if s["r2"] is None else f"{s['r2']:.4f}"
        lines.append(f"rmse {s['rmse']:.4g}, mae {s['mae']:.4g}, r2 {r2}")
    if s["positive"] is not None:
        lines.append(f"class {s['positive']}: " + ", ".join(
            f"{k} {'undefined' if s[k] is None else format(s[k], '.4f')}"
            for k in nets.POSITIVE_SCORES[1:]) + " (pr_auc: average precision)")
    shown = s["n_shown"]
    if frame is not None and shown:
        # 6 significant digits: fixed decimals showed 1e-30 as -0.0000 and 1e30 in 31 digits
        lines += table_lines(frame.head(shown), float_format="{:.6g}".format)
        if shown < s["n"]:  # the table reads as every prediction otherwise
            lines.append(f"{shown} of {s['n']} shown; --limit -1 for all")
    if s["out_path"]:
        lines.append(f"wrote {s['out_path']}")
    return lines
