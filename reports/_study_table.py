"""The study report's trials as a reader sees them: workers named by a readable label, and
the "All trials" table narrowed to the columns that tell its rows apart (its CSV keeps all)."""

from __future__ import annotations

import pandas as pd

from study import other_checkout, trial_checkout, trial_info, trial_times, trial_version

#: What puts a trial on the Pareto front: no other trial dominates it.
DOMINATED = "none is at least as good on every objective and better on one"
_KEPT = ("number", "pareto", "reason")  # every row's own, even where all rows share it


def worker_labels(trials, *, flat: bool = True) -> dict[str, str]:
    """Each stored worker id (``host~ns:pid@start``, its PID namespace and its start in
    clock ticks since boot: keys, not a time) to ``host:pid (HH:MM:SS UTC)``, the time its
    first trial started (with the date when the workers' first trials fall on several
    days). An id whose label another worker's would share keeps its stored form, so no two
    workers read alike."""
    times = trial_times(trials)
    first: dict[str, object] = {}
    for t in trials:
        worker = trial_info(t, flat=flat).get("worker")
        start = times[t.number][0]
        if worker is None:
            continue
        if worker not in first or (start is not None and (
                first[worker] is None or start < first[worker])):
            first[worker] = start
    days = {s.date() for s in first.values() if s is not None}
    clock = "%H:%M:%S UTC" if len(days) <= 1 else "%Y-%m-%d %H:%M:%S UTC"
    labels = {}
    for worker, start in first.items():
        host, _, pid = str(worker).partition("@")[0].rpartition(":")
        host_pid = f"{host.partition('~')[0]}:{pid}"  # its PID namespace: a key too
        labels[worker] = host_pid + (f" ({start.strftime(clock)})" if start else "")
    shared = pd.Series(labels).duplicated(keep=False)
    return {w: (str(w) if shared[w] else text) for w, text in labels.items()}


def trial_code(trial, *, flat: bool = True) -> tuple[str | None, str | None]:
    """The hplab code that ran ``trial``, whole, as its record names it: (its version,
    ``0.1.1.dev5+g1a2b3c4``, and the checkout it ran from where that is other code than
    the version names, else None); (``earlier``, None) for a record of a version before
    records named it; (None, None) for a trial hplab never entered (``flat`` as for
    `study.trial_info`)."""
    if "worker" not in trial_info(trial, flat=flat):
        return None, None
    version = trial_version(trial, flat=flat)
    if version is None:
        return "earlier", None
    return version, other_checkout(version, trial_checkout(trial, flat=flat))


def short_code(version, checkout) -> str | None:
    """`trial_code`'s for a table's column: the version without its commit (``0.1.1.dev5``
    of ``0.1.1.dev5+g1a2b3c4``), or the checkout's commit where it is other code
    (``checkout 5d6e7f8-dirty``: uncommitted changes). The page's column stays narrow
    enough for the reasons beside it at 1280 px (the mixed note above the table, and the
    CSV, name the whole)."""
    if isinstance(checkout, str) and checkout:
        return f"checkout {checkout[:7]}{'-dirty' * checkout.endswith('-dirty')}"
    return version.partition("+")[0] if isinstance(version, str) else None


def trials_page(table: pd.DataFrame, labels: dict[str, str],
                metrics, *, mixed: bool = False) -> tuple[pd.DataFrame, str]:
    """What the page shows of the trials ``table`` (`trials_frame`'s, sorted), and the
    words saying what it leaves out: workers by their ``labels``; a column whose value is
    the same in every row said once instead (never the number, the ``metrics`` or the
    reason); ``status`` only where it says more than ``state``; parameters headed by their
    names; the hplab version of each only in a ``mixed`` study (the provenance says the
    one of the others). At 1280 px the full table ran past the page, the reason
    off-screen."""
    page = table.copy()
    if "hplab" in page:  # short, one column (the CSV keeps both whole)
        if "hplab_checkout" in page:
            checkouts = list(page["hplab_checkout"])
        else:
            checkouts = [None] * len(page)
        page["hplab"] = [short_code(v, c) for v, c in
                         zip(page["hplab"], checkouts, strict=True)]
    if "pareto" in page:  # the front's trials marked, the others' cells left empty
        page["pareto"] = page["pareto"].map({True: "front", False: ""})
    dropped = ["hplab_checkout"]
    if not mixed:
        dropped.append("hplab")
    page = page.drop(columns=[c for c in dropped if c in page])
    if "worker" in page:
        page["worker"] = page["worker"].map(lambda w: labels.get(w, w))
    said = []
    if "status" in page and "state" in page:
        page["status"] = page["status"].where(page["status"] != page["state"], "")
        if (page["status"] == "").all():
            page = page.drop(columns="status")
    if len(page) > 1:
        for column in list(page.columns):
            if column in _KEPT or column in metrics:
                continue
            values = page[column]
            if values.isna().all():
                page = page.drop(columns=column)
            elif values.notna().all() and values.nunique() == 1:
                said.append(f"{_header(column, page)} {_text(values.iloc[0])}")
                page = page.drop(columns=column)
    page = page.rename(columns=lambda c: _header(c, page))
    note = f"Same in every row: {'; '.join(said)}. " if said else ""
    if "status" in page:
        note += "Status is shown where it says more than the state. "
    if "hplab" in page:
        note += ("hplab is the version that ran the trial (a checkout's commit where it ran "
                 "from one; earlier: a version before trials recorded it). ")
    return page, note


def marked_front(table: pd.DataFrame, metrics, front) -> tuple[pd.DataFrame, str]:
    """The trials ``table`` with a ``pareto`` column beside its ``metrics`` (as pareto.csv
    has it), true for the trials of the Pareto ``front`` (their numbers: optuna's
    ``best_trials``), and the words saying what its mark means (`trials_page` writes
    ``front``) and that they come first; ``table`` and "" without a front."""
    if not len(front):
        return table, ""
    table = table.copy()
    table.insert(max(table.columns.get_loc(m) for m in metrics) + 1, "pareto",
                 table["number"].isin(front))
    which = ("The one trial on the Pareto front, marked front under pareto, comes"
             if len(front) == 1 else
             f"The {len(front)} trials on the Pareto front, marked front under pareto, come")
    return table, f"{which} first: {DOMINATED.replace('none', 'no other trial')}. "


def _header(column: str, page: pd.DataFrame) -> str:
    """A parameter's column headed by its name, where no other column has that name."""
    name = column.removeprefix("param_")
    return name if name == column or name not in page.columns else column


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return f"{value:.0f}"
    return f"{value:g}" if isinstance(value, float) else str(value)
