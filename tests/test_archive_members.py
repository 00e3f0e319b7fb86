"""Archives with members zipfile or tarfile cannot read as a file: one line, exit code 2.

Security review: an encrypted zip member (RuntimeError), one compressed by a method
zipfile lacks (NotImplementedError), or a tar member that is a link to nothing in the
archive (KeyError) ended `predict`, `data show npz:` and `csv:` in a traceback, exit 1;
a one-bit edit of a model file was enough.
"""

from __future__ import annotations

import io
import tarfile
import zipfile

import numpy as np
import pytest
from cli_helpers import run_cli

import data
import nets

CSV = b"a,b,label\n" + b"".join(b"%d,%d,%d\n" % (i, i % 3, i % 2) for i in range(40))


def _edited(path, out, *, encrypted=False, method=None):
    """``path``'s zip with each member marked encrypted (flag bit 0) or compressed by
    ``method``, in its central directory, which zipfile reads; the bytes stay as they are."""
    raw = bytearray(path.read_bytes())
    at = raw.find(b"PK\x01\x02")
    while at >= 0:
        if encrypted:
            raw[at + 8] |= 1
        if method is not None:
            raw[at + 10:at + 12] = method.to_bytes(2, "little")
        at = raw.find(b"PK\x01\x02", at + 4)
    out.write_bytes(bytes(raw))
    return out


EDITS = [({"encrypted": True}, "is encrypted"),
         ({"method": 99}, "cannot be read: that compression method is not supported")]


@pytest.fixture
def model(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.uniform(size=(40, 2))
    y = (X.sum(axis=1) > 1).astype(int)
    cfg = nets.TrainConfig(hidden=(3,), lr=0.5, batch_size=10, max_epochs=2)
    net = nets.build_net(cfg, 2, y, rng=np.random.default_rng(1))
    nets.train(net, cfg, X, y, rng=np.random.default_rng(2))
    inputs = tmp_path / "in.csv"
    inputs.write_text("0.1,0.2\n0.5,0.9\n")
    return nets.save_net(tmp_path / "model.npz", net, config=cfg.to_dict()), inputs


@pytest.mark.parametrize(("edit", "said"), EDITS)
def test_a_model_with_an_unreadable_member_is_refused_in_one_line(model, tmp_path, capsys,
                                                                  edit, said):
    path, inputs = model
    bad = _edited(path, tmp_path / "bad.npz", **edit)
    first = zipfile.ZipFile(path).namelist()[0]
    with pytest.raises(ValueError) as caught:  # as load_net's docstring says
        nets.load_net(bad)
    assert str(caught.value) == f"{bad}: not an hplab model (member {first!r} {said})"
    code, out, err = run_cli(["predict", bad, "--input", inputs, "--header", "no"], capsys)
    assert (code, out) == (2, "")
    assert err == f"hplab predict: error: {bad}: not an hplab model (member {first!r} {said})\n"
    assert nets.load_net(path)[0].sizes == (2, 3, 1)  # the file as saved loads


@pytest.mark.parametrize(("edit", "said"), EDITS)
def test_an_npz_dataset_with_an_unreadable_member_is_refused_in_one_line(tmp_path, capsys,
                                                                         edit, said):
    path = tmp_path / "ds.npz"
    np.savez(path, data=np.arange(80.0).reshape(40, 2), label=np.arange(40) % 2)
    bad = _edited(path, tmp_path / "bad.npz", **edit)
    code, out, err = run_cli(["data", "show", f"npz:{bad}"], capsys)
    assert (code, out) == (2, "")
    assert err == (f"hplab data show: error: {bad}: not a readable npz file (member "
                   f"'data.npy' {said})\n")
    assert data.load(f"npz:{path}").sizes()["test"] == 8


@pytest.mark.parametrize(("edit", "said"), EDITS)
def test_a_zipped_csv_with_an_unreadable_member_is_refused_in_one_line(tmp_path, capsys,
                                                                       edit, said):
    path = tmp_path / "d.csv.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("d.csv", CSV)
    bad = _edited(path, tmp_path / "bad.csv.zip", **edit)
    code, out, err = run_cli(["data", "show", f"csv:{bad}"], capsys)
    assert (code, out) == (2, "")
    assert err == (f"hplab data show: error: {bad}: not a readable CSV file (member 'd.csv' "
                   f"{said}; extract it and load the CSV)\n")
    assert data.load(f"csv:{path}").sizes()["test"] == 8


def _tar(path, *members):
    """A tar of ``members``: (TarInfo, bytes or None)."""
    with tarfile.open(path, "w") as archive:
        for info, body in members:
            if body is not None:
                info.size = len(body)
            archive.addfile(info, io.BytesIO(body) if body is not None else None)
    return path


def _info(name, kind=tarfile.REGTYPE, linkname=""):
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, linkname
    return info


@pytest.mark.parametrize(("members", "said"), [
    # the review's: a hard link to a file outside the archive (pandas: KeyError)
    ([(_info("passwd.csv", tarfile.LNKTYPE, "/etc/passwd"), None)],
     "member 'passwd.csv' is a hard link (to '/etc/passwd'), not a file"),
    ([(_info("s.csv", tarfile.SYMTYPE, "d.csv"), None), (_info("d.csv"), CSV)],
     "member 's.csv' is a symbolic link (to 'd.csv'), not a file"),
    ([(_info("p.csv", tarfile.FIFOTYPE), None)],  # pandas: AssertionError
     "member 'p.csv' is a special file (a device or a pipe), not a file"),
    ([(_info("d", tarfile.DIRTYPE), None)], "it holds no file"),
])
def test_a_tar_of_anything_but_one_file_is_refused_in_one_line(tmp_path, capsys, members,
                                                               said):
    bad = _tar(tmp_path / "bad.tar", *members)
    code, out, err = run_cli(["data", "show", f"csv:{bad}"], capsys)
    assert (code, out) == (2, "")
    assert err == (f"hplab data show: error: {bad}: not a readable CSV file ({said}; a CSV "
                   "archive holds one file)\n")
    good = _tar(tmp_path / "good.tar", (_info("d.csv"), CSV))
    assert data.load(f"csv:{good}").sizes()["test"] == 8


def test_an_archive_of_many_files_is_refused_in_a_short_line(tmp_path, capsys):
    # security review: a zip of 20,000 members was refused in a "line" of 240,000
    # characters, pandas' list of every name
    many = tmp_path / "many.csv.zip"
    with zipfile.ZipFile(many, "w") as z:
        for i in range(20_000):
            z.writestr(f"f{i}.csv", b"a,label\n1,0\n")
    code, out, err = run_cli(["data", "show", f"csv:{many}"], capsys)
    assert (code, out) == (2, "")
    assert err == (f"hplab data show: error: {many}: not a readable CSV file (a zip of 20000 "
                   "files: 'f0.csv', 'f1.csv', 'f2.csv'...; a CSV archive holds one file)\n")
    # a tar's, pandas counts too: its names are escaped as in any error
    tar = _tar(tmp_path / "two.tar", (_info("d.csv"), CSV), (_info("e\x1b[2J.csv"), CSV))
    code, out, err = run_cli(["data", "show", f"csv:{tar}"], capsys)
    assert (code, out) == (2, "")
    assert err == (f"hplab data show: error: {tar}: not a readable CSV file (a tar of 2 files: "
                   "'d.csv', 'e\\x1b[2J.csv'; a CSV archive holds one file)\n")
    # a folder beside the file: pandas counts it as a file too
    both = tmp_path / "both.csv.zip"
    with zipfile.ZipFile(both, "w") as z:
        z.writestr("d/", b"")
        z.writestr("d/d.csv", CSV)
    code, out, err = run_cli(["data", "show", f"csv:{both}"], capsys)
    assert err.endswith("(a zip of 2 files: 'd/', 'd/d.csv'; a CSV archive holds one file)\n")


def test_a_bug_inside_read_csv_is_not_reworded_as_an_unreadable_file(tmp_path, monkeypatch):
    # review: a bare RuntimeError among the errors of a damaged file turned any bug raised
    # inside pandas' read_csv into "not a readable CSV file (...)", a user's error, exit 2;
    # the encrypted zip member it was there for is refused where the member is opened
    import pandas as pd

    path = tmp_path / "d.csv"
    path.write_bytes(CSV)
    assert data.load(f"csv:{path}").sizes()["test"] == 8

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in the reader")

    monkeypatch.setattr(pd, "read_csv", broken)
    with pytest.raises(RuntimeError, match="^a bug in the reader$"):
        data.load(f"csv:{path}")


def test_data_and_nets_word_an_unreadable_member_alike():
    # review: data and nets import neither, so each has its own copy of this wording; the
    # copies must not drift apart
    from data._declared_size import unreadable_member
    from nets._npz_members import _unreadable_member

    member = zipfile.ZipInfo("param_0.npy")
    raised = [RuntimeError(f"File {member!r} is encrypted, password required for extraction"),
              NotImplementedError("That compression method is not supported"),
              RuntimeError("Something else")]
    said = [unreadable_member(member, exc) for exc in raised]
    assert said == [_unreadable_member(member, exc) for exc in raised]
    assert said == ["member 'param_0.npy' is encrypted",
                    "member 'param_0.npy' cannot be read: that compression method is not "
                    "supported",
                    "member 'param_0.npy' cannot be read: something else"]
