"""Honest-plot arithmetic in core: typical interval, gaps, staleness, nearest row, Y limits."""

from __future__ import annotations

import math

import numpy as np
import pytest

from intelivision_desktop.core.channels import (
    CAMERA_CHANNELS,
    break_at,
    gap_starts,
    gap_threshold,
    nearest_row,
    stale_after,
    typical_interval,
)


def test_typical_interval_is_the_median_positive_step() -> None:
    ts = np.arange(100) * 0.2
    assert typical_interval(ts) == pytest.approx(0.2)
    # a 10 s hole does not move the median; rows stamped at one instant are not a spacing
    holed = np.concatenate([ts, ts[-1] + 10 + np.arange(50) * 0.2, np.full(20, 1e3)])
    assert typical_interval(holed) == pytest.approx(0.2)
    assert math.isnan(typical_interval(np.array([1.0])))
    assert math.isnan(typical_interval(np.full(5, 3.0)))


def test_thresholds_have_floors() -> None:
    assert gap_threshold(0.001) == 1.0  # 1 kHz: a second of silence is a gap
    assert gap_threshold(0.2) == 1.0  # a 5 Hz camera
    assert gap_threshold(2.0) == 10.0  # a slow device: 5 intervals
    assert gap_threshold(math.nan) == 1.0
    assert stale_after(0.2) == 3.0
    assert stale_after(2.0) == 6.0
    assert stale_after(math.nan) == 3.0


def test_a_hole_is_found_and_broken_with_nan() -> None:
    before = np.arange(50) * 0.2
    after = before[-1] + 10.0 + np.arange(50) * 0.2
    x = np.concatenate([before, after])
    y = np.ones_like(x)
    starts = gap_starts(x, gap_threshold(typical_interval(x)))
    assert starts.tolist() == [49]
    x2, ys = break_at(x, {"a": y}, starts)
    assert len(x2) == len(x) + 1
    assert math.isnan(ys["a"][50])
    assert np.isfinite(np.delete(ys["a"], 50)).all()
    assert x2[50] == x[49]  # x stays sorted for clip-to-view
    assert np.all(np.diff(x2) >= 0)


def test_regular_data_is_not_broken() -> None:
    x = np.arange(1000) * 0.2
    assert gap_starts(x, gap_threshold(typical_interval(x))).size == 0
    x2, ys = break_at(x, {"a": x}, gap_starts(x, 1.0))
    assert x2 is x
    assert ys["a"] is x
    assert gap_starts(np.array([1.0]), 1.0).size == 0


def test_nearest_row() -> None:
    ts = np.array([0.0, 1.0, 2.0, 10.0])
    assert nearest_row(ts, -5) == 0
    assert nearest_row(ts, 0.4) == 0
    assert nearest_row(ts, 0.6) == 1
    assert nearest_row(ts, 7.0) == 3
    assert nearest_row(ts, 99) == 3
    assert nearest_row(ts, math.nan) is None
    assert nearest_row(np.empty(0), 1.0) is None


def test_camera_channels_have_kinds_limits_and_short_names() -> None:
    specs = {s.name: s for s in CAMERA_CHANNELS}
    for name in ("people", "objects", "approaching", "moving"):
        assert specs[name].y_limits == (0.0, None), name
    assert specs["nearest_person_m"].y_limits == (0.0, None)
    assert specs["smile"].y_limits == (0.0, 1.0)
    assert specs["nearest_person_m"].display == "Nearest person (m)"
    assert specs["people"].display == "People"
    assert len({s.display for s in CAMERA_CHANNELS}) == len(CAMERA_CHANNELS)
