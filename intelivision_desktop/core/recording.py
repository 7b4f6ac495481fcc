"""The recording format: JSON Lines, append-only, one record per line.

Line 1 is a header record; then frame, sample and description records in arrival order, each
with its arrival time ``t`` (epoch ms on the session clock)::

    {"type":"header","format":"intelivision-recording","version":1,"app_version":"0.1.0",
     "created_ms":…,"source":"demo://","analyzer":"embedded://rules","settings":{…}}
    {"type":"frame","t":1767000000000.0,"device":"demo","data":{…the wire frame…}}
    {"type":"description","t":…,"device":"demo","text":"Persona alegre izquierda",
     "source":"rules","fallback":false,"latency_ms":0.1,"window_start":…,"window_end":…,
     "dataUsed":{…}}
    {"type":"samples","device":"ttyACM0","t":[…],"values":{"a0":[…],"a1":[…]}}
    {"type":"alert","t":…,"device":"demo","kind":"danger","message":"Danger near demo: …",
     "key":"danger:demo:perro","detail":{…}}

Alert records are read back as :class:`~intelivision_desktop.core.model.Alert` into the
parser's :attr:`RecordingParser.alerts` (``feed`` returns None for them, so readers that know
only frames, samples and descriptions go on unchanged). A replay does not re-emit them: its
session's own alert rules judge the replayed frames again.

The parser also accepts a plain JSON Lines file of wire frames (one ``sensor-data`` object
per line, no ``type``), timed by their ``timestamp``. A garbled or truncated line is counted
and skipped; the lines around it are kept. This module does no I/O: it turns lines into
records and records into lines.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from intelivision_desktop.core.channels import FloatArray
from intelivision_desktop.core.codec import (
    FrameError,
    decode_frame,
    decode_summary,
    dumps,
    encode_frame,
    encode_summary,
    finite,
    json_safe,
    loads_strict,
)
from intelivision_desktop.core.model import Alert, AlertKind, Description, Frame

FORMAT = "intelivision-recording"
FORMAT_VERSION = 1
PLAIN_FRAME_GAP_MS = 200.0
"""Spacing given to plain wire frames that carry no timestamp."""


@dataclass(frozen=True, slots=True)
class Header:
    """The first record of a recording."""

    version: int
    app_version: str = ""
    created_ms: float | None = None
    source: str = ""
    analyzer: str = ""
    settings: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, eq=False)
class SampleBlock:
    """Raw numeric samples of one device (a ``samples`` record; serial boards' channels)."""

    device_id: str
    t_ms: FloatArray
    """Sample times, epoch ms on the session clock, non-decreasing."""
    columns: Mapping[str, FloatArray]
    """Channel → one value per time (NaN: no value)."""

    @property
    def arrival_ms(self) -> float:
        """When the block was complete: the time of its last sample."""
        return float(self.t_ms[-1])

    def __len__(self) -> int:
        return len(self.t_ms)


MAX_BLOCK_SAMPLES = 1_000_000
"""Most samples accepted in one ``samples`` record."""

Record = Header | Frame | Description | SampleBlock


def header_line(
    *,
    app_version: str,
    created_ms: float,
    source: str,
    analyzer: str,
    settings: Mapping[str, Any] | None = None,
) -> str:
    """The header record; ``settings`` are written through :func:`json_safe` (a value JSON
    cannot carry becomes null rather than costing the recording its header)."""
    return dumps(
        {
            "type": "header",
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "app_version": app_version,
            "created_ms": created_ms,
            "source": source,
            "analyzer": analyzer,
            "settings": json_safe(dict(settings or {})),
        }
    )


def frame_line(frame: Frame) -> str:
    """A frame record: the wire payload as received, and when it arrived (``device_clock``
    and ``coerced`` are not written: they are read back as False and 0). ValueError if the
    frame holds something JSON cannot carry (decoded frames never do)."""
    return dumps(
        {
            "type": "frame",
            "t": frame.arrival_ms,
            "device": frame.device_id,
            # dumps only reads: the payload as received needs no copy (encode_frame's)
            "data": frame.wire if frame.wire is not None else encode_frame(frame),
        }
    )


def samples_line(device_id: str, t_ms: FloatArray, columns: Mapping[str, FloatArray]) -> str:
    """A block of raw numeric samples: ``{"type":"samples","device":…,"t":[…],"values":{…}}``.

    NaN (a missing value) and ±inf (which the parser reads as missing) are written as null.
    ValueError if a time is not finite.
    """
    times = [float(x) for x in t_ms]
    if not all(map(math.isfinite, times)):
        raise ValueError(f"samples of {device_id!r}: times must be finite numbers")
    return dumps(
        {
            "type": "samples",
            "device": device_id,
            "t": times,
            "values": {
                k: [x if math.isfinite(x) else None for x in map(float, v)]
                for k, v in columns.items()
            },
        }
    )


def description_line(d: Description) -> str:
    """A description record. Its ``detail`` (free-form: a backend's raw message, a trace) is
    written through :func:`json_safe`: a non-finite number there (a NaN ``timestamp``)
    becomes null, and text with a lone surrogate (there and in the text itself) gets U+FFFD,
    so the description is still recorded. ValueError if its own times are not finite."""
    rec: dict[str, Any] = {
        "type": "description",
        "t": d.t_ms,
        "device": json_safe(d.device_id),
        "text": json_safe(d.text),
        "source": json_safe(d.source),
        "fallback": d.fallback,
        "latency_ms": d.latency_ms,
        "window_start": d.window_start_ms,
        "window_end": d.window_end_ms,
    }
    if d.summary is not None:
        rec["dataUsed"] = encode_summary(d.summary)
    if d.detail:
        rec["detail"] = json_safe(dict(d.detail))
    return dumps(rec)


def alert_line(a: Alert) -> str:
    """An alert record (``detail`` through :func:`json_safe`). ValueError if its time is not
    finite."""
    return dumps(
        {
            "type": "alert",
            "t": a.t_ms,
            "device": json_safe(a.device_id),
            "kind": a.kind.value,
            "message": json_safe(a.message),
            "key": json_safe(a.key),
            "detail": json_safe(dict(a.detail)),
        }
    )


def _opt_float(v: Any, what: str) -> float | None:
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int | float) or not finite(v):
        raise FrameError(f"{what}: expected a finite number")
    return float(v)


def _time(v: Any) -> float:
    t = _opt_float(v, "t")
    if t is None:
        raise FrameError("record has no time 't'")
    return t


class RecordingParser:
    """Turns recording lines into records, counting (not raising on) bad lines."""

    MAX_ERRORS_KEPT = 20
    MAX_ALERTS_KEPT = 10_000

    def __init__(self, default_device: str = "replay") -> None:
        self.default_device = default_device
        self.header: Header | None = None
        self.line_no = 0
        self.bad_lines = 0
        self.errors: list[str] = []
        """The first few problems, as ``line N: message``."""
        self._last_plain_ms: float | None = None
        self.alerts: list[Alert] = []
        """Alert records read, in file order (the first MAX_ALERTS_KEPT)."""
        self.alerts_read = 0
        """Alert records read, all of them."""

    def _bad(self, message: str) -> None:
        self.bad_lines += 1
        if len(self.errors) < self.MAX_ERRORS_KEPT:
            self.errors.append(f"line {self.line_no}: {message}")

    def feed(self, line: str | bytes) -> Record | None:
        """Parse one line. Returns None for blank or bad lines (bad ones are counted) and for
        alert lines (kept in :attr:`alerts`)."""
        self.line_no += 1
        if not line.strip():
            return None
        try:
            obj = loads_strict(line)
            return self._record(obj)
        except FrameError as exc:
            self._bad(str(exc))
            return None

    def _record(self, obj: Any) -> Record | None:
        if not isinstance(obj, dict):
            raise FrameError(f"expected a JSON object, got {type(obj).__name__}")
        kind = obj.get("type")
        if kind is None:
            return self._plain_frame(obj)
        if kind == "frame":
            device = obj.get("device", self.default_device)
            if not isinstance(device, str):
                raise FrameError("device: expected text")
            return decode_frame(
                obj.get("data"), device_id=device, arrival_ms=_time(obj.get("t")), owned=True
            )
        if kind == "description":
            return self._description(obj)
        if kind == "samples":
            return self._samples(obj)
        if kind == "alert":
            alert = _alert(obj)
            self.alerts_read += 1
            if len(self.alerts) < self.MAX_ALERTS_KEPT:
                self.alerts.append(alert)
            return None
        if kind == "header":
            return self._header(obj)
        raise FrameError(f"unknown record type {kind!r:.40}")

    def _plain_frame(self, obj: dict[str, Any]) -> Frame:
        ts = obj.get("timestamp")
        if isinstance(ts, int | float) and not isinstance(ts, bool):
            t = float(ts)
        elif self._last_plain_ms is not None:
            t = self._last_plain_ms + PLAIN_FRAME_GAP_MS
        else:
            t = 0.0
        frame = decode_frame(obj, device_id=self.default_device, arrival_ms=t, owned=True)
        self._last_plain_ms = t
        return frame

    def _samples(self, obj: dict[str, Any]) -> SampleBlock:
        device = obj.get("device", self.default_device)
        if not isinstance(device, str):
            raise FrameError("samples: device must be text")
        t = _number_array(obj.get("t"), "samples.t")
        if len(t) == 0:
            raise FrameError("samples: no times")
        if not np.isfinite(t).all():
            raise FrameError("samples.t: times must be finite numbers")
        if len(t) > 1 and bool((np.diff(t) < 0).any()):
            raise FrameError("samples.t: times go backwards")
        values = obj.get("values")
        if not isinstance(values, dict):
            raise FrameError("samples: values must be an object of channel → list")
        columns: dict[str, FloatArray] = {}
        for name, raw in values.items():
            col = _number_array(raw, f"samples.values.{name:.40}")
            if len(col) != len(t):
                raise FrameError(f"samples.values.{name:.40}: {len(col)} values for {len(t)} times")
            col[np.isinf(col)] = np.nan
            columns[name] = col
        return SampleBlock(device, t, columns)

    def _header(self, obj: dict[str, Any]) -> Header:
        if obj.get("format") != FORMAT:
            raise FrameError(f"header: not an {FORMAT} file")
        version = obj.get("version")
        if not isinstance(version, int) or version < 1:
            raise FrameError("header: bad version")
        if version > FORMAT_VERSION:
            raise FrameError(
                f"header: format version {version} is newer than this app reads ({FORMAT_VERSION})"
            )
        settings = obj.get("settings") or {}
        h = Header(
            version=version,
            app_version=str(obj.get("app_version", "")),
            created_ms=_opt_float(obj.get("created_ms"), "created_ms"),
            source=str(obj.get("source", "")),
            analyzer=str(obj.get("analyzer", "")),
            settings=settings if isinstance(settings, dict) else {},
        )
        if self.header is None:
            self.header = h
        return h

    def _description(self, obj: dict[str, Any]) -> Description:
        text = obj.get("text")
        if not isinstance(text, str):
            raise FrameError("description: text missing")
        device = obj.get("device", self.default_device)
        summary = decode_summary(obj["dataUsed"]) if "dataUsed" in obj else None
        detail = obj.get("detail")
        return Description(
            device_id=str(device),
            text=text,
            t_ms=_time(obj.get("t")),
            source=str(obj.get("source", "recorded")),
            fallback=bool(obj.get("fallback", False)),
            latency_ms=_opt_float(obj.get("latency_ms"), "latency_ms"),
            summary=summary,
            window_start_ms=_opt_float(obj.get("window_start"), "window_start"),
            window_end_ms=_opt_float(obj.get("window_end"), "window_end"),
            detail=detail if isinstance(detail, dict) else {},
        )


def _alert(obj: dict[str, Any]) -> Alert:
    try:
        kind = AlertKind(str(obj.get("kind")))
    except ValueError:
        raise FrameError(f"alert: unknown kind {obj.get('kind')!r:.40}") from None
    message = obj.get("message")
    if not isinstance(message, str):
        raise FrameError("alert: message missing")
    device = obj.get("device", "")
    key = obj.get("key", "")
    detail = obj.get("detail")
    return Alert(
        kind=kind,
        device_id=device if isinstance(device, str) else str(device),
        t_ms=_time(obj.get("t")),
        message=message,
        detail=detail if isinstance(detail, dict) else {},
        key=key if isinstance(key, str) else "",
    )


def _number_array(raw: Any, what: str) -> FloatArray:
    """A JSON list of numbers (null → NaN) as float64; FrameError for anything else."""
    if not isinstance(raw, list):
        raise FrameError(f"{what}: expected a list of numbers")
    if len(raw) > MAX_BLOCK_SAMPLES:
        raise FrameError(f"{what}: more than {MAX_BLOCK_SAMPLES} samples")
    if any(isinstance(x, bool | str) for x in raw):
        raise FrameError(f"{what}: expected numbers")
    try:
        arr = np.array(raw, dtype=np.float64)
    except (ValueError, TypeError, OverflowError):
        raise FrameError(f"{what}: expected a list of numbers") from None
    if arr.ndim != 1:
        raise FrameError(f"{what}: expected a flat list of numbers")
    return arr
