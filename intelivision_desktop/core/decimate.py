"""Peak decimation of a channel store for drawing: min/max per block, kept incrementally.

Pure numpy, no Qt: the plot panel asks :func:`choose_block` how many samples one (max, min)
pair stands for at the current zoom, keeps a :class:`PeakCache` per device and block size,
and breaks the curve where :func:`peak_gaps` finds the data stopped.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from intelivision_desktop.core.channels import ChannelStore, FloatArray

RAW_SAMPLES_PER_PX = 3.0
"""Up to this many samples per pixel, curves get the raw samples."""
PEAK_PAIRS_PER_PX = 0.5
"""Above that, one (max, min) pair per this many pixels (see :func:`choose_block`)."""


class PeakCache:
    """Min/max per block of ``block`` samples of a store's channels, kept incrementally.

    Blocks are aligned to the absolute sample index (``store.total - len(store) + row``), so a
    complete block never changes: each update reduces only blocks completed since the last
    one (and, on demand, older blocks a wider view needs). The newest, incomplete block is
    reduced on every draw.
    """

    def __init__(self, store: ChannelStore, block: int) -> None:
        if block < 2:
            raise ValueError("block must be at least 2")
        self.store = store
        self.block = block
        self.k0 = 0
        """First block held."""
        self.n = 0
        """Blocks held: [k0, k0 + n)."""
        self._off = 0
        self._cap = 0
        self._t: FloatArray = np.empty(0)
        self._lo: dict[str, FloatArray] = {}
        self._hi: dict[str, FloatArray] = {}

    @property
    def nbytes(self) -> int:
        return int(self._t.nbytes + sum(a.nbytes for a in (*self._lo.values(), *self._hi.values())))

    def _bounds(self) -> tuple[int, int]:
        a1 = self.store.total
        return a1 - len(self.store), a1

    def _compute(
        self, names: list[str], ka: int, kb: int
    ) -> tuple[FloatArray, dict[str, FloatArray], dict[str, FloatArray]]:
        """Reduce blocks [ka, kb) (all complete) of ``names``."""
        st, b = self.store, self.block
        a0, _ = self._bounds()
        ts = st.times()
        m = kb - ka
        t = np.empty(m)
        lo = {n: np.empty(m) for n in names}
        hi = {n: np.empty(m) for n in names}
        if m <= 0:
            return t, lo, hi
        s, e = ka * b - a0, kb * b - a0
        j = 0
        if s < 0:  # the oldest block lost its first samples to the ring: reduce what is left
            e0 = (ka + 1) * b - a0
            t[0] = ts[0]
            for n in names:
                c = st.column(n)[:e0]
                lo[n][0] = np.fmin.reduce(c)
                hi[n][0] = np.fmax.reduce(c)
            s, j = e0, 1
        if s < e:
            t[j:] = ts[s:e:b]
            for n in names:
                seg = st.column(n)[s:e].reshape(-1, b)
                np.fmin.reduce(seg, axis=1, out=lo[n][j:])
                np.fmax.reduce(seg, axis=1, out=hi[n][j:])
        return t, lo, hi

    def _reserve(self, extra: int) -> None:
        if self._off + self.n + extra <= self._cap:
            return
        cap = max(256, 2 * (self.n + extra))
        sl = slice(self._off, self._off + self.n)

        def grow(a: FloatArray) -> FloatArray:
            new = np.empty(cap)
            new[: self.n] = a[sl]
            return new

        self._t = grow(self._t)
        self._lo = {k: grow(v) for k, v in self._lo.items()}
        self._hi = {k: grow(v) for k, v in self._hi.items()}
        self._off, self._cap = 0, cap

    def update(self, names: list[str], want_row: int = 0) -> None:
        """Bring the blocks up to date for ``names``, back to the store row ``want_row``."""
        b = self.block
        a0, a1 = self._bounds()
        k_first, k_end = a0 // b, a1 // b
        k_want = min(max(k_first, (a0 + max(0, want_row)) // b), k_end)
        if self.n and self.k0 < k_first:  # evicted from the ring
            d = min(self.n, k_first - self.k0)
            self._off += d
            self.n -= d
            self.k0 += d
        if self.n == 0:
            self.k0 = k_want
        new = [n for n in names if n not in self._lo]
        if new:
            self._reserve(0)
            _, lo, hi = self._compute(new, self.k0, self.k0 + self.n)
            for n in new:
                self._lo[n] = np.empty(self._cap)
                self._hi[n] = np.empty(self._cap)
                self._lo[n][self._off : self._off + self.n] = lo[n]
                self._hi[n][self._off : self._off + self.n] = hi[n]
        held = list(self._lo)
        if k_want < self.k0:  # a wider view: older blocks, computed once
            t, lo, hi = self._compute(held, k_want, self.k0)
            m = self.k0 - k_want
            sl = slice(self._off, self._off + self.n)
            self._t = np.concatenate([t, self._t[sl]])
            self._lo = {k: np.concatenate([lo[k], v[sl]]) for k, v in self._lo.items()}
            self._hi = {k: np.concatenate([hi[k], v[sl]]) for k, v in self._hi.items()}
            self._off, self.n, self.k0 = 0, self.n + m, k_want
            self._cap = self.n
        if self.k0 + self.n < k_end:
            ka = self.k0 + self.n
            t, lo, hi = self._compute(held, ka, k_end)
            m = k_end - ka
            self._reserve(m)
            sl = slice(self._off + self.n, self._off + self.n + m)
            self._t[sl] = t
            for k in held:
                self._lo[k][sl] = lo[k]
                self._hi[k][sl] = hi[k]
            self.n += m

    def peaks(
        self, names: list[str], t_from: float, t_to: float
    ) -> tuple[FloatArray, dict[str, FloatArray]]:
        """x and y (max, min pairs per block) for the blocks from ``t_from`` to ``t_to``,
        plus the newest incomplete block. Call :meth:`update` first."""
        st, b = self.store, self.block
        a0, a1 = self._bounds()
        sl = slice(self._off, self._off + self.n)
        tb = self._t[sl]
        j0 = max(0, int(np.searchsorted(tb, t_from, side="left")) - 1)
        j1 = int(np.searchsorted(tb, t_to, side="right"))
        m = max(0, j1 - j0)
        tail_s = (a1 // b) * b - a0
        tail = 0 <= tail_s < len(st) and (self.n == 0 or j1 == self.n)
        size = 2 * (m + tail)
        x = np.empty(size)
        tsel = tb[j0:j1]
        x[0 : 2 * m : 2] = tsel
        x[1 : 2 * m : 2] = tsel
        if tail:
            x[2 * m :] = st.times()[tail_s]
        ys: dict[str, FloatArray] = {}
        for n in names:
            y = np.empty(size)
            lo = self._lo[n][sl]
            hi = self._hi[n][sl]
            y[0 : 2 * m : 2] = hi[j0:j1]
            y[1 : 2 * m : 2] = lo[j0:j1]
            if tail:
                c = st.column(n)[tail_s:]
                y[2 * m] = np.fmax.reduce(c)
                y[2 * m + 1] = np.fmin.reduce(c)
            ys[n] = y
        return x, ys


def peak_gaps(x: FloatArray, threshold: float) -> npt.NDArray[np.intp]:
    """Where to break peak-decimated points (x holds each block's time twice: max, min).

    Consecutive blocks are one block's span apart; a gap inside a block adds its length to
    that. So a break goes between two blocks further apart than the median block span plus
    ``threshold``. Returns indices into ``x`` (the point before each break).
    """
    starts = x[0::2]
    if len(starts) < 2:
        return np.empty(0, dtype=np.intp)
    steps = np.diff(starts)
    span = float(np.median(steps))
    return np.flatnonzero(steps > span + threshold) * 2 + 1


def choose_block(samples_per_px: float, current: int | None) -> int | None:
    """Samples per peak block for a view (None: draw raw samples). Sticky near a boundary.

    About one (max, min) pair per two pixels: the envelope stays exact to the pixel column
    pair, and 16 curves paint in a few ms (pyqtgraph's own automatic downsampling is coarser).
    """
    if samples_per_px <= RAW_SAMPLES_PER_PX:
        return None
    want = samples_per_px / PEAK_PAIRS_PER_PX
    if current is not None and 0.6 <= want / current <= 1.7:
        return current
    return max(2, int(2 ** round(math.log2(want))))
