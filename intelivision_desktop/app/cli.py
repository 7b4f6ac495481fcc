"""Command line: ``intelivision-desktop [--headless] [--source URL] [--analyzer URL] …``."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from intelivision_desktop import __version__
from intelivision_desktop.core.analysis import AnalysisConfig
from intelivision_desktop.core.backoff import BackoffPolicy
from intelivision_desktop.core.session import Session
from intelivision_desktop.io.recorder import JsonlRecorder
from intelivision_desktop.io.registry import UrlError, open_analyzer, open_source

log = logging.getLogger(__name__)

DEFAULT_SOURCE = "demo://"
DEFAULT_ANALYZER = "embedded://rules"


class CliError(Exception):
    """A user error: printed as one line, exit code 2."""


def window_size(text: str) -> tuple[int, int]:
    """``WxH`` → (w, h), each 200–10000."""
    try:
        w, h = (int(x) for x in text.lower().split("x"))
    except ValueError:
        msg = f"expected WIDTHxHEIGHT, e.g. 1280x720: {text!r}"
        raise argparse.ArgumentTypeError(msg) from None
    if not (200 <= w <= 10000 and 200 <= h <= 10000):
        raise argparse.ArgumentTypeError(f"window size out of range (200–10000): {text!r}")
    return w, h


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="intelivision-desktop",
        description="Operator console for InteliVision: live plots and descriptions.",
    )
    p.add_argument(
        "--source",
        default=DEFAULT_SOURCE,
        metavar="URL",
        help="demo://, replay://PATH?speed=1&loop=0, fake://SCENE?seed=1, or a "
        "recording file (default: %(default)s)",
    )
    p.add_argument(
        "--analyzer",
        default=DEFAULT_ANALYZER,
        metavar="URL",
        help="embedded://rules (offline rules); embedded://bedrock-agent?agent_id=…&alias_id=…"
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
        "is given, and then a token is required (default 127.0.0.1:3001)",
    )
    p.add_argument(
        "--serve-token",
        metavar="TOKEN",
        default=os.environ.get("INTELIVISION_SERVE_TOKEN"),
        help="token devices must present (generated and logged when serving beyond loopback "
        "without one; default: $INTELIVISION_SERVE_TOKEN)",
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
        type=float,
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
        help="window size in logical pixels for --screenshot and --self-test (default 1440x900; "
        "with QT_SCALE_FACTOR=1.5, 1280x720 is a 1080p screen at 150 %%)",
    )
    p.add_argument(
        "--self-test",
        action="store_true",
        help="push a short generated scene through the whole pipeline offscreen, "
        "print the outcome, exit 0 on success",
    )
    p.add_argument(
        "--history",
        type=float,
        default=600.0,
        metavar="SECONDS",
        help="plot history kept in memory (default: %(default)s)",
    )
    p.add_argument(
        "--window-ms",
        type=int,
        metavar="MS",
        help="aggregation window (default: $AGGREGATION_WINDOW_MS or 2000)",
    )
    p.add_argument(
        "--max-size",
        type=int,
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
        "--ca-file", type=Path, metavar="PEM", help="trust this CA for the backend's certificate"
    )
    b.add_argument(
        "--no-failover",
        action="store_true",
        help="do not describe with the embedded rules while the backend is away",
    )
    b.add_argument("--backoff-initial", type=float, default=0.5, metavar="S")
    b.add_argument(
        "--backoff-cap",
        type=float,
        default=30.0,
        metavar="S",
        help="longest wait between reconnect attempts (default: %(default)s)",
    )
    b.add_argument("--connect-timeout", type=float, default=10.0, metavar="S")
    b.add_argument(
        "--keepalive",
        type=float,
        default=240.0,
        metavar="S",
        help="API Gateway: application keep-alive after this much silence",
    )
    p.add_argument(
        "--bedrock-endpoint-url",
        metavar="URL",
        help="send Bedrock calls to this endpoint instead of AWS's (emulators, VPC "
        "endpoints); credentials still come from the standard AWS chain",
    )
    p.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return p


def analysis_config(args: argparse.Namespace) -> AnalysisConfig:
    try:
        cfg = AnalysisConfig.from_env()
        return AnalysisConfig(
            args.window_ms if args.window_ms is not None else cfg.window_ms,
            args.max_size if args.max_size is not None else cfg.max_size,
        )
    except ValueError as exc:
        raise CliError(str(exc)) from None


def link_options(args: argparse.Namespace) -> dict[str, Any]:
    """LinkOptions fields from the command line."""
    if args.ca_file is not None and not args.ca_file.is_file():
        raise CliError(f"--ca-file {args.ca_file}: no such file")
    try:
        backoff = BackoffPolicy(initial_s=args.backoff_initial, cap_s=args.backoff_cap)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if args.insecure:
        log.warning("TLS verification is OFF for the backend link (--insecure)")
    return {
        "protocol": args.protocol,
        "token": args.token,
        "token_in": args.token_in,
        "verify_tls": not args.insecure,
        "ca_file": args.ca_file,
        "failover": not args.no_failover,
        "backoff": backoff,
        "connect_timeout_s": args.connect_timeout,
        "keepalive_s": args.keepalive,
    }


def build_session(
    args: argparse.Namespace,
    source_url: str | None = None,
    *,
    link: dict[str, Any] | None = None,
) -> Session:
    """A Session from the command line (raises CliError on bad input).

    ``link`` overrides the link options of the command line (the GUI's connection panel).
    """
    url = source_url or args.source
    try:
        source = open_source(url)
        analyzer = open_analyzer(
            args.analyzer,
            analysis_config(args),
            link=link if link else link_options(args),
            bedrock_endpoint_url=args.bedrock_endpoint_url,
        )
    except UrlError as exc:
        raise CliError(str(exc)) from None
    recorder = None
    if args.record is not None:
        try:
            recorder = JsonlRecorder(
                args.record,
                source=source.url,
                analyzer=analyzer.url,
                settings={"window_ms": analyzer_window(args)},
            )
        except OSError as exc:
            raise CliError(f"cannot record: {exc}") from None
    if args.history <= 0:
        raise CliError("--history must be positive")
    return Session(source, analyzer, recorder, history_s=args.history)


def analyzer_window(args: argparse.Namespace) -> int:
    return analysis_config(args).window_ms


def serve_url(spec: str, token: str | None) -> str:
    """``--serve [HOST:]PORT`` as a ``serve://`` source URL."""
    host, _, port = spec.rpartition(":")
    host = host or "127.0.0.1"
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise CliError(f"--serve {spec!r}: expected [HOST:]PORT with a port from 1 to 65535")
    query = f"?{urlencode({'token': token})}" if token else ""
    return f"serve://{host}:{port}{query}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from intelivision_desktop.app.logs import setup_logging

    for name in ("stdout", "stderr"):  # a windowed Windows bundle has neither
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w"))  # noqa: SIM115 - lives as long as the app
    try:
        if args.export_csv is not None:
            from intelivision_desktop.io.export import ExportError, export_source_csv

            try:
                channels, descriptions = export_source_csv(args.source, args.export_csv)
            except ExportError as exc:
                raise CliError(str(exc)) from None
            sys.stdout.write(f"{channels.path}\n{descriptions.path}\n")
            return 0
        if args.duration is not None and args.duration <= 0:
            raise CliError("--duration must be positive")
        if args.serve is not None:
            args.source = serve_url(args.serve, args.serve_token)
        if args.headless:
            if args.screenshot or args.self_test:
                raise CliError("--headless cannot be combined with --screenshot or --self-test")
            setup_logging(args.log_level)
            session = build_session(args)
            from intelivision_desktop.app.headless import main_headless

            return main_headless(session, args.duration)
        setup_logging(args.log_level)
        # open the first source before any window exists, so bad input is one clear line
        first = None if args.self_test else build_session(args)
        from intelivision_desktop.app.gui import main_gui

        return main_gui(args, first)
    except CliError as exc:
        sys.stderr.write(f"intelivision-desktop: error: {exc}\n")
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
