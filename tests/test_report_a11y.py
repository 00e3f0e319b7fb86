"""A report and its index as a screen reader, a keyboard and a low-vision reader meet them
in a real headless Chromium, light and dark: every text's contrast (WCAG AA), each image's
text alternative, the headings' outline, the tables' headers and the links' names."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest
from test_report_browser import _chromium, _run_chromium, report_path  # noqa: F401

import reports

pytestmark = pytest.mark.rasterized  # the real report's PNGs

# Written into a test-only copy of the page (its CSP forbids scripts): once loaded, what a
# reader meets, as JSON in a <pre> that --dump-dom prints
AUDIT = r"""<script>
window.addEventListener("load", () => {
  const rgba = (c) => {
    const p = c.match(/[\d.]+/g).map(Number);
    return p.length > 3 ? p : [...p, 1];
  };
  const over = (top, under) => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3]));
  const lum = (c) => c.map((v) => v / 255)
    .map((v) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  // the colour behind an element: its own and its ancestors' backgrounds composited
  const behind = (el) => { const layers = [];
    for (let e = el; e; e = e.parentElement) { const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) { layers.unshift(c); if (c[3] >= 1) break; } }
    return layers.reduce((under, top) => over(top, under), [255, 255, 255]); };
  const texts = new Map(), walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n; (n = walk.nextNode());) {
    const el = n.parentElement, box = el.getBoundingClientRect();
    if (!n.data.trim() || texts.has(el) || box.width <= 1 || box.height <= 1) continue;
    const st = getComputedStyle(el), bg = behind(el), size = parseFloat(st.fontSize);
    const large = size >= 24 || (Number(st.fontWeight) >= 700 && size >= 18.66);
    texts.set(el, {text: n.data.trim().slice(0, 40), cls: el.className,
                   ratio: ratio(over(rgba(st.color), bg), bg), need: large ? 3 : 4.5});
  }
  const focusable = Array.from(document.querySelectorAll("a[href], summary, button"), (e) => {
    e.focus({focusVisible: true});  // as a Tab: a bare focus() was flaky
    return {name: (e.getAttribute("aria-label") || e.textContent).trim(),
            focused: document.activeElement === e, visible: e.matches(":focus-visible"),
            outline: getComputedStyle(e).outlineStyle};
  });
  // a table's sideways scroller: Chrome makes it focusable itself, Firefox and Safari
  // only by its tabindex, so that is what is read, with its role and name
  const scrollers = Array.from(document.querySelectorAll("*")).filter((e) =>
    ["auto", "scroll"].includes(getComputedStyle(e).overflowX) && e.querySelector("table"))
    .map((e) => { e.focus({focusVisible: true});
      return {tabindex: e.getAttribute("tabindex"), role: e.getAttribute("role"),
              name: e.getAttribute("aria-label") || "", focused: document.activeElement === e,
              caption: e.querySelector("caption").textContent.trim()}; });
  const out = document.createElement("pre");
  out.id = "hplab-a11y";
  out.textContent = JSON.stringify({
    lang: document.documentElement.lang, title: document.title,
    dark: matchMedia("(prefers-color-scheme: dark)").matches,
    headings: Array.from(document.querySelectorAll("h1, h2, h3, h4, h5, h6"),
                         (h) => Number(h.tagName[1])),
    images: Array.from(document.querySelectorAll("img, svg"),
                       (e) => e.getAttribute("alt") || e.getAttribute("aria-label") || ""),
    tables: Array.from(document.querySelectorAll("table"), (t) => ({
      caption: t.caption ? t.caption.textContent.trim() : "",
      unscoped: t.querySelectorAll("th:not([scope])").length,
      headers: t.querySelectorAll("thead th").length})),
    texts: texts.size, low: Array.from(texts.values()).filter((t) => t.ratio < t.need),
    focusable, scrollers});
  document.body.appendChild(out);
});
</script>"""


def _audit(exe: str, page: Path, tmp_path: Path, dark: bool) -> dict:
    copy = page.with_name("a11y-copy.html")
    text = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "",
                  page.read_text(encoding="utf-8"))
    copy.write_text(text.replace("</body>", f"{AUDIT}\n</body>"), encoding="utf-8")
    done = _run_chromium(exe, tmp_path / "profile-a11y", "--virtual-time-budget=5000",
                         "--window-size=1280,2000", *(["--force-dark-mode"] if dark else []),
                         "--dump-dom", copy.as_uri())
    copy.unlink()
    found = re.search(r'<pre id="hplab-a11y">(.*?)</pre>', done.stdout, re.S)
    assert found, f"no audit output; rc={done.returncode} stderr={done.stderr[-2000:]}"
    return json.loads(html.unescape(found.group(1)))


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_a_report_and_its_index_read_by_every_reader(report_path, tmp_path, dark):  # noqa: F811
    # a11y audit: what a screen reader, a keyboard and a low-vision reader meet; a guard on
    # the stylesheet's colours (a badge's green was once 4.35:1) in both themes
    exe = _chromium()
    runs = tmp_path / "runs"
    shutil.copytree(report_path.parent, runs / "train" / report_path.parent.name)
    index = reports.write_index(runs)
    for page, kind in ((runs / "train" / report_path.parent.name / report_path.name, "report"),
                       (index, "index")):
        seen = _audit(exe, page, tmp_path, dark)
        for _ in range(2):
            # Chromium now and then loads a page whose focus({focusVisible}) leaves every
            # link out of :focus-visible (CI, stop 78): no ring is drawn then, whatever the
            # stylesheet says, so the page is read again; a stylesheet that hides the ring
            # fails on every read
            if any(f["visible"] for f in seen["focusable"]):
                break
            seen = _audit(exe, page, tmp_path, dark)
        assert seen["dark"] == dark and seen["lang"] == "en" and seen["title"], kind
        # one h1 first, and no level skipped on the way down
        heads = seen["headings"]
        assert heads.count(1) == 1 and heads[0] == 1, (kind, heads)
        assert all(b <= a + 1 for a, b in zip(heads, heads[1:], strict=False)), (kind, heads)
        # each figure says what it shows (a chart's title or axes), not "figure"
        images = seen["images"]
        assert len(images) >= (5 if kind == "report" else 0), kind
        assert all(len(alt) > 12 and alt.lower() not in ("figure", "chart", "plot")
                   for alt in images), images
        # every table named, its column headers th with a scope
        assert seen["tables"] and all(t["caption"] and t["headers"] and not t["unscoped"]
                                      for t in seen["tables"]), seen["tables"]
        # every text, muted notes, badges and captions included, at WCAG AA
        assert seen["texts"] > 20 and seen["low"] == [], (kind, seen["low"])
        # each link reachable by the keyboard, keeping the browser's focus ring, and named
        links = seen["focusable"]
        assert links and all(f["focused"] and f["visible"] for f in links), links
        assert all(f["outline"] != "none" for f in links), links
        assert not [f["name"] for f in links
                    if f["name"].lower() in ("", "here", "click here", "link", "more")]
        # each table's sideways scroller reached by Tab in every browser (Chrome alone makes
        # one focusable itself) and named as its table
        frames = seen["scrollers"]
        assert len(frames) == len(seen["tables"]), (kind, frames)
        assert all(f["tabindex"] == "0" and f["role"] == "region" and f["focused"]
                   and f["name"] == f["caption"] for f in frames), frames
