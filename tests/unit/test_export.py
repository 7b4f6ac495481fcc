"""CSV export of records (core, pure): columns, values, times, quoting, the time range."""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from intelivision_desktop.core.channels import CAMERA_CHANNELS, derive_channels
from intelivision_desktop.core.codec import decode_frame
from intelivision_desktop.core.export import (
    DESCRIPTION_COLUMNS,
    LINE_END,
    TIME_COLUMNS,
    TimeRange,
    channel_names,
    channel_rows,
    channels_csv,
    descriptions_csv,
    iso_time,
    number_text,
    origin_of,
    parse_number,
)
from intelivision_desktop.core.model import Description, Frame
from intelivision_desktop.core.recording import Header, Record, SampleBlock

T0 = 1_767_000_000_000.0
CAMERA = [c.name for c in CAMERA_CHANNELS if c.name != "latency_ms"]

WIRE = {
    "timestamp": 1766999999000,
    "cameraActive": True,
    "personas": [
        {
            "posicion": "izquierda",
            "distancia": "1.2m",
            "expresion": "feliz",
            "gesto": "saludo",
            "blendshapes": [
                {"name": "mouthSmile_L", "score": 0.82},
                {"name": "mouthSmile_R", "score": 0.7},
            ],
        }
    ],
    "objetos": [
        {"tipo": "car", "movimiento": "se_acerca", "direccion": "derecha", "distancia": "2.5m"},
        {"tipo": "dog", "movimiento": "estatico", "direccion": "frente", "distancia": "3.0m+"},
    ],
}


def frame(t: float, device: str = "cam", **changes: object) -> Frame:
    return decode_frame({**WIRE, **changes}, device_id=device, arrival_ms=t)


def description(t: float, text: str = "Persona alegre izquierda", **kw: object) -> Description:
    fields: dict[str, object] = {
        "device_id": "cam",
        "text": text,
        "t_ms": t,
        "source": "rules",
        "fallback": False,
        "latency_ms": 0.25,
    }
    fields.update(kw)
    return Description(**fields)  # type: ignore[arg-type]


def block(t: list[float], device: str = "board", **cols: list[float]) -> SampleBlock:
    return SampleBlock(
        device,
        np.array(t, dtype=np.float64),
        {k: np.array(v, dtype=np.float64) for k, v in cols.items()},
    )


def read(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def header_of(text: str) -> list[str]:
    return next(csv.reader(io.StringIO(text, newline="")))


# --- value formatting --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (math.nan, ""),
        (0.0, "0"),
        (-0.0, "0"),
        (3.0, "3"),
        (1.2, "1.2"),
        (0.1 + 0.2, "0.30000000000000004"),
        (-7.5, "-7.5"),
        (1e300, "1e+300"),
    ],
)
def test_number_text(value: float | None, text: str) -> None:
    assert number_text(value) == text


@given(st.floats(allow_nan=True, allow_infinity=False))
def test_number_text_reads_back_as_the_same_float(v: float) -> None:
    back = parse_number(number_text(v))
    assert (math.isnan(v) and math.isnan(back)) or back == v


def test_iso_time_is_utc_with_milliseconds() -> None:
    assert iso_time(T0) == "2025-12-29T09:20:00.000+00:00"
    assert iso_time(T0 + 1234.5) == "2025-12-29T09:20:01.234+00:00"


# --- time range ----------------------------------------------------------------------------


def test_time_range_is_inclusive_and_converts() -> None:
    r = TimeRange(T0, T0 + 1000)
    assert r.contains(T0)
    assert r.contains(T0 + 1000)
    assert not r.contains(T0 - 0.001)
    assert not r.contains(T0 + 1000.001)
    assert TimeRange().unbounded
    assert TimeRange(None, T0).contains(0.0)
    assert TimeRange.from_seconds(T0 / 1000, None) == TimeRange(T0, None)
    assert TimeRange.from_elapsed(T0, 2.0, 3.5) == TimeRange(T0 + 2000, T0 + 3500)
    mask = r.mask(np.array([T0 - 1, T0, T0 + 500, T0 + 1000, T0 + 1001]))
    assert mask.tolist() == [False, True, True, True, False]


def test_time_range_refuses_end_before_start() -> None:
    with pytest.raises(ValueError, match="ends before it starts"):
        TimeRange(T0, T0 - 1)


# --- channels ------------------------------------------------------------------------------


def test_columns_camera_channels_in_order_then_sample_columns() -> None:
    records: list[Record] = [
        Header(version=1),
        block([T0], a1=[1.0], a0=[2.0]),
        frame(T0 + 10),
        block([T0 + 20], a0=[3.0], people=[4.0], temp=[5.0]),
    ]
    assert channel_names(records) == [*CAMERA, "a1", "a0", "temp"]
    assert channel_names([block([T0], people=[1.0], x=[2.0])]) == ["people", "x"]
    assert channel_names([]) == []


def test_channels_csv_of_frames_equals_derive_channels() -> None:
    frames = [
        frame(T0),
        frame(T0 + 200, personas=[]),  # no person: nearest_person_m and smile are NaN
        frame(T0 + 400.5, objetos=[]),
    ]
    text = channels_csv(frames)
    assert text.endswith(LINE_END)
    assert header_of(text) == [*TIME_COLUMNS, *CAMERA]
    rows = read(text)
    assert len(rows) == len(frames)
    for f, row in zip(frames, rows, strict=True):
        assert row["time"] == iso_time(f.arrival_ms)
        assert float(row["elapsed_s"]) == pytest.approx((f.arrival_ms - T0) / 1000, abs=1e-9)
        assert row["device"] == "cam"
        want = derive_channels(f)
        for name in CAMERA:
            got = parse_number(row[name])
            assert (math.isnan(want[name]) and math.isnan(got)) or got == want[name], name
    assert rows[0]["people"] == "1"
    assert rows[0]["objects"] == "2"
    assert rows[0]["approaching"] == "1"
    assert rows[0]["nearest_object_m"] == "2.5"
    assert rows[1]["nearest_person_m"] == ""
    assert rows[1]["smile"] == ""
    assert rows[2]["elapsed_s"] == "0.400500"


def test_channels_csv_mixes_devices_and_sample_blocks_in_recording_order() -> None:
    records: list[Record] = [
        frame(T0, device="phone"),
        block([T0 + 1, T0 + 2, T0 + 3], a0=[0.5, math.nan, 2.0], a1=[10.0, 11.0, 12.0]),
        frame(T0 + 200, device="phone"),
    ]
    rows = read(channels_csv(records))
    assert [r["device"] for r in rows] == ["phone", "board", "board", "board", "phone"]
    assert [r["a0"] for r in rows] == ["", "0.5", "", "2", ""]
    assert [r["a1"] for r in rows] == ["", "10", "11", "12", ""]
    assert [r["people"] for r in rows] == ["1", "", "", "", "1"]


def test_time_range_filters_frames_and_samples() -> None:
    records: list[Record] = [
        frame(T0),
        block([T0 + 100, T0 + 200, T0 + 300, T0 + 400], a0=[1.0, 2.0, 3.0, 4.0]),
        frame(T0 + 250),
        frame(T0 + 500),
    ]
    rows = read(channels_csv(records, TimeRange(T0 + 200, T0 + 300)))
    assert [(r["device"], r["a0"]) for r in rows] == [
        ("board", "2"),
        ("board", "3"),
        ("cam", ""),
    ]
    # elapsed stays relative to the recording's start, not to the range's
    assert [r["elapsed_s"] for r in rows] == ["0.200000", "0.300000", "0.250000"]
    assert len(list(channel_rows(records, TimeRange(T0 + 600, None)))) == 0


def test_origin_and_explicit_origin() -> None:
    records: list[Record] = [Header(version=1), frame(T0 + 50), block([T0 + 10], a0=[1.0])]
    assert origin_of(records) == T0 + 10
    assert origin_of([Header(version=1)]) is None
    rows = read(channels_csv(records, origin_ms=T0))
    assert [r["elapsed_s"] for r in rows] == ["0.050000", "0.010000"]


def test_no_records_gives_a_header_only() -> None:
    assert channels_csv([]) == "time,elapsed_s,device" + LINE_END
    assert descriptions_csv([]) == ",".join(DESCRIPTION_COLUMNS) + LINE_END


# --- descriptions ----------------------------------------------------------------------------


def test_descriptions_csv_fields_and_quoting() -> None:
    tricky = 'Señal "alto", peatón\nizquierda'
    records: list[Record] = [
        frame(T0),
        description(T0 + 2000),
        description(T0 + 4000, tricky, fallback=True, latency_ms=None, source="bedrock-agent"),
        description(T0 + 6000, "=1+1", device_id="glasses"),
    ]
    text = descriptions_csv(records)
    rows = read(text)
    assert header_of(text) == list(DESCRIPTION_COLUMNS)
    assert rows == [
        {
            "time": iso_time(T0 + 2000),
            "elapsed_s": "2.000000",
            "device": "cam",
            "text": "Persona alegre izquierda",
            "source": "rules",
            "fallback": "false",
            "latency_ms": "0.25",
        },
        {
            "time": iso_time(T0 + 4000),
            "elapsed_s": "4.000000",
            "device": "cam",
            "text": tricky,
            "source": "bedrock-agent",
            "fallback": "true",
            "latency_ms": "",
        },
        {
            "time": iso_time(T0 + 6000),
            "elapsed_s": "6.000000",
            "device": "glasses",
            "text": "=1+1",
            "source": "rules",
            "fallback": "false",
            "latency_ms": "0.25",
        },
    ]
    ranged = read(descriptions_csv(records, TimeRange(T0 + 3000, T0 + 4000)))
    assert [r["fallback"] for r in ranged] == ["true"]


def test_a_time_no_calendar_holds_is_written_empty_not_raised() -> None:
    from intelivision_desktop.core.export import iso_time

    assert iso_time(1e15) == ""  # year 33658: found by the hostile-files fuzz test
    assert iso_time(float("inf")) == ""
    assert iso_time(0.0).startswith("1970-01-01T00:00:00.000")
