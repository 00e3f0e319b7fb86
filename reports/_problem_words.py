"""The study report's problem trials (diverged, failed...): their table, where the page
hides them in the table of all trials, and the words on where each one's reason is, true
whether the page lists them all or only the newest, and for a long list how many stopped
for each reason."""

from __future__ import annotations

import re
from collections import Counter

from ._study_table import trials_page
from ._table_block import rows_shown

#: trials_frame's statuses of trials that stopped on their own, as `study show` lists them
#: in its problems (pruned ones are the pruner's; the intermediate values show them)
PROBLEM_STATUSES = ("diverged", "error", "interrupted", "retried", "fail")

#: A number standing alone in a reason ("train loss 107 exceeded 10x its first value":
#: 107, not the 10 of 10x): what differs between trials that stopped for one reason.
_NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?(?![\w.])", re.IGNORECASE)
#: Kinds of reason said in a long list's count, the commonest first.
_KINDS_SAID = 3


def newest_first(n_problems: int, max_rows: int) -> bool:
    """Whether the problem table lists its trials newest first: when the page shows only
    some of them (`rows_shown`), the newest are the ones a user is looking into."""
    return n_problems > rows_shown(n_problems, max_rows)


def add_problem_table(rep, frame, n_shown_of: int, max_rows: int, labels: dict, metrics,
                      mixed: bool) -> None:
    """Add the table of ``frame``'s problem trials to ``rep``, where the table of all
    ``n_shown_of`` trials shows only its first ``max_rows`` (else they are all in it),
    newest first where it too shows only some (`newest_first`)."""
    stopped = frame[frame["status"].isin(PROBLEM_STATUSES)] if len(frame) else frame
    if not len(stopped) or n_shown_of <= rows_shown(n_shown_of, max_rows):
        return
    newest = newest_first(len(stopped), max_rows)
    stopped = stopped.iloc[::-1] if newest else stopped
    page, note = trials_page(stopped, labels, metrics, mixed=mixed)
    rep.add_table(stopped, name="problem-trials", max_rows=max_rows, page=page,
                  caption=("The trials that diverged or failed, "
                           f"{'newest first' if newest else 'in the order they ran'}, and "
                           f"why each stopped. {note}").rstrip())


def reason_kind(status: str, reason) -> str:
    """``status``: ``reason`` with its own numbers left out (``…``), one line for every
    trial that stopped the same way."""
    return f"{status}: {_NUMBER.sub('…', str(reason or 'no reason recorded')).rstrip('.')}"


def problems_where(problems: list[dict], n_trials: int, max_rows: int) -> str:
    """Where the report's tables give each of ``problems``' reasons ('' for one problem):
    the table of all ``n_trials`` trials where the page shows it whole, else the problem
    table, and when that shows only the newest ``max_rows``, problem-trials.csv for the
    rest and a count of the commonest kinds of reason."""
    n = len(problems)
    if n < 2:
        return ""
    if n_trials <= rows_shown(n_trials, max_rows):
        return " The table of trials below gives each one's reason."
    if not newest_first(n, max_rows):
        return f" The table of the {n} problem trials below gives each one's reason."
    kinds = Counter(reason_kind(p["status"], p["reason"]) for p in problems)
    common = "; ".join(f"{count} {kind}" for kind, count in kinds.most_common(_KINDS_SAID))
    more = len(kinds) - _KINDS_SAID
    return (f" The table of problem trials below shows the newest {max_rows} of {n}; "
            "problem-trials.csv (in report_files) holds all of them with their reasons. "
            f"By reason: {common}" + (f"; and {more} other kinds." if more > 0 else "."))
