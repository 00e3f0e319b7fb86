"""hplab's analyses package."""

# -- batch-size / learning-rate scaling (hplab scaling)
from ._backend import BACKENDS, run_tasks

# -- imbalanced data (hplab imbalance)
from ._imbalance import OWN, imbalance_benchmark, load_variant, parse_ratios, seed_states
from ._imbalance_metrics import IMBALANCE_METRICS, imbalance_metrics, mean_ci, tune_threshold
from ._imbalance_result import ImbalanceResult
from ._imbalance_strategies import (
    DEFAULT_NET,
    DEFAULT_SAMPLING_RATIO,
    STRATEGIES,
    AnomalyClassifier,
    Strategy,
    make_imbalance_pipeline,
    net_params_from_config,
    resolve_strategies,
)

# -- scaling (continued)
from ._noise_scale import GradientNoiseScale, exact_noise_scale, noise_from_norms
from ._scaling import ScalingResult, default_batch_sizes, lr_grid, scaling_study
from ._scaling_law import (
    LrExponent,
    ScalingFit,
    fit_lr_exponent,
    fit_scaling_law,
    mccandlish_steps,
    refine_lr,
    regimes,
)
from ._scaling_runs import TARGET_METRICS, best_per_batch

__all__ = [
    "BACKENDS", "GradientNoiseScale", "LrExponent", "ScalingFit", "ScalingResult",
    "TARGET_METRICS", "best_per_batch", "default_batch_sizes", "exact_noise_scale",
    "fit_lr_exponent", "fit_scaling_law", "lr_grid", "mccandlish_steps", "noise_from_norms",
    "refine_lr", "regimes", "run_tasks", "scaling_study",
]
# imbalanced data (hplab imbalance)
__all__ += [
    "DEFAULT_NET", "DEFAULT_SAMPLING_RATIO", "IMBALANCE_METRICS", "OWN", "STRATEGIES",
    "AnomalyClassifier", "ImbalanceResult", "Strategy", "imbalance_benchmark",
    "imbalance_metrics", "load_variant", "make_imbalance_pipeline", "mean_ci",
    "net_params_from_config", "parse_ratios", "resolve_strategies", "seed_states",
    "tune_threshold",
]
