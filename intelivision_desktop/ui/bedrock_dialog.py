"""A dialog for the embedded Bedrock analyzer's settings; it returns an analyzer URL.

Only settings: region, profile, agent and alias ids or model id, trace, timeouts, endpoint.
Credentials come from the standard AWS chain and have no field here. An empty field leaves
the value to the environment the backend uses (``BEDROCK_AGENT_ID``, ``AWS_REGION`` …),
shown as the field's placeholder.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from urllib.parse import parse_qs, urlencode, urlsplit

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from intelivision_desktop.core.bedrock_settings import (
    DEFAULT_CONNECT_TIMEOUT_S,
    DEFAULT_MAX_TOKENS,
    DEFAULT_MODEL_ID,
    DEFAULT_READ_TIMEOUT_S,
    DEFAULT_REGION,
    settings_from_url,
)

MODES = (
    (QT_TRANSLATE_NOOP("BedrockDialog", "Agent (InvokeAgent)"), "bedrock-agent"),
    (QT_TRANSLATE_NOOP("BedrockDialog", "Model (ConverseStream)"), "bedrock-model"),
)
REGIONS = (
    "us-east-1",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-northeast-1",
    "ap-southeast-2",
)


class BedrockDialog(QDialog):
    """Edit an ``embedded://bedrock-agent`` / ``embedded://bedrock-model`` URL."""

    def __init__(
        self,
        url: str | None = None,
        parent: QWidget | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Amazon Bedrock")
        self.setObjectName("BedrockDialog")
        self._env = os.environ if env is None else env
        self._url = ""

        self.mode = QComboBox(self)
        for label, value in MODES:
            self.mode.addItem(self.tr(label), value)
        self.region = QComboBox(self)
        self.region.setEditable(True)
        self.region.addItem("")
        self.region.addItems(REGIONS)
        line = self.region.lineEdit()
        if line is not None:
            line.setPlaceholderText(self._from_env("AWS_REGION", DEFAULT_REGION))
        self.profile = QLineEdit(self)
        self.profile.setPlaceholderText(
            self._from_env("AWS_PROFILE", self.tr("default credential chain"))
        )
        self.agent_id = QLineEdit(self)
        self.agent_id.setPlaceholderText(
            self._from_env("BEDROCK_AGENT_ID", self.tr("10 letters or digits"))
        )
        self.alias_id = QLineEdit(self)
        self.alias_id.setPlaceholderText(
            self._from_env("BEDROCK_AGENT_ALIAS_ID", self.tr("10 letters or digits"))
        )
        self.trace = QCheckBox(self.tr("Show the agent's trace in the description details"), self)
        self.model_id = QLineEdit(self)
        self.model_id.setPlaceholderText(self._from_env("BEDROCK_MODEL_ID", DEFAULT_MODEL_ID))
        self.max_tokens = QSpinBox(self)
        self.max_tokens.setRange(1, 4096)
        self.max_tokens.setValue(DEFAULT_MAX_TOKENS)
        self.read_timeout = QDoubleSpinBox(self)
        self.read_timeout.setRange(0.5, 600.0)
        self.read_timeout.setSuffix(self.tr(" s", "seconds"))
        self.read_timeout.setValue(DEFAULT_READ_TIMEOUT_S)
        self.connect_timeout = QDoubleSpinBox(self)
        self.connect_timeout.setRange(0.5, 120.0)
        self.connect_timeout.setSuffix(self.tr(" s", "seconds"))
        self.connect_timeout.setValue(DEFAULT_CONNECT_TIMEOUT_S)
        self.endpoint = QLineEdit(self)
        self.endpoint.setPlaceholderText(
            self.tr("the region's endpoint (or http://127.0.0.1:PORT)")
        )

        self.form = QFormLayout()
        self.form.addRow(self.tr("Call"), self.mode)
        self.form.addRow(self.tr("Region"), self.region)
        self.form.addRow(self.tr("Profile"), self.profile)
        self.form.addRow(self.tr("Agent id"), self.agent_id)
        self.form.addRow(self.tr("Alias id"), self.alias_id)
        self.form.addRow("", self.trace)
        self.form.addRow(self.tr("Model id"), self.model_id)
        self.form.addRow(self.tr("Max tokens"), self.max_tokens)
        self.form.addRow(self.tr("Read timeout"), self.read_timeout)
        self.form.addRow(self.tr("Connect timeout"), self.connect_timeout)
        self.form.addRow(self.tr("Endpoint URL"), self.endpoint)

        note = QLabel(
            self.tr(
                "Credentials come from the standard AWS chain (aws configure, aws sso login, "
                "environment); they are never stored by this app."
            ),
            self,
        )
        note.setWordWrap(True)
        self.error = QLabel(self)
        self.error.setObjectName("bedrockDialogError")
        self.error.setStyleSheet("color:#c62828")
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self._try_accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self.mode.currentIndexChanged.connect(self._mode_changed)
        if url:
            self.set_url(url)
        self._mode_changed()

    def _from_env(self, key: str, default: str) -> str:
        value = self._env.get(key, "").strip()
        return (
            self.tr("{value} (from {variable})").format(value=value, variable=key)
            if value
            else default
        )

    @property
    def kind(self) -> str:
        return str(self.mode.currentData())

    def _mode_changed(self) -> None:
        agent = self.kind == "bedrock-agent"
        rows: list[tuple[QWidget, bool]] = [
            (self.agent_id, agent),
            (self.alias_id, agent),
            (self.trace, agent),
            (self.model_id, not agent),
            (self.max_tokens, not agent),
        ]
        for widget, visible in rows:
            self.form.setRowVisible(widget, visible)

    def set_url(self, url: str) -> None:
        """Fill the fields from an analyzer URL (unknown options are ignored)."""
        parts = urlsplit(url.strip())
        kind = (parts.netloc + parts.path).strip("/")
        index = self.mode.findData(kind)
        if index >= 0:
            self.mode.setCurrentIndex(index)
        q = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        self.region.setCurrentText(q.get("region", ""))
        self.profile.setText(q.get("profile", ""))
        self.agent_id.setText(q.get("agent_id", ""))
        self.alias_id.setText(q.get("alias_id", ""))
        self.trace.setChecked(q.get("trace", "0") in ("1", "true", "yes", "on"))
        self.model_id.setText(q.get("model_id", ""))
        self.endpoint.setText(q.get("endpoint_url", ""))
        for key, box in (("timeout", self.read_timeout), ("connect_timeout", self.connect_timeout)):
            with contextlib.suppress(KeyError, ValueError):
                box.setValue(float(q[key]))
        with contextlib.suppress(KeyError, ValueError):
            self.max_tokens.setValue(int(q["max_tokens"]))

    def analyzer_url(self) -> str:
        """The URL for the fields; raises ValueError (one line) if it cannot work."""
        q: dict[str, str] = {}

        def put(key: str, value: str) -> None:
            if value.strip():
                q[key] = value.strip()

        agent = self.kind == "bedrock-agent"
        if agent:
            put("agent_id", self.agent_id.text())
            put("alias_id", self.alias_id.text())
        else:
            put("model_id", self.model_id.text())
        put("region", self.region.currentText())
        put("profile", self.profile.text())
        if agent and self.trace.isChecked():
            q["trace"] = "1"
        if not agent and self.max_tokens.value() != DEFAULT_MAX_TOKENS:
            q["max_tokens"] = str(self.max_tokens.value())
        if self.read_timeout.value() != DEFAULT_READ_TIMEOUT_S:
            q["timeout"] = f"{self.read_timeout.value():g}"
        if self.connect_timeout.value() != DEFAULT_CONNECT_TIMEOUT_S:
            q["connect_timeout"] = f"{self.connect_timeout.value():g}"
        put("endpoint_url", self.endpoint.text())
        url = f"embedded://{self.kind}" + (f"?{urlencode(q, safe=':/')}" if q else "")
        settings_from_url(url, env=self._env)  # raises ValueError with the reason
        return url

    def _try_accept(self) -> None:
        try:
            self._url = self.analyzer_url()
        except ValueError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.error.hide()
        self.accept()

    @property
    def url(self) -> str:
        """The accepted URL ("" until OK was pressed with valid settings)."""
        return self._url

    @classmethod
    def ask(cls, parent: QWidget | None = None, url: str | None = None) -> str | None:
        """Show the dialog modally; the analyzer URL, or None if cancelled."""
        dialog = cls(url, parent)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.url
        return None
