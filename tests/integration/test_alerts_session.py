"""Alerts through a Session: headless output lines (``"kind": "alert"``), the recording's alert
records, and the 1 Hz alert clock for a live source that goes quiet."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from intelivision_desktop.core.alerts import AlertConfig
from intelivision_desktop.core.codec import decode_frame
from intelivision_desktop.core.embedded import RulesAnalyzer
from intelivision_desktop.core.model import Alert, AlertKind, Event
from intelivision_desktop.core.ports import SourceSink
from intelivision_desktop.core.recording import RecordingParser
from intelivision_desktop.core.session import Session
from tests.integration.test_cli import assert_no_traceback, output_lines, run_cli


def test_headless_car_and_dog_prints_danger_alerts_and_records_them(tmp_path: Path) -> None:
    rec = tmp_path / "out.jsonl"
    url = "demo://car_and_dog?speed=max&loop=0"
    proc = run_cli(["--headless", "--source", url, "--record", str(rec)], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert_no_traceback(proc)
    lines = output_lines(proc.stdout)
    alerts = [d for d in lines if d["kind"] == "alert"]
    assert [a["alert"] for a in alerts] == ["danger", "danger"], proc.stdout
    assert [a["detail"]["object"] for a in alerts] == ["coche", "perro"]  # type: ignore[index]
    assert all(a["device"] == "demo" and a["frames_from"] == url for a in alerts)
    assert any(d["kind"] == "description" for d in lines)

    parser = RecordingParser()
    for line in rec.read_bytes().split(b"\n"):
        parser.feed(line)
    assert parser.bad_lines == 0, parser.errors
    assert [a.kind for a in parser.alerts] == [AlertKind.DANGER, AlertKind.DANGER]
    assert [a.t_ms for a in parser.alerts] == [a["t_ms"] for a in alerts]
    raw = [json.loads(x) for x in rec.read_text(encoding="utf-8").splitlines()]
    assert sum(r["type"] == "alert" for r in raw) == 2


def test_calm_demo_prints_no_alert(tmp_path: Path) -> None:
    proc = run_cli(["--headless", "--source", "demo://person_waves?speed=max&loop=0"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = output_lines(proc.stdout)
    assert lines
    assert all(d["kind"] == "description" for d in lines)


class _QuietLiveSource:
    """A live source whose device sends two frames, then nothing, until stopped."""

    url = "test://quiet"
    live = True

    def __init__(self, t0: float) -> None:
        self.t0 = t0

    async def run(self, sink: SourceSink) -> None:
        wire = {"cameraActive": True, "personas": [], "objetos": []}
        sink.push_frames(
            [decode_frame(wire, device_id="phone", arrival_ms=self.t0 + i * 200) for i in (0, 1)]
        )
        await asyncio.Event().wait()


def test_a_live_device_that_goes_quiet_raises_silent_on_the_alert_clock() -> None:
    now = [1_767_000_000_000.0]
    session = Session(
        _QuietLiveSource(now[0]),
        RulesAnalyzer(),
        alerts=AlertConfig(silent_s=5),
        clock=lambda: now[0],
    )
    seen: list[Alert] = []

    def on_event(e: Event) -> None:
        if isinstance(e, Alert):
            seen.append(e)
            session.stop()

    session.subscribe(on_event)

    async def scenario() -> None:
        task = asyncio.create_task(session.run())
        await asyncio.sleep(0.05)
        assert seen == []  # frames came: not silent
        now[0] += 6_000  # the clock moves on; only the alert clock task can notice
        await asyncio.wait_for(task, 10)

    asyncio.run(scenario())
    assert [(a.kind, a.device_id) for a in seen] == [(AlertKind.SILENT, "phone")]
    assert session.counters().alerts == 1
    assert list(session.alerts) == seen
