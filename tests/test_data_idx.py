"""IDX reader on tiny files written here, and `data fetch` against a local HTTP server."""

import contextlib
import functools
import gzip
import hashlib
import http.server
import json
import os
import socket
import struct
import threading
import warnings

import numpy as np
import pytest
from cli_helpers import run_cli_as_program, undocumented_keys
from conftest import traced_peak

import data
import hplab
from data._declared_size import refuse_expansion

STEMS = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte",
         "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]


def idx_bytes(array: np.ndarray, type_code: int = 0x08) -> bytes:
    head = struct.pack(">BBBB", 0, 0, type_code, array.ndim)
    return head + struct.pack(f">{array.ndim}I", *array.shape) + array.tobytes()


def tiny_mnist(rng, n_train=40, n_test=20):
    """Images 4x4 uint8 and labels 0..2, every class present."""
    out = {}
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        out[f"{prefix}-images-idx3-ubyte"] = rng.integers(0, 256, (n, 4, 4), dtype=np.uint8)
        out[f"{prefix}-labels-idx1-ubyte"] = (np.arange(n) % 3).astype(np.uint8)
    return out


def write_folder(folder, arrays, gz=True):
    folder.mkdir(parents=True, exist_ok=True)
    for stem, array in arrays.items():
        raw = idx_bytes(array)
        if gz:
            (folder / f"{stem}.gz").write_bytes(gzip.compress(raw, mtime=0))
        else:
            (folder / stem).write_bytes(raw)


@pytest.mark.parametrize("gz", [True, False])
def test_read_idx_gz_and_raw(tmp_path, gz):
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    path = tmp_path / ("x.gz" if gz else "x")
    raw = idx_bytes(images)
    path.write_bytes(gzip.compress(raw) if gz else raw)
    np.testing.assert_array_equal(data.read_idx(path, ndim=3), images)


def test_read_idx_big_endian_types(tmp_path):
    values = np.array([1, -2, 70000], dtype=">i4")
    (tmp_path / "v").write_bytes(idx_bytes(values, 0x0C))
    got = data.read_idx(tmp_path / "v")
    assert got.dtype == np.int32 and got.tolist() == [1, -2, 70000]


@pytest.mark.parametrize("damage, message", [
    (lambda b: b[:-5], "truncated"),
    (lambda b: b"\x08\x03" + b[2:], "wrong magic number"),
    (lambda b: b[:2] + b"\x42" + b[3:], "wrong magic number"),
    (lambda b: b + b"\0", "trailing bytes"),
    (lambda b: b[:6], "truncated"),
])
def test_read_idx_rejects_damaged_files(tmp_path, damage, message):
    path = tmp_path / "bad"
    path.write_bytes(damage(idx_bytes(np.zeros((2, 3, 3), np.uint8))))
    with pytest.raises(data.DataError, match=message):
        data.read_idx(path, ndim=3)


def test_read_idx_rejects_truncated_gzip_and_labels_as_images(tmp_path):
    blob = gzip.compress(idx_bytes(np.zeros((5, 3, 3), np.uint8)))
    (tmp_path / "a.gz").write_bytes(blob[:-10])
    with pytest.raises(data.DataError, match="truncated or corrupt gzip"):
        data.read_idx(tmp_path / "a.gz")
    (tmp_path / "labels").write_bytes(idx_bytes(np.zeros(5, np.uint8)))
    with pytest.raises(data.DataError, match=r"labels: an IDX file of 1 dimension\(s\), not 3 "
                                             r"\(N x H x W images; magic number 2051 for uint8\)"):
        data.read_idx(tmp_path / "labels", ndim=3)
    # a well-formed file of N x D rows was "wrong magic number 2050; not an IDX file"
    (tmp_path / "rows").write_bytes(idx_bytes(np.zeros((5, 9), np.uint8)))
    with pytest.raises(data.DataError, match=r"an IDX file of 2 dimension\(s\), not 3"):
        data.read_idx(tmp_path / "rows", ndim=3)
    with pytest.raises(data.DataError, match=r"an IDX file of 2 dimension\(s\), not 1 "
                                             r"\(N labels"):
        data.read_idx(tmp_path / "rows", ndim=1)


def test_a_gzip_bomb_is_refused_without_decompressing_it(tmp_path):
    # a header declaring 2^30 images of 1 pixel over 8 bytes: 1 GiB from a 60-byte file
    (tmp_path / "declared.gz").write_bytes(gzip.compress(
        struct.pack(">BBBB3I", 0, 0, 8, 3, 2**30, 1, 1) + bytes(8), mtime=0))
    size = (tmp_path / "declared.gz").stat().st_size
    with pytest.raises(data.DataError) as err:
        data.read_idx(tmp_path / "declared.gz", ndim=3)
    assert str(err.value) == (
        f"{tmp_path / 'declared.gz'}: declares 1073741824 x 1 x 1 uint8 values in a "
        f"{size}-byte file: {16 + 2**30} bytes, {16 + 5 * 2**30} in memory with the float32 "
        "copy a load makes, more than the 100x its size plus 67108864 bytes a compressed file "
        "may take; gunzip it if the data is real")
    # an empty shape then 50 MB of zeros (50 kB gzipped): decompressed whole before the
    # header was read (2 GB of them took 4 GB); now one byte past the data is enough
    header = struct.pack(">BBBB3I", 0, 0, 8, 3, 0, 0, 0)
    (tmp_path / "trailing.gz").write_bytes(gzip.compress(header + bytes(50 * 10**6), mtime=0))
    with traced_peak() as traced, pytest.raises(data.DataError) as err:
        data.read_idx(tmp_path / "trailing.gz", ndim=3)
    peak = traced.bytes
    assert str(err.value) == (f"{tmp_path / 'trailing.gz'}: has trailing bytes: shape (0, 0, "
                              "0) needs 0 bytes of data, found more")
    assert peak < 10**6, peak


def test_a_small_forged_folder_cannot_ask_for_the_memory_of_its_float_copies(tmp_path,
                                                                             capsys):
    # security review: 85,000 zero images a file, 134 KB in all, declared 67 MB each, within
    # what a file may expand to, then took 892 MB as floats: the memory a load takes of
    # what a file declares (its values and their float32 copy) is what is checked now
    n = 85_000
    write_folder(tmp_path / "bomb", {
        "train-images-idx3-ubyte": np.zeros((n, 28, 28), np.uint8),
        "train-labels-idx1-ubyte": (np.arange(n) % 2).astype(np.uint8),
        "t10k-images-idx3-ubyte": np.zeros((n, 28, 28), np.uint8),
        "t10k-labels-idx1-ubyte": (np.arange(n) % 2).astype(np.uint8)})
    images = tmp_path / "bomb" / "train-images-idx3-ubyte.gz"
    size, declared = images.stat().st_size, 16 + n * 784
    assert size < 70_000 and declared < 100 * size + 64 * 2**20  # the bytes alone passed
    with traced_peak() as traced, pytest.raises(data.DataError) as err:
        data.load(f"idx:{tmp_path / 'bomb'}")
    peak = traced.bytes
    said = (f"{images}: declares 85000 x 28 x 28 uint8 values in a {size}-byte file: "
            f"{declared} bytes, {declared + 4 * n * 784} in memory with the float32 copy a "
            "load makes, more than the 100x its size plus 67108864 bytes a compressed file "
            "may take; gunzip it if the data is real")
    assert str(err.value) == said
    assert peak < 10**6, peak
    assert hplab.main(["data", "show", f"idx:{tmp_path / 'bomb'}"]) == 2
    assert capsys.readouterr().err == f"hplab data show: error: {said}\n"
    # MNIST's own files: its training images, 9,912,422 bytes gzipped, 47 MB as read
    refuse_expansion(images, 16 + 60_000 * 784, 9_912_422, "gunzip it",
                          values=60_000 * 784, what="60000 x 28 x 28 uint8 values")


@pytest.mark.slow
def test_an_mnist_sized_folder_of_noise_loads(tmp_path):
    # 60,000 + 10,000 images of 28 x 28 random pixels: gzip cannot shrink them (MNIST's
    # own shrink under 5x), and they load as before
    rng = np.random.default_rng(0)
    folder = tmp_path / "noise"
    folder.mkdir()
    for prefix, n in (("train", 60_000), ("t10k", 10_000)):
        for stem, array in ((f"{prefix}-images-idx3-ubyte",
                             rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)),
                            (f"{prefix}-labels-idx1-ubyte",
                             rng.integers(0, 10, n, dtype=np.uint8))):
            (folder / f"{stem}.gz").write_bytes(gzip.compress(idx_bytes(array), 1, mtime=0))
    ds = data.load(f"idx:{folder}")
    assert ds.X_train.shape[1] == 784 and ds.X_train.dtype == np.float32
    assert sum(ds.sizes().values()) == 70_000


@pytest.mark.parametrize("gz", [True, False])
def test_idx_folder_loads_scaled_by_255(tmp_path, gz):
    arrays = tiny_mnist(np.random.default_rng(0))
    write_folder(tmp_path / "m", arrays, gz=gz)
    ds = data.load(f"idx:{tmp_path / 'm'}", seed=0)
    assert ds.n_features == 16 and ds.classes == (0, 1, 2)
    assert ds.sizes() == {"train": 36, "val": 4, "test": 20}
    np.testing.assert_array_equal(ds.x_scale, np.full(16, 255.0))
    expected = arrays["t10k-images-idx3-ubyte"].reshape(20, 16).astype(np.float32) / 255
    np.testing.assert_array_equal(ds.X_test, expected)


def test_float_idx_images_are_scaled_by_the_training_parts_largest_value(tmp_path):
    arrays = tiny_mnist(np.random.default_rng(0))
    images = arrays["train-images-idx3-ubyte"] / np.float32(255)
    images[:, 0, 0] = 0.0  # a pixel that is 0 in train: no column of its own scale
    outlier = 7  # one bright image: wherever it lands, only the training part sets the scale
    images[outlier] *= 10
    write_folder(tmp_path / "f", arrays)
    (tmp_path / "f" / "train-images-idx3-ubyte.gz").write_bytes(
        gzip.compress(idx_bytes(images.astype(">f4"), 0x0D)))
    (tmp_path / "f" / "t10k-images-idx3-ubyte.gz").write_bytes(gzip.compress(idx_bytes(
        (arrays["t10k-images-idx3-ubyte"] / np.float32(255)).astype(">f4"), 0x0D)))
    for seed in range(12):  # seed 10 holds the outlier out for validation
        ds = data.load(f"idx:{tmp_path / 'f'}", seed=seed)
        scale = ds.x_scale[0]
        np.testing.assert_array_equal(ds.x_scale, np.full(16, scale))  # as a whole
        assert ds.X_train.max() == pytest.approx(1.0)
        assert ds.info["pixel_max"] == scale


def test_images_of_other_types_map_their_training_range_onto_0_1(tmp_path, capsys):
    # QA: train images all 0.0 were scaled x / 1e-12 (test pixels of 200 became 2e14), and
    # int8 images with negatives x / 128 into [-1, 0.77], said "minmax"
    arrays = tiny_mnist(np.random.default_rng(0))
    signed = arrays["train-images-idx3-ubyte"].astype(np.int16) - 100  # -100 ... 155
    write_folder(tmp_path / "s", arrays)
    (tmp_path / "s" / "train-images-idx3-ubyte.gz").write_bytes(
        gzip.compress(idx_bytes(signed.astype(">i2"), 0x0B)))
    (tmp_path / "s" / "t10k-images-idx3-ubyte.gz").write_bytes(gzip.compress(idx_bytes(
        (arrays["t10k-images-idx3-ubyte"].astype(np.int16) - 100).astype(">i2"), 0x0B)))
    ds = data.load(f"idx:{tmp_path / 's'}")
    low, high = float(signed.min()), float(signed.max())
    assert ds.info["pixel_min"] < 0 and ds.X_train.min() == 0 and ds.X_train.max() == 1
    assert hplab.main(["data", "show", f"idx:{tmp_path / 's'}"]) == 0
    lo, hi = ds.info["pixel_min"], ds.info["pixel_max"]
    assert low <= lo < 0 and hi <= high
    # QA: "(x - -100)" (of float images: "(x - -3.09529e+30)")
    assert f"scaling: minmax, images as a whole: (x + {-lo:g}) / {hi - lo:g}" in \
        capsys.readouterr().out
    zeros = {**arrays, "train-images-idx3-ubyte": np.zeros((40, 4, 4), np.float32)}
    write_folder(tmp_path / "z", arrays)
    (tmp_path / "z" / "train-images-idx3-ubyte.gz").write_bytes(
        gzip.compress(idx_bytes(zeros["train-images-idx3-ubyte"].astype(">f4"), 0x0D)))
    (tmp_path / "z" / "t10k-images-idx3-ubyte.gz").write_bytes(gzip.compress(idx_bytes(
        np.full((20, 4, 4), 200, ">f4"), 0x0D)))
    ds = data.load(f"idx:{tmp_path / 'z'}")
    assert ds.info["pixel_max"] == 1.0 and ds.X_test.max() == 200  # scale 1, as a column's


def test_huge_headers_wrong_labels_and_home_folders(tmp_path, monkeypatch):
    # 2^31 x 2^31 x 4 bytes wraps around in int64 arithmetic
    (tmp_path / "huge").write_bytes(struct.pack(">BBBB3I", 0, 0, 8, 3, 2**31, 2**31, 4))
    with pytest.raises(data.DataError, match="truncated: shape .* needs 18446744073709551616"):
        data.read_idx(tmp_path / "huge", ndim=3)
    arrays = tiny_mnist(np.random.default_rng(0))
    labels = arrays["train-labels-idx1-ubyte"].astype(">f8")
    labels[0] = 3e19  # a whole number no class index can be
    write_folder(tmp_path / "home" / "m", arrays)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert data.load("idx:~/m").n_features == 16  # ~ is the home folder, as for csv: and npz:
    (tmp_path / "home" / "m" / "train-labels-idx1-ubyte.gz").write_bytes(
        gzip.compress(idx_bytes(labels, 0x0E)))
    with pytest.raises(data.DataError, match="labels must be whole numbers"):
        data.load("idx:~/m")


def test_test_images_stored_unlike_the_training_images_are_refused(tmp_path):
    # QA: float test images (pixel / 255) under uint8 training ones were scaled x / 255 once
    # more (test accuracy 0.105 against 1.0 on validation); 14 x 56 test images were read
    # as 28 x 28 ones (the same pixel count)
    arrays = tiny_mnist(np.random.default_rng(0))
    test = arrays["t10k-images-idx3-ubyte"]
    write_folder(tmp_path / "f", arrays)
    (tmp_path / "f" / "t10k-images-idx3-ubyte.gz").write_bytes(
        gzip.compress(idx_bytes((test / np.float32(255)).astype(">f4"), 0x0D)))
    with pytest.raises(data.DataError, match=r"/f: test images are float32 but train "
                                             r"images uint8: both files must store pixels "
                                             "alike"):
        data.load(f"idx:{tmp_path / 'f'}")
    # stored alike enough: both floats (of two widths) are scaled by the training part
    (tmp_path / "f" / "train-images-idx3-ubyte.gz").write_bytes(gzip.compress(idx_bytes(
        (arrays["train-images-idx3-ubyte"] / 255.0).astype(">f8"), 0x0E)))
    assert data.load(f"idx:{tmp_path / 'f'}").X_test.max() <= 1.0
    write_folder(tmp_path / "s", {**arrays, "t10k-images-idx3-ubyte": test.reshape(20, 2, 8)})
    with pytest.raises(data.DataError, match=r"/s: test images are 2x8 but train images "
                                             "4x4$"):
        data.load(f"idx:{tmp_path / 's'}")


def test_t10k_files_of_the_training_images_are_refused(tmp_path):
    # QA: a folder whose t10k files were copies of, or links to, the train files loaded
    # ("test 200"), its test scores the training scores
    arrays = tiny_mnist(np.random.default_rng(0))
    train = arrays["train-images-idx3-ubyte"]
    labels = arrays["train-labels-idx1-ubyte"]
    order = np.random.default_rng(1).permutation(40)
    write_folder(tmp_path / "copy", {**arrays, "t10k-images-idx3-ubyte": train[order],
                                     "t10k-labels-idx1-ubyte": labels[order]})
    folder = tmp_path / "copy"
    with pytest.raises(data.DataError) as caught:
        data.load(f"idx:{folder}")
    assert str(caught.value) == (
        f"idx:{folder}: every test image of {folder} (40), with its label, is a training "
        "image there: a test set of the training rows holds nothing out; the t10k files must "
        "hold other images than the train files")
    write_folder(tmp_path / "link", arrays, gz=False)
    for stem in ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
        (tmp_path / "link" / stem).unlink()
        (tmp_path / "link" / stem).symlink_to(tmp_path / "link" / stem.replace("t10k", "train"))
    with pytest.raises(data.DataError) as caught:
        data.load(f"idx:{tmp_path / 'link'}")
    assert str(caught.value) == (
        f"{tmp_path / 'link'}: t10k-images-idx3-ubyte is train-images-idx3-ubyte itself: a "
        "test set of the training images holds nothing out; the t10k files must hold other "
        "images than the train files")
    # 12 of 20 test images training images: a warning
    test = arrays["t10k-images-idx3-ubyte"].copy()
    test[:12] = train[:12]
    write_folder(tmp_path / "half", {**arrays, "t10k-images-idx3-ubyte": test})
    with pytest.warns(data.DataWarning) as caught:
        data.load(f"idx:{tmp_path / 'half'}")
    assert [str(w.message) for w in caught] == [
        f"idx:{tmp_path / 'half'}: 12 of the 20 test images of {tmp_path / 'half'} (60%), with "
        "their labels, are training images there: scores on them are training scores; leave "
        "them out of the t10k files"]


def test_data_show_json_says_the_shape_of_info_files_for_each_kind(tmp_path, capsys):
    # QA: info.files is a list of paths for csv: and npz:, but an object of role -> file
    # name for idx: (and mnist); the help said neither
    from cli_helpers import description_words, run_cli

    write_folder(tmp_path / "f", tiny_mnist(np.random.default_rng(0)))
    code, out, _ = run_cli(["data", "show", f"idx:{tmp_path / 'f'}", "--json"], capsys)
    info = json.loads(out)["info"]
    assert code == 0 and info["folder"] == str(tmp_path / "f")
    assert info["files"] == {"train_images": "train-images-idx3-ubyte.gz",
                             "train_labels": "train-labels-idx1-ubyte.gz",
                             "test_images": "t10k-images-idx3-ubyte.gz",
                             "test_labels": "t10k-labels-idx1-ubyte.gz"}
    (tmp_path / "a.csv").write_text("a,y\n" + "".join(f"{i},{i % 2}\n" for i in range(30)))
    code, out, _ = run_cli(["data", "show", f"csv:{tmp_path / 'a.csv'}", "--json"], capsys)
    assert code == 0 and json.loads(out)["info"]["files"] == [str(tmp_path / "a.csv")]
    assert ("files: for csv: and npz: a list of paths (the training file, then the test file "
            "if given), for idx: and mnist an object {train_images, train_labels, test_images, "
            "test_labels} of the file names read in folder (the folder's path)"
            ) in description_words("data", "show")


def test_idx_folder_label_count_mismatch(tmp_path):
    arrays = tiny_mnist(np.random.default_rng(0))
    arrays["train-labels-idx1-ubyte"] = arrays["train-labels-idx1-ubyte"][:-1]
    write_folder(tmp_path / "m", arrays)
    # QA: the files were named without their folder (which of the user's folders?)
    with pytest.raises(data.DataError) as caught:
        data.load(f"idx:{tmp_path / 'm'}")
    assert str(caught.value) == (f"{tmp_path / 'm' / 'train-labels-idx1-ubyte.gz'} has 39 "
                                 "labels but train-images-idx3-ubyte.gz beside it has 40 "
                                 "images")


def test_idx_folder_without_images_or_with_fractional_labels(tmp_path):
    write_folder(tmp_path / "empty", tiny_mnist(np.random.default_rng(0), n_train=0))
    with pytest.raises(data.DataError, match="train-images-idx3-ubyte.gz holds no images"):
        data.load(f"idx:{tmp_path / 'empty'}")
    arrays = tiny_mnist(np.random.default_rng(0))
    write_folder(tmp_path / "float", arrays)
    labels = arrays["train-labels-idx1-ubyte"].astype(">f4") + 0.5  # not class indices
    (tmp_path / "float" / "train-labels-idx1-ubyte.gz").write_bytes(
        gzip.compress(idx_bytes(labels, 0x0D), mtime=0))
    with pytest.raises(data.DataError, match="labels must be whole numbers"):
        data.load(f"idx:{tmp_path / 'float'}")


def test_idx_labels_that_are_not_0_to_k_minus_1_are_named_with_their_counts(tmp_path, capsys):
    # QA: 50 MNIST training labels corrupted to 255 loaded as "11 classes [0, ..., 9, 255]",
    # exit 0, without a word
    arrays = tiny_mnist(np.random.default_rng(0), n_train=60, n_test=30)
    arrays["train-labels-idx1-ubyte"][[1, 4, 7]] = 255
    arrays["t10k-labels-idx1-ubyte"][2] = 255
    arrays["t10k-labels-idx1-ubyte"][5] = 7
    arrays["train-labels-idx1-ubyte"][[10, 13]] = 7
    write_folder(tmp_path / "odd", arrays, gz=False)
    name = f"idx:{tmp_path / 'odd'}"
    with pytest.warns(data.DataWarning) as caught:
        ds = data.load(name)
    assert ds.classes == (0, 1, 2, 7, 255)
    said = [str(w.message) for w in caught if "without gaps" in str(w.message)]
    assert said == [f"{name}: the labels are not 0..4 without gaps: 0..2, then 7 (2 "
                    "training, 1 test labels), 255 (3 training, 1 test labels); each distinct "
                    "label is read as a class (5 classes): a stray value is likely a corrupt "
                    "label"]
    # the command says it on one line, and goes on (exit 0)
    code, _, err = run_cli_as_program(["data", "show", name], capsys)
    assert code == 0 and ("hplab data show: warning: " + said[0] + "\n") in err
    # labels 0..k-1 without gaps: no such warning
    write_folder(tmp_path / "fine", tiny_mnist(np.random.default_rng(0)), gz=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", data.DataWarning)
        data.load(f"idx:{tmp_path / 'fine'}")


def test_mnist_missing_folder_says_what_to_do(tmp_path):
    with pytest.raises(data.DataError, match="hplab data fetch mnist"):
        data.load("mnist", data_dir=tmp_path)
    with pytest.raises(data.DataError, match="folder not found"):
        data.load(f"idx:{tmp_path / 'nowhere'}")


# ----------------------------------------------------------------------------- fetch
@contextlib.contextmanager
def serving(folder):
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def mirror(tmp_path):
    folder = tmp_path / "mirror"
    write_folder(folder, tiny_mnist(np.random.default_rng(1)))
    sums = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    return folder, sums


def _write_sums(folder, sums):
    (folder / "SHA256SUMS").write_text("".join(f"{h}  {n}\n" for n, h in sums.items()))


def test_fetch_end_to_end_then_load(tmp_path, mirror, capsys):
    folder, sums = mirror
    _write_sums(folder, sums)
    dest = tmp_path / "home" / "mnist"
    with serving(folder) as url:
        rc = hplab.main(["data", "fetch", "mnist", "--url", url, "--dest", str(dest), "--json"])
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    assert out["verified"] and {f["name"]: f["sha256"] for f in out["files"]} == sums
    assert undocumented_keys("data fetch", [*out, *out["files"][0]]) == []  # in its --help
    raw = [name.removesuffix(".gz") for name in sums]
    # verified gz files plus their unpacked IDX files, and no temporary files left
    assert sorted(p.name for p in dest.iterdir()) == sorted([*sums, *raw])
    for name in raw:
        assert (dest / name).read_bytes() == gzip.decompress((dest / f"{name}.gz").read_bytes())
    # modes as a plain open gives them (the umask's), not mkstemp's private 0600
    umask = os.umask(0)
    os.umask(umask)
    assert {(p.stat().st_mode & 0o777) for p in dest.iterdir()} == {0o666 & ~umask}
    ds = data.load("mnist", data_dir=tmp_path / "home")
    assert ds.n_features == 16 and ds.sizes()["test"] == 20
    # --no-verify takes the files as they are, and says they were not checked
    with serving(folder) as url:
        rc = hplab.main(["data", "fetch", "mnist", "--url", url, "--dest",
                         str(tmp_path / "unchecked"), "--no-verify", "--json"])
    assert rc == 0
    unchecked = json.loads(capsys.readouterr().out)
    assert unchecked["verified"] is False and unchecked["files"] == out["files"]


def test_an_interrupted_fetch_leaves_no_partial_file(tmp_path, mirror, monkeypatch):
    # Ctrl-C mid-file left a .part file behind, a new one at every interrupt
    import data._download as download

    class Interrupted:  # the digest of the streamed blocks: the second one is cut short
        calls = 0

        def update(self, block):
            Interrupted.calls += 1
            if Interrupted.calls == 2:
                raise KeyboardInterrupt

    monkeypatch.setattr(download, "_BLOCK", 64)
    monkeypatch.setattr(download.hashlib, "sha256", Interrupted)
    dest = tmp_path / "dest"
    with serving(mirror[0]) as url, pytest.raises(KeyboardInterrupt):
        data.fetch_mnist(dest, url)
    assert Interrupted.calls == 2 and not dest.exists()  # the folder it made goes too


def test_fetch_refuses_checksum_mismatch_nothing_written(tmp_path, mirror, capsys):
    folder, sums = mirror
    sums["t10k-images-idx3-ubyte.gz"] = "0" * 64
    _write_sums(folder, sums)
    dest = tmp_path / "dest"
    with serving(folder) as url:
        rc = hplab.main(["data", "fetch", "mnist", "--url", url, "--dest", str(dest)])
        err = capsys.readouterr().err
        assert rc == 2 and "checksum mismatch for t10k-images" in err
        assert len(err.strip().splitlines()) == 1 and "--no-verify" not in err  # its own sums
        assert not dest.exists()  # earlier good files were not moved in either
        # Without a SHA256SUMS the official MNIST sums apply: tiny files fail them too.
        (folder / "SHA256SUMS").unlink()
        dest.mkdir()  # a folder that was there before the fetch stays
        with pytest.raises(data.DataError, match=r"checksum mismatch .*; nothing was written "
                           r"\(the mirror lists no SHA256SUMS: the official sums were used; "
                           r"verify=False, --no-verify on the command line, takes its files "
                           r"as they are\)$"):
            data.fetch_mnist(dest, url)
        assert list(dest.iterdir()) == []
        # --no-verify still checks that each file is a whole gzipped IDX file.
        (folder / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(b"<html>"))
        with pytest.raises(data.DataError, match="not a whole gzipped IDX file"):
            data.fetch_mnist(dest, url, verify=False)
        assert list(dest.iterdir()) == []
        # a mirror's SHA256SUMS that lists no file is its word, not the official sums'
        (folder / "SHA256SUMS").write_text("")
        with pytest.raises(data.DataError, match="no SHA-256 known for train-images-idx3-ubyte"
                                                 r".gz, .*; list it in the mirror's "
                                                 r"SHA256SUMS .* or skip verification "
                                                 r"\(verify=False; --no-verify on the "
                                                 r"command line\)"):
            data.fetch_mnist(dest, url)
        (folder / "SHA256SUMS").unlink()
        write_folder(folder, tiny_mnist(np.random.default_rng(1)))
        assert data.fetch_mnist(dest, url, verify=False) == dest
    assert len(list(dest.iterdir())) == 8  # 4 gz + 4 unpacked


def test_fetch_offline_says_where_to_put_files(tmp_path, capsys):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    dest = tmp_path / "m"
    rc = hplab.main(["data", "fetch", "mnist", "--url", f"http://127.0.0.1:{port}/",
                     "--dest", str(dest), "--timeout", "2"])
    err = capsys.readouterr().err
    assert rc == 2 and "by hand" in err and str(dest) in err and "t10k-labels" in err
    assert len(err.strip().splitlines()) == 1
    assert not dest.exists()  # no empty folder, which data show called "lacks ..."


def test_a_failed_fetch_removes_the_parent_folders_it_made_and_only_those(tmp_path, mirror,
                                                                         capsys):
    # review: a failed fetch into a new a/b/c removed c, and left the a/b it had made
    folder, _ = mirror
    (folder / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(b"<html>"))  # no IDX
    before = tmp_path / "there"  # an empty folder that was there before: it stays
    before.mkdir()
    with serving(folder) as url:
        for dest in (tmp_path / "a" / "b" / "c", before / "d" / "e"):
            rc = hplab.main(["data", "fetch", "mnist", "--url", url, "--dest", str(dest),
                             "--no-verify"])
            err = capsys.readouterr().err
            assert rc == 2 and "is not a whole gzipped IDX file" in err
    # and offline: the file:// mirror that is not there
    rc = hplab.main(["data", "fetch", "mnist", "--url", (tmp_path / "nowhere").as_uri() + "/",
                     "--dest", str(tmp_path / "f" / "g")])
    assert rc == 2 and "by hand" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.rglob("*")) == sorted(
        ["there", *(p.name for p in folder.rglob("*")), folder.name])


@contextlib.contextmanager
def _replying(reply):
    """A server that answers every request with ``reply(request bytes)`` and hangs up."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    done = threading.Event()

    def serve():
        while not done.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:  # the accept timeout: look at done again
                continue
            with conn:
                conn.sendall(reply(conn.recv(65536)))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/"
    finally:
        done.set()
        thread.join()
        listener.close()


@pytest.mark.parametrize("verify", [True, False])
@pytest.mark.parametrize("kind", ["cut short", "not http"])
def test_a_reply_cut_short_or_not_http_is_one_line_and_leaves_nothing(tmp_path, capsys,
                                                                      verify, kind):
    # IncompleteRead and BadStatusLine were tracebacks; with --no-verify the cut files
    # were renamed into place, then failed to unpack with a traceback
    body = gzip.compress(idx_bytes(np.zeros((60, 28, 28), np.uint8)))

    def reply(request):
        if kind == "not http":
            return b"SSH-2.0-OpenSSH_9.6\r\n"
        head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        return head + body[:len(body) // 2]

    dest = tmp_path / "m"
    with _replying(reply) as url:
        rc = hplab.main(["data", "fetch", "mnist", "--url", url, "--dest", str(dest),
                         "--timeout", "5", *([] if verify else ["--no-verify"])])
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    assert "cannot download" in err and "by hand" in err
    assert not dest.exists()


@pytest.mark.parametrize("flags, message", [
    (["--timeout", "0"], "timeout must be a number of seconds > 0 and <= 86400, got 0.0"),
    (["--timeout", "-1"], "timeout must be a number of seconds > 0 and <= 86400, got -1.0"),
    (["--timeout", "1e300"], "timeout must be a number of seconds > 0 and <= 86400, got 1e+300"),
    (["--url", "not a url"], "url must be an http://, https:// or file:// address"),
])
def test_fetch_settings_are_checked_before_any_download(tmp_path, capsys, flags, message):
    rc = hplab.main(["data", "fetch", "mnist", "--dest", str(tmp_path / "m"), *flags])
    err = capsys.readouterr().err
    assert rc == 2 and message in err and err.count("\n") == 1
    assert not (tmp_path / "m").exists()


def test_a_fetch_into_a_file_says_so(tmp_path, capsys):
    (tmp_path / "af").write_text("mine")  # said "[Errno 17] File exists: 'af'"
    rc = hplab.main(["data", "fetch", "mnist", "--dest", str(tmp_path / "af")])
    err = capsys.readouterr().err
    assert rc == 2 and err == (f"hplab data fetch: error: --dest {tmp_path / 'af'} is a file; "
                               "give a folder\n")  # as an --out is said
    assert (tmp_path / "af").read_text() == "mine"


def test_a_fetch_says_how_to_read_what_it_saved(tmp_path, mirror, capsys, monkeypatch):
    # review: `data fetch --dest DIR` saves the files in DIR, `data show mnist --data-dir DIR`
    # reads DIR/mnist, and its error said only "(set HPLAB_DATA to use another folder)"
    folder, sums = mirror
    _write_sums(folder, sums)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HPLAB_DATA", str(tmp_path / "home"))
    with serving(folder) as url:
        for dest, said in (("dl", "saved in dl; read it as idx:dl, e.g. hplab data show idx:dl"),
                           (None, f"saved in {tmp_path}/home/mnist; read it as mnist, e.g. "
                                  "hplab data show mnist")):
            more = [] if dest is None else ["--dest", dest]
            assert hplab.main(["data", "fetch", "mnist", "--url", url, *more]) == 0
            assert capsys.readouterr().out.splitlines()[-1] == said
    for name in ("idx:dl", "mnist"):  # as said
        assert hplab.main(["data", "show", name, "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["sizes"]["test"] == 20
    assert hplab.main(["data", "show", "mnist", "--data-dir", "dl"]) == 2
    assert capsys.readouterr().err == (
        "hplab data show: error: MNIST: folder not found: dl/mnist; run `hplab data fetch "
        "mnist --dest dl/mnist` or put the four IDX files there by hand (--data-dir dl holds "
        "mnist/; a folder of the files themselves reads as idx:FOLDER)\n")


def test_loading_mnist_sized_images_copies_little_beside_the_scaled_arrays(tmp_path):
    # QA: scaling went 8192 rows at a time, 51 MB of float64 at 784 pixels beside the
    # float32 result: the peak of loading an MNIST-sized folder (483 MB RSS, now 435 MB)
    rng = np.random.default_rng(0)
    arrays = {}
    for prefix, n in (("train", 10_000), ("t10k", 2_000)):
        arrays[f"{prefix}-images-idx3-ubyte"] = rng.integers(0, 256, (n, 28, 28), np.uint8)
        arrays[f"{prefix}-labels-idx1-ubyte"] = (np.arange(n) % 10).astype(np.uint8)
    write_folder(tmp_path / "m", arrays, gz=False)
    name = f"idx:{tmp_path / 'm'}"
    data.load(name)  # the imports (scikit-learn's splits) outside the count
    with traced_peak() as traced:
        ds = data.load(name)
    peak = traced.bytes
    held = sum(getattr(ds, s).nbytes for s in ("X_train", "X_val", "X_test"))
    assert ds.X_train.shape == (9000, 784) and ds.X_train.dtype == np.float32
    assert held == 12_000 * 784 * 4  # 37.6 MB
    assert ds.X_train.max() == 1.0 and ds.X_test[0, :3].tolist() == pytest.approx(
        (arrays["t10k-images-idx3-ubyte"][0, 0, :3] / 255).tolist())
    # the uint8 file (9.4 MB), its split copies and the float32 result, a few MB beside
    assert peak < 1.8 * held
