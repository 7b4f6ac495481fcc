"""Local backend mode against hostile or odd peers, and answering like the deployed Node
backend (issues 11 §4 and 17): Origin policy, token on loopback, idle and half-open
connections, slow requests, per-address cap, the 1 MB Socket.IO limit, the data envelope,
frames without detections, / and /health shapes, accept errors. Real clients on 127.0.0.1."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import errno
import json
import logging
import os
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest
import socketio
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from intelivision_desktop.core.embedded import RulesAnalyzer
from intelivision_desktop.core.model import Event, Frame, FrameBatch
from intelivision_desktop.core.scenes import generate_scene
from intelivision_desktop.core.session import Session
from intelivision_desktop.io.server import (
    DeviceServer,
    ServerLimits,
    http_needs_token,
    origin_allowed,
    server_from_url,
)

EVIL = "https://evil.example"


async def until(pred: Callable[[], bool], within: float = 15.0) -> None:
    end = time.monotonic() + within
    while not pred():
        if time.monotonic() > end:
            raise AssertionError(f"not reached within {within} s")
        await asyncio.sleep(0.02)


class Served:
    def __init__(self, server: DeviceServer, session: Session) -> None:
        self.server = server
        self.session = session
        self.frames: list[Frame] = []
        self.texts: list[str] = []

    @property
    def base(self) -> str:
        return f"127.0.0.1:{self.server.port}"

    def problems(self, kind: str) -> int:
        return self.session.counters().problems.get(kind, 0)


async def serving(
    body: Callable[[Served], Awaitable[None]],
    server: DeviceServer | None = None,
    **kwargs: Any,
) -> None:
    if server is None:
        kwargs.setdefault("require_token", "token" in kwargs)
        server = DeviceServer("127.0.0.1", 0, **kwargs)
    session = Session(server, RulesAnalyzer())
    served = Served(server, session)

    def on(e: Event) -> None:
        if isinstance(e, FrameBatch):
            served.frames.extend(e.frames)

    session.subscribe(on)
    task = asyncio.create_task(session.run())
    try:
        await until(lambda: server.port != 0 and session.states["source"][0].value == "live")
        await body(served)
    finally:
        session.stop()
        await asyncio.wait_for(task, 10)


def run(body: Callable[[Served], Awaitable[None]], **kwargs: Any) -> None:
    asyncio.run(serving(body, **kwargs))


def frames(seconds: float = 2, scene: str = "person_waves") -> list[dict[str, Any]]:
    return list(generate_scene(scene, seed=1, duration_s=seconds))


async def raw_http(port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    await writer.drain()
    data = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return int(lines[0].split()[1]), headers, body


async def closed_by_server(reader: asyncio.StreamReader, within: float = 15.0) -> bool:
    """True once the server has closed the connection (EOF or reset)."""
    try:
        while await asyncio.wait_for(reader.read(65536), within):
            pass
    except (ConnectionResetError, BrokenPipeError):
        return True
    except TimeoutError:
        return False
    return True


# --- Origin policy ------------------------------------------------------------------------


def test_websocket_origin_policy() -> None:
    async def body(s: Served) -> None:
        with pytest.raises(InvalidStatus) as refused:
            async with connect(f"ws://{s.base}/dev", origin=EVIL, proxy=None):  # type: ignore[arg-type]
                pass
        assert refused.value.response.status_code == 403
        for origin in (None, "capacitor://localhost", "ionic://localhost", "http://localhost"):
            async with connect(f"ws://{s.base}/dev", origin=origin, proxy=None) as ws:  # type: ignore[arg-type]
                await ws.send(json.dumps({"action": "sensor-data", **frames(0.2)[0]}))
                await ws.send(json.dumps({"action": "ping"}))
        # the operator's own origins
        async with connect(f"ws://{s.base}/dev", origin="https://b.example", proxy=None):  # type: ignore[arg-type]
            pass
        await until(lambda: len(s.frames) == 4)
        assert s.server.refusals["origin"] == 1
        assert s.problems("refused") == 1

    run(body, origins=["https://a.example", "https://b.example"])


def test_socketio_foreign_origin_refused_on_both_transports() -> None:
    async def body(s: Served) -> None:
        url = f"http://{s.base}"
        for transports in (["polling"], ["websocket"], ["polling", "websocket"]):
            bad = socketio.AsyncClient(reconnection=False)
            with pytest.raises(socketio.exceptions.ConnectionError):
                await bad.connect(url, headers={"Origin": EVIL}, transports=transports)
        assert not s.server.devices
        # a raw polling handshake, as a browser page would make it
        status, headers, _ = await raw_http(
            s.server.port,
            b"GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n"
            b"Origin: https://evil.example\r\nConnection: close\r\n\r\n",
        )
        assert status == 403
        assert "access-control-allow-origin" not in headers
        # the app's origin (Capacitor) and no origin (native) are served
        status, headers, payload = await raw_http(
            s.server.port,
            b"GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n"
            b"Origin: capacitor://localhost\r\nConnection: close\r\n\r\n",
        )
        assert status == 200
        assert payload.startswith(b"0{")
        assert headers["access-control-allow-origin"] == "capacitor://localhost"
        good = socketio.AsyncClient(reconnection=False)
        await good.connect(url, headers={"Origin": "capacitor://localhost"}, transports=["polling"])
        await good.emit("sensor-data", frames(0.2)[0])
        await until(lambda: len(s.frames) == 1)
        await good.disconnect()
        assert s.server.refusals["origin"] == 4

    # a polling client's disconnect waits for its long poll: keep the poll short
    run(body, limits=ServerLimits(sio_ping_interval=1, sio_ping_timeout=1))


def test_origin_policy_function() -> None:
    apps = DeviceServer("127.0.0.1", 0).allowed_origins
    assert origin_allowed(None, apps)
    assert origin_allowed("capacitor://localhost", apps)
    assert origin_allowed("HTTP://LOCALHOST/", apps)
    assert not origin_allowed("http://localhost:8080", apps)  # a dev server in the browser
    assert not origin_allowed("null", apps)  # file:// pages and sandboxed frames
    assert not origin_allowed(EVIL, apps)
    assert origin_allowed(
        EVIL, server_from_url(f"serve://127.0.0.1:1?origins={EVIL}").allowed_origins
    )
    assert origin_allowed(EVIL, server_from_url("serve://127.0.0.1:1?origins=*").allowed_origins)
    with pytest.raises(ValueError, match="not an origin"):
        server_from_url("serve://127.0.0.1:1?origins=evil.example")


# --- token ----------------------------------------------------------------------------------


def test_loopback_needs_the_token_by_default() -> None:
    assert server_from_url("serve://127.0.0.1:3001").token
    assert server_from_url("serve://127.0.0.1:3001?token=none").token is None
    assert server_from_url("serve://127.0.0.1:3001?token=abc").token == "abc"
    with pytest.raises(ValueError, match="token is required beyond loopback"):
        server_from_url("serve://0.0.0.0:3001?token=none")

    async def body(s: Served) -> None:
        token = s.server.token
        assert token
        assert f"token={token}" in s.server.device_urls()["socketio"]
        bare = socketio.AsyncClient(reconnection=False)
        with pytest.raises(socketio.exceptions.ConnectionError):
            await bare.connect(f"http://{s.base}", transports=["websocket"])
        with pytest.raises(InvalidStatus) as refused:
            async with connect(f"ws://{s.base}/dev", proxy=None):
                pass
        assert refused.value.response.status_code == 403
        good = socketio.AsyncClient(reconnection=False)
        await good.connect(s.server.device_urls()["socketio"], transports=["websocket"])
        async with connect(s.server.device_urls()["apigw"], proxy=None) as ws:
            await ws.send(json.dumps({"action": "sensor-data", **frames(0.2)[0]}))
            await until(lambda: len(s.frames) == 1)
        await good.disconnect()
        assert s.server.refusals["token"] == 2

    asyncio.run(serving(body, server=server_from_url("serve://127.0.0.1:0")))


def test_health_needs_the_token_beyond_loopback() -> None:
    assert http_needs_token("0.0.0.0")
    assert http_needs_token("192.168.1.20")
    assert http_needs_token("::")
    assert not http_needs_token("127.0.0.1")
    assert not http_needs_token("localhost")
    assert not http_needs_token("::1")
    assert DeviceServer("0.0.0.0", 0).public
    assert not DeviceServer("127.0.0.1", 0).public

    async def body(s: Served) -> None:
        base = f"http://{s.base}"
        async with aiohttp.ClientSession() as http:
            for path in ("/", "/health"):
                async with http.get(base + path) as r:
                    assert r.status == 401
                async with http.get(base + path, params={"token": "wrong"}) as r:
                    assert r.status == 401
                async with http.get(base + path, params={"token": "s3cret"}) as r:
                    assert r.status == 200
                async with http.get(base + path, headers={"Authorization": "Bearer s3cret"}) as r:
                    assert r.status == 200
            s.server.public = False  # on loopback they stay open, as the Node backend's
            async with http.get(base + "/health") as r:
                assert r.status == 200
        assert s.server.refusals["token"] == 4

    server = DeviceServer("127.0.0.1", 0, token="s3cret")
    server.public = True  # stands for a LAN bind (tests stay on loopback)
    asyncio.run(serving(body, server=server))


# --- what the Node backend answers ---------------------------------------------------------


def test_root_and_health_have_the_node_backend_shapes() -> None:
    async def body(s: Served) -> None:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://{s.base}/") as r:
                root = await r.json()
            async with http.get(f"http://{s.base}/health") as r:
                health = await r.json()
        assert set(root) == {"name", "version", "status", "timestamp", "clients"}
        assert set(health) == {"status", "timestamp", "uptime", "memory", "clients"}
        for doc in (root, health):
            ts = doc["timestamp"]
            assert isinstance(ts, str)
            assert ts.endswith("Z")
            assert len(ts) == len("2026-11-29T11:12:45.824Z")
            parsed = dt.datetime.fromisoformat(ts.replace("Z", "+00:00"))
            assert abs((parsed - dt.datetime.now(dt.UTC)).total_seconds()) < 60
            assert doc["clients"] == 0
        assert health["status"] == "healthy"
        assert isinstance(health["uptime"], float)
        assert health["uptime"] >= 0
        mem = health["memory"]
        assert set(mem) == {"rss", "heapTotal", "heapUsed", "external", "arrayBuffers"}
        assert all(type(v) is int for v in mem.values())
        assert mem["rss"] > 1_000_000
        assert 0 < mem["heapUsed"] <= mem["heapTotal"]

    run(body)


def test_socketio_takes_messages_up_to_one_megabyte() -> None:
    async def body(s: Served) -> None:
        dev = socketio.AsyncClient(reconnection=False)
        await dev.connect(f"http://{s.base}", transports=["websocket"])
        big = {**frames(0.2)[0], "blob": "x" * 900_000}
        await dev.emit("sensor-data", big)
        await until(lambda: len(s.frames) == 1)
        assert len(s.frames[0].extra["blob"]) == 900_000
        assert dev.connected
        huge = {**frames(0.2)[0], "blob": "x" * 1_200_000}
        await dev.emit("sensor-data", huge)
        await until(lambda: not dev.connected)
        await until(lambda: s.problems("oversize") == 1)
        assert len(s.frames) == 1
        # and over long polling: the POST is refused and the device dropped
        poll = socketio.AsyncClient(reconnection=False)
        await poll.connect(f"http://{s.base}", transports=["polling"])
        await poll.emit("sensor-data", huge)
        await until(lambda: s.problems("oversize") == 2)
        await until(lambda: not any(d.connected for d in s.server.devices.values()))
        await poll.disconnect()
        assert len(s.frames) == 1

    run(body)


def test_dev_path_keeps_the_128_kb_limit() -> None:
    async def body(s: Served) -> None:
        async with connect(f"ws://{s.base}/dev", proxy=None, max_size=None) as ws:
            await ws.send(json.dumps({"action": "sensor-data", "blob": "x" * 140_000}))
            with pytest.raises(ConnectionClosed) as info:
                await asyncio.wait_for(ws.recv(), 5)
        assert info.value.rcvd is not None
        assert info.value.rcvd.code == 1009
        await until(lambda: s.problems("oversize") == 1)

    run(body)


def test_dev_path_takes_the_data_envelope() -> None:
    async def body(s: Served) -> None:
        got: list[dict[str, Any]] = []
        sent = frames(20)
        async with connect(f"ws://{s.base}/dev", proxy=None) as ws:
            for f in sent:
                await ws.send(json.dumps({"action": "sensor-data", "data": f}))
                await asyncio.sleep(0.04)
            end = time.monotonic() + 3
            while time.monotonic() < end:
                try:
                    got.append(json.loads(await asyncio.wait_for(ws.recv(), 0.5)))
                except TimeoutError:
                    break
        assert len(s.frames) == 100
        assert [len(f.people) for f in s.frames] == [len(f.get("personas", [])) for f in sent]
        assert any(f.people for f in s.frames)
        assert "data" not in s.frames[0].extra
        assert [g for g in got if g.get("type") == "ai-description"]
        assert not [g for g in got if "message" in g]
        assert s.problems("no_detections") == 0

    run(body)


def test_frame_without_detections_is_counted_not_silent() -> None:
    async def body(s: Served) -> None:
        empty = {"timestamp": int(time.time() * 1000), "cameraActive": True}
        async with connect(f"ws://{s.base}/dev", proxy=None) as ws:
            await ws.send(json.dumps({"action": "sensor-data", **empty}))
            await ws.send(json.dumps({"action": "sensor-data", "data": empty}))
            await ws.send(json.dumps({"action": "sensor-data", "data": "not a frame"}))
            await ws.send(json.dumps({"action": "sensor-data", "personas": []}))  # nobody seen
            await until(lambda: len(s.frames) == 4)
        dev = socketio.AsyncClient(reconnection=False)
        await dev.connect(f"http://{s.base}", transports=["websocket"])
        await dev.emit("sensor-data", empty)
        await until(lambda: len(s.frames) == 5)
        await dev.disconnect()
        assert s.problems("no_detections") == 4
        assert sum(d.no_detections for d in s.server.devices.values()) == 4
        assert "neither personas nor objetos" in str(s.session.last_problem)
        assert s.session.states["source"][0].value == "live"

    run(body)


def test_served_frames_keep_the_device_clock() -> None:
    async def body(s: Served) -> None:
        f = frames(0.2)[0]
        async with connect(f"ws://{s.base}/dev", proxy=None) as ws:
            await ws.send(json.dumps({"action": "sensor-data", **f}))
            await until(lambda: len(s.frames) == 1)
        assert s.frames[0].device_clock is True
        assert s.frames[0].timestamp_ms == f["timestamp"]

    run(body)


# --- idle, half-open, slow, many ------------------------------------------------------------


def test_idle_dev_connection_closed_like_api_gateway() -> None:
    async def body(s: Served) -> None:
        # the client pings every 0.2 s: WebSocket pings are not activity on API Gateway
        async with connect(f"ws://{s.base}/dev", proxy=None, ping_interval=0.2) as ws:
            await ws.send(json.dumps({"action": "ping"}))
            with pytest.raises(ConnectionClosed) as info:
                await asyncio.wait_for(ws.recv(), 15)
        assert info.value.rcvd is not None
        assert info.value.rcvd.code == 1001
        assert info.value.rcvd.reason == "Going away"
        assert s.problems("idle_closed") == 1
        assert not any(d.connected for d in s.server.devices.values())

    run(body, limits=ServerLimits(idle_timeout=1.0))


async def frozen_websocket(port: int, path: str) -> asyncio.StreamWriter:
    """A WebSocket handshake by hand, then nothing: a phone whose app froze (never reads,
    never answers a ping)."""
    key = base64.b64encode(os.urandom(16)).decode()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
    )
    assert (await asyncio.wait_for(reader.readline(), 5)).startswith(b"HTTP/1.1 101")
    writer.transport.pause_reading()  # what the server sends (pings) piles up unread
    return writer


def test_frozen_dev_device_frees_its_slot() -> None:
    async def body(s: Served) -> None:
        frozen = await frozen_websocket(s.server.port, "/dev")
        try:
            await until(lambda: len(s.server.devices) == 1)
            with pytest.raises(InvalidStatus):  # the cap: one device
                async with connect(f"ws://{s.base}/dev", proxy=None):
                    pass
            await until(lambda: not any(d.connected for d in s.server.devices.values()))
            assert s.problems("unresponsive") == 1
            async with connect(f"ws://{s.base}/dev", proxy=None) as ws:  # the slot is free
                await ws.send(json.dumps({"action": "sensor-data", **frames(0.2)[0]}))
                await until(lambda: len(s.frames) == 1)
        finally:
            frozen.close()

    run(body, limits=ServerLimits(max_devices=1, ws_heartbeat=0.5, idle_timeout=600))


def test_frozen_socketio_device_frees_its_slot() -> None:
    async def body(s: Served) -> None:
        url = f"ws://{s.base}/socket.io/?EIO=4&transport=websocket"
        async with connect(url, proxy=None, ping_interval=None) as ws:
            assert str(await ws.recv()).startswith("0{")  # engine.io open
            await ws.send("40")  # socket.io connect; then never answers engine.io pings
            assert str(await ws.recv()).startswith("40")
            await until(lambda: len(s.server.devices) == 1)
            await until(lambda: not any(d.connected for d in s.server.devices.values()))
        again = socketio.AsyncClient(reconnection=False)
        await again.connect(f"http://{s.base}", transports=["websocket"])
        await again.disconnect()
        assert len(s.server.devices) == 2

    run(body, limits=ServerLimits(max_devices=1, sio_ping_interval=0.5, sio_ping_timeout=0.5))


def test_slow_and_silent_connections_are_closed() -> None:
    async def body(s: Served) -> None:
        silent_r, silent_w = await asyncio.open_connection("127.0.0.1", s.server.port)
        slow_r, slow_w = await asyncio.open_connection("127.0.0.1", s.server.port)
        slow_w.write(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")  # half a request
        await slow_w.drain()
        assert await closed_by_server(slow_r)
        assert await closed_by_server(silent_r)
        slow_w.close()
        silent_w.close()
        assert s.server.refusals["slow"] == 2
        assert s.problems("slow_request") == 2
        # a connected device is not a slow request: its WebSocket outlives the deadline
        async with connect(f"ws://{s.base}/dev", proxy=None) as ws:
            await asyncio.sleep(1.5)
            await ws.send(json.dumps({"action": "sensor-data", **frames(0.2)[0]}))
            await until(lambda: len(s.frames) == 1)
        dev = socketio.AsyncClient(reconnection=False)
        await dev.connect(f"http://{s.base}", transports=["polling"])
        await asyncio.sleep(1.5)
        await dev.emit("sensor-data", frames(0.2)[0])
        await until(lambda: len(s.frames) == 2)
        await dev.disconnect()
        # an idle keep-alive connection after a complete request is closed quietly
        idle_r, idle_w = await asyncio.open_connection("127.0.0.1", s.server.port)
        idle_w.write(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert (await idle_r.readline()).startswith(b"HTTP/1.1 200")
        assert await closed_by_server(idle_r)
        idle_w.close()
        assert s.server.refusals["slow"] == 2

    run(
        body,
        limits=ServerLimits(
            handshake_timeout=0.5, keepalive_timeout=2, sio_ping_interval=1, sio_ping_timeout=1
        ),
    )


def test_per_address_connection_cap() -> None:
    async def body(s: Served) -> None:
        held = [await asyncio.open_connection("127.0.0.1", s.server.port) for _ in range(3)]
        await until(lambda: len(s.server._conns) == 3)
        extra_r, extra_w = await asyncio.open_connection("127.0.0.1", s.server.port)
        assert await closed_by_server(extra_r, within=5)
        extra_w.close()
        assert s.server.refusals["address"] == 1
        assert s.problems("refused") == 1
        _r, w = held.pop()
        w.close()
        await until(lambda: len(s.server._conns) == 2)
        async with aiohttp.ClientSession() as http, http.get(f"http://{s.base}/health") as r:
            assert r.status == 200
        for _r, w in held:
            w.close()

    run(body, limits=ServerLimits(per_address=3, handshake_timeout=60))


def test_accept_errors_are_logged_once_with_a_count(caplog: pytest.LogCaptureFixture) -> None:
    async def body(s: Served) -> None:
        loop = asyncio.get_running_loop()
        exc = OSError(errno.EMFILE, "Too many open files")
        for _ in range(1000):
            loop.call_exception_handler(
                {"message": "socket.accept() out of system resource", "exception": exc}
            )
        assert s.server.accept_errors == 1000
        assert s.problems("accept_error") == 1000

    with caplog.at_level(logging.WARNING):
        run(body)
    lines = [r for r in caplog.records if "accept" in r.getMessage()]
    assert len(lines) == 1
    assert lines[0].exc_info is None
    assert "Too many open files" in lines[0].getMessage()
