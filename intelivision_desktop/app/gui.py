"""The GUI entry: a QApplication on a qasync loop, the main window, screenshot and self-test."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from intelivision_desktop.core.session import Session

log = logging.getLogger(__name__)

SELF_TEST_SOURCE = "fake://person_waves?speed=max&loop=0&duration=30"


def _qt_message_handler(mode: object, context: object, message: str) -> None:
    from PySide6.QtCore import QtMsgType

    qlog = logging.getLogger("qt")
    level = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
        QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }.get(mode, logging.WARNING)  # type: ignore[call-overload]
    if "propagateSizeHints" in message:
        level = logging.DEBUG
    qlog.log(level, "%s", message)


def demo_sources() -> list[tuple[str, str]]:
    from PySide6.QtCore import QCoreApplication

    from intelivision_desktop.io.resources import demo_recordings

    translate = QCoreApplication.translate
    items = [(translate("gui", "Demo — all scenes"), "demo://")]
    try:
        items += [
            (
                translate("gui", "Demo — {scene}").format(scene=p.stem.replace("_", " ")),
                f"demo://{p.stem}",
            )
            for p in demo_recordings()
        ]
    except FileNotFoundError:
        log.warning("no demo recordings found")
    return items


def make_app() -> object:
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("InteliVision Desktop")
    app.setOrganizationName("InteliVision")
    app.setOrganizationDomain("intelivision.app")
    app.setDesktopFileName("intelivision-desktop")
    from PySide6.QtGui import QIcon

    from intelivision_desktop.io.resources import resources_dir

    icon = resources_dir() / "icons" / "intelivision.png"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    qInstallMessageHandler(_qt_message_handler)
    return app


async def run_window(args: argparse.Namespace, first: Session | None = None) -> int:
    from PySide6.QtGui import QFontDatabase
    from PySide6.QtWidgets import QApplication

    from intelivision_desktop.app.controller import SessionController
    from intelivision_desktop.app.logs import STARTUP_LINE
    from intelivision_desktop.app.wiring import ui_services
    from intelivision_desktop.ui.gc_guard import MainThreadCollector
    from intelivision_desktop.ui.main_window import MainWindow

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)
    collector = MainThreadCollector()
    window = MainWindow(demo_sources(), ui_services())
    from intelivision_desktop.app.settings import SettingsStore

    # the self-test and screenshots run on the defaults and leave the operator's settings alone
    tooling = args.self_test or args.screenshot is not None
    controller = SessionController(window, args, None if tooling else SettingsStore())
    closed = asyncio.Event()
    window.closed.connect(closed.set)
    if args.screenshot is not None or args.self_test:
        window.resize(*(args.window_size or (1440, 900)))
    window.show()
    source = SELF_TEST_SOURCE if args.self_test else args.source
    if first is not None:
        controller.adopt(first)
    else:
        await controller.start(source)
    if controller.session is None:
        window.close()
        return 2
    log.info("%s (source %s, analyzer %s)", STARTUP_LINE, source, args.analyzer)
    code = 0
    try:
        if args.self_test:
            code = await self_test(
                window, controller, QFontDatabase.families(), args.window_size or (1440, 900)
            )
        elif args.screenshot is not None:
            await wait_or_closed(closed, args.duration if args.duration else 5.0)
            code = save_screenshot(window, args.screenshot)
        else:
            await wait_or_closed(closed, args.duration)
    finally:
        await controller.shutdown()
        if window.isVisible():
            window.close()
        await asyncio.sleep(0)
        collector.stop()
    return code


async def wait_or_closed(closed: asyncio.Event, duration: float | None) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(closed.wait(), timeout=duration)


def save_screenshot(window: object, path: Path) -> int:
    from intelivision_desktop.ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    window.plots.redraw()  # grab() renders synchronously; no processEvents() inside a task
    path.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(path)):
        sys.stderr.write(f"intelivision-desktop: error: cannot write screenshot {path}\n")
        return 1
    log.info("screenshot saved to %s", path)
    sys.stdout.write(f"{path}\n")
    return 0


async def self_test(
    window: object, controller: object, fonts: list[str], size: tuple[int, int] = (1440, 900)
) -> int:
    """Run the generated scene to its end and check each stage produced something."""
    from intelivision_desktop.app.controller import SessionController
    from intelivision_desktop.ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    assert isinstance(controller, SessionController)
    t0 = time.monotonic()
    session = controller.session
    task = controller.task
    assert session is not None
    assert task is not None
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.shield(task), timeout=60)
    window.plots.redraw()
    c = session.counters()
    points = window.plots.points_drawn("people")
    rows = window.timeline.model.rowCount()
    problems = []
    if not fonts:
        problems.append("no fonts installed (text would render as boxes)")
    if c.frames == 0:
        problems.append("no frames from the source")
    if c.descriptions == 0 or rows == 0:
        problems.append("no descriptions reached the timeline")
    if points == 0:
        problems.append("nothing plotted")
    state = session.states["source"][0].value
    if state != "finished":
        problems.append(f"source ended as {state}")
    problems += window.layout_problems(size)
    from intelivision_desktop.app.diagnostics import versions

    missing = [n for n, v in versions() if v == "not installed" and n != "PySide6-Addons"]
    if missing:  # About and the diagnostics would not know them (a bundle without metadata)
        problems.append("no version known for " + ", ".join(missing))
    screen = window.screen()
    scale = screen.devicePixelRatio() if screen is not None else 1.0
    took = time.monotonic() - t0
    if problems:
        sys.stdout.write("self-test: FAILED: " + "; ".join(problems) + "\n")
        return 1
    sys.stdout.write(
        f"self-test: OK: {c.frames} frames, {c.windows} windows, {c.descriptions} descriptions, "
        f"{rows} timeline rows, {points} points plotted, {len(fonts)} font families, "
        f"window {window.width()}×{window.height()} at scale {scale:g}, {took:.2f} s\n"
    )
    return 0


def main_gui(args: argparse.Namespace, first: Session | None = None) -> int:
    offscreen = args.screenshot is not None or args.self_test
    no_display = sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )
    if offscreen or no_display:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import qasync

    app = make_app()
    install_language(app, args)
    return asyncio.run(run_window(args, first), loop_factory=qasync.QEventLoop)


def install_language(app: object, args: argparse.Namespace) -> str:
    """The window's language: ``--lang`` > the settings file's ``language`` > the system's
    (the self-test and screenshots leave the settings alone: ``--lang`` or the system's).
    Applied before the window is built; a change applies at the next start."""
    from PySide6.QtCore import QCoreApplication

    from intelivision_desktop.app.i18n import install_translators, language_setting

    tooling = getattr(args, "self_test", False) or getattr(args, "screenshot", None) is not None
    setting = None if tooling else language_setting()
    assert app is None or isinstance(app, QCoreApplication)
    return install_translators(app, getattr(args, "lang", None), setting=setting)
