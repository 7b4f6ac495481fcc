"""Seeking in a long recording, and exporting a full in-memory history to CSV.

    ./run python -m benchmarks.replay_export [--frames 1000000] [--seeks 50] [--export-rows 600000]

Seek: a recording of ``--frames`` camera frames (a day at 5 fps is 432,000) is written once to
a temporary folder; then ``offset_at`` finds the byte offset of random positions (what a seek
costs before the first frame is read) and ``time_span`` reads its length (what opening it
costs). Export: a channel store of ``--export-rows`` rows × 16 channels (600 s at 1 kHz) is
written with ``export_store_csv``, for whole-number values (a board's ADC) and for
full-precision floats (the worst case for number formatting).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from intelivision_desktop.core.channels import ChannelStore
from intelivision_desktop.io.export import export_store_csv
from intelivision_desktop.io.timeline_index import offset_at, time_span


def write_recording(path: Path, frames: int) -> tuple[float, float]:
    t0 = 1_767_000_000_000.0
    data = '{"timestamp":%d,"cameraActive":true,"personas":[],"objetos":[]}'
    with path.open("w") as fh:
        fh.write('{"type":"header","format":"intelivision-recording","version":1}\n')
        for i in range(frames):
            t = t0 + i * 200.0
            fh.write(f'{{"type":"frame","t":{t},"device":"cam","data":{data % int(t)}}}\n')
            if i % 10 == 9:
                fh.write(json.dumps({"type": "description", "t": t, "text": "Persona"}) + "\n")
    return t0, t0 + (frames - 1) * 200.0


def bench_seek(frames: int, seeks: int, folder: Path) -> None:
    path = folder / "long.jsonl"
    t0 = time.perf_counter()
    first, last = write_recording(path, frames)
    size = path.stat().st_size
    print(
        f"recording: {frames:,} frames, {size / 2**20:.0f} MiB, written in "
        f"{time.perf_counter() - t0:.1f} s"
    )
    t0 = time.perf_counter()
    span = time_span(path)
    print(
        f"time_span (opening: length of the timeline): {(time.perf_counter() - t0) * 1e3:.2f} ms"
        f" → {span is not None and (span[1] - span[0]) / 3.6e6:.1f} h"
    )
    rng = random.Random(5)
    took = []
    for _ in range(seeks):
        target = rng.uniform(first, last)
        t0 = time.perf_counter()
        offset_at(path, target)
        took.append((time.perf_counter() - t0) * 1e3)
    took.sort()
    p50, p95 = statistics.median(took), took[int(0.95 * (len(took) - 1))]
    print(
        f"offset_at (a seek) over {seeks} random positions: median {p50:.2f} ms, "
        f"p95 {p95:.2f} ms, max {took[-1]:.2f} ms"
    )


def bench_export(rows: int, folder: Path) -> None:
    rng = np.random.default_rng(3)
    t = 1_767_000_000.0 + np.arange(rows) / 1000.0
    for label, make in (
        ("whole numbers (ADC)", lambda: rng.integers(0, 1024, rows).astype(float)),
        ("full-precision floats", lambda: rng.normal(0, 1, rows)),
    ):
        store = ChannelStore(rows)
        store.extend(t, {f"ch{i:02d}": make() for i in range(16)})
        out = folder / f"export-{label[:5]}.csv"
        t0 = time.perf_counter()
        result = export_store_csv(store, out, device="board")
        took = time.perf_counter() - t0
        mib = out.stat().st_size / 2**20
        print(
            f"export {label}: {result.rows:,} rows × 16 channels in {took:.2f} s "
            f"({result.rows / took:,.0f} rows/s, {mib:.0f} MiB)"
        )
        out.unlink()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=1_000_000)
    ap.add_argument("--seeks", type=int, default=50)
    ap.add_argument("--export-rows", type=int, default=600_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="iv-bench-") as tmp:
        bench_seek(args.frames, args.seeks, Path(tmp))
        bench_export(args.export_rows, Path(tmp))


if __name__ == "__main__":
    main()
