"""Frame decoding cost, µs per frame: the bounded JSON reader and the codec on real lines.

Cases: the busy_street demo recording's frames (small: at most 33 brackets, so the depth scan
is skipped), and a frame of three people with MediaPipe's 52 blendshapes each and ten
objects (about 5 KB, ~330 brackets: the depth scan runs). Best of ``--repeat`` runs.

    ./run python -m benchmarks.codec_decode [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence

from intelivision_desktop.core.codec import decode_frame_json, loads_bounded
from intelivision_desktop.core.recording import RecordingParser
from intelivision_desktop.io.resources import demo_recording


def _best_us(fn: Callable[[bytes], object], items: Sequence[bytes], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        for x in items:
            fn(x)
        best = min(best, time.perf_counter() - t)
    return best / len(items) * 1e6


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    demo = demo_recording("busy_street").read_bytes().splitlines()
    person = {
        "posicion": "frente",
        "expresion": "feliz",
        "gesto": "ninguno",
        "blendshapes": [{"name": f"shape{i}", "score": i / 52} for i in range(52)],
    }
    big = json.dumps(
        {"timestamp": 1, "personas": [person] * 3, "objetos": [{"tipo": "car"}] * 10}
    ).encode()
    bigs = [big] * 2000

    def decode(line: bytes) -> object:
        return decode_frame_json(line, device_id="bench", arrival_ms=0.0)

    cases: list[tuple[str, Callable[[bytes], object], Sequence[bytes]]] = [
        ("json.loads, demo lines", json.loads, demo),
        ("loads_bounded, demo lines", loads_bounded, demo),
        ("decode_frame_json, demo lines", decode, demo),
        ("RecordingParser.feed, demo lines", RecordingParser().feed, demo),
        ("json.loads, 3×52 blendshapes", json.loads, bigs),
        ("loads_bounded, 3×52 blendshapes", loads_bounded, bigs),
        ("decode_frame_json, 3×52 blendshapes", decode, bigs),
    ]
    for name, fn, items in cases:
        print(f"{name:40s} {_best_us(fn, items, args.repeat):8.1f} µs/frame")


if __name__ == "__main__":
    main()
