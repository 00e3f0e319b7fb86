"""Jinja2 environment for the report templates (autoescape always on) and the version."""

from __future__ import annotations

from functools import cache

import jinja2


@cache
def _env() -> jinja2.Environment:
    # autoescape=True for every template: run names, paths and parameter values are
    # user-supplied and must never become markup.
    return jinja2.Environment(
        loader=jinja2.PackageLoader(__package__, "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def render(template: str, **context) -> str:
    """Render one of ``reports/templates/`` with ``context``."""
    return _env().get_template(template).render(**context)


def version() -> str:
    """The installed hplab version, or ``"0+unknown"`` from a bare checkout."""
    import nets

    return nets.hplab_version()


