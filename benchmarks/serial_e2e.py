"""End-to-end serial throughput: pty → reader thread (split, parse) → loop → Session →
channel ring buffers. No GUI.

1. Saturated: a writer pushes N Arduino lines into a pseudo-terminal as fast as the reader
   takes them; measures lines/s (and MB/s) until every row is in the channel store.
2. Paced: a fake board in another process prints 8 channels at 1 kHz; measures the CPU the
   app side uses (reader thread + loop) and the delay from a line's arrival to its row.

    ./run python -m benchmarks.serial_e2e [--lines 300000] [--channels 4] [--paced-seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import threading
import time

import numpy as np

from intelivision_desktop.core.embedded import RulesAnalyzer
from intelivision_desktop.core.model import LinkState
from intelivision_desktop.core.session import Session
from intelivision_desktop.io.serial_source import serial_source_from_url
from scripts.fake_board import FakeBoard


async def _until(pred: object, within: float) -> None:
    end = time.monotonic() + within
    while not pred():  # type: ignore[operator]
        if time.monotonic() > end:
            raise TimeoutError("benchmark condition not met")
        await asyncio.sleep(0.005)


async def saturated(n: int, channels: int) -> tuple[float, int, int]:
    lines = [
        "\t".join(f"c{k}:{(i * 7 + k) % 1000 / 10:.2f}" for k in range(channels)) for i in range(n)
    ]
    data = ("\r\n".join(lines) + "\r\n").encode()
    board = FakeBoard(fmt="arduino", channels=channels, rate=1, autostart_lines=False).start()
    try:
        src = serial_source_from_url(f"serial://{board.path}?rate=1000")
        session = Session(src, RulesAnalyzer(), history_s=max(60.0, n / 1000 + 1))
        task = asyncio.create_task(session.run())
        await _until(lambda: session.states["source"][0] is LinkState.LIVE, 10)
        board.write(b"\n")
        await asyncio.sleep(0.2)
        t0 = time.perf_counter()
        writer = threading.Thread(target=board.write, args=(data,), kwargs={"timeout": 600})
        writer.start()
        await _until(
            lambda: src.device_id in session.stores and session.stores[src.device_id].total >= n,
            600,
        )
        took = time.perf_counter() - t0
        writer.join()
        session.stop()
        await task
        return took, len(data), session.stores[src.device_id].total
    finally:
        board.stop()


async def paced(path: str, seconds: float) -> tuple[float, float, float, int]:
    src = serial_source_from_url(f"serial://{path}")
    session = Session(src, RulesAnalyzer(), history_s=600)
    task = asyncio.create_task(session.run())
    await _until(lambda: src.device_id in session.stores, 10)
    delays: list[float] = []
    store = session.stores[src.device_id]

    def on_event(_e: object) -> None:
        if len(store):
            delays.append(time.time() * 1000 - float(store.times()[-1]) * 1000)

    session.subscribe(on_event)
    c0 = time.process_time()
    n0 = store.total
    t0 = time.perf_counter()
    await asyncio.sleep(seconds)
    cpu = (time.process_time() - c0) / (time.perf_counter() - t0)
    got = store.total - n0
    session.stop()
    await task
    d = np.array(delays)
    return cpu, float(np.median(d)), float(np.percentile(d, 95)), got


def run_paced(seconds: float, rate: float, channels: int) -> tuple[float, float, float, int]:
    """The board runs in its own process, so the CPU measured is the app side only."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "scripts/fake_board.py",
            "--rate",
            str(rate),
            "--channels",
            str(channels),
            "--seconds",
            str(seconds + 10),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        path = proc.stdout.readline().strip()
        return asyncio.run(paced(path, seconds))
    finally:
        proc.terminate()
        proc.wait(5)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--lines", type=int, default=300_000)
    ap.add_argument("--channels", type=int, default=4)
    ap.add_argument("--paced-seconds", type=float, default=10.0)
    ap.add_argument("--paced-rate", type=float, default=1000.0)
    ap.add_argument("--paced-channels", type=int, default=8)
    args = ap.parse_args()
    took, nbytes, rows = asyncio.run(saturated(args.lines, args.channels))
    print(
        f"saturated pty → ring buffer, {args.channels} channels: {rows:,} rows in {took:.2f} s = "
        f"{rows / took:,.0f} lines/s, {nbytes / took / 1e6:.1f} MB/s"
    )
    if args.paced_seconds > 0:
        cpu, d50, d95, got = run_paced(args.paced_seconds, args.paced_rate, args.paced_channels)
        print(
            f"paced {args.paced_rate:g} lines/s × {args.paced_channels} channels for "
            f"{args.paced_seconds:g} s: {got:,} rows ({got / args.paced_seconds:,.0f}/s), "
            f"app CPU {cpu * 100:.1f}% of one core, "
            f"arrival → row in store p50 {d50:.1f} ms, p95 {d95:.1f} ms"
        )


if __name__ == "__main__":
    main()
