"""The fleet of a deployment (``observe+…`` sources): one row per device it has seen.

Refreshed about once a second from the observer source's table; selecting a row makes the
plots (and the timeline's device filter) follow that device.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from intelivision_desktop.core.channels import CAMERA_CHANNELS, ChannelStore
from intelivision_desktop.core.fleet import PREFIX
from intelivision_desktop.core.ports import FleetWatch, Source
from intelivision_desktop.ui.l10n import clock, dec, grouped, num, translate
from intelivision_desktop.ui.plots import PALETTE
from intelivision_desktop.ui.table_model import device_table

COLUMNS = (
    QT_TRANSLATE_NOOP("FleetPanel", "Device"),
    QT_TRANSLATE_NOOP("FleetPanel", "Connected since"),
    QT_TRANSLATE_NOOP("FleetPanel", "Last seen"),
    QT_TRANSLATE_NOOP("FleetPanel", "Frames/s"),
    QT_TRANSLATE_NOOP("FleetPanel", "Fallback"),
    QT_TRANSLATE_NOOP("FleetPanel", "Last description"),
    QT_TRANSLATE_NOOP("FleetPanel", "State"),
)
"""Column titles (English; shown through ``translate("FleetPanel", …)``)."""
COL_STATE = 6
STATES = {
    "connected": QT_TRANSLATE_NOOP("FleetPanel", "connected"),
    "silent": QT_TRANSLATE_NOOP("FleetPanel", "silent"),
    "gone": QT_TRANSLATE_NOOP("FleetPanel", "gone"),
}
STATE_COLOURS = {"connected": "#2e7d32", "silent": "#b26a00", "gone": "#888888"}
DEVICE_ROLE = Qt.ItemDataRole.UserRole + 1
SWATCH_ROLE = Qt.ItemDataRole.UserRole + 2
COMPARE_CHANNELS = tuple(s for s in CAMERA_CHANNELS if s.group != "latency")
"""What the comparison plot offers: a window summary's channels, one device per colour."""


class FleetPanel(QWidget):
    """The devices of a watched deployment; selecting a row follows it. Beside the table, one
    channel of every device overlaid, each in the colour of its row's swatch."""

    device_selected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fleetPanel")
        titles = [translate("FleetPanel", c) for c in COLUMNS]
        self.table = device_table(self, "fleetTable", titles, stretch=5)
        self.table.itemSelectionChanged.connect(self._on_select)
        self.summary = QLabel(self.tr("Not watching a deployment."), self)
        self.summary.setObjectName("fleetSummary")
        self.compare_combo = QComboBox(self)
        self.compare_combo.setObjectName("fleetCompareChannel")
        self.compare_combo.setToolTip(self.tr("The channel compared across devices"))
        for spec in COMPARE_CHANNELS:
            label = QCoreApplication.translate("Channels", spec.display)
            self.compare_combo.addItem(label, spec.name)
        self.compare_combo.currentIndexChanged.connect(lambda _i: self._draw())
        self.compare = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem(orientation="bottom")})
        self.compare.setObjectName("fleetCompare")
        self.compare.setMinimumWidth(240)
        self.compare.showGrid(x=True, y=True, alpha=0.25)
        self.compare.getAxis("bottom").setStyle(maxTickLevel=1)
        self.compare.getAxis("left").setStyle(maxTickLevel=0)  # no grey line every few pixels
        self.compare.hideButtons()
        self._curves: dict[str, pg.PlotDataItem] = {}
        self._looks: dict[str, tuple[str, bool]] = {}
        """Each curve's colour and whether it is the followed one, as last drawn."""
        self._drawn: dict[str, tuple[str, int, int]] = {}
        """Each curve's channel, its store's sample count and the store, as last drawn."""
        self._stores: Mapping[str, ChannelStore] = {}
        self._swatches: dict[str, QIcon] = {}
        self.apply_palette()
        left = QWidget(self)
        left_lay = QVBoxLayout(left)
        left_lay.setContentsMargins(0, 0, 0, 0)
        left_lay.addWidget(self.table, 1)
        left_lay.addWidget(self.summary)
        right = QWidget(self)
        right_lay = QVBoxLayout(right)
        right_lay.setContentsMargins(0, 0, 0, 0)
        right_lay.addWidget(self.compare_combo)
        right_lay.addWidget(self.compare, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([600, 400])  # the table first: its columns need the room
        lay = QVBoxLayout(self)
        lay.addWidget(self.splitter)
        self.following: str | None = None
        self.names: Callable[[str], str] = str
        """The name shown for a device id (the window's device names)."""
        self.clock: Callable[[], float] = time.monotonic
        self._order: list[str] = []

    def _on_select(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        item = self.table.item(rows[0].row(), 0)
        device = item.data(DEVICE_ROLE) if item is not None else None
        if isinstance(device, str) and device != self.following:
            self.following = device
            self.device_selected.emit(device)

    def select_device(self, device_id: str) -> None:
        """Select ``device_id``'s row (as a click would)."""
        if device_id in self._order:
            self.table.selectRow(self._order.index(device_id))

    def refresh(
        self,
        source: Source | None,
        silent_after: Callable[[str], float] | None = None,
        stores: Mapping[str, ChannelStore] | None = None,
    ) -> None:
        """Show ``source``'s devices; ``silent_after``: a device's silent threshold in
        seconds (the alert rules'; :data:`~intelivision_desktop.core.fleet.SILENT_S` if None);
        ``stores``: the session's channel stores by device, for the comparison plot (None:
        those given before)."""
        if not isinstance(source, FleetWatch):
            self.table.setRowCount(0)
            self._order = []
            self._stores = {}
            self._draw()
            self.summary.setText(self.tr("Not watching a deployment."))
            return
        now = self.clock()
        devices = list(source.fleet.values())
        # first seen first: rows do not jump about under the operator's click
        known = {d.device_id for d in devices}
        order = [d for d in self._order if d in known]
        order += [d.device_id for d in devices if d.device_id not in set(order)]
        self._order = order
        self.table.setRowCount(len(order))
        counts = {"connected": 0, "silent": 0, "gone": 0}
        for row, dev_id in enumerate(order):
            d = source.fleet[dev_id]
            state = d.state(now, silent_after(dev_id)) if silent_after else d.state(now)
            counts[state] += 1
            fallback = d.fallback_rate()
            values = (
                self.names(dev_id),
                clock(d.connected_at / 1000.0) if d.connected_at is not None else "—",
                clock(d.last_seen / 1000.0) if d.last_seen is not None else "—",
                dec(d.rate(now)),
                "—" if fallback is None else f"{dec(fallback * 100.0)} %",
                d.last_description,
                translate("FleetPanel", STATES[state]),
            )
            for col, text in enumerate(values):
                item = self.table.item(row, col)
                if item is None:
                    item = QTableWidgetItem()
                    self.table.setItem(row, col, item)
                if item.text() != text:
                    item.setText(text)
                if col == 0:
                    item.setData(DEVICE_ROLE, dev_id)
                    item.setToolTip(f"{dev_id}\n{d.user_agent}\n{d.address}".strip())
                    colour = self.colour(dev_id)
                    if item.data(SWATCH_ROLE) != colour:  # setIcon re-measures the column
                        item.setIcon(self._swatch(colour))
                        item.setData(SWATCH_ROLE, colour)
                if col == COL_STATE:
                    item.setForeground(QColor(STATE_COLOURS[state]))
        n = source.observers
        summary = self.tr("{live} connected, {silent} silent, {gone} gone · {observers}").format(
            live=num(counts["connected"]),
            silent=num(counts["silent"]),
            gone=num(counts["gone"]),
            observers=grouped(self.tr("%n observer(s)", "", n), n),
        )
        if source.bad_events:
            summary = self.tr("{summary} · {bad} bad events").format(
                summary=summary, bad=num(source.bad_events)
            )
        if self.following:
            summary = self.tr("{summary} · plots follow {device}").format(
                summary=summary, device=self.names(self.following)
            )
        self.summary.setText(summary)
        if stores is not None:
            self._stores = stores
        self._draw()

    # --- the comparison plot ----------------------------------------------------------------

    def colour(self, device_id: str) -> str:
        """The device's colour: its row's swatch and its curve (kept while it is listed)."""
        i = self._order.index(device_id) if device_id in self._order else 0
        return PALETTE[i % len(PALETTE)]

    def _swatch(self, colour: str) -> QIcon:
        icon = self._swatches.get(colour)
        if icon is None:
            pixmap = QPixmap(10, 10)
            pixmap.fill(QColor(colour))
            icon = self._swatches[colour] = QIcon(pixmap)
        return icon

    def apply_palette(self) -> None:
        pal = QGuiApplication.palette()
        self.compare.setBackground(pal.color(QPalette.ColorRole.Base))
        text = pal.color(QPalette.ColorRole.Text)
        for side in ("left", "bottom"):
            axis = self.compare.getAxis(side)
            axis.setTextPen(text)
            axis.setPen(text)

    def _draw(self) -> None:
        """One curve per listed device with data in the chosen channel; the followed device
        drawn thicker, on top."""
        name = self.compare_combo.currentData()
        shown: set[str] = set()
        view = self.compare.getViewBox()
        view.disableAutoRange()  # one range update for the lot, not one per curve
        for dev in self._order:
            store = self._stores.get(dev)
            if store is None or len(store) == 0 or name not in store.names:
                continue
            curve = self._curves.get(dev)
            if curve is None:
                curve = self._curves[dev] = self.compare.plot([], [])
            followed = dev == self.following
            look = (self.colour(dev), followed)
            if self._looks.get(dev) != look:
                curve.setPen(pg.mkPen(look[0], width=3 if followed else 1.5))
                curve.setZValue(1 if followed else 0)
                self._looks[dev] = look
            drawn = (name, store.total, id(store))
            if self._drawn.get(dev) != drawn:  # new windows since the last tick, or a new channel
                curve.setData(store.times(), store.column(name), connect="finite")
                self._drawn[dev] = drawn
            shown.add(dev)
        for dev in [d for d in self._curves if d not in shown]:
            self.compare.removeItem(self._curves.pop(dev))
            self._looks.pop(dev, None)
            self._drawn.pop(dev, None)
        view.enableAutoRange()


def observer_url(address: str, token: str) -> str:
    """The source URL for watching ``address`` (``wss://…/STAGE`` of a serverless backend, or
    ``ws://HOST:PORT/observe`` of another desktop's --serve): ``observe+`` before it,
    ``role=observer`` for an API Gateway stage, and the operator token in the query."""
    address = address.strip()
    if address.lower().startswith(PREFIX):
        address = address[len(PREFIX) :]
    parts = urlsplit(address)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "token"]
    if not parts.path.rstrip("/").endswith("/observe") and ("role", "observer") not in query:
        query.append(("role", "observer"))
    if token.strip():
        query.append(("token", token.strip()))
    return PREFIX + urlunsplit(parts._replace(query=urlencode(query)))


class WatchDialog(QDialog):
    """Asks for the deployment's address and the operator token (the token is never kept)."""

    chosen = Signal(str)
    """The ``observe+…`` URL to open."""

    def __init__(self, address: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("watchDialog")
        self.setWindowTitle(self.tr("Watch deployment"))
        self.address = QLineEdit(address, self)
        self.address.setObjectName("watchAddress")
        self.address.setPlaceholderText(self.tr("wss://ID.execute-api.REGION.amazonaws.com/dev"))
        self.token = QLineEdit(self)
        self.token.setObjectName("watchToken")
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText(self.tr("Operator token (not saved)"))
        self.error = QLabel("", self)
        self.error.setObjectName("watchError")
        self.error.setWordWrap(True)
        note = QLabel(
            self.tr(
                "The console connects as an observer: it sees every device of the deployment, "
                "their windows and descriptions, and sends nothing to them."
            ),
            self,
        )
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Address:"), self.address)
        form.addRow(self.tr("Operator token:"), self.token)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Watch"))
        buttons.accepted.connect(self._on_ok)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(note)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(buttons)

    def _on_ok(self) -> None:
        text = self.address.text().strip()
        parts = urlsplit(text.removeprefix(PREFIX))
        try:
            port = parts.port
        except ValueError:
            port = -1
        if parts.scheme not in ("ws", "wss") or not parts.hostname or port == -1:
            self.error.setText(
                self.tr("Enter a ws:// or wss:// address, for example {example}.").format(
                    example="wss://ID.execute-api.REGION.amazonaws.com/dev"
                )
            )
            return
        url = observer_url(text, self.token.text())
        self.token.clear()
        self.accept()
        self.chosen.emit(url)
