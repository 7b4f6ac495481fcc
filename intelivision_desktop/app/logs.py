"""Logging set-up: stderr plus a rotating file in the platform log folder."""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

import platformdirs

from intelivision_desktop.io.resources import APP_NAME

__all__ = ["APP_NAME", "STARTUP_LINE", "log_dir", "setup_logging"]
STARTUP_LINE = "startup complete"
"""Logged once the app is up; the bundle smoke test waits for it."""


def log_dir() -> Path:
    override = os.environ.get("INTELIVISION_LOG_DIR")
    return Path(override) if override else Path(platformdirs.user_log_dir(APP_NAME))


def setup_logging(level: str = "INFO", *, to_file: bool = True) -> Path | None:
    """Configure the root logger once. Returns the log file path, if any."""
    root = logging.getLogger()
    for h in list(root.handlers):
        root.removeHandler(h)
    root.setLevel(logging.DEBUG)
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    err = logging.StreamHandler()
    err.setLevel(getattr(logging, level.upper(), logging.INFO))
    err.setFormatter(fmt)
    root.addHandler(err)
    path: Path | None = None
    if to_file:
        try:
            d = log_dir()
            d.mkdir(parents=True, exist_ok=True)
            path = d / f"{APP_NAME}.log"
            fh = logging.handlers.RotatingFileHandler(
                path, maxBytes=5 * 1024 * 1024, backupCount=5, encoding="utf-8"
            )
            fh.setLevel(logging.DEBUG)
            fh.setFormatter(fmt)
            root.addHandler(fh)
        except OSError as exc:
            logging.getLogger(__name__).warning("no log file (%s); logging to stderr only", exc)
            path = None
    for noisy in ("asyncio", "PIL", "matplotlib", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # botocore logs signed requests (session tokens included) at DEBUG: never let it
    logging.getLogger("botocore").setLevel(logging.INFO)
    return path
