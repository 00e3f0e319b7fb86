"""The index of a runs folder several users share (a lab machine's /srv/lab/runs): what a
user who may not write its index.html, or read another's runs, is told. File modes bind
only a user who is not root: each command runs as one (`as_a_user`)."""

from __future__ import annotations

import json
import os
import pwd
import re
from datetime import datetime, timedelta, timezone

import pytest
from cli_helpers import as_a_user, give_away, run_cli
from conftest import ForkServer

import reports

#: Another user (nobody's uid on most machines), who owns what the shared folder holds.
OTHER_UID = 65534


def _owner(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


@pytest.fixture
def as_user(tmp_path):
    """``as_user(*argv, script=None) -> (exit code, stdout, stderr)``: ``hplab ARGV`` (or
    ``python -c script``) run in ``tmp_path`` as a user whom file modes bind."""
    server = ForkServer(tmp_path, imports="reports", prefix=as_a_user(tmp_path))
    logs = tmp_path / "user-commands"
    logs.mkdir()
    yield lambda *argv, script=None: server.run(argv, tmp_path, logs, script=script)
    server.close()


def _report(name: str, folder, created=None) -> None:
    reports.Report("train", f"Run {name}", {"Score": 0.5}, name=name,
                   created=created).write(folder, index=False)


#: Refreshes the index of the report folder argv[1] as a report's write does, printing the
#: warnings it gives.
_REFRESH = """
import sys, warnings
import reports._index
with warnings.catch_warnings(record=True) as said:
    warnings.simplefilter("always")
    reports._index.refresh_index(sys.argv[1])
print("\\n".join(str(w.message) for w in said))
"""


def test_a_user_who_may_not_give_a_file_away_skips_these_tests(tmp_path, monkeypatch):
    # review: as_a_user asks nothing of a user who is not root (modes bind them already),
    # and the chown to another user that followed failed these tests with EPERM
    def refused(*args):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "chown", refused)
    with pytest.raises(pytest.skip.Exception, match="chown"):
        give_away(tmp_path, OTHER_UID)


def test_an_index_another_user_owns_in_a_sticky_folder_names_its_owner(tmp_path, as_user):
    # QA: in a sticky shared runs folder whose index.html was bob's, alice's train warned
    # "the index ... was not refreshed (Operation not permitted)", and report index failed
    # with "...: Operation not permitted; not written": whom to ask was left out
    runs = tmp_path / "runs"
    _report("bob-run", runs / "train" / "bob-run")
    reports.write_index(runs)
    index = runs / "index.html"
    index.chmod(0o664)
    for path in (index, runs):  # the folder is another's too: its owner may replace files
        give_away(path, OTHER_UID)
    runs.chmod(0o1777)
    (runs / "train").chmod(0o777)
    _report("alice-run", runs / "train" / "alice-run")
    before = index.read_bytes()
    owner = _owner(OTHER_UID)
    code, out, err = as_user(runs / "train" / "alice-run", script=_REFRESH)
    assert (code, err) == (0, "") and out == (
        f"the index {index} was not refreshed: it is another user's (owner {owner}, mode "
        f"0664), and in this sticky folder only its owner may replace it; ask its owner "
        f"({owner}) to refresh it: hplab report index {runs}\n")
    code, out, err = as_user("report", "index", runs)
    assert (code, out) == (2, f"{runs}: 2 reports (index.html not written)\n") and err == (
        f"hplab report index: error: {index}: it is another user's (owner {owner}, mode "
        f"0664), and in this sticky folder only its owner may replace it; not written; ask "
        f"its owner ({owner}) to refresh it, or list the reports alone: --no-write\n")
    assert index.read_bytes() == before


@pytest.fixture
def teammates_runs(tmp_path):
    """A teammate's runs folder (another user's, mode 0555: this user may read it and not
    write it) holding their report train/theirs; writable again after the test."""
    runs = tmp_path / "runs"
    _report("theirs", runs / "train" / "theirs")
    give_away(runs, OTHER_UID)
    runs.chmod(0o555)
    yield runs
    runs.chmod(0o755)


def test_an_index_in_a_folder_this_user_cannot_write_names_the_folders_owner(teammates_runs,
                                                                              as_user):
    # a teammate's runs folder, readable and not writable: its owner is the one to ask
    runs, owner = teammates_runs, _owner(OTHER_UID)
    code, out, err = as_user(runs / "train" / "theirs", script=_REFRESH)
    assert (code, err) == (0, "") and out == (
        f"the index {runs / 'index.html'} was not refreshed: its folder is not writable by "
        f"this user (owner {owner}, mode 0555); ask its owner ({owner}) to refresh it: hplab "
        f"report index {runs}\n")
    assert not (runs / "index.html").exists()


def test_an_index_this_user_may_not_write_or_read_says_what_to_do_by_whose_it_is(tmp_path,
                                                                                as_user):
    # QA: another user's 0600 index.html in a writable folder (not sticky): "...index.html:
    # Permission denied; not written", whom to ask left out; and in the user's own folder
    # 0555, they were told to ask themselves ("ask its owner (alice) to refresh it")
    runs = tmp_path / "runs"
    _report("mine", runs / "train" / "mine")
    reports.write_index(runs)
    index = runs / "index.html"
    index.chmod(0o600)
    give_away(index, OTHER_UID)
    runs.chmod(0o777)
    owner = _owner(OTHER_UID)
    said = (f"{index}: index.html is not readable (owner {owner}, mode 0600); not written; "
            f"ask its owner ({owner}) to refresh it, or list the reports alone: --no-write")
    assert as_user("report", "index", runs) == (
        2, f"{runs}: 1 report (index.html not written)\n",
        f"hplab report index: error: {said}\n")
    code, out, err = as_user(runs / "train" / "mine", script=_REFRESH)
    assert (code, err) == (0, "") and out == (
        f"the index {index} was not refreshed: index.html is not readable (owner {owner}, "
        f"mode 0600); ask its owner ({owner}) to refresh it: hplab report index {runs}\n")
    os.chown(index, os.getuid(), -1)  # the user's own: theirs to change
    index.chmod(0o644)
    runs.chmod(0o555)
    try:
        assert as_user("report", "index", runs) == (
            2, f"{runs}: 1 report (index.html not written)\n",
            f"hplab report index: error: {index}: its folder is not writable by this user "
            f"(owner {_owner(os.getuid())}, mode 0555); not written; make it writable (chmod "
            "u+w), then refresh it, or list the reports alone: --no-write\n")
    finally:
        runs.chmod(0o755)


def test_a_folder_this_user_may_read_and_not_write_is_listed_all_the_same(teammates_runs,
                                                                           as_user):
    # QA: bob's `report index /home/alice/hplab/runs --json` printed no JSON at all, only
    # "...index.html: Permission denied; not written": the listing was built already
    runs, owner = teammates_runs, _owner(OTHER_UID)
    said = (f"{runs / 'index.html'}: its folder is not writable by this user (owner {owner}, "
            f"mode 0555); not written; ask its owner ({owner}) to refresh it, or list the "
            "reports alone: --no-write")
    code, out, err = as_user("report", "index", runs, "--json")
    listed = json.loads(out)
    assert (code, err) == (2, f"hplab report index: error: {said}\n")
    assert (listed["index_path"], listed["n_reports"], listed["index_error"]) == (
        None, 1, said)
    assert [r["path"] for r in listed["reports"]] == [
        str(runs / "train" / "theirs" / "report.html")]
    assert as_user("report", "index", runs) == (
        2, f"{runs}: 1 report (index.html not written)\n",
        f"hplab report index: error: {said}\n")
    # --no-write: the listing alone, nothing to fail
    code, out, err = as_user("report", "index", runs, "--no-write", "--json")
    assert (code, err) == (0, "") and json.loads(out) == {**listed, "index_error": None}
    assert as_user("report", "index", runs, "--no-write") == (0, f"{runs}: 1 report\n", "")
    assert sorted(p.name for p in runs.iterdir()) == ["train"]  # nor a lock file left


def test_no_write_lists_a_writable_folder_without_writing_its_index(tmp_path, capsys):
    runs = tmp_path / "runs"
    _report("mine", runs / "train" / "mine")
    code, out, err = run_cli(["report", "index", runs, "--no-write", "--json"], capsys)
    listed = json.loads(out)
    assert (code, err, listed["index_path"], listed["index_error"]) == (0, "", None, None)
    assert [r["name"] for r in listed["reports"]] == ["mine"]
    assert not (runs / "index.html").exists()


def test_index_folder_lists_writes_and_words_its_error_as_the_command_prints_them(tmp_path):
    # the command's scan, write and error line are index_folder's: the CLI only prints them
    runs = tmp_path / "runs"
    _report("mine", runs / "train" / "mine")
    listed = reports.index_folder(runs, write=False)
    assert ([e.info.name for e in listed.entries], listed.path, listed.error) == (
        ["mine"], None, None)
    assert not (runs / "index.html").exists()
    written = reports.index_folder(runs, write=True)
    assert (written.path, written.error, written.n_kept, written.unreadable) == (
        runs / "index.html", None, 0, [])
    assert _hrefs(runs / "index.html") == ["train/mine/report.html"]
    (runs / "index.html").unlink()
    (runs / "index.html").mkdir()
    failed = reports.index_folder(runs, write=True)
    assert ([e.info.name for e in failed.entries], failed.path, failed.error) == (
        ["mine"], None, f"{runs / 'index.html'}: a folder, not a file; not written")
    assert failed.skipped() == []
    assert sorted(p.name for p in runs.iterdir()) == ["index.html", "train"]  # lock gone
    with pytest.raises(ValueError, match=f"^not a folder: {re.escape(str(runs / 'none'))}$"):
        reports.index_folder(runs / "none", write=False)  # the command's check is its own


def test_write_index_takes_only_the_folder_it_scans():
    # review: its entries= (with unreadable= left at ()) rewrote a shared index without the
    # rows it kept of other users' reports; a scan passed in is index_folder's alone
    import inspect

    assert list(inspect.signature(reports.write_index).parameters) == ["directory"]


def test_write_index_scans_only_once_it_holds_the_index(tmp_path):
    # a writer that scanned before another command's report landed, and wrote after that
    # command's refresh, dropped the report: the scan waits for the hold, as the write does
    import threading

    from reports._index import holding_index

    runs = tmp_path / "runs"
    _report("first", runs / "train" / "first")
    written = []
    with holding_index(runs):  # another command, between its report and its refresh
        writer = threading.Thread(target=lambda: written.append(reports.write_index(runs)))
        writer.start()
        writer.join(0.5)
        assert writer.is_alive() and not (runs / "index.html").exists()
        _report("second", runs / "train" / "second")
    writer.join(60)
    assert written == [runs / "index.html"]
    assert sorted(_hrefs(written[0])) == ["train/first/report.html", "train/second/report.html"]


def _hrefs(index) -> list[str]:
    return re.findall(r'<a href="([^"]*)"', index.read_text(encoding="utf-8"))


def test_reports_this_user_cannot_read_are_said_and_keep_their_rows(tmp_path, as_user):
    # QA: in /srv/lab/runs, alice's run folder 0700 (or her report.html 0600): bob's
    # `report index` printed "index.html: 1 report", said nothing, and rewrote the shared
    # index without her runs; so did the refresh after each of his reports
    runs = tmp_path / "runs"
    t0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
    for hours, name in enumerate(("old", "private", "closed")):
        _report(name, runs / "train" / name, created=t0 + timedelta(hours=hours))
    reports.write_index(runs)  # alice's, who reads them all
    private, closed = runs / "train" / "private", runs / "train" / "closed" / "report.html"
    private.chmod(0o700)
    closed.chmod(0o600)
    found = runs / "lost+found"  # a disk of its own's: fsck's, no reports, not said
    found.mkdir(mode=0o700)
    for path in (private, closed, found):
        give_away(path, OTHER_UID)
    (runs / "train").chmod(0o777)
    index = runs / "index.html"
    index.chmod(0o666)
    listed = ["train/closed/report.html", "train/private/report.html",
              "train/old/report.html"]
    assert _hrefs(index) == listed
    owner = _owner(OTHER_UID)
    skipped = (f"skipped 1 folder and 1 page this user cannot read, whose reports are not "
               f"listed: {closed} (owner {owner}, mode 0600), {private} (owner {owner}, mode "
               "0700)")
    assert as_user("report", "index", runs) == (
        0, f"{index}: 1 report (3 listed, 2 kept from before)\n",
        f"hplab report index: warning: {skipped}; index.html keeps the rows it had of them\n")
    assert _hrefs(index) == listed  # in their places, newest first
    # each marked on the page: its link fails for the user who wrote it
    note = (f'<div class="muted kept">kept from the earlier index: not readable by '
            f'{_owner(os.getuid())} when this index was '
            'written</div>')
    page = index.read_text(encoding="utf-8")
    assert page.count(note) == 2 and f'closed</a><div class="muted">Run closed</div>{note}' \
        '</td>' in page
    code, out, err = as_user("report", "index", runs, "--json", "--no-write")
    summary = json.loads(out)
    assert (code, err) == (0, f"hplab report index: warning: {skipped}\n")
    assert [r["name"] for r in summary["reports"]] == ["old"]
    assert summary["unreadable"] == [str(closed), str(private)]
    # the refresh after a report of his keeps them too, saying nothing of them
    code, out, err = as_user(runs / "train" / "new", script=_WRITE)
    assert (code, out, err) == (0, "\n", "")
    assert _hrefs(index) == ["train/new/report.html", *listed]
    page = index.read_text(encoding="utf-8")
    assert '<meta name="hplab-index" content="4">' in page and "4 reports, newest" in page
    assert page.count(note) == 2  # noted again, once


#: Writes a report in the folder argv[1], its index refreshed, printing the warnings said:
#: those a user sees, not other libraries' deprecations, which Python shows no user
#: (matplotlib 3.8, which pyproject admits, set off pyparsing's "'parseString' deprecated")
_WRITE = """
import sys, warnings
import reports
with warnings.catch_warnings(record=True) as said:
    warnings.simplefilter("always")
    warnings.filterwarnings("ignore", category=DeprecationWarning, module="(?!reports)")
    reports.Report("train", "Run new", {"Score": 0.5}, name="new").write(sys.argv[1])
print("\\n".join(str(w.message) for w in said))
"""


def test_an_index_that_had_no_rows_of_the_skipped_reports_is_not_said_to_keep_them(
        tmp_path, as_user):
    # QA: with no index before, bob's `report index` said "index.html keeps the rows it had
    # of them" of alice's private run, and printed "1 report" of a page that listed 1
    runs = tmp_path / "runs"
    _report("mine", runs / "train" / "mine")
    _report("private", runs / "train" / "private")
    private = runs / "train" / "private"
    private.chmod(0o700)
    give_away(private, OTHER_UID)
    (runs / "train").chmod(0o777)
    runs.chmod(0o777)
    index = runs / "index.html"
    # named as --json names them, DIR as given joined to them (QA: the warning named them
    # from DIR, "train/private", and the JSON "runs/train/private")
    skipped = (f"skipped 1 folder this user cannot read, whose reports are not listed: "
               f"runs/train/private (owner {_owner(OTHER_UID)}, mode 0700)")
    for _ in range(2):  # no index, then the one this wrote: neither had a row of it
        assert as_user("report", "index", "runs") == (
            0, "runs/index.html: 1 report\n", f"hplab report index: warning: {skipped}\n")
        assert _hrefs(index) == ["train/mine/report.html"]
    code, out, err = as_user("report", "index", "runs", "--no-write", "--json")
    assert json.loads(out)["unreadable"] == ["runs/train/private"]


def test_kept_rows_read_their_links_as_every_link_of_a_page_is(tmp_path):
    # review: the index's rows had a third way of reading a link; `local_link` reads back
    # HTML escapes, and takes a link elsewhere (a scheme's) for none of the folder's
    from reports._index_access import kept_rows

    runs = tmp_path / "runs"
    for name in ("escaped", "elsewhere"):
        _report(name, runs / "train" / name)
    index = reports.write_index(runs)
    page = index.read_text(encoding="utf-8")
    page = page.replace('href="train/escaped/', 'href="train&#47;escaped/').replace(
        'href="train/elsewhere/', 'href="https://example.org/train/elsewhere/')
    index.write_text(page, encoding="utf-8")
    kept = kept_rows(index, ["train/escaped", "train/elsewhere", "https:"], set())
    assert ["train&#47;escaped/report.html" in row["kept"] for row in kept] == [True]


def test_an_index_keeps_no_markup_another_user_put_in_the_rows_it_keeps(tmp_path, as_user):
    # security review: in a shared runs folder, bob put an <img onerror> and a link of his
    # own in his 0700 runs' rows of the index; alice's refresh copied them as they were
    # into the index her hplab wrote (its CSP stopped the script, not the link)
    runs = tmp_path / "runs"
    t0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
    names = ("alice", "kept", "imaged", "linked")
    for hours, name in enumerate(names):
        _report(name, runs / "train" / name, created=t0 + timedelta(hours=hours))
    index = reports.write_index(runs)
    page = index.read_text(encoding="utf-8")
    for name, added in (("imaged", '<img src=x onerror="document.title=1">'),
                        ("linked", '<a href="https://example.org/login">sign in</a>')):
        mark = f'<div class="muted">Run {name}</div>'
        assert page.count(mark) == 1
        page = page.replace(mark, mark + added)
    index.write_text(page, encoding="utf-8")
    for name in names[1:]:
        (runs / "train" / name).chmod(0o700)
        give_away(runs / "train" / name, OTHER_UID)
    (runs / "train").chmod(0o777)
    index.chmod(0o666)
    code, out, err = as_user("report", "index", runs)
    assert (code, out) == (0, f"{index}: 1 report (2 listed, 1 kept from before)\n"), err
    assert _hrefs(index) == ["train/kept/report.html", "train/alice/report.html"]
    page = index.read_text(encoding="utf-8")
    assert "<img" not in page and "example.org" not in page and "onerror" not in page


def test_an_index_an_earlier_hplab_wrote_keeps_the_rows_of_reports_this_user_cannot_read(
        tmp_path, as_user):
    # QA: carol's index written by hplab 0621493 (its rows record no sort key): bob made
    # his run 0700 and his other report 0600, and carol's first rebuild dropped both rows
    runs = tmp_path / "runs"
    t0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
    for hours, name in enumerate(("carol-a", "bob-a", "bob-b")):
        _report(name, runs / "train" / name, created=t0 + timedelta(hours=hours))
    index = reports.write_index(runs)
    earlier = re.sub(r'<tr data-order="[^"]*">', "<tr>", index.read_text(encoding="utf-8"))
    index.write_text(earlier, encoding="utf-8")
    private, closed = runs / "train" / "bob-a", runs / "train" / "bob-b" / "report.html"
    private.chmod(0o700)
    closed.chmod(0o600)
    for path in (private, closed):
        give_away(path, OTHER_UID)
    (runs / "train").chmod(0o777)
    index.chmod(0o666)
    listed = ["train/bob-b/report.html", "train/bob-a/report.html",
              "train/carol-a/report.html"]
    code, out, err = as_user("report", "index", runs)
    assert (code, out) == (0, f"{index}: 1 report (3 listed, 2 kept from before)\n")
    assert err.endswith("; index.html keeps the rows it had of them\n"), err
    assert _hrefs(index) == listed  # in their places, newest first
    # and with the key they are kept by now, as the rows this version wrote
    assert index.read_text(encoding="utf-8").count('<tr data-order="') == 3


def test_a_run_record_this_user_cannot_read_is_said_and_listed_as_unreadable(tmp_path,
                                                                             as_user):
    # QA: bob's runs/cfg/bob-coin/config.json 0600: carol's `report index --json` gave its
    # report "run": null, as a report of no run, and named it nowhere
    runs = tmp_path / "runs"
    _report("bob-coin", runs / "cfg" / "bob-coin")
    reports.Report("study", "Study: bobs", {"Best": 0.5}, name="bobs").write(
        runs / "study" / "bobs", index=False)
    record = runs / "cfg" / "bob-coin" / "config.json"
    record.write_text("{}", encoding="utf-8")
    record.chmod(0o600)
    best = runs / "study" / "bobs" / "best_model"
    best.mkdir(mode=0o700)
    for path in (record, best):
        give_away(path, OTHER_UID)
    owner = _owner(OTHER_UID)
    code, out, err = as_user("report", "index", runs, "--no-write", "--json")
    listed = json.loads(out)
    assert (code, [r["run"] for r in listed["reports"]]) == (0, [None, None])
    # the closed best_model/ named once, as the folder the scan skipped
    assert listed["unreadable"] == [str(best), str(record)]
    assert err == (
        "hplab report index: warning: skipped 1 folder this user cannot read, whose "
        f"reports are not listed: {best} (owner {owner}, mode 0700)\n"
        "hplab report index: warning: could not read the run record of 1 listed report, "
        f"whose run is null in --json: {record} (owner {owner}, mode "
        "0600)\n")


def test_a_folder_to_index_this_user_cannot_read_is_an_error_naming_its_owner(tmp_path,
                                                                              as_user):
    # QA: carol's `report index runs/bob-private --no-write --json` printed no reports,
    # exit 0 (a script read "no runs"); without --no-write it blamed the folder not being
    # writable; a folder inside bob's 0700 one said "Permission denied" and not whose
    runs = tmp_path / "runs"
    private = runs / "bob-private"
    _report("bob-run", private / "sub")
    private.chmod(0o700)
    give_away(private, OTHER_UID)
    owner = _owner(OTHER_UID)
    # review: the advice was the command's own ("to let this user read it"): it is what
    # nets.unreadable_why says of any file this user cannot read, as a storage's is said
    said = (f"hplab report index: error: cannot read {private}: bob-private is not readable "
            f"(owner {owner}, mode 0700); ask its owner ({owner}) to make it readable\n")
    for argv in (["--no-write", "--json"], []):
        assert as_user("report", "index", private, *argv) == (2, "", said)
    assert as_user("report", "index", private / "sub") == (
        2, "", f"hplab report index: error: cannot read {private / 'sub'}: its folder "
        f"{private} is not searchable by this user (owner {owner}, mode 0700); ask its owner "
        f"({owner}) to open it\n")
    mine = runs / "mine"  # this user's own: a folder is listed and searched, u+rx
    _report("my-run", mine / "sub")
    mine.chmod(0o300)
    assert as_user("report", "index", mine) == (
        2, "", f"hplab report index: error: cannot read {mine}: mine is not readable (owner "
        f"{_owner(os.getuid())}, mode 0300); make it readable (chmod u+rx)\n")
    mine.chmod(0o700)
