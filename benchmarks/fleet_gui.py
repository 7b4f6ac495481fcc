"""The fleet view under load (issue 16): N simulated devices at 5 frames/s, served by one
session in local backend mode (the observer protocol on ``/observe``, the same as the
serverless backend's), watched by the main window through the fleet source. Measured on the
watching window, offscreen, per tick of a 30 Hz redraw: the plots' redraw plus a repaint of
the plots and of the timeline, and the fleet table's refresh; and how far the watcher's
events lag behind the devices.

    ./run python -m benchmarks.fleet_gui [--devices 50] [--seconds 30]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TOKEN = "bench-fleet"


async def phone(url: str, scene: str, seed: int, seconds: float, stop: asyncio.Event) -> int:
    import socketio

    from intelivision_desktop.core.scenes import generate_scene

    client = socketio.AsyncClient(reconnection=False)
    await asyncio.sleep(seed * 0.02)
    await client.connect(url, transports=["websocket"], wait_timeout=20)
    sent = 0
    start = time.perf_counter()
    for i, frame in enumerate(generate_scene(scene, seed=seed, duration_s=seconds + 5)):
        if stop.is_set():
            break
        await asyncio.sleep(max(0.0, start + i * 0.2 - time.perf_counter()))
        await client.emit("sensor-data", {**frame, "timestamp": int(time.time() * 1000)})
        sent += 1
    await client.disconnect()
    return sent


async def measure(devices: int, seconds: float) -> dict[str, list[float] | int]:
    from intelivision_desktop.app.cli import build_parser
    from intelivision_desktop.app.controller import SessionController
    from intelivision_desktop.app.gui import demo_sources
    from intelivision_desktop.app.wiring import ui_services
    from intelivision_desktop.core.embedded import RulesAnalyzer
    from intelivision_desktop.core.model import Description
    from intelivision_desktop.core.scenes import SCENES
    from intelivision_desktop.core.session import Session
    from intelivision_desktop.io.server import DeviceServer, ServerLimits
    from intelivision_desktop.ui.main_window import MainWindow

    server = DeviceServer(
        "127.0.0.1", 0, token=TOKEN, limits=ServerLimits(max_devices=devices + 5, per_address=0)
    )
    served = Session(server, RulesAnalyzer())
    served_task = asyncio.create_task(served.run())
    while server.port == 0:  # noqa: ASYNC110 - the server says nothing when it listens
        await asyncio.sleep(0.05)

    window = MainWindow(demo_sources(), ui_services())
    window.resize(1280, 800)
    window.show()
    ctl = SessionController(window, build_parser().parse_args([]))
    await ctl.start(f"observe+ws://127.0.0.1:{server.port}/observe?token={TOKEN}")
    watcher = ctl.session
    assert watcher is not None
    lag: list[float] = []
    watcher.subscribe(
        lambda e: lag.append(time.time() * 1000 - e.t_ms) if isinstance(e, Description) else None
    )
    window.plots.stop()  # the benchmark drives the redraws itself
    stop = asyncio.Event()
    names = list(SCENES)
    phones = [
        asyncio.create_task(
            phone(
                f"http://127.0.0.1:{server.port}?token={TOKEN}",
                names[i % len(names)],
                i,
                seconds,
                stop,
            )
        )
        for i in range(devices)
    ]
    await asyncio.sleep(3.0)  # every device connected and streaming
    frame_ms: list[float] = []
    fleet_ms: list[float] = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        t0 = time.perf_counter()
        window.plots._view_dirty = True
        window.plots.redraw()
        window.plots.glw.viewport().repaint()
        window.timeline.table.viewport().repaint()
        frame_ms.append((time.perf_counter() - t0) * 1000)
        t1 = time.perf_counter()
        window.fleet.refresh(watcher.source, stores=watcher.stores)  # as the window's tick
        fleet_ms.append((time.perf_counter() - t1) * 1000)
        await asyncio.sleep(1 / 30)
    stop.set()
    sent = sum(await asyncio.gather(*phones))
    rows = window.timeline.model.rowCount()
    fleet_rows = len(getattr(watcher.source, "devices", {}))
    await ctl.shutdown()
    window.confirm_quit = False
    window.close()
    served.stop()
    await served_task
    return {
        "frame": frame_ms,
        "fleet": fleet_ms,
        "lag": lag,
        "sent": sent,
        "rows": rows,
        "devices_seen": fleet_rows,
    }


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * (len(xs) - 1)))] if xs else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--devices", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30.0)
    args = ap.parse_args()
    import qasync

    from intelivision_desktop.app.gui import make_app

    app = make_app()
    app.setQuitOnLastWindowClosed(False)  # the benchmark ends by returning, not by a close
    r = asyncio.run(measure(args.devices, args.seconds), loop_factory=qasync.QEventLoop)
    f, fl, lag = r["frame"], r["fleet"], r["lag"]
    assert isinstance(f, list)
    assert isinstance(fl, list)
    assert isinstance(lag, list)
    print(
        f"{args.devices} devices × 5 frames/s for {args.seconds:g} s ({r['sent']} frames sent), "
        f"watched through /observe: {r['devices_seen']} devices in the fleet table, "
        f"{r['rows']} timeline rows"
    )
    print(
        f"window frame (plots redraw + repaint + timeline repaint): p50 "
        f"{statistics.median(f):.1f} ms, p95 {pct(f, 0.95):.1f} ms, max {max(f):.1f} ms"
    )
    print(f"fleet table refresh: p50 {statistics.median(fl):.2f} ms, p95 {pct(fl, 0.95):.2f} ms")
    if lag:
        print(
            f"description seen by the watcher after the device's window closed: p50 "
            f"{statistics.median(lag):.0f} ms, p95 {pct(lag, 0.95):.0f} ms"
        )


if __name__ == "__main__":
    main()
