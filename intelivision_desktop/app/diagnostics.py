"""Diagnostics an operator pastes into a bug report, with every secret redacted.

Qt-free at import: Qt is asked about (version, platform, screens) only when the app has
already loaded it, so the headless app can use this module too.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import logging
import os
import platform
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from intelivision_desktop import APP_TITLE, __version__
from intelivision_desktop.app.logs import APP_NAME, latest_log_file, log_dir
from intelivision_desktop.app.settings import config_dir, settings_path
from intelivision_desktop.core.redact import redact
from intelivision_desktop.io.recorder import JsonlRecorder
from intelivision_desktop.io.resources import recordings_dir

if TYPE_CHECKING:
    from intelivision_desktop.core.session import Session

NOT_INSTALLED = "not installed"
LOG_TAIL_LINES = 50
MAX_LINE_CHARS = 400
"""Longest line or value kept; a longer one is cut (after redaction, so a cut never leaves a
secret's head unrecognised)."""
MAX_SECTION_LINES = 200
"""Most lines kept per section."""

PACKAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("PySide6", ("PySide6", "PySide6-Essentials")),
    ("PySide6-Addons", ("PySide6-Addons",)),
    ("pyqtgraph", ("pyqtgraph",)),
    ("qasync", ("qasync",)),
    ("numpy", ("numpy",)),
    ("python-socketio", ("python-socketio",)),
    ("python-engineio", ("python-engineio",)),
    ("aiohttp", ("aiohttp",)),
    ("websockets", ("websockets",)),
    ("boto3", ("boto3",)),
    ("botocore", ("botocore",)),
    ("pyserial", ("pyserial",)),
    ("platformdirs", ("platformdirs",)),
)
"""Label, then the distribution names to try (PySide6 may be installed as its parts)."""

# --- versions and places ----------------------------------------------------------------------


def package_version(*dists: str) -> str:
    """The first installed distribution's version, or ``not installed``."""
    for dist in dists:
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            continue
    return NOT_INSTALLED


def qt_runtime_version() -> str | None:
    """Qt's own version, if the app has loaded Qt (never loads it)."""
    if "PySide6.QtCore" not in sys.modules:
        return None
    from PySide6.QtCore import qVersion

    return str(qVersion())


def versions() -> list[tuple[str, str]]:
    """(name, version) of the app, Python, Qt and the libraries that matter, for the About
    dialog and the diagnostics."""
    rows = [
        (APP_TITLE, __version__),
        ("Python", f"{platform.python_version()} ({platform.python_implementation()})"),
        ("Qt", qt_runtime_version() or "not loaded"),
    ]
    rows += [(label, package_version(*dists)) for label, dists in PACKAGES]
    return rows


def current_log_file() -> Path:
    """The file the root logger writes to, else where :func:`setup_logging` would put it."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.FileHandler):
            return Path(handler.baseFilename)
    return latest_log_file() or log_dir() / f"{APP_NAME}.log"


recordings_folder = recordings_dir


def about_versions() -> list[tuple[str, str | None]]:
    """:func:`versions` as the About dialog takes them (None: not installed)."""
    return [(name, None if v == NOT_INSTALLED else v) for name, v in versions()]


def folders() -> list[tuple[str, Path]]:
    """The folders an operator may want to open: recordings, logs, settings."""
    return [
        ("Recordings", recordings_folder()),
        ("Logs", current_log_file().parent),
        ("Settings", config_dir()),
    ]


def tail_lines(path: Path, n: int = LOG_TAIL_LINES, *, max_bytes: int = 1 << 20) -> list[str]:
    """The last ``n`` lines of ``path``, reading backwards from the end (at most ``max_bytes``).

    Raises ``OSError`` if the file cannot be read.
    """
    chunks: list[bytes] = []
    newlines = 0
    with path.open("rb") as fh:
        pos = fh.seek(0, os.SEEK_END)
        end = pos
        while pos > 0 and newlines <= n and end - pos < max_bytes:
            step = min(8192, pos)
            pos -= step
            fh.seek(pos)
            chunk = fh.read(step)
            chunks.append(chunk)
            newlines += chunk.count(b"\n")
    lines = b"".join(reversed(chunks)).decode("utf-8", "replace").splitlines()
    if pos > 0 and lines:
        lines = lines[1:]  # the first one is cut
    return lines[-n:] if n > 0 else []


# --- the text -------------------------------------------------------------------------------


def clip(text: str, limit: int = MAX_LINE_CHARS) -> str:
    """``text`` redacted, on one line, and cut to ``limit`` characters. Linear in the text."""
    text = redact(text)
    if "\n" in text or "\r" in text:
        text = text.replace("\r", " ").replace("\n", " ⏎ ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _bounded(lines: list[str]) -> list[str]:
    if len(lines) <= MAX_SECTION_LINES:
        return lines
    return [*lines[:MAX_SECTION_LINES], f"… ({len(lines) - MAX_SECTION_LINES} more lines)"]


def _table(rows: list[tuple[str, str]]) -> list[str]:
    shown = [(clip(k, 60), clip(v)) for k, v in rows[:MAX_SECTION_LINES]]
    width = max((len(k) for k, _ in shown), default=0)
    out = [f"{k.ljust(width)}  {v}" for k, v in shown]
    if len(rows) > MAX_SECTION_LINES:
        out.append(f"… ({len(rows) - MAX_SECTION_LINES} more lines)")
    return out


def _system() -> list[tuple[str, str]]:
    frozen = getattr(sys, "frozen", False)
    bundle = getattr(sys, "_MEIPASS", None)
    rows = [
        ("Python executable", sys.executable),
        ("Platform", platform.platform()),
        ("Machine", platform.machine() or "unknown"),
        ("Frozen", f"yes ({bundle})" if frozen and bundle else "yes" if frozen else "no"),
    ]
    return rows + _qt_gui()


def _qt_gui() -> list[tuple[str, str]]:
    if "PySide6.QtGui" not in sys.modules:
        return [("Qt platform", "no GUI (Qt not loaded)")]
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return [("Qt platform", "no GUI application")]
    rows = [
        ("Qt platform", QGuiApplication.platformName()),
        ("High-DPI rounding", QGuiApplication.highDpiScaleFactorRoundingPolicy().name),
    ]
    for i, screen in enumerate(QGuiApplication.screens(), 1):
        g = screen.geometry()
        rows.append(
            (
                f"Screen {i}",
                f"{screen.name() or '?'}: {g.width()}×{g.height()} logical, "
                f"scale {screen.devicePixelRatio():g}, {screen.logicalDotsPerInch():.0f} dpi",
            )
        )
    return rows


def _files(log_file: Path) -> list[tuple[str, str]]:
    def state(p: Path) -> str:
        return f"{p}" if p.exists() else f"{p} (not there)"

    return [
        ("Log file", state(log_file)),
        ("Settings file", state(settings_path())),
        ("Recordings folder", state(recordings_folder())),
    ]


def _session(session: Session | None) -> list[tuple[str, str]]:
    if session is None:
        return [("Session", "none")]
    c = session.counters()
    rows = [
        ("Source", session.source.url),
        ("Analyzer", session.analyzer.url),
    ]
    for component, (state, detail) in session.states.items():
        rows.append((f"State: {component}", state.value + (f" — {detail}" if detail else "")))
    rows += [
        (
            "Counters",
            f"frames {c.frames}, samples {c.samples}, windows {c.windows}, descriptions "
            f"{c.descriptions}, not relevant {c.not_relevant}, malformed {c.malformed}, "
            f"recorded {c.recorded}",
        ),
        (
            "Problems",
            ", ".join(f"{k} {v}" for k, v in sorted(c.problems.items())) or "none",
        ),
    ]
    p = session.last_problem
    rows.append(("Last problem", f"{p.component}/{p.kind}: {p.message}" if p else "none"))
    devices = sorted(session.stores)
    shown = ", ".join(devices[:10]) + (f" … (+{len(devices) - 10})" if len(devices) > 10 else "")
    rows.append(("Devices (stores)", f"{len(devices)}" + (f": {shown}" if devices else "")))
    rows.append(("History", f"{session.history_s:g} s"))
    if session.last_frame_ms is not None:
        last = dt.datetime.fromtimestamp(session.last_frame_ms / 1000.0, dt.UTC)
        rows.append(("Last data", last.isoformat(timespec="milliseconds")))
    if session.recorder is None:
        rows.append(("Recording", "no"))
    else:
        recorder = session.recorder
        where = f"to {recorder.path}" if isinstance(recorder, JsonlRecorder) else "yes"
        rows.append(("Recording", where))
    return rows


def _log_tail(log_file: Path, n: int) -> list[str]:
    try:
        lines = tail_lines(log_file, n)
    except FileNotFoundError:
        return [f"(no log file at {log_file})"]
    except OSError as exc:
        return [f"(cannot read {log_file}: {exc.strerror or exc})"]
    if not lines:
        return ["(the log file is empty)"]
    return _bounded([clip(line) for line in lines])


def diagnostics_text(
    session: Session | None,
    *,
    extra: Mapping[str, str] | None = None,
    log_file: Path | None = None,
    log_lines: int = LOG_TAIL_LINES,
) -> str:
    """A plain-text report: versions, system, files, the session, ``extra``, the log's end.

    ``log_file`` defaults to the file being logged to. Secrets are redacted throughout.
    """
    log_file = log_file if log_file is not None else current_log_file()
    now = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    out = [f"{APP_TITLE} diagnostics, {now}", ""]
    sections: list[tuple[str, list[str]]] = [
        ("Versions", _table(versions())),
        ("System", _table(_system())),
        ("Files", _table(_files(log_file))),
        ("Session", _table(_session(session))),
    ]
    if extra:
        sections.append(("Extra", _table([(str(k), str(v)) for k, v in extra.items()])))
    sections.append(
        (f"Log (last {log_lines} lines of {log_file.name})", _log_tail(log_file, log_lines))
    )
    for title, lines in sections:
        out += [f"== {title} ==", *lines, ""]
    return redact("\n".join(out))
