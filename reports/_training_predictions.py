"""What a trained net predicts on the test set, as a report's section: a classifier's
"Test set" (per-class scores, the confusion matrix), a regression's "Fit". The training
run's report and a study's best trial's (`reports._study_best`) both show them."""

from __future__ import annotations

import numpy as np

from . import _class_scores as cs, _training_data as td, _training_draw as tw
from ._core import Report


def add_test_set(rep: Report, net, ds, classes) -> None:
    """The "Test set" section of a classifier: notes on absent, never-predicted, never-right
    and lagging classes, the confusion matrix and the per-class table."""
    y_true, y_pred = np.asarray(ds.y_test), np.asarray(net.predict(ds.X_test))
    per_class = cs.per_class_frame(y_true, y_pred, classes)
    rep.add_section("Test set")
    rows = per_class.iloc[:-1]
    absent = cs.absent_from_test(ds)
    if absent:  # its row reads 0s by convention, and the balanced accuracy (on imbalanced
        # data the first card) is not given: on other data there is none to miss
        missing = (", and no balanced accuracy is given"
                   if cs.is_imbalanced(ds.y_train, ds.n_classes) else "")
        rep.add_text(f"The test set holds no example of class{'es' if len(absent) > 1 else ''} "
                     f"{', '.join(map(str, absent))} (support 0): "
                     f"{'their' if len(absent) > 1 else 'its'} precision, recall and F1 are "
                     f"0 by convention{missing}.", note=True)
    missed = (rows["recall"] == 0) & (rows["support"] > 0)
    # recall 0 is "never right", not "never predicted": the confusion matrix's columns tell
    predicted = np.bincount(y_pred.astype(np.int64), minlength=len(classes)) > 0
    never = rows[missed & ~predicted]["class"].tolist()
    wrong = rows[missed & predicted]["class"].tolist()
    if never:  # the accuracy of such a net counts the other classes only
        rep.add_text(f"The net never predicts class{'es' if len(never) > 1 else ''} "
                     f"{', '.join(map(str, never))} on the test set (recall 0): its accuracy "
                     "is that of ignoring them.", note=True)
    if wrong:
        rep.add_text(f"The net predicts class{'es' if len(wrong) > 1 else ''} "
                     f"{', '.join(map(str, wrong))} on the test set, but never rightly (recall "
                     "0): each such prediction belongs to another class.", note=True)
    lagging = rows[(rows["recall"] < rows["recall"].mean() - 0.05) & (rows["recall"] > 0)]
    if len(rows) > 2 and len(lagging):  # every class that lags, the worst first
        lagging = lagging.sort_values("recall", kind="stable")
        names = ", ".join(f"{c} ({r:.3f})" for c, r in zip(lagging["class"], lagging["recall"],
                                                          strict=True))
        rep.add_text(f"Class{'es' if len(lagging) > 1 else ''} {names} lag"
                     f"{'' if len(lagging) > 1 else 's'} behind in recall, against "
                     f"{rows['recall'].mean():.3f} on average.", note=True)
    counted = len(classes) <= tw.ANNOTATE_MAX_CLASSES
    rep.add_figure("confusion", tw.draw_confusion, cs.confusion_frame(y_true, y_pred, classes),
                   caption=("Test-set counts" if counted else "The test set") + ", true class "
                   "by row and prediction by column; the colour is the share of the row"
                   + ("" if counted else f" (with {len(classes)} classes the counts do not "
                      "fit in the cells: the CSV holds them)") + ". Off-diagonal cells show "
                   "which classes the net confuses.")
    # QA: a class never predicted read precision 0 (0/0, scikit-learn's zero_division=0):
    # undefined, a dash, as the positive-class table shows it
    unpredicted = np.append(~predicted, False)  # the macro average keeps its 0
    shown = per_class.assign(precision=per_class["precision"].mask(unpredicted))
    rep.add_table(shown, name="per-class", title="Precision, recall and F1 per class", caption=(
        "Precision: of the samples predicted as the class, the share that is right. Recall: "
        "of the samples of the class, the share found. F1 is their harmonic mean. With "
        "imbalanced classes read these, not the accuracy."
        + (" A dash: the net never predicts that class, so its precision is undefined (0 in "
           "the macro average, as scikit-learn counts it)." if unpredicted.any() else "")))


def add_fit(rep: Report, net, ds) -> None:
    """The "Fit" section of a regression: the prediction against the data, in its units."""
    inverse_x = None
    if ds.x_scale is not None:  # show x in the data's own units
        def inverse_x(X):
            return X * ds.x_scale + ds.x_shift
    data = td.regression_frames(net.predict, ds.inverse_y,
                                {"train": (ds.X_train, ds.y_train), "test": (ds.X_test, ds.y_test)},
                                inverse_x=inverse_x, names=td.fit_names(ds))
    rep.add_section("Fit")
    one_d = "curve" in data
    counts = data["samples"]["split"].value_counts()
    shown = td.thinned_note({"training": (counts.get("train", 0), len(ds.X_train)),
                             "test": (counts.get("test", 0), len(ds.X_test))},
                            "The figure shows")
    rep.add_figure("fit", tw.draw_fit, data, caption=(
        "Training samples (light blue), test samples (green) and the net's prediction (line), "
        "in the data's original units. A good fit follows the shape of the data without chasing "
        "its noise." if one_d else
        "Each test and training sample's prediction against its true value, in original "
        "units; points on the dashed diagonal are predicted exactly.") + shown)
