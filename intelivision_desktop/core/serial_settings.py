"""Serial devices' settings, pure: the ``serial://`` URL grammar, a port as listed, a raw line.

:mod:`intelivision_desktop.io.serial_source` opens the port; the GUI's serial panel builds
and checks URLs with what is here, without loading pyserial.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from intelivision_desktop.core import urlopts
from intelivision_desktop.core.lines import LineFormat, parse_format

DEFAULT_BAUD = 115200
MIN_BAUD, MAX_BAUD = 50, 12_000_000
EOLS = {"lf": b"\n", "crlf": b"\r\n", "cr": b"\r", "none": b""}
URL_OPTIONS = {"baud", "format", "dtr", "rts", "eol", "device", "rate"}
PYSERIAL_OPTIONS = {"logging", "timeout", "poll_modem", "ign_set_control"}
"""Options passed through to pyserial's ``socket://`` and ``rfc2217://`` handlers."""
PYSERIAL_SCHEMES = ("socket", "rfc2217", "loop")


# --- ports --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PortInfo:
    """A serial port as the operating system lists it."""

    device: str
    """What to open: ``/dev/ttyACM0``, ``COM3``."""
    description: str = ""
    hwid: str = ""
    vid: int | None = None
    pid: int | None = None
    serial_number: str | None = None
    manufacturer: str | None = None
    product: str | None = None
    location: str | None = None
    """USB bus path (stable for one physical socket)."""

    @property
    def usb_ids(self) -> str:
        """``VID:PID`` in hex (``2341:0043``), or empty for a non-USB port."""
        if self.vid is None or self.pid is None:
            return ""
        return f"{self.vid:04X}:{self.pid:04X}"

    @property
    def label(self) -> str:
        """One line for a port picker: ``/dev/ttyACM0 — Arduino Uno [2341:0043 SN 8573…]``."""
        text = self.device
        if self.description and self.description not in ("n/a", os.path.basename(self.device)):
            text += f" — {self.description}"
        ids = self.usb_ids
        if self.serial_number:
            ids = f"{ids} SN {self.serial_number}".strip()
        return f"{text} [{ids}]" if ids else text

    def same_device(self, other: PortInfo) -> bool:
        """True when ``other`` is this USB device (by serial number, else by ids and socket)."""
        if self.vid is None or (self.vid, self.pid) != (other.vid, other.pid):
            return False
        if self.serial_number:
            return self.serial_number == other.serial_number
        return self.location is not None and self.location == other.location


# --- URLs ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SerialConfig:
    """Everything a ``serial://`` URL says."""

    port: str
    """A device path (``/dev/ttyUSB0``, ``COM3``) or a pyserial URL (``socket://h:p``)."""
    baud: int = DEFAULT_BAUD
    format: LineFormat = LineFormat.AUTO
    dtr: bool = False
    """Assert DTR when opening (many boards reset when DTR goes high)."""
    rts: bool = False
    eol: str = "lf"
    """Line ending added to sent lines: lf, crlf, cr or none."""
    device_id: str = "serial"
    rate_hz: float | None = None
    """Expected line rate for sizing the history; None measures it."""

    @property
    def is_url(self) -> bool:
        return "://" in self.port

    def to_url(self) -> str:
        """The canonical ``serial://`` URL (pyserial URL forms keep their scheme)."""
        q = f"baud={self.baud}&format={self.format.value}&dtr={int(self.dtr)}&rts={int(self.rts)}"
        if self.eol != "lf":
            q += f"&eol={self.eol}"
        if self.rate_hz is not None:
            q += f"&rate={self.rate_hz:g}"
        if self.is_url:
            base, sep, extra = self.port.partition("?")
            return f"{base}?{q}" + (f"&{extra}" if sep and extra else "")
        return f"serial://{self.port}?{q}"


def parse_serial_url(url: str) -> SerialConfig:
    """Read a source URL. Raises ValueError with a message that says what to write instead."""
    text = url.strip()
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme != "serial" and scheme not in PYSERIAL_SCHEMES:
        raise ValueError(
            f"{text!r:.80}: not a serial URL; use serial://PORT, socket://HOST:PORT, "
            "rfc2217://HOST:PORT or loop://"
        )
    pass_through = scheme in ("socket", "rfc2217")
    opts = urlopts.options(
        parts.query, URL_OPTIONS | (PYSERIAL_OPTIONS if pass_through else set()), text
    )
    passthrough = {k: v for k, v in opts.items() if k not in URL_OPTIONS}
    if scheme == "serial":
        port = unquote(parts.netloc + parts.path)
        if not port.strip("/"):
            raise ValueError(
                f"{text}: no port; write serial:///dev/ttyUSB0, serial://ttyACM0 or serial://COM3"
            )
        if os.name == "posix" and "/" not in port:
            port = "/dev/" + port
        head, base = os.path.split(port.rstrip("/"))
        if base.isdigit():  # /dev/pts/3 → pts3
            base = os.path.basename(head) + base
        default_device = base or "serial"
    elif scheme in PYSERIAL_SCHEMES:
        if scheme != "loop" and not parts.netloc:
            raise ValueError(f"{text}: write {scheme}://HOST:PORT")
        extra = "&".join(k if v == "" else f"{k}={v}" for k, v in passthrough.items())
        port = f"{scheme}://{parts.netloc}" + (f"?{extra}" if extra else "")
        default_device = parts.netloc or scheme
    else:
        raise ValueError(
            f"{text!r:.80}: not a serial URL; use serial://PORT, socket://HOST:PORT, "
            "rfc2217://HOST:PORT or loop://"
        )
    try:
        baud = int(opts.get("baud", str(DEFAULT_BAUD)))
    except ValueError:
        raise ValueError(f"{text}: baud must be a whole number such as 115200") from None
    if not MIN_BAUD <= baud <= MAX_BAUD:
        raise ValueError(f"{text}: baud must be between {MIN_BAUD} and {MAX_BAUD}")
    try:
        fmt = parse_format(opts.get("format", "auto"))
    except ValueError as exc:
        raise ValueError(f"{text}: {exc}") from None
    eol = opts.get("eol", "lf").strip().lower()
    if eol not in EOLS:
        raise ValueError(f"{text}: eol must be one of {', '.join(EOLS)}")
    device = opts.get("device", default_device).strip()
    if not device or len(device) > 64:
        raise ValueError(f"{text}: device must be a name of 1 to 64 characters")
    rate: float | None = None
    if "rate" in opts:
        try:
            rate = float(opts["rate"])
        except ValueError:
            raise ValueError(f"{text}: rate must be a number of lines per second") from None
        if not 0.1 <= rate <= 100_000:
            raise ValueError(f"{text}: rate must be between 0.1 and 100000 lines/s")
    return SerialConfig(
        port=port,
        baud=baud,
        format=fmt,
        dtr=urlopts.flag(opts.get("dtr"), "dtr"),
        rts=urlopts.flag(opts.get("rts"), "rts"),
        eol=eol,
        device_id=device,
        rate_hz=rate,
    )


# --- the serial monitor ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MonitorLine:
    """A raw line as received, for the serial monitor."""

    t_ms: float
    """Arrival, epoch ms."""
    line: bytes
    kind: str
    """``values`` (a row of numbers), ``frame`` (a JSON sensor frame), ``labels`` (a header
    line), ``partial`` (read, with some fields dropped) or ``bad`` (nothing read from it)."""
    reason: str = ""
    """Why a line is ``partial`` or ``bad``."""

    @property
    def ok(self) -> bool:
        return self.kind in ("values", "frame", "labels")
