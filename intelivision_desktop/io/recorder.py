"""Writes a session to a JSON Lines recording, append-only, flushed every batch."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from intelivision_desktop import __version__
from intelivision_desktop.core.channels import FloatArray
from intelivision_desktop.core.model import Description, Frame
from intelivision_desktop.core.recording import (
    description_line,
    frame_line,
    header_line,
    samples_line,
)


class RecordingExistsError(FileExistsError):
    pass


class JsonlRecorder:
    """Appends records to ``path``. Refuses to overwrite an existing file."""

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

    def write_frames(self, frames: Sequence[Frame]) -> None:
        self._fh.write("".join(frame_line(f) + "\n" for f in frames))
        self._fh.flush()
        self.frames += len(frames)

    def write_samples(
        self, device_id: str, t_ms: FloatArray, columns: Mapping[str, FloatArray]
    ) -> None:
        self._fh.write(samples_line(device_id, t_ms, columns) + "\n")
        self._fh.flush()
        self.samples += len(t_ms)

    def write_description(self, description: Description) -> None:
        self._fh.write(description_line(description) + "\n")
        self._fh.flush()
        self.descriptions += 1

    def close(self) -> None:
        if not self._fh.closed:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
