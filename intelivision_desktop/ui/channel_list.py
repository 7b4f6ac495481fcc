"""The channel list beside the plots: show, hide and group channels; Y axis per plot.

A tree of plots (groups) and their channels, each with a check box. A channel moves to
another plot (or a new one) from its context menu or the "Move to" row; a plot's Y axis is
auto or fixed from the row under the tree. The footer shows channels, rows/s, how much
history is held and the memory it takes, and any limit that was hit (channel cap …).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from intelivision_desktop.ui.plots import PlotPanel

ROLE = Qt.ItemDataRole.UserRole
Row = tuple[str, str, tuple[tuple[str, bool], ...]]
"""A plot in the tree: group key, title, and its channels with their visibility."""
NEW_PLOT = "__new__"


def _swatch(color: str) -> QIcon:
    pix = QPixmap(10, 10)
    pix.fill(QColor(color))
    return QIcon(pix)


class ChannelList(QWidget):
    """Edits a :class:`PlotPanel`'s channel layout; refreshed when the layout changes."""

    def __init__(self, panel: PlotPanel) -> None:
        super().__init__(panel)
        self.setObjectName("channelList")
        self.panel = panel
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("channelTree")
        self.tree.setHeaderLabel(self.tr("Channels"))
        self.tree.setRootIsDecorated(True)
        self.tree.setSelectionMode(QTreeWidget.SelectionMode.ExtendedSelection)
        # too narrow a list keeps both ends of a name ("Neare…son (m)"), the unit included
        self.tree.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.itemChanged.connect(self._on_item_changed)
        self.tree.currentItemChanged.connect(lambda *_: self._show_y())

        self.move_combo = QComboBox(self)
        self.move_combo.setObjectName("moveCombo")
        self.move_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.move_combo.setMinimumContentsLength(6)
        self.move_combo.setToolTip(self.tr("Move the selected channels to this plot"))
        self.move_button = QPushButton(self.tr("Move"), self)
        self.move_button.clicked.connect(self._move_selected)
        move_row = QHBoxLayout()
        move_row.addWidget(QLabel(self.tr("To:"), self))
        move_row.addWidget(self.move_combo, 1)
        move_row.addWidget(self.move_button)

        self.y_mode = QComboBox(self)
        self.y_mode.setObjectName("yMode")
        self.y_mode.addItems([self.tr("Y axis: auto"), self.tr("Y axis: fixed")])
        self.y_min = QDoubleSpinBox(self)
        self.y_max = QDoubleSpinBox(self)
        for box in (self.y_min, self.y_max):
            box.setRange(-1e9, 1e9)
            box.setDecimals(3)
            box.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            box.setMinimumWidth(56)
            box.setKeyboardTracking(False)
            box.valueChanged.connect(lambda *_: self._apply_y())
        self.y_mode.currentIndexChanged.connect(lambda *_: self._apply_y())
        self.y_min.setToolTip(self.tr("Low end of the fixed Y axis"))
        self.y_max.setToolTip(self.tr("High end of the fixed Y axis"))
        self.y_mode.setToolTip(self.tr("Y axis of the selected plot: fit the data, or fixed"))
        y_row = QVBoxLayout()
        y_row.addWidget(self.y_mode)
        y_range = QHBoxLayout()
        y_range.addWidget(self.y_min, 1)
        y_range.addWidget(QLabel(self.tr("to"), self))
        y_range.addWidget(self.y_max, 1)
        y_row.addLayout(y_range)

        self.info = QLabel("", self)
        self.info.setObjectName("channelInfo")
        self.info.setWordWrap(True)
        self.notice = QLabel("", self)
        self.notice.setObjectName("channelNotice")
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("color:#c62828")
        self.notice.hide()

        self.setMinimumWidth(150)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addWidget(self.tree, 1)
        lay.addLayout(move_row)
        lay.addLayout(y_row)
        lay.addWidget(self.info)
        lay.addWidget(self.notice)

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self.refresh)
        self._updating = False
        self._shown: tuple[object, ...] = ()
        panel.layout_changed.connect(self._refresh_timer.start)

    def preferred_width(self) -> int:
        """Width that shows every channel's full name (the panel sizes the list with it)."""
        fm = self.tree.fontMetrics()
        p = self.panel
        texts = [p.channel_label(n) for g in p.groups() for n in p.channels_in(g)]
        titles = [p.group_title(g) for g in p.groups()]
        style = self.tree.style()
        check = style.pixelMetric(style.PixelMetric.PM_IndicatorWidth) + 6
        name_w = max((fm.horizontalAdvance(t) for t in texts), default=0)
        title_w = max((fm.horizontalAdvance(t) for t in titles), default=0)
        inner = max(
            2 * self.tree.indentation() + check + 10 + 6 + name_w,
            self.tree.indentation() + check + title_w,
        )
        scroll = style.pixelMetric(style.PixelMetric.PM_ScrollBarExtent)
        return int(inner + scroll + 2 * self.tree.frameWidth() + 16)

    # --- from the panel ---------------------------------------------------------------------

    def set_info(self, text: str) -> None:
        self.info.setText(text)

    def set_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def refresh(self) -> None:
        """Rebuild the tree from the panel (keeps the selection and the expanded plots)."""
        p = self.panel
        structure = tuple(
            (g, p.group_title(g), tuple((n, p.is_visible(n)) for n in p.channels_in(g)))
            for g in p.groups()
        )
        if structure != self._shown:
            self._shown = structure
            self._rebuild(structure)
        if self.tree.currentItem() is None and self.tree.topLevelItemCount():
            self.tree.blockSignals(True)
            self.tree.setCurrentItem(self.tree.topLevelItem(0))
            self.tree.blockSignals(False)
        self._show_y()

    def _rebuild(self, structure: tuple[Row, ...]) -> None:
        p = self.panel
        selected = {item.data(0, ROLE) for item in self.tree.selectedItems() if item.data(0, ROLE)}
        current = self.tree.currentItem()
        current_key = current.data(0, ROLE) if current is not None else None
        tops = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        collapsed = {t.data(0, ROLE) for t in tops if t is not None and not t.isExpanded()}
        self._updating = True
        self.tree.blockSignals(True)
        try:
            self.tree.clear()
            for group, title, channels in structure:
                top = QTreeWidgetItem(self.tree, [title])
                top.setData(0, ROLE, ("group", group))
                top.setFlags(
                    top.flags() | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsAutoTristate
                )
                top.setToolTip(0, title)
                for name, visible in channels:
                    # the short display name ("Nearest person (m)"); the full one, with the
                    # channel's key, in the tooltip when the list is too narrow for it
                    item = QTreeWidgetItem(top, [p.channel_label(name)])
                    item.setToolTip(0, p.channel_tooltip(name))
                    item.setData(0, ROLE, ("channel", name))
                    item.setIcon(0, _swatch(p.channel_color(name)))
                    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    item.setCheckState(
                        0, Qt.CheckState.Checked if visible else Qt.CheckState.Unchecked
                    )
                    item.setSelected(("channel", name) in selected)
                    if current_key == ("channel", name):
                        self.tree.setCurrentItem(item)
                top.setExpanded(("group", group) not in collapsed)
                if current_key == ("group", group):
                    self.tree.setCurrentItem(top)
            self.move_combo.clear()
            for group, title, _ in structure:
                self.move_combo.addItem(title, group)
            for group in p.user_groups_empty():
                self.move_combo.addItem(p.group_title(group), group)
            self.move_combo.addItem(self.tr("New plot"), NEW_PLOT)
        finally:
            self.tree.blockSignals(False)
            self._updating = False

    # --- to the panel -----------------------------------------------------------------------

    def _on_item_changed(self, item: QTreeWidgetItem, _column: int) -> None:
        if self._updating:
            return
        kind, key = item.data(0, ROLE)
        if kind == "channel":
            self.panel.set_channel_visible(key, item.checkState(0) == Qt.CheckState.Checked)
        elif item.checkState(0) != Qt.CheckState.PartiallyChecked:
            self.panel.set_group_visible(key, item.checkState(0) == Qt.CheckState.Checked)

    def selected_channels(self) -> list[str]:
        out = []
        for item in self.tree.selectedItems():
            kind, key = item.data(0, ROLE)
            if kind == "channel":
                out.append(key)
        return out

    def move_channels(self, names: list[str], group: str) -> str:
        """Move channels to a plot (``NEW_PLOT`` makes one); returns the plot's group key."""
        if group == NEW_PLOT:
            group = self.panel.new_group()
        for name in names:
            self.panel.move_channel(name, group)
        return group

    def _move_selected(self) -> None:
        names = self.selected_channels()
        if names:
            self.move_channels(names, str(self.move_combo.currentData()))

    def _context_menu(self, pos: QPoint) -> None:
        item = self.tree.itemAt(pos)
        if item is None:
            return
        kind, key = item.data(0, ROLE)
        names = self.selected_channels() or ([key] if kind == "channel" else [])
        menu = QMenu(self)
        if names:
            sub = menu.addMenu(self.tr("Move to plot"))
            for i in range(self.move_combo.count()):
                group = str(self.move_combo.itemData(i))
                act = sub.addAction(self.move_combo.itemText(i))
                act.triggered.connect(
                    lambda _=False, g=group, ns=tuple(names): self.move_channels(list(ns), g)
                )
        group = key if kind == "group" else self.panel.group_of(key)
        auto = menu.addAction(self.tr("Y axis auto"))
        auto.triggered.connect(lambda: self.panel.set_y_range(group, None))
        menu.popup(self.tree.viewport().mapToGlobal(pos))

    def current_group(self) -> str | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        kind, key = item.data(0, ROLE)
        return str(key) if kind == "group" else self.panel.group_of(key)

    def _show_y(self) -> None:
        group = self.current_group()
        fixed = self.panel.y_range(group) if group is not None else None
        self._updating = True
        try:
            for w in (self.y_mode, self.y_min, self.y_max):
                w.blockSignals(True)
            self.y_mode.setEnabled(group is not None)
            self.y_mode.setCurrentIndex(0 if fixed is None else 1)
            if fixed is not None:
                self.y_min.setValue(fixed[0])
                self.y_max.setValue(fixed[1])
            elif group is not None and group in self.panel.plots:
                (lo, hi) = self.panel.plots[group].viewRange()[1]
                self.y_min.setValue(lo)
                self.y_max.setValue(hi)
            self.y_min.setEnabled(fixed is not None)
            self.y_max.setEnabled(fixed is not None)
        finally:
            for w in (self.y_mode, self.y_min, self.y_max):
                w.blockSignals(False)
            self._updating = False

    def _apply_y(self) -> None:
        if self._updating:
            return
        group = self.current_group()
        if group is None:
            return
        if self.y_mode.currentIndex() == 0:
            self.panel.set_y_range(group, None)
        elif self.y_max.value() > self.y_min.value():
            self.panel.set_y_range(group, (self.y_min.value(), self.y_max.value()))
