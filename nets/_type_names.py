"""The names `nets.__getattr__` imports on first use (`_LAZY`: scikit-learn's and joblib's
users), imported at once for type checkers only: ``nets/__init__.py`` star-imports this
module under ``TYPE_CHECKING``, so a user's mypy or pyright sees their signatures, not
the ``Any`` of a module ``__getattr__``. tests/test_typed.py keeps it equal to `_LAZY`."""

from ._imbalance_defaults import (
    DEFAULT_NET as DEFAULT_NET,
    DEFAULT_SAMPLING_RATIO as DEFAULT_SAMPLING_RATIO,
)
from ._imbalance_scores import (
    CONFUSION as CONFUSION,
    IMBALANCE_METRICS as IMBALANCE_METRICS,
    binary_labels_and_scores as binary_labels_and_scores,
    check_metric as check_metric,
    imbalance_metrics as imbalance_metrics,
)
from ._imbalance_strategies import (
    PIPELINE_NET_PARAMS as PIPELINE_NET_PARAMS,
    AnomalyClassifier as AnomalyClassifier,
    check_net_params as check_net_params,
    check_sampling_ratio as check_sampling_ratio,
    make_imbalance_pipeline as make_imbalance_pipeline,
    net_params_from_config as net_params_from_config,
    over_default_net as over_default_net,
)
from ._net_estimator import save_estimator as save_estimator
from ._pool import (
    HeldStartLoky as HeldStartLoky,
    interrupt_main_soon as interrupt_main_soon,
    release_interrupts as release_interrupts,
)
from ._sampler_checks import (
    nothing_to_resample as nothing_to_resample,
    too_few_for_neighbours as too_few_for_neighbours,
)
from ._sklearn import NetClassifier as NetClassifier, NetRegressor as NetRegressor
