"""The InteliVision serverless backend: AWS Lambda handlers behind an API Gateway WebSocket API
(PROTOCOL §6), on the desktop's own per-device pipeline (``core/pipeline.py``), so the same
frames give the same windows and the same descriptions as the embedded analyzer.

Routes: ``$connect``, ``$disconnect``, ``sensor-data`` (the frame flat, or wrapped in
``data``), ``ping`` (the app's keepalive; answered ``{"type": "pong"}``) and ``$default``
(an unknown action: a clear answer, never silence). Windows are on arrival time
(``requestContext.requestTimeEpoch``), never the device clock. State between invocations is
in DynamoDB (``cloud/store.py``, safe under concurrent invocations of one connection).

Descriptions are posted back through ``@connections`` as the seed's
``{"type": "ai-description", "data": …}`` plus ``fallback``, ``timestamp`` and ``dataUsed``.
With ``BEDROCK_AGENT_ID`` and ``BEDROCK_AGENT_ALIAS_ID`` set, a relevant window is described
by the Bedrock agent (one session per connection, a timeout inside the Lambda's); any failure,
or no agent configured, gives the offline rules, marked ``fallback``. A ``GoneException`` on
posting removes the connection.

Operator consoles connect as **observers** (``?role=observer&token=…``, admitted by
``cloud/authorizer.py``; the fleet observer protocol): they are kept apart from devices
(``kind = "observer"``) and every device's connect/disconnect, every closed window (relevant
or not) and every description sent are posted to each of them, tagged with the device's
connection id. API Gateway cannot post to a connection during its ``$connect``, so an
observer's snapshot (one ``device-connected`` per device connected) goes out at its first
``ping`` or before the first event fanned out to it, whichever comes first. Anything an
observer sends but ``ping`` is ignored and counted; devices never get observer traffic.

Synchronous, boto3, no asyncio and no Qt: Lambda runs one event per process at a time.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from intelivision_desktop.cloud import authorizer
from intelivision_desktop.cloud.store import StateStore
from intelivision_desktop.core.analysis import (
    AnalysisConfig,
    describe_rules,
    is_not_relevant_answer,
)
from intelivision_desktop.core.codec import (
    FrameError,
    ai_description_apigw,
    decode_frame,
    encode_summary,
    loads_bounded,
    unwrap_apigw_frame,
)
from intelivision_desktop.core.model import Frame, Summary
from intelivision_desktop.core.pipeline import ClosedWindow, DevicePipeline

log = logging.getLogger(__name__)
log.setLevel(logging.INFO)

Describer = Callable[[ClosedWindow, str], "tuple[str | None, bool, dict[str, Any]]"]
"""(window, connection id) → (text or None for "nothing new", fallback, detail)."""


@dataclass
class Backend:
    """Everything a handler needs, built once per Lambda process (warm invocations reuse it)."""

    store: StateStore
    post: Callable[[str, Mapping[str, Any], str], bool]
    """Send a JSON message to a connection (id, message, the event's endpoint); False if the
    connection is gone."""
    config: AnalysisConfig = field(default_factory=AnalysisConfig)
    describe: Describer | None = None
    """None: the offline rules."""
    counts: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, n: int = 1) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + n


_backend: Backend | None = None


def backend() -> Backend:
    """The process's backend, from the environment (``CONNECTIONS_TABLE``, ``FRAMES_TABLE``,
    ``WEBSOCKET_ENDPOINT``, ``AGGREGATION_WINDOW_MS``, ``MAX_AGGREGATION_SIZE``,
    ``BEDROCK_AGENT_ID``, ``BEDROCK_AGENT_ALIAS_ID``)."""
    global _backend
    if _backend is None:
        import boto3  # type: ignore[import-untyped]

        env = os.environ
        store = StateStore(
            boto3.client("dynamodb"),
            env.get("CONNECTIONS_TABLE", "websocket-connections"),
            env.get("FRAMES_TABLE", "sensor-data"),
        )
        _backend = Backend(
            store=store,
            post=ConnectionPoster(env.get("WEBSOCKET_ENDPOINT", "")),
            config=AnalysisConfig.from_env(env),
            describe=bedrock_describer_from_env(env),
        )
    return _backend


def set_backend(b: Backend | None) -> None:
    """Tests and the local stack: use this backend instead of one from the environment."""
    global _backend
    _backend = b


class ConnectionPoster:
    """``@connections`` posts through ``apigatewaymanagementapi``; the endpoint comes from
    ``WEBSOCKET_ENDPOINT`` or, if unset, from the event (``https://domain/stage``)."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self._clients: dict[str, Any] = {}

    def client(self, endpoint: str) -> Any:
        c = self._clients.get(endpoint)
        if c is None:
            import boto3

            c = self._clients[endpoint] = boto3.client(
                "apigatewaymanagementapi", endpoint_url=endpoint
            )
        return c

    def __call__(self, conn_id: str, message: Mapping[str, Any], endpoint: str = "") -> bool:
        c = self.client(self.endpoint or endpoint)
        data = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        try:
            c.post_to_connection(ConnectionId=conn_id, Data=data)
        except c.exceptions.GoneException:
            return False
        except c.exceptions.ClientError as exc:  # serverless-offline says 410 without a code
            if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 410:
                return False
            raise
        return True


# --- the handlers ---------------------------------------------------------------------------


def _ok(body: str = "") -> dict[str, Any]:
    return {"statusCode": 200, "body": body}


def _role(ctx: Mapping[str, Any]) -> str:
    """``observer`` or ``device``: what the authorizer said of this connection."""
    auth = ctx.get("authorizer")
    return str(auth.get("role") or "device") if isinstance(auth, Mapping) else "device"


def connect(event: Mapping[str, Any], _context: Any = None) -> dict[str, Any]:
    b = backend()
    ctx = event.get("requestContext") or {}
    identity = ctx.get("identity") or {}
    headers = event.get("headers") or {}
    conn_id = str(ctx["connectionId"])
    info = {
        "sourceIp": str(identity.get("sourceIp") or ""),
        "userAgent": str(headers.get("User-Agent") or headers.get("user-agent") or ""),
    }
    role = _role(ctx)
    if role != "observer" and authorizer.wants_observer(event):
        # no authorizer ran before this handler (a deployment without it): check here
        role = authorizer.check(event) or "refused"
    if role == "refused":
        b.count("observer_refused")
        log.warning("observer %s refused: bad or missing operator token", conn_id)
        return {"statusCode": 403, "body": "Forbidden"}
    if role == "observer":
        b.store.observer_connected(conn_id, **info)
        b.count("observers_connected")
        observers, _pending = b.store.observers()
        # not to the one connecting: it cannot be posted to before its $connect returns
        _fanout(b, ctx, {"type": "observers", "count": len(observers)}, skip=conn_id)
        return _ok()
    b.store.connected(conn_id, **info)
    _fanout(b, ctx, {"type": "device-connected", "device": conn_id, "at": _now_ms(ctx), **info})
    return _ok()


def disconnect(event: Mapping[str, Any], _context: Any = None) -> dict[str, Any]:
    # How soon observers hear of it (./run cloud-local, measured on 2 cores): serverless-offline
    # runs $disconnect as the socket closes (a close or a reset: the handler starts ~10 ms
    # later and takes 20-70 ms warm, 0.8 s in a cold process), so device-disconnected reaches
    # observers within 0.1 s. It came 46-108 s late, or not within 2 minutes, only while the
    # local stack drowned in cold handler processes (devices streaming into a stack started
    # cold; scripts/cloud_local.py now starts it warm, see there): nothing here is slow. A
    # device that vanishes without closing its socket is noticed only when serverless-offline's
    # idle timeout (600 s) ends it, as API Gateway's 10-minute idle timeout does (not measured).
    b = backend()
    ctx = event["requestContext"]
    conn_id = str(ctx["connectionId"])
    kind = b.store.gone(conn_id)
    if kind == "observer":
        observers, _pending = b.store.observers()
        _fanout(b, ctx, {"type": "observers", "count": len(observers)})
    elif _role(ctx) != "observer":
        _fanout(b, ctx, {"type": "device-disconnected", "device": conn_id, "at": _now_ms(ctx)})
    return _ok()


def ping(event: Mapping[str, Any], _context: Any = None) -> dict[str, Any]:
    ctx = event["requestContext"]
    b = backend()
    conn_id = str(ctx["connectionId"])
    if _role(ctx) == "observer":
        observers, pending = b.store.observers()
        if conn_id in pending and b.store.claim_snapshot(conn_id):
            _snapshot(b, ctx, conn_id, observers=len(observers))
        return _ok()
    _send(b, conn_id, {"type": "pong", "timestamp": _now_ms(ctx)}, ctx)
    return _ok()


def _observer_ignored(b: Backend, ctx: Mapping[str, Any]) -> bool:
    """An observer sent something other than a ping: ignored, counted."""
    if _role(ctx) != "observer":
        return False
    b.count("observer_ignored")
    log.info("observer %s: message ignored (observers send pings only)", ctx.get("connectionId"))
    return True


def default(event: Mapping[str, Any], _context: Any = None) -> dict[str, Any]:
    """An unknown action: say which ones exist."""
    ctx = event["requestContext"]
    if _observer_ignored(backend(), ctx):
        return _ok()
    action = "?"
    try:
        body = loads_bounded(event.get("body") or "")
        if isinstance(body, dict):
            action = str(body.get("action"))[:40]
    except FrameError:
        action = "(not JSON)"
    message = {
        "message": f"Unknown action {action!r}: use 'sensor-data' or 'ping'",
        "connectionId": ctx.get("connectionId"),
        "requestId": ctx.get("requestId"),
    }
    _send(backend(), str(ctx["connectionId"]), message, ctx)
    return _ok()


def sensor_data(event: Mapping[str, Any], _context: Any = None) -> dict[str, Any]:
    b = backend()
    ctx = event["requestContext"]
    if _observer_ignored(b, ctx):
        return _ok()
    conn_id = str(ctx["connectionId"])
    now = _now_ms(ctx)
    try:
        body = loads_bounded(event.get("body") or "")
        if not isinstance(body, dict):
            raise FrameError("the message is not a JSON object")
        wire = unwrap_apigw_frame(body)
        frame = decode_frame(wire, device_id=conn_id, arrival_ms=float(now))
    except FrameError as exc:
        b.count("malformed")
        message = {
            "message": f"Bad frame: {exc}",
            "connectionId": conn_id,
            "requestId": ctx.get("requestId"),
        }
        _send(b, conn_id, message, ctx)
        return _ok()
    store = b.store
    seen = store.number(conn_id)
    store.put_frame(conn_id, seen.seq, now, wire)
    claim = store.claim(conn_id, seen, now, b.config.window_ms)
    if claim is None:
        return _ok()
    frames, missing = store.window_frames(conn_id, claim)
    if missing:
        b.count("frames_missing", missing)
        log.warning("connection %s: %d frame(s) of the window never arrived", conn_id, missing)
    frames = frames or [frame]
    closed = _close(conn_id, frames, claim.last_processed_ms, b.config, store.last_said(conn_id))
    if closed is not None:
        _fanout(b, ctx, window_event(conn_id, closed))
    if closed is None or not closed.relevant:
        b.count("not_relevant")
        return _ok()
    started = time.monotonic()
    text, fallback, _detail = _describe(b, closed, conn_id)
    if text is None:
        b.count("not_relevant")
        return _ok()
    store.said(conn_id, closed.summary, closed.closed_ms)
    message = ai_description_apigw(
        text, timestamp_ms=time.time() * 1000, summary=closed.summary, fallback=fallback
    )
    b.count("descriptions")
    _send(b, conn_id, message, ctx)
    _fanout(
        b,
        ctx,
        {
            "type": "ai-description",
            "device": conn_id,
            "at": int(time.time() * 1000),
            "data": text,
            "fallback": fallback,
            "dataUsed": message.get("dataUsed"),
            "latencyMs": round((time.monotonic() - started) * 1000.0, 1),
        },
    )
    return _ok()


def window_event(conn_id: str, closed: ClosedWindow) -> dict[str, Any]:
    """The observers' ``window`` event of a closed window (relevant or not)."""
    said = [f.camera_active for f in closed.window.frames if f.camera_active is not None]
    camera: bool | None = None if not said else all(said)
    return {
        "type": "window",
        "device": conn_id,
        "at": int(closed.closed_ms),
        "relevant": closed.relevant,
        "frames": len(closed.window.frames),
        "cameraActive": camera,
        "dataUsed": encode_summary(closed.summary),
    }


# --- observers ------------------------------------------------------------------------------


def _fanout(
    b: Backend, ctx: Mapping[str, Any], message: Mapping[str, Any], *, skip: str = ""
) -> None:
    """Post ``message`` to every observer (one GetItem of the registry, one post each); an
    observer whose snapshot is still due gets it first. A gone observer is removed."""
    observers, pending = b.store.observers()
    for obs in observers:
        if obs == skip:
            continue
        first = obs in pending and b.store.claim_snapshot(obs)
        announced = (
            str(message.get("device", "")) if message.get("type") == "device-connected" else ""
        )
        # the snapshot's count would repeat an observers event
        count = 0 if message.get("type") == "observers" else len(observers)
        if first and not _snapshot(b, ctx, obs, observers=count, but=announced):
            continue
        _post_observer(b, ctx, obs, message)


def _snapshot(
    b: Backend, ctx: Mapping[str, Any], obs: str, *, observers: int = 0, but: str = ""
) -> bool:
    """One ``device-connected`` per device connected now (``but`` the one being announced
    live), then the observers count."""
    for d in b.store.devices():
        if d["connectionId"] == but:
            continue
        event = {
            "type": "device-connected",
            "device": d["connectionId"],
            "at": int(d.get("connectedAt", 0)),
            "userAgent": d.get("userAgent", ""),
            "sourceIp": d.get("sourceIp", ""),
        }
        if not _post_observer(b, ctx, obs, event):
            return False
    if observers == 0:
        return True
    return _post_observer(b, ctx, obs, {"type": "observers", "count": observers})


def _post_observer(
    b: Backend, ctx: Mapping[str, Any], obs: str, message: Mapping[str, Any]
) -> bool:
    endpoint = f"https://{ctx.get('domainName', '')}/{ctx.get('stage', '')}"
    b.count("observer_posts")
    if b.post(obs, message, endpoint):
        return True
    b.count("observer_gone")
    log.info("observer %s gone: removed", obs)
    b.store.gone(obs)
    return False


def _close(
    conn_id: str,
    frames: list[Frame],
    last_processed_ms: float,
    config: AnalysisConfig,
    said: tuple[Summary, float] | None,
) -> ClosedWindow | None:
    """The window these frames make, through the desktop's own pipeline: its state restored
    (the window before, what was said), the last frame pushed."""
    frames = sorted(frames, key=lambda f: f.arrival_ms)
    state: dict[str, Any] = {
        "v": 1,
        "device": conn_id,
        "window_ms": config.window_ms,
        "max_size": config.max_size,
        "last_processed_ms": last_processed_ms,
        "said": None,
    }
    pipe = DevicePipeline.from_state(state, frames[:-1], config)
    if said is not None:
        pipe.relevance.restore(*said)
    return pipe.push(frames[-1])


def _describe(
    b: Backend, closed: ClosedWindow, conn_id: str
) -> tuple[str | None, bool, dict[str, Any]]:
    if b.describe is not None:
        try:
            text, fallback, detail = b.describe(closed, conn_id)
        except Exception as exc:  # noqa: BLE001 - any failure: the rules, marked fallback
            log.warning("connection %s: the AI failed (%s); the rules describe", conn_id, exc)
            b.count("fallback")
            return describe_rules(closed.summary), True, {"error": str(exc)[:200]}
        if text is not None and is_not_relevant_answer(text):
            return None, fallback, detail
        return text, fallback, detail
    return describe_rules(closed.summary), True, {}


def _send(b: Backend, conn_id: str, message: Mapping[str, Any], ctx: Mapping[str, Any]) -> None:
    endpoint = f"https://{ctx.get('domainName', '')}/{ctx.get('stage', '')}"
    if not b.post(conn_id, message, endpoint):
        b.count("gone")
        b.store.gone(conn_id)


def _now_ms(ctx: Mapping[str, Any]) -> int:
    t = ctx.get("requestTimeEpoch")
    return int(t) if isinstance(t, int | float) else int(time.time() * 1000)


def bedrock_describer_from_env(env: Mapping[str, str]) -> Describer | None:
    """The Bedrock agent describer, if ``BEDROCK_AGENT_ID`` and ``BEDROCK_AGENT_ALIAS_ID`` are
    set; None (the offline rules) otherwise."""
    if not env.get("BEDROCK_AGENT_ID") or not env.get("BEDROCK_AGENT_ALIAS_ID"):
        return None
    from intelivision_desktop.cloud.agent import AgentDescriber

    return AgentDescriber.from_env(env)
