"""Alerts reach the operator in the window (issue 16): the car-and-dog scene's danger alerts
fill the Alerts dock, which comes forward and counts what waits to be acknowledged."""

from __future__ import annotations

import qasync

from intelivision_desktop.app.cli import build_parser
from intelivision_desktop.app.controller import SessionController
from intelivision_desktop.ui.main_window import MainWindow
from tests.gui.conftest import run, wait_until


def test_danger_alerts_come_forward_and_are_acknowledged(
    qloop: qasync.QEventLoop, window: MainWindow
) -> None:
    ctl = SessionController(window, build_parser().parse_args([]))

    async def scenario() -> None:
        await ctl.start("demo://car_and_dog?speed=10&loop=0")
        await wait_until(lambda: window.alerts.table.rowCount() >= 1, within=30)
        assert window.alerts_dock.isVisible()
        assert "(" in window.alerts_dock.windowTitle()  # "Alerts (N)": N unacknowledged
        assert any(
            a.kind == "danger"
            for a in ctl.session.alerts  # type: ignore[union-attr]
        )
        window.alerts.acknowledge_all()
        assert window.alerts_dock.windowTitle() == "Alerts"
        await ctl.shutdown()

    run(qloop, scenario(), timeout=60)
