"""Amazon Bedrock: the embedded analyzer's AI, split by what each part needs.

- :mod:`intelivision_desktop.core.bedrock_settings`: settings and the URL grammar (pure);
- :mod:`.faults`: every exception of a call → a :class:`BedrockFailure` with cause and fix;
- :mod:`.client`: the synchronous boto3 calls and event-stream reading (no asyncio: the
  serverless handlers import it directly);
- :mod:`.handoff`: blocking work in daemon threads, handed back to the asyncio loop;
- :mod:`.analyzer`: :class:`BedrockAnalyzer`, the per-device, latest-window-wins scheduler.

The names the rest of the app imports from here stay importable from here. The asyncio ones
(the analyzer, the hand-off) are loaded on first use, so importing the client, the faults or
the settings through this package never loads asyncio code of ours.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from intelivision_desktop.core.bedrock_settings import (
    DEFAULT_CONNECT_TIMEOUT_S,
    DEFAULT_MAX_AGE_S,
    DEFAULT_MAX_IN_FLIGHT,
    DEFAULT_MAX_TOKENS,
    DEFAULT_MODEL_ID,
    DEFAULT_READ_TIMEOUT_S,
    DEFAULT_REGION,
    DEFAULT_RETRIES,
    DEFAULT_TEMPERATURE,
    BedrockSettings,
    Kind,
    check_endpoint_url,
    settings_from_url,
)
from intelivision_desktop.io.bedrock.client import (
    MAX_TRACE_TEXT,
    BedrockClient,
    Post,
    StreamEvent,
    jsonable,
    quiet_botocore_debug,
)
from intelivision_desktop.io.bedrock.faults import (
    BedrockFailure,
    MalformedStream,
    classify,
    deadline_failure,
    no_credentials,
)

if TYPE_CHECKING:
    from intelivision_desktop.io.bedrock.analyzer import (
        CREDENTIALS_RECHECK_S,
        MAX_TRACES,
        REPORT_INTERVAL_S,
        SYSTEM_PROMPT_FILE,
        BedrockAnalyzer,
        bedrock_from_url,
        load_system_prompt,
    )
    from intelivision_desktop.io.bedrock.handoff import hand_off, run_in_daemon_thread

_LAZY = {
    "CREDENTIALS_RECHECK_S": "analyzer",
    "MAX_TRACES": "analyzer",
    "REPORT_INTERVAL_S": "analyzer",
    "BedrockAnalyzer": "analyzer",
    "bedrock_from_url": "analyzer",
    "SYSTEM_PROMPT_FILE": "analyzer",
    "load_system_prompt": "analyzer",
    "hand_off": "handoff",
    "run_in_daemon_thread": "handoff",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "CREDENTIALS_RECHECK_S",
    "DEFAULT_CONNECT_TIMEOUT_S",
    "DEFAULT_MAX_AGE_S",
    "DEFAULT_MAX_IN_FLIGHT",
    "DEFAULT_MAX_TOKENS",
    "DEFAULT_MODEL_ID",
    "DEFAULT_READ_TIMEOUT_S",
    "DEFAULT_REGION",
    "DEFAULT_RETRIES",
    "DEFAULT_TEMPERATURE",
    "MAX_TRACES",
    "MAX_TRACE_TEXT",
    "REPORT_INTERVAL_S",
    "SYSTEM_PROMPT_FILE",
    "BedrockAnalyzer",
    "BedrockClient",
    "BedrockFailure",
    "BedrockSettings",
    "Kind",
    "MalformedStream",
    "Post",
    "StreamEvent",
    "bedrock_from_url",
    "check_endpoint_url",
    "classify",
    "deadline_failure",
    "hand_off",
    "jsonable",
    "load_system_prompt",
    "no_credentials",
    "quiet_botocore_debug",
    "run_in_daemon_thread",
    "settings_from_url",
]
