"""What the window needs from the file system and the machine, handed to it by ``app/``.

The UI imports no ``io`` module: it renders what the Session publishes, binds to the
capabilities of :mod:`intelivision_desktop.core.ports`, and reaches files and ports only
through a :class:`Services` that :func:`intelivision_desktop.app.wiring.ui_services` fills
with the real functions (a test can hand in others).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from intelivision_desktop.core.export import ChannelTable, ExportResult, RecordingSummary
from intelivision_desktop.core.model import Description
from intelivision_desktop.core.serial_settings import PortInfo


class WriteTableCsv(Protocol):
    def __call__(
        self,
        table: ChannelTable,
        out: Path,
        *,
        origin_ms: float | None = None,
        overwrite: bool = False,
        progress: Callable[[int], None] | None = None,
    ) -> ExportResult: ...


class WriteDescriptionsCsv(Protocol):
    def __call__(
        self,
        descriptions: Iterable[Description],
        out: Path,
        *,
        origin_ms: float | None = None,
        overwrite: bool = False,
    ) -> ExportResult: ...


class WriteBytes(Protocol):
    def __call__(self, out: Path, data: bytes, *, overwrite: bool = False) -> int: ...


@dataclass(frozen=True, slots=True)
class Services:
    """Files and ports, for the window and its panels."""

    list_ports: Callable[[], list[PortInfo]]
    """The serial ports present now (the serial panel's picker)."""
    summarize_recording: Callable[[Path], RecordingSummary]
    """A recording's header, times and counts, quickly (never raises)."""
    recordings_dir: Callable[[], Path]
    """Where recordings are kept."""
    exports_dir: Callable[[], Path]
    """Where exports go unless the operator chose a folder."""
    write_table_csv: WriteTableCsv
    write_descriptions_csv: WriteDescriptionsCsv
    write_bytes: WriteBytes
    """Each writes a new file whole or not at all (a failed export leaves no half file)."""
    serve_port: int
    """The port local backend mode listens on by default."""
