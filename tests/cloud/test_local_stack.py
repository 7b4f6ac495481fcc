"""End to end through the local serverless stack: serverless-offline (API Gateway WebSocket +
Lambda processes running ``cloud/handlers.py``), DynamoDB from moto's server.

A plain ``websockets`` device and the app's API Gateway link stream demo scenes to it; what
comes back equals what the desktop's embedded rules say about the same frames at the arrival
times the handlers saw (read back from the ``sensor-data`` table), window for window.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect

from intelivision_desktop.core.codec import decode_frame
from intelivision_desktop.core.embedded import RulesAnalyzer
from intelivision_desktop.core.model import Description
from intelivision_desktop.core.session import Session
from intelivision_desktop.io.links import BackendLink, LinkOptions
from intelivision_desktop.io.registry import open_source
from intelivision_desktop.io.resources import demo_recordings
from scripts.cloud_local import LocalStack, free_port

SCENES = {p.stem: p for p in demo_recordings()}
SECONDS = 24.0
"""Of each scene (at double speed: 12 s of streaming per scene and client)."""
SPEED = 2.0

if shutil.which("npm") is None and not os.environ.get("CI"):
    pytest.skip("the local serverless stack needs Node.js and npm", allow_module_level=True)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    # started warm (LocalStack.warm_up): warm handler processes for every route, as a
    # deployed API that has seen traffic
    with LocalStack(free_port(), log_dir=tmp_path_factory.mktemp("stack-logs")) as s:
        assert s.warm_s is not None
        yield s


def scene(name: str) -> list[dict[str, Any]]:
    frames = [json.loads(line) for line in SCENES[name].read_text().splitlines()]
    t0 = frames[0]["timestamp"]
    return [f for f in frames if f["timestamp"] - t0 < SECONDS * 1000]


async def device(url: str, frames: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """A phone: connects, sends each frame at its (sped-up) pace, collects the answers; its
    connection id comes back in the answer to an unknown action."""
    got: list[dict[str, Any]] = []
    async with connect(url, proxy=None, open_timeout=30) as ws:
        await ws.send(json.dumps({"action": "who-am-i"}))
        conn_id = json.loads(await asyncio.wait_for(ws.recv(), 30))["connectionId"]

        async def receive() -> None:
            async for m in ws:
                got.append(json.loads(m))

        rx = asyncio.create_task(receive())
        t0_dev, t0 = frames[0]["timestamp"], time.monotonic()
        for f in frames:
            delay = (f["timestamp"] - t0_dev) / 1000.0 / SPEED - (time.monotonic() - t0)
            if delay > 0:
                await asyncio.sleep(delay)
            await ws.send(
                json.dumps({"action": "sensor-data", **f, "timestamp": int(time.time() * 1000)})
            )
        await asyncio.sleep(3)
        rx.cancel()
    return conn_id, [m for m in got if m.get("type") == "ai-description"]


def stored(stack: LocalStack, conn_id: str) -> list[tuple[int, float, dict[str, Any]]]:
    db = stack.dynamodb()
    items = db.query(
        TableName="sensor-data-local",
        KeyConditionExpression="connectionId = :c",
        ExpressionAttributeValues={":c": {"S": conn_id}},
    )["Items"]
    out = [
        (int(i["timestamp"]["N"]), float(i["arrivalMs"]["N"]), json.loads(i["wire"]["S"]))
        for i in items
    ]
    return sorted(out)


def rules_say(rows: list[tuple[int, float, dict[str, Any]]]) -> list[Description]:
    said: list[Description] = []

    class Sink:
        def publish(self, d: Description) -> None:
            said.append(d)

        def count(self, *_: Any) -> None: ...
        def window_closed(self, *_: Any) -> None: ...
        def set_state(self, *_: Any) -> None: ...
        def problem(self, *_: Any) -> None: ...

    rules = RulesAnalyzer()
    rules.bind(Sink())  # type: ignore[arg-type]
    for _seq, t, wire in rows:
        rules.submit(decode_frame(wire, device_id="d", arrival_ms=t))
    return said


@pytest.mark.parametrize("name", sorted(SCENES))
def test_a_plain_device_gets_what_the_embedded_rules_say(stack: LocalStack, name: str) -> None:
    frames = scene(name)
    conn_id, answers = asyncio.run(device(stack.url, frames))
    rows = stored(stack, conn_id)
    assert len(rows) == len(frames)  # every frame reached the table
    want = rules_say(rows)
    assert want, "every scene has something to say in its first seconds"
    assert [a["data"] for a in answers] == [d.text for d in want]
    assert all(a["fallback"] is True for a in answers)  # no agent: the rules, marked
    assert [a["dataUsed"]["totalDatos"] for a in answers] == [
        d.summary.total_frames for d in want if d.summary
    ]


def connections_with_frames(stack: LocalStack) -> set[str]:
    items = stack.dynamodb().scan(
        TableName="sensor-data-local", ProjectionExpression="connectionId"
    )["Items"]
    return {i["connectionId"]["S"] for i in items}


def test_the_app_link_gets_what_the_embedded_rules_say(stack: LocalStack, tmp_path: Path) -> None:
    frames = scene("busy_street")
    path = tmp_path / "busy.jsonl"
    path.write_text("".join(json.dumps(f) + "\n" for f in frames))
    before = connections_with_frames(stack)

    async def main() -> tuple[BackendLink, list[Description]]:
        link = BackendLink(LinkOptions(url=stack.url, connect_timeout_s=30))
        session = Session(open_source(f"replay://{path}?speed={SPEED:g}"), link)
        seen: list[Description] = []
        session.subscribe(lambda e: seen.append(e) if isinstance(e, Description) else None)
        await asyncio.wait_for(session.run(), 120)
        return link, seen

    link, seen = asyncio.run(main())
    assert link.stats.sent == len(frames)
    assert not [d for d in seen if d.source == "rules (failover)"]
    (conn_id,) = connections_with_frames(stack) - before  # one connection, made before frame 1
    rows = stored(stack, conn_id)
    assert len(rows) == len(frames)
    got = [d.text for d in seen if d.source == "apigw"]
    assert got
    assert got == [d.text for d in rules_say(rows)]


def test_an_observer_sees_a_devices_windows_and_a_bad_token_is_refused(
    stack: LocalStack,
) -> None:
    from websockets.exceptions import InvalidStatus

    frames = scene("busy_street")[:40]

    async def main() -> tuple[str, list[dict[str, Any]], list[dict[str, Any]]]:
        for bad in (f"{stack.url}?role=observer&token=wrong", f"{stack.url}?role=observer"):
            with pytest.raises(InvalidStatus) as refused:
                async with connect(bad, proxy=None, open_timeout=30):
                    pass
            assert refused.value.response.status_code in (401, 403)
        seen: list[dict[str, Any]] = []
        async with connect(stack.observer_url, proxy=None, open_timeout=30) as obs:
            await obs.send(json.dumps({"action": "ping"}))  # its snapshot comes now

            async def receive() -> None:
                async for m in obs:
                    seen.append(json.loads(m))

            rx = asyncio.create_task(receive())
            for _ in range(300):  # the snapshot ends with the observers count
                if any(e.get("type") == "observers" for e in seen):
                    break
                await asyncio.sleep(0.1)
            conn_id, answers = await device(stack.url, frames)
            for _ in range(300):  # its $disconnect runs as its socket closes
                if any(
                    e.get("type") == "device-disconnected" and e.get("device") == conn_id
                    for e in seen
                ):
                    break
                await asyncio.sleep(0.1)
            rx.cancel()
        return conn_id, answers, seen

    conn_id, answers, seen = asyncio.run(main())
    mine = [e for e in seen if e.get("device") == conn_id]
    kinds = [e["type"] for e in mine]
    assert kinds[0] == "device-connected"
    assert kinds[-1] == "device-disconnected"  # while the observer still listens
    assert kinds.count("device-disconnected") == 1
    windows = [e for e in mine if e["type"] == "window"]
    rows = stored(stack, conn_id)
    # every closed window, relevant or not: as many as the rules close on these arrivals
    closed: list[Any] = []

    class Recording(RulesAnalyzer):
        def _describe(self, c: Any, t0: float | None) -> None:
            closed.append(c)
            super()._describe(c, t0)

    class Sink:
        def publish(self, _d: Description) -> None: ...
        def count(self, *_: Any) -> None: ...
        def window_closed(self, *_: Any) -> None: ...
        def set_state(self, *_: Any) -> None: ...
        def problem(self, *_: Any) -> None: ...

    rules = Recording()
    rules.bind(Sink())  # type: ignore[arg-type]
    for _seq, t, wire in rows:
        rules.submit(decode_frame(wire, device_id="d", arrival_ms=t))
    assert [w["frames"] for w in windows] == [len(c.window.frames) for c in closed]
    assert [w["relevant"] for w in windows] == [c.relevant for c in closed]
    said = [e["data"] for e in mine if e["type"] == "ai-description"]
    assert said == [a["data"] for a in answers]
