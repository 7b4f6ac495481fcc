"""Blocking work in daemon threads, results handed back to the asyncio loop.

boto3 is synchronous. A Bedrock call runs in a daemon thread of its own, so a socket stuck in
a read never holds up the exit of the app (the socket timeouts end it anyway); what it reads
comes back to the loop with ``loop.call_soon_threadsafe``.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


def hand_off(loop: asyncio.AbstractEventLoop, fn: Callable[..., None], *args: Any) -> None:
    """Call ``fn(*args)`` on ``loop`` from any thread; dropped (and logged) if it is closed."""
    try:
        loop.call_soon_threadsafe(fn, *args)
    except RuntimeError:  # the loop is closed: nobody waits for this any more
        log.debug("loop closed; dropped a hand-off from a Bedrock thread")


def _resolve[T](fut: asyncio.Future[T], result: T | None, exc: BaseException | None) -> None:
    if fut.done():
        return
    if exc is not None:
        fut.set_exception(exc)
    else:
        fut.set_result(result)  # type: ignore[arg-type]


async def run_in_daemon_thread[T](fn: Callable[[], T], name: str) -> T:
    """Run a blocking function in a new daemon thread; await its result on the loop.

    Cancelling the await does not stop the thread (nothing can stop a blocked read); it just
    stops waiting. Daemon threads never hold up the interpreter's exit.
    """
    loop = asyncio.get_running_loop()
    fut: asyncio.Future[T] = loop.create_future()

    def target() -> None:
        try:
            result = fn()
        except BaseException as exc:  # noqa: BLE001  (handed to the loop, raised there)
            hand_off(loop, _resolve, fut, None, exc)
        else:
            hand_off(loop, _resolve, fut, result, None)

    threading.Thread(target=target, name=name, daemon=True).start()
    return await fut
