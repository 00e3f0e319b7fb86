"""hplab's analyses package."""

# -- batch-size / learning-rate scaling (hplab scaling)
from ._backend import BACKENDS, run_tasks

# -- capacity sweeps (hplab capacity)
from ._capacity import DEFAULT_CONFIG as CAPACITY_CONFIG
from ._capacity import CapacityResult, capacity_sweep, summarize_runs

# -- imbalanced data (hplab imbalance)
from ._imbalance import OWN, imbalance_benchmark, parse_ratios, seed_states
from ._imbalance_metrics import (
    IMBALANCE_METRICS,
    TUNE_METRICS,
    best_threshold,
    imbalance_metrics,
    mean_ci,
    tune_threshold,
)
from ._imbalance_result import ImbalanceResult
from ._imbalance_strategies import (
    DEFAULT_NET,
    DEFAULT_SAMPLING_RATIO,
    PIPELINE_NET_PARAMS,
    STRATEGIES,
    AnomalyClassifier,
    Strategy,
    make_imbalance_pipeline,
    net_params_from_config,
    nothing_to_resample,
    resolve_strategies,
    too_few_for_neighbours,
)
from ._imbalance_variants import load_variant

# -- learning-rate range test (hplab lr-range)
from ._lr_ramp import MODES as LR_RANGE_MODES
from ._lr_ramp import RangeCurve, ramp_rates, range_test
from ._lr_range import DEFAULT_CONFIG as LR_RANGE_CONFIG
from ._lr_range import (
    RAMP_REPLACES,
    LRRangeResult,
    lr_range_test,
    no_stop_advice,
    summarize_suggestions,
)
from ._lr_verify import (
    VERIFY_FACTORS,
    VERIFY_GROWTH,
    verify_grid,
    verify_runs,
    verify_verdict,
)

# -- scaling (continued)
from ._noise_scale import GradientNoiseScale, exact_noise_scale, noise_from_norms
from ._scaling import default_batch_sizes, lr_grid, scaling_study
from ._scaling_law import (
    LrExponent,
    ScalingFit,
    fit_lr_exponent,
    fit_scaling_law,
    mccandlish_steps,
    refine_lr,
    regimes,
)
from ._scaling_result import ScalingResult
from ._scaling_runs import TARGET_METRICS, best_per_batch

# -- learning-rate suggestions (hplab lr-range)
from ._suggest import DEFAULT_SUGGESTION, SUGGESTIONS, suggest, trim_curve

__all__ = [
    "BACKENDS", "GradientNoiseScale", "LrExponent", "ScalingFit", "ScalingResult",
    "TARGET_METRICS", "best_per_batch", "default_batch_sizes", "exact_noise_scale",
    "fit_lr_exponent", "fit_scaling_law", "lr_grid", "mccandlish_steps", "noise_from_norms",
    "refine_lr", "regimes", "run_tasks", "scaling_study",
]
# imbalanced data (hplab imbalance)
__all__ += [
    "DEFAULT_NET", "DEFAULT_SAMPLING_RATIO", "IMBALANCE_METRICS", "OWN", "STRATEGIES",
    "TUNE_METRICS", "AnomalyClassifier", "ImbalanceResult", "Strategy", "best_threshold",
    "imbalance_benchmark",
    "imbalance_metrics", "load_variant", "make_imbalance_pipeline", "mean_ci",
    "net_params_from_config", "nothing_to_resample", "parse_ratios", "resolve_strategies",
    "seed_states", "too_few_for_neighbours",
    "tune_threshold",
]
# learning-rate range test (hplab lr-range) and capacity sweeps (hplab capacity)
__all__ += [
    "CAPACITY_CONFIG", "CapacityResult", "DEFAULT_SUGGESTION", "LRRangeResult",
    "LR_RANGE_CONFIG", "LR_RANGE_MODES", "RangeCurve", "SUGGESTIONS", "VERIFY_FACTORS",
    "VERIFY_GROWTH", "verify_grid",
    "capacity_sweep", "lr_range_test", "no_stop_advice", "ramp_rates", "range_test", "suggest",
    "RAMP_REPLACES", "PIPELINE_NET_PARAMS", "summarize_runs", "summarize_suggestions",
    "trim_curve", "verify_runs",
    "verify_verdict",
]
