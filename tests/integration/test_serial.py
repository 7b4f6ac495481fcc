"""Serial sources against real pseudo-terminals and local TCP servers (no hardware).

A fake board (``scripts/fake_board.py``) writes each format at rate into a pty; the source
reads it through pyserial like a USB serial port. Unplugging closes the pty; replugging makes
a new one behind the same symlink (or a different port that carries the same USB identity).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from intelivision_desktop.core.embedded import RulesAnalyzer
from intelivision_desktop.core.lines import MAX_CHANNELS
from intelivision_desktop.core.model import LinkState, StateChange
from intelivision_desktop.core.recording import RecordingParser, SampleBlock
from intelivision_desktop.core.serial_settings import PortInfo, SerialConfig, parse_serial_url
from intelivision_desktop.core.session import Session
from intelivision_desktop.io.recorder import JsonlRecorder
from intelivision_desktop.io.serial_source import (
    SerialSource,
    list_ports,
    serial_source_from_url,
    spread_times,
)
from intelivision_desktop.io.sources import ReplaySource
from scripts.fake_board import FakeBoard

pytestmark = pytest.mark.skipif(os.name != "posix", reason="pseudo-terminals are POSIX")


# --- helpers --------------------------------------------------------------------------------


async def until(predicate: Callable[[], bool], within: float = 8.0) -> None:
    end = time.monotonic() + within
    while not predicate():
        if time.monotonic() > end:
            raise AssertionError(f"condition not met within {within} s")
        await asyncio.sleep(0.01)


def session_for(source: SerialSource, recorder: JsonlRecorder | None = None) -> Session:
    return Session(source, RulesAnalyzer(), recorder, history_s=60)


def run_with(
    session: Session, scenario: Callable[[], Awaitable[None]], timeout: float = 30.0
) -> None:
    """Run the session while ``scenario`` drives the board; stop it and check it stopped."""

    async def main() -> None:
        task = asyncio.create_task(session.run(), name="session")
        try:
            await asyncio.wait_for(scenario(), timeout)
        finally:
            session.stop()
            await asyncio.wait_for(task, 10)
        assert not any(t.name.startswith("serial-reader") for t in threading.enumerate())

    asyncio.run(main())


def states(session: Session) -> list[tuple[LinkState, str]]:
    out: list[tuple[LinkState, str]] = []
    session.subscribe(
        lambda e: (
            out.append((e.state, e.detail))
            if isinstance(e, StateChange)
            and e.component == "source"
            and e.state is not LinkState.CONNECTING
            else None
        )
    )
    return out


def rows(session: Session, device: str) -> int:
    store = session.stores.get(device)
    return 0 if store is None else store.total


@pytest.fixture
def board_link(tmp_path: Path) -> Path:
    return tmp_path / "board0"


# --- URLs -------------------------------------------------------------------------------------


def test_url_options() -> None:
    cfg = parse_serial_url("serial:///dev/ttyUSB0?baud=9600&format=csv&dtr=1&rts=0&eol=crlf")
    assert cfg == SerialConfig(
        port="/dev/ttyUSB0",
        baud=9600,
        format=cfg.format,
        dtr=True,
        rts=False,
        eol="crlf",
        device_id="ttyUSB0",
    )
    assert cfg.format.value == "csv"
    assert parse_serial_url("serial://ttyACM0").port == "/dev/ttyACM0"
    assert parse_serial_url("serial://ttyACM0?device=glove&rate=250").device_id == "glove"
    sock = parse_serial_url("socket://127.0.0.1:7000?baud=57600&logging=debug")
    assert sock.port == "socket://127.0.0.1:7000?logging=debug"
    assert sock.baud == 57600
    assert parse_serial_url("loop://").port == "loop://"
    assert parse_serial_url("rfc2217://host:2217?ign_set_control").port == (
        "rfc2217://host:2217?ign_set_control"
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("serial://", "no port"),
        ("serial:///dev/x?baud=fast", "baud must be a whole number"),
        ("serial:///dev/x?baud=10", "baud must be between"),
        ("serial:///dev/x?format=xml", "unknown line format"),
        ("serial:///dev/x?parity=E", "unknown option(s) parity"),
        ("serial:///dev/x?dtr=maybe", "dtr must be 0 or 1"),
        ("serial:///dev/x?eol=lfcr", "eol must be one of"),
        ("serial:///dev/x?rate=0", "rate must be between"),
        ("socket://", "socket://HOST:PORT"),
        ("http://example.com", "not a serial URL"),
    ],
)
def test_bad_urls_say_what_is_wrong(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        serial_source_from_url(url)


def test_port_listing_and_identity() -> None:
    ports = list_ports()
    assert all(isinstance(p, PortInfo) for p in ports)
    uno = PortInfo("/dev/ttyACM0", "Arduino Uno", vid=0x2341, pid=0x0043, serial_number="85735")
    assert uno.usb_ids == "2341:0043"
    assert uno.label == "/dev/ttyACM0 — Arduino Uno [2341:0043 SN 85735]"
    moved = PortInfo("/dev/ttyACM1", "Arduino Uno", vid=0x2341, pid=0x0043, serial_number="85735")
    other = PortInfo("/dev/ttyACM2", "Arduino Uno", vid=0x2341, pid=0x0043, serial_number="1")
    assert uno.same_device(moved)
    assert not uno.same_device(other)
    assert not PortInfo("/dev/ttyS0").same_device(PortInfo("/dev/ttyS0"))


def test_spread_times() -> None:
    assert spread_times(0.0, 1.0, 4, 0.4).tolist() == pytest.approx([0.7, 0.8, 0.9, 1.0])
    assert spread_times(0.95, 1.0, 2, 0.4).tolist() == pytest.approx([0.975, 1.0])
    assert spread_times(0.0, 1.0, 1, 0.4).tolist() == [1.0]


# --- formats at rate --------------------------------------------------------------------------


def test_arduino_lines_at_1khz_8_channels() -> None:
    with FakeBoard(fmt="arduino", channels=8, rate=1000) as board:
        src = serial_source_from_url(f"serial://{board.path}")
        session = session_for(src)
        seen = states(session)
        wall0 = time.time() * 1000

        async def scenario() -> None:
            await until(lambda: rows(session, src.device_id) >= 1500)

        run_with(session, scenario)
        wall1 = time.time() * 1000
    store = session.stores[src.device_id]
    assert store.names == [f"a{k}" for k in range(8)]
    ts = store.times() * 1000
    assert wall0 <= ts[0] <= ts[-1] <= wall1
    assert np.all(np.diff(ts) >= 0)
    assert np.median(np.diff(ts)) == pytest.approx(1.0, abs=0.3)
    a3 = store.column("a3")
    assert np.all(np.isfinite(a3))
    assert np.all((a3 > 2.0) & (a3 < 4.0))
    c = session.counters()
    assert c.samples == store.total
    assert c.malformed == 0
    assert src.stats["rows"] == store.total
    assert src.rate_hz is not None
    assert 1000 <= src.rate_hz <= 1600  # measured, with headroom, sizes the history
    assert store.capacity >= 60 * 1000
    assert seen[0][0] is LinkState.LIVE
    assert session.states["source"][0] is LinkState.STOPPED


@pytest.mark.parametrize(
    ("fmt", "url_format"),
    [("bare", "auto"), ("csv", "auto"), ("csv", "csv"), ("json", "auto"), ("json", "json")],
)
def test_each_format(fmt: str, url_format: str) -> None:
    # the board starts printing (header first) after we connect, as one reset by opening
    with FakeBoard(fmt=fmt, channels=4, rate=500, autostart_lines=False) as board:
        src = serial_source_from_url(f"serial://{board.path}?format={url_format}")
        session = session_for(src)

        async def scenario() -> None:
            await until(lambda: session.states["source"][0] is LinkState.LIVE)
            await asyncio.sleep(0.2)
            board.resume()
            await until(lambda: rows(session, src.device_id) >= 600)

        run_with(session, scenario)
    store = session.stores[src.device_id]
    assert store.names == ["a0", "a1", "a2", "a3"]  # headers named the bare values
    for name in store.names:
        assert np.isfinite(store.column(name)).mean() > 0.99
    assert session.counters().malformed == 0
    assert src.stats["partial"] == 0  # a silent device's first line is whole


def test_bare_values_before_any_header_are_named_by_position() -> None:
    with FakeBoard(fmt="csv", channels=2, rate=500) as board:
        src = serial_source_from_url(f"serial://{board.path}")
        session = session_for(src)

        async def scenario() -> None:
            await until(lambda: "a0" in getattr(session.stores.get(src.device_id), "names", []))

        run_with(session, scenario)
    names = session.stores[src.device_id].names
    assert names[-2:] == ["a0", "a1"]
    assert set(names) <= {"value1", "value2", "a0", "a1"}


def test_json_sensor_frames_go_to_the_analyzer() -> None:
    with FakeBoard(fmt="frames", rate=20) as board:
        src = serial_source_from_url(f"serial://{board.path}?device=glasses")
        session = session_for(src)

        async def scenario() -> None:
            await until(lambda: session.counters().frames >= 5)
            await until(lambda: session.counters().descriptions >= 1)

        run_with(session, scenario)
    assert "glasses/frames" in session.stores
    assert "glasses" not in session.stores  # no raw samples from this board
    assert session.descriptions[0].device_id == "glasses/frames"
    assert session.descriptions[0].text


# --- exact content, hostile lines, partial lines, bursts --------------------------------------


def quiet_board() -> FakeBoard:
    return FakeBoard(fmt="arduino", channels=2, rate=1, autostart_lines=False)


def test_streaming_board_first_partial_line_is_discarded() -> None:
    with FakeBoard(fmt="arduino", channels=2, rate=1000) as board:
        src = serial_source_from_url(f"serial://{board.path}")
        session = session_for(src)

        async def scenario() -> None:
            await until(lambda: rows(session, src.device_id) >= 100)

        run_with(session, scenario)
    assert src.stats["partial"] == 1
    assert session.counters().problems.get("partial_line") == 1
    assert session.counters().malformed == 0
    assert session.stores[src.device_id].names == ["a0", "a1"]


def test_quiet_device_first_line_kept_and_split_lines_rejoined() -> None:
    with quiet_board() as board:
        src = serial_source_from_url(f"serial://{board.path}")
        session = session_for(src)

        async def scenario() -> None:
            await until(lambda: session.states["source"][0] is LinkState.LIVE)
            await asyncio.sleep(0.2)
            board.write(b"x:1 y:2\r\n")
            board.write(b"x:3 y:")  # a line split across two writes
            await asyncio.sleep(0.15)
            board.write(b"4\r\nx:5\ry:6\n")  # CR and LF endings too
            await until(lambda: rows(session, src.device_id) >= 4)

        run_with(session, scenario)
    store = session.stores[src.device_id]
    assert store.names == ["x", "y"]
    assert store.column("x").tolist()[:3] == [1, 3, 5]
    assert store.column("y")[:2].tolist() == [2, 4]
    assert store.column("y")[3] == 6
    assert src.stats["partial"] == 0
    assert session.counters().malformed == 0


def test_malformed_and_hostile_lines_are_counted_and_the_rest_kept() -> None:
    hostile = [
        b"#@! not a reading",
        b"\x00\xff\xfe\x80garbage",
        b'{"broken": json',
        b"x:1 y:oops",  # one bad field: x kept
        b"z" * (100 * 1024),  # over the 64 KB line cap: cut
        b" ".join(f"c{i}:{i}".encode() for i in range(MAX_CHANNELS + 10)),  # channel cap
        b"1 " * 5000,  # thousands of bare values on one line
        b"x:2 y:3",
    ]
    with quiet_board() as board:
        src = serial_source_from_url(f"serial://{board.path}")
        session = session_for(src)
        problems: list[str] = []
        session.subscribe(lambda e: problems.append(e.kind) if hasattr(e, "kind") else None)

        async def scenario() -> None:
            await until(lambda: session.states["source"][0] is LinkState.LIVE)
            board.write(b"partial\n")
            for line in hostile:
                board.write(line + b"\r\n")
            await until(lambda: src.stats["lines"] >= len(hostile) - 1)
            await asyncio.sleep(0.1)

        run_with(session, scenario)
    store = session.stores[src.device_id]
    c = session.counters()
    # unreadable: text, binary junk, broken JSON, and 5000 values on one line with the
    # channel cap already reached (positions past 1024 are not even candidates)
    assert src.stats["bad_lines"] == 4
    assert src.stats["overlong"] == 1
    assert c.malformed == 4 + 1  # four unreadable lines, one cut
    assert src.stats["bad_fields"] == 1
    assert store.column("x")[0] == 1
    assert np.isnan(store.column("y")[0])
    assert store.column("x")[-1] == 2
    assert store.column("y")[-1] == 3
    assert len(store.names) <= MAX_CHANNELS
    assert src.stats["capped_fields"] > 0
    assert "channel_cap" in problems
    assert "c61" not in src.parser.capped_names  # x and y took two of the 64
    assert "c62" in src.parser.capped_names
    assert src.parser.capped_names  # the names refused are kept for the UI


def test_the_line_cap_holds_for_a_line_at_over_and_split_across_reads() -> None:
    """A line exactly at the cap is kept; one byte over is cut, also when its short last
    piece arrives in a read of its own."""
    with quiet_board() as board:
        src = serial_source_from_url(f"serial://{board.path}")
        src.line_cap = 16
        session = session_for(src)
        messages: list[str] = []
        session.subscribe(lambda e: messages.append(str(getattr(e, "message", ""))))

        async def scenario() -> None:
            await until(lambda: session.states["source"][0] is LinkState.LIVE)
            await asyncio.sleep(0.2)
            board.write(b"x:" + b"1" * 14 + b"\r\n")  # 16 bytes: kept
            board.write(b"x:" + b"2" * 15 + b"\r\n")  # 17 bytes: cut
            await until(lambda: src.stats["overlong"] >= 1)
            board.write(b"x:" + b"3" * 10)  # 12 bytes held …
            await asyncio.sleep(0.3)
            board.write(b"33333\r\n")  # … then 5 more in a short read: 17, cut
            await asyncio.sleep(0.3)
            board.write(b"x:4\r\n")
            await until(lambda: rows(session, src.device_id) >= 2)
            await asyncio.sleep(0.1)

        run_with(session, scenario)
    store = session.stores[src.device_id]
    assert store.column("x").tolist() == [float("1" * 14), 4.0]
    assert src.stats["overlong"] == 2
    assert any("longer than 16 bytes cut" in m for m in messages), messages


def test_a_burst_is_read_whole() -> None:
    n = 50_000
    with quiet_board() as board:
        src = serial_source_from_url(f"serial://{board.path}")
        session = session_for(src)

        async def scenario() -> None:
            await until(lambda: session.states["source"][0] is LinkState.LIVE)
            board.write(b"\n")
            data = b"".join(f"n:{i}\ti:{i % 7}\r\n".encode() for i in range(n))
            await asyncio.to_thread(board.write, data, timeout=20)
            await until(lambda: rows(session, src.device_id) >= n, within=20)

        run_with(session, scenario)
    store = session.stores[src.device_id]
    assert store.total == n
    assert np.array_equal(store.column("n"), np.arange(n, dtype=float))
    assert session.counters().malformed == 0


def test_send_line_reaches_the_board() -> None:
    with quiet_board() as board:
        src = serial_source_from_url(f"serial://{board.path}?eol=crlf")
        session = session_for(src)

        async def scenario() -> None:
            await until(lambda: session.states["source"][0] is LinkState.LIVE)
            board.write(b"\n")
            src.send_line("PING 1")
            src.set_control_lines(True, False)
            # the board answers "echo:<length>": a value the source reads back
            await until(lambda: rows(session, src.device_id) >= 1)

        run_with(session, scenario)
    assert session.stores[src.device_id].column("echo")[0] == len(b"PING 1")
    assert src.stats["sent"] == 1
    with pytest.raises(ValueError, match="one line at a time"):
        src.send_line("a\nb")


def test_loop_url_echoes_what_is_sent() -> None:
    src = serial_source_from_url("loop://?format=arduino")
    src._discard_first = False  # loop:// has no line in flight when it opens
    session = session_for(src)

    async def scenario() -> None:
        await until(lambda: session.states["source"][0] is LinkState.LIVE)
        for i in range(5):
            src.send_line(f"v:{i}")
        await until(lambda: rows(session, "loop") >= 5)

    run_with(session, scenario)
    assert session.stores["loop"].column("v").tolist() == [0, 1, 2, 3, 4]


# --- unplug and replug -------------------------------------------------------------------------


def test_device_disappears_and_comes_back_behind_the_same_path(
    board_link: Path, tmp_path: Path
) -> None:
    rec_path = tmp_path / "rec.jsonl"
    with FakeBoard(fmt="arduino", channels=3, rate=500, link=board_link) as board:
        src = SerialSource(parse_serial_url(f"serial://{board_link}"), retry_s=0.2)
        recorder = JsonlRecorder(rec_path, source=src.url, analyzer="embedded://rules")
        session = session_for(src, recorder)
        seen = states(session)

        async def scenario() -> None:
            await until(lambda: rows(session, src.device_id) >= 300)
            board.unplug()
            await until(lambda: session.states["source"][0] is LinkState.RETRYING)
            before = rows(session, src.device_id)
            await asyncio.sleep(0.5)  # away for a while: retries keep failing
            assert rows(session, src.device_id) == before
            board.replug()
            await until(lambda: session.states["source"][0] is LinkState.LIVE)
            await until(lambda: rows(session, src.device_id) >= before + 300)

        run_with(session, scenario)
    kinds = [s for s, _ in seen]
    assert kinds[0] is LinkState.LIVE
    assert LinkState.RETRYING in kinds
    assert kinds[kinds.index(LinkState.RETRYING) + 1 :].count(LinkState.LIVE) >= 1
    assert any("disconnected" in d for s, d in seen if s is LinkState.RETRYING)
    assert src.stats["reconnects"] == 1
    store = session.stores[src.device_id]
    ts = store.times()
    gap = np.diff(ts).max()
    assert gap >= 0.5  # the hole while it was away: one store, one timeline
    # nothing that arrived was lost from the recording, and it replays as samples
    parser = RecordingParser()
    blocks = [
        r
        for line in rec_path.read_text().splitlines()
        if isinstance(r := parser.feed(line), SampleBlock)
    ]
    assert parser.bad_lines == 0
    assert sum(len(b) for b in blocks) == store.total


def test_device_found_again_by_usb_identity_under_a_new_name() -> None:
    a = FakeBoard(fmt="arduino", channels=2, rate=200).start()
    b = FakeBoard(fmt="arduino", channels=2, rate=200)
    try:
        b.start()  # the port the board will come back on (a different pty number)
        ident = {"device": a.tty_path}

        def scan() -> list[PortInfo]:
            return [
                PortInfo(
                    ident["device"], "Fake Uno", vid=0x2341, pid=0x0043, serial_number="SN-42"
                ),
                PortInfo("/dev/null-other", "Other", vid=0x2341, pid=0x0043, serial_number="SN-7"),
            ]

        src = SerialSource(parse_serial_url(f"serial://{a.tty_path}"), scan=scan, retry_s=0.2)
        session = session_for(src)
        seen = states(session)

        async def scenario() -> None:
            await until(lambda: rows(session, src.device_id) >= 50)
            assert src.identity is not None
            assert src.identity.serial_number == "SN-42"
            a.unplug()
            await until(lambda: session.states["source"][0] is LinkState.RETRYING)
            ident["device"] = b.tty_path  # the same board re-enumerates under another name
            await until(lambda: src.current_port == b.tty_path)
            n = rows(session, src.device_id)
            await until(lambda: rows(session, src.device_id) >= n + 50)

        run_with(session, scenario)
        assert any("moved from" in d for s, d in seen if s is LinkState.LIVE)
    finally:
        a.stop()
        b.stop()


class LineServer:
    """A local TCP server that writes Arduino lines to whoever connects; can go away."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.connections = 0

    def start(self) -> LineServer:
        self._stop.clear()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        return self

    def _serve(self) -> None:
        self.sock.settimeout(0.1)
        i = 0
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            with conn:
                while not self._stop.is_set():
                    try:
                        conn.sendall(f"s:{i}\r\n".encode())
                    except OSError:
                        break
                    i += 1
                    time.sleep(0.002)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2)
        self.sock.close()

    def restart(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", self.port))
        self.start()


@pytest.fixture
def line_server() -> Iterator[LineServer]:
    server = LineServer().start()
    yield server
    server.stop()


def test_socket_url_reconnects_after_the_server_restarts(line_server: LineServer) -> None:
    src = SerialSource(parse_serial_url(f"socket://127.0.0.1:{line_server.port}"), retry_s=0.2)
    session = session_for(src)
    seen = states(session)

    async def scenario() -> None:
        await until(lambda: rows(session, src.device_id) >= 100)
        line_server.stop()
        await until(lambda: session.states["source"][0] is LinkState.RETRYING)
        n = rows(session, src.device_id)
        line_server.restart()
        await until(lambda: rows(session, src.device_id) >= n + 100)

    run_with(session, scenario)
    assert line_server.connections == 2
    assert [s for s, _ in seen].count(LinkState.LIVE) == 2
    assert src.device_id == f"127.0.0.1:{line_server.port}"


# --- failures and shutdown ---------------------------------------------------------------------


def test_missing_port_waits_and_stops_cleanly(tmp_path: Path) -> None:
    src = SerialSource(parse_serial_url(f"serial://{tmp_path}/nope"), retry_s=0.1)
    session = session_for(src)

    async def scenario() -> None:
        await until(lambda: session.states["source"][0] is LinkState.RETRYING)
        await asyncio.sleep(0.3)

    run_with(session, scenario)
    assert session.states["source"][0] is LinkState.STOPPED


@pytest.mark.skipif(os.geteuid() == 0, reason="root opens any file")
def test_permission_denied_fails_with_advice(tmp_path: Path) -> None:
    port = tmp_path / "ttyLOCKED"
    port.touch(mode=0)
    session = session_for(serial_source_from_url(f"serial://{port}"))
    asyncio.run(asyncio.wait_for(session.run(), 10))
    state, detail = session.states["source"]
    assert state is LinkState.FAILED
    assert "dialout" in detail


def test_not_a_serial_port_fails(tmp_path: Path) -> None:
    port = tmp_path / "plainfile"
    port.write_text("x")
    src = SerialSource(parse_serial_url(f"serial://{port}"), retry_s=0.1)
    session = session_for(src)
    seen = states(session)

    async def scenario() -> None:
        await until(lambda: bool(seen))

    with contextlib.suppress(AssertionError):
        run_with(session, scenario, timeout=3)
    # a regular file is not a tty: it is reported (retrying with the reason), never a crash
    assert seen
    assert seen[0][0] in (LinkState.RETRYING, LinkState.FAILED, LinkState.LIVE)


def test_cancel_while_reading_stops_the_thread() -> None:
    with FakeBoard(rate=2000, channels=4) as board:
        src = serial_source_from_url(f"serial://{board.path}")
        session = session_for(src)

        async def main() -> None:
            task = asyncio.create_task(session.run())
            await until(lambda: rows(session, src.device_id) > 100)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            assert not src.running

        asyncio.run(main())
    assert not any(t.name.startswith("serial-reader") for t in threading.enumerate())


# --- replay of recorded samples ---------------------------------------------------------------


def test_recorded_samples_replay_paced_like_frames(tmp_path: Path) -> None:
    rec = tmp_path / "serial.jsonl"
    with FakeBoard(fmt="arduino", channels=2, rate=500) as board:
        src = serial_source_from_url(f"serial://{board.path}")
        session = session_for(src, JsonlRecorder(rec, source=src.url, analyzer="x"))

        async def scenario() -> None:
            await until(lambda: rows(session, src.device_id) >= 400)

        run_with(session, scenario)
    original = session.stores[src.device_id]
    parser = RecordingParser()
    blocks = [
        r
        for line in rec.read_text().splitlines()
        if isinstance(r := parser.feed(line), SampleBlock)
    ]
    span = (blocks[-1].arrival_ms - blocks[0].arrival_ms) / 1000.0
    assert len(blocks) > 5

    replay = ReplaySource(rec, speed=2.0)
    again = Session(replay, RulesAnalyzer(), history_s=60)
    t0 = time.monotonic()
    asyncio.run(asyncio.wait_for(again.run(), 30))
    took = time.monotonic() - t0
    store = again.stores[src.device_id]
    assert store.total == original.total
    assert np.array_equal(store.column("a1"), original.column("a1"))
    assert np.allclose(store.times(), original.times())  # anchored at the recording's clock
    assert took >= span / 2 * 0.8  # paced: 2× speed takes half the recorded time
    assert again.counters().samples == original.total
    assert again.states["source"][0] is LinkState.FINISHED
