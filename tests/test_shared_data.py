"""A large set's pool workers share one temporary copy of the data, mapped read-only,
instead of each loading its own (QA: MNIST-sized data, 2 workers at ~510 MB each)."""

from __future__ import annotations

import os

import numpy as np
import pytest

import data
import study
from data import mapped_copy as mapped, shared_with_workers
from data._shared import SPLITS


def _quadrants_csv(path, rows: int, seed: int = 0):
    X = np.random.default_rng(seed).normal(size=(rows, 2))
    table = np.column_stack([X, (X[:, 0] * X[:, 1] > 0).astype(int)])
    np.savetxt(path, table, delimiter=",", header="a,b,label", comments="", fmt="%.6g")
    return path


def test_a_mapped_copy_holds_the_same_bits_in_files_it_shares(tmp_path):
    ds = data.load("digits", seed=3)
    copy = mapped(ds, str(tmp_path))
    assert copy.fingerprint() == ds.fingerprint()  # what a study checks: the same data
    for name in SPLITS:
        mine, theirs = getattr(ds, name), getattr(copy, name)
        assert theirs.dtype == mine.dtype and np.array_equal(theirs, mine)
        assert type(theirs) is np.ndarray and not theirs.flags.writeable
        # backed by a file, not by this process's memory: every worker maps the same pages
        assert isinstance(theirs.base, np.memmap)
        assert os.path.dirname(theirs.base.filename) == str(tmp_path)
        assert not np.shares_memory(theirs, mine)
    assert copy.X_train.dtype == np.float32 and copy.X_train.shape == (1293, 64)
    assert sorted(os.listdir(tmp_path)) == sorted(f"{n}.npy" for n in SPLITS)


def test_splits_that_are_one_array_stay_one_file(tmp_path):
    ds = data.load("xor")  # validates and tests on its training points: one label array
    assert ds.y_val is ds.y_train and ds.y_test is ds.y_train
    copy = mapped(ds, str(tmp_path))
    assert copy.y_val is copy.y_train and copy.y_test is copy.y_train
    assert np.array_equal(copy.X_test, [[0, 0], [0, 1], [1, 0], [1, 1]])
    assert sorted(os.listdir(tmp_path)) == ["X_test.npy", "X_train.npy", "X_val.npy",
                                            "y_train.npy"]


def test_the_shared_folder_is_removed_and_a_small_set_handed_as_it_is(tmp_path):
    ds = data.load("coin")
    with shared_with_workers(ds, False) as given:
        assert given is ds
    with shared_with_workers(ds, True) as given:
        folder = os.path.dirname(given.X_train.base.filename)
        assert os.path.isdir(folder) and given.fingerprint() == ds.fingerprint()
    assert not os.path.exists(folder)


@pytest.mark.slow
def test_large_data_reaches_pool_workers_mapped_not_loaded_again(spec_file, tmp_path,
                                                                monkeypatch):
    # each worker loaded the file again: here it is gone before the pool starts, so only
    # the launcher's checked copy can train them (with the sharing undone, every worker's
    # load fails and no trial finishes)
    import study._execute as run_module

    monkeypatch.setattr("data._shared.SHARE_BYTES", 0)  # every set large
    csv = _quadrants_csv(tmp_path / "quads.csv", 3000)
    real_pool = run_module.run_on_pool
    seen = []

    def pool(spec, where, workers, run_id, threads, dataset):
        seen.append(getattr(getattr(dataset, "X_train", None), "base", None))
        csv.unlink()
        return real_pool(spec, where, workers, run_id, threads, dataset)

    monkeypatch.setattr(run_module, "run_on_pool", pool)
    spec = study.load_spec(spec_file("quads", n_trials=4, dataset=f"csv:{csv}",
                                     pruner="none", max_epochs=2, fixed={"batch_size": 4096,
                                                          "checkpoint": 1}))
    summary = study.run_study(spec, storage=str(tmp_path / "q.db"), workers=2,
                              progress=False)
    assert summary["n_finished"] == 4 and summary["n_fail"] == 0  # all in pool workers
    assert isinstance(seen[0], np.memmap)  # the workers were handed maps of one file
    assert not os.path.exists(seen[0].filename)  # removed after the run


@pytest.mark.slow
def test_a_capacity_sweeps_workers_share_a_large_named_set(tmp_path, monkeypatch):
    # each worker loaded the named set again (MNIST-sized: 470 MB a worker, and a 2-worker
    # sweep took 27 s against 10 s on one); here the file is gone once the sweep has
    # loaded it, so only a shared copy can train them
    import analyses
    import analyses._capacity as capacity

    monkeypatch.setattr("data._shared.SHARE_BYTES", 0)  # every set large
    csv = _quadrants_csv(tmp_path / "quads.csv", 3000)
    cfg = analyses.CAPACITY_CONFIG.replace(max_epochs=2, batch_size=64, lr=0.1)
    one = analyses.capacity_sweep(f"csv:{csv}", widths=(2, 4), seeds=1, config=cfg)
    real_run_tasks, carried = capacity.run_tasks, []

    def run_tasks(fn, tasks, **kwargs):
        carried.append(tasks[0].data)
        csv.unlink()
        return real_run_tasks(fn, tasks, **kwargs)

    monkeypatch.setattr(capacity, "run_tasks", run_tasks)
    two = analyses.capacity_sweep(f"csv:{csv}", widths=(2, 4), seeds=1, config=cfg,
                                  workers=2)
    assert isinstance(carried[0].X_train.base, np.memmap)  # the tasks carried the maps
    assert not os.path.exists(carried[0].X_train.base.filename)  # removed after the sweep
    runs = ["width", "val_loss", "val_accuracy", "test_loss"]
    assert two.runs[runs].equals(one.runs[runs])  # the same nets, bit for bit
    assert len(two.runs) == 2 and two.runs["val_accuracy"].min() > 0.5


@pytest.mark.slow
def test_a_scaling_studys_two_pools_share_a_large_named_set(tmp_path, monkeypatch):
    # each worker of both pools (the reference runs, then the runs) loaded the named set
    # again; here the file is gone before the first pool starts, so only a shared copy
    # can train them, and both pools are handed the same maps
    import analyses
    import analyses._scaling as scaling
    import nets

    monkeypatch.setattr("data._shared.SHARE_BYTES", 0)  # every set large
    csv = _quadrants_csv(tmp_path / "quads.csv", 3000)
    kwargs = {"batch_sizes": [16, 64], "lrs": [0.3, 1.0], "seeds": 1, "max_steps": 60,
              "config": nets.TrainConfig(hidden=(8,), activation=("tanh",))}
    one = analyses.scaling_study(f"csv:{csv}", **kwargs)
    real_run_tasks, carried = scaling.run_tasks, []

    def run_tasks(fn, tasks, **kw):
        carried.append(tasks[0].data)
        if csv.exists():
            csv.unlink()
        return real_run_tasks(fn, tasks, **kw)

    monkeypatch.setattr(scaling, "run_tasks", run_tasks)
    two = analyses.scaling_study(f"csv:{csv}", workers=2, **kwargs)
    assert len(carried) == 2 and carried[0] is carried[1]  # one copy for both pools
    maps = carried[0].X_train.base
    assert isinstance(maps, np.memmap) and not os.path.exists(maps.filename)  # removed
    assert two.target == one.target == pytest.approx(0.6135417)  # the reference runs'
    runs = ["batch_size", "lr", "reached", "steps", "final_value"]
    assert two.runs[runs].equals(one.runs[runs])  # the same nets, bit for bit
    assert two.runs["steps"].tolist() == [31, 12, 13, 13]
    assert two.reference.equals(one.reference) and len(two.noise) == len(one.noise) == 61
    assert two.b_simple == one.b_simple
