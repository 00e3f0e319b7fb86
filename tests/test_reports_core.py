"""The report machinery: builder, escaping, CSV beside the report, the index, the CLI."""

from __future__ import annotations

import base64
import dataclasses
import errno
import gc
import io
import json
import os
import platform
import re
import warnings
import weakref
from datetime import datetime, timedelta, timezone
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cli_helpers import (
    ended_or_waiting_on_a_lock,
    hplab_process,
    run_cli,
    run_cli_as_program,
    within,
)
from conftest import wcag_contrast

import hplab
import reports
from reports import design

EVIL = "<script>alert(1)</script>"


def _draw_line(frame: pd.DataFrame):
    fig = design.new_figure(4, 3)
    ax = fig.subplots()
    ax.plot(frame["x"], frame["y"])
    return fig


def _small_report(name="demo", created=None, kind="demo", headline=None) -> reports.Report:
    rep = reports.Report(kind, f"Report {name}", headline or {"Score": 0.5, "Runs": 3},
                         name=name, status="converged", status_detail="all good",
                         created=created)
    rep.add_section("Curve", "A line.")
    rep.add_figure("line", _draw_line, pd.DataFrame({"x": [0, 1, 2], "y": [1, 0, 2]}),
                   caption="A line. Look at it.")
    rep.add_table(pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}), name="small")
    rep.set_provenance(command="hplab demo --seed 1", dataset="toy", seed=1,
                       params={"lr": 0.1, "hidden": (8, 4)}, seconds=2.5)
    return rep


@pytest.mark.rasterized  # the real PNGs
def test_report_is_one_self_contained_file_with_csv_beside(tmp_path, parse_html):
    path = _small_report().write(tmp_path / "runs" / "demo")
    assert path == tmp_path / "runs" / "demo" / "report.html"
    text = path.read_text(encoding="utf-8")
    page = parse_html(text)
    assert page.errors == []
    imgs = page.find("img")
    assert len(imgs) == 1
    for img in imgs:
        assert img["src"].startswith("data:image/png;base64,")
        png = base64.b64decode(img["src"].split(",", 1)[1])
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and int(img["width"]) > 0
    assert page.find("script") == [] and page.find("link") == []
    assert "http://" not in text and "https://" not in text  # no CDN, no network
    assert any(m.get("http-equiv") == "Content-Security-Policy" for m in page.find("meta"))
    assert "prefers-color-scheme: dark" in text  # both themes inline
    # every figure's data as CSV beside the report, linked from the caption
    line = pd.read_csv(path.parent / "report_files" / "line.csv")
    assert list(line.columns) == ["x", "y"] and len(line) == 3
    assert (path.parent / "report_files" / "small.csv").exists()
    assert 'href="report_files/line.csv"' in text
    # provenance: version, command, dataset, seed, every parameter, wall time
    for needed in ("hplab version", "hplab demo --seed 1", "toy", "hidden", "8, 4", "2.5 s",
                   "Library versions", f"python {platform.python_version()}, numpy "
                   f"{np.__version__}, scikit-learn "):
        assert needed in page.all_text


def test_user_strings_are_escaped_everywhere(tmp_path, parse_html):
    rep = reports.Report(EVIL, EVIL, {EVIL: EVIL}, name=EVIL, status=EVIL, status_detail=EVIL,
                         subtitle=EVIL)
    rep.add_section(EVIL, EVIL)
    rep.add_text(EVIL, note=True)
    rep.add_figure("line", _draw_line, pd.DataFrame({"x": [0, 1], "y": [0, 1]}), caption=EVIL,
                   alt='" onerror="alert(1)')
    rep.add_table(pd.DataFrame({EVIL: [EVIL]}), caption=EVIL)
    rep.set_provenance(command=EVIL, dataset=EVIL, seed=0, params={EVIL: EVIL},
                       extra={EVIL: EVIL})
    path = rep.write(tmp_path / "runs" / "out")
    text = path.read_text(encoding="utf-8")
    page = parse_html(text)
    assert page.errors == []
    assert "<script" not in text.lower()
    assert page.find("script") == []
    assert all("onerror" not in attrs for _, attrs in page.tags)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert EVIL in page.all_text  # shown as text, exactly
    info = reports.read_report_info(path)
    assert info.name == EVIL and info.headline[0]["label"] == EVIL
    index = (tmp_path / "runs" / "index.html").read_text(encoding="utf-8")
    assert "<script" not in index.lower() and parse_html(index).errors == []


def test_a_tables_column_names_have_their_controls_escaped(tmp_path):
    # review: a column name (a parameter another Optuna client stored) printed ESC and
    # U+202E raw in the header, where its cells and every other text were escaped
    rep = reports.Report("t", "t")
    rep.add_table(pd.DataFrame({"param_rtl\u202eexe.txt": [1], "ctl\x1b[2J": ["v\u202e"]}))
    text = rep.write(tmp_path / "r").read_text(encoding="utf-8")
    assert "\u202e" not in text and "\x1b" not in text
    assert "param_<wbr>rtl\\u202eexe.txt</th>" in text and "ctl\\x1b[2J</th>" in text


def test_long_tables_are_capped_with_a_note_and_full_csv(tmp_path):
    rep = reports.Report("demo", "Long table")
    frame = pd.DataFrame({"i": np.arange(60), "v": np.linspace(0, 1, 60)})
    rep.add_table(frame, name="long", max_rows=25)
    path = rep.write(tmp_path / "r", index=False)
    text = path.read_text(encoding="utf-8")
    assert "Showing the first 25 of 60 rows." in text
    assert text.count("<tr>") == 26  # header + 25
    assert len(pd.read_csv(path.parent / "report_files" / "long.csv")) == 60
    assert not (tmp_path / "index.html").exists()  # index=False


def test_bad_names_and_data_are_refused():
    rep = reports.Report("demo", "t")
    frame = pd.DataFrame({"x": [0], "y": [0]})
    with pytest.raises(ValueError, match="name"):
        rep.add_figure("Bad Name", _draw_line, frame, caption="c")
    with pytest.raises(ValueError, match="name"):
        rep.add_figure("../up", _draw_line, frame, caption="c")
    rep.add_figure("ok", _draw_line, frame, caption="c")
    with pytest.raises(ValueError, match="duplicate"):
        rep.add_table(frame, name="ok")
    with pytest.raises(TypeError, match="DataFrame"):
        rep.add_figure("arr", _draw_line, np.zeros(3), caption="c")
    with pytest.raises(ValueError, match="stem"):
        rep.write("unused", stem="no/slash")


def test_shared_frame_is_written_once(tmp_path):
    rep = reports.Report("demo", "t")
    frame = pd.DataFrame({"x": [0, 1], "y": [0, 1]})
    rep.add_figure("first", _draw_line, frame, caption="c")
    rep.add_figure("second", _draw_line, frame, caption="c")
    path = rep.write(tmp_path / "r", index=False)
    assert sorted(p.name for p in (path.parent / "report_files").iterdir()) == ["first.csv"]
    assert path.read_text().count('href="report_files/first.csv"') == 2


def test_a_table_of_a_drawn_frame_links_the_figure_csv(tmp_path):
    rep = reports.Report("demo", "t")
    frame = pd.DataFrame({"x": [0, 1], "y": [0, 1]})
    rep.add_figure("plot", lambda d: _draw_line(d["points"]), {"points": frame}, caption="c")
    rep.add_table(frame, name="points-table")
    path = rep.write(tmp_path / "r", index=False)
    files = sorted(p.name for p in (path.parent / "report_files").iterdir())
    assert files == ["plot-points.csv"]
    assert path.read_text().count('href="report_files/plot-points.csv"') == 2


def test_rewriting_a_report_drops_stale_csv(tmp_path):
    rep = _small_report()
    rep.add_table(pd.DataFrame({"a": [1]}), name="old-figure")  # the earlier version's
    rep.write(tmp_path / "r", index=False)
    assert (tmp_path / "r" / "report_files" / "old-figure.csv").exists()
    _small_report().write(tmp_path / "r", index=False)
    assert not (tmp_path / "r" / "report_files" / "old-figure.csv").exists()


def test_a_report_keeps_the_users_csv_in_its_files_folder(tmp_path):
    # QA: every CSV in report_files/ the new report did not write was deleted, the user's
    # too (exit 0); so did remove_report. Only those the earlier report linked to go
    out = tmp_path / "r"
    files = out / "report_files"
    files.mkdir(parents=True)
    (files / "keep.csv").write_text("mine,1\n")
    (files / "notes.txt").write_text("mine\n")
    _small_report().write(out, index=False)  # no earlier report: nothing there is hplab's
    rep = _small_report()
    rep.add_table(pd.DataFrame({"a": [1]}), name="old-figure")
    rep.write(out, index=False)
    assert sorted(p.name for p in files.iterdir()) == [
        "keep.csv", "line.csv", "notes.txt", "old-figure.csv", "small.csv"]
    _small_report().write(out, index=False)  # the earlier report's own stale CSV goes
    assert sorted(p.name for p in files.iterdir()) == [
        "keep.csv", "line.csv", "notes.txt", "small.csv"]
    reports.remove_report(out)
    assert not (out / "report.html").exists()
    assert sorted(p.name for p in files.iterdir()) == ["keep.csv", "notes.txt"]
    assert (files / "keep.csv").read_text() == "mine,1\n"
    # a CSV of a name the report writes, not its own: refused, never written over
    (files / "small.csv").write_text("mine,2\n")
    with pytest.raises(ValueError, match=re.escape(
            f"{out} holds a report_files/small.csv hplab did not write; move it, or write "
            "the report elsewhere")):
        _small_report().write(out, index=False)
    assert (files / "small.csv").read_text() == "mine,2\n"
    assert not (out / "report.html").exists() and not (files / "line.csv").exists()


def test_a_report_never_writes_or_deletes_through_a_linked_files_folder(tmp_path):
    # QA: the CSVs in report_files/ the new report did not write were deleted, through a
    # link too; remove_report deleted them all
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "important.csv").write_text("precious,1\n")
    out = tmp_path / "r"
    _small_report().write(out, index=False)
    (out / "report_files").rename(tmp_path / "moved")
    (out / "report_files").symlink_to(victim)
    before = (out / "report.html").read_bytes()
    for stem in ("report", "other"):  # every stem's <stem>_files/ is checked
        files = out / f"{stem}_files"
        files.unlink(missing_ok=True)
        files.symlink_to(victim)
        with pytest.raises(ValueError, match=re.escape(
                f"{files} is a link (to {victim}), where the report's CSV files go; remove "
                "it or write the report elsewhere")):
            _small_report().write(out, stem=stem, index=False)
    with pytest.raises(ValueError, match=re.escape(
            f"{out / 'report_files'} is a link (to {victim}): its CSV files are not the "
            "report's to remove")):
        reports.remove_report(out)
    assert [p.name for p in victim.iterdir()] == ["important.csv"]
    assert (out / "report.html").read_bytes() == before
    assert reports.held_results(out, "demo") == f"a report_files that is a link (to {victim})"
    (out / "report_files").unlink()
    (out / "report_files").write_text("not a folder\n")
    assert reports.held_results(out, "demo") == "a report_files that is not a folder"


def _write_repeatedly(out_dir: str, times: int) -> str:
    rep = _small_report()
    try:
        for _ in range(times):
            rep.write(out_dir)
    except OSError as exc:
        return repr(exc)
    return "ok"


def test_processes_writing_the_same_report_at_once_leave_it_whole(tmp_path, parse_html):
    """Two commands refreshing one report (and the index) at once: each writes its own
    temporary file, so neither moves the other's away nor leaves a torn page."""
    import multiprocessing

    out = tmp_path / "runs" / "same"
    with multiprocessing.get_context("fork").Pool(4) as pool:
        assert pool.starmap(_write_repeatedly, [(str(out), 20)] * 4) == ["ok"] * 4
    page = parse_html((out / "report.html").read_text(encoding="utf-8"))
    assert page.errors == [] and "Report demo" in page.all_text
    assert sorted(p.name for p in (out / "report_files").iterdir()) == ["line.csv", "small.csv"]
    assert not list(tmp_path.rglob(".*"))  # no writer's temporary file left


def test_an_interrupted_write_leaves_the_earlier_report_whole(tmp_path, monkeypatch):
    out = tmp_path / "runs" / "demo"
    _small_report().write(out)
    before = {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    rep = reports.Report("demo", "Report demo, again", {"Score": 0.9}, name="demo")
    rep.add_table(pd.DataFrame({"a": [3]}), name="first")
    rep.add_table(pd.DataFrame({"b": [4]}), name="second")
    calls = []
    real = pd.DataFrame.to_csv

    def ctrl_c_on_the_second(frame, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(frame, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", ctrl_c_on_the_second)
    with pytest.raises(KeyboardInterrupt):
        rep.write(out, index=False)
    # the page and its data as they were, and no temporary file left behind
    assert {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_an_index_hplab_did_not_write_is_left_alone(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html><body>My own homepage</body></html>")
    _small_report("mine").write(site / "run1")  # no runs/ above: the index goes to site/
    assert (site / "index.html").read_text() == "<html><body>My own homepage</body></html>"
    # a run whose folder starts with "_" is listed like any other
    _small_report("_under").write(tmp_path / "runs" / "train" / "_under")
    assert [i.name for i in reports.find_reports(tmp_path / "runs")] == ["_under"]
    assert "train/_under/report.html" in (tmp_path / "runs" / "index.html").read_text()


def test_an_index_that_is_a_link_is_replaced_not_written_through(tmp_path, capsys):
    # QA: bob's runs/index.html linking to alice's index: bob's refresh put his listing
    # over hers (her links gone, its owner and mode his)
    alice, bob = tmp_path / "alice" / "runs", tmp_path / "bob" / "runs"
    _small_report("alice-run").write(alice / "train" / "alice-run")
    theirs = (alice / "index.html").read_text(encoding="utf-8")
    bob.mkdir(parents=True)
    (bob / "index.html").symlink_to(alice / "index.html")
    _small_report("bob-run").write(bob / "train" / "bob-run")  # a report's refresh
    assert (alice / "index.html").read_text(encoding="utf-8") == theirs
    assert not (bob / "index.html").is_symlink()
    assert "train/bob-run/report.html" in (bob / "index.html").read_text(encoding="utf-8")
    (bob / "index.html").unlink()
    (bob / "index.html").symlink_to(alice / "index.html")
    code, out, err = run_cli(["report", "index", bob], capsys)  # and `report index`
    assert code == 0, err
    assert (alice / "index.html").read_text(encoding="utf-8") == theirs
    assert not (bob / "index.html").is_symlink() and "alice-run" not in \
        (bob / "index.html").read_text(encoding="utf-8")


def test_index_lists_every_report_newest_first(tmp_path, parse_html):
    root = tmp_path / "runs"
    t0 = datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)
    # written in an order that differs from their dates
    for name, hours in (("middle", 1), ("oldest", 0), ("newest", 2)):
        _small_report(name, created=t0 + timedelta(hours=hours),
                      headline={"Score": hours / 10}).write(root / "train" / name)
    (root / "notes.html").write_text("<html><body>not a report</body></html>")
    (root / "train" / "newest" / "report_files" / "x.html").write_text("<meta name=x>")
    index = root / "index.html"
    assert index.exists()  # refreshed by every write
    infos = reports.find_reports(root)
    assert [i.name for i in infos] == ["newest", "middle", "oldest"]
    text = index.read_text(encoding="utf-8")
    page = parse_html(text)
    assert page.errors == []
    links = [a["href"] for a in page.find("a") if a["href"][:1] != "#"]
    assert links == ["train/newest/report.html", "train/middle/report.html",
                     "train/oldest/report.html"]
    assert "Score" in page.all_text and "0.2" in page.all_text
    assert "2026-01-01" in page.all_text and "demo" in page.all_text
    assert reports.write_index(root) == index  # explicit refresh gives the same page


def test_index_rows_of_one_title_say_where_they_are(tmp_path, parse_html):
    # QA: a study's report and its copy's (runs/ copied, reported again there) were two
    # rows "mydigits / Study: mydigits", nothing telling them apart
    root = tmp_path / "runs"
    for folder, source in (("mine", "/p/runs/hplab.db"), ("mine-394ca2", "/q/runs/hplab.db")):
        rep = _small_report("mine")
        rep.source = source
        rep.write(root / "studies" / folder)
    _small_report("other").write(root / "train" / "other")
    text = parse_html((root / "index.html").read_text(encoding="utf-8")).all_text
    assert "in studies/mine, storage /p/runs/hplab.db" in text
    assert "in studies/mine-394ca2, storage /q/runs/hplab.db" in text
    assert "in train/other" not in text  # a row of its own title needs no more


def test_a_folder_name_that_is_not_utf8_is_linked_by_its_bytes(tmp_path, parse_html):
    # QA: one report under runs/train/caf\xe9 made every later report's index refresh fail,
    # so every report-writing command exited 2
    root = tmp_path / "runs"
    odd = root / "train" / os.fsdecode(b"caf\xe9")
    _small_report("odd").write(odd)
    _small_report("plain").write(root / "train" / "plain")
    links = [a["href"] for a in parse_html(
        (root / "index.html").read_text(encoding="utf-8")).find("a") if a["href"][:1] != "#"]
    assert sorted(links) == ["train/caf%E9/report.html", "train/plain/report.html"]
    assert Path(os.fsdecode(b"caf\xe9")).name in os.listdir(root / "train")


def test_index_dates_are_in_one_zone_and_say_which(tmp_path, time_zone, parse_html):
    # each report keeps its writer's zone: three machines' dates under "newest first" read
    # 00:56, 16:55, 08:56, with no zone shown
    root = tmp_path / "runs"
    t0 = datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)
    for hours, zone in enumerate(("UTC", "Asia/Shanghai", "America/Los_Angeles")):
        time_zone(zone)
        _small_report(zone.split("/")[-1], created=t0 + timedelta(hours=hours)).write(
            root / "train" / str(hours), index=False)
    time_zone("Asia/Tokyo")
    text = reports.write_index(root).read_text(encoding="utf-8")
    assert parse_html(text).errors == []
    assert re.findall(r'<td class="date">(.*?)</td>', text) == [
        "2026-01-01 23:00", "2026-01-01 22:00", "2026-01-01 21:00"]
    assert re.findall(r'href="train/(\d)/', text) == ["2", "1", "0"]  # newest first still
    assert "newest first; times in JST, UTC+09:00." in text
    time_zone("UTC")
    text = reports.write_index(root).read_text(encoding="utf-8")
    assert re.findall(r'<td class="date">(.*?)</td>', text)[0] == "2026-01-01 14:00"
    assert "newest first; times in UTC." in text
    # a POSIX zone named UTC at another offset: TZ=UTC+3 is three hours behind UTC
    time_zone("UTC+3")
    text = reports.write_index(root).read_text(encoding="utf-8")
    assert re.findall(r'<td class="date">(.*?)</td>', text)[0] == "2026-01-01 11:00"
    assert "newest first; times in UTC, UTC-03:00." in text
    # the footer's command regenerates this index from its folder, wherever that moved
    # (QA: the absolute path of the student's folder failed on the teacher's side); the
    # folder it was written in is said
    assert ("Regenerate with <code>hplab report index .</code> in this page's folder "
            f"(<code>{root}</code> when it was written)") in text


def test_index_root_rule(tmp_path):
    assert reports.index_root(tmp_path / "runs" / "train" / "xor") == tmp_path / "runs"
    assert reports.index_root(tmp_path / "runs") == tmp_path / "runs"
    # elsewhere an index is refreshed where `hplab report index` started one, never begun
    # in a parent (`--out ~/exp` read the whole home folder to list its reports)
    assert reports.index_root(tmp_path / "a" / "b") is None
    path = _small_report("one").write(tmp_path / "elsewhere" / "one")
    assert reports.read_report_info(path).name == "one"
    assert not (tmp_path / "elsewhere" / "index.html").exists()
    reports.write_index(tmp_path / "elsewhere")
    assert reports.index_root(tmp_path / "elsewhere" / "two") == tmp_path / "elsewhere"
    _small_report("two").write(tmp_path / "elsewhere" / "two")
    index = (tmp_path / "elsewhere" / "index.html").read_text()
    assert 'href="one/report.html"' in index and 'href="two/report.html"' in index
    # someone's own index.html there is neither replaced nor taken for ours
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("<html><body>My page</body></html>")
    assert reports.index_root(tmp_path / "site" / "x") is None


def test_someones_own_index_page_is_kept_and_said_to_be(tmp_path, capsys):
    # `report index site` printed "site/index.html: 0 reports" and wrote nothing; a
    # report in runs/ beside someone's runs/index.html refreshed nothing, silently
    page = "<html><body>My page</body></html>"
    for folder in ("site", "runs"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "index.html").write_text(page)
    code, out, err = run_cli(["report", "index", tmp_path / "site", "--json"], capsys)
    said = (f"{tmp_path / 'site' / 'index.html'}: a page hplab did not write; left as it "
            "is; not written")
    assert (code, err) == (2, f"hplab report index: error: {said}\n")
    # its listing printed all the same, as train prints its results without its report
    assert json.loads(out) == {"index_path": None, "n_reports": 0, "reports": [],
                               "index_error": said, "unreadable": []}
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        path = _small_report("one").write(tmp_path / "runs" / "one")
    assert path.is_file() and [str(w.message) for w in said] == [
        f"the index {tmp_path / 'runs' / 'index.html'} was not refreshed (a page hplab did "
        "not write; left as it is)"]
    assert {(tmp_path / f / "index.html").read_text() for f in ("site", "runs")} == {page}


def test_a_runs_symlink_gets_its_index(tmp_path, monkeypatch):
    (tmp_path / "real").mkdir()
    (tmp_path / "runs").symlink_to("real")
    monkeypatch.chdir(tmp_path)
    assert reports.index_root("runs/train/x") == tmp_path / "runs"
    _small_report("linked").write("runs/train/x")
    assert [i.name for i in reports.find_reports("real")] == ["linked"]
    index = (tmp_path / "real" / "index.html").read_text()
    assert 'href="train/x/report.html"' in index and (tmp_path / "runs").is_symlink()
    assert not (tmp_path / "real" / "train" / "index.html").exists()


def test_a_linked_subfolder_is_listed_once_and_a_link_loop_ends(tmp_path):
    # runs/train on another disk is a link: its reports refresh runs/index.html, which
    # must list them; a link back up the tree must not loop or list a report twice
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "runs").mkdir()
    (tmp_path / "runs" / "train").symlink_to(tmp_path / "elsewhere")
    (tmp_path / "elsewhere" / "up").symlink_to(tmp_path / "runs")
    _small_report("far").write(tmp_path / "runs" / "train" / "x")
    assert [i.name for i in reports.find_reports(tmp_path / "runs")] == ["far"]
    index = (tmp_path / "runs" / "index.html").read_text()
    assert 'href="train/x/report.html"' in index and "<title>hplab reports · runs<" in index


def test_a_link_to_a_folder_above_is_not_followed(tmp_path, capsys):
    # security review: a runs folder received with a link to / (or ..) in it made each
    # index refresh walk the whole disk, /proc too, and list every report of the machine
    # (another project's, beside the runs folder) in that folder's index.html
    runs = tmp_path / "project" / "runs"
    _small_report("mine").write(runs / "train" / "mine", index=False)
    _small_report("beside").write(tmp_path / "other" / "private", index=False)
    (tmp_path / "elsewhere").mkdir()
    _small_report("far").write(tmp_path / "elsewhere" / "x", index=False)
    (runs / "root").symlink_to("/")
    (runs / "up").symlink_to("../..")
    (runs / "train" / "disk").symlink_to(tmp_path / "elsewhere")  # still followed
    code, out, err = run_cli(["report", "index", runs, "--json", "--no-write"], capsys)
    assert code == 0, err
    listed = json.loads(out)
    assert sorted(r["path"] for r in listed["reports"]) == [
        str(runs / "train" / "disk" / "x" / "report.html"),
        str(runs / "train" / "mine" / "report.html")]
    assert listed["n_reports"] == 2 and listed["unreadable"] == []


def test_same_second_reports_sort_by_write_order(tmp_path):
    t = datetime(2026, 1, 1, tzinfo=timezone.utc)
    first = _small_report("first", created=t).write(tmp_path / "runs" / "a")
    _small_report("second", created=t).write(tmp_path / "runs" / "b")
    os.utime(first, ns=(1, 1))
    assert [i.name for i in reports.find_reports(tmp_path / "runs")] == ["second", "first"]


def test_cli_report_index(tmp_path, capsys):
    _small_report("cli").write(tmp_path / "runs" / "x", index=False)
    assert hplab.main(["report", "index", str(tmp_path / "runs"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["n_reports"] == 1 and out["reports"][0]["name"] == "cli"
    assert Path(out["index_path"]).exists()
    assert hplab.main(["report", "index", str(tmp_path / "missing")]) == 2
    assert "not a folder" in capsys.readouterr().err


def test_a_reports_links_to_files_of_its_folder_are_told_one_way(tmp_path):
    # one rule for the links a report records in its head and those read from the page of
    # an earlier version: a scheme in capitals was a file to the page's reader, an anchor
    # after a name part of it to the head's, a name that is not UTF-8 another than the disk's
    report = _small_report("links")
    report.add_links("Files:", {"model": "model.npz#weights", "spec": "a%20%26%20b.toml",
                                "data": "caf%E9.csv", "site": "HTTPS://example.org/x.csv",
                                "top": "#curve", "disk": "/srv/y.csv", "here": ""})
    folder = tmp_path / "x"
    path = report.write(folder, index=False)
    cafe = os.fsdecode(b"caf\xe9.csv")
    info = reports.read_report_info(path)
    assert [name for name in info.files if not name.startswith("report_files/")] == [
        "model.npz", "a & b.toml", cafe]
    whole = path.read_text(encoding="utf-8")
    assert 'href="a%20%26%20b.toml"' in whole  # no &amp; to read back: quoted
    path.write_text(whole.replace("&#34;files&#34;", "&#34;x&#34;", 1), encoding="utf-8")
    older = reports.read_report_info(path)
    assert older.files is None
    for entry in (reports.index_entry(info), reports.index_entry(older)):
        assert entry.missing == ("a & b.toml", cafe, "model.npz")
    (folder / "model.npz").touch()
    (folder / cafe).touch()
    (folder / "a & b.toml").touch()
    for entry in (reports.index_entry(info), reports.index_entry(older)):
        assert entry.missing == ()
    assert reports._paths.local_link("a&amp;b.csv?v=2") == "a&b.csv"


def test_the_index_does_not_look_up_files_outside_its_folder(tmp_path, capsys):
    # a report's links and head are its author's: "missing: ../../outside/absent.txt" (and
    # not ../../outside/there.txt) told the reader of a shared index which paths of the
    # indexing machine exist
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "there.txt").touch()
    folder = tmp_path / "runs" / "x"
    report = _small_report("probe")
    report.add_links("Files:", {"a": "../../outside/there.txt", "b": "../../outside/absent.txt",
                                "c": "../y/absent.csv", "d": "l/absent.txt", "e": "l/there.txt",
                                "f": "model.npz"})
    path = report.write(folder, index=False)
    (folder / "l").symlink_to(outside)  # through a link: outside too
    info = reports.read_report_info(path)
    ours = ["../y/absent.csv", "model.npz"]
    assert hplab.main(["report", "index", str(tmp_path / "runs"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["reports"][0]["missing"] == ours
    page = (tmp_path / "runs" / "index.html").read_text(encoding="utf-8")
    assert "missing: ../y/absent.csv, model.npz<" in page and "outside" not in page
    # a head naming an absolute path (hplab records none): not looked up either
    crafted = dataclasses.replace(info, files=(*info.files, "/nonexistent/hplab-probe"))
    assert reports.index_entry(crafted, root=tmp_path / "runs").missing == tuple(ours)
    assert reports.index_entry(crafted).missing == ("model.npz",)  # the report's own folder


def test_cli_report_index_scans_runs_by_default(tmp_path, monkeypatch, capsys):
    # QA: DIR was required, where every command writes its reports under runs/
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["report", "index"], capsys)
    assert (code, out) == (2, "") and err == (
        "hplab report index: error: not a folder: runs (the default, where commands write "
        "their reports); give the folder to index\n")
    assert list(tmp_path.iterdir()) == []  # no runs/ made
    _small_report("first").write(tmp_path / "runs" / "a", index=False)
    _small_report("second").write(tmp_path / "runs" / "b", index=False)
    code, out, err = run_cli(["report", "index", "--json"], capsys)
    summary = json.loads(out)
    assert (code, err, summary["index_path"], summary["n_reports"]) == (
        0, "", "runs/index.html", 2)
    assert {r["name"] for r in summary["reports"]} == {"first", "second"}
    assert "second" in (tmp_path / "runs" / "index.html").read_text()
    assert run_cli(["report", "index"], capsys)[1] == "runs/index.html: 2 reports\n"


def test_report_index_counts_the_reports_its_index_lists(tmp_path, monkeypatch, capsys):
    # the folder was scanned twice, to count and to write: a report written in between
    # was in the index but not in the count
    root = tmp_path / "runs"
    _small_report("first").write(root / "a", index=False)
    scan = reports.scan_reports

    def scan_then_another_lands(folder):
        found = scan(folder)
        _small_report("second").write(root / "b", index=False)
        return found

    monkeypatch.setattr(reports._index, "scan_reports", scan_then_another_lands)
    code, out, _ = run_cli(["report", "index", root, "--json"], capsys)
    summary = json.loads(out)
    assert code == 0 and [r["name"] for r in summary["reports"]] == ["first"]
    page = (root / "index.html").read_text()
    assert summary["n_reports"] == 1 and "a/report.html" in page and "b/report.html" not in page


@pytest.mark.slow
def test_a_report_landing_while_the_index_is_rebuilt_is_listed(tmp_path, monkeypatch, capsys):
    # QA: `hplab report index runs` scanned, then a train's report landed and refreshed the
    # index, then the slower rebuild wrote its scan over it: the train's report was left out
    root = tmp_path / "runs"
    _small_report("first").write(root / "a")
    scan = reports.scan_reports
    landing = []

    def scan_then_a_train_lands(folder):
        found = scan(folder)
        train = hplab_process("train", "--dataset", "sine", "--hidden", "2", "--epochs", "2",
                              "--name", "lost-one", cwd=tmp_path)
        landing.append(train)
        # it ends, or waits for this rebuild to write before its refresh scans
        landing.append(ended_or_waiting_on_a_lock(train))
        return found

    monkeypatch.setattr(reports._index, "scan_reports", scan_then_a_train_lands)
    code, out, err = run_cli(["report", "index", root], capsys)
    train, waited = landing
    assert code == 0 and out == f"{root / 'index.html'}: 1 report\n", err
    assert train.wait(timeout=180) == 0, train.stderr.read()
    assert (root / "train" / "lost-one" / "report.html").is_file()
    page = (root / "index.html").read_text()
    assert "train/lost-one/report.html" in page and "a/report.html" in page
    assert waited  # its refresh waited for the rebuild: no sleep made it so
    assert sorted(p.name for p in root.iterdir()) == ["a", "index.html", "train"]


def test_an_index_is_written_unlocked_where_its_lock_cannot_be_made(tmp_path, capsys):
    # the lock file beside index.html cannot be made (here a folder holds its name): the
    # index is written as it was before there was a lock
    root = tmp_path / "runs"
    (root / ".index.lock").mkdir(parents=True)
    _small_report("first").write(root / "a")
    assert capsys.readouterr().err == ""
    assert "a/report.html" in (root / "index.html").read_text()
    assert hplab.main(["report", "index", str(root)]) == 0


def test_templates_ship_as_package_data():
    templates = files("reports") / "templates"
    for name in ("base.html", "report.html", "index.html", "style.css"):
        assert (templates / name).is_file()


def test_printing_wraps_wide_tables_and_long_commands_instead_of_cutting_them():
    # QA: paper cannot scroll: printed, the capacity runs table lost its right-hand columns
    # and "Use this model" its "--out predictions.csv" behind a scroll box's edge
    import re

    css = (files("reports") / "templates" / "style.css").read_text(encoding="utf-8")
    blocks = re.findall(r"@media print \{(.*?)\n\}", css, re.S)
    printed = "".join(blocks)
    bare = re.sub(r"/\*.*?\*/", "", printed, flags=re.S)
    rules = {sel.strip(): body for sel, body in re.findall(r"([^{}]+)\{([^{}]*)\}", bare)}
    assert "overflow: visible" in rules[".scroll, pre.code"]
    # the inner <code> too: its screen rule (overflow-wrap: normal) kept a long path whole
    assert "overflow-wrap: anywhere" in rules["pre.code, pre.code code"]
    assert "white-space: pre-wrap" in rules["pre.code, pre.code code"]
    cells = rules["th, td"]
    assert "white-space: normal" in cells and "overflow-wrap: break-word" in cells
    assert "white-space: nowrap" in rules["td.num"]  # a number never breaks: it is read
    # a name breaks only after its underscores ("nu / m / be / r" in a dozen columns),
    # except in a landscape table of 20 columns or more, whose last ones fell off the page
    assert "overflow-wrap: normal" in rules["th"]
    assert [sel for sel, body in rules.items() if "th" in sel and "anywhere" in body] == [
        "table:has(th:nth-child(20)) th"]
    assert "min-width: 0" in rules["td.long"]
    assert "@page wide { size: landscape; }" in css  # for the tables of 20 columns or more
    page = _small_report().html()
    assert all(block in page for block in blocks)  # the report carries its own style


@pytest.mark.parametrize(("value", "text"), [
    (None, "–"), (float("nan"), "–"), (3, "3"), (12345, "12,345"), (0.123456, "0.1235"),
    (1e-8, "1.000e-08"), (True, "yes"), ((8, 4), "8, 4"), ("x", "x"), (np.float32(0.5), "0.5"),
    # a list's own commas separate its items: "1,000, 2,000" read as four numbers
    ((1000, 2000), "1000, 2000"), ([np.int64(12345), 0.5], "12345, 0.5"),
    # TrainConfig.extra, free-form notes: Python's "{}" showed where others show "–"
    ({}, "–"), ({"note": "x", "n": 12345}, "note: x, n: 12,345"),
    # QA (MNIST-sized): a test loss of 1.00022 was the card "1", read as exactly one; the
    # rounding's own decade sets the digits (0.99996 is 1.000, not 1.0000); only a whole
    # number's zeros are kept
    (1.00022, "1.000"), (0.99996, "1.000"), (0.50004, "0.5"), (1.0, "1"), (0.96, "0.96"),
    (-2.00004, "-2.000"), (np.float32(3.0), "3"), (0.1 + 0.2, "0.3"),
    (12345.6, "12346"),  # %.4g wrote 1.235e+04 below 1e5
    # review: a mean of seeds and a float32 are what their short text says; 99999.6 is
    # shown as 1.000e+05, as 100000.0 is
    ((0.9 + 0.8 + 0.7) / 3, "0.8"), (np.float32(0.95), "0.95"), (99999.6, "1.000e+05"),
    # an infinite loss keeps its sign (the minus sign, as design writes it)
    (float("inf"), "∞"), (float("-inf"), "−∞"), (np.float32("-inf"), "−∞"),
])
def test_format_value(value, text):
    assert design.format_value(value) == text


@pytest.mark.parametrize(("value", "text"), [
    (0.123456, "0.123456"), (0.000123456, "0.000123456"), (12345.0, "12345"), (12345, "12345"),
    (np.float32(0.1), "0.1"),  # review: float64's repr gave 0.10000000149011612
    ((1e-3, 0.1), "0.001, 0.1"), (float("nan"), "–"), (True, "yes"),
])
def test_format_setting_shows_what_was_given(value, text):
    assert design.format_setting(value) == text


def test_seeds_are_printed_to_copy():
    assert design.format_named("data_seed", 3757552657) == "3757552657"
    assert design.format_named("random_state", np.int64(12345)) == "12345"
    assert design.format_named("n_train", 12345) == "12,345"  # counts keep separators
    rep = reports.Report("demo", "t")
    rep.add_table(pd.DataFrame({"seed": [0], "data_seed": [3757552657], "n": [12345]}))
    rep.set_provenance(command="c", dataset="d", seed=3757552657,
                       params={"random_state": 3757552657})
    html = rep.html()
    assert html.count("3757552657") == 3 and "3,757,552,657" not in html
    assert '<td class="num">12345</td>' in html  # a table's counts have no separators either


@pytest.mark.parametrize(("values", "cells"), [
    # counts made float by a missing value: whole, never 1.008e+04 (QA: scaling examples)
    ([3942.0, None, 10080.0, 222480.0], ["3942", "–", "10080", "222480"]),
    ([np.nan, 2.0**52], ["–", "4503599627370496"]),
    # integers: plain digits in any column (QA: n_parameters "775" beside "2,560")
    ([775, 2560, 3757552657], ["775", "2560", "3757552657"]),
    # one notation a column (QA: param_lr 5.475e-04 beside 0.00132), a decade lower in
    # fixed than a lone number (QA: three of thirty losses below 1e-3 made all scientific)
    ([5.475e-4, 0.00132, 0.0], ["0.0005475", "0.00132", "0"]),
    ([0.4942, 7.049e-4, 1.429], ["0.4942", "0.0007049", "1.429"]),
    ([0.7, 5e-5], ["7.000e-01", "5.000e-05"]),
    ([1.5e5, 0.5], ["1.500e+05", "5.000e-01"]),
    # fixed with four significant digits; a measurement that is not whole keeps its digits
    ([0.123456, 12345.6, 9999.6, 2.0, 0.5], ["0.1235", "12346", "10000", "2", "0.5"]),
    ([float("inf"), 0.25, True, "x"], ["∞", "0.25", "yes", "x"]),
    ([1.00022, 0.5], ["1.000", "0.5"]),
    ([(0.9 + 0.8 + 0.7) / 3, 0.85], ["0.8", "0.85"]),
    # medians of counts over an even number of seeds keep their .5 where four significant
    # digits would drop it (QA: scaling's 2432.5 steps shown as 2432, the terminal's 2432.5)
    ([2432.5, 800.0, 120.5, None], ["2432.5", "800", "120.5", "–"]),
    ([222480.0, 1273.5], ["222480", "1273.5"]),
    ([12345.5, 3.0], ["12345.5", "3"]),
])
def test_a_table_column_is_formatted_as_one(values, cells):
    assert design.format_column(values) == cells


def test_terminal_width_counts_wide_characters_twice_and_ascii_once():
    # ASCII takes its length (no lookup a character: 40 % of a 100k-row table's time);
    # the rule stays one: every ASCII character, controls included, is narrow
    import unicodedata

    def by_character(text):
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

    ascii_text = "".join(map(chr, range(128)))
    assert reports.text_width(ascii_text) == by_character(ascii_text) == 128
    for text in ("", "p_cat", "0.123457", "\\x1b[2J", "p_正面", "ＡＢ", "café", "x\u200by"):
        assert reports.text_width(text) == by_character(text), text
    assert reports.text_width("p_正面") == 6 and reports.text_width("ＡＢ") == 4


def test_table_headers_name_their_columns_and_an_index_its_rows(tmp_path, parse_html):
    # screen readers read each cell with its column's name (scope="col"); a frame's index,
    # shown with index=True, names its row (scope="row")
    rep = reports.Report("demo", "Scopes")
    rep.add_table(pd.DataFrame({"count": [1200, 3]}, index=pd.Index(["train", "test"],
                                                                    name="split")),
                  name="with-index", index=True)
    rep.add_table(pd.DataFrame({"a": [1], "b": ["x"]}), name="plain")
    page = parse_html(rep.write(tmp_path / "r", index=False).read_text())
    assert not page.errors
    heads = page.find("th")
    assert [h.get("scope") for h in heads] == ["col", "col", "row", "row", "col", "col"]
    text = rep.html()
    assert '<th scope="row">train</th><td class="num">1200</td>' in text
    assert '<tr><td class="num">1</td><td>x</td></tr>' in text
    assert text.count('<figure class="table"') == 2  # still a figure with its caption


def test_seeds_are_a_count_then_which_in_every_report():
    # lr-range --seed 2 showed "seeds 2", the scaling report "seeds 2" for --seeds 2
    assert design.seeds_text([2]) == "1 (seed 2)"
    assert design.seeds_text((0, 1, 2)) == "3 (seeds 0, 1, 2)"
    assert design.seeds_text(2, drawn_from=7) == "2 (drawn from seed 7)"


def _shown_params(**config) -> dict:
    import nets

    rep = reports.Report("demo", "t")
    rep.set_provenance(command="c", dataset="d", seed=0,
                       params=nets.TrainConfig(**config).to_dict())
    return rep.params


def test_provenance_shows_the_settings_a_run_used():
    # rho and opt_eps None (the optimizer's own) showed as "–", hiding 0.95 and 1e-6
    shown = _shown_params(optimizer="adadelta")
    assert (shown["rho"], shown["opt_eps"]) == ("0.95 (adadelta's own)",
                                                "1e-06 (adadelta's own)")
    shown = _shown_params(optimizer="rmsprop", rho=0.5)
    assert (shown["rho"], shown["opt_eps"]) == ("0.5", "1e-08 (rmsprop's own)")
    # an optimizer that reads neither has none of its own ("rho 0.9 (sgd's own)")
    shown = _shown_params(optimizer="adam")
    assert "rho" not in shown and shown["opt_eps"] == "1e-08 (adam's own)"
    assert "rho" not in _shown_params() and "opt_eps" not in _shown_params()  # sgd
    # a zero own default is the setting off, shown as l2's 0 is; adamw's decay is its own
    assert _shown_params()["weight_decay"] == "0"
    assert _shown_params(optimizer="adamw")["weight_decay"] == "0.01 (adamw's own)"
    # milestones are steps to copy ("1,000, 2,000" read as four numbers); none: not listed
    # (they showed as "()")
    assert _shown_params(schedule="multistep", lr_milestones=(1000, 2000))[
        "lr_milestones"] == "1000, 2000"
    shown = _shown_params()
    assert "lr_milestones" not in shown and shown["schedule"] == "constant"
    # settings the run's optimizer and schedule never read are not listed as used (an adam
    # run showed momentum 0.9; a constant rate lr_gamma 0.9 and lr_decay_steps 50)
    shown = _shown_params(optimizer="adam", schedule="constant")
    assert {"beta1", "beta2", "lr", "schedule"} <= set(shown)
    assert not {"momentum", "lr_gamma", "lr_decay_steps", "lr_power", "lr_min"} & set(shown)
    shown = _shown_params(optimizer="momentum", schedule="step")
    assert {"momentum", "lr_gamma", "lr_decay_steps"} <= set(shown)
    assert not {"beta1", "beta2", "lr_power"} & set(shown)


@pytest.mark.parametrize(("value", "text"), [
    (-1.374e-16, "0.00"), (8.7e-17, "0.00"), (4.138e4, "41,380"), (999_999.6, "1e6"),
    (14.67, "14.7"), (0.2402, "0.24"), (-0.53, "-0.53"), (3.2e-5, "3.2e-5"),
    (1.2345e8, "1.23e8"), (np.float32(275.4), "275"), (float("nan"), "–"), (7, "7"),
    # review: an R² of 0.9996 was the card "1", a perfect fit
    (0.9996, "1.00"), (1.0004, "1.00"), (1.0, "1"), (0.2, "0.2"),
])
def test_format_stat_is_short(value, text):
    assert design.format_stat(value) == text
    assert len(text) <= 7  # a stat card fits about seven bold characters on one line


def test_format_helpers():
    assert design.format_percent(0.9683) == "96.8 %"
    assert design.format_percent(float("nan")) == "–"
    assert design.format_seconds(0.25) == "250 ms"
    assert design.format_seconds(12.34) == "12.3 s"
    assert design.format_seconds(245) == "4 min 05 s"
    assert design.format_seconds(7380) == "2 h 03 min"
    # review: the unit was chosen before rounding ("1000 ms", "60.0 s"); hours dropped
    # the minute's seconds ("2 h 02 min" for 2 h 02 min 59 s)
    shown = {s: design.format_seconds(s) for s in (0.9994, 0.9996, 59.94, 59.97, 3599.4,
                                                   3599.6, 7379, 7349)}
    assert shown == {0.9994: "999 ms", 0.9996: "1.0 s", 59.94: "59.9 s", 59.97: "1 min 00 s",
                     3599.4: "59 min 59 s", 3599.6: "1 h 00 min", 7379: "2 h 03 min",
                     7349: "2 h 02 min"}
    assert design.class_colors(3) == list(design.PALETTE[:3])
    assert len(set(design.class_colors(10))) == 10
    # QA: five classes were blue and a lighter blue (decision-map tints at 1.07:1): every
    # two classes of up to seven differ in hue by 25 degrees or more (more share the circle)
    import colorsys
    import itertools

    from matplotlib.colors import to_rgb

    for k in range(2, 8):
        hues = [colorsys.rgb_to_hsv(*to_rgb(c))[0] * 360 for c in design.class_colors(k)]
        assert min(min(abs(a - b), 360 - abs(a - b))
                   for a, b in itertools.combinations(hues, 2)) >= 25, k
    # review: past the palette (6 classes on) husl's hues fell to 2.7:1 on white
    assert min(design.contrast_ratio(c, "white") for k in range(2, 41)
               for c in design.class_colors(k)) >= 3


def _runs_caption(path: Path) -> str:
    text = " ".join(path.read_text(encoding="utf-8").split())
    return text[text.index('id="table-runs"'):].split("</figcaption>")[0]


@pytest.fixture(scope="module")
def four_scaling_runs():
    """A scaling study of coin's 2 batch sizes x 2 rates (one seed), run once: the tests
    below only read it (each writes its own report of it)."""
    import nets
    from analyses import scaling_study

    return scaling_study("coin", batch_sizes=[8, 32], lrs=[0.01, 0.05], seeds=1, target=0.9,
                         max_epochs=5, noise=False,
                         config=nets.TrainConfig(hidden=(8,), optimizer="adam"))


@pytest.mark.slow
def test_run_tables_say_rows_were_cut_only_when_they_were(tmp_path, four_scaling_runs):
    import nets
    from analyses import CAPACITY_CONFIG, capacity_sweep, scaling_study

    few = four_scaling_runs
    # the runs' count decides the cut, not their length: an epoch each
    many = scaling_study("coin", batch_sizes=[8, 32], lrs=[0.001, 0.003, 0.01, 0.03, 0.05,
                                                            0.1, 0.2, 0.3, 0.5, 1.0],
                         seeds=1, target=0.9, max_epochs=1, noise=False,
                         config=nets.TrainConfig(hidden=(8,), optimizer="adam"))
    cut = capacity_sweep("coin", widths=(2, 4, 8, 16), depths=(1, 2), seeds=2,
                         config=CAPACITY_CONFIG.replace(max_epochs=1, checkpoint=1))
    captions = [_runs_caption(reports.scaling_report(few, tmp_path / "few", index=False)),
                _runs_caption(reports.scaling_report(many, tmp_path / "many", index=False)),
                _runs_caption(reports.capacity_report(cut, tmp_path / "cap", index=False))]
    assert not any("first rows shown" in c for c in captions)
    assert "Showing the first" not in captions[0]  # 4 runs, all shown
    assert "Showing the first 12 of 20 rows." in captions[1]
    # 16 runs under a cap of 15: hiding one row would only send the reader to the CSV
    assert "Showing the first" not in captions[2] and captions[2].count("<tr>") == 17


def test_the_scaling_report_shows_the_rates_every_run_used(tmp_path, four_scaling_runs):
    import re

    html = reports.scaling_report(four_scaling_runs, tmp_path / "s",
                                  index=False).read_text(encoding="utf-8")
    facts = {re.sub(r"<[^>]+>", "", k): re.sub(r"<[^>]+>", "", v)
             for k, v in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", html, re.S)}
    # the base config's lr 0.1 and batch size 32 ran nowhere: the grids did
    assert "lr" not in facts and "batch_size" not in facts
    assert facts["lrs"] == "0.01, 0.05" and facts["batch_sizes"] == "8, 32"


def test_legends_on_the_data_sit_in_a_white_box():
    # QA: frameless legends sat on the data (lr-range verify near lr 0.1) and the scaling
    # steps legend's marker read as one more measured point
    import nets
    from analyses import scaling_study
    from reports._scaling_report import _fit_curve, draw_steps

    res = scaling_study("coin", batch_sizes=[8, 32], lrs=[0.01, 0.05], seeds=1, target=0.9,
                        max_epochs=5, noise=False,
                        config=nets.TrainConfig(hidden=(8,), optimizer="adam"))
    with design.style():
        fig = draw_steps({"measured": res.batches, "fit": _fit_curve(res)})
        # one legend for both panels, below them (inside, it hid a "not reached" marker)
        legends = fig.legends
        assert len(legends) == 1 and not any(ax.get_legend() for ax in fig.axes)
        for legend in legends:
            assert legend.get_frame_on()
            r, g, b, alpha = legend.get_frame().get_facecolor()
            assert (r, g, b) == (1, 1, 1) and alpha >= 0.85
            assert "measured (best rate)" in [t.get_text() for t in legend.get_texts()]


def test_a_column_of_sentences_wraps_as_one():
    # decided per column: a short reason beside long ones must not wrap a word a line
    rep = reports.Report("x", "x")
    rep.add_section("s")
    rep.add_table(pd.DataFrame({"n": [1, 2], "reason": ["pruned at checkpoint 1 (epoch 1)",
                                                        "ok"], "state": ["a", "b"]}))
    html = rep.html()
    assert html.count('<td class="long">') == 2  # both reason cells, no state cell
    assert '<td class="long">ok</td>' in html


def test_sections_whose_titles_fold_alike_each_get_their_own_anchor():
    # the anchor is the title lower-cased with every run of other characters a hyphen:
    # "Loss (train)" and "loss: train" are both "loss-train", and titles of no ASCII letter
    # are all "section"; one anchor for two sections sent both contents links to the first
    rep = reports.Report("x", "x")
    for title in ("Loss (train)", "loss: train", "Données", "数据", "平均"):
        rep.add_section(title, title)
    page = rep.html()
    anchors = ["loss-train", "loss-train-2", "donn-es", "section", "section-2"]
    assert re.findall(r'<section id="([^"]*)"', page) == anchors
    assert re.findall(r'<a href="#([^"]*)"', page) == anchors


def test_a_report_whose_metadata_has_wrong_types_is_left_out_of_the_index(tmp_path, capsys):
    # QA: a status [1] or a headline 5 in one report.html made every later index refresh
    # (report index, and train after saving its model) end in a TypeError traceback
    root = tmp_path / "runs"
    _small_report("good").write(root / "good", index=False)
    for name, field in (("status", "[1]"), ("headline", "5"), ("name", "{}")):
        (root / name).mkdir()
        (root / name / "report.html").write_text(
            '<html><head><meta name="hplab-report" content="{&#34;kind&#34;: &#34;train&#34;, '
            f'&#34;{name}&#34;: {field}}}"></head></html>')
        assert reports.read_report_info(root / name / "report.html") is None
    code, out, err = run_cli(["report", "index", root, "--json"], capsys)
    assert (code, err) == (0, "")
    assert [r["name"] for r in json.loads(out)["reports"]] == ["good"]
    # sine: a single input, a quick report; what is checked is the index it refreshes
    code, out, err = run_cli(["train", "--dataset", "sine", "--hidden", "2", "--epochs", "2",
                              "--out", root / "train" / "sine"], capsys)
    assert code == 0, err
    assert [i.name for i in reports.find_reports(root)] == ["sine", "good"]


def test_a_report_whose_metadata_the_index_cannot_show_is_left_out(tmp_path, capsys):
    # QA: a headline [{"foo": 1}] in one report.html made every later index write (report
    # index, and train after saving its model) end in a jinja2 UndefinedError traceback;
    # so did a date past the calendar's edge in this zone (OverflowError), and metadata
    # nested deeper than Python's stack (RecursionError)
    import html

    root = tmp_path / "runs"
    _small_report("good").write(root / "good", index=False)
    base = {"kind": "train", "name": "a", "title": "t", "created": "2026-01-01T00:00:00+00:00"}
    damaged = {"no-label": {"headline": [{"foo": 1}]},
               "number-label": {"headline": [{"label": 1, "text": "0.5"}]},
               "not-a-dict": {"headline": [5]},
               "created-overflows": {"created": "0001-01-01T00:00:00+14:00"},
               "study-created-overflows": {"study_created": "9999-12-31T23:59:59-14:00"}}
    for name, fields in damaged.items():
        (root / name).mkdir()
        content = html.escape(json.dumps({**base, **fields}))
        (root / name / "report.html").write_text(
            f'<html><head><meta name="hplab-report" content="{content}"></head></html>')
    (root / "deep").mkdir()
    (root / "deep" / "report.html").write_text(
        '<html><head><meta name="hplab-report" content="' + "[" * 30000 + '"></head></html>')
    for name in (*damaged, "deep"):
        assert reports.read_report_info(root / name / "report.html") is None, name
    code, out, err = run_cli(["report", "index", root, "--json"], capsys)
    assert (code, err) == (0, "")
    assert [r["name"] for r in json.loads(out)["reports"]] == ["good"]
    # sine: a single input, a quick report; what is checked is the index it refreshes
    code, out, err = run_cli(["train", "--dataset", "sine", "--hidden", "2", "--epochs", "2",
                              "--out", root / "train" / "sine"], capsys)
    assert code == 0 and "Traceback" not in err, err
    assert [i.name for i in reports.find_reports(root)] == ["sine", "good"]
    assert 'href="train/sine/report.html"' in (root / "index.html").read_text()
    # a date that is no date is shown as written, as before
    (root / "no-label" / "report.html").write_text(
        '<html><head><meta name="hplab-report" content="'
        + html.escape(json.dumps({**base, "created": "yesterday",
                                  "headline": [{"label": "Score", "text": "0.9"}]}))
        + '"></head></html>')
    assert reports.read_report_info(root / "no-label" / "report.html").created == "yesterday"
    text = reports.write_index(root).read_text()
    assert '<td class="date">yesterday</td>' in text and "</span> 0.9</td>" in text


def test_index_lists_reports_at_any_depth_but_not_in_virtual_environments(tmp_path, capsys):
    # QA: --out runs/exp/2024/11/xor/lr/0.1/seed0 wrote a report the index left out (the
    # walk stopped six folders down)
    root = tmp_path / "runs"
    deep = root / "exp" / "2024" / "11" / "xor" / "lr" / "0.1" / "seed0"
    # sine: a single input, a quick report; what is checked is the index it refreshes
    code = hplab.main(["train", "--dataset", "sine", "--epochs", "2", "--name", "deep",
                       "--out", str(deep)])
    assert code == 0, capsys.readouterr().err
    href = "exp/2024/11/xor/lr/0.1/seed0/report.html"
    assert href in (root / "index.html").read_text(encoding="utf-8")
    # an environment's files (a package's own HTML) are not searched
    env = root / "env"
    env.mkdir()
    (env / "pyvenv.cfg").write_text("home = /usr/bin\n")
    _small_report("in-env").write(env / "lib" / "docs", index=False)
    assert [i.name for i in reports.find_reports(root)] == ["deep"]
    # nor a report staged for a rename that never came (the run was killed): a whole
    # report under a hidden temporary name, which the index listed as a second run
    staged = deep / ".report.html.o7lusmlc.tmp.html"
    staged.write_bytes((deep / "report.html").read_bytes())
    assert [i.name for i in reports.find_reports(root)] == ["deep"]


def _deny(monkeypatch, folder: Path) -> None:
    """Make ``folder`` unreadable to this process, as chmod 0 makes it to any user but
    root (the tests may run as root): listing it, or reaching anything in it, is refused."""
    real_stat, real_scandir = os.stat, os.scandir
    inside = str(folder) + os.sep

    def stat(path, *args, **kwargs):  # the folder itself is seen from its parent
        if not isinstance(path, int) and os.fsdecode(path).startswith(inside):
            raise PermissionError(errno.EACCES, "Permission denied", os.fsdecode(path))
        return real_stat(path, *args, **kwargs)

    def scandir(path="."):
        if not isinstance(path, int) and os.fsdecode(path) + os.sep == inside:
            raise PermissionError(errno.EACCES, "Permission denied", os.fsdecode(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "stat", stat)
    monkeypatch.setattr(os, "scandir", scandir)


def test_the_index_skips_folders_it_cannot_read_and_named_pipes(tmp_path, monkeypatch):
    # QA: a folder under runs/ this user cannot read (lost+found, another user's 0700
    # folder) failed every index refresh, and so the finished run ("Permission denied:
    # 'runs/lost+found/pyvenv.cfg'"); a named pipe called pipe.html held it forever
    root = tmp_path / "runs"
    _small_report("kept").write(root / "kept", index=False)
    locked = root / "alices"  # (lost+found is now skipped by its name)
    locked.mkdir()
    locked.chmod(0o000)
    try:
        if os.access(locked, os.R_OK | os.X_OK):  # root: refused as any other user is
            _deny(monkeypatch, locked)
        os.mkfifo(root / "pipe.html")
        (root / "other").mkdir()
        os.mkfifo(root / "other" / "report.html")
        with within(10):
            assert [i.name for i in reports.find_reports(root)] == ["kept"]
            assert reports.read_report_info(root / "other" / "report.html") is None
            assert reports.write_index(root) == root / "index.html"
    finally:
        locked.chmod(0o700)
    assert 'href="kept/report.html"' in (root / "index.html").read_text(encoding="utf-8")


def test_an_index_that_cannot_be_written_only_warns_after_a_report(tmp_path, capsys):
    # QA: runs/index.html a folder (or a pipe, or runs/ read-only) failed a finished,
    # saved training with exit 2 and no summary; a pipe held it forever
    root = tmp_path / "runs"
    (root / "index.html").mkdir(parents=True)
    # sine: a single input, a quick report; what is checked is the index it refreshes
    code, out, err = run_cli_as_program(["train", "--dataset", "sine", "--hidden", "2",
                                         "--epochs", "2", "--out", root / "train" / "sine",
                                         "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["report_path"] == str(root / "train" / "sine" / "report.html")
    assert (root / "train" / "sine" / "report.html").is_file()
    said = f"hplab train: warning: the index {root / 'index.html'} was not refreshed"
    assert err == f"{said} (a folder, not a file)\n"
    # rebuilding the index is the command's own result: that fails
    code, out, err = run_cli(["report", "index", root], capsys)
    assert (code, out) == (2, f"{root}: 1 report (index.html not written)\n")
    assert err.count("\n") == 1
    assert err.endswith(f"{root / 'index.html'}: a folder, not a file; not written\n")
    # a full disk, as every command says it (the file named; one without a file: the page)
    for filename, said in ((str(root / ".index.html.x.tmp"), root / ".index.html.x.tmp"),
                           (None, root / "index.html")):
        def full_disk(*args, filename=filename, **kwargs):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), filename)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(reports._index_folder, "written_index", full_disk)
            code, out, err = run_cli(["report", "index", root], capsys)
        assert code == 2 and err == (
            f"hplab report index: error: cannot write {said}: No space left on device; "
            "not written\n")
    (root / "index.html").rmdir()
    os.mkfifo(root / "index.html")
    with within(10), pytest.warns(UserWarning) as caught:
        path = _small_report("piped").write(root / "piped")
    assert path.is_file()
    assert [str(w.message) for w in caught] == [
        f"the index {root / 'index.html'} was not refreshed (a pipe or a device, not a file)"]
    # one that fails on another file (its temporary one on a full disk) names it, as the
    # command's error does
    (root / "index.html").unlink()
    tmp = root / ".index.html.x.tmp"

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp))

    with pytest.MonkeyPatch.context() as patch, pytest.warns(UserWarning) as caught:
        patch.setattr(reports._index, "write_atomically", full_disk)
        assert _small_report("full").write(root / "full").is_file()
    assert [str(w.message) for w in caught] == [
        f"the index {root / 'index.html'} was not refreshed (cannot write {tmp}: No space "
        "left on device)"]


def _titled(frame: pd.DataFrame):
    fig = _draw_line(frame)
    fig.axes[0].set(title="Loss by epoch", xlabel="epoch", ylabel="loss")
    return fig


def _labelled(frame: pd.DataFrame):
    fig = _draw_line(frame)
    fig.axes[0].set(xlabel="epoch", ylabel="loss")
    return fig


def test_an_image_alt_names_the_figure_and_leaves_describing_it_to_the_caption(parse_html):
    # QA: every alt was the caption's first sentence, so a screen reader read it twice, and
    # where that sentence told of one panel ("Top row: ...") the alt missed the rest
    rep = reports.Report("demo", "Alt")
    data = pd.DataFrame({"x": [0, 1, 2], "y": [1, 0, 2]})
    caption = "The loss falls. Look at the end."
    rep.add_figure("titled", _titled, data, caption=caption)
    rep.add_figure("labelled", _labelled, data, caption=caption)
    rep.add_figure("bare-line", _draw_line, data, caption=caption)
    rep.add_figure("given", _titled, data, caption=caption, alt="Line chart of the loss")
    alts = [img["alt"] for img in parse_html(rep.html()).find("img")]
    # QA: an alt repeated the figure's title; it says what the axes show too
    assert alts == ["Chart: Loss by epoch — loss against epoch", "Chart: loss against epoch",
                    "Figure: bare line", "Line chart of the loss"]
    # the parts of a figure of several panels, its colour bar's label as the colour's
    with design.style():
        fig = design.new_figure()
        left, right = fig.subplots(1, 2)
        left.set_title("ROC")
        right.set_title("Precision-recall")
        fig.colorbar(right.imshow([[0, 1]]), ax=right, label="share")
        assert design.figure_label(fig) == "Charts: ROC; Precision-recall, colour: share"
        fig.suptitle(design.literal("Costs in $ (trials)"))
        assert design.figure_label(fig) == "Chart: Costs in $ (trials) — colour: share"


def _panels_with_colour_bar():
    fig = design.new_figure(6, 3)
    left, right = fig.subplots(1, 2)
    left.plot([0, 1, 2], [2, 0, 1], label="loss")
    left.set(title="Loss by epoch", xlabel="epoch", ylabel="loss")
    fig.legend(loc="outside right upper")
    fig.colorbar(right.imshow([[0, 1], [1, 0]]), ax=right, label="share of the true class")
    return fig


def _compressed_map():
    fig = design.new_figure(4, 3)
    ax = fig.subplots()
    ax.scatter([0, 1], [1, 0], label="class a")
    ax.set_aspect("equal")
    fig.set_layout_engine("compressed")
    fig.legend(*ax.get_legend_handles_labels(), loc="outside right upper", title="class")
    return fig


def _surface():
    fig = design.new_figure(4, 3)
    ax = fig.add_subplot(projection="3d")
    g = np.linspace(0, 1, 12)
    ax.plot_surface(*np.meshgrid(g, g), np.outer(g, g), rstride=1, cstride=1)
    return fig


@pytest.mark.rasterized  # the real PNGs
@pytest.mark.parametrize("draw", [_panels_with_colour_bar, _compressed_map, _surface])
def test_figures_are_drawn_once_into_the_bytes_savefig_writes(draw):
    # savefig drew a laid-out figure twice, unrendered then rendered (~20 % of a report
    # figure's time): the layout is run alone now, with the same PNG to the byte
    with design.style():
        fig = draw()
        saved = io.BytesIO()
        fig.savefig(saved, format="png", dpi=design.DPI, facecolor="white")
        fig = draw()
    draws = []
    fig.canvas.mpl_connect("draw_event", draws.append)
    uri, width, height = design.png_data_uri(fig)
    png = base64.b64decode(uri.split(",", 1)[1])
    assert png == saved.getvalue()
    assert len(draws) == 1
    assert (width, height) == tuple(round(v * design.DPI) for v in fig.get_size_inches())


def _with_animated_line(frame):
    fig = design.new_figure(4, 3)
    ax = fig.subplots()
    ax.plot([0, 1], [0, 1])
    ax.plot([0, 1], [1, 0], animated=True)  # savefig draws it; a screen's draw leaves it
    return fig


@pytest.mark.rasterized  # the real PNGs
@pytest.mark.parametrize(("draw", "rc"), [(_with_animated_line, {}),
                                          (_draw_line, {"savefig.bbox": "tight"})])
def test_a_figure_drawn_once_is_still_what_savefig_writes(draw, rc):
    # the one-draw path drew what the screen shows (no animated artist) and ignored the
    # user's savefig.bbox, which savefig, and so the reports before it, followed
    import matplotlib

    frame = pd.DataFrame({"x": [0, 1], "y": [1, 0]})
    with matplotlib.rc_context(rc), design.style():
        saved = io.BytesIO()
        draw(frame).savefig(saved, format="png", dpi=design.DPI, facecolor="white")
        uri, _, _ = design.png_data_uri(draw(frame))
    assert base64.b64decode(uri.split(",", 1)[1]) == saved.getvalue()


@pytest.mark.rasterized  # a real Agg renderer
def test_a_figure_on_a_screens_agg_canvas_is_saved_without_drawing_on_the_screen():
    # TkAgg, QtAgg, macosx, nbAgg canvases are Agg canvases: fig.canvas.draw() painted the
    # window and fig.dpi = DPI made its manager resize it (savefig takes the manager off)
    from matplotlib.backend_bases import FigureManagerBase
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    shown = []

    class Screen(FigureCanvasAgg):
        def draw(self):
            shown.append("painted")
            super().draw()

    class Window(FigureManagerBase):
        def resize(self, w, h):
            shown.append("resized")

    with design.style():
        fig = _draw_line(pd.DataFrame({"x": [0, 1], "y": [1, 0]}))
        saved = io.BytesIO()
        fig.savefig(saved, format="png", dpi=design.DPI, facecolor="white")
        fig = _draw_line(pd.DataFrame({"x": [0, 1], "y": [1, 0]}))
    fig.set_dpi(design.DPI * 2)  # a HiDPI window's, not the PNG's
    canvas = Screen(fig)
    canvas.manager = Window(canvas, 1)
    uri, _, _ = design.png_data_uri(fig)
    assert shown == []
    assert base64.b64decode(uri.split(",", 1)[1]) == saved.getvalue()


@pytest.mark.rasterized  # a real Agg renderer
def test_a_figures_pixel_buffer_is_let_go_once_its_png_is_embedded():
    # fig.clear() was meant to free the Agg buffers, but the figure kept its canvas and the
    # canvas its renderer until a garbage collection; clearing each axes (rebuilding its
    # ticks) cost ~10 % of a figure's time
    canvases = []

    def draw(frame):
        fig = _draw_line(frame)
        canvases.append(weakref.ref(fig.canvas))
        return fig

    rep = reports.Report("demo", "Buffers")
    gc.disable()  # gone at once, not at a collection
    try:
        rep.add_figure("line", draw, pd.DataFrame({"x": [0, 1], "y": [1, 0]}), caption="A.")
        assert canvases[0]() is None
    finally:
        gc.enable()
    assert 'src="data:image/png;base64,iVBOR' in rep.html()

def _contrast(fg: str, bg: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours."""
    def luminance(color):
        rgb = [int(color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    hi, lo = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_status_badges_pass_wcag_aa_contrast_in_both_themes():
    # QA: the green "complete" badge was #1a7f37 on #dcf3e3, 4.35:1 (AA asks 4.5:1 for its
    # 13.6 px text)
    import re

    css = (files("reports") / "templates" / "style.css").read_text(encoding="utf-8")
    light = css.split("@media (prefers-color-scheme: dark)")[0]
    dark = re.search(r"@media \(prefers-color-scheme: dark\) \{(.*?)\n\}", css, re.S).group(1)
    for theme in (light, dark):
        colors = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", theme))
        for tone in ("good", "warn", "bad", "neutral"):
            ratio = _contrast(colors[tone], colors[f"{tone}-bg"])
            assert ratio >= 4.5, (tone, colors[tone], colors[f"{tone}-bg"], round(ratio, 2))


def test_drawn_glyphs_are_kept_from_screen_readers():
    # QA: the scroll cue's "→" (a ::after's content) was read out as "right arrow" after
    # every figure and table, 34 times on a study's page: a glyph the stylesheet draws has
    # empty alternative text after it
    import re

    css = (files("reports") / "templates" / "style.css").read_text(encoding="utf-8")
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    drawn = re.findall(r'content:\s*("[^"]+")\s*;', css)
    assert drawn  # the arrow, at least
    for glyph in drawn:
        assert f'content: {glyph} / "";' in css, glyph


def test_index_links_of_one_name_say_which_report_they_open(tmp_path, parse_html):
    # QA: a screen reader's list of links read "coin" three times (scaling, capacity and
    # lr-range reports of coin): the link's name now holds the kind
    root = tmp_path / "runs"
    for kind in ("scaling", "capacity"):
        _small_report("coin", kind=kind).write(root / kind / "coin")
    page = parse_html((root / "index.html").read_text(encoding="utf-8"))
    links = {a["href"]: a["aria-label"] for a in page.find("a") if a["href"][:1] != "#"}
    assert links == {"capacity/coin/report.html": "coin — capacity report",
                     "scaling/coin/report.html": "coin — scaling report"}


@pytest.mark.parametrize(("kind", "args"), [
    ("capacity", ["--widths", "2", "--seeds", "1", "--epochs", "3"]),
    ("lr-range", ["--steps", "20"]),
    ("scaling", ["--batch-sizes", "8,32", "--lrs", "0.05", "--seeds", "1", "--target", "0.6",
                 "--max-epochs", "2", "--no-noise"]),
    ("imbalance", ["--positive", "1", "--ratio", "1:5", "--strategies", "none", "--seeds", "1",
                   "--epochs", "3", "--workers", "1"]),
])
def test_index_tells_analyses_of_one_dataset_apart_by_their_folder(kind, args, tmp_path,
                                                                    monkeypatch, capsys,
                                                                    parse_html):
    # QA: two `hplab scaling --dataset coin` runs, one with --out runs/scaling/coinall, were
    # two rows both named "coin" (the report's dataset): a report in a folder of its own
    # name is listed by that name, the dataset in its muted title line
    monkeypatch.chdir(tmp_path)
    for out in ([], ["--out", f"runs/{kind}/coinall"]):
        code, _, err = run_cli([kind, "--dataset", "coin", *args, *out, "--json"], capsys)
        assert code == 0, err
    page = parse_html((tmp_path / "runs" / "index.html").read_text(encoding="utf-8"))
    links = {a["href"]: a["aria-label"] for a in page.find("a") if a["href"][:1] != "#"}
    assert links == {f"{kind}/coin/report.html": f"coin — {kind} report",
                     f"{kind}/coinall/report.html": f"coinall — {kind} report"}
    names = {r.path.parent.name: (r.name, r.title) for r in reports.find_reports("runs")}
    assert names["coin"][0] == "coin" and names["coinall"][0] == "coinall"
    assert names["coinall"][1] == names["coin"][1] and names["coin"][1].endswith(" · coin")
    assert f'coinall</a><div class="muted">{names["coin"][1]}</div>' in " ".join(
        (tmp_path / "runs" / "index.html").read_text(encoding="utf-8").split())
    # a dataset whose default folder is its safe, hashed form keeps its own name
    from reports._index import analysis_name
    from study import dataset_folder_name

    for odd in ("coin?imbalance=1:5&positive=1", "csv:50%25 x.csv"):
        assert analysis_name(odd, Path("runs", kind, dataset_folder_name(odd)), kind) == odd


def test_index_tells_analyses_of_one_dataset_apart_by_the_folders_above(tmp_path, monkeypatch,
                                                                        capsys, parse_html):
    # QA: --out runs/exp1/coin and runs/exp2/coin were both "coin — capacity report"
    monkeypatch.chdir(tmp_path)
    quick = ["--widths", "2", "--seeds", "1", "--epochs", "3", "--json"]
    for out in ("runs/exp1/coin", "runs/exp2/coin", "runs/capacity/coin", "runs/deep/er/coin"):
        code, _, err = run_cli(["capacity", "--dataset", "coin", *quick, "--out", out], capsys)
        assert code == 0, err
    page = parse_html((tmp_path / "runs" / "index.html").read_text(encoding="utf-8"))
    assert {a["href"]: a["aria-label"] for a in page.find("a") if a["href"][:1] != "#"} == {
        "exp1/coin/report.html": "exp1/coin — capacity report",
        "exp2/coin/report.html": "exp2/coin — capacity report",
        "capacity/coin/report.html": "coin — capacity report",
        "deep/er/coin/report.html": "deep/er/coin — capacity report"}
    from reports._index import analysis_name

    # without an index above it: the parent folder
    assert analysis_name("coin", tmp_path / "exp3" / "coin", "capacity") == "exp3/coin"
    assert analysis_name("coin", tmp_path / "lr-range" / "coin", "lr-range") == "coin"


def test_a_report_written_from_python_replaces_only_a_report_of_its_own_kind(tmp_path):
    # QA: reports.scaling_report(result, folder) replaced an imbalance report (its CSVs
    # gone), a training run's report, and a report.html hplab did not write; the command
    # line refused those folders, the Python functions did not
    folder = tmp_path / "imb"
    reports.Report("imbalance", "Imbalance").add_section("A").write(folder, index=False)
    before = (folder / "report.html").read_bytes()
    with pytest.raises(ValueError, match=r"imb holds a report of hplab imbalance; write the "
                                         r"report elsewhere"):
        reports.Report("scaling", "Scaling").write(folder, index=False)
    assert (folder / "report.html").read_bytes() == before
    reports.Report("imbalance", "Again").write(folder, index=False)  # its own kind: replaced
    assert reports.read_report_info(folder / "report.html").title == "Again"
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "report.html").write_text("<html>my own page</html>")
    with pytest.raises(ValueError, match="holds a report.html hplab did not write"):
        reports.Report("scaling", "Scaling").write(mine, index=False)
    assert (mine / "report.html").read_text() == "<html>my own page</html>"
    study_folder = tmp_path / "study"
    reports.Report("study", "One", name="one").write(study_folder, index=False)
    with pytest.raises(ValueError, match="holds the report of study 'one'"):
        reports.Report("study", "Two", name="two").write(study_folder, index=False)


def test_flags_in_prose_stay_whole_and_a_report_from_python_says_so(tmp_path, parse_html):
    import nets

    rep = reports.Report("demo", "Flags")
    # a browser broke "--lrs" after its first hyphen: "-" at a line's end, "-lrs" below
    rep.add_section("Verdicts", "widen it (--lr-range LOW,HIGH, or --lrs); a non-finite -1 "
                                "or a -n <b>")
    rep.set_provenance(command="", dataset="coin", seed=0, params={"lr": 0.1})
    text = rep.write(tmp_path / "r", index=False).read_text(encoding="utf-8")
    flags = re.findall(r'<span class="flag">([^<]*)</span>', text)
    assert flags == ["--lr-range", "--lrs", "-n"]  # not "-finite" nor "-1"
    assert "&lt;b&gt;" in text and parse_html(text).errors == []  # still escaped
    assert ".flag { white-space: nowrap; }" in text
    facts = dict(re.findall(r"<dt>([^<]*)</dt><dd>(.*?)</dd>", text))
    assert "Command" not in facts  # no blank row: where it came from instead
    assert facts["Written from"].startswith("Python, not a command line")
    assert nets.count_of(1, "seed") == "1 seed"
    assert nets.count_of(3, "strategy", "strategies") == "3 strategies"


def test_set_provenance_names_the_default_it_uses_for_libraries(tmp_path):
    # review: the docstring named nets.versions, whose hplab keys the default leaves out
    import inspect

    from numpydoc.docscrape import NumpyDocString

    import nets

    rep = reports.Report("demo", "Libraries")
    rep.set_provenance(command="", dataset="coin", seed=0, params={"lr": 0.1})
    text = rep.write(tmp_path / "r", index=False).read_text(encoding="utf-8")
    facts = dict(re.findall(r"<dt>([^<]*)</dt><dd>(.*?)</dd>", text))
    assert facts["Library versions"] == ", ".join(
        f"{k} {v}" for k, v in nets.library_versions().items())
    assert "hplab" not in facts["Library versions"]
    doc = NumpyDocString(inspect.getdoc(reports.Report.set_provenance))["Parameters"]
    libraries = " ".join(next(p.desc for p in doc if p.name == "libraries"))
    assert "`nets.library_versions`" in libraries and "`nets.versions`" not in libraries


def test_series_colours_reach_3_to_1_on_white_and_differ_by_more_than_colour():
    # QA: the line cycle's yellow was 1.32:1 on white (near_miss barely visible), its orange
    # 2.25:1 and sky blue 2.31:1, under WCAG's 3:1 for lines; and series differed by colour
    # alone, some of which merge for colour-blind readers
    import matplotlib

    assert design.contrast_ratio("black", "white") == pytest.approx(21.0)
    assert design.contrast_ratio("#767676", "white") == pytest.approx(4.54, abs=0.01)  # WCAG's
    assert design.contrast_ratio("#F0E442", "white") == pytest.approx(1.32, abs=0.01)
    assert design.contrast_ratio("#2676b7", "#222222") == pytest.approx(
        wcag_contrast("#2676b7", "#222222"))
    styles = [design.series_style(i) for i in range(44)]
    with design.style():  # the colours figures cycle through by default
        cycled = {c["color"] for c in matplotlib.rcParams["axes.prop_cycle"]}
    cycled |= {s["color"] for s in styles} | set(design.class_colors(5)) | set(design.PALETTE)
    assert min(design.contrast_ratio(c, "white") for c in cycled) >= 3.0, sorted(
        (round(design.contrast_ratio(c, "white"), 2), c) for c in cycled)
    # every series its own (marker, line style): told apart in a grey print too
    assert len({(s["marker"], s["ls"]) for s in styles}) == 44
    assert len({design.series_hatch(i) for i in range(3)}) == 3
    # review: an outcome a study figure does not know took pruned's hatch, waiting complete's
    from reports._study_draw import _OUTCOMES, outcome_style

    hatches = [outcome_style(s)["hatch"] for s in (*_OUTCOMES, "not an outcome")]
    assert len(set(hatches)) == len(hatches) == 9
    # cell labels: black or white by the cell's shade, never under 4.5:1
    for face in ("#f7fbff", "#2676b7", "#6baed6", "#08306b", "#767676", "#959595"):
        text = design.text_color_on(face)
        assert design.contrast_ratio(text, face) >= 4.5, (face, text)


def test_lr_range_suggestions_share_no_colour_with_a_data_line():
    # review: slide was vermilion, the verify figure's validation loss (and its diverged marks)
    from reports._lr_range_draw import SUGGESTION_COLORS

    colours = list(SUGGESTION_COLORS.values())
    assert len(set(colours)) == len(colours) == 4
    assert not set(colours) & {design.TRAIN, design.VALIDATION}


def test_a_figure_whose_drawing_fails_leaves_the_report_unchanged(tmp_path):
    # QA 36: the failed figure's CSV stayed staged: report_files/loss-vs-lr.csv, linked
    # from nowhere
    def fails(frame):
        raise RuntimeError("drawing failed")

    rep = reports.Report("lr-range", "LR range test", {"Best lr": 0.25}, name="digits")
    rep.add_section("Loss against learning rate")
    frame = pd.DataFrame({"lr": [1.0], "loss": [2.0]})
    with pytest.raises(RuntimeError, match="drawing failed"):
        rep.add_figure("loss-vs-lr", fails, frame, caption="c")
    with pytest.raises(ValueError, match="print_columns names no column"):
        rep.add_table(frame, name="rates", print_columns=["rate"])
    # the names are free again: the same figure drawn right is the only one written
    rep.add_figure("loss-vs-lr", _draw_line, frame.rename(columns={"lr": "x", "loss": "y"}),
                   caption="c")
    path = rep.write(tmp_path / "lr", index=False)
    assert sorted(p.name for p in (tmp_path / "lr" / "report_files").iterdir()) == [
        "loss-vs-lr.csv"]
    assert path.read_text().count("report_files/loss-vs-lr.csv") >= 1


def test_the_report_docstring_example_runs_as_written(monkeypatch, tmp_path):
    import doctest
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # its mkdtemp: here
    finder = doctest.DocTestFinder(recurse=False)
    (example,) = finder.find(reports.Report, "reports.Report", globs={})
    result = doctest.DocTestRunner().run(example)
    assert (result.failed, result.attempted) == (0, 10)  # its imports are its own
