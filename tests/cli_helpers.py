"""Running the command line: in-process, the way most CLI tests do, or as a user does."""

import os
import subprocess
import sys
from pathlib import Path

import hplab

ROOT = Path(hplab.__file__).resolve().parent


def run_cli(argv, capsys):
    """(exit code, stdout, stderr); argparse errors exit through SystemExit."""
    try:
        code = hplab.main([str(a) for a in argv])
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def hplab_cli(*args, cwd, timeout=180, check=True):
    """``hplab ARGS`` in a fresh process, as a user runs it (stderr as a user sees it,
    optuna's log lines included)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, str(ROOT / "hplab.py"), *map(str, args)], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"exit {proc.returncode}: {proc.stderr[-2000:]}")
    return proc
