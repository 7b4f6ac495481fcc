"""The operator shell around the window: kept options, speech, diagnostics, About, export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import qasync
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from intelivision_desktop.app.cli import build_parser
from intelivision_desktop.app.controller import SessionController
from intelivision_desktop.app.gui import demo_sources
from intelivision_desktop.app.settings import SettingsStore
from intelivision_desktop.app.wiring import ui_services
from intelivision_desktop.io.resources import demo_recording
from intelivision_desktop.ui.about import AboutDialog
from intelivision_desktop.ui.export_dialog import ExportDialog
from intelivision_desktop.ui.main_window import MainWindow
from tests.gui.conftest import run, wait_until


def make_window(qtbot: object) -> MainWindow:
    w = MainWindow(demo_sources(), ui_services())
    qtbot.addWidget(w)  # type: ignore[attr-defined]
    w.resize(1280, 720)
    w.show()
    return w


def controller(window: MainWindow, store: SettingsStore | None, *argv: str) -> SessionController:
    return SessionController(window, build_parser().parse_args(list(argv)), store)


def saved(store: SettingsStore) -> dict[str, object]:
    doc = json.loads(store.path.read_text())
    assert doc["version"] >= 1
    return doc["options"]  # type: ignore[no-any-return]


def test_options_changed_in_the_window_are_kept_and_come_back(
    qloop: qasync.QEventLoop, qtbot: object, tmp_path: Path
) -> None:
    store = SettingsStore(tmp_path / "settings.json")
    w1 = make_window(qtbot)
    ctl = controller(w1, store)
    w1.history_combo.setCurrentIndex(w1.history_combo.findData(600.0))
    w1.follow_action.trigger()  # the operator turns follow live off

    async def replay() -> None:
        await ctl.start(f"replay://{demo_recording('car_and_dog')}")
        await wait_until(lambda: ctl.session is not None and w1.replay.source is not None)

    run(qloop, replay())
    w1.replay.speed_combo.setCurrentIndex(w1.replay.speed_combo.findData(4.0))
    w1.replay.speed_combo.activated.emit(w1.replay.speed_combo.currentIndex())
    w1.replay.loop_box.setChecked(True)
    run(qloop, ctl.shutdown())
    kept = saved(store)
    assert kept["history_s"] == 600.0
    assert kept["follow_live"] is False
    assert kept["replay_speed"] == 4.0
    assert kept["replay_loop"] is True
    assert kept["source_url"] == f"replay://{demo_recording('car_and_dog')}"

    # a new window (the next start) comes up with them, and a replay without ?speed= uses them
    w2 = make_window(qtbot)
    ctl2 = controller(w2, SettingsStore(store.path))
    assert w2.history_combo.currentData() == 600.0
    assert not w2.follow_action.isChecked()

    async def again() -> None:
        await ctl2.start(f"replay://{demo_recording('car_and_dog')}")
        await wait_until(lambda: ctl2.session is not None)

    run(qloop, again())
    src = ctl2.session.source  # type: ignore[union-attr]
    assert src.player.speed == 4.0
    assert src.loop is True
    assert w2.replay.speed_combo.currentData() == 4.0
    assert w2.recent_folder == str(demo_recording("car_and_dog").parent)
    run(qloop, ctl2.shutdown())


def test_alert_sound_is_a_view_menu_choice_that_is_kept(qtbot: object, tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "settings.json")
    w = make_window(qtbot)
    controller(w, store)
    assert not w.alert_sound_action.isChecked()  # off by default: a quiet console
    assert not w.alerts.sound
    w.alert_sound_action.trigger()  # the operator's click
    assert w.alerts.sound
    assert saved(store)["alert_sound"] is True
    # the next start comes up with it on
    w2 = make_window(qtbot)
    controller(w2, SettingsStore(store.path))
    assert w2.alert_sound_action.isChecked()
    assert w2.alerts.sound


def test_a_url_speed_wins_over_the_kept_one(
    qloop: qasync.QEventLoop, qtbot: object, tmp_path: Path
) -> None:
    store = SettingsStore(tmp_path / "settings.json")
    store.save(store.load().replace(replay_speed=4.0))
    w = make_window(qtbot)
    ctl = controller(w, store)

    async def scenario() -> None:
        await ctl.start(f"replay://{demo_recording('car_and_dog')}?speed=2")
        await wait_until(lambda: ctl.session is not None)

    run(qloop, scenario())
    assert ctl.session.source.player.speed == 2.0  # type: ignore[union-attr]
    run(qloop, ctl.shutdown())


def test_backend_settings_are_kept_without_the_token(
    qloop: qasync.QEventLoop, qtbot: object, tmp_path: Path
) -> None:
    store = SettingsStore(tmp_path / "settings.json")
    w = make_window(qtbot)
    ctl = controller(w, store)
    panel = w.connection
    panel.url.setText("http://127.0.0.1:9")
    panel.token.setText("s3cr3t-t0ken")
    panel.verify.setChecked(False)
    panel.token_in.setCurrentIndex(panel.token_in.findData("header"))
    panel.connect_button.click()
    text = store.path.read_text()
    assert "s3cr3t-t0ken" not in text
    kept = saved(store)
    assert kept["analyzer_url"] == "http://127.0.0.1:9"
    assert kept["link_verify_tls"] is False
    assert kept["link_token_in"] == "header"
    w2 = make_window(qtbot)
    controller(w2, SettingsStore(store.path))
    assert w2.connection.url.text() == "http://127.0.0.1:9"
    assert w2.connection.token.text() == ""
    assert not w2.connection.verify.isChecked()
    run(qloop, ctl.shutdown())


def test_a_settings_file_that_cannot_be_written_is_said_not_raised(
    qloop: qasync.QEventLoop, qtbot: object, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the settings folder should be")
    w = make_window(qtbot)
    ctl = controller(w, SettingsStore(blocker / "settings.json"))
    w.follow_action.trigger()
    assert "Settings not saved" in w.statusBar().currentMessage()
    assert ctl.options.follow_live is False  # still applied for this run


@pytest.mark.qt_log_ignore("does not support raise")  # the Backend dock floats at 1280×720
def test_copy_diagnostics_puts_the_session_on_the_clipboard(
    qloop: qasync.QEventLoop, qtbot: object, tmp_path: Path
) -> None:
    w = make_window(qtbot)
    # a backend with a token in its URL (nothing listens there: the rules stand in)
    ctl = controller(
        w,
        SettingsStore(tmp_path / "settings.json"),
        "--analyzer",
        "http://127.0.0.1:9/?token=hunter2",
    )

    async def scenario() -> None:
        await ctl.start("fake://person_waves?speed=10")
        await wait_until(lambda: ctl.session is not None and ctl.session.counters().frames > 3)

    run(qloop, scenario())
    QGuiApplication.clipboard().clear()
    w.diagnostics_action.trigger()
    text = QGuiApplication.clipboard().text()
    assert "fake://person_waves" in text
    assert "http://127.0.0.1:9/" in text
    assert "hunter2" not in text
    assert str(tmp_path / "settings.json") in text
    assert "Diagnostics copied" in w.statusBar().currentMessage()
    run(qloop, ctl.shutdown())


def test_about_opens_from_the_help_menu(qloop: qasync.QEventLoop, qtbot: object) -> None:
    w = make_window(qtbot)
    ctl = controller(w, None)
    w.about_action.trigger()
    dialogs = [d for d in QApplication.topLevelWidgets() if isinstance(d, AboutDialog)]
    assert len(dialogs) == 1
    assert dialogs[0].isVisible()
    assert ctl.about_dialog is dialogs[0]
    dialogs[0].close()


def test_speech_absent_disables_the_option_and_says_why(
    qloop: qasync.QEventLoop, qtbot: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no speech command anywhere
    w = make_window(qtbot)
    assert not w.speaker.available
    assert not w.speak_action.isEnabled()
    assert "not available" in w.speak_action.toolTip()
    assert w.speaker.reason in w.speak_action.toolTip()
    store = SettingsStore(tmp_path / "settings.json")
    store.save(store.load().replace(speech_enabled=True))
    controller(w, store)  # the kept "on" cannot turn on what is not there
    assert not w.speak_action.isChecked()
    assert not w.speaker.enabled


def test_speech_speaks_new_descriptions_of_the_followed_device(
    qloop: qasync.QEventLoop, qtbot: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    said = tmp_path / "said.txt"
    tool = tmp_path / "espeak-ng"
    tool.write_text(f'#!/bin/sh\nfor a; do last="$a"; done\necho "$last" >> {said}\n')
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    w = make_window(qtbot)
    assert w.speak_action.isEnabled(), w.speak_action.toolTip()
    w.speak_action.setChecked(True)
    ctl = controller(w, None)

    async def scenario() -> None:
        await ctl.start("demo://person_waves?speed=10&loop=0")
        await wait_until(lambda: w.timeline.model.rowCount() >= 3, within=20)
        await wait_until(lambda: said.exists() and len(said.read_text().splitlines()) >= 2)

    run(qloop, scenario())
    texts = {w.timeline.model.items[i].text for i in range(w.timeline.model.rowCount())}
    spoken = said.read_text().splitlines()
    assert spoken
    assert set(spoken) <= texts
    run(qloop, ctl.shutdown())


def test_export_from_the_file_menu_writes_and_remembers_the_folder(
    qloop: qasync.QEventLoop, qtbot: object, tmp_path: Path
) -> None:
    store = SettingsStore(tmp_path / "settings.json")
    w = make_window(qtbot)
    ctl = controller(w, store)

    async def scenario() -> None:
        await ctl.start("demo://person_waves?speed=20&loop=0")
        await wait_until(lambda: w.timeline.model.rowCount() >= 3, within=20)
        ctl.session.source.pause()  # type: ignore[union-attr]

    run(qloop, scenario())
    w.export_action.trigger()
    dialog = w.export_dialog
    assert isinstance(dialog, ExportDialog)
    out = tmp_path / "exports"
    dialog.folder_edit.setText(str(out))
    dialog.all_radio.setChecked(True)
    with qtbot.waitSignal(dialog.exported, timeout=20000):  # type: ignore[attr-defined]
        dialog.export_button.click()
    assert sorted(p.suffix for p in out.iterdir()) == [".csv", ".csv", ".png"]
    kept = saved(store)
    assert kept["export_folder"] == str(out)
    assert kept["export_range"] == "all"
    dialog.close()
    run(qloop, ctl.shutdown())


def test_what_the_app_does_by_itself_is_not_kept_as_a_preference(
    qloop: qasync.QEventLoop, qtbot: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tool = tmp_path / "bin" / "espeak-ng"
    tool.parent.mkdir()
    tool.write_text("#!/bin/sh\nexit 0\n")
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tool.parent}:/usr/bin:/bin")
    store = SettingsStore(tmp_path / "settings.json")
    w = make_window(qtbot)
    controller(w, store)
    w.speak_action.trigger()  # the operator turns speech on
    assert saved(store)["speech_enabled"] is True
    w.plots.set_follow(False)  # as panning the plots does
    assert not w.follow_action.isChecked()
    w.close()  # closing stops speech
    assert not w.speaker.enabled
    kept = saved(store)
    assert kept["speech_enabled"] is True, "closing the window is not turning speech off"
    assert kept.get("follow_live", True) is True, "panning is not turning follow live off"
