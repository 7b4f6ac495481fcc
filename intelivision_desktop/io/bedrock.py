"""The embedded Bedrock analyzer: the backend's pipeline in-process, described by Amazon Bedrock.

``embedded://bedrock-agent`` calls ``InvokeAgent`` (bedrock-agent-runtime), as the deployed
backend does; ``embedded://bedrock-model`` calls ``ConverseStream`` (bedrock-runtime) with the
system prompt shipped in ``resources/prompts/system_es.txt``. PROTOCOL.md §3–§5.

Pipeline per device, as :class:`~intelivision_desktop.core.embedded.RulesAnalyzer`: frames are
windowed on their arrival time, summarised, judged for relevance; a relevant window becomes a
Bedrock request.

Threads. boto3 is synchronous. Each request runs in its own daemon thread, which streams what
it reads (text chunks or deltas, traces, usage) back to the loop with
``loop.call_soon_threadsafe``; the loop side is an owned asyncio task per request that collects
them under an overall deadline. Daemon threads, so a socket stuck in a read never holds up the
exit of the app; the socket timeouts (``connect_timeout``/``timeout``) end them anyway.

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
backend's ``fallback``) and raise one rate-limited problem naming the cause and the fix.
With no credentials at all, the problem is said once and later windows go straight to the
rules; the credential chain is looked at again every ``credentials_recheck_s``.

Credentials come only from the standard AWS chain; they are never logged, put into settings,
URLs, problems or descriptions.
"""

from __future__ import annotations

import asyncio
import codecs
import datetime as dt
import logging
import math
import os
import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qs, urlencode, urlsplit

from intelivision_desktop.core.analysis import (
    Aggregator,
    AnalysisConfig,
    RelevanceFilter,
    describe_rules,
    is_not_relevant_answer,
    summarize,
)
from intelivision_desktop.core.model import Description, Frame, LinkState, Summary, Window
from intelivision_desktop.core.ports import AnalyzerSink
from intelivision_desktop.core.prompt import (
    INSTRUCTIONS_ES,
    build_prompt,
    build_user_message,
    clean_answer,
)

log = logging.getLogger(__name__)

DEFAULT_REGION = "us-east-1"
DEFAULT_MODEL_ID = "anthropic.claude-3-haiku-20240307-v1:0"
DEFAULT_CONNECT_TIMEOUT_S = 5.0
DEFAULT_READ_TIMEOUT_S = 30.0
DEFAULT_RETRIES = 1
"""Retries after the first attempt (botocore standard mode; ``total_max_attempts`` - 1)."""
DEFAULT_MAX_TOKENS = 64
DEFAULT_TEMPERATURE = 0.2
DEFAULT_MAX_IN_FLIGHT = 2
DEFAULT_MAX_AGE_S = 20.0
REPORT_INTERVAL_S = 30.0
"""A problem of one kind is reported at most this often (the rest are counted into it)."""
CREDENTIALS_RECHECK_S = 60.0
MAX_TRACES = 100
MAX_TRACE_TEXT = 4000
SYSTEM_PROMPT_FILE = "system_es.txt"

Kind = Literal["agent", "model"]

_ID_RE = re.compile(r"^[0-9A-Za-z]{1,10}$")
_REGION_RE = re.compile(r"^[a-z0-9-]{2,32}$")
_MODEL_RE = re.compile(r"^[A-Za-z0-9._:/+-]{1,2048}$")


# --- settings and URLs --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BedrockSettings:
    """Everything needed to reach Bedrock, except credentials (the AWS chain provides those)."""

    kind: Kind
    """``agent`` (InvokeAgent) or ``model`` (ConverseStream)."""
    region: str = DEFAULT_REGION
    profile: str | None = None
    """A profile of ``~/.aws/config``; None: the default chain (``AWS_PROFILE`` …)."""
    agent_id: str | None = None
    alias_id: str | None = None
    model_id: str = DEFAULT_MODEL_ID
    endpoint_url: str | None = None
    """Another endpoint (an emulator, a VPC endpoint); None: the region's public endpoint."""
    trace: bool = False
    """InvokeAgent ``enableTrace``: traces go into ``Description.detail["trace"]``."""
    connect_timeout_s: float = DEFAULT_CONNECT_TIMEOUT_S
    read_timeout_s: float = DEFAULT_READ_TIMEOUT_S
    retries: int = DEFAULT_RETRIES
    """Retries of a failed call by botocore (throttling, 5xx, timeouts); 0: none."""
    max_tokens: int = DEFAULT_MAX_TOKENS
    temperature: float = DEFAULT_TEMPERATURE
    max_in_flight: int = DEFAULT_MAX_IN_FLIGHT
    """Requests per device running at once; a newer window waits in a pending slot."""
    max_age_s: float = DEFAULT_MAX_AGE_S
    """A request still unanswered after this long is given up (timeout → rules)."""

    @property
    def source_name(self) -> str:
        return "bedrock-agent" if self.kind == "agent" else "bedrock-model"

    @property
    def operation(self) -> str:
        return "InvokeAgent" if self.kind == "agent" else "ConverseStream"

    @property
    def permission(self) -> str:
        return (
            "bedrock:InvokeAgent"
            if self.kind == "agent"
            else "bedrock:InvokeModelWithResponseStream"
        )

    def target(self) -> str:
        """Short human text: ``agent ABC/DEF in us-east-1`` or ``model … in us-east-1``."""
        what = (
            f"agent {self.agent_id}/{self.alias_id}"
            if self.kind == "agent"
            else f"model {self.model_id}"
        )
        where = f" via {self.endpoint_url}" if self.endpoint_url else ""
        return f"{what} in {self.region}{where}"

    def url(self) -> str:
        """The analyzer URL for these settings (round-trips through :func:`settings_from_url`).

        Only settings, never credentials; defaults are left out.
        """
        q: dict[str, str] = {}
        if self.kind == "agent":
            q["agent_id"] = self.agent_id or ""
            q["alias_id"] = self.alias_id or ""
        else:
            q["model_id"] = self.model_id
        q["region"] = self.region
        if self.profile:
            q["profile"] = self.profile
        if self.kind == "agent" and self.trace:
            q["trace"] = "1"
        if self.kind == "model":
            if self.max_tokens != DEFAULT_MAX_TOKENS:
                q["max_tokens"] = str(self.max_tokens)
            if self.temperature != DEFAULT_TEMPERATURE:
                q["temperature"] = _num(self.temperature)
        if self.read_timeout_s != DEFAULT_READ_TIMEOUT_S:
            q["timeout"] = _num(self.read_timeout_s)
        if self.connect_timeout_s != DEFAULT_CONNECT_TIMEOUT_S:
            q["connect_timeout"] = _num(self.connect_timeout_s)
        if self.retries != DEFAULT_RETRIES:
            q["retries"] = str(self.retries)
        if self.max_in_flight != DEFAULT_MAX_IN_FLIGHT:
            q["max_in_flight"] = str(self.max_in_flight)
        if self.max_age_s != DEFAULT_MAX_AGE_S:
            q["max_age"] = _num(self.max_age_s)
        if self.endpoint_url:
            q["endpoint_url"] = self.endpoint_url
        return f"embedded://{self.source_name}?{urlencode(q, safe=':/')}"


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


_COMMON_OPTS = frozenset(
    {
        "region",
        "profile",
        "timeout",
        "connect_timeout",
        "retries",
        "max_in_flight",
        "max_age",
        "endpoint_url",
    }
)
_AGENT_OPTS = _COMMON_OPTS | {"agent_id", "alias_id", "trace"}
_MODEL_OPTS = _COMMON_OPTS | {"model_id", "max_tokens", "temperature"}


def _positive(value: str, name: str, *, integer: bool = False, upper: float = 3600.0) -> float:
    try:
        x = float(int(value)) if integer else float(value)
    except ValueError:
        kind = "a whole number" if integer else "a number"
        raise ValueError(f"{name} must be {kind}, got {value!r}") from None
    if not math.isfinite(x) or x <= 0 or x > upper:
        raise ValueError(f"{name} must be above 0 and at most {_num(upper)}, got {value!r}")
    return x


def _flag(value: str, name: str) -> bool:
    v = value.strip().lower()
    if v in ("1", "true", "yes", "on", ""):
        return True
    if v in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name} must be 0 or 1, got {value!r}")


def check_endpoint_url(url: str) -> str:
    """An endpoint URL must be http(s)://host[:port][/path] and carry no user or password."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"endpoint URL must be http://HOST:PORT or https://HOST, got {url!r}")
    if parts.username or parts.password:
        raise ValueError("endpoint URL must not contain a user name or password")
    try:
        parts.port  # noqa: B018  (validates the port)
    except ValueError:
        raise ValueError(f"endpoint URL has a bad port: {url!r}") from None
    return url.strip()


def settings_from_url(
    url: str,
    *,
    endpoint_url: str | None = None,
    env: Mapping[str, str] | None = None,
) -> BedrockSettings:
    """Parse ``embedded://bedrock-agent?…`` or ``embedded://bedrock-model?…``.

    Options: both take ``region``, ``profile``, ``timeout`` (read, s), ``connect_timeout``
    (s), ``retries`` (0–10), ``max_in_flight``, ``max_age`` (s), ``endpoint_url``; the agent
    takes ``agent_id``, ``alias_id``, ``trace=0|1``; the model takes ``model_id``,
    ``max_tokens``, ``temperature``.
    Missing values come from the environment the backend uses: ``BEDROCK_AGENT_ID``,
    ``BEDROCK_AGENT_ALIAS_ID``, ``AWS_REGION`` (then ``AWS_DEFAULT_REGION``, then us-east-1),
    ``AWS_PROFILE``, ``BEDROCK_MODEL_ID``. ``endpoint_url`` (the CLI's
    ``--bedrock-endpoint-url``) overrides the URL's. Raises ValueError with a one-line reason.
    """
    env = os.environ if env is None else env
    parts = urlsplit(url.strip())
    name = (parts.netloc + parts.path).strip("/")
    if parts.scheme.lower() != "embedded" or name not in ("bedrock-agent", "bedrock-model"):
        raise ValueError(
            f"not a Bedrock analyzer URL: {url!r}; use embedded://bedrock-agent or "
            "embedded://bedrock-model"
        )
    kind: Kind = "agent" if name == "bedrock-agent" else "model"
    allowed = _AGENT_OPTS if kind == "agent" else _MODEL_OPTS
    raw = parse_qs(parts.query, keep_blank_values=True)
    unknown = set(raw) - allowed
    if unknown:
        raise ValueError(
            f"embedded://{name}: unknown option(s) {', '.join(sorted(unknown))}; "
            f"known: {', '.join(sorted(allowed))}"
        )
    q = {k: v[-1].strip() for k, v in raw.items()}

    def pick(key: str, *env_keys: str) -> str | None:
        if q.get(key):
            return q[key]
        for e in env_keys:
            if env.get(e, "").strip():
                return env[e].strip()
        return None

    region = pick("region", "AWS_REGION", "AWS_DEFAULT_REGION") or DEFAULT_REGION
    if not _REGION_RE.match(region):
        raise ValueError(f"region must look like us-east-1, got {region!r}")
    profile = pick("profile", "AWS_PROFILE")
    s = BedrockSettings(kind=kind, region=region, profile=profile)
    if "timeout" in q:
        s = replace(s, read_timeout_s=_positive(q["timeout"], "timeout"))
    if "connect_timeout" in q:
        s = replace(s, connect_timeout_s=_positive(q["connect_timeout"], "connect_timeout"))
    if "retries" in q:
        try:
            n = int(q["retries"])
        except ValueError:
            n = -1
        if not 0 <= n <= 10:
            raise ValueError(f"retries must be a whole number from 0 to 10, got {q['retries']!r}")
        s = replace(s, retries=n)
    if "max_in_flight" in q:
        n = int(_positive(q["max_in_flight"], "max_in_flight", integer=True, upper=16))
        s = replace(s, max_in_flight=n)
    if "max_age" in q:
        s = replace(s, max_age_s=_positive(q["max_age"], "max_age"))
    endpoint = endpoint_url or q.get("endpoint_url") or None
    if endpoint:
        s = replace(s, endpoint_url=check_endpoint_url(endpoint))
    if kind == "agent":
        agent_id = pick("agent_id", "BEDROCK_AGENT_ID")
        alias_id = pick("alias_id", "BEDROCK_AGENT_ALIAS_ID")
        if not agent_id:
            raise ValueError(
                "embedded://bedrock-agent needs an agent id: add ?agent_id=ID to the URL "
                "or set BEDROCK_AGENT_ID"
            )
        if not alias_id:
            raise ValueError(
                "embedded://bedrock-agent needs an agent alias id: add &alias_id=ID to the URL "
                "or set BEDROCK_AGENT_ALIAS_ID"
            )
        for label, value in (("agent_id", agent_id), ("alias_id", alias_id)):
            if not _ID_RE.match(value):
                raise ValueError(f"{label} must be 1 to 10 letters or digits, got {value!r}")
        return replace(
            s, agent_id=agent_id, alias_id=alias_id, trace=_flag(q.get("trace", "0"), "trace")
        )
    model_id = pick("model_id", "BEDROCK_MODEL_ID") or DEFAULT_MODEL_ID
    if not _MODEL_RE.match(model_id):
        raise ValueError(f"model_id has characters Bedrock does not accept: {model_id!r}")
    s = replace(s, model_id=model_id)
    if "max_tokens" in q:
        n = int(_positive(q["max_tokens"], "max_tokens", integer=True, upper=4096))
        s = replace(s, max_tokens=n)
    if "temperature" in q:
        try:
            t = float(q["temperature"])
        except ValueError:
            t = -1.0
        if not 0.0 <= t <= 1.0:
            raise ValueError(f"temperature must be between 0 and 1, got {q['temperature']!r}")
        s = replace(s, temperature=t)
    return s


def load_system_prompt() -> str:
    """``resources/prompts/system_es.txt``; the built-in instructions if it is missing."""
    from intelivision_desktop.io.resources import resources_dir

    try:
        path: Path = resources_dir() / "prompts" / SYSTEM_PROMPT_FILE
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("system prompt not readable (%s); using the built-in instructions", exc)
        return INSTRUCTIONS_ES
    return text or INSTRUCTIONS_ES


# --- failures -----------------------------------------------------------------------------


class BedrockFailure(Exception):
    """Why Bedrock did not answer, in words for the operator: cause and fix."""

    def __init__(self, kind: str, code: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        """Problem counter name: ``throttled``, ``access_denied``, ``timeout`` …"""
        self.code = code
        """The service's error code (``ThrottlingException``) or the exception class name."""
        self.message = message


class MalformedStream(Exception):
    """The response stream broke the protocol (no ``messageStop``, unreadable event …)."""


_SERVICE_ERRORS = frozenset(
    {
        "InternalServerException",
        "BadGatewayException",
        "DependencyFailedException",
        "ServiceUnavailableException",
        "ServiceUnavailable",
        "ModelStreamErrorException",
        "ModelErrorException",
        "ModelTimeoutException",
        "InternalFailure",
    }
)
_AUTH_ERRORS = frozenset(
    {
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "ExpiredTokenException",
        "ExpiredToken",
        "InvalidClientTokenId",
        "IncompleteSignature",
        "MissingAuthenticationTokenException",
        "SignatureDoesNotMatch",
    }
)


def _short(text: object, limit: int = 200) -> str:
    s = " ".join(str(text).split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _explain_code(code: str, server: str, where: str, s: BedrockSettings) -> BedrockFailure:
    """A service error code (upper camel) → kind and a message with cause and fix."""
    said = f" ({where}: {_short(server)})" if server else f" ({where})"
    name = code.removesuffix("Exception")
    who = f"profile {s.profile!r}" if s.profile else "this profile"
    if code == "ThrottlingException":
        return BedrockFailure(
            "throttled",
            code,
            f"Throttling: Bedrock is rate-limiting this account{said}. Fix: wait, use longer "
            "windows (--window-ms) or ask AWS for a higher quota; the rules answer meanwhile.",
        )
    if code == "AccessDeniedException":
        if s.kind == "agent":
            fix = (
                f"AccessDenied: {who} lacks {s.permission} on agent {s.agent_id} "
                f"(alias {s.alias_id}){said}. Fix: grant {s.permission} to the IAM identity "
                "or choose another profile."
            )
        else:
            fix = (
                f"AccessDenied: {who} lacks {s.permission} on {s.model_id}, or model access is "
                f"not enabled{said}. Fix: enable the model under Bedrock > Model access in "
                f"{s.region} and grant {s.permission}."
            )
        return BedrockFailure("access_denied", code, fix)
    if code in _AUTH_ERRORS:
        return BedrockFailure(
            "auth",
            code,
            f"{name}: AWS rejected the credentials{said}. Fix: refresh them (aws sso login, "
            "aws configure) or choose another profile.",
        )
    if code == "ValidationException":
        return BedrockFailure(
            "validation",
            code,
            f"Validation: Bedrock rejected the request{said}. Fix: check the "
            + ("agent id, alias id" if s.kind == "agent" else "model id")
            + " and the region.",
        )
    if code == "ResourceNotFoundException":
        what = (
            f"agent {s.agent_id} alias {s.alias_id}"
            if s.kind == "agent"
            else f"model {s.model_id}"
        )
        fix = (
            "BEDROCK_AGENT_ID, BEDROCK_AGENT_ALIAS_ID and AWS_REGION"
            if s.kind == "agent"
            else "the model id and AWS_REGION"
        )
        return BedrockFailure(
            "not_found", code, f"ResourceNotFound: {what} not found in {s.region}{said}. "
            f"Fix: check {fix}."
        )
    if code == "ModelNotReadyException":
        return BedrockFailure(
            "model_not_ready",
            code,
            f"ModelNotReady: the model behind {s.source_name} is not ready{said}. Fix: wait a "
            "minute and it will be retried with the next window.",
        )
    if code == "ServiceQuotaExceededException":
        return BedrockFailure(
            "quota",
            code,
            f"ServiceQuotaExceeded: a Bedrock quota of this account is used up{said}. Fix: "
            "request an increase in Service Quotas, or use longer windows.",
        )
    if code == "ConflictException":
        return BedrockFailure(
            "conflict",
            code,
            f"Conflict: Bedrock refused a request that overlaps another one{said}. Fix: add "
            "max_in_flight=1 to the analyzer URL.",
        )
    if code in _SERVICE_ERRORS:
        return BedrockFailure(
            "service_error",
            code,
            f"{name}: Bedrock failed on its side{said}. Fix: nothing if it passes; otherwise "
            "retry later and check the AWS Health Dashboard.",
        )
    return BedrockFailure(
        "bedrock_error", code, f"{name or 'Error'}: Bedrock refused {s.operation}{said}."
    )


def classify(exc: BaseException, s: BedrockSettings) -> BedrockFailure:
    """Any exception from a Bedrock call → a :class:`BedrockFailure` with cause and fix."""
    from botocore import exceptions as bx  # type: ignore[import-untyped]
    from botocore.eventstream import ParserError  # type: ignore[import-untyped]
    from urllib3 import exceptions as ux

    if isinstance(exc, BedrockFailure):
        return exc
    where = "HTTP"
    if isinstance(exc, bx.NoCredentialsError | bx.PartialCredentialsError):
        return BedrockFailure(
            "no_credentials",
            type(exc).__name__,
            "No AWS credentials found: describing with the offline rules. Fix: run "
            "`aws configure` or `aws sso login`, or set AWS_PROFILE, then restart the analyzer.",
        )
    if isinstance(exc, bx.ProfileNotFound):
        return BedrockFailure(
            "no_credentials",
            "ProfileNotFound",
            f"AWS profile {s.profile!r} not found: describing with the offline rules. Fix: "
            "create it with `aws configure --profile NAME` or choose another profile.",
        )
    if isinstance(
        exc,
        bx.TokenRetrievalError
        | bx.SSOTokenLoadError
        | bx.UnauthorizedSSOTokenError
        | bx.CredentialRetrievalError,
    ):
        return BedrockFailure(
            "auth",
            type(exc).__name__,
            f"AWS credentials could not be loaded ({_short(exc)}). Fix: run `aws sso login`"
            + (f" --profile {s.profile}" if s.profile else "")
            + " or `aws configure`.",
        )
    if isinstance(exc, bx.ClientError):
        err = exc.response.get("Error", {}) if isinstance(exc.response, dict) else {}
        code = str(err.get("Code") or "Unknown")
        server = str(err.get("Message") or "")
        if isinstance(exc, bx.EventStreamError):
            where = "in the response stream"
            code = code[:1].upper() + code[1:]  # lower-camel member name → the class name
        else:
            resp = exc.response if isinstance(exc.response, dict) else {}
            meta = resp.get("ResponseMetadata", {})
            status = meta.get("HTTPStatusCode")
            where = f"HTTP {status}" if status else "HTTP"
        return _explain_code(code, server, where, s)
    if isinstance(exc, bx.ConnectTimeoutError):
        return BedrockFailure(
            "timeout",
            "ConnectTimeout",
            f"Timeout: no connection to Bedrock within {_num(s.connect_timeout_s)} s "
            f"({s.target()}). Fix: check the network, proxy and endpoint; raise connect_timeout.",
        )
    if isinstance(exc, bx.ReadTimeoutError | ux.ReadTimeoutError | TimeoutError):
        return BedrockFailure(
            "timeout",
            "ReadTimeout",
            f"Timeout: Bedrock sent nothing for {_num(s.read_timeout_s)} s ({s.operation}). "
            "Fix: raise timeout in the analyzer URL if the agent is slow; check the network.",
        )
    malformed = (
        ParserError,
        MalformedStream,
        bx.ResponseStreamingError,
        ux.ProtocolError,
        ux.DecodeError,
    )
    if isinstance(exc, malformed):
        return BedrockFailure(
            "malformed_stream",
            type(exc).__name__,
            f"Malformed stream: the {s.operation} response could not be read "
            f"({type(exc).__name__}: {_short(exc)}). Fix: usually a proxy or a broken "
            "connection; retried with the next window.",
        )
    if isinstance(exc, bx.EndpointConnectionError | bx.ConnectionError | ux.HTTPError | OSError):
        return BedrockFailure(
            "network",
            type(exc).__name__,
            f"Network: cannot reach Bedrock ({s.target()}): {_short(exc)}. Fix: check the "
            "network connection, proxy settings and the endpoint URL.",
        )
    if isinstance(exc, bx.ParamValidationError):
        return BedrockFailure(
            "validation",
            "ParamValidationError",
            f"Validation: boto3 refused the request ({_short(exc)}). Fix: check the analyzer "
            "settings.",
        )
    return BedrockFailure(
        "bedrock_error",
        type(exc).__name__,
        f"{type(exc).__name__}: {s.operation} failed: {_short(exc)}",
    )


# --- the blocking side (worker threads) ---------------------------------------------------


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

    def _converse_stream(
        self, client: Any, text: str, cancel: threading.Event, post: Post
    ) -> None:
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


def _resolve[T](fut: asyncio.Future[T], result: T | None, exc: BaseException | None) -> None:
    if fut.done():
        return
    if exc is not None:
        fut.set_exception(exc)
    else:
        fut.set_result(result)  # type: ignore[arg-type]


async def run_in_daemon_thread[T](fn: Callable[[], T], name: str) -> T:
    """Run a blocking function in a new daemon thread; await its result on the loop.

    Cancelling the await does not stop the thread (nothing can stop a blocked read); it just
    stops waiting. Daemon threads never hold up the interpreter's exit.
    """
    loop = asyncio.get_running_loop()
    fut: asyncio.Future[T] = loop.create_future()

    def target() -> None:
        try:
            result = fn()
        except BaseException as exc:  # noqa: BLE001  (handed to the loop, raised there)
            _post(loop, _resolve, fut, None, exc)
        else:
            _post(loop, _resolve, fut, result, None)

    threading.Thread(target=target, name=name, daemon=True).start()
    return await fut


def _post(loop: asyncio.AbstractEventLoop, fn: Callable[..., None], *args: Any) -> None:
    try:
        loop.call_soon_threadsafe(fn, *args)
    except RuntimeError:  # the loop is closed: nobody waits for this any more
        log.debug("loop closed; dropped a hand-off from a Bedrock thread")


# --- JSON-safe detail ---------------------------------------------------------------------


def jsonable(value: Any, depth: int = 0) -> Any:
    """A JSON-safe copy (traces hold datetimes and bytes; recordings need plain JSON)."""
    if depth > 32:
        return "…"
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        return value if len(value) <= MAX_TRACE_TEXT else value[: MAX_TRACE_TEXT - 1] + "…"
    if isinstance(value, bytes | bytearray):
        return jsonable(bytes(value).decode("utf-8", "replace"), depth + 1)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v, depth + 1) for v in value]
    return str(value)


# --- the analyzer (loop side) -------------------------------------------------------------


class _DeviceState:
    __slots__ = ("aggregator", "answered", "pending", "relevance", "running", "seq")

    def __init__(self, device_id: str, config: AnalysisConfig) -> None:
        self.aggregator = Aggregator(device_id, config)
        self.relevance = RelevanceFilter()
        self.seq = 0
        """Sequence number of the newest window sent to Bedrock (or to the rules)."""
        self.answered = 0
        """Sequence number of the newest window whose outcome was used."""
        self.running: dict[int, _Request] = {}
        """Requests running, oldest first."""
        self.pending: _Request | None = None
        """The newest window, waiting for a free slot when ``max_in_flight`` are running."""


class _Request:
    __slots__ = (
        "abandoned",
        "cancel",
        "device",
        "seq",
        "summary",
        "t0",
        "task",
        "window",
    )

    def __init__(
        self, seq: int, device: _DeviceState, window: Window, summary: Summary, t0: float
    ) -> None:
        self.seq = seq
        self.device = device
        self.window = window
        self.summary = summary
        self.t0 = t0
        """perf-clock time the window closed (latency is measured from here)."""
        self.cancel = threading.Event()
        """Set when nobody wants the answer any more: the worker stops reading."""
        self.task: asyncio.Task[None] | None = None
        self.abandoned = False


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
                    self._report(classify(_no_credentials(), self.settings))
                    self._go_offline()
            await asyncio.Event().wait()
        finally:
            await self.aclose()

    def submit(self, frame: Frame) -> None:
        state = self._devices.get(frame.device_id)
        if state is None:
            state = self._devices[frame.device_id] = _DeviceState(frame.device_id, self.config)
        window = state.aggregator.push(frame)
        if window is None:
            return
        t0 = self._perf()
        sink = self._sink
        if sink:
            sink.count("windows")
        summary = summarize(window.frames)
        if not state.relevance.judge(summary, window.closed_ms):
            if sink:
                sink.count("not_relevant")
            return
        if self._closed:
            return
        state.seq += 1
        req = _Request(state.seq, state, window, summary, t0)
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
            _post(loop, queue.put_nowait, ev)

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
            raise BedrockFailure(
                "timeout",
                "Deadline",
                f"Timeout: {s.operation} gave no complete answer within {_num(deadline)} s. "
                "Fix: raise max_age (and timeout) in the analyzer URL if the agent is slow; "
                "check the network.",
            ) from None
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
        text = describe_rules(req.summary)
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
        req.device.relevance.described(req.summary, req.window.closed_ms)
        if self._sink is None:
            return
        self._sink.publish(
            Description(
                device_id=req.window.device_id,
                text=text,
                t_ms=req.window.closed_ms,
                source=self.source_name,
                fallback=fallback,
                latency_ms=latency,
                summary=req.summary,
                window_start_ms=req.window.start_ms,
                window_end_ms=req.window.last_ms,
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
        self._set_state(
            LinkState.RETRYING, "no AWS credentials: describing with the offline rules"
        )

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


def _no_credentials() -> Exception:
    from botocore.exceptions import NoCredentialsError  # type: ignore[import-untyped]

    exc: Exception = NoCredentialsError()
    return exc


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
