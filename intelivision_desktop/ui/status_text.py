"""The status bar's sentences: what the source and the analyzer are doing, in operator words.

The Session reports states with a technical detail ("socketio: in 17.3 s: LinkError:
ClientConnectorError: …"). The operator reads a short sentence ("Backend unreachable —
retrying in 12 s", counting down); the detail stays one click away (tooltip, Details…).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from intelivision_desktop.ui.l10n import grouped, translate

STALL_S = 5.0
"""A live source with no data for this long is said to be stalled."""
_RETRY = re.compile(r"\bin (\d+(?:\.\d+)?) s\b")


_AT_SPEED = re.compile(r"^(?P<source>\S+) at (?P<speed>max|\d+(?:\.\d+)?×) speed$")


def detail_text(detail: str) -> str:
    """A state's detail in the window's language where it is one of the fixed phrases the
    sources and analyzers report ("offline rules", "demo:// at 2× speed"); other details
    (errors, addresses) are technical and shown as they are."""
    if detail == "offline rules":
        return translate("Status", "offline rules")
    m = _AT_SPEED.match(detail)
    if m:
        speed = m.group("speed")
        return translate("Status", "{source} at {speed} speed").format(
            source=m.group("source"),
            speed=translate("Status", "max") if speed == "max" else speed,
        )
    return detail


def retry_delay(detail: str) -> float | None:
    """The delay a retrying link announced ("in 17.3 s: …", "…; retrying in 5 s")."""
    m = _RETRY.search(detail)
    return float(m.group(1)) if m else None


def seconds_text(seconds: float) -> str:
    return translate("Status", "{n} s").format(n=max(0, int(seconds + 0.999)))


@dataclass
class StateView:
    """A component's state as last reported, and when (for countdowns)."""

    state: str = "idle"
    detail: str = ""
    since: float = 0.0
    """time.monotonic() when the state was reported."""


def clock_of(epoch_ms: float) -> str:
    return time.strftime("%H:%M:%S", time.localtime(epoch_ms / 1000.0))


def analyzer_sentence(view: StateView, url: str, now: float) -> str:
    """One short sentence for the analyzer (the source of descriptions)."""
    state = view.state
    if url.startswith("embedded://rules"):
        return {
            "live": translate("Status", "Descriptions from the offline rules"),
            "idle": translate("Status", "Descriptions from the offline rules"),
        }.get(state, translate("Status", "Offline rules stopped"))
    bedrock = url.startswith("embedded://bedrock")
    delay = retry_delay(view.detail)
    left = None if delay is None else max(0.0, delay - (now - view.since))
    if state == "live":
        if "silent" in view.detail:
            return translate(
                "Status", "The backend answers nothing — descriptions from the offline rules"
            )
        return (
            translate("Status", "Connected to Amazon Bedrock")
            if bedrock
            else translate("Status", "Connected to the backend")
        )
    if state == "connecting":
        return (
            translate("Status", "Connecting to Amazon Bedrock…")
            if bedrock
            else translate("Status", "Connecting to the backend…")
        )
    if state in ("retrying", "failed"):
        what = (
            translate("Status", "Amazon Bedrock unreachable")
            if bedrock
            else translate("Status", "Backend unreachable")
        )
        if state == "failed" and left is None:
            return (
                translate("Status", "Amazon Bedrock cannot be used — offline rules describe")
                if bedrock
                else translate("Status", "The backend cannot be used — offline rules describe")
            )
        if left is None:
            return translate("Status", "{what} — retrying").format(what=what)
        if left < 0.5:
            return translate("Status", "{what} — retrying now").format(what=what)
        return translate("Status", "{what} — retrying in {seconds}").format(
            what=what, seconds=seconds_text(left)
        )
    if state == "stopped":
        return translate("Status", "Backend disconnected")
    return translate("Status", "Starting…")


def source_kind(url: str) -> str:
    scheme = url.partition("://")[0]
    return {
        "demo": "demo",
        "replay": "replay",
        "fake": "fake",
        "serve": "serve",
        "serial": "serial",
        "socket": "serial",
        "rfc2217": "serial",
        "loop": "serial",
    }.get(scheme, "other")


def source_sentence(
    view: StateView,
    url: str,
    *,
    paused_at: str | None = None,
    last_data_ms: float | None = None,
    now_ms: float | None = None,
    devices: int | None = None,
    name: str = "",
    now: float | None = None,
) -> tuple[str, str]:
    """One short sentence for the source, and its state word (``live``, ``paused``,
    ``stalled``, ``finished``, ``connecting``, ``retrying``, ``failed``, ``stopped``).

    ``paused_at``: the replay's position when paused; ``last_data_ms``: the session time of
    the newest data (a live source with none for :data:`STALL_S` is stalled); ``devices``:
    devices connected (serve mode); ``name``: what is being read (file, port, device);
    ``now``: time.monotonic() (a board that has sent nothing since it opened is stalled too).
    """
    kind = source_kind(url)
    state = view.state
    if state == "live" and paused_at is not None:
        if kind == "demo":
            return translate("Status", "Demo paused at {time}").format(time=paused_at), "paused"
        return translate("Status", "Replay paused at {time}").format(time=paused_at), "paused"
    if state == "finished":
        if kind in ("demo", "replay"):
            return translate(
                "Status", "Replay finished — seek, or press Play to start again"
            ), "finished"
        return translate("Status", "Finished"), "finished"
    if state == "connecting":
        return translate("Status", "Opening {name}…").format(name=name or url), "connecting"
    if state == "retrying":
        if kind == "serial":
            return translate("Status", "Board disconnected — looking for it again"), "retrying"
        return translate("Status", "Source interrupted — trying again"), "retrying"
    if state == "failed":
        if kind == "serial":
            return translate("Status", "Cannot read the board"), "failed"
        return translate("Status", "The source stopped with an error"), "failed"
    if state in ("stopped", "idle"):
        return translate("Status", "Stopped"), "stopped"
    # live
    if kind == "serve":
        if not devices:
            return translate("Status", "Accepting devices — none connected yet"), "live"
        if name:
            text = translate(
                "Status", "Accepting devices — %n connected — showing {device}", "", devices
            ).format(device=name)
        else:
            text = translate("Status", "Accepting devices — %n connected", "", devices)
        text = grouped(text, devices)
        stalled = _stalled(last_data_ms, now_ms)
        if stalled:
            return translate("Status", "No data from {device} since {time}").format(
                device=name or translate("Status", "the devices"),
                time=clock_of(last_data_ms or 0.0),
            ), "stalled"
        return text, "live"
    if kind == "serial":
        quiet = now is not None and now - view.since > STALL_S
        if _stalled(last_data_ms, now_ms) or (last_data_ms is None and quiet):
            if last_data_ms is None:
                return translate("Status", "No data from the board yet"), "stalled"
            return translate("Status", "No data from the board since {time}").format(
                time=clock_of(last_data_ms)
            ), "stalled"
        return translate("Status", "Reading {board}").format(
            board=name or translate("Status", "the board")
        ), "live"
    if kind == "demo":
        return translate("Status", "Playing the demo"), "live"
    if kind == "replay":
        return translate("Status", "Replaying {name}").format(
            name=name or translate("Status", "a recording")
        ), "live"
    if kind == "fake":
        return translate("Status", "Playing a generated scene"), "live"
    return translate("Status", "Live"), "live"


def _stalled(last_data_ms: float | None, now_ms: float | None) -> bool:
    return (
        last_data_ms is not None and now_ms is not None and now_ms - last_data_ms > STALL_S * 1000.0
    )
