"""The Session with real sources, the rules analyzer and the JSONL recorder, on plain asyncio.

Each test is a sync function that drives one ``asyncio.run``; every scenario is bounded with
``asyncio.timeout`` so a hang fails instead of blocking the suite.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from intelivision_desktop.core.codec import encode_summary
from intelivision_desktop.core.embedded import RulesAnalyzer
from intelivision_desktop.core.model import (
    Description,
    Event,
    Frame,
    FrameBatch,
    LinkState,
    Problem,
)
from intelivision_desktop.core.recording import Header, RecordingParser
from intelivision_desktop.core.session import Session
from intelivision_desktop.io import sources
from intelivision_desktop.io.recorder import JsonlRecorder
from intelivision_desktop.io.registry import open_source
from intelivision_desktop.io.resources import demo_recording
from intelivision_desktop.io.sources import Player, ReplaySource

SCENARIO_TIMEOUT_S = 30.0


# --- helpers ------------------------------------------------------------------------------


def demo_lines(name: str = "person_waves") -> list[str]:
    return demo_recording(name).read_text(encoding="utf-8").splitlines()


def write_lines(path: Path, lines: Iterable[str], *, final_newline: bool = True) -> Path:
    text = "\n".join(lines)
    path.write_text(text + ("\n" if final_newline else ""), encoding="utf-8")
    return path


@dataclass
class Collector:
    """A session listener that keeps everything it is told, in order."""

    frames: list[Frame] = field(default_factory=list)
    batches: int = 0
    descriptions: list[Description] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    def __call__(self, event: Event) -> None:
        self.events.append(event)
        if isinstance(event, FrameBatch):
            self.batches += 1
            self.frames.extend(event.frames)
        elif isinstance(event, Description):
            self.descriptions.append(event)
        elif isinstance(event, Problem):
            self.problems.append(event)


def key(d: Description) -> tuple[str, str, float]:
    return (d.text, d.device_id, d.t_ms)


def assert_only_current_task() -> None:
    others = asyncio.all_tasks() - {asyncio.current_task()}
    assert not others, f"tasks left after run(): {[t.get_name() for t in others]}"


async def run_session(
    session: Session,
    duration_s: float | None = None,
    *,
    limit_s: float = SCENARIO_TIMEOUT_S,
    alone: bool = True,
) -> Collector:
    """Run to the end (failing after ``limit_s``); when ``alone``, check no task outlived it."""
    col = Collector()
    session.subscribe(col)
    async with asyncio.timeout(limit_s):
        await session.run(duration_s)
    if alone:
        assert_only_current_task()
    return col


def replay_session(path: Path, speed: float | None, **kw: object) -> Session:
    return Session(ReplaySource(path, speed=speed, **kw), RulesAnalyzer())  # type: ignore[arg-type]


# --- speed does not change results ---------------------------------------------------------


def test_replay_at_max_equals_replay_at_50(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "first150.jsonl", demo_lines()[:150])

    async def scenario() -> tuple[Collector, Collector, float]:
        fast = await run_session(replay_session(path, None))
        t0 = time.monotonic()
        paced = await run_session(replay_session(path, 50.0))
        return fast, paced, time.monotonic() - t0

    fast, paced, took = asyncio.run(scenario())
    assert len(fast.frames) == len(paced.frames) == 150
    assert fast.descriptions, "the first 150 frames of person_waves must describe something"
    assert [key(d) for d in fast.descriptions] == [key(d) for d in paced.descriptions]
    # 150 frames ≈ 30 s of timeline: at 50× that is paced (~0.6 s), not instantaneous.
    assert took > 0.3


def test_replay_at_1x_equals_replay_at_max(tmp_path: Path) -> None:
    # 40 frames (~8 s at 1×) from the part of the scene where the person smiles.
    path = write_lines(tmp_path / "forty.jsonl", demo_lines()[220:260])

    async def scenario() -> tuple[Collector, Collector, float]:
        # Both at once on one loop: the 1× run is slow anyway, and sharing the loop with a
        # busy neighbour must not change its results either.
        t0 = time.monotonic()
        async with asyncio.TaskGroup() as tg:
            one = tg.create_task(run_session(replay_session(path, 1.0), alone=False))
            fast = tg.create_task(run_session(replay_session(path, None), alone=False))
        assert_only_current_task()
        return one.result(), fast.result(), time.monotonic() - t0

    one_col, fast_col, took = asyncio.run(scenario())
    assert took > 5.0, "the 1× run was not paced in real time"
    assert len(one_col.frames) == len(fast_col.frames) == 40
    assert len(fast_col.descriptions) >= 2
    assert [key(d) for d in one_col.descriptions] == [key(d) for d in fast_col.descriptions]


# --- recording ----------------------------------------------------------------------------


def test_recording_round_trip(tmp_path: Path) -> None:
    lines = demo_lines()[:150]
    src_path = write_lines(tmp_path / "in.jsonl", lines)
    out = tmp_path / "rec" / "out.jsonl"
    source = ReplaySource(src_path, speed=None)
    analyzer = RulesAnalyzer()
    recorder = JsonlRecorder(out, source=source.url, analyzer=analyzer.url, settings={"x": 1})
    session = Session(source, analyzer, recorder)

    col = asyncio.run(run_session(session))
    assert recorder.closed
    assert session.counters().frames == session.counters().recorded == len(lines)
    assert col.descriptions

    # Parsed back: header, every frame, every description.
    parser = RecordingParser()
    records = [
        r for line in out.read_text(encoding="utf-8").splitlines() if (r := parser.feed(line))
    ]
    assert parser.bad_lines == 0, parser.errors
    assert isinstance(records[0], Header)
    assert records[0].source == source.url
    assert records[0].analyzer == "embedded://rules"
    assert dict(records[0].settings) == {"x": 1}
    assert sum(isinstance(r, Header) for r in records) == 1

    frames = [r for r in records if isinstance(r, Frame)]
    assert len(frames) == len(lines)
    assert [f.arrival_ms for f in frames] == [f.arrival_ms for f in col.frames]
    assert frames == col.frames

    descs = [r for r in records if isinstance(r, Description)]
    assert [key(d) for d in descs] == [key(d) for d in col.descriptions]
    for got, sent in zip(descs, col.descriptions, strict=True):
        assert got.source == sent.source == "rules"
        assert got.fallback is sent.fallback
        assert got.latency_ms == sent.latency_ms
        assert (got.window_start_ms, got.window_end_ms) == (
            sent.window_start_ms,
            sent.window_end_ms,
        )
        assert got.summary is not None
        assert sent.summary is not None
        assert encode_summary(got.summary) == encode_summary(sent.summary)

    # The raw wire data is the input, field for field; records are in arrival order: a
    # description is written after the frame that closed its window.
    raw = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["data"] for r in raw if r["type"] == "frame"] == [json.loads(x) for x in lines]
    seen_t: set[float] = set()
    for r in raw[1:]:
        if r["type"] == "frame":
            seen_t.add(r["t"])
        else:
            assert r["type"] == "description"
            assert r["t"] in seen_t, "description recorded before the frame that closed it"


@pytest.mark.parametrize(
    "chunk", [sources.READ_CHUNK_BYTES, 37], ids=["default-chunk", "tiny-chunk"]
)
def test_garbled_and_truncated_lines_are_counted_and_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(sources, "READ_CHUNK_BYTES", chunk)
    lines = demo_lines()[200:260]
    before, after = lines[:30], lines[30:]
    truncated = after[-1][: len(after[-1]) // 2]
    good = before + after[:-1]
    path = write_lines(
        tmp_path / "damaged.jsonl",
        [*before, '{"timestamp": 17, "personas": [garbage', "", *after[:-1], truncated],
        final_newline=False,
    )
    session = replay_session(path, None)
    col = asyncio.run(run_session(session))

    expected_ts = [json.loads(x)["timestamp"] for x in good]
    assert [f.timestamp_ms for f in col.frames] == expected_ts
    c = session.counters()
    assert c.frames == len(good)
    assert c.malformed == 2
    assert c.problems.get("malformed") == 2
    assert any(p.kind == "malformed" and p.component == "source" for p in col.problems)
    assert session.states["source"][0] is LinkState.FINISHED


def test_replaying_our_recording_reproduces_its_descriptions(tmp_path: Path) -> None:
    src_path = write_lines(tmp_path / "in.jsonl", demo_lines()[200:330])
    rec = tmp_path / "session.jsonl"
    first = Session(
        ReplaySource(src_path, speed=None),
        RulesAnalyzer(),
        JsonlRecorder(rec, source="replay://in", analyzer="embedded://rules"),
    )
    original = asyncio.run(run_session(first))
    assert len(original.descriptions) >= 3

    parser = RecordingParser()
    recorded = [
        r
        for line in rec.read_text(encoding="utf-8").splitlines()
        if isinstance(r := parser.feed(line), Description)
    ]
    assert [key(d) for d in recorded] == [key(d) for d in original.descriptions]

    source = ReplaySource(rec, speed=None)
    again = asyncio.run(run_session(Session(source, RulesAnalyzer())))
    assert source.header is not None
    assert source.header.source == "replay://in"
    assert source.recorded_descriptions == len(recorded)
    assert source.bad_lines == 0
    assert len(again.frames) == 130
    assert [key(d) for d in again.descriptions] == [key(d) for d in recorded]
    assert [(d.window_start_ms, d.window_end_ms) for d in again.descriptions] == [
        (d.window_start_ms, d.window_end_ms) for d in recorded
    ]


# --- lifecycle ----------------------------------------------------------------------------


def test_raising_listener_does_not_stop_the_session(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "in.jsonl", demo_lines()[:150])
    reference = asyncio.run(run_session(replay_session(path, None)))

    calls = 0

    def broken(event: Event) -> None:
        nonlocal calls
        calls += 1
        raise RuntimeError("listener bug")

    session = replay_session(path, None)
    session.subscribe(broken)  # subscribed first: it runs before the collector every time
    col = asyncio.run(run_session(session))
    assert calls >= len(col.events) > 0
    assert len(col.frames) == 150
    assert [key(d) for d in col.descriptions] == [key(d) for d in reference.descriptions]
    assert session.states["source"][0] is LinkState.FINISHED


def test_stop_ends_run_of_a_looping_source(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "in.jsonl", demo_lines()[:50])
    session = replay_session(path, None, loop=True)

    def stop_after_three_passes(event: Event) -> None:
        if isinstance(event, FrameBatch) and session.counters().frames >= 150:
            session.stop()

    session.subscribe(stop_after_three_passes)
    col = asyncio.run(run_session(session, limit_s=10))
    assert len(col.frames) >= 150
    assert session.states["source"][0] is LinkState.STOPPED
    assert session.states["analyzer"][0] is LinkState.STOPPED
    # Looping keeps the session clock moving forward.
    ts = [f.arrival_ms for f in col.frames]
    assert ts == sorted(ts)


def test_stop_before_run_returns_at_once(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "in.jsonl", demo_lines()[:50])
    session = replay_session(path, 1.0, loop=True)
    session.stop()
    asyncio.run(run_session(session, limit_s=5))
    assert session.counters().frames <= 1


@pytest.mark.parametrize("speed", [None, 1.0], ids=["max", "1x"])
def test_duration_ends_a_looping_source(tmp_path: Path, speed: float | None) -> None:
    path = write_lines(tmp_path / "in.jsonl", demo_lines()[:50])
    session = replay_session(path, speed, loop=True)

    async def scenario() -> float:
        t0 = time.monotonic()
        await run_session(session, duration_s=0.5, limit_s=10)
        return time.monotonic() - t0

    took = asyncio.run(scenario())
    assert 0.4 < took < 5.0
    assert session.counters().frames > 0
    assert session.states["source"][0] is LinkState.STOPPED


# --- pacing -------------------------------------------------------------------------------


def _timeline(n: int, gap_ms: float = 200.0) -> list[Frame]:
    return [Frame(device_id="t", arrival_ms=1_000_000.0 + i * gap_ms) for i in range(n)]


async def _chunks(frames: list[Frame]):  # type: ignore[no-untyped-def]
    for i in range(0, len(frames), 7):
        yield frames[i : i + 7]


def test_player_paces_by_the_timeline() -> None:
    frames = _timeline(11)  # 2 s of timeline
    got: list[Frame] = []

    async def scenario() -> float:
        player = Player(10.0)
        t0 = time.monotonic()
        async with asyncio.timeout(10):
            await player.play(_chunks(frames), got.extend)
        return time.monotonic() - t0

    took = asyncio.run(scenario())
    assert got == frames
    assert 0.1 <= took <= 1.5, f"2 s at 10× took {took:.3f} s"


def test_session_replay_paces_by_the_timeline(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "two_s.jsonl", demo_lines()[:11])  # ~2 s of timeline

    async def scenario() -> tuple[Collector, float]:
        t0 = time.monotonic()
        col = await run_session(replay_session(path, 10.0))
        return col, time.monotonic() - t0

    col, took = asyncio.run(scenario())
    assert len(col.frames) == 11
    assert 0.1 <= took <= 1.5, f"2 s at 10× took {took:.3f} s"


def test_player_pause_stops_delivery_and_resume_continues() -> None:
    frames = _timeline(30)  # 5.8 s of timeline: 0.58 s at 10×

    async def scenario() -> tuple[list[Frame], int, int, float]:
        player = Player(10.0)
        got: list[Frame] = []
        paused_at = asyncio.Event()

        def emit(batch: list[Frame]) -> None:
            got.extend(batch)
            if len(got) >= 5 and not paused_at.is_set():
                player.pause()
                paused_at.set()

        async with asyncio.timeout(10), asyncio.TaskGroup() as tg:
            task = tg.create_task(player.play(_chunks(frames), emit))
            await paused_at.wait()
            assert player.paused
            n_paused = len(got)
            await asyncio.sleep(0.4)  # at 10× this would be 20 more frames
            n_after_wait = len(got)
            assert not task.done()
            t0 = time.monotonic()
            player.resume()
            assert not player.paused
            await task
            rest = time.monotonic() - t0
        return got, n_paused, n_after_wait, rest

    got, n_paused, n_after_wait, rest = asyncio.run(scenario())
    assert n_after_wait == n_paused, "frames were delivered while paused"
    assert got == frames, "resume must deliver every remaining frame, in order"
    remaining_timeline_s = (frames[-1].arrival_ms - frames[n_paused - 1].arrival_ms) / 1000.0
    # Paced after resume, not dumped at once (loose: half the ideal time at least).
    assert rest >= 0.5 * remaining_timeline_s / 10.0


# --- generated scenes ---------------------------------------------------------------------


def test_fake_source_scene_by_url() -> None:
    session = Session(
        open_source("fake://person_waves?speed=max&loop=0&duration=20"), RulesAnalyzer()
    )
    col = asyncio.run(run_session(session))
    assert 95 <= len(col.frames) <= 105  # 20 s at 5 Hz
    assert len(col.descriptions) >= 1
    assert all(d.device_id == "fake" for d in col.descriptions)
    assert session.states["source"][0] is LinkState.FINISHED


class _HalfRecorder:
    """A recorder that writes every other frame of a batch and says so, as JsonlRecorder does
    for items JSON cannot carry."""

    def write_frames(self, frames: Iterable[Frame]) -> None:
        from intelivision_desktop.io.recorder import RecordPartlyFailed

        n = len(list(frames))
        raise RecordPartlyFailed("some frames unwritable", written=n - n // 2, failed=n // 2)

    def write_samples(self, *args: object) -> None:
        pass

    def write_description(self, description: object) -> None:
        pass

    def close(self) -> None:
        pass


def test_partly_recorded_batches_and_numeric_text_are_counted() -> None:
    from intelivision_desktop.core.codec import decode_frame

    session = Session(open_source("demo://"), RulesAnalyzer(), _HalfRecorder())  # type: ignore[arg-type]
    wire = {"personas": [{"posicion": "frente", "confianza": "0.9"}], "objetos": []}
    frames = [decode_frame(wire, device_id="d", arrival_ms=1000.0 + i) for i in range(4)]
    session.push_frames(frames)
    session.push_frames(frames)
    c = session.counters()
    assert c.recorded == 4  # 2 of each batch of 4 were written
    assert c.problems["record_failed"] == 2
    assert c.problems["coerced"] == 8
    said = []
    session.subscribe(lambda e: said.append(e) if isinstance(e, Problem) else None)
    session.push_frames(frames)
    assert [p.kind for p in said] == ["record_failed"]  # coercion is said once, then counted
