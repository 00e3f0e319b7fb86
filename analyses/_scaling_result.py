"""What a scaling study found (`ScalingResult`), and its JSON summary."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from nets import compact_repr, finite_count, finite_float

from ._lr_rule import LrExponent
from ._noise_window import NOISE_INTERVAL
from ._scaling_fit import ScalingFit


@dataclass(frozen=True, eq=False)  # eq=False: DataFrames have no single truth value
class ScalingResult:
    """What `scaling_study` found. ``to_frame()`` is the tidy table of every run.

    Attributes
    ----------
    dataset : str
        The dataset's name.
    n_train : int
        Training examples.
    target_metric : str
        ``"val_accuracy"`` or ``"val_loss"``: what the target bars.
    target, target_source : float, str
        The bar runs had to reach, and where it came from ("user", or the reference
        runs' rule).
    batch_sizes : tuple of int
        The batch sizes tried.
    lrs : tuple of float
        The rate grid tried at every batch size.
    seeds : int
        Runs per (batch size, rate).
    max_steps : int
        Each run's budget of steps.
    runs : DataFrame
        One row per run (`analyses._scaling_runs.RUN_COLUMNS`): batch size, rate, seed,
        whether and when it reached the target.
    batches : DataFrame
        One row per batch size: steps / examples to target, best_lr (grid), lr_opt
        (refined), regime, fitted steps / examples, the linear and square-root rule rates.
    fit : ScalingFit
    exponent : LrExponent
    lr_cap_batch : float
        Batch size where the linear rule, anchored at the smallest reached batch, passes
        a rate of 1 (the course's cap); below that batch (even below 1) when its best rate
        is already above 1; NaN when that batch's best rate is at the grid's edge (the best
        rate is then only bounded).
    noise : DataFrame
        The best reference run's noise-scale measurements (`NOISE_COLUMNS`); empty
        without ``noise``.
    b_simple : float
        B_simple over the last half of that run's steps to the target (of the whole run
        if it never reached): `window_noise_scale`.
    b_simple_step : float
        The step of that run's target crossing (NaN if the run never reached).
    b_simple_low, b_simple_high : float
        The central 95 % of bootstrap values of ``b_simple`` over its measurements (NaN
        with fewer than 3, or when a resampled mean |G|^2 is not positive).
    b_simple_measurements : int
        Measurements ``b_simple`` averages (each over up to 16 small batches).
    reference : DataFrame
        Reference runs: lr, best value, step of the best value.
    config : dict
        The `nets.TrainConfig` the runs shared, as a dict, with ``max_epochs`` and
        ``reference_batch``.
    seed : int
        The root seed.
    seconds : float
        The study's wall-clock time.
    test_is_train : bool
        The validation (and test) set is the training set itself (XOR's 4 points): the
        target is then reached on training data.
    settings : dict
        Every setting of the study as used, JSON-plain: `scaling_study`'s keyword
        arguments (``config`` a `nets.TrainConfig`'s dict; ``target`` None when the
        reference runs set it; ``reference_batch`` clipped to the set) that re-run it.
    data_record : dict
        ``fingerprint``, ``summary`` and ``data_seed`` of the data read
        (`analyses._analysis_data.data_record`).
    """

    dataset: str
    n_train: int
    target_metric: str
    target: float
    target_source: str
    batch_sizes: tuple[int, ...]
    lrs: tuple[float, ...]
    seeds: int
    max_steps: int
    runs: pd.DataFrame
    batches: pd.DataFrame
    fit: ScalingFit
    exponent: LrExponent
    lr_cap_batch: float
    noise: pd.DataFrame
    b_simple: float
    b_simple_step: float
    b_simple_low: float
    b_simple_high: float
    b_simple_measurements: int
    reference: pd.DataFrame
    config: dict
    seed: int
    seconds: float
    test_is_train: bool = False
    settings: dict = field(default_factory=dict, repr=False)
    data_record: dict = field(default_factory=dict, repr=False)

    def __repr__(self) -> str:
        return compact_repr(self)

    def to_frame(self) -> pd.DataFrame:
        """One row per run: batch_size, lr, seed, reached, status, steps, examples, ..."""
        return self.runs.copy()

    def summary(self) -> dict:
        """The JSON contract of ``hplab scaling --json`` (NaN -> None).

        ``fit_status`` is one of fitted, no_critical_batch, below_range, inconclusive,
        poor_fit, dataset_too_small, too_few_points (see `ScalingFit`); b_crit, s_min and
        e_min are None unless fitted; b_crit_at_least, a lower bound on B_crit, is None
        unless no_critical_batch or dataset_too_small.
        ``alpha_rule`` is "unknown" and ``alpha_reason`` says why when the best rates
        test no rule (else None); ``alpha_se`` includes the rate grid's spacing;
        ``lr_cap_batch`` is None when the smallest batch's best rate is at the grid's edge,
        and below that batch when its best rate is already above 1.
        ``b_simple`` averages ``b_simple_measurements`` measurements; ``b_simple_low`` and
        ``b_simple_high`` bound the central ``b_simple_interval`` of its bootstrap values
        (None when too few measurements or too noisy for one).
        """
        b = self.batches
        return {
            "dataset": self.dataset, "n_train": self.n_train,
            "target_metric": self.target_metric, "target": finite_float(self.target),
            "target_source": self.target_source,
            "batch_sizes": [int(v) for v in b["batch_size"]],
            "reached": [bool(v) for v in b["reached"]],
            # counts: whole (a median over an even number of seeds may end in .5)
            "steps_to_target": [finite_count(v) for v in b["steps"]],
            "examples_to_target": [finite_count(v) for v in b["examples"]],
            "best_lr": [finite_float(v) for v in b["best_lr"]],
            "lr_opt": [finite_float(v) for v in b["lr_opt"]],
            "at_grid_edge": [bool(v) for v in b["at_grid_edge"]],
            "regimes": list(b["regime"]),
            "fit_status": self.fit.status, "fit_message": self.fit.message,
            "b_crit": finite_float(self.fit.b_crit),
            # no_critical_batch's and dataset_too_small's lower bound
            "b_crit_at_least": finite_float(self.fit.b_crit_at_least),
            "s_min": finite_float(self.fit.s_min),
            "e_min": finite_float(self.fit.e_min), "r2": finite_float(self.fit.r2),
            "alpha": finite_float(self.exponent.alpha),
            "alpha_se": finite_float(self.exponent.alpha_se),
            "alpha_rule": self.exponent.rule, "alpha_reason": self.exponent.reason or None,
            "lr_cap_batch": finite_float(self.lr_cap_batch),
            "b_simple": finite_float(self.b_simple),
            "b_simple_step": finite_count(self.b_simple_step),
            "b_simple_low": finite_float(self.b_simple_low),
            "b_simple_high": finite_float(self.b_simple_high),
            "b_simple_measurements": int(self.b_simple_measurements),
            "b_simple_interval": NOISE_INTERVAL,
            # what was run: two experiments differing in grid, seeds or net read apart
            "lrs": [float(v) for v in self.lrs], "seeds": int(self.seeds),
            "seed": int(self.seed), "max_steps": int(self.max_steps), "config": self.config,
            "seconds": self.seconds, "test_is_train": bool(self.test_is_train),
        }
