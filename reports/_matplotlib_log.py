"""matplotlib's lines about a config folder it cannot write, said as one hplab warning.

A HOME this user cannot write (a CI container run as another uid, a service account) made
every report's first import of matplotlib log two lines of its own on stderr ("mkdir -p
failed for path ...", "Matplotlib created a temporary cache directory at ..."), which
holds only hplab's warnings (`hplab COMMAND: warning: ...`). They are one warning instead,
with what it costs and its fix; matplotlib's other lines pass as they were.
"""

import logging
import warnings

_UNWRITABLE = ("mkdir -p failed for path ", "%s is not a writable directory")


class _FolderLines(logging.Filter):
    """Drops matplotlib's lines about its folder, and warns once with their content."""

    def __init__(self):
        super().__init__()
        self.tried = None  # the folder matplotlib could not write, as its line named it

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        args = record.args if isinstance(record.args, tuple) else ()
        if message.startswith(_UNWRITABLE):
            self.tried = args[0] if args else None
            return False
        if not message.startswith("Matplotlib created a temporary"):
            return True
        where = f" ({self.tried})" if self.tried else ""
        used = f", {args[0]}," if args else ""
        # stacklevel: the line is matplotlib's, not this filter's
        warnings.warn(f"matplotlib cannot write its config and cache folder{where}: it "
                      f"uses a temporary one{used} for this run and builds its font cache "
                      "again in every run (slower); set MPLCONFIGDIR to a writable folder",
                      UserWarning, stacklevel=2)
        return False


def install() -> None:
    """Filter matplotlib's own logger (before its import: the lines come as it loads);
    once per process. A command does (`reports.run_command`); ``import reports`` does not,
    as it imports none of its modules until used."""
    logger = logging.getLogger("matplotlib")
    if not any(isinstance(f, _FolderLines) for f in logger.filters):
        logger.addFilter(_FolderLines())
