"""Study specs: ready specs load by short name, every mistake is one line naming its key."""

from __future__ import annotations

import dataclasses
import importlib.util
import inspect
import json
import os
import tomllib
import warnings

import optuna
import pytest
from cli_helpers import readme_words, run_cli

import nets
import study
from study import SpecError, load_spec, parse_spec


def _raw(**study_keys):
    return {"study": {"name": "t", "dataset": "coin", **study_keys},
            "space": {"lr": {"low": 0.001, "high": 0.5, "log": True},
                      "width": {"low": 2, "high": 32, "log": True},
                      "depth": {"low": 1, "high": 3}},
            "fixed": {"optimizer": "adam", "checkpoint": 2}}


def test_ready_specs_load_by_short_name_and_path():
    names = study.spec_names()
    for required in ("xor", "double-arc", "coin", "digits", "mnist", "curve"):
        assert required in names
    # a regression user's ready spec (QA: every one was a classifier's)
    curve = load_spec("curve")
    assert (curve.dataset, curve.metrics, curve.directions) == (
        "curve", ("val_loss",), ("minimize",))
    multi = [n for n in names if load_spec(n).multi_objective]
    assert multi, "one ready spec must have several objectives"
    coin = load_spec("coin")
    assert coin.name == "coin" and coin.directions == ("maximize",)
    assert load_spec(study.SPECS_DIR / "coin.toml") == coin
    with pytest.raises(SpecError, match="ready specs are .*coin"):
        load_spec("no-such-spec")


def test_defaults_directions_and_json_round_trip():
    spec = parse_spec(_raw(metric=["val_accuracy", "n_parameters"]))
    assert spec.directions == ("maximize", "minimize")
    assert spec.pruner == "none"  # optuna prunes single-metric studies only
    assert parse_spec(_raw()).pruner == "median" and parse_spec(_raw()).sampler == "tpe"
    again = parse_spec(json.loads(json.dumps(spec.raw)))
    assert again.space == spec.space and again.metrics == spec.metrics


def test_every_metric_has_its_direction():
    # a study maximizing train_seconds or n_parameters searches for the slowest, biggest nets
    assert study.METRICS == {
        "val_accuracy": "maximize", "val_loss": "minimize", "train_accuracy": "maximize",
        "train_loss": "minimize", "n_parameters": "minimize", "train_seconds": "minimize",
        "epochs": "minimize", "val_roc_auc": "maximize", "val_pr_auc": "maximize",
        "val_precision": "maximize", "val_recall": "maximize", "val_f1": "maximize",
        "val_balanced_accuracy": "maximize", "val_g_mean": "maximize", "val_mcc": "maximize",
        "val_brier": "minimize"}


def test_the_valid_fixed_settings_listed_are_the_ones_taken():
    # max_epochs was listed (and refused: it is [study]'s); the imbalance keys were not
    raw = _raw()
    raw["fixed"] = {"bogus": 1}
    with pytest.raises(SpecError) as err:
        parse_spec(raw)
    valid = set(str(err.value).split("valid: ")[1].split(", "))
    assert "max_epochs" not in valid
    assert {"imbalance_strategy", "sampling_ratio", "width", "depth", "lr"} <= valid


@pytest.mark.parametrize("change, message", [
    (lambda r: r.update(extra={}), r"^extra: unknown table"),
    (lambda r: r["study"].update(colour="red"), r"^study\.colour: unknown key"),
    (lambda r: r["study"].update(n_trials="ten"), r"^study\.n_trials must be an integer"),
    (lambda r: r["study"].update(n_trials=True), r"^study\.n_trials must be an integer"),
    (lambda r: r["study"].update(n_trials=0), r"^study\.n_trials must be >= 1"),
    # QA: 10**20 ran (12,445 trials, a bar's estimate of trillions of hours)
    (lambda r: r["study"].update(n_trials=10**20),
     r"^study\.n_trials must be at most 1,000,000, got 100,000,000,000,000,000,000$"),
    (lambda r: r["study"].update(seed=99999999999999999),
     r"^study\.seed must be between 0 and 2\*\*32 - 1, got 99999999999999999$"),
    (lambda r: r["study"].pop("dataset"), r"^study\.dataset is missing"),
    (lambda r: r["study"].update(dataset="kitten"), r"^study\.dataset: unknown dataset"),
    (lambda r: r["study"].update(metric="test_accuracy"), r"^study\.metric: unknown metric"),
    (lambda r: r["study"].update(sampler="annealing"),
     r"^study\.sampler: unknown sampler 'annealing'; valid: tpe, random, qmc"),
    (lambda r: r["study"].update(pruner="coin_toss"),
     r"^study\.pruner: unknown pruner 'coin_toss'; valid: median"),
    (lambda r: r["study"].update(metric=["val_accuracy", "n_parameters"], pruner="median"),
     r"^study\.pruner: optuna prunes single-metric"),
    (lambda r: r["study"].update(grace_period=3, heartbeat_interval=5),
     r"^study\.grace_period must be > study\.heartbeat_interval"),
    (lambda r: r["space"].update(lr={"low": 0.5, "high": 0.001}),
     r"^space\.lr\.low must be < space\.lr\.high"),
    (lambda r: r["space"].update(lr={"low": 0, "high": 1, "log": True}),
     r"^space\.lr\.low must be > 0 on a log scale"),
    (lambda r: r["space"].update(width={"low": 2.5, "high": 8}),
     r"^space\.width\.low must be an integer"),
    (lambda r: r["space"].update(width={"low": 0, "high": 1}),
     r"^space\.width value 0: hidden widths must be >= 1"),
    (lambda r: r["space"].update(batch_size={"low": -1, "high": 1}),  # -1 and 1 are valid
     r"^space\.batch_size value 0: batch_size must be a whole number >= 1"),
    (lambda r: r["space"].update(lr={"low": 0.1, "high": 0.5, "step": 1.0}),
     r"^space\.lr\.step 1\.0 must divide the range 0\.1\.\.0\.5 into whole steps \(0\.4 steps\)"),
    (lambda r: r["space"].update(width={"low": 1, "high": 8, "step": 3}),
     r"^space\.width\.step 3 must divide the range 1\.\.8 into whole steps \(2\.333 steps\)"),
    (lambda r: r["space"].update(lr={"low": 0.1, "hi": 1}), r"^space\.lr\.hi: unknown key"),
    (lambda r: r["space"].update(lr=0.1), r"^space\.lr must be a table"),
    (lambda r: r["space"].update(colour=["red"]), r"^space\.colour: unknown hyperparameter"),
    (lambda r: r["space"].update(activation=["relu", "swish"]),
     r"^space\.activation value 'swish'"),
    (lambda r: r["space"].update(init=["he", "lion"]),
     r"^space\.init value 'lion': unknown init 'lion'; valid: zero, normal"),
    # aliases, one configuration: the grid ran it twice
    (lambda r: r["space"].update(init=["he", "xavier", "msra"]),
     r"^space\.init lists 'he' and 'msra', one initializer$"),
    (lambda r: r["space"].update(schedule=["exp", "cosine", "exponential"]),
     r"^space\.schedule lists 'exp' and 'exponential', one schedule$"),
    (lambda r: r["fixed"].update(lr=0.1), r"^fixed\.lr is also searched in space\.lr"),
    (lambda r: r["fixed"].update(optimiser="adam"), r"^fixed\.optimiser: unknown setting"),
    (lambda r: r["fixed"].update(batch_size="big"), r"^fixed\.batch_size must be an integer"),
    (lambda r: r["fixed"].update(momentum=1.5), r"^fixed\.momentum must be in \[0, 1\)"),
    # lr searched, its floor fixed: the low end would ramp the rate up (refused at load, as
    # every searched value is checked against [fixed])
    (lambda r: r["fixed"].update(schedule="cosine", lr_min=0.01),
     r"^space\.lr value 0\.001: lr_min must be <= lr \(schedule cosine falls from lr to "
     r"lr_min\), got lr_min 0\.01 and lr 0\.001$"),
    (lambda r: r["fixed"].update(hidden=[8]), r"^fixed\.hidden conflicts with space"),
    # fixed width or depth built hidden, silently over fixed.hidden ([3, 2] trained [8, 8, 8])
    (lambda r: r["space"].pop("width") and r["space"].pop("depth")
     and r["fixed"].update(hidden=[3, 2], depth=3),
     r"^fixed\.hidden conflicts with fixed\.depth; give the layers either as hidden or as "
     r"width and depth$"),
    (lambda r: r["space"].pop("width") and r["space"].pop("depth")
     and r["fixed"].update(hidden=[3, 2], width=4, depth=2),
     r"^fixed\.hidden conflicts with fixed\.width and fixed\.depth; "),
    (lambda r: r.update(sampler={"n_startup": 3}), r"^sampler\.n_startup: unknown option"),
    (lambda r: r.update(sampler={"n_ei_candidates": 0}),
     r"^sampler\.n_ei_candidates must be an integer >= 1, got 0"),
    (lambda r: r["study"].update(pruner="hyperband") or r.update(pruner={"reduction_factor": 1}),
     r"^pruner\.reduction_factor must be an integer >= 2, got 1"),
    (lambda r: r["study"].update(pruner="hyperband") or r.update(pruner={"min_resource": "auto"}),
     r"^pruner\.min_resource must be an integer >= 1, got 'auto'"),
    (lambda r: r["study"].update(pruner="hyperband") or r.update(pruner={"max_resource": 0}),
     r'^pruner\.max_resource must be "auto" or an integer >= 1, got 0'),
    (lambda r: r.update(sampler={"multivariate": "false"}),  # a true string to optuna
     r"^sampler\.multivariate must be true or false, got 'false'$"),
    (lambda r: r.update(sampler={"constant_liar": "yes"}),
     r"^sampler\.constant_liar must be true or false, got 'yes'$"),
    (lambda r: r["study"].update(pruner="percentile") or r.update(pruner={"percentile": "25"}),
     r"^pruner\.percentile must be a finite number, got '25'$"),
    (lambda r: r["study"].update(pruner="hyperband")
     or r.update(pruner={"min_resource": 10, "max_resource": 2}),
     r"^pruner\.min_resource 10 must be <= pruner\.max_resource \(2\)$"),
    (lambda r: r["study"].update(pruner="hyperband", max_epochs=10)  # checkpoint = 2 epochs
     or r.update(pruner={"min_resource": 6}),
     r"^pruner\.min_resource 6 must be <= the checkpoints of a full run \(5: "),
    # QA: accepted, and never pruned, with a max_resource or by successive halving
    (lambda r: r["study"].update(pruner="hyperband", max_epochs=10)
     or r.update(pruner={"min_resource": 6, "max_resource": 50}),
     r"^pruner\.min_resource 6 must be <= the checkpoints of a full run \(5: "),
    (lambda r: r["study"].update(pruner="successive_halving", max_epochs=10)
     or r.update(pruner={"min_resource": 100}),
     r"^pruner\.min_resource 100 must be <= the checkpoints of a full run \(5: "),
    (lambda r: r["study"].update(pruner="none") or r.update(pruner={"args": 1}),
     # "valid: none" read as the option pruner = "none" takes (QA); it takes patience's
     r"^pruner\.args: unknown option for pruner 'none' \(NopPruner\); valid: patience, "
     r"min_delta$"),
    (lambda r: r["study"].update(sampler="random") or r.update(sampler={"n_startup_trials": 3}),
     r"^sampler\.n_startup_trials: unknown option for sampler 'random' \(RandomSampler\); "
     r"sampler 'random' takes no options: remove \[sampler\]$"),
    (lambda r: r["fixed"].pop("checkpoint") and r["space"].update(checkpoint=[1.0, 5.0]),
     r"^space\.checkpoint: pruners compare"),
    (lambda r: r.update(pruner={"lower": 0.5}),
     r"^pruner\.lower: unknown option for pruner 'median' \(MedianPruner\); valid: "),
    # optuna's samplers take these: "unknown option" left users no way to seed a sampler
    (lambda r: r.update(sampler={"seed": 3}),
     r"^sampler\.seed: the study seeds its sampler; set study\.seed instead$"),
    (lambda r: r["study"].update(sampler="nsga2") or r.update(sampler={"mutation": "x"}),
     r"^sampler\.mutation: NSGAIISampler's mutation is set by the study, not by a spec; "
     r"valid: population_size"),
    # taken by optuna's constructors, then failing every trial after the startup ones
    (lambda r: r["study"].update(sampler="cmaes") or r.update(sampler={"popsize": 1}),
     r"^sampler\.popsize must be an integer >= 2, got 1$"),
    (lambda r: r["study"].update(sampler="cmaes") or r.update(sampler={"sigma0": -1.0}),
     r"^sampler\.sigma0 must be a number > 0, got -1\.0$"),
    (lambda r: r.update(sampler={"prior_weight": -1.0}),
     r"^sampler\.prior_weight must be a number >= 0, got -1\.0$"),
    (lambda r: r["study"].update(sampler="nsga2")
     or r.update(sampler={"child_generation_strategy": "uniform"}),
     r"^sampler\.child_generation_strategy takes a Python callable; it cannot be set from a "
     r"spec$"),
    (lambda r: r["study"].update(sampler="cmaes") or r.update(sampler={"x0": {"lr": 0.2}}),
     r"^sampler\.x0 must give every searched parameter \(lr, width, depth\) a value within "
     r"its range; missing: width, depth$"),
    (lambda r: r["study"].update(sampler="cmaes")
     or r.update(sampler={"x0": {"lr": 5.0, "width": 4, "depth": 2}}),
     r"^sampler\.x0 must give .* its range; lr 5\.0 is outside 0\.001\.\.0\.5$"),
    (lambda r: r["study"].update(sampler="cmaes") or r.update(sampler={"x0": 3}),
     r"^sampler\.x0 must give every searched parameter \(lr, width, depth\) a value within "
     r"its range, got 3$"),
    (lambda r: r["study"].update(sampler="cmaes") or r["space"].update(init=["he", "xavier"])
     or r.update(sampler={"x0": {"lr": 0.2, "width": 4, "depth": 2, "init": "he"}}),
     r"^sampler\.x0\.init: not a parameter CMA-ES searches \(it samples choices "
     r"independently\); it searches lr, width, depth$"),
    # review: 1e99 was taken, and the first trial trained for good; TrainConfig's rule
    (lambda r: r["study"].update(max_epochs=1e99),
     r"^study\.max_epochs must be a finite number > 0, at most 1,000,000 epochs, got 1e\+99$"),
    (lambda r: r["study"].update(sampler="cmaes") or r["space"]["width"].update(per_layer=True)
     or r.update(sampler={"x0": {"lr": 0.2, "width": 4, "depth": 2}}),
     r"^sampler\.x0\.width: not a parameter CMA-ES searches; it searches lr, width_0, width_1, "
     r"width_2, depth$"),
])
def test_bad_spec_is_one_line_naming_the_key(change, message):
    raw = _raw()
    change(raw)
    with pytest.raises(SpecError, match=message) as info:
        parse_spec(raw)
    assert "\n" not in str(info.value)


def test_an_empty_spec_asks_for_its_study_table(tmp_path):
    path = tmp_path / "empty.toml"
    path.write_text("")
    with pytest.raises(SpecError, match=r"^study: the \[study\] table is missing or empty; "
                                        r"it needs at least dataset = "):
        load_spec(path)
    path.write_text('[study]\nmetric = "val_loss"\n')  # the name defaults to the file's stem
    with pytest.raises(SpecError, match=r"^study\.dataset is missing"):
        load_spec(path)


def test_the_largest_seed_loads():
    assert parse_spec(_raw(seed=2**32 - 1)).seed == 2**32 - 1


def test_ranges_on_whole_steps_load():
    raw = _raw()
    raw["space"].update(batch_size={"low": -1, "high": 1, "step": 2},  # -1 and 1, never 0
                        lr={"low": 0.1, "high": 0.3, "step": 0.1})  # 2 steps, in decimal
    spec = parse_spec(raw)
    assert spec.space.get("batch_size").candidates() == [-1, 1]


def test_a_float_grid_lies_on_its_decimal_steps():
    # low + 2 * step summed in floats was 0.30000000000000004, out of [0.1, 0.3]: optuna
    # warned, and best_params showed it
    raw = _raw(sampler="grid")
    raw["space"] = {"lr": {"low": 0.1, "high": 0.3, "step": 0.1}, "width": [2]}
    spec = parse_spec(raw)
    assert spec.space.grid() == {"lr": [0.1, 0.2, 0.3], "width": [2]}
    s = optuna.create_study(sampler=study.make_sampler(spec))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s.optimize(lambda trial: spec.space.suggest(trial, spec.fixed)["lr"], n_trials=3)
    assert sorted(t.params["lr"] for t in s.trials) == [0.1, 0.2, 0.3]


def test_sampler_and_pruner_options_of_their_types_load():
    raw = _raw(pruner="hyperband")
    raw["sampler"] = {"multivariate": False, "n_startup_trials": 3}
    raw["pruner"] = {"min_resource": 2, "max_resource": "auto"}
    spec = parse_spec(raw)
    assert spec.sampler_options == {"multivariate": False, "n_startup_trials": 3}
    assert isinstance(study.make_pruner(spec), optuna.pruners.HyperbandPruner)


def test_pruners_take_hplabs_defaults_where_optunas_differ_or_lack_one():
    # the README states them: median waits 2 checkpoints (optuna's MedianPruner 0), and
    # percentile keeps the top 25 % (optuna's PercentilePruner has no default)
    median = study.make_pruner(parse_spec(_raw(pruner="median")))
    assert type(median) is optuna.pruners.MedianPruner
    assert (median._percentile, median._n_warmup_steps, median._n_startup_trials) == (50.0, 2, 5)
    percentile = study.make_pruner(parse_spec(_raw(pruner="percentile")))
    assert type(percentile) is optuna.pruners.PercentilePruner
    assert (percentile._percentile, percentile._n_warmup_steps) == (25.0, 0)
    # hyperband's rungs run from 1 checkpoint to a full run's (max_epochs 10 / 2 = 5)
    hyperband = study.make_pruner(parse_spec(_raw(pruner="hyperband", max_epochs=10)))
    assert (hyperband._min_resource, hyperband._max_resource) == (1, 5)
    assert inspect.signature(optuna.pruners.HyperbandPruner).parameters[
        "max_resource"].default == "auto"  # what the README says hplab's differs from
    assert ("hplab's defaults differ from Optuna's: `median` waits `n_warmup_steps = 2` "
            "checkpoints before it prunes (Optuna: 0), `percentile` keeps the best quarter at "
            "each checkpoint (`percentile = 25`; Optuna has no default), and `hyperband`'s "
            "rungs run from `min_resource = 1` checkpoint (Optuna's too) to a full run's, "
            "`max_epochs / checkpoint` (Optuna: \"auto\", the first finished trial's steps)"
            ) in readme_words()
    # the spec's own options win
    raw = _raw(pruner="median")
    raw["pruner"] = {"n_warmup_steps": 0}
    assert study.make_pruner(parse_spec(raw))._n_warmup_steps == 0
    raw = _raw(pruner="percentile")
    raw["pruner"] = {"percentile": 40.0}
    assert study.make_pruner(parse_spec(raw))._percentile == 40.0


def test_what_earlier_versions_stored_and_ran_still_reads():
    # refused today, run then: a stored study's spec must still read (show, report, export)
    raw = _raw(pruner="hyperband")
    raw["space"].update(batch_size={"low": -1, "high": 1},
                        lr={"low": 0.1, "high": 0.5, "step": 1.0})
    raw["sampler"] = {"multivariate": "false"}
    raw["pruner"] = {"min_resource": 10, "max_resource": 2}
    nop = _raw(pruner="none")
    nop["pruner"] = {"args": 1}
    for stored in (raw, nop):
        with pytest.raises(SpecError):
            parse_spec(stored)
        assert parse_spec(stored, strict=False).pruner_options == stored["pruner"]
    # a float grid of 2000 steps ran before grids were capped at 1000 values a parameter
    grid = _raw(sampler="grid", n_trials=2)
    grid["space"] = {"lr": {"low": 0.001, "high": 2.0, "step": 0.001}, "width": [4]}
    with pytest.raises(SpecError, match="2000 grid points"):
        parse_spec(grid)
    assert len(parse_spec(grid, strict=False).space.grid()["lr"]) == 2000
    # lr_min above lr (cosine ramped the rate up), searched or fixed; still refused alone
    for fixed in ({"schedule": "cosine", "lr_min": 0.01},
                  {"schedule": "polynomial", "lr_min": 0.01, "lr": 0.005}):
        ramp = _raw()
        ramp["fixed"].update(fixed)
        if "lr" in fixed:
            del ramp["space"]["lr"]
        with pytest.raises(SpecError, match=r"^(space\.|fixed).*lr_min must be <= lr"):
            parse_spec(ramp)
        assert parse_spec(ramp, strict=False).fixed["lr_min"] == 0.01
    ramp["fixed"]["batch_size"] = 0
    with pytest.raises(SpecError, match=r"^fixed\.batch_size must be a whole number >= 1"):
        parse_spec(ramp, strict=False)
    # aliases searched as two choices: the grid ran each configuration twice
    aliases = _raw(sampler="grid")
    aliases["space"] = {"init": ["he", "msra"], "schedule": ["exp", "exponential"]}
    with pytest.raises(SpecError, match=r"^space\.init lists 'he' and 'msra'"):
        parse_spec(aliases)
    assert parse_spec(aliases, strict=False).n_trials == 4
    # fixed.hidden beside fixed.depth: the trials ran depth's layers
    layers = _raw()
    layers["space"] = {"lr": layers["space"]["lr"]}
    layers["fixed"].update(hidden=[3, 2], depth=3)
    with pytest.raises(SpecError, match=r"^fixed\.hidden conflicts with fixed\.depth"):
        parse_spec(layers)
    spec = parse_spec(layers, strict=False)
    assert study.build_config({"lr": 0.1}, spec.fixed, 5).hidden == (8, 8, 8)


# x0 and prior_weight are deprecated in optuna (shown once a command: the next test)
@pytest.mark.filterwarnings("ignore:`(x0|prior_weight)` has been deprecated:FutureWarning")
def test_sampler_options_refused_since_still_read_as_stored():
    # studies ran with them (their startup trials completed): their stored specs stay readable
    for sampler, options in (("cmaes", {"popsize": 1, "x0": {"lr": 0.2}}),
                             ("nsga2", {"child_generation_strategy": "uniform"}),
                             ("tpe", {"prior_weight": -1.0})):
        raw = _raw(sampler=sampler)
        raw["sampler"] = options
        with pytest.raises(SpecError, match=f"^sampler\\.{next(iter(options))}"):
            parse_spec(raw)
        assert parse_spec(raw, strict=False).sampler_options == options


def test_a_deprecated_sampler_option_warns_once(monkeypatch):
    # optuna warned that x0 is deprecated each of the 3 times a command built the sampler
    monkeypatch.setattr(study._registry, "_DEPRECATIONS_SHOWN", set(), raising=False)
    raw = _raw(sampler="cmaes")
    raw["sampler"] = {"x0": {"lr": 0.2, "width": 4, "depth": 2}}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        spec = parse_spec(raw)
        parse_spec(raw)
        with study.quiet_optuna():
            study.make_sampler(spec)
    assert spec.sampler_options["x0"] == {"lr": 0.2, "width": 4, "depth": 2}
    assert [str(w.message).split(".")[0] for w in caught if w.category is FutureWarning] == [
        "`x0` has been deprecated in v4"]


def test_spec_toml_writes_a_file_that_loads_into_the_same_spec(tmp_path):
    # a study report saves its spec with it (spec.toml): every digit, step and flag read
    # back, and strings TOML must escape
    tricky = _raw(description='say "hi"\\ then\nnext \x7f line', timeout=1e-3, seed=7)
    tricky["space"].update(l2={"low": 0.0, "high": 0.0012345, "step": 0.00012345},
                           lr={"low": 0.0123456789, "high": 0.456789123, "log": True,
                               "step": None})  # a Python-built spec's "not set"
    tricky["space"]["width"]["per_layer"] = True
    tricky["fixed"]["beta2"] = 0.98765432
    tricky["pruner"] = {"n_startup_trials": 3}
    for raw in [tricky, *(load_spec(n).raw for n in study.spec_names())]:
        path = tmp_path / "saved.toml"
        path.write_text(study.spec_toml(raw, "a comment"), "utf-8")
        assert path.read_text("utf-8").startswith("# a comment\n")
        loaded = load_spec(path)
        assert study._spec_diff.first_difference(loaded, parse_spec(raw)) is None
        assert loaded.description == raw["study"].get("description", "")
        assert loaded.space == parse_spec(raw).space and loaded.fixed == parse_spec(raw).fixed
    assert loaded.raw == raw  # a ready spec's table, as it was


def test_spec_toml_takes_a_loaded_spec(tmp_path):
    # QA: "AttributeError: 'StudySpec' object has no attribute 'items'"; only spec.raw worked
    spec = load_spec("lr-batch")
    text = study.spec_toml(spec, "saved")
    assert text == study.spec_toml(spec.raw, "saved")
    (tmp_path / "again.toml").write_text(text, "utf-8")
    assert load_spec(tmp_path / "again.toml").raw == spec.raw
    with pytest.raises(TypeError, match=r"^raw must be a spec's tables \(a dict\) or a "
                                        r"StudySpec, got str$"):
        study.spec_toml("lr-batch")


def test_bad_toml_and_dates(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[study]\nname = \n")
    with pytest.raises(SpecError, match="bad.toml"):
        load_spec(path)
    path.write_text('[study]\nname = "d"\ndataset = "coin"\ndescription = 2024-01-01\n')
    with pytest.raises(SpecError):
        load_spec(path)


@pytest.mark.parametrize("name, message", [
    ("  ", "study.name is blank; give the study a name"),  # was "must be 1-200 characters"
    ("", "study.name is blank; give the study a name"),
    ("x" * 201, "study.name must be 1-200 characters, got 201"),
])
def test_a_study_name_is_not_blank_nor_too_long(name, message):
    with pytest.raises(SpecError) as err:
        parse_spec(_raw(name=name))
    assert str(err.value) == message


def test_a_study_name_holds_no_control_characters():
    # ESC, CR, BEL, NUL were accepted: printed raw by study list (a name could clear the
    # screen), and NUL failed on PostgreSQL as if the study had stopped mid-run
    for name in ("\x1b[2Jwiped", "a\rb", "bell\x07", "nul\x00", "rtl\u202eexe.txt"):
        with pytest.raises(SpecError) as err:
            parse_spec(_raw(name=name))
        assert str(err.value) == f"study.name must not hold control characters, got {name!r}"
    # other scripts are names like any other; a stored study's spec (not strict) reads
    assert parse_spec(_raw(name="硬币 étude")).name == "硬币 étude"
    # review: the zero-width (non-)joiners of Persian spelling and emoji sequences, a soft
    # hyphen, are not controls (all of Unicode's format category was refused)
    for name in ("کار\u200cپایه", "👩\u200d🔬 lab", "co\u00adin"):
        assert parse_spec(_raw(name=name)).name == name
    assert parse_spec(_raw(name="old\x1b"), strict=False).name == "old\x1b"


def test_a_json_or_yaml_spec_is_told_specs_are_toml(tmp_path, capsys):
    # QA: a .json spec was refused as "Invalid statement (at line 1, column 1)" alone
    storage = f"sqlite:///{tmp_path / 's.db'}"
    for name, text, said in [
            ("s.json", '{"study": {"dataset": "xor"}}',
             "Invalid statement (at line 1, column 1); a spec is TOML, not JSON"),
            ("s.YML", "study:\n  dataset: xor\n",
             "Expected '=' after a key in a key/value pair (at line 1, column 6); a spec is "
             "TOML, not YAML")]:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        code, out, err = run_cli(["study", "run", path, "--storage", storage], capsys)
        assert (code, out, err) == (2, "", f"hplab study run: error: {path}: {said} "
                                           "(`hplab study spec coin` prints one)\n")
    # a .toml file's TOML error stays as tomllib says it
    path = tmp_path / "s.toml"
    path.write_text("[study\n", encoding="utf-8")
    code, out, err = run_cli(["study", "run", path, "--storage", storage], capsys)
    assert (code, err) == (2, f"hplab study run: error: {path}: Expected ']' at the end of a "
                              "table declaration (at line 1, column 7)\n")
    assert not (tmp_path / "s.db").exists()


def test_a_spec_file_is_utf8_its_byte_order_mark_allowed(tmp_path, capsys):
    # QA: Notepad's BOM read as "Invalid statement (at line 1, column 1)"; UTF-16 and
    # Latin-1 as "'utf-8' codec can't decode byte 0xff in position 0", naming no file
    from cli_helpers import run_cli

    text = '[study]\ndescription = "café"\ndataset = "xor"\n[space]\nlr = [0.1, 0.5]\n'
    plain, bom = tmp_path / "s.toml", tmp_path / "bom" / "s.toml"
    bom.parent.mkdir()
    plain.write_text(text, encoding="utf-8")
    bom.write_text(text, encoding="utf-8-sig")
    assert dataclasses.replace(load_spec(bom), path=None) == dataclasses.replace(
        load_spec(plain), path=None)
    assert load_spec(bom).description == "café"
    # every other reader of a spec file reads it as load_spec does: a BOM file without a
    # name is told to set one (it said "change study.name", its TOML unread)
    from study import read_spec_file
    from study._data_paths import new_name_words

    assert read_spec_file(bom) == read_spec_file(plain) == tomllib.loads(text)
    assert new_name_words(load_spec(bom)) == "set study.name (or rename the file)"
    storage = f"sqlite:///{tmp_path / 's.db'}"
    for encoding in ("utf-16", "utf-16-le", "latin-1"):
        path = tmp_path / f"{encoding}.toml"
        path.write_text(text, encoding=encoding)
        code, out, err = run_cli(["study", "run", path, "--storage", storage], capsys)
        assert (code, out, err) == (2, "", f"hplab study run: error: {path}: not UTF-8 text; "
                                           "save the spec as UTF-8\n")
    assert not (tmp_path / "s.db").exists()


def test_a_spec_nested_too_deep_is_one_line(tmp_path, capsys):
    # QA: 5000 nested lists printed a 3000-line RecursionError traceback
    from cli_helpers import run_cli

    path = tmp_path / "deep.toml"
    path.write_text('[study]\ndataset = "xor"\nx = ' + "[" * 5000 + "]" * 5000 + "\n")
    storage = f"sqlite:///{tmp_path / 's.db'}"
    code, out, err = run_cli(["study", "run", path, "--storage", storage], capsys)
    assert (code, out, err) == (2, "", f"hplab study run: error: {path}: lists or tables nested "
                                       "too deep to read\n")


def test_a_toml_date_is_named_by_its_key():
    import datetime

    raw = _raw()
    raw["fixed"] = {"schedule": "cosine", "lr_min": datetime.date(1979, 5, 27)}
    with pytest.raises(SpecError) as info:  # said "Object of type date is not JSON ..."
        parse_spec(raw)
    assert str(info.value) == ("fixed.lr_min: spec values must be strings, numbers, "
                               "booleans, lists or tables, got a date (1979-05-27)")


def test_tpe_without_multivariate_groups_no_per_layer_widths():
    # QA: multivariate = false with per-layer widths was refused by optuna: "group option
    # can only be enabled when multivariate is enabled", a key the spec never set
    raw = _raw()
    raw["space"] = {"width": {"low": 2, "high": 8, "per_layer": True},
                    "depth": {"low": 1, "high": 2}}
    raw["sampler"] = {"multivariate": False}
    sampler = study.make_sampler(parse_spec(raw)).sampler
    assert isinstance(sampler, optuna.samplers.TPESampler)
    raw["sampler"] = {}
    assert isinstance(study.make_sampler(parse_spec(raw)).sampler, optuna.samplers.TPESampler)


def test_a_refused_spec_prints_its_error_alone(tmp_path, capsys):
    # QA: a refused cmaes x0 printed optuna's deprecation of x0 first: two lines
    from cli_helpers import run_cli

    path = tmp_path / "c.toml"
    path.write_text('[study]\nname = "c"\ndataset = "xor"\nsampler = "cmaes"\n[space]\n'
                    'lr = { low = 0.1, high = 1.0 }\n[sampler]\nx0 = { lr = 5.0 }\n')
    code, out, err = run_cli(["study", "run", path, "--storage", tmp_path / "c.db"], capsys)
    assert (code, out) == (2, "") and err == (
        "hplab study run: error: sampler.x0 must give every searched parameter (lr) a value "
        "within its range; lr 5.0 is outside 0.1..1.0\n")


def test_threshold_needs_a_bound_and_grid_needs_finite_values():
    with pytest.raises(SpecError, match="pruner.lower or pruner.upper"):
        parse_spec(_raw(pruner="threshold"))
    raw = _raw(pruner="threshold")
    raw["pruner"] = {"lower": 0.4}
    assert isinstance(study.make_pruner(parse_spec(raw)), optuna.pruners.ThresholdPruner)
    with pytest.raises(SpecError, match=r"space\.lr: the grid sampler needs choices"):
        parse_spec(_raw(sampler="grid"))
    raw = _raw(sampler="grid")
    raw["space"] = {"lr": [0.01, 0.1], "width": {"low": 2, "high": 4}}
    spec = parse_spec(raw)
    assert spec.space.grid() == {"lr": [0.01, 0.1], "width": [2, 3, 4]}
    raw["study"]["n_trials"] = 7
    with pytest.raises(SpecError, match="study.n_trials 7 exceeds the grid's 6 points"):
        parse_spec(raw)
    # a grid of 1e6 combinations (Optuna lists them all, in every process)
    raw["space"] = {"lr": {"low": 0.001, "high": 1.0, "step": 0.001},
                    "width": {"low": 1, "high": 1000}}
    with pytest.raises(SpecError, match="space: the grid has 1000000 points; the grid "
                                        "sampler takes at most 100000"):
        parse_spec(raw)
    # too many points: counted before any list is made (1e9 of them filled the memory)
    for entry, n in (({"low": 0.001, "high": 1.0, "step": 1e-9}, 999000001),
                     ({"low": 1, "high": 10**12}, 10**12)):
        raw["space"] = {"lr": [0.1], "width": entry} if "step" not in entry else \
            {"lr": entry, "width": [4]}
        name = "lr" if "step" in entry else "width"
        with pytest.raises(SpecError, match=rf"space\.{name}: {n} grid points; the grid "
                                            "sampler takes at most 1000"):
            parse_spec(raw)


def test_a_new_sampler_that_lists_the_space_has_it_checked_as_the_grid_is(monkeypatch):
    # a contributor's BruteForceSampler: the check was keyed on the name grid, so a range
    # without a step loaded (every trial failed on it), n_trials not defaulting to the points
    brute = study.SAMPLERS["grid"]._replace(
        make=lambda spec, o, s: optuna.samplers.BruteForceSampler(seed=s, **o),
        cls=optuna.samplers.BruteForceSampler)
    monkeypatch.setitem(study.SAMPLERS, "brute", brute)
    with pytest.raises(SpecError, match=r"^space\.lr: the brute sampler needs choices \(or a "
                                        r"step\)$"):
        parse_spec(_raw(sampler="brute", n_trials=30))
    raw = _raw(sampler="brute")
    raw["space"] = {"lr": [0.01, 0.1], "width": {"low": 2, "high": 4}}
    assert parse_spec(raw).n_trials == 6


def test_a_new_rung_pruner_has_its_min_resource_checked_and_its_pruning_explained(
        monkeypatch):
    # a contributor's successive halving by twos: the check (and the report's words) were
    # keyed on the names hyperband and successive_halving, so it took a min_resource past a
    # full run's checkpoints, and then never pruned
    from reports._pruner_words import pruned_why

    entry = study.PRUNERS["successive_halving"]._replace(
        make=lambda spec, o: optuna.pruners.SuccessiveHalvingPruner(
            **{"reduction_factor": 2, **o}))
    monkeypatch.setitem(study.PRUNERS, "halving_by_two", entry)
    raw = _raw(pruner="halving_by_two", max_epochs=10)  # checkpoint = 2 epochs
    raw["pruner"] = {"min_resource": 6}
    with pytest.raises(SpecError, match=r"^pruner\.min_resource 6 must be <= the checkpoints "
                                        r"of a full run \(5: "):
        parse_spec(raw)
    raw["pruner"] = {"min_resource": 2}
    assert pruned_why(parse_spec(raw)).startswith("at each rung the pruner keeps only the best")


def test_a_sampler_that_needs_a_package_names_its_own_extra(monkeypatch):
    # the hint assumed the extra is named after the sampler
    for extra, install in (("fancy", "'hplab[fancy]'"), (None, "no_such_module_xyz")):
        entry = study.SAMPLERS["random"]._replace(module="no_such_module_xyz", extra=extra)
        monkeypatch.setitem(study.SAMPLERS, "fancy_random", entry)
        with pytest.raises(SpecError) as err:
            parse_spec(_raw(sampler="fancy_random"))
        assert str(err.value) == ("study.sampler: fancy_random needs the no_such_module_xyz "
                                  f"package (pip install {install})")


@pytest.mark.skipif(importlib.util.find_spec("torch") is not None, reason="torch installed")
def test_missing_sampler_package_is_a_hint_not_an_import_error():
    # the gp extra (PyTorch) is not in the test environment: its hint names the extra
    with pytest.raises(SpecError, match=r"gp needs the torch package \(pip install "
                                        r"'hplab\[gp\]'\)"):
        parse_spec(_raw(sampler="gp"))


_HAS_TORCH = importlib.util.find_spec("torch") is not None
_SAMPLER_CLASSES = {"tpe": "TPESampler", "random": "RandomSampler", "qmc": "QMCSampler",
                    "cmaes": "CmaEsSampler", "grid": "GridSampler", "nsga2": "NSGAIISampler",
                    "gp": "GPSampler"}


@pytest.mark.parametrize("name", ["tpe", "random", "qmc", "cmaes", "grid", "nsga2",
                                  pytest.param("gp", marks=pytest.mark.skipif(
                                      not _HAS_TORCH, reason="gp needs torch (hplab[gp])"))])
def test_every_sampler_builds_and_samples(name, tmp_path):
    raw = _raw(sampler=name, max_epochs=1, seed=5)
    if name == "grid":
        raw["space"] = {"lr": [0.01, 0.1], "width": [2, 4]}
    n = 3 if name == "grid" else 8  # grid: 4 points, its last stops the study; cmaes:
    # past its first (independent) trial

    def sample(seed):
        spec = parse_spec({**raw, "study": {**raw["study"], "seed": seed}})
        sampler = study.make_sampler(spec)
        s = optuna.create_study(sampler=sampler, direction="maximize")
        with study._registry.quiet_optuna():
            for _ in range(n):
                trial = s.ask()
                cfg = study.build_config(spec.space.suggest(trial, spec.fixed), spec.fixed, 1.0)
                s.tell(trial, float(cfg.lr))
        assert len(s.trials) == n
        return sampler, [t.params for t in s.trials]

    sampler, params = sample(5)
    # seeded per trial, except the samplers whose workers walk one shared sequence
    assert isinstance(sampler, study.TrialSeeded) == (name not in ("qmc", "grid"))
    inner = getattr(sampler, "sampler", sampler)
    # optuna's class, or hplab's subclass of it (cmaes: its stored optimizer loaded safely)
    assert type(inner) is study._registry.SAMPLERS[name].cls
    assert isinstance(inner, getattr(optuna.samplers, _SAMPLER_CLASSES[name]))
    assert len({tuple(sorted(p.items())) for p in params}) == n  # really searched
    assert sample(5)[1] == params  # the same seed, the same points
    assert sample(6)[1] != params


def test_suggest_builds_a_train_config_with_per_layer_widths():
    raw = _raw()
    raw["space"]["width"]["per_layer"] = True
    spec = parse_spec(raw)
    trial = optuna.create_study().ask()
    values = spec.space.suggest(trial, spec.fixed)
    cfg = study.build_config(values, spec.fixed, spec.max_epochs)
    depth = trial.params["depth"]
    assert len(cfg.hidden) == depth
    assert [trial.params[f"width_{i}"] for i in range(depth)] == list(cfg.hidden)
    assert cfg.optimizer == "adam" and cfg.max_epochs == spec.max_epochs
    shared = parse_spec(_raw())
    trial = optuna.create_study().ask()
    cfg = study.build_config(shared.space.suggest(trial, {}), shared.fixed, 5)
    assert cfg.hidden == (trial.params["width"],) * trial.params["depth"]


def test_activations_one_per_layer_fit_a_searched_depth():
    # [fixed] was checked alone at the default depth 1: "activation needs 1 name for 1 hidden
    # layer, got 2", though every trial had 2 layers
    raw = _raw()
    raw["space"]["depth"] = [2]
    raw["space"]["width"]["per_layer"] = True
    raw["fixed"]["activation"] = ["tanh", "relu"]
    spec = parse_spec(raw)
    trial = optuna.create_study().ask()
    cfg = study.build_config(spec.space.suggest(trial, spec.fixed), spec.fixed, 5)
    assert cfg.activation == ("tanh", "relu") and len(cfg.hidden) == 2
    for depth, where in (({"low": 2, "high": 3}, "reaches 3"), ({"low": 1, "high": 2},
                         "goes down to 1"), ({"low": 1, "high": 3}, "ranges over 1..3"),
                         ([1, 2, 3], "takes 1, 3")):
        raw["space"]["depth"] = depth
        with pytest.raises(SpecError) as info:
            parse_spec(raw)
        assert str(info.value) == ("fixed.activation gives 2 names, one per hidden layer; "
                                   f"space.depth {where} (give one name for every layer)")


def _only(setting: str) -> str:
    """How a refusal names who reads ``setting``, from nets.SETTINGS_READ (QA: a new
    schedule reading lr_min failed the hand-written "only polynomial and cosine do")."""
    ((_, readers),) = nets.setting_readers(setting).items()
    return f"only {nets.and_list(readers)} {'does' if len(readers) == 1 else 'do'}"


@pytest.mark.parametrize("space, fixed, message", [
    # the tester's study: its whole budget on a parameter with no effect
    ({"momentum": {"low": 0.1, "high": 0.9}}, {"optimizer": "sgd"},
     f"space.momentum: fixed.optimizer sgd does not read it ({_only('momentum')}); "
     "momentum would be ignored"),
    ({"momentum": {"low": 0.1, "high": 0.9}}, {},  # the default optimizer, TrainConfig's
     "space.momentum: the default optimizer, sgd, does not read it "
     f"({_only('momentum')}); momentum would be ignored"),
    ({"rho": {"low": 0.5, "high": 0.9}, "optimizer": ["sgd", "adam"]}, {},
     "space.rho: none of space.optimizer's choices (sgd, adam) reads it "
     f"({_only('rho')}); rho would be ignored"),
    ({}, {"optimizer": "adam", "schedule": "cosine", "lr_gamma": 0.5},
     f"fixed.lr_gamma: fixed.schedule cosine does not read it ({_only('lr_gamma')}); "
     "lr_gamma would be ignored"),
    ({}, {"optimizer": "adam", "lr_milestones": [100, 200]},
     "fixed.lr_milestones: the default schedule, constant, does not read it "
     f"({_only('lr_milestones')}); lr_milestones would be ignored"),
    ({"schedule": ["one_cycle", "constant"]}, {"lr_min": 0.01},
     "fixed.lr_min: none of space.schedule's choices (one_cycle, constant) reads it "
     f"({_only('lr_min')}); lr_min would be ignored"),
])
def test_a_setting_no_optimizer_or_schedule_of_the_trials_reads_is_refused(space, fixed,
                                                                           message):
    raw = _raw()
    raw["space"].update(space)
    raw["fixed"] = fixed
    with pytest.raises(SpecError) as info:
        parse_spec(raw)
    assert str(info.value) == message
    # a study an earlier version stored with it ran with it: it still reads
    stored = parse_spec(raw, strict=False)
    assert {**stored.fixed, **dict.fromkeys(stored.space.names())}.keys() >= {
        *fixed, *space}


def test_a_setting_one_of_the_trials_optimizers_or_schedules_reads_is_searchable():
    raw = _raw()
    raw["space"].update(momentum={"low": 0.1, "high": 0.9}, optimizer=["sgd", "nesterov"],
                        schedule=["constant", "multistep"])
    raw["fixed"] = {"lr_milestones": [100], "lr_gamma": 0.5, "warmup_steps": 10}
    assert parse_spec(raw).space.get("momentum").high == 0.9


def test_a_setting_only_some_searched_optimizers_read_is_suggested_only_where_read():
    # QA: momentum was suggested and recorded for every trial; the best trial, an sgd one,
    # was shown with momentum 0.8418 (a value that changed nothing, and that hplab train
    # refuses with --optimizer sgd), and momentum was ranked by importance over noise
    raw = _raw()
    raw["space"].update(optimizer=["sgd", "momentum", "nesterov", "adam"],
                        momentum={"low": 0.5, "high": 0.99},
                        schedule=["constant", "step"], lr_gamma={"low": 0.1, "high": 0.9})
    raw["fixed"] = {"checkpoint": 2}
    spec = parse_spec(raw)
    assert spec.space.conditional() == ["momentum", "lr_gamma"]
    # the readers the trials that have it ran: all searched ones, and only those
    assert study.searched_readers(spec.space, "momentum") == {
        "optimizer": ("momentum", "nesterov")}
    assert study.searched_readers(spec.space, "lr_gamma") == {"schedule": ("step",)}
    assert study.searched_readers(spec.space, "lr") == {}
    narrow = parse_spec({**raw, "space": {**raw["space"], "optimizer": ["sgd", "momentum"]}})
    assert study.searched_readers(narrow.space, "momentum") == {"optimizer": ("momentum",)}
    s = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    for _ in range(40):
        trial = s.ask()
        cfg = study.build_config(spec.space.suggest(trial, spec.fixed), spec.fixed, 5)
        s.tell(trial, cfg.lr)
    params = [t.params for t in s.trials]
    assert {p["optimizer"] for p in params} == {"sgd", "momentum", "nesterov", "adam"}
    for p in params:
        assert ("momentum" in p) == (p["optimizer"] in ("momentum", "nesterov"))
        assert ("lr_gamma" in p) == (p["schedule"] == "step")
    # the grid would count sgd x momentum 0.5 and sgd x momentum 0.9: one net twice
    raw["study"]["sampler"] = "grid"
    raw["space"] = {"lr": [0.01, 0.1], "optimizer": ["sgd", "momentum"], "momentum": [0.5, 0.9]}
    with pytest.raises(SpecError) as info:
        parse_spec(raw)
    assert str(info.value) == (
        "space.momentum: the grid sampler needs every parameter in every trial, and only "
        "momentum and nesterov read momentum; fix momentum in [fixed] or use another sampler")
    # every searched optimizer reads it (or one fixed does): suggested in every trial, in
    # the spec's order, as before
    for space, fixed in (({"optimizer": ["momentum", "nesterov"]}, {}),
                         ({}, {"optimizer": "nesterov"})):
        raw = _raw()
        raw["space"] = {"momentum": {"low": 0.5, "high": 0.99}, **space, **raw["space"]}
        raw["fixed"] = {"checkpoint": 2, **fixed}
        spec = parse_spec(raw)
        assert spec.space.conditional() == []
        trial = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0)).ask()
        spec.space.suggest(trial, spec.fixed)
        assert list(trial.params)[0] == "momentum"


def test_the_courses_adadelta_multistep_and_msra_are_searchable():
    raw = _raw()
    raw["space"].update(optimizer=["rmsprop", "adadelta"], init=["xavier", "msra"],
                        rho={"low": 0.8, "high": 0.99})  # rho: None by default, still a float
    raw["fixed"] = {"schedule": "multistep", "lr_milestones": [100, 200], "checkpoint": 2}
    spec = parse_spec(raw)
    trial = optuna.create_study().ask()
    cfg = study.build_config(spec.space.suggest(trial, spec.fixed), spec.fixed, 5)
    assert cfg.optimizer == trial.params["optimizer"] and cfg.init == trial.params["init"]
    assert 0.8 <= cfg.rho <= 0.99 and cfg.lr_milestones == (100, 200)
    raw["space"]["rho"] = {"low": 0.8, "high": 1.0}
    with pytest.raises(SpecError, match=r"rho must be in \[0, 1\)"):
        parse_spec(raw)
    raw["space"]["rho"] = ["high"]
    with pytest.raises(SpecError, match="space.rho.choices must be a finite number"):
        parse_spec(raw)


def test_lr_and_its_floor_searched_together_load_and_a_bad_pair_fails_alone():
    raw = _raw()  # lr in 0.001..0.5
    raw["space"]["lr_min"] = {"low": 0.0, "high": 0.4}
    raw["fixed"]["schedule"] = "cosine"
    spec = parse_spec(raw)  # had been refused: lr_min 0.4 checked against the default lr 0.1
    cfg = study.build_config({"lr": 0.5, "lr_min": 0.4, "width": 4, "depth": 1}, spec.fixed, 5)
    assert (cfg.lr, cfg.lr_min) == (0.5, 0.4)
    with pytest.raises(ValueError, match=r"^lr_min must be <= lr .*got lr_min 0\.4 and lr 0\.01$"):
        study.build_config({"lr": 0.01, "lr_min": 0.4, "width": 4, "depth": 1}, spec.fixed, 5)
    raw["space"]["lr_min"] = {"low": 0.2, "high": 0.3}  # above the low lrs: none could run
    with pytest.raises(SpecError, match=r"^space\.lr value 0\.001: lr_min must be <= lr "
                                        r".*got lr_min 0\.2 and lr 0\.001$"):
        parse_spec(raw)


def test_with_trials_overrides_the_total_only():
    spec = load_spec("coin")
    more = spec.with_trials(99)
    assert more.n_trials == 99 and more.space == spec.space
    # the argument's name: the command line names its flag (below)
    with pytest.raises(SpecError, match=r"^n_trials must be an integer >= 1, got 0$"):
        spec.with_trials(0)


@pytest.mark.slow
def test_trials_beyond_a_grid_name_the_argument_or_the_flag(tmp_path, capsys):
    from cli_helpers import run_cli
    from conftest import write_spec_toml

    raw = _raw(sampler="grid")
    raw["space"] = {"lr": [0.01, 0.1], "width": [2, 4]}
    with pytest.raises(SpecError, match=r"^n_trials 5 exceeds the grid's 4 points$"):
        parse_spec(raw).with_trials(5)
    path = write_spec_toml(tmp_path / "grid.toml", raw)
    code, _, err = run_cli(["study", "run", path, "--trials", 5, "--storage",
                            tmp_path / "g.db"], capsys)
    assert (code, err) == (2, "hplab study run: error: --trials 5 exceeds the grid's 4 "
                              "points\n")
    assert not (tmp_path / "g.db").exists()
    code, _, err = run_cli(["study", "run", path, "--trials", 0], capsys)
    assert (code, err) == (2, "hplab study run: error: argument --trials: expected an "
                              "integer >= 1, got '0'\n")
    # QA: a file asking for more than its grid ran with --trials within it: "study.n_trials
    # 30 exceeds the grid's 4 points" (the file's count was checked before the flag's)
    raw["study"]["n_trials"] = 30
    path = write_spec_toml(tmp_path / "grid30.toml", raw)
    code, out, err = run_cli(["study", "run", path, "--trials", 3, "--storage",
                              tmp_path / "g30.db", "--no-report", "--json"], capsys)
    assert code == 0, err
    assert (json.loads(out)["n_trials"], json.loads(out)["n_finished"]) == (3, 3)
    assert load_spec(path, n_trials=4).n_trials == 4
    with pytest.raises(SpecError, match=r"^study\.n_trials 30 exceeds the grid's 4 points$"):
        load_spec(path)


def test_study_spec_lists_the_ready_specs_and_prints_one_to_edit(tmp_path, capsys):
    from cli_helpers import run_cli

    code, out, _ = run_cli(["study", "spec", "--json"], capsys)
    assert code == 0
    rows = json.loads(out)["specs"]
    assert [r["name"] for r in rows] == study.spec_names()
    assert {r["name"]: r["dataset"] for r in rows}["coin"] == "coin"
    code, out, _ = run_cli(["study", "spec", "coin"], capsys)
    assert code == 0 and out.startswith("#")
    copy = tmp_path / "my-coin.toml"
    copy.write_text(out)  # a package user's starting file: the same spec, by path
    mine, ready = load_spec(copy), load_spec("coin")
    # named after its file (QA: a copy named "coin" was refused as another spec of the
    # stored "coin" study once edited)
    assert mine.name == "my-coin" and ready.name == "coin"
    raw = {**mine.raw, "study": {**mine.raw["study"], "name": "coin"}}
    assert dataclasses.replace(mine, path=ready.path, name="coin", raw=raw) == ready
    code, _, err = run_cli(["study", "spec", "nope"], capsys)
    assert code == 2 and "ready specs are coin, coin-pareto" in err


def test_listing_the_ready_specs_reads_what_loading_them_does_without_scikit_learn(tmp_path):
    # QA: `hplab study spec` validated every ready spec for its listing: the imbalance
    # spec's pipeline check imported scikit-learn and imbalanced-learn (3.4 s, 167 MB)
    import subprocess
    import sys
    from pathlib import Path

    from conftest import write_spec_toml

    from study._spec_list import listed_fields

    root = Path(study.__file__).resolve().parents[1]
    code = ("import sys, hplab\nfor argv in (['study', 'spec'], ['study', 'spec', '--json']):\n"
            "    assert hplab.main(argv) == 0\n"
            "print(sorted({'sklearn', 'imblearn', 'scipy', 'reports'} & set(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(root)})
    assert done.returncode == 0, done.stderr[-2000:]
    *text, listed, loaded = done.stdout.splitlines()  # the lines, the JSON, the modules
    assert loaded == "['reports']"  # the listing's padding only
    rows = json.loads(listed)["specs"]
    assert rows == [{"name": s.name, "dataset": s.dataset, "n_trials": s.n_trials,
                     "description": s.description, "path": str(study.SPECS_DIR /
                                                               f"{s.name}.toml")}
                    for s in map(load_spec, study.spec_names())]
    assert [line.split()[:2] for line in text] == [[r["name"], r["dataset"]] for r in rows]
    # a grid that leaves n_trials out runs its size: read by loading the spec
    raw = _raw(sampler="grid")
    raw["space"] = {"lr": [0.01, 0.1], "width": {"low": 2, "high": 4}}
    raw["study"].pop("name")
    fields = listed_fields(write_spec_toml(tmp_path / "grid.toml", raw))
    assert fields == {"name": "grid", "dataset": "coin", "n_trials": 6, "description": "",
                      "path": str(tmp_path / "grid.toml")}


def test_a_trial_seeded_sampler_gives_each_thread_its_own_trials_draws():
    # review: one sampler shared by optuna's threads (n_jobs > 1) handed trials each
    # other's draws (37 of 40 differed from one thread)
    spec = parse_spec(_raw(sampler="random", seed=3))

    def draws(n_jobs):
        s = optuna.create_study(sampler=study.make_sampler(spec))
        with study.quiet_optuna():
            s.optimize(lambda t: t.suggest_float("lr", 1e-3, 0.5, log=True)
                       + t.suggest_int("w", 2, 32), n_trials=40, n_jobs=n_jobs)
        return {t.number: t.params for t in s.trials}

    assert draws(4) == draws(1)


def test_a_study_of_more_trials_than_the_cap_is_refused_from_a_flag_and_the_api(tmp_path,
                                                                              capsys):
    # QA: a spec's n_trials = 10**20 and --trials alike were taken (a spec's 1e9 was not)
    for argv in (["study", "run", "xor", "--trials", "1000001"],
                 ["demo", "--trials", str(10**20)]):
        code, out, err = run_cli([*argv, "--storage", tmp_path / "s.db"], capsys)
        assert (code, out) == (2, ""), err
        assert err == (f"hplab {' '.join(argv[:-3 if argv[0] == 'study' else -2])}: error: "
                       f"argument --trials: expected at most 1,000,000 trials, got "
                       f"{argv[-1]}\n")
    assert not (tmp_path / "s.db").exists()
    with pytest.raises(SpecError, match=r"^n_trials must be at most 1,000,000, got "
                                        r"1,000,001$"):
        load_spec("xor", n_trials=1_000_001)
    assert load_spec("xor", n_trials=1_000_000).n_trials == study.MAX_TRIALS


def test_the_readme_names_every_ready_spec():
    # QA: a ready spec added to study/specs/ went unlisted where a reader looks for them
    import re
    from pathlib import Path

    readme = (Path(study.__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    said = " ".join(readme.split("Ready specs:")[1].split("`study/specs/`")[0].split())
    assert set(study.spec_names()) <= set(re.findall(r"`([\w-]+)`", said))


@pytest.mark.slow
@pytest.mark.parametrize("locale", [{"PYTHONIOENCODING": "ascii"},
                                    {"LC_ALL": "C", "PYTHONUTF8": "0"}])
def test_a_ready_spec_written_to_a_file_is_utf8_whatever_the_locale(tmp_path, locale):
    # QA: `hplab study spec curve > my.toml` under PYTHONIOENCODING=ascii wrote its "R²"
    # as "R\xb2": the file no longer the ready spec's text; under LC_ALL=C PYTHONUTF8=0
    # it was refused: "'ascii' codec can't decode byte 0xc2"
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root), **locale}
    done = subprocess.run([sys.executable, "-m", "hplab", "study", "spec", "curve"],
                          capture_output=True, cwd=tmp_path, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    text = (root / "study" / "specs" / "curve.toml").read_text(encoding="utf-8")
    assert "R²" in text and done.stdout.decode("utf-8") == text
    (tmp_path / "my.toml").write_bytes(done.stdout)
    assert study.load_spec(tmp_path / "my.toml").dataset == "curve"


def test_a_file_name_no_study_may_take_is_said_to_be_the_files(tmp_path, capsys, spec_file):
    # QA: a spec without study.name, in a file named "tab\there.toml", was refused with
    # "study.name must not hold control characters": the spec has no study.name to fix
    text = (spec_file("x", n_trials=1, max_epochs=1).read_text()
            .replace('name = "x"\n', ""))
    assert "name =" not in text
    path = tmp_path / "tab\there.toml"
    path.write_text(text)
    code, _, err = run_cli(["study", "run", path, "--storage", tmp_path / "s.db",
                            "--no-report"], capsys)
    shown = str(path).replace("\t", " ")  # an error's one line: its tab a space
    assert (code, err) == (2, f"hplab study run: error: {shown}: the study's name is the "
                              "file's, 'tab\\there' (the spec gives no study.name), which must "
                              "not hold control characters, got 'tab\\there'; give it one "
                              "with study.name or rename the file\n")
    assert not (tmp_path / "s.db").exists()
    # the same name given in the spec: refused as the spec's
    path.write_text(text.replace("[study]\n", '[study]\nname = "tab\\there"\n'))
    code, _, err = run_cli(["study", "run", path, "--storage", tmp_path / "s.db",
                            "--no-report"], capsys)
    assert (code, err) == (2, "hplab study run: error: study.name must not hold control "
                              "characters, got 'tab\\there'\n")
    # renamed, the file runs its trial
    path.rename(tmp_path / "tab.toml")
    path = tmp_path / "tab.toml"
    path.write_text(text)
    code, out, err = run_cli(["study", "run", path, "--storage", tmp_path / "s.db",
                              "--no-report", "--json"], capsys)
    assert code == 0, err
    assert (json.loads(out)["study"], json.loads(out)["n_complete"]) == ("tab", 1)
