"""The imbalance remedies' defaults: the ratio the samplers aim for and the net a pipeline
trains when the caller gives none. Kept apart from the pipelines (``_imbalance_strategies``,
which import scikit-learn and imbalanced-learn): `hplab imbalance --help` and its flags
read them without the seconds those cost."""

from __future__ import annotations

#: The course's advice: resample toward about 1:5 (minority/majority = 0.2), not 1:1.
DEFAULT_SAMPLING_RATIO = 0.2

#: Network hyperparameters used when the caller gives none: small and quick, enough to
#: separate digits one-vs-rest or moons in a few seconds. float32 as hplab's other analyses
#: (NetClassifier's own default is float64, as a scikit-learn estimator's): MNIST-sized data
#: at 1:50 takes 490 MB instead of 730 MB, and trains faster.
DEFAULT_NET = {"hidden": (16,), "activation": "relu", "optimizer": "adam", "lr": 0.01,
               "batch_size": 32, "max_epochs": 60, "patience": 10, "dtype": "float32"}
