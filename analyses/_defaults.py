"""The defaults of the capacity sweep and the range test that hplab's flags take and show:
here, in a module of nets alone, so that `hplab capacity --help` and `hplab lr-range
--help` read them without the seconds pandas and scipy cost (the analyses' own modules
import them). The analysis functions take them from here, their one place."""

from __future__ import annotations

import nets

#: Default net of a sweep: the course's sigmoid hidden layers, trained full batch with Adam
#: and a cosine decay, which reproduces the course's coin table (10 000 SGD epochs there)
#: in 2 000 steps: widths 2/4/8/16/32/64 -> 0.61/0.95/0.96/0.98/0.98/0.98 test accuracy.
#: Full batch also means no shuffles: seeds differ only in the initial weights.
CAPACITY_CONFIG = nets.TrainConfig(activation="sigmoid", optimizer="adam", lr=0.1,
                                   schedule="cosine", batch_size=-1, max_epochs=2000,
                                   checkpoint=10.0)
#: `capacity_sweep`'s other defaults, by argument
CAPACITY_SWEEP_DEFAULTS = {"widths": (2, 4, 8, 16, 32), "depths": (1,), "seeds": 3,
                           "eps": 0.1}

#: Default network of a range test when no config is given.
LR_RANGE_CONFIG = nets.TrainConfig(hidden=(8,), activation="sigmoid", optimizer="sgd",
                                   batch_size=32)
#: `lr_range_test`'s defaults of the ramp and its verification, by argument
#: (``verify_epochs``: the epochs of each verification run)
LR_RANGE_TEST_DEFAULTS = {"min_lr": 1e-7, "max_lr": 10.0, "num_steps": 100, "diverge": 4.0,
                          "val_batch": 256, "epochs_per_rate": 1.0, "verify_epochs": 20.0}
