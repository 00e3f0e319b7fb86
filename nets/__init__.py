"""nets: multi-layer perceptrons from scratch in NumPy.

Dense layers with per-layer activations, heads with matched losses,
initializers, optimizers, learning-rate schedules, a training loop with
checkpoints and callbacks, a gradient check, ``.npz`` persistence,
scikit-learn estimators, prediction from saved models and ONNX export
(``onnx`` imported only when exporting). Imports neither optuna nor matplotlib.
"""

from ._activations import ACTIVATIONS, Activation, get_activation
from ._callbacks import Callback, ParamSnapshots, TrainState
from ._config import TrainConfig
from ._gradcheck import GradCheckResult, gradcheck, gradcheck_dataset, verdict
from ._heads import HEADS, Head, get_head, infer_head
from ._init import INITIALIZERS
from ._io import (
    folder_blocker,
    is_model_file,
    load_net,
    make_folder,
    save_net,
    stage_file,
    write_atomically,
)
from ._model import MLP
from ._onnx import ONNX_OUTPUTS, export_onnx
from ._optimizers import OPTIMIZERS, Optimizer, make_optimizer
from ._predict import Prediction, SavedModel, load_model
from ._predict_io import (
    predict_dataset,
    prediction_frame,
    prediction_records,
    read_inputs,
    score_prediction,
)
from ._printable import and_list, count_of, escaped, unprintable
from ._schedules import SCHEDULES, learning_rate
from ._settings_read import SETTINGS_READ, unread_settings
from ._train import (
    HISTORY_COLUMNS,
    TrainResult,
    build_net,
    evaluate,
    new_optimizer,
    train,
    train_streams,
)
from ._versions import hplab_version, versions
from ._write_csv import write_csv

__all__ = [
    "ACTIVATIONS", "Activation", "get_activation", "Callback", "ParamSnapshots", "TrainState",
    "TrainConfig", "GradCheckResult", "gradcheck", "gradcheck_dataset", "verdict", "HEADS",
    "Head", "get_head", "infer_head", "INITIALIZERS", "is_model_file", "load_net", "save_net",
    "MLP", "folder_blocker", "make_folder", "stage_file", "write_atomically", "write_csv",
    "OPTIMIZERS", "Optimizer", "make_optimizer",
    "SCHEDULES", "learning_rate", "SETTINGS_READ", "unread_settings",
    "HISTORY_COLUMNS", "TrainResult", "build_net", "evaluate", "new_optimizer", "train",
    "train_streams", "NetClassifier",
    "NetRegressor",
    "Prediction", "SavedModel", "load_model", "ONNX_OUTPUTS", "export_onnx", "predict_dataset",
    "prediction_frame", "prediction_records", "read_inputs", "score_prediction",
    "hplab_version", "versions", "and_list", "count_of", "escaped", "unprintable",
]


def __getattr__(name):
    # scikit-learn costs ~1.5 s to import; of nets, only the estimators need it, so
    # `import nets` (every command, a --help too) skips it. A training run mostly pays it
    # anyway: data holds out a validation split with scikit-learn's train_test_split
    # (coin, digits, a CSV...; not xor, whose validation set is its training set).
    if name in ("NetClassifier", "NetRegressor"):
        from . import _sklearn

        return getattr(_sklearn, name)
    raise AttributeError(f"module 'nets' has no attribute {name!r}")
