"""The command line, run as the user runs it: ``python -m intelivision_desktop …`` in a subprocess.

Qt renders offscreen and logs go to a temporary folder, never the user's.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from intelivision_desktop.core.model import Description, Frame
from intelivision_desktop.core.recording import Header, RecordingParser
from intelivision_desktop.io.resources import demo_recording

TIMEOUT_S = 120
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OUTPUT_KEYS = {"time", "text", "source", "fallback", "latency_ms", "device"}

# Every phrase of the rules describer (PROTOCOL.md §4) ends with a position or a direction.
PLACES = {"frente", "izquierda", "derecha", "desconocido", "centro", "atras"}
WORD = re.compile(r"[A-Za-zÁÉÍÓÚÜÑáéíóúüñ_]+")


def run_cli(
    args: list[str], tmp_path: Path, timeout: float = TIMEOUT_S
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["INTELIVISION_LOG_DIR"] = str(tmp_path / "logs")
    for var in ("AGGREGATION_WINDOW_MS", "MAX_AGGREGATION_SIZE", "AWS_BEARER_TOKEN_BEDROCK"):
        env.pop(var, None)
    return subprocess.run(
        [sys.executable, "-m", "intelivision_desktop", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        env=env,
        cwd=tmp_path,
        check=False,
    )


def assert_no_traceback(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stdout, proc.stdout


def is_spanish_phrase(text: str) -> bool:
    words = text.split(" ")
    return 1 <= len(words) <= 5 and all(WORD.fullmatch(w) for w in words) and words[-1] in PLACES


def output_lines(stdout: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def description_lines(stdout: str) -> list[dict[str, object]]:
    """The description lines of headless output (alert lines, ``"kind": "alert"``, aside)."""
    return [d for d in output_lines(stdout) if d["kind"] == "description"]


def test_phrase_check_rejects_bad_phrases() -> None:
    assert is_spanish_phrase("Persona alegre saludando izquierda")
    assert not is_spanish_phrase("una dos tres cuatro cinco frente")  # six words
    assert not is_spanish_phrase("")
    assert not is_spanish_phrase("Person waving left")
    assert not is_spanish_phrase("Persona  izquierda")


# --- headless -----------------------------------------------------------------------------


def test_headless_demo_prints_one_json_line_per_description(tmp_path: Path) -> None:
    proc = run_cli(["--headless", "--source", "demo://?speed=max&loop=0"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert_no_traceback(proc)
    assert {d["kind"] for d in output_lines(proc.stdout)} <= {"description", "alert"}
    out = description_lines(proc.stdout)
    assert len(out) >= 20, proc.stdout
    bad = [d["text"] for d in out if not is_spanish_phrase(str(d["text"]))]
    assert not bad, f"not a Spanish phrase of at most five words: {bad}"
    for d in out:
        assert d.keys() >= OUTPUT_KEYS, d
        assert d["device"] == "demo"
        assert d["source"] == "rules"
        assert d["fallback"] is False
        assert isinstance(d["latency_ms"], int | float)
        assert d["latency_ms"] >= 0
        dt.datetime.fromisoformat(str(d["time"]))
    times = [dt.datetime.fromisoformat(str(d["time"])) for d in out]
    assert times == sorted(times)
    # Logs went to the folder we chose (never the user's), with the start-up line.
    # One file per process, named with its pid (instances never share a file).
    (log_file,) = (tmp_path / "logs").glob("intelivision-desktop-*.log")
    assert re.fullmatch(r"intelivision-desktop-\d{8}-\d{6}-\d+\.log", log_file.name)
    assert "startup complete" in log_file.read_text(encoding="utf-8")


def test_headless_fake_source_ends_after_duration(tmp_path: Path) -> None:
    t0 = time.monotonic()
    proc = run_cli(
        ["--headless", "--source", "fake://person_waves?speed=50", "--duration", "2"], tmp_path
    )
    took = time.monotonic() - t0
    assert proc.returncode == 0, proc.stderr
    assert_no_traceback(proc)
    assert took >= 2.0
    out = description_lines(proc.stdout)
    assert out, "100 s of the scene at 50× must describe something"
    assert all(d["device"] == "fake" for d in out)
    assert all(is_spanish_phrase(str(d["text"])) for d in out)


def test_headless_record_writes_a_clean_recording(tmp_path: Path) -> None:
    rec = tmp_path / "out.jsonl"
    url = "demo://person_waves?speed=max&loop=0"
    proc = run_cli(["--headless", "--source", url, "--record", str(rec)], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert_no_traceback(proc)

    parser = RecordingParser()
    records = [r for line in rec.read_bytes().split(b"\n") if (r := parser.feed(line))]
    assert parser.bad_lines == 0, parser.errors
    assert isinstance(records[0], Header)
    assert records[0].source == url
    assert records[0].analyzer == "embedded://rules"
    frames = [r for r in records if isinstance(r, Frame)]
    descs = [r for r in records if isinstance(r, Description)]
    scene = demo_recording("person_waves")
    wire = [json.loads(x) for x in scene.read_text(encoding="utf-8").splitlines()]
    assert len(frames) == len(wire)
    raw = [json.loads(x) for x in rec.read_text(encoding="utf-8").splitlines()]
    assert [r["data"] for r in raw if r["type"] == "frame"] == wire
    printed = description_lines(proc.stdout)
    assert [d.text for d in descs] == [d["text"] for d in printed]
    assert [d.t_ms for d in descs] == [d["t_ms"] for d in printed]


# --- user errors --------------------------------------------------------------------------

BAD_ARGUMENTS = {
    "unknown-scheme": ["--source", "nope://x"],
    "missing-file": ["--source", "/no/such/file.jsonl"],
    "unknown-analyzer": ["--analyzer", "foo://"],
    "negative-duration": ["--duration", "-1"],
    "nan-duration": ["--duration", "nan"],
    "infinite-history": ["--history", "inf"],
    "analyzer-port-out-of-range": ["--analyzer", "http://127.0.0.1:99999"],
    "backoff-cap-below-initial": ["--backoff-initial", "5", "--backoff-cap", "1"],
    "record-exists": ["--record", "{existing}"],
}


@pytest.mark.parametrize("mode", [["--headless"], []], ids=["headless", "window"])
@pytest.mark.parametrize("bad", list(BAD_ARGUMENTS.values()), ids=list(BAD_ARGUMENTS))
def test_bad_arguments_exit_2_with_one_error_line(
    tmp_path: Path, bad: list[str], mode: list[str]
) -> None:
    existing = tmp_path / "existing.jsonl"
    existing.write_text("keep me\n", encoding="utf-8")
    args = [*mode, *(a.format(existing=existing) for a in bad)]
    if "--source" not in args:
        args += ["--source", "demo://?speed=max&loop=0"]
    proc = run_cli(args, tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert_no_traceback(proc)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("intelivision-desktop: error:"), proc.stderr
    assert proc.stdout == ""
    assert existing.read_text(encoding="utf-8") == "keep me\n"


# --- the window, offscreen ----------------------------------------------------------------


def test_self_test_passes(tmp_path: Path) -> None:
    proc = run_cli(["--self-test"], tmp_path)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    assert_no_traceback(proc)
    assert any(line.startswith("self-test: OK") for line in proc.stdout.splitlines()), proc.stdout


def test_screenshot_writes_a_png(tmp_path: Path) -> None:
    shot = tmp_path / "shots" / "shot.png"
    proc = run_cli(
        ["--screenshot", str(shot), "--duration", "2", "--source", "demo://?speed=10"], tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    assert_no_traceback(proc)
    data = shot.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert len(data) > 10_000
