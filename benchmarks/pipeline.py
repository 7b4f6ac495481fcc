"""Frames/s through the whole pipeline: replay at max speed → session (channels, analyzer
with aggregation and rules) → JSON Lines recorder on disk.

    ./run python -m benchmarks.pipeline [--passes N]

Rates are frames per second of wall time, and frames per second of this process's CPU time
(every thread): on a machine shared with other work the CPU rate is the steadier of the two.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from intelivision_desktop.core.embedded import RulesAnalyzer
from intelivision_desktop.core.session import Session
from intelivision_desktop.io.recorder import JsonlRecorder
from intelivision_desktop.io.resources import demo_recordings
from intelivision_desktop.io.sources import DemoSource


async def one_run(passes: int, record: bool, tmp: Path) -> tuple[int, int, float, float]:
    """Frames, descriptions, wall seconds and process CPU seconds of one run."""
    files = demo_recordings() * passes
    source = DemoSource(files, speed=None, loop=False)
    recorder = (
        JsonlRecorder(
            tmp / f"bench-{time.monotonic_ns()}.jsonl",
            source="demo://",
            analyzer="embedded://rules",
        )
        if record
        else None
    )
    session = Session(source, RulesAnalyzer(perf_clock=time.perf_counter), recorder)
    t0, cpu0 = time.perf_counter(), time.process_time()
    await session.run()
    took, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    c = session.counters()
    return c.frames, c.descriptions, took, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--passes", type=int, default=5, help="times through the demo recordings")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        for record in (False, True):
            rates, cpu_rates = [], []
            for _ in range(args.repeat):
                frames, descs, took, cpu = asyncio.run(one_run(args.passes, record, Path(d)))
                rates.append(frames / took)
                cpu_rates.append(frames / cpu)
            best = max(rates)
            med = sorted(rates)[len(rates) // 2]
            cpu_med = sorted(cpu_rates)[len(cpu_rates) // 2]
            label = "with recorder" if record else "no recorder  "
            print(
                f"pipeline {label}: {frames} frames, {descs} descriptions; "
                f"median {med:,.0f} frames/s, best {best:,.0f} frames/s; "
                f"median {cpu_med:,.0f} frames per CPU second"
            )


if __name__ == "__main__":
    main()
