"""A command's errors in its flags' words: an API message's parameters named as the flags
that set them, and the flags typed that the others leave unread refused."""

import os
import re

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


def refuse_no_effect(args) -> None:
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
LEADING = re.compile(r"^([a-z][a-z0-9_]*)(?= must )")
# the API's examples are Python tuples; the flags take 100,200
_EXAMPLE = re.compile(r"\b(e\.g\.|such as) \((\d+(?:, \d+)+)\)")


def in_flags(message: str, args) -> str:
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
    message = LEADING.sub(lambda m: flags.get(m[1]) or m[0], message)
    message = _PARAMETER.sub(flag, message)
    message = _ONE_WORD.sub(flag, message)
    return _EXAMPLE.sub(lambda m: f"{m[1]} {m[2].replace(', ', ',')}", message)
