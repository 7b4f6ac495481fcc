"""core/pipeline.py: one device's analysis, its state exported and restored mid-window."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intelivision_desktop.core.analysis import AnalysisConfig
from intelivision_desktop.core.codec import decode_frame
from intelivision_desktop.core.model import Frame
from intelivision_desktop.core.pipeline import (
    DevicePipeline,
    PipelineStateError,
    export_frame,
    import_frame,
)
from intelivision_desktop.io.resources import demo_recordings

SCENES = {p.stem: p for p in demo_recordings()}


def frames_of(path: Path, device: str = "dev") -> list[Frame]:
    out = []
    for line in path.read_text().splitlines():
        wire = json.loads(line)
        out.append(decode_frame(wire, device_id=device, arrival_ms=float(wire["timestamp"])))
    return out


def run(frames: list[Frame], cut_every: int | None = None, *, with_frames: bool = True) -> list:
    """Describe with the rules; every ``cut_every`` frames, export the state through JSON
    text and continue in a fresh pipeline, as a stateless handler would."""
    pipe = DevicePipeline("dev")
    said = []
    for i, frame in enumerate(frames):
        closed = pipe.push(frame)
        if closed is not None:
            text = pipe.rules(closed)
            if text is not None:
                said.append((text, closed.closed_ms, closed.summary.total_frames))
        if cut_every and i % cut_every == cut_every - 1:
            state = json.loads(json.dumps(pipe.export_state(with_frames=with_frames)))
            kept = (
                None
                if with_frames
                else [
                    import_frame("dev", json.loads(json.dumps(export_frame(f))))
                    for f in pipe.open_frames
                ]
            )
            pipe = DevicePipeline.from_state(state, kept)
    return said


@pytest.mark.parametrize("scene", sorted(SCENES))
@pytest.mark.parametrize("cut_every", [1, 3, 7])
def test_export_and_restore_mid_window_gives_the_same_descriptions(
    scene: str, cut_every: int
) -> None:
    frames = frames_of(SCENES[scene])
    whole = run(frames)
    assert whole, "every demo scene has descriptions"
    assert run(frames, cut_every) == whole
    assert run(frames, cut_every, with_frames=False) == whole


@settings(max_examples=25, deadline=None)
@given(
    cuts=st.lists(st.integers(min_value=0, max_value=430), max_size=12),
    scene=st.sampled_from(sorted(SCENES)),
)
def test_restoring_at_any_frames_gives_the_same_descriptions(cuts: list[int], scene: str) -> None:
    frames = frames_of(SCENES[scene])
    whole = run(frames)
    pipe = DevicePipeline("dev")
    said = []
    for i, frame in enumerate(frames):
        closed = pipe.push(frame)
        if closed is not None and (text := pipe.rules(closed)) is not None:
            said.append((text, closed.closed_ms, closed.summary.total_frames))
        if i in cuts:
            pipe = DevicePipeline.from_state(json.loads(json.dumps(pipe.export_state())))
    assert said == whole


def test_state_keeps_counts_config_and_the_open_window() -> None:
    frames = frames_of(SCENES["car_and_dog"])[:23]
    pipe = DevicePipeline("dev", AnalysisConfig(window_ms=1500, max_size=8))
    for f in frames:
        if (closed := pipe.push(f)) is not None:
            pipe.rules(closed)
    back = DevicePipeline.from_state(pipe.export_state())
    assert back.config == pipe.config
    assert back.counts == pipe.counts
    assert back.open_frames == pipe.open_frames
    assert 0 < len(back.open_frames) <= 8
    assert back.aggregator.last_processed_ms == pipe.aggregator.last_processed_ms
    assert back.relevance.last == pipe.relevance.last


def test_a_window_not_said_is_not_remembered() -> None:
    """Relevance memory holds only what was said: a window judged but not described (the
    failover while the backend spoke) leaves the next identical window news."""
    frames = frames_of(SCENES["car_and_dog"])
    pipe = DevicePipeline("dev")
    closed = [c for f in frames[:30] if (c := pipe.push(f)) is not None]
    assert closed
    assert closed[0].relevant
    assert pipe.relevance.last is None
    assert pipe.export_state()["said"] is None


@pytest.mark.parametrize(
    "state",
    [
        {},
        {"v": 99},
        {"v": 1, "device": 3, "window_ms": 2000, "max_size": 50, "last_processed_ms": 0},
        {"v": 1, "device": "d", "window_ms": "x", "max_size": 50, "last_processed_ms": 0},
        {
            "v": 1,
            "device": "d",
            "window_ms": 2000,
            "max_size": 50,
            "last_processed_ms": 0,
            "frames": [{"t": 1}],
        },
        {
            "v": 1,
            "device": "d",
            "window_ms": 2000,
            "max_size": 50,
            "last_processed_ms": 0,
            "said": {"at_ms": 1, "summary": []},
        },
        {"v": 1, "device": "d", "window_ms": 0, "max_size": 50, "last_processed_ms": 0},
    ],
)
def test_bad_state_is_its_own_error(state: dict) -> None:
    with pytest.raises(PipelineStateError):
        DevicePipeline.from_state(state)


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
        lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=4),
        max_leaves=20,
    )
)
def test_any_state_restores_or_raises_its_own_error(state: object) -> None:
    data = {"v": 1, "device": "d", "window_ms": 2000, "max_size": 50, "last_processed_ms": 0}
    for candidate in (state, {**data, "frames": state}, {**data, "said": state}):
        with contextlib.suppress(PipelineStateError):  # anything else fails the test
            DevicePipeline.from_state(candidate)  # type: ignore[arg-type]
