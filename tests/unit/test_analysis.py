"""Windowing, summary, relevance and fallback rules (PROTOCOL.md §3 and §4).

Every expected value below was worked out by hand from PROTOCOL.md and is written literally.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

import pytest

from intelivision_desktop.core.analysis import (
    Aggregator,
    AnalysisConfig,
    RelevanceFilter,
    blendshape_key,
    describe_rules,
    is_not_relevant_answer,
    is_relevant,
    merge_blendshapes,
    micro_expression,
    spanish_kind,
    summarize,
)
from intelivision_desktop.core.embedded import RulesAnalyzer
from intelivision_desktop.core.model import (
    Blendshape,
    Description,
    DetectedObject,
    Distance,
    Frame,
    LinkState,
    ObjectGroup,
    Person,
    PersonGroup,
    Summary,
)

T0 = 1_700_000_000_000.0
"""A realistic epoch-ms arrival time."""


# --- builders -------------------------------------------------------------------------------


def dist(text: str) -> Distance:
    metres = None if text == "desconocido" else float(text.rstrip("m+"))
    return Distance(text, metres, text.endswith("+"))


def bs(**scores: float) -> tuple[Blendshape, ...]:
    return tuple(Blendshape(name, score) for name, score in scores.items())


def person(
    position: str = "frente",
    expression: str = "neutral",
    gesture: str = "ninguno",
    distance: str = "1.2m",
    blendshapes: Sequence[Blendshape] = (),
    id: str | None = None,
    confidence: float | None = None,
) -> Person:
    return Person(
        position=position,
        distance=dist(distance),
        expression=expression,
        gesture=gesture,
        confidence=confidence,
        id=id,
        blendshapes=tuple(blendshapes),
    )


def obj(
    kind: str,
    movement: str = "estatico",
    direction: str = "frente",
    distance: str = "2.0m",
    speed: str | None = None,
    id: str | None = None,
) -> DetectedObject:
    return DetectedObject(
        kind=kind,
        movement=movement,
        direction=direction,
        speed=speed,
        distance=dist(distance),
        id=id,
    )


def frame(
    t: float,
    people: Iterable[Person] = (),
    objects: Iterable[DetectedObject] = (),
    device: str = "cam",
    timestamp: int | None = None,
) -> Frame:
    return Frame(
        device_id=device,
        arrival_ms=t,
        timestamp_ms=timestamp,
        camera_active=True,
        people=tuple(people),
        objects=tuple(objects),
    )


def summary(
    people: Iterable[tuple[Person, int]] = (),
    objects: Iterable[tuple[DetectedObject, int]] = (),
    total: int = 1,
) -> Summary:
    return Summary(
        tuple(PersonGroup(p, n) for p, n in people),
        tuple(ObjectGroup(o, n) for o, n in objects),
        total,
    )


def describe_person(p: Person) -> str | None:
    return describe_rules(summary(people=[(p, 1)]))


# --- configuration --------------------------------------------------------------------------


def test_config_defaults() -> None:
    cfg = AnalysisConfig()
    assert (cfg.window_ms, cfg.max_size) == (2000, 50)
    cfg = AnalysisConfig.from_env({})
    assert (cfg.window_ms, cfg.max_size) == (2000, 50)


def test_config_from_env_mapping() -> None:
    cfg = AnalysisConfig.from_env({"AGGREGATION_WINDOW_MS": "1500", "MAX_AGGREGATION_SIZE": "20"})
    assert (cfg.window_ms, cfg.max_size) == (1500, 20)


def test_config_from_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGGREGATION_WINDOW_MS", "3000")
    monkeypatch.setenv("MAX_AGGREGATION_SIZE", "7")
    cfg = AnalysisConfig.from_env()
    assert (cfg.window_ms, cfg.max_size) == (3000, 7)


@pytest.mark.parametrize("name", ["AGGREGATION_WINDOW_MS", "MAX_AGGREGATION_SIZE"])
@pytest.mark.parametrize("value", ["abc", "1.5", "0", "-100", "2s"])
def test_config_bad_env_values(name: str, value: str) -> None:
    # The message shows the offending value.
    with pytest.raises(ValueError, match=re.escape(value)) as info:
        AnalysisConfig.from_env({name: value})
    if value in ("0", "-100"):
        assert name in str(info.value)


# --- windowing (§3 steps 1–2) ---------------------------------------------------------------


def test_first_frame_is_described_on_its_own() -> None:
    agg = Aggregator("cam")
    f = frame(T0)
    window = agg.push(f)
    assert window is not None
    assert window.device_id == "cam"
    assert window.frames == (f,)
    assert window.closed_ms == T0


def test_last_processed_starts_at_zero() -> None:
    # On a clock that starts near 0 (e.g. a replay timeline), the first frame waits like any.
    agg = Aggregator("cam")
    first = frame(500.0)
    assert agg.push(first) is None  # 500 - 0 < 2000
    last = frame(2000.0)
    window = agg.push(last)  # 2000 - 0 >= 2000
    assert window is not None
    assert window.frames == (first, last)


def test_frames_accumulate_until_the_window_has_elapsed() -> None:
    agg = Aggregator("cam")
    assert agg.push(frame(T0)) is not None
    frames = [frame(T0 + 200 * i) for i in range(1, 11)]  # T0+200 … T0+2000
    for f in frames[:-1]:
        assert agg.push(f) is None  # T0+1800 - T0 = 1800 < 2000
    window = agg.push(frames[-1])  # T0+2000 - T0 = 2000 >= 2000
    assert window is not None
    assert window.frames == tuple(frames)
    assert window.closed_ms == T0 + 2000
    assert window.start_ms == T0 + 200
    assert window.last_ms == T0 + 2000
    # The buffer was emptied: the next frame starts a new window.
    assert agg.push(frame(T0 + 2200)) is None
    assert agg.push(frame(T0 + 3999)) is None
    window = agg.push(frame(T0 + 4000))
    assert window is not None
    assert [f.arrival_ms for f in window.frames] == [T0 + 2200, T0 + 3999, T0 + 4000]


def test_windows_close_on_frames_not_on_a_timer() -> None:
    agg = Aggregator("cam")
    assert agg.push(frame(T0)) is not None
    assert agg.push(frame(T0 + 500)) is None
    # Nothing arrives for a while; the next frame closes the window.
    window = agg.push(frame(T0 + 1900))
    assert window is None
    window = agg.push(frame(T0 + 2100))
    assert window is not None
    assert [f.arrival_ms for f in window.frames] == [T0 + 500, T0 + 1900, T0 + 2100]


def test_max_keeps_the_last_n_frames() -> None:
    agg = Aggregator("cam", AnalysisConfig(window_ms=2000, max_size=3))
    assert agg.push(frame(T0)) is not None
    for dt in range(100, 2000, 100):  # +100 … +1900: 19 frames, no window yet
        assert agg.push(frame(T0 + dt)) is None
    window = agg.push(frame(T0 + 2000))
    assert window is not None
    assert [f.arrival_ms - T0 for f in window.frames] == [1800.0, 1900.0, 2000.0]


def test_default_max_is_fifty() -> None:
    agg = Aggregator("cam")
    agg.push(frame(T0))
    windows = [agg.push(frame(T0 + 10 * i)) for i in range(1, 201)]  # 100 fps for 2 s
    assert windows[:-1] == [None] * 199
    last = windows[-1]
    assert last is not None
    assert len(last.frames) == 50
    assert last.frames[0].arrival_ms == T0 + 10 * 151
    assert last.frames[-1].arrival_ms == T0 + 2000


def test_frames_older_than_the_window_are_dropped() -> None:
    agg = Aggregator("cam")
    assert agg.push(frame(T0)) is not None
    assert agg.push(frame(T0 + 500)) is None
    window = agg.push(frame(T0 + 3000))  # 3000 - 500 = 2500 > 2000: dropped
    assert window is not None
    assert [f.arrival_ms - T0 for f in window.frames] == [3000.0]


def test_a_frame_exactly_one_window_old_is_kept() -> None:
    agg = Aggregator("cam")
    assert agg.push(frame(T0)) is not None
    assert agg.push(frame(T0 + 1000)) is None
    window = agg.push(frame(T0 + 3000))  # 3000 - 1000 = 2000: not older than the window
    assert window is not None
    assert [f.arrival_ms - T0 for f in window.frames] == [1000.0, 3000.0]


def test_an_old_frame_behind_newer_ones_is_dropped_too() -> None:
    # §3 step 1: "drop frames older than WINDOW", whatever their place in the buffer (here the
    # session clock stepped back by 1.1 s between two frames).
    agg = Aggregator("cam")
    assert agg.push(frame(T0)) is not None
    assert agg.push(frame(T0 + 100)) is None
    assert agg.push(frame(T0 - 1000)) is None
    window = agg.push(frame(T0 + 2000))  # T0-1000 is 3000 ms old now; T0+100 is 1900 ms old
    assert window is not None
    assert [f.arrival_ms - T0 for f in window.frames] == [100.0, 2000.0]


def test_windowing_ignores_a_skewed_device_clock() -> None:
    # The device clock lags one hour: the deployed backend would drop every frame (§3).
    agg = Aggregator("cam")
    lag = 3_600_000
    first = agg.push(frame(T0, timestamp=int(T0) - lag))
    assert first is not None
    for i in range(1, 10):
        assert agg.push(frame(T0 + 200 * i, timestamp=int(T0) - lag + 200 * i)) is None
    window = agg.push(frame(T0 + 2000, timestamp=int(T0) - lag + 2000))
    assert window is not None
    assert len(window.frames) == 10


def test_windowing_ignores_missing_device_timestamps() -> None:
    agg = Aggregator("cam", AnalysisConfig(window_ms=1000, max_size=50))
    assert agg.push(frame(T0, timestamp=None)) is not None
    assert agg.push(frame(T0 + 500, timestamp=None)) is None
    window = agg.push(frame(T0 + 1000, timestamp=None))
    assert window is not None
    assert len(window.frames) == 2


def test_custom_window_length() -> None:
    agg = Aggregator("cam", AnalysisConfig(window_ms=500, max_size=50))
    agg.push(frame(T0))
    assert agg.push(frame(T0 + 200)) is None
    assert agg.push(frame(T0 + 400)) is None
    window = agg.push(frame(T0 + 600))
    assert window is not None
    assert len(window.frames) == 3


# --- summary --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shapes", "key"),
    [
        ((), "none"),
        (bs(jawOpen=0.3, browInnerUp=0.29, eyeBlink_L=0.0), "none"),  # > 0.3, not >= 0.3
        (bs(jawOpen=0.301), "jawOpen:30"),
        (bs(a=0.5, b=0.9, c=0.31, d=0.7), "b:90|d:70|a:50"),  # top three, highest first
        (bs(a=0.5, b=0.6, c=0.5), "b:60|a:50|c:50"),  # equal scores keep their order
        (bs(mouthSmile_L=1.0), "mouthSmile_L:100"),
        # JavaScript Math.round (half up) on the IEEE product:
        (bs(mouthSmile_L=0.825), "mouthSmile_L:83"),  # 0.825*100 == 82.5 -> 83 (not 82)
        (bs(mouthSmile_L=0.625), "mouthSmile_L:63"),  # 62.5 -> 63 (Python round: 62)
        (bs(mouthSmile_L=0.345), "mouthSmile_L:35"),  # 34.5 -> 35 (Python round: 34)
        (bs(mouthSmile_L=0.575), "mouthSmile_L:57"),  # 57.49999999999999 -> 57
        (bs(mouthSmile_L=0.455), "mouthSmile_L:46"),  # 45.5 -> 46 (both roundings agree)
        (bs(mouthSmile_L=0.82, browInnerUp=0.12), "mouthSmile_L:82"),
    ],
)
def test_blendshape_key(shapes: tuple[Blendshape, ...], key: str) -> None:
    assert blendshape_key(shapes) == key


def test_merge_blendshapes_running_average() -> None:
    merged = merge_blendshapes(bs(a=0.5, b=0.2), bs(a=0.7, c=0.1))
    assert {b.name: b.score for b in merged} == pytest.approx({"a": 0.6, "b": 0.2, "c": 0.1})


def test_summary_merges_blendshapes_frame_by_frame() -> None:
    # All three have key "mouthSmile_L:50" (50, 50.4 -> 50, 49.6 -> 50): one group.
    p1 = person(
        "izquierda", "feliz", "saludo", "1.2m", bs(mouthSmile_L=0.5, browInnerUp=0.2), id="p1"
    )
    p2 = person(
        "izquierda",
        "feliz",
        "saludo",
        "1.8m",
        bs(mouthSmile_L=0.504, browInnerUp=0.29, eyeBlink_L=0.1),
        id="p2",
    )
    p3 = person(
        "izquierda", "feliz", "saludo", "2.1m", bs(mouthSmile_L=0.496, browInnerUp=0.1), id="p3"
    )
    s = summarize([frame(T0, [p1]), frame(T0 + 200, [p2]), frame(T0 + 400, [p3])])
    assert s.total_frames == 3
    assert len(s.people) == 1
    g = s.people[0]
    assert g.count == 3
    # The group keeps the first person's fields …
    assert g.person.id == "p1"
    assert g.person.distance.raw == "1.2m"
    assert (g.person.position, g.person.expression, g.person.gesture) == (
        "izquierda",
        "feliz",
        "saludo",
    )
    # … with (running + new) / 2 per frame, not the mean: browInnerUp
    # (0.2 + 0.29) / 2 = 0.245, then (0.245 + 0.1) / 2 = 0.1725 (the mean would be 0.1967).
    scores = {b.name: b.score for b in g.person.blendshapes}
    assert scores == pytest.approx(
        {"mouthSmile_L": 0.499, "browInnerUp": 0.1725, "eyeBlink_L": 0.1}
    )


def test_summary_merge_is_merge_blendshapes_person_after_person() -> None:
    # the same key (mouthSmile_L:90) for all; names come, go and come back
    shapes = [
        bs(mouthSmile_L=0.9, a=0.1, b=0.2),
        bs(b=0.3, mouthSmile_L=0.9, c=0.05),
        bs(mouthSmile_L=0.9),
        bs(c=0.25, a=0.15, mouthSmile_L=0.9, d=0.2),
    ]
    people = [person(blendshapes=b, id=f"p{i}") for i, b in enumerate(shapes)]
    s = summarize([frame(T0 + 200 * i, [p]) for i, p in enumerate(people)])
    expected = shapes[0]
    for b in shapes[1:]:
        expected = merge_blendshapes(expected, b)
    assert s.people[0].count == 4
    assert s.people[0].person.blendshapes == expected  # same order, same floats
    assert s.people[0].person == replace(people[0], blendshapes=expected)


def test_summary_group_of_one_keeps_its_person_as_it_came() -> None:
    # a repeated name is not merged away when there is nothing to merge with
    p = person(blendshapes=bs(a=0.1) + bs(a=0.2), id="p1")
    s = summarize([frame(T0, [p])])
    assert s.people == (PersonGroup(p, 1),)


def test_summary_groups_people_by_position_expression_gesture_and_key() -> None:
    a = person("izquierda", "feliz", "saludo")
    a_smiling = person("izquierda", "feliz", "saludo", blendshapes=bs(mouthSmile_L=0.6))
    a_far = person("izquierda", "feliz", "saludo", distance="3.0m+")  # distance: same group
    b = person("derecha", "feliz", "saludo")
    c = person("izquierda", "triste", "saludo")
    d = person("izquierda", "feliz", "ninguno")
    s = summarize([frame(T0, [a, a_smiling, b]), frame(T0 + 200, [a_far, c, d])])
    assert [
        (g.person.position, g.person.expression, g.person.gesture, g.count) for g in s.people
    ] == [
        ("izquierda", "feliz", "saludo", 2),
        ("izquierda", "feliz", "saludo", 1),
        ("derecha", "feliz", "saludo", 1),
        ("izquierda", "triste", "saludo", 1),
        ("izquierda", "feliz", "ninguno", 1),
    ]
    assert s.people[0].person.distance.raw == "1.2m"
    assert s.people[1].person.blendshapes == bs(mouthSmile_L=0.6)


def test_summary_sort_is_stable_by_count() -> None:
    pa = person("izquierda", "feliz")
    pb = person("derecha", "feliz")
    pc = person("frente", "feliz")
    pd = person("frente", "triste")
    # first seen: A, B, C, D; counts: A 1, B 2, C 1, D 2
    s = summarize([frame(T0, [pa, pb]), frame(T0 + 200, [pc, pd]), frame(T0 + 400, [pb, pd])])
    assert [(g.person.position, g.person.expression, g.count) for g in s.people] == [
        ("derecha", "feliz", 2),
        ("frente", "triste", 2),
        ("izquierda", "feliz", 1),
        ("frente", "feliz", 1),
    ]
    assert s.total_frames == 3


def test_summary_translates_and_groups_objects() -> None:
    f1 = frame(T0, objects=[obj("dog"), obj("chair")])
    f2 = frame(
        T0 + 200,
        objects=[
            obj("cat"),
            obj("chair"),
            obj("car", "se_acerca", "derecha", speed="1.2 m/s", id="o1"),
        ],
    )
    f3 = frame(
        T0 + 400,
        objects=[
            obj("coche", "se_acerca", "derecha", speed="3 m/s", id="o9"),
            obj("car", "se_acerca", "izquierda"),
        ],
    )
    s = summarize([f1, f2, f3])
    assert [(g.obj.kind, g.obj.movement, g.obj.direction, g.count) for g in s.objects] == [
        ("silla", "estatico", "frente", 2),
        ("coche", "se_acerca", "derecha", 2),  # "car" and "coche" are one group
        ("perro", "estatico", "frente", 1),
        ("gato", "estatico", "frente", 1),
        ("coche", "se_acerca", "izquierda", 1),
    ]
    coche = s.objects[1].obj
    assert (coche.speed, coche.id) == ("1.2 m/s", "o1")  # the first object's fields
    assert s.total_frames == 3
    assert s.people == ()


def test_summary_counts_frames_without_detections() -> None:
    s = summarize([frame(T0), frame(T0 + 200), frame(T0 + 400, [person()])])
    assert s.total_frames == 3
    assert len(s.people) == 1
    empty = summarize([frame(T0), frame(T0 + 200)])
    assert empty.total_frames == 2
    assert empty.empty


@pytest.mark.parametrize(
    ("english", "spanish"),
    [
        ("car", "coche"),
        ("bicycle", "bicicleta"),
        ("motorcycle", "moto"),
        ("bus", "autobús"),
        ("truck", "camión"),
        ("dog", "perro"),
        ("cat", "gato"),
        ("person", "persona"),
        ("chair", "silla"),
        ("table", "mesa"),
        ("cup", "taza"),
        ("bottle", "botella"),
        ("book", "libro"),
        ("phone", "teléfono"),
        ("laptop", "portátil"),
        ("tv", "televisión"),
        ("couch", "sofá"),
        ("sofa", "sofá"),
        ("bed", "cama"),
        ("door", "puerta"),
        ("plant", "planta"),
        ("bag", "bolsa"),
        ("backpack", "mochila"),
        ("computer", "computadora"),
        ("pc", "PC"),
        ("screen", "pantalla"),
        ("keyboard", "teclado"),
        ("mouse", "ratón"),
        ("window", "ventana"),
        ("wall", "pared"),
        ("giraffe", "giraffe"),  # unknown names pass through
        ("coche", "coche"),  # already Spanish
        ("traffic light", "traffic light"),
    ],
)
def test_spanish_kind(english: str, spanish: str) -> None:
    assert spanish_kind(english) == spanish


# --- relevance ------------------------------------------------------------------------------

WAVER = person("izquierda", "feliz", "saludo", "1.2m")
CHAIR = obj("silla", "estatico", "frente")
CAR_LEAVING = obj("coche", "se_aleja", "derecha")


def test_empty_window_is_not_relevant() -> None:
    assert is_relevant(summary(), None) is False
    assert is_relevant(summary(total=10), summary(people=[(WAVER, 1)])) is False


def test_first_window_is_relevant() -> None:
    assert is_relevant(summary(people=[(WAVER, 1)]), None) is True
    assert is_relevant(summary(objects=[(CHAIR, 1)]), None) is True


def test_unchanged_window_is_not_relevant() -> None:
    s = summary(people=[(WAVER, 3)], objects=[(CHAIR, 2), (CAR_LEAVING, 1)])
    assert is_relevant(s, s) is False
    # counts and frame totals alone do not matter
    later = summary(people=[(WAVER, 10)], objects=[(CHAIR, 10), (CAR_LEAVING, 4)], total=10)
    assert is_relevant(later, s) is False


def test_number_of_people_groups_changed() -> None:
    smiling_waver = person("izquierda", "feliz", "saludo", "1.2m", bs(mouthSmile_L=0.6))
    prev = summary(people=[(WAVER, 1)])
    # Same position, expression, gesture and distance: only the group count differs.
    assert is_relevant(summary(people=[(WAVER, 1), (smiling_waver, 1)]), prev) is True
    # One group fewer.
    assert (
        is_relevant(summary(people=[(WAVER, 1)]), summary(people=[(WAVER, 1), (smiling_waver, 1)]))
        is True
    )
    # Same number of groups, nothing else changed.
    assert is_relevant(summary(people=[(smiling_waver, 4)]), prev) is False


@pytest.mark.parametrize(
    "now",
    [
        person("derecha", "feliz", "saludo", "1.2m"),  # new position
        person("izquierda", "triste", "saludo", "1.2m"),  # expresion changed
        person("izquierda", "feliz", "ninguno", "1.2m"),  # gesto changed
        person("izquierda", "feliz", "saludo", "0.8m"),  # distancia changed
    ],
)
def test_person_new_or_changed(now: Person) -> None:
    assert is_relevant(summary(people=[(now, 1)]), summary(people=[(WAVER, 1)])) is True


def test_person_unchanged_apart_from_id_confidence_and_blendshapes() -> None:
    now = person(
        "izquierda", "feliz", "saludo", "1.2m", bs(mouthSmile_L=0.9), id="persona_7", confidence=0.3
    )
    assert is_relevant(summary(people=[(now, 5)]), summary(people=[(WAVER, 1)])) is False


@pytest.mark.parametrize(
    "now",
    [
        obj("perro", "estatico", "frente"),  # new tipo
        obj("silla", "se_aleja", "frente"),  # movimiento changed
        obj("silla", "estatico", "izquierda"),  # direccion changed
    ],
)
def test_object_new_or_changed(now: DetectedObject) -> None:
    assert is_relevant(summary(objects=[(now, 1)]), summary(objects=[(CHAIR, 1)])) is True


@pytest.mark.parametrize("movement", ["se_acerca", "cruzando"])
def test_object_approaching_or_crossing_is_always_relevant(movement: str) -> None:
    o = obj("coche", movement, "derecha")
    assert is_relevant(summary(objects=[(o, 1)]), summary(objects=[(o, 1)])) is True


@pytest.mark.parametrize("movement", ["se_aleja", "estatico", "rapido", "se_acerca_izq"])
def test_other_unchanged_movements_are_not_relevant(movement: str) -> None:
    o = obj("coche", movement, "derecha")
    assert is_relevant(summary(objects=[(o, 3)]), summary(objects=[(o, 1)])) is False


def test_object_unchanged_apart_from_speed_and_distance() -> None:
    prev = summary(objects=[(obj("coche", "se_aleja", "derecha", "2.0m", "1 m/s"), 1)])
    now = summary(objects=[(obj("coche", "se_aleja", "derecha", "3.0m+", "3 m/s"), 1)])
    assert is_relevant(now, prev) is False


def test_more_object_groups_than_before() -> None:
    # A backend dataUsed can list the same group twice; only the object-group count differs.
    prev = summary(objects=[(CHAIR, 1)])
    assert is_relevant(summary(objects=[(CHAIR, 1), (CHAIR, 1)]), prev) is True
    # Fewer object groups (something left) is not a reason on its own.
    prev = summary(objects=[(CHAIR, 1), (CAR_LEAVING, 1)])
    assert is_relevant(summary(objects=[(CHAIR, 1)]), prev) is False


def test_relevance_memory_is_sixty_seconds() -> None:
    s = summary(people=[(WAVER, 1)])
    rf = RelevanceFilter()
    assert rf.judge(s, T0) is True
    assert rf.judge(s, T0 + 100) is True  # judging alone remembers nothing
    rf.described(s, T0)
    assert rf.judge(s, T0 + 2_000) is False
    assert rf.judge(s, T0 + 59_999) is False
    assert rf.judge(s, T0 + 60_001) is True  # forgotten after 60 s
    assert rf.judge(s, T0 + 60_002) is True
    rf.described(s, T0 + 60_002)
    assert rf.judge(s, T0 + 62_000) is False


def test_relevance_memory_counts_from_the_last_description() -> None:
    s = summary(people=[(WAVER, 1)])
    rf = RelevanceFilter()
    rf.described(s, T0)
    rf.described(s, T0 + 50_000)
    assert rf.judge(s, T0 + 100_000) is False  # 50 s after the last description


@pytest.mark.parametrize(
    "answer",
    [
        "",
        '""',
        "[información no relevante]",
        "[INFORMACIÓN NO RELEVANTE]",
        "[no relevante]",
        "[No Relevante]",
        "Sin cambios",
        "sin cambios en la escena",
        "La escena está SIN CAMBIOS.",
        "situación repetitiva",
        "Situación Repetitiva detectada",
    ],
)
def test_not_relevant_ai_answers(answer: str) -> None:
    assert is_not_relevant_answer(answer) is True


@pytest.mark.parametrize(
    "answer",
    [
        "Persona alegre saludando izquierda",
        "coche acercándose derecha",
        "Persona sin gafas frente",
        "Cambios en la escena",
        "situación nueva",
        '"Saludo alegre izquierda"',
    ],
)
def test_relevant_ai_answers(answer: str) -> None:
    assert is_not_relevant_answer(answer) is False


# --- fallback rules (§4) --------------------------------------------------------------------


def test_smiling_waving_person_window() -> None:
    # Two frames of a smiling person at izquierda waving.
    smile = bs(mouthSmile_L=0.82, mouthSmile_R=0.79, browInnerUp=0.12)
    p = person("izquierda", "feliz", "saludo", "1.2m", smile)
    s = summarize([frame(T0, [p]), frame(T0 + 200, [p])])
    assert describe_rules(s) == "sonriendo genuinamente izquierda"
    plain = person("izquierda", "feliz", "saludo", "1.2m")
    s = summarize([frame(T0, [plain]), frame(T0 + 200, [plain])])
    assert describe_rules(s) == "Saludo alegre izquierda"


@pytest.mark.parametrize(
    ("shapes", "phrase"),
    [
        (bs(mouthSmile_L=0.8, mouthSmile_R=0.7), "sonriendo genuinamente"),
        (bs(cheekSquint_L=0.5, cheekSquint_R=0.45), "sonriendo genuinamente"),
        (bs(mouthSmile_R=0.6, cheekSquint_L=0.5, jawOpen=0.9), "sonriendo genuinamente"),
        (bs(browInnerUp=0.6, eyeWide_L=0.5), "asombrada ojos abiertos"),
        (bs(browOuterUp_L=0.5, browOuterUp_R=0.5, eyeWide_R=0.7), "asombrada ojos abiertos"),
        (bs(mouthFrown_L=0.5, mouthFrown_R=0.6), "triste cejas bajas"),
        (bs(mouthFrown_L=0.5, browDown_L=0.5, browDown_R=0.5), "triste cejas bajas"),  # 3 vs 2
        (bs(noseSneer_L=0.5, noseSneer_R=0.5), "molesta cejas fruncidas"),
        (bs(browDown_L=0.5, browDown_R=0.5, noseSneer_L=0.5), "molesta cejas fruncidas"),  # 3-2
        (bs(eyeSquint_L=0.6, eyeSquint_R=0.6), "concentrada mirando"),
        (bs(eyeSquint_L=0.6, eyeSquint_R=0.6, browDown_R=0.9), "concentrada mirando"),  # 3 vs 1
        # Ties: the pattern listed first in §4 wins.
        (bs(browDown_L=0.5, browDown_R=0.5), "triste cejas bajas"),  # sadness/anger/concentr. 2
        (
            bs(eyeWide_L=0.9, eyeWide_R=0.9, mouthSmile_L=0.5, mouthSmile_R=0.5),
            "sonriendo genuinamente",
        ),
    ],
)
def test_micro_expression_patterns(shapes: tuple[Blendshape, ...], phrase: str) -> None:
    assert micro_expression(shapes) == phrase
    assert describe_person(person("frente", "neutral", "ninguno", blendshapes=shapes)) == (
        f"{phrase} frente"
    )


@pytest.mark.parametrize(
    ("shapes", "phrase"),
    [
        (bs(mouthSmile_L=0.5), "sonriendo ligeramente"),
        (bs(mouthSmile_R=0.5), "sonriendo ligeramente"),
        (bs(browInnerUp=0.5), "cejas levantadas"),
        (bs(browOuterUp_L=0.5), "ceja izquierda levantada"),
        (bs(browOuterUp_R=0.5), "ceja derecha levantada"),
        (bs(eyeWide_L=0.5), "ojo izquierdo abierto"),
        (bs(eyeWide_R=0.5), "ojo derecho abierto"),
        (bs(mouthOpen=0.5), "boca abierta"),
        (bs(eyeBlink_L=0.9), "parpadeando"),
        (bs(eyeBlink_R=0.9), "parpadeando"),
        # Only one blendshape of a pattern above 0.4: not a pattern, the strongest single one.
        (bs(mouthSmile_L=0.45, mouthSmile_R=0.4, cheekSquint_L=0.39), "sonriendo ligeramente"),
        # One match in each of two patterns: at least two are needed; the strongest wins.
        (bs(mouthSmile_L=0.5, browInnerUp=0.7), "cejas levantadas"),
        (bs(mouthSmile_L=0.7, browInnerUp=0.5), "sonriendo ligeramente"),
        (bs(eyeBlink_L=0.95, mouthSmile_L=0.5), "parpadeando"),
    ],
)
def test_single_strongest_blendshape(shapes: tuple[Blendshape, ...], phrase: str) -> None:
    assert micro_expression(shapes) == phrase
    assert describe_person(person("derecha", "neutral", "ninguno", blendshapes=shapes)) == (
        f"{phrase} derecha"
    )


@pytest.mark.parametrize(
    "shapes",
    [
        (),
        bs(mouthSmile_L=0.4, mouthSmile_R=0.4, browInnerUp=0.39),  # nothing above 0.4
        bs(jawOpen=0.9),  # strong, but no phrase for it
    ],
)
def test_no_micro_expression(shapes: tuple[Blendshape, ...]) -> None:
    assert micro_expression(shapes) is None
    assert describe_person(person("frente", "feliz", "ninguno", blendshapes=shapes)) == (
        "Persona alegre frente"
    )


@pytest.mark.parametrize(
    ("gesture", "expression", "text"),
    [
        ("saludo", "feliz", "Saludo alegre izquierda"),
        ("saludo", "neutral", "Saludo izquierda"),
        ("saludo", "triste", "Saludo izquierda"),
        ("manos_arriba", "feliz", "Celebrando izquierda"),
        ("manos_arriba", "triste", "Pidiendo ayuda izquierda"),
        ("manos_arriba", "sorprendido", "Pidiendo ayuda izquierda"),
        ("mano_levantada", "feliz", "Pidiendo atención izquierda"),
        ("mano_levantada", "neutral", "Pidiendo atención izquierda"),
        ("brazo_extendido", "feliz", "Señalando dirección izquierda"),
        ("brazo_extendido", "enojado", "Señalando dirección izquierda"),
        ("brazos_abajo", "feliz", "Relajada izquierda"),
        ("brazos_abajo", "no_detectada", "Relajada izquierda"),
        ("posicion_detectada", "feliz", "posicion_detectada izquierda"),
        ("posicion_detectada", "neutral", "posicion_detectada izquierda"),
    ],
)
def test_gesture_phrases(gesture: str, expression: str, text: str) -> None:
    assert describe_person(person("izquierda", expression, gesture)) == text


@pytest.mark.parametrize(
    ("gesture", "shapes", "text"),
    [
        ("saludo", bs(mouthSmile_L=0.8, mouthSmile_R=0.8), "sonriendo genuinamente derecha"),
        ("manos_arriba", bs(browInnerUp=0.9), "cejas levantadas derecha"),
        ("mano_levantada", bs(eyeSquint_L=0.5, eyeSquint_R=0.5), "concentrada mirando derecha"),
        ("posicion_detectada", bs(eyeBlink_R=0.6), "parpadeando derecha"),
    ],
)
def test_gesture_with_micro_expression(
    gesture: str, shapes: tuple[Blendshape, ...], text: str
) -> None:
    assert describe_person(person("derecha", "feliz", gesture, blendshapes=shapes)) == text


@pytest.mark.parametrize(
    ("expression", "text"),
    [
        ("feliz", "Persona alegre frente"),
        ("triste", "Alguien triste frente"),
        ("sorprendido", "Persona asombrada frente"),
        ("enojado", "Persona molesta frente"),
        ("neutral", "Persona calmada frente"),
        ("no_detectada", "Persona no_detectada frente"),
        ("pensativo", "Persona pensativo frente"),
    ],
)
def test_emotion_phrases(expression: str, text: str) -> None:
    assert describe_person(person("frente", expression, "ninguno")) == text


def test_emotion_with_micro_expression() -> None:
    shapes = bs(mouthFrown_L=0.6, mouthFrown_R=0.6)
    assert describe_person(person("izquierda", "feliz", "ninguno", blendshapes=shapes)) == (
        "triste cejas bajas izquierda"
    )


def test_most_frequent_person_group_is_described() -> None:
    waver = person("izquierda", "feliz", "saludo")
    sad = person("derecha", "triste", "ninguno")
    s = summarize(
        [frame(T0, [waver]), frame(T0 + 200, [sad]), frame(T0 + 400, [sad]), frame(T0 + 600, [sad])]
    )
    assert describe_rules(s) == "Alguien triste derecha"


def test_people_come_before_objects() -> None:
    s = summarize(
        [frame(T0, [person("frente", "neutral")], [obj("car", "se_acerca", "derecha")] * 3)]
    )
    assert describe_rules(s) == "Persona calmada frente"


@pytest.mark.parametrize(
    ("o", "text"),
    [
        (obj("car", "se_acerca", "derecha"), "coche acercándose derecha"),
        (obj("dog", "se_acerca", "izquierda"), "perro acercándose izquierda"),
        (obj("dog", "rapido", "izquierda"), "perro rápido izquierda"),
        (obj("car", "rapido", "frente"), "coche rápido frente"),
        (obj("car", "se_aleja", "izquierda"), "coche pasando izquierda"),
        (obj("car", "cruzando", "centro"), "coche pasando centro"),
        (obj("coche", "se_acerca_der", "derecha"), "coche pasando derecha"),
        (obj("bicycle", "se_aleja", "derecha"), "bicicleta pasando derecha"),
        (obj("bicicleta", "cruzando", "frente"), "bicicleta pasando frente"),
        (obj("motorcycle", "se_aleja", "atras"), "moto se_aleja atras"),
        (obj("dog", "se_acerca_izq", "izquierda"), "perro se_acerca_izq izquierda"),
        (obj("truck", "se_acerca_der", "derecha"), "camión se_acerca_der derecha"),
        (obj("person", "cruzando", "centro"), "persona cruzando centro"),
        (obj("bus", "se_aleja", "atras"), "autobús se_aleja atras"),
    ],
)
def test_moving_object_phrases(o: DetectedObject, text: str) -> None:
    assert describe_rules(summarize([frame(T0, objects=[o])])) == text


def test_first_moving_object_wins_over_more_frequent_static_ones() -> None:
    chair = obj("chair", "estatico", "frente")
    s = summarize(
        [
            frame(T0, objects=[chair, obj("dog", "se_aleja", "izquierda")]),
            frame(T0 + 200, objects=[chair, obj("cat", "cruzando", "derecha")]),
            frame(T0 + 400, objects=[chair, obj("cat", "cruzando", "derecha")]),
        ]
    )
    # groups: silla 3 (static), gato 2, perro 1
    assert describe_rules(s) == "gato cruzando derecha"


@pytest.mark.parametrize(
    ("objects", "text"),
    [
        ([obj("chair", "estatico", "frente")], "silla frente"),
        ([obj("table", "estatico", "izquierda")], "mesa izquierda"),
        (
            [
                obj("chair", "estatico", "derecha"),
                obj("table", "estatico", "izquierda"),
                obj("table", "estatico", "izquierda"),
            ],
            "mesa izquierda",
        ),
        ([obj("giraffe", "estatico", "atras")], "giraffe atras"),
    ],
)
def test_static_object_phrases(objects: list[DetectedObject], text: str) -> None:
    assert describe_rules(summarize([frame(T0, objects=objects)])) == text


def test_nothing_to_describe() -> None:
    assert describe_rules(summarize([frame(T0), frame(T0 + 200)])) is None
    assert describe_rules(summary()) is None


# --- the embedded rules analyzer, end to end ------------------------------------------------


class FakeSink:
    """Collects what the analyzer publishes."""

    def __init__(self) -> None:
        self.descriptions: list[Description] = []
        self.counts: dict[str, int] = {}
        self.states: list[tuple[str, LinkState, str]] = []
        self.problems: list[tuple[str, str, str, int]] = []
        self.frames: list[Frame] = []

    def publish(self, description: Description) -> None:
        self.descriptions.append(description)

    def count(self, kind: str, n: int = 1) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + n

    def window_closed(self, *_: object) -> None:
        self.count("windows")

    def set_state(self, component: str, state: LinkState, detail: str = "") -> None:
        self.states.append((component, state, detail))

    def problem(self, component: str, kind: str, message: str, count: int = 1) -> None:
        self.problems.append((component, kind, message, count))

    def push_frames(self, frames: Sequence[Frame]) -> None:
        self.frames.extend(frames)


def scripted_frames() -> list[Frame]:
    """5 fps for 8 s, then one frame 61 s later.

    i 0–13: a happy person waving at izquierda; i 14–20: the same person, no gesture;
    i 21–40: nobody, a car leaving to the right; i 41 (61 s later): the same car.
    """
    waving = person("izquierda", "feliz", "saludo", "1.2m", id="persona_1")
    still = person("izquierda", "feliz", "ninguno", "1.2m", id="persona_1")
    car = obj("car", "se_aleja", "derecha", "2.0m", "1.2 m/s", id="objeto_1")
    frames = []
    for i in range(41):
        t = T0 + 200 * i
        if i <= 13:
            frames.append(frame(t, [waving], device="cam"))
        elif i <= 20:
            frames.append(frame(t, [still], device="cam"))
        else:
            frames.append(frame(t, objects=[car], device="cam"))
    frames.append(frame(T0 + 8000 + 61_000, objects=[car], device="cam"))
    return frames


def test_rules_analyzer_end_to_end() -> None:
    sink = FakeSink()
    analyzer = RulesAnalyzer()
    analyzer.bind(sink)
    for f in scripted_frames():
        analyzer.submit(f)
    # Windows close at i=0 (T0, alone), i=10 (T0+2 s), i=20, i=30, i=40 and the late frame:
    #  W1 [0]      waving            first window                -> "Saludo alegre izquierda"
    #  W2 [1..10]  waving            same as W1                  -> not relevant
    #  W3 [11..20] 3 waving, 7 still two people groups (was one) -> most frequent: still, feliz
    #  W4 [21..30] car leaving       no people groups (was two)  -> "coche pasando derecha"
    #  W5 [31..40] car leaving       unchanged                   -> not relevant
    #  W6 [41]     car leaving       last description 63 s ago: forgotten -> described again
    assert [d.text for d in sink.descriptions] == [
        "Saludo alegre izquierda",
        "Persona alegre izquierda",
        "coche pasando derecha",
        "coche pasando derecha",
    ]
    assert [d.t_ms for d in sink.descriptions] == [T0, T0 + 4000, T0 + 6000, T0 + 69_000]
    assert [(d.window_start_ms, d.window_end_ms) for d in sink.descriptions] == [
        (T0, T0),
        (T0 + 2200, T0 + 4000),
        (T0 + 4200, T0 + 6000),
        (T0 + 69_000, T0 + 69_000),
    ]
    assert sink.counts == {"windows": 6, "not_relevant": 2}
    for d in sink.descriptions:
        assert d.device_id == "cam"
        assert d.source == "rules"
        assert d.fallback is False
        assert d.summary is not None
    sums = [d.summary for d in sink.descriptions]
    assert [s.total_frames for s in sums if s is not None] == [1, 10, 10, 1]
    w3 = sums[1]
    assert w3 is not None
    assert [(g.person.gesture, g.count) for g in w3.people] == [("ninguno", 7), ("saludo", 3)]
    w4 = sums[2]
    assert w4 is not None
    assert [(g.obj.kind, g.obj.movement, g.obj.direction, g.count) for g in w4.objects] == [
        ("coche", "se_aleja", "derecha", 10)
    ]
    assert sink.problems == []


def test_rules_analyzer_keeps_devices_apart() -> None:
    sink = FakeSink()
    analyzer = RulesAnalyzer()
    analyzer.bind(sink)
    analyzer.submit(frame(T0, [person("izquierda", "feliz", "saludo")], device="a"))
    analyzer.submit(frame(T0 + 100, [person("derecha", "triste", "ninguno")], device="b"))
    analyzer.submit(frame(T0 + 200, [person("izquierda", "feliz", "saludo")], device="a"))
    assert [(d.device_id, d.text) for d in sink.descriptions] == [
        ("a", "Saludo alegre izquierda"),
        ("b", "Alguien triste derecha"),
    ]
    assert sink.counts == {"windows": 2}


def test_rules_analyzer_forgets_a_device_that_disconnects() -> None:
    sink = FakeSink()
    analyzer = RulesAnalyzer()
    analyzer.bind(sink)
    p = person("frente", "neutral", "ninguno")
    analyzer.submit(frame(T0, [p]))
    analyzer.submit(frame(T0 + 2000, [p]))  # unchanged: not relevant
    analyzer.device_gone("cam")
    analyzer.submit(frame(T0 + 2200, [p]))  # fresh state: first frame, no previous summary
    assert [(d.text, d.t_ms) for d in sink.descriptions] == [
        ("Persona calmada frente", T0),
        ("Persona calmada frente", T0 + 2200),
    ]
    assert sink.counts == {"windows": 3, "not_relevant": 1}


def test_rules_analyzer_empty_windows_are_not_relevant() -> None:
    sink = FakeSink()
    analyzer = RulesAnalyzer()
    analyzer.bind(sink)
    for i in range(11):
        analyzer.submit(frame(T0 + 200 * i))
    assert sink.descriptions == []
    assert sink.counts == {"windows": 2, "not_relevant": 2}


def test_rules_analyzer_reports_live() -> None:
    sink = FakeSink()
    analyzer = RulesAnalyzer()
    analyzer.bind(sink)
    asyncio.run(analyzer.run())
    assert [(c, s) for c, s, _ in sink.states] == [("analyzer", LinkState.LIVE)]
