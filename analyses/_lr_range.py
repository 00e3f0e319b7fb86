"""The learning-rate range test on a dataset: repeated over seeds, suggestions, verification.

`lr_range_test` runs `range_test` (see ``_lr_ramp``) on fresh nets for ``seeds``
consecutive seeds, reads every suggestion off each curve, and summarizes each suggestion
by its median and interquartile range in log10 units. With ``verify`` it then trains
briefly at a grid of rates around the chosen suggestion (see ``_lr_verify``).

Seed ``s`` builds the same initial net and shuffles as ``hplab train --seed s``; the data
split is the first seed's (or ``data_seed``'s) for every repeat, so the repeats differ only
in the net.

Where the divergence point can be trusted: the range test sees a rate as too large only
once the loss along the Hessian's top direction grows back. Full-batch descent wipes
that direction out near ``lr = 1 / lambda_max``, so on an ill-conditioned problem the
loss turns up well after ``2 / lambda_max`` (measured: ~5x on a linear regression with
condition number ~30); mini-batch noise keeps re-exciting it, and with batches of 32
the same problem diverges within 20 % of the limit.
"""

from __future__ import annotations

import math
import time

import pandas as pd
from threadpoolctl import threadpool_limits

import data
import nets

from ._analysis_data import check_validation, data_record, data_seeds
from ._checks import flag, seed_count, train_config, whole
from ._defaults import LR_RANGE_CONFIG as DEFAULT_CONFIG, LR_RANGE_TEST_DEFAULTS as DEFAULTS
from ._lr_advice import descent, no_suggestion_reason
from ._lr_ramp import (
    CURVE_COLUMNS,
    LOOPER_RISE,
    check_settings,
    default_beta,
    first_rise,
    range_test,
)
from ._lr_ramp_rates import check_ramp
from ._lr_range_result import LRRangeResult, summarize_suggestions
from ._lr_said_rates import said_column, said_runs, said_verdict
from ._lr_verify import verify_grid, verify_verdict
from ._progress import WorkBar
from ._python_words import errors_in_python_words
from ._suggest import (
    DEFAULT_SUGGESTION,
    SKIP_END,
    SUGGESTIONS,
    check_suggestions,
    lowest_at_end,
    read_curve,
    suggest,
)

# TrainConfig settings the ramp replaces (the rate, its schedule and the run's length and
# stop conditions): they play no part in a range test (the verification sets its own)
RAMP_REPLACES = ("lr", "schedule", "lr_gamma", "lr_decay_steps", "lr_milestones",
                 "lr_power", "lr_min", "warmup_steps", "max_epochs", "checkpoint", "eps",
                 "patience", "min_delta", "divergence_factor")
#: Repeats trained per grid rate in verification by default (the first seeds of the test,
#: so at most its ``seeds``).
VERIFY_SEEDS = 2


@errors_in_python_words("lr-range")
def lr_range_test(dataset, config: nets.TrainConfig | None = None, *,
                  min_lr: float = DEFAULTS["min_lr"], max_lr: float = DEFAULTS["max_lr"],
                  num_steps: int = DEFAULTS["num_steps"], mode: str = "exp",
                  beta: float | None = None, diverge: float = DEFAULTS["diverge"],
                  val: bool = False, val_batch: int = DEFAULTS["val_batch"],
                  epochs_per_rate: float = DEFAULTS["epochs_per_rate"], seeds: int = 1,
                  suggestion: str = DEFAULT_SUGGESTION, verify: bool = False,
                  verify_epochs: float = DEFAULTS["verify_epochs"],
                  verify_seeds: int | None = None,
                  seed: int = 0, data_seed: int | None = None,
                  progress: bool = False) -> LRRangeResult:
    """Learning-rate range test on a dataset, over ``seeds`` fresh nets.

    Parameters
    ----------
    dataset : str or data.Dataset
        A name is loaded with ``data.load(name, seed=data_seed)`` (default ``seed``).
    config : nets.TrainConfig, optional
        Net, optimizer and batch size (default `LR_RANGE_CONFIG`: 8 sigmoid, SGD, batch 32);
        a batch size larger than the training set becomes the whole set (-1, full batch).
        The ramp and the verification set the `RAMP_REPLACES` settings themselves; of
        those, eps and patience are 0 in every run, and the result's ``config`` says so.
    min_lr, max_lr, num_steps, mode, beta, diverge, val, val_batch, epochs_per_rate
        See `range_test`.
    seeds : int
        Repeats, with seeds ``seed, seed + 1, ...``.
    suggestion : str
        Key of `SUGGESTIONS` reported as `LRRangeResult.suggested_lr` and verified.
    verify : bool
        Train at `analyses._lr_verify.VERIFY_FACTORS` x the suggestion, and beyond an
        edge where the best rate lies (`analyses.verify_grid`).
    verify_epochs : float
    verify_seeds : int, optional
        Nets per grid rate: the test's first seeds, so at most ``seeds`` (default
        2 of them, ``analyses._lr_range.VERIFY_SEEDS``, or ``seeds`` if fewer).
    seed : int
    data_seed : int, optional
        The seed a named dataset is split (a generated set drawn) with, if not ``seed``.
        A `data.Dataset`'s own is recorded in the settings where it differs from ``seed``,
        so that they load the same data again by name.
    progress : bool
        Progress bars (stderr) over the ramps' points, every seed's, and over the
        verification runs' epochs (its total grows with the grid).

    Returns
    -------
    LRRangeResult

    Raises
    ------
    TypeError
        A ``config`` that is not a nets.TrainConfig.
    ValueError
        Bad bounds, unknown mode or suggestion, bad seed counts or verify_epochs...; with
        ``verify`` or ``val``, a set without validation rows (``val_fraction=0``); a
        ``max_lr`` whose product with the config's weight decay is 1 or more (the verify
        grid stops below that product too).
    """
    t0 = time.perf_counter()
    train_config(config)
    num_steps = check_ramp(mode, min_lr, max_lr, num_steps)
    if beta is None:  # resolved here: the result and its settings record the beta used
        beta = default_beta(num_steps)
    # checked whether or not --val / --verify / looper use them: a bad value is a typo
    # either way, and said before any data is loaded
    val, val_batch = check_settings(beta, diverge, val, val_batch, epochs_per_rate)
    verify, progress = flag("verify", verify), flag("progress", progress)
    nets.check_epochs("verify_epochs", verify_epochs)
    if not isinstance(suggestion, str):  # one name: the one reported and verified
        raise ValueError(f"suggestion must be one of {', '.join(SUGGESTIONS)}, got "
                         f"{suggestion!r}")
    check_suggestions(suggestion)
    seeds = seed_count(seeds)
    if verify_seeds is None:
        verify_seeds = min(VERIFY_SEEDS, seeds)
    elif (verify_seeds := seed_count(verify_seeds, "verify_seeds")) > seeds:
        # the grid reuses the test's nets' seeds: more would train nets the test never ran
        raise ValueError(f"verify_seeds ({verify_seeds}) must be at most seeds ({seeds}): "
                         "the grid trains the test's first seeds")
    seed = whole("seed", seed, 0)
    if mode == "looper":  # its run holds every rate: num_steps x epochs_per_rate epochs
        nets.check_epochs(f"epochs_per_rate x num_steps ({epochs_per_rate:g} x {num_steps})",
                          epochs_per_rate * num_steps)
    base = config or DEFAULT_CONFIG
    # the ramp's top rate is the one the decay limits (the config's lr is unused); said
    # before any data is loaded or net trained
    refused = nets.decay_refusal(base.optimizer, base.weight_decay, max_lr,
                                 f"--max-lr {max_lr:g}", "--max-lr")
    if refused:
        raise ValueError(refused)
    nets.warn_if_units_start_alike(base)  # here, not only `hplab lr-range`: Python too
    load_seed, seeds_said = data_seeds(dataset, seed, data_seed)
    ds = data.load(dataset, seed=load_seed) if isinstance(dataset, str) else dataset
    if verify or val:
        check_validation(ds, dataset if isinstance(dataset, str) else ds.name,
                         "--verify scores its grid on the validation split" if verify else
                         "--val ramps on the validation loss")
    # no ramp or verification run stops at a loss (range_test, verify_runs set the same):
    # the result's config records what ran
    cfg = base.replace(eps=0.0, patience=0)
    if cfg.batch_size > len(ds.X_train):  # the whole set, as nets.train takes it: said so
        cfg = cfg.replace(batch_size=-1)  # in the config (the default 32 on xor's 4 rows)
    seed_list = tuple(seed + k for k in range(seeds))
    settings = {"config": cfg.to_dict(), "min_lr": min_lr, "max_lr": max_lr,
                "num_steps": num_steps, "mode": mode, "beta": beta, "diverge": diverge,
                "val": val, "val_batch": val_batch, "epochs_per_rate": epochs_per_rate,
                "seeds": len(seed_list), "suggestion": suggestion, "verify": verify,
                "verify_epochs": verify_epochs, "verify_seeds": verify_seeds, **seeds_said}
    # One BLAS thread: these matrices are too small for threads to pay, and on a busy
    # machine OpenBLAS's spinning threads made a 1293 x 64 product 70x slower (measured).
    with threadpool_limits(limits=1):
        return _run(ds, cfg, seed_list, min_lr=min_lr, max_lr=max_lr, num_steps=num_steps,
                    mode=mode, beta=beta, diverge=diverge, val=val, val_batch=val_batch,
                    epochs_per_rate=epochs_per_rate, suggestion=suggestion, verify=verify,
                    verify_epochs=verify_epochs, verify_seeds=verify_seeds, t0=t0,
                    settings=settings, progress=progress)


def _skip_end(mode: str, stop_reason: str, losses, diverge: float) -> int:
    """Points cut from a curve's end: fastai's 5 steps of a ramp; of the looper's
    segments, those from the first whose loss rose past `LOOPER_RISE` (or ``diverge``, if
    lower) x its best before it on, so the one that diverged at least (5 of its 9-20
    segments are whole decades of rates)."""
    if mode != "looper":
        return SKIP_END
    # QA: a looper that completed cut nothing, "no blow-up to cut": double-arc's loss fell
    # to 0.653 at lr 2, rose to 1.04-1.78 at lr 3-9, short of the 4x stop, and steepest
    # read ~4.5 off a fall between two of those spikes. A rate held for epochs, scored on
    # the whole training set, is no noisy step: a loss half again above the best so far
    # is the blow-up starting, the part fastai's cut removes from a ramp
    # the same rule places a looper's divergence_lr (``_lr_ramp._divergence_lr``)
    rose = first_rise(losses, min(LOOPER_RISE, diverge))
    cut = 0 if rose is None else len(losses) - rose
    return cut if stop_reason == "completed" else max(cut, 1)


def _run(ds, cfg, seed_list, *, min_lr, max_lr, num_steps, mode, beta, diverge, val,
         val_batch, epochs_per_rate, suggestion, verify, verify_epochs, verify_seeds,
         t0, settings, progress=False) -> LRRangeResult:
    """The repeats, the suggestions and the verification of `lr_range_test`."""
    names = tuple(SUGGESTIONS)
    curves, rows = [], []
    # a ramp that stops (diverged) is counted whole: the bar ends at its total
    bar = WorkBar("lr-range: ramp" if progress else None, [num_steps] * len(seed_list),
                  "point")
    with bar:
        for k, s in enumerate(seed_list):
            net, loop_rng = nets.seeded_net(cfg, ds, s)
            c = range_test(net, cfg, ds.X_train, ds.y_train, X_val=ds.X_val, y_val=ds.y_val,
                           rng=loop_rng, min_lr=min_lr, max_lr=max_lr, num_steps=num_steps,
                           mode=mode, beta=beta, diverge=diverge, val=val,
                           val_batch=val_batch, epochs_per_rate=epochs_per_rate,
                           on_point=bar.reporter(k))
            bar.finish(k)
            curves.append(c.frame.assign(seed=s))
            # fastai drops a tenth of the planned points from the start (suggest's
            # default: the loss has not moved), and the blow-up from the end
            cut = _skip_end(mode, c.stop_reason, c.frame["loss"], diverge)
            # where a looper's loss turned up, stopped or not (the advice reads it: one
            # that rose and came back short of --diverge needs no higher --max-lr)
            rose = first_rise(c.frame["loss"], min(LOOPER_RISE, diverge)) \
                if mode == "looper" else None
            lrs, losses = read_curve(c.frame["lr"], c.frame["smoothed_loss"],
                                     num_steps=num_steps, skip_end=cut)
            found = suggest(lrs, losses, names, skip_start=0, skip_end=0)  # read already
            rows.append({"seed": s, "stop_reason": c.stop_reason, "stop_lr": c.stop_lr,
                         "divergence_lr": c.divergence_lr, "steps": c.steps,
                         "rise_lr": math.nan if rose is None else float(
                             c.frame["lr"].iloc[rose]),
                         "descent": descent(c.frame["smoothed_loss"]),
                         # a looper's read cut where its loss rose (or it stopped) ends
                         # where the data turned up, not at --max-lr: lowest there is no
                         # fall the ramp cut short (double-arc: lowest at lr 2, 1.6x at 3)
                         "lowest_at_end": lowest_at_end(losses) and not (
                             mode == "looper" and cut > 0),
                         "seconds": c.seconds,
                         **found})
    runs = pd.DataFrame(rows)
    table = summarize_suggestions(runs, names)
    result_kw = {}
    if verify:
        lr = float(table.set_index("name").loc[suggestion, "lr"])
        if not math.isfinite(lr):
            # QA: "too few points before divergence" of a curve that never diverged (5
            # points, trimmed to too few): the summary's reason, whichever it was
            said = {"runs": runs.to_dict("records"), "mode": mode, "min_lr": min_lr,
                    "max_lr": max_lr, "num_steps": num_steps}
            raise ValueError(f"the {suggestion} suggestion is undefined on every curve: "
                             f"{no_suggestion_reason(said)}")
        baseline = nets.trivial_baseline(ds, cfg)
        with WorkBar("lr-range: verify" if progress else None, unit="epoch",
                     whole=float(verify_epochs).is_integer()) as bar:
            grid = verify_grid(ds, cfg, lr, seed_list[:verify_seeds], epochs=verify_epochs,
                               baseline=baseline, bar=bar)
        result_kw = {"verify": grid, "verdict": verify_verdict(grid, lr, baseline)}
    looper = mode == "looper"
    return LRRangeResult(
        dataset=ds.name, mode=mode, min_lr=float(min_lr), max_lr=float(max_lr),
        num_steps=int(num_steps), beta=0.0 if looper else float(beta), val=bool(val),
        seeds=seed_list,
        # the rates said as the decimals they stand for, once the nets trained at them
        curves=said_column(pd.concat(curves, ignore_index=True)[["seed", *CURVE_COLUMNS]],
                           ["lr"]),
        runs=said_runs(runs, names), suggestions=said_column(table, ["lr"]),
        suggestion=suggestion, verify=None if "verify" not in result_kw else said_column(
            result_kw["verify"], ["lr"]), verdict=said_verdict(result_kw.get("verdict")),
        config={**cfg.to_dict(), "verify_epochs": verify_epochs if verify else None,
                "verify_seeds": verify_seeds if verify else None,
                "diverge": float(diverge),
                "val_batch": int(val_batch) if val and not looper else None,
                "epochs_per_rate": float(epochs_per_rate) if looper else None},
        n_train=len(ds.X_train), seconds=time.perf_counter() - t0,
        test_is_train=ds.test_is_train, settings=settings, data_record=data_record(ds))
