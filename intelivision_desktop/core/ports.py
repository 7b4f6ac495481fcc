"""The seams between the Session and its parts: sources, analyzers, recorders.

Implementations live in ``io/`` (sources, links, recorder files) and ``core/`` (the embedded
rules analyzer). The Session is the one object they all talk to, through the sink protocols.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

from intelivision_desktop.core.channels import FloatArray
from intelivision_desktop.core.model import Alert, Description, Frame, LinkState, Summary, Window


class SourceSink(Protocol):
    """What a source calls (always on the loop thread)."""

    def push_frames(self, frames: Sequence[Frame]) -> None: ...
    def push_samples(
        self,
        device_id: str,
        t_ms: FloatArray,
        columns: Mapping[str, FloatArray],
        rate_hz: float = 1000.0,
    ) -> None:
        """Raw numeric samples, epoch ms times (a serial board's channels)."""
        ...

    def set_state(self, component: str, state: LinkState, detail: str = "") -> None: ...
    def problem(self, component: str, kind: str, message: str, count: int = 1) -> None: ...
    def device_gone(self, device_id: str) -> None:
        """A device's connection ended (sources that serve several devices)."""
        ...

    def rewind(self, position_s: float) -> None:
        """The source jumped on its timeline (a replay seek) and now stands at ``position_s``."""
        ...


class AnalyzerSink(SourceSink, Protocol):
    """What an analyzer calls, in addition to the source calls."""

    def publish(self, description: Description) -> None: ...
    def count(self, kind: str, n: int = 1) -> None: ...
    def window_closed(self, window: Window, summary: Summary, relevant: bool) -> None:
        """A window was closed and judged (every one, relevant or not)."""
        ...


class Source(Protocol):
    """A producer of frames, chosen by URL."""

    @property
    def url(self) -> str:
        """The source's URL (no secrets: it goes into logs and recording headers)."""
        ...

    @property
    def live(self) -> bool:
        """True when arrival time is wall time; False for replays (the recording's clock)."""
        ...

    async def run(self, sink: SourceSink) -> None:
        """Produce frames until finished (return) or cancelled."""
        ...


class Analyzer(Protocol):
    """Turns frames into descriptions (embedded rules, Bedrock, a remote backend)."""

    @property
    def url(self) -> str: ...

    def bind(self, sink: AnalyzerSink) -> None: ...

    def submit(self, frame: Frame) -> None:
        """Hand over one frame. Must be fast and never block."""
        ...

    def device_gone(self, device_id: str) -> None:
        """Forget a device's state (its connection ended)."""
        ...

    async def run(self) -> None:
        """Background work (connections, requests); returns when cancelled or done."""
        ...


class Recorder(Protocol):
    def write_frames(self, frames: Sequence[Frame]) -> None: ...
    def write_samples(
        self, device_id: str, t_ms: FloatArray, columns: Mapping[str, FloatArray]
    ) -> None: ...
    def write_description(self, description: Description) -> None: ...
    def write_alert(self, alert: Alert) -> None: ...
    def close(self) -> None: ...


# --- capabilities: what some sources and analyzers can do beyond the basic protocol ------------
# Declared here so the Session, the controller and the panels ask ``isinstance(x, Capability)``
# instead of probing attribute names.


@runtime_checkable
class WarmsUp(Protocol):
    """An analyzer with a connection to make before frames are worth sending (a backend link):
    the Session waits for it, bounded, before starting its source."""

    async def ready(self, timeout_s: float | None = None) -> bool: ...


@runtime_checkable
class Drainable(Protocol):
    """An analyzer with answers still on their way when the source ends."""

    async def drain(self, timeout_s: float) -> bool: ...


@runtime_checkable
class Rewindable(Protocol):
    """An analyzer that forgets its open windows itself when a replay jumps (others are told
    that every device left)."""

    def rewind(self) -> None: ...


@runtime_checkable
class DeviceHost(Protocol):
    """A source that serves devices and sends each its descriptions (local backend mode)."""

    def deliver(self, description: Description) -> None: ...

    def device_urls(self) -> dict[str, str]:
        """The URLs devices connect to, by protocol (tokens included: for the operator)."""
        ...


@runtime_checkable
class WindowWatcher(Protocol):
    """A source that wants every closed window of its devices (local backend mode's observer
    stream)."""

    def observe_window(self, window: Window, summary: Summary, relevant: bool) -> None: ...
