"""Local backend mode: camera devices connect straight to the desktop (``serve://HOST:PORT``).

One port serves what the deployed backends serve (PROTOCOL.md §2 and §6):

- Socket.IO at ``/socket.io/`` as the Node backend serves it: events ``sensor-data`` and
  ``ping``; answers ``ai-description`` (``description``, ``timestamp``, ``dataUsed``,
  ``fallback``), ``error`` and ``pong``; socket.io's 1 MB message limit (``maxHttpBufferSize``);
  engine.io's heartbeat (25 s interval, 20 s timeout) drops devices that stop answering;
  ``GET /`` → ``{"name", "version", "status", "timestamp", "clients"}`` and ``GET /health`` →
  ``{"status": "healthy", "timestamp", "uptime", "memory": {rss, heapTotal, heapUsed, external,
  arrayBuffers}, "clients"}`` with ISO 8601 timestamps (``2026-11-29T11:12:45.824Z``);
- a plain WebSocket at any other path (``ws://HOST:PORT/dev``) with API Gateway semantics:
  ``action`` routing, the frame flat (``{"action": "sensor-data", …frame}``) or wrapped
  (``{"action": "sensor-data", "data": {…frame}}``), ``{"type": "ai-description", "data": …}``
  replies, ``Forbidden`` and ``Internal server error`` frames, the 128 KB limit (close 1009),
  the 10 min idle timeout (close 1001 "Going away"; WebSocket pings are not activity) and a
  WebSocket ping/pong heartbeat that drops half-open connections.

Each connection is a device with its own id; the session's analyzer keeps its aggregation and
relevance state per device, as the backend does per connection, and each device gets its own
descriptions back. It is a Source: frames go to the session like any other source's, marked as
stamped by the device's own clock. A frame with neither ``personas`` nor ``objetos`` is counted
(``no_detections``), never taken silently.

Security (every refusal is counted and logged, at most one line per kind every 10 s):

- a token always, loopback included: generated when not given (it is part of the device URLs
  shown to the operator); ``serve://127.0.0.1:3001?token=none`` serves loopback without one
  (refused beyond loopback). Devices present it as ``?token=``, Socket.IO ``auth`` or
  ``Authorization: Bearer``; bad tokens are refused at the handshake. ``GET /`` and
  ``/health`` need it too when bound beyond loopback.
- an Origin policy, so that no web page in the operator's browser can drive the server: no
  ``Origin`` (native apps) and the Ionic/Capacitor app origins (``capacitor://localhost``,
  ``ionic://localhost``, ``http://localhost``, ``https://localhost``) are allowed, any other
  origin is refused with HTTP 403 on both protocols unless listed in
  ``?origins=https://a.example,https://b.example`` (``origins=*``: any).
- per-device rate and size limits and a device cap; at most ``per_address`` open connections
  from one address (16; ``?per_address=0`` lifts the cap); a connection must send its first
  request within ``handshake_timeout`` (10 s) of opening and complete each request within
  as long of its first byte (slowloris), idle keep-alive connections close after 75 s; accept
  errors (out of file descriptors …) are logged once per 10 s with a count.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import errno
import hmac
import ipaddress
import json
import logging
import math
import os
import secrets
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from intelivision_desktop import __version__
from intelivision_desktop.core import urlopts
from intelivision_desktop.core.codec import (
    FrameError,
    ai_description_apigw,
    ai_description_socketio,
    decode_frame,
    encode_summary,
    loads_bounded,
    unwrap_apigw_frame,
)
from intelivision_desktop.core.model import Description, LinkState, Summary, Window
from intelivision_desktop.core.ports import SourceSink

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 3001
MAX_MESSAGE = 128 * 1024
"""API Gateway's message limit, on the API Gateway style path."""
SIO_MAX_MESSAGE = 1_000_000
"""socket.io's default ``maxHttpBufferSize`` (1e6 bytes), on the Socket.IO path."""
DEFAULT_PER_ADDRESS = 16
NO_TOKEN = "none"
"""``?token=none``: serve loopback without a token (the operator's explicit choice)."""
APP_ORIGINS = (
    "capacitor://localhost",
    "ionic://localhost",
    "http://localhost",
    "https://localhost",  # Capacitor 6+ on Android (androidScheme defaults to https)
)
"""Origins the Ionic/Capacitor camera apps send; allowed by default."""


@dataclass(slots=True)
class ServerLimits:
    max_devices: int = 64
    rate_hz: float = 30.0
    """Frames per second a device may send (bursts up to ``burst``); more are dropped."""
    burst: int = 60
    max_message: int = MAX_MESSAGE
    """Largest message on the API Gateway style path (larger: close 1009)."""
    sio_max_message: int = SIO_MAX_MESSAGE
    """Largest Socket.IO message (larger: the connection is closed, as socket.io does)."""
    idle_timeout: float = 600.0
    """API Gateway style path: a connection with no application message for this long is
    closed with 1001 "Going away" (WebSocket pings are not activity, as on API Gateway)."""
    ws_heartbeat: float = 30.0
    """API Gateway style path: a WebSocket ping every this many seconds; no pong within half
    of it and the connection is dropped (a frozen phone frees its slot)."""
    sio_ping_interval: float = 25.0
    """engine.io's heartbeat, as the Node backend's defaults (pingInterval)."""
    sio_ping_timeout: float = 20.0
    """… and pingTimeout."""
    handshake_timeout: float = 10.0
    """A connection must send its first request within this many seconds of opening, and
    complete each request (headers; a POST's body too) within this long of its first byte."""
    keepalive_timeout: float = 75.0
    """An idle connection between requests is closed after this long (aiohttp's default;
    longer than engine.io's ping interval, so long-polling devices keep their connections)."""
    per_address: int = DEFAULT_PER_ADDRESS
    """Open connections from one address (loopback included); more are refused. 0: no cap."""
    log_every: float = 10.0
    """Warnings that can repeat (refusals, oversize, accept errors) at most once per kind
    per this many seconds, with a count of the ones left out."""


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
    no_detections: int = 0
    """Frames with neither ``personas`` nor ``objetos``."""
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


def http_needs_token(host: str) -> bool:
    """``GET /`` and ``/health`` need the token when the server is bound beyond loopback."""
    return not is_loopback_host(host)


def normalize_origin(origin: str) -> str:
    return origin.strip().rstrip("/").lower()


def origin_allowed(origin: str | None, allowed: frozenset[str] | None) -> bool:
    """The Origin policy: no Origin (a native app) is allowed; otherwise the origin must be in
    ``allowed`` (normalised; None: the operator allowed any)."""
    if origin is None or not origin.strip():
        return True
    return allowed is None or normalize_origin(origin) in allowed


def iso_now() -> str:
    """Now as Node's ``new Date().toISOString()``: ``2026-11-29T11:12:45.824Z``."""
    now = dt.datetime.now(dt.UTC)
    return now.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def memory_usage() -> dict[str, int]:
    """Node's ``process.memoryUsage()`` fields in bytes, from their nearest Python equivalents:
    ``rss`` the resident set size now; ``heapTotal`` the bytes the C allocator holds from the
    system and ``heapUsed`` the bytes of it in use (glibc ``mallinfo2``; where unavailable,
    both are the resident size); ``external`` and ``arrayBuffers`` (memory held by native
    objects and buffers outside the heap) are not tracked separately by CPython: 0."""
    rss = _rss()
    heap_total, heap_used = _malloc_stats() or (rss, rss)
    return {
        "rss": rss,
        "heapTotal": heap_total,
        "heapUsed": heap_used,
        "external": 0,
        "arrayBuffers": 0,
    }


def _rss() -> int:
    with (
        contextlib.suppress(OSError, ValueError, IndexError),
        open("/proc/self/statm", encoding="ascii") as f,
    ):
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    if sys.platform == "win32":
        return _rss_windows()
    try:
        import resource
    except ImportError:
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # the peak, not now
    return int(peak if sys.platform == "darwin" else peak * 1024)


def _rss_windows() -> int:  # pragma: no cover - Windows only
    import ctypes
    from ctypes import wintypes

    class Counters(ctypes.Structure):
        _fields_ = [
            ("cb", wintypes.DWORD),
            ("PageFaultCount", wintypes.DWORD),
            ("PeakWorkingSetSize", ctypes.c_size_t),
            ("WorkingSetSize", ctypes.c_size_t),
            ("QuotaPeakPagedPoolUsage", ctypes.c_size_t),
            ("QuotaPagedPoolUsage", ctypes.c_size_t),
            ("QuotaPeakNonPagedPoolUsage", ctypes.c_size_t),
            ("QuotaNonPagedPoolUsage", ctypes.c_size_t),
            ("PagefileUsage", ctypes.c_size_t),
            ("PeakPagefileUsage", ctypes.c_size_t),
        ]

    try:
        c = Counters()
        c.cb = ctypes.sizeof(c)
        windll: Any = getattr(ctypes, "windll")  # noqa: B009 - absent off Windows
        handle = windll.kernel32.GetCurrentProcess()
        if windll.psapi.GetProcessMemoryInfo(handle, ctypes.byref(c), c.cb):
            return int(c.WorkingSetSize)
    except (OSError, AttributeError):
        pass
    return 0


def _malloc_stats() -> tuple[int, int] | None:
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    class MallInfo2(ctypes.Structure):
        _fields_ = [
            (name, ctypes.c_size_t)
            for name in (
                "arena",
                "ordblks",
                "smblks",
                "hblks",
                "hblkhd",
                "usmblks",
                "fsmblks",
                "uordblks",
                "fordblks",
                "keepcost",
            )
        ]

    try:
        fn = ctypes.CDLL(None).mallinfo2
    except (OSError, AttributeError):  # not glibc, or glibc < 2.33
        return None
    fn.restype = MallInfo2
    m = fn()
    return int(m.arena + m.hblkhd), int(m.uordblks + m.hblkhd)


class _Connection(asyncio.Protocol):
    """One TCP connection, in front of aiohttp's handler: the per-address cap and the deadline
    for each HTTP request (slow or silent clients are closed, not held forever)."""

    def __init__(self, server: DeviceServer, factory: Callable[[], Any]) -> None:
        self._server = server
        self._factory = factory
        self.inner: Any = None
        self.transport: asyncio.Transport | None = None
        self.address = "?"
        self.admitted = False
        self._busy = 0
        self._served = 0
        self._partial = False
        self._timer: asyncio.TimerHandle | None = None

    # --- asyncio.Protocol ------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        peer = transport.get_extra_info("peername")
        if isinstance(peer, tuple) and peer:
            self.address = str(peer[0])
        if not self._server._conn_opened(self):
            transport.abort()
            return
        self.admitted = True
        self.inner = self._factory()
        self._server._handlers[self.inner] = self
        self._arm()
        self.inner.connection_made(transport)

    def data_received(self, data: bytes) -> None:
        if not self._busy and not self._partial:
            self._partial = True  # a request begins: it must be complete within the deadline
            self._arm()
        if self.inner is not None:
            self.inner.data_received(data)

    def eof_received(self) -> bool | None:
        if self.inner is not None:
            return bool(self.inner.eof_received())
        return None

    def pause_writing(self) -> None:
        if self.inner is not None:
            self.inner.pause_writing()

    def resume_writing(self) -> None:
        if self.inner is not None:
            self.inner.resume_writing()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        if self.admitted:
            self.admitted = False
            self._server._conn_closed(self)
        if self.inner is not None:
            self._server._handlers.pop(self.inner, None)
            self.inner.connection_lost(exc)

    # --- request deadlines -----------------------------------------------------------------

    def request_started(self, method: str) -> None:
        """A request's headers are in. A GET may run long (a long poll, a WebSocket); a POST
        must have its body in by the deadline set at its first byte."""
        self._busy += 1
        self._partial = False
        if method != "POST":
            self._disarm()

    def request_ended(self) -> None:
        self._busy = max(0, self._busy - 1)
        self._served += 1
        if self._busy == 0 and self.admitted:
            # idle between requests (keep-alive): a polling device's POST connection idles
            # for a heartbeat interval, so this is longer than the request deadline
            self._arm(self._server.limits.keepalive_timeout)

    def _arm(self, timeout: float | None = None) -> None:
        self._disarm()
        if timeout is None:
            timeout = self._server.limits.handshake_timeout
        if timeout > 0:
            self._timer = asyncio.get_running_loop().call_later(timeout, self._expire)

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _expire(self) -> None:
        self._timer = None
        if self.transport is not None and not self.transport.is_closing():
            if self._busy or self._partial or not self._served:
                self._server._slow(self)  # a request (or the first one) that never completes
                self.transport.abort()
            else:  # an idle keep-alive connection, closed quietly as any server does
                self.transport.close()

    def close(self) -> None:
        self._disarm()
        if self.transport is not None and not self.transport.is_closing():
            self.transport.abort()


class DeviceServer:
    """``serve://HOST:PORT?token=…``: a Source whose frames come from connected devices."""

    live = True

    def __init__(
        self,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        *,
        token: str | None = None,
        require_token: bool = True,
        origins: Iterable[str] | None = (),
        limits: ServerLimits | None = None,
        stage: str = "dev",
    ) -> None:
        """``token`` None: one is generated. ``require_token=False`` serves loopback without
        one (refused beyond loopback). ``origins``: browser origins allowed besides the apps'
        (:data:`APP_ORIGINS`); None allows any origin."""
        self.host = host
        self.port = port
        self.limits = limits or ServerLimits()
        self.stage = stage.strip("/") or "dev"
        self.public = not is_loopback_host(host)
        """Bound beyond loopback: ``GET /`` and ``/health`` need the token too."""
        if not require_token:
            if self.public:
                raise ValueError(
                    f"serve://{host}: a token is required beyond loopback (serving without"
                    " one is for 127.0.0.1 only)"
                )
            if token is not None:
                raise ValueError("a token was given and token=none asked: choose one")
        elif token is None:
            token = secrets.token_urlsafe(16)
        self.token = token
        self.allowed_origins: frozenset[str] | None = (
            None
            if origins is None or "*" in origins
            else frozenset(normalize_origin(o) for o in (*APP_ORIGINS, *origins) if o.strip())
        )
        self.devices: dict[str, DeviceInfo] = {}
        self.refused = 0
        self.refusals: Counter[str] = Counter()
        """Refusals by reason: token, origin, devices, address, slow."""
        self.accept_errors = 0
        self.started = time.monotonic()
        self._sink: SourceSink | None = None
        self._sio: Any = None
        self._sids: dict[str, str] = {}  # device id -> socket.io sid
        self._sockets: dict[str, Any] = {}  # device id -> aiohttp WebSocketResponse
        self._observers: set[Any] = set()
        """Operator consoles on ``/observe`` (their WebSocketResponses)."""
        self._send_tasks: set[asyncio.Task[None]] = set()
        self._runner: Any = None
        self._tcp: asyncio.Server | None = None
        self._conns: set[_Connection] = set()
        self._per_address: Counter[str] = Counter()
        self._handlers: dict[Any, _Connection] = {}  # aiohttp handler -> its connection
        self._warned: dict[str, tuple[float, int]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._old_handler: Any = None

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
        return f"serving devices at {shown}" + (
            " (token required)" if self.token else " (no token: this computer only)"
        )

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

        lim = self.limits
        sio = socketio.AsyncServer(
            async_mode="aiohttp",
            cors_allowed_origins=self._cors_allowed,
            logger=False,
            engineio_logger=False,
            max_http_buffer_size=lim.sio_max_message,
            ping_interval=lim.sio_ping_interval,
            ping_timeout=lim.sio_ping_timeout,
        )
        app = web.Application(
            client_max_size=max(lim.max_message, lim.sio_max_message),
            middlewares=[self._guard],
        )
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
        loop = asyncio.get_running_loop()
        self._loop = loop
        self._old_handler = loop.get_exception_handler()
        loop.set_exception_handler(self._loop_exception)
        factory = self._runner.server
        try:
            self._tcp = await loop.create_server(
                lambda: _Connection(self, factory), self.host, self.port, reuse_address=True
            )
        except OSError as exc:
            loop.set_exception_handler(self._old_handler)
            await self._runner.cleanup()
            raise OSError(
                f"cannot serve on {self.host}:{self.port}: {exc.strerror or exc}"
            ) from None
        if self.port == 0:
            self.port = self._tcp.sockets[0].getsockname()[1]

    async def _stop(self) -> None:
        for t in list(self._send_tasks):
            t.cancel()
        await asyncio.gather(*self._send_tasks, return_exceptions=True)
        if self._tcp is not None:
            self._tcp.close()  # no new connections
        for ws in [*self._sockets.values(), *self._observers]:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(code=1001, message=b"server shutting down"), 2)
        if self._sio is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._sio.shutdown(), 2)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        for conn in list(self._conns):
            conn.close()
        if self._tcp is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._tcp.wait_closed(), 2)
            self._tcp = None
        await end_engineio_leftovers()
        if self._loop is not None and self._loop.get_exception_handler() == self._loop_exception:
            self._loop.set_exception_handler(self._old_handler)
        for dev in self.devices.values():
            dev.connected = False

    # --- connections -----------------------------------------------------------------------

    def _conn_opened(self, conn: _Connection) -> bool:
        cap = self.limits.per_address
        if cap > 0 and self._per_address[conn.address] >= cap:
            self._refuse(
                "address",
                conn.address,
                f"connection from {conn.address} refused: {cap} already open from that address",
            )
            return False
        self._per_address[conn.address] += 1
        self._conns.add(conn)
        return True

    def _conn_closed(self, conn: _Connection) -> None:
        self._conns.discard(conn)
        self._per_address[conn.address] -= 1
        if self._per_address[conn.address] <= 0:
            del self._per_address[conn.address]

    def _slow(self, conn: _Connection) -> None:
        self.refusals["slow"] += 1
        message = (
            f"connection from {conn.address} closed: no complete HTTP request within"
            f" {self.limits.handshake_timeout:g} s"
        )
        self._problem("slow_request", message)
        self._warn("slow_request", message)

    def _loop_exception(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        """Accept errors (out of file descriptors …) repeat many times a second: one line per
        ``log_every`` seconds with a count, never a traceback each."""
        exc = context.get("exception")
        message = str(context.get("message", ""))
        accept = "socket.accept()" in message or "incoming connection" in message
        if isinstance(exc, OSError) and (
            accept or exc.errno in (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM)
        ):
            self.accept_errors += 1
            text = f"cannot accept connections: {exc.strerror or exc}"
            self._problem("accept_error", text)
            self._warn("accept_error", text)
            return
        if self._old_handler is not None:
            self._old_handler(loop, context)
        else:
            loop.default_exception_handler(context)

    # --- shared ----------------------------------------------------------------------------

    def _token_ok(self, given: str | None) -> bool:
        if self.token is None:
            return True
        return given is not None and hmac.compare_digest(given.encode(), self.token.encode())

    def _cors_allowed(self, origin: str | None, _environ: Any = None) -> bool:
        return origin_allowed(origin, self.allowed_origins)

    def _problem(self, kind: str, message: str) -> None:
        if self._sink is not None:
            self._sink.problem("source", kind, message)

    def _warn(self, kind: str, message: str) -> None:
        """A warning that may repeat: at most one line per kind per ``log_every`` seconds."""
        now = time.monotonic()
        last, skipped = self._warned.get(kind, (-math.inf, 0))
        if now - last >= self.limits.log_every:
            more = f" (and {skipped} more like it since the last report)" if skipped else ""
            log.warning("%s%s", message, more)
            self._warned[kind] = (now, 0)
        else:
            self._warned[kind] = (last, skipped + 1)

    def _refuse(self, reason: str, address: str, message: str) -> None:
        self.refused += 1
        self.refusals[reason] += 1
        self._problem("refused", message)
        self._warn(f"refused:{reason}", message)

    def _admit(self, protocol: str, address: str, user_agent: str) -> DeviceInfo | None:
        live = sum(1 for d in self.devices.values() if d.connected)
        if live >= self.limits.max_devices:
            self._refuse("devices", address, f"device refused: {live} devices connected, the cap")
            return None
        device_id = f"{protocol}-{uuid.uuid4().hex[:6]}"
        info = DeviceInfo(device_id, protocol, address, user_agent[:120], time.time())
        info._tokens = float(self.limits.burst)
        self.devices[device_id] = info
        log.info("device %s connected from %s (%s)", device_id, address, info.user_agent)
        self._to_observers(self._connected_event(info))
        return info

    def _gone(self, device_id: str) -> None:
        info = self.devices.get(device_id)
        if info is not None and info.connected:
            info.connected = False
            info.disconnected_at = time.time()
            log.info("device %s disconnected", device_id)
            self._to_observers(
                {"type": "device-disconnected", "device": device_id, "at": _now_ms()}
            )
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
        # a live device stamps its frames on its own clock: forwarded with its time as it is
        frame = dataclasses.replace(frame, device_clock=True)
        if "personas" not in data and "objetos" not in data:
            info.no_detections += 1
            message = (
                f"{info.device_id}: a sensor-data frame with neither personas nor objetos"
                f" (fields: {', '.join(sorted(map(str, data))[:8]) or 'none'})"
            )
            self._problem("no_detections", message)
            self._warn(f"no_detections:{info.device_id}", message)
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
        self._to_observers(
            {
                "type": "ai-description",
                "device": d.device_id,
                "at": int(d.t_ms),
                "data": d.text,
                "fallback": d.fallback,
                "dataUsed": encode_summary(d.summary) if d.summary is not None else None,
                "latencyMs": d.latency_ms,
            }
        )
        if info.protocol == "sio":
            sid = self._sids.get(d.device_id)
            if sid is None or self._sio is None:
                return
            payload = ai_description_socketio(
                d.text, timestamp_ms=d.t_ms, summary=d.summary, fallback=d.fallback
            )
            self._spawn(self._sio.emit("ai-description", payload, to=sid))
        else:
            ws = self._sockets.get(d.device_id)
            if ws is not None:
                message = ai_description_apigw(
                    d.text, timestamp_ms=d.t_ms, summary=d.summary, fallback=d.fallback
                )
                self._spawn(ws.send_str(json.dumps(message, ensure_ascii=False)))

    # --- observers: operator consoles watching this app's devices (/observe) ---------------

    def observe_window(self, window: Window, summary: Summary, relevant: bool) -> None:
        """Every window the session's analyzer closed for a served device, relevant or not
        (called by the session), as the ``window`` event of the observer protocol."""
        if not self._observers or window.device_id not in self.devices:
            return
        cams = [f.camera_active for f in window.frames if f.camera_active is not None]
        self._to_observers(
            {
                "type": "window",
                "device": window.device_id,
                "at": int(window.closed_ms),
                "relevant": relevant,
                "frames": len(window.frames),
                "cameraActive": (all(cams) if cams else None),
                "dataUsed": encode_summary(summary),
            }
        )

    def _connected_event(self, info: DeviceInfo) -> dict[str, Any]:
        return {
            "type": "device-connected",
            "device": info.device_id,
            "at": int(info.connected_at * 1000),
            "userAgent": info.user_agent,
            "sourceIp": info.address,
        }

    def _to_observers(self, event: Mapping[str, Any]) -> None:
        if not self._observers:
            return
        text = json.dumps(event, ensure_ascii=False, allow_nan=False)
        for ws in list(self._observers):
            if ws.closed:
                self._observers.discard(ws)
                continue
            self._spawn(ws.send_str(text))

    async def _observer(self, request: Any) -> Any:
        """``/observe``: an operator console (the serve token, as devices; Origin policy as
        for ``/dev``). It gets a snapshot of the connected devices, then every event."""
        from aiohttp import WSMsgType, web

        address = request.remote or "?"
        if not self._token_ok(_given_token(request.query, request.headers)):
            self._refuse("token", address, f"observer at {address} refused: bad or missing token")
            return web.Response(status=403, text="Forbidden\n")
        if request.headers.get("Upgrade", "").lower() != "websocket":
            return web.Response(status=426, text="Upgrade to a WebSocket\n")
        lim = self.limits
        ws = web.WebSocketResponse(
            max_msg_size=64 * 1024,
            heartbeat=lim.ws_heartbeat if lim.ws_heartbeat > 0 else None,
            timeout=5.0,
        )
        await ws.prepare(request)
        log.info("observer connected from %s", address)
        for info in list(self.devices.values()):
            if info.connected:
                await ws.send_str(json.dumps(self._connected_event(info), ensure_ascii=False))
        self._observers.add(ws)
        self._to_observers({"type": "observers", "count": len(self._observers)})
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                try:
                    body = loads_bounded(msg.data)
                except FrameError:
                    body = None
                if not (isinstance(body, dict) and body.get("action") == "ping"):
                    self._problem("observer_message", f"observer at {address}: message ignored")
        finally:
            self._observers.discard(ws)
            log.info("observer at %s left", address)
            self._to_observers({"type": "observers", "count": len(self._observers)})
        return ws

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._send_tasks.add(task)
        task.add_done_callback(self._sent)

    def _sent(self, task: asyncio.Task[None]) -> None:
        self._send_tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.debug("send to a device failed: %s", task.exception())

    # --- HTTP ------------------------------------------------------------------------------

    @property
    def _guard(self) -> Any:
        from aiohttp import web

        @web.middleware
        async def guard(request: Any, handler: Any) -> Any:
            conn = self._handlers.get(request.protocol)
            if conn is not None:
                conn.request_started(request.method)
            try:
                return await self._guarded(request, handler)
            finally:
                if conn is not None:
                    conn.request_ended()

        return guard

    async def _guarded(self, request: Any, handler: Any) -> Any:
        from aiohttp import web

        address = request.remote or "?"
        origin = request.headers.get("Origin")
        if not origin_allowed(origin, self.allowed_origins):
            self._refuse(
                "origin",
                address,
                f"request from {address} refused: Origin {origin[:80]!r} is not allowed"
                " (serve://…?origins=… allows it)",
            )
            return web.Response(status=403, text="Forbidden: origin not allowed\n")
        sio_path = request.path.startswith("/socket.io")
        if (
            request.path in ("/", "/health")
            and self.public
            and not self._token_ok(_given_token(request.query, request.headers))
        ):
            self._refuse("token", address, f"{request.path} from {address}: no valid token")
            return web.Response(
                status=401,
                text="Unauthorized: token required\n",
                headers={"WWW-Authenticate": "Bearer"},
            )
        if sio_path and request.method == "POST":
            length = request.content_length
            if length is not None and length > self.limits.sio_max_message:
                self._oversize(address, "Socket.IO", self.limits.sio_max_message, None)
        response = await handler(request)
        if sio_path and isinstance(response, web.WebSocketResponse) and _too_big(response):
            self._oversize(address, "Socket.IO", self.limits.sio_max_message, 1009)
        return response

    def _oversize(self, who: str, path: str, limit: int, code: int | None) -> None:
        closed = f"connection closed ({code})" if code else "connection closed"
        message = f"{who}: {path} message over {limit} bytes; {closed}"
        self._problem("oversize", message)
        self._warn("oversize", message)

    def _clients(self) -> int:
        return sum(1 for d in self.devices.values() if d.connected)

    async def _root(self, _request: Any) -> Any:
        from aiohttp import web

        return web.json_response(
            {
                "name": "InteliVision Desktop (local backend)",
                "version": __version__,
                "status": "running",
                "timestamp": iso_now(),
                "clients": self._clients(),
            }
        )

    async def _health(self, _request: Any) -> Any:
        from aiohttp import web

        return web.json_response(
            {
                "status": "healthy",
                "timestamp": iso_now(),
                "uptime": float(time.monotonic() - self.started),
                "memory": memory_usage(),
                "clients": self._clients(),
            }
        )

    # --- Socket.IO -------------------------------------------------------------------------

    async def _sio_connect(self, sid: str, environ: Mapping[str, Any], auth: Any = None) -> None:
        import socketio

        request = environ.get("aiohttp.request")
        address = str(getattr(request, "remote", None) or environ.get("REMOTE_ADDR", "?"))
        query = parse_qs(str(environ.get("QUERY_STRING", "")))
        given = auth.get("token") if isinstance(auth, dict) else None
        if not isinstance(given, str):
            given = None
        given = given or _first(query, "token")
        header = str(environ.get("HTTP_AUTHORIZATION", ""))
        if not given and header.startswith("Bearer "):
            given = header[7:]
        if not self._token_ok(given):
            self._refuse("token", address, f"device at {address} refused: bad or missing token")
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

    async def _sio_disconnect(self, sid: str, reason: Any = None, *_: Any) -> None:
        info = await self._device_of(sid)
        if info is None:
            return
        if reason == self._sio.reason.PING_TIMEOUT:
            self._problem(
                "unresponsive", f"{info.device_id}: no answer to engine.io pings; dropped"
            )
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

        if request.path.rstrip("/") == "/observe":
            return await self._observer(request)
        given = _given_token(request.query, request.headers)
        address = request.remote or "?"
        if not self._token_ok(given):
            self._refuse("token", address, f"device at {address} refused: bad or missing token")
            return web.Response(status=403, text="Forbidden\n")
        if request.headers.get("Upgrade", "").lower() != "websocket":
            return web.Response(status=426, text="Upgrade to a WebSocket (or use Socket.IO)\n")
        info = self._admit("ws", address, request.headers.get("User-Agent", ""))
        if info is None:
            return web.Response(status=503, text="Too many devices\n")
        lim = self.limits
        ws = web.WebSocketResponse(
            max_msg_size=lim.max_message,
            heartbeat=lim.ws_heartbeat if lim.ws_heartbeat > 0 else None,
            timeout=5.0,
        )
        await ws.prepare(request)
        self._sockets[info.device_id] = ws
        conn_id = info.device_id
        loop = asyncio.get_running_loop()
        idle = False
        try:
            deadline = loop.time() + lim.idle_timeout
            while True:
                try:
                    async with asyncio.timeout_at(deadline):
                        msg = await ws.receive()
                except TimeoutError:
                    idle = True
                    break
                if msg.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED):
                    break
                if msg.type == WSMsgType.ERROR:
                    break
                deadline = loop.time() + lim.idle_timeout  # an application message: activity
                if msg.type != WSMsgType.TEXT:
                    info.malformed += 1
                    self._problem("malformed", f"{conn_id}: binary message ignored")
                    continue
                await self._ws_message(ws, info, msg.data)
            if idle:
                self._problem(
                    "idle_closed",
                    f"{conn_id}: no message for {lim.idle_timeout:g} s; closed (1001 Going"
                    " away), as API Gateway does",
                )
                with contextlib.suppress(Exception):
                    await ws.close(code=1001, message=b"Going away")
        finally:
            self._gone(info.device_id)
        if _too_big(ws):
            self._oversize(conn_id, "API Gateway style", lim.max_message, 1009)
        elif isinstance(ws.exception(), TimeoutError) and not idle:
            self._problem(
                "unresponsive", f"{conn_id}: no pong to WebSocket pings; connection dropped"
            )
        return ws

    async def _ws_message(self, ws: Any, info: DeviceInfo, text: str) -> None:
        request_id = uuid.uuid4().hex[:12]
        try:
            body = loads_bounded(text)
        except FrameError:
            body = None
        action = body.get("action") if isinstance(body, dict) else None
        if action == "ping":
            return  # keep-alive: activity is all it is for
        if action != "sensor-data" or not isinstance(body, dict):
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
        try:
            frame = unwrap_apigw_frame(body)
        except FrameError:
            # neither personas nor objetos: _frame counts it (no_detections) and passes it on
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


def _too_big(ws: Any) -> bool:
    """The WebSocket was closed for a message over its limit (1009). aiohttp sends 1009, then
    may record 1006 when the peer does not answer the close: its exception keeps the 1009."""
    return bool(ws.close_code == 1009 or getattr(ws.exception(), "code", None) == 1009)


def _first(query: Mapping[str, list[str]], key: str) -> str | None:
    values = query.get(key)
    return values[0] if values else None


def _given_token(query: Mapping[str, str], headers: Mapping[str, str]) -> str | None:
    """``?token=`` or ``Authorization: Bearer``."""
    given = query.get("token")
    header = headers.get("Authorization", "")
    if not given and header.startswith("Bearer "):
        given = header[7:]
    return given or None


def _now_ms() -> int:
    return int(time.time() * 1000)


def _lan_address() -> str:
    """This machine's address on the local network (for the URL shown to phones)."""
    import socket

    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(("192.0.2.1", 9))  # TEST-NET: no packet is sent for a UDP connect
        return str(s.getsockname()[0])
    return "127.0.0.1"


def server_from_url(url: str) -> DeviceServer:
    """``serve://[HOST][:PORT]?token=…&origins=…&per_address=16&max_devices=64&rate=30&stage=dev``.

    ``token``: the devices' token; generated when absent (loopback included); ``token=none``
    serves loopback without one. ``origins``: comma-separated browser origins allowed besides
    the Ionic/Capacitor apps' (``*``: any). ``per_address``: open connections allowed from one
    address (0: no cap).
    """
    parts = urlsplit(url)
    allowed = {"token", "max_devices", "rate", "stage", "origins", "per_address"}
    q = urlopts.options(parts.query, allowed, url)
    host = parts.hostname or DEFAULT_HOST
    try:
        port = parts.port if parts.port is not None else DEFAULT_PORT
        limits = ServerLimits(
            max_devices=int(q.get("max_devices", 64)),
            rate_hz=float(q.get("rate", 30)),
            per_address=int(q.get("per_address", DEFAULT_PER_ADDRESS)),
        )
    except ValueError as exc:
        raise ValueError(f"{url}: {exc}") from None
    if limits.max_devices < 1 or limits.rate_hz <= 0 or limits.per_address < 0:
        raise ValueError(f"{url}: max_devices and rate must be positive, per_address 0 or more")
    origins = [o.strip() for o in q.get("origins", "").split(",") if o.strip()]
    for o in origins:
        if o != "*" and not urlsplit(o).scheme:
            raise ValueError(f"{url}: origins: {o!r} is not an origin (scheme://host[:port])")
    token = q.get("token") or None
    no_token = token is not None and token.lower() == NO_TOKEN
    return DeviceServer(
        host,
        port,
        token=None if no_token else token,
        require_token=not no_token,
        origins=origins,
        limits=limits,
        stage=q.get("stage", "dev"),
    )
