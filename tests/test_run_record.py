"""A training run's config.json records what its numbers depend on, beside the config: the
data it read (a file can change under its saved path) and the BLAS threads it multiplied
with (another count changes a wide net's last bits)."""

import json
import math

import numpy as np
import pytest
from cli_helpers import strict_json
from threadpoolctl import threadpool_info, threadpool_limits

import data
import nets
import study

CFG = nets.TrainConfig(hidden=(4,), lr=0.5, batch_size=8, max_epochs=2)


def _csv(path, rows):
    path.write_text("a,b,y\n" + "".join(f"{a},{b},{y}\n" for a, b, y in rows))


def test_config_json_records_the_fingerprint_of_the_data_trained_on(tmp_path):
    rows = [(i % 7, (3 * i) % 5, i % 2) for i in range(60)]
    _csv(tmp_path / "d.csv", rows)
    name = f"csv:{tmp_path / 'd.csv'}"
    run = study.train_run(name, CFG, seed=1, out=tmp_path / "run")
    config = json.loads((tmp_path / "run" / "config.json").read_text())
    _, header, _ = nets.load_net(tmp_path / "run" / "model.npz")
    assert config["data_fingerprint"] == run.dataset.fingerprint() \
        == header["meta"]["data_fingerprint"]
    # the file edited under the same path: its fingerprint tells the record it is not
    # the data these numbers came from (the name and path alone do not)
    _csv(tmp_path / "d.csv", rows[::-1])
    reloaded = data.load(config["dataset"], seed=config["data_seed"])
    assert config["dataset"] == name and reloaded.fingerprint() != config["data_fingerprint"]


def _blas():
    # in the record's order: by file path (the load order varies with what was imported)
    return sorted((i for i in threadpool_info() if i["user_api"] == "blas"),
                  key=lambda i: i["filepath"])


def test_config_json_records_the_blas_threads_the_run_had(tmp_path):
    if not _blas():
        pytest.skip("no BLAS library loaded")
    study.train_run("xor", CFG, seed=0, out=tmp_path / "default")
    with threadpool_limits(limits=1, user_api="blas"):
        study.train_run("xor", CFG, seed=0, out=tmp_path / "one")
    default, one = (json.loads((tmp_path / run / "config.json").read_text())["blas"]
                    for run in ("default", "one"))
    # each loaded BLAS library: its name, version, threads while the run trained and
    # kernels (OpenBLAS's core type: another CPU's, or OPENBLAS_CORETYPE's, give other bits)
    assert default == [{"library": i["internal_api"], "version": i["version"],
                        "threads": i["num_threads"], "kernels": i.get("architecture")}
                       for i in _blas()]
    assert all(b["kernels"] for b in default if b["library"] == "openblas")
    assert [b["threads"] for b in one] == [1] * len(default)
    assert [b["library"] for b in one] == [b["library"] for b in default]
    assert all(isinstance(b["threads"], int) and b["threads"] >= 1 for b in default)


def test_a_run_limited_to_one_thread_is_told_apart_by_its_record(tmp_path):
    # what the record is for: digits at full batch through 256 units steps on every BLAS
    # thread, so 1 and 2 threads give other weights, and only the record says which ran
    if not _blas() or max(i["num_threads"] for i in _blas()) < 2:
        pytest.skip("needs a BLAS with 2 threads or more")
    cfg = nets.TrainConfig(hidden=(256,), lr=0.5, batch_size=-1, max_epochs=2)
    with threadpool_limits(limits=2, user_api="blas"):
        two = study.train_run("digits", cfg, seed=0, out=tmp_path / "two")
    with threadpool_limits(limits=1, user_api="blas"):
        one = study.train_run("digits", cfg, seed=0, out=tmp_path / "one")
    assert not all(np.array_equal(a, b) for a, b in zip(two.net.params, one.net.params,
                                                        strict=True))
    threads = [json.loads((tmp_path / r / "config.json").read_text())["blas"][0]["threads"]
               for r in ("two", "one")]
    assert threads == [2, 1]


@pytest.mark.parametrize("optimizer", ["rmsprop", "adam", "momentum", "adadelta", "adamw"])
def test_config_json_resolves_the_optimizer_defaults_its_config_leaves_none(tmp_path, optimizer):
    cfg = nets.TrainConfig(hidden=(4,), lr=0.05, batch_size=8, max_epochs=1, optimizer=optimizer)
    run = study.train_run("xor", cfg, seed=0, out=tmp_path / "run")
    record = json.loads((tmp_path / "run" / "config.json").read_text())
    # config keeps None (TrainConfig(**config) re-runs as it ran); resolved says what ran
    assert record["config"]["rho"] is None and record["config"]["opt_eps"] is None
    assert record["config"]["weight_decay"] is None
    used = nets.new_optimizer(nets.TrainConfig(**record["config"]), run.net)
    cls = nets.OPTIMIZERS[optimizer]
    # weight decay: every optimizer's, 0 but adamw's own 0.01
    expected = {"rmsprop": {"rho": 0.9, "opt_eps": 1e-8}, "adam": {"opt_eps": 1e-8},
                "momentum": {}, "adadelta": {"rho": 0.95, "opt_eps": 1e-6},
                "adamw": {"opt_eps": 1e-8}}[optimizer]
    expected["weight_decay"] = 0.01 if optimizer == "adamw" else 0.0
    assert record["resolved"] == {**expected, "head": "binary"}  # the head xor's auto chose
    assert {k: {"rho": used.rho, "opt_eps": used.eps, "weight_decay": used.weight_decay}[k]
            for k in expected} \
        == expected == {k: getattr(cls, nets.OWN_DEFAULTS[k]) for k in expected}


def test_config_json_resolves_nothing_a_config_gave(tmp_path):
    cfg = nets.TrainConfig(hidden=(4,), lr=0.05, batch_size=8, max_epochs=1,
                           optimizer="rmsprop", rho=0.8, weight_decay=0.02)
    study.train_run("xor", cfg, seed=0, out=tmp_path / "run")
    record = json.loads((tmp_path / "run" / "config.json").read_text())
    assert record["config"]["rho"] == 0.8 and record["config"]["weight_decay"] == 0.02
    assert record["resolved"] == {"opt_eps": 1e-8, "head": "binary"}
    # a head given is not resolved either
    study.train_run("xor", cfg.replace(head="binary"), seed=0, out=tmp_path / "given")
    record = json.loads((tmp_path / "given" / "config.json").read_text())
    assert record["config"]["head"] == "binary" and record["resolved"] == {"opt_eps": 1e-8}


def test_an_infinite_setting_is_recorded_in_standard_json_and_read_back(tmp_path):
    # config.json held "divergence_factor": Infinity, which jq and JSON.parse refuse
    cfg = CFG.replace(divergence_factor=math.inf)
    run = study.train_run("xor", cfg, seed=3, out=tmp_path / "run")
    record = strict_json((tmp_path / "run" / "config.json").read_text())
    again = nets.TrainConfig(**record["config"])
    assert again.divergence_factor == math.inf and again == cfg
    # the model's header too: standard JSON, its config read back as it was
    with np.load(tmp_path / "run" / "model.npz") as npz:
        strict_json(str(npz["header"][()]))
    _, header, _ = nets.load_net(tmp_path / "run" / "model.npz")
    assert header["config"]["divergence_factor"] == math.inf
    rerun = study.train_run("xor", again, seed=record["seed"])
    assert rerun.result.history.equals(run.result.history)
    assert all(np.array_equal(a, b) for a, b in zip(rerun.net.params, run.net.params,
                                                    strict=True))


def test_a_config_json_of_earlier_versions_still_loads(tmp_path):
    # written before: Infinity (a training run's), null (an analysis's lost infinity)
    old = json.loads('{"config": {"divergence_factor": Infinity, "rho": null}, '
                     '"settings": {"diverge": null, "beta": 0.98}}')
    assert nets.TrainConfig(**old["config"]).divergence_factor == math.inf
    assert nets.settings_from_json(old) == old


def test_record_files_keep_chinese_text_readable(tmp_path):
    # QA (a course student): config.json and result.json held the project folder 实验 and
    # the labels as "\u5b9e\u9a8c", unreadable in an editor; spec.toml kept them as written
    import analyses
    import reports

    folder = tmp_path / "实验"
    folder.mkdir()
    (folder / "数据.csv").write_text("甲,乙,类别\n" + "".join(
        f"{i % 7},{(3 * i) % 5},{'正面' if i % 2 else '反面'}\n" for i in range(60)), "utf-8")
    name = f"csv:{folder / '数据.csv'}?target=类别"
    study.train_run(name, CFG, seed=1, out=folder / "run")
    text = (folder / "run" / "config.json").read_text("utf-8")
    assert "实验" in text and "\\u" not in text and json.loads(text)["dataset"] == name
    result = analyses.lr_range_test(name, CFG, num_steps=20)
    reports.lr_range_report(result, folder / "lr")
    text = (folder / "lr" / "result.json").read_text("utf-8")
    assert "类别" in text and "\\u" not in text
    # a name of bytes UTF-8 cannot hold (a zip's GBK file name, read as surrogates) is
    # escaped rather than failing the write
    assert nets.json_file_text({"path": "b\udcb0.csv"}) == '{"path": "b\\udcb0.csv"}'
