"""The long analyses show a progress bar over their runs on stderr (they printed nothing
for minutes), and none with --json; the bar is gone before the command's own lines."""

import json

import pytest
from cli_helpers import run_cli

COMMANDS = {
    "capacity": (["capacity", "--dataset", "coin", "--widths", "2,4", "--seeds", "2",
                  "--epochs", "5", "--workers", "2"], ["capacity:   0%", "0/4 ["]),
    "imbalance": (["imbalance", "--dataset", "moons", "--ratio", "1:10", "--strategies",
                   "none,class_weight", "--seeds", "2", "--epochs", "3", "--workers", "1"],
                  ["imbalance:   0%", "0/4 ["]),
    "scaling": (["scaling", "--dataset", "xor", "--batch-sizes", "1,4", "--lrs", "1,3",
                 "--seeds", "1", "--max-steps", "200", "--workers", "1"],
                ["scaling: reference runs:   0%", "0/2 [", "scaling: runs:   0%", "0/4 ["]),
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.slow
def test_a_bar_over_the_runs_and_none_with_json(command, capsys, tmp_path, monkeypatch):
    from analyses import _backend

    monkeypatch.setattr(_backend, "BAR_DELAY", 0)  # these runs end before the bar's delay
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
