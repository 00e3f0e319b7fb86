"""hplab's datasets: one name -> normalized train / validation / test arrays.

>>> ds = load("coin", seed=0)                      # doctest: +SKIP
>>> ds.X_train.shape, ds.sizes()                   # doctest: +SKIP
((900, 2), {'train': 900, 'val': 100, 'test': 500})

Names: see `list_datasets()` (``hplab data list``). Downloaded data lives under
`data_home()`: ``$HPLAB_DATA``, else ``$XDG_CACHE_HOME/hplab``, else ``~/.cache/hplab``
(MNIST in its ``mnist`` subfolder, filled by `fetch_mnist` / ``hplab data fetch mnist``).
"""

from ._class_weights import class_weights
from ._csv_load import option_text
from ._csv_read import exact_floats
from ._dataset import DataError, Dataset, DataWarning
from ._describe import describe_dataset, describe_fetch, describe_listing
from ._download import sha256_file
from ._fetch import data_home, fetch_mnist
from ._home import expand_home
from ._idx import read_idx
from ._imbalance import parse_ratio, ratio_text, same_ratio
from ._load import load
from ._mnist_source import MNIST_FILES, MNIST_SHA256, MNIST_URL
from ._model_data import model_data_changed, model_data_paths, model_data_seed
from ._name_forms import (
    absolute_name,
    canonical_name,
    check_sources,
    source_paths,
    with_options,
)
from ._registry import COMMON_OPTIONS, DATASETS, list_datasets, parse_name
from ._script_sets import BUILT_IN_DATASETS, register_dataset, unknown_set
from ._shared import SHARE_BYTES, is_large, mapped_copy, shared_with_workers
from ._split import SCALINGS, TEST_FRACTION

__all__ = [
    "SHARE_BYTES", "is_large",
    "mapped_copy",
    "shared_with_workers",
    "BUILT_IN_DATASETS", "COMMON_OPTIONS", "DATASETS", "MNIST_FILES", "MNIST_SHA256",
    "MNIST_URL", "SCALINGS",
    "TEST_FRACTION",
    "class_weights", "exact_floats",
    "DataError", "DataWarning", "Dataset", "absolute_name", "canonical_name", "check_sources",
    "data_home",
    "describe_dataset", "describe_fetch", "describe_listing",
    "expand_home", "fetch_mnist", "list_datasets", "load",
    "model_data_changed", "model_data_paths", "model_data_seed", "option_text", "parse_name",
    "parse_ratio",
    "ratio_text", "read_idx", "register_dataset", "same_ratio", "sha256_file", "source_paths",
    "unknown_set", "with_options",
]
