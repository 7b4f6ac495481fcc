"""Serial line parsers (PROTOCOL.md §7): every format, hostile lines, and fuzzing."""

from __future__ import annotations

import contextlib
import itertools
import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intelivision_desktop.core.lines import (
    MAX_CHANNELS,
    MAX_LINE_BYTES,
    LineFormat,
    LineParser,
    LineSplitter,
    ParsedLines,
    parse_format,
)
from intelivision_desktop.core.model import Frame
from intelivision_desktop.core.recording import RecordingParser, SampleBlock, samples_line


def parse(lines: list[bytes] | list[str], fmt: str = "auto", **kw: object) -> ParsedLines:
    raw = [x.encode() if isinstance(x, str) else x for x in lines]
    return LineParser(fmt, **kw).parse(raw)  # type: ignore[arg-type]


def col(p: ParsedLines, name: str) -> list[float | None]:
    return [None if math.isnan(v) else float(v) for v in p.columns[name]]


# --- splitting ------------------------------------------------------------------------------


@pytest.mark.parametrize("eol", [b"\n", b"\r\n", b"\r"])
def test_split_line_ends(eol: bytes) -> None:
    s = LineSplitter(discard_first=False)
    lines = s.feed(b"a:1" + eol + b"a:2" + eol + b"a:")
    assert [x for x in lines if x] == [b"a:1", b"a:2"]
    assert [x for x in s.feed(b"3" + eol) if x] == [b"a:3"]


def test_crlf_split_across_reads_gives_only_a_blank_line() -> None:
    s = LineSplitter(discard_first=False)
    assert s.feed(b"1 2\r") == [b"1 2"]
    assert s.feed(b"\n3 4\r\n") == [b"", b"3 4"]


def test_first_partial_line_is_discarded_and_counted() -> None:
    s = LineSplitter()
    assert s.feed(b"9.5 b:2\r\n") == []  # the tail of a line sent before we connected
    assert s.partial == 1
    assert s.feed(b"a:1 b:2\r\n") == [b"a:1 b:2"]
    s.reset()  # a new connection discards again
    assert s.feed(b"xx") == []
    assert s.feed(b"x\na:5\n") == [b"a:5"]
    assert s.partial == 2


def test_nothing_to_discard_is_not_counted() -> None:
    s = LineSplitter()
    assert s.feed(b"\na:1\n") == [b"a:1"]
    assert s.partial == 0


def test_overlong_line_is_cut_and_counted_in_one_read() -> None:
    s = LineSplitter(max_line_bytes=100, discard_first=False)
    out = s.feed(b"a:1\n" + b"x" * 101 + b"\na:2\n")
    assert out == [b"a:1", b"a:2"]
    assert s.overlong == 1


def test_overlong_line_is_cut_across_reads_without_holding_it() -> None:
    s = LineSplitter(max_line_bytes=100, discard_first=False)
    assert s.feed(b"a:1\n" + b"y" * 60) == [b"a:1"]
    for _ in range(50):  # 3000 more bytes without a line end: never buffered beyond the cap
        assert s.feed(b"y" * 60) == []
        assert s.pending <= 100
    assert s.overlong == 1
    assert s.feed(b"yyy\na:2\n") == [b"a:2"]
    assert s.overlong == 1


def test_a_line_exactly_at_the_cap_is_kept_and_one_over_is_cut() -> None:
    s = LineSplitter(max_line_bytes=10, discard_first=False)
    assert s.feed(b"a" * 10 + b"\n") == [b"a" * 10]
    assert s.feed(b"b" * 11 + b"\nok\n") == [b"ok"]
    assert s.overlong == 1


@pytest.mark.parametrize("held", range(1, 11))
def test_a_short_last_chunk_cannot_overshoot_the_cap(held: int) -> None:
    """A line held near the cap and ended by a chunk shorter than half the cap (the
    one-chunk filter skips such chunks) is cut, never returned past the cap."""
    s = LineSplitter(max_line_bytes=10, discard_first=False)
    assert s.feed(b"x" * held) == []
    rest = 11 - held  # the whole line is one byte over the cap
    assert s.feed(b"y" * rest + b"\n") == []
    assert s.overlong == 1
    assert s.feed(b"ok\n") == [b"ok"]
    s2 = LineSplitter(max_line_bytes=10, discard_first=False)
    s2.feed(b"x" * held)
    assert s2.feed(b"y" * (10 - held) + b"\n") == [b"x" * held + b"y" * (10 - held)]
    assert s2.overlong == 0


def test_a_line_split_across_many_chunks_is_cut_at_one_over() -> None:
    line = bytes(range(97, 97 + 11))  # 11 bytes, cap 10
    s = LineSplitter(max_line_bytes=10, discard_first=False)
    out = [x for i in range(0, 11, 3) for x in s.feed(line[i : i + 3])]
    out += s.feed(b"\r\nz\r\n")
    assert out == [b"z"]
    assert s.overlong == 1


def test_default_cap_is_64_kb() -> None:
    assert MAX_LINE_BYTES == 64 * 1024
    s = LineSplitter(discard_first=False)
    assert s.feed(b"z" * MAX_LINE_BYTES + b"\n") == [b"z" * MAX_LINE_BYTES]
    assert s.feed(b"z" * (MAX_LINE_BYTES + 1) + b"\nok:1\n") == [b"ok:1"]
    assert s.overlong == 1


def test_byte_at_a_time_equals_one_read() -> None:
    data = b"junk\r\na:1 b:2\r\nc=3\r\r\n4,5\n" + b"q" * 300 + b"\n1 2 3\n"
    whole = LineSplitter(max_line_bytes=200)
    one = whole.feed(data)
    drip = LineSplitter(max_line_bytes=200)
    dripped = [line for i in range(len(data)) for line in drip.feed(data[i : i + 1])]
    assert [x for x in one if x] == [x for x in dripped if x]
    assert (whole.partial, whole.overlong) == (drip.partial, drip.overlong) == (1, 1)


# --- Arduino Serial Plotter format ------------------------------------------------------------


def test_labelled_values_with_every_separator() -> None:
    p = parse(["a:1 b:2", "a:3\tb:4", "a:5,b:6", "a=7, b=8", "a:9 ,  b:10"])
    assert p.n_rows == 5
    assert col(p, "a") == [1, 3, 5, 7, 9]
    assert col(p, "b") == [2, 4, 6, 8, 10]
    assert p.bad_lines == p.bad_fields == 0


def test_bare_values_are_named_by_position() -> None:
    p = parse(["1 2 3", "4\t5\t6", "7,8,9"])
    assert list(p.columns) == ["value1", "value2", "value3"]
    assert col(p, "value3") == [3, 6, 9]


def test_label_only_line_names_following_bare_values() -> None:
    p = parse(["Temp:\tHum:", "21.5\t40", "22.0\t41", "x:5"])
    assert list(p.columns) == ["Temp", "Hum", "x"]
    assert col(p, "Temp") == [21.5, 22.0, None]
    assert col(p, "x") == [None, None, 5]
    assert p.headers == 1
    assert p.rows.tolist() == [1, 2, 3]


def test_csv_style_header_in_plotter_format() -> None:
    parser = LineParser("arduino")
    p = parser.parse([b"temp,hum,light", b"21.5,40,300", b"21.6,,301"])
    assert list(p.columns) == ["temp", "hum", "light"]
    assert col(p, "hum") == [40, None]  # an empty field is a missing value, not a shift
    assert col(p, "light") == [300, 301]
    assert parser.header == ["temp", "hum", "light"]


def test_single_identifier_is_a_header_but_a_text_banner_is_a_bad_line() -> None:
    p = parse(["distance", "12", "13", "Starting sensor v1.2 ..."])
    assert col(p, "distance") == [12, 13]
    assert p.bad_lines == 1
    assert "Starting" in p.errors[0]


def test_header_can_change_when_a_board_resets() -> None:
    p = parse(["a,b", "1,2", "c,d", "3,4"])
    assert col(p, "a") == [1, None]
    assert col(p, "c") == [None, 3]
    assert p.headers == 2


def test_extra_bare_values_get_positional_names() -> None:
    p = parse(["x:\ty:", "1 2 3"])
    assert list(p.columns) == ["x", "y", "value3"]


def test_mixed_labelled_and_bare_fields() -> None:
    p = parse(["a:1 2 c:3"])
    assert {k: col(p, k) for k in p.columns} == {"a": [1], "value2": [2], "c": [3]}


def test_a_bad_field_drops_only_that_field() -> None:
    p = parse(["a:1 b:oops c:3", "a:2 b:5 c:6"])
    assert col(p, "a") == [1, 2]
    assert col(p, "b") == [None, 5]
    assert col(p, "c") == [3, 6]
    assert p.bad_fields == 1
    assert p.bad_lines == 0
    assert "b:oops" in p.field_errors[0]


def test_bare_text_inside_a_data_line_is_a_bad_field() -> None:
    p = parse(["1 x 3"])
    assert {k: col(p, k) for k in p.columns} == {"value1": [1], "value3": [3]}
    assert p.bad_fields == 1


@pytest.mark.parametrize(
    "line",
    [
        "!!!!",
        "a:x b:y",
        ":5",
        "hello world",
        "\x00\x01\x02",
        "a::",
        "=",
    ],
)
def test_bad_lines_are_counted(line: str) -> None:
    p = parse([line, "a:1"])
    assert p.bad_lines == 1
    assert p.n_rows == 1
    assert p.rows.tolist() == [1]


def test_nan_is_missing_and_infinity_is_a_bad_field() -> None:
    p = parse(["a:nan b:1", "a:inf b:2", "a:1e999 b:3", "a:-1e308 b:4"])
    assert col(p, "a") == [None, None, None, -1e308]
    assert col(p, "b") == [1, 2, 3, 4]
    assert p.bad_fields == 2


def test_invalid_labels_are_bad_fields() -> None:
    long = "L" * 100
    p = parse([f"{long}:1 ok:2", b"\xff\xfe:3 ok:4", "\x07bell:5 ok:6"])
    assert list(p.columns) == ["ok"]
    assert p.bad_fields == 3


def test_channel_cap_is_explicit() -> None:
    parser = LineParser()
    line = " ".join(f"c{i}:{i}" for i in range(MAX_CHANNELS + 6))
    p = parser.parse([line.encode(), b"c0:5 c70:1"])
    assert len(p.columns) == MAX_CHANNELS
    assert p.capped_fields == 6 + 1
    assert parser.capped_names[:3] == ["c64", "c65", "c66"]
    assert "c70" in parser.capped_names
    assert p.bad_lines == 0
    assert parser.totals["capped_fields"] == 7


def test_channel_cap_can_be_set() -> None:
    parser = LineParser(max_channels=2)
    p = parser.parse([b"1 2 3 4", b"a:1"])
    assert list(p.columns) == ["value1", "value2"]
    assert p.capped_fields == 3
    assert p.n_rows == 1  # the second line had only a refused channel: counted, not "bad"
    assert p.bad_lines == 0


def test_rows_keep_missing_channels_as_nan() -> None:
    p = parse(["a:1", "b:2", "", "   ", "a:3 b:4"])
    assert p.rows.tolist() == [0, 1, 4]
    assert col(p, "a") == [1, None, 3]
    assert col(p, "b") == [None, 2, 4]


def test_labels_survive_batches() -> None:
    parser = LineParser()
    parser.parse([b"x:\ty:"])
    p = parser.parse([b"1 2"])
    assert list(p.columns) == ["x", "y"]
    assert parser.names == ["x", "y"]
    assert parser.totals["headers"] == 1


def test_columns_are_float64_and_aligned() -> None:
    p = parse([f"a:{i} b:{i * 2}" for i in range(1000)])
    for v in p.columns.values():
        assert v.dtype == np.float64
        assert len(v) == p.n_rows == 1000
    assert np.array_equal(p.columns["b"], np.arange(1000) * 2.0)


# --- JSON -------------------------------------------------------------------------------------

SENSOR_FRAME = (
    '{"timestamp":1699123456789,"cameraActive":true,"personas":[{"posicion":"izquierda",'
    '"distancia":"1.2m","expresion":"feliz","gesto":"saludo"}],"objetos":[]}'
)


def test_flat_json_numbers() -> None:
    p = parse(['{"dist_cm": 87, "ax": 0.01, "led": true, "note": null}'])
    assert {k: col(p, k) for k in p.columns} == {"dist_cm": [87], "ax": [0.01], "led": [1]}
    assert p.bad_fields == 0


def test_nested_json_is_flattened_and_bad_values_dropped() -> None:
    p = parse(['{"imu": {"ax": 1, "g": {"z": 2}}, "s": "3.5", "name": "x", "arr": [1]}'])
    assert {k: col(p, k) for k in p.columns} == {"imu.ax": [1], "imu.g.z": [2], "s": [3.5]}
    assert p.bad_fields == 2


def test_json_array_is_positional() -> None:
    p = parse(["[1, 2.5, null, 4]"])
    assert {k: col(p, k) for k in p.columns} == {"value1": [1], "value2": [2.5], "value4": [4]}


def test_sensor_frame_becomes_a_frame() -> None:
    parser = LineParser(frame_device="board")
    p = parser.parse([SENSOR_FRAME.encode(), b"a:1"], arrival_ms=[1000.0, 1001.0])
    assert len(p.frames) == 1
    f = p.frames[0]
    assert isinstance(f, Frame)
    assert (f.device_id, f.arrival_ms, f.timestamp_ms) == ("board", 1000.0, 1699123456789)
    assert f.people[0].position == "izquierda"
    assert p.rows.tolist() == [1]


@pytest.mark.parametrize(
    "line",
    [
        '{"personas": 5}',
        '{"cameraActive": "yes"}',
        "{not json",
        '{"a": "x"}',
        "{}",
        '"text"',
        "[",
        '{"a": ' * 5000,
        "[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]",
    ],
)
def test_bad_json_lines_are_counted(line: str) -> None:
    p = parse([line, "a:1"])
    assert p.bad_lines == 1
    assert p.frames == ()
    assert p.n_rows == 1


def test_json_format_refuses_plotter_lines() -> None:
    p = parse(['{"a": 1}', "a:1 b:2"], fmt="json")
    assert p.n_rows == 1
    assert p.bad_lines == 1


def test_arduino_format_does_not_read_json() -> None:
    p = parse(['{"a": 1}'], fmt="arduino")
    assert p.n_rows == 0
    assert p.bad_lines == 1


def test_huge_json_numbers_are_bad_fields() -> None:
    p = parse(['{"a": 1e999, "b": 123456789012345678901234567890, "c": 1}'])
    assert col(p, "c") == [1]
    assert "a" not in p.columns or col(p, "a") == [None]
    assert p.bad_fields == 2


# --- CSV --------------------------------------------------------------------------------------


def test_csv_with_header() -> None:
    p = parse(["time,temp,hum", "1,21.5,40", "2,21.6,41"], fmt="csv")
    assert list(p.columns) == ["time", "temp", "hum"]
    assert col(p, "temp") == [21.5, 21.6]
    assert p.headers == 1


def test_csv_semicolons_quotes_and_empty_fields() -> None:
    p = parse(['"t";"a b";"c"', '1;"2.5";', "2;;7", "3;x;8"], fmt="csv")
    assert list(p.columns) == ["t", "a b", "c"]
    assert col(p, "a b") == [2.5, None, None]
    assert col(p, "c") == [None, 7, 8]
    assert p.bad_fields == 1


def test_csv_tab_separated_and_header_reprinted() -> None:
    p = parse(["x\ty", "1\t2", "x\ty", "3\t4"], fmt="csv")
    assert col(p, "y") == [2, 4]
    assert p.headers == 2


def test_csv_without_header_uses_positions() -> None:
    p = parse(["1,2", "3,4"], fmt="csv")
    assert list(p.columns) == ["value1", "value2"]


def test_csv_bad_lines() -> None:
    p = parse(["a,b", ",,,", "1,2"], fmt="csv")
    assert p.bad_lines == 1
    assert p.n_rows == 1


# --- auto -------------------------------------------------------------------------------------


def test_auto_reads_every_format_in_one_stream() -> None:
    lines = [
        "temp,hum",
        "21.5,40",
        '{"dist_cm": 87}',
        SENSOR_FRAME,
        "a:1 b=2",
        "garbage!!",
    ]
    parser = LineParser()
    p = parser.parse([x.encode() for x in lines], arrival_ms=np.arange(6.0))
    assert list(p.columns) == ["temp", "hum", "dist_cm", "a", "b"]
    assert p.rows.tolist() == [1, 2, 4]
    assert len(p.frames) == 1
    assert p.frames[0].arrival_ms == 3.0
    assert p.bad_lines == 1
    assert parser.totals["frames"] == 1


def test_parse_format() -> None:
    assert parse_format("AUTO") is LineFormat.AUTO
    assert parse_format("plotter") is LineFormat.ARDUINO
    with pytest.raises(ValueError, match="unknown line format"):
        parse_format("xml")


# --- fuzzing ----------------------------------------------------------------------------------

TOKENS = st.sampled_from(
    [
        b"a",
        b"b",
        b"temp",
        b":",
        b"=",
        b",",
        b";",
        b" ",
        b"\t",
        b"1",
        b"-2.5",
        b"1e3",
        b"nan",
        b"inf",
        b"{",
        b"}",
        b"[",
        b"]",
        b'"',
        b"\xff",
        b"\x00",
        b"personas",
        b"0x1",
        b"1_0",
    ]
)
STRUCTURED_LINE = st.lists(TOKENS, max_size=30).map(b"".join)
ANY_LINE = st.binary(max_size=200)
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_shape(p: ParsedLines, n_lines: int) -> None:
    assert p.rows.dtype == np.intp
    assert np.all(np.diff(p.rows) > 0)
    if p.rows.size:
        assert p.rows[0] >= 0
        assert p.rows[-1] < n_lines
    for v in p.columns.values():
        assert v.shape == (p.n_rows,)
        assert not np.isinf(v).any()
    assert min(p.bad_lines, p.bad_fields, p.capped_fields) >= 0
    assert p.n_rows + p.bad_lines + p.headers + len(p.frames) <= n_lines


@FUZZ
@given(
    lines=st.lists(st.one_of(ANY_LINE, STRUCTURED_LINE), max_size=20),
    fmt=st.sampled_from(list(LineFormat)),
)
def test_fuzz_parser_never_raises(lines: list[bytes], fmt: LineFormat) -> None:
    parser = LineParser(fmt, max_channels=8)
    p = parser.parse(lines, arrival_ms=np.zeros(len(lines)))
    check_shape(p, len(lines))
    assert len(parser.names) <= 8
    p2 = parser.parse(lines)  # a second batch with the state the first left behind
    check_shape(p2, len(lines))


@FUZZ
@given(
    data=st.binary(max_size=2000),
    cuts=st.lists(st.integers(0, 2000), max_size=12),
    discard=st.booleans(),
)
def test_fuzz_splitter_never_raises_and_respects_the_cap(
    data: bytes, cuts: list[int], discard: bool
) -> None:
    s = LineSplitter(max_line_bytes=64, discard_first=discard)
    edges = [0, *sorted(c % (len(data) + 1) for c in cuts), len(data)]
    out: list[bytes] = []
    for a, b in itertools.pairwise(edges):
        out += s.feed(data[a:b])
    for line in out:
        assert b"\n" not in line
        assert b"\r" not in line
        assert len(line) <= 64
    assert s.pending <= 64
    whole = LineSplitter(max_line_bytes=64, discard_first=discard)
    assert [x for x in whole.feed(data) if x] == [x for x in out if x]


@FUZZ
@given(data=st.binary(max_size=3000))
def test_fuzz_bytes_through_both_stages(data: bytes) -> None:
    s = LineSplitter(max_line_bytes=256, discard_first=False)
    lines = s.feed(data)
    check_shape(LineParser().parse(lines), len(lines))


@FUZZ
@given(text=st.text(max_size=20))
def test_fuzz_parse_format_raises_only_value_error(text: str) -> None:
    with contextlib.suppress(ValueError):
        parse_format(text)


# --- recorded sample blocks (the recording's "samples" records) ------------------------------


def test_samples_record_round_trip() -> None:
    t = np.array([1000.0, 1001.0, 1002.0])
    cols = {"a": np.array([1.0, np.nan, 3.0]), "b": np.array([4.0, 5.0, 6.0])}
    parser = RecordingParser()
    block = parser.feed(samples_line("board", t, cols))
    assert isinstance(block, SampleBlock)
    assert block.device_id == "board"
    assert block.arrival_ms == 1002.0
    assert len(block) == 3
    assert np.array_equal(block.t_ms, t)
    assert np.array_equal(block.columns["a"], cols["a"], equal_nan=True)


@pytest.mark.parametrize(
    "record",
    [
        {"type": "samples", "t": [], "values": {}},
        {"type": "samples", "t": [2, 1], "values": {}},
        {"type": "samples", "t": [1, "2"], "values": {}},
        {"type": "samples", "t": [1, True], "values": {}},
        {"type": "samples", "t": [[1]], "values": {}},
        {"type": "samples", "t": [1], "values": {"a": [1, 2]}},
        {"type": "samples", "t": [1], "values": {"a": "x"}},
        {"type": "samples", "t": [1], "values": [1]},
        {"type": "samples", "t": [1], "device": 5, "values": {}},
        {"type": "samples", "t": [10**400], "values": {}},
    ],
)
def test_bad_samples_records_are_counted(record: dict[str, object]) -> None:
    parser = RecordingParser()
    assert parser.feed(json.dumps(record)) is None
    assert parser.bad_lines == 1


JSON_LEAF = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=5)
)
JSON_VALUE = st.recursive(
    JSON_LEAF,
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=5), inner, max_size=5)
    ),
    max_leaves=20,
)


@FUZZ
@given(t=JSON_VALUE, values=JSON_VALUE, device=JSON_VALUE)
def test_fuzz_samples_records_only_count_problems(
    t: object, values: object, device: object
) -> None:
    parser = RecordingParser()
    text = json.dumps({"type": "samples", "t": t, "values": values, "device": device})
    r = parser.feed(text)
    assert r is None or isinstance(r, SampleBlock)
    assert parser.bad_lines == (r is None)
    if isinstance(r, SampleBlock):
        assert all(len(v) == len(r.t_ms) for v in r.columns.values())
        assert not any(np.isinf(v).any() for v in r.columns.values())


@FUZZ
@given(data=st.binary(max_size=300))
def test_fuzz_recording_parser_with_bytes(data: bytes) -> None:
    parser = RecordingParser()
    for line in data.split(b"\n"):
        parser.feed(line)
    assert parser.bad_lines <= parser.line_no
