"""Connected camera devices (local backend mode): the list, the URLs to give them, a QR code."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QLabel,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from intelivision_desktop.core.ports import DeviceRoster, Source
from intelivision_desktop.ui.l10n import clock, dec, num, translate
from intelivision_desktop.ui.table_model import device_table

COLUMNS = (
    QT_TRANSLATE_NOOP("DevicesPanel", "Device"),
    QT_TRANSLATE_NOOP("DevicesPanel", "Address"),
    QT_TRANSLATE_NOOP("DevicesPanel", "User agent"),
    QT_TRANSLATE_NOOP("DevicesPanel", "Since"),
    QT_TRANSLATE_NOOP("DevicesPanel", "Frames/s"),
    QT_TRANSLATE_NOOP("DevicesPanel", "Frames"),
    QT_TRANSLATE_NOOP("DevicesPanel", "Last description"),
    QT_TRANSLATE_NOOP("DevicesPanel", "State"),
)
"""Column titles (English; shown through ``translate("DevicesPanel", …)``)."""


def qr_pixmap(text: str, scale: int = 4) -> QPixmap:
    """A QR code for ``text`` (segno makes the matrix; Qt draws it)."""
    import segno

    qr = segno.make(text, error="m")
    rows = list(qr.matrix_iter(border=2))
    n = len(rows)
    img = QImage(n * scale, n * scale, QImage.Format.Format_RGB32)
    img.fill(QColor("white"))
    p = QPainter(img)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("black"))
    for y, row in enumerate(rows):
        for x, dark in enumerate(row):
            if dark:
                p.drawRect(x * scale, y * scale, scale, scale)
    p.end()
    return QPixmap.fromImage(img)


class DevicesPanel(QWidget):
    """Refreshed about once a second from the serving source; selecting a row follows it."""

    device_selected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("devicesPanel")
        self.urls = QLabel(self.tr("Not accepting devices."), self)
        self.urls.setObjectName("deviceUrls")
        self.urls.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.urls.setWordWrap(True)
        self.qr = QLabel(self)
        self.qr.setObjectName("deviceQr")
        self.qr.setToolTip(
            self.tr("Scan with the phone to connect it (Socket.IO URL, token included)")
        )
        titles = [translate("DevicesPanel", c) for c in COLUMNS]
        self.table = device_table(self, "devicesTable", titles, stretch=6)
        self.table.itemSelectionChanged.connect(self._on_select)
        self.summary = QLabel("", self)
        lay = QVBoxLayout(self)
        lay.addWidget(self.urls)
        lay.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignLeft)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.summary)
        self._qr_text = ""
        self.following: str | None = None
        self.names: Callable[[str], str] = str
        """Device id → the name the operator knows it by (the window sets it)."""

    def _on_select(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            item = self.table.item(rows[0].row(), 0)
            device_id = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
            if isinstance(device_id, str) and device_id != self.following:
                self.following = device_id
                self.device_selected.emit(device_id)

    def refresh(self, source: Source | None) -> None:
        if not isinstance(source, DeviceRoster):
            self.urls.setText(
                self.tr("Not accepting devices. Use “Accept devices” in the toolbar.")
            )
            self.qr.clear()
            self._qr_text = ""
            self.table.setRowCount(0)
            self.summary.setText("")
            return
        urls = source.device_urls()
        note = (
            self.tr("Devices must present this token.")
            if source.token
            else self.tr("Loopback only: devices on this computer.")
        )
        self.urls.setText(
            self.tr(
                "<b>Socket.IO</b>: {socketio}<br><b>API Gateway style</b>: {apigw}<br>{note}"
            ).format(socketio=urls["socketio"], apigw=urls["apigw"], note=note)
        )
        if urls["socketio"] != self._qr_text:
            self._qr_text = urls["socketio"]
            self.qr.setPixmap(qr_pixmap(self._qr_text))
        devices = list(source.devices.values())
        devices.sort(key=lambda d: (not d.connected, -d.connected_at))
        self.table.setRowCount(len(devices))
        for row, d in enumerate(devices):
            since = clock(d.connected_at)
            state = self.tr("connected") if d.connected else self.tr("disconnected")
            if d.dropped or d.malformed:
                state = self.tr("{state} · {dropped} dropped, {malformed} malformed").format(
                    state=state, dropped=num(d.dropped), malformed=num(d.malformed)
                )
            values = (
                self.names(d.device_id) or d.device_id,
                d.address,
                d.user_agent,
                since,
                dec(d.rate()),
                num(d.frames),
                d.last_description,
                state,
            )
            for col, text in enumerate(values):
                item = self.table.item(row, col)
                if item is None:
                    item = QTableWidgetItem()
                    self.table.setItem(row, col, item)
                if item.text() != text:
                    item.setText(text)
                if col == 0:  # the name shows; the id is what selecting follows
                    item.setData(Qt.ItemDataRole.UserRole, d.device_id)
                    item.setToolTip(d.device_id)
                item.setForeground(
                    QColor("#2e7d32" if d.connected else "#888888")
                    if col == 7
                    else self.palette().text().color()
                )
        live = sum(1 for d in devices if d.connected)
        summary = self.tr("{live} connected, {gone} gone, {refused} refused").format(
            live=num(live), gone=num(len(devices) - live), refused=num(source.refused)
        )
        if self.following:
            summary = self.tr("{summary} · plots follow {device}").format(
                summary=summary, device=self.following
            )
        self.summary.setText(summary)
