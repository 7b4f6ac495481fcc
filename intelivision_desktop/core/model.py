"""Typed messages shared by every layer: frames, window summaries, descriptions, states.

Names are English here; the Spanish wire keys live only in :mod:`intelivision_desktop.core.codec`.
All classes are frozen: a message, once published, never changes under a listener.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Distance:
    """A distance as the detector reports it ("1.2m", "3.0m+", "desconocido")."""

    raw: str
    """The wire text, kept for forwarding and display."""
    metres: float | None
    """Parsed value in metres; None when unknown or unparseable."""
    at_least: bool = False
    """True for an open-ended value such as "3.0m+"."""


UNKNOWN_DISTANCE = Distance("desconocido", None)


@dataclass(frozen=True, slots=True)
class Blendshape:
    """One MediaPipe face blendshape score."""

    name: str
    score: float


@dataclass(frozen=True, slots=True)
class Person:
    """A person detected in one frame (wire: an element of ``personas``)."""

    position: str = "desconocido"
    """``posicion``: frente | izquierda | derecha | desconocido."""
    distance: Distance = UNKNOWN_DISTANCE
    """``distancia``."""
    expression: str = "no_detectada"
    """``expresion``."""
    gesture: str = "ninguno"
    """``gesto``."""
    confidence: float | None = None
    """``confianza``."""
    id: str | None = None
    """``id``."""
    blendshapes: tuple[Blendshape, ...] = ()
    """``blendshapes``, in wire order."""
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Unknown wire fields, kept for forwarding."""


@dataclass(frozen=True, slots=True)
class DetectedObject:
    """An object detected in one frame (wire: an element of ``objetos``)."""

    kind: str = "desconocido"
    """``tipo`` as sent (COCO English name or already Spanish)."""
    movement: str = "estatico"
    """``movimiento``."""
    direction: str = "frente"
    """``direccion``."""
    speed: str | None = None
    """``velocidad`` (free text)."""
    distance: Distance = UNKNOWN_DISTANCE
    """``distancia``."""
    confidence: float | None = None
    """``confianza``."""
    id: str | None = None
    """``id``."""
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Unknown wire fields, kept for forwarding."""


@dataclass(frozen=True, slots=True)
class Frame:
    """One detection frame from a device, stamped with its arrival on the session clock."""

    device_id: str
    """The device (source connection) the frame came from."""
    arrival_ms: float
    """Arrival time, epoch ms on the session clock (the recording's timeline when replaying)."""
    timestamp_ms: int | None = None
    """The device's own ``timestamp`` (epoch ms, may be skewed or missing)."""
    camera_active: bool | None = None
    """``cameraActive``."""
    people: tuple[Person, ...] = ()
    objects: tuple[DetectedObject, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Unknown top-level wire fields, kept for forwarding."""
    device_clock: bool = False
    """True when timestamp_ms is a live device's own clock (a device served by this app): it
    may go to a deployed backend as is. Sources that replay, generate or read boards leave it
    False and the link stamps frames with the send time."""
    coerced: int = field(default=0, compare=False)
    """Numeric text read as numbers while decoding (``"confianza": "0.9"``, a blendshape's
    ``"score": "0.82"``), as JavaScript compares them; callers may count them."""
    wire: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)
    """The payload exactly as received (forwarded and recorded as is); None if built here."""


@dataclass(frozen=True, slots=True)
class PersonGroup:
    """People of one window grouped by (position, expression, gesture, blendshape key)."""

    person: Person
    """The first person of the group, with the group's merged blendshapes."""
    count: int


@dataclass(frozen=True, slots=True)
class ObjectGroup:
    """Objects of one window grouped by (Spanish kind, movement, direction)."""

    obj: DetectedObject
    """The first object of the group, its kind translated to Spanish."""
    count: int
    original_kind: str | None = None
    """The first object's kind as received, before translation (wire: ``tipoOriginal``);
    None when unknown (a summary recorded before it was kept)."""


@dataclass(frozen=True, slots=True)
class Summary:
    """What a window contained (wire: ``dataUsed``)."""

    people: tuple[PersonGroup, ...]
    objects: tuple[ObjectGroup, ...]
    total_frames: int

    @property
    def empty(self) -> bool:
        return not self.people and not self.objects


@dataclass(frozen=True, slots=True)
class Window:
    """A closed aggregation window for one device."""

    device_id: str
    frames: tuple[Frame, ...]
    closed_ms: float
    """Session-clock time at which the window was closed ("now" of the closing frame)."""

    @property
    def start_ms(self) -> float:
        return self.frames[0].arrival_ms

    @property
    def last_ms(self) -> float:
        return self.frames[-1].arrival_ms


@dataclass(frozen=True, slots=True)
class Description:
    """A description of a window, from whichever analyzer produced it."""

    device_id: str
    text: str
    t_ms: float
    """Session-clock time of the description (when the analyzer published it)."""
    source: str
    """Who described it: ``rules``, ``bedrock-agent``, ``socketio``, ``apigw``, ``recorded`` …"""
    fallback: bool = False
    """True when the AI failed and the rules answered (as the backend's ``fallback``)."""
    latency_ms: float | None = None
    """End to end: last frame of the window handed over → description received."""
    summary: Summary | None = None
    """The window summary (``dataUsed``) when known."""
    window_start_ms: float | None = None
    window_end_ms: float | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)
    """Extra information for the detail pane (trace, token usage, raw message …)."""


class LinkState(enum.StrEnum):
    """Lifecycle of a source or analyzer link."""

    IDLE = "idle"
    CONNECTING = "connecting"
    LIVE = "live"
    RETRYING = "retrying"
    STOPPED = "stopped"
    FAILED = "failed"
    FINISHED = "finished"


@dataclass(frozen=True, slots=True)
class StateChange:
    """A component changed state."""

    component: str
    """``source`` or ``analyzer``."""
    state: LinkState
    detail: str = ""


@dataclass(frozen=True, slots=True)
class FrameBatch:
    """Frames handed to the session together (one source wake-up)."""

    frames: tuple[Frame, ...]


@dataclass(frozen=True, slots=True)
class SampleBatch:
    """Raw numeric samples from a device were stored (the values are in its channel store)."""

    device_id: str
    count: int


@dataclass(frozen=True, slots=True)
class Rewound:
    """The source jumped on its timeline (a replay was sought): the channel stores were
    emptied and the analyzer's windows forgotten; what follows starts a new stretch."""

    position_s: float
    """Where the replay now stands, in seconds from its start."""


@dataclass(frozen=True, slots=True)
class Problem:
    """A counted, non-fatal problem (malformed input, dropped message …)."""

    component: str
    kind: str
    """Counter name, e.g. ``malformed``."""
    message: str


@dataclass(frozen=True, slots=True)
class Counters:
    """Snapshot of the session's counters."""

    frames: int = 0
    windows: int = 0
    descriptions: int = 0
    not_relevant: int = 0
    malformed: int = 0
    problems: Mapping[str, int] = field(default_factory=dict)
    recorded: int = 0
    samples: int = 0
    """Raw numeric samples (serial devices)."""
    alerts: int = 0
    """Alerts raised."""


class AlertKind(enum.StrEnum):
    """What an alert is about."""

    SILENT = "silent"
    """A device sent nothing for longer than the threshold."""
    CAMERA_OFF = "camera_off"
    """A device says its camera is inactive (``cameraActive: false``)."""
    LATENCY = "latency"
    """A description took longer than the threshold."""
    FALLBACK_RATE = "fallback_rate"
    """Too many of a device's recent descriptions came from the fallback rules."""
    AI_ERRORS = "ai_errors"
    """The AI service (Bedrock) is failing."""
    DANGER = "danger"
    """An object approaching close by, or a vehicle crossing in front."""


@dataclass(frozen=True, slots=True)
class Alert:
    """Something an operator should act on, raised once per episode by the alert rules."""

    kind: AlertKind
    device_id: str
    """The device concerned; empty when the alert is not about one device (AI errors)."""
    t_ms: float
    """Session-clock time at which the alert was raised."""
    message: str
    """One English sentence for the operator."""
    detail: Mapping[str, Any] = field(default_factory=dict)
    """Numbers behind the alert (threshold, measured value, object …), JSON-safe."""
    key: str = ""
    """De-duplication key: one alert per key per episode."""


Event = FrameBatch | SampleBatch | Description | StateChange | Problem | Rewound | Alert


@dataclass(slots=True)
class LinkStats:
    """Live numbers of a link, read by the UI at about 1 Hz."""

    sent: int = 0
    received: int = 0
    descriptions: int = 0
    connects: int = 0
    held: int = 0
    """Frames held while a first connection was being made (then sent in order)."""
    failover_frames: int = 0
    """Frames of a connection that was down, described by the failover rules instead."""
    rtt_ms: float | None = None
    health: dict[str, Any] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    """Problems by kind: backend_error, malformed, unknown_event, too_large, oversize …"""
    last_error: str = ""
    silent: str = ""
    """Set while a live backend takes frames and answers nothing (see ``SILENT_AFTER_S``)."""
