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
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from intelivision_desktop.core.codec import FrameError, decode_frame
from intelivision_desktop.core.model import Description, Frame, LinkState
from intelivision_desktop.core.ports import SourceSink
from intelivision_desktop.core.recording import Header, RecordingParser, SampleBlock

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


class Player:
    """Paces frames by their timeline; speed and pause can change while playing."""

    def __init__(self, speed: float | None = 1.0) -> None:
        self._speed = speed
        self._resume = asyncio.Event()
        self._resume.set()
        self._anchor: tuple[float, float] | None = None  # (monotonic s, timeline ms)
        self._changed = asyncio.Event()
        self.position_ms: float | None = None
        """Timeline time of the last frame handed over."""

    @property
    def speed(self) -> float | None:
        return self._speed

    @property
    def paused(self) -> bool:
        return not self._resume.is_set()

    def set_speed(self, speed: float | None) -> None:
        self._speed = speed
        self._anchor = None
        self._changed.set()

    def pause(self) -> None:
        self._resume.clear()
        self._anchor = None

    def resume(self) -> None:
        self._anchor = None
        self._resume.set()

    async def _wait_until(self, t_ms: float) -> None:
        while True:
            await self._resume.wait()
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
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout=min(delay, 0.25))

    async def play(
        self, frames: AsyncIterator[Sequence[Item]], emit: Callable[[list[Item]], None]
    ) -> None:
        """Hand frames (and sample blocks) to ``emit`` at their time, in batches of those due."""
        pending: list[Item] = []
        async for chunk in frames:
            for f in chunk:
                if self._speed is None:
                    pending.append(f)
                    if len(pending) >= BATCH_AT_MAX:
                        emit(pending)
                        pending = []
                        self.position_ms = f.arrival_ms
                        await asyncio.sleep(0)
                        await self._resume.wait()
                    continue
                if pending and f.arrival_ms > pending[-1].arrival_ms:
                    emit(pending)
                    pending = []
                await self._wait_until(f.arrival_ms)
                pending.append(f)
                self.position_ms = f.arrival_ms
        if pending:
            emit(pending)


async def read_records(
    path: Path, parser: RecordingParser
) -> AsyncIterator[list[Header | Frame | Description | SampleBlock]]:
    """Parse a recording in chunks read by a worker thread (the loop never blocks on disk)."""
    with path.open("rb") as fh:
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


class _TimelineSource:
    """Shared logic: map a timeline onto the session clock, loop, pace, report."""

    live = False
    device_id = "replay"

    def __init__(self, url: str, *, speed: float | None, loop: bool, anchor_now: bool) -> None:
        self.url = url
        self.loop = loop
        self.anchor_now = anchor_now
        self.player = Player(speed)
        self.passes = 0
        self.recorded_descriptions = 0

    async def _passes(self) -> AsyncIterator[AsyncIterator[Sequence[Item]]]:
        raise NotImplementedError
        yield  # pragma: no cover

    async def run(self, sink: SourceSink) -> None:
        next_base: float | None = None
        last_ms: float | None = None
        rates: dict[str, float] = {}

        async def mapped(chunks: AsyncIterator[Sequence[Item]]) -> AsyncIterator[list[Item]]:
            nonlocal last_ms
            offset: float | None = None
            async for chunk in chunks:
                out: list[Item] = []
                for f in chunk:
                    start = float(f.t_ms[0]) if isinstance(f, SampleBlock) else f.arrival_ms
                    if offset is None:
                        if next_base is not None:
                            base = next_base
                        else:
                            base = float(round(wall_ms())) if self.anchor_now else start
                        offset = base - start
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

        sink.set_state("source", LinkState.LIVE, self.describe())
        while True:
            async for frames in self._passes():
                await self.player.play(
                    mapped(frames), lambda items: emit_items(sink, items, rates)
                )
                if last_ms is not None:
                    next_base = last_ms + LOOP_GAP_MS  # the next pass follows this one
                self.passes += 1
            if not self.loop:
                return
            await asyncio.sleep(0)

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

    async def _frames_of(self, path: Path) -> AsyncIterator[list[Item]]:
        parser = RecordingParser(default_device=self.device_id)
        reported = 0
        async for records in read_records(path, parser):
            frames: list[Item] = []
            for r in records:
                if isinstance(r, Frame | SampleBlock):
                    frames.append(r)
                elif isinstance(r, Header):
                    self.header = self.header or r
                else:
                    self.recorded_descriptions += 1
            if parser.bad_lines > reported and self._sink is not None:
                self._sink.problem(
                    "source",
                    "malformed",
                    f"{path.name}: {parser.errors[-1] if parser.errors else 'bad line'}",
                    parser.bad_lines - reported,
                )
                self.bad_lines += parser.bad_lines - reported
                reported = parser.bad_lines
            if frames:
                yield frames
        if parser.bad_lines > reported and self._sink is not None:
            self._sink.problem(
                "source",
                "malformed",
                f"{path.name}: {parser.errors[-1] if parser.errors else 'bad line'}",
                parser.bad_lines - reported,
            )
            self.bad_lines += parser.bad_lines - reported

    async def _passes(self) -> AsyncIterator[AsyncIterator[Sequence[Item]]]:
        for path in self.paths:
            yield self._frames_of(path)


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

    async def _passes(self) -> AsyncIterator[AsyncIterator[Sequence[Item]]]:
        yield self._one(self.seed + self.passes)
