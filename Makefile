# Two commands set everything up: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# pytest workers: both cores by default; worksteal: an idle worker takes tests queued on
# the other, so a slow test scheduled last does not leave one core idle to the end
JOBS   ?= 2

# hplab's requires-python: PYTHON is checked before a .venv is made of it
NEW_ENOUGH := import sys; sys.exit(sys.version_info < (3, 11))
# a .venv of an older Python (a first try with an old python3 left one, without hplab) is
# made anew: its bin/python exists, so it never was, whatever PYTHON said
OLD_VENV := $(shell [ -x $(BIN)/python ] && ! $(BIN)/python -c '$(NEW_ENOUGH)' 2>/dev/null \
                && echo old)

.PHONY: demo test test-oldest lint bench clean FORCE

$(BIN)/python: $(if $(OLD_VENV),FORCE)
	@$(PYTHON) -c '$(NEW_ENOUGH)' 2>/dev/null || { echo "hplab needs Python >= 3.11 and" \
	    "$(PYTHON) is $$($(PYTHON) -V 2>/dev/null || echo missing): name one with PYTHON=," \
	    "e.g. make $(or $(MAKECMDGOALS),demo) PYTHON=python3.11" >&2; exit 2; }
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Stamps re-run the install only when pyproject.toml changes, or the commit checked out:
# an editable install's version is the commit it was installed at (setuptools-scm reads
# it then), which every run's provenance records. (git's log of HEAD, in a clone only.)
HEAD_LOG := $(wildcard $(shell git rev-parse --git-path logs/HEAD 2>/dev/null))

$(VENV)/.installed: pyproject.toml $(HEAD_LOG) | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(HEAD_LOG) | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/hplab demo

# The suite's Python processes (its workers, the commands and pool workers it starts) keep
# compiled bytecode: with PYTHONDONTWRITEBYTECODE set (some images set it), every run
# compiled hplab's modules and rewrote the test modules anew in each process (~0.4 s a
# process importing hplab whole; the CLI test modules took ~10 % more CPU on a second
# run). The caches land in git-ignored __pycache__ folders.
test: $(VENV)/.installed-test
	$(BIN)/ruff check .
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n $(JOBS) --dist worksteal -q $(PYTEST_ARGS)

# The suite on the lowest versions pyproject.toml admits (tests/oldest-versions.txt; the
# test extras resolve as they will), in a venv of their own, of the lowest Python it
# admits (numpy 1.26 has no wheels for 3.13): hplab ran on them and went wrong unseen
# (scikit-learn 1.6, SQLAlchemy 2.0 and matplotlib 3.8 were admitted)
OLDEST        := .venv-oldest
OLDEST_PYTHON ?= python3.11
IS_OLDEST     := import sys; sys.exit(sys.version_info[:2] != (3, 11))

$(OLDEST)/bin/python:
	@$(OLDEST_PYTHON) -c '$(IS_OLDEST)' 2>/dev/null || { echo "make test-oldest needs" \
	    "Python 3.11 and $(OLDEST_PYTHON) is" \
	    "$$($(OLDEST_PYTHON) -V 2>/dev/null || echo missing): name one with" \
	    "OLDEST_PYTHON=, e.g. make test-oldest OLDEST_PYTHON=/usr/bin/python3.11" >&2; exit 2; }
	rm -rf $(OLDEST)
	$(OLDEST_PYTHON) -m venv $(OLDEST)
	$(OLDEST)/bin/pip install -q --upgrade pip

$(OLDEST)/.installed: pyproject.toml tests/oldest-versions.txt $(HEAD_LOG) | $(OLDEST)/bin/python
	$(OLDEST)/bin/pip install -q -c tests/oldest-versions.txt -e '.[test]'
	touch $@

test-oldest: $(OLDEST)/.installed
	PYTHONDONTWRITEBYTECODE= $(OLDEST)/bin/python -m pytest -n $(JOBS) --dist worksteal -q \
	    $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/train_speed.py

clean:  # build/: setuptools reuses it, and a later wheel kept modules deleted since
	rm -rf $(VENV) $(OLDEST) runs .pytest_cache build dist *.egg-info
