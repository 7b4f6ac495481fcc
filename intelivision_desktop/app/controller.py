"""Owns the running Session for the GUI: starts it, switches sources, records, shuts down."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import re
from pathlib import Path
from typing import Any

import platformdirs

from intelivision_desktop.app.cli import (
    CliError,
    analysis_config,
    analyzer_window,
    build_session,
)
from intelivision_desktop.app.logs import APP_NAME
from intelivision_desktop.core.session import Session
from intelivision_desktop.io.recorder import JsonlRecorder
from intelivision_desktop.io.registry import UrlError, open_analyzer
from intelivision_desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)


def recordings_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "recordings"


class SessionController:
    """One session at a time, each with an owned task."""

    def __init__(self, window: MainWindow, args: argparse.Namespace) -> None:
        self.window = window
        self.args = args
        self.session: Session | None = None
        self.task: asyncio.Task[None] | None = None
        self._pending: set[asyncio.Task[None]] = set()
        self._link_options: dict[str, Any] | None = None
        window.source_requested.connect(self._on_source_requested)
        window.record_toggled.connect(self.set_recording)
        window.connection.connect_requested.connect(self.use_backend)
        window.connection.disconnect_requested.connect(self.use_rules)
        window.serial.send_line.connect(self.send_line)
        window.serial.control_lines.connect(self.set_control_lines)

    async def start(self, url: str) -> None:
        """Stop the current session (if any) and start one on ``url``."""
        await self.stop()
        try:
            session = build_session(self.args, url, link=self._link_options)
        except CliError as exc:
            log.error("cannot open %s: %s", url, exc)
            self.window.statusBar().showMessage(f"Cannot open {url}: {exc}", 15000)
            return
        self.adopt(session)

    def adopt(self, session: Session) -> None:
        """Show and run an already built session (the current one must be stopped)."""
        self.session = session
        if hasattr(session.source, "hold_at_end"):
            session.source.hold_at_end = True  # a replay waits at its end to be sought
        self.window.attach(session)
        self.window.set_recording(
            str(session.recorder.path) if isinstance(session.recorder, JsonlRecorder) else None
        )
        self.task = asyncio.create_task(session.run(), name=f"session {session.source.url}")

    async def stop(self) -> None:
        if self.session is not None and self.task is not None:
            self.session.stop()
            try:
                await self.task
            except Exception:
                log.exception("session ended with an error")
        self.session = None
        self.task = None

    async def shutdown(self) -> None:
        await self.stop()
        for t in list(self._pending):
            t.cancel()
        if self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)

    def _spawn(self, coro: object) -> None:
        task = asyncio.ensure_future(coro)  # type: ignore[call-overload]
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    def _on_source_requested(self, url: str) -> None:
        self.args.record = None  # a recording belongs to the session it was started in
        self._spawn(self.start(url))

    def use_backend(self, url: str, options: dict[str, Any]) -> None:
        """Send the running session's frames to a backend (the source goes on undisturbed)."""
        try:
            analyzer = open_analyzer(
                url,
                analysis_config(self.args),
                link=options or None,
                bedrock_endpoint_url=self.args.bedrock_endpoint_url,
            )
        except UrlError as exc:
            self.window.connection.show_error(str(exc))
            return
        self.args.analyzer = analyzer.url  # later sessions (source changes) keep using it
        self._link_options = options or None
        if self.session is not None:
            self.session.set_analyzer(analyzer)

    def send_line(self, text: str) -> None:
        send = getattr(self.session.source if self.session else None, "send_line", None)
        if send is None:
            self.window.statusBar().showMessage("The current source is not a serial device.", 8000)
            return
        send(text, eol=self.window.serial.line_ending)

    def set_control_lines(self, dtr: bool, rts: bool) -> None:
        ctl = getattr(self.session.source if self.session else None, "set_control_lines", None)
        if ctl is not None:
            ctl(dtr, rts)

    def use_rules(self) -> None:
        self.args.analyzer = "embedded://rules"
        self._link_options = None
        if self.session is not None:
            self.session.set_analyzer(open_analyzer("embedded://rules", analysis_config(self.args)))

    def set_recording(self, on: bool) -> None:
        s = self.session
        if s is None:
            self.window.set_recording(None)
            return
        if not on:
            s.set_recorder(None)
            self.window.set_recording(None)
            return
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", s.source.url).strip("-")[:40] or "session"
        name = f"{dt.datetime.now():%Y%m%d-%H%M%S}-{stem}.jsonl"
        path = recordings_dir() / name
        try:
            rec = JsonlRecorder(
                path,
                source=s.source.url,
                analyzer=s.analyzer.url,
                settings={"window_ms": analyzer_window(self.args)},
            )
        except OSError as exc:
            self.window.statusBar().showMessage(f"Cannot record: {exc}", 15000)
            self.window.set_recording(None)
            return
        s.set_recorder(rec)
        self.window.set_recording(str(path))
