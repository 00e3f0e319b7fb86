"""Building a net for its data: `build_net` (the shapes, head and initial weights a
config gives a dataset), its optimizer, and the seeded streams every run of hplab starts
from (`train_streams`, `seeded_net`)."""

from __future__ import annotations

import numpy as np

from ._arg_types import check_config, check_net
from ._config import TrainConfig
from ._heads import get_head, infer_head
from ._model import MLP
from ._optimizers import Optimizer, make_optimizer, optimizer_arguments
from ._rules import check_dataset
from ._validation import check_class_indices

# the heads a task's targets can train: two classes also train a softmax of two outputs
_TASK_HEADS = {"regression": ("regression",), "binary": ("binary", "multiclass"),
               "multiclass": ("multiclass",)}


def build_net(cfg: TrainConfig, n_features: int, y: np.ndarray, *,
              rng: np.random.Generator, n_classes: int | None = None,
              task: str | None = None) -> MLP:
    """An initialized net whose input, output and head fit ``cfg`` and the targets.

    Parameters
    ----------
    cfg : TrainConfig
        Its ``hidden``, ``activation``, ``head``, ``init`` and ``dtype`` are read.
    n_features : int
        Inputs per sample (``X.shape[1]``).
    y : array
        Training targets: class indices, or values for regression.
    rng : numpy.random.Generator
        Draws the initial weights.
    n_classes : int, optional
        Classes to size a classification head for (default: from ``y``).
    task : str, optional
        A head name (e.g. a dataset's ``task``): decides the head when ``cfg.head`` is
        "auto", and refuses one that does not fit it (regression on classes); without it
        the targets' values do, and whole-number regression targets would look like
        classes.

    Returns
    -------
    MLP

    Raises
    ------
    TypeError
        A ``cfg`` that is not a TrainConfig (a dict of settings: ``TrainConfig(**settings)``).
    ValueError
        A ``cfg.head`` that does not fit ``task``; classification targets that are not
        the class indices `train` takes (0 to ``n_classes - 1``, or to the number of
        distinct labels less 1 without ``n_classes``).
    """
    check_config(cfg)
    if task is not None and cfg.head not in ("auto", *_TASK_HEADS.get(task, (cfg.head,))):
        # a regression head on class labels trained and was scored (and chosen by a study)
        # on half-MSE of class indices; its saved model then failed to load
        raise ValueError(f"head {cfg.head} does not fit {task} data; valid: auto, "
                         f"{', '.join(_TASK_HEADS[task])}")
    head = cfg.head if cfg.head != "auto" else task or infer_head(y, n_classes)
    if get_head(head).classifier:  # train's rule: text failed in NumPy, 1..3 made 4 outputs
        counted = 2 if head == "binary" else len(np.unique(y))
        check_class_indices(y, None if n_classes else counted, "y",
                            " (pass n_classes if y misses a class)")
    sizes = (n_features, *cfg.hidden, get_head(head).n_outputs(y, n_classes))
    return MLP.initialized(sizes, cfg.activation, head, init=cfg.init, rng=rng,
                           dtype=np.dtype(cfg.dtype), batch_norm=cfg.batch_norm)


def new_optimizer(cfg: TrainConfig, net: MLP) -> Optimizer:
    """``cfg``'s optimizer over the net's flat parameter vector (what ``train`` steps).

    ``cfg.rho`` / ``cfg.opt_eps`` None: the optimizer's own defaults.

    Parameters
    ----------
    cfg : TrainConfig
        Its ``optimizer`` and that optimizer's settings (``momentum``, ``beta1``, ``beta2``,
        ``rho``, ``opt_eps``, ``weight_decay``) are read.
    net : MLP
        The net whose parameters it will step.

    Returns
    -------
    Optimizer
        A fresh one (zero state, ``t`` = 0), to pass to `train` as ``optimizer``.
    """
    if isinstance(cfg, MLP) and isinstance(net, TrainConfig):
        raise TypeError("new_optimizer takes (cfg, net), got (net, cfg)")
    check_config(cfg)
    check_net(net)
    return make_optimizer(cfg.optimizer, [net.flat], **optimizer_arguments(cfg))


def train_streams(seed) -> tuple[np.random.Generator, np.random.Generator]:
    """Independent generators for initialization and for the loop's shuffles.

    ``seed`` is an int, or ``[study_seed, trial_number]`` for a study's trial.

    Parameters
    ----------
    seed : int or sequence of int
        The run's seed (``hplab train --seed``), or ``[study_seed, trial_number]``.

    Returns
    -------
    (numpy.random.Generator, numpy.random.Generator)
        The initialization stream (for `build_net`), then the loop's (for `train`'s
        ``rng``).
    """
    init_ss, loop_ss = _seed_sequence(seed).spawn(2)
    return np.random.default_rng(init_ss), np.random.default_rng(loop_ss)


def check_seed(seed):
    """``seed`` if it is a non-negative integer or a sequence of them (as `train_streams`
    takes it); else ValueError ``"seed must be a non-negative integer (or a list of them),
    got <seed>"``.

    Parameters
    ----------
    seed : object
        What was passed.
    """
    _seed_sequence(seed)
    return seed


def _seed_sequence(seed) -> np.random.SeedSequence:
    # not None (SeedSequence draws fresh entropy: no run could be repeated) nor a bool
    # (True seeded 1, where data.load refuses it)
    entries = seed if isinstance(seed, list | tuple | np.ndarray) else (seed,)
    if seed is not None and not any(isinstance(e, bool | np.bool_) for e in entries):
        try:
            return np.random.SeedSequence(seed)
        except (TypeError, ValueError):  # NumPy's words name no argument
            pass
    raise ValueError(f"seed must be a non-negative integer (or a list of them), got {seed!r}")


def seeded_net(cfg: TrainConfig, ds, seed) -> tuple[MLP, np.random.Generator]:
    """The net ``cfg`` builds for dataset ``ds`` from ``seed``, and the stream its training
    loop shuffles with: `train_streams` and `build_net` as every run of hplab calls them.

    Parameters
    ----------
    cfg : TrainConfig
    ds : data.Dataset
        Any object with its fields; its ``n_features``, ``y_train``, ``n_classes`` (0 for
        regression) and ``task`` are read.
    seed : int or sequence of int
        As `train_streams` takes it.

    Returns
    -------
    net : MLP
    loop_rng : numpy.random.Generator
        For `train` (or another loop over the data).

    Raises
    ------
    TypeError
        A ``cfg`` that is no TrainConfig, a ``ds`` that is no dataset (a name).
    """
    check_config(cfg)
    check_dataset(ds)
    init_rng, loop_rng = train_streams(seed)
    net = build_net(cfg, ds.n_features, ds.y_train, rng=init_rng,
                    n_classes=ds.n_classes or None, task=ds.task)
    return net, loop_rng
