"""Real backends on 127.0.0.1 for the link tests.

- :class:`SocketIOBackend`: a python-socketio ``AsyncServer`` on aiohttp that behaves as
  PROTOCOL.md §2–§4 say the Node backend does (per-connection aggregation on the device clock
  with stale frames silently dropped, relevance, ``ai-description`` with ``dataUsed`` and
  ``fallback``, ``ping``/``pong``, ``GET /`` and ``GET /health``, socket.io's 1 MB message
  limit), plus switches for misbehaviour. Its analysis is :mod:`tests.integration.peers`,
  written from the protocol, never the app's core.
- :class:`ApiGatewayEmulator`: a websockets server with API Gateway's semantics (§6): route
  selection on ``action``, ``Forbidden`` for unknown routes, ``Internal server error`` on
  demand, the 128 KB limit (close 1009), an idle timeout (close 1001), a maximum connection
  age, token checks at the handshake (HTTP 403), server-initiated disconnects.

Both can be stopped and started again on the same port, as a crashed server would be.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import json
import ssl
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

import socketio
from aiohttp import web

from intelivision_desktop.io.server import end_engineio_leftovers
from tests.integration.peers import NodePipeline


def _iso_now() -> str:
    """Node's ``new Date().toISOString()``."""
    now = datetime.datetime.now(datetime.UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def _server_ms() -> float:
    return time.time() * 1000.0


class _Pipeline(NodePipeline):
    """The backend's per-connection processing, on the server's own clock (tests/peers.py:
    written from PROTOCOL.md, not from the app's core)."""

    def __init__(self, conn_id: str) -> None:
        super().__init__(_server_ms)
        self.conn_id = conn_id


@dataclass
class SocketIOBackend:
    token: str | None = None
    ssl_context: ssl.SSLContext | None = None
    port: int = 0
    frames: Counter[str] = field(default_factory=Counter)
    connects: int = 0
    refused: int = 0
    connect_times: list[float] = field(default_factory=list)
    misbehave: set[str] = field(default_factory=set)
    """Any of: malformed, unknown_event, error_event, huge, empty."""
    echo: bool = False
    """Answer every frame at once (latency benchmarks), instead of per 2-second window."""
    accept_delay_s: float = 0.0
    """Take this long to accept a connection (a slow or distant backend)."""

    def __post_init__(self) -> None:
        self._runner: web.AppRunner | None = None
        self._pipelines: dict[str, _Pipeline] = {}
        self.seen: list[_Pipeline] = []
        """Every connection's pipeline, in connection order (kept after it ends)."""
        self.answers: defaultdict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
        """The descriptions sent on each connection, with their dataUsed."""
        self.started = time.monotonic()

    def stale_frames(self) -> int:
        """Frames dropped because their device timestamp was older than the window."""
        return sum(p.stale for p in self.seen)

    @property
    def url(self) -> str:
        scheme = "https" if self.ssl_context else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    def _make(self) -> tuple[socketio.AsyncServer, web.Application]:
        sio = socketio.AsyncServer(
            async_mode="aiohttp", cors_allowed_origins="*", max_http_buffer_size=1_000_000
        )
        app = web.Application()
        sio.attach(app)

        async def root(_req: web.Request) -> web.Response:
            return web.json_response(
                {
                    "name": "InteliVision Backend (test)",
                    "version": "1.0.0",
                    "status": "running",
                    "timestamp": _iso_now(),
                    "clients": len(self._pipelines),
                }
            )

        async def health(_req: web.Request) -> web.Response:
            return web.json_response(
                {
                    "status": "healthy",
                    "timestamp": _iso_now(),
                    "uptime": time.monotonic() - self.started,
                    "memory": {
                        "rss": 50_000_000,
                        "heapTotal": 20_000_000,
                        "heapUsed": 15_000_000,
                        "external": 2_000_000,
                        "arrayBuffers": 100_000,
                    },
                    "clients": len(self._pipelines),
                }
            )

        app.router.add_get("/", root)
        app.router.add_get("/health", health)

        @sio.event
        async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> None:
            if self.token is not None:
                query = parse_qs(environ.get("QUERY_STRING", ""))
                given = (auth or {}).get("token") if isinstance(auth, dict) else None
                given = given or (query.get("token") or [None])[0]
                header = environ.get("HTTP_AUTHORIZATION", "")
                if header.startswith("Bearer "):
                    given = given or header[7:]
                if given != self.token:
                    self.refused += 1
                    self.connect_times.append(time.monotonic())
                    raise socketio.exceptions.ConnectionRefusedError("invalid token")
            if self.accept_delay_s:
                await asyncio.sleep(self.accept_delay_s)
            self.connects += 1
            self.connect_times.append(time.monotonic())
            self._pipelines[sid] = _Pipeline(sid)
            self.seen.append(self._pipelines[sid])

        @sio.event
        async def disconnect(sid: str, *_: Any) -> None:
            self._pipelines.pop(sid, None)

        @sio.on("ping")
        async def ping(sid: str, *_: Any) -> None:
            await sio.emit("pong", to=sid)

        @sio.on("sensor-data")
        async def sensor_data(sid: str, data: Any = None) -> None:
            self.frames[sid] += 1
            pipe = self._pipelines.get(sid)
            if pipe is None:
                return
            for trick in sorted(self.misbehave):
                await self._misbehave(sio, sid, trick)
            if self.echo:
                await sio.emit(
                    "ai-description",
                    {"description": "eco", "timestamp": 0, "fallback": False},
                    to=sid,
                )
                return
            try:
                out = pipe.feed(data)
            except (TypeError, ValueError, KeyError):
                await sio.emit("error", {"message": "Error procesando datos"}, to=sid)
                return
            if out is not None:
                text, used = out
                self.answers[sid].append(out)
                await sio.emit(
                    "ai-description",
                    {
                        "description": text,
                        "timestamp": time.time() * 1000,
                        "dataUsed": used,
                        "fallback": True,
                    },
                    to=sid,
                )

        self.sio = sio
        return sio, app

    async def _misbehave(self, sio: socketio.AsyncServer, sid: str, trick: str) -> None:
        if trick == "malformed":
            await sio.emit("ai-description", {"nodescription": 1}, to=sid)
            await sio.emit("ai-description", "just a string", to=sid)
        elif trick == "unknown_event":
            await sio.emit("surprise", {"x": 1}, to=sid)
        elif trick == "error_event":
            await sio.emit("error", {"message": "Error procesando datos"}, to=sid)
        elif trick == "huge":
            await sio.emit("ai-description", {"description": "x" * 3_000_000}, to=sid)
        elif trick == "empty":
            await sio.emit("ai-description", {"description": ""}, to=sid)

    async def start(self) -> None:
        _sio, app = self._make()
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(
            self._runner, "127.0.0.1", self.port, ssl_context=self.ssl_context, reuse_address=True
        )
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    async def stop(self) -> None:
        """Stop abruptly, as a crash would (connections dropped)."""
        sio = getattr(self, "sio", None)
        if sio is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(sio.shutdown(), 2)  # its engine.io service tasks
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self._pipelines.clear()
        await end_engineio_leftovers()  # so leak checks see only what the app leaves running

    async def __aenter__(self) -> SocketIOBackend:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.stop()


@dataclass
class ApiGatewayEmulator:
    token: str | None = None
    ssl_context: ssl.SSLContext | None = None
    port: int = 0
    idle_timeout_s: float = 600.0
    max_age_s: float = 7200.0
    max_message: int = 128 * 1024
    fail_routes: int = 0
    """Answer this many next sensor-data messages with Internal server error."""
    frames: Counter[str] = field(default_factory=Counter)
    actions: Counter[str] = field(default_factory=Counter)
    connects: int = 0
    refused: int = 0
    close_codes: list[int] = field(default_factory=list)
    ping_route: bool = False
    """Answer ``{"action": "ping"}`` with ``{"type": "pong"}`` (our serverless backend) instead
    of API Gateway's ``Forbidden`` for a route that is not deployed (the seed's)."""
    extra_replies: list[str] = field(default_factory=list)
    """Raw messages sent back after every sensor-data (for bad-peer tests)."""

    def __post_init__(self) -> None:
        self._server: Any = None
        self._conns: dict[str, Any] = {}
        self.by_conn: defaultdict[str, list[str]] = defaultdict(list)
        self.seen: list[_Pipeline] = []
        self.answers: defaultdict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)

    def stale_frames(self) -> int:
        return sum(p.stale for p in self.seen)

    @property
    def url(self) -> str:
        scheme = "wss" if self.ssl_context else "ws"
        return f"{scheme}://127.0.0.1:{self.port}/dev"

    async def _process_request(self, _conn: Any, request: Any) -> Any:
        if self.token is None:
            return None
        query = parse_qs(urlsplit(request.path).query)
        given = (query.get("token") or [None])[0]
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            given = given or header[7:]
        if given != self.token:
            self.refused += 1
            return _conn.respond(HTTPStatus.FORBIDDEN, "Forbidden\n")
        return None

    async def _handler(self, ws: Any) -> None:
        conn_id = uuid.uuid4().hex[:12]
        self.connects += 1
        self._conns[conn_id] = ws
        pipe = _Pipeline(conn_id)
        self.seen.append(pipe)
        opened = time.monotonic()
        try:
            while True:
                left_idle = self.idle_timeout_s
                left_age = self.max_age_s - (time.monotonic() - opened)
                if left_age <= 0:
                    await ws.close(1001, "Going away")
                    return
                try:
                    async with asyncio.timeout(min(left_idle, left_age)):
                        message = await ws.recv()
                except TimeoutError:
                    await ws.close(1001, "Going away")
                    return
                await self._route(ws, conn_id, pipe, message)
        except Exception:  # noqa: BLE001 - a closed connection ends the handler
            return
        finally:
            self._conns.pop(conn_id, None)
            if ws.close_code is not None:
                self.close_codes.append(ws.close_code)

    async def _route(self, ws: Any, conn_id: str, pipe: _Pipeline, message: Any) -> None:
        request_id = uuid.uuid4().hex[:8]
        try:
            body = json.loads(message)
            action = body.get("action") if isinstance(body, dict) else None
        except ValueError:
            action = None
        self.actions[str(action)] += 1
        if action == "ping" and self.ping_route:
            await ws.send(json.dumps({"type": "pong", "timestamp": int(time.time() * 1000)}))
            return
        if action != "sensor-data":
            await ws.send(
                json.dumps(
                    {"message": "Forbidden", "connectionId": conn_id, "requestId": request_id}
                )
            )
            return
        self.frames[conn_id] += 1
        for raw in self.extra_replies:
            await ws.send(raw)
        if self.fail_routes > 0:
            self.fail_routes -= 1
            await ws.send(
                json.dumps(
                    {
                        "message": "Internal server error",
                        "connectionId": conn_id,
                        "requestId": request_id,
                    }
                )
            )
            return
        data = body.get("data")
        frame = data if isinstance(data, dict) else {k: v for k, v in body.items() if k != "action"}
        try:
            out = pipe.feed(frame)
        except (TypeError, ValueError, KeyError):
            await ws.send(
                json.dumps(
                    {
                        "message": "Internal server error",
                        "connectionId": conn_id,
                        "requestId": request_id,
                    }
                )
            )
            return
        if out is not None:
            self.by_conn[conn_id].append(out[0])
            self.answers[conn_id].append(out)
            await ws.send(json.dumps({"type": "ai-description", "data": out[0]}))

    async def start(self) -> None:
        from websockets.asyncio.server import serve

        self._server = await serve(
            self._handler,
            "127.0.0.1",
            self.port,
            ssl=self.ssl_context,
            process_request=self._process_request,
            max_size=self.max_message,
            ping_interval=None,
        )
        self.port = next(iter(self._server.sockets)).getsockname()[1]

    async def disconnect_all(self, code: int = 1001) -> None:
        for ws in list(self._conns.values()):
            with contextlib.suppress(Exception):
                await ws.close(code, "Going away")

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 3)
            self._server = None

    async def __aenter__(self) -> ApiGatewayEmulator:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.stop()
