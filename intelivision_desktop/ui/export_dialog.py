"""Export what the session holds: channels CSV, descriptions CSV, a PNG of the plots.

The files are those of the recording export (:mod:`intelivision_desktop.io.export`, format in
:mod:`intelivision_desktop.core.export`), named ``BASE.csv``, ``BASE.descriptions.csv`` and
``BASE.png`` in the chosen folder, for one device, over the plots' visible range or everything
in memory. ``elapsed_s`` in both CSVs counts from the first channel row exported (from the
first description when there are no channel rows), so the two files line up.

An export runs in two parts. :func:`prepare_export`, on the GUI thread, copies what it needs
(the store's rows in range, the descriptions) and renders the plots to PNG bytes
(``redraw()`` then ``grab()``); :meth:`ExportJob.run` then writes the files and touches no Qt
object, so :class:`ExportDialog` runs it in a worker thread and polls it with a timer (no
asyncio task, so the dialog works the same under ``exec()``, ``open()`` or ``show()``).
:func:`export_now` does both at once, for tests, a shortcut or a command line.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QBuffer,
    QByteArray,
    QIODevice,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import QCloseEvent, QDesktopServices, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from intelivision_desktop.core.channels import ChannelStore
from intelivision_desktop.core.export import (
    ALL,
    ChannelTable,
    ExportError,
    ExportPaths,
    TimeRange,
    export_paths,
    first_time,
    store_table,
    store_times_ms,
)
from intelivision_desktop.core.model import Description
from intelivision_desktop.ui.l10n import clock, dec, grouped, num, translate
from intelivision_desktop.ui.plots import PlotPanel
from intelivision_desktop.ui.services import Services

log = logging.getLogger(__name__)

POLL_MS = 100
KIND_NAMES = {
    "channels": QT_TRANSLATE_NOOP("ExportDialog", "Channels"),
    "descriptions": QT_TRANSLATE_NOOP("ExportDialog", "Descriptions"),
    "plots": QT_TRANSLATE_NOOP("ExportDialog", "Plots"),
}


def _tr(text: str, n: int = -1) -> str:
    return translate("ExportDialog", text, "", n)


VisibleRange = Callable[[], tuple[float, float] | None]
"""The plots' x range, epoch seconds, or None when nothing is plotted."""


class ExportCancelled(Exception):
    """The operator closed the dialog while files were being written."""


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """What the operator asked for."""

    folder: Path
    base_name: str
    device: str | None = None
    """The device whose channels and descriptions go out (None: the first store's)."""
    csv_channels: bool = True
    csv_descriptions: bool = True
    png_plots: bool = True
    visible_only: bool = True
    """The plots' visible range (everything in memory when nothing is plotted); False:
    everything in memory."""


@dataclass(frozen=True, slots=True)
class ExportedFile:
    """One file an export wrote."""

    kind: str
    """``channels``, ``descriptions`` or ``plots``."""
    path: Path
    rows: int | None
    """Data rows of a CSV (the header not counted); None for the PNG."""
    detail: str
    """What the operator reads: "1,234 rows", "1000 × 600 px"."""


@dataclass(slots=True)
class ExportJob:
    """An export whose GUI-thread part is done: only files remain to be written."""

    paths: ExportPaths
    time_range: TimeRange
    services: Services
    """Writes the files."""
    table: ChannelTable | None = None
    descriptions: list[Description] | None = None
    png: bytes | None = None
    png_size: tuple[int, int] = (0, 0)
    origin_ms: float | None = None
    rows_done: int = 0
    """Channel rows written so far (read by the dialog's timer while :meth:`run` works)."""
    cancel: threading.Event = field(default_factory=threading.Event)

    @property
    def rows_total(self) -> int:
        return len(self.table) if self.table is not None else 0

    def _progress(self, rows: int) -> None:
        self.rows_done = rows
        if self.cancel.is_set():
            raise ExportCancelled  # the half-written file is removed

    def run(self) -> list[ExportedFile]:
        """Write the files (any thread: no Qt here). Raises :class:`ExportError`."""
        out: list[ExportedFile] = []
        if self.table is not None:
            r = self.services.write_table_csv(
                self.table, self.paths.channels, origin_ms=self.origin_ms, progress=self._progress
            )
            out.append(ExportedFile("channels", r.path, r.rows, _rows(r.rows)))
        if self.cancel.is_set():
            raise ExportCancelled
        if self.descriptions is not None:
            r = self.services.write_descriptions_csv(
                self.descriptions, self.paths.descriptions, origin_ms=self.origin_ms
            )
            out.append(ExportedFile("descriptions", r.path, r.rows, _rows(r.rows)))
        if self.png is not None:
            self.services.write_bytes(self.paths.plots, self.png)
            w, h = self.png_size
            out.append(
                ExportedFile(
                    "plots",
                    self.paths.plots,
                    None,
                    translate("ExportDialog", "{w} × {h} px").format(w=w, h=h),
                )
            )
        return out


# --- helpers ---------------------------------------------------------------------------------


def _rows(n: int) -> str:
    """``1,234 rows`` (the locale's digits; the word's plural from the translation)."""
    return grouped(translate("ExportDialog", "%n row(s)", "", n), n)


def safe_name(text: str) -> str:
    """``text`` usable in a file name on every platform."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "device"


def default_base_name(device: str | None, now: dt.datetime) -> str:
    """``<YYYYmmdd-HHMMSS>-<device>``."""
    stamp = now.strftime("%Y%m%d-%H%M%S")
    return f"{stamp}-{safe_name(device)}" if device else stamp


def png_bytes(panel: PlotPanel) -> tuple[bytes, tuple[int, int]]:
    """The plots (without the channel list) as PNG bytes, drawn up to date (GUI thread)."""
    panel.redraw()
    pixmap = panel.glw.grab()
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    if not pixmap.save(buf, "PNG"):
        raise ExportError(translate("ExportDialog", "could not render the plots to PNG"))
    buf.close()
    return bytes(data.data()), (pixmap.width(), pixmap.height())


def prepare_export(
    request: ExportRequest,
    *,
    services: Services,
    stores: Mapping[str, ChannelStore],
    descriptions: Iterable[Description],
    visible_range: VisibleRange | None = None,
    plots: PlotPanel | None = None,
) -> ExportJob:
    """The GUI-thread part of an export: copies and the plots' picture. Raises
    :class:`ExportError` (nothing chosen, a bad name, a file that already exists)."""
    if not (request.csv_channels or request.csv_descriptions or request.png_plots):
        raise ExportError(translate("ExportDialog", "choose something to export"))
    if request.png_plots and plots is None:
        raise ExportError(translate("ExportDialog", "there are no plots to save as PNG"))
    paths = export_paths(request.folder, request.base_name)
    chosen = [
        p
        for p, on in (
            (paths.channels, request.csv_channels),
            (paths.descriptions, request.csv_descriptions),
            (paths.plots, request.png_plots),
        )
        if on
    ]
    for p in chosen:
        if p.exists():
            raise ExportError(
                translate("ExportDialog", "{path} already exists (choose another name)").format(
                    path=p
                )
            )
    device = request.device if request.device is not None else next(iter(stores), None)
    time_range = ALL
    if request.visible_only and visible_range is not None:
        vr = visible_range()
        if vr is not None:
            time_range = TimeRange.from_seconds(min(vr), max(vr))
    job = ExportJob(paths, time_range, services)
    if request.csv_channels:
        store = stores.get(device) if device is not None else None
        if store is not None and device is not None:
            job.table = store_table(store, device, time_range)
        else:
            job.table = ChannelTable(device or "", np.empty(0), {})
    descs = [
        d
        for d in list(descriptions)
        if (device is None or d.device_id == device) and time_range.contains(d.t_ms)
    ]
    if request.csv_descriptions:
        job.descriptions = descs
    job.origin_ms = first_time(job.table, descs)
    if request.png_plots and plots is not None:
        job.png, job.png_size = png_bytes(plots)
    return job


def export_now(
    request: ExportRequest,
    *,
    services: Services,
    stores: Mapping[str, ChannelStore],
    descriptions: Iterable[Description],
    visible_range: VisibleRange | None = None,
    plots: PlotPanel | None = None,
) -> list[ExportedFile]:
    """Export at once, on the calling thread (the GUI thread when plots are included)."""
    job = prepare_export(
        request,
        services=services,
        stores=stores,
        descriptions=descriptions,
        visible_range=visible_range,
        plots=plots,
    )
    return job.run()


def _span(t0_s: float, t1_s: float) -> str:
    return translate("ExportDialog", "{start} – {end}, {seconds} s").format(
        start=clock(t0_s), end=clock(t1_s), seconds=num(round(t1_s - t0_s))
    )


# --- the dialog ------------------------------------------------------------------------------


class ExportDialog(QDialog):
    """Choose what, which range, which device and where; export; see the files written."""

    exported = Signal(list)
    """The files written (list of :class:`ExportedFile`)."""
    failed = Signal(str)

    def __init__(
        self,
        stores: Mapping[str, ChannelStore],
        descriptions: Iterable[Description],
        visible_range: VisibleRange | None,
        plots: PlotPanel | None,
        default_folder: Path,
        *,
        device: str | None = None,
        everything: bool = False,
        services: Services,
        parent: QWidget | None = None,
        now: Callable[[], dt.datetime] = dt.datetime.now,
    ) -> None:
        """``device``: the one chosen at first (the plotted one); ``everything``: start on
        "everything in memory" instead of the visible range (the ``export_range`` option)."""
        super().__init__(parent)
        self.setWindowTitle(self.tr("Export"))
        self.setObjectName("ExportDialog")
        self._services = services
        self._stores = stores
        self._descriptions = descriptions
        self._visible_range = visible_range
        self._plots = plots
        self._now = now
        self._job: ExportJob | None = None
        self._thread: threading.Thread | None = None
        self._outcome: list[ExportedFile] | BaseException | None = None
        self._started = 0.0
        self._auto_name = ""
        self._name_used = ""
        self.results: list[ExportedFile] = []

        what = QGroupBox(self.tr("Export"), self)
        self.channels_box = QCheckBox(
            self.tr("Channels (CSV: time, elapsed seconds, a column each)")
        )
        self.descriptions_box = QCheckBox(self.tr("Descriptions (CSV)"))
        self.plots_box = QCheckBox(self.tr("Plots as shown (PNG)"))
        for box in (self.channels_box, self.descriptions_box, self.plots_box):
            box.setChecked(True)
        if plots is None:
            self.plots_box.setChecked(False)
            self.plots_box.setEnabled(False)
        wl = QVBoxLayout(what)
        for box in (self.channels_box, self.descriptions_box, self.plots_box):
            wl.addWidget(box)

        rng = QGroupBox(self.tr("Range"), self)
        self.visible_radio = QRadioButton(self.tr("Visible range"))
        self.all_radio = QRadioButton(self.tr("Everything in memory"))
        (self.all_radio if everything else self.visible_radio).setChecked(True)
        self._range_group = QButtonGroup(self)
        self._range_group.addButton(self.visible_radio)
        self._range_group.addButton(self.all_radio)
        rl = QVBoxLayout(rng)
        rl.addWidget(self.visible_radio)
        rl.addWidget(self.all_radio)

        self.device_combo = QComboBox(self)
        self.device_combo.setObjectName("exportDevice")
        self.device_label = QLabel(self.tr("Device:"))
        self.folder_edit = QLineEdit(str(default_folder), self)
        self.folder_edit.setObjectName("exportFolder")
        choose = QPushButton(self.tr("Choose…"), self)
        choose.clicked.connect(self._choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(choose)
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("exportName")
        self.name_edit.setToolTip(self.tr("Files: NAME.csv, NAME.descriptions.csv, NAME.png"))
        form = QFormLayout()
        form.addRow(self.device_label, self.device_combo)
        form.addRow(self.tr("Folder:"), folder_row)
        form.addRow(self.tr("Name:"), self.name_edit)

        self.progress = QProgressBar(self)
        self.progress.setVisible(False)
        self.status = QLabel("", self)
        self.status.setObjectName("exportStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.files = QLabel("", self)
        self.files.setObjectName("exportFiles")
        self.files.setWordWrap(True)
        self.files.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        buttons = QDialogButtonBox(self)
        self.export_button = buttons.addButton(
            self.tr("Export"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.export_button.setObjectName("exportButton")
        self.export_button.setDefault(True)
        self.open_button = buttons.addButton(
            self.tr("Open folder"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.open_button.setEnabled(False)
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        # the Export button must not close the dialog: handle clicks, not accepted()
        self.export_button.clicked.connect(self.start_export)
        self.open_button.clicked.connect(self._open_folder)
        self.close_button.clicked.connect(self.reject)

        lay = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(what, 1)
        top.addWidget(rng, 1)
        lay.addLayout(top)
        lay.addLayout(form)
        lay.addWidget(self.progress)
        lay.addWidget(self.status)
        lay.addWidget(self.files)
        lay.addStretch(1)
        lay.addWidget(buttons)

        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)

        self.refresh(device)
        self.device_combo.currentIndexChanged.connect(self._on_device)
        self.resize(620, self.sizeHint().height())

    # --- state -----------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._thread is not None

    @property
    def device(self) -> str | None:
        d = self.device_combo.currentData()
        return str(d) if d is not None else None

    def request(self) -> ExportRequest:
        return ExportRequest(
            folder=Path(self.folder_edit.text().strip()).expanduser(),
            base_name=self.name_edit.text(),
            device=self.device,
            csv_channels=self.channels_box.isChecked(),
            csv_descriptions=self.descriptions_box.isChecked(),
            png_plots=self.plots_box.isChecked(),
            visible_only=self.visible_radio.isChecked(),
        )

    def refresh(self, device: str | None = None) -> None:
        """Devices, default name and row counts, as the session is now."""
        want = device if device is not None else self.device
        self.device_combo.blockSignals(True)
        self.device_combo.clear()
        for name in self._stores:
            self.device_combo.addItem(name, name)
        i = self.device_combo.findData(want) if want is not None else -1
        self.device_combo.setCurrentIndex(max(i, 0) if self.device_combo.count() else -1)
        self.device_combo.blockSignals(False)
        several = self.device_combo.count() > 1
        self.device_combo.setVisible(several)
        self.device_label.setVisible(several)
        self._update_name()
        self._update_counts()

    def _update_name(self, *, fresh: bool = False) -> None:
        current = self.name_edit.text()
        if current and current != self._auto_name and not fresh:
            return  # the operator typed a name: keep it
        self._auto_name = default_base_name(self.device, self._now())
        self.name_edit.setText(self._auto_name)

    def _on_device(self, _index: int) -> None:
        self._update_name()
        self._update_counts()

    def _update_counts(self) -> None:
        store = self._stores.get(self.device) if self.device is not None else None
        t_ms = store_times_ms(store.times()) if store is not None else np.empty(0)
        vr = self._visible_range() if self._visible_range is not None else None
        if vr is None:
            self.visible_radio.setText(self.tr("Visible range (nothing plotted)"))
            self.visible_radio.setEnabled(False)
            self.all_radio.setChecked(True)
        else:
            x0, x1 = min(vr), max(vr)
            n = int(np.count_nonzero(TimeRange.from_seconds(x0, x1).mask(t_ms)))
            self.visible_radio.setEnabled(True)
            self.visible_radio.setText(
                self.tr("Visible range ({span}; {rows})").format(span=_span(x0, x1), rows=_rows(n))
            )
        if len(t_ms):
            span = _span(float(t_ms[0]) / 1000, float(t_ms[-1]) / 1000)
            self.all_radio.setText(
                self.tr("Everything in memory ({span}; {rows})").format(
                    span=span, rows=_rows(len(t_ms))
                )
            )
        else:
            self.all_radio.setText(self.tr("Everything in memory (no rows yet)"))

    # --- exporting ---------------------------------------------------------------------------

    def start_export(self) -> None:
        """Prepare on this (GUI) thread, write in a worker thread; the timer follows it."""
        if self.busy:
            return
        self.files.setText("")
        self.open_button.setEnabled(False)
        if self._name_used and self.name_edit.text() == self._name_used == self._auto_name:
            self._update_name(fresh=True)  # the default name again, at the time of this export
        try:
            job = prepare_export(
                self.request(),
                services=self._services,
                stores=self._stores,
                descriptions=self._descriptions,
                visible_range=self._visible_range,
                plots=self._plots,
            )
        except ExportError as exc:
            self._fail(str(exc))
            return
        except Exception as exc:
            log.exception("preparing the export failed")
            self._fail(f"{type(exc).__name__}: {exc}")
            return
        self._job = job
        self._outcome = None
        self._started = time.monotonic()
        self.progress.setRange(0, max(1, job.rows_total))
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self._set_status(self.tr("Exporting…"))
        self._set_inputs_enabled(False)
        self._thread = threading.Thread(target=self._work, args=(job,), name="export-writer")
        self._thread.daemon = True
        self._thread.start()
        self._timer.start()

    def _work(self, job: ExportJob) -> None:
        """The worker thread: files only, no Qt."""
        try:
            self._outcome = job.run()
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread, shown there
            self._outcome = exc

    def _poll(self) -> None:
        job, thread = self._job, self._thread
        if job is None or thread is None:
            self._timer.stop()
            return
        if thread.is_alive():
            self.progress.setValue(job.rows_done)
            if job.rows_total:
                self._set_status(
                    self.tr("Exporting… {done} of {total} rows").format(
                        done=num(job.rows_done), total=num(job.rows_total)
                    )
                )
            return
        thread.join()
        self._timer.stop()
        self._thread = self._job = None
        self.progress.setVisible(False)
        self._set_inputs_enabled(True)
        outcome, self._outcome = self._outcome, None
        if isinstance(outcome, list):
            self._done(outcome, time.monotonic() - self._started)
        elif isinstance(outcome, ExportCancelled):
            self._set_status(self.tr("Export cancelled."))
        elif isinstance(outcome, ExportError):
            self._fail(str(outcome))
        else:
            log.error("export failed", exc_info=outcome)
            self._fail(f"{type(outcome).__name__}: {outcome}")

    def _done(self, files: list[ExportedFile], took_s: float) -> None:
        self.results = files
        self.files.setText(
            "\n".join(
                self.tr("{kind}: {path}  ({detail})").format(
                    kind=_tr(KIND_NAMES[f.kind]) if f.kind in KIND_NAMES else f.kind,
                    path=f.path,
                    detail=f.detail,
                )
                for f in files
            )
        )
        self._set_status(
            self.tr("Exported %n file(s) in {seconds} s.", "", len(files)).format(
                seconds=dec(took_s)
            )
        )
        self.open_button.setEnabled(True)
        self._name_used = self.name_edit.text()
        self.exported.emit(files)

    def _fail(self, message: str) -> None:
        self._set_status(self.tr("Export failed: {reason}").format(reason=message), error=True)
        self.failed.emit(message)

    def _set_status(self, text: str, *, error: bool = False) -> None:
        self.status.setStyleSheet("color: #c62828;" if error else "")
        self.status.setText(text)

    def _set_inputs_enabled(self, on: bool) -> None:
        for w in (
            self.export_button,
            self.channels_box,
            self.descriptions_box,
            self.visible_radio,
            self.all_radio,
            self.device_combo,
            self.folder_edit,
            self.name_edit,
        ):
            w.setEnabled(on)
        self.plots_box.setEnabled(on and self._plots is not None)
        if on:
            self._update_counts()

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Export to"), self.folder_edit.text()
        )
        if folder:
            self.folder_edit.setText(folder)

    def _open_folder(self) -> None:
        if self.results:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.results[0].path.parent)))

    def wait(self, timeout_s: float = 30.0) -> bool:
        """Block until the worker has finished (tests, shutdown). True when it has."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout_s)
            if thread.is_alive():
                return False
            self._poll()
        return True

    # --- Qt ------------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.busy:
            self.refresh()

    def done(self, result: int) -> None:
        """Closing while writing cancels: the file being written is removed, not left half."""
        if self._job is not None:
            self._job.cancel.set()
            self.wait(10.0)
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._job is not None:
            self._job.cancel.set()
            self.wait(10.0)
        super().closeEvent(event)
