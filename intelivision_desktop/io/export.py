"""Export recordings to CSV files (the format is in :mod:`intelivision_desktop.core.export`),
and summarise recordings quickly for the recordings browser.

``export_csv(recording, out)`` writes the channels to ``out`` and the descriptions beside it
(``session.csv`` → ``session.descriptions.csv``). The recording is read twice, streaming (first
for the columns, the time origin and the descriptions, then for the rows), so a long serial
recording never has to fit in memory. Files are written to a temporary name and renamed into
place, so a failed export leaves no half file; an existing file is kept unless ``overwrite``.

The session in memory is exported in the same format: :func:`export_store_csv` (a device's
channel store), :func:`export_table_csv` (a copy already taken with
:func:`~intelivision_desktop.core.export.store_table`, for writing in a worker thread) and
:func:`export_descriptions_list_csv`; :func:`export_paths` names the files of one export
(``BASE.csv``, ``BASE.descriptions.csv``, ``BASE.png``) and :func:`write_bytes` writes the
plots' PNG the same careful way.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import unquote, urlsplit

from intelivision_desktop.core.channels import ChannelStore
from intelivision_desktop.core.export import (
    ALL,
    DESCRIPTION_COLUMNS,
    NO_FRAMES,
    ChannelTable,
    ColumnCollector,
    ExportError,
    ExportResult,
    RecordingSummary,
    TimeRange,
    channel_csv_lines,
    description_csv_lines,
    descriptions_path,
    first_time,
    record_time,
    store_table,
    table_csv_chunks,
)
from intelivision_desktop.core.model import Description, Frame
from intelivision_desktop.core.recording import Header, Record, RecordingParser, SampleBlock
from intelivision_desktop.io.resources import demo_recordings
from intelivision_desktop.io.timeline_index import last_time

DEFAULT_DEVICE = "replay"
"""Device name given to plain frame files (what ``replay://`` uses)."""


@dataclass(frozen=True, slots=True)
class RecordingScan:
    """The first pass over a recording."""

    origin_ms: float | None
    channels: tuple[str, ...]
    descriptions: tuple[Description, ...]
    frames: int
    samples: int
    bad_lines: int


def resolve_recording(source: str) -> tuple[Path, str]:
    """The file and default device a ``--source`` names: ``replay://PATH?…``,
    ``demo://SCENE`` or a plain path. Raises :class:`ExportError`."""
    source = source.strip()
    if "://" not in source:
        path, device = Path(source).expanduser(), DEFAULT_DEVICE
    else:
        parts = urlsplit(source)
        scheme = parts.scheme.lower()
        name = unquote(parts.netloc + parts.path)
        if scheme == "replay":
            path, device = Path(name).expanduser(), DEFAULT_DEVICE
        elif scheme == "demo":
            scene = name.strip("/")
            try:
                files = {p.stem: p for p in demo_recordings()}
            except FileNotFoundError as exc:
                raise ExportError(str(exc)) from None
            if scene not in files:
                raise ExportError(
                    f"export needs one demo scene (demo://SCENE); known: {', '.join(files)}"
                )
            path, device = files[scene], "demo"
        else:
            raise ExportError(
                f"cannot export from {source!r}: only recordings can be exported "
                "(replay://PATH, demo://SCENE or a file path)"
            )
    if not path.is_file():
        raise ExportError(f"cannot read recording {str(path)!r}: no such file")
    return path, device


def iter_records(path: Path, parser: RecordingParser) -> Iterator[Record]:
    """The records of a recording file, read line by line (bad lines counted in ``parser``)."""
    try:
        with path.open("rb") as fh:
            for line in fh:
                r = parser.feed(line)
                if r is not None:
                    yield r
    except OSError as exc:
        raise ExportError(f"cannot read recording {str(path)!r}: {exc.strerror or exc}") from None


def read_recording(
    path: Path, default_device: str = DEFAULT_DEVICE
) -> tuple[list[Record], RecordingParser]:
    """All records of a recording, and the parser (header, bad-line count, first errors)."""
    parser = RecordingParser(default_device=default_device)
    return list(iter_records(path, parser)), parser


def scan_recording(path: Path, default_device: str = DEFAULT_DEVICE) -> RecordingScan:
    """One streaming pass: time origin, channel columns, descriptions, counts."""
    parser = RecordingParser(default_device=default_device)
    origin: float | None = None
    columns = ColumnCollector()
    descs: list[Description] = []
    frames = samples = 0
    for r in iter_records(path, parser):
        t = record_time(r)
        if t is not None and (origin is None or t < origin):
            origin = t
        columns.add(r)
        if isinstance(r, Frame):
            frames += 1
        elif isinstance(r, SampleBlock):
            samples += len(r)
        elif isinstance(r, Description):
            descs.append(r)
    return RecordingScan(
        origin, tuple(columns.columns()), tuple(descs), frames, samples, parser.bad_lines
    )


EXPORT_FILE_MODE = 0o644
"""Exported files are readable by others, like any file the operator saves."""


@contextlib.contextmanager
def _atomic(out: Path, overwrite: bool, mode: str, encoding: str | None) -> Iterator[IO[Any]]:
    """A temporary file beside ``out``, renamed onto it when the block ends without error
    (removed otherwise). OS errors become one-line :class:`ExportError`."""
    if out.exists() and not overwrite:
        raise ExportError(f"{out} already exists (choose another name, or allow overwriting)")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
        with contextlib.suppress(OSError):  # mkstemp makes it private; an export is to share
            os.chmod(tmp, EXPORT_FILE_MODE)
    except OSError as exc:
        raise ExportError(f"cannot write {out}: {exc.strerror or exc}") from None
    try:
        newline = "" if "b" not in mode else None
        with os.fdopen(fd, mode, encoding=encoding, newline=newline) as fh:
            yield fh
        os.replace(tmp, out)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise ExportError(f"cannot write {out}: {exc.strerror or exc}") from None
        raise


def write_lines(
    out: Path, lines: Iterable[str], *, overwrite: bool = False, encoding: str = "utf-8"
) -> int:
    """Write ``lines`` (each with its line end) atomically. Returns how many were written.

    ``encoding="utf-8-sig"`` adds the byte-order mark Excel needs to read UTF-8 accents.
    """
    n = 0
    with _atomic(out, overwrite, "w", encoding) as fh:
        for line in lines:
            fh.write(line)
            n += 1
    return n


def write_bytes(out: Path, data: bytes, *, overwrite: bool = False) -> int:
    """Write ``data`` atomically (a PNG of the plots). Returns the bytes written."""
    with _atomic(out, overwrite, "wb", None) as fh:
        fh.write(data)
    return len(data)


def export_channels_csv(
    recording: Path,
    out: Path,
    time_range: TimeRange = ALL,
    *,
    overwrite: bool = False,
    default_device: str = DEFAULT_DEVICE,
    encoding: str = "utf-8",
    scan: RecordingScan | None = None,
) -> ExportResult:
    """Write the channels CSV of ``recording`` to ``out``."""
    scan = scan or scan_recording(recording, default_device)
    origin = scan.origin_ms if scan.origin_ms is not None else 0.0
    parser = RecordingParser(default_device=default_device)
    lines = channel_csv_lines(iter_records(recording, parser), scan.channels, origin, time_range)
    n = write_lines(out, lines, overwrite=overwrite, encoding=encoding)
    return ExportResult(out, n - 1, scan.channels, parser.bad_lines)


def export_descriptions_csv(
    recording: Path,
    out: Path,
    time_range: TimeRange = ALL,
    *,
    overwrite: bool = False,
    default_device: str = DEFAULT_DEVICE,
    encoding: str = "utf-8",
    scan: RecordingScan | None = None,
) -> ExportResult:
    """Write the descriptions CSV of ``recording`` to ``out``."""
    scan = scan or scan_recording(recording, default_device)
    origin = scan.origin_ms if scan.origin_ms is not None else 0.0
    lines = description_csv_lines(scan.descriptions, origin, time_range)
    n = write_lines(out, lines, overwrite=overwrite, encoding=encoding)
    return ExportResult(out, n - 1, DESCRIPTION_COLUMNS, scan.bad_lines)


def export_csv(
    recording: Path,
    out: Path,
    time_range: TimeRange = ALL,
    *,
    overwrite: bool = False,
    default_device: str = DEFAULT_DEVICE,
    encoding: str = "utf-8",
) -> tuple[ExportResult, ExportResult]:
    """Channels to ``out``, descriptions to :func:`descriptions_path` (``out``)."""
    desc_out = descriptions_path(out)
    if not overwrite:
        for p in (out, desc_out):
            if p.exists():
                raise ExportError(f"{p} already exists (choose another name, or allow overwriting)")
    scan = scan_recording(recording, default_device)
    channels = export_channels_csv(
        recording,
        out,
        time_range,
        overwrite=overwrite,
        default_device=default_device,
        encoding=encoding,
        scan=scan,
    )
    descs = export_descriptions_csv(
        recording,
        desc_out,
        time_range,
        overwrite=overwrite,
        default_device=default_device,
        encoding=encoding,
        scan=scan,
    )
    return channels, descs


def export_source_csv(
    source: str, out: Path, time_range: TimeRange = ALL, *, overwrite: bool = False
) -> tuple[ExportResult, ExportResult]:
    """``--export-csv OUT --source URL``: resolve the recording, then :func:`export_csv`."""
    path, device = resolve_recording(source)
    return export_csv(path, out, time_range, overwrite=overwrite, default_device=device)


# --- the session in memory -------------------------------------------------------------------


def export_table_csv(
    table: ChannelTable,
    out: Path,
    *,
    origin_ms: float | None = None,
    overwrite: bool = False,
    encoding: str = "utf-8",
    progress: Callable[[int], None] | None = None,
) -> ExportResult:
    """Write the channels CSV of a table copied from a store (safe in a worker thread).

    ``elapsed_s`` counts from ``origin_ms``, by default the table's first row.
    """
    lines = table_csv_chunks(table, origin_ms, progress=progress)
    write_lines(out, lines, overwrite=overwrite, encoding=encoding)
    return ExportResult(out, len(table), tuple(table.names), 0)


def export_store_csv(
    store: ChannelStore,
    out: Path,
    time_range: TimeRange = ALL,
    *,
    device: str,
    origin_ms: float | None = None,
    overwrite: bool = False,
    encoding: str = "utf-8",
) -> ExportResult:
    """Write the channels CSV of a device's store (the rows inside ``time_range``).

    Call it on the thread that fills the store; to write elsewhere, take
    :func:`~intelivision_desktop.core.export.store_table` here and
    :func:`export_table_csv` there.
    """
    table = store_table(store, device, time_range)
    return export_table_csv(table, out, origin_ms=origin_ms, overwrite=overwrite, encoding=encoding)


def export_descriptions_list_csv(
    descriptions: Iterable[Description],
    out: Path,
    time_range: TimeRange = ALL,
    *,
    origin_ms: float | None = None,
    overwrite: bool = False,
    encoding: str = "utf-8",
) -> ExportResult:
    """Write the descriptions CSV of descriptions held in memory (``Session.descriptions``).

    ``elapsed_s`` counts from ``origin_ms``, by default the first description exported.
    """
    chosen = [d for d in descriptions if time_range.contains(d.t_ms)]
    origin = origin_ms if origin_ms is not None else (first_time(None, chosen) or 0.0)
    n = write_lines(
        out, description_csv_lines(chosen, origin), overwrite=overwrite, encoding=encoding
    )
    return ExportResult(out, n - 1, DESCRIPTION_COLUMNS, 0)


# --- quick summaries (the recordings browser) ------------------------------------------------


_HEAD_LINES = 50


def summarize_recording(path: Path) -> RecordingSummary:
    """Header, first and last time, and line counts of a recording (never raises).

    Lines are classified by their ``"type"`` without being decoded, so a long recording is
    summarised at disk speed; only the first and the last records are parsed.
    """
    try:
        st = path.stat()
    except OSError as exc:
        return RecordingSummary(path, 0, 0.0, error=exc.strerror or str(exc))
    header: Header | None = None
    start: float | None = None
    frames = descs = blocks = 0
    parser = RecordingParser()
    try:
        with path.open("rb") as fh:
            for n, line in enumerate(fh):
                if not line.strip():
                    continue
                if b'"type":"description"' in line:
                    descs += 1
                elif b'"type":"samples"' in line:
                    blocks += 1
                elif b'"type":"alert"' in line:
                    pass  # alerts are not frames (counted by the session, shown on replay)
                elif b'"type":"header"' not in line:
                    frames += 1
                if start is None and n < _HEAD_LINES:
                    r = parser.feed(line)
                    if isinstance(r, Header):
                        header = header or r
                    elif r is not None:
                        start = record_time(r)
        end = last_time(path) if start is not None else None
    except OSError as exc:
        return RecordingSummary(path, st.st_size, st.st_mtime, error=exc.strerror or str(exc))
    error = None
    if start is None:
        error = parser.errors[0] if parser.errors else NO_FRAMES
    return RecordingSummary(
        path,
        st.st_size,
        st.st_mtime,
        start_ms=start,
        end_ms=end,
        source=header.source if header else "",
        analyzer=header.analyzer if header else "",
        created_ms=header.created_ms if header else None,
        frames=frames,
        descriptions=descs,
        sample_blocks=blocks,
        error=error,
    )
