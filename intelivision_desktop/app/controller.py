"""Owns the running Session for the GUI: starts it, switches sources, records, shuts down."""

from __future__ import annotations

import argparse
import asyncio
import copy
import datetime as dt
import logging
import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from intelivision_desktop.app import pairing
from intelivision_desktop.app.diagnostics import about_versions, diagnostics_text, folders
from intelivision_desktop.app.i18n import LANGUAGE_NAMES, available_languages
from intelivision_desktop.app.settings import Options, SettingsError, SettingsStore
from intelivision_desktop.app.wiring import (
    CliError,
    analysis_config,
    analyzer_window,
    build_session,
)
from intelivision_desktop.core.ports import LineDevice, Playback
from intelivision_desktop.core.redact import redact
from intelivision_desktop.core.session import Session
from intelivision_desktop.core.urlopts import without_secrets
from intelivision_desktop.io.recorder import JsonlRecorder
from intelivision_desktop.io.registry import UrlError, analyzer_for, is_observer_url, open_analyzer
from intelivision_desktop.io.resources import recordings_dir
from intelivision_desktop.io.sources import DemoSource, ReplaySource
from intelivision_desktop.ui.about import AboutDialog
from intelivision_desktop.ui.l10n import translate
from intelivision_desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)


class SessionController:
    """One session at a time, each with an owned task."""

    def __init__(
        self,
        window: MainWindow,
        args: argparse.Namespace,
        settings: SettingsStore | None = None,
    ) -> None:
        """``settings``: where options are read and kept (None: defaults, nothing saved)."""
        self.window = window
        self.args = args
        self.session: Session | None = None
        self.task: asyncio.Task[None] | None = None
        self._pending: set[asyncio.Task[None]] = set()
        self._link_options: dict[str, Any] | None = None
        self.settings = settings
        self.options = settings.load() if settings is not None else Options()
        self._save_error: str | None = None
        self.pairing_path: Path | None = pairing.token_path() if settings is not None else None
        """Where the devices' pairing token is kept (None: a token per session, nothing
        written: the self-test, screenshots and tests without settings)."""
        self._apply_options()
        if settings is not None and settings.warnings:
            window.notify(
                translate("MainWindow", "Settings: {problems}").format(
                    problems="; ".join(settings.warnings)
                ),
                20000,
            )
        window.source_requested.connect(self._on_source_requested)
        window.record_toggled.connect(self.set_recording)
        window.connection.connect_requested.connect(self.use_backend)
        window.connection.disconnect_requested.connect(self.use_rules)
        window.serial.send_line.connect(self.send_line)
        window.serial.control_lines.connect(self.set_control_lines)
        window.diagnostics_requested.connect(self.copy_diagnostics)
        window.about_requested.connect(self.show_about)
        # options the operator changes are kept for the next start
        window.history_combo.currentIndexChanged.connect(self._on_history_chosen)
        # the operator's clicks only: panning the plots turns follow off by itself, and closing
        # the window turns speech off; neither is a preference
        window.follow_action.triggered.connect(lambda on: self.remember(follow_live=on))
        window.replay.speed_chosen.connect(lambda sp: self.remember(replay_speed=sp))
        window.replay.loop_chosen.connect(self._on_loop_chosen)
        window.speak_action.triggered.connect(lambda on: self.remember(speech_enabled=on))
        window.alert_sound_action.triggered.connect(lambda on: self.remember(alert_sound=on))
        window.export_done.connect(self._on_export_done)
        window.new_token_requested.connect(self.new_pairing_token)
        window.alias_changed.connect(self._on_alias_changed)
        window.set_languages({c: LANGUAGE_NAMES.get(c, c) for c in available_languages()})
        window.set_language_choice(self.options.language)
        window.language_chosen.connect(self.choose_language)

    # --- options ---------------------------------------------------------------------------

    def _apply_options(self) -> None:
        o, w = self.options, self.window
        # 0 in the settings file is "all history" (None in the combo)
        idx = w.history_combo.findData(o.history_s if o.history_s else None)
        if idx >= 0:
            w.history_combo.setCurrentIndex(idx)
        w.follow_action.setChecked(o.follow_live)
        w.speaker.set_rate(o.speech_rate)
        w.speaker.set_volume(o.speech_volume)
        w.speaker.set_repeat_quiet(o.speech_repeat_quiet_s)
        w.set_alert_sound(o.alert_sound)
        if o.speech_enabled:
            w.speaker.set_enabled(True)  # stays off, with the reason shown, if unavailable
        w.serve_port = o.serve_port
        w.export_folder = o.export_folder
        w.export_everything = o.export_range == "all"
        w.names.aliases.update(o.device_aliases)
        if o.source_url.startswith("replay://"):
            w.recent_folder = str(Path(o.source_url.removeprefix("replay://")).parent)
        c = w.connection
        if o.analyzer_url.startswith(("http://", "https://", "ws://", "wss://")):
            c.url.setText(o.analyzer_url)
        elif o.analyzer_url.startswith("embedded://bedrock"):
            c.bedrock_url = o.analyzer_url
        for combo, value in ((c.protocol, o.link_protocol), (c.token_in, o.link_token_in)):
            i = combo.findData(value)
            if i >= 0:
                combo.setCurrentIndex(i)
        c.verify.setChecked(o.link_verify_tls)
        c.ca_file.setText(o.link_ca_file)

    def remember(self, **changes: Any) -> None:
        """Change options and save them (a save that fails is said once, then retried)."""
        try:
            new = self.options.replace(**changes)
        except ValueError as exc:
            log.warning("option not kept: %s", exc)
            return
        if new == self.options:
            return
        self.options = new
        if self.settings is None:
            return
        try:
            self.settings.save(new)
            self._save_error = None
        except SettingsError as exc:
            if str(exc) != self._save_error:
                self._save_error = str(exc)
                log.error("%s", exc)
                self.window.notify(str(exc), 15000)

    def choose_language(self, code: str) -> None:
        """View → Language: kept in the settings (``options.language``; "" the system's) and
        used from the next start: the window is built once in its language."""
        self.remember(language=code)
        self.window.notify(
            translate("MainWindow", "The language changes the next time the app starts."), 10000
        )

    def _on_alias_changed(self, _key: str, _alias: str) -> None:
        """The operator named a device: the settings file keeps it."""
        self.remember(device_aliases=dict(self.window.names.aliases))

    # --- pairing ---------------------------------------------------------------------------

    def pairing_token(self) -> str | None:
        """The kept token for serve mode (None: let the server make one for this session)."""
        if self.pairing_path is None:
            return None
        try:
            return pairing.load_or_create(self.pairing_path)
        except OSError as exc:
            log.error("cannot keep the pairing token: %s", exc)
            self.window.notify(
                translate(
                    "MainWindow",
                    "The pairing token cannot be kept ({reason}): devices must pair again "
                    "next time.",
                ).format(reason=type(exc).__name__),
                15000,
            )
            return None

    def new_pairing_token(self) -> None:
        """Replace the kept token; a running device server restarts with it."""
        if self.pairing_path is None:
            self.window.notify(
                translate("MainWindow", "No pairing token is kept in this run."), 8000
            )
            return
        try:
            pairing.new_token(self.pairing_path)
        except OSError as exc:
            log.error("cannot write a new pairing token: %s", exc)
            self.window.notify(
                translate("MainWindow", "Cannot make a new pairing token: {reason}").format(
                    reason=type(exc).__name__
                ),
                15000,
            )
            return
        src = self.session.source if self.session is not None else None
        if src is not None and src.url.startswith("serve://"):
            self._spawn(self.start(src.url))  # its URL holds no token: the new one is used
        self.window.notify(
            translate("MainWindow", "New pairing token made: pair each device again."), 10000
        )

    def _on_history_chosen(self, i: int) -> None:
        secs = self.window.history_combo.itemData(i)
        self.remember(history_s=0.0 if secs is None else float(secs))  # 0: all of it

    def _on_export_done(self, folder: str, everything: bool) -> None:
        self.window.export_folder = folder
        self.window.export_everything = everything
        self.remember(export_folder=folder, export_range="all" if everything else "visible")

    def _on_loop_chosen(self, on: bool) -> None:
        src = self.session.source if self.session is not None else None
        if isinstance(src, ReplaySource) and not isinstance(src, DemoSource):
            self.remember(replay_loop=on)  # the demo loops by nature; that is not a preference

    def _apply_replay_options(self, session: Session) -> None:
        """A replay started without ``speed=`` / ``loop=`` in its URL uses the kept ones."""
        src = session.source
        if not isinstance(src, ReplaySource):
            return
        query = src.url.partition("?")[2]
        if "speed=" not in query:
            src.set_speed(self.options.replay_speed)
        if "loop=" not in query and not isinstance(src, DemoSource):
            src.loop = self.options.replay_loop

    # --- help ------------------------------------------------------------------------------

    def diagnostics(self) -> str:
        extra = {
            "Settings file": str(self.settings.path) if self.settings else "(not kept)",
            "Speech": f"{self.window.speaker.backend_name}: "
            + ("on" if self.window.speaker.enabled else "off")
            + (f" ({self.window.speaker.reason})" if self.window.speaker.reason else ""),
            "Window": f"{self.window.width()}×{self.window.height()}",
        }
        return diagnostics_text(self.session, extra=extra)

    def copy_diagnostics(self) -> None:
        text = self.diagnostics()
        QGuiApplication.clipboard().setText(text)
        n = text.count("\n") + 1
        self.window.notify(
            translate(
                "MainWindow", "Diagnostics copied to the clipboard ({n} lines, secrets removed)."
            ).format(n=n),
            8000,
        )

    def show_about(self) -> None:
        dialog = AboutDialog(
            self.diagnostics, self.window, versions=about_versions(), folders=folders()
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()  # window-modal, without a nested event loop inside the asyncio loop
        self.about_dialog = dialog

    async def start(self, url: str) -> None:
        """Stop the current session (if any) and start one on ``url``."""
        await self.stop()
        if url.startswith("serve://"):
            token = self.pairing_token()
            if token is not None:
                url = pairing.with_token(url, token)  # the same token every launch
        args = self.args
        paired = analyzer_for(url, args.analyzer)
        if paired != args.analyzer:  # a fleet: the deployment describes (remote://)
            args = copy.copy(args)
            args.analyzer = paired
        try:
            session = build_session(
                args, url, link=self._link_options, alerts=self.options.alert_config()
            )
        except CliError as exc:
            log.error("cannot open %s: %s", redact(url), exc)
            self.window.notify(
                redact(
                    translate("MainWindow", "Cannot open {source}: {reason}").format(
                        source=url.split("?")[0], reason=exc
                    )
                ),
                15000,
            )
            return
        self.adopt(session)

    def adopt(self, session: Session) -> None:
        """Show and run an already built session (the current one must be stopped)."""
        self.session = session
        if isinstance(session.source, Playback):
            session.source.hold_at_end = True  # a replay waits at its end to be sought
        self._apply_replay_options(session)
        if not is_observer_url(session.source.url):  # a fleet's URL has a token: not kept
            self.remember(source_url=session.source.url)
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
        if self.session is not None:
            self.window.detach()
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
        # later sessions (source changes) use it as given: analyzer.url shows a token as ***
        self.args.analyzer = url
        self._link_options = options or None
        changes: dict[str, Any] = {"analyzer_url": without_secrets(url)}
        if options:
            ca = options.get("ca_file")
            changes.update(
                link_protocol=options.get("protocol", "auto"),
                link_token_in=options.get("token_in", "query"),
                link_verify_tls=bool(options.get("verify_tls", True)),
                link_ca_file=str(ca) if ca else "",
            )
        self.remember(**changes)  # never the token: the settings file keeps no secrets
        if self.session is not None:
            self.session.set_analyzer(analyzer)

    def send_line(self, text: str) -> None:
        src = self.session.source if self.session else None
        if not isinstance(src, LineDevice):
            self.window.notify(
                translate("MainWindow", "The current source is not a serial device."), 8000
            )
            return
        src.send_line(text, eol=self.window.serial.line_ending)

    def set_control_lines(self, dtr: bool, rts: bool) -> None:
        src = self.session.source if self.session else None
        if isinstance(src, LineDevice):
            src.set_control_lines(dtr, rts)

    def use_rules(self) -> None:
        self.args.analyzer = "embedded://rules"
        self.remember(analyzer_url="embedded://rules")
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
        base = f"{dt.datetime.now():%Y%m%d-%H%M%S}-{stem}"
        path = recordings_dir() / f"{base}.jsonl"
        n = 2
        while path.exists():  # a second recording within the same second: never refused
            path = recordings_dir() / f"{base}-{n}.jsonl"
            n += 1
        try:
            rec = JsonlRecorder(
                path,
                source=s.source.url,
                analyzer=s.analyzer.url,
                settings={"window_ms": analyzer_window(self.args)},
            )
        except OSError as exc:
            self.window.notify(
                translate("MainWindow", "Cannot record: {reason}").format(
                    reason=exc.strerror or exc
                ),
                15000,
            )
            self.window.set_recording(None)
            return
        s.set_recorder(rec)
        self.window.set_recording(str(path))
