"""Qt fixtures: a qasync loop over pytest-qt's QApplication, with leak checks.

pytest-qt does not drive asyncio; scenarios run as coroutines on ``qloop`` with
``qloop.run_until_complete(asyncio.wait_for(scenario(), timeout))``. Exceptions raised in
loop callbacks are collected and fail the test at teardown, as do tasks left running.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
import qasync
from PySide6.QtWidgets import QApplication


@pytest.fixture(autouse=True)
def _fresh_layout(request: pytest.FixtureRequest) -> None:
    """Each Qt test starts from the default window layout, not from the last test's (the
    window keeps its geometry and docks in QSettings, under the test session's config home)."""
    if "qapp" in request.fixturenames or "qtbot" in request.fixturenames:
        from PySide6.QtCore import QSettings

        QSettings().clear()


@pytest.fixture(autouse=True)
def _english(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each Qt test runs in English as the app installs it: the app's English catalogue (the
    plural forms: "1 row", "2 rows") and Qt's, and the en_US locale for numbers. A test that
    wants Spanish installs it over this one (tests/gui/test_i18n.py)."""
    if "qapp" not in request.fixturenames and "qtbot" not in request.fixturenames:
        yield
        return
    from intelivision_desktop.app.i18n import install_translators, remove_translators

    qapp = request.getfixturevalue("qapp")
    install_translators(qapp, "en")
    try:
        yield
    finally:
        remove_translators(qapp)


@pytest.fixture(autouse=True)
def _qt_objects_die_on_the_main_thread(request: pytest.FixtureRequest) -> Iterator[None]:
    """Collect each test's Qt objects here, on the GUI thread.

    Left to chance, Python's garbage collector may run in a worker thread of a later test
    (boto3, serial readers) and destroy a QObject with a live timer there: Qt warns "Timers
    cannot be stopped from another thread" and can crash.
    """
    yield
    if "qapp" in request.fixturenames or "qtbot" in request.fixturenames:
        from PySide6.QtCore import QCoreApplication, QEvent

        gc.collect()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        gc.collect()


@pytest.fixture
def window(qloop: qasync.QEventLoop, qtbot: Any) -> Iterator[Any]:
    """The main window with the demo sources, shown at 1200×800, closed afterwards."""
    from intelivision_desktop.app.gui import demo_sources
    from intelivision_desktop.app.wiring import ui_services
    from intelivision_desktop.ui.main_window import MainWindow

    w = MainWindow(demo_sources(), ui_services())
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    yield w
    w.close()


@pytest.fixture
def qloop(qapp: QApplication) -> Iterator[qasync.QEventLoop]:
    loop = qasync.QEventLoop(qapp, already_running=False)
    errors: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _loop, ctx: errors.append(ctx))
    asyncio.set_event_loop(loop)
    try:
        yield loop
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for t in pending:
            t.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        assert not pending, f"tasks left running: {[t.get_name() for t in pending]}"
        assert not errors, f"errors in loop callbacks: {errors}"
    finally:
        asyncio.set_event_loop(None)
        loop.close()


async def wait_until(
    predicate: Callable[[], bool], within: float = 10.0, interval: float = 0.02
) -> None:
    """Await (letting Qt and asyncio run) until ``predicate()`` is true."""
    loop = asyncio.get_running_loop()
    end = loop.time() + within
    while not predicate():
        if loop.time() > end:
            raise AssertionError(f"condition not met within {within} s")
        await asyncio.sleep(interval)


def run(loop: qasync.QEventLoop, coro: Awaitable[Any], timeout: float = 30.0) -> Any:
    return loop.run_until_complete(asyncio.wait_for(coro, timeout))
