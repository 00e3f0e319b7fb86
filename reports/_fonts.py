"""The fonts hplab's figures draw labels with: CJK fallbacks, the characters drawn as boxes
for want of one and the advice to install one, and matplotlib's font log kept off stderr
(`reports.design` re-exports the public names)."""

from __future__ import annotations

import functools
import logging
import os
import re
import threading
import unicodedata
import warnings
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path

import matplotlib
from matplotlib import font_manager
from matplotlib.text import Text

from nets import HeldAttribute, add_warning_filters, remove_warning_filters

#: Fonts with Chinese, Japanese and Korean characters, most common first: a label in those
#: scripts falls back to the first one installed (Debian's fonts-noto-cjk registers "Noto
#: Sans CJK JP", the first face of its .ttc; its Chinese characters are the same).
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC", "Noto Sans CJK KR",
                "Source Han Sans SC", "Source Han Sans CN", "Source Han Sans",
                "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei",
                "PingFang SC", "Hiragino Sans GB", "AR PL UMing CN", "AR PL UKai CN",
                "Noto Serif CJK SC", "Noto Serif CJK JP")


def fallback_families(installed: Iterable[str]) -> list[str]:
    """The `CJK_FAMILIES` among the ``installed`` family names, in `CJK_FAMILIES`' order."""
    installed = set(installed)
    return [family for family in CJK_FAMILIES if family in installed]


@functools.cache
def installed_fallbacks() -> tuple[str, ...]:
    """The `CJK_FAMILIES` matplotlib's font manager knows."""
    return tuple(fallback_families(f.name for f in font_manager.fontManager.ttflist))


#: Whether `found_new_fonts` looked already: once a process is enough.
_looked_for_fonts = False


def found_new_fonts() -> bool:
    """Whether fonts installed since matplotlib listed them add CJK fallbacks; looked for
    once a process, when a figure drew boxes (later calls: False, nothing new).

    matplotlib lists the system's fonts once, in its cache, and never looks again: a font
    installed after the first report stayed unused until that cache was deleted. The new
    files are added to its font manager and its cache rewritten, so the next process finds
    them there (listing the fonts took 10 ms for 40 of them).
    """
    global _looked_for_fonts
    if _looked_for_fonts:
        return False
    _looked_for_fonts = True
    known = {os.path.realpath(f.fname) for f in font_manager.fontManager.ttflist}
    before = installed_fallbacks()
    for path in font_manager.findSystemFonts():
        if os.path.realpath(path) in known:
            continue
        try:
            font_manager.fontManager.addfont(path)
        except Exception:  # noqa: BLE001 - as matplotlib's listing: an unreadable file is out
            continue
    installed_fallbacks.cache_clear()
    if set(installed_fallbacks()) <= set(before):
        return False
    version = font_manager.FontManager.__version__
    cache = Path(matplotlib.get_cachedir(), f"fontlist-v{version}.json")  # as matplotlib names it
    with quiet_font_log():  # a cache it cannot write costs this speed-up only
        font_manager.json_dump(font_manager.fontManager, cache)
    return True


_FONT_LOG = logging.getLogger("matplotlib.font_manager")
_quiet_lock = threading.Lock()
_quiet_depth = 0
_level_before = logging.NOTSET


@contextmanager
def quiet_font_log():
    """matplotlib's font log held to errors (its level as it was, after).

    It logs lines such as ``findfont: Failed to find font weight bold for WenQuanYi Micro
    Hei, now using 400.`` (a title, bold, in a font that has no bold) straight to stderr,
    which holds only hplab's own warnings. Nested and concurrent uses restore it once, as
    the last one ends.
    """
    global _quiet_depth, _level_before
    with _quiet_lock:
        if _quiet_depth == 0:
            _level_before = _FONT_LOG.level
            _FONT_LOG.setLevel(logging.ERROR)
        _quiet_depth += 1
    try:
        yield
    finally:
        with _quiet_lock:
            _quiet_depth -= 1
            if _quiet_depth == 0:
                _FONT_LOG.setLevel(_level_before)


# matplotlib's warning for a character no font in font.family draws (as a box): "missing
# from font(s) NAMES." from 3.9 on, "missing from current font." in 3.8
_MISSING_GLYPH = re.compile(r"Glyph (\d+) .*missing from (current )?font")
# 3.8's second warning for such a character of 12 scripts (Hebrew to Sinhala): the advice
# says it once
_UNSUPPORTED_SCRIPT = re.compile(r"Matplotlib currently does not support \w+ natively\.")


# the two shown whatever the host's filters say ("ignore", "error", "once"), for the
# collecting thread's showwarning to take
_GLYPH_RULES = (("always", Warning, _MISSING_GLYPH.pattern),
                ("always", Warning, _UNSUPPORTED_SCRIPT.pattern))


# thread id -> the lists its `missing_glyphs` calls collect into (innermost last)
_COLLECTING: dict[int, list] = {}
_COLLECTING_LOCK = threading.Lock()
# hplab's ``warnings.showwarning`` while any call (of any thread) collects: it takes the
# glyph warnings of a thread that collects and passes on the rest
# (``catch_warnings(record=True)`` saved and put back all the warning filters: another
# thread's, added meanwhile, were dropped)
_SHOW = HeldAttribute(warnings, "showwarning", lambda show: _collecting(show))


def _collecting(show):
    def showwarning(message, category, filename, lineno, file=None, line=None):
        lists = _COLLECTING.get(threading.get_ident())
        text = str(message)
        if lists and (_MISSING_GLYPH.match(text) or _UNSUPPORTED_SCRIPT.fullmatch(text)):
            lists[-1].append(text)  # the innermost call's
            return None
        return show(message, category, filename, lineno, file, line)

    return showwarning


@contextmanager
def missing_glyphs():
    """Collect into the yielded list the characters drawn as boxes for want of a font.

    matplotlib warns once per character and figure (18-23 warnings for one report with
    Chinese labels); those of this thread are kept for `font_advice`, other warnings go on
    as they come.
    """
    missing: list[str] = []
    caught: list[str] = []
    added = add_warning_filters(*_GLYPH_RULES)
    with _COLLECTING_LOCK:
        _COLLECTING.setdefault(threading.get_ident(), []).append(caught)
    _SHOW.enter()
    try:
        yield missing
    finally:
        _SHOW.leave()
        with _COLLECTING_LOCK:
            lists = _COLLECTING[threading.get_ident()]
            del lists[next(i for i, c in enumerate(lists) if c is caught)]
            if not lists:
                del _COLLECTING[threading.get_ident()]
        remove_warning_filters(added)
        for text in caught:
            found = _MISSING_GLYPH.match(text)
            if found and chr(int(found[1])) not in missing:
                missing.append(chr(int(found[1])))


def texts_holding(fig, chars: Iterable[str]) -> list[str]:
    """The texts drawn on ``fig`` that hold any of ``chars``, each once, in the figure's
    order (its titles, axis labels, ticks, legends)."""
    chars = set(chars)
    found: dict[str, None] = {}
    for artist in fig.findobj(Text):
        text = artist.get_text()
        if artist.get_visible() and not chars.isdisjoint(text):
            found[text.replace(r"\$", "$")] = None  # as `design.literal` escaped it
    return list(found)


#: Scripts whose characters come with a CJK font (first word of their Unicode names).
_CJK_WORDS = {"CJK", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO", "IDEOGRAPHIC",
              "FULLWIDTH", "HALFWIDTH"}
#: The labels an advice quotes, and the characters of each.
_SHOWN_TEXTS, _SHOWN_LENGTH = 3, 20


def font_advice(chars: Iterable[str], texts: Iterable[str] = ()) -> str:
    """One sentence: which labels were drawn as boxes, and which font to install.

    It quotes the first few ``texts`` (the labels holding ``chars``), else the characters
    one by one: run together, the characters of 侧面, 反面 and 正面 read as 反正, "anyway".
    """
    chars = list(dict.fromkeys(chars))  # in the order they were drawn
    words = {unicodedata.name(c, "?").split()[0] for c in chars}
    if words <= _CJK_WORDS:
        script, package = "Chinese, Japanese or Korean", "fonts-noto-cjk"
    else:
        script = ", ".join(sorted(w.title() for w in words - _CJK_WORDS) + (
            ["CJK"] if words & _CJK_WORDS else []))
        package = "fonts-noto" + ("-cjk and fonts-noto" if words & _CJK_WORDS else "")
    labels = [" ".join(t.split()) for t in texts] or chars  # a label's line breaks: spaces
    labels = [t if len(t) <= _SHOWN_LENGTH else t[:_SHOWN_LENGTH] + "..." for t in labels]
    shown = ", ".join(labels[:_SHOWN_TEXTS]) + (", ..." if len(labels) > _SHOWN_TEXTS else "")
    return (f"labels in {script} script ({shown}) are drawn as boxes in the figures: no "
            f"installed font has those characters; install one (e.g. Debian's {package}) and "
            "hplab's figures use it")


#: The advice already printed by this process: once is enough for a command.
_ADVISED: set[str] = set()


def advise_font(chars: Iterable[str], texts: Iterable[str] = ()) -> str:
    """`font_advice` for ``chars`` and ``texts``, warned (a UserWarning) the first time it
    is given: the program prints it as its other warnings, naming the command."""
    advice = font_advice(chars, texts)
    key = advice.split(" (", 1)[0]  # one line per script, whichever characters
    if key not in _ADVISED:
        _ADVISED.add(key)
        warnings.warn(advice, UserWarning, stacklevel=2)
    return advice
