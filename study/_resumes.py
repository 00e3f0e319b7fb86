"""The commands that resumed a stored study, as its report lists them.

A study keeps the last `RESUMES_KEPT` of them (`RESUMED_ATTR`), how many there were
(`RESUME_COUNT_ATTR`) and the one that set its current budget (`BUDGET_BY_ATTR`), so a
report of a study resumed for months still says how to reach its budget.
"""

from __future__ import annotations

import re

import nets

from ._record import CREATED_ATTR
from ._url_masking import _url_parts
from ._worker import COMMAND_ATTR, RESUMED_ATTR, SPEC_ATTR, stored_n_trials

RESUMES_KEPT = 20  # a study resumed a thousand times is not a thousand lines of report
# study attribute: {"count": resumes recorded, "exact": False where an older hplab, which
# kept the last 20 uncounted, may have dropped some before the count began}
RESUME_COUNT_ATTR = "hplab_resumes"
# study attribute: {"n_trials": the budget, "command": the resume that set it}; no
# "command" where the creating command (the report's "Command") set it
BUDGET_BY_ATTR = "hplab_budget_by"


def record_created(study) -> None:
    """Note the budget a creating command set (a later resume that changes it is kept)."""
    study.set_user_attr(BUDGET_BY_ATTR, {"n_trials": stored_n_trials(study, 0)})


def record_resume(study, command: str, *, explicit_trials: bool = False,
                  worker: bool = False) -> None:
    """List ``command`` with those that resumed the study (the last `RESUMES_KEPT`), count
    it, and keep it as the one that set the budget if it did: ``explicit_trials`` (its
    ``--trials``), or a budget other than the one last noted (a spec file's n_trials). A
    ``worker`` (``hplab study worker``) never sets it."""
    attrs = study.user_attrs
    later = list(attrs.get(RESUMED_ATTR, []))
    counted = attrs.get(RESUME_COUNT_ATTR)
    if counted is None:  # an older hplab's study: its list is all it knows
        counted = {"count": len(later), "exact": len(later) < RESUMES_KEPT}
    study.set_user_attr(RESUMED_ATTR, [*later, command][-RESUMES_KEPT:])
    study.set_user_attr(RESUME_COUNT_ATTR, {**counted, "count": counted["count"] + 1})
    budget = stored_n_trials(study, 0)
    noted = attrs.get(BUDGET_BY_ATTR) or {}
    if not worker and (explicit_trials or noted.get("n_trials", budget) != budget):
        study.set_user_attr(BUDGET_BY_ATTR, {"n_trials": budget, "command": command})


def say_whose(study, where) -> None:
    """Say on stderr that a run resumes a study another database user's command created:
    on a lab's shared server a study's name is the database's, and a run of a spec like
    a colleague's joined that colleague's study without a word."""
    made = str(study.user_attrs.get(COMMAND_ATTR) or "")
    theirs, mine = created_by_url_user(study), url_user(where.url)
    if theirs is None or mine is None or theirs == mine:
        return
    when = str(study.user_attrs.get(CREATED_ATTR) or "")[:16].replace("T", " ")
    nets.notice("study", f"study {study.study_name!r} is {theirs}'s (created {when} UTC by "
                f"`{made}`): this run adds its trials to it; another study.name makes one "
                "of your own")


def created_by_url_user(study) -> str | None:
    """The user the URL of the command that created ``study`` named (`url_user`), None
    where it named none or no command is stored (a study made from Python)."""
    made = str(study.user_attrs.get(COMMAND_ATTR) or "")
    storage = re.search(r"(?:--storage[= ]|storage=)('[^']*'|\"[^\"]*\"|\S+)", made)
    return url_user(storage[1].strip("'\"")) if storage else None


def url_user(url: str) -> str | None:
    """The user a server URL names; None for a file, or a URL naming none."""
    if "://" not in url or url.startswith("sqlite"):
        return None
    return _url_parts(url)[1].partition(":")[0] or None


def resumes(attrs: dict) -> tuple[list[str], int, bool]:
    """The resumes a study's ``attrs`` list, how many there were, and whether that count
    is exact (an older hplab's study that kept `RESUMES_KEPT` may have dropped some).

    Parameters
    ----------
    attrs : dict
        The study's user attributes.
    """
    listed = list(attrs.get(RESUMED_ATTR) or [])
    counted = attrs.get(RESUME_COUNT_ATTR)
    if not isinstance(counted, dict) or not isinstance(counted.get("count"), int):
        return listed, len(listed), len(listed) < RESUMES_KEPT
    return listed, max(counted["count"], len(listed)), bool(counted.get("exact", True))


def budget_command(attrs: dict) -> tuple[str, int] | None:
    """The resume that set a study's current budget and that budget, where one did (None
    where the creating command did, an older hplab did not note it, or a run from Python,
    which records no command, changed it since).

    Parameters
    ----------
    attrs : dict
        The study's user attributes.
    """
    noted = attrs.get(BUDGET_BY_ATTR)
    budget = (attrs.get(SPEC_ATTR) or {}).get("study", {}).get("n_trials")
    if (not isinstance(noted, dict) or not noted.get("command")
            or noted.get("n_trials") != budget):
        return None
    return noted["command"], budget
