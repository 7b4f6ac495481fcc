"""The embedded Bedrock analyzer against a local Bedrock emulator, through real boto3 clients.

The emulator (``bedrock_emulator.py``) speaks AWS event-stream over HTTP on 127.0.0.1; the
analyzer's boto3 clients reach it with ``endpoint_url`` and dummy keys. Each test is a sync
function driving one ``asyncio.run`` bounded by a timeout. No network beyond 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from intelivision_desktop.core.analysis import AnalysisConfig, describe_rules, summarize
from intelivision_desktop.core.model import (
    Blendshape,
    Description,
    DetectedObject,
    Distance,
    Event,
    Frame,
    LinkState,
    Person,
    Problem,
)
from intelivision_desktop.core.prompt import build_prompt, build_user_message
from intelivision_desktop.core.recording import description_line
from intelivision_desktop.core.session import Session
from intelivision_desktop.io.bedrock import (
    DEFAULT_MODEL_ID,
    BedrockAnalyzer,
    bedrock_from_url,
    settings_from_url,
)
from intelivision_desktop.io.registry import open_source
from intelivision_desktop.io.resources import resources_dir
from tests.integration.bedrock_emulator import (
    BedrockEmulator,
    Recorded,
    Reply,
    chunk,
    corrupt,
    delta,
    error_message,
    message_start,
)

AGENT = "AGENT12345"
ALIAS = "ALIAS12345"
KEY_ID = "AKIAEMULATORDUMMY0001"
SECRET = "emulatorDummySecret/Key+0123456789abcdefgh"
SESSION_TOKEN = "emulatorDummySessionToken0123456789"
T0 = 1_767_000_000_000.0
SCENARIO_TIMEOUT_S = 15.0


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Dummy keys, no config files, no instance metadata, no proxy, no bearer token."""
    for var in (
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_BEARER_TOKEN_BEDROCK",
        "AWS_ROLE_ARN",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "BEDROCK_AGENT_ID",
        "BEDROCK_AGENT_ALIAS_ID",
        "BEDROCK_MODEL_ID",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "http_proxy",
        "https_proxy",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.fixture
def emu(aws_env: None) -> Iterator[BedrockEmulator]:
    with BedrockEmulator() as e:
        yield e


def agent_url(**opts: str) -> str:
    q = {
        "agent_id": AGENT,
        "alias_id": ALIAS,
        "retries": "0",
        "timeout": "3",
        "connect_timeout": "1",
        **opts,
    }
    return "embedded://bedrock-agent?" + "&".join(f"{k}={v}" for k, v in q.items())


def model_url(**opts: str) -> str:
    q = {"retries": "0", "timeout": "3", "connect_timeout": "1", **opts}
    return "embedded://bedrock-model?" + "&".join(f"{k}={v}" for k, v in q.items())


def make(emu: BedrockEmulator, url: str | None = None, **kwargs: Any) -> BedrockAnalyzer:
    settings = settings_from_url(url or agent_url(), endpoint_url=emu.url, env={})
    return BedrockAnalyzer(settings, AnalysisConfig(), **kwargs)


# --- frames ---------------------------------------------------------------------------------


def person_frame(
    i: int,
    position: str = "izquierda",
    expression: str = "feliz",
    gesture: str = "saludo",
    device: str = "dev1",
    blendshapes: tuple[Blendshape, ...] = (),
) -> Frame:
    """Frame ``i`` arrives 2 s after frame ``i-1``, so each frame closes a window of its own."""
    p = Person(position, Distance("1.2m", 1.2), expression, gesture, blendshapes=blendshapes)
    return Frame(device, T0 + 2000.0 * i, people=(p,))


def car_frame(i: int, direction: str = "derecha", device: str = "dev1") -> Frame:
    """A car coming closer: always relevant (PROTOCOL.md §3)."""
    car = DetectedObject("car", "se_acerca", direction, "2 m/s", Distance("2.0m", 2.0))
    return Frame(device, T0 + 2000.0 * i, objects=(car,))


# --- a sink and a driver ----------------------------------------------------------------------


@dataclass
class Sink:
    descriptions: list[Description] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    states: list[tuple[LinkState, str]] = field(default_factory=list)
    problems: list[tuple[Problem, int]] = field(default_factory=list)

    def publish(self, description: Description) -> None:
        self.descriptions.append(description)

    def count(self, kind: str, n: int = 1) -> None:
        self.counts[kind] += n

    def window_closed(self, *_: object) -> None:
        self.counts["windows"] += 1

    def set_state(self, component: str, state: LinkState, detail: str = "") -> None:
        assert component == "analyzer"
        self.states.append((state, detail))

    def problem(self, component: str, kind: str, message: str, count: int = 1) -> None:
        self.problems.append((Problem(component, kind, message), count))

    def push_frames(self, frames: Sequence[Frame]) -> None:
        raise AssertionError("an analyzer never pushes frames")

    def push_samples(
        self, device_id: str, t_ms: Any, columns: Mapping[str, Any], rate_hz: float = 1000.0
    ) -> None:
        raise AssertionError("an analyzer never pushes samples")

    @property
    def texts(self) -> list[str]:
        return [d.text for d in self.descriptions]

    @property
    def state(self) -> LinkState:
        return self.states[-1][0]


def described(n: int) -> Callable[[Sink], bool]:
    return lambda sink: len(sink.descriptions) >= n


async def wait_until(predicate: Callable[[], bool], within: float = 10.0) -> None:
    end = time.monotonic() + within
    while not predicate():
        if time.monotonic() > end:
            raise AssertionError(f"condition not met within {within} s")
        await asyncio.sleep(0.01)


Step = Frame | float | Callable[["Sink"], bool]
"""A frame to submit, a pause in seconds, or a condition to wait for."""


def drive(
    analyzer: BedrockAnalyzer,
    frames: Sequence[Step],
    until: Callable[[Sink], bool],
    *,
    within: float = 10.0,
    after: Callable[[], None] | None = None,
) -> Sink:
    """Run the analyzer, take the steps (submit a frame, pause, or wait for a condition),
    wait for ``until``, cancel, and check that no task is left behind."""
    sink = Sink()
    analyzer.bind(sink)

    async def scenario() -> None:
        runner = asyncio.create_task(analyzer.run(), name="analyzer-run")
        await wait_until(lambda: bool(sink.states) and sink.state is not LinkState.CONNECTING)
        for f in frames:
            if isinstance(f, float):
                await asyncio.sleep(f)
                if after is not None:
                    after()
            elif isinstance(f, Frame):
                analyzer.submit(f)
            else:
                await wait_until(partial(f, sink))
        await wait_until(lambda: until(sink), within)
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)
        others = asyncio.all_tasks() - {asyncio.current_task()}
        assert not others, f"tasks left: {[t.get_name() for t in others]}"

    asyncio.run(asyncio.wait_for(scenario(), SCENARIO_TIMEOUT_S))
    return sink


# --- InvokeAgent ----------------------------------------------------------------------------


def test_agent_chunks_make_a_description_and_boto3_sent_the_prompt(emu: BedrockEmulator) -> None:
    emu.queue(Reply.agent("Persona alegre ", "saludando ", "izquierda"))
    analyzer = make(emu)
    frame = person_frame(0)
    sink = drive(analyzer, [frame], lambda s: len(s.descriptions) == 1)

    (d,) = sink.descriptions
    assert d.text == "Persona alegre saludando izquierda"
    assert d.source == "bedrock-agent"
    assert d.fallback is False
    assert d.device_id == "dev1"
    assert d.t_ms == T0
    assert d.latency_ms is not None
    assert 0 < d.latency_ms < 3000
    assert d.detail["latency_ms"] == pytest.approx(d.latency_ms, abs=0.01)
    assert sink.state is LinkState.LIVE
    assert sink.counts["windows"] == 1

    (req,) = emu.requests
    assert req.operation == "InvokeAgent"
    assert req.path == (f"/agents/{AGENT}/agentAliases/{ALIAS}/sessions/{analyzer.session_id}/text")
    body = req.json()
    summary = summarize([frame])
    assert body["inputText"] == build_prompt(summary)
    assert "PERSONAS DETECTADAS:\n- 1x: izquierda; 1.2m, cerca (personal)" in body["inputText"]
    assert body["enableTrace"] is False
    assert body["endSession"] is False
    assert req.headers["authorization"].startswith(f"AWS4-HMAC-SHA256 Credential={KEY_ID}/")
    assert "/us-east-1/bedrock/aws4_request" in req.headers["authorization"]
    assert d.detail["prompt"] == body["inputText"]
    assert d.detail["bedrock"]["session_id"] == analyzer.session_id


def test_one_bedrock_session_per_analyzer(emu: BedrockEmulator) -> None:
    first, second = make(emu), make(emu)
    assert first.session_id != second.session_id
    drive(first, [person_frame(0), described(1), car_frame(1)], described(2))
    drive(second, [person_frame(0)], lambda s: len(s.descriptions) == 1)
    ids = [r.session_id for r in emu.requests]
    assert ids == [first.session_id, first.session_id, second.session_id]


def test_trace_goes_into_the_detail(emu: BedrockEmulator) -> None:
    emu.queue(Reply.agent("Persona alegre", traces=["Hay una persona saludando a la izquierda"]))
    analyzer = make(emu, agent_url(trace="1"))
    sink = drive(analyzer, [person_frame(0)], lambda s: len(s.descriptions) == 1)
    (d,) = sink.descriptions
    assert emu.requests[0].json()["enableTrace"] is True
    (tr,) = d.detail["trace"]
    assert tr["trace"]["orchestrationTrace"]["rationale"]["text"] == (
        "Hay una persona saludando a la izquierda"
    )
    assert tr["eventTime"].startswith("2025-01-01T00:00:00")  # a datetime, made JSON-safe
    line = json.loads(description_line(d))  # the recording format takes the detail as is
    assert line["detail"]["trace"][0]["agentId"] == AGENT


def test_utf8_split_across_chunks(emu: BedrockEmulator) -> None:
    data = "Niño acercándose".encode()
    cut = data.index("ñ".encode()) + 1  # in the middle of the two bytes of ñ
    emu.queue(Reply(frames=[_raw_chunk(data[:cut]), _raw_chunk(data[cut:])]))
    sink = drive(make(emu), [person_frame(0)], lambda s: len(s.descriptions) == 1)
    assert sink.texts == ["Niño acercándose"]


def _raw_chunk(data: bytes) -> bytes:
    import base64

    from tests.integration.bedrock_emulator import event

    return event("chunk", {"bytes": base64.b64encode(data).decode("ascii")})


# --- ConverseStream -------------------------------------------------------------------------


def test_converse_deltas_usage_and_running_totals(emu: BedrockEmulator) -> None:
    emu.queue(
        Reply.converse("Coche ", "acercándose ", "derecha", usage=(120, 6), latency_ms=210),
        Reply.converse("Coche ", "muy cerca", usage=(130, 4)),
    )
    analyzer = make(emu, model_url())
    frames = [car_frame(0), car_frame(1)]
    sink = drive(analyzer, [frames[0], described(1), frames[1]], described(2))

    assert sink.texts == ["Coche acercándose derecha", "Coche muy cerca"]
    first, second = sink.descriptions
    assert first.source == "bedrock-model"
    assert first.detail["usage"] == {"inputTokens": 120, "outputTokens": 6, "totalTokens": 126}
    assert first.detail["metrics"] == {"latencyMs": 210}
    assert first.detail["stop_reason"] == "end_turn"
    assert second.detail["totals"] == {"calls": 2, "tokens_in": 250, "tokens_out": 10}
    assert (analyzer.calls, analyzer.tokens_in, analyzer.tokens_out) == (2, 250, 10)
    assert analyzer.totals()["last_latency_ms"] == second.latency_ms

    req = emu.requests[0]
    assert req.operation == "ConverseStream"
    assert req.raw_path == "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream"
    assert req.model_id == DEFAULT_MODEL_ID
    body = req.json()
    system = (resources_dir() / "prompts" / "system_es.txt").read_text(encoding="utf-8")
    assert body["system"] == [{"text": system.strip()}]
    assert body["messages"] == [
        {"role": "user", "content": [{"text": build_user_message(summarize([frames[0]]))}]}
    ]
    assert body["inferenceConfig"]["maxTokens"] == 64


def test_deltas_are_streamed_as_they_arrive(emu: BedrockEmulator) -> None:
    """A pause between deltas: the first text reaches the loop before the answer ends."""
    reply = Reply.converse("Perro ", "cruzando", usage=(90, 3))
    reply.frames.insert(2, 0.3)  # after messageStart and the first delta
    emu.queue(reply)
    sink = drive(make(emu, model_url()), [car_frame(0)], lambda s: len(s.descriptions) == 1)
    (d,) = sink.descriptions
    assert d.text == "Perro cruzando"
    assert d.latency_ms is not None
    assert d.detail["first_text_ms"] + 250 < d.latency_ms


def test_system_prompt_resource_has_the_instructions() -> None:
    text = (resources_dir() / "prompts" / "system_es.txt").read_text(encoding="utf-8")
    assert 'responde exactamente con dos comillas vacías: ""' in text
    assert "máximo de cinco palabras" in text
    assert "personas y sus emociones; micro-expresiones; gestos sociales; objetos" in text


# --- not relevant, relevance, latest wins ---------------------------------------------------


def test_not_relevant_answers_are_counted_not_shown(emu: BedrockEmulator) -> None:
    emu.queue(
        Reply.agent('""'),
        Reply.agent("[información no relevante]"),
        Reply.agent("Sin cambios en la escena"),
    )
    analyzer = make(emu)

    # The same scene three times: nothing was described, so each window is still relevant.
    def judged(n: int) -> Callable[[Sink], bool]:
        return lambda sink: sink.counts["not_relevant"] >= n

    frames: list[Step] = [person_frame(0), judged(1), person_frame(1), judged(2), person_frame(2)]
    sink = drive(analyzer, frames, judged(3))
    assert sink.descriptions == []
    assert len(emu.requests) == 3
    assert analyzer.not_relevant == 3


def test_an_unchanged_window_is_not_sent(emu: BedrockEmulator) -> None:
    analyzer = make(emu)
    sink = drive(
        analyzer,
        [person_frame(0), described(1), person_frame(1)],
        lambda s: s.counts["not_relevant"] == 1,
    )
    assert len(sink.descriptions) == 1
    assert len(emu.requests) == 1


def test_a_fallback_is_remembered_as_said(emu: BedrockEmulator) -> None:
    """The rules' phrase after a failure is what the device was told: the same scene in the
    next window is not new, and is not sent."""
    emu.queue(Reply.stream_exception("throttlingException", "emulated cause"))
    analyzer = make(emu)
    sink = drive(
        analyzer,
        [person_frame(0), described(1), person_frame(1)],
        lambda s: s.counts["not_relevant"] == 1,
    )
    assert [(d.fallback, d.text) for d in sink.descriptions] == [(True, "Saludo alegre izquierda")]
    assert len(emu.requests) == 1


def test_latest_window_wins_and_the_stale_answer_is_dropped(emu: BedrockEmulator) -> None:
    def respond(req: Recorded) -> Reply:
        if "izquierda" in req.prompt:
            return Reply.agent("Persona izquierda", delay_s=0.8)
        return Reply.agent("Persona derecha")

    emu.responder = respond
    analyzer = make(emu)
    frames: list[Step] = [person_frame(0, "izquierda"), 0.05, person_frame(1, "derecha")]
    sink = drive(analyzer, frames, lambda s: s.counts["stale"] == 1 and len(s.descriptions) == 1)
    assert sink.texts == ["Persona derecha"]
    (d,) = sink.descriptions
    assert d.latency_ms is not None
    assert d.latency_ms < 600  # never waited for the slow call
    first, second = emu.requests
    assert second.received_at - first.received_at < 0.5  # sent while the first was running
    assert analyzer.stale == 1
    # the slow request was cancelled when the newer answer was used: no late description
    assert analyzer.calls == 1


def test_a_pending_window_is_replaced_by_a_newer_one(emu: BedrockEmulator) -> None:
    emu.queue(Reply.agent("Coche primero", delay_s=0.4), Reply.agent("Coche tercero"))
    analyzer = make(emu, agent_url(max_in_flight="1"))
    frames = [car_frame(0, "derecha"), car_frame(1, "izquierda"), car_frame(2, "frente")]
    sink = drive(analyzer, frames, lambda s: len(s.descriptions) == 2)
    assert sink.texts == ["Coche primero", "Coche tercero"]
    assert sink.counts["stale"] == 1  # the second window, replaced before it was sent
    assert len(emu.requests) == 2
    assert "dirección: frente" in emu.requests[1].prompt


def test_devices_are_independent(emu: BedrockEmulator) -> None:
    emu.responder = lambda req: Reply.agent(
        "Coche izquierda" if "izquierda" in req.prompt else "Coche derecha"
    )
    frames = [car_frame(0, "izquierda", "phone"), car_frame(0, "derecha", "glasses")]
    sink = drive(make(emu), frames, lambda s: len(s.descriptions) == 2)
    assert sorted((d.device_id, d.text) for d in sink.descriptions) == [
        ("glasses", "Coche derecha"),
        ("phone", "Coche izquierda"),
    ]
    assert sink.counts["stale"] == 0


def test_a_device_that_leaves_takes_its_requests_along(emu: BedrockEmulator) -> None:
    emu.queue(Reply.agent("Coche", delay_s=0.3))
    analyzer = make(emu)

    def leave(sink: Sink) -> bool:
        analyzer.device_gone("dev1")
        return True

    sink = drive(analyzer, [car_frame(0), 0.05, leave, 0.5], lambda s: True)
    assert sink.descriptions == []
    assert sink.counts["stale"] == 1


def test_cancelling_run_cancels_running_requests(emu: BedrockEmulator) -> None:
    """A request stuck in a silent stream is cancelled with run(): no task survives (drive
    checks), no description comes, and the worker thread was told to stop."""
    emu.queue(Reply(frames=[chunk("Persona ")], stall=True))
    analyzer = make(emu)
    started = time.monotonic()
    sink = drive(analyzer, [person_frame(0), lambda s: len(emu.requests) == 1, 0.1], lambda s: True)
    assert time.monotonic() - started < 2.0  # not the 3 s read timeout
    assert sink.descriptions == []
    assert not analyzer.busy


def test_drain_waits_for_the_last_answer(emu: BedrockEmulator) -> None:
    emu.queue(Reply.agent("Coche", delay_s=0.3))
    analyzer = make(emu)
    drained: list[bool] = []
    sink = Sink()
    analyzer.bind(sink)

    async def scenario() -> None:
        runner = asyncio.create_task(analyzer.run())
        await wait_until(lambda: bool(sink.states) and sink.state is LinkState.LIVE)
        analyzer.submit(car_frame(0))
        assert analyzer.busy
        drained.append(await analyzer.drain(5.0))
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)

    asyncio.run(asyncio.wait_for(scenario(), SCENARIO_TIMEOUT_S))
    assert drained == [True]
    assert sink.texts == ["Coche"]


# --- failures: in-stream exceptions -------------------------------------------------------

AGENT_STREAM_EXCEPTIONS = [
    ("throttlingException", "throttled", "Throttling: Bedrock is rate-limiting this account"),
    ("accessDeniedException", "access_denied", "AccessDenied: this profile lacks bedrock:Invoke"),
    ("validationException", "validation", "Validation: Bedrock rejected the request"),
    ("internalServerException", "service_error", "InternalServer: Bedrock failed on its side"),
    ("dependencyFailedException", "service_error", "DependencyFailed: Bedrock failed"),
    ("badGatewayException", "service_error", "BadGateway: Bedrock failed on its side"),
    ("serviceQuotaExceededException", "quota", "ServiceQuotaExceeded: a Bedrock quota"),
    ("conflictException", "conflict", "Conflict: Bedrock refused a request"),
    ("resourceNotFoundException", "not_found", f"ResourceNotFound: agent {AGENT} alias {ALIAS}"),
    ("modelNotReadyException", "model_not_ready", "ModelNotReady: the model behind"),
]


@pytest.mark.parametrize(("exception_type", "kind", "says"), AGENT_STREAM_EXCEPTIONS)
def test_agent_stream_exception_falls_back_to_the_rules(
    emu: BedrockEmulator, exception_type: str, kind: str, says: str
) -> None:
    emu.queue(Reply.stream_exception(exception_type, "emulated cause", before=[chunk("Persona ")]))
    analyzer = make(emu)
    frame = person_frame(0)
    sink = drive(analyzer, [frame], lambda s: len(s.descriptions) == 1)
    (d,) = sink.descriptions
    assert d.fallback is True
    assert d.text == "Saludo alegre izquierda" == describe_rules(summarize([frame]))
    assert d.source == "bedrock-agent"
    assert d.detail["error"]["kind"] == kind
    assert d.detail["error"]["code"] == exception_type[0].upper() + exception_type[1:]
    ((problem, count),) = sink.problems
    assert (problem.component, problem.kind, count) == ("analyzer", kind, 1)
    assert problem.message.startswith(says)
    assert "in the response stream: emulated cause" in problem.message
    assert "Fix:" in problem.message or kind == "bedrock_error"
    assert sink.state is LinkState.RETRYING
    assert len(emu.requests) == 1
    assert (analyzer.failures, analyzer.fallbacks, analyzer.calls) == (1, 1, 0)


@pytest.mark.parametrize(
    ("exception_type", "kind"),
    [
        ("internalServerException", "service_error"),
        ("modelStreamErrorException", "service_error"),
        ("validationException", "validation"),
        ("throttlingException", "throttled"),
        ("serviceUnavailableException", "service_error"),
    ],
)
def test_converse_stream_exception_falls_back(
    emu: BedrockEmulator, exception_type: str, kind: str
) -> None:
    emu.queue(Reply.stream_exception(exception_type, before=[message_start(), delta("Coche ")]))
    sink = drive(make(emu, model_url()), [car_frame(0)], lambda s: len(s.descriptions) == 1)
    (d,) = sink.descriptions
    assert (d.fallback, d.text, d.detail["error"]["kind"]) == (
        True,
        "coche acercándose derecha",
        kind,
    )


def test_event_stream_error_message_falls_back(emu: BedrockEmulator) -> None:
    emu.queue(Reply(frames=[error_message("InternalFailure", "emulated failure")]))
    sink = drive(make(emu), [person_frame(0)], lambda s: len(s.descriptions) == 1)
    (d,) = sink.descriptions
    assert d.fallback is True
    assert d.detail["error"] == {
        "kind": "service_error",
        "code": "InternalFailure",
        "message": d.detail["error"]["message"],
    }


def test_access_denied_names_the_model_permission(emu: BedrockEmulator) -> None:
    emu.queue(Reply.http_error(403, "AccessDeniedException", "not authorized"))
    sink = drive(make(emu, model_url()), [car_frame(0)], lambda s: len(s.descriptions) == 1)
    ((problem, _),) = sink.problems
    assert problem.message.startswith(
        f"AccessDenied: this profile lacks bedrock:InvokeModelWithResponseStream on "
        f"{DEFAULT_MODEL_ID}"
    )
    assert "Model access" in problem.message


# --- failures: before the stream ----------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "code", "kind", "says"),
    [
        (429, "ThrottlingException", "throttled", "Throttling: Bedrock is rate-limiting"),
        (
            403,
            "AccessDeniedException",
            "access_denied",
            f"AccessDenied: this profile lacks bedrock:InvokeAgent on agent {AGENT}",
        ),
        (400, "ValidationException", "validation", "Validation: Bedrock rejected the request"),
        (404, "ResourceNotFoundException", "not_found", "ResourceNotFound: agent"),
        (403, "UnrecognizedClientException", "auth", "UnrecognizedClient: AWS rejected"),
        (503, "ServiceUnavailableException", "service_error", "ServiceUnavailable: Bedrock"),
    ],
)
def test_http_error_before_the_stream_falls_back(
    emu: BedrockEmulator, status: int, code: str, kind: str, says: str
) -> None:
    emu.queue(Reply.http_error(status, code, "emulated"))
    sink = drive(make(emu), [person_frame(0)], lambda s: len(s.descriptions) == 1)
    (d,) = sink.descriptions
    assert (d.fallback, d.detail["error"]["kind"], d.detail["error"]["code"]) == (True, kind, code)
    ((problem, _),) = sink.problems
    assert problem.message.startswith(says)
    assert f"(HTTP {status}: emulated)" in problem.message
    assert len(emu.requests) == 1  # retries=0: no second attempt


def test_retries_recover_from_a_server_error(emu: BedrockEmulator) -> None:
    emu.queue(Reply.http_error(500, "InternalServerException"), Reply.agent("Persona alegre"))
    sink = drive(
        make(emu, agent_url(retries="1")), [person_frame(0)], lambda s: len(s.descriptions) == 1
    )
    assert sink.texts == ["Persona alegre"]
    assert sink.descriptions[0].fallback is False
    assert len(emu.requests) == 2
    assert sink.problems == []


def test_repeated_failures_are_reported_once_per_interval(emu: BedrockEmulator) -> None:
    emu.responder = lambda req: Reply.http_error(429, "ThrottlingException", "slow down")
    analyzer = make(emu)
    frames: list[Step] = [
        car_frame(0, "derecha"),
        described(1),
        car_frame(1, "izquierda"),
        described(2),
        car_frame(2),
    ]
    sink = drive(analyzer, frames, lambda s: len(s.descriptions) == 3)
    assert [d.fallback for d in sink.descriptions] == [True, True, True]
    assert [p.kind for p, _ in sink.problems] == ["throttled"]
    assert analyzer.failures == 3


# --- failures: timeouts, corrupted frames, network ----------------------------------------


@pytest.mark.parametrize(
    "reply",
    [
        Reply(delay_s=30.0),  # no status line at all
        Reply(frames=[chunk("Persona ")], stall=True),  # headers and a chunk, then silence
    ],
    ids=["before-headers", "mid-stream"],
)
def test_a_stalled_stream_times_out(emu: BedrockEmulator, reply: Reply) -> None:
    emu.queue(reply)
    analyzer = make(emu, agent_url(timeout="0.5"))
    t = time.monotonic()
    sink = drive(analyzer, [person_frame(0)], lambda s: len(s.descriptions) == 1)
    elapsed = time.monotonic() - t
    (d,) = sink.descriptions
    assert d.fallback is True
    assert d.detail["error"]["kind"] == "timeout"
    assert d.detail["error"]["message"].startswith("Timeout: Bedrock sent nothing for 0.5 s")
    assert 0.4 < elapsed < 3.0


def test_a_trickling_stream_hits_max_age(emu: BedrockEmulator) -> None:
    frames: list[bytes | float] = []
    for _ in range(30):
        frames += [chunk("."), 0.1]
    emu.queue(Reply(frames=frames))
    analyzer = make(emu, agent_url(timeout="1", max_age="0.6"))
    sink = drive(analyzer, [person_frame(0)], lambda s: len(s.descriptions) == 1)
    (d,) = sink.descriptions
    assert d.fallback is True
    assert d.detail["error"]["code"] == "Deadline"
    assert d.latency_ms is not None
    assert 550 < d.latency_ms < 1500


def test_a_corrupted_frame_is_a_malformed_stream(emu: BedrockEmulator) -> None:
    emu.queue(Reply(frames=[chunk("Persona "), corrupt(chunk("alegre"))]))
    sink = drive(make(emu), [person_frame(0)], lambda s: len(s.descriptions) == 1)
    (d,) = sink.descriptions
    assert d.fallback is True
    assert d.detail["error"]["kind"] == "malformed_stream"
    assert d.detail["error"]["code"] == "ChecksumMismatch"


def test_a_converse_stream_without_message_stop_is_malformed(emu: BedrockEmulator) -> None:
    emu.queue(Reply(frames=[message_start(), delta("Coche")]))
    sink = drive(make(emu, model_url()), [car_frame(0)], lambda s: len(s.descriptions) == 1)
    assert sink.descriptions[0].detail["error"]["kind"] == "malformed_stream"


def test_network_down(aws_env: None) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again when the block ends: nobody listens
    settings = settings_from_url(agent_url(), endpoint_url=f"http://127.0.0.1:{port}", env={})
    sink = drive(BedrockAnalyzer(settings), [person_frame(0)], lambda s: len(s.descriptions) == 1)
    (d,) = sink.descriptions
    assert d.fallback is True
    ((problem, _),) = sink.problems
    assert problem.kind == "network"
    assert problem.message.startswith("Network: cannot reach Bedrock")
    assert f"127.0.0.1:{port}" in problem.message


def test_connect_timeout(aws_env: None) -> None:
    """A listening socket whose accept queue is full: the SYN goes unanswered."""
    with socket.socket() as server, socket.socket() as filler:
        server.bind(("127.0.0.1", 0))
        server.listen(0)
        port = server.getsockname()[1]
        filler.connect(("127.0.0.1", port))  # takes the only place in the queue
        settings = settings_from_url(
            agent_url(connect_timeout="0.3"), endpoint_url=f"http://127.0.0.1:{port}", env={}
        )
        t = time.monotonic()
        sink = drive(
            BedrockAnalyzer(settings), [person_frame(0)], lambda s: len(s.descriptions) == 1
        )
        elapsed = time.monotonic() - t
    (d,) = sink.descriptions
    assert d.fallback is True
    assert (d.detail["error"]["kind"], d.detail["error"]["code"]) == ("timeout", "ConnectTimeout")
    assert d.detail["error"]["message"].startswith("Timeout: no connection to Bedrock within 0.3 s")
    assert elapsed < 2.0


# --- credentials ----------------------------------------------------------------------------


def test_no_credentials_says_so_once_and_keeps_describing(
    emu: BedrockEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    analyzer = make(emu)
    frames = [car_frame(0, "derecha"), car_frame(1, "izquierda"), car_frame(2, "frente")]
    sink = drive(analyzer, frames, lambda s: len(s.descriptions) == 3)
    assert sink.texts == [
        "coche acercándose derecha",
        "coche acercándose izquierda",
        "coche acercándose frente",
    ]
    assert all(d.fallback for d in sink.descriptions)
    ((problem, _),) = sink.problems
    assert problem.kind == "no_credentials"
    assert problem.message.startswith("No AWS credentials found")
    assert "aws configure" in problem.message
    assert sink.state is LinkState.RETRYING
    assert "no AWS credentials" in sink.states[-1][1]
    assert emu.requests == []


def test_credentials_found_later_are_used(
    emu: BedrockEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    analyzer = make(emu, credentials_recheck_s=0.2)

    def credentials_arrive() -> None:
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", KEY_ID)

    frames: list[Step] = [car_frame(0, "derecha"), 0.3, car_frame(1, "izquierda")]
    sink = drive(analyzer, frames, lambda s: len(s.descriptions) == 2, after=credentials_arrive)
    assert [d.fallback for d in sink.descriptions] == [True, False]
    assert sink.texts[1] == "Persona alegre saludando izquierda"  # the emulator's answer
    assert sink.state is LinkState.LIVE
    assert len(sink.problems) == 1


def test_a_missing_profile_is_explained(emu: BedrockEmulator) -> None:
    analyzer = make(emu, agent_url(profile="nosuchprofile"))
    sink = drive(analyzer, [person_frame(0)], lambda s: len(s.descriptions) == 1)
    assert sink.descriptions[0].fallback is True
    ((problem, _),) = sink.problems
    assert problem.kind == "no_credentials"
    assert problem.message.startswith("AWS profile 'nosuchprofile' not found")


def test_secrets_never_leak(
    emu: BedrockEmulator, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not in logs (even at DEBUG, where botocore would print signed headers), URLs,
    descriptions, problems or states."""
    monkeypatch.setenv("AWS_SESSION_TOKEN", SESSION_TOKEN)
    caplog.set_level(logging.DEBUG)
    emu.queue(
        Reply.agent("Persona alegre", traces=["razonamiento"]),
        Reply.http_error(403, "AccessDeniedException"),
        Reply.stream_exception("throttlingException"),
    )
    analyzer = make(emu, agent_url(trace="1"))
    frames: list[Step] = [
        car_frame(0, "derecha"),
        described(1),
        car_frame(1, "izquierda"),
        described(2),
        car_frame(2, "frente"),
    ]
    sink = drive(analyzer, frames, described(3))
    said = [
        caplog.text,
        analyzer.url,
        *(description_line(d) for d in sink.descriptions),
        *(p.message for p, _ in sink.problems),
        *(detail for _, detail in sink.states),
    ]
    assert emu.requests[0].headers["x-amz-security-token"] == SESSION_TOKEN  # it was used
    for text in said:
        assert SECRET not in text
        assert SESSION_TOKEN not in text
        assert KEY_ID not in text


# --- URLs -------------------------------------------------------------------------------------


def test_bedrock_from_url_builds_an_analyzer(aws_env: None) -> None:
    a = bedrock_from_url(
        agent_url(), AnalysisConfig(window_ms=1000), endpoint_url="http://127.0.0.1:1", env={}
    )
    assert a.config.window_ms == 1000
    assert a.settings.endpoint_url == "http://127.0.0.1:1"
    assert a.url.startswith(f"embedded://bedrock-agent?agent_id={AGENT}&alias_id={ALIAS}")
    assert a.source_name == "bedrock-agent"


# --- through the Session --------------------------------------------------------------------


class _DrainingSource:
    """The demo at full speed; then waits until the analyzer has described its last windows."""

    live = False

    def __init__(self, analyzer: BedrockAnalyzer) -> None:
        self.inner = open_source("demo://person_waves?speed=max&loop=0")
        self.url = self.inner.url
        self.analyzer = analyzer

    async def run(self, sink: Any) -> None:
        await self.inner.run(sink)
        assert await self.analyzer.drain(10.0)


def test_session_end_to_end(emu: BedrockEmulator) -> None:
    analyzer = make(emu)
    session = Session(_DrainingSource(analyzer), analyzer)
    events: list[Event] = []
    session.subscribe(events.append)

    async def scenario() -> None:
        await session.run()
        others = asyncio.all_tasks() - {asyncio.current_task()}
        assert not others, [t.get_name() for t in others]

    asyncio.run(asyncio.wait_for(scenario(), SCENARIO_TIMEOUT_S))
    descriptions = [e for e in events if isinstance(e, Description)]
    assert descriptions, "no description came back from the emulator"
    assert {d.source for d in descriptions} == {"bedrock-agent"}
    assert not any(d.fallback for d in descriptions)
    assert {r.session_id for r in emu.requests} == {analyzer.session_id}
    c = session.counters()
    assert c.descriptions == len(descriptions)
    assert c.windows > 0
    # every window sent was answered, or dropped as stale (the demo runs at full speed)
    assert analyzer.calls + analyzer.stale >= len(emu.requests)
    assert session.states["analyzer"][0] is LinkState.STOPPED
