"""The layout holds at 150 % scale: a 1080p screen at 150 % is 1280×720 logical pixels."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import qasync
from PySide6.QtCore import QSettings, QSize, Qt
from PySide6.QtWidgets import QApplication

from intelivision_desktop.app.gui import demo_sources
from intelivision_desktop.app.wiring import ui_services
from intelivision_desktop.ui.main_window import DESCRIPTION_MIN_W, PLOT_MIN, MainWindow

LONG_URL = "replay:///home/operator/recordings/" + "very-long-folder-name/" * 4 + "x.jsonl"


def test_window_fits_1280x720_with_long_texts(qloop: qasync.QEventLoop, qtbot: object) -> None:
    w = MainWindow(demo_sources(), ui_services())
    qtbot.addWidget(w)  # type: ignore[attr-defined]
    w.source_combo.insertItem(0, LONG_URL, LONG_URL)
    w.source_combo.setCurrentIndex(0)
    detail = "failed: " + "the backend refused the handshake because " * 6
    w._on_state("analyzer", "failed", detail)
    w._on_state("source", "live", LONG_URL + " at 1× speed")
    w.replay_toolbar.show()
    w.resize(1280, 720)
    w.show()
    qtbot.waitExposed(w)  # type: ignore[attr-defined]
    QApplication.processEvents()
    assert w.layout_problems() == []
    assert w.analyzer_label.toolTip().endswith(detail.split(": ", 1)[1])


def test_layout_problems_are_reported_when_the_window_is_too_narrow(
    qloop: qasync.QEventLoop, qtbot: object
) -> None:
    w = MainWindow(demo_sources(), ui_services())
    qtbot.addWidget(w)  # type: ignore[attr-defined]
    w.resize(700, 500)
    w.show()
    qtbot.waitExposed(w)  # type: ignore[attr-defined]
    QApplication.processEvents()
    assert any("toolbar overflows" in p for p in w.layout_problems())


def test_self_test_passes_at_150_percent() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_SCALE_FACTOR="1.5")
    proc = subprocess.run(
        [sys.executable, "-m", "intelivision_desktop", "--self-test", "--window-size", "1280x720"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "window 1280×720 at scale 1.5" in proc.stdout


def test_a_size_below_the_layouts_minimum_is_reported(
    qloop: qasync.QEventLoop, qtbot: object
) -> None:
    w = MainWindow(demo_sources(), ui_services())
    qtbot.addWidget(w)  # type: ignore[attr-defined]
    w.resize(1440, 900)
    w.show()
    qtbot.waitExposed(w)  # type: ignore[attr-defined]
    QApplication.processEvents()
    assert w.layout_problems((1440, 900)) == []
    assert any("the layout needs" in p for p in w.layout_problems((200, 200)))


# --- issue 12 §1: docks never squeeze the plots or the description column --------------------

CHECK_ALL_DOCKS = r"""
import sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
from PySide6.QtCore import QSettings
QSettings().clear()
from intelivision_desktop.app.gui import demo_sources
from intelivision_desktop.app.wiring import ui_services
from intelivision_desktop.ui.main_window import MainWindow, PLOT_MIN, DESCRIPTION_MIN_W
w = MainWindow(demo_sources(), ui_services())
w.replay_toolbar.show()
w.resize(int(sys.argv[1]), int(sys.argv[2]))
w.show()
for d in w.docks:
    d.show()
    for _ in range(5):
        app.processEvents()
g = w.plots.glw
import json
print(json.dumps({"plots": [g.width(), g.height()], "description": w.timeline.width(),
      "window": [w.width(), w.height()], "floated": w.floated_to_fit,
      "problems": w.layout_problems(), "scale": w.devicePixelRatio()}))
"""


def all_docks_open(qtbot: object, size: tuple[int, int]) -> MainWindow:
    w = MainWindow(demo_sources(), ui_services())
    qtbot.addWidget(w)  # type: ignore[attr-defined]
    w.replay_toolbar.show()  # a replay: the tallest window chrome
    w.resize(*size)
    w.show()
    qtbot.waitExposed(w)  # type: ignore[attr-defined]
    for d in w.docks:
        d.toggleViewAction().trigger()  # as from the View menu
        for _ in range(3):
            QApplication.processEvents()
    return w


def assert_center_usable(w: MainWindow, size: tuple[int, int]) -> None:
    glw = w.plots.glw
    assert glw.width() >= PLOT_MIN.width()
    assert glw.height() >= PLOT_MIN.height()
    assert w.timeline.width() >= DESCRIPTION_MIN_W
    assert (w.width(), w.height()) == size  # the window was not grown past what was asked
    assert w.layout_problems() == []


def test_every_dock_open_at_1280x800_leaves_plots_and_descriptions_their_minimum(
    qloop: qasync.QEventLoop, qtbot: object
) -> None:
    w = all_docks_open(qtbot, (1280, 800))
    assert_center_usable(w, (1280, 800))
    assert all(d.isVisible() for d in w.docks)
    assert w.floated_to_fit == []  # at 1280×800 they all dock, tabbed below the plots
    assert len(w.tabifiedDockWidgets(w.backend_dock)) == len(w.docks) - 1


@pytest.mark.qt_log_ignore("does not support raise")  # offscreen cannot raise floated docks
def test_a_dock_that_would_squeeze_the_plots_floats_instead(
    qloop: qasync.QEventLoop, qtbot: object
) -> None:
    # 1280×600 (a 1366×768 laptop at 125 %, less the task bar): no room for a dock below the
    # plots, so the docks float over the window instead
    w = all_docks_open(qtbot, (1280, 600))
    assert_center_usable(w, (1280, 600))
    assert w.floated_to_fit
    assert all(d.isFloating() for d in w.docks)
    assert all(d.isVisible() for d in w.docks)


def test_every_dock_open_at_150_percent_scale() -> None:
    """QT_SCALE_FACTOR=1.5 in a process of its own (the scale is fixed when Qt starts): a
    1920×1080 screen at 150 % gives the window 1280×720 logical pixels; a 1920×1200 one
    1280×800. (A 1280×800 screen at 150 % would be 853×533 logical: the toolbar alone needs
    more, see test_layout_problems_are_reported_when_the_window_is_too_narrow.)"""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_SCALE_FACTOR="1.5")
    for size in ((1280, 800), (1280, 720)):
        proc = subprocess.run(
            [sys.executable, "-c", CHECK_ALL_DOCKS, *map(str, size)],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        got = json.loads(proc.stdout.strip().splitlines()[-1])
        assert got["scale"] == 1.5
        assert got["plots"][0] >= PLOT_MIN.width(), got
        assert got["plots"][1] >= PLOT_MIN.height(), got
        assert got["description"] >= DESCRIPTION_MIN_W, got
        assert tuple(got["window"]) == size, got
        assert got["problems"] == [], got


@pytest.mark.qt_log_ignore("does not support raise")
def test_reset_layout_puts_the_docks_away_and_the_window_back(
    qloop: qasync.QEventLoop, qtbot: object
) -> None:
    w = all_docks_open(qtbot, (1280, 720))
    w.backend_dock.setFloating(True)
    w.main_splitter.setSizes([900, 380])
    w.resize(1000, 700)
    w.reset_layout_action.trigger()
    QApplication.processEvents()
    assert not any(d.isVisible() for d in w.docks)
    assert not any(d.isFloating() for d in w.docks)
    assert (w.width(), w.height()) == (1280, 800)
    assert w.floated_to_fit == []
    w.serial_dock.show()  # a dock opened after the reset goes back to the tabbed area
    QApplication.processEvents()
    assert w.dockWidgetArea(w.serial_dock) == Qt.DockWidgetArea.BottomDockWidgetArea


def test_a_layout_saved_on_another_screen_is_not_restored(
    qloop: qasync.QEventLoop, qtbot: object
) -> None:
    w = MainWindow(demo_sources(), ui_services())
    qtbot.addWidget(w)  # type: ignore[attr-defined]
    w.resize(1100, 760)
    w.show()
    w.serial_dock.show()
    QApplication.processEvents()
    w.confirm_quit = False
    w.close()  # saved with this screen's size
    again = MainWindow(demo_sources(), ui_services())
    qtbot.addWidget(again)  # type: ignore[attr-defined]
    assert again.layout_restored  # same screen: the operator's layout comes back
    assert again.serial_dock.isVisibleTo(again)
    again.confirm_quit = False
    again.close()
    settings = QSettings()
    settings.setValue("window/screen", "3840x2160@1")  # as if saved on a 4K screen
    other = MainWindow(demo_sources(), ui_services())
    qtbot.addWidget(other)  # type: ignore[attr-defined]
    assert not other.layout_restored
    assert other.size() == QSize(1280, 800)
    settings.setValue("window/screen", other._screen_key())
    settings.setValue("window/state", b"\x00garbage")  # damaged: ignored, not applied
    broken = MainWindow(demo_sources(), ui_services())
    qtbot.addWidget(broken)  # type: ignore[attr-defined]
    assert not broken.layout_restored
