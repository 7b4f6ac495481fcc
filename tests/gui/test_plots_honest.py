"""Honest plots (issue 12): gaps drawn as gaps, stale data said so, hover readout, last values,
legends beside the data, all history, Y floors, full channel names, the device named."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QPointF, Qt
from PySide6.QtGui import QColor, QImage

from intelivision_desktop.core.channels import CAMERA_CHANNELS, ChannelStore
from intelivision_desktop.ui.plots import (
    DEVICE_GROUP,
    HISTORY_CHOICES,
    PlotPanel,
    history_choices,
)

T0 = 1_767_000_000.0


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 5_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def panel(qtbot: object, clock: Clock) -> Iterator[PlotPanel]:
    p = PlotPanel(clock=clock)
    qtbot.addWidget(p)  # type: ignore[attr-defined]
    p.resize(1100, 720)
    p.show()
    yield p
    p.stop()


def camera_store(
    seconds: float = 30.0, hz: float = 5.0, hole_at: float | None = None
) -> ChannelStore:
    """Camera channels at ``hz``; with ``hole_at``, nothing for 10 s from that second."""
    store = ChannelStore(10_000)
    t, i = 0.0, 0
    while t < seconds:
        if hole_at is not None and hole_at <= t < hole_at + 10:
            t = hole_at + 10
        store.append(
            T0 + t,
            {
                "people": float(i % 3),
                "objects": 1.0,
                "nearest_person_m": 1.5,
                "nearest_object_m": math.nan,  # no object has a distance
                "smile": 0.25,
            },
        )
        t += 1 / hz
        i += 1
    return store


def serial_store(
    seconds: float, rate: float, hole: tuple[float, float] | None = None
) -> ChannelStore:
    t = np.arange(0, seconds, 1 / rate)
    if hole is not None:
        t = t[(t < hole[0]) | (t >= hole[1])]
    store = ChannelStore(len(t) + 10)
    store.extend(T0 + t, {"adc": np.sin(t), "temp": 20 + np.cos(t)})
    return store


def nan_positions(panel: PlotPanel, name: str) -> tuple[np.ndarray, np.ndarray]:
    x, y = panel.curves[name].getOriginalDataset()
    assert x is not None
    assert y is not None
    return x, np.flatnonzero(np.isnan(y))


def scene_point(panel: PlotPanel, group: str, t: float, y: float = 0.5) -> QPointF:
    return panel.plots[group].getViewBox().mapViewToScene(QPointF(t, y))


# --- gaps -------------------------------------------------------------------------------------


def test_a_ten_second_hole_is_drawn_as_a_break(panel: PlotPanel) -> None:
    store = camera_store(seconds=40, hole_at=15.0)
    panel.attach(store)
    panel.set_history(60)
    assert panel._cache is None  # few samples per pixel: the raw samples are drawn
    x, nans = nan_positions(panel, "objects")
    assert len(nans) == 1, "one break, where the hole is"
    k = int(nans[0])
    assert x[k - 1] <= T0 + 15.0
    assert x[k + 1] >= T0 + 25.0
    assert x[k + 1] - x[k - 1] >= 10.0
    # the same break in every curve of the device (they share the time column)
    assert nan_positions(panel, "people")[1].tolist() == [k]


def test_regular_data_has_no_break(panel: PlotPanel) -> None:
    panel.attach(camera_store(seconds=40))
    panel.set_history(60)
    _, nans = nan_positions(panel, "objects")
    assert len(nans) == 0
    panel.attach(serial_store(60, 1000.0))
    panel.set_history(60)
    assert panel._cache is not None  # 60,000 samples: peak-decimated
    assert len(nan_positions(panel, "adc")[1]) == 0


def test_a_hole_breaks_peak_decimated_curves_too(panel: PlotPanel) -> None:
    store = serial_store(60, 1000.0, hole=(20.0, 30.0))
    panel.attach(store)
    panel.set_history(60)
    assert panel._cache is not None
    x, nans = nan_positions(panel, "adc")
    assert len(nans) == 1
    k = int(nans[0])
    block_s = panel._cache.block / 1000.0
    assert x[k - 1] <= T0 + 20.0
    assert x[k + 1] >= T0 + 30.0 - block_s
    # x stays sorted for pyqtgraph's clip-to-view
    assert np.all(np.diff(x) >= 0)


def test_a_slow_device_is_not_broken_between_its_samples(panel: PlotPanel) -> None:
    # one sample every 2 s: 2 s apart is its rhythm, not a gap (threshold 5 × 2 s)
    store = ChannelStore(100)
    for i in range(30):
        store.append(T0 + 2.0 * i, {"v": float(i)})
    panel.attach(store)
    panel.set_history(120)
    assert len(nan_positions(panel, "v")[1]) == 0
    store.append(T0 + 58 + 12.0, {"v": 0.0})  # 12 s: a gap for this device
    panel.redraw()
    assert len(nan_positions(panel, "v")[1]) == 1


# --- stale data -------------------------------------------------------------------------------


def test_stale_label_after_the_data_stops(panel: PlotPanel, clock: Clock) -> None:
    store = camera_store(seconds=20)
    panel.attach(store)
    panel.redraw()
    panel.update_text(force=True)
    assert not panel.stale
    assert not panel.stale_label.isVisible()
    clock.now += 2.5  # less than 3 s: a hiccup, not stale
    panel.tick()
    panel.update_text(force=True)
    assert not panel.stale
    clock.now += 1.0
    panel.tick()  # the text refreshes once a second: this tick does it
    assert panel.stale
    assert panel.stale_label.isVisible()
    last = float(store.times()[-1])
    assert (
        panel.stale_label.text()
        == f"No data since {time.strftime('%H:%M:%S', time.localtime(last))}"
    )
    assert all(c.opacity() < 1.0 for c in panel.curves.values())
    # data returns: the label goes at the next frame, not a second later
    store.append(last + 3.5, {"people": 1.0})
    clock.now += 0.03
    panel.tick()
    assert not panel.stale
    assert not panel.stale_label.isVisible()
    assert all(c.opacity() == 1.0 for c in panel.curves.values())


def test_a_paused_replay_is_not_stale(panel: PlotPanel, clock: Clock) -> None:
    panel.attach(camera_store(seconds=20))
    panel.redraw()
    panel.set_paused(True)
    clock.now += 60
    panel.update_text(force=True)
    assert not panel.stale
    assert not panel.stale_label.isVisible()
    panel.set_paused(False)  # silence counts again from the resume
    assert not panel.stale
    clock.now += 3.5
    panel.update_text(force=True)
    assert panel.stale
    panel.set_paused(True)  # pausing hides it at once
    assert not panel.stale


def test_a_slow_device_is_stale_after_three_of_its_intervals(
    panel: PlotPanel, clock: Clock
) -> None:
    store = ChannelStore(100)
    for i in range(20):
        store.append(T0 + 2.0 * i, {"v": float(i)})
    panel.attach(store)
    panel.redraw()
    clock.now += 5.0
    panel.update_text(force=True)
    assert not panel.stale  # 5 s < 3 × 2 s
    clock.now += 2.0
    panel.update_text(force=True)
    assert panel.stale


def test_no_store_or_no_data_is_not_stale(panel: PlotPanel, clock: Clock) -> None:
    clock.now += 100
    panel.update_text(force=True)
    assert not panel.stale
    panel.attach(ChannelStore(10))
    clock.now += 100
    panel.update_text(force=True)
    assert not panel.stale


# --- hover crosshair --------------------------------------------------------------------------


def test_crosshair_readout_at_the_mouse(panel: PlotPanel, qtbot: object) -> None:
    store = camera_store(seconds=20)
    panel.attach(store)
    panel.set_history(30)
    t = T0 + 10.02  # nearest sample: T0 + 10.0 (row 50: people 50 % 3 = 2)
    panel.hover_at(scene_point(panel, "counts", t))
    assert panel.crosshair_visible
    want_time = time.strftime("%H:%M:%S", time.localtime(t)) + ".0"
    lines = panel.readout_text.splitlines()
    assert lines[0] == f"At {want_time}"
    assert "People: 2" in lines
    assert "Objects: 1" in lines
    assert "Nearest person: 1.50 m" in lines
    assert "Smile score: 0.25" in lines
    # one vertical line on every plot, at that time
    for group, line in panel._cross_lines.items():
        if group in panel.plots:
            assert line.isVisible()
            assert line.value() == pytest.approx(t)
    # the mouse leaves the plots: gone
    QCoreApplication.sendEvent(panel.glw.viewport(), QEvent(QEvent.Type.Leave))
    assert not panel.crosshair_visible
    assert panel.readout_text == ""
    assert not any(line.isVisible() for line in panel._cross_lines.values())


def test_crosshair_through_the_throttled_scene_signal(panel: PlotPanel, qtbot: object) -> None:
    panel.attach(camera_store(seconds=20))
    panel.set_history(30)
    pos = scene_point(panel, "distance", T0 + 5.0, 1.0)
    panel.glw.scene().sigMouseMoved.emit(pos)
    qtbot.waitUntil(lambda: panel.crosshair_visible, timeout=2000)  # type: ignore[attr-defined]
    assert "Nearest person: 1.50 m" in panel.readout_text
    # over an axis, not a data area: hidden
    data = panel.plots["distance"].getViewBox().sceneBoundingRect()
    panel.hover_at(QPointF(data.left() - 15, data.center().y()))  # on the axis labels
    assert not panel.crosshair_visible


def test_crosshair_in_a_gap_says_no_data(panel: PlotPanel) -> None:
    panel.attach(camera_store(seconds=40, hole_at=15.0))
    panel.set_history(60)
    panel.hover_at(scene_point(panel, "counts", T0 + 20.0))
    assert "No data at this time" in panel.readout_text
    assert "People: —" in panel.readout_text.splitlines()


# --- last values and legends ------------------------------------------------------------------


def test_legend_shows_current_values_about_once_a_second(panel: PlotPanel, clock: Clock) -> None:
    store = camera_store(seconds=10)
    panel.attach(store)
    panel.redraw()
    panel.update_text(force=True)
    last_people = int(store.column("people")[-1])
    assert f"People: {last_people}" in panel.legend_text("counts").splitlines()
    assert "Nearest person: 1.50 m" in panel.legend_text("distance").splitlines()
    assert "Smile score: 0.25" in panel.legend_text("expression").splitlines()
    assert "Nearest object: —" in panel.legend_text("distance").splitlines()  # no value now
    store.append(float(store.times()[-1]) + 0.2, {"people": 7.0, "nearest_person_m": 2.25})
    clock.now += 0.3
    panel.tick()
    assert "People: 7" not in panel.legend_text("counts")  # not on every frame
    clock.now += 0.8
    panel.tick()
    assert "People: 7" in panel.legend_text("counts").splitlines()
    assert "Nearest person: 2.25 m" in panel.legend_text("distance").splitlines()


def test_legends_sit_beside_the_data_area(panel: PlotPanel) -> None:
    panel.attach(camera_store(seconds=10))
    panel.redraw()
    panel.update_text(force=True)
    for group, plot in panel.plots.items():
        data = plot.getViewBox().sceneBoundingRect()
        legend = panel._legends[group].sceneBoundingRect()
        assert legend.width() > 0
        assert legend.left() >= data.right(), group  # right of the data, covering none of it
        assert not legend.intersects(data)


# --- history ----------------------------------------------------------------------------------


def test_history_choices_include_ten_seconds_and_all() -> None:
    assert [s for _, s in HISTORY_CHOICES] == [10.0, 30.0, 120.0, 600.0, None]
    assert [label for label, _ in history_choices()] == [
        "10 s",
        "30 s",
        "2 min",
        "10 min",
        "All history",
    ]


def test_all_history_shows_everything_in_the_ring_buffer(panel: PlotPanel) -> None:
    store = ChannelStore(2000)
    for i in range(1500):  # 1,500 s at 1 Hz, more than any fixed choice
        store.append(T0 + i, {"v": float(i)})
    panel.attach(store)
    panel.set_history(None)
    assert panel.history is None
    x0, x1 = panel.visible_range()  # type: ignore[misc]
    assert x0 <= T0
    assert x1 >= T0 + 1499
    x, _ = panel.curves["v"].getOriginalDataset()
    assert x[0] == T0
    panel.set_history(10)
    x0, x1 = panel.visible_range()  # type: ignore[misc]
    assert x1 - x0 == pytest.approx(10.0)
    with pytest.raises(ValueError, match="positive"):
        panel.set_history(0)


# --- Y ranges ---------------------------------------------------------------------------------


def settle(panel: PlotPanel) -> None:
    panel.redraw()
    panel.glw.viewport().repaint()  # pyqtgraph settles an auto range as it paints


def test_counts_never_show_a_negative_y_range(panel: PlotPanel) -> None:
    store = ChannelStore(500)
    for i in range(100):  # nobody, nothing: all zeros (the range used to be -1.5 … 1.5)
        store.append(
            T0 + 0.2 * i,
            {
                "people": 0.0,
                "objects": 0.0,
                "approaching": 0.0,
                "nearest_person_m": 0.4,
                "smile": 0.0,
            },
        )
    panel.attach(store)
    settle(panel)
    for group in ("counts", "motion", "distance", "expression"):
        lo, hi = panel.plots[group].viewRange()[1]
        assert lo >= 0.0, group
        assert hi > lo
    assert panel.plots["expression"].viewRange()[1][1] <= 1.0
    assert panel.y_limits("counts") == (0.0, None)
    assert panel.y_limits("expression") == (0.0, 1.0)


def test_raw_serial_channels_keep_auto_range_below_zero(panel: PlotPanel) -> None:
    panel.attach(serial_store(10, 100.0))  # sin: -1 … 1
    settle(panel)
    lo, _ = panel.plots[DEVICE_GROUP].viewRange()[1]
    assert lo < -0.5
    assert panel.y_limits(DEVICE_GROUP) == (None, None)


def test_a_raw_channel_moved_among_counts_lifts_the_floor(panel: PlotPanel) -> None:
    store = camera_store(seconds=5)
    store.append(float(store.times()[-1]) + 0.2, {"dist_cm": -40.0})
    panel.attach(store)
    panel.redraw()
    panel.move_channel("dist_cm", "counts")
    assert panel.y_limits("counts") == (None, None)
    settle(panel)
    assert panel.plots["counts"].viewRange()[1][0] < 0


def test_a_fixed_range_is_the_operators_choice(panel: PlotPanel) -> None:
    panel.attach(camera_store(seconds=5))
    panel.redraw()
    panel.set_y_range("counts", (-1.0, 9.0))
    settle(panel)
    assert panel.plots["counts"].viewRange()[1] == pytest.approx([-1.0, 9.0])


# --- names ------------------------------------------------------------------------------------


def test_channel_names_are_short_whole_and_reachable(panel: PlotPanel) -> None:
    panel.attach(camera_store(seconds=5))
    panel.redraw()
    cl = panel.channel_list
    cl.refresh()
    tree = cl.tree
    fm = tree.fontMetrics()
    texts = {}
    for i in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(i)
        for j in range(top.childCount()):
            item = top.child(j)
            _, name = item.data(0, Qt.ItemDataRole.UserRole)
            texts[name] = item.text(0)
            assert name in item.toolTip(0)  # the full name and the channel's key
            assert item.text(0) in item.toolTip(0)
            # shown whole: the item's cell holds the text (no "Nearest perso…")
            rect = tree.visualItemRect(item)
            assert rect.right() <= tree.viewport().width()
            assert fm.horizontalAdvance(item.text(0)) < rect.width(), item.text(0)
    assert texts["nearest_person_m"] == "Nearest person (m)"
    assert texts["people"] == "People"
    assert len(set(texts.values())) == len(texts)  # unambiguous
    assert cl.width() >= cl.preferred_width() - 2


def test_every_camera_channel_name_is_listed_for_translation() -> None:
    from intelivision_desktop.ui import plots

    listed = set(plots._CHANNEL_TEXTS)
    for spec in (*CAMERA_CHANNELS, *plots._SPECS.values()):
        assert spec.display in listed
        assert spec.label in listed
    for title in plots.GROUP_TITLES.values():
        assert title in listed


# --- the device -------------------------------------------------------------------------------


def test_the_plotted_device_is_named_above_the_plots(panel: PlotPanel) -> None:
    assert panel.device_label == "No device yet"
    panel.set_device_label("Ana's phone")
    panel.attach(camera_store(seconds=5))
    panel.redraw()
    assert panel.device_label == "Device: Ana's phone"
    title = panel.title.sceneBoundingRect()
    first = next(iter(panel.plots.values())).sceneBoundingRect()
    assert title.height() > 0
    assert title.bottom() <= first.top() + 1
    assert panel.title.scene() is panel.glw.scene()  # part of the plots (and of their PNG)


# --- what it looks like -----------------------------------------------------------------------


def test_rendered_gap_and_stale_label(panel: PlotPanel, clock: Clock, tmp_path: object) -> None:
    store = camera_store(seconds=60, hole_at=20.0)
    panel.attach(store)
    panel.set_device_label("glasses-2")
    panel.set_history(120)
    clock.now += 10
    panel.update_text(force=True)
    panel.glw.viewport().repaint()
    img = panel.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    amber = QColor(255, 193, 7)
    found = 0
    for x in range(0, img.width(), 2):
        for y in range(0, img.height() // 4, 2):
            c = QColor(img.pixel(x, y))
            if (
                abs(c.red() - amber.red())
                + abs(c.green() - amber.green())
                + abs(c.blue() - amber.blue())
                < 40
            ):
                found += 1
    assert found > 50, "the stale label is not in the picture"
    assert math.isfinite(float(store.times()[-1]))


# --- following live ---------------------------------------------------------------------------


def test_follow_stops_on_the_operators_zoom_only(panel: PlotPanel) -> None:
    store = camera_store(seconds=10)
    panel.attach(store)
    panel.redraw()
    assert panel.follow
    # a layout change resizes the data area (a device channel appears) with the mouse resting
    # over the plots: not the operator's doing
    store.append(float(store.times()[-1]) + 0.2, {"a_long_device_channel_name": 1.0})
    panel.redraw()
    assert panel.follow
    vb = panel.plots["counts"].getViewBox()
    vb.sigRangeChangedManually.emit([True, False])  # what a wheel zoom or a drag emits
    assert not panel.follow


def test_the_readout_keeps_to_the_top_as_the_y_axis_follows(panel: PlotPanel) -> None:
    store = camera_store(seconds=20)
    panel.attach(store)
    panel.set_history(30)
    settle(panel)
    panel.hover_at(scene_point(panel, "distance", T0 + 5.0, 1.0))
    store.append(float(store.times()[-1]) + 0.2, {"nearest_person_m": 40.0})  # the axis grows
    settle(panel)
    top = panel.plots["distance"].viewRange()[1][1]
    assert top >= 40.0
    assert panel._readouts["distance"].pos().y() == pytest.approx(top)
