"""What each command prints for people: the terminal's short report of a summary.

Each function takes the summary a command prints with ``--json`` (the same dict, the same
keys) and returns its lines; ``hplab`` escapes and prints them (the analyses' lines are
in `_terminal_analyses`). Plain text: nothing here imports matplotlib or pandas.
"""

from __future__ import annotations

from nets import count_of, escaped, version_text_of

from ._library_versions import mixed_libraries_text
from ._outcome_words import (
    all_diverged_text,
    left_running_text,
    queued_lines,
    timeout_text,
)
from ._pruner_words import pruner_words
from ._text_columns import _padded, text_width


def value_text(value) -> str:
    """A value for people: whole floats as ints (below 1e16: a 1.58e+200 is no 201-digit
    int), others to 6 digits, None as '-', a list (several objectives) comma-separated."""
    if value is None:
        return "-"
    if isinstance(value, list):
        return ", ".join(value_text(v) for v in value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else \
            f"{value:.6g}"
    return str(value)


def study_list_lines(rows: list[dict]) -> list[str]:
    """Lines for `hplab study list`: a row of `study.list_studies` a line, under a header,
    in columns as wide as their longest entry ('no studies' for none).

    Parameters
    ----------
    rows : list of dict
        `study.list_studies`' rows.
    """
    # the counts are finished/budget, as `study show` says "trials 3/3"; best on each of
    # the metrics named beside it (a multi-objective study's "0.89, 45" said nothing alone)
    cells = [(r["study"], r["dataset"] or "-", f"{r['n_finished']}/{r['n_trials'] or '-'}",
              value_text(r["best_value"]), ", ".join(r["metrics"] or []) or "-")
             for r in rows]
    head = ("study", "dataset", "trials", "best", "metric")
    # columns as wide as their longest entry (a csv: path is longer than 12)
    wide = [max([least, *(text_width(escaped(c[i])) for c in cells)])
            for i, least in enumerate((24, 12, 6, 4))]

    def line(c) -> str:  # the counts right-aligned: 4/4 under 60/60
        return (f"{_padded(c[0], wide[0])} {_padded(c[1], wide[1])} {c[2]:>{wide[2]}}  "
                f"{_padded(c[3], wide[3])}  {escaped(c[4])}")

    return [line(head), *map(line, cells)] if cells else ["no studies"]


def enqueue_lines(s: dict) -> list[str]:
    """Lines for `hplab study enqueue` (its summary, `study.enqueue_points`): the study,
    a queued trial a line, and the command that runs them.

    Parameters
    ----------
    s : dict
        `study.enqueue_points`' summary (``hplab study enqueue --json``'s object).
    """
    made = " (created from its spec)" if s["created"] else ""
    lines = [f"study {escaped(s['study'])} in {escaped(s['storage'])}{made}: "
             f"{count_of(len(s['enqueued']), 'point')} enqueued, "
             f"{count_of(s['n_waiting'], 'trial')} waiting"]
    for trial in s["enqueued"]:
        point = ", ".join(f"{k}={str(v).lower() if isinstance(v, bool) else value_text(v)}"
                          for k, v in trial["params"].items())
        lines.append(f"  trial {trial['number']}: {escaped(point)}")
    # queued trials hold slots of the budget, and run even past it
    them = "it" if s["n_waiting"] == 1 else "them"  # QA: "1 trial waiting ... runs them"
    lines.append(f"the next run or worker runs {them} first: {escaped(s['run_command'])}")
    return lines


def spec_list_lines(rows: list[dict]) -> list[str]:
    """Lines for `hplab study spec`: a ready spec (`study.ready_specs`) a line, its name,
    dataset and description in columns.

    Parameters
    ----------
    rows : list of dict
        `study.ready_specs`' rows.
    """
    wide = (max(text_width(r["name"]) for r in rows) + 2,
            max(text_width(r["dataset"]) for r in rows) + 2)
    return [f"{_padded(r['name'], wide[0])}{_padded(r['dataset'], wide[1])}{r['description']}"
            for r in rows]


def two_figures(v: float) -> str:
    """``v`` to 2 significant figures, without an exponent below 1e6 (318 -> 320).

    Parameters
    ----------
    v : float
        The number.
    """
    return f"{float(f'{v:.2g}'):,.10g}"


def versions_text(versions: list[dict]) -> str:
    """A summary's ``hplab_versions`` in words: ``0.1.1 (5 trials), 0.1.2 (1 trial)``, each
    with the checkout that ran it where that is other code than its version names
    (``0.1.1, run from checkout 5d6e7f8a9b0c (5 trials); ...``); trials whose records name
    no version (an hplab before records did) as ``an earlier version, not recorded``."""
    texts = [f"{_code_text(v['version'], v.get('checkout'))} "
             f"({count_of(v['n_trials'], 'trial')})" for v in versions]
    parted = any(v.get("checkout") or v["version"] is None for v in versions)
    return ("; " if parted else ", ").join(texts)


def _code_text(version: str | None, checkout: str | None) -> str:
    return "an earlier version, not recorded" if version is None else \
        version_text_of(version, checkout)


def mixed_versions_text(versions: list[dict]) -> str | None:
    """What ``study show`` and the report say of trials run by several hplab versions, or
    checkouts (a study resumed after an upgrade, or from another commit), None for one:
    their scores may not compare."""
    if len(versions) < 2:
        return None
    return (f"its trials ran on {len(versions)} hplab versions: {versions_text(versions)}; "
            "a version's changes can shift scores, so trials of different ones may not "
            "compare")


def people_text(run_by: list[dict]) -> str | None:
    """A summary's ``run_by`` in words, ``run by alice (3 trials), bob (2 trials)``, where
    it says who: on a database server (a role is named), or where several people ran
    trials; None for one person's file, or trials that named none. Trials of an hplab
    before trials named people: ``someone not recorded``."""
    named = [p for p in run_by if p.get("user")]
    if not named or (len(run_by) == 1 and not run_by[0].get("db_role")):
        return None
    return "run by " + ", ".join(
        f"{p['user'] or 'someone not recorded'} ({count_of(p['n_trials'], 'trial')})"
        for p in run_by)


def study_lines(s: dict, *, report_seconds: float | None = None,
                best_note: str = "", run_command: str | None = None) -> list[str]:
    """Lines for `hplab study run/show/worker`: counts, queued points, best trial,
    problems, report. ``report_seconds``: the time the run's report took to write, said
    after its trials'. ``best_note``: added to the best trial's line (how its value came
    about). ``run_command``: the line that runs the waiting trials (`queued_lines`).

    Parameters
    ----------
    s : dict
        The study's summary (`study.study_summary`, ``--json``'s object).
    report_seconds : float, optional
        As above; None: not said.
    best_note : str, optional
        As above.
    run_command : str, optional
        As above.
    """
    metrics = ", ".join(f"{d} {m}" for d, m in zip(s["directions"], s["metrics"] or [],
                                                  strict=False))
    done, budget = s["n_finished"], s["n_trials"]
    stale = s["n_stale"]  # RUNNING trials whose worker stopped (study.stale_trials)
    live = s["n_running"] - stale
    # --trials lowered the budget below what ran: "6/3" read as a typo (the report says so)
    count = f"{done}/{budget}" if budget is None or done <= budget else \
        f"{done} (budget {budget})"
    pruner = pruner_words(s.get("pruner"), s.get("pruner_options"))
    lines = [f"study {s['study']} ({s['storage']}), dataset {s['dataset']}: {metrics}"
             + (f"; {pruner}" if pruner else ""),
             f"trials {count}: {s['n_complete']} complete, "
             f"{s['n_pruned']} pruned ({s['n_diverged']} diverged), {s['n_fail']} failed "
             f"({s['n_error']} errors, {s['n_retried']} retried, "
             f"{s['n_interrupted']} interrupted)"
             + (f", {live} running" if live else "")
             # as the report says them: not live, whatever optuna's state says
             + (f", {left_running_text(stale, s['heartbeats'])}" if stale else "")
             + (f", {s['n_waiting']} queued" if s.get("n_waiting") else "")]
    # a run's summary (run, worker, demo) says how long it took: a show's does not
    ran = "seconds" in s
    if ran and s["stopped"] is None and live:
        # a run ends with trials running only on a journal (heartbeats wait for the rest)
        lines.append(f"{count_of(live, 'trial')} still running in another "
                     "worker: the study is done when it finishes. A journal cannot tell "
                     "whether a worker on another machine is alive; if it died, `hplab "
                     "study worker` on that machine closes its trial")
    lines += queued_lines(s, run_command)  # which ran queued points; those still waiting
    if s.get("stopped") == "timeout" and ran:
        lines.append(f"stopped at study.timeout after {s['n_finished']} of {s['n_trials']} "
                     "trials (run it again to resume)")
    elif s.get("stopped") == "timeout":  # `study show`: as the report's badge says it
        lines.append(timeout_text(s))
    if s["best_trial"] is not None:
        value = value_text(s["best_value"])
        params = " ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                          for k, v in s["best_params"].items())
        lines.append(f"best trial #{s['best_trial']}: {value}  {params}{best_note}")
    if s.get("pareto_front"):
        lines.append(_front_line(s))
    for mixed in (mixed_versions_text(s.get("hplab_versions") or []),
                  mixed_libraries_text(s.get("library_versions") or [])):
        if mixed:
            lines.append(mixed[0].upper() + mixed[1:])
    if people := people_text(s.get("run_by") or []):
        lines.append(people)
    for p in s["problems"][:5]:
        lines.append(f"  #{p['number']} {p['status']}: {p['reason']}")
    if len(s["problems"]) > 5:
        lines.append(f"  ... and {len(s['problems']) - 5} more (hplab study export)")
    if advice := all_diverged_text(s):  # under the divergences it reads
        lines.append(advice)
    return lines + _ending(s, report_seconds, "trials")


def _front_line(s: dict) -> str:
    """The Pareto front's line: its trials by number, and what made one of them the best
    trial. QA: "pareto front: 3 trials" above three indented problem lines (diverged
    trials) read as the front's members, and the best trial's pick was not said."""
    numbers = [f"#{p['number']}" for p in s["pareto_front"]]
    n = len(numbers)
    shown = ", ".join(numbers[:10]) + (f" and {n - 10} more" if n > 10 else "")
    word = "highest" if s["directions"][0] == "maximize" else "lowest"
    return (f"pareto front: {n} trial{'' if n == 1 else 's'} ({shown}); the best trial is "
            f"its {word} {s['metrics'][0]}")


def _ending(s: dict, report_seconds: float | None = None, timed: str = "") -> list[str]:
    """A summary's last lines: the time it took (``seconds``: ``timed``, a study's
    "trials", is what it times; and its report's, where written), and its report when one
    was written. A study run that started no trial (its ``seconds`` 0) says no time of
    them: QA read "trials took 2.7 s" of a worker that started none."""
    if s.get("seconds") is None:
        took = []
    elif timed == "trials" and not s["seconds"]:
        took = [] if report_seconds is None else [f"the report took {report_seconds:.1f} s"]
    else:
        took = [f"{timed} took {s['seconds']:.1f} s".lstrip()
                + (f", the report {report_seconds:.1f} s" if report_seconds is not None
                   else "")]
    return took + ([f"report: {s['report_path']}"] if s.get("report_path") else [])


def train_lines(s: dict, task: str) -> list[str]:
    """`hplab train`'s lines: ``key: value`` for each key of its summary
    (`study.TrainRun.summary`), but ``report_error`` (said below the lines) and the metrics
    of another task; its ``report_path`` last, as ``report: PATH`` (none without a report).

    Parameters
    ----------
    s : dict
        The summary ``hplab train --json`` prints.
    task : str
        The data's task (``"regression"``, ``"binary"``...).

    Returns
    -------
    list of str
    """
    # a metric the task has not (accuracy in regression, rmse, mae and r2 in
    # classification) is null in --json and left out of the lines; one a diverged run
    # lost shows as '-'
    absent = ("_rmse", "_mae", "_r2") if task != "regression" else ("_accuracy",)
    lines = [f"{k}: {value_text(v)}" for k, v in s.items()
             if not k.endswith(absent)
             and k not in ("report_error", "report_path")]  # the error: said below the lines
    # "report: PATH" last, as every other command that writes one says it (QA: train alone
    # said "report_path:"); none without a report, as theirs
    return lines + ([f"report: {s['report_path']}"] if s.get("report_path") else [])
