"""Reconnect delays: exponential, jittered, and never past the stated cap."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intelivision_desktop.core.backoff import Backoff, BackoffPolicy


def test_jitter_never_pushes_a_delay_past_the_cap() -> None:
    policy = BackoffPolicy(initial_s=0.5, factor=2.0, cap_s=30.0, jitter=0.2)
    delays: list[float] = []
    for seed in range(200):
        b = Backoff(policy, random.Random(seed))
        delays += [b.next_delay() for _ in range(40)]
    assert max(delays) <= 30.0
    at_cap = delays[-30:]  # late attempts: the base is the cap
    assert all(d >= 30.0 * 0.8 for d in at_cap)
    assert len({round(d, 6) for d in at_cap}) > 1  # still jittered, not pinned to the cap
    assert min(delays) >= 0.5 * 0.8


def test_the_first_delays_grow_and_stay_in_their_band() -> None:
    policy = BackoffPolicy(initial_s=1.0, factor=2.0, cap_s=30.0, jitter=0.2)
    b = Backoff(policy, random.Random(1))
    for attempt in range(5):
        d = b.next_delay()
        base = 2.0**attempt
        assert base * 0.8 <= d <= base * 1.2
    b.reset()
    assert b.attempt == 0
    assert 0.8 <= b.next_delay() <= 1.2


@pytest.mark.parametrize("u", [0.0, 0.5, 1.0])
def test_the_extremes_of_the_draw(u: float) -> None:
    policy = BackoffPolicy(initial_s=0.5, factor=2.0, cap_s=30.0, jitter=0.2)
    assert policy.delay(100, u) <= 30.0
    assert policy.delay(10**9, u) <= 30.0
    assert policy.max_delay(100) == 30.0
    assert policy.delay(0, 0.0) == pytest.approx(0.4)
    assert policy.delay(0, 1.0) == pytest.approx(0.6)


@given(
    initial=st.floats(0.001, 100),
    ratio=st.floats(1, 1000),
    factor=st.floats(1, 10),
    jitter=st.floats(0, 0.99),
    attempt=st.integers(0, 10_000),
    u=st.floats(0, 1),
)
def test_any_policy_any_draw_stays_at_or_under_the_cap(
    initial: float, ratio: float, factor: float, jitter: float, attempt: int, u: float
) -> None:
    policy = BackoffPolicy(initial_s=initial, factor=factor, cap_s=initial * ratio, jitter=jitter)
    d = policy.delay(attempt, u)
    assert 0 < d <= policy.cap_s
    assert d <= policy.max_delay(attempt)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"initial_s": float("nan")},
        {"cap_s": float("inf")},
        {"cap_s": float("nan")},
        {"factor": float("inf")},
        {"jitter": float("nan")},
        {"initial_s": 0.0},
        {"initial_s": 5.0, "cap_s": 1.0},
        {"jitter": 1.0},
    ],
)
def test_policies_that_cannot_keep_their_promise_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="backoff"):
        BackoffPolicy(**kwargs)


def test_a_huge_factor_does_not_overflow() -> None:
    policy = BackoffPolicy(initial_s=1.0, factor=1e300, cap_s=30.0, jitter=0.0)
    assert Backoff(policy).next_delay() == 1.0
    b = Backoff(policy)
    assert [b.next_delay() for _ in range(70)][-1] == 30.0
