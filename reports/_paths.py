"""Paths as a report shows them: files beside it named from its own folder, so the report
keeps working once its folder is moved, copied or sent (a zip, an email); the folder a
command ran in with ``~`` for the home folder."""

from __future__ import annotations

import html
import os
from pathlib import Path
from urllib.parse import quote, unquote_to_bytes, urlsplit

import nets


def from_report(path, out_dir) -> str:
    """``path`` as seen from the report folder ``out_dir`` (``model.npz``,
    ``../models/coin/model.npz``), with ``/`` between folders; absolute where no relative
    path leads there (another drive on Windows)."""
    # the folders' links resolved on both sides (/tmp is /private/tmp on macOS), the file's
    # own name kept
    path = os.path.abspath(path)
    target = os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))
    try:
        return Path(os.path.relpath(target, os.path.realpath(out_dir))).as_posix()
    except ValueError:
        return Path(target).as_posix()


def href_from_report(path, out_dir) -> str:
    """A link from the report in ``out_dir`` to ``path``: `from_report`, URL-encoded as the
    index's links are (a ``#`` or ``?`` in a name is not the link's end), or, out of the
    folder, the path from ``out_dir`` as named (a browser climbs ``..`` from the page's
    address); a ``file:`` URI only where no relative path leads there."""
    shown = from_report(path, out_dir)
    if shown.startswith("../"):
        # out of the folder: a browser climbs each ".." from the page's address, the folder
        # as named, not from where a link in it leads (QA: a report in L/cmp, L a link to
        # a folder 3 deeper, linked ../../../../../w/runs/... from there: /tmp/w/runs/...)
        try:
            shown = Path(os.path.relpath(os.path.abspath(path),
                                         os.path.abspath(out_dir))).as_posix()
        except ValueError:  # another drive (Windows): from_report's absolute path
            pass
    if os.path.isabs(shown):
        return Path(shown).as_uri()
    return quote(os.fsencode(shown))


def local_link(href: str) -> str | None:
    """The file of a report's folder that the link ``href`` leads to, as named from that
    folder (``report_files/loss.csv``), ``href`` as its page holds it (HTML escapes read
    back; `href_from_report`'s links have none); None for a link elsewhere: a scheme's
    (``data:`` figures, ``https:``, ``file:``), an absolute path, one within the page."""
    parts = urlsplit(html.unescape(href))
    if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
        return None
    # its bytes: a file name that is not UTF-8 (caf\xe9) is named as the disk names it
    return os.fsdecode(unquote_to_bytes(parts.path))


def shell_folder(folder) -> str:
    """``folder`` quoted for a shell, ``~`` for the home folder ($HOME) it is under
    (``~/'my proj'``): the command still runs for its author, and a shared report does not
    name the home folder (the username)."""
    folder = str(folder)
    home = os.path.expanduser("~")
    if os.path.isabs(home) and home.rstrip("/"):  # HOME=/ would make every folder ~/...
        for prefix in dict.fromkeys((home.rstrip("/"), os.path.realpath(home))):
            if folder == prefix:
                return "~"
            if folder.startswith(prefix + "/"):
                # the tilde bare: quoted ('~/x') a shell would not expand it
                return "~/" + nets.shell_word(folder[len(prefix) + 1:])
    return nets.shell_word(folder)


def shown_command(command: str) -> str:
    """A recorded ``cd FOLDER && COMMAND`` (a study's, as stored) with `shell_folder`'s
    ``~``; any other text as it is."""
    for at in (i for i in range(len(command)) if command.startswith(" && ", i)):
        try:
            words = nets.shell_split(command[:at])
        except ValueError:  # an open quote: " && " inside the folder's name
            continue
        if len(words) == 2 and words[0] == "cd" and \
                command[:at] == f"cd {nets.shell_word(words[1])}":
            return f"cd {shell_folder(words[1])}{command[at:]}"
    return command
