"""An estimator's ``coefs_`` and ``intercepts_``: the net's own arrays, layer by layer, that
an assignment writes into."""

from __future__ import annotations

import numpy as np

from ._printable import count_of


class _Layers(list):
    """``coefs_`` or ``intercepts_``: the net's parameter views, layer by layer, where
    ``coefs_[i] = W`` copies ``W`` into the net, as it changes scikit-learn's MLP (a plain
    list rebuilt on each access dropped the assignment silently). Each layer keeps its
    shape and the net's dtype; changing the number of layers is refused."""

    def __init__(self, views: list[np.ndarray], name: str, folded: bool = False):
        super().__init__(views)
        self._name, self._folded = name, folded

    def _checked(self, i: int, value) -> np.ndarray:
        """``value`` for layer ``i``: its shape and kind checked, copied in the net's dtype.
        A copy, since it may be another layer's view that is written first
        (``coefs_[0:2] = [coefs_[1], coefs_[0]]`` gave both layers one matrix)."""
        view = list.__getitem__(self, i)
        value = np.asarray(value)
        if value.shape != view.shape:
            raise ValueError(f"{self._name}[{i}] has shape {view.shape}, got an array of "
                             f"shape {value.shape}")
        if not np.can_cast(value.dtype, view.dtype, casting="same_kind"):
            raise ValueError(f"{self._name}[{i}] holds {view.dtype}, got {value.dtype}")
        return value.astype(view.dtype, copy=True)

    def __setitem__(self, index, value) -> None:
        if self._folded:  # copies: an assignment would change nothing the net predicts with
            raise ValueError(f"{self._name} of a batch-normed net are its layers with their "
                             "batch norms folded in (copies); set the net's own arrays "
                             "instead (net_.params, net_.running)")
        if isinstance(index, slice):
            indices = range(len(self))[index]
            values = list(value)
            if len(values) != len(indices):
                # the slice as written: [:] said [None:None]
                shown = ":".join("" if i is None else str(i) for i in (index.start, index.stop))
                raise ValueError(f"{self._name}[{shown}] has {count_of(len(indices), 'layer')}"
                                 f", got {len(values)}; the number of layers is fixed by the "
                                 "fit")
        else:
            indices, values = [range(len(self))[index]], [value]
        # every layer checked and copied before one is written: a refused one changes none
        checked = [self._checked(i, v) for i, v in zip(indices, values, strict=True)]
        for i, layer in zip(indices, checked, strict=True):
            list.__getitem__(self, i)[...] = layer

    def assign_all(self, arrays) -> None:
        """Every layer from ``arrays`` (all checked first, so a bad one changes nothing)."""
        arrays = list(arrays)
        if len(arrays) != len(self):
            raise ValueError(f"{self._name} has {len(self)} layers, got {len(arrays)}")
        self[:] = arrays

    def _refuse(self, *args, **kwargs):
        raise ValueError(f"{self._name}: the number of layers is fixed by the fit; assign "
                         f"a layer ({self._name}[i] = array) instead")

    # copies and pickles are plain lists (deepcopy: of copied arrays, to keep as a backup)
    def __reduce_ex__(self, protocol):
        return list, (list(self),)

    __delitem__ = append = extend = insert = pop = remove = clear = _refuse
    sort = reverse = __iadd__ = __imul__ = _refuse
