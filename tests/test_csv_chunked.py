"""A large CSV is read in chunks (`data._csv_read.CHUNKED_BYTES`): the same arrays, bit for
bit, and the same errors, as the whole file read at once. Small files here, the chunked
read forced by its threshold, in chunks of 7 rows."""

import hashlib

import numpy as np
import pytest

import data
import data._csv_read as csv_read


def _digest(name: str) -> tuple:
    d = data.load(name, seed=3)
    h = hashlib.sha256()
    for a in (d.X_train, d.y_train, d.X_val, d.y_val, d.X_test, d.y_test, d.x_shift,
              d.x_scale):
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest(), d.fingerprint(), d.classes, d.feature_names, d.task


def _both(monkeypatch, name: str):
    """What loading ``name`` gives or raises whole, then in chunks of 7 rows."""
    out = []
    for limit in (1 << 40, 0):
        monkeypatch.setattr(csv_read, "CHUNKED_BYTES", limit)
        monkeypatch.setattr(csv_read, "CHUNK_ROWS", 7)
        try:
            out.append(_digest(name))
        except data.DataError as exc:
            out.append(str(exc))
    return out


def _write(path, rows: list[str], head: str) -> str:
    path.write_text(head + "\n" + "\n".join(rows) + "\n")
    return f"csv:{path}"


@pytest.fixture
def rng():
    return np.random.default_rng(7)


def test_floats_ints_and_a_rare_class_load_the_same(tmp_path, monkeypatch, rng):
    X = rng.normal(size=(120, 4))
    y = (rng.random(120) < 0.2).astype(int)
    # a column of integers until row 60, then decimals: int64 chunks widened to float64
    rows = [f"{float(a)!r},{b:.3f},{i if i < 60 else i + 0.25},{int(c * 100)},{t}"
            for i, ((a, b, c, _), t) in enumerate(zip(X, y, strict=True))]
    name = _write(tmp_path / "fraud.csv", rows, "v1,v2,count,cents,Class")
    whole, chunked = _both(monkeypatch, name)
    assert whole == chunked
    assert isinstance(whole, tuple) and whole[2] == (0, 1)


def test_text_labels_and_booleans_load_the_same(tmp_path, monkeypatch, rng):
    rows = [f"{v:.4f},{'TRUE' if v > 0 else 'FALSE'},{'fraud' if v > 1 else 'ok'}"
            for v in rng.normal(size=90)]
    whole, chunked = _both(monkeypatch, _write(tmp_path / "t.csv", rows, "x,flag,label"))
    assert whole == chunked and whole[2] == ("fraud", "ok")


def test_labels_written_as_codes_stay_text_in_chunks(tmp_path, monkeypatch, rng):
    rows = [f"{v:.4f},{'01' if v > 0 else '02'}" for v in rng.normal(size=50)]
    whole, chunked = _both(monkeypatch, _write(tmp_path / "c.csv", rows, "x,code"))
    assert whole == chunked and whole[2] == ("01", "02")


@pytest.mark.parametrize("bad, said", [
    ("oops", "feature column 'b' is not numeric"),  # text in a later chunk, by its line
    ("", "missing"),  # an empty cell only in a later chunk
])
def test_a_bad_cell_in_a_later_chunk_is_refused_the_same(tmp_path, monkeypatch, rng, bad,
                                                         said):
    rows = [f"{v:.4f},{i},{i % 2}" for i, v in enumerate(rng.normal(size=40))]
    rows[30] = f"0.5,{bad},1"
    whole, chunked = _both(monkeypatch, _write(tmp_path / "bad.csv", rows, "a,b,y"))
    assert whole == chunked
    assert isinstance(whole, str) and said in whole and ("line 32" in whole or bad == "")


def test_a_ragged_row_in_a_later_chunk_is_refused_the_same(tmp_path, monkeypatch, rng):
    rows = [f"{v:.4f},{i % 2}" for i, v in enumerate(rng.normal(size=40))]
    rows[25] = "0.5,1,9"
    whole, chunked = _both(monkeypatch, _write(tmp_path / "r.csv", rows, "a,y"))
    assert whole == chunked and "line 27" in whole


def test_integer_labels_past_int64_in_a_later_chunk_stay_apart(tmp_path, monkeypatch, rng):
    """Class codes past 2**63 - 1 only after the first chunk: its int64 chunk beside the
    later uint64 ones was joined as float64, and 2**64 - 1 and 2**64 - 2 became one class
    (three classes read where the file has four)."""
    big = 2**64 - 1
    rows = [f"{v:.4f},{i % 2 if i < 20 else big - i % 2}"
            for i, v in enumerate(rng.normal(size=40))]
    whole, chunked = _both(monkeypatch, _write(tmp_path / "ids.csv", rows, "x,code"))
    assert whole == chunked
    assert whole[2] == (0, 1, big - 1, big)
