"""The ``$connect`` authorizer of the serverless backend (a Lambda REQUEST authorizer).

A connection with ``?role=observer`` is an operator console (the fleet observer protocol) and
is admitted only when ``?token=`` equals the operator token kept in SSM Parameter Store (a
SecureString named by env ``OPERATOR_TOKEN_PARAM``, default
``/intelivision/STAGE/operator-token``; never in the template). The comparison is in constant
time; the parameter is read once per warm process and kept for five minutes. Any other
connection is a device and is admitted as the seed admits devices (no token).

The answer is an IAM policy with ``context.role`` (``observer`` or ``device``), which API
Gateway hands to every route of the connection as ``requestContext.authorizer.role``. A refusal
is a Deny policy: API Gateway (and serverless-offline) answer the handshake with 403.
"""

from __future__ import annotations

import hmac
import logging
import os
import time
from collections.abc import Callable, Mapping
from typing import Any

log = logging.getLogger(__name__)
log.setLevel(logging.INFO)

CACHE_S = 300.0
"""How long a warm process keeps the operator token (a rotated token is taken within 5 min)."""


def default_param(env: Mapping[str, str]) -> str:
    stage = env.get("STAGE", "dev")
    return env.get("OPERATOR_TOKEN_PARAM") or f"/intelivision/{stage}/operator-token"


class OperatorToken:
    """The operator token from SSM, cached per process for :data:`CACHE_S`."""

    def __init__(
        self,
        name: str,
        client: Callable[[], Any] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self._client = client
        self._clock = clock
        self._value: bytes | None = None
        self._at = -CACHE_S
        self.reads = 0
        """SSM reads made (each is one GetParameter call)."""

    def value(self) -> bytes | None:
        """The token, or None if it cannot be read (then no observer is admitted)."""
        now = self._clock()
        if self._value is not None and now - self._at < CACHE_S:
            return self._value
        try:
            if self._client is None:
                import boto3  # type: ignore[import-untyped]

                ssm = boto3.client("ssm")
            else:
                ssm = self._client()
            self.reads += 1
            r = ssm.get_parameter(Name=self.name, WithDecryption=True)
            value = str(r["Parameter"]["Value"]).encode("utf-8")
        except Exception as exc:  # noqa: BLE001 - no token readable: observers refused
            log.error("operator token %s cannot be read: %s", self.name, exc)
            return None
        if not value:
            log.error("operator token %s is empty: observers refused", self.name)
            return None
        self._value, self._at = value, now
        return value

    def matches(self, given: str | None) -> bool:
        want = self.value()
        if want is None or not given:
            return False
        return hmac.compare_digest(given.encode("utf-8"), want)


_token: OperatorToken | None = None


def operator_token() -> OperatorToken:
    global _token
    if _token is None:
        _token = OperatorToken(default_param(os.environ))
    return _token


def set_operator_token(t: OperatorToken | None) -> None:
    """Tests: use this token source instead of one from the environment."""
    global _token
    _token = t


def query(event: Mapping[str, Any]) -> Mapping[str, Any]:
    q = event.get("queryStringParameters")
    return q if isinstance(q, Mapping) else {}


def wants_observer(event: Mapping[str, Any]) -> bool:
    return str(query(event).get("role") or "") == "observer"


def check(event: Mapping[str, Any]) -> str | None:
    """The role this ``$connect`` event is admitted as (``observer``/``device``), or None."""
    if not wants_observer(event):
        return "device"
    token = query(event).get("token")
    if operator_token().matches(token if isinstance(token, str) else None):
        return "observer"
    return None


def _policy(principal: str, effect: str, resource: str, role: str) -> dict[str, Any]:
    return {
        "principalId": principal,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}],
        },
        "context": {"role": role},
    }


def authorize(event: Mapping[str, Any], _context: Any = None) -> dict[str, Any]:
    """The Lambda authorizer handler (``$connect``, type REQUEST)."""
    resource = str(event.get("methodArn") or "*")
    role = check(event)
    if role is None:
        ctx = event.get("requestContext") or {}
        ip = (ctx.get("identity") or {}).get("sourceIp", "?")
        log.warning("observer from %s refused: bad or missing operator token", ip)
        return _policy("refused", "Deny", resource, "refused")
    return _policy(role, "Allow", resource, role)
