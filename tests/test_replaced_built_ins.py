"""A built-in optimizer, init or schedule a script replaced (``nets.OPTIMIZERS["adam"] =
MyAdam``) trains, but a saved run names only "adam": saving it warns, once, in one line.
(An activation so replaced is refused at save: test_activations.)"""

from __future__ import annotations

import json
import warnings

import pytest

import nets
import study
from nets import _carried


class _SlowAdam(nets.OPTIMIZERS["adam"]):
    """Adam at a tenth of the rate: other numbers than the built-in's."""

    def _step(self, params, grads, lr):
        super()._step(params, grads, lr * 0.1)


def _run(out):
    cfg = nets.TrainConfig(hidden=(8,), lr=0.05, optimizer="adam", max_epochs=3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run = study.train_run("coin", cfg, seed=0, out=out)
    said = [str(w.message) for w in caught if "hplab's own" in str(w.message)]
    return run, said


def test_saving_a_run_of_a_replaced_built_in_warns_once(tmp_path, monkeypatch):
    # QA: a script's MyAdam registered as "adam" trained, and config.json and model.npz
    # said "adam" without a word: re-run or loaded elsewhere, it is hplab's Adam
    built_in, said = _run(tmp_path / "built_in")
    assert said == []
    monkeypatch.setattr(_carried, "_WARNED", set(), raising=False)  # a fresh process
    monkeypatch.setitem(nets.OPTIMIZERS, "adam", _SlowAdam)
    replaced, said = _run(tmp_path / "replaced")
    assert said == [
        "the saved run names optimizer 'adam', but nets.OPTIMIZERS['adam'] is not hplab's "
        "own here: elsewhere that name runs the built-in; register yours under a name of "
        "its own"]
    # what it warns of: the numbers are the replacement's, the record names the built-in
    assert replaced.result.history["train_loss"].iloc[-1] != pytest.approx(
        built_in.result.history["train_loss"].iloc[-1], rel=1e-3)
    config = json.loads((tmp_path / "replaced" / "config.json").read_text())
    assert config["config"]["optimizer"] == "adam"
    assert _run(tmp_path / "again")[1] == []  # once a process
    # under a name of its own: nothing to warn of
    monkeypatch.setitem(nets.OPTIMIZERS, "slow_adam", type("SlowAdam", (_SlowAdam,),
                                                           {"name": "slow_adam"}))
    cfg = nets.TrainConfig(hidden=(8,), lr=0.05, optimizer="slow_adam", max_epochs=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        study.train_run("coin", cfg, seed=0, out=tmp_path / "own")
