"""The types the public functions check their net, config, optimizer and file paths
against: a dict, a name or swapped arguments failed deep inside ("'dict' object has no
attribute 'batch_size'", "'str' object has no attribute 'shapes'"), a number given as a
path in pathlib's words ("expected str, bytes or os.PathLike object, not int")."""

from __future__ import annotations

import os

from ._config import TrainConfig
from ._model import MLP
from ._optimizers import Optimizer
from ._rules import check_type

#: what a ``cfg`` must be, as its TypeError says
CONFIG_KIND = "a nets.TrainConfig (nets.TrainConfig(**settings))"
NET_KIND = "a nets.MLP (nets.seeded_net(cfg, ds, seed) builds one)"
OPTIMIZER_KIND = "a nets.Optimizer (nets.new_optimizer(cfg, net)) or None"


def check_net(net, name: str = "net") -> MLP:
    """``net`` if it is an MLP; else a TypeError naming ``name``.

    Parameters
    ----------
    net : object
        What was passed.
    name : str, default "net"
        The argument's name, for the message.
    """
    return check_type(name, net, MLP, NET_KIND)


def check_config(cfg, name: str = "cfg") -> TrainConfig:
    """``cfg`` if it is a TrainConfig; else a TypeError naming ``name``.

    Parameters
    ----------
    cfg : object
        What was passed.
    name : str, default "cfg"
        The argument's name, for the message.
    """
    return check_type(name, cfg, TrainConfig, CONFIG_KIND)


def check_optimizer(optimizer, name: str = "optimizer") -> Optimizer | None:
    """``optimizer`` if it is an Optimizer or None; else a TypeError naming ``name``.

    Parameters
    ----------
    optimizer : object
        What was passed.
    name : str, default "optimizer"
        The argument's name, for the message.
    """
    return None if optimizer is None else check_type(name, optimizer, Optimizer,
                                                     OPTIMIZER_KIND)


def check_path(name: str, path):
    """``path`` if it is a str or os.PathLike; else a TypeError naming ``name``.

    Parameters
    ----------
    name : str
        The argument's name, for the message.
    path : object
        What was passed.
    """
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"{name} must be a file path (str or os.PathLike), "
                        f"got {type(path).__name__}")
    return path
