"""hplab's command line: every command's flags and what it does with them (hplab.py, the
program, keeps the process's concerns: its signals, its streams, the packages' guard).

One module per family of commands, each command's ``cmd_*`` body beside the ``add_*`` that
declares its flags: `_train` (train, gradcheck), `_data` (data list, show, fetch),
`_report_index` (report index), `_report_compare` (report compare), `_study` (study run,
worker, enqueue, list, show, export, spec, report; demo), `_predict` (predict,
export-onnx), and one an analysis (`_scaling`, `_lr_range`, `_capacity`, `_imbalance`);
what they share beside them: the flags' help (`_help_texts`, `_help_values`,
`_json_keys`), the parser (`_parser`), the flags' types (`_converters`), the flags several
commands take (`_net_flags`), the output (`_output`, `_analysis`, `_study_end`), the
errors in the flags' words (`_in_flags`), the run (`_run`) and the stop it watches for
(`_signals`). Building the parser imports none of the packages.

Adding a command, for contributors (``hplab data peek NAME``, say; an analysis: the steps
in analyses' docstring, "Adding an analysis"):

1. ``cmd_NAME(args) -> int`` beside its flags: a subcommand's parser in its family's
   ``add_*`` (``add_data``), a new family's ``add_*`` in a module of its own and in
   `COMMANDS`. It imports the packages it calls in its body, calls one package function
   and prints with ``emit(args, summary, lines)`` (``_output``): ``summary`` is its
   --json, ``lines`` what people read, made in reports (``_terminal.py``, its name in
   reports' ``_LAZY``). Bad input is a ValueError (or OSError) whose message is the one
   line `run_command` prints (exit code 2); it returns the exit code, 0.
2. its flags: each says more than its default (a test reads every one); a flag that means
   the same in every command takes `FLAG_HELP`'s words when it gives none, --seed those
   of its command in `SEED_HELP` (both ``_help_texts``).
3. its --json keys in `JSON_KEYS` (``_json_keys``), which its --help shows.
4. tests: its --json run in ``test_every_json_key_a_command_prints_is_in_its_help``
   (tests/test_cli_help.py), or in a test of its own (then in that test's
   ``elsewhere``), run by ``run_cli`` and checked by ``undocumented_keys``
   (tests/cli_helpers.py); README's words on its family.
"""

import argparse

from ._analysis import analysis_commands
from ._capacity import add_capacity
from ._data import add_data
from ._imbalance import add_imbalance
from ._in_flags import FIELD_FLAGS, RENAMED_FLAGS
from ._json_keys import JSON_KEYS
from ._lr_range import add_lr_range
from ._parser import Parser
from ._predict import add_export_onnx, add_predict
from ._report_index import add_report
from ._run import run_command
from ._scaling import add_scaling
from ._study import add_study
from ._train import add_gradcheck, add_train

COMMANDS = [add_train, add_gradcheck, add_data, add_report, add_study, add_scaling,
            add_predict, add_export_onnx, add_imbalance,
            add_lr_range, add_capacity]


def subcommand(sub: argparse._SubParsersAction, path: tuple[str, ...]):
    """The parser of subcommand ``path`` (``("study", "run")``) and its one-line help."""
    parser = help_text = None
    for word in path:
        parser = sub.choices[word]
        help_text = next(a.help for a in sub._choices_actions if a.dest == word)
        if parser._subparsers is not None:
            sub = parser._subparsers._group_actions[0]
    return parser, help_text


def command_parsers(parser: argparse.ArgumentParser):
    """The parsers of every command under ``parser``: ``hplab study run``'s, not
    ``hplab study``'s."""
    for action in parser._subparsers._group_actions if parser._subparsers else ():
        for command in action.choices.values():
            yield from command_parsers(command) if command._subparsers else (command,)


# said here, not read off the docstring: ``python -OO`` (PYTHONOPTIMIZE=2) strips docstrings,
# and every command, --help included, failed with a traceback
DESCRIPTION = "hplab: the command line over nets, data, study, analyses and reports."
# for scripts and CI, where the installed command's help is all there is (README: Exit codes)
EPILOG = ("Exit codes, every command: 0 done (a diverged net, a failed trial or a gradcheck "
          "verdict of wrong is a result, told in the output); 2 bad input, or a standard "
          "output that cannot be written, or the work done and kept but its report not "
          "written (--json's report_error says why); 1 an internal error (a bug: a "
          "traceback); 130, 143, 129 stopped by Ctrl-C, SIGTERM, SIGHUP; 141 standard output "
          "closed before all was written. --json prints one JSON object on standard output; "
          "warnings, errors and progress bars go to standard error.")


def build_parser(version_action: type[argparse.Action]) -> argparse.ArgumentParser:
    """hplab's parser: every command's, each with the flags it takes.

    Parameters
    ----------
    version_action : type
        The action of ``--version`` (hplab.py's, which says the version).
    """
    parser = Parser(prog="hplab", description=DESCRIPTION, epilog=EPILOG)
    parser.add_argument("--version", action=version_action)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for add in COMMANDS:
        add(sub)
    owners: dict[str, list[str]] = {}
    for command in command_parsers(parser):  # its errors' lines name it as its usage errors do
        command.set_defaults(said_as=command.prog, dest_flags={
            a.dest: a.option_strings[0] for a in command._actions if a.option_strings})
        for flag in {o for a in command._actions for o in a.option_strings}:
            owners.setdefault(flag, []).append(command.prog.removeprefix("hplab "))
    Parser.flag_owners = owners
    for path, keys in JSON_KEYS.items():
        p, said = subcommand(sub, path)
        lead = p.description or said
        p.description = f"{lead[0].upper()}{lead[1:]}. --json prints: {keys}."
    for command in {*FIELD_FLAGS, *analysis_commands(parser)}:
        p = sub.choices[command]
        flags = {o for a in p._actions for o in a.option_strings}
        p.set_defaults(field_flags={**p.get_default("dest_flags"),
                                    **{k: f for k, f in RENAMED_FLAGS.items() if f in flags},
                                    **FIELD_FLAGS.get(command, {})})
    return parser


def parse_command(argv: list[str], version_action: type[argparse.Action]):
    """The command ``argv`` asks for, parsed by `build_parser` (its typos and another
    command's flags named from ``argv``), ``argv`` kept as ``args.argv``.

    Parameters
    ----------
    argv : list of str
        The command line, without the program's name.
    version_action : type
        The action of ``--version`` (hplab.py's, which says the version).
    """
    Parser.argv = argv
    args = build_parser(version_action).parse_args(argv)
    args.argv = argv
    return args


__all__ = ["analysis_commands", "build_parser", "parse_command", "run_command"]
