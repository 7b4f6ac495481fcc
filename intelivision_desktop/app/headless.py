"""Headless runs: a Session on a plain asyncio loop, one JSON line per description and one
per alert.

Description lines are ``{"kind": "description", "time": …, "device": …, "text": …, …}``;
alert lines ``{"kind": "alert", "alert": "danger", "time": …, "device": …, "message": …,
"detail": {…}}``, so a script can page someone (``jq 'select(.kind == "alert")'``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import sys
import time
from typing import TextIO

from intelivision_desktop.core.codec import dumps, json_safe
from intelivision_desktop.core.model import (
    Alert,
    Description,
    Event,
    LinkState,
    Problem,
    StateChange,
)
from intelivision_desktop.core.ports import DeviceHost
from intelivision_desktop.core.redact import redact
from intelivision_desktop.core.session import Session

log = logging.getLogger(__name__)


def iso_ms(t_ms: float) -> str:
    return dt.datetime.fromtimestamp(t_ms / 1000.0, tz=dt.UTC).isoformat(timespec="milliseconds")


def description_json(d: Description, source_url: str) -> str:
    return dumps(
        {
            "kind": "description",
            "time": iso_ms(d.t_ms),
            "t_ms": round(d.t_ms, 3),
            "device": d.device_id,
            "text": d.text,
            "source": d.source,
            "fallback": d.fallback,
            "latency_ms": None if d.latency_ms is None else round(d.latency_ms, 3),
            "frames_from": redact(source_url),
        }
    )


def alert_json(a: Alert, source_url: str) -> str:
    return dumps(
        {
            "kind": "alert",
            "alert": a.kind.value,
            "time": iso_ms(a.t_ms),
            "t_ms": round(a.t_ms, 3),
            "device": a.device_id,
            "message": redact(a.message),
            "detail": json_safe(dict(a.detail)),
            "frames_from": redact(source_url),
        }
    )


class Printer:
    """Session listener that prints descriptions and alerts to ``out`` and problems to the
    log."""

    def __init__(self, session: Session, out: TextIO | None = None) -> None:
        self.session = session
        self.out = out if out is not None else sys.stdout  # the one of now, not of import
        self.printed = 0
        """Description lines printed."""
        self.alerts = 0
        """Alert lines printed."""
        self._logged: dict[str, float] = {}
        self._told = False

    def _write(self, line: str) -> bool:
        try:
            self.out.write(line + "\n")
            self.out.flush()
        except BrokenPipeError:  # the reader went away (e.g. `| head`): end quietly
            self.session.stop()
            return False
        return True

    def __call__(self, event: Event) -> None:
        if isinstance(event, Description):
            if self._write(description_json(event, self.session.source.url)):
                self.printed += 1
        elif isinstance(event, Alert):
            if self._write(alert_json(event, self.session.source.url)):
                self.alerts += 1
        elif isinstance(event, Problem):
            now = time.monotonic()  # one line per kind every 10 s, however many occur
            if now - self._logged.get(event.kind, -1e9) >= 10.0:
                self._logged[event.kind] = now
                log.warning("%s: %s", event.component, event.message)
        elif isinstance(event, StateChange) and event.state is LinkState.LIVE:
            src = self.session.source
            if event.component == "source" and isinstance(src, DeviceHost) and not self._told:
                # straight to the operator's terminal, not to the log file: it may hold a token
                self._told = True
                for kind, url in src.device_urls().items():
                    sys.stderr.write(f"devices connect to ({kind}): {url}\n")
                sys.stderr.flush()


async def run_headless(
    session: Session, duration_s: float | None, out: TextIO | None = None
) -> int:
    """Run until the source ends or ``duration_s`` passes. Exit code: 0 ok, 1 source failed."""
    printer = Printer(session, out)
    session.subscribe(printer)
    from intelivision_desktop.app.logs import STARTUP_LINE

    log.info(
        "%s (headless, source %s, analyzer %s)",
        STARTUP_LINE,
        session.source.url,
        session.analyzer.url,
    )
    await session.run(duration_s)
    c = session.counters()
    log.info(
        "done: %d frames, %d windows, %d descriptions, %d not relevant, %d malformed, %d alerts",
        c.frames,
        c.windows,
        c.descriptions,
        c.not_relevant,
        c.malformed,
        c.alerts,
    )
    state, detail = session.states["source"]
    if state is LinkState.FAILED:
        sys.stderr.write(f"intelivision-desktop: error: source failed: {detail}\n")
        return 1
    return 0


def main_headless(session: Session, duration_s: float | None) -> int:
    return asyncio.run(run_headless(session, duration_s))
