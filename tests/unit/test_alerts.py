"""Alert rules (core/alerts.py): each kind fires on a constructed scene, once per episode, and
re-arms when its condition clears; the calm demo scenes raise nothing; the recording format
carries alerts."""

from __future__ import annotations

import pytest

from intelivision_desktop.core.alerts import AlertConfig, AlertRules
from intelivision_desktop.core.codec import decode_frame
from intelivision_desktop.core.model import Alert, AlertKind, Description, Frame
from intelivision_desktop.core.recording import RecordingParser, alert_line
from intelivision_desktop.io.resources import demo_recording

T0 = 1_767_000_000_000.0


def frame(
    t_s: float, device: str = "cam", objects: list[dict[str, object]] | None = None, **kw: object
) -> Frame:
    wire: dict[str, object] = {"personas": [], "objetos": objects or [], **kw}
    return decode_frame(wire, device_id=device, arrival_ms=T0 + t_s * 1000.0)


def obj(tipo: str, movimiento: str, direccion: str, distancia: str) -> dict[str, object]:
    return {"tipo": tipo, "movimiento": movimiento, "direccion": direccion, "distancia": distancia}


def desc(
    t_s: float, *, fallback: bool = False, latency_ms: float | None = 500.0, device: str = "cam"
) -> Description:
    return Description(
        device, "Persona al frente", T0 + t_s * 1000.0, "bedrock-model", fallback, latency_ms
    )


def kinds(alerts: list[Alert]) -> list[AlertKind]:
    return [a.kind for a in alerts]


def feed_frames(rules: AlertRules, frames: list[Frame]) -> list[Alert]:
    out: list[Alert] = []
    for f in frames:
        out += rules.on_frame(f)
        out += rules.tick(f.arrival_ms)
    return out


def test_silent_fires_once_per_episode_and_rearms() -> None:
    rules = AlertRules(AlertConfig(silent_s=10))
    for i in range(6):  # 5 frames/s, the last at 0 s
        assert rules.on_frame(frame(-1 + i * 0.2)) == []
    assert rules.tick(T0 + 9_000) == []
    first = rules.tick(T0 + 10_500)
    assert kinds(first) == [AlertKind.SILENT]
    assert first[0].device_id == "cam"
    assert first[0].key == "silent:cam"
    assert rules.tick(T0 + 20_000) == []
    assert rules.tick(T0 + 60_000) == []
    rules.on_frame(frame(61))  # back: re-armed
    assert rules.tick(T0 + 65_000) == []
    assert kinds(rules.tick(T0 + 72_000)) == [AlertKind.SILENT]


def stream(rules: AlertRules, times_s: list[float], device: str = "cam") -> list[Alert]:
    """Frames of ``device`` at ``times_s``, with the session's 1 Hz alert clock in between."""
    out: list[Alert] = []
    clock = times_s[0]
    for t in times_s:
        while clock < t:
            out += rules.tick(T0 + clock * 1000.0)
            clock += 1.0
        out += rules.on_frame(frame(t, device))
        out += rules.tick(T0 + t * 1000.0)
    return out


def silent_after(rules: AlertRules, last_s: float, device: str = "cam") -> float | None:
    """Seconds after ``last_s`` at which the 1 Hz clock (ticking at .5 s) calls it silent."""
    for k in range(1, 600):
        if [a for a in rules.tick(T0 + (last_s + k - 0.5) * 1000.0) if a.device_id == device]:
            return k - 0.5
    return None


def test_silent_steady_two_second_windows_keep_silent_s() -> None:
    """A fleet device's window summaries every 2 s: 3 × 2 s is below silent_s, which rules."""
    rules = AlertRules(AlertConfig(silent_s=10))
    times = [i * 2.0 for i in range(30)]
    assert stream(rules, times) == []
    assert rules.silent_threshold_s("cam") == 10.0
    assert rules.tick(T0 + (times[-1] + 9.9) * 1000.0) == []
    out = rules.tick(T0 + (times[-1] + 10.1) * 1000.0)
    assert kinds(out) == [AlertKind.SILENT]
    assert out[0].detail["threshold_s"] == 10.0
    assert out[0].detail["typical_gap_s"] == 2.0


def test_silent_a_slow_steady_cadence_is_not_silence() -> None:
    """A slow backend's windows 12 s apart: streaming at its own pace, the device is not silent
    (only its first gap, before any cadence is known, is judged against silent_s); stopped,
    it is silent after 3 × 12 s."""
    rules = AlertRules(AlertConfig(silent_s=10))
    times = [i * 12.0 for i in range(15)]
    out = stream(rules, times)
    assert [a.t_ms for a in out] == [T0 + 11_000.0]  # the first gap: nothing known yet
    assert rules.silent_threshold_s("cam") == 36.0
    last = times[-1]
    assert rules.tick(T0 + (last + 15) * 1000.0) == []
    assert rules.tick(T0 + (last + 35.5) * 1000.0) == []
    out = rules.tick(T0 + (last + 36.5) * 1000.0)
    assert kinds(out) == [AlertKind.SILENT]
    assert out[0].detail["threshold_s"] == 36.0
    assert out[0].detail["typical_gap_s"] == 12.0
    assert "36 s" in out[0].message


def test_silent_frame_rate_device_unchanged() -> None:
    rules = AlertRules(AlertConfig(silent_s=10))
    times = [i * 0.2 for i in range(100)]
    assert stream(rules, times) == []
    assert rules.silent_threshold_s("cam") == 10.0
    assert silent_after(rules, times[-1]) == 10.5


def test_silent_one_long_pause_does_not_stretch_the_threshold() -> None:
    """A 2 s device back after a 60 s pause: the median of its gaps is still 2 s."""
    rules = AlertRules(AlertConfig(silent_s=10))
    times = [i * 2.0 for i in range(10)] + [78.0 + i * 2.0 for i in range(5)]
    out = stream(rules, times)
    assert kinds(out) == [AlertKind.SILENT]  # the pause itself
    assert rules.silent_threshold_s("cam") == 10.0
    assert silent_after(rules, times[-1]) == 10.5


def test_silent_threshold_is_bounded_whatever_the_cadence() -> None:
    """A device that sent every 100 s is silent after silent_max_s, not after 300 s."""
    rules = AlertRules(AlertConfig(silent_s=10, silent_max_s=120))
    for t in (0.0, 100.0, 200.0, 300.0):
        rules.on_frame(frame(t))
    assert rules.silent_threshold_s("cam") == 120.0
    assert silent_after(rules, 300.0) == 120.5


def test_silent_thresholds_are_per_device_and_forgotten() -> None:
    rules = AlertRules(AlertConfig(silent_s=10))
    for i in range(6):
        rules.on_frame(frame(i * 12.0, "slow"))
        rules.on_activity("board", T0 + i * 12_000.0 + 11_000.0)  # raw samples count too
    for i in range(300):
        rules.on_frame(frame(50 + i * 0.2, "fast"))
    assert rules.silent_threshold_s("slow") == 36.0
    assert rules.silent_threshold_s("board") == 36.0
    assert rules.silent_threshold_s("fast") == 10.0
    rules.on_device_gone("slow")
    assert rules.silent_threshold_s("slow") == 10.0  # back later: learnt again
    rules.reset()
    assert rules.silent_threshold_s("board") == 10.0


def test_a_device_that_left_is_not_silent() -> None:
    rules = AlertRules()
    rules.on_frame(frame(0, "a"))
    rules.on_frame(frame(0, "b"))
    rules.on_device_gone("a")
    assert [a.device_id for a in rules.tick(T0 + 30_000)] == ["b"]


def test_camera_off_while_it_lasts() -> None:
    rules = AlertRules()
    off = [frame(i * 0.2, cameraActive=False) for i in range(10)]
    assert kinds(feed_frames(rules, off)) == [AlertKind.CAMERA_OFF]
    assert feed_frames(rules, [frame(3, cameraActive=True)]) == []
    assert kinds(feed_frames(rules, [frame(4, cameraActive=False)])) == [AlertKind.CAMERA_OFF]


def test_latency_once_per_slow_stretch() -> None:
    rules = AlertRules(AlertConfig(latency_s=6))
    assert rules.on_description(desc(0, latency_ms=5_900)) == []
    slow = rules.on_description(desc(2, latency_ms=6_500))
    assert kinds(slow) == [AlertKind.LATENCY]
    assert slow[0].detail["latency_ms"] == 6_500
    assert rules.on_description(desc(4, latency_ms=9_000)) == []
    assert rules.on_description(desc(6, latency_ms=800)) == []  # recovered: re-armed
    assert kinds(rules.on_description(desc(8, latency_ms=7_000))) == [AlertKind.LATENCY]


def test_fallback_rate_needs_enough_descriptions_and_clears_with_the_window() -> None:
    rules = AlertRules(AlertConfig(fallback_rate=0.5, fallback_window_s=300, fallback_min=5))
    out: list[Alert] = []
    for i in range(4):
        out += rules.on_description(desc(i * 2, fallback=True))
    assert out == []  # 4 of 4, but fewer than 5 descriptions
    out += rules.on_description(desc(8, fallback=False))  # 4 of 5 = 80 %
    assert kinds(out) == [AlertKind.FALLBACK_RATE]
    assert out[0].detail["fallbacks"] == 4
    assert out[0].detail["descriptions"] == 5
    assert rules.on_description(desc(10, fallback=True)) == []  # same episode
    for i in range(10):
        assert rules.on_description(desc(20 + i, fallback=False)) == []  # 5 of 16: cleared
    # the good ones age out of the window and the share climbs again
    for i in range(5):
        out = rules.on_description(desc(400 + i, fallback=True))
    assert kinds(out) == [AlertKind.FALLBACK_RATE]


def test_exactly_the_threshold_is_not_above_it() -> None:
    rules = AlertRules(AlertConfig(fallback_rate=0.5, fallback_min=4))
    out: list[Alert] = []
    for i, fb in enumerate([True, False, True, False]):
        out += rules.on_description(desc(i, fallback=fb))
    assert out == []


def test_bedrock_errors_fire_once_until_quiet() -> None:
    rules = AlertRules(AlertConfig(ai_errors_quiet_s=60))
    assert rules.on_problem("analyzer", "analyzer_error", T0) == []  # not the AI service
    assert rules.on_problem("source", "throttled", T0) == []
    first = rules.on_problem("analyzer", "throttled", T0, "ThrottlingException: slow down")
    assert kinds(first) == [AlertKind.AI_ERRORS]
    assert first[0].device_id == ""
    assert "throttled" in first[0].message
    assert first[0].detail == {"problem": "throttled", "error": "ThrottlingException: slow down"}
    assert rules.on_problem("analyzer", "service_error", T0 + 30_000) == []
    rules.tick(T0 + 80_000)  # 50 s since the last: still the same episode
    assert rules.on_problem("analyzer", "timeout", T0 + 85_000) == []
    rules.tick(T0 + 150_000)  # 65 s quiet: re-armed
    assert kinds(rules.on_problem("analyzer", "auth", T0 + 151_000)) == [AlertKind.AI_ERRORS]


def test_danger_approaching_within_distance_per_kind_deduplicated() -> None:
    rules = AlertRules(AlertConfig(danger_distance_m=2.0, danger_quiet_s=10))
    far = [frame(i * 0.2, objects=[obj("dog", "se_acerca", "frente", "2.5m")]) for i in range(5)]
    open_ended = [
        frame(1 + i * 0.2, objects=[obj("dog", "se_acerca", "frente", "1.5m+")]) for i in range(5)
    ]
    assert feed_frames(rules, far + open_ended) == []  # 2.5 m is far; "1.5m+" may be far
    near = [
        frame(2 + i * 0.2, objects=[obj("dog", "se_acerca", "frente", "1.8m")]) for i in range(20)
    ]
    near += [frame(6, objects=[obj("dog", "acercándose", "izquierda", "1.0m")])]
    out = feed_frames(rules, near)
    assert kinds(out) == [AlertKind.DANGER]
    assert out[0].detail["object"] == "perro"
    assert out[0].detail["danger"] == "approaching"
    assert out[0].detail["distance"] == "1.8m"
    assert out[0].detail["distance_m"] == 1.8
    assert out[0].key == "danger:cam:perro"
    static = [frame(7, objects=[obj("chair", "estatico", "frente", "0.5m")])]
    cat = [frame(7.2, objects=[obj("cat", "se_acerca_izq", "izquierda", "1.0m")])]
    assert feed_frames(rules, static) == []
    assert [a.detail["object"] for a in feed_frames(rules, cat)] == ["gato"]  # another kind
    # 10 s without a dog near: a new episode
    again = [frame(17, objects=[obj("dog", "se_acerca", "frente", "1.2m")])]
    assert kinds(feed_frames(rules, again)) == [AlertKind.DANGER]


def test_danger_vehicle_crossing_in_front_at_any_distance() -> None:
    rules = AlertRules()
    beside = [frame(0, objects=[obj("car", "cruzando", "derecha", "3.0m+")])]
    person = [frame(0.2, objects=[obj("person", "cruzando", "frente", "3.0m")])]
    assert feed_frames(rules, beside + person) == []
    front = [frame(1, objects=[obj("bus", "cruzando", "centro", "6.0m+")])]
    out = feed_frames(rules, front)
    assert kinds(out) == [AlertKind.DANGER]
    assert out[0].detail["object"] == "autobús"
    assert out[0].detail["danger"] == "crossing"
    assert out[0].detail["distance"] == "6.0m+"
    assert "crossing in front" in out[0].message


def test_danger_per_device() -> None:
    rules = AlertRules()
    frames = [frame(0, d, objects=[obj("truck", "cruzando", "frente", "4m")]) for d in ("a", "b")]
    assert sorted(a.device_id for a in feed_frames(rules, frames)) == ["a", "b"]


def test_reset_forgets_episodes() -> None:
    rules = AlertRules()
    assert kinds(feed_frames(rules, [frame(0, cameraActive=False)])) == [AlertKind.CAMERA_OFF]
    rules.reset()
    assert kinds(feed_frames(rules, [frame(1, cameraActive=False)])) == [AlertKind.CAMERA_OFF]


@pytest.mark.parametrize(
    "bad",
    [
        {"silent_s": 0},
        {"silent_cadence_factor": -1},
        {"silent_max_s": float("inf")},
        {"latency_s": float("nan")},
        {"fallback_rate": 1.5},
        {"fallback_min": 0},
    ],
)
def test_config_refuses_nonsense(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=next(iter(bad))):
        AlertConfig(**bad)  # type: ignore[arg-type]


def replay_scene(name: str) -> list[Alert]:
    """The demo recording through the alert rules, on its own clock."""
    parser = RecordingParser("demo")
    rules = AlertRules()
    out: list[Alert] = []
    with demo_recording(name).open(encoding="utf-8") as fh:
        for line in fh:
            r = parser.feed(line)
            if isinstance(r, Frame):
                out += rules.on_frame(r)
                out += rules.tick(r.arrival_ms)
    assert parser.bad_lines == 0
    return out


@pytest.mark.parametrize("scene", ["quiet_corridor", "person_waves"])
def test_calm_demo_scenes_raise_nothing(scene: str) -> None:
    assert replay_scene(scene) == []


def test_car_and_dog_raises_danger_for_the_car_and_the_dog() -> None:
    out = replay_scene("car_and_dog")
    assert kinds(out) == [AlertKind.DANGER, AlertKind.DANGER]
    assert [a.detail["object"] for a in out] == ["coche", "perro"]
    assert "crossing in front" in out[0].message
    assert "approaching" in out[1].message


def test_busy_street_bicycles_crossing_in_front_are_dangers() -> None:
    out = replay_scene("busy_street")
    assert out
    assert set(kinds(out)) == {AlertKind.DANGER}
    assert {a.detail["object"] for a in out} == {"bicicleta"}


def test_alert_record_round_trip_is_kept_by_the_parser_not_returned() -> None:
    a = Alert(
        AlertKind.DANGER,
        "cam",
        T0,
        "Danger near cam: perro approaching at 1.0m",
        {"object": "perro", "distance_m": 1.0},
        "danger:cam:perro",
    )
    parser = RecordingParser()
    assert parser.feed(alert_line(a)) is None
    assert parser.bad_lines == 0
    assert parser.alerts == [a]
    assert parser.alerts_read == 1
    assert parser.feed('{"type":"alert","t":1,"kind":"meteor","message":"x"}') is None
    assert parser.bad_lines == 1
    assert parser.alerts_read == 1
