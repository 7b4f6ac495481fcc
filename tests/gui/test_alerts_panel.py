"""The alerts panel: newest first, bold until acknowledged, the unacknowledged count signal;
each alert said in the window's language from its kind, device name and detail."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from intelivision_desktop.app import i18n
from intelivision_desktop.core.alerts import AlertConfig, AlertRules
from intelivision_desktop.core.codec import decode_frame
from intelivision_desktop.core.model import Alert, AlertKind, Description
from intelivision_desktop.ui.alerts_panel import AlertsPanel
from tests.gui.test_i18n import escaped

T0 = 1_767_000_000_000.0


def alert(i: int, kind: AlertKind = AlertKind.DANGER) -> Alert:
    return Alert(kind, f"cam{i}", T0 + i * 1000, f"Alert number {i}", {}, f"{kind}:cam{i}")


def bold(panel: AlertsPanel, row: int) -> bool:
    item = panel.table.item(row, 2)
    assert item is not None
    return item.font().bold()


def test_newest_first_bold_until_acknowledged(qtbot: Any) -> None:
    panel = AlertsPanel()
    qtbot.addWidget(panel)
    counts: list[int] = []
    panel.unacknowledged_changed.connect(counts.append)
    for i in range(3):
        panel.add(alert(i))
    assert counts == [1, 2, 3]
    assert [panel.table.item(r, 2).text() for r in range(3)] == [  # type: ignore[union-attr]
        "Alert number 2",
        "Alert number 1",
        "Alert number 0",
    ]
    assert panel.table.item(0, 1).text() == "cam2"  # type: ignore[union-attr]
    assert all(bold(panel, r) for r in range(3))
    assert "3" in panel.count_label.text()

    panel.table.selectRow(1)
    assert panel.ack_button.isEnabled()
    panel.ack_button.click()
    assert counts[-1] == 2
    assert not bold(panel, 1)
    assert bold(panel, 0)
    assert bold(panel, 2)
    assert not panel.ack_button.isEnabled()  # the selected one is acknowledged already

    panel.ack_all_button.click()
    assert counts[-1] == 0
    assert panel.unacknowledged() == 0
    assert not any(bold(panel, r) for r in range(3))
    assert not panel.ack_all_button.isEnabled()
    n = len(counts)
    panel.acknowledge_all()  # nothing left: no signal
    assert len(counts) == n

    panel.add(alert(9, AlertKind.SILENT))
    assert counts[-1] == 1
    assert bold(panel, 0)
    assert panel.alerts()[0].kind is AlertKind.SILENT


def test_sound_beeps_only_when_enabled(qtbot: Any, monkeypatch: Any) -> None:
    beeps: list[int] = []
    monkeypatch.setattr(QApplication, "beep", staticmethod(lambda: beeps.append(1)))
    panel = AlertsPanel()
    qtbot.addWidget(panel)
    panel.add(alert(1))
    assert beeps == []
    panel.sound = True
    panel.add(alert(2))  # no tray given: a beep and no notification, no error
    assert beeps == [1]


def test_clear_resets_the_count(qtbot: Any) -> None:
    panel = AlertsPanel()
    qtbot.addWidget(panel)
    panel.add(alert(1))
    with qtbot.waitSignal(panel.unacknowledged_changed) as blocker:
        panel.clear()
    assert blocker.args == [0]
    assert panel.table.rowCount() == 0


# --- in the operator's language ----------------------------------------------------------------


def raised() -> dict[AlertKind, Alert]:
    """One alert of each kind, as the core's rules raise them (device "cam-7f3a")."""
    rules = AlertRules(AlertConfig(silent_s=10, latency_s=6, fallback_min=2))
    dev = "cam-7f3a"
    out: list[Alert] = []
    objects = [
        {"tipo": "car", "movimiento": "cruzando", "direccion": "frente", "distancia": "4.0m+"},
        {"tipo": "dog", "movimiento": "se_acerca", "direccion": "izquierda", "distancia": "1.5m"},
    ]
    wire = {"cameraActive": False, "personas": [], "objetos": objects}
    out += rules.on_frame(decode_frame(wire, device_id=dev, arrival_ms=T0))
    out += rules.tick(T0 + 12_000)
    for i in range(2):
        d = Description(dev, "x", T0 + i * 1000, "rules", True, 7_250.0)
        out += rules.on_description(d)
    out += rules.on_problem("analyzer", "throttled", T0, "ThrottlingException (429)")
    by_kind: dict[AlertKind, Alert] = {}
    for a in out:
        by_kind.setdefault(a.kind, a)
    assert set(by_kind) == set(AlertKind)
    assert [a.detail["danger"] for a in out if a.kind is AlertKind.DANGER] == [
        "crossing",
        "approaching",
    ]
    return by_kind


def named(device_id: str) -> str:
    """The operator's name for the device (the window's device names)."""
    return {"cam-7f3a": "Ana"}.get(device_id, device_id)


@pytest.fixture
def spanish(qapp: QApplication) -> Iterator[str]:
    lang = i18n.install_translators(qapp, "es")
    yield lang
    i18n.remove_translators(qapp)


class _Tray:
    """A visible system tray icon that keeps its notifications."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str]] = []

    def isVisible(self) -> bool:
        return True

    def showMessage(self, title: str, text: str, *_: object) -> None:
        self.shown.append((title, text))


def cells(panel: AlertsPanel, col: int = 2) -> list[str]:
    return [panel.table.item(r, col).text() for r in range(panel.table.rowCount())]  # type: ignore[union-attr]


def test_danger_and_silent_alerts_in_spanish(
    spanish: str, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Spanish window says a danger and a silent alert in Spanish, in the list, its
    tooltip and the tray notification, the device by its name; the core's English
    ``message`` is untouched (recordings and headless output keep it)."""
    assert spanish == "es"
    monkeypatch.setattr(QApplication, "beep", staticmethod(lambda: None))
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))
    tray = _Tray()
    panel = AlertsPanel(sound=True, tray=tray)  # type: ignore[arg-type]
    qtbot.addWidget(panel)
    panel.names = named
    alerts = raised()
    danger, silent = alerts[AlertKind.DANGER], alerts[AlertKind.SILENT]
    panel.add(danger)
    panel.add(silent)
    assert cells(panel) == [
        "Ana no envía nada desde hace 12 s (límite 10 s)",
        "Peligro cerca de Ana: coche cruzando al frente (4.0m+)",
    ]
    assert cells(panel, 1) == ["Ana", "Ana"]
    assert panel.table.item(0, 2).toolTip().startswith("Ana no envía nada")  # type: ignore[union-attr]
    assert tray.shown == [
        ("Alerta de InteliVision", "Peligro cerca de Ana: coche cruzando al frente (4.0m+)"),
        ("Alerta de InteliVision", "Ana no envía nada desde hace 12 s (límite 10 s)"),
    ]
    approaching = Alert(
        AlertKind.DANGER,
        "cam-7f3a",
        T0,
        "Danger near cam-7f3a: perro approaching at 1.5m",
        {"danger": "approaching", "object": "perro", "distance": "1.5m"},
        "danger:cam-7f3a:perro",
    )
    assert panel.text(approaching) == "Peligro cerca de Ana: perro a 1.5m y acercándose"
    assert danger.message == "Danger near cam-7f3a: coche crossing in front (4.0m+)"
    assert silent.message == "cam-7f3a has sent nothing for 12 s"


def test_every_kind_of_alert_is_spanish_in_the_spanish_window(spanish: str, qtbot: Any) -> None:
    panel = AlertsPanel()
    qtbot.addWidget(panel)
    panel.names = named
    for a in raised().values():
        panel.add(a)
    shown = cells(panel)
    assert escaped(panel) == [], shown
    assert "La cámara de Ana está apagada" in shown
    assert "Las descripciones de Ana tardan 7.3 s (límite 6 s)" in shown
    assert (
        "100 % de las descripciones de Ana vinieron de las reglas de respaldo (2 de 2 en 5 min)"
        in shown
    )
    assert "Errores del servicio de IA (throttled): ThrottlingException (429)" in shown


def test_english_text_from_the_detail_and_the_message_when_it_lacks_it(qtbot: Any) -> None:
    panel = AlertsPanel()
    qtbot.addWidget(panel)
    panel.names = named
    alerts = raised()
    assert panel.text(alerts[AlertKind.SILENT]) == "Ana has sent nothing for 12 s (limit 10 s)"
    assert (
        panel.text(alerts[AlertKind.DANGER]) == "Danger near Ana: coche crossing in front (4.0m+)"
    )
    old = Alert(AlertKind.SILENT, "cam-7f3a", T0, "cam-7f3a has sent nothing for 12 s", {})
    assert panel.text(old) == "Ana has sent nothing for 12 s"  # the message, named
    odd = Alert(AlertKind.DANGER, "cam-7f3a", T0, "Danger near cam-7f3a", {"danger": "meteor"})
    assert panel.text(odd) == "Danger near Ana"
