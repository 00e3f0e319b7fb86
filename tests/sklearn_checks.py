"""scikit-learn's ``parametrize_with_checks``, its checks given to pytest as a list:
scikit-learn 1.7 (the oldest pyproject.toml admits) yields them from a generator, which
pytest 9 deprecates ("Passing a non-Collection iterable to parametrize") and pytest 10
refuses."""

import pytest
from sklearn.utils import estimator_checks


def parametrize_with_checks(estimators, **kwargs):
    """`sklearn.utils.estimator_checks.parametrize_with_checks`, its checks listed."""
    mark = estimator_checks.parametrize_with_checks(estimators, **kwargs)
    names, checks = mark.args
    return pytest.mark.parametrize(names, list(checks), **mark.kwargs)
