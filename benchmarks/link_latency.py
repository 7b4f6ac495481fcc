"""What the app's Socket.IO link adds over a bare python-socketio client, against the same
local server answering every frame at once; and how many frames/s one link pushes.

    ./run python -m benchmarks.link_latency [--n 500]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import time
from pathlib import Path

import socketio

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from intelivision_desktop.core.codec import decode_frame
from intelivision_desktop.core.model import Description
from intelivision_desktop.core.scenes import generate_scene
from intelivision_desktop.io.links import BackendLink, LinkOptions
from tests.integration.backends import SocketIOBackend

WIRE = next(iter(generate_scene("person_waves", duration_s=1)))


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


async def bare(url: str, n: int) -> list[float]:
    sio = socketio.AsyncClient(reconnection=False)
    got = asyncio.Event()
    sio.on("ai-description", lambda *_: got.set())
    await sio.connect(url, transports=["websocket"])
    out = []
    for _ in range(n):
        got.clear()
        t0 = time.perf_counter()
        await sio.emit("sensor-data", WIRE)
        await got.wait()
        out.append((time.perf_counter() - t0) * 1000)
    await sio.disconnect()
    return out


class Sink:
    def __init__(self) -> None:
        self.got = asyncio.Event()

    def publish(self, d: Description) -> None:
        self.got.set()

    def count(self, kind: str, n: int = 1) -> None: ...
    def window_closed(self, *a: object) -> None: ...
    def set_state(self, *a: object) -> None: ...
    def problem(self, *a: object, **k: object) -> None: ...
    def push_frames(self, frames: object) -> None: ...
    def push_samples(self, *a: object, **k: object) -> None: ...


async def app_link(url: str, n: int) -> tuple[list[float], float]:
    link = BackendLink(LinkOptions(url=url, failover=False, ping_interval_s=60))
    sink = Sink()
    link.bind(sink)  # type: ignore[arg-type]
    task = asyncio.create_task(link.run())
    frame = decode_frame(WIRE, device_id="bench", arrival_ms=time.time() * 1000)
    while not sink.got.is_set():  # the first frame opens the connection; answered = live
        link.submit(frame)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(sink.got.wait(), 0.2)
    out = []
    for _ in range(n):
        sink.got.clear()
        t0 = time.perf_counter()
        link.submit(frame)
        await sink.got.wait()
        out.append((time.perf_counter() - t0) * 1000)
    # throughput: offer frames as fast as the connection takes them for 3 s
    sent0 = link.stats.sent
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < 3.0:
        for _ in range(50):
            link.submit(frame)
        await asyncio.sleep(0)
    rate = (link.stats.sent - sent0) / (time.perf_counter() - t0)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    return out, rate


async def main(n: int) -> None:
    async with SocketIOBackend(echo=True) as server:
        await bare(server.url, 50)  # warm-up
        b = await bare(server.url, n)
        a, rate = await app_link(server.url, n)
    for name, xs in (("bare python-socketio", b), ("app link", a)):
        print(
            f"{name:22s}: median {statistics.median(xs):.3f} ms, p99 {pct(xs, 0.99):.3f} ms "
            f"(n={len(xs)})"
        )
    print(
        f"added by the link     : median {statistics.median(a) - statistics.median(b):+.3f} ms,"
        f" p99 {pct(a, 0.99) - pct(b, 0.99):+.3f} ms"
    )
    print(f"one link pushes       : {rate:,.0f} frames/s (server on the same 2 cores)")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=500)
    asyncio.run(main(ap.parse_args().n))
