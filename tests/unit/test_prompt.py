"""The Bedrock prompt builder (PROTOCOL.md §5).

Every expected prompt below was worked out by hand from the summary it is built from and is
written out literally; none is produced by the code under test.
"""

from __future__ import annotations

import pytest

from intelivision_desktop.core.analysis import summarize
from intelivision_desktop.core.codec import parse_distance
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
from intelivision_desktop.core.prompt import (
    blendshapes_text,
    build_prompt,
    build_user_message,
    clean_answer,
    describe_scene,
    object_urgency,
    proximity,
)

INSTRUCTIONS = (
    "INSTRUCCIONES:\n"
    "- Describes la escena para una persona ciega que lleva la cámara.\n"
    "- Si la escena es rutinaria, repetitiva o no ha cambiado, responde exactamente con dos "
    'comillas vacías: ""\n'
    "- Si hay algo nuevo o importante, descríbelo en español con un máximo de cinco palabras.\n"
    "- Prioridades, de mayor a menor: personas y sus emociones; micro-expresiones; gestos "
    "sociales; objetos peligrosos en movimiento (vehículos, animales); obstáculos; objetos "
    "estáticos.\n"
    "- Responde solo con la descripción: sin comillas, sin explicaciones, sin puntuación final."
)


def test_prompt_with_people_and_objects() -> None:
    summary = Summary(
        people=(
            PersonGroup(
                Person(
                    position="izquierda",
                    distance=Distance("1.2m", 1.2),
                    expression="feliz",
                    gesture="saludo",
                    blendshapes=(
                        Blendshape("mouthSmile_L", 0.82),
                        Blendshape("browInnerUp", 0.12),
                        Blendshape("mouthSmile_R", 0.9),
                        Blendshape("jawOpen", 0.3),
                    ),
                ),
                6,
            ),
            PersonGroup(Person(position="frente", distance=Distance("3.0m+", 3.0, True)), 2),
        ),
        objects=(
            ObjectGroup(
                DetectedObject(
                    kind="coche",
                    movement="se_acerca",
                    direction="derecha",
                    distance=Distance("2.0m", 2.0),
                ),
                3,
            ),
            ObjectGroup(DetectedObject(kind="silla", movement="estatico", direction="frente"), 1),
        ),
        total_frames=10,
    )
    # Blendshapes: 0.12 and exactly 0.3 are left out; 0.9 comes before 0.82.
    # The second person has the model's defaults: no expression detected, no gesture.
    expected = (
        "Datos de los sensores de InteliVision (10 muestras):\n"
        "PERSONAS DETECTADAS:\n"
        "- 6x: izquierda; 1.2m, cerca (personal); emoción: alegre; gesto: saludando\n"
        "  micro-expresiones: sonrisa derecha 90%, sonrisa izquierda 82%\n"
        "- 2x: frente; 3.0m+, lejos (público); emoción: no detectada; gesto: ninguno\n"
        "OBJETOS DETECTADOS:\n"
        "- 3x: coche; se acerca; dirección: derecha; 2.0m; urgencia: requiere atención\n"
        "- 1x: silla; estático; dirección: frente; distancia desconocida; urgencia: obstáculo\n"
        "\n" + INSTRUCTIONS
    )
    assert build_prompt(summary) == expected


def test_prompt_from_frames_uses_the_window_summary() -> None:
    """Two frames merge into one person group (same blendshape key, scores averaged) and one
    object group (car → coche, counted twice); a dog crossing is its own group."""

    def frame(t: float, smile: float, objects: tuple[DetectedObject, ...]) -> Frame:
        p = Person(
            position="derecha",
            distance=parse_distance("0.8m"),
            expression="sorprendido",
            gesture="mano_levantada",
            blendshapes=(Blendshape("eyeWide_L", smile), Blendshape("mouthOpen", 0.2)),
        )
        return Frame("dev", t, people=(p,), objects=objects)

    car = DetectedObject("car", "rapido", "izquierda", "3 m/s", parse_distance("2.5m+"))
    dog = DetectedObject("dog", "cruzando", "frente", None, parse_distance("1.5m"))
    summary = summarize([frame(0.0, 0.604, (car,)), frame(200.0, 0.596, (car, dog))])
    expected = (
        "Datos de los sensores de InteliVision (2 muestras):\n"
        "PERSONAS DETECTADAS:\n"
        "- 2x: derecha; 0.8m, muy cerca (íntimo); emoción: asombrada; "
        "gesto: mano levantada (pide atención)\n"
        "  micro-expresiones: ojo izquierdo muy abierto 60%\n"
        "OBJETOS DETECTADOS:\n"
        "- 2x: coche; rápido; dirección: izquierda; 2.5m+; urgencia: urgente\n"
        "- 1x: perro; cruzando; dirección: frente; 1.5m; urgencia: requiere atención\n"
        "\n" + INSTRUCTIONS
    )
    assert build_prompt(summary) == expected


def test_empty_window() -> None:
    expected = (
        "Datos de los sensores de InteliVision (4 muestras):\n"
        "No se detectaron personas ni objetos.\n"
        "\n" + INSTRUCTIONS
    )
    assert build_prompt(Summary((), (), 4)) == expected


def test_converse_user_message_has_the_scene_and_a_reminder() -> None:
    summary = Summary(
        (),
        (ObjectGroup(DetectedObject("moto", "se_aleja", "atras", None, UNKNOWN_DISTANCE), 1),),
        3,
    )
    expected = (
        "Datos de los sensores de InteliVision (3 muestras):\n"
        "OBJETOS DETECTADOS:\n"
        "- 1x: moto; se aleja; dirección: atrás; distancia desconocida; urgencia: vehículo\n"
        "\n"
        'Responde "" si no hay nada nuevo; si no, un máximo de cinco palabras.'
    )
    assert build_user_message(summary) == expected
    assert describe_scene(summary) == expected.split("\n\n")[0]


def test_unknown_values_pass_through() -> None:
    p = Person(
        position="desconocido",
        distance=parse_distance("cerquita"),
        expression="pensativo",
        gesture="aplaudiendo",
    )
    o = DetectedObject("kayak", "flotando", "centro", None, parse_distance("desconocido"))
    expected = (
        "Datos de los sensores de InteliVision (1 muestras):\n"
        "PERSONAS DETECTADAS:\n"
        "- 1x: desconocido; cerquita; emoción: pensativo; gesto: aplaudiendo\n"
        "OBJETOS DETECTADOS:\n"
        "- 1x: kayak; flotando; dirección: centro; distancia desconocida; "
        "urgencia: objeto en movimiento"
    )
    assert describe_scene(Summary((PersonGroup(p, 1),), (ObjectGroup(o, 1),), 1)) == expected


@pytest.mark.parametrize(
    ("wire", "phrase"),
    [
        ("0.5m", "muy cerca (íntimo)"),
        ("0.8m", "muy cerca (íntimo)"),
        ("1.0m", "cerca (personal)"),
        ("1.2m", "cerca (personal)"),
        ("1.5m", "distancia social"),
        ("1.8m", "distancia social"),
        ("2.0m", "distancia social"),
        ("2.1m", "distancia social"),
        ("2.5m", "distancia social"),
        ("2.5m+", "lejos (público)"),
        ("3.0m", "lejos (público)"),
        ("3.0m+", "lejos (público)"),
        ("120cm", "cerca (personal)"),
        ("desconocido", "distancia desconocida"),
        ("lejísimos", "lejísimos"),
    ],
)
def test_proximity_phrases(wire: str, phrase: str) -> None:
    assert proximity(parse_distance(wire)) == phrase


def test_blendshape_percentages_round_half_up_and_threshold_is_strict() -> None:
    shapes = (
        Blendshape("browDown_L", 0.345),  # 34.5 → 35 (JavaScript's Math.round)
        Blendshape("cheekPuff", 0.825),  # 82.5 → 83
        Blendshape("eyeBlink_R", 0.3),  # not above 0.3: left out
        Blendshape("tongueOut", 0.305),  # no Spanish name: passes through; 30.5 → 31
    )
    assert blendshapes_text(shapes) == (
        "mejillas hinchadas 83%, ceja izquierda fruncida 35%, tongueOut 31%"
    )
    assert blendshapes_text((Blendshape("jawOpen", 0.1),)) is None
    assert blendshapes_text(()) is None


@pytest.mark.parametrize(
    ("kind", "movement", "urgency"),
    [
        ("coche", "rapido", "urgente"),
        ("silla", "se_acerca", "requiere atención"),
        ("bicicleta", "se_acerca_izq", "requiere atención"),
        ("perro", "cruzando", "requiere atención"),
        ("autobús", "se_aleja", "vehículo"),
        ("camión", "estatico", "vehículo"),
        ("gato", "se_aleja", "animal"),
        ("mesa", "estatico", "obstáculo"),
        ("pelota", "se_aleja", "objeto en movimiento"),
    ],
)
def test_object_urgency(kind: str, movement: str, urgency: str) -> None:
    assert object_urgency(DetectedObject(kind, movement, "frente")) == urgency


@pytest.mark.parametrize(
    ("answer", "shown"),
    [
        ("Persona alegre saludando izquierda", "Persona alegre saludando izquierda"),
        ('"Coche acercándose derecha."', "Coche acercándose derecha"),
        ("  «Perro cruzando frente»  \n\nExplicación: …", "Perro cruzando frente"),
        ("Persona   alegre\tizquierda", "Persona alegre izquierda"),
        ('""', ""),
        ("\n  \n", ""),
        ("Espera...", "Espera..."),
    ],
)
def test_clean_answer(answer: str, shown: str) -> None:
    assert clean_answer(answer) == shown
