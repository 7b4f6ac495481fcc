"""Watching a deployment as an observer (fleet console): ``observe+ws(s)://HOST/PATH?token=…``.

The backend (serverless, or another desktop's ``--serve``) sends every observer one JSON event
per device connect and disconnect, per closed window and per description sent (see the fleet
protocol). This source needs no frames of its own: it turns those events into what the Session
already understands, so plots, timeline, recorder and replay work unchanged:

- ``window`` → one synthetic :class:`Frame` of that device at ``at``, its people and objects
  expanded from the ``dataUsed`` groups × count (at most :data:`MAX_PER_GROUP` per group);
- ``ai-description`` → a :class:`Description` (source ``deployed``) published to the session;
- ``device-disconnected`` → the session's ``device_gone``.

Bad events are counted (``malformed``, ``unknown_event``) and skipped; the connection is
kept up with the reconnect policy of :mod:`core.backoff` and a ``{"action": "ping"}`` every
few minutes (API Gateway closes idle connections after 10 minutes).

:class:`RemoteAnalyzer` (``remote://``) is the analyzer of such a session: the deployment
describes, the desktop does not.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import logging
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol, runtime_checkable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from intelivision_desktop.core.backoff import Backoff, BackoffPolicy
from intelivision_desktop.core.channels import FloatArray
from intelivision_desktop.core.codec import FrameError, decode_summary, dumps, loads_bounded
from intelivision_desktop.core.fleet import PREFIX, FleetDevice
from intelivision_desktop.core.model import (
    Description,
    DetectedObject,
    Frame,
    LinkState,
    Person,
    Summary,
)
from intelivision_desktop.core.ports import AnalyzerSink, SourceSink
from intelivision_desktop.core.recording import Header, RecordingParser
from intelivision_desktop.core.session import MAX_DESCRIPTIONS_KEPT
from intelivision_desktop.io.links import is_loopback
from intelivision_desktop.io.sources import ReplaySource

log = logging.getLogger(__name__)

MAX_PER_GROUP = 20
"""People or objects of one group put into a synthetic frame (a group may count hundreds)."""
MAX_EVENT_BYTES = 1 << 20
MAX_DEVICES = 10_000
"""Devices kept in the fleet table; more are counted and not tracked."""
MAX_TEXT = 500
KEEPALIVE_S = 240.0


class ObserverRefused(RuntimeError):
    """The deployment refused the operator token (HTTP 401/403 on the upgrade)."""


@runtime_checkable
class _Publishes(Protocol):
    def publish(self, description: Description) -> None: ...


def display_url(url: str) -> str:
    """``url`` with its token replaced by ``***`` (logs, recordings, the status line)."""
    parts = urlsplit(url)
    query = [(k, "***" if k == "token" else v) for k, v in parse_qsl(parts.query)]
    return urlunsplit(parts._replace(query=urlencode(query, safe="*")))


def _text(value: Any, limit: int = MAX_TEXT) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _time(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise FrameError(f"at: expected epoch ms, got {value!r:.40}")
    if not 0 <= value < 1e14:
        raise FrameError(f"at: {value!r:.40} is not an epoch time in ms")
    return float(value)


def expand(summary: Summary) -> tuple[tuple[Person, ...], tuple[DetectedObject, ...]]:
    """People and objects of a window summary, each group repeated ``count`` times (capped)."""
    people = tuple(g.person for g in summary.people for _ in range(min(g.count, MAX_PER_GROUP)))
    objects = tuple(g.obj for g in summary.objects for _ in range(min(g.count, MAX_PER_GROUP)))
    return people, objects


class ObserverSource:
    """A source fed by a deployment's observer events (see the module docstring)."""

    live = True

    def __init__(
        self,
        url: str,
        *,
        backoff: BackoffPolicy | None = None,
        keepalive_s: float = KEEPALIVE_S,
        connect_timeout_s: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not url.startswith(PREFIX):
            raise ValueError(f"{display_url(url)}: an observer URL starts with {PREFIX}")
        self._target = url[len(PREFIX) :]
        parts = urlsplit(self._target)
        if parts.scheme not in ("ws", "wss") or not parts.hostname:
            raise ValueError(f"{display_url(url)}: expected observe+ws://HOST… or observe+wss://…")
        self._url = display_url(url)
        self.policy = backoff or BackoffPolicy()
        self.keepalive_s = keepalive_s
        self.connect_timeout_s = connect_timeout_s
        self.clock = clock
        self.devices: dict[str, FleetDevice] = {}
        """The fleet table, by device id (read by the fleet panel)."""
        self.observers = 0
        """Observers of the deployment, as it last said (us included)."""
        self.events = 0
        self.bad_events = 0
        self.connections = 0
        self.untracked = 0

    @property
    def fleet(self) -> Mapping[str, FleetDevice]:
        """:class:`~intelivision_desktop.core.ports.FleetWatch`: the devices by id."""
        return self.devices

    @property
    def url(self) -> str:
        return self._url  # the token replaced: this goes into logs and recording headers

    # --- connection -----------------------------------------------------------------------

    async def run(self, sink: SourceSink) -> None:
        from websockets.asyncio.client import connect
        from websockets.exceptions import InvalidStatus, WebSocketException

        backoff = Backoff(self.policy)
        where = display_url(self._target)
        while True:
            sink.set_state("source", LinkState.CONNECTING, where)
            try:
                ws = await connect(
                    self._target,
                    proxy=None if is_loopback(self._target) else True,
                    open_timeout=self.connect_timeout_s,
                    max_size=MAX_EVENT_BYTES,
                    ping_interval=20,
                    ping_timeout=20,
                    close_timeout=2,
                )
            except InvalidStatus as exc:
                status = exc.response.status_code
                if status in (401, 403):
                    raise ObserverRefused(
                        f"{where} refused the operator token (HTTP {status})"
                    ) from None
                reason = f"HTTP {status} on the upgrade"
            except (OSError, TimeoutError, WebSocketException) as exc:
                reason = str(exc) or type(exc).__name__
            else:
                self.connections += 1
                backoff.reset()
                sink.set_state("source", LinkState.LIVE, where)
                reason = await self._serve(ws, sink)
                self._all_gone(sink)
            delay = backoff.next_delay()
            sink.set_state(
                "source", LinkState.RETRYING, f"{where}: {reason}; again in {delay:.1f} s"
            )
            await asyncio.sleep(delay)

    async def _serve(self, ws: Any, sink: SourceSink) -> str:
        from websockets.exceptions import ConnectionClosed

        keepalive = asyncio.create_task(self._keepalive(ws), name="observer-keepalive")
        try:
            async for message in ws:
                self.handle(message, sink)
        except ConnectionClosed as exc:
            code = exc.rcvd.code if exc.rcvd else None
            return f"closed by the backend (code {code})" if code else "connection lost"
        finally:
            keepalive.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keepalive
            with contextlib.suppress(Exception):
                await ws.close()
        return f"closed by the backend (code {ws.close_code})"

    async def _keepalive(self, ws: Any) -> None:
        with contextlib.suppress(Exception):
            while True:
                await asyncio.sleep(self.keepalive_s)
                await ws.send(dumps({"action": "ping"}))

    def _all_gone(self, sink: SourceSink) -> None:
        """Our connection ended: its devices' state is unknown until the next snapshot."""
        for d in self.devices.values():
            if d.connected:
                d.connected = False
                sink.device_gone(d.device_id)

    # --- events ---------------------------------------------------------------------------

    def _bad(self, sink: SourceSink, kind: str, message: str) -> None:
        self.bad_events += 1
        sink.problem("source", kind, message)

    def handle(self, message: str | bytes, sink: SourceSink) -> None:
        """One event from the deployment; anything wrong is counted, never raised."""
        self.events += 1
        try:
            event = loads_bounded(message)
        except FrameError as exc:
            self._bad(sink, "malformed", f"observer event is not JSON: {exc}")
            return
        if not isinstance(event, dict):
            self._bad(sink, "malformed", f"observer event is not an object: {event!r:.60}")
            return
        kind = event.get("type")
        if kind == "observers":
            count = event.get("count")
            if isinstance(count, int) and not isinstance(count, bool) and count >= 0:
                self.observers = count
            else:
                self._bad(sink, "malformed", f"observers: bad count {count!r:.40}")
            return
        handler = {
            "device-connected": self._connected,
            "device-disconnected": self._disconnected,
            "window": self._window,
            "ai-description": self._description,
        }.get(kind if isinstance(kind, str) else "")
        if handler is None:
            self._bad(sink, "unknown_event", f"unknown observer event type {kind!r:.40}")
            return
        device = event.get("device")
        if not isinstance(device, str) or not device or len(device) > 200:
            self._bad(sink, "malformed", f"{kind}: bad device id {device!r:.60}")
            return
        try:
            at = _time(event.get("at"))
            handler(event, device, at, sink)
        except FrameError as exc:
            self._bad(sink, "malformed", f"{kind} of {device}: {exc}")

    def _device(self, device: str, at: float, sink: SourceSink) -> FleetDevice | None:
        d = self.devices.get(device)
        if d is None:
            if len(self.devices) >= MAX_DEVICES:
                self.untracked += 1
                sink.problem("source", "untracked_device", f"more than {MAX_DEVICES} devices")
                return None
            d = self.devices[device] = FleetDevice(device)
        d.last_seen = at if d.last_seen is None else max(d.last_seen, at)
        d.last_seen_local = self.clock()
        return d

    def _connected(self, ev: dict[str, Any], device: str, at: float, sink: SourceSink) -> None:
        d = self._device(device, at, sink)
        if d is not None:
            d.connected = True
            d.connected_at = at
            d.user_agent = _text(ev.get("userAgent")) or d.user_agent
            d.address = _text(ev.get("sourceIp"), 100) or d.address

    def _disconnected(self, ev: dict[str, Any], device: str, at: float, sink: SourceSink) -> None:
        d = self._device(device, at, sink)
        if d is not None:
            d.connected = False
        sink.device_gone(device)

    def _summary(self, ev: dict[str, Any]) -> Summary | None:
        used = ev.get("dataUsed")
        return None if used is None else decode_summary(used)

    def _window(self, ev: dict[str, Any], device: str, at: float, sink: SourceSink) -> None:
        summary = self._summary(ev)
        frames = ev.get("frames", 0)
        if isinstance(frames, bool) or not isinstance(frames, int) or frames < 0:
            raise FrameError(f"frames: expected a count, got {frames!r:.40}")
        camera = ev.get("cameraActive")
        if camera is not None and not isinstance(camera, bool):
            raise FrameError(f"cameraActive: expected true, false or null, got {camera!r:.40}")
        people, objects = expand(summary) if summary is not None else ((), ())
        d = self._device(device, at, sink)
        if d is not None:
            d.connected = True
            d.windows += 1
            d.frames += frames
            d._recent.append((d.last_seen_local, frames))
        relevant = ev.get("relevant")
        extra: dict[str, Any] = {"fleetFrames": frames}
        if isinstance(relevant, bool):
            extra["fleetRelevant"] = relevant
        sink.push_frames(
            [
                Frame(
                    device_id=device,
                    arrival_ms=at,
                    timestamp_ms=int(at),
                    camera_active=camera,
                    people=people,
                    objects=objects,
                    extra=extra,
                )
            ]
        )

    def _description(self, ev: dict[str, Any], device: str, at: float, sink: SourceSink) -> None:
        text = ev.get("data")
        if not isinstance(text, str) or not text.strip():
            raise FrameError(f"data: expected the description's text, got {text!r:.40}")
        fallback = ev.get("fallback", False)
        if not isinstance(fallback, bool):
            raise FrameError(f"fallback: expected true or false, got {fallback!r:.40}")
        latency = ev.get("latencyMs")
        if latency is not None and (
            isinstance(latency, bool)
            or not isinstance(latency, int | float)
            or not math.isfinite(latency)
            or latency < 0
        ):
            raise FrameError(f"latencyMs: expected milliseconds, got {latency!r:.40}")
        summary = self._summary(ev)
        text = text[:MAX_TEXT]
        d = self._device(device, at, sink)
        if d is not None:
            d.descriptions += 1
            d.fallbacks += fallback
            d.last_description = text
        description = Description(
            device_id=device,
            text=text,
            t_ms=at,
            source="deployed",
            fallback=fallback,
            latency_ms=None if latency is None else float(latency),
            summary=summary,
            window_end_ms=at,
        )
        if isinstance(sink, _Publishes):
            sink.publish(description)
        else:
            self._bad(sink, "unpublished", "the session takes no descriptions from a source")


class RemoteAnalyzer:
    """``remote://``: the deployment describes; this analyzer only stands in for it."""

    url = "remote://"

    def __init__(self) -> None:
        self.sink: AnalyzerSink | None = None

    def bind(self, sink: AnalyzerSink) -> None:
        self.sink = sink

    def submit(self, frame: Frame) -> None:
        """Nothing to do: the frames are the deployment's windows, already described."""

    def device_gone(self, device_id: str) -> None:
        """Nothing kept per device."""

    async def run(self) -> None:
        if self.sink is not None:
            self.sink.set_state("analyzer", LinkState.LIVE, "descriptions from the deployment")


# --- replaying a fleet recording ---------------------------------------------------------------


def is_fleet_recording(path: Path) -> bool:
    """True when ``path`` is a recording of a fleet (its header names an observer source or
    the ``remote://`` analyzer): its descriptions are the deployment's, replayed as such."""
    try:
        with path.open("rb") as fh:
            first = fh.readline(64 * 1024)
    except OSError:
        return False
    record = RecordingParser().feed(first)
    return isinstance(record, Header) and (
        record.source.startswith(PREFIX) or record.analyzer == RemoteAnalyzer.url
    )


def _recorded_descriptions(paths: list[Path]) -> list[Description]:
    out: list[Description] = []
    for path in paths:
        parser = RecordingParser()
        with path.open("rb") as fh:
            for line in fh:
                record = parser.feed(line)
                if isinstance(record, Description):
                    out.append(record)
                    if len(out) >= MAX_DESCRIPTIONS_KEPT:
                        return out
    out.sort(key=lambda d: d.t_ms)
    return out


class _Describing:
    """A sink between a replay and the session: before each frame, the recorded descriptions
    made up to that frame's recorded time are published, moved onto the replay's clock."""

    def __init__(self, sink: SourceSink, descriptions: list[Description]) -> None:
        self.sink = sink
        self.descriptions = descriptions
        self.times = [d.t_ms for d in descriptions]
        self.next = 0
        self.offset = 0.0
        self.resync = False

    def _publish_until(self, t_ms: float) -> None:
        while self.next < len(self.descriptions) and self.times[self.next] <= t_ms:
            d = self.descriptions[self.next]
            self.next += 1
            if isinstance(self.sink, _Publishes):
                self.sink.publish(
                    replace(
                        d,
                        t_ms=d.t_ms + self.offset,
                        window_end_ms=None
                        if d.window_end_ms is None
                        else d.window_end_ms + self.offset,
                        window_start_ms=None
                        if d.window_start_ms is None
                        else d.window_start_ms + self.offset,
                    )
                )

    def push_frames(self, frames: Sequence[Frame]) -> None:
        pending: list[Frame] = []
        for f in frames:
            if f.timestamp_ms is None:
                pending.append(f)
                continue
            if self.resync:
                self.resync = False
                self.next = bisect.bisect_left(self.times, f.timestamp_ms)
            self.offset = f.arrival_ms - f.timestamp_ms
            if self.next < len(self.times) and self.times[self.next] <= f.timestamp_ms:
                if pending:
                    self.sink.push_frames(pending)
                    pending = []
                self._publish_until(f.timestamp_ms)
            pending.append(f)
        if pending:
            self.sink.push_frames(pending)

    def finish(self) -> None:
        self._publish_until(math.inf)

    def push_samples(
        self,
        device_id: str,
        t_ms: FloatArray,
        columns: Mapping[str, FloatArray],
        rate_hz: float = 1000.0,
    ) -> None:
        self.sink.push_samples(device_id, t_ms, columns, rate_hz)

    def set_state(self, component: str, state: LinkState, detail: str = "") -> None:
        self.sink.set_state(component, state, detail)

    def problem(self, component: str, kind: str, message: str, count: int = 1) -> None:
        self.sink.problem(component, kind, message, count)

    def device_gone(self, device_id: str) -> None:
        self.sink.device_gone(device_id)

    def rewind(self, position_s: float) -> None:
        self.resync = True
        self.sink.rewind(position_s)


class FleetReplaySource(ReplaySource):
    """A fleet recording replayed: its windows' frames as any replay, and the deployment's
    recorded descriptions published at their time (no analyzer would make them again)."""

    async def run(self, sink: SourceSink) -> None:
        try:
            descriptions = await asyncio.to_thread(_recorded_descriptions, self.paths)
        except OSError:
            descriptions = []  # playing it will say what is wrong
        describing = _Describing(sink, descriptions)
        await super().run(describing)
        describing.finish()
