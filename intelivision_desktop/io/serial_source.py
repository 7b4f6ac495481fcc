"""Serial sensor devices: ``serial://PORT?baud=115200&format=auto&dtr=0&rts=0``.

Also pyserial's URL forms through the same source: ``socket://host:port``,
``rfc2217://host:port``, ``loop://`` (with the same options).

One reader thread per source owns the port: it opens it, reads, splits and parses lines
(:mod:`intelivision_desktop.core.lines`), writes queued outgoing lines, and hands the results
to the loop in batches (at most every :data:`FLUSH_S`) with ``loop.call_soon_threadsafe``. The
loop thread only calls the sink: ``push_samples`` for numeric channels, ``push_frames`` for
JSON sensor frames, ``problem`` for what was dropped, ``set_state`` for the link state.

Arrival times come from ``time.monotonic()`` taken right after each read, mapped to wall time
once at start; the lines of one read are spread over the time those bytes took to arrive.

Unplugging a device moves the source to ``retrying``; it rescans about once a second and
resumes on the same device, matched by USB serial number (or USB ids) when its port name
changes. The session, its recording and its channel store carry on across the gap.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import queue
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import serial
from serial.tools import list_ports as pyserial_list_ports

from intelivision_desktop.core.channels import FloatArray
from intelivision_desktop.core.lines import (
    MAX_CHANNELS,
    MAX_LINE_BYTES,
    LineParser,
    LineSplitter,
    ParsedLines,
)
from intelivision_desktop.core.model import Frame, LinkState
from intelivision_desktop.core.ports import SourceSink
from intelivision_desktop.core.serial_settings import (
    EOLS,
    MonitorLine,
    PortInfo,
    SerialConfig,
    parse_serial_url,
)

log = logging.getLogger(__name__)

READ_SIZE = 64 * 1024
READ_TIMEOUT_S = 0.02
"""A read returns after this long (or 64 KB); it also bounds the latency of a send."""
WRITE_TIMEOUT_S = 1.0
FLUSH_S = 0.02
"""Batches go to the loop at most this often (50 Hz)."""
MAX_INFLIGHT = 8
"""Batches handed to the loop and not yet delivered; beyond this the thread batches more."""
MAX_PENDING_LINES = 500_000
"""Lines held while the loop is busy; beyond this the oldest are dropped and counted."""
QUIET_S = 0.1
"""Silence after opening that makes the first line whole (else it is a partial line)."""
RETRY_S = 1.0
"""Rescan / reopen period while a device is away."""
RATE_WINDOW_S = 0.5
"""Samples are held this long at the start to measure the rate that sizes the history."""
RATE_WAIT_MAX_S = 1.0
MIN_RATE_HZ, MAX_RATE_HZ = 10.0, 5000.0
"""Bounds of the rate used to size a device's history (memory = history × rate × channels)."""
MAX_SEND_BYTES = 4096
MONITOR_LINES = 1000
"""Raw lines kept for the serial monitor (the newest)."""
MONITOR_PER_BATCH = 64
"""At most this many lines of one batch go to the monitor (the newest): classifying a line
for it costs a second parse, which must stay small beside the real one at 5,000 lines/s."""


class SerialSourceError(Exception):
    """The port cannot be used at all (not a passing condition such as an unplugged device)."""


# --- ports --------------------------------------------------------------------------------


def list_ports() -> list[PortInfo]:
    """The serial ports present now, with description and USB ids (pyserial ``comports``)."""
    out = []
    for p in pyserial_list_ports.comports():
        out.append(
            PortInfo(
                device=str(p.device),
                description=str(p.description or ""),
                hwid=str(p.hwid or ""),
                vid=p.vid,
                pid=p.pid,
                serial_number=p.serial_number,
                manufacturer=p.manufacturer,
                product=p.product,
                location=p.location,
            )
        )
    return sorted(out, key=lambda p: p.device)


def serial_source_from_url(url: str) -> SerialSource:
    """Build the source a ``serial://`` (or pyserial) URL names; ValueError says what is wrong."""
    return SerialSource(parse_serial_url(url), url=url.strip())


def spread_times(t_prev: float, t_now: float, n: int, min_span: float) -> FloatArray:
    """Times for ``n`` lines completed by one read at ``t_now`` (the previous read: ``t_prev``).

    They are spread evenly over ``min(t_now - t_prev, min_span)`` ending at ``t_now`` (the
    bytes took at least ``min_span`` on the wire); the last line gets ``t_now``.
    """
    span = max(0.0, min(t_now - t_prev, min_span))
    if n <= 1 or span == 0.0:
        return np.full(n, t_now)
    return t_now - span * (np.arange(n - 1, -1, -1, dtype=np.float64) / n)


# --- the source ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Batch:
    """What the reader thread hands to the loop in one call."""

    t_ms: FloatArray | None = None
    columns: Mapping[str, FloatArray] | None = None
    rate_hz: float = 0.0
    frames: tuple[Frame, ...] = ()
    problems: tuple[tuple[str, str, int], ...] = ()
    state: tuple[LinkState, str] | None = None
    stats: Counter[str] | None = None


class SerialSource:
    """Reads one serial device (or pyserial URL) and feeds a Session."""

    live = True

    def __init__(
        self,
        config: SerialConfig,
        *,
        url: str | None = None,
        scan: Callable[[], list[PortInfo]] = list_ports,
        retry_s: float = RETRY_S,
        discard_first_line: bool = True,
    ) -> None:
        self.config = config
        self.url = url or config.to_url()
        self.device_id = config.device_id
        self.frame_device = config.device_id + "/frames"
        """JSON sensor frames go to their own device id, so camera channels at 5 Hz never
        interleave with raw channels at line rate in one channel store."""
        self._scan = scan
        self._retry_s = retry_s
        self._discard_first = discard_first_line
        self._eol = EOLS[config.eol]
        self.stats: Counter[str] = Counter()
        """Counted on the loop thread: bytes, lines, rows, frames, bad_lines, bad_fields,
        capped_fields, partial, overlong, dropped_lines, reconnects, sent, send_failed."""
        self.state: LinkState = LinkState.IDLE
        self.state_detail = ""
        self.current_port: str | None = None
        """The port open now (may differ from the configured one after a replug)."""
        self.identity: PortInfo | None = None
        """The USB device first opened (matched again after a replug)."""
        self.parser = LineParser(config.format, frame_device=self.frame_device)
        self.channel_cap = MAX_CHANNELS
        self.line_cap = MAX_LINE_BYTES
        """Longest line kept (bytes); a longer one is cut and counted. Read on connecting."""
        self.rate_hz: float | None = config.rate_hz
        self._outbox: queue.SimpleQueue[bytes | tuple[bool, bool]] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._sink: SourceSink | None = None
        self._serial: Any = None
        self._inflight = 0
        self._lock = threading.Lock()
        self._clock = (time.monotonic(), time.time() * 1000.0)
        self._monitor: deque[MonitorLine] = deque(maxlen=MONITOR_LINES)
        self._monitor_seq = 0
        self._monitor_lock = threading.Lock()
        self._monitor_parser = LineParser(config.format, frame_device=self.frame_device)

    # --- public API -----------------------------------------------------------------------

    # --- core.ports.LineDevice ----------------------------------------------------------------

    @property
    def board(self) -> tuple[str, str]:
        ident = self.identity
        product = (ident.product or ident.description or "") if ident is not None else ""
        return product, self.current_port or self.config.port

    @property
    def device_ids(self) -> tuple[str, ...]:
        return (self.device_id, self.frame_device)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def send_line(self, text: str, eol: str | None = None) -> None:
        """Queue ``text`` plus a line ending (``eol``: lf, crlf, cr, none; default the URL's)
        for the device. Never blocks.

        A line sent while the device is away is dropped and counted (``send_failed``).
        Raises ValueError for a line over 4 KB, one containing a line break, or a bad ``eol``.
        """
        if "\n" in text or "\r" in text:
            raise ValueError("send one line at a time (no line breaks inside)")
        if eol is not None and eol not in EOLS:
            raise ValueError(f"eol must be one of {', '.join(EOLS)}")
        data = text.encode("utf-8") + (self._eol if eol is None else EOLS[eol])
        if len(data) > MAX_SEND_BYTES:
            raise ValueError(f"line longer than {MAX_SEND_BYTES} bytes")
        self._outbox.put(data)
        self._wake()

    def set_control_lines(self, dtr: bool, rts: bool) -> None:
        """Set DTR and RTS now (e.g. pulse DTR to reset a board); applied by the reader."""
        self._outbox.put((bool(dtr), bool(rts)))
        self._wake()

    def monitor_since(self, seq: int) -> tuple[int, list[MonitorLine]]:
        """The raw lines received after ``seq`` (a value this returned before; 0 at first),
        at most :data:`MONITOR_LINES`, and the sequence number to ask with next time.
        Safe to call from the loop thread while the reader runs (the monitor polls it)."""
        with self._monitor_lock:
            new = self._monitor_seq - max(0, seq)
            if new <= 0:
                return self._monitor_seq, []
            items = list(self._monitor)
            return self._monitor_seq, items[-min(new, len(items)) :]

    def _monitor_add(self, lines: list[bytes], times_ms: FloatArray) -> None:
        """Reader thread: classify the newest lines of a batch and keep them for the monitor."""
        n = min(len(lines), MONITOR_PER_BATCH)
        out: list[MonitorLine] = []
        parser = self._monitor_parser
        for line, t in zip(lines[-n:], times_ms[-n:], strict=True):
            if not line.strip():
                continue
            r = parser.parse([line], [float(t)])
            if r.n_rows and (r.bad_fields or r.capped_fields):
                why = r.field_errors[0] if r.field_errors else "channel cap reached"
                out.append(MonitorLine(float(t), line, "partial", f"fields dropped: {why}"))
            elif r.n_rows:
                out.append(MonitorLine(float(t), line, "values"))
            elif r.frames:
                out.append(MonitorLine(float(t), line, "frame"))
            elif r.headers:
                out.append(MonitorLine(float(t), line, "labels"))
            else:
                why = r.errors[0] if r.errors else "nothing could be read from it"
                out.append(MonitorLine(float(t), line, "bad", why))
        with self._monitor_lock:
            self._monitor.extend(out)
            self._monitor_seq += len(out)

    def wall_ms(self, mono: FloatArray) -> FloatArray:
        """Epoch ms of ``time.monotonic()`` readings: the mapping is fixed when the source
        starts, so arrival times never jump when the wall clock is adjusted."""
        m0, w0 = self._clock
        return w0 + (mono - m0) * 1000.0

    async def run(self, sink: SourceSink) -> None:
        """Read until cancelled; raises :class:`SerialSourceError` if the port is unusable."""
        if self._thread is not None:
            raise RuntimeError("a SerialSource runs once")
        loop = asyncio.get_running_loop()
        self._loop = loop
        self._sink = sink
        self._clock = (time.monotonic(), time.time() * 1000.0)
        done: asyncio.Future[None] = loop.create_future()
        exited = asyncio.Event()
        thread = threading.Thread(
            target=self._thread_main,
            args=(done, exited),
            name=f"serial-reader {self.config.port}",
            daemon=True,
        )
        self._thread = thread
        thread.start()
        try:
            await done
        finally:
            self._stop.set()
            self._wake()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(exited.wait(), 3.0)
            thread.join(0.1)
            if thread.is_alive():
                log.warning("serial reader for %s did not stop within 3 s", self.config.port)
            self._sink = None

    # --- loop side ------------------------------------------------------------------------

    def _post(self, batch: _Batch) -> bool:
        loop = self._loop
        if loop is None:
            return False
        with self._lock:
            self._inflight += 1
        try:
            loop.call_soon_threadsafe(self._deliver, batch)
        except RuntimeError:  # the loop is closed: nobody to deliver to
            self._stop.set()
            return False
        return True

    def _deliver(self, batch: _Batch) -> None:
        with self._lock:
            self._inflight -= 1
        sink = self._sink
        if sink is None:
            return
        if batch.stats:
            self.stats.update(batch.stats)
        if batch.state is not None:
            self.state, self.state_detail = batch.state
            sink.set_state("source", batch.state[0], batch.state[1])
        if batch.t_ms is not None and batch.columns is not None and len(batch.t_ms):
            sink.push_samples(self.device_id, batch.t_ms, batch.columns, batch.rate_hz)
        if batch.frames:
            sink.push_frames(batch.frames)
        for kind, message, count in batch.problems:
            sink.problem("source", kind, message, count)

    # --- reader thread --------------------------------------------------------------------

    def _wake(self) -> None:
        ser = self._serial
        if ser is not None and hasattr(ser, "cancel_read"):
            with contextlib.suppress(Exception):  # the port may be closing under us
                ser.cancel_read()

    def _thread_main(self, done: asyncio.Future[None], exited: asyncio.Event) -> None:
        error: BaseException | None = None
        try:
            self._reader()
        except SerialSourceError as exc:
            error = exc
        except Exception as exc:  # a bug: say so in the source state rather than hang
            log.exception("serial reader failed")
            error = exc

        def finish() -> None:
            exited.set()
            if not done.done():
                if error is None:
                    done.set_result(None)
                else:
                    done.set_exception(error)

        loop = self._loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(finish)

    def _state(self, state: LinkState, detail: str) -> None:
        self._post(_Batch(state=(state, detail)))

    def _open(self, port: str) -> Any:
        cfg = self.config
        kwargs: dict[str, Any] = {
            "baudrate": cfg.baud,
            "timeout": READ_TIMEOUT_S,
            "write_timeout": WRITE_TIMEOUT_S,
            "do_not_open": True,
        }
        if "://" not in port and os.name == "posix":
            kwargs["exclusive"] = True
        ser = serial.serial_for_url(port, **kwargs)
        ser.dtr = cfg.dtr  # set before opening: pyserial applies them as it opens the port
        ser.rts = cfg.rts
        ser.open()
        return ser

    def _find_port(self) -> str:
        """Where the device is now: the configured port, or where its USB identity moved."""
        cfg = self.config
        if cfg.is_url:
            return cfg.port
        ident = self.identity
        if ident is None:
            return cfg.port
        try:
            ports = self._scan()
        except Exception:  # a listing failure must not end the retry loop
            log.exception("listing serial ports failed")
            return cfg.port
        same = [p for p in ports if ident.same_device(p)]
        if not same and ident.serial_number is None:
            same = [p for p in ports if (p.vid, p.pid) == (ident.vid, ident.pid)]
            if len(same) != 1:
                same = []
        for p in same:
            if p.device in (cfg.port, self.current_port):
                return p.device
        return same[0].device if same else cfg.port

    def _learn_identity(self, port: str) -> None:
        if self.identity is not None or self.config.is_url:
            return
        try:
            real = os.path.realpath(port)
            for p in self._scan():
                if p.device == port or os.path.realpath(p.device) == real:
                    if p.vid is not None:
                        self.identity = p
                    return
        except Exception:
            log.exception("listing serial ports failed")

    def _reader(self) -> None:
        cfg = self.config
        attempts = 0
        was_live = False
        while not self._stop.is_set():
            port = self._find_port()
            try:
                ser = self._open(port)
            except (serial.SerialException, OSError, ValueError) as exc:
                code = getattr(exc, "errno", None)
                if code in (errno.EACCES, errno.EPERM):
                    raise SerialSourceError(
                        f"{port}: permission denied (on Linux, add your user to the "
                        "'dialout' group and log in again)"
                    ) from None
                if isinstance(exc, ValueError):
                    raise SerialSourceError(f"{port}: {exc}") from None
                attempts += 1
                reason = _reason(exc)
                what = "device away" if was_live else "waiting for the device"
                self._state(
                    LinkState.RETRYING,
                    f"{cfg.port}: {what} ({reason}); retrying every {self._retry_s:g} s",
                )
                self._drain_outbox(None)
                self._stop.wait(self._retry_s)
                continue
            self._serial = ser
            self.current_port = port
            if was_live:
                self._post(_Batch(stats=Counter(reconnects=1)))
            was_live = True
            self._learn_identity(port)
            moved = f" (moved from {cfg.port})" if port != cfg.port else ""
            self._state(
                LinkState.LIVE,
                f"{port}{moved} at {cfg.baud} baud, format {cfg.format.value}",
            )
            try:
                self._read_loop(ser)
            except (serial.SerialException, OSError) as exc:
                if not self._stop.is_set():
                    self._state(
                        LinkState.RETRYING,
                        f"{port}: disconnected ({_reason(exc)}); rescanning every "
                        f"{self._retry_s:g} s",
                    )
            finally:
                self._serial = None
                with contextlib.suppress(Exception):
                    ser.close()
            if not self._stop.is_set():
                self._stop.wait(min(self._retry_s, 0.2))

    def _drain_outbox(self, ser: Any) -> None:
        sent = failed = 0
        message = ""
        while True:
            try:
                item = self._outbox.get_nowait()
            except queue.Empty:
                break
            if ser is None:
                failed += 1
                message = "not connected; line not sent"
                continue
            try:
                if isinstance(item, tuple):
                    ser.dtr, ser.rts = item
                else:
                    ser.write(item)
                    sent += 1
            except (serial.SerialException, OSError, ValueError) as exc:
                failed += 1
                message = f"send failed: {_reason(exc)}"
        if sent or failed:
            problems = (("send_failed", message, failed),) if failed else ()
            self._post(_Batch(stats=Counter(sent=sent, send_failed=failed), problems=problems))

    def _read_loop(self, ser: Any) -> None:
        reader = _Reader(self, discard_first=self._discard_first)
        last_flush = opened = time.monotonic()
        silent = True
        try:
            while not self._stop.is_set():
                self._drain_outbox(ser)
                t_read = time.monotonic()
                data = ser.read(READ_SIZE)
                t_now = time.monotonic()
                if data and silent:
                    silent = False
                    if t_read - opened >= QUIET_S:
                        # the device was silent since we opened: its first line is whole
                        # (a board that resets on open and prints its header, say)
                        reader.splitter.reset(discard_first=False)
                reader.feed(data, t_now)
                if t_now - last_flush < FLUSH_S:
                    continue
                if self._inflight >= MAX_INFLIGHT and not reader.overfull:
                    continue  # the loop is busy: let the batch grow
                last_flush = t_now
                self._post(reader.flush(t_now, final=False))
        finally:
            self._post(reader.flush(time.monotonic(), final=True))  # keep what arrived


class _Reader:
    """The reader thread's working state for one connection: split, time, parse, batch."""

    def __init__(self, source: SerialSource, *, discard_first: bool) -> None:
        self.source = source
        self.cfg = source.config
        self.splitter = LineSplitter(source.line_cap, discard_first=discard_first)
        self.byte_s = 10.0 / self.cfg.baud  # start + 8 data + stop bits
        self.lines: list[bytes] = []
        self.times: list[FloatArray] = []
        self.held_t: list[FloatArray] = []
        self.held_cols: list[Mapping[str, FloatArray]] = []
        self.held_since: float | None = None
        self.t_prev = time.monotonic()
        self.nbytes = 0
        self.dropped = 0
        self.reported_partial = 0
        self.reported_overlong = 0

    @property
    def overfull(self) -> bool:
        return len(self.lines) >= MAX_PENDING_LINES

    def feed(self, data: bytes, t_now: float) -> None:
        if not data:
            return
        self.nbytes += len(data)
        lines = self.splitter.feed(data)
        if lines:
            times = spread_times(self.t_prev, t_now, len(lines), len(data) * self.byte_s)
            self.lines += lines
            self.times.append(self.source.wall_ms(times))
        self.t_prev = t_now
        if len(self.lines) > MAX_PENDING_LINES:  # the loop is far behind: drop the oldest
            cut = len(self.lines) - MAX_PENDING_LINES
            self.dropped += cut
            del self.lines[:cut]
            self.times = [np.concatenate(self.times)[cut:]]

    def flush(self, t_now: float, *, final: bool) -> _Batch:
        src, cfg = self.source, self.cfg
        problems: list[tuple[str, str, int]] = []
        stats: Counter[str] = Counter(bytes=self.nbytes)
        self.nbytes = 0
        batch = _Batch(stats=stats)
        if self.lines:
            times_ms = np.concatenate(self.times)
            parsed = src.parser.parse(self.lines, times_ms)
            src._monitor_add(self.lines, times_ms)
            stats["lines"] += len(self.lines)
            self.lines, self.times = [], []
            problems += _problems(parsed, src.parser.capped_names, cfg.port)
            stats.update(
                rows=parsed.n_rows,
                frames=len(parsed.frames),
                bad_lines=parsed.bad_lines,
                bad_fields=parsed.bad_fields,
                capped_fields=parsed.capped_fields,
                headers=parsed.headers,
            )
            batch.frames = parsed.frames
            if parsed.n_rows:
                self.held_t.append(times_ms[parsed.rows])
                self.held_cols.append(parsed.columns)
                if self.held_since is None:
                    self.held_since = t_now
        sp = self.splitter
        if sp.partial > self.reported_partial:
            n, self.reported_partial = sp.partial - self.reported_partial, sp.partial
            stats["partial"] += n
            problems.append(("partial_line", "discarded the partial line read on connecting", n))
        if sp.overlong > self.reported_overlong:
            n, self.reported_overlong = sp.overlong - self.reported_overlong, sp.overlong
            stats["overlong"] += n
            problems.append(
                ("malformed", f"{n} line(s) longer than {_size(sp.max_line_bytes)} cut", n)
            )
        if self.dropped:
            stats["dropped_lines"] += self.dropped
            problems.append(
                (
                    "overrun",
                    f"{self.dropped} line(s) dropped: the app could not keep up",
                    self.dropped,
                )
            )
            self.dropped = 0
        if self.held_t and self.held_since is not None:
            rate = src.rate_hz
            if rate is None:
                span_ms = float(self.held_t[-1][-1] - self.held_t[0][0])
                if (
                    final
                    or span_ms >= RATE_WINDOW_S * 1000.0
                    or t_now - self.held_since >= RATE_WAIT_MAX_S
                ):
                    # leave out the first batch: it may hold what queued up before we opened
                    use = self.held_t[1:] if len(self.held_t) > 2 else self.held_t
                    rows = sum(len(t) for t in use)
                    use_ms = float(use[-1][-1] - use[0][0])
                    rate = src.rate_hz = _rate_for(rows, use_ms)
                    if rate == MAX_RATE_HZ and rows * 1000.0 / max(use_ms, 1.0) > rate:
                        problems.append(
                            (
                                "history",
                                f"{cfg.device_id}: lines arrive faster than {MAX_RATE_HZ:g}/s; "
                                "the history holds less time than asked",
                                1,
                            )
                        )
            if rate is not None:
                batch.t_ms, batch.columns = _merge(self.held_t, self.held_cols)
                batch.rate_hz = rate
                self.held_t, self.held_cols, self.held_since = [], [], None
        batch.problems = tuple(problems)
        return batch


def _rate_for(rows: int, span_ms: float) -> float:
    measured = (rows - 1) * 1000.0 / span_ms if rows > 1 and span_ms > 0 else MIN_RATE_HZ
    return float(min(MAX_RATE_HZ, max(MIN_RATE_HZ, 1.25 * measured)))


def _merge(
    times: list[FloatArray], cols: list[Mapping[str, FloatArray]]
) -> tuple[FloatArray, dict[str, FloatArray]]:
    if len(times) == 1:
        return times[0], dict(cols[0])
    t = np.concatenate(times)
    names: dict[str, None] = {}
    for c in cols:
        names.update(dict.fromkeys(c))
    out: dict[str, FloatArray] = {}
    for name in names:
        parts = [c.get(name) for c in cols]
        out[name] = np.concatenate(
            [
                p if p is not None else np.full(len(tt), np.nan)
                for p, tt in zip(parts, times, strict=True)
            ]
        )
    return t, out


def _size(n: int) -> str:
    return f"{n // 1024} KB" if n % 1024 == 0 else f"{n} bytes"


def _problems(
    parsed: ParsedLines, capped_names: list[str], port: str
) -> list[tuple[str, str, int]]:
    out: list[tuple[str, str, int]] = []
    if parsed.bad_lines:
        eg = f", e.g. {parsed.errors[0]}" if parsed.errors else ""
        out.append(
            ("malformed", f"{port}: {parsed.bad_lines} unreadable line(s){eg}", parsed.bad_lines)
        )
    if parsed.bad_fields:
        eg = f", e.g. {parsed.field_errors[0]}" if parsed.field_errors else ""
        out.append(
            (
                "bad_field",
                f"{port}: {parsed.bad_fields} bad field(s) dropped{eg}",
                parsed.bad_fields,
            )
        )
    if parsed.capped_fields:
        names = ", ".join(capped_names[:5]) + ("…" if len(capped_names) > 5 else "")
        out.append(
            (
                "channel_cap",
                f"{port}: channel cap of {MAX_CHANNELS} reached; not plotted: {names}",
                parsed.capped_fields,
            )
        )
    return out


def _reason(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "…"
