"""The JSON Lines recording format: writing lines, parsing them back, surviving damage."""

from __future__ import annotations

import json

from intelivision_desktop.core.codec import decode_frame
from intelivision_desktop.core.model import (
    Blendshape,
    Description,
    DetectedObject,
    Distance,
    Frame,
    ObjectGroup,
    Person,
    PersonGroup,
    Summary,
)
from intelivision_desktop.core.recording import (
    Header,
    RecordingParser,
    description_line,
    frame_line,
    header_line,
)

T0 = 1_767_000_000_000.0

WIRE = {
    "timestamp": 1766999999000,
    "cameraActive": True,
    "firmware": "2.3.1",
    "personas": [
        {
            "posicion": "izquierda",
            "distancia": "1.2m",
            "expresion": "feliz",
            "gesto": "saludo",
            "confianza": 0.9,
            "id": "persona_1",
            "blendshapes": [{"name": "mouthSmile_L", "score": 0.82}],
            "bbox": [0.1, 0.2, 0.3, 0.4],
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
            "pista": {"edad": 3},
        }
    ],
}


def wire_frame(t: float, device: str = "demo", **changes: object) -> Frame:
    return decode_frame({**WIRE, **changes}, device_id=device, arrival_ms=t)


def a_description() -> Description:
    summary = Summary(
        people=(
            PersonGroup(
                Person(
                    position="izquierda",
                    distance=Distance("1.2m", 1.2),
                    expression="feliz",
                    gesture="saludo",
                    confidence=0.9,
                    id="persona_1",
                    blendshapes=(Blendshape("mouthSmile_L", 0.81), Blendshape("jawOpen", 0.05)),
                ),
                7,
            ),
        ),
        objects=(
            ObjectGroup(
                DetectedObject(
                    kind="coche",
                    movement="se_acerca",
                    direction="derecha",
                    speed="1.2 m/s",
                    distance=Distance("3.0m+", 3.0, True),
                    confidence=0.71,
                    id="objeto_1",
                ),
                3,
            ),
        ),
        total_frames=10,
    )
    return Description(
        device_id="demo",
        text="Saludo alegre izquierda",
        t_ms=T0 + 2000,
        source="rules",
        fallback=False,
        latency_ms=0.25,
        summary=summary,
        window_start_ms=T0 + 200,
        window_end_ms=T0 + 2000,
        detail={"trace": ["a", "b"], "tokens": 12},
    )


def a_header_line() -> str:
    return header_line(
        app_version="0.1.0",
        created_ms=T0,
        source="demo://",
        analyzer="embedded://rules",
        settings={"window_ms": 2000, "max_size": 50},
    )


# --- round trips ----------------------------------------------------------------------------


def test_lines_are_single_json_objects() -> None:
    lines = [a_header_line(), frame_line(wire_frame(T0)), description_line(a_description())]
    for line in lines:
        assert "\n" not in line
        assert isinstance(json.loads(line), dict)


def test_header_round_trip() -> None:
    parser = RecordingParser()
    record = parser.feed(a_header_line())
    assert record == Header(
        version=1,
        app_version="0.1.0",
        created_ms=T0,
        source="demo://",
        analyzer="embedded://rules",
        settings={"window_ms": 2000, "max_size": 50},
    )
    assert parser.header == record
    assert parser.bad_lines == 0


def test_frame_round_trip() -> None:
    original = wire_frame(T0 + 123.5, device="cam-7")
    parser = RecordingParser()
    record = parser.feed(frame_line(original))
    assert record == original
    assert isinstance(record, Frame)
    assert record.arrival_ms == T0 + 123.5
    assert record.device_id == "cam-7"
    assert record.extra == {"firmware": "2.3.1"}
    assert record.people[0].extra == {"bbox": [0.1, 0.2, 0.3, 0.4]}
    assert record.objects[0].extra == {"pista": {"edad": 3}}
    assert parser.bad_lines == 0


def test_frame_record_keeps_the_wire_frame() -> None:
    rec = json.loads(frame_line(wire_frame(T0)))
    assert rec["type"] == "frame"
    assert rec["t"] == T0
    assert rec["device"] == "demo"
    assert rec["data"] == WIRE


def test_description_round_trip() -> None:
    original = a_description()
    parser = RecordingParser()
    record = parser.feed(description_line(original))
    assert record == original
    rec = json.loads(description_line(original))
    assert rec["dataUsed"]["totalDatos"] == 10
    assert rec["dataUsed"]["personas"][0]["count"] == 7
    assert rec["dataUsed"]["objetos"][0]["count"] == 3
    assert rec["dataUsed"]["objetos"][0]["tipo"] == "coche"


def test_description_without_summary_round_trip() -> None:
    original = Description(
        device_id="demo", text="silla frente", t_ms=T0, source="socketio", fallback=True
    )
    assert RecordingParser().feed(description_line(original)) == original


def test_whole_recording_in_order() -> None:
    frames = [wire_frame(T0 + 200 * i) for i in range(5)]
    lines = [a_header_line(), *(frame_line(f) for f in frames), description_line(a_description())]
    parser = RecordingParser()
    records = [parser.feed(line + "\n") for line in lines]
    assert isinstance(records[0], Header)
    assert records[1:6] == frames
    assert records[6] == a_description()
    assert parser.bad_lines == 0
    assert parser.errors == []


def test_bytes_lines_and_line_endings() -> None:
    frame = wire_frame(T0)
    parser = RecordingParser()
    assert parser.feed(frame_line(frame).encode("utf-8") + b"\n") == frame
    assert parser.feed(frame_line(frame) + "\r\n") == frame
    assert parser.feed("") is None
    assert parser.feed("   \n") is None
    assert parser.bad_lines == 0  # blank lines are not errors


# --- plain wire-frame files ------------------------------------------------------------------


def test_plain_wire_frames_are_timed_by_timestamp() -> None:
    parser = RecordingParser(default_device="serial0")
    records = [
        parser.feed(json.dumps({**WIRE, "timestamp": ts}))
        for ts in (1766999999000, 1766999999200, 1766999999400)
    ]
    assert [r.arrival_ms for r in records if isinstance(r, Frame)] == [
        1766999999000.0,
        1766999999200.0,
        1766999999400.0,
    ]
    first = records[0]
    assert isinstance(first, Frame)
    assert first.device_id == "serial0"
    assert first.timestamp_ms == 1766999999000
    assert first.people[0].position == "izquierda"
    assert first.objects[0].kind == "car"
    assert first.extra == {"firmware": "2.3.1"}
    assert parser.bad_lines == 0


def test_plain_wire_frames_without_timestamp_are_accepted_in_order() -> None:
    parser = RecordingParser()
    records = [parser.feed(json.dumps({"personas": [], "objetos": []})) for _ in range(3)]
    assert all(isinstance(r, Frame) for r in records)
    times = [r.arrival_ms for r in records if isinstance(r, Frame)]
    assert times == sorted(times)
    assert parser.bad_lines == 0


# --- damage ---------------------------------------------------------------------------------


def test_garbage_and_truncated_last_line_are_counted_and_skipped() -> None:
    frames = [wire_frame(T0 + 200 * i) for i in range(4)]
    lines = [
        a_header_line(),
        frame_line(frames[0]),
        "this is not json",
        frame_line(frames[1]),
        description_line(a_description()),
        "",
        frame_line(frames[2]),
        frame_line(frames[3])[:57],  # the app died mid-write
    ]
    parser = RecordingParser()
    records = [r for r in (parser.feed(line) for line in lines) if r is not None]
    assert len(records) == 5
    assert isinstance(records[0], Header)
    assert records[1:3] == frames[:2]
    assert records[3] == a_description()
    assert records[4] == frames[2]
    assert parser.bad_lines == 2
    assert len(parser.errors) == 2
    assert parser.errors[0].startswith("line 3")  # documented as "line N: message"
    assert parser.errors[1].startswith("line 8")


def test_malformed_records_are_counted() -> None:
    good = frame_line(wire_frame(T0))
    bad = [
        json.dumps({"type": "frame", "t": T0, "device": "demo", "data": {"personas": "x"}}),
        json.dumps({"type": "frame", "device": "demo", "data": WIRE}),  # no time
        json.dumps({"type": "frame", "t": "soon", "data": WIRE}),
        json.dumps({"type": "description", "t": T0}),  # no text
        json.dumps({"type": "mystery", "t": T0}),
        json.dumps([1, 2, 3]),
        "\xff\xfe",
        '{"timestamp": NaN}',
    ]
    parser = RecordingParser()
    assert parser.feed(good) is not None
    for line in bad:
        assert parser.feed(line) is None
    assert parser.feed(good) is not None
    assert parser.bad_lines == len(bad)
    assert parser.line_no == len(bad) + 2


def test_newer_format_version_is_rejected() -> None:
    rec = json.loads(a_header_line())
    rec["version"] = 2
    parser = RecordingParser()
    assert parser.feed(json.dumps(rec)) is None
    assert parser.header is None
    assert parser.bad_lines == 1
    assert "version" in parser.errors[0]


def test_not_a_recording_header_is_rejected() -> None:
    rec = json.loads(a_header_line())
    rec["format"] = "some-other-format"
    parser = RecordingParser()
    assert parser.feed(json.dumps(rec)) is None
    assert parser.header is None
    assert parser.bad_lines == 1
