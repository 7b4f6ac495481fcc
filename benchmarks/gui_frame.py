"""GUI frame time: the main window offscreen with the demo running, plots holding a full
history. Measures, per tick of the redraw timer, the redraw (setData from the ring buffers)
plus a synchronous repaint of the plot widget.

    ./run python -m benchmarks.gui_frame [--history 600] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


async def measure(history: float, seconds: float) -> list[float]:
    from intelivision_desktop.app.cli import build_parser
    from intelivision_desktop.app.controller import SessionController
    from intelivision_desktop.app.gui import demo_sources
    from intelivision_desktop.app.wiring import ui_services
    from intelivision_desktop.ui.main_window import MainWindow

    window = MainWindow(demo_sources(), ui_services())
    window.resize(1440, 900)
    window.show()
    args = build_parser().parse_args(["--history", str(history)])
    ctl = SessionController(window, args)
    await ctl.start("demo://?speed=1&loop=1")
    assert ctl.session is not None
    window.history_combo.setCurrentIndex(2 if history >= 600 else 1)
    window.plots.stop()  # the benchmark drives the ticks itself
    session = ctl.session
    got_frames = asyncio.Event()
    session.subscribe(lambda _e: got_frames.set() if session.stores else None)
    await got_frames.wait()
    store = next(iter(session.stores.values()))
    # a full history of noisy values (worst case for line drawing), then live frames on top
    import numpy as np

    n = int(history * 5)
    t_end = float(store.times()[-1])
    ts = t_end - history + np.arange(n) * 0.2
    rng = np.random.default_rng(1)
    cols = {name: rng.random(n) * 3 for name in window.plots.curves}
    store.clear()
    store.extend(ts, cols)
    times: list[float] = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        t0 = time.perf_counter()
        window.plots._view_dirty = True
        window.plots.redraw()
        window.plots.glw.viewport().repaint()
        times.append(time.perf_counter() - t0)
        await asyncio.sleep(1 / 30)
    await ctl.shutdown()
    window.close()
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--history", type=float, default=600.0)
    ap.add_argument("--seconds", type=float, default=10.0)
    args = ap.parse_args()
    import qasync

    from intelivision_desktop.app.gui import make_app

    make_app()
    times = asyncio.run(measure(args.history, args.seconds), loop_factory=qasync.QEventLoop)
    ms = sorted(t * 1000 for t in times)
    p50 = statistics.median(ms)
    p95 = ms[int(0.95 * (len(ms) - 1))]
    print(
        f"gui frame ({args.history:g} s history, 8 channels, offscreen): {len(ms)} frames, "
        f"p50 {p50:.2f} ms, p95 {p95:.2f} ms, max {ms[-1]:.2f} ms"
    )


if __name__ == "__main__":
    main()
