"""The backend's analysis, in-process: windowing, summary, relevance and the fallback rules.

PROTOCOL.md §3 and §4. Pure functions and small state machines; time is always passed in
(epoch milliseconds on the session clock), so results are deterministic under test and
identical between a live run and any-speed replay of its recording.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from operator import attrgetter

from intelivision_desktop.core.model import (
    Blendshape,
    DetectedObject,
    Frame,
    ObjectGroup,
    Person,
    PersonGroup,
    Summary,
    Window,
)

DEFAULT_WINDOW_MS = 2000
DEFAULT_MAX_SIZE = 50
RELEVANCE_MEMORY_MS = 60_000
"""The last described summary is forgotten after this long."""


@dataclass(frozen=True, slots=True)
class AnalysisConfig:
    """Aggregation settings, named as the backend's environment variables."""

    window_ms: int = DEFAULT_WINDOW_MS
    """``AGGREGATION_WINDOW_MS``."""
    max_size: int = DEFAULT_MAX_SIZE
    """``MAX_AGGREGATION_SIZE``."""

    def __post_init__(self) -> None:
        if self.window_ms <= 0:
            raise ValueError(f"AGGREGATION_WINDOW_MS must be positive, got {self.window_ms}")
        if self.max_size <= 0:
            raise ValueError(f"MAX_AGGREGATION_SIZE must be positive, got {self.max_size}")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> AnalysisConfig:
        """Read ``AGGREGATION_WINDOW_MS`` and ``MAX_AGGREGATION_SIZE`` (ValueError if bad)."""
        env = os.environ if env is None else env
        try:
            window = int(env.get("AGGREGATION_WINDOW_MS", DEFAULT_WINDOW_MS))
            size = int(env.get("MAX_AGGREGATION_SIZE", DEFAULT_MAX_SIZE))
        except ValueError as exc:
            raise ValueError(f"bad aggregation setting: {exc}") from None
        return cls(window, size)


# --- windowing ----------------------------------------------------------------------------


class Aggregator:
    """One device's frame buffer, closed into windows as the backend does (§3 steps 1–2).

    Windows on arrival time (``frame.arrival_ms``), never on the device's clock.
    """

    __slots__ = ("_buffer", "config", "device_id", "last_processed_ms")

    def __init__(self, device_id: str, config: AnalysisConfig | None = None) -> None:
        self.device_id = device_id
        self.config = config or AnalysisConfig()
        self._buffer: list[Frame] = []
        self.last_processed_ms: float = 0.0

    @property
    def pending(self) -> int:
        return len(self._buffer)

    @property
    def frames(self) -> tuple[Frame, ...]:
        """The frames of the open window, oldest first."""
        return tuple(self._buffer)

    def restore(self, frames: Sequence[Frame], last_processed_ms: float) -> None:
        """Put back an open window and the time of the last one closed (exported state)."""
        self._buffer = list(frames)[-self.config.max_size :]
        self.last_processed_ms = last_processed_ms

    def push(self, frame: Frame, now_ms: float | None = None) -> Window | None:
        """Add a frame; return the window it closes, if any."""
        now = frame.arrival_ms if now_ms is None else now_ms
        cfg = self.config
        buf = self._buffer
        buf.append(frame)
        if len(buf) > cfg.max_size:
            del buf[: len(buf) - cfg.max_size]
        cutoff = now - cfg.window_ms
        if any(f.arrival_ms < cutoff for f in buf):
            buf[:] = [f for f in buf if f.arrival_ms >= cutoff]
        if buf and now - self.last_processed_ms >= cfg.window_ms:
            self.last_processed_ms = now
            window = Window(self.device_id, tuple(buf), now)
            buf.clear()
            return window
        return None


# --- summary ------------------------------------------------------------------------------

SPANISH_KIND = {
    "car": "coche",
    "bicycle": "bicicleta",
    "motorcycle": "moto",
    "bus": "autobús",
    "truck": "camión",
    "dog": "perro",
    "cat": "gato",
    "person": "persona",
    "chair": "silla",
    "table": "mesa",
    "cup": "taza",
    "bottle": "botella",
    "book": "libro",
    "phone": "teléfono",
    "laptop": "portátil",
    "tv": "televisión",
    "couch": "sofá",
    "sofa": "sofá",
    "bed": "cama",
    "door": "puerta",
    "plant": "planta",
    "bag": "bolsa",
    "backpack": "mochila",
    "computer": "computadora",
    "pc": "PC",
    "screen": "pantalla",
    "keyboard": "teclado",
    "mouse": "ratón",
    "window": "ventana",
    "wall": "pared",
}


def spanish_kind(kind: str) -> str:
    """COCO class name → Spanish (§3); unknown names pass through."""
    return SPANISH_KIND.get(kind, kind)


_score = attrgetter("score")


def blendshape_key(blendshapes: Iterable[Blendshape]) -> str:
    """Top three blendshapes with score > 0.3, highest first, as ``name:pct`` joined by ``|``."""
    # sorted() is stable with reverse=True too: equal scores keep their order
    top = sorted((b for b in blendshapes if b.score > 0.3), key=_score, reverse=True)[:3]
    if not top:
        return "none"
    return "|".join(f"{b.name}:{_js_round(b.score * 100)}" for b in top)


def _js_round(x: float) -> int:
    """JavaScript's Math.round (half up), not Python's banker's rounding."""
    return math.floor(x + 0.5)


def merge_blendshapes(
    running: Sequence[Blendshape], new: Iterable[Blendshape]
) -> tuple[Blendshape, ...]:
    """Backend merge: a name already present becomes ``(running + new) / 2``; new names added."""
    merged = {b.name: b.score for b in running}
    _merge_scores(merged, new)
    return tuple(Blendshape(n, s) for n, s in merged.items())


def _merge_scores(scores: dict[str, float], new: Iterable[Blendshape]) -> None:
    """:func:`merge_blendshapes` into a running ``name → score`` dict, in place."""
    for b in new:
        scores[b.name] = (scores[b.name] + b.score) / 2 if b.name in scores else b.score


class _PersonAcc:
    """A person group being gathered. Its merged blendshapes are kept as scores by name
    (the same values and order as merge_blendshapes, person after person), so no
    Blendshape is built until the group is complete."""

    __slots__ = ("count", "first", "scores")

    def __init__(self, first: Person) -> None:
        self.first = first
        self.count = 1
        self.scores: dict[str, float] | None = None
        """None while the group has one person (its blendshapes as they came)."""

    def add(self, p: Person) -> None:
        self.count += 1
        if self.scores is None:
            self.scores = {b.name: b.score for b in self.first.blendshapes}
        _merge_scores(self.scores, p.blendshapes)

    def person(self) -> Person:
        """The group's person: the first one, with the merged blendshapes."""
        if self.scores is None:
            return self.first
        merged = tuple(Blendshape(n, s) for n, s in self.scores.items())
        return replace(self.first, blendshapes=merged)


class _ObjectAcc:
    __slots__ = ("count", "first", "original_kind")

    def __init__(self, first: DetectedObject, original_kind: str) -> None:
        self.first = first
        self.original_kind = original_kind
        self.count = 1


def summarize(frames: Sequence[Frame]) -> Summary:
    """The window summary (``dataUsed``), §3. Each object group keeps its first object's
    kind as received (``tipoOriginal``)."""
    people: dict[tuple[str, str, str, str], _PersonAcc] = {}
    objects: dict[tuple[str, str, str], _ObjectAcc] = {}
    for frame in frames:
        for p in frame.people:
            key = (p.position, p.expression, p.gesture, blendshape_key(p.blendshapes))
            acc = people.get(key)
            if acc is None:
                people[key] = _PersonAcc(p)
            else:
                acc.add(p)
        for o in frame.objects:
            kind = spanish_kind(o.kind)
            okey = (kind, o.movement, o.direction)
            oacc = objects.get(okey)
            if oacc is None:
                objects[okey] = _ObjectAcc(replace(o, kind=kind) if kind != o.kind else o, o.kind)
            else:
                oacc.count += 1
    # sorted() is stable: equal counts keep first-seen order, as the backend's sort does.
    pgroups = sorted(
        (PersonGroup(a.person(), a.count) for a in people.values()), key=lambda g: -g.count
    )
    ogroups = sorted(
        (ObjectGroup(a.first, a.count, a.original_kind) for a in objects.values()),
        key=lambda g: -g.count,
    )
    return Summary(tuple(pgroups), tuple(ogroups), len(frames))


# --- relevance ----------------------------------------------------------------------------

NOT_RELEVANT_MARKERS = (
    "[información no relevante]",
    "[no relevante]",
    "sin cambios",
    "situación repetitiva",
)


def is_not_relevant_answer(text: str | None) -> bool:
    """An AI answer meaning "nothing new": empty, ``""``, or one of the backend's markers."""
    if text is None:
        return True
    t = text.strip()
    if t in ("", '""', "''", "“”"):
        return True
    low = t.lower()
    return any(m in low for m in NOT_RELEVANT_MARKERS)


def _first_by(items: Iterable[tuple[str, object]], key: str) -> object | None:
    for k, v in items:
        if k == key:
            return v
    return None


def is_relevant(summary: Summary, previous: Summary | None) -> bool:
    """The backend's relevance rule (§3), against the last summary that was described."""
    if summary.empty:
        return False
    if previous is None:
        return True
    if len(summary.people) != len(previous.people):
        return True
    prev_people = [(g.person.position, g.person) for g in previous.people]
    for g in summary.people:
        p = g.person
        before = _first_by(prev_people, p.position)
        if not isinstance(before, Person):
            return True
        if (
            p.expression != before.expression
            or p.gesture != before.gesture
            or p.distance.raw != before.distance.raw
        ):
            return True
    prev_objects = [(g.obj.kind, g.obj) for g in previous.objects]
    for og in summary.objects:
        o = og.obj
        if o.movement in ("se_acerca", "cruzando"):
            return True
        ob = _first_by(prev_objects, o.kind)
        if not isinstance(ob, DetectedObject):
            return True
        if o.movement != ob.movement or o.direction != ob.direction:
            return True
    return len(summary.objects) > len(previous.objects)


class RelevanceFilter:
    """Per-device memory of the last described summary, forgotten after 60 s."""

    __slots__ = ("_last", "_last_ms", "memory_ms")

    def __init__(self, memory_ms: float = RELEVANCE_MEMORY_MS) -> None:
        self.memory_ms = memory_ms
        self._last: Summary | None = None
        self._last_ms = 0.0

    def previous(self, now_ms: float) -> Summary | None:
        if self._last is not None and now_ms - self._last_ms > self.memory_ms:
            self._last = None
        return self._last

    def judge(self, summary: Summary, now_ms: float) -> bool:
        return is_relevant(summary, self.previous(now_ms))

    def described(self, summary: Summary, now_ms: float) -> None:
        """Remember a summary that produced a description."""
        self._last = summary
        self._last_ms = now_ms

    @property
    def last(self) -> tuple[Summary, float] | None:
        """The last described summary and when, if any (not yet forgotten by a judgement)."""
        return None if self._last is None else (self._last, self._last_ms)

    def restore(self, summary: Summary, at_ms: float) -> None:
        """Put back what was last said (exported state)."""
        self._last = summary
        self._last_ms = at_ms


# --- fallback rules -----------------------------------------------------------------------

MICRO_PATTERNS: tuple[tuple[frozenset[str], str], ...] = (
    (
        frozenset({"mouthSmile_L", "mouthSmile_R", "cheekSquint_L", "cheekSquint_R"}),
        "sonriendo genuinamente",
    ),
    (
        frozenset({"browInnerUp", "browOuterUp_L", "browOuterUp_R", "eyeWide_L", "eyeWide_R"}),
        "asombrada ojos abiertos",
    ),
    (
        frozenset({"mouthFrown_L", "mouthFrown_R", "browDown_L", "browDown_R"}),
        "triste cejas bajas",
    ),
    (
        frozenset({"browDown_L", "browDown_R", "noseSneer_L", "noseSneer_R"}),
        "molesta cejas fruncidas",
    ),
    (
        frozenset({"eyeSquint_L", "eyeSquint_R", "browDown_L", "browDown_R"}),
        "concentrada mirando",
    ),
)

SINGLE_BLENDSHAPE = {
    "mouthSmile_L": "sonriendo ligeramente",
    "mouthSmile_R": "sonriendo ligeramente",
    "browInnerUp": "cejas levantadas",
    "browOuterUp_L": "ceja izquierda levantada",
    "browOuterUp_R": "ceja derecha levantada",
    "eyeWide_L": "ojo izquierdo abierto",
    "eyeWide_R": "ojo derecho abierto",
    "mouthOpen": "boca abierta",
    "eyeBlink_L": "parpadeando",
    "eyeBlink_R": "parpadeando",
}

GESTURE_PHRASE = {
    "mano_levantada": "Pidiendo atención",
    "brazo_extendido": "Señalando dirección",
    "brazos_abajo": "Relajada",
}

EMOTION_PHRASE = {
    "feliz": "Persona alegre",
    "triste": "Alguien triste",
    "sorprendido": "Persona asombrada",
    "enojado": "Persona molesta",
    "neutral": "Persona calmada",
}


def micro_expression(blendshapes: Sequence[Blendshape]) -> str | None:
    """The micro-expression phrase for a person's blendshapes (score > 0.4), §4."""
    strong = [b for b in blendshapes if b.score > 0.4]
    if not strong:
        return None
    names = {b.name for b in strong}
    best_phrase, best_n = None, 0
    for pattern, phrase in MICRO_PATTERNS:
        n = len(pattern & names)
        if n > best_n:
            best_phrase, best_n = phrase, n
    if best_n >= 2:
        return best_phrase
    strongest = max(strong, key=lambda b: b.score)  # first of equals wins
    return SINGLE_BLENDSHAPE.get(strongest.name)


def gesture_phrase(gesture: str, expression: str) -> str:
    if gesture == "saludo":
        return "Saludo alegre" if expression == "feliz" else "Saludo"
    if gesture == "manos_arriba":
        return "Celebrando" if expression == "feliz" else "Pidiendo ayuda"
    return GESTURE_PHRASE.get(gesture, gesture)


def describe_person(p: Person) -> str:
    micro = micro_expression(p.blendshapes)
    if p.gesture and p.gesture != "ninguno":
        head = micro if micro else gesture_phrase(p.gesture, p.expression)
    else:
        head = micro if micro else EMOTION_PHRASE.get(p.expression, f"Persona {p.expression}")
    return f"{head} {p.position}"


def urgency(obj: DetectedObject) -> str:
    if obj.movement == "se_acerca":
        return "acercándose"
    if obj.movement == "rapido":
        return "rápido"
    if obj.kind in ("coche", "bicicleta"):
        return "pasando"
    return obj.movement


def describe_rules(summary: Summary) -> str | None:
    """The offline describer (§4): a Spanish phrase of at most five words, or None."""
    if summary.people:
        return describe_person(summary.people[0].person)
    for g in summary.objects:
        if g.obj.movement != "estatico":
            return f"{g.obj.kind} {urgency(g.obj)} {g.obj.direction}"
    if summary.objects:
        o = summary.objects[0].obj
        return f"{o.kind} {o.direction}"
    return None
