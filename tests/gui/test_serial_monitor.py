"""The serial monitor dock (issue 12 §7) and the stalled state of a board."""

from __future__ import annotations

import time

import qasync
from PySide6.QtCore import Qt

from intelivision_desktop.core.serial_settings import MonitorLine
from intelivision_desktop.ui.main_window import MainWindow
from intelivision_desktop.ui.serial_monitor import BAD_COLOUR, MAX_SHOWN, SerialMonitor
from intelivision_desktop.ui.status_text import StateView, source_sentence


class FakeBoardSource:
    """Stands for a SerialSource's monitor feed."""

    def __init__(self) -> None:
        self.lines: list[MonitorLine] = []

    def add(self, line: bytes, kind: str = "values", reason: str = "") -> None:
        self.lines.append(MonitorLine(time.time() * 1000.0, line, kind, reason))

    def monitor_since(self, seq: int) -> tuple[int, list[MonitorLine]]:
        return len(self.lines), self.lines[seq:]


def test_monitor_shows_lines_marks_bad_ones_pauses_and_caps(qtbot: object) -> None:
    mon = SerialMonitor()
    qtbot.addWidget(mon)  # type: ignore[attr-defined]
    src = FakeBoardSource()
    mon.bind_source(src)
    mon.show()
    src.add(b"a0:1.5\ta1:2")
    src.add(b"hello \xff", "bad", "not a number: 'hello'")
    assert mon.poll() == 2
    bad = mon.list.item(1)
    assert "hello" in bad.text()
    assert "not a number" in bad.text()
    assert bad.foreground().color().name() == BAD_COLOUR
    assert mon.list.item(0).foreground().style() == Qt.BrushStyle.NoBrush  # default colour
    mon.pause_box.setChecked(True)
    src.add(b"a0:3")
    assert mon.poll() == 0
    assert mon.list.count() == 2
    assert "3 lines received, 1 not readable" in mon.info.text()
    mon.pause_box.setChecked(False)
    for i in range(MAX_SHOWN + 20):
        src.add(b"a0:%d" % i)
    mon.poll()
    assert mon.list.count() == MAX_SHOWN
    assert mon.list.item(MAX_SHOWN - 1).text().endswith(f"a0:{MAX_SHOWN + 19}")
    mon.problems_only.setChecked(True)
    src.add(b"ok")
    src.add(b"zz", "bad", "unreadable")
    assert mon.poll() == 1
    mon.stop()


def test_monitor_explains_itself_without_a_board(qtbot: object) -> None:
    mon = SerialMonitor()
    qtbot.addWidget(mon)  # type: ignore[attr-defined]
    mon.bind_source(object())
    assert mon.source is None
    assert "serial board" in mon.info.text()


def test_a_quiet_board_is_stalled_with_the_time_of_its_last_data() -> None:
    view = StateView("live", "reading /dev/ttyUSB0", since=0.0)
    last = time.time() * 1000.0 - 12_000
    text, word = source_sentence(
        view, "serial:///dev/ttyUSB0", last_data_ms=last, now_ms=time.time() * 1000.0, now=100.0
    )
    assert word == "stalled"
    assert text.startswith("No data from the board since ")
    text, word = source_sentence(
        view, "serial:///dev/ttyUSB0", last_data_ms=None, now_ms=None, now=100.0
    )
    assert (text, word) == ("No data from the board yet", "stalled")
    _, word = source_sentence(
        view,
        "serial:///dev/ttyUSB0",
        last_data_ms=time.time() * 1000.0,
        now_ms=time.time() * 1000.0,
        now=100.0,
    )
    assert word == "live"


def test_the_monitor_is_a_dock_of_the_window(qloop: qasync.QEventLoop, window: MainWindow) -> None:
    assert window.panel_of(window.monitor_dock) is window.monitor
    assert window.monitor_dock.toggleViewAction() in window.menuBar().actions()[1].menu().actions()
