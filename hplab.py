"""hplab: the command line over nets, data, study, analyses and reports.

Thin by design: each command parses its flags, calls one package function and
prints its result (a JSON object with ``--json``; those keys are a contract).
Bad input ends in one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import difflib
import functools
import importlib
import json
import logging
import math
import os
import re
import signal
import sys
import threading
import time
import warnings
from pathlib import Path

# Errors that mean "the user asked for something impossible": one line, exit 2.
# (OverflowError: a number too large for a C call, e.g. a timeout of 1e300 seconds.)
USER_ERRORS = (ValueError, OSError, OverflowError)


NAMES = "{names}"  # where a flag's help lists its registry's names (see _RegistryNames)
TEXTS = "{texts}"  # where it says what each of them does (see _RegistryTexts)
DEFAULT = "{default}"  # where a flag's help gives its default, a package's (_PackageDefault)
ENDINGS = "{endings}"  # where a CSV output's help lists the endings it is compressed by
# the help of a flag that means the same in every command that has it (unless it says more)
FLAG_HELP = {
    "--json": "print the result as JSON (its keys: above) instead of lines",
    "--report": "write the HTML report and refresh the runs index (--no-report: neither)",
    "--dtype": "the nets' floats: float32 (faster) or float64",
    "--lr": "learning rate",
    "--csv": f"the CSV file to write (.csv, or compressed: {ENDINGS})",
    "--reference-batch": "the batch size of the reference runs that set --target and the "
                         "rates' rule",
    "--backend": "joblib: local processes; dask: a running Dask cluster (--scheduler)",
    "--val-fraction": "share of the training pool held out for validation (default 0.1; "
                      "other commands take it in the name: NAME?val_fraction=F)",
}
# --seed, by command: what it seeds
SEED_HELP = {
    "train": "seeds the data (a generated set's points and every set's split), the initial "
             "weights and the batches' shuffles",
    "gradcheck": "seeds the data (a generated set's points and the split), the weights "
                 "(biases too) and the examples checked",
    "data show": "seeds the data shown: a generated set's points and every set's split (as "
                 "train and the analyses draw them)",
    "scaling": "seeds the data (a generated set's points and the split); run k of every "
               "setting draws from (SEED, k)",
    "imbalance": "seeds the repeats: each of the --seeds draws its own data (a generated "
                 "set's points too), split, subsample and nets from it",
    "lr-range": "seeds the data (a generated set's points and the split) and the first "
                "repeat's net (then SEED+1, ...)",
    "capacity": "seeds the data (a generated set's points and the split) and each width's "
                "first net (then SEED+1, ...)",
}
# why a command takes none of the flags other commands have (by command), or not one of
# them (by command and flag), where its help does not say
NOT_TAKEN_WHY = {
    "gradcheck": "it neither trains nor writes, only checks backprop on a net it draws",
    ("scaling", "--lr"): "it searches the rates itself: --lrs 0.01,0.1 or --lr-grid N over "
                         "--lr-range LOW,HIGH",
    ("scaling", "--schedule"): "its nets train at constant rates (--scheduler is a Dask "
                               "scheduler's address)",
    ("capacity", "--hidden"): "it sweeps the hidden layers itself: --widths 4,8 (units "
                              "per layer) and --depths 1,2 (layers)",
    ("lr-range", "--epochs"): "the ramp runs --steps steps (looper: --steps rates, each held "
                              "--epochs-per-rate epochs)",
}
# {texts}: what each initializer draws (INIT_DRAWS, from nets.INIT_DRAWS beside the code)
INIT_HELP = "weights ({}): {texts}"
# each schedule's rate at step t (0-based) of a run of T steps (SCHEDULE_RATES, from
# nets.SCHEDULE_RATES beside the rules), g, s, p and lr_min being the settings that
# command takes, or their defaults
SCHEDULE_HELP = ("the rate at step t of T, g = {gamma}, s = {steps}, p = {power}, "
                 "lr_min = {floor}: {texts}. Names: {names}")
HIDDEN_HELP = "hidden widths, e.g. {}; '' for none (the course's single-layer perceptron)"


class _Formatter(argparse.HelpFormatter):
    """argparse's help, with a registry's names where a flag's help says {names}, what
    each does where it says {texts}, and the defaults a package holds where it says
    {default} (or another placeholder of the flag's `_PackageDefault`s)."""

    def _get_help_string(self, action):
        text = super()._get_help_string(action)
        for placeholder, lazy in ((NAMES, getattr(action, "names", None)),
                                  (TEXTS, getattr(action, "texts", None)),
                                  *_package_defaults(action).items()):
            if lazy is not None:
                text = text.replace(placeholder, str(lazy))
        if ENDINGS in text:  # nets' own table, read when the help is shown
            import nets

            text = text.replace(ENDINGS, nets.csv_endings())
        return text

    # a line breaks at spaces only: textwrap's default also broke after a hyphen, so a
    # rate read "(lr-" / "lr_min)" and a flag "--lr-" / "gamma", at some widths and not others
    def _split_lines(self, text, width):
        import textwrap  # only for a help, as argparse does

        return textwrap.wrap(self._whitespace_matcher.sub(" ", text).strip(), width,
                             break_on_hyphens=False)

    def _fill_text(self, text, width, indent):
        import textwrap

        return textwrap.fill(self._whitespace_matcher.sub(" ", text).strip(), width,
                             initial_indent=indent, subsequent_indent=indent,
                             break_on_hyphens=False)


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (no usage dump) and exit code 2."""

    argv: list[str] = []  # the command line being parsed (set by main)
    flag_owners: dict[str, list[str]] = {}  # each command's flags, to the commands (build_parser)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)
        # a flag's negative value, in any form float() reads: argparse's own (3.11) took
        # -1e-3 and -inf for flags ("--lr: expected one argument"), where -.1 got --lr's check
        self._negative_number_matcher = _NEGATIVE_NUMBER

    def _get_option_tuples(self, option_string):
        # train's flag given to another command (--epochs to lr-range) is no abbreviation of
        # one of its own (--epochs-per-rate): argparse read it as one, without a word
        if "train" in self.flag_owners.get(option_string.split("=", 1)[0], ()):
            return []
        return super()._get_option_tuples(option_string)

    def parse_known_args(self, args=None, namespace=None):
        self._given = set()
        namespace, extras = super().parse_known_args(args, namespace)
        for action in self._actions:  # a default a package holds: read now, for the run
            default = action.default
            if isinstance(default, _PackageDefault) and getattr(
                    namespace, action.dest, None) is default:
                setattr(namespace, action.dest, default.value_for(action))
        # the dests of the flags typed, a subcommand's too (its namespace was copied in)
        namespace.given = self._given | getattr(namespace, "given", set())
        if extras and self._subparsers is None:
            # a command's stray flag (--hiden) is named here, where the command's flags are
            # known; argparse would report it from the top parser, with no suggestion
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        return namespace, extras

    def _get_values(self, action, arg_strings):
        self._given.add(action.dest)  # argparse calls it for the arguments typed only
        return super()._get_values(action, arg_strings)

    def add_argument(self, *args, names: str | None = None, **kwargs):
        if not kwargs.get("help") and args and args[0].startswith("--"):  # one meaning here
            command = self.prog.partition(" ")[2]
            said = SEED_HELP.get(command) if args[0] == "--seed" else FLAG_HELP.get(args[0])
            if said:
                kwargs["help"] = said
        if names is not None:  # a registry ("nets.OPTIMIZERS"): its names join the help
            text = kwargs.get("help") or ""
            kwargs["help"] = text if NAMES in text else f"{text}: {NAMES}" if text else NAMES
        action = super().add_argument(*args, **kwargs)
        if names is not None:
            action.names = _RegistryNames(names)
        default, text = action.default, action.help or ""
        # every flag's help gives its default: they differ between commands (batch size
        # 10 for train, 32 for lr-range; workers 1, 2 or every core)
        if (isinstance(default, _PackageDefault) and text is not argparse.SUPPRESS
                and "default" not in text):  # read when the help is shown
            action.help = f"{text} (default {DEFAULT})"
        elif (action.option_strings and all(default is not v for v in (None, False,
                                                                        argparse.SUPPRESS))
                and text is not argparse.SUPPRESS and "default" not in text):
            shown = ",".join(map(str, default)) if isinstance(default, tuple) else default
            action.help = f"{text} (default {str(shown).replace('%', '%%') or 'none'})"
        return action

    def error(self, message):
        # a misspelled flag (--datset) may leave its required flag missing, or be left over
        if message.startswith(("the following arguments are required",
                               "unrecognized arguments")):
            known = [o for a in self._actions for o in a.option_strings]
            # a prefix of a known flag is argparse's abbreviation (--hid for --hidden), no typo
            typos = [flag for flag in (a.split("=")[0] for a in self.argv if a.startswith("--"))
                     if flag not in known and not self._get_option_tuples(flag)]
            if typos and (owners := self.flag_owners.get(typos[0])):
                message = self._not_taken(typos[0], owners, known)
            elif typos:
                # the names without their dashes, which made any short word close
                # (QA: --bogus "did you mean --out?", --foo "--rho?"): close typos only
                bare = {o.removeprefix("--"): o for o in known if o.startswith("--")}
                close = [bare[m] for m in difflib.get_close_matches(
                    typos[0].removeprefix("--"), list(bare), n=1, cutoff=0.75)]
                message = (f"unrecognized argument {typos[0]}"
                           + (f" (did you mean {close[0]}?)" if close else ""))
            elif (commands := self._missing_command(message)) is not None:
                # argparse names the subcommand by its dest ("study_command")
                message = f"missing command: one of {', '.join(commands)}"
        elif match := _INVALID_CHOICE.match(message):
            message = self._unknown_choice(*match.groups()) or message
        elif message.startswith("ambiguous option: "):
            # another command's flag, a prefix of several of this one's (scaling's --lrs,
            # --lr-grid, --lr-range for train's --lr): said as such a flag is
            flag, _, matches = message.removeprefix("ambiguous option: ").partition(
                " could match ")
            if owners := self.flag_owners.get(flag.split("=", 1)[0]):
                message = self._not_taken(flag.split("=", 1)[0], owners, [],
                                          matches.split(", "))
        self.exit(2, f"{self.prog}: error: {message}\n")

    def _not_taken(self, flag: str, owners: list[str], known: list[str],
                   close: list[str] = ()) -> str:
        """Another command's ``flag`` given to this one: said so (the nearest of this
        command's flags read "--lr: did you mean --help?"), with why where it is not plain;
        ``close``: the flags it abbreviates, offered instead of the nearest one."""
        from nets import and_list

        command = self.prog.removeprefix("hplab ")
        listed = and_list(owners)
        why = NOT_TAKEN_WHY.get((command, flag))
        if why is None:  # a flag's own why says which of the command's to give instead
            why = NOT_TAKEN_WHY.get(command)
            close = close or difflib.get_close_matches(flag, known, n=1, cutoff=0.8)  # --seed
        else:
            close = []
        offered = ", ".join(close[:-1]) + f" or {close[-1]}" if len(close) > 1 else "".join(close)
        return (f"{command} does not take {flag} (a flag of {listed})"
                + (f": {why}" if why else "") + (f"; did you mean {offered}?" if close else ""))

    def _unknown_choice(self, dest: str, value: str) -> str | None:
        """A subcommand or positional argument not among its choices, said as hplab says
        an unknown name (`nets.unknown_name`), not by argparse's dest ("argument
        study_command: invalid choice"); None for a flag's (argparse names the flag)."""
        import ast

        from nets import unknown_name

        for action in self._actions:
            if action.dest == dest and not action.option_strings and action.choices:
                kind = "command" if isinstance(action, argparse._SubParsersAction) else dest
                return unknown_name(kind, ast.literal_eval(value), action.choices)
        return None

    def _missing_command(self, message: str) -> list[str] | None:
        """The subcommands to choose from, when ``message`` says none was given."""
        missing = message.partition(": ")[2].split(", ")
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction) and action.dest in missing:
                return list(action.choices)
        return None


_NEGATIVE_NUMBER = re.compile(r"^-(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$|^-(inf|infinity|nan)$",
                              re.IGNORECASE)
# argparse's "argument DEST: invalid choice: 'VALUE' (choose from ...)"
_INVALID_CHOICE = re.compile(r"^argument (\w+): invalid choice: (.+?) \(choose from ")


def _imported(where: str):
    """The object at the dotted path ``where`` (``"nets.OPTIMIZERS"``), imported now."""
    module, _, name = where.rpartition(".")
    return getattr(importlib.import_module(module), name)


class _RegistryNames:
    """A registry's names (``"nets.OPTIMIZERS"``) for a flag's help, an alias beside the
    name it stands for. Read when the help is shown: importing nets or analyses to build
    the parser would cost every command seconds."""

    def __init__(self, where: str):
        self.where = where

    def __str__(self) -> str:
        registry = _imported(self.where)
        first: dict[int, str] = {}  # id of an entry -> the first name it has
        shown = []
        for name, entry in registry.items():
            same = first.setdefault(id(entry), name)
            shown.append(name if same == name else f"{name} (= {same})")
        return ", ".join(shown)


class _RegistryTexts:
    """What each entry of a registry (``"nets.SCHEDULES"``) does, for a flag's help: its
    first name, its aliases when ``aliases`` (the course's names: ``he (the course's
    msra)``), then its text from the table kept beside the registry's code, keyed by entry
    (``"nets.SCHEDULE_RATES"``; an empty text leaves the entry out). Read when the help is
    shown, as `_RegistryNames` is."""

    def __init__(self, where: str, texts: str, sep: str, aliases: bool = False):
        self.where, self.texts, self.sep, self.aliases = where, texts, sep, aliases

    def __str__(self) -> str:
        registry, texts = _imported(self.where), _imported(self.texts)
        names: dict[int, list[str]] = {}  # id of an entry -> its names, the first first
        for name, entry in registry.items():
            names.setdefault(id(entry), []).append(name)
        shown = []
        for first, *aliases in names.values():
            entry = registry[first]
            if texts[entry]:
                also = f" (the course's {', '.join(aliases)})" if self.aliases and aliases else ""
                shown.append(f"{first}{also} {texts[entry]}")
        return self.sep.join(shown).replace("%", "%%")  # argparse %-formats the help


INIT_DRAWS = _RegistryTexts("nets.INITIALIZERS", "nets.INIT_DRAWS", ", ", aliases=True)
SCHEDULE_RATES = _RegistryTexts("nets.SCHEDULES", "nets.SCHEDULE_RATES", "; ")


class _SettingReaders:
    """The optimizers or schedules that read a TrainConfig setting (`nets.setting_readers`),
    each with its own default where None means one (rho, opt_eps; weight_decay, which every
    optimizer takes, as each one's own), for the setting's flag's help; read when the help
    is shown, as `_RegistryNames` is."""

    def __init__(self, setting: str):
        self.setting = setting

    def __str__(self) -> str:
        import nets

        names = [n for readers in nets.setting_readers(self.setting).values() for n in readers]
        own = nets.OWN_DEFAULTS.get(self.setting)
        if own is not None and not names:  # every optimizer takes it (weight_decay)
            values = {n: getattr(cls, own) for n, cls in nets.OPTIMIZERS.items()}
            usual = max(set(values.values()), key=list(values.values()).count)
            return "each optimizer's own: " + ", ".join(
                [f"{usual:g}", *(f"{n} {v:g}" for n, v in values.items() if v != usual)])
        if own is not None:
            # 1e-8 as the optimizers' docs write it, not format's 1e-08
            names = [f"{n} (default {getattr(nets.OPTIMIZERS[n], own):g})".replace("e-0", "e-")
                     for n in names]
        return nets.and_list(names)


class _PackageDefault:
    """A flag's default where a package writes it, its one place: an argument of a
    function or a class (``"analyses.lr_grid", "num"``; ``"nets.TrainConfig", "lr_min"``),
    a config's field (``"analyses.CAPACITY_CONFIG", "lr"``), a mapping's key
    (``"nets.DEFAULT_NET", "lr"``) or a constant (``"nets.DEFAULT_SAMPLING_RATIO"``).
    Read when the help is shown (as `_default_text` writes it) or the command is parsed
    (`_Parser.parse_known_args`), as `_RegistryNames` is: the packages are not imported
    to build the parser."""

    def __init__(self, where: str, name: str | None = None):
        self.where, self.name = where, name

    def value(self):
        source = _imported(self.where)
        if self.name is None:
            return source
        if isinstance(source, dict):
            return source[self.name]
        if callable(source):
            import inspect

            return inspect.signature(source).parameters[self.name].default
        return getattr(source, self.name)

    def value_for(self, action: argparse.Action):
        """The value as the flag gives it: a text through the flag's type, as argparse
        reads a default written as text (``"relu"`` for --activation: ``("relu",)``)."""
        value = self.value()
        return action.type(value) if isinstance(value, str) and action.type else value

    def __str__(self) -> str:
        return _default_text(self.value())


def _default_text(value) -> str:
    """A default as a flag's help gives it: ``1e-7``, ``0.9``, ``10`` (a float as ``%g``
    writes it, its exponent unpadded), a tuple comma-separated (``2,4,8``)."""
    if isinstance(value, tuple):
        return ",".join(map(_default_text, value))
    if isinstance(value, float):
        return re.sub(r"e([-+])0(?=\d)", r"e\1", f"{value:g}")
    return str(value)


def _package_defaults(action: argparse.Action) -> dict[str, _PackageDefault]:
    """The placeholders of ``action``'s help each `_PackageDefault` fills: its default's
    at {default}, and those set on it (``action.package_defaults``)."""
    said = dict(getattr(action, "package_defaults", {}))
    if isinstance(action.default, _PackageDefault):
        said.setdefault(DEFAULT, action.default)
    return said


def _ints(text: str) -> tuple[int, ...]:
    try:
        # "" is no hidden layer; "2,,3" is a typo, not (2, 3)
        return tuple(int(t) for t in text.split(",")) if text.strip() else ()
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated integers, got {text!r}") from None


def _int_or_float(text: str) -> int | float:
    """A number as typed: 50 an int (as before fractions were taken), 3333.3 a float."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None


def _names(text: str) -> tuple[str, ...]:
    names = tuple(t.strip() for t in text.split(",")) if text.strip() else ()
    if not all(names):  # "none,,smote" is a typo, as with _ints
        raise argparse.ArgumentTypeError(f"expected comma-separated names, got {text!r}")
    return names


def _path(text: str) -> str:
    """A path flag's value, ``~`` expanded as a dataset's files and ``--storage`` are
    (`data.expand_home`): ``--out=~/x`` and a quoted ``'~/x'`` reach hplab unexpanded
    by the shell, and wrote into a folder named ``~`` here, printed as ``~/x``."""
    if not text.startswith("~"):  # most paths: without importing data
        return text
    import data

    return str(data.expand_home(text))


def _given(kind: str, then=str):
    """A flag type refusing a blank value, for a flag with a default: ``--out ''`` (an
    unset ``$OUT``) fell back to the default and replaced runs/train/DATASET's model."""
    def given(text: str):
        if not text.strip():
            raise argparse.ArgumentTypeError(f"expected {kind}, got {text!r}; leave the flag "
                                             "out for its default")
        return then(text)
    return given


# an output or data folder with a default: --out, --data-dir, --dest
_folder_path = _given("a path", _path)


def _say(line: str) -> None:
    """A line of the command's on stderr (`nets.say_on_stderr`): after the warnings it
    held (`nets.release_warnings`), in the order they came."""
    from nets import say_on_stderr

    say_on_stderr(line)


def _emit(args, summary: dict, lines: list[str]) -> None:
    """Print the JSON contract with --json, else human lines (after the warnings the
    command held: they qualify what it prints)."""
    from nets import release_warnings

    release_warnings()
    if getattr(args, "json", False):
        from nets import finite_or_none  # JSON has no NaN: null instead

        # allow_nan=False: a NaN that slipped through fails here, not in the user's parser
        text = json.dumps(finite_or_none(summary), default=_json_default, allow_nan=False)
    else:  # names read from a storage or a file, whoever made them, print as text
        text = "\n".join(map(_escaped, lines))
    from nets import writing_standard_output

    with writing_standard_output():
        print(text)


def _escaped(text: str) -> str:
    """``text`` with each control character written as its escape (``\\x1b``): a name read
    from a storage or a file, printed raw, could clear the screen or rewrite the lines
    around it (`nets.escaped`)."""
    if text.isascii() and text.isprintable():  # most lines: without importing nets
        return text
    from nets import escaped

    return escaped(text)


def _json_default(obj):
    if isinstance(obj, Path):  # numpy values were made plain by finite_or_none
        return str(obj)
    raise TypeError(f"not JSON serializable: {type(obj).__name__}")


def _command_line(argv) -> str:
    """The command as typed, for reports: passwords in URLs (``--storage``) masked."""
    if any("://" in a or "@" in a for a in argv):  # postgresql:/u:pw@h too
        from study import mask_url

        argv = [mask_url(a) for a in argv]
    import nets

    return nets.shell_line(["hplab", *argv])


def _study_command(argv) -> str:
    """The command a study stores for its report, which is written later, maybe elsewhere:
    with the folder the spec path and the default storage are relative to (``cd DIR &&
    hplab ...``), as every report shows its command."""
    import nets

    return f"cd {nets.shell_word(os.getcwd())} && {_command_line(argv)}"


def _refuse_overwrite(out, *inputs) -> None:
    """Stop before an output path destroys one of the command's input files (or a file of
    an input folder), a study storage or a saved model; an empty path or a folder is named."""
    if out is None:
        return
    import study

    # realpath, not Path.resolve: a link loop is then the write's one-line OSError, where
    # resolve raised RuntimeError (a traceback)
    target = Path(os.path.realpath(out))
    for src in filter(None, inputs):
        src = Path(os.path.realpath(src))
        if target == src or (src.is_dir() and target.parent == src and target.exists()):
            raise ValueError(f"{out} is an input of this command; write the output elsewhere")
    study.check_output_file(out)


def _write_report(summary: dict, folder, write) -> str | None:
    """``summary["report_path"]`` from ``write()`` (a path, or None: no report wanted).

    The work is done and saved by then: a report that cannot be written in ``folder`` (a
    full disk) leaves the path None and returns the line that says so, which
    `_after_report` prints after the results; ``summary["report_error"]`` is that line
    (else None): --json's object, printed with exit code 2 then, says why.
    """
    with _SignalsSeen() as signals:
        try:
            path = write()
        except USER_ERRORS as exc:
            error = exc
        else:
            error = None
        # Ctrl-C inside a C extension, out as its ValueError: a stop. Its cause is lost at
        # times (matplotlib's "Invalid affine transformation matrix"), the signal is seen
        if error is not None and (_interrupt_in(error) or signals.stopping()):
            raise KeyboardInterrupt from error
    if error is not None:
        from nets import error_line, folder_text, os_error_line

        # an OSError as every command says one: its file named where it has one
        why = os_error_line(error) if isinstance(error, OSError) else error_line(error)
        summary["report_path"] = None

        summary["report_error"] = (f"the report could not be written in "
                                   f"{folder_text(folder)} ({why})")
        return summary["report_error"]
    summary["report_path"] = None if path is None else str(path)
    summary["report_error"] = None
    return None


class _SignalsSeen:
    """The signals that reach this process in the block, whatever their handlers do with
    them (a C extension may turn the KeyboardInterrupt of one into its own error, its cause
    lost): read through the wakeup fd, so no handler is changed. POSIX, main thread."""

    def __init__(self):
        self._numbers, self._pipe, self._old = set(), None, None

    def __enter__(self):
        return self.open()

    def open(self) -> _SignalsSeen:
        """Start watching (see `close`)."""
        if os.name == "posix" and threading.current_thread() is threading.main_thread():
            try:
                self._pipe = os.pipe()
                for fd in self._pipe:
                    os.set_blocking(fd, False)
                self._old = signal.set_wakeup_fd(self._pipe[1], warn_on_full_buffer=False)
            except BaseException:
                self.close()
                raise
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def stopping(self) -> bool:
        """Whether Ctrl-C, SIGTERM or SIGHUP came so far."""
        self._read()
        return bool(self._numbers & {signal.SIGINT, *_ENDING_SIGNALS})

    def _read(self) -> None:
        if self._pipe is not None:
            with contextlib.suppress(BlockingIOError):
                self._numbers.update(os.read(self._pipe[0], 4096))

    def close(self) -> None:
        """Stop watching (what came is kept); again, nothing."""
        if self._pipe is None:
            return
        self._read()
        pipe, self._pipe = self._pipe, None
        if self._old is not None:
            signal.set_wakeup_fd(self._old)
        for fd in pipe:
            os.close(fd)


def _after_report(args, failed: str | None) -> int:
    """The exit code once the results are printed: 0, or 2 with `_write_report`'s line
    when the report could not be written."""
    if failed is None:
        return 0
    print(f"{args.said_as}: error: {failed}", file=sys.stderr)
    return 2


def _analysis_end(args, result) -> int:
    """An analysis command's end: its report (unless --no-report), its results printed (or
    --json), then the line of a report that could not be written. Both are reports', found
    by the command in `reports.ANALYSIS_OUTPUTS`."""
    import reports  # the lines only: what draws loads with the report's writer

    summary = result.summary()
    failed = _write_report(summary, _analysis_out(args), lambda: _analysis_report(args, result))
    _emit(args, summary, reports.analysis_outputs(args.command)[1](summary))
    return _after_report(args, failed)


def _analysis_report(args, result) -> str | None:
    """Write an analysis report unless --no-report: to --out, else runs/COMMAND/DATASET.
    Its Report's kind must be the command (`reports.check_out_folder` compares a re-run's
    with the kind its folder holds): any other fails here, at its first run."""
    if not args.report:
        return None
    import reports

    write = reports.analysis_outputs(args.command)[0]
    out = _analysis_out(args)
    earlier = (out / "report.html").is_file()
    path = str(write(result, out, command=_command_line(args.argv)))  # matplotlib loads here
    kind = reports.read_report_info(path).kind
    if kind != args.command:  # every re-run into this folder would be refused
        raise RuntimeError(f"reports.{write.__name__} wrote a report of kind {kind!r}: an "
                           f"analysis's Report kind is its command, {args.command!r}")
    if earlier:  # a re-run into the same folder: its results are gone
        _say_replaced(args.command, "report", out, "another --out")
    return path


def _say_replaced(command: str, what: str, out: Path, keep: str) -> None:
    """A re-run replaced the earlier ``what`` (run or report) in ``out``: say so, and how
    to keep both."""
    from nets import folder_text

    _say(f"hplab {command}: replaced the earlier {what} in {folder_text(out)} ({keep} keeps "
         "both)")


def _analysis_command(command):
    """The analysis ``command`` (it ends in `_analysis_end`), marked as one (`analysis`),
    run holding its report folder (`_analysis_out`; none with --no-report) from its start,
    checked first: one that cannot be written fails before the analysis runs, and a second
    analysis writing there at the same time is refused at once, as a second train is (both
    ran, and the last report replaced the other's unsaid)."""

    @functools.wraps(command)
    def run(args) -> int:
        import analyses
        import reports

        out = _analysis_out(args)
        reports.check_out_folder(out, args.command)
        with (reports.holding(out, other="--out") if out else contextlib.nullcontext(),
              analyses.flags_in_errors()):  # its errors' advice in the flags given
            return command(args)

    run.analysis = True
    return run


def analysis_commands(parser: argparse.ArgumentParser) -> list[str]:
    """The analysis commands of ``parser`` (`build_parser`): those `_analysis_command` made."""
    sub = parser._subparsers._group_actions[0].choices
    return [name for name, p in sub.items() if getattr(p.get_default("func"), "analysis", False)]


def _analysis_out(args) -> Path | None:
    """Where an analysis's report goes (--out, else runs/COMMAND/DATASET); None with
    --no-report, where an --out is refused: it would be dropped without a word."""
    if not args.report:
        if args.out is not None:
            raise ValueError("--out is the report's folder: it has no use with --no-report")
        return None
    # here: study imports optuna, --no-report skips it
    from study import RUNS, dataset_folder_name

    return Path(args.out) if args.out else RUNS / args.command / dataset_folder_name(
        args.dataset)


# a study's processes each hold the data (`study._run_data.LARGE_BYTES`): QA's 2 workers on
# MNIST took ~1 GB, unsaid
_STUDY_WORKERS_MEMORY = ("; each holds about one copy of the data as float32 (MNIST: about "
                         "220 MB a worker), beside the command's own")


def _workers_flag(p: argparse.ArgumentParser, default: int, memory: str = "") -> None:
    """--workers, one meaning for every command that spreads work over processes;
    ``memory``: what each process holds, where it is the data's."""
    p.add_argument("--workers", type=_workers, default=default,
                   help=f"local worker processes (-1: every core){memory}")


def _workers(text: str) -> int:
    # checked here, not by the API, whose message names its argument (workers), not the flag
    n = _int_or_none(text)
    if n is None or (n < 1 and n != -1):
        raise argparse.ArgumentTypeError(
            f"expected an integer >= 1 (or -1 for every core), got {text!r}")
    return n


def _trials(text: str) -> int:
    from study import MAX_TRIALS  # here: only a study command takes --trials

    n = _int_or_none(text)
    if n is None or n < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text!r}")
    if n > MAX_TRIALS:  # 10**20 was taken (a spec's n_trials has the same cap)
        raise argparse.ArgumentTypeError(f"expected at most {MAX_TRIALS:,} trials, got {text}")
    return n


def _int_or_none(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


# ----------------------------------------------------------------------------- train
REGULARISERS = ("l2", "l1", "dropout")  # the analyses' flags of TRAIN_FINE_SETTINGS
# and weight decay, whose None is the optimizer's own (0, adamw's 0.01)
DECAY = "weight_decay"
BATCH_NORM_HELP = ("batch-normalise each hidden layer's linear map before its activation "
                   "(scale and shift trained; evaluation uses running statistics)")


def _regulariser_flags(p: argparse.ArgumentParser) -> None:
    """--l2, --l1 and --dropout, as `hplab train` says them (default 0: off),
    --weight-decay (default: the optimizer's own) and --batch-norm."""
    for field in REGULARISERS:
        p.add_argument(f"--{field}", type=float, default=0.0,
                       help=TRAIN_FINE_SETTINGS[field][1].replace(DEFAULT, "0"))
    p.add_argument("--weight-decay", type=float, default=None,
                   help=TRAIN_FINE_SETTINGS[DECAY][1]).names = _SettingReaders(DECAY)
    p.add_argument("--batch-norm", action="store_true", help=BATCH_NORM_HELP)


def _regularisers(args) -> dict:
    return {**{field: getattr(args, field) for field in (*REGULARISERS, DECAY)},
            "batch_norm": args.batch_norm}


def _add_net_flags(p: argparse.ArgumentParser, dtype: bool = True) -> None:
    p.add_argument("--dataset", required=True, help="dataset name (see `hplab data list`)")
    p.add_argument("--hidden", type=_ints, default=(8,), help=HIDDEN_HELP.format("64,16"))
    p.add_argument("--activation", type=_names, default=("sigmoid",),
                   help="one activation for all hidden layers or one per layer",
                   names="nets.ACTIVATIONS")
    p.add_argument("--seed", type=int, default=0)
    if dtype:
        p.add_argument("--dtype", default="float32", choices=("float32", "float64"))


def _init_flag(p: argparse.ArgumentParser, default) -> None:
    """--init as train takes it (the names and draws of nets' registry): lr-range, scaling
    and capacity refused it, so the course's He init for ReLU could not be tested there."""
    p.add_argument("--init", default=default, names="nets.INITIALIZERS",
                   help=INIT_HELP.format("biases start at 0", texts=TEXTS)).texts = INIT_DRAWS


def cmd_train(args) -> int:
    import data
    import nets
    import reports
    import study

    cfg = nets.TrainConfig(
        hidden=args.hidden, activation=args.activation, optimizer=args.optimizer, lr=args.lr,
        batch_size=args.batch_size, max_epochs=args.epochs, eps=args.eps, init=args.init,
        checkpoint=args.checkpoint, patience=args.patience, schedule=args.schedule,
        dtype=args.dtype, batch_norm=args.batch_norm,
        # the finer settings only when given: TrainConfig keeps the one set of defaults
        **{f: v for f in TRAIN_FINE_SETTINGS if (v := getattr(args, f)) is not None},
    )
    _refuse_unread(args, [f for f in TRAIN_FINE_SETTINGS if getattr(args, f) is not None])
    out = (Path(args.out) if args.out else
           study.RUNS / "train" / (study.folder_name(args.name) if args.name else
                                   study.dataset_folder_name(args.dataset)))
    reports.check_out_folder(out, "train")  # found now, not after the training
    if args.data_seed is not None and args.data_seed < 0:  # named as typed, not "seed"
        raise ValueError(f"--data-seed must be a non-negative integer, got {args.data_seed}")
    # bad data fails before the notice
    dataset = data.load(args.dataset, seed=args.seed if args.data_seed is None
                        else args.data_seed)
    if args.class_weight is not None:
        cfg = cfg.replace(class_weight=data.class_weights(dataset, args.class_weight))
    # the init and eps checks are train_run's (Python's runs too)
    with reports.holding(out):
        return _train_into(args, cfg, dataset, out)


def _class_weight_text(text: str):
    """--class-weight: "balanced", or one weight per class."""
    return "balanced" if text.strip().lower() == "balanced" else _floats(text)


def _refuse_unread(args, given: list[str]) -> None:
    """ValueError naming each setting in ``given`` (TrainConfig fields set by flags) that
    the command's --optimizer and --schedule leave unread: the run would record its value
    as if it had been used."""
    import nets

    unread = nets.unread_settings(given, args.optimizer, args.schedule)
    if unread:
        raise ValueError("; ".join(
            f"--{setting.replace('_', '-')} has no effect with --{kind} {getattr(args, kind)} "
            f"({nets.and_list(readers)} read{'s' if len(readers) == 1 else ''} it"
            f"{_inverse_gamma_hint(args) if setting == 'lr_gamma' else ''})"
            for setting, (kind, readers) in unread.items()))


def _inverse_gamma_hint(args) -> str:
    """Where --lr-gamma is refused with inverse: the course's (Caffe's) inv takes a gamma,
    ours its reciprocal, --lr-decay-steps; "" with other schedules."""
    import nets

    if nets.SCHEDULES.get(args.schedule) is not nets.SCHEDULES["inverse"]:
        return ""
    text = "; the course's inv gamma is 1 / --lr-decay-steps here"
    gamma = getattr(args, "lr_gamma", None)
    # (5e-324's reciprocal is inf, which round() refused with a line of its own)
    if gamma is not None and 0 < gamma <= 1 and math.isfinite(1 / gamma):
        # its reciprocal as it is, 3333.333333 for 0.0003 (rounded to 3333 it was another
        # gamma); a whole one as a whole number, 10000 for 0.0001 (1 / 0.0001 is 10000.000...2)
        text += f": --lr-decay-steps {1 / gamma:.10g} for gamma {gamma:g}"
    return text


def _train_into(args, cfg, dataset, out: Path) -> int:
    """Train, save and report into ``out`` (held by this process)."""
    import reports
    import study

    reported = {}  # the report's path and error (`_write_report`), once written

    def report(run, swap):
        study.warn_if_start_kept(run)  # the training's warning before the report's
        _write_report(reported, out, lambda: reports.training_report(run, out, swap=swap))

    def replaced(earlier):  # said as the new files go in, with Ctrl-C held
        _say_replaced("train", "run" if "config.json" in earlier else "report", out,
                      "another --out" if args.out else "another --name")
        if left := study.files_left_beside(out):  # an earlier model's ONNX, predictions...
            from nets import folder_text

            _say(f"hplab train: {', '.join(left)} in {folder_text(out)} came before this "
                 "run and may be the earlier model's (left as they were)")

    run, earlier = reports.train_into(out, dataset, cfg, seed=args.seed,
                                      name=args.name or args.dataset,
                                      command=_command_line(args.argv), progress=not args.json,
                                      report=report if args.report else None,
                                      replaced=replaced)
    if not args.report:
        study.warn_if_start_kept(run)
    failed = reported.get("report_error")
    if failed and "report.html" in earlier and not (out / "report.html").is_file():
        # QA: nothing rebuilds a training run's report: the loss is said, not left to find
        failed += "; the earlier run's report was removed with its model"
    summary = run.summary()
    # the keys are part of the contract, with or without a report
    summary["report_path"] = reported.get("report_path")
    summary["report_error"] = failed
    # the reason printed in the flags' words ("reached --epochs=200"); --json keeps the
    # API's (TrainResult.reason, a trial's stored reason: "reached max_epochs=200")
    shown = {**summary, "reason": _in_flags(summary["reason"], args)}
    _emit(args, summary, reports.train_lines(shown, run.dataset.task))
    return _after_report(args, failed)


# TrainConfig fields `hplab train` takes as --name-with-dashes, with their help; {names}
# is the optimizers or schedules that read the field (_SettingReaders), {default} its
# TrainConfig default (_PackageDefault)
TRAIN_FINE_SETTINGS = {
    "momentum": (float, f"{NAMES} (default {DEFAULT})"),
    "beta1": (float, f"{NAMES} (default {DEFAULT})"),
    "beta2": (float, f"{NAMES} (default {DEFAULT})"),
    "rho": (float, f"decay of the running means of {NAMES}"),
    "opt_eps": (float, f"denominator guard of {NAMES}"),
    "l2": (float, f"L2 penalty on the weights: l2 * W added to their gradients (coupled "
                  f"weight decay; default {DEFAULT})"),
    "l1": (float, f"L1 penalty on the weights: l1 * sign(W) added to their gradients "
                  f"(default {DEFAULT})"),
    "weight_decay": (float, "decoupled weight decay: W -= lr * weight_decay * W before each "
                            "step, at the schedule's rate, on the weights, not the biases "
                            "(PyTorch's AdamW; --l2 is added to the gradient instead, which "
                            f"adam divides by its denominator too), lr * weight_decay < 1; "
                            "adamw's 0.01 is PyTorch's at its lr 1e-3: at --lr 0.1 each step "
                            "takes 100x that decay, so lower it (e.g. 0.0001) "
                            f"(default {NAMES})"),
    "dropout": (float, "chance of dropping each hidden unit's output in a training step, "
                       f"in [0, 1) (inverted dropout; evaluation drops none; default {DEFAULT})"),
    "min_delta": (float, f"improvement that resets --patience (default {DEFAULT})"),
    "lr_gamma": (float, f"decay factor of {NAMES}, per --lr-decay-steps or per milestone "
                        f"(default {DEFAULT})"),
    "lr_decay_steps": (_int_or_float, f"steps per decay: {NAMES} (default {DEFAULT}; a "
                                      "fraction for exponential and inverse)"),
    "lr_milestones": (_ints, f"{NAMES}: steps where the rate is multiplied by --lr-gamma, "
                             "e.g. 100,200 (none by default: needed there)"),
    "lr_power": (float, f"{NAMES} (default {DEFAULT})"),
    "lr_min": (float, f"floor of {NAMES} (default {DEFAULT})"),
    "warmup_steps": (int, f"linear warm-up steps on top of any schedule (default {DEFAULT})"),
}


def _add_train(sub) -> None:
    p = sub.add_parser("train", help="train one net and save it, its history and its report")
    _add_net_flags(p)
    p.add_argument("--optimizer", default="sgd", names="nets.OPTIMIZERS",
                   help=f"{NAMES} (adamw decays the weights by its own --weight-decay "
                        "0.01, too much at --lr 0.1: see --weight-decay)")
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--batch-size", type=int, default=10, help="-1 means full batch")
    p.add_argument("--epochs", type=float, default=5000,
                   help="max epochs, fractions allowed (at most 1,000,000: nets.MAX_EPOCHS)")
    p.add_argument("--eps", type=float, default=0.0, help="stop once validation loss <= eps")
    _init_flag(p, "xavier")
    p.add_argument("--schedule", default="constant", names="nets.SCHEDULES",
                   help=SCHEDULE_HELP.format(gamma="--lr-gamma", steps="--lr-decay-steps",
                                             power="--lr-power", floor="--lr-min", names=NAMES,
                                             texts=TEXTS)).texts = SCHEDULE_RATES
    p.add_argument("--checkpoint", type=float, default=1.0,
                   help="epochs between checkpoints, where the history scores the whole "
                        "training set (at most 10 000 rows; the course: the current "
                        "mini-batch) and the validation set")
    p.add_argument("--patience", type=int, default=0,
                   help="stop after this many checkpoints (--checkpoint epochs apart) without "
                        "the watched loss (validation, else training) improving by more than "
                        "--min-delta, and restore the best one's weights (0 = off)")
    for field, (kind, text) in TRAIN_FINE_SETTINGS.items():
        action = p.add_argument("--" + field.replace("_", "-"), type=kind, default=None,
                                help=text)
        if NAMES in text:
            action.names = _SettingReaders(field)
        if DEFAULT in text:
            action.package_defaults = {DEFAULT: _PackageDefault("nets.TrainConfig", field)}
    p.add_argument("--class-weight", type=_class_weight_text, default=None,
                   help="per-class training loss weights in class order, e.g. 1,5, or "
                        "'balanced': n / (classes x count) over the training split, as "
                        "scikit-learn's (default: all 1)")
    p.add_argument("--batch-norm", action="store_true", help=BATCH_NORM_HELP)
    p.add_argument("--data-seed", type=int, default=None,
                   help="seeds the data alone (a generated set's points and the split), so "
                        "that --seed changes only the weights and shuffles (default: --seed)")
    p.add_argument("--name", type=_given("a run name"), default=None,
                   help="run name (default: the dataset)")
    p.add_argument("--out", type=_folder_path, default=None,
                   help="output folder (default runs/train/NAME)")
    p.add_argument("--report", action=argparse.BooleanOptionalAction, default=True,
                   help="write the HTML report and refresh the runs index (--no-report: no "
                        "report, but the report an earlier run left in the folder, which "
                        "described a model no longer there, is deleted and the index "
                        "refreshed without it)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_train)


# ----------------------------------------------------------------------------- gradcheck
def cmd_gradcheck(args) -> int:
    import data
    import nets

    ds = data.load(args.dataset, seed=args.seed)
    res = nets.gradcheck_dataset(ds.X_train, ds.y_train, task=ds.task, hidden=args.hidden,
                                 activation=args.activation, seed=args.seed,
                                 n_samples=args.samples, init=args.init, h=args.h,
                                 progress=not args.json, n_classes=ds.n_classes or None,
                                 dropout=args.dropout, batch_norm=args.batch_norm,
                                 l2=args.l2, l1=args.l1)
    note = nets.step_note(args.h, "--h")  # res.note, in the flag's words
    # the note is in the JSON too: a script saw "wrong" without what explains it
    summary = {"dataset": args.dataset, "relative_difference": res.relative_difference,
               "verdict": res.verdict, "n_parameters": res.n_parameters, "note": note,
               # what else decides the result: a verdict read without them was ambiguous
               "hidden": args.hidden, "activation": args.activation, "init": args.init,
               "seed": args.seed, "n_samples": min(args.samples, len(ds.X_train)),
               "h": args.h, "dropout": args.dropout, "batch_norm": args.batch_norm,
               "l2": args.l2, "l1": args.l1}
    lines = [nets.gradcheck_line(res, dropout=args.dropout, batch_norm=args.batch_norm,
                                 l2=args.l2, l1=args.l1)]
    if note is not None:
        lines.append(f"note: {note}")
        if args.json:  # and said where a person watching a --json run reads
            _say(f"hplab gradcheck: note: {note}")
    _emit(args, summary, lines)
    return 0  # whatever the verdict: a result, not a failure (README: a CI gate reads it)


def _add_gradcheck(sub) -> None:
    p = sub.add_parser("gradcheck", help="compare backprop with two-sided differences "
                                          "(always in float64)")
    _add_net_flags(p, dtype=False)
    p.add_argument("--samples", type=int, default=64, help="examples used (float64)")
    p.add_argument("--init", default="xavier", names="nets.INITIALIZERS",
                   help=INIT_HELP.format("biases drawn with std 0.1: a point off ReLU's "
                                          "kink", texts=TEXTS)).texts = INIT_DRAWS
    p.add_argument("--h", type=float, default=1e-5,
                   help="finite-difference step (default 1e-5; the course: 1e-4 to 1e-7)")
    p.add_argument("--dropout", type=float, default=0.0,
                   help="check backprop through dropout of this rate, in [0, 1): one set of "
                        "masks (drawn from --seed) for the whole check (default 0)")
    p.add_argument("--batch-norm", action="store_true",
                   help="check backprop through batch norm (on the sample's statistics)")
    p.add_argument("--l2", type=float, default=0.0,
                   help="check the gradient with train's weight decay: l2 / 2 * |W|^2 added "
                        "to the loss (default 0)")
    p.add_argument("--l1", type=float, default=0.0,
                   help="check the gradient with train's L1 penalty: l1 * |W|_1 added to the "
                        "loss (default 0)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_gradcheck)


# ----------------------------------------------------------------------------- data
def cmd_data_list(args) -> int:
    import data
    import reports

    records, shown, notes = data.describe_listing()
    _emit(args, records, reports.table_lines(shown, index=False) + notes)
    return 0


def cmd_data_show(args) -> int:
    import data

    ds = data.load(args.name, seed=args.seed, scaling=args.scaling,
                   merge_scaling=args.merge_scaling, val_fraction=args.val_fraction,
                   target=args.target, imbalance=args.imbalance, positive=args.positive,
                   data_dir=args.data_dir, train_size=args.train_size)
    _emit(args, *data.describe_dataset(ds))
    return 0


def cmd_data_fetch(args) -> int:
    import data
    import nets

    # as an --out folder is: one line naming it, not Python's
    if args.dest is not None:
        nets.check_writable(data.expand_home(args.dest), "--dest")
    else:
        nets.check_writable(data.data_home() / "mnist", "the download folder",
                            instead="give another with --dest")
    dest = data.fetch_mnist(args.dest, args.url, timeout=args.timeout,
                            verify=not args.no_verify)
    _emit(args, *data.describe_fetch(args.dataset, dest, args.url, not args.no_verify))
    return 0


def _add_data(sub) -> None:
    p = sub.add_parser("data", help="list, inspect and download datasets")
    dsub = p.add_subparsers(dest="data_command", required=True, parser_class=_Parser)
    q = dsub.add_parser("list", help="named datasets with sizes, features and classes, and the "
                        "?key=value options they take")
    q.add_argument("--json", action="store_true", help="print a JSON list of objects")
    q.set_defaults(func=cmd_data_list)
    q = dsub.add_parser("show", help="load one dataset and print its sizes and scaling")
    q.add_argument("name", help="e.g. coin, spirals?classes=5, csv:table.csv; a target of "
                   "at most 50 whole numbers is read as classes: csv:table.csv?task=regression "
                   "predicts it as a number")
    q.add_argument("--seed", type=int, default=0)
    # None when not given: the name may carry them (coin?scaling=standard)
    q.add_argument("--scaling", default=None, choices=("minmax", "standard", "none"),
                   help="feature scaling (default minmax)")
    q.add_argument("--merge-scaling", action="store_true", default=None,
                   help="fit the scaling on train, validation and test merged")
    q.add_argument("--val-fraction", type=float, default=None)
    q.add_argument("--target", default=None, help="CSV target column (default: last)")
    q.add_argument("--imbalance", default=None, help="positives:negatives, e.g. 1:50")
    q.add_argument("--positive", default=None, help="positive class (one-vs-rest)")
    q.add_argument("--train-size", type=int, default=None,
                   help="keep this many training rows (class shares kept; the validation "
                        "and test sets stay the whole set's)")
    q.add_argument("--data-dir", type=_folder_path, default=None,
                   help="downloaded data (default $HPLAB_DATA, else $XDG_CACHE_HOME/hplab, "
                        "else ~/.cache/hplab)")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_data_show)
    q = dsub.add_parser("fetch", help="download a dataset and verify its SHA-256")
    q.add_argument("dataset", choices=("mnist",))
    q.add_argument("--url", default=None, help="base URL of a mirror")
    q.add_argument("--dest", type=_folder_path, default=None,
                   help="target folder (default $HPLAB_DATA/mnist, "
                        "else $XDG_CACHE_HOME/hplab/mnist, else ~/.cache/hplab/mnist)")
    q.add_argument("--timeout", type=float, default=30.0, help="seconds per connection")
    q.add_argument("--no-verify", action="store_true",
                   help="skip the checksum check (for a mirror without SHA256SUMS)")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_data_fetch)


# ----------------------------------------------------------------------------- report
def cmd_report_index(args) -> int:
    if args.dir is None:  # where every command writes its reports
        from study import RUNS  # here: study imports optuna, a DIR given needs it not

        folder = RUNS
        if not folder.is_dir():
            raise ValueError(f"not a folder: {folder} (the default, where commands write "
                             "their reports); give the folder to index")
    elif not args.dir.strip():  # Path("") is "." : the folder it ran in, unasked
        raise ValueError("an empty folder name; give the folder to index, e.g. runs")
    else:
        folder = Path(args.dir)
    import nets

    # said before reports is imported (its drawing libraries): index_folder says it again
    # to a Python caller
    nets.check_folder_readable(folder)
    import reports

    listing = reports.index_folder(folder, write=not args.no_write)
    # QA: a shared index rebuilt by bob left alice's private runs out, and said nothing
    for skipped in listing.skipped():
        nets.say_on_stderr(f"{args.said_as}: warning: {skipped}")
    # the listing is printed all the same (QA: a teammate's folder, readable and not
    # writable, printed no JSON at all), as train prints its results without its report
    entries, path = listing.entries, listing.path
    summary = {"index_path": None if path is None else str(path), "n_reports": len(entries),
               "reports": [e.json() for e in entries], "index_error": listing.error,
               "unreadable": [str(p) for p in (*listing.unreadable,
                                                *listing.unreadable_records)]}
    counted = f"{len(entries)} report{'s' * (len(entries) != 1)}"
    if listing.n_kept:  # the page lists more than this user could read
        counted += f" ({len(entries) + listing.n_kept} listed, {listing.n_kept} kept from before)"
    if path is None:
        counted += "" if args.no_write else " (index.html not written)"
    _emit(args, summary, [f"{path or nets.folder_text(folder)}: {counted}"])
    return _after_report(args, listing.error)


def _add_report(sub) -> None:
    p = sub.add_parser("report", help="HTML reports: rebuild the index of a folder")
    rsub = p.add_subparsers(dest="report_command", required=True, parser_class=_Parser)
    q = rsub.add_parser("index", help="write DIR/index.html listing every report under DIR")
    q.add_argument("dir", metavar="DIR", nargs="?", type=_path, default=None,
                   help="folder to scan (default runs)")
    q.add_argument("--no-write", action="store_true",
                   help="list the reports without writing DIR/index.html (a folder you "
                        "may read and not write: a teammate's, a class's copied runs)")
    q.add_argument("--json", action="store_true", help="print one JSON object")
    q.set_defaults(func=cmd_report_index)


# ----------------------------------------------------------------------------- study
def _study_end(args, name: str, summary: dict, *, report: bool,
               description: str | None = None) -> int:
    """A study run's end (run, demo): its report, its results printed, then the line of a
    report that could not be written. ``description``: the study's, as the run stored it
    (a report showing another is rewritten)."""
    import data
    import reports

    failed = summary["report_error"] = report_seconds = None
    # a report written at the study's finished trials and budget (the run added no trial
    # the budget counts: mostly it started none) is left as it is: its rewrite retrained
    # the best trial and drew every figure again, for the same page
    out = getattr(args, "out", None)  # the demo has no --out
    current = (reports.current_study_report(name, args.storage, summary, folder=out,
                                            description=description) if report else None)
    if current is not None:
        from nets import say_on_stderr

        summary["report_path"] = str(current)
        say_on_stderr(f"{args.said_as}: the report {current} is up to date with the study's "
                      f"{summary['n_finished']} finished trials: left as it is")
    elif report:
        def write() -> str | None:
            folder = out or reports.study_report_folder(name, args.storage, summary["created"])
            with warnings.catch_warnings():
                # the report retrains the best trial on the data the run loaded and warned
                # of (a class missing from validation): said once, not again below its
                # progress bar
                warnings.simplefilter("ignore", data.DataWarning)
                # the report refreshes the runs index too; best_model/config.json
                # records the command
                return _write_report(summary, folder, lambda: reports.study_report(
                    # a run that started no trial has no wall time of its own to show
                    name, storage=args.storage, out=out, seconds=summary["seconds"] or None,
                    command=_command_line(args.argv),
                    dataset=getattr(args, "data", None),  # the demo has no --data
                    progress=not args.json))

        # stopped while it is written: the JSON of a stop, as during the trials
        started = time.perf_counter()
        failed = _study_stops(args, name, write, seconds=summary["seconds"])
        # said beside the trials' time (--json's seconds): retraining the best trial on
        # MNIST took as long again, outside the "took" line a reader timed the run by
        report_seconds = time.perf_counter() - started
    _emit(args, summary, reports.study_lines(summary, report_seconds=report_seconds))
    return _after_report(args, failed)


def _study_stops(args, name: str, run, seconds: float = 0.0, *, writes_report: bool = True,
                 spec=None):
    """``run()``'s result (a study run's, a worker's joining one, the demo's summary; the
    report written after them). Stopped by a signal, it prints with --json the study as
    the stop left it, ``stopped`` saying why (a script reading the JSON learns what was
    kept; no report is written), and stops; where no such study is stored (stopped before
    the run stored it), the same keys saying none ran (`study.unstored_summary`: counts 0,
    created null). ``seconds``: the run's time before ``run`` began (its trials', when
    ``run`` writes its report). ``writes_report``: the command writes one (run, demo; not a
    worker), and its JSON has ``report_error``. ``spec``: the study's, where known."""
    import reports
    import study

    started = time.perf_counter() - seconds
    try:
        return run()
    except KeyboardInterrupt:
        if args.json:
            # a storage that cannot be read now: nothing to print but the stop's line
            with contextlib.suppress(*USER_ERRORS):
                stored = True
                try:
                    summary = study.show_study(name, args.storage)
                except study.StorageAbsent:  # nothing stored: this command ran no trial
                    summary, stored = study.unstored_summary(name, args.storage, spec), False
                took = time.perf_counter() - started if stored else 0.0
                stopped = {**summary, "seconds": took, "stopped": _ended_by(),
                           "report_path": None}
                if writes_report:
                    stopped["report_error"] = None
                else:  # a worker's keys: the report `study show` finds, and its lag
                    stopped["report_stale"] = None
                    with contextlib.suppress(*USER_ERRORS):  # not found: the rest printed
                        if stored:  # a report of an earlier study of the name is not its
                            reports.note_study_report(name, args.storage, stopped)
                _emit(args, stopped, [])
        raise


def cmd_study_run(args) -> int:
    import study

    try:  # a refused file of a stored study resumes
        spec = study.spec_to_run(args.spec, args.storage, n_trials=args.trials,
                                 data=args.data)
    except study.SpecError as exc:  # beyond a grid's points: the API names n_trials
        message = str(exc)
        if args.trials is not None and message.startswith("n_trials "):
            message = f"--trials{message.removeprefix('n_trials')}"
        raise study.SpecError(message) from None
    if args.out is not None and not args.report:  # it would be dropped without a word
        raise ValueError("--out is the report's folder: it has no use with --no-report")

    def run() -> dict:
        if args.report:  # the storage first: unwritable, it fails --no-report's run too
            _check_report_folder(args, spec)
        return study.run_study(
            spec, storage=args.storage, workers=args.workers, progress=not args.json,
            command=_study_command(args.argv), explicit_trials=args.trials is not None,
            dataset=args.data)

    # from the spec read on, a stop prints the JSON of a stop (the checks are in its time)
    summary = _study_stops(args, spec.name, run, spec=spec)
    return _study_end(args, spec.name, summary, report=args.report,
                      description=spec.description)


def _check_report_folder(args, spec) -> None:
    """Refuse a `study run` whose report could not be written, before it runs: its storage
    unwritable, or its folder (``--out``, else the default one) another report's."""
    import reports
    import study

    study.check_storage_writable(study.resolve_storage(args.storage))
    if args.out:
        created = None  # a new study's: none yet
        with contextlib.suppress(*USER_ERRORS):  # known, a report of it there is its own
            created = study.show_study(spec.name, args.storage)["created"]
        reports.check_out_folder(args.out, "study", spec.name,
                                 storage=study.resolve_storage(args.storage),
                                 created=created)
    else:
        reports.check_study_report_folder(spec.name, args.storage,
                                          "give another folder with --out, or run with "
                                          "--no-report, and write the report elsewhere "
                                          "later (hplab study report --out)")


def cmd_study_worker(args) -> int:
    import reports
    import study

    summary = _study_stops(args, args.study, lambda: study.join_study(
        args.study, storage=args.storage, workers=args.workers, progress=not args.json,
        dataset=args.data, command=_study_command(args.argv)), writes_report=False)
    # a worker writes no report: the one `study show` finds, and whether it lags the
    # study, or the command that writes one, as `study show` says them
    said = reports.study_report_lines(args.study, args.storage, summary)
    _emit(args, summary, reports.study_lines(summary) + said)
    return 0


def cmd_study_list(args) -> int:
    import reports
    import study

    rows = study.list_studies(args.storage)
    _emit(args, rows, reports.study_list_lines(rows))
    return 0


def cmd_study_show(args) -> int:
    import reports

    # the course's table of a two-choice grid is for people: --json has the summary only
    summary, lines = reports.study_show(args.name, args.storage, cells=not args.json)
    _emit(args, summary, lines)
    return 0


def cmd_study_export(args) -> int:
    import study

    if args.csv == "-" and args.json:  # both would go to standard output
        raise ValueError("--csv - writes the table to standard output; leave out --json")
    path = study.export_csv(args.name, args.csv, args.storage)
    if str(path) != "-":  # `--csv -` wrote the table itself to standard output
        _emit(args, {"study": args.name, "csv_path": str(path)}, [f"wrote {path}"])
    return 0


def cmd_study_spec(args) -> int:
    import study

    if args.name is None:  # the ready specs, a line each
        import reports

        rows = study.ready_specs()  # not validated: that imported scikit-learn (~3 s)
        _emit(args, {"specs": rows}, reports.spec_list_lines(rows))
        return 0
    path, text = study.ready_spec_text(args.name)  # a path is a file to open, refused
    if args.json:
        _emit(args, {"name": args.name, "path": str(path), "text": text}, [])
    else:  # the file itself: `hplab study spec coin > my.toml` is a spec to edit
        from nets import writing_standard_output

        with writing_standard_output():
            sys.stdout.write(text)
    return 0


def cmd_study_report(args) -> int:
    import reports

    path = reports.write_study_report(args.name, args.storage, args.out,
                                      command=_command_line(args.argv), dataset=args.data,
                                      instead="give another folder with --out",
                                      progress=not args.json)
    _emit(args, {"study": args.name, "report_path": path}, [f"report: {path}"])
    return 0


def cmd_demo(args) -> int:
    import reports
    import study

    spec = study.demo_spec(args.trials, args.storage)
    reports.check_study_report_folder(spec.name, args.storage,
                                      "run it from a folder you can write in")
    # held to its report: another demo started meanwhile would delete the study this one
    # made (or refuse it as no demo's, before its command is stored)
    with study.demo_running(args.storage):
        workers = study.local_workers(args.workers)
        # said once it runs (it came before another demo's refusal); one worker's trials
        # are the same every run without the lockstep
        if study.resolve_storage(args.storage).kind == "journal" and workers > 1:
            _say("hplab demo: a journal storage has no heartbeats, so the demo runs without "
                 "its lockstep (study.repeatable_workers): with more than one worker its "
                 "trials may differ from run to run")
        replaced = study.earlier_demo(args.storage, spec)  # the demo replaces only its own
        if replaced:
            _say(f"hplab demo: replacing the earlier demo study in {replaced}")
        summary = _study_stops(args, spec.name, lambda: study.run_study(
            spec, storage=args.storage, workers=args.workers, progress=not args.json,
            fresh=True, command=_study_command(args.argv)), spec=spec)
        return _study_end(args, spec.name, summary, report=True)


def _storage_flag(p) -> None:
    p.add_argument("--storage", type=_given("a storage URL or file"), default=None,
                   metavar="URL",
                   help="optuna storage: sqlite:///x.db, postgresql://..., mysql://..., "
                        "x.log, x.jsonl or journal:PATH (journal; an existing journal or "
                        "SQLite file of another name is known by its content); default "
                        "runs/hplab.db")


def _data_flag(p, more: str = "") -> None:
    p.add_argument("--data", type=_given("a dataset name"), default=None, metavar="NAME",
                   help="this machine's copy of the study's data, where it is not at the "
                        "stored path (e.g. csv:/my/copy.csv?target=y); checked against the "
                        f"study's fingerprint{more}")


def _add_study(sub) -> None:
    p = sub.add_parser("study", help="Optuna searches over a net's hyperparameters")
    ssub = p.add_subparsers(dest="study_command", required=True, parser_class=_Parser)
    q = ssub.add_parser("run", help="create or resume a study from a spec and run it")
    q.add_argument("spec", type=_path,
                   help="ready spec name (xor, coin, digits...), a .toml path, or the "
                        "name of a study --storage holds (run with the spec stored with it)")
    _workers_flag(q, 1, _STUDY_WORKERS_MEMORY)
    q.add_argument("--trials", type=_trials, default=None,
                   help="study-wide total (overrides)")
    _data_flag(q, "; a stored study's, run by its name or its spec file")
    _storage_flag(q)
    q.add_argument("--report", action=argparse.BooleanOptionalAction, default=True)
    q.add_argument("--out", type=_folder_path, default=None,
                   help="the report's folder (default runs/studies/NAME; a report's \"More "
                        "trials\" command gives . to bring that report up to date)")
    q.add_argument("--json", action="store_true", help="print one JSON object")
    q.set_defaults(func=cmd_study_run)
    q = ssub.add_parser("worker", help="join a stored study (any machine) until it is done; "
                                       "it writes no report (hplab study report does)")
    q.add_argument("--study", required=True, help="study name")
    _data_flag(q)
    _workers_flag(q, 1, _STUDY_WORKERS_MEMORY)
    _storage_flag(q)
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_study_worker)
    q = ssub.add_parser("list", help="studies in a storage")
    _storage_flag(q)
    q.add_argument("--json", action="store_true", help="print a JSON list of objects")
    q.set_defaults(func=cmd_study_list)
    q = ssub.add_parser("show", help="counts by state, best trial, diverged and failed trials")
    q.add_argument("name")
    _storage_flag(q)
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_study_show)
    q = ssub.add_parser("export", help="every trial as a CSV row")
    q.add_argument("name")
    q.add_argument("--csv", type=_path, required=True, metavar="PATH")
    _storage_flag(q)
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_study_export)
    q = ssub.add_parser("spec", help="list the ready specs, or print one to copy and edit")
    q.add_argument("name", nargs="?", default=None, help="ready spec name (xor, coin...)")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_study_spec)
    q = ssub.add_parser("report", help="write the study's HTML report")
    q.add_argument("name")
    q.add_argument("--out", type=_folder_path, default=None,
                   help="folder (default runs/studies/NAME)")
    _data_flag(q, "; it retrains the best trial")
    _storage_flag(q)
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_study_report)
    q = sub.add_parser("demo", help="a real study on digits with 2 workers (the same trials "
                       "every run, on SQLite or PostgreSQL), and its report")
    _workers_flag(q, 2)
    q.add_argument("--trials", type=_trials, default=None, help="trials (default: the spec's)")
    _storage_flag(q)
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_demo)


# ----------------------------------------------------------------------------- scaling
def _floats(text: str) -> tuple[float, ...]:
    try:
        # "0.1,,1" is a typo, as with _ints
        return tuple(float(t) for t in text.split(",")) if text.strip() else ()
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated numbers, got {text!r}") from None


def _unused_lr(rates) -> dict:
    """``{"lr": the lowest of rates}`` for the config of an analysis that sets its own
    rates, if they are numbers > 0 (else the analysis's checks say what is wrong)."""
    try:
        low = min(float(r) for r in rates)
    except (TypeError, ValueError):
        return {}
    return {"lr": low} if math.isfinite(low) and low > 0 else {}


@_analysis_command
def cmd_scaling(args) -> int:
    import analyses
    import nets

    if args.lrs is not None:
        if args.lr_range is not None:  # it would be dropped without a word
            raise ValueError("--lr-range sets the bounds of --lr-grid; with --lrs, list the "
                             "rates themselves")
        lrs = args.lrs  # even empty: an error, not the default grid
    elif args.lr_range is not None and len(args.lr_range) != 2:
        raise ValueError(f"--lr-range needs two numbers LOW,HIGH, got {args.lr_range}")
    else:  # lr_grid's checks name its arguments, said as the flags (FIELD_FLAGS)
        lrs = analyses.lr_grid(args.lr_grid, *args.lr_range or ())
    # every run sets its own rate: the config's lr is the lowest, so that lr x
    # --weight-decay is checked on the rates that run (scaling_study: the top one)
    cfg = nets.TrainConfig(hidden=args.hidden, activation=args.activation,
                           optimizer=args.optimizer, init=args.init, dtype=args.dtype,
                           **_unused_lr(lrs), **_regularisers(args))
    nets.warn_if_units_start_alike(cfg)
    result = analyses.scaling_study(
        args.dataset, batch_sizes=args.batch_sizes, lrs=lrs, seeds=args.seeds,
        target_metric=args.target_metric, target=args.target, max_steps=args.max_steps,
        max_epochs=args.max_epochs, config=cfg, reference_batch=args.reference_batch,
        noise=args.noise, workers=args.workers, backend=args.backend,
        scheduler=args.scheduler, seed=args.seed, progress=not args.json)
    return _analysis_end(args, result)


def _add_scaling(sub) -> None:
    p = sub.add_parser(
        "scaling", help="steps to a target per batch size, the critical batch size, best-rate "
                        "scaling and the gradient noise scale",
        description="Train every batch size x rate x seed until the target (or --max-steps) "
                    "and fit the steps to McCandlish et al.'s law. The defaults train 27 nets "
                    "(9 rates x 3 seeds) per batch size, 1, 2, 4... and the full batch: "
                    "hundreds of nets, minutes on 2 cores "
                    "(--workers -1 uses every core; fewer --batch-sizes, --lr-grid or "
                    "--seeds cost less). A batch size that does not reach the target within "
                    "--max-steps is reported as not reached. --json prints: dataset, n_train, "
                    "target_metric, target, target_source, batch_sizes, and per batch size "
                    "(lists in that order) reached, steps_to_target, examples_to_target, "
                    "best_lr, lr_opt, at_grid_edge, regimes; then fit_status (fitted, "
                    "no_critical_batch, below_range, inconclusive, poor_fit, "
                    "dataset_too_small, too_few_points), fit_message, b_crit, s_min, e_min "
                    "(null unless fitted), b_crit_at_least (the lower bound on B_crit of "
                    "no_critical_batch and dataset_too_small, else null), "
                    "r2, alpha, alpha_se (null with fewer than 3 sizes fitted, or their best "
                    "rates all at the grid's edge or all one grid rate), alpha_rule (the "
                    "one rule within alpha's 95 % interval, alpha ± t alpha_se with t Student's "
                    "for the sizes fitted less 2 degrees of freedom: linear, square-root or "
                    "flat; where a "
                    "slope that holds none lies: between square-root and linear, between "
                    "flat and square-root, steeper than linear or falling; or unknown, "
                    "alpha_reason says why; t is 12.71 at 3 sizes and 4.30 at 4, so a rule "
                    "is rarely named: give 5 or more batch sizes below B_crit), alpha_reason, "
                    "lr_cap_batch, b_simple, b_simple_step, "
                    "b_simple_low, b_simple_high, b_simple_measurements, b_simple_interval, "
                    "lrs, seeds (a count: the nets per batch size and rate, seeded from "
                    "seed), seed, max_steps, config, seconds, test_is_train (true on "
                    "XOR, whose validation set is its training set: the target is then met "
                    f"on training data), report_path, {_REPORT_ERROR}.")
    _add_net_flags(p)
    p.add_argument("--optimizer", default="sgd", names="nets.OPTIMIZERS")
    _init_flag(p, _PackageDefault("nets.TrainConfig", "init"))
    _regulariser_flags(p)
    p.add_argument("--batch-sizes", type=_ints, default=None,
                   help="e.g. 1,4,16,64; -1 is the full batch (default: 1, 2, 4, ... and "
                        "the full batch)")
    rates = p.add_mutually_exclusive_group()
    rates.add_argument("--lrs", type=_floats, default=None, help="rates tried at every batch")
    # the grid's defaults are lr_grid's own (its signature's)
    rates.add_argument("--lr-grid", type=int, default=_PackageDefault("analyses.lr_grid", "num"),
                       help=f"number of log-spaced rates over --lr-range (default {DEFAULT})")
    p.add_argument("--lr-range", type=_floats, default=None, metavar="LOW,HIGH",
                   help="bounds of --lr-grid (default {low},{high})").package_defaults = {
        f"{{{bound}}}": _PackageDefault("analyses.lr_grid", bound) for bound in ("low", "high")}
    p.add_argument("--seeds", type=int, default=3, help="runs per batch size and rate")
    p.add_argument("--target-metric", default=None, choices=("val_accuracy", "val_loss"),
                   help="default val_accuracy (val_loss for regression)")
    p.add_argument("--target", type=float, default=None,
                   help="value to reach (default: 0.95 x the best val_accuracy of reference "
                        "runs at --reference-batch (the full batch if larger), or 95%% of their "
                        "val_loss drop)")
    p.add_argument("--max-steps", type=int, default=10_000, help="step budget per run")
    p.add_argument("--max-epochs", type=float, default=None,
                   help="epoch budget per run as well (whichever ends first)")
    p.add_argument("--reference-batch", type=int, default=32)
    p.add_argument("--noise", action=argparse.BooleanOptionalAction, default=True,
                   help="measure the gradient noise scale during the reference runs (which "
                        "then run even with --target; --no-noise --target skips them)")
    _workers_flag(p, 1)
    p.add_argument("--backend", default="joblib", choices=("joblib", "dask"))
    p.add_argument("--scheduler", default=None, help="Dask scheduler address (with --backend "
                                                     "dask), e.g. tcp://127.0.0.1:8786")
    p.add_argument("--out", type=_folder_path, default=None,
                   help="report folder (default runs/scaling/DATASET)")
    p.add_argument("--report", action=argparse.BooleanOptionalAction, default=True)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_scaling)


# ----------------------------------------------------------------------------- predict
PREDICT_SHOWN = 20  # predictions listed (stdout and --json) unless --limit says otherwise


def cmd_predict(args) -> int:
    import data
    import nets
    import study

    if args.limit < -1:
        raise ValueError(f"--limit must be >= 0, or -1 for all, got {args.limit}")
    to_stdout = args.out == "-"
    if to_stdout and args.json:  # both would go to standard output
        raise ValueError("--out - writes the CSV to standard output; leave out --json")
    out = None if to_stdout else args.out
    if out is not None:  # as an --out folder is: before the model loads
        nets.check_writable(out, "--out", file=True)
    _refuse_overwrite(out, args.model, args.input)
    model = nets.load_model(args.model)
    _refuse_overwrite(out, *data.model_data_paths(model.meta))
    if out is not None:  # a .xlsx or .tgz is refused before the predictions, not after
        nets.check_csv_name(out)
    nets.check_threshold(model, args.threshold, "--threshold")  # before the data loads
    truth = seed = dataset = changed = loss = None
    if args.dataset is not None:
        dataset = args.dataset or model.meta.get("dataset")
        if not dataset:
            raise ValueError(f"{args.model} does not name its dataset: give --dataset NAME")
        if args.header is not None:
            raise ValueError("--header says what the first row of an --input CSV is; it "
                             "does nothing with --dataset")
        seed = args.seed if args.seed is not None else data.model_data_seed(model.meta)
        _refuse_overwrite(out, *data.source_paths(dataset))
        ds = data.load(dataset, seed=seed)
        changed = data.model_data_changed(model.meta, ds, seed)
        if changed:
            # the name as the model file wrote it: escaped, as every name printed
            _say(f"hplab predict: warning: {_escaped(dataset)} is not the data "
                 f"{_escaped(str(args.model))} was "
                 "trained on (another fingerprint): its test split is not the held-out "
                 "one, and the scores may count training rows")
        pred, truth, loss = nets.predict_dataset_and_loss(model, ds, threshold=args.threshold)
    elif args.seed is not None:
        raise ValueError("--seed picks the split of --dataset; it does nothing with --input")
    else:
        header = None if args.header is None else args.header == "yes"
        pred = model.predict(nets.read_inputs(args.input, model, header), args.threshold)
    if out is not None:  # an earlier --out's predictions only (it wrote over a spec)
        study.refuse_other_file(out, ours=nets.is_prediction_header,
                                what="a predictions CSV")
    summary = nets.predict_summary(
        model, pred, truth, limit=args.limit, threshold=args.threshold, dataset=dataset,
        data_seed=seed, data_changed=changed, input=args.input, out_path=out, loss=loss)
    frame = nets.prediction_frame(pred, truth)
    if to_stdout:  # `--out -`: the CSV on standard output, for a pipe
        with nets.writing_standard_output():
            nets.frame_csv(nets.spreadsheet_safe(frame), sys.stdout)
    elif out is not None:
        # a new file renamed into place: never half a CSV, nor two runs' rows mixed
        nets.write_csv(out, frame)
    if args.json:  # the records: a table (and the import of reports) would be thrown away
        _emit(args, summary, [])
        return 0
    import reports

    lines = reports.predict_lines(summary, model, frame=None if to_stdout else frame,
                                  threshold_asked=args.threshold is not None)
    if to_stdout:  # the scores for people, kept out of the piped CSV (which lists every row)
        _say("\n".join(map(_escaped, lines)))
    else:
        _emit(args, summary, lines)
    return 0


def _add_predict(sub) -> None:
    p = sub.add_parser("predict", help="predict with a saved model.npz on raw inputs or a "
                                       "dataset's test split")
    p.add_argument("model", metavar="MODEL.npz", type=_path, help="e.g. runs/train/coin/model.npz")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--dataset", nargs="?", const="", default=None, metavar="NAME",
                     help="the test split of NAME (no NAME: the model's own dataset), "
                          "rescaled to the model's input scaling if NAME's differs; scored "
                          "with accuracy (a binary model also with precision, recall, F1, "
                          "ROC-AUC and PR-AUC of its positive class), or rmse and mae for "
                          "regression")
    src.add_argument("--input", metavar="FILE", type=_path, default=None,
                     help="raw (unscaled) inputs: .npy (n, d) or .csv (.csv.gz, .bz2, .xz), "
                          "with or without a header; the model applies its stored input "
                          "scaling")
    p.add_argument("--header", choices=("yes", "no"), default=None,
                   help="whether the first row of an --input CSV is a header (default: "
                        "told by its cells; asked for where they could be either)")
    p.add_argument("--seed", type=int, default=None,
                   help="data seed for --dataset (default: the one the model was trained "
                        "with, so its test split is the held-out one)")
    p.add_argument("--threshold", type=float, default=None, metavar="T",
                   help="binary models: predict the positive class (the second of classes) "
                        "where its probability is >= T, e.g. a threshold tuned on "
                        "validation data (default: the more probable class)")
    p.add_argument("--out", metavar="PRED.csv", type=_path, default=None,
                   help="write every prediction (and probabilities, true label) as CSV, "
                        f"compressed as its ending says ({ENDINGS}; -: to standard "
                        "output, the scores to standard error)")
    p.add_argument("--limit", type=int, default=PREDICT_SHOWN,
                   help=f"predictions listed on stdout and in --json (default "
                        f"{PREDICT_SHOWN}; -1: all)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_predict)


def cmd_export_onnx(args) -> int:
    import data
    import nets

    nets.check_writable(args.out, file=True)
    _refuse_overwrite(args.out, args.model)
    model = nets.load_model(args.model)
    _refuse_overwrite(args.out, *data.model_data_paths(model.meta))
    try:  # it replaces only a graph of its own (nets.is_hplab_onnx)
        path = nets.export_onnx(model, args.out, opset=args.opset)
    except ModuleNotFoundError as exc:  # the optional extra: one line, no traceback
        raise ValueError(str(exc)) from None
    outputs = list(nets.ONNX_OUTPUTS[model.task])
    summary = {"model": str(model.path), "onnx_path": str(path), "opset": args.opset,
               "task": model.task, "n_features": model.n_features,
               "dtype": model.net.dtype.name, "input": "input", "outputs": outputs,
               "bytes": path.stat().st_size}
    _emit(args, summary, [f"wrote {path} (opset {args.opset}): input (N, {model.n_features}) "
                          f"{model.net.dtype.name} raw features -> {', '.join(outputs)}"])
    return 0


def _add_export_onnx(sub) -> None:
    p = sub.add_parser("export-onnx", help="write a saved model.npz as an ONNX graph "
                                           "(needs pip install 'hplab[onnx]')")
    p.add_argument("model", metavar="MODEL.npz", type=_path, help="e.g. runs/train/coin/model.npz")
    p.add_argument("out", metavar="OUT.onnx", type=_path,
                   help="graph input 'input': raw features (N, d); outputs 'label' and "
                        "'probabilities', or 'value' for regression")
    p.add_argument("--opset", type=int, default=17,
                   help="ONNX opset, 13 or later (default 17)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_export_onnx)


# ----------------------------------------------------------------------------- imbalance
@_analysis_command
def cmd_imbalance(args) -> int:
    import analyses

    net = {"hidden": args.hidden, "activation": args.activation, "optimizer": args.optimizer,
           "lr": args.lr, "batch_size": args.batch_size, "max_epochs": args.epochs,
           "patience": args.patience, "dtype": args.dtype, **_regularisers(args)}
    result = analyses.imbalance_benchmark(
        args.dataset, positive=args.positive, ratios=args.ratio, strategies=args.strategies,
        sampling_ratio=args.sampling_ratio, seeds=args.seeds, metric=args.metric,
        tune_for=args.tune_for, leakage_demo=args.leakage_demo, net_params=net,
        workers=args.workers, seed=args.seed, progress=not args.json)
    return _analysis_end(args, result)


def _add_imbalance(sub) -> None:
    p = sub.add_parser("imbalance", help="benchmark over/undersampling, class weights and an "
                                         "anomaly baseline on imbalanced data")
    p.add_argument("--dataset", required=True, help="classification dataset (hplab data list)")
    p.add_argument("--positive", default=None,
                   help="positive (minority) class; required for multi-class data")
    p.add_argument("--ratio", default=None, metavar="P:N[,P:N]",
                   help="positives:negatives, e.g. 1:50 or 1:10,1:50 (default: the one the "
                        "dataset name sets, digits?imbalance=1:20, else the data's own)")
    p.add_argument("--strategies", type=_names, default=None, names="analyses.STRATEGIES",
                   help=f"comma-separated: {NAMES}, or those samplers' imbalanced-learn "
                        "class names (SMOTE, RandomOverSampler...) (default: all)")
    p.add_argument("--sampling-ratio", default=_PackageDefault("nets.DEFAULT_SAMPLING_RATIO"),
                   metavar="R",
                   help="minority/majority the samplers aim for: 0.2, or 1:5 in --ratio's P:N "
                        "form")
    p.add_argument("--seeds", type=int, default=3,
                   help="repetitions (data, split and net), shared by every strategy: the "
                        "ranking compares strategies seed by seed (paired)")
    p.add_argument("--metric", default="pr_auc",
                   help="ranking metric: roc_auc, pr_auc, brier, precision, recall, f1, "
                        "balanced_accuracy, g_mean, mcc, accuracy (default pr_auc: average "
                        "precision, the step-wise area under the PR curve, not the "
                        "trapezoid); those read at a threshold (precision to accuracy) are "
                        "ranked at the fixed 0.5, their value at the tuned threshold shown "
                        "beside it (tuned_mean), not ranked; brier reads probabilities, so "
                        "isolation_forest (an anomaly score) is left out of its ranking")
    p.add_argument("--tune-for", default="f1",
                   help="validation metric the tuned threshold maximizes: f1, "
                        "balanced_accuracy, mcc, g_mean (default f1); each seed tunes one "
                        "for its own net, and the ranking's tuned_threshold is their mean "
                        "over seeds")
    p.add_argument("--leakage-demo", action="store_true",
                   help="also resample before the split (wrong on purpose) to show leakage")
    _workers_flag(p, -1)
    # the net's flags default to the one the strategies' pipelines train (nets.DEFAULT_NET)

    def net(field: str) -> _PackageDefault:
        return _PackageDefault("nets.DEFAULT_NET", field)

    p.add_argument("--hidden", type=_ints, default=net("hidden"),
                   help=HIDDEN_HELP.format("32,16"))
    p.add_argument("--activation", type=_names, default=net("activation"),
                   help="one activation for all hidden layers or one per layer",
                   names="nets.ACTIVATIONS")
    p.add_argument("--optimizer", default=net("optimizer"), names="nets.OPTIMIZERS")
    p.add_argument("--lr", type=float, default=net("lr"))
    p.add_argument("--batch-size", type=int, default=net("batch_size"),
                   help="-1 means full batch")
    p.add_argument("--epochs", type=float, default=net("max_epochs"), help="max epochs per net")
    p.add_argument("--patience", type=int, default=net("patience"),
                   help="early stopping on the training loss (0 = off)")
    _regulariser_flags(p)
    p.add_argument("--dtype", default=net("dtype"), choices=("float32", "float64"))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=_folder_path, default=None,
                   help="report folder (default runs/imbalance/DATASET)")
    p.add_argument("--report", action=argparse.BooleanOptionalAction, default=True)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_imbalance)


# ----------------------------------------------------------------------------- lr-range
@_analysis_command
def cmd_lr_range(args) -> int:
    import analyses
    import nets

    # the ramp sets the rate: the config's lr is where it starts, so that lr x
    # --weight-decay is checked on the ramp's rates (lr_range_test: --max-lr), never on
    # the unused default 0.1
    cfg = nets.TrainConfig(hidden=args.hidden, activation=args.activation,
                           optimizer=args.optimizer, batch_size=args.batch_size,
                           init=args.init, dtype=args.dtype, **_unused_lr([args.min_lr]),
                           **_regularisers(args))
    nets.warn_if_units_start_alike(cfg)
    result = analyses.lr_range_test(
        args.dataset, cfg, min_lr=args.min_lr, max_lr=args.max_lr, num_steps=args.steps,
        mode=args.mode, beta=args.beta, diverge=args.diverge, val=args.val,
        val_batch=args.val_batch, epochs_per_rate=args.epochs_per_rate, seeds=args.seeds,
        suggestion=args.suggestion,
        verify=args.verify, verify_epochs=args.verify_epochs, seed=args.seed,
        progress=not args.json)
    return _analysis_end(args, result)


def _add_lr_range(sub) -> None:
    p = sub.add_parser(
        "lr-range", help="learning-rate range test: ramp the rate, watch the loss, suggest",
        description="Ramp the learning rate every step (or hold each rate for some epochs: "
                    "looper), record the smoothed loss until it passes --diverge x its best, "
                    "and read "
                    "suggestions off the curve; weights and optimizer state are restored. "
                    "--json prints: dataset, mode, min_lr, max_lr, num_steps, beta, val, "
                    "seeds (a list: each seed's own ramp), n_train, suggestion, suggested_lr, "
                    "suggestions {name: {lr (median "
                    "over seeds), median_log10, iqr_log10 (null for one seed), n, per_seed}}, "
                    "divergence_lr (where the rise that stopped the test began: a ramp's "
                    "last rate within 1.2x its lowest smoothed loss so far, a looper's first "
                    "rate past 1.5x its best before), stop_lr, runs [{seed, stop_reason, "
                    "stop_lr, divergence_lr, "
                    "steps, descent (1 - the lowest smoothed loss / its first), lowest_at_end "
                    "(the curve read, trimmed, was lowest at its last point: still falling)}], "
                    "ramp_set (the suggestions, of valley and minimum, that the ramp's "
                    "--min-lr, --max-lr and --steps placed rather than the data: both when "
                    "most seeds' curves are lowest_at_end, else none), verify (null, "
                    "or {suggested_lr, best_grid_lr, best_lr (refined), "
                    "best_range_low, best_range_high (the grid rates next to the best whose "
                    "mean loss is within 2 standard errors of its own), ratio, "
                    "log10_distance, within_tolerance (the suggestion within 3x of best_lr "
                    "or inside that range; null when inconclusive), tolerance, at_grid_edge, "
                    "best_val_loss, inconclusive (no grid run beat a constant prediction of "
                    "the training set's prior or mean by 5 %, or the losses differ within "
                    "seed noise), inconclusive_reason, baseline_val_loss, "
                    "baseline_val_accuracy, grid [{lr, "
                    "val_loss, val_accuracy, diverged}]}), config, seconds, test_is_train "
                    "(true on XOR, whose validation set is its training set: the grid's "
                    f"scores are then training-set ones), report_path, {_REPORT_ERROR}.")
    # the range test's defaults (analyses.LR_RANGE_TEST_DEFAULTS) and its net's
    # (analyses.LR_RANGE_CONFIG)

    def test(argument: str) -> _PackageDefault:
        return _PackageDefault("analyses.LR_RANGE_TEST_DEFAULTS", argument)

    def config(field: str) -> _PackageDefault:
        return _PackageDefault("analyses.LR_RANGE_CONFIG", field)

    _add_net_flags(p)
    p.add_argument("--optimizer", default=config("optimizer"), names="nets.OPTIMIZERS")
    _init_flag(p, config("init"))
    _regulariser_flags(p)
    p.add_argument("--batch-size", type=int, default=config("batch_size"),
                   help="-1 means full batch")
    p.add_argument("--min-lr", type=float, default=test("min_lr"), help="first rate")
    p.add_argument("--max-lr", type=float, default=test("max_lr"), help="last rate")
    p.add_argument("--steps", type=int, default=test("num_steps"),
                   help="points of the ramp: steps (exp, linear) or rates (looper)")
    p.add_argument("--mode", default="exp",
                   help="exp (default): the rate multiplied by a constant every step; "
                        "linear: raised by a constant; looper (the course's): rates linear "
                        "within each decade, the --steps spread evenly over the decades "
                        "(--min-lr 1e-4 --max-lr 1 --steps 37: 1e-4, 2e-4, ..., 1e-3, 2e-3, "
                        "..., 1), each held --epochs-per-rate epochs")
    p.add_argument("--epochs-per-rate", type=float, default=test("epochs_per_rate"),
                   help="looper: epochs each rate is held")
    p.add_argument("--beta", type=float, default=None,
                   help="loss smoothing: a moving average over about 1 / (1 - beta) points; "
                        "default 1 - 30 / --steps (0.7 for 100 points: a thirtieth of the "
                        "ramp, so the curve lags the loss by a thirtieth of its decades; "
                        "fastai's 0.98 lags it by 50 points), 0 = none (full-batch losses "
                        "need none)")
    p.add_argument("--diverge", type=float, default=test("diverge"),
                   help=f"stop once the smoothed loss passes this x its best (default {DEFAULT}; "
                        "> 1); a looper's suggestions are read up to the first rate past 1.5x "
                        "its best before, or this x, if lower")
    p.add_argument("--val", action="store_true",
                   help="record the loss on a fixed validation batch after each step")
    p.add_argument("--val-batch", type=int, default=test("val_batch"), help="size of that batch")
    p.add_argument("--seeds", type=int, default=1, help="repeats: seeds SEED, SEED+1, ...")
    p.add_argument("--suggestion", default="valley",
                   help="the rate verified and headlined: valley (default; fastai's: half "
                        "way into the longest fall of the loss), steepest (where it falls "
                        "fastest over half a decade), minimum (the lowest loss's rate / 10) "
                        "or slide (fastai's slide rule)")
    p.add_argument("--verify", action="store_true",
                   help="train briefly at 9 rates around the suggestion (x0.1 .. x10), and "
                        "at more past an edge where the best one lies (up to x1000), each "
                        "with the test's first 2 seeds (one with --seeds 1)")
    p.add_argument("--verify-epochs", type=float, default=test("verify_epochs"),
                   help="epochs of each verification run")
    p.add_argument("--out", type=_folder_path, default=None,
                   help="report folder (default runs/lr-range/DATASET)")
    p.add_argument("--report", action=argparse.BooleanOptionalAction, default=True)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_lr_range)


# ----------------------------------------------------------------------------- capacity
@_analysis_command
def cmd_capacity(args) -> int:
    import analyses
    import nets

    base = analyses.CAPACITY_CONFIG
    if not args.activation:  # the sweep would fall back on its default unsaid
        raise ValueError("--activation '' names none: give one activation for every hidden "
                         "layer")
    # the sweep sets each net's layers: as many as activations here, so that two of them
    # reach its own check ("one activation for every hidden layer"), not TrainConfig's count
    cfg = base.replace(hidden=base.hidden[:1] * len(args.activation),
                       activation=args.activation, optimizer=args.optimizer, lr=args.lr,
                       batch_size=args.batch_size, max_epochs=args.epochs,
                       schedule=args.schedule, lr_milestones=args.lr_milestones,
                       checkpoint=args.checkpoint, init=args.init, dtype=args.dtype,
                       **_regularisers(args))
    _refuse_unread(args, ["lr_milestones"] if args.lr_milestones else [])
    nets.warn_if_units_start_alike(cfg)
    result = analyses.capacity_sweep(args.dataset, widths=args.widths, depths=args.depths,
                                     seeds=args.seeds, config=cfg, eps=args.eps,
                                     workers=args.workers, seed=args.seed,
                                     progress=not args.json)
    return _analysis_end(args, result)


def _add_capacity(sub) -> None:
    p = sub.add_parser(
        "capacity", help="widths x depths x seeds: accuracy, loss, iterations to eps, time",
        description="Train one net per width, depth and seed for the same budget (the "
                    "flags' defaults reproduce the course's coin table). --json prints: "
                    "dataset, task, widths, depths, seeds (a list: the nets' seeds), eps, "
                    "metric (accuracy, or loss for regression), "
                    "majority_share (the validation accuracy of always predicting the "
                    "training set's majority class; null for regression), baseline_val_loss (the "
                    "validation loss of always predicting the training set's mean; null "
                    "for classification), eps_above_baseline (true when eps is at or "
                    "above baseline_val_loss: a constant prediction reaches it, so iterations "
                    "to eps say nothing; null for classification or eps 0), test_is_train "
                    "(true on XOR, "
                    "whose test set is its training set: every test score is then a "
                    "training-set one), best {depth, width, val, test, test_rmse}, "
                    "sufficient_width {depth: the smallest width whose validation score "
                    "reached by at least half its seeds (not their mean) comes within the "
                    "larger of 1 % of the depth's best such score and the best's standard "
                    "deviation over seeds (for accuracy also one validation example, and "
                    "less than half the way down to majority_share; for loss less than half "
                    "the way up to baseline_val_loss, at a depth whose best mean is 5 % "
                    "below it and "
                    "below it by more than its spread over seeds; no entry for a depth "
                    "with none)}, undertrained_wider {depth: the widths wider than its "
                    "sufficient width that score worse than the depth's best by more than "
                    "that margin and fit their training set worse than the best does (likely "
                    "undertrained: the sufficient width is then provisional; no entry for a "
                    "depth with none)}, table [{depth, width, "
                    "train/val/test "
                    "accuracy and loss, val_accuracy_std, test_accuracy_std, val_loss_std, "
                    "test_loss_std, test_rmse (a regression's test RMSE in the target's "
                    "units, the mean over seeds, as the report's; else null), "
                    "accuracy_gap, loss_gap, iterations_to_eps, epochs_to_eps (medians over "
                    "the seeds that reached eps), reached_eps, n_parameters, "
                    "seconds, diverged (how many of its seeds diverged; with any, the "
                    "configuration has no scores, its accuracies, losses, stds and gaps null "
                    "though its other seeds trained, and is neither best nor sufficient; "
                    "reached_eps and the medians count the other seeds)}] (a diverged seed "
                    "in every configuration: exit code 2, no JSON), "
                    f"config, seconds, report_path, {_REPORT_ERROR}.")
    # the sweep's defaults (analyses.CAPACITY_SWEEP_DEFAULTS) and its net's
    # (analyses.CAPACITY_CONFIG)

    def sweep(argument: str) -> _PackageDefault:
        return _PackageDefault("analyses.CAPACITY_SWEEP_DEFAULTS", argument)

    def config(field: str) -> _PackageDefault:
        return _PackageDefault("analyses.CAPACITY_CONFIG", field)

    p.add_argument("--dataset", required=True, help="dataset name (see `hplab data list`)")
    p.add_argument("--widths", type=_ints, default=sweep("widths"),
                   help="neurons per hidden layer")
    p.add_argument("--depths", type=_ints, default=sweep("depths"), help="hidden layers")
    p.add_argument("--seeds", type=int, default=sweep("seeds"), help="nets per configuration")
    # a list, as the other commands take it: the sweep's own check refuses two activations
    p.add_argument("--activation", type=_names, default=config("activation"),
                   names="nets.ACTIVATIONS", help="one activation for every hidden layer")
    p.add_argument("--optimizer", default=config("optimizer"), names="nets.OPTIMIZERS")
    p.add_argument("--lr", type=float, default=config("lr"))
    p.add_argument("--batch-size", type=int, default=config("batch_size"),
                   help="-1 means full batch")
    p.add_argument("--epochs", type=float, default=config("max_epochs"),
                   help="max epochs per net")
    _init_flag(p, config("init"))
    # the schedule's settings are the config's: --schedule's rates and --lr-milestones'
    # factor say them
    schedule = p.add_argument(
        "--schedule", default=config("schedule"), names="nets.SCHEDULES",
        help=SCHEDULE_HELP.format(gamma="{lr_gamma}", steps="{lr_decay_steps}",
                                  power="{lr_power}", floor="{lr_min}", names=NAMES,
                                  texts=TEXTS))
    schedule.texts = SCHEDULE_RATES
    schedule.package_defaults = {"{%s}" % f: config(f) for f in (
        "lr_gamma", "lr_decay_steps", "lr_power", "lr_min")}
    milestones = p.add_argument(
        "--lr-milestones", type=_ints, default=config("lr_milestones"), metavar="STEPS",
        help=f"{NAMES}: steps where the rate is multiplied by {{lr_gamma}}, e.g. 100,200 "
             "(none by default: needed there)")
    milestones.names = _SettingReaders("lr_milestones")
    milestones.package_defaults = {"{lr_gamma}": config("lr_gamma")}
    p.add_argument("--checkpoint", type=float, default=config("checkpoint"),
                   help="epochs between checkpoints (the resolution of iterations to eps)")
    _regulariser_flags(p)  # how a regulariser moves the sufficient width
    p.add_argument("--eps", type=float, default=sweep("eps"),
                   help="validation loss whose first crossing is counted (0 = off)")
    _workers_flag(p, 1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--dtype", default="float32", choices=("float32", "float64"))
    p.add_argument("--out", type=_folder_path, default=None,
                   help="report folder (default runs/capacity/DATASET)")
    p.add_argument("--report", action=argparse.BooleanOptionalAction, default=True)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_capacity)


# ----------------------------------------------------------------------------- main
COMMANDS = [_add_train, _add_gradcheck, _add_data, _add_report, _add_study, _add_scaling,
            _add_predict, _add_export_onnx, _add_imbalance,
            _add_lr_range, _add_capacity]


def _subcommand(sub: argparse._SubParsersAction, path: tuple[str, ...]):
    """The parser of subcommand ``path`` (``("study", "run")``) and its one-line help."""
    parser = help_text = None
    for word in path:
        parser = sub.choices[word]
        help_text = next(a.help for a in sub._choices_actions if a.dest == word)
        if parser._subparsers is not None:
            sub = parser._subparsers._group_actions[0]
    return parser, help_text


def _commands(parser: argparse.ArgumentParser):
    """The parsers of every command under ``parser``: ``hplab study run``'s, not
    ``hplab study``'s."""
    for action in parser._subparsers._group_actions if parser._subparsers else ():
        for command in action.choices.values():
            yield from _commands(command) if command._subparsers else (command,)


# said here, not read off the docstring: ``python -OO`` (PYTHONOPTIMIZE=2) strips docstrings,
# and every command, --help included, failed with a traceback
DESCRIPTION = "hplab: the command line over nets, data, study, analyses and reports."


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="hplab", description=DESCRIPTION)
    parser.add_argument("--version", action=_VersionAction)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for add in COMMANDS:
        add(sub)
    owners: dict[str, list[str]] = {}
    for command in _commands(parser):  # its errors' lines name it as its usage errors do
        command.set_defaults(said_as=command.prog, dest_flags={
            a.dest: a.option_strings[0] for a in command._actions if a.option_strings})
        for flag in {o for a in command._actions for o in a.option_strings}:
            owners.setdefault(flag, []).append(command.prog.removeprefix("hplab "))
    _Parser.flag_owners = owners
    for path, keys in JSON_KEYS.items():
        p, said = _subcommand(sub, path)
        lead = p.description or said
        p.description = f"{lead[0].upper()}{lead[1:]}. --json prints: {keys}."
    for command in {*FIELD_FLAGS, *analysis_commands(parser)}:
        p = sub.choices[command]
        flags = {o for a in p._actions for o in a.option_strings}
        p.set_defaults(field_flags={**p.get_default("dest_flags"),
                                    **{k: f for k, f in RENAMED_FLAGS.items() if f in flags},
                                    **FIELD_FLAGS.get(command, {})})
    return parser


# A key's type is one type in every command that prints it; where a name means another
# thing elsewhere (seeds, classes), or a value holds one number or a list (best_value), its
# description says which
_BEST_VALUE = ("best_value (the best trial's value, a number; with several metrics a list, "
               "the values on every metric of the front's member best on the first)")
_STUDY_SUMMARY = (
    "study, storage (password masked), heartbeats (true when the storage keeps trial "
    "heartbeats, a database: a stopped worker's trials are failed and run again; false on "
    "a journal, which closes them as interrupted), dataset, metrics, directions, "
    "n_trials (the budget), "
    "the counts n_finished, n_complete, n_pruned, n_diverged, n_fail, n_error, "
    "n_interrupted, n_retried, n_running, n_stale (of the n_running, those whose worker "
    "stopped: no heartbeat for study.grace_period, or a process of this machine that ended; "
    "the next run or worker closes them: failed and run again where heartbeats is true, "
    "closed as interrupted on a journal (failed, one no worker entered), a new trial in "
    "each one's place), "
    f"n_waiting, {_BEST_VALUE}, "
    "best_params, best_trial "
    "(and pareto_front with several metrics), problems [{number, state, status, reason}], "
    "created (when the study was made, and a tag telling it from a later study of the same "
    "name), report_path, hplab_versions [{version, checkout, n_trials}] (the hplab "
    "versions that ran its trials, in the order of their first trial, version null for "
    "those of an hplab before trials recorded it, with the git "
    "checkout each ran from where that is other code than the version names: 12 hex "
    "digits, -dirty added for uncommitted changes, else null; two or more when it was "
    "resumed after an upgrade or from another checkout), library_versions [{python, numpy, "
    "scikit-learn, optuna, scipy, imbalanced-learn}] (the Python and library versions its "
    "trials ran on, as the study stored them, oldest first, each library named where "
    "recorded: a record from before scipy and imbalanced-learn were recorded lacks them; empty for "
    "a study from before hplab stored them; two or more when it was resumed with other "
    "libraries)")
_STOPPED = ('stopped (null, "timeout", or what stopped the run: "interrupted", "terminated", '
            '"hung up"; then no report is written and the exit code is 130, 143 or 129; '
            'seconds is then the time until the stop, waits for a lock included; stopped '
            'before the study was stored, the same keys say that none ran: every count 0, '
            'created null, seconds 0; stopped as the command starts, before it has loaded '
            'its modules and read its spec, nothing is printed)')
# a study run's time: its trials' (the report's, retraining the best trial, is said apart)
_TRIALS_SECONDS = ("seconds (the time its trials took, 0 when it started none; the report's "
                   "is not in it)")
# every command that writes a report (exit code 2 when it could not: the work is done, stored
# and printed all the same)
_REPORT_ERROR = ("report_error (null, or why the report could not be written: the exit code "
                 "is then 2, with this JSON printed all the same)")
# What each command's --json prints, said in its --help (lr-range, scaling and capacity
# say it in their own descriptions): the keys are a contract, kept from version to version
JSON_KEYS = {
    ("train",): "dataset (the name as typed; the model file and config.json hold it with "
                "absolute paths), name, seed, data_seed (the split's and a generated set's; "
                "--data-seed, else --seed), status (converged, max_epochs, early_stopped, "
                "diverged, stopped), reason, epochs, iterations, n_parameters, train_loss, "
                "train_accuracy, val_loss, val_accuracy, test_loss, test_accuracy, test_rmse "
                "and test_mae (regression, in the target's units; else null), seconds, "
                f"model_path, history_path, report_path, {_REPORT_ERROR}",
    ("gradcheck",): "dataset, relative_difference, verdict (excellent, acceptable, "
                    "suspicious or wrong: exit code 0 whatever it is), n_parameters, note "
                    "(null, or why the verdict may be the step's: --h outside 1e-7 to 1e-4; "
                    "also on stderr), and the settings checked: hidden, activation, init, "
                    "seed, n_samples (the rows checked: --samples, at most the training "
                    "split's), h, dropout, batch_norm, l2, l1",
    ("data", "list"): "a list, one object per dataset: name, kind, task, description, "
                      "features (a count), classes (a count: data show's n_classes, 0 for "
                      "regression), n_train, n_val, n_test (null where a path form's are "
                      "unknown)",
    ("data", "show"): "name, task, n_features, n_classes, classes (the labels, a list; "
                      "empty for regression), sizes {train, val, test}, "
                      "class_counts {train, val, test: a count per class, in classes' order; "
                      "null for regression}, "
                      "y_shift and y_scale (a regression target's scaling; null for "
                      "classification), info {source, "
                      "scaling, merge_scaling, pixel_max, pixel_min, test_from (where the test "
                      "split comes from: \"held out 0.2\" of the set, its own test \"file\", "
                      "\"generated\" apart by a generated set, or \"train\", the training "
                      "set itself: xor), ...; files: for csv: and npz: a list of paths "
                      "(the training file, then the test file if given), for idx: and mnist "
                      "an object {train_images, train_labels, test_images, test_labels} of "
                      "the file names read in folder (the folder's path); a CSV's ignored: "
                      "the columns ?ignore= left out}, feature_names (the columns a model "
                      "of it takes, in order)",
    ("data", "fetch"): "dataset, dest, url, verified, files [{name, bytes, sha256}]",
    ("report", "index"): "index_path, n_reports, reports [{path, kind, name, title, created, "
                         "status, headline, detail (the line under its row's headline: a "
                         "training run's settings, a study's best parameters; else null), "
                         "run (the training run it shows, a study's its best model: record, "
                         "its config.json, and from it dataset, seed, data_seed, status, "
                         "epochs, train_loss, train_accuracy, val_loss, val_accuracy, "
                         "test_loss, test_accuracy, test_rmse, test_mae, config and hplab, "
                         "the version that trained it; null for other reports), missing "
                         "(the files it links to that are not there, as named from its "
                         "folder: model.npz, report_files/...; empty when none)}], "
                         "index_error (null, or why index.html could not be written: "
                         "index_path is then null and the exit code 2, with this JSON "
                         "printed all the same; --no-write: both null, exit code 0), "
                         "unreadable (the folders and pages under DIR this user cannot read, "
                         "each named as DIR is joined to its path there, as the warning "
                         "names them: runs/bob-private, "
                         "whose reports are not listed: index.html keeps the rows it had of "
                         "them; then the config.json of listed reports this user cannot "
                         "read, or a study's best_model folder, whose run is then null)",
    ("study", "run"): f"{_STUDY_SUMMARY}, {_TRIALS_SECONDS}, {_STOPPED}, {_REPORT_ERROR}",
    ("study", "worker"): f"{_STUDY_SUMMARY}, seconds (the time its trials took, 0 when it "
                         f"started none), {_STOPPED}, report_stale (a worker "
                         "writes no report: report_path is the one study show finds, null "
                         "if none, and report_stale whether it lags the study; hplab study "
                         "report NAME rewrites it)",
    ("study", "show"): f"{_STUDY_SUMMARY}, report_stale, stopped (null, or \"timeout\": the "
                       "last run stopped at study.timeout with trials of the budget left and "
                       "none running; a study run resumes it)",
    ("study", "list"): "a list, one object per study: study, dataset, metrics, n_trials, "
                       "n_finished, n_complete, n_pruned, n_fail, n_running, n_stale (as "
                       f"study show's), {_BEST_VALUE}",
    ("study", "export"): "study, csv_path",
    ("study", "report"): "study, report_path",
    ("study", "spec"): "without NAME, specs [{name, dataset, n_trials, description, path}] "
                       "(the ready specs); with one, name, path, text",
    ("demo",): f"{_STUDY_SUMMARY}, {_TRIALS_SECONDS}, {_STOPPED}, {_REPORT_ERROR}",
    ("predict",): "model, task, classes (the labels, a list; empty for regression), dataset "
                  "(--dataset NAME as typed; --dataset alone: the model's own, with "
                  "absolute paths; null with --input), split, data_seed, data_changed, "
                  "input, n, n_shown, predictions, probabilities, labels (the truth of each "
                  "row shown: its label, or a "
                  "regression's target; null without --dataset), accuracy, rmse, mae, "
                  "loss (the split's loss as training scored it, a run's test_loss: "
                  "½·MSE of the scaled target for regression; null without --dataset), "
                  "out_path, threshold (a two-class model's: --threshold, else 0.5, its more "
                  "probable class; null for other "
                  "models), positive (a binary model's positive class, the second of "
                  "classes, with --dataset; else null) and its precision, recall, f1, "
                  "roc_auc and pr_auc (average precision; null where undefined: one class "
                  "in the split)",
    ("export-onnx",): "model, onnx_path, task, n_features, outputs, opset, dtype, input, bytes",
    ("imbalance",): "dataset, positive, ratio, ratios, metric, tune_for, sampling_ratio, "
                    "seeds (a count: the repeats, seeded from seed), seed, strategies, "
                    "net_params, ranking (no row for isolation_forest by brier: its score "
                    "is no probability) [{strategy, ratio, rank (null for a strategy that failed "
                    "or was skipped on every seed: listed after the ranked ones; exact ties, "
                    "the same mean, share the first one's rank: 1, 2, 2, 4), "
                    "metric, mean, ci_low, ci_high (a threshold metric's at 0.5: what the "
                    "rank and verdict read), tuned_mean (the same metric's mean at the tuned "
                    "threshold; a threshold-free metric's, roc_auc, pr_auc or brier, equals "
                    "mean), tuned_threshold (the mean over seeds of "
                    "each seed's validation-tuned threshold, each for its own net), status, "
                    "reason, same_as (null, or the strategy whose runs these are: the same "
                    "test probabilities on every seed, as smote_tomek's when its Tomek step "
                    "removed nothing are smote's; the printed verdicts leave it out: its twin's "
                    "speak for it), "
                    "paired_diff, paired_diff_ci_low, paired_diff_ci_high, paired_seeds (the "
                    "difference from the first ranked, seed by seed: its mean, 95 % t-interval "
                    "clipped to the differences the metric allows, and seeds), verdict "
                    "(null for the first ranked and an unranked one; else, from those: "
                    "\"not_told_apart\" (the interval includes 0), \"worse\", \"better\" "
                    "(it beat the first on the seeds both ran: a partial strategy, ranked "
                    "after it) or \"too_few_seeds\" (fewer than two shared: no interval); "
                    "without a paired interval, by its own interval against the first's)}], "
                    "metrics "
                    "(every metric per strategy and ratio, at 0.5 and at "
                    "the tuned threshold), failed, skipped, majority, accuracy_misleading, "
                    "leakage, n_runs, seconds, test_is_train (true on XOR, whose test set is "
                    "its training set: no score is then held out), "
                    f"report_path, {_REPORT_ERROR}",
}


# flags that other flags leave unread, by command: each flag's words after "has no effect"
# where they do (else None). Refused where typed, as --out with --no-report is: the run
# recorded a setting it never used
NO_EFFECT = {
    "train": {"--min-delta": lambda a: None if a.patience else
              "with --patience 0 (no early stopping: it is the gain that resets --patience)"},
    "lr-range": {
        "--epochs-per-rate": lambda a: None if a.mode == "looper" else
        f"with --mode {a.mode} (it is how long --mode looper holds each rate)",
        "--val-batch": lambda a: None if a.val else "without --val (it is the size of its batch)",
        "--verify-epochs": lambda a: None if a.verify else
        "without --verify (it is the length of its runs)"},
    "scaling": {"--reference-batch": lambda a: None if a.target is None or a.noise else
                "with --target and --no-noise (no reference runs are made)"},
}


def _refuse_no_effect(args) -> None:
    """ValueError naming each flag typed that the others given leave unread (`NO_EFFECT`)."""
    unread = NO_EFFECT.get(getattr(args, "said_as", "").removeprefix("hplab "), {})
    given = getattr(args, "given", ())  # (args of a parse's, not a script's own)
    said = [f"{flag} has no effect {why}" for flag, unused in unread.items()
            if flag.removeprefix("--").replace("-", "_") in given and (why := unused(args))]
    if said:
        raise ValueError("; ".join(said))


# The commands whose flags set the parameters of one API call (TrainConfig, an analysis),
# whose errors name those parameters: each parameter named by its flag, the flag's dest
# unless it is one of RENAMED_FLAGS or listed here (None: the command has no flag for it).
# Every analysis command (`analysis_commands`) is one, listed or not.
FIELD_FLAGS = {
    "train": {},
    # the config's lr, unused by the ramp, is --min-lr (cmd_lr_range): its checks name that
    "lr-range": {"num_steps": "--steps", "lr": "--min-lr"},
    # lr_grid's arguments: --lr-grid the count, --lr-range LOW,HIGH the pair of bounds; the
    # config's unused lr is the lowest rate (cmd_scaling)
    "scaling": {"num": "--lr-grid", "low,high": "--lr-range",
                "lr": "the lowest rate of --lrs or --lr-range"},
    "capacity": {"lr_gamma": None},
    "gradcheck": {"n_samples": "--samples"},
}
# the parameters every command that has the flag names so
RENAMED_FLAGS = {"max_epochs": "--epochs"}
# one-word parameters an API message names (_PARAMETER takes snake_case only): "lower
# weight_decay or lr" said --weight-decay but left lr as the API names it
_ONE_WORD = re.compile(r"(?<![\w/.'\"-])(lr)(?![\w/'\"-]|\.\w)")
# a parameter name in an API message: snake_case, not inside a path, file name or quotes
_PARAMETER = re.compile(r"(?<![\w/.'\"-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/'\"-]|\.\w)")
# an argument with a value, in parentheses, in an API message ("(positive=K, one of ...)",
# "(scheduler=tcp://HOST:PORT)"): the "(" and "=" mark it as one, so a one-word name is
# rewritten too (--positive K); a folder the user named lr=0.1 is not
_ASSIGNED = re.compile(r"(?<=\()([a-z][a-z0-9_]*)=(?=[^\s=])")
# a registry's unknown name ("unknown optimizer 'adamx' ..."): the kind is the parameter
# that took it, one word, so named as its flag too (a snake_case one is: --tune-for); the
# name quoted as repr quotes it ("ad'am" when it holds a ')
_UNKNOWN_KIND = re.compile(r"^unknown ([a-z]+)(?= ['\"])")
# the parameter that opens an API message ("seeds must be an integer ...", "l2 must ..."):
# _PARAMETER takes snake_case only, so a one-word one stayed as the API names it (QA: every
# other flag was named with its dashes); only a name the command has a flag for is rewritten
_LEADING = re.compile(r"^([a-z][a-z0-9_]*)(?= must )")
# the API's examples are Python tuples; the flags take 100,200
_EXAMPLE = re.compile(r"\b(e\.g\.|such as) \((\d+(?:, \d+)+)\)")


def _in_flags(message: str, args) -> str:
    """An API error ``message`` in the words of the command that ran: each parameter it
    names as the flag that sets it (--epochs, not max_epochs), examples as typed."""
    flags = getattr(args, "field_flags", None)
    if flags is None:  # study specs and files name their own keys: those stay
        return message
    # a value the user typed, quoted back after its option ("out batch_size", a folder's
    # name), stays as typed; the same word elsewhere is a parameter
    echoed = {(dest, str(v)) for dest, v in vars(args).items() if isinstance(v, str | os.PathLike)}

    def flag(match) -> str:
        name = match[0]
        before = match.string[:match.start()]
        if name not in flags or any(
                value == name and before.endswith(tuple(f"{said} " for said in (
                    dest, flags.get(dest)) if said))
                for dest, value in echoed):
            return name
        return flags[name] or f"{name} ({args.said_as} has no flag for it)"

    for pair in (name for name in flags if "," in name):  # two arguments one flag sets
        message = re.sub(rf"(?<![\w,.]){re.escape(pair)}(?![\w,])", flags[pair], message)
    message = _ASSIGNED.sub(lambda m: f"{flags[m[1]]} " if flags.get(m[1]) else m[0], message)
    message = _UNKNOWN_KIND.sub(lambda m: f"unknown {flags[m[1]]}" if flags.get(m[1]) else m[0],
                                message)
    message = _LEADING.sub(lambda m: flags.get(m[1]) or m[0], message)
    message = _PARAMETER.sub(flag, message)
    message = _ONE_WORD.sub(flag, message)
    return _EXAMPLE.sub(lambda m: f"{m[1]} {m[2].replace(', ', ',')}", message)


class _VersionAction(argparse.Action):
    """``--version``: hplab's version as the reports say it (`_version`), read only when
    asked (building the parser for another command imports no package, runs no git)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS,
                 help="show hplab's version (and the checkout it runs from) and exit"):
        super().__init__(option_strings, dest, nargs=0, default=default, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"hplab {_version()}")  # on stdout, as argparse's own
        parser.exit()


def _version() -> str:
    """hplab's version as the reports say it (`nets.version_text`): the installed version,
    and the git checkout it runs from where that is other code (an editable install's
    version stays the commit it was installed at). The installed version alone where
    nets is not hplab's own or fails to import: --version answers whatever is in the way."""
    if _shadowed_package(("nets",)) is None:
        try:
            import nets

            return nets.version_text()
        except Exception:  # a broken environment: the metadata still answers
            pass
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("hplab")
    except PackageNotFoundError:
        return "0+unknown"


def _terminate(signum, frame) -> None:
    """SIGTERM (kill, docker stop, a batch system's preemption), or SIGHUP (its terminal
    closed), stops a run as Ctrl-C does: through the SIGINT handler in place (which stops
    workers and records their trials as interrupted), else as a KeyboardInterrupt."""
    _terminated.append(signum)
    # noted first: C code may drop the KeyboardInterrupt delivered below (a Cython module's
    # import does), and a single worker's run went on to its last trial
    if held := _held_interrupts():
        held.note_stop()
    handler = signal.getsignal(signal.SIGINT)
    if callable(handler):
        handler(signal.SIGINT, frame)
    # SIGINT ignored (a background job): SIGTERM must still stop it, held where Ctrl-C
    # would be (a raise between a trial's creation and its start left it RUNNING forever
    # on a journal file, or broke into optuna's tell with a traceback)
    elif held:
        held.deliver(frame)
    else:
        raise KeyboardInterrupt


_terminated: list[int] = []  # the signals (SIGTERM, SIGHUP) that asked the command to end
# what `_stopped` says for each; Ctrl-C is "interrupted"
_ENDED_BY = {"SIGTERM": "terminated", "SIGHUP": "hung up"}
_ENDING_SIGNALS = [getattr(signal, name) for name in _ENDED_BY if hasattr(signal, name)]


def _held_interrupts():
    """``study.HeldInterrupts`` if study is imported, else None (never imported here, in a
    signal handler; getattr: the module may be half imported when the signal comes)."""
    return getattr(sys.modules.get("study._held_interrupts"), "HeldInterrupts", None)


def _forget_stop() -> None:
    """Forget a stop `_terminate` noted (`HeldInterrupts.note_stop`, and its signal in
    `_terminated`): it stopped its command only."""
    _terminated.clear()
    if held := _held_interrupts():
        held.forget_final()


def _deliver_lost_interrupt(unraisable) -> None:
    """``sys.unraisablehook``: a signal that lands while a weakref callback or a __del__
    runs (tqdm's, numpy's) raises its KeyboardInterrupt in there, where Python prints it
    and carries on (the run went on, to exit 0). It is delivered again instead, to the
    main thread's own code; once the command is done, signals are ignored, and so is it."""
    if not issubclass(unraisable.exc_type, KeyboardInterrupt):
        sys.__unraisablehook__(unraisable)
        return
    from nets import interrupt_main_soon

    # from another thread, a moment later: raised while this hook runs, it would be lost
    interrupt_main_soon(_terminated[-1] if _terminated else signal.SIGINT)


def _warning_line(message, category, filename, lineno, line=None) -> str:
    """A warning as the program prints it: one line, like its errors, opening with the
    running command's name (``hplab`` outside one); `nets.warning_line`, imported once
    a warning comes (--version imports no package)."""
    from nets import warning_line

    return warning_line(message, category, filename, lineno, line)


def main(argv: list[str] | None = None) -> int:
    as_program = argv is None
    argv = sys.argv[1:] if argv is None else list(argv)
    _forget_stop()  # an earlier command of this process (a script's, a test's) stopped
    try:
        if as_program:
            for signum in _ENDING_SIGNALS:
                # a hangup nohup (or a shell) set aside stays aside: the run outlives its terminal
                if signal.getsignal(signum) != signal.SIG_IGN or signum == signal.SIGTERM:
                    signal.signal(signum, _terminate)
            sys.unraisablehook = _deliver_lost_interrupt
            # started with stderr closed (`2>&-`, a daemon): Python sets sys.stderr to None,
            # and print(file=None) writes to stdout, so a warning line landed in front of
            # --json's object; the lines meant for stderr go nowhere instead
            if sys.stderr is None:
                sys.stderr = open(os.devnull, "w")  # the process's, open to its end
            # a name the terminal cannot encode (é under PYTHONIOENCODING=ascii) is printed
            # as \xe9: it failed a finished, saved run with exit 2
            for stream in (sys.stdout, sys.stderr):
                if hasattr(stream, "reconfigure"):
                    stream.reconfigure(errors="backslashreplace")
            # loky's resource tracker (a process of its own, started with this environment)
            # warns after a pool torn down by an error, below the command's one-line error;
            # the program's own environment only (a script calling main kept it for good)
            os.environ.setdefault("PYTHONWARNINGS", "ignore:resource_tracker:UserWarning")
            warnings.formatwarning = _warning_line
            # a Ctrl-C that lands while SQLAlchemy's pool resets or closes a connection is
            # logged there with its traceback, above the command's own "interrupted"
            logging.getLogger("sqlalchemy.pool").setLevel(logging.CRITICAL)
        # --version (or its abbreviation, --vers) imports nets only if it is hplab's own,
        # else reads the installed metadata: nothing in the packages' way stops it
        first = str(argv[0]) if argv else ""
        asks_version = len(first) > 2 and "--version".startswith(first)
        if not asks_version and (shadowed := _shadowed_package()):
            print(f"hplab: error: {shadowed}", file=sys.stderr)
            return 2
        _Parser.argv = argv
        try:  # a signal while the parser is built (it imports the registries) ends it too
            args = build_parser().parse_args(argv)
        except KeyboardInterrupt:
            return _stopped()
        args.argv = argv
        return _run_command(args, as_program)
    finally:
        # done, its output written (or its one line): a late Ctrl-C or kill would break
        # into loky's exit join with a traceback, or turn a finished command into 130
        # (a signal pending as it returned runs its handler in signal.signal, which then
        # changes nothing: its KeyboardInterrupt is dropped, the result stands, and the
        # change is made again; inline, as a helper's first line would run it outside a try)
        ignored = not as_program
        while not ignored:
            try:
                for signum in (signal.SIGINT, *_ENDING_SIGNALS):
                    signal.signal(signum, signal.SIG_IGN)
                ignored = True
            except KeyboardInterrupt:
                pass
        _forget_stop()  # the command is over (its signals aside): what runs next is not it


def _run_command(args, as_program: bool = False) -> int:
    """``args.func(args)``, its errors as one line and an exit code."""
    try:  # a signal as the command starts ends it too (QA: a traceback from this line)
        from nets import command_lines
    except KeyboardInterrupt:
        return _stopped()

    # its lines and warnings name it, in its pool's workers too; the program's own process
    # prints its warnings as lines (a script's keep the format it chose)
    # held until its work starts: an error of bad input is its one line, without the
    # warnings its data led to first
    with command_lines(getattr(args, "said_as", "hplab"), warnings_as_lines=as_program,
                       hold=as_program):
        return _run_signalled(args, as_program)


def _run_signalled(args, as_program: bool) -> int:
    signals = _SignalsSeen()
    try:
        try:
            signals.open()
        except KeyboardInterrupt:  # a signal as the command starts: it stops it
            return _stopped()
        return _run_checked(args, signals, as_program)
    finally:
        # done: a signal pending as the command returned runs its handler in here; its
        # KeyboardInterrupt is dropped, the result stands (as in main, which then sets the
        # signals aside)
        while True:
            try:
                signals.close()
                break
            except KeyboardInterrupt:
                pass


def _run_checked(args, signals: _SignalsSeen, as_program: bool) -> int:
    try:
        _refuse_no_effect(args)
        return args.func(args) or 0
    except KeyboardInterrupt:
        return _stopped()
    except BrokenPipeError:  # `hplab ... | head` closed the pipe: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no flush error
        return 141  # the shell's code for a process ended by SIGPIPE
    except USER_ERRORS as exc:
        # a signal that came out as an extension's ValueError (its cause kept, or not)
        if _interrupt_in(exc) or signals.stopping():
            return _stopped()
        # a bug's ValueError too; and one raised importing a module (no input of the
        # user's is read there: Python 3.13 refusing a docstring said "bad input", exit 2)
        if os.environ.get("HPLAB_DEBUG", "0") not in ("", "0") or _raised_importing(exc):
            raise
        # escaped: a message may quote a stored name (studies there: ...) that holds one
        from nets import drop_held_warnings, error_line, os_error_line

        drop_held_warnings()  # bad input: one line

        # an OSError in words, naming its file: "[Errno 28] ...: 'a.csv'" read as a crash
        message = _escaped(os_error_line(exc) if isinstance(exc, OSError)
                           else error_line(exc))
        # files' and data's errors name what the data holds (a column batch_size, a file
        # named warmup_steps), never a parameter: they stay as they are (a DataError comes
        # only from data, so only once it was imported)
        data_module = sys.modules.get("data")
        if data_module and isinstance(exc, data_module.DataError):
            # but data's own arguments open its messages ("seed must be ..."; a name's
            # options are "option seed=..."): said as the flags that set them
            message = _LEADING.sub(lambda m: args.dest_flags.get(m[1]) or m[0], message)
        elif not isinstance(exc, OSError):
            message = _in_flags(message, args)
        print(f"{args.said_as}: error: {message}", file=sys.stderr)
        return 2
    except MemoryError as exc:  # sizes asked for beyond this machine (--steps 1e9...)
        from nets import drop_held_warnings

        drop_held_warnings()
        detail = " ".join(str(exc).split())
        print(f"{args.said_as}: error: out of memory{f' ({detail})' if detail else ''}; "
              "ask for fewer or smaller runs", file=sys.stderr)
        return 2
    except Exception as exc:
        # a signal while a C extension initialises (matplotlib's ft2font, in a lazy import)
        # comes out as that import's error, the KeyboardInterrupt only its cause
        if not _interrupt_in(exc):
            raise
        if as_program and isinstance(exc, ImportError):
            _exit_now(_stopped())
        return _stopped()


def _stopped() -> int:
    """One line for a command a signal stopped, and the shell's exit code for it: 128 +
    the signal (SIGTERM 143, SIGHUP 129), 130 for Ctrl-C. The warnings the command held
    come before it: the stop is the last line."""
    from nets import release_warnings

    with contextlib.suppress(OSError):  # a closed terminal's stderr fails (EIO)
        release_warnings()
        print(f"hplab: {_ended_by()}", file=sys.stderr)
    return 128 + _stop_signal()


def _stop_signal() -> int:
    """The signal that stopped the command: the last SIGTERM or SIGHUP, else Ctrl-C's."""
    return _terminated[-1] if _terminated else signal.SIGINT


def _ended_by() -> str:
    """What stopped the command: "interrupted" (Ctrl-C), "terminated" or "hung up"."""
    return _ENDED_BY.get(signal.Signals(_stop_signal()).name, "interrupted")


def _exit_now(code: int) -> None:
    """End the program without the interpreter's last clean-up, after atexit's functions
    (which run before it anyway): an extension module whose initialisation a signal broke
    crashes it ("Fatal Python error: PyThreadState_Get", exit 134, for matplotlib's)."""
    for signum in (signal.SIGINT, *_ENDING_SIGNALS):
        signal.signal(signum, signal.SIG_IGN)  # done: a second signal changes nothing
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    atexit._run_exitfuncs()
    os._exit(code)


# hplab's own packages, top-level beside hplab.py: an error raised as one of their modules
# is imported is a bug
_PACKAGE_NAMES = ("nets", "data", "study", "analyses", "reports")
_HERE = Path(__file__).resolve().parent
_OWN_PACKAGES = tuple(str(_HERE / name) + os.sep for name in _PACKAGE_NAMES)


def _shadowed_package(names: tuple[str, ...] = _PACKAGE_NAMES) -> str | None:
    """One line naming what stands in for one of hplab's packages, and its fix; None when
    each is hplab's own.

    The packages' names are generic (data, study, reports...): a user's ``data.py`` or
    ``data/`` in the current folder (``python -m hplab`` looks there first) or on
    PYTHONPATH, or another distribution's ``data`` package installed over hplab's, broke
    every command with an AttributeError traceback that read as hplab's bug. Cheap, for
    every start-up: the packages are found, not imported (in place of ``find_spec``'s, a
    module already imported is its own ``__spec__``). ``names``: those packages only.
    """
    import importlib.util

    recorded = None
    for name in names:
        own = _HERE / name / "__init__.py"
        try:
            spec = importlib.util.find_spec(name)
        except ValueError:  # a module made in memory, with no spec: not hplab's
            found = getattr(sys.modules.get(name), "__file__", None) or "a module in memory"
            return f"{found} shadows hplab's package {name}: {_SHADOW_FIX}"
        origin = spec and spec.origin and Path(spec.origin)
        if spec is not None and origin is None:  # a namespace package: folders, no __init__
            # a user's plain data/ folder of CSVs, found before an editable install's
            # finder: the folder in the way, not hplab's, was named missing
            folders = [Path(f) for f in spec.submodule_search_locations or ()]
            if (_HERE / name).resolve() not in {f.resolve() for f in folders} and folders:
                return f"{folders[0]} (a folder) shadows hplab's package {name}: {_SHADOW_FIX}"
        if spec is None or origin is None:  # none, or hplab's own folder without __init__
            return (f"hplab's {own} is missing (an uninstall of another distribution's "
                    f"{name} package removes it): pip install --force-reinstall hplab")
        if origin.resolve() != own.resolve():
            shown = origin.parent if origin.name == "__init__.py" else origin
            return f"{shown} shadows hplab's package {name}: {_SHADOW_FIX}"
        if recorded is None:
            recorded = _recorded_hashes()
        if name in recorded and _file_hash(own) not in recorded[name]:
            return (f"{own} is not hplab's: another distribution installed a package named "
                    f"{name} over it; uninstall that one, then pip install --force-reinstall "
                    "hplab")
    return None


_SHADOW_FIX = ("rename it, or run hplab where it is not on Python's path (the current "
               "folder, under python -m; PYTHONPATH)")


def _recorded_hashes() -> dict[str, set[str]]:
    """The hashes hplab's installs recorded for each package's ``__init__.py`` (a dist-info
    RECORD beside hplab.py: a wheel's install), by package name; none from a checkout.

    Every hplab RECORD there counts: ``pip install --target DIR --upgrade`` leaves the old
    version's dist-info beside the new one, and the first RECORD in directory order (the
    stale one, at times) called hplab's own file another distribution's.
    """
    found: dict[str, set[str]] = {}
    for record in _HERE.glob("hplab-*.dist-info/RECORD"):
        for line in record.read_text("utf-8", errors="replace").splitlines():
            path, _, rest = line.partition(",")
            package, _, file = path.partition("/")
            if file == "__init__.py" and package in _PACKAGE_NAMES:
                found.setdefault(package, set()).add(rest.partition(",")[0])
    return found


def _file_hash(path: Path) -> str:
    """``path``'s hash as a RECORD writes it (sha256=, URL-safe base64 without padding)."""
    import base64
    import hashlib

    digest = hashlib.sha256(path.read_bytes()).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _raised_importing(exc: BaseException) -> bool:
    """Whether ``exc`` came from the body of one of hplab's own modules, as it was imported
    (a lazy import). Another library's may read the user's settings there (matplotlib
    checks MPLBACKEND): bad input still."""
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_name == "<module>" and code.co_filename.startswith(_OWN_PACKAGES):
            return True
        tb = tb.tb_next
    return False


def _interrupt_in(exc: BaseException) -> bool:
    """Whether a KeyboardInterrupt is among ``exc``'s causes (``raise ... from``, or an
    exception raised while handling it)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


if __name__ == "__main__":
    sys.exit(main())
