"""The wire codec: Spanish JSON keys on the wire, English dataclasses in Python.

This is the only module that knows the wire names. Decoding is strict about structure and
lenient about free text; anything malformed raises :class:`FrameError` (and nothing else).
Unknown fields are kept in ``extra`` so :func:`encode_frame` forwards a frame unchanged.

It also holds the one JSON reader every file and message reader uses,
:func:`loads_bounded`: bounded in nesting depth and number size, refusing what JSON cannot
carry (``NaN``, ``Infinity``, lone surrogates), and raising only :class:`FrameError`.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Mapping
from dataclasses import replace
from itertools import accumulate, repeat
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
MAX_DEPTH = 64
"""Deepest nesting of arrays and objects :func:`loads_bounded` accepts by default."""
MAX_NUMBER_DIGITS = 100
"""Most digits in one JSON number :func:`loads_bounded` accepts by default (and the largest
integer, in digits, a decoded frame keeps in its unknown fields)."""
_MAX_INT: int = 10**MAX_NUMBER_DIGITS


def finite(v: int | float) -> bool:
    """True for a usable number: finite, and an int small enough to become a float."""
    if isinstance(v, int):
        return -(2**63) <= v <= 2**63
    return math.isfinite(v) and abs(v) <= MAX_ABS_NUMBER


def _number_ok(v: int | float) -> bool:
    """A number JSON can carry and a reader here accepts back: finite, not absurdly long."""
    if isinstance(v, int):
        return -_MAX_INT < v < _MAX_INT
    return math.isfinite(v)


def _utf8_ok(s: str) -> bool:
    """False for text with a lone surrogate (it cannot be written as UTF-8)."""
    if s.isascii():
        return True
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# --- the bounded JSON reader --------------------------------------------------------------

_BRACKETS_ONLY = str.maketrans({chr(c): None for c in range(128) if chr(c) not in "[]{}"})
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _check_depth(text: str, max_depth: int) -> None:
    """Refuse text nested deeper than ``max_depth``, counting the brackets outside strings
    without recursion: json.loads recurses once per level and cannot get deeper than this
    counts before it fails.

    Strings are cut out by splitting on quotes once escaped backslashes and escaped quotes
    are gone (every quote left is a string's edge). The nesting of the brackets left is
    bounded by removing innermost ``[]``/``{}`` pairs (each pass removes at most two levels),
    and counted one by one only when that does not settle it (deep or invalid text)."""
    if text.count("[") + text.count("{") <= max_depth:
        return
    if "\\" in text:
        text = text.replace("\\\\", "").replace('\\"', "")
    brackets = "".join(text.split('"')[::2]).translate(_BRACKETS_ONLY)
    if brackets.count("[") + brackets.count("{") <= max_depth:
        return
    rest = brackets
    for _ in range(max_depth // 2):
        shorter = rest.replace("[]", "").replace("{}", "")
        if not shorter:
            return
        if len(shorter) == len(rest):
            break
        rest = shorter
    if max(accumulate(map(_DEPTH_STEP.get, brackets, repeat(0))), default=0) > max_depth:
        raise FrameError(f"JSON nested deeper than {max_depth} levels")


def _refuse_constant(name: str) -> Any:
    raise FrameError(f"not JSON: {name} is not a number JSON can carry")


def _find_lone_surrogate(value: Any) -> bool:
    """True if a string (or key) anywhere in a parsed value has a lone surrogate."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            if not _utf8_ok(v):
                return True
        elif isinstance(v, dict):
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return False


def loads_bounded(
    data: str | bytes | bytearray,
    *,
    max_depth: int = MAX_DEPTH,
    max_number_digits: int = MAX_NUMBER_DIGITS,
    strict_numbers: bool = True,
) -> Any:
    """Parse JSON text from an untrusted file or peer; raises :class:`FrameError` (only) for
    anything it refuses, never RecursionError, OverflowError or a plain ValueError.

    Refused: invalid JSON or encoding (bytes may be UTF-8, -16 or -32, as json.loads reads
    them); nesting deeper than ``max_depth`` (checked by a linear scan before parsing, so a
    line of 100,000 ``[`` costs no recursion); a number written with more than
    ``max_number_digits`` characters (sign excluded: a 400-digit number, whatever its value)
    or whose value overflows a float (``1e400``); the
    non-standard ``NaN``, ``Infinity`` and ``-Infinity``; text with a lone surrogate
    (``"\\ud800"``: no UTF-8 file can hold it). No size cap: callers cap what they read.

    ``strict_numbers=False`` is for a reader that judges each number itself (a serial
    board's flat line, where one bad field must not cost the line; a settings file, where
    one bad value costs only that option): ``NaN``, ``Infinity`` and floats beyond range
    (``1e400``) come back as float NaN / ±inf. Numbers longer than ``max_number_digits``
    are refused in both modes.
    """
    if isinstance(data, (bytes, bytearray)):  # a tuple: faster than a union (2 % of a line)
        try:
            text = bytes(data).decode(_encoding(data))
        except (UnicodeDecodeError, LookupError) as exc:
            raise FrameError(f"not JSON: {exc}") from None
    elif isinstance(data, str):
        text = data
        if not _utf8_ok(text):
            raise FrameError("not JSON: text with a lone surrogate")
    else:
        raise FrameError(f"not JSON: expected text or bytes, got {type(data).__name__}")
    _check_depth(text, max_depth)
    try:
        value = _decoder(max_number_digits, strict_numbers).decode(text)
    except FrameError:
        raise
    except RecursionError:
        raise FrameError("JSON nested too deeply") from None
    except (ValueError, TypeError, OverflowError) as exc:  # JSONDecodeError, int digit limit
        raise FrameError(f"not JSON: {exc}") from None
    if "\\u" in text and _SURROGATE_ESCAPE.search(text) and _find_lone_surrogate(value):
        raise FrameError("not JSON: text with a lone surrogate escape")
    return value


def _encoding(data: bytes | bytearray) -> str:
    """The encoding json.loads would read ``data`` in (:func:`json.detect_encoding`), at
    once for the usual UTF-8 text: two first bytes that are ASCII and not NUL are no BOM
    and no UTF-16/32 pattern."""
    head = data[:2]
    if head and head.isascii() and 0 not in head:
        return "utf-8"
    return json.detect_encoding(data)


@functools.lru_cache(maxsize=16)
def _decoder(max_digits: int, strict: bool) -> json.JSONDecoder:
    """A JSON decoder whose number hooks refuse numbers longer than ``max_digits`` characters
    (sign excluded) and, when ``strict``, NaN, ±Infinity and floats that overflow. A hook is
    one Python call per number (measured: about 10 % on a demo frame), far cheaper than
    scanning the text for long digit runs first."""

    def parse_int(s: str) -> int:
        if len(s) > max_digits and len(s) - (s[0] == "-") > max_digits:
            raise FrameError(f"number with more than {max_digits} digits")
        return int(s)

    def parse_float(s: str) -> float:
        if len(s) > max_digits and len(s) - (s[0] == "-") > max_digits:
            raise FrameError(f"number with more than {max_digits} digits")
        v = float(s)
        if strict and not math.isfinite(v):
            raise FrameError(f"number {s[:20]}… too large for a float")
        return v

    if strict:
        return json.JSONDecoder(
            parse_int=parse_int, parse_float=parse_float, parse_constant=_refuse_constant
        )
    return json.JSONDecoder(parse_int=parse_int, parse_float=parse_float)


def json_safe(value: Any, *, max_depth: int = MAX_DEPTH) -> Any:
    """A copy of ``value`` that :func:`dumps` can always write: non-finite floats and
    integers too long to print become null, text with lone surrogates gets U+FFFD in their
    place, keys become text, tuples lists, other objects their ``str``, and anything nested
    deeper than ``max_depth`` null. For free-form detail (a backend's raw message), never for
    wire frames, which are refused instead."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if value.bit_length() < 14_000 else None
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        if _utf8_ok(value):
            return value
        return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in value)
    if max_depth <= 0:
        return None
    if isinstance(value, Mapping):
        return {json_safe(str(k)): json_safe(v, max_depth=max_depth - 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v, max_depth=max_depth - 1) for v in value]
    return json_safe(str(value))


_SCALARS = frozenset((str, int, float, bool, type(None)))


def copy_json(v: Any) -> Any:
    """A deep copy of a JSON value (dicts and lists; scalars are immutable)."""
    # scalars (most of a frame) are kept without a call each: 35 % faster on demo frames
    if isinstance(v, dict):
        return {k: x if type(x) in _SCALARS else copy_json(x) for k, x in v.items()}
    if isinstance(v, list):
        return [x if type(x) in _SCALARS else copy_json(x) for x in v]
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
_PERSON_KNOWN = frozenset(PERSON_KEYS)
_OBJECT_KNOWN = frozenset(OBJECT_KEYS)
_FRAME_KNOWN = frozenset(FRAME_KEYS)

_DIST_RE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(m|cm|mm)?\s*(\+)?\s*$", re.IGNORECASE)
_UNIT = {"m": 1.0, "cm": 0.01, "mm": 0.001}


def parse_distance(value: Any) -> Distance:
    """Parse a wire distance. Free text never fails: it becomes an unknown distance."""
    if value is None:
        return UNKNOWN_DISTANCE
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise FrameError(f"distancia: text longer than {MAX_TEXT} characters")
        return _distance_text(value)
    if isinstance(value, bool):
        raise FrameError(f"distancia: expected text or number, got {value!r}")
    if isinstance(value, int | float):
        if not finite(value) or value < 0:
            raise FrameError(f"distancia: not a distance: {value!r}")
        return Distance(f"{value}m", float(value))
    raise FrameError(f"distancia: expected text or number, got {type(value).__name__}")


@functools.lru_cache(maxsize=1024)
def _distance_text(value: str) -> Distance:
    """A distance written as text. Cached: a detector says the same few distances ("2.5m",
    "3.0m+") frame after frame, and a Distance is immutable, so one can serve them all."""
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
    if not v.isascii() and not _utf8_ok(v):
        raise FrameError(f"{where}.{key}: text with a lone surrogate")
    return v


def _opt_text(obj: Mapping[str, Any], key: str, where: str) -> str | None:
    v = obj.get(key)
    if v is None:
        return None
    if isinstance(v, str):  # the usual case, first: the number test below is slower
        return _text(obj, key, "", where)
    if isinstance(v, int | float) and not isinstance(v, bool):
        if not finite(v):
            raise FrameError(f"{where}.{key}: not a finite number")
        return str(v)
    return _text(obj, key, "", where)  # raises: not text


_NUMERIC_TEXT = re.compile(r"\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*", re.ASCII)


def _number(
    obj: Mapping[str, Any], key: str, where: str, tally: list[int] | None = None
) -> float | None:
    """A number field. With ``tally``, numeric text (``"0.9"``) is read as the number
    JavaScript compares it as, and counted in ``tally[0]``; other text is an error."""
    v = obj.get(key)
    if type(v) is float and -MAX_ABS_NUMBER <= v <= MAX_ABS_NUMBER:  # False for NaN
        return v  # the usual case, checked inline
    if v is None:
        return None
    if isinstance(v, str) and tally is not None:
        if len(v) <= MAX_TEXT and _NUMERIC_TEXT.fullmatch(v):
            v = float(v)
            tally[0] += 1
        else:
            raise FrameError(f"{where}.{key}: expected a number, got text {v!r:.40}")
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise FrameError(f"{where}.{key}: expected a number, got {type(v).__name__}")
    if not finite(v):
        raise FrameError(f"{where}.{key}: not a finite number")
    return float(v)


def _check_extra(value: Any, where: str, depth: int = 0) -> None:
    """Unknown fields must be what JSON carries and a recording reads back: finite numbers,
    integers of at most MAX_NUMBER_DIGITS digits (64-bit ids pass: never converted), UTF-8
    text, bounded nesting."""
    if depth > MAX_EXTRA_DEPTH:
        raise FrameError(f"{where}: nested deeper than {MAX_EXTRA_DEPTH} levels")
    if isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str) or not _utf8_ok(k):
                raise FrameError(f"{where}: a key that is not UTF-8 text")
            _check_extra(v, f"{where}.{k:.40}", depth + 1)
    elif isinstance(value, list):
        if len(value) > 10_000:
            raise FrameError(f"{where}: list longer than 10000 items")
        for v in value:
            _check_extra(v, where, depth + 1)
    elif isinstance(value, str):
        if not _utf8_ok(value):
            raise FrameError(f"{where}: text with a lone surrogate")
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not _number_ok(value):
            raise FrameError(f"{where}: not a finite number JSON can carry")
    elif value is not None and not isinstance(value, bool):
        raise FrameError(f"{where}: {type(value).__name__} is not a JSON value")


def _extra(obj: Mapping[str, Any], known: frozenset[str], where: str) -> dict[str, Any]:
    if known.issuperset(obj):
        return {}  # the usual case: nothing unknown
    extra = {k: v for k, v in obj.items() if k not in known}
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


_BLENDSHAPE_KNOWN = frozenset(("name", "categoryName", "score"))


def _blendshapes(value: Any, where: str, tally: list[int] | None) -> tuple[Blendshape, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise FrameError(f"{where}.blendshapes: expected a list, got {type(value).__name__}")
    if len(value) > MAX_BLENDSHAPES:
        raise FrameError(f"{where}.blendshapes: {len(value)} items, more than {MAX_BLENDSHAPES}")
    out = []
    for i, b in enumerate(value):
        if type(b) is dict and len(b) == 2:  # the usual {"name", "score"}: checked inline
            name, score = b.get("name"), b.get("score")
            if (
                type(name) is str
                and 0 < len(name) <= MAX_TEXT
                and name.isascii()
                and type(score) is float
                and -MAX_ABS_NUMBER <= score <= MAX_ABS_NUMBER  # False for NaN
            ):
                out.append(Blendshape(name, score))
                continue
        w = f"{where}.blendshapes[{i}]"
        if not isinstance(b, dict):
            raise FrameError(f"{w}: expected an object, got {type(b).__name__}")
        name = _text(b, "name", "", w)
        category = _text(b, "categoryName", "", w)
        score = _number(b, "score", w, tally)
        if not (name or category) or score is None:
            raise FrameError(f"{w}: needs a name and a score")
        if len(b) > 2:
            _extra(b, _BLENDSHAPE_KNOWN, w)
        name = name or category
        out.append(Blendshape(name, score))
    return tuple(out)


def decode_person(p: Any, where: str = "personas[0]", tally: list[int] | None = None) -> Person:
    """Decode one ``personas`` entry. With ``tally``, numeric text in ``confianza`` and
    blendshape ``score`` is read as a number and counted in ``tally[0]``."""
    if not isinstance(p, dict):
        raise FrameError(f"{where}: expected an object, got {type(p).__name__}")
    return Person(
        position=_text(p, "posicion", "desconocido", where),
        distance=parse_distance(p.get("distancia")),
        expression=_text(p, "expresion", "no_detectada", where),
        gesture=_text(p, "gesto", "ninguno", where),
        confidence=_number(p, "confianza", where, tally),
        id=_opt_text(p, "id", where),
        blendshapes=_blendshapes(p.get("blendshapes"), where, tally),
        extra=_extra(p, _PERSON_KNOWN, where),
    )


def decode_object(
    o: Any, where: str = "objetos[0]", tally: list[int] | None = None
) -> DetectedObject:
    """Decode one ``objetos`` entry (``tally``: as :func:`decode_person`)."""
    if not isinstance(o, dict):
        raise FrameError(f"{where}: expected an object, got {type(o).__name__}")
    return DetectedObject(
        kind=_text(o, "tipo", "desconocido", where),
        movement=_text(o, "movimiento", "estatico", where),
        direction=_text(o, "direccion", "frente", where),
        speed=_opt_text(o, "velocidad", where),
        distance=parse_distance(o.get("distancia")),
        confidence=_number(o, "confianza", where, tally),
        id=_opt_text(o, "id", where),
        extra=_extra(o, _OBJECT_KNOWN, where),
    )


def decode_frame(obj: Any, *, device_id: str, arrival_ms: float, owned: bool = False) -> Frame:
    """Decode a parsed ``sensor-data`` payload. Raises :class:`FrameError` if malformed.

    The payload is kept for forwarding; it is copied unless ``owned`` says the caller hands
    it over (a dict fresh from ``json.loads`` that nobody else holds). A value JSON cannot
    carry (NaN, ±Infinity, a lone surrogate, an integer of more than MAX_NUMBER_DIGITS digits)
    is refused wherever it is, unknown fields included. Numeric text in ``confianza`` and a
    blendshape's ``score`` (``"0.9"``) is read as a number, as JavaScript compares it, and
    counted in :attr:`Frame.coerced`; other text there is an error.
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
    tally = [0]
    people = tuple(
        decode_person(p, f"personas[{i}]", tally) for i, p in enumerate(_list(obj, "personas"))
    )
    objects = tuple(
        decode_object(o, f"objetos[{i}]", tally) for i, o in enumerate(_list(obj, "objetos"))
    )
    return Frame(
        device_id=device_id,
        arrival_ms=arrival_ms,
        timestamp_ms=timestamp,
        camera_active=cam,
        people=people,
        objects=objects,
        extra=_extra(obj, _FRAME_KNOWN, "frame"),
        coerced=tally[0],
        wire=obj if owned else copy_json(obj),
    )


def loads(data: str | bytes) -> Any:
    """A wire message or device line: :func:`loads_bounded` with a size cap of
    MAX_FRAME_BYTES and lenient numbers (NaN, ±inf and integers up to 4,300 digits come back
    as Python reads them, for a line parser that judges each field; :func:`decode_frame`
    refuses them in a frame). Raises :class:`FrameError` only."""
    if len(data) > MAX_FRAME_BYTES:
        raise FrameError(f"message of {len(data)} bytes, more than {MAX_FRAME_BYTES}")
    return loads_bounded(data, max_number_digits=4300, strict_numbers=False)


def loads_strict(data: str | bytes, *, max_bytes: int = MAX_FRAME_BYTES) -> Any:
    """A record of a file of ours (a recording line, a settings document): size cap, then
    :func:`loads_bounded` with its defaults (no NaN or ±Infinity, numbers of at most
    MAX_NUMBER_DIGITS digits, nesting at most MAX_DEPTH). Raises :class:`FrameError` only."""
    if len(data) > max_bytes:
        raise FrameError(f"{len(data)} bytes, more than {max_bytes}")
    return loads_bounded(data)


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


def encode_object(
    o: DetectedObject, *, count: int | None = None, original_kind: str | None = None
) -> dict[str, Any]:
    d: dict[str, Any] = {"tipo": o.kind, "movimiento": o.movement, "direccion": o.direction}
    if o.speed is not None:
        d["velocidad"] = o.speed
    d["distancia"] = o.distance.raw
    if o.confidence is not None:
        d["confianza"] = o.confidence
    if o.id is not None:
        d["id"] = o.id
    d.update(o.extra)
    if original_kind is not None:
        d["tipoOriginal"] = original_kind
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
        "objetos": [
            encode_object(g.obj, count=g.count, original_kind=g.original_kind) for g in s.objects
        ],
        "totalDatos": s.total_frames,
    }


def decode_summary(obj: Any) -> Summary:
    """Parse a ``dataUsed`` object (as sent by the Socket.IO backend or stored in recordings).

    ``tipoOriginal`` is optional (recordings made before it was kept have none)."""
    if not isinstance(obj, dict):
        raise FrameError(f"dataUsed: expected an object, got {type(obj).__name__}")
    people = []
    for i, p in enumerate(_list(obj, "personas")):
        person = decode_person(p, f"dataUsed.personas[{i}]", [0])
        count = person.extra.get("count", 1)
        extra = {k: v for k, v in person.extra.items() if k != "count"}
        people.append(PersonGroup(_replace_extra(person, extra), _count(count)))
    objects = []
    for i, o in enumerate(_list(obj, "objetos")):
        ob = decode_object(o, f"dataUsed.objetos[{i}]", [0])
        count = ob.extra.get("count", 1)
        original = ob.extra.get("tipoOriginal")
        if original is not None and (not isinstance(original, str) or len(original) > MAX_TEXT):
            raise FrameError(f"dataUsed.objetos[{i}].tipoOriginal: expected text")
        extra = {k: v for k, v in ob.extra.items() if k not in ("count", "tipoOriginal")}
        objects.append(ObjectGroup(_replace_extra(ob, extra), _count(count), original))
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


# --- envelopes: the two backends' messages around frames and descriptions ------------------


def sensor_data_apigw(payload: Mapping[str, Any]) -> dict[str, Any]:
    """A frame payload as one API Gateway message (PROTOCOL §6: fields at top level)."""
    return {"action": "sensor-data", **payload}


def unwrap_apigw_frame(body: Mapping[str, Any]) -> dict[str, Any]:
    """The frame of an API Gateway ``sensor-data`` message, flat or wrapped in ``data``.
    Raises :class:`FrameError` when it has neither ``personas`` nor ``objetos`` (a problem to
    count and show, never a silent empty frame)."""
    data = body.get("data")
    flat = "personas" in body or "objetos" in body
    frame = (
        dict(data)
        if isinstance(data, Mapping) and not flat
        else {k: v for k, v in body.items() if k != "action"}
    )
    if "personas" not in frame and "objetos" not in frame:
        raise FrameError("sensor-data without personas or objetos")
    return frame


def ai_description_socketio(
    text: str, *, timestamp_ms: float, summary: Summary | None, fallback: bool
) -> dict[str, Any]:
    """The Socket.IO backend's ``ai-description`` payload (PROTOCOL §2)."""
    out: dict[str, Any] = {"description": text, "timestamp": int(timestamp_ms)}
    if summary is not None:
        out["dataUsed"] = encode_summary(summary)
    out["fallback"] = fallback
    return out


def ai_description_apigw(
    text: str, *, timestamp_ms: float, summary: Summary | None, fallback: bool
) -> dict[str, Any]:
    """The API Gateway backend's message: the seed's ``{"type", "data"}`` plus ``fallback``,
    ``timestamp`` and ``dataUsed`` (harmless to the seed's clients)."""
    out: dict[str, Any] = {"type": "ai-description", "data": text, "fallback": fallback}
    out["timestamp"] = int(timestamp_ms)
    if summary is not None:
        out["dataUsed"] = encode_summary(summary)
    return out
