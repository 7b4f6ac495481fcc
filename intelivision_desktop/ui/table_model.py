"""A read-only table model over a Python list with fixed column titles, and the set-up of the
devices tables."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QWidget

Index = QModelIndex | QPersistentModelIndex


class ListTableModel[T](QAbstractTableModel):
    """Rows are ``self.rows``; subclasses implement ``data``.

    Growing is O(1) per row: :meth:`append` inserts one row, :meth:`row_changed` repaints one
    row in place; only :meth:`replace_all` and :meth:`clear` reset the model.
    """

    columns: tuple[str, ...] = ()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[T] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section]
        return None

    def append(self, row: T) -> None:
        n = len(self.rows)
        self.beginInsertRows(QModelIndex(), n, n)
        self.rows.append(row)
        self.endInsertRows()

    def row_changed(self, row: int) -> None:
        """Row ``row`` changed in place (its cells are drawn again; nothing moves)."""
        last = len(self.columns) - 1
        self.dataChanged.emit(self.index(row, 0), self.index(row, last))

    def replace_all(self, rows: list[T]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def clear(self) -> None:
        self.replace_all([])


def device_table(parent: QWidget, name: str, titles: list[str], stretch: int) -> QTableWidget:
    """A read-only table of devices, one row each (the Devices and Fleet docks): whole rows
    selected one at a time, columns sized to their contents but ``stretch``, which takes the
    room left."""
    table = QTableWidget(0, len(titles), parent)
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(titles)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table
