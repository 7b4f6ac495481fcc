"""The Session hub: one source, one analyzer, an optional recorder, and listeners.

Every frame is decoded by the source, then here: recorded, stored as channels, handed to the
analyzer. Descriptions come back, are recorded, kept, and published. Alert rules
(:mod:`~intelivision_desktop.core.alerts`) watch frames, descriptions, problems and time;
their alerts are counted, kept, recorded and published like the rest. Listeners (the Qt
adapter, the headless printer, tests) receive typed events synchronously on the loop thread.
The session owns its tasks; :meth:`run` returns only when all of them have ended.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, deque
from collections.abc import Callable, Mapping, Sequence

from intelivision_desktop.core.alerts import AlertConfig, AlertRules
from intelivision_desktop.core.channels import ChannelStore, FloatArray, derive_channels
from intelivision_desktop.core.model import (
    Alert,
    Counters,
    Description,
    Event,
    Frame,
    FrameBatch,
    LinkState,
    Problem,
    Rewound,
    SampleBatch,
    StateChange,
    Summary,
    Window,
)
from intelivision_desktop.core.ports import (
    Analyzer,
    DeviceHost,
    Drainable,
    Recorder,
    Rewindable,
    Source,
    WarmsUp,
    WindowWatcher,
)
from intelivision_desktop.core.redact import redact

log = logging.getLogger(__name__)

Listener = Callable[[Event], None]

DEFAULT_HISTORY_S = 600.0
CAMERA_MAX_HZ = 10.0
MAX_DESCRIPTIONS_KEPT = 50_000
MAX_ALERTS_KEPT = 10_000
ALERT_TICK_S = 1.0
"""How often, with a live source, the alert rules are told the time (silent devices)."""
DRAIN_S = 10.0
"""Longest wait, once the source has ended, for analyzers that have answers on their way
(optional ``async drain(timeout_s)`` on the analyzer)."""


class Session:
    """Wires a source to an analyzer, a recorder and the listeners."""

    def __init__(
        self,
        source: Source,
        analyzer: Analyzer,
        recorder: Recorder | None = None,
        *,
        history_s: float = DEFAULT_HISTORY_S,
        alerts: AlertConfig | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        """``alerts``: the alert thresholds (defaults if None). ``clock``: epoch ms now, for
        the alert rules' 1 Hz tick while a live source sends nothing (core reads no clock of
        its own; without one, and for replays, time advances with the frames only)."""
        self.source = source
        # what the source can do, asked once: isinstance against a Protocol takes about 3 µs,
        # and these are asked on every window and every description
        self._host = source if isinstance(source, DeviceHost) else None
        self._watcher = source if isinstance(source, WindowWatcher) else None
        self.analyzer = analyzer
        self.recorder = recorder
        self.history_s = history_s
        self.stores: dict[str, ChannelStore] = {}
        """Channel store per device id."""
        self.descriptions: deque[Description] = deque(maxlen=MAX_DESCRIPTIONS_KEPT)
        self.states: dict[str, tuple[LinkState, str]] = {
            "source": (LinkState.IDLE, ""),
            "analyzer": (LinkState.IDLE, ""),
        }
        self._listeners: list[Listener] = []
        self._counts: Counter[str] = Counter()
        self._problems: Counter[str] = Counter()
        self.last_problem: Problem | None = None
        self._stop: asyncio.Event | None = None
        self._tg: asyncio.TaskGroup | None = None
        self._ana_task: asyncio.Task[None] | None = None
        self.last_frame_ms: float | None = None
        self._latency: dict[str, float] = {}
        self._clock = clock
        self.alert_rules = AlertRules(alerts)
        self.alerts: deque[Alert] = deque(maxlen=MAX_ALERTS_KEPT)
        """Alerts raised, oldest first (the last MAX_ALERTS_KEPT)."""
        analyzer.bind(self)

    # --- listeners ------------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Add a listener; returns a function that removes it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _emit(self, event: Event) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:  # a broken listener must not stop the data
                log.exception("session listener failed on %s", type(event).__name__)

    # --- sinks (called by source and analyzer) --------------------------------------------

    def push_frames(self, frames: Sequence[Frame]) -> None:
        if not frames:
            return
        batch = tuple(frames)
        self._counts["frames"] += len(batch)
        if self.recorder is not None:
            try:
                self.recorder.write_frames(batch)
                self._counts["recorded"] += len(batch)
            except (OSError, ValueError) as exc:  # disk full, closed file: say so, go on
                written = getattr(exc, "written", 0)  # a partly written batch
                self._counts["recorded"] += written if isinstance(written, int) else 0
                self.problem("recorder", "record_failed", f"recording failed: {exc}")
        coerced = sum(f.coerced for f in batch)
        if coerced and self._problems["coerced"]:
            self._problems["coerced"] += coerced  # counted; said once
        elif coerced:
            # numeric text ("confianza": "0.9") read as numbers, as the Node backend does
            self.problem("source", "coerced", "numeric text read as a number", coerced)
        for f in batch:
            values = derive_channels(f)
            latency = self._latency.get(f.device_id)
            if latency is not None:
                values["latency_ms"] = latency  # held until the next description
            self.store_for(f.device_id).append(f.arrival_ms / 1000.0, values)
        self.last_frame_ms = batch[-1].arrival_ms
        self._emit(FrameBatch(batch))
        raised: list[Alert] = []
        for f in batch:
            raised += self.alert_rules.on_frame(f)
        raised += self.alert_rules.tick(max(f.arrival_ms for f in batch))
        self._raise_alerts(raised)
        for f in batch:
            try:
                self.analyzer.submit(f)
            except Exception as exc:
                log.exception("analyzer failed on a frame")
                self.problem("analyzer", "analyzer_error", f"analyzer error: {exc}")

    def store_for(self, device_id: str, rate_hz: float = CAMERA_MAX_HZ) -> ChannelStore:
        """The device's channel store, created to hold ``history_s`` at ``rate_hz``."""
        store = self.stores.get(device_id)
        if store is None:
            cap = max(64, int(self.history_s * rate_hz))
            store = self.stores[device_id] = ChannelStore(cap)
        return store

    def push_samples(
        self,
        device_id: str,
        t_ms: FloatArray,
        columns: Mapping[str, FloatArray],
        rate_hz: float = 1000.0,
    ) -> None:
        """Raw numeric samples (serial devices): recorded and stored, not analysed."""
        n = len(t_ms)
        if n == 0:
            return
        self._counts["samples"] += n
        if self.recorder is not None:
            try:
                self.recorder.write_samples(device_id, t_ms, columns)
            except (OSError, ValueError) as exc:
                self.problem("recorder", "record_failed", f"recording failed: {exc}")
        self.store_for(device_id, rate_hz).extend(t_ms / 1000.0, columns)
        self.last_frame_ms = float(t_ms[-1])
        self._emit(SampleBatch(device_id, n))
        self.alert_rules.on_activity(device_id, float(t_ms[-1]))
        self._raise_alerts(self.alert_rules.tick(float(t_ms[-1])))

    def device_gone(self, device_id: str) -> None:
        """A device's connection ended: its analyzer state goes, as the backend's does (and
        the alert rules forget it: a device that left is not silent)."""
        self.alert_rules.on_device_gone(device_id)
        try:
            self.analyzer.device_gone(device_id)
        except Exception:
            log.exception("analyzer failed to forget %s", device_id)

    def rewind(self, position_s: float) -> None:
        """The source jumped on its timeline (a replay seek): empty the channel stores and the
        descriptions kept, and let the analyzer forget its open windows, so no window spans
        the jump (a recording, if one is being made, keeps everything).

        An analyzer with an ``rewind()`` of its own is asked to use it (a backend link keeps
        its connections); otherwise each device is forgotten as if it had left.
        """
        if isinstance(self.analyzer, Rewindable):
            try:
                self.analyzer.rewind()
            except Exception:
                log.exception("analyzer failed to rewind")
        else:
            for device_id in list(self.stores):
                self.device_gone(device_id)
        self.stores.clear()
        self.descriptions.clear()  # what is in memory starts at the new position, as the stores
        self._latency.clear()
        self.alert_rules.reset()  # no episode spans the jump (alerts already raised are kept)
        self.last_frame_ms = None
        self._counts["rewinds"] += 1
        self._emit(Rewound(position_s))

    def publish(self, description: Description) -> None:
        self._counts["descriptions"] += 1
        if description.latency_ms is not None:
            self._latency[description.device_id] = description.latency_ms
        self.descriptions.append(description)
        if self.recorder is not None:
            try:
                self.recorder.write_description(description)
            except (OSError, ValueError) as exc:
                self.problem("recorder", "record_failed", f"recording failed: {exc}")
        if self._host is not None:  # it answers the device described
            try:
                self._host.deliver(description)
            except Exception:
                log.exception("delivering a description to its device failed")
        self._emit(description)
        self._raise_alerts(self.alert_rules.on_description(description))

    def count(self, kind: str, n: int = 1) -> None:
        self._counts[kind] += n

    def window_closed(self, window: Window, summary: Summary, relevant: bool) -> None:
        """The analyzer closed and judged a window: counted, and shown to a source that
        watches windows (local backend mode's observers)."""
        self._counts["windows"] += 1
        if self._watcher is not None:
            try:
                self._watcher.observe_window(window, summary, relevant)
            except Exception:
                log.exception("a source failed to take a window")

    def set_state(self, component: str, state: LinkState, detail: str = "") -> None:
        """Publish a component's state. ``detail`` is redacted here, so no component can put
        a token on the status line, in the log or in a recording."""
        detail = redact(detail)
        if self.states.get(component) == (state, detail):
            return
        self.states[component] = (state, detail)
        level = logging.WARNING if state is LinkState.FAILED else logging.INFO
        log.log(level, "%s: %s%s", component, state.value, f" ({detail})" if detail else "")
        self._emit(StateChange(component, state, detail))

    def problem(self, component: str, kind: str, message: str, count: int = 1) -> None:
        """Count and publish a problem; ``message`` is redacted (see :meth:`set_state`)."""
        message = redact(message)
        self._problems[kind] += count
        if kind == "malformed":
            self._counts["malformed"] += count
        p = Problem(component, kind, message)
        self.last_problem = p
        self._emit(p)
        self._raise_alerts(self.alert_rules.on_problem(component, kind, self.now_ms(), message))

    # --- alerts ---------------------------------------------------------------------------

    def now_ms(self) -> float:
        """The session clock: the clock given for a live source, else the last frame's time
        (0 before any)."""
        if self._clock is not None and self.source.live:
            return self._clock()
        return self.last_frame_ms if self.last_frame_ms is not None else 0.0

    def tick_alerts(self, now_ms: float | None = None) -> None:
        """Tell the alert rules the time (``now_ms``, or :meth:`now_ms`)."""
        self._raise_alerts(self.alert_rules.tick(self.now_ms() if now_ms is None else now_ms))

    def _raise_alerts(self, alerts: Sequence[Alert]) -> None:
        for alert in alerts:
            self._counts["alerts"] += 1
            self.alerts.append(alert)
            log.info("alert %s: %s", alert.kind.value, alert.message)  # the event is the warning
            if self.recorder is not None:
                try:
                    self.recorder.write_alert(alert)
                except (OSError, ValueError) as exc:
                    self.problem("recorder", "record_failed", f"recording failed: {exc}")
            self._emit(alert)

    async def _run_alert_clock(self) -> None:
        """The alert rules' 1 Hz tick while a live source runs (a device that goes quiet
        sends no frame to say so); replays keep their own time, through their frames."""
        while True:
            await asyncio.sleep(ALERT_TICK_S)
            if self._clock is not None and self.source.live:
                self.tick_alerts()

    # --- state ----------------------------------------------------------------------------

    def counters(self) -> Counters:
        c = self._counts
        return Counters(
            frames=c["frames"],
            windows=c["windows"],
            descriptions=c["descriptions"],
            not_relevant=c["not_relevant"],
            malformed=c["malformed"],
            problems=dict(self._problems),
            recorded=c["recorded"],
            samples=c["samples"],
            alerts=c["alerts"],
        )

    def set_analyzer(self, analyzer: Analyzer) -> None:
        """Swap the analyzer while running (the source and recorder go on undisturbed)."""
        old_task = self._ana_task
        self.analyzer = analyzer
        analyzer.bind(self)
        self.set_state("analyzer", LinkState.IDLE, analyzer.url)
        if self._tg is not None:
            if old_task is not None:
                old_task.cancel()
            self._ana_task = self._tg.create_task(self._run_analyzer(), name="session-analyzer")

    def set_recorder(self, recorder: Recorder | None) -> None:
        """Start, stop or switch recording while running; the old recorder is closed."""
        old, self.recorder = self.recorder, recorder
        if old is not None and old is not recorder:
            try:
                old.close()
            except (OSError, ValueError) as exc:
                self.problem("recorder", "record_failed", f"closing the recording: {exc}")

    # --- lifecycle ------------------------------------------------------------------------

    def stop(self) -> None:
        """Ask :meth:`run` to end (safe to call before or during run, more than once)."""
        if self._stop is None:
            self._stop = asyncio.Event()
        self._stop.set()

    async def _run_source(self) -> None:
        self.set_state("source", LinkState.CONNECTING, self.source.url)
        try:
            await self.source.run(self)
        except asyncio.CancelledError:
            self.set_state("source", LinkState.STOPPED)
            raise
        except Exception as exc:
            log.exception("source %s failed", self.source.url)
            self.set_state("source", LinkState.FAILED, str(exc) or type(exc).__name__)
        else:
            self.set_state("source", LinkState.FINISHED)

    async def _run_analyzer(self) -> None:
        try:
            await self.analyzer.run()
            await asyncio.Event().wait()  # an analyzer with no background work stays bound
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("analyzer %s failed", self.analyzer.url)
            self.set_state("analyzer", LinkState.FAILED, str(exc) or type(exc).__name__)

    async def run(self, duration_s: float | None = None) -> None:
        """Run until the source finishes, :meth:`stop` is called, or ``duration_s`` passes."""
        if self._stop is None:
            self._stop = asyncio.Event()
        stop = self._stop
        try:
            async with asyncio.TaskGroup() as tg:
                self._tg = tg
                self._ana_task = tg.create_task(self._run_analyzer(), name="session-analyzer")
                await asyncio.sleep(0)  # let the analyzer come up before the first frame
                if isinstance(self.analyzer, WarmsUp):
                    # a backend link: its first connection before the first frame, as a device
                    # connects and then streams (bounded by the link's warm-up time)
                    waiter = tg.create_task(self.analyzer.ready(), name="session-analyzer-ready")
                    early = tg.create_task(stop.wait(), name="session-stop-early")
                    await asyncio.wait({waiter, early}, return_when=asyncio.FIRST_COMPLETED)
                    waiter.cancel()
                    early.cancel()
                src = tg.create_task(self._run_source(), name="session-source")
                stopper = tg.create_task(stop.wait(), name="session-stop")
                ticker = tg.create_task(self._run_alert_clock(), name="session-alert-clock")
                loop = asyncio.get_running_loop()
                deadline = None if duration_s is None else loop.time() + duration_s
                await asyncio.wait(
                    {src, stopper}, timeout=duration_s, return_when=asyncio.FIRST_COMPLETED
                )
                drainable = self.analyzer if isinstance(self.analyzer, Drainable) else None
                if src.done() and not stopper.done() and drainable is not None:
                    # the source ended: let answers already asked for arrive (bounded)
                    budget = DRAIN_S
                    if deadline is not None:
                        budget = min(budget, max(0.0, deadline - loop.time()))
                    drainer = tg.create_task(drainable.drain(budget), name="session-drain")
                    await asyncio.wait(
                        {stopper, drainer}, timeout=budget + 1, return_when=asyncio.FIRST_COMPLETED
                    )
                    drainer.cancel()
                self._tg = None
                for task in (src, self._ana_task, stopper, ticker):
                    task.cancel()
        finally:
            if self.states["analyzer"][0] not in (LinkState.FAILED,):
                self.set_state("analyzer", LinkState.STOPPED)
            if self.recorder is not None:
                try:
                    self.recorder.close()
                except (OSError, ValueError) as exc:
                    self.problem("recorder", "record_failed", f"closing the recording: {exc}")
