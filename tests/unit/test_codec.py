"""The wire codec (PROTOCOL.md §1): decoding, encoding, distances and malformed input.

Expected values are written out by hand from PROTOCOL.md, not computed with the code under test.
"""

from __future__ import annotations

import contextlib
import copy
import json
import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from intelivision_desktop.core.codec import (
    FrameError,
    decode_frame,
    decode_frame_json,
    encode_frame,
    parse_distance,
)
from intelivision_desktop.core.model import Blendshape, DetectedObject, Distance, Frame, Person

ARRIVAL = 1_700_000_000_000.0


def realistic_wire_frame() -> dict[str, Any]:
    """The §1 example, plus unknown fields at every level a device might add them."""
    return {
        "timestamp": 1699123456789,
        "cameraActive": True,
        "firmware": "esp32-cam 2.3.1",
        "frameNo": 4711,
        "meta": {"fps": 5, "resolution": [640, 480], "note": None, "ok": True},
        "personas": [
            {
                "posicion": "izquierda",
                "distancia": "1.2m",
                "expresion": "feliz",
                "gesto": "saludo",
                "confianza": 0.9,
                "id": "persona_1",
                "blendshapes": [
                    {"name": "mouthSmile_L", "score": 0.82},
                    {"name": "browInnerUp", "score": 0.12},
                ],
                "bbox": [0.1, 0.2, 0.35, 0.9],
                "trackAge": 12,
            },
            {
                "posicion": "frente",
                "distancia": "3.0m+",
                "expresion": "neutral",
                "gesto": "ninguno",
                "confianza": 0.55,
                "id": "persona_2",
                "blendshapes": [],
                "pose": {"nose": {"x": 0.5, "y": 0.25}},
            },
        ],
        "objetos": [
            {
                "tipo": "car",
                "movimiento": "se_acerca",
                "direccion": "derecha",
                "velocidad": "1.2 m/s",
                "distancia": "2.0m",
                "confianza": 0.71,
                "id": "objeto_1",
                "clase_id": 2,
                "bbox": {"x": 0.6, "y": 0.4, "w": 0.2, "h": 0.1},
            },
            {
                "tipo": "silla",
                "movimiento": "estatico",
                "direccion": "frente",
                "velocidad": "lento",
                "distancia": "desconocido",
                "confianza": 0.4,
                "id": "objeto_2",
            },
        ],
    }


def decode(obj: object) -> Frame:
    return decode_frame(obj, device_id="cam-1", arrival_ms=ARRIVAL)


def assert_frame_error(obj: object, *fragments: str) -> str:
    """decode_frame(obj) raises FrameError whose message names every fragment."""
    with pytest.raises(FrameError) as info:
        decode(obj)
    message = str(info.value)
    for fragment in fragments:
        assert fragment.lower() in message.lower(), (fragment, message)
    return message


# --- valid frames ---------------------------------------------------------------------------


def test_round_trip_preserves_every_field_and_unknown_extras() -> None:
    wire = realistic_wire_frame()
    original = copy.deepcopy(wire)
    assert encode_frame(decode(wire)) == original
    assert wire == original  # decoding does not mutate its input


def test_round_trip_through_json_text() -> None:
    text = json.dumps(realistic_wire_frame())
    frame = decode_frame_json(text, device_id="cam-1", arrival_ms=ARRIVAL)
    assert json.loads(json.dumps(encode_frame(frame))) == json.loads(text)
    frame_b = decode_frame_json(text.encode("utf-8"), device_id="cam-1", arrival_ms=ARRIVAL)
    assert frame_b == frame


def test_unknown_fields_inside_blendshape_entries_are_preserved() -> None:
    # §1: "Unknown extra fields may appear and must be preserved when forwarding." MediaPipe's
    # own blendshape categories carry more than name and score (index, displayName).
    wire = {
        "timestamp": 1699123456789,
        "personas": [
            {
                "posicion": "frente",
                "distancia": "1.2m",
                "expresion": "feliz",
                "gesto": "ninguno",
                "blendshapes": [{"name": "mouthSmile_L", "score": 0.82, "index": 44}],
            }
        ],
        "objetos": [],
    }
    assert encode_frame(decode(copy.deepcopy(wire))) == wire


def test_unknown_fields_with_64_bit_integers_are_preserved() -> None:
    # §1: unknown fields are forwarded as they came; a uint64 serial or hash is ordinary JSON.
    wire = realistic_wire_frame()
    wire["serial"] = 2**64 - 1
    wire["personas"][0]["trackHash"] = 12345678901234567890
    wire["objetos"][0]["bbox"]["stamp_ns"] = 10_000_000_000_000_000_000
    frame = decode(copy.deepcopy(wire))
    assert frame.extra["serial"] == 2**64 - 1
    assert frame.people[0].extra["trackHash"] == 12345678901234567890
    assert encode_frame(frame) == wire


def test_encode_frame_built_from_fields() -> None:
    # A frame made in Python (demo source, tests) has the same wire shape, extras included.
    frame = Frame(
        device_id="demo",
        arrival_ms=ARRIVAL,
        timestamp_ms=1699123456789,
        camera_active=True,
        people=(
            Person(
                position="izquierda",
                distance=Distance("1.2m", 1.2),
                expression="feliz",
                gesture="saludo",
                confidence=0.9,
                id="persona_1",
                blendshapes=(Blendshape("mouthSmile_L", 0.82),),
                extra={"trackAge": 12},
            ),
        ),
        objects=(
            DetectedObject(
                kind="car",
                movement="se_acerca",
                direction="derecha",
                speed="1.2 m/s",
                distance=Distance("2.0m", 2.0),
                confidence=0.71,
                id="objeto_1",
                extra={"clase_id": 2},
            ),
        ),
        extra={"frameNo": 4711},
    )
    assert encode_frame(frame) == {
        "timestamp": 1699123456789,
        "cameraActive": True,
        "frameNo": 4711,
        "personas": [
            {
                "posicion": "izquierda",
                "distancia": "1.2m",
                "expresion": "feliz",
                "gesto": "saludo",
                "confianza": 0.9,
                "id": "persona_1",
                "blendshapes": [{"name": "mouthSmile_L", "score": 0.82}],
                "trackAge": 12,
            }
        ],
        "objetos": [
            {
                "tipo": "car",
                "movimiento": "se_acerca",
                "direccion": "derecha",
                "velocidad": "1.2 m/s",
                "distancia": "2.0m",
                "confianza": 0.71,
                "id": "objeto_1",
                "clase_id": 2,
            }
        ],
    }


def test_forwarded_frame_does_not_follow_later_changes_to_the_source_dict() -> None:
    # model.py: frames are frozen, "a message, once published, never changes under a listener".
    wire = realistic_wire_frame()
    frame = decode(wire)
    wire["cameraActive"] = False
    wire["personas"][0]["posicion"] = "derecha"
    wire["objetos"].clear()
    forwarded = encode_frame(frame)
    assert forwarded == realistic_wire_frame()
    assert forwarded["personas"][0]["posicion"] == frame.people[0].position == "izquierda"


def test_editing_an_encoded_frame_does_not_change_the_frame() -> None:
    frame = decode(realistic_wire_frame())
    first = encode_frame(frame)
    first["personas"].clear()
    first["objetos"][0]["tipo"] = "dog"
    assert encode_frame(frame) == realistic_wire_frame()


def test_spanish_wire_names_map_to_english_attributes() -> None:
    frame = decode(realistic_wire_frame())
    assert frame.device_id == "cam-1"
    assert frame.arrival_ms == ARRIVAL
    assert frame.timestamp_ms == 1699123456789
    assert frame.camera_active is True
    assert frame.extra == {
        "firmware": "esp32-cam 2.3.1",
        "frameNo": 4711,
        "meta": {"fps": 5, "resolution": [640, 480], "note": None, "ok": True},
    }
    p = frame.people[0]
    assert p.position == "izquierda"
    assert p.distance == Distance("1.2m", 1.2, False)
    assert p.expression == "feliz"
    assert p.gesture == "saludo"
    assert p.confidence == 0.9
    assert p.id == "persona_1"
    assert p.blendshapes == (Blendshape("mouthSmile_L", 0.82), Blendshape("browInnerUp", 0.12))
    assert p.extra == {"bbox": [0.1, 0.2, 0.35, 0.9], "trackAge": 12}
    assert frame.people[1].distance == Distance("3.0m+", 3.0, True)
    o = frame.objects[0]
    assert o.kind == "car"  # the codec keeps the detector's name; translation is §3's job
    assert o.movement == "se_acerca"
    assert o.direction == "derecha"
    assert o.speed == "1.2 m/s"
    assert o.distance == Distance("2.0m", 2.0, False)
    assert o.confidence == 0.71
    assert o.id == "objeto_1"
    assert o.extra == {"clase_id": 2, "bbox": {"x": 0.6, "y": 0.4, "w": 0.2, "h": 0.1}}
    assert frame.objects[1].distance.metres is None
    assert frame.objects[1].distance.raw == "desconocido"


@pytest.mark.parametrize(
    ("wire", "metres", "at_least"),
    [
        ("0.8m", 0.8, False),
        ("1.2m", 1.2, False),
        ("1.8m", 1.8, False),
        ("2.1m", 2.1, False),
        ("2.5m", 2.5, False),
        ("0.5m", 0.5, False),
        ("1.0m", 1.0, False),
        ("1.5m", 1.5, False),
        ("2.0m", 2.0, False),
        ("2.5m+", 2.5, True),
        ("3.0m+", 3.0, True),
    ],
)
def test_distance_text(wire: str, metres: float, at_least: bool) -> None:
    d = parse_distance(wire)
    assert d.raw == wire
    assert d.metres == pytest.approx(metres)
    assert d.at_least is at_least


@pytest.mark.parametrize("wire", ["desconocido", "lejos", ""])
def test_distance_unknown_text(wire: str) -> None:
    d = parse_distance(wire)
    assert d.metres is None
    assert d.at_least is False
    assert d.raw == wire


def test_distance_missing_is_unknown() -> None:
    assert parse_distance(None).metres is None


@pytest.mark.parametrize(("value", "metres"), [(1.5, 1.5), (2, 2.0), (0, 0.0)])
def test_distance_number(value: float, metres: float) -> None:
    d = parse_distance(value)
    assert d.metres == metres
    assert d.at_least is False


@pytest.mark.parametrize("value", [math.nan, math.inf, -1.0, True, [1.2], {"m": 1}])
def test_distance_bad_values(value: object) -> None:
    with pytest.raises(FrameError, match="distancia"):
        parse_distance(value)


def test_missing_optional_fields_get_defaults() -> None:
    frame = decode({})
    assert frame.timestamp_ms is None
    assert frame.camera_active is None
    assert frame.people == ()
    assert frame.objects == ()
    assert frame.extra == {}

    frame = decode({"personas": [{}], "objetos": [{}]})
    p = frame.people[0]
    assert p.position == "desconocido"
    assert p.distance.raw == "desconocido"
    assert p.distance.metres is None
    assert p.expression == "no_detectada"
    assert p.gesture == "ninguno"
    assert p.confidence is None
    assert p.id is None
    assert p.blendshapes == ()
    assert p.extra == {}
    o = frame.objects[0]
    assert o.kind == "desconocido"
    assert o.movement == "estatico"
    assert o.direction == "frente"
    assert o.speed is None
    assert o.distance.metres is None
    assert o.confidence is None
    assert o.id is None
    assert o.extra == {}


def test_null_values_and_absent_blendshapes() -> None:
    frame = decode({"timestamp": None, "personas": None, "objetos": None})
    assert frame.timestamp_ms is None
    assert frame.people == ()
    assert frame.objects == ()
    p = decode({"personas": [{"posicion": "derecha", "blendshapes": None}]}).people[0]
    assert p.position == "derecha"
    assert p.blendshapes == ()


def test_decoded_frame_is_typed() -> None:
    frame = decode(realistic_wire_frame())
    assert isinstance(frame.people[0], Person)
    assert isinstance(frame.objects[0], DetectedObject)


# --- malformed input ------------------------------------------------------------------------


@pytest.mark.parametrize("obj", [None, [], "frame", 42, 1.5, True])
def test_not_an_object(obj: object) -> None:
    assert_frame_error(obj, "frame")


@pytest.mark.parametrize("value", [{"posicion": "frente"}, "personas", 3])
def test_personas_not_a_list(value: object) -> None:
    assert_frame_error({"personas": value}, "personas")


@pytest.mark.parametrize("value", [{"tipo": "car"}, "car"])
def test_objetos_not_a_list(value: object) -> None:
    assert_frame_error({"objetos": value}, "objetos")


@pytest.mark.parametrize("value", ["persona_1", 7, None, ["izquierda"]])
def test_person_not_an_object(value: object) -> None:
    # The message names the element, so the user can find it.
    assert_frame_error({"personas": [{"posicion": "frente"}, value]}, "personas[1]")


def test_object_not_an_object() -> None:
    assert_frame_error({"objetos": ["car"]}, "objetos[0]")


@pytest.mark.parametrize(
    ("frame", "fragments"),
    [
        ({"timestamp": "1699123456789"}, ("timestamp",)),
        ({"timestamp": True}, ("timestamp",)),
        ({"cameraActive": "yes"}, ("cameraActive",)),
        ({"cameraActive": 1}, ("cameraActive",)),
        ({"personas": [{"posicion": 5}]}, ("personas[0]", "posicion")),
        ({"personas": [{"expresion": ["feliz"]}]}, ("personas[0]", "expresion")),
        ({"personas": [{"gesto": {"a": 1}}]}, ("personas[0]", "gesto")),
        ({"personas": [{"confianza": "alta"}]}, ("personas[0]", "confianza")),
        ({"personas": [{"confianza": True}]}, ("personas[0]", "confianza")),
        ({"personas": [{"distancia": [1.2]}]}, ("distancia",)),
        ({"personas": [{"blendshapes": "mouthSmile_L"}]}, ("personas[0]", "blendshapes")),
        ({"personas": [{"blendshapes": [0.5]}]}, ("personas[0]", "blendshapes")),
        (
            {"personas": [{}, {"blendshapes": [{"name": "jawOpen", "score": "0.5 pts"}]}]},
            ("personas[1]", "blendshapes", "score"),
        ),
        ({"objetos": [{"tipo": 3}]}, ("objetos[0]", "tipo")),
        ({"objetos": [{"movimiento": None}, {"movimiento": 1}]}, ("objetos[1]", "movimiento")),
        ({"objetos": [{"direccion": False}]}, ("objetos[0]", "direccion")),
        ({"objetos": [{"confianza": "alta"}]}, ("objetos[0]", "confianza")),
        ({"objetos": [{"confianza": ""}]}, ("objetos[0]", "confianza")),
        ({"personas": [{"confianza": "0x10"}]}, ("personas[0]", "confianza")),
        ({"personas": [{"confianza": "NaN"}]}, ("personas[0]", "confianza")),
        ({"personas": [{"confianza": "Infinity"}]}, ("personas[0]", "confianza")),
        ({"personas": [{"confianza": "1e400"}]}, ("personas[0]", "confianza")),
    ],
)
def test_wrong_field_types(frame: dict[str, Any], fragments: tuple[str, ...]) -> None:
    assert_frame_error(frame, *fragments)


@pytest.mark.parametrize(
    ("frame", "fragments"),
    [
        ({"timestamp": math.inf}, ("timestamp",)),
        ({"timestamp": math.nan}, ("timestamp",)),
        ({"personas": [{"confianza": math.nan}]}, ("confianza",)),
        ({"objetos": [{"confianza": -math.inf}]}, ("confianza",)),
        ({"personas": [{"blendshapes": [{"name": "jawOpen", "score": math.nan}]}]}, ("score",)),
        ({"personas": [{"distancia": math.inf}]}, ("distancia",)),
        ({"extraValue": math.nan}, ("extraValue",)),
        ({"personas": [{"bbox": [0.1, math.inf]}]}, ("bbox",)),
    ],
)
def test_non_finite_numbers(frame: dict[str, Any], fragments: tuple[str, ...]) -> None:
    assert_frame_error(frame, *fragments)


@pytest.mark.parametrize(
    "text",
    [
        '{"timestamp": NaN}',
        '{"timestamp": Infinity}',
        '{"personas": [{"confianza": -Infinity}]}',
        '{"extra": {"x": NaN}}',
        '{"timestamp": 1e400}',
    ],
)
def test_non_finite_numbers_in_json_text(text: str) -> None:
    with pytest.raises(FrameError):
        decode_frame_json(text, device_id="cam-1", arrival_ms=ARRIVAL)


@pytest.mark.parametrize(
    "text",
    [
        '{"timestamp": 1' + "0" * 400 + "}",
        '{"personas": [{"confianza": 1' + "0" * 400 + "}]}",
        '{"personas": [{"distancia": 1' + "0" * 400 + "}]}",
        '{"personas": [{"blendshapes": [{"name": "jawOpen", "score": 1' + "0" * 400 + "}]}]}",
        '{"objetos": [{"confianza": -1' + "0" * 400 + "}]}",
    ],
)
def test_integers_too_large_for_a_float_raise_frame_error(text: str) -> None:
    # JSON integers have no size limit; only the documented error may escape (CONVENTIONS).
    with pytest.raises(FrameError):
        decode_frame_json(text, device_id="cam-1", arrival_ms=ARRIVAL)


def test_too_many_people() -> None:
    people = [{"posicion": "frente"}] * 10_000
    assert_frame_error({"personas": people}, "personas")


def test_too_many_objects() -> None:
    objects = [{"tipo": "car"}] * 10_000
    assert_frame_error({"objetos": objects}, "objetos")


def test_too_many_blendshapes() -> None:
    shapes = [{"name": f"s{i}", "score": 0.1} for i in range(10_000)]
    assert_frame_error({"personas": [{"blendshapes": shapes}]}, "blendshapes")


def test_a_busy_but_plausible_frame_is_accepted() -> None:
    # 20 people with all 52 MediaPipe blendshapes and 40 objects is within reason.
    shapes = [{"name": f"shape{i}", "score": i / 52} for i in range(52)]
    frame = decode(
        {
            "personas": [{"posicion": "frente", "blendshapes": shapes}] * 20,
            "objetos": [{"tipo": "car"}] * 40,
        }
    )
    assert len(frame.people) == 20
    assert len(frame.people[0].blendshapes) == 52
    assert len(frame.objects) == 40


def _nested(depth: int) -> object:
    value: object = "leaf"
    for _ in range(depth):
        value = {"a": [value]}
    return value


def test_too_deep_nesting_in_unknown_fields() -> None:
    assert_frame_error({"deep": _nested(500)}, "deep")
    assert_frame_error({"personas": [{"deep": _nested(500)}]}, "personas[0]")
    assert_frame_error({"objetos": [{"deep": _nested(500)}]}, "objetos[0]")


def test_too_deep_nesting_in_json_text() -> None:
    for text in ("[" * 100_000, '{"x": ' + "[" * 5_000 + "]" * 5_000 + "}"):
        with pytest.raises(FrameError):
            decode_frame_json(text, device_id="cam-1", arrival_ms=ARRIVAL)


def test_moderate_nesting_in_unknown_fields_is_kept() -> None:
    frame = decode({"meta": _nested(3)})
    assert frame.extra == {"meta": {"a": [{"a": [{"a": ["leaf"]}]}]}}


def test_oversized_json_text() -> None:
    # Far beyond API Gateway's 128 KB message limit (§6): refused before parsing.
    wire = realistic_wire_frame()
    wire["padding"] = "x" * 2_000_000
    text = json.dumps(wire)
    for data in (text, text.encode("utf-8")):
        with pytest.raises(FrameError) as info:
            decode_frame_json(data, device_id="cam-1", arrival_ms=ARRIVAL)
        assert any(w in str(info.value).lower() for w in ("byte", "size", "large", "long"))


@pytest.mark.parametrize(
    "data",
    [
        b'{"personas": [{"posicion": "izq\xffuierda"}]}',
        b"\xff\xfe\xfa",
        b'{"timestamp": 1, "x": "\xc3"}',
    ],
)
def test_invalid_utf8_bytes(data: bytes) -> None:
    with pytest.raises(FrameError):
        decode_frame_json(data, device_id="cam-1", arrival_ms=ARRIVAL)


@pytest.mark.parametrize("cut", [1, 10, 50, 200])
def test_truncated_json(cut: int) -> None:
    text = json.dumps(realistic_wire_frame())
    with pytest.raises(FrameError) as info:
        decode_frame_json(text[:-cut], device_id="cam-1", arrival_ms=ARRIVAL)
    assert "json" in str(info.value).lower()


@pytest.mark.parametrize("text", ["", "   ", "null", "[]", '"frame"', "{,}", "{'a': 1}"])
def test_other_non_frames(text: str) -> None:
    with pytest.raises(FrameError):
        decode_frame_json(text, device_id="cam-1", arrival_ms=ARRIVAL)


def test_frame_error_is_a_value_error() -> None:
    # Callers that already catch ValueError keep working.
    assert issubclass(FrameError, ValueError)


# --- fuzzing: only FrameError may escape ----------------------------------------------------

_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([10**400, -(10**400), 2**63, -(2**63)])
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
)
json_values = st.recursive(
    _scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=25,
)


def _shaped(keys: list[str], values: st.SearchStrategy) -> st.SearchStrategy:
    return st.fixed_dictionaries({}, optional={k: values for k in keys}) | st.dictionaries(
        st.sampled_from(keys) | st.text(max_size=6), values, max_size=6
    )


_blendshape = _shaped(["name", "categoryName", "score"], json_values)
_person_values = (
    json_values | st.lists(_blendshape, max_size=3) | st.sampled_from(["1.2m", "3.0m+"])
)
_person = _shaped(
    ["posicion", "distancia", "expresion", "gesto", "confianza", "id", "blendshapes"],
    _person_values,
)
_object = _shaped(
    ["tipo", "movimiento", "direccion", "velocidad", "distancia", "confianza", "id"], json_values
)
frame_like = st.fixed_dictionaries(
    {},
    optional={
        "timestamp": json_values,
        "cameraActive": json_values,
        "personas": st.lists(_person, max_size=3) | json_values,
        "objetos": st.lists(_object, max_size=3) | json_values,
        "extra": json_values,
    },
)

_FUZZ = settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
# Known hard cases, always tried first: integers beyond float range, non-finite floats.
_HARD_VALUES = (
    {"timestamp": 10**400},
    {"personas": [{"confianza": 10**400}]},
    {"personas": [{"distancia": -(10**400)}]},
    {"objetos": [{"confianza": math.nan}]},
)


def _with_hard_examples(test: Callable[..., None]) -> Callable[..., None]:
    for value in _HARD_VALUES:
        test = example(value)(test)
    return test


@_FUZZ
@given(st.binary(max_size=300))
def test_fuzz_decode_frame_json_bytes(data: bytes) -> None:
    with contextlib.suppress(FrameError):
        decode_frame_json(data, device_id="fuzz", arrival_ms=0.0)


@_FUZZ
@given(st.text(max_size=300))
def test_fuzz_decode_frame_json_text(text: str) -> None:
    with contextlib.suppress(FrameError):
        decode_frame_json(text, device_id="fuzz", arrival_ms=0.0)


@_FUZZ
@_with_hard_examples
@given(frame_like | json_values)
def test_fuzz_decode_frame_json_of_json_values(value: object) -> None:
    try:
        text = json.dumps(value)  # NaN/Infinity become JSON's non-standard tokens
    except (ValueError, OverflowError):
        return
    for data in (text, text.encode("utf-8")):
        with contextlib.suppress(FrameError):
            decode_frame_json(data, device_id="fuzz", arrival_ms=0.0)


@_FUZZ
@_with_hard_examples
@given(frame_like | json_values)
def test_fuzz_decode_frame_on_json_like_values(value: object) -> None:
    try:
        frame = decode_frame(value, device_id="fuzz", arrival_ms=0.0)
    except FrameError:
        return
    # Whatever was accepted can be forwarded as JSON.
    json.dumps(encode_frame(frame), allow_nan=False)
