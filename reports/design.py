"""One look for every hplab figure: palette, matplotlib style, PNG encoding, number format
(the numbers in `reports._numbers`).

Drawing functions create figures with :func:`new_figure` and never touch pyplot, so no
global figure state leaks between reports or threads. The style is applied with
``matplotlib.rc_context`` only while a figure is built and saved (see :func:`style`).
"""

from __future__ import annotations

import base64
import contextlib
import io
from contextlib import contextmanager

import matplotlib
import matplotlib.style
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap, to_rgb
from matplotlib.figure import Figure

from . import _fonts
from ._figure_label import figure_label as figure_label  # a figure's default alt text

# fonts: CJK fallbacks and the advice when a label is drawn as boxes
from ._fonts import (
    CJK_FAMILIES as CJK_FAMILIES,
    advise_font as advise_font,
    fallback_families as fallback_families,
    font_advice as font_advice,
    found_new_fonts as found_new_fonts,
    missing_glyphs as missing_glyphs,
    texts_holding as texts_holding,
)

# numbers, as every report shows them (re-exported: reports read them here)
from ._numbers import (
    FIXED_HIGH as FIXED_HIGH,
    FIXED_LOW as FIXED_LOW,
    STAT_ZERO as STAT_ZERO,
    WHOLE_LIMIT as WHOLE_LIMIT,
    format_column as format_column,
    format_named as format_named,
    format_percent as format_percent,
    format_seconds as format_seconds,
    format_setting as format_setting,
    format_stat as format_stat,
    format_value as format_value,
    seeds_text as seeds_text,
    significant as significant,
)

#: Okabe-Ito hues that colour-blind readers can tell apart, each drawn as a line or marker
#: on white at 3:1 or more (WCAG's non-text contrast), black last (kept for ink). Its
#: yellow (1.3:1) and orange (2.2:1) are left out: an orange dark enough came out as the
#: vermilion to deuteranopes. Its sky blue is darkened from #56B4E9 (2.3:1).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#1D9AE0", "#000000")
#: A colour for each of up to 12 series (a benchmark's strategies besides the baseline
#: drew five colours, each shared by two or three curves): `PALETTE`'s five, then seven of
#: seaborn's "dark" palette, each 3:1 or more on white too; left out of it its grey (ink's),
#: its orange (vermilion's twin) and its purple (the navy's). Past five they differ in hue
#: more than a colour-blind reader can tell: the series' line styles and markers still do.
SERIES_COLORS = (*PALETTE[:-1], "#001c7f", "#592f0d", "#8c0800", "#b8850a", "#12711c",
                 "#a23582", "#006374")
TRAIN = "#0072B2"
VALIDATION = "#D55E00"
TEST = "#009E73"
INK = "#222222"  # text and samples' edges
MUTED = "#6b6b6b"
GRID = "#e3e3e3"
#: Sequential colour map for counts (confusion matrices) and magnitudes.
SEQUENTIAL = "Blues"

#: PNG resolution: sharp enough on screen, small enough to embed (a report < 3 MB).
DPI = 100
#: Width of a full-width figure in inches (~1000 px at DPI).
FULL_WIDTH = 10.0

RC = {
    "figure.facecolor": "white",
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "font.size": 9.5,
    "axes.titlesize": 10.5,
    "axes.titleweight": "bold",
    "axes.labelsize": 9.5,
    "axes.edgecolor": "#9a9a9a",
    "axes.labelcolor": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "grid.color": GRID,
    "grid.linewidth": 0.8,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "text.color": INK,
    # a legend inside the axes sits on the data: a near-opaque white box keeps it legible
    # and its markers from reading as data points (a frameless one looked like an extra one)
    "legend.frameon": True,
    "legend.framealpha": 0.9,
    "legend.facecolor": "white",
    "legend.edgecolor": "#cccccc",
    "legend.fontsize": 8.5,
    "lines.linewidth": 1.6,
    "image.cmap": SEQUENTIAL,
}


# The caller's settings a figure keeps: its fonts (``font.family`` and the families a
# generic name there stands for), a user's way to have their script's labels drawn, and
# the mathtext that goes with them (matplotlib warns of cmr10 without it)
_KEPT_RC = ("font.family", "font.sans-serif", "font.serif", "font.monospace", "font.cursive",
            "font.fantasy", "mathtext.fontset", "axes.formatter.use_mathtext")


@contextmanager
def style():
    """Apply the hplab style while building or saving a figure.

    On matplotlib's defaults, not the caller's settings (a notebook's
    ``plt.style.use("dark_background")`` gave a report black plot areas), but for its
    fonts (`_KEPT_RC`). The installed CJK fonts follow the family in use (matplotlib falls
    back per glyph), so a user's own ``font.family`` still comes first; matplotlib's font
    log is held to errors meanwhile (`_fonts.quiet_font_log`).
    """
    kept = {key: matplotlib.rcParams[key] for key in _KEPT_RC}
    family = list(kept["font.family"])
    family += [f for f in _fonts.installed_fallbacks() if f not in family]
    with matplotlib.rc_context(), _fonts.quiet_font_log():
        matplotlib.style.use("default")  # matplotlib's own (the backend left as it is)
        matplotlib.rcParams.update({**kept, **RC, "font.family": family})
        yield


#: Positive values spanning more than this factor are drawn on a log axis: a loss that
#: falls by orders of magnitude put every good value on the zero line.
LOG_SPAN = 50


def log_y_if_wide(ax, values, span: float = LOG_SPAN) -> bool:
    """Put ``ax`` on a log y-axis when the finite ``values`` are all positive and span
    more than ``span``; whether it did."""
    v = np.asarray(values, dtype=np.float64).ravel()
    v = v[np.isfinite(v)]
    if v.size and v.min() > 0 and v.max() / v.min() > span:
        ax.set_yscale("log")
        return True
    return False


def new_figure(width: float = FULL_WIDTH, height: float = 3.6) -> Figure:
    """A pyplot-free figure on the Agg canvas, styled like every hplab figure.

    Call inside :func:`style` (``Report.add_figure`` does) so rc settings apply.
    """
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def png_data_uri(fig: Figure, dpi: int = DPI) -> tuple[str, int, int]:
    """Encode ``fig`` as a PNG ``data:`` URI; returns ``(uri, width_px, height_px)``.

    The figure is laid out and drawn once, and left without its layout engine: it is done
    with (`Report.add_figure` lets it go next).
    """
    buf = io.BytesIO()
    with style():
        _lay_out(fig, dpi)
        fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    raw = buf.getvalue()
    # PNG IHDR: width and height are big-endian uint32 at bytes 16..24.
    width, height = int.from_bytes(raw[16:20], "big"), int.from_bytes(raw[20:24], "big")
    return "data:image/png;base64," + base64.b64encode(raw).decode("ascii"), width, height


def _lay_out(fig: Figure, dpi: int) -> None:
    """Run ``fig``'s layout engine once, at the PNG's resolution as savefig would, and take
    the engine off: with one, savefig draws the whole figure twice, unrendered for the
    layout (~20 % of a report figure's time), then rendered; without, once (the same
    bytes). A pyplot figure is left to savefig: setting its dpi would resize its window."""
    engine = fig.get_layout_engine()
    if engine is None or not fig.axes or fig.canvas.manager is not None:
        return
    before = fig.dpi
    fig.dpi = dpi
    try:
        with contextlib.suppress(ValueError):  # as Figure.draw, which ignores it
            engine.execute(fig)
    finally:
        fig.dpi = before
    fig.set_layout_engine(None)  # (a user's rc that asks for a layout puts one back: slower)


#: Marker shapes and line styles that tell series apart where colours alone do not (two
#: Okabe-Ito hues merge for some colour-blind readers); 11 and 4 have no common factor, so
#: the first 44 series each get a pair of their own.
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "<", "*", ">", "p")
LINESTYLES = ("-", "--", ":", "-.")
#: Fills for bars of several series, the first one plain: nine, one for each trial outcome
#: a study figure draws (and one for an outcome it does not know).
HATCHES = ("", "//", "..", "xx", "\\\\", "++", "oo", "--", "||")


def series_style(i: int) -> dict[str, str]:
    """Series ``i``'s ``color``, ``ls`` and ``marker`` (keywords of ``Axes.plot``): a
    colour of `SERIES_COLORS` (black left for ink), a line style and a marker shape, so a
    reader who cannot tell the colours apart still tells the series apart (and the legend
    shows how). Scatters use the marker alone, bars `series_hatch`."""
    return {"color": SERIES_COLORS[i % len(SERIES_COLORS)],
            "ls": LINESTYLES[i % len(LINESTYLES)], "marker": MARKERS[i % len(MARKERS)]}


def series_hatch(i: int) -> str:
    """Series ``i``'s hatch for bars: ``""`` (plain) for the first."""
    return HATCHES[i % len(HATCHES)]


def relative_luminance(color) -> float:
    """WCAG 2's relative luminance of ``color`` (0 black .. 1 white)."""
    rgb = np.asarray(to_rgb(color))
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return float(linear @ (0.2126, 0.7152, 0.0722))


def contrast_ratio(a, b) -> float:
    """WCAG 2's contrast ratio of two colours, 1 (the same) .. 21 (black on white)."""
    dark, light = sorted((relative_luminance(a), relative_luminance(b)))
    return (light + 0.05) / (dark + 0.05)


def text_color_on(face) -> str:
    """Black or white, whichever contrasts more with a cell of colour ``face``: 4.6:1 or
    more on any cell (ink's #222 would leave a mid-tone cell at 4.0:1)."""
    return "black" if contrast_ratio("black", face) >= contrast_ratio("white", face) \
        else "white"


def text_shade(color, on="white", ratio: float = 4.5) -> str:
    """``color`` darkened (same hue) until text in it reads at ``ratio``:1 on ``on``,
    WCAG AA's 4.5 for small text: most of `PALETTE` is 3:1 to 3.9:1 on white, enough for
    a mark, not for the words beside it (a pruned count's "×4" was 3.1:1)."""
    amount = 1.0
    while contrast_ratio(shade(color, amount), on) < ratio and amount > 0:
        amount -= 0.02
    return matplotlib.colors.to_hex(shade(color, max(amount, 0.0)))


def class_colors(k: int) -> list[str]:
    """``k`` distinct class colours: `PALETTE`'s Okabe-Ito hues up to 4 classes, evenly
    spaced husl hues from 5 on; each 3:1 or more on white."""
    # its fifth colour, a lighter blue, tinted a decision map's region as its first's
    # (contrast 1.07); black stays for ink
    if k <= len(PALETTE) - 2:
        return list(PALETTE[:k])
    import seaborn as sns

    # husl's default lightness (0.65) left some hues at 2.7:1 on white; 0.55 keeps 3.8:1
    return [matplotlib.colors.to_hex(c) for c in sns.husl_palette(k, l=0.55)]


def binary_cmap() -> LinearSegmentedColormap:
    """Class 0 colour through white (p = 0.5) to class 1 colour."""
    c0, c1 = class_colors(2)
    return LinearSegmentedColormap.from_list("hplab_binary", [c0, "#ffffff", c1])


def literal(text) -> str:
    """``text`` as matplotlib should draw it: as written, never as math.

    Matplotlib reads the part between two ``$`` as mathtext (a label ``$10k-$50k`` came out
    as italic ``10k - 50k``, and ``$50k_$`` stopped the report); ``\\$`` is its literal
    dollar. Every string from the user (class labels, feature names) goes through this;
    mathtext stays on for the log axes' tick labels, which use it.
    """
    return str(text).replace("$", r"\$")


def shade(color: str, amount: float) -> tuple[float, float, float]:
    """``color`` blended toward black; ``amount`` 0 = black, 1 = the colour."""
    return tuple(amount * np.asarray(to_rgb(color)))


def tint(color: str, amount: float) -> tuple[float, float, float]:
    """``color`` blended toward white; ``amount`` 0 = white, 1 = the colour."""
    rgb = np.asarray(to_rgb(color))
    return tuple(1 - amount * (1 - rgb))
