"""Replay controls on real recordings: seek, step, pause, speed, loop, holding at the end.

Frames are identified by the device's own ``timestamp`` (untouched by the replay's mapping
onto the session clock), and expectations come from reading the files directly.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from intelivision_desktop.core.embedded import RulesAnalyzer
from intelivision_desktop.core.model import Event, Frame, FrameBatch, LinkState, Problem, Rewound
from intelivision_desktop.core.session import Session
from intelivision_desktop.io.resources import demo_recording as demo
from intelivision_desktop.io.sources import LOOP_GAP_MS, DemoSource, ReplaySource
from intelivision_desktop.io.timeline_index import line_time, offset_at, time_span

LIMIT_S = 30.0


def stamps(path: Path) -> list[int]:
    """The frames' own timestamps, in file order (plain wire-frame files)."""
    return [json.loads(line)["timestamp"] for line in path.read_text().splitlines() if line]


class Watch:
    """Keeps frames and rewinds in order; can wake a test when a condition holds."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.frames: list[Frame] = []
        self.rewinds: list[tuple[float, int]] = []  # (position, frames seen before it)
        self.stores_at_rewind: list[int] = []
        self._waiters: list[tuple[Callable[[], bool], asyncio.Event]] = []
        session.subscribe(self)

    def __call__(self, event: Event) -> None:
        if isinstance(event, FrameBatch):
            self.frames.extend(event.frames)
        elif isinstance(event, Rewound):
            self.rewinds.append((event.position_s, len(self.frames)))
            self.stores_at_rewind.append(len(self.session.stores))
        for pred, ev in self._waiters:
            if pred():
                ev.set()

    async def until(self, pred: Callable[[], bool], within: float = 10.0) -> None:
        ev = asyncio.Event()
        if pred():
            return
        self._waiters.append((pred, ev))
        try:
            await asyncio.wait_for(ev.wait(), within)
        finally:
            self._waiters.remove((pred, ev))

    def after_rewind(self, k: int = -1) -> list[Frame]:
        return self.frames[self.rewinds[k][1] :]


def session_on(source: ReplaySource) -> tuple[Session, Watch]:
    session = Session(source, RulesAnalyzer())
    return session, Watch(session)


async def settle(source: ReplaySource, within: float = 5.0) -> None:
    """Until the source has indexed its timeline."""
    t0 = time.monotonic()
    while source.segments is None:
        assert time.monotonic() - t0 < within, "the replay was never indexed"
        await asyncio.sleep(0.01)


def expected_after(path: Path, position_s: float) -> list[int]:
    """Frames from ``position_s`` on, read straight from the file."""
    ts = stamps(path)
    return [t for t in ts if t >= ts[0] + position_s * 1000.0]


def test_seek_forward_continues_from_the_position_with_fresh_stores() -> None:
    path = demo("person_waves")
    source = ReplaySource(path, speed=20.0)
    session, watch = session_on(source)

    async def scenario() -> None:
        async with asyncio.timeout(LIMIT_S), asyncio.TaskGroup() as tg:
            tg.create_task(session.run())
            await watch.until(lambda: len(watch.frames) >= 5)
            source.seek(40.0)
            await watch.until(lambda: bool(watch.rewinds) and len(watch.after_rewind()) >= 10)
            session.stop()

    asyncio.run(scenario())
    assert watch.rewinds[0][0] == pytest.approx(40.0)
    assert watch.stores_at_rewind == [0], "stores must be empty when the rewind is announced"
    got = [f.timestamp_ms for f in watch.after_rewind()[:10]]
    assert got == expected_after(path, 40.0)[:10]
    arrivals = [f.arrival_ms for f in watch.frames]
    assert arrivals == sorted(arrivals), "the session clock ran backwards across the seek"
    assert source.position_s == pytest.approx(40.0 + (got[-1] - got[0]) / 1000.0, abs=0.25)


def test_seek_back_while_paused_shows_one_frame_then_play_goes_on() -> None:
    path = demo("car_and_dog")
    source = ReplaySource(path, speed=10.0)
    session, watch = session_on(source)

    async def scenario() -> tuple[int, int]:
        async with asyncio.timeout(LIMIT_S), asyncio.TaskGroup() as tg:
            tg.create_task(session.run())
            await watch.until(lambda: len(watch.frames) >= 30)
            source.pause()
            source.seek(2.0)
            await watch.until(lambda: bool(watch.rewinds) and len(watch.after_rewind()) >= 1)
            await asyncio.sleep(0.5)  # at 10× this would be 25 frames, were it playing
            shown = len(watch.after_rewind())
            source.step()
            source.step()
            await watch.until(lambda: len(watch.after_rewind()) >= 3)
            await asyncio.sleep(0.3)
            stepped = len(watch.after_rewind())
            source.play()
            await watch.until(lambda: len(watch.after_rewind()) >= 15)
            session.stop()
            return shown, stepped

    shown, stepped = asyncio.run(scenario())
    assert shown == 1, "a seek while paused shows exactly the frame at the new position"
    assert stepped == 3, "each step hands over exactly one frame"
    assert [f.timestamp_ms for f in watch.after_rewind()[:15]] == expected_after(path, 2.0)[:15]


def test_the_end_holds_paused_and_play_starts_again(tmp_path: Path) -> None:
    lines = demo("person_waves").read_text().splitlines()[:12]
    path = tmp_path / "short.jsonl"
    path.write_text("\n".join(lines) + "\n")
    source = ReplaySource(path, speed=None)
    source.hold_at_end = True
    session, watch = session_on(source)
    states: list[tuple[LinkState, str]] = []

    async def scenario() -> None:
        async with asyncio.timeout(LIMIT_S), asyncio.TaskGroup() as tg:
            run = tg.create_task(session.run())
            await watch.until(lambda: len(watch.frames) == 12)
            await asyncio.sleep(0.2)
            assert source.at_end
            assert source.player.paused
            assert not run.done(), "a held replay keeps the session running"
            states.append(session.states["source"])
            source.play()
            await watch.until(lambda: len(watch.frames) == 24)
            session.stop()

    asyncio.run(scenario())
    assert states[0][0] is LinkState.FINISHED
    assert "end" in states[0][1]
    assert [f.timestamp_ms for f in watch.frames[12:]] == stamps(path)
    assert watch.rewinds
    assert watch.rewinds[0][0] == 0.0


def test_without_hold_a_replay_finishes_as_before(tmp_path: Path) -> None:
    lines = demo("person_waves").read_text().splitlines()[:12]
    path = tmp_path / "short.jsonl"
    path.write_text("\n".join(lines) + "\n")
    session, watch = session_on(ReplaySource(path, speed=None))

    async def scenario() -> None:
        async with asyncio.timeout(LIMIT_S):
            await session.run()

    asyncio.run(scenario())
    assert len(watch.frames) == 12
    assert session.states["source"][0] is LinkState.FINISHED


def test_loop_can_be_switched_on_while_playing(tmp_path: Path) -> None:
    lines = demo("person_waves").read_text().splitlines()[:20]
    path = tmp_path / "short.jsonl"
    path.write_text("\n".join(lines) + "\n")
    source = ReplaySource(path, speed=20.0, loop=False)
    session, watch = session_on(source)

    async def scenario() -> None:
        async with asyncio.timeout(LIMIT_S), asyncio.TaskGroup() as tg:
            tg.create_task(session.run())
            await watch.until(lambda: len(watch.frames) >= 2)
            source.loop = True
            await watch.until(lambda: len(watch.frames) >= 45)
            session.stop()

    asyncio.run(scenario())
    assert source.passes >= 2
    assert [f.timestamp_ms for f in watch.frames[:40]] == stamps(path) * 2


def test_speed_change_while_playing_changes_the_pace() -> None:
    source = ReplaySource(demo("busy_street"), speed=1.0)
    session, watch = session_on(source)

    async def scenario() -> tuple[int, int]:
        async with asyncio.timeout(LIMIT_S), asyncio.TaskGroup() as tg:
            tg.create_task(session.run())
            await watch.until(lambda: len(watch.frames) >= 1)
            n0 = len(watch.frames)
            await asyncio.sleep(1.0)  # 1×: about 5 frames
            slow = len(watch.frames) - n0
            source.player.set_speed(10.0)
            n1 = len(watch.frames)
            await asyncio.sleep(1.0)  # 10×: about 50
            fast = len(watch.frames) - n1
            session.stop()
            return slow, fast

    slow, fast = asyncio.run(scenario())
    assert slow <= 8
    assert fast >= 3 * max(slow, 1)


def test_demo_playlist_lays_files_end_to_end_and_seeks_into_the_second() -> None:
    a, b = demo("person_waves"), demo("car_and_dog")
    source = DemoSource([a, b], speed=20.0, loop=False)
    session, watch = session_on(source)
    span_a, span_b = time_span(a), time_span(b)
    assert span_a is not None
    assert span_b is not None
    length_a = (span_a[1] - span_a[0]) / 1000.0
    length_b = (span_b[1] - span_b[0]) / 1000.0
    target = length_a + LOOP_GAP_MS / 1000.0 + 10.0

    async def scenario() -> None:
        async with asyncio.timeout(LIMIT_S), asyncio.TaskGroup() as tg:
            tg.create_task(session.run())
            await settle(source)
            source.seek(target)
            await watch.until(lambda: bool(watch.rewinds) and len(watch.after_rewind()) >= 5)
            session.stop()

    asyncio.run(scenario())
    assert source.length_s == pytest.approx(length_a + LOOP_GAP_MS / 1000.0 + length_b)
    assert [f.timestamp_ms for f in watch.after_rewind()[:5]] == expected_after(b, 10.0)[:5]


def test_seek_is_clamped_and_ignored_where_there_is_no_timeline(tmp_path: Path) -> None:
    path = tmp_path / "untimed.jsonl"  # plain frames without timestamps cannot be indexed
    path.write_text('{"cameraActive":true,"personas":[],"objetos":[]}\n' * 5)
    source = ReplaySource(path, speed=None)
    session, watch = session_on(source)
    asyncio.run(asyncio.wait_for(session.run(), LIMIT_S))
    assert not source.seekable
    assert source.length_s is None
    source.seek(3.0)  # nothing to seek: no error, no effect
    assert len(watch.frames) == 5
    assert not watch.rewinds


# --- the index ------------------------------------------------------------------------------


def write_recording(path: Path, n: int, *, garbage_every: int = 0, seed: int = 3) -> list[float]:
    """A recording of ours with frames, descriptions, sample blocks and some bad lines.

    Returns the times of the frames and sample blocks (descriptions are not the timeline)."""
    rng = random.Random(seed)
    t = 1_767_000_000_000.0
    times: list[float] = []
    with path.open("w") as fh:
        fh.write('{"type":"header","format":"intelivision-recording","version":1}\n')
        for i in range(n):
            t += rng.choice((0.0, 1.0, 199.0, 200.0, 3000.0))
            kind = rng.random()
            if kind < 0.1:
                fh.write(json.dumps({"type": "samples", "device": "b", "t": [t - 5, t]}) + "\n")
            elif kind < 0.2:  # late: a description is published after its window
                fh.write(json.dumps({"type": "description", "t": t + 50, "text": "x"}) + "\n")
                continue
            else:
                data = {"timestamp": int(t), "personas": [], "objetos": []}
                fh.write(json.dumps({"type": "frame", "t": t, "data": data}) + "\n")
            times.append(t)
            if garbage_every and i % garbage_every == 0:
                fh.write('{"type":"frame","t":12\n')  # truncated
    return times


def linear_offset(path: Path, target: float) -> int:
    at = 0
    with path.open("rb") as fh:
        for line in fh:
            t = line_time(line, data_only=True)
            if t is not None and t >= target:
                return at
            at += len(line)
    return at


@pytest.mark.parametrize("garbage_every", [0, 97])
def test_offset_at_agrees_with_a_linear_scan(tmp_path: Path, garbage_every: int) -> None:
    path = tmp_path / "big.jsonl"
    times = write_recording(path, 20_000, garbage_every=garbage_every)
    assert path.stat().st_size > 4 * 64 * 1024  # large enough to be halved several times
    rng = random.Random(7)
    targets = [times[0] - 1, times[0], times[-1], times[-1] + 1]
    targets += [rng.uniform(times[0], times[-1]) for _ in range(40)]
    targets += [rng.choice(times) for _ in range(20)]
    for target in targets:
        assert offset_at(path, target) == linear_offset(path, target), target
    assert time_span(path) == (times[0], times[-1])


def test_a_recording_made_while_seeking_replays_in_order(tmp_path: Path) -> None:
    from intelivision_desktop.core.recording import RecordingParser
    from intelivision_desktop.io.recorder import JsonlRecorder

    source = ReplaySource(demo("busy_street"), speed=20.0)
    out = tmp_path / "seeking.jsonl"
    recorder = JsonlRecorder(out, source=source.url, analyzer="embedded://rules")
    session = Session(source, RulesAnalyzer(), recorder)
    watch = Watch(session)

    async def scenario() -> None:
        async with asyncio.timeout(LIMIT_S), asyncio.TaskGroup() as tg:
            tg.create_task(session.run())
            await watch.until(lambda: len(watch.frames) >= 10)
            source.seek(60.0)
            await watch.until(lambda: len(watch.rewinds) == 1 and len(watch.after_rewind()) >= 10)
            source.seek(5.0)
            await watch.until(lambda: len(watch.rewinds) == 2 and len(watch.after_rewind()) >= 10)
            session.stop()

    asyncio.run(scenario())
    parser = RecordingParser()
    frames = [
        r for line in out.read_bytes().splitlines() if isinstance(r := parser.feed(line), Frame)
    ]
    assert parser.bad_lines == 0
    assert [f.timestamp_ms for f in frames] == [f.timestamp_ms for f in watch.frames]
    times = [f.arrival_ms for f in frames]
    assert times == sorted(times), "a recording made across seeks must replay in order"


def test_a_seek_while_playing_at_1x_goes_on_at_once() -> None:
    """The new position starts after the last frame handed over, not after what the reader
    had read ahead (a whole chunk: minutes of frames to wait through at 1×)."""
    path = demo("quiet_corridor")
    source = ReplaySource(path, speed=1.0)
    session, watch = session_on(source)

    async def scenario() -> float:
        async with asyncio.timeout(LIMIT_S), asyncio.TaskGroup() as tg:
            tg.create_task(session.run())
            await watch.until(lambda: len(watch.frames) >= 3)
            source.seek(100.0)
            t0 = time.monotonic()
            await watch.until(lambda: bool(watch.rewinds) and len(watch.after_rewind()) >= 1)
            took = time.monotonic() - t0
            session.stop()
            return took

    took = asyncio.run(scenario())
    before, after = watch.frames[watch.rewinds[0][1] - 1], watch.after_rewind()[0]
    gap_ms = after.arrival_ms - before.arrival_ms
    assert gap_ms <= 2 * LOOP_GAP_MS, f"the session clock jumped {gap_ms:.0f} ms at the seek"
    assert took < 5.0, f"the first frame after the seek came {took:.1f} s later"


def test_seeks_while_paused_show_one_frame_however_many() -> None:
    source = ReplaySource(demo("busy_street"), speed=10.0)
    session, watch = session_on(source)

    async def scenario() -> int:
        async with asyncio.timeout(LIMIT_S), asyncio.TaskGroup() as tg:
            tg.create_task(session.run())
            await watch.until(lambda: len(watch.frames) >= 5)
            source.pause()
            source.seek(20.0)
            await watch.until(lambda: len(watch.rewinds) == 1)
            source.seek(30.0)  # before the first seek's frame was shown (a held key)
            source.seek(40.0)
            await watch.until(lambda: len(watch.rewinds) >= 2 and len(watch.after_rewind()) >= 1)
            await asyncio.sleep(0.5)  # at 10× this would be 25 frames, were it playing
            shown = len(watch.after_rewind())
            session.stop()
            return shown

    assert asyncio.run(scenario()) == 1
    assert source.position_s == pytest.approx(40.0, abs=0.3)


def test_a_looping_replay_of_a_file_without_frames_ends_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text('{"type":"header","format":"intelivision-recording","version":1}\nnot json\n')
    source = ReplaySource(path, speed=1.0, loop=True)
    session, _watch = session_on(source)
    problems: list[str] = []
    session.subscribe(lambda e: problems.append(e.kind) if isinstance(e, Problem) else None)
    asyncio.run(asyncio.wait_for(session.run(), 10))  # returns: no endless empty loop
    assert "empty" in problems
    assert "malformed" in problems
    assert source.passes == 1


def scene_file(path: Path, t0: int, n: int = 4) -> Path:
    """A short plain wire-frame file: ``n`` frames 200 ms apart on its own clock."""
    lines = [
        json.dumps({"timestamp": t0 + 200 * i, "personas": [], "objetos": []}) for i in range(n)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_pause_does_not_stall_later_scene_changes(tmp_path: Path) -> None:
    """Issue 12 §3: a pause of N s inserted an N-s stall at every later scene change of the
    demo (the new scene was anchored at the wall clock, which the pause had moved on, and
    the player waited for the jump). Measured with the wall-clock arrival of each frame:
    the gap at each scene change after a 1 s pause stays near the 0.2 s loop gap."""
    files = [scene_file(tmp_path / f"s{i}.jsonl", 1_700_000_000_000 + 10**7 * i) for i in range(3)]
    source = DemoSource(files, speed=1.0, loop=False)
    session = Session(source, RulesAnalyzer())
    arrivals: list[tuple[float, int]] = []  # (monotonic s, device timestamp)

    def on_event(event: Event) -> None:
        if isinstance(event, FrameBatch):
            now = time.monotonic()
            arrivals.extend((now, f.timestamp_ms) for f in event.frames)

    session.subscribe(on_event)
    watch = Watch(session)  # subscribed after on_event: it sees the arrivals recorded

    async def scenario() -> None:
        async with asyncio.timeout(LIMIT_S), asyncio.TaskGroup() as tg:
            tg.create_task(session.run())
            await watch.until(lambda: len(arrivals) >= 2)
            source.pause()
            await asyncio.sleep(1.0)
            source.play()
            await watch.until(lambda: len(arrivals) >= 12)
            session.stop()

    asyncio.run(scenario())
    firsts = [stamps(p)[0] for p in files[1:]]
    index = {ts: i for i, (_, ts) in enumerate(arrivals)}
    for first in firsts:
        i = index[first]
        gap = arrivals[i][0] - arrivals[i - 1][0]
        # frames are 0.2 s apart and scenes 0.2 s apart: a stall of the 1 s pause would be
        # 1.2 s; generous slack for a loaded machine
        assert gap < 0.8, f"a {gap:.2f} s stall at the scene change to {first}"
