"""GUI frame time with serial-rate data: 16 channels × 10 minutes of history at 1 kHz each.

The plot panel (with its channel list) is shown offscreen at a main-window size, holding a
full history (600,000 rows × 16 channels). Every tick of a 30 Hz timer, 33 new rows per
channel arrive (1 kHz), then the panel redraws from the ring buffers and the plot viewport
is repainted synchronously; the time of redraw + repaint is one frame.

    ./run python -m benchmarks.plot_frame [--channels 16] [--history 600] [--rate 1000]
                                          [--seconds 10] [--view 600]

``--view`` is the span on screen (the History choice): 600 s shows the whole history.
Target (issue 4): p95 ≤ 33 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


async def measure(
    channels: int, history: float, rate: float, seconds: float, view: float
) -> tuple[list[float], list[float], int, float]:
    import numpy as np

    from intelivision_desktop.core.channels import ChannelStore
    from intelivision_desktop.ui.plots import PlotPanel

    panel = PlotPanel()
    panel.resize(1040, 860)  # the plot side of a 1440×900 main window
    panel.show()
    cap = int(history * rate)
    store = ChannelStore(cap)
    names = [f"ch{k}" for k in range(channels)]
    rng = np.random.default_rng(1)
    t_end = time.time()
    ts = t_end - history + np.arange(cap) / rate
    k = np.arange(cap)
    store.extend(
        ts,
        {
            n: i + 0.8 * np.sin(k * (0.0005 + 0.0003 * i)) + 0.2 * rng.random(cap)
            for i, n in enumerate(names)
        },
    )
    panel.attach(store)
    panel.stop()  # the benchmark drives the ticks itself
    t_build = time.perf_counter()
    panel.set_history(view)  # the first draw builds the peak cache over the view
    first = time.perf_counter() - t_build
    per_tick = int(rate / 30)
    frame: list[float] = []
    redraw: list[float] = []
    end = time.monotonic() + seconds
    i = cap
    while time.monotonic() < end:
        kk = np.arange(i, i + per_tick)
        t_new = t_end + (kk - cap + 1) / rate
        store.extend(
            t_new,
            {
                n: j + 0.8 * np.sin(kk * (0.0005 + 0.0003 * j)) + 0.2 * rng.random(per_tick)
                for j, n in enumerate(names)
            },
        )
        i += per_tick
        t0 = time.perf_counter()
        panel.redraw()
        t1 = time.perf_counter()
        panel.glw.viewport().repaint()
        frame.append(time.perf_counter() - t0)
        redraw.append(t1 - t0)
        await asyncio.sleep(1 / 30)
    points = panel.points_drawn(names[0])
    panel.close()
    return frame, redraw, points, first


def pct(ms: list[float], p: float) -> float:
    return ms[min(len(ms) - 1, int(p * (len(ms) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--channels", type=int, default=16)
    ap.add_argument("--history", type=float, default=600.0)
    ap.add_argument("--rate", type=float, default=1000.0)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--view", type=float, default=600.0)
    args = ap.parse_args()
    import qasync

    from intelivision_desktop.app.gui import make_app

    make_app()
    frame, redraw, points, first = asyncio.run(
        measure(args.channels, args.history, args.rate, args.seconds, args.view),
        loop_factory=qasync.QEventLoop,
    )
    f = sorted(t * 1000 for t in frame)
    r = sorted(t * 1000 for t in redraw)
    print(
        f"plot frame, {args.channels} ch × {args.history:g} s at {args.rate:g} Hz "
        f"({int(args.history * args.rate):,} rows/ch), view {args.view:g} s, offscreen: "
        f"{len(f)} frames; redraw+repaint p50 {statistics.median(f):.2f} ms, "
        f"p95 {pct(f, 0.95):.2f} ms, max {f[-1]:.2f} ms; redraw alone p50 "
        f"{statistics.median(r):.2f} ms, p95 {pct(r, 0.95):.2f} ms; "
        f"first draw (builds the peak cache) {first * 1000:.0f} ms; {points} points per curve"
    )


if __name__ == "__main__":
    main()
