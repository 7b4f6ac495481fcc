"""The main window against a real Session on a qasync loop."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import qasync
from PySide6.QtWidgets import QLabel

from intelivision_desktop.app.cli import build_parser
from intelivision_desktop.app.controller import SessionController, recordings_dir
from intelivision_desktop.core.recording import RecordingParser
from intelivision_desktop.ui.main_window import MainWindow
from tests.gui.conftest import run, wait_until

FAST_DEMO = "demo://person_waves?speed=50&loop=0"


def test_refcount_canary(qapp: object) -> None:
    """PySide6 6.12 on Python 3.11 released references to None on every call (PITFALLS.md)."""
    label = QLabel()
    before = sys.getrefcount(None)
    for i in range(3000):
        label.setText(str(i))
        label.isVisible()
    assert sys.getrefcount(None) >= before - 10


def at_end(ctl: SessionController) -> bool:
    return ctl.session is not None and bool(getattr(ctl.session.source, "at_end", False))


def controller_for(window: MainWindow, *argv: str) -> SessionController:
    return SessionController(window, build_parser().parse_args(list(argv)))


def test_demo_fills_timeline_and_plots(qloop: qasync.QEventLoop, window: MainWindow) -> None:
    ctl = controller_for(window)

    async def scenario() -> None:
        await ctl.start(FAST_DEMO)
        await wait_until(lambda: window.timeline.model.rowCount() >= 5, within=20)
        await wait_until(lambda: window.plots.points_drawn("people") > 50, within=5)
        assert window.plots.marker_count >= 5
        # the status bar reports the source state (in operator words) and counters
        assert window.source_state in ("live", "finished")
        assert window.source_label.plain() in (
            "Playing the demo",
            "Replay finished — seek, or press Play to start again",
        )
        await ctl.shutdown()

    run(qloop, scenario())
    model = window.timeline.model
    texts = [model.data(model.index(r, 1)) for r in range(model.rowCount())]
    assert all(isinstance(t, str) and 0 < len(t.split()) <= 5 for t in texts)


def test_selecting_a_row_marks_the_plots(qloop: qasync.QEventLoop, window: MainWindow) -> None:
    ctl = controller_for(window)

    async def scenario() -> None:
        await ctl.start(FAST_DEMO)
        await wait_until(lambda: window.timeline.model.rowCount() >= 3, within=20)
        await ctl.shutdown()

    run(qloop, scenario())
    assert window.plots.marked_at is None
    window.timeline.select_row(1)
    d = window.timeline.model.items[1]
    assert window.plots.marked_at == pytest.approx(d.t_ms / 1000.0)
    assert d.text in window.timeline.detail.toPlainText()
    assert "dataUsed" in window.timeline.detail.toPlainText()
    (x0, x1) = window.plots.plots["counts"].viewRange()[0]
    assert x0 <= d.t_ms / 1000.0 <= x1


def test_redraw_only_when_changed_and_visible(qloop: qasync.QEventLoop, window: MainWindow) -> None:
    ctl = controller_for(window)

    async def scenario() -> None:
        await ctl.start("demo://person_waves?speed=max&loop=0")
        await wait_until(lambda: at_end(ctl), within=20)  # the replay holds at its end

    run(qloop, scenario())
    assert window.plots.store is not None
    window.plots.redraw()
    assert window.plots.redraw() is False  # nothing changed since
    window.plots.store.append(window.plots.store.times()[-1] + 0.2, {"people": 1.0})
    window.hide()
    assert window.plots.redraw() is False  # hidden: skip
    window.show()
    assert window.plots.redraw() is True
    run(qloop, ctl.shutdown())


def test_history_and_follow(qloop: qasync.QEventLoop, window: MainWindow) -> None:
    ctl = controller_for(window)

    async def scenario() -> None:
        await ctl.start("demo://person_waves?speed=max&loop=0")
        await wait_until(lambda: at_end(ctl), within=20)  # the replay holds at its end

    run(qloop, scenario())
    for seconds in (30.0, 600.0):
        window.history_combo.setCurrentIndex(window.history_combo.findData(seconds))
        (x0, x1) = window.plots.plots["counts"].viewRange()[0]
        assert x1 - x0 == pytest.approx(seconds, rel=0.02)
    window.follow_action.setChecked(False)
    assert window.plots.follow is False
    run(qloop, ctl.shutdown())


def test_record_toggle_writes_a_recording(qloop: qasync.QEventLoop, window: MainWindow) -> None:
    ctl = controller_for(window)
    before = set(recordings_dir().glob("*.jsonl")) if recordings_dir().exists() else set()

    async def scenario() -> None:
        await ctl.start("demo://person_waves?speed=20&loop=0")
        await wait_until(lambda: ctl.session is not None and ctl.session.counters().frames > 0)
        window.record_action.setChecked(True)
        assert ctl.session is not None
        start = ctl.session.counters().frames
        await wait_until(lambda: ctl.session.counters().frames > start + 30)  # type: ignore[union-attr]
        window.record_action.setChecked(False)
        await ctl.shutdown()

    run(qloop, scenario())
    new = set(recordings_dir().glob("*.jsonl")) - before
    assert len(new) == 1
    path: Path = new.pop()
    parser = RecordingParser()
    lines = path.read_text(encoding="utf-8").splitlines()
    records = [r for line in lines if (r := parser.feed(line)) is not None]
    assert parser.bad_lines == 0
    assert parser.header is not None
    assert parser.header.source.startswith("demo://person_waves")
    assert sum(1 for r in records if type(r).__name__ == "Frame") >= 30
    assert "recording" not in window.record_label.text()


def test_switching_source_restarts_views(qloop: qasync.QEventLoop, window: MainWindow) -> None:
    ctl = controller_for(window)

    async def scenario() -> None:
        await ctl.start(FAST_DEMO)
        await wait_until(lambda: window.timeline.model.rowCount() >= 2, within=20)
        first = ctl.session
        window.source_requested.emit("demo://car_and_dog?speed=50&loop=0")
        await wait_until(lambda: ctl.session is not None and ctl.session is not first)
        await wait_until(lambda: window.timeline.model.rowCount() >= 1, within=20)
        texts = [d.text for d in window.timeline.model.items]
        assert not any("izquierda" in t and "sonriendo" in t for t in texts[:1])
        await ctl.shutdown()

    run(qloop, scenario())
    assert window.source_combo.currentData() == "demo://car_and_dog?speed=50&loop=0" or (
        window.session is not None and window.session.source.url.startswith("demo://car")
    )


def test_bad_source_is_reported_not_raised(qloop: qasync.QEventLoop, window: MainWindow) -> None:
    ctl = controller_for(window)
    run(qloop, ctl.start("replay:///no/such/file.jsonl"))
    assert ctl.session is None
    assert "no such file" in window.statusBar().currentMessage()


def test_recordings_dock_lists_a_recording_and_opens_it(
    qloop: qasync.QEventLoop, window: MainWindow
) -> None:
    ctl = controller_for(window)

    async def scenario() -> None:
        await ctl.start("demo://person_waves?speed=20&loop=0")
        await wait_until(lambda: ctl.session is not None and ctl.session.counters().frames > 0)
        window.record_action.setChecked(True)
        await wait_until(lambda: ctl.session.counters().recorded > 20)  # type: ignore[union-attr]
        window.record_action.setChecked(False)
        window.recordings_dock.toggleViewAction().trigger()
        browser = window.recordings
        assert browser is not None
        browser.refresh()
        await wait_until(lambda: browser.model.rowCount() >= 1, within=10)
        newest = browser.model.entries[0].path
        asked: list[str] = []
        window.source_requested.connect(asked.append)
        browser.open_requested.emit(newest)
        assert asked == [f"replay://{newest}"]
        await ctl.shutdown()

    run(qloop, scenario())
