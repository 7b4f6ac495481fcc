"""The alert list: newest first, unacknowledged ones bold, acknowledge one or all; optionally a
beep and a desktop notification (system tray) for each new alert.

An alert's text is said here, in the window's language, from its kind, its device (by name)
and its ``detail`` (core/alerts.py); ``Alert.message``, the English sentence recordings and
headless output keep, is shown only when the detail lacks what the sentence needs (an alert
from an older version)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSystemTrayIcon,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from intelivision_desktop.core.model import Alert, AlertKind
from intelivision_desktop.ui.l10n import clock, dec, grouped, num

MAX_ROWS = 1000
"""Alerts listed at most (the oldest go first; the session keeps its own count)."""


class _Missing(LookupError):
    """An alert's detail lacks a value its sentence needs."""


def _number(detail: Mapping[str, Any], key: str) -> float:
    v = detail.get(key)
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
        raise _Missing(key)
    return float(v)


def _word(detail: Mapping[str, Any], key: str) -> str:
    v = detail.get(key)
    if not isinstance(v, str) or not v:
        raise _Missing(key)
    return v


def _short(x: float) -> str:
    """``10`` or ``13.5``: a whole number without decimals, else one."""
    return num(round(x)) if abs(x - round(x)) < 0.05 else dec(x, 1)


class AlertsPanel(QWidget):
    """Listens to nothing itself: the window hands it each :class:`Alert` through :meth:`add`."""

    unacknowledged_changed = Signal(int)
    """How many listed alerts are not acknowledged (after every change)."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        sound: bool = False,
        tray: QSystemTrayIcon | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("alertsPanel")
        self.sound = sound
        """Beep on each new alert."""
        self.tray = tray
        """Where desktop notifications go (only if the system has a tray)."""
        self.names: Callable[[str], str] = lambda device_id: device_id
        """Device id → the name the operator knows it by (the window sets it)."""
        self._alerts: list[Alert] = []
        """Newest first, as the rows."""
        self._acked: list[bool] = []
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels([self.tr("Time"), self.tr("Device"), self.tr("Alert")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.count_label = QLabel(self)
        self.ack_button = QPushButton(self.tr("Acknowledge"), self)
        self.ack_all_button = QPushButton(self.tr("Acknowledge all"), self)
        self.ack_button.clicked.connect(self.acknowledge_selected)
        self.ack_all_button.clicked.connect(self.acknowledge_all)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_label, 1)
        buttons.addWidget(self.ack_button)
        buttons.addWidget(self.ack_all_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    # --- alerts in --------------------------------------------------------------------------

    def add(self, alert: Alert) -> None:
        """List a new alert (at the top, bold), and beep or notify if asked to."""
        self._alerts.insert(0, alert)
        self._acked.insert(0, False)
        self.table.insertRow(0)
        device = (self.names(alert.device_id) or alert.device_id) if alert.device_id else "—"
        message = self.text(alert)
        cells = (clock(alert.t_ms / 1000.0), device, message)
        for col, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(f"{message}\n{alert.device_id}" if alert.device_id else message)
            self.table.setItem(0, col, item)
        self._style_row(0)
        while len(self._alerts) > MAX_ROWS:
            self._alerts.pop()
            self._acked.pop()
            self.table.removeRow(self.table.rowCount() - 1)
        if self.sound:
            QApplication.beep()
            self._notify(alert)
        self._changed()

    def _notify(self, alert: Alert) -> None:
        tray = self.tray
        if tray is None or not QSystemTrayIcon.isSystemTrayAvailable() or not tray.isVisible():
            return
        title = self.tr("InteliVision alert")
        tray.showMessage(title, self.text(alert), QSystemTrayIcon.MessageIcon.Warning, 10_000)

    # --- what an alert says ----------------------------------------------------------------

    def text(self, alert: Alert) -> str:
        """The alert in the window's language, its device by name (``alert.message``, the
        device's id replaced by its name, if the detail lacks what the sentence needs)."""
        device = (self.names(alert.device_id) or alert.device_id) if alert.device_id else ""
        try:
            return self._compose(alert.kind, device, alert.detail)
        except _Missing:
            if not alert.device_id:
                return alert.message
            return alert.message.replace(alert.device_id, device)

    def _compose(self, kind: AlertKind, device: str, d: Mapping[str, Any]) -> str:
        if kind is AlertKind.DANGER:
            what, obj, distance = _word(d, "danger"), _word(d, "object"), _word(d, "distance")
            if what == "approaching":
                text = self.tr("Danger near {device}: {object} approaching at {distance}")
            elif what == "crossing":
                text = self.tr("Danger near {device}: {object} crossing in front ({distance})")
            else:
                raise _Missing("danger")
            return text.format(device=device, object=obj, distance=distance)
        if kind is AlertKind.SILENT:
            return self.tr("{device} has sent nothing for {seconds} s (limit {limit} s)").format(
                device=device,
                seconds=num(round(_number(d, "silent_s"))),
                limit=_short(_number(d, "threshold_s")),
            )
        if kind is AlertKind.CAMERA_OFF:
            if not device:
                raise _Missing("device")
            return self.tr("The camera of {device} is off").format(device=device)
        if kind is AlertKind.LATENCY:
            return self.tr(
                "Descriptions for {device} are slow: {seconds} s (limit {limit} s)"
            ).format(
                device=device,
                seconds=dec(_number(d, "latency_ms") / 1000.0, 1),
                limit=_short(_number(d, "threshold_s")),
            )
        if kind is AlertKind.FALLBACK_RATE:
            return self.tr(
                "{percent}% of the descriptions for {device} came from the fallback rules "
                "({fallbacks} of {descriptions} in {minutes} min)"
            ).format(
                percent=num(round(_number(d, "rate") * 100.0)),
                device=device,
                fallbacks=num(round(_number(d, "fallbacks"))),
                descriptions=num(round(_number(d, "descriptions"))),
                minutes=_short(_number(d, "window_s") / 60.0),
            )
        if kind is AlertKind.AI_ERRORS:
            problem = _word(d, "problem")
            error = d.get("error")
            if isinstance(error, str) and error:
                return self.tr("AI service errors ({problem}): {error}").format(
                    problem=problem, error=error
                )
            return self.tr("AI service errors ({problem})").format(problem=problem)
        raise _Missing("kind")

    # --- acknowledging ---------------------------------------------------------------------

    def unacknowledged(self) -> int:
        return self._acked.count(False)

    def alerts(self) -> list[Alert]:
        """The listed alerts, newest first."""
        return list(self._alerts)

    def is_acknowledged(self, row: int) -> bool:
        return self._acked[row]

    def acknowledge(self, row: int) -> None:
        if 0 <= row < len(self._acked) and not self._acked[row]:
            self._acked[row] = True
            self._style_row(row)
            self._changed()

    def acknowledge_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        if not rows and self.table.currentRow() >= 0:
            rows = [self.table.currentRow()]
        changed = False
        for row in rows:
            if 0 <= row < len(self._acked) and not self._acked[row]:
                self._acked[row] = True
                self._style_row(row)
                changed = True
        if changed:
            self._changed()

    def acknowledge_all(self) -> None:
        if all(self._acked):
            return
        for row in range(len(self._acked)):
            if not self._acked[row]:
                self._acked[row] = True
                self._style_row(row)
        self._changed()

    def clear(self) -> None:
        """Forget every alert (a new session)."""
        self._alerts.clear()
        self._acked.clear()
        self.table.setRowCount(0)
        self._changed()

    # --- display ---------------------------------------------------------------------------

    def _style_row(self, row: int) -> None:
        bold = not self._acked[row]
        for col in range(self.table.columnCount()):
            item = self.table.item(row, col)
            if item is not None:
                font = QFont(item.font())
                font.setBold(bold)
                item.setFont(font)
                item.setData(Qt.ItemDataRole.UserRole, bold)

    def _changed(self) -> None:
        n = self.unacknowledged()
        self.count_label.setText(grouped(self.tr("%n unacknowledged", "", n), n))
        self._update_buttons()
        self.unacknowledged_changed.emit(n)

    def _update_buttons(self) -> None:
        self.ack_all_button.setEnabled(not all(self._acked))
        rows = {i.row() for i in self.table.selectedIndexes()}
        self.ack_button.setEnabled(any(not self._acked[r] for r in rows if r < len(self._acked)))
