"""Names an operator can read for the devices of a session.

A device connected to the app is known by an opaque id (``sio-957897``), a user agent and an
address. :func:`friendly_name` turns the user agent into "iPhone (Safari)", "Android
(Chrome)" or "InteliVision app 1.2"; :class:`DeviceNames` adds the operator's aliases and is
what every view asks for a name (status bar, plots, window title, devices panel, timeline).

Pure: no Qt, no I/O. Aliases are kept by whoever owns the settings file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

MAX_ALIAS_CHARS = 40

_APP = re.compile(r"InteliVision(?:[- ]?App)?/(\d+(?:\.\d+){0,2})", re.IGNORECASE)
_BROWSERS = (
    # order matters: Edge and Opera and Samsung say "Chrome" too, Chrome says "Safari"
    (re.compile(r"\bEdg(?:e|A|iOS)?/"), "Edge"),
    (re.compile(r"\bOPR/|\bOpera\b"), "Opera"),
    (re.compile(r"\bSamsungBrowser/"), "Samsung Internet"),
    (re.compile(r"\bFirefox/|\bFxiOS/"), "Firefox"),
    (re.compile(r"\bCriOS/|\bChrome/"), "Chrome"),
    (re.compile(r"\bSafari/"), "Safari"),
)
_PLATFORMS = (
    (re.compile(r"\biPhone\b"), "iPhone"),
    (re.compile(r"\biPad\b"), "iPad"),
    (re.compile(r"\bAndroid\b"), "Android"),
    (re.compile(r"\bWindows\b"), "Windows"),
    (re.compile(r"\bMacintosh\b|\bMac OS X\b"), "Mac"),
    (re.compile(r"\bCrOS\b"), "Chromebook"),
    (re.compile(r"\bLinux\b"), "Linux"),
)
_LIBRARIES = (
    (re.compile(r"python-socketio|aiohttp|python-requests|Python/", re.IGNORECASE), "Python"),
    (re.compile(r"^node|socket\.io-client|engine\.io-client", re.IGNORECASE), "Node.js"),
    (re.compile(r"okhttp", re.IGNORECASE), "Android"),
    (re.compile(r"CFNetwork|Darwin/", re.IGNORECASE), "iPhone"),
    (re.compile(r"websockets?/", re.IGNORECASE), "WebSocket client"),
)


def friendly_name(user_agent: str) -> str:
    """A short name for a device from its HTTP user agent ("" if nothing is recognised)."""
    ua = (user_agent or "").strip()
    if not ua:
        return ""
    m = _APP.search(ua)
    if m:
        return f"InteliVision app {m.group(1)}"
    platform = next((name for rx, name in _PLATFORMS if rx.search(ua)), "")
    if "Mozilla/" in ua or platform:
        browser = next((name for rx, name in _BROWSERS if rx.search(ua)), "")
        if platform and browser:
            return f"{platform} ({browser})"
        return platform or browser or "Web browser"
    return next((name for rx, name in _LIBRARIES if rx.search(ua)), "")


def clean_alias(text: str) -> str:
    """An alias as kept: one line, trimmed, at most :data:`MAX_ALIAS_CHARS` characters."""
    return " ".join(str(text).split())[:MAX_ALIAS_CHARS]


@dataclass(frozen=True, slots=True)
class DeviceIdentity:
    """What is known of a device besides its id."""

    user_agent: str = ""
    address: str = ""
    name: str = ""
    """A name the source gives it (a serial board's product and port)."""


class DeviceNames:
    """Names for device ids: the operator's alias first, else one made from the user agent.

    ``aliases`` are keyed by device id, or by user agent (an alias given to a phone follows it
    when it reconnects under a new id, as long as its user agent is the same).
    """

    def __init__(self, aliases: Mapping[str, str] | None = None) -> None:
        self.aliases: dict[str, str] = {k: clean_alias(v) for k, v in (aliases or {}).items()}
        self._known: dict[str, DeviceIdentity] = {}
        self._listeners: list[Callable[[], None]] = []

    def on_change(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after an alias changes (views re-read their names)."""
        self._listeners.append(listener)

    def learn(
        self, device_id: str, user_agent: str = "", address: str = "", name: str = ""
    ) -> None:
        """Remember what a device said of itself (the devices server knows it), or the name
        its source gives it."""
        self._known[device_id] = DeviceIdentity(user_agent, address, name)

    def identity(self, device_id: str) -> DeviceIdentity:
        return self._known.get(device_id, DeviceIdentity())

    def alias(self, device_id: str) -> str:
        ident = self._known.get(device_id)
        if device_id in self.aliases:
            return self.aliases[device_id]
        if ident is not None and ident.user_agent:
            return self.aliases.get("ua:" + ident.user_agent, "")
        return ""

    def set_alias(self, device_id: str, alias: str, *, by_user_agent: bool = True) -> str:
        """Give a device a name ("" removes it); returns the key the alias is kept under."""
        alias = clean_alias(alias)
        ident = self._known.get(device_id)
        key = device_id
        if by_user_agent and ident is not None and ident.user_agent:
            key = "ua:" + ident.user_agent
            self.aliases.pop(device_id, None)
        if alias:
            self.aliases[key] = alias
        else:
            self.aliases.pop(key, None)
        for listener in list(self._listeners):
            listener()
        return key

    def name(self, device_id: str) -> str:
        """The name to show: the alias, or the name from the user agent, or the id."""
        alias = self.alias(device_id)
        if alias:
            return alias
        ident = self._known.get(device_id)
        if ident is None:
            return _builtin_name(device_id)
        return friendly_name(ident.user_agent) or ident.name or _builtin_name(device_id)

    def label(self, device_id: str) -> str:
        """The name with where the device is: "iPhone (Safari) · 192.168.1.5"."""
        ident = self._known.get(device_id)
        where = ident.address if ident is not None else ""
        name = self.name(device_id)
        return f"{name} · {where}" if where else name

    def __call__(self, device_id: str) -> str:
        return self.label(device_id)


def _builtin_name(device_id: str) -> str:
    """Ids the app gives its own sources keep their meaning; others are shown as they are."""
    return {"demo": "Demo", "replay": "Recording", "fake": "Generated scene"}.get(
        device_id, device_id
    )
