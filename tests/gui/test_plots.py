"""The plot panel generic over channels, its channel list, the peak cache, the serial panel."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator

import numpy as np
import pytest
import qasync
from PySide6.QtCore import Qt

from intelivision_desktop.core.channels import CAMERA_CHANNELS, ChannelStore
from intelivision_desktop.core.embedded import RulesAnalyzer
from intelivision_desktop.core.model import Description, Problem
from intelivision_desktop.core.serial_settings import PortInfo
from intelivision_desktop.core.session import Session
from intelivision_desktop.io.serial_source import serial_source_from_url
from intelivision_desktop.ui.channel_list import NEW_PLOT
from intelivision_desktop.ui.plots import (
    DEVICE_GROUP,
    LATENCY_GROUP,
    REDRAW_HZ,
    PlotPanel,
)
from intelivision_desktop.ui.serial_panel import SerialPanel
from scripts.fake_board import FakeBoard
from tests.gui.conftest import run, wait_until

T0 = 1_767_000_000.0


def serial_store(channels: int = 12, seconds: float = 5.0, rate: float = 1000.0) -> ChannelStore:
    n = int(seconds * rate)
    store = ChannelStore(int(60 * rate))
    k = np.arange(n)
    store.extend(
        T0 + k / rate,
        {f"ch{i}": i + np.sin(k * 0.01 * (i + 1)) for i in range(channels)},
    )
    return store


@pytest.fixture
def panel(qtbot: object) -> Iterator[PlotPanel]:
    p = PlotPanel()
    qtbot.addWidget(p)  # type: ignore[attr-defined]
    p.resize(1000, 700)
    p.show()
    yield p
    p.stop()


def curve_group(panel: PlotPanel, name: str) -> str | None:
    for group, plot in panel.plots.items():
        if panel.curves[name] in plot.listDataItems():
            return group
    return None


# --- channels and groups ----------------------------------------------------------------------


def test_without_a_store_the_camera_plots_are_shown(panel: PlotPanel) -> None:
    assert list(panel.plots) == list(dict.fromkeys(s.group for s in CAMERA_CHANNELS))
    assert set(panel.curves) == {s.name for s in CAMERA_CHANNELS}
    assert panel._timer.interval() <= 1000 / REDRAW_HZ + 1


def test_every_serial_channel_is_plotted(panel: PlotPanel) -> None:
    store = serial_store(channels=12)
    panel.attach(store)
    assert panel.redraw()
    assert list(panel.plots) == [DEVICE_GROUP]
    assert panel.plots[DEVICE_GROUP].titleLabel.text == "Device channels"
    for i in range(12):
        assert curve_group(panel, f"ch{i}") == DEVICE_GROUP
        assert panel.points_drawn(f"ch{i}") > 100
    # peak decimation: 5000 samples per channel become about two points per pixel
    assert panel.points_drawn("ch0") <= 3 * panel.plots[DEVICE_GROUP].getViewBox().width()


def test_camera_latency_and_device_channels_get_their_own_plots(panel: PlotPanel) -> None:
    store = ChannelStore(1000)
    panel.attach(store)
    for i in range(50):
        store.append(T0 + i * 0.2, {"people": 1.0, "objects": 2.0, "nearest_person_m": 1.2})
    panel.redraw()
    assert list(panel.plots) == ["counts", "distance"]
    store.append(T0 + 11, {"people": 1.0, "latency_ms": 230.0, "dist_cm": 87.0})
    assert panel.redraw()
    assert list(panel.plots) == ["counts", "distance", LATENCY_GROUP, DEVICE_GROUP]
    assert panel.plots[LATENCY_GROUP].titleLabel.text == "Latency (ms)"
    assert curve_group(panel, "latency_ms") == LATENCY_GROUP
    assert curve_group(panel, "dist_cm") == DEVICE_GROUP
    # one shared time axis: every plot follows the first
    x_ranges = {tuple(np.round(p.viewRange()[0], 3)) for p in panel.plots.values()}
    assert len(x_ranges) == 1


def test_channel_list_hides_and_shows_channels(panel: PlotPanel, qtbot: object) -> None:
    panel.attach(serial_store(channels=8))
    panel.redraw()
    panel.channel_list.refresh()
    tree = panel.channel_list.tree
    group_item = tree.topLevelItem(0)
    assert group_item.text(0) == "Device channels"
    assert group_item.childCount() == 8
    item = group_item.child(3)
    assert item.data(0, Qt.ItemDataRole.UserRole) == ("channel", "ch3")
    item.setCheckState(0, Qt.CheckState.Unchecked)
    assert not panel.is_visible("ch3")
    assert curve_group(panel, "ch3") is None
    panel.redraw()
    assert panel.points_drawn("ch3") == 0
    assert panel.points_drawn("ch4") > 0
    item.setCheckState(0, Qt.CheckState.Checked)
    panel.redraw()
    assert curve_group(panel, "ch3") == DEVICE_GROUP
    assert panel.points_drawn("ch3") > 0
    # hiding every channel of a plot hides the plot (one plot always stays for the time axis)
    panel.set_group_visible(DEVICE_GROUP, False)
    assert all(curve_group(panel, f"ch{i}") is None for i in range(8))
    assert len(panel.plots) == 1


def test_channel_list_groups_channels_into_plots(panel: PlotPanel) -> None:
    panel.attach(serial_store(channels=8))
    panel.redraw()
    cl = panel.channel_list
    imu = cl.move_channels(["ch1", "ch2"], NEW_PLOT)
    assert list(panel.plots) == [DEVICE_GROUP, imu]
    assert panel.group_title(imu) == "Plot 1"
    assert curve_group(panel, "ch1") == imu
    assert curve_group(panel, "ch0") == DEVICE_GROUP
    cl.refresh()
    titles = [cl.tree.topLevelItem(i).text(0) for i in range(cl.tree.topLevelItemCount())]
    assert titles == ["Device channels", "Plot 1"]
    # the "Move to" row moves the selected channels
    dev = cl.tree.topLevelItem(0)
    dev.child(0).setSelected(True)  # ch0
    cl.move_combo.setCurrentIndex(cl.move_combo.findData(imu))
    cl.move_button.click()
    assert curve_group(panel, "ch0") == imu
    assert panel.redraw()
    assert panel.points_drawn("ch0") > 0
    # layout is kept for the next store with the same channels (a reconnect, a new session)
    panel.attach(serial_store(channels=8))
    panel.redraw()
    assert curve_group(panel, "ch1") == imu


def test_y_axis_fixed_and_auto_per_plot(panel: PlotPanel) -> None:
    store = serial_store(channels=4)
    panel.attach(store)
    panel.redraw()
    panel.set_y_range(DEVICE_GROUP, (-5.0, 20.0))
    store.append(T0 + 6, {"ch0": 100.0})  # out of the fixed range: the axis does not move
    panel.redraw()
    assert panel.plots[DEVICE_GROUP].viewRange()[1] == pytest.approx([-5.0, 20.0])
    panel.set_y_range(DEVICE_GROUP, None)
    panel.redraw()
    panel.glw.viewport().repaint()  # pyqtgraph settles an auto range as it paints
    _, hi = panel.plots[DEVICE_GROUP].viewRange()[1]
    assert hi >= 100.0
    with pytest.raises(ValueError, match="low < high"):
        panel.set_y_range(DEVICE_GROUP, (3.0, 3.0))


def test_y_axis_from_the_channel_list(panel: PlotPanel) -> None:
    panel.attach(serial_store(channels=4))
    panel.redraw()
    cl = panel.channel_list
    cl.refresh()
    cl.tree.setCurrentItem(cl.tree.topLevelItem(0))
    cl.y_mode.setCurrentIndex(1)
    cl.y_min.setValue(-1.0)
    cl.y_max.setValue(9.0)
    assert panel.y_range(DEVICE_GROUP) == (-1.0, 9.0)
    panel.redraw()
    assert panel.plots[DEVICE_GROUP].viewRange()[1] == pytest.approx([-1.0, 9.0])
    cl.y_mode.setCurrentIndex(0)
    assert panel.y_range(DEVICE_GROUP) is None


def test_memory_and_limits_are_shown(panel: PlotPanel) -> None:
    store = serial_store(channels=16)
    panel.attach(store)
    panel.redraw()
    info = panel.channel_list.info.text()
    assert "16 channels" in info
    assert f"{store.nbytes / 1e6:,.1f} MB" in info or "MB" in info
    assert "5,000 of 60,000 rows" in info
    assert panel.memory_bytes >= store.nbytes
    assert not panel.channel_list.notice.isVisibleTo(panel)
    panel.note_problem(Problem("source", "channel_cap", "channel cap of 64 reached; dropped: x"))
    panel.note_problem(Problem("source", "malformed", "noise"))  # not a limit: not kept
    assert "channel cap of 64" in panel.channel_list.notice.text()
    assert panel.channel_list.notice.isVisibleTo(panel)


def test_channel_list_can_move_to_a_dock(panel: PlotPanel, qtbot: object) -> None:
    from PySide6.QtWidgets import QDockWidget

    cl = panel.take_channel_list()
    assert panel.splitter.count() == 1
    dock = QDockWidget("Channels")
    qtbot.addWidget(dock)  # type: ignore[attr-defined]
    dock.setWidget(cl)
    panel.attach(serial_store(channels=3))
    panel.redraw()
    cl.refresh()
    assert cl.tree.topLevelItem(0).childCount() == 3


def test_redraw_only_when_dirty_and_visible(panel: PlotPanel) -> None:
    store = serial_store(channels=2)
    panel.attach(store)
    assert panel.redraw()
    assert not panel.redraw()
    store.append(T0 + 10, {"ch0": 1.0})
    panel.hide()
    assert not panel.redraw()
    panel.show()
    assert panel.redraw()


def test_markers_follow_plots_made_later(panel: PlotPanel) -> None:
    panel.attach(serial_store(channels=3))
    panel.redraw()
    for i in range(3):
        panel.add_marker(Description("d", f"x{i}", (T0 + i) * 1000, "rules"))
    panel.mark(Description("d", "x1", (T0 + 1) * 1000, "rules"))
    group = panel.channel_list.move_channels(["ch2"], NEW_PLOT)
    lines = [i for i in panel.plots[group].items if type(i).__name__ == "InfiniteLine"]
    assert len(lines) == 3 + 1
    assert panel.marker_count == 3
    assert panel.marked_at == pytest.approx(T0 + 1)
    panel.clear_markers()
    assert panel.marker_count == 0
    assert panel.marked_at is None


def test_zoomed_in_draws_raw_samples(panel: PlotPanel) -> None:
    store = serial_store(channels=2, seconds=5)
    panel.attach(store)
    panel.redraw()
    panel.set_follow(False)
    panel._set_x(T0 + 2.0, T0 + 2.2)  # 200 samples across the plot
    panel._view_dirty = True
    panel.redraw()
    assert panel._cache is None
    x, y = panel.curves["ch0"].getOriginalDataset()
    assert np.array_equal(
        y, store.column("ch0")[int(np.searchsorted(store.times(), x[0])) :][: len(y)]
    )


# --- the peak cache ---------------------------------------------------------------------------


# --- a real board through a Session ---------------------------------------------------------


def test_a_pty_board_with_16_channels_is_plotted_live(
    qloop: qasync.QEventLoop, panel: PlotPanel
) -> None:
    with FakeBoard(fmt="arduino", channels=16, rate=1000) as board:
        source = serial_source_from_url(f"serial://{board.path}")
        session = Session(source, RulesAnalyzer(), history_s=30)
        panel.set_history(30)
        panel.start()

        async def scenario() -> None:
            task = asyncio.create_task(session.run(), name="serial-session")
            try:
                await wait_until(lambda: source.device_id in session.stores, within=10)
                panel.attach(session.stores[source.device_id])
                await wait_until(
                    lambda: all(panel.points_drawn(f"a{k}") > 50 for k in range(16)), within=10
                )
            finally:
                session.stop()
                await task

        run(qloop, scenario())
    assert [n for n in panel.curves if n[1:].isdigit()] == [f"a{k}" for k in range(16)]
    assert "16 channels" in panel.channel_list.info.text()
    assert session.counters().samples > 500
    times = list(panel.frame_times)
    assert times
    assert max(times) < 1.0


# --- the serial panel -----------------------------------------------------------------------

UNO = PortInfo(
    "/dev/ttyACM0", "Arduino Uno", "USB VID:PID=2341:0043 SER=8573", 0x2341, 0x0043, "8573"
)
CP210 = PortInfo("/dev/ttyUSB0", "CP2102 USB to UART", "USB VID:PID=10C4:EA60", 0x10C4, 0xEA60)


@pytest.fixture
def serial_panel(qtbot: object) -> Iterator[SerialPanel]:
    ports = {"list": [UNO]}
    p = SerialPanel(scan=lambda: list(ports["list"]), rescan_ms=50)
    p.ports_box = ports  # type: ignore[attr-defined]
    qtbot.addWidget(p)  # type: ignore[attr-defined]
    p.show()
    p.wait_for_scan()
    yield p
    p.hide()


def test_serial_panel_lists_ports_with_ids(serial_panel: SerialPanel) -> None:
    assert serial_panel.port_combo.count() == 1
    assert serial_panel.port_combo.itemText(0) == "/dev/ttyACM0 — Arduino Uno [2341:0043 SN 8573]"
    assert serial_panel.port() == "/dev/ttyACM0"


def test_serial_panel_rescans_on_hot_plug(serial_panel: SerialPanel, qtbot: object) -> None:
    serial_panel.ports_box["list"] = [UNO, CP210]  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: serial_panel.port_combo.count() == 2, timeout=3000)  # type: ignore[attr-defined]
    assert serial_panel.port() == "/dev/ttyACM0"  # the choice is kept
    assert "New port: /dev/ttyUSB0" in serial_panel.status.text()
    serial_panel.ports_box["list"] = [CP210]  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: serial_panel.port_combo.count() == 1, timeout=3000)  # type: ignore[attr-defined]
    assert serial_panel.port() == "/dev/ttyUSB0"


def test_serial_panel_emits_a_url(serial_panel: SerialPanel, qtbot: object) -> None:
    serial_panel.baud_combo.setCurrentText("9600")
    serial_panel.format_combo.setCurrentIndex(serial_panel.format_combo.findData("csv"))
    serial_panel.eol_combo.setCurrentIndex(serial_panel.eol_combo.findData("crlf"))
    serial_panel.dtr_box.setChecked(True)
    with qtbot.waitSignal(serial_panel.source_requested, timeout=1000) as sig:  # type: ignore[attr-defined]
        serial_panel.connect_button.click()
    assert sig.args == ["serial:///dev/ttyACM0?baud=9600&format=csv&dtr=1&rts=0&eol=crlf"]
    serial_panel.port_combo.setEditText("socket://127.0.0.1:7000")
    assert serial_panel.url().startswith("socket://127.0.0.1:7000?baud=9600")
    serial_panel.baud_combo.setCurrentText("fast")
    serial_panel.connect_button.click()
    assert "baud must be a whole number" in serial_panel.status.text()


def test_serial_panel_sends_lines_to_the_source(
    qloop: qasync.QEventLoop, serial_panel: SerialPanel, qtbot: object
) -> None:
    source = serial_source_from_url("loop://?format=arduino")
    source._discard_first = False
    session = Session(source, RulesAnalyzer(), history_s=10)
    serial_panel.bind_source(source)
    sent: list[str] = []
    serial_panel.send_line.connect(sent.append)
    # what the controller does with the panel's intents
    serial_panel.send_line.connect(lambda t: source.send_line(t, eol=serial_panel.line_ending))
    serial_panel.control_lines.connect(source.set_control_lines)

    async def scenario() -> None:
        task = asyncio.create_task(session.run(), name="loop-session")
        try:
            await wait_until(lambda: source.state.value == "live")
            serial_panel.send_edit.setText("v:42")
            serial_panel.send_button.click()
            serial_panel.dtr_box.setChecked(True)
            await wait_until(lambda: "loop" in session.stores)
            # "1 row" / "2 rows": plural forms from the English translation
            await wait_until(
                lambda: re.search(r"\b\d[\d,]* rows?\b", serial_panel.status.text()) is not None,
                within=3,
            )
        finally:
            session.stop()
            await task

    run(qloop, scenario())
    assert sent == ["v:42"]
    assert session.stores["loop"].column("v")[0] == 42.0
    assert serial_panel.send_edit.text() == ""
    serial_panel.bind_source(None)
    assert not serial_panel.send_button.isEnabled()


def test_serial_panel_scan_failure_is_shown(qtbot: object) -> None:
    def broken() -> list[PortInfo]:
        raise OSError("no permission to list ports")

    p = SerialPanel(scan=broken, rescan_ms=10_000)
    qtbot.addWidget(p)  # type: ignore[attr-defined]
    p.rescan()
    p.wait_for_scan()
    assert "Cannot list ports" in p.status.text()
    deadline = time.monotonic() + 1
    while p._scan_thread is not None and p._scan_thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
