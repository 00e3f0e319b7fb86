"""Jinja2 environment for the report templates (autoescape always on)."""

from __future__ import annotations

import re
from functools import cache

import jinja2
import markupsafe

import nets


@cache
def _env() -> jinja2.Environment:
    # autoescape=True for every template: run names, paths and parameter values are
    # user-supplied and must never become markup.
    env = jinja2.Environment(
        loader=jinja2.PackageLoader(__package__, "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        finalize=_printable,
    )
    env.filters["flags_unbroken"] = _flags_unbroken
    # for text made Markup before it prints (a column name broken at its underscores)
    env.filters["printable"] = _printable
    return env


def _printable(value):
    """Each value a template prints, its control and bidi characters written as escapes
    (``\\x1b``): autoescape leaves them, and a study name another client stored printed
    ESC into the page, or reversed the text after it ("rtl\\u202eexe.txt" shown as
    "rtltxt.exe"). Markup (figures, tables) is the report's own and passes as it is."""
    if not isinstance(value, str) or isinstance(value, markupsafe.Markup):
        return value
    return nets.escaped(value, keep="\t\n\r")  # whitespace to a page


_FLAG = re.compile(r"(?<![\w-])--?[A-Za-z][\w-]*")  # --lrs, --lr-range, -n


def _flags_unbroken(text) -> markupsafe.Markup:
    """Prose, escaped, with each command-line flag in a span that does not wrap: a browser
    breaks a line after a hyphen, and "--lrs" read as "-" and "-lrs"."""
    escaped = str(markupsafe.escape(_printable(text)))
    return markupsafe.Markup(
        _FLAG.sub(lambda m: f'<span class="flag">{m.group(0)}</span>', escaped))


def render(template: str, **context) -> str:
    """Render one of ``reports/templates/`` with ``context``."""
    return _env().get_template(template).render(**context)
