"""The fleet of a deployment (``observe+…`` sources): one row per device it has seen.

Refreshed about once a second from the observer source's table; selecting a row makes the
plots (and the timeline's device filter) follow that device.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from intelivision_desktop.core.fleet import PREFIX
from intelivision_desktop.core.ports import FleetWatch, Source
from intelivision_desktop.ui.l10n import clock, dec, grouped, num, translate

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


class FleetPanel(QWidget):
    """The devices of a watched deployment; selecting a row follows it."""

    device_selected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fleetPanel")
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("fleetTable")
        self.table.setHorizontalHeaderLabels([translate("FleetPanel", c) for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        h = self.table.horizontalHeader()
        h.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._on_select)
        self.summary = QLabel(self.tr("Not watching a deployment."), self)
        self.summary.setObjectName("fleetSummary")
        lay = QVBoxLayout(self)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.summary)
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
        self, source: Source | None, silent_after: Callable[[str], float] | None = None
    ) -> None:
        """Show ``source``'s devices; ``silent_after``: a device's silent threshold in
        seconds (the alert rules'; :data:`~intelivision_desktop.core.fleet.SILENT_S` if None)."""
        if not isinstance(source, FleetWatch):
            self.table.setRowCount(0)
            self._order = []
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
