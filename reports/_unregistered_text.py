"""What `hplab study show` says of a study whose spec names entries (a set, sampler,
pruner, activation or imbalance strategy) that a script registered and this process has
not: the hplab command knows only its own, so the report is written from that script."""

from __future__ import annotations


def python_report_call(name: str, storage, missing) -> str:
    """What writes the report of a study whose spec names entries this process lacks
    (``missing``, `study.unregistered_names`): the hplab command knows only its own, so
    `reports.study_report` from the script that registers them (README)."""
    import study

    used, _ = study.unregistered_words(missing)
    given = "" if storage is None else f", storage={study.mask_url(str(storage))!r}"
    return f"reports.study_report({name!r}{given}) from the script that registers {used}"


def unregistered_lines(missing: list[tuple[str, str]]) -> list[str]:
    """The line `study show` says of a study whose spec names ``missing`` (setting, name):
    entries the process that ran it registered, this one has not (the hplab command has
    only the built-in ones)."""
    import study

    if not missing:
        return []
    used, tables = study.unregistered_words(missing)
    return [f"uses {used}, not registered in this process: its report and a run resuming "
            f"it need {'it' if len(missing) == 1 else 'them'} registered in {tables} (from "
            "Python)"]
