"""The library versions a report names, in words: this process's (every report's
provenance), those a study's trials ran on, as the study stored them
(`study.library_sets`), and a study report's own, which retrain the best trial (and which
best_model/config.json records) where they differ."""

from __future__ import annotations

import nets


def libraries_text(libraries: dict) -> str:
    """A set of library versions (`study.library_sets`, `nets.versions` without hplab's
    keys) in words: ``python 3.12.3, numpy 2.1.3, ...``."""
    return ", ".join(f"{k} {v}" for k, v in libraries.items())


def library_sets_text(sets: list[dict]) -> str:
    """A study's library sets (a summary's ``library_versions``) in words, oldest first:
    each whole, as a provenance records them."""
    return "; then ".join(map(libraries_text, sets))


def differing_libraries(sets: list[dict]) -> list[str]:
    """The libraries two of ``sets`` of library versions name at different versions."""
    names = dict.fromkeys(k for s in sets for k in s)
    return [k for k in names if len({s[k] for s in sets if k in s}) > 1]


def changed_text(libraries: dict, differ: list[str]) -> str:
    """The versions of the libraries ``differ`` in one set: ``optuna 5.1.0``."""
    return ", ".join(f"{k} {libraries.get(k, 'not recorded')}" for k in differ)


def library_changes_text(sets: list[dict]) -> str:
    """What tells ``sets`` of library versions apart, in the order given: the libraries
    two of them name at different versions (``optuna 5.1.0, then optuna 5.0.0``), the
    ones alike in every set after, in parentheses."""
    differ = differing_libraries(sets)
    alike = [f"{k} {v}" for k, v in sets[0].items() if k not in differ and
             all(k in s for s in sets)]
    changes = ", then ".join(changed_text(s, differ) for s in sets)
    return changes + (f" ({', '.join(alike)} alike)" if alike else "")


def mixed_libraries_text(sets: list[dict]) -> str | None:
    """What ``study show`` and the report say of trials run on several sets of library
    versions (a summary's ``library_versions``: a study resumed with other libraries), None
    for one: their scores may not compare."""
    if len(sets) < 2:
        return None
    return (f"its trials ran on {len(sets)} sets of library versions: "
            f"{library_changes_text(sets)}; a library's changes can shift scores, so "
            "trials run on different ones may not compare")


def ran_on(sets: list[dict], libraries: dict) -> bool:
    """Whether every set of ``sets`` (a study's ``library_versions``) names the versions
    of ``libraries`` (`study.same_libraries`); False for none stored."""
    import study as hs

    return bool(sets) and all(hs.same_libraries(s, libraries) for s in sets)


def library_rows(sets: list[dict], *, ran: bool = True) -> dict[str, str]:
    """The provenance's rows of library versions: the trials' (each set, oldest first),
    and this report's where they are not those (``ran``: whether any trial has run; a
    study ``hplab study enqueue`` made has stored none yet, and retrains nothing)."""
    mine = nets.library_versions()
    if not sets and not ran:  # QA: it said "an hplab before studies stored them"
        return {"Library versions": "none stored yet: no trial has run (each run stores "
                                    f"its trials'); this report's: {libraries_text(mine)}"}
    rows = {"Library versions": library_sets_text(sets) if sets else
            "not stored with the study (an hplab before studies stored them)"}
    if not ran_on(sets, mine):
        import study as hs

        # of a mixed study, they may be one of its sets
        other = "not the trials': " if sets and not any(
            hs.same_libraries(s, mine) for s in sets) else ""
        rows["Library versions of this report"] = (
            f"{libraries_text(mine)} ({other}it retrains the best trial with them, and "
            "best_model/config.json records them)")
    return rows


def other_libraries_note(sets: list[dict]) -> str | None:
    """The best trial's note where this report retrains it with other library versions
    than the study stored for its trials (None where they are those, or none is stored).
    A mixed study stores no set per trial: which one the best trial ran on is not said."""
    mine = nets.library_versions()
    if not sets or ran_on(sets, mine):
        return None
    differ = differing_libraries([*sets, mine])
    ran = ", then ".join(changed_text(s, differ) for s in sets)
    if len(sets) == 1:
        return (f"The trials ran on {ran}; this report retrained it on "
                f"{changed_text(mine, differ)}, so its scores here (and best_model/) are "
                "those libraries' and may differ from the stored ones.")
    import study as hs

    one_of = ", one of them" if any(hs.same_libraries(s, mine) for s in sets) else ""
    return (f"The study's trials ran on {ran}; this report retrained it on "
            f"{changed_text(mine, differ)}{one_of}: if it ran on other ones, its scores "
            "here (and best_model/) are those libraries' and may differ from the stored "
            "ones.")
