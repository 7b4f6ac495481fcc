"""The backend connection panel: where to send frames, how to authenticate, and how it goes."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from intelivision_desktop.io.links import BackendLink

PROTOCOLS = (
    ("Auto (http → Socket.IO, ws → API Gateway)", "auto"),
    ("Socket.IO (Node backend)", "socketio"),
    ("API Gateway WebSocket", "apigw"),
)
STATE_STYLE = {
    "live": "color:#2e7d32",
    "connecting": "color:#b28704",
    "retrying": "color:#ef6c00",
    "failed": "color:#c62828",
}


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h} h {m:02d} min" if h else (f"{m} min {s:02d} s" if m else f"{s} s")


class ConnectionPanel(QWidget):
    """Emits what the operator asks for; shows the link's state and numbers."""

    connect_requested = Signal(str, dict)
    """Analyzer URL and LinkOptions fields (the token is passed, never stored)."""
    disconnect_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("connectionPanel")
        self.url = QLineEdit(self)
        self.url.setObjectName("backendUrl")
        self.url.setPlaceholderText(
            "http://localhost:3001  or  wss://ID.execute-api.REGION.amazonaws.com/dev"
        )
        self.protocol = QComboBox(self)
        for label, value in PROTOCOLS:
            self.protocol.addItem(label, value)
        self.token = QLineEdit(self)
        self.token.setObjectName("backendToken")
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText("optional")
        self.token_in = QComboBox(self)
        self.token_in.addItem("as ?token= query", "query")
        self.token_in.addItem("as Bearer header", "header")
        self.verify = QCheckBox("Verify the server's TLS certificate", self)
        self.verify.setObjectName("verifyTls")
        self.verify.setChecked(True)
        self.tls_warning = QLabel(
            "⚠ TLS verification is off: anyone on the network path can read and alter this link.",
            self,
        )
        self.tls_warning.setObjectName("tlsWarning")
        self.tls_warning.setWordWrap(True)
        self.tls_warning.setStyleSheet("color:#c62828")
        self.tls_warning.setVisible(False)
        self.verify.toggled.connect(lambda on: self.tls_warning.setVisible(not on))
        self.ca_file = QLineEdit(self)
        self.ca_file.setPlaceholderText("optional PEM file for a private CA")
        browse = QPushButton("…", self)
        browse.setFixedWidth(28)
        browse.clicked.connect(self._browse_ca)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_file)
        ca_row.addWidget(browse)
        self.failover = QCheckBox(
            "Describe with the embedded rules while the backend is away", self
        )
        self.failover.setChecked(True)
        self.connect_button = QPushButton("Connect", self)
        self.connect_button.setObjectName("connectButton")
        self.connect_button.clicked.connect(self._on_connect)
        self.disconnect_button = QPushButton("Use embedded rules", self)
        self.disconnect_button.setObjectName("disconnectButton")
        self.disconnect_button.clicked.connect(self.disconnect_requested)
        self.bedrock_button = QPushButton("Embedded Bedrock…", self)
        self.bedrock_button.setObjectName("bedrockButton")
        self.bedrock_button.setToolTip(
            "Describe with Amazon Bedrock from this computer (agent or model), with the rules "
            "as fallback; credentials come from the standard AWS chain"
        )
        self.bedrock_button.clicked.connect(self._on_bedrock)
        buttons = QHBoxLayout()
        buttons.addWidget(self.connect_button)
        buttons.addWidget(self.bedrock_button)
        buttons.addWidget(self.disconnect_button)
        self.error = QLabel("", self)
        self.error.setStyleSheet("color:#c62828")
        self.error.setWordWrap(True)

        self.state = QLabel("analyzer: embedded rules", self)
        self.state.setObjectName("linkState")
        self.state.setWordWrap(True)
        self.bedrock_url: str | None = None
        """The last Bedrock analyzer URL (the dialog opens on it)."""
        self.numbers = QLabel("", self)
        self.numbers.setObjectName("linkNumbers")
        self.numbers.setWordWrap(True)

        form = QFormLayout()
        form.addRow("Backend URL", self.url)
        form.addRow("Protocol", self.protocol)
        form.addRow("Token", self.token)
        form.addRow("", self.token_in)
        form.addRow("", self.verify)
        form.addRow("", self.tls_warning)
        form.addRow("CA file", ca_row)
        form.addRow("", self.failover)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addLayout(buttons)
        lay.addWidget(self.error)
        lay.addWidget(self.state)
        lay.addWidget(self.numbers)
        lay.addStretch(1)

    def _browse_ca(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "CA certificate", "", "PEM (*.pem *.crt);;All (*)"
        )
        if path:
            self.ca_file.setText(path)

    def options(self) -> dict[str, Any]:
        """LinkOptions fields from the form."""
        ca = self.ca_file.text().strip()
        return {
            "protocol": self.protocol.currentData(),
            "token": self.token.text() or None,
            "token_in": self.token_in.currentData(),
            "verify_tls": self.verify.isChecked(),
            "ca_file": Path(ca) if ca else None,
            "failover": self.failover.isChecked(),
        }

    def _on_connect(self) -> None:
        url = self.url.text().strip()
        if not url:
            self.error.setText("Enter the backend's URL.")
            return
        if "://" not in url:
            url = "http://" + url
            self.url.setText(url)
        ca = self.ca_file.text().strip()
        if ca and not Path(ca).is_file():
            self.error.setText(f"CA file not found: {ca}")
            return
        self.error.setText("")
        self.connect_requested.emit(url, self.options())

    def _on_bedrock(self) -> None:
        from intelivision_desktop.ui.bedrock_dialog import BedrockDialog

        url = BedrockDialog.ask(self, self.bedrock_url)
        if url:
            self.bedrock_url = url
            self.error.setText("")
            self.connect_requested.emit(url, {})

    def show_error(self, message: str) -> None:
        self.error.setText(message)

    def show_state(self, state: str, detail: str) -> None:
        self.state.setText(f"<b>{state}</b> — {detail}" if detail else f"<b>{state}</b>")
        self.state.setStyleSheet(STATE_STYLE.get(state, ""))

    def update_numbers(self, analyzer: object) -> None:
        """Refresh the link's numbers (called about once a second)."""
        totals = getattr(analyzer, "totals", None)
        if callable(totals):
            t = totals()
            self.numbers.setText(
                "\n".join(
                    f"{k.replace('_', ' ')}: {v:.1f}"
                    if isinstance(v, float)
                    else f"{k.replace('_', ' ')}: {v}"
                    for k, v in t.items()
                    if v not in (None, "")
                )
            )
            return
        if not isinstance(analyzer, BackendLink):
            self.numbers.setText("Offline rules (PROTOCOL §4): no backend in use.")
            return
        st = analyzer.stats
        parts = [
            f"sent {st.sent} · received {st.received} · descriptions {st.descriptions}",
            f"connections {st.connects}",
        ]
        if st.held or st.failover_frames:
            parts.append(
                f"held while connecting {st.held} · described by the failover rules "
                f"{st.failover_frames}"
            )
        if st.silent:
            parts.insert(0, f"⚠ {st.silent}")
        if st.rtt_ms is not None:
            parts.append(f"round trip {st.rtt_ms:.0f} ms")
        h = st.health
        if h:
            up = h.get("uptime")
            parts.append(
                f"server {h.get('status', '?')}, {h.get('clients', '?')} clients"
                + (f", up {_duration(float(up))}" if isinstance(up, int | float) else "")
            )
        if st.counts:
            parts.append("problems: " + ", ".join(f"{k} {v}" for k, v in sorted(st.counts.items())))
        if st.last_error:
            parts.append(f"last error: {st.last_error}")
        parts.append(f"updated {time.strftime('%H:%M:%S')}")
        self.numbers.setText("\n".join(parts))
