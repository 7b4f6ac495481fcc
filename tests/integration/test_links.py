"""Backend links against real servers on 127.0.0.1 (python-socketio and websockets)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import trustme

from intelivision_desktop.core.backoff import BackoffPolicy
from intelivision_desktop.core.model import Description, Event, LinkState, StateChange
from intelivision_desktop.core.recording import RecordingParser
from intelivision_desktop.core.session import Session
from intelivision_desktop.io.links import BackendLink, LinkOptions
from intelivision_desktop.io.recorder import JsonlRecorder
from intelivision_desktop.io.registry import open_source
from tests.integration.backends import ApiGatewayEmulator, SocketIOBackend

FAST = BackoffPolicy(initial_s=0.1, factor=2.0, cap_s=0.8, jitter=0.2)


class Watch:
    """Collects a session's events."""

    def __init__(self, session: Session) -> None:
        self.descriptions: list[Description] = []
        self.states: list[tuple[float, StateChange]] = []
        session.subscribe(self)

    def __call__(self, event: Event) -> None:
        if isinstance(event, Description):
            self.descriptions.append(event)
        elif isinstance(event, StateChange) and event.component == "analyzer":
            self.states.append((time.monotonic(), event))

    def by(self, source: str) -> list[Description]:
        return [d for d in self.descriptions if d.source == source]

    def state(self) -> LinkState | None:
        return self.states[-1][1].state if self.states else None


async def until(pred: Callable[[], bool], within: float = 10.0) -> None:
    end = time.monotonic() + within
    while not pred():
        if time.monotonic() > end:
            raise AssertionError(f"not reached within {within} s")
        await asyncio.sleep(0.02)


def make_session(
    url: str, *, source: str = "fake://person_waves?speed=5", recorder: Any = None, **opts: Any
) -> tuple[Session, BackendLink, Watch]:
    options = LinkOptions(url=url, backoff=opts.pop("backoff", FAST), **opts)
    link = BackendLink(options)
    session = Session(open_source(source), link, recorder)
    return session, link, Watch(session)


async def running(session: Session, body: Callable[[], Awaitable[None]]) -> None:
    task = asyncio.create_task(session.run())
    try:
        await body()
    finally:
        session.stop()
        await asyncio.wait_for(task, 10)


# --- Socket.IO ------------------------------------------------------------------------------


def test_socketio_happy_path() -> None:
    async def main() -> None:
        async with SocketIOBackend() as server:
            session, link, watch = make_session(server.url)

            async def body() -> None:
                await until(lambda: len(watch.by("socketio")) >= 3, 20)
                await until(lambda: link.stats.rtt_ms is not None and bool(link.stats.health))

            await running(session, body)
            d = watch.by("socketio")[0]
            assert d.latency_ms is not None
            assert 0 <= d.latency_ms < 1000
            assert d.summary is not None
            assert d.summary.total_frames >= 1
            assert d.fallback is True  # the test server answers with its rules, as fallback
            assert not watch.by("rules (failover)")
            assert link.stats.health["status"] == "healthy"
            assert sum(server.frames.values()) == link.stats.sent
            assert session.counters().frames >= link.stats.sent

    asyncio.run(main())


def test_socketio_kill_and_restart_five_times_loses_no_recorded_frame(tmp_path: Path) -> None:
    async def main() -> None:
        server = SocketIOBackend()
        await server.start()
        rec = JsonlRecorder(tmp_path / "rec.jsonl", source="fake", analyzer=server.url)
        session, link, watch = make_session(server.url, recorder=rec)
        reconnects: list[float] = []

        async def body() -> None:
            await until(lambda: len(watch.by("socketio")) >= 1, 20)
            for _ in range(5):
                await server.stop()
                await until(lambda: not link.is_live("fake"), 10)
                down_at = time.monotonic()
                await asyncio.sleep(0.3)
                up_at = time.monotonic()
                await server.start()
                await until(lambda: link.is_live("fake"), 10)
                reconnects.append(time.monotonic() - up_at)
                assert time.monotonic() - down_at < 10
                before = len(watch.by("socketio"))
                await until(lambda b=before: len(watch.by("socketio")) > b, 20)

        try:
            await running(session, body)
        finally:
            await server.stop()
        # each reconnect came within the backoff bound (cap + jitter) plus connect time
        bound = FAST.cap_s * (1 + FAST.jitter) + 1.0
        assert all(r <= bound for r in reconnects), reconnects
        # failover described while the server was down
        assert watch.by("rules (failover)")
        assert all(d.fallback for d in watch.by("rules (failover)"))
        # nothing recorded was lost: every frame the session saw is in the file, in order
        parser = RecordingParser()
        lines = (tmp_path / "rec.jsonl").read_text(encoding="utf-8").splitlines()
        records = [r for line in lines if (r := parser.feed(line)) is not None]
        frames = [r for r in records if type(r).__name__ == "Frame"]
        assert parser.bad_lines == 0
        assert len(frames) == session.counters().frames
        times = [f.arrival_ms for f in frames]
        assert times == sorted(times)

    asyncio.run(main())


def test_failover_then_switch_back() -> None:
    async def main() -> None:
        server = SocketIOBackend()
        await server.start()
        port = server.port
        await server.stop()  # nothing listening yet: the first attempt fails too
        server = SocketIOBackend(port=port)
        session, link, watch = make_session(server.url)

        async def body() -> None:
            await until(lambda: len(watch.by("rules (failover)")) >= 2, 20)
            assert watch.state() in (LinkState.RETRYING, LinkState.CONNECTING)
            await server.start()
            await until(lambda: link.is_live("fake"), 10)
            switched = len(watch.by("rules (failover)"))
            await until(lambda: len(watch.by("socketio")) >= 2, 20)
            # once live, the fallback stays quiet (at most one window already in flight)
            assert len(watch.by("rules (failover)")) <= switched + 1

        try:
            await running(session, body)
        finally:
            await server.stop()

    asyncio.run(main())


def test_a_short_outage_of_an_unchanged_scene_is_described_by_the_failover(
    tmp_path: Path,
) -> None:
    """The failover's relevance state learns only from what it said: while the backend was
    live it said nothing, so the first window of an outage is news to it (before, it had
    learned the scene from windows it was not allowed to publish, and said nothing)."""
    still = {
        "cameraActive": True,
        "personas": [
            {"posicion": "frente", "distancia": "1.2m", "expresion": "feliz", "gesto": "ninguno"}
        ],
        "objetos": [],
    }
    path = tmp_path / "still.jsonl"
    path.write_text(
        "".join(
            json.dumps({**still, "timestamp": 1_700_000_000_000 + 200 * i}) + "\n"
            for i in range(400)
        )
    )

    async def main() -> None:
        async with SocketIOBackend() as server:
            session, link, watch = make_session(server.url, source=f"replay://{path}?speed=2")

            async def body() -> None:
                await until(lambda: len(watch.by("socketio")) >= 1, 20)
                await asyncio.sleep(3)  # the scene stays the same: the backend says no more
                said = len(watch.by("rules (failover)"))
                assert said == 0  # the backend was live from the first frame on
                await server.stop()
                await until(lambda: len(watch.by("rules (failover)")) > said, 10)

            await running(session, body)
            assert link.stats.failover_frames > 0

    asyncio.run(main())


def test_a_message_nested_1500_deep_is_counted_and_the_link_stays_up() -> None:
    async def main() -> None:
        deep = "[" * 1500 + "]" * 1500
        async with ApiGatewayEmulator(extra_replies=[deep]) as server:
            session, link, watch = make_session(server.url)

            async def body() -> None:
                await until(lambda: len(watch.by("apigw")) >= 2, 20)

            await running(session, body)
            assert link.stats.counts["malformed"] >= 2
            assert server.connects == 1  # never dropped

    asyncio.run(main())


def test_bad_token_is_a_clear_error_without_a_tight_loop() -> None:
    async def main() -> None:
        async with SocketIOBackend(token="s3cret") as server:
            policy = BackoffPolicy(initial_s=0.05, cap_s=5.0, jitter=0.0)
            session, _link, watch = make_session(server.url, token="wrong", backoff=policy)

            async def body() -> None:
                await until(lambda: watch.state() is LinkState.FAILED, 10)
                await asyncio.sleep(1.5)

            await running(session, body)
            failed = [s for _, s in watch.states if s.state is LinkState.FAILED]
            assert "rejected" in failed[-1].detail
            assert "token" in failed[-1].detail
            assert "wrong" not in failed[-1].detail
            assert "s3cret" not in failed[-1].detail
            assert server.refused == 1  # one attempt, then a long wait: no tight loop
            assert watch.by("rules (failover)")  # the operator still gets descriptions

    asyncio.run(main())


def test_good_token_in_header_or_query() -> None:
    async def main() -> None:
        async with SocketIOBackend(token="s3cret") as server:
            for where in ("query", "header"):
                session, link, watch = make_session(server.url, token="s3cret", token_in=where)

                async def body(w: Watch = watch, lk: BackendLink = link) -> None:
                    await until(lambda: lk.is_live("fake"), 10)

                await running(session, body)
            assert server.refused == 0
            assert server.connects == 2

    asyncio.run(main())


def test_socketio_bad_peer_is_counted_and_survived() -> None:
    async def main() -> None:
        async with SocketIOBackend() as server:
            server.misbehave = {"malformed", "unknown_event", "error_event", "empty"}
            session, link, watch = make_session(server.url)

            async def body() -> None:
                await until(lambda: len(watch.by("socketio")) >= 2, 20)
                frames = session.counters().frames
                await until(lambda: session.counters().frames > frames + 10)

            await running(session, body)
            counts = link.stats.counts
            assert counts["malformed"] >= 2
            assert counts["unknown_event"] >= 1
            assert counts["backend_error"] >= 1
            problems = session.counters().problems
            assert problems["malformed"] >= 2
            assert all(d.text for d in watch.descriptions)

    asyncio.run(main())


def test_socketio_huge_message_is_survived() -> None:
    async def main() -> None:
        async with SocketIOBackend() as server:
            session, link, watch = make_session(server.url)

            async def body() -> None:
                await until(lambda: link.is_live("fake"), 10)
                server.misbehave = {"huge"}
                await until(lambda: link.stats.received >= 3 or link.stats.connects >= 2, 20)
                server.misbehave = set()
                before = len(watch.by("socketio"))
                await until(lambda: len(watch.by("socketio")) > before, 20)

            await running(session, body)
            assert session.states["source"][0] is LinkState.STOPPED

    asyncio.run(main())


def test_tls_self_signed_needs_its_ca(tmp_path: Path) -> None:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    server_ctx = __import__("ssl").create_default_context(__import__("ssl").Purpose.CLIENT_AUTH)
    cert.configure_cert(server_ctx)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))

    async def main() -> None:
        async with SocketIOBackend(ssl_context=server_ctx) as server:
            session, link, watch = make_session(server.url)

            async def refused() -> None:
                await until(lambda: watch.state() is LinkState.FAILED, 10)
                await asyncio.sleep(0.5)

            await running(session, refused)
            assert server.connects == 0
            assert "certificate" in link.stats.last_error
            # not a blip to retry quickly: a failure with the fix named, retried at the cap
            failed = [s for _, s in watch.states if s.state is LinkState.FAILED]
            assert "--ca-file" in failed[-1].detail
            assert len(failed) == 1

            session, link, watch = make_session(server.url, ca_file=ca_file)

            async def accepted() -> None:
                await until(lambda: len(watch.by("socketio")) >= 1, 20)

            await running(session, accepted)
            assert server.connects == 1

    asyncio.run(main())


# --- API Gateway ------------------------------------------------------------------------------


def test_apigw_happy_path() -> None:
    async def main() -> None:
        async with ApiGatewayEmulator() as server:
            session, link, watch = make_session(server.url)

            async def body() -> None:
                await until(lambda: len(watch.by("apigw")) >= 3, 20)

            await running(session, body)
            assert sum(server.frames.values()) == link.stats.sent
            assert server.actions["sensor-data"] == link.stats.sent
            sent_texts = [t for texts in server.by_conn.values() for t in texts]
            got = [d.text for d in watch.by("apigw")]
            assert got == sent_texts[: len(got)]
            assert all(d.latency_ms is not None for d in watch.by("apigw"))

    asyncio.run(main())


def test_apigw_errors_and_forbidden_are_counted_never_described() -> None:
    async def main() -> None:
        async with ApiGatewayEmulator() as server:
            server.fail_routes = 3
            server.extra_replies = [
                json.dumps({"message": "Forbidden", "connectionId": "x", "requestId": "y"}),
                "not json at all",
                json.dumps({"type": "something-else"}),
            ]
            session, link, watch = make_session(server.url)

            async def body() -> None:
                await until(lambda: link.stats.sent >= 20, 20)

            await running(session, body)
            counts = link.stats.counts
            assert counts["backend_error"] >= 3 + 20  # 3 internal errors + a Forbidden each
            assert counts["malformed"] >= 20
            assert counts["unknown_event"] >= 20
            texts = {d.text for d in watch.descriptions}
            assert not any("Forbidden" in t or "Internal" in t for t in texts)

    asyncio.run(main())


def test_apigw_too_large_frame_is_not_sent() -> None:
    async def main() -> None:
        async with ApiGatewayEmulator() as server:
            session, link, _watch = make_session(server.url)
            big = {"timestamp": 1, "personas": [], "objetos": [], "blob": "x" * 200_000}

            async def body() -> None:
                await until(lambda: link.is_live("fake"), 10)
                from intelivision_desktop.core.codec import decode_frame

                f = decode_frame(big, device_id="fake", arrival_ms=time.time() * 1000)
                session.push_frames([f])
                await until(lambda: link.stats.counts["too_large"] == 1)
                sent = link.stats.sent
                await until(lambda: link.stats.sent > sent + 5)

            await running(session, body)
            assert link.stats.connects == 1  # the connection was never closed by it
            assert 1009 not in server.close_codes

    asyncio.run(main())


def test_apigw_keepalive_holds_an_idle_connection() -> None:
    async def main() -> None:
        async with ApiGatewayEmulator(idle_timeout_s=0.6) as server:
            # one frame every 10 s: only keep-alives hold the line in between
            session, link, _watch = make_session(
                server.url, source="fake://quiet_corridor?hz=0.1", keepalive_s=0.2
            )

            async def body() -> None:
                await until(lambda: link.is_live("fake"), 10)
                await asyncio.sleep(2.0)

            await running(session, body)
            assert server.actions["ping"] >= 3
            assert server.connects == 1
            assert 1001 not in server.close_codes

    asyncio.run(main())


@pytest.mark.parametrize("ping_route", [False, True])
def test_apigw_keepalive_answers_are_not_problems(ping_route: bool) -> None:
    """The seed's backend answers the keepalive ``Forbidden`` (no ping route), ours ``pong``:
    neither is an error or an unknown message."""

    async def main() -> None:
        async with ApiGatewayEmulator(ping_route=ping_route) as server:
            session, link, _watch = make_session(
                server.url, source="fake://quiet_corridor?hz=0.1", keepalive_s=0.2
            )

            async def body() -> None:
                await until(lambda: link.is_live("fake"), 10)
                await until(lambda: server.actions["ping"] >= 3, 10)

            await running(session, body)
            assert link.stats.counts["unknown_event"] == 0
            assert link.stats.counts["backend_error"] == 0

    asyncio.run(main())


def test_apigw_idle_close_reconnects() -> None:
    async def main() -> None:
        async with ApiGatewayEmulator(idle_timeout_s=0.4) as server:
            session, link, watch = make_session(
                server.url, source="fake://quiet_corridor?hz=0.1", keepalive_s=1000.0
            )

            async def body() -> None:
                await until(lambda: link.is_live("fake"), 10)
                await until(lambda: server.connects >= 2, 10)

            await running(session, body)
            assert 1001 in server.close_codes
            assert any(s.state is LinkState.RETRYING for _, s in watch.states)

    asyncio.run(main())


def test_apigw_renews_before_the_age_limit_without_a_gap() -> None:
    async def main() -> None:
        async with ApiGatewayEmulator(max_age_s=1.6) as server:
            session, _link, watch = make_session(server.url, max_connection_s=1.0)

            async def body() -> None:
                await until(lambda: server.connects >= 3, 15)
                await until(lambda: len(watch.by("apigw")) >= 3, 20)

            await running(session, body)
            # renewed ahead of the limit: never dropped to retrying, never fell back
            assert not any(s.state is LinkState.RETRYING for _, s in watch.states)
            assert not watch.by("rules (failover)")

    asyncio.run(main())


def test_apigw_bad_token_refused_at_handshake() -> None:
    async def main() -> None:
        async with ApiGatewayEmulator(token="s3cret") as server:
            session, link, watch = make_session(server.url, token="nope")

            async def body() -> None:
                await until(lambda: watch.state() is LinkState.FAILED, 10)

            await running(session, body)
            assert server.refused == 1
            assert "HTTP 403" in link.stats.last_error

            session, link, watch = make_session(server.url, token="s3cret", token_in="header")

            async def ok() -> None:
                await until(lambda: len(watch.by("apigw")) >= 1, 20)

            await running(session, ok)

    asyncio.run(main())


def test_apigw_server_disconnects_and_restarts() -> None:
    async def main() -> None:
        server = ApiGatewayEmulator()
        await server.start()
        session, link, watch = make_session(server.url)

        async def body() -> None:
            await until(lambda: len(watch.by("apigw")) >= 1, 20)
            await server.disconnect_all()
            await until(lambda: server.connects >= 2, 10)
            port = server.port
            await server.stop()
            await until(lambda: not link.is_live("fake"), 10)
            await until(lambda: len(watch.by("rules (failover)")) >= 1, 20)
            server.port = port
            await server.start()
            before = len(watch.by("apigw"))
            await until(lambda: len(watch.by("apigw")) > before, 20)

        try:
            await running(session, body)
        finally:
            await server.stop()

    asyncio.run(main())


@pytest.mark.parametrize("url", ["http://127.0.0.1:1", "ws://127.0.0.1:1/dev"])
def test_unreachable_backend_retries_with_growing_delays(url: str) -> None:
    async def main() -> None:
        policy = BackoffPolicy(initial_s=0.1, factor=2.0, cap_s=0.4, jitter=0.0)
        session, _link, watch = make_session(url, backoff=policy, connect_timeout_s=1.0)

        async def body() -> None:
            await until(
                lambda: sum(1 for _, s in watch.states if s.state is LinkState.RETRYING) >= 5, 10
            )

        await running(session, body)
        delays = [
            float(s.detail.split("in ")[1].split(" s")[0])
            for _, s in watch.states
            if s.state is LinkState.RETRYING
        ]
        assert delays[:5] == [0.1, 0.2, 0.4, 0.4, 0.4]

    asyncio.run(main())


@pytest.mark.parametrize("kind", ["socketio", "apigw"])
def test_headless_prints_backend_descriptions(kind: str, tmp_path: Path) -> None:
    import os
    import sys

    async def main() -> list[dict[str, Any]]:
        server: Any = SocketIOBackend() if kind == "socketio" else ApiGatewayEmulator()
        async with server:
            env = {**os.environ, "INTELIVISION_LOG_DIR": str(tmp_path)}
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "intelivision_desktop",
                "--headless",
                "--source",
                "demo://person_waves?speed=5",
                "--analyzer",
                server.url,
                "--duration",
                "8",
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                env=env,
            )
            out, err = await asyncio.wait_for(proc.communicate(), 60)
        assert proc.returncode == 0, err.decode()
        assert b"Traceback" not in err
        return [json.loads(line) for line in out.decode().splitlines()]

    lines = asyncio.run(main())
    mine = [d for d in lines if d["source"] == kind]
    assert len(mine) >= 2
    assert all(isinstance(d["latency_ms"], float) and d["latency_ms"] >= 0 for d in mine)
    assert all(d["frames_from"] == "demo://person_waves?speed=5" for d in lines)
