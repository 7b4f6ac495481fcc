"""A fake sensor board on a pseudo-terminal: prints sensor lines at a given rate.

    ./run python scripts/fake_board.py --rate 1000 --channels 8 --format arduino
    ./run python scripts/fake_board.py --link /tmp/board0     # a stable path (a symlink)

It prints the port path, then writes until interrupted. Open it in the app with
``serial:///dev/pts/N`` (or the ``--link`` path). Formats: ``arduino`` (``a0:1.23\\ta1:…``),
``bare`` (a header ``a0:\\ta1:…`` then tab-separated values), ``csv`` (``a0,a1,…`` header then
rows), ``json`` (``{"a0":1.23,…}``) and ``frames`` (JSON sensor frames, PROTOCOL.md §1).
``--bad-every N`` mixes in a malformed line every N lines. A line sent to the board is
answered with ``echo:<length>`` (a value the plots can show).

The :class:`FakeBoard` class is also used by the serial integration tests and benchmarks:
``unplug()`` makes the device disappear (the reader sees an I/O error), ``replug()`` brings a
new pty and re-points the ``link`` symlink at it, as a USB board that comes back.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import math
import os
import random
import select
import signal
import sys
import threading
import time
import tty
from pathlib import Path

FORMATS = ("arduino", "bare", "csv", "json", "frames")
BACKLOG_BYTES = 16 * 1024
"""Bytes held for a reader that is not keeping up; older whole lines are dropped."""
HEADER_EVERY = 200
"""Header-based formats reprint their header this often (a reader may connect at any time)."""


class FakeBoard:
    """A pty that prints sensor lines from a writer thread."""

    def __init__(
        self,
        *,
        fmt: str = "arduino",
        channels: int = 8,
        rate: float = 1000.0,
        link: Path | None = None,
        bad_every: int = 0,
        seed: int = 1,
        autostart_lines: bool = True,
        board_clock: bool = False,
    ) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}")
        self.fmt = fmt
        self.channels = channels
        self.rate = rate
        self.link = link
        self.bad_every = bad_every
        self.autostart_lines = autostart_lines
        self.board_clock = board_clock
        """``frames``: stamp with the board's own clock (ms since power-up, like millis()),
        not the wall clock."""
        self.rng = random.Random(seed)
        self.lines_written = 0
        self.bytes_written = 0
        self.dropped_lines = 0
        """Lines lost because nobody was reading (the pty buffer was full), as on a UART."""
        self.received = bytearray()
        """What the app sent to the board."""
        self.master: int | None = None
        self.slave: int | None = None
        self.tty_path = ""
        self._stop = threading.Event()
        self._paused = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._t0 = time.monotonic()

    # --- the device -----------------------------------------------------------------------

    @property
    def path(self) -> str:
        """What to open: the link if there is one, else the pty."""
        return str(self.link) if self.link is not None else self.tty_path

    def _open_pty(self) -> None:
        master, slave = os.openpty()
        tty.setraw(slave)  # no echo, no CR→LF translation before the reader configures it
        os.set_blocking(master, False)
        self.master, self.slave = master, slave
        self.tty_path = os.ttyname(slave)
        if self.link is not None:
            tmp = self.link.with_name(self.link.name + ".new")
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            tmp.symlink_to(self.tty_path)
            os.replace(tmp, self.link)

    def start(self) -> FakeBoard:
        self._open_pty()
        self._t0 = time.monotonic()
        if not self.autostart_lines:
            self._paused.set()
        self._thread = threading.Thread(target=self._run, name="fake-board", daemon=True)
        self._thread.start()
        return self

    def unplug(self) -> None:
        """The device disappears: both ends of the pty close."""
        with self._lock:
            for fd in (self.master, self.slave):
                if fd is not None:
                    with contextlib.suppress(OSError):
                        os.close(fd)
            self.master = self.slave = None

    def replug(self) -> None:
        """A device comes back on a new pty (the link, if any, now points at it)."""
        with self._lock:
            self._open_pty()

    def pause(self) -> None:
        self._paused.set()

    def resume(self) -> None:
        self._paused.clear()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2.0)
        self.unplug()
        if self.link is not None:
            with contextlib.suppress(FileNotFoundError):
                self.link.unlink()

    def __enter__(self) -> FakeBoard:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def write(self, data: bytes, *, timeout: float = 5.0) -> None:
        """Write raw bytes now, waiting for room (tests use it for exact content)."""
        end = time.monotonic() + timeout
        view = memoryview(data)
        while view:
            with self._lock:
                fd = self.master
                if fd is None:
                    raise OSError(errno.EIO, "board unplugged")
                try:
                    n = os.write(fd, view)
                except BlockingIOError:
                    n = 0
            view = view[n:]
            self.bytes_written += n
            if view:
                if time.monotonic() > end:
                    raise TimeoutError("nobody reads the board")
                time.sleep(0.001)

    # --- content --------------------------------------------------------------------------

    def names(self) -> list[str]:
        return [f"a{k}" for k in range(self.channels)]

    def values(self, i: int) -> list[float]:
        """Channel k of line i: a sine of its own period around k, plus a little noise."""
        t = i / self.rate
        return [
            k + 0.8 * math.sin(2 * math.pi * t * (0.2 + 0.15 * k) + k) + 0.05 * self.rng.random()
            for k in range(self.channels)
        ]

    def header(self) -> str:
        if self.fmt == "bare":
            return "\t".join(f"{n}:" for n in self.names())
        return ",".join(self.names())

    def line(self, i: int) -> str:
        if self.bad_every and i % self.bad_every == self.bad_every - 1:
            return self.rng.choice(
                ["#@! garbage", "a0:oops a1:1.0", "{broken json", "\x00\x01\x02", "a0::"]
            )
        if self.fmt == "frames":
            return json.dumps(
                {
                    "timestamp": int(
                        (time.monotonic() - self._t0) * 1000
                        if self.board_clock
                        else time.time() * 1000
                    ),
                    "personas": [
                        {
                            "posicion": "frente",
                            "distancia": "1.2m",
                            "expresion": "feliz",
                            "gesto": "saludo",
                        }
                    ],
                    "objetos": [],
                },
                separators=(",", ":"),
            )
        vals = self.values(i)
        if self.fmt == "arduino":
            return "\t".join(f"{n}:{v:.4f}" for n, v in zip(self.names(), vals, strict=True))
        if self.fmt == "json":
            return json.dumps({n: round(v, 4) for n, v in zip(self.names(), vals, strict=True)})
        sep = "\t" if self.fmt == "bare" else ","
        return sep.join(f"{v:.4f}" for v in vals)

    def text_for(self, first: int, n: int) -> bytes:
        out = []
        for i in range(first, first + n):
            if self.fmt in ("bare", "csv") and i % HEADER_EVERY == 0:
                out.append(self.header())
            out.append(self.line(i))
        return ("\r\n".join(out) + "\r\n").encode()

    # --- writer thread --------------------------------------------------------------------

    def _run(self) -> None:
        sent = 0
        base = 0.0
        backlog = b""  # bytes the pty had no room for yet: lines are never cut in the middle
        while not self._stop.is_set():
            time.sleep(0.002)
            with self._lock:
                fd = self.master
            if fd is None:
                backlog = b""
                continue
            self._read_commands(fd)
            if self._paused.is_set():
                base = time.monotonic() - self._t0 - sent / self.rate
                continue
            due = int((time.monotonic() - self._t0 - base) * self.rate) - sent
            if due <= 0 and not backlog:
                continue
            due = max(0, min(due, max(1, int(self.rate))))  # at most a second's worth at once
            data = backlog + self.text_for(sent, due)
            sent += due
            self.lines_written += due
            with self._lock:
                if self.master is None:
                    continue
                try:
                    n = os.write(self.master, data)
                except BlockingIOError:
                    n = 0
                except OSError:
                    continue
            self.bytes_written += n
            backlog = data[n:]
            if len(backlog) > BACKLOG_BYTES:  # nobody reads: drop whole lines, as a full
                cut = backlog.find(b"\n", len(backlog) - BACKLOG_BYTES)  # UART buffer would
                lost = backlog[: cut + 1].count(b"\n")
                self.dropped_lines += lost
                self.lines_written -= lost
                backlog = backlog[cut + 1 :]

    def _read_commands(self, fd: int) -> None:
        try:
            ready, _, _ = select.select([fd], [], [], 0)
            if not ready:
                return
            data = os.read(fd, 4096)
        except OSError:
            return
        self.received += data
        for cmd in bytes(self.received).replace(b"\r", b"\n").split(b"\n")[:-1]:
            if cmd:
                with contextlib.suppress(OSError):
                    os.write(fd, f"echo:{len(cmd)}\r\n".encode())
        tail = bytes(self.received).replace(b"\r", b"\n").rsplit(b"\n", 1)
        self.received = bytearray(tail[-1] if len(tail) > 1 else self.received)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--rate", type=float, default=1000.0, help="lines per second")
    ap.add_argument("--channels", type=int, default=8)
    ap.add_argument("--format", choices=FORMATS, default="arduino")
    ap.add_argument("--link", type=Path, help="also make this symlink to the pty")
    ap.add_argument("--bad-every", type=int, default=0, help="a malformed line every N lines")
    ap.add_argument("--seconds", type=float, help="stop after this long")
    args = ap.parse_args()
    board = FakeBoard(
        fmt=args.format,
        channels=args.channels,
        rate=args.rate,
        link=args.link,
        bad_every=args.bad_every,
    ).start()
    print(board.path, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait(args.seconds)
    board.stop()
    print(
        f"{board.lines_written} lines written, {board.dropped_lines} dropped (nobody reading)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
