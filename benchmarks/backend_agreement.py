"""Does a replay through the app's link get what a live device gets from a backend that windows
on the device clock (the Node backend's behaviour, PROTOCOL §3)?

For each demo scene: a plain python-socketio client streams the scene's frames at their
recorded pace stamped with ``Date.now()`` (a phone), then the app replays the same frames at
speed 1 through its Socket.IO link. Both talk to the test backend of ``tests/integration/
peers.py`` (written from the protocol, not from the app's core). Reported per scene: frames the
backend kept, windows, windows of equal content, and descriptions in agreement.

    ./run python -m benchmarks.backend_agreement [--seconds 30] [--stamp auto|source]

``--stamp source`` shows the old behaviour (recorded timestamps on the wire).
"""

from __future__ import annotations

import argparse
import asyncio
import difflib
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import socketio

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from intelivision_desktop.core.model import Description
from intelivision_desktop.core.session import Session
from intelivision_desktop.io.links import BackendLink, LinkOptions
from intelivision_desktop.io.registry import open_source
from intelivision_desktop.io.resources import demo_recording, demo_recordings
from tests.integration.backends import SocketIOBackend


async def phone(url: str, frames: list[dict[str, Any]]) -> None:
    client = socketio.AsyncClient(reconnection=False)
    await client.connect(url, transports=["websocket"])
    try:
        t0_dev, t0 = frames[0]["timestamp"], time.monotonic()
        for f in frames:
            delay = (f["timestamp"] - t0_dev) / 1000.0 - (time.monotonic() - t0)
            if delay > 0:
                await asyncio.sleep(delay)
            await client.emit("sensor-data", {**f, "timestamp": int(time.time() * 1000)})
        await asyncio.sleep(0.5)
    finally:
        await client.disconnect()


def agreeing(a: list[str], b: list[str]) -> int:
    """Descriptions of ``a`` matched in order in ``b``."""
    match = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    return sum(m.size for m in match.get_matching_blocks())


async def scene(name: str, seconds: float, stamp: str) -> dict[str, Any]:
    frames = [json.loads(line) for line in demo_recording(name).read_text().splitlines()]
    t0 = frames[0]["timestamp"]
    frames = [f for f in frames if f["timestamp"] - t0 < seconds * 1000]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{name}.jsonl"
        path.write_text("".join(json.dumps(f) + "\n" for f in frames))
        async with SocketIOBackend() as server:
            await phone(server.url, frames)
            await phone(server.url, frames)  # the same phone again: the noise floor
            link = BackendLink(LinkOptions(url=server.url, stamp=stamp))
            session = Session(open_source(f"replay://{path}?speed=1"), link)
            shown: list[Description] = []
            session.subscribe(lambda e: shown.append(e) if isinstance(e, Description) else None)
            await session.run()
            live, again, replay = server.seen
            a = [json.dumps(w, sort_keys=True) for w in live.windows]
            b = [json.dumps(w, sort_keys=True) for w in replay.windows]
            c = [json.dumps(w, sort_keys=True) for w in again.windows]
            said_live = [t for t, _ in server.answers[live.conn_id]]
            said_again = [t for t, _ in server.answers[again.conn_id]]
            said_replay = [d.text for d in shown if d.source == "socketio"]
            return {
                "scene": name,
                "frames": len(frames),
                "kept_live": live.received - live.stale,
                "kept_replay": replay.received - replay.stale,
                "windows_live": len(a),
                "windows_replay": len(b),
                "windows_equal": sum(x == y for x, y in zip(a, b, strict=False)),
                "windows_equal_phone_again": sum(x == y for x, y in zip(a, c, strict=False)),
                "first_window_equal": bool(a and b and a[0] == b[0]),
                "descriptions_live": len(said_live),
                "descriptions_replay": len(said_replay),
                "descriptions_agreeing": agreeing(said_live, said_replay),
                "descriptions_agreeing_phone_again": agreeing(said_live, said_again),
                "failover": sum(d.source == "rules (failover)" for d in shown),
            }


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--stamp", choices=("auto", "send", "source"), default="auto")
    args = ap.parse_args()
    rows = [await scene(p.stem, args.seconds, args.stamp) for p in demo_recordings()]
    keys = list(rows[0])
    print(" | ".join(keys))
    for r in rows:
        print(" | ".join(str(r[k]) for k in keys))
    tot_l = sum(r["descriptions_live"] for r in rows)
    tot_a = sum(r["descriptions_agreeing"] for r in rows)
    tot_p = sum(r["descriptions_agreeing_phone_again"] for r in rows)
    print(
        f"descriptions agreeing with the live device: replay {tot_a}/{tot_l}, "
        f"the same phone again {tot_p}/{tot_l}"
    )


if __name__ == "__main__":
    asyncio.run(main())
