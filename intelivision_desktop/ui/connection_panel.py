"""The backend connection panel: where to send frames, how to authenticate, and how it goes."""

from __future__ import annotations

import html
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
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

from intelivision_desktop.core.ports import Analyzer, AnalyzerTotals, LinkReport
from intelivision_desktop.ui.l10n import clock, dec, num, state_text, translate
from intelivision_desktop.ui.status_text import detail_text

PROTOCOLS = (
    (QT_TRANSLATE_NOOP("ConnectionPanel", "Auto (http → Socket.IO, ws → API Gateway)"), "auto"),
    (QT_TRANSLATE_NOOP("ConnectionPanel", "Socket.IO (Node backend)"), "socketio"),
    (QT_TRANSLATE_NOOP("ConnectionPanel", "API Gateway WebSocket"), "apigw"),
)
TOTAL_NAMES = {
    # an embedded Bedrock analyzer's totals() keys
    "calls": QT_TRANSLATE_NOOP("ConnectionPanel", "calls"),
    "tokens_in": QT_TRANSLATE_NOOP("ConnectionPanel", "tokens in"),
    "tokens_out": QT_TRANSLATE_NOOP("ConnectionPanel", "tokens out"),
    "failures": QT_TRANSLATE_NOOP("ConnectionPanel", "failures"),
    "fallbacks": QT_TRANSLATE_NOOP("ConnectionPanel", "fallbacks"),
    "stale": QT_TRANSLATE_NOOP("ConnectionPanel", "stale"),
    "not_relevant": QT_TRANSLATE_NOOP("ConnectionPanel", "not relevant"),
    "last_latency_ms": QT_TRANSLATE_NOOP("ConnectionPanel", "last latency ms"),
}
STATE_STYLE = {
    "live": "color:#2e7d32",
    "connecting": "color:#b28704",
    "retrying": "color:#ef6c00",
    "failed": "color:#c62828",
}


def _tr(text: str) -> str:
    return translate("ConnectionPanel", text)


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    if h:
        return translate("ConnectionPanel", "{h} h {m} min").format(h=h, m=f"{m:02d}")
    if m:
        return translate("ConnectionPanel", "{m} min {s} s").format(m=m, s=f"{s:02d}")
    return translate("ConnectionPanel", "{s} s").format(s=s)


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
            self.tr("http://localhost:3001  or  wss://ID.execute-api.REGION.amazonaws.com/dev")
        )
        self.protocol = QComboBox(self)
        for label, value in PROTOCOLS:
            self.protocol.addItem(self.tr(label), value)
        self.token = QLineEdit(self)
        self.token.setObjectName("backendToken")
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText(self.tr("optional"))
        self.token_in = QComboBox(self)
        self.token_in.addItem(self.tr("as ?token= query"), "query")
        self.token_in.addItem(self.tr("as Bearer header"), "header")
        self.verify = QCheckBox(self.tr("Verify the server's TLS certificate"), self)
        self.verify.setObjectName("verifyTls")
        self.verify.setChecked(True)
        self.tls_warning = QLabel(
            self.tr(
                "⚠ TLS verification is off: anyone on the network path can read and alter "
                "this link."
            ),
            self,
        )
        self.tls_warning.setObjectName("tlsWarning")
        self.tls_warning.setWordWrap(True)
        self.tls_warning.setStyleSheet("color:#c62828")
        self.tls_warning.setVisible(False)
        self.verify.toggled.connect(lambda on: self.tls_warning.setVisible(not on))
        self.ca_file = QLineEdit(self)
        self.ca_file.setPlaceholderText(self.tr("optional PEM file for a private CA"))
        browse = QPushButton("…", self)
        browse.setToolTip(self.tr("Choose a CA certificate file"))
        browse.setFixedWidth(28)
        browse.clicked.connect(self._browse_ca)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_file)
        ca_row.addWidget(browse)
        self.failover = QCheckBox(
            self.tr("Describe with the embedded rules while the backend is away"), self
        )
        self.failover.setChecked(True)
        self.connect_button = QPushButton(self.tr("Connect"), self)
        self.connect_button.setObjectName("connectButton")
        self.connect_button.clicked.connect(self._on_connect)
        self.disconnect_button = QPushButton(self.tr("Use embedded rules"), self)
        self.disconnect_button.setObjectName("disconnectButton")
        self.disconnect_button.clicked.connect(self.disconnect_requested)
        self.bedrock_button = QPushButton(self.tr("Embedded Bedrock…"), self)
        self.bedrock_button.setObjectName("bedrockButton")
        self.bedrock_button.setToolTip(
            self.tr(
                "Describe with Amazon Bedrock from this computer (agent or model), with the "
                "rules as fallback; credentials come from the standard AWS chain"
            )
        )
        self.bedrock_button.clicked.connect(self._on_bedrock)
        buttons = QHBoxLayout()
        buttons.addWidget(self.connect_button)
        buttons.addWidget(self.bedrock_button)
        buttons.addWidget(self.disconnect_button)
        self.error = QLabel("", self)
        self.error.setStyleSheet("color:#c62828")
        self.error.setWordWrap(True)

        self.state = QLabel(self.tr("analyzer: embedded rules"), self)
        self.state.setObjectName("linkState")
        self.state.setWordWrap(True)
        self.bedrock_url: str | None = None
        """The last Bedrock analyzer URL (the dialog opens on it)."""
        self.numbers = QLabel("", self)
        self.numbers.setObjectName("linkNumbers")
        self.numbers.setWordWrap(True)

        token_row = QHBoxLayout()
        token_row.addWidget(self.token, 1)
        token_row.addWidget(self.token_in)
        form = QFormLayout()
        form.addRow(self.tr("Backend URL"), self.url)
        form.addRow(self.tr("Protocol"), self.protocol)
        form.addRow(self.tr("Token"), token_row)
        form.addRow("", self.verify)
        form.addRow("", self.tls_warning)
        form.addRow(self.tr("CA file"), ca_row)
        form.addRow("", self.failover)
        lay = QVBoxLayout(self)
        # what the link is doing first: a short dock shows it without scrolling to it
        lay.addWidget(self.state)
        lay.addWidget(self.numbers)
        lay.addWidget(self.error)
        lay.addLayout(form)
        lay.addLayout(buttons)
        lay.addStretch(1)

    def _browse_ca(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("CA certificate"), "", self.tr("PEM (*.pem *.crt);;All files (*)")
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
            self.error.setText(self.tr("Enter the backend's URL."))
            return
        if "://" not in url:
            url = "http://" + url
            self.url.setText(url)
        ca = self.ca_file.text().strip()
        if ca and not Path(ca).is_file():
            self.error.setText(self.tr("CA file not found: {path}").format(path=ca))
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
        name = html.escape(state_text(state))
        detail = detail_text(detail)
        self.state.setText(f"<b>{name}</b> — {html.escape(detail)}" if detail else f"<b>{name}</b>")
        self.state.setStyleSheet(STATE_STYLE.get(state, ""))

    def update_numbers(self, analyzer: Analyzer | None) -> None:
        """Refresh the link's numbers (called about once a second)."""
        if isinstance(analyzer, AnalyzerTotals):
            t = analyzer.totals()
            lines = []
            for k, v in t.items():
                if v in (None, ""):
                    continue
                name = _tr(TOTAL_NAMES[k]) if k in TOTAL_NAMES else k.replace("_", " ")
                value = dec(v) if isinstance(v, float) else num(v) if isinstance(v, int) else v
                lines.append(self.tr("{name}: {value}").format(name=name, value=value))
            self.numbers.setText("\n".join(lines))
            return
        if not isinstance(analyzer, LinkReport):
            self.numbers.setText(self.tr("Offline rules: no backend in use."))
            return
        st = analyzer.stats
        parts = [
            self.tr("sent {sent} · received {received} · descriptions {descriptions}").format(
                sent=num(st.sent), received=num(st.received), descriptions=num(st.descriptions)
            ),
            self.tr("connections {n}").format(n=num(st.connects)),
        ]
        if st.held or st.failover_frames:
            parts.append(
                self.tr(
                    "held while connecting {held} · described by the failover rules {failover}"
                ).format(held=num(st.held), failover=num(st.failover_frames))
            )
        if st.silent:
            parts.insert(0, f"⚠ {st.silent}")
        if st.rtt_ms is not None:
            parts.append(self.tr("round trip {ms} ms").format(ms=dec(st.rtt_ms, 0)))
        h = st.health
        if h:
            up = h.get("uptime")
            clients = h.get("clients", "?")
            status = h.get("status", "?")
            if isinstance(up, int | float):
                parts.append(
                    self.tr("server {status}, {clients} clients, up {uptime}").format(
                        status=status, clients=clients, uptime=_duration(float(up))
                    )
                )
            else:
                parts.append(
                    self.tr("server {status}, {clients} clients").format(
                        status=status, clients=clients
                    )
                )
        if st.counts:
            problems = ", ".join(f"{k} {num(v)}" for k, v in sorted(st.counts.items()))
            parts.append(self.tr("problems: {list}").format(list=problems))
        if st.last_error:
            parts.append(self.tr("last error: {error}").format(error=st.last_error))
        parts.append(self.tr("updated {time}").format(time=clock(time.time())))
        self.numbers.setText("\n".join(parts))
