"""The analysis commands' flags default to what the analyses default to: each flag reads
its default where the package writes it (a function's signature, a config, a mapping), so
a default changed there changes the flag and the help that states it."""

import dataclasses
import inspect

import pytest
from cli_helpers import ANALYSES

import analyses
import hplab
import nets
from reports._cli import _help_values


def _signature(function) -> dict:
    return {name: p.default for name, p in inspect.signature(function).parameters.items()
            if p.default is not inspect.Parameter.empty}


def _fields(config: nets.TrainConfig) -> dict:
    return {f.name: getattr(config, f.name) for f in dataclasses.fields(config)}


# where each command's defaults are written: the function it calls, then the configs or
# mappings its net's flags fill (the first that names a setting holds its default)
SOURCES = {
    "imbalance": lambda: [_signature(analyses.imbalance_benchmark), nets.DEFAULT_NET,
                          _fields(nets.TrainConfig())],
    "capacity": lambda: [_signature(analyses.capacity_sweep),
                         _fields(analyses.CAPACITY_CONFIG)],
    "lr-range": lambda: [_signature(analyses.lr_range_test),
                         _fields(analyses.LR_RANGE_CONFIG)],
    "scaling": lambda: [_signature(analyses.scaling_study),
                        {"lr_grid": _signature(analyses.lr_grid)["num"]},
                        _fields(nets.TrainConfig())],
}
# a flag's dest -> the setting it sets, where the names differ
SETTING = {"epochs": "max_epochs", "steps": "num_steps", "ratio": "ratios"}
# the flags that set nothing of the analysis (where its output goes), and --lr-range, whose
# none means lr_grid's bounds (its help says them: test_the_flags_read_...)
CLI_ONLY = {"dataset", "out", "report", "json", "lr_range"}
# the defaults the command line sets apart from the API's, each with why
# (none now: imbalance's --workers was -1, every core, where the function's and every other
# analysis's is 1; its reason, "a benchmark of every strategy", held for capacity too)
CLI_OWN: dict[tuple[str, str], str] = {}


def test_every_analysis_command_defaults_to_its_functions_defaults():
    # review: the commands copied the analyses' defaults as literals (imbalance's net, the
    # capacity config, the range test's ramp, the scaling grid), which drift when a
    # package's change
    assert set(SOURCES) == set(ANALYSES)  # a new analysis command is checked here too
    parser = hplab.build_parser()
    for command, sources in SOURCES.items():
        sub = parser._subparsers._group_actions[0].choices[command]
        args = parser.parse_args([command, "--dataset", "coin"])
        checked, differ = 0, {}
        for action in sub._actions:
            if not action.option_strings or action.dest in CLI_ONLY | {"help"}:
                continue
            setting = SETTING.get(action.dest, action.dest)
            source = next(s for s in sources() if setting in s)  # StopIteration: unknown
            api, cli = source[setting], getattr(args, action.dest)
            if isinstance(api, str) and isinstance(cli, tuple):  # an activation's one name
                api = (api,)
            checked += 1
            if cli != api or type(cli) is not type(api):
                differ[(command, action.dest)] = (cli, api)
        assert checked >= 14, command
        assert set(differ) == {k for k in CLI_OWN if k[0] == command}, differ


def _help(command: str) -> str:
    parser = hplab.build_parser()._subparsers._group_actions[0].choices[command]
    return " ".join(parser.format_help().split())


def _defaults(command: str):
    return hplab.build_parser().parse_args([command, "--dataset", "coin"])


def test_the_flags_read_their_defaults_from_the_packages(monkeypatch):
    # changed where the package writes them, the flags and their help follow (the help
    # reads them when it is shown, the flags when the command is parsed)
    monkeypatch.setitem(nets.DEFAULT_NET, "lr", 0.003)
    monkeypatch.setitem(nets.DEFAULT_NET, "activation", "tanh")
    monkeypatch.setattr(nets, "DEFAULT_SAMPLING_RATIO", 0.5)
    args = _defaults("imbalance")
    assert (args.lr, args.activation, args.sampling_ratio) == (0.003, ("tanh",), 0.5)
    words = _help("imbalance")
    assert "--lr LR learning rate (default 0.003)" in words
    assert "the samplers aim for: 0.2, or 1:5 in --ratio's P:N form (default 0.5)" in words

    monkeypatch.setattr(analyses, "CAPACITY_CONFIG", analyses.CAPACITY_CONFIG.replace(
        lr=0.05, max_epochs=300, lr_gamma=0.5, lr_decay_steps=20))
    monkeypatch.setitem(analyses.CAPACITY_SWEEP_DEFAULTS, "widths", (3, 6))
    args = _defaults("capacity")
    assert (args.lr, args.epochs, args.widths) == (0.05, 300, (3, 6))
    words = _help("capacity")
    assert "--widths WIDTHS neurons per hidden layer (default 3,6)" in words
    assert "--epochs EPOCHS max epochs per net (default 300)" in words
    assert "the rate at step t of T, g = 0.5, s = 20, p = 1, lr_min = 0:" in words
    assert "steps where the rate is multiplied by 0.5, e.g. 100,200" in words

    monkeypatch.setitem(analyses.LR_RANGE_TEST_DEFAULTS, "min_lr", 1e-6)
    monkeypatch.setitem(analyses.LR_RANGE_TEST_DEFAULTS, "verify_epochs", 7.5)
    monkeypatch.setattr(analyses, "LR_RANGE_CONFIG",
                        analyses.LR_RANGE_CONFIG.replace(batch_size=64))
    args = _defaults("lr-range")
    assert (args.min_lr, args.verify_epochs, args.batch_size) == (1e-6, 7.5, 64)
    words = _help("lr-range")
    assert "--min-lr MIN_LR first rate (default 1e-6)" in words
    assert "epochs of each verification run (default 7.5)" in words
    assert "-1 means full batch (default 64)" in words

    def lr_grid(num=5, low=0.01, high=1.0):
        return ()

    monkeypatch.setattr(analyses, "lr_grid", lr_grid)
    assert _defaults("scaling").lr_grid == 5
    words = _help("scaling")
    assert "log-spaced rates over --lr-range (default 5)" in words
    assert "bounds of --lr-grid (default 0.01,1)" in words


def test_the_defaults_as_the_help_says_them():
    assert "(default 1e-7)" in _help("lr-range") and "(default 2,4,8,16,32)" in _help(
        "capacity")
    assert "bounds of --lr-grid (default 0.001,10)" in _help("scaling")
    assert [_help_values.default_text(v) for v in (1e-7, 10.0, 0.01, 2000, (16,), "relu", 1e-300,
                                             2.5e+20)] == [
        "1e-7", "10", "0.01", "2000", "16", "relu", "1e-300", "2.5e+20"]


@pytest.mark.parametrize("command", list(SOURCES))
def test_a_typed_flag_still_wins(command):
    args = hplab.build_parser().parse_args([command, "--dataset", "coin", "--seeds", "2"])
    assert args.seeds == 2 and "seeds" in args.given
