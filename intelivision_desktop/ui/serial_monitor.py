"""The serial monitor: the raw lines a board sends, newest last, unreadable ones marked.

It polls the source's bounded line buffer (``monitor_since``) four times a second while it
is on screen; the source keeps the lines without Qt, in its reader thread.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from intelivision_desktop.core.ports import RawLines, Source
from intelivision_desktop.ui.l10n import clock, num

POLL_MS = 250
MAX_SHOWN = 500
"""Lines on show; older ones scroll away."""
BAD_COLOUR = "#c62828"
PARTIAL_COLOUR = "#ef6c00"


def _text(line: bytes, limit: int = 300) -> str:
    text = line[:limit].decode("utf-8", "replace")
    text = "".join(c if c.isprintable() or c == "\t" else "·" for c in text)
    return text.replace("\t", "  ") + ("…" if len(line) > limit else "")


class SerialMonitor(QWidget):
    """Received lines of the current serial source; pausable, capped at :data:`MAX_SHOWN`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("serialMonitor")
        self.source: RawLines | None = None
        self._seq = 0
        self.bad_seen = 0
        self.lines_seen = 0
        self.list = QListWidget(self)
        self.list.setObjectName("monitorLines")
        self.list.setUniformItemSizes(True)
        font = self.list.font()
        font.setFamily("monospace")
        font.setStyleHint(font.StyleHint.Monospace)
        self.list.setFont(font)
        self.pause_box = QCheckBox(self.tr("Pause"), self)
        self.pause_box.setToolTip(
            self.tr("Stop scrolling to read; lines that arrive meanwhile are still counted")
        )
        self.problems_only = QCheckBox(self.tr("Only unreadable lines"), self)
        self.clear_button = QPushButton(self.tr("Clear"), self)
        self.clear_button.clicked.connect(self.clear)
        self.info = QLabel(self)
        self.info.setObjectName("monitorInfo")
        top = QHBoxLayout()
        top.addWidget(self.pause_box)
        top.addWidget(self.problems_only)
        top.addStretch(1)
        top.addWidget(self.clear_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(top)
        lay.addWidget(self.list, 1)
        lay.addWidget(self.info)
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.poll)
        self._update_info()

    def bind_source(self, source: Source | None) -> None:
        """Follow ``source`` if it is a serial board (others have no raw lines)."""
        self.source = source if isinstance(source, RawLines) else None
        self._seq = 0
        self.clear()
        self._sync_timer()

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        self._sync_timer()

    def hideEvent(self, event: object) -> None:
        super().hideEvent(event)  # type: ignore[arg-type]
        self._timer.stop()

    def _sync_timer(self) -> None:
        if self.source is not None and self.isVisible():
            self._timer.start()
            self.poll()
        else:
            self._timer.stop()
        self._update_info()

    def stop(self) -> None:
        self._timer.stop()

    def clear(self) -> None:
        self.list.clear()
        self.bad_seen = 0
        self.lines_seen = 0
        self._update_info()

    def poll(self) -> int:
        """Take the new lines; returns how many were added to the list."""
        src = self.source
        if src is None:
            return 0
        self._seq, lines = src.monitor_since(self._seq)
        self.lines_seen += len(lines)
        self.bad_seen += sum(1 for m in lines if not m.ok)
        if self.pause_box.isChecked() or not lines:
            self._update_info()
            return 0
        if self.problems_only.isChecked():
            lines = [m for m in lines if not m.ok]
        lines = lines[-MAX_SHOWN:]
        bar = self.list.verticalScrollBar()
        at_bottom = bar.value() >= bar.maximum() - 2
        for m in lines:
            stamp = clock(m.t_ms / 1000.0)
            stamp += f".{int(m.t_ms % 1000):03d}"
            text = f"{stamp}  {_text(m.line)}"
            item = QListWidgetItem()
            if m.ok:
                item.setText(text)
            else:
                mark = "✗" if m.kind == "bad" else "△"
                item.setText(f"{text}    {mark} {m.reason}")
                item.setForeground(
                    QBrush(QColor(BAD_COLOUR if m.kind == "bad" else PARTIAL_COLOUR))
                )
                item.setToolTip(
                    self.tr("Not read: {reason}").format(reason=m.reason)
                    if m.kind == "bad"
                    else self.tr("Partly read: {reason}").format(reason=m.reason)
                )
            item.setData(256, m.kind)  # Qt.UserRole: for tests and filters
            self.list.addItem(item)
        extra = self.list.count() - MAX_SHOWN
        for _ in range(max(0, extra)):
            self.list.takeItem(0)
        if at_bottom:
            self.list.scrollToBottom()
        self._update_info()
        return len(lines)

    def _update_info(self) -> None:
        if self.source is None:
            self.info.setText(self.tr("Open a serial board to see the lines it sends here."))
            return
        counts = {"lines": num(self.lines_seen), "bad": num(self.bad_seen), "cap": num(MAX_SHOWN)}
        if self.pause_box.isChecked():
            text = self.tr(
                "Paused. {lines} lines received, {bad} not readable; the newest {cap} are shown."
            ).format(**counts)
        else:
            text = self.tr(
                "{lines} lines received, {bad} not readable; the newest {cap} are shown."
            ).format(**counts)
        self.info.setText(text)
