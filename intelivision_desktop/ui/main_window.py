"""The main window: plots, description timeline, toolbar and status bar.

It renders what the Session publishes (through :class:`SessionBridge`) and sends the
operator's intents back as signals; it never opens sources or files itself.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Mapping
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QByteArray, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QGuiApplication,
    QKeySequence,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QFrame,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QSystemTrayIcon,
    QToolBar,
    QToolButton,
    QWidget,
)

from intelivision_desktop.core.devices import DeviceNames
from intelivision_desktop.core.fleet import FleetDevice
from intelivision_desktop.core.model import Description, LinkState, Problem
from intelivision_desktop.core.ports import (
    DeviceRoster,
    FleetWatch,
    LineDevice,
    Playback,
    ServedDevice,
)
from intelivision_desktop.core.session import Session
from intelivision_desktop.ui.alerts_panel import AlertsPanel
from intelivision_desktop.ui.bridge import SessionBridge
from intelivision_desktop.ui.connection_panel import ConnectionPanel
from intelivision_desktop.ui.devices_panel import DevicesPanel
from intelivision_desktop.ui.export_dialog import ExportDialog
from intelivision_desktop.ui.fleet_panel import FleetPanel, WatchDialog
from intelivision_desktop.ui.l10n import dec, grouped, num, state_text
from intelivision_desktop.ui.plots import PlotPanel
from intelivision_desktop.ui.recordings_browser import RecordingsBrowser
from intelivision_desktop.ui.replay_bar import ReplayBar, clock_text
from intelivision_desktop.ui.serial_monitor import SerialMonitor
from intelivision_desktop.ui.serial_panel import SerialPanel
from intelivision_desktop.ui.services import Services
from intelivision_desktop.ui.speech import Speaker
from intelivision_desktop.ui.status_text import (
    StateView,
    analyzer_sentence,
    detail_text,
    source_kind,
    source_sentence,
)
from intelivision_desktop.ui.timeline import TimelineView

try:  # the plots' own choices: (label, seconds | None for all the history), translated
    from intelivision_desktop.ui.plots import history_choices as _plot_history_choices
except ImportError:  # an older plots module

    def _plot_history_choices() -> list[tuple[str, float | None]]:
        return [("30 s", 30.0), ("2 min", 120.0), ("10 min", 600.0)]


HISTORY_CHOICES = tuple(_plot_history_choices())
THIRD_PARTY_TEXTS = (
    # pyqtgraph's plot context menu looks this up through QCoreApplication.translate when the
    # plots are built; it ships no translations, so the Spanish is in our catalogue
    QT_TRANSLATE_NOOP("GraphicsScene", "Export..."),
)
OPEN_RECORDING = "open-recording"
STATE_COLOURS = {
    LinkState.LIVE.value: "#2e7d32",
    LinkState.CONNECTING.value: "#f9a825",
    LinkState.RETRYING.value: "#ef6c00",
    LinkState.FAILED.value: "#c62828",
    "paused": "#1565c0",
    "stalled": "#ef6c00",
    "finished": "#616161",
}

PLOT_MIN = QSize(480, 400)
"""The plot area's minimum (logical px), whatever docks are open: 480 px keeps two minutes
of history at 4 px/s beside the axis labels and the legends; 400 px keeps each of the five
stacked plots (detections, distance, motion, expression, latency) about 80 px tall: its
title, three tick labels and a readable curve (at 300 px they were 25 px curves, looked at
on a 1280×800 screenshot)."""
DOCK_MIN_H = 120
"""Docks scroll rather than grow past the room the plots leave them."""
DESCRIPTION_MIN_W = 280
"""The description column's minimum width: the time plus a five-word Spanish description
("Persona alegre saludando izquierda", 34 characters) at the default 9–10 pt font."""
LAYOUT_VERSION = 2
"""Saved dock layouts of another version are discarded (1: docks squeezed the plots)."""
DEFAULT_SIZE = (1280, 800)
PROBLEMS_KEPT = 200


class _StatusLabel(QLabel):
    """A status-bar label that never widens the window: long text is elided, the whole of
    it is in the tooltip."""

    def __init__(self, max_width: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self._rich_prefix = ""
        self.setMaximumWidth(max_width)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(40)

    def set_status(self, text: str, colour: str | None = None, tooltip: str = "") -> None:
        self._full = text
        self._rich_prefix = f'<span style="color:{colour}">●</span> ' if colour else ""
        self.setToolTip(tooltip or text)
        self._render()

    def plain(self) -> str:
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._render()

    def _render(self) -> None:
        room = max(20, self.maximumWidth() - (18 if self._rich_prefix else 0))
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, room)
        shown = shown.replace("&", "&amp;").replace("<", "&lt;")
        self.setText(self._rich_prefix + shown if self._rich_prefix else shown)


class MainWindow(QMainWindow):
    """The operator's console."""

    source_requested = Signal(str)
    """The operator chose another source URL (and agreed to end a recording, if one ran)."""
    record_toggled = Signal(bool)
    closed = Signal()
    export_done = Signal(str, bool)
    """An export was written: its folder, and whether it was of everything in memory."""
    diagnostics_requested = Signal()
    """Copy diagnostics: the controller builds the text (it knows the session and settings)."""
    about_requested = Signal()
    new_token_requested = Signal()
    """The operator confirmed a new pairing token (devices must pair again)."""
    alias_changed = Signal(str, str)
    """A device alias was set: the key it is kept under (device id or ``ua:`` + user agent)
    and the alias ("" removed)."""
    language_chosen = Signal(str)
    """View → Language: ``es``, ``en`` or ``""`` (the system's); applies at the next start."""

    def __init__(
        self, sources: list[tuple[str, str]], services: Services, parent: QWidget | None = None
    ) -> None:
        """``sources``: the source picker's entries (label, URL); ``services``: files and
        ports (:func:`intelivision_desktop.app.wiring.ui_services`)."""
        super().__init__(parent)
        self.services = services
        self.setWindowTitle(self.tr("InteliVision Desktop"))
        self.setObjectName("MainWindow")
        self._asked: QSize | None = None
        """The size asked for (by the operator or a caller), before Qt grew the window to a
        layout's minimum: docks are fitted into it."""
        self._fit_timer: QTimer | None = None
        self._closing = False
        self.resize(*DEFAULT_SIZE)
        self.session: Session | None = None
        self.bridge: SessionBridge | None = None
        self._device: str | None = None
        self.names = DeviceNames()
        """Device names for every view (``names(device_id)`` → "iPhone (Safari) · 10.0.0.5");
        the devices panel and the timeline can take it too."""
        self.names.on_change(self._on_names_changed)
        self.recording_path: str | None = None
        self.confirm_quit = True
        """Ask before closing with devices connected or a recording running (tests that
        close on purpose set it False)."""
        self.question: QMessageBox | None = None
        """The confirmation on show, if any (tests answer it)."""
        self._states: dict[str, StateView] = {"source": StateView(), "analyzer": StateView()}
        self.problems: deque[tuple[float, Problem]] = deque(maxlen=PROBLEMS_KEPT)
        self.problem_count = 0
        self.source_state = "idle"
        """What the source is doing, as the status bar says it: live, paused, stalled,
        finished, connecting, retrying, failed or stopped."""

        self.plots = PlotPanel(self)
        self.plots.glw.setMinimumSize(PLOT_MIN)
        self.timeline = TimelineView(self)
        self.timeline.setMinimumWidth(DESCRIPTION_MIN_W)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.setObjectName("mainSplitter")
        split.addWidget(self.plots)
        split.addWidget(self.timeline)
        split.setCollapsible(0, False)
        split.setCollapsible(1, False)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([760, 520])
        self.main_splitter = split
        self.setCentralWidget(split)
        self.timeline.selected.connect(self.plots.mark)

        self._fit_timer = timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(0)
        timer.timeout.connect(self.fit_docks)
        # the docks share one tabbed area below the plots: opening one takes height from the
        # plots (never below their minimum), not width from the description column
        self.connection = ConnectionPanel(self)
        self.backend_dock = self._dock(self.tr("Backend"), "backendDock", self.connection)
        self.devices = DevicesPanel(self)
        self.devices.names = self.names.name
        self.devices_dock = self._dock(self.tr("Devices"), "devicesDock", self.devices)
        self.devices.device_selected.connect(self.follow_device)
        self.fleet = FleetPanel(self)
        self.fleet.names = self.names.name
        self.fleet_dock = self._dock(self.tr("Fleet"), "fleetDock", self.fleet)
        self.fleet.device_selected.connect(self.follow_fleet_device)
        self.timeline.names = self.names.name
        self.watch_address = ""
        """The last deployment address watched (its token is never kept)."""
        self.serial = SerialPanel(self, scan=services.list_ports)
        self.serial_dock = self._dock(self.tr("Serial device"), "serialDock", self.serial)
        self.serial.source_requested.connect(self.request_source)
        self.monitor = SerialMonitor(self)
        self.monitor_dock = self._dock(self.tr("Serial monitor"), "serialMonitorDock", self.monitor)
        self.recordings_dock = self._dock(
            self.tr("Recordings"), "recordingsDock", QLabel("…", self)
        )
        self.recordings_dock.visibilityChanged.connect(self._on_recordings_shown)
        self.tray: QSystemTrayIcon | None = None
        """The app's icon in the system tray, where there is one: it says how many alerts
        wait, brings the window forward when clicked, and carries desktop notifications."""
        if QSystemTrayIcon.isSystemTrayAvailable() and not self.windowIcon().isNull():
            self.tray = QSystemTrayIcon(self.windowIcon(), self)
            self.tray.setObjectName("trayIcon")
            self.tray.setToolTip(self.tr("InteliVision Desktop"))
            self.tray.activated.connect(self._on_tray_activated)
            self.tray.show()
        self.alerts = AlertsPanel(self, tray=self.tray)
        self.alerts.names = self.names.name
        self.alerts_dock = self._dock(self.tr("Alerts"), "alertsDock", self.alerts)
        self.alerts.unacknowledged_changed.connect(self._on_unacknowledged)
        self.recordings: RecordingsBrowser | None = None
        self.docks = [
            self.backend_dock,
            self.recordings_dock,
            self.serial_dock,
            self.monitor_dock,
            self.devices_dock,
            self.fleet_dock,
            self.alerts_dock,
        ]
        for other in self.docks[1:]:
            self.tabifyDockWidget(self.docks[0], other)
        for d in self.docks:
            d.hide()  # opened from the toolbar and the View menu, or when in use
        self.floated_to_fit: list[str] = []
        """Docks floated because docking them would have squeezed the plots (object names)."""

        self._build_toolbar(sources)
        self.replay = ReplayBar(self)
        rtb = QToolBar(self.tr("Replay"), self)
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
        # one "Follow live" for the window: the timeline's jump-to-live and the plots' follow
        self.follow_action.toggled.connect(self.timeline.follow_live)
        self.timeline.following_changed.connect(self.follow_action.setChecked)
        self.serve_port = services.serve_port
        self.export_folder = ""
        self.export_everything = False
        self.export_dialog: ExportDialog | None = None
        self.recent_folder = ""
        """Where the last recording was opened from (the file dialog starts there)."""

        self._rate_samples: deque[tuple[float, int, int]] = deque(maxlen=120)
        self._status_timer_id = self.startTimer(1000)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_scheme)
        self.plots.glw.setFocus()  # Space and "." work from the start
        self._default_state = self.saveState(LAYOUT_VERSION)
        self._default_splitter = split.saveState()
        self.layout_restored = self._restore_geometry()
        """Whether the saved layout came back (False: none, or discarded as unfit)."""

    # --- construction ---------------------------------------------------------------------

    def _dock(self, title: str, name: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        self._set_dock_widget(dock, widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        dock.visibilityChanged.connect(lambda _v: self._schedule_fit())
        dock.topLevelChanged.connect(lambda _v: self._schedule_fit())
        dock.dockLocationChanged.connect(lambda _a: self._schedule_fit())
        # a dock opened from a menu or the toolbar comes to the front of its tab group
        dock.toggleViewAction().triggered.connect(lambda on, d=dock: on and self._front(d))
        return dock

    @staticmethod
    def _set_dock_widget(dock: QDockWidget, widget: QWidget) -> None:
        """A panel in a dock, scrolled when the dock is shorter than the panel: a tall panel
        (Backend) no longer sets a minimum that pushes the plots below theirs."""
        area = QScrollArea(dock)
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setWidget(widget)
        area.setMinimumHeight(DOCK_MIN_H)
        dock.setWidget(area)

    @staticmethod
    def panel_of(dock: QDockWidget) -> QWidget | None:
        """The panel a dock shows (inside its scroll area)."""
        area = dock.widget()
        return area.widget() if isinstance(area, QScrollArea) else area

    def _front(self, dock: QDockWidget) -> None:
        """Bring a docked panel to the front of its tab group."""
        if not dock.isFloating():
            dock.raise_()

    def _build_toolbar(self, sources: list[tuple[str, str]]) -> None:
        tb = QToolBar(self.tr("Main"), self)
        tb.setObjectName("mainToolbar")
        tb.setMovable(False)
        self.addToolBar(tb)
        self.main_toolbar = tb
        tb.addWidget(QLabel(self.tr(" Source: ")))
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
        self.source_combo.addItem(self.tr("Open recording or frames file…"), OPEN_RECORDING)
        self.source_combo.activated.connect(self._on_source_chosen)
        tb.addWidget(self.source_combo)
        tb.addSeparator()
        self.record_action = QAction(self.tr("● Record"), self)
        self.record_action.setObjectName("recordAction")
        self.record_action.setCheckable(True)
        self.record_action.setShortcut(QKeySequence("Ctrl+R"))
        self.record_action.setToolTip(self.tr("Record this session to a file (Ctrl+R)"))
        self.record_action.toggled.connect(self.record_toggled)
        tb.addAction(self.record_action)
        tb.addSeparator()
        self.follow_action = QAction(self.tr("Follow live"), self)
        self.follow_action.setObjectName("followAction")
        self.follow_action.setCheckable(True)
        self.follow_action.setChecked(True)
        self.follow_action.setShortcut(QKeySequence("F"))
        self.follow_action.setToolTip(
            self.tr("Keep the newest data in view (F); pan or select to pause")
        )
        self.follow_action.toggled.connect(self.plots.set_follow)
        tb.addAction(self.follow_action)
        tb.addWidget(QLabel(self.tr("  History: ")))
        self.history_combo = QComboBox(self)
        self.history_combo.setObjectName("historyCombo")
        for label, secs in _plot_history_choices():
            self.history_combo.addItem(label, secs)
        self.history_combo.setCurrentIndex(max(0, self.history_combo.findData(120.0)))
        self.history_combo.currentIndexChanged.connect(
            lambda i: self.plots.set_history(self.history_combo.itemData(i))
        )
        self.plots.set_history(self.history_combo.currentData())
        tb.addWidget(self.history_combo)
        tb.addSeparator()
        self.serve_action = QAction(self.tr("Accept devices"), self)
        self.serve_action.setObjectName("serveAction")
        self.serve_action.setCheckable(True)
        self.serve_action.setToolTip(
            self.tr(
                "Be the backend: camera devices on this computer connect to "
                "http://127.0.0.1:{port} (Socket.IO) or ws://127.0.0.1:{port}/dev"
            ).format(port=self.services.serve_port)
        )
        self.serve_action.toggled.connect(self._on_serve_toggled)
        tb.addAction(self.serve_action)
        recordings = self.recordings_dock.toggleViewAction()
        recordings.setText(self.tr("Recordings…"))
        recordings.setToolTip(
            self.tr("Recordings in the data folder, newest first; open one to replay")
        )
        tb.addAction(recordings)
        serial = self.serial_dock.toggleViewAction()
        serial.setText(self.tr("Serial…"))
        serial.setToolTip(self.tr("Read a sensor board on a serial port"))
        tb.addAction(serial)
        backend = self.backend_dock.toggleViewAction()
        backend.setText(self.tr("Backend…"))
        backend.setShortcut(QKeySequence("Ctrl+B"))
        backend.setToolTip(
            self.tr("Connect to a deployed backend, or use the embedded rules (Ctrl+B)")
        )
        tb.addAction(backend)

    def _build_speech_action(self) -> None:
        a = QAction(self.tr("Speak"), self)
        a.setObjectName("speakAction")
        a.setCheckable(True)
        a.setShortcut(QKeySequence("Ctrl+T"))
        a.toggled.connect(self.speaker.set_enabled)
        self.speaker.enabled_changed.connect(a.setChecked)
        self.speaker.status_changed.connect(self._on_speech_status)
        self.speaker.error.connect(lambda msg: self.notify(msg, 8000))
        self.speak_action = a
        self.main_toolbar.insertAction(self.serve_action, a)
        self._on_speech_status()

    def _on_speech_status(self) -> None:
        sp = self.speaker
        a = self.speak_action
        if sp.available:
            a.setEnabled(True)
            voice = self.tr(", voice {voice}").format(voice=sp.voice) if sp.voice else ""
            note = f" — {sp.reason}" if sp.reason else ""
            a.setToolTip(
                self.tr("Speak new descriptions aloud (Ctrl+T): {engine}{voice}{note}").format(
                    engine=sp.backend_name, voice=voice, note=note
                )
            )
        else:
            a.setEnabled(False)
            a.setToolTip(
                self.tr("Text-to-speech is not available: {reason}").format(reason=sp.reason)
            )

    def _build_menus(self) -> None:
        mb = self.menuBar()
        file = mb.addMenu(self.tr("&File"))
        open_rec = file.addAction(self.tr("&Open recording…"))
        open_rec.setShortcut(QKeySequence.StandardKey.Open)
        open_rec.triggered.connect(self.open_recording)
        self.export_action = file.addAction(self.tr("&Export…"))
        self.export_action.setObjectName("exportAction")
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.triggered.connect(self.open_export)
        file.addAction(self.record_action)
        file.addSeparator()
        self.token_action = file.addAction(self.tr("New &pairing token…"))
        self.token_action.setObjectName("newTokenAction")
        self.token_action.setToolTip(
            self.tr("Replace the token devices present when they connect (they must pair again)")
        )
        self.token_action.triggered.connect(self.ask_new_token)
        self.watch_action = file.addAction(self.tr("&Watch deployment…"))
        self.watch_action.setObjectName("watchDeploymentAction")
        self.watch_action.setToolTip(
            self.tr("Watch every device of a deployed backend as an observer (fleet console)")
        )
        self.watch_action.triggered.connect(self.ask_watch_deployment)
        file.addSeparator()
        quit_action = file.addAction(self.tr("&Quit"))
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self.quit_action = quit_action
        view = mb.addMenu(self.tr("&View"))
        view.addAction(self.follow_action)
        view.addAction(self.plots.channels_action)  # the channel list folds away
        view.addSeparator()
        for dock in self.docks:
            view.addAction(dock.toggleViewAction())
        view.addSeparator()
        self.name_action = view.addAction(self.tr("&Name this device…"))
        self.name_action.setObjectName("nameDeviceAction")
        self.name_action.setToolTip(self.tr("Give the device on the plots a name of your own"))
        self.name_action.triggered.connect(self.ask_device_alias)
        self.reset_layout_action = view.addAction(self.tr("&Reset layout"))
        self.reset_layout_action.setObjectName("resetLayoutAction")
        self.reset_layout_action.setToolTip(
            self.tr("Put the window and its panels back as they were at first start")
        )
        self.reset_layout_action.triggered.connect(self.reset_layout)
        self.alert_sound_action = view.addAction(self.tr("Alert &sound and notifications"))
        self.alert_sound_action.setObjectName("alertSoundAction")
        self.alert_sound_action.setCheckable(True)
        self.alert_sound_action.setToolTip(
            self.tr("Beep on each new alert, and show it as a desktop notification")
        )
        self.alert_sound_action.toggled.connect(self.set_alert_sound)
        view.addSeparator()
        self._build_language_menu(view)
        play = mb.addMenu(self.tr("&Playback"))
        for a in self.replay.actions_for_window():
            play.addAction(a)
        play.addSeparator()
        play.addAction(self.speak_action)
        help_menu = mb.addMenu(self.tr("&Help"))
        self.diagnostics_action = help_menu.addAction(self.tr("Copy &diagnostics"))
        self.diagnostics_action.setObjectName("diagnosticsAction")
        self.diagnostics_action.setToolTip(
            self.tr(
                "Copy versions, the session's state and the log's end, secrets removed, for a "
                "bug report"
            )
        )
        self.diagnostics_action.triggered.connect(self.diagnostics_requested)
        self.about_action = help_menu.addAction(self.tr("&About InteliVision Desktop"))
        self.about_action.setObjectName("aboutAction")
        self.about_action.triggered.connect(self.about_requested)

    def _build_language_menu(self, view: QMenu) -> None:
        """View → Language: the system's, or one of the shipped languages (each in its own
        words, handed over by the app: :meth:`set_languages`); the choice is kept and applies
        at the next start."""
        menu = view.addMenu(self.tr("&Language"))
        menu.setObjectName("languageMenu")
        menu.setToolTipsVisible(True)
        menu.menuAction().setToolTip(self.tr("The language changes the next time the app starts."))
        self._language_group = QActionGroup(self)
        self._language_group.setExclusive(True)
        self.language_actions: dict[str, QAction] = {}
        self.language_menu = menu
        self._add_language("", self.tr("System language"))
        self.language_actions[""].setChecked(True)

    def _add_language(self, code: str, label: str) -> None:
        a = self.language_menu.addAction(label)
        a.setObjectName(f"language_{code or 'system'}")
        a.setCheckable(True)
        a.setData(code)
        a.setToolTip(self.tr("The language changes the next time the app starts."))
        self._language_group.addAction(a)
        a.triggered.connect(lambda _on=False, c=code: self.language_chosen.emit(c))
        self.language_actions[code] = a

    def set_languages(self, names: Mapping[str, str]) -> None:
        """The shipped languages, code → its name in its own words (from the app)."""
        for code, label in names.items():
            if code and code not in self.language_actions:
                self._add_language(code, label)

    def set_language_choice(self, code: str) -> None:
        """Check the language menu's entry for ``code`` (``""``: the system's); emits no
        :attr:`language_chosen` (that follows the operator's clicks: ``triggered``)."""
        (self.language_actions.get(code) or self.language_actions[""]).setChecked(True)

    def _build_statusbar(self) -> None:
        # every widget is permanent: a passing message (notify) takes the free space at the
        # left and never hides the source's or the analyzer's state
        sb = self.statusBar()
        self.source_label = _StatusLabel(380, self)
        self.analyzer_label = _StatusLabel(300, self)
        self.rate_label = QLabel(self.tr("{rate} frames/s").format(rate=dec(0.0)))
        self.desc_label = QLabel(self.tr("{n} descriptions/min").format(n=num(0)))
        self.skipped_label = QLabel(self.tr("{n} not relevant").format(n=num(0)))
        self.malformed_label = QLabel(self.tr("{n} malformed").format(n=num(0)))
        self.problems_button = QToolButton(self)
        self.problems_button.setAutoRaise(True)
        self.problems_button.setText(self.tr("No problems"))
        self.problems_button.setToolTip(self.tr("Problems seen in this session, newest first"))
        self.problems_button.clicked.connect(self.show_details)
        self.details_button = QToolButton(self)
        self.details_button.setAutoRaise(True)
        self.details_button.setText(self.tr("Details…"))
        self.details_button.setToolTip(
            self.tr("The technical state of the source and the analyzer, and the problems")
        )
        self.details_button.clicked.connect(self.show_details)
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
        for w in (
            self.source_label,
            self.analyzer_label,
            self.details_button,
            self.rate_label,
            self.desc_label,
            self.skipped_label,
            self.malformed_label,
            self.problems_button,
            self.record_label,
        ):
            sb.addPermanentWidget(w)
        self.malformed_label.setToolTip(
            self.tr("Inputs that could not be read; the rest was kept.")
        )
        self.skipped_label.setToolTip(
            self.tr("Windows judged not relevant (nothing new): silence.")
        )
        self.source_label.set_status(self.tr("No source yet"))
        self.analyzer_label.set_status(self.tr("Descriptions: not started"))

    def notify(self, text: str, timeout_ms: int = 8000) -> None:
        """A passing message in the status bar (the states stay on show beside it)."""
        self.statusBar().showMessage(text, timeout_ms)

    # --- layout ---------------------------------------------------------------------------

    def _schedule_fit(self) -> None:
        if not self._closing and self._fit_timer is not None:
            self._fit_timer.start()

    def resize(self, *args: object) -> None:  # type: ignore[override]
        """As QWidget.resize, and the size is the one docks must fit in."""
        super().resize(*args)  # type: ignore[arg-type]
        a = args[0] if len(args) == 1 else QSize(int(args[0]), int(args[1]))  # type: ignore[call-overload]
        self._asked = QSize(a)  # type: ignore[arg-type]
        self._schedule_fit()

    def _room(self) -> QSize:
        """The size the window may have: the one asked for, within the screen's free area."""
        size = self._asked if self._asked is not None else self.size()
        screen = self.screen()
        if screen is not None and QGuiApplication.platformName() != "offscreen":
            size = size.boundedTo(screen.availableGeometry().size())
        return size

    def center_fits(self) -> bool:
        """The plots and the description column have at least their minimum size."""
        glw = self.plots.glw
        return (
            glw.width() >= PLOT_MIN.width()
            and glw.height() >= PLOT_MIN.height()
            and self.timeline.width() >= DESCRIPTION_MIN_W
        )

    def fit_docks(self) -> list[str]:
        """Float docked panels that would not leave the plots and the description column
        their minimum in this window (the largest first), and give the window back the size
        it had before a dock grew it. Returns the docks floated."""
        floated: list[str] = []
        room = self._room()
        for _ in range(len(self.docks)):
            need = self.minimumSizeHint()
            if need.width() <= room.width() and need.height() <= room.height():
                break
            docked = [d for d in self.docks if d.isVisible() and not d.isFloating()]
            if not docked:
                break
            victim = max(docked, key=lambda d: d.minimumSizeHint().height())
            self._float(victim)
            self.layout().activate()  # the minimum without it, now
            floated.append(victim.objectName())
        self.floated_to_fit += floated
        need = self.minimumSizeHint()
        fits = need.width() <= room.width() and need.height() <= room.height()
        if fits and self.size() != room and self.size().expandedTo(room) == self.size():
            QMainWindow.resize(self, room)  # grown by a dock's minimum: back to the asked size
        return floated

    def _float(self, dock: QDockWidget) -> None:
        # floated while hidden: Qt raises a visible dock it floats (offscreen warns)
        dock.blockSignals(True)  # not a visibility change the operator made
        dock.hide()
        dock.setFloating(True)
        dock.show()
        dock.blockSignals(False)
        hint = dock.sizeHint().expandedTo(dock.minimumSizeHint())
        w = min(max(hint.width(), 420), max(self.width() - 80, 300))
        h = min(max(hint.height(), 260), max(self.height() - 160, 200))
        dock.resize(w, h)
        geo = self.geometry()
        dock.move(geo.right() - w - 24, geo.top() + 80)

    def reset_layout(self) -> None:
        """The window and its docks as at first start (the saved layout is replaced)."""
        for d in self.docks:
            d.setFloating(False)
        self.restoreState(self._default_state, LAYOUT_VERSION)
        for d in self.docks:
            d.hide()
        self.replay_toolbar.setVisible(
            self.session is not None and ReplayBar.controls(self.session.source)
        )
        self.main_splitter.restoreState(self._default_splitter)
        self.floated_to_fit.clear()
        w, h = DEFAULT_SIZE
        screen = self.screen()
        if screen is not None and QGuiApplication.platformName() != "offscreen":
            avail = screen.availableGeometry()
            w, h = min(w, avail.width()), min(h, avail.height())
            self.setGeometry(
                avail.x() + (avail.width() - w) // 2, avail.y() + (avail.height() - h) // 2, w, h
            )
        else:
            self.resize(w, h)
        self.main_splitter.setSizes([w * 3 // 5, w * 2 // 5])
        self._save_layout()
        self.notify(self.tr("Layout reset."), 4000)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.spontaneous():  # the operator (window manager) resized the window
            new, asked, least = event.size(), self._asked, self.minimumSizeHint()
            grown = asked is not None and (
                (new.width() > asked.width() and new.width() <= least.width())
                or (new.height() > asked.height() and new.height() <= least.height())
            )
            if not grown:  # not the window growing to a dock's minimum
                self._asked = QSize(new)
        self._schedule_fit()

    def set_alert_sound(self, on: bool) -> None:
        """Beep and notify on each new alert (View → Alert sound and notifications)."""
        self.alerts.sound = on
        if self.alert_sound_action.isChecked() != on:
            self.alert_sound_action.setChecked(on)

    def _on_tray_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            if self.isMinimized():
                self.showNormal()
            else:
                self.show()
            self.raise_()
            self.activateWindow()

    def _on_unacknowledged(self, n: int) -> None:
        """The Alerts dock says how many wait for the operator; a new one brings it forward."""
        title = self.tr("Alerts") if n == 0 else self.tr("Alerts (%n)", "", n)
        self.alerts_dock.setWindowTitle(title)
        if self.tray is not None:
            name = self.tr("InteliVision Desktop")
            self.tray.setToolTip(f"{name} — {title}" if n else name)
        if n and not self.alerts_dock.isVisible():
            self.alerts_dock.show()
            self._front(self.alerts_dock)

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
        self.bridge.alert.connect(self.alerts.add)
        self.replay.bind(session.source)
        self.replay_toolbar.setVisible(ReplayBar.controls(session.source))
        self.serial.bind_source(session.source)
        self.monitor.bind_source(session.source)
        self._device = None
        self.plots.attach(None)
        self.timeline.clear()
        self.alerts.clear()
        self._rate_samples.clear()
        self.problems.clear()
        self.problem_count = 0
        self._states = {"source": StateView(since=time.monotonic()), "analyzer": StateView()}
        idx = self.source_combo.findData(session.source.url)
        if idx < 0:
            self.source_combo.insertItem(0, source_label or session.source.url, session.source.url)
            idx = 0
        self.source_combo.setCurrentIndex(idx)
        serving = isinstance(session.source, DeviceRoster)
        self.serve_action.blockSignals(True)
        self.serve_action.setChecked(serving)
        self.serve_action.blockSignals(False)
        if serving:
            self.devices_dock.show()
            self._front(self.devices_dock)
        else:
            self.devices_dock.hide()
        self.devices.following = None
        self.devices.refresh(session.source)
        watching = isinstance(session.source, FleetWatch)
        self.fleet_dock.setVisible(watching)
        if watching:
            self._front(self.fleet_dock)
        self.fleet.following = None
        self.fleet.refresh(session.source, session.alert_rules.silent_threshold_s, session.stores)
        if not session.analyzer.url.startswith(("embedded://", "remote://")):
            self.connection.url.setText(session.analyzer.url)
            self.backend_dock.show()
        for comp, (state, detail) in session.states.items():
            self._on_state(comp, state.value, detail)
        self.plots.start()
        self._update_status()

    def detach(self) -> None:
        """The session ended (the controller stopped it): nothing runs, nothing records."""
        if self.bridge is not None:
            self.bridge.detach()
        self.session = None
        self.set_recording(None)

    def _on_frames(self, _n: int) -> None:
        if self.session is None or not self.session.stores:
            return
        if self._device is None or self.plots.store is None:
            if self._device is None or self._device not in self.session.stores:
                self._device = next(iter(self.session.stores))
            self.plots.attach(self.session.stores[self._device])
            self._show_device_name()

    def _on_rewound(self, position_s: float) -> None:
        """A replay seek: plots and timeline start again at the new position."""
        self.plots.attach(None)  # re-attached to the device's new store by the next frames
        self.timeline.clear()
        self.replay.refresh()
        self.notify(self.tr("Replay at {time}").format(time=clock_text(position_s)), 3000)

    def follow_fleet_device(self, device_id: str) -> None:
        """A fleet row was picked: the plots follow it and the timeline shows its rows."""
        self.follow_device(device_id)
        self.timeline.show_device(device_id)

    def ask_watch_deployment(self) -> None:
        """File → Watch deployment…: the address and operator token, then the fleet source."""
        dialog = WatchDialog(self.watch_address, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def chosen(url: str) -> None:
            self.watch_address = dialog.address.text().strip()
            self.request_source(url)

        dialog.chosen.connect(chosen)
        self.watch_dialog = dialog
        dialog.open()  # window-modal, without a nested event loop inside the asyncio loop

    def follow_device(self, device_id: str) -> None:
        """Plot this device (its store, its description markers)."""
        self._device = device_id
        store = self.session.stores.get(device_id) if self.session is not None else None
        self.plots.attach(store)
        if store is not None:
            for d in self.timeline.model.items:
                if d.device_id == device_id:
                    self.plots.add_marker(d)
        self._show_device_name()

    # --- device names ---------------------------------------------------------------------

    def _learn_devices(self) -> bool:
        """Learn what the source knows of its devices; True if a device's identity changed
        (a device's frames can come before it says what it is: its name follows)."""
        src = self.session.source if self.session is not None else None
        changed = False
        devices: list[ServedDevice | FleetDevice] = []
        if isinstance(src, DeviceRoster):
            devices = list(src.devices.values())
        elif isinstance(src, FleetWatch):
            devices = list(src.fleet.values())
        if devices:
            for d in devices:
                ident = self.names.identity(d.device_id)
                if (ident.user_agent, ident.address) != (d.user_agent, d.address):
                    self.names.learn(d.device_id, d.user_agent, d.address)
                    changed = True
        elif isinstance(src, LineDevice):
            product, port = src.board
            name = (
                self.tr("{board} on {port}").format(board=product, port=port)
                if product
                else (self.tr("Board on {port}").format(port=port) if port else "")
            )
            for dev in src.device_ids:
                if dev and self.names.identity(dev).name != name:
                    self.names.learn(dev, name=name)
                    changed = True
        return changed

    def device_name(self, device_id: str | None = None) -> str:
        """The name shown for a device (the plotted one by default), with its address."""
        dev = device_id if device_id is not None else self._device
        return self.names(dev) if dev else ""

    def _show_device_name(self) -> None:
        self._learn_devices()
        name = self.device_name()
        title = self.tr("InteliVision Desktop")
        self.setWindowTitle(f"{name} — {title}" if name else title)
        self.plots.set_device_label(name)
        self.name_action.setEnabled(bool(self._device))

    def _on_names_changed(self) -> None:
        self.timeline.rename_devices()
        self._show_device_name()
        self._update_status()

    def ask_device_alias(self) -> None:
        """Ask for a name for the plotted device (kept by its user agent when it has one)."""
        dev = self._device
        if not dev:
            self.notify(self.tr("No device on the plots yet."), 4000)
            return
        dialog = QInputDialog(self)
        dialog.setWindowTitle(self.tr("Name this device"))
        dialog.setLabelText(
            self.tr("A name for {device} (empty: the name it gives itself):").format(
                device=self.names(dev)
            )
        )
        dialog.setTextValue(self.names.alias(dev))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.textValueSelected.connect(lambda text: self.set_device_alias(dev, text))
        self.alias_dialog = dialog
        dialog.open()

    def set_device_alias(self, device_id: str, alias: str) -> None:
        key = self.names.set_alias(device_id, alias)
        self.alias_changed.emit(key, self.names.aliases.get(key, ""))

    # --- confirmations --------------------------------------------------------------------

    def _ask(
        self,
        title: str,
        text: str,
        yes: str,
        on_yes: Callable[[], None],
        on_no: Callable[[], None] | None = None,
    ) -> None:
        """A window-modal question (no nested event loop inside the asyncio loop): ``on_yes``
        runs when the operator agrees, ``on_no`` otherwise."""
        if self.question is not None:
            self.question.close()
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self)
        yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def done(_result: int) -> None:
            self.question = None
            if box.clickedButton() is yes_button:
                on_yes()
            elif on_no is not None:
                on_no()

        box.finished.connect(done)
        self.question = box
        box.open()

    def connected_devices(self) -> int:
        src = self.session.source if self.session is not None else None
        if not isinstance(src, DeviceRoster):
            return 0
        return sum(1 for d in src.devices.values() if d.connected)

    def _switch_warnings(self) -> list[str]:
        out = []
        if self.recording_path:
            out.append(
                self.tr("The recording ends: {path} is closed and kept.").format(
                    path=self.recording_path
                )
            )
        n = self.connected_devices()
        if n:
            out.append(grouped(self.tr("%n connected device(s) will be disconnected.", "", n), n))
        return out

    def request_source(self, url: str, on_cancel: Callable[[], None] | None = None) -> None:
        """Open another source, after asking when that ends a recording or drops devices."""
        warnings = self._switch_warnings()
        if not warnings:
            self.source_requested.emit(url)
            return
        self._ask(
            self.tr("Open another source?"),
            "\n".join(warnings),
            self.tr("Switch source"),
            lambda: self.source_requested.emit(url),
            on_cancel,
        )

    def ask_new_token(self) -> None:
        self._ask(
            self.tr("Make a new pairing token?"),
            self.tr(
                "Every phone and pair of glasses paired with this computer must be paired again "
                "with the new address (or QR code). Devices connected now are disconnected."
            ),
            self.tr("Make a new token"),
            self.new_token_requested.emit,
        )

    def _quit_warnings(self) -> list[str]:
        out = []
        if self.recording_path:
            out.append(
                self.tr("A recording is running: it ends, and {path} is kept.").format(
                    path=self.recording_path
                )
            )
        n = self.connected_devices()
        if n:
            out.append(
                grouped(self.tr("%n device(s) are connected: they will be disconnected.", "", n), n)
            )
        return out

    # --- session events -------------------------------------------------------------------

    def _on_recordings_shown(self, visible: bool) -> None:
        # built on first use: it scans the folder in a worker thread and watches it
        if visible and self.recordings is None:
            self.recordings = RecordingsBrowser(
                self.services.recordings_dir(),
                parent=self.recordings_dock,
                summarize=self.services.summarize_recording,
            )
            self.recordings.open_requested.connect(
                lambda path: self.request_source(f"replay://{path}")
            )
            self._set_dock_widget(self.recordings_dock, self.recordings)

    def _on_serve_toggled(self, on: bool) -> None:
        if on == isinstance(self.session.source if self.session else None, DeviceRoster):
            return

        def undo() -> None:
            self.serve_action.blockSignals(True)
            self.serve_action.setChecked(not on)
            self.serve_action.blockSignals(False)

        self.request_source(
            f"serve://127.0.0.1:{self.serve_port}" if on else "demo://", on_cancel=undo
        )

    def _on_description(self, d: Description) -> None:
        self.timeline.add(d)
        if self._device is None or d.device_id == self._device:
            self.plots.add_marker(d)
            self.speaker.speak_description(d)  # only when the operator turned speech on

    def _on_state(self, component: str, state: str, detail: str) -> None:
        if component == "analyzer":
            self.connection.show_state(state, detail)
        view = self._states.setdefault(component, StateView())
        if (view.state, view.detail) != (state, detail):
            self._states[component] = StateView(state, detail, time.monotonic())
        self._render_states()

    def _on_problem(self, p: Problem) -> None:
        """Counted in its own widget; never written over the source's state."""
        self.problems.appendleft((time.time(), p))
        self.problem_count += 1
        n = self.problem_count
        self.problems_button.setText(grouped(self.tr("⚠ %n problem(s)", "", n), n))
        self.problems_button.setStyleSheet("color:#c62828")
        self.problems_button.setToolTip(
            self.tr("Newest: {message} — click for the details").format(message=p.message)
        )

    def set_recording(self, path: str | None) -> None:
        """Reflect the recorder state (the controller decides)."""
        self.recording_path = path
        self.record_action.blockSignals(True)
        self.record_action.setChecked(path is not None)
        self.record_action.blockSignals(False)
        self.record_label.setText("" if path is None else self.tr("● Recording"))
        self.record_label.setToolTip(
            "" if path is None else self.tr("Recording to {path}").format(path=path)
        )
        self.record_label.setStyleSheet("color:#c62828" if path else "")

    # --- status ---------------------------------------------------------------------------

    def timerEvent(self, event: object) -> None:
        self._update_status()

    def _source_name(self) -> str:
        src = self.session.source if self.session is not None else None
        if src is None:
            return ""
        kind = source_kind(src.url)
        if kind == "replay" and isinstance(src, Playback):
            return src.title
        if isinstance(src, LineDevice):
            return self.device_name(src.device_ids[0]) or src.url
        if kind == "serve":
            return self.device_name() if self._device else ""
        return ""

    def _render_states(self) -> None:
        s = self.session
        now = time.monotonic()
        src_view = self._states.get("source", StateView())
        ana_view = self._states.get("analyzer", StateView())
        if s is not None:
            src = s.source
            playback = src if isinstance(src, Playback) else None
            paused_at = None
            if playback is not None and playback.paused and not playback.at_end:
                paused_at = clock_text(playback.position_s)
            devices = self.connected_devices() if isinstance(src, DeviceRoster) else None
            live_source = src.live and playback is None
            text, word = source_sentence(
                src_view,
                src.url,
                paused_at=paused_at,
                last_data_ms=s.last_frame_ms if live_source else None,
                now_ms=time.time() * 1000.0 if live_source else None,
                devices=devices,
                name=self._source_name(),
                now=now if live_source else None,
            )
            analyzer_url = s.analyzer.url
        else:
            text, word = self.tr("No source"), "stopped"
            analyzer_url = ""
        if word != self.source_state:
            self.source_state = word
            self.plots.set_paused(word == "paused")
        state_word = {
            "live": self.tr("live"),
            "paused": self.tr("paused"),
            "stalled": self.tr("stalled"),
            "finished": self.tr("finished"),
            "connecting": self.tr("connecting"),
            "retrying": self.tr("retrying"),
            "failed": self.tr("failed"),
            "stopped": self.tr("stopped"),
        }.get(word, word)
        src_tip = self.tr("Source ({state}): {detail}").format(
            state=state_word, detail=detail_text(src_view.detail) or (s.source.url if s else "")
        )
        self.source_label.set_status(text, STATE_COLOURS.get(word), src_tip)
        a_text = analyzer_sentence(ana_view, analyzer_url, now)
        a_tip = self.tr("Analyzer ({state}): {detail}").format(
            state=state_text(ana_view.state), detail=detail_text(ana_view.detail) or analyzer_url
        )
        self.analyzer_label.set_status(a_text, STATE_COLOURS.get(ana_view.state), a_tip)

    def details_text(self) -> str:
        """The technical detail behind the status bar's sentences (Details…)."""
        s = self.session
        lines = []
        names = {"source": self.tr("Source"), "analyzer": self.tr("Analyzer")}
        for comp in ("source", "analyzer"):
            v = self._states.get(comp, StateView())
            url = ""
            if s is not None:
                url = s.source.url if comp == "source" else s.analyzer.url
            state = state_text(v.state)
            detail = detail_text(v.detail)
            lines.append(f"{names[comp]}: {state}" + (f" — {detail}" if detail else ""))
            if url:
                lines.append(f"  {url}")
        if self.problems:
            lines.append("")
            lines.append(self.tr("Problems (newest first):"))
            for t, p in list(self.problems)[:50]:
                stamp = time.strftime("%H:%M:%S", time.localtime(t))
                lines.append(f"{stamp} {p.component}/{p.kind}: {p.message}")
        return "\n".join(lines)

    def show_details(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle(self.tr("Status details"))
        box.setIcon(QMessageBox.Icon.Information)
        summary = f"{self.source_label.plain()}\n{self.analyzer_label.plain()}"
        if self.problem_count:
            n = self.problem_count
            summary += "\n" + grouped(self.tr("%n problem(s) in this session.", "", n), n)
        box.setText(summary)
        box.setDetailedText(self.details_text())
        box.setStandardButtons(QMessageBox.StandardButton.Close)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.details_box = box
        box.open()
        # the detail is what the operator came for: unfold it
        for b in box.buttons():
            if box.buttonRole(b) == QMessageBox.ButtonRole.ActionRole:
                b.click()
                break

    def _update_status(self) -> None:
        if self.session is None:
            return
        c = self.session.counters()
        self.connection.update_numbers(self.session.analyzer)
        if self._learn_devices():
            self._on_names_changed()
        if self.devices_dock.isVisible():
            self.devices.refresh(self.session.source)
        if isinstance(self.session.source, FleetWatch) and self.fleet_dock.isVisible():
            s = self.session
            self.fleet.refresh(s.source, s.alert_rules.silent_threshold_s, s.stores)
        now = time.monotonic()
        rows = c.frames + c.samples  # camera frames, or a serial board's lines
        self._rate_samples.append((now, rows, c.descriptions))
        t0, f0, _ = self._rate_samples[max(0, len(self._rate_samples) - 4)]
        fps = (rows - f0) / (now - t0) if now > t0 else 0.0
        old = next((s for s in self._rate_samples if now - s[0] <= 60.0), self._rate_samples[0])
        span = now - old[0]
        dpm = (c.descriptions - old[2]) * 60.0 / span if span >= 1.0 else 0.0
        rate = dec(fps)
        self.rate_label.setText(
            self.tr("{rate} lines/s").format(rate=rate)
            if c.samples > c.frames
            else self.tr("{rate} frames/s").format(rate=rate)
        )
        self.desc_label.setText(self.tr("{n} descriptions/min").format(n=num(round(dpm))))
        self.skipped_label.setText(self.tr("{n} not relevant").format(n=num(c.not_relevant)))
        self.malformed_label.setText(self.tr("{n} malformed").format(n=num(c.malformed)))
        self.malformed_label.setStyleSheet("color:#c62828" if c.malformed else "")
        self._render_states()

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
        if self.isVisible() and not self.center_fits():
            glw = self.plots.glw
            out.append(
                f"the plots ({glw.width()}×{glw.height()}) or the description column "
                f"({self.timeline.width()} wide) are below their minimum"
            )
        return out

    # --- intents --------------------------------------------------------------------------

    def _on_source_chosen(self, index: int) -> None:
        url = self.source_combo.itemData(index)

        def back() -> None:
            if self.session is not None:
                cur = self.source_combo.findData(self.session.source.url)
                self.source_combo.setCurrentIndex(max(cur, 0))

        if url == OPEN_RECORDING:
            back()
            self.open_recording()
            return
        self.request_source(str(url), on_cancel=back)

    def open_recording(self) -> None:
        """Ask for a recording or frames file and replay it."""
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Open a recording or frames file"),
            self.recent_folder,
            self.tr("JSON Lines (*.jsonl *.json);;All (*)"),
        )
        if path:
            self.request_source(f"replay://{path}")

    def open_export(self) -> None:
        """The export dialog, for the session on screen (a new one each time: its default
        file name is stamped when it opens)."""
        s = self.session
        folder = Path(self.export_folder) if self.export_folder else self.services.exports_dir()
        dialog = ExportDialog(
            s.stores if s is not None else {},
            s.descriptions if s is not None else [],  # copied when the export starts
            self.plots.visible_range,
            self.plots,
            folder,
            device=self._device,
            everything=self.export_everything,
            services=self.services,
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
        self.fleet.apply_palette()

    # --- persistence ----------------------------------------------------------------------

    def _screen_key(self) -> str:
        screen = self.screen()
        if screen is None:
            return ""
        g = screen.availableGeometry()
        return f"{g.width()}x{g.height()}@{screen.devicePixelRatio():g}"

    def _restore_geometry(self) -> bool:
        """Bring back the saved window and docks, unless they were saved on another screen
        size or by another layout version, or would not leave the plots their minimum."""
        s = QSettings()
        geo = s.value("window/geometry")
        state = s.value("window/state")
        if not isinstance(geo, QByteArray) or not isinstance(state, QByteArray):
            return False
        if str(s.value("window/screen", "")) != self._screen_key():
            return False  # another screen (or scale): its layout may not fit this one
        if not self.restoreState(state, LAYOUT_VERSION):
            return False  # an older layout version
        self.restoreGeometry(geo)
        if QGuiApplication.platformName() != "offscreen":  # (offscreen clamps to 800×600)
            self._asked = self.size()
        room = self._room()
        need = self.minimumSizeHint()
        if need.width() > room.width() or need.height() > room.height():
            self.fit_docks()
            need = self.minimumSizeHint()
            if need.width() > room.width() or need.height() > room.height():
                self._discard_layout()
                return False
        return True

    def _discard_layout(self) -> None:
        for d in self.docks:
            d.setFloating(False)
        self.restoreState(self._default_state, LAYOUT_VERSION)
        for d in self.docks:
            d.hide()
        self.resize(*DEFAULT_SIZE)

    def _save_layout(self) -> None:
        s = QSettings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState(LAYOUT_VERSION))
        s.setValue("window/screen", self._screen_key())

    def closeEvent(self, event: QCloseEvent) -> None:
        warnings = self._quit_warnings() if self.confirm_quit and not self._closing else []
        if warnings:
            event.ignore()

            def really() -> None:
                self._closing = True
                self.close()

            self._ask(
                self.tr("Quit InteliVision Desktop?"),
                "\n".join(warnings),
                self.tr("Quit"),
                really,
            )
            return
        self._closing = True
        if self._fit_timer is not None:
            self._fit_timer.stop()
        self._save_layout()
        self.plots.stop()
        self.replay.stop()
        self.monitor.stop()
        self.speaker.close()
        self.killTimer(self._status_timer_id)
        self.closed.emit()
        super().closeEvent(event)
