"""Building a Session from the command line's options: the one place the app turns URLs and
options into a source, an analyzer and a recorder (the CLI and the window's controller both
use it, so neither imports the other)."""

from __future__ import annotations

import argparse
import errno
import math
import os
import socket
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from intelivision_desktop.core.alerts import AlertConfig
from intelivision_desktop.core.analysis import AnalysisConfig
from intelivision_desktop.core.backoff import BackoffPolicy
from intelivision_desktop.core.session import Session
from intelivision_desktop.io.recorder import JsonlRecorder
from intelivision_desktop.io.registry import UrlError, analyzer_for, open_analyzer, open_source

if TYPE_CHECKING:
    from intelivision_desktop.ui.services import Services


class CliError(Exception):
    """A user error: printed as one line, exit code 2."""


def url_problem(url: str, schemes: Sequence[str] | None = None) -> str | None:
    """Why ``url`` cannot be used (bad brackets, no host, port out of range), or None."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        return f"{url}: not a valid URL ({exc})"
    scheme = parts.scheme.lower()
    if schemes is not None and scheme not in schemes:
        return f"{url}: expected {' or '.join(f'{x}://' for x in schemes)}"
    if scheme in ("http", "https", "ws", "wss", "serve"):
        if scheme != "serve" and not parts.hostname:
            return f"{url}: no host name"
        if port == 0 and scheme != "serve":
            return f"{url}: port must be 1 to 65535"
    return None


def analysis_config(args: argparse.Namespace) -> AnalysisConfig:
    try:
        cfg = AnalysisConfig.from_env()
        return AnalysisConfig(
            int(args.window_ms) if args.window_ms is not None else cfg.window_ms,
            int(args.max_size) if args.max_size is not None else cfg.max_size,
        )
    except ValueError as exc:
        raise CliError(f"--window-ms/--max-size: {exc}") from None


def link_options(args: argparse.Namespace) -> dict[str, Any]:
    """LinkOptions fields from the command line."""
    if args.ca_file is not None and not Path(args.ca_file).is_file():  # gone since parsing
        raise CliError(f"--ca-file {args.ca_file}: no such file")
    if args.backoff_cap < args.backoff_initial:
        raise CliError(
            f"--backoff-cap {args.backoff_cap:g} is below --backoff-initial "
            f"{args.backoff_initial:g}"
        )
    try:
        backoff = BackoffPolicy(initial_s=args.backoff_initial, cap_s=args.backoff_cap)
    except ValueError as exc:
        raise CliError(f"--backoff-initial/--backoff-cap: {exc}") from None
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


def check_port_free(host: str, port: int, option: str) -> None:
    """Refuse (CliError) a port this machine cannot listen on: in use, privileged, or an
    address that is not this machine's. Checked by binding, as the server will."""
    if port == 0:
        return
    where = f"{host}:{port}"
    try:
        infos = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except (socket.gaierror, UnicodeError) as exc:
        raise CliError(f"{option} {where}: unknown host ({_reason(exc)})") from None
    for family, kind, proto, _name, addr in infos:
        try:
            sock = socket.socket(family, kind, proto)
        except OSError:
            continue  # a family this machine does not have (IPv6 off)
        with sock:
            if os.name == "posix":
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as asyncio does
            try:
                sock.bind(addr)
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    msg = f"port {port} in use on {host or 'all addresses'}; pick another"
                elif exc.errno == errno.EACCES:
                    msg = f"port {port} needs administrator rights; use one above 1023"
                elif exc.errno == errno.EADDRNOTAVAIL:
                    msg = f"{host} is not an address of this machine"
                else:
                    msg = f"cannot listen on {where} ({_reason(exc)})"
                raise CliError(f"{option} {where}: {msg}") from None


def _reason(exc: BaseException) -> str:
    return str(getattr(exc, "strerror", None) or exc)


def build_session(
    args: argparse.Namespace,
    source_url: str | None = None,
    *,
    link: dict[str, Any] | None = None,
    alerts: AlertConfig | None = None,
) -> Session:
    """A Session from the command line (raises CliError on bad input).

    ``link`` overrides the link options of the command line (the GUI's connection panel);
    ``alerts``: the alert thresholds (the settings file's, through
    :meth:`~intelivision_desktop.app.settings.Options.alert_config`); defaults if None.
    """
    url = source_url or args.source
    if source_url is not None:
        option = "source"  # chosen in the window, not on the command line
    else:
        option = "--serve" if args.serve is not None else "--source"
    for opt, value in ((option, url), ("--analyzer", args.analyzer)):
        problem = url_problem(value)
        if problem:
            raise CliError(f"{opt} {problem}")
    if not (math.isfinite(args.history) and args.history > 0):
        raise CliError("--history must be a positive number of seconds")
    try:
        source = open_source(url)
    except (UrlError, ValueError) as exc:
        raise CliError(f"{option}: {exc}") from None
    if source.url.startswith("serve://"):
        from intelivision_desktop.io.server import DeviceServer  # loaded only to serve

        if isinstance(source, DeviceServer):
            check_port_free(source.host, source.port, option)
    config = analysis_config(args)
    options = link if link else link_options(args)
    try:
        analyzer = open_analyzer(
            analyzer_for(url, args.analyzer),  # a fleet's descriptions come from the fleet
            config,
            link=options,
            bedrock_endpoint_url=args.bedrock_endpoint_url,
        )
    except (UrlError, ValueError) as exc:
        raise CliError(f"--analyzer: {exc}") from None
    recorder = None
    if args.record is not None:
        try:
            recorder = JsonlRecorder(
                args.record,
                source=source.url,
                analyzer=analyzer.url,
                settings={"window_ms": config.window_ms},
            )
        except OSError as exc:
            raise CliError(f"--record: cannot record: {exc}") from None
    return Session(
        source, analyzer, recorder, history_s=args.history, alerts=alerts, clock=epoch_ms
    )


def epoch_ms() -> float:
    """Wall-clock now, epoch ms: the session clock of live sources (for the alert rules)."""
    return time.time() * 1000.0


def analyzer_window(args: argparse.Namespace) -> int:
    return analysis_config(args).window_ms


def ui_services() -> Services:
    """The window's files and ports: the real ones (see :mod:`intelivision_desktop.ui.services`).

    Imported here, not at the top: a headless run never builds a window."""
    from intelivision_desktop.io.export import (
        export_descriptions_list_csv,
        export_table_csv,
        summarize_recording,
        write_bytes,
    )
    from intelivision_desktop.io.resources import exports_dir, recordings_dir
    from intelivision_desktop.io.serial_source import list_ports
    from intelivision_desktop.io.server import DEFAULT_PORT
    from intelivision_desktop.ui.services import Services

    return Services(
        list_ports=list_ports,
        summarize_recording=summarize_recording,
        recordings_dir=recordings_dir,
        exports_dir=exports_dir,
        write_table_csv=export_table_csv,
        write_descriptions_csv=export_descriptions_list_csv,
        write_bytes=write_bytes,
        serve_port=DEFAULT_PORT,
    )
