"""CSV export of real recordings: a session recorded to disk, exported, read back, compared."""

from __future__ import annotations

import asyncio
import csv
import math
from pathlib import Path

import numpy as np
import pytest

from intelivision_desktop.core.channels import derive_channels
from intelivision_desktop.core.embedded import RulesAnalyzer
from intelivision_desktop.core.export import (
    DESCRIPTION_COLUMNS,
    TIME_COLUMNS,
    TimeRange,
    iso_time,
    parse_number,
)
from intelivision_desktop.core.model import Description, Frame
from intelivision_desktop.core.recording import SampleBlock
from intelivision_desktop.core.session import Session
from intelivision_desktop.io.export import (
    ExportError,
    descriptions_path,
    export_csv,
    export_source_csv,
    read_recording,
    resolve_recording,
    summarize_recording,
)
from intelivision_desktop.io.recorder import JsonlRecorder
from intelivision_desktop.io.resources import demo_recording as demo
from intelivision_desktop.io.sources import ReplaySource

SCENARIO_TIMEOUT_S = 30.0


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """car_and_dog replayed at max speed through the rules analyzer, recorded, plus a serial
    board's sample block and a damaged line appended."""
    out = tmp_path_factory.mktemp("rec") / "session.jsonl"
    source = ReplaySource(demo("car_and_dog"), speed=None)
    analyzer = RulesAnalyzer()
    recorder = JsonlRecorder(out, source=source.url, analyzer=analyzer.url)
    session = Session(source, analyzer, recorder)

    async def scenario() -> None:
        async with asyncio.timeout(SCENARIO_TIMEOUT_S):
            await session.run(None)

    asyncio.run(scenario())
    assert recorder.closed
    records, _ = read_recording(out)
    last = max(r.arrival_ms for r in records if isinstance(r, Frame))
    extra = JsonlRecorder(out.with_name("tail.jsonl"), source="serial://x", analyzer="none")
    t = np.array([last + 1, last + 2, last + 3])
    extra.write_samples("ttyACM0", t, {"a0": np.array([0.25, math.nan, 512.0])})
    extra.close()
    tail = out.with_name("tail.jsonl").read_text(encoding="utf-8").splitlines()[1]
    with out.open("a", encoding="utf-8") as fh:
        fh.write(tail + "\n")
        fh.write('{"type":"frame","t":12,"data":{"personas":[{"posi\n')  # a torn line
    return out


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def test_csv_round_trip_against_the_recording(recording: Path, tmp_path: Path) -> None:
    out = tmp_path / "export" / "session.csv"
    channels, descs = export_csv(recording, out)

    records, parser = read_recording(recording)
    assert parser.bad_lines == 1
    frames = [r for r in records if isinstance(r, Frame)]
    blocks = [r for r in records if isinstance(r, SampleBlock)]
    recorded = [r for r in records if isinstance(r, Description)]
    assert len(frames) > 100
    assert recorded, "the rules analyzer described car_and_dog"
    assert len(blocks) == 1
    origin = min(r.arrival_ms for r in frames)

    # channels: one row per frame, then the three samples; values = derive_channels(frame)
    names, rows = read_csv(out)
    assert channels.path == out
    assert channels.bad_lines == 1
    assert channels.rows == len(rows) == len(frames) + 3
    assert names == [*TIME_COLUMNS, *channels.columns]
    assert channels.columns[-1] == "a0"
    for f, row in zip(frames, rows, strict=False):
        assert row["time"] == iso_time(f.arrival_ms)
        assert float(row["elapsed_s"]) == pytest.approx((f.arrival_ms - origin) / 1000, abs=1e-6)
        assert row["device"] == f.device_id == "replay"
        want = derive_channels(f)
        assert set(want) <= set(names)
        for name, value in want.items():
            assert same(parse_number(row[name]), value), (name, row[name], value)
        assert row["a0"] == ""
    sample_rows = rows[len(frames) :]
    assert [r["device"] for r in sample_rows] == ["ttyACM0"] * 3
    assert [parse_number(r["a0"]) for r in sample_rows][0::2] == [0.25, 512.0]
    assert sample_rows[1]["a0"] == ""
    assert all(r["people"] == "" for r in sample_rows)

    # descriptions: equal to the recorded ones
    assert descs.path == descriptions_path(out)
    assert descs.path == tmp_path / "export" / "session.descriptions.csv"
    dnames, drows = read_csv(descs.path)
    assert dnames == list(DESCRIPTION_COLUMNS)
    assert descs.rows == len(drows) == len(recorded)
    for d, row in zip(recorded, drows, strict=True):
        assert row["time"] == iso_time(d.t_ms)
        assert float(row["elapsed_s"]) == pytest.approx((d.t_ms - origin) / 1000, abs=1e-6)
        assert row["device"] == d.device_id
        assert row["text"] == d.text
        assert row["source"] == d.source == "rules"
        assert row["fallback"] == ("true" if d.fallback else "false")
        want_latency = math.nan if d.latency_ms is None else d.latency_ms
        assert same(parse_number(row["latency_ms"]), want_latency)

    # nothing left behind but the two files
    assert sorted(p.name for p in out.parent.iterdir()) == [
        "session.csv",
        "session.descriptions.csv",
    ]


def test_time_range_export(recording: Path, tmp_path: Path) -> None:
    records, _ = read_recording(recording)
    frames = [r for r in records if isinstance(r, Frame)]
    descs = [r for r in records if isinstance(r, Description)]
    origin = frames[0].arrival_ms
    window = TimeRange.from_elapsed(origin, 10.0, 30.0)
    channels, dres = export_csv(recording, tmp_path / "part.csv", window)
    _, rows = read_csv(channels.path)
    want = [f for f in frames if window.contains(f.arrival_ms)]
    assert 0 < len(rows) == len(want) < len(frames)
    assert [r["time"] for r in rows] == [iso_time(f.arrival_ms) for f in want]
    assert all(10.0 <= float(r["elapsed_s"]) <= 30.0 for r in rows)
    _, drows = read_csv(dres.path)
    assert [r["text"] for r in drows] == [d.text for d in descs if window.contains(d.t_ms)]


def test_existing_files_are_kept_unless_overwrite(recording: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    descriptions_path(out).write_text("keep me", encoding="utf-8")
    with pytest.raises(ExportError, match="already exists"):
        export_csv(recording, out)
    assert not out.exists()
    assert descriptions_path(out).read_text(encoding="utf-8") == "keep me"
    export_csv(recording, out, overwrite=True)
    assert descriptions_path(out).read_text(encoding="utf-8").startswith("time,")


def test_sources_resolve_to_recordings(recording: Path, tmp_path: Path) -> None:
    assert resolve_recording(str(recording)) == (recording, "replay")
    assert resolve_recording(f"replay://{recording}?speed=2&loop=1") == (recording, "replay")
    assert resolve_recording("demo://car_and_dog") == (demo("car_and_dog"), "demo")
    for bad, message in [
        ("demo://", "one demo scene"),
        ("demo://nope", "one demo scene"),
        ("fake://person_waves", "only recordings"),
        (str(tmp_path / "missing.jsonl"), "no such file"),
    ]:
        with pytest.raises(ExportError, match=message):
            resolve_recording(bad)


def test_export_a_demo_scene_from_its_url(tmp_path: Path) -> None:
    channels, descs = export_source_csv("demo://person_waves", tmp_path / "demo.csv")
    lines = demo("person_waves").read_text(encoding="utf-8").splitlines()
    _, rows = read_csv(channels.path)
    assert channels.rows == len(rows) == len(lines)
    assert {r["device"] for r in rows} == {"demo"}
    assert rows[0]["elapsed_s"] == "0.000000"
    assert descs.rows == 0  # a plain frame file carries no descriptions
    assert read_csv(descs.path) == (list(DESCRIPTION_COLUMNS), [])


def test_unwritable_output_is_one_clear_error(recording: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(ExportError, match="cannot write"):
        export_csv(recording, blocker / "sub" / "out.csv")


def test_summary_of_a_recording(recording: Path) -> None:
    records, _ = read_recording(recording)
    frames = [r for r in records if isinstance(r, Frame)]
    block = next(r for r in records if isinstance(r, SampleBlock))
    s = summarize_recording(recording)
    assert s.error is None
    assert s.size_bytes == recording.stat().st_size
    assert s.source.endswith("car_and_dog.jsonl")
    assert s.analyzer == "embedded://rules"
    assert s.frames == len(frames) + 1  # the torn line at the end is counted as a frame line
    assert s.descriptions == sum(isinstance(r, Description) for r in records)
    assert s.sample_blocks == 1
    assert s.start_ms == frames[0].arrival_ms
    assert s.end_ms == float(block.t_ms[-1])  # the torn last line is skipped
    assert s.duration_s == pytest.approx((s.end_ms - s.start_ms) / 1000)


def test_summary_of_plain_frames_and_of_bad_files(tmp_path: Path) -> None:
    s = summarize_recording(demo("person_waves"))
    assert s.error is None
    assert s.source == ""
    assert s.frames == len(demo("person_waves").read_text(encoding="utf-8").splitlines())
    assert s.duration_s == pytest.approx(84.803)
    missing = summarize_recording(tmp_path / "missing.jsonl")
    assert missing.error
    assert missing.duration_s is None
    junk = tmp_path / "junk.jsonl"
    junk.write_bytes(b"\x00\x01 nothing\n[1,2]\n")
    bad = summarize_recording(junk)
    assert bad.error is not None
    assert bad.error.startswith("line 1")
    assert bad.duration_s is None
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    assert summarize_recording(empty).error == "no frames"
