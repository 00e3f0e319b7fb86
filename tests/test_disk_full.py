"""Commands on a real full disk: a small tmpfs, mounted in a mount namespace of its own
(needs root and unshare(1); skipped elsewhere)."""

import gzip
import json
import os
import shlex
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def small_disk(tmp_path):
    """``run(options, command)``: the shell ``command`` run with a tmpfs of ``options``
    (``"size=256k"``) mounted at the folder it gets as ``$DISK``, which the mount's end
    empties; the CompletedProcess."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("needs root and unshare(1) to mount a small tmpfs")
    disk = tmp_path / "disk"
    disk.mkdir()

    def run(options: str, command: str) -> subprocess.CompletedProcess:
        script = (f"mount --make-rprivate / && mount -t tmpfs -o {options} tmpfs "
                  f"{shlex.quote(str(disk))} && DISK={shlex.quote(str(disk))} && {command}")
        return subprocess.run(["unshare", "--mount", "sh", "-c", script], capture_output=True,
                              text=True, timeout=180,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})

    probe = run("size=64k", "true")
    if probe.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {probe.stderr.strip()}")
    return run


def _mirror(folder: Path, rng: np.random.Generator) -> None:
    """MNIST's four files, small: 600 + 200 images of random pixels (train's gz ~470 kB) or,
    for ``folder`` named "zeros", of zeros (a few kB gzipped, 470 kB unpacked)."""
    folder.mkdir()
    for split, n in (("train", 600), ("t10k", 200)):
        pixels = (np.zeros((n, 28, 28), np.uint8) if folder.name == "zeros"
                  else rng.integers(0, 256, (n, 28, 28), dtype=np.uint8))
        with gzip.open(folder / f"{split}-images-idx3-ubyte.gz", "wb") as f:
            f.write(struct.pack(">IIII", 0x803, n, 28, 28) + pixels.tobytes())
        with gzip.open(folder / f"{split}-labels-idx1-ubyte.gz", "wb") as f:
            f.write(struct.pack(">II", 0x801, n) + rng.integers(0, 10, n, np.uint8).tobytes())


def test_a_fetch_onto_a_full_disk_names_the_file_it_could_not_write(small_disk, tmp_path):
    # QA diskfull: a download onto a full disk said "cannot download URL ([Errno 28] No
    # space left on device); download ... by hand", and one that filled it unpacking said
    # "error: No space left on device", no file named
    rng = np.random.default_rng(0)
    for name in ("noise", "zeros"):
        _mirror(tmp_path / name, rng)
    fetch = shlex.join([sys.executable, str(ROOT / "hplab.py"), "data", "fetch", "mnist",
                        "--no-verify", "--dest"])
    for name, written in (("noise", "train-images-idx3-ubyte.gz"),
                          ("zeros", "train-images-idx3-ubyte")):
        url = (tmp_path / name).as_uri() + "/"
        done = small_disk("size=256k",
                          f'{fetch} "$DISK/d" --url {url}; echo $?; ls -A "$DISK/d" 2>&1')
        code, *left = done.stdout.split()
        left = left[:1] if left[:1] == ["ls:"] else left  # no folder: the fetch made none
        assert (code, done.stderr) == ("2", f"hplab data fetch: error: cannot write "
                                            f"{tmp_path}/disk/d/{written}: No space left on "
                                            "device\n")
        # no part file left (nor the folder it made); the gz files it finished stay, for the
        # next fetch to unpack
        assert left == (["ls:"] if name == "noise" else sorted(
            f"{split}-{kind}.gz" for split in ("t10k", "train")
            for kind in ("images-idx3-ubyte", "labels-idx1-ubyte")))


def test_a_retrain_the_full_disk_failed_names_best_model_not_its_staging(small_disk):
    # QA diskfull: "the best trial could not be retrained (cannot write runs/studies/xor/
    # .best_model.tmp-host~1:123@456.789-1a2b3c4d/model.npz: No space left on device)": a
    # hidden folder of this run that no longer exists, in the warning and the report's note
    hplab = shlex.join([sys.executable, str(ROOT / "hplab.py")])
    done = small_disk("size=1m", f'cd "$DISK" && {hplab} study run xor --trials 2 --no-report '
                            '>/dev/null 2>&1 && { dd if=/dev/zero of=fill bs=64k 2>/dev/null; '
                            f'{hplab} study report xor; echo $?; }}')
    assert done.stdout == "2\n", done
    said = [line for line in done.stderr.splitlines() if ": warning: " in line or ": error: "
            in line]
    assert said[0] == (
        "hplab study report: warning: the best trial could not be retrained (cannot write "
        "runs/studies/xor/best_model/model.npz: No space left on device): the report shows "
        "no test scores or curves")
    assert said[1].startswith("hplab study report: error: cannot write ") and len(said) == 2


def test_a_storage_on_a_disk_out_of_inodes_says_so(small_disk):
    # QA diskfull: with every inode taken, a look at the WAL database (which makes its -shm)
    # said "cannot open runs/hplab.db: unable to open database file", no cause given
    hplab = shlex.join([sys.executable, str(ROOT / "hplab.py")])
    run = f"{hplab} study run xor --no-report --trials"
    done = small_disk("size=1m,nr_inodes=64", f'cd "$DISK" && {run} 2 >/dev/null 2>&1 && '
                      '{ mkdir fill; i=0; while touch fill/$i 2>/dev/null; do i=$((i+1)); done; '
                      f'{run} 3; echo $?; rm -r fill; {run} 3 --json; }}')
    assert done.stderr.splitlines()[0] == (
        "hplab study run: error: cannot open runs/hplab.db: unable to open database file (its "
        "disk has no free inodes: free some; the database itself may be fine)"), done
    code, resumed = done.stdout.split("\n", 1)
    assert code == "2"
    assert json.loads(resumed)["n_complete"] == 3  # freed, the run resumes


def test_a_new_study_the_full_disk_stopped_is_not_said_to_resume(small_disk):
    # QA: a study never stored, its run stopped by a full disk, was told "trials that
    # finished stay stored, and the same command resumes the study"
    hplab = shlex.join([sys.executable, str(ROOT / "hplab.py")])
    done = small_disk("size=1m", f'cd "$DISK" && {hplab} study run xor --no-report --trials 2 '
                      '>/dev/null 2>&1 && { dd if=/dev/zero of=fill bs=4k 2>/dev/null; '
                      f'truncate -s -64k fill; {hplab} study run coin --no-report --trials 2 '
                      f'--json; echo $?; {hplab} study run xor --no-report --trials 3 --json; '
                      f'rm fill; '
                      f'{hplab} study run coin --no-report --trials 2 --json; }}')
    # (--json: no progress bars)
    assert done.stderr.splitlines() == [
        "hplab study run: error: storage sqlite:///runs/hplab.db failed: database or disk is "
        "full; no trial was stored, and once space is freed the same command starts the study",
        # a stored study (2 of its trials done): resumed, its 3 trials too few for xor's
        # median pruner to act (said before the write the full disk refused)
        "hplab study run: warning: pruner 'median' judges no trial before 5 have completed "
        "(pruner.n_startup_trials = 5), and the study's budget is 3: no trial can be pruned, "
        "every one trains to its end; give n_trials (or --trials) above 5, lower "
        "pruner.n_startup_trials, or set pruner = \"none\"",
        "hplab study run: error: storage sqlite:///runs/hplab.db failed: database or disk is "
        "full; trials that finished stay stored, and the same command resumes the study"], done
    code, started = done.stdout.split("\n", 1)
    assert code == "2"
    assert json.loads(started)["n_complete"] == 2  # freed, the same command ran it
