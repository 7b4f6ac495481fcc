"""The embedded analyzer with the offline rules: the backend's pipeline, in-process."""

from __future__ import annotations

from collections.abc import Callable

from intelivision_desktop.core.analysis import AnalysisConfig
from intelivision_desktop.core.model import Frame, LinkState
from intelivision_desktop.core.pipeline import ClosedWindow, Pipelines, description_of
from intelivision_desktop.core.ports import AnalyzerSink


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
        self.pipelines = Pipelines(self.config)
        self._sink: AnalyzerSink | None = None

    def bind(self, sink: AnalyzerSink) -> None:
        self._sink = sink

    def device_gone(self, device_id: str) -> None:
        self.pipelines.gone(device_id)

    async def run(self) -> None:
        if self._sink is not None:
            self._sink.set_state("analyzer", LinkState.LIVE, "offline rules")

    def submit(self, frame: Frame) -> None:
        t0 = self._perf() if self._perf else None
        closed = self.pipelines.push(frame)
        if closed is not None:
            self._describe(closed, t0)

    def _describe(self, closed: ClosedWindow, t0: float | None) -> None:
        sink = self._sink
        if sink:
            sink.window_closed(closed.window, closed.summary, closed.relevant)
        text = self.pipelines.of(closed.device_id).rules(closed)
        if text is None:
            if sink:
                sink.count("not_relevant")
            return
        latency = (self._perf() - t0) * 1000.0 if self._perf and t0 is not None else None
        if sink:
            sink.publish(description_of(closed, text, source=self.source_name, latency_ms=latency))
