"""The "lr-range" report's figures: loss against learning rate per seed with the
suggestions, the suggestions' spread over seeds, and the verification grid; each drawn
from the frames the report saves as CSV."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from . import design
from ._log_ticks import plain_log_ticks

#: Suggestion -> colour, the same in every figure; none is a data line's (the loss curves
#: blue, validation vermilion: slide was the verify figure's validation loss colour)
SUGGESTION_COLORS = {"valley": design.PALETTE[2], "steepest": design.PALETTE[3],
                     "minimum": design.PALETTE[4], "slide": design.PALETTE[-1]}
#: Suggestion -> the shape atop its line: the three dashed lines told apart by colour
#: alone, steepest's pink and minimum's sky blue one grey to a reader without colour
SUGGESTION_MARKERS = {"valley": "o", "steepest": "v", "minimum": "s", "slide": "D"}


#: Seeds with a legend entry and a line style each; more share one entry, solid lines.
SEED_ENTRIES = 4
#: The seeds' colours, none a suggestion's, and line styles, none dashed as theirs are.
SEED_COLORS = (design.PALETTE[0], design.PALETTE[1], design.shade(design.PALETTE[0], 0.55),
               design.shade(design.PALETTE[1], 0.6))
SEED_LINES = ("-", "-.", ":", (0, (6, 1.5, 1, 1.5, 1, 1.5)))


def _color(name: str) -> str:
    return SUGGESTION_COLORS.get(name, design.MUTED)


def draw_curves(frames: dict, loss: str = "loss"):
    """Raw (faint) and smoothed loss against lr per seed; suggestions with their IQR.
    ``loss`` names what was recorded ("validation loss" with ``val``)."""
    curves, marks = frames["curves"], frames["marks"]
    fig = design.new_figure(height=4.0)
    ax = fig.subplots()
    ax.set_xscale("log")
    plain_log_ticks(ax.xaxis)  # 0.01, not 10⁻²
    seeds = list(dict.fromkeys(curves["seed"]))
    # the looper's loss is not smoothed (beta 0: each rate's loss is already an average)
    smoothed = not curves["smoothed_loss"].equals(curves["loss"])
    name = f"smoothed {loss}" if smoothed else loss
    for k, seed in enumerate(seeds):
        c = curves[curves["seed"] == seed]
        # QA: two seeds drawn in two blues under one legend entry, the lighter one the
        # "minimum" line's colour: up to SEED_ENTRIES seeds, a colour none of the
        # suggestions has, a line style and an entry each
        few = len(seeds) <= SEED_ENTRIES
        color = SEED_COLORS[k] if few else design.PALETTE[0]
        if smoothed:
            ax.plot(c["lr"], c["loss"], "-", lw=0.6, color=design.tint(color, 0.25))
        label = (name if len(seeds) == 1 else f"{name}, seed {seed}" if few else
                 f"{name}, one line per seed" if k == 0 else None)
        ax.plot(c["lr"], c["smoothed_loss"], color=color, label=label,
                ls=SEED_LINES[k] if few else "-")
    for m in marks.itertuples():
        if not math.isfinite(m.lr):
            continue
        ax.axvspan(m.q25_lr, m.q75_lr, color=_color(m.name), alpha=0.15, lw=0)
        # the shape at the line's top only (its second point), over the axes' edge
        ax.axvline(m.lr, color=_color(m.name), lw=2.2 if m.chosen else 1.2,
                   ls="-" if m.chosen else "--", label=f"{m.name} {m.lr:.3g}",
                   marker=SUGGESTION_MARKERS.get(m.name, "X"), markevery=[1], ms=7,
                   clip_on=False)
    # Blow-ups would flatten the useful part: cap the axis a little above the start.
    sm = curves["smoothed_loss"].to_numpy(dtype=float)
    sm = sm[np.isfinite(sm)]
    if sm.size:
        starts = curves.groupby("seed")["smoothed_loss"].first().to_numpy(dtype=float)
        top = 1.5 * np.nanmax(starts) if np.isfinite(starts).any() else sm.max()
        # the bottom shows all of the recorded loss, which dips below its moving average
        raw = curves["loss"].to_numpy(dtype=float)
        low = min(sm.min(), raw[np.isfinite(raw)].min(initial=np.inf))
        ax.set_ylim(max(0.0, low - 0.05 * (top - low)), top)
    ax.set_xlabel("learning rate (log scale)")
    ax.set_ylabel(loss)
    ax.legend(loc="upper left", fontsize=8)
    return fig


def draw_spread(frame: pd.DataFrame):
    """Each suggestion per seed (dots), its median (bar) and interquartile range."""
    names = list(dict.fromkeys(frame["name"]))
    fig = design.new_figure(height=0.9 + 0.5 * len(names))
    ax = fig.subplots()
    ax.set_xscale("log")
    plain_log_ticks(ax.xaxis)  # 0.01, not 10⁻²
    for i, name in enumerate(names):
        f = frame[(frame["name"] == name) & np.isfinite(frame["lr"]) & (frame["lr"] > 0)]
        if f.empty:
            continue
        jitter = np.linspace(-0.12, 0.12, len(f)) if len(f) > 1 else np.zeros(1)
        ax.plot(f["lr"], i + jitter, "o", ms=4, color=_color(name), alpha=0.8)
        q25, med, q75 = f[["q25_lr", "median_lr", "q75_lr"]].iloc[0]
        ax.plot([q25, q75], [i, i], "-", lw=6, color=_color(name), alpha=0.3,
                solid_capstyle="butt")
        ax.plot([med, med], [i - 0.3, i + 0.3], "-", lw=2, color=design.INK)
    ax.set_yticks(range(len(names)), names)
    ax.set_ylim(-0.6, len(names) - 0.4)
    ax.invert_yaxis()
    ax.set_xlabel("suggested learning rate (log scale)")
    return fig


def draw_verify(frame: pd.DataFrame):
    """Validation loss after brief runs at each grid rate; the suggestion and the best;
    the legend below the axes."""
    fig = design.new_figure(height=3.9)
    ax = fig.subplots()
    ax.set_xscale("log")
    plain_log_ticks(ax.xaxis)  # 0.01, not 10⁻²
    ok = np.isfinite(frame["val_loss"])
    ax.plot(frame.loc[ok, "lr"], frame.loc[ok, "val_loss"], "o-", color=design.VALIDATION,
            label="validation loss (mean over seeds)")
    if (~ok).any():  # pinned to the top: their loss is unbounded
        ax.plot(frame.loc[~ok, "lr"], np.full((~ok).sum(), 0.97), "^", mfc="none",
                color=design.VALIDATION, label="diverged", transform=ax.get_xaxis_transform())
    near = frame[frame["within_noise"]] if "within_noise" in frame else frame.iloc[:0]
    if len(near) > 1:
        ax.axvspan(near["lr"].min(), near["lr"].max(), color=design.MUTED, alpha=0.15, lw=0,
                   label=f"within seed noise of the best: {near['lr'].min():.3g}–"
                         f"{near['lr'].max():.3g}")
    best = frame[frame["best"]]
    if len(best):
        ax.plot(best["lr"], best["val_loss"], "*", ms=14, color=design.INK,
                label=f"best grid rate {best['lr'].iloc[0]:.3g}")
    refined = frame["best_refined_lr"].iloc[0] if len(frame) else math.nan
    if refined is not None and math.isfinite(refined):
        ax.axvline(refined, color=design.INK, ls=":", lw=1.2,
                   label=f"best rate, refined {refined:.3g}")
    base = frame["baseline_val_loss"].iloc[0] if "baseline_val_loss" in frame and len(frame) \
        else None
    if base is not None and np.isfinite(base):
        ax.axhline(base, color=design.MUTED, ls="--", lw=1.2,
                   label=f"constant prediction {base:.4g}")
    sug = frame[frame["suggested"]]
    if len(sug):
        name = str(frame["suggestion"].iloc[0])
        ax.axvline(sug["lr"].iloc[0], color=_color(name), lw=2, ls="-.",
                   label=f"suggestion ({name})")
    ax.set_xlabel("learning rate (log scale)")
    ax.set_ylabel("validation loss")
    # below the axes: inside, its six entries touched the grid's points or covered the
    # band within noise (QA: the legend touched the last grid point)
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 3),
               fontsize=8)
    return fig
