"""The layout holds at 150 % scale: a 1080p screen at 150 % is 1280×720 logical pixels."""

from __future__ import annotations

import os
import subprocess
import sys

import qasync
from PySide6.QtWidgets import QApplication

from intelivision_desktop.app.gui import demo_sources
from intelivision_desktop.ui.main_window import MainWindow

LONG_URL = "replay:///home/operator/recordings/" + "very-long-folder-name/" * 4 + "x.jsonl"


def test_window_fits_1280x720_with_long_texts(qloop: qasync.QEventLoop, qtbot: object) -> None:
    w = MainWindow(demo_sources())
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
    w = MainWindow(demo_sources())
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
    w = MainWindow(demo_sources())
    qtbot.addWidget(w)  # type: ignore[attr-defined]
    w.resize(1440, 900)
    w.show()
    qtbot.waitExposed(w)  # type: ignore[attr-defined]
    QApplication.processEvents()
    assert w.layout_problems((1440, 900)) == []
    assert any("the layout needs" in p for p in w.layout_problems((200, 200)))
