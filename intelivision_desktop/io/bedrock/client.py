"""The synchronous Bedrock client: boto3 calls and event-stream reading, nothing else.

``InvokeAgent`` (bedrock-agent-runtime) for ``embedded://bedrock-agent``, as the deployed
backend calls it; ``ConverseStream`` (bedrock-runtime) for ``embedded://bedrock-model``, with
the system prompt shipped in ``resources/prompts/system_es.txt``. PROTOCOL.md §5.

Every call blocks. What a call reads (text chunks or deltas, traces, usage, metrics, the stop
reason) is handed to a ``post`` callback as :class:`StreamEvent` values as it arrives, and the
call stops reading when its ``cancel`` event is set. The desktop runs each call in a daemon
thread and posts to its asyncio loop (:mod:`.handoff`, :mod:`.analyzer`); a serverless
handler calls it directly. This module imports no asyncio, so both can use it.

Credentials come only from the standard AWS chain; they are never logged, put into settings,
URLs, problems or descriptions.
"""

from __future__ import annotations

import codecs
import datetime as dt
import logging
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from intelivision_desktop.core.bedrock_settings import BedrockSettings
from intelivision_desktop.core.codec import json_safe
from intelivision_desktop.io.bedrock.faults import MalformedStream

log = logging.getLogger(__name__)

MAX_TRACE_TEXT = 4000
"""Longest text kept from one value of a trace (longer text is cut, with "…")."""


@dataclass(frozen=True, slots=True)
class StreamEvent:
    """One thing a worker thread read, handed to the loop."""

    kind: Literal["text", "trace", "usage", "metrics", "stop", "note", "end", "error"]
    value: Any = None


Post = Callable[[StreamEvent], None]


def quiet_botocore_debug() -> None:
    """Keep botocore's DEBUG records out of the logs unless someone asked for them.

    At DEBUG, botocore logs signed requests: canonical requests and headers, including
    ``X-Amz-Security-Token``. Secrets are never logged, so botocore is held at INFO when its
    level was not set explicitly.
    """
    logger = logging.getLogger("botocore")
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)


class BedrockClient:
    """The boto3 side: a lazily created, cached client and the two streaming calls.

    Every method blocks; call them from worker threads only. boto3 clients are thread-safe;
    the boto3 Session that creates them is not, hence the lock.
    """

    def __init__(self, settings: BedrockSettings, session_id: str, system_prompt: str) -> None:
        self.settings = settings
        self.session_id = session_id
        self.system_prompt = system_prompt
        self._lock = threading.Lock()
        self._session: Any = None
        self._client: Any = None

    def invalidate(self) -> None:
        """Forget the client: the next call resolves the credential chain again."""
        with self._lock:
            self._client = None
            self._session = None

    def _boto_session(self) -> Any:
        import boto3  # type: ignore[import-untyped]

        if self._session is None:
            self._session = boto3.session.Session(
                profile_name=self.settings.profile, region_name=self.settings.region
            )
        return self._session

    def client(self) -> Any:
        with self._lock:
            if self._client is None:
                quiet_botocore_debug()
                from botocore.config import Config  # type: ignore[import-untyped]

                s = self.settings
                config = Config(
                    connect_timeout=s.connect_timeout_s,
                    read_timeout=s.read_timeout_s,
                    retries={"total_max_attempts": s.retries + 1, "mode": "standard"},
                    user_agent_extra="intelivision-desktop",
                )
                service = "bedrock-agent-runtime" if s.kind == "agent" else "bedrock-runtime"
                self._client = self._boto_session().client(
                    service, region_name=s.region, endpoint_url=s.endpoint_url, config=config
                )
            return self._client

    def has_credentials(self) -> bool:
        """Whether the chain finds any credentials (a bearer token counts for models)."""
        with self._lock:
            creds = self._boto_session().get_credentials()
        if creds is not None:
            return True
        return self.settings.kind == "model" and bool(os.environ.get("AWS_BEARER_TOKEN_BEDROCK"))

    def warm_up(self) -> bool:
        """Resolve the credentials and, if there are any, create the client (slow: it loads
        the service model), so the first window does not pay for it. False: no credentials."""
        if not self.has_credentials():
            return False
        self.client()
        return True

    def stream(self, text: str, cancel: threading.Event, post: Post) -> None:
        """Make one call, posting what arrives; returns at the end or when ``cancel`` is set."""
        client = self.client()
        if self.settings.kind == "agent":
            self._invoke_agent(client, text, cancel, post)
        else:
            self._converse_stream(client, text, cancel, post)

    def _invoke_agent(self, client: Any, text: str, cancel: threading.Event, post: Post) -> None:
        s = self.settings
        response = client.invoke_agent(
            agentId=s.agent_id,
            agentAliasId=s.alias_id,
            sessionId=self.session_id,
            inputText=text,
            enableTrace=s.trace,
            endSession=False,
        )
        stream = response["completion"]
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        try:
            for event in stream:
                if cancel.is_set():
                    return
                if "chunk" in event:
                    data = event["chunk"].get("bytes") or b""
                    part = decoder.decode(data)
                    if part:
                        post(StreamEvent("text", part))
                elif "trace" in event:
                    post(StreamEvent("trace", event["trace"]))
                else:
                    post(StreamEvent("note", next(iter(event), "unknown")))
            tail = decoder.decode(b"", final=True)
            if tail:
                post(StreamEvent("text", tail))
        finally:
            stream.close()

    def _converse_stream(self, client: Any, text: str, cancel: threading.Event, post: Post) -> None:
        s = self.settings
        response = client.converse_stream(
            modelId=s.model_id,
            messages=[{"role": "user", "content": [{"text": text}]}],
            system=[{"text": self.system_prompt}],
            inferenceConfig={"maxTokens": s.max_tokens, "temperature": s.temperature},
        )
        stream = response["stream"]
        stopped = False
        try:
            for event in stream:
                if cancel.is_set():
                    return
                if "contentBlockDelta" in event:
                    delta = event["contentBlockDelta"].get("delta", {})
                    if delta.get("text"):
                        post(StreamEvent("text", delta["text"]))
                elif "messageStop" in event:
                    stopped = True
                    post(StreamEvent("stop", event["messageStop"].get("stopReason")))
                elif "metadata" in event:
                    meta = event["metadata"]
                    if "usage" in meta:
                        post(StreamEvent("usage", dict(meta["usage"])))
                    if "metrics" in meta:
                        post(StreamEvent("metrics", dict(meta["metrics"])))
        finally:
            stream.close()
        if not stopped and not cancel.is_set():
            raise MalformedStream("the ConverseStream response ended before messageStop")


def jsonable(value: Any, depth: int = 0) -> Any:
    """A JSON-safe copy of what boto3 parsed from an event stream, for recordings.

    :func:`~intelivision_desktop.core.codec.json_safe` alone would write the AWS shapes
    unreadably (``str`` of a datetime or of bytes), so they are converted here: datetimes as
    ISO 8601, bytes as UTF-8 text, sets as lists, text cut at :data:`MAX_TRACE_TEXT`,
    nesting past 32 levels as "…"; every other value goes through ``json_safe``
    (non-finite numbers → null, lone surrogates → U+FFFD).
    """
    if depth > 32:
        return "…"
    if isinstance(value, str):
        if len(value) > MAX_TRACE_TEXT:
            value = value[: MAX_TRACE_TEXT - 1] + "…"
        return json_safe(value)
    if isinstance(value, bytes | bytearray):
        return jsonable(bytes(value).decode("utf-8", "replace"), depth + 1)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {json_safe(str(k)): jsonable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v, depth + 1) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return json_safe(value)
    return jsonable(str(value), depth + 1)
