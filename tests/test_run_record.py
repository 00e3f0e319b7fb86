"""A training run's config.json records what its numbers depend on, beside the config: the
data it read (a file can change under its saved path)."""

import json

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
