"""The replay bar in the main window, driving a real replay on the qasync loop."""

from __future__ import annotations

import json

import pytest
import qasync
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSlider

from intelivision_desktop.app.cli import build_parser
from intelivision_desktop.app.controller import SessionController
from intelivision_desktop.io.resources import demo_recording as demo_path
from intelivision_desktop.ui.main_window import MainWindow
from intelivision_desktop.ui.replay_bar import TICKS_PER_S, clock_text
from tests.gui.conftest import run, wait_until


def stamps(name: str) -> list[int]:
    with open(demo_path(name)) as fh:
        return [json.loads(line)["timestamp"] for line in fh if line.strip()]


def frames_seen(ctl: SessionController) -> int:
    return ctl.session.counters().frames if ctl.session is not None else 0


def test_bar_follows_a_replay_and_seeks_steps_and_pauses(
    qloop: qasync.QEventLoop, window: MainWindow, qtbot: object
) -> None:
    ctl = SessionController(window, build_parser().parse_args([]))
    bar = window.replay
    ts = stamps("busy_street")
    length_s = (ts[-1] - ts[0]) / 1000.0

    async def start() -> None:
        await ctl.start(f"replay://{demo_path('busy_street')}?speed=10")
        await wait_until(lambda: bar.slider.maximum() > 0 and frames_seen(ctl) > 20, within=20)
        await wait_until(lambda: window.timeline.model.rowCount() >= 1, within=20)

    run(qloop, start())
    assert window.replay_toolbar.isVisible()
    assert bar.slider.isEnabled()
    assert bar.slider.maximum() == round(length_s * TICKS_PER_S)
    assert bar.time_label.text().endswith(clock_text(length_s))
    src = ctl.session.source  # type: ignore[union-attr]

    # Space pauses (a window shortcut, whatever has the focus)
    window.activateWindow()
    window.timeline.setFocus()
    qtbot.keyClick(window.timeline, Qt.Key.Key_Space)  # type: ignore[attr-defined]
    assert src.player.paused
    assert bar.play_action.text() == "Play"

    # a click on the slider's groove seeks (one page: 5 s further), paused: one frame shows
    before = src.position_s
    rows_before = window.timeline.model.rowCount()
    assert rows_before >= 1
    bar.slider.triggerAction(QAbstractSlider.SliderAction.SliderPageStepAdd)

    async def after_seek() -> None:
        await wait_until(lambda: src.seeks == 1 and window.plots.store is not None, within=10)

    run(qloop, after_seek())
    assert src.position_s == pytest.approx(round(before * TICKS_PER_S) / TICKS_PER_S + 5.0, abs=0.3)
    assert len(window.plots.store) == 1, "paused after a seek: exactly the frame there"
    first_s = float(window.plots.store.times()[0])
    rows = window.timeline.model.items
    # the timeline starts again at the position: at most what the frame there was described as
    # (a fresh window closes on its first frame, as on the backend)
    assert len(rows) <= 1
    assert all(d.t_ms / 1000.0 >= first_s for d in rows)

    # "." steps one frame at a time
    qtbot.keyClick(window.timeline, Qt.Key.Key_Period)  # type: ignore[attr-defined]
    run(qloop, wait_until(lambda: len(window.plots.store) == 2, within=5))
    assert src.player.paused

    # speed and loop go to the source
    bar.speed_combo.setCurrentIndex(bar.speed_combo.findData(0.5))
    bar.speed_combo.activated.emit(bar.speed_combo.currentIndex())
    assert src.player.speed == 0.5
    bar.loop_box.setChecked(True)
    assert src.loop is True

    # Space again plays on from there
    qtbot.keyClick(window.timeline, Qt.Key.Key_Space)  # type: ignore[attr-defined]
    assert not src.player.paused
    run(qloop, wait_until(lambda: len(window.plots.store) >= 4, within=10))
    run(qloop, ctl.shutdown())


def test_bar_is_hidden_and_disabled_without_a_player(
    qloop: qasync.QEventLoop, window: MainWindow
) -> None:
    bar = window.replay
    bar.bind(object())  # a source without a player (a serial board, served devices)
    assert not bar.play_action.isEnabled()
    assert not bar.slider.isEnabled()
    assert bar.time_label.text() == "no replay"


def test_generated_scene_can_pause_but_not_seek(
    qloop: qasync.QEventLoop, window: MainWindow
) -> None:
    ctl = SessionController(window, build_parser().parse_args([]))

    async def scenario() -> None:
        await ctl.start("fake://person_waves?speed=5")
        await wait_until(lambda: frames_seen(ctl) > 3, within=10)

    run(qloop, scenario())
    bar = window.replay
    assert bar.play_action.isEnabled()
    assert not bar.slider.isEnabled()
    assert not bar.forward_action.isEnabled()
    bar.toggle()
    assert ctl.session.source.player.paused  # type: ignore[union-attr]
    run(qloop, ctl.shutdown())


def test_space_on_a_focused_check_box_presses_it_and_does_not_pause(
    qloop: qasync.QEventLoop, window: MainWindow, qtbot: object
) -> None:
    ctl = SessionController(window, build_parser().parse_args([]))

    async def start() -> None:
        await ctl.start("demo://person_waves?speed=5")
        await wait_until(lambda: frames_seen(ctl) > 2, within=10)

    run(qloop, start())
    src = ctl.session.source  # type: ignore[union-attr]
    window.activateWindow()
    window.replay.loop_box.setFocus()
    before = window.replay.loop_box.isChecked()
    qtbot.keyClick(window.replay.loop_box, Qt.Key.Key_Space)  # type: ignore[attr-defined]
    assert window.replay.loop_box.isChecked() != before
    assert not src.player.paused
    window.plots.glw.setFocus()  # back on the plots, Space is play/pause again
    qtbot.keyClick(window.plots.glw, Qt.Key.Key_Space)  # type: ignore[attr-defined]
    assert src.player.paused
    run(qloop, ctl.shutdown())
