"""Secrets out of text: one redaction for logs, the status line, error messages, recording
headers and diagnostics.

Linear in the length of the text: every pattern can start only at the beginning of a run of
the characters it scans (a look-behind refuses starts inside a run), so a hostile 32 KB key
costs one pass, not one pass per character. Names are judged by a function, not by
backtracking inside the pattern.
"""

from __future__ import annotations

import re

REDACTED = "[REDACTED]"
"""What stands for a secret: not a word, so no token check mistakes it for a value."""
_R = re.escape(REDACTED)

SECRET_NAME_PATTERN = (
    r"(?:[a-z0-9_-]*token|[a-z0-9_-]*secret|[a-z0-9_-]*key|[a-z0-9_-]*password|passwd"
    r"|signature|sig|credentials?|authorization|x-amz-[a-z0-9-]+)"
)
"""Names (option keys, query parameters, JSON keys) whose values are secrets. Matched whole
and case-insensitively."""
_SECRET_NAME = re.compile(SECRET_NAME_PATTERN, re.IGNORECASE)
_SECRET_SUFFIXES = ("token", "secret", "key", "password")
_SECRET_WORDS = frozenset(
    {"passwd", "signature", "sig", "credential", "credentials", "authorization"}
)


def is_secret_name(name: str) -> bool:
    """True for ``token``, ``access_token``, ``aws_secret_access_key``, ``X-Amz-Credential`` …
    (not for ``max_tokens`` or ``link_token_in``)."""
    n = name.lower()
    if n in _SECRET_WORDS or (n.startswith("x-amz-") and len(n) > 6):
        return _SECRET_NAME.fullmatch(n) is not None
    return n.endswith(_SECRET_SUFFIXES) and _SECRET_NAME.fullmatch(n) is not None


_NAME_CHARS = r"A-Za-z0-9_.\-"

# Authorization: Bearer xyz / "Authorization": "AWS4-HMAC-SHA256 …" (the scheme is kept)
_AUTHORIZATION = re.compile(
    r"(?<![A-Za-z0-9_-])(authorization[\"']?[ \t]*[:=][ \t]*[\"']?)"
    rf"((?:bearer|basic|token)[ \t]+)?+(?!{_R})[^\s\"',;]+",
    re.IGNORECASE,
)
_BEARER = re.compile(rf"(?<![A-Za-z0-9_-])(bearer[ \t]+)(?!{_R})[A-Za-z0-9._~+/=-]+", re.I)
# "token": "…" in JSON or a Python repr
_QUOTED_KEY = re.compile(
    rf"(?<![{_NAME_CHARS}\"'])([\"'])([{_NAME_CHARS}]+)\1([ \t]*:[ \t]*[\"'])([^\"'\n]*)"
)
# token=…, ?access_token=…, &X-Amz-Signature=…, --token=…
_ASSIGNED = re.compile(rf"(?<![{_NAME_CHARS}])([{_NAME_CHARS}]+)([ \t]*=[ \t]*)([^\s&#\"',;)]+)")
# --token VALUE, --serve-token VALUE
_OPTION = re.compile(r"(?<![A-Za-z0-9-])(--[a-z][a-z-]*)([ \t]+)([^\s-]\S*)", re.IGNORECASE)
# scheme://user:password@host
_USERINFO = re.compile(
    rf"(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*://[^/\s:@]+:)(?!{_R}@)[^@\s/]+(@)", re.IGNORECASE
)
# AWS access key ids (long-term AKIA…, temporary ASIA…)
_AWS_KEY_ID = re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")


def _quoted(m: re.Match[str]) -> str:
    if not is_secret_name(m.group(2)) or REDACTED in m.group(4):
        return m.group(0)
    return f"{m.group(1)}{m.group(2)}{m.group(1)}{m.group(3)}{REDACTED}"


def _assigned(m: re.Match[str]) -> str:
    name = m.group(1).lstrip("-")
    if not is_secret_name(name) or m.group(3) == REDACTED:
        return m.group(0)
    return f"{m.group(1)}{m.group(2)}{REDACTED}"


def _option(m: re.Match[str]) -> str:
    if not m.group(1).lower().endswith("token") or m.group(3) == REDACTED:
        return m.group(0)
    return f"{m.group(1)}{m.group(2)}{REDACTED}"


def redact(text: str) -> str:
    """``text`` with tokens, passwords, signatures, Authorization values and AWS key ids
    replaced by ``REDACTED``. Idempotent; linear in ``len(text)``."""
    text = _AUTHORIZATION.sub(rf"\1\2{REDACTED}", text)
    text = _BEARER.sub(rf"\1{REDACTED}", text)
    text = _QUOTED_KEY.sub(_quoted, text)
    text = _ASSIGNED.sub(_assigned, text)
    text = _OPTION.sub(_option, text)
    text = _USERINFO.sub(rf"\1{REDACTED}\2", text)
    return _AWS_KEY_ID.sub(REDACTED, text)
