"""Logging set-up: one file per process, INFO unless asked, no library chatter, no secrets
(issue 17 §2, §6)."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from intelivision_desktop.app import logs
from intelivision_desktop.app.logs import (
    KEEP_LOG_FILES,
    LOG_LEVEL_ENV,
    MAX_RECORD_CHARS,
    RedactingFormatter,
    latest_log_file,
    resolve_level,
    setup_logging,
)
from tests.conftest import TEST_TOKENS

TOKEN = TEST_TOKENS[0]
NAMED = ("qasync", "asyncio", "websockets", "websockets.client", "aiohttp", "botocore")


@pytest.fixture
def log_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the app's log folder into tmp_path; restore the root logger afterwards."""
    folder = tmp_path / "logs"
    monkeypatch.setenv("INTELIVISION_LOG_DIR", str(folder))
    monkeypatch.delenv(LOG_LEVEL_ENV, raising=False)
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, {n: logging.getLogger(n).level for n in NAMED})
    yield folder
    for h in root.handlers[:]:
        root.removeHandler(h)
        if h not in saved[0]:
            h.close()
    for h in saved[0]:
        root.addHandler(h)
    root.setLevel(saved[1])
    for name, level in saved[2].items():
        logging.getLogger(name).setLevel(level)


def flush() -> None:
    for h in logging.getLogger().handlers:
        h.flush()


def chatter() -> None:
    """What the libraries said on every API Gateway connect."""
    logging.getLogger("websockets.client").debug("> GET /dev?token=%s HTTP/1.1", TOKEN)
    logging.getLogger("websockets.client").debug("> Authorization: Bearer %s", TOKEN)
    logging.getLogger("aiohttp.client").debug("request to http://h:1/?token=%s", TOKEN)
    logging.getLogger("qasync").debug("frame data %s", "x" * 300_000)
    logging.getLogger("asyncio").debug("Using selector: EpollSelector")
    logging.getLogger("intelivision_desktop.io.links").debug("link detail at debug")
    logging.getLogger("intelivision_desktop.io.links").info(
        "connecting to wss://h/dev?token=%s", TOKEN
    )


def test_the_file_is_per_process_and_at_info_by_default(log_folder: Path) -> None:
    path = setup_logging()
    assert path is not None
    assert path.parent == log_folder
    assert re.fullmatch(rf"intelivision-desktop-\d{{8}}-\d{{6}}-{os.getpid()}\.log", path.name)
    assert latest_log_file(log_folder) == path
    chatter()
    flush()
    text = path.read_text(encoding="utf-8")
    assert "connecting to wss://h/dev?token=[REDACTED]" in text
    assert TOKEN not in text
    for absent in ("link detail at debug", "GET /dev", "Authorization", "frame data", "selector"):
        assert absent not in text, absent


@pytest.mark.parametrize("how", ["argument", "environment"])
def test_debug_when_asked_still_redacted_and_without_qasync(
    log_folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], how: str
) -> None:
    if how == "environment":
        monkeypatch.setenv(LOG_LEVEL_ENV, "debug")
        path = setup_logging()
    else:
        path = setup_logging("DEBUG")
    assert path is not None
    chatter()
    flush()
    text = path.read_text(encoding="utf-8")
    err = capsys.readouterr().err
    for out in (text, err):
        assert "link detail at debug" in out
        assert "> GET /dev?token=[REDACTED] HTTP/1.1" in out
        assert "> Authorization: Bearer [REDACTED]" in out
        assert TOKEN not in out
        assert "frame data" not in out  # qasync at WARNING whatever the level
        assert "selector" not in out


def test_a_quieter_stderr_leaves_the_file_at_info(
    log_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = setup_logging("WARNING")
    assert path is not None
    logging.getLogger("x").info("an info line")
    flush()
    assert "an info line" in path.read_text(encoding="utf-8")
    assert "an info line" not in capsys.readouterr().err


def test_tracebacks_are_redacted_on_every_handler(
    log_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = setup_logging()
    assert path is not None
    try:
        raise ConnectionError(f"handshake failed: wss://h/dev?token={TOKEN}")
    except ConnectionError:
        logging.getLogger("link").exception("link failed")
    logging.getLogger("link").info("here", stack_info=True)
    flush()
    text = path.read_text(encoding="utf-8")
    err = capsys.readouterr().err
    for out in (text, err):
        assert "Traceback" in out
        assert "ConnectionError: handshake failed: wss://h/dev?token=[REDACTED]" in out
        assert TOKEN not in out


def test_a_huge_record_is_cut_in_the_middle_after_redaction() -> None:
    fmt = RedactingFormatter("%(message)s")
    secret = "token=" + TOKEN * 10
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "%s", (secret + " " + "y" * 100_000 + " end",), None
    )
    out = fmt.format(record)
    assert len(out) < MAX_RECORD_CHARS + 100
    assert out.startswith("token=[REDACTED]")
    assert out.endswith(" end")
    assert "characters cut" in out


def test_a_bad_format_call_still_gives_a_line() -> None:
    fmt = RedactingFormatter("%(message)s")
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%d token=%s", ("nan", TOKEN), None)
    out = fmt.format(record)
    assert "unformattable" in out
    assert TOKEN not in out


def test_old_process_files_are_pruned(log_folder: Path) -> None:
    log_folder.mkdir(parents=True)
    for i in range(KEEP_LOG_FILES + 5):
        main = log_folder / f"intelivision-desktop-20260101-0000{i:02d}-{1000 + i}.log"
        main.write_text("old\n", encoding="utf-8")
        backup = log_folder / f"{main.name}.1"
        backup.write_text("old\n", encoding="utf-8")
        os.utime(main, (1_000_000 + i, 1_000_000 + i))
        os.utime(backup, (1_000_000 + i, 1_000_000 + i))
    shared = log_folder / "intelivision-desktop.log"  # the old file all instances shared
    shared.write_text("old\n", encoding="utf-8")
    os.utime(shared, (1, 1))
    (log_folder / "someone-else.log").write_text("keep\n", encoding="utf-8")
    path = setup_logging()
    assert path is not None
    mains = sorted(p.name for p in log_folder.glob("intelivision-desktop*.log"))
    assert len(mains) == KEEP_LOG_FILES
    assert path.name in mains
    assert "intelivision-desktop.log" not in mains
    last = KEEP_LOG_FILES + 4
    newest_old = f"intelivision-desktop-20260101-0000{last:02d}-{1000 + last}.log"
    assert newest_old in mains
    assert not (log_folder / "intelivision-desktop-20260101-000000-1000.log.1").exists()
    assert (log_folder / "someone-else.log").exists()


def test_level_resolution(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(LOG_LEVEL_ENV, raising=False)
    assert resolve_level() == "INFO"
    assert resolve_level("DEBUG") == "DEBUG"
    monkeypatch.setenv(LOG_LEVEL_ENV, "debug")
    assert resolve_level() == "DEBUG"
    assert resolve_level("WARNING") == "WARNING"
    monkeypatch.setenv(LOG_LEVEL_ENV, "LOUD")
    assert resolve_level() == "INFO"


def test_no_log_folder_means_stderr_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, log_folder: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("INTELIVISION_LOG_DIR", str(blocker / "logs"))
    assert setup_logging() is None
    assert not any(isinstance(h, logging.FileHandler) for h in logging.getLogger().handlers)
    assert logs.log_files(blocker / "logs") == []
