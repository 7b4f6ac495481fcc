"""The serial panel: pick a port, set it up, connect, and send lines to the device.

It builds a ``serial://`` URL from its controls and emits it (:attr:`SerialPanel.
source_requested`); the window's controller opens it like any other source. The port list
shows each port's description and USB ids and is rescanned about once a second while the
panel is visible (hot-plug), in a short-lived worker thread so a slow listing never stalls
the GUI. The send box and the DTR/RTS boxes emit signals for the running source;
:meth:`SerialPanel.bind_source` shows that source's counters.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from intelivision_desktop.core.lines import MAX_CHANNELS, MAX_LINE_BYTES, LineFormat
from intelivision_desktop.core.ports import LineDevice, Source
from intelivision_desktop.core.serial_settings import (
    DEFAULT_BAUD,
    PortInfo,
    SerialConfig,
    parse_serial_url,
)
from intelivision_desktop.ui.l10n import grouped, num, state_text

log = logging.getLogger(__name__)

BAUD_RATES = (9600, 19200, 38400, 57600, 115200, 230400, 250000, 460800, 500000, 921600,
              1000000, 2000000)  # fmt: skip
LINE_ENDINGS = (
    ("LF (\\n)", "lf"),
    ("CRLF (\\r\\n)", "crlf"),
    ("CR (\\r)", "cr"),
    (QT_TRANSLATE_NOOP("SerialPanel", "None"), "none"),
)
FORMATS = (
    (QT_TRANSLATE_NOOP("SerialPanel", "Auto"), LineFormat.AUTO),
    (QT_TRANSLATE_NOOP("SerialPanel", "Arduino plotter"), LineFormat.ARDUINO),
    (QT_TRANSLATE_NOOP("SerialPanel", "CSV with header"), LineFormat.CSV),
    ("JSON", LineFormat.JSON),
)


def _tr(text: str) -> str:
    return QCoreApplication.translate("SerialPanel", text)


RESCAN_MS = 1000


class SerialPanel(QWidget):
    """Port picker, settings and a send box for serial sensor devices."""

    source_requested = Signal(str)
    """A ``serial://`` (or ``socket://``, ``rfc2217://``, ``loop://``) URL to open."""
    send_line = Signal(str)
    """A line the operator typed, without line ending (send it with :attr:`line_ending`)."""
    control_lines = Signal(bool, bool)
    """DTR and RTS were toggled (for :meth:`LineDevice.set_control_lines`)."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        scan: Callable[[], list[PortInfo]],
        rescan_ms: int = RESCAN_MS,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("serialPanel")
        self._scan = scan
        self._ports: list[PortInfo] = []
        self._scan_thread: threading.Thread | None = None
        self._scan_result: list[PortInfo] | Exception | None = None
        self._source: LineDevice | None = None

        self.port_combo = QComboBox(self)
        self.port_combo.setObjectName("portCombo")
        self.port_combo.setEditable(True)
        self.port_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        edit = self.port_combo.lineEdit()
        if edit is not None:
            edit.setPlaceholderText(self.tr("/dev/ttyACM0, COM3 or socket://host:port"))
        self.port_combo.setToolTip(
            self.tr("Ports found now (description and USB VID:PID); or type one")
        )
        self.refresh_button = QPushButton("⟳", self)
        self.refresh_button.setToolTip(self.tr("Scan for ports now"))
        self.refresh_button.setFixedWidth(32)
        self.refresh_button.clicked.connect(self.rescan)
        port_row = QHBoxLayout()
        port_row.addWidget(self.port_combo, 1)
        port_row.addWidget(self.refresh_button)

        self.baud_combo = QComboBox(self)
        self.baud_combo.setObjectName("baudCombo")
        self.baud_combo.setEditable(True)
        for b in BAUD_RATES:
            self.baud_combo.addItem(str(b))
        self.baud_combo.setCurrentText(str(DEFAULT_BAUD))
        self.format_combo = QComboBox(self)
        self.format_combo.setObjectName("formatCombo")
        for label, fmt in FORMATS:
            self.format_combo.addItem(_tr(label), fmt.value)
        self.eol_combo = QComboBox(self)
        self.eol_combo.setObjectName("eolCombo")
        for label, key in LINE_ENDINGS:
            self.eol_combo.addItem(_tr(label), key)
        self.dtr_box = QCheckBox("DTR", self)
        self.rts_box = QCheckBox("RTS", self)
        for box in (self.dtr_box, self.rts_box):
            box.setToolTip(
                self.tr(
                    "Assert on opening. Many boards reset when DTR goes high; leave it off to "
                    "connect without a reset."
                )
            )
            box.toggled.connect(self._on_control_lines)
        lines_row = QHBoxLayout()
        lines_row.addWidget(self.dtr_box)
        lines_row.addWidget(self.rts_box)
        lines_row.addStretch(1)

        self.connect_button = QPushButton(self.tr("Connect"), self)
        self.connect_button.setObjectName("connectButton")
        self.connect_button.clicked.connect(self.request_source)

        self.send_edit = QLineEdit(self)
        self.send_edit.setObjectName("sendEdit")
        self.send_edit.setPlaceholderText(self.tr("a line to send to the device"))
        self.send_edit.returnPressed.connect(self._send)
        self.send_button = QPushButton(self.tr("Send"), self)
        self.send_button.clicked.connect(self._send)
        send_row = QHBoxLayout()
        send_row.addWidget(self.send_edit, 1)
        send_row.addWidget(self.send_button)

        self.status = QLabel("", self)
        self.status.setObjectName("serialStatus")
        self.status.setWordWrap(True)
        self.limits = QLabel(
            self.tr(
                "Limits: {channels} channels per device, lines up to {kb} KB (longer ones are "
                "cut and counted)."
            ).format(channels=num(MAX_CHANNELS), kb=num(MAX_LINE_BYTES // 1024)),
            self,
        )
        self.limits.setWordWrap(True)
        self.limits.setStyleSheet("color: gray")

        form = QFormLayout()
        form.addRow(self.tr("Port"), port_row)
        form.addRow(self.tr("Baud"), self.baud_combo)
        form.addRow(self.tr("Format"), self.format_combo)
        form.addRow(self.tr("Line end"), self.eol_combo)
        form.addRow(self.tr("Lines"), lines_row)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.connect_button)
        lay.addLayout(send_row)
        lay.addWidget(self.status)
        lay.addWidget(self.limits)
        lay.addStretch(1)

        self._timer = QTimer(self)
        self._timer.setInterval(rescan_ms)
        self._timer.timeout.connect(self.rescan)
        self._poll = QTimer(self)
        self._poll.setInterval(50)
        self._poll.timeout.connect(self._collect_scan)
        self._stats_timer = QTimer(self)
        self._stats_timer.setInterval(1000)
        self._stats_timer.timeout.connect(self._show_stats)

    # --- ports ------------------------------------------------------------------------------

    @property
    def ports(self) -> list[PortInfo]:
        return list(self._ports)

    def rescan(self) -> None:
        """Start a port scan in a worker thread unless one is running."""
        if self._scan_thread is not None and self._scan_thread.is_alive():
            return
        self._scan_thread = threading.Thread(
            target=self._scan_worker, name="serial-port-scan", daemon=True
        )
        self._scan_thread.start()
        if not self._poll.isActive():
            self._poll.start()

    def _scan_worker(self) -> None:
        try:
            result: list[PortInfo] | Exception = self._scan()
        except (OSError, ValueError, RuntimeError) as exc:  # shown, never raised into Qt
            result = exc
        self._scan_result = result

    def _collect_scan(self) -> None:
        result, self._scan_result = self._scan_result, None
        if result is None:
            return
        self._poll.stop()
        if isinstance(result, Exception):
            log.warning("listing serial ports failed: %s", result)
            self.status.setText(self.tr("Cannot list ports: {reason}").format(reason=result))
            return
        self.set_ports(result)

    def wait_for_scan(self, timeout: float = 5.0) -> None:
        """Finish a running scan now (tests, and before the first show)."""
        if self._scan_thread is not None:
            self._scan_thread.join(timeout)
        self._collect_scan()

    def set_ports(self, ports: list[PortInfo]) -> None:
        """Show these ports; keeps what the operator picked or typed."""
        if [p.device for p in ports] == [p.device for p in self._ports] and ports == self._ports:
            return
        typed = self.port_combo.currentText()
        chosen = self.port_combo.currentData()
        old = {p.device for p in self._ports}
        self._ports = list(ports)
        self.port_combo.blockSignals(True)
        try:
            self.port_combo.clear()
            for p in ports:
                self.port_combo.addItem(p.label, p.device)
                self.port_combo.setItemData(
                    self.port_combo.count() - 1, p.hwid, Qt.ItemDataRole.ToolTipRole
                )
            idx = self.port_combo.findData(chosen) if chosen is not None else -1
            if idx >= 0:
                self.port_combo.setCurrentIndex(idx)
            elif typed and chosen is None:
                self.port_combo.setEditText(typed)
            elif ports:
                self.port_combo.setCurrentIndex(0)
        finally:
            self.port_combo.blockSignals(False)
        new = [p.device for p in ports if p.device not in old]
        if old and new:
            self.status.setText(
                self.tr("New port(s): {ports}", "", len(new)).format(ports=", ".join(new))
            )

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.rescan()
        self._timer.start()

    def hideEvent(self, event: QHideEvent) -> None:
        self._timer.stop()
        super().hideEvent(event)

    # --- settings → URL ---------------------------------------------------------------------

    def port(self) -> str:
        """The device (or pyserial URL) chosen or typed."""
        text = self.port_combo.currentText().strip()
        idx = self.port_combo.currentIndex()
        if idx >= 0 and text == self.port_combo.itemText(idx):
            return str(self.port_combo.itemData(idx))
        return text

    @property
    def line_ending(self) -> str:
        return str(self.eol_combo.currentData())

    def config(self) -> SerialConfig:
        """The settings as a :class:`SerialConfig`; ValueError says what is wrong."""
        port = self.port()
        if not port:
            raise ValueError(self.tr("choose or type a port"))
        try:
            baud = int(self.baud_combo.currentText())
        except ValueError:
            raise ValueError(self.tr("baud must be a whole number such as 115200")) from None
        return SerialConfig(
            port=port,
            baud=baud,
            format=LineFormat(self.format_combo.currentData()),
            dtr=self.dtr_box.isChecked(),
            rts=self.rts_box.isChecked(),
            eol=self.line_ending,
        )

    def url(self) -> str:
        """The source URL for the current settings (validated)."""
        url = self.config().to_url()
        parse_serial_url(url)
        return url

    def request_source(self) -> None:
        try:
            url = self.url()
        except ValueError as exc:
            self.status.setText(str(exc))
            return
        self.status.setText(self.tr("Opening {url}").format(url=url))
        self.source_requested.emit(url)

    # --- a running source -------------------------------------------------------------------

    def bind_source(self, source: Source | None) -> None:
        """Show the counters of ``source`` if it is serial (sending stays with the signals:
        connect :attr:`send_line` to ``source.send_line(text, eol=panel.line_ending)``)."""
        self._source = source if isinstance(source, LineDevice) else None
        serial = self._source is not None
        self.send_edit.setEnabled(serial)
        self.send_button.setEnabled(serial)
        if serial:
            self._stats_timer.start()
            self._show_stats()
        else:
            self._stats_timer.stop()

    def set_state(self, state: str, detail: str) -> None:
        """The source's state (connect ``SessionBridge.state`` for ``source``)."""
        name = state_text(state)
        self.status.setText(f"{name}: {detail}" if detail else name)

    def _show_stats(self) -> None:
        src = self._source
        if src is None:
            return
        s = src.stats
        parts = [
            grouped(self.tr("%n row(s)", "", s["rows"]), s["rows"]),
            grouped(self.tr("%n frame(s)", "", s["frames"]), s["frames"]),
            grouped(self.tr("%n bad line(s)", "", s["bad_lines"]), s["bad_lines"]),
            grouped(self.tr("%n bad field(s)", "", s["bad_fields"]), s["bad_fields"]),
        ]
        if s["capped_fields"]:
            n = s["capped_fields"]
            parts.append(
                grouped(self.tr("%n value(s) over the {cap}-channel cap", "", n), n).format(
                    cap=num(src.channel_cap)
                )
            )
        if s["overlong"]:
            n = s["overlong"]
            parts.append(grouped(self.tr("%n over-long line(s) cut", "", n), n))
        if s["reconnects"]:
            n = s["reconnects"]
            parts.append(grouped(self.tr("%n reconnect(s)", "", n), n))
        self.status.setText(
            self.tr("{state}: {counts}").format(
                state=state_text(src.state.value), counts=", ".join(parts)
            )
        )

    def _send(self) -> None:
        text = self.send_edit.text()
        if not text:
            return
        if "\n" in text or "\r" in text:
            self.status.setText(self.tr("send one line at a time"))
            return
        self.send_line.emit(text)
        self.send_edit.clear()

    def _on_control_lines(self) -> None:
        self.control_lines.emit(self.dtr_box.isChecked(), self.rts_box.isChecked())
