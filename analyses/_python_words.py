"""Advice in an analysis command's flags, reworded for a reader who ran the analysis from
Python: each flag becomes the argument of the analysis function that it sets
(`in_python_words`). Reports and errors say their advice once, in the flags; a report
written without a command (from Python) passes it through here."""

from __future__ import annotations

import contextlib
import contextvars
import functools
import re
from collections.abc import Callable
from typing import ParamSpec, TypeVar

_P = ParamSpec("_P")
_R = TypeVar("_R")

#: per analysis command, what its flags are called in its function's arguments where that
#: is not the flag's name undashed (the command line's FIELD_FLAGS and RENAMED_FLAGS read the other
#: way). A key may be a whole phrase: a flag with no argument of its own (scaling's
#: --lr-range and --lr-grid only build ``lrs``) is reworded with the words around it
ARGUMENTS = {
    "lr-range": {"--steps": "num_steps"},
    "capacity": {"--epochs": "the config's max_epochs", "--lr": "the config's lr"},
    "scaling": {"(--lr-range LOW,HIGH, or --lrs)": "(lrs)",
                "--lrs or --lr-range": "lrs",
                "(hplab scaling: --no-noise)": "(noise=False)",
                "--no-noise": "noise=False",
                "--target-metric val_loss": "target_metric='val_loss'",
                "--epochs": "max_epochs"},
    "imbalance": {"e.g. --ratio 1:50 or --ratio 1:10,1:50": "e.g. ratios='1:50' or "
                  "ratios=['1:10', '1:50']",
                  "--ratio": "ratios", "--epochs": "net_params' max_epochs",
                  "--leakage-demo": "leakage_demo=True"},
}

_FLAG = re.compile(r"--([a-z][a-z-]*)")


def in_python_words(text: str, command: str) -> str:
    """``text``, advice in ``hplab COMMAND``'s flags, with each flag as the argument of the
    analysis function it sets ("raise --max-lr" -> "raise max_lr"; lr-range's "--steps"
    -> "num_steps").

    Parameters
    ----------
    text : str
        The advice.
    command : str
        The analysis command (``"lr-range"``, ``"scaling"``...).
    """
    renamed = ARGUMENTS[command]
    for phrase in (k for k in renamed if " " in k):  # before their flags are reworded
        text = text.replace(phrase, renamed[phrase])
    return _FLAG.sub(lambda m: renamed.get(m[0], m[1].replace("-", "_")), text)


#: An hplab command line: ``hplab ...`` (a path to it too, or ``python -m hplab``), after
#: the ``cd DIR && `` a study's command starts with
_HPLAB_LINE = re.compile(r"\s*(cd\s.*?&&\s*)?(\S*/)?(hplab|python\S*\s+-m\s+hplab)(\s|$)")


def is_hplab_line(written_by) -> bool:
    """Whether ``written_by``, the command a report was given, is an hplab command line,
    whose flags its advice can name (``"python my_experiment.py"`` has none).

    Parameters
    ----------
    written_by : str or None
        As above.
    """
    return isinstance(written_by, str) and _HPLAB_LINE.match(written_by) is not None


def words_for(command: str, written_by: str):
    """The rewording a report's advice needs: none when ``written_by`` (the command that
    ran the analysis) is an ``hplab`` command line (`is_hplab_line`), the CLI's own words;
    else (none, or a script's ``python my_experiment.py``) `in_python_words`.

    Parameters
    ----------
    command : str
        The analysis command (``"lr-range"``, ``"scaling"``...).
    written_by : str or None
        As above.
    """
    if is_hplab_line(written_by):
        return lambda text: text
    return lambda text: in_python_words(text, command)


# set while the command line runs an analysis: its errors keep the command's flags
_FLAGS_SAID = contextvars.ContextVar("hplab_flags_said", default=False)


@contextlib.contextmanager
def flags_in_errors():
    """Within this block, the errors of `errors_in_python_words` functions name the
    command's flags, as the command line that runs them wants."""
    token = _FLAGS_SAID.set(True)
    try:
        yield
    finally:
        _FLAGS_SAID.reset(token)


def errors_in_python_words(command: str
                           ) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Decorate the analysis function of ``hplab COMMAND``: the advice of a ValueError it
    raises (in the command's flags, said once) names its arguments instead
    (`in_python_words`), unless it runs within `flags_in_errors`. Typed to keep the
    function's signature: a type checker saw each analysis as ``Any``."""

    def decorate(function: Callable[_P, _R]) -> Callable[_P, _R]:
        @functools.wraps(function)
        def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            try:
                return function(*args, **kwargs)
            except ValueError as error:
                said = error.args[0] if error.args else None
                if not _FLAGS_SAID.get() and isinstance(said, str) and "--" in said:
                    error.args = (in_python_words(said, command), *error.args[1:])
                raise

        return run

    return decorate
