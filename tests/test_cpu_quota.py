"""A container's CPU quota (``docker run --cpus 1``): its processes keep the host's every
core in their affinity, and only the cgroup says how much of them they get. Run for real:
a cgroup with a quota of one CPU, mounted where a container sees its own (needs root and a
writable cgroup tree; skipped elsewhere)."""

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

import study

ROOT = Path(__file__).resolve().parents[1]
V1, V2 = Path("/sys/fs/cgroup/cpu"), Path("/sys/fs/cgroup")


@pytest.fixture
def one_cpu_quota():
    """A command prefix that runs a command in a new cgroup of one CPU's quota, that cgroup
    mounted over the cgroup root as a container's is; the cgroup removed after."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("needs root and unshare(1) to make a cgroup with a CPU quota")
    if len(os.sched_getaffinity(0)) < 2:
        pytest.skip("needs 2 cores, to tell a quota of one from the affinity")
    v1 = (V1 / "cpu.cfs_quota_us").exists()
    root = V1 if v1 else V2
    group = root / f"hplab-test-{uuid.uuid4().hex[:8]}"
    try:
        group.mkdir()
        if v1:
            (group / "cpu.cfs_period_us").write_text("100000")
            (group / "cpu.cfs_quota_us").write_text("100000")
        else:
            (group / "cpu.max").write_text("100000 100000")
    except OSError as exc:
        if group.exists():
            group.rmdir()
        pytest.skip(f"cannot make a cgroup with a CPU quota here ({exc})")
    # in a mount namespace of its own, the cgroup is the root, as in a container
    script = (f'echo $$ > {group}/cgroup.procs && exec unshare --mount sh -c '
              f'"mount --make-rprivate / && mount --bind {group} {root} && exec \\"\\$@\\"" sh')
    try:
        probe = subprocess.run(["sh", "-c", script + ' "$@"', "sh", "true"],
                               capture_output=True, text=True)
        if probe.returncode != 0:
            pytest.skip(f"cannot enter a cgroup with a CPU quota here: {probe.stderr.strip()}")
        yield ["sh", "-c", script + ' "$@"', "sh"]
    finally:
        group.rmdir()  # its processes have ended: the commands ran to their end


def test_a_containers_cpu_quota_caps_the_cores_and_a_studys_workers(one_cpu_quota, spec_file,
                                                                    tmp_path):
    # QA: `--workers -1` started a process per core of the affinity, the host's every core,
    # on a quota of one CPU
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cores = subprocess.run(one_cpu_quota + [sys.executable, "-c",
                                            "import nets, os; print(nets.cores(), "
                                            "len(os.sched_getaffinity(0)))"],
                           capture_output=True, text=True, env=env, check=True)
    assert cores.stdout.split() == ["1", str(len(os.sched_getaffinity(0)))]
    path = spec_file("quota", n_trials=4, pruner="none")
    db = tmp_path / "quota.db"
    run = subprocess.run(one_cpu_quota + [
        sys.executable, "-c", "import os, sys, hplab; print(os.getpid(), flush=True); "
        "sys.exit(hplab.main(sys.argv[1:]))", "study", "run", path, "--storage", str(db),
        "--workers", "-1", "--no-report", "--json"],
        capture_output=True, text=True, env=env, cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    pid, summary = run.stdout.split("\n", 1)
    assert json.loads(summary)["n_finished"] == 4
    trials = study.open_study("quota", str(db))[0].trials
    # every trial ran in the command's own process: one worker, none of a pool
    pids = {study.trial_info(t)["worker"].partition("@")[0].rpartition(":")[2] for t in trials}
    assert pids == {pid}
    assert "cores here" not in run.stderr  # -1 asked for no more than there are


PROBE = """
import json, numpy as np, nets
from threadpoolctl import threadpool_info
seen = set()
class Probe(nets.Callback):
    def on_step(self, state):
        seen.update(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"
                    and "numpy" in i["filepath"])
rng = np.random.default_rng(0)
X, y = rng.normal(size=(512, 784)).astype("float32"), rng.integers(0, 10, 512)
cfg = nets.TrainConfig(hidden=(512,), batch_size=256, max_epochs=1)
net = nets.build_net(cfg, 784, y, rng=rng)
assert nets.wide_steps(net.sizes, 256)  # steps on the default threads, not on one
nets.train(net, cfg, X, y, rng=rng, callbacks=[Probe()])
print(json.dumps([sorted(seen), [lib["threads"] for lib in nets.blas_threads()]]))
"""


def test_a_single_trainings_blas_threads_are_held_to_a_containers_cpu_quota(one_cpu_quota):
    # QA: OpenBLAS counts the affinity's cores at load (taskset -c 0: one thread), not a
    # quota's: `docker run --cpus 2` on a 64-core host, `hplab train` of a wide net stepped
    # on 64 threads waiting for 2 CPUs' time
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    env["PYTHONPATH"] = str(ROOT)
    run = subprocess.run(one_cpu_quota + [sys.executable, "-c", PROBE], capture_output=True,
                         text=True, env=env, check=True)
    # the wide steps on one thread, and every BLAS loaded (scipy's too) recorded at one
    assert json.loads(run.stdout) == [[1], [1] * len(json.loads(run.stdout)[1])]
    # a count the user set is theirs
    run = subprocess.run(one_cpu_quota + [sys.executable, "-c", PROBE], capture_output=True,
                         text=True, env={**env, "OPENBLAS_NUM_THREADS": "2"}, check=True)
    assert json.loads(run.stdout)[0] == [2]
