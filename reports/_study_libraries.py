"""The library versions a study report names: those its trials ran on, as the study
stored them (`study.library_sets`), and its own, which retrain the best trial (and which
best_model/config.json records) where they differ."""

from __future__ import annotations

from ._terminal import changed_text, differing_libraries, libraries_text, library_sets_text


def own_libraries() -> dict:
    """This process's Python and library versions (`nets.versions` without hplab's)."""
    import nets

    return {k: v for k, v in nets.versions().items() if not k.startswith("hplab")}


def ran_on(sets: list[dict], libraries: dict) -> bool:
    """Whether every set of ``sets`` (a study's ``library_versions``) names the versions
    of ``libraries`` (`study.same_libraries`); False for none stored."""
    import study as hs

    return bool(sets) and all(hs.same_libraries(s, libraries) for s in sets)


def library_rows(sets: list[dict]) -> dict[str, str]:
    """The provenance's rows of library versions: the trials' (each set, oldest first),
    and this report's where they are not those."""
    mine = own_libraries()
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
    than the study stored for its trials (None where they are those, or none is stored)."""
    mine = own_libraries()
    if not sets or ran_on(sets, mine):
        return None
    differ = differing_libraries([*sets, mine])
    ran = ", then ".join(changed_text(s, differ) for s in sets)
    return (f"The trials ran on {ran}; this report retrained it on "
            f"{changed_text(mine, differ)}, so its scores here (and best_model/) are those "
            "libraries' and may differ from the stored ones.")
