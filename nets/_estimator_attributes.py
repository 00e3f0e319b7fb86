"""What `NetClassifier` and `NetRegressor` hold, declared for type checkers: scikit-learn's
``__init__`` stores each parameter with ``setattr`` (`_net_estimator._store`) and
scikit-learn's ``validate_data`` sets ``n_features_in_``, which neither mypy nor pyright
(VS Code's Pylance) can see, so ``clf.lr`` or ``clf.n_features_in_`` was an error in a
user's script. Annotations only: no attribute exists before its ``__init__`` or ``fit``
sets it (``check_is_fitted`` reads the fitted ones' absence)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pandas as pd

    from ._config import TrainConfig
    from ._model import MLP
    from ._train_result import TrainResult


class _Declared:
    """The estimators' parameters, as given (``get_params``), and fitted attributes."""

    # parameters, stored as given: their types as the estimators' docstrings give them
    hidden: int | tuple[int, ...]
    activation: str | tuple[str, ...]
    optimizer: str
    lr: float
    batch_size: int
    max_epochs: float
    eps: float
    patience: int
    min_delta: float
    l2: float
    init: str
    schedule: str
    lr_milestones: tuple[int, ...]
    lr_gamma: float
    lr_decay_steps: float
    dtype: npt.DTypeLike
    random_state: int | np.random.RandomState | np.random.Generator | None
    momentum: float
    beta1: float
    beta2: float
    rho: float | None
    opt_eps: float | None
    lr_power: float
    lr_min: float
    warmup_steps: int
    l1: float
    weight_decay: float | None
    dropout: float
    batch_norm: bool
    # fitted (``fit``): scikit-learn's two, then the net's
    n_features_in_: int
    feature_names_in_: np.ndarray
    net_: MLP
    config_: TrainConfig
    history_: pd.DataFrame
    result_: TrainResult
    loss_curve_: list[float]
    loss_: float
    status_: str
    reason_: str
    n_iter_: int
    t_: int
