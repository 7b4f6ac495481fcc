"""The export dialog end to end: a real PlotPanel on a real store, files written and read back."""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from intelivision_desktop.app.wiring import ui_services
from intelivision_desktop.core.channels import ChannelStore
from intelivision_desktop.core.export import DESCRIPTION_COLUMNS, TIME_COLUMNS, parse_number
from intelivision_desktop.core.model import Description
from intelivision_desktop.ui.export_dialog import (
    ExportDialog,
    ExportRequest,
    export_now,
)
from intelivision_desktop.ui.plots import PlotPanel

SERVICES = ui_services()

T0_MS = 1_767_000_000_000
RATE_HZ = 200
SECONDS = 60
NOW = dt.datetime(2026, 1, 2, 3, 4, 5)
NAME = "20260102-030405-board"


def board_data() -> dict[str, np.ndarray]:
    n = SECONDS * RATE_HZ
    k = np.arange(n, dtype=np.float64)
    t_ms = T0_MS + k * (1000 // RATE_HZ)
    temp = np.round(20 + 5 * np.sin(k / 400), 3)
    temp[::50] = math.nan
    return {"t_ms": t_ms, "adc": np.floor(512 + 500 * np.sin(k / 90)), "temp": temp}


def make_store(data: dict[str, np.ndarray]) -> ChannelStore:
    store = ChannelStore(len(data["t_ms"]) + 10)
    store.extend(data["t_ms"] / 1000.0, {k: v for k, v in data.items() if k != "t_ms"})
    return store


DESCRIPTIONS = [
    Description("board", "temperatura sube", T0_MS + 5_000, "rules"),
    Description("board", "valor alto", T0_MS + 25_000, "rules", latency_ms=12.5),
    Description("other", "otra cosa", T0_MS + 26_000, "rules"),
    Description("board", "valor bajo", T0_MS + 28_000, "rules", fallback=True),
    Description("board", "fin", T0_MS + 55_000, "rules"),
]


@pytest.fixture
def data() -> dict[str, np.ndarray]:
    return board_data()


@pytest.fixture
def panel(qtbot: QtBot, data: dict[str, np.ndarray]) -> Iterator[PlotPanel]:
    p = PlotPanel()
    qtbot.addWidget(p)
    p.resize(900, 500)
    p.show()
    p.attach(make_store(data))
    p.redraw()
    p.set_follow(False)
    # 20.0025 s to 30.0025 s after the start: the bounds fall between samples (5 ms apart)
    plot = next(iter(p.plots.values()))
    plot.setXRange((T0_MS + 20_002.5) / 1000, (T0_MS + 30_002.5) / 1000, padding=0)
    p.redraw()
    yield p
    p.stop()


def other_store() -> ChannelStore:
    s = ChannelStore(100)
    s.extend((T0_MS + 1000.0 * np.arange(40)) / 1000.0, {"x": np.arange(40.0)})
    return s


def dialog_for(qtbot: QtBot, panel: PlotPanel, folder: Path) -> ExportDialog:
    assert panel.store is not None
    d = ExportDialog(
        {"board": panel.store, "other": other_store()},
        DESCRIPTIONS,
        panel.visible_range,
        panel,
        folder,
        device="board",
        now=lambda: NOW,
        services=SERVICES,
    )
    qtbot.addWidget(d)
    d.show()
    return d


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def iso_ms(text: str) -> int:
    return round(dt.datetime.fromisoformat(text).timestamp() * 1000)


def export_and_wait(qtbot: QtBot, dialog: ExportDialog) -> None:
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=30_000)


def test_defaults(qtbot: QtBot, panel: PlotPanel, tmp_path: Path) -> None:
    d = dialog_for(qtbot, panel, tmp_path)
    assert d.channels_box.isChecked()
    assert d.descriptions_box.isChecked()
    assert d.plots_box.isChecked()
    assert d.visible_radio.isChecked()
    assert d.device_combo.isVisible()
    assert [d.device_combo.itemData(i) for i in range(d.device_combo.count())] == [
        "board",
        "other",
    ]
    assert d.device == "board"
    assert d.name_edit.text() == NAME
    assert d.folder_edit.text() == str(tmp_path)
    assert "2,000 rows" in d.visible_radio.text()  # 10 s at 200 Hz
    assert "12,000 rows" in d.all_radio.text()
    d.device_combo.setCurrentIndex(1)
    assert d.name_edit.text() == "20260102-030405-other"  # the default name follows
    d.name_edit.setText("mine")
    d.device_combo.setCurrentIndex(0)
    assert d.name_edit.text() == "mine"  # a typed name is kept


def test_everything_can_be_the_default(qtbot: QtBot, panel: PlotPanel, tmp_path: Path) -> None:
    assert panel.store is not None
    d = ExportDialog(
        {"board": panel.store}, [], None, panel, tmp_path, everything=True, services=SERVICES
    )
    qtbot.addWidget(d)
    assert d.all_radio.isChecked()
    assert not d.visible_radio.isChecked()
    assert not d.request().visible_only


def test_export_visible_range(
    qtbot: QtBot, panel: PlotPanel, tmp_path: Path, data: dict[str, np.ndarray]
) -> None:
    folder = tmp_path / "exports" / "new"  # created on export
    d = dialog_for(qtbot, panel, folder)
    vr = panel.visible_range()
    assert vr is not None
    x0, x1 = vr
    assert x0 == pytest.approx((T0_MS + 20_002.5) / 1000, abs=1e-6)
    assert x1 == pytest.approx((T0_MS + 30_002.5) / 1000, abs=1e-6)
    with qtbot.waitSignal(d.exported, timeout=30_000):
        qtbot.mouseClick(d.export_button, Qt.MouseButton.LeftButton)
    assert not d.busy

    channels = folder / f"{NAME}.csv"
    descs = folder / f"{NAME}.descriptions.csv"
    png = folder / f"{NAME}.png"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        p.name for p in (channels, descs, png)
    )

    # channels: exactly the input rows inside the view, values as put in the store
    t_ms = data["t_ms"]
    idx = np.flatnonzero((t_ms >= x0 * 1000) & (t_ms <= x1 * 1000))
    assert len(idx) == 2000
    names, rows = read_csv(channels)
    assert names == [*TIME_COLUMNS, "adc", "temp"]
    assert len(rows) == len(idx)
    for row, i in zip(rows, idx, strict=True):
        assert iso_ms(row["time"]) == t_ms[i]
        assert float(row["elapsed_s"]) == pytest.approx((t_ms[i] - t_ms[idx[0]]) / 1000)
        assert row["device"] == "board"
        assert parse_number(row["adc"]) == data["adc"][i]
        want = data["temp"][i]
        got = parse_number(row["temp"])
        assert (math.isnan(want) and math.isnan(got)) or got == want

    # descriptions: this device's, inside the view, elapsed from the first channel row
    dnames, drows = read_csv(descs)
    assert dnames == list(DESCRIPTION_COLUMNS)
    want_d = [
        x for x in DESCRIPTIONS if x.device_id == "board" and x0 * 1000 <= x.t_ms <= x1 * 1000
    ]
    assert [r["text"] for r in drows] == [x.text for x in want_d] == ["valor alto", "valor bajo"]
    assert [float(r["elapsed_s"]) for r in drows] == pytest.approx(
        [(x.t_ms - t_ms[idx[0]]) / 1000 for x in want_d]
    )
    assert [r["fallback"] for r in drows] == ["false", "true"]

    # the PNG: the plots' size, and drawn (the first curve's colour is in it)
    img = QImage(str(png))
    assert not img.isNull()
    ratio = panel.glw.devicePixelRatioF()
    assert (img.width(), img.height()) == (
        round(panel.glw.width() * ratio),
        round(panel.glw.height() * ratio),
    )
    img = img.convertToFormat(QImage.Format.Format_RGB32)
    colours = {img.pixel(x, y) for x in range(0, img.width(), 3) for y in range(0, img.height(), 3)}
    assert len(colours) > 20
    curve = QColor(panel.channel_color("adc")).rgb()
    assert any(img.pixel(x, y) == curve for x in range(img.width()) for y in range(img.height())), (
        "the adc curve is not in the picture"
    )

    # what the dialog shows
    shown = d.files.text()
    assert str(channels) in shown
    assert "2,000 rows" in shown
    assert f"{len(want_d):,} rows" in shown
    assert f"{img.width()} × {img.height()} px" in shown
    assert d.status.text().startswith("Exported 3 files")
    assert [f.rows for f in d.results] == [2000, 2, None]
    d.grab().save(str(tmp_path / "export_dialog.png"))


def test_everything_for_another_device(qtbot: QtBot, panel: PlotPanel, tmp_path: Path) -> None:
    d = dialog_for(qtbot, panel, tmp_path)
    d.device_combo.setCurrentIndex(1)
    d.all_radio.setChecked(True)
    d.plots_box.setChecked(False)
    export_and_wait(qtbot, d)
    name = "20260102-030405-other"
    _, rows = read_csv(tmp_path / f"{name}.csv")
    assert [parse_number(r["x"]) for r in rows] == [float(i) for i in range(40)]
    assert {r["device"] for r in rows} == {"other"}
    _, drows = read_csv(tmp_path / f"{name}.descriptions.csv")
    assert [r["text"] for r in drows] == ["otra cosa"]
    assert not (tmp_path / f"{name}.png").exists()


def test_unwritable_folder_is_a_clear_message(
    qtbot: QtBot, panel: PlotPanel, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    d = dialog_for(qtbot, panel, blocker / "sub")
    with qtbot.waitSignal(d.failed, timeout=30_000) as sig:
        qtbot.mouseClick(d.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not d.busy)
    text = d.status.text()
    assert text.startswith("Export failed: cannot write")
    assert str(blocker / "sub") in text
    assert "Not a directory" in text
    assert "Traceback" not in text
    assert sig.args == [text.removeprefix("Export failed: ")]
    assert d.export_button.isEnabled()
    assert d.results == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_existing_files_are_not_overwritten(qtbot: QtBot, panel: PlotPanel, tmp_path: Path) -> None:
    (tmp_path / f"{NAME}.png").write_bytes(b"keep")
    d = dialog_for(qtbot, panel, tmp_path)
    export_and_wait(qtbot, d)
    assert "already exists" in d.status.text()
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{NAME}.png"]
    assert (tmp_path / f"{NAME}.png").read_bytes() == b"keep"


def test_closing_while_writing_cancels_and_leaves_no_file(qtbot: QtBot, tmp_path: Path) -> None:
    n = 300_000
    rng = np.random.default_rng(3)
    big = ChannelStore(n)
    big.extend((T0_MS + np.arange(n)) / 1000.0, {f"c{i}": rng.standard_normal(n) for i in range(8)})
    d = ExportDialog({"big": big}, [], None, None, tmp_path, now=lambda: NOW, services=SERVICES)
    qtbot.addWidget(d)
    d.show()
    assert not d.device_combo.isVisible()  # one device: no choice to make
    assert not d.plots_box.isEnabled()
    assert d.all_radio.isChecked()  # nothing plotted: no visible range
    qtbot.mouseClick(d.export_button, Qt.MouseButton.LeftButton)
    assert d.busy
    d.reject()
    assert not d.busy
    assert d.status.text() == "Export cancelled."
    assert list(tmp_path.iterdir()) == []


def test_export_now_without_the_dialog(panel: PlotPanel, tmp_path: Path) -> None:
    assert panel.store is not None
    files = export_now(
        ExportRequest(tmp_path, "direct", device="board", visible_only=False, png_plots=False),
        services=SERVICES,
        stores={"board": panel.store},
        descriptions=DESCRIPTIONS,
        visible_range=panel.visible_range,
        plots=panel,
    )
    assert [(f.kind, f.path.name, f.rows) for f in files] == [
        ("channels", "direct.csv", SECONDS * RATE_HZ),
        ("descriptions", "direct.descriptions.csv", 4),
    ]
