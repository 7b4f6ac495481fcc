"""Frame sources for the Session: recordings, the bundled demo, generated scenes.

All are paced by one player that maps the material's own timeline onto the session clock:
``arrival = anchor + (t - t_first) + loop offset``. The mapping does not depend on the playback
speed, so the analyzer (which windows on arrival time) gives the same descriptions at 1× and
at ``max``. Recorded sample blocks (serial boards' raw channels) are paced by their last
sample and handed over with ``push_samples``, interleaved with frames in recording order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from intelivision_desktop.core.codec import FrameError, decode_frame
from intelivision_desktop.core.model import Description, Frame, LinkState
from intelivision_desktop.core.ports import SourceSink
from intelivision_desktop.core.recording import Header, RecordingParser, SampleBlock
from intelivision_desktop.io.timeline_index import offset_at, time_span

log = logging.getLogger(__name__)

MIN_SPEED, MAX_SPEED = 0.1, 50.0
BATCH_AT_MAX = 256
"""Frames handed over per loop turn when playing at ``max`` speed."""
LOOP_GAP_MS = 200.0
"""Time between the last frame of one pass and the first of the next."""
READ_CHUNK_BYTES = 256 * 1024
DEFAULT_SAMPLE_HZ = 1000.0
"""Rate assumed for a replayed sample block whose rate cannot be measured (one sample)."""
MAX_SAMPLE_HZ = 5000.0

Item = Frame | SampleBlock
"""What a timeline holds: frames and blocks of raw samples."""


def block_rate_hz(block: SampleBlock) -> float:
    """A sample rate for sizing a device's history: measured on the block, with headroom."""
    n = len(block.t_ms)
    span_ms = float(block.t_ms[-1] - block.t_ms[0]) if n > 1 else 0.0
    if n < 2 or span_ms <= 0:
        return DEFAULT_SAMPLE_HZ
    return min(MAX_SAMPLE_HZ, max(10.0, 1.25 * (n - 1) * 1000.0 / span_ms))


def emit_items(sink: SourceSink, items: Sequence[Item], rates: dict[str, float]) -> None:
    """Hand a timeline batch to the sink in order: runs of frames, then each sample block."""
    frames: list[Frame] = []
    for it in items:
        if isinstance(it, SampleBlock):
            if frames:
                sink.push_frames(frames)
                frames = []
            rate = rates.get(it.device_id)
            if rate is None:
                rate = rates[it.device_id] = block_rate_hz(it)
            sink.push_samples(it.device_id, it.t_ms, it.columns, rate)
        else:
            frames.append(it)
    if frames:
        sink.push_frames(frames)


def parse_speed(text: str) -> float | None:
    """``max`` → None (as fast as possible); else a factor within 0.1–50."""
    if text.strip().lower() in ("max", "inf", "0"):
        return None
    try:
        v = float(text)
    except ValueError:
        raise ValueError(f"speed must be a number between 0.1 and 50, or 'max': {text!r}") from None
    if not MIN_SPEED <= v <= MAX_SPEED:
        raise ValueError(f"speed must be between {MIN_SPEED} and {MAX_SPEED}, or 'max': {v}")
    return v


def wall_ms() -> float:
    return time.time() * 1000.0


class _Interrupted(Exception):
    """The player was told to drop what it is playing (a seek)."""


class Player:
    """Paces frames by their timeline; speed, pause and single steps can change while playing.

    :meth:`interrupt` makes the current :meth:`play` return early (it returns False), which is
    how a source seeks: it stops the pass and starts another from the new position.
    """

    def __init__(self, speed: float | None = 1.0) -> None:
        self._speed = speed
        self._paused = False
        self._steps = 0
        self._interrupt = False
        self._anchor: tuple[float, float] | None = None  # (monotonic s, timeline ms)
        self._changed = asyncio.Event()
        self.position_ms: float | None = None
        """Timeline time of the last frame handed over."""

    @property
    def speed(self) -> float | None:
        return self._speed

    @property
    def paused(self) -> bool:
        return self._paused

    def set_speed(self, speed: float | None) -> None:
        self._speed = speed
        self._anchor = None
        self._changed.set()

    def pause(self) -> None:
        self._paused = True
        self._anchor = None
        self._changed.set()

    def resume(self) -> None:
        self._paused = False
        self._steps = 0
        self._anchor = None
        self._changed.set()

    def step(self, count: int = 1) -> None:
        """While paused, let the next ``count`` time steps (frames, sample blocks) through."""
        if self._paused:
            self._steps += count
            self._changed.set()

    def skip(self, ms: float) -> None:
        """The session clock jumps ``ms`` ahead without that time being played: pacing goes
        on as if the jump were not there (a demo scene re-anchored at the present after a
        pause must not wait out the pause again)."""
        if ms <= 0:
            return
        if self._anchor is not None:
            m0, t0 = self._anchor
            self._anchor = (m0, t0 + ms)
        if self.position_ms is not None:
            self.position_ms += ms

    def interrupt(self) -> None:
        """End the current :meth:`play` at once (what it had not handed over is dropped)."""
        self._interrupt = True
        self._changed.set()

    def rearm(self) -> None:
        """Clear an interrupt handled outside :meth:`play`, and steps owed before it."""
        self._interrupt = False
        self._steps = 0

    async def changed(self, within: float | None = None) -> None:
        """Wait until pause, speed, a step or an interrupt changes (at most ``within`` s)."""
        self._changed.clear()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(within):
                await self._changed.wait()

    async def _gate(self) -> bool:
        """Wait until the next item may go; True when it goes as a single step."""
        while True:
            if self._interrupt:
                raise _Interrupted
            if not self._paused:
                return False
            if self._steps > 0:
                self._steps -= 1
                return True
            await self.changed()

    async def _wait_until(self, t_ms: float) -> None:
        while True:
            if await self._gate():
                self._anchor = None
                return
            speed = self._speed
            if speed is None:
                return
            now = time.monotonic()
            if self._anchor is None:
                self._anchor = (now, self.position_ms if self.position_ms is not None else t_ms)
            m0, t0 = self._anchor
            due = m0 + (t_ms - t0) / 1000.0 / speed
            delay = due - now
            if delay <= 0.0005:
                return
            await self.changed(min(delay, 0.25))

    async def play(
        self, frames: AsyncIterator[Sequence[Item]], emit: Callable[[list[Item]], None]
    ) -> bool:
        """Hand frames (and sample blocks) to ``emit`` at their time, one time step at a time
        (or in batches when playing at ``max``). False when interrupted before the end."""
        pending: list[Item] = []
        try:
            async for chunk in frames:
                for f in chunk:
                    if self._interrupt:
                        raise _Interrupted
                    if self._speed is None and not self._paused:
                        pending.append(f)
                        self.position_ms = f.arrival_ms
                        if len(pending) >= BATCH_AT_MAX:
                            emit(pending)
                            pending = []
                            await asyncio.sleep(0)
                        continue
                    if pending and f.arrival_ms > pending[-1].arrival_ms:
                        emit(pending)  # the previous time step, as soon as it is complete
                        pending = []
                    if not pending:
                        await self._wait_until(f.arrival_ms)
                    pending.append(f)
                    self.position_ms = f.arrival_ms
        except _Interrupted:
            self._interrupt = False
            self._anchor = None
            return False
        finally:
            aclose = getattr(frames, "aclose", None)
            if aclose is not None:
                await aclose()  # the file behind it is closed now, not at garbage collection
        if pending:
            emit(pending)
        return True


async def read_records(
    path: Path, parser: RecordingParser, start: int = 0
) -> AsyncGenerator[list[Header | Frame | Description | SampleBlock], None]:
    """Parse a recording in chunks read by a worker thread (the loop never blocks on disk),
    from byte ``start`` (the beginning of a line)."""
    with path.open("rb") as fh:
        if start:
            fh.seek(start)
        tail = b""
        while True:
            data = await asyncio.to_thread(fh.read, READ_CHUNK_BYTES)
            if not data:
                break
            lines = (tail + data).split(b"\n")
            tail = lines.pop()
            out = [r for line in lines if (r := parser.feed(line)) is not None]
            if out:
                yield out
        if tail.strip():
            r = parser.feed(tail)  # a last line without newline: kept if whole, else counted
            if r is not None:
                yield [r]


@dataclass(frozen=True, slots=True)
class Segment:
    """One file of a replay's timeline (a demo plays several, one after another)."""

    index: int
    first_ms: float
    """Time of its first record, on the file's own clock."""
    last_ms: float
    start_s: float
    """Where it begins on the replay's timeline, seconds."""

    @property
    def end_s(self) -> float:
        return self.start_s + (self.last_ms - self.first_ms) / 1000.0


def build_segments(spans: Sequence[tuple[float, float] | None]) -> list[Segment] | None:
    """Lay the files end to end with the loop gap between them (None if any has no times)."""
    out: list[Segment] = []
    at = 0.0
    for i, span in enumerate(spans):
        if span is None:
            return None
        seg = Segment(i, span[0], max(span[0], span[1]), at)  # times that run back: length 0
        out.append(seg)
        at = seg.end_s + LOOP_GAP_MS / 1000.0
    return out or None


def locate(segments: Sequence[Segment], position_s: float) -> tuple[int, float]:
    """The segment holding ``position_s`` and the file time there."""
    seg = segments[0]
    for s in segments:
        if s.start_s <= position_s:
            seg = s
    return seg.index, seg.first_ms + max(0.0, position_s - seg.start_s) * 1000.0


class _TimelineSource:
    """Shared logic: map a timeline onto the session clock, loop, pace, seek, report.

    The session clock never runs backwards: a new pass (a loop, or a seek) continues after
    the last item handed over (and, for sources anchored at now, not before the present).
    A seek tells the sink (:meth:`SourceSink.rewind`), so stores and open windows start
    afresh at the new position. With ``hold_at_end`` (the GUI), a replay that reaches its
    end stays paused there, so it can be sought or played again, instead of finishing.
    """

    live = False
    device_id = "replay"

    def __init__(self, url: str, *, speed: float | None, loop: bool, anchor_now: bool) -> None:
        self.url = url
        self.loop = loop
        self.anchor_now = anchor_now
        self.player = Player(speed)
        self.passes = 0
        self.recorded_descriptions = 0
        self.hold_at_end = False
        self.at_end = False
        self.segments: list[Segment] | None = None
        """The timeline's files, once indexed; None when it cannot be sought."""
        self.position_s = 0.0
        """Where the replay stands: seconds from the start of its timeline."""
        self.position_wall_ms: float | None = None
        """The recorded time (the file's own clock) of the last item handed over."""
        self.seeks = 0
        self.handed_items = 0
        """Frames and sample blocks handed to the sink so far."""
        self._seek_to: float | None = None

    # --- controls (called from the loop thread: the GUI, tests): core.ports.Playback --------

    @property
    def title(self) -> str:
        return self.url

    @property
    def paused(self) -> bool:
        return self.player.paused

    @property
    def speed(self) -> float | None:
        return self.player.speed

    def set_speed(self, speed: float | None) -> None:
        self.player.set_speed(speed)

    @property
    def seekable(self) -> bool:
        return self.segments is not None

    @property
    def length_s(self) -> float | None:
        """How long the timeline plays at 1× (None: not indexed, or endless)."""
        return self.segments[-1].end_s if self.segments else None

    def seek(self, position_s: float) -> None:
        """Continue from ``position_s`` (clamped to the timeline); kept paused if paused."""
        duration = self.length_s
        if duration is None:
            return
        self._seek_to = min(max(0.0, position_s), duration)
        self.position_s = self._seek_to  # shown at once; a second jump starts from here
        self.player.interrupt()

    def step(self) -> None:
        """While paused: the next frame (or sample block)."""
        if not self.at_end:
            self.player.step()

    def play(self) -> None:
        """Resume; at the end of a replay, start it again."""
        if self.at_end and self._seek_to is None:
            self._seek_to = 0.0
        self.player.resume()

    def pause(self) -> None:
        self.player.pause()

    # --- running ---------------------------------------------------------------------------

    async def _prepare(self) -> None:
        """Index the timeline, when the source can (sets :attr:`segments`)."""

    def _iter_from(
        self, index: int, from_ms: float | None
    ) -> AsyncGenerator[tuple[int, AsyncIterator[Sequence[Item]]], None]:
        raise NotImplementedError

    async def run(self, sink: SourceSink) -> None:
        await self._prepare()
        next_base: float | None = None
        last_ms: float | None = None
        rates: dict[str, float] = {}
        current: dict[str, float] = {}  # the pass being handed over: offset, segment start

        async def mapped(
            chunks: AsyncIterator[Sequence[Item]], seg: Segment | None, from_ms: float | None
        ) -> AsyncIterator[list[Item]]:
            nonlocal last_ms
            offset: float | None = None
            try:
                async for chunk in chunks:
                    out: list[Item] = []
                    for f in chunk:
                        if from_ms is not None and f.arrival_ms < from_ms:
                            continue  # before the position sought
                        start = float(f.t_ms[0]) if isinstance(f, SampleBlock) else f.arrival_ms
                        if offset is None:
                            if next_base is not None:
                                base = next_base
                                if self.anchor_now:
                                    base = max(base, float(round(wall_ms())))
                                    # catching up with the present (after a pause, or a
                                    # slow loop turn) is a jump of the session clock, not
                                    # time to wait: without this, a pause of N s stalled
                                    # every later scene change by N s
                                    self.player.skip(base - next_base)
                            else:
                                base = float(round(wall_ms())) if self.anchor_now else start
                            offset = base - start
                            current["offset"] = offset
                            current["first_ms"] = seg.first_ms if seg else start
                            current["start_s"] = seg.start_s if seg else 0.0
                        if isinstance(f, SampleBlock):
                            ts = f.t_ms + offset
                            if last_ms is not None and ts[0] < last_ms:
                                ts = np.maximum(ts, last_ms)  # the session clock never runs back
                            last_ms = float(ts[-1])
                            out.append(replace(f, t_ms=ts))
                            continue
                        t = f.arrival_ms + offset
                        if last_ms is not None and t < last_ms:
                            t = last_ms  # the session clock never runs backwards
                        last_ms = t
                        out.append(replace(f, arrival_ms=t) if t != f.arrival_ms else f)
                    yield out
            finally:
                aclose = getattr(chunks, "aclose", None)
                if aclose is not None:
                    await aclose()

        handed: list[float] = []  # the session time of the last item handed over, if any

        def emit(items: list[Item]) -> None:
            emit_items(sink, items, rates)
            self.handed_items += len(items)
            if items:
                handed[:] = [items[-1].arrival_ms]
            if "offset" in current and items:
                wall = items[-1].arrival_ms - current["offset"]
                self.position_wall_ms = wall
                self.position_s = current["start_s"] + (wall - current["first_ms"]) / 1000.0

        sink.set_state("source", LinkState.LIVE, self.describe())
        index, from_ms = 0, None
        while True:
            interrupted = False
            handed_before = self.handed_items
            async with contextlib.aclosing(self._iter_from(index, from_ms)) as files:
                async for i, chunks in files:
                    seg = self.segments[i] if self.segments else None
                    current.clear()
                    done = await self.player.play(
                        mapped(chunks, seg, from_ms if i == index else None), emit
                    )
                    if not done:
                        # what was read ahead but never handed over does not count: the next
                        # pass follows the last item the sink saw, not the end of the chunk
                        last_ms = handed[0] if handed else None
                    if last_ms is not None:
                        next_base = last_ms + LOOP_GAP_MS  # the next pass follows this one
                    if not done:
                        interrupted = True
                        break
            if not interrupted:
                self.passes += 1
                if self.handed_items == handed_before and from_ms is None:
                    # a whole pass with nothing in it: looping would only spin
                    sink.problem("source", "empty", f"{self.url}: nothing to replay")
                    return
                if self.loop:
                    index, from_ms = 0, None
                    await asyncio.sleep(0)
                    continue
                if not (self.hold_at_end and self.seekable):
                    return
                await self._hold(sink)
            target = self._seek_to if self._seek_to is not None else 0.0
            self._seek_to = None
            self.player.rearm()
            self.seeks += 1
            sink.rewind(target)
            self.position_s = target
            if self.segments:
                index, from_ms = locate(self.segments, target)
            if self.player.paused:
                self.player.step()  # show where it stands now (one frame, however many seeks)
            await asyncio.sleep(0)

    async def _hold(self, sink: SourceSink) -> None:
        """At the end of the timeline: wait, paused, for a seek or for Play."""
        self.at_end = True
        if self.length_s is not None:
            self.position_s = self.length_s
        self.player.pause()
        sink.set_state("source", LinkState.FINISHED, "end of the replay: seek, or play again")
        while self._seek_to is None and self.player.paused:
            await self.player.changed()
        self.at_end = False
        sink.set_state("source", LinkState.LIVE, self.describe())

    def describe(self) -> str:
        sp = self.player.speed
        return f"{self.url} at {'max' if sp is None else f'{sp:g}×'} speed"


class ReplaySource(_TimelineSource):
    """``replay://PATH?speed=1&loop=0``: our recordings or plain JSON Lines of wire frames."""

    def __init__(
        self,
        path: Path,
        *,
        url: str | None = None,
        speed: float | None = 1.0,
        loop: bool = False,
        anchor_now: bool = False,
        device_id: str = "replay",
    ) -> None:
        super().__init__(url or f"replay://{path}", speed=speed, loop=loop, anchor_now=anchor_now)
        self.paths = [path]
        self.device_id = device_id
        self.header: Header | None = None
        self.bad_lines = 0
        self._sink: SourceSink | None = None

    async def run(self, sink: SourceSink) -> None:
        self._sink = sink
        await super().run(sink)

    async def _prepare(self) -> None:
        def spans() -> list[tuple[float, float] | None]:
            once = {p: time_span(p) for p in dict.fromkeys(self.paths)}  # the demo repeats files
            return [once[p] for p in self.paths]

        try:
            self.segments = build_segments(await asyncio.to_thread(spans))
        except OSError:
            self.segments = None  # playing it will say what is wrong

    async def _iter_from(
        self, index: int, from_ms: float | None
    ) -> AsyncGenerator[tuple[int, AsyncIterator[Sequence[Item]]], None]:
        for i in range(index, len(self.paths)):
            start = 0
            if i == index and from_ms is not None:
                start = await asyncio.to_thread(offset_at, self.paths[i], from_ms)
            yield i, self._frames_of(self.paths[i], start)

    @property
    def title(self) -> str:
        return Path(self.paths[0]).name

    def _report_bad(self, path: Path, parser: RecordingParser, reported: int) -> int:
        if parser.bad_lines > reported and self._sink is not None:
            self._sink.problem(
                "source",
                "malformed",
                f"{path.name}: {parser.errors[-1] if parser.errors else 'bad line'}",
                parser.bad_lines - reported,
            )
            self.bad_lines += parser.bad_lines - reported
        return parser.bad_lines

    async def _frames_of(self, path: Path, start: int = 0) -> AsyncIterator[list[Item]]:
        parser = RecordingParser(default_device=self.device_id)
        reported = 0
        async with contextlib.aclosing(read_records(path, parser, start)) as chunks:
            async for records in chunks:
                frames: list[Item] = []
                for r in records:
                    if isinstance(r, Frame | SampleBlock):
                        frames.append(r)
                    elif isinstance(r, Header):
                        self.header = self.header or r
                    else:
                        self.recorded_descriptions += 1
                reported = self._report_bad(path, parser, reported)
                if frames:
                    yield frames
        self._report_bad(path, parser, reported)


class DemoSource(ReplaySource):
    """``demo://``: the bundled recordings, one after another, looped, anchored at now."""

    def __init__(
        self,
        paths: list[Path],
        *,
        url: str = "demo://",
        speed: float | None = 1.0,
        loop: bool = True,
    ) -> None:
        super().__init__(
            paths[0], url=url, speed=speed, loop=loop, anchor_now=True, device_id="demo"
        )
        self.paths = list(paths)


class FakeSource(_TimelineSource):
    """``fake://SCENE?seed=1&speed=1&loop=1``: a generated scene, for tests and the self-test."""

    live = True

    def __init__(
        self,
        scene: str,
        *,
        seed: int = 1,
        hz: float = 5.0,
        speed: float | None = 1.0,
        loop: bool = True,
        duration_s: float | None = None,
        url: str | None = None,
        device_id: str = "fake",
    ) -> None:
        from intelivision_desktop.core.scenes import generate_scene

        self._generate = generate_scene
        self.scene, self.seed, self.hz, self.duration_s = scene, seed, hz, duration_s
        self.device_id = device_id
        next(iter(self._generate(scene, seed=seed, duration_s=0.2, hz=hz)), None)  # validates
        super().__init__(url or f"fake://{scene}", speed=speed, loop=loop, anchor_now=True)

    def _frames(self, seed: int) -> Iterator[Frame]:
        for wire in self._generate(self.scene, seed=seed, duration_s=self.duration_s, hz=self.hz):
            try:
                yield decode_frame(
                    wire, device_id=self.device_id, arrival_ms=float(wire["timestamp"])
                )
            except FrameError:
                log.exception("scene generator produced a bad frame")

    async def _one(self, seed: int) -> AsyncIterator[list[Frame]]:
        batch: list[Frame] = []
        for f in self._frames(seed):
            batch.append(f)
            if len(batch) >= 64:
                yield batch
                batch = []
        if batch:
            yield batch

    async def _iter_from(
        self, index: int, from_ms: float | None
    ) -> AsyncGenerator[tuple[int, AsyncIterator[Sequence[Item]]], None]:
        yield 0, self._one(self.seed + self.passes)
