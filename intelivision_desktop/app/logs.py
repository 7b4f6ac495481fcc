"""Logging set-up: stderr plus a log file of this process in the platform log folder.

- Level: INFO unless asked for more (``--log-level DEBUG``, or ``INTELIVISION_LOG_LEVEL=DEBUG``
  in the environment). The file never goes below INFO unless DEBUG was asked for; a quieter
  stderr (``--log-level WARNING``) leaves the file at INFO.
- One file per process: ``intelivision-desktop-YYYYmmdd-HHMMSS-PID.log`` (rotated at 5 MB, two
  backups), so two instances never interleave in one file. At start-up the files of all but
  the newest :data:`KEEP_LOG_FILES` processes are deleted.
- Every handler redacts its final text (message, exception traceback and stack included)
  with :func:`intelivision_desktop.core.redact.redact`, and cuts a record longer than
  :data:`MAX_RECORD_CHARS` in its middle, so a library's DEBUG dump can neither put a token
  on disk nor fill the file.
- Chatty libraries are held back: qasync (which logs frame data in 256 KB chunks at DEBUG)
  and asyncio at WARNING always; websockets, aiohttp, Socket.IO and botocore at INFO unless
  DEBUG was asked for (botocore stays at INFO even then: it logs signed requests).
"""

from __future__ import annotations

import datetime as dt
import logging
import logging.handlers
import os
from pathlib import Path
from typing import Any

import platformdirs

from intelivision_desktop.core.redact import redact
from intelivision_desktop.io.resources import APP_NAME

__all__ = [
    "APP_NAME",
    "KEEP_LOG_FILES",
    "LEVELS",
    "LOG_LEVEL_ENV",
    "STARTUP_LINE",
    "RedactingFormatter",
    "latest_log_file",
    "log_dir",
    "log_files",
    "resolve_level",
    "setup_logging",
]
STARTUP_LINE = "startup complete"
"""Logged once the app is up; the bundle smoke test waits for it."""
LOG_LEVEL_ENV = "INTELIVISION_LOG_LEVEL"
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
KEEP_LOG_FILES = 10
"""Log files of this many processes (the newest) are kept; older ones are deleted."""
MAX_RECORD_CHARS = 16 * 1024
"""A formatted record longer than this is cut in its middle (both ends stay readable)."""
FILE_MAX_BYTES = 5 * 1024 * 1024
FILE_BACKUPS = 2
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

ALWAYS_QUIET = ("qasync", "asyncio", "PIL", "matplotlib", "urllib3")
"""Loggers held at WARNING whatever the level (debug chatter, frame data)."""
QUIET_UNLESS_DEBUG = ("websockets", "aiohttp", "socketio", "engineio", "botocore", "boto3")
"""Loggers held at INFO unless DEBUG was asked for (botocore stays at INFO even then)."""


class RedactingFormatter(logging.Formatter):
    """A formatter whose whole output (traceback included) goes through ``redact``."""

    def __init__(self, fmt: str = FORMAT, max_chars: int = MAX_RECORD_CHARS) -> None:
        super().__init__(fmt)
        self.max_chars = max_chars

    def format(self, record: logging.LogRecord) -> str:
        try:
            text = super().format(record)
        except (TypeError, ValueError) as exc:  # a bad %-format in a call: keep a line anyway
            text = f"{record.levelname} {record.name}: unformattable log record ({exc!r}): "
            text += repr(record.msg)
        text = redact(text)  # first, so a cut cannot leave half a secret unrecognised
        if len(text) > self.max_chars:
            half = self.max_chars // 2
            cut = len(text) - 2 * half
            text = f"{text[:half]} … [{cut} characters cut] … {text[-half:]}"
        return text

    def formatException(self, ei: Any) -> str:
        return redact(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:
        return redact(super().formatStack(stack_info))


def log_dir() -> Path:
    override = os.environ.get("INTELIVISION_LOG_DIR")
    return Path(override) if override else Path(platformdirs.user_log_dir(APP_NAME))


def resolve_level(level: str | None = None) -> str:
    """The level asked for: ``level`` (the command line), else ``$INTELIVISION_LOG_LEVEL``,
    else INFO. An unknown name counts as INFO."""
    for asked in (level, os.environ.get(LOG_LEVEL_ENV)):
        if asked and asked.strip().upper() in LEVELS:
            return asked.strip().upper()
    return "INFO"


def log_files(directory: Path | None = None) -> list[Path]:
    """This app's log files in ``directory`` (rotated backups included), newest first."""
    d = directory if directory is not None else log_dir()
    try:
        found = [p for p in d.glob(f"{APP_NAME}*.log*") if p.is_file()]
    except OSError:
        return []

    def mtime(p: Path) -> float:
        try:
            return p.stat().st_mtime
        except OSError:
            return 0.0

    return sorted(found, key=mtime, reverse=True)


def latest_log_file(directory: Path | None = None) -> Path | None:
    """The newest main log file (not a rotated backup) in ``directory``, if any."""
    for p in log_files(directory):
        if p.suffix == ".log":
            return p
    return None


def _process_file_name(pid: int, now: dt.datetime) -> str:
    return f"{APP_NAME}-{now:%Y%m%d-%H%M%S}-{pid}.log"


def prune_log_files(directory: Path, keep: int = KEEP_LOG_FILES) -> int:
    """Delete the log files of all but the newest ``keep`` processes (each file with its
    rotated backups). Returns how many files were deleted; files in use elsewhere that
    cannot be deleted (Windows) are left."""
    mains = [p for p in log_files(directory) if p.suffix == ".log"]
    deleted = 0
    for old in mains[keep:]:
        for p in [old, *directory.glob(f"{old.name}.*")]:
            try:
                p.unlink()
                deleted += 1
            except OSError:
                continue
    return deleted


def setup_logging(level: str | None = None, *, to_file: bool = True) -> Path | None:
    """Configure the root logger once. Returns this process's log file, if any."""
    chosen = resolve_level(level)
    debug = chosen == "DEBUG"
    root = logging.getLogger()
    for h in list(root.handlers):
        root.removeHandler(h)
        h.close()
    err = logging.StreamHandler()
    err.setLevel(chosen)
    err.setFormatter(RedactingFormatter())
    root.addHandler(err)
    file_level = logging.DEBUG if debug else logging.INFO
    root.setLevel(min(file_level if to_file else err.level, err.level))
    path: Path | None = None
    problem: str | None = None
    if to_file:
        try:
            d = log_dir()
            d.mkdir(parents=True, exist_ok=True)
            prune_log_files(d, KEEP_LOG_FILES - 1)  # with this process's file: KEEP_LOG_FILES
            path = d / _process_file_name(os.getpid(), dt.datetime.now())
            fh = logging.handlers.RotatingFileHandler(
                path, maxBytes=FILE_MAX_BYTES, backupCount=FILE_BACKUPS, encoding="utf-8"
            )
            fh.setLevel(file_level)
            fh.setFormatter(RedactingFormatter())
            root.addHandler(fh)
        except OSError as exc:
            problem = str(exc)
            path = None
    for name in ALWAYS_QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    for name in QUIET_UNLESS_DEBUG:
        logging.getLogger(name).setLevel(logging.NOTSET if debug else logging.INFO)
    # botocore logs signed requests (session tokens included) at DEBUG: never let it
    logging.getLogger("botocore").setLevel(logging.INFO)
    if problem is not None:
        logging.getLogger(__name__).warning("no log file (%s); logging to stderr only", problem)
    return path
