"""Local backend mode under load: N devices × 5 frames/s against the app serving with the
rules analyzer (`--headless --serve`, its own process); description latency per device =
the description's arrival − the send time of the frame that closed its window.

    ./run python -m benchmarks.serve_devices [--devices 50] [--seconds 30]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time

import socketio

from intelivision_desktop.core.scenes import SCENES, generate_scene


async def device(
    url: str, scene: str, seed: int, seconds: float, lat: list[float], stats: dict[str, int]
) -> None:
    client = socketio.AsyncClient(reconnection=False)
    last_sent = [0.0]

    def on_desc(_data: object) -> None:
        lat.append((time.perf_counter() - last_sent[0]) * 1000)

    client.on("ai-description", on_desc)
    await asyncio.sleep(seed * 0.02)  # phones do not all connect in the same millisecond
    await client.connect(url, transports=["websocket"], wait_timeout=10)
    start = time.perf_counter()
    for i, frame in enumerate(generate_scene(scene, seed=seed, duration_s=seconds)):
        due = start + i * 0.2
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        last_sent[0] = time.perf_counter()
        await client.emit("sensor-data", frame)
        stats["frames"] += 1
    await asyncio.sleep(0.5)
    await client.disconnect()


async def main(n: int, seconds: float, port: int) -> None:
    env = {**os.environ, "INTELIVISION_LOG_DIR": os.environ.get("TMPDIR", "/tmp")}
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "intelivision_desktop",
        "--headless",
        "--source",
        f"serve://127.0.0.1:{port}?token=bench&per_address=0",
        "--log-level",
        "WARNING",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    url = f"http://127.0.0.1:{port}?token=bench"  # every device presents the token
    for _ in range(100):  # wait until it listens
        try:
            _r, w = await asyncio.open_connection("127.0.0.1", port)
            w.close()
            break
        except OSError:
            await asyncio.sleep(0.1)
    lat: list[float] = []
    stats = {"frames": 0}
    scenes = list(SCENES)
    t0 = time.perf_counter()
    await asyncio.gather(
        *(device(url, scenes[i % len(scenes)], i, seconds, lat, stats) for i in range(n))
    )
    took = time.perf_counter() - t0
    server.terminate()
    await server.wait()
    lat.sort()
    p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]  # noqa: E731
    print(
        f"{n} devices × 5 frames/s for {seconds:g} s: {stats['frames']} frames "
        f"({stats['frames'] / took:.0f}/s), {len(lat)} descriptions"
    )
    print(
        f"description latency: median {statistics.median(lat):.2f} ms, p95 {p(0.95):.2f} ms,"
        f" p99 {p(0.99):.2f} ms, max {lat[-1]:.2f} ms"
    )


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--devices", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--port", type=int, default=3911)
    a = ap.parse_args()
    asyncio.run(main(a.devices, a.seconds, a.port))
