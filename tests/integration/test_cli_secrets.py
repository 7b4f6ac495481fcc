"""No token on the screen or in the log file, even at DEBUG, against real local backends
(issue 17 §2): the API Gateway handshake (``GET /dev?token=…``, ``Authorization: Bearer …``)
and Socket.IO connect errors quoting the URL were the leaks."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from tests.conftest import TEST_TOKENS
from tests.integration.backends import ApiGatewayEmulator, SocketIOBackend

GOOD, WRONG = TEST_TOKENS[0], TEST_TOKENS[1]


async def run_cli(args: list[str], log_dir: Path) -> tuple[int, str, str]:
    env = dict(os.environ)
    env["INTELIVISION_LOG_DIR"] = str(log_dir)
    env.pop("INTELIVISION_LOG_LEVEL", None)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "intelivision_desktop",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


@pytest.mark.parametrize(
    ("backend", "token", "token_in"),
    [
        ("apigw", GOOD, "query"),
        ("apigw", GOOD, "header"),
        ("apigw", WRONG, "query"),
        ("socketio", GOOD, "query"),
        ("socketio", WRONG, "query"),
    ],
)
def test_no_token_on_screen_or_in_the_log_at_debug(
    tmp_path: Path, backend: str, token: str, token_in: str
) -> None:
    async def scenario() -> tuple[int, str, str, int]:
        server = (
            ApiGatewayEmulator(token=GOOD) if backend == "apigw" else SocketIOBackend(token=GOOD)
        )
        async with server:
            code, out, err = await run_cli(
                [
                    "--headless",
                    "--source",
                    "fake://person_waves?speed=5",
                    "--duration",
                    "4",
                    "--analyzer",
                    server.url,
                    "--token",
                    token,
                    "--token-in",
                    token_in,
                    "--backoff-initial",
                    "0.2",
                    "--backoff-cap",
                    "1",
                    "--log-level",
                    "DEBUG",
                ],
                tmp_path / "logs",
            )
            return code, out, err, server.connects

    code, out, err, connects = asyncio.run(scenario())
    assert code == 0, err[-2000:]
    (log_file,) = (tmp_path / "logs").glob("intelivision-desktop-*.log")
    text = log_file.read_text(encoding="utf-8")
    if backend == "apigw":
        assert "DEBUG websockets" in text  # DEBUG was asked for and written …
    for where in (text, err, out):
        assert GOOD not in where  # … without the token
        assert WRONG not in where
    if token == GOOD:
        assert connects >= 1
    assert "frame data" not in text
    assert " qasync" not in text
