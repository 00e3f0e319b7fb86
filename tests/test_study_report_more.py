"""The study report's next step where its importances are a rough ranking: the command
that runs more trials of the study in its storage."""

from __future__ import annotations

import re
import shlex

from cli_helpers import run_cli

import study
from reports._study_importance import FEW_TRIALS
from reports._study_mattered import more_trials_text


def test_a_rough_ranking_gives_the_command_that_runs_more_trials(tmp_path, capsys, spec_file,
                                                                 parse_html, monkeypatch):
    # QA: "From only 5 complete trials: a rough ranking, which more trials may change." and
    # no command to run them in the page, but inside the provenance's command line
    monkeypatch.chdir(tmp_path)
    spec = spec_file("tiny", n_trials=5, max_epochs=20, pruner="none")
    code, _, err = run_cli(["study", "run", str(spec), "--storage", "s.db"], capsys)
    assert code == 0, err
    page = (tmp_path / "runs" / "studies" / "tiny" / "report.html").read_text()
    text = " ".join(parse_html(page).all_text.split())
    assert "From only 5 complete trials: a rough ranking, which more trials may change." in text
    # --trials is the study-wide total: the 5 run so far and 36 more, to 41 complete
    total = 5 + FEW_TRIALS - 5
    assert (f"More trials: this command runs the study on, in the same storage, to {total} "
            "trials in all (--trials is the study-wide total, the 5 of its budget so far "
            f"included), for about {FEW_TRIALS} complete ones, from which the importances "
            "settle:") in text
    command = f"hplab study run tiny --trials {total} --storage sqlite:///s.db"
    assert re.search(rf"<pre class=\"code\"><code>{re.escape(command)}</code></pre>", page)
    # the storage as every other hint gives it: a password masked
    s, where, store = study.open_study_storage("tiny", "s.db")
    try:
        summary = study.study_summary(s, where)
        server = study.resolve_storage("postgresql://me:secret@db.example/hp")
        _, said = more_trials_text(s, server, summary, "csv:/my/copy.csv?target=y")(5)
    finally:
        study.release(store)
    assert "secret" not in said and said == (
        f"hplab study run tiny --trials {total} --storage "
        f"{shlex.quote(server.masked)} --data 'csv:/my/copy.csv?target=y'")
