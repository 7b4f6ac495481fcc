"""The recordings browser: lists a folder newest first, reads summaries off the GUI thread."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from intelivision_desktop.app.gui import demo_sources
from intelivision_desktop.app.wiring import ui_services
from intelivision_desktop.core.codec import decode_frame
from intelivision_desktop.core.model import Description
from intelivision_desktop.io.export import summarize_recording
from intelivision_desktop.io.recorder import JsonlRecorder
from intelivision_desktop.io.resources import demo_recording
from intelivision_desktop.ui.main_window import MainWindow
from intelivision_desktop.ui.recordings_browser import (
    COLUMNS,
    RecordingsBrowser,
    format_duration,
    format_size,
)

T0 = 1_767_000_000_000.0
WIRE = {"cameraActive": True, "personas": [{"posicion": "frente", "distancia": "1.0m"}]}


def make_recording(
    path: Path, *, seconds: float, descriptions: int, mtime: float, source: str = "demo://"
) -> Path:
    rec = JsonlRecorder(path, source=source, analyzer="embedded://rules")
    n = int(seconds * 5) + 1
    frames = [decode_frame(WIRE, device_id="cam", arrival_ms=T0 + i * 200) for i in range(n)]
    rec.write_frames(frames)
    for i in range(descriptions):
        rec.write_description(Description("cam", f"Persona {i}", T0 + 1000 * (i + 1), "rules"))
    rec.close()
    os.utime(path, (mtime, mtime))
    return path


def cell(browser: RecordingsBrowser, row: int, column: str) -> str:
    index = browser.model.index(row, COLUMNS.index(column))
    return str(browser.model.data(index))


def wait_scanned(qtbot: QtBot, browser: RecordingsBrowser) -> None:
    qtbot.waitUntil(lambda: not browser.scanning, timeout=5000)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "recordings"
    d.mkdir()
    make_recording(d / "old.jsonl", seconds=12, descriptions=1, mtime=1_700_000_000)
    make_recording(
        d / "new.jsonl", seconds=75, descriptions=3, mtime=1_700_000_200, source="fake://x"
    )
    make_recording(d / "middle.jsonl", seconds=3, descriptions=0, mtime=1_700_000_100)
    (d / "notes.txt").write_text("not a recording", encoding="utf-8")
    return d


def test_lists_newest_first_with_summaries(qtbot: QtBot, folder: Path) -> None:
    browser = RecordingsBrowser(folder, summarize=summarize_recording)
    qtbot.addWidget(browser)
    wait_scanned(qtbot, browser)
    m = browser.model
    assert m.rowCount() == 3
    assert [cell(browser, r, "Recording") for r in range(3)] == [
        "new.jsonl",
        "middle.jsonl",
        "old.jsonl",
    ]
    assert [cell(browser, r, "Duration") for r in range(3)] == ["1:15", "0:03", "0:12"]
    assert [cell(browser, r, "Descriptions") for r in range(3)] == ["3", "0", "1"]
    assert [cell(browser, r, "Source") for r in range(3)] == ["fake://x", "demo://", "demo://"]
    size = (folder / "new.jsonl").stat().st_size
    assert cell(browser, 0, "Size") == format_size(size)
    assert "3 recordings in" in browser.status.text()
    assert "reading" not in browser.status.text()


def test_plain_frames_file_and_a_damaged_file(qtbot: QtBot, tmp_path: Path) -> None:
    scene = demo_recording("car_and_dog")
    shutil.copy(scene, tmp_path / "frames.jsonl")
    (tmp_path / "broken.jsonl").write_bytes(b"\x00\xffnot json at all\n")
    browser = RecordingsBrowser(tmp_path, summarize=summarize_recording)
    qtbot.addWidget(browser)
    wait_scanned(qtbot, browser)
    rows = {cell(browser, r, "Recording"): r for r in range(browser.model.rowCount())}
    assert set(rows) == {"frames.jsonl", "broken.jsonl"}
    r = rows["frames.jsonl"]
    assert cell(browser, r, "Source") == "frames file"
    assert cell(browser, r, "Duration") == "1:29"  # car_and_dog: 88.8 s of timestamps
    assert cell(browser, r, "Descriptions") == "0"
    b = rows["broken.jsonl"]
    assert cell(browser, b, "Duration") == "—"
    tip = browser.model.data(browser.model.index(b, 0), Qt.ItemDataRole.ToolTipRole)
    assert "cannot be replayed" in tip
    fg = browser.model.data(browser.model.index(b, 0), Qt.ItemDataRole.ForegroundRole)
    assert fg is not None


def test_open_requested_by_enter_double_click_and_button(qtbot: QtBot, folder: Path) -> None:
    browser = RecordingsBrowser(folder, summarize=summarize_recording)
    qtbot.addWidget(browser)
    browser.show()
    wait_scanned(qtbot, browser)
    assert not browser.open_button.isEnabled()

    browser.view.selectRow(1)
    assert browser.open_button.isEnabled()
    with qtbot.waitSignal(browser.open_requested, timeout=2000) as sig:
        qtbot.mouseClick(browser.open_button, Qt.MouseButton.LeftButton)
    assert sig.args == [folder / "middle.jsonl"]

    browser.view.setFocus()
    browser.view.setCurrentIndex(browser.model.index(2, 0))
    with qtbot.waitSignal(browser.open_requested, timeout=2000) as sig:
        qtbot.keyClick(browser.view, Qt.Key.Key_Return)
    assert sig.args == [folder / "old.jsonl"]

    # a double click as a person makes one: press/release, then the double-click event
    # (QTest's mouseDClick alone sends no press, so the view would not emit anything)
    center = browser.view.visualRect(browser.model.index(0, 0)).center()
    emitted: list[object] = []
    browser.open_requested.connect(emitted.append)
    viewport = browser.view.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=center)
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=center)
    qtbot.waitUntil(lambda: len(emitted) >= 1, timeout=2000)
    qtbot.wait(50)
    assert emitted == [folder / "new.jsonl"]  # once, not once per signal


def test_new_recordings_appear_and_selection_is_kept(qtbot: QtBot, folder: Path) -> None:
    browser = RecordingsBrowser(folder, summarize=summarize_recording)
    qtbot.addWidget(browser)
    wait_scanned(qtbot, browser)
    browser.view.selectRow(2)  # old.jsonl
    make_recording(folder / "newest.jsonl", seconds=1, descriptions=2, mtime=1_700_000_300)
    # the folder watcher refreshes by itself (debounced)
    qtbot.waitUntil(lambda: browser.model.rowCount() == 4, timeout=5000)
    wait_scanned(qtbot, browser)
    assert cell(browser, 0, "Recording") == "newest.jsonl"
    assert cell(browser, 0, "Descriptions") == "2"
    assert browser.selected_path() == folder / "old.jsonl"
    (folder / "newest.jsonl").unlink()
    browser.refresh()
    wait_scanned(qtbot, browser)
    assert browser.model.rowCount() == 3


def test_missing_and_empty_folders(qtbot: QtBot, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    browser = RecordingsBrowser(missing, summarize=summarize_recording)
    qtbot.addWidget(browser)
    assert browser.model.rowCount() == 0
    assert not browser.scanning
    assert "No recordings yet" in browser.status.text()
    assert str(missing) in browser.status.text()
    browser.set_folder(tmp_path)
    assert "No recordings in" in browser.status.text()
    assert browser.folder == tmp_path


def test_the_window_browses_the_platform_data_dir(qtbot: QtBot) -> None:
    window = MainWindow(demo_sources(), ui_services())
    qtbot.addWidget(window)
    window.show()
    window.recordings_dock.show()
    window.recordings_dock.raise_()
    qtbot.waitUntil(lambda: window.recordings is not None, timeout=5000)
    browser = window.recordings
    assert browser is not None
    assert browser.folder.parts[-2:] == ("intelivision-desktop", "recordings")
    # tests never see the user's real data folder (conftest points XDG_DATA_HOME elsewhere)
    assert str(browser.folder).startswith(os.environ["XDG_DATA_HOME"])


def test_a_refresh_during_a_scan_drops_the_stale_results(qtbot: QtBot, folder: Path) -> None:
    browser = RecordingsBrowser(folder, summarize=summarize_recording)
    qtbot.addWidget(browser)
    browser.refresh()
    browser.refresh()
    wait_scanned(qtbot, browser)
    assert all(e.summary is not None for e in browser.model.entries)
    assert browser.model.rowCount() == 3


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(None, "—"), (0.4, "0:00"), (59.6, "1:00"), (75, "1:15"), (3725, "1:02:05")],
)
def test_format_duration(seconds: float | None, text: str) -> None:
    assert format_duration(seconds) == text


def test_format_size() -> None:
    assert format_size(0) == "0 B"
    assert format_size(999) == "999 B"
    assert format_size(1500) == "1.5 kB"
    assert format_size(2_500_000) == "2.5 MB"
    assert format_size(7 * 10**12) == "7,000.0 GB"  # the locale's group separator
