"""The serial monitor's feed: the newest raw lines, each marked good or bad with a reason."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable

import pytest

from intelivision_desktop.core.embedded import RulesAnalyzer
from intelivision_desktop.core.serial_settings import MonitorLine
from intelivision_desktop.core.session import Session
from intelivision_desktop.io.serial_source import MONITOR_LINES, serial_source_from_url
from scripts.fake_board import FakeBoard

pytestmark = pytest.mark.skipif(os.name != "posix", reason="pseudo-terminals are POSIX")


async def until(predicate: Callable[[], bool], within: float = 8.0) -> None:
    end = time.monotonic() + within
    while not predicate():
        if time.monotonic() > end:
            raise AssertionError(f"condition not met within {within} s")
        await asyncio.sleep(0.02)


def test_monitor_marks_malformed_lines_and_keeps_a_cap() -> None:
    with FakeBoard(fmt="arduino", channels=2, rate=1, autostart_lines=False) as board:
        src = serial_source_from_url(f"serial://{board.path}")
        session = Session(src, RulesAnalyzer(), history_s=60)
        got: list[MonitorLine] = []

        async def main() -> None:
            task = asyncio.create_task(session.run())
            try:
                seq = 0
                await asyncio.sleep(0.3)  # the reader is open; the first line counts whole
                board.write(b"a0:1.5\ta1:2\n")
                board.write(b"hello \xff world\n")
                board.write(b"a0:3\ta1:oops\n")
                board.write(b'{"timestamp": 1, "personas": [], "objetos": []}\n')

                def poll() -> bool:
                    nonlocal seq
                    seq, new = src.monitor_since(seq)
                    got.extend(new)
                    return len(got) >= 4

                await until(poll)
                assert src.monitor_since(seq) == (seq, [])  # nothing new: nothing again
                # more than the cap, in small writes (a batch gives the monitor its newest
                # MONITOR_PER_BATCH lines only)
                for first in range(0, MONITOR_LINES + 50, 25):
                    board.write(b"".join(b"a0:%d\n" % i for i in range(first, first + 25)))
                    want = seq + first + 25
                    await until(lambda want=want: src.monitor_since(0)[0] >= want)
            finally:
                session.stop()
                await asyncio.wait_for(task, 10)

        asyncio.run(main())
    kinds = [(m.line, m.kind) for m in got[:4]]
    assert kinds == [
        (b"a0:1.5\ta1:2", "values"),
        (b"hello \xff world", "bad"),
        (b"a0:3\ta1:oops", "partial"),
        (b'{"timestamp": 1, "personas": [], "objetos": []}', "frame"),
    ]
    assert got[1].reason
    assert not got[1].ok
    assert "oops" in got[2].reason
    assert all(m.t_ms > 1e12 for m in got)
    _seq, lines = src.monitor_since(0)
    assert len(lines) == MONITOR_LINES  # the cap: the newest kept
    assert lines[-1].line == b"a0:%d" % (MONITOR_LINES + 49)
