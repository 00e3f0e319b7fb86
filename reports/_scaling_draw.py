"""The scaling report's figures: steps and examples to target, best rates against the rules,
the noise scale over the reference run (pure: ``frames -> Figure``)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.ticker import NullLocator

from analyses import LR_CAP  # the course's "rates above ~1 stop converging" line

from . import design
from ._log_ticks import plain_log_ticks
from ._scaling_text import interval_words

REGIME_TINTS = {"perfect scaling": 0.10, "diminishing returns": 0.22,
                "maximal parallelism": 0.36}


def _regime_bands(ax, b_crit: float, lo: float, hi: float) -> None:
    """Shade perfect scaling (B < B_crit/2), diminishing returns, maximal parallelism."""
    if not math.isfinite(b_crit):
        return
    edges = [lo, min(max(b_crit / 2, lo), hi), min(max(2 * b_crit, lo), hi), hi]
    for (a, b), (name, amount) in zip(zip(edges[:-1], edges[1:], strict=True),
                                      REGIME_TINTS.items(), strict=True):
        if b > a:  # labelled in the legend: the bands can be too narrow for text
            ax.axvspan(a, b, color=design.tint(design.PALETTE[2], amount), lw=0, zorder=0,
                       label=name)
    ax.axvline(b_crit, color=design.PALETTE[2], ls="--", lw=1, label="B_crit")


def _batch_ticks(ax, sizes) -> None:
    """Ticks at the tested batch sizes, written out (not 2^k at sizes never run)."""
    sizes = sorted({int(b) for b in sizes})
    ax.set_xticks(sizes, [str(b) for b in sizes])
    ax.xaxis.set_minor_locator(NullLocator())


def _not_reached(ax, sizes) -> None:
    """Batch sizes that never reached the target: an arrow up on the top edge, labelled
    "not reached" above the axes (QA: a hollow marker just inside the top edge read as a
    measurement of about the largest value drawn)."""
    top = ax.get_xaxis_transform()  # x in data, y in axes fractions
    ax.plot(sizes, np.full(len(sizes), 1.0), "^", color=design.VALIDATION, ms=7,
            clip_on=False, zorder=5, transform=top, label="not reached (beyond the budget)")
    for b in sizes:
        ax.annotate("not reached", (b, 1.0), xycoords=top, xytext=(0, 7),
                    textcoords="offset points", ha="center", va="bottom", fontsize=7,
                    color=design.text_shade(design.VALIDATION), annotation_clip=False)


def draw_steps(frames: dict):
    """Steps (left) and examples (right) to target against batch size, log-log."""
    m, curve = frames["measured"], frames["fit"]
    b_crit = float(curve["b_crit"].iloc[0]) if len(curve) else math.nan
    fig = design.new_figure(height=3.8)
    lo, hi = m["batch_size"].min() / 1.5, m["batch_size"].max() * 1.5
    for ax, col, label in zip(fig.subplots(1, 2), ("steps", "examples"),
                              ("steps to target (log scale)",
                               "examples to target (log scale)"), strict=True):
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        plain_log_ticks(ax.yaxis)  # 1650 steps, not 1.65 × 10³
        _regime_bands(ax, b_crit, lo, hi)
        ok = m["reached"].astype(bool)
        ax.plot(m.loc[ok, "batch_size"], m.loc[ok, col], "o", color=design.TRAIN,
                label="measured (best rate)")
        if len(curve):
            ax.plot(curve["batch_size"], curve[col], "-", color=design.INK, lw=1.2,
                    label="McCandlish fit")
        if (~ok).any():  # their steps are unknown, beyond the budget
            _not_reached(ax, m.loc[~ok, "batch_size"])
        ax.set_xlim(lo, hi)
        _batch_ticks(ax, m["batch_size"])
        ax.set_xlabel("batch size B (log scale)")
        ax.set_ylabel(label)
    # one legend for both panels, below them: inside, it covered the "not reached" marker
    # of the largest batch (pinned to the top edge)
    handles, labels = fig.axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 4),
               fontsize=8)
    return fig


def has_best_rates(m: pd.DataFrame) -> bool:
    """Whether `draw_lr` has a rate to draw: some batch size reached the target."""
    return bool(m["reached"].astype(bool).any() and np.isfinite(
        m.loc[m["reached"].astype(bool), "best_lr"].to_numpy(float)).any())


def draw_lr(frames: dict):
    """Best rate against batch size with the linear and square-root rules and the cap
    (``frames["cap"]``'s rate: none with an optimizer other than plain SGD; without the
    frame, `LR_CAP`); a series not drawn is left out of the legend too: one without a
    value (a rule with no anchor), and a line through fewer than two points (one reached
    batch: no refined line)."""
    m = frames["measured"]
    fig = design.new_figure(height=3.6)
    ax = fig.subplots()
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    plain_log_ticks(ax.yaxis)  # a rate of 0.6, not 6 × 10⁻¹
    ok = m["reached"].astype(bool)
    b = m["batch_size"]
    for x, y, style, kw in (
            (b[ok], m.loc[ok, "best_lr"], "o", dict(color=design.TRAIN, label="best grid rate")),
            # over the cap and the grid's dots, with markers of its own: a refined rate
            # of 1 hid under the cap's line, and on the dots where it equals them
            (b[ok], m.loc[ok, "lr_opt"], "-", dict(color=design.TRAIN, lw=1.2, marker="D",
                                                   ms=3.5, mfc="white", zorder=4,
                                                   label="refined rate")),
            (b, m["linear_rule_lr"], "--", dict(color=design.PALETTE[3],
                                                label="linear rule (α = 1)")),
            (b, m["sqrt_rule_lr"], ":", dict(color=design.PALETTE[2],
                                             label="square-root rule (α = ½)"))):
        if np.isfinite(np.asarray(y, float)).sum() >= (1 if style == "o" else 2):
            ax.plot(x, y, style, **kw)
    caps = [LR_CAP] if frames.get("cap") is None else list(frames["cap"]["lr"])
    for cap in caps:  # broad and beneath the rates: a rate on the cap, a thin line along it
        ax.axhline(cap, color=design.VALIDATION, lw=3.5, zorder=1.5, label="course cap ≈ 1")
    fit = frames["fit"]
    if len(fit):
        ax.plot(fit["batch_size"], fit["lr"], "-", color=design.INK, lw=1.2,
                label=f"fit B^{fit['alpha'].iloc[0]:.2f}")
    finite = m[["best_lr", "lr_opt"]].to_numpy(dtype=float)
    finite = finite[np.isfinite(finite)]
    if finite.size:
        # the cap in view on either side: rates all above 10 left its line (and legend
        # entry) below the axis
        ax.set_ylim(min([finite.min(), *caps]) / 4, max([finite.max(), *caps]) * 4)
    ax.set_xlim(b.min() / 1.5, b.max() * 1.5)
    _batch_ticks(ax, b)
    ax.set_xlabel("batch size B (log scale)")
    ax.set_ylabel("learning rate (log scale)")
    fig.legend(loc="outside lower center", fontsize=8, ncols=3)  # inside, it hid high rates
    return fig


def draw_noise(frames: dict):
    """B_simple (EMA and raw) over the reference run, against the fitted B_crit."""
    m, marks = frames["measured"], frames["marks"]
    fig = design.new_figure(height=3.4)
    ax = fig.subplots()
    ax.set_yscale("log")
    plain_log_ticks(ax.yaxis)
    raw = m[m["b_simple_raw"] > 0]
    ax.plot(raw["step"], raw["b_simple_raw"], ".", color=design.tint(design.TRAIN, 0.35),
            ms=3, label="one measurement")
    ema = m[m["b_simple"] > 0]
    ax.plot(ema["step"], ema["b_simple"], "-", color=design.TRAIN, label="B_simple (EMA)")
    mk = dict(zip(marks["what"], marks["value"], strict=True))
    if math.isfinite(mk.get("b_crit", math.nan)):
        ax.axhline(mk["b_crit"], color=design.PALETTE[2], ls="--", lw=1, label="fitted B_crit")
    if math.isfinite(mk.get("target_step", math.nan)):
        ax.axvline(mk["target_step"], color=design.MUTED, lw=1, label="target reached")
    span = [mk.get("window_from", math.nan), mk.get("window_to", math.nan)]
    if math.isfinite(mk.get("b_simple_low", math.nan)) and np.isfinite(span).all():
        ax.fill_between(span, mk["b_simple_low"], mk["b_simple_high"], lw=0, zorder=0,
                        color=design.tint(design.INK, 0.15), label=interval_words())
    if math.isfinite(mk.get("b_simple", math.nan)) and np.isfinite(span).all():
        ax.plot(span, [mk["b_simple"]] * 2, "-", color=design.INK, lw=1.5,
                label="B_simple over the window")
    ax.set_xlabel("step (reference run)")
    ax.set_ylabel("B_simple = tr(Σ) / |G|²")
    ax.legend(loc="best", fontsize=8)
    return fig
