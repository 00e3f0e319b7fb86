"""The parser's own words: every flag's help gives its default (they differ between
commands: batch size 10 for train, 32 for lr-range and imbalance; workers 1, the demo's
2), a registry's flag lists its names, a missing command lists the choices."""

import argparse
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from cli_helpers import description_words, help_words, readme_words, registry_names, run_cli

import hplab
import reports._cli as cli
from reports._cli import _analysis, _help_texts, _help_values, _in_flags, _json_keys


def _parsers(parser):
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _parsers(sub)


def test_every_flag_with_a_default_says_it_in_its_help():
    unsaid, checked = [], 0
    for parser in _parsers(hplab.build_parser()):
        for action in parser._actions:
            if isinstance(action, argparse._StoreFalseAction):  # its True: not given
                assert "(default" not in action.help, (parser.prog, action.help)
                continue
            if not action.option_strings or any(
                    action.default is v for v in (None, False, argparse.SUPPRESS)):
                continue
            checked += 1
            if "default" not in (action.help or ""):
                unsaid.append(f"{parser.prog} {action.option_strings[0]}")
    assert checked > 80 and unsaid == []
    help_text = hplab.build_parser()._subparsers._group_actions[0].choices["train"].format_help()
    assert "(default 10)" in help_text
    # QA: --seed, --lr, --dtype... said only their default; the same flag's words everywhere,
    # --seed's by command (what it seeds differs)
    words = " ".join(help_text.split())
    assert ("--seed SEED seeds the data (a generated set's points and every set's split), "
            "the initial weights and the batches' shuffles (default 0)") in words
    assert "--lr LR learning rate (default 0.1)" in words
    # QA: report compare's --no-report said "(default True)", as if it were on by default;
    # it is now --report | --no-report, as every other command's, whose True reads right
    assert ("--report, --no-report write the report and refresh the runs index "
            "(--no-report: print the comparison without writing a report) (default True) "
            "--json" in help_words("report", "compare"))
    # and every flag says more than its default: a new command's --seed, whose words are
    # its SEED_HELP entry, is caught here (every parser of every command is looked at)
    unexplained = [f"{parser.prog} {a.option_strings[0]}" for parser in _parsers(
                       hplab.build_parser()) for a in parser._actions
                   if a.option_strings and not re.sub(r"\(default [^)]*\)$", "",
                                                      a.help or "").strip()]
    assert unexplained == []


def test_the_fine_settings_name_who_reads_them_from_the_registries(monkeypatch):
    # the help listed the readers by hand ("--beta1 adam"): a new optimizer reading beta1
    # and opt_eps was missing there, while the errors (from nets.SETTINGS_READ) named it
    import nets

    variant = type("AdamVariant", (nets.OPTIMIZERS["adam"],),
                   {"name": "adam_variant", "default_eps": 1e-7})
    monkeypatch.setitem(nets.OPTIMIZERS, "adam_variant", variant)
    text = help_words("train")
    readers = {s: nets.and_list(*nets.setting_readers(s).values()) for s in (
        "momentum", "beta1", "beta2", "lr_gamma", "lr_decay_steps", "lr_milestones",
        "lr_power", "lr_min")}
    beta1 = nets.setting_readers("beta1")["optimizer"]
    assert beta1[0] == "adam" and beta1[-1] == "adam_variant"
    for help_text in ("--momentum MOMENTUM {momentum} (default 0.9)",
                      "--beta1 BETA1 {beta1} (default 0.9)",
                      "--beta2 BETA2 {beta2} (default 0.999)",
                      "--lr-gamma LR_GAMMA decay factor of {lr_gamma}, per --lr-decay-steps "
                      "or per milestone (default 0.9)",
                      "--lr-decay-steps LR_DECAY_STEPS steps per decay: {lr_decay_steps} "
                      "(default 50; a fraction for exponential and inverse)",
                      "--lr-milestones LR_MILESTONES {lr_milestones}: steps where the rate is "
                      "multiplied by",  # then --lr-gamma, which argparse wraps at its dash
                      "--lr-power LR_POWER {lr_power} (default 1)",
                      "--lr-min LR_MIN floor of {lr_min} (default 0)"):
        assert help_text.format(**readers) in text
    # each optimizer with its own default where the flag's None means it
    assert ("--rho RHO decay of the running means of adadelta (default 0.95) and rmsprop "
            "(default 0.9)") in text
    assert re.search(r"--opt-eps OPT_EPS denominator guard of adagrad \(default 1e-8\), "
                     r"adadelta \(default 1e-6\), rmsprop \(default 1e-8\), adam \(default "
                     r"1e-8\),? .*and adam_variant \(default 1e-7\) ", text)
    assert "e.g. 100,200 (none by default: needed there)" in text
    assert (f"--lr-milestones STEPS {readers['lr_milestones']}: steps where"
            in help_words("capacity"))


def _flag_help(command: str, flag: str) -> str:
    """The help of ``hplab COMMAND``'s ``flag`` with what each entry does (nets' texts) in,
    its registry's names not yet."""
    parser = hplab.build_parser()._subparsers._group_actions[0].choices[command]
    (action,) = [a for a in parser._actions if flag in a.option_strings]
    texts = getattr(action, "texts", None)
    return " ".join(action.help.replace(_help_texts.TEXTS, str(texts)).split())


@pytest.mark.parametrize("command", ["train", "capacity"])
def test_every_schedule_has_its_rate_in_the_help(command):
    # the rates were written by hand in _help_texts.SCHEDULE_HELP, beside the registry's names: a
    # new schedule was listed among the names with no word of what rate it gives (now
    # nets/_schedules.py's RATES, which `import nets` checks is whole)
    import nets

    rates = _flag_help(command, "--schedule").split(_help_texts.NAMES)[0]
    missing = [name for name in registry_names(nets.SCHEDULES)
               if not re.search(rf"(: |; ){re.escape(name)} ", rates)]
    assert missing == []


@pytest.mark.parametrize("command", ["train", "gradcheck", "lr-range", "scaling", "capacity"])
def test_every_initializer_but_zero_has_its_draw_in_the_help(command):
    # _help_texts.INIT_HELP said by hand what each draws ("normal" is N(0, 1)); now nets/_init.py's
    # DRAWS does, beside the code
    import nets

    draws = _flag_help(command, "--init").split(_help_texts.NAMES)[0]
    missing = [name for name in registry_names(nets.INITIALIZERS)
               if name != "zero" and not re.search(rf"(: |, ){re.escape(name)} ", draws)]
    assert missing == []


def test_a_new_schedule_and_initializer_bring_their_texts_to_the_help(monkeypatch):
    # the maintainer writes a rule's rate and an initializer's draw beside its code, in
    # nets; the help of every command with the flag says it (it was a second copy in hplab)
    import nets

    def restarts(step, cfg, total):
        return cfg.lr

    def lecun(rng, n_in, n_out, dtype):
        return rng.standard_normal((n_in, n_out)).astype(dtype) / n_in ** 0.5

    # said after the last real entry, whichever it is (QA: a schedule added after one_cycle
    # failed this test, about a made-up one)
    last_rate = _last_said(nets.SCHEDULES, nets.SCHEDULE_RATES)
    last_draw = _last_said(nets.INITIALIZERS, nets.INIT_DRAWS, aliases=True)
    monkeypatch.setitem(nets.SCHEDULES, "cosine_restarts", restarts)
    monkeypatch.setitem(nets.SCHEDULES, "sgdr", restarts)  # an alias: said by its name only
    monkeypatch.setitem(nets.SCHEDULE_RATES, restarts, "cosine from lr to lr_min every s")
    monkeypatch.setitem(nets.INITIALIZERS, "lecun", lecun)
    monkeypatch.setitem(nets.INITIALIZERS, "lecun_normal", lecun)
    monkeypatch.setitem(nets.INIT_DRAWS, lecun, "N(0, 1/in)")
    for command in ("train", "capacity"):
        assert (f"{last_rate}; cosine_restarts cosine from lr to lr_min every s. "
                "Names:") in help_words(command)
    for command in ("train", "gradcheck"):
        assert (f"{last_draw}, lecun (the course's lecun_normal) N(0, 1/in): "
                "zero,") in help_words(command)


def _last_said(registry, texts, aliases=False) -> str:
    """The help's words for the last entry of ``registry`` with a text: its name, its
    other names when the help says them, its text (one_cycle's rate today)."""
    name = [n for n in registry_names(registry) if texts[registry[n]]][-1]
    others = [n for n, entry in registry.items() if entry is registry[name] and n != name]
    said = f" (the course's {', '.join(others)})" if aliases and others else ""
    return f"{name}{said} {texts[registry[name]]}"


@pytest.mark.parametrize("columns", [60, 80, 100])
def test_help_breaks_lines_at_spaces_not_hyphens(monkeypatch, columns):
    # QA: argparse's textwrap broke after a hyphen, so a rate read "(lr-" / "lr_min)" and a
    # flag "--lr-" / "gamma" at some terminal widths (train's help, at 80), and help_words
    # joined them as "lr- lr_min", failing a test about a new schedule's text by the width
    monkeypatch.setenv("COLUMNS", str(columns))
    sub = hplab.build_parser()._subparsers._group_actions[0]
    for command in ("train", "capacity", "lr-range"):
        lines = sub.choices[command].format_help().splitlines()
        assert [line for line in lines if re.search(r"\w-$", line)] == [], command
    assert "lr_min+(lr-lr_min)*(1-t/T)^p" in help_words("train")


def test_registry_flags_list_their_names():
    # only their defaults were shown (gradcheck --init alone listed its names)
    import analyses
    import nets

    optimizers, activations = ", ".join(nets.OPTIMIZERS), ", ".join(nets.ACTIVATIONS)
    for command in ("train", "lr-range", "scaling", "capacity", "imbalance"):
        text = help_words(command)
        # train's says what adamw's own decay takes at its --lr 0.1 before its default
        assert f"{optimizers} (" in text and activations in text, command
        assert "(default " in text.partition("--optimizer OPTIMIZER sgd")[2][:400], command
    for command, biases in (("train", "biases start at 0"),
                            # they refused --init: He's ReLU init untested there
                            ("lr-range", "biases start at 0"), ("scaling", "biases start at 0"),
                            ("capacity", "biases start at 0"),
                            # gradcheck draws them, off ReLU's kink (its help said "at 0")
                            ("gradcheck", "biases drawn with std 0.1: a point off ReLU's kink")):
        # what each draws too: "normal" is N(0, 1), which a student cannot guess
        assert (f"--init INIT weights ({biases}): zero all 0 (a hidden layer's units then "
                "stay identical for good: no seed helps; for nets with no hidden layer), "
                "normal N(0, 1), xavier uniform "
                "within ±sqrt(6/(in+out)), he (the course's msra) N(0, 2/in): "
                f"{_help_values.RegistryNames('nets.INITIALIZERS')} (default xavier)"
                ) in help_words(command)
    assert "zero, normal, xavier, he, msra (= he)" in help_words("train")  # as it reads
    for command in ("train", "capacity"):  # each alias beside the name it stands for
        text = help_words(command)
        assert ("constant, step, multistep, exponential, inverse, polynomial, cosine, "
                "one_cycle") in text
        assert ("fixed (= constant), exp (= exponential), inv (= inverse), poly (= "
                "polynomial)") in text
    assert (f"comma-separated: {', '.join(analyses.STRATEGIES)}, or those samplers' "
            "imbalanced-learn") in help_words("imbalance")


def test_building_the_parser_imports_no_registry():
    # the names are read when a help is shown: nets and analyses cost seconds to import;
    # the parser is reports' (reports/_cli), whose other modules come with their first use
    code = ("import sys, hplab; hplab.build_parser().parse_args(['data', 'list']); "
            "print(sorted({m for m in sys.modules if m in ('nets', 'analyses', 'data', "
            "'study', 'numpy') or m.startswith('reports.') and not m.startswith("
            "'reports._cli')}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(hplab.__file__).parent, check=True)
    assert done.stdout == "[]\n"


def test_commands_run_with_docstrings_stripped(tmp_path):
    # QA: under `python -OO` (PYTHONOPTIMIZE=2, set by some slim images) every command,
    # --help and --version included, ended in a traceback: the parser's description was
    # read off the stripped module docstring
    import json
    import os

    # (no .opt-2.pyc files left in the checkout's or the environment's __pycache__)
    env = {**os.environ, "PYTHONPATH": str(Path(hplab.__file__).parent),
           "PYTHONDONTWRITEBYTECODE": "1"}
    for argv in (["-OO", "-m", "hplab", "--help"], ["-m", "hplab", "data", "list", "--json"]):
        done = subprocess.run([sys.executable, *argv], capture_output=True, text=True,
                              cwd=tmp_path, env={**env, "PYTHONOPTIMIZE": "2"}, timeout=120)
        assert done.returncode == 0 and done.stderr == "", done.stderr
        if "--json" in argv:
            assert {"xor", "digits"} <= {d["name"] for d in json.loads(done.stdout)}
        else:
            assert done.stdout.startswith("usage: hplab") and "command line over" in done.stdout


@pytest.mark.parametrize("argv, line", [
    ([], "hplab: error: missing command: one of train, gradcheck, data, report, study, demo, "
         "scaling, predict, export-onnx, imbalance, lr-range, capacity\n"),
    (["study"], "hplab study: error: missing command: one of run, worker, enqueue, list, show, "
                "export, spec, report\n"),
    (["data"], "hplab data: error: missing command: one of list, show, fetch\n"),
])
def test_a_missing_command_lists_the_choices(argv, line, capsys):
    # argparse named its internal dest: "the following arguments are required: study_command"
    assert run_cli(argv, capsys) == (2, "", line)


def test_every_analysis_names_its_flags_in_its_errors(capsys):
    # QA: a command missing from FIELD_FLAGS (a new analysis) said "max_epochs must be a
    # finite number > 0", the API's parameter, not --epochs; every analysis is in it now
    parser = hplab.build_parser()
    analyses = hplab.analysis_commands(parser)
    assert {"capacity", "imbalance", "lr-range", "scaling"} <= set(analyses)
    for command in analyses:
        flags = parser.parse_args([command, "--dataset", "xor"]).field_flags
        assert flags["dataset"] == "--dataset" and flags["seed"] == "--seed", command
    # only lr_grid's arguments, which no dest names, and the config's unused lr (the
    # lowest rate): the study's are named by its dests
    assert _in_flags.FIELD_FLAGS["scaling"] == {"num": "--lr-grid", "low,high": "--lr-range",
                                            "lr": "the lowest rate of --lrs or --lr-range"}
    assert run_cli(["scaling", "--dataset", "xor", "--max-epochs", "0", "--no-report"],
                   capsys) == (2, "", "hplab scaling: error: --max-epochs must be a finite "
                                      "number > 0, at most 1,000,000 epochs, got 0.0\n")
    # and --epochs, named so in every command, is max_epochs' (the QA's new analysis said
    # max_epochs without a FIELD_FLAGS entry of its own)
    assert "imbalance" not in _in_flags.FIELD_FLAGS
    for command in ("imbalance", "capacity", "train"):
        flags = parser.parse_args([command, "--dataset", "xor"]).field_flags
        assert flags["max_epochs"] == "--epochs", command
    assert run_cli(["imbalance", "--dataset", "moons", "--epochs", "0", "--no-report"],
                   capsys)[2] == ("hplab imbalance: error: --epochs must be a finite number "
                                  "> 0, at most 1,000,000 epochs, got 0.0\n")


def test_adding_an_analysis_names_the_places_that_exist():
    # QA: nothing told a contributor what a new analysis needs (COMMANDS, SEED_HELP,
    # FIELD_FLAGS, the lazy tables, a Report kind that is its command): analyses'
    # docstring does, and what it names must stay there
    import cli_helpers

    import analyses
    import nets
    import reports

    steps = analyses.__doc__.partition("Adding an analysis")[2]
    for module, name in [(analyses, "_MODULES"), (analyses, "_RENAMED"), (reports, "_LAZY"),
                         (reports, "ANALYSIS_OUTPUTS"), (_analysis, "analysis_command"),
                         (_analysis, "analysis_end"),
                         (cli, "COMMANDS"), (_help_texts, "SEED_HELP"), (_in_flags, "FIELD_FLAGS"),
                         (cli_helpers, "ANALYSES"), (nets, "finite_or_none"),
                         (nets, "finite_float"),
                         (sys.modules[__name__],
                          "test_every_json_key_a_command_prints_is_in_its_help")]:
        assert re.search(rf"\b{name}\b", steps) and hasattr(module, name), name


def test_adding_a_command_names_the_places_that_exist():
    # a maintainer adding `hplab data peek` from the docs alone learned of SEED_HELP, the
    # lines' _LAZY entry and this file's list of --json runs from failing tests and the
    # code: the command line's docstring names them, and what it names must stay there
    import cli_helpers

    import reports
    from reports._cli import _output

    steps = cli.__doc__.partition("Adding a command")[2]
    for module, name in [(cli, "COMMANDS"), (cli, "run_command"), (_output, "emit"),
                         (reports, "_LAZY"), (_help_texts, "FLAG_HELP"), (_help_texts, "SEED_HELP"),
                         (_json_keys, "JSON_KEYS"), (cli_helpers, "run_cli"),
                         (cli_helpers, "undocumented_keys"),
                         (sys.modules[__name__],
                          "test_every_json_key_a_command_prints_is_in_its_help")]:
        assert re.search(rf"\b{name}\b", steps) and hasattr(module, name), name
    assert ("Adding a command: the steps are in the docstring of `reports/_cli/__init__.py`"
            in readme_words())


def test_the_command_lines_docstring_names_the_module_of_each_command():
    # a maintainer looking for `hplab report index` found it in _data.py, which no name or
    # list pointed to (nor gradcheck in _train.py, demo in _study.py): a command's module
    # is named for it, or the command line's docstring says which holds it
    said = " ".join(cli.__doc__.split())
    held = dict(re.findall(r"`(_\w+)` \(([^)]*)\)", said))
    for parser in cli.command_parsers(hplab.build_parser()):
        command = parser.prog.removeprefix("hplab ")
        module = parser.get_default("func").__module__.rpartition(".")[2]
        first = command.split()[0]
        assert f"`{module}`" in said, command
        assert module == "_" + first.replace("-", "_") or re.search(
            rf"(?<![\w-]){re.escape(first)}(?![\w-])", held.get(module, "")), command


def test_study_workers_help_and_readme_say_each_holds_a_copy_of_the_data():
    # QA: `--workers 2` on MNIST took ~1 GB (each worker loads the set), unsaid; a large
    # set is now shared by the workers (tests/test_shared_data.py), as said
    import data

    said = ("they share one copy of a set over 64 MB, mapped from a file in the temporary "
            "folder (MNIST: about 220 MB as float32), and each holds its own of a smaller one")
    for command in (("study", "run"), ("study", "worker")):
        assert said in help_words(*command), command
    assert ("a set over 64 MB (MNIST) is written once to a file in the temporary folder "
            "(`TMPDIR`: MNIST's 70,000 images take about 220 MB as float32, removed when the "
            "run ends), which the worker processes share, mapped read-only") in readme_words()
    ds = data.load("digits")  # the arrays a worker holds: float32, whatever the file's type
    assert {a.dtype for a in (ds.X_train, ds.X_val, ds.X_test)} == {np.dtype(np.float32)}
    assert round(70_000 * 28 * 28 * 4 / 1e6, -1) == 220


def test_study_export_help_and_readme_say_csv_dash_is_standard_output(tmp_path,
                                                                     monkeypatch, capsys):
    # QA: `--csv -` writes the table to standard output (as predict's --out -), which
    # neither the help nor the README said: a script wrote it to a temporary file
    assert "-: to standard output, without --json" in help_words("study", "export")
    assert "hplab study export coin --csv - | head # -: the table on standard output" in (
        readme_words())
    monkeypatch.chdir(tmp_path)
    assert run_cli(["study", "run", "xor", "--trials", "2", "--no-report", "--json"],
                   capsys)[0] == 0
    code, out, err = run_cli(["study", "export", "xor", "--csv", "-"], capsys)
    rows = out.splitlines()
    assert (code, err, len(rows), rows[0].split(",")[:2]) == (0, "", 3, ["number",
                                                                        "value_val_loss"])
    assert [r.split(",")[0] for r in rows[1:]] == ["0", "1"]


def test_the_programs_help_gives_every_exit_code_of_the_readmes_table():
    # QA: a CI job with the installed command alone (a wheel: no README beside it) found
    # no word of the exit codes in any --help; the README's table is the contract
    said = help_words()
    table = readme_words().split("## Exit codes", 1)[1].split("## Development", 1)[0]
    codes = re.findall(r"\| (\d+(?:, \d+)*) \|", table)
    assert codes == ["0", "2", "2", "1", "130, 143, 129", "141"]
    assert "Exit codes, every command: 0 done" in said
    for code in dict.fromkeys(codes):
        assert re.search(rf"[:;] {code} [a-z]", said), code
    assert ("--json prints one JSON object on standard output; warnings, errors and progress "
            "bars go to standard error.") in said


def test_a_json_key_named_only_inside_a_parenthesis_is_not_documented():
    # QA: scaling --json prints batch_sizes, which its help named only within "(lists in
    # the order of batch_sizes)": the key check now reads the help outside parentheses
    from cli_helpers import _outside_parentheses, undocumented_keys

    assert _outside_parentheses("a (b (c) d) e") == "a           e"
    # an object's keys in a parenthesis are keys (lr-range's verify), their notes are not
    assert _outside_parentheses("v (null, or {k (n), m}) e") == "v           {k    , m}  e"
    assert undocumented_keys("lr-range", ["best_grid_lr", "baseline_val_accuracy"]) == []
    assert undocumented_keys("lr-range", ["refined"]) == ["refined"]
    assert undocumented_keys("scaling", ["batch_sizes", "reached", "regimes"]) == []
    assert ("target_source, batch_sizes, and per batch size (lists in that order) reached, "
            in description_words("scaling"))


def test_report_index_help_names_each_key_of_a_reports_run():
    # the keys of its run are RUN_KEYS, listed by hand in the help too: the key check does
    # not look inside run (null in a folder of reports without a record)
    from reports._index_record import RUN_KEYS

    text = " ".join(_json_keys.JSON_KEYS["report", "index"].split())
    listed = re.search(r"run \(the training run it shows, .*? record, its config\.json, and "
                       r"from it (.*?) and hplab, the version that trained it;", text)
    assert listed and listed.group(1).split(", ") == list(RUN_KEYS)


def test_study_list_help_says_its_json_is_a_list(tmp_path, capsys):
    # the README said "one JSON object"; the list is the contract, the words follow it
    assert "--json print a JSON list of objects" in help_words("study", "list")
    (tmp_path / "empty.log").touch()  # a journal without a study
    assert run_cli(["study", "list", "--storage", tmp_path / "empty.log", "--json"],
                   capsys) == (0, "[]\n", "")
    readme = readme_words()
    assert "`study list` print a JSON list of such objects" in readme


@pytest.mark.slow
def test_every_json_key_a_command_prints_is_in_its_help(tmp_path, monkeypatch, capsys,
                                                        spec_file):
    # the keys are a contract (README): only scaling, lr-range and capacity said theirs
    import json

    from cli_helpers import undocumented_keys
    from conftest import require_module

    monkeypatch.chdir(tmp_path)
    spec = spec_file("keys", n_trials=2, max_epochs=2, pruner="none")
    commands = {
        "train": ["train", "--dataset", "xor", "--epochs", "1", "--no-report"],
        "gradcheck": ["gradcheck", "--dataset", "xor", "--hidden", "2"],
        "data list": ["data", "list"],
        "data show": ["data", "show", "sine"],
        "study run": ["study", "run", spec, "--no-report"],
        "study worker": ["study", "worker", "--study", "keys"],
        "study show": ["study", "show", "keys"],
        "study list": ["study", "list"],
        "study export": ["study", "export", "keys", "--csv", "k.csv"],
        "study report": ["study", "report", "keys"],
        "study spec": ["study", "spec"],
        "study spec coin": ["study", "spec", "coin"],
        "report index": ["report", "index", "runs"],
        "predict": ["predict", "runs/train/xor/model.npz", "--dataset"],
        "imbalance": ["imbalance", "--dataset", "moons", "--strategies", "none", "--seeds", "1",
                      "--epochs", "1", "--no-report"],
    }
    if require_module("onnx"):
        commands["export-onnx"] = ["export-onnx", "runs/train/xor/model.npz", "x.onnx"]
    for command, argv in commands.items():
        code, out, err = run_cli([*argv, "--json"], capsys)
        assert code == 0, (command, err)
        printed = json.loads(out)
        for item in printed if isinstance(printed, list) else [printed]:
            nested = [k for v in item.values() if isinstance(v, list) and v
                      and isinstance(v[0], dict) for k in v[0]]
            keys = [*item, *(k for k in nested if command != "imbalance")]
            if command == "imbalance":  # QA: tuned_mean was printed, never listed
                keys += list(item["ranking"][0])
            assert undocumented_keys(command.removesuffix(" coin"), keys) == [], command
    # every command with --json is checked here or in its own tests (data fetch needs a
    # mirror; demo prints study run's keys)
    parser = hplab.build_parser()
    with_json = {p.prog.removeprefix("hplab ") for p in cli.command_parsers(parser)
                 if any("--json" in a.option_strings for a in p._actions)}
    elsewhere = {"lr-range", "scaling", "capacity", "demo", "data fetch", "export-onnx",
                 "report compare", "study enqueue"}  # enqueue: tests/test_study_enqueue.py
    assert with_json - elsewhere <= {
        c.removesuffix(" coin") for c in commands}, with_json


def test_train_help_says_the_history_scores_the_training_set_not_a_mini_batch():
    # QA (a teacher following the course): the course's training curve scores the current
    # mini-batch, hplab's the training set (up to eval_size rows); nothing a user reads
    # said so
    import nets

    most = f"{nets.TrainConfig().eval_size:,}".replace(",", " ")
    assert ("--checkpoint CHECKPOINT epochs between checkpoints, where the history scores "
            f"the whole training set (at most {most} rows; the course: the current "
            "mini-batch) and the validation set (default 1.0)") in help_words("train")
    readme = readme_words()
    assert ("unlike the course, which scores the current mini-batch, the train figures score "
            f"the whole training set, or a fixed random `eval_size` = {most} of its rows"
            ) in readme


def test_a_key_named_alike_in_several_commands_says_its_type_in_each(tmp_path, monkeypatch,
                                                                      capsys, spec_file):
    # QA: seeds was a list in lr-range and capacity, a count in scaling and imbalance;
    # classes a count in data list, the labels in data show and predict; best_value a
    # number or a list in one `study list` array; --help said only the names. The keys
    # are a contract (never changed): their descriptions say the type
    import json

    for command, words in [("lr-range", "seeds (a list"), ("capacity", "seeds (a list"),
                           ("scaling", "seeds (a count"), ("imbalance", "seeds (a count"),
                           ("data list", "classes (a count"),
                           ("data show", "classes (the labels, a list"),
                           ("predict", "classes (the labels, a list"),
                           *((c, "best_value (the best trial's value, a number; with several "
                                 "metrics a list") for c in ("study run", "study worker",
                                                             "study show", "study list",
                                                             "demo"))]:
        assert words in description_words(*command.split()), command
    # what they say is what runs print
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli(["data", "list", "--json"], capsys)
    assert {d["name"]: d["classes"] for d in json.loads(out)}["coin"] == 3
    code, out, _ = run_cli(["data", "show", "coin", "--json"], capsys)
    assert json.loads(out)["classes"] == [1, 2, 3]
    # and data show's class_counts is null for regression (it was left out)
    code, out, _ = run_cli(["data", "show", "sine", "--json"], capsys)
    assert code == 0 and json.loads(out)["class_counts"] is None
    assert "class_counts {train, val, test: a count per class, in classes' order; null for " \
           "regression}" in description_words("data", "show")
    for name, metric in (("one", "val_accuracy"), ("two", ["val_accuracy", "n_parameters"])):
        spec = spec_file(name, metric=metric, n_trials=2, max_epochs=2, pruner="none")
        assert run_cli(["study", "run", spec, "--no-report", "--json"], capsys)[0] == 0
    code, out, _ = run_cli(["study", "list", "--json"], capsys)
    best = {s["study"]: s["best_value"] for s in json.loads(out)}
    assert isinstance(best["one"], float) and len(best["two"]) == 2
    assert best["two"][1] == 9.0  # the second metric, n_parameters: a 2-2-1 net
    # QA: the text read "best 0.89, 45" under a header "best", the metrics unnamed
    code, out, _ = run_cli(["study", "list"], capsys)
    rows = {row[0]: row[1:] for row in (re.split(r"\s{2,}", line) for line in out.splitlines())}
    assert rows["study"] == ["dataset", "trials", "best", "metric"]
    assert rows["two"] == ["xor", "2/2", f"{best['two'][0]:.6g}, 9", "val_accuracy, n_parameters"]
    assert rows["one"] == ["xor", "2/2", f"{best['one']:.6g}", "val_accuracy"]


def test_the_json_dataset_of_train_and_predict_says_which_form_it_is(tmp_path, monkeypatch,
                                                                     capsys):
    # QA: train --json's dataset is the name as typed, predict --json's (--dataset alone)
    # the model's absolute form: the help said neither, a script comparing them could not
    # tell why they differ. The values stay (a contract): the help says which
    import json

    assert "dataset (the name as typed; the model file and config.json hold it with " \
           "absolute paths)" in description_words("train")
    assert "dataset (--dataset NAME as typed; --dataset alone: the model's own, with " \
           "absolute paths; null with --input)" in description_words("predict")
    monkeypatch.chdir(tmp_path)
    x = np.random.default_rng(0).normal(size=(60, 2))
    np.savez("d.npz", data=x, label=(x[:, 0] > 0).astype(int))
    code, out, err = run_cli(["train", "--dataset", "npz:d.npz", "--hidden", "2", "--epochs",
                              "1", "--out", "m", "--no-report", "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["dataset"] == "npz:d.npz"
    for given, said in (([], f"npz:{tmp_path / 'd.npz'}"), (["npz:d.npz"], "npz:d.npz")):
        code, out, err = run_cli(["predict", "m/model.npz", "--dataset", *given, "--json"],
                                 capsys)
        assert code == 0, err
        assert json.loads(out)["dataset"] == said
    np.save("x.npy", x[:3])
    code, out, err = run_cli(["predict", "m/model.npz", "--input", "x.npy", "--json"], capsys)
    assert code == 0 and json.loads(out)["dataset"] is None, err


def test_every_analysis_names_seeds_and_other_one_word_parameters_by_their_flags(capsys):
    # QA: "--seeds 0" said "seeds must be an integer from 1 to 1000, got 0" while "--max-steps
    # must be ..." had its dashes: a one-word parameter was never named as its flag
    parser = hplab.build_parser()
    sub = parser._subparsers._group_actions[0].choices
    with_seeds = [c for c in hplab.analysis_commands(parser)
                  if "--seeds" in {o for a in sub[c]._actions for o in a.option_strings}]
    assert {"lr-range", "scaling", "capacity", "imbalance"} <= set(with_seeds)
    dataset = {"imbalance": "digits"}
    for command in with_seeds:
        code, out, err = run_cli([command, "--dataset", dataset.get(command, "xor"), "--seeds",
                                  "0", "--no-report"], capsys)
        assert (code, out, err) == (2, "", f"hplab {command}: error: --seeds must be an "
                                           "integer from 1 to 1000, got 0\n"), command
    for argv, said in ((["lr-range", "--seed", "-1"], "--seed must be an integer >= 0"),
                       (["lr-range", "--beta", "2"], "--beta must be in [0, 1), got 2.0"),
                       (["capacity", "--widths", "0"], "--widths must be positive integers")):
        code, out, err = run_cli([*argv, "--dataset", "xor", "--no-report"], capsys)
        assert code == 2 and err.startswith(f"hplab {argv[0]}: error: {said}"), err


def test_scaling_target_and_train_patience_say_what_they_count():
    # review: --target's default was said "at batch 32" where it is at --reference-batch
    # (its JSON: "reference: 0.95 x best val_accuracy at B=64"); --patience counted
    # nothing ("early stopping patience"), where it counts checkpoints
    assert ("--target TARGET value to reach (default: 0.95 x the best val_accuracy of "
            "reference runs at --reference-batch (the full batch if larger), or 95% of their "
            "val_loss drop)") in help_words("scaling")
    assert ("--patience PATIENCE stop after this many checkpoints (--checkpoint epochs apart) "
            "without the watched loss (validation, else training) improving by more than "
            "--min-delta, and restore the best one's weights (0 = off) (default 0)"
            ) in help_words("train")


def test_imbalance_says_threshold_metrics_rank_at_one_half():
    # QA: the ranking reads f1, precision, recall... at the fixed 0.5, which only the report's
    # intro said; --metric's help and the README never did
    assert ("those read at a threshold (precision to accuracy) are ranked at the fixed 0.5, "
            "their value at the tuned threshold shown beside it (tuned_mean), not ranked"
            in help_words("imbalance"))
    assert ("is ranked, and its verdicts and paired differences read, at the fixed threshold "
            "0.5, what the remedy itself changes; the same metric at the tuned threshold is "
            "beside it, not ranked: the ranking's `tuned_mean`" in readme_words())


def _item_keys(items) -> list[str]:
    """Every key of a --json list of objects (each item's, in order, once)."""
    return list(dict.fromkeys(k for item in items for k in item))


@pytest.mark.slow
def test_the_keys_of_imbalance_capacity_and_index_lists_are_in_their_help(tmp_path,
                                                                          monkeypatch, capsys):
    # QA: imbalance --json printed metrics, skipped, majority and leakage as lists of
    # objects whose keys its help never named (mode, prevalence, inflation...), capacity's
    # table said "train/val/test accuracy and loss" for six keys, and report index's
    # headline held {label, text} unsaid: a key a script reads is a contract only if named
    import json

    from cli_helpers import undocumented_keys

    from nets._imbalance_scores import IMBALANCE_METRICS

    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["imbalance", "--dataset", "digits", "--positive", "8", "--ratio",
                              "1:10", "--strategies", "none,smote,tomek_links", "--seeds", "1",
                              "--epochs", "1", "--leakage-demo", "--json"], capsys)
    assert code == 0, err
    im = json.loads(out)
    # a real run: the majority class scores its share, and tomek_links had nothing to remove
    assert im["majority"][0]["accuracy"] == pytest.approx(0.9104, abs=1e-4)
    assert [(s["strategy"], s["mode"], s["status"]) for s in im["skipped"]] == [
        ("tomek_links", "proper", "skipped")]
    assert {row["strategy"] for row in im["leakage"]} == {"smote", "tomek_links"}
    listed = {name: _item_keys(im[name]) for name in ("metrics", "skipped", "majority",
                                                      "leakage")}
    listed["metrics"] = [k for k in listed["metrics"] if k not in IMBALANCE_METRICS]
    listed["metric scores"] = list(im["metrics"][0]["roc_auc"])
    assert {name: undocumented_keys("imbalance", keys) for name, keys in listed.items()} == {
        name: [] for name in listed}

    code, out, err = run_cli(["capacity", "--dataset", "xor", "--widths", "2", "--seeds", "1",
                              "--epochs", "2", "--json"], capsys)
    assert code == 0, err
    table = json.loads(out)["table"]
    assert table[0]["val_accuracy"] in (0.25, 0.5, 0.75, 1.0)  # XOR's 4 points
    assert undocumented_keys("capacity", _item_keys(table)) == []

    code, out, err = run_cli(["report", "index", "runs", "--no-write", "--json"], capsys)
    assert code == 0, err
    reports = json.loads(out)["reports"]
    assert {r["kind"] for r in reports} == {"imbalance", "capacity"}
    assert undocumented_keys("report index", _item_keys(
        h for r in reports for h in r["headline"])) == []


@pytest.mark.slow
def test_a_study_of_several_metrics_has_its_pareto_front_keys_in_the_help(tmp_path, capsys):
    # QA: pareto_front was named only inside "best_trial (and pareto_front with several
    # metrics)", and its items' number, values and params nowhere; the key check reads
    # outside parentheses and the slow key test runs a study of one metric
    import json

    from cli_helpers import undocumented_keys

    storage = tmp_path / "p.db"
    code, out, err = run_cli(["study", "run", "coin-pareto", "--trials", "3", "--storage",
                              storage, "--no-report", "--json"], capsys)
    assert code == 0, err
    ran = json.loads(out)
    front = ran["pareto_front"]
    # a real front: each member's values, accuracy and size, none dominated by another
    assert front and all(len(m["values"]) == 2 and m["values"][1] > 0 for m in front)
    assert ran["best_value"] == max((m["values"] for m in front), key=lambda v: v[0])
    for command in ("study run", "study show"):
        assert undocumented_keys(command, ["pareto_front", *_item_keys(front)]) == [], command


def test_imbalance_says_why_its_net_differs_from_the_other_commands():
    # QA: imbalance's net (16 relu units, adam at 0.01, batches of 32) is not train's, and
    # neither its help nor the README said why: it is the strategies' pipelines' own
    text = help_words("imbalance")
    assert ("this flag and the net's flags after it start from the strategies' own small, "
            "quick net (nets.DEFAULT_NET: digits one-vs-rest or moons in seconds) "
            "(default 16)") in text
    assert "--lr LR learning rate (default 0.01)" in text


def test_every_workers_flag_defaults_to_one_process_but_the_demos_which_says_why():
    # imbalance's took every core (-1) where study run, worker, scaling and capacity took
    # one, and its help gave no reason; the demo's 2 is the point of the demo
    defaults, helps = {}, {}
    for parser in _parsers(hplab.build_parser()):
        for action in parser._actions:
            if "--workers" in action.option_strings:
                defaults[parser.prog] = action.default
                helps[parser.prog] = " ".join(action.help.split())
    assert defaults == {"hplab study run": 1, "hplab study worker": 1, "hplab demo": 2,
                        "hplab scaling": 1, "hplab capacity": 1, "hplab imbalance": 1}
    assert "2 by default, where the other commands take 1: the demo shows one study's " \
           "trials shared by two processes" in helps["hplab demo"]
