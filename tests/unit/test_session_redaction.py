"""The Session redacts what components publish: no token reaches the status line, the
problems list, the log or diagnostics, whichever component words the message."""

from __future__ import annotations

import logging

import pytest

from intelivision_desktop.core.embedded import RulesAnalyzer
from intelivision_desktop.core.model import Event, LinkState, Problem, StateChange
from intelivision_desktop.core.session import Session
from intelivision_desktop.io.registry import open_source
from tests.conftest import TEST_TOKENS

TOKEN = TEST_TOKENS[0]


def session_and_events() -> tuple[Session, list[Event]]:
    session = Session(open_source("fake://person_waves?duration=1"), RulesAnalyzer())
    events: list[Event] = []
    session.subscribe(events.append)
    return session, events


def test_state_details_are_redacted(caplog: pytest.LogCaptureFixture) -> None:
    session, events = session_and_events()
    caplog.set_level(logging.INFO)
    detail = f"connect failed: wss://h/dev?token={TOKEN} (Authorization: Bearer {TOKEN})"
    session.set_state("analyzer", LinkState.RETRYING, detail)
    (change,) = [e for e in events if isinstance(e, StateChange)]
    assert TOKEN not in change.detail
    assert "token=[REDACTED]" in change.detail
    assert "Bearer [REDACTED]" in change.detail
    assert TOKEN not in session.states["analyzer"][1]
    assert TOKEN not in caplog.text
    # the same detail again is the same state: not published twice
    session.set_state("analyzer", LinkState.RETRYING, detail)
    assert len([e for e in events if isinstance(e, StateChange)]) == 1


def test_problem_messages_are_redacted() -> None:
    session, events = session_and_events()
    session.problem("analyzer", "handshake", f"Socket.IO: http://h:1/?token={TOKEN} refused")
    (p,) = [e for e in events if isinstance(e, Problem)]
    assert TOKEN not in p.message
    assert "token=[REDACTED]" in p.message
    assert session.last_problem == p
    assert session.counters().problems == {"handshake": 1}


def test_a_failing_source_states_its_error_redacted() -> None:
    import asyncio

    class Leaky:
        url = "fake://leaky"

        async def run(self, sink: object) -> None:
            raise ConnectionError(f"GET /dev?token={TOKEN} 403")

    session = Session(Leaky(), RulesAnalyzer())  # type: ignore[arg-type]
    asyncio.run(session.run(5))
    state, detail = session.states["source"]
    assert state is LinkState.FAILED
    assert TOKEN not in detail
    assert "token=[REDACTED]" in detail
