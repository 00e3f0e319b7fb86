"""Data files the tests write: small CSVs a QA report reproduced a defect with."""

import numpy as np
import pandas as pd


def read_csv_exactly(path, **kwargs) -> pd.DataFrame:
    """``pd.read_csv`` with each number the float nearest its text, as hplab reads CSVs:
    pandas 2's parser misses by an ulp (a file's 0.9793788354336143 read ...44), pandas 3
    is exact (and deprecates the option)."""
    if int(pd.__version__.split(".")[0]) < 3:
        kwargs.setdefault("float_precision", "round_trip")
    return pd.read_csv(path, **kwargs)


def four_classes_csv(path, counts, seed=1) -> str:
    """The QA's four.csv: four Gaussian classes of string labels, as many rows of each as
    ``counts`` says (e.g. alpha 1000, beta 100, gamma 10, delta 3); its dataset name."""
    rng = np.random.default_rng(seed)
    centers = np.array([[0, 0, 0, 0], [2, 0, 1, 0], [0, 2, 0, 1], [2, 2, 1, 1]])
    frame = pd.concat([pd.DataFrame(m + rng.normal(0, 0.6, (n, 4)),
                                    columns=["f1", "f2", "f3", "f4"]).assign(kind=c)
                       for (c, n), m in zip(counts.items(), centers, strict=True)])
    frame.sample(frac=1, random_state=0).to_csv(path, index=False)
    return f"csv:{path}?target=kind"


def harvest_csv(path, features=("temp_c",), rows=60, seed=0) -> str:
    """The QA's one.csv: a yield in kg that grows with ``features[0]`` (in degrees), each
    feature a column of that name, the target ``yield_kg`` last; its dataset name."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(0, 40, (rows, len(features)))
    frame = pd.DataFrame(X, columns=list(features))
    frame["yield_kg"] = 3 + 0.1 * X[:, 0] + rng.normal(0, 0.2, rows)
    frame.to_csv(path, index=False)
    return f"csv:{path}"
