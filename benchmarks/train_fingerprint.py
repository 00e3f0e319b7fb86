"""Fingerprints of training and of a study: did a change alter any bit of what they give?

A change meant to leave training alone (a faster step, a tidier loop) should give the same
weights, bit for bit; so should a change to the study machinery give the same trials. Run
this before and after the change, on the same machine, and compare the lines: each names a
fixed run and prints a hash of its final weights (and, for the study, of every trial's
parameters and values) with its last validation loss. No timing, and no target: the figures
hold for one machine's NumPy and BLAS (another CPU or BLAS gives other last bits), so they
are recorded in benchmarks/README.md for the machine they came from. Run:
``python benchmarks/train_fingerprint.py [--json]`` (about 10 s).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import optuna  # noqa: E402
from _common import run  # noqa: E402
from _study_common import variant  # noqa: E402

import nets  # noqa: E402
import study  # noqa: E402

#: name -> (dataset, the net's settings): the digits pair every session since 59 compared,
#: then a run through momentum, batch norm, a schedule and class weights
RUNS = {
    "digits-adam": ("digits", dict(hidden=(64, 16), activation="tanh", batch_size=32,
                                   max_epochs=15, optimizer="adam", lr=0.01)),
    "digits-sgd-dropout": ("digits", dict(hidden=(64, 16), activation="tanh", batch_size=32,
                                          max_epochs=15, optimizer="sgd", lr=0.1,
                                          dropout=0.2)),
    "coin-momentum-bn-cosine": ("coin", dict(hidden=(16, 8), activation="relu",
                                             batch_size=16, max_epochs=20,
                                             optimizer="momentum", lr=0.05,
                                             batch_norm=True, schedule="cosine",
                                             warmup_steps=20, l2=1e-4,
                                             class_weight=(1.0, 2.0, 1.0))),
}
#: a short TPE study with hyperband pruning: sampling, pruning and seeding per trial
STUDY_SPEC, STUDY_TRIALS = "coin", 12


def short_hash(*chunks: bytes) -> str:
    """The first 16 hex digits of the SHA-256 of ``chunks`` in order."""
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()[:16]


def train_fingerprint(dataset: str, settings: dict) -> dict:
    """One run's weights hash and last validation loss (seed 0)."""
    trained = study.train_run(dataset, nets.TrainConfig(**settings), seed=0)
    return {"weights": short_hash(*(p.tobytes() for p in trained.net.params)),
            "val_loss": trained.result.records[-1]["val_loss"]}


def study_fingerprint(folder: Path) -> dict:
    """A short study's trials (parameters, states, values) hashed, and its best value."""
    spec = variant(STUDY_SPEC, n_trials=STUDY_TRIALS, max_epochs=20)
    storage = f"sqlite:///{folder / 'fingerprint.db'}"
    summary = study.run_study(spec, storage=storage)
    stored = optuna.load_study(study_name=spec.name, storage=storage)
    rows = [json.dumps([t.number, t.state.name, t.params, t.value], sort_keys=True)
            for t in sorted(stored.trials, key=lambda t: t.number)]
    return {"trials": short_hash(*(r.encode() for r in rows)),
            "best_value": summary["best_value"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    out = {name: train_fingerprint(*run_of) for name, run_of in RUNS.items()}
    with tempfile.TemporaryDirectory() as folder:
        out[f"study-{STUDY_SPEC}-{STUDY_TRIALS}"] = study_fingerprint(Path(folder))
    # the figures hold for these kernels: another CPU's (or OPENBLAS_CORETYPE's) differ
    blas = nets.blas_threads()
    if args.json:
        print(json.dumps({**out, "blas": blas}, indent=2))
        return
    for name, figures in out.items():
        print(f"{name:28s} " + "  ".join(f"{k} {v!r}" for k, v in figures.items()))
    print("BLAS: " + "; ".join(f"{b['library']} {b['version']}, {b['kernels']} kernels"
                               for b in blas))


if __name__ == "__main__":
    run(main)
