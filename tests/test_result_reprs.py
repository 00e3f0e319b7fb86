"""The reprs a notebook shows of `nets.Prediction`, `reports.RunComparison` and
`study.StudySpec` are one short line (QA session 71): each printed its arrays, records and
histories, or its parsed TOML beside its fields, whole."""

import data
import nets
import reports
import study


def test_prediction_and_comparison_reprs_are_short(tmp_path):
    cfg = nets.TrainConfig(hidden=(4,), lr=0.3, max_epochs=5)
    for lr in (0.3, 1.0):
        study.train_run("coin", cfg.replace(lr=lr), seed=0, out=tmp_path / f"lr{lr}")
    model = nets.load_model(tmp_path / "lr0.3" / "model.npz")
    pred, truth = nets.predict_dataset(model, data.load("coin", seed=0))
    assert len(pred) == 500 and 0.4 < (pred.labels == truth).mean() < 1
    assert repr(pred) == ("Prediction(task='multiclass', classes=(1, 2, 3), "
                          "index=<ndarray 500 int64>, labels=<ndarray 500 int64>, "
                          "probabilities=<ndarray 500 x 3 float32>, values=None)")

    cmp = reports.compare_runs([tmp_path / "lr0.3", tmp_path / "lr1.0"])
    assert cmp.differing == ["lr"] and len(cmp.curves) == 12
    assert repr(cmp) == (f"RunComparison(runs=['lr0.3', 'lr1.0'], settings=<list of 2 dicts>, "
                         f"shared=<dict of {len(cmp.shared)}>, differing=['lr'], "
                         f"table=<DataFrame 2 x {cmp.table.shape[1]}>, "
                         f"curves=<DataFrame 12 x {cmp.curves.shape[1]}>, best={cmp.best!r}, "
                         "notes=[])")
    assert repr(cmp.runs[0]) == (f"ComparedRun(label='lr0.3', folder={cmp.runs[0].folder!r}, "
                                 f"record=<dict of {len(cmp.runs[0].record)}>, "
                                 "history=<DataFrame 6 x 7>, kept_row=None)")


def test_study_spec_repr_leaves_out_its_raw_toml():
    spec = study.load_spec("xor", n_trials=2)
    shown = repr(spec)
    assert shown.startswith("StudySpec(name='xor', dataset='xor', metrics=('val_loss',), "
                            "n_trials=2, seed=0, ")
    assert "raw=" not in shown and "\n" not in shown and len(shown) < 900
    assert spec.raw["study"]["dataset"] == "xor"  # still there, and compared
    assert spec == study.load_spec("xor", n_trials=2) != study.load_spec("xor", n_trials=3)
