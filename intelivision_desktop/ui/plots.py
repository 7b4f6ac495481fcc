"""Stacked live plots sharing one time axis, redrawn from a channel store on one timer.

Generic over channels: a curve is made for every channel that appears in the attached
:class:`ChannelStore`. Camera channels keep their specs and groups (``CAMERA_CHANNELS``),
``latency_ms`` goes to a "Latency (ms)" plot, any other channel (a serial board's) to a
"Device channels" plot. The channel list (:mod:`intelivision_desktop.ui.channel_list`) shows,
hides and regroups channels and sets each plot's Y axis (auto or fixed); it also shows the
memory the history takes and any limit that was hit.

Ingest fast, draw slow: :meth:`PlotPanel.redraw` runs at ≤ 30 Hz and does nothing unless the
store (or the view, or the layout) changed and the panel is visible.

Drawing at line rate: 16 channels × 10 minutes at 1 kHz is ~10 M samples, too many to
reduce on every frame. When a view holds more than a few samples per pixel, each curve is
drawn from a :class:`PeakCache`: the min and max of every block of ``2^k`` samples (``2^k``
≈ samples per pixel), aligned to the store's absolute sample index and kept incrementally,
so a redraw reduces only the samples that arrived since the last one. Curves still get
pyqtgraph's clip-to-view and peak downsampling (which then has little left to do); zoomed in
to fewer samples than that, curves are drawn from the raw samples.

Honest plots (issue 12):

- A gap in the data (a board unplugged, a device that stopped sending) is drawn as a gap: where
  consecutive drawn points are further apart than max(1 s, 5 × the store's typical interval)
  a NaN point is inserted and the curves (``connect="finite"``) stop there. Only the drawn
  arrays (≤ a few points per pixel) are touched; the ring buffers stay as they are.
- A device silent for max(3 s, 3 × its interval) is stale: a "No data since HH:MM:SS" label
  shows over the plots and the curves are dimmed, until data returns. A paused replay is not
  stale (:meth:`PlotPanel.set_paused`).
- Hovering shows a vertical line across every plot and each channel's value at that time
  (the nearest sample), throttled to 30 Hz.
- Each plot has a legend column at its right, outside the data area, with every channel's
  current value and unit, refreshed once a second.
- Counts, distances and durations never get a negative Y range; scores stay within 0–1.
- The device is named above the plots (:meth:`PlotPanel.set_device_label`).
"""

from __future__ import annotations

import html
import math
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QEvent,
    QLocale,
    QObject,
    QPointF,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QPainter,
    QPalette,
    QShowEvent,
)
from PySide6.QtWidgets import QLabel, QSplitter, QToolButton, QVBoxLayout, QWidget

from intelivision_desktop.core.channels import (
    CAMERA_CHANNELS,
    CHANNEL_GROUPS,
    ChannelSpec,
    ChannelStore,
    FloatArray,
    break_at,
    gap_starts,
    gap_threshold,
    nearest_row,
    stale_after,
    typical_interval,
)
from intelivision_desktop.core.decimate import PeakCache, choose_block, peak_gaps
from intelivision_desktop.core.model import Description, Problem

if TYPE_CHECKING:
    from intelivision_desktop.ui.channel_list import ChannelList

REDRAW_HZ = 30
MAX_MARKERS = 300
PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf",
    "#bcbd22", "#7f7f7f", "#393b79", "#ad494a", "#637939", "#8c6d31", "#843c39", "#7b4173",
)  # fmt: skip
LATENCY_GROUP = "latency"
DEVICE_GROUP = "device"
EXTRA_SPECS: dict[str, ChannelSpec] = {
    "latency_ms": ChannelSpec("latency_ms", "Latency", "ms", LATENCY_GROUP, "duration"),
}
GROUP_TITLES: dict[str, str] = {
    **CHANNEL_GROUPS,
    LATENCY_GROUP: "Latency (ms)",
    DEVICE_GROUP: "Device channels",
}
GRID_SHADE = 0.18
"""Grid line colour: this much of the text colour over the background."""
MIN_Y_SPAN = {"counts": 3.0, "motion": 2.0, "expression": 1.0, "distance": 2.0}
"""A minimum span keeps a flat series (all zeros) from filling the plot with noise."""
FOLLOW_MARGIN = 0.005
"""Following live, the view ends this fraction of its span after the newest sample."""
NOTICE_KINDS = ("channel_cap", "history", "overrun")
"""Problems about limits that the channel list keeps on show (no limit is silent)."""
_SPECS = EXTRA_SPECS | {s.name: s for s in CAMERA_CHANNELS}
HISTORY_CHOICES: tuple[tuple[str, float | None], ...] = (
    (str(QT_TRANSLATE_NOOP("PlotPanel", "10 s")), 10.0),
    (str(QT_TRANSLATE_NOOP("PlotPanel", "30 s")), 30.0),
    (str(QT_TRANSLATE_NOOP("PlotPanel", "2 min")), 120.0),
    (str(QT_TRANSLATE_NOOP("PlotPanel", "10 min")), 600.0),
    (str(QT_TRANSLATE_NOOP("PlotPanel", "All history")), None),
)
"""The History choices: (label, seconds on screen); None shows everything the device's ring
buffer holds (``--history``, 600 s by default). Labels are untranslated source text: show them
through :func:`history_choices`."""
TEXT_INTERVAL_S = 1.0
"""Text (legend values, the stale label) is refreshed this often, not on every frame."""
HOVER_RATE_HZ = 30
"""Mouse moves handled per second for the crosshair (a SignalProxy drops the rest)."""
STALE_OPACITY = 0.3
"""Opacity of the curves while the device's data is stale."""
LEGEND_PT = 8
LEGEND_MAX_W = 140
"""The legend column's widest (px): longer names are elided, with the full name in the
tooltip. Measured at the plots' minimum (480×400, five plots, no title rows): this column
leaves each data area 290×68 px; one legend row above each plot instead would leave about
430×52 px, and two rows (longer, translated names) about 430×39."""
LEGEND_MIN_W = 90
CHANNELS_ROOM_W = 700
"""The channel list starts shown only when the plots keep at least this width beside it."""
CHANNELS_KEY = "plots/channelList"
"""QSettings key: whether the operator last chose to show the channel list."""
_CHANNEL_TEXTS: tuple[object, ...] = (
    QT_TRANSLATE_NOOP("Channels", "People"),
    QT_TRANSLATE_NOOP("Channels", "Objects"),
    QT_TRANSLATE_NOOP("Channels", "Nearest person"),
    QT_TRANSLATE_NOOP("Channels", "Nearest person (m)"),
    QT_TRANSLATE_NOOP("Channels", "Nearest object"),
    QT_TRANSLATE_NOOP("Channels", "Nearest object (m)"),
    QT_TRANSLATE_NOOP("Channels", "Approaching objects"),
    QT_TRANSLATE_NOOP("Channels", "Moving objects"),
    QT_TRANSLATE_NOOP("Channels", "Smile score"),
    QT_TRANSLATE_NOOP("Channels", "Surprise score"),
    QT_TRANSLATE_NOOP("Channels", "Description latency"),
    QT_TRANSLATE_NOOP("Channels", "Description latency (ms)"),
    QT_TRANSLATE_NOOP("Channels", "Detections"),
    QT_TRANSLATE_NOOP("Channels", "Nearest distance (m)"),
    QT_TRANSLATE_NOOP("Channels", "Objects in motion"),
    QT_TRANSLATE_NOOP("Channels", "Expression scores"),
    QT_TRANSLATE_NOOP("Channels", "Latency (ms)"),
    QT_TRANSLATE_NOOP("Channels", "Device channels"),
)
"""Channel and plot names from core (Qt-free), listed here so lupdate extracts them; shown
through ``QCoreApplication.translate("Channels", …)``."""


def _tr_channel(text: str) -> str:
    return QCoreApplication.translate("Channels", text)


def history_choices() -> list[tuple[str, float | None]]:
    """:data:`HISTORY_CHOICES` with translated labels (for the History combo box)."""
    return [(QCoreApplication.translate("PlotPanel", label), s) for label, s in HISTORY_CHOICES]


def clock_text(t: float, tenths: bool = False) -> str:
    """Local wall time of epoch seconds ``t``: ``HH:MM:SS`` (``.s`` with ``tenths``)."""
    if not math.isfinite(t):
        return "--:--:--"
    text = time.strftime("%H:%M:%S", time.localtime(t))
    if tenths:
        text += f".{int((t % 1) * 10)}"
    return text


def format_value(value: float, spec: ChannelSpec | None) -> str:
    """A channel value for the legend and the readout, with its unit, in the user's locale."""
    if not math.isfinite(value):
        return "—"
    loc = QLocale()
    kind = spec.kind if spec is not None else "raw"
    unit = spec.unit if spec is not None else ""
    if kind == "count":
        text = loc.toString(round(value))
    elif kind in ("score", "distance"):
        text = loc.toString(value, "f", 2)
    elif kind == "duration":
        text = loc.toString(value, "f", 0)
    else:
        text = loc.toString(value, "g", 5)
    return f"{text} {unit}" if unit else text


# --- the legend column ----------------------------------------------------------------------


class CrosshairLine(pg.InfiniteLine):  # type: ignore[misc]
    """The hover line (a type of its own: not a description marker)."""


class ValueLegend(pg.GraphicsWidget):  # type: ignore[misc]
    """A plot's name and channels (colour, name, current value) in a narrow column beside it.

    It sits in its own layout column, right of the data area: it covers neither the newest
    data (right edge, where the eye is while following live) nor the oldest (left edge), and
    the values read next to the newest samples. The plot's name is its header line (no title
    row above the plot); names too long for the column are elided, values right-aligned, and
    the tooltip has every full name with its value. Rows the plot's height cannot hold are
    summed up in a last "+N more" row rather than squeezing the plot.
    """

    def __init__(self) -> None:
        super().__init__()
        self.setFlag(self.GraphicsItemFlag.ItemClipsToShape, True)
        self.rows: list[tuple[str, str, str]] = []
        """(colour, name, value text) per channel (names whole; painted elided)."""
        self.title = ""
        self.shown_names: list[str] = []
        """The names as painted (elided to the column)."""
        self.extra = ""
        """The "+N more" row, when the plot is too short for every channel."""
        self._font = QFont()
        self._fg = QColor(0, 0, 0)
        self._max_rows = 1
        self._more = "+{count} more"
        self._key: tuple[object, ...] = ()
        self.setMinimumSize(0, 0)

    def set_rows(
        self,
        title: str,
        rows: list[tuple[str, str, str]],
        fg: QColor,
        max_rows: int,
        font: QFont,
        tooltip: str = "",
        more: str = "+{count} more",
    ) -> None:
        """Show ``title`` (bold) over ``rows``; at most ``max_rows`` channel rows."""
        key = (title, tuple(rows), fg.name(), max_rows, font.toString(), tooltip, more)
        if key == self._key:
            return
        self._key = key
        self.rows, self.title, self._fg = rows, title, QColor(fg)
        self._max_rows, self._font, self._more = max_rows, QFont(font), more
        self.setToolTip(tooltip)
        self._layout_text()
        self.update()

    def resizeEvent(self, ev: object) -> None:
        super().resizeEvent(ev)
        self._layout_text()

    def _layout_text(self) -> None:
        fm = QFontMetrics(self._font)
        width = int(self.size().width())
        shown = self.rows
        self.extra = ""
        if len(shown) > self._max_rows:
            shown = shown[: max(0, self._max_rows - 1)]
            self.extra = self._more.format(count=len(self.rows) - len(shown))
        value_w = max((self._bold_fm().horizontalAdvance(v) for _, _, v in shown), default=0)
        name_w = max(8, width - self._swatch_w() - value_w - 6)
        self.shown_names = [
            fm.elidedText(n, Qt.TextElideMode.ElideRight, name_w) for _, n, _ in shown
        ]

    def _bold_fm(self) -> QFontMetrics:
        bold = QFont(self._font)
        bold.setBold(True)
        return QFontMetrics(bold)

    def _swatch_w(self) -> int:
        return QFontMetrics(self._font).horizontalAdvance("M") + 4

    def paint(self, p: QPainter, *_: object) -> None:
        fm = QFontMetrics(self._font)
        bold = QFont(self._font)
        bold.setBold(True)
        fmb = QFontMetrics(bold)
        w = int(self.size().width())
        line = fm.lineSpacing()
        p.setPen(self._fg)
        p.setFont(bold)
        y = fmb.ascent()
        p.drawText(0, y, fmb.elidedText(self.title, Qt.TextElideMode.ElideRight, w))
        sw = self._swatch_w()
        for (colour, _, value), shown in zip(self.rows, self.shown_names, strict=False):
            y += line
            mid = y - fm.ascent() // 2 + 1
            p.setPen(pg.mkPen(QColor(colour), width=2))
            p.drawLine(1, mid, sw - 4, mid)
            p.setPen(self._fg)
            p.setFont(self._font)
            p.drawText(sw, y, shown)
            p.setFont(bold)
            p.drawText(w - fmb.horizontalAdvance(value) - 1, y, value)
        if self.extra:
            y += line
            italic = QFont(self._font)
            italic.setItalic(True)
            p.setFont(italic)
            p.drawText(sw, y, self.extra)

    def plain_text(self) -> str:
        return "\n".join(f"{name}: {value}" for _, name, value in self.rows)


# --- the panel ------------------------------------------------------------------------------


class PlotPanel(QWidget):
    """One plot per channel group, x linked, a DateAxis at the bottom, a channel list beside.

    Ingest is decoupled from drawing: :meth:`redraw` runs at ≤ 30 Hz and does nothing unless
    the store changed (or the view did) and the widget is visible.
    """

    follow_changed = Signal(bool)
    layout_changed = Signal()
    """Channels, groups, visibility or Y modes changed (the channel list follows)."""

    def __init__(
        self, parent: QWidget | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__(parent)
        from intelivision_desktop.ui.channel_list import ChannelList

        self.store: ChannelStore | None = None
        self.clock = clock
        """Seconds, monotonic: when data last arrived, when text was last refreshed
        (injectable so tests drive time instead of sleeping)."""
        self._history: float | None = 120.0
        self.follow = True
        self._drawn_version = -1
        self._view_dirty = True
        self._layout_dirty = True
        self._programmatic = False
        self.frame_times: deque[float] = deque(maxlen=300)
        """Wall seconds spent in each redraw (for the frame-time benchmark)."""
        self.glw = pg.GraphicsLayoutWidget(self)
        self.glw.setObjectName("plots")
        self.plots: dict[str, pg.PlotItem] = {}
        """The plots on show, top to bottom, by group key."""
        self.curves: dict[str, pg.PlotDataItem] = {}
        """A curve per channel seen (hidden ones hold no data)."""
        self._plot_cache: dict[str, pg.PlotItem] = {}
        self._curve_group: dict[str, str | None] = {}
        self._group_of: dict[str, str] = {}
        self._titles: dict[str, str] = dict(GROUP_TITLES)
        self._user_titles: dict[str, str] = {}
        self._user_groups: list[str] = []
        self._hidden: set[str] = set()
        self._y_fixed: dict[str, tuple[float, float]] = {}
        self._colors: dict[str, str] = {}
        self._known: tuple[str, ...] = ()
        self._markers: deque[float] = deque()
        self._marker_lines: dict[str, list[pg.InfiniteLine]] = {}
        self._selected_t: float | None = None
        self._selected_lines: dict[str, pg.InfiniteLine] = {}
        self._cache: PeakCache | None = None
        self._notices: dict[str, str] = {}
        self._rate: deque[tuple[float, int]] = deque(maxlen=8)
        self._rows_per_s = 0.0
        self._info_at = 0.0
        # honest plots: gaps, staleness, hover, values (see the module docstring)
        self._interval = math.nan
        self._interval_at = -math.inf
        self._seen_version = -1
        self._data_at = clock()
        self._text_at = -math.inf
        self.paused = False
        """The source is paused (a paused replay): silence is expected, not stale."""
        self.stale = False
        self._device_text = ""
        self._legends: dict[str, ValueLegend] = {}
        self._legend_w = LEGEND_MAX_W
        self._cross_lines: dict[str, CrosshairLine] = {}
        self._readouts: dict[str, pg.TextItem] = {}
        self._hover_t: float | None = None
        self.readout_text = ""
        """What the hover readout shows (time, then each channel's value), "" when hidden."""

        self.title = pg.LabelItem("", justify="left")
        self.title.setObjectName("plotDeviceTitle")
        self.stale_label = QLabel(self.glw)
        self.stale_label.setObjectName("staleLabel")
        self.stale_label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.stale_label.setStyleSheet(
            "QLabel { background: rgba(255, 193, 7, 235); color: #1a1a1a; font-weight: bold;"
            " border: 1px solid #b28704; border-radius: 4px; padding: 4px 10px; }"
        )
        self.stale_label.hide()
        self.glw.installEventFilter(self)
        self.glw.viewport().installEventFilter(self)
        self._hover_proxy = pg.SignalProxy(
            self.glw.scene().sigMouseMoved, rateLimit=HOVER_RATE_HZ, slot=self._on_mouse_moved
        )

        self.channel_list: ChannelList = ChannelList(self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("plotSplitter")
        self.splitter.addWidget(self.glw)
        self.splitter.addWidget(self.channel_list)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setCollapsible(0, False)
        self._sized = False
        # the channel list folds away so the plots get its width (View → Channels, or the
        # button at the plots' top right); see showEvent for where it starts
        self.channels_action = QAction(self.tr("Channels"), self)
        self.channels_action.setObjectName("channelsAction")
        self.channels_action.setCheckable(True)
        self.channels_action.setChecked(True)
        self.channels_action.setToolTip(
            self.tr("Show or hide the channel list (show, hide and regroup channels; Y axes)")
        )
        self.channels_action.toggled.connect(self._on_channels_toggled)
        self.channels_button = QToolButton(self.glw)
        self.channels_button.setObjectName("channelsButton")
        self.channels_button.setDefaultAction(self.channels_action)
        self.channels_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.channels_button.adjustSize()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.splitter)

        self.set_device_label(None)
        self._sync_layout()
        self.apply_palette()
        self._timer = QTimer(self)
        self._timer.setInterval(int(1000 / REDRAW_HZ))
        self._timer.timeout.connect(self.tick)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized:
            # the channel list starts shown only where the plots keep CHANNELS_ROOM_W beside
            # it, and then as the operator last left it; hidden, the plots get its width
            self._sized = True
            room = self.width() - self._channels_width() >= CHANNELS_ROOM_W
            remembered = bool(QSettings().value(CHANNELS_KEY, True, type=bool))
            self.set_channels_shown(room and remembered, remember=False)
        self._place_channels_button()

    def _channels_width(self) -> int:
        """The channel list's starting width: its full channel names, at most a third."""
        w = max(self.width(), 400)
        return min(max(210, self.channel_list.preferred_width()), w // 3)

    @property
    def channels_shown(self) -> bool:
        """Whether the channel list is on show (beside the plots)."""
        return self.channels_action.isChecked()

    def set_channels_shown(self, shown: bool, remember: bool = True) -> None:
        """Show or hide the channel list; ``remember``: the next start begins that way."""
        if remember:
            QSettings().setValue(CHANNELS_KEY, shown)
        if self.channels_action.isChecked() != shown:
            self.channels_action.blockSignals(True)
            self.channels_action.setChecked(shown)
            self.channels_action.blockSignals(False)
        self._apply_channels_shown(shown)

    def _on_channels_toggled(self, shown: bool) -> None:
        self.set_channels_shown(shown, remember=True)

    def _apply_channels_shown(self, shown: bool) -> None:
        cl = self.channel_list
        cl.setVisible(shown)
        if shown and cl.parent() is self.splitter:
            w = max(self.width(), 400)
            side = self._channels_width()
            self.splitter.setSizes([w - side - self.splitter.handleWidth(), side])
        self._place_channels_button()

    def _place_channels_button(self) -> None:
        """At the plots' top right, on the device's title row, over the legend column."""
        b = self.channels_button
        if not self.channels_action.isVisible():
            return
        b.adjustSize()
        b.move(max(0, self.glw.width() - b.width() - 2), 1)
        b.raise_()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Leave and obj is self.glw.viewport():
            self.hide_crosshair()
        elif kind == QEvent.Type.Resize and obj is self.glw:
            self._place_stale_label()
            self._place_channels_button()
            self._size_legends()  # a taller plot holds more legend rows per column
            self._update_legends()
        return super().eventFilter(obj, event)

    # --- wiring ----------------------------------------------------------------------------

    def attach(self, store: ChannelStore | None) -> None:
        """Show another store (a new session or device)."""
        self.store = store
        self._drawn_version = -1
        self._cache = None
        self._rate.clear()
        self._rows_per_s = 0.0
        self._notices.clear()
        self.clear_markers()
        for c in self.curves.values():
            c.setData([], [])
        self._interval = math.nan
        self._interval_at = -math.inf
        self._seen_version = store.version if store is not None else -1
        self._data_at = self.clock()
        self.hide_crosshair()
        self._sync_layout()
        self._update_info(force=True)
        self.update_text(force=True)

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def tick(self) -> None:
        """One beat of the redraw timer: draw if something changed, note arriving data (the
        stale label goes as soon as data returns), refresh the text once a second."""
        self.redraw()
        if self.isVisible():
            self.update_text()

    @property
    def history_s(self) -> float:
        """Seconds on screen: the History choice, or (All history) what the store holds."""
        if self._history is not None:
            return self._history
        store = self.store
        if store is not None and len(store) >= 2:
            ts = store.times()
            return max(1.0, float(ts[-1] - ts[0]) * (1 + 2 * FOLLOW_MARGIN))
        return 120.0

    @property
    def history(self) -> float | None:
        """The History choice in seconds; None for all history."""
        return self._history

    def set_history(self, seconds: float | None) -> None:
        """Seconds of data on screen; None shows all the history the ring buffer holds."""
        if seconds is not None:
            seconds = float(seconds)
            if not (math.isfinite(seconds) and seconds > 0):
                raise ValueError("history must be a positive number of seconds, or None")
        self._history = seconds
        self._view_dirty = True
        self.redraw()

    def set_paused(self, paused: bool) -> None:
        """The source is paused (a paused replay): its silence is not shown as stale. On
        resume, the silence is counted again from now."""
        if paused == self.paused:
            return
        self.paused = paused
        self._data_at = self.clock()
        self.update_text(force=True)

    def set_device_label(self, text: str | None) -> None:
        """Name the plotted device above the plots (a friendly name; None: no device)."""
        self._device_text = text or ""
        shown = self.tr("Device: {name}").format(name=text) if text else self.tr("No device yet")
        self.device_label = shown
        """The device title as shown."""
        fg = QGuiApplication.palette().color(QPalette.ColorRole.Text)
        self.title.setText(html.escape(shown), color=fg.name(), size="10pt", bold=True)
        self.title.setToolTip(shown)

    def set_follow(self, follow: bool) -> None:
        if follow != self.follow:
            self.follow = follow
            self._view_dirty = True
            self.follow_changed.emit(follow)

    def take_channel_list(self) -> ChannelList:
        """Detach the channel list from beside the plots (to put it in a dock instead)."""
        self.channel_list.setParent(None)  # the splitter lets go of it
        self.channel_list.setVisible(True)  # the dock shows and hides it from now on
        self.channels_action.setVisible(False)
        self.channels_button.hide()
        return self.channel_list

    def note_problem(self, problem: Problem) -> None:
        """Keep a limit that was hit (channel cap, short history, overrun) on show."""
        if problem.kind in NOTICE_KINDS:
            self._notices[problem.kind] = problem.message
            self.channel_list.set_notice("\n".join(self._notices.values()))

    def apply_palette(self) -> None:
        pal = QGuiApplication.palette()
        bg = pal.color(QPalette.ColorRole.Base)
        self.glw.setBackground(bg)
        for plot in self._plot_cache.values():
            self._style_plot(plot)
        fg = QGuiApplication.palette().color(QPalette.ColorRole.Text)
        self.title.setText(self.title.text, color=fg.name())
        for readout in self._readouts.values():
            readout.fill = pg.mkBrush(QColor(bg.red(), bg.green(), bg.blue(), 225))
        self._text_at = -math.inf  # legends get the new text colour at the next refresh

    def _style_plot(self, plot: pg.PlotItem) -> None:
        pal = QGuiApplication.palette()
        fg = pal.color(QPalette.ColorRole.Text)
        bg = pal.color(QPalette.ColorRole.Base)
        # grid lines in an opaque colour blended beforehand: no alpha blending across the
        # whole plot on every frame (saves ~5 ms a frame with the history scrolling)
        grid = QColor(
            round(bg.red() + GRID_SHADE * (fg.red() - bg.red())),
            round(bg.green() + GRID_SHADE * (fg.green() - bg.green())),
            round(bg.blue() + GRID_SHADE * (fg.blue() - bg.blue())),
        )
        for name in ("left", "bottom"):
            ax = plot.getAxis(name)
            ax.setPen(fg)
            ax.setTextPen(fg)
            ax.setTickPen(pg.mkPen(grid, width=1))
            ax.setStyle(tickAlpha=255)
        plot.titleLabel.setText(plot.titleLabel.text, color=fg.name())

    # --- channels and groups ----------------------------------------------------------------

    def channel_names(self) -> list[str]:
        """The channels on offer: the store's, or the camera channels while there is none."""
        if self.store is not None and self.store.names:
            return self.store.names
        return [s.name for s in CAMERA_CHANNELS]

    def channel_label(self, name: str) -> str:
        """The short display name: ``Nearest person (m)``; a device's channel by its name."""
        spec = _SPECS.get(name)
        return _tr_channel(spec.display) if spec is not None else name

    def channel_short(self, name: str) -> str:
        """The name beside a value that carries its unit: ``Nearest person`` (1.20 m)."""
        spec = _SPECS.get(name)
        return _tr_channel(spec.label) if spec is not None else name

    def channel_tooltip(self, name: str) -> str:
        """The full name of a channel and where it comes from (channel list tooltips)."""
        return self.tr("{label} (channel “{name}”, in the plot “{plot}”)").format(
            label=self.channel_label(name), name=name, plot=self.group_title(self.group_of(name))
        )

    def channel_color(self, name: str) -> str:
        color = self._colors.get(name)
        if color is None:
            color = self._colors[name] = PALETTE[len(self._colors) % len(PALETTE)]
        return color

    def group_of(self, name: str) -> str:
        group = self._group_of.get(name)
        if group is None:
            spec = _SPECS.get(name)
            group = self._group_of[name] = spec.group if spec is not None else DEVICE_GROUP
        return group

    def group_title(self, group: str) -> str:
        if group in self._user_titles:
            return self._user_titles[group]
        return _tr_channel(self._titles.get(group, group))

    def groups(self) -> list[str]:
        """Groups that hold at least one channel on offer, in display order."""
        names = self.channel_names()
        used = {self.group_of(n) for n in names}
        order = dict.fromkeys([*CHANNEL_GROUPS, LATENCY_GROUP, DEVICE_GROUP, *self._user_groups])
        return [g for g in order if g in used]

    def user_groups_empty(self) -> list[str]:
        """Plots made in the channel list that hold no channel yet."""
        used = set(self.groups())
        return [g for g in self._user_groups if g not in used]

    def channels_in(self, group: str) -> list[str]:
        return [n for n in self.channel_names() if self.group_of(n) == group]

    def is_visible(self, name: str) -> bool:
        return name not in self._hidden

    def set_channel_visible(self, name: str, visible: bool) -> None:
        if visible == (name not in self._hidden):
            return
        if visible:
            self._hidden.discard(name)
        else:
            self._hidden.add(name)
        self._relayout()

    def set_group_visible(self, group: str, visible: bool) -> None:
        for name in self.channels_in(group):
            if visible:
                self._hidden.discard(name)
            else:
                self._hidden.add(name)
        self._relayout()

    def new_group(self, title: str | None = None) -> str:
        """A new, empty plot group (shown once a channel moves into it)."""
        k = len(self._user_groups) + 1
        while f"plot{k}" in self._titles:
            k += 1
        key = f"plot{k}"
        self._user_groups.append(key)
        self._titles[key] = key
        self._user_titles[key] = title or self.tr("Plot {number}").format(number=k)
        return key

    def move_channel(self, name: str, group: str) -> None:
        if group not in self._titles:
            raise KeyError(f"no plot group {group!r}")
        if self.group_of(name) != group:
            self._group_of[name] = group
            self._relayout()

    def set_y_range(self, group: str, y: tuple[float, float] | None) -> None:
        """Fix a plot's Y axis to ``(low, high)``, or None for auto."""
        if y is None:
            self._y_fixed.pop(group, None)
        else:
            lo, hi = float(y[0]), float(y[1])
            if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
                raise ValueError("a fixed Y range needs finite low < high")
            self._y_fixed[group] = (lo, hi)
        if group in self._plot_cache:
            self._apply_y(group, self._plot_cache[group])
        self._view_dirty = True
        self.layout_changed.emit()

    def y_range(self, group: str) -> tuple[float, float] | None:
        return self._y_fixed.get(group)

    def _relayout(self) -> None:
        self._layout_dirty = True
        self._sync_layout()

    def _plot(self, group: str) -> pg.PlotItem:
        plot = self._plot_cache.get(group)
        if plot is not None:
            return plot
        axis = pg.DateAxisItem(orientation="bottom")
        plot = pg.PlotItem(axisItems={"bottom": axis})
        # no title row: the name heads the plot's legend (the label keeps it, hidden)
        plot.titleLabel.setText(self.group_title(group))
        plot.setTitle(None)
        plot.showGrid(x=True, y=True, alpha=0.25)
        # major and first minor ticks on the time axis; values at the labelled ticks only (in
        # a plot 60–100 px tall the minor ones drew a grey line every few pixels)
        plot.getAxis("bottom").setStyle(maxTickLevel=1)
        plot.getAxis("left").setStyle(maxTickLevel=0)
        plot.setClipToView(True)
        plot.setDownsampling(auto=True, mode="peak")
        # the view box above the axes (pyqtgraph puts it below): curves and the readout are
        # drawn over the grid lines, which otherwise strike the readout's text through
        plot.vb.setZValue(1)
        left = plot.getAxis("left")
        left.setWidth(40)
        left.setStyle(tickTextOffset=3)
        left.setTickFont(self._legend_font())
        plot.getAxis("bottom").setTickFont(self._legend_font())
        plot.setMouseEnabled(x=True, y=False)
        plot.sigXRangeChanged.connect(self._on_range)
        plot.getViewBox().sigRangeChangedManually.connect(self._on_manual_range)
        # the readout keeps to the top of the plot as the Y axis follows the data
        plot.sigYRangeChanged.connect(lambda *_, g=group: self._place_readout(g))
        # the hover crosshair: a line on every plot (one time axis) and a readout beside it
        line = CrosshairLine(angle=90, movable=False, pen=pg.mkPen(QColor(120, 120, 120), width=1))
        line.setZValue(60)
        line.hide()
        plot.addItem(line, ignoreBounds=True)
        self._cross_lines[group] = line
        bg = QGuiApplication.palette().color(QPalette.ColorRole.Base)
        readout = pg.TextItem(
            anchor=(0, 0),
            fill=pg.mkBrush(QColor(bg.red(), bg.green(), bg.blue(), 225)),
            border=pg.mkPen(QColor(150, 150, 150), width=1),
        )
        readout.setZValue(70)
        readout.hide()
        plot.addItem(readout, ignoreBounds=True)
        self._readouts[group] = readout
        self._legends[group] = ValueLegend()
        self._plot_cache[group] = plot
        self._apply_y(group, plot)
        self._style_plot(plot)
        return plot

    def y_limits(self, group: str) -> tuple[float | None, float | None]:
        """The values a plot's channels can take: a floor at 0 when every channel in it is a
        count, a distance, a duration or a score (scores also stop at 1); none for a plot
        holding a raw device channel."""
        names = [n for n in self.channels_in(group) if n not in self._hidden]
        names = names or self.channels_in(group)
        none: tuple[float | None, float | None] = (None, None)
        limits = [_SPECS[n].y_limits if n in _SPECS else none for n in names] or [none]
        lows = [lo for lo, _ in limits]
        highs = [hi for _, hi in limits]
        low = None if any(v is None for v in lows) else min(v for v in lows if v is not None)
        high = None if any(v is None for v in highs) else max(v for v in highs if v is not None)
        return low, high

    def _apply_y(self, group: str, plot: pg.PlotItem) -> None:
        fixed = self._y_fixed.get(group)
        vb = plot.getViewBox()
        if fixed is None:
            low, high = self.y_limits(group)
            vb.setLimits(yMin=low, yMax=high, minYRange=MIN_Y_SPAN.get(group))
            plot.enableAutoRange(axis="y", enable=True)
        else:  # the operator's range wins, limits or not
            vb.setLimits(yMin=None, yMax=None, minYRange=None)
            plot.disableAutoRange(axis="y")
            plot.setYRange(fixed[0], fixed[1], padding=0)

    def _curve(self, name: str) -> pg.PlotDataItem:
        curve = self.curves.get(name)
        if curve is None:
            curve = pg.PlotDataItem(
                name=self.channel_label(name),
                pen=pg.mkPen(self.channel_color(name), width=1),
                connect="finite",
            )
            curve.setDownsampling(auto=True, method="peak")
            curve.setClipToView(True)
            self.curves[name] = curve
            self._curve_group[name] = None
        return curve

    def _sync_layout(self) -> None:
        """Put each visible channel's curve in its group's plot; show the plots in use."""
        names = self.channel_names()
        self._known = tuple(self.store.names) if self.store is not None else ()
        for n in names:
            self._curve(n)
        present = set(names)
        shown = [
            g for g in self.groups() if any(n not in self._hidden for n in self.channels_in(g))
        ]
        if not shown:  # always one plot: it carries the time axis
            shown = [self.groups()[0] if self.groups() else DEVICE_GROUP]
        for name, curve in self.curves.items():
            group = self.group_of(name)
            visible = name in present and name not in self._hidden and group in shown
            target = group if visible else None
            current = self._curve_group.get(name)
            if current == target:
                continue
            curve.clear()  # no data while it moves (pyqtgraph would clip it to no view)
            if current is not None:
                self._plot_cache[current].removeItem(curve)
            if target is not None:
                self._plot(target).addItem(curve)
            self._curve_group[name] = target
            self._view_dirty = True
        if list(self.plots) != shown:
            self.glw.ci.clear()
            self.glw.ci.layout.setContentsMargins(2, 2, 2, 2)
            self.glw.ci.layout.setVerticalSpacing(2)
            self.glw.ci.layout.setHorizontalSpacing(4)
            self.plots = {}
            self.glw.addItem(self.title, row=0, col=0, colspan=2)
            for row, group in enumerate(shown, start=1):
                plot = self._plot(group)
                self.glw.addItem(plot, row=row, col=0)
                self.glw.addItem(self._legends[group], row=row, col=1)
                self.plots[group] = plot
            master = self.plots[shown[0]]
            for group, plot in self.plots.items():
                plot.setXLink(None if plot is master else master)
                plot.getAxis("bottom").setStyle(showValues=group == shown[-1])
                self._sync_marks(group, plot)
            self.hide_crosshair()
        for group, plot in self.plots.items():
            self._apply_y(group, plot)  # limits follow the channels a plot holds
        self._size_legends()
        self._layout_dirty = False
        self._view_dirty = True
        self._text_at = -math.inf
        self.update_text()
        self.layout_changed.emit()

    def _legend_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(LEGEND_PT)
        return font

    def _legend_rows(self) -> int:
        """Channel rows a legend shows: as many as one plot's height holds under its name."""
        line = QFontMetrics(self._legend_font()).lineSpacing()
        title = self.title.boundingRect().height() if self.title.isVisible() else 0
        per_plot = (self.glw.height() - title - 30) / max(1, len(self.plots))
        return max(1, int(per_plot // line) - 1)

    def _size_legends(self) -> None:
        """One width for the legend column: the longest name, the plot's name and a wide value,
        up to :data:`LEGEND_MAX_W` (longer names are elided)."""
        font = self._legend_font()
        fm = QFontMetrics(font)
        bold = QFont(font)
        bold.setBold(True)
        fmb = QFontMetrics(bold)
        value_w = fmb.horizontalAdvance("-000.00 ms") + 6
        width = 0
        for group in self.plots:
            names = [n for n, g in self._curve_group.items() if g == group]
            name_w = max((fm.horizontalAdvance(self.channel_short(n)) for n in names), default=0)
            row_w = fm.horizontalAdvance("━ ") + 2 + name_w + value_w + 4
            width = max(width, row_w, fmb.horizontalAdvance(self.group_title(group)) + 4)
        self._legend_w = min(LEGEND_MAX_W, max(width, LEGEND_MIN_W))
        self.glw.ci.layout.setColumnFixedWidth(1, self._legend_w)

    # --- markers ---------------------------------------------------------------------------

    def _marker_pen(self) -> object:
        return pg.mkPen(QColor(150, 150, 150, 140), width=1, style=Qt.PenStyle.DashLine)

    def _sync_marks(self, group: str, plot: pg.PlotItem) -> None:
        lines = self._marker_lines.setdefault(group, [])
        if len(lines) != len(self._markers):
            for line in lines:
                plot.removeItem(line)
            lines.clear()
            pen = self._marker_pen()
            for t in self._markers:
                line = pg.InfiniteLine(pos=t, angle=90, pen=pen, movable=False)
                plot.addItem(line, ignoreBounds=True)
                lines.append(line)
        sel = self._selected_lines.get(group)
        if sel is not None and (self._selected_t is None or sel.value() != self._selected_t):
            plot.removeItem(sel)
            del self._selected_lines[group]
            sel = None
        if sel is None and self._selected_t is not None:
            line = pg.InfiniteLine(
                pos=self._selected_t,
                angle=90,
                pen=pg.mkPen(QColor(230, 90, 20), width=2.5),
                movable=False,
            )
            line.setZValue(50)
            plot.addItem(line, ignoreBounds=True)
            self._selected_lines[group] = line

    def add_marker(self, d: Description) -> None:
        t = d.t_ms / 1000.0
        synced = {g for g in self.plots if len(self._marker_lines.get(g, ())) == len(self._markers)}
        self._markers.append(t)
        pen = self._marker_pen()
        for group, plot in self.plots.items():
            if group in synced:
                line = pg.InfiniteLine(pos=t, angle=90, pen=pen, movable=False)
                plot.addItem(line, ignoreBounds=True)
                self._marker_lines.setdefault(group, []).append(line)
        while len(self._markers) > MAX_MARKERS:
            self._markers.popleft()
            for group, lines in self._marker_lines.items():
                if lines and len(lines) == len(self._markers) + 1:
                    self._plot_cache[group].removeItem(lines.pop(0))

    def clear_markers(self) -> None:
        for group, lines in self._marker_lines.items():
            for line in lines:
                self._plot_cache[group].removeItem(line)
            lines.clear()
        self._markers.clear()
        self.mark(None)

    @property
    def marker_count(self) -> int:
        return len(self._markers)

    def mark(self, d: Description | None) -> float | None:
        """Highlight a description's moment on every plot; None clears."""
        self._selected_t = None if d is None else d.t_ms / 1000.0
        for group, plot in self.plots.items():
            self._sync_marks(group, plot)
        for group in list(self._selected_lines):
            if group not in self.plots:
                self._plot_cache[group].removeItem(self._selected_lines.pop(group))
        t = self._selected_t
        if t is None:
            return None
        if not self._visible_range_contains(t):
            self.set_follow(False)
            half = self.history_s / 2
            self._set_x(t - half, t + half)
        return t

    @property
    def marked_at(self) -> float | None:
        return self._selected_t

    # --- drawing ---------------------------------------------------------------------------

    def visible_range(self) -> tuple[float, float] | None:
        """The x range on screen (epoch s); None while nothing is plotted."""
        if self.store is None or len(self.store) == 0 or not self.plots:
            return None
        x0, x1 = self._master().viewRange()[0]
        return float(x0), float(x1)

    def _master(self) -> pg.PlotItem:
        return next(iter(self.plots.values()))

    def _visible_range_contains(self, t: float) -> bool:
        (x0, x1) = self._master().viewRange()[0]
        return bool(x0 <= t <= x1)

    def _set_x(self, x0: float, x1: float) -> None:
        self._programmatic = True
        try:
            self._master().setXRange(x0, x1, padding=0)
        finally:
            self._programmatic = False

    def _on_range(self, *_: object) -> None:
        if not self._programmatic:
            self._view_dirty = True

    def _on_manual_range(self, mask: object) -> None:
        """The operator panned or zoomed (drag, wheel, axis drag: pyqtgraph says so): stop
        following so the view stays put. Range changes of the layout (a legend column that
        widens, a plot added) while the mouse rests over the plots are not the operator's."""
        self._view_dirty = True
        x_changed = bool(mask[0]) if isinstance(mask, list | tuple) and mask else True
        if self.follow and x_changed:
            self.set_follow(False)

    def redraw(self) -> bool:
        """Redraw if something changed. Returns True when it drew."""
        store = self.store
        if store is None:
            return False
        self._note_data(store)
        if not self.isVisible():
            return False
        win = self.window()
        if win is not None and win.isMinimized():
            return False
        changed_names = len(store.names) != len(self._known)
        if (
            store.version == self._drawn_version
            and not self._view_dirty
            and not self._layout_dirty
            and not changed_names
        ):
            return False
        t0 = time.perf_counter()
        if self._layout_dirty or changed_names:
            self._sync_layout()
        n = len(store)
        if n:
            ts = store.times()
            latest = float(ts[-1])
            if self.follow:  # the newest sample a hair inside the right edge, not on it
                x1 = latest + FOLLOW_MARGIN * self.history_s
                x0 = x1 - self.history_s
            else:
                (x0, x1) = self._master().viewRange()[0]
            self._draw(store, ts, x0, x1)
            if self.follow:
                self._set_x(x0, x1)
        self._drawn_version = store.version
        self._view_dirty = False
        self.frame_times.append(time.perf_counter() - t0)
        self._update_info()
        return True

    def _draw(self, store: ChannelStore, ts: FloatArray, x0: float, x1: float) -> None:
        names = [n for n, g in self._curve_group.items() if g is not None and n in store.names]
        if not names:
            return
        span = max(x1 - x0, 1e-6)
        lo_t = x0 - (0.05 if self.follow else 0.5) * span
        hi_t = x1 + (0.0 if self.follow else 0.5) * span
        i0 = int(np.searchsorted(ts, lo_t, side="left"))
        i1 = len(ts) if self.follow else int(np.searchsorted(ts, hi_t, side="right"))
        in_view = int(np.searchsorted(ts, x1, side="right") - np.searchsorted(ts, x0))
        px = max(100.0, float(self._master().getViewBox().width()))
        block = choose_block(in_view / px, self._cache.block if self._cache else None)
        threshold = self.gap_threshold()
        if block is None:
            self._cache = None
            xs = ts[i0:i1]
            xs, ys = break_at(
                xs, {n: store.column(n)[i0:i1] for n in names}, gap_starts(xs, threshold)
            )
            for name in names:
                curve = self.curves[name]
                self._downsample(curve, True)
                curve.setData(xs, ys[name])
            return
        cache = self._cache
        if cache is None or cache.block != block or cache.store is not store:
            cache = self._cache = PeakCache(store, block)
        cache.update(names, want_row=i0)
        x, ys = cache.peaks(names, lo_t, hi_t)
        x, ys = break_at(x, ys, peak_gaps(x, threshold))
        for name in names:
            curve = self.curves[name]
            # already peak-decimated to the pixel: pyqtgraph's own pass would only drop the
            # newest partial block (it truncates to whole blocks) and halve the resolution
            self._downsample(curve, False)
            curve.setData(x, ys[name])

    def gap_threshold(self) -> float:
        """Spacing of consecutive samples drawn as a gap, from the store's typical interval
        (recomputed at most once a second, from the newest samples)."""
        store = self.store
        now = self.clock()
        if store is not None and len(store) >= 2 and now - self._interval_at >= TEXT_INTERVAL_S:
            self._interval = typical_interval(store.times())
            self._interval_at = now
        return gap_threshold(self._interval)

    @staticmethod
    def _downsample(curve: pg.PlotDataItem, auto: bool) -> None:
        if curve.opts["autoDownsample"] != auto:
            curve.setDownsampling(ds=1, auto=auto, method="peak")

    def points_drawn(self, channel: str) -> int:
        """Points given to a curve at the last redraw (for tests and the self-test)."""
        curve = self.curves.get(channel)
        if curve is None:
            return 0
        x, _ = curve.getOriginalDataset()
        return 0 if x is None else int(np.size(x))

    # --- staleness, values, the hover readout ----------------------------------------------

    def _note_data(self, store: ChannelStore) -> None:
        if store.version != self._seen_version:
            self._seen_version = store.version
            self._data_at = self.clock()
            if self.stale:  # data is back: say so at once, not at the next text refresh
                self._set_stale(False)

    def stale_after(self) -> float:
        """Silence after which the device's data is stale: max(3 s, 3 × its interval)."""
        self.gap_threshold()  # keeps the interval current
        return stale_after(self._interval)

    def update_text(self, force: bool = False) -> None:
        """Legend values and the stale label, at most once a second (``force``: now)."""
        now = self.clock()
        if not force and now - self._text_at < TEXT_INTERVAL_S:
            return
        self._text_at = now
        store = self.store
        if store is not None:
            self._note_data(store)
        silent = now - self._data_at
        self._set_stale(
            store is not None and len(store) > 0 and not self.paused
            and silent > self.stale_after()
        )  # fmt: skip
        self._update_legends()

    def _set_stale(self, stale: bool) -> None:
        if stale:
            ts = self.store.times() if self.store is not None else np.empty(0)
            since = float(ts[-1]) if len(ts) else math.nan
            self.stale_label.setText(self.tr("No data since {time}").format(time=clock_text(since)))
            self.stale_label.adjustSize()
            self._place_stale_label()
        if stale == self.stale:
            return
        self.stale = stale
        self.stale_label.setVisible(stale)
        if stale:
            self.stale_label.raise_()
        for curve in self.curves.values():
            curve.setOpacity(STALE_OPACITY if stale else 1.0)

    def _place_stale_label(self) -> None:
        """On the device's title row, ending over the right edge of the data area: where the
        newest data would be, and over no data or readout."""
        if not self.plots:
            return
        vb = self._master().getViewBox()
        data = self.glw.mapFromScene(vb.sceneBoundingRect()).boundingRect()
        title = self.glw.mapFromScene(self.title.sceneBoundingRect()).boundingRect()
        lab = self.stale_label
        x = max(0, data.right() - lab.width())
        y = max(0, title.center().y() - lab.height() // 2)
        lab.move(x, y)

    def value_text(self, name: str) -> str:
        """A channel's newest value with its unit ("—" when it has none)."""
        store = self.store
        if store is None or len(store) == 0:
            return "—"
        return format_value(float(store.column(name)[-1]), _SPECS.get(name))

    def legend_text(self, group: str) -> str:
        """What a plot's legend shows, one ``name: value`` line per channel."""
        legend = self._legends.get(group)
        return legend.plain_text() if legend is not None else ""

    def _update_legends(self) -> None:
        fg = QGuiApplication.palette().color(QPalette.ColorRole.Text)
        max_rows = self._legend_rows()
        font = self._legend_font()
        more = self.tr("+{count} more")
        for group in self.plots:
            names = [n for n, g in self._curve_group.items() if g == group]
            values = {n: self.value_text(n) for n in names}
            rows = [(self.channel_color(n), self.channel_short(n), values[n]) for n in names]
            title = self.group_title(group)
            tip = "\n".join([title, *(f"{self.channel_label(n)}: {values[n]}" for n in names)])
            self._legends[group].set_rows(title, rows, fg, max_rows, font, tip, more)

    def _on_mouse_moved(self, args: tuple[object, ...]) -> None:
        pos = args[0]
        if isinstance(pos, QPointF):
            self.hover_at(pos)

    def hover_at(self, scene_pos: QPointF) -> None:
        """The mouse is at ``scene_pos``: over a plot's data area, show the crosshair at its
        time on every plot and each channel's value there; elsewhere hide it."""
        for plot in self.plots.values():
            vb = plot.getViewBox()
            if vb.sceneBoundingRect().contains(scene_pos):
                self.show_crosshair(float(vb.mapSceneToView(scene_pos).x()))
                return
        self.hide_crosshair()

    def show_crosshair(self, t: float) -> None:
        """The vertical line at time ``t`` (epoch s) on every plot, with the readout."""
        self._hover_t = t
        store = self.store
        ts = store.times() if store is not None else np.empty(0)
        row = nearest_row(ts, t)
        # a sample further than a gap away is not "the value at that time"
        if row is not None and abs(float(ts[row]) - t) > self.gap_threshold():
            row = None
        lines = [self.tr("At {time}").format(time=clock_text(t, tenths=True))]
        fg = QGuiApplication.palette().color(QPalette.ColorRole.Text).name()
        for i, group in enumerate(self.plots):
            names = [n for n, g in self._curve_group.items() if g == group]
            parts = []
            if i == 0:
                parts.append(f"<b>{html.escape(lines[0])}</b>")
            for n in names:
                value = "—"
                if row is not None and store is not None:
                    value = format_value(float(store.column(n)[row]), _SPECS.get(n))
                lines.append(f"{self.channel_short(n)}: {value}")
                parts.append(
                    f'<span style="color:{self.channel_color(n)}">━</span> '
                    f"{html.escape(self.channel_short(n))}: <b>{html.escape(value)}</b>"
                )
            if row is None and i == 0:
                parts.append(html.escape(self.tr("No data at this time")))
            self._cross_lines[group].setValue(t)
            self._cross_lines[group].show()
            readout = self._readouts[group]
            readout.setHtml(
                f'<div style="color:{fg}; font-size:{LEGEND_PT}pt">{"<br>".join(parts)}</div>'
            )
            self._place_readout(group)
            readout.show()
        if row is None:
            lines.append(self.tr("No data at this time"))
        self.readout_text = "\n".join(lines)

    def _place_readout(self, group: str) -> None:
        """Beside the line, at the top of the plot; on the line's left in the right half."""
        t = self._hover_t
        plot = self._plot_cache.get(group)
        if t is None or plot is None:
            return
        readout = self._readouts[group]
        (x0, x1), (_, y1) = plot.viewRange()
        right_half = t > (x0 + x1) / 2
        readout.setAnchor((1, 0) if right_half else (0, 0))
        offset = (x1 - x0) * 0.01
        readout.setPos(t - offset if right_half else t + offset, y1)

    def hide_crosshair(self) -> None:
        self._hover_t = None
        self.readout_text = ""
        for item in (*self._cross_lines.values(), *self._readouts.values()):
            item.hide()

    @property
    def crosshair_visible(self) -> bool:
        return self._hover_t is not None

    # --- memory and rates -------------------------------------------------------------------

    @property
    def memory_bytes(self) -> int:
        """What the history takes: the channel store plus the peak cache."""
        store_b = self.store.nbytes if self.store is not None else 0
        return store_b + (self._cache.nbytes if self._cache is not None else 0)

    def info_text(self) -> str:
        store = self.store
        if store is None:
            return self.tr("No data yet.")
        loc = QLocale()
        cap = store.capacity
        held = ""
        if len(store) >= 2:
            ts = store.times()
            held = self.tr(", {seconds} s").format(
                seconds=loc.toString(float(ts[-1] - ts[0]), "f", 0)
            )
        full = self.tr(" (full: oldest dropped)") if len(store) >= cap else ""
        return self.tr(
            "{channels} channels · {rate} rows/s\nhistory {rows} of {capacity} rows{held}{full}\n"
            "memory {mb} MB"
        ).format(
            channels=len(store.names),
            rate=loc.toString(round(self._rows_per_s)),
            rows=loc.toString(len(store)),
            capacity=loc.toString(cap),
            held=held,
            full=full,
            mb=loc.toString(self.memory_bytes / 1e6, "f", 1),
        )

    def _update_info(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._info_at < 1.0:
            return
        self._info_at = now
        store = self.store
        if store is not None:  # rows/s over the last few seconds
            self._rate.append((now, store.total))
            t0, n0 = self._rate[0]
            if now - t0 >= 0.5:
                self._rows_per_s = (store.total - n0) / (now - t0)
        self.channel_list.set_info(self.info_text())
