"""`train_run`'s progress bar: epochs and the latest losses on stderr."""

from __future__ import annotations

import math
import sys

import nets
from nets import progress_bar, stderr_is_a_terminal


class _Progress(nets.Callback):
    """A tqdm bar over epochs with the latest losses (stderr).

    A terminal redraws it in place; a log file (a batch job's) would get a frame every
    tenth of a second, so there, as the study bar, it changes only with its count, which
    counts tenths of the run.
    """

    def __init__(self, max_epochs: float):
        # whole epochs counted as such; 0.5 of an epoch is not "0/0"
        count = ".0f" if float(max_epochs).is_integer() else ".3g"
        self._bar = progress_bar(total=float(max_epochs), unit="epoch", leave=False,
                                 # tqdm puts ", " before a postfix: right after the bracket
                                 bar_format=f"{{l_bar}}{{bar}}| {{n:{count}}}/{{total:{count}}} "
                                            "[{elapsed}<{remaining}]{postfix}")
        notebook = sys.modules.get("tqdm.notebook")  # a widget: redrawn in place too
        self._tenth = None if stderr_is_a_terminal() or (
            notebook and isinstance(self._bar, notebook.tqdm)) else 0

    def on_checkpoint(self, state, record):
        shown = {"loss": f"{record['train_loss']:.4f}", "val_loss": f"{record['val_loss']:.4f}"}
        if math.isfinite(record["val_accuracy"]):  # NaN for regression
            shown["val_acc"] = f"{record['val_accuracy']:.3f}"
        self._bar.set_postfix(shown, refresh=False)
        # a run of whole steps can end past a fractional max_epochs: tqdm drops a total its
        # count passes, and the bar's "{total:.0f}" failed on None
        epoch = min(record["epoch"], self._bar.total)
        if self._tenth is None:
            self._bar.update(epoch - self._bar.n)  # redraws at most every mininterval
            return
        self._bar.n = epoch
        tenth = int(10 * epoch / self._bar.total)
        if tenth != self._tenth:
            self._tenth = tenth
            self._bar.refresh()

    def close(self):
        self._bar.close()
