"""study: training runs and Optuna searches over their hyperparameters."""

from ._train_run import TrainRun, save_run_files, test_metrics, train_run, train_streams

__all__ = ["TrainRun", "save_run_files", "test_metrics", "train_run", "train_streams"]
