"""Weight initializers: ``init(rng, n_in, n_out, dtype) -> W``; biases start at zero."""

from __future__ import annotations

import numpy as np

from ._rules import check_tables, look_up


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
# what each draws, in n_in (in) and n_out (out): `hplab --init`'s help says it after the
# initializer's first name (and its aliases, the course's names); "" says nothing (zero)
DRAWS = {
    zero: "",
    normal: "N(0, 1)",
    xavier: "uniform within ±sqrt(6/(in+out))",
    he: "N(0, 2/in)",
}


check_tables("initializer", INITIALIZERS, {"DRAWS": DRAWS}, "nets/_init.py")  # its help words


def get_initializer(name: str):
    return look_up("init", INITIALIZERS, name)
