"""One benchmark run: fit a strategy's pipeline on one split, tune the threshold, score.

`run_task` is what the joblib workers execute. A sampler that cannot work on the data
(SMOTE with fewer minority examples than neighbours, ADASYN finding no majority
neighbour...) comes back as ``status="failed"`` with its reason, and the benchmark goes
on; a bug (a TypeError in pipeline code, resampling reaching validation or test data) is
raised.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nets import STRATEGIES, filtered_warnings, imbalance_metrics, make_imbalance_pipeline

from ._imbalance_metrics import tune_threshold
from ._imbalance_unchanged import left_as_it_was
from ._imbalance_variants import Variant, held_variant

#: What scikit-learn, imbalanced-learn and the nets raise when a run cannot work on its
#: data: ValueError (too few samples, one class left, a diverged net; LinAlgError is one),
#: and RuntimeError (ADASYN: "Not any neigbours belong to the majority class"). Anything
#: else (TypeError, AttributeError...) is a bug in the code and is raised, not a failed row.
DATA_ERRORS = (ValueError, RuntimeError)

#: The two thresholds every run is scored at: 0.5 and the one tuned on validation (the
#: report reads its rows by these labels).
THRESHOLDS = ("0.5", "tuned")


@dataclass(frozen=True)
class Split:
    """The arrays a run trains, tunes and scores on: its variant's, or the leaky demo's."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


@dataclass(frozen=True)
class Task:
    """A picklable description of one run."""

    ratio: str
    strategy: str
    mode: str  # "proper": resampling inside training; "leaky": before the split
    seed: int  # seed index 0..n-1
    random_state: int
    variant: Variant  # loaded where the run executes: a task carries no arrays
    sampling_ratio: float
    net_params: dict
    tune_for: str
    # the variant's `data.mapped_copy`, which local pool workers map from one file rather
    # than each loading the variant again (None: loaded by reference where it runs)
    data: Any = field(default=None, compare=False, repr=False)


class _Recorder:
    """Pipeline step that passes data through and counts what the model is fitted on.

    imbalanced-learn calls a sampler step in ``fit`` only, so ``calls`` staying at 1
    after predicting on validation and test proves those were never resampled.
    """

    def __init__(self):
        self.calls, self.counts = 0, (0, 0)

    def __call__(self, X, y):
        self.calls += 1
        self.counts = tuple(int(c) for c in np.bincount(np.asarray(y, dtype=np.int64),
                                                        minlength=2)[:2])
        return X, y


def _counted(pipe, recorder: _Recorder):
    """``pipe`` with the recorder inserted just before the model."""
    from imblearn import FunctionSampler
    from imblearn.pipeline import Pipeline

    steps = list(pipe.steps)
    steps.insert(len(steps) - 1, ("count", FunctionSampler(func=recorder, validate=False)))
    return Pipeline(steps)


def _counts(y) -> tuple[int, int]:
    c = np.bincount(np.asarray(y, dtype=np.int64), minlength=2)
    return int(c[1]), int(c[0])


def leaky_split(split: Split, sampler, random_state: int) -> Split:
    """The mistake the leakage demonstration shows: resample everything, then split.

    Train, validation and test are merged, resampled together, and split again with their
    original shares (stratified). The test set no longer has the real class distribution;
    with an oversampler, copies of (or interpolations between) test positives also land in
    training.
    """
    from sklearn.model_selection import train_test_split

    X = np.concatenate([split.X_train, split.X_val, split.X_test])
    y = np.concatenate([split.y_train, split.y_val, split.y_test])
    Xr, yr = sampler.fit_resample(X, y)
    n_test = len(split.y_test) / len(y)
    n_val = len(split.y_val) / (len(split.y_train) + len(split.y_val))
    X_pool, X_te, y_pool, y_te = train_test_split(Xr, yr, test_size=n_test, stratify=yr,
                                                  random_state=random_state)
    X_tr, X_va, y_tr, y_va = train_test_split(X_pool, y_pool, test_size=n_val,
                                              stratify=y_pool, random_state=random_state)
    return Split(X_tr, y_tr, X_va, y_va, X_te, y_te)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or "no message"
    return f"{type(exc).__name__}: {text}"[:300]


def _no_scores(task: Task, status: str, reason: str, seconds: float) -> dict:
    """The output of a run without scores: ``failed`` or ``skipped``, with its reason."""
    row = {"ratio": task.ratio, "strategy": task.strategy, "mode": task.mode,
           "seed": task.seed, "random_state": task.random_state, "status": status,
           "reason": reason, "note": ""}
    return {"rows": [{**row, "threshold": t, "threshold_value": math.nan} for t in THRESHOLDS],
            "status": status, "reason": reason, "y_true": None, "proba": None,
            "seconds": seconds}


def skipped_run(task: Task, reason: str) -> dict:
    """What a run not trained (its sampler has nothing to resample) returns instead."""
    return _no_scores(task, "skipped", reason, 0.0)


def failed_run(task: Task, reason: str) -> dict:
    """What a run that cannot train (too few samples for its sampler) returns instead."""
    return _no_scores(task, "failed", reason, 0.0)


def run_task(task: Task) -> dict:
    """Fit, tune and score one run; a dict of rows (one per threshold), scores and counts.

    Returns
    -------
    dict
        ``rows`` (two dicts: metrics at 0.5 and at the tuned threshold), ``y_true``,
        ``proba`` (test scores), ``status`` (ok / failed), ``reason``, ``seconds``.
    """
    base = {"ratio": task.ratio, "strategy": task.strategy, "mode": task.mode,
            "seed": task.seed, "random_state": task.random_state}
    # the runs of one variant come in a row: loaded once (or mapped, shared with the others)
    ds = task.data if task.data is not None else held_variant(task.variant)
    start = time.perf_counter()  # the run, not the worker's first load of the data
    split = Split(ds.X_train, ds.y_train, ds.X_val, ds.y_val, ds.X_test, ds.y_test)
    pipe = None
    try:
        pipe = make_imbalance_pipeline(task.strategy, task.sampling_ratio, task.net_params,
                                       task.random_state)
        if task.mode == "leaky":
            # the sampler leaves the pipeline: it already ran on everything
            split = leaky_split(split, pipe.named_steps["sampler"], task.random_state)
            pipe = make_imbalance_pipeline("none", task.sampling_ratio, task.net_params,
                                           task.random_state)
        n_train = _counts(split.y_train)  # a leaky run's: the split it trains on
        recorder = _Recorder()
        pipe = _counted(pipe, recorder)
        # short benchmark nets often stop at max_epochs; that is the setting, not news, and
        # a diverged net is a failed row saying so: only the net's word on how its fit ended
        # is left out (a sampler's warning, a one_cycle too short, another thread's are seen)
        from sklearn.exceptions import ConvergenceWarning  # loaded with the pipeline

        with filtered_warnings(("ignore", ConvergenceWarning, r"NetClassifier: ")):
            pipe.fit(split.X_train, split.y_train)
            p_test = pipe.predict_proba(split.X_test)[:, 1]
            note = ""
            try:
                tuned = tune_threshold(pipe, split.X_val, split.y_val, task.tune_for)
            except ValueError as exc:  # constant validation scores: nothing to tune
                tuned, note = 0.5, f"threshold left at 0.5 ({_one_line(exc)})"
    except DATA_ERRORS as exc:  # a strategy failing on the data must not stop the benchmark
        reason = _one_class(task, split, pipe)
        return _no_scores(task, "failed", reason or _one_line(exc),
                          time.perf_counter() - start)
    if recorder.calls != 1 or len(p_test) != len(split.y_test):
        raise RuntimeError("resampling reached data outside training")  # a bug: not a row
    model = pipe.named_steps["model"]
    if getattr(model, "status_", "") == "diverged":
        # a loss that blew up but stayed finite predicts (a constant, at times): its scores
        # (PR-AUC the prevalence) ranked beside the others' as a remedy that tied; a loss
        # gone NaN fails in predict_proba, above, and says so in the same words
        return _no_scores(task, "failed", f"{type(model).__name__}: the fit diverged "
                          f"({model.reason_}); fit again with a lower lr",
                          time.perf_counter() - start)
    fit_pos, fit_neg = recorder.counts[1], recorder.counts[0]
    unchanged = ""
    entry = STRATEGIES[task.strategy]
    if left_as_it_was(task.strategy, task.mode, (fit_pos, fit_neg), n_train):
        # imbalanced-learn returns the data as it was, unsaid, when a sampler aiming at a
        # ratio finds nothing to act on (BorderlineSMOTE with no positive near the border),
        # and a cleaner that finds nothing to remove keeps every row (in their order: the
        # enn strategy's ENN as TomekLinks): that net is 'none' again, its scores none's.
        # Said on the run; the benchmark skips the strategy when it did so on every seed
        # (`skip_unchanged`): ENN on moons at 1:100 ranked first for removing nothing
        unchanged = (f"{entry.label} left the training data as it was ({fit_pos}:{fit_neg}): "
                     f"it found no example to {'remove' if entry.kind == 'clean' else 'act on'}"
                     ", and its net would be the 'none' run")
    counts = {"n_train_pos": n_train[0], "n_train_neg": n_train[1],
              "n_fit_pos": fit_pos, "n_fit_neg": fit_neg,
              "n_val_pos": _counts(split.y_val)[0], "n_val_neg": _counts(split.y_val)[1],
              "n_test_pos": _counts(split.y_test)[0], "n_test_neg": _counts(split.y_test)[1],
              "net_status": getattr(model, "status_", ""),
              # the training budget each strategy got: a sampler shrinking the data takes
              # fewer optimizer steps per epoch (None: isolation_forest trains no net)
              "n_epochs": getattr(model, "n_iter_", None), "n_steps": getattr(model, "t_", None)}
    rows = []
    for label, thr in zip(THRESHOLDS, (0.5, tuned), strict=True):
        said = "; ".join(filter(None, [unchanged, note if label == "tuned" else ""]))
        rows.append({**base, "threshold": label, "threshold_value": float(thr), "status": "ok",
                     "reason": "", "note": said,
                     **imbalance_metrics(split.y_test, p_test, thr), **counts})
    return {"rows": rows, "status": "ok", "reason": "", "y_true": split.y_test.copy(),
            "proba": p_test, "seconds": time.perf_counter() - start,
            "label": STRATEGIES[task.strategy].label, "unchanged": unchanged}


def _one_class(task: Task, split: Split, pipe) -> str:
    """Why a proper run failed when its sampler left the model one class (ENN on XOR's 4
    points removes both positives), or '': the error raised then ("The target 'y' needs
    to have more than 1 class") named no sampler. Its sampler is run again on the training
    split to tell (same random_state, same output): only failed runs pay for it."""
    from sklearn.base import clone

    sampler = getattr(pipe, "named_steps", {}).get("sampler")
    before = _counts(split.y_train)
    if task.mode != "proper" or sampler is None or not all(before):
        return ""
    try:
        _, y = clone(sampler).fit_resample(split.X_train, split.y_train)
    except DATA_ERRORS:  # it failed itself: its own error says why
        return ""
    pos, neg = _counts(y)
    if pos and neg:
        return ""
    return (f"{STRATEGIES[task.strategy].label} left one class: it removed every "
            f"{'positive' if not pos else 'negative'} training example ({before[0]} "
            f"positive(s), {before[1]} negative(s) before; {pos}:{neg} after), so no net "
            "could be trained")


def skip_unchanged(tasks, outputs) -> list[dict]:
    """``outputs`` with the runs of a (ratio, strategy) whose sampler left the training
    data as it was on every seed made skipped runs (it is 'none' again, ranked as a remedy
    it was not); on some seeds only, they stay: its scores there are what it gives there."""
    groups: dict[tuple, list[int]] = {}
    for k, t in enumerate(tasks):
        if t.mode == "proper":
            groups.setdefault((t.ratio, t.strategy), []).append(k)
    outputs = list(outputs)
    for members in groups.values():
        if all(outputs[k].get("unchanged") for k in members):
            for k in members:
                outputs[k] = skipped_run(tasks[k], outputs[k]["unchanged"])
    return outputs
