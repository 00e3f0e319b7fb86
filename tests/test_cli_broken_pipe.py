"""A BrokenPipeError in a command: 141 and no word only where standard output's reader has
gone (`hplab ... | head`); one from another pipe (a helper process's) is an error, said."""

import os
import socket
import subprocess
import sys

from cli_helpers import ROOT

# `hplab data show xor --json` in a fresh process whose `data.load` writes into a pipe
# whose reader is gone, as loky's resource tracker's pipe did when the tracker failed to
# start: a real EPIPE, from a pipe that is not standard output
_HELPER_PIPE_BREAKS = """
import os, sys
import data, hplab

def load(*args, **kwargs):
    read, write = os.pipe()
    os.close(read)
    os.write(write, b"x")

data.load = load
sys.argv = ["hplab", "data", "show", "xor", "--json"]
sys.exit(hplab.main())
"""


def _run(argv, stdout) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *argv], stdout=stdout, stderr=subprocess.PIPE,
                          text=True, timeout=120, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def _closed_pipe_run(argv) -> subprocess.CompletedProcess:
    read, write = os.pipe()
    os.close(read)  # the reader gone before the first write: `| head -c 5` at its end
    try:
        return _run(argv, write)
    finally:
        os.close(write)


def test_a_broken_pipe_that_is_not_standard_output_is_said():
    # QA: `study run --workers 2 --json` whose resource tracker failed to start ended in
    # 141 with nothing on stdout or stderr: a script read "the reader went away"
    proc = _run(["-c", _HELPER_PIPE_BREAKS], subprocess.PIPE)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == (
        "hplab data show: error: Broken pipe (not standard output's: a pipe to a helper "
        "process or worker that failed or ended early)\n")
    # its reader gone too, standard output is the broken pipe the shell knows: quiet
    proc = _closed_pipe_run(["-c", _HELPER_PIPE_BREAKS])
    assert (proc.returncode, proc.stderr) == (141, "")


def test_a_closed_standard_output_still_ends_quietly_with_141():
    argv = [str(ROOT / "hplab.py"), "data", "show", "xor", "--json"]
    proc = _run(argv, subprocess.PIPE)  # the same command, read: its object
    assert proc.returncode == 0 and proc.stdout.startswith('{"name": "xor"')
    proc = _closed_pipe_run(argv)
    assert (proc.returncode, proc.stderr) == (141, "")
    # a socket whose peer closed (a supervisor's log socket) polls POLLHUP, not POLLERR
    ours, theirs = socket.socketpair()
    theirs.close()
    with ours:
        proc = _run(argv, ours.fileno())
    assert (proc.returncode, proc.stderr) == (141, "")
