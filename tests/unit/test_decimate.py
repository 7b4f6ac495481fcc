"""Peak decimation (core/decimate.py): the cache against a brute-force reduction."""

from __future__ import annotations

import numpy as np

from intelivision_desktop.core.channels import ChannelStore
from intelivision_desktop.core.decimate import PeakCache, choose_block


def brute_peaks(store: ChannelStore, name: str, block: int) -> tuple[np.ndarray, np.ndarray]:
    a0 = store.total - len(store)
    col = store.column(name)
    lo, hi = [], []
    k = a0 // block
    while (k + 1) * block <= store.total:
        seg = col[max(0, k * block - a0) : (k + 1) * block - a0]
        fin = seg[np.isfinite(seg)]
        lo.append(fin.min() if fin.size else np.nan)
        hi.append(fin.max() if fin.size else np.nan)
        k += 1
    return np.array(lo), np.array(hi)


def test_peak_cache_matches_brute_force_through_ring_wraps() -> None:
    rng = np.random.default_rng(3)
    store = ChannelStore(1000)
    cache = PeakCache(store, 16)
    t = 0.0
    for step in range(60):
        n = int(rng.integers(1, 120))
        vals = rng.normal(size=n)
        vals[rng.random(n) < 0.1] = np.nan  # missing values
        cols = {"a": vals} if step % 7 else {"a": vals, "late": rng.normal(size=n)}
        store.extend(t + np.arange(n) * 0.001, cols)
        t += n * 0.001
        cache.update(["a", "late"] if "late" in store.names else ["a"])
        for name in store.names:
            lo, hi = brute_peaks(store, name, 16)
            x, ys = cache.peaks([name], -1e9, 1e9)
            m = len(lo)
            got_hi, got_lo = ys[name][0 : 2 * m : 2], ys[name][1 : 2 * m : 2]
            np.testing.assert_array_equal(got_lo[1:], lo[1:])
            np.testing.assert_array_equal(got_hi[1:], hi[1:])
            # the oldest block may have lost samples to the ring since it was reduced:
            # its cached peaks cover what it held then (a superset)
            if m and not np.isnan(lo[0]):
                assert got_lo[0] <= lo[0]
                assert got_hi[0] >= hi[0]
            if len(x) > 2 * m:  # the newest, incomplete block
                tail = store.column(name)[(store.total // 16) * 16 - store.total + len(store) :]
                assert ys[name][-2] == np.fmax.reduce(tail) or np.isnan(ys[name][-2])


def test_peak_cache_extends_back_for_a_wider_view() -> None:
    store = ChannelStore(100_000)
    store.extend(np.arange(50_000) * 0.001, {"a": np.arange(50_000, dtype=float)})
    cache = PeakCache(store, 64)
    cache.update(["a"], want_row=40_000)
    first = cache.k0
    cache.update(["a"], want_row=0)
    assert cache.k0 < first
    _, ys = cache.peaks(["a"], -1.0, 100.0)
    assert ys["a"][1] == 0.0  # min of the first block
    assert ys["a"][0] == 63.0


def test_choose_block() -> None:
    assert choose_block(2.0, None) is None
    assert choose_block(750.0, None) == 2048  # a (max, min) pair per two pixels
    assert choose_block(700.0, 1024) == 1024  # sticky within a band
    assert choose_block(5000.0, 1024) == 8192
