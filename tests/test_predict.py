"""`hplab predict` and nets.load_model: stored scaling applied, labels mapped back, the
dataset rule, the JSON/CSV contract, and tampered or foreign files refused (no pickle)."""

import dataclasses
import gzip
import io
import json
import os
import re
import struct
import unicodedata
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cli_helpers import hplab_cli, hplab_on_a_terminal, run_cli, run_cli_as_program
from conftest import require_module, traced_peak

import data
import nets

PREDICT_KEYS = {"model", "task", "classes", "dataset", "split", "data_seed", "data_changed",
                "input", "n", "n_shown", "predictions", "probabilities", "labels", "accuracy",
                "rmse", "loss", "r2",
                "mae", "out_path", "threshold", "positive", "precision", "recall", "f1",
                "roc_auc", "pr_auc"}


@pytest.mark.parametrize("head", ["binary", "multiclass", "regression"])
def test_raw_inputs_use_the_stored_scaling(saved_model, head, tmp_path):
    path, X_raw, y_raw = saved_model(head)
    model = nets.load_model(path)
    net, _, extra = nets.load_net(path)
    z = net.logits(((X_raw - extra["x_shift"]) / extra["x_scale"]).astype(np.float32))
    pred = model.predict(X_raw)
    assert len(pred) == len(X_raw) == 40
    if head == "regression":
        np.testing.assert_allclose(pred.values, z[:, 0].astype(np.float64) * 4 + 10, rtol=1e-6)
        assert pred.labels is None and pred.probabilities is None
        return
    classes = np.array(model.classes, dtype=object)
    index = np.argmax(z, axis=1) if head == "multiclass" else (z[:, 0] > 0).astype(int)
    np.testing.assert_array_equal(pred.index, index)
    assert list(pred.labels) == list(classes[index])  # original labels, not indices
    np.testing.assert_allclose(pred.probabilities.sum(axis=1), 1, rtol=1e-6)
    assert pred.probabilities.shape == (40, len(classes))
    # a one-row input and a single example give the same answer as the batch
    assert model.predict(X_raw[3]).labels[0] == pred.labels[3]
    # a table's columns are taken by name, whatever their order; a missing one is refused
    table = pd.DataFrame(X_raw, columns=["a", "b", "c"])
    np.testing.assert_array_equal(model.predict(table[["c", "a", "b"]]).probabilities,
                                  pred.probabilities)
    with pytest.raises(ValueError, match="the table names b, c but not a; the model takes a, "
                                         "b, c"):
        model.predict(table.rename(columns={"a": "a_typo"}))
    # one example as a Series (df.iloc[0]) is matched by its index too
    # (against the row alone: BLAS may sum a lone row in another order than a batch's rows)
    row = table[["c", "a", "b"]].iloc[3]
    np.testing.assert_array_equal(model.predict(row).probabilities,
                                  model.predict(X_raw[3:4]).probabilities)
    assert len(nets.prediction_records(pred, limit=-1)["predictions"]) == len(pred)  # -1: all
    # a table without names (0, 1, 2) is read by position, as an array is
    np.testing.assert_array_equal(model.predict(pd.DataFrame(X_raw)).probabilities,
                                  pred.probabilities)


def test_cli_input_files_json_and_csv(saved_model, tmp_path, capsys):
    path, X_raw, y_raw = saved_model("multiclass")
    np.save(tmp_path / "x.npy", X_raw)
    # the header names the features in another order, plus the target: picked by name
    table = pd.DataFrame({"label": y_raw, "c": X_raw[:, 2], "a": X_raw[:, 0], "b": X_raw[:, 1]})
    table.to_csv(tmp_path / "named.csv", index=False)
    pd.DataFrame(X_raw).to_csv(tmp_path / "plain.csv", index=False, header=False)
    results = []
    for name in ("x.npy", "named.csv", "plain.csv"):
        code, out, err = run_cli(["predict", path, "--input", tmp_path / name, "--json",
                                  "--limit", "-1"], capsys)
        assert code == 0, err
        results.append(json.loads(out))
    first = results[0]
    assert PREDICT_KEYS == first.keys()
    assert first["n"] == first["n_shown"] == 40 and first["classes"] == ["cat", "dog", "eel"]
    assert first["labels"] is None  # raw inputs: no truth to give
    assert first["accuracy"] is None and first["dataset"] is None  # no labels with --input
    assert set(first["predictions"]) <= {"cat", "dog", "eel"}
    for other in results[1:]:
        assert other["predictions"] == first["predictions"]
        np.testing.assert_allclose(other["probabilities"], first["probabilities"], rtol=1e-12)
    pred = nets.load_model(path).predict(X_raw)
    assert first["predictions"] == list(pred.labels)
    np.testing.assert_array_equal(first["probabilities"], pred.probabilities)
    # --limit caps the listing; --out always has every row, with p_<class> columns
    code, out, _ = run_cli(["predict", path, "--input", tmp_path / "x.npy", "--json",
                            "--limit", "3", "--out", tmp_path / "p" / "pred.csv"], capsys)
    short = json.loads(out)
    assert short["n_shown"] == 3 and short["predictions"] == first["predictions"][:3]
    frame = pd.read_csv(tmp_path / "p" / "pred.csv")
    assert list(frame.columns) == ["prediction", "p_cat", "p_dog", "p_eel"]
    assert frame["prediction"].tolist() == first["predictions"]
    code, out, _ = run_cli(["predict", path, "--input", tmp_path / "x.npy"], capsys)
    assert code == 0 and "40 predictions" in out and "cat" in out
    # QA: 20 of the 40 listed without a word; every row shown: none said
    assert out.splitlines()[-1] == "20 of 40 shown; --limit -1 for all"
    code, out, _ = run_cli(["predict", path, "--input", tmp_path / "x.npy", "--limit", "40"],
                           capsys)
    assert code == 0 and " shown; " not in out and len(out.splitlines()) == 2 + 1 + 40


def test_printed_predictions_line_up_under_wide_class_names(tmp_path, capsys):
    # QA: headers p_反面 p_正面 p_立着 drifted 2 columns per column from their values (a
    # Chinese character takes two terminal columns)
    def spans(line):  # the terminal columns each of the line's words starts and ends at
        def at(i):
            return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line[:i])
        return [(at(m.start()), at(m.end())) for m in re.finditer(r"\S+", line)]

    rng = np.random.default_rng(0)
    y = np.arange(60) % 3
    frame = pd.DataFrame({"横坐标": y + rng.normal(0, 0.3, 60), "纵坐标": rng.normal(size=60),
                          "类别": np.array(["正面", "反面", "立着"])[y]})
    frame.to_csv(tmp_path / "coin.csv", index=False)
    assert run_cli(["train", "--dataset", f"csv:{tmp_path / 'coin.csv'}", "--epochs", "1",
                    "--no-report", "--out", tmp_path / "run"], capsys)[0] == 0
    code, out, err = run_cli(["predict", tmp_path / "run" / "model.npz", "--dataset",
                              "--limit", "3"], capsys)
    assert code == 0, err
    header, *rows = out.splitlines()[3:7]
    assert header.split() == ["prediction", "p_反面", "p_正面", "p_立着", "label"]
    for row in rows:  # (the row's index first)
        (_, *cells), heads = spans(row), spans(header)
        assert row.split()[1] in {"反面", "正面", "立着"}
        # class names are text, left-aligned: each starts where its header starts; the
        # probabilities are numbers, right-aligned: each ends where its header ends
        assert [c[0] for c in cells[::4]] == [h[0] for h in heads[::4]], (header, row)
        assert [c[1] for c in cells[1:4]] == [h[1] for h in heads[1:4]], (header, row)


def test_printed_predictions_line_up_under_decomposed_class_names(tmp_path, capsys):
    # QA: predict --input's table put the header and a row of "café" written as e + a
    # combining accent (macOS's file names, NFD) one column off the others: the accent
    # was counted as a column of its own
    cafe = unicodedata.normalize("NFD", "café")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    labels = np.where(X[:, 0] > 0, cafe, "dog")
    pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "label": labels}).to_csv(tmp_path / "t.csv",
                                                                      index=False)
    assert run_cli(["train", "--dataset", f"csv:{tmp_path / 't.csv'}", "--epochs", "50",
                    "--lr", "1", "--no-report", "--out", tmp_path / "run"], capsys)[0] == 0
    pd.DataFrame({"a": [2.0, -2.0], "b": [0.0, 0.0]}).to_csv(tmp_path / "in.csv", index=False)
    code, out, err = run_cli(["predict", tmp_path / "run" / "model.npz", "--input",
                              tmp_path / "in.csv"], capsys)
    assert code == 0, err
    # composed, each character is one terminal column: str.find counts columns
    header, *rows = [unicodedata.normalize("NFC", line) for line in out.splitlines()[2:]]
    assert header.split() == ["prediction", "p_café", "p_dog"] and len(rows) == 2
    assert [row.split()[1] for row in rows] == ["café", "dog"]
    for row in rows:
        # the label (text) starts under its header; the probabilities (numbers) end under
        # theirs
        words = [(m.start(), m.end()) for m in re.finditer(r"\S+", row)]
        assert words[1][0] == header.find("prediction")
        assert [w[1] for w in words[2:]] == [header.find("p_café") + len("p_café"),
                                             len(header)]


def test_outputs_that_overflow_are_refused_not_class_0(saved_model, tmp_path, capsys):
    # finite weights so large that the logits overflow: NaN rows all predicted class 0
    path, X_raw, _ = saved_model("multiclass", activation="identity", dtype="float64")
    with np.load(path) as z:
        arrays = {k: z[k] * 1e150 if k.startswith("param_") else z[k] for k in z.files}
    np.savez(path, **arrays)
    np.save(tmp_path / "x.npy", X_raw)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the CLI prints numpy's overflow warning otherwise
        code, out, err = run_cli(["predict", path, "--input", tmp_path / "x.npy"], capsys)
    assert code == 2 and out == ""
    assert err == ("hplab predict: error: the model's outputs are NaN or infinite (first in row "
                   "0): its weights overflow on these inputs (a diverged run?)\n")


def test_out_onto_a_link_loop_or_a_dangling_link_is_one_line(saved_model, tmp_path, capsys):
    # Path.resolve raised RuntimeError ('Symlink loop'), a traceback; a link into a folder
    # that does not exist had that folder made (as root, anywhere on the system)
    path, X_raw, _ = saved_model("binary")
    np.save(tmp_path / "x.npy", X_raw)
    (tmp_path / "loop.csv").symlink_to("loop2.csv")
    (tmp_path / "loop2.csv").symlink_to("loop.csv")
    (tmp_path / "far.csv").symlink_to(tmp_path / "nowhere" / "p.csv")
    for out, said in (("loop.csv", "too many levels of symbolic links"),
                      ("far.csv", "the link points into a folder that does not exist "
                                  f"({tmp_path / 'nowhere'})")):
        code, _, err = run_cli(["predict", path, "--input", tmp_path / "x.npy", "--out",
                                tmp_path / out], capsys)
        assert code == 2 and err == f"hplab predict: error: {tmp_path / out}: {said}\n"
    assert (tmp_path / "loop.csv").is_symlink() and not (tmp_path / "nowhere").exists()


def test_out_compressed_as_its_name_says_holds_the_csv_by_its_name(saved_model, tmp_path,
                                                                   capsys):
    # the zip's member was the hidden temporary file's name (.p.csv.zip.x1y2z3w4.tmp), and
    # a .tar.gz was no tar archive
    import tarfile
    import zipfile

    path, X_raw, _ = saved_model("multiclass")
    np.save(tmp_path / "x.npy", X_raw)
    labels = list(nets.load_model(path).predict(X_raw).labels)
    for out, names in (("p.csv.zip", lambda f: zipfile.ZipFile(f).namelist()),
                       ("p.csv.tar.gz", lambda f: tarfile.open(f).getnames())):
        code, _, err = run_cli(["predict", path, "--input", tmp_path / "x.npy", "--out",
                                tmp_path / out], capsys)
        assert code == 0, err
        assert names(tmp_path / out) == ["p.csv"]
        assert pd.read_csv(tmp_path / out)["prediction"].tolist() == labels


def test_out_through_a_link_a_fifo_or_dash(saved_model, tmp_path, capsys, monkeypatch):
    """--out never renames a plain file over a symlink or a pipe; `--out -` is stdout."""
    import io
    import os
    import threading

    path, X_raw, _ = saved_model("multiclass")
    np.save(tmp_path / "x.npy", X_raw)
    labels = list(nets.load_model(path).predict(X_raw).labels)
    (tmp_path / "real.csv").write_text("prediction\nold\n")  # an earlier --out's
    (tmp_path / "link.csv").symlink_to("real.csv")
    code, _, err = run_cli(["predict", path, "--input", tmp_path / "x.npy", "--out",
                            tmp_path / "link.csv"], capsys)
    assert code == 0, err
    assert os.readlink(tmp_path / "link.csv") == "real.csv"  # still the link, its file new
    assert pd.read_csv(tmp_path / "real.csv")["prediction"].tolist() == labels
    os.mkfifo(tmp_path / "pipe")
    got = []
    reader = threading.Thread(target=lambda: got.append((tmp_path / "pipe").read_text()),
                              daemon=True)  # a pipe never written must not hang the run
    reader.start()
    code, _, err = run_cli(["predict", path, "--input", tmp_path / "x.npy", "--out",
                            tmp_path / "pipe"], capsys)
    reader.join(timeout=60)
    assert code == 0, err
    assert pd.read_csv(io.StringIO(got[0]))["prediction"].tolist() == labels
    assert (tmp_path / "pipe").is_fifo()
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["predict", path, "--input", "x.npy", "--out", "-"], capsys)
    assert code == 0, err
    frame = pd.read_csv(io.StringIO(out))  # only the CSV: every row, the scores on stderr
    assert list(frame.columns) == ["prediction", "p_cat", "p_dog", "p_eel"]
    assert frame["prediction"].tolist() == labels and "40 predictions on x.npy" in err
    assert not Path("-").exists()
    code, out, err = run_cli(["predict", path, "--input", "x.npy", "--out", "-", "--json"],
                             capsys)
    assert (code, out) == (2, "") and "leave out --json" in err and err.count("\n") == 1


def test_several_targets_get_a_truth_column_each(tmp_path):
    net = nets.MLP.initialized((2, 3, 2), ("tanh",), "regression", rng=np.random.default_rng(0))
    model = nets.load_model(nets.save_net(tmp_path / "reg2.npz", net))
    X = np.array([[0.1, 0.2], [0.5, 0.5]])
    frame = nets.prediction_frame(model.predict(X), np.zeros((2, 2)))
    assert list(frame.columns) == ["prediction_0", "prediction_1", "target_0", "target_1"]


def test_a_many_class_predict_warns_nothing(tmp_path, capsys):
    import warnings

    from sklearn.datasets import make_classification

    X, y = make_classification(n_samples=1500, n_features=8, n_informative=7, n_redundant=0,
                               n_classes=120, n_clusters_per_class=1, random_state=0)
    pd.DataFrame(np.c_[X, y]).to_csv(tmp_path / "c120.csv", index=False, header=False)
    dataset = f"csv:{tmp_path / 'c120.csv'}?header=no&task=classification"
    code, _, err = run_cli(["train", "--dataset", dataset,
                            "--hidden", "8", "--epochs", "1", "--out", tmp_path / "run",
                            "--no-report"], capsys)
    assert code == 0, err
    with warnings.catch_warnings():
        # one column inserted per class: pandas' PerformanceWarning past 100 of them
        warnings.simplefilter("error")
        code, out, err = run_cli(["predict", tmp_path / "run" / "model.npz", "--dataset",
                                  "--out", tmp_path / "p.csv", "--json"], capsys)
        assert code == 0 and err == "", err
        net = nets.MLP.initialized((2, 3, 120), ("tanh",), "regression",
                                   rng=np.random.default_rng(0))
        model = nets.load_model(nets.save_net(tmp_path / "reg120.npz", net))
        targets = nets.prediction_frame(model.predict(np.zeros((2, 2))), np.zeros((2, 120)))
    frame = pd.read_csv(tmp_path / "p.csv")
    assert list(frame.columns) == ["prediction", *(f"p_{c}" for c in range(120)), "label"]
    assert len(frame) == json.loads(out)["n"] == 300  # the test split
    np.testing.assert_allclose(frame.filter(like="p_").sum(axis=1), 1.0, rtol=1e-5)
    assert list(targets.columns)[119:122] == ["prediction_119", "target_0", "target_1"]


def test_a_csv_first_row_is_a_header_or_data_never_a_guess(saved_model, tmp_path, capsys):
    path, X_raw, _ = saved_model("regression")  # features a, b, c
    rows = "\n".join(",".join(map(str, r)) for r in X_raw[:3])
    for text, message in [
            ("1000,NA,-3\n" + rows, "row 1 mixes numbers and text"),  # a gap, not a header
            ("c,b,a_typo\n" + rows, "names c, b but not a"),  # not read by position
    ]:
        (tmp_path / "in.csv").write_text(text + "\n")
        code, out, err = run_cli(["predict", path, "--input", tmp_path / "in.csv"], capsys)
        assert (code, out) == (2, "") and message in err and err.count("\n") == 1
    # a header of numbers that names the features (years, wavelengths) is a header
    import study

    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    pd.DataFrame({"2019": X[:, 0], "2020": X[:, 1], "y": X.sum(1)}).to_csv(
        tmp_path / "years.csv", index=False)
    run = study.train_run(f"csv:{tmp_path / 'years.csv'}", nets.TrainConfig(max_epochs=2),
                          out=tmp_path / "years")
    pd.DataFrame({"2020": X[:3, 1], "2019": X[:3, 0]}).to_csv(tmp_path / "in.csv",
                                                              index=False)
    s = json.loads(run_cli(["predict", run.model_path, "--input", tmp_path / "in.csv",
                            "--json"], capsys)[1])
    assert s["n"] == 3
    np.testing.assert_allclose(s["predictions"],
                               nets.load_model(run.model_path).predict(X[:3]).values)
    # a blank line before the header: the header is still the header, not a row of data
    (tmp_path / "blank.csv").write_text("\n" + (tmp_path / "in.csv").read_text())
    code, out, err = run_cli(["predict", run.model_path, "--input", tmp_path / "blank.csv",
                              "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["predictions"] == s["predictions"]


def test_memory_layout_never_changes_a_prediction(tmp_path):
    # a DataFrame (or a CSV read into one) is Fortran-ordered: it took another BLAS path
    from sklearn.datasets import load_digits

    import study

    run = study.train_run("digits", nets.TrainConfig(hidden=(8,), max_epochs=1),
                          out=tmp_path / "d")
    model = nets.load_model(run.model_path)
    raw = load_digits().data[:300]
    c = model.predict(np.ascontiguousarray(raw)).probabilities
    for other in (np.asfortranarray(raw), pd.DataFrame(raw, columns=model.feature_names)):
        np.testing.assert_array_equal(model.predict(other).probabilities, c)
    # the loader made up px0..px63: scikit-learn's own frame (pixel_0_0...) is by position
    # (it was refused: "the table has no column 'px0'")
    frame = load_digits(as_frame=True).data.iloc[:300]
    np.testing.assert_array_equal(model.predict(frame).probabilities, c)
    np.testing.assert_array_equal(model.predict(frame.iloc[7]).probabilities,
                                  model.predict(raw[7:8]).probabilities)  # a row alone


def test_a_csv_header_x1_x2_is_the_files_own_names(tmp_path):
    # made-up-looking names from a CSV's own header are matched by name: a reordered frame
    # was fed by position (half the predictions flipped), and a frame with the target
    # column was refused
    import study

    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2)) * [1, 100]
    table = pd.DataFrame({"x1": X[:, 0], "x2": X[:, 1], "y": (X[:, 0] > 0).astype(int)})
    table.to_csv(tmp_path / "t.csv", index=False)
    run = study.train_run(f"csv:{tmp_path / 't.csv'}", nets.TrainConfig(max_epochs=5),
                          out=tmp_path / "m")
    model = nets.load_model(run.model_path)
    want = model.predict(X).probabilities
    for frame in (table[["x2", "x1"]], table, table.iloc[:1]):
        np.testing.assert_array_equal(model.predict(frame).probabilities,
                                      model.predict(X[:len(frame)]).probabilities)
    # so through a dataset: a file with the columns reordered is taken by name, never fed
    # by position (accuracy 0.95 became 0.28); QA: it was refused, where --input and a
    # DataFrame take any order
    import data

    table[["x2", "x1", "y"]].to_csv(tmp_path / "r.csv", index=False)
    pred, truth = nets.predict_dataset(model, data.load(f"csv:{tmp_path / 'r.csv'}"))
    same, same_truth = nets.predict_dataset(model, data.load(f"csv:{tmp_path / 't.csv'}"))
    np.testing.assert_array_equal(pred.probabilities, same.probabilities)
    np.testing.assert_array_equal(truth, same_truth)
    # a model saved before the flag: its csv: dataset (without header=no) tells the same
    meta = {k: v for k, v in model.meta.items() if k != "named_features"}
    old = dataclasses.replace(model, meta=meta)
    np.testing.assert_array_equal(old.predict(table[["x2", "x1"]]).probabilities, want)


def test_a_header_naming_none_of_the_features_is_refused(saved_model, tmp_path, capsys):
    # C, A, B (reordered, another case) was read by position: one class for every row, exit 0
    path, X_raw, _ = saved_model("multiclass")  # features a, b, c
    model = nets.load_model(path)
    table = pd.DataFrame(X_raw[:, [2, 0, 1]], columns=["C", "A", "B"])
    table.to_csv(tmp_path / "upper.csv", index=False)
    code, out, err = run_cli(["predict", path, "--input", tmp_path / "upper.csv"], capsys)
    assert (code, out, err) == (2, "", (
        f"hplab predict: error: the header of {tmp_path / 'upper.csv'} names none of the "
        "model's features (C, A, B); the model takes a, b, c: name them, or give the values "
        "without column names, in that order\n"))
    with pytest.raises(ValueError, match=r"^the table names none of the model's features "
                                         r"\(C, A, B\); the model takes a, b, c"):
        model.predict(table)
    # the same numbers in the model's order without a header are data, by position
    table.iloc[:, [1, 2, 0]].to_csv(tmp_path / "bare.csv", index=False, header=False)
    code, out, err = run_cli(["predict", path, "--input", tmp_path / "bare.csv", "--json",
                              "--limit", "-1"], capsys)
    assert code == 0, err
    np.testing.assert_array_equal(json.loads(out)["probabilities"],
                                  model.predict(X_raw).probabilities)


def test_made_up_names_follow_one_rule_in_python_and_the_cli(saved_model, tmp_path, capsys):
    # a model with made-up names x1, x2, x3 (a headerless file's): columns x3, x1, x2 went
    # by position in Python and by name in the CLI; now by name in both, and columns
    # named otherwise by position in both
    path, X_raw, _ = saved_model("multiclass")
    net, header, extra = nets.load_net(path)
    meta = {**header["meta"], "feature_names": ["x1", "x2", "x3"], "named_features": False}
    made_up = nets.save_net(tmp_path / "x" / "model.npz", net, config=header["config"],
                            meta=meta, arrays=extra)
    model = nets.load_model(made_up)
    want = model.predict(X_raw).probabilities
    assert not np.array_equal(model.predict(X_raw[:, [2, 0, 1]]).probabilities, want)
    frames = {"named.csv": pd.DataFrame(X_raw[:, [2, 0, 1]], columns=["x3", "x1", "x2"]),
              "other.csv": pd.DataFrame(X_raw, columns=["p", "q", "r"])}
    # QA: names of their own (p, q, r) were read by position without a word: a warning
    by_position = "input columns (p, q, r) are read by position: the model was trained " \
                  "without column names"
    for name, frame in frames.items():
        frame.to_csv(tmp_path / name, index=False)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            np.testing.assert_array_equal(model.predict(frame).probabilities, want)
        said = [str(w.message) for w in caught]
        assert said == ([by_position] if name == "other.csv" else []), said
        code, out, err = run_cli_as_program(["predict", made_up, "--input", tmp_path / name,
                                             "--json", "--limit", "-1"], capsys)
        assert code == 0, err
        assert err == (f"hplab predict: warning: {by_position}\n" if name == "other.csv"
                       else ""), err
        np.testing.assert_array_equal(json.loads(out)["probabilities"], want)
    # numbers (a DataFrame's own 0, 1, 2, written as a header) are positions already
    pd.DataFrame(X_raw).to_csv(tmp_path / "numbers.csv", index=False)
    code, _, err = run_cli_as_program(["predict", made_up, "--input",
                                       tmp_path / "numbers.csv", "--header", "yes"], capsys)
    assert (code, err) == (0, ""), err
    # naming some of them: refused both ways, not guessed at
    partial = frames["other.csv"].rename(columns={"q": "x2"})
    partial.to_csv(tmp_path / "partial.csv", index=False)
    with pytest.raises(ValueError, match="^the table names x2 but not x1, x3; the model takes "
                                         "x1, x2, x3"):
        model.predict(partial)
    code, out, err = run_cli(["predict", made_up, "--input", tmp_path / "partial.csv"], capsys)
    assert (code, out) == (2, "")
    assert f"the header of {tmp_path / 'partial.csv'} names x2 but not x1, x3" in err


def test_a_wide_header_missing_one_feature_says_which_in_one_short_line(tmp_path, capsys):
    # QA: 1,999 of 2,000 features named: the error listed all 1,999 (14,000 characters)
    names = [f"f{i}" for i in range(2000)]
    cfg = nets.TrainConfig(hidden=(2,), head="regression", max_epochs=1)
    net = nets.build_net(cfg, 2000, np.zeros(4), rng=np.random.default_rng(0))
    path = nets.save_net(tmp_path / "wide" / "model.npz", net, config=cfg.to_dict(),
                         meta={"dataset": "wide", "task": "regression", "classes": [],
                               "seed": 0, "feature_names": names, "y_shift": 0.0,
                               "y_scale": 1.0},
                         arrays={"x_shift": np.zeros(2000), "x_scale": np.ones(2000)})
    frame = pd.DataFrame(np.zeros((2, 2000)), columns=[*names[:-1], "extra"])
    frame.to_csv(tmp_path / "less.csv", index=False)
    code, out, err = run_cli(["predict", path, "--input", tmp_path / "less.csv"], capsys)
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert (f"the header of {tmp_path / 'less.csv'} names f0, f1, f2, f3, f4, ... (1999 in "
            "all) but not f1999; the model takes f0, f1, f2, f3, f4, ... (2000 in all): name "
            "every one (not the model's: extra)\n") in err
    assert len(err) < 400 + len(str(tmp_path))


def test_nullable_columns_are_numbers(saved_model):
    # df.convert_dtypes() (Float64, Int64) was refused: "inputs must be numbers, got dtype
    # object"
    path, X_raw, _ = saved_model("regression")
    model = nets.load_model(path)
    table = pd.DataFrame(X_raw, columns=["a", "b", "c"])
    want = model.predict(X_raw).values
    nullable = table.convert_dtypes()
    assert list(nullable.dtypes.astype(str)) == ["Float64"] * 3
    np.testing.assert_array_equal(model.predict(nullable).values, want)
    np.testing.assert_array_equal(model.predict(nullable[["c", "a", "b"]].iloc[3]).values,
                                  model.predict(X_raw[3:4]).values)  # a row alone
    whole = table.round()
    np.testing.assert_array_equal(model.predict(whole.astype("Int64")).values,
                                  model.predict(whole.to_numpy()).values)
    nullable.iloc[2, 1] = pd.NA  # missing: refused as NaN is
    with pytest.raises(ValueError, match=r"^inputs contain NaN or infinite values \(first in "
                                         r"row 2\)$"):
        model.predict(nullable)


def test_a_csv_with_another_separator_is_named(saved_model, tmp_path, capsys):
    path, X_raw, _ = saved_model("binary")  # features a, b, c
    table = pd.DataFrame(X_raw, columns=["a", "b", "c"])
    # a ;- or tab-separated file was "1 columns; the model takes 3"
    for name, sep, shown, looks in (("semi.csv", ";", "';'", ";-separated"),
                                    ("tab.csv", "\t", "'\\t'", "tab-separated")):
        table.to_csv(tmp_path / name, sep=sep, index=False)
        code, out, err = run_cli(["predict", path, "--input", tmp_path / name], capsys)
        assert (code, out) == (2, "") and err.count("\n") == 1
        assert err.startswith(f"hplab predict: error: {tmp_path / name}: the file looks "
                              f"{looks} (first row {sep.join('abc')!r}), and hplab reads "
                              "comma-separated CSV: convert it")
        # data's note, whose loaders say the same (Excel writes either where 0,5 is)
        assert err.endswith(f"pd.read_csv(PATH, sep={shown}).to_csv(NEW, index=False) (with "
                            "decimal=',' for numbers written 0,5)\n")


def test_columns_the_model_does_not_take_may_repeat(saved_model, tmp_path, capsys):
    # they are ignored: this was refused as "column note appears twice"
    path, X_raw, _ = saved_model("binary")  # features a, b, c
    pd.DataFrame(np.c_[X_raw, X_raw[:, :2]], columns=["a", "b", "c", "note", "note"]).to_csv(
        tmp_path / "notes.csv", index=False)
    code, out, err = run_cli(["predict", path, "--input", tmp_path / "notes.csv", "--json",
                              "--limit", "-1"], capsys)
    assert code == 0, err
    np.testing.assert_array_equal(json.loads(out)["probabilities"],
                                  nets.load_model(path).predict(X_raw).probabilities)


def test_one_row_of_a_table_with_a_text_column(saved_model):
    # df.iloc[0] of a table with a label column is all objects: it was refused as
    # "inputs must be numbers, got dtype object"
    path, X_raw, _ = saved_model("multiclass")
    model = nets.load_model(path)
    table = pd.DataFrame(X_raw, columns=["a", "b", "c"]).assign(label="cat")
    want = model.predict(X_raw[:1]).probabilities
    np.testing.assert_array_equal(model.predict(table.iloc[0]).probabilities, want)
    np.testing.assert_array_equal(model.predict(table.iloc[0][["a", "b", "c"]]).probabilities,
                                  want)


def test_numeric_headers_in_prediction_inputs(tmp_path, capsys):
    import study

    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    pd.DataFrame(np.c_[X, X[:, 0] > 0]).to_csv(tmp_path / "d.csv", index=False, header=False)
    run = study.train_run(f"csv:{tmp_path / 'd.csv'}?header=no",
                          nets.TrainConfig(max_epochs=1), out=tmp_path / "no")
    # pandas' default header 0, 1, 2 was scored as a fourth example
    pd.DataFrame(X[:3]).to_csv(tmp_path / "in.csv", index=False)
    code, out, err = run_cli(["predict", run.model_path, "--input", tmp_path / "in.csv"],
                             capsys)
    assert code == 2 and "row 1 is 0, 1, 2...: pandas' default column names" in err
    # names that are numbers match as numbers: 400.0 is the feature 400
    frame = pd.DataFrame(X, columns=["400", "450.5", "2019"])
    frame.assign(y=X[:, 0] > 0).to_csv(tmp_path / "y.csv", index=False)
    run = study.train_run(f"csv:{tmp_path / 'y.csv'}?header=yes",
                          nets.TrainConfig(max_epochs=1), out=tmp_path / "yes")
    (tmp_path / "in.csv").write_text("2019.0,400.0,450.50\n" + "\n".join(
        f"{c},{a},{b}" for a, b, c in X[:3]) + "\n")
    code, out, err = run_cli(["predict", run.model_path, "--input", tmp_path / "in.csv",
                              "--json"], capsys)
    assert code == 0, err
    s = json.loads(out)
    assert s["n"] == 3
    np.testing.assert_array_equal(
        s["probabilities"], nets.load_model(run.model_path).predict(X[:3]).probabilities)


def _trained_on_csv(path, out, capsys) -> nets.SavedModel:
    """The model `hplab train` saves in ``out`` for the CSV file at ``path`` (4 hidden
    units, 3 epochs, no report)."""
    code, stdout, err = run_cli(["train", "--dataset", f"csv:{path}", "--hidden", "4",
                                 "--epochs", "3", "--out", out, "--no-report", "--json"],
                                capsys)
    assert code == 0, err
    return nets.load_model(json.loads(stdout)["model_path"])


def test_a_header_np_savetxt_wrote_picks_the_columns_as_in_training(tmp_path, capsys):
    # QA: a model trained on np.savetxt's "# a,b,c,y" took features "# a", b, c, and
    # refused an input headed a,b,c; an input saved by np.savetxt is read as numpy reads it
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 3))
    np.savetxt(tmp_path / "d.csv", np.c_[X, X[:, 0] > 0], delimiter=",", header="a,b,c,y")
    model = _trained_on_csv(tmp_path / "d.csv", tmp_path / "run", capsys)
    assert model.feature_names == ("a", "b", "c")
    want = model.predict(X[:5]).probabilities
    assert want.shape == (5, 2) and len(np.unique(want)) == 10  # ten numbers, not one
    np.savetxt(tmp_path / "hash.csv", X[:5, [2, 0, 1]], delimiter=",", header="c,a,b")
    pd.DataFrame(X[:5], columns=list("abc")).to_csv(tmp_path / "plain.csv", index=False)
    for name in ("hash.csv", "plain.csv", "d.csv"):  # d.csv: its target column left aside
        code, out, err = run_cli(["predict", model.path, "--input", tmp_path / name, "--json",
                                  "--limit", "5"], capsys)
        assert code == 0, (name, err)
        np.testing.assert_array_equal(json.loads(out)["probabilities"], want)
    np.testing.assert_array_equal(nets.read_inputs(tmp_path / "hash.csv", model), X[:5])
    from data._csv_checks import without_comment_mark as data_copy
    from nets._csv_text import without_comment_mark as nets_copy

    # nets cannot import data: its copy names a header as data's does
    for names, read in ((["# a", "b"], ["a", "b"]), (["#a", "b"], ["a", "b"]),
                        (["#", "b"], ["#", "b"]), (["a#", "#b"], ["a#", "#b"]), ([], [])):
        assert nets_copy(names) == read and data_copy(names) == read


def test_a_wide_csv_header_in_any_order_is_matched_name_by_name_once(tmp_path, monkeypatch):
    # MNIST-sized inputs: each feature's name was looked up in the header's names keyed
    # anew (20 rows of 4096 columns took 49 s), and a table's columns in lists
    from nets import _column_names

    d, rng = 3000, np.random.default_rng(0)
    names = [f"px{i}" for i in range(d)]
    cfg = nets.TrainConfig(hidden=(4,), head="multiclass")
    net = nets.build_net(cfg, d, np.arange(30) % 3, rng=np.random.default_rng(1), n_classes=3)
    meta = {"task": "multiclass", "classes": ["a", "b", "c"], "feature_names": names,
            "named_features": True}
    path = nets.save_net(tmp_path / "m.npz", net, config=cfg.to_dict(), meta=meta,
                         arrays={"x_shift": rng.normal(size=d),
                                 "x_scale": rng.uniform(0.5, 2, size=d)})
    model = nets.load_model(path)
    X = rng.integers(0, 256, size=(20, d)).astype(np.float64)  # pixels: exact as text
    order = rng.permutation(d)
    table = pd.DataFrame(X[:, order], columns=[names[i] for i in order]).assign(label="a")
    table.to_csv(tmp_path / "in.csv", index=False)
    keyed = []
    name_key = _column_names.name_key
    monkeypatch.setattr(_column_names, "name_key",  # every match goes through key_for
                        lambda n, compose=True: keyed.append(n) or name_key(n, compose))
    read = nets.read_inputs(tmp_path / "in.csv", model)
    assert len(keyed) <= 4 * (d + 1)  # every name a few times, not once per feature (9e6)
    assert read.dtype == np.float64
    np.testing.assert_array_equal(read, X)  # the model's order, not the file's
    want = model.predict(X).probabilities
    np.testing.assert_array_equal(model.predict(read).probabilities, want)
    np.testing.assert_array_equal(model.predict(table).probabilities, want)


def test_a_model_finds_its_file_dataset_from_any_folder(tmp_path, capsys, monkeypatch):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 2))
    for folder, labels in (("here", ("no", "yes")), ("elsewhere", ("cat", "dog"))):
        (tmp_path / folder).mkdir()
        pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "label": np.array(labels)[
            (X[:, 0] > 0).astype(int)]}).to_csv(tmp_path / folder / "base.csv", index=False)
    monkeypatch.chdir(tmp_path / "here")
    code, _, err = run_cli(["train", "--dataset", "csv:base.csv?target=label", "--epochs", "2",
                            "--no-report", "--out", "run", "--json"], capsys)
    assert code == 0, err
    config = json.loads((tmp_path / "here" / "run" / "config.json").read_text())
    mine = f"csv:{tmp_path / 'here' / 'base.csv'}?target=label"
    # absolute, as the model's: the record is read from other folders too (was as typed)
    assert config["dataset"] == mine
    assert nets.load_model("run/model.npz").meta["dataset"] == mine
    # another folder, and another base.csv in it: the model's own data all the same
    monkeypatch.chdir(tmp_path / "elsewhere")
    code, out, err = run_cli(["predict", tmp_path / "here" / "run" / "model.npz", "--dataset",
                              "--json"], capsys)
    assert code == 0, err
    s = json.loads(out)
    assert s["dataset"] == mine and s["n"] == 20 and s["classes"] == ["no", "yes"]


def test_predict_warns_when_the_models_data_file_changed(tmp_path, capsys, monkeypatch):
    # in a folder whose name holds ESC [2J (clear the screen): the warning names the
    # model's data file as the model wrote it, and printed it raw
    tmp_path = tmp_path / "d\x1b[2J"
    tmp_path.mkdir()
    rng = np.random.default_rng(1)
    X = rng.normal(size=(60, 2))
    table = pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "label": (X[:, 0] > 0).astype(int)})
    table.to_csv(tmp_path / "data.csv", index=False)
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(["train", "--dataset", "csv:data.csv", "--epochs", "5", "--out",
                            "run", "--no-report", "--json"], capsys)
    assert code == 0, err
    fingerprint = data.load("csv:data.csv", seed=0).fingerprint()
    before = data.load("csv:data.csv?scaling=none", seed=0)
    seen = {tuple(r) for r in np.vstack([before.X_train, before.X_val])}
    assert nets.load_model("run/model.npz").meta["data_fingerprint"] == fingerprint

    def predict(*flags):
        code, out, err = run_cli(["predict", "run/model.npz", *flags, "--json"], capsys)
        assert code == 0, err
        return json.loads(out), err

    s, err = predict("--dataset")
    assert s["data_changed"] is False and err == ""
    # the same rows in reverse order: another split, whose 12 test rows the net trained
    # (or validated) on, scored as "the held-out split" without a word
    table.iloc[::-1].to_csv(tmp_path / "data.csv", index=False)
    moved = data.load("csv:data.csv?scaling=none", seed=0)
    assert sum(tuple(r) in seen for r in moved.X_test) == len(moved.X_test) == 12
    warning = ("hplab predict: warning: {} is not the data run/model.npz was trained on "
               "(another fingerprint): its test split is not the held-out one, and the "
               "scores may count training rows\n")
    shown = f"csv:{tmp_path / 'data.csv'}".replace("\x1b", "\\x1b")
    for flags, name in ((["--dataset"], shown),
                        (["--dataset", "csv:data.csv"], "csv:data.csv"),
                        (["--dataset", "csv:./data.csv", "--seed", "0"], "csv:./data.csv")):
        s, err = predict(*flags)
        assert s["data_changed"] is True and s["n"] == 12
        assert s["accuracy"] is not None and err == warning.format(name)
    # another split asked for, or other data: no held-out split was promised, no warning
    s, err = predict("--dataset", "--seed", "3")
    assert s["data_changed"] is None and err == ""
    # a model saved before fingerprints were recorded loads and predicts as it did
    net, header, extra = nets.load_net("run/model.npz")
    meta = {k: v for k, v in header["meta"].items() if k != "data_fingerprint"}
    nets.save_net("run/model.npz", net, config=header["config"], meta=meta, arrays=extra)
    s, err = predict("--dataset")
    assert s["data_changed"] is None and err == "" and s["n"] == 12


def test_class_codes_come_back_as_written(tmp_path, capsys):
    import io

    # codes 001, 010, 100 were read as numbers: predictions 1, columns p_1, p_10
    rng = np.random.default_rng(0)
    X = rng.normal(size=(150, 2))
    codes = np.array(["001", "010", "100"])[(X[:, 0] > 0).astype(int) + (X[:, 1] > 0)]
    pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "code": codes}).to_csv(tmp_path / "c.csv",
                                                                    index=False)
    pd.DataFrame({"a": X[:4, 0], "b": X[:4, 1]}).to_csv(tmp_path / "in.csv", index=False)
    code, _, err = run_cli(["train", "--dataset", f"csv:{tmp_path / 'c.csv'}", "--epochs", "2",
                            "--no-report", "--out", tmp_path / "run"], capsys)
    assert code == 0, err
    model = nets.load_model(tmp_path / "run" / "model.npz")
    assert model.classes == ("001", "010", "100")  # through the saved header's JSON
    code, out, err = run_cli(["predict", model.path, "--input", tmp_path / "in.csv", "--json",
                              "--out", tmp_path / "p.csv"], capsys)
    assert code == 0, err
    s = json.loads(out)
    assert s["classes"] == ["001", "010", "100"] and set(s["predictions"]) <= set(codes)
    frame = pd.read_csv(tmp_path / "p.csv", dtype={"prediction": str})
    assert list(frame.columns) == ["prediction", "p_001", "p_010", "p_100"]
    assert frame["prediction"].tolist() == s["predictions"]
    code, out, err = run_cli(["predict", model.path, "--dataset", "--out", "-"], capsys)
    assert code == 0, err  # its own data: the true labels as written too
    frame = pd.read_csv(io.StringIO(out), dtype=str)
    assert len(frame) == 30 and set(frame["label"]) == set(codes)


def test_a_model_saved_before_codes_kept_their_text_scores_its_data(tmp_path, capsys):
    # a model trained when 001 loaded as 1 was refused on its own data: "has classes the
    # model does not know (001, 010, 100)"
    rng = np.random.default_rng(0)
    X = rng.normal(size=(150, 2))
    k = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0)
    path = tmp_path / "c.csv"
    pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "code": np.array([1, 10, 100])[k]}).to_csv(
        path, index=False)
    assert run_cli(["train", "--dataset", f"csv:{path}", "--epochs", "2", "--no-report",
                    "--out", tmp_path / "run"], capsys)[0] == 0
    before = json.loads(run_cli(["predict", tmp_path / "run" / "model.npz", "--dataset",
                                 "--json"], capsys)[1])
    path.write_text(path.read_text().replace(",100\n", ",C\n").replace(",10\n", ",010\n")
                    .replace(",1\n", ",001\n").replace(",C\n", ",100\n"))  # as codes now
    code, out, err = run_cli(["predict", tmp_path / "run" / "model.npz", "--dataset",
                              "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["accuracy"] == before["accuracy"]
    # codes whose text sorts otherwise than their numbers (+1 before -1): the stratified
    # split followed the text order, and the old model was scored on its training rows
    signs = tmp_path / "s.csv"
    pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "y": np.where(k > 0, 1, -1)}).to_csv(
        signs, index=False)
    assert run_cli(["train", "--dataset", f"csv:{signs}", "--epochs", "2", "--no-report",
                    "--out", tmp_path / "signs"], capsys)[0] == 0
    old = data.load(f"csv:{signs}")
    before = json.loads(run_cli(["predict", tmp_path / "signs" / "model.npz", "--dataset",
                                 "--json"], capsys)[1])
    signs.write_text(signs.read_text().replace(",1\n", ",+1\n"))
    new = data.load(f"csv:{signs}")
    assert new.classes == ("-1", "+1") and old.classes == (-1, 1)
    np.testing.assert_array_equal(new.X_test, old.X_test)
    np.testing.assert_array_equal(new.y_train, old.y_train)
    code, out, err = run_cli(["predict", tmp_path / "signs" / "model.npz", "--dataset",
                              "--json"], capsys)
    assert code == 0 and json.loads(out)["accuracy"] == before["accuracy"], err


def test_a_model_without_feature_names_takes_a_frame_by_position():
    # feature_columns matched every one of no names and took no column: shape (1, 0)
    net = nets.MLP.initialized((2, 3, 1), ("tanh",), "regression",
                               rng=np.random.default_rng(0))
    model = nets.SavedModel("m", net, {}, None, None)
    frame = pd.DataFrame({"a": [1.0], "b": [2.0]})
    np.testing.assert_array_equal(model.predict(frame).values,
                                  model.predict(frame.to_numpy()).values)


def test_a_header_of_numbers_in_another_order_is_refused_not_taken(tmp_path, capsys):
    # features named 0 and 1 (pandas' default header): a first row 1,0 was taken as a
    # header, the row lost and the columns swapped
    X = np.random.default_rng(0).integers(0, 2, (200, 2)).astype(float)
    frame = pd.DataFrame(X)
    frame.assign(y=(X[:, 0] != X[:, 1]).astype(int)).to_csv(tmp_path / "b.csv", index=False)
    assert run_cli(["train", "--dataset", f"csv:{tmp_path / 'b.csv'}?header=yes", "--epochs",
                    "1", "--no-report", "--out", tmp_path / "run"], capsys)[0] == 0
    (tmp_path / "in.csv").write_text("1,0\n1,0\n0,1\n")
    code, _, err = run_cli(["predict", tmp_path / "run" / "model.npz", "--input",
                            tmp_path / "in.csv"], capsys)
    assert code == 2 and "row 1 (1, 0) is numbers that also name the model's features: a " \
        "header or data? say which: --header yes or no" in err
    # its own training file, target column and all, is a header in the model's order
    code, out, err = run_cli(["predict", tmp_path / "run" / "model.npz", "--input",
                              tmp_path / "b.csv", "--json"], capsys)
    assert code == 0 and json.loads(out)["n"] == 200, err
    # a one-feature model is told of another separator too
    (tmp_path / "one.csv").write_text("x,y\n" + "".join(f"{v},{int(v > 0)}\n"
                                                        for v in (-2, -1, 1, 2) * 10))
    assert run_cli(["train", "--dataset", f"csv:{tmp_path / 'one.csv'}", "--epochs", "1",
                    "--no-report", "--out", tmp_path / "one"], capsys)[0] == 0

    def refusal(name):  # predict's one-line error for input file ``name``
        code, _, err = run_cli(["predict", tmp_path / "one" / "model.npz", "--input",
                                tmp_path / name], capsys)
        assert code == 2
        return err

    import data._csv_checks
    import nets._csv_text

    assert nets._csv_text.OTHER_SEPARATORS == data._csv_checks.OTHER_SEPARATORS

    def as_data_says(name):  # nets cannot import data: its copy of the checks says the same
        with pytest.raises(data.DataError) as said:
            data.load(f"csv:{tmp_path / name}")
        assert refusal(name) == f"hplab predict: error: {said.value}\n"
        return str(said.value)

    (tmp_path / "semi.csv").write_text("1;0\n2;1\n")
    assert as_data_says("semi.csv") == (
        f"{tmp_path / 'semi.csv'}: the file looks ;-separated (first row '1;0'), and hplab "
        "reads comma-separated CSV: convert it, e.g. pd.read_csv(PATH, sep=';').to_csv(NEW, "
        "index=False) (with decimal=',' for numbers written 0,5)")
    # ... and of the commas a Chinese input method types (QA: a header of one name)
    for sep, name in (("\uff0c", "full-width"), ("\u3001", "ideographic")):
        (tmp_path / "zh.csv").write_text(f"x{sep}\u7c7b\u522b\n1{sep}0\n", encoding="utf-8")
        assert as_data_says("zh.csv") == (
            f"{tmp_path / 'zh.csv'}: the file looks separated by {name} commas '{sep}' (first "
            f"row 'x{sep}\u7c7b\u522b'), and hplab reads comma-separated CSV: convert it, e.g. "
            f"pd.read_csv(PATH, sep='{sep}', engine='python').to_csv(NEW, index=False)")
    # Excel's separator hint line: predict read "sep=," as a header ("line 2 has 'x' in
    # column sep=, not a number"); "sep=;" told to delete it, then refused the separator
    (tmp_path / "hint.csv").write_text("sep=,\nx\n1\n-2\n")
    assert as_data_says("hint.csv") == (f"{tmp_path / 'hint.csv'}: line 1 ('sep=,') is "
                                        "Excel's separator hint, not the header: delete that "
                                        "line")
    for sep, name, option in ((";", ";-separated", "sep=';'"), ("|", "|-separated", "sep='|'")):
        (tmp_path / "hint.csv").write_text(f"sep={sep}\nx{sep}y\n" + "".join(
            f"{v}{sep}{int(v > 0)}\n" for v in range(-10, 11) if v))
        decimal = " (with decimal=',' for numbers written 0,5)" if sep == ";" else ""
        assert as_data_says("hint.csv") == (
            f"{tmp_path / 'hint.csv'}: line 1 ('sep={sep}') is Excel's separator hint: the "
            f"file is {name}, and hplab reads comma-separated CSV: convert it, e.g. "
            f"pd.read_csv(PATH, {option}, skiprows=1).to_csv(NEW, index=False){decimal}")
        # ... which reads the file as it was meant
        pd.read_csv(tmp_path / "hint.csv", sep=sep, skiprows=1).to_csv(
            tmp_path / "fixed.csv", index=False)
        assert data.load(f"csv:{tmp_path / 'fixed.csv'}").n_features == 1
    # QA: a GBK file (Excel on Chinese Windows) was "'utf-8' codec can't decode byte 0xd7"
    (tmp_path / "gbk.csv").write_bytes("x\n1\n-2\n\u7acb\n".encode("gbk"))
    as_data_says("gbk.csv")
    err = refusal("gbk.csv")
    assert err == (
        f"hplab predict: error: {tmp_path / 'gbk.csv'}: not UTF-8 text (line 4); save it as "
        "UTF-8 (Excel: CSV UTF-8), e.g. pd.read_csv(PATH, encoding='ENC').to_csv(NEW, "
        "index=False) or iconv -f ENC -t UTF-8 PATH > NEW, ENC being the file's encoding: gbk "
        "from Excel on Chinese Windows, cp1252 from Excel in Western Europe and the Americas\n")
    # QA: a latin-1 file was told gbk too, which garbles it without an error
    (tmp_path / "l1.csv").write_bytes("x\n1\n\u00e9\n".encode("latin-1"))
    err = refusal("l1.csv")
    assert "(line 3)" in err and "encoding='ENC'" in err and "GBK" not in err
    # QA: UTF-16 (Excel's "Unicode Text") was told gbk, which fails; with a BOM or without
    for codec, iconv in (("utf-16", "UTF-16"), ("utf-16-le", "UTF-16LE")):
        (tmp_path / "u.csv").write_text("x\n1\n-2\n", encoding=codec)
        as_data_says("u.csv")
        err = refusal("u.csv")
        assert err == (
            f"hplab predict: error: {tmp_path / 'u.csv'}: UTF-16 text, not UTF-8; save it as "
            f"UTF-8 (Excel: CSV UTF-8), e.g. pd.read_csv(PATH, encoding='{codec}').to_csv(NEW, "
            f"index=False) or iconv -f {iconv} -t UTF-8 PATH > NEW\n")
    # a line holding a quoted blank is a row (of missing values), named by its line: the
    # lines after it were counted one late
    (tmp_path / "qb.csv").write_text('x\n1\n""\n2\n')
    assert "line 3 has a missing, empty, NaN or infinite value" in refusal("qb.csv")
    # ...tab-separated, as Excel writes it: the advice reads the tabs too
    (tmp_path / "t.csv").write_text("x\ty\n1\t0\n", encoding="utf-16")
    as_data_says("t.csv")
    assert refusal("t.csv").endswith("UTF-16 text separated by tabs, not a UTF-8 CSV; convert "
                                     "it, e.g. pd.read_csv(PATH, encoding='utf-16', sep='\\t')"
                                     ".to_csv(NEW, index=False)\n")


def test_dataset_rule_and_scores_match_training(tmp_path, capsys):
    import study

    cfg = nets.TrainConfig(hidden=(6,), activation=("tanh",), lr=0.5, batch_size=32,
                           max_epochs=3)
    run = study.train_run("coin", cfg, seed=0, out=tmp_path / "coin")
    code, out, err = run_cli(["predict", run.model_path, "--dataset", "--json"], capsys)
    assert code == 0, err
    s = json.loads(out)
    assert (s["dataset"], s["split"], s["data_seed"], s["n"]) == ("coin", "test", 0, 500)
    assert s["accuracy"] == pytest.approx(run.test_metrics["test_accuracy"], abs=1e-12)
    # QA: the report's "Test loss" could not be checked from the command line
    assert s["loss"] == run.test_metrics["test_loss"]
    assert s["n_shown"] == 20 and s["rmse"] is None
    # QA: the table's label column was not in --json: the truth of the 20 rows shown
    truth = np.array(run.dataset.classes, dtype=object)[run.dataset.y_test]
    assert s["labels"] == truth[:20].tolist() and set(s["labels"]) == {1, 2, 3}
    code, out, err = run_cli(["predict", run.model_path, "--dataset", "--json", "--limit",
                              "-1"], capsys)
    every = json.loads(out)
    assert code == 0 and every["labels"] == truth.tolist()  # the accuracy is theirs
    assert every["accuracy"] == np.mean(np.array(every["predictions"]) == truth) == s["accuracy"]
    # another seed scales the data differently: its test split is mapped back to raw
    # values and scaled with the model's own scaling
    import data

    model = nets.load_model(run.model_path)
    other = data.load("coin", seed=1)
    assert not np.array_equal(other.x_shift, model.x_shift)
    pred, truth = nets.predict_dataset(model, other)
    direct = model.predict(other.X_test.astype(np.float64) * other.x_scale + other.x_shift)
    np.testing.assert_array_equal(pred.probabilities, direct.probabilities)
    assert list(truth) == list(np.array(other.classes, dtype=object)[other.y_test])
    code, out, _ = run_cli(["predict", run.model_path, "--dataset", "coin", "--seed", "1",
                            "--json"], capsys)
    assert json.loads(out)["accuracy"] == pytest.approx(np.mean(pred.labels == truth))
    # the loss of another seed's split too, its rows in the model's scaling
    p_true = pred.probabilities[np.arange(len(truth)), [model.classes.index(t) for t in truth]]
    assert json.loads(out)["loss"] == pytest.approx(-np.mean(np.log(p_true)), rel=1e-5)
    np.save(tmp_path / "x.npy", other.X_test[:3].astype(np.float64) * other.x_scale
            + other.x_shift)
    code, out, _ = run_cli(["predict", run.model_path, "--input", tmp_path / "x.npy",
                            "--json"], capsys)
    assert code == 0 and json.loads(out)["loss"] is None  # no truth, no loss
    # data whose labels the model cannot predict: refused, not scored as 0 or 1/3
    for other in ("spirals", "moons"):
        code, out, err = run_cli(["predict", run.model_path, "--dataset", other], capsys)
        assert code == 2 and out == "" and err.count("\n") == 1
        assert "has classes the model does not know (0); the model predicts 1, 2, 3" in err


@pytest.mark.parametrize(("raw_dtype", "scaling", "net_dtype"), [
    ("uint8", "standard", "float32"), ("uint8", "minmax", "float64"),
    ("float32", "standard", "float32"), ("float64", "minmax", "float64")])
def test_raw_rows_scale_to_the_datasets_bits(tmp_path, raw_dtype, scaling, net_dtype):
    # data and a saved model scale with one arithmetic: the dataset's test rows and the
    # same rows given raw score bit for bit alike (uint8 once took a float32 path in data)
    import data
    import study

    rng = np.random.default_rng(1)
    raw = {k: (rng.integers(0, 256, (n, 5)) if raw_dtype == "uint8"
               else rng.normal(50, 20, (n, 5))).astype(raw_dtype)
           for k, n in (("train", 300), ("test", 200))}
    for k in raw:
        np.savez(tmp_path / f"{k}.npz", data=raw[k], label=rng.integers(0, 2, len(raw[k])))
    ds = data.load(f"npz:{tmp_path / 'train.npz'},{tmp_path / 'test.npz'}?scaling={scaling}",
                   seed=0)
    cfg = nets.TrainConfig(hidden=(4,), activation="tanh", lr=0.1, batch_size=32,
                           max_epochs=1, dtype=net_dtype)
    model = nets.load_model(study.train_run(ds, cfg, seed=0, out=tmp_path / "m").model_path)
    assert ds.X_test.dtype == np.float32
    np.testing.assert_array_equal(model.normalize(raw["test"]), ds.X_test.astype(net_dtype))
    np.testing.assert_array_equal(
        model.predict(raw["test"]).probabilities,
        model.predict_normalized(ds.X_test.astype(net_dtype)).probabilities)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_scaling_raw_rows_is_the_one_line_formula_bit_for_bit_in_a_fraction_of_its_memory(
        saved_model, dtype):
    # QA: normalize computed ((X - shift) / scale).astype(float32): two float64 copies of
    # the input alive at once (512 MB traced for a 256 MB input); now row chunk by row chunk
    model = nets.load_model(saved_model("multiclass", dtype=dtype)[0])
    shift, scale = model.x_shift, model.x_scale
    rng = np.random.default_rng(7)
    n = 3 * 8192 + 5  # several chunks and a short last one
    inputs = [rng.normal(size=(n, 3)) * 10.0 ** rng.integers(-30, 41, (n, 3)),  # overflows
              rng.integers(-1000, 1000, (n, 3)), rng.normal(size=(n, 3)).astype(np.float32),
              np.asfortranarray(rng.normal(50, 20, (n, 3))), rng.normal(size=(1, 3)),
              np.empty((0, 3))]
    for X in inputs:
        with np.errstate(over="ignore"):
            expected = ((np.asarray(X, dtype=np.float64) - shift) / scale).astype(
                np.float32).astype(dtype)
        if not np.isfinite(expected).all():  # beyond float32 after scaling: refused
            with pytest.raises(ValueError, match="inputs overflow float32 after the model's"):
                model.normalize(X)
            X = np.clip(X, -1e30, 1e30)
            with np.errstate(over="ignore"):
                expected = ((X - shift) / scale).astype(np.float32).astype(dtype)
        got = model.normalize(X)
        assert got.dtype == dtype and got.flags.c_contiguous
        np.testing.assert_array_equal(got, expected)
        assert got.tobytes() == expected.tobytes()  # the same bits, -0.0 included
    X = rng.normal(size=(200_000, 3))  # 4.8 MB
    model.normalize(X[:1])  # pandas' import (normalize's first) is not the scaling's memory
    with traced_peak() as traced:
        result = model.normalize(X)
    peak = traced.bytes
    # the result and a check's mask (an eighth of the input); no float64 copy beside them
    assert peak < result.nbytes + X.nbytes / 2, (peak, result.nbytes, X.nbytes)


def test_overflow_names_the_float32_rounding_of_scaled_inputs(saved_model, tmp_path):
    # QA: a float64 model refused 1e40 as "inputs overflow the model's float64": 1e40 is
    # far inside float64; scaled inputs are rounded to float32 (as the training data
    # were), and that overflows, for a float64 net as for a float32 one
    for dtype in ("float64", "float32"):
        model = nets.load_model(saved_model("multiclass", dtype=dtype)[0])
        X = np.array([[0.1, 0.1, 0.1], [1e40, 0.1, 0.1]])
        assert np.isfinite((X - model.x_shift) / model.x_scale).all()  # in float64
        with pytest.raises(ValueError) as info:
            model.normalize(X)
        assert str(info.value) == (
            "inputs overflow float32 after the model's scaling, which rounds them to float32 "
            "as its training data were (first in row 1); they are far outside the training "
            "data")
    # a net saved without scaling casts to its own dtype: float64 holds 1e40
    net = nets.MLP.initialized((3, 2), [], "multiclass", rng=np.random.default_rng(0),
                               dtype=np.float64)
    model = nets.load_model(nets.save_net(tmp_path / "plain.npz", net))
    assert model.normalize(X)[1, 0] == 1e40
    net = nets.MLP.initialized((3, 2), [], "multiclass", rng=np.random.default_rng(0))
    model = nets.load_model(nets.save_net(tmp_path / "plain32.npz", net))
    with pytest.raises(ValueError, match=r"^inputs overflow float32, the model's dtype "
                                         r"\(first in row 1\); they are far outside"):
        model.normalize(X)


def test_a_model_knows_its_dataset_options_and_features(tmp_path, capsys):
    import data
    import study

    rng = np.random.default_rng(0)
    a = rng.uniform(size=400)
    pd.DataFrame({"a": a, "t1": (a > 0.5).astype(int), "t2": rng.integers(0, 2, 400)}).to_csv(
        tmp_path / "two.csv", index=False)
    # the target given as an argument is part of the name the model keeps
    ds = data.load(f"csv:{tmp_path / 'two.csv'}", seed=0, target="t1")
    assert ds.name == f"csv:{tmp_path / 'two.csv'}?target=t1"
    cfg = nets.TrainConfig(hidden=(8,), lr=0.5, batch_size=16, max_epochs=100)
    run = study.train_run(ds, cfg, seed=0, out=tmp_path / "run")
    code, out, err = run_cli(["predict", run.model_path, "--dataset", "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["accuracy"] == run.test_metrics["test_accuracy"] > 0.95
    # the same file with its default target (t2) feeds t1 in as a feature: refused
    code, out, err = run_cli(["predict", run.model_path, "--dataset",
                              f"csv:{tmp_path / 'two.csv'}"], capsys)
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert "has other features than the model: 't1' where the model has 't2'" in err
    # names a loader made up (npz's x1.., digits' own) say nothing: the same pixels score
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    np.savez(tmp_path / "dig.npz", data=X.reshape(-1, 8, 8).astype(np.uint8), label=y)
    # (40 epochs: 0.77 of digits' own right, where chance is 0.1; 100 took 2.5x as long)
    run = study.train_run(f"npz:{tmp_path / 'dig.npz'}", cfg.replace(max_epochs=40), seed=0,
                          out=tmp_path / "dig")
    pred, truth = nets.predict_dataset(nets.load_model(run.model_path), data.load("digits"))
    assert np.mean(pred.labels == truth) > 0.5
    # a column named with & or = travels percent-encoded in the name, and loads back
    pd.DataFrame({"a": a, "R&D": (a > 0.5).astype(int), "t2": 0}).to_csv(
        tmp_path / "rd.csv", index=False)
    ds = data.load(f"csv:{tmp_path / 'rd.csv'}", target="R&D")
    assert ds.name.endswith("?target=R%26D") and ds.info["target"] == "R&D"
    assert data.load(ds.name).feature_names == ds.feature_names == ("a", "t2")
    assert data.load("digits", imbalance="1:5", positive=8).name == \
        "digits?imbalance=1:5&positive=8"


def test_predict_loss_is_the_runs_test_loss_to_the_last_bit(tmp_path, capsys):
    # a float64 net's loss on targets taken to their units and scaled back differed from
    # the run's test_loss in the last bits (this run's did); it is scored as training did
    import study

    cfg = nets.TrainConfig(hidden=(6,), activation=("relu",), lr=0.3, batch_size=32,
                           max_epochs=2, dtype="float64")
    run = study.train_run("sine", cfg, seed=1, out=tmp_path / "sine")
    code, out, err = run_cli(["predict", run.model_path, "--dataset", "--json"], capsys)
    assert code == 0, err
    record = json.loads((tmp_path / "sine" / "config.json").read_text(encoding="utf-8"))
    assert json.loads(out)["loss"] == record["test_loss"] == run.test_metrics["test_loss"]
    model = nets.load_model(run.model_path)
    assert nets.dataset_loss(model, run.dataset) == record["test_loss"]
    prediction, truth, loss = nets.predict_dataset_and_loss(model, run.dataset)
    alone, same_truth = nets.predict_dataset(model, run.dataset)
    assert loss == record["test_loss"] and np.array_equal(truth, same_truth)
    assert np.array_equal(prediction.values, alone.values)
    # a diverged model: its loss as evaluate scores it (it raised "outputs are NaN"),
    # its predictions still refused
    for p in model.net.params:
        p[...] = 1e300
    X, y = run.dataset.X_test, run.dataset.y_test
    diverged = nets.dataset_loss(model, run.dataset)
    assert not np.isfinite(diverged)
    assert np.array_equal(diverged, nets.evaluate(model.net, X, y)[0], equal_nan=True)
    with pytest.raises(ValueError, match="NaN or infinite"):
        nets.predict_dataset(model, run.dataset)


def test_regression_dataset_scores_in_original_units(tmp_path, capsys):
    import study

    cfg = nets.TrainConfig(hidden=(6,), activation=("relu",), lr=0.3, batch_size=32,
                           max_epochs=3)
    run = study.train_run("sine", cfg, seed=0, out=tmp_path / "sine")
    code, out, err = run_cli(["predict", run.model_path, "--dataset", "sine", "--json",
                              "--out", tmp_path / "p.csv"], capsys)
    assert code == 0, err
    s = json.loads(out)
    assert s["accuracy"] is None and s["probabilities"] is None
    # test loss is half the mean squared error of the normalized targets
    rmse = np.sqrt(2 * run.test_metrics["test_loss"]) * run.dataset.y_scale
    assert s["rmse"] == pytest.approx(rmse, rel=1e-5)
    assert s["loss"] == run.test_metrics["test_loss"]
    frame = pd.read_csv(tmp_path / "p.csv")
    assert list(frame.columns) == ["prediction", "target"] and len(frame) == s["n"] == 100
    np.testing.assert_allclose(frame["target"], run.dataset.inverse_y(run.dataset.y_test),
                               rtol=1e-6)


def test_printed_predictions_keep_their_magnitude(tmp_path, capsys):
    # QA: 4 fixed decimals printed targets near 1e-30 as 0.0000 / -0.0000 (and 1e30 as 31
    # digits): the table shows 6 significant digits
    import study

    rng = np.random.default_rng(0)
    csv = tmp_path / "tiny.csv"
    pd.DataFrame({"a": rng.normal(size=30), "b": rng.normal(size=30),
                  "y": rng.normal(size=30) * 1e-30}).to_csv(csv, index=False)
    run = study.train_run(f"csv:{csv}?task=regression", nets.TrainConfig(max_epochs=2),
                          seed=0, out=tmp_path / "tiny")
    code, out, err = run_cli(["predict", run.model_path, "--dataset", "--limit", "3"], capsys)
    assert code == 0, err
    *table, cut = out.splitlines()[-5:]
    assert table[0].split() == ["prediction", "target"] and "0.0000" not in out
    assert cut == f"3 of {len(run.dataset.y_test)} shown; --limit -1 for all"
    truth = run.dataset.inverse_y(run.dataset.y_test)[:3]
    pred = run.dataset.inverse_y(run.net.predict(run.dataset.X_test))[:3]
    for row, p, true in zip(table[1:], pred, truth, strict=True):
        shown = row.split()
        assert shown[2] == f"{true:.6g}" and float(shown[1]) == pytest.approx(p, rel=1e-5)
    # --json gives the same targets, as numbers (a regression's labels)
    code, out, err = run_cli(["predict", run.model_path, "--dataset", "--limit", "3", "--json"],
                             capsys)
    assert code == 0, err
    np.testing.assert_allclose(json.loads(out)["labels"], truth, rtol=1e-12)


# ----------------------------------------------------------------------------- refused
def _members(path):
    with np.load(path, allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


def _rewrite(path, out, header_change=None, **changes):
    files = _members(path)
    if header_change:
        header = json.loads(str(files["header"][()]))
        header_change(header)
        files["header"] = np.array(json.dumps(header))
    for k, v in changes.items():
        files.pop(k) if v is None else files.__setitem__(k, v)
    np.savez(out, **files)
    return out


class _Boom:
    """Unpickling this would create a file: it must never happen."""

    def __init__(self, target):
        self.target = target

    def __reduce__(self):
        return (open, (str(self.target), "w"))


def _meta(**kw):
    def change(header):
        header["meta"].update(kw)
    return change


def _sizes(sizes):
    def change(header):
        header["spec"]["sizes"] = sizes
    return change


def test_tampered_and_foreign_files_are_refused(saved_model, tmp_path, capsys):
    path, X_raw, _ = saved_model("multiclass")
    bad = tmp_path / "bad.npz"
    params = _members(path)
    nan_w = params["param_0"].copy()
    nan_w[0, 0] = np.nan
    canary = tmp_path / "pickle-ran"
    cases = [
        ({"extra_x_scale": None, "extra_x_shift": None}, None, "input scaling .* is missing"),
        ({"extra_x_scale": None}, None, "x_scale should be 3 numbers, got missing"),
        ({"extra_x_shift": np.zeros(4)}, None, r"x_shift should be 3 numbers, got float64 \(4,\)"),
        ({"extra_x_scale": np.array(["1", "2", "3"])}, None, "x_scale should be 3 numbers"),
        ({"extra_x_scale": np.array([1.0, 0.0, 2.0])}, None, "divide by zero"),
        ({"extra_x_shift": np.array([1.0, np.inf, 2.0])}, None, "NaN or infinite"),
        ({"param_0": nan_w}, None, "diverged"),
        ({"param_1": None}, None, "parameter 1 should be float"),
        ({"extra_x_shift": np.array([_Boom(canary)] * 3, dtype=object)}, None,
         r"not an hplab model \(it holds pickled objects, which hplab never loads\)$"),
        ({}, _meta(classes=["cat", "dog"]), "classes should be 3 labels"),
        ({}, _meta(classes=["cat", "cat", "dog"]), "not distinct"),
        ({}, _meta(classes=[["nested"], "a", "b"]), "classes should be 3 labels"),
        ({}, _meta(task="regression"), "meta says task 'regression'"),
        ({}, _sizes([3, 10 ** 12, 4, 3]), r"parameter 0 should be float \(3, 1000000000000\)"),
        ({}, _sizes([3, 5, 4, 1.5]), "positive integers"),
        ({}, _sizes("354"), "positive integers"),
    ]
    for changes, header_change, match in cases:
        _rewrite(path, bad, header_change, **changes)
        with pytest.raises(ValueError, match=match):
            nets.load_model(bad)
        code, out, err = run_cli(["predict", bad, "--input", tmp_path / "none.npy"], capsys)
        assert code == 2 and out == "" and len(err.strip().splitlines()) == 1, (match, err)
        assert err.startswith("hplab predict: error: ")
    assert not canary.exists()


def test_not_an_archive_is_refused(saved_model, tmp_path, capsys):
    path, _, _ = saved_model("binary")
    npy = tmp_path / "array.npy"
    np.save(npy, np.zeros(3))
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"PK\x03\x04 not really a zip")
    raw = tmp_path / "raw.npz"  # a zip whose members are not .npy arrays
    with zipfile.ZipFile(raw, "w") as z:
        for k, v in _members(path).items():
            z.writestr(f"{k}.npy", b"junk" if k == "param_0" else _npy_bytes(v))
    for bad, match in [(npy, "single .npy array"), (junk, "not a readable .npz"),
                       (raw, "member 'param_0' is not a plain .npy array")]:
        with pytest.raises(ValueError, match=match):
            nets.load_model(bad)
        code, _, err = run_cli(["export-onnx", bad, tmp_path / "x.onnx"], capsys)
        assert code == 2 and len(err.strip().splitlines()) == 1
    code, _, err = run_cli(["predict", tmp_path / "missing.npz", "--dataset"], capsys)
    assert code == 2 and "no model file" in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_path_that_is_not_a_regular_file_is_named_so(tmp_path, capsys):
    # /dev/null and a FIFO exist: "no model file at /dev/null" sent the user looking for it
    fifo = tmp_path / "pipe.npz"
    os.mkfifo(fifo)
    for path in (os.devnull, fifo):
        code, out, err = run_cli(["predict", path, "--dataset", "xor"], capsys)
        assert (code, out) == (2, "")
        assert err.strip().splitlines() == [
            f"hplab predict: error: {path} is not a regular file (a device, pipe or socket): "
            "give a model file"]
        with pytest.raises(ValueError, match="not a regular file"):
            nets.load_model(path)


def _with_member(path, out, name, descr, shape, n_bytes, compression=zipfile.ZIP_STORED):
    """``path``'s archive with member ``name`` (replaced or added): a .npy header declaring
    ``descr`` ``shape`` over ``n_bytes`` zero bytes, written a MB at a time."""
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", compression) as z:
        for info in src.infolist():
            if info.filename != name:
                z.writestr(info.filename, src.read(info))
        with z.open(name, "w", force_zip64=True) as fh:
            np.lib.format.write_array_header_1_0(
                fh, {"descr": descr, "fortran_order": False, "shape": shape})
            for start in range(0, n_bytes, 2 ** 20):
                fh.write(bytes(min(2 ** 20, n_bytes - start)))
    return out


def _with_declared_size(path, out, name, descr, shape, compression):
    """``path``'s archive with member ``name`` added: a .npy header declaring ``descr``
    ``shape`` over 8 zero bytes, and a zip directory that declares the bytes the shape
    needs (compressed too, if stored) as the member's size."""
    import io
    import struct

    head = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        head, {"descr": descr, "fortran_order": False, "shape": shape})
    size = len(head.getvalue()) + int(np.prod(shape)) * np.dtype(descr).itemsize
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", compression) as z:
        for info in src.infolist():
            z.writestr(info.filename, src.read(info))
        z.writestr(name, head.getvalue() + bytes(8))
    raw = bytearray(out.read_bytes())
    entry = raw.rindex(b"PK\x01\x02")  # the last directory entry: name's
    assert raw[entry + 46:entry + 46 + len(name)] == name.encode()
    sizes = (size, size) if compression == zipfile.ZIP_STORED else (None, size)
    for offset, value in zip((20, 24), sizes, strict=True):  # compressed, uncompressed
        if value is not None:
            raw[entry + offset:entry + offset + 4] = struct.pack("<I", value)
    out.write_bytes(bytes(raw))
    return out


def test_forged_members_are_refused_before_their_data_is_read(saved_model, tmp_path, capsys):
    path, _, _ = saved_model("binary")  # sizes 3, 5, 4, 1: 49 parameters
    bad = tmp_path / "bad.npz"
    deflate = zipfile.ZIP_DEFLATED
    members = [  # each would take 80 MB or more, from a file under 200 kB
        # a member save_net never writes: was read in full, then ignored
        (("junk.npy", "<f8", (10 ** 7,), 8 * 10 ** 7, deflate),
         "not an hplab model (member 'junk.npy' is not one hplab writes)"),
        # a shape far beyond its data: NumPy allocated it first ("Unable to allocate
        # 7.28 TiB")
        (("extra_x_shift.npy", "<f8", (10 ** 12,), 8, zipfile.ZIP_STORED),
         "not an hplab model (member 'extra_x_shift' declares float64 (1000000000000,) "
         "(8000000000000 bytes) but holds 8 bytes)"),
        (("param_0.npy", "<f4", (3, 10 ** 7), 12 * 10 ** 7, deflate),
         "parameter 0 should be float (3, 5), got float32 (3, 10000000)"),
        (("header.npy", "<U17000000", (), 68 * 10 ** 6, deflate),
         "not an hplab model (its header is 68000000 bytes, over the 67108864 a model's may "
         "have)"),
    ]
    cases = [(_with_member(path, tmp_path / f"bad{i}.npz", *member), message)
             for i, (member, message) in enumerate(members)]
    # a zip directory declaring 2 GiB for an extra array, its .npy header agreeing: NumPy
    # allocated it before reading. A deflated member can hold that much (zeros deflate
    # ~1000:1, from a 2 MB file); a stored one cannot, but its declared size went unchecked
    with zipfile.ZipFile(path) as z:
        declared = 2 ** 31 + sum(m.file_size for m in z.infolist())
    for compression in (deflate, zipfile.ZIP_STORED):
        forged = _with_declared_size(path, tmp_path / f"forged{compression}.npz",
                                     "extra_X_train.npy", "<f8", (2 ** 28 - 16,), compression)
        cases.append((forged, f"not an hplab model (its members declare {declared} bytes, "
                              f"over its own {forged.stat().st_size} bytes by more than the "
                              "1073741824 a model's may expand to)"))
    for file, message in cases:
        assert file.stat().st_size < 2 * 10 ** 5
        with traced_peak() as traced, pytest.raises(ValueError) as exc:
            nets.load_model(file)
        peak = traced.bytes
        assert str(exc.value) == f"{file}: {message}" and peak < 10 ** 7, (message, peak)
        code, out, err = run_cli(["predict", file, "--input", tmp_path / "none.npy"], capsys)
        assert (code, out, err) == (2, "", f"hplab predict: error: {file}: {message}\n")
    # JSON nested deeper than Python's stack: was a RecursionError traceback
    files = _members(path)
    files["header"] = np.array("[" * 100000 + "]" * 100000)
    np.savez(bad, **files)
    message = (f"{bad}: not an hplab model (bad header: maximum recursion depth exceeded "
               "while decoding a JSON array from a unicode string)")
    with pytest.raises(ValueError) as exc:
        nets.load_net(bad)
    assert str(exc.value) == message
    for argv in (["predict", bad, "--input", tmp_path / "none.npy"],
                 ["export-onnx", bad, tmp_path / "x.onnx"]):
        code, out, err = run_cli(argv, capsys)
        assert (code, out, err) == (2, "", f"hplab {argv[0]}: error: {message}\n")


def _npy_bytes(a):
    import io

    buf = io.BytesIO()
    np.save(buf, a)
    return buf.getvalue()


def test_bad_inputs_are_refused_in_one_line(saved_model, tmp_path, capsys):
    path, X_raw, _ = saved_model("binary")
    np.save(tmp_path / "wide.npy", np.zeros((2, 4)))
    np.save(tmp_path / "obj.npy", np.array([[1, "a", 2]], dtype=object), allow_pickle=True)
    np.save(tmp_path / "nan.npy", np.array([[1.0, np.nan, 2.0]]))
    np.save(tmp_path / "huge.npy", np.array([[1.0, 2.0, 3.0], [1.0, 1e308, 2.0]]))
    (tmp_path / "text.csv").write_text("a,b,c\n1,2,x\n")
    (tmp_path / "cols.csv").write_text("p,q\n1,2\n")
    (tmp_path / "x.txt").write_text("1,2,3\n")
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "header.csv").write_text("a,b,c\n")
    (tmp_path / "empty.npy").write_bytes(b"")
    with open(tmp_path / "forged.npy", "wb") as fh:  # NumPy allocated 21.8 TiB for it first
        np.lib.format.write_array_header_1_0(
            fh, {"descr": "<f8", "fortran_order": False, "shape": (10 ** 12, 3)})
        fh.write(bytes(64))
    np.save(tmp_path / "ok.npy", np.ones((2, 3)))
    np.save(tmp_path / "no_rows.npy", np.zeros((0, 3)))  # QA: "takes 3 features, got (0, 3)"
    (tmp_path / "ragged.csv").write_text("1,2,3\n1,2,3,4\n")
    # a field more on every row: pandas took the first for the index, shifting each value
    (tmp_path / "indexed.csv").write_text("a,b,c\n0,1,2,3\n1,1,2,3\n")
    (tmp_path / "named_ragged.csv").write_text("c,a,b,y\n1,2,3,4\n1,2,3,4,5\n")
    cases = [("wide.npy", "takes 3 features"), ("obj.npy", "not a plain .npy"),
             ("empty.csv", f"{tmp_path / 'empty.csv'}: empty file"),
             ("header.csv", f"{tmp_path / 'header.csv'}: a header and no rows"),
             ("empty.npy", f"{tmp_path / 'empty.npy'}: empty file"),
             ("forged.npy", f"{tmp_path / 'forged.npy'}: declares 1000000000000 rows (float64 "
                            "(1000000000000, 3), 24000000000000 bytes) but holds 64 bytes; a "
                            "truncated or forged file"),
             ("no_rows.npy", f"{tmp_path / 'no_rows.npy'}: no rows (an array of shape "
                             "(0, 3)): nothing to predict"),
             # QA: pandas' "Error tokenizing data. C error: Expected 3 fields in line 2..."
             ("ragged.csv", f"{tmp_path / 'ragged.csv'}: line 2 has 4 fields, the first line "
                            "has 3; every line needs one field per column"),
             ("indexed.csv", f"{tmp_path / 'indexed.csv'}: rows have more fields than the "
                             "header; every line needs one field per column"),
             ("named_ragged.csv", "named_ragged.csv: line 3 has 5 fields, the header has 4;"),
             ("nan.npy", "NaN or infinite"), ("huge.npy", "overflow float32 after the model's "
                                                          "scaling, which rounds"),
             ("text.csv", "x"), ("cols.csv", "names none of the model's features (p, q)"),
             ("x.txt", ".npy or .csv"), ("absent.npy", "no input file"),
             # QA: "no input file at /dev/null" (it is there), "no input file at ." for ''
             ("/dev/null", "/dev/null is not a regular file (a pipe or a device, as <(...) "
                           "and /dev/null are): save the inputs to a file and give that"),
             (".", f"{tmp_path} is a folder; give the input file"), ("", "")]
    for name, match in cases:
        given = tmp_path / name if name else ""
        code, out, err = run_cli(["predict", path, "--input", given], capsys)
        assert code == 2 and out == "" and len(err.strip().splitlines()) == 1, name
        assert match in err, (name, err)
    assert err.endswith("error: the input needs a file path, got ''\n")
    # a run's folder stands for its model.npz; a folder without one is refused
    code, by_folder, err = run_cli(["predict", path.parent, "--input", tmp_path / "ok.npy",
                                    "--json"], capsys)
    assert code == 0, err
    code, by_file, _ = run_cli(["predict", path, "--input", tmp_path / "ok.npy", "--json"],
                               capsys)
    assert by_folder == by_file and json.loads(by_file)["model"] == str(path)
    (tmp_path / "no_model").mkdir()
    code, _, err = run_cli(["predict", tmp_path / "no_model", "--dataset"], capsys)
    assert code == 2 and err.endswith(f"{tmp_path / 'no_model'} is a folder with no model.npz (nor "
                                      "best_model/model.npz): give a model file\n")
    # a folder of runs given for one: two of them named
    runs = tmp_path / "runs_of"
    for name in ("b", "a", "c"):
        (runs / name).mkdir(parents=True)
        if name != "c":
            (runs / name / "model.npz").write_bytes(path.read_bytes())
    code, _, err = run_cli(["predict", runs, "--dataset"], capsys)
    assert code == 2 and err.endswith(f"give a model file, e.g. {runs / 'a'} or {runs / 'b'}\n")
    code, _, err = run_cli(["predict", path, "--dataset", "sine"], capsys)
    assert code == 2 and "dataset 'sine' has 1 feature, the model takes 3" in err  # "1 features"
    code, _, err = run_cli(["predict", path], capsys)  # --dataset or --input is required
    assert code == 2 and "one of the arguments" in err
    assert "allow_pickle" not in err
    code, _, err = run_cli(["predict", path, "--input", tmp_path / "wide.npy", "--limit", "-5"],
                           capsys)
    assert code == 2 and "--limit must be >= 0, or -1 for all, got -5" in err
    # predictions written over the model or the inputs: refused, both intact
    np.save(tmp_path / "ok.npy", X_raw[:3])
    for target in (path, tmp_path / "ok.npy"):
        before = Path(target).read_bytes()
        code, out, err = run_cli(["predict", path, "--input", tmp_path / "ok.npy", "--out",
                                  target], capsys)
        assert code == 2 and "is an input of this command" in err and out == ""
        assert Path(target).read_bytes() == before


def test_a_compressed_csv_is_read_as_training_files_are(saved_model, tmp_path, capsys):
    # a model trained on csv:train.csv.gz was refused new.csv.gz: "inputs must be a .npy
    # or .csv file"
    import bz2
    import gzip
    import lzma

    path, X_raw, _ = saved_model("multiclass")
    text = pd.DataFrame(X_raw, columns=["a", "b", "c"]).to_csv(index=False).encode()
    (tmp_path / "new.csv").write_bytes(text)
    for end, compress in ((".gz", gzip.compress), (".bz2", bz2.compress), (".xz", lzma.compress)):
        (tmp_path / f"new.csv{end}").write_bytes(compress(text))
    outputs = []
    for name in ("new.csv", "new.csv.gz", "new.csv.bz2", "NEW.CSV.XZ"):
        if name.isupper():
            (tmp_path / "new.csv.xz").rename(tmp_path / name)
        code, out, err = run_cli(["predict", path, "--input", tmp_path / name, "--json",
                                  "--limit", "-1"], capsys)
        assert code == 0, err
        outputs.append({k: v for k, v in json.loads(out).items() if k != "input"})
    assert all(o == outputs[0] for o in outputs) and outputs[0]["n"] == 40
    # its lines are told in the decompressed text; a file its name misdescribes is said so
    (tmp_path / "bad.csv.gz").write_bytes(gzip.compress(b"a,b,c\n1,2,3\n1,x,3\n"))
    (tmp_path / "fake.csv.gz").write_bytes(text)
    for name, message in [("bad.csv.gz", "line 3 has 'x' in column b, not a number"),
                          ("fake.csv.gz", "not a readable gz file (Not a gzipped file")]:
        code, out, err = run_cli(["predict", path, "--input", tmp_path / name], capsys)
        assert code == 2 and err.startswith(
            f"hplab predict: error: {tmp_path / name}: {message}"), err
    (tmp_path / "new.csv.zip").write_bytes(text)
    code, out, err = run_cli(["predict", path, "--input", tmp_path / "new.csv.zip"], capsys)
    assert code == 2 and err.endswith("inputs must be a .npy or .csv file (or .csv.gz, "
                                      ".csv.bz2, .csv.xz)\n"), err


def test_an_idx_file_as_input_points_to_its_folder_as_a_dataset(saved_model, tmp_path, capsys):
    # QA: `--input mn/t10k-images-idx3-ubyte` (or .gz) said only "inputs must be a .npy or
    # .csv file"
    path = saved_model("binary")[0]
    images = np.zeros((3, 2, 2), np.uint8)
    idx = struct.pack(">BBBBIII", 0, 0, 0x08, 3, *images.shape) + images.tobytes()
    (tmp_path / "mn").mkdir()
    (tmp_path / "mn" / "t10k-images-idx3-ubyte").write_bytes(idx)
    (tmp_path / "mn" / "t10k-images-idx3-ubyte.gz").write_bytes(gzip.compress(idx))
    for name in ("t10k-images-idx3-ubyte", "t10k-images-idx3-ubyte.gz"):
        code, out, err = run_cli(["predict", path, "--input", tmp_path / "mn" / name], capsys)
        assert (code, out) == (2, "") and err == (
            f"hplab predict: error: {tmp_path / 'mn' / name}: inputs must be a .npy or .csv "
            f"file (or .csv.gz, .csv.bz2, .csv.xz); {name} is an IDX file (MNIST's format): "
            "predict on the test split of a folder of the four IDX files (train and t10k "
            f"images and labels) with --dataset idx:FOLDER ({tmp_path / 'mn'}, if it holds "
            "all four)\n")
    # another file of no known kind: no such hint
    (tmp_path / "x.bin").write_bytes(b"\0\0\0\0" + bytes(8))
    code, _, err = run_cli(["predict", path, "--input", tmp_path / "x.bin"], capsys)
    assert code == 2 and err.endswith(".csv.xz)\n"), err


#: pandas 3 reads an integer past 2**64 as a Python int, pandas 2 (which pyproject admits)
#: as text: either way refused by its line
PANDAS_3 = int(pd.__version__.split(".")[0]) >= 3


def test_input_errors_name_the_file_and_its_line(saved_model, tmp_path, capsys):
    path, X_raw, _ = saved_model("binary")  # features a, b, c
    nets.save_net(tmp_path / "model.npy", nets.load_net(path)[0])  # an archive named .npy
    np.save(tmp_path / "nan.npy", np.array([[1.0, 2.0, 3.0], [1.0, np.nan, 2.0]]))
    files = {  # lines as in the file: the header is line 1, blank lines count
        "short.csv": ("a,b,c\n1,2,3\n\n0.1,0.2\n", "line 4 has a missing, empty, NaN or "
                      "infinite value; every field must be a number"),
        "nan.csv": ("a,b,c\n1,nan,3\n", "line 2 has a missing, empty, NaN or infinite "
                    "value; every field must be a number"),
        "gap.csv": ("1,2,3\n4,,6\n", "line 2 has a missing, empty, NaN or infinite value; "
                    "every field must be a number"),
        "text.csv": ('c,a,b\n1,2,3\n"4\n5",6,x\n', "line 3 has 'x' in column b, not a number"),
        "bare.csv": ("1,2,3\n\n4,5,y\n", "line 3 has 'y' in field 3, not a number"),
        # QA: an integer past float's range (pandas keeps it as a Python int) was "int too
        # large to convert to float", naming no file or line
        "huge.csv": (f"a,b,c\n1,2,3\n1,{'9' * 400},3\n", "line 3 has a missing, empty, NaN "
                     "or infinite value; every field must be a number" if PANDAS_3 else
                     f"line 3 has '{'9' * 400}' in column b, not a number"),
        "tiny.csv": (f"a,b,c\n1,2,3\n-{'9' * 400},2,3\n", "line 3 has a missing, empty, "
                     "NaN or infinite value; every field must be a number" if PANDAS_3 else
                     f"line 3 has '-{'9' * 400}' in column a, not a number"),
    }
    for name, (text, _) in files.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "twice.csv").write_text("a,a,b\n1,2,3\n")
    cases = [
        ("model.npy", f"{tmp_path / 'model.npy'}: an .npz archive, not a single .npy array"),
        ("nan.npy", f"{tmp_path / 'nan.npy'}: inputs contain NaN or infinite values (first in "
                    "row 1)"),
        *((name, f"{tmp_path / name}: {message}") for name, (_, message) in files.items()),
        ("twice.csv", f"column a appears twice in the header of {tmp_path / 'twice.csv'}"),
    ]
    for name, message in cases:
        code, out, err = run_cli(["predict", path, "--input", tmp_path / name], capsys)
        assert (code, out, err) == (2, "", f"hplab predict: error: {message}\n"), name


def test_predictions_never_overwrite_the_dataset_file(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(0)
    X = rng.random((60, 2))
    pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "t": (X.sum(1) > 1).astype(int)}).to_csv(
        "data.csv", index=False)
    before = Path("data.csv").read_bytes()
    code, out, err = run_cli(["train", "--dataset", "csv:data.csv", "--epochs", "2",
                              "--no-report", "--json"], capsys)
    assert code == 0, err
    model = json.loads(out)["model_path"]
    for dataset in (["--dataset", "csv:data.csv"], ["--dataset"]):  # named, or the model's
        code, out, err = run_cli(["predict", model, *dataset, "--out", "data.csv"], capsys)
        assert code == 2 and "data.csv is an input of this command" in err and out == ""
        assert Path("data.csv").read_bytes() == before
    monkeypatch.setenv("HOME", str(tmp_path))  # the same file named from the home folder
    code, out, err = run_cli(["predict", model, "--dataset", "csv:~/data.csv", "--out",
                              tmp_path / "data.csv"], capsys)
    assert code == 2 and "is an input of this command" in err
    assert Path("data.csv").read_bytes() == before
    assert run_cli(["predict", model, "--dataset", "--out", "p.csv"], capsys)[0] == 0
    # so with --input, and for export-onnx: the model's data file was replaced
    pd.DataFrame({"a": X[:3, 0], "b": X[:3, 1]}).to_csv("x.csv", index=False)
    for argv in (["predict", model, "--input", "x.csv", "--out", "data.csv"],
                 ["export-onnx", model, "data.csv"]):
        code, out, err = run_cli(argv, capsys)
        assert (code, out) == (2, "") and "data.csv is an input of this command" in err, argv
        assert Path("data.csv").read_bytes() == before


def test_a_closed_pipe_ends_quietly(saved_model, tmp_path):
    """`hplab predict ... | head`: the reader leaves early; no error message."""
    import os
    import subprocess
    import sys

    path, X_raw, _ = saved_model("binary")
    # 8000 rows, ~280 kB of lines: more than a pipe holds (64 kB), and the 8 kB buffer
    np.save(tmp_path / "x.npy", np.repeat(X_raw, 200, axis=0))
    read, write = os.pipe()
    os.close(read)
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.run([sys.executable, str(root / "hplab.py"), "predict", path, "--input",
                           tmp_path / "x.npy", "--limit", "-1"], stdout=write,
                          stderr=subprocess.PIPE, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(root)})
    os.close(write)
    assert proc.returncode == 141 and proc.stderr == ""


def test_training_report_shows_working_commands(tmp_path, capsys, parse_html, monkeypatch):
    # QA: the commands named the model by its absolute path, so they failed for whoever got
    # the folder (a zip, an email) and for its author once the project was renamed
    import shlex

    project = tmp_path / "proj A"
    project.mkdir()
    monkeypatch.chdir(project)
    code, out, err = run_cli(["train", "--dataset", "sine", "--hidden", "4", "--epochs", "2",
                              "--out", "runs/train/sine", "--json"], capsys)
    assert code == 0, err
    trained = json.loads(out)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "proj A").rename(tmp_path / "proj B")
    folder = tmp_path / "proj B" / "runs" / "train" / "sine"
    page = parse_html((folder / "report.html").read_text())
    assert not page.errors and "Use this model" in page.all_text
    assert "Run these from this report's folder:" in page.text
    assert {"href": "model.npz"} in page.find("a")
    code_block = next(t for t in page.text if "hplab export-onnx" in t)
    commands = [shlex.split(line)[1:] for line in code_block.splitlines()
                if line.startswith("hplab ")]
    assert commands == [["predict", "model.npz", "--input", "inputs.csv", "--out",
                         "predictions.csv"],
                        ["predict", "model.npz", "--dataset"],  # its own data and data seed
                        ["export-onnx", "model.npz", "model.onnx"]]
    monkeypatch.chdir(folder)  # as the page says: from the report's folder, moved
    pd.DataFrame({"x": [0.0, 0.25, 0.5]}).to_csv("inputs.csv", index=False)
    for argv in commands[:2]:
        code, out, err = run_cli([*argv, "--json"], capsys)
        assert code == 0, (argv, err)
        assert json.loads(out)["model"] == "model.npz"
    scored = json.loads(out)  # the test split of sine again, scored as in training
    assert scored["n"] == 100 and scored["rmse"] == pytest.approx(trained["test_rmse"])
    assert len(pd.read_csv("predictions.csv")) == 3
    require_module("onnx")  # the export needs the onnx extra: skips here without it
    code, out, err = run_cli(commands[2], capsys)
    assert code == 0, (commands[2], err)
    assert (folder / "model.onnx").is_file()


def test_text_deep_in_a_long_file_is_one_line_without_pandas_warning(saved_model, tmp_path,
                                                                     capsys):
    # pandas reads a long file in chunks (262144 rows): a chunk of text in a numeric column
    # printed its DtypeWarning before the one-line refusal (a traceback under -W error)
    path, _, _ = saved_model("binary")  # features a, b, c
    n = 300_000
    rows = np.round(np.linspace(0, 1, n), 3).astype(str)
    rows[-5] = "abc"
    lines = "".join(f"{v},{v},{i % 2}\n" for i, v in enumerate(rows))
    (tmp_path / "f.csv").write_text("a,b,c\n" + lines)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        code, out, err = run_cli(["predict", path, "--input", tmp_path / "f.csv"], capsys)
        assert (code, out, err.count("\n")) == (2, "", 1), err
        assert err.endswith("f.csv: line 299997 has 'abc' in column a, not a number\n")
        with pytest.raises(data.DataError, match=r"feature column 'a' is not numeric \(first "
                                                 r"non-number 'abc' at line 299997\)"):
            data.load(f"csv:{tmp_path / 'f.csv'}?target=c")


def test_a_first_row_that_is_the_default_names_or_data_is_asked_not_guessed(tmp_path,
                                                                              capsys):
    # features named 0 and 1 (pandas' default header) on 0/1 data: a headerless file's
    # first row 0,1 was taken for the header, its prediction lost and every row shifted
    X = np.random.default_rng(0).integers(0, 2, (200, 2)).astype(float)
    pd.DataFrame(X).assign(y=(X[:, 0] != X[:, 1]).astype(int)).to_csv(tmp_path / "b.csv",
                                                                       index=False)
    assert run_cli(["train", "--dataset", f"csv:{tmp_path / 'b.csv'}", "--epochs", "1",
                    "--no-report", "--out", tmp_path / "run"], capsys)[0] == 0
    model_path = tmp_path / "run" / "model.npz"
    rows = np.array([[0, 1], [1, 1], [0, 0]])
    pd.DataFrame(rows).to_csv(tmp_path / "bare.csv", index=False, header=False)
    pd.DataFrame(rows).to_csv(tmp_path / "named.csv", index=False)  # header 0,1

    def predict(name, *flags):
        return run_cli(["predict", model_path, "--input", tmp_path / name, "--json",
                        *flags], capsys)

    for name in ("bare.csv", "named.csv"):
        code, _, err = predict(name)
        assert code == 2 and err.count("\n") == 1
        assert "row 1 (0, 1) is numbers that also name the model's features: a header or " \
            "data? say which: --header yes or no" in err
    expected = nets.load_model(model_path).predict(rows).probabilities
    for name, flag in (("bare.csv", "no"), ("named.csv", "yes")):
        code, out, err = predict(name, "--header", flag)
        assert code == 0, err
        np.testing.assert_array_equal(json.loads(out)["probabilities"], expected)
    # said wrong, the other way round: the header is not a number, the data names nothing
    assert predict("bare.csv", "--header", "yes")[0] == 0  # names 0, 1: its rows 2-3 left
    code, _, err = predict("named.csv", "--header", "no")
    assert code == 0 and json.loads(_)["n"] == 4  # a header of numbers is data, as told
    model = nets.load_model(model_path)
    np.testing.assert_array_equal(nets.read_inputs(tmp_path / "bare.csv", model, False),
                                  rows)
    np.save(tmp_path / "rows.npy", rows)
    with pytest.raises(ValueError, match="only a .csv file has a header"):
        nets.read_inputs(tmp_path / "rows.npy", model, True)
    code, _, err = run_cli(["predict", model_path, "--dataset", "--header", "yes"], capsys)
    assert code == 2 and "--header says what the first row of an --input CSV is" in err


def test_a_feature_named_nan_is_matched_by_its_name(tmp_path, capsys):
    # a column named nan (or inf) was read as the number NaN, which matches no name, its
    # own included: the model could not predict from its own training file
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 3))
    frame = pd.DataFrame(X, columns=["height", "nan", "inf"])
    frame.assign(label=np.where(X.sum(axis=1) > 0, "pos", "neg")).to_csv(
        tmp_path / "n.csv", index=False)
    assert run_cli(["train", "--dataset", f"csv:{tmp_path / 'n.csv'}", "--epochs", "1",
                    "--no-report", "--out", tmp_path / "run"], capsys)[0] == 0
    model = nets.load_model(tmp_path / "run" / "model.npz")
    assert list(model.feature_names) == ["height", "nan", "inf"]
    code, out, err = run_cli(["predict", tmp_path / "run" / "model.npz", "--input",
                              tmp_path / "n.csv", "--json", "--limit", "-1"], capsys)
    assert code == 0, err
    expected = model.predict(X).probabilities
    np.testing.assert_array_equal(json.loads(out)["probabilities"], expected)
    # a DataFrame in another order, read as pandas reads it by default (header "nan" kept)
    table = pd.read_csv(tmp_path / "n.csv")[["inf", "label", "nan", "height"]]
    np.testing.assert_array_equal(model.predict(table).probabilities, expected)


def test_a_model_of_a_csv_with_an_id_left_out_takes_its_files_rows(tmp_path, capsys,
                                                                   parse_html):
    # QA: an ID column was a feature like any other, with no way to leave it out; the model
    # now knows its columns, so a file with the ID (and the target) predicts as is
    rng = np.random.default_rng(0)
    n = 300
    frame = pd.DataFrame({"transaction_id": np.arange(100000, 100000 + n),
                          "amount": rng.normal(size=n), "hour": rng.uniform(0, 24, n)})
    frame["is_fraud"] = (frame["amount"] > 1.0).astype(int)
    frame.to_csv(tmp_path / "fraud.csv", index=False)
    name = f"csv:{tmp_path / 'fraud.csv'}?ignore=transaction_id"
    code, out, err = run_cli(["train", "--dataset", name, "--hidden", "4", "--epochs", "3",
                              "--out", tmp_path / "run", "--json"], capsys)
    assert code == 0, err
    trained = json.loads(out)
    model = nets.load_model(trained["model_path"])
    assert model.feature_names == ("amount", "hour") and model.n_features == 2
    code, out, err = run_cli(["predict", trained["model_path"], "--input",
                              tmp_path / "fraud.csv", "--json", "--limit", "-1"], capsys)
    assert code == 0, err
    want = model.predict(frame[["amount", "hour"]].to_numpy())
    np.testing.assert_array_equal(json.loads(out)["probabilities"], want.probabilities)
    # the model's own data, by its name: the ID left out again, the test split scored
    code, out, err = run_cli(["predict", trained["model_path"], "--dataset", "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["accuracy"] == pytest.approx(trained["test_accuracy"], abs=1e-12)
    # the report names the features and the column left out
    page = parse_html((tmp_path / "run" / "report.html").read_text())
    said = page.all_text
    assert "binary · 2 features (amount, hour) · left out: transaction_id · classes 0, 1" \
        in said
    # its code's comments wrap at 78 characters: read as one text
    code_text = " ".join(said.replace("#", " ").split())
    assert "with 2 feature column(s) (amount, hour; a header naming them picks them, in any " \
           "order, among others)" in code_text


@pytest.mark.slow
def test_data_with_a_column_the_models_training_left_out_names_it(tmp_path, capsys,
                                                                 monkeypatch):
    # QA: a model trained on csv:fr.csv?ignore=id, given the data without the option (or
    # its headerless training file), was told only "has 5 features, the model takes 4"
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(0)
    n = 200
    frame = pd.DataFrame({"id": np.arange(n), "a": rng.normal(size=n),
                          "b": rng.normal(size=n)})
    frame["label"] = np.where(frame["a"] > 0.5, "fraud", "ok")
    frame.to_csv(tmp_path / "fr.csv", index=False)
    frame.to_csv(tmp_path / "nohdr.csv", index=False, header=False)
    frame.drop(columns="label").to_csv(tmp_path / "nh3.csv", index=False, header=False)
    models = {}
    for name, ds in (("fr", "csv:fr.csv?ignore=id&positive=fraud"),
                     ("nh", "csv:nohdr.csv?header=no&ignore=x1")):
        code, out, err = run_cli(["train", "--dataset", f"{ds}", "--hidden", "4", "--epochs",
                                  "2", "--out", tmp_path / name, "--json"], capsys)
        assert code == 0, err
        models[name] = json.loads(out)["model_path"]

    def refused(*args):
        code, out, err = run_cli(["predict", *args], capsys)
        assert (code, out) == (2, ""), err
        return err

    assert refused(models["fr"], "--dataset", "csv:fr.csv") == (
        "hplab predict: error: dataset 'csv:fr.csv' has 3 features, the model takes 2; the "
        "model was trained on csv:fr.csv?ignore=id&positive=fraud, which leaves out id: add "
        "ignore=id to 'csv:fr.csv'\n")
    # review: data with an ignore= of its own was told to "add ignore=id", which a
    # second ignore= option refuses as given twice: into its list
    frame.assign(note=1.0)[["note", *frame.columns]].to_csv(tmp_path / "fr2.csv", index=False)
    assert refused(models["fr"], "--dataset", "csv:fr2.csv?ignore=note") == (
        "hplab predict: error: dataset 'csv:fr2.csv?ignore=note' has 3 features, the model "
        "takes 2; the model was trained on csv:fr.csv?ignore=id&positive=fraud, which "
        "leaves out id: add id to the ignore= list of 'csv:fr2.csv?ignore=note'\n")
    # data without the column left out gets no advice to leave it out: the count alone
    assert refused(models["fr"], "--dataset", "csv:nohdr.csv?header=no") == (
        "hplab predict: error: dataset 'csv:nohdr.csv?header=no' has 3 features, the model "
        "takes 2\n")
    assert refused(models["nh"], "--input", "nh3.csv") == (
        "hplab predict: error: nh3.csv: the model takes 2 features per example, got an array "
        "of shape (200, 3); the model was trained on csv:nohdr.csv?header=no&ignore=x1, "
        "which leaves out x1: the file should hold the model's columns only, without "
        "column 1 (x1) or the target\n")
    # review: the file without x1 but with its (numeric) target was told to "remove column
    # 1 (x1)" again: done, the model predicted on b and the label
    numbers = frame.assign(label=(frame["a"] > 0.5).astype(int)).drop(columns="id")
    numbers.to_csv(tmp_path / "noid.csv", index=False, header=False)
    assert refused(models["nh"], "--input", "noid.csv") == (
        "hplab predict: error: noid.csv: the model takes 2 features per example, got an "
        "array of shape (200, 3); the model was trained on csv:nohdr.csv?header=no&"
        "ignore=x1, which leaves out x1: the file should hold the model's columns only, "
        "without column 1 (x1) or the target\n")
    assert refused(models["nh"], "--input", "nohdr.csv").endswith(
        "give a header naming every one, or numbers only; the model was trained on "
        "csv:nohdr.csv?header=no&ignore=x1, which leaves out x1: a file without a header "
        "holds the model's columns only, without column 1 (x1) or the target\n")
    with pytest.raises(ValueError, match=r"which leaves out x1: the inputs should hold the "
                                         r"model's columns only, without column 1 \(x1\) or "
                                         "the target$"):
        nets.load_model(models["nh"]).predict(frame[["id", "a", "b"]].to_numpy())
    # the file as it is, with a header: the model's columns picked by name
    code, out, err = run_cli(["predict", models["fr"], "--input", "fr.csv"], capsys)
    assert code == 0, err


def test_data_leaving_out_some_of_the_models_left_out_columns_is_told_the_rest(
        tmp_path, capsys, monkeypatch):
    # QA: a model trained on ?ignore=id,note given data with ignore=note was told only
    # "has 3 features, the model takes 2": the hint wanted every left-out column still in
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(0)
    n = 120
    frame = pd.DataFrame({"id": np.arange(n), "a": rng.normal(size=n),
                          "note": rng.normal(size=n), "b": rng.normal(size=n)})
    frame["label"] = np.where(frame["a"] > 0, "yes", "no")
    frame.to_csv("p.csv", index=False)
    code, out, err = run_cli(["train", "--dataset", "csv:p.csv?ignore=id,note", "--hidden",
                              "2", "--epochs", "1", "--out", "m", "--no-report", "--json"],
                             capsys)
    assert code == 0, err
    model = json.loads(out)["model_path"]
    for name, fix in (("csv:p.csv?ignore=note", "add id to the ignore= list of "),
                      ("csv:p.csv?ignore=id", "add note to the ignore= list of "),
                      ("csv:p.csv", "add ignore=id,note to ")):
        code, out, err = run_cli(["predict", model, "--dataset", name], capsys)
        assert (code, out) == (2, ""), err
        assert err.startswith(f"hplab predict: error: dataset {name!r} has "), err
        assert err.endswith(f"p.csv?ignore=id,note, which leaves out id, note: {fix}"
                            f"{name!r}\n"), err


def test_the_left_out_column_hint_keeps_braces_in_the_datas_path(tmp_path, capsys,
                                                                monkeypatch):
    # review: the hint's template was built with the dataset's name in it, and a path's
    # braces ("run{1}/fr.csv") were read as format fields: an IndexError traceback
    monkeypatch.chdir(tmp_path)
    (tmp_path / "run{1}").mkdir()
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"id": np.arange(100), "a": rng.normal(size=100)})
    frame["label"] = np.where(frame["a"] > 0.5, "fraud", "ok")
    frame.to_csv(tmp_path / "run{1}" / "fr.csv", index=False)
    code, out, err = run_cli(["train", "--dataset", "csv:run{1}/fr.csv?ignore=id", "--hidden",
                              "2", "--epochs", "1", "--out", tmp_path / "m", "--json"], capsys)
    assert code == 0, err
    code, out, err = run_cli(["predict", json.loads(out)["model_path"], "--dataset",
                              "csv:run{1}/fr.csv"], capsys)
    assert (code, out, err) == (2, "", (
        "hplab predict: error: dataset 'csv:run{1}/fr.csv' has 2 features, the model takes "
        "1; the model was trained on csv:run{1}/fr.csv?ignore=id, which leaves out id: add "
        "ignore=id to 'csv:run{1}/fr.csv'\n"))


def test_the_left_out_column_hint_names_the_dataset_not_the_runs_name(tmp_path, capsys,
                                                                    monkeypatch):
    # QA: train --dataset 'csv:fr.csv?ignore=id' --name fr, then predict --dataset
    # csv:fr.csv: "the model was trained on fr, which leaves out id", the run's name
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"id": np.arange(100), "a": rng.normal(size=100)})
    frame["label"] = np.where(frame["a"] > 0.5, "fraud", "ok")
    frame.to_csv(tmp_path / "fr.csv", index=False)
    code, out, err = run_cli(["train", "--dataset", "csv:fr.csv?ignore=id", "--name", "fr",
                              "--hidden", "2", "--epochs", "1", "--no-report", "--json"],
                             capsys)
    assert code == 0, err
    code, out, err = run_cli(["predict", json.loads(out)["model_path"], "--dataset",
                              "csv:fr.csv"], capsys)
    assert (code, out, err) == (2, "", (
        "hplab predict: error: dataset 'csv:fr.csv' has 2 features, the model takes 1; the "
        f"model was trained on csv:{tmp_path / 'fr.csv'}?ignore=id, which leaves out id: add "
        "ignore=id to 'csv:fr.csv'\n"))


def test_a_binary_model_takes_a_threshold_and_scores_its_positive_class(tmp_path, capsys):
    # QA: predict had no --threshold, and --dataset gave a fraud model's accuracy alone
    # (0.973, below the 0.977 of always predicting "ok"); no recall, precision or PR-AUC
    from sklearn import metrics as skm

    import study

    rng = np.random.default_rng(3)
    n = 1200
    X = rng.normal(size=(n, 3))
    fraud = X[:, 0] + 0.8 * rng.normal(size=n) > 2.0  # about 4 %
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    frame["label"] = np.where(fraud, "fraud", "ok")
    frame.to_csv(tmp_path / "fraud.csv", index=False)
    cfg = nets.TrainConfig(hidden=(8,), activation="tanh", optimizer="adam", lr=0.01,
                           batch_size=32, max_epochs=20)
    run = study.train_run(f"csv:{tmp_path / 'fraud.csv'}?positive=fraud", cfg, seed=0,
                          out=tmp_path / "run")
    model = nets.load_model(run.model_path)
    assert model.classes == ("ok", "fraud")
    code, out, err = run_cli(["predict", run.model_path, "--dataset", "--json", "--limit",
                              "-1"], capsys)
    assert code == 0, err
    plain = json.loads(out)
    proba = np.array(plain["probabilities"])[:, 1]
    truth = data.load(model.meta["dataset"]).y_test  # 1: fraud
    assert truth.sum() >= 5 and plain["accuracy"] == run.test_metrics["test_accuracy"]
    said = (np.array(plain["predictions"]) == "fraud").astype(int)
    # the threshold in effect: the more probable class is fraud from 0.5 (it said null)
    assert (plain["threshold"], plain["positive"]) == (0.5, "fraud")
    assert said.tolist() == (proba > 0.5).astype(int).tolist()
    assert plain["precision"] == skm.precision_score(truth, said, zero_division=0)
    assert plain["recall"] == skm.recall_score(truth, said)
    assert plain["f1"] == skm.f1_score(truth, said, zero_division=0)
    assert plain["roc_auc"] == skm.roc_auc_score(truth, proba) > 0.8
    assert plain["pr_auc"] == skm.average_precision_score(truth, proba)
    # a lower threshold: fraud wherever its probability reaches it (one of the split's own
    # probabilities: that example is fraud, at >= T); the areas stay
    t = float(np.sort(proba)[int(0.9 * len(proba))])
    assert (proba == t).any()
    code, out, err = run_cli(["predict", run.model_path, "--dataset", "--json", "--limit",
                              "-1", "--threshold", t], capsys)
    assert code == 0, err
    cut = json.loads(out)
    said = (proba >= t).astype(int)
    assert said.sum() > (np.array(plain["predictions"]) == "fraud").sum()
    assert cut["predictions"] == np.where(said, "fraud", "ok").tolist()
    assert cut["threshold"] == t and cut["accuracy"] == skm.accuracy_score(truth, said)
    assert cut["recall"] == skm.recall_score(truth, said) > plain["recall"]
    assert cut["precision"] == skm.precision_score(truth, said)
    assert cut["f1"] == skm.f1_score(truth, said)
    assert (cut["roc_auc"], cut["pr_auc"]) == (plain["roc_auc"], plain["pr_auc"])
    code, out, err = run_cli(["predict", run.model_path, "--dataset", "--limit", "0",
                              "--threshold", "0.25"], capsys)
    assert code == 0, err
    said = (proba >= 0.25).astype(int)
    assert out.splitlines()[2:] == [
        "predicted fraud where its probability is >= 0.25",
        f"accuracy {skm.accuracy_score(truth, said):.4f}",
        f"class fraud: precision {skm.precision_score(truth, said):.4f}, recall "
        f"{skm.recall_score(truth, said):.4f}, f1 {skm.f1_score(truth, said):.4f}, roc_auc "
        f"{plain['roc_auc']:.4f}, pr_auc {plain['pr_auc']:.4f} (pr_auc: average precision)"]
    # raw inputs: the same rule, from the CLI and from Python
    frame.iloc[:200].to_csv(tmp_path / "new.csv", index=False)
    code, out, err = run_cli(["predict", run.model_path, "--input", tmp_path / "new.csv",
                              "--json", "--limit", "-1", "--threshold", "0.25"], capsys)
    assert code == 0, err
    given = json.loads(out)
    p = np.array(given["probabilities"])[:, 1]
    assert given["predictions"] == np.where(p >= 0.25, "fraud", "ok").tolist()
    assert given["precision"] is None and given["threshold"] == 0.25
    direct = model.predict(frame.iloc[:200][["a", "b", "c"]], threshold=0.25)
    assert direct.labels.tolist() == given["predictions"]
    code, out, err = run_cli(["predict", run.model_path, "--input", tmp_path / "new.csv",
                              "--json", "--limit", "-1"], capsys)
    assert code == 0, err
    default = json.loads(out)
    assert default["threshold"] == 0.5
    assert default["predictions"] == np.where(p > 0.5, "fraud", "ok").tolist()


def test_a_threshold_is_refused_where_no_positive_class_has_a_probability(tmp_path, capsys):
    import study

    cfg = nets.TrainConfig(hidden=(4,), lr=0.5, batch_size=32, max_epochs=1)
    for name, what in (("coin", "a multiclass model of 3 classes"),
                       ("sine", "a regression model")):
        run = study.train_run(name, cfg, seed=0, out=tmp_path / name)
        code, out, err = run_cli(["predict", run.model_path, "--dataset", "--threshold",
                                  "0.3"], capsys)
        assert (code, out, err) == (2, "", "hplab predict: error: --threshold applies to "
                                           "binary models (the positive class's probability); "
                                           f"{run.model_path} is {what}\n")
        # Python's words are the flag's (one check), with the API's name for it
        with pytest.raises(ValueError, match=f"^threshold applies to binary models \\(the "
                                             f"positive class's probability\\); .* is {what}$"):
            nets.load_model(run.model_path).predict(np.zeros((1, 2 if name == "coin" else 1)),
                                                    threshold=0.3)
        # a multi-class model's --dataset scores are accuracy's alone, as before
        code, out, err = run_cli(["predict", run.model_path, "--dataset", "--json"], capsys)
        s = json.loads(out)
        assert code == 0 and s["positive"] is s["pr_auc"] is s["threshold"] is None
    run = study.train_run("xor", cfg, seed=0, out=tmp_path / "xor")
    for bad in ("1.5", "-0.1", "nan"):
        code, out, err = run_cli(["predict", run.model_path, "--dataset", "--threshold", bad],
                                 capsys)
        assert (code, out) == (2, "") and err == (
            f"hplab predict: error: --threshold must be a probability in [0, 1], got "
            f"{float(bad):g}\n")
    model = nets.load_model(run.model_path)
    # a NumPy integer is a number too (np.int64(1) was refused as no probability); a bool
    # and text are not
    X = np.array([[0.0, 1.0], [1.0, 1.0]])
    assert model.predict(X, threshold=np.int64(1)).labels.tolist() == \
        model.predict(X, threshold=1.0).labels.tolist()
    # review: an int past a float's range raised OverflowError as the message was written
    for bad, shown in ((True, "True"), ("0.5", "'0.5'"), (np.float64(2), "2"),
                       (10**400, "an integer past a float's range")):
        with pytest.raises(ValueError, match=re.escape(
                f"threshold must be a probability in [0, 1], got {shown}")):
            model.predict(X, threshold=bad)


def test_a_class_label_said_beside_a_piped_csv_is_escaped(tmp_path, capsys):
    # review: `predict --dataset --threshold T --out -` wrote its scores to stderr raw, and
    # they name the positive class: a label read from a CSV ("zz\x1b[2J", ESC [2J clears
    # the screen) reached the terminal as a control sequence; the other lines are escaped
    import study

    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    frame = pd.DataFrame(X, columns=["a", "b"])
    frame["label"] = np.where(X[:, 0] > 0.5, "zz\x1b[2J", "ok")
    frame.to_csv(tmp_path / "d.csv", index=False)
    cfg = nets.TrainConfig(hidden=(4,), lr=0.5, batch_size=32, max_epochs=2)
    run = study.train_run(f"csv:{tmp_path / 'd.csv'}", cfg, seed=0, out=tmp_path / "run")
    code, out, err = run_cli(["predict", run.model_path, "--dataset", "--threshold", "0.5",
                              "--out", "-"], capsys)
    assert code == 0 and out.startswith("prediction,")
    assert "\x1b" not in err
    assert "predicted zz\\x1b[2J where its probability is >= 0.5\n" in err
    assert "\nclass zz\\x1b[2J: precision " in err


def test_input_json_names_no_split_and_lists_at_most_every_prediction(saved_model, tmp_path,
                                                                      capsys):
    # mutation testing: "split" read "test" for --input rows, and --limit 5 of 2 rows gave
    # n_shown 5; --limit -2 listed everything instead of being refused
    path, X_raw, _ = saved_model("multiclass")
    np.save(tmp_path / "two.npy", X_raw[:2])
    code, out, err = run_cli(["predict", path, "--input", tmp_path / "two.npy", "--json",
                              "--limit", "5"], capsys)
    assert code == 0, err
    s = json.loads(out)
    assert (s["dataset"], s["split"], s["data_seed"], s["data_changed"]) == (None,) * 4
    assert s["input"] == str(tmp_path / "two.npy")
    assert s["n"] == s["n_shown"] == len(s["predictions"]) == 2
    assert s["predictions"] == list(nets.load_model(path).predict(X_raw[:2]).labels)
    code, out, err = run_cli(["predict", path, "--input", tmp_path / "two.npy", "--limit",
                              "-2"], capsys)
    assert (code, out) == (2, "")
    assert err == "hplab predict: error: --limit must be >= 0, or -1 for all, got -2\n"


def test_a_study_trials_model_without_data_seed_scores_its_studys_split(saved_model, tmp_path,
                                                                        capsys):
    # a model saved before data_seed was stored has a trial's seed [study_seed, trial]:
    # its data was split with the study's seed, the first, not the trial number
    path, X_raw, y_raw = saved_model("regression")
    pd.DataFrame(X_raw, columns=["a", "b", "c"]).assign(y=y_raw).to_csv(tmp_path / "toy.csv",
                                                                      index=False)
    name = f"csv:{tmp_path / 'toy.csv'}?task=regression"

    def legacy_meta(header):
        header["meta"].update(dataset=name, seed=[3, 7])
        header["meta"].pop("data_seed", None)

    legacy = _rewrite(path, tmp_path / "legacy.npz", legacy_meta)
    code, out, err = run_cli(["predict", legacy, "--dataset", "--json"], capsys)
    assert code == 0, err
    s = json.loads(out)
    assert (s["dataset"], s["split"], s["data_seed"]) == (name, "test", 3)
    model, ds = nets.load_model(legacy), data.load(name, seed=3)
    pred = model.predict(ds.X_test.astype(np.float64) * ds.x_scale + ds.x_shift)
    np.testing.assert_allclose(s["predictions"], pred.values[:s["n_shown"]], rtol=1e-12)


def test_positive_class_scores_are_null_where_undefined():
    # the README and --help: null where undefined, as ROC-AUC on a split of one class;
    # precision with no positive prediction is 0, as the imbalance benchmark scores it
    p = np.array([0.2, 0.7, 0.4, 0.9])

    def scores(truth, threshold=0.5):
        index = (p >= threshold).astype(np.int64)
        pred = nets.Prediction("binary", ("ok", "fraud"), index=index,
                               labels=np.array(["ok", "fraud"])[index],
                               probabilities=np.c_[1 - p, p])
        return nets.positive_class_scores(pred, truth)

    assert scores(["ok"] * 4) == {"positive": "fraud", "precision": 0.0, "recall": None,
                                  "f1": 0.0, "roc_auc": None, "pr_auc": None}
    assert scores(["ok"] * 4, threshold=0.95)["f1"] is None  # nothing said, nothing there
    assert scores(["fraud"] * 4) == {"positive": "fraud", "precision": 1.0, "recall": 0.5,
                                     "f1": pytest.approx(2 / 3), "roc_auc": None,
                                     "pr_auc": None}
    assert scores(["ok", "fraud", "fraud", "ok"]) == {
        "positive": "fraud", "precision": 0.5, "recall": 0.5, "f1": 0.5, "roc_auc": 0.5,
        "pr_auc": pytest.approx((1 / 2 + 2 / 3) / 2)}


def test_a_dataset_name_for_predict_dataset_says_to_load_it(saved_model, tmp_path):
    path, X, y = saved_model("binary")
    model = nets.load_model(path)
    # QA: "AttributeError: 'str' object has no attribute 'X_test'"
    with pytest.raises(TypeError, match=r"^ds must be a loaded dataset \(load it first: "
                                        r"data\.load\('csv:t\.csv'\)\), got str$"):
        nets.predict_dataset(model, "csv:t.csv")
    with pytest.raises(TypeError, match=r"^ds must be a loaded dataset \(load it first: "
                                        r"data\.load\(name\)\), got ndarray$"):
        nets.predict_dataset(model, np.zeros((4, 3)))
    # loaded, the same file is predicted
    pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "c": X[:, 2], "y": y}).to_csv(
        tmp_path / "t.csv", index=False)
    ds = data.load(f"csv:{tmp_path / 't.csv'}")
    pred, truth = nets.predict_dataset(model, ds)
    assert len(pred.labels) == len(truth) == len(ds.y_test) > 0


def test_an_estimators_model_takes_a_datasets_rows_in_their_own_units(tmp_path, capsys):
    # QA: an estimator fit on iris as it is, saved with save_estimator: `predict --dataset`
    # gave it the set's min-max scaled rows (accuracy 0.43 against its own 0.67 on the same
    # test rows), as a net saved without input scaling takes them
    from sklearn.datasets import load_iris
    from sklearn.exceptions import ConvergenceWarning

    csv = tmp_path / "iris.csv"
    load_iris(as_frame=True).frame.to_csv(csv, index=False)
    ds = data.load(f"csv:{csv}")

    def raw(X):  # the rows as the file holds them
        return pd.DataFrame(X.astype(np.float64) * ds.x_scale + ds.x_shift,
                            columns=list(ds.feature_names))

    def labels(y):
        return np.array(ds.classes)[np.asarray(y, dtype=int)]

    clf = nets.NetClassifier(hidden=(8,), max_epochs=100, random_state=0)
    with warnings.catch_warnings():  # stopped at max_epochs, short of converging: meant
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(raw(ds.X_train), labels(ds.y_train))
    path = nets.save_estimator(tmp_path / "est.npz", clf)
    own = clf.score(raw(ds.X_test), labels(ds.y_test))
    assert 0.5 < own < 1  # a net that learned some, not all: the two inputs score apart
    code, out, err = run_cli(["predict", path, "--dataset", f"csv:{csv}", "--out",
                              tmp_path / "p.csv", "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["accuracy"] == pytest.approx(own)
    assert pd.read_csv(tmp_path / "p.csv")["prediction"].tolist() == \
        clf.predict(raw(ds.X_test)).tolist()


def _abc_model(tmp_path, capsys):
    """A table of features a, b, c and its label y (a > 0), and a model trained on it."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(200, 3)), columns=["a", "b", "c"])
    frame["y"] = (frame["a"] > 0).astype(int)
    frame.to_csv(tmp_path / "tab.csv", index=False)
    code, _, err = run_cli(["train", "--dataset", f"csv:{tmp_path / 'tab.csv'}", "--epochs", 2,
                            "--out", tmp_path / "m", "--no-report", "--json"], capsys)
    assert code == 0, err
    return frame, nets.load_model(tmp_path / "m" / "model.npz")


def test_a_series_that_is_no_example_and_a_flat_array_of_one_feature_are_refused(tmp_path,
                                                                                 capsys):
    # QA: model.predict(df["a"].iloc[:3]) gave one prediction, three rows of column a read
    # as the features a, b and c; a 1-feature model refused np.linspace(0, 3, 5) without
    # saying how to give 5 examples
    frame, model = _abc_model(tmp_path, capsys)
    with pytest.raises(ValueError, match=r"^a Series is one example, indexed by feature names "
                       r"\(df\.iloc\[0\]\); this one is column 'a' of a table: give the rows "
                       "as a DataFrame of the model's columns$"):
        model.predict(frame["a"].iloc[:3])
    with pytest.raises(ValueError, match="this one's index holds no names, and this model "
                       "takes its features by name"):
        model.predict(pd.Series([0.1, 0.2, 0.3]))
    # a row is one example, by its names in any order
    row = frame.iloc[5][["c", "a", "b"]]
    assert model.predict(row).labels.tolist() == model.predict(frame.iloc[5:6]).labels.tolist()
    code, _, err = run_cli(["train", "--dataset", "sine", "--epochs", 2, "--out", tmp_path / "s",
                            "--no-report", "--json"], capsys)
    assert code == 0, err
    sine = nets.load_model(tmp_path / "s" / "model.npz")
    with pytest.raises(ValueError, match=r"got an array of shape \(5,\); examples of one "
                       r"feature are a column: X\.reshape\(-1, 1\)$"):
        sine.predict(np.linspace(0, 1, 5))
    assert len(sine.predict(np.linspace(0, 1, 5).reshape(-1, 1)).values) == 5


def test_inputs_far_outside_the_training_range_are_said(tmp_path, capsys):
    # QA: a column in other units (x 1000) or digits' pixels x 100 were predicted without a
    # word, confidently and wrongly (0.46 against the model's own 0.95), where data warns
    # of a test split scaled that far past its training split
    frame, model = _abc_model(tmp_path, capsys)
    rows = frame.drop(columns="y")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the training range's own rows: no warning
        model.predict(rows)
    kilo = rows.assign(a=rows["a"] * 1000)
    kilo.to_csv(tmp_path / "kilo.csv", index=False)
    low = (kilo["a"].min() - model.x_shift[0]) / model.x_scale[0]
    high = (kilo["a"].max() - model.x_shift[0]) / model.x_scale[0]
    said = ("1 of 3 input features (a) lies far outside the range the model was trained on "
            f"(0 to 1 once scaled as its training data were; here {low:.3g} to {high:.3g}): "
            "its predictions extrapolate; check the inputs' units")
    with pytest.warns(UserWarning, match=re.escape(said)):
        model.predict(kilo)
    code, out, err = run_cli_as_program(["predict", tmp_path / "m" / "model.npz", "--input",
                                         tmp_path / "kilo.csv", "--out", tmp_path / "p.csv"],
                                        capsys)
    assert code == 0 and err == f"hplab predict: warning: {said}\n"


def test_a_saved_models_repr_is_short(tmp_path):
    # QA: its dataclass repr dumped the whole header into a notebook (3,991 characters for
    # a digits model, 35,951 with 784 named features); now the facts that tell it apart
    d = 784
    cfg = nets.TrainConfig(hidden=(4,), head="multiclass")
    net = nets.build_net(cfg, d, np.arange(30) % 12, rng=np.random.default_rng(1),
                         n_classes=12)
    meta = {"task": "multiclass", "classes": [f"c{i}" for i in range(12)],
            "feature_names": [f"px{i}" for i in range(d)], "named_features": True}
    path = nets.save_net(tmp_path / "m.npz", net, config=cfg.to_dict(), meta=meta)
    assert repr(nets.load_model(path)) == (
        f"SavedModel(path={str(path)!r}, net=MLP(784-4-12, activations=('sigmoid',), "
        "head='multiclass'), task='multiclass', classes=<12 classes>, n_features=784)")
    few = nets.save_net(tmp_path / "few.npz", nets.build_net(
        cfg, 2, np.arange(4) % 2, rng=np.random.default_rng(1), n_classes=2),
        config=cfg.to_dict(), meta={"task": "multiclass", "classes": ["no", "yes"]})
    assert repr(nets.load_model(few)).endswith(
        "task='multiclass', classes=('no', 'yes'), n_features=2)")


def test_an_input_header_in_another_unicode_form_names_the_features(tmp_path, capsys):
    # QA: an input headed as macOS writes names (NFD: e + U+0301) "names none of the
    # model's features (größe, température); the model takes température, größe"
    import unicodedata

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    pd.DataFrame({"température": X[:, 0], "größe": X[:, 1], "y": X[:, 0] > 0}).to_csv(
        tmp_path / "d.csv", index=False)
    model = _trained_on_csv(tmp_path / "d.csv", tmp_path / "run", capsys)
    want = model.predict(X[:5]).probabilities
    swapped = pd.DataFrame(X[:5, [1, 0]], columns=["größe", "température"])
    swapped.columns = [unicodedata.normalize("NFD", c) for c in swapped.columns]
    swapped.to_csv(tmp_path / "in.csv", index=False)
    code, out, err = run_cli(["predict", model.path, "--input", tmp_path / "in.csv", "--json",
                              "--limit", "5"], capsys)
    assert code == 0, err
    np.testing.assert_array_equal(json.loads(out)["probabilities"], want)


def test_a_header_naming_one_text_in_both_unicode_forms_predicts_as_it_trained(tmp_path,
                                                                               capsys):
    # QA: a file headed "é" (NFC) and "é" (NFD, e + U+0301) trains, two features; its own
    # header was refused at predict time, "column é appears twice", once forms were matched
    import unicodedata

    nfc, nfd = "é", unicodedata.normalize("NFD", "é")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    table = pd.DataFrame({nfc: X[:, 0], nfd: X[:, 1], "y": X[:, 0] > X[:, 1]})
    table.to_csv(tmp_path / "d.csv", index=False)
    model = _trained_on_csv(tmp_path / "d.csv", tmp_path / "run", capsys)
    swapped = table[[nfd, nfc]].iloc[:5]  # the file's own names, in another order
    swapped.to_csv(tmp_path / "in.csv", index=False)
    code, out, err = run_cli(["predict", model.path, "--input", tmp_path / "in.csv", "--json",
                              "--limit", "5"], capsys)
    assert code == 0, err
    np.testing.assert_array_equal(json.loads(out)["probabilities"],
                                  model.predict(X[:5]).probabilities)
    assert model.feature_columns(list(swapped.columns), "a table") == [1, 0]


def test_predict_out_dash_on_a_terminal_escapes_a_labels_control_characters(tmp_path):
    # QA: a class label read from someone's CSV ("\x1b[31mred") went raw to the terminal
    # with `--out -` (the table of predictions printed it escaped); a pipe takes it as stored
    rng = np.random.default_rng(0)
    x = rng.random((60, 2))
    labels = np.where(x[:, 0] > x[:, 1], "\x1b[31mred", "blue")
    table = tmp_path / "t.csv"
    pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "label": labels}).to_csv(table, index=False)
    hplab_cli("train", "--dataset", f"csv:{table}", "--hidden", "4", "--epochs", "5",
              "--out", tmp_path / "run", "--no-report", cwd=tmp_path)
    args = ("predict", tmp_path / "run" / "model.npz", "--dataset", f"csv:{table}",
            "--out", "-")
    code, text = hplab_on_a_terminal(*args, cwd=tmp_path)
    assert code == 0, text[-2000:]
    assert "\x1b" not in text and "p_\\x1b[31mred" in text.splitlines()[0]
    piped = pd.read_csv(io.StringIO(hplab_cli(*args, cwd=tmp_path).stdout))
    assert "p_\x1b[31mred" in piped.columns
    assert set(piped["label"]) == {"\x1b[31mred", "blue"} and len(piped) == 12


@pytest.mark.slow
def test_predictions_printed_as_csv_are_utf8_whatever_the_locale(tmp_path, capsys):
    # QA: under PYTHONIOENCODING=ascii (or an ISO-8859-1 locale) `--out -` wrote the label
    # 狗 as \u72d7 into the CSV, exit 0: text no reader gives back
    import subprocess
    import sys

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "kind": np.where(X[:, 0] > 0, "猫", "狗")}
                 ).to_csv(tmp_path / "c.csv", index=False)
    pd.DataFrame({"a": X[:6, 0], "b": X[:6, 1]}).to_csv(tmp_path / "in.csv", index=False)
    code, _, err = run_cli(["train", "--dataset", f"csv:{tmp_path / 'c.csv'}", "--epochs", "2",
                            "--no-report", "--out", tmp_path / "run"], capsys)
    assert code == 0, err
    model = nets.load_model(tmp_path / "run" / "model.npz")
    expected = model.predict(pd.read_csv(tmp_path / "in.csv"))
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root), "PYTHONIOENCODING": "ascii"}
    done = subprocess.run([sys.executable, "-m", "hplab", "predict", str(model.path), "--input",
                           "in.csv", "--out", "-"], capture_output=True, cwd=tmp_path, env=env,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    frame = pd.read_csv(io.StringIO(done.stdout.decode("utf-8")))
    assert list(frame.columns) == ["prediction", "p_狗", "p_猫"]
    assert frame["prediction"].tolist() == list(expected.labels)
    np.testing.assert_allclose(frame["p_猫"], expected.probabilities[:, 1], rtol=1e-6)


def test_a_model_of_other_inputs_is_refused_in_one_line_a_count_in_its_number(tmp_path,
                                                                              capsys):
    # QA (predict on data of another kind "silent"): each mismatch is refused in one line,
    # exit code 2; one feature or column was "1 features", "1 columns"
    code, _, err = run_cli(["train", "--dataset", "coin", "--hidden", "4", "--epochs", "1",
                            "--out", tmp_path / "coin", "--no-report"], capsys)
    assert code == 0, err
    model = tmp_path / "coin" / "model.npz"
    info = json.loads((tmp_path / "coin" / "config.json").read_text())["dataset_info"]
    assert (info["n_features"], info["classes"]) == (2, [1, 2, 3])
    (tmp_path / "one.csv").write_text("a\n0.5\n")
    for given, said in [(["--dataset", "sine"], "dataset 'sine' has 1 feature, the model "
                         "takes 2"),
                        (["--input", tmp_path / "one.csv"], f"{tmp_path / 'one.csv'}: 1 "
                         "column; the model takes 2 (x1, x2): give exactly those columns"),
                        (["--dataset", "xor"], "dataset 'xor' has classes the model does "
                         "not know (0)")]:
        code, out, err = run_cli(["predict", model, *given], capsys)
        assert (code, out) == (2, "") and err.count("\n") == 1 and said in err, err
