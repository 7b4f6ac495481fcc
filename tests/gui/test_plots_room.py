"""The curves use the room: at the plots' minimum (480×400) every data area is readable, the
legends cover no data and still say each channel's name, colour and value; the channel list
folds away so the plots get its width."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from intelivision_desktop.core.channels import CAMERA_CHANNELS, ChannelStore
from intelivision_desktop.ui.plots import CHANNELS_KEY, DEVICE_GROUP, LEGEND_MAX_W, PlotPanel

T0 = 1_767_000_000.0
MIN_W, MIN_H = 480, 400
"""The plot area's minimum in the main window (PLOT_MIN there)."""


def demo_store(seconds: float = 60.0, hz: float = 5.0) -> ChannelStore:
    """Every camera channel the demo plots (five plots, latency included)."""
    store = ChannelStore(10_000)
    for i in range(int(seconds * hz)):
        t = i / hz
        store.append(
            T0 + t,
            {
                "people": float(i % 3),
                "objects": float(1 + (i // 7) % 4),
                "nearest_person_m": 1.5 + math.sin(t / 5),
                "nearest_object_m": 3.0 + math.cos(t / 7),
                "approaching": float(i % 2),
                "moving": float((i // 5) % 3),
                "smile": 0.5 + 0.4 * math.sin(t / 3),
                "surprise": 0.2,
                "latency_ms": 200 + 50 * math.sin(t),
            },
        )
    return store


def settle(panel: PlotPanel) -> None:
    for _ in range(3):
        QApplication.processEvents()
    panel.redraw()
    panel.update_text(force=True)
    QApplication.processEvents()
    panel.glw.viewport().repaint()


@pytest.fixture
def small(qtbot: object) -> Iterator[PlotPanel]:
    """The panel at the plots' minimum, as the main window gives it with docks open."""
    p = PlotPanel()
    qtbot.addWidget(p)  # type: ignore[attr-defined]
    p.resize(MIN_W, MIN_H)
    p.show()
    p.set_device_label("iPhone (Safari) · 127.0.0.1")
    p.attach(demo_store())
    settle(p)
    yield p
    p.stop()


def test_every_data_area_is_readable_at_the_minimum(small: PlotPanel) -> None:
    assert not small.channels_shown  # 480 px: the channel list starts folded away
    assert len(small.plots) == 5
    for group, plot in small.plots.items():
        data = plot.getViewBox().sceneBoundingRect()
        assert data.width() >= 250, (group, data)
        assert data.height() >= 50, (group, data)


def test_legends_cover_no_data_area(small: PlotPanel) -> None:
    areas = [p.getViewBox().sceneBoundingRect() for p in small.plots.values()]
    for group in small.plots:
        legend = small._legends[group]
        rect = legend.sceneBoundingRect()
        assert rect.width() > 0, group
        assert rect.height() > 0, group
        assert rect.width() <= LEGEND_MAX_W + 1, group
        for data in areas:
            assert not rect.intersects(data), (group, rect, data)


def test_legends_keep_name_colour_and_value(small: PlotPanel) -> None:
    distance = small._legends["distance"]
    assert distance.title == "Nearest distance (m)"  # the plot's name heads its legend
    assert [name for _, name, _ in distance.rows] == ["Nearest person", "Nearest object"]
    assert distance.rows[0][2].endswith(" m")  # the value with its unit
    assert {c for c, _, _ in distance.rows} == {
        small.channel_color("nearest_person_m"),
        small.channel_color("nearest_object_m"),
    }
    # the whole name (with its unit) and the value are in the tooltip, however narrow
    tip = distance.toolTip()
    assert "Nearest person (m): " in tip
    assert distance.rows[0][2] in tip
    for group, plot in small.plots.items():
        assert not plot.titleLabel.isVisible(), group  # no title row above the plot
        assert small._legends[group].title == small.group_title(group)


def test_a_legend_too_short_for_its_channels_says_how_many_more(qtbot: object) -> None:
    p = PlotPanel()
    qtbot.addWidget(p)  # type: ignore[attr-defined]
    p.resize(MIN_W, MIN_H)
    p.show()
    store = ChannelStore(1000)
    for i in range(20):
        store.append(T0 + i, {f"board_channel_{k}": float(k) for k in range(30)})
    p.attach(store)
    settle(p)
    assert list(p.plots) == [DEVICE_GROUP]
    legend = p._legends[DEVICE_GROUP]
    assert len(legend.rows) == 30  # legend_text still has them all
    assert 0 < len(legend.shown_names) < 30
    assert legend.extra == f"+{30 - len(legend.shown_names)} more"
    p.stop()


def test_the_channel_list_folds_away_and_gives_its_width(small: PlotPanel) -> None:
    before = small.plots["counts"].getViewBox().sceneBoundingRect().width()
    small.channels_action.trigger()  # View → Channels (or the button on the plots)
    settle(small)
    assert small.channels_shown
    assert small.channel_list.isVisible()
    beside = small.plots["counts"].getViewBox().sceneBoundingRect().width()
    assert beside < before - 100
    small.channels_action.trigger()
    settle(small)
    assert not small.channel_list.isVisible()
    assert small.plots["counts"].getViewBox().sceneBoundingRect().width() == pytest.approx(
        before, abs=2
    )
    assert small.channels_button.isVisible()


def test_a_wide_panel_starts_as_the_operator_left_it(qtbot: object) -> None:
    def panel() -> PlotPanel:
        p = PlotPanel()
        qtbot.addWidget(p)  # type: ignore[attr-defined]
        p.resize(1400, 700)
        p.show()
        return p

    first = panel()
    assert first.channels_shown  # room for the list and 700 px of plots
    first.channels_action.trigger()  # the operator hides it
    assert QSettings().value(CHANNELS_KEY, type=bool) is False
    second = panel()
    assert not second.channels_shown
    assert not second.channel_list.isVisible()
    second.channels_action.trigger()
    third = panel()
    assert third.channels_shown
    narrow = PlotPanel()
    qtbot.addWidget(narrow)  # type: ignore[attr-defined]
    narrow.resize(760, 400)  # the main window's plots at 1280×800: the list starts folded
    narrow.show()
    assert not narrow.channels_shown
    assert QSettings().value(CHANNELS_KEY, type=bool) is True  # not forgotten for later
    for p in (first, second, third, narrow):
        p.stop()


def test_every_camera_plot_keeps_its_legend_entries(small: PlotPanel) -> None:
    shown = {name for legend in small._legends.values() for _, name, _ in legend.rows}
    assert shown >= {small.channel_short(s.name) for s in CAMERA_CHANNELS}
