"""Weight initializers: ``init(rng, n_in, n_out, dtype) -> W``; biases start at zero."""

from __future__ import annotations

import warnings

import numpy as np

from ._command_lines import in_command
from ._rules import check_tables, look_up
from ._user_line import user_stacklevel


def zero(rng: np.random.Generator, n_in: int, n_out: int, dtype) -> np.ndarray:
    return np.zeros((n_in, n_out), dtype=dtype)


def normal(rng, n_in, n_out, dtype):
    return rng.standard_normal((n_in, n_out)).astype(dtype)


def xavier(rng, n_in, n_out, dtype):
    limit = np.sqrt(6.0 / (n_in + n_out))  # Glorot uniform, as in the course
    return rng.uniform(-limit, limit, (n_in, n_out)).astype(dtype)


def he(rng, n_in, n_out, dtype):
    return (rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in)).astype(dtype)  # MSRA


# "msra" is the course's name for He initialization (an alias: the same draws)
INITIALIZERS = {"zero": zero, "normal": normal, "xavier": xavier, "he": he, "msra": he}
#: what each initializer draws, in n_in (in) and n_out (out), keyed by the entry of
#: `INITIALIZERS` (public as ``nets.INIT_DRAWS``): `hplab --init`'s help says it after the
#: initializer's first name (and its aliases, the course's names); "" says nothing
DRAWS = {
    zero: "all 0 (a hidden layer's units then stay identical for good: no seed helps; "
          "for nets with no hidden layer)",
    normal: "N(0, 1)",
    xavier: "uniform within ±sqrt(6/(in+out))",
    he: "N(0, 2/in)",
}


# the initializers that start every unit of a layer alike (the same incoming weights, and
# the outgoing ones too): each gets the same gradient, so they stay identical for good and
# a hidden layer works as one unit (zero init: XOR 2-4-1 ended at 0.75, whatever the seed);
# only dropout's random masks tell them apart
SAME_UNITS = frozenset({zero})


def starts_units_alike(name) -> bool:
    """Whether the initializer named ``name`` starts a layer's units alike (`SAME_UNITS`):
    without dropout, they never differ; False for a name this hplab does not have.

    Parameters
    ----------
    name : str
        An initializer's name (a key of `INITIALIZERS`).
    """
    return isinstance(name, str) and INITIALIZERS.get(name) in SAME_UNITS


#: what a run whose init starts units alike is told (the CLI's warning, its report)
SAME_UNITS_TEXT = ("init {init} starts every weight at 0 (biases start at 0 with every "
                   "init), so every unit of a hidden layer computes the same output and gets "
                   "the same gradient: they stay identical for good, the layer working as one "
                   "unit; another seed starts at the same place and does not help, another "
                   "{flag} (xavier, he) does")


def warn_if_units_start_alike(cfg) -> None:
    """Warn when ``cfg.init`` starts a hidden layer's units alike (zero) and no dropout
    tells them apart: they stay identical (XOR 2-4-1 ended at 0.75 accuracy, as a 2-1-1
    net).

    Parameters
    ----------
    cfg : TrainConfig
        The run's settings.
    """
    if cfg.hidden and not cfg.dropout and starts_units_alike(cfg.init):
        flag = "--init" if in_command() else "init"  # TrainConfig's field from Python
        warnings.warn(SAME_UNITS_TEXT.format(init=cfg.init, flag=flag),
                      stacklevel=user_stacklevel())


check_tables("initializer", INITIALIZERS, {"DRAWS": DRAWS}, "nets/_init.py")  # its help words


def get_initializer(name: str):
    return look_up("init", INITIALIZERS, name)
