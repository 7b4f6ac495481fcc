"""The recordings browser: the recordings in a folder, newest first, to open for replay.

Files are listed at once from the folder (name, size, date); what needs reading the file —
duration, source, number of descriptions — is filled in by a short-lived worker thread with
the ``summarize`` function it is given (the app's is
:func:`~intelivision_desktop.io.export.summarize_recording`, which classifies lines without
decoding them). The worker hands results back through a queue that a main-thread timer drains,
so no Qt call happens off the GUI thread; the timer runs only while a scan is pending. The
folder is watched, so a new recording appears without pressing Refresh.

Opening a recording (double-click, Enter, or the Open button) emits :attr:`open_requested`
with its path; the window's controller replays it.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QFileSystemWatcher,
    QModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from intelivision_desktop.core.export import NO_FRAMES, RecordingSummary
from intelivision_desktop.ui.l10n import date_time, dec, num
from intelivision_desktop.ui.table_model import Index, ListTableModel

log = logging.getLogger(__name__)

PATTERN = "*.jsonl"
COLUMNS = (
    QT_TRANSLATE_NOOP("RecordingsModel", "Recording"),
    QT_TRANSLATE_NOOP("RecordingsModel", "Recorded"),
    QT_TRANSLATE_NOOP("RecordingsModel", "Duration"),
    QT_TRANSLATE_NOOP("RecordingsModel", "Size"),
    QT_TRANSLATE_NOOP("RecordingsModel", "Source"),
    QT_TRANSLATE_NOOP("RecordingsModel", "Descriptions"),
)
"""Column titles (English keys; the header shows them translated)."""
SIZE_UNITS = (
    QT_TRANSLATE_NOOP("RecordingsModel", "B"),
    QT_TRANSLATE_NOOP("RecordingsModel", "kB"),
    QT_TRANSLATE_NOOP("RecordingsModel", "MB"),
    QT_TRANSLATE_NOOP("RecordingsModel", "GB"),
)
POLL_MS = 50
WATCH_DEBOUNCE_MS = 300


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    s = round(seconds)
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _tr(text: str, n: int = -1) -> str:
    return QCoreApplication.translate("RecordingsModel", text, "", n)


def format_size(n: int) -> str:
    """``999 B``, ``1.5 kB`` … in the locale's digits (decimal units, as file managers)."""
    size = float(n)
    for unit in SIZE_UNITS:
        if size < 1000 or unit == SIZE_UNITS[-1]:
            value = num(round(size)) if unit == SIZE_UNITS[0] else dec(size)
            return f"{value} {_tr(unit)}"
        size /= 1000
    raise AssertionError("unreachable")


def format_when(epoch_s: float) -> str:
    """The local date (the locale's short format) and time."""
    return date_time(epoch_s)


@dataclass(slots=True)
class Entry:
    """One listed file; ``summary`` is None until the worker has read it."""

    path: Path
    size: int
    modified_s: float
    summary: RecordingSummary | None = None


class RecordingsModel(ListTableModel[Entry]):
    """The listed recordings, newest (last modified) first."""

    columns = COLUMNS

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        title = super().headerData(section, orientation, role)
        return _tr(title) if isinstance(title, str) else title

    @property
    def entries(self) -> list[Entry]:
        return self.rows

    def set_entries(self, entries: list[Entry]) -> None:
        self.replace_all(sorted(entries, key=lambda e: (-e.modified_s, e.path.name)))

    def set_summary(self, summary: RecordingSummary) -> bool:
        for row, e in enumerate(self.entries):
            if e.path == summary.path:
                e.summary = summary
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
                return True
        return False

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        e = self.entries[index.row()]
        s = e.summary
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return e.path.name
            if col == 1:
                when = s.created_ms / 1000.0 if s and s.created_ms else e.modified_s
                return format_when(when)
            if col == 3:
                return format_size(e.size)
            if s is None:
                return "…"
            if col == 2:
                return format_duration(s.duration_s)
            if col == 4:
                return s.source or self.tr("frames file")
            if col == 5:
                return num(s.descriptions)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (2, 3, 5):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = str(e.path)
            if s is not None:
                counts = [
                    self.tr("%n frame(s)", "", s.frames),
                    self.tr("%n description(s)", "", s.descriptions),
                ]
                if s.sample_blocks:
                    counts.append(self.tr("%n sample block(s)", "", s.sample_blocks))
                tip += "\n" + ", ".join(counts)
                if s.analyzer:
                    tip += "\n" + self.tr("analyzer: {analyzer}").format(analyzer=s.analyzer)
                if s.error:
                    reason = self.tr("no frames") if s.error == NO_FRAMES else s.error
                    tip += "\n" + self.tr("cannot be replayed: {reason}").format(reason=reason)
            return tip
        if role == Qt.ItemDataRole.ForegroundRole and s is not None and s.error:
            return QColor("#c62828")
        if role == Qt.ItemDataRole.UserRole:
            return e.path
        return None


class RecordingsBrowser(QWidget):
    """A folder's recordings with duration, size, source and descriptions; opens one."""

    open_requested = Signal(object)
    """The :class:`~pathlib.Path` of the recording to open."""
    scan_finished = Signal()
    """Every listed file has its summary."""

    def __init__(
        self,
        folder: Path,
        parent: QWidget | None = None,
        *,
        summarize: Callable[[Path], RecordingSummary],
        watch: bool = True,
    ) -> None:
        """``summarize``: a file's :class:`RecordingSummary` (called in a worker thread)."""
        super().__init__(parent)
        self._folder = folder
        self._summarize = summarize
        self._generation = 0
        self._results: queue.SimpleQueue[tuple[int, RecordingSummary]] = queue.SimpleQueue()
        self._worker: threading.Thread | None = None
        self._pending: set[Path] = set()

        self.model = RecordingsModel(self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setObjectName("recordingsView")
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.view.activated.connect(self._activated)

        self.status = QLabel(self)
        self.status.setObjectName("recordingsStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_button = QPushButton(self.tr("&Open"), self)
        self.open_button.setToolTip(self.tr("Replay the selected recording (Enter)"))
        self.open_button.clicked.connect(self.open_selected)
        self.refresh_button = QPushButton(self.tr("&Refresh"), self)
        self.refresh_button.clicked.connect(self.refresh)
        self.folder_button = QPushButton(self.tr("&Folder…"), self)
        self.folder_button.setToolTip(self.tr("Browse recordings in another folder"))
        self.folder_button.clicked.connect(self._choose_folder)

        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.folder_button)
        buttons.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.status)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)

        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._collect)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(WATCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.refresh)
        self._watcher: QFileSystemWatcher | None = None
        if watch:
            self._watcher = QFileSystemWatcher(self)
            self._watcher.directoryChanged.connect(lambda _path: self._debounce.start())
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.refresh()

    # --- public ---------------------------------------------------------------------------

    @property
    def folder(self) -> Path:
        return self._folder

    @property
    def scanning(self) -> bool:
        """A worker is still reading summaries."""
        return bool(self._pending)

    def set_folder(self, folder: Path) -> None:
        self._folder = folder
        self.refresh()

    def refresh(self) -> None:
        """List the folder again and read the summaries of the files in it."""
        self._generation += 1
        self._pending.clear()
        entries: list[Entry] = []
        problem = ""
        try:
            for p in self._folder.glob(PATTERN):
                try:
                    st = p.stat()
                except OSError:
                    continue
                if p.is_file():
                    entries.append(Entry(p, st.st_size, st.st_mtime))
        except OSError as exc:
            problem = exc.strerror or str(exc)
        selected = self.selected_path()
        self.model.set_entries(entries)
        self._restore_selection(selected)
        self._watch()
        self._show_status(problem)
        self._update_buttons()
        if entries:
            self._start_worker([e.path for e in self.model.entries])
        else:
            self._poll.stop()
            self.scan_finished.emit()

    def selected_path(self) -> Path | None:
        rows = self.view.selectionModel().selectedRows() if self.view.selectionModel() else []
        if not rows:
            return None
        path = self.model.data(rows[0], Qt.ItemDataRole.UserRole)
        return path if isinstance(path, Path) else None

    def open_selected(self) -> None:
        path = self.selected_path()
        if path is not None:
            self.open_requested.emit(path)

    # --- internals --------------------------------------------------------------------------

    def _start_worker(self, paths: list[Path]) -> None:
        generation = self._generation
        self._pending = set(paths)
        results = self._results
        summarize = self._summarize

        def work() -> None:
            for p in paths:
                try:
                    summary = summarize(p)
                except Exception as exc:  # noqa: BLE001 (never let one file stop the scan)
                    summary = RecordingSummary(p, 0, 0.0, error=f"{type(exc).__name__}: {exc}")
                results.put((generation, summary))

        # one short-lived thread per scan; a newer scan makes the older one's results stale
        self._worker = threading.Thread(target=work, name="recordings-scan", daemon=True)
        self._worker.start()
        if not self._poll.isActive():
            self._poll.start()

    def _collect(self) -> None:
        while True:
            try:
                generation, summary = self._results.get_nowait()
            except queue.Empty:
                break
            if generation != self._generation:
                continue
            self._pending.discard(summary.path)
            self.model.set_summary(summary)
        if not self._pending:
            self._poll.stop()
            self._show_status("")
            self.scan_finished.emit()

    def _watch(self) -> None:
        if self._watcher is None:
            return
        old = self._watcher.directories()
        if old:
            self._watcher.removePaths(old)
        if self._folder.is_dir():
            self._watcher.addPath(str(self._folder))

    def _show_status(self, problem: str) -> None:
        n = self.model.rowCount()
        where = str(self._folder)
        if problem:
            text = self.tr("Cannot list {folder}: {reason}").format(folder=where, reason=problem)
        elif not self._folder.exists():
            text = self.tr(
                "No recordings yet (they will be saved in {folder}). Record with Ctrl+R."
            ).format(folder=where)
        elif n == 0:
            text = self.tr("No recordings in {folder}. Record with Ctrl+R.").format(folder=where)
        elif self._pending:
            text = self.tr("%n recording(s) in {folder} — reading…", "", n).format(folder=where)
        else:
            text = self.tr("%n recording(s) in {folder}", "", n).format(folder=where)
        self.status.setText(text)

    def _restore_selection(self, path: Path | None) -> None:
        if path is None:
            return
        for row, e in enumerate(self.model.entries):
            if e.path == path:
                self.view.selectRow(row)
                return

    def _update_buttons(self, *_args: object) -> None:
        self.open_button.setEnabled(self.selected_path() is not None)

    def _activated(self, index: QModelIndex) -> None:
        path = self.model.data(index, Qt.ItemDataRole.UserRole)
        if isinstance(path, Path):
            self.open_requested.emit(path)

    def _choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, self.tr("Recordings folder"), str(self._folder)
        )
        if chosen:
            self.set_folder(Path(chosen))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._pending:
            self._debounce.start()  # pick up what changed while hidden
