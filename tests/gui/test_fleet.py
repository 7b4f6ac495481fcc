"""The fleet console in the window: File → Watch deployment… against a stand-in deployment with
three simulated devices; the fleet dock lists them, a row makes the plots follow that device,
and the timeline's device filter shows only its rows."""

from __future__ import annotations

from typing import Any

import qasync
from PySide6.QtWidgets import QDialogButtonBox

from intelivision_desktop.app.cli import build_parser
from intelivision_desktop.app.controller import SessionController
from intelivision_desktop.app.gui import demo_sources
from intelivision_desktop.app.wiring import ui_services
from intelivision_desktop.io.observer import ObserverSource
from intelivision_desktop.ui.fleet_panel import WatchDialog, observer_url
from intelivision_desktop.ui.main_window import MainWindow
from tests.gui.conftest import run, wait_until
from tests.integration.fleet_backend import FleetBackend, fleet_scenario


def test_observer_url_from_what_the_operator_types() -> None:
    assert observer_url("wss://abc.execute-api.eu-west-1.amazonaws.com/dev", "t0k") == (
        "observe+wss://abc.execute-api.eu-west-1.amazonaws.com/dev?role=observer&token=t0k"
    )
    assert observer_url("ws://10.0.0.2:3001/observe", "s") == (
        "observe+ws://10.0.0.2:3001/observe?token=s"
    )
    assert observer_url("observe+ws://h/dev?role=observer&token=old", "new") == (
        "observe+ws://h/dev?role=observer&token=new"
    )


def test_fleet_dock_three_devices_follow_and_filter(qloop: qasync.QEventLoop, qtbot: Any) -> None:
    window = MainWindow(demo_sources(), ui_services())
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    ctl = SessionController(window, build_parser().parse_args([]))
    window.confirm_quit = False

    async def scenario() -> None:
        backend = await FleetBackend().start()
        try:
            window.ask_watch_deployment()
            dialog = window.watch_dialog
            assert isinstance(dialog, WatchDialog)
            dialog.address.setText("ftp://nowhere")
            ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
            ok.click()
            assert dialog.error.text()  # refused, said why, still open
            assert dialog.isVisible()
            dialog.address.setText(f"ws://127.0.0.1:{backend.port}/dev")
            dialog.token.setText(backend.token)
            ok.click()
            await wait_until(lambda: ctl.session is not None and bool(backend.observers))
            assert ctl.session is not None
            source = ctl.session.source
            assert isinstance(source, ObserverSource)
            assert ctl.session.analyzer.url == "remote://"  # the deployment describes
            assert backend.token not in source.url
            assert window.watch_address == f"ws://127.0.0.1:{backend.port}/dev"
            assert window.fleet_dock.isVisible()
            await fleet_scenario(backend)
            await wait_until(lambda: len(window.timeline.model.rows) == 3)
            await wait_until(lambda: len(ctl.session.stores) == 3)  # type: ignore[union-attr]
            window._update_status()
            table = window.fleet.table
            assert table.rowCount() == 3
            names = [table.item(r, 0).text() for r in range(3)]
            assert names[0] == "iPhone (Safari)"
            assert names[2] == "InteliVision app 1.2"
            states = [table.item(r, 6).text() for r in range(3)]
            assert states == ["connected", "connected", "gone"]
            assert table.item(1, 4).text() == "100.0 %"  # conn-b's description was a fallback
            assert table.item(1, 5).text() == "Coche acercándose"

            table.selectRow(1)
            assert window.plots.store is ctl.session.stores["conn-b"]  # type: ignore[union-attr]
            assert window._device == "conn-b"
            rows = window.timeline.visible_rows()
            assert [window.timeline.model.run(r).first.device_id for r in rows] == ["conn-b"]

            combo = window.timeline.device_filter
            assert window.timeline.filter_bar.isVisible()
            combo.setCurrentIndex(combo.findData("conn-a"))
            rows = window.timeline.visible_rows()
            assert [window.timeline.model.run(r).first.device_id for r in rows] == ["conn-a"]
            combo.setCurrentIndex(0)  # All devices
            assert len(window.timeline.visible_rows()) == 3
            assert len(window.timeline.model.rows) == 3  # the filter hides, never drops
        finally:
            await ctl.shutdown()
            await backend.stop()

    run(qloop, scenario(), timeout=60)
