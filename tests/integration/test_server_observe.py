"""Local backend mode offers the observer stream (issue 16): a second desktop, or any
websockets client, on ``/observe`` with the serve token sees every served device's connect,
windows, descriptions and disconnect (/tmp's fleet protocol, README "Fleet console")."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
import socketio
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from intelivision_desktop.core.model import Description
from intelivision_desktop.core.session import Session
from intelivision_desktop.io.server import DeviceServer
from tests.integration.test_server import scene, serving, until

TOKEN = "tok123"


async def phone(url: str, frames: list[dict[str, Any]], pace: float = 0.05) -> None:
    client = socketio.AsyncClient(reconnection=False)
    await client.connect(url, transports=["websocket"], headers={"User-Agent": "Test phone 1.0"})
    for f in frames:
        await client.emit("sensor-data", f)
        await asyncio.sleep(pace)
    await asyncio.sleep(0.3)
    await client.disconnect()


def test_an_observer_sees_every_device_event_and_devices_see_none_of_it() -> None:
    async def body(server: DeviceServer, session: Session, seen: list[Description]) -> None:
        base = f"ws://127.0.0.1:{server.port}/observe"
        with pytest.raises(InvalidStatus):
            async with connect(f"{base}?token=wrong", proxy=None):
                pass
        with pytest.raises(InvalidStatus):
            async with connect(f"{base}?token={TOKEN}", proxy=None, origin="https://evil.example"):
                pass  # type: ignore[arg-type]
        events: list[dict[str, Any]] = []
        async with connect(f"{base}?token={TOKEN}", proxy=None) as obs:

            async def receive() -> None:
                async for m in obs:
                    events.append(json.loads(m))

            rx = asyncio.create_task(receive())
            url = f"http://127.0.0.1:{server.port}?token={TOKEN}"
            await phone(url, scene("car_and_dog", 1, 5), pace=0.2)
            await until(lambda: any(e["type"] == "device-disconnected" for e in events), 10)
            await obs.send(json.dumps({"action": "ping"}))
            await asyncio.sleep(0.2)
            rx.cancel()
        kinds = [e["type"] for e in events]
        assert kinds[0] == "observers"
        assert kinds.index("device-connected") < kinds.index("device-disconnected")
        (device,) = {e["device"] for e in events if "device" in e}
        connected = next(e for e in events if e["type"] == "device-connected")
        assert connected["userAgent"] == "Test phone 1.0"
        windows = [e for e in events if e["type"] == "window"]
        said = [e for e in events if e["type"] == "ai-description"]
        assert len(windows) >= 2  # every window, relevant or not
        assert [e["data"] for e in said] == [d.text for d in seen if d.device_id == device]
        assert {w["relevant"] for w in windows} >= {True}
        assert all(w["dataUsed"]["totalDatos"] == w["frames"] for w in windows)
        assert session.counters().problems.get("observer_message", 0) == 0

    asyncio.run(serving(body, token=TOKEN))


def test_an_observer_arriving_late_gets_the_connected_devices_first() -> None:
    async def body(server: DeviceServer, session: Session, seen: list[Description]) -> None:
        url = f"http://127.0.0.1:{server.port}?token={TOKEN}"
        client = socketio.AsyncClient(reconnection=False)
        await client.connect(url, transports=["websocket"])
        try:
            await until(lambda: any(d.connected for d in server.devices.values()))
            async with connect(
                f"ws://127.0.0.1:{server.port}/observe?token={TOKEN}", proxy=None
            ) as obs:
                first = json.loads(await asyncio.wait_for(obs.recv(), 5))
                assert first["type"] == "device-connected"
                assert first["device"] in server.devices
                await obs.send("not json")  # counted, never a crash
                t0 = time.monotonic()
                await until(lambda: session.counters().problems.get("observer_message", 0) == 1, 5)
                assert time.monotonic() - t0 < 5
        finally:
            await client.disconnect()

    asyncio.run(serving(body, token=TOKEN))


def test_a_second_desktop_watches_the_first() -> None:
    """Session B observes session A (local backend mode) through the app's observer source:
    it gets A's device, its windows as frames, its descriptions, and raises its own alerts."""
    from intelivision_desktop.core.model import Alert, Event
    from intelivision_desktop.io.registry import analyzer_for, open_analyzer, open_source

    async def body(server: DeviceServer, session: Session, seen: list[Description]) -> None:
        url = f"observe+ws://127.0.0.1:{server.port}/observe?token={TOKEN}"
        watcher = Session(open_source(url), open_analyzer(analyzer_for(url, "embedded://rules")))
        got: list[Event] = []
        watcher.subscribe(got.append)
        task = asyncio.create_task(watcher.run())
        try:
            await until(lambda: watcher.states["source"][0].value == "live", 10)
            phone_url = f"http://127.0.0.1:{server.port}?token={TOKEN}"
            await phone(phone_url, scene("car_and_dog", 1, 8), pace=0.2)
            await until(lambda: len([e for e in got if isinstance(e, Description)]) >= len(seen))
        finally:
            watcher.stop()
            await asyncio.wait_for(task, 10)
        theirs = [e for e in got if isinstance(e, Description)]
        assert [d.text for d in theirs] == [d.text for d in seen]
        assert {d.source for d in theirs} == {"deployed"}
        assert watcher.counters().frames >= 3  # one per window A closed
        (device,) = watcher.stores
        assert device in server.devices
        kinds = {e.kind for e in got if isinstance(e, Alert)}
        mine = {e.kind for e in session.alerts}
        assert kinds >= mine - {"silent"}

    asyncio.run(serving(body, token=TOKEN))
