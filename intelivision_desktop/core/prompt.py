"""The prompt the backend sends to Bedrock, built from a window summary (PROTOCOL.md §5).

Pure and Qt-free: a :class:`~intelivision_desktop.core.model.Summary` in, Spanish text out.
The content is the backend's — people with count, ``posicion``, a proximity phrase, emotion,
gesture and the blendshapes above 0.3 as percentages; objects with count, ``tipo``,
``movimiento``, ``direccion``, ``distancia`` and an urgency; then the instructions — in our
own wording and without the backend's emoji.

Proximity of a person (``distancia``). The four phrases PROTOCOL.md fixes are kept; the other
values the devices send are placed by the same proxemic bands (Hall: intimate, personal,
social, public), widened so that each fixed value falls in its own band:

============  ==========================  ==============================================
wire value    phrase                      why
============  ==========================  ==============================================
``0.5m``      muy cerca (íntimo)          below 1.0 m, with 0.8m
``0.8m``      muy cerca (íntimo)          fixed by the backend
``1.0m``      cerca (personal)            1.0 m up to 1.2 m, with 1.2m
``1.2m``      cerca (personal)            fixed by the backend
``1.5m``      distancia social            above 1.2 m and below 3.0 m, with 2.1m
``1.8m``      distancia social
``2.0m``      distancia social
``2.1m``      distancia social            fixed by the backend
``2.5m``      distancia social
``2.5m+``     lejos (público)             "at least 2.5 m": may well be public distance
``3.0m+``     lejos (público)             fixed by the backend; also 3.0 m and beyond
other         the wire text as sent       as the backend does for values it does not know
unknown       distancia desconocida       ``desconocido`` or missing
============  ==========================  ==============================================

Urgency of an object, most urgent first: ``rapido`` → "urgente"; ``se_acerca`` (also
``se_acerca_izq``/``_der``) or ``cruzando`` → "requiere atención"; otherwise a vehicle
(coche, bicicleta, moto, autobús, camión) → "vehículo", an animal (perro, gato) → "animal",
``estatico`` → "obstáculo", anything else → "objeto en movimiento". (The backend has
"urgente", "requiere atención", "vehículo" and "objeto"; crossing objects and animals are
split out because the instructions rank dangerous moving objects high.)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from intelivision_desktop.core.model import (
    Blendshape,
    DetectedObject,
    Distance,
    ObjectGroup,
    Person,
    PersonGroup,
    Summary,
)

BLENDSHAPE_THRESHOLD = 0.3
"""Blendshapes strictly above this score are listed in the prompt (as the backend does)."""

INSTRUCTIONS_ES = """INSTRUCCIONES:
- Describes la escena para una persona ciega que lleva la cámara.
- Si la escena es rutinaria, repetitiva o no ha cambiado, responde exactamente con dos \
comillas vacías: ""
- Si hay algo nuevo o importante, descríbelo en español con un máximo de cinco palabras.
- Prioridades, de mayor a menor: personas y sus emociones; micro-expresiones; gestos \
sociales; objetos peligrosos en movimiento (vehículos, animales); obstáculos; objetos \
estáticos.
- Responde solo con la descripción: sin comillas, sin explicaciones, sin puntuación final."""
"""The instructions appended to every prompt (InvokeAgent sends them with the scene)."""

REMINDER_ES = 'Responde "" si no hay nada nuevo; si no, un máximo de cinco palabras.'
"""Closing line of a ConverseStream user message (the system prompt has the instructions)."""

NOTHING_DETECTED_ES = "No se detectaron personas ni objetos."

PROXIMITY_INTIMATE = "muy cerca (íntimo)"
PROXIMITY_PERSONAL = "cerca (personal)"
PROXIMITY_SOCIAL = "distancia social"
PROXIMITY_PUBLIC = "lejos (público)"
UNKNOWN_DISTANCE_ES = "distancia desconocida"

EMOTION_ES = {
    "feliz": "alegre",
    "triste": "triste",
    "sorprendido": "asombrada",
    "enojado": "molesta",
    "neutral": "calmada",
    "no_detectada": "no detectada",
}

GESTURE_ES = {
    "saludo": "saludando",
    "manos_arriba": "manos arriba (celebra o pide ayuda)",
    "mano_levantada": "mano levantada (pide atención)",
    "brazo_extendido": "brazo extendido (señala una dirección)",
    "brazos_abajo": "brazos abajo (relajada)",
    "ninguno": "ninguno",
    "posicion_detectada": "ninguno (solo se detecta la postura)",
}

MOVEMENT_ES = {
    "se_acerca": "se acerca",
    "se_aleja": "se aleja",
    "estatico": "estático",
    "cruzando": "cruzando",
    "se_acerca_izq": "se acerca por la izquierda",
    "se_acerca_der": "se acerca por la derecha",
    "rapido": "rápido",
}

DIRECTION_ES = {"atras": "atrás"}

BLENDSHAPE_ES = {
    "mouthSmile_L": "sonrisa izquierda",
    "mouthSmile_R": "sonrisa derecha",
    "browInnerUp": "cejas levantadas",
    "browOuterUp_L": "ceja izquierda levantada",
    "browOuterUp_R": "ceja derecha levantada",
    "browDown_L": "ceja izquierda fruncida",
    "browDown_R": "ceja derecha fruncida",
    "eyeBlink_L": "parpadeo izquierdo",
    "eyeBlink_R": "parpadeo derecho",
    "eyeWide_L": "ojo izquierdo muy abierto",
    "eyeWide_R": "ojo derecho muy abierto",
    "eyeSquint_L": "ojo izquierdo entrecerrado",
    "eyeSquint_R": "ojo derecho entrecerrado",
    "mouthFrown_L": "comisura izquierda hacia abajo",
    "mouthFrown_R": "comisura derecha hacia abajo",
    "mouthOpen": "boca abierta",
    "jawOpen": "mandíbula abierta",
    "mouthPucker": "labios fruncidos",
    "noseSneer_L": "nariz arrugada izquierda",
    "noseSneer_R": "nariz arrugada derecha",
    "cheekPuff": "mejillas hinchadas",
    "cheekSquint_L": "mejilla izquierda tensa",
    "cheekSquint_R": "mejilla derecha tensa",
}

VEHICLES = frozenset({"coche", "bicicleta", "moto", "autobús", "camión"})
ANIMALS = frozenset({"perro", "gato"})


def _js_round(x: float) -> int:
    """JavaScript's Math.round (half up), as the backend prints percentages."""
    return math.floor(x + 0.5)


def proximity(distance: Distance) -> str:
    """The proximity phrase for a person's ``distancia`` (table in the module docstring)."""
    m = distance.metres
    if m is None:
        raw = distance.raw.strip()
        return UNKNOWN_DISTANCE_ES if raw in ("", "desconocido") else raw
    if distance.at_least and m >= 2.5:
        return PROXIMITY_PUBLIC
    if m < 1.0:
        return PROXIMITY_INTIMATE
    if m <= 1.2:
        return PROXIMITY_PERSONAL
    if m < 3.0:
        return PROXIMITY_SOCIAL
    return PROXIMITY_PUBLIC


def _distance_text(distance: Distance, phrase: str | None = None) -> str:
    """``1.2m, cerca (personal)``; the bare value without a phrase; a readable unknown."""
    if distance.metres is None:
        raw = distance.raw.strip()
        return UNKNOWN_DISTANCE_ES if raw in ("", "desconocido") else raw
    return f"{distance.raw}, {phrase}" if phrase else distance.raw


def significant_blendshapes(blendshapes: Iterable[Blendshape]) -> list[Blendshape]:
    """Blendshapes above 0.3, highest first (equal scores keep their order)."""
    strong = (b for b in blendshapes if b.score > BLENDSHAPE_THRESHOLD)
    return sorted(strong, key=lambda b: -b.score)


def blendshapes_text(blendshapes: Sequence[Blendshape]) -> str | None:
    """``sonrisa izquierda 82%, cejas levantadas 35%`` or None when nothing is above 0.3."""
    top = significant_blendshapes(blendshapes)
    if not top:
        return None
    return ", ".join(
        f"{BLENDSHAPE_ES.get(b.name, b.name)} {_js_round(b.score * 100)}%" for b in top
    )


def object_urgency(obj: DetectedObject) -> str:
    """The urgency phrase of an object (module docstring); ``obj.kind`` is already Spanish."""
    if obj.movement == "rapido":
        return "urgente"
    if obj.movement.startswith("se_acerca") or obj.movement == "cruzando":
        return "requiere atención"
    if obj.kind in VEHICLES:
        return "vehículo"
    if obj.kind in ANIMALS:
        return "animal"
    if obj.movement == "estatico":
        return "obstáculo"
    return "objeto en movimiento"


def person_lines(group: PersonGroup) -> list[str]:
    """One line for a person group, plus an indented micro-expression line when there is one."""
    p: Person = group.person
    emotion = EMOTION_ES.get(p.expression, p.expression)
    gesture = GESTURE_ES.get(p.gesture, p.gesture)
    where = _distance_text(p.distance, proximity(p.distance))
    lines = [f"- {group.count}x: {p.position}; {where}; emoción: {emotion}; gesto: {gesture}"]
    micro = blendshapes_text(p.blendshapes)
    if micro:
        lines.append(f"  micro-expresiones: {micro}")
    return lines


def object_line(group: ObjectGroup) -> str:
    o = group.obj
    movement = MOVEMENT_ES.get(o.movement, o.movement)
    direction = DIRECTION_ES.get(o.direction, o.direction)
    return (
        f"- {group.count}x: {o.kind}; {movement}; dirección: {direction}; "
        f"{_distance_text(o.distance)}; urgencia: {object_urgency(o)}"
    )


def describe_scene(summary: Summary) -> str:
    """The data part of the prompt: header, people and objects (no instructions)."""
    lines = [f"Datos de los sensores de InteliVision ({summary.total_frames} muestras):"]
    if summary.empty:
        lines.append(NOTHING_DETECTED_ES)
        return "\n".join(lines)
    if summary.people:
        lines.append("PERSONAS DETECTADAS:")
        for g in summary.people:
            lines.extend(person_lines(g))
    if summary.objects:
        lines.append("OBJETOS DETECTADOS:")
        lines.extend(object_line(g) for g in summary.objects)
    return "\n".join(lines)


def build_prompt(summary: Summary, instructions: str = INSTRUCTIONS_ES) -> str:
    """The whole InvokeAgent ``inputText``: the scene, a blank line, the instructions."""
    return f"{describe_scene(summary)}\n\n{instructions.strip()}"


def build_user_message(summary: Summary) -> str:
    """The ConverseStream user message: the scene and a one-line reminder.

    The instructions travel once, in the system prompt (``resources/prompts/system_es.txt``).
    """
    return f"{describe_scene(summary)}\n\n{REMINDER_ES}"


_QUOTES = "\"'«»“”„‘’`"


def clean_answer(text: str) -> str:
    """An AI answer made displayable: first non-empty line, outer quotes and final dot removed,
    inner whitespace collapsed. Returns ``""`` for an empty answer (which means "not relevant").
    """
    for line in text.splitlines():
        t = " ".join(line.split())
        if t:
            break
    else:
        return ""
    while len(t) >= 2 and t[0] in _QUOTES and t[-1] in _QUOTES:
        t = t[1:-1].strip()
    if t.endswith(".") and not t.endswith(".."):
        t = t[:-1].rstrip()
    return t
