"""Local backend mode in the GUI: two devices stream, the list shows both, plots follow one."""

from __future__ import annotations

import asyncio

import qasync
import socketio
from PySide6.QtCore import Qt

from intelivision_desktop.app.cli import build_parser
from intelivision_desktop.app.controller import SessionController
from intelivision_desktop.app.gui import demo_sources
from intelivision_desktop.app.wiring import ui_services
from intelivision_desktop.core.scenes import generate_scene
from intelivision_desktop.io.server import DeviceServer
from intelivision_desktop.ui.main_window import MainWindow
from tests.gui.conftest import run, wait_until


async def device(url: str, scene: str, seconds: float, got: list[str]) -> None:
    client = socketio.AsyncClient(reconnection=False)
    client.on("ai-description", lambda data: got.append(data["description"]))
    await client.connect(url, transports=["websocket"])
    for frame in generate_scene(scene, seed=1, duration_s=seconds):
        await client.emit("sensor-data", frame)
        await asyncio.sleep(0.04)
    await asyncio.sleep(0.3)
    await client.disconnect()


def test_two_devices_listed_and_plots_follow_one(qloop: qasync.QEventLoop, qtbot: object) -> None:
    window = MainWindow(demo_sources(), ui_services())
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.show()
    ctl = SessionController(window, build_parser().parse_args([]))
    got_a: list[str] = []
    got_b: list[str] = []

    async def scenario() -> None:
        await ctl.start("serve://127.0.0.1:0")
        assert ctl.session is not None
        server = ctl.session.source
        assert isinstance(server, DeviceServer)
        await wait_until(lambda: server.port != 0)
        assert window.serve_action.isChecked()
        assert window.devices_dock.isVisible()
        url = server.device_urls()["socketio"]  # as shown in the panel: with its token
        await asyncio.gather(
            device(url, "person_waves", 20, got_a), device(url, "car_and_dog", 20, got_b)
        )
        window.devices.refresh(server)
        assert window.devices.table.rowCount() == 2
        cells = [window.devices.table.item(r, 0) for r in range(2)]
        ids = [c.data(Qt.ItemDataRole.UserRole) for c in cells]  # type: ignore[union-attr]
        # the device shows by its name, its id behind it
        assert [c.text() for c in cells] == [window.names.name(i) for i in ids]  # type: ignore[union-attr]
        assert [c.toolTip() for c in cells] == ids  # type: ignore[union-attr]
        window.devices.table.selectRow(1)
        assert window.plots.store is ctl.session.stores[ids[1]]
        window.devices.table.selectRow(0)
        assert window.plots.store is ctl.session.stores[ids[0]]
        states = [window.devices.table.item(r, 7).text() for r in range(2)]  # type: ignore[union-attr]
        assert all(s.startswith("disconnected") for s in states)
        await ctl.shutdown()

    run(qloop, scenario(), timeout=60)
    assert got_a
    assert got_b
    assert set(got_a).isdisjoint({t for t in got_b if "coche" in t or "perro" in t})
