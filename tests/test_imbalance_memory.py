"""The imbalance benchmark's memory on image-sized data, as a ratio to the data's own size."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import traced_peak
from test_data_idx import write_folder

import analyses


@pytest.mark.parametrize("strategy", ["random_over", "smote"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("ratio", [0.2, 1.0])
def test_the_over_samplers_return_imbalanced_learns_arrays_bit_for_bit(strategy, dtype, ratio):
    # they stack the training rows once where imbalanced-learn's copy them first: the rows
    # it chooses or makes, in its order, from the same seed
    from imblearn.over_sampling import SMOTE, RandomOverSampler

    rng = np.random.default_rng(1)
    X = rng.normal(size=(3000, 20)).astype(dtype)
    y = (rng.random(3000) < 0.05).astype(np.int64)
    ours = analyses.make_imbalance_pipeline(strategy, ratio, random_state=3)
    sampler = ours.named_steps["sampler"]
    theirs = {"random_over": RandomOverSampler, "smote": SMOTE}[strategy](
        sampling_strategy=ratio, random_state=3)
    (Xa, ya), (Xb, yb) = sampler.fit_resample(X, y), theirs.fit_resample(X, y)
    assert Xa.dtype == Xb.dtype == dtype and Xa.tobytes() == Xb.tobytes()
    assert ya.dtype == yb.dtype and np.array_equal(ya, yb)
    assert len(ya) > len(y) and type(sampler).__name__ == type(theirs).__name__
    if strategy == "random_over":
        assert np.array_equal(sampler.sample_indices_, theirs.sample_indices_)


@pytest.mark.slow
def test_an_over_sampling_run_on_image_sized_data_copies_the_training_rows_once(tmp_path):
    # QA: on MNIST-sized data (51,000 x 784 float32 at 1:20) the benchmark peaked at 3.7x
    # the data's arrays: imbalanced-learn's SMOTE and RandomOverSampler copied the training
    # rows whole before stacking them with the new ones (memray: 725 MiB at the peak, now 583)
    rng = np.random.default_rng(0)
    arrays = {}
    for prefix, n in (("train", 30_000), ("t10k", 5_000)):
        y = (np.arange(n) % 10).astype(np.uint8)
        X = rng.integers(0, 216, (n, 28, 28), np.uint8)
        X[y == 3, 4:7, 2:5] += 40  # the positive class learnable
        arrays[f"{prefix}-images-idx3-ubyte"], arrays[f"{prefix}-labels-idx1-ubyte"] = X, y
    write_folder(tmp_path / "m", arrays, gz=False)
    name = f"idx:{tmp_path / 'm'}"
    kwargs = {"positive": 3, "ratios": "1:20", "strategies": ["random_over", "smote"],
              "seeds": 1, "workers": 1, "net_params": {"max_epochs": 1, "batch_size": 512}}
    first = analyses.imbalance_benchmark(name, **kwargs)  # imports, BLAS buffers: outside
    with traced_peak() as traced:
        again = analyses.imbalance_benchmark(name, **kwargs)
    ds = analyses.load_variant(name, "1:20", 3, first.data_record["fingerprint"][0]["data_seed"])
    held = sum(getattr(ds, s).nbytes for s in ("X_train", "X_val", "X_test"))
    assert ds.X_train.shape == (25_515, 784) and held == 33_075 * 784 * 4  # 104 MB
    assert first.scores["proba"].tolist() == again.scores["proba"].tolist()
    assert len(again.scores) == 2 * 4_725  # each strategy's test rows
    # the variant, its one resampled copy (1.14x its training rows), the net's 10,000-row
    # loss sample and SMOTE's neighbour search: 2.27x; 2.81x with imbalanced-learn's
    # spare copy of the training rows
    assert traced.bytes < 2.5 * held


def test_pool_workers_map_each_large_variant_from_one_file(tmp_path, monkeypatch):
    # QA: each of 2 workers loaded every variant its runs named again (MNIST-sized at
    # 1:20: 670-690 MB of its own each, now 330-380 with the mapped file's pages shared);
    # any set counts as large here, so moons is shared too
    import tempfile

    import data._shared
    from analyses import _imbalance

    monkeypatch.setattr(data._shared, "SHARE_BYTES", 0)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    carried = []

    def run_tasks(fn, tasks, **kwargs):  # the real runs, their tasks seen on the way
        carried.extend(tasks)
        return real(fn, tasks, **kwargs)

    real = _imbalance.run_tasks
    kwargs = {"ratios": ["1:10", "1:20"], "strategies": ["none", "smote"], "seeds": 2,
              "net_params": {"hidden": (8,), "max_epochs": 3}}
    name = "moons?n_train=2000&n_test=1000&noise=0.35"
    one = analyses.imbalance_benchmark(name, workers=1, **kwargs)
    assert not list(tmp_path.iterdir())  # one process: nothing written
    monkeypatch.setattr(_imbalance, "run_tasks", run_tasks)
    two = analyses.imbalance_benchmark(name, workers=2, **kwargs)
    assert len(carried) == 8 and not list(tmp_path.iterdir())  # the folder removed after
    for task in carried:  # its own variant's arrays, mapped: one file per variant
        ds = analyses.load_variant(task.variant.dataset, task.ratio, None, task.variant.seed)
        assert isinstance(task.data.X_train.base, np.memmap)
        assert task.data.X_train.tobytes() == ds.X_train.tobytes()
        assert task.data.y_test.tobytes() == ds.y_test.tobytes()
    assert len({t.data.X_train.base.filename for t in carried}) == 4
    pd.testing.assert_frame_equal(one.scores, two.scores)  # bit for bit
    pd.testing.assert_frame_equal(one.runs, two.runs)


def test_the_anomaly_baseline_keeps_float32_features_as_they_are():
    # QA: isolation_forest made MNIST-sized float32 features float64 (305 MiB), which
    # IsolationForest then made float32 again: the imbalance benchmark's peak, 2.4x the
    # data's arrays above them; the same scores as from float64 features, bit for bit
    from nets import AnomalyClassifier

    rng = np.random.default_rng(0)
    X = rng.random((40_000, 100), dtype=np.float32)  # 16 MB
    y = (rng.random(40_000) < 0.05).astype(np.int64)
    wide = AnomalyClassifier(n_estimators=10, random_state=0).fit(X.astype(np.float64), y)
    expected = wide.predict_proba(X.astype(np.float64))
    model = AnomalyClassifier(n_estimators=10, random_state=0)
    with traced_peak() as traced:
        got = model.fit(X, y).predict_proba(X)
    assert got.tobytes() == expected.tobytes() and got.dtype == np.float64
    assert got[:, 1].min() > 0.3 and got[:, 1].max() < 0.9  # scores, not a constant
    # its scores and the forest's own sampling: 0.11x X; 3.11x before (a float64 copy of
    # X, then a float32 one of that)
    assert traced.bytes < 0.5 * X.nbytes
