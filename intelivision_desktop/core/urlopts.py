"""The options of a source or analyzer URL (``?speed=2&loop=1``): one reading, one set of
messages, for every scheme.

Pure: text in, values or a :class:`ValueError` with a one-line reason out. Callers that have
their own error type (the registry's ``UrlError``) wrap it.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from urllib.parse import parse_qs, unquote_plus, urlsplit, urlunsplit

from intelivision_desktop.core.redact import is_secret_name

TRUE_WORDS = frozenset({"1", "true", "yes", "on", ""})
"""Values a flag reads as on (a bare ``?loop`` included)."""
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def options(query: str, allowed: Collection[str], where: str) -> dict[str, str]:
    """The options of a URL query, each name's last value (blank values kept).

    An option not in ``allowed`` is refused with every unknown one and every known one
    named: ``fake://x: unknown option(s) hz2; known: duration, hz, loop, seed, speed``.
    """
    raw = parse_qs(query, keep_blank_values=True)
    unknown = set(raw) - set(allowed)
    if unknown:
        raise ValueError(
            f"{where}: unknown option(s) {', '.join(sorted(unknown))}; "
            f"known: {', '.join(sorted(allowed)) or 'none'}"
        )
    return {k: v[-1] for k, v in raw.items()}


def flag(value: str | None, name: str, *, default: bool = False) -> bool:
    """``1/true/yes/on`` (or a bare name) → True, ``0/false/no/off`` → False, absent →
    ``default``; anything else is refused."""
    if value is None:
        return default
    v = value.strip().lower()
    if v in TRUE_WORDS:
        return True
    if v in FALSE_WORDS:
        return False
    raise ValueError(f"{name} must be 0 or 1, got {value!r:.40}")


def positive(value: str, name: str, *, integer: bool = False, upper: float = 3600.0) -> float:
    """A number above 0 and at most ``upper`` (a whole number if ``integer``)."""
    try:
        x = float(int(value)) if integer else float(value)
    except OverflowError:  # a whole number too big for a float
        x = math.inf
    except ValueError:
        kind = "a whole number" if integer else "a number"
        raise ValueError(f"{name} must be {kind}, got {value!r:.40}") from None
    if not math.isfinite(x) or x <= 0 or x > upper:
        raise ValueError(f"{name} must be above 0 and at most {num(upper)}, got {value!r:.40}")
    return x


def num(x: float) -> str:
    """A number as a URL writes it: ``2`` rather than ``2.0``, ``12.5`` as is."""
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def without_secrets(url: str) -> str:
    """``url`` with every query option that names a secret removed (``token``,
    ``access_token`` …; see :func:`~intelivision_desktop.core.redact.is_secret_name`), for a
    place that keeps URLs, such as the settings file. The rest of the URL is kept as written.
    """
    parts = urlsplit(url)
    if not parts.query:
        return url
    kept = [
        pair
        for pair in parts.query.split("&")
        if pair and not is_secret_name(unquote_plus(pair.partition("=")[0]))
    ]
    return urlunsplit(parts._replace(query="&".join(kept)))
