"""The fleet console in the window: File → Watch deployment… against a stand-in deployment with
three simulated devices; the fleet dock lists them, a row makes the plots follow that device,
and the timeline's device filter shows only its rows."""

from __future__ import annotations

from typing import Any

import numpy as np
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
from tests.integration.fleet_backend import T0, FleetBackend, fleet_scenario, people

PHONE_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) AppleWebKit Safari/604.1"


def fleet_window(qtbot: Any) -> tuple[MainWindow, SessionController]:
    """The window at 1280×800 with its controller, as the app starts it."""
    window = MainWindow(demo_sources(), ui_services())
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    ctl = SessionController(window, build_parser().parse_args([]))
    window.confirm_quit = False
    return window, ctl


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
    window, ctl = fleet_window(qtbot)

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
            assert "2 connected, 0 silent, 1 gone · 2 observers" in window.fleet.summary.text()
            assert table.item(1, 4).text() == "100.0 %"  # conn-b's description was a fallback
            assert table.item(1, 5).text() == "Coche acercándose"

            # the comparison plot: a curve per device with data, in its row's colour
            curves = window.fleet._curves
            assert set(curves) == {"conn-a", "conn-b", "conn-c"}
            stores = ctl.session.stores  # type: ignore[union-attr]
            for row, dev in enumerate(["conn-a", "conn-b", "conn-c"]):
                x, y = curves[dev].getData()
                np.testing.assert_array_equal(x, stores[dev].times())
                np.testing.assert_array_equal(y, stores[dev].column("people"))
                colour = curves[dev].opts["pen"].color().name()
                swatch = table.item(row, 0).icon().pixmap(10, 10).toImage().pixelColor(5, 5)
                assert swatch.name() == colour
            assert len({c.opts["pen"].color().name() for c in curves.values()}) == 3
            combo = window.fleet.compare_combo
            combo.setCurrentIndex(combo.findData("objects"))
            _, y = curves["conn-b"].getData()
            assert list(y) == list(stores["conn-b"].column("objects"))
            assert max(y) > 0  # conn-b's windows had cars

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


def test_a_device_named_after_its_first_window_is_named_above_the_plots(
    qloop: qasync.QEventLoop, qtbot: Any
) -> None:
    """Windows of a device can reach the observer before what it said of itself (an observer
    that joined mid-stream, a late connect event): the plots first name it by its id, and by
    its name as soon as the stream says it."""
    window, ctl = fleet_window(qtbot)

    async def scenario() -> None:
        backend = await FleetBackend().start()
        try:
            await ctl.start(observer_url(f"ws://127.0.0.1:{backend.port}/dev", backend.token))
            await wait_until(lambda: bool(backend.observers))
            await backend.window("conn-late", T0 + 2000, people(1))
            await wait_until(lambda: window._device == "conn-late")
            window._update_status()
            assert window.plots.device_label == "Device: conn-late"
            await backend.connect("conn-late", PHONE_UA, T0 + 2500)
            await wait_until(lambda: "conn-late" in ctl.session.source.fleet)  # type: ignore[union-attr]
            await wait_until(
                lambda: ctl.session.source.fleet["conn-late"].user_agent == PHONE_UA  # type: ignore[union-attr]
            )
            window._update_status()  # the window's 1 Hz status tick
            assert window.plots.device_label == "Device: iPhone (Safari) · 10.0.0.9"
            assert window.windowTitle().startswith("iPhone (Safari)")
        finally:
            await ctl.shutdown()
            await backend.stop()

    run(qloop, scenario(), timeout=60)
