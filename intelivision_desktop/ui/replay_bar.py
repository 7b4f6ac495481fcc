"""Replay controls: play/pause, next frame, a seek slider with the time, speed and loop.

The bar drives a source that offers :class:`~intelivision_desktop.core.ports.Playback`
(both live on the GUI thread's loop) and reads the position back on a 10 Hz timer; any other
source (a serial board, devices connecting to us) leaves the bar disabled, and one without a
timeline (a generated scene) can be paused and sped up but not sought.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, QTimerEvent, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QToolButton,
    QWidget,
)

from intelivision_desktop.core.ports import Playback, Source
from intelivision_desktop.ui.l10n import date_time, locale

SPEEDS = (0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 10.0)
"""Speeds offered (the player takes any factor; a URL may ask for more)."""
TICKS_PER_S = 10
"""Slider resolution: a tenth of a second."""
JUMP_S = 5.0
POLL_MS = 100


def clock_text(seconds: float) -> str:
    """``m:ss.s`` (``h:mm:ss`` from an hour on)."""
    seconds = max(0.0, seconds)
    if seconds >= 3600:
        h, rest = divmod(int(seconds), 3600)
        return f"{h}:{rest // 60:02d}:{rest % 60:02d}"
    m, s = divmod(seconds, 60.0)
    return f"{int(m)}:{s:04.1f}"


def speed_text(speed: float) -> str:
    """``0.25×``, ``2×`` in the locale's digits (``0,25×`` where the comma is decimal)."""
    text = f"{speed:g}"
    if "." in text:
        text = text.replace(".", locale().decimalPoint())
    return f"{text}×"


class ReplayBar(QWidget):
    """Controls for a source that offers :class:`Playback`, with or without a timeline."""

    speed_chosen = Signal(float)
    """The operator picked a speed (remembered as a setting)."""
    loop_chosen = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("replayBar")
        self.source: Playback | None = None
        self._live = False
        self._timer_id = 0

        self.play_action = QAction(self.tr("Pause"), self)
        self.play_action.setObjectName("playAction")
        self.play_action.setShortcut(QKeySequence(Qt.Key.Key_Space))
        self.play_action.setToolTip(self.tr("Play or pause the replay (Space)"))
        self.play_action.triggered.connect(self.toggle)
        self.step_action = QAction(self.tr("Next frame"), self)
        self.step_action.setObjectName("stepAction")
        self.step_action.setShortcut(QKeySequence(Qt.Key.Key_Period))
        self.step_action.setToolTip(self.tr("Pause and show the next frame (.)"))
        self.step_action.triggered.connect(self.step)
        self.step_action.setIcon(
            self.style().standardIcon(self.style().StandardPixmap.SP_MediaSkipForward)
        )
        self._shown_playing: bool | None = None
        self.back_action = QAction(self.tr("Back 5 s"), self)
        self.back_action.setObjectName("backAction")
        self.back_action.setShortcut(QKeySequence("Ctrl+Left"))
        self.back_action.triggered.connect(lambda: self.jump(-JUMP_S))
        self.forward_action = QAction(self.tr("Forward 5 s"), self)
        self.forward_action.setObjectName("forwardAction")
        self.forward_action.setShortcut(QKeySequence("Ctrl+Right"))
        self.forward_action.triggered.connect(lambda: self.jump(JUMP_S))

        self.play_button = QToolButton(self)
        self.play_button.setObjectName("playButton")
        self.play_button.setDefaultAction(self.play_action)
        self.step_button = QToolButton(self)
        self.step_button.setObjectName("stepButton")
        self.step_button.setDefaultAction(self.step_action)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setObjectName("seekSlider")
        self.slider.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.slider.setMinimumWidth(120)
        self.slider.setPageStep(int(JUMP_S * TICKS_PER_S))
        self.slider.setSingleStep(TICKS_PER_S)
        self.slider.setToolTip(self.tr("Drag or click to seek; Ctrl+Left / Ctrl+Right jump 5 s"))
        self.slider.valueChanged.connect(self._on_slider_value)
        self.slider.sliderReleased.connect(self._on_slider_released)
        self.time_label = QLabel("0:00.0 / 0:00.0", self)
        self.time_label.setObjectName("timeLabel")
        self.time_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.time_label.setMinimumWidth(
            self.time_label.fontMetrics().horizontalAdvance("0:00:00.0 / 0:00:00.0")
        )
        self.speed_combo = QComboBox(self)
        self.speed_combo.setObjectName("speedCombo")
        self.speed_combo.setToolTip(self.tr("Replay speed"))
        for sp in SPEEDS:
            self.speed_combo.addItem(speed_text(sp), sp)
        self.speed_combo.activated.connect(self._on_speed)
        self.loop_box = QCheckBox(self.tr("Loop"), self)
        self.loop_box.setObjectName("loopBox")
        self.loop_box.setToolTip(self.tr("Start again from the beginning at the end"))
        self.loop_box.toggled.connect(self._on_loop)

        lay = QHBoxLayout(self)
        lay.setContentsMargins(4, 2, 4, 2)
        lay.addWidget(self.play_button)
        lay.addWidget(self.step_button)
        lay.addWidget(self.slider, 1)
        lay.addWidget(self.time_label)
        lay.addWidget(QLabel(self.tr("Speed:"), self))
        lay.addWidget(self.speed_combo)
        lay.addWidget(self.loop_box)
        self.bind(None)

    def actions_for_window(self) -> list[QAction]:
        """The actions whose shortcuts the main window should carry (on the widgets where
        they apply: see :class:`MainWindow`)."""
        return [self.play_action, self.step_action, self.back_action, self.forward_action]

    # --- binding -----------------------------------------------------------------------------

    @staticmethod
    def controls(source: Source | None) -> bool:
        """Whether a source can be paused and sped up."""
        return isinstance(source, Playback)

    def bind(self, source: Source | None) -> None:
        """Drive ``source`` (None, or a source without playback: everything disabled)."""
        self.source = source if isinstance(source, Playback) else None
        self._live = self.source is not None and self.source.live
        on = self.source is not None
        for a in self.actions_for_window():
            a.setEnabled(on)
        for w in (self.speed_combo, self.loop_box):
            w.setEnabled(on)
        if self._timer_id:
            self.killTimer(self._timer_id)
            self._timer_id = 0
        if self.source is not None:
            self._timer_id = self.startTimer(POLL_MS)
            with QSignalBlocker(self.loop_box):
                self.loop_box.setChecked(self.source.loop)
            self._show_speed(self.source.speed)
        self.refresh()

    def _show_speed(self, speed: float | None) -> None:
        with QSignalBlocker(self.speed_combo):
            idx = self.speed_combo.findData(speed)
            if idx < 0:  # a URL's speed outside the list, or max
                label = self.tr("max") if speed is None else speed_text(speed)
                self.speed_combo.addItem(label, speed)
                idx = self.speed_combo.count() - 1
            self.speed_combo.setCurrentIndex(idx)

    def stop(self) -> None:
        self.bind(None)

    # --- intents -----------------------------------------------------------------------------

    def toggle(self) -> None:
        src = self.source
        if src is None:
            return
        if src.paused:
            src.play()
        else:
            src.pause()
        self.refresh()

    def step(self) -> None:
        src = self.source
        if src is None:
            return
        if not src.paused:
            src.pause()
        src.step()
        self.refresh()

    def seek(self, position_s: float) -> None:
        src = self.source
        if src is not None and src.seekable:
            src.seek(position_s)
            self._show_position(position_s)

    def jump(self, delta_s: float) -> None:
        src = self.source
        if src is not None and src.seekable:
            self.seek(src.position_s + delta_s)

    def set_speed(self, speed: float) -> None:
        if self.source is not None:
            self.source.set_speed(speed)
            self._show_speed(speed)

    def _on_speed(self, index: int) -> None:
        speed = self.speed_combo.itemData(index)
        if self.source is not None:
            self.source.set_speed(speed)
        if speed is not None:
            self.speed_chosen.emit(float(speed))

    def _on_loop(self, on: bool) -> None:
        if self.source is not None:
            self.source.loop = on
        self.loop_chosen.emit(on)

    def _on_slider_value(self, value: int) -> None:
        if self.slider.isSliderDown():  # dragging: show where it would go
            self._show_time(value / TICKS_PER_S)
            return
        self.seek(value / TICKS_PER_S)  # a click on the groove, a key

    def _on_slider_released(self) -> None:
        self.seek(self.slider.value() / TICKS_PER_S)

    # --- display -----------------------------------------------------------------------------

    def timerEvent(self, event: QTimerEvent) -> None:
        self.refresh()

    def refresh(self) -> None:
        src = self.source
        playing = src is not None and not src.paused
        if playing != self._shown_playing:  # 10 times a second: touch the action on change only
            self._shown_playing = playing
            px = self.style().StandardPixmap
            self.play_action.setText(self.tr("Pause") if playing else self.tr("Play"))
            self.play_action.setIcon(
                self.style().standardIcon(px.SP_MediaPause if playing else px.SP_MediaPlay)
            )
        seekable = src is not None and src.seekable
        self.slider.setEnabled(seekable)
        for a in (self.back_action, self.forward_action):
            a.setEnabled(seekable)
        if src is None:
            self.time_label.setText(self.tr("no replay"))
            return
        if not seekable:
            self.time_label.setText(self.tr("live") if self._live else "—")
            self.slider.setToolTip(self.tr("This source has no timeline to seek in"))
            return
        length = src.length_s or 0.0
        with QSignalBlocker(self.slider):
            self.slider.setMaximum(round(length * TICKS_PER_S))
        if not self.slider.isSliderDown():
            self._show_position(src.position_s)

    def _show_position(self, position_s: float) -> None:
        with QSignalBlocker(self.slider):
            self.slider.setValue(round(position_s * TICKS_PER_S))
        self._show_time(position_s)

    def _show_time(self, position_s: float) -> None:
        src = self.source
        length = (src.length_s or 0.0) if src is not None else 0.0
        text = f"{clock_text(position_s)} / {clock_text(length)}"
        self.time_label.setText(text)
        wall = src.position_wall_ms if src is not None else None
        at_end = src is not None and src.at_end
        tip = self.tr("end of the replay") if at_end else ""
        if wall is not None:
            stamp = date_time(wall / 1000.0, seconds=True)
            if at_end:
                tip = self.tr("recorded at {time} — end of the replay").format(time=stamp)
            else:
                tip = self.tr("recorded at {time}").format(time=stamp)
        self.time_label.setToolTip(tip)
