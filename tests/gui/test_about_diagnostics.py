"""The About dialog: versions, folders, licence, and diagnostics copied to the clipboard."""

from __future__ import annotations

import tomllib
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from intelivision_desktop import __version__
from intelivision_desktop.app import diagnostics
from intelivision_desktop.app.diagnostics import about_versions, diagnostics_text, versions
from intelivision_desktop.ui import about
from intelivision_desktop.ui.about import AboutDialog

SCREENSHOT = Path("/tmp/about.png")


def folders(tmp_path: Path) -> list[tuple[str, Path]]:
    return [
        ("Recordings", tmp_path / "data" / "recordings"),
        ("Logs", tmp_path / "logs"),
        ("Settings", tmp_path / "config"),
    ]


def test_the_dialog_shows_name_version_licence_and_every_component(
    qtbot: QtBot, tmp_path: Path, repo_root: Path
) -> None:
    dialog = AboutDialog(lambda: "", versions=about_versions(), folders=folders(tmp_path))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.windowTitle() == "About InteliVision Desktop"
    assert dialog.findChild(QLabel, "aboutTitle").text() == "InteliVision Desktop"
    assert __version__ in dialog.findChild(QLabel, "aboutVersion").text()
    project = tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert dialog.findChild(QLabel, "aboutDescription").text() == project["description"]
    assert (
        dialog.findChild(QLabel, "aboutLicence").text() == f"Licence: {project['license']['text']}"
    )
    # the fallbacks used when a bundle has no package metadata say the same
    assert (
        project["description"],
        project["license"]["text"],
    ) == (about.DESCRIPTION, about.LICENCE)
    rows = versions()
    assert len(rows) > 10
    for name, version in rows:
        label = dialog.findChild(QLabel, f"version_{name}")
        assert label is not None, name
        assert label.text() == version
        assert label.isVisible()
    assert dialog.findChild(QLabel, "version_numpy").text() != diagnostics.NOT_INSTALLED

    dialog.grab().save(str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 0
    # fits a 1080p screen at 150 % (1280×720 logical pixels) with room for the title bar
    hint = dialog.sizeHint()
    assert hint.width() <= 1200, hint
    assert hint.height() <= 660, hint


def test_each_folder_is_shown_with_an_open_button(qtbot: QtBot, tmp_path: Path) -> None:
    opened: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url)
        return True

    places = folders(tmp_path)
    dialog = AboutDialog(lambda: "", versions=about_versions(), folders=places, open_url=open_url)
    qtbot.addWidget(dialog)
    for name, path in places:
        assert dialog.findChild(QLabel, f"folderPath_{name}").text() == str(path)
        assert dialog.findChild(QPushButton, f"openFolder_{name}").text() == "Open folder"
    assert not places[0][1].exists()
    dialog.findChild(QPushButton, "openFolder_Recordings").click()
    assert opened == [QUrl.fromLocalFile(str(places[0][1]))]
    assert places[0][1].is_dir()  # created so the file manager has something to open


def test_a_folder_that_cannot_be_opened_is_said(qtbot: QtBot, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    dialog = AboutDialog(
        lambda: "",
        versions=about_versions(),
        folders=[("Logs", blocker / "logs")],
        open_url=lambda _u: False,
    )
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.folder_buttons["Logs"].click()
    assert dialog.status.isVisible()
    assert "Cannot create" in dialog.status.text()
    dialog2 = AboutDialog(
        lambda: "",
        versions=about_versions(),
        folders=[("Logs", tmp_path / "logs")],
        open_url=lambda _u: False,
    )
    qtbot.addWidget(dialog2)
    dialog2.show()
    dialog2.findChild(QPushButton, "openFolder_Logs").click()
    assert "No file manager could open" in dialog2.status.text()


def test_copy_diagnostics_puts_the_report_on_the_clipboard(qtbot: QtBot, tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("INFO link: connecting to wss://h/dev?token=tok-SECRET\n", encoding="utf-8")
    made: list[str] = []

    def report() -> str:
        made.append(diagnostics_text(None, log_file=log, extra={"Window": "About test"}))
        return made[-1]

    clipboard = QGuiApplication.clipboard()
    clipboard.setText("before")
    dialog = AboutDialog(report, versions=about_versions(), folders=folders(tmp_path))
    qtbot.addWidget(dialog)
    dialog.show()
    assert made == []  # built when asked, with the state of that moment
    dialog.findChild(QPushButton, "copyDiagnostics").click()
    assert len(made) == 1
    assert clipboard.text() == made[0]
    assert "Window  About test" in made[0]
    qt = diagnostics.qt_runtime_version()  # Qt is loaded here, so it is known
    assert qt is not None
    assert f"Qt                    {qt}\n" in made[0]
    assert "Qt platform        offscreen" in made[0]
    assert "Screen 1" in made[0]
    assert "token=[REDACTED]" in clipboard.text()
    assert "tok-SECRET" not in clipboard.text()
    assert dialog.status.isVisible()
    assert "copied" in dialog.status.text()


def test_a_failing_report_is_shown_and_the_clipboard_left_alone(qtbot: QtBot) -> None:
    def broken() -> str:
        raise RuntimeError("no session yet")

    clipboard = QGuiApplication.clipboard()
    clipboard.setText("before")
    dialog = AboutDialog(broken, versions=about_versions(), folders=[])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.copy_button.click()
    assert clipboard.text() == "before"
    assert "Could not collect diagnostics: no session yet" in dialog.status.text()


def test_close_rejects(qtbot: QtBot) -> None:
    dialog = AboutDialog(lambda: "", versions=about_versions(), folders=[])
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.rejected, timeout=2000):
        dialog.findChild(QPushButton, "closeButton").click()
    assert not dialog.isVisible()
