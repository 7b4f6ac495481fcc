"""Timeline append cost: descriptions of 50 devices into the timeline offscreen, following live
and not following, half of them repeats that collapse into a row. Reports the cost of
``TimelineView.add`` per description, early and late (it must not grow with the rows), and of
a repaint of the table.

    ./run python -m benchmarks.timeline_append [--count 20000] [--devices 50]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def stats(label: str, xs: list[float]) -> str:
    xs = sorted(xs)
    p99 = xs[int(len(xs) * 0.99)]
    return (
        f"{label}: median {statistics.median(xs) * 1e6:.0f} µs, p99 {p99 * 1e6:.0f} µs,"
        f" max {xs[-1] * 1e6:.0f} µs"
    )


def run(count: int, devices: int, follow: bool) -> None:
    from PySide6.QtWidgets import QApplication

    from intelivision_desktop.core.model import Description
    from intelivision_desktop.ui.timeline import TimelineView

    app = QApplication.instance()
    assert app is not None
    tl = TimelineView()
    tl.resize(520, 600)
    tl.show()
    app.processEvents()
    if not follow:
        tl.add(Description("d0", "primera", 0.0, "rules"))
        tl.select_row(0)
    rng = random.Random(1)
    last: dict[str, str] = {}
    times: list[float] = []
    paints: list[float] = []
    t_ms = 1_790_000_000_000.0
    for i in range(count):
        dev = f"dev-{rng.randrange(devices)}"
        text = last.get(dev) if rng.random() < 0.5 else None
        text = text or f"persona {rng.randrange(40)} izquierda"
        last[dev] = text
        d = Description(dev, text, t_ms + i * 50.0, "rules", latency_ms=0.3)
        t0 = time.perf_counter()
        tl.add(d)
        times.append(time.perf_counter() - t0)
        if i % 20 == 19:  # the event loop turns between bursts, as with tens per second
            app.processEvents()
        if i % 500 == 499:
            t0 = time.perf_counter()
            tl.table.viewport().repaint()
            paints.append(time.perf_counter() - t0)
    mode = "following" if follow else "not following"
    rows = tl.model.rowCount()
    print(f"{mode}: {count} descriptions from {devices} devices → {rows} rows")
    k = min(2000, count // 4)
    print("  " + stats(f"add, first {k}", times[:k]))
    print("  " + stats(f"add, last {k}", times[-k:]))
    print("  " + stats("table repaint", paints))
    tl.close()
    tl.deleteLater()
    app.processEvents()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=20000)
    ap.add_argument("--devices", type=int, default=50)
    args = ap.parse_args()
    from PySide6.QtWidgets import QApplication

    _app = QApplication([])
    for follow in (True, False):
        run(args.count, args.devices, follow)


if __name__ == "__main__":
    main()
