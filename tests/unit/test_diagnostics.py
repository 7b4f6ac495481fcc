"""The diagnostics text: real versions, the session's state, the log's end, no secrets."""

from __future__ import annotations

import asyncio
import importlib.metadata
import platform
import subprocess
import sys
from pathlib import Path

import pytest

import intelivision_desktop
from intelivision_desktop.app import diagnostics
from intelivision_desktop.app.diagnostics import (
    MAX_LINE_CHARS,
    MAX_SECTION_LINES,
    NOT_INSTALLED,
    diagnostics_text,
    tail_lines,
    versions,
)
from intelivision_desktop.app.settings import settings_path
from intelivision_desktop.core.analysis import AnalysisConfig
from intelivision_desktop.core.redact import redact
from intelivision_desktop.core.session import Session
from intelivision_desktop.io.recorder import JsonlRecorder
from intelivision_desktop.io.registry import open_analyzer, open_source

FAKE = "fake://person_waves?speed=max&loop=0&duration=20"


def section(text: str, title: str) -> str:
    """The lines of one ``== title ==`` section."""
    start = text.index(f"== {title}")
    end = text.find("\n== ", start + 1)
    return text[start : end if end >= 0 else None]


def ran_session(tmp_path: Path, *, record: bool = False) -> Session:
    source = open_source(FAKE)
    analyzer = open_analyzer("embedded://rules", AnalysisConfig())
    recorder = (
        JsonlRecorder(tmp_path / "rec.jsonl", source=source.url, analyzer=analyzer.url)
        if record
        else None
    )
    session = Session(source, analyzer, recorder)

    async def go() -> None:
        async with asyncio.timeout(30):
            await session.run()

    asyncio.run(go())
    return session


# --- versions -------------------------------------------------------------------------------


def test_versions_are_the_installed_ones() -> None:
    rows = dict(versions())
    assert rows["InteliVision Desktop"] == intelivision_desktop.__version__
    assert rows["Python"].startswith(platform.python_version())
    for label, dist in [
        ("pyqtgraph", "pyqtgraph"),
        ("qasync", "qasync"),
        ("numpy", "numpy"),
        ("python-socketio", "python-socketio"),
        ("python-engineio", "python-engineio"),
        ("aiohttp", "aiohttp"),
        ("websockets", "websockets"),
        ("boto3", "boto3"),
        ("botocore", "botocore"),
        ("pyserial", "pyserial"),
        ("PySide6", "PySide6-Essentials"),
    ]:
        assert rows[label] == importlib.metadata.version(dist), label


def test_a_missing_package_is_reported_not_raised() -> None:
    assert diagnostics.package_version("no-such-distribution-xyz") == NOT_INSTALLED
    assert diagnostics.package_version("no-such-xyz", "numpy") == importlib.metadata.version(
        "numpy"
    )


def test_the_modules_stay_qt_free_when_qt_is_not_loaded(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from intelivision_desktop.app import diagnostics, settings\n"
        "text = diagnostics.diagnostics_text(None)\n"
        "assert 'Qt platform        no GUI' in text, text\n"
        "qt = [m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'shiboken6', 'pyqtgraph', 'qasync')]\n"
        "assert not qt, qt\n"
        "print('ok')\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip() == "ok"


# --- the text ---------------------------------------------------------------------------------


def test_the_text_has_versions_system_files_and_no_session(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("one line\n", encoding="utf-8")
    text = diagnostics_text(None, log_file=log, extra={"Window": "1440×900"})
    for name, version in versions():
        assert any(
            line.startswith(name) and line.endswith(version) for line in text.splitlines()
        ), name
    system = section(text, "System")
    assert sys.executable in system
    assert platform.platform() in system
    assert "Frozen             no" in system
    files = section(text, "Files")
    assert str(log) in files
    assert str(settings_path()) in files
    assert "Session  none" in section(text, "Session")
    assert "Window  1440×900" in section(text, "Extra")
    assert section(text, "Log").splitlines()[1:] == ["one line"]
    assert text.endswith("one line\n")


def test_the_session_is_described(tmp_path: Path) -> None:
    session = ran_session(tmp_path, record=True)
    c = session.counters()
    assert c.frames > 0
    assert c.descriptions > 0
    session.problem("analyzer", "backend_error", "backend said: Internal server error")
    text = section(diagnostics_text(session, log_file=tmp_path / "none.log"), "Session")
    assert f"Source            {session.source.url}" in text
    assert "Analyzer          embedded://rules" in text
    assert "State: source     finished" in text
    assert "State: analyzer   stopped" in text
    assert f"frames {c.frames}," in text
    assert f"windows {c.windows}," in text
    assert f"descriptions {c.descriptions}," in text
    assert f"not relevant {c.not_relevant}," in text
    assert "backend_error 1" in text
    assert "analyzer/backend_error: backend said: Internal server error" in text
    assert f"Devices (stores)  {len(session.stores)}: " in text
    assert len(session.stores) >= 1
    assert f"Recording         to {tmp_path / 'rec.jsonl'}" in text


# --- the log ------------------------------------------------------------------------------------


def test_the_log_tail_is_the_last_lines(tmp_path: Path) -> None:
    log = tmp_path / "big.log"
    lines = [f"2026-01-01 00:00:00,000 INFO x: line {i} " + "é" * (i % 50) for i in range(20_000)]
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert tail_lines(log, 50) == lines[-50:]
    assert tail_lines(log, 1) == lines[-1:]
    assert tail_lines(log, 0) == []
    text = diagnostics_text(None, log_file=log)
    assert section(text, "Log").splitlines()[1:51] == lines[-50:]
    assert "line 19949 " not in text


def test_a_short_or_missing_log_file_is_said(tmp_path: Path) -> None:
    short = tmp_path / "short.log"
    short.write_text("a\nb", encoding="utf-8")
    assert tail_lines(short, 50) == ["a", "b"]
    missing = tmp_path / "gone.log"
    text = diagnostics_text(None, log_file=missing)
    assert f"(no log file at {missing})" in section(text, "Log")
    assert f"{missing} (not there)" in section(text, "Files")
    empty = tmp_path / "empty.log"
    empty.write_bytes(b"")
    assert "(the log file is empty)" in diagnostics_text(None, log_file=empty)


# --- secrets ------------------------------------------------------------------------------------


def test_secrets_in_the_session_and_the_log_are_redacted(tmp_path: Path) -> None:
    session = ran_session(tmp_path)
    session.set_state("analyzer", session.states["analyzer"][0], "wss://h/dev?token=tok-STATE")
    session.problem("analyzer", "handshake", "rejected: wss://h/dev?token=tok-PROBLEM")
    log = tmp_path / "app.log"
    log.write_text(
        "2026-01-01 00:00:00,000 INFO link: connecting to wss://h/dev?token=tok-LOG1&v=2\n"
        "2026-01-01 00:00:01,000 DEBUG botocore: Authorization: AWS4-HMAC-SHA256 "
        "Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/bedrock/aws4_request, "
        "SignedHeaders=host, Signature=deadbeefcafe\n",
        encoding="utf-8",
    )
    text = diagnostics_text(
        session, log_file=log, extra={"Command line": "--analyzer http://h/?token=tok-EXTRA"}
    )
    for secret in ("tok-", "AKIAIOSFODNN7EXAMPLE", "deadbeefcafe"):
        assert secret not in text
    assert "wss://h/dev?token=[REDACTED]&v=2" in text
    assert "wss://h/dev?token=[REDACTED]" in section(text, "Session")
    assert "Signature=[REDACTED]" in text
    assert redact(text) == text  # nothing left to redact


@pytest.mark.timeout(60)  # a hang guard: a 32 KB device-chosen key froze the GUI for 40 s
def test_hostile_and_huge_values_are_bounded(tmp_path: Path) -> None:
    session = ran_session(tmp_path)
    key = "a_-" * 11_000  # a 33 KB key a device chose, quoted back in a refused-frame problem
    session.problem("source", "refused", f'frame refused: {{"{key}": "x", "token": "s3cret"}}')
    session.set_state("analyzer", session.states["analyzer"][0], "x" * 100_000)
    log = tmp_path / "app.log"
    log.write_text(
        "\n".join(["a_" * 200_000, "token=" + "t" * 300_000, "tail line"]) + "\n",
        encoding="utf-8",
    )
    extra = {f"k{i}": "v" * 10_000 for i in range(MAX_SECTION_LINES + 50)}
    text = diagnostics_text(session, log_file=log, extra=extra)
    assert "s3cret" not in text
    assert all(len(line) <= MAX_LINE_CHARS + 80 for line in text.splitlines())
    assert "… (50 more lines)" in section(text, "Extra")
    assert text.rstrip().endswith("tail line")
    assert "token=" + "t" * 10 not in text


def test_without_a_file_handler_the_newest_process_log_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import logging
    import os

    monkeypatch.setenv("INTELIVISION_LOG_DIR", str(tmp_path))
    root = logging.getLogger()
    monkeypatch.setattr(
        root, "handlers", [h for h in root.handlers if not hasattr(h, "baseFilename")]
    )
    old = tmp_path / "intelivision-desktop-20260101-000000-11.log"
    new = tmp_path / "intelivision-desktop-20260102-000000-12.log"
    for i, p in enumerate((old, new)):
        p.write_text("x\n", encoding="utf-8")
        os.utime(p, (1_000_000 + i, 1_000_000 + i))
    assert diagnostics.current_log_file() == new
