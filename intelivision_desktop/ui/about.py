"""The About dialog: versions, the app's folders, and diagnostics for a bug report."""

from __future__ import annotations

import importlib.metadata
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from intelivision_desktop import APP_TITLE, __version__

log = logging.getLogger(__name__)

DISTRIBUTION = "intelivision-desktop"
DESCRIPTION = "Operator console for the InteliVision assistive-vision system"
"""Used when the package metadata is not there (some bundles); same as pyproject.toml's."""
LICENCE = "MIT"
"""Likewise pyproject.toml's ``license``."""
VERSION_ROWS_PER_COLUMN = 8
FOLDER_NAMES = {
    # the names app.diagnostics.folders() gives, as the dialog shows them
    "Recordings": QT_TRANSLATE_NOOP("AboutDialog", "Recordings"),
    "Logs": QT_TRANSLATE_NOOP("AboutDialog", "Logs"),
    "Settings": QT_TRANSLATE_NOOP("AboutDialog", "Settings"),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("AboutDialog", text)


def _metadata(field: str, fallback: str) -> str:
    try:
        value = importlib.metadata.metadata(DISTRIBUTION).get(field)
    except importlib.metadata.PackageNotFoundError:
        value = None
    return str(value) if value else fallback


def _selectable(text: str, parent: QWidget, name: str) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName(name)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class AboutDialog(QDialog):
    """Name, version, licence, component versions, folders, and "Copy diagnostics".

    What it shows is handed to it by ``app/`` (the ui layer does not reach up): the text to
    copy (``diagnostics_text``, bound to the session by the caller), the component
    ``versions`` (None: not installed) and the ``folders``; ``open_url`` defaults to
    ``QDesktopServices.openUrl``.
    """

    def __init__(
        self,
        diagnostics_text: Callable[[], str],
        parent: QWidget | None = None,
        *,
        versions: Sequence[tuple[str, str | None]],
        folders: Sequence[tuple[str, Path]],
        open_url: Callable[[QUrl], bool] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("AboutDialog")
        self.setWindowTitle(self.tr("About {app}").format(app=APP_TITLE))
        self._diagnostics = diagnostics_text
        self._open_url = open_url or QDesktopServices.openUrl
        self.versions = list(versions)
        self.folders = list(folders)

        layout = QVBoxLayout(self)
        layout.addLayout(self._header())
        layout.addWidget(self._versions_box())
        layout.addWidget(self._folders_box())

        self.status = QLabel("", self)
        self.status.setObjectName("aboutStatus")
        self.status.setWordWrap(True)
        self.status.hide()
        layout.addWidget(self.status)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = QPushButton(self.tr("Copy diagnostics"), self)
        self.copy_button.setObjectName("copyDiagnostics")
        self.copy_button.setToolTip(
            self.tr(
                "Copy versions, system, session state and the end of the log (secrets removed) "
                "to paste into a bug report"
            )
        )
        self.buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        if close is not None:
            close.setObjectName("closeButton")
            close.setDefault(True)
        self.buttons.rejected.connect(self.reject)
        self.copy_button.clicked.connect(self.copy_diagnostics)
        layout.addWidget(self.buttons)

    # --- construction ---------------------------------------------------------------------

    def _header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        icon = self.windowIcon()
        if not icon.isNull():
            side = self.fontMetrics().height() * 3
            art = QLabel(self)
            art.setObjectName("aboutIcon")
            art.setPixmap(icon.pixmap(side, side))
            art.setAlignment(Qt.AlignmentFlag.AlignTop)
            row.addWidget(art)
        text = QVBoxLayout()
        self.title = _selectable(APP_TITLE, self, "aboutTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.title.setFont(font)
        self.version = _selectable(
            self.tr("Version {version}").format(version=__version__), self, "aboutVersion"
        )
        summary = _metadata("Summary", DESCRIPTION)
        if summary == DESCRIPTION:  # the app's own words, in the window's language
            summary = self.tr("Operator console for the InteliVision assistive-vision system")
        self.description = _selectable(summary, self, "aboutDescription")
        self.description.setWordWrap(True)
        text.addWidget(self.title)
        text.addWidget(self.version)
        text.addWidget(self.description)
        licence = _metadata("License-Expression", "") or _metadata("License", LICENCE)
        self.licence = _selectable(
            self.tr("Licence: {licence}").format(licence=licence), self, "aboutLicence"
        )
        text.addWidget(self.licence)
        row.addLayout(text, 1)
        return row

    def _versions_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Components"), self)
        box.setObjectName("versionsGroup")
        grid = QGridLayout(box)
        grid.setHorizontalSpacing(self.fontMetrics().horizontalAdvance("M") * 2)
        self.version_labels: dict[str, QLabel] = {}
        for i, (name, version) in enumerate(self.versions):
            col, row = divmod(i, VERSION_ROWS_PER_COLUMN)
            key = QLabel(name, box)
            shown = self.tr("not installed") if version is None else version
            value = _selectable(shown, box, f"version_{name}")
            if version is None:
                value.setEnabled(False)  # greyed: optional parts
            grid.addWidget(key, row, col * 2)
            grid.addWidget(value, row, col * 2 + 1)
            self.version_labels[name] = value
        grid.setColumnStretch(grid.columnCount(), 1)
        return box

    def _folders_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Folders"), self)
        box.setObjectName("foldersGroup")
        grid = QGridLayout(box)
        self.folder_buttons: dict[str, QPushButton] = {}
        for row, (name, path) in enumerate(self.folders):
            grid.addWidget(QLabel(_tr(FOLDER_NAMES.get(name, name)), box), row, 0)
            grid.addWidget(_selectable(str(path), box, f"folderPath_{name}"), row, 1)
            button = QPushButton(self.tr("Open folder"), box)
            button.setObjectName(f"openFolder_{name}")
            button.setToolTip(self.tr("Open {path} in the file manager").format(path=path))
            button.clicked.connect(lambda _=False, p=path: self.open_folder(p))
            grid.addWidget(button, row, 2)
            self.folder_buttons[name] = button
        grid.setColumnStretch(1, 1)
        return box

    # --- actions ----------------------------------------------------------------------------

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color:#c62828" if error else "")
        self.status.show()

    def open_folder(self, path: Path) -> None:
        """Open ``path`` in the file manager (created first: it may not exist yet)."""
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._say(
                self.tr("Cannot create {path}: {reason}").format(
                    path=path, reason=exc.strerror or exc
                ),
                error=True,
            )
            return
        if not self._open_url(QUrl.fromLocalFile(str(path))):
            self._say(self.tr("No file manager could open {path}").format(path=path), error=True)

    def copy_diagnostics(self) -> None:
        """Put the diagnostics text on the clipboard."""
        try:
            text = self._diagnostics()
        except Exception as exc:  # a report about a broken app must not break it further
            log.exception("building the diagnostics failed")
            self._say(
                self.tr("Could not collect diagnostics: {error}").format(error=exc), error=True
            )
            return
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(text)
        lines = text.count("\n") + 1
        self._say(
            self.tr(
                "Diagnostics copied to the clipboard (%n line(s)). Secrets are removed.", "", lines
            )
        )
