"""The index grouped by kind (QA: 526 reports in one list, newest first, no counts and
nothing to jump to): its summary's counts and newest dates, each a link to its kind's
group on the page, the groups in their order, and the rows another user's reports had
(kept by a refresh that cannot read them) in their own kind's group."""

from __future__ import annotations

import re
import shutil

import pytest
from cli_helpers import as_a_user, give_away
from conftest import ForkServer, figure_stand_in

#: Another user (nobody's uid on most machines), who owns the run folder made private.
OTHER_UID = 65534


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A project whose runs folder holds real reports of four kinds, written by the CLI
    (short runs): two training runs, a study, an lr-range test and a compare report of
    the two runs, in that order: its folder."""
    folder = tmp_path_factory.mktemp("project")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(folder)
        figure_stand_in(mp, typeset=True)  # the page is read here, the figures are not
        spec = folder / "tiny.toml"
        spec.write_text('[study]\nname = "tiny"\ndataset = "xor"\nmetric = "val_loss"\n'
                        'n_trials = 3\nseed = 0\nmax_epochs = 10\npruner = "none"\n'
                        '[space]\nlr = {low = 0.05, high = 2.0, log = true}\n'
                        '[fixed]\nbatch_size = 2\nwidth = 3\n', encoding="utf-8")
        for argv in (["train", "--dataset", "xor", "--hidden", "2", "--epochs", "5",
                      "--name", "first"],
                     ["train", "--dataset", "xor", "--hidden", "3", "--epochs", "5",
                      "--name", "second"],
                     ["study", "run", spec],
                     ["lr-range", "--dataset", "coin", "--hidden", "4", "--steps", "20"],
                     ["report", "compare", "runs/train/first", "runs/train/second"]):
            code = _cli(argv)
            assert code == 0, argv
    return folder


def _cli(argv) -> int:
    """``hplab ARGV --json``'s exit code (its output left to pytest's capture)."""
    import hplab

    try:
        return hplab.main([*map(str, argv), "--json"])
    except SystemExit as exc:
        return exc.code


def _summary(page: str) -> list[tuple[str, str, int, str]]:
    """The summary's cards: (label, link target, count, newest date), in their order."""
    return [(label, target, int(count), newest) for label, target, count, newest in
            re.findall(r'<div class="stat"><dt>([^<]+)</dt><dd><a class="jump" '
                       r'href="#([^"]+)"[^>]*>(\d+)</a></dd><dd class="newest">newest '
                       r'<span class="flag">([^<]+)</span></dd></div>', page)]


def _groups(page: str) -> list[tuple[str, str, list[str]]]:
    """The page's groups: (id, heading, their rows' links), in order."""
    return [(gid, heading, re.findall(r'<a href="([^"]+)"', body))
            for gid, heading, body in re.findall(
                r'<section class="kind-group" id="([^"]+)"[^>]*>\s*<h2 id="h-\1">([^<]+?) '
                r'<span.*?</h2>(.*?)</section>', page, re.S)]


def _dates(body_links: list[str], page: str) -> dict[str, str]:
    """The date each row (by its link) shows."""
    return dict((href, date) for date, href in re.findall(
        r'<td class="date">([^<]*)</td>.*?<a href="([^"]+)"', page, re.S) if href in body_links)


def test_the_index_counts_each_kind_and_links_to_its_group(project, parse_html):
    page = (project / "runs" / "index.html").read_text(encoding="utf-8")
    assert parse_html(page).errors == []
    groups = _groups(page)
    # hplab's kinds in their order, each its rows newest first
    assert [(gid, heading, links) for gid, heading, links in groups] == [
        ("kind-train", "Training runs", ["train/second/report.html",
                                         "train/first/report.html"]),
        ("kind-study", "Studies", ["studies/tiny/report.html"]),
        ("kind-lr-range", "Learning-rate range tests", ["lr-range/coin/report.html"]),
        ("kind-compare", "Compared runs", ["compare/xor/report.html"])]
    summary = _summary(page)
    assert [(label, target, count) for label, target, count, _ in summary] == [
        ("Training runs", "kind-train", 2), ("Studies", "kind-study", 1),
        ("Learning-rate range tests", "kind-lr-range", 1), ("Compared runs", "kind-compare", 1)]
    # each card's newest date is its group's first row's
    dates = _dates([links[0] for _, _, links in groups], page)
    assert [newest for *_, newest in summary] == [dates[links[0]] for _, _, links in groups]
    # every same-page link leads to an id on the page: the summary's and each group's
    # "Back to top"
    ids = re.findall(r' id="([^"]+)"', page)
    jumps = re.findall(r'<a class="jump" href="#([^"]+)"', page)
    assert len(ids) == len(set(ids)) and set(jumps) <= set(ids)
    assert jumps.count("top") == len(groups) == 4
    assert '<header class="masthead" id="top">' in page
    assert '<meta name="hplab-index" content="5">' in page and "5 reports, newest" in page


def test_kept_rows_land_in_their_kinds_group(project, tmp_path, parse_html):
    # another user's lr-range test and one of their training runs, which this user cannot
    # read: the rows the index had of them are kept, each in its group; so are those of an
    # index an earlier hplab wrote (no sort key in its rows, the kind in a bare cell)
    prefix = as_a_user(tmp_path)
    for earlier in (False, True):
        runs = tmp_path / f"runs{int(earlier)}"
        shutil.copytree(project / "runs", runs)
        index = runs / "index.html"
        if earlier:
            text = index.read_text(encoding="utf-8")
            text = re.sub(r'<tr data-order="[^"]*">', "<tr>", text)
            text = text.replace('<td class="kind">', "<td>")
            index.write_text(text, encoding="utf-8")
        for private in (runs / "lr-range" / "coin", runs / "train" / "first"):
            private.chmod(0o700)
            give_away(private, OTHER_UID)
        for folder in (runs, runs / "train", runs / "lr-range"):
            folder.chmod(0o777)
        index.chmod(0o666)
        server = ForkServer(tmp_path, imports="reports", prefix=prefix)
        logs = tmp_path / f"logs{int(earlier)}"
        logs.mkdir()
        try:
            code, out, err = server.run(("report", "index", runs), tmp_path, logs)
        finally:
            server.close()
        assert (code, out) == (0, f"{index}: 3 reports (5 listed, 2 kept from before)\n"), err
        page = index.read_text(encoding="utf-8")
        assert parse_html(page).errors == []
        groups = _groups(page)
        assert [(gid, links) for gid, _, links in groups] == [
            ("kind-train", ["train/second/report.html", "train/first/report.html"]),
            ("kind-study", ["studies/tiny/report.html"]),
            ("kind-lr-range", ["lr-range/coin/report.html"]),
            ("kind-compare", ["compare/xor/report.html"])]
        assert [count for _, _, count, _ in _summary(page)] == [2, 1, 1, 1]
        kept = re.findall(r'<a href="([^"]+)"[^>]*>[^<]*</a>(?:<div class="muted">[^<]*'
                          r'</div>)*<div class="muted kept">', page)
        assert kept == ["train/first/report.html", "lr-range/coin/report.html"]


def test_report_index_help_says_the_page_groups_reports_by_kind(capsys):
    # QA: the page lists its reports by kind under a count of each; its help said only
    # "listing every report under DIR"
    from cli_helpers import run_cli

    code, out, _ = run_cli(["report", "index", "-h"], capsys)
    assert code == 0
    assert ("listing every report under DIR, by kind (newest first in each) under a count "
            "of each kind") in " ".join(out.split())
