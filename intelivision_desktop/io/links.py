"""Links to the deployed backends, as analyzers: Socket.IO (PROTOCOL §2) and API Gateway
WebSocket (§6).

Both share one shape: a connection per device (the backend keeps its aggregation state per
client connection), each with its own reconnect loop under the app's policy (capped
exponential backoff with jitter, the first attempt included); an explicit state per link;
and failover: the embedded rules analyzer is handed the frames of a connection that is down
(never those a backend got), so no window is described twice and the failover's relevance
state learns only from what it said.

Frames reach the backend as a live device sends them: stamped with the send time (the Node
backend windows on the device clock and silently drops frames stamped more than a window in
the past, PROTOCOL §3). The links start with the analyzer, imports included: one spare
connection is opened at once and taken by the first device, and frames produced while a
device's first connection is being made are held (bounded) and sent in order once it is live.
A frame produced while a connection is down is not queued for later (a description of a scene
long gone helps nobody): the failover describes it, and the session records it anyway.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import logging
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from intelivision_desktop.core.analysis import AnalysisConfig, is_not_relevant_answer
from intelivision_desktop.core.backoff import Backoff, BackoffPolicy
from intelivision_desktop.core.codec import FrameError, decode_summary, encode_frame, loads_bounded
from intelivision_desktop.core.embedded import RulesAnalyzer
from intelivision_desktop.core.model import (
    Description,
    Frame,
    LinkState,
    LinkStats,
    Summary,
    Window,
)
from intelivision_desktop.core.ports import AnalyzerSink
from intelivision_desktop.core.redact import redact

log = logging.getLogger(__name__)

APIGW_MAX_MESSAGE = 128 * 1024
"""API Gateway refuses (closes with 1009) messages larger than this."""
SEND_QUEUE = 256
"""Frames waiting to be sent on one connection (held while its first connection is made)
before the oldest are dropped (counted)."""
SILENT_AFTER_S = 30.0
"""A live connection that has sent frames with detections for this long, and got not one
description, is reported silent: a working backend always describes the first window of a
connection that has people or objects in it (PROTOCOL §3, "relevant if there is no previous
summary"), so this does not fire on a quiet corridor (no detections) or a calm scene (one
description, then silence)."""
SILENT_MIN_FRAMES = 20
"""…and at least this many frames with detections were sent on it."""
STAMP_MODES = ("auto", "send", "source")
PROBLEM_INTERVAL_S = 10.0
"""The same kind of problem is reported at most this often (counting never stops)."""


class AuthRejected(Exception):
    """The backend refused the handshake (bad or missing token)."""


class LinkError(Exception):
    """A connection attempt failed for a reason worth showing as is."""


@dataclass(frozen=True, slots=True)
class LinkOptions:
    """How to reach a backend. Secrets (the token) are never logged or recorded."""

    url: str
    protocol: str = "auto"
    """``auto`` (http(s) → Socket.IO, ws(s) → API Gateway), ``socketio`` or ``apigw``."""
    token: str | None = field(default=None, repr=False)
    token_in: str = "query"
    """``query`` (``?token=…``; also Socket.IO ``auth``) or ``header`` (Authorization: Bearer)."""
    token_param: str = "token"
    verify_tls: bool = True
    ca_file: Path | None = None
    backoff: BackoffPolicy = field(default_factory=BackoffPolicy)
    failover: bool = True
    connect_timeout_s: float = 10.0
    ping_interval_s: float = 5.0
    """Socket.IO ``ping`` → ``pong`` round-trip measurement."""
    health_interval_s: float = 10.0
    """Socket.IO ``GET /health`` polling."""
    keepalive_s: float = 240.0
    """API Gateway: an application message after this much silence (idle timeout is 10 min)."""
    max_connection_s: float = 7000.0
    """API Gateway: open a fresh connection before the 2-hour limit ends this one."""
    max_incoming_bytes: int = 1024 * 1024
    stamp: str = "auto"
    """The ``timestamp`` a frame carries on the wire: ``send`` — the send time, as a live
    device stamps ``Date.now()`` (the Node backend drops frames more than a window old by its
    own clock); ``source`` — the frame's own timestamp, as recorded (for backends that want
    recorded time); ``auto`` (default) — the device's own stamp for frames of devices served
    by this app (``Frame.device_clock``), the send time for everything else."""
    warmup_s: float = 3.0
    """How long the session waits for the first connection before starting its source."""
    silent_after_s: float = SILENT_AFTER_S
    silent_min_frames: int = SILENT_MIN_FRAMES

    def __post_init__(self) -> None:
        if self.stamp not in STAMP_MODES:
            raise ValueError(f"stamp must be one of {', '.join(STAMP_MODES)}, not {self.stamp!r}")

    def resolved_protocol(self) -> str:
        if self.protocol != "auto":
            return self.protocol
        scheme = urlsplit(self.url).scheme.lower()
        if scheme in ("http", "https"):
            return "socketio"
        if scheme in ("ws", "wss"):
            return "apigw"
        raise ValueError(f"cannot tell the protocol of {self.url!r}; use http(s):// or ws(s)://")

    def display_url(self) -> str:
        """The URL without any secret (for logs, recordings and the UI)."""
        parts = urlsplit(self.url)
        query = [(k, "***" if k == self.token_param else v) for k, v in parse_qsl(parts.query)]
        return urlunsplit(parts._replace(query=urlencode(query)))


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def ssl_context(options: LinkOptions) -> ssl.SSLContext | bool:
    """The TLS settings: verification on by default, an optional CA file, or off (warned)."""
    if not options.verify_tls:
        return False
    if options.ca_file is not None:
        try:
            return ssl.create_default_context(cafile=str(options.ca_file))
        except (OSError, ssl.SSLError) as exc:
            raise TlsRejected(f"cannot use CA file {options.ca_file}: {exc}") from None
    return ssl.create_default_context()


class _FailoverSink:
    """Stands between the fallback rules analyzer and the session: everything it says is
    marked as fallback. It is only ever handed frames of connections that are down."""

    def __init__(self, sink: AnalyzerSink) -> None:
        self.sink = sink

    def publish(self, description: Description) -> None:
        self.sink.publish(replace(description, fallback=True, source="rules (failover)"))

    def count(self, kind: str, n: int = 1) -> None:
        self.sink.count(kind, n)

    def window_closed(self, window: Window, summary: Summary, relevant: bool) -> None:
        self.sink.window_closed(window, summary, relevant)

    def push_frames(self, frames: Any) -> None:  # pragma: no cover - analyzers do not push
        pass

    def push_samples(self, *args: Any, **kwargs: Any) -> None:  # pragma: no cover
        pass

    def set_state(self, component: str, state: LinkState, detail: str = "") -> None:
        pass  # the link's state is what the operator sees

    def problem(self, component: str, kind: str, message: str, count: int = 1) -> None:
        self.sink.problem(component, kind, message, count)

    def device_gone(self, device_id: str) -> None:
        pass

    def rewind(self, position_s: float) -> None:  # pragma: no cover - analyzers do not seek
        pass


def wire_timestamp(frame: Frame, stamp: str, now_ms: int) -> int | None:
    """The ``timestamp`` to send for ``frame`` under a stamp mode (see ``LinkOptions.stamp``);
    None to send the frame's own (or none, if it has none: the backend stamps it)."""
    if stamp == "source" or (stamp == "auto" and frame.device_clock):
        return None
    return now_ms


def wire_frame(frame: Frame, stamp: str) -> dict[str, Any]:
    """The ``sensor-data`` payload for ``frame``, stamped as a live device would."""
    payload = encode_frame(frame)
    ts = wire_timestamp(frame, stamp, int(time.time() * 1000))
    if ts is not None:
        payload["timestamp"] = ts
    return payload


class _Connection:
    """One device's connection with its reconnect loop.

    Its frames go one of three ways: sent (live), held for sending (its first connection is
    being made), or handed to the failover rules (down: retrying, failed)."""

    protocol_name = ""

    def __init__(self, link: BackendLink, device_id: str) -> None:
        self.link = link
        self.device_id = device_id
        self.options = link.options
        self.live = False
        self.warming = True
        """No connection made or failed yet: frames are held, not failed over."""
        self.ready = asyncio.Event()
        """Set once the first attempt ended (live or not)."""
        self.queue: asyncio.Queue[Frame] = asyncio.Queue(SEND_QUEUE)
        self.backoff = Backoff(self.options.backoff)
        self.last_sent_mono: float | None = None
        self.last_sent_ms: float | None = None
        self.next_retry_s: float | None = None
        self.live_since: float | None = None
        self.sent_detections = 0
        """Frames with people or objects sent on the current connection."""
        self.answered = False
        """A description (or a not-relevant answer) arrived on the current connection."""

    # transport-specific
    @staticmethod
    def preload() -> None:
        """Import the transport's libraries (slow: about 0.4 s), in a worker thread."""

    async def connect(self) -> None:
        raise NotImplementedError

    async def serve(self) -> str:
        """Run the live connection; return the reason it ended."""
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError

    # shared
    def offer(self, frame: Frame) -> None:
        if not (self.live or self.warming):
            self.link.failover(frame)
            return
        if self.warming and not self.live:
            self.link.stats.held += 1
        if self.queue.full():
            self.queue.get_nowait()
            self.link.note("send_overflow", "frames arrive faster than the backend takes them")
        self.queue.put_nowait(frame)

    def payload(self, frame: Frame) -> dict[str, Any]:
        return wire_frame(frame, self.options.stamp)

    def sent(self, frame: Frame) -> None:
        self.last_sent_mono = time.monotonic()
        self.last_sent_ms = frame.arrival_ms
        self.link.stats.sent += 1
        if frame.people or frame.objects:
            self.sent_detections += 1
        self.check_silence()

    def check_silence(self) -> None:
        """Say so once when a live backend takes frames with detections and answers nothing."""
        if self.answered or self.live_since is None or self.link.stats.silent:
            return
        quiet_s = time.monotonic() - self.live_since
        opts = self.options
        if quiet_s >= opts.silent_after_s and self.sent_detections >= opts.silent_min_frames:
            message = (
                f"backend silent: {self.sent_detections} frames with detections sent, "
                f"no description in {quiet_s:.0f} s. Likely causes: the backend drops the frames "
                "(frames stamped with a recorded time — the link's stamp option must not be "
                "'source' for the Node backend), it cannot reach its AI, or it is not an "
                "InteliVision backend"
            )
            self.link.stats.silent = message
            self.link.note("backend_silent", message)
            self.link.set_state(self, LinkState.LIVE, f"{self.options.display_url()} — {message}")

    def answer(self) -> None:
        """The backend answered on this connection (a description or 'not relevant')."""
        self.answered = True
        if self.link.stats.silent:
            self.link.stats.silent = ""
            self.link.set_state(self, LinkState.LIVE, self.options.display_url())

    def describe(
        self,
        text: str,
        *,
        fallback: bool,
        summary: Any = None,
        detail: Mapping[str, Any] | None = None,
    ) -> None:
        self.answer()
        now = time.monotonic()
        latency = (now - self.last_sent_mono) * 1000.0 if self.last_sent_mono else None
        t_ms = (self.last_sent_ms or time.time() * 1000.0) + (latency or 0.0)
        self.link.stats.descriptions += 1
        self.link.publish(
            Description(
                device_id=self.device_id,
                text=text,
                t_ms=t_ms,
                source=self.protocol_name,
                fallback=fallback,
                latency_ms=latency,
                summary=summary,
                detail=dict(detail or {}),
            )
        )

    def _went_down(self) -> None:
        """The connection is down: what it held or queued goes to the failover, in order."""
        self.live = False
        self.warming = False
        self.live_since = None
        while not self.queue.empty():
            self.link.failover(self.queue.get_nowait())

    async def run(self) -> None:
        opts = self.options
        while True:
            self.link.set_state(self, LinkState.CONNECTING, opts.display_url())
            reason = ""
            fatal = ""
            try:
                async with asyncio.timeout(opts.connect_timeout_s + 1):
                    await self.connect()
                self.backoff.reset()
                self.live = True
                self.warming = False
                self.ready.set()
                self.live_since = time.monotonic()
                self.sent_detections = 0
                self.answered = False
                self.link.stats.connects += 1
                self.link.stats.silent = ""
                self.link.set_state(self, LinkState.LIVE, opts.display_url())
                reason = await self.serve()
            except asyncio.CancelledError:
                self.live = False
                with contextlib.suppress(Exception):
                    await asyncio.shield(self.close())
                raise
            except AuthRejected as exc:
                fatal = "check the token"
                reason = f"rejected by the backend: {exc}"
            except TlsRejected as exc:
                fatal = "pass the backend's CA with --ca-file PEM, or --insecure to skip the check"
                reason = str(exc)
            except TimeoutError:
                reason = f"no answer within {opts.connect_timeout_s:g} s"
            except Exception as exc:  # any network failure: report, back off, try again
                reason = operator_reason(exc, opts.display_url())
                log.info("link %s: %s", opts.display_url(), reason)
                log.debug("link %s: %s", opts.display_url(), _reason(exc), exc_info=True)
            self._went_down()
            self.ready.set()
            with contextlib.suppress(Exception):
                await self.close()
            self.link.stats.last_error = redact(reason)
            if fatal:
                # not a network blip: say so and wait long before asking again
                delay = opts.backoff.cap_s
                self.next_retry_s = delay
                self.link.set_state(
                    self, LinkState.FAILED, f"{reason} — {fatal}; retrying in {delay:g} s"
                )
            else:
                delay = self.backoff.next_delay()
                self.next_retry_s = delay
                self.link.set_state(self, LinkState.RETRYING, f"in {delay:.1f} s: {reason}")
            await asyncio.sleep(delay)


class TlsRejected(Exception):
    """The backend's TLS certificate was not trusted (or TLS could not be set up)."""


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _errno_of(exc: BaseException) -> int | None:
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, OSError) and cur.errno is not None:
            return cur.errno
        os_error = getattr(cur, "os_error", None)  # aiohttp's ClientConnectorError
        if isinstance(os_error, OSError) and os_error.errno is not None:
            return os_error.errno
        cur = cur.__cause__ or cur.__context__
    return None


def is_tls_failure(exc: BaseException) -> bool:
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, ssl.SSLError | ssl.CertificateError):
            return True
        if "CERTIFICATE_VERIFY_FAILED" in str(cur) or "certificate verify failed" in str(cur):
            return True
        cur = cur.__cause__ or cur.__context__
    return False


def operator_reason(exc: BaseException, where: str) -> str:
    """A connection failure in an operator's words; the technical text goes to the log."""
    import errno

    hostport = urlsplit(where).netloc.rsplit("@", 1)[-1] or where
    code = _errno_of(exc)
    if code == errno.ECONNREFUSED:
        return f"nothing answers at {hostport} (is the backend running?)"
    if code in (errno.ENETUNREACH, errno.EHOSTUNREACH):
        return f"no route to {hostport} (check the network)"
    if code == errno.ECONNRESET:
        return f"{hostport} closed the connection"
    text = str(exc)
    if (
        "Name or service not known" in text
        or "nodename nor servname" in text
        or ("getaddrinfo" in text)
    ):
        return f"cannot find the host of {hostport} (check the address)"
    if isinstance(exc, TimeoutError):
        return f"{hostport} does not answer"
    if isinstance(exc, LinkError):
        return str(exc)
    return f"cannot connect to {hostport} ({type(exc).__name__})"


# --- Socket.IO --------------------------------------------------------------------------------


class SocketIOConnection(_Connection):
    protocol_name = "socketio"

    @staticmethod
    def preload() -> None:
        import aiohttp  # noqa: F401
        import socketio  # noqa: F401

    def __init__(self, link: BackendLink, device_id: str) -> None:
        super().__init__(link, device_id)
        self.sio: Any = None
        self.http: Any = None
        self._gone: asyncio.Event = asyncio.Event()
        self._ping_sent: float | None = None

    async def connect(self) -> None:
        import aiohttp
        import socketio

        opts = self.options
        self._gone = asyncio.Event()
        tls = ssl_context(opts)
        connector = aiohttp.TCPConnector(ssl=tls)
        self.http = aiohttp.ClientSession(connector=connector)
        sio = socketio.AsyncClient(
            reconnection=False,
            logger=False,
            engineio_logger=False,
            handle_sigint=False,
            http_session=self.http,
            ssl_verify=opts.verify_tls,
        )
        self.sio = sio
        sio.on("ai-description", self._on_description)
        sio.on("error", self._on_error)
        sio.on("pong", self._on_pong)
        sio.on("disconnect", self._on_disconnect)
        sio.on("*", self._on_other)
        url, headers = opts.url, {}
        auth = None
        if opts.token:
            if opts.token_in == "header":
                headers["Authorization"] = f"Bearer {opts.token}"
            else:
                url = _with_query(url, {opts.token_param: opts.token})
                auth = {opts.token_param: opts.token}
        import socketio.exceptions

        try:
            await sio.connect(
                url,
                headers=headers,
                auth=auth,
                wait_timeout=opts.connect_timeout_s,
                transports=["websocket"],
            )
        except socketio.exceptions.ConnectionError as exc:
            text = str(exc)
            if any(s in text for s in ("401", "403", "refused", "namespaces failed", "nauthori")):
                raise AuthRejected(text or "handshake refused") from None
            # python-socketio hides the cause ("Connection error"); ask plainly to learn it
            raise await self._diagnose(url, text) from None

    async def _diagnose(self, url: str, text: str) -> Exception:
        """Why the handshake failed, asked with a plain HTTP request."""
        import aiohttp

        where = self.options.display_url()
        try:
            async with self.http.get(url, timeout=aiohttp.ClientTimeout(total=3)) as resp:
                if resp.status in (401, 403):
                    return AuthRejected(f"HTTP {resp.status}")
                if resp.status >= 400:
                    return LinkError(f"the backend answered HTTP {resp.status}")
        except (OSError, TimeoutError, aiohttp.ClientError) as exc:
            log.info("link %s: %s", where, _reason(exc))
            if is_tls_failure(exc):
                return TlsRejected(f"the TLS certificate of {where} is not trusted")
            return LinkError(operator_reason(exc, where))
        return LinkError(f"{where} answers HTTP but not Socket.IO ({text or 'no detail'})")

    async def serve(self) -> str:
        tasks = [
            asyncio.create_task(self._sender(), name="sio-sender"),
            asyncio.create_task(self._pinger(), name="sio-pinger"),
            asyncio.create_task(self._health(), name="sio-health"),
        ]
        try:
            await self._gone.wait()
            return "connection lost"
        finally:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def close(self) -> None:
        sio, http = self.sio, self.http
        self.sio = self.http = None
        if sio is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(sio.disconnect(), 2)
        if http is not None:
            await http.close()

    async def _sender(self) -> None:
        while True:
            frame = await self.queue.get()
            await self.sio.emit("sensor-data", self.payload(frame))
            self.sent(frame)

    async def _pinger(self) -> None:
        while True:
            self._ping_sent = time.monotonic()
            await self.sio.emit("ping")
            await asyncio.sleep(self.options.ping_interval_s)

    async def _health(self) -> None:
        import aiohttp

        base = self.options.url.rstrip("/")
        parts = urlsplit(base)
        health_url = urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/health", query=""))
        while True:
            try:
                async with self.http.get(health_url, timeout=5) as resp:
                    if resp.status == 200:
                        data = await resp.json(content_type=None)
                        if isinstance(data, dict):
                            self.link.stats.health = data
            except (OSError, TimeoutError, ValueError, aiohttp.ClientError) as exc:
                log.debug("health poll failed: %s", exc)  # informative only
            await asyncio.sleep(self.options.health_interval_s)

    async def _on_description(self, data: Any = None) -> None:
        self.link.stats.received += 1
        if not isinstance(data, dict) or not isinstance(data.get("description"), str):
            self.link.note("malformed", f"ai-description without a description: {data!r:.80}")
            return
        text = data["description"]
        if is_not_relevant_answer(text):
            self.answer()
            self.link.count("not_relevant")
            return
        summary = None
        if "dataUsed" in data:
            try:
                summary = decode_summary(data["dataUsed"])
            except FrameError as exc:
                self.link.note("malformed", f"ai-description dataUsed unreadable: {exc}")
        self.describe(
            text,
            fallback=bool(data.get("fallback", False)),
            summary=summary,
            detail={"server_timestamp": data.get("timestamp")},
        )

    async def _on_error(self, data: Any = None) -> None:
        msg = data.get("message") if isinstance(data, dict) else data
        self.link.note("backend_error", f"backend error: {msg!s:.200}")

    async def _on_pong(self, *_: Any) -> None:
        if self._ping_sent is not None:
            self.link.stats.rtt_ms = (time.monotonic() - self._ping_sent) * 1000.0

    async def _on_disconnect(self, *_: Any) -> None:
        self._gone.set()

    async def _on_other(self, event: str, *args: Any) -> None:
        self.link.note("unknown_event", f"unknown event {event!r:.60} from the backend")


def _with_query(url: str, extra: Mapping[str, str]) -> str:
    parts = urlsplit(url)
    query = [*parse_qsl(parts.query), *extra.items()]
    return urlunsplit(parts._replace(query=urlencode(query)))


# --- API Gateway WebSocket ----------------------------------------------------------------------


class ApiGatewayConnection(_Connection):
    protocol_name = "apigw"

    @staticmethod
    def preload() -> None:
        import websockets.asyncio.client  # noqa: F401

    def __init__(self, link: BackendLink, device_id: str) -> None:
        super().__init__(link, device_id)
        self.ws: Any = None
        self._old: list[Any] = []
        self._last_send = time.monotonic()
        self._keepalive_pending = False

    async def _open(self) -> Any:
        from websockets.asyncio.client import connect
        from websockets.exceptions import InvalidStatus

        opts = self.options
        url, headers = opts.url, {}
        if opts.token:
            if opts.token_in == "header":
                headers["Authorization"] = f"Bearer {opts.token}"
            else:
                url = _with_query(url, {opts.token_param: opts.token})
        tls = ssl_context(opts) if url.startswith("wss") else None
        if tls is False:
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            tls = ctx
        try:
            return await connect(
                url,
                additional_headers=headers,
                ssl=tls if tls is not True else None,
                proxy=None if is_loopback(url) else True,
                open_timeout=opts.connect_timeout_s,
                max_size=opts.max_incoming_bytes,
                ping_interval=20,
                ping_timeout=20,
                close_timeout=2,
            )
        except InvalidStatus as exc:
            status = exc.response.status_code
            if status in (401, 403):
                raise AuthRejected(f"HTTP {status} on the WebSocket upgrade") from None
            raise LinkError(f"the backend answered HTTP {status} to the upgrade") from None
        except (ssl.SSLError, ssl.CertificateError) as exc:
            log.info("link %s: %s", opts.display_url(), _reason(exc))
            raise TlsRejected(
                f"the TLS certificate of {opts.display_url()} is not trusted"
            ) from None

    async def connect(self) -> None:
        self.ws = await self._open()
        self._last_send = time.monotonic()

    async def serve(self) -> str:
        sender = asyncio.create_task(self._sender(), name="apigw-sender")
        keepalive = asyncio.create_task(self._keepalive(), name="apigw-keepalive")
        renew = asyncio.create_task(self._renew(), name="apigw-renew")
        receivers: set[asyncio.Task[str]] = set()
        try:
            while True:
                ws = self.ws
                recv = asyncio.create_task(self._receive(ws), name="apigw-receive")
                receivers.add(recv)
                reason = await recv
                receivers.discard(recv)
                if self.ws is ws:  # the current connection ended (not a renewed old one)
                    return reason
        finally:
            for t in (sender, keepalive, renew, *receivers):
                t.cancel()
            await asyncio.gather(sender, keepalive, renew, *receivers, return_exceptions=True)

    async def close(self) -> None:
        for ws in [self.ws, *self._old]:
            if ws is not None:
                with contextlib.suppress(Exception):
                    await ws.close()
        self.ws = None
        self._old = []

    async def _receive(self, ws: Any) -> str:
        from websockets.exceptions import ConnectionClosed

        try:
            async for message in ws:
                if ws is not self.ws and ws not in self._old:
                    break
                self._handle(message)
        except ConnectionClosed as exc:
            code = exc.rcvd.code if exc.rcvd else (exc.sent.code if exc.sent else None)
            if code == 1009:
                self.link.note("oversize", "a message over the size limit closed the connection")
            return f"closed by the backend (code {code})" if exc.rcvd else "connection lost"
        rcvd = ws.close_code
        return f"closed by the backend (code {rcvd})" if rcvd else "connection closed"

    def _handle(self, message: str | bytes) -> None:
        self.link.stats.received += 1
        try:
            data = loads_bounded(message)
        except FrameError:
            self.link.note("malformed", f"not JSON from the backend: {message!r:.80}")
            return
        if not isinstance(data, dict):
            self.link.note("malformed", f"unexpected message from the backend: {data!r:.80}")
            return
        if data.get("type") == "ai-description":
            text = data.get("data")
            if not isinstance(text, str):
                self.link.note("malformed", "ai-description without text")
                return
            if is_not_relevant_answer(text):
                self.answer()
                self.link.count("not_relevant")
                return
            self.describe(
                text,
                fallback=False,
                detail={k: v for k, v in data.items() if k not in ("type", "data")},
            )
            return
        if data.get("type") == "pong":  # our serverless backend's answer to the keepalive
            self._keepalive_pending = False
            return
        msg = data.get("message")
        if isinstance(msg, str):
            if msg == "Forbidden" and self._keepalive_pending:
                self._keepalive_pending = False  # no ping route deployed: still keeps us alive
                return
            rid = data.get("requestId", "")
            self.link.note(
                "backend_error", f"backend error: {msg}" + (f" (request {rid})" if rid else "")
            )
            return
        self.link.note("unknown_event", f"unknown message from the backend: {message!r:.80}")

    async def _sender(self) -> None:
        while True:
            frame = await self.queue.get()
            payload = json.dumps(
                {"action": "sensor-data", **self.payload(frame)},
                ensure_ascii=False,
                separators=(",", ":"),
            )
            size = len(payload.encode("utf-8"))
            if size > APIGW_MAX_MESSAGE:
                self.link.note(
                    "too_large",
                    f"frame of {size // 1024} KB not sent: API Gateway closes the connection "
                    f"for messages over {APIGW_MAX_MESSAGE // 1024} KB",
                )
                continue
            await self.ws.send(payload)
            self._last_send = time.monotonic()
            self.sent(frame)

    async def _keepalive(self) -> None:
        every = self.options.keepalive_s
        while True:
            await asyncio.sleep(max(0.05, every - (time.monotonic() - self._last_send)))
            if time.monotonic() - self._last_send >= every:
                self._keepalive_pending = True
                await self.ws.send(json.dumps({"action": "ping"}))
                self._last_send = time.monotonic()

    async def _renew(self) -> None:
        """Before the 2-hour limit: open a new connection, move sending to it, then close the
        old one after a grace period (its last descriptions still arrive)."""
        from websockets.exceptions import WebSocketException

        period = self.options.max_connection_s
        grace = min(2.0, period / 2)
        closers: set[asyncio.Task[None]] = set()
        opened = time.monotonic()
        try:
            while True:
                await asyncio.sleep(max(0.0, period - (time.monotonic() - opened)))
                try:
                    fresh = await self._open()
                except (OSError, TimeoutError, LinkError, AuthRejected, WebSocketException) as exc:
                    # the old connection still works; try again shortly
                    log.info("could not renew the API Gateway connection: %s", _reason(exc))
                    opened = time.monotonic() - period + min(5.0, period)
                    continue
                opened = time.monotonic()
                old, self.ws = self.ws, fresh
                self._old.append(old)
                self.link.stats.connects += 1
                task = asyncio.create_task(self._retire(old, grace), name="apigw-retire")
                closers.add(task)
                task.add_done_callback(closers.discard)
        finally:
            for t in list(closers):
                t.cancel()
            await asyncio.gather(*closers, return_exceptions=True)

    async def _retire(self, old: Any, grace: float) -> None:
        try:
            await asyncio.sleep(grace)
            with contextlib.suppress(Exception):
                await old.close()
        finally:
            if old in self._old:
                self._old.remove(old)


# --- the analyzer -------------------------------------------------------------------------------


class BackendLink:
    """An analyzer that is a deployed backend (one connection per device) with failover."""

    drain_s = 3.0
    """When the source ends, wait this long for descriptions still on their way."""

    async def drain(self, timeout_s: float) -> bool:
        """The backend gives no sign of being done: wait a short while for late answers."""
        await asyncio.sleep(min(timeout_s, self.drain_s) if self._conns else 0.0)
        return True

    def __init__(self, options: LinkOptions, config: AnalysisConfig | None = None) -> None:
        self.options = options
        self.protocol = options.resolved_protocol()
        self.url = options.display_url()
        self.stats = LinkStats()
        self.fallback = (
            RulesAnalyzer(config, perf_clock=time.perf_counter) if options.failover else None
        )
        self._conn_cls = SocketIOConnection if self.protocol == "socketio" else ApiGatewayConnection
        self._conns: dict[str, _Connection] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._spare: _Connection | None = None
        """Opened when the link starts, taken by the first device (no wait for its frames)."""
        self._spare_task: asyncio.Task[None] | None = None
        self._sink: AnalyzerSink | None = None
        self._running = False
        self._last_note: dict[str, float] = {}
        self._states: dict[str, tuple[LinkState, str]] = {}

    # Analyzer protocol
    def bind(self, sink: AnalyzerSink) -> None:
        self._sink = sink
        if self.fallback is not None:
            self.fallback.bind(_FailoverSink(sink))

    def submit(self, frame: Frame) -> None:
        conn = self._conns.get(frame.device_id)
        if conn is None:
            conn = self._claim(frame.device_id)
        conn.offer(frame)

    def _claim(self, device_id: str) -> _Connection:
        """The connection for a new device: the spare one if there is one, else a new one."""
        spare, task = self._spare, self._spare_task
        self._spare = self._spare_task = None
        if spare is not None and task is not None and not task.done():
            spare.device_id = device_id
            self._conns[device_id] = spare
            self._tasks[device_id] = task
            task.set_name(f"{self.protocol}-link-{device_id}")
            if spare.live:
                self.set_state(spare, LinkState.LIVE, self.options.display_url())
            return spare
        conn = self._conns[device_id] = self._conn_cls(self, device_id)
        if self._running:
            self._start(conn)
        return conn

    def failover(self, frame: Frame) -> None:
        """A frame the backend will not get (its connection is down): the rules describe it."""
        self.stats.failover_frames += 1
        if self.fallback is not None:
            self.fallback.submit(frame)

    def rewind(self) -> None:
        """A replay jumped: the backends keep their connections (they window on their own
        clock); the fallback rules forget their open windows."""
        if self.fallback is not None:
            for device_id in list(self._conns):
                self.fallback.device_gone(device_id)

    def device_gone(self, device_id: str) -> None:
        self._conns.pop(device_id, None)
        task = self._tasks.pop(device_id, None)
        if task is not None:
            task.cancel()
        if self.fallback is not None:
            self.fallback.device_gone(device_id)

    async def ready(self, timeout_s: float | None = None) -> bool:
        """Wait (bounded) until the first connection is made or has failed, so a source
        started after this streams to a live backend from its first frame, as a device that
        connects and then sends. True if a connection is live."""
        budget = self.options.warmup_s if timeout_s is None else timeout_s
        conns = [c for c in (self._spare, *self._conns.values()) if c is not None]
        if not conns:
            return False
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(budget):
                await asyncio.gather(*(c.ready.wait() for c in conns))
        return all(c.live for c in conns)

    async def run(self) -> None:
        self._running = True
        # the transports' imports and the first connection, before the first frame arrives
        await asyncio.to_thread(self._conn_cls.preload)
        for conn in self._conns.values():
            if conn.device_id not in self._tasks:
                self._start(conn)
        if not self._conns:
            spare = self._spare = self._conn_cls(self, "")
            self._spare_task = asyncio.create_task(spare.run(), name=f"{self.protocol}-link-spare")
        try:
            await asyncio.Event().wait()
        finally:
            self._running = False
            tasks = list(self._tasks.values())
            if self._spare_task is not None:
                tasks.append(self._spare_task)
            self._spare = self._spare_task = None
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self._tasks.clear()

    def _start(self, conn: _Connection) -> None:
        self._tasks[conn.device_id] = asyncio.create_task(
            conn.run(), name=f"{self.protocol}-link-{conn.device_id}"
        )

    # used by connections
    def is_live(self, device_id: str) -> bool:
        conn = self._conns.get(device_id)
        return conn is not None and conn.live

    def all_live(self) -> bool:
        return bool(self._conns) and all(c.live for c in self._conns.values())

    def publish(self, d: Description) -> None:
        if self._sink is not None:
            self._sink.publish(d)

    def count(self, kind: str, n: int = 1) -> None:
        if self._sink is not None:
            self._sink.count(kind, n)

    def note(self, kind: str, message: str) -> None:
        """Count a problem and show it; the log line is rate-limited per kind."""
        self.stats.counts[kind] += 1
        now = time.monotonic()
        if now - self._last_note.get(kind, -1e9) >= PROBLEM_INTERVAL_S:
            self._last_note[kind] = now
            log.warning("%s link: %s", self.protocol, message)
        if self._sink is not None:
            self._sink.problem("analyzer", kind, message)

    def set_state(self, conn: _Connection, state: LinkState, detail: str) -> None:
        self._states[conn.device_id] = (state, detail)
        if len(self._conns) > 1:
            live = sum(1 for c in self._conns.values() if c.live)
            detail = f"{detail} [{conn.device_id}; {live}/{len(self._conns)} devices live]"
        self._set(state, detail)

    def _set(self, state: LinkState, detail: str) -> None:
        if self._sink is not None:
            self._sink.set_state("analyzer", state, f"{self.protocol}: {detail}")
