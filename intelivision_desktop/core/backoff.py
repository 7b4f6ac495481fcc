"""Reconnect policy: capped exponential backoff with jitter (pure; randomness injected)."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BackoffPolicy:
    """Delays before reconnect attempts: ``initial × factor^n``, capped, ± ``jitter``."""

    initial_s: float = 0.5
    factor: float = 2.0
    cap_s: float = 30.0
    jitter: float = 0.2
    """Fraction of the delay added or removed at random (0.2 → ±20 %)."""

    def __post_init__(self) -> None:
        if self.initial_s <= 0 or self.cap_s < self.initial_s:
            raise ValueError("backoff needs 0 < initial ≤ cap")
        if self.factor < 1 or not 0 <= self.jitter < 1:
            raise ValueError("backoff needs factor ≥ 1 and 0 ≤ jitter < 1")

    def max_delay(self, attempt: int) -> float:
        """The longest delay before attempt ``attempt`` (0-based) can be."""
        return min(self.cap_s, self.initial_s * self.factor**attempt) * (1 + self.jitter)


class Backoff:
    """Stateful: ``next_delay()`` after each failure, ``reset()`` after a success."""

    def __init__(self, policy: BackoffPolicy | None = None, rng: random.Random | None = None):
        self.policy = policy or BackoffPolicy()
        self.attempt = 0
        self._rng = rng or random.Random()

    def next_delay(self) -> float:
        p = self.policy
        base = min(p.cap_s, p.initial_s * p.factor ** min(self.attempt, 64))
        self.attempt += 1
        return max(0.0, base * (1 + self._rng.uniform(-p.jitter, p.jitter)))

    def reset(self) -> None:
        self.attempt = 0
