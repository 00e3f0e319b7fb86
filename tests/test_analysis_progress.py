"""The long analyses show a progress bar over their runs, or the epochs (examples, ramp
points) in them, on stderr (they printed nothing for minutes), and none with --json; the bar
is gone before the command's own lines."""

import json
import re

import pytest
from cli_helpers import run_cli

COMMANDS = {
    "capacity": (["capacity", "--dataset", "coin", "--widths", "2,4", "--seeds", "2",
                  "--epochs", "5", "--workers", "2"], ["capacity: 4 nets:   0%", "0/20 ["]),
    "imbalance": (["imbalance", "--dataset", "moons", "--ratio", "1:10", "--strategies",
                   "none,class_weight", "--seeds", "2", "--epochs", "3", "--workers", "1"],
                  ["imbalance:   0%", "0/4 ["]),
    # examples: each run's step budget x its batch (the reference batch is XOR's 4 rows)
    "scaling": (["scaling", "--dataset", "xor", "--batch-sizes", "1,4", "--lrs", "1,3",
                 "--seeds", "1", "--max-steps", "200", "--workers", "1"],
                ["scaling: reference runs:   0%", "/1.60k [", "scaling: runs:   0%",
                 "/2.00k ["]),
    # QA: silent for 37 s on 20 000 MNIST rows, then everything: a bar over the seeds' ramp
    # points (2 x 40), then one over the verification's epochs (9 rates x 2 seeds x 2)
    "lr-range": (["lr-range", "--dataset", "digits", "--steps", "40", "--seeds", "2",
                  "--verify", "--verify-epochs", "2"],
                 ["lr-range: ramp:   0%", "0/80 [", "lr-range: verify:", "/36 ["]),
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.slow
def test_a_bar_over_the_runs_and_none_with_json(command, capsys, tmp_path, monkeypatch):
    from analyses import _progress

    monkeypatch.setattr(_progress, "BAR_DELAY", 0)  # these runs end before the bar's delay
    argv, shown = COMMANDS[command]
    code, out, err = run_cli([*argv, "--no-report"], capsys)
    assert code == 0, err
    for text in shown:
        assert text in err
    # cleared (leave=False), and on a log file (not a terminal) its line ended: the next
    # line starts clean (`make demo > log 2>&1`'s first result line was joined to it)
    assert err.endswith("\r\n")
    assert "took" in out and "%|" not in out
    code, out, err = run_cli([*argv, "--no-report", "--json"], capsys)
    assert code == 0 and err == "" and json.loads(out)


def _counts(err: str) -> list[tuple[float, float]]:
    """The ``n/total`` of every frame of the bars in ``err``."""
    return [(float(n), float(t)) for n, t in re.findall(r"\| (\d+)/(\d+) \[", err)]


@pytest.mark.slow
def test_the_capacity_bar_counts_epochs_the_pool_workers_train(capsys, monkeypatch):
    # QA: on MNIST the bar moved only as a whole net finished, 7 minutes each: nothing on
    # screen for the first 7. The workers' nets (1.5 s each here) report their epochs
    import analyses
    from analyses import _progress

    monkeypatch.setattr(_progress, "BAR_DELAY", 0)
    monkeypatch.setattr(_progress, "POLL_SECONDS", 0.05)
    cfg = analyses.CAPACITY_CONFIG.replace(max_epochs=4000)
    analyses.capacity_sweep("coin", widths=(4, 8), seeds=1, config=cfg, workers=2,
                            progress=True)
    counts = _counts(capsys.readouterr().err)
    assert counts[0] == (0, 8000)
    # counts within a net's 4000 epochs, not only whole nets
    assert any(n % 4000 for n, _ in counts), counts


def test_a_scaling_run_reports_its_examples_as_it_trains(monkeypatch):
    # a full-batch run of 10 000 steps held the bar for its whole length (hours on MNIST)
    import analyses
    from analyses import _progress

    said = []
    report = _progress.WorkBar.report
    monkeypatch.setattr(_progress.WorkBar, "report",
                        lambda bar, i, done: (said.append((bar.bar.desc, i, done)),
                                              report(bar, i, done)))
    analyses.scaling_study("xor", batch_sizes=[4], lrs=[0.3], seeds=1, max_steps=400,
                           target=1.0, noise=False, progress=True)
    # 400 steps of 4 rows: 1600 examples, said at the 20 checkpoints on the way (every 20
    # steps) before the run ends
    runs = [done for desc, i, done in said if desc == "scaling: runs"]
    assert runs[-1] == 1600 and 80 in runs and any(0 < d < 1600 for d in runs[:-1]), runs
