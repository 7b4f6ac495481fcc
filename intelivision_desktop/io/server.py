"""Local backend mode: camera devices connect straight to the desktop (``serve://HOST:PORT``).

One port serves what the deployed backends serve (PROTOCOL.md §2 and §6):

- Socket.IO at ``/socket.io/``: events ``sensor-data`` and ``ping``; answers
  ``ai-description`` (``description``, ``timestamp``, ``dataUsed``, ``fallback``), ``error``
  and ``pong``; ``GET /`` and ``GET /health`` with the backend's fields;
- a plain WebSocket at any other path (``ws://HOST:PORT/dev``) with API Gateway semantics:
  ``action`` routing, ``{"type": "ai-description", "data": …}`` replies, ``Forbidden`` and
  ``Internal server error`` frames, the 128 KB limit (close 1009).

Each connection is a device with its own id; the session's analyzer keeps its aggregation and
relevance state per device, as the backend does per connection, and each device gets its own
descriptions back. It is a Source: frames go to the session like any other source's.

Security: loopback only unless the operator binds another address, and then a token is
required (query ``?token=``, Socket.IO ``auth``, or ``Authorization: Bearer``); bad tokens are
refused at the handshake. Per-connection rate and size limits and a connection cap; whatever a
device sends is decoded defensively and counted when bad.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import ipaddress
import json
import logging
import secrets
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from intelivision_desktop import __version__
from intelivision_desktop.core.codec import FrameError, decode_frame, encode_summary
from intelivision_desktop.core.model import Description, LinkState
from intelivision_desktop.core.ports import SourceSink

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 3001
MAX_MESSAGE = 128 * 1024
"""API Gateway's limit, applied to both protocols."""


@dataclass(slots=True)
class ServerLimits:
    max_devices: int = 64
    rate_hz: float = 30.0
    """Frames per second a device may send (bursts up to ``burst``); more are dropped."""
    burst: int = 60
    max_message: int = MAX_MESSAGE


@dataclass(slots=True)
class DeviceInfo:
    """What the operator sees of a connected (or gone) device."""

    device_id: str
    protocol: str
    address: str
    user_agent: str
    connected_at: float
    """Wall time, epoch seconds."""
    connected: bool = True
    frames: int = 0
    dropped: int = 0
    malformed: int = 0
    last_description: str = ""
    disconnected_at: float | None = None
    _tokens: float = 0.0
    _refill: float = field(default_factory=time.monotonic)
    _recent: list[float] = field(default_factory=list)

    def allow(self, limits: ServerLimits) -> bool:
        """Token bucket: ``rate_hz`` sustained, ``burst`` at once."""
        now = time.monotonic()
        self._tokens = min(
            float(limits.burst), self._tokens + (now - self._refill) * limits.rate_hz
        )
        self._refill = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        return False

    def rate(self) -> float:
        """Frames per second over the last few seconds."""
        now = time.monotonic()
        self._recent = [t for t in self._recent if now - t <= 5.0]
        if len(self._recent) < 2:
            return 0.0
        return (len(self._recent) - 1) / max(1e-6, self._recent[-1] - self._recent[0])


def is_loopback_host(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class DeviceServer:
    """``serve://HOST:PORT?token=…``: a Source whose frames come from connected devices."""

    live = True

    def __init__(
        self,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        *,
        token: str | None = None,
        limits: ServerLimits | None = None,
        stage: str = "dev",
    ) -> None:
        self.host = host
        self.port = port
        self.limits = limits or ServerLimits()
        self.stage = stage.strip("/") or "dev"
        if token is None and not is_loopback_host(host):
            token = secrets.token_urlsafe(16)  # never open beyond this machine without one
        self.token = token
        self.devices: dict[str, DeviceInfo] = {}
        self.refused = 0
        self.started = time.monotonic()
        self._sink: SourceSink | None = None
        self._sio: Any = None
        self._sids: dict[str, str] = {}  # device id -> socket.io sid
        self._sockets: dict[str, Any] = {}  # device id -> aiohttp WebSocketResponse
        self._send_tasks: set[asyncio.Task[None]] = set()
        self._runner: Any = None

    # --- identity --------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The source URL, without the token (it goes into logs and recording headers)."""
        return f"serve://{self.host}:{self.port}"

    def device_urls(self) -> dict[str, str]:
        """What to type (or scan) on a phone: with the token when one is needed."""
        host = self.host if self.host not in ("0.0.0.0", "::") else _lan_address()
        q = f"?{urlencode({'token': self.token})}" if self.token else ""
        return {
            "socketio": f"http://{host}:{self.port}{q}",
            "apigw": f"ws://{host}:{self.port}/{self.stage}{q}",
        }

    def describe(self) -> str:
        shown = self.device_urls()["socketio"].split("?")[0]
        return f"serving devices at {shown}" + (" (token required)" if self.token else "")

    # --- Source ----------------------------------------------------------------------------

    async def run(self, sink: SourceSink) -> None:
        self._sink = sink
        await self._start()
        sink.set_state("source", LinkState.LIVE, self.describe())
        log.info(
            "%s; Socket.IO %s, API Gateway style %s",
            self.describe(),
            *(u.split("?")[0] for u in self.device_urls().values()),
        )
        try:
            await asyncio.Event().wait()
        finally:
            await self._stop()

    async def _start(self) -> None:
        import socketio
        from aiohttp import web

        sio = socketio.AsyncServer(
            async_mode="aiohttp",
            cors_allowed_origins="*",
            logger=False,
            engineio_logger=False,
            max_http_buffer_size=self.limits.max_message,
            ping_interval=25,
            ping_timeout=20,
        )
        app = web.Application(client_max_size=self.limits.max_message)
        sio.attach(app)
        self._sio = sio
        app.router.add_get("/", self._root)
        app.router.add_get("/health", self._health)
        app.router.add_get("/{stage:(?!socket\\.io).*}", self._websocket)
        sio.on("connect", self._sio_connect)
        sio.on("disconnect", self._sio_disconnect)
        sio.on("sensor-data", self._sio_frame)
        sio.on("ping", self._sio_ping)
        self._runner = web.AppRunner(
            app, handle_signals=False, access_log=None, shutdown_timeout=1.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, reuse_address=True)
        try:
            await site.start()
        except OSError as exc:
            await self._runner.cleanup()
            raise OSError(
                f"cannot serve on {self.host}:{self.port}: {exc.strerror or exc}"
            ) from None
        server = site._server
        if server is not None and self.port == 0:
            self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    async def _stop(self) -> None:
        for t in list(self._send_tasks):
            t.cancel()
        await asyncio.gather(*self._send_tasks, return_exceptions=True)
        for ws in list(self._sockets.values()):
            with contextlib.suppress(Exception):
                await ws.close(code=1001, message=b"server shutting down")
        if self._sio is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._sio.shutdown(), 2)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        await end_engineio_leftovers()
        for dev in self.devices.values():
            dev.connected = False

    # --- shared ----------------------------------------------------------------------------

    def _token_ok(self, given: str | None) -> bool:
        if self.token is None:
            return True
        return given is not None and hmac.compare_digest(given.encode(), self.token.encode())

    def _problem(self, kind: str, message: str) -> None:
        if self._sink is not None:
            self._sink.problem("source", kind, message)

    def _admit(self, protocol: str, address: str, user_agent: str) -> DeviceInfo | None:
        live = sum(1 for d in self.devices.values() if d.connected)
        if live >= self.limits.max_devices:
            self.refused += 1
            self._problem("refused", f"device refused: {live} devices connected, the cap")
            return None
        device_id = f"{protocol}-{uuid.uuid4().hex[:6]}"
        info = DeviceInfo(device_id, protocol, address, user_agent[:120], time.time())
        info._tokens = float(self.limits.burst)
        self.devices[device_id] = info
        log.info("device %s connected from %s (%s)", device_id, address, info.user_agent)
        return info

    def _gone(self, device_id: str) -> None:
        info = self.devices.get(device_id)
        if info is not None and info.connected:
            info.connected = False
            info.disconnected_at = time.time()
            log.info("device %s disconnected", device_id)
        self._sids.pop(device_id, None)
        self._sockets.pop(device_id, None)
        if self._sink is not None:
            gone = getattr(self._sink, "device_gone", None)
            if gone is not None:
                gone(device_id)

    def _frame(self, info: DeviceInfo, data: Any) -> str | None:
        """Take a frame from a device. Returns an error to send back, or None."""
        if not info.allow(self.limits):
            info.dropped += 1
            self._problem(
                "rate_limited",
                f"{info.device_id} sends faster than {self.limits.rate_hz:g} frames/s;"
                " extra frames dropped",
            )
            return None
        try:
            frame = decode_frame(data, device_id=info.device_id, arrival_ms=time.time() * 1000.0)
        except FrameError as exc:
            info.malformed += 1
            self._problem("malformed", f"{info.device_id}: {exc}")
            return "Error procesando datos"
        info.frames += 1
        info._recent.append(time.monotonic())
        if len(info._recent) > 64:
            del info._recent[:-64]
        if self._sink is not None:
            self._sink.push_frames([frame])
        return None

    def deliver(self, d: Description) -> None:
        """Send a description back to the device it describes (called by the session)."""
        info = self.devices.get(d.device_id)
        if info is None or not info.connected:
            return
        info.last_description = d.text
        if info.protocol == "sio":
            sid = self._sids.get(d.device_id)
            if sid is None or self._sio is None:
                return
            payload = {
                "description": d.text,
                "timestamp": int(d.t_ms),
                "dataUsed": encode_summary(d.summary) if d.summary else None,
                "fallback": d.fallback,
            }
            self._spawn(self._sio.emit("ai-description", payload, to=sid))
        else:
            ws = self._sockets.get(d.device_id)
            if ws is not None:
                self._spawn(
                    ws.send_str(
                        json.dumps({"type": "ai-description", "data": d.text}, ensure_ascii=False)
                    )
                )

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._send_tasks.add(task)
        task.add_done_callback(self._sent)

    def _sent(self, task: asyncio.Task[None]) -> None:
        self._send_tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.debug("send to a device failed: %s", task.exception())

    # --- HTTP ------------------------------------------------------------------------------

    def _clients(self) -> int:
        return sum(1 for d in self.devices.values() if d.connected)

    async def _root(self, _request: Any) -> Any:
        from aiohttp import web

        return web.json_response(
            {
                "name": "InteliVision Desktop (local backend)",
                "version": __version__,
                "status": "running",
                "timestamp": int(time.time() * 1000),
                "clients": self._clients(),
            }
        )

    async def _health(self, _request: Any) -> Any:
        import resource

        from aiohttp import web

        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        return web.json_response(
            {
                "status": "healthy",
                "timestamp": int(time.time() * 1000),
                "uptime": time.monotonic() - self.started,
                "memory": {"rss": rss},
                "clients": self._clients(),
            }
        )

    # --- Socket.IO -------------------------------------------------------------------------

    async def _sio_connect(self, sid: str, environ: Mapping[str, Any], auth: Any = None) -> None:
        import socketio

        query = parse_qs(str(environ.get("QUERY_STRING", "")))
        given = auth.get("token") if isinstance(auth, dict) else None
        given = given or _first(query, "token")
        header = str(environ.get("HTTP_AUTHORIZATION", ""))
        if not given and header.startswith("Bearer "):
            given = header[7:]
        address = str(environ.get("REMOTE_ADDR", "?"))
        if not self._token_ok(given):
            self.refused += 1
            self._problem("refused", f"device at {address} refused: bad or missing token")
            raise socketio.exceptions.ConnectionRefusedError("invalid token")
        info = self._admit("sio", address, str(environ.get("HTTP_USER_AGENT", "")))
        if info is None:
            raise socketio.exceptions.ConnectionRefusedError("too many devices")
        self._sids[info.device_id] = sid
        async with self._sio.session(sid) as session:
            session["device"] = info.device_id

    async def _device_of(self, sid: str) -> DeviceInfo | None:
        try:
            session = await self._sio.get_session(sid)
        except KeyError:
            return None
        return self.devices.get(session.get("device", ""))

    async def _sio_disconnect(self, sid: str, *_: Any) -> None:
        info = await self._device_of(sid)
        if info is not None:
            self._gone(info.device_id)

    async def _sio_frame(self, sid: str, data: Any = None) -> None:
        info = await self._device_of(sid)
        if info is None:
            return
        error = self._frame(info, data)
        if error is not None:
            await self._sio.emit("error", {"message": error}, to=sid)

    async def _sio_ping(self, sid: str, *_: Any) -> None:
        await self._sio.emit("pong", to=sid)

    # --- API Gateway style WebSocket -------------------------------------------------------

    async def _websocket(self, request: Any) -> Any:
        from aiohttp import WSMsgType, web

        query = parse_qs(urlsplit(str(request.rel_url)).query)
        given = _first(query, "token")
        header = request.headers.get("Authorization", "")
        if not given and header.startswith("Bearer "):
            given = header[7:]
        address = request.remote or "?"
        if not self._token_ok(given):
            self.refused += 1
            self._problem("refused", f"device at {address} refused: bad or missing token")
            return web.Response(status=403, text="Forbidden\n")
        if request.headers.get("Upgrade", "").lower() != "websocket":
            return web.Response(status=426, text="Upgrade to a WebSocket (or use Socket.IO)\n")
        info = self._admit("ws", address, request.headers.get("User-Agent", ""))
        if info is None:
            return web.Response(status=503, text="Too many devices\n")
        ws = web.WebSocketResponse(max_msg_size=self.limits.max_message, heartbeat=None)
        await ws.prepare(request)
        self._sockets[info.device_id] = ws
        conn_id = info.device_id
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    if msg.type == WSMsgType.ERROR:
                        break
                    info.malformed += 1
                    self._problem("malformed", f"{conn_id}: binary message ignored")
                    continue
                await self._ws_message(ws, info, msg.data)
        finally:
            self._gone(info.device_id)
        if ws.close_code == 1009:
            self._problem(
                "oversize",
                f"{conn_id}: message over {self.limits.max_message} bytes;"
                " connection closed (1009), as API Gateway does",
            )
        return ws

    async def _ws_message(self, ws: Any, info: DeviceInfo, text: str) -> None:
        request_id = uuid.uuid4().hex[:12]
        try:
            body = json.loads(text)
        except (ValueError, RecursionError):
            body = None
        action = body.get("action") if isinstance(body, dict) else None
        if action == "ping":
            return  # keep-alive: activity is all it is for
        if action != "sensor-data":
            if body is None:
                info.malformed += 1
                self._problem("malformed", f"{info.device_id}: not JSON")
            await ws.send_str(
                json.dumps(
                    {
                        "message": "Forbidden",
                        "connectionId": info.device_id,
                        "requestId": request_id,
                    }
                )
            )
            return
        frame = {k: v for k, v in body.items() if k != "action"}
        if self._frame(info, frame) is not None:
            await ws.send_str(
                json.dumps(
                    {
                        "message": "Internal server error",
                        "connectionId": info.device_id,
                        "requestId": request_id,
                    }
                )
            )


async def end_engineio_leftovers() -> None:
    """python-engineio's server leaves each dropped socket's ping task running after the
    server has shut down; end them, so that nothing outlives the server that started it."""
    leftovers = [
        t
        for t in asyncio.all_tasks()
        if "AsyncSocket._send_ping" in getattr(t.get_coro(), "__qualname__", "")
    ]
    for t in leftovers:
        t.cancel()
    await asyncio.gather(*leftovers, return_exceptions=True)


def _first(query: Mapping[str, list[str]], key: str) -> str | None:
    values = query.get(key)
    return values[0] if values else None


def _lan_address() -> str:
    """This machine's address on the local network (for the URL shown to phones)."""
    import socket

    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(("192.0.2.1", 9))  # TEST-NET: no packet is sent for a UDP connect
        return str(s.getsockname()[0])
    return "127.0.0.1"


def server_from_url(url: str) -> DeviceServer:
    """``serve://[HOST][:PORT]?token=…&max_devices=64&rate=30&stage=dev``."""
    parts = urlsplit(url)
    allowed = {"token", "max_devices", "rate", "stage"}
    raw = parse_qs(parts.query, keep_blank_values=True)
    unknown = set(raw) - allowed
    if unknown:
        raise ValueError(
            f"{url}: unknown option(s) {', '.join(sorted(unknown))}; "
            f"known: {', '.join(sorted(allowed))}"
        )
    q = {k: v[-1] for k, v in raw.items()}
    host = parts.hostname or DEFAULT_HOST
    try:
        port = parts.port if parts.port is not None else DEFAULT_PORT
        limits = ServerLimits(
            max_devices=int(q.get("max_devices", 64)), rate_hz=float(q.get("rate", 30))
        )
    except ValueError as exc:
        raise ValueError(f"{url}: {exc}") from None
    if limits.max_devices < 1 or limits.rate_hz <= 0:
        raise ValueError(f"{url}: max_devices and rate must be positive")
    token = q.get("token") or None
    return DeviceServer(host, port, token=token, limits=limits, stage=q.get("stage", "dev"))
