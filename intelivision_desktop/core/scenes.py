"""Deterministic, seeded synthetic scenes in the sensor wire format (PROTOCOL.md §1).

Pure Python: no I/O, no clock reads, no Qt. A scene is a short story told by a few *tracks*
(people and objects), each a list of phases (where it is, what it does). A track's detector
view is refreshed about once a second, as a real detector is stable from frame to frame, and
frames are sampled from the live tracks at ``hz``. The story is planned in scene time
(seconds), so changing ``hz`` changes the sampling, not the story.

``duration_s=None`` plays one episode (the scene's natural length). A longer duration plays
further episodes of the same scene, with new details, back to back; ``math.inf`` never ends.
"""

import bisect
import math
import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

__all__ = ["SCENES", "generate_scene"]

SCENES: dict[str, str] = {
    "person_waves": "A person approaches from the left, starts smiling, waves, then walks away.",
    "car_and_dog": (
        "A quiet street: a car crosses fast from right to left, a dog comes close, "
        "later a bottle lies still."
    ),
    "busy_street": (
        "Two to four passers-by with varied expressions and gestures, bicycles passing "
        "and a bus far away."
    ),
    "quiet_corridor": (
        "A chair and a door that never move; one person walks past once, half-way through."
    ),
}

_DEFAULT_START_MS = 1_767_000_000_000
_MAX_JITTER_MS = 3
_MIN_SCORE = 0.1
"""Blendshapes scoring below this are left out of a frame (keeps recordings small)."""

# The 52 face blendshapes, in MediaPipe's output order (ARKit names, `_L`/`_R` as on the wire).
_BLENDSHAPE_NAMES: tuple[str, ...] = (
    "browDown_L", "browDown_R", "browInnerUp", "browOuterUp_L", "browOuterUp_R",
    "cheekPuff", "cheekSquint_L", "cheekSquint_R", "eyeBlink_L", "eyeBlink_R",
    "eyeLookDown_L", "eyeLookDown_R", "eyeLookIn_L", "eyeLookIn_R", "eyeLookOut_L",
    "eyeLookOut_R", "eyeLookUp_L", "eyeLookUp_R", "eyeSquint_L", "eyeSquint_R",
    "eyeWide_L", "eyeWide_R", "jawForward", "jawLeft", "jawOpen", "jawRight",
    "mouthClose", "mouthDimple_L", "mouthDimple_R", "mouthFrown_L", "mouthFrown_R",
    "mouthFunnel", "mouthLeft", "mouthLowerDown_L", "mouthLowerDown_R", "mouthPress_L",
    "mouthPress_R", "mouthPucker", "mouthRight", "mouthRollLower", "mouthRollUpper",
    "mouthShrugLower", "mouthShrugUpper", "mouthSmile_L", "mouthSmile_R", "mouthStretch_L",
    "mouthStretch_R", "mouthUpperUp_L", "mouthUpperUp_R", "noseSneer_L", "noseSneer_R",
    "tongueOut",
)  # fmt: skip

type _Face = Mapping[str, float]
"""Mean blendshape scores of a facial expression; absent names are near zero."""

_NEUTRAL: _Face = {
    "eyeLookDown_L": 0.16, "eyeLookDown_R": 0.15, "eyeSquint_L": 0.12, "eyeSquint_R": 0.12,
    "mouthClose": 0.1,
}  # fmt: skip
_TALKING: _Face = {
    "jawOpen": 0.24, "mouthFunnel": 0.12, "mouthLowerDown_L": 0.14, "mouthLowerDown_R": 0.13,
    "eyeSquint_L": 0.12, "eyeSquint_R": 0.11,
}  # fmt: skip
_HALF_SMILE: _Face = {
    "mouthSmile_L": 0.34, "mouthSmile_R": 0.31, "cheekSquint_L": 0.22, "cheekSquint_R": 0.2,
    "eyeSquint_L": 0.15, "eyeSquint_R": 0.14,
}  # fmt: skip
_SLIGHT_SMILE: _Face = {
    "mouthSmile_L": 0.46, "mouthSmile_R": 0.43, "cheekSquint_L": 0.24, "cheekSquint_R": 0.22,
    "eyeSquint_L": 0.16,
}  # fmt: skip
_SMILE: _Face = {
    "cheekSquint_L": 0.57, "cheekSquint_R": 0.54, "eyeSquint_L": 0.32, "eyeSquint_R": 0.3,
    "mouthDimple_L": 0.18, "mouthDimple_R": 0.17, "mouthSmile_L": 0.74, "mouthSmile_R": 0.7,
}  # fmt: skip
_SURPRISE: _Face = {
    "browInnerUp": 0.7, "browOuterUp_L": 0.56, "browOuterUp_R": 0.54, "eyeWide_L": 0.6,
    "eyeWide_R": 0.58, "jawOpen": 0.42, "mouthFunnel": 0.14,
}  # fmt: skip
_SAD: _Face = {
    "browDown_L": 0.44, "browDown_R": 0.42, "browInnerUp": 0.36, "eyeLookDown_L": 0.3,
    "eyeLookDown_R": 0.29, "mouthFrown_L": 0.52, "mouthFrown_R": 0.49, "mouthPress_L": 0.18,
}  # fmt: skip
_ANGRY: _Face = {
    "browDown_L": 0.66, "browDown_R": 0.63, "eyeSquint_L": 0.26, "eyeSquint_R": 0.25,
    "mouthPress_L": 0.3, "mouthPress_R": 0.28, "noseSneer_L": 0.46, "noseSneer_R": 0.44,
}  # fmt: skip

_FACES_BY_EXPRESSION: dict[str, tuple[_Face, ...]] = {
    "neutral": (_NEUTRAL, _TALKING),
    "feliz": (_SMILE, _SLIGHT_SMILE),
    "sorprendido": (_SURPRISE,),
    "triste": (_SAD,),
    "enojado": (_ANGRY,),
}

# Typical detector confidence by distance; each track adds its own offset and noise.
_PERSON_CONFIDENCE: dict[str, float] = {
    "0.8m": 0.95, "1.2m": 0.93, "1.8m": 0.9, "2.1m": 0.87, "2.5m": 0.82, "3.0m+": 0.72,
}  # fmt: skip
_OBJECT_DISTANCE_PENALTY: dict[str, float] = {
    "0.5m": 0.0, "1.0m": 0.0, "1.5m": 0.02, "2.0m": 0.04, "2.5m+": 0.07, "3.0m+": 0.1,
}  # fmt: skip

_STILL = "0.0 m/s"

type _Speed = str | tuple[float, float]
"""A `velocidad`: a fixed text, or a range in m/s drawn at each detector update."""


# --------------------------------------------------------------------------- plan model


@dataclass(frozen=True, slots=True)
class _PersonPhase:
    dur: float
    posicion: str
    distancia: str
    expresion: str
    gesto: str = "ninguno"
    face: _Face | None = None
    """Blendshape means at the start of the phase (None: no face seen, an empty list)."""
    face_to: _Face | None = None
    """Blendshape means at the end of the phase, when the face changes gradually."""


@dataclass(frozen=True, slots=True)
class _ObjectPhase:
    dur: float
    movimiento: tuple[str, ...]
    """Cycled through at the phase's detector updates."""
    direccion: str
    distancia: str
    velocidad: tuple[_Speed, ...] = (_STILL,)
    """One is drawn at each detector update."""


@dataclass(slots=True)
class _Track:
    kind: str
    """`personas` or `objetos`."""
    start: float
    end: float
    times: list[float]
    """Detector update times (scene seconds), ascending; the first is `start`."""
    states: list[dict[str, Any]]
    """The wire dict reported from each update time until the next one."""

    def state_at(self, t: float) -> dict[str, Any] | None:
        if not self.start <= t < self.end:
            return None
        return self.states[bisect.bisect_right(self.times, t) - 1]


@dataclass(frozen=True, slots=True)
class _Event:
    t: float
    kind: str
    """`flicker` (one frame with nothing detected), `fps` or `bateria` (an extra field)."""
    value: int = 0


@dataclass(frozen=True, slots=True)
class _Episode:
    length: float
    tracks: list[_Track]
    events: list[_Event]


class _Ids:
    """Track ids, `persona_N` / `objeto_N`; a `key` gives the same id in every episode."""

    def __init__(self) -> None:
        self._count: dict[str, int] = {"persona": 0, "objeto": 0}
        self._stable: dict[str, str] = {}

    def new(self, prefix: str, key: str | None = None) -> str:
        if key is not None and key in self._stable:
            return self._stable[key]
        self._count[prefix] += 1
        ident = f"{prefix}_{self._count[prefix]}"
        if key is not None:
            self._stable[key] = ident
        return ident


# --------------------------------------------------------------------------- track builders


def _jit(rng: random.Random, seconds: float, spread: float = 0.15) -> float:
    """`seconds`, give or take `spread` (a fraction)."""
    return seconds * rng.uniform(1.0 - spread, 1.0 + spread)


def _clamp(x: float, lo: float, hi: float) -> float:
    return min(hi, max(lo, x))


def _update_times(
    rng: random.Random, t0: float, dur: float, cadence: tuple[float, float]
) -> list[float]:
    times = [t0]
    t = t0 + rng.uniform(*cadence)
    while t < t0 + dur:
        times.append(t)
        t += rng.uniform(*cadence)
    return times


def _mix(a: _Face, b: _Face, p: float) -> dict[str, float]:
    names = list(a) + [n for n in b if n not in a]
    return {n: a.get(n, 0.0) * (1.0 - p) + b.get(n, 0.0) * p for n in names}


def _scaled(face: _Face, k: float) -> dict[str, float]:
    return {n: min(0.95, v * k) for n, v in face.items()}


def _sample_face(rng: random.Random, face: _Face) -> list[dict[str, Any]]:
    means = dict(face)
    if rng.random() < 0.08:  # caught mid-blink
        means["eyeBlink_L"] = rng.uniform(0.15, 0.28)
        means["eyeBlink_R"] = means["eyeBlink_L"] - 0.01
    out: list[dict[str, Any]] = []
    for name in _BLENDSHAPE_NAMES:
        mean = means.get(name)
        if mean is None:
            continue
        score = round(_clamp(rng.gauss(mean, 0.02 + 0.05 * mean), 0.0, 1.0), 2)
        if score >= _MIN_SCORE:
            out.append({"name": name, "score": score})
    return out


def _person_track(
    rng: random.Random,
    ident: str,
    start: float,
    phases: Sequence[_PersonPhase],
    *,
    until: float = math.inf,
    cadence: tuple[float, float] = (0.7, 1.5),
) -> _Track:
    offset = rng.uniform(-0.05, 0.03)
    times: list[float] = []
    states: list[dict[str, Any]] = []
    t0 = start
    for ph in phases:
        for t in _update_times(rng, t0, ph.dur, cadence):
            conf = _PERSON_CONFIDENCE[ph.distancia] + offset + rng.gauss(0.0, 0.025)
            face: list[dict[str, Any]] = []
            if ph.face is not None:
                p = (t - t0) / ph.dur
                means = ph.face if ph.face_to is None else _mix(ph.face, ph.face_to, p)
                face = _sample_face(rng, means)
            times.append(t)
            states.append(
                {
                    "posicion": ph.posicion,
                    "distancia": ph.distancia,
                    "expresion": ph.expresion,
                    "gesto": ph.gesto,
                    "confianza": round(_clamp(conf, 0.5, 0.99), 2),
                    "id": ident,
                    "blendshapes": face,
                }
            )
        t0 += ph.dur
    return _Track("personas", start, min(t0, until), times, states)


def _speed(rng: random.Random, spec: _Speed) -> str:
    if isinstance(spec, str):
        return spec
    return f"{rng.uniform(*spec):.1f} m/s"


def _object_track(
    rng: random.Random,
    ident: str,
    tipo: str,
    start: float,
    phases: Sequence[_ObjectPhase],
    *,
    confidence: float,
    until: float = math.inf,
    cadence: tuple[float, float] = (0.7, 1.5),
) -> _Track:
    times: list[float] = []
    states: list[dict[str, Any]] = []
    t0 = start
    for ph in phases:
        for k, t in enumerate(_update_times(rng, t0, ph.dur, cadence)):
            conf = confidence - _OBJECT_DISTANCE_PENALTY[ph.distancia] + rng.gauss(0.0, 0.03)
            times.append(t)
            states.append(
                {
                    "tipo": tipo,
                    "movimiento": ph.movimiento[k % len(ph.movimiento)],
                    "direccion": ph.direccion,
                    "velocidad": _speed(rng, rng.choice(ph.velocidad)),
                    "distancia": ph.distancia,
                    "confianza": round(_clamp(conf, 0.5, 0.99), 2),
                    "id": ident,
                }
            )
        t0 += ph.dur
    return _Track("objetos", start, min(t0, until), times, states)


def _static_object(
    rng: random.Random,
    ident: str,
    tipo: str,
    start: float,
    end: float,
    direccion: str,
    distancia: str,
    *,
    confidence: float,
) -> _Track:
    phase = _ObjectPhase(end - start, ("estatico",), direccion, distancia)
    return _object_track(
        rng, ident, tipo, start, [phase], confidence=confidence, cadence=(1.0, 2.2)
    )


def _extra_events(rng: random.Random, length: float) -> list[_Event]:
    """A few frames carry fields the protocol does not list (they must be forwarded)."""
    events: list[_Event] = []
    battery = rng.randint(45, 95)
    t = rng.uniform(4.0, 12.0)
    while t < length:
        if rng.random() < 0.7:
            events.append(_Event(t, "fps"))
        else:
            events.append(_Event(t, "bateria", max(5, battery - int(t // 45))))
        t += rng.uniform(18.0, 40.0)
    return events


def _episode(length: float, tracks: list[_Track], events: list[_Event]) -> _Episode:
    tracks = sorted(tracks, key=lambda tr: tr.start)  # stable: creation order on ties
    return _Episode(length, tracks, sorted(events, key=lambda ev: ev.t))


# --------------------------------------------------------------------------- scenes


class _Scene:
    """A scene's fixed setting, drawn once; each episode draws the rest of its details."""

    def __init__(self, rng: random.Random) -> None:
        pass

    def episode(self, rng: random.Random, ids: _Ids) -> _Episode:
        raise NotImplementedError


class _PersonWaves(_Scene):
    def episode(self, rng: random.Random, ids: _Ids) -> _Episode:
        smile = _scaled(_SMILE, rng.uniform(0.95, 1.1))
        start = _jit(rng, 5.0)
        phases = [
            _PersonPhase(_jit(rng, 10.0), "izquierda", "3.0m+", "no_detectada"),
            _PersonPhase(_jit(rng, 12.0), "izquierda", "2.1m", "neutral", face=_NEUTRAL),
            _PersonPhase(_jit(rng, 10.0), "izquierda", "1.2m", "neutral", face=_NEUTRAL),
            _PersonPhase(
                _jit(rng, 6.0), "izquierda", "1.2m", "neutral", face=_NEUTRAL, face_to=_HALF_SMILE
            ),
            _PersonPhase(
                _jit(rng, 6.0), "izquierda", "1.2m", "feliz", face=_HALF_SMILE, face_to=smile
            ),
            _PersonPhase(
                rng.uniform(1.0, 1.6), "izquierda", "1.2m", "feliz", "mano_levantada", smile
            ),
            _PersonPhase(_jit(rng, 8.0), "izquierda", "1.2m", "feliz", "saludo", smile),
            _PersonPhase(
                _jit(rng, 8.0), "izquierda", "1.2m", "feliz", face=smile, face_to=_SLIGHT_SMILE
            ),
            _PersonPhase(_jit(rng, 6.0), "frente", "2.1m", "no_detectada"),
            _PersonPhase(_jit(rng, 5.0), "derecha", "3.0m+", "no_detectada"),
        ]
        person = _person_track(rng, ids.new("persona"), start, phases)
        length = _clamp(person.end + _jit(rng, 8.0), 60.0, 180.0)
        return _episode(length, [person], _extra_events(rng, length))


class _CarAndDog(_Scene):
    def episode(self, rng: random.Random, ids: _Ids) -> _Episode:
        tracks: list[_Track] = []
        car_speed: tuple[_Speed, ...] = ((7.5, 11.5), (7.5, 11.5), "rapido")
        t = _jit(rng, 9.0)
        crossing = [
            _ObjectPhase(rng.uniform(1.0, 1.5), ("cruzando",), "derecha", "3.0m+", car_speed),
            _ObjectPhase(
                rng.uniform(1.2, 1.8), ("cruzando", "rapido"), "frente", "2.5m+", car_speed
            ),
            _ObjectPhase(rng.uniform(1.0, 1.5), ("rapido",), "izquierda", "3.0m+", car_speed),
        ]
        car = _object_track(
            rng,
            ids.new("objeto"),
            "car",
            t,
            crossing,
            confidence=rng.uniform(0.85, 0.93),
            cadence=(0.5, 0.9),
        )
        tracks.append(car)

        dog_speed: tuple[_Speed, ...] = ((0.6, 1.4), (0.6, 1.4), "lento")
        side = rng.choice(("izquierda", "derecha"))
        other = "derecha" if side == "izquierda" else "izquierda"
        dog = _object_track(
            rng,
            ids.new("objeto"),
            "dog",
            car.end + _jit(rng, 10.0),
            [
                _ObjectPhase(_jit(rng, 4.0), ("se_acerca",), side, "3.0m+", dog_speed),
                _ObjectPhase(_jit(rng, 4.0), ("se_acerca",), side, "2.5m+", dog_speed),
                _ObjectPhase(_jit(rng, 3.5), ("se_acerca",), "frente", "2.0m", dog_speed),
                _ObjectPhase(_jit(rng, 3.5), ("se_acerca",), "frente", "1.5m", dog_speed),
                _ObjectPhase(_jit(rng, 3.0), ("se_acerca",), "frente", "1.0m", dog_speed),
                _ObjectPhase(_jit(rng, 8.0), ("estatico",), "frente", "1.0m"),
                _ObjectPhase(_jit(rng, 3.0), ("se_aleja",), other, "1.5m", dog_speed),
                _ObjectPhase(_jit(rng, 4.0), ("se_aleja",), other, "2.5m+", dog_speed),
            ],
            confidence=rng.uniform(0.82, 0.92),
        )
        tracks.append(dog)

        bottle_start = dog.end + _jit(rng, 10.0)
        length = _clamp(bottle_start + _jit(rng, 25.0), 60.0, 180.0)
        bottle_side = rng.choice(("izquierda", "frente"))
        tracks.append(
            _static_object(
                rng,
                ids.new("objeto"),
                "bottle",
                bottle_start,
                length,
                bottle_side,
                rng.choice(("1.0m", "1.5m")),
                confidence=rng.uniform(0.6, 0.75),
            )
        )
        # A traffic light across the street, seen (with low confidence) the whole time.
        tracks.append(
            _static_object(
                rng,
                ids.new("objeto"),
                "traffic light",
                0.0,
                length,
                other,
                "3.0m+",
                confidence=rng.uniform(0.62, 0.72),
            )
        )
        return _episode(length, tracks, _extra_events(rng, length))


def _near_expression(rng: random.Random) -> str:
    return rng.choices(
        ("neutral", "feliz", "sorprendido", "triste", "enojado"), (40, 25, 15, 10, 10)
    )[0]


def _near_gesture(rng: random.Random, expresion: str) -> str:
    if expresion == "feliz":
        return rng.choices(
            ("ninguno", "saludo", "manos_arriba", "mano_levantada", "brazos_abajo"),
            (50, 20, 10, 10, 10),
        )[0]
    return rng.choices(
        ("ninguno", "mano_levantada", "brazo_extendido", "brazos_abajo", "manos_arriba"),
        (55, 12, 13, 15, 5),
    )[0]


def _near_phase(
    rng: random.Random, posicion: str, distancia: str, expresion: str | None = None
) -> _PersonPhase:
    expr = expresion or _near_expression(rng)
    face = _scaled(rng.choice(_FACES_BY_EXPRESSION[expr]), rng.uniform(0.9, 1.1))
    return _PersonPhase(1.0, posicion, distancia, expr, _near_gesture(rng, expr), face)


def _far_phase(rng: random.Random, posicion: str) -> _PersonPhase:
    gesto = "posicion_detectada" if rng.random() < 0.25 else "ninguno"
    if rng.random() < 0.75:
        return _PersonPhase(1.0, posicion, "3.0m+", "no_detectada", gesto)
    return _PersonPhase(1.0, posicion, "3.0m+", "neutral", gesto, _scaled(_NEUTRAL, 0.9))


_BRIEF_GESTURES = ("saludo", "manos_arriba", "mano_levantada", "brazo_extendido")
"""Gestures held for a few seconds only, not for a whole phase."""


def _with_durations(
    rng: random.Random, phases: list[_PersonPhase], total: float
) -> list[_PersonPhase]:
    """Share `total` seconds among `phases`; brief gestures get a few seconds mid-phase."""
    weights = [rng.uniform(0.7, 1.3) for _ in phases]
    scale = total / sum(weights)
    out: list[_PersonPhase] = []
    for w, p in zip(weights, phases, strict=True):
        dur = w * scale
        if p.gesto not in _BRIEF_GESTURES or dur <= 6.0:
            out.append(replace(p, dur=dur))
            continue
        held = rng.uniform(3.0, 6.0)
        lead = (dur - held) * rng.uniform(0.2, 0.5)
        out.append(replace(p, dur=lead, gesto="ninguno"))
        out.append(replace(p, dur=held))
        out.append(replace(p, dur=dur - held - lead, gesto="ninguno"))
    return out


_SIDES = ("izquierda", "frente", "derecha")


def _passer_by(rng: random.Random, surprised: bool) -> list[_PersonPhase]:
    """Someone crossing the view from one side to the other."""
    side = rng.choice(("izquierda", "derecha"))
    other = "derecha" if side == "izquierda" else "izquierda"
    expr = "sorprendido" if surprised else None
    return [
        _far_phase(rng, side),
        _near_phase(rng, "frente", rng.choice(("2.1m", "2.5m")), expr),
        _far_phase(rng, other),
    ]


def _approacher(rng: random.Random, surprised: bool) -> list[_PersonPhase]:
    """Someone walking up to the camera, stopping a moment, and walking off."""
    pos = rng.choice(_SIDES)
    near = rng.choice(("1.2m", "1.8m", "0.8m", "1.2m"))
    phases = [
        _far_phase(rng, pos),
        _near_phase(rng, pos, "2.1m"),
        _near_phase(rng, pos, near, "sorprendido" if surprised else None),
    ]
    if rng.random() < 0.5:
        phases.append(_near_phase(rng, pos, near))
    leave = rng.choice([s for s in _SIDES if s != pos])
    phases.append(_PersonPhase(1.0, leave, "2.5m", "no_detectada"))
    return phases


def _stander(rng: random.Random, surprised: bool) -> list[_PersonPhase]:
    """Someone standing still (waiting, talking) whose expression changes now and then."""
    pos = rng.choice(_SIDES)
    dist = rng.choice(("1.8m", "2.1m", "2.5m"))
    first = _near_phase(rng, pos, dist, "neutral")
    second = _near_phase(rng, pos, dist, "sorprendido" if surprised else None)
    phases = [first, second]
    if rng.random() < 0.6:
        phases.append(_near_phase(rng, pos, dist))
    return phases


class _BusyStreet(_Scene):
    def episode(self, rng: random.Random, ids: _Ids) -> _Episode:
        length = _clamp(_jit(rng, 110.0), 90.0, 170.0)
        tracks: list[_Track] = []

        # People: 2 to 4 at a time; when one leaves and fewer than two remain, another arrives.
        ends: list[float] = []
        spawned = 0

        def spawn(t: float) -> None:
            nonlocal spawned
            life = min(rng.uniform(18.0, 45.0), length - t)
            kind = rng.choice((_passer_by, _approacher, _stander))
            surprised = spawned == 1  # somebody is always surprised early on
            if surprised and kind is _passer_by:
                kind = _stander
            phases = _with_durations(rng, kind(rng, surprised), life)
            tracks.append(_person_track(rng, ids.new("persona"), t, phases, until=length))
            ends.append(t + life)
            spawned += 1

        spawn(0.0)
        spawn(rng.uniform(0.2, 1.5))
        if rng.random() < 0.5:
            spawn(rng.uniform(1.5, 4.0))
        for second in range(1, math.ceil(length)):
            now = float(second)
            for end in sorted(e for e in ends if now - 1.0 < e <= now):
                ends.remove(end)
                if len(ends) < 2 and end < length - 5.0:
                    spawn(end)
            if len(ends) < 4 and now < length - 8.0 and rng.random() < 0.06:
                spawn(now + rng.uniform(0.0, 0.9))

        # A bus far away: arrives at a stop, waits, drives off.
        bus_side = rng.choice(("derecha", "frente"))
        bus_speed: tuple[_Speed, ...] = ((2.0, 5.0),)
        tracks.append(
            _object_track(
                rng,
                ids.new("objeto"),
                "bus",
                rng.uniform(2.0, 10.0),
                [
                    _ObjectPhase(_jit(rng, 5.0), ("se_acerca",), bus_side, "3.0m+", ("lento",)),
                    _ObjectPhase(_jit(rng, 25.0), ("estatico",), bus_side, "3.0m+"),
                    _ObjectPhase(_jit(rng, 6.0), ("se_aleja",), bus_side, "3.0m+", bus_speed),
                ],
                confidence=rng.uniform(0.8, 0.9),
                until=length,
            )
        )

        # Bicycles passing every 12-25 s, either way.
        t = _jit(rng, 8.0)
        while t < length - 8.0:
            side = rng.choice(("izquierda", "derecha"))
            other = "derecha" if side == "izquierda" else "izquierda"
            approach = "se_acerca_izq" if side == "izquierda" else "se_acerca_der"
            speed: tuple[_Speed, ...] = ((3.5, 6.5),)
            phases = [
                _ObjectPhase(rng.uniform(1.0, 1.6), (approach, "cruzando"), side, "2.5m+", speed),
                _ObjectPhase(rng.uniform(1.2, 2.0), ("cruzando",), "frente", "2.0m", speed),
                _ObjectPhase(rng.uniform(1.0, 1.6), ("cruzando",), other, "2.5m+", speed),
            ]
            bike = _object_track(
                rng,
                ids.new("objeto"),
                "bicycle",
                t,
                phases,
                confidence=rng.uniform(0.75, 0.9),
                cadence=(0.5, 1.0),
                until=length,
            )
            tracks.append(bike)
            t = bike.end + rng.uniform(10.0, 22.0)

        return _episode(length, tracks, _extra_events(rng, length))


class _QuietCorridor(_Scene):
    def __init__(self, rng: random.Random) -> None:
        self.chair_side = rng.choice(("izquierda", "derecha"))
        self.chair_distance = rng.choice(("1.0m", "1.5m"))
        self.door_distance = rng.choice(("2.5m+", "3.0m+"))
        self.chair_confidence = rng.uniform(0.8, 0.9)
        self.door_confidence = rng.uniform(0.65, 0.8)

    def episode(self, rng: random.Random, ids: _Ids) -> _Episode:
        length = _clamp(_jit(rng, 150.0, 0.1), 120.0, 175.0)
        tracks = [
            _static_object(
                rng,
                ids.new("objeto", "chair"),
                "chair",
                0.0,
                length,
                self.chair_side,
                self.chair_distance,
                confidence=self.chair_confidence,
            ),
            _static_object(
                rng,
                ids.new("objeto", "door"),
                "door",
                0.0,
                length,
                "frente",
                self.door_distance,
                confidence=self.door_confidence,
            ),
        ]
        # The one event: somebody walks past, half-way through.
        side = rng.choice(("izquierda", "derecha"))
        other = "derecha" if side == "izquierda" else "izquierda"
        phases = [
            _PersonPhase(rng.uniform(1.5, 2.5), side, "2.5m", "no_detectada"),
            _PersonPhase(rng.uniform(2.0, 3.5), "frente", "1.8m", "neutral", face=_NEUTRAL),
            _PersonPhase(rng.uniform(1.5, 2.5), other, "2.5m", "no_detectada"),
        ]
        start = length * rng.uniform(0.4, 0.6)
        tracks.append(_person_track(rng, ids.new("persona"), start, phases))
        # Detector flicker: a few single frames where nothing at all is detected.
        events = [
            _Event(rng.uniform(5.0, length - 1.0), "flicker") for _ in range(rng.randint(2, 4))
        ]
        return _episode(length, tracks, events + _extra_events(rng, length))


_SCENE_TYPES: dict[str, type[_Scene]] = {
    "person_waves": _PersonWaves,
    "car_and_dog": _CarAndDog,
    "busy_street": _BusyStreet,
    "quiet_corridor": _QuietCorridor,
}
assert _SCENE_TYPES.keys() == SCENES.keys()


# --------------------------------------------------------------------------- frames


def _copy(state: dict[str, Any]) -> dict[str, Any]:
    out = dict(state)
    if "blendshapes" in out:
        out["blendshapes"] = [dict(b) for b in out["blendshapes"]]
    return out


def _fps(hz: float) -> int | float:
    return int(hz) if hz == int(hz) else round(hz, 1)


def generate_scene(
    name: str,
    *,
    seed: int = 1,
    start_ms: int = _DEFAULT_START_MS,
    duration_s: float | None = None,
    hz: float = 5.0,
) -> Iterator[dict[str, Any]]:
    """Yield the wire frames (PROTOCOL.md §1) of scene `name`, one every ``1/hz`` seconds.

    The first frame is stamped `start_ms` exactly; later ones ``start_ms + i*1000/hz`` give or
    take a few ms of jitter, strictly increasing. Same arguments, same frames. Each frame is a
    fresh dict the caller may keep or change.
    """
    if name not in _SCENE_TYPES:
        known = ", ".join(SCENES)
        raise ValueError(f"unknown scene {name!r}; known scenes: {known}")
    if isinstance(hz, bool) or not isinstance(hz, int | float) or not math.isfinite(hz) or hz <= 0:
        raise ValueError(f"hz must be a positive finite number, got {hz!r}")
    if duration_s is not None and (
        isinstance(duration_s, bool)
        or not isinstance(duration_s, int | float)
        or math.isnan(duration_s)
        or duration_s < 0
    ):
        raise ValueError(f"duration_s must be None or a number >= 0, got {duration_s!r}")
    return _frames(name, seed, int(start_ms), duration_s, float(hz))


def _frames(
    name: str, seed: int, start_ms: int, duration_s: float | None, hz: float
) -> Iterator[dict[str, Any]]:
    plan_rng = random.Random(f"intelivision-scene:{name}:{seed}:plan")
    clock_rng = random.Random(f"intelivision-scene:{name}:{seed}:clock")
    ids = _Ids()
    scene = _SCENE_TYPES[name](plan_rng)
    episode = scene.episode(plan_rng, ids)
    offset = 0.0
    next_event = 0

    total = episode.length if duration_s is None else duration_s
    count = None if math.isinf(total) else round(total * hz)
    period_ms = 1000.0 / hz
    max_jitter = min(_MAX_JITTER_MS, int(period_ms // 4))
    fps = _fps(hz)
    prev_ts = start_ms - 1
    i = 0
    while count is None or i < count:
        t = i / hz
        while t >= offset + episode.length:
            offset += episode.length
            episode = scene.episode(plan_rng, ids)
            next_event = 0
        local = t - offset

        jitter = clock_rng.randint(-max_jitter, max_jitter) if i else 0
        ts = max(prev_ts + 1, start_ms + round(i * period_ms) + jitter)
        prev_ts = ts

        frame: dict[str, Any] = {"timestamp": ts, "cameraActive": True}
        lists: dict[str, list[dict[str, Any]]] = {"personas": [], "objetos": []}
        for track in episode.tracks:
            state = track.state_at(local)
            if state is not None:
                lists[track.kind].append(_copy(state))
        extras: dict[str, Any] = {}
        while next_event < len(episode.events) and episode.events[next_event].t <= local:
            ev = episode.events[next_event]
            next_event += 1
            if ev.kind == "flicker":
                lists = {"personas": [], "objetos": []}
            elif ev.kind == "fps":
                extras["fps"] = fps
            else:
                extras[ev.kind] = ev.value
        frame.update(lists)
        frame.update(extras)
        yield frame
        i += 1
