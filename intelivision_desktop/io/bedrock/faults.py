"""Why Bedrock did not answer, in the operator's words: every exception a call can raise
(service errors before or inside the stream, credentials, timeouts, network, a malformed
stream) becomes a :class:`BedrockFailure` with a counter name, the service's code, and a
message that says the cause and the fix.

Synchronous and loop-free: the serverless handlers use it as the desktop does. Credentials
are never part of a message.
"""

from __future__ import annotations

from intelivision_desktop.core.bedrock_settings import BedrockSettings
from intelivision_desktop.core.urlopts import num


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
            f"agent {s.agent_id} alias {s.alias_id}" if s.kind == "agent" else f"model {s.model_id}"
        )
        fix = (
            "BEDROCK_AGENT_ID, BEDROCK_AGENT_ALIAS_ID and AWS_REGION"
            if s.kind == "agent"
            else "the model id and AWS_REGION"
        )
        return BedrockFailure(
            "not_found",
            code,
            f"ResourceNotFound: {what} not found in {s.region}{said}. Fix: check {fix}.",
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
            f"Timeout: no connection to Bedrock within {num(s.connect_timeout_s)} s "
            f"({s.target()}). Fix: check the network, proxy and endpoint; raise connect_timeout.",
        )
    if isinstance(exc, bx.ReadTimeoutError | ux.ReadTimeoutError | TimeoutError):
        return BedrockFailure(
            "timeout",
            "ReadTimeout",
            f"Timeout: Bedrock sent nothing for {num(s.read_timeout_s)} s ({s.operation}). "
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


def deadline_failure(s: BedrockSettings, deadline_s: float) -> BedrockFailure:
    """The request as a whole outlived its deadline (``max_age`` or the retry budget)."""
    return BedrockFailure(
        "timeout",
        "Deadline",
        f"Timeout: {s.operation} gave no complete answer within {num(deadline_s)} s. "
        "Fix: raise max_age (and timeout) in the analyzer URL if the agent is slow; "
        "check the network.",
    )


def no_credentials() -> Exception:
    """The exception botocore raises when the chain finds no credentials (for :func:`classify`
    when a look-up found none without raising)."""
    from botocore.exceptions import NoCredentialsError  # type: ignore[import-untyped]

    exc: Exception = NoCredentialsError()
    return exc
