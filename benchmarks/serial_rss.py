"""Memory over a serial run: 16 channels at 1 kHz from a pty board into the Session and the
plot panel (offscreen, redrawing at 30 Hz), sampled every few seconds.

The channel store is preallocated for the history (``history × measured rate × 1.25``
rows per channel), so resident memory should step up once when the device's store is made
and then stay flat, also after the history is full and the oldest rows are overwritten.

    ./run python -m benchmarks.serial_rss [--seconds 600] [--history 600] [--rate 1000]
                                          [--channels 16] [--no-gui]

A quicker check of "no growth once full": ``--seconds 90 --history 30``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


async def run(args: argparse.Namespace, path: str) -> list[tuple[float, float, int, int]]:
    from intelivision_desktop.core.embedded import RulesAnalyzer
    from intelivision_desktop.core.session import Session
    from intelivision_desktop.io.serial_source import serial_source_from_url

    panel = None
    if args.gui:
        from intelivision_desktop.ui.plots import PlotPanel

        panel = PlotPanel()
        panel.resize(1040, 860)
        panel.show()
        panel.set_history(args.history)
        panel.start()
    source = serial_source_from_url(f"serial://{path}")
    session = Session(source, RulesAnalyzer(), history_s=args.history)
    task = asyncio.create_task(session.run(), name="session")
    samples: list[tuple[float, float, int, int]] = []
    t0 = time.monotonic()
    attached = False
    while time.monotonic() - t0 < args.seconds:
        store = session.stores.get(source.device_id)
        if panel is not None and store is not None and not attached:
            panel.attach(store)
            attached = True
        rows = store.total if store is not None else 0
        held = len(store) if store is not None else 0
        samples.append((time.monotonic() - t0, rss_mb(), rows, held))
        await asyncio.sleep(args.every)
    session.stop()
    await task
    if panel is not None:
        panel.stop()
        panel.close()
    store = session.stores.get(source.device_id)
    if store is not None:
        print(
            f"store: {store.capacity:,} rows × {len(store.names)} channels "
            f"({store.nbytes / 1e6:.1f} MB), sized for {source.rate_hz:.0f} lines/s; "
            f"{session.counters().samples:,} samples read, {session.counters().malformed} "
            "malformed"
        )
    return samples


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seconds", type=float, default=600.0)
    ap.add_argument("--history", type=float, default=600.0)
    ap.add_argument("--rate", type=float, default=1000.0)
    ap.add_argument("--channels", type=int, default=16)
    ap.add_argument("--every", type=float, default=5.0, help="sampling period, s")
    ap.add_argument("--no-gui", dest="gui", action="store_false")
    args = ap.parse_args()
    board = subprocess.Popen(
        [
            sys.executable,
            "scripts/fake_board.py",
            "--rate",
            str(args.rate),
            "--channels",
            str(args.channels),
            "--seconds",
            str(args.seconds + 30),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert board.stdout is not None
        path = board.stdout.readline().strip()
        base = rss_mb()
        if args.gui:
            import qasync

            from intelivision_desktop.app.gui import make_app

            make_app()
            samples = asyncio.run(run(args, path), loop_factory=qasync.QEventLoop)
        else:
            samples = asyncio.run(run(args, path))
    finally:
        board.terminate()
        board.wait(5)
    print(f"RSS before the session: {base:.0f} MB")
    print("   t (s)   RSS (MB)      rows read   rows held")
    step = max(1, len(samples) // 20)
    for t, rss, rows, held in samples[::step] + ([samples[-1]] if len(samples) % step else []):
        print(f"{t:8.0f} {rss:10.1f} {rows:14,} {held:11,}")
    full = [s for s in samples if s[3] and s[3] >= max(x[3] for x in samples)]
    steady = [s for s in samples if s[0] >= 10]
    peak = max(s[1] for s in samples)
    msg = f"peak RSS {peak:.0f} MB"
    if steady:
        msg += (
            f"; from t=10 s to the end RSS went {steady[0][1]:.0f} → {steady[-1][1]:.0f} MB "
            f"({steady[-1][1] - steady[0][1]:+.1f} MB)"
        )
    if len(full) >= 2 and full[-1][0] > full[0][0]:
        msg += (
            f"; after the history filled (t={full[0][0]:.0f} s) {full[0][1]:.0f} → "
            f"{full[-1][1]:.0f} MB ({full[-1][1] - full[0][1]:+.1f} MB over "
            f"{full[-1][0] - full[0][0]:.0f} s)"
        )
    print(msg)


if __name__ == "__main__":
    main()
