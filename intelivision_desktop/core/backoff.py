"""Reconnect policy: capped exponential backoff with jitter (pure; randomness injected)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BackoffPolicy:
    """Delays before reconnect attempts: ``initial × factor^n`` ± ``jitter``, never above
    ``cap_s`` (the cap is a promise to the operator: jitter spreads delays below it)."""

    initial_s: float = 0.5
    factor: float = 2.0
    cap_s: float = 30.0
    jitter: float = 0.2
    """Fraction of the delay added or removed at random (0.2 → ±20 %)."""

    def __post_init__(self) -> None:
        if not all(map(math.isfinite, (self.initial_s, self.factor, self.cap_s, self.jitter))):
            raise ValueError("backoff needs finite numbers")
        if self.initial_s <= 0 or self.cap_s < self.initial_s:
            raise ValueError("backoff needs 0 < initial ≤ cap")
        if self.factor < 1 or not 0 <= self.jitter < 1:
            raise ValueError("backoff needs factor ≥ 1 and 0 ≤ jitter < 1")

    def max_delay(self, attempt: int) -> float:
        """The longest delay before attempt ``attempt`` (0-based) can be."""
        return min(self.cap_s, self._base(attempt) * (1 + self.jitter))

    def _base(self, attempt: int) -> float:
        try:
            grown = self.initial_s * self.factor ** min(max(attempt, 0), 64)
        except OverflowError:
            return self.cap_s
        return min(self.cap_s, grown)

    def delay(self, attempt: int, u: float) -> float:
        """The delay before attempt ``attempt`` for a uniform draw ``u`` in [0, 1]: spread
        over ``base × (1 ± jitter)``, the top of the range clipped to the cap."""
        base = self._base(attempt)
        lo = base * (1 - self.jitter)
        hi = min(self.cap_s, base * (1 + self.jitter))
        return min(hi, max(lo, lo + (hi - lo) * u))


class Backoff:
    """Stateful: ``next_delay()`` after each failure, ``reset()`` after a success."""

    def __init__(self, policy: BackoffPolicy | None = None, rng: random.Random | None = None):
        self.policy = policy or BackoffPolicy()
        self.attempt = 0
        self._rng = rng or random.Random()

    def next_delay(self) -> float:
        d = self.policy.delay(self.attempt, self._rng.random())
        self.attempt += 1
        return d

    def reset(self) -> None:
        self.attempt = 0
