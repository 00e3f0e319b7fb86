"""BLAS threads of trainings that overlap in Python threads: a study in a background
thread while the main thread trains (a notebook's pattern), in real threads.

threadpoolctl >= 3.8 lets one Python thread at a time set OpenBLAS's threads and drops
the others' sets silently: a limit lowered in one thread and restored in another stayed
at one thread for the rest of the process, and every later training took that one as the
threads "from before".
"""

import threading
import warnings

import pytest
import threadpoolctl
from threadpoolctl import threadpool_info, threadpool_limits

import nets
import study
from nets._threads import _controller, step_threads

SMALL = ((2, 4, 1), 32)  # steps on one BLAS thread


def blas_threads():
    # the libraries loaded when the trainings' controller was made (numpy's, the one
    # they multiply with; scipy's may load later and is then left alone)
    controlled = {lib.filepath for lib in _controller().lib_controllers}
    return {i["num_threads"] for i in threadpool_info() if i["filepath"] in controlled
            and i["user_api"] == "blas"}


def _give_back_control():
    clear = getattr(getattr(threadpoolctl, "OpenBLASController", None),
                    "clear_controlling_thread", None)
    if clear is not None:
        clear(force=True)


@pytest.fixture
def two_blas_threads():
    """Two BLAS threads before, and no Python thread holding threadpoolctl's control."""
    if not any(i["internal_api"] == "openblas" for i in threadpool_info()):
        pytest.skip("no OpenBLAS loaded")
    limiter = threadpool_limits(limits=2, user_api="blas")  # not a `with`: see above
    _give_back_control()
    assert blas_threads() == {2}
    yield
    for holder in _Holder.made:  # a failed test's threads leave, not step on into the next
        holder.leave.set()
        holder.end.set()
        holder.join(10)
    _Holder.made.clear()
    limiter.restore_original_limits()
    _give_back_control()


class _Holder(threading.Thread):
    """A thread that enters a small training's steps, then waits to be told to leave
    them, and stays alive a moment after (as a study's thread moves on to its next
    trial)."""

    made = []

    def __init__(self):
        super().__init__(daemon=True)
        self.made.append(self)
        self.entered, self.leave = threading.Event(), threading.Event()
        self.left, self.end = threading.Event(), threading.Event()
        self.inside = None

    def run(self):
        with step_threads(*SMALL):
            self.inside = blas_threads()
            self.entered.set()
            self.leave.wait(10)
        self.left.set()
        self.end.wait(10)


def test_a_restore_from_the_main_thread_takes_after_a_thread_lowered(two_blas_threads):
    # the study's thread starts stepping first and ends first; the main thread's training
    # ends last, while the study's thread still lives: its restore was dropped
    bg = _Holder()
    bg.start()
    bg.entered.wait(10)
    with step_threads(*SMALL):
        assert blas_threads() == {1}
        bg.leave.set()
        bg.left.wait(10)
        assert blas_threads() == {1}  # the main thread still steps
    assert blas_threads() == {2}
    bg.end.set()
    bg.join()
    assert blas_threads() == {2}
    with step_threads(*SMALL):  # the next training's "before" is the real one
        pass
    assert blas_threads() == {2}


def test_a_restore_from_a_thread_takes_after_the_main_thread_lowered(two_blas_threads):
    # the main thread starts first and ends first; the study's thread ends last
    steps = step_threads(*SMALL)
    steps.__enter__()
    bg = _Holder()
    bg.start()
    bg.entered.wait(10)
    steps.__exit__(None, None, None)
    assert blas_threads() == {1}  # the study's thread still steps
    bg.leave.set()
    bg.left.wait(10)
    assert blas_threads() == {2}
    bg.end.set()
    bg.join()
    assert blas_threads() == {2}


def test_a_training_in_a_thread_steps_on_one_thread_after_the_main_thread_trained(
        two_blas_threads):
    # the main thread's first training left it holding threadpoolctl's control: a
    # study's trials in a thread then stepped on two threads (other bits than alone)
    study.train_run("coin", nets.TrainConfig(hidden=(8,), lr=0.1, max_epochs=2), seed=0)
    assert blas_threads() == {2}
    bg = _Holder()
    bg.start()
    bg.entered.wait(10)
    assert bg.inside == {1}
    bg.leave.set()
    bg.end.set()
    bg.join()
    assert blas_threads() == {2}


@pytest.mark.skipif(
    getattr(getattr(threadpoolctl, "OpenBLASController", None), "clear_controlling_thread",
            None) is None,
    reason="threadpoolctl < 3.8 lets every thread set OpenBLAS's threads: no restore is "
           "blocked")
def test_a_restore_another_thread_blocks_is_made_by_the_next_training(two_blas_threads):
    # a thread enters its own `with threadpool_limits(1)` while the main thread steps:
    # it records one thread as its "before", holds the control, and puts one back
    entered, leave = threading.Event(), threading.Event()

    def user_limit():
        with threadpool_limits(limits=1, user_api="blas"):
            entered.set()
            leave.wait(10)

    steps = step_threads(*SMALL)
    steps.__enter__()
    other = threading.Thread(target=user_limit, daemon=True)
    other.start()
    entered.wait(10)
    with pytest.warns(RuntimeWarning, match="BLAS threads left at 1, not the 2"):
        steps.__exit__(None, None, None)
    leave.set()
    other.join()
    assert blas_threads() == {1}  # what the other thread's limit restored
    # the next training takes 2 as the threads from before, not the 1 left behind
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with step_threads(*SMALL):
            assert blas_threads() == {1}
    assert blas_threads() == {2}


def test_worker_processes_are_at_most_one_per_core_and_one_per_task():
    # QA: --workers 48 on 2 cores started 48 processes (3 minutes, 4.6 s with 1): more
    # workers than cores are capped at the cores, with a one-line warning
    n = nets.cores()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # none of these warn
        assert nets.worker_processes(-1, 100) == n  # every core, as -1 always was
        assert nets.worker_processes(n, 100) == n and nets.worker_processes(1, 100) == 1
        assert nets.worker_processes(n + 46, 1) == 1  # the tasks cap it first: no warning
    with pytest.warns(UserWarning) as said:
        assert nets.worker_processes(n + 46, 100) == n
    assert [str(w.message) for w in said] == [
        f"{n + 46} workers asked for, but only {n} cores here: running {n} processes (more "
        "would wait for the cores and slow every run)"]
