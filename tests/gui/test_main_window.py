"""The main window against a real Session on a qasync loop."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import qasync
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from intelivision_desktop.app.cli import build_parser
from intelivision_desktop.app.controller import SessionController, recordings_dir
from intelivision_desktop.core.model import Problem
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


# --- issue 12 §2, §4, §6: states named, confirmations, operator words -----------------------


def answer(window: MainWindow, agree: bool) -> str:
    """Answer the question on show; returns its text."""
    box = window.question
    assert box is not None, "no question was asked"
    text = box.text()
    buttons = [b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole]
    (box.button(QMessageBox.StandardButton.Cancel) if not agree else buttons[0]).click()
    return text


def test_switching_source_while_recording_asks_first(
    qloop: qasync.QEventLoop, window: MainWindow
) -> None:
    ctl = controller_for(window)
    asked: list[str] = []
    window.source_requested.connect(asked.append)

    async def scenario() -> None:
        await ctl.start("demo://person_waves?speed=5&loop=0")
        window.record_action.setChecked(True)
        await wait_until(lambda: window.recording_path is not None)
        # the operator picks another demo: asked, refused, nothing changes
        window._on_source_chosen(window.source_combo.findData("demo://car_and_dog"))
        text = answer(window, agree=False)
        assert "recording ends" in text
        assert window.recording_path is not None
        assert Path(window.recording_path).name in text
        assert asked == []
        assert window.source_combo.currentData() == "demo://person_waves?speed=5&loop=0"
        # "Accept devices" too: refused, the action goes back off
        window.serve_action.trigger()
        answer(window, agree=False)
        assert not window.serve_action.isChecked()
        assert asked == []
        # agreed: the source changes and the recording ends
        window._on_source_chosen(window.source_combo.findData("demo://car_and_dog"))
        answer(window, agree=True)
        assert asked == ["demo://car_and_dog"]
        await wait_until(
            lambda: ctl.session is not None and "car_and_dog" in ctl.session.source.url
        )
        assert window.recording_path is None
        assert not window.record_action.isChecked()
        await ctl.shutdown()

    run(qloop, scenario())


def test_quitting_with_a_recording_running_asks_first(
    qloop: qasync.QEventLoop, window: MainWindow
) -> None:
    ctl = controller_for(window)
    closed: list[bool] = []
    window.closed.connect(lambda: closed.append(True))
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)  # as the app runs: closing must not stop the loop

    async def scenario() -> None:
        await ctl.start("demo://person_waves?speed=5&loop=0")
        window.record_action.setChecked(True)
        await wait_until(lambda: window.recording_path is not None)
        window.quit_action.trigger()  # Ctrl+Q
        text = answer(window, agree=False)
        assert "recording is running" in text
        assert window.isVisible()
        assert closed == []
        window.quit_action.trigger()
        answer(window, agree=True)
        assert closed == [True]
        assert not window.isVisible()
        await ctl.shutdown()

    try:
        run(qloop, scenario())
    finally:
        app.setQuitOnLastWindowClosed(True)


def test_without_recording_or_devices_quit_asks_nothing(
    qloop: qasync.QEventLoop, window: MainWindow
) -> None:
    ctl = controller_for(window)
    run(qloop, ctl.start("demo://person_waves?speed=5&loop=0"))
    window.quit_action.trigger()
    assert window.question is None
    assert not window.isVisible()
    run(qloop, ctl.shutdown())


def test_pause_finish_and_live_are_named(qloop: qasync.QEventLoop, window: MainWindow) -> None:
    ctl = controller_for(window)

    async def scenario() -> None:
        await ctl.start("demo://person_waves?speed=5&loop=0")
        await wait_until(lambda: window.timeline.model.rowCount() >= 1, within=20)
        window._update_status()
        assert window.source_state == "live"
        window.replay.toggle()  # pause
        window._update_status()
        assert window.source_state == "paused"
        assert window.source_label.plain().startswith("Demo paused at ")
        assert "live" not in window.source_label.plain()
        window.replay.toggle()  # play
        window._update_status()
        assert window.source_state == "live"
        src = ctl.session.source  # type: ignore[union-attr]
        src.player.set_speed(None)  # type: ignore[attr-defined]
        await wait_until(lambda: at_end(ctl), within=20)
        window._update_status()
        assert window.source_state == "finished"
        assert window.source_label.plain().startswith("Replay finished")
        await ctl.shutdown()

    run(qloop, scenario())


def test_backend_problems_in_operator_words_with_details_one_click_away(
    qloop: qasync.QEventLoop, window: MainWindow
) -> None:
    # nothing listens on port 9: the link retries, the rules stand in
    ctl = controller_for(window, "--analyzer", "http://127.0.0.1:9")
    shown: list[str] = []

    async def scenario() -> None:
        await ctl.start("demo://person_waves?speed=5&loop=0")
        await wait_until(
            lambda: window._states["analyzer"].state in ("retrying", "failed"), within=20
        )
        shown.append(window.analyzer_label.plain())
        shown.append(window.analyzer_label.toolTip())
        shown.append(window.details_text())
        shown.append(window._states["analyzer"].detail)
        await ctl.shutdown()

    run(qloop, scenario())
    text, tooltip, details, detail = shown
    assert text.startswith("Backend unreachable — retrying")
    for jargon in ("Error", "errno", "ssl", "socketio", "Connect call", "§"):
        assert jargon not in text
    assert detail  # the technical detail is kept …
    assert detail in tooltip  # … one hover away
    assert detail in details  # … and one click away (Details…)


def test_retry_countdown_counts_down(qloop: qasync.QEventLoop, window: MainWindow) -> None:
    ctl = controller_for(window, "--analyzer", "http://127.0.0.1:9")
    run(qloop, ctl.start("demo://person_waves?speed=5&loop=0"))
    window._on_state("analyzer", "retrying", "socketio: in 17.3 s: LinkError: ClientConnectorError")
    assert window.analyzer_label.plain() == "Backend unreachable — retrying in 18 s"
    window._states["analyzer"].since -= 5.0  # five seconds later
    window._update_status()
    assert window.analyzer_label.plain() == "Backend unreachable — retrying in 13 s"
    run(qloop, ctl.shutdown())


def test_a_problem_never_replaces_the_source_state(
    qloop: qasync.QEventLoop, window: MainWindow
) -> None:
    ctl = controller_for(window)
    run(qloop, ctl.start("demo://person_waves?speed=5&loop=0"))
    window._update_status()
    before = window.source_label.plain()
    window._on_problem(Problem("source", "partial_line", "discarded the partial line"))
    window._on_problem(Problem("source", "malformed", "x.jsonl: line 3 is not JSON"))
    assert window.source_label.plain() == before
    assert window.source_label.isVisible()
    assert window.problems_button.text() == "⚠ 2 problems"  # English plural forms
    assert "line 3 is not JSON" in window.details_text()
    assert window.statusBar().currentMessage() == ""
    run(qloop, ctl.shutdown())


def test_serve_mode_keeps_the_pairing_token_across_launches(
    qloop: qasync.QEventLoop, window: MainWindow, tmp_path: Path
) -> None:
    ctl = controller_for(window)
    ctl.pairing_path = tmp_path / "pairing-token"
    tokens: list[str | None] = []

    async def scenario() -> None:
        for _ in range(2):  # two launches
            await ctl.start("serve://127.0.0.1:0")
            tokens.append(getattr(ctl.session.source, "token", None))  # type: ignore[union-attr]
            await ctl.stop()
        await ctl.start("serve://127.0.0.1:0")
        window.token_action.trigger()
        answer(window, agree=True)  # devices must pair again: asked first
        await wait_until(
            lambda: (
                ctl.session is not None
                and getattr(ctl.session.source, "token", None) not in (None, tokens[0])
            )
        )
        tokens.append(ctl.session.source.token)  # type: ignore[union-attr]
        await ctl.shutdown()

    run(qloop, scenario())
    kept = ctl.pairing_path.read_text().strip()
    assert tokens[0] == tokens[1] != tokens[2] == kept
    assert ctl.pairing_path.stat().st_mode & 0o777 == 0o600


def test_device_names_reach_the_title_and_the_plots(
    qloop: qasync.QEventLoop, window: MainWindow
) -> None:
    window.names.learn(
        "sio-957897",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Safari/604.1",
        "192.168.1.5",
    )
    window._device = "sio-957897"
    window._show_device_name()
    assert window.windowTitle().startswith("iPhone (Safari) · 192.168.1.5")
    if hasattr(window.plots, "device_label"):
        assert "iPhone (Safari)" in window.plots.device_label
    kept: list[tuple[str, str]] = []
    window.alias_changed.connect(lambda k, a: kept.append((k, a)))
    window.set_device_alias("sio-957897", "  Ana's  phone ")
    assert window.windowTitle().startswith("Ana's phone · 192.168.1.5")
    assert kept[0][0].startswith("ua:Mozilla/5.0 (iPhone")
    assert kept[0][1] == "Ana's phone"
    # the same phone back under a new id keeps its name
    window.names.learn("sio-1", window.names.identity("sio-957897").user_agent, "192.168.1.5")
    assert window.names("sio-1") == "Ana's phone · 192.168.1.5"
