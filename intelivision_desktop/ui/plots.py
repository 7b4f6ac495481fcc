"""Stacked live plots sharing one time axis, redrawn from the channel store on one timer."""

from __future__ import annotations

import time
from collections import deque

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QVBoxLayout, QWidget

from intelivision_desktop.core.channels import CAMERA_CHANNELS, CHANNEL_GROUPS, ChannelStore
from intelivision_desktop.core.model import Description

REDRAW_HZ = 30
MAX_MARKERS = 300
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf")


class PlotPanel(QWidget):
    """One plot per channel group, x linked, a DateAxis at the bottom.

    Ingest is decoupled from drawing: :meth:`redraw` runs at ≤ 30 Hz and does nothing unless
    the store changed (or the view did) and the widget is visible.
    """

    follow_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store: ChannelStore | None = None
        self.history_s = 120.0
        self.follow = True
        self._drawn_version = -1
        self._view_dirty = True
        self._programmatic = False
        self.frame_times: deque[float] = deque(maxlen=300)
        """Wall seconds spent in each redraw (for the frame-time benchmark)."""
        self.glw = pg.GraphicsLayoutWidget(self)
        self.glw.setObjectName("plots")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.glw)
        self.plots: dict[str, pg.PlotItem] = {}
        self.curves: dict[str, pg.PlotDataItem] = {}
        self._markers: deque[tuple[float, list[pg.InfiniteLine]]] = deque()
        self._selected: list[pg.InfiniteLine] = []
        groups = list(CHANNEL_GROUPS)
        first: pg.PlotItem | None = None
        for i, group in enumerate(groups):
            axis = pg.DateAxisItem(orientation="bottom")
            plot = self.glw.addPlot(row=i, col=0, axisItems={"bottom": axis})
            plot.setTitle(CHANNEL_GROUPS[group], size="9pt")
            plot.showGrid(x=True, y=True, alpha=0.25)
            for name in ("left", "bottom"):  # major and first minor ticks only: cheaper grid
                plot.getAxis(name).setStyle(maxTickLevel=1)
            plot.setClipToView(True)
            plot.setDownsampling(auto=True, mode="peak")
            legend = plot.addLegend(
                offset=(-4, 4),
                labelTextSize="8pt",
                labelTextColor=QGuiApplication.palette().color(QPalette.ColorRole.Text),
            )
            legend.setBrush(pg.mkBrush(QColor(128, 128, 128, 40)))
            plot.getAxis("left").setWidth(44)
            plot.setMouseEnabled(x=True, y=False)
            plot.enableAutoRange(axis="y", enable=True)
            if i < len(groups) - 1:
                plot.getAxis("bottom").setStyle(showValues=False)
            if first is None:
                first = plot
            else:
                plot.setXLink(first)
            plot.sigXRangeChanged.connect(self._on_user_range)
            self.plots[group] = plot
        for color, spec in enumerate(CAMERA_CHANNELS):
            plot = self.plots[spec.group]
            curve = plot.plot(
                name=spec.label,
                pen=pg.mkPen(PALETTE[color % len(PALETTE)], width=1),
                connect="finite",
            )
            curve.setDownsampling(auto=True, method="peak")
            curve.setClipToView(True)
            self.curves[spec.name] = curve
        # a minimum span keeps a flat series (all zeros) from filling the plot with noise
        for group, span in (
            ("counts", 3.0),
            ("motion", 2.0),
            ("expression", 1.0),
            ("distance", 2.0),
        ):
            self.plots[group].getViewBox().setLimits(minYRange=span)
        self.apply_palette()
        self._timer = QTimer(self)
        self._timer.setInterval(int(1000 / REDRAW_HZ))
        self._timer.timeout.connect(self.redraw)

    # --- wiring ----------------------------------------------------------------------------

    def attach(self, store: ChannelStore | None) -> None:
        """Show another store (a new session or device)."""
        self.store = store
        self._drawn_version = -1
        self.clear_markers()
        for c in self.curves.values():
            c.setData([], [])

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def set_history(self, seconds: float) -> None:
        self.history_s = seconds
        self._view_dirty = True
        self.redraw()

    def set_follow(self, follow: bool) -> None:
        if follow != self.follow:
            self.follow = follow
            self._view_dirty = True
            self.follow_changed.emit(follow)

    def apply_palette(self) -> None:
        pal = QGuiApplication.palette()
        bg = pal.color(QPalette.ColorRole.Base)
        fg = pal.color(QPalette.ColorRole.Text)
        self.glw.setBackground(bg)
        for plot in self.plots.values():
            for name in ("left", "bottom"):
                ax = plot.getAxis(name)
                ax.setPen(fg)
                ax.setTextPen(fg)
            plot.titleLabel.setText(plot.titleLabel.text, color=fg.name())
            if plot.legend is not None:
                plot.legend.setLabelTextColor(fg)

    # --- markers ---------------------------------------------------------------------------

    def add_marker(self, d: Description) -> None:
        t = d.t_ms / 1000.0
        pen = pg.mkPen(QColor(150, 150, 150, 140), width=1, style=pg.QtCore.Qt.PenStyle.DashLine)
        lines = []
        for plot in self.plots.values():
            line = pg.InfiniteLine(pos=t, angle=90, pen=pen, movable=False)
            plot.addItem(line, ignoreBounds=True)
            lines.append(line)
        self._markers.append((t, lines))
        while len(self._markers) > MAX_MARKERS:
            _, old = self._markers.popleft()
            for plot, line in zip(self.plots.values(), old, strict=True):
                plot.removeItem(line)

    def clear_markers(self) -> None:
        for _, lines in self._markers:
            for plot, line in zip(self.plots.values(), lines, strict=True):
                plot.removeItem(line)
        self._markers.clear()
        self.mark(None)

    @property
    def marker_count(self) -> int:
        return len(self._markers)

    def mark(self, d: Description | None) -> float | None:
        """Highlight a description's moment (and its window) on every plot; None clears."""
        for plot, line in zip(self.plots.values(), self._selected, strict=False):
            plot.removeItem(line)
        self._selected = []
        if d is None:
            return None
        t = d.t_ms / 1000.0
        pen = pg.mkPen(QColor(230, 90, 20), width=2.5)
        for plot in self.plots.values():
            line = pg.InfiniteLine(pos=t, angle=90, pen=pen, movable=False)
            line.setZValue(50)
            plot.addItem(line, ignoreBounds=True)
            self._selected.append(line)
        if not self._visible_range_contains(t):
            self.set_follow(False)
            half = self.history_s / 2
            self._set_x(t - half, t + half)
        return t

    @property
    def marked_at(self) -> float | None:
        return float(self._selected[0].value()) if self._selected else None

    # --- drawing ---------------------------------------------------------------------------

    def _visible_range_contains(self, t: float) -> bool:
        (x0, x1) = self.plots["counts"].viewRange()[0]
        return x0 <= t <= x1

    def _set_x(self, x0: float, x1: float) -> None:
        self._programmatic = True
        try:
            self.plots["counts"].setXRange(x0, x1, padding=0)
        finally:
            self._programmatic = False

    def _on_user_range(self, *_: object) -> None:
        # the operator panned or zoomed: stop following so the view stays put
        if not self._programmatic and self.follow and self.isVisible() and self._mouse_active():
            self.set_follow(False)

    def _mouse_active(self) -> bool:
        return bool(QGuiApplication.mouseButtons()) or self.glw.underMouse()

    def redraw(self) -> bool:
        """Redraw if something changed. Returns True when it drew."""
        store = self.store
        if store is None or not self.isVisible():
            return False
        if store.version == self._drawn_version and not self._view_dirty:
            return False
        t0 = time.perf_counter()
        n = len(store)
        if n:
            ts = store.times()
            latest = float(ts[-1])
            keep = store.since(latest - self.history_s * 1.05) if self.follow else n
            xs = ts[n - keep :]
            for name, curve in self.curves.items():
                ys = store.column(name)[n - keep :]
                curve.setData(xs, ys)
            if self.follow:
                self._set_x(latest - self.history_s, latest)
        self._drawn_version = store.version
        self._view_dirty = False
        self.frame_times.append(time.perf_counter() - t0)
        return True

    def points_drawn(self, channel: str) -> int:
        """Points given to a curve at the last redraw (for tests and the self-test)."""
        x, _ = self.curves[channel].getOriginalDataset()
        return 0 if x is None else int(np.size(x))
