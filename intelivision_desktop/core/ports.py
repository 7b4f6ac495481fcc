"""The seams between the Session and its parts: sources, analyzers, recorders.

Implementations live in ``io/`` (sources, links, recorder files) and ``core/`` (the embedded
rules analyzer). The Session is the one object they all talk to, through the sink protocols.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

from intelivision_desktop.core.channels import FloatArray
from intelivision_desktop.core.fleet import FleetDevice
from intelivision_desktop.core.model import (
    Alert,
    Description,
    Frame,
    LinkState,
    LinkStats,
    Summary,
    Window,
)
from intelivision_desktop.core.serial_settings import MonitorLine


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


@runtime_checkable
class Playback(Protocol):
    """A source an operator can pause, step and speed up (a replay, a generated scene); one
    with a timeline (:attr:`seekable`) can also be sought. Called on the loop's thread."""

    loop: bool
    """Start again at the end."""
    hold_at_end: bool
    """At the end, wait paused to be sought or played again instead of finishing (the GUI)."""

    @property
    def title(self) -> str:
        """What is played, in a few words (a recording's file name)."""
        ...

    @property
    def live(self) -> bool:
        """Made now (a generated scene) rather than read from a file."""
        ...

    @property
    def paused(self) -> bool: ...

    @property
    def speed(self) -> float | None:
        """The pace factor (None: as fast as possible)."""
        ...

    def set_speed(self, speed: float | None) -> None: ...

    def play(self) -> None:
        """Resume; at the end of a replay, start it again."""
        ...

    def pause(self) -> None: ...

    def step(self) -> None:
        """While paused: the next frame (or sample block)."""
        ...

    @property
    def seekable(self) -> bool:
        """Whether :meth:`seek` works (the timeline is indexed)."""
        ...

    @property
    def length_s(self) -> float | None:
        """How long the timeline plays at 1× (None: not known, or endless)."""
        ...

    @property
    def position_s(self) -> float:
        """Where the replay stands: seconds from the start of its timeline."""
        ...

    @property
    def position_wall_ms(self) -> float | None:
        """The recorded time (the file's own clock) of the last item handed over."""
        ...

    @property
    def at_end(self) -> bool: ...

    def seek(self, position_s: float) -> None:
        """Continue from ``position_s`` (clamped to the timeline); kept paused if paused."""
        ...


@runtime_checkable
class RawLines(Protocol):
    """A source whose raw lines can be watched as received (the serial monitor)."""

    def monitor_since(self, seq: int) -> tuple[int, list[MonitorLine]]:
        """The raw lines received after ``seq`` (0 at first) and the number to ask with next."""
        ...


@runtime_checkable
class LineDevice(RawLines, Protocol):
    """A source that is one line-oriented device (a serial board): the operator sends it
    lines, sets its control lines, watches its counters (and its raw lines)."""

    channel_cap: int
    """Numeric channels kept per line (values beyond are counted as ``capped_fields``)."""

    @property
    def state(self) -> LinkState: ...

    @property
    def stats(self) -> Mapping[str, int]:
        """Counters: rows, frames, bad_lines, bad_fields, capped_fields, overlong, reconnects."""
        ...

    @property
    def board(self) -> tuple[str, str]:
        """The board's product name as its port reports it ("" when unknown), and the port."""
        ...

    @property
    def device_ids(self) -> tuple[str, ...]:
        """The device ids its data carry (numeric rows, JSON sensor frames)."""
        ...

    def send_line(self, text: str, eol: str | None = None) -> None:
        """Queue a line for the device (``eol``: lf, crlf, cr, none; default the URL's)."""
        ...

    def set_control_lines(self, dtr: bool, rts: bool) -> None: ...


class ServedDevice(Protocol):
    """A device connected (or once connected) to this app in local backend mode."""

    @property
    def device_id(self) -> str: ...
    @property
    def address(self) -> str: ...
    @property
    def user_agent(self) -> str: ...
    @property
    def connected(self) -> bool: ...
    @property
    def connected_at(self) -> float:
        """Wall time, epoch seconds."""
        ...

    @property
    def frames(self) -> int: ...
    @property
    def dropped(self) -> int: ...
    @property
    def malformed(self) -> int: ...
    @property
    def last_description(self) -> str: ...

    def rate(self) -> float:
        """Frames per second over the last few seconds."""
        ...


@runtime_checkable
class DeviceRoster(Protocol):
    """A source that accepts devices (local backend mode): who connected, who was refused."""

    @property
    def token(self) -> str:
        """The pairing token devices must present ("" on loopback only)."""
        ...

    @property
    def refused(self) -> int: ...

    @property
    def devices(self) -> Mapping[str, ServedDevice]: ...

    def device_urls(self) -> dict[str, str]: ...


@runtime_checkable
class FleetWatch(Protocol):
    """A source that watches a deployment's devices (the fleet console's observer stream)."""

    @property
    def fleet(self) -> Mapping[str, FleetDevice]:
        """The deployment's devices by id, first seen first."""
        ...


@runtime_checkable
class LinkReport(Protocol):
    """An analyzer that is a link to a deployed backend, with its live numbers."""

    @property
    def stats(self) -> LinkStats: ...


@runtime_checkable
class AnalyzerTotals(Protocol):
    """An analyzer that reports its own totals (the Bedrock analyzer: calls, tokens, …)."""

    def totals(self) -> Mapping[str, object]: ...
