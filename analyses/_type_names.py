"""The names `analyses.__getattr__` imports on first use (`_LAZY`, `_FROM_NETS`), imported
at once for type checkers only: ``analyses/__init__.py`` star-imports this module under
``TYPE_CHECKING``, so a user's mypy or pyright sees their signatures, not the ``Any`` of a
module ``__getattr__``. tests/test_typed.py keeps it equal to those tables."""

from nets import (
    DEFAULT_NET as DEFAULT_NET,
    DEFAULT_SAMPLING_RATIO as DEFAULT_SAMPLING_RATIO,
    IMBALANCE_METRICS as IMBALANCE_METRICS,
    PIPELINE_NET_PARAMS as PIPELINE_NET_PARAMS,
    AnomalyClassifier as AnomalyClassifier,
    imbalance_metrics as imbalance_metrics,
    make_imbalance_pipeline as make_imbalance_pipeline,
    net_params_from_config as net_params_from_config,
    nothing_to_resample as nothing_to_resample,
    too_few_for_neighbours as too_few_for_neighbours,
)

from . import _lr_ramp_rates, _scaling_law
from ._backend import BACKENDS as BACKENDS, run_tasks as run_tasks
from ._beats_baseline import BASELINE_MARGIN as BASELINE_MARGIN, failed_runs as failed_runs
from ._capacity import capacity_sweep as capacity_sweep, summarize_runs as summarize_runs
from ._capacity_result import CapacityResult as CapacityResult, width_reach as width_reach
from ._capacity_rmse import config_rmse as config_rmse, target_scale as target_scale
from ._defaults import (
    CAPACITY_CONFIG as CAPACITY_CONFIG,
    CAPACITY_SWEEP_DEFAULTS as CAPACITY_SWEEP_DEFAULTS,
    LR_RANGE_CONFIG as LR_RANGE_CONFIG,
    LR_RANGE_TEST_DEFAULTS as LR_RANGE_TEST_DEFAULTS,
)
from ._imbalance import imbalance_benchmark as imbalance_benchmark, seed_states as seed_states
from ._imbalance_budget import (
    training_budget as training_budget,
    undertrained_words as undertrained_words,
)
from ._imbalance_metrics import (
    METRIC_RANGE as METRIC_RANGE,
    PROBABILITY_METRICS as PROBABILITY_METRICS,
    TUNE_METRICS as TUNE_METRICS,
    best_threshold as best_threshold,
    mean_ci as mean_ci,
    tune_threshold as tune_threshold,
    unranked as unranked,
    unranked_words as unranked_words,
)
from ._imbalance_positives import (
    FEW_TEST_POSITIVES as FEW_TEST_POSITIVES,
    few_positives_words as few_positives_words,
    positives_in_test_sets as positives_in_test_sets,
)
from ._imbalance_ratios import parse_ratios as parse_ratios
from ._imbalance_result import ImbalanceResult as ImbalanceResult
from ._imbalance_runs import THRESHOLDS as THRESHOLDS
from ._imbalance_slow import SLOW_STRATEGIES as SLOW_STRATEGIES
from ._imbalance_unchanged import (
    unchanged_runs as unchanged_runs,
    unchanged_words as unchanged_words,
)
from ._imbalance_variants import OWN as OWN, load_variant as load_variant
from ._imbalance_verdict import (
    VERDICTS as VERDICTS,
    against_first as against_first,
    distinct_runs as distinct_runs,
    overlapping_best as overlapping_best,
    seeds_compared as seeds_compared,
    tied_ranks as tied_ranks,
    unsettled_first as unsettled_first,
)
from ._lr_advice import (
    RAMP_SET as RAMP_SET,
    at_ramp_start as at_ramp_start,
    looper_rise_words as looper_rise_words,
    no_stop_advice as no_stop_advice,
    no_stop_words as no_stop_words,
    no_suggestion_reason as no_suggestion_reason,
    plain_sgd_valley as plain_sgd_valley,
    ramp_set as ramp_set,
    ramp_set_warning as ramp_set_warning,
    seeds_that_stopped as seeds_that_stopped,
    shallow_descent as shallow_descent,
    smooth_curve as smooth_curve,
)
from ._lr_grid import MAX_RATES as MAX_RATES, lr_grid as lr_grid
from ._lr_ramp import LOOPER_RISE as LOOPER_RISE, RangeCurve as RangeCurve, range_test as range_test
from ._lr_ramp_rates import ramp_rates as ramp_rates
from ._lr_range import RAMP_REPLACES as RAMP_REPLACES, lr_range_test as lr_range_test
from ._lr_range_result import (
    LRRangeResult as LRRangeResult,
    summarize_suggestions as summarize_suggestions,
)
from ._lr_rule import (
    COARSE_GRID as COARSE_GRID,
    LR_CAP as LR_CAP,
    LrExponent as LrExponent,
    fit_lr_exponent as fit_lr_exponent,
    rule_verdict as rule_verdict,
)
from ._lr_verify import (
    NOISE_SE as NOISE_SE,
    VERIFY_FACTORS as VERIFY_FACTORS,
    VERIFY_GROWTH as VERIFY_GROWTH,
    verify_grid as verify_grid,
    verify_runs as verify_runs,
    verify_verdict as verify_verdict,
)
from ._noise_scale import (
    GradientNoiseScale as GradientNoiseScale,
    exact_noise_scale as exact_noise_scale,
    noise_from_norms as noise_from_norms,
)
from ._noise_window import NOISE_INTERVAL as NOISE_INTERVAL, NOISE_WINDOW as NOISE_WINDOW
from ._python_words import (
    flags_in_errors as flags_in_errors,
    in_python_words as in_python_words,
    is_hplab_line as is_hplab_line,
    words_for as words_for,
)
from ._refine_lr import refine_lr as refine_lr
from ._scaling import scaling_study as scaling_study
from ._scaling_checks import default_batch_sizes as default_batch_sizes
from ._scaling_fit import ScalingFit as ScalingFit, mccandlish_steps as mccandlish_steps
from ._scaling_law import (
    EXTRAPOLATE as EXTRAPOLATE,
    fit_scaling_law as fit_scaling_law,
)
from ._scaling_regimes import regimes as regimes
from ._scaling_result import ScalingResult as ScalingResult
from ._scaling_runs import (
    TARGET_METRICS as TARGET_METRICS,
    best_per_batch as best_per_batch,
    median_steps_by_rate as median_steps_by_rate,
)
from ._slope_bound import (
    NO_SLOPE_MEASURED as NO_SLOPE_MEASURED,
    slope_text as slope_text,
    summary_slope_bound as summary_slope_bound,
)
from ._suggest import (
    DEFAULT_SUGGESTION as DEFAULT_SUGGESTION,
    SKIP_END as SKIP_END,
    SKIP_START_FRACTION as SKIP_START_FRACTION,
    SUGGESTION_RULES as SUGGESTION_RULES,
    SUGGESTIONS as SUGGESTIONS,
    suggest as suggest,
    trim_curve as trim_curve,
)

# the package's names for what their modules call otherwise (`_RENAMED`): assigned, as a
# type checker's strict mode takes "X as Y" for no re-export
LR_RANGE_MODES = _lr_ramp_rates.MODES
SCALING_MIN_POINTS = _scaling_law.MIN_POINTS
