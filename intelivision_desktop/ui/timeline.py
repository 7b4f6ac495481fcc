"""The description timeline: a table of descriptions and a detail pane for the selected one.

Rows are in arrival order, the newest at the bottom, and the view is anchored at the top: a
row that arrives is appended below and never moves the rows on screen. While the timeline
*follows live* it keeps the newest row in view, except while the pointer is over the rows
(a row must not slide away under a click): arrivals then wait, counted, until the pointer
leaves. Selecting a row or scrolling up stops following without moving anything; a small
"N new ↓" button at the bottom counts the rows that arrived since, and it, F or End (with the
focus in the timeline), or scrolling back to the bottom jumps to the newest row and follows
again. :meth:`TimelineView.follow_live`, :meth:`TimelineView.is_following` and
:attr:`TimelineView.following_changed` keep the main window's "Follow live" in step.

Consecutive descriptions of one device with the same text (the backend's rules repeat a
phrase every window while only a distance changes) share one row with a count ("×5") and the
time of the first and last; the detail pane lists every occurrence. Collapsing happens here
only: the wire, the recording and the session's descriptions keep every one.

Once a second device appears, a device column and a device filter ("All devices" or one
device) show; the filter hides the other devices' rows in this view only (the model, the
recording and the session keep every row).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterator
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QFont, QKeyEvent, QMouseEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from intelivision_desktop.core.codec import encode_summary
from intelivision_desktop.core.model import Description
from intelivision_desktop.ui.l10n import dec, translate
from intelivision_desktop.ui.table_model import Index, ListTableModel

COL_TIME, COL_TEXT, COL_SOURCE, COL_LATENCY, COL_DEVICE = range(5)
REPEATS_ROLE = Qt.ItemDataRole.UserRole + 1
"""Data role of the Description column: "×5, last 14:13:56" for a collapsed row, else None."""
REPEATS_SHORT_ROLE = Qt.ItemDataRole.UserRole + 2
"""The same, short ("×5"), for a narrow column."""
_BADGE_MARGIN = 8


def clock(t_ms: float) -> str:
    return dt.datetime.fromtimestamp(t_ms / 1000.0).strftime("%H:%M:%S")


def source_label(d: Description) -> str:
    """Who described, in the window's language ("rules" → "reglas"), ⚠ after a failover."""
    names = {
        "rules": translate("Timeline", "rules"),
        "rules (failover)": translate("Timeline", "rules (failover)"),
    }
    name = names.get(d.source, d.source)
    return f"{name} ⚠" if d.fallback else name


def latency_text(latency_ms: float | None) -> str:
    return "" if latency_ms is None else translate("Timeline", "{ms} ms").format(ms=dec(latency_ms))


@dataclasses.dataclass(eq=False, slots=True)
class Run:
    """One row: consecutive descriptions of one device with the same text."""

    occurrences: list[Description]
    """Every description of the run, in arrival order (at least one)."""

    @property
    def first(self) -> Description:
        return self.occurrences[0]

    @property
    def last(self) -> Description:
        return self.occurrences[-1]

    @property
    def count(self) -> int:
        return len(self.occurrences)


class DescriptionModel(ListTableModel[Run]):
    """Descriptions in arrival order, consecutive repeats of one device in one row.

    :meth:`add` is O(1): a new row is one ``beginInsertRows``; a repeat is one
    ``dataChanged`` of the row it joins. The model is never reset per description.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = (
            self.tr("Time"),
            self.tr("Description"),
            self.tr("Source"),
            self.tr("Latency"),
            self.tr("Device"),
        )
        self.collapse = True
        self.names: Callable[[str], str] = str
        """The name shown for a device id in the Device column (the id is in its tooltip)."""
        """Join a description to its device's newest row when the text is the same."""
        self.total = 0
        """Descriptions added (repeats included)."""
        self._firsts: list[Description] = []
        self._newest_row: dict[str, int] = {}
        """Device → its newest row, the one a repeat joins."""

    @property
    def items(self) -> list[Description]:
        """One description per row (the first of its run): ``items[r]`` is row ``r``'s."""
        return self._firsts

    def run(self, row: int) -> Run:
        return self.rows[row]

    def descriptions(self) -> Iterator[Description]:
        """Every description shown, repeats included (row by row)."""
        for run in self.rows:
            yield from run.occurrences

    def add(self, d: Description) -> tuple[int, bool]:
        """Show ``d``: (its row, True) for a new row, (the row it joined, False) for a repeat."""
        self.total += 1
        i = self._newest_row.get(d.device_id)
        if self.collapse and i is not None and self.rows[i].last.text == d.text:
            self.rows[i].occurrences.append(d)
            self.row_changed(i)
            return i, False
        row = len(self.rows)
        self._firsts.append(d)
        self._newest_row[d.device_id] = row
        self.append(Run([d]))
        return row, True

    def replace_all(self, rows: list[Run]) -> None:
        self._firsts = [r.first for r in rows]
        self._newest_row = {r.first.device_id: i for i, r in enumerate(rows)}
        self.total = sum(r.count for r in rows)
        super().replace_all(rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        run = self.rows[index.row()]
        d, last = run.first, run.last
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_TIME:
                return clock(d.t_ms)
            if col == COL_TEXT:
                return d.text
            if col == COL_SOURCE:
                return source_label(last)
            if col == COL_LATENCY:
                return latency_text(last.latency_ms)
            if col == COL_DEVICE:
                return self.names(d.device_id) or d.device_id
        if role == REPEATS_ROLE and col == COL_TEXT:
            if run.count == 1:
                return None
            return self.tr("×{count}, last {time}").format(count=run.count, time=clock(last.t_ms))
        if role == REPEATS_SHORT_ROLE and col == COL_TEXT:
            return None if run.count == 1 else self.tr("×{count}").format(count=run.count)
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_TEXT:
            tip = f"{d.text}\n{d.device_id} · {clock(d.t_ms)}"
            if run.count > 1:
                tip += "\n" + self.tr("Said {count} times, from {first} to {last}.").format(
                    count=run.count, first=clock(d.t_ms), last=clock(last.t_ms)
                )
            return tip
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_SOURCE and last.fallback:
            return QColor("#ef6c00")
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_SOURCE and last.fallback:
            return self.tr("The AI could not answer; the offline rules described this window.")
        if role == Qt.ItemDataRole.TextAlignmentRole and col == COL_LATENCY:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def summary_text(d: Description) -> str:
    who = translate("Timeline", "device {device} · source {source}").format(
        device=d.device_id, source=source_label(d).removesuffix(" ⚠")
    )
    if d.fallback:
        who = translate("Timeline", "{text} · FALLBACK").format(text=who)
    when = translate("Timeline", "at {time}").format(time=clock(d.t_ms))
    if d.latency_ms is not None:
        when = translate("Timeline", "{text} · latency {latency}").format(
            text=when, latency=latency_text(d.latency_ms)
        )
    lines = [f"«{d.text}»", who, when]
    if d.window_start_ms is not None and d.window_end_ms is not None:
        lines.append(
            translate("Timeline", "window {start}–{end} ({seconds} s)").format(
                start=clock(d.window_start_ms),
                end=clock(d.window_end_ms),
                seconds=dec((d.window_end_ms - d.window_start_ms) / 1000),
            )
        )
    if d.detail:  # trace, usage, errors: what the operator looks for first
        lines.append("")
        lines.append(json.dumps(dict(d.detail), ensure_ascii=False, indent=2, default=str))
    if d.summary is not None:
        lines.append("")
        lines.append("dataUsed:")
        lines.append(json.dumps(encode_summary(d.summary), ensure_ascii=False, indent=2))
    return "\n".join(lines)


def occurrence_line(d: Description) -> str:
    latency = "" if d.latency_ms is None else f" · {latency_text(d.latency_ms)}"
    return f"  {clock(d.t_ms)} · {source_label(d)}{latency}"


class RepeatsDelegate(QStyledItemDelegate):
    """The Description cell, with a collapsed row's "×5, last 14:13:56" at its right end
    (only those rows give up width for it). The description comes first: when both do not
    fit, the pill says only "×5" (the last time is in the tooltip and the detail)."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        badge = index.data(REPEATS_ROLE)
        if not badge:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        fm = opt.fontMetrics
        pad = max(4, fm.height() // 4)
        width = fm.horizontalAdvance(badge) + 2 * pad
        text_needs = fm.horizontalAdvance(opt.text) + 3 * pad
        if text_needs + width > opt.rect.width():  # the description first: the count alone
            badge = index.data(REPEATS_SHORT_ROLE) or badge
            width = fm.horizontalAdvance(badge) + 2 * pad
        width += fm.horizontalAdvance(" ")  # rounding: "×15" must never elide to "×…"
        width = min(width, max(0, opt.rect.width() - 2 * pad))
        text_rect = opt.rect.adjusted(0, 0, -(width + pad), 0)
        opt.text = fm.elidedText(opt.text, Qt.TextElideMode.ElideRight, text_rect.width() - pad)
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        pill = QRect(opt.rect.right() - width - 2, opt.rect.top() + 3, width, opt.rect.height() - 6)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        pal = opt.palette
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fill = QColor(pal.highlightedText().color() if selected else pal.highlight().color())
        fill.setAlpha(60 if selected else 40)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2)
        painter.setPen(pal.highlightedText().color() if selected else pal.text().color())
        shown = fm.elidedText(badge, Qt.TextElideMode.ElideRight, pill.width() - 2 * pad)
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, shown)
        painter.restore()


class _Table(QTableView):
    """The rows: a click never scrolls them, F and End ask to go live."""

    live_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.following = True
        self._pressing = False

    def mousePressEvent(self, e: QMouseEvent) -> None:
        self._pressing = True
        try:
            super().mousePressEvent(e)
        finally:
            self._pressing = False

    def scrollTo(
        self,
        index: QModelIndex | QPersistentModelIndex,
        hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible,
    ) -> None:
        if self._pressing:
            return  # a half-visible row that was clicked stays where it is, under the pointer
        super().scrollTo(index, hint)

    def is_live_key(self, e: QKeyEvent, *, overriding: bool) -> bool:
        mods = e.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods != Qt.KeyboardModifier.NoModifier:
            return False
        if e.key() == Qt.Key.Key_End:
            return True
        # F: the window's "Follow live" shortcut keeps it while following (it turns that off)
        return e.key() == Qt.Key.Key_F and not (overriding and self.following)

    def event(self, e: QEvent) -> bool:
        if (
            e.type() == QEvent.Type.ShortcutOverride
            and isinstance(e, QKeyEvent)
            and self.is_live_key(e, overriding=True)
        ):
            e.accept()
            return True
        return super().event(e)

    def keyPressEvent(self, e: QKeyEvent) -> None:
        if self.is_live_key(e, overriding=False):
            e.accept()
            self.live_requested.emit()
            return
        super().keyPressEvent(e)


class TimelineView(QWidget):
    """Table of descriptions (newest at the bottom) over a detail pane."""

    selected = Signal(object)
    """The selected :class:`Description` (the first of its row), or None."""
    following_changed = Signal(bool)
    """Following live started (True) or stopped (False)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = DescriptionModel(self)
        self.table = _Table(self)
        self.table.setObjectName("timelineTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        # by pixel: by item, the bottom row is kept flush while at the end, and the rows shift
        # by part of a row once more arrive below, even though the view does not follow
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        h = self.table.horizontalHeader()
        fm = self.table.fontMetrics()
        pad = 18
        for col, sample in (
            (COL_TIME, "00:00:00"),
            (COL_SOURCE, "bedrock-agent ⚠"),
            (COL_LATENCY, "000.0 ms"),
            (COL_DEVICE, "sio-000000"),
        ):
            h.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            h.resizeSection(col, fm.horizontalAdvance(sample) + pad)
        h.setSectionResizeMode(COL_TEXT, QHeaderView.ResizeMode.Stretch)
        self.table.setItemDelegateForColumn(COL_TEXT, RepeatsDelegate(self.table))
        self.table.hideColumn(COL_DEVICE)  # shown once a second device appears
        h.setMinimumSectionSize(fm.horizontalAdvance("0000") + pad)

        self.jump = QToolButton(self.table)
        self.jump.setObjectName("jumpToLive")
        self.jump.setCursor(Qt.CursorShape.PointingHandCursor)
        self.jump.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.jump.setAutoRaise(False)
        self.jump.setStyleSheet(
            "QToolButton#jumpToLive { background: palette(highlight);"
            " color: palette(highlighted-text); border: none; border-radius: 11px;"
            " padding: 3px 12px; font-weight: bold; }"
        )
        self.jump.clicked.connect(lambda: self.follow_live(True))
        self.jump.hide()

        self.detail = QPlainTextEdit(self)
        self.detail.setObjectName("timelineDetail")
        self.detail.setReadOnly(True)
        self.detail.setPlaceholderText(
            self.tr("Select a description to see the window it summarised.")
        )
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.detail.setFont(mono)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        self.device_filter = QComboBox(self)
        self.device_filter.setObjectName("timelineDeviceFilter")
        self.device_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.device_filter.setToolTip(self.tr("Show the descriptions of one device only"))
        self.device_filter.addItem(self.tr("All devices"), "")
        self.device_filter.currentIndexChanged.connect(self._on_filter_chosen)
        filter_label = QLabel(self.tr("Device:"), self)
        filter_label.setBuddy(self.device_filter)
        self.filter_bar = QWidget(self)
        self.filter_bar.setObjectName("timelineFilterBar")
        bar = QHBoxLayout(self.filter_bar)
        bar.setContentsMargins(4, 2, 4, 2)
        bar.addWidget(filter_label)
        bar.addWidget(self.device_filter)
        bar.addStretch(1)
        self.filter_bar.hide()  # shown with the device column
        self.device_only: str | None = None
        """The device whose rows are shown (None: every device)."""
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.filter_bar)
        lay.addWidget(split)

        self._following = True
        self._hover = False
        """The pointer is over the rows: while following, arrivals wait (nothing moves)."""
        self._unseen = 0
        """New rows that arrived out of view (since following stopped, or while held)."""
        self._unseen_repeats = 0
        """Repeats that joined a row meanwhile (they add no row)."""
        self._selected_row: int | None = None
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.table.verticalScrollBar().actionTriggered.connect(self._on_scroll_action)
        self.table.live_requested.connect(lambda: self.follow_live(True))
        self._viewport = self.table.viewport()
        self._viewport.installEventFilter(self)
        self.detail.installEventFilter(self)

    # -- following ---------------------------------------------------------------------------

    def is_following(self) -> bool:
        """Whether the newest row is kept in view as descriptions arrive."""
        return self._following

    @Slot(bool)
    def follow_live(self, on: bool = True) -> None:
        """Follow live (jump to the newest row, clear the selection) or stop where the view is."""
        if on:
            if self.table.selectionModel().hasSelection():
                self.table.selectionModel().clear()  # back to live: nothing picked
            self._unseen = self._unseen_repeats = 0
            self._set_following(True)
            self.table.scrollToBottom()
        else:
            self._set_following(False)
        self._update_jump()

    @property
    def unseen(self) -> int:
        """Rows that arrived out of view; what the "N new ↓" button shows."""
        return self._unseen

    def _set_following(self, on: bool) -> None:
        if on == self._following:
            return
        self._following = on
        self.table.following = on
        self.following_changed.emit(on)

    def _on_scroll_action(self, _action: int) -> None:
        """The operator moved the scroll bar (drag, wheel, click): up stops following; down to
        the very bottom, with no row selected, follows again."""
        sb = self.table.verticalScrollBar()
        if sb.sliderPosition() < sb.maximum():
            if self._following:
                self._set_following(False)
                self._update_jump()
        elif not self._following and not self.table.selectionModel().hasSelection():
            self.follow_live(True)

    def _catch_up(self) -> None:
        """The pointer left the rows: show what waited while it was there."""
        if self._following and self._unseen:
            self.follow_live(True)

    def _update_jump(self) -> None:
        b = self.jump
        if self._following and not self._unseen:
            b.hide()
            return
        if self._unseen:
            b.setText(self.tr("%n new ↓", "", self._unseen))
        else:
            b.setText(self.tr("Live ↓"))
        b.setToolTip(
            self.tr(
                "New rows since the view last showed the newest: {rows}. Repeats added to "
                "earlier rows: {repeats}. Click, or press F or End, to go to the newest "
                "description and follow live."
            ).format(rows=self._unseen, repeats=self._unseen_repeats)
        )
        self._place_jump()
        b.show()
        b.raise_()

    def _place_jump(self) -> None:
        b = self.jump
        b.adjustSize()
        vp = self._viewport.geometry()
        b.move(
            vp.x() + max(0, (vp.width() - b.width()) // 2),
            vp.y() + max(0, vp.height() - b.height() - _BADGE_MARGIN),
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self._viewport:
            if kind in (QEvent.Type.Enter, QEvent.Type.MouseMove, QEvent.Type.HoverMove):
                self._hover = True
            elif kind in (QEvent.Type.Leave, QEvent.Type.Hide):
                self._hover = False
                self._catch_up()
            elif kind == QEvent.Type.Resize and self.jump.isVisible():
                self._place_jump()
        elif (
            watched is self.detail
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_F
            and self.table.is_live_key(event, overriding=kind == QEvent.Type.ShortcutOverride)
        ):
            # F in the detail pane: go live, as in the rows (End stays the text's own key)
            if kind == QEvent.Type.ShortcutOverride:
                event.accept()
                return True
            if kind == QEvent.Type.KeyPress:
                self.follow_live(True)
                return True
        return super().eventFilter(watched, event)

    # -- rows --------------------------------------------------------------------------------

    def add(self, d: Description) -> None:
        row, new = self.model.add(d)
        if not new:
            if not self._following or self._hover:
                self._unseen_repeats += 1
                if self.jump.isVisible():
                    self._update_jump()
            if row == self._selected_row:
                self._show_detail(keep_scroll=True)
            return
        items = self.model.items
        if self.table.isColumnHidden(COL_DEVICE) and d.device_id != items[0].device_id:
            self.table.showColumn(COL_DEVICE)  # several devices: say which one each line is about
            self.filter_bar.show()
            self._offer_device(items[0].device_id)
        if not self.filter_bar.isHidden():
            self._offer_device(d.device_id)
        if self.device_only is not None and d.device_id != self.device_only:
            self.table.setRowHidden(row, True)
            return  # not shown: nothing to follow or count
        if self._following and not self._hover:
            self.table.scrollToBottom()
        else:
            self._unseen += 1  # the view stays exactly where it is
            self._update_jump()

    def clear(self) -> None:
        self.model.clear()
        self.detail.clear()
        self._selected_row = None
        self.table.hideColumn(COL_DEVICE)
        self.filter_bar.hide()
        chosen = self.device_only
        self.device_filter.blockSignals(True)
        while self.device_filter.count() > 1:
            self.device_filter.removeItem(1)
        self.device_filter.setCurrentIndex(0)
        self.device_filter.blockSignals(False)
        if chosen is not None:  # kept across a seek or a new session: offered again on arrival
            self._offer_device(chosen)
            self.device_filter.setCurrentIndex(self.device_filter.findData(chosen))
        self.follow_live(True)  # a new session or a seek: nothing older to look at

    # -- device filter -----------------------------------------------------------------------

    def _offer_device(self, device_id: str) -> None:
        if self.device_filter.findData(device_id) < 0:
            self.device_filter.addItem(self.names(device_id), device_id)

    @property
    def names(self) -> Callable[[str], str]:
        """The name shown for a device id (the window's device names), in the Device column
        and the filter."""
        return self.model.names

    @names.setter
    def names(self, fn: Callable[[str], str]) -> None:
        self.model.names = fn

    def rename_devices(self) -> None:
        """The device names changed: the filter's entries say them again."""
        for i in range(1, self.device_filter.count()):
            self.device_filter.setItemText(i, self.names(self.device_filter.itemData(i)))

    def show_device(self, device_id: str | None) -> None:
        """Show only ``device_id``'s rows (None: every device's)."""
        if device_id is not None:
            self._offer_device(device_id)
        i = 0 if device_id is None else self.device_filter.findData(device_id)
        if self.device_filter.currentIndex() != i:
            self.device_filter.setCurrentIndex(i)  # → _on_filter_chosen
        else:
            self._apply_filter()

    def _on_filter_chosen(self, index: int) -> None:
        data = self.device_filter.itemData(index) if index >= 0 else ""
        self.device_only = data or None
        self._apply_filter()

    def _apply_filter(self) -> None:
        only = self.device_only
        table = self.table
        for row, run in enumerate(self.model.rows):
            table.setRowHidden(row, only is not None and run.first.device_id != only)
        if self._selected_row is not None and table.isRowHidden(self._selected_row):
            table.selectionModel().clear()
        if self._following:
            table.scrollToBottom()

    def visible_rows(self) -> list[int]:
        """Rows the filter shows."""
        return [r for r in range(self.model.rowCount()) if not self.table.isRowHidden(r)]

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)

    def current(self) -> Description | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.items[rows[0].row()] if rows else None

    def current_run(self) -> Run | None:
        return None if self._selected_row is None else self.model.run(self._selected_row)

    def _run_text(self, run: Run) -> str:
        text = summary_text(run.first)
        if run.count == 1:
            return text
        head = self.tr("Said {count} times, from {first} to {last}:").format(
            count=run.count, first=clock(run.first.t_ms), last=clock(run.last.t_ms)
        )
        return "\n".join([text, "", head, *(occurrence_line(d) for d in run.occurrences)])

    def _show_detail(self, keep_scroll: bool = False) -> None:
        run = self.current_run()
        sb = self.detail.verticalScrollBar()
        at = sb.value()
        self.detail.setPlainText(self._run_text(run) if run is not None else "")
        if keep_scroll:
            sb.setValue(at)

    def _on_selection(self, _sel: QItemSelection, _desel: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        self._selected_row = rows[0].row() if rows else None
        d = self.current()
        if d is not None:
            self._set_following(False)  # the operator looks at a row: it stays put
            self._update_jump()
        self._show_detail()
        self.selected.emit(d)
