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

from PySide6.QtCore import Qt, QTimer, Signal
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
from intelivision_desktop.io.serial_source import (
    DEFAULT_BAUD,
    PortInfo,
    SerialConfig,
    SerialSource,
    list_ports,
    parse_serial_url,
)

log = logging.getLogger(__name__)

BAUD_RATES = (9600, 19200, 38400, 57600, 115200, 230400, 250000, 460800, 500000, 921600,
              1000000, 2000000)  # fmt: skip
LINE_ENDINGS = (("LF (\\n)", "lf"), ("CRLF (\\r\\n)", "crlf"), ("CR (\\r)", "cr"), ("None", "none"))
FORMATS = (
    ("Auto", LineFormat.AUTO),
    ("Arduino plotter", LineFormat.ARDUINO),
    ("CSV with header", LineFormat.CSV),
    ("JSON", LineFormat.JSON),
)
RESCAN_MS = 1000


class SerialPanel(QWidget):
    """Port picker, settings and a send box for serial sensor devices."""

    source_requested = Signal(str)
    """A ``serial://`` (or ``socket://``, ``rfc2217://``, ``loop://``) URL to open."""
    send_line = Signal(str)
    """A line the operator typed, without line ending (send it with :attr:`line_ending`)."""
    control_lines = Signal(bool, bool)
    """DTR and RTS were toggled (for ``SerialSource.set_control_lines``)."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        scan: Callable[[], list[PortInfo]] = list_ports,
        rescan_ms: int = RESCAN_MS,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("serialPanel")
        self._scan = scan
        self._ports: list[PortInfo] = []
        self._scan_thread: threading.Thread | None = None
        self._scan_result: list[PortInfo] | Exception | None = None
        self._source: SerialSource | None = None

        self.port_combo = QComboBox(self)
        self.port_combo.setObjectName("portCombo")
        self.port_combo.setEditable(True)
        self.port_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        edit = self.port_combo.lineEdit()
        if edit is not None:
            edit.setPlaceholderText("/dev/ttyACM0, COM3 or socket://host:port")
        self.port_combo.setToolTip("Ports found now (description and USB VID:PID); or type one")
        self.refresh_button = QPushButton("⟳", self)
        self.refresh_button.setToolTip("Scan for ports now")
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
            self.format_combo.addItem(label, fmt.value)
        self.eol_combo = QComboBox(self)
        self.eol_combo.setObjectName("eolCombo")
        for label, key in LINE_ENDINGS:
            self.eol_combo.addItem(label, key)
        self.dtr_box = QCheckBox("DTR", self)
        self.rts_box = QCheckBox("RTS", self)
        for box in (self.dtr_box, self.rts_box):
            box.setToolTip(
                "Assert on opening. Many boards reset when DTR goes high; leave it off to "
                "connect without a reset."
            )
            box.toggled.connect(self._on_control_lines)
        lines_row = QHBoxLayout()
        lines_row.addWidget(self.dtr_box)
        lines_row.addWidget(self.rts_box)
        lines_row.addStretch(1)

        self.connect_button = QPushButton("Connect", self)
        self.connect_button.setObjectName("connectButton")
        self.connect_button.clicked.connect(self.request_source)

        self.send_edit = QLineEdit(self)
        self.send_edit.setObjectName("sendEdit")
        self.send_edit.setPlaceholderText("a line to send to the device")
        self.send_edit.returnPressed.connect(self._send)
        self.send_button = QPushButton("Send", self)
        self.send_button.clicked.connect(self._send)
        send_row = QHBoxLayout()
        send_row.addWidget(self.send_edit, 1)
        send_row.addWidget(self.send_button)

        self.status = QLabel("", self)
        self.status.setObjectName("serialStatus")
        self.status.setWordWrap(True)
        self.limits = QLabel(
            f"Limits: {MAX_CHANNELS} channels per device, lines up to "
            f"{MAX_LINE_BYTES // 1024} KB (longer ones are cut and counted).",
            self,
        )
        self.limits.setWordWrap(True)
        self.limits.setStyleSheet("color: gray")

        form = QFormLayout()
        form.addRow("Port", port_row)
        form.addRow("Baud", self.baud_combo)
        form.addRow("Format", self.format_combo)
        form.addRow("Line end", self.eol_combo)
        form.addRow("Lines", lines_row)
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
        self._scan_thread = threading.Thread(target=self._scan_worker, name="serial-port-scan",
                                             daemon=True)
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
            self.status.setText(f"Cannot list ports: {result}")
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
            self.status.setText(f"New port: {', '.join(new)}")

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
            raise ValueError("choose or type a port")
        try:
            baud = int(self.baud_combo.currentText())
        except ValueError:
            raise ValueError("baud must be a whole number such as 115200") from None
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
        self.status.setText(f"Opening {url}")
        self.source_requested.emit(url)

    # --- a running source -------------------------------------------------------------------

    def bind_source(self, source: object | None) -> None:
        """Show the counters of ``source`` if it is serial (sending stays with the signals:
        connect :attr:`send_line` to ``source.send_line(text, eol=panel.line_ending)``)."""
        self._source = source if isinstance(source, SerialSource) else None
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
        self.status.setText(f"{state}: {detail}" if detail else state)

    def _show_stats(self) -> None:
        src = self._source
        if src is None:
            return
        s = src.stats
        text = (
            f"{src.state.value}: {s['rows']:,} rows, {s['frames']:,} frames, "
            f"{s['bad_lines']:,} bad lines, {s['bad_fields']:,} bad fields"
        )
        if s["capped_fields"]:
            text += f", {s['capped_fields']:,} values over the {src.channel_cap}-channel cap"
        if s["overlong"]:
            text += f", {s['overlong']:,} over-long lines cut"
        if s["reconnects"]:
            text += f", {s['reconnects']} reconnects"
        self.status.setText(text)

    def _send(self) -> None:
        text = self.send_edit.text()
        if not text:
            return
        if "\n" in text or "\r" in text:
            self.status.setText("send one line at a time")
            return
        self.send_line.emit(text)
        self.send_edit.clear()

    def _on_control_lines(self) -> None:
        self.control_lines.emit(self.dtr_box.isChecked(), self.rts_box.isChecked())

