"""Finding times in a recording without decoding it: a line's time, the first and last
time of a file, and the byte offset of a time (recordings are in time order).

Used by replays to know their length and to seek, and by the recordings browser. The parser
(:class:`~intelivision_desktop.core.recording.RecordingParser`) still decides what a line is.
"""

from __future__ import annotations

from pathlib import Path

from intelivision_desktop.core.codec import FrameError, finite, loads_bounded


def line_time(line: bytes, *, data_only: bool = False) -> float | None:
    """The time of a recording line, found cheaply (None: a header, or no usable time).

    Frames and descriptions: ``t``; sample blocks: their last sample; plain wire frames:
    ``timestamp``. ``data_only``: None for descriptions too (a replay's timeline is its
    frames and samples). Used to index and seek; the parser still decides what a line is.
    A line the bounded reader refuses (too deep, huge or non-finite numbers, not JSON) has
    no time.
    """
    try:
        obj = loads_bounded(line)
    except FrameError:
        return None
    if not isinstance(obj, dict):
        return None
    kind = obj.get("type")
    t: object
    if kind == "frame" or (kind == "description" and not data_only):
        t = obj.get("t")
    elif kind == "samples":
        ts = obj.get("t")
        t = ts[-1] if isinstance(ts, list) and ts else None
    elif kind is None:
        t = obj.get("timestamp")
    else:
        return None
    if isinstance(t, bool) or not isinstance(t, int | float) or not finite(t):
        return None
    return float(t)


HEAD_LINES = 50
"""Lines read from the start of a file to find its first time."""
TAIL_BYTES = 256 * 1024
TAIL_MAX_BYTES = 32 * 1024 * 1024
"""The furthest back from its end a file is read for its last time."""
BISECT_SPAN = 64 * 1024
"""Below this many bytes a seek reads lines one by one instead of halving further."""


def last_time(
    path: Path, *, data_only: bool = False, max_bytes: int = TAIL_MAX_BYTES
) -> float | None:
    """The latest time among the lines at the end of a recording, reading back from its end
    in growing windows (at most ``max_bytes``); None if none has a time."""
    with path.open("rb") as fh:
        size = fh.seek(0, 2)
        window = TAIL_BYTES
        while True:
            at = max(0, size - window)
            fh.seek(at)
            lines = fh.read(size - at).split(b"\n")
            if at > 0:
                lines = lines[1:]  # the first piece may be part of a line
            times = [
                t
                for line in lines
                if line.strip() and (t := line_time(line, data_only=data_only)) is not None
            ]
            if times:
                return max(times)
            if at == 0 or window >= max_bytes:
                return None
            window *= 4


def time_span(path: Path) -> tuple[float, float] | None:
    """First and last time of a replay's timeline (frames and samples; head and tail only)."""
    first: float | None = None
    with path.open("rb") as fh:
        for _ in range(HEAD_LINES):
            line = fh.readline()
            if not line:
                break
            first = line_time(line, data_only=True)
            if first is not None:
                break
    if first is None:
        return None
    last = last_time(path, data_only=True)
    return first, (last if last is not None else first)


def offset_at(path: Path, target_ms: float) -> int:
    """Byte offset of the first line timed at or after ``target_ms`` (recordings are in time
    order): halving the file while the span is large, then line by line."""
    with path.open("rb") as fh:
        size = fh.seek(0, 2)

        def first_time_after(pos: int) -> float | None:
            fh.seek(pos)
            if pos > 0:
                fh.readline()  # the rest of a line cut by ``pos``
            while line := fh.readline():
                t = line_time(line, data_only=True)
                if t is not None:
                    return t
            return None

        lo, hi = 0, size
        while hi - lo > BISECT_SPAN:
            mid = (lo + hi) // 2
            t = first_time_after(mid)
            if t is None or t >= target_ms:
                hi = mid
            else:
                lo = mid
        fh.seek(lo)
        if lo > 0:
            fh.readline()
        while True:
            at = fh.tell()
            line = fh.readline()
            if not line:
                return at
            t = line_time(line, data_only=True)
            if t is not None and t >= target_ms:
                return at
