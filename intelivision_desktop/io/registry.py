"""Sources and analyzers chosen by URL: the one language of the CLI, the settings and tests.

Sources: ``demo://``, ``replay://PATH?speed=1&loop=0``, ``fake://SCENE?seed=1&speed=1``,
``observe+ws(s)://HOST/PATH?token=…`` (a deployment's fleet), or a plain path to a recording.
Analyzers: ``embedded://rules``, ``http(s)://…`` (a Socket.IO backend), ``ws(s)://…`` (an API
Gateway WebSocket backend), ``remote://`` (a fleet's deployment describes; see
:func:`analyzer_for`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from intelivision_desktop.core import urlopts
from intelivision_desktop.core.analysis import AnalysisConfig
from intelivision_desktop.core.embedded import RulesAnalyzer
from intelivision_desktop.core.ports import Analyzer, Source
from intelivision_desktop.io.links import BackendLink, LinkOptions
from intelivision_desktop.io.resources import demo_recording, demo_recordings
from intelivision_desktop.io.sources import DemoSource, FakeSource, ReplaySource, parse_speed


class UrlError(ValueError):
    """A source or analyzer URL that cannot be used; the message says why."""


def _params(query: str, allowed: set[str], url: str) -> dict[str, str]:
    try:
        return urlopts.options(query, allowed, url)
    except ValueError as exc:
        raise UrlError(str(exc)) from None


def _flag(value: str | None, name: str) -> bool:
    try:
        return urlopts.flag(value, name)
    except ValueError as exc:
        raise UrlError(str(exc)) from None


def _speed(value: str | None) -> float | None:
    if value is None:
        return 1.0
    try:
        return parse_speed(value)
    except ValueError as exc:
        raise UrlError(str(exc)) from None


def open_source(url: str) -> Source:
    """Build the source a URL names. Raises :class:`UrlError` with a clear message."""
    url = url.strip()
    if "://" not in url:
        path = Path(url).expanduser()
        if path.is_file():
            from intelivision_desktop.io.observer import FleetReplaySource, is_fleet_recording

            return FleetReplaySource(path) if is_fleet_recording(path) else ReplaySource(path)
        raise UrlError(
            f"{url!r} is neither a source URL (demo://, replay://PATH, fake://SCENE) "
            "nor a readable recording file"
        )
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "demo":
        p = _params(parts.query, {"speed", "loop"}, url)
        name = (parts.netloc + parts.path).strip("/")
        try:
            files = [demo_recording(name)] if name else demo_recordings()
        except FileNotFoundError as exc:
            raise UrlError(str(exc)) from None
        loop = _flag(p.get("loop", "1"), "loop")
        return DemoSource(files, url=url, speed=_speed(p.get("speed")), loop=loop)
    if scheme == "replay":
        p = _params(parts.query, {"speed", "loop", "anchor"}, url)
        path = Path(unquote(parts.netloc + parts.path)).expanduser()
        if not path.is_file():
            raise UrlError(f"cannot read recording {str(path)!r}: no such file")
        anchor = p.get("anchor", "recording")
        if anchor not in ("recording", "now"):
            raise UrlError("anchor must be 'recording' or 'now'")
        from intelivision_desktop.io.observer import FleetReplaySource, is_fleet_recording

        kind = FleetReplaySource if is_fleet_recording(path) else ReplaySource
        return kind(
            path,
            url=url,
            speed=_speed(p.get("speed")),
            loop=_flag(p.get("loop"), "loop"),
            anchor_now=anchor == "now",
        )
    if scheme == "fake":
        p = _params(parts.query, {"seed", "speed", "loop", "hz", "duration"}, url)
        scene = (parts.netloc + parts.path).strip("/") or "person_waves"
        try:
            seed = int(p.get("seed", "1"))
            hz = float(p.get("hz", "5"))
            duration = float(p["duration"]) if "duration" in p else None
        except ValueError as exc:
            raise UrlError(f"{url}: {exc}") from None
        if not 0.1 <= hz <= 1000:
            raise UrlError(f"{url}: hz must be between 0.1 and 1000")
        try:
            return FakeSource(
                scene,
                seed=seed,
                hz=hz,
                speed=_speed(p.get("speed")),
                loop=_flag(p.get("loop", "1"), "loop"),
                duration_s=duration,
                url=url,
            )
        except ValueError as exc:
            raise UrlError(f"{url}: {exc}") from None
    if scheme in ("serial", "socket", "rfc2217", "loop"):
        from intelivision_desktop.io.serial_source import serial_source_from_url

        try:
            return serial_source_from_url(url)
        except ValueError as exc:
            raise UrlError(str(exc)) from None
    if scheme in ("observe+ws", "observe+wss"):
        from intelivision_desktop.io.observer import ObserverSource

        try:
            return ObserverSource(url)
        except ValueError as exc:
            raise UrlError(str(exc)) from None
    if scheme == "serve":
        from intelivision_desktop.io.server import server_from_url

        try:
            return server_from_url(url)
        except ValueError as exc:
            raise UrlError(str(exc)) from None
    raise UrlError(
        f"unknown source scheme {scheme!r} in {url!r}; use demo://, replay://, fake://, "
        "serial://PORT, socket://HOST:PORT, serve://HOST:PORT, observe+wss://HOST/STAGE"
    )


DEFAULT_ANALYZER = "embedded://rules"


def is_observer_url(url: str) -> bool:
    """A fleet source (``observe+ws(s)://``): the deployment describes, not the desktop."""
    return url.strip().lower().startswith(("observe+ws://", "observe+wss://"))


def analyzer_for(source_url: str, analyzer_url: str) -> str:
    """The analyzer a source goes with: ``remote://`` for a fleet source when the analyzer is
    the default one (the deployment describes its devices; the rules would describe its
    windows a second time), ``analyzer_url`` otherwise."""
    if is_observer_url(source_url) and analyzer_url.strip() in ("", DEFAULT_ANALYZER):
        return "remote://"
    return analyzer_url


def _pop_query(url: str, name: str) -> tuple[str, str | None]:
    """``url`` without the query parameter ``name``, and its (last) value."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    values = [v for k, v in pairs if k == name]
    if not values:
        return url, None
    rest = urlencode([(k, v) for k, v in pairs if k != name])
    return urlunsplit(parts._replace(query=rest)), values[-1]


def open_analyzer(
    url: str,
    config: AnalysisConfig | None = None,
    *,
    link: Mapping[str, Any] | None = None,
    bedrock_endpoint_url: str | None = None,
) -> Analyzer:
    """Build the analyzer a URL names. Raises :class:`UrlError` with a clear message.

    ``link`` holds :class:`LinkOptions` fields (token, TLS, backoff …) for backend URLs.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme in ("http", "https", "ws", "wss"):
        if not parts.hostname:
            raise UrlError(f"{url!r} has no host name")
        opts = dict(link or {})
        url, stamp = _pop_query(url.strip(), "stamp")
        if stamp is not None:
            opts["stamp"] = stamp  # ours, not the backend's: never sent to it
        protocol = opts.get("protocol", "auto")
        if protocol not in ("auto", "socketio", "apigw"):
            raise UrlError(f"protocol must be auto, socketio or apigw, not {protocol!r}")
        try:
            return BackendLink(LinkOptions(url=url, **opts), config)
        except (TypeError, ValueError) as exc:
            raise UrlError(f"{url}: {exc}") from None
    if scheme == "remote":
        from intelivision_desktop.io.observer import RemoteAnalyzer

        return RemoteAnalyzer()
    if scheme == "embedded":
        kind = (parts.netloc + parts.path).strip("/") or "rules"
        if kind == "rules":
            return RulesAnalyzer(config, perf_clock=time.perf_counter)
        if kind in ("bedrock-agent", "bedrock-model"):
            # Imported here: the Bedrock analyzer (and boto3 behind it) loads slowly.
            from intelivision_desktop.io.bedrock.analyzer import bedrock_from_url

            try:
                return bedrock_from_url(url, config, endpoint_url=bedrock_endpoint_url)
            except ValueError as exc:
                raise UrlError(str(exc)) from None
        raise UrlError(
            f"unknown embedded analyzer {kind!r}; use embedded://rules, "
            "embedded://bedrock-agent or embedded://bedrock-model"
        )
    raise UrlError(
        f"unknown analyzer {url!r}; use embedded://rules, http(s)://HOST[:PORT] (Socket.IO "
        "backend) or ws(s)://HOST/STAGE (API Gateway backend)"
    )
