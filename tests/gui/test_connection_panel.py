"""The connection panel drives a real Socket.IO backend on 127.0.0.1 from the GUI."""

from __future__ import annotations

from pathlib import Path

import qasync
from PySide6.QtCore import Qt

from intelivision_desktop.app.cli import build_parser
from intelivision_desktop.app.controller import SessionController
from intelivision_desktop.app.gui import demo_sources
from intelivision_desktop.app.settings import SettingsStore
from intelivision_desktop.app.wiring import ui_services
from intelivision_desktop.core.embedded import RulesAnalyzer
from intelivision_desktop.io.links import BackendLink, LinkOptions
from intelivision_desktop.ui.main_window import MainWindow
from tests.gui.conftest import run, wait_until
from tests.integration.backends import SocketIOBackend


def test_connect_to_a_backend_and_back_to_rules(qloop: qasync.QEventLoop, qtbot: object) -> None:
    window = MainWindow(demo_sources(), ui_services())
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.show()
    ctl = SessionController(window, build_parser().parse_args([]))
    server = SocketIOBackend()
    panel = window.connection
    assert not window.backend_dock.isVisible()  # offline by default: the panel stays out of the way
    window.backend_dock.toggleViewAction().trigger()  # the toolbar's "Backend…"
    assert panel.isVisible()

    async def scenario() -> None:
        await server.start()
        try:
            await ctl.start("demo://person_waves?speed=5")
            await wait_until(lambda: window.timeline.model.rowCount() >= 1, within=20)
            first_session = ctl.session
            panel.url.setText(server.url)
            qtbot.mouseClick(panel.connect_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
            await wait_until(lambda: isinstance(ctl.session and ctl.session.analyzer, BackendLink))
            assert ctl.session is first_session  # the source was not restarted
            await wait_until(
                lambda: any(d.source == "socketio" for d in window.timeline.model.items), within=20
            )
            assert "live" in panel.state.text()
            await wait_until(lambda: "round trip" in panel.numbers.text(), within=10)
            qtbot.mouseClick(panel.disconnect_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
            assert ctl.session is not None
            assert isinstance(ctl.session.analyzer, RulesAnalyzer)
            await ctl.shutdown()
        finally:
            await server.stop()

    run(qloop, scenario(), timeout=60)
    assert server.connects == 1


def test_a_token_in_the_backend_url_survives_a_source_change(
    qloop: qasync.QEventLoop, qtbot: object, tmp_path: Path
) -> None:
    """The operator connects with ``?token=`` in the URL, then picks another source: the new
    session's link presents the same token (not the ``***`` shown on screen), and the
    settings file keeps the backend without the token."""
    window = MainWindow(demo_sources(), ui_services())
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.show()
    store = SettingsStore(tmp_path / "settings.json")
    ctl = SessionController(window, build_parser().parse_args([]), store)
    server = SocketIOBackend(token="s3cret-tok")
    panel = window.connection
    window.backend_dock.show()

    async def scenario() -> None:
        await server.start()
        try:
            await ctl.start("demo://person_waves?speed=5")
            panel.url.setText(f"{server.url}/?token=s3cret-tok")
            qtbot.mouseClick(panel.connect_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
            await wait_until(lambda: server.connects == 1, within=20)
            await ctl.start("demo://car_and_dog?speed=5")  # another source: a new session
            assert ctl.session is not None
            assert isinstance(ctl.session.analyzer, BackendLink)
            await wait_until(lambda: server.connects >= 2 or server.refused > 0, within=20)
            await ctl.shutdown()
        finally:
            await server.stop()

    run(qloop, scenario(), timeout=60)
    assert server.refused == 0
    assert server.connects >= 2
    kept = (tmp_path / "settings.json").read_text()
    assert "s3cret-tok" not in kept
    assert "***" not in kept
    assert "REDACTED" not in kept
    assert f"127.0.0.1:{server.port}" in kept


def test_tls_warning_and_missing_ca_file(qapp: object, qtbot: object) -> None:
    window = MainWindow(demo_sources(), ui_services())
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.show()
    window.backend_dock.show()  # hidden by default (Ctrl+B)
    panel = window.connection
    assert not panel.tls_warning.isVisible()
    panel.verify.setChecked(False)
    assert panel.tls_warning.isVisible()
    asked: list[tuple[str, dict[str, object]]] = []
    panel.connect_requested.connect(lambda url, opts: asked.append((url, opts)))
    panel.url.setText("https://example.invalid")
    panel.ca_file.setText("/no/such/ca.pem")
    panel.connect_button.click()
    assert not asked
    assert "CA file not found" in panel.error.text()
    panel.ca_file.setText("")
    panel.token.setText("t0k")
    panel.connect_button.click()
    assert asked[0][0] == "https://example.invalid"
    assert asked[0][1]["verify_tls"] is False
    assert asked[0][1]["token"] == "t0k"


def test_a_silent_backend_is_shown_first_in_the_panel(qapp: object, qtbot: object) -> None:
    window = MainWindow(demo_sources(), ui_services())
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.show()
    window.backend_dock.show()
    link = BackendLink(LinkOptions(url="http://127.0.0.1:3001"))
    link.stats.sent = 120
    window.connection.update_numbers(link)
    assert "silent" not in window.connection.numbers.text()
    link.stats.silent = "backend silent: 120 frames with detections sent, no description in 31 s"
    link.stats.held, link.stats.failover_frames = 3, 0
    window.connection.update_numbers(link)
    text = window.connection.numbers.text()
    assert text.splitlines()[0].endswith(link.stats.silent)
    assert "held while connecting 3" in text
