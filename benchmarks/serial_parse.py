"""Serial line parser throughput, lines/s per format, on one core (the process is pinned).

Each case splits a byte stream into lines (LineSplitter) and parses them in batches of
``--batch`` lines (LineParser), as the serial reader thread does. Best of ``--repeat`` runs.

    ./run python -m benchmarks.serial_parse [--lines 200000] [--batch 2000] [--repeat 5]

Target (issue 4): ≥ 250,000 lines/s for 4-channel Arduino-format lines.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from collections.abc import Callable

from intelivision_desktop.core.lines import LineParser, LineSplitter


def _cases(n: int) -> dict[str, tuple[str, bytes]]:
    rng = random.Random(1)

    def u(a: float, b: float, digits: int) -> str:
        return f"{rng.uniform(a, b):.{digits}f}"

    def make(fmt: str, header: str | None, row: Callable[[], str]) -> tuple[str, bytes]:
        lines = ([header] if header else []) + [row() for _ in range(n)]
        return fmt, ("\r\n".join(lines) + "\r\n").encode()

    frame = (
        '{"timestamp":1699123456789,"cameraActive":true,"personas":[{"posicion":"frente",'
        '"distancia":"1.2m","expresion":"feliz","gesto":"ninguno"}],"objetos":[]}'
    )
    return {
        "arduino 4ch label:value": make(
            "auto",
            None,
            lambda: f"a:{u(-100, 100, 3)} b:{u(0, 1, 4)} c:{rng.randint(0, 1023)} d:{u(-1, 1, 5)}",
        ),
        "arduino 4ch bare, tab + header": make(
            "auto",
            "ax:\tay:\taz:\tt:",
            lambda: f"{u(-2, 2, 3)}\t{u(-2, 2, 3)}\t{u(-2, 2, 3)}\t{u(20, 30, 2)}",
        ),
        "arduino 4ch comma + header": make(
            "auto",
            "ax,ay,az,t",
            lambda: f"{u(-2, 2, 3)},{u(-2, 2, 3)},{u(-2, 2, 3)},{u(20, 30, 2)}",
        ),
        "arduino 8ch label:value": make(
            "auto", None, lambda: " ".join(f"ch{i}:{u(-1, 1, 4)}" for i in range(8))
        ),
        "arduino 16ch bare": make("auto", None, lambda: " ".join(u(-1, 1, 4) for _ in range(16))),
        "csv 4ch (format=csv)": make(
            "csv", "ax;ay;az;t", lambda: f"{u(-2, 2, 3)};{u(-2, 2, 3)};{u(-2, 2, 3)};{u(20, 30, 2)}"
        ),
        "json flat 4ch": make(
            "auto",
            None,
            lambda: (
                f'{{"ax":{u(-2, 2, 3)},"ay":{u(-2, 2, 3)},"az":{u(-2, 2, 3)},"t":{u(20, 30, 2)}}}'
            ),
        ),
        "json sensor frame (→ Frame)": make("auto", None, lambda: frame),
    }


def run_case(fmt: str, data: bytes, batch: int) -> tuple[float, int]:
    splitter = LineSplitter(discard_first=False)
    parser = LineParser(fmt)
    chunk = 64 * 1024
    t0 = time.perf_counter()
    rows = 0
    pending: list[bytes] = []
    for k in range(0, len(data), chunk):
        pending += splitter.feed(data[k : k + chunk])
        while len(pending) >= batch:
            p = parser.parse(pending[:batch])
            rows += p.n_rows + len(p.frames)
            del pending[:batch]
    if pending:
        p = parser.parse(pending)
        rows += p.n_rows + len(p.frames)
    return time.perf_counter() - t0, rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--lines", type=int, default=200_000)
    ap.add_argument("--batch", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    print(f"serial line parsing, one core, {args.lines:,} lines per case, batches of {args.batch}")
    for name, (fmt, data) in _cases(args.lines).items():
        best = min(run_case(fmt, data, args.batch)[0] for _ in range(args.repeat))
        _, rows = run_case(fmt, data, args.batch)
        print(
            f"  {name:34s} {args.lines / best:>12,.0f} lines/s  "
            f"{len(data) / best / 1e6:6.1f} MB/s  ({rows:,} rows)"
        )


if __name__ == "__main__":
    main()
