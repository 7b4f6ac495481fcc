"""Bedrock analyzer settings and their URL grammar (``embedded://bedrock-agent?…``,
``embedded://bedrock-model?…``): what to call, where, and how patiently. PROTOCOL.md §5.

Pure: no I/O, no clock. Missing values may come from an environment mapping (the process
environment by default, as :meth:`~intelivision_desktop.core.analysis.AnalysisConfig.from_env`
reads it), the names the deployed backend uses. Credentials are never part of the settings:
the standard AWS chain provides them at call time.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal
from urllib.parse import urlencode, urlsplit

from intelivision_desktop.core.urlopts import flag, num, options, positive

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
                q["temperature"] = num(self.temperature)
        if self.read_timeout_s != DEFAULT_READ_TIMEOUT_S:
            q["timeout"] = num(self.read_timeout_s)
        if self.connect_timeout_s != DEFAULT_CONNECT_TIMEOUT_S:
            q["connect_timeout"] = num(self.connect_timeout_s)
        if self.retries != DEFAULT_RETRIES:
            q["retries"] = str(self.retries)
        if self.max_in_flight != DEFAULT_MAX_IN_FLIGHT:
            q["max_in_flight"] = str(self.max_in_flight)
        if self.max_age_s != DEFAULT_MAX_AGE_S:
            q["max_age"] = num(self.max_age_s)
        if self.endpoint_url:
            q["endpoint_url"] = self.endpoint_url
        return f"embedded://{self.source_name}?{urlencode(q, safe=':/')}"


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
    q = {k: v.strip() for k, v in options(parts.query, allowed, f"embedded://{name}").items()}

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
        s = replace(s, read_timeout_s=positive(q["timeout"], "timeout"))
    if "connect_timeout" in q:
        s = replace(s, connect_timeout_s=positive(q["connect_timeout"], "connect_timeout"))
    if "retries" in q:
        try:
            n = int(q["retries"])
        except ValueError:
            n = -1
        if not 0 <= n <= 10:
            raise ValueError(f"retries must be a whole number from 0 to 10, got {q['retries']!r}")
        s = replace(s, retries=n)
    if "max_in_flight" in q:
        n = int(positive(q["max_in_flight"], "max_in_flight", integer=True, upper=16))
        s = replace(s, max_in_flight=n)
    if "max_age" in q:
        s = replace(s, max_age_s=positive(q["max_age"], "max_age"))
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
            s, agent_id=agent_id, alias_id=alias_id, trace=flag(q.get("trace", "0"), "trace")
        )
    model_id = pick("model_id", "BEDROCK_MODEL_ID") or DEFAULT_MODEL_ID
    if not _MODEL_RE.match(model_id):
        raise ValueError(f"model_id has characters Bedrock does not accept: {model_id!r}")
    s = replace(s, model_id=model_id)
    if "max_tokens" in q:
        n = int(positive(q["max_tokens"], "max_tokens", integer=True, upper=4096))
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
