"""The wire codec: Spanish JSON keys on the wire, English dataclasses in Python.

This is the only module that knows the wire names. Decoding is strict about structure and
lenient about free text; anything malformed raises :class:`FrameError` (and nothing else).
Unknown fields are kept in ``extra`` so :func:`encode_frame` forwards a frame unchanged.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from intelivision_desktop.core.model import (
    UNKNOWN_DISTANCE,
    Blendshape,
    DetectedObject,
    Distance,
    Frame,
    ObjectGroup,
    Person,
    PersonGroup,
    Summary,
)

MAX_FRAME_BYTES = 256 * 1024
"""Largest encoded frame accepted (API Gateway's limit is 128 KB; leave headroom)."""
MAX_ITEMS = 200
"""Most people or objects accepted in one frame."""
MAX_BLENDSHAPES = 128
"""Most blendshapes per person (MediaPipe has 52)."""
MAX_TEXT = 256
"""Longest accepted value for a text field."""
MAX_EXTRA_DEPTH = 16
"""Deepest nesting accepted in unknown fields."""


class FrameError(ValueError):
    """A frame (or wire message) is malformed. The message says what and where."""


MAX_ABS_NUMBER = 1e300
"""Numbers beyond this (or huge JSON integers) are refused rather than overflowing."""


def finite(v: int | float) -> bool:
    """True for a usable number: finite, and an int small enough to become a float."""
    if isinstance(v, int):
        return -(2**63) <= v <= 2**63
    return math.isfinite(v) and abs(v) <= MAX_ABS_NUMBER


def copy_json(v: Any) -> Any:
    """A deep copy of a JSON value (dicts and lists; scalars are immutable)."""
    if isinstance(v, dict):
        return {k: copy_json(x) for k, x in v.items()}
    if isinstance(v, list):
        return [copy_json(x) for x in v]
    return v


PERSON_KEYS = {
    "posicion": "position",
    "distancia": "distance",
    "expresion": "expression",
    "gesto": "gesture",
    "confianza": "confidence",
    "id": "id",
    "blendshapes": "blendshapes",
}
OBJECT_KEYS = {
    "tipo": "kind",
    "movimiento": "movement",
    "direccion": "direction",
    "velocidad": "speed",
    "distancia": "distance",
    "confianza": "confidence",
    "id": "id",
}
FRAME_KEYS = ("timestamp", "cameraActive", "personas", "objetos")

_DIST_RE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(m|cm|mm)?\s*(\+)?\s*$", re.IGNORECASE)
_UNIT = {"m": 1.0, "cm": 0.01, "mm": 0.001}


def parse_distance(value: Any) -> Distance:
    """Parse a wire distance. Free text never fails: it becomes an unknown distance."""
    if value is None:
        return UNKNOWN_DISTANCE
    if isinstance(value, bool):
        raise FrameError(f"distancia: expected text or number, got {value!r}")
    if isinstance(value, int | float):
        if not finite(value) or value < 0:
            raise FrameError(f"distancia: not a distance: {value!r}")
        return Distance(f"{value}m", float(value))
    if not isinstance(value, str):
        raise FrameError(f"distancia: expected text or number, got {type(value).__name__}")
    if len(value) > MAX_TEXT:
        raise FrameError(f"distancia: text longer than {MAX_TEXT} characters")
    m = _DIST_RE.match(value)
    if m is None:
        return Distance(value, None)
    unit = _UNIT[(m.group(2) or "m").lower()]
    return Distance(value, float(m.group(1).replace(",", ".")) * unit, m.group(3) is not None)


def _text(obj: Mapping[str, Any], key: str, default: str, where: str) -> str:
    v = obj.get(key)
    if v is None:
        return default
    if not isinstance(v, str):
        raise FrameError(f"{where}.{key}: expected text, got {type(v).__name__}")
    if len(v) > MAX_TEXT:
        raise FrameError(f"{where}.{key}: text longer than {MAX_TEXT} characters")
    return v


def _opt_text(obj: Mapping[str, Any], key: str, where: str) -> str | None:
    v = obj.get(key)
    if v is None:
        return None
    if isinstance(v, int | float) and not isinstance(v, bool):
        return str(v)
    return _text(obj, key, "", where)


def _number(obj: Mapping[str, Any], key: str, where: str) -> float | None:
    v = obj.get(key)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise FrameError(f"{where}.{key}: expected a number, got {type(v).__name__}")
    if not finite(v):
        raise FrameError(f"{where}.{key}: not a finite number")
    return float(v)


def _check_extra(value: Any, where: str, depth: int = 0) -> None:
    if depth > MAX_EXTRA_DEPTH:
        raise FrameError(f"{where}: nested deeper than {MAX_EXTRA_DEPTH} levels")
    if isinstance(value, dict):
        for k, v in value.items():
            _check_extra(v, f"{where}.{k}", depth + 1)
    elif isinstance(value, list):
        if len(value) > 10_000:
            raise FrameError(f"{where}: list longer than 10000 items")
        for v in value:
            _check_extra(v, where, depth + 1)
    elif isinstance(value, float) and not finite(value):  # big ints pass: never converted
        raise FrameError(f"{where}: not a finite number")


def _extra(obj: Mapping[str, Any], known: Any, where: str) -> dict[str, Any]:
    extra = {k: v for k, v in obj.items() if k not in known}
    if extra:
        _check_extra(extra, where)
    return extra


def _list(frame: Mapping[str, Any], key: str) -> list[Any]:
    v = frame.get(key)
    if v is None:
        return []
    if not isinstance(v, list):
        raise FrameError(f"{key}: expected a list, got {type(v).__name__}")
    if len(v) > MAX_ITEMS:
        raise FrameError(f"{key}: {len(v)} items, more than {MAX_ITEMS}")
    return v


def _blendshapes(value: Any, where: str) -> tuple[Blendshape, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise FrameError(f"{where}.blendshapes: expected a list, got {type(value).__name__}")
    if len(value) > MAX_BLENDSHAPES:
        raise FrameError(f"{where}.blendshapes: {len(value)} items, more than {MAX_BLENDSHAPES}")
    out = []
    for i, b in enumerate(value):
        w = f"{where}.blendshapes[{i}]"
        if not isinstance(b, dict):
            raise FrameError(f"{w}: expected an object, got {type(b).__name__}")
        name = _text(b, "name", "", w) or _text(b, "categoryName", "", w)
        score = _number(b, "score", w)
        if not name or score is None:
            raise FrameError(f"{w}: needs a name and a score")
        out.append(Blendshape(name, score))
    return tuple(out)


def decode_person(p: Any, where: str = "personas[0]") -> Person:
    if not isinstance(p, dict):
        raise FrameError(f"{where}: expected an object, got {type(p).__name__}")
    return Person(
        position=_text(p, "posicion", "desconocido", where),
        distance=parse_distance(p.get("distancia")),
        expression=_text(p, "expresion", "no_detectada", where),
        gesture=_text(p, "gesto", "ninguno", where),
        confidence=_number(p, "confianza", where),
        id=_opt_text(p, "id", where),
        blendshapes=_blendshapes(p.get("blendshapes"), where),
        extra=_extra(p, PERSON_KEYS, where),
    )


def decode_object(o: Any, where: str = "objetos[0]") -> DetectedObject:
    if not isinstance(o, dict):
        raise FrameError(f"{where}: expected an object, got {type(o).__name__}")
    return DetectedObject(
        kind=_text(o, "tipo", "desconocido", where),
        movement=_text(o, "movimiento", "estatico", where),
        direction=_text(o, "direccion", "frente", where),
        speed=_opt_text(o, "velocidad", where),
        distance=parse_distance(o.get("distancia")),
        confidence=_number(o, "confianza", where),
        id=_opt_text(o, "id", where),
        extra=_extra(o, OBJECT_KEYS, where),
    )


def decode_frame(obj: Any, *, device_id: str, arrival_ms: float, owned: bool = False) -> Frame:
    """Decode a parsed ``sensor-data`` payload. Raises :class:`FrameError` if malformed.

    The payload is kept for forwarding; it is copied unless ``owned`` says the caller hands
    it over (a dict fresh from ``json.loads`` that nobody else holds).
    """
    if not isinstance(obj, dict):
        raise FrameError(f"frame: expected a JSON object, got {type(obj).__name__}")
    ts = obj.get("timestamp")
    timestamp: int | None
    if ts is None:
        timestamp = None
    elif isinstance(ts, bool) or not isinstance(ts, int | float) or not finite(ts):
        raise FrameError(f"timestamp: expected epoch milliseconds, got {ts!r:.40}")
    else:
        timestamp = int(ts)
    cam = obj.get("cameraActive")
    if cam is not None and not isinstance(cam, bool):
        raise FrameError(f"cameraActive: expected true or false, got {type(cam).__name__}")
    people = tuple(decode_person(p, f"personas[{i}]") for i, p in enumerate(_list(obj, "personas")))
    objects = tuple(decode_object(o, f"objetos[{i}]") for i, o in enumerate(_list(obj, "objetos")))
    return Frame(
        device_id=device_id,
        arrival_ms=arrival_ms,
        timestamp_ms=timestamp,
        camera_active=cam,
        people=people,
        objects=objects,
        extra=_extra(obj, FRAME_KEYS, "frame"),
        wire=obj if owned else copy_json(obj),
    )


def loads(data: str | bytes) -> Any:
    """Parse JSON text with a size cap; raises :class:`FrameError` on any failure."""
    if len(data) > MAX_FRAME_BYTES:
        raise FrameError(f"message of {len(data)} bytes, more than {MAX_FRAME_BYTES}")
    try:
        return json.loads(data)
    except RecursionError:
        raise FrameError("JSON nested too deeply") from None
    except (ValueError, TypeError) as exc:  # JSONDecodeError and UnicodeDecodeError
        raise FrameError(f"not JSON: {exc}") from None


def decode_frame_json(data: str | bytes, *, device_id: str, arrival_ms: float) -> Frame:
    """Decode a frame from JSON text or bytes."""
    return decode_frame(loads(data), device_id=device_id, arrival_ms=arrival_ms, owned=True)


# --- encoding -----------------------------------------------------------------------------


def encode_person(p: Person, *, count: int | None = None) -> dict[str, Any]:
    d: dict[str, Any] = {
        "posicion": p.position,
        "distancia": p.distance.raw,
        "expresion": p.expression,
        "gesto": p.gesture,
    }
    if p.confidence is not None:
        d["confianza"] = p.confidence
    if p.id is not None:
        d["id"] = p.id
    d["blendshapes"] = [{"name": b.name, "score": b.score} for b in p.blendshapes]
    d.update(p.extra)
    if count is not None:
        d["count"] = count
    return d


def encode_object(o: DetectedObject, *, count: int | None = None) -> dict[str, Any]:
    d: dict[str, Any] = {"tipo": o.kind, "movimiento": o.movement, "direccion": o.direction}
    if o.speed is not None:
        d["velocidad"] = o.speed
    d["distancia"] = o.distance.raw
    if o.confidence is not None:
        d["confianza"] = o.confidence
    if o.id is not None:
        d["id"] = o.id
    d.update(o.extra)
    if count is not None:
        d["count"] = count
    return d


def encode_frame(f: Frame) -> dict[str, Any]:
    """The wire payload for a frame: exactly what was received when the frame was decoded
    (so it is forwarded unchanged), else built from the fields."""
    if f.wire is not None:
        return copy_json(f.wire)  # type: ignore[no-any-return]
    d: dict[str, Any] = {}
    if f.timestamp_ms is not None:
        d["timestamp"] = f.timestamp_ms
    if f.camera_active is not None:
        d["cameraActive"] = f.camera_active
    d["personas"] = [encode_person(p) for p in f.people]
    d["objetos"] = [encode_object(o) for o in f.objects]
    d.update(f.extra)
    return d


def encode_summary(s: Summary) -> dict[str, Any]:
    """The backend's ``dataUsed`` object."""
    return {
        "personas": [encode_person(g.person, count=g.count) for g in s.people],
        "objetos": [encode_object(g.obj, count=g.count) for g in s.objects],
        "totalDatos": s.total_frames,
    }


def decode_summary(obj: Any) -> Summary:
    """Parse a ``dataUsed`` object (as sent by the Socket.IO backend or stored in recordings)."""
    if not isinstance(obj, dict):
        raise FrameError(f"dataUsed: expected an object, got {type(obj).__name__}")
    people = []
    for i, p in enumerate(_list(obj, "personas")):
        person = decode_person(p, f"dataUsed.personas[{i}]")
        count = person.extra.get("count", 1)
        extra = {k: v for k, v in person.extra.items() if k != "count"}
        people.append(PersonGroup(_replace_extra(person, extra), _count(count)))
    objects = []
    for i, o in enumerate(_list(obj, "objetos")):
        ob = decode_object(o, f"dataUsed.objetos[{i}]")
        count = ob.extra.get("count", 1)
        extra = {k: v for k, v in ob.extra.items() if k != "count"}
        objects.append(ObjectGroup(_replace_extra(ob, extra), _count(count)))
    total = obj.get("totalDatos", 0)
    return Summary(tuple(people), tuple(objects), _count(total))


def _count(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int | float) or not finite(v) or v < 0:
        raise FrameError(f"count: expected a non-negative number, got {v!r:.40}")
    return int(v)


def _replace_extra[T: (Person, DetectedObject)](item: T, extra: dict[str, Any]) -> T:
    return replace(item, extra=extra)


def dumps(obj: Any) -> str:
    """Compact JSON, UTF-8 friendly (used for recordings and headless output)."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
