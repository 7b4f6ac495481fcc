"""The main window: plots, description timeline, toolbar and status bar.

It renders what the Session publishes (through :class:`SessionBridge`) and sends the
operator's intents back as signals; it never opens sources or files itself.
"""

from __future__ import annotations

import time
from collections import deque
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QSplitter,
    QToolBar,
    QToolButton,
    QWidget,
)

from intelivision_desktop.core.model import Description, LinkState, Problem
from intelivision_desktop.core.session import Session
from intelivision_desktop.io.resources import exports_dir
from intelivision_desktop.io.server import DEFAULT_PORT as SERVE_PORT
from intelivision_desktop.io.server import DeviceServer
from intelivision_desktop.ui.bridge import SessionBridge
from intelivision_desktop.ui.connection_panel import ConnectionPanel
from intelivision_desktop.ui.devices_panel import DevicesPanel
from intelivision_desktop.ui.export_dialog import ExportDialog
from intelivision_desktop.ui.plots import PlotPanel
from intelivision_desktop.ui.recordings_browser import RecordingsBrowser
from intelivision_desktop.ui.replay_bar import ReplayBar, clock_text
from intelivision_desktop.ui.serial_panel import SerialPanel
from intelivision_desktop.ui.speech import Speaker
from intelivision_desktop.ui.timeline import TimelineView

HISTORY_CHOICES = (("30 s", 30.0), ("2 min", 120.0), ("10 min", 600.0))
OPEN_RECORDING = "open-recording"
STATE_COLOURS = {
    LinkState.LIVE.value: "#2e7d32",
    LinkState.CONNECTING.value: "#f9a825",
    LinkState.RETRYING.value: "#ef6c00",
    LinkState.FAILED.value: "#c62828",
}


class MainWindow(QMainWindow):
    """The operator's console."""

    source_requested = Signal(str)
    """The operator chose another source URL."""
    record_toggled = Signal(bool)
    closed = Signal()
    export_done = Signal(str, bool)
    """An export was written: its folder, and whether it was of everything in memory."""
    diagnostics_requested = Signal()
    """Copy diagnostics: the controller builds the text (it knows the session and settings)."""
    about_requested = Signal()

    def __init__(self, sources: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("InteliVision Desktop")
        self.setObjectName("MainWindow")
        self.resize(1280, 800)
        self.session: Session | None = None
        self.bridge: SessionBridge | None = None
        self._device: str | None = None

        self.plots = PlotPanel(self)
        self.timeline = TimelineView(self)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.setObjectName("mainSplitter")
        split.addWidget(self.plots)
        split.addWidget(self.timeline)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([760, 520])
        self.setCentralWidget(split)
        self.timeline.selected.connect(self.plots.mark)

        self.connection = ConnectionPanel(self)
        dock = QDockWidget("Backend", self)
        dock.setObjectName("backendDock")
        dock.setWidget(self.connection)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        dock.hide()  # shown from the toolbar (Ctrl+B), or when a backend is in use
        self.backend_dock = dock

        self.devices = DevicesPanel(self)
        ddock = QDockWidget("Devices", self)
        ddock.setObjectName("devicesDock")
        ddock.setWidget(self.devices)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, ddock)
        ddock.hide()  # shown while the app serves devices
        self.devices_dock = ddock
        self.devices.device_selected.connect(self.follow_device)

        self.serial = SerialPanel(self)
        sdock = QDockWidget("Serial device", self)
        sdock.setObjectName("serialDock")
        sdock.setWidget(self.serial)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, sdock)
        sdock.hide()  # opened from the toolbar
        self.serial_dock = sdock
        self.serial.source_requested.connect(self.source_requested)

        rdock = QDockWidget("Recordings", self)
        rdock.setObjectName("recordingsDock")
        rdock.setWidget(QLabel("…", rdock))
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, rdock)
        rdock.hide()
        rdock.visibilityChanged.connect(self._on_recordings_shown)
        self.recordings_dock = rdock
        self.recordings: RecordingsBrowser | None = None

        self._build_toolbar(sources)
        self.replay = ReplayBar(self)
        rtb = QToolBar("Replay", self)
        rtb.setObjectName("replayToolbar")
        rtb.setMovable(False)
        rtb.addWidget(self.replay)
        self.addToolBar(Qt.ToolBarArea.BottomToolBarArea, rtb)
        rtb.hide()  # shown for sources with a player (replays, the demo, generated scenes)
        self.replay_toolbar = rtb
        for action in self.replay.actions_for_window():
            # Space and "." act where the operator watches (plots, timeline, the slider), not
            # on a focused button or box, which Space must still press
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            split.addAction(action)
            self.replay.slider.addAction(action)
        self._build_statusbar()
        self.speaker = Speaker(self)
        self._build_speech_action()
        self._build_menus()
        self.plots.follow_changed.connect(self.follow_action.setChecked)
        self.serve_port = SERVE_PORT
        self.export_folder = ""
        self.export_everything = False
        self.export_dialog: ExportDialog | None = None
        self.recent_folder = ""
        """Where the last recording was opened from (the file dialog starts there)."""

        self._rate_samples: deque[tuple[float, int, int]] = deque(maxlen=120)
        self._status_timer_id = self.startTimer(1000)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_scheme)
        self.plots.glw.setFocus()  # Space and "." work from the start
        self._restore_geometry()

    # --- construction ---------------------------------------------------------------------

    def _build_toolbar(self, sources: list[tuple[str, str]]) -> None:
        tb = QToolBar("Main", self)
        tb.setObjectName("mainToolbar")
        tb.setMovable(False)
        self.addToolBar(tb)
        self.main_toolbar = tb
        tb.addWidget(QLabel(" Source: "))
        self.source_combo = QComboBox(self)
        self.source_combo.setObjectName("sourceCombo")
        # a long URL must not push the toolbar's actions off the window (the full text is in
        # the tooltip and the status bar)
        self.source_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.source_combo.setMinimumContentsLength(22)
        self.source_combo.currentIndexChanged.connect(
            lambda i: self.source_combo.setToolTip(str(self.source_combo.itemData(i) or ""))
        )
        for label, url in sources:
            self.source_combo.addItem(label, url)
        self.source_combo.addItem("Open recording or frames file…", OPEN_RECORDING)
        self.source_combo.activated.connect(self._on_source_chosen)
        tb.addWidget(self.source_combo)
        tb.addSeparator()
        self.record_action = QAction("● Record", self)
        self.record_action.setObjectName("recordAction")
        self.record_action.setCheckable(True)
        self.record_action.setShortcut(QKeySequence("Ctrl+R"))
        self.record_action.setToolTip("Record this session to a file (Ctrl+R)")
        self.record_action.toggled.connect(self.record_toggled)
        tb.addAction(self.record_action)
        tb.addSeparator()
        self.follow_action = QAction("Follow live", self)
        self.follow_action.setObjectName("followAction")
        self.follow_action.setCheckable(True)
        self.follow_action.setChecked(True)
        self.follow_action.setShortcut(QKeySequence("F"))
        self.follow_action.setToolTip("Keep the newest data in view (F); pan or select to pause")
        self.follow_action.toggled.connect(self.plots.set_follow)
        tb.addAction(self.follow_action)
        tb.addWidget(QLabel("  History: "))
        self.history_combo = QComboBox(self)
        self.history_combo.setObjectName("historyCombo")
        for label, secs in HISTORY_CHOICES:
            self.history_combo.addItem(label, secs)
        self.history_combo.setCurrentIndex(1)
        self.history_combo.currentIndexChanged.connect(
            lambda i: self.plots.set_history(float(self.history_combo.itemData(i)))
        )
        self.plots.set_history(float(self.history_combo.currentData()))
        tb.addWidget(self.history_combo)
        tb.addSeparator()
        self.serve_action = QAction("Accept devices", self)
        self.serve_action.setObjectName("serveAction")
        self.serve_action.setCheckable(True)
        self.serve_action.setToolTip(
            "Be the backend: camera devices on this computer connect to "
            f"http://127.0.0.1:{SERVE_PORT} (Socket.IO) or ws://127.0.0.1:{SERVE_PORT}/dev"
        )
        self.serve_action.toggled.connect(self._on_serve_toggled)
        tb.addAction(self.serve_action)
        recordings = self.recordings_dock.toggleViewAction()
        recordings.setText("Recordings…")
        recordings.setToolTip("Recordings in the data folder, newest first; open one to replay")
        tb.addAction(recordings)
        serial = self.serial_dock.toggleViewAction()
        serial.setText("Serial…")
        serial.setToolTip("Read a sensor board on a serial port")
        tb.addAction(serial)
        backend = self.backend_dock.toggleViewAction()
        backend.setText("Backend…")
        backend.setShortcut(QKeySequence("Ctrl+B"))
        backend.setToolTip("Connect to a deployed backend, or use the embedded rules (Ctrl+B)")
        tb.addAction(backend)

    def _build_speech_action(self) -> None:
        a = QAction("Speak", self)
        a.setObjectName("speakAction")
        a.setCheckable(True)
        a.setShortcut(QKeySequence("Ctrl+T"))
        a.toggled.connect(self.speaker.set_enabled)
        self.speaker.enabled_changed.connect(a.setChecked)
        self.speaker.status_changed.connect(self._on_speech_status)
        self.speaker.error.connect(lambda msg: self.statusBar().showMessage(msg, 8000))
        self.speak_action = a
        self.main_toolbar.insertAction(self.serve_action, a)
        self._on_speech_status()

    def _on_speech_status(self) -> None:
        sp = self.speaker
        a = self.speak_action
        if sp.available:
            a.setEnabled(True)
            voice = f", voice {sp.voice}" if sp.voice else ""
            note = f" — {sp.reason}" if sp.reason else ""
            a.setToolTip(f"Speak new descriptions aloud (Ctrl+T): {sp.backend_name}{voice}{note}")
        else:
            a.setEnabled(False)
            a.setToolTip(f"Text-to-speech is not available: {sp.reason}")

    def _build_menus(self) -> None:
        mb = self.menuBar()
        file = mb.addMenu("&File")
        open_rec = file.addAction("&Open recording…")
        open_rec.setShortcut(QKeySequence.StandardKey.Open)
        open_rec.triggered.connect(self.open_recording)
        self.export_action = file.addAction("&Export…")
        self.export_action.setObjectName("exportAction")
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.triggered.connect(self.open_export)
        file.addAction(self.record_action)
        file.addSeparator()
        quit_action = file.addAction("&Quit")
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        view = mb.addMenu("&View")
        view.addAction(self.follow_action)
        view.addSeparator()
        for dock in (self.backend_dock, self.serial_dock, self.recordings_dock, self.devices_dock):
            view.addAction(dock.toggleViewAction())
        play = mb.addMenu("&Playback")
        for a in self.replay.actions_for_window():
            play.addAction(a)
        play.addSeparator()
        play.addAction(self.speak_action)
        help_menu = mb.addMenu("&Help")
        self.diagnostics_action = help_menu.addAction("Copy &diagnostics")
        self.diagnostics_action.setObjectName("diagnosticsAction")
        self.diagnostics_action.setToolTip(
            "Copy versions, the session's state and the log's end, secrets removed, for a "
            "bug report"
        )
        self.diagnostics_action.triggered.connect(self.diagnostics_requested)
        self.about_action = help_menu.addAction("&About InteliVision Desktop")
        self.about_action.setObjectName("aboutAction")
        self.about_action.triggered.connect(self.about_requested)

    def _build_statusbar(self) -> None:
        sb = self.statusBar()
        self.source_label = QLabel("source: idle")
        self.analyzer_label = QLabel("analyzer: idle")
        self.rate_label = QLabel("0.0 frames/s")
        self.desc_label = QLabel("0 descriptions/min")
        self.skipped_label = QLabel("0 not relevant")
        self.malformed_label = QLabel("0 malformed")
        self.record_label = QLabel("")
        for i, w in enumerate(
            (
                self.source_label,
                self.analyzer_label,
                self.rate_label,
                self.desc_label,
                self.skipped_label,
                self.malformed_label,
                self.record_label,
            )
        ):
            w.setObjectName(f"status{i}")
            sb.addPermanentWidget(w) if i >= 2 else sb.addWidget(w)
        self.malformed_label.setToolTip("Inputs that could not be read; the rest was kept.")
        self.skipped_label.setToolTip("Windows judged not relevant (nothing new): silence.")

    # --- session --------------------------------------------------------------------------

    def attach(self, session: Session, source_label: str | None = None) -> None:
        """Show a (new) session: plots and timeline start empty."""
        if self.bridge is not None:
            self.bridge.detach()
            self.bridge.deleteLater()
        self.session = session
        self.bridge = SessionBridge(session, self)
        self.bridge.frames.connect(self._on_frames)
        self.bridge.description.connect(self._on_description)
        self.bridge.state.connect(self._on_state)
        self.bridge.problem.connect(self._on_problem)
        self.bridge.problem.connect(self.plots.note_problem)
        self.bridge.rewound.connect(self._on_rewound)
        self.replay.bind(session.source)
        self.replay_toolbar.setVisible(ReplayBar.controls(session.source))
        self.serial.bind_source(session.source)
        self._device = None
        self.plots.attach(None)
        self.timeline.clear()
        self._rate_samples.clear()
        idx = self.source_combo.findData(session.source.url)
        if idx < 0:
            self.source_combo.insertItem(0, source_label or session.source.url, session.source.url)
            idx = 0
        self.source_combo.setCurrentIndex(idx)
        serving = isinstance(session.source, DeviceServer)
        self.serve_action.blockSignals(True)
        self.serve_action.setChecked(serving)
        self.serve_action.blockSignals(False)
        self.devices_dock.setVisible(serving)
        self.devices.following = None
        self.devices.refresh(session.source)
        if not session.analyzer.url.startswith("embedded://"):
            self.connection.url.setText(session.analyzer.url)
            self.backend_dock.show()
        for comp, (state, detail) in session.states.items():
            self._on_state(comp, state.value, detail)
        self.plots.start()
        self._update_status()

    def _on_frames(self, _n: int) -> None:
        if self.session is None or not self.session.stores:
            return
        if self._device is None or self.plots.store is None:
            if self._device is None or self._device not in self.session.stores:
                self._device = next(iter(self.session.stores))
            self.plots.attach(self.session.stores[self._device])

    def _on_rewound(self, position_s: float) -> None:
        """A replay seek: plots and timeline start again at the new position."""
        self.plots.attach(None)  # re-attached to the device's new store by the next frames
        self.timeline.clear()
        self.replay.refresh()
        self.statusBar().showMessage(f"Replay at {clock_text(position_s)}", 3000)

    def follow_device(self, device_id: str) -> None:
        """Plot this device (its store, its description markers)."""
        self._device = device_id
        store = self.session.stores.get(device_id) if self.session is not None else None
        self.plots.attach(store)
        if store is not None:
            for d in self.timeline.model.items:
                if d.device_id == device_id:
                    self.plots.add_marker(d)

    def _on_recordings_shown(self, visible: bool) -> None:
        # built on first use: it scans the folder in a worker thread and watches it
        if visible and self.recordings is None:
            self.recordings = RecordingsBrowser(parent=self.recordings_dock)
            self.recordings.open_requested.connect(
                lambda path: self.source_requested.emit(f"replay://{path}")
            )
            self.recordings_dock.setWidget(self.recordings)

    def _on_serve_toggled(self, on: bool) -> None:
        if on == isinstance(self.session.source if self.session else None, DeviceServer):
            return
        self.source_requested.emit(f"serve://127.0.0.1:{self.serve_port}" if on else "demo://")

    def _on_description(self, d: Description) -> None:
        self.timeline.add(d)
        if self._device is None or d.device_id == self._device:
            self.plots.add_marker(d)
            self.speaker.speak_description(d)  # only when the operator turned speech on

    def _on_state(self, component: str, state: str, detail: str) -> None:
        if component == "analyzer":
            self.connection.show_state(state, detail)
        label = self.source_label if component == "source" else self.analyzer_label
        colour = STATE_COLOURS.get(state)
        text = f"{component}: {state}" + (f" — {detail}" if detail else "")
        label.setText(text if colour is None else f'<span style="color:{colour}">●</span> {text}')
        label.setToolTip(text)

    def _on_problem(self, p: Problem) -> None:
        self.statusBar().showMessage(f"{p.component}: {p.message}", 8000)

    def set_recording(self, path: str | None) -> None:
        """Reflect the recorder state (the controller decides)."""
        self.record_action.blockSignals(True)
        self.record_action.setChecked(path is not None)
        self.record_action.blockSignals(False)
        self.record_label.setText("" if path is None else f"● recording to {path}")
        self.record_label.setStyleSheet("color:#c62828" if path else "")

    # --- status ---------------------------------------------------------------------------

    def timerEvent(self, event: object) -> None:
        self._update_status()

    def _update_status(self) -> None:
        if self.session is None:
            return
        c = self.session.counters()
        self.connection.update_numbers(self.session.analyzer)
        if self.devices_dock.isVisible():
            self.devices.refresh(self.session.source)
        now = time.monotonic()
        rows = c.frames + c.samples  # camera frames, or a serial board's lines
        self._rate_samples.append((now, rows, c.descriptions))
        t0, f0, _ = self._rate_samples[max(0, len(self._rate_samples) - 4)]
        fps = (rows - f0) / (now - t0) if now > t0 else 0.0
        old = next((s for s in self._rate_samples if now - s[0] <= 60.0), self._rate_samples[0])
        span = now - old[0]
        dpm = (c.descriptions - old[2]) * 60.0 / span if span >= 1.0 else 0.0
        self.rate_label.setText(f"{fps:,.1f} {'lines' if c.samples > c.frames else 'frames'}/s")
        self.desc_label.setText(f"{dpm:.0f} descriptions/min")
        self.skipped_label.setText(f"{c.not_relevant} not relevant")
        self.malformed_label.setText(f"{c.malformed} malformed")
        self.malformed_label.setStyleSheet("color:#c62828" if c.malformed else "")

    def layout_problems(self, fit: tuple[int, int] | None = None) -> list[str]:
        """What does not fit at the window's current size, or in ``fit`` (logical pixels: the
        size asked for; Qt enlarges a window to its layout's minimum). The self-test reports
        these."""
        out = []
        for tb in (self.main_toolbar, self.replay_toolbar):
            ext = tb.findChild(QToolButton, "qt_toolbar_ext_button")
            if tb.isVisible() and ext is not None and ext.isVisible():
                out.append(f"the {tb.windowTitle()} toolbar overflows (actions hidden)")
        hint = self.minimumSizeHint()
        w, h = fit if fit is not None else (self.width(), self.height())
        if hint.width() > w or hint.height() > h:
            out.append(f"the layout needs {hint.width()}×{hint.height()}, more than {w}×{h}")
        return out

    # --- intents --------------------------------------------------------------------------

    def _on_source_chosen(self, index: int) -> None:
        url = self.source_combo.itemData(index)
        if url == OPEN_RECORDING:
            if self.session is not None:
                cur = self.source_combo.findData(self.session.source.url)
                self.source_combo.setCurrentIndex(max(cur, 0))
            self.open_recording()
            return
        self.source_requested.emit(str(url))

    def open_recording(self) -> None:
        """Ask for a recording or frames file and replay it."""
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Open a recording or frames file",
            self.recent_folder,
            "JSON Lines (*.jsonl *.json);;All (*)",
        )
        if path:
            self.source_requested.emit(f"replay://{path}")

    def open_export(self) -> None:
        """The export dialog, for the session on screen (a new one each time: its default
        file name is stamped when it opens)."""
        s = self.session
        folder = Path(self.export_folder) if self.export_folder else exports_dir()
        dialog = ExportDialog(
            s.stores if s is not None else {},
            s.descriptions if s is not None else [],  # copied when the export starts
            self.plots.visible_range,
            self.plots,
            folder,
            device=self._device,
            everything=self.export_everything,
            parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.exported.connect(
            lambda _files: self.export_done.emit(
                dialog.folder_edit.text().strip(), dialog.all_radio.isChecked()
            )
        )
        self.export_dialog = dialog
        dialog.open()

    def _on_scheme(self, *_: object) -> None:
        self.plots.apply_palette()

    # --- persistence ----------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        s = QSettings()
        geo = s.value("window/geometry")
        state = s.value("window/state")
        if isinstance(geo, QByteArray):
            self.restoreGeometry(geo)
        if isinstance(state, QByteArray):
            self.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:
        s = QSettings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        self.plots.stop()
        self.replay.stop()
        self.speaker.close()
        self.killTimer(self._status_timer_id)
        self.closed.emit()
        super().closeEvent(event)
