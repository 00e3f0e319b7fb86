"""Running the command line: in-process, the way most CLI tests do, or as a user does."""

import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import hplab
import reports._cli as cli

ROOT = Path(hplab.__file__).resolve().parent


# an analysis each, cheap; and the function of `analyses` that runs it
ANALYSES = {
    "lr-range": (["lr-range", "--dataset", "coin", "--seeds", "1", "--steps", "30"],
                 "lr_range_test"),
    "scaling": (["scaling", "--dataset", "xor", "--batch-sizes", "4", "--lrs", "1",
                 "--seeds", "1", "--max-steps", "50", "--workers", "1"], "scaling_study"),
    "capacity": (["capacity", "--dataset", "xor", "--widths", "2", "--seeds", "1",
                  "--epochs", "3", "--workers", "1"], "capacity_sweep"),
    "imbalance": (["imbalance", "--dataset", "moons", "--ratio", "1:10", "--strategies",
                   "none", "--seeds", "1", "--epochs", "2", "--workers", "1"],
                  "imbalance_benchmark"),
}


#: each setting some optimizer or schedule reads (nets.SETTINGS_READ), moved to another
#: valid value, one the rules would all feel within 6 steps of test_nets_settings_read's
#: BASE (test_nets_sklearn gives them to the estimators): a new setting needs its value here
OTHER = {"momentum": 0.8, "beta1": 0.5, "beta2": 0.9, "rho": 0.5, "opt_eps": 0.1,
         "lr_gamma": 0.8, "lr_decay_steps": 2, "lr_milestones": (2,), "lr_power": 2.0,
         "lr_min": 0.01}


def readers_said(setting: str) -> str:
    """How a refusal names the optimizers or the schedules that read ``setting``, from
    nets.SETTINGS_READ (a new reader changes the text with it): "adam reads it",
    "polynomial and cosine read it"."""
    import nets

    ((_, names),) = nets.setting_readers(setting).items()
    if len(names) == 1:
        return f"{names[0]} reads it"
    return f"{', '.join(names[:-1])} and {names[-1]} read it"


def registry_names(registry: dict) -> list[str]:
    """A registry's names without its aliases (a name whose entry an earlier name has:
    ``nets.SCHEDULES``' "fixed" is "constant")."""
    seen: set[int] = set()
    return [name for name, entry in registry.items()
            if id(entry) not in seen and not seen.add(id(entry))]


def strict_json(text: str):
    """``text`` as standard JSON: NaN and Infinity, which ``json.loads`` lets through and
    jq or JavaScript's JSON.parse refuse, raise ValueError."""
    def refuse(constant):
        raise ValueError(f"{constant} is not standard JSON")

    return json.loads(text, parse_constant=refuse)


def run_cli(argv, capsys):
    """(exit code, stdout, stderr); argparse errors exit through SystemExit."""
    try:
        code = hplab.main([str(a) for a in argv])
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def assert_data_refused(name: str, message: str, capsys) -> None:
    """``data.load(name)`` raises DataError ``message``, and `hplab data show NAME` says it
    in one line with exit code 2."""
    import data

    with pytest.raises(data.DataError) as caught:
        data.load(name)
    assert str(caught.value) == message
    code, _, err = run_cli(["data", "show", name], capsys)
    assert (code, err) == (2, f"hplab data show: error: {message}\n")


def run_cli_as_program(argv, capture):
    """`run_cli` with the warnings the command raises added to its stderr as the program
    prints them ("hplab train: warning: MESSAGE", after the other lines): under Python's
    default filters, each warning once a place, deprecation, import and resource warnings
    hidden. With ``capfd`` as ``capture``, optuna's log lines are in stderr too: a
    command's stderr as a user sees it, without a process of its own."""
    import warnings

    lines = []

    def show(message, category, filename, lineno, file=None, line=None):
        # formatted as it is raised: the line opens with the command then running
        lines.append(hplab._warning_line(message, category, filename, lineno))

    with warnings.catch_warnings():
        warnings.resetwarnings()
        warnings.simplefilter("default")
        for hidden in (DeprecationWarning, PendingDeprecationWarning, ImportWarning,
                       ResourceWarning):
            warnings.filterwarnings("ignore", category=hidden)
        warnings.showwarning = show
        code, out, err = run_cli(argv, capture)
    return code, out, err + "".join(lines)


def help_words(*command: str) -> str:
    """The --help of ``hplab COMMAND...`` (``"data", "show"``) as one line of words, however
    the terminal's width wrapped it."""
    parser = hplab.build_parser()
    for name in command:
        parser = parser._subparsers._group_actions[0].choices[name]
    return " ".join(parser.format_help().split())


def description_words(*command: str) -> str:
    """``hplab COMMAND...``'s description (its --json keys), as one line of words."""
    sub = hplab.build_parser()._subparsers._group_actions[0]
    return " ".join(cli.subcommand(sub, command)[0].description.split())


def readme_words() -> str:
    """The README as one line of words (its sentences wrap anywhere)."""
    return " ".join((ROOT / "README.md").read_text().split())


def undocumented_keys(command: str, keys) -> list[str]:
    """The ``keys`` of a command's --json (``"study run"``) that its --help description
    does not name as a key: outside every parenthesis, which explains a key (QA: scaling's
    batch_sizes was named only in "(lists in the order of batch_sizes)")."""
    import re

    sub = hplab.build_parser()._subparsers._group_actions[0]
    described = _outside_parentheses(
        cli.subcommand(sub, tuple(command.split()))[0].description)
    return [k for k in keys if not re.search(rf"(?<![\w-]){re.escape(k)}(?![\w-])", described)]


def _outside_parentheses(text: str) -> str:
    """``text`` with what its parentheses hold blanked out, but for the keys of an object
    or list they hold (lr-range's "verify (null, or {suggested_lr, ...})" names keys in
    its braces; their own parentheses are blanked again)."""
    openers, kept = [], []
    for ch in text:
        if ch in "({[":
            openers.append(ch)
        kept.append(ch if not openers or openers[-1] != "(" else " ")
        if ch in ")}]" and openers:
            openers.pop()
    return "".join(kept)


def hplab_cli(*args, cwd, timeout=180, check=True):
    """``hplab ARGS`` in a fresh process, as a user runs it (stderr as a user sees it,
    optuna's log lines included)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, str(ROOT / "hplab.py"), *map(str, args)], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"exit {proc.returncode}: {proc.stderr[-2000:]}")
    return proc


def hplab_on_a_terminal(*args, cwd) -> tuple[int, str]:
    """``hplab ARGS`` in a fresh process whose standard output and error are a terminal (a
    pty): its exit code and what the terminal received (its ``\\r\\n`` line ends read as
    ``\\n``)."""
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # the child
        try:
            os.chdir(cwd)
            os.environ["PYTHONPATH"] = str(ROOT)
            os.execv(sys.executable, [sys.executable, str(ROOT / "hplab.py"), *map(str, args)])
        finally:
            os._exit(127)  # never back into pytest
    seen = b""
    while True:
        try:
            block = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not block:
            break
        seen += block
    os.close(fd)
    status = os.waitpid(pid, 0)[1]
    return os.waitstatus_to_exitcode(status), seen.decode("utf-8").replace("\r\n", "\n")


def hplab_process(*args, cwd) -> subprocess.Popen:
    """``hplab ARGS`` started in a fresh process, as `hplab_cli` runs it, not waited for
    (its output piped)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, str(ROOT / "hplab.py"), *map(str, args)],
                            cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def waits_on_a_lock(pid: int) -> bool:
    """Whether process ``pid`` waits for a file lock another holds (Linux lists each
    waiter in /proc/locks, its line marked ``->``); a skip where there is no such list."""
    try:
        with open("/proc/locks") as fh:
            lines = [line.split() for line in fh]
    except FileNotFoundError:
        pytest.skip("no /proc/locks: the file locks processes wait on are not listed")
    return any(len(f) > 5 and f[1] == "->" and f[5] == str(pid) for f in lines)


def ended_or_waiting_on_a_lock(proc: subprocess.Popen, seconds: int = 180) -> bool:
    """Wait until ``proc`` ends (False) or waits for a file lock (True): what a command does
    when another holds what it writes, told without guessing at times."""
    deadline = time.monotonic() + seconds
    while proc.poll() is None:
        if waits_on_a_lock(proc.pid):
            return True
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"still running after {seconds} s, waiting for no lock")
        time.sleep(0.05)
    return False


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


def give_away(path, uid: int, gid: int = -1) -> None:
    """Make ``path`` another user's (``uid``; its group ``gid``, -1 to keep it), as a shared
    folder's files are, or a skip: a user who is not root may not give a file away (the
    suite run by a developer; `as_a_user` asks nothing of them, modes bind them already)."""
    try:
        os.chown(path, uid, gid)
    except PermissionError:
        pytest.skip("giving a file to another user (chown) needs root")


def file_sha(path) -> str:
    """The sha256 of a file's bytes: that a command left it as it was."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
