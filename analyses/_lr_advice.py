"""What a range test's summary says to its reader beyond its numbers: how far the loss fell
(`descent`), and the warnings and advice read off `LRRangeResult.summary` (a shallow curve,
a suggestion at the ramp's first rate, no suggestion at all, seeds that never stopped).
The advice names ``hplab lr-range``'s flags; `analyses.in_python_words` names the
arguments of `lr_range_test` instead, for a reader who ran it from Python."""

from __future__ import annotations

import math

import numpy as np

import nets

from ._lr_ramp_rates import ramp_rates
from ._suggest import MINIMUM_DIVISOR

#: Below this median fall of the smoothed loss (a share of where it started), a curve is
#: too flat to read: its valley and steepest slope are then where noise put them.
SHALLOW_DESCENT = 0.1


def descent(smoothed) -> float:
    """How far a range test's smoothed loss fell: 1 - its lowest / its first value (NaN
    without a positive finite start)."""
    v = np.asarray(smoothed, dtype=np.float64)
    v = v[np.isfinite(v)]
    return float(1 - v.min() / v[0]) if v.size and v[0] > 0 else math.nan


def shallow_descent(summary: dict) -> str | None:
    """A warning when the seeds' smoothed loss hardly fell (median under `SHALLOW_DESCENT`),
    so that the suggestions read off it are weak; None otherwise (from
    `LRRangeResult.summary`).

    Parameters
    ----------
    summary : dict
        `LRRangeResult.summary` (``hplab lr-range --json``'s object).
    """
    falls = [r["descent"] for r in summary["runs"] if r.get("descent") is not None]
    if not falls or np.median(falls) >= SHALLOW_DESCENT:
        return None
    said = ", ".join(f"{100 * f:.1f} %" for f in falls)
    smoothed = "smoothed " if summary["beta"] else ""  # beta 0 (the looper): raw
    return (f"the {smoothed}loss fell only {said} below its start (per seed), too little "
            "for its valley or slope to mean much: more points (--steps) train the net "
            "longer before the rate grows too large")


def at_ramp_start(summary: dict) -> str | None:
    """A warning when the suggestion was read at the ramp's first rate (fastai's valley or
    slide on a few points, or a loss falling from the very start), which says nothing of
    the rates below it; None otherwise (from `LRRangeResult.summary`).

    Parameters
    ----------
    summary : dict
        `LRRangeResult.summary` (``hplab lr-range --json``'s object).
    """
    lr, name = summary["suggested_lr"], summary["suggestion"]
    if lr is None:
        return None
    read_at = lr * MINIMUM_DIVISOR if name == "minimum" else lr  # where it was read
    if read_at > summary["min_lr"] * (1 + 1e-9):
        return None
    return (f"the {name} suggestion was read at the ramp's first rate, --min-lr "
            f"{summary['min_lr']:g}, which says nothing of the rates below it: lower "
            "--min-lr, or raise --steps to read more of the curve")


#: The suggestions a curve still falling at its last point read leaves to the ramp:
#: ``valley`` lies in a fall running to that point, ``minimum`` is its rate / 10
RAMP_SET = ("valley", "minimum")


def covers_training_set(summary: dict) -> bool:
    """Whether each step of a ramp (not a looper's rates, held for epochs) took the whole
    training set: its loss then falls smoothly, with no noise to end a fall."""
    batch = summary["config"].get("batch_size")
    return summary["mode"] != "looper" and batch is not None and (
        batch == -1 or batch >= summary["n_train"])


def smooth_curve(summary: dict) -> str | None:
    """The caveat on a smooth curve (validation or looper loss, or a ramp whose batch
    covers the training set), whose longest fall reaches back into the flat start; None
    on a mini-batch ramp's training loss (from `LRRangeResult.summary`).

    Parameters
    ----------
    summary : dict
        `LRRangeResult.summary` (``hplab lr-range --json``'s object).
    """
    what = ("validation" if summary.get("val") else "looper" if summary["mode"] == "looper"
            else "full-batch" if covers_training_set(summary) else None)
    if what is None:
        return None
    return (f"smooth curves ({what} loss) make the valley reach back into the flat start; "
            "compare with steepest and minimum")


def ramp_set(summary: dict) -> list[str]:
    """The suggestions (of `RAMP_SET`) that the ramp, not the data, placed: those of a
    test where most seeds' curves, as read, were lowest at their last point (the loss
    still falling there); empty otherwise (from `LRRangeResult.summary`).

    Parameters
    ----------
    summary : dict
        A range test's summary (`LRRangeResult.summary`): its ``runs`` (each with
        ``lowest_at_end``) and ``suggestions`` are read.

    Returns
    -------
    list of str
        Names of `RAMP_SET` with a suggested rate, in its order.
    """
    ends = [r.get("lowest_at_end", False) for r in summary["runs"]]
    if 2 * sum(ends) <= len(ends):
        return []
    return [n for n in RAMP_SET if summary["suggestions"].get(n, {}).get("lr") is not None]


def ramp_set_warning(summary: dict) -> str | None:
    """What the `ramp_set` suggestions are worth, and what to change; None if none.

    Parameters
    ----------
    summary : dict
        `LRRangeResult.summary` (``hplab lr-range --json``'s object).
    """
    names = ramp_set(summary)
    if not names:
        return None
    ended = sum(r.get("lowest_at_end", False) for r in summary["runs"])
    seeds = "" if len(summary["runs"]) == 1 else f" (on {ended} of {len(summary['runs'])} seeds)"
    # a full-batch ramp that never stopped falls smoothly to its last point: the longest
    # fall is then the whole curve, and valley a fixed point along it (0.001322 on
    # double-arc, coin and XOR alike, 1000x below the best rate --verify found)
    never = all(r["stop_reason"] == "completed" for r in summary["runs"])
    return (f"the loss still fell at the last point read{seeds}, so {' and '.join(names)} "
            "are set by --min-lr, --max-lr and --steps rather than by the data"
            + (" (the same rates on any data): raise --max-lr until the loss turns up, or"
               if never else ":") + " read steepest, or check with --verify")


def plain_sgd_valley(summary: dict) -> str | None:
    """The caveat on `valley` suggested for plain SGD with no ``--verify`` run: measured
    against the best rate of brief trainings, it lands far below it there (None for any
    other optimizer or suggestion, with a verification, or where the ramp set it).

    Parameters
    ----------
    summary : dict
        `LRRangeResult.summary` (``hplab lr-range --json``'s object).
    """
    if (summary["config"].get("optimizer") != "sgd" or summary["suggestion"] != "valley"
            or summary["suggested_lr"] is None or summary.get("verify") is not None
            or ramp_set(summary)):  # `ramp_set_warning` says to check with --verify
        return None
    # QA: coin's default net at its valley (0.05) learned nothing in 300 epochs (the
    # majority class's 0.46 accuracy), where 0.66 was best
    return ("with plain SGD, valley lands low: within 3x of the best rate of brief "
            "trainings in 1 of 10 plain-SGD settings on coin and digits "
            "(benchmarks/lr_suggestions.py), where a net may learn nothing in hundreds of "
            "epochs; place the rate with --verify")


def no_suggestion_reason(summary: dict) -> str:
    """Why no seed gave a suggestion, and what to change (from `LRRangeResult.summary`).

    Parameters
    ----------
    summary : dict
        `LRRangeResult.summary` (``hplab lr-range --json``'s object).
    """
    runs = summary["runs"]
    if all(r["stop_reason"] != "completed" for r in runs):
        if summary["mode"] == "looper":  # its steps are iterations: count the rates reached
            rates = ramp_rates("looper", summary["min_lr"], summary["max_lr"],
                               summary["num_steps"])
            steps = int(np.median([np.sum(rates <= r["stop_lr"] * (1 + 1e-9)) for r in runs]))
        else:
            steps = int(np.median([r["steps"] for r in runs]))
        # the ramp's points are spread over [min_lr, max_lr]: a narrower range puts more of
        # them below the rate where the loss blows up
        return (f"the loss diverged after {steps} of {summary['num_steps']} points, too few "
                "to read a suggestion from; lower --max-lr or --min-lr, so that more of the "
                "ramp lies below where it diverges")
    if summary["mode"] == "looper":  # its end is cut where the loss rose, stopped or not
        return (f"{summary['num_steps']} points leave too few once the start is trimmed and "
                "the end cut from the rate where the loss rose well past its best; lower "
                "--max-lr so that more of the rates lie below that one, or raise --steps")
    return (f"{summary['num_steps']} points leave too few once fastai's rule trims the start "
            "and the end of the ramp; raise --steps")


def seeds_that_stopped(summary: dict, times: str = "x") -> str:
    """How many seeds the medians of ``stop_lr`` and ``divergence_lr`` count, and the
    seeds that never stopped (they would sit above ``max_lr``): "medians over seeds" when
    every seed stopped. ``times``: as in `looper_rise_words`.

    Parameters
    ----------
    summary : dict
        `LRRangeResult.summary` (``hplab lr-range --json``'s object).
    times : str, default "x"
        As above.
    """
    runs = summary["runs"]
    never = [str(r["seed"]) for r in runs if r["stop_reason"] == "completed"]
    if not never:
        return "medians over seeds" if len(runs) > 1 else "one seed"
    return (f"medians of the {len(runs) - len(never)} of {len(runs)} seeds that stopped; "
            f"seed{'s' if len(never) > 1 else ''} {', '.join(never)} never diverged up to "
            f"--max-lr {summary['max_lr']:g}: {no_stop_words(summary, times)}")


def no_stop_words(summary: dict, times: str = "x") -> str:
    """What to do about the seeds that never stopped: `looper_rise_words` where each is a
    looper whose loss turned up short of the stop, else `no_stop_advice`.

    Parameters
    ----------
    summary : dict
        `LRRangeResult.summary` (``hplab lr-range --json``'s object).
    times : str, default "x"
        The multiplication sign, as in `looper_rise_words`.
    """
    return looper_rise_words(summary, times) or no_stop_advice(summary["config"].get("optimizer"),
                                                        summary["beta"])


def looper_rise_words(summary: dict, times: str = "x") -> str | None:
    """What a looper whose seeds never stopped found, where each one's loss rose past
    `LOOPER_RISE` x its best before (``rise_lr``) short of ``--diverge`` x (a spike it came
    back from): its suggestions are read below that rise, which --max-lr already reaches,
    so "raise --max-lr" would not change them. None otherwise (a ramp; a seed that never
    rose, where a higher --max-lr may find the turn). ``times`` is the multiplication sign:
    the terminal's "x", the report's "×".

    Parameters
    ----------
    summary : dict
        `LRRangeResult.summary` (``hplab lr-range --json``'s object).
    times : str, default "x"
        As above.
    """
    from ._lr_ramp import LOOPER_RISE  # with the ramp's other rules

    never = [r for r in summary["runs"] if r["stop_reason"] == "completed"]
    rises = [r.get("rise_lr") for r in never]
    if summary["mode"] != "looper" or not never or None in rises:
        return None
    diverge = summary["config"].get("diverge", 4.0)  # the default, before results kept it
    lr = 10 ** float(np.median(np.log10(rises)))
    over = "" if len(rises) == 1 else f" (median over the {len(rises)} seeds)"
    # QA: a rise at the ramp's last rate was said to lie below --max-lr ("reaches past it")
    at_end = lr >= summary["max_lr"] * (1 - 1e-9)
    reach = f"--max-lr already reaches {'it, at its last rate' if at_end else 'past it'}"
    return (f"its loss rose past {min(LOOPER_RISE, diverge):g}{times} its best at lr {lr:.4g}"
            f"{over}, short of the --diverge {diverge:g}{times} stop: the suggestions are "
            f"read below that rise, where the looper's loss turns up, and {reach}: no need to "
            "raise it")


#: How `no_stop_advice` names the built-in SGD steps.
_SGD_WORDS = {"sgd": "plain SGD", "momentum": "SGD with momentum",
              "nesterov": "SGD with Nesterov momentum"}


def no_stop_advice(optimizer, beta: float) -> str:
    """What to try when the range test never stopped: a higher --max-lr helps plain SGD;
    adaptive optimizers' losses rise sooner, and the smoothing (``beta`` > 0) may hide it.

    Parameters
    ----------
    optimizer : str
        The test's optimizer.
    beta : float
        Its loss smoothing.
    """
    # SGD and its momentum forms step by lr times the gradient (folds_lr): on a small net's
    # small gradients that stays small up to huge rates; an adaptive step is about lr itself
    entry = nets.OPTIMIZERS.get(optimizer) if isinstance(optimizer, str) else None
    if entry is not None and entry.folds_lr:
        # coin's default net: ~50 (it was past 100 while the default smoothing lagged); QA:
        # "plain SGD" was said of momentum too (coin, 16 ReLU units, --val: stops at ~15)
        who = _SGD_WORDS.get(optimizer, optimizer)  # a registered one by its name
        return f"raise --max-lr ({who} on a small net may take rates of tens or more " \
               "before it diverges)"
    if not beta:  # nothing smoothed to lag
        return "raise --max-lr"
    return "raise --max-lr, or lower --beta (the smoothed loss lags a sharp rise at the end)"
