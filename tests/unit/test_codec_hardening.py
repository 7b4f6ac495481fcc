"""Hostile input for the codec and its bounded JSON reader (issue 17 §3–§4), and the Node
backend's summary details (issue 11 §4: ``tipoOriginal``, numeric text, the translation table).

Expected values are written out by hand from PROTOCOL.md, not computed with the code under test.
"""

from __future__ import annotations

import contextlib
import json
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intelivision_desktop.core.analysis import blendshape_key, summarize
from intelivision_desktop.core.codec import (
    FrameError,
    decode_frame,
    decode_frame_json,
    decode_summary,
    dumps,
    encode_frame,
    encode_summary,
    json_safe,
    loads,
    loads_bounded,
    loads_strict,
)
from intelivision_desktop.core.model import DetectedObject, Frame, ObjectGroup, Summary

ARRIVAL = 1_700_000_000_000.0


def decode(obj: object) -> Frame:
    return decode_frame(obj, device_id="cam-1", arrival_ms=ARRIVAL)


def refused(obj: object, *fragments: str) -> None:
    with pytest.raises(FrameError) as info:
        decode(obj)
    for fragment in fragments:
        assert fragment.lower() in str(info.value).lower(), (fragment, str(info.value))


# --- values JSON cannot carry are refused wherever they are ---------------------------------


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('{"objetos":[{"velocidad":NaN}]}', "nan"),
        ('{"personas":[{"id":Infinity}]}', "infinity"),
        ('{"objetos":[{"id":-Infinity}]}', "infinity"),
        ('{"extra":{"deep":[1,{"x":NaN}]}}', "nan"),
        ('{"personas":[{"blendshapes":[{"name":"a","score":0.5,"index":NaN}]}]}', "nan"),
    ],
)
def test_nan_and_infinity_literals_are_refused_by_the_strict_reader(
    text: str, fragment: str
) -> None:
    with pytest.raises(FrameError) as info:
        loads_strict(text)
    assert fragment in str(info.value).lower()


@pytest.mark.parametrize(
    ("frame", "fragments"),
    [
        # Python's json reads NaN/Infinity; before the fix these two were kept as "nan"/"inf"
        # text and the wire payload could then not be recorded (allow_nan=False).
        ({"objetos": [{"velocidad": math.nan}]}, ("objetos[0]", "velocidad")),
        ({"personas": [{"id": math.inf}]}, ("personas[0]", "id")),
        ({"personas": [{"id": 10**400}]}, ("personas[0]", "id")),
        (
            {"personas": [{"blendshapes": [{"name": "a", "score": 0.5, "index": math.nan}]}]},
            ("blendshapes[0]", "index"),
        ),
        (
            {"personas": [{"blendshapes": [{"name": "a", "score": 0.5, "categoryName": 1.5}]}]},
            ("categoryName",),
        ),
        ({"meta": {"a": [1, {"b": -math.inf}]}}, ("meta",)),
        ({"meta": 10**150}, ("meta",)),
        ({"meta": "bad \ud800 text"}, ("meta",)),
        ({"meta": {"k\udcff": 1}}, ("meta",)),
        ({"personas": [{"posicion": "izq\ud800"}]}, ("posicion",)),
        ({"meta": (1, 2)}, ("meta",)),
    ],
)
def test_values_json_cannot_carry_are_refused_at_decode(
    frame: dict[str, Any], fragments: tuple[str, ...]
) -> None:
    refused(frame, *fragments)


def test_nan_in_json_text_is_refused_through_every_entry_point() -> None:
    for text in ('{"objetos":[{"velocidad":NaN}]}', '{"personas":[{"id":Infinity}]}'):
        with pytest.raises(FrameError):
            decode_frame_json(text, device_id="d", arrival_ms=0.0)
        with pytest.raises(FrameError):
            decode(json.loads(text))  # a dict from another JSON reader (python-socketio)


def test_accepted_frames_can_always_be_written_and_read_back() -> None:
    wire = {
        "timestamp": 1,
        "id64": 2**64 - 1,
        "big": 10**99,
        "personas": [{"id": 7, "blendshapes": [{"name": "a", "score": 1, "index": 3}]}],
        "objetos": [{"velocidad": 1.5, "id": 2}],
    }
    frame = decode(wire)
    text = dumps(encode_frame(frame))
    assert loads_strict(text) == wire


# --- numeric text is read as JavaScript compares it ------------------------------------------


def test_numeric_text_in_confidence_and_scores_is_coerced_and_counted() -> None:
    wire = {
        "personas": [
            {
                "confianza": "0.9",
                "blendshapes": [
                    {"name": "mouthSmile_L", "score": "0.82"},
                    {"name": "browInnerUp", "score": " 0.35 "},
                    {"name": "jawOpen", "score": 0.5},
                ],
            }
        ],
        "objetos": [{"tipo": "car", "confianza": "7e-1"}, {"tipo": "dog", "confianza": 0.5}],
    }
    frame = decode(wire)
    assert frame.coerced == 4
    assert frame.people[0].confidence == 0.9
    assert [b.score for b in frame.people[0].blendshapes] == [0.82, 0.35, 0.5]
    assert frame.objects[0].confidence == 0.7
    # sorted as numbers, as the backend's comparisons make them
    assert (
        blendshape_key(frame.people[0].blendshapes) == "mouthSmile_L:82|jawOpen:50|browInnerUp:35"
    )
    # forwarded as received
    assert encode_frame(frame) == wire


def test_frames_without_numeric_text_count_none() -> None:
    assert decode({"personas": [{"confianza": 0.9}]}).coerced == 0


# --- the window summary as the Node backend sends it -----------------------------------------


def _frame(t: float, *objects: DetectedObject) -> Frame:
    return Frame(device_id="d", arrival_ms=t, objects=objects)


def test_summary_objects_carry_the_kind_as_received() -> None:
    s = summarize(
        [
            _frame(0.0, DetectedObject(kind="car", movement="se_acerca")),
            _frame(200.0, DetectedObject(kind="coche", movement="se_acerca")),
            _frame(400.0, DetectedObject(kind="keyboard"), DetectedObject(kind="giraffe")),
        ]
    )
    assert [(g.obj.kind, g.original_kind, g.count) for g in s.objects] == [
        ("coche", "car", 2),
        ("teclado", "keyboard", 1),
        ("giraffe", "giraffe", 1),
    ]
    used = encode_summary(s)
    assert [(o["tipo"], o["tipoOriginal"], o["count"]) for o in used["objetos"]] == [
        ("coche", "car", 2),
        ("teclado", "keyboard", 1),
        ("giraffe", "giraffe", 1),
    ]
    assert decode_summary(json.loads(json.dumps(used))) == s


def test_a_summary_without_tipo_original_still_reads() -> None:
    old = {"personas": [], "objetos": [{"tipo": "coche", "count": 3}], "totalDatos": 4}
    s = decode_summary(old)
    assert s.objects[0].original_kind is None
    assert s.objects[0].count == 3
    assert "tipoOriginal" not in s.objects[0].obj.extra
    assert "tipoOriginal" not in encode_summary(s)["objetos"][0]


def test_a_bad_tipo_original_is_a_frame_error() -> None:
    with pytest.raises(FrameError, match="tipoOriginal"):
        decode_summary({"objetos": [{"tipo": "coche", "tipoOriginal": 5}]})


def test_summary_of_the_node_example() -> None:
    # dataUsed exactly as the Node backend would send it for one window (PROTOCOL §3)
    used = {
        "personas": [],
        "objetos": [
            {
                "tipo": "pantalla",
                "movimiento": "estatico",
                "direccion": "frente",
                "distancia": "1.0m",
                "tipoOriginal": "screen",
                "count": 2,
            }
        ],
        "totalDatos": 2,
    }
    s = decode_summary(used)
    assert s.objects == (
        ObjectGroup(
            DetectedObject(
                kind="pantalla",
                movement="estatico",
                direction="frente",
                distance=s.objects[0].obj.distance,
            ),
            2,
            "screen",
        ),
    )
    assert isinstance(s, Summary)


# --- the bounded reader ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000,
        "{" * 100_000,
        '{"x": ' + "[" * 5_000 + "]" * 5_000 + "}",
        "[" * 65 + "]" * 65,
        '{"a":' * 1_500 + "1" + "}" * 1_500,
    ],
)
def test_deep_nesting_is_a_frame_error(text: str) -> None:
    with pytest.raises(FrameError, match="nested"):
        loads_bounded(text)
    with pytest.raises(FrameError):
        loads(text)


def test_nesting_up_to_the_limit_and_brackets_inside_strings_are_fine() -> None:
    assert loads_bounded("[" * 64 + "]" * 64) is not None
    text = json.dumps({"s": "[" * 5_000, "t": '{"' * 100, "u": "\\\\[[["})
    assert loads_bounded(text) == json.loads(text)
    assert loads_bounded("[" * 10 + "]" * 10, max_depth=10) == json.loads("[" * 10 + "]" * 10)
    with pytest.raises(FrameError):
        loads_bounded("[" * 11 + "]" * 11, max_depth=10)


@pytest.mark.parametrize(
    "text",
    [
        '{"t": ' + "1" * 400 + ".5}",  # a 400-digit float: inf
        '{"t": 1' + "0" * 400 + "}",  # a 401-digit integer
        '{"t": ' + "9" * 4_301 + "}",  # past Python's int conversion limit
        '{"t": 1e400}',
        '{"t": -1e400}',
        '{"t": 1.5E+309}',
        '{"t": NaN}',
        '{"t": Infinity}',
        '{"t": -Infinity}',
        '"\\ud800"',
        '{"k\\udfff": 1}',
        '["\\ud83d x"]',
    ],
)
def test_numbers_and_text_json_cannot_hold_are_frame_errors(text: str) -> None:
    with pytest.raises(FrameError):
        loads_bounded(text)
    with pytest.raises(FrameError):
        loads_bounded(text.encode("utf-8"))


def test_ordinary_numbers_and_surrogate_pairs_read_as_json_does() -> None:
    text = (
        '{"a": 1699123456789, "b": -0.5, "c": 1e-400, "d": 1.5e300, "e": "\\ud83d\\ude00",'
        ' "f": "\\\\ud800", "g": ' + "1" * 100 + ', "h": 12345678901234567890}'
    )
    assert loads_bounded(text) == json.loads(text)
    assert loads_bounded(text)["e"] == "😀"
    assert loads_bounded(text)["f"] == "\\ud800"


def test_lenient_loads_keeps_non_finite_numbers_for_line_parsers() -> None:
    value = loads('{"a": NaN, "b": 1e999, "c": 123456789012345678901234567890}')
    assert math.isnan(value["a"])
    assert value["b"] == math.inf
    assert value["c"] == 123456789012345678901234567890


def test_bytes_in_other_encodings_and_bad_bytes() -> None:
    assert loads_bounded('{"a": "ñ"}'.encode("utf-16")) == {"a": "ñ"}
    assert loads_bounded('{"a": 1}'.encode("utf-8-sig")) == {"a": 1}
    for data in (b'"\xed\xa0\x80"', b"\xff\xfe\xfa", b'{"a": "\xc3"}'):
        with pytest.raises(FrameError):
            loads_bounded(data)


@pytest.mark.parametrize(
    "encoding",
    ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"],
)
@pytest.mark.parametrize("text", ["1", "12", "[]", "{}", '"ñ"', '{"a": ["ñ", 1.5]}'])
def test_bytes_are_read_in_the_encoding_json_loads_finds(encoding: str, text: str) -> None:
    data = text.encode(encoding)
    assert loads_bounded(data) == json.loads(data) == json.loads(text)


def test_lone_surrogate_in_python_text_is_refused() -> None:
    with pytest.raises(FrameError):
        loads_bounded('{"a": "\udcff"}')


# --- json_safe ---------------------------------------------------------------------------------


def test_json_safe_makes_anything_writable() -> None:
    value = {
        "timestamp": math.nan,
        "inf": [math.inf, -math.inf, 1.5],
        "text": "a\ud800b",
        1: (1, 2),
        "obj": object,
        "big": 10**5000,
        "ok": {"n": 1, "s": "x", "b": True, "z": None},
    }
    out = json_safe(value)
    text = dumps(out)
    back = loads_strict(text)
    assert back["timestamp"] is None
    assert back["inf"] == [None, None, 1.5]
    assert back["text"] == "a\ufffdb"
    assert back["1"] == [1, 2]
    assert back["big"] is None
    assert back["ok"] == {"n": 1, "s": "x", "b": True, "z": None}
    text.encode("utf-8")


def test_json_safe_cuts_deep_nesting() -> None:
    value: object = 1
    for _ in range(1_000):
        value = [value]
    out = json_safe(value)
    dumps(out)  # no RecursionError, no ValueError


# --- fuzzing: only FrameError may escape --------------------------------------------------------

_FUZZ = settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _check_reader(data: str | bytes) -> None:
    for strict in (True, False):
        try:
            value = loads_bounded(data, strict_numbers=strict)
        except FrameError:
            continue
        if strict:  # what the strict reader accepts can always be written back
            dumps(value).encode("utf-8")


@_FUZZ
@given(st.binary(max_size=400))
def test_fuzz_loads_bounded_bytes(data: bytes) -> None:
    _check_reader(data)


@_FUZZ
@given(st.text(max_size=400))
def test_fuzz_loads_bounded_text(text: str) -> None:
    _check_reader(text)


_json_alphabet = st.sampled_from([*'[]{}",:\\ 0123456789.eE+-truefalsnulNaIfiy', "\\u"])


@_FUZZ
@given(st.lists(_json_alphabet, max_size=600).map("".join))
def test_fuzz_loads_bounded_json_like_soup(text: str) -> None:
    _check_reader(text)


@_FUZZ
@given(
    st.integers(min_value=0, max_value=20_000),
    st.sampled_from(["[", "{", '{"a":', '["x",', "[{},", '"[",[']),
    st.booleans(),
)
def test_fuzz_loads_bounded_nested_brackets(depth: int, opener: str, closed: bool) -> None:
    text = opener * depth
    if closed and opener in ("[", "{"):
        text += ("]" if opener == "[" else "}") * depth
    _check_reader(text)


_huge_number = st.builds(
    lambda sign, digits, frac, exp: sign + digits + frac + exp,
    st.sampled_from(["", "-"]),
    st.integers(min_value=1, max_value=5_000).map(lambda n: "9" * n),
    st.sampled_from(["", ".5", "." + "1" * 300]),
    st.sampled_from(["", "e400", "E+309", "e-400", "e308", "e99999999"]),
)


@_FUZZ
@given(_huge_number, st.sampled_from(["{}", '{{"t": {}}}', "[1, {}]", '{{"t": [{}]}}']))
def test_fuzz_loads_bounded_huge_numbers(number: str, shape: str) -> None:
    text = shape.format(number)
    _check_reader(text)
    with contextlib.suppress(FrameError):
        value = loads_bounded(text)
        dumps(value)


@_FUZZ
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
        lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=4), c, max_size=3),
        max_leaves=30,
    )
)
def test_fuzz_json_safe_always_writes(value: object) -> None:
    dumps(json_safe(value)).encode("utf-8")


# --- the depth scan is exact on valid JSON, whatever its strings hold ----------------------------


def _depth(value: object) -> int:
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


def _chain(depth: int, filler: object, leaf: object) -> object:
    """``[filler, [filler, [... leaf]]]``, ``depth`` lists deep."""
    value = leaf
    for _ in range(depth):
        value = [filler, value]
    return value


@pytest.mark.parametrize(
    "value",
    [
        # brackets in strings that would pair up with real ones if strings were not cut out
        _chain(70, "]", 1),
        _chain(70, "[", 1),
        _chain(70, "}]", [[]]),
        _chain(70, '\\"]', {"a": "}"}),
        _chain(70, "\\\\", {'\\"[': ['"]"', ["]}]}"]]}),
    ],
)
def test_brackets_and_quotes_inside_strings_do_not_fool_the_depth_scan(value: object) -> None:
    depth = _depth(value)
    for text in (json.dumps(value), json.dumps(value, ensure_ascii=False)):
        assert loads_bounded(text, max_depth=depth) == value
        with pytest.raises(FrameError, match="nested"):
            loads_bounded(text, max_depth=depth - 1)


def test_alternating_brackets_are_counted_level_by_level() -> None:
    for depth in (64, 65, 127, 128, 129):
        text = "".join('{"a":' if i % 2 else "[" for i in range(depth))
        text += "1" + "".join("}" if i % 2 else "]" for i in reversed(range(depth)))
        if depth <= 64:
            assert _depth(loads_bounded(text)) == depth
        else:
            with pytest.raises(FrameError, match="nested"):
                loads_bounded(text)


_tricky_text = st.text(alphabet='[]{}"\\ab', max_size=6)
_nested_values = st.recursive(
    st.none() | st.integers(-5, 5) | _tricky_text,
    lambda c: st.lists(c, max_size=3) | st.dictionaries(_tricky_text, c, max_size=3),
    max_leaves=40,
)


@_FUZZ
@given(_nested_values, st.integers(min_value=1, max_value=6), st.booleans())
def test_fuzz_depth_scan_agrees_with_the_real_depth(
    value: object, limit: int, ascii_: bool
) -> None:
    text = json.dumps(value, ensure_ascii=ascii_)
    if _depth(value) <= limit:
        assert loads_bounded(text, max_depth=limit) == value
    else:
        with pytest.raises(FrameError, match="nested"):
            loads_bounded(text, max_depth=limit)
