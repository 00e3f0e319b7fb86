"""hplab's argparse: its help formatter (the placeholders of `_help_texts` filled when
shown) and its parser (one-line errors naming another command's flag or the nearest one,
exit 2)."""

import argparse
import difflib
import os
import re
import sys

from ._converters import repeated_list
from ._help_texts import (
    DATA_NAME_OPTIONS,
    DEFAULT,
    ENDINGS,
    FLAG_HELP,
    NAMES,
    NOT_TAKEN_WHY,
    OTHER_NAMES,
    SEED_HELP,
    TEXTS,
)
from ._help_values import PackageDefault, RegistryNames, package_defaults


class _Formatter(argparse.HelpFormatter):
    """argparse's help, with a registry's names where a flag's help says {names}, what
    each does where it says {texts}, and the defaults a package holds where it says
    {default} (or another placeholder of the flag's `PackageDefault`s)."""

    def _get_help_string(self, action):
        text = super()._get_help_string(action)
        for placeholder, lazy in ((NAMES, getattr(action, "names", None)),
                                  (TEXTS, getattr(action, "texts", None)),
                                  *package_defaults(action).items()):
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


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors (no usage dump) and exit code 2."""

    argv: list[str] = []  # the command line being parsed (set by parse_command)
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
        self._given, self._typed = set(), {}
        namespace, extras = super().parse_known_args(args, namespace)
        for action in self._actions:  # a default a package holds: read now, for the run
            default = action.default
            if isinstance(default, PackageDefault) and getattr(
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
        value = super()._get_values(action, arg_strings)
        if said := repeated_list(action, self._typed, arg_strings, value):
            self.error(said)
        return value

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
            action.names = RegistryNames(names)
        default, text = action.default, action.help or ""
        # every flag's help gives its default: they differ between commands (batch size
        # 10 for train, 32 for lr-range; workers 1, the demo's 2)
        if (isinstance(default, PackageDefault) and text is not argparse.SUPPRESS
                and "default" not in text):  # read when the help is shown
            action.help = f"{text} (default {DEFAULT})"
        # a store_false flag's default True is the flag not given: "--no-report ... (default
        # True)" read as no report by default
        elif (action.option_strings and all(default is not v for v in (None, False,
                                                                        argparse.SUPPRESS))
                and not isinstance(action, argparse._StoreFalseAction)
                and text is not argparse.SUPPRESS and "default" not in text):
            shown = ",".join(map(str, default)) if isinstance(default, tuple) else default
            action.help = f"{text} (default {str(shown).replace('%', '%%') or 'none'})"
        return action

    def _print_message(self, message, file=None):
        # argparse drops a write's OSError: --help to a full disk or a closed pipe ended in
        # exit 0, the help lost without a word (QA); said as a command's stdout is
        if not message or sys.stdout is None or file not in (None, sys.stdout):
            return super()._print_message(message, file)
        try:
            sys.stdout.write(message)
            sys.stdout.flush()
        except BrokenPipeError:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no flush error
            sys.exit(141)  # the shell's code for SIGPIPE
        except OSError as exc:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            self.exit(2, f"{self.prog}: error: cannot write standard output: "
                         f"{exc.strerror}\n")

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
                # another tool's name for one of this command's flags (--output, --n-jobs),
                # too far from it for difflib (QA: "unrecognized argument --output", no hint)
                if not close and OTHER_NAMES.get(typos[0]) in known:
                    close = [OTHER_NAMES[typos[0]]]
                # where this command says why it has no such flag (export-onnx's --out: the
                # graph's file is its argument), that for the other name too (QA:
                # 'export-onnx M --output G.onnx' was told nothing, '--out' the argument)
                why = None if close else NOT_TAKEN_WHY.get(
                    (self.prog.removeprefix("hplab "), OTHER_NAMES.get(typos[0])))
                message = (f"unrecognized argument {typos[0]}"
                           + (f" (did you mean {close[0]}?)" if close else "")
                           + (f": {why}" if why else ""))
            elif (commands := self._missing_command(message)) is not None:
                # argparse names the subcommand by its dest ("study_command")
                message = f"missing command: one of {', '.join(commands)}"
            elif dashed := [a for a in self._before_dashes() if a.startswith("-")
                            and a not in known
                            and not a.startswith("--") and a != "-"
                            and not _NEGATIVE_NUMBER.match(a)]:
                # QA: `study run -x.toml` (a study named -x) was told "the following
                # arguments are required: spec", the spec given
                from nets import shell_word

                message += (f" ({dashed[0]} reads as a flag: a name or file that starts with "
                            f"'-' goes last, after --: {self.prog} ... -- "
                            f"{shell_word(dashed[0])})")
        elif message.endswith(": expected one argument") and (
                value := self._dashed_value(message)) is not None:
            # QA: `train --name -x` said only "expected one argument"
            from nets import shell_word

            flag = message.removeprefix("argument ").partition(": ")[0].split("/")[-1]
            message += f" ({flag}={shell_word(value)} gives one that starts with '-')"
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
        why = NOT_TAKEN_WHY.get((command, flag)) or self._in_the_name(flag)
        if why is None:  # a flag's own why says which of the command's to give instead
            why = NOT_TAKEN_WHY.get(command)
            close = close or difflib.get_close_matches(flag, known, n=1, cutoff=0.8)  # --seed
        else:
            close = []
        offered = ", ".join(close[:-1]) + f" or {close[-1]}" if len(close) > 1 else "".join(close)
        return (f"{command} does not take {flag} (a flag of {listed})"
                + (f": {why}" if why else "") + (f"; did you mean {offered}?" if close else ""))

    def _in_the_name(self, flag: str) -> str | None:
        """data show's flag of a dataset option (--scaling), given to a command that loads
        its data by name: how to give it there, from what was typed (QA: "train does not
        take --scaling (a flag of data show)", no word of coin?scaling=standard)."""
        # not the study commands' --data: the study's spec holds its dataset's options
        key = DATA_NAME_OPTIONS.get(flag)
        if key is None or "--dataset" not in self._option_string_actions:
            return None
        if key == "":  # not an option of the name
            return "set HPLAB_DATA=DIR in the environment: where downloaded data is read"

        def typed(name: str, default: str) -> str:
            for i, arg in enumerate(self.argv):
                if arg.startswith(f"{name}="):
                    return arg.partition("=")[2]
                if arg == name and i + 1 < len(self.argv):
                    return self.argv[i + 1]
            return default

        # every such flag typed, not the first alone: 'train --imbalance 1:50 --positive 8'
        # was told 'digits?imbalance=1:50', refused in turn for want of positive
        given = [f for f in dict.fromkeys(a.partition("=")[0] for a in self.argv)
                 if DATA_NAME_OPTIONS.get(f) and f not in self._option_string_actions]
        options = "&".join(f"{DATA_NAME_OPTIONS[f]}="
                           + ("1" if f == "--merge-scaling" else typed(f, "VALUE"))
                           for f in given or [flag])
        name = typed("--dataset", "NAME")
        return (f"a dataset option, given in the name: --dataset "
                f"'{name}{'&' if '?' in name else '?'}{options}'")

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

    def _before_dashes(self) -> list[str]:
        """The command line up to its ``--``: the words after it are operands."""
        return self.argv[:self.argv.index("--")] if "--" in self.argv else self.argv

    def _dashed_value(self, message: str) -> str | None:
        """The word after the flag of argparse's "argument --name: expected one argument"
        where it starts with '-' and is no flag of this command: a value, such as a name -x,
        argparse took for a flag; else None."""
        flags = message.removeprefix("argument ").partition(": ")[0].split("/")
        words = self._before_dashes()
        for i, arg in enumerate(words[:-1]):
            after = words[i + 1]
            if arg in flags and after.startswith("-") and after != "--" \
                    and after.split("=")[0] not in self._option_string_actions:
                return after
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
