"""Derived numeric channels and the ring-buffer channel store."""

from __future__ import annotations

import math

import numpy as np
import pytest

from intelivision_desktop.core.channels import ChannelStore, derive_channels
from intelivision_desktop.core.model import (
    Blendshape,
    DetectedObject,
    Distance,
    Frame,
    Person,
)

NAN = math.nan
CHANNELS = {
    "people",
    "objects",
    "nearest_person_m",
    "nearest_object_m",
    "approaching",
    "moving",
    "smile",
    "surprise",
}


def d(text: str, metres: float | None) -> Distance:
    return Distance(text, metres, text.endswith("+"))


def person(distance: Distance, **scores: float) -> Person:
    return Person(
        position="frente",
        distance=distance,
        expression="neutral",
        gesture="ninguno",
        blendshapes=tuple(Blendshape(n, s) for n, s in scores.items()),
    )


def obj(kind: str, movement: str, distance: Distance) -> DetectedObject:
    return DetectedObject(kind=kind, movement=movement, direction="frente", distance=distance)


def assert_values(actual: dict[str, float], expected: dict[str, float]) -> None:
    assert set(actual) == set(expected)
    for name, value in expected.items():
        if math.isnan(value):
            assert math.isnan(actual[name]), (name, actual[name])
        else:
            assert actual[name] == pytest.approx(value), name


# --- derive_channels ------------------------------------------------------------------------


def test_derive_channels_busy_frame() -> None:
    frame = Frame(
        device_id="cam",
        arrival_ms=1.0,
        people=(
            person(d("1.8m", 1.8), mouthSmile_L=0.6, mouthSmile_R=0.4, browInnerUp=0.2),
            person(d("1.2m", 1.2), mouthSmile_L=0.1, eyeWide_L=0.9, eyeWide_R=0.7),
            person(d("desconocido", None)),
        ),
        objects=(
            obj("car", "se_acerca", d("2.0m", 2.0)),
            obj("dog", "se_acerca_izq", d("1.0m", 1.0)),
            obj("chair", "estatico", d("desconocido", None)),
            obj("bicycle", "cruzando", d("2.5m+", 2.5)),
            obj("cat", "se_aleja", d("3.0m+", 3.0)),
        ),
    )
    assert_values(
        derive_channels(frame),
        {
            "people": 3.0,
            "objects": 5.0,
            "nearest_person_m": 1.2,
            "nearest_object_m": 1.0,
            "approaching": 2.0,  # se_acerca and se_acerca_izq
            "moving": 4.0,  # everything but the chair
            "smile": 0.5,  # max over people of mean(mouthSmile_L, mouthSmile_R): 0.5 vs 0.1
            "surprise": 0.8,  # max of 0.2 (browInnerUp) and mean(0.9, 0.7)
        },
    )


def test_derive_channels_empty_frame() -> None:
    assert_values(
        derive_channels(Frame(device_id="cam", arrival_ms=1.0)),
        {
            "people": 0.0,
            "objects": 0.0,
            "nearest_person_m": NAN,
            "nearest_object_m": NAN,
            "approaching": 0.0,
            "moving": 0.0,
            "smile": NAN,
            "surprise": NAN,
        },
    )


def test_derive_channels_unknown_distances_and_no_blendshapes() -> None:
    frame = Frame(
        device_id="cam",
        arrival_ms=1.0,
        people=(person(d("desconocido", None)), person(d("lejos", None), jawOpen=0.9)),
        objects=(obj("chair", "estatico", d("desconocido", None)),),
    )
    values = derive_channels(frame)
    assert set(values) == CHANNELS
    assert values["people"] == 2.0
    assert values["objects"] == 1.0
    assert math.isnan(values["nearest_person_m"])
    assert math.isnan(values["nearest_object_m"])
    assert values["approaching"] == 0.0
    assert values["moving"] == 0.0
    assert math.isnan(values["smile"])
    assert math.isnan(values["surprise"])


# --- ChannelStore ---------------------------------------------------------------------------


def assert_view(arr: np.ndarray) -> None:
    assert arr.flags.c_contiguous
    assert arr.base is not None  # a view of the ring buffer, not a fresh copy


def test_capacity_must_be_useful() -> None:
    with pytest.raises(ValueError, match="capacity"):
        ChannelStore(1)


def test_views_are_contiguous_and_ordered_through_wrap_around() -> None:
    store = ChannelStore(4)
    for n in range(1, 12):
        store.append(float(n), {"a": 10.0 * n})
        expected_t = [float(t) for t in range(max(1, n - 3), n + 1)]
        times = store.times()
        col = store.column("a")
        assert times.tolist() == expected_t
        assert col.tolist() == [10.0 * t for t in expected_t]
        assert_view(times)
        assert_view(col)
        assert len(store) == len(expected_t)
    assert store.total == 11
    assert np.shares_memory(store.times(), store.times())  # reading twice copies nothing


def test_last_n() -> None:
    store = ChannelStore(4)
    for n in range(1, 7):
        store.append(float(n), {"a": float(n)})
    assert store.times(2).tolist() == [5.0, 6.0]
    assert store.column("a", 3).tolist() == [4.0, 5.0, 6.0]
    assert store.times(0).tolist() == []
    assert store.times(100).tolist() == [3.0, 4.0, 5.0, 6.0]
    assert_view(store.times(2))


def test_extend_block_larger_than_capacity() -> None:
    store = ChannelStore(4)
    store.append(0.0, {"a": 0.0})
    t = np.arange(1.0, 11.0)  # 1 … 10
    store.extend(t, {"a": t * 2})
    assert store.times().tolist() == [7.0, 8.0, 9.0, 10.0]
    assert store.column("a").tolist() == [14.0, 16.0, 18.0, 20.0]
    assert len(store) == 4
    assert store.total == 11
    store.append(11.0, {"a": 22.0})
    assert store.times().tolist() == [8.0, 9.0, 10.0, 11.0]
    assert store.column("a").tolist() == [16.0, 18.0, 20.0, 22.0]
    assert_view(store.times())
    assert_view(store.column("a"))


def test_extend_block_exactly_capacity_and_wrapping() -> None:
    store = ChannelStore(5)
    for n in (1.0, 2.0, 3.0):
        store.append(n, {"a": n})
    store.extend(np.array([4.0, 5.0, 6.0, 7.0]), {"a": np.array([4.0, 5.0, 6.0, 7.0])})
    assert store.times().tolist() == [3.0, 4.0, 5.0, 6.0, 7.0]
    assert store.column("a").tolist() == [3.0, 4.0, 5.0, 6.0, 7.0]
    t = np.arange(8.0, 13.0)  # exactly capacity
    store.extend(t, {"a": -t})
    assert store.times().tolist() == [8.0, 9.0, 10.0, 11.0, 12.0]
    assert store.column("a").tolist() == [-8.0, -9.0, -10.0, -11.0, -12.0]
    assert_view(store.times())


def test_extend_many_blocks_matches_appending() -> None:
    rng = np.random.default_rng(1)
    by_block, by_row = ChannelStore(7), ChannelStore(7)
    t0 = 0.0
    for size in (3, 1, 9, 0, 6, 7, 2, 15, 4):
        t = t0 + np.arange(size, dtype=float)
        v = rng.normal(size=size)
        t0 += size
        by_block.extend(t, {"v": v})
        for ti, vi in zip(t, v, strict=True):
            by_row.append(float(ti), {"v": float(vi)})
        assert by_block.times().tolist() == by_row.times().tolist()
        assert by_block.column("v").tolist() == by_row.column("v").tolist()


def test_extend_rejects_ragged_columns() -> None:
    store = ChannelStore(4)
    with pytest.raises(ValueError, match="b"):
        store.extend(np.array([1.0, 2.0]), {"a": np.array([1.0, 2.0]), "b": np.array([1.0])})


def test_new_column_is_backfilled_with_nan() -> None:
    store = ChannelStore(8)
    store.append(1.0, {"a": 1.0})
    store.append(2.0, {"a": 2.0})
    store.append(3.0, {"a": 3.0, "b": 30.0})
    store.append(4.0, {"b": 40.0})  # "a" missing from this row
    assert store.names == ["a", "b"]
    a, b = store.column("a").tolist(), store.column("b").tolist()
    assert a[:3] == [1.0, 2.0, 3.0]
    assert math.isnan(a[3])
    assert math.isnan(b[0])
    assert math.isnan(b[1])
    assert b[2:] == [30.0, 40.0]
    unknown = store.column("zzz")
    assert len(unknown) == 4
    assert np.isnan(unknown).all()


def test_new_column_after_wrap_around_is_nan_before_it_appeared() -> None:
    store = ChannelStore(3)
    for n in range(1, 6):
        store.append(float(n), {"a": float(n)})
    store.append(6.0, {"a": 6.0, "late": 1.5})
    late = store.column("late")
    assert store.times().tolist() == [4.0, 5.0, 6.0]
    assert np.isnan(late[:2]).all()
    assert late[2] == 1.5


def test_extend_new_and_missing_columns() -> None:
    store = ChannelStore(6)
    store.append(1.0, {"a": 1.0})
    store.extend(np.array([2.0, 3.0]), {"c": np.array([20.0, 30.0])})
    a, c = store.column("a"), store.column("c")
    assert a[0] == 1.0
    assert np.isnan(a[1:]).all()
    assert math.isnan(c[0])
    assert c[1:].tolist() == [20.0, 30.0]


def test_since() -> None:
    store = ChannelStore(10)
    for t in (1.0, 2.0, 2.0, 3.0, 4.0, 5.0):
        store.append(t, {"a": 0.0})
    assert store.since(0.0) == 6
    assert store.since(2.0) == 5
    assert store.since(2.5) == 3
    assert store.since(5.0) == 1
    assert store.since(6.0) == 0


def test_since_after_wrap_around() -> None:
    store = ChannelStore(4)
    for n in range(1, 10):
        store.append(float(n), {})
    # history holds 6, 7, 8, 9
    assert store.since(0.0) == 4
    assert store.since(7.5) == 2
    assert store.since(9.0) == 1


def test_version_moves_on_every_change() -> None:
    store = ChannelStore(4)
    assert store.version == 0
    store.append(1.0, {"a": 1.0})
    assert store.version == 1
    store.append(2.0, {"a": 2.0})
    assert store.version == 2
    v = store.version
    store.extend(np.array([3.0, 4.0, 5.0]), {"a": np.array([3.0, 4.0, 5.0])})
    assert store.version > v
    v = store.version
    store.extend(np.array([]), {})
    assert store.version == v  # nothing appended, nothing to redraw
    store.times()
    store.column("a")
    store.since(0.0)
    assert store.version == v  # reading is not a change
    store.clear()
    assert store.version > v
    assert len(store) == 0
    assert store.times().tolist() == []
    assert store.column("a").tolist() == []


def test_store_from_derived_channels() -> None:
    store = ChannelStore(16)
    frames = [
        Frame(
            device_id="cam", arrival_ms=1000.0 + 200 * i, people=(person(d("1.2m", 1.2)),) * (i % 3)
        )
        for i in range(20)
    ]
    for f in frames:
        store.append(f.arrival_ms, derive_channels(f))
    assert set(store.names) == CHANNELS
    assert len(store) == 16
    assert store.times()[0] == 1000.0 + 200 * 4
    assert store.column("people").tolist() == [float(i % 3) for i in range(4, 20)]


def test_new_channels_keep_the_order_they_come_in() -> None:
    # the plots and the channel list show channels in store order: it must not be a set's
    names = [f"c{i}" for i in range(20)]
    for _ in range(5):
        store = ChannelStore(8)
        store.append(0.0, dict.fromkeys(names, 1.0))
        store.append(1.0, {"late": 2.0, **dict.fromkeys(names, 1.0), "later": 3.0})
        assert store.names == [*names, "late", "later"]
