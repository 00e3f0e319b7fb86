"""How a study's trials ended, in words: the outcome table's labels, and the sentences
the terminal summary (``hplab study run/show``) and the report share, written once so the
two say them alike. No import of study or pandas: `_terminal` reads these, and commands
that print no study import it.
"""

from __future__ import annotations

from nets import and_list, count_of, escaped

#: The outcome table's words for the outcomes that need more than their name
OUTCOME_LABELS = {"retried": "retried (worker died)",
                  "left running": "left running (worker stopped)"}


def outcome_of(label: str) -> str:
    """The `study.trial_outcome` an outcome table's ``label`` stands for."""
    return next((o for o, text in OUTCOME_LABELS.items() if text == label), label)


def left_running_text(n: int, heartbeats: bool) -> str:
    """The words for ``n`` RUNNING trials whose worker stopped, as a clause of the trial
    counts (``study show``'s line, the report's outcome sentence); ``heartbeats``, the
    summary's: whether the storage keeps them. One that does not (a journal) closes such
    trials (as interrupted; failed, one no worker entered), and a new trial of its own
    takes each slot; one that does fails them, and a retry runs the same parameters
    again."""
    if not heartbeats:
        # not "as interrupted": one no worker entered is failed (QA)
        return (f"{n} left running by a worker that stopped (closed when the study "
                "resumes, a new trial in each one's place)")
    return (f"{n} left running by a worker that stopped (failed and run again when the "
            "study resumes)")


def timeout_text(summary: dict) -> str:
    """What ``study show`` and the report say of a study whose last run stopped at its
    timeout with trials of its budget left (``summary["stopped"] == "timeout"``); the
    command unquoted, as the page has no code in a sentence."""
    n_trials = summary["n_trials"]
    return (f"the last run stopped at study.timeout with {n_trials - summary['n_finished']} "
            f"of its {count_of(n_trials, 'trial')} left: hplab study run of the same spec and "
            "storage resumes it")


def all_diverged_text(summary: dict) -> str | None:
    """What ``study run/show`` say of a study none of whose finished trials completed,
    each of them diverged (the report says which rate to lower, from the spec the summary
    does not hold); None otherwise. QA: the terminal listed the divergences and said
    nothing of what to do."""
    n = summary["n_finished"]
    if not n or summary["n_complete"] or summary["n_diverged"] != n:
        return None
    return (f"no trial completed: {'the one' if n == 1 else f'all {n}'} diverged: lower the "
            "learning rate in the spec (space.lr's range, or fixed.lr)")


def ended_text(summary: dict) -> str:
    """How the finished trials of a study none of whose trials completed ended, for the
    report's first card where a best value would be: "all 3 diverged", "2 diverged, 1
    interrupted". QA: such a study's card read "Best val_accuracy –", as if one had a
    best."""
    failed = (summary["n_fail"] - summary["n_error"] - summary["n_interrupted"]
              - summary["n_retried"])
    parts = [(summary["n_diverged"], "diverged"),
             (summary["n_pruned"] - summary["n_diverged"], "pruned"),
             (summary["n_error"], "failed with an error"),
             (summary["n_interrupted"], "interrupted"),
             (summary["n_retried"], "retried (worker died)"), (failed, "failed")]
    said = [(n, words) for n, words in parts if n > 0]
    if len(said) == 1:
        n, words = said[0]
        return f"{'the one' if n == 1 else f'all {n}'} {words}"
    return ", ".join(f"{n} {words}" for n, words in said)


def queued_text(numbers, grid: bool = False) -> str:
    """Which trials ran points queued by hand (``hplab study enqueue``), by ``numbers``
    (the first 10 named): the report's table of all trials and `study show` say it alike
    (QA: show and export named none of them, where the report did). Empty for none.
    ``grid``: the study's sampler is the grid, which draws no parameter of a queued point
    and gives trial k the k-th grid point, so a queued trial takes that point's slot."""
    numbers = list(numbers)
    if not numbers:
        return ""
    shown = [f"#{n}" for n in numbers[:10]] + ([f"{len(numbers) - 10} more"]
                                               if len(numbers) > 10 else [])
    one = len(numbers) == 1
    # QA: "the sampler drew what a point left out" under the grid, which takes whole points
    how = ((f"a whole grid point, in the slot of the grid point of {'its' if one else 'their'}"
            f" trial number{'' if one else 's'}, which the budget may then leave unrun")
           if grid else "the sampler drew what a point left out")
    return (f"Trial{'' if one else 's'} {and_list(shown)} "
            f"{'ran a point' if one else 'ran points'} queued by hand (hplab study enqueue: "
            f"{how}); the {'grid' if grid else 'sampler'} drew the others")


def waiting_text(summary: dict) -> str:
    """A study's WAITING trials in words, its queued points told from retries of failed
    trials (a summary's ``n_waiting`` and ``n_queued_waiting``): "1 queued point", "2
    queued points and 1 retry of a failed trial"."""
    waiting = summary.get("n_waiting") or 0
    points = summary.get("n_queued_waiting", waiting)
    retries = waiting - points
    return and_list([count_of(points, "queued point")] * bool(points) + [
        f"{count_of(retries, 'retry', 'retries')} of "
        f"{'a failed trial' if retries == 1 else 'failed trials'}"] * bool(retries))


def queued_lines(summary: dict, run_command: str | None = None) -> list[str]:
    """The lines of a study's queued points: the trials that ran them (`queued_text`),
    and, for `study show` (a summary without a run's ``seconds``), those still waiting,
    told from retries of failed trials, with ``run_command`` (the ``hplab study run``
    line that runs them: `hplab study show` knows the storage as given) where known."""
    lines = [queued_text(summary.get("queued_trials") or [], summary.get("sampler") == "grid")
             ] if summary.get("queued_trials") else []
    waiting = summary.get("n_waiting") or 0
    if not waiting or "seconds" in summary:  # a run ran them, or says to resume
        return lines
    what = waiting_text(summary)
    runs = (f"`{escaped(run_command)}`" if run_command
            else "`hplab study run` or `hplab study worker`")
    return lines + [f"{what} waiting: {runs} runs {'it' if waiting == 1 else 'them'} "
                    "first, even with the budget spent"]


def export_queued_lines(said: dict) -> list[str]:
    """What `hplab study export` says of the queued points beside the file it wrote
    (``said``: `study.export_study`'s): the trials that ran them and the points still
    waiting, each told in the CSV's ``queued_point`` column.

    Parameters
    ----------
    said : dict
        As above.
    """
    grid = said.get("sampler") == "grid"
    lines = [f"{queued_text(said['queued_trials'], grid)}: the queued_point column gives each "
             "point"] if said["queued_trials"] else []
    waiting = said["n_queued_waiting"]
    if waiting:
        lines.append(f"{count_of(waiting, 'queued point')} waiting, not run yet (rows of "
                     "state WAITING, their queued_point set)")
    return lines
