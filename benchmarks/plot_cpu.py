"""Plot frame cost in CPU time (this thread's), for a machine shared with other jobs.

The set-up of ``benchmarks.plot_frame`` (16 channels × 600 s at 1 kHz, the panel offscreen at
1040×860), without the 30 Hz sleeps: each frame appends 33 rows per channel, redraws and
repaints, and is timed with ``time.thread_time()``, which other processes on the machine do
not inflate (wall-clock frame times did, by 2–3× at a load average of 4 on 2 cores).
``--gap`` puts a 10 s hole 20 s before the end of the history (the curves get a break).

    ./run python -m benchmarks.plot_cpu [--view 600] [--gap] [--frames 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def measure(view: float, gap: bool, frames: int) -> tuple[list[float], int]:
    import numpy as np
    from PySide6.QtWidgets import QApplication

    from intelivision_desktop.core.channels import ChannelStore
    from intelivision_desktop.ui.plots import PlotPanel

    panel = PlotPanel()
    panel.resize(1040, 860)
    panel.show()
    rate, history, channels = 1000.0, 600.0, 16
    cap = int(history * rate)
    store = ChannelStore(cap)
    names = [f"ch{k}" for k in range(channels)]
    rng = np.random.default_rng(1)
    t_end = time.time()
    ts = t_end - history + np.arange(cap) / rate
    if gap:
        ts[ts > t_end - 20] += 10
        t_end += 10
    k = np.arange(cap)

    def values(kk: np.ndarray) -> dict[str, np.ndarray]:
        return {
            n: i + 0.8 * np.sin(kk * (0.0005 + 0.0003 * i)) + 0.2 * rng.random(len(kk))
            for i, n in enumerate(names)
        }

    store.extend(ts, values(k))
    panel.attach(store)
    panel.stop()
    panel.set_history(view)
    per = int(rate / 30)
    i = cap
    cpu: list[float] = []
    for _ in range(frames):
        kk = np.arange(i, i + per)
        store.extend(t_end + (kk - cap + 1) / rate, values(kk))
        i += per
        c0 = time.thread_time()
        panel.redraw()
        panel.glw.viewport().repaint()
        cpu.append(time.thread_time() - c0)
        QApplication.processEvents()
    points = panel.points_drawn(names[0])
    panel.close()
    return cpu, points


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--view", type=float, default=600.0)
    ap.add_argument("--gap", action="store_true")
    ap.add_argument("--frames", type=int, default=200)
    args = ap.parse_args()
    from intelivision_desktop.app.gui import make_app

    make_app()
    cpu, points = measure(args.view, args.gap, args.frames)
    ms = sorted(c * 1000 for c in cpu[20:])
    print(
        f"plot cpu, 16 ch × 600 s at 1 kHz, view {args.view:g} s"
        f"{', 10 s hole' if args.gap else ''}: {len(ms)} frames; redraw+repaint CPU "
        f"p50 {statistics.median(ms):.2f} ms, p95 {ms[int(0.95 * (len(ms) - 1))]:.2f} ms; "
        f"{points} points per curve"
    )


if __name__ == "__main__":
    main()
