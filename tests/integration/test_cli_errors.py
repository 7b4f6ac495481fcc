"""Every bad command line: one line on stderr naming the option, exit code 2, no traceback,
nothing started (issue 17 §5, issue 12 §8). And --help tells the truth (issue 12 §9).

The CLI runs in-process (``main(argv)``) with ``--headless --duration 1``: a bad line that
slipped through would run for a second and return 0, failing the test instead of hanging.
"""

from __future__ import annotations

import logging
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from intelivision_desktop.app.cli import main
from intelivision_desktop.app.settings import Options
from intelivision_desktop.core.session import DEFAULT_HISTORY_S
from tests.conftest import TEST_TOKENS

REPO = Path(__file__).resolve().parents[2]
PREFIX = "intelivision-desktop: error:"

# (case id, option the line must name, arguments); {busy} is a port in use, {notpem} a file
# that is not a certificate, {dir} a folder, {existing} a file that exists.
BAD: list[tuple[str, str, list[str]]] = [
    ("analyzer-bad-ipv6", "--analyzer", ["--analyzer", "http://["]),
    ("analyzer-port-range", "--analyzer", ["--analyzer", "http://127.0.0.1:99999"]),
    ("analyzer-ws-port-range", "--analyzer", ["--analyzer", "ws://127.0.0.1:70000/dev"]),
    ("analyzer-port-0", "--analyzer", ["--analyzer", "http://127.0.0.1:0"]),
    ("analyzer-no-host", "--analyzer", ["--analyzer", "https://"]),
    ("analyzer-scheme", "--analyzer", ["--analyzer", "foo://x"]),
    ("analyzer-token", "--analyzer", ["--analyzer", f"http://h:99999/?token={TEST_TOKENS[0]}"]),
    ("history-nan", "--history", ["--history", "nan"]),
    ("history-inf", "--history", ["--history", "inf"]),
    ("history-negative", "--history", ["--history", "-5"]),
    ("history-zero", "--history", ["--history", "0"]),
    ("history-huge", "--history", ["--history", "1e12"]),
    ("history-text", "--history", ["--history", "ten"]),
    ("duration-nan", "--duration", ["--duration", "nan"]),
    ("duration-negative", "--duration", ["--duration", "-1"]),
    ("duration-zero", "--duration", ["--duration", "0"]),
    ("duration-inf", "--duration", ["--duration", "inf"]),
    ("duration-minus-inf", "--duration", ["--duration", "-inf"]),
    ("duration-missing", "--duration", ["--duration"]),
    ("connect-timeout-negative", "--connect-timeout", ["--connect-timeout", "-1"]),
    ("connect-timeout-nan", "--connect-timeout", ["--connect-timeout", "NaN"]),
    ("keepalive-zero", "--keepalive", ["--keepalive", "0"]),
    ("keepalive-inf", "--keepalive", ["--keepalive", "Infinity"]),
    ("ca-file-not-pem", "--ca-file", ["--ca-file", "{notpem}"]),
    ("ca-file-missing", "--ca-file", ["--ca-file", "/no/such/ca.pem"]),
    ("ca-file-folder", "--ca-file", ["--ca-file", "{dir}"]),
    ("window-ms-zero", "--window-ms", ["--window-ms", "0"]),
    ("window-ms-fraction", "--window-ms", ["--window-ms", "2.5"]),
    ("window-ms-nan", "--window-ms", ["--window-ms", "nan"]),
    ("max-size-zero", "--max-size", ["--max-size", "0"]),
    ("max-size-negative", "--max-size", ["--max-size", "-3"]),
    ("backoff-initial-negative", "--backoff-initial", ["--backoff-initial", "-1"]),
    ("backoff-initial-nan", "--backoff-initial", ["--backoff-initial", "nan"]),
    ("backoff-cap-below", "--backoff-cap", ["--backoff-initial", "5", "--backoff-cap", "1"]),
    ("backoff-cap-inf", "--backoff-cap", ["--backoff-cap", "inf"]),
    ("source-scheme", "--source", ["--source", "xyz://a"]),
    ("source-bad-url", "--source", ["--source", "replay://["]),
    ("source-missing-file", "--source", ["--source", "/no/such/file.jsonl"]),
    ("source-serve-busy", "--source", ["--source", "serve://127.0.0.1:{busy}"]),
    ("window-size-small", "--window-size", ["--window-size", "10x10"]),
    ("window-size-letters", "--window-size", ["--window-size", "axb"]),
    ("serve-port-range", "--serve", ["--serve", "99999"]),
    ("serve-no-port", "--serve", ["--serve", "abc"]),
    ("serve-busy", "--serve", ["--serve", "127.0.0.1:{busy}"]),
    ("serve-not-here", "--serve", ["--serve", "192.0.2.1:3001"]),
    ("bedrock-endpoint", "--bedrock-endpoint-url", ["--bedrock-endpoint-url", "vpce.local"]),
    ("log-level", "--log-level", ["--log-level", "LOUD"]),
    ("protocol", "--protocol", ["--protocol", "grpc"]),
    ("token-in", "--token-in", ["--token-in", "body"]),
    ("unknown-option", "--lang", ["--lang", "xx"]),
    ("record-exists", "--record", ["--record", "{existing}"]),
    ("headless-self-test", "--headless", ["--self-test"]),
]


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield s.getsockname()[1]


@pytest.fixture
def keep_logging() -> Iterator[None]:
    """A bad line that slipped through would set up logging: put the root logger back."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    yield
    for h in root.handlers[:]:
        if h not in saved[0]:
            root.removeHandler(h)
            h.close()
    root.setLevel(saved[1])


@pytest.mark.usefixtures("keep_logging")
@pytest.mark.parametrize(("option", "bad"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_a_bad_command_line_is_one_line_and_exit_2(
    tmp_path: Path, busy_port: int, capsys: pytest.CaptureFixture[str], option: str, bad: list[str]
) -> None:
    notpem = tmp_path / "notpem.pem"
    notpem.write_text("-----BEGIN NOTHING-----\nhello\n", encoding="utf-8")
    existing = tmp_path / "existing.jsonl"
    existing.write_text("keep me\n", encoding="utf-8")
    values = {"busy": busy_port, "notpem": notpem, "dir": tmp_path, "existing": existing}
    args = ["--headless", "--duration", "1", *(a.format(**values) for a in bad)]
    if "--source" not in args and "--serve" not in args:
        args += ["--source", "fake://person_waves?speed=max"]
    code = main(args)
    out, err = capsys.readouterr()
    assert code == 2, err
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(PREFIX), err
    assert option in lines[0], err
    assert out == ""
    assert not any(t in err for t in TEST_TOKENS), err
    assert existing.read_text(encoding="utf-8") == "keep me\n"


def test_a_port_in_use_is_named(busy_port: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--headless", "--duration", "1", "--serve", f"127.0.0.1:{busy_port}"]) == 2
    err = capsys.readouterr().err
    assert f"port {busy_port} in use" in err, err


def test_a_free_port_is_not_refused(capsys: pytest.CaptureFixture[str]) -> None:
    """The check binds and lets go: the server itself can bind the port right after."""
    from intelivision_desktop.app.wiring import check_port_free

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    check_port_free("127.0.0.1", port, "--serve")
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))


def test_ca_file_that_is_a_certificate_is_accepted(tmp_path: Path) -> None:
    from intelivision_desktop.app.cli import build_parser

    pem = REPO / "tests" / "integration" / "certs"
    candidates = sorted(pem.glob("*.pem")) if pem.is_dir() else []
    if not candidates:
        import ssl

        cafile = ssl.get_default_verify_paths().cafile
        if not cafile:
            pytest.skip("no PEM certificate file on this machine")
        candidates = [Path(cafile)]
    args = build_parser().parse_args(["--ca-file", str(candidates[0])])
    assert args.ca_file == candidates[0]


# --- --help --------------------------------------------------------------------------------


@pytest.mark.parametrize("columns", ["60", "80", "120"])
def test_help_lists_sources_and_real_defaults_without_breaking_urls(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], columns: str
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for text in ("serial://", "serve://", "socket://HOST:PORT", "embedded://bedrock-agent"):
        assert text in out, text
    from intelivision_desktop.ui.main_window import DEFAULT_SIZE

    assert f"{DEFAULT_SIZE[0]}x{DEFAULT_SIZE[1]}" in out  # the size the window really opens at
    gui = (REPO / "intelivision_desktop" / "app" / "gui.py").read_text(encoding="utf-8")
    rendered = re.search(r"args\.window_size or \((\d+), (\d+)\)", gui)
    assert rendered is not None
    assert f"{rendered[1]}x{rendered[2]}" in out
    assert f"memory holds {DEFAULT_HISTORY_S:g} s" in " ".join(out.split()) or (
        f"{DEFAULT_HISTORY_S:g} s of data per device" in out
    )
    assert f"the last {Options().history_s:g} s" in " ".join(out.split())
    broken = [line for line in out.splitlines() if re.search(r"[A-Za-z]-$", line.rstrip())]
    assert not broken, broken  # nothing cut after a hyphen (bedrock-|agent, self-|test)


def test_version_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("intelivision-desktop ")
