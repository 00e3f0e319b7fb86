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
