"""Every kind of report at 320 CSS px (WCAG 1.4.10 reflow: a 1280 px window at 400 %): the
page never scrolls sideways, a figure's frame keeps to its card, a code block wraps.

Driven through headless Chromium as `test_report_browser` drives it (skips without it).
"""

from __future__ import annotations

import pytest
from cli_helpers import run_cli
from conftest import figure_stand_in, spec_file_maker
from test_report_browser import _chromium, _probe

import reports
import study

pytestmark = pytest.mark.rasterized

# a study named as a user names one: a word of 46 letters, no hyphen to break at
LONG_NAME = "coin_batch_size_sweep_with_dropout_and_l2_2026"


def _at_320(exe, page, tmp_path) -> dict:
    """The probe at 320 CSS px: zoom 2 in Chromium's 640 px window (500 px is its
    narrowest); the media queries see 640 px, a phone's rules."""
    seen = _probe(exe, page, tmp_path, "--window-size=640,2400", css="html { zoom: 2; }")
    assert seen["viewport"] == 640
    return seen


@pytest.mark.slow
def test_at_320_css_pixels_no_kind_of_report_scrolls_sideways(tmp_path, capsys,
                                                              monkeypatch):
    # QA: the resume command of a study named LONG_NAME kept the name whole and scrolled
    # its code box (no cue), "--storage" off-screen; the index's columns scrolled at 760 px
    exe = _chromium()
    figure_stand_in(monkeypatch, typeset=False, sized=True)  # sized: laid out as drawn
    monkeypatch.chdir(tmp_path)
    for argv in (["lr-range", "--dataset", "xor", "--steps", "12"],
                 ["capacity", "--dataset", "xor", "--widths", "2,4", "--depths", "1",
                  "--seeds", "1", "--epochs", "5"],
                 ["scaling", "--dataset", "xor", "--batch-sizes", "2,4", "--lrs", "0.1,0.5",
                  "--seeds", "1", "--max-epochs", "3"],
                 ["imbalance", "--dataset", "coin", "--positive", "1", "--ratio", "1:4",
                  "--seeds", "1", "--epochs", "3"],
                 ["train", "--dataset", "xor", "--epochs", "3", "--name", "a"],
                 ["train", "--dataset", "xor", "--epochs", "3", "--name", "b"],
                 ["report", "compare", "runs/train/a", "runs/train/b"]):
        code, _, err = run_cli(argv, capsys)
        assert code == 0, (argv, err)
    spec = study.load_spec(spec_file_maker(tmp_path)(LONG_NAME, n_trials=2, max_epochs=4,
                                                     pruner="none"))
    study.run_study(spec, storage=str(tmp_path / "s.db"), progress=False)
    page = reports.study_report(LONG_NAME, storage=str(tmp_path / "s.db"),
                                out=tmp_path / "runs" / "studies" / LONG_NAME)
    assert f"hplab study run {LONG_NAME} " in page.read_text(encoding="utf-8")
    assert run_cli(["report", "index", "runs"], capsys)[0] == 0
    runs = tmp_path / "runs"
    pages = {"train": runs / "train" / "a" / "report.html", "study": page,
             "index": runs / "index.html"}
    for kind in ("lr-range", "capacity", "scaling", "imbalance", "compare"):
        (pages[kind],) = (runs / kind).glob("*/report.html")
    for kind, path in pages.items():
        seen = _at_320(exe, path, tmp_path)
        assert seen["page_width"] <= seen["viewport"], kind
        assert seen["figures_past_card"] == [], kind  # a figure's frame fits its card,
        # its image never enlarged (its box in the window's pixels: zoom 2)
        assert all(img["shown"] <= 2 * img["width"] + 1 for img in seen["images"]), kind
        assert seen["scrolling_code"] == 0, kind  # a long word wraps in its code box
        assert kind != "index" or seen["scrolling"] == 0  # the index's rows stack
    assert len(pages) == 8
