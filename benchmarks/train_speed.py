"""Epoch time of nets against scikit-learn's MLPClassifier and the unavoidable work.

784-64-16-10 (sigmoid, tanh, softmax), plain SGD, batch 128, float32, 60000
random samples. nets steps this net on one BLAS thread by its own size rule (a step's
largest product below ``nets._threads.SMALL_STEP_FLOPS`` multiply-adds; its checkpoint
scoring on the default threads). MLPClassifier, and the ceiling (the same matrix products
plus drawing the shuffled batches, with nothing else), are each timed on the default BLAS
threads (both cores) and on one: each verdict takes the faster setting, the peer and the
unavoidable work at their best. Run:
``python benchmarks/train_speed.py [--repeats 5] [--epochs 3]``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_info, threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _common import interleaved, median, positive, run  # noqa: E402

import nets  # noqa: E402
from nets import SMALL_STEP_FLOPS  # noqa: E402

N, D, H1, H2, K, BATCH = 60_000, 784, 64, 16, 10, 128


def make_data(rng):
    X = rng.random((N, D), dtype=np.float32)
    y = rng.integers(0, K, N)
    return X, y


def run_nets(X, y, epochs):
    cfg = nets.TrainConfig(hidden=(H1, H2), activation=("sigmoid", "tanh"), optimizer="sgd",
                           lr=0.1, batch_size=BATCH, max_epochs=epochs, checkpoint=epochs,
                           dtype="float32")
    rng = np.random.default_rng(0)
    net = nets.build_net(cfg, D, y, rng=rng, n_classes=K)
    nets.train(net, cfg, X, y, rng=rng)


def run_sklearn(X, y, epochs):
    # sklearn applies one activation to every hidden layer: tanh is the closer cost
    clf = MLPClassifier(hidden_layer_sizes=(H1, H2), activation="tanh", solver="sgd",
                        learning_rate_init=0.1, momentum=0.0, nesterovs_momentum=False,
                        batch_size=BATCH, max_iter=epochs, alpha=0.0, tol=0.0,
                        n_iter_no_change=10**6, shuffle=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)


def run_sklearn_one_thread(X, y, epochs):
    """MLPClassifier on one BLAS thread, as nets steps this net."""
    with threadpool_limits(limits=1, user_api="blas"):
        run_sklearn(X, y, epochs)


def nets_step_threads() -> int | str:
    """The BLAS threads nets steps this net on: 1 below its size rule, else the default."""
    largest = max(a * b for a, b in ((D, H1), (H1, H2), (H2, K)))
    return 1 if BATCH * largest < SMALL_STEP_FLOPS else "default"


def run_ceiling(X, y, epochs):
    """Only the matrix products of forward and backward, plus the shuffled batches."""
    rng = np.random.default_rng(0)
    W = [rng.standard_normal(s, dtype=np.float32) * 0.01 for s in ((D, H1), (H1, H2), (H2, K))]
    for _ in range(epochs):
        perm = rng.permutation(N)
        for s in range(0, N, BATCH):
            a0 = X[perm[s:s + BATCH]]
            a1 = a0 @ W[0]
            a2 = a1 @ W[1]
            z = a2 @ W[2]
            g2 = a2.T @ z
            d2 = z @ W[2].T
            g1 = a1.T @ d2
            d1 = d2 @ W[1].T
            g0 = a0.T @ d1
            del g0, g1, g2


def run_ceiling_one_thread(X, y, epochs):
    """The ceiling on one BLAS thread: how much the second core gives these products."""
    with threadpool_limits(limits=1, user_api="blas"):
        run_ceiling(X, y, epochs)


# the targets: faster than scikit-learn by 1.5x, at 70 % of the ceiling's speed
TARGETS = {"speedup_vs_sklearn": 1.5, "fraction_of_ceiling": 0.70}


def judge(per_epoch: dict) -> dict:
    """The ratios and the targets' verdicts from the median seconds an epoch.

    The ceiling judged against is the faster of its two thread settings: the unavoidable
    work done at its fastest. Its two-thread run alone was slower than nets whenever a
    busy machine kept the second BLAS thread waiting (nets steps this net on one), and
    nets then came out at "777 %" of it, the target met. MLPClassifier likewise: the
    faster of its two settings, the peer at its best (on two threads alone, a busy
    machine made nets "17x" faster; on one thread, as nets steps, it was 1.9x).
    """
    ceilings = ("ceiling", "ceiling_1_thread")
    faster = min(ceilings, key=lambda k: per_epoch[k])
    peers = ("sklearn", "sklearn_1_thread")
    peer = min(peers, key=lambda k: per_epoch[k])
    out = {
        "speedup_vs_sklearn": per_epoch[peer] / per_epoch["nets"],
        "speedup_vs_sklearn_1_thread": per_epoch["sklearn_1_thread"] / per_epoch["nets"],
        "speedup_vs_sklearn_2_threads": per_epoch["sklearn"] / per_epoch["nets"],
        "sklearn_judged": peer,
        "fraction_of_ceiling": per_epoch[faster] / per_epoch["nets"],
        "fraction_of_ceiling_1_thread": per_epoch["ceiling_1_thread"] / per_epoch["nets"],
        "fraction_of_ceiling_2_threads": per_epoch["ceiling"] / per_epoch["nets"],
        "ceiling_judged": faster,
    }
    out["met"] = {k: out[k] >= target for k, target in TARGETS.items()}
    return out


def shown(value: float, target: float, digits: int, scale: float = 1.0) -> str:
    """``value`` x ``scale`` with ``digits`` decimals, or more where fewer would round it
    to the other side of ``target`` (69.6 % shown as "70 %" beside "MISSED")."""
    while (round(value * scale, digits) >= target * scale) != (value >= target) and digits < 9:
        digits += 1
    return f"{value * scale:.{digits}f}"


def verdict_lines(out: dict) -> list[str]:
    """The verdicts as printed: each figure to enough digits to agree with its verdict."""
    verdict = {True: "MET", False: "MISSED"}
    threads = {"ceiling": "two threads", "ceiling_1_thread": "one thread",
               "sklearn": "two threads", "sklearn_1_thread": "one thread"}
    speedup = shown(out["speedup_vs_sklearn"], TARGETS["speedup_vs_sklearn"], 3)
    fraction = shown(out["fraction_of_ceiling"], TARGETS["fraction_of_ceiling"], 1, 100)
    return [
        f"nets vs MLPClassifier: {speedup}x faster (MLPClassifier at its faster, on "
        f"{threads[out['sklearn_judged']]}; target >= 1.5x: "
        f"{verdict[out['met']['speedup_vs_sklearn']]})",
        f"nets vs MLPClassifier on two threads {out['speedup_vs_sklearn_2_threads']:.3f}x, "
        f"on one thread {out['speedup_vs_sklearn_1_thread']:.3f}x",
        f"nets at {fraction} % of the ceiling's speed (its faster, on "
        f"{threads[out['ceiling_judged']]}; target >= 70 %: "
        f"{verdict[out['met']['fraction_of_ceiling']]})",
        f"nets at {100 * out['fraction_of_ceiling_2_threads']:.1f} % of the two-thread "
        f"ceiling's, {100 * out['fraction_of_ceiling_1_thread']:.1f} % of the one-thread "
        "ceiling's",
    ]


def main(argv=None):
    p = argparse.ArgumentParser(description=(__doc__ or "").partition("\n")[0])
    p.add_argument("--repeats", type=positive(), default=5)
    p.add_argument("--epochs", type=positive(), default=3)
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    X, y = make_data(np.random.default_rng(0))
    contenders = {
        "nets": lambda: run_nets(X, y, args.epochs),
        "sklearn": lambda: run_sklearn(X, y, args.epochs),
        "sklearn_1_thread": lambda: run_sklearn_one_thread(X, y, args.epochs),
        "ceiling": lambda: run_ceiling(X, y, args.epochs),
        "ceiling_1_thread": lambda: run_ceiling_one_thread(X, y, args.epochs),
    }
    load_before = [round(v, 2) for v in os.getloadavg()]
    run_ceiling(X, y, 1)  # warm-up: page in X, spin up BLAS threads
    times = interleaved(contenders, args.repeats)
    per_epoch = {k: median(v) / args.epochs for k, v in times.items()}
    out = {
        "epoch_seconds": per_epoch,
        **judge(per_epoch),
        "repeats": args.repeats,
        # the default threads, read after the runs (nets' steps and the *_1_thread
        # contenders run on one: nets_step_threads), and beside them (the pairs' shape
        # kept for the readers of earlier output) each library's kernels (OpenBLAS's
        # core type: OPENBLAS_CORETYPE's where set)
        "blas": [(i.get("internal_api"), i.get("num_threads")) for i in threadpool_info()],
        "blas_kernels": [i.get("architecture") for i in threadpool_info()],
        "nets_step_threads": nets_step_threads(),
        "targets": TARGETS,
        "loadavg_before": load_before, "loadavg_after": [round(v, 2) for v in os.getloadavg()],
    }
    if args.json:
        print(json.dumps(out))
    else:
        for k, v in per_epoch.items():
            print(f"{k:16s} {v * 1000:8.1f} ms/epoch")
        print("\n".join(verdict_lines(out)))
        print(f"BLAS: {out['blas']} by default (kernels {out['blas_kernels']}); nets steps "
              f"on {out['nets_step_threads']} "
              f"thread(s); load average before {load_before}, after {out['loadavg_after']}")
    return out


if __name__ == "__main__":
    run(main)
