"""Render the README's screenshots offscreen: a replay with its controls, an export.

    ./run python scripts/take_screenshots.py [--out docs/screenshots] [--scale 1.0]
    DISPLAY=:99 QT_QPA_PLATFORM=xcb ./run python scripts/take_screenshots.py --docks
    DISPLAY=:99 trayer --edge top --align right &   # a system tray, then:
    DISPLAY=:99 QT_QPA_PLATFORM=xcb ./run python scripts/take_screenshots.py --tray

``--docks`` (under a real X server: ``Xvfb :99 -screen 0 1920x1080x24``) opens the window at
1280×800 with each dock in turn (Backend, Recordings, Serial device, Serial monitor on a fake
board with malformed lines, Devices with two phones connected) and saves the X screen's
window area as ``dock-<name>.png`` (``import -window root`` when ImageMagick is there).

It drives the real window on the demo recordings (a replay sought and paused, then the export
dialog after an export of the visible range) and saves what an operator would see. Settings,
logs and data go to a temporary folder, never the user's.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


async def until(pred: Callable[[], bool], within: float = 20.0) -> None:
    end = time.monotonic() + within
    while not pred():
        if time.monotonic() > end:
            import traceback

            traceback.print_stack(limit=3)
            raise SystemExit("screenshots: the window did not get there in time")
        await asyncio.sleep(0.02)


async def close(ctl: Any, window: Any) -> None:
    """End the session and close the window without asking (a recording may be open)."""
    await ctl.shutdown()
    window.confirm_quit = False
    window.close()


async def shoot(out: Path, size: tuple[int, int]) -> None:
    from PySide6.QtWidgets import QWidget

    from intelivision_desktop.app.cli import build_parser
    from intelivision_desktop.app.controller import SessionController
    from intelivision_desktop.app.gui import demo_sources
    from intelivision_desktop.app.wiring import ui_services
    from intelivision_desktop.io.resources import demo_recording
    from intelivision_desktop.ui.main_window import MainWindow

    def save(widget: QWidget, name: str) -> None:
        path = out / name
        if not widget.grab().save(str(path)):
            raise SystemExit(f"screenshots: cannot write {path}")
        sys.stdout.write(f"{path}\n")

    window = MainWindow(demo_sources(), ui_services())
    window.resize(*size)
    window.show()
    ctl = SessionController(window, build_parser().parse_args([]), None)
    busy = demo_recording("busy_street")
    await ctl.start(f"replay://{busy}?speed=10")
    assert ctl.session is not None
    src = ctl.session.source
    await until(lambda: src.position_s > 45)  # type: ignore[attr-defined]
    window.replay.seek(30.0)
    await until(lambda: src.seeks == 1)  # type: ignore[attr-defined]
    await until(lambda: src.position_s > 62)  # type: ignore[attr-defined]
    window.replay.toggle()  # pause: the bar shows Play, the position stays
    window.timeline.select_row(window.timeline.model.rowCount() - 1)
    window.plots.redraw()
    save(window, "replay.png")

    window.open_export()
    dialog = window.export_dialog
    assert dialog is not None
    dialog.folder_edit.setText(str(out / "export"))
    done = asyncio.Event()
    dialog.exported.connect(lambda _files: done.set())
    dialog.failed.connect(lambda msg: sys.stderr.write(f"export failed: {msg}\n"))
    dialog.export_button.click()
    await asyncio.wait_for(done.wait(), 30)
    await asyncio.sleep(0.2)
    save(dialog, "export-dialog.png")
    dialog.close()
    await close(ctl, window)


async def phone(url: str, user_agent: str, scene: str, stop: asyncio.Event) -> None:
    import socketio

    from intelivision_desktop.core.scenes import generate_scene

    client = socketio.AsyncClient(reconnection=False)
    await client.connect(url, transports=["websocket"], headers={"User-Agent": user_agent})
    while not stop.is_set():
        for frame in generate_scene(scene, seed=1, duration_s=10):
            frame["timestamp"] = int(time.time() * 1000)
            await client.emit("sensor-data", frame)
            await asyncio.sleep(0.2)
            if stop.is_set():
                break
    await client.disconnect()


async def shoot_docks(out: Path, size: tuple[int, int]) -> None:

    from intelivision_desktop.app.cli import build_parser
    from intelivision_desktop.app.controller import SessionController
    from intelivision_desktop.app.gui import demo_sources
    from intelivision_desktop.app.wiring import ui_services
    from intelivision_desktop.ui.main_window import MainWindow
    from scripts.fake_board import FakeBoard

    window = MainWindow(demo_sources(), ui_services())
    window.resize(*size)
    window.move(40, 40)
    window.show()
    ctl = SessionController(window, build_parser().parse_args([]), None)

    shot = _x11_saver(window, out)

    def save(name: str) -> None:
        shot(f"dock-{name}")

    async def settle(seconds: float = 1.5) -> None:
        await asyncio.sleep(seconds)

    def only(dock: object) -> None:
        for d in window.docks:
            if d is not dock:
                d.hide()
        dock.show()  # type: ignore[attr-defined]
        dock.raise_()  # type: ignore[attr-defined]

    await ctl.start("demo://")
    await until(lambda: ctl.session.counters().descriptions >= 3, within=40)  # type: ignore[union-attr]
    for dock, name in (
        (window.backend_dock, "backend"),
        (window.recordings_dock, "recordings"),
        (window.serial_dock, "serial"),
    ):
        only(dock)
        await settle()
        save(name)

    with FakeBoard(fmt="arduino", channels=4, rate=20, bad_every=7) as board:
        window.request_source(f"serial://{board.path}")
        await until(lambda: ctl.session is not None and "serial" in ctl.session.source.url)
        only(window.monitor_dock)
        await settle(3.0)
        save("serial-monitor")
        await ctl.stop()

    window.serve_port = 0
    window.serve_action.trigger()
    await until(lambda: ctl.session is not None and ctl.session.source.url.startswith("serve"))
    server = ctl.session.source  # type: ignore[union-attr]
    await until(lambda: server.port != 0)  # type: ignore[attr-defined]
    url = server.device_urls()["socketio"]  # type: ignore[attr-defined]
    stop = asyncio.Event()
    phones = [
        asyncio.create_task(phone(url, ua, scene, stop))
        for ua, scene in (
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 "
                "Mobile/15E148 Safari/604.1",
                "person_waves",
            ),
            (
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/120.0 Mobile Safari/537.36",
                "car_and_dog",
            ),
        )
    ]
    await until(lambda: window.connected_devices() == 2)
    only(window.devices_dock)
    await settle(4.0)
    save("devices")
    stop.set()
    await asyncio.gather(*phones, return_exceptions=True)
    await close(ctl, window)


async def shoot_extras(out: Path, size: tuple[int, int]) -> None:
    """Under X11: the Backend panel of a silent backend, a stale serial plot, and the timeline
    with collapsed repeats (issues 11 and 12)."""
    import json

    from intelivision_desktop.app.cli import build_parser
    from intelivision_desktop.app.controller import SessionController
    from intelivision_desktop.app.gui import demo_sources
    from intelivision_desktop.app.wiring import ui_services
    from intelivision_desktop.io.resources import demo_recording
    from intelivision_desktop.ui.main_window import MainWindow
    from scripts.fake_board import FakeBoard
    from tests.integration.backends import SocketIOBackend

    window = MainWindow(demo_sources(), ui_services())
    window.resize(*size)
    window.move(40, 40)
    window.show()
    ctl = SessionController(window, build_parser().parse_args([]), None)
    save = _x11_saver(window, out)

    def only(dock: object) -> None:
        for d in window.docks:
            if d is not dock:
                d.hide()
        dock.show()  # type: ignore[attr-defined]
        dock.raise_()  # type: ignore[attr-defined]

    # 1. a backend that drops every frame: recorded timestamps on the wire (stamp=source)
    async with SocketIOBackend() as backend:
        await ctl.start(f"replay://{demo_recording('car_and_dog')}?loop=1")
        ctl.use_backend(f"{backend.url}?stamp=source", {})
        only(window.backend_dock)
        link = ctl.session.analyzer  # type: ignore[union-attr]
        await until(lambda: bool(getattr(getattr(link, "stats", None), "silent", "")), 60)
        await asyncio.sleep(2.0)
        only(window.backend_dock)  # the scene's alerts brought their dock forward
        await asyncio.sleep(1.5)
        save("backend-silent")
        ctl.use_rules()
        await ctl.stop()

    # 2. a serial board that stops sending: the plot says since when
    with FakeBoard(fmt="arduino", channels=4, rate=50) as board:
        window.request_source(f"serial://{board.path}")
        await until(lambda: ctl.session is not None and "serial" in ctl.session.source.url)
        for d in window.docks:
            d.hide()
        await asyncio.sleep(6.0)
        board.pause()
        await asyncio.sleep(5.0)
        save("serial-stale")
        await ctl.stop()

    # 3. the same phrase again and again (distance changing): one row with a count
    tmp = Path(tempfile.mkdtemp(prefix="iv-repeats-")) / "repeats.jsonl"
    rows = []
    for i in range(200):
        near = "1.2m" if (i // 10) % 2 else "1.8m"
        person = {"posicion": "frente", "distancia": near, "expresion": "feliz", "gesto": "ninguno"}
        if i >= 150:
            person = {**person, "posicion": "izquierda"}
        rows.append({"timestamp": 1767000000000 + 200 * i, "personas": [person], "objetos": []})
    tmp.write_text("".join(json.dumps(r) + "\n" for r in rows))
    await ctl.start(f"replay://{tmp}?speed=4")
    await until(lambda: window.timeline.model.rowCount() >= 2, 60)
    await asyncio.sleep(3.0)
    save("timeline-repeats")
    await close(ctl, window)


async def shoot_fleet(out: Path, size: tuple[int, int]) -> None:
    """Under X11 (issue 16): the local serverless stack, three simulated devices streaming,
    this app watching the deployment; the Fleet dock with all three live, the Alerts dock
    with a danger alert (car and dog) and a silent-device alert (one device stops sending)."""
    import json

    from websockets.asyncio.client import connect

    from intelivision_desktop.app.cli import build_parser
    from intelivision_desktop.app.controller import SessionController
    from intelivision_desktop.app.gui import demo_sources
    from intelivision_desktop.app.wiring import ui_services
    from intelivision_desktop.io.resources import demo_recording
    from intelivision_desktop.ui.main_window import MainWindow
    from scripts.cloud_local import LocalStack, free_port

    stop_sending = asyncio.Event()
    done = asyncio.Event()

    async def device(url: str, scene: str, user_agent: str, stops: bool) -> None:
        frames = [json.loads(x) for x in demo_recording(scene).read_text().splitlines()]
        async with connect(url, proxy=None, user_agent_header=user_agent, open_timeout=30) as ws:
            for f in frames:
                if done.is_set():
                    return
                if stops and stop_sending.is_set():
                    await done.wait()  # connected, silent: a phone whose app froze
                    return
                body = {"action": "sensor-data", **f, "timestamp": int(time.time() * 1000)}
                await ws.send(json.dumps(body))
                await asyncio.sleep(0.2)

    with LocalStack(free_port()) as stack:
        window = MainWindow(demo_sources(), ui_services())
        window.resize(*size)
        window.move(40, 40)
        window.show()
        ctl = SessionController(window, build_parser().parse_args([]), None)
        save = _x11_saver(window, out)
        await ctl.start(f"observe+{stack.observer_url}")
        await until(lambda: ctl.session is not None and window.fleet_dock.isVisible(), 30)
        phones = [
            asyncio.create_task(device(stack.url, scene, ua, stops))
            for scene, ua, stops in (
                ("car_and_dog", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Safari/604.1", False),
                ("person_waves", "Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/120.0", False),
                ("quiet_corridor", "InteliVision/1.2 (glasses)", True),
            )
        ]
        src = ctl.session.source  # type: ignore[union-attr]
        await until(lambda: len(getattr(src, "devices", {})) >= 3, 60)
        session = ctl.session
        await until(
            lambda: any(a.kind == "danger" for a in session.alerts),  # type: ignore[union-attr]
            120,
        )
        stop_sending.set()
        await until(
            lambda: any(a.kind == "silent" for a in session.alerts),  # type: ignore[union-attr]
            60,
        )
        window.fleet_dock.show()
        window.fleet_dock.raise_()
        await asyncio.sleep(2.0)
        save("fleet-devices")
        window.alerts_dock.show()
        window.alerts_dock.raise_()
        await asyncio.sleep(1.0)
        save("fleet-alerts")
        done.set()
        await asyncio.gather(*phones, return_exceptions=True)
        await close(ctl, window)


async def shoot_tray(out: Path, size: tuple[int, int]) -> None:
    """The tray icon and an alert's desktop notification: needs a system tray on the X
    server (``trayer --edge top --align right`` under Xvfb). Saves the screen's top strip,
    window and notification, as ``tray-notification.png``."""
    import shutil

    from PySide6.QtWidgets import QSystemTrayIcon

    from intelivision_desktop.app.cli import build_parser
    from intelivision_desktop.app.controller import SessionController
    from intelivision_desktop.app.gui import demo_sources
    from intelivision_desktop.app.wiring import ui_services
    from intelivision_desktop.io.resources import demo_recording
    from intelivision_desktop.ui.main_window import MainWindow

    if not QSystemTrayIcon.isSystemTrayAvailable() or not shutil.which("import"):
        raise SystemExit("screenshots: --tray needs a system tray and ImageMagick's import")
    window = MainWindow(demo_sources(), ui_services())
    window.resize(*size)
    window.move(0, 0)
    window.show()
    ctl = SessionController(window, build_parser().parse_args([]), None)
    window.set_alert_sound(True)  # View → Alert sound and notifications
    await ctl.start(f"replay://{demo_recording('car_and_dog')}?speed=4")
    await until(lambda: window.alerts.table.rowCount() > 0, within=60)
    await asyncio.sleep(1.5)  # the notification's fade-in
    _screen_strip(out / "tray-notification.png", window.frameGeometry().height())
    await close(ctl, window)


def _screen_strip(path: Path, height: int) -> None:
    """The X screen's top ``height`` pixels (window, tray and notification) to ``path``."""
    import subprocess

    full = path.with_name(f".root-{path.name}")
    subprocess.run(["import", "-window", "root", str(full)], check=True)
    crop = f"x{height}+0+0"
    subprocess.run(["convert", str(full), "-crop", crop, "+repage", str(path)], check=True)
    full.unlink()
    sys.stdout.write(f"{path}\n")


def _x11_saver(window: object, out: Path) -> Callable[[str], None]:
    import shutil
    import subprocess

    from PySide6.QtGui import QGuiApplication

    def save(name: str) -> None:
        window.plots.redraw()  # type: ignore[attr-defined]
        path = out / f"{name}.png"
        g = window.frameGeometry()  # type: ignore[attr-defined]
        if shutil.which("import") and QGuiApplication.platformName() == "xcb":
            full = out / f".root-{name}.png"
            subprocess.run(["import", "-window", "root", str(full)], check=True)
            crop = f"{g.width()}x{g.height()}+{g.x()}+{g.y()}"
            subprocess.run(["convert", str(full), "-crop", crop, "+repage", str(path)], check=True)
            full.unlink()
        else:
            window.grab().save(str(path))  # type: ignore[attr-defined]
        sys.stdout.write(f"{path}\n")

    return save


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    ap.add_argument("--size", default="1280x760", help="window size, logical pixels")
    ap.add_argument("--docks", action="store_true", help="each dock open at 1280×800 (X11)")
    ap.add_argument(
        "--extras", action="store_true", help="silent backend, stale plot, repeats (X11)"
    )
    ap.add_argument("--fleet", action="store_true", help="the fleet console (X11, Node.js)")
    ap.add_argument("--tray", action="store_true", help="an alert's notification (X11, tray)")
    args = ap.parse_args()
    if (args.docks or args.extras or args.fleet or args.tray) and args.size == "1280x760":
        args.size = "1280x800"
    w, h = (int(x) for x in args.size.split("x"))
    home = Path(tempfile.mkdtemp(prefix="iv-shots-"))
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        os.environ[var] = str(home / var.lower())
    os.environ["INTELIVISION_LOG_DIR"] = str(home / "log")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    args.out.mkdir(parents=True, exist_ok=True)

    import qasync
    from PySide6.QtWidgets import QApplication

    from intelivision_desktop.app.gui import make_app

    make_app()
    from intelivision_desktop.app.i18n import install_translators

    install_translators(QApplication.instance(), "en")  # as the app does: plurals, "1 row"
    if args.fleet:
        sys.path.insert(0, str(ROOT))  # scripts.cloud_local
        app = QApplication.instance()
        app.setQuitOnLastWindowClosed(False)  # type: ignore[union-attr]
        asyncio.run(shoot_fleet(args.out.resolve(), (w, h)), loop_factory=qasync.QEventLoop)
    elif args.tray:
        app = QApplication.instance()
        app.setQuitOnLastWindowClosed(False)  # type: ignore[union-attr]
        asyncio.run(shoot_tray(args.out.resolve(), (w, h)), loop_factory=qasync.QEventLoop)
    elif args.extras:
        sys.path.insert(0, str(ROOT))  # scripts.fake_board, tests.integration.backends
        app = QApplication.instance()
        app.setQuitOnLastWindowClosed(False)  # type: ignore[union-attr]
        asyncio.run(shoot_extras(args.out.resolve(), (w, h)), loop_factory=qasync.QEventLoop)
    elif args.docks:
        sys.path.insert(0, str(ROOT))  # scripts.fake_board
        app = QApplication.instance()
        app.setQuitOnLastWindowClosed(False)  # type: ignore[union-attr]
        asyncio.run(shoot_docks(args.out.resolve(), (w, h)), loop_factory=qasync.QEventLoop)
    else:
        asyncio.run(shoot(args.out.resolve(), (w, h)), loop_factory=qasync.QEventLoop)
    return 0


if __name__ == "__main__":
    sys.exit(main())
