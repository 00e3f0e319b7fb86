"""An analysis's pool of worker processes when one of them dies."""

import os
import signal
import sys

import pytest

import data
import nets
from analyses._backend import run_tasks


def _trained(task):
    """Train xor's 2-3-1 net of ``seed`` for 40 epochs; its final validation loss. Task
    ``doomed`` kills its own worker process the first time (the OOM killer's SIGKILL)."""
    seed, doomed, marker, parent = task
    if doomed and os.getpid() != parent and not os.path.exists(marker):
        open(marker, "w").close()
        os.kill(os.getpid(), signal.SIGKILL)
    ds = data.load("xor", seed=seed)
    cfg = nets.TrainConfig(hidden=(3,), lr=0.5, batch_size=1, max_epochs=40)
    net, rng = nets.seeded_net(cfg, ds, seed)
    res = nets.train(net, cfg, ds.X_train, ds.y_train, ds.X_val, ds.y_val, rng=rng)
    return float(res.final_checkpoint()["val_loss"])


@pytest.mark.slow
def test_a_worker_killed_leaves_the_runs_to_this_process(tmp_path):
    # QA: `hplab capacity --workers 2` with a worker killed (SIGKILL, as the OOM killer
    # does) ended in a TerminatedWorkerError traceback, exit 1, the finished runs lost
    # (1-6 runs left: on a busy machine none may have come back before task 3 began)
    marker, parent = str(tmp_path / "killed"), os.getpid()
    tasks = [(seed, seed == 3, marker, parent) for seed in range(6)]
    alone = run_tasks(lambda t: _trained(t), tasks, workers=1)  # here: none is killed
    with pytest.warns(UserWarning, match=r"^a worker process died \(TerminatedWorkerError\); "
                                         r"running the [1-6] runs not finished in this "
                                         r"process$"):
        pooled = run_tasks(lambda t: _trained(t), tasks, workers=2)
    assert os.path.exists(marker)  # a worker was killed, as task 3 began there
    assert pooled == alone  # bit for bit: each run seeded by its task
    assert len(set(alone)) == 6 and all(0 < v < 1 for v in alone), alone


def _killing_load(parent):
    """A two-feature set whose loading kills every pool worker that tries it (SIGKILL)."""
    import numpy as np

    if os.getpid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)
    X = np.random.default_rng(0).normal(size=(120, 2))
    return X, (X[:, 0] > 0).astype(int)


@pytest.mark.slow
def test_a_dead_worker_warning_points_at_the_analysis_callers_line():
    # it named analyses/_capacity.py (stacklevel=2 in run_tasks, which each analysis
    # calls): a script's author was sent to hplab's own line, not to the sweep's call
    import functools

    import analyses

    data.register_dataset("dies-in-workers", functools.partial(_killing_load, os.getpid()))
    try:
        with pytest.warns(UserWarning, match="^a worker process died") as said:
            line = sys._getframe().f_lineno + 1  # the next line: the call the warning names
            result = analyses.capacity_sweep("dies-in-workers", widths=(2,), depths=(1,),
                                             seeds=2, workers=2,
                                             config=nets.TrainConfig(max_epochs=2))
    finally:
        data.DATASETS.pop("dies-in-workers")
    died = [(w.filename, w.lineno) for w in said if "worker process died" in str(w.message)]
    assert died == [(__file__, line)]
    assert len(result.runs) == 2  # both seeds ran here, after the pool broke
