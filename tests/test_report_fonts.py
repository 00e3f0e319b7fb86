"""The fonts report figures draw with: CJK fallbacks, fonts installed after matplotlib
listed its fonts, the advice when labels are drawn as boxes, matplotlib's font log."""

from __future__ import annotations

import io
import logging
import re
import shutil
import warnings
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from matplotlib import font_manager

import reports
from reports import _fonts, design


@pytest.fixture
def fresh_font_lists(monkeypatch):
    """The process's font lists looked at afresh, and again after the test."""
    def clear():
        _fonts.installed_fallbacks.cache_clear()
        font_manager.fontManager._findfont_cached.cache_clear()

    monkeypatch.setattr(_fonts, "_looked_for_fonts", False)
    clear()
    yield
    clear()


def test_figures_fall_back_to_the_cjk_fonts_font_manager_finds(monkeypatch):
    # QA: Chinese class and feature names were drawn as boxes (DejaVu Sans has no CJK)
    installed = [f.name for f in font_manager.fontManager.ttflist]
    found = design.fallback_families(installed)
    assert set(found) <= set(installed)  # never a family findfont would not find
    # in CJK_FAMILIES' order, whichever order the fonts were registered in
    assert design.fallback_families(["SimHei", *installed, "WenQuanYi Zen Hei"]) == [
        f for f in design.CJK_FAMILIES if f in {*found, "SimHei", "WenQuanYi Zen Hei"}]
    monkeypatch.setattr(_fonts, "installed_fallbacks", lambda: ("WenQuanYi Zen Hei",))
    with design.style():  # after the default family: matplotlib falls back per glyph
        assert matplotlib.rcParams["font.family"] == ["sans-serif", "WenQuanYi Zen Hei"]
    # a user's own matplotlibrc font comes first
    with matplotlib.rc_context({"font.family": ["serif"]}), design.style():
        assert matplotlib.rcParams["font.family"] == ["serif", "WenQuanYi Zen Hei"]


@pytest.mark.rasterized  # matplotlib warns of a missing glyph as it draws it
def test_labels_no_installed_font_draws_are_said_once_not_warned_per_glyph(
        tmp_path, capsys, recwarn, monkeypatch):
    # QA: a report with Chinese class names drew boxes with 18-23 raw matplotlib warnings
    # ("Glyph 21453 (...) missing from font(s) DejaVu Sans.") and not a word in the report
    if _fonts.installed_fallbacks():
        pytest.skip("a CJK font is installed: its labels are drawn")
    monkeypatch.setattr(_fonts, "_ADVISED", set())

    def draw_classes(frame):
        fig = design.new_figure(4, 3)
        ax = fig.subplots()
        for label, part in frame.groupby("类别"):
            ax.scatter(part["横坐标"], part["纵坐标"], label=label)
        ax.set_xlabel("横坐标")
        ax.legend()
        return fig

    frame = pd.DataFrame({"横坐标": [0, 1, 2], "纵坐标": [1, 0, 2],
                          "类别": ["正面", "反面", "立着"]})
    for name in ("one", "two"):
        rep = reports.Report("demo", f"Report {name}")
        rep.add_section("Classes")
        rep.add_figure("classes", draw_classes, frame, caption="Classes.")
        rep.add_figure("again", draw_classes, frame, caption="The same.")
        rep.write(tmp_path / name, index=False)
    assert not [w for w in recwarn if "missing from" in str(w.message)]  # either wording
    # a warning (the program prints it as "hplab COMMAND: warning: ..."), not a line
    # printed as "hplab: ...", without the command's name
    assert [(w.category, str(w.message)) for w in recwarn if "boxes" in str(w.message)] == [
        (UserWarning, "labels in Chinese, Japanese or Korean script (横坐标, 反面, 正面, ...) are "
         "drawn "
         "as boxes in the figures: no installed font has those characters; install one (e.g. "
         "Debian's fonts-noto-cjk) and hplab's figures use it")]  # once for both reports
    assert capsys.readouterr().err == ""
    for name in ("one", "two"):  # each report says it, once, under its first figure
        html = (tmp_path / name / "report.html").read_text(encoding="utf-8")
        notes = re.findall(r'<p class="note">([^<]*)</p>', html)
        assert len(notes) == 1 and "fonts-noto-cjk" in notes[0]
        assert html.index('id="fig-classes"') < html.index(notes[0]) < html.index(
            'id="fig-again"')


def _warn_as_matplotlib_3_8(codepoint):  # its _text_helpers.warn_on_missing_glyph
    name = chr(codepoint).encode("ascii", "namereplace").decode("ascii")
    warnings.warn(f"Glyph {codepoint} ({name}) missing from current font.", stacklevel=2)
    if 0x0d80 <= codepoint <= 0x0dff:  # and 11 more of India's and the Middle East's
        warnings.warn("Matplotlib currently does not support Sinhala natively.",
                      stacklevel=2)


def _warn_as_matplotlib_3_9(codepoint):  # ... and 3.11's
    name = chr(codepoint).encode("ascii", "namereplace").decode("ascii")
    warnings.warn(f"Glyph {codepoint} ({name}) missing from font(s) DejaVu Sans.",
                  stacklevel=2)


@pytest.mark.parametrize("warn", [_warn_as_matplotlib_3_8, _warn_as_matplotlib_3_9])
def test_every_matplotlib_s_missing_glyph_warnings_are_collected(warn, recwarn):
    # QA: on matplotlib 3.8 (which pyproject admits) Chinese labels gave a warning a glyph
    # and no advice: its wording was not matched
    with _fonts.missing_glyphs() as missing:
        for glyph in "日本日\u0d9a":
            warn(ord(glyph))
        warnings.warn("another warning", stacklevel=1)
    assert missing == ["日", "本", "\u0d9a"]
    assert [str(w.message) for w in recwarn] == ["another warning"]  # passed on


def test_the_advice_quotes_the_labels_drawn_as_boxes_not_their_characters_run_together():
    # QA: the labels 侧面, 反面 and 正面 were quoted as (侧面反正), a word ("anyway")
    advice = design.font_advice("侧面反正", ["侧面", "反面", "正面"])
    assert advice.startswith("labels in Chinese, Japanese or Korean script (侧面, 反面, 正面) are "
                             "drawn as boxes in the figures")
    # the first three, a long one cut, a line break a space
    advice = design.font_advice("特征值甲乙丙", ["特征值" * 8, "甲\n乙", "丙", "丁"])
    assert "(特征值特征值特征值特征值特征值特征值特征..., 甲 乙, 丙, ...)" in advice
    assert "(侧, 面)" in design.font_advice("侧面")  # no texts: the characters, apart


@pytest.mark.rasterized  # the texts are taken from the drawn figure
def test_the_report_quotes_the_texts_of_its_figure_drawn_as_boxes(monkeypatch):
    monkeypatch.setattr(_fonts, "installed_fallbacks", lambda: ())
    # where the report looks it up (design's name): patched in _fonts only, the real one
    # ran where no test had looked for fonts yet in the process, and failed on the lambda
    monkeypatch.setattr(design, "found_new_fonts", lambda: False)
    monkeypatch.setattr(_fonts, "_ADVISED", set())

    def draw(frame):
        fig = design.new_figure(4, 3)
        ax = fig.subplots()
        ax.bar(frame["类别"], frame["n"])
        ax.set_title("counts")  # no box: not quoted
        return fig

    rep = reports.Report("demo", "Classes")
    rep.add_section("Classes")
    frame = pd.DataFrame({"类别": ["侧面", "反面", "正面"], "n": [11, 13, 16]})
    with pytest.warns(UserWarning, match=r"script \(侧面, 反面, 正面\) are drawn as boxes"):
        rep.add_figure("classes", draw, frame, caption="Classes.")


@pytest.mark.rasterized  # matplotlib warns of a missing glyph as it draws it
def test_a_font_installed_after_matplotlib_listed_its_fonts_is_found_once(
        tmp_path, monkeypatch, recwarn, fresh_font_lists):
    # QA: a CJK font installed (fc-list showed it) after the first report was left unused,
    # its labels still boxes and the advice to install one given, until matplotlib's font
    # cache was deleted. Here DejaVu Serif plays the new CJK font: it has U+1D25 (ᴥ), which
    # DejaVu Sans lacks, and is copied under a name matplotlib's list has never held.
    shipped = Path(matplotlib.get_data_path(), "fonts", "ttf", "DejaVuSerif.ttf")
    new = tmp_path / "fonts" / "NewlyInstalled.ttf"
    new.parent.mkdir()
    shutil.copy(shipped, new)
    listed = [f for f in font_manager.fontManager.ttflist if f.name != "DejaVu Serif"]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", listed)  # as cached before
    monkeypatch.setattr(_fonts, "CJK_FAMILIES", ("DejaVu Serif", *_fonts.CJK_FAMILIES))
    monkeypatch.setattr(_fonts, "_ADVISED", set())
    scans = []

    def find_system_fonts():
        scans.append(1)
        return [*{f.fname for f in listed}, str(new)]

    monkeypatch.setattr(font_manager, "findSystemFonts", find_system_fonts)
    (tmp_path / "mpl").mkdir()
    monkeypatch.setattr(matplotlib, "get_cachedir", lambda: str(tmp_path / "mpl"))
    assert "DejaVu Serif" not in _fonts.installed_fallbacks()
    draws = []

    def draw(frame):
        draws.append(1)
        fig = design.new_figure(4, 3)
        ax = fig.subplots()
        ax.plot(frame["x"], frame["y"], label=frame.get("label", pd.Series(["ᴥ"]))[0])
        ax.legend()
        return fig

    frame = pd.DataFrame({"x": [0, 1], "y": [1, 0]})
    rep = reports.Report("demo", "New font")
    rep.add_section("Lines")
    rep.add_figure("one", draw, frame, caption="One.")
    rep.add_figure("two", draw, frame, caption="Two.")
    assert not [str(w.message) for w in recwarn]  # no box, no advice
    assert "drawn as boxes" not in rep.html("report_files")
    assert len(draws) == 3  # the first figure again, with the font found; the next once
    assert len(scans) == 1  # looked for once a process
    rep.add_figure("none", lambda frame: draw(frame.assign(label="\u0d9a")), frame,
                   caption="A label no font has (Sinhala): boxes.")
    assert len(draws) == 4 and len(scans) == 1  # drawn once: nothing new to look for
    assert [str(w.message).split(" are ")[0] for w in recwarn] == [
        "labels in Sinhala script (ක)"]
    assert "DejaVu Serif" in _fonts.installed_fallbacks()
    # matplotlib's cache holds it now: the next process finds it there
    cached = font_manager.json_load(tmp_path / "mpl" /
                                    f"fontlist-v{font_manager.FontManager.__version__}.json")
    assert str(new) in {f.fname for f in cached.ttflist}


def test_a_font_found_that_adds_no_cjk_fallback_leaves_the_figure_as_drawn(
        tmp_path, monkeypatch, fresh_font_lists):
    shipped = Path(matplotlib.get_data_path(), "fonts", "ttf", "DejaVuSerif.ttf")
    new = tmp_path / "Serif.ttf"
    shutil.copy(shipped, new)
    listed = [f for f in font_manager.fontManager.ttflist if f.name != "DejaVu Serif"]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", listed)
    (tmp_path / "broken.ttf").write_bytes(b"not a font")  # left out, as matplotlib does
    monkeypatch.setattr(font_manager, "findSystemFonts",
                        lambda: [str(new), str(tmp_path / "broken.ttf")])
    monkeypatch.setattr(matplotlib, "get_cachedir", lambda: str(tmp_path))
    assert _fonts.found_new_fonts() is False  # DejaVu Serif: no CJK family
    assert "DejaVu Serif" in {f.name for f in font_manager.fontManager.ttflist}
    assert not list(tmp_path.glob("fontlist-*.json"))  # matplotlib's cache left alone


@pytest.mark.rasterized  # the log line comes as a title is drawn
def test_matplotlib_font_log_stays_off_stderr_while_hplab_draws(caplog, monkeypatch,
                                                                 fresh_font_lists):
    # QA: with WenQuanYi Micro Hei, which has no bold, every command printed "findfont:
    # Failed to find font weight bold for WenQuanYi Micro Hei, now using 400." on stderr
    # (titles are bold); cmr10, matplotlib's, has no bold either
    monkeypatch.setattr(_fonts, "_ADVISED", set())
    caplog.set_level(logging.WARNING, logger="matplotlib.font_manager")

    def draw(frame):
        fig = design.new_figure(4, 3)
        fig.subplots().set_title("bold")
        return fig

    def logged():
        return [r.getMessage() for r in caplog.records if r.name == "matplotlib.font_manager"]

    rep = reports.Report("demo", "Fonts")
    rep.add_section("Title")
    with matplotlib.rc_context({"font.family": ["cmr10"], "axes.formatter.use_mathtext": True}):
        with matplotlib.rc_context({"axes.titleweight": "bold"}):  # outside hplab's style:
            draw(None).savefig(io.BytesIO(), format="png")  # matplotlib's log as it was
        if not logged():
            pytest.skip("this matplotlib logs no missing font weight (3.8, which pyproject "
                        "admits, has no such line)")
        assert logged() == ["findfont: Failed to find font weight bold for cmr10, now using "
                            "400."]
        caplog.clear()
        font_manager.fontManager._findfont_cached.cache_clear()
        rep.add_figure("title", draw, pd.DataFrame({"x": [0]}), caption="A title.")
        assert logged() == []


def test_the_font_log_level_is_restored_when_hplab_stops_drawing():
    log = logging.getLogger("matplotlib.font_manager")
    before = log.level
    log.setLevel(logging.DEBUG)  # a notebook user's own
    try:
        with design.style():
            assert log.level == logging.ERROR
            with design.style():  # nested: restored only as the outer one ends
                pass
            assert log.level == logging.ERROR
        assert log.level == logging.DEBUG
    finally:
        log.setLevel(before)
