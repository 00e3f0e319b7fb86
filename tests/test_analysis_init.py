"""lr-range, scaling and capacity take --init as train does (they refused it: the course's
He init for ReLU could not be range-tested, scaled or swept from the command line)."""

from __future__ import annotations

import json

import pytest
from cli_helpers import run_cli

import nets

COMMANDS = {
    "lr-range": ["--hidden", "8", "--steps", "20"],
    "scaling": ["--hidden", "8", "--batch-sizes", "8,32", "--lrs", "0.1,0.3", "--seeds", "1",
                "--max-steps", "100", "--no-noise", "--workers", "1"],
    "capacity": ["--widths", "4", "--seeds", "1", "--epochs", "20", "--workers", "1"],
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_an_analysis_draws_its_nets_with_the_init_given(command, tmp_path, capsys,
                                                        monkeypatch):
    drawn = {}  # init name -> the first layer's weights each net started from

    def recording(name):
        real = nets.INITIALIZERS[name]

        def draw(rng, n_in, n_out, dtype):
            weights = real(rng, n_in, n_out, dtype)
            if n_in == 2:  # coin's 2 features: a first layer
                drawn.setdefault(name, []).append(weights.copy())
            return weights
        return draw

    for name in ("xavier", "he"):
        monkeypatch.setitem(nets.INITIALIZERS, name, recording(name))
    found = {}
    for init in (None, "he"):
        out = tmp_path / str(init)
        flags = ["--init", init] if init else []
        code, printed, err = run_cli([command, "--dataset", "coin", *COMMANDS[command], *flags,
                                      "--out", out, "--json"], capsys)
        assert code == 0, err
        found[init] = json.loads(printed)["config"]
        # recorded in the analysis's config.json as its other net settings are
        record = json.loads((out / "config.json").read_text())
        assert record["settings"]["config"]["init"] == (init or "xavier")
    assert (found[None]["init"], found["he"]["init"]) == ("xavier", "he")
    # each command drew its nets with each init, and the draws differ (he: N(0, 2/in))
    assert set(drawn) == {"xavier", "he"}
    xavier, he = drawn["xavier"][0], drawn["he"][0]
    assert xavier.shape == he.shape and not (xavier == he).all()
    assert abs(xavier).max() <= (6 / sum(xavier.shape)) ** 0.5 < abs(he).max()
