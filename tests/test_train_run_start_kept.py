"""`study.train_run` says that early stopping kept the net's starting weights, at the
caller's line in TrainConfig's words (QA session 71: only ``hplab train`` said it, and
`study.warn_if_start_kept` named the flags --lr and --patience from Python too)."""

import nets
import study


def _said(recwarn) -> list:
    return [(str(w.message), w.filename) for w in recwarn
            if "kept the starting weights" in str(w.message)]


def test_train_run_warns_when_early_stopping_kept_the_start(recwarn):
    cfg = nets.TrainConfig(hidden=(4,), lr=5.0, patience=2, max_epochs=50)
    run = study.train_run("coin", cfg, seed=0)
    assert run.result.status == "early_stopped" and run.result.kept_start
    first = run.result.history["val_loss"].iloc[0]
    assert first < run.result.history["val_loss"].iloc[1:].min()
    assert _said(recwarn) == [(
        "early stopping kept the starting weights: none of the 2 checkpoints after the start "
        "scored a lower validation loss, so the saved net is untrained; change lr, or raise "
        "patience", __file__)]
    recwarn.clear()
    study.train_run("coin", cfg, seed=0, advice=False)  # a study's trial: its own words
    past = study.train_run("coin", cfg.replace(lr=0.5), seed=0)  # stopped past its start
    assert not past.result.kept_start and _said(recwarn) == []
