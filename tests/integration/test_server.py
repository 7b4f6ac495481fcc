"""Local backend mode: real devices (python-socketio and websockets clients) against the
app's own server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import socketio
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from intelivision_desktop.core.analysis import (
    Aggregator,
    RelevanceFilter,
    describe_rules,
    summarize,
)
from intelivision_desktop.core.codec import decode_frame
from intelivision_desktop.core.embedded import RulesAnalyzer
from intelivision_desktop.core.model import Description, Event
from intelivision_desktop.core.scenes import generate_scene
from intelivision_desktop.core.session import Session
from intelivision_desktop.io.server import DeviceServer, ServerLimits


async def until(pred: Callable[[], bool], within: float = 10.0) -> None:
    end = time.monotonic() + within
    while not pred():
        if time.monotonic() > end:
            raise AssertionError(f"not reached within {within} s")
        await asyncio.sleep(0.02)


async def serving(
    body: Callable[[DeviceServer, Session, list[Description]], Awaitable[None]],
    **kwargs: Any,
) -> None:
    # these tests are about the protocols: loopback without a token, unless one is given
    kwargs.setdefault("require_token", "token" in kwargs)
    server = DeviceServer("127.0.0.1", 0, **kwargs)
    session = Session(server, RulesAnalyzer())
    seen: list[Description] = []

    def on(e: Event) -> None:
        if isinstance(e, Description):
            seen.append(e)

    session.subscribe(on)
    task = asyncio.create_task(session.run())
    try:
        await until(lambda: server.port != 0 and session.states["source"][0].value == "live")
        await body(server, session, seen)
    finally:
        session.stop()
        await asyncio.wait_for(task, 10)


def scene(name: str, seed: int, seconds: float) -> list[dict[str, Any]]:
    return list(generate_scene(name, seed=seed, duration_s=seconds))


def expected_texts(frames: list[dict[str, Any]], times_ms: list[float]) -> list[str]:
    """What the backend's rules say for these frames arriving at these times (PROTOCOL §3-4)."""
    agg, rel, out = Aggregator("x"), RelevanceFilter(), []
    for wire, t in zip(frames, times_ms, strict=True):
        w = agg.push(decode_frame(wire, device_id="x", arrival_ms=t))
        if w is None:
            continue
        s = summarize(w.frames)
        if rel.judge(s, w.closed_ms) and (text := describe_rules(s)):
            rel.described(s, w.closed_ms)
            out.append(text)
    return out


class SioDevice:
    def __init__(self) -> None:
        self.client = socketio.AsyncClient(reconnection=False)
        self.texts: list[str] = []
        self.payloads: list[dict[str, Any]] = []
        self.errors: list[Any] = []
        self.sent_ms: list[float] = []
        self.client.on("ai-description", self._on)
        self.client.on("error", lambda data=None: self.errors.append(data))

    def _on(self, data: dict[str, Any]) -> None:
        self.payloads.append(data)
        self.texts.append(data["description"])

    async def stream(self, frames: list[dict[str, Any]], hz: float) -> None:
        for f in frames:
            self.sent_ms.append(time.time() * 1000)
            await self.client.emit("sensor-data", f)
            await asyncio.sleep(1 / hz)


def test_two_devices_each_get_their_own_descriptions() -> None:
    async def body(server: DeviceServer, session: Session, seen: list[Description]) -> None:
        a, b = SioDevice(), SioDevice()
        await a.client.connect(f"http://127.0.0.1:{server.port}", transports=["websocket"])
        await b.client.connect(f"http://127.0.0.1:{server.port}", transports=["websocket"])
        fa, fb = scene("person_waves", 1, 25), scene("car_and_dog", 2, 25)
        await asyncio.gather(a.stream(fa, 25), b.stream(fb, 25))
        await asyncio.sleep(0.5)
        await a.client.disconnect()
        await b.client.disconnect()
        assert a.texts
        assert b.texts
        devices = {d.device_id for d in seen}
        assert len(devices) == 2
        by_dev: dict[str, list[str]] = {}
        for d in seen:
            by_dev.setdefault(d.device_id, []).append(d.text)
        # each device received exactly what the session described for it, nothing else
        assert sorted([a.texts, b.texts]) == sorted(by_dev.values())
        # and that is what the backend's rules give for its own frames alone
        assert all(p["dataUsed"]["totalDatos"] >= 1 for p in a.payloads)
        assert any("izquierda" in t or "Persona" in t for t in a.texts)
        assert not any("coche" in t or "perro" in t for t in a.texts)
        assert server.devices
        assert all(not d.connected for d in server.devices.values())

    asyncio.run(serving(body))


def test_descriptions_match_the_rules_for_the_device_frames() -> None:
    async def body(server: DeviceServer, session: Session, seen: list[Description]) -> None:
        dev = SioDevice()
        await dev.client.connect(f"http://127.0.0.1:{server.port}", transports=["websocket"])
        frames = scene("person_waves", 3, 40)
        await dev.stream(frames, 25)
        await asyncio.sleep(0.3)
        await dev.client.disconnect()
        # the server windows on its arrival times, a few ms after the device's send times
        expected = expected_texts(frames, dev.sent_ms)
        # the server's clock saw the same frames a few ms later: window edges can move by a frame
        assert dev.texts
        assert abs(len(dev.texts) - len(expected)) <= 1
        assert dev.texts[0] == expected[0]

    asyncio.run(serving(body))


def test_apigw_style_device() -> None:
    async def body(server: DeviceServer, session: Session, seen: list[Description]) -> None:
        async with connect(f"ws://127.0.0.1:{server.port}/dev", proxy=None) as ws:
            for f in scene("car_and_dog", 1, 20):
                await ws.send(json.dumps({"action": "sensor-data", **f}))
                await asyncio.sleep(0.04)
            await ws.send(json.dumps({"action": "nope"}))
            await ws.send("garbage{")
            await ws.send(json.dumps({"action": "sensor-data", "personas": "many"}))
            got: list[dict[str, Any]] = []
            end = time.monotonic() + 3
            while time.monotonic() < end:
                try:
                    got.append(json.loads(await asyncio.wait_for(ws.recv(), 0.5)))
                except TimeoutError:
                    break
        descs = [g for g in got if g.get("type") == "ai-description"]
        msgs = [g.get("message") for g in got if "message" in g]
        assert descs
        assert all(isinstance(g["data"], str) and g["data"] for g in descs)
        assert msgs.count("Forbidden") == 2  # unknown route, and not JSON
        assert msgs.count("Internal server error") == 1  # a malformed frame
        assert session.counters().malformed >= 2

    asyncio.run(serving(body))


def test_oversized_message_closes_with_1009_and_others_go_on() -> None:
    async def body(server: DeviceServer, session: Session, seen: list[Description]) -> None:
        other = SioDevice()
        await other.client.connect(f"http://127.0.0.1:{server.port}", transports=["websocket"])
        async with connect(f"ws://127.0.0.1:{server.port}/dev", proxy=None, max_size=None) as ws:
            await ws.send(json.dumps({"action": "sensor-data", "blob": "x" * 200_000}))
            with pytest.raises(ConnectionClosed) as info:
                await asyncio.wait_for(ws.recv(), 5)
        assert info.value.rcvd is not None
        assert info.value.rcvd.code == 1009
        await other.stream(scene("person_waves", 1, 20), 25)
        await until(lambda: bool(other.texts))
        await other.client.disconnect()

    asyncio.run(serving(body))


def test_token_required_beyond_loopback_and_bad_tokens_refused() -> None:
    assert DeviceServer("0.0.0.0", 0).token  # never open to the network without one
    assert DeviceServer("127.0.0.1", 0).token  # nor to every web page in this computer's browser
    assert DeviceServer("127.0.0.1", 0, require_token=False).token is None  # the operator's choice
    with pytest.raises(ValueError, match="token is required beyond loopback"):
        DeviceServer("0.0.0.0", 0, require_token=False)

    async def body(server: DeviceServer, session: Session, seen: list[Description]) -> None:
        bad = socketio.AsyncClient(reconnection=False)
        with pytest.raises(socketio.exceptions.ConnectionError):
            await bad.connect(
                f"http://127.0.0.1:{server.port}?token=wrong", transports=["websocket"]
            )
        with pytest.raises(InvalidStatus) as info:
            async with connect(f"ws://127.0.0.1:{server.port}/dev?token=wrong", proxy=None):
                pass
        assert info.value.response.status_code == 403
        good = SioDevice()
        await good.client.connect(
            f"http://127.0.0.1:{server.port}", auth={"token": "s3cret"}, transports=["websocket"]
        )
        async with connect(
            f"ws://127.0.0.1:{server.port}/dev",
            additional_headers={"Authorization": "Bearer s3cret"},
            proxy=None,
        ):
            pass
        await good.client.disconnect()
        assert server.refused == 2
        assert session.counters().problems["refused"] == 2

    asyncio.run(serving(body, token="s3cret"))


def test_flood_from_one_device_does_not_starve_another() -> None:
    async def body(server: DeviceServer, session: Session, seen: list[Description]) -> None:
        flood, calm = SioDevice(), SioDevice()
        await flood.client.connect(f"http://127.0.0.1:{server.port}", transports=["websocket"])
        await calm.client.connect(f"http://127.0.0.1:{server.port}", transports=["websocket"])
        frame = scene("busy_street", 1, 1)[0]

        async def hammer() -> None:
            for _ in range(3000):
                await flood.client.emit("sensor-data", frame)
            await asyncio.sleep(0)

        await asyncio.gather(hammer(), calm.stream(scene("person_waves", 1, 20), 25))
        await until(lambda: bool(calm.texts))
        dropped = sum(d.dropped for d in server.devices.values())
        calm_dev = next(d for d in server.devices.values() if d.dropped == 0)
        assert calm_dev.frames == 100  # every calm frame was taken
        assert dropped > 1000  # the flood was cut to the rate limit, and counted
        assert session.counters().problems["rate_limited"] == dropped
        await flood.client.disconnect()
        await calm.client.disconnect()

    asyncio.run(serving(body, limits=ServerLimits(rate_hz=30, burst=60)))


def test_connection_cap_and_reconnecting_devices() -> None:
    async def body(server: DeviceServer, session: Session, seen: list[Description]) -> None:
        first, second = SioDevice(), SioDevice()
        await first.client.connect(f"http://127.0.0.1:{server.port}", transports=["websocket"])
        with pytest.raises(socketio.exceptions.ConnectionError):
            await second.client.connect(f"http://127.0.0.1:{server.port}", transports=["websocket"])
        await first.client.disconnect()
        await until(lambda: not any(d.connected for d in server.devices.values()))
        again = SioDevice()  # the same phone, reconnecting: a new device, fresh state
        await again.client.connect(f"http://127.0.0.1:{server.port}", transports=["websocket"])
        await again.stream(scene("person_waves", 1, 20), 25)
        await until(lambda: bool(again.texts))
        await again.client.disconnect()
        assert len(server.devices) == 2
        assert server.refused == 1

    asyncio.run(serving(body, limits=ServerLimits(max_devices=1)))


def test_health_and_root_answer_like_the_backend() -> None:
    import aiohttp

    async def body(server: DeviceServer, session: Session, seen: list[Description]) -> None:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{server.port}/") as r:
                root = await r.json()
            async with http.get(f"http://127.0.0.1:{server.port}/health") as r:
                health = await r.json()
        assert set(root) >= {"name", "version", "status", "timestamp", "clients"}
        assert set(health) >= {"status", "timestamp", "uptime", "memory", "clients"}
        assert health["status"] == "healthy"

    asyncio.run(serving(body))


def test_headless_serve_prints_device_descriptions(tmp_path: Any) -> None:
    import os
    import socket
    import sys

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    async def main() -> tuple[bytes, bytes, list[str]]:
        env = {**os.environ, "INTELIVISION_LOG_DIR": str(tmp_path)}
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "intelivision_desktop",
            "--headless",
            "--serve",
            f"127.0.0.1:{port}",
            "--analyzer",
            "embedded://rules",
            "--duration",
            "12",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env,
        )
        # the device uses the URL shown to the operator: the generated token is in it
        assert proc.stderr is not None
        shown: list[bytes] = []
        prefix = b"devices connect to (socketio): "
        while not shown or not shown[-1].startswith(prefix):
            line = await asyncio.wait_for(proc.stderr.readline(), 30)
            assert line, b"".join(shown).decode()
            shown.append(line)
        url = shown[-1][len(prefix) :].decode().strip()
        assert "?token=" in url
        dev = SioDevice()
        await dev.client.connect(url, transports=["websocket"])
        await dev.stream(scene("person_waves", 1, 20), 25)
        await asyncio.sleep(0.3)
        await dev.client.disconnect()
        out, err = await asyncio.wait_for(proc.communicate(), 60)
        assert proc.returncode == 0, err.decode()
        return out, b"".join(shown) + err, dev.texts

    out, err, texts = asyncio.run(main())
    lines = [json.loads(line) for line in out.decode().splitlines()]
    assert texts
    assert [d["text"] for d in lines] == texts
    assert all(d["device"].startswith("sio-") for d in lines)
    assert f"devices connect to (socketio): http://127.0.0.1:{port}" in err.decode()
    assert b"Traceback" not in err


def test_fuzzed_messages_never_break_the_server() -> None:
    import random

    rng = random.Random(7)

    def junk() -> Any:
        kind = rng.randrange(6)
        if kind == 0:
            return rng.randbytes(rng.randrange(1, 200)).decode("latin-1")
        if kind == 1:
            return json.dumps(
                {
                    "action": "sensor-data",
                    "personas": [{"posicion": rng.random()}] * rng.randrange(3),
                }
            )
        if kind == 2:
            return json.dumps(
                {"action": "sensor-data", "objetos": {"x": [1] * 5}, "timestamp": "soon"}
            )
        if kind == 3:
            return json.dumps([{"action": "sensor-data"}] * rng.randrange(4))
        if kind == 4:
            return "[" * rng.randrange(1, 5000)
        return json.dumps(
            {
                "action": "sensor-data",
                "personas": [{"blendshapes": [{"name": "x", "score": "high"}]}],
                "deep": [[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]],
            }
        )

    async def body(server: DeviceServer, session: Session, seen: list[Description]) -> None:
        sio = SioDevice()
        await sio.client.connect(f"http://127.0.0.1:{server.port}", transports=["websocket"])
        async with connect(f"ws://127.0.0.1:{server.port}/dev", proxy=None) as ws:
            for _ in range(300):
                msg = junk()
                await ws.send(msg)
                try:
                    payload: Any = json.loads(msg)
                except (ValueError, RecursionError):
                    payload = msg
                await sio.client.emit("sensor-data", payload)
            await ws.send(json.dumps({"action": "ping"}))
        # still serving, and a well-behaved device still gets its descriptions
        good = SioDevice()
        await good.client.connect(f"http://127.0.0.1:{server.port}", transports=["websocket"])
        await good.stream(scene("person_waves", 1, 20), 25)
        await until(lambda: bool(good.texts))
        await good.client.disconnect()
        await sio.client.disconnect()
        assert session.counters().malformed >= 300
        assert session.states["source"][0].value == "live"

    asyncio.run(serving(body, limits=ServerLimits(rate_hz=1000, burst=1000)))
