"""The Bedrock agent describer of the serverless backend: the desktop's synchronous Bedrock
client (``io/bedrock/client.py``, no asyncio) and prompt, called inline by the Lambda.

One agent session per connection (the seed's backend reused one fixed session id for every
client). A deadline inside the Lambda's timeout: the call's socket timeouts bound each try,
and the answer is abandoned (the rules describe) when the deadline passes. Any failure raises,
and the handler describes the window with the rules, marked ``fallback``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import Any

from intelivision_desktop.core.bedrock_settings import BedrockSettings
from intelivision_desktop.core.pipeline import ClosedWindow
from intelivision_desktop.core.prompt import build_prompt, clean_answer
from intelivision_desktop.io.bedrock.client import BedrockClient, StreamEvent

DEADLINE_S = 6.0
"""The longest a window waits for the agent (the Lambda's timeout is 10 s in the template)."""


class AgentTimeout(TimeoutError):
    """The agent did not answer within the deadline."""


class AgentDescriber:
    """(window, connection id) → (text, fallback=False, detail); raises on any failure."""

    def __init__(self, settings: BedrockSettings, deadline_s: float = DEADLINE_S) -> None:
        self.settings = settings
        self.deadline_s = deadline_s
        self._clients: dict[str, BedrockClient] = {}

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> AgentDescriber:
        region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1"
        settings = BedrockSettings(
            kind="agent",
            agent_id=env["BEDROCK_AGENT_ID"],
            alias_id=env["BEDROCK_AGENT_ALIAS_ID"],
            region=region,
            connect_timeout_s=2.0,
            read_timeout_s=float(env.get("BEDROCK_TIMEOUT_S", "5")),
            retries=0,
            endpoint_url=env.get("BEDROCK_ENDPOINT_URL") or None,
        )
        return cls(settings, float(env.get("BEDROCK_DEADLINE_S", str(DEADLINE_S))))

    def client_for(self, conn_id: str) -> BedrockClient:
        c = self._clients.get(conn_id)
        if c is None:
            # one agent session per connection; warm Lambdas keep a few
            if len(self._clients) > 256:
                self._clients.clear()
            c = self._clients[conn_id] = BedrockClient(
                self.settings, f"intelivision-{conn_id}", system_prompt=""
            )
        return c

    def __call__(
        self, closed: ClosedWindow, conn_id: str
    ) -> tuple[str | None, bool, dict[str, Any]]:
        prompt = build_prompt(closed.summary)
        parts: list[str] = []
        errors: list[BaseException] = []
        cancel = threading.Event()
        t0 = time.monotonic()

        def post(ev: StreamEvent) -> None:
            if ev.kind == "text":
                parts.append(str(ev.value))

        def work() -> None:
            try:
                self.client_for(conn_id).stream(prompt, cancel, post)
            except BaseException as exc:  # noqa: BLE001 - raised on the caller's thread
                errors.append(exc)

        worker = threading.Thread(target=work, name="bedrock-agent", daemon=True)
        worker.start()
        worker.join(self.deadline_s)
        if worker.is_alive():
            cancel.set()
            raise AgentTimeout(f"no answer from the agent within {self.deadline_s:g} s")
        if errors:
            raise errors[0]
        text = clean_answer("".join(parts))
        detail = {"latency_ms": round((time.monotonic() - t0) * 1000.0, 1)}
        return (text or None), False, detail
