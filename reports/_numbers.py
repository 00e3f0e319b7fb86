"""Numbers as reports show them: table cells, columns, cards, settings, seeds, times.

Re-exported by `reports.design`, where every drawing and report reads them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np


def format_value(value) -> str:
    """Short human text for a table cell or a headline number."""
    if value is None:
        return "–"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        v = float(value)
        if math.isnan(v):
            return "–"
        if math.isinf(v):
            return "∞" if v > 0 else "−∞"
        if v == 0:
            return "0"
        if _fixed(v):
            return significant(v)
        return f"{v:.3e}"
    if isinstance(value, Mapping):  # TrainConfig.extra: "{}" was Python's repr, not a value
        return ", ".join(f"{k}: {format_value(v)}" for k, v in value.items()) or "–"
    if isinstance(value, list | tuple):
        # the list's commas separate its items: (1000, 2000) is "1000, 2000", not "1,000, 2,000"
        return ", ".join(str(int(v)) if _is_count(v) else format_value(v)
                         for v in value) or "()"
    return str(value)


def format_setting(value) -> str:
    """A setting as it was given, to read back or copy: a float as the shortest text that
    reads back as the same number (``0.123456``, ``0.000123456``; ``600`` for 600.0), an
    integer without separators (``12345``), a list item by item.

    `format_value`'s four digits showed ``--lr 0.123456`` as ``0.1235`` and
    ``--epochs 10000`` as ``1e+04``: not the value the run used.
    """
    if isinstance(value, float | np.floating) and math.isfinite(value):
        v = float(value)
        if v.is_integer() and abs(v) < WHOLE_LIMIT:
            return str(int(v))
        # a float32 setting at its own precision: 0.1, not float64's 0.10000000149011612
        return str(value) if isinstance(value, np.floating) and value.dtype.itemsize < 8 \
            else repr(v)
    if _is_count(value):
        return str(int(value))
    if isinstance(value, list | tuple):
        return ", ".join(format_setting(v) for v in value) or "()"
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {format_setting(v)}" for k, v in value.items()) or "–"
    return format_value(value)


#: Floats below this magnitude that are whole read back exactly as integers (2**53).
WHOLE_LIMIT = 2.0**53
#: A number in [FIXED_LOW, FIXED_HIGH) is written in fixed notation, else in scientific.
FIXED_LOW, FIXED_HIGH = 1e-3, 1e5
#: A table column reaches one decade lower in fixed notation (0.0007049 beside 0.4942):
#: three losses below 1e-3 put thirty in scientific notation.
COLUMN_LOW = FIXED_LOW / 10


def format_column(values: Iterable) -> list[str]:
    """The cells of one table column, in one notation for the column.

    Integers are plain digits (``1168``, never ``1,168``, which a comma-decimal
    spreadsheet reads as 1.168). Floats depend on the column's finite ones:

    * all whole (a count with "not reached" rows as NaN: examples, steps, epochs):
      plain digits, ``10080`` rather than ``1.008e+04``; %.4g already wrote a whole
      value below 10,000 without decimals, so only larger ones change;
    * else all whole or halves, one of them a half of 1000 or more (a median of counts over
      an even number of seeds, whose .5 four significant digits would drop): exactly,
      ``2432.5`` beside ``800``, as the terminal prints it;
    * else all in [`COLUMN_LOW`, `FIXED_HIGH`) once rounded, or zero: `significant`, four
      significant digits in fixed notation, whole digits beyond (``0.0007049``,
      ``12346``);
    * else every one in scientific notation (``5.475e-04`` beside ``1.320e-03``, not
      beside ``0.00132``).

    None and NaN are ``–``; other values as `format_value` has them. The CSV beside a
    report holds the exact values.
    """
    values = list(values)
    floats = [float(v) for v in values if _is_float(v) and math.isfinite(v)]
    if all(v.is_integer() and abs(v) < WHOLE_LIMIT for v in floats):
        form = "whole"
    elif all((2 * v).is_integer() and abs(v) < WHOLE_LIMIT for v in floats) and any(
            not v.is_integer() and abs(v) >= 1000 for v in floats):
        form = "halves"
    elif all(v == 0 or _fixed(v, COLUMN_LOW) for v in floats):
        form = "fixed"
    else:
        form = "scientific"
    return [_cell(v, form) for v in values]


def _is_count(value) -> bool:
    """An integer, not a bool (Python's and NumPy's bools are integers to isinstance)."""
    return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)


def _fixed(v: float, low: float = FIXED_LOW) -> bool:
    """Whether ``v`` (non-zero) is written in fixed notation: by the value as shown,
    99999.6 is 1.000e+05 as 100000.0 is, not 100000."""
    return low <= abs(float(f"{v:.4g}")) < FIXED_HIGH


def _is_float(value) -> bool:
    return isinstance(value, float | np.floating)


def _cell(value, form: str) -> str:
    """One cell of `format_column`, its column's floats in ``form``."""
    if _is_count(value):
        return str(int(value))
    if not _is_float(value) or not math.isfinite(value) or value == 0:
        return format_value(value)
    v = float(value)
    if form == "whole":
        return str(int(v))
    if form == "halves":
        return str(int(v)) if v.is_integer() else f"{v:.1f}"
    if form == "scientific":
        return f"{v:.3e}"
    return significant(v)


def significant(v: float, digits: int = 4) -> str:
    """``v`` (non-zero, finite) to ``digits`` significant digits in fixed notation (%.4g
    turns 9999.6 and 12345.6 into 1e+04 and 1.235e+04), whole digits beyond them.
    Trailing zeros go, except where they are all that tells a value from a whole number:
    a test loss of 1.00022 is ``1.000``, not ``1``, which reads as exactly one (a perfect
    accuracy, a degenerate loss); a whole part of ``digits`` digits or more has no
    decimals to tell (1000.4 is 1000).
    """
    # its decade after rounding: 0.99996 is 1.000, not 1.0000
    rounded = float(f"{v:.{digits}g}")
    text = f"{v:.{max(0, digits - 1 - math.floor(math.log10(abs(rounded))))}f}"
    if "." not in text:
        return text
    short = text.rstrip("0").rstrip(".")
    # to float32's precision: a mean of seeds (2.0000000000000004) or a float32 is the
    # whole number its short text says
    if "." not in short and not math.isclose(float(short), v, rel_tol=1e-7):
        return text
    return short


def format_named(name: str, value) -> str:
    """:func:`format_value`, except that seeds are identifiers to copy: no separators."""
    key = str(name).lower()
    if key.endswith(("seed", "random_state")) and _is_count(value):
        return str(int(value))
    return format_value(value)


def seeds_text(seeds, *, drawn_from: int | None = None) -> str:
    """An analysis's repeats as every report's provenance words them, a count and then
    which seeds: ``"2 (seeds 2, 3)"``; with ``drawn_from`` (``seeds`` then a count of
    seeds derived from that one) ``"3 (drawn from seed 0)"``. A bare ``2`` read as
    ``--seeds 2`` in one report and as the seed 2 in another."""
    if drawn_from is not None:
        return f"{int(seeds)} (drawn from seed {int(drawn_from)})"
    seeds = [int(s) for s in seeds]
    return f"{len(seeds)} (seed{'s' * (len(seeds) != 1)} {', '.join(map(str, seeds))})"


#: Below this magnitude a stat-card number is rounding noise (a slope fitted through equal
#: rates comes out as ~1e-16), shown as zero rather than as a long exponent.
STAT_ZERO = 1e-9


def format_stat(value, digits: int = 3) -> str:
    """A number for a stat card: at most ~7 characters so it fits on one line.

    ``4.138e+04`` would wrap in a card; this gives ``41,380``, ``14.7``, ``0.24``,
    ``3.2e-05`` -> ``3.2e-5`` and 1e7 -> ``1e7``. Values within `STAT_ZERO` of 0 show as
    ``0.00``; integers, NaN, inf and non-numbers as `format_value` has them.
    """
    if not isinstance(value, float | np.floating) or not math.isfinite(value):
        return format_value(value)
    v = float(value)
    if abs(v) < STAT_ZERO:
        return "0.00"
    if 1e3 <= abs(round(v)) < 1e6:  # thousands separators read faster than an exponent
        return f"{round(v):,}"
    if 1e-2 <= abs(v) < 1e3:  # an R² of 0.9996 is 1.00, not "1" (a perfect fit)
        return significant(v, digits)
    mantissa, exponent = f"{v:.{digits - 1}e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent)}"


def format_percent(value: float, digits: int = 1) -> str:
    """``0.9683`` -> ``'96.8 %'``; NaN -> ``'–'``."""
    if value is None or not math.isfinite(value):
        return "–"
    return f"{100 * value:.{digits}f} %"


def format_seconds(seconds: float) -> str:
    """Wall time as ``'850 ms'``, ``'12.3 s'``, ``'4 min 05 s'`` or ``'2 h 03 min'``."""
    if seconds is None or not math.isfinite(seconds):
        return "–"
    # each unit from the value rounded as it would show: 0.9996 s was "1000 ms" and
    # 59.97 s "60.0 s"
    if round(seconds * 1000) < 1000:
        return f"{seconds * 1000:.0f} ms"
    if float(f"{seconds:.1f}") < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(round(seconds / 60), 60)  # the nearest minute, as seconds are
    return f"{hours} h {minutes:02d} min"
