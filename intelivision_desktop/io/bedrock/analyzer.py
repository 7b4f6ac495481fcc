"""The embedded Bedrock analyzer: the backend's pipeline in-process, described by Amazon Bedrock.

``embedded://bedrock-agent`` calls ``InvokeAgent``, as the deployed backend does;
``embedded://bedrock-model`` calls ``ConverseStream`` (:mod:`.client`). PROTOCOL.md §3–§5.

Pipeline per device: a :class:`~intelivision_desktop.core.pipeline.DevicePipeline`, as the
rules analyzer's: frames are windowed on their arrival time, summarised, judged for
relevance; a relevant window becomes a Bedrock request, and the pipeline is told what was
said when a description is published.

Threads. Each request runs in its own daemon thread, which streams what it reads back to the
loop with ``loop.call_soon_threadsafe`` (:mod:`.handoff`); the loop side is an owned asyncio
task per request that collects them under an overall deadline.

Latest window wins, per device:

- a new relevant window starts its request at once, whatever older requests are doing, as
  long as fewer than ``max_in_flight`` (default 2) are running for the device — with 2 s
  windows, that is always the case unless Bedrock takes more than 4 s;
- when an answer (or a fallback) for a window is used, every older request still running is
  cancelled: its thread stops reading, its answer is never used, and it is counted
  (``stale``); an older answer can therefore never replace a newer one;
- when ``max_in_flight`` requests are running, the newest window waits in a single pending
  slot and starts as soon as one ends; a newer window replaces it there (the replaced one is
  counted ``stale`` and never sent, so a replay at full speed costs a few calls, not one per
  window);
- no request lives longer than ``max_age`` seconds (default 20): then it counts as a timeout
  and the rules describe its window.

Only answers overtaken by a newer *answer* are dropped, not every answer whose window has a
newer one in flight: when Bedrock is slower than the window (InvokeAgent often takes 2–5 s
against 2 s windows), dropping on submission would drop everything.

Failures (throttling, access denied, validation, model not ready, network, timeouts, a
malformed stream, in-stream ``EventStreamError`` and pre-stream HTTP errors, missing
credentials) fall back to the offline rules for that window (``fallback=True``, as the
backend's ``fallback``) and raise one rate-limited problem naming the cause and the fix
(:mod:`.faults`). With no credentials at all, the problem is said once and later windows go
straight to the rules; the credential chain is looked at again every ``credentials_recheck_s``.
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from intelivision_desktop.core.analysis import AnalysisConfig, is_not_relevant_answer
from intelivision_desktop.core.bedrock_settings import BedrockSettings, settings_from_url
from intelivision_desktop.core.model import Frame, LinkState, Summary, Window
from intelivision_desktop.core.pipeline import ClosedWindow, DevicePipeline, description_of
from intelivision_desktop.core.ports import AnalyzerSink
from intelivision_desktop.core.prompt import (
    INSTRUCTIONS_ES,
    build_prompt,
    build_user_message,
    clean_answer,
)
from intelivision_desktop.io.bedrock.client import BedrockClient, StreamEvent, jsonable
from intelivision_desktop.io.bedrock.faults import (
    BedrockFailure,
    classify,
    deadline_failure,
    no_credentials,
)
from intelivision_desktop.io.bedrock.handoff import hand_off, run_in_daemon_thread
from intelivision_desktop.io.resources import resources_dir

log = logging.getLogger(__name__)

SYSTEM_PROMPT_FILE = "system_es.txt"


def load_system_prompt() -> str:
    """``resources/prompts/system_es.txt``; the built-in instructions if it is missing.

    Here, not in the client: the serverless handlers use the client and never this (the
    agent carries its own instructions), and a Lambda has neither the resources folder nor
    platformdirs."""
    try:
        path = resources_dir() / "prompts" / SYSTEM_PROMPT_FILE
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("system prompt not readable (%s); using the built-in instructions", exc)
        return INSTRUCTIONS_ES
    return text or INSTRUCTIONS_ES


REPORT_INTERVAL_S = 30.0
"""A problem of one kind is reported at most this often (the rest are counted into it)."""
CREDENTIALS_RECHECK_S = 60.0
MAX_TRACES = 100
"""Most traces kept in one description's detail."""


class _DeviceState:
    """One device: its pipeline, and the scheduling of its requests."""

    __slots__ = ("answered", "pending", "pipeline", "running", "seq")

    def __init__(self, device_id: str, config: AnalysisConfig) -> None:
        self.pipeline = DevicePipeline(device_id, config)
        """Window, summary, relevance verdict, and what this device was last told."""
        self.seq = 0
        """Sequence number of the newest window sent to Bedrock (or to the rules)."""
        self.answered = 0
        """Sequence number of the newest window whose outcome was used."""
        self.running: dict[int, _Request] = {}
        """Requests running, oldest first."""
        self.pending: _Request | None = None
        """The newest window, waiting for a free slot when ``max_in_flight`` are running."""


class _Request:
    __slots__ = ("abandoned", "cancel", "closed", "device", "seq", "t0", "task")

    def __init__(self, seq: int, device: _DeviceState, closed: ClosedWindow, t0: float) -> None:
        self.seq = seq
        self.device = device
        self.closed = closed
        self.t0 = t0
        """perf-clock time the window closed (latency is measured from here)."""
        self.cancel = threading.Event()
        """Set when nobody wants the answer any more: the worker stops reading."""
        self.task: asyncio.Task[None] | None = None
        self.abandoned = False

    @property
    def window(self) -> Window:
        return self.closed.window

    @property
    def summary(self) -> Summary:
        return self.closed.summary


@dataclass(slots=True)
class _Answer:
    prompt: str
    parts: list[str] = field(default_factory=list)
    traces: list[Any] = field(default_factory=list)
    usage: dict[str, Any] | None = None
    metrics: dict[str, Any] | None = None
    stop_reason: str | None = None
    notes: list[str] = field(default_factory=list)
    first_text_ms: float | None = None


class BedrockAnalyzer:
    """``embedded://bedrock-agent`` and ``embedded://bedrock-model`` (see the module docstring).

    Running totals the UI can read: :attr:`calls`, :attr:`tokens_in`, :attr:`tokens_out`,
    :attr:`failures`, :attr:`fallbacks`, :attr:`stale`, :attr:`not_relevant`,
    :attr:`last_latency_ms`; :meth:`totals` returns them as a dict.
    """

    def __init__(
        self,
        settings: BedrockSettings,
        config: AnalysisConfig | None = None,
        *,
        system_prompt: str | None = None,
        session_id: str | None = None,
        perf_clock: Callable[[], float] = time.perf_counter,
        report_interval_s: float = REPORT_INTERVAL_S,
        credentials_recheck_s: float = CREDENTIALS_RECHECK_S,
        client: BedrockClient | None = None,
    ) -> None:
        self.settings = settings
        self.config = config or AnalysisConfig()
        self.url = settings.url()
        self.source_name = settings.source_name
        self.session_id = session_id or f"intelivision-{uuid.uuid4().hex}"
        """The Bedrock (agent) session id of this analyzer: one per source session."""
        self.system_prompt = system_prompt if system_prompt is not None else load_system_prompt()
        self.client = client or BedrockClient(settings, self.session_id, self.system_prompt)
        self._perf = perf_clock
        self.report_interval_s = report_interval_s
        self.credentials_recheck_s = credentials_recheck_s
        self._sink: AnalyzerSink | None = None
        self._devices: dict[str, _DeviceState] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._idle: asyncio.Event | None = None
        self._closed = False
        self._offline_until = -math.inf
        self._said_no_credentials = False
        self._last_report: dict[str, float] = {}
        self._unreported: Counter[str] = Counter()
        self.calls = 0
        """Bedrock calls that returned an answer."""
        self.tokens_in = 0
        """Input tokens reported by ConverseStream ``metadata.usage``, summed."""
        self.tokens_out = 0
        self.failures = 0
        """Calls that failed (each one was described by the rules)."""
        self.fallbacks = 0
        """Descriptions published by the rules (failures and no-credential windows)."""
        self.stale = 0
        """Windows whose request was cancelled or replaced by a newer window's."""
        self.not_relevant = 0
        """Answers meaning "nothing new" (``""``, ``[no relevante]`` …)."""
        self.last_latency_ms: float | None = None

    # --- Analyzer protocol ----------------------------------------------------------------

    def bind(self, sink: AnalyzerSink) -> None:
        self._sink = sink

    def device_gone(self, device_id: str) -> None:
        state = self._devices.pop(device_id, None)
        if state is not None:
            if state.pending is not None:
                state.pending = None
                self._count_stale()
            for req in list(state.running.values()):
                self._abandon(req)

    async def run(self) -> None:
        """Check the credentials, then own the requests' tasks until cancelled."""
        self._closed = False
        self._set_state(LinkState.CONNECTING, self.settings.target())
        try:
            try:
                ok = await run_in_daemon_thread(self.client.warm_up, name="bedrock-warm-up")
            except Exception as exc:  # noqa: BLE001  (a broken profile: said like any failure)
                failure = classify(exc, self.settings)
                self._report(failure)
                if failure.kind == "no_credentials":
                    self._go_offline()
                else:
                    self._set_state(LinkState.RETRYING, f"{failure.code} ({failure.kind})")
            else:
                if ok:
                    self._set_state(LinkState.LIVE, f"ready: {self.settings.target()}")
                else:
                    self._report(classify(no_credentials(), self.settings))
                    self._go_offline()
            await asyncio.Event().wait()
        finally:
            await self.aclose()

    def submit(self, frame: Frame) -> None:
        state = self._devices.get(frame.device_id)
        if state is None:
            state = self._devices[frame.device_id] = _DeviceState(frame.device_id, self.config)
        closed = state.pipeline.push(frame)
        if closed is None:
            return
        t0 = self._perf()
        sink = self._sink
        if sink:
            sink.window_closed(closed.window, closed.summary, closed.relevant)
        if not closed.relevant:
            if sink:
                sink.count("not_relevant")
            return
        if self._closed:
            return
        state.seq += 1
        req = _Request(state.seq, state, closed, t0)
        if len(state.running) < self.settings.max_in_flight:
            self._start(req)
            return
        if state.pending is not None:  # replaced before it was ever sent
            self._count_stale()
        state.pending = req

    # --- lifecycle ------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """True while a request is running or waiting for a slot."""
        return bool(self._tasks) or any(d.pending for d in self._devices.values())

    async def drain(self, timeout_s: float) -> bool:
        """Wait until no request is running or pending (at most ``timeout_s``).

        For a session whose source has finished: lets the last windows be described before
        the analyzer is cancelled. Returns False if requests were still running at the end.
        """
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout_s
        while self.busy:
            remaining = end - loop.time()
            if remaining <= 0:
                return False
            self._idle = asyncio.Event()
            try:
                async with asyncio.timeout(remaining):
                    await self._idle.wait()
            except TimeoutError:
                return not self.busy
        return True

    async def aclose(self) -> None:
        """Cancel every request (their threads stop reading) and wait for the tasks to end."""
        self._closed = True
        for state in self._devices.values():
            state.pending = None
            for req in state.running.values():
                req.cancel.set()
        tasks = list(self._tasks)
        for t in tasks:
            t.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    # --- totals ---------------------------------------------------------------------------

    def totals(self) -> dict[str, Any]:
        """Running totals for this analyzer (one source session)."""
        return {
            "calls": self.calls,
            "tokens_in": self.tokens_in,
            "tokens_out": self.tokens_out,
            "failures": self.failures,
            "fallbacks": self.fallbacks,
            "stale": self.stale,
            "not_relevant": self.not_relevant,
            "last_latency_ms": self.last_latency_ms,
        }

    # --- requests -------------------------------------------------------------------------

    def _start(self, req: _Request) -> None:
        if self._perf() < self._offline_until:  # no credentials: the rules, at once
            self._fallback(req, None)
            return
        task = asyncio.get_running_loop().create_task(
            self._call(req), name=f"bedrock-{req.window.device_id}-{req.seq}"
        )
        req.task = task
        req.device.running[req.seq] = req
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if self._idle is not None and not self.busy:
            self._idle.set()
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:  # a bug here, not a Bedrock failure: say it, never lose it
            log.error("Bedrock request task failed", exc_info=exc)
            if self._sink:
                self._sink.problem("analyzer", "analyzer_error", f"analyzer error: {exc}")

    def _ended(self, req: _Request) -> None:
        """A request left its slot: start the pending window, if any."""
        device = req.device
        device.running.pop(req.seq, None)
        if self._closed or self._devices.get(req.window.device_id) is not device:
            return
        nxt = device.pending
        if nxt is not None and len(device.running) < self.settings.max_in_flight:
            device.pending = None
            self._start(nxt)

    def _abandon(self, req: _Request) -> None:
        """Give up on a request: its thread stops reading, its answer will not be used."""
        req.device.running.pop(req.seq, None)
        if req.abandoned:
            return
        req.abandoned = True
        req.cancel.set()
        if req.task is not None:
            req.task.cancel()
        self._count_stale()

    def _count_stale(self) -> None:
        self.stale += 1
        if self._sink:
            self._sink.count("stale")

    async def _call(self, req: _Request) -> None:
        try:
            answer = await self._ask(req)
        except asyncio.CancelledError:
            req.cancel.set()
            raise
        except BedrockFailure as failure:
            self._failed(req, failure)
        else:
            self._answered(req, answer)
        finally:
            self._ended(req)

    def _prompt(self, summary: Summary) -> str:
        if self.settings.kind == "agent":
            return build_prompt(summary)
        return build_user_message(summary)

    async def _ask(self, req: _Request) -> _Answer:
        """Start the worker thread and collect what it streams back, under a deadline."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[StreamEvent] = asyncio.Queue()
        answer = _Answer(self._prompt(req.summary))
        cancel = req.cancel

        def post(ev: StreamEvent) -> None:
            hand_off(loop, queue.put_nowait, ev)

        def work() -> None:
            try:
                self.client.stream(answer.prompt, cancel, post)
            except Exception as exc:  # noqa: BLE001  (every failure is classified on the loop)
                post(StreamEvent("error", exc))
            else:
                post(StreamEvent("end"))

        s = self.settings
        per_try = s.connect_timeout_s + s.read_timeout_s
        deadline = min((s.retries + 1) * per_try + 2.0, s.max_age_s)
        threading.Thread(
            target=work, name=f"bedrock-call-{req.window.device_id}-{req.seq}", daemon=True
        ).start()
        try:
            async with asyncio.timeout(deadline):
                while True:
                    ev = await queue.get()
                    if ev.kind == "end":
                        return answer
                    if ev.kind == "error":
                        raise classify(ev.value, s)
                    self._collect(req, answer, ev)
        except TimeoutError:
            raise deadline_failure(s, deadline) from None
        finally:
            cancel.set()  # a no-op when the worker has finished; otherwise it stops reading

    def _collect(self, req: _Request, answer: _Answer, ev: StreamEvent) -> None:
        if ev.kind == "text":
            if answer.first_text_ms is None:
                answer.first_text_ms = (self._perf() - req.t0) * 1000.0
            answer.parts.append(str(ev.value))
        elif ev.kind == "trace":
            if len(answer.traces) < MAX_TRACES:
                answer.traces.append(jsonable(ev.value))
        elif ev.kind == "usage":
            answer.usage = jsonable(ev.value)
        elif ev.kind == "metrics":
            answer.metrics = jsonable(ev.value)
        elif ev.kind == "stop":
            answer.stop_reason = None if ev.value is None else str(ev.value)
        elif ev.kind == "note":
            answer.notes.append(str(ev.value))

    def _use(self, req: _Request) -> bool:
        """Claim the outcome of ``req`` for its device, newest wins.

        False (and counted stale) if a newer window's outcome was used already or the device
        left; otherwise every older request still running is cancelled as stale.
        """
        device = req.device
        if self._devices.get(req.window.device_id) is not device or req.seq < device.answered:
            self._count_stale()
            return False
        device.answered = req.seq
        for older in [r for r in device.running.values() if r.seq < req.seq]:
            self._abandon(older)
        return True

    def _answered(self, req: _Request, answer: _Answer) -> None:
        latency = (self._perf() - req.t0) * 1000.0
        self.calls += 1
        usage = answer.usage or {}
        tokens_in = usage.get("inputTokens")
        tokens_out = usage.get("outputTokens")
        if isinstance(tokens_in, int):
            self.tokens_in += tokens_in
        if isinstance(tokens_out, int):
            self.tokens_out += tokens_out
        self.last_latency_ms = latency
        self._set_state(LinkState.LIVE, self.settings.target())
        if not self._use(req):
            return
        raw = "".join(answer.parts)
        text = clean_answer(raw)
        if is_not_relevant_answer(raw) or is_not_relevant_answer(text):
            req.device.pipeline.not_new()
            self.not_relevant += 1
            if self._sink:
                self._sink.count("not_relevant")
            log.debug("Bedrock judged window %d of %s not relevant", req.seq, req.window.device_id)
            return
        detail: dict[str, Any] = {
            "analyzer": self.source_name,
            "bedrock": self._target_detail(),
            "latency_ms": round(latency, 3),
            "prompt": answer.prompt,
        }
        if raw != text:
            detail["answer"] = raw
        if answer.first_text_ms is not None:
            detail["first_text_ms"] = round(answer.first_text_ms, 3)
        if answer.usage is not None:
            detail["usage"] = answer.usage
        if answer.metrics is not None:
            detail["metrics"] = answer.metrics
        if answer.stop_reason is not None:
            detail["stop_reason"] = answer.stop_reason
        if answer.traces:
            detail["trace"] = answer.traces
        if answer.notes:
            detail["events"] = answer.notes
        detail["totals"] = {
            "calls": self.calls,
            "tokens_in": self.tokens_in,
            "tokens_out": self.tokens_out,
        }
        req.device.pipeline.said(req.closed)
        self._publish(req, text, latency, fallback=False, detail=detail)

    def _failed(self, req: _Request, failure: BedrockFailure) -> None:
        self.failures += 1
        self._report(failure)
        if failure.kind == "no_credentials":
            self._go_offline()
        else:
            self._set_state(
                LinkState.RETRYING, f"offline rules after {failure.code} ({failure.kind})"
            )
        self._fallback(req, failure)

    def _fallback(self, req: _Request, failure: BedrockFailure | None) -> None:
        """The rules describe the window (Bedrock failed, or there are no credentials)."""
        if not self._use(req):
            return
        text = req.device.pipeline.rules(req.closed)  # remembered as said when not None
        if text is None:
            return
        self.fallbacks += 1
        if self._sink:
            self._sink.count("fallback")
        latency = (self._perf() - req.t0) * 1000.0
        detail: dict[str, Any] = {"analyzer": self.source_name, "bedrock": self._target_detail()}
        if failure is None:
            detail["error"] = {
                "kind": "no_credentials",
                "code": "NoCredentials",
                "message": "no AWS credentials: described by the offline rules",
            }
        else:
            detail["error"] = {
                "kind": failure.kind,
                "code": failure.code,
                "message": failure.message,
            }
        self._publish(req, text, latency, fallback=True, detail=detail)

    def _publish(
        self, req: _Request, text: str, latency: float, *, fallback: bool, detail: dict[str, Any]
    ) -> None:
        """Publish the description of ``req``'s window (its pipeline was told it was said)."""
        if self._sink is None:
            return
        self._sink.publish(
            description_of(
                req.closed,
                text,
                source=self.source_name,
                fallback=fallback,
                latency_ms=latency,
                detail=detail,
            )
        )

    def _target_detail(self) -> dict[str, Any]:
        s = self.settings
        d: dict[str, Any] = {"operation": s.operation, "region": s.region}
        if s.kind == "agent":
            d.update(agent_id=s.agent_id, alias_id=s.alias_id, session_id=self.session_id)
        else:
            d["model_id"] = s.model_id
        return d

    # --- problems and state ---------------------------------------------------------------

    def _go_offline(self) -> None:
        """No credentials: the rules describe until the chain is looked at again."""
        self._offline_until = self._perf() + self.credentials_recheck_s
        self.client.invalidate()
        self._set_state(LinkState.RETRYING, "no AWS credentials: describing with the offline rules")

    def _report(self, failure: BedrockFailure) -> None:
        """One problem per kind per ``report_interval_s``; ``no_credentials`` only once."""
        kind = failure.kind
        self._unreported[kind] += 1
        if kind == "no_credentials":
            if self._said_no_credentials:
                return
            self._said_no_credentials = True
        now = time.monotonic()
        last = self._last_report.get(kind)
        if last is not None and now - last < self.report_interval_s:
            return
        n = self._unreported.pop(kind)
        self._last_report[kind] = now
        message = failure.message
        if n > 1:
            message += f" ({n - 1} more since the last report)"
        log.info("analyzer problem %s: %s", kind, message)
        if self._sink:
            self._sink.problem("analyzer", kind, message, count=n)

    def _set_state(self, state: LinkState, detail: str) -> None:
        if self._sink:
            self._sink.set_state("analyzer", state, detail)


def bedrock_from_url(
    url: str,
    config: AnalysisConfig | None = None,
    *,
    endpoint_url: str | None = None,
    env: Mapping[str, str] | None = None,
) -> BedrockAnalyzer:
    """The analyzer an ``embedded://bedrock-agent?…`` or ``embedded://bedrock-model?…`` URL
    names (see :func:`settings_from_url`). Raises ValueError with a one-line reason.
    """
    return BedrockAnalyzer(settings_from_url(url, endpoint_url=endpoint_url, env=env), config)
