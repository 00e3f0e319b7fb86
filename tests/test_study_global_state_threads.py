"""Process-wide settings around study calls that run in threads (a notebook's study in a
background thread while the next cells go on): a call undoes only its own changes."""

import logging
import threading
import warnings

import optuna
import pytest

import study


class _InThread(threading.Thread):
    """Runs ``enter`` in a thread of its own, then ``leave`` when told to."""

    def __init__(self, enter, leave):
        super().__init__(daemon=True)
        self._enter, self._leave = enter, leave
        self.entered, self.go = threading.Event(), threading.Event()
        self.left = threading.Event()

    def run(self):
        self._enter()
        self.entered.set()
        self.go.wait(10)
        self._leave()
        self.left.set()

    def leave(self):
        self.go.set()
        self.join(10)
        assert self.left.is_set()


@pytest.fixture
def optuna_state():
    """The state these tests change, put back whatever they leave."""
    verbosity = optuna.logging.get_verbosity()
    with warnings.catch_warnings():
        yield
    optuna.logging.set_verbosity(verbosity)


def _noisy_filters():
    return [f for f in warnings.filters if f[1] is not None and "noisy" in f[1].pattern]


def test_settings_made_while_a_study_runs_in_a_thread_stay_after_it(optuna_state):
    # QA: a warning filter and optuna's verbosity set in the next cell, while the study ran
    # in a thread, were undone when it ended
    optuna.logging.set_verbosity(optuna.logging.INFO)
    before = list(warnings.filters)
    quiet = study.quiet_optuna()
    bg = _InThread(quiet.__enter__, lambda: quiet.__exit__(None, None, None))
    bg.start()
    bg.entered.wait(10)
    assert optuna.logging.get_verbosity() == optuna.logging.WARNING
    warnings.filterwarnings("ignore", message="my noisy warning")
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    bg.leave()
    assert optuna.logging.get_verbosity() == optuna.logging.ERROR
    with warnings.catch_warnings(record=True) as shown:
        warnings.warn("my noisy warning", stacklevel=1)
    assert not shown
    # the user's filter stays, and the call's own are gone
    assert warnings.filters == _noisy_filters() + before
    assert not logging.getLogger("optuna.study._optimize").filters


def test_a_quiet_call_puts_back_what_it_changed_and_keeps_a_users_filter(optuna_state):
    optuna.logging.set_verbosity(optuna.logging.INFO)
    warnings.simplefilter("error")
    before = list(warnings.filters)
    show = warnings.showwarning
    with study.quiet_optuna():
        assert optuna.logging.get_verbosity() == optuna.logging.WARNING
        # ahead of the user's "error": hplab's experimental features do not raise
        warnings.warn("heartbeats", optuna.exceptions.ExperimentalWarning, stacklevel=1)
        assert warnings.showwarning is not show
    assert warnings.filters == before
    assert warnings.showwarning is show
    assert optuna.logging.get_verbosity() == optuna.logging.INFO
    # a filter equal to one of the call's, the user's own, stays where it was
    warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
    warnings.simplefilter("error")
    before = list(warnings.filters)
    with study.quiet_optuna():
        pass
    assert warnings.filters == before
