"""The alerts panel: newest first, bold until acknowledged, the unacknowledged count signal."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QApplication

from intelivision_desktop.core.model import Alert, AlertKind
from intelivision_desktop.ui.alerts_panel import AlertsPanel

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
