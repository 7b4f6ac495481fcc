"""Numeric channels for plotting: what each frame yields, and where it is kept.

:class:`ChannelStore` keeps a time column and any number of value columns in preallocated
ring buffers written twice (at ``i`` and ``i + capacity``), so the newest ``n`` samples are
always one contiguous slice: reading never copies and writing never rolls.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from intelivision_desktop.core.model import Frame

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class ChannelSpec:
    """How a derived channel is shown."""

    name: str
    label: str
    unit: str
    group: str
    """Channels with the same group share a plot."""


CAMERA_CHANNELS: tuple[ChannelSpec, ...] = (
    ChannelSpec("people", "People", "", "counts"),
    ChannelSpec("objects", "Objects", "", "counts"),
    ChannelSpec("nearest_person_m", "Nearest person", "m", "distance"),
    ChannelSpec("nearest_object_m", "Nearest object", "m", "distance"),
    ChannelSpec("approaching", "Approaching objects", "", "motion"),
    ChannelSpec("moving", "Moving objects", "", "motion"),
    ChannelSpec("smile", "Smile score", "", "expression"),
    ChannelSpec("surprise", "Surprise score", "", "expression"),
    ChannelSpec("latency_ms", "Description latency", "ms", "latency"),
)
CHANNEL_GROUPS: dict[str, str] = {
    "counts": "Detections",
    "distance": "Nearest distance (m)",
    "motion": "Objects in motion",
    "expression": "Expression scores",
    "latency": "Latency (ms)",
}

_SMILE = ("mouthSmile_L", "mouthSmile_R")
_SURPRISE = ("browInnerUp", "eyeWide_L", "eyeWide_R")
NAN = math.nan


def _score(scores: Mapping[str, float], names: Sequence[str]) -> float:
    vals = [scores[n] for n in names if n in scores]
    return sum(vals) / len(vals) if vals else NAN


def derive_channels(frame: Frame) -> dict[str, float]:
    """Numeric values of one camera frame (NaN where a value does not exist)."""
    near_p = min(
        (p.distance.metres for p in frame.people if p.distance.metres is not None), default=NAN
    )
    near_o = min(
        (o.distance.metres for o in frame.objects if o.distance.metres is not None), default=NAN
    )
    smile = surprise = NAN
    for p in frame.people:
        if not p.blendshapes:
            continue
        scores = {b.name: b.score for b in p.blendshapes}
        s, u = _score(scores, _SMILE), _score(scores, _SURPRISE)
        if not math.isnan(s):
            smile = s if math.isnan(smile) else max(smile, s)
        if not math.isnan(u):
            surprise = u if math.isnan(surprise) else max(surprise, u)
    return {
        "people": float(len(frame.people)),
        "objects": float(len(frame.objects)),
        "nearest_person_m": near_p,
        "nearest_object_m": near_o,
        "approaching": float(sum(o.movement.startswith("se_acerca") for o in frame.objects)),
        "moving": float(sum(o.movement != "estatico" for o in frame.objects)),
        "smile": smile,
        "surprise": surprise,
    }


class ChannelStore:
    """Time-aligned channel columns in double-written ring buffers.

    All columns share one write position, so ``times()`` and ``column(name)`` are views of
    equal length. A column that appears later is NaN before its first value.
    """

    def __init__(self, capacity: int) -> None:
        if capacity < 2:
            raise ValueError("capacity must be at least 2")
        self.capacity = capacity
        self._t: FloatArray = np.full(2 * capacity, NAN)
        self._cols: dict[str, FloatArray] = {}
        self._head = 0
        self._len = 0
        self.version = 0
        """Incremented on every append (redraw only when it moved)."""
        self.total = 0
        """Samples ever appended (``total - len`` fell off the history)."""

    def __len__(self) -> int:
        return self._len

    @property
    def names(self) -> list[str]:
        return list(self._cols)

    @property
    def nbytes(self) -> int:
        return int(self._t.nbytes + sum(c.nbytes for c in self._cols.values()))

    def _col(self, name: str) -> FloatArray:
        col = self._cols.get(name)
        if col is None:
            col = self._cols[name] = np.full(2 * self.capacity, NAN)
        return col

    def append(self, t: float, values: Mapping[str, float]) -> None:
        """Append one row. Columns missing from ``values`` get NaN."""
        i, cap = self._head, self.capacity
        j = i + cap
        self._t[i] = self._t[j] = t
        for name in values.keys() - self._cols.keys():
            self._col(name)
        for name, col in self._cols.items():
            v = values.get(name, NAN)
            col[i] = col[j] = v
        self._head = (i + 1) % cap
        self._len = min(self._len + 1, cap)
        self.total += 1
        self.version += 1

    def extend(self, t: FloatArray, columns: Mapping[str, FloatArray]) -> None:
        """Append a block of rows (vectorised; for high-rate sources)."""
        n = len(t)
        if n == 0:
            return
        for name, arr in columns.items():
            if len(arr) != n:
                raise ValueError(f"column {name!r} has {len(arr)} rows, expected {n}")
            self._col(name)
        cap = self.capacity
        self.total += n
        self.version += 1
        if n > cap:
            t = t[-cap:]
            columns = {k: v[-cap:] for k, v in columns.items()}
            self._head = (self._head + n - cap) % cap
            n = cap
        pos = 0
        while pos < n:
            i = self._head
            k = min(n - pos, cap - i)
            sl = slice(pos, pos + k)
            self._t[i : i + k] = t[sl]
            self._t[i + cap : i + cap + k] = t[sl]
            for name, col in self._cols.items():
                src = columns.get(name)
                if src is None:
                    col[i : i + k] = NAN
                    col[i + cap : i + cap + k] = NAN
                else:
                    col[i : i + k] = src[sl]
                    col[i + cap : i + cap + k] = src[sl]
            self._head = (i + k) % cap
            pos += k
        self._len = min(self._len + n, cap)

    def _slice(self, last: int | None) -> slice:
        n = self._len if last is None else max(0, min(last, self._len))
        end = self._head + self.capacity
        return slice(end - n, end)

    def times(self, last: int | None = None) -> FloatArray:
        """The newest ``last`` (default all) times, oldest first: a view, not a copy."""
        return self._t[self._slice(last)]

    def column(self, name: str, last: int | None = None) -> FloatArray:
        """The values matching :meth:`times` (all NaN for an unknown channel)."""
        col = self._cols.get(name)
        if col is None:
            return np.full(len(self.times(last)), NAN)
        return col[self._slice(last)]

    def since(self, t0: float) -> int:
        """How many of the newest rows have time ≥ ``t0`` (times are non-decreasing)."""
        ts = self.times()
        return int(len(ts) - np.searchsorted(ts, t0, side="left"))

    def clear(self) -> None:
        self._t[:] = NAN
        for col in self._cols.values():
            col[:] = NAN
        self._head = self._len = 0
        self.version += 1
