"""The flags' types: a flag's text as its command takes it, or argparse's one-line error."""

import argparse


def ints(text: str) -> tuple[int, ...]:
    try:
        # "" is no hidden layer; "2,,3" is a typo, not (2, 3)
        return tuple(int(t) for t in text.split(",")) if text.strip() else ()
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated integers, got {text!r}") from None


def int_or_float(text: str) -> int | float:
    """A number as typed: 50 an int (as before fractions were taken), 3333.3 a float."""
    # here, not above: building the parser imports no nets (a --help stays quick); a
    # command given this flag trains a net, and imports nets anyway
    from nets import parse_number

    number = parse_number(text)
    if number is None:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}")
    return number


def names(text: str) -> tuple[str, ...]:
    parts = tuple(t.strip() for t in text.split(",")) if text.strip() else ()
    if not all(parts):  # "none,,smote" is a typo, as with ints
        raise argparse.ArgumentTypeError(f"expected comma-separated names, got {text!r}")
    return parts


def path(text: str) -> str:
    """A path flag's value, ``~`` expanded as a dataset's files and ``--storage`` are
    (`data.expand_home`): ``--out=~/x`` and a quoted ``'~/x'`` reach hplab unexpanded
    by the shell, and wrote into a folder named ``~`` here, printed as ``~/x``."""
    if not text.startswith("~"):  # most paths: without importing data
        return text
    import data

    return str(data.expand_home(text))


def given(kind: str, then=str):
    """A flag type refusing a blank value, for a flag with a default: ``--out ''`` (an
    unset ``$OUT``) fell back to the default and replaced runs/train/DATASET's model."""
    # named as its factory: argparse names a type by it ("invalid given value")
    def given(text: str):
        if not text.strip():
            raise argparse.ArgumentTypeError(f"expected {kind}, got {text!r}; leave the flag "
                                             "out for its default")
        return then(text)
    return given


# an output or data folder with a default: --out, --data-dir, --dest
folder_path = given("a path", path)


def workers(text: str) -> int:
    # checked here, not by the API, whose message names its argument (workers), not the flag
    n = _int_or_none(text)
    if n is None or (n < 1 and n != -1):
        raise argparse.ArgumentTypeError(
            f"expected an integer >= 1 (or -1 for every core), got {text!r}")
    return n


def trials(text: str) -> int:
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


def floats(text: str) -> tuple[float, ...]:
    try:
        # "0.1,,1" is a typo, as with ints
        return tuple(float(t) for t in text.split(",")) if text.strip() else ()
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated numbers, got {text!r}") from None


def repeated_list(action, typed: dict, arg_strings: list[str], value) -> str | None:
    """The error for a list flag (its value a tuple: --widths 4,8) given again; None for
    its first, or a flag of one value, whose last is the one taken (argparse's way: a
    script's defaults overridden after them). QA: ``--widths 4,8 --widths 16`` swept 16
    alone, the first list dropped without a word. ``typed``: each flag's first text."""
    if not action.option_strings or len(arg_strings) != 1:
        return None
    if action.dest not in typed:
        typed[action.dest] = (arg_strings[0], value)
        return None
    text, before = typed[action.dest]
    if not (isinstance(value, tuple) or isinstance(before, tuple)):
        return None
    # no joined list offered: --hidden 2 --hidden 3 may mean 3, not the layers 2,3
    return (f"{max(action.option_strings, key=len)} given twice ({text!r}, then "
            f"{arg_strings[0]!r}): give it once, its values comma-separated")
