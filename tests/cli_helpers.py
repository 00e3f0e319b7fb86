"""Running the command line: in-process, the way most CLI tests do, or as a user does."""

import contextlib
import ctypes
import io
import os
import pickle
import select
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

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


class Hung(BaseException):
    """A call `within` ended: it was still waiting (not an OSError, which hplab would
    turn into its one-line error)."""


@contextlib.contextmanager
def within(seconds: int):
    """Fail, rather than hang the suite, when the block takes over ``seconds`` (a named pipe
    opened for reading waits for a writer forever): SIGALRM breaks into the wait."""
    def ring(signum, frame):
        raise Hung(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def as_a_user(tmp_path) -> list[str]:
    """The command prefix under which file modes bind (root ignores them: setpriv drops the
    capabilities that let it), or a skip."""
    if os.geteuid() != 0:
        return []
    prefix = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner,-chown"]
    probe = tmp_path / "probe"
    probe.write_text("")
    probe.chmod(0o444)
    if shutil.which("setpriv") is None or subprocess.run(
            [*prefix, "sh", "-c", f"echo x > '{probe}'"], capture_output=True).returncode == 0:
        pytest.skip("cannot run a process that file modes bind")
    return prefix


# the capabilities by which root ignores file modes: CAP_CHOWN, CAP_DAC_OVERRIDE,
# CAP_DAC_READ_SEARCH, CAP_FOWNER (linux/capability.h), as `as_a_user` drops them
_FILE_MODE_CAPS = (0, 1, 2, 3)
_CAPABILITY_VERSION_3 = 0x20080522


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def _drop_file_mode_caps() -> None:
    """This process (a forked child) loses, for good, the capabilities that let root
    ignore file modes."""
    libc = ctypes.CDLL(None, use_errno=True)
    header, data = _CapHeader(_CAPABILITY_VERSION_3, 0), (_CapData * 2)()
    if libc.capget(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capget failed")
    keep = ~sum(1 << cap for cap in _FILE_MODE_CAPS) & 0xFFFFFFFF
    for field in ("effective", "permitted", "inheritable"):
        setattr(data[0], field, getattr(data[0], field) & keep)
    if libc.capset(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capset failed")


def run_cli_as_a_user(argv, tmp_path, timeout=120):
    """(exit code, stdout, stderr) of ``hplab ARGV`` run in a forked child that file modes
    bind (root's: without the capabilities that let it ignore them, as `as_a_user`), or a
    skip. Faster than `as_a_user`'s fresh interpreter: the child has hplab imported. Its
    stdout and stderr are what it prints through sys.stdout and sys.stderr (not optuna's
    log lines, whose handler holds the stream it was made with: as `run_cli`)."""
    probe = tmp_path / "probe-as-a-user"
    probe.write_text("")
    probe.chmod(0o444)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.close(read)
            if os.geteuid() == 0:
                _drop_file_mode_caps()
            try:
                probe.open("w").close()
                result = ("unbound", "", "")
            except PermissionError:
                out, err = io.StringIO(), io.StringIO()
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                    try:
                        code = hplab.main([str(a) for a in argv])
                    except SystemExit as exc:
                        code = exc.code
                result = (code, out.getvalue(), err.getvalue())
        except BaseException:
            import traceback

            result = ("crashed", "", traceback.format_exc())
        try:
            with os.fdopen(write, "wb") as pipe:
                pipe.write(pickle.dumps(result))
        finally:
            os._exit(0)
    os.close(write)
    chunks = []
    try:
        with os.fdopen(read, "rb") as pipe:
            while True:
                ready, _, _ = select.select([pipe], [], [], timeout)
                if not ready:
                    os.kill(pid, signal.SIGKILL)
                    raise AssertionError(f"hplab {argv} still running after {timeout} s")
                chunk = os.read(pipe.fileno(), 1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
    finally:
        os.waitpid(pid, 0)
    code, out, err = pickle.loads(b"".join(chunks))
    if code == "unbound":
        pytest.skip("cannot run a process that file modes bind")
    if code == "crashed":
        raise AssertionError(f"the child running hplab {argv} failed:\n{err}")
    return code, out, err
