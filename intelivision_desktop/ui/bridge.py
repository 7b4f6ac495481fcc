"""The thin Qt adapter over a Session: its events become Qt signals on the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from intelivision_desktop.core.model import (
    Alert,
    Description,
    Event,
    FrameBatch,
    Problem,
    Rewound,
    SampleBatch,
    StateChange,
)
from intelivision_desktop.core.session import Session


class SessionBridge(QObject):
    """Re-emits a Session's events as signals. The session runs on the same (qasync) loop."""

    frames = Signal(int)
    """Frames (or raw sample rows) in a batch; plots redraw on their own timer, not per batch."""
    description = Signal(object)
    """A :class:`Description`."""
    state = Signal(str, str, str)
    """component, state, detail."""
    problem = Signal(object)
    """A :class:`Problem`."""
    rewound = Signal(float)
    """The replay jumped to this position (seconds): the stores start afresh."""
    alert = Signal(object)
    """An :class:`Alert` (core/alerts.py)."""

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._unsubscribe = session.subscribe(self._on_event)

    def detach(self) -> None:
        self._unsubscribe()

    def _on_event(self, event: Event) -> None:
        if isinstance(event, FrameBatch):
            self.frames.emit(len(event.frames))
        elif isinstance(event, SampleBatch):
            self.frames.emit(event.count)
        elif isinstance(event, Description):
            self.description.emit(event)
        elif isinstance(event, StateChange):
            self.state.emit(event.component, event.state.value, event.detail)
        elif isinstance(event, Problem):
            self.problem.emit(event)
        elif isinstance(event, Rewound):
            self.rewound.emit(event.position_s)
        elif isinstance(event, Alert):
            self.alert.emit(event)
