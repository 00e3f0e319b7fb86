"""hplab's notices (a wait, a retrain, a trial that failed, a lock taken over) through the
standard library's ``logging``, as Optuna's are: logged to the library's logger ``"hplab"``
(its packages' ``"hplab.study"``, ``"hplab.reports"``), whose one default handler prints
them on stderr as the commands always have. A script or a service that imports hplab got
them printed straight onto stderr, with no way to quiet them, raise their level or route
them into its own logging; the knobs here are Optuna's (``optuna.logging``), by name."""

from __future__ import annotations

import logging

from ._progress_bar import say_above_bars, say_on_stderr
from ._rules import got_type, unknown_name

#: the library's logger; its packages log to children of it (``"hplab.study"``)
NOTICE_LOGGER = "hplab"
#: the packages that say notices, each to its child of the logger (``"hplab.study"``)
NOTICE_PACKAGES = ("study", "reports")
#: a record's attribute naming how the default handler prints it (`_PRINTED`)
_PRINTED_AS = "hplab_printed"
_LEVELS = {name: logging.getLevelName(name)
           for name in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")}


#: how the default handler prints a notice: as each call site printed it before (an
#: escaped line above the bars; a line as it is, which may hold its own line breaks)
_PRINTED = {"above_bars": say_above_bars, "as_is": say_on_stderr}


class _StderrNotices(logging.Handler):
    """hplab's default handler: ``"<command>: <message>"`` on stderr, the command named as
    the running one's lines name it (`command_name`), printed the record's way
    (`_PRINTED`); nothing without a stderr."""

    def handle(self, record: logging.LogRecord) -> bool:
        # the lock taken by `with`: Python 3.11's handle takes it before its try, and a
        # Ctrl-C between the two left it held; the next notice of another thread (a
        # heartbeat's, a lock's) then waited for ever. An interrupt inside emit leaves
        # through the `with` too (emit passes on all but an Exception)
        if not self.filter(record):
            return False
        with self.lock:
            self.emit(record)
        return True

    def emit(self, record: logging.LogRecord) -> None:
        from ._command_lines import command_name

        try:
            say = _PRINTED[getattr(record, _PRINTED_AS, "as_is")]  # (a program's own record)
            say(f"{command_name()}: {record.getMessage()}")
        except Exception:
            # logging's report on stderr, as any handler's: a notice that cannot be printed
            # is not the end of the run, nor of the thread saying it (a heartbeat's)
            self.handleError(record)


def _library_logger() -> logging.Logger:
    """The ``"hplab"`` logger, set up once as Optuna sets up ``"optuna"``: its default
    handler, level INFO, not propagated (the root's handlers would print each line again).
    Its packages' children are made here too: a logging config
    (``disable_existing_loggers``) disables them with it, as it does Optuna's, and not only
    once a notice had made them (a notebook's later cell silenced them, a script's first
    lines did not)."""
    for package in NOTICE_PACKAGES:
        logging.getLogger(f"{NOTICE_LOGGER}.{package}")
    logger = logging.getLogger(NOTICE_LOGGER)
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        # a handler always there: with the default one off, nothing falls to logging's
        # last resort, which printed a bare WARNING message on stderr anyway
        logger.addHandler(logging.NullHandler())
        logger.addHandler(_DEFAULT)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return logger


_DEFAULT = _StderrNotices()
_LOGGER = _library_logger()


def notice(package: str, text: str, *, level: int = logging.INFO,
           printed: str = "as_is") -> None:
    """Log one of hplab's notices: ``text`` to the logger ``"hplab.<package>"``.

    Parameters
    ----------
    package : str
        The package saying it, one of `NOTICE_PACKAGES` (``"study"``, ``"reports"``).
    text : str
        What it says, without the command's name (the default handler adds it).
    level : int
        ``logging.INFO`` for a wait or progress, ``logging.WARNING`` for a failure the
        run goes on after.
    printed : str
        How the default handler prints it: ``"as_is"`` or ``"above_bars"`` (escaped, above
        this process's bars).
    """
    if package not in NOTICE_PACKAGES:
        raise ValueError(unknown_name("notice package", package, NOTICE_PACKAGES))
    if printed not in _PRINTED:
        raise ValueError(unknown_name("way of printing", printed, _PRINTED))
    logging.getLogger(f"{NOTICE_LOGGER}.{package}").log(
        level, text, extra={_PRINTED_AS: printed}, stacklevel=2)


def set_notice_level(level: int | str) -> None:
    """Show hplab's notices of ``level`` and above only (INFO by default), as
    ``optuna.logging.set_verbosity`` does Optuna's.

    Parameters
    ----------
    level : int or str
        A ``logging`` level: ``logging.WARNING`` (a failure a run goes on after; not its
        waits and progress), or its name, ``"WARNING"``.
    """
    if isinstance(level, str):
        if level.upper() not in _LEVELS:
            raise ValueError(unknown_name("notice level", level, _LEVELS))
        level = _LEVELS[level.upper()]
    elif isinstance(level, bool) or not isinstance(level, int):
        raise TypeError(f"level must be an int or a level's name, got {got_type(level, int)}")
    _LOGGER.setLevel(level)


def get_notice_level() -> int:
    """The level of hplab's notices shown (`set_notice_level`'s).

    Returns
    -------
    int
        A ``logging`` level (``logging.INFO`` by default).
    """
    return _LOGGER.getEffectiveLevel()


def disable_default_notice_handler() -> None:
    """Print hplab's notices no more on stderr (with `enable_notice_propagation`, the
    program's own handlers still get them), as ``optuna.logging.disable_default_handler``."""
    _LOGGER.removeHandler(_DEFAULT)


def enable_default_notice_handler() -> None:
    """Print hplab's notices on stderr again, as by default."""
    _LOGGER.addHandler(_DEFAULT)  # (added once: logging skips one already there)


def enable_notice_propagation() -> None:
    """Pass hplab's notices on to the root logger's handlers (the program's own logging), as
    ``optuna.logging.enable_propagation``; `disable_default_notice_handler` too, or each
    is printed twice."""
    _LOGGER.propagate = True


def disable_notice_propagation() -> None:
    """Keep hplab's notices from the root logger's handlers again, as by default."""
    _LOGGER.propagate = False


def carried_notices() -> tuple[int, bool]:
    """What a pool's task carries to its worker process for `notices_carried`: the level
    shown and whether the default handler prints."""
    return _LOGGER.level, _DEFAULT in _LOGGER.handlers


def notices_carried(carried: tuple[int, bool]) -> None:
    """In a pool's worker process, the notices' level and default handler as
    `carried_notices` gave them in its parent: a script's quieted study still printed its
    workers' waits and failed trials. Nothing changes where they are so already (a run
    in the parent's own process)."""
    level, printing = carried
    _LOGGER.setLevel(level)
    if printing:
        enable_default_notice_handler()
    else:
        disable_default_notice_handler()
