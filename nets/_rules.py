"""Rules a setting's value must follow: ``(check, message)`` pairs, shared by
`TrainConfig`'s validation and the optimizers' constructors (one rule, one message)."""

from __future__ import annotations

import difflib
import math
import os

import numpy as np

from ._printable import short_repr


def unknown_name(kind: str, name, valid, meant: str | tuple[str, ...] | None = None) -> str:
    """``"unknown <kind> <name!r> (did you mean <a close one>?); valid: <names>"``: the one
    shape of every nets registry's unknown-name error (the hint only where a valid name is
    close, case aside, or ``meant``: a registry's word for another name of one of its
    own, or a tuple of the names it may stand for, hinted "'a' or 'b'"). data's datasets
    say it in the same words in their own code: nets and data import none of the other
    packages, so neither can share this one.

    Parameters
    ----------
    kind : str
        What the name names (``"optimizer"``, ``"activation"``...).
    name : object
        The name given.
    valid : iterable of str
        The valid names.
    meant : str or tuple of str, optional
        As above.
    """
    names = [str(n) for n in valid]
    lowered = {n.lower(): n for n in names}
    meant = (meant,) if isinstance(meant, str) else meant
    close = ([m.lower() for m in meant] if meant else
             difflib.get_close_matches(name.lower(), list(lowered), n=1)
             if isinstance(name, str) else [])
    offered = " or ".join(repr(lowered[c]) for c in close)
    hint = f" (did you mean {offered}?)" if close else ""
    return f"unknown {kind} {name!r}{hint}; valid: {', '.join(names)}"


def check_type(name: str, value, kind, wanted: str):
    """``value``, if it is a ``kind``; else TypeError ``"<name> must be <wanted>, got
    <type>"`` (a dict or a name given for an object failed deep inside, as "'dict' object
    has no attribute 'replace'"), the type as `got_type` names it.

    Parameters
    ----------
    name : str
        The argument's name, for the message.
    value : object
        What was passed.
    kind : type or tuple of type
        What it must be an instance of.
    wanted : str
        ``kind`` in words (``"a nets.TrainConfig"``).
    """
    if not isinstance(value, kind):
        raise TypeError(f"{name} must be {wanted}, got {got_type(value, kind)}")
    return value


def got_type(value, kind) -> str:
    """The name of ``value``'s type, for a TypeError's "got ...".

    Parameters
    ----------
    value : object
        What was given.
    kind : type or union of types
        What was wanted. Where ``value``'s type has the name and module of one of them but
        is another class, it comes from an earlier import of that module, which IPython's
        ``%autoreload`` or ``importlib.reload`` replaced: "must be a nets.TrainConfig,
        got TrainConfig" left the user stuck, so it says so.

    Returns
    -------
    str
        ``TrainConfig``, or ``TrainConfig from an earlier import of nets (a module
        reload?): restart the interpreter or kernel``.
    """
    got = type(value)
    for wanted in getattr(kind, "__args__", None) or (kind,):
        if (isinstance(wanted, type) and wanted is not got
                and wanted.__qualname__ == got.__qualname__
                and wanted.__module__ == got.__module__):
            package = got.__module__.partition(".")[0]
            return (f"{got.__name__} from an earlier import of {package} (a module "
                    "reload?): restart the interpreter or kernel")
    return got.__name__


#: what building a net for a dataset reads of it (`seeded_net`, `trivial_baseline`)
DATASET_FIELDS = ("n_features", "y_train", "y_val", "n_classes", "task")


def check_dataset(ds, fields=DATASET_FIELDS, name: str = "ds", *, or_name: bool = False):
    """``ds`` if it has every one of ``fields`` (a `data.Dataset`'s, which nets cannot
    import: known by its fields); else TypeError saying how to load one (a name failed
    deep inside, as "'str' object has no attribute 'n_features'"). ``or_name``: the
    caller takes a dataset's name too (and checks a str itself). A path is named by the
    name that loads its file (`loadable_name`): data.load('d.csv') is an unknown dataset.

    Parameters
    ----------
    ds : object
        What was passed.
    fields : tuple of str, default ("n_features", "y_train", "y_val", "n_classes", "task")
        The attributes it must have.
    name : str, default "ds"
        The argument's name, for the message.
    or_name : bool, default False
        As above.
    """
    if or_name and isinstance(ds, str) or all(hasattr(ds, f) for f in fields):
        return ds
    got = type(ds).__name__
    if or_name:
        hint = (f" (a file is named by its kind: {short_repr(loadable_name(ds))})"
                if isinstance(ds, os.PathLike) else "")
        raise TypeError(f"{name} must be a dataset name or a loaded dataset (a data.Dataset), "
                        f"got {got}{hint}")
    given = short_repr(loadable_name(ds)) if isinstance(ds, str | os.PathLike) else "name"
    raise TypeError(f"{name} must be a loaded dataset (load it first: data.load({given})), "
                    f"got {got}")


#: the kinds a file's dataset name starts with (``csv:d.csv``), as data names them
FILE_KINDS = ("csv", "npz", "idx")


def loadable_name(path) -> str:
    """The dataset name that loads the file ``path`` (a str or path): ``"csv:d.csv"`` for
    ``d.csv`` (``npz:`` for a .npz, ``idx:`` for a folder), a name that is one already (``"xor"``,
    ``"csv:d.csv"``) as given. data.load takes a file only by such a name.

    Parameters
    ----------
    path : str or os.PathLike
        A file, a folder or a dataset name.
    """
    text = os.fsdecode(path)
    if not isinstance(path, os.PathLike):
        base = text.strip().partition("?")[0]
        if base.partition(":")[0].lower() in FILE_KINDS or not base.lower().endswith(
                (".csv", ".npz")):
            return text
    kind = ("idx" if os.path.isdir(text) else  # a folder of MNIST-format files
            "npz" if text.lower().endswith(".npz") else "csv")
    return f"{kind}:{text}"


def look_up(kind: str, registry: dict, name):
    """``registry[name]``, else a ValueError `unknown_name` (a name that cannot be a key,
    such as a list, too)."""
    try:
        return registry[name]
    except (KeyError, TypeError):
        raise ValueError(unknown_name(kind, name, registry)) from None


def check_tables(kind: str, registry: dict, tables: dict, where: str) -> None:
    """LookupError naming the first entry of ``registry`` (a schedule, an initializer)
    missing from one of ``tables`` (``{"RATES": RATES, ...}``, kept beside it in
    ``where``), as ``import nets`` checks them: a missing entry otherwise died later as a
    bare KeyError (at import, even for --help) or left a help text without its words."""
    for name, value in registry.items():
        for table_name, table in tables.items():
            if value not in table:
                raise LookupError(f"{kind} {name!r} has no {table_name} entry in {where}")


def choice(registry):
    return (lambda v: v in registry, f"must be one of {', '.join(registry)}")


positive = (lambda v: v > 0 and math.isfinite(v), "must be a finite number > 0")
nonneg = (lambda v: v >= 0 and math.isfinite(v), "must be a finite number >= 0")
unit = (lambda v: 0 <= v < 1, "must be in [0, 1)")

#: The most epochs one run may ask for: 100 times the course's longest (coin's widths,
#: 10 000 epochs). Beyond it a number is a typo, not a run: ``--epochs 1e99`` trained on for
#: good, with no word, where it had no loss to stop at.
MAX_EPOCHS = 1_000_000
#: The most hidden layers a net may have, far past the course's two or three. A net is
#: built and stepped a layer at a time in Python; QA: a depth of 10**8 (a typo) sat building
#: its layers with no word, and 10**30 failed as "cannot fit 'int' into an index-sized
#: integer", naming no setting.
MAX_DEPTH = 1_000
#: the rule of every count of epochs (a run's length, an analysis's epochs per run or per
#: rate, a study's max_epochs): fractions allowed, as a run's max_epochs
epochs = (lambda v: 0 < v <= MAX_EPOCHS,
          f"must be a finite number > 0, at most {MAX_EPOCHS:,} epochs")


def check_epochs(name: str, value) -> float:
    """``value``, if it follows the `epochs` rule; else ValueError ``"<name> must be a
    finite number > 0, at most 1,000,000 epochs, got <value>"``: the one
    check of every count of epochs outside `TrainConfig` (which holds the same rule).

    Parameters
    ----------
    name : str
        The setting's name, for the message.
    value : object
        Its value.
    """
    check_setting(name, value, epochs)
    return value


def or_default(rule):
    """``rule``, with None allowed (the optimizer's own default)."""
    ok, message = rule
    return (lambda v: v is None or ok(v), message)


def check_setting(name: str, value, rule) -> None:
    """ValueError ``"<name> <message>, got <value>"`` unless ``value`` follows ``rule``
    (a value the check cannot compare breaks it: a string for a number, and an array,
    whose comparison is no True or False: NumPy's "truth value of an array ... is
    ambiguous" came out, and a one-element array passed as a number)."""
    ok, message = rule
    try:
        # True is 1 to Python: max_epochs=True trained one epoch (no setting is a bool);
        # an array is no number, whatever NumPy makes of it (1.26 reads a one-element
        # array as its number, with a DeprecationWarning; 2.4 refuses)
        good = (not isinstance(value, bool | np.bool_)
                and not (isinstance(value, np.ndarray) and value.ndim) and ok(value))
        good = isinstance(good, bool | np.bool_) and bool(good)
    except (TypeError, ValueError):
        good = False
    if not good:
        raise ValueError(f"{name} {message}, got {value!r}")
