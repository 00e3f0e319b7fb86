"""The capacity report's per-configuration table: its CSV's columns and its page's, whose
headers are shortened so that its fourteen columns fit a 1280 px window (the CSV keeps the
full names and the exact values)."""

from __future__ import annotations

import pandas as pd

#: The page's short words for the CSV's long ones, said in the table's caption. Headers
#: break after their underscores, so a column is as wide as its longest word: "accuracy",
#: "parameters", "iterations" and "diverged" pushed diverged and seconds behind the
#: sideways scroll at 1280 px.
SHORT = {"accuracy": "acc", "n_parameters": "params", "iterations": "iters"}


def per_config(table: pd.DataFrame, metric: str,
               rmse: pd.Series | None) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The CSV's table, the page's (the same cells, shorter headers) and the caption's word
    on the short headers (`shortened`)."""
    # the validation spread is the sufficient width's tolerance: shown beside its mean
    cols = ["depth", "width", "n_parameters", "train_accuracy", "val_accuracy",
            "val_accuracy_std", "test_accuracy", "test_accuracy_std", "test_loss",
            "iterations_to_eps", "epochs_to_eps", "reached_eps", "diverged", "seconds"]
    if metric == "loss":
        cols = scored_columns(cols, metric) + ["train_loss", "val_loss", "val_loss_std"]
    if rmse is not None:  # beside the test loss it comes from
        table = table.assign(test_rmse=rmse)
        cols.insert(cols.index("test_loss") + 1, "test_rmse")
        # and R², as train's report gives it beside the RMSE (QA)
        cols[cols.index("test_rmse") + 1:cols.index("test_rmse") + 1] = [
            c for c in ("val_r2", "test_r2") if c in table]
    return shortened(table[cols])


def scored_columns(columns, metric: str) -> list[str]:
    """``columns`` a table of the sweep shows: without the accuracy ones for a sweep scored
    by its loss (regression, whose nets have no accuracy: a column of dashes), nor the R²
    ones for one scored by accuracy."""
    # nor R² for one scored by accuracy (classification, whose R² is undefined)
    return [c for c in columns if not ("accuracy" in c if metric == "loss" else "r2" in c)]


def shortened(csv: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """``csv``, the page's table (its headers in `SHORT` words) and the caption's word on
    them."""
    said = [f"{short}: {long.replace('n_', '')}" for long, short in SHORT.items()
            if any(long in c for c in csv.columns)]
    note = (" Shortened on the page (" + ", ".join(said) + "); the CSV's columns name them "
            "in full.") if said else ""
    return csv, csv.rename(columns=_short), note


def _short(column: str) -> str:
    if column in SHORT:
        return SHORT[column]
    return "_".join(SHORT.get(part, part) for part in column.split("_"))
