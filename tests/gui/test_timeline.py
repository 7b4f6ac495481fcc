"""The description timeline (ui/timeline.py): following live, stable rows, collapsed repeats."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtWidgets import QAbstractSlider, QApplication, QWidget
from pytestqt.qtbot import QtBot

from intelivision_desktop.core.model import Description
from intelivision_desktop.ui.timeline import COL_TEXT, REPEATS_ROLE, TimelineView, clock

T0 = 1_790_000_000_000.0  # epoch ms


def desc(text: str, at_s: float, device: str = "glasses") -> Description:
    return Description(device, text, T0 + at_s * 1000.0, "rules", latency_ms=0.4)


@pytest.fixture
def timeline(qtbot: QtBot) -> Iterator[TimelineView]:
    tl = TimelineView()
    qtbot.addWidget(tl)
    tl.resize(520, 420)
    tl.show()
    qtbot.waitExposed(tl)
    pointer_gone(qtbot, tl)  # an earlier test may have left the pointer where this window is
    yield tl
    pointer_gone(qtbot, tl)
    tl.close()


def pointer_gone(qtbot: QtBot, w: QWidget) -> None:
    """Take the pointer off every window: the next test's window must not find it there."""
    qtbot.mouseMove(w, QPoint(-2000, -2000))


def fill(tl: TimelineView, n: int, start: int = 0, device: str = "glasses") -> None:
    for i in range(start, start + n):
        tl.add(desc(f"objeto {i} delante", 2.0 * i, device))


def settle(qtbot: QtBot) -> None:
    qtbot.wait(30)  # delayed item layouts and scroll bar ranges


def newest_in_view(tl: TimelineView) -> bool:
    table = tl.table
    last = tl.model.rowCount() - 1
    return table.rowAt(table.viewport().height() - 2) == last or (
        table.rowViewportPosition(last) + table.rowHeight(last) <= table.viewport().height()
        and table.rowViewportPosition(last) >= 0
    )


def row_center(tl: TimelineView, row: int) -> QPoint:
    return tl.table.visualRect(tl.model.index(row, COL_TEXT)).center()


def click_row(qtbot: QtBot, tl: TimelineView, row: int) -> None:
    pos = row_center(tl, row)
    qtbot.mouseMove(tl.table.viewport(), pos)
    qtbot.mouseClick(tl.table.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def pointer_away(qtbot: QtBot, tl: TimelineView) -> None:
    qtbot.mouseMove(tl.detail.viewport(), QPoint(5, 5))
    # a window system says the pointer left the rows; QTest's offscreen moves do not always
    # (a row list shown under a pointer an earlier test left there never hears it leave)
    QApplication.sendEvent(tl.table.viewport(), QEvent(QEvent.Type.Leave))
    settle(qtbot)


# -- following, and the "N new ↓" button ---------------------------------------------------------


def test_selecting_a_row_stops_following_and_the_button_counts_what_arrived(
    qtbot: QtBot, timeline: TimelineView
) -> None:
    tl = timeline
    changes: list[bool] = []
    tl.following_changed.connect(changes.append)
    fill(tl, 40)
    settle(qtbot)
    assert tl.is_following()
    assert newest_in_view(tl)
    assert not tl.jump.isVisible()

    row = tl.table.rowAt(tl.table.viewport().height() // 2)
    click_row(qtbot, tl, row)
    assert tl.current() is tl.model.items[row]
    assert not tl.is_following()
    assert changes == [False]
    assert tl.jump.isVisible()  # "Live ↓": the way back, before anything arrived
    pointer_away(qtbot, tl)

    sb = tl.table.verticalScrollBar()
    value = sb.value()
    fill(tl, 3, start=40)
    tl.add(desc("objeto 42 delante", 200.0))  # a repeat joins its row: not a new row
    settle(qtbot)
    assert tl.jump.isVisible()
    assert tl.jump.text() == "3 new ↓"
    assert tl.unseen == 3
    assert "Repeats added to earlier rows: 1." in tl.jump.toolTip()
    assert sb.value() == value  # the view stayed exactly where it was
    assert tl.current() is tl.model.items[row]  # and so did the selection

    qtbot.mouseClick(tl.jump, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert tl.is_following()
    assert changes == [False, True]
    assert tl.current() is None
    assert sb.value() == sb.maximum()
    assert newest_in_view(tl)
    assert not tl.jump.isVisible()
    assert tl.unseen == 0

    pointer_away(qtbot, tl)  # the click left it over the list, where rows wait for it to go
    fill(tl, 5, start=50)  # following again: the newest keeps coming into view
    settle(qtbot)
    assert newest_in_view(tl)
    assert not tl.jump.isVisible()


def test_f_and_end_in_the_timeline_go_back_to_live(qtbot: QtBot, timeline: TimelineView) -> None:
    tl = timeline
    fill(tl, 40)
    settle(qtbot)
    click_row(qtbot, tl, tl.table.rowAt(10))
    pointer_away(qtbot, tl)
    fill(tl, 4, start=40)
    settle(qtbot)
    assert tl.jump.text() == "4 new ↓"
    tl.table.setFocus()
    qtbot.keyClick(tl.table, Qt.Key.Key_F)
    settle(qtbot)
    assert tl.is_following()
    assert newest_in_view(tl)
    assert tl.current() is None

    # scrolling up stops following; End comes back (it does not select the last row)
    tl.table.verticalScrollBar().triggerAction(QAbstractSlider.SliderAction.SliderPageStepSub)
    assert not tl.is_following()
    fill(tl, 2, start=44)
    settle(qtbot)
    assert tl.jump.text() == "2 new ↓"
    assert not newest_in_view(tl)
    qtbot.keyClick(tl.table, Qt.Key.Key_End)
    settle(qtbot)
    assert tl.is_following()
    assert newest_in_view(tl)
    assert tl.current() is None

    # scrolling back down to the very bottom follows again too
    tl.table.verticalScrollBar().triggerAction(QAbstractSlider.SliderAction.SliderPageStepSub)
    assert not tl.is_following()
    tl.table.verticalScrollBar().triggerAction(QAbstractSlider.SliderAction.SliderToMaximum)
    assert tl.is_following()

    # follow_live(False) from outside (the window's "Follow live" unchecked): nothing moves
    value = tl.table.verticalScrollBar().value()
    tl.follow_live(False)
    fill(tl, 3, start=46)
    settle(qtbot)
    assert tl.table.verticalScrollBar().value() == value
    assert tl.jump.text() == "3 new ↓"
    tl.follow_live(True)
    settle(qtbot)
    assert newest_in_view(tl)


def test_f_in_the_window_timeline_resumes_it_and_the_window_shortcut_still_toggles(
    qtbot: QtBot, window: Any
) -> None:
    tl: TimelineView = window.timeline
    fill(tl, 60)
    settle(qtbot)
    click_row(qtbot, tl, tl.table.rowAt(10))
    assert not tl.is_following()
    fill(tl, 3, start=60)
    tl.table.setFocus()
    qtbot.keyClick(tl.table, Qt.Key.Key_F)
    settle(qtbot)
    assert tl.is_following()  # the window's "Follow live" shortcut did not take the key
    assert newest_in_view(tl)
    pointer_gone(qtbot, window)


# -- rows stay under the pointer -----------------------------------------------------------------


def test_nothing_moves_while_not_following(qtbot: QtBot, timeline: TimelineView) -> None:
    tl = timeline
    fill(tl, 40)
    settle(qtbot)
    # the operator scrolls up a page: following stops, and nothing moves any more
    tl.table.verticalScrollBar().triggerAction(QAbstractSlider.SliderAction.SliderPageStepSub)
    settle(qtbot)
    sb = tl.table.verticalScrollBar()
    value = sb.value()
    top = tl.table.rowAt(2)
    y = tl.table.rowViewportPosition(top)
    for i in range(40, 70):  # new rows, repeats, a second device (its column appears)
        tl.add(desc(f"objeto {i} delante", 2.0 * i, "glasses" if i % 3 else "phone"))
        tl.add(desc(f"objeto {i} delante", 2.0 * i + 1, "glasses" if i % 3 else "phone"))
        settle(qtbot)
        assert sb.value() == value
        assert tl.table.rowAt(2) == top
        assert tl.table.rowViewportPosition(top) == y
    assert not tl.is_following()
    assert tl.unseen == 30


def test_while_following_rows_wait_while_the_pointer_is_over_them(
    qtbot: QtBot, timeline: TimelineView
) -> None:
    tl = timeline
    fill(tl, 40)
    settle(qtbot)
    qtbot.mouseMove(tl.table.viewport(), row_center(tl, tl.table.rowAt(30)))
    sb = tl.table.verticalScrollBar()
    value = sb.value()
    fill(tl, 6, start=40)
    settle(qtbot)
    assert tl.is_following()  # still following: only held while the pointer is there
    assert sb.value() == value
    assert tl.jump.text() == "6 new ↓"
    pointer_away(qtbot, tl)  # the pointer leaves: the view catches up
    assert newest_in_view(tl)
    assert not tl.jump.isVisible()


def test_a_click_selects_the_row_that_was_under_the_pointer(
    qtbot: QtBot, timeline: TimelineView
) -> None:
    tl = timeline
    fill(tl, 40)  # following: the newest row is in view
    settle(qtbot)
    aimed = tl.table.rowAt(tl.table.viewport().height() // 2)
    pos = row_center(tl, aimed)
    qtbot.mouseMove(tl.table.viewport(), pos)  # the operator points at a row …
    fill(tl, 5, start=40)  # … descriptions arrive …
    settle(qtbot)
    qtbot.mouseClick(tl.table.viewport(), Qt.MouseButton.LeftButton, pos=pos)  # … and clicks
    assert tl.current() is tl.model.items[aimed]
    assert "objeto 40" not in tl.detail.toPlainText()

    # a half-visible row at the bottom edge is selected where it is: no scroll under the click
    sb = tl.table.verticalScrollBar()
    sb.setValue(sb.maximum() // 2)
    settle(qtbot)
    vp_h = tl.table.viewport().height()
    edge = tl.table.rowAt(vp_h - 2)
    top = tl.table.rowViewportPosition(edge)
    if top + tl.table.rowHeight(edge) <= vp_h:  # fully visible: make it half visible
        tl.resize(tl.width(), tl.height() - tl.table.rowHeight(edge) // 2)
        settle(qtbot)
        vp_h = tl.table.viewport().height()
        edge = tl.table.rowAt(vp_h - 2)
    assert tl.table.rowViewportPosition(edge) + tl.table.rowHeight(edge) > vp_h
    value = sb.value()
    pos = QPoint(40, vp_h - 2)
    qtbot.mouseMove(tl.table.viewport(), pos)
    qtbot.mouseClick(tl.table.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert tl.current() is tl.model.items[edge]
    assert sb.value() == value


# -- repeats collapse --------------------------------------------------------------------------


def test_identical_descriptions_collapse_per_device_until_a_different_text(
    qtbot: QtBot, timeline: TimelineView
) -> None:
    tl = timeline
    model = tl.model
    resets: list[int] = []
    inserted: list[tuple[int, int]] = []
    changed: list[int] = []
    model.modelAboutToBeReset.connect(lambda: resets.append(1))
    model.rowsInserted.connect(lambda _p, a, b: inserted.append((a, b)))
    model.dataChanged.connect(lambda a, _b, _r=(): changed.append(a.row()))

    sent = [desc("persona cerca", 2.0 * i) for i in range(5)]
    for d in sent:
        tl.add(d)
    assert model.rowCount() == 1
    assert model.run(0).count == 5
    assert model.data(model.index(0, COL_TEXT)) == "persona cerca"
    repeats = model.data(model.index(0, COL_TEXT), REPEATS_ROLE)
    assert repeats == f"×5, last {clock(T0 + 8000)}"
    assert f"Said 5 times, from {clock(T0)} to {clock(T0 + 8000)}." in model.data(
        model.index(0, COL_TEXT), Qt.ItemDataRole.ToolTipRole
    )
    assert inserted == [(0, 0)]
    assert changed == [0, 0, 0, 0]  # one dataChanged per repeat, for its row

    # another device says the same: its own row, and it does not break the first run
    tl.add(desc("persona cerca", 10.0, "phone"))
    tl.add(desc("persona cerca", 11.0, "glasses"))
    tl.add(desc("persona cerca", 12.0, "phone"))
    assert model.rowCount() == 2
    assert [model.run(r).count for r in range(2)] == [6, 2]
    assert [model.run(r).first.device_id for r in range(2)] == ["glasses", "phone"]

    # a different text breaks the run: the same phrase after it starts a new row
    tl.add(desc("coche izquierda", 14.0))
    tl.add(desc("persona cerca", 16.0))
    tl.add(desc("persona cerca", 18.0))
    assert [model.items[r].text for r in range(model.rowCount())] == [
        "persona cerca",
        "persona cerca",
        "coche izquierda",
        "persona cerca",
    ]
    assert [model.run(r).count for r in range(4)] == [6, 2, 1, 2]
    assert model.data(model.index(2, COL_TEXT), REPEATS_ROLE) is None
    assert model.total == 11
    assert sum(1 for _ in model.descriptions()) == 11  # every one is still there
    assert sent[4] in model.run(0).occurrences
    assert resets == []
    assert len(inserted) == 4


def test_the_detail_of_a_collapsed_row_lists_every_occurrence(
    qtbot: QtBot, timeline: TimelineView
) -> None:
    tl = timeline
    for i in range(5):
        tl.add(desc("persona cerca", 2.0 * i))
    tl.select_row(0)
    text = tl.detail.toPlainText()
    assert "«persona cerca»" in text
    assert f"Said 5 times, from {clock(T0)} to {clock(T0 + 8000)}:" in text
    for i in range(5):
        assert f"{clock(T0 + 2000 * i)} · rules · 0.4 ms" in text
    tl.add(desc("persona cerca", 30.0))  # a repeat of the selected row shows up there
    text = tl.detail.toPlainText()
    assert "Said 6 times" in text
    assert f"{clock(T0 + 30000)} · rules · 0.4 ms" in text
    assert tl.current() is tl.model.items[0]
