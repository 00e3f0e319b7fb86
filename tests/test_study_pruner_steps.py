"""What a trial reports to the pruner: step k stays epoch k x checkpoint, whatever the
batch size, and what the run says of a pruner that can stop no trial."""

from __future__ import annotations

import pytest
from conftest import asked_steps, trials_of

import study


def test_steps_stay_the_nearest_epoch_where_checkpoints_come_more_often(spec_file,
                                                                        tmp_path):
    # coin's 900 training rows: batch 128 is 8 batches an epoch, so checkpoint 0.3 is every
    # 2 batches (0.25 epochs); batch 300 is 3, every batch (0.333 epochs). Counted on one
    # step a checkpoint, the batch-128 trial reached step 12 after 3 epochs (epoch 3.6 on
    # the pruner's axis) where the batch-300 one reached step 9 at the same 3 epochs
    path = spec_file("steps", dataset="coin", metric="val_accuracy", n_trials=2,
                     max_epochs=3, sampler="grid", pruner="median",
                     space={"batch_size": [128, 300]},
                     fixed={"checkpoint": 0.3, "lr": 0.01, "optimizer": "adam"})
    db = tmp_path / "steps.db"
    study.run_study(study.load_spec(path), storage=str(db), progress=False)
    for t in trials_of(db, "steps"):
        epochs = study.trial_info(t)["history"]["epoch"]
        steps = sorted(t.intermediate_values)
        assert steps[-1] == 10  # 3 epochs / 0.3, for both batch sizes
        assert t.intermediate_values[10] == pytest.approx(t.value)  # the run's end
        # every reported step within half a checkpoint of the epoch it was reported at
        nearest = [round(e / 0.3) for e in epochs]
        assert set(steps) == set(nearest), (t.params, epochs)
    by_batch = {t.params["batch_size"]: sorted(t.intermediate_values)
                for t in trials_of(db, "steps")}
    assert by_batch == {128: list(range(11)), 300: [0, 1, 2, 3, 4, 6, 7, 8, 9, 10]}


def test_the_report_says_what_pruning_left_untrained_in_the_metric_it_followed(spec_file,
                                                                               tmp_path):
    # QA: "does pruning save time?": the report counted the pruned trials, but said
    # neither how much they left untrained nor that a checkpoint's storage reads and
    # writes cost time too (coin, 12 trials, checkpoint 2: median 304 of 360 epochs in
    # 4.9-8.6 s, pruner none 3.2 s); its caption named "the validation metric" whatever
    # the pruner followed
    import html

    from conftest import pruned_study

    import reports
    from reports._study_text import pruning_saved

    spec, summary, db = pruned_study(spec_file, tmp_path)
    trials = trials_of(db, "pruned")
    stopped = [study.trial_info(t)["epochs"] for t in trials if t.state.name == "PRUNED"]
    assert stopped == [8.0] * summary["n_pruned"] == [8.0] * 4  # at checkpoint 2 of 10
    said = pruning_saved(trials, spec.max_epochs)
    assert said.startswith(" The 4 trials stopped early trained 32 of the 160 epochs their "
                           "full runs would have: 128 epochs not trained (epochs, not time")
    assert pruning_saved([t for t in trials if t.state.name == "COMPLETE"], 40) == ""
    page = html.unescape(reports.study_report("pruned", storage=str(db),
                                              out=tmp_path / "rep").read_text())
    assert "val_loss at every checkpoint, as the pruner saw it" in page
    assert said.strip() in page


def test_the_pruner_is_not_asked_within_its_warm_up(spec_file, tmp_path, monkeypatch):
    # a median or percentile pruner reads every trial of the study before it looks at its
    # warm-up (~10 ms a read on SQLite, coin's 12 trials): asked within it, it answered
    # "no" at that cost at every checkpoint before n_warmup_steps, in every trial
    asked = asked_steps(monkeypatch)
    path = spec_file("warm", dataset="coin", metric="val_accuracy", n_trials=8,
                     max_epochs=12, sampler="random", pruner="median",
                     pruner_options={"n_startup_trials": 3, "n_warmup_steps": 3},
                     space={"lr": {"low": 1e-5, "high": 1.0, "log": True}},
                     fixed={"batch_size": 32, "checkpoint": 2, "optimizer": "adam"})
    db = tmp_path / "warm.db"
    summary = study.run_study(study.load_spec(path), storage=str(db), progress=False)
    assert asked and min(asked) == 3  # steps 1 and 2 were asked too
    assert (summary["n_complete"], summary["n_pruned"]) == (4, 4)
    assert {study.trial_info(t)["reason"] for t in trials_of(db, "warm")
            if t.state.name == "PRUNED"} == {"pruned at checkpoint 3 (epoch 6)"}


def test_a_budget_within_the_pruners_start_up_trials_is_said_once(spec_file, tmp_path,
                                                                  capsys):
    # QA: a 5-trial study with the median pruner (n_startup_trials 5: it judges no trial
    # before 5 have completed) ran as if pruning were on, and pruned nothing
    import html
    import json
    import warnings

    from cli_helpers import run_cli

    import reports

    said = ("pruner 'median' judges no trial before 5 have completed (pruner.n_startup_trials "
            "= 5), and the study's budget is 5: no trial can be pruned, every one trains to "
            "its end; give n_trials (or --trials) above 5, lower pruner.n_startup_trials, or "
            'set pruner = "none"')
    path, db = spec_file("few", n_trials=5), tmp_path / "few.db"

    def run(*flags):
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            code, out, err = run_cli(["study", "run", path, "--storage", db, "--no-report",
                                      "--json", *flags], capsys)
        assert code == 0, err
        summary = json.loads(out)
        return ((summary["n_complete"], summary["n_pruned"]),
                [str(w.message) for w in seen if "n_startup" in str(w.message)])

    def page():
        return html.unescape(reports.study_report("few", storage=str(db),
                                                  out=tmp_path / "rep").read_text())

    idle = ("No trial could be pruned: the pruner judges none before 5 completed "
            "(pruner.n_startup_trials = 5), and the study has 5 trials.")
    def show():
        code, out, err = run_cli(["study", "show", "few", "--storage", db], capsys)
        assert code == 0, err
        return [line for line in out.splitlines() if "pruned:" in line]

    assert run() == ((5, 0), [said])
    assert idle in page()  # the report's Pruning section says it too
    assert show() == [idle]  # and `study show` (QA: only the report said it)
    # one trial more: the sixth is judged (and pruned), without a word
    assert run("--trials", "6") == ((5, 1), [])
    assert "No trial could be pruned" not in page()
    assert show() == []

    def notes(name, **keys):
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            study.run_study(study.load_spec(spec_file(name, max_epochs=8, **keys)),
                            storage=str(tmp_path / f"{name}.db"), progress=False)
        return [str(w.message).split(":")[0] for w in seen
                if "n_startup_trials" in str(w.message)]

    # the default pruner (median) too; percentile's own start-up; a repeatable study's lag
    # hides W - 1 more finished trials from each; hyperband waits for none
    assert notes("default", n_trials=3, pruner=None) == [
        "pruner 'median' judges no trial before 5 have completed (pruner.n_startup_trials = "
        "5), and the study's budget is 3"]
    for name, keys, budget in [
            ("pct", {"pruner": "percentile", "pruner_options": {"n_startup_trials": 2}}, 2),
            ("pct-lag", {"pruner": "percentile", "repeatable_workers": 2,
                         "pruner_options": {"n_startup_trials": 2}}, 3),
            ("band", {"pruner": "hyperband"}, None)]:
        for n in (budget or 2, (budget or 2) + 1):
            said = notes(f"{name}-{n}", n_trials=n, **keys)
            assert len(said) == (n == budget), (name, n, said)


def _rungs_hit(t, rungs) -> int:
    """The rungs of ``rungs`` a trial's reported steps passed before its last (the last
    one, where training ends anyway, is never judged)."""
    steps = sorted(t.intermediate_values)
    judged = steps[:-1] if t.state.name == "COMPLETE" else steps
    return sum(1 for r in rungs if judged and judged[-1] >= r)


@pytest.mark.parametrize("name, batches, checkpoint, max_epochs, last", [
    ("full", [4], 0.5, 9, 18),  # full batch: a checkpoint every epoch, steps 0, 2, 4...
    ("one", [1, 2], 0.3, 2.5, 8)])  # 4 or 2 checkpoints an epoch, several to a step
def test_each_checkpoint_reports_its_nearest_step_the_last_included(
        spec_file, tmp_path, name, batches, checkpoint, max_epochs, last):
    # QA: at batch 1 of xor's 4 rows, checkpoint 0.3, max_epochs 2.5, epoch 2.25 took step
    # 8 (7.5) and the run's end, epoch 2.5 (8.33), was reported at step 9, where a batch-2
    # trial's end was at 8: the same epoch two steps apart for the pruner
    lr = {"low": 0.05, "high": 2.0, "log": True}
    grid = len(batches) > 1  # the batch sizes side by side, at one rate
    path = spec_file(name, n_trials=len(batches) if grid else 6, max_epochs=max_epochs,
                     pruner="successive_halving", sampler="grid" if grid else "random",
                     pruner_options={"min_resource": 1, "reduction_factor": 3},
                     space={"batch_size": batches} if grid else {"lr": lr},
                     fixed={"checkpoint": checkpoint, "width": 3,
                            **({"lr": 0.5} if grid else {"batch_size": batches[0]})})
    db = tmp_path / f"{name}.db"
    study.run_study(study.load_spec(path), storage=str(db), progress=False)
    trials = trials_of(db, name)
    assert {t.state.name for t in trials} <= {"COMPLETE", "PRUNED"}
    for t in trials:
        epochs = study.trial_info(t)["history"]["epoch"]
        steps = sorted(t.intermediate_values)
        # each step the nearest of an epoch reported (one epoch a step, so increasing)
        assert set(steps) <= {round(e / checkpoint) for e in epochs}, (t.number, epochs)
        assert len(steps) == len(set(steps)) and steps[0] == 0
        if t.state.name == "COMPLETE":  # the run's end at its own step, with its value
            assert steps[-1] == last == round(epochs[-1] / checkpoint), t.params
            assert t.intermediate_values[last] == pytest.approx(t.value)
        # successive halving's rungs 1, 3, 9 each judged where the trial passed it
        rungs = [k for k in t.system_attrs if k.startswith("completed_rung_")]
        assert len(rungs) == _rungs_hit(t, (1, 3, 9)), (t.number, steps, rungs)
    if name == "full":
        assert sorted(len(t.intermediate_values) for t in trials) == [2, 2, 2, 2, 10, 10]
