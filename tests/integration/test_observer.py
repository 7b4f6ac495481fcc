"""The fleet source against a stand-in deployment (tests/integration/fleet_backend.py): frames
and descriptions of three devices, device_gone on disconnect, bad events counted, the operator
token refused, reconnect with a new snapshot, keepalive pings, and a recording that replays."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from intelivision_desktop.core.backoff import BackoffPolicy
from intelivision_desktop.core.model import Description, Frame, FrameBatch, LinkState, Problem
from intelivision_desktop.core.session import Session
from intelivision_desktop.io.observer import MAX_PER_GROUP, ObserverSource, RemoteAnalyzer
from intelivision_desktop.io.recorder import JsonlRecorder
from intelivision_desktop.io.registry import analyzer_for, open_analyzer, open_source
from tests.integration.fleet_backend import T0, FleetBackend, fleet_scenario

LIMIT_S = 20.0


class SpyAnalyzer(RemoteAnalyzer):
    def __init__(self) -> None:
        super().__init__()
        self.gone: list[str] = []

    def device_gone(self, device_id: str) -> None:
        self.gone.append(device_id)


class Collect:
    def __init__(self) -> None:
        self.frames: list[Frame] = []
        self.descriptions: list[Description] = []
        self.problems: list[Problem] = []

    def __call__(self, event: object) -> None:
        if isinstance(event, FrameBatch):
            self.frames.extend(event.frames)
        elif isinstance(event, Description):
            self.descriptions.append(event)
        elif isinstance(event, Problem):
            self.problems.append(event)


async def until(predicate: Callable[[], bool], what: str) -> None:
    async with asyncio.timeout(LIMIT_S):
        while not predicate():  # noqa: ASYNC110 - polls what a server task changes
            await asyncio.sleep(0.01)
    assert predicate(), what


async def with_session(session: Session, body: Callable[[], Awaitable[None]]) -> None:
    task = asyncio.create_task(session.run())
    try:
        await body()
    finally:
        session.stop()
        async with asyncio.timeout(LIMIT_S):
            await task


def fast() -> BackoffPolicy:
    return BackoffPolicy(initial_s=0.05, cap_s=0.2)


def test_registry_pairs_fleet_sources_with_the_remote_analyzer() -> None:
    src = open_source("observe+ws://127.0.0.1:9/dev?role=observer&token=s3cret")
    assert isinstance(src, ObserverSource)
    assert "s3cret" not in src.url  # it goes to logs, settings and recording headers
    assert analyzer_for(src.url, "embedded://rules") == "remote://"
    assert analyzer_for("demo://", "embedded://rules") == "embedded://rules"
    assert analyzer_for(src.url, "http://127.0.0.1:3001") == "http://127.0.0.1:3001"
    assert isinstance(open_analyzer("remote://"), RemoteAnalyzer)


def test_three_devices_frames_descriptions_gone_and_bad_events(tmp_path: Path) -> None:
    record = tmp_path / "fleet.jsonl"

    async def scenario() -> tuple[Collect, SpyAnalyzer, ObserverSource, Session, FleetBackend]:
        backend = await FleetBackend().start()
        source = ObserverSource(backend.url(), backoff=fast())
        analyzer = SpyAnalyzer()
        recorder = JsonlRecorder(record, source=source.url, analyzer=analyzer.url)
        session = Session(source, analyzer, recorder)
        col = Collect()
        session.subscribe(col)

        async def body() -> None:
            await until(lambda: backend.observers, "the observer connected")
            await fleet_scenario(backend)
            for bad in (
                "not json {",
                "[1, 2]",
                '{"type": "telemetry", "device": "conn-a", "at": 1}',
                '{"type": "window", "device": "conn-a", "at": "soon"}',
                '{"type": "window", "device": "conn-a", "at": 1767000009000, "dataUsed": 7}',
                '{"type": "ai-description", "device": "conn-b", "at": 1767000009000}',
                '{"type": "window", "at": 1767000009000}',
            ):
                await backend.send(bad)
            await backend.window("conn-a", T0 + 9000, {"personas": [], "objetos": []})
            await until(lambda: len(col.frames) == 10, "ten windows, the bad ones skipped")

        await with_session(session, body)
        await backend.stop()
        return col, analyzer, source, session, backend

    col, analyzer, source, session, _ = asyncio.run(scenario())
    by_dev: dict[str, list[Frame]] = {}
    for f in col.frames:
        by_dev.setdefault(f.device_id, []).append(f)
    assert sorted(by_dev) == ["conn-a", "conn-b", "conn-c"]
    assert [len(v) for v in by_dev.values()] == [4, 3, 3]
    a0 = by_dev["conn-a"][0]
    assert a0.arrival_ms == T0 + 2000
    assert a0.camera_active is True
    assert len(a0.people) == 2
    assert a0.people[0].gesture == "saludando"
    assert len(by_dev["conn-b"][0].objects) == MAX_PER_GROUP  # 500 cars, capped
    assert by_dev["conn-b"][0].objects[0].kind == "coche"
    assert [(d.device_id, d.text, d.source, d.fallback) for d in col.descriptions] == [
        ("conn-a", "Dos personas saludando", "deployed", False),
        ("conn-b", "Coche acercándose", "deployed", True),
        ("conn-c", "Persona al frente", "deployed", False),
    ]
    assert col.descriptions[1].latency_ms == 812.0
    assert col.descriptions[1].summary is not None
    assert col.descriptions[1].summary.objects[0].count == 500
    assert "conn-c" in analyzer.gone
    # the fleet table the panel shows
    assert source.devices["conn-c"].connected is False
    assert source.devices["conn-a"].user_agent.startswith("Mozilla/5.0 (iPhone")
    assert source.devices["conn-b"].fallback_rate() == 1.0
    assert source.devices["conn-a"].windows == 4
    assert source.devices["conn-a"].frames == 40
    assert source.observers == 2
    problems = session.counters().problems
    assert problems.get("malformed") == 6
    assert problems.get("unknown_event") == 1
    assert len([p for p in col.problems if p.component == "source"]) == 7

    # the recording replays like any: the frames and the deployment's descriptions come back
    async def replay() -> Collect:
        src = open_source(f"replay://{record}?speed=0")
        session = Session(src, open_analyzer(analyzer_for(src.url, "remote://")))
        col = Collect()
        session.subscribe(col)
        async with asyncio.timeout(LIMIT_S):
            await session.run()
        return col

    again = asyncio.run(replay())
    assert [(f.device_id, f.arrival_ms, len(f.people), len(f.objects)) for f in again.frames] == [
        (f.device_id, f.arrival_ms, len(f.people), len(f.objects)) for f in col.frames
    ]
    assert [(d.device_id, d.text, d.fallback) for d in again.descriptions] == [
        (d.device_id, d.text, d.fallback) for d in col.descriptions
    ]


def test_bad_operator_token_fails_without_retrying() -> None:
    async def scenario() -> Session:
        backend = await FleetBackend().start()
        session = Session(ObserverSource(backend.url("wrong"), backoff=fast()), RemoteAnalyzer())
        async with asyncio.timeout(LIMIT_S):
            await session.run()
        await backend.stop()
        assert backend.admitted == 0
        return session

    session = asyncio.run(scenario())
    state, detail = session.states["source"]
    assert state is LinkState.FAILED
    assert "HTTP 403" in detail
    assert "wrong" not in detail


def test_reconnects_gets_a_new_snapshot_and_sends_pings() -> None:
    async def scenario() -> tuple[ObserverSource, SpyAnalyzer, FleetBackend, list[LinkState]]:
        backend = await FleetBackend().start()
        source = ObserverSource(backend.url(), backoff=fast(), keepalive_s=0.05)
        analyzer = SpyAnalyzer()
        session = Session(source, analyzer)
        states: list[LinkState] = []
        session.subscribe(
            lambda e: states.append(e.state) if getattr(e, "component", "") == "source" else None
        )

        async def body() -> None:
            await until(lambda: backend.observers, "connected")
            await backend.connect("conn-a", "okhttp/4", T0)
            await until(lambda: "conn-a" in source.devices, "device seen")
            await until(lambda: backend.pings >= 2, "keepalive pings")
            await backend.drop_observers()
            await until(lambda: source.connections == 2 and backend.observers, "reconnected")
            await until(lambda: source.devices["conn-a"].connected, "snapshot again")

        await with_session(session, body)
        await backend.stop()
        return source, analyzer, backend, states

    _source, analyzer, backend, states = asyncio.run(scenario())
    assert analyzer.gone == ["conn-a"]  # its state is unknown while we are away
    assert LinkState.RETRYING in states
    assert states.count(LinkState.LIVE) == 2
    assert backend.ignored == 0
