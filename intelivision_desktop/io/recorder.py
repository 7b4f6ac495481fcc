"""Writes a session to a JSON Lines recording, append-only, flushed every batch."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from intelivision_desktop import __version__
from intelivision_desktop.core.channels import FloatArray
from intelivision_desktop.core.model import Alert, Description, Frame
from intelivision_desktop.core.recording import (
    alert_line,
    description_line,
    frame_line,
    header_line,
    samples_line,
)

log = logging.getLogger(__name__)


class RecordingExistsError(FileExistsError):
    pass


class RecordPartlyFailed(ValueError):
    """Some items of a batch could not be written (a value JSON or UTF-8 cannot carry); every
    other item of the batch was written. ``written`` and ``failed`` say how many."""

    def __init__(self, message: str, *, written: int, failed: int) -> None:
        super().__init__(message)
        self.written = written
        self.failed = failed


_UNWRITABLE = (ValueError, TypeError, RecursionError)
"""What turning one item into a line can raise (NaN with allow_nan=False, an integer past
Python's digit limit, an object json cannot write, nesting too deep; UnicodeEncodeError for a
lone surrogate is a ValueError)."""


class JsonlRecorder:
    """Appends records to ``path``. Refuses to overwrite an existing file.

    Each item of a batch is written on its own line or not at all: one that cannot be written
    costs only itself. It is counted in :attr:`failed` and the batch call raises
    :class:`RecordPartlyFailed` (a ValueError) after writing the others, so the session
    reports it. Disk errors (OSError) still raise as they happen.
    """

    def __init__(
        self,
        path: Path,
        *,
        source: str,
        analyzer: str,
        settings: Mapping[str, Any] | None = None,
    ) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._fh = path.open("x", encoding="utf-8", newline="\n")
        except FileExistsError:
            raise RecordingExistsError(
                f"{path} already exists; choose another name (recordings are never overwritten)"
            ) from None
        self.frames = 0
        self.samples = 0
        self.descriptions = 0
        self.alerts = 0
        self.failed = 0
        """Items (frames, sample blocks, descriptions) that could not be written."""
        self._fh.write(
            header_line(
                app_version=__version__,
                created_ms=time.time() * 1000.0,
                source=source,
                analyzer=analyzer,
                settings=settings,
            )
            + "\n"
        )
        self._fh.flush()

    @property
    def closed(self) -> bool:
        return self._fh.closed

    @property
    def size(self) -> int:
        return self._fh.tell() if not self._fh.closed else self.path.stat().st_size

    def _write_items[T](self, items: Sequence[T], to_line: Callable[[T], str], what: str) -> int:
        """Write one line per item; returns how many were written, raises
        :class:`RecordPartlyFailed` after writing the others if some could not be."""
        lines: list[str] = []
        errors: list[str] = []
        for item in items:
            try:
                lines.append(to_line(item) + "\n")
            except _UNWRITABLE as exc:
                errors.append(str(exc))
        try:
            self._fh.write("".join(lines))  # encodes all before writing: all or nothing
            written = len(lines)
        except UnicodeEncodeError:  # a lone surrogate somewhere: line by line
            written = 0
            for line in lines:
                try:
                    self._fh.write(line)
                    written += 1
                except UnicodeEncodeError as exc:
                    errors.append(f"text that is not UTF-8 ({exc.reason})")
        self._fh.flush()
        if errors:
            self.failed += len(errors)
            message = (
                f"{len(errors)} of {len(items)} {what} could not be recorded "
                f"({errors[0][:200]}); the other {written} were"
            )
            log.warning("%s", message)
            raise RecordPartlyFailed(message, written=written, failed=len(errors))
        return written

    def write_frames(self, frames: Sequence[Frame]) -> None:
        try:
            self._write_items(frames, frame_line, "frames")
        except RecordPartlyFailed as exc:
            self.frames += exc.written
            raise
        self.frames += len(frames)

    def write_samples(
        self, device_id: str, t_ms: FloatArray, columns: Mapping[str, FloatArray]
    ) -> None:
        self._write_items([None], lambda _: samples_line(device_id, t_ms, columns), "sample blocks")
        self.samples += len(t_ms)

    def write_description(self, description: Description) -> None:
        self._write_items([description], description_line, "descriptions")
        self.descriptions += 1

    def write_alert(self, alert: Alert) -> None:
        self._write_items([alert], alert_line, "alerts")
        self.alerts += 1

    def close(self) -> None:
        if not self._fh.closed:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
