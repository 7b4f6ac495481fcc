"""Line parsers for serial sensor devices (PROTOCOL.md §7). Pure: no I/O, no clock, no Qt.

Two stages, both batch-oriented so a reader thread can hand over thousands of lines at once:

- :class:`LineSplitter` turns bytes as they are read into complete lines. Line ends are LF,
  CRLF or CR. Everything up to the first line end after connecting is a partial line and is
  discarded (counted in ``partial``). A line longer than :data:`MAX_LINE_BYTES` is cut: its
  bytes up to the next line end are skipped and it is counted in ``overlong`` (a truncated
  reading would plot a wrong value, so none of it is kept).
- :class:`LineParser` turns a list of lines into column arrays, one row per line that held at
  least one value (:class:`ParsedLines`), plus sensor frames for the analyzer.

Formats (:class:`LineFormat`):

``json``
    One JSON value per line. An object with ``personas``, ``objetos`` or ``cameraActive`` is a
    sensor frame (PROTOCOL.md §1), decoded by the codec into a :class:`Frame`. Any other
    object is a reading: numbers (and booleans as 0/1, numeric strings) become channels,
    nested objects are flattened to dotted names (``imu.ax``), ``null`` is a missing value.
    An array of numbers is read like bare values (named by position).
``arduino``
    The Arduino Serial Plotter format: fields separated by spaces, tabs or commas (whitespace
    runs count as one separator; between commas an empty field is a missing value);
    ``label:value`` or ``label=value`` pairs, or bare values named by position. A line of
    labels only (``Label1:\\tLabel2:``, or a CSV-style header ``temp,hum``, or one identifier)
    names the bare values that follow, by position; without one they are ``value1``,
    ``value2`` …
``csv``
    A header row, then rows of values, separated by the header's most frequent delimiter
    among ``,`` ``;`` and tab. Fields may be quoted (no separators inside quotes). A later
    row of text only is a new header (a board that reset).
``auto``
    Per line: a line starting with ``{`` or ``[`` is read as JSON, any other as Arduino.
    Arduino covers CSV with a header too, so ``auto`` reads every format of §7.

Problems never raise: a bad field (not a number, an invalid label) drops only that field and
is counted; a line that yields nothing is counted as a bad line; channels beyond
:data:`MAX_CHANNELS` per device are dropped and counted, and their names kept, so the limit is
never silent. ``NaN`` from a device is a missing value; infinities are bad fields.
"""

from __future__ import annotations

import enum
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from intelivision_desktop.core.channels import FloatArray
from intelivision_desktop.core.codec import FrameError, decode_frame, finite, loads
from intelivision_desktop.core.model import Frame

IntArray = npt.NDArray[np.intp]

MAX_LINE_BYTES = 64 * 1024
"""Longest line read; a longer one is cut (skipped) and counted."""
MAX_CHANNELS = 64
"""Most channels per device; values of further channels are dropped and counted."""
MAX_LABEL_CHARS = 64
"""Longest accepted channel name."""
MAX_POSITIONS = 1024
"""Most bare values per line named by position (further ones are bad fields)."""
MAX_JSON_DEPTH = 4
"""Deepest nesting flattened from a JSON reading (``a.b.c.d``)."""
MAX_ERRORS_KEPT = 5
"""Problem messages kept per parsed batch (the counts are always complete)."""
_LABEL_CACHE_MAX = 4096
FRAME_MARKERS = frozenset({"personas", "objetos", "cameraActive"})
"""Keys that make a JSON object a sensor frame rather than a flat reading."""

NAN = math.nan
_INVALID = -2
_CAPPED = -1
_IDENT = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")


class LineFormat(enum.StrEnum):
    """How a device's lines are read."""

    AUTO = "auto"
    JSON = "json"
    ARDUINO = "arduino"
    CSV = "csv"


def parse_format(text: str) -> LineFormat:
    """``auto``, ``json``, ``arduino`` (or ``plotter``), ``csv``; ValueError otherwise."""
    t = text.strip().lower()
    if t == "plotter":
        return LineFormat.ARDUINO
    try:
        return LineFormat(t)
    except ValueError:
        known = ", ".join(f.value for f in LineFormat)
        raise ValueError(f"unknown line format {text!r:.40}; use one of {known}") from None


# --- splitting ------------------------------------------------------------------------------


class LineSplitter:
    """Bytes in, complete lines out (without their line ends).

    ``partial`` counts discarded partial first lines, ``overlong`` counts lines cut for
    exceeding ``max_line_bytes``. Blank lines (including the one a CRLF split across two reads
    leaves) are returned as empty bytes; the parser skips them.
    """

    def __init__(self, max_line_bytes: int = MAX_LINE_BYTES, *, discard_first: bool = True) -> None:
        if max_line_bytes < 1:
            raise ValueError("max_line_bytes must be positive")
        self.max_line_bytes = max_line_bytes
        self.partial = 0
        self.overlong = 0
        self.bytes = 0
        self._pieces: list[bytes] = []
        self._plen = 0
        self._skip: str | None = None  # None, "partial" or "overlong"
        self._skipped_any = False
        self.reset(discard_first=discard_first)

    def reset(self, *, discard_first: bool = True) -> None:
        """Start over (a new connection): drop any pending bytes."""
        self._pieces = []
        self._plen = 0
        self._skip = "partial" if discard_first else None
        self._skipped_any = False

    @property
    def pending(self) -> int:
        """Bytes held of a line not yet ended."""
        return self._plen

    def feed(self, data: bytes) -> list[bytes]:
        """Split a chunk; returns the lines it completed."""
        if not data:
            return []
        self.bytes += len(data)
        if 13 in data:  # b"\r" (an int test is ~15× faster than a bytes one)
            data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        parts = data.split(b"\n")
        cap = self.max_line_bytes
        if len(parts) == 1:  # no line end in this chunk
            if self._skip is not None:
                self._skipped_any = True
                return []
            self._pieces.append(data)
            self._plen += len(data)
            if self._plen > cap:
                self._start_overlong()
            return []
        last = parts.pop()
        if self._skip is not None:
            if self._skip == "partial" and (self._skipped_any or parts[0]):
                self.partial += 1
            self._skip = None
            self._skipped_any = False
            del parts[0]
        elif self._pieces:
            if self._plen + len(parts[0]) > cap:  # a short chunk ended a line held near the cap
                self.overlong += 1
                del parts[0]
            else:
                self._pieces.append(parts[0])
                parts[0] = b"".join(self._pieces)
        self._pieces = []
        self._plen = 0
        if last:
            self._pieces.append(last)
            self._plen = len(last)
            if self._plen > cap:
                self._start_overlong()
        if parts and len(data) > cap // 2 and max(map(len, parts)) > cap:
            n = len(parts)
            parts = [p for p in parts if len(p) <= cap]
            self.overlong += n - len(parts)
        return parts

    def _start_overlong(self) -> None:
        self.overlong += 1
        self._pieces = []
        self._plen = 0
        self._skip = "overlong"
        self._skipped_any = True


# --- parsing --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParsedLines:
    """What one batch of lines held."""

    rows: IntArray
    """For each sample row, the index of the input line it came from (ascending)."""
    columns: dict[str, FloatArray]
    """Channel name → one value per row (NaN where that row had no value for it). Only
    channels with a value in this batch appear, in order of first appearance on the device."""
    frames: tuple[Frame, ...] = ()
    """Sensor frames (JSON lines with ``personas``/``objetos``/``cameraActive``)."""
    bad_lines: int = 0
    """Non-blank lines that yielded nothing (no value, no header, no valid frame)."""
    bad_fields: int = 0
    """Fields dropped from lines that otherwise counted (not a number, bad label, infinity)."""
    capped_fields: int = 0
    """Values dropped because the device already had :data:`MAX_CHANNELS` channels."""
    headers: int = 0
    """Label lines (headers) read."""
    errors: tuple[str, ...] = ()
    """The first few bad lines of the batch: why, with an excerpt of the line."""
    field_errors: tuple[str, ...] = ()
    """The first few lines that lost fields: how many, with an excerpt of the line."""

    @property
    def n_rows(self) -> int:
        return len(self.rows)


def _excerpt(line: bytes, n: int = 48) -> str:
    text = line[:n].decode("utf-8", "replace")
    return repr(text) + ("…" if len(line) > n else "")


def _clean_label(raw: bytes) -> str | None:
    """A channel name from label bytes, or None when it is not a usable name."""
    if len(raw) > 4 * MAX_LABEL_CHARS:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    text = text.strip().strip("\"'").strip()
    if not text or len(text) > MAX_LABEL_CHARS or not text.isprintable():
        return None
    if "{" in text or "}" in text or '"' in text:  # a broken JSON line is not a header
        return None
    return text


@dataclass(slots=True)
class _Batch:
    """Accumulates one parse call's cells."""

    rows: list[int] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)
    """Cells per row (rows follow each other in the cell lists)."""
    cell_c: list[int] = field(default_factory=list)
    cell_v: list[float] = field(default_factory=list)
    frames: list[Frame] = field(default_factory=list)
    bad_lines: int = 0
    bad_fields: int = 0
    capped: int = 0
    headers: int = 0
    errors: list[str] = field(default_factory=list)
    field_errors: list[str] = field(default_factory=list)

    def error(self, message: str) -> None:
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(message)

    def field_error(self, message: str) -> None:
        if len(self.field_errors) < MAX_ERRORS_KEPT:
            self.field_errors.append(message)


class LineParser:
    """Reads one device's lines; remembers its labels, header and channels between batches.

    ``frame_device`` names the device of decoded sensor frames. ``totals`` counts everything
    ever parsed; ``capped_names`` holds (the first few) names refused by the channel cap.
    """

    def __init__(
        self,
        fmt: LineFormat | str = LineFormat.AUTO,
        *,
        frame_device: str = "serial",
        max_channels: int = MAX_CHANNELS,
    ) -> None:
        self.format = parse_format(fmt) if isinstance(fmt, str) else fmt
        self.frame_device = frame_device
        self.max_channels = max_channels
        self.names: list[str] = []
        """Channel names in order of first appearance (index = column number)."""
        self._index: dict[str, int] = {}
        self._label_cols: dict[bytes, int] = {}
        self._header: list[str] = []
        self._pos_cols: list[int] = []
        self._csv_sep: bytes | None = None
        self.capped_names: list[str] = []
        self.totals: Counter[str] = Counter()

    # --- channels ---------------------------------------------------------------------------

    @property
    def header(self) -> list[str]:
        """The labels that name bare values by position (empty until a header line)."""
        return list(self._header)

    def _column(self, name: str) -> int:
        col = self._index.get(name)
        if col is not None:
            return col
        if len(self.names) >= self.max_channels:
            if len(self.capped_names) < 16 and name not in self.capped_names:
                self.capped_names.append(name)
            return _CAPPED
        col = self._index[name] = len(self.names)
        self.names.append(name)
        return col

    def _label_col(self, raw: bytes) -> int:
        name = _clean_label(raw)
        col = _INVALID if name is None else self._column(name)
        if len(self._label_cols) < _LABEL_CACHE_MAX and col != _CAPPED:
            self._label_cols[raw] = col
        return col

    def _pos_col(self, pos: int) -> int:
        if pos >= MAX_POSITIONS:
            return _INVALID
        cols = self._pos_cols
        while len(cols) <= pos:
            p = len(cols)
            name = self._header[p] if p < len(self._header) else f"value{p + 1}"
            col = self._column(name)
            if col == _CAPPED:
                return _CAPPED  # not cached: a later header may free the position
            cols.append(col)
        return cols[pos]

    def _set_header(self, labels: list[str]) -> None:
        self._header = labels[:MAX_POSITIONS]
        self._pos_cols = []

    # --- parsing ----------------------------------------------------------------------------

    def parse(
        self,
        lines: Sequence[bytes],
        arrival_ms: Sequence[float] | FloatArray | None = None,
    ) -> ParsedLines:
        """Parse a batch. ``arrival_ms[i]`` stamps a sensor frame decoded from line ``i``."""
        b = _Batch()
        fmt = self.format
        json_ok = fmt in (LineFormat.AUTO, LineFormat.JSON)
        for i, line in enumerate(lines):
            if not line:
                continue
            c = line[0]
            if c <= 32 or line[-1] <= 32:
                line = line.strip()
                if not line:
                    continue
                c = line[0]
            if json_ok and (c == 123 or c == 91):  # { or [
                t = float(arrival_ms[i]) if arrival_ms is not None else 0.0
                self._json_line(line, i, t, b)
            elif fmt is LineFormat.JSON:
                b.bad_lines += 1
                b.error(f"not a JSON line: {_excerpt(line)}")
            elif fmt is LineFormat.CSV:
                self._csv_line(line, i, b)
            else:
                self._plotter_line(line, i, b)
        return self._finish(b)

    def _plotter_line(self, line: bytes, i: int, b: _Batch) -> None:
        if 44 in line:  # b","
            fields: list[bytes] = []
            for part in line.split(b","):
                sub = part.split()
                if len(sub) == 1:
                    fields.append(sub[0])
                elif not sub:
                    fields.append(b"")
                else:
                    fields.extend(sub)
        else:
            fields = line.split()
        label_cols = self._label_cols
        pos_cols = self._pos_cols
        # Fast paths: a clean line of known labels, or of bare values with known positions.
        if 58 in line:  # b":"
            parts = [f.partition(b":") for f in fields]
            try:
                vals = [float(p[2]) for p in parts]
            except ValueError:
                pass
            else:
                cols = [label_cols.get(p[0], -3) for p in parts]
                if cols and min(cols) >= 0:
                    b.cell_c.extend(cols)
                    b.cell_v.extend(vals)
                    b.counts.append(len(vals))
                    b.rows.append(i)
                    return
        elif 61 not in line and len(fields) <= len(pos_cols):
            try:
                vals = list(map(float, fields))
            except ValueError:
                pass
            else:
                if vals:
                    b.cell_c.extend(pos_cols[: len(vals)])
                    b.cell_v.extend(vals)
                    b.counts.append(len(vals))
                    b.rows.append(i)
                    return
        cc, cv = b.cell_c, b.cell_v
        nvals = nbad = ncap = 0
        labels: list[bytes] | None = None
        explicit = False
        for pos, f in enumerate(fields):
            if not f:
                continue
            lab, sep, val = f.partition(b":")
            if not sep:
                lab, sep, val = f.partition(b"=")
            if not sep:
                try:
                    v = float(f)
                except ValueError:
                    if labels is None:
                        labels = []
                    labels.append(f)
                    continue
                col = pos_cols[pos] if pos < len(pos_cols) else self._pos_col(pos)
            elif not val:
                if labels is None:
                    labels = []
                labels.append(lab)
                explicit = True
                continue
            else:
                col = label_cols.get(lab, -3)
                if col == -3:
                    col = self._label_col(lab)
                try:
                    v = float(val)
                except ValueError:
                    nbad += 1
                    continue
            if col < 0:
                if col == _CAPPED:
                    ncap += 1
                else:
                    nbad += 1
                continue
            cc.append(col)
            cv.append(v)
            nvals += 1
        if nvals:
            b.rows.append(i)
            b.counts.append(nvals)
            if labels:
                nbad += len(labels)
            if nbad:
                b.bad_fields += nbad
                b.field_error(f"{nbad} in {_excerpt(line)}")
            b.capped += ncap
            return
        if (
            labels
            and not nbad
            and not ncap
            and (
                explicit
                or 44 in line
                or 9 in line
                or (len(labels) == 1 and _IDENT.fullmatch(labels[0]) is not None)
            )
        ):
            names = [_clean_label(x) for x in labels]
            if all(n is not None for n in names):
                self._set_header([n for n in names if n is not None])
                b.headers += 1
                return
        if ncap and not nbad and not labels:
            b.capped += ncap
            return
        b.bad_lines += 1
        b.error(f"no values in {_excerpt(line)}")

    def _csv_line(self, line: bytes, i: int, b: _Batch) -> None:
        sep = self._csv_sep
        if sep is None:
            counts = {s: line.count(s) for s in (b",", b";", b"\t")}
            best = max(counts, key=lambda s: counts[s])
            sep = self._csv_sep = best if counts[best] else b","
        fields = [f.strip().strip(b'"').strip() for f in line.split(sep)]
        values: list[tuple[int, float]] = []
        text = 0
        for pos, f in enumerate(fields):
            if not f:
                continue
            try:
                values.append((pos, float(f)))
            except ValueError:
                text += 1
        if not values:
            if text:
                names = [_clean_label(f) if f else f"value{p + 1}" for p, f in enumerate(fields)]
                if all(n is not None for n in names):
                    self._set_header([n for n in names if n is not None])
                    b.headers += 1
                    return
            b.bad_lines += 1
            b.error(f"no values in {_excerpt(line)}")
            return
        nbad = text
        nvals = ncap = 0
        for pos, v in values:
            col = self._pos_cols[pos] if pos < len(self._pos_cols) else self._pos_col(pos)
            if col < 0:
                if col == _CAPPED:
                    ncap += 1
                else:
                    nbad += 1
                continue
            b.cell_c.append(col)
            b.cell_v.append(v)
            nvals += 1
        b.capped += ncap
        if nvals:
            b.rows.append(i)
            b.counts.append(nvals)
            if nbad:
                b.bad_fields += nbad
                b.field_error(f"{nbad} in {_excerpt(line)}")
        elif nbad:
            b.bad_lines += 1
            b.error(f"no usable values in {_excerpt(line)}")

    def _json_line(self, line: bytes, i: int, t_ms: float, b: _Batch) -> None:
        try:
            obj = loads(line)
        except FrameError as exc:
            b.bad_lines += 1
            b.error(f"{exc}: {_excerpt(line)}")
            return
        cells: list[tuple[int, float]] = []
        nbad = ncap = 0
        if isinstance(obj, dict):
            if not FRAME_MARKERS.isdisjoint(obj.keys()):
                try:
                    b.frames.append(
                        decode_frame(obj, device_id=self.frame_device, arrival_ms=t_ms, owned=True)
                    )
                except FrameError as exc:
                    b.bad_lines += 1
                    b.error(f"bad sensor frame: {exc}")
                return
            stack: list[tuple[str, dict[Any, Any], int]] = [("", obj, 0)]
            while stack:
                prefix, d, depth = stack.pop()
                for key, val in d.items():
                    name = prefix + str(key)
                    if isinstance(val, dict):
                        if depth + 1 < MAX_JSON_DEPTH and len(name) < MAX_LABEL_CHARS:
                            stack.append((name + ".", val, depth + 1))
                        else:
                            nbad += 1
                        continue
                    v = _json_number(val)
                    if v is None:
                        if val is not None:
                            nbad += 1
                        continue
                    col = self._index.get(name)
                    if col is None:
                        label = _clean_label(name.encode("utf-8", "surrogatepass"))
                        col = _INVALID if label is None else self._column(label)
                    if col < 0:
                        if col == _CAPPED:
                            ncap += 1
                        else:
                            nbad += 1
                        continue
                    cells.append((col, v))
        elif isinstance(obj, list):
            for pos, val in enumerate(obj):
                v = _json_number(val)
                if v is None:
                    if val is not None:
                        nbad += 1
                    continue
                col = self._pos_cols[pos] if pos < len(self._pos_cols) else self._pos_col(pos)
                if col < 0:
                    if col == _CAPPED:
                        ncap += 1
                    else:
                        nbad += 1
                    continue
                cells.append((col, v))
        else:
            b.bad_lines += 1
            b.error(f"JSON line is not an object or array: {_excerpt(line)}")
            return
        b.capped += ncap
        if not cells:
            if ncap and not nbad:
                return
            b.bad_lines += 1
            b.error(f"no numeric values in {_excerpt(line)}")
            return
        for col, v in cells:
            b.cell_c.append(col)
            b.cell_v.append(v)
        b.rows.append(i)
        b.counts.append(len(cells))
        if nbad:
            b.bad_fields += nbad
            b.field_error(f"{nbad} in {_excerpt(line)}")

    def _finish(self, b: _Batch) -> ParsedLines:
        n = len(b.rows)
        columns: dict[str, FloatArray] = {}
        bad_fields = b.bad_fields
        if b.cell_v:
            vals = np.array(b.cell_v, dtype=np.float64)
            cols = np.array(b.cell_c, dtype=np.intp)
            rows = np.repeat(np.arange(n, dtype=np.intp), np.array(b.counts, dtype=np.intp))
            inf = np.isinf(vals)
            if inf.any():  # infinities are bad fields; NaN stays a missing value
                bad_fields += int(inf.sum())
                vals[inf] = NAN
            used = np.flatnonzero(np.bincount(cols, minlength=len(self.names)))
            where = np.full(len(self.names), -1, dtype=np.intp)
            where[used] = np.arange(len(used))
            out = np.full((len(used), n), NAN)
            out[where[cols], rows] = vals
            columns = {self.names[c]: out[k] for k, c in enumerate(used.tolist())}
        t = self.totals
        t["lines_with_values"] += n
        t["bad_lines"] += b.bad_lines
        t["bad_fields"] += bad_fields
        t["capped_fields"] += b.capped
        t["headers"] += b.headers
        t["frames"] += len(b.frames)
        return ParsedLines(
            rows=np.array(b.rows, dtype=np.intp),
            columns=columns,
            frames=tuple(b.frames),
            bad_lines=b.bad_lines,
            bad_fields=bad_fields,
            capped_fields=b.capped,
            headers=b.headers,
            errors=tuple(b.errors),
            field_errors=tuple(b.field_errors),
        )


def _json_number(val: Any) -> float | None:
    """A JSON value as a float; None for null and for anything that is not a number."""
    if isinstance(val, bool):
        return 1.0 if val else 0.0
    if isinstance(val, int):
        return float(val) if finite(val) else math.inf  # huge ints: counted as bad fields
    if isinstance(val, float):
        return val
    if isinstance(val, str) and len(val) <= 64:
        try:
            return float(val)
        except ValueError:
            return None
    return None
