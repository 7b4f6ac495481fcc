"""Numeric channels for plotting: what each frame yields, and where it is kept.

:class:`ChannelStore` keeps a time column and any number of value columns in preallocated
ring buffers written twice (at ``i`` and ``i + capacity``), so the newest ``n`` samples are
always one contiguous slice: reading never copies and writing never rolls.

Also the arithmetic of honest plots, kept here because it needs no Qt and no clock (times are
passed in): a channel's typical interval, the spacing beyond which consecutive samples are a
gap (drawn as a break, not a line), the silence after which a device's data is stale, and the
row nearest a moment (the hover readout).
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
    kind: str = "raw"
    """``count``, ``distance``, ``score`` (0–1), ``duration`` or ``raw`` (a serial board's
    value: any sign, any range). Sets the value format and the Y limits."""

    @property
    def display(self) -> str:
        """Short, unambiguous name for legends and lists: ``Nearest person (m)``."""
        return f"{self.label} ({self.unit})" if self.unit else self.label

    @property
    def y_limits(self) -> tuple[float | None, float | None]:
        """Values the channel can take: counts, distances and durations never go below 0,
        scores stay within 0–1; raw channels are unbounded."""
        return KIND_LIMITS.get(self.kind, (None, None))


KIND_LIMITS: dict[str, tuple[float | None, float | None]] = {
    "count": (0.0, None),
    "distance": (0.0, None),
    "duration": (0.0, None),
    "score": (0.0, 1.0),
}

CAMERA_CHANNELS: tuple[ChannelSpec, ...] = (
    ChannelSpec("people", "People", "", "counts", "count"),
    ChannelSpec("objects", "Objects", "", "counts", "count"),
    ChannelSpec("nearest_person_m", "Nearest person", "m", "distance", "distance"),
    ChannelSpec("nearest_object_m", "Nearest object", "m", "distance", "distance"),
    ChannelSpec("approaching", "Approaching objects", "", "motion", "count"),
    ChannelSpec("moving", "Moving objects", "", "motion", "count"),
    ChannelSpec("smile", "Smile score", "", "expression", "score"),
    ChannelSpec("surprise", "Surprise score", "", "expression", "score"),
    ChannelSpec("latency_ms", "Description latency", "ms", "latency", "duration"),
)
CHANNEL_GROUPS: dict[str, str] = {
    "counts": "Detections",
    "distance": "Nearest distance (m)",
    "motion": "Objects in motion",
    "expression": "Expression scores",
    "latency": "Latency (ms)",
}

GAP_FLOOR_S = 1.0
"""Consecutive samples closer than this are never a gap (camera frames come in bursts)."""
GAP_FACTOR = 5.0
"""…nor closer than this many typical intervals."""
STALE_FLOOR_S = 3.0
"""A device silent for less than this is not stale…"""
STALE_FACTOR = 3.0
"""…nor silent for less than this many of its typical intervals."""
INTERVAL_WINDOW = 2048
"""Spacings the typical interval is the median of (the newest ones)."""

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


IntArray = npt.NDArray[np.intp]


def typical_interval(ts: FloatArray, last: int = INTERVAL_WINDOW) -> float:
    """Median spacing of the newest ``last`` + 1 times (NaN when there are none).

    Rows stamped at one instant (a batch) are not a spacing: only positive steps count.
    """
    tail = ts[-(last + 1) :]
    if len(tail) < 2:
        return NAN
    steps = np.diff(tail)
    steps = steps[steps > 0]
    return float(np.median(steps)) if steps.size else NAN


def gap_threshold(interval: float) -> float:
    """Spacing beyond which two consecutive samples are a gap: max(1 s, 5 × interval)."""
    if not math.isfinite(interval):
        return GAP_FLOOR_S
    return max(GAP_FLOOR_S, GAP_FACTOR * interval)


def stale_after(interval: float) -> float:
    """Silence after which a device's data is stale: max(3 s, 3 × interval)."""
    if not math.isfinite(interval):
        return STALE_FLOOR_S
    return max(STALE_FLOOR_S, STALE_FACTOR * interval)


def gap_starts(x: FloatArray, threshold: float) -> IntArray:
    """Indices ``i`` where ``x[i + 1] - x[i] > threshold`` (the sample before each gap)."""
    if len(x) < 2:
        return np.empty(0, dtype=np.intp)
    return np.flatnonzero(np.diff(x) > threshold)


def break_at(
    x: FloatArray, ys: Mapping[str, FloatArray], starts: IntArray
) -> tuple[FloatArray, dict[str, FloatArray]]:
    """Insert a NaN point after each index in ``starts``, so a line drawn with
    ``connect="finite"`` stops there. The NaN point repeats the x before it: x stays sorted
    (clip-to-view bisects it). With no gap the arrays are returned as they are."""
    if len(starts) == 0:
        return x, dict(ys)
    pos = starts + 1
    x2: FloatArray = np.insert(x, pos, x[starts])
    return x2, {k: np.insert(v, pos, NAN) for k, v in ys.items()}


def nearest_row(ts: FloatArray, t: float) -> int | None:
    """Index of the time in the sorted ``ts`` nearest to ``t`` (None when ``ts`` is empty)."""
    n = len(ts)
    if n == 0 or not math.isfinite(t):
        return None
    i = int(np.searchsorted(ts, t))
    if i <= 0:
        return 0
    if i >= n:
        return n - 1
    return i if ts[i] - t < t - ts[i - 1] else i - 1


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
        if not values.keys() <= self._cols.keys():
            for name in values:  # in the frame's order: channels keep a stable order
                if name not in self._cols:
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
