"""Command line: ``intelivision-desktop [--headless] [--source URL] [--analyzer URL] …``.

Every bad command line ends with one line on stderr, ``intelivision-desktop: error: …`` naming
the option, and exit code 2: numbers are checked when parsed (finite, in range), URLs, files
and the port to serve on before anything starts.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import ssl
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlencode

from intelivision_desktop import __version__
from intelivision_desktop.app.settings import Options
from intelivision_desktop.app.wiring import CliError, build_session, url_problem
from intelivision_desktop.core.redact import redact
from intelivision_desktop.core.session import DEFAULT_HISTORY_S

log = logging.getLogger(__name__)

DEFAULT_SOURCE = "demo://"
DEFAULT_ANALYZER = "embedded://rules"


PROG = "intelivision-desktop"
WINDOW_SIZE = (1280, 800)
"""The size the interactive window opens at (ui.main_window)."""
RENDER_SIZE = (1440, 900)
"""The size --screenshot and --self-test render at unless --window-size is given (app.gui)."""
PLOT_HISTORY_S = Options().history_s
"""The plot span shown by default (the toolbar changes it, and the settings keep it)."""


def _fail(message: str) -> NoReturn:
    raise argparse.ArgumentTypeError(message)


def number(
    *,
    low: float | None = 0.0,
    high: float | None = None,
    low_inclusive: bool = False,
    integer: bool = False,
    unit: str = "",
) -> Callable[[str], float]:
    """An argparse ``type``: a finite number (a whole one with ``integer``) in
    ``[low, high]`` (``(low, high]`` unless ``low_inclusive``). NaN and infinities are
    refused; the message names the range."""
    u = f" {unit}" if unit else ""

    def parse(text: str) -> float:
        t = text.strip()
        try:
            value: float = int(t) if integer else float(t)
        except ValueError:
            _fail(f"expected {'a whole number' if integer else 'a number'}, not {text!r}")
        if not math.isfinite(value):
            _fail(f"expected a finite number, not {text!r}")
        if low is not None and (value < low or (value == low and not low_inclusive)):
            _fail(f"must be {'at least' if low_inclusive else 'more than'} {low:g}{u}, not {t}")
        if high is not None and value > high:
            _fail(f"must be at most {high:g}{u}, not {t}")
        return value

    parse.__name__ = "integer" if integer else "number"
    return parse


def window_size(text: str) -> tuple[int, int]:
    """``WxH`` → (w, h), each 200–10000."""
    try:
        w, h = (int(x) for x in text.lower().split("x"))
    except ValueError:
        _fail(f"expected WIDTHxHEIGHT, e.g. 1280x720, not {text!r}")
    if not (200 <= w <= 10000 and 200 <= h <= 10000):
        _fail(f"width and height must be 200 to 10000, not {text!r}")
    return w, h


def pem_file(text: str) -> Path:
    """An existing file of PEM certificates (checked by loading it)."""
    path = Path(text).expanduser()
    if not path.exists():
        _fail(f"{text}: no such file")
    if not path.is_file():
        _fail(f"{text}: not a file")
    try:
        ssl.create_default_context(cafile=str(path))
    except ssl.SSLError as exc:
        _fail(f"{text}: not a PEM certificate file ({exc.reason or exc})")
    except (OSError, ValueError) as exc:
        _fail(f"{text}: cannot read it ({getattr(exc, 'strerror', None) or exc})")
    return path


def http_url(text: str) -> str:
    """An ``http(s)://HOST[:PORT]`` URL with a host and a valid port."""
    problem = url_problem(text, ("http", "https"))
    if problem:
        _fail(problem)
    return text


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Help text wrapped at spaces only: a URL is never split at its hyphens."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        text = " ".join(text.split())
        return textwrap.wrap(text, width, break_on_hyphens=False, break_long_words=False)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (no usage block), exit code 2."""

    def error(self, message: str) -> NoReturn:
        line = " ".join(redact(message).split())
        self.exit(2, f"{self.prog}: error: {line} (see --help)\n")


def _size(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


EPILOG = f"""\
sources (--source URL):
  demo://                      the bundled recordings, looped; demo://SCENE for one
  replay://PATH?speed=2&loop=1 a recording, or a JSON Lines file of sensor-data frames
  fake://SCENE?seed=1&hz=5     a generated scene
  serial:///dev/ttyUSB0?baud=115200&format=auto
                               a sensor board on a serial port (serial://COM3 on
                               Windows); also socket://HOST:PORT and rfc2217://HOST:PORT
  serve://HOST:PORT?token=TOKEN
                               be the backend: camera devices connect to this app
                               (the same as --serve [HOST:]PORT)
  PATH                         a recording file, as replay://PATH

analyzers (--analyzer URL):
  embedded://rules             the backend's rules, offline (the default)
  embedded://bedrock-agent?agent_id=AGENT&alias_id=ALIAS
  embedded://bedrock-model?model_id=MODEL
                               Amazon Bedrock, credentials from the standard AWS chain
  http(s)://HOST:PORT          a deployed Socket.IO backend
  ws(s)://HOST/STAGE           a deployed API Gateway WebSocket backend

defaults:
  window                       {_size(WINDOW_SIZE)} ({_size(RENDER_SIZE)} when rendering offscreen:
                               --screenshot, --self-test; --window-size changes it)
  plots                        the last {PLOT_HISTORY_S:g} s (the toolbar changes it)
  memory                       {DEFAULT_HISTORY_S:g} s of data per device (--history)
  logs                         stderr, and one file per run in the platform log folder
                               ($INTELIVISION_LOG_DIR overrides it), at INFO unless
                               --log-level DEBUG or $INTELIVISION_LOG_LEVEL=DEBUG

examples:
  {PROG} --headless --source demo:// --duration 30
  {PROG} --source "replay://rec.jsonl?speed=2" --record copy.jsonl
  {PROG} --headless --source "serial:///dev/ttyUSB0?baud=115200"
  {PROG} --headless --serve 127.0.0.1:3001 --analyzer embedded://rules
  {PROG} --analyzer http://localhost:3001 --token "$INTELIVISION_TOKEN"
  {PROG} --analyzer wss://ID.execute-api.REGION.amazonaws.com/dev --ca-file ca.pem
"""


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog=PROG,
        description="Operator console for InteliVision: live plots and descriptions.",
        epilog=EPILOG,
        formatter_class=_Formatter,
    )
    p.add_argument(
        "--source",
        default=DEFAULT_SOURCE,
        metavar="URL",
        help="where frames come from: demo://, replay://PATH?speed=1&loop=0, "
        "fake://SCENE?seed=1, serial://PORT?baud=115200, serve://HOST:PORT, or a recording "
        "file (see below; default: %(default)s)",
    )
    p.add_argument(
        "--analyzer",
        default=DEFAULT_ANALYZER,
        metavar="URL",
        help="who describes: embedded://rules (offline rules); "
        "embedded://bedrock-agent?agent_id=…&alias_id=… "
        "[&region&profile&trace=1&timeout&connect_timeout&retries]; "
        "embedded://bedrock-model?[model_id&max_tokens&temperature]; http(s)://HOST:PORT "
        "(Socket.IO backend); ws(s)://HOST/STAGE (API Gateway backend) (default: %(default)s)",
    )
    p.add_argument(
        "--serve",
        metavar="[HOST:]PORT",
        nargs="?",
        const="127.0.0.1:3001",
        help="be the backend: camera devices connect to this app (Socket.IO at "
        "http://HOST:PORT, API Gateway style at ws://HOST:PORT/dev); loopback unless a HOST "
        "is given (default 127.0.0.1:3001). Devices always present a token; "
        "--serve-token none serves loopback without one",
    )
    p.add_argument(
        "--serve-token",
        metavar="TOKEN",
        default=os.environ.get("INTELIVISION_SERVE_TOKEN"),
        help="token devices must present (default: $INTELIVISION_SERVE_TOKEN, else generated "
        "and shown with the device URLs; 'none' on loopback only)",
    )
    p.add_argument(
        "--record",
        type=Path,
        metavar="PATH",
        help="record the session to this JSON Lines file (never overwritten)",
    )
    p.add_argument(
        "--export-csv",
        type=Path,
        metavar="OUT",
        help="write the channels of the --source recording (replay://PATH, demo://SCENE or a "
        "path) to OUT and its descriptions to OUT's .descriptions.csv, then exit",
    )
    p.add_argument(
        "--headless",
        action="store_true",
        help="no window: one JSON line per description on stdout, logs on stderr",
    )
    p.add_argument(
        "--duration",
        type=number(high=366 * 86400.0, unit="s"),
        metavar="SECONDS",
        help="stop after this many seconds (default: until the source ends / the window is closed)",
    )
    p.add_argument(
        "--screenshot",
        type=Path,
        metavar="PATH",
        help="render the window offscreen after --duration (default 5 s), save a PNG, and exit",
    )
    p.add_argument(
        "--window-size",
        type=window_size,
        metavar="WxH",
        help="window size in logical pixels for --screenshot and --self-test (default "
        f"{RENDER_SIZE[0]}x{RENDER_SIZE[1]}; the interactive window opens at "
        f"{WINDOW_SIZE[0]}x{WINDOW_SIZE[1]}); with QT_SCALE_FACTOR=1.5, 1280x720 is a 1080p "
        "screen at 150 %%",
    )
    p.add_argument(
        "--lang",
        choices=("es", "en"),
        default=None,
        help="language of the window: es (Spanish) or en (English); default: the settings "
        "file's, else the system's",
    )
    p.add_argument(
        "--self-test",
        action="store_true",
        help="push a short generated scene through the whole pipeline offscreen, "
        "print the outcome, exit 0 on success",
    )
    p.add_argument(
        "--history",
        type=number(low=1.0, low_inclusive=True, high=86400.0, unit="s"),
        default=DEFAULT_HISTORY_S,
        metavar="SECONDS",
        help="data kept in memory per device, 1 to 86400 (default: %(default)g; the plots "
        f"show the last {PLOT_HISTORY_S:g} s, changed in the toolbar)",
    )
    p.add_argument(
        "--window-ms",
        type=number(integer=True, high=3_600_000, unit="ms"),
        metavar="MS",
        help="aggregation window (default: $AGGREGATION_WINDOW_MS or 2000)",
    )
    p.add_argument(
        "--max-size",
        type=number(integer=True, high=100_000),
        metavar="N",
        help="frames kept per window (default: $MAX_AGGREGATION_SIZE or 50)",
    )
    b = p.add_argument_group("backend link (http(s):// and ws(s):// analyzers)")
    b.add_argument(
        "--protocol",
        choices=["auto", "socketio", "apigw"],
        default="auto",
        help="auto: http(s) → Socket.IO, ws(s) → API Gateway",
    )
    b.add_argument(
        "--token",
        metavar="TOKEN",
        default=os.environ.get("INTELIVISION_TOKEN"),
        help="auth token for the backend (default: $INTELIVISION_TOKEN)",
    )
    b.add_argument(
        "--token-in",
        choices=["query", "header"],
        default="query",
        help="send the token as ?token= (and Socket.IO auth) or as a Bearer header",
    )
    b.add_argument(
        "--insecure",
        action="store_true",
        help="do not verify the backend's TLS certificate (warned)",
    )
    b.add_argument(
        "--ca-file",
        type=pem_file,
        metavar="PEM",
        help="trust the CA certificates in this PEM file for the backend",
    )
    b.add_argument(
        "--no-failover",
        action="store_true",
        help="do not describe with the embedded rules while the backend is away",
    )
    b.add_argument(
        "--backoff-initial",
        type=number(high=3600.0, unit="s"),
        default=0.5,
        metavar="S",
        help="first wait before reconnecting (default: %(default)g)",
    )
    b.add_argument(
        "--backoff-cap",
        type=number(high=86400.0, unit="s"),
        default=30.0,
        metavar="S",
        help="longest wait between reconnect attempts, jitter included (default: %(default)g)",
    )
    b.add_argument(
        "--connect-timeout",
        type=number(high=3600.0, unit="s"),
        default=10.0,
        metavar="S",
        help="give up a connection attempt after this long (default: %(default)g)",
    )
    b.add_argument(
        "--keepalive",
        type=number(high=3600.0, unit="s"),
        default=240.0,
        metavar="S",
        help="API Gateway: application keep-alive after this much silence; its idle timeout "
        "is 600 s (default: %(default)g)",
    )
    p.add_argument(
        "--bedrock-endpoint-url",
        type=http_url,
        metavar="URL",
        help="send Bedrock calls to this endpoint instead of AWS's (emulators, VPC "
        "endpoints); credentials still come from the standard AWS chain",
    )
    p.add_argument(
        "--log-level",
        type=str.upper,
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="stderr's level, and the file's when DEBUG (default: $INTELIVISION_LOG_LEVEL or "
        "INFO; the file never goes below INFO unless DEBUG is asked for)",
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return p


def serve_url(spec: str, token: str | None) -> str:
    """``--serve [HOST:]PORT`` as a ``serve://`` source URL."""
    host, _, port = spec.strip().rpartition(":")
    host = host or "127.0.0.1"
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise CliError(f"--serve {spec!r}: expected [HOST:]PORT with a port from 1 to 65535")
    if not host.strip("[]") or any(c in host for c in "/?#@ "):
        raise CliError(f"--serve {spec!r}: expected [HOST:]PORT, e.g. 0.0.0.0:3001")
    query = f"?{urlencode({'token': token})}" if token else ""
    return f"serve://{host}:{port}{query}"


def error_line(message: str) -> str:
    """The one line a user error ends with (redacted, on one line)."""
    return f"{PROG}: error: {' '.join(redact(message).split())}\n"


def start_logging(args: argparse.Namespace) -> None:
    """Logging, once the command line has been found good (a typo leaves no log file)."""
    from intelivision_desktop.app.logs import setup_logging

    setup_logging(args.log_level)
    if args.insecure:
        log.warning("TLS verification is OFF for the backend link (--insecure)")


def main(argv: Sequence[str] | None = None) -> int:
    for name in ("stdout", "stderr"):  # a windowed Windows bundle has neither
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w"))  # noqa: SIM115 - lives as long as the app
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a parse error already printed
        return exc.code if isinstance(exc.code, int) else 2
    try:
        if args.export_csv is not None:
            from intelivision_desktop.core.export import ExportError
            from intelivision_desktop.io.export import export_source_csv

            try:
                channels, descriptions = export_source_csv(args.source, args.export_csv)
            except ExportError as exc:
                raise CliError(str(exc)) from None
            sys.stdout.write(f"{channels.path}\n{descriptions.path}\n")
            if channels.bad_lines:
                sys.stderr.write(
                    f"{PROG}: {channels.bad_lines} unreadable line(s) of the recording skipped\n"
                )
            return 0
        if args.serve is not None:
            token = args.serve_token
            if token is None and not (args.headless or args.self_test or args.screenshot):
                # the window's pairing token, kept between launches: phones pair once
                from intelivision_desktop.app import pairing

                token = pairing.load_or_create()
            args.source = serve_url(args.serve, token)
        if args.headless and (args.screenshot or args.self_test):
            raise CliError("--headless cannot be combined with --screenshot or --self-test")
        if args.headless:
            session = build_session(args)  # bad input is one clear line, before any log
            start_logging(args)
            from intelivision_desktop.app.headless import main_headless

            return main_headless(session, args.duration)
        # open the first source before any window exists, so bad input is one clear line
        first = None if args.self_test else build_session(args)
        start_logging(args)
        from intelivision_desktop.app.gui import main_gui

        return main_gui(args, first)
    except CliError as exc:
        sys.stderr.write(error_line(str(exc)))
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
