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

The same channels CSV comes from the session in memory: :func:`store_table` copies a
:class:`~intelivision_desktop.core.channels.ChannelStore`'s rows inside a range (times back
from the store's seconds to epoch ms, rounded to the microsecond), and
:func:`table_csv_chunks` writes them column by column with vectorised formatting
(:func:`iso_times`, :func:`elapsed_texts`, :func:`number_texts`, each equal to its per-value
counterpart), so ten minutes of 16 channels at 1 kHz take seconds, not minutes. There the
``elapsed_s`` origin is, unless given, the first row exported (a store has no recording
start); pass the same ``origin_ms`` to the descriptions CSV so the two files line up.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from intelivision_desktop.core.channels import (
    CAMERA_CHANNELS,
    ChannelStore,
    FloatArray,
    derive_channels,
)
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
    """Epoch ms as ISO 8601, UTC, millisecond precision; "" for a time no calendar date holds
    (a damaged recording's year 33658: the ms column still carries it)."""
    try:
        moment = dt.datetime.fromtimestamp(t_ms / 1000.0, tz=dt.UTC)
    except (ValueError, OverflowError, OSError):
        return ""
    return moment.isoformat(timespec="milliseconds")


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
        return ordered_channels([*self._camera, *self._raw])


def ordered_channels(names: Iterable[str]) -> list[str]:
    """Channel columns in export order: camera channels first (``CAMERA_CHANNELS`` order),
    then the others in the order given (first appearance)."""
    names = list(dict.fromkeys(names))
    camera = sorted((n for n in names if n in _CAMERA_ORDER), key=_CAMERA_ORDER.__getitem__)
    return camera + [n for n in names if n not in _CAMERA_ORDER]


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


# --- the session in memory: channel stores --------------------------------------------------

CHUNK_ROWS = 8192
"""Rows formatted at a time by :func:`table_csv_chunks`."""
_PROBE = 4096


def store_times_ms(t_s: FloatArray) -> FloatArray:
    """A store's times (epoch seconds) as epoch ms, rounded to the microsecond.

    Float64 seconds resolve about 0.24 µs in this century. For whole ms (measured over
    millions of present-day values) ``t_ms / 1000 * 1000`` gives ``t_ms`` back exactly;
    rounding to the microsecond guards times that are not whole ms against a residue that
    would move them across an inclusive range bound.
    """
    return np.round(np.asarray(t_s, dtype=np.float64) * 1000.0, 3)


@dataclass(frozen=True, slots=True)
class ChannelTable:
    """A copy of one device's channel rows (what a store held inside a time range).

    A copy, not a view: the store goes on filling (and overwriting its ring) on the loop
    thread while a worker thread writes the table.
    """

    device_id: str
    t_ms: FloatArray
    """Epoch ms, oldest first."""
    columns: dict[str, FloatArray]
    """Channel values by name, in export order (:func:`ordered_channels`)."""

    def __len__(self) -> int:
        return len(self.t_ms)

    @property
    def names(self) -> list[str]:
        return list(self.columns)

    @property
    def first_ms(self) -> float | None:
        return float(self.t_ms[0]) if len(self.t_ms) else None


def store_table(store: ChannelStore, device_id: str, time_range: TimeRange = ALL) -> ChannelTable:
    """Copy the rows of ``store`` inside ``time_range`` (call on the thread that fills it)."""
    t_ms = store_times_ms(store.times())
    keep = time_range.mask(t_ms)
    columns = {n: np.array(store.column(n)[keep]) for n in ordered_channels(store.names)}
    return ChannelTable(device_id, np.array(t_ms[keep]), columns)


def iso_times(t_ms: FloatArray) -> list[str]:
    """:func:`iso_time` of every value, vectorised (the same text, also at rounding edges).

    ``datetime.fromtimestamp`` splits the seconds with ``modf``, rounds the fraction to the
    microsecond half to even, carries, and ``isoformat`` then truncates to the millisecond;
    this does the same arithmetic on arrays.
    """
    d = np.asarray(t_ms, dtype=np.float64) / 1000.0
    sec = np.trunc(d)
    us = np.rint((d - sec) * 1e6)
    up, down = us >= 1e6, us < 0
    sec = sec + up - down
    us = us - 1e6 * up + 1e6 * down
    ms = sec.astype(np.int64) * 1000 + (us // 1000).astype(np.int64)
    text = np.datetime_as_string(ms.astype("datetime64[ms]"), unit="ms")
    return [s + "+00:00" for s in text.tolist()]


def elapsed_texts(t_ms: FloatArray, origin_ms: float) -> list[str]:
    """:func:`elapsed_text` of every value (same arithmetic, same format)."""
    seconds = (np.asarray(t_ms, dtype=np.float64) - origin_ms) / 1000.0
    return list(map("{:.6f}".format, seconds.tolist()))


def _number_texts(v: FloatArray) -> list[str]:
    finite = np.isfinite(v)
    whole = finite & (np.floor(v) == v) & (np.abs(v) < _MAX_EXACT_INT)
    if whole.all():
        return list(map(str, v.astype(np.int64).tolist()))
    out: list[str] = list(map(float.__repr__, v.tolist()))
    if whole.any():
        idx = np.flatnonzero(whole).tolist()
        for i, text in zip(idx, map(str, v[whole].astype(np.int64).tolist()), strict=True):
            out[i] = text
    nan = np.isnan(v)
    if nan.any():
        for i in np.flatnonzero(nan).tolist():
            out[i] = ""
    return out


def _column_texts(col: FloatArray) -> Callable[[int, int], list[str]]:
    """A function giving the texts of ``col[a:b]``. A column with many repeated values (a
    board's ADC counts, a people count, readings with few decimals) has its distinct values
    formatted once, up front; others are formatted chunk by chunk."""
    probe = col[:_PROBE]
    if len(col) > 64 and len(np.unique(probe)) < 0.9 * len(probe):  # repeats: worth a sort
        distinct, inverse = np.unique(col, return_inverse=True)
        if len(distinct) * 4 <= len(col):
            texts = np.array(_number_texts(distinct), dtype=object)

            def lookup(a: int, b: int) -> list[str]:
                out: list[str] = texts[inverse[a:b]].tolist()
                return out

            return lookup
    return lambda a, b: _number_texts(col[a:b])


def number_texts(values: FloatArray) -> list[str]:
    """:func:`number_text` of every value, vectorised: whole numbers through int64, others
    through ``float.__repr__``, repeated values formatted once."""
    v = np.asarray(values, dtype=np.float64)
    return _column_texts(v)(0, len(v))


def table_csv_chunks(
    table: ChannelTable,
    origin_ms: float | None = None,
    *,
    chunk_rows: int = CHUNK_ROWS,
    progress: Callable[[int], None] | None = None,
) -> Iterator[str]:
    """The channels CSV of ``table``: the header line, then chunks of up to ``chunk_rows``
    lines each (every one ending with its line end).

    The text is that of :func:`channel_csv_lines` for the same rows. ``origin_ms`` defaults
    to the first row's time. ``progress`` is called with the rows done after each chunk.
    """
    w = _LineWriter()
    yield w.line([*TIME_COLUMNS, *table.names])
    n = len(table)
    if n == 0:
        return
    origin = origin_ms if origin_ms is not None else float(table.t_ms[0])
    device = w.line([table.device_id])[: -len(LINE_END)]  # quoted if it needs to be
    texts = [_column_texts(c) for c in table.columns.values()]
    step = max(1, chunk_rows)
    for a in range(0, n, step):
        b = min(n, a + step)
        t = table.t_ms[a:b]
        cells = zip(
            iso_times(t),
            elapsed_texts(t, origin),
            itertools.repeat(device),
            *(column(a, b) for column in texts),
        )
        yield LINE_END.join(map(",".join, cells)) + LINE_END
        if progress is not None:
            progress(b)


def table_csv(table: ChannelTable, origin_ms: float | None = None) -> str:
    """The channels CSV of a table, as one string."""
    return "".join(table_csv_chunks(table, origin_ms))


def first_time(table: ChannelTable | None, descriptions: Iterable[Description]) -> float | None:
    """An export's ``elapsed_s`` origin: its first channel row, else its first description."""
    if table is not None and table.first_ms is not None:
        return table.first_ms
    return min((d.t_ms for d in descriptions), default=None)


# --- names and summaries (the files themselves are io.export's) ----------------------------


def descriptions_path(out: Path) -> Path:
    """Where :func:`export_csv` puts the descriptions: ``x.csv`` → ``x.descriptions.csv``."""
    stem = out.stem if out.suffix.lower() == ".csv" else out.name
    return out.with_name(stem + ".descriptions.csv")


class ExportError(Exception):
    """Export failed for a reason the user can act on (message is one line)."""


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What one export wrote."""

    path: Path
    rows: int
    """Data rows (the header line not counted)."""
    columns: tuple[str, ...]
    bad_lines: int
    """Lines of the recording that could not be read (skipped)."""


@dataclass(frozen=True, slots=True)
class ExportPaths:
    """The files of one export: ``BASE.csv``, ``BASE.descriptions.csv``, ``BASE.png``."""

    channels: Path
    descriptions: Path
    plots: Path


def export_paths(folder: Path, base_name: str) -> ExportPaths:
    """Where an export named ``base_name`` goes in ``folder``. Raises :class:`ExportError`
    for a name that is empty or names another folder."""
    base = base_name.strip()
    if base.lower().endswith(".csv"):
        base = base[:-4]
    if not base or base in (".", "..") or "/" in base or "\\" in base or "\0" in base:
        raise ExportError(f"{base_name!r} is not a file name (no folders, not empty)")
    channels = folder / f"{base}.csv"
    return ExportPaths(channels, descriptions_path(channels), folder / f"{base}.png")


@dataclass(frozen=True, slots=True)
class RecordingSummary:
    """What the recordings browser shows of a file, found without decoding every frame."""

    path: Path
    size_bytes: int
    modified_s: float
    """Last modification, epoch seconds (file system clock)."""
    start_ms: float | None = None
    """Time of the first record (session clock)."""
    end_ms: float | None = None
    """Time of the last record (the last sample of a trailing samples block)."""
    source: str = ""
    """The header's source URL; empty for a plain file of wire frames."""
    analyzer: str = ""
    created_ms: float | None = None
    frames: int = 0
    descriptions: int = 0
    sample_blocks: int = 0
    error: str | None = None
    """Why the file could not be summarised (it is still listed)."""

    @property
    def duration_s(self) -> float | None:
        if self.start_ms is None or self.end_ms is None:
            return None
        return max(0.0, (self.end_ms - self.start_ms) / 1000.0)


NO_FRAMES = "no frames"
"""A recording's summary error when it holds no frame at all (the window translates it)."""
