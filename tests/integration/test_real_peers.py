"""The links against backends that window on the device clock, as the real Node backend does.

The servers' analysis is :mod:`tests.integration.peers`, written from PROTOCOL.md and not from
the app's core, so these tests can catch a misreading of the protocol: frames forwarded with
their recorded ``timestamp`` are silently dropped by such a backend (measured against the real
one: 220 replayed frames in, 0 descriptions).
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import socketio

from intelivision_desktop.core.model import LinkState
from intelivision_desktop.core.session import Session
from intelivision_desktop.io.links import BackendLink, LinkOptions
from intelivision_desktop.io.registry import open_analyzer, open_source
from intelivision_desktop.io.resources import demo_recording
from scripts.fake_board import FakeBoard
from tests.integration.backends import ApiGatewayEmulator, SocketIOBackend
from tests.integration.test_links import FAST, Watch, until

BACKENDS = {"socketio": SocketIOBackend, "apigw": ApiGatewayEmulator}


def scene_frames(name: str, seconds: float | None = None) -> list[dict[str, Any]]:
    """A demo scene's frames as recorded (device timestamps from its recording day)."""
    frames = [json.loads(line) for line in demo_recording(name).read_text().splitlines()]
    if seconds is not None:
        t0 = frames[0]["timestamp"]
        frames = [f for f in frames if f["timestamp"] - t0 < seconds * 1000]
    return frames


def write_frames(path: Path, frames: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(f) + "\n" for f in frames))
    return path


def pipelines(server: Any) -> list[Any]:
    """The backend's per-connection pipelines, in connection order (kept after disconnect)."""
    return list(server.seen)


async def run_session(session: Session, done: Callable[[], bool], within: float) -> None:
    task = asyncio.create_task(session.run())
    try:
        await until(lambda: done() or task.done(), within)
    finally:
        session.stop()
        await asyncio.wait_for(task, 10)


def assert_frames_kept(server: Any) -> None:
    """The backend kept the frames sent to it: at most the one frame on each window's edge is
    dropped as older than the window, as it is for a live device at a high frame rate
    (PROTOCOL §3: stale frames are dropped before the window is judged)."""
    windows = sum(len(p.windows) for p in server.seen)
    assert server.stale_frames() <= windows, (server.stale_frames(), windows)


def link_for(url: str, **opts: Any) -> BackendLink:
    return BackendLink(LinkOptions(url=url, backoff=FAST, **opts))


# --- every source kind gets descriptions --------------------------------------------------------


def _source_url(kind: str, tmp_path: Path) -> str:
    if kind == "demo":
        return "demo://person_waves?speed=4&loop=0"
    if kind == "replay":
        return (
            f"replay://{write_frames(tmp_path / 'old.jsonl', scene_frames('car_and_dog'))}?speed=4"
        )
    if kind == "fake":
        return "fake://busy_street?speed=4&duration=40"
    raise AssertionError(kind)


@pytest.mark.parametrize("protocol", sorted(BACKENDS))
@pytest.mark.parametrize("kind", ["demo", "replay", "fake"])
def test_every_source_kind_gets_descriptions(protocol: str, kind: str, tmp_path: Path) -> None:
    async def main() -> None:
        async with BACKENDS[protocol]() as server:
            link = link_for(server.url)
            session = Session(open_source(_source_url(kind, tmp_path)), link)
            watch = Watch(session)
            await run_session(session, lambda: len(watch.by(protocol)) >= 2, 20)
            assert len(watch.by(protocol)) >= 2, f"{protocol} backend said nothing to {kind}"
            assert not watch.by("rules (failover)")
            assert_frames_kept(server)

    asyncio.run(main())


@pytest.mark.skipif(os.name != "posix", reason="pseudo-terminals are POSIX")
@pytest.mark.parametrize("protocol", sorted(BACKENDS))
def test_serial_json_frames_get_descriptions(protocol: str) -> None:
    """A board's JSON frames carry the board's clock (here: time since it powered up)."""

    async def main() -> None:
        with FakeBoard(fmt="frames", rate=10, board_clock=True) as board:
            async with BACKENDS[protocol]() as server:
                link = link_for(server.url)
                session = Session(open_source(f"serial://{board.path}"), link)
                watch = Watch(session)
                await run_session(session, lambda: len(watch.by(protocol)) >= 1, 20)
                assert watch.by(protocol), "the backend dropped the board's frames"
                assert_frames_kept(server)

    asyncio.run(main())


def test_recorded_stamps_are_dropped_by_a_device_clock_backend_and_the_link_says_so(
    tmp_path: Path,
) -> None:
    """``?stamp=source`` sends the recorded time: the backend silently drops every frame, and
    the link says it is silent rather than looking live and fine."""

    async def main() -> None:
        async with SocketIOBackend() as server:
            link = open_analyzer(
                f"{server.url}?stamp=source",
                link={"backoff": FAST, "silent_after_s": 1.5, "silent_min_frames": 10},
            )
            assert isinstance(link, BackendLink)
            assert "stamp" not in link.options.url  # ours: never sent to the backend
            path = write_frames(tmp_path / "old.jsonl", scene_frames("person_waves"))
            session = Session(open_source(f"replay://{path}?speed=4"), link)
            watch = Watch(session)
            await run_session(session, lambda: bool(link.stats.silent), 20)
            assert not watch.by("socketio")
            assert server.stale_frames() == link.stats.sent > 10
            assert link.stats.counts["backend_silent"] == 1
            assert "backend silent" in link.stats.silent
            assert session.counters().problems.get("backend_silent") == 1
            live = [s for _, s in watch.states if s.state is LinkState.LIVE]
            assert "backend silent" in live[-1].detail

    asyncio.run(main())


@pytest.mark.parametrize("protocol", sorted(BACKENDS))
def test_a_quiet_scene_is_not_called_silent(protocol: str, tmp_path: Path) -> None:
    """No detections: a backend rightly says nothing, and the link does not cry wolf."""
    empty = [
        {
            "timestamp": 1_700_000_000_000 + 200 * i,
            "cameraActive": True,
            "personas": [],
            "objetos": [],
        }
        for i in range(150)
    ]
    calm = scene_frames("quiet_corridor")

    async def main() -> None:
        async with BACKENDS[protocol]() as server:
            for frames in (empty, calm):
                link = link_for(server.url, silent_after_s=1.0, silent_min_frames=5)
                path = write_frames(tmp_path / "quiet.jsonl", frames)
                session = Session(open_source(f"replay://{path}?speed=5"), link)
                await asyncio.wait_for(session.run(), 60)
                assert link.stats.sent == len(frames)
                assert not link.stats.silent
                assert link.stats.counts["backend_silent"] == 0

    asyncio.run(main())


# --- nothing lost at connect, one description per window -------------------------------------


@pytest.mark.parametrize("protocol", sorted(BACKENDS))
def test_no_frame_lost_at_connect_and_each_window_described_once(
    protocol: str, tmp_path: Path
) -> None:
    frames = scene_frames("busy_street", seconds=8)

    async def main() -> None:
        async with BACKENDS[protocol]() as server:
            link = link_for(server.url)
            path = write_frames(tmp_path / "rec.jsonl", frames)
            session = Session(open_source(f"replay://{path}?speed=2"), link)
            watch = Watch(session)
            await asyncio.wait_for(session.run(), 30)
            pipe = pipelines(server)[0]
            assert len(pipelines(server)) == 1  # one connection, made before the first frame
            assert pipe.received == len(frames) == link.stats.sent  # the first frame included
            assert pipe.windows[0]["totalDatos"] == 1  # a first window of its own, as live
            assert_frames_kept(server)
            assert not watch.by("rules (failover)")  # no window described twice
            texts = [d.text for d in watch.by(protocol)]
            assert texts == [t for t, _ in server.answers[pipe.conn_id]]
            assert len(texts) >= 2

    asyncio.run(main())


def test_frames_made_while_connecting_are_held_and_sent_in_order(tmp_path: Path) -> None:
    """A backend slower to accept than the warm-up: the source starts anyway, its frames are
    held and sent in order once live, and the failover says nothing about them."""
    frames = scene_frames("car_and_dog", seconds=6)

    async def main() -> None:
        async with SocketIOBackend(accept_delay_s=1.0) as server:
            link = link_for(server.url, warmup_s=0.05)
            path = write_frames(tmp_path / "rec.jsonl", frames)
            session = Session(open_source(f"replay://{path}?speed=2"), link)
            watch = Watch(session)
            await asyncio.wait_for(session.run(), 30)
            pipe = pipelines(server)[0]
            assert link.stats.held >= 3
            assert pipe.received == len(frames)
            stamps = [f["timestamp"] for f in pipe.arrived]
            assert stamps == sorted(stamps)
            assert [f["objetos"] for f in pipe.arrived] == [f["objetos"] for f in frames]
            assert not watch.by("rules (failover)")

    asyncio.run(main())


def test_frames_of_a_failed_first_connection_go_to_the_failover(tmp_path: Path) -> None:
    frames = scene_frames("car_and_dog", seconds=5)

    async def main() -> None:
        link = link_for("http://127.0.0.1:9", warmup_s=0.05)  # discard port: refused
        path = write_frames(tmp_path / "rec.jsonl", frames)
        session = Session(open_source(f"replay://{path}?speed=2"), link)
        watch = Watch(session)
        await asyncio.wait_for(session.run(), 30)
        assert link.stats.sent == 0
        assert link.stats.failover_frames == len(frames)
        assert watch.by("rules (failover)")
        assert all(d.fallback for d in watch.descriptions)
        states = [s for _, s in watch.states]
        assert any("nothing answers" in s.detail for s in states), states[-3:]

    asyncio.run(main())


# --- the replay gets what a live device gets ----------------------------------------------------


async def live_device(url: str, frames: list[dict[str, Any]]) -> None:
    """A phone: connects, then sends each frame at its recorded pace stamped ``Date.now()``."""
    client = socketio.AsyncClient(reconnection=False)
    await client.connect(url, transports=["websocket"])
    try:
        t0_dev = frames[0]["timestamp"]
        t0 = time.monotonic()
        for f in frames:
            delay = (f["timestamp"] - t0_dev) / 1000.0 - (time.monotonic() - t0)
            if delay > 0:
                await asyncio.sleep(delay)
            await client.emit("sensor-data", {**f, "timestamp": int(time.time() * 1000)})
        await asyncio.sleep(0.3)
    finally:
        await client.disconnect()


def windows_of(pipe: Any) -> list[tuple[int, str]]:
    return [(w["totalDatos"], json.dumps(w, sort_keys=True)) for w in pipe.windows]


@pytest.mark.slow
def test_a_replay_at_speed_1_gets_the_windows_a_live_device_gets(tmp_path: Path) -> None:
    frames = scene_frames("busy_street", seconds=12)

    async def main() -> None:
        async with SocketIOBackend() as server:
            await live_device(server.url, frames)
            link = link_for(server.url)
            path = write_frames(tmp_path / "rec.jsonl", frames)
            session = Session(open_source(f"replay://{path}?speed=1"), link)
            watch = Watch(session)
            await asyncio.wait_for(session.run(), 40)
            device, replay = pipelines(server)
            assert replay.received == device.received == len(frames)
            live_windows, replay_windows = windows_of(device), windows_of(replay)
            # the first window (one frame) and the window sizes agree; a frame on a window's
            # edge may fall either side by a millisecond of scheduling, as with two phones
            assert replay_windows[0] == live_windows[0]
            sizes_live = [n for n, _ in live_windows]
            sizes_replay = [n for n, _ in replay_windows]
            assert len(sizes_replay) == len(sizes_live)
            assert sum(abs(a - b) for a, b in zip(sizes_live, sizes_replay, strict=True)) <= 2
            said_live = [t for t, _ in server.answers[device.conn_id]]
            assert [d.text for d in watch.by("socketio")] == [
                t for t, _ in server.answers[replay.conn_id]
            ]
            assert [d.text for d in watch.by("socketio")][:1] == said_live[:1]
            assert said_live

    asyncio.run(main())
