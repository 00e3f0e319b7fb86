"""The "Use this model" section of the training and study reports: where the saved model
is and the commands that predict with it and export it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import data
import nets
import study

from ._paths import from_report, href_from_report

#: Characters of a comment line of the commands' block: it fits the box of a report at
#: 1280 px, and a terminal of 80 columns.
COMMENT_WIDTH = 78


def add_use_model(rep, model_path, dataset: str, out_dir: Path, *, n_features: int,
                  task: str = "multiclass", feature_names=(), warning: str = "") -> None:
    """Link ``model.npz`` and show ``hplab predict`` / ``hplab export-onnx`` for it.

    Parameters
    ----------
    rep : Report
    model_path : path
        The saved model (the commands name it from the report's folder, as the link does:
        they work wherever the folder is moved, copied or sent).
    dataset : str
        The dataset name the model was trained on: with one hplab can load, the commands
        score its test split by ``--dataset`` alone (the model's recorded name and data seed).
    out_dir : Path
        The report's folder (the link and the commands' model paths are relative to it).
    n_features : int
        Inputs per example, for the ``--input`` hint.
    task : str
        The dataset's task: a regression model keeps its target scaling, not class labels.
    feature_names : sequence of str
        The columns the model takes, named in the ``--input`` hint (the first few of many).
    warning : str
        Why the saved weights are no model to use (`unusable_weights`), shown first as a
        note; "" for none.
    """
    model_path = Path(model_path)
    # relative wherever the model is (reports.training_report(run, other_folder) linked a
    # file:/// URI on the author's disk, dead once sent or moved)
    href = href_from_report(model_path, out_dir)
    # absolute, they failed for whoever got the folder (a zip, an email) and for its author
    # once the project was moved or renamed
    model = nets.shell_word(from_report(model_path, out_dir))
    onnx_file = model_path.with_suffix(".onnx")
    if model_path.parent.name in study.RESULT_FOLDERS:
        # a study's best_model/ is the report's own: export-onnx refuses to write into it
        onnx_file = out_dir / onnx_file.name
    onnx_path = nets.shell_word(from_report(onnx_file, out_dir))
    rep.add_section("Use this model")
    if warning:  # QA: a diverged run's weights were offered as any good model's
        rep.add_text(warning, note=True)
    kept = "target scaling" if task == "regression" else "class labels"
    rep.add_links(f"The trained net is saved with its input scaling, {kept} and "
                  "configuration (NumPy arrays and JSON, no pickle):", {model_path.name: href})
    try:
        data.source_paths(dataset)  # parses the name
        own_data = True
    except data.DataError:  # a hand-built Dataset's name: no command loads it
        own_data = False
    rep.add_text("Run these from this report's folder:")
    rep.add_code("\n".join([
        *_comment(f"raw inputs: a .npy array or a .csv with {n_features} feature column(s)"
                  + _columns_hint(feature_names)),
        f"hplab predict {model} --input inputs.csv --out predictions.csv",
        *(_comment("binary: --threshold T predicts the positive class where its probability "
                   "is at least T (default: the more probable class)")
          if task == "binary" else []),
        *([*_comment("the test split of its data again (the name and data seed the model "
                     "records), scored (" + (
                         "accuracy, precision, recall, F1, ROC-AUC and PR-AUC" if
                         task == "binary" else "rmse, mae and R²" if task == "regression"
                         else "accuracy")
                     + "; --json)"),
           f"hplab predict {model} --dataset"] if own_data else []),
        *_comment("an ONNX graph for any runtime (needs pip install 'hplab[onnx]')"),
        f"hplab export-onnx {model} {onnx_path}",
    ]))
    rep.add_text("Both take raw, unscaled features: the model applies the scaling it was "
                 "trained with, and the ONNX graph does the same in its first nodes.")


def unusable_weights(result) -> str:
    """Why the weights a training ``result`` saved are no model to use ("" if they may be):
    training diverged, or the saved checkpoint is the first one (the loss never improved)."""
    if result.status == "diverged":
        return ("Training diverged (" + (result.reason or "the loss blew up") + "): the saved "
                "weights are those of a blown-up net, no model to use. Train again with a "
                "smaller learning rate (--lr).")
    if result.final_row == 0 and len(result.history) > 1:
        return ("The saved weights are the first checkpoint's: the watched loss never "
                "improved on it, so the model has learned nothing to use.")
    return ""


def _comment(text: str) -> list[str]:
    """``text`` as shell comment lines of at most `COMMENT_WIDTH` characters (a word longer
    than that alone on its line): one long line ran past the box on a laptop's screen, cut
    mid-word. Each line a comment of its own, the block copies and runs as it is."""
    return ["# " + line for line in textwrap.wrap(
        text, COMMENT_WIDTH - 2, break_long_words=False, break_on_hyphens=False)] or ["#"]


def _columns_hint(names) -> str:
    """The ``--input`` hint's list of the model's columns: a header naming them picks them
    from any others (an ID column left out of training may stay in the file). Their control
    characters written as escapes (`nets.escaped`): the hint is a shell comment in a block
    the page says to run, and a name's newline (a quoted CSV header may hold one) ended the
    comment, the rest of the name a command (the page's own escaping keeps ``\n``)."""
    listed = nets.escaped(nets.first_names(names, 8, total=False, quote_commas=True))
    if not listed:
        return ""
    return f" ({listed}; a header naming them picks them, in any order, among others)"
