"""nets used as a low-level library (the course's from-scratch way): the MLP's forward,
loss and gradients, optimizers and schedules called directly, each misuse refused in one
line (QA session 34's reproductions)."""

import numpy as np
import pytest

import nets
from nets import MLP


def test_one_activation_name_serves_every_hidden_layer():
    # "relu" was read as the sequence 'r', 'e', 'l', 'u': "unknown activation 'r'"
    assert MLP((2, 3, 1), "relu", "binary").activations == ("relu",)
    assert MLP((2, 3, 3, 1), "tanh", "binary").activations == ("tanh", "tanh")
    assert MLP((2, 1), "tanh", "binary").activations == ()  # no hidden layer, as TrainConfig
    one = MLP.initialized((2, 3, 3, 1), "tanh", "binary", rng=np.random.default_rng(0))
    each = MLP.initialized((2, 3, 3, 1), ("tanh", "tanh"), "binary",
                           rng=np.random.default_rng(0))
    np.testing.assert_array_equal(one.flat, each.flat)
    with pytest.raises(ValueError, match="need one activation per hidden layer"):
        MLP((2, 3, 3, 1), ("tanh",), "binary")
