"""The embedded analyzer with the offline rules: the backend's pipeline, in-process."""

from __future__ import annotations

from collections.abc import Callable

from intelivision_desktop.core.analysis import (
    Aggregator,
    AnalysisConfig,
    RelevanceFilter,
    describe_rules,
    summarize,
)
from intelivision_desktop.core.model import Description, Frame, LinkState, Window
from intelivision_desktop.core.ports import AnalyzerSink


class _DeviceState:
    __slots__ = ("aggregator", "relevance")

    def __init__(self, device_id: str, config: AnalysisConfig) -> None:
        self.aggregator = Aggregator(device_id, config)
        self.relevance = RelevanceFilter()


class RulesAnalyzer:
    """``embedded://rules``: per-device windows, relevance, and the §4 fallback phrases.

    Time comes from the frames (their session-clock arrival), so a replay at any speed gives
    the descriptions of the original run. ``perf_clock`` (seconds, monotonic) is only used to
    report processing latency.
    """

    url = "embedded://rules"
    source_name = "rules"

    def __init__(
        self,
        config: AnalysisConfig | None = None,
        perf_clock: Callable[[], float] | None = None,
    ) -> None:
        self.config = config or AnalysisConfig()
        self._perf = perf_clock
        self._devices: dict[str, _DeviceState] = {}
        self._sink: AnalyzerSink | None = None

    def bind(self, sink: AnalyzerSink) -> None:
        self._sink = sink

    def device_gone(self, device_id: str) -> None:
        self._devices.pop(device_id, None)

    async def run(self) -> None:
        if self._sink is not None:
            self._sink.set_state("analyzer", LinkState.LIVE, "offline rules")

    def submit(self, frame: Frame) -> None:
        state = self._devices.get(frame.device_id)
        if state is None:
            state = self._devices[frame.device_id] = _DeviceState(frame.device_id, self.config)
        window = state.aggregator.push(frame)
        if window is not None:
            t0 = self._perf() if self._perf else None
            self._describe(state, window, t0)

    def _describe(self, state: _DeviceState, window: Window, t0: float | None) -> None:
        sink = self._sink
        summary = summarize(window.frames)
        if sink:
            sink.count("windows")
        now = window.closed_ms
        text = describe_rules(summary) if state.relevance.judge(summary, now) else None
        if text is None:
            if sink:
                sink.count("not_relevant")
            return
        state.relevance.described(summary, now)
        latency = (self._perf() - t0) * 1000.0 if self._perf and t0 is not None else None
        if sink:
            sink.publish(
                Description(
                    device_id=window.device_id,
                    text=text,
                    t_ms=now,
                    source=self.source_name,
                    fallback=False,
                    latency_ms=latency,
                    summary=summary,
                    window_start_ms=window.start_ms,
                    window_end_ms=window.last_ms,
                )
            )
