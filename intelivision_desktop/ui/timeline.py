"""The description timeline: a table of descriptions and a detail pane for the selected one."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from PySide6.QtCore import (
    QItemSelection,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QPlainTextEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from intelivision_desktop.core.codec import encode_summary
from intelivision_desktop.core.model import Description
from intelivision_desktop.ui.table_model import Index, ListTableModel

COLUMNS = ("Time", "Description", "Source", "Latency", "Device")


def clock(t_ms: float) -> str:
    return dt.datetime.fromtimestamp(t_ms / 1000.0).strftime("%H:%M:%S")


class DescriptionModel(ListTableModel[Description]):
    """Descriptions in arrival order."""

    columns = COLUMNS

    @property
    def items(self) -> list[Description]:
        return self.rows

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        d = self.items[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return clock(d.t_ms)
            if col == 1:
                return d.text
            if col == 2:
                return f"{d.source} ⚠" if d.fallback else d.source
            if col == 3:
                return "" if d.latency_ms is None else f"{d.latency_ms:.1f} ms"
            if col == 4:
                return d.device_id
        if role == Qt.ItemDataRole.ToolTipRole and col == 1:
            return f"{d.text}\n{d.device_id} · {clock(d.t_ms)}"
        if role == Qt.ItemDataRole.ForegroundRole and col == 2 and d.fallback:
            return QColor("#ef6c00")
        if role == Qt.ItemDataRole.ToolTipRole and col == 2 and d.fallback:
            return "The AI could not answer; the offline rules described this window."
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def summary_text(d: Description) -> str:
    lines = [
        f"«{d.text}»",
        f"device {d.device_id} · source {d.source}" + (" · FALLBACK" if d.fallback else ""),
        f"at {clock(d.t_ms)}"
        + ("" if d.latency_ms is None else f" · latency {d.latency_ms:.1f} ms"),
    ]
    if d.window_start_ms is not None and d.window_end_ms is not None:
        lines.append(
            f"window {clock(d.window_start_ms)}–{clock(d.window_end_ms)}"
            f" ({(d.window_end_ms - d.window_start_ms) / 1000:.1f} s)"
        )
    if d.detail:  # trace, usage, errors: what the operator looks for first
        lines.append("")
        lines.append(json.dumps(dict(d.detail), ensure_ascii=False, indent=2, default=str))
    if d.summary is not None:
        lines.append("")
        lines.append("dataUsed:")
        lines.append(json.dumps(encode_summary(d.summary), ensure_ascii=False, indent=2))
    return "\n".join(lines)


class TimelineView(QWidget):
    """Table of descriptions (newest kept visible) over a detail pane."""

    selected = Signal(object)
    """The selected :class:`Description`, or None."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = DescriptionModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("timelineTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        h = self.table.horizontalHeader()
        fm = self.table.fontMetrics()
        pad = 18
        for col, sample in (
            (0, "00:00:00"),
            (2, "bedrock-agent ⚠"),
            (3, "000.0 ms"),
            (4, "sio-000000"),
        ):
            h.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            h.resizeSection(col, fm.horizontalAdvance(sample) + pad)
        h.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.hideColumn(4)  # shown once a second device appears
        h.setMinimumSectionSize(fm.horizontalAdvance("0000") + pad)
        self.detail = QPlainTextEdit(self)
        self.detail.setObjectName("timelineDetail")
        self.detail.setReadOnly(True)
        self.detail.setPlaceholderText("Select a description to see the window it summarised.")
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.detail.setFont(mono)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(split)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.follow = True
        """Keep the newest row visible (off while the operator looks at an older one)."""

    def add(self, d: Description) -> None:
        items = self.model.items
        if items and self.table.isColumnHidden(4) and d.device_id != items[0].device_id:
            self.table.showColumn(4)  # several devices: say which one each line is about
        self.model.append(d)
        if self.follow:
            self.table.scrollToBottom()

    def clear(self) -> None:
        self.model.clear()
        self.detail.clear()
        self.table.hideColumn(4)

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)

    def current(self) -> Description | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.items[rows[0].row()] if rows else None

    def _on_selection(self, _sel: QItemSelection, _desel: QItemSelection) -> None:
        d = self.current()
        self.follow = d is None or d is self.model.items[-1]
        self.detail.setPlainText(summary_text(d) if d else "")
        self.selected.emit(d)
