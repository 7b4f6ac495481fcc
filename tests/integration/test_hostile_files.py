"""Hostile lines in recordings and frame files (issue 17 §3–§4): replay, the timeline index,
the recordings browser's reader, CSV export and the recorder count them and go on.

Every scenario runs the real readers on real files; bad lines sit between good ones, at the
head (where a replay reads its first time) and at the tail (where it reads its last).
"""

from __future__ import annotations

import asyncio
import csv
import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intelivision_desktop.core.embedded import RulesAnalyzer
from intelivision_desktop.core.model import Description, Frame
from intelivision_desktop.core.recording import (
    RecordingParser,
    description_line,
    frame_line,
    header_line,
)
from intelivision_desktop.core.session import Session
from intelivision_desktop.io.export import export_csv, scan_recording, summarize_recording
from intelivision_desktop.io.recorder import JsonlRecorder, RecordPartlyFailed
from intelivision_desktop.io.sources import DemoSource, ReplaySource
from intelivision_desktop.io.timeline_index import last_time, line_time, offset_at, time_span

SCENARIO_TIMEOUT_S = 30.0
T0 = 1_767_000_000_000

HUGE_T = '{"type":"frame","t":' + "1" * 400 + ',"device":"d","data":{"personas":[]}}'
"""A frame record whose time is a 400-digit integer."""
HUGE_T_PLAIN = '{"timestamp":' + "1" * 400 + '.5,"personas":[],"objetos":[]}'
"""A plain wire frame whose timestamp is a 400-digit float (inf to Python's json)."""
DEEP = '{"type":"frame","t":1,"device":"d","data":' + "[" * 5_000 + "]" * 5_000 + "}"
"""A frame record nested 5,000 deep (RecursionError to Python's json)."""
DEEP_PLAIN = '{"timestamp":1,"deep":' + "[" * 5_000 + "]" * 5_000 + "}"


def good_wire(i: int) -> dict[str, Any]:
    return {
        "timestamp": T0 + 200 * i,
        "cameraActive": True,
        "personas": [{"posicion": "frente", "expresion": "feliz", "gesto": "ninguno"}],
        "objetos": [{"tipo": "car", "movimiento": "se_acerca", "direccion": "derecha"}],
    }


def good_record(i: int) -> str:
    return json.dumps({"type": "frame", "t": T0 + 200 * i, "device": "d", "data": good_wire(i)})


def hostile_file(path: Path, *, plain: bool, n: int = 20, at: tuple[int, ...] = (1, 10)) -> Path:
    """``n`` good frames with the two bad lines inserted before the frames numbered ``at``
    (``n`` puts one after the last good frame)."""
    bad = [HUGE_T_PLAIN, DEEP_PLAIN] if plain else [HUGE_T, DEEP]
    lines = (
        [] if plain else [header_line(app_version="t", created_ms=1.0, source="s", analyzer="a")]
    )
    for i in range(n + 1):
        for k, where in enumerate(at):
            if where == i:
                lines.append(bad[k])
        if i < n:
            lines.append(json.dumps(good_wire(i)) if plain else good_record(i))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(session: Session) -> None:
    async def scenario() -> None:
        async with asyncio.timeout(SCENARIO_TIMEOUT_S):
            await session.run(None)

    asyncio.run(scenario())


def replayed_timestamps(session: Session) -> list[int | None]:
    got: list[int | None] = []
    session.subscribe(lambda e: got.extend(f.timestamp_ms for f in getattr(e, "frames", ())))
    run(session)
    return got


PLACES = [(1, 10), (0, 20), (20, 20), (0, 0)]
PLACE_IDS = ["middle", "head-and-tail", "tail", "head"]


# --- replay ------------------------------------------------------------------------------


@pytest.mark.parametrize("plain", [False, True], ids=["recording", "plain-frames"])
@pytest.mark.parametrize("at", PLACES, ids=PLACE_IDS)
def test_replay_skips_and_counts_a_huge_number_line_and_a_deep_line(
    tmp_path: Path, plain: bool, at: tuple[int, int]
) -> None:
    path = hostile_file(tmp_path / "in.jsonl", plain=plain, at=at)
    session = Session(ReplaySource(path, speed=None), RulesAnalyzer())
    got = replayed_timestamps(session)
    assert got == [T0 + 200 * i for i in range(20)]
    c = session.counters()
    assert c.malformed == 2
    assert c.problems.get("malformed") == 2
    assert session.states["source"][0].value == "finished"


def test_demo_source_skips_and_counts_them_too(tmp_path: Path) -> None:
    a = hostile_file(tmp_path / "a.jsonl", plain=False, at=(0, 20))
    b = hostile_file(tmp_path / "b.jsonl", plain=True, at=(5, 6))
    source = DemoSource([a, b], speed=None, loop=False)
    session = Session(source, RulesAnalyzer())
    got = replayed_timestamps(session)
    assert len(got) == 40
    assert session.counters().malformed == 4


def test_a_replay_sought_into_a_hostile_file_plays_the_rest(tmp_path: Path) -> None:
    path = hostile_file(tmp_path / "in.jsonl", plain=False, at=(1, 10))
    at = offset_at(path, T0 + 200 * 9 + 1)
    with path.open("rb") as fh:
        fh.seek(at)
        rest = fh.read().decode("utf-8").splitlines()
    parser = RecordingParser()
    frames = [r for line in rest if isinstance(r := parser.feed(line), Frame)]
    assert [f.timestamp_ms for f in frames] == [T0 + 200 * i for i in range(10, 20)]
    assert parser.bad_lines == 0  # the seek lands on frame 10, past the deep line


# --- the timeline index and the recordings browser ---------------------------------------------


@pytest.mark.parametrize(
    "line", [HUGE_T, HUGE_T_PLAIN, DEEP, DEEP_PLAIN, "[" * 100_000, '{"t":NaN,"type":"frame"}']
)
def test_line_time_of_a_hostile_line_is_none(line: str) -> None:
    assert line_time(line.encode()) is None
    assert line_time(line.encode(), data_only=True) is None


@pytest.mark.parametrize("at", PLACES, ids=PLACE_IDS)
def test_timeline_index_and_browser_summary_skip_hostile_lines(
    tmp_path: Path, at: tuple[int, int]
) -> None:
    path = hostile_file(tmp_path / "in.jsonl", plain=False, at=at)
    first, last = T0, T0 + 200 * 19
    assert time_span(path) == (first, last)
    assert last_time(path) == last
    assert offset_at(path, last + 1) == path.stat().st_size or at[1] == 20
    summary = summarize_recording(path)
    assert summary.error is None
    assert (summary.start_ms, summary.end_ms) == (first, last)
    assert summary.source == "s"


# --- CSV export ----------------------------------------------------------------------------------


@pytest.mark.parametrize("plain", [False, True], ids=["recording", "plain-frames"])
def test_export_skips_and_counts_hostile_lines(tmp_path: Path, plain: bool) -> None:
    path = hostile_file(tmp_path / "in.jsonl", plain=plain, at=(1, 10))
    assert scan_recording(path).bad_lines == 2
    channels, descriptions = export_csv(path, tmp_path / "out.csv")
    assert channels.bad_lines == 2
    with channels.path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 20
    assert [float(r["elapsed_s"]) for r in rows] == [0.2 * i for i in range(20)] or all(
        math.isclose(float(r["elapsed_s"]), 0.2 * i) for i, r in enumerate(rows)
    )
    assert descriptions.path.exists()


def test_cli_export_csv_of_a_hostile_recording(tmp_path: Path) -> None:
    path = hostile_file(tmp_path / "in.jsonl", plain=False, at=(0, 20))
    out = tmp_path / "out.csv"
    env = {**os.environ, "INTELIVISION_LOG_DIR": str(tmp_path / "logs")}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "intelivision_desktop",
            "--export-csv",
            str(out),
            "--source",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 20


# --- the recorder ----------------------------------------------------------------------------


def test_fifty_frames_with_nan_are_refused_and_every_good_frame_around_them_recorded(
    tmp_path: Path,
) -> None:
    # NaN/Infinity where the codec used to let them through (velocidad, id, a blendshape's
    # extra field, a nested extra): before the fix these frames reached the recorder, which
    # could not write them and lost the whole batch with them.
    bad_texts = [
        '{"timestamp":%d,"objetos":[{"tipo":"car","velocidad":NaN}]}',
        '{"timestamp":%d,"personas":[{"id":Infinity}]}',
        '{"timestamp":%d,"personas":[{"blendshapes":[{"name":"jawOpen","score":0.5,"index":NaN}]}]}',
        '{"timestamp":%d,"meta":{"fps":[5,{"x":-Infinity}]}}',
        '{"timestamp":%d,"objetos":[{"tipo":"car","x":"\\ud800"}]}',
    ]
    lines = []
    good = []
    for i in range(100):
        t = T0 + 100 * i
        if i % 2:
            lines.append(bad_texts[i // 2 % len(bad_texts)] % t)
        else:
            lines.append(json.dumps({**good_wire(0), "timestamp": t}))
            good.append(t)
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    recorder = JsonlRecorder(out, source="replay://in", analyzer="embedded://rules")
    session = Session(ReplaySource(src, speed=None), RulesAnalyzer(), recorder)
    run(session)
    c = session.counters()
    assert c.malformed == 50
    assert c.recorded == c.frames == 50
    assert "record_failed" not in c.problems
    parser = RecordingParser()
    back = [r for line in out.read_bytes().splitlines() if (r := parser.feed(line))]
    assert parser.bad_lines == 0
    assert [r.timestamp_ms for r in back if isinstance(r, Frame)] == good
    assert any(isinstance(r, Description) for r in back)


def test_recorder_writes_every_writable_frame_of_a_batch(tmp_path: Path) -> None:
    # Frames built in Python (not decoded) can hold anything: each costs only itself.
    def frame(i: int, **wire: Any) -> Frame:
        return Frame(device_id="d", arrival_ms=T0 + i, wire={"timestamp": T0 + i, **wire})

    batch = [
        frame(0),
        frame(1, x=math.nan),
        frame(2),
        frame(3, text="lone \ud800 surrogate"),
        frame(4, big=10**5_000),
        frame(5, obj=object()),
        frame(6),
    ]
    recorder = JsonlRecorder(tmp_path / "r.jsonl", source="s", analyzer="a")
    with pytest.raises(RecordPartlyFailed) as info:
        recorder.write_frames(batch)
    assert (info.value.written, info.value.failed) == (3, 4)
    assert isinstance(info.value, ValueError)  # what the session already catches
    assert recorder.failed == 4
    assert recorder.frames == 3
    recorder.write_frames([frame(7)])
    recorder.close()
    parser = RecordingParser()
    back = [
        r for line in (tmp_path / "r.jsonl").read_bytes().splitlines() if (r := parser.feed(line))
    ]
    assert parser.bad_lines == 0
    assert [r.arrival_ms for r in back if isinstance(r, Frame)] == [T0, T0 + 2, T0 + 6, T0 + 7]


def test_a_description_with_nan_in_its_detail_is_recorded_with_null(tmp_path: Path) -> None:
    d = Description(
        device_id="d",
        text="coche acercándose derecha",
        t_ms=T0,
        source="socketio",
        detail={"raw": {"description": "x", "timestamp": math.nan, "n": [math.inf, 1]}},
    )
    odd = Description(device_id="d", text="a \udcff b", t_ms=T0 + 1, source="apigw")
    recorder = JsonlRecorder(tmp_path / "r.jsonl", source="s", analyzer="a")
    recorder.write_description(d)
    recorder.write_description(odd)
    with pytest.raises(RecordPartlyFailed):
        recorder.write_description(Description(device_id="d", text="t", t_ms=math.nan, source="x"))
    recorder.close()
    assert recorder.descriptions == 2
    assert recorder.failed == 1
    lines = (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[1])["detail"] == {
        "raw": {"description": "x", "timestamp": None, "n": [None, 1]}
    }
    parser = RecordingParser()
    back = [r for line in lines if (r := parser.feed(line))]
    assert parser.bad_lines == 0
    descs = [r for r in back if isinstance(r, Description)]
    assert [x.text for x in descs] == ["coche acercándose derecha", "a \ufffd b"]
    assert description_line(d)  # the line builder alone does not raise either


def test_samples_with_infinite_values_are_recorded_as_missing(tmp_path: Path) -> None:
    recorder = JsonlRecorder(tmp_path / "r.jsonl", source="serial://x", analyzer="none")
    t = np.array([T0 + 1.0, T0 + 2.0, T0 + 3.0])
    recorder.write_samples("board", t, {"a": np.array([1.0, np.inf, np.nan])})
    with pytest.raises(ValueError, match="finite"):
        recorder.write_samples("board", np.array([np.nan]), {"a": np.array([1.0])})
    recorder.write_frames([Frame(device_id="d", arrival_ms=T0 + 4)])
    recorder.close()
    parser = RecordingParser()
    back = [
        r for line in (tmp_path / "r.jsonl").read_bytes().splitlines() if (r := parser.feed(line))
    ]
    assert parser.bad_lines == 0
    assert len(back) == 3  # header, samples, frame
    assert recorder.samples == 3
    assert frame_line(Frame(device_id="d", arrival_ms=1.0))


# --- fuzzing: every reader of a recording only counts, never raises -----------------------------

_FUZZ = settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

_hostile_line = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200).map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.builds(
        lambda n, opener: (opener * n).encode(),
        st.integers(min_value=0, max_value=20_000),
        st.sampled_from(["[", "{", '{"a":', '{"type":"frame","t":1,"data":[']),
    ),
    st.builds(
        lambda digits, frac, exp, key: (
            f'{{"type":"frame","{key}":{"9" * digits}{frac}{exp},"device":"d","data":{{}}}}'
        ).encode(),
        st.integers(min_value=1, max_value=5_000),
        st.sampled_from(["", ".5"]),
        st.sampled_from(["", "e400", "e-400"]),
        st.sampled_from(["t", "timestamp"]),
    ),
    st.sampled_from(
        [
            HUGE_T.encode(),
            DEEP.encode(),
            b'{"type":"samples","t":[NaN],"values":{}}',
            b'{"type":"samples","t":[' + b"1" * 400 + b'],"values":{}}',
            b'{"type":"description","t":1,"text":"\\ud800"}',
            b'{"type":"header","format":"intelivision-recording","version":1e400}',
        ]
    ),
)


def _good_lines(n: int) -> list[bytes]:
    return [good_record(i).encode() for i in range(n)]


@_FUZZ
@given(st.lists(_hostile_line, min_size=1, max_size=4), st.integers(min_value=0, max_value=3))
def test_fuzz_every_reader_of_a_damaged_recording(bad: list[bytes], where: int) -> None:
    good = _good_lines(4)
    lines = good[:where] + bad + good[where:]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.jsonl"
        path.write_bytes(b"\n".join(lines) + b"\n")
        parser = RecordingParser()
        split = path.read_bytes().split(b"\n")
        frames = [r for line in split if isinstance(r := parser.feed(line), Frame)]
        assert len(frames) >= 4
        for line in lines:
            line_time(line)
        time_span(path)
        last_time(path)
        offset_at(path, T0 + 300)
        summarize_recording(path)
        scan = scan_recording(path)
        assert scan.frames >= 4
        channels, _ = export_csv(path, Path(folder) / "out.csv")
        assert channels.rows >= 4


@_FUZZ
@given(st.lists(_hostile_line, min_size=1, max_size=3))
def test_fuzz_replay_of_a_damaged_frames_file(bad: list[bytes]) -> None:
    good = [json.dumps(good_wire(i)).encode() for i in range(3)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.jsonl"
        path.write_bytes(b"\n".join([good[0], *bad, good[1], good[2]]) + b"\n")
        session = Session(ReplaySource(path, speed=None), RulesAnalyzer())
        got = replayed_timestamps(session)
        assert [t for t in got if t in (T0, T0 + 200, T0 + 400)] == [T0, T0 + 200, T0 + 400]
        assert session.states["source"][0].value == "finished"
