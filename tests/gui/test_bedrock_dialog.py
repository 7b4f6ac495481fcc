"""The Bedrock settings dialog returns an analyzer URL, never a secret."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox
from pytestqt.qtbot import QtBot

from intelivision_desktop.io.bedrock import settings_from_url
from intelivision_desktop.ui.bedrock_dialog import BedrockDialog


def ok(dialog: BedrockDialog) -> None:
    button = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert button is not None
    button.click()


def test_agent_settings_make_an_agent_url(qtbot: QtBot) -> None:
    dialog = BedrockDialog(env={})
    qtbot.addWidget(dialog)
    dialog.agent_id.setText("AGENT12345")
    dialog.alias_id.setText("ALIAS12345")
    dialog.region.setCurrentText("eu-west-1")
    dialog.trace.setChecked(True)
    dialog.read_timeout.setValue(12.5)
    dialog.endpoint.setText("http://127.0.0.1:8123")
    ok(dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.url == (
        "embedded://bedrock-agent?agent_id=AGENT12345&alias_id=ALIAS12345&region=eu-west-1"
        "&trace=1&timeout=12.5&endpoint_url=http://127.0.0.1:8123"
    )
    s = settings_from_url(dialog.url, env={})
    assert (s.agent_id, s.region, s.trace, s.read_timeout_s, s.endpoint_url) == (
        "AGENT12345",
        "eu-west-1",
        True,
        12.5,
        "http://127.0.0.1:8123",
    )


def test_a_bad_setting_is_shown_and_the_dialog_stays_open(qtbot: QtBot) -> None:
    dialog = BedrockDialog(env={})
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.agent_id.setText("not-an-id!")
    dialog.alias_id.setText("ALIAS12345")
    ok(dialog)
    assert dialog.url == ""
    assert dialog.isVisible()
    assert dialog.error.isVisible()
    assert "agent_id must be 1 to 10 letters or digits" in dialog.error.text()
    dialog.close()


def test_empty_ids_are_left_to_the_environment(qtbot: QtBot) -> None:
    env = {"BEDROCK_AGENT_ID": "ENVAGENT01", "BEDROCK_AGENT_ALIAS_ID": "ENVALIAS01"}
    dialog = BedrockDialog(env=env)
    qtbot.addWidget(dialog)
    assert dialog.agent_id.placeholderText() == "ENVAGENT01 (from BEDROCK_AGENT_ID)"
    ok(dialog)
    assert dialog.url == "embedded://bedrock-agent"


def test_model_mode_and_prefill_round_trip(qtbot: QtBot) -> None:
    url = (
        "embedded://bedrock-model?model_id=anthropic.claude-3-haiku-20240307-v1:0"
        "&region=us-west-2&profile=ops&max_tokens=32&connect_timeout=2"
    )
    dialog = BedrockDialog(url, env={})
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.kind == "bedrock-model"
    assert not dialog.agent_id.isVisible()
    assert dialog.model_id.isVisible()
    assert dialog.analyzer_url() == url
    dialog.mode.setCurrentIndex(0)
    assert dialog.agent_id.isVisible()
    assert not dialog.model_id.isVisible()
    dialog.close()
