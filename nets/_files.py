"""Files written whole or not at all: a new file beside its path renamed over it (a crash
leaves the earlier one), and a file's text on standard output. The folders such a write
needs, and the checks of a path before the work, are `nets._write_paths`'."""

from __future__ import annotations

import codecs
import contextlib
import errno
import os
import stat
import sys
import tempfile
from pathlib import Path

from ._write_paths import make_folder


def write_atomically(path, write, *, through_links: bool = True) -> Path:
    """Call ``write(tmp)`` on a new file beside ``path``, then rename it to ``path``.

    A crash leaves the earlier file (or none), never half a new one; two processes
    writing one path each write a file of their own, and the last rename wins whole.
    A symlink stays a link (its target is replaced; ``through_links=False``: the link
    itself is), and a FIFO or device (a pipe, /dev/stdout) is written directly: a rename
    would put a plain file in its place.

    Parameters
    ----------
    path : str or path
        The file written.
    write : callable
        ``write(tmp)`` writes the whole file at the path ``tmp`` it is given.
    through_links : bool
        False: a symlink at ``path`` is replaced, not its target.

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    if not through_links and path.is_symlink():
        return _stage_and_replace(path, path, write)
    try:
        mode = path.stat().st_mode  # of what a link points to
    except OSError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        try:
            write(path)  # opened as given: /proc/self/fd/1 resolves to no openable path
        except OSError as exc:  # /dev/full: "No space left on device", of no file
            raise _about(exc, path) from None
        return path
    target = path
    if path.is_symlink():  # its target is replaced, where open() would write
        target = Path(os.path.realpath(path))
        if target.is_symlink():  # realpath gives up on a loop and returns a link of it
            raise OSError(errno.ELOOP, "too many levels of symbolic links", str(path))
        if not target.parent.is_dir():  # open() makes no folder: nor does a link's write
            raise FileNotFoundError(errno.ENOENT, "the link points into a folder that does "
                                    f"not exist ({target.parent})", str(path))
    return _stage_and_replace(path, target, write)


def _stage_and_replace(path: Path, target: Path, write) -> Path:
    """`stage_file` beside ``target``, renamed over it; ``path``: the name asked for."""
    tmp = stage_file(target, write)
    try:
        os.replace(tmp, target)
    except OSError as exc:
        raise _about(exc, path, tmp) from None
    finally:
        tmp.unlink(missing_ok=True)
    return path


def stage_file(path, write) -> Path:
    """``write(tmp)`` on a new file of this call beside ``path``; the caller renames it.

    The file gets the mode a plain open would give a new file (the umask's, not mkstemp's
    0600), less what the file it replaces withheld (a ``chmod 600`` results.csv stays
    private; another user's 0666 one gives this user's file no more than the umask allows);
    if ``write`` fails, nothing is left behind. Its errors name ``path``, never the hidden
    temporary file.

    Parameters
    ----------
    path : str or os.PathLike
        The file the staged one is to replace.
    write : callable
        ``write(tmp)`` writes the new file at ``tmp``, a Path.
    """
    path = Path(path)
    try:
        replaced = os.lstat(path)  # a link is replaced, not its target: its mode is no file's
    except OSError:
        replaced = None
    kept = stat.S_IMODE(replaced.st_mode) \
        if replaced is not None and stat.S_ISREG(replaced.st_mode) else None
    make_folder(path.parent, path)
    prefix, suffix = _staged_name(path)
    try:
        fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=path.parent)
    except OSError as exc:  # a read-only folder: the user's path is the one to name
        raise _about(exc, path) from None
    os.close(fd)
    tmp = Path(name)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(tmp, 0o666 & ~umask)
        write(tmp)
        if kept is not None:  # after the write: a read-only file's mode would refuse it
            os.chmod(tmp, kept & 0o666 & ~umask)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _about(exc, path, tmp) from None
    except BaseException:  # Ctrl-C too: no temporary file outlives its writer
        tmp.unlink(missing_ok=True)
        raise
    return tmp


# what mkstemp adds to a temporary name: 8 random characters
_RANDOM_CHARS = 8


def _staged_name(path: Path) -> tuple[str, str]:
    """mkstemp's prefix and suffix for a file staged beside ``path``: ``.NAME.`` and
    ``.tmpSUFFIX`` (the suffix kept last, for writers that go by it), NAME cut so that the
    whole fits in a file name wherever ``path``'s own does."""
    try:
        limit = os.pathconf(path.parent, "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    suffix = f".tmp{path.suffix}"
    if len(os.fsencode(suffix)) + _RANDOM_CHARS + 3 > limit:  # a suffix of 250 bytes
        suffix = ".tmp"
    room = limit - len(os.fsencode(suffix)) - _RANDOM_CHARS - 2  # the two dots of .NAME.
    # cut in bytes, as file systems count; a letter cut in two stays its bytes
    return f".{os.fsdecode(os.fsencode(path.name)[:room])}.", suffix


def _about(exc: OSError, path: Path, tmp: Path | None = None) -> OSError:
    """``exc`` naming ``path`` where it named the temporary file ``tmp`` (or, without
    one, the folder's new file): the hidden name means nothing to the user; and where it
    named no file (a failed write(): a full disk said only "No space left on device")."""
    names = {exc.filename, exc.filename2} - {None}
    if exc.errno is None or (tmp is not None and names and str(tmp) not in map(str, names)):
        return exc
    return type(exc)(exc.errno, exc.strerror, str(path))


@contextlib.contextmanager
def writing_standard_output():
    """A write to standard output failing in the block (redirected to a full disk, or to
    /dev/full) names it: Python's OSError names no file, and read as a bare "No space left
    on device". A closed pipe (BrokenPipeError) is left as it is: commands stop quietly."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as exc:
        if exc.filename is not None or not exc.strerror:
            raise
        raise OSError(exc.errno, exc.strerror, "standard output") from None


def print_file_text(text: str) -> None:
    """``text``, a file's (a CSV, a spec), on standard output: UTF-8 where that is a pipe or
    a file, as every file hplab writes and reads, whatever the locale's encoding; a
    terminal's own (its escapes for what it cannot show) where it is one.

    QA: under ``PYTHONIOENCODING=ascii`` (or an ISO-8859-1 locale) the stream's
    backslashreplace wrote a class label 狗 into ``predict --out -``'s CSV as ``\\u72d7``,
    text no reader gives back, and exit 0.

    Parameters
    ----------
    text : str
        The file's whole text, written as it is (no newline added).
    """
    stream = sys.stdout
    if stream is None:  # started with standard output closed: nowhere to write
        return
    with writing_standard_output():
        if not stream.isatty() and hasattr(stream, "buffer") \
                and codecs.lookup(stream.encoding or "ascii").name != "utf-8":
            stream.flush()
            # a path's byte that was no UTF-8 (\udce9) as the byte it was
            stream.buffer.write(text.encode("utf-8", "surrogateescape"))
            stream.buffer.flush()
        else:
            stream.write(text)
