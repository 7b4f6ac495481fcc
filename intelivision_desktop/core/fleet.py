"""The fleet console's view of one device of a deployment, and the observer URL prefix.

Pure: every method is given the time (our monotonic clock, seconds). :mod:`io.observer` keeps
one :class:`FleetDevice` per device of the stream it watches; the fleet panel shows them.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

PREFIX = "observe+"
"""An observer URL is a backend URL with this in front: ``observe+wss://HOST/STAGE``."""
SILENT_S = 10.0
"""A connected device with no event for this long is shown as silent."""
RATE_SPAN_S = 10.0


@dataclass(slots=True)
class FleetDevice:
    """What the fleet console knows of one device of the deployment."""

    device_id: str
    user_agent: str = ""
    address: str = ""
    connected_at: float | None = None
    """Epoch ms on the backend's clock (``device-connected``), None if never seen connecting."""
    last_seen: float | None = None
    """Epoch ms on the backend's clock of the device's last event."""
    last_seen_local: float = 0.0
    """Our monotonic clock at the device's last event (for ``silent``)."""
    connected: bool = True
    windows: int = 0
    frames: int = 0
    descriptions: int = 0
    fallbacks: int = 0
    last_description: str = ""
    _recent: deque[tuple[float, int]] = field(default_factory=lambda: deque(maxlen=512))

    def rate(self, now: float) -> float:
        """Frames per second over the last :data:`RATE_SPAN_S` seconds (our clock)."""
        while self._recent and now - self._recent[0][0] > RATE_SPAN_S:
            self._recent.popleft()
        return sum(n for _, n in self._recent) / RATE_SPAN_S

    def window_rate(self, now: float) -> float:
        """Windows per second over the last :data:`RATE_SPAN_S` seconds."""
        self.rate(now)
        return len(self._recent) / RATE_SPAN_S

    def fallback_rate(self) -> float | None:
        """Share of its descriptions the rules answered (the AI failed); None before any."""
        return self.fallbacks / self.descriptions if self.descriptions else None

    def state(self, now: float, silent_s: float = SILENT_S) -> str:
        """``connected``, ``silent`` (connected, nothing for ``silent_s``) or ``gone``.

        The window passes the silent alert's threshold for this device
        (:meth:`~intelivision_desktop.core.alerts.AlertRules.silent_threshold_s`, which
        follows its cadence), so the table and the Alerts list call the same devices silent.
        """
        if not self.connected:
            return "gone"
        return "silent" if now - self.last_seen_local > silent_s else "connected"
