"""Report figures drawn for real: elsewhere tests typeset their texts only (conftest's
`typeset_texts`), so each kind of report is drawn into its PNGs here once."""

from __future__ import annotations

import base64
import io
import re

import numpy as np
import pytest
from cli_helpers import ANALYSES, run_cli
from conftest import typeset_texts
from PIL import Image

from reports import design

BAD = r"$\notacommand{x}$"  # mathtext matplotlib cannot typeset


@pytest.mark.parametrize("where", ["title", "legend", "placed ticks", "axis label",
                                   "annotation", "suptitle"])
def test_typesetting_a_figure_fails_on_a_label_matplotlib_cannot_draw(where):
    fig = design.new_figure(4, 3)
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], label=BAD if where == "legend" else "line")
    ax.legend()
    ax.set_xticks([0, 1], ["a", BAD if where == "placed ticks" else "b"])
    {"title": ax.set_title, "axis label": ax.set_ylabel, "suptitle": fig.suptitle,
     "annotation": lambda text: ax.annotate(text, (0.5, 0.5))}.get(where, str)(BAD)
    with pytest.raises(ValueError):
        typeset_texts(fig)


def test_typesetting_measures_each_text_a_figure_shows():
    fig = design.new_figure(4, 3)
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], label="line")
    ax.legend()
    ax.set(title="t", xlabel="x", ylabel="y")
    ax.set_xticks([0, 1], ["a", "b"])
    fig.suptitle("s")
    # title, x and y labels, the legend's entry, two placed ticks, the suptitle; the y
    # axis' ticks are left to its locator, not placed
    assert typeset_texts(fig) == 7


def _images(html: str) -> list[tuple[Image.Image, int, int]]:
    out = []
    for src, width, height in re.findall(
            r'<img src="data:image/png;base64,([^"]+)" width="(\d+)" height="(\d+)"', html):
        out.append((Image.open(io.BytesIO(base64.b64decode(src))), int(width), int(height)))
    return out


REPORTS = {
    **{f"train {name}": ["train", "--dataset", name, "--epochs", "5"]
       for name in ("xor", "coin", "sine")},
    **{name: argv for name, (argv, _) in ANALYSES.items()},
}


@pytest.mark.slow
@pytest.mark.rasterized
@pytest.mark.parametrize("kind", REPORTS)
def test_each_report_kind_draws_every_figure_into_a_real_png(kind, tmp_path, capsys):
    out = tmp_path / "out"
    code, _, err = run_cli([*REPORTS[kind], "--out", out], capsys)
    assert code == 0, err
    images = _images((out / "report.html").read_text())
    assert len(images) >= 2
    for image, width, height in images:
        assert image.format == "PNG" and image.size == (width, height)
        pixels = np.asarray(image.convert("L"))
        # drawn: more than a blank page's one grey, and ink on a good part of the image
        assert len(np.unique(pixels)) > 8 and (pixels < 200).mean() > 0.005


@pytest.mark.rasterized
def test_a_figure_looks_the_same_whatever_style_the_caller_set(tmp_path):
    # QA: a notebook's plt.style.use("dark_background") gave a report's "Accuracy against
    # width" a black plot area on the white page; the caller's settings are theirs again
    # after, and their fonts stay the figure's
    import matplotlib
    import matplotlib.style
    import pandas as pd

    import reports

    frame = pd.DataFrame({"width": [2, 4, 8, 16], "accuracy": [0.5, 0.7, 0.8, 0.82]})

    def draw(frame):
        fig = design.new_figure(4, 3)
        ax = fig.subplots()
        ax.plot(frame["width"], frame["accuracy"], marker="o", label="validation")
        ax.set(title="Accuracy against width", xlabel="width", ylabel="accuracy")
        ax.legend()
        return fig

    def report_pngs(name):
        rep = reports.Report("demo", "Style")
        rep.add_section("Widths")
        rep.add_figure("widths", draw, frame, caption="Accuracy.")
        html = rep.write(tmp_path / name, index=False).read_text(encoding="utf-8")
        return [img.tobytes() for img, _, _ in _images(html)]

    plain = report_pngs("plain")
    with matplotlib.style.context("dark_background"), matplotlib.rc_context({
            "lines.linewidth": 7.0, "axes.grid": False, "figure.dpi": 30,
            "savefig.transparent": True, "axes.prop_cycle": matplotlib.cycler(color=["y"]),
            "font.family": ["serif"]}):
        host = dict(matplotlib.rcParams)
        with design.style():
            assert matplotlib.rcParams["font.family"][0] == "serif"  # the caller's font
            assert matplotlib.rcParams["axes.facecolor"] == "white"
        styled = report_pngs("styled")
        assert dict(matplotlib.rcParams) == host
    with matplotlib.style.context("dark_background"):
        dark = report_pngs("dark")
    assert len(plain) == 1
    assert dark == plain  # pixel for pixel
    assert styled != plain  # a serif font: the caller's choice
