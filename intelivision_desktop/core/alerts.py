"""Alert rules: what an operator should act on, evaluated from what the Session sees.

Pure and deterministic: every call is given its time (session clock, epoch ms); nothing here
reads a clock. Each rule fires once per *episode* and re-arms when its condition clears:

- ``silent``: a device sent nothing for longer than its threshold (re-armed by its next
  frame; a device that left, :meth:`AlertRules.on_device_gone`, is not silent, it is gone).
  The threshold follows the device's own cadence: ``max(silent_s, min(silent_cadence_factor
  × typical gap, silent_max_s))``, the typical gap being the lower median of its last
  :data:`CADENCE_GAPS` arrival gaps. So a device that streams at a steady pace is not silent
  (a fleet source gets one window summary per device every 2 s, a slow backend one every
  12 s: threshold 36 s), up to a pace of one message per ``silent_max_s / factor`` (40 s by
  default); a device that stops is called silent after at most ``max(silent_s,
  silent_max_s)`` (120 s by default), whatever its history; a frame-rate device (5/s) keeps
  ``silent_s``. One long gap (a device back after a pause) does not stretch the threshold:
  the median ignores it. A device's first gap, before any cadence is known, is judged
  against ``silent_s``. The alert's detail gives the threshold used (``threshold_s``) and
  the typical gap (``typical_gap_s``);
- ``camera_off``: a frame says ``cameraActive: false`` (re-armed by a frame saying true);
- ``latency``: a description took longer than ``latency_s`` (re-armed by one that did not);
- ``fallback_rate``: more than ``fallback_rate`` of a device's descriptions of the last
  ``fallback_window_s`` came from the fallback rules, counted once it has ``fallback_min``
  of them (re-armed when the share drops back);
- ``ai_errors``: the analyzer reports an AI-service (Bedrock) problem (re-armed after
  ``ai_errors_quiet_s`` without one);
- ``danger``: an object approaching within ``danger_distance_m`` (an open-ended distance such
  as "3.0m+" is never "within"), or a vehicle crossing in front at any distance. One alert
  per device and object kind per episode; the episode ends after ``danger_quiet_s`` without
  such a sighting.

Each alert's ``message`` is one English sentence (recordings, headless output, logs); its
``detail`` holds what the sentence says (danger: ``danger`` "approaching" or "crossing",
``object``, ``distance``; silent: ``silent_s``, ``threshold_s``; latency: ``latency_ms``,
``threshold_s``; fallback_rate: ``rate``, ``fallbacks``, ``descriptions``, ``window_s``;
ai_errors: ``problem`` and ``error``, the service's words, if any), so the window can say it
in the operator's language.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from intelivision_desktop.core.analysis import spanish_kind
from intelivision_desktop.core.model import Alert, AlertKind, Description, DetectedObject, Frame

AI_ERROR_KINDS = frozenset(
    {
        "throttled",
        "access_denied",
        "auth",
        "validation",
        "not_found",
        "model_not_ready",
        "quota",
        "conflict",
        "service_error",
        "bedrock_error",
        "no_credentials",
        "timeout",
        "malformed_stream",
        "network",
    }
)
"""Problem kinds the Bedrock analyzer reports (io/bedrock/faults.py), from component
``analyzer``."""

VEHICLE_KINDS = frozenset({"coche", "bicicleta", "moto", "autobús", "camión"})
"""Vehicles, in Spanish (English COCO names are translated first: car, bicycle, motorcycle,
bus, truck)."""

APPROACHING = ("se_acerca", "acercándose")
"""Movements that mean "coming closer" (``se_acerca_izq`` and ``se_acerca_der`` included)."""

IN_FRONT = frozenset({"frente", "centro"})

CADENCE_GAPS = 8
"""Arrival gaps kept per device for its typical cadence (the ``silent`` threshold)."""


@dataclass(frozen=True, slots=True)
class AlertConfig:
    """Alert thresholds (the settings file's ``alert_*`` options)."""

    silent_s: float = 10.0
    """A device that sent nothing for longer than this (or than its own cadence allows, see
    ``silent_cadence_factor``) is silent."""
    silent_cadence_factor: float = 3.0
    """The silent threshold is at least this many times the device's typical arrival gap."""
    silent_max_s: float = 120.0
    """The cadence never stretches the silent threshold beyond this (nor below ``silent_s``)."""
    latency_s: float = 6.0
    fallback_rate: float = 0.5
    """Share of fallback descriptions (0–1) above which ``fallback_rate`` fires."""
    fallback_window_s: float = 300.0
    fallback_min: int = 5
    """Descriptions needed in the window before the share is judged."""
    danger_distance_m: float = 2.0
    danger_quiet_s: float = 10.0
    ai_errors_quiet_s: float = 60.0
    vehicle_kinds: frozenset[str] = VEHICLE_KINDS

    def __post_init__(self) -> None:
        for name in (
            "silent_s",
            "silent_cadence_factor",
            "silent_max_s",
            "latency_s",
            "fallback_window_s",
            "danger_distance_m",
            "danger_quiet_s",
            "ai_errors_quiet_s",
        ):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                raise ValueError(f"{name} must be a finite number, got {v!r}")
            if v <= 0:
                raise ValueError(f"{name} must be above 0, got {v!r}")
        r = self.fallback_rate
        if isinstance(r, bool) or not isinstance(r, int | float) or not 0.0 <= r <= 1.0:
            raise ValueError(f"fallback_rate must be between 0 and 1, got {r!r}")
        if isinstance(self.fallback_min, bool) or self.fallback_min < 1:
            raise ValueError(f"fallback_min must be at least 1, got {self.fallback_min!r}")


def _approaching(movement: str) -> bool:
    return movement.startswith(APPROACHING)


def _median_low(gaps: deque[float]) -> float:
    """statistics.median_low (the lower middle value), without its per-call overhead: this
    runs for every frame."""
    return sorted(gaps)[(len(gaps) - 1) // 2]


def _within(obj: DetectedObject, metres: float) -> bool:
    d = obj.distance
    return d.metres is not None and not d.at_least and d.metres <= metres


class AlertRules:
    """The alert rules' state for a session. Every method returns the alerts it raised."""

    def __init__(self, config: AlertConfig | None = None) -> None:
        self.config = config or AlertConfig()
        self.reset()

    def reset(self) -> None:
        """Forget every device and episode (a replay jumped on its timeline)."""
        self._last_seen: dict[str, float] = {}
        self._gaps: dict[str, deque[float]] = {}
        """Each device's last arrival gaps (ms), for its cadence."""
        self._limit_ms: dict[str, float] = {}
        """Each device's silent threshold (ms), from its gaps; ``silent_s`` if absent."""
        self._silent: set[str] = set()
        self._camera_off: set[str] = set()
        self._slow: set[str] = set()
        self._recent: dict[str, deque[tuple[float, bool]]] = {}
        self._fallback_high: set[str] = set()
        self._ai_last_ms: float | None = None
        self._ai_firing = False
        self._danger_seen: dict[tuple[str, str], float] = {}

    # --- inputs ----------------------------------------------------------------------------

    def on_frame(self, frame: Frame) -> list[Alert]:
        out: list[Alert] = []
        dev, t = frame.device_id, frame.arrival_ms
        self._seen(dev, t)
        if frame.camera_active is False:
            if dev not in self._camera_off:
                self._camera_off.add(dev)
                out.append(
                    Alert(
                        AlertKind.CAMERA_OFF,
                        dev,
                        t,
                        f"Camera of {dev} is off",
                        {},
                        f"camera_off:{dev}",
                    )
                )
        elif frame.camera_active is True:
            self._camera_off.discard(dev)
        if frame.objects:
            out.extend(self._danger(frame))
        return out

    def on_activity(self, device_id: str, t_ms: float) -> None:
        """A device sent something other than a frame (raw samples): it is not silent."""
        self._seen(device_id, t_ms)

    def silent_threshold_s(self, device_id: str) -> float:
        """The time without anything from ``device_id`` after which it is silent (seconds)."""
        return self._limit_ms.get(device_id, self.config.silent_s * 1000.0) / 1000.0

    def on_description(self, d: Description) -> list[Alert]:
        out: list[Alert] = []
        cfg = self.config
        dev = d.device_id
        if d.latency_ms is not None:
            if d.latency_ms > cfg.latency_s * 1000.0:
                if dev not in self._slow:
                    self._slow.add(dev)
                    out.append(
                        Alert(
                            AlertKind.LATENCY,
                            dev,
                            d.t_ms,
                            f"Descriptions for {dev} are slow: {d.latency_ms / 1000.0:.1f} s "
                            f"(limit {cfg.latency_s:g} s)",
                            {"latency_ms": d.latency_ms, "threshold_s": cfg.latency_s},
                            f"latency:{dev}",
                        )
                    )
            else:
                self._slow.discard(dev)
        recent = self._recent.setdefault(dev, deque())
        recent.append((d.t_ms, d.fallback))
        out.extend(self._fallback(dev, d.t_ms))
        return out

    def on_problem(
        self, component: str, kind: str, now_ms: float, message: str = ""
    ) -> list[Alert]:
        """A problem the session counted; AI-service failures raise ``ai_errors``."""
        if component != "analyzer" or kind not in AI_ERROR_KINDS:
            return []
        self._ai_last_ms = now_ms
        if self._ai_firing:
            return []
        self._ai_firing = True
        text = f"AI service errors ({kind})"
        detail: dict[str, str] = {"problem": kind}
        if message:
            text += f": {message[:200]}"
            detail["error"] = message[:200]
        return [Alert(AlertKind.AI_ERRORS, "", now_ms, text, detail, "ai_errors")]

    def on_device_gone(self, device_id: str) -> None:
        """The device left: forget it (a device that left is not silent)."""
        self._last_seen.pop(device_id, None)
        self._gaps.pop(device_id, None)
        self._limit_ms.pop(device_id, None)
        for s in (self._silent, self._camera_off, self._slow, self._fallback_high):
            s.discard(device_id)
        self._recent.pop(device_id, None)
        for key in [k for k in self._danger_seen if k[0] == device_id]:
            del self._danger_seen[key]

    def tick(self, now_ms: float) -> list[Alert]:
        """Time passed: silent devices, the fallback share's window, AI errors' quiet time."""
        out: list[Alert] = []
        cfg = self.config
        default = cfg.silent_s * 1000.0
        for dev, last in self._last_seen.items():
            gap = now_ms - last
            limit = self._limit_ms.get(dev, default)
            if gap > limit and dev not in self._silent:
                self._silent.add(dev)
                gaps = self._gaps.get(dev)
                out.append(
                    Alert(
                        AlertKind.SILENT,
                        dev,
                        now_ms,
                        f"{dev} has sent nothing for {gap / 1000.0:.0f} s",
                        {
                            "silent_s": gap / 1000.0,
                            "threshold_s": limit / 1000.0,
                            "typical_gap_s": _median_low(gaps) / 1000.0 if gaps else None,
                        },
                        f"silent:{dev}",
                    )
                )
        for dev in list(self._recent):
            out.extend(self._fallback(dev, now_ms))
        if (
            self._ai_firing
            and self._ai_last_ms is not None
            and now_ms - self._ai_last_ms > cfg.ai_errors_quiet_s * 1000.0
        ):
            self._ai_firing = False
        quiet = cfg.danger_quiet_s * 1000.0
        for key in [k for k, t in self._danger_seen.items() if now_ms - t > quiet]:
            del self._danger_seen[key]
        return out

    # --- rules -----------------------------------------------------------------------------

    def _seen(self, dev: str, t: float) -> None:
        """``dev`` sent something at ``t``: not silent; its cadence and threshold updated."""
        last = self._last_seen.get(dev)
        self._last_seen[dev] = t if last is None else max(last, t)
        self._silent.discard(dev)
        if last is None or t < last:  # first sight, or out of order: no gap to learn from
            return
        gaps = self._gaps.get(dev)
        if gaps is None:
            gaps = self._gaps[dev] = deque(maxlen=CADENCE_GAPS)
        gaps.append(t - last)
        cfg = self.config
        cadence = min(cfg.silent_cadence_factor * _median_low(gaps), cfg.silent_max_s * 1000.0)
        self._limit_ms[dev] = max(cfg.silent_s * 1000.0, cadence)

    def _fallback(self, dev: str, now_ms: float) -> list[Alert]:
        cfg = self.config
        recent = self._recent.get(dev)
        if recent is None:
            return []
        horizon = now_ms - cfg.fallback_window_s * 1000.0
        while recent and recent[0][0] < horizon:
            recent.popleft()
        n = len(recent)
        fallbacks = sum(1 for _, f in recent if f)
        high = n >= cfg.fallback_min and fallbacks / n > cfg.fallback_rate
        if not high:
            self._fallback_high.discard(dev)
            return []
        if dev in self._fallback_high:
            return []
        self._fallback_high.add(dev)
        share = fallbacks / n
        return [
            Alert(
                AlertKind.FALLBACK_RATE,
                dev,
                now_ms,
                f"{share:.0%} of descriptions for {dev} came from the fallback rules "
                f"({fallbacks} of {n} in {cfg.fallback_window_s / 60.0:g} min)",
                {
                    "fallbacks": fallbacks,
                    "descriptions": n,
                    "rate": share,
                    "threshold": cfg.fallback_rate,
                    "window_s": cfg.fallback_window_s,
                },
                f"fallback_rate:{dev}",
            )
        ]

    def _danger(self, frame: Frame) -> Iterable[Alert]:
        cfg = self.config
        dev, t = frame.device_id, frame.arrival_ms
        quiet = cfg.danger_quiet_s * 1000.0
        raised: set[str] = set()
        for o in frame.objects:
            kind = spanish_kind(o.kind)
            if _approaching(o.movement) and _within(o, cfg.danger_distance_m):
                danger, what = "approaching", f"{kind} approaching at {o.distance.raw}"
            elif o.movement == "cruzando" and o.direction in IN_FRONT and kind in cfg.vehicle_kinds:
                danger, what = "crossing", f"{kind} crossing in front ({o.distance.raw})"
            else:
                continue
            key = (dev, kind)
            last = self._danger_seen.get(key)
            self._danger_seen[key] = t
            if (last is not None and t - last <= quiet) or kind in raised:
                continue
            raised.add(kind)
            yield Alert(
                AlertKind.DANGER,
                dev,
                t,
                f"Danger near {dev}: {what}",
                {
                    "danger": danger,
                    "object": kind,
                    "movement": o.movement,
                    "direction": o.direction,
                    "distance": o.distance.raw,
                    "distance_m": o.distance.metres,
                },
                f"danger:{dev}:{kind}",
            )
