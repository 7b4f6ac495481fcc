"""The deployed backends' documented behaviour, written here from PROTOCOL.md alone.

Nothing in this module imports the app's ``core/``: a test double built from our own
aggregator agrees with the app by construction and cannot catch a misreading of the protocol
(PITFALLS, "Test doubles built from our own code"). This is what the Node backend does with
each ``sensor-data`` frame of one client connection (PROTOCOL §3):

- a frame without ``timestamp`` is stamped with the server's clock; frames whose device
  ``timestamp`` is more than the window older than the server's clock are dropped — silently,
  which is how a replay stamped with recorded time gets nothing back;
- at most ``MAX_AGGREGATION_SIZE`` frames are kept;
- when ``now - last_processed >= window`` (``last_processed`` starts at 0, so the first frame
  is a window of its own) the buffer is summarised, judged for relevance against the last
  described summary (forgotten after 60 s), described, and emptied.

The description is a plain phrase from the most frequent group (the real backend asks an AI or
its rules; what matters to the link is when and for which frames it answers). The 5-second
state-deleting timer of the real backend is a defect and is not reproduced.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

SPANISH = {
    "car": "coche",
    "bicycle": "bicicleta",
    "motorcycle": "moto",
    "bus": "autobús",
    "truck": "camión",
    "dog": "perro",
    "cat": "gato",
    "person": "persona",
    "chair": "silla",
}
RELEVANCE_MEMORY_MS = 60_000


def _blend_key(person: dict[str, Any]) -> str:
    shapes = [
        b
        for b in person.get("blendshapes") or []
        if isinstance(b, dict) and float(b.get("score", 0)) > 0.3
    ]
    shapes.sort(key=lambda b: -float(b["score"]))
    return "|".join(f"{b['name']}:{round(float(b['score']) * 100)}" for b in shapes[:3]) or "none"


def summarise(frames: list[dict[str, Any]]) -> dict[str, Any]:
    """``dataUsed``: people and objects grouped and counted, most frequent first."""
    people: dict[tuple[Any, ...], dict[str, Any]] = {}
    objects: dict[tuple[Any, ...], dict[str, Any]] = {}
    for frame in frames:
        for p in frame.get("personas") or []:
            key = (p.get("posicion"), p.get("expresion"), p.get("gesto"), _blend_key(p))
            if key in people:
                people[key]["count"] += 1
            else:
                people[key] = {**p, "count": 1}
        for o in frame.get("objetos") or []:
            tipo = SPANISH.get(str(o.get("tipo")), o.get("tipo"))
            key = (tipo, o.get("movimiento"), o.get("direccion"))
            if key in objects:
                objects[key]["count"] += 1
            else:
                objects[key] = {**o, "tipo": tipo, "tipoOriginal": o.get("tipo"), "count": 1}
    return {
        "personas": sorted(people.values(), key=lambda g: -g["count"]),
        "objetos": sorted(objects.values(), key=lambda g: -g["count"]),
        "totalDatos": len(frames),
    }


def relevant(summary: dict[str, Any], last: dict[str, Any] | None) -> bool:
    """PROTOCOL §3's relevance rules, against the last described summary."""
    people, objects = summary["personas"], summary["objetos"]
    if not people and not objects:
        return False
    if last is None:
        return True
    if len(people) != len(last["personas"]):
        return True
    before = {p.get("posicion"): p for p in last["personas"]}
    for p in people:
        q = before.get(p.get("posicion"))
        if q is None or any(p.get(k) != q.get(k) for k in ("expresion", "gesto", "distancia")):
            return True
    seen = {o.get("tipo"): o for o in last["objetos"]}
    for o in objects:
        q = seen.get(o.get("tipo"))
        if q is None or o.get("movimiento") in ("se_acerca", "cruzando"):
            return True
        if any(o.get(k) != q.get(k) for k in ("movimiento", "direccion")):
            return True
    return len(objects) > len(last["objetos"])


def phrase(summary: dict[str, Any]) -> str:
    if summary["personas"]:
        p = summary["personas"][0]
        return f"Persona {p.get('expresion')} {p.get('posicion')}"
    o = summary["objetos"][0]
    return f"{o.get('tipo')} {o.get('movimiento')} {o.get('direccion')}"


class NodePipeline:
    """One client connection's state in the Node backend, on the server's own clock."""

    def __init__(
        self, clock_ms: Callable[[], float], window_ms: float = 2000, max_size: int = 50
    ) -> None:
        self.clock_ms = clock_ms
        self.window_ms = window_ms
        self.max_size = max_size
        self.buffer: list[dict[str, Any]] = []
        self.last_processed = 0.0
        self.last_summary: dict[str, Any] | None = None
        self.last_summary_ms = 0.0
        self.received = 0
        self.stale = 0
        """Frames dropped because their device timestamp was older than the window."""
        self.windows: list[dict[str, Any]] = []
        """Every summarised window, described or not."""
        self.arrived: list[dict[str, Any]] = []
        """Every frame received, as received."""

    def feed(self, frame: Any) -> tuple[str, dict[str, Any]] | None:
        """A frame in; a (description, dataUsed) out when a relevant window closes."""
        self.received += 1
        if isinstance(frame, dict):
            self.arrived.append(frame)
        if not isinstance(frame, dict):
            return None  # the real backend ignores what it cannot use
        now = self.clock_ms()
        frame = dict(frame)
        if not isinstance(frame.get("timestamp"), int | float):
            frame["timestamp"] = now
        self.buffer.append(frame)
        if len(self.buffer) > self.max_size:
            self.buffer = self.buffer[-self.max_size :]
        kept = [f for f in self.buffer if now - f["timestamp"] <= self.window_ms]
        self.stale += len(self.buffer) - len(kept)
        self.buffer = kept
        if now - self.last_processed < self.window_ms or not self.buffer:
            return None
        self.last_processed = now
        window, self.buffer = self.buffer, []
        summary = summarise(window)
        self.windows.append(summary)
        if self.last_summary is not None and now - self.last_summary_ms > RELEVANCE_MEMORY_MS:
            self.last_summary = None
        if not relevant(summary, self.last_summary):
            return None
        self.last_summary, self.last_summary_ms = summary, now
        return phrase(summary), summary
