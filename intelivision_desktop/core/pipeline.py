"""One device's analysis, the backend's heart (PROTOCOL §3): frames in, windows out, relevance
decided, what was said remembered — with its whole state exportable to plain JSON-able data
and restorable, so a stateless handler (a Lambda invocation) can keep it between calls.

Every analyzer uses it: the embedded rules, the Bedrock analyzers, the link's failover, and
the serverless handlers. Time comes from the frames (their arrival on the session clock), so
the same frames give the same windows and the same descriptions everywhere.

A :class:`DevicePipeline` does not describe by itself: :meth:`DevicePipeline.push` returns a
:class:`ClosedWindow` with its summary and relevance verdict; whoever describes it (the rules
at once, Bedrock later) calls :meth:`DevicePipeline.said` when a description is published, so
the relevance memory holds only what was really said.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from intelivision_desktop.core.analysis import (
    Aggregator,
    AnalysisConfig,
    RelevanceFilter,
    describe_rules,
    summarize,
)
from intelivision_desktop.core.codec import (
    FrameError,
    decode_frame,
    decode_summary,
    encode_frame,
    encode_summary,
)
from intelivision_desktop.core.model import Description, Frame, Summary, Window

STATE_VERSION = 1
"""Version of :meth:`DevicePipeline.export_state`'s format."""


class PipelineStateError(ValueError):
    """Exported state that cannot be restored (wrong version, malformed); the message says why."""


@dataclass(frozen=True, slots=True)
class ClosedWindow:
    """A window the aggregation closed, summarised and judged."""

    window: Window
    summary: Summary
    relevant: bool
    """New against what this device was last told (PROTOCOL §3's relevance rules)."""

    @property
    def device_id(self) -> str:
        return self.window.device_id

    @property
    def closed_ms(self) -> float:
        return self.window.closed_ms


@dataclass(slots=True)
class PipelineCounts:
    """What one device's pipeline has seen."""

    frames: int = 0
    windows: int = 0
    not_relevant: int = 0
    """Windows judged not new (and answers meaning "nothing new", counted by the describer)."""
    said: int = 0
    """Descriptions published for this device."""


class DevicePipeline:
    """One device's aggregation window, relevance memory and counts."""

    __slots__ = ("aggregator", "config", "counts", "device_id", "relevance")

    def __init__(self, device_id: str, config: AnalysisConfig | None = None) -> None:
        self.device_id = device_id
        self.config = config or AnalysisConfig()
        self.aggregator = Aggregator(device_id, self.config)
        self.relevance = RelevanceFilter()
        self.counts = PipelineCounts()

    # --- the flow -------------------------------------------------------------------------

    def push(self, frame: Frame, now_ms: float | None = None) -> ClosedWindow | None:
        """Add a frame; return the window it closes, summarised and judged, if any."""
        self.counts.frames += 1
        window = self.aggregator.push(frame, now_ms)
        if window is None:
            return None
        self.counts.windows += 1
        summary = summarize(window.frames)
        relevant = self.relevance.judge(summary, window.closed_ms)
        if not relevant:
            self.counts.not_relevant += 1
        return ClosedWindow(window, summary, relevant)

    def said(self, closed: ClosedWindow) -> None:
        """A description of ``closed`` was published: it is what this device was last told."""
        self.relevance.described(closed.summary, closed.closed_ms)
        self.counts.said += 1

    def not_new(self) -> None:
        """The describer judged a relevant window not new after all (an AI's "nothing new")."""
        self.counts.not_relevant += 1

    def rules(self, closed: ClosedWindow) -> str | None:
        """The offline phrase (§4) for a relevant window, remembered as said; else None."""
        if not closed.relevant:
            return None
        text = describe_rules(closed.summary)
        if text is None:
            self.counts.not_relevant += 1
            return None
        self.said(closed)
        return text

    # --- state ----------------------------------------------------------------------------

    @property
    def open_frames(self) -> tuple[Frame, ...]:
        """The frames of the window being gathered."""
        return self.aggregator.frames

    def export_state(self, *, with_frames: bool = True) -> dict[str, Any]:
        """The whole state as JSON-able data. ``with_frames=False`` leaves out the open
        window's frames, for a store that keeps them elsewhere (one item per frame) and hands
        them back to :meth:`from_state`."""
        last = self.relevance.last
        state: dict[str, Any] = {
            "v": STATE_VERSION,
            "device": self.device_id,
            "window_ms": self.config.window_ms,
            "max_size": self.config.max_size,
            "last_processed_ms": self.aggregator.last_processed_ms,
            "said": None
            if last is None
            else {"at_ms": last[1], "summary": encode_summary(last[0])},
            "counts": {
                "frames": self.counts.frames,
                "windows": self.counts.windows,
                "not_relevant": self.counts.not_relevant,
                "said": self.counts.said,
            },
        }
        if with_frames:
            state["frames"] = [export_frame(f) for f in self.open_frames]
        return state

    @classmethod
    def from_state(
        cls,
        state: Mapping[str, Any],
        frames: list[Frame] | None = None,
        config: AnalysisConfig | None = None,
    ) -> DevicePipeline:
        """Rebuild a pipeline from :meth:`export_state`'s data (``frames`` when they were
        kept elsewhere). Raises :class:`PipelineStateError`."""
        try:
            if state.get("v") != STATE_VERSION:
                raise PipelineStateError(f"pipeline state version {state.get('v')!r} unknown")
            device = state["device"]
            if not isinstance(device, str):
                raise PipelineStateError("pipeline state: device is not text")
            cfg = config or AnalysisConfig(int(state["window_ms"]), int(state["max_size"]))
            pipe = cls(device, cfg)
            if frames is None:
                frames = [import_frame(device, f) for f in state.get("frames") or []]
            pipe.aggregator.restore(frames, float(state["last_processed_ms"]))
            said = state.get("said")
            if said is not None:
                pipe.relevance.restore(decode_summary(said["summary"]), float(said["at_ms"]))
            counts = state.get("counts") or {}
            pipe.counts = PipelineCounts(
                **{k: int(counts.get(k, 0)) for k in ("frames", "windows", "not_relevant", "said")}
            )
        except PipelineStateError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise PipelineStateError(f"pipeline state unreadable: {exc!r:.200}") from None
        return pipe


def export_frame(frame: Frame) -> dict[str, Any]:
    """A frame as stored with a pipeline's state: its wire payload and its arrival time."""
    return {"t": frame.arrival_ms, "wire": encode_frame(frame)}


def import_frame(device_id: str, item: Mapping[str, Any]) -> Frame:
    """The inverse of :func:`export_frame`. Raises :class:`PipelineStateError`."""
    try:
        return decode_frame(item["wire"], device_id=device_id, arrival_ms=float(item["t"]))
    except (KeyError, TypeError, ValueError, FrameError) as exc:
        raise PipelineStateError(f"stored frame unreadable: {exc!s:.200}") from None


@dataclass(slots=True)
class Pipelines:
    """The pipelines of every device of a session, created on first sight."""

    config: AnalysisConfig = field(default_factory=AnalysisConfig)
    _by_device: dict[str, DevicePipeline] = field(default_factory=dict)

    def of(self, device_id: str) -> DevicePipeline:
        pipe = self._by_device.get(device_id)
        if pipe is None:
            pipe = self._by_device[device_id] = DevicePipeline(device_id, self.config)
        return pipe

    def push(self, frame: Frame) -> ClosedWindow | None:
        return self.of(frame.device_id).push(frame)

    def gone(self, device_id: str) -> None:
        """Forget a device (its connection ended), as the backend drops a client's state."""
        self._by_device.pop(device_id, None)

    def __iter__(self) -> Iterator[DevicePipeline]:
        return iter(list(self._by_device.values()))

    def __contains__(self, device_id: object) -> bool:
        return device_id in self._by_device


def description_of(
    closed: ClosedWindow,
    text: str,
    *,
    source: str,
    t_ms: float | None = None,
    fallback: bool = False,
    latency_ms: float | None = None,
    detail: Mapping[str, Any] | None = None,
) -> Description:
    """The :class:`Description` of a closed window (one place that assembles it)."""
    w = closed.window
    return Description(
        device_id=w.device_id,
        text=text,
        t_ms=w.closed_ms if t_ms is None else t_ms,
        source=source,
        fallback=fallback,
        latency_ms=latency_ms,
        summary=closed.summary,
        window_start_ms=w.start_ms,
        window_end_ms=w.last_ms,
        detail=dict(detail or {}),
    )
