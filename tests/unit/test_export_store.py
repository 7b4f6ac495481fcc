"""CSV export of the session in memory: channel stores and description lists.

Values go in through a real :class:`ChannelStore` (as the session fills it), come out as CSV
files, are read back with the ``csv`` module and compared with what went in. The last test
replays a demo recording through a real Session and checks that exporting the session's
store gives the rows the recording export gives.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import json
import math
import os
import stat
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from intelivision_desktop.core.channels import CAMERA_CHANNELS, ChannelStore
from intelivision_desktop.core.embedded import RulesAnalyzer
from intelivision_desktop.core.export import (
    DESCRIPTION_COLUMNS,
    TIME_COLUMNS,
    TimeRange,
    channels_csv,
    elapsed_text,
    elapsed_texts,
    export_paths,
    iso_time,
    iso_times,
    number_text,
    number_texts,
    ordered_channels,
    parse_number,
    store_table,
    table_csv,
)
from intelivision_desktop.core.model import Description
from intelivision_desktop.core.recording import SampleBlock
from intelivision_desktop.core.session import Session
from intelivision_desktop.io.export import (
    ExportError,
    export_csv,
    export_descriptions_list_csv,
    export_store_csv,
    write_bytes,
)
from intelivision_desktop.io.recorder import JsonlRecorder
from intelivision_desktop.io.resources import demo_recording
from intelivision_desktop.io.sources import ReplaySource

T0_MS = 1_767_000_000_000  # whole ms, as devices and the session clock give them
SCENARIO_TIMEOUT_S = 30.0


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def parse_iso_ms(text: str) -> int:
    """ISO 8601 (with offset) back to epoch ms."""
    t = dt.datetime.fromisoformat(text)
    assert t.utcoffset() == dt.timedelta(0), text
    return round(t.timestamp() * 1000)


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def serial_store(n: int = 2000, capacity: int = 10_000) -> tuple[ChannelStore, dict[str, object]]:
    """A board's store filled in blocks, as ``Session.push_samples`` does: an integer ADC
    column, a float column with NaN gaps, and a column that starts late."""
    t_ms = T0_MS + 2 * np.arange(n)  # 500 Hz, whole ms
    k = np.arange(n, dtype=np.float64)
    adc = np.floor(512 + 400 * np.sin(k / 50))
    volts = np.round(np.cos(k / 7) * 3.3, 4)
    volts[::9] = math.nan
    late = k * 0.1 + 0.05
    store = ChannelStore(capacity)
    half = n // 2
    store.extend(t_ms[:half] / 1000.0, {"adc": adc[:half], "volts": volts[:half]})
    store.extend(
        t_ms[half:] / 1000.0, {"adc": adc[half:], "volts": volts[half:], "late": late[half:]}
    )
    late_all = np.where(np.arange(n) < half, math.nan, late)
    return store, {"t_ms": t_ms, "adc": adc, "volts": volts, "late": late_all}


# --- vectorised formatting equals the per-value formatting ------------------------------------


@st.composite
def columns(draw: st.DrawFn) -> list[float]:
    """Float columns, often with repeated values (so both formatting paths are taken)."""
    pool = draw(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=1, max_size=40))
    picks = draw(st.lists(st.integers(0, len(pool) - 1), max_size=400))
    extra = draw(st.lists(st.floats(allow_nan=True), max_size=50))
    return [pool[i] for i in picks] + extra


@given(columns())
def test_number_texts_equal_number_text(values: list[float]) -> None:
    arr = np.array(values, dtype=np.float64)
    assert number_texts(arr) == [number_text(v) for v in values]


def test_number_texts_of_a_repetitive_column_and_special_values() -> None:
    values = [0.0, -0.0, 3.0, 1.2, 0.1 + 0.2, math.nan, math.inf, -math.inf, 2.0**53, 1e-5]
    col = np.array(values * 50)
    assert number_texts(col) == [number_text(v) for v in col.tolist()]
    assert number_texts(col)[:10] == [
        "0",
        "0",
        "3",
        "1.2",
        "0.30000000000000004",
        "",
        "inf",
        "-inf",
        "9007199254740992.0",
        "1e-05",
    ]


@given(
    st.lists(
        st.one_of(
            st.floats(0, 4e12),
            st.integers(0, 4_000_000_000).map(lambda s: s * 1000 + 999.9995),  # rounding edge
            st.integers(0, 4_000_000_000_000).map(lambda ms: ms + 0.0005),
        ),
        max_size=60,
    )
)
def test_iso_times_equal_iso_time(values: list[float]) -> None:
    assert iso_times(np.array(values, dtype=np.float64)) == [iso_time(v) for v in values]


@given(st.lists(st.floats(0, 4e12), max_size=60), st.floats(0, 4e12))
def test_elapsed_texts_equal_elapsed_text(values: list[float], origin: float) -> None:
    got = elapsed_texts(np.array(values, dtype=np.float64), origin)
    assert got == [elapsed_text(v, origin) for v in values]


def test_column_order_is_the_recording_exports() -> None:
    assert ordered_channels(["a1", "smile", "people", "a0", "latency_ms", "people"]) == [
        "people",
        "smile",
        "latency_ms",
        "a1",
        "a0",
    ]


# --- store → CSV → back ---------------------------------------------------------------------


def check_rows(rows: list[dict[str, str]], data: dict[str, object], idx: np.ndarray) -> None:
    """Each CSV row against the input arrays at ``idx``; elapsed from the first row."""
    t_ms = data["t_ms"]
    assert isinstance(t_ms, np.ndarray)
    assert len(rows) == len(idx)
    first = int(t_ms[idx[0]])
    for row, i in zip(rows, idx, strict=True):
        assert parse_iso_ms(row["time"]) == int(t_ms[i])
        assert float(row["elapsed_s"]) == pytest.approx((int(t_ms[i]) - first) / 1000, abs=1e-9)
        assert row["device"] == "board"
        for name in ("adc", "volts", "late"):
            col = data[name]
            assert isinstance(col, np.ndarray)
            assert same(parse_number(row[name]), float(col[i])), (name, i, row[name])


def test_store_round_trip_everything(tmp_path: Path) -> None:
    store, data = serial_store()
    out = tmp_path / "all.csv"
    result = export_store_csv(store, out, device="board")
    names, rows = read_csv(out)
    assert names == [*TIME_COLUMNS, "adc", "volts", "late"]
    assert result.path == out
    assert result.rows == 2000
    assert result.columns == ("adc", "volts", "late")
    check_rows(rows, data, np.arange(2000))
    assert rows[0]["elapsed_s"] == "0.000000"
    assert rows[0]["late"] == ""  # before the column existed: empty, as NaN
    assert rows[9]["volts"] == ""
    assert out.read_bytes().count(b"\r\n") == 2001
    assert [p.name for p in tmp_path.iterdir()] == ["all.csv"]  # no temporary left


def test_store_round_trip_sub_range(tmp_path: Path) -> None:
    store, data = serial_store()
    t_ms = data["t_ms"]
    assert isinstance(t_ms, np.ndarray)
    # 1.0005 s to 2.5005 s after the start: the bounds fall between samples
    window = TimeRange.from_seconds((T0_MS + 1000.5) / 1000, (T0_MS + 2500.5) / 1000)
    out = tmp_path / "part.csv"
    result = export_store_csv(store, out, window, device="board")
    _, rows = read_csv(out)
    idx = np.flatnonzero((t_ms >= T0_MS + 1000.5) & (t_ms <= T0_MS + 2500.5))
    assert result.rows == len(idx) == 750
    check_rows(rows, data, idx)  # elapsed from the first exported row
    # inclusive bounds, exactly on samples
    exact = export_store_csv(
        store, tmp_path / "exact.csv", TimeRange(T0_MS + 1000, T0_MS + 1010), device="board"
    )
    _, rows = read_csv(exact.path)
    assert [parse_iso_ms(r["time"]) for r in rows] == list(range(T0_MS + 1000, T0_MS + 1011, 2))


def test_explicit_origin_and_an_empty_range(tmp_path: Path) -> None:
    store, _ = serial_store(100)
    r = export_store_csv(
        store, tmp_path / "o.csv", TimeRange(T0_MS + 10, None), device="board", origin_ms=T0_MS
    )
    _, rows = read_csv(r.path)
    assert rows[0]["elapsed_s"] == "0.010000"
    empty = export_store_csv(store, tmp_path / "e.csv", TimeRange(0, 1), device="board")
    assert empty.rows == 0
    assert read_csv(empty.path) == ([*TIME_COLUMNS, "adc", "volts", "late"], [])
    none = export_store_csv(ChannelStore(8), tmp_path / "n.csv", device="x")
    assert none.rows == 0
    assert (tmp_path / "n.csv").read_bytes() == b"time,elapsed_s,device\r\n"


def test_a_wrapped_ring_exports_its_newest_rows_in_order(tmp_path: Path) -> None:
    store, data = serial_store(n=2000, capacity=700)  # the oldest 1300 rows fell off
    r = export_store_csv(store, tmp_path / "w.csv", device="board")
    _, rows = read_csv(r.path)
    check_rows(rows, data, np.arange(1300, 2000))


def test_camera_rows_appended_one_by_one(tmp_path: Path) -> None:
    """As ``Session.push_frames`` fills a camera device's store (seconds, a row each)."""
    store = ChannelStore(64)
    frames = [
        (T0_MS + 0, {"people": 1.0, "objects": 2.0, "nearest_person_m": 1.2, "smile": 0.76}),
        (T0_MS + 201, {"people": 0.0, "objects": 2.0, "nearest_person_m": math.nan}),
        (T0_MS + 403, {"people": 2.0, "objects": 0.0, "latency_ms": 412.25}),
    ]
    for t, values in frames:
        store.append(t / 1000.0, values)
    r = export_store_csv(store, tmp_path / "cam.csv", device="phone 1, left")
    names, rows = read_csv(r.path)
    camera = [c.name for c in CAMERA_CHANNELS]
    want_cols = [c for c in camera if any(c in v for _, v in frames)]
    assert names == [*TIME_COLUMNS, *want_cols]
    for row, (t, values) in zip(rows, frames, strict=True):
        assert parse_iso_ms(row["time"]) == t
        assert row["device"] == "phone 1, left"  # quoted in the file, read back whole
        for c in want_cols:
            assert same(parse_number(row[c]), values.get(c, math.nan)), (c, row[c])
    assert rows[1]["elapsed_s"] == "0.201000"


def test_same_text_as_the_recording_export_of_the_same_samples() -> None:
    store, data = serial_store(300)
    table = store_table(store, "board")
    t_ms = data["t_ms"]
    assert isinstance(t_ms, np.ndarray)
    block = SampleBlock(
        "board",
        t_ms.astype(np.float64),
        {k: v for k, v in data.items() if k != "t_ms" and isinstance(v, np.ndarray)},
    )
    assert table_csv(table) == channels_csv([block])


def test_a_table_is_a_copy_the_store_can_overwrite() -> None:
    store, data = serial_store(100, capacity=100)
    table = store_table(store, "board")
    before = table_csv(table)
    store.extend(np.array([T0_MS / 1000 + 99.0] * 50), {"adc": np.full(50, -1.0)})
    assert table_csv(table) == before
    adc = data["adc"]
    assert isinstance(adc, np.ndarray)
    assert table.columns["adc"].tolist() == adc.tolist()


def test_existing_files_and_unwritable_folders(tmp_path: Path) -> None:
    store, _ = serial_store(10)
    out = tmp_path / "x.csv"
    out.write_text("keep", encoding="utf-8")
    with pytest.raises(ExportError, match="already exists"):
        export_store_csv(store, out, device="board")
    assert out.read_text(encoding="utf-8") == "keep"
    assert export_store_csv(store, out, device="board", overwrite=True).rows == 10
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(ExportError, match="cannot write"):
        export_store_csv(store, blocker / "sub" / "y.csv", device="board")
    with pytest.raises(ExportError, match="cannot write"):
        write_bytes(blocker / "p.png", b"\x89PNG")


def test_export_paths() -> None:
    folder = Path("/data/out")
    p = export_paths(folder, " 20260101-101010-board ")
    assert p.channels == folder / "20260101-101010-board.csv"
    assert p.descriptions == folder / "20260101-101010-board.descriptions.csv"
    assert p.plots == folder / "20260101-101010-board.png"
    assert export_paths(folder, "x.csv").channels == folder / "x.csv"
    for bad in ("", "  ", "a/b", "..", "a\\b"):
        with pytest.raises(ExportError, match="not a file name"):
            export_paths(folder, bad)


# --- descriptions held in memory -----------------------------------------------------------


def test_description_list_round_trip(tmp_path: Path) -> None:
    descs = [
        Description("cam", "Persona alegre izquierda", T0_MS + 2000, "rules", False, 0.25),
        Description("cam", 'Señal "alto", peatón', T0_MS + 4000, "bedrock-agent", True, None),
        Description("cam", "Coche se acerca", T0_MS + 6000, "rules", False, 1.5),
    ]
    out = tmp_path / "d.descriptions.csv"
    r = export_descriptions_list_csv(descs, out, TimeRange(T0_MS + 3000, None))
    names, rows = read_csv(out)
    assert names == list(DESCRIPTION_COLUMNS)
    assert r.rows == len(rows) == 2
    for row, d in zip(rows, descs[1:], strict=True):
        assert parse_iso_ms(row["time"]) == d.t_ms
        assert float(row["elapsed_s"]) == pytest.approx((d.t_ms - descs[1].t_ms) / 1000)
        assert row["device"] == d.device_id
        assert row["text"] == d.text
        assert row["source"] == d.source
        assert row["fallback"] == ("true" if d.fallback else "false")
        assert same(parse_number(row["latency_ms"]), d.latency_ms or math.nan)
    with_origin = export_descriptions_list_csv(descs, tmp_path / "o.csv", origin_ms=T0_MS)
    _, rows = read_csv(with_origin.path)
    assert [r["elapsed_s"] for r in rows] == ["2.000000", "4.000000", "6.000000"]


# --- the session's store against the recording export --------------------------------------


def test_session_store_export_matches_the_recording_export(tmp_path: Path) -> None:
    """car_and_dog replayed at max speed (anchor=recording, replay's default) through a real
    Session with the rules analyzer, recorded; the store's export against the export of the
    demo file and of the session's own recording."""
    demo = demo_recording("car_and_dog")
    source = ReplaySource(demo, speed=None)
    analyzer = RulesAnalyzer()
    rec = tmp_path / "session.jsonl"
    session = Session(source, analyzer, JsonlRecorder(rec, source=source.url, analyzer="rules"))

    async def scenario() -> None:
        async with asyncio.timeout(SCENARIO_TIMEOUT_S):
            await session.run(None)

    asyncio.run(scenario())
    assert list(session.stores) == ["replay"]
    store = session.stores["replay"]
    lines = demo.read_text(encoding="utf-8").splitlines()
    assert len(store) == len(lines) == 445  # nothing fell off the history

    mine = export_store_csv(store, tmp_path / "store.csv", device="replay")
    theirs, _ = export_csv(demo, tmp_path / "file.csv")
    recorded, recorded_descs = export_csv(rec, tmp_path / "rec.csv")
    names, rows = read_csv(mine.path)
    # a store also holds the latency of the last description (a session value, not a
    # frame's) once a description has one; the rules analyzer's have none
    latencies = {d.latency_ms for d in session.descriptions if d.latency_ms is not None}
    extra = ["latency_ms"] if latencies else []
    for other in (theirs, recorded):
        other_names, other_rows = read_csv(other.path)
        assert mine.rows == other.rows == len(rows) == len(other_rows) == 445
        assert names == [*other_names, *extra]
        for row, want in zip(rows, other_rows, strict=True):
            assert {k: row[k] for k in other_names} == want
    # the first frame's time in the file is both exports' origin
    first_ms = float(json.loads(lines[0])["timestamp"])
    assert rows[0]["time"] == iso_time(first_ms)
    assert rows[0]["elapsed_s"] == "0.000000"
    assert {parse_number(r["latency_ms"]) for r in rows if r.get("latency_ms")} <= latencies

    # descriptions in memory = descriptions in the session's recording, same origin
    first_row_ms = parse_iso_ms(rows[0]["time"])
    d = export_descriptions_list_csv(
        session.descriptions, tmp_path / "store.descriptions.csv", origin_ms=first_row_ms
    )
    assert d.rows == recorded_descs.rows == len(session.descriptions) > 0
    assert read_csv(d.path) == read_csv(recorded_descs.path)


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX file modes")
def test_exported_files_are_readable_by_others(tmp_path: Path) -> None:
    store = ChannelStore(16)
    store.append(1_767_000_000.0, {"adc": 1.0})
    out = tmp_path / "shared.csv"
    export_store_csv(store, out, device="board")
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    assert not list(tmp_path.glob(".*.part"))
