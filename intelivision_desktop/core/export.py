"""CSV export of recordings: channels (one column each) and descriptions.

Pure: records in, CSV text out; no files, no clock. :mod:`intelivision_desktop.io.export` reads
recordings and writes the files.

Channels CSV, one row per camera frame and one per raw sample::

    time,elapsed_s,device,people,objects,nearest_person_m,…,a0,a1
    2026-12-30T09:20:00.000+00:00,0.000000,demo,1,2,1.2,…,,

- ``time``: absolute, ISO 8601 in UTC with milliseconds (as the headless JSON lines);
- ``elapsed_s``: seconds since the origin (the first record's time in the recording, so it
  matches the replay position; pass ``origin_ms`` to choose another), to the microsecond;
- ``device``: the device the row came from;
- one column per channel: camera frames give the channels of
  :func:`~intelivision_desktop.core.channels.derive_channels` (in ``CAMERA_CHANNELS`` order),
  ``samples`` records give their own columns (in order of first appearance). A channel a row
  does not have is an empty cell, as is NaN. Whole numbers are written without a decimal
  point; other values with ``repr`` (shortest text that reads back as the same float).

Rows keep the recording's order (arrival order; times never go backwards within a device).

Descriptions CSV: ``time,elapsed_s,device,text,source,fallback,latency_ms``.

Both take an optional :class:`TimeRange` (inclusive at both ends), e.g. the plots' visible
range.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from intelivision_desktop.core.channels import CAMERA_CHANNELS, FloatArray, derive_channels
from intelivision_desktop.core.model import Description, Frame
from intelivision_desktop.core.recording import Record, SampleBlock

TIME_COLUMNS = ("time", "elapsed_s", "device")
DESCRIPTION_COLUMNS = (
    "time",
    "elapsed_s",
    "device",
    "text",
    "source",
    "fallback",
    "latency_ms",
)
LINE_END = "\r\n"
"""RFC 4180 line ends (what spreadsheet programs expect; every CSV reader accepts them)."""

_CAMERA_ORDER = {c.name: i for i, c in enumerate(CAMERA_CHANNELS)}
_MAX_EXACT_INT = 2.0**53


@dataclass(frozen=True, slots=True)
class TimeRange:
    """Times to export, epoch ms on the session clock, inclusive; None: unbounded."""

    start_ms: float | None = None
    end_ms: float | None = None

    def __post_init__(self) -> None:
        if self.start_ms is not None and self.end_ms is not None and self.end_ms < self.start_ms:
            raise ValueError("time range ends before it starts")

    @classmethod
    def from_seconds(cls, start_s: float | None, end_s: float | None) -> TimeRange:
        """From epoch seconds (the plots' x axis)."""
        return cls(
            None if start_s is None else start_s * 1000.0,
            None if end_s is None else end_s * 1000.0,
        )

    @classmethod
    def from_elapsed(
        cls, origin_ms: float, start_s: float | None, end_s: float | None
    ) -> TimeRange:
        """From seconds after ``origin_ms`` (the ``elapsed_s`` column, a replay position)."""
        return cls(
            None if start_s is None else origin_ms + start_s * 1000.0,
            None if end_s is None else origin_ms + end_s * 1000.0,
        )

    @property
    def unbounded(self) -> bool:
        return self.start_ms is None and self.end_ms is None

    def contains(self, t_ms: float) -> bool:
        return (self.start_ms is None or t_ms >= self.start_ms) and (
            self.end_ms is None or t_ms <= self.end_ms
        )

    def mask(self, t_ms: FloatArray) -> npt.NDArray[np.bool_]:
        """Boolean mask of the times inside the range."""
        keep = np.ones(len(t_ms), dtype=bool)
        if self.start_ms is not None:
            keep &= t_ms >= self.start_ms
        if self.end_ms is not None:
            keep &= t_ms <= self.end_ms
        return keep


ALL = TimeRange()


@dataclass(frozen=True, slots=True)
class ChannelRow:
    """One row of the channels table."""

    t_ms: float
    device_id: str
    values: dict[str, float]


# --- formatting ----------------------------------------------------------------------------


def iso_time(t_ms: float) -> str:
    """Epoch ms as ISO 8601, UTC, millisecond precision."""
    return dt.datetime.fromtimestamp(t_ms / 1000.0, tz=dt.UTC).isoformat(timespec="milliseconds")


def elapsed_text(t_ms: float, origin_ms: float) -> str:
    return f"{(t_ms - origin_ms) / 1000.0:.6f}"


def number_text(v: float | None) -> str:
    """A value as CSV text: empty for None/NaN, whole numbers without ``.0``, else ``repr``."""
    if v is None or math.isnan(v):
        return ""
    if v.is_integer() and abs(v) < _MAX_EXACT_INT:
        return str(int(v))
    return repr(float(v))


def parse_number(text: str) -> float:
    """Inverse of :func:`number_text` (empty → NaN)."""
    return float(text) if text.strip() else math.nan


# --- what a recording holds ------------------------------------------------------------------


def record_time(r: Record) -> float | None:
    """The earliest time a record carries (None for a header)."""
    if isinstance(r, Frame):
        return r.arrival_ms
    if isinstance(r, Description):
        return r.t_ms
    if isinstance(r, SampleBlock):
        return float(r.t_ms[0])
    return None


def origin_of(records: Iterable[Record]) -> float | None:
    """The earliest time in the records (the ``elapsed_s`` origin), None if there is none."""
    times = [t for r in records if (t := record_time(r)) is not None]
    return min(times) if times else None


class ColumnCollector:
    """Gathers the channel columns of records fed one at a time (for streaming readers)."""

    def __init__(self) -> None:
        self._camera: set[str] = set()
        self._raw: dict[str, None] = {}
        self._seen_frame = False

    def add(self, r: Record) -> None:
        if isinstance(r, Frame) and not self._seen_frame:
            self._seen_frame = True
            self._camera.update(derive_channels(r))
        elif isinstance(r, SampleBlock):
            for k in r.columns:
                if k in _CAMERA_ORDER:
                    self._camera.add(k)  # a board may name a channel like a camera one
                else:
                    self._raw[k] = None

    def columns(self) -> list[str]:
        """Camera channels first (``CAMERA_CHANNELS`` order), then sample columns."""
        return sorted(self._camera, key=_CAMERA_ORDER.__getitem__) + list(self._raw)


def channel_names(records: Iterable[Record]) -> list[str]:
    """The channel columns the records give: camera channels first, then sample columns."""
    c = ColumnCollector()
    for r in records:
        c.add(r)
    return c.columns()


def channel_rows(records: Iterable[Record], time_range: TimeRange = ALL) -> Iterator[ChannelRow]:
    """Rows of channel values, in recording order, inside ``time_range``."""
    for r in records:
        if isinstance(r, Frame):
            if time_range.contains(r.arrival_ms):
                yield ChannelRow(r.arrival_ms, r.device_id, derive_channels(r))
        elif isinstance(r, SampleBlock):
            t = r.t_ms
            cols = list(r.columns.items())
            for i in np.flatnonzero(time_range.mask(t)):
                yield ChannelRow(
                    float(t[i]), r.device_id, {name: float(col[i]) for name, col in cols}
                )


def descriptions(records: Iterable[Record], time_range: TimeRange = ALL) -> Iterator[Description]:
    for r in records:
        if isinstance(r, Description) and time_range.contains(r.t_ms):
            yield r


# --- CSV -------------------------------------------------------------------------------------


class _LineWriter:
    """csv.writer into a reusable buffer: one CSV line (with its line end) per call."""

    def __init__(self) -> None:
        self._buf = io.StringIO()
        self._w = csv.writer(self._buf, lineterminator=LINE_END)

    def line(self, cells: Sequence[str]) -> str:
        self._buf.seek(0)
        self._buf.truncate()
        self._w.writerow(cells)
        return self._buf.getvalue()


def channel_csv_lines(
    records: Iterable[Record],
    columns: Sequence[str],
    origin_ms: float,
    time_range: TimeRange = ALL,
) -> Iterator[str]:
    """The channels CSV, line by line (header first), for the given channel ``columns``.

    ``columns`` and ``origin_ms`` come from :func:`channel_names` and :func:`origin_of` over
    the whole recording; taking them as arguments lets a caller stream a large file twice
    instead of holding it.
    """
    w = _LineWriter()
    yield w.line([*TIME_COLUMNS, *columns])
    for row in channel_rows(records, time_range):
        v = row.values
        yield w.line(
            [
                iso_time(row.t_ms),
                elapsed_text(row.t_ms, origin_ms),
                row.device_id,
                *(number_text(v.get(c)) for c in columns),
            ]
        )


def description_csv_lines(
    records: Iterable[Record], origin_ms: float, time_range: TimeRange = ALL
) -> Iterator[str]:
    """The descriptions CSV, line by line (header first)."""
    w = _LineWriter()
    yield w.line(DESCRIPTION_COLUMNS)
    for d in descriptions(records, time_range):
        yield w.line(
            [
                iso_time(d.t_ms),
                elapsed_text(d.t_ms, origin_ms),
                d.device_id,
                d.text,
                d.source,
                "true" if d.fallback else "false",
                number_text(d.latency_ms),
            ]
        )


def channels_csv(
    records: Sequence[Record],
    time_range: TimeRange = ALL,
    *,
    origin_ms: float | None = None,
) -> str:
    """The channels CSV of records held in memory."""
    origin = origin_ms if origin_ms is not None else (origin_of(records) or 0.0)
    return "".join(channel_csv_lines(records, channel_names(records), origin, time_range))


def descriptions_csv(
    records: Sequence[Record],
    time_range: TimeRange = ALL,
    *,
    origin_ms: float | None = None,
) -> str:
    """The descriptions CSV of records held in memory."""
    origin = origin_ms if origin_ms is not None else (origin_of(records) or 0.0)
    return "".join(description_csv_lines(records, origin, time_range))
