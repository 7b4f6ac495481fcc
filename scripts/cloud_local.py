"""The serverless backend on this machine: serverless-offline (API Gateway WebSocket + Lambda)
running the handlers of ``intelivision_desktop/cloud``, DynamoDB from moto's server, and,
with ``--bedrock``, the tests' Bedrock emulator standing in for the agent.

    ./run cloud-local                       # ws://127.0.0.1:3001, the offline rules
    ./run cloud-local --port 3101 --bedrock # the agent emulated too
    ./run app --analyzer ws://127.0.0.1:3001
    # an operator console (observer): ws://127.0.0.1:3001?role=observer&token=<printed token>

Phones on the LAN: ``--host 0.0.0.0`` and ``ws://THIS-MACHINE:3001``. Stop with Ctrl+C; every
process it started is stopped with it (process groups, never by name).

Needs Node.js and npm (the first run installs serverless@3 and serverless-offline@13 into
``packaging/aws/node_modules`` from its lock file).

The stack starts **warm** (:meth:`LocalStack.warm_up`): serverless-offline runs each concurrent
invocation of a function in a Python process of its own and starts a new one whenever none is
idle, with no limit. A cold one costs 0.5–0.9 s of CPU (boto3), so on a 2-core machine the
first frames of three devices at 5 frames/s (a new process per frame while the others start)
set off a storm of cold starts that never catches up. Measured here, five runs started cold:
about 150 handler processes; frames handled 3–31 s (median) after they arrived instead of
2 ms, taking 12–19 s instead of 20 ms; windows 3–19 s apart (median) instead of 2 s; a closed
device's ``$disconnect`` started 18–80 s after the close and took 19–31 s, so observers got
device-disconnected 46–108 s late, or not within 2 minutes. Warmed by four devices that
connect at once, each sending two frames and a ping (7–14 s at start; the processes are kept
however long they idle, :data:`KEEP_WARM_S`), five runs: windows
2.0 s apart, ``$disconnect`` started 10 ms after the close and took 20–70 ms,
device-disconnected within 0.1 s. (/tmp measurement scripts, not kept: 3 devices streaming
20–40 s to an observer, then closing.)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
AWS_DIR = ROOT / "packaging" / "aws"
STAGE = "local"
TABLES = {
    f"websocket-connections-{STAGE}": [("connectionId", "S", "HASH")],
    f"sensor-data-{STAGE}": [("connectionId", "S", "HASH"), ("timestamp", "N", "RANGE")],
}
OPERATOR_TOKEN_PARAM = f"/intelivision/{STAGE}/operator-token"
LOCAL_OPERATOR_TOKEN = "local-operator-token"
"""The operator token of the local stack (a SecureString in moto's SSM), printed at start."""
WARM_DEVICES = 4
"""Devices that connect at once to warm the stack up (each leaves a warm process for every
route it used: authorizer, $connect, sensor-data ×2, ping, $disconnect)."""
KEEP_WARM_S = 24 * 3600
"""serverless-offline ends a handler process idle this long. Its default, 60 s, undoes the
warm-up of a stack started minutes before its devices (measured: idle 100 s after the
warm-up, three devices made 160 processes again, device-disconnected 53–57 s late)."""
DUMMY_AWS = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}


class StackError(RuntimeError):
    """The local stack could not start; the message says why."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, within: float, proc: subprocess.Popen[Any] | None = None) -> None:
    end = time.monotonic() + within
    while time.monotonic() < end:
        if proc is not None and proc.poll() is not None:
            raise StackError(f"a process of the stack ended early (exit {proc.returncode})")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise StackError(f"nothing listens on port {port} after {within:g} s")


def npm_ready() -> Path:
    """``packaging/aws/node_modules`` installed from the lock file (once)."""
    npm = shutil.which("npm")
    if npm is None:
        raise StackError("the local stack needs Node.js and npm (apt-get install nodejs npm)")
    sls = AWS_DIR / "node_modules" / ".bin" / "serverless"
    if not sls.exists():
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=AWS_DIR,
            check=True,
        )
    return sls


def _start(cmd: list[str], env: dict[str, str], log: Path, cwd: Path) -> subprocess.Popen[Any]:
    out = log.open("ab")
    return subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )


def _stop(proc: subprocess.Popen[Any]) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


class LocalStack:
    """moto's DynamoDB, the Bedrock emulator (optional) and serverless-offline, together."""

    def __init__(
        self,
        port: int = 3001,
        *,
        host: str = "127.0.0.1",
        bedrock: bool = False,
        log_dir: Path | None = None,
        operator_token: str = LOCAL_OPERATOR_TOKEN,
        warm: int = WARM_DEVICES,
    ) -> None:
        """``warm``: devices that warm the stack up at start (0: start cold)."""
        self.port = port
        self.warm = warm
        self.warm_s: float | None = None
        """How long the warm-up took (None: not warmed)."""
        self.host = host
        self.bedrock = bedrock
        self.log_dir = log_dir or (AWS_DIR / ".build" / "logs")
        self.db_port = free_port()
        self.operator_token = operator_token
        self.procs: list[subprocess.Popen[Any]] = []
        self.emulator: Any = None

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def observer_url(self) -> str:
        """What an operator console connects to (the fleet observer protocol)."""
        return f"{self.url}?role=observer&token={self.operator_token}"

    @property
    def db_url(self) -> str:
        return f"http://127.0.0.1:{self.db_port}"

    def dynamodb(self) -> Any:
        import boto3

        return boto3.client(
            "dynamodb",
            endpoint_url=self.db_url,
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )

    def start(self) -> LocalStack:
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        sls = npm_ready()
        subprocess.run(
            [sys.executable, str(AWS_DIR / "build_artifact.py")],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        self.log_dir.mkdir(parents=True, exist_ok=True)  # after the build: it empties .build
        env = {**os.environ, **DUMMY_AWS, "SLS_TELEMETRY_DISABLED": "1"}
        env["SLS_NOTIFICATIONS_MODE"] = "off"
        env.pop("AWS_BEARER_TOKEN_BEDROCK", None)
        env.pop("AWS_PROFILE", None)
        moto = Path(sys.executable).with_name("moto_server")
        self.procs.append(
            _start(
                [str(moto), "-H", "127.0.0.1", "-p", str(self.db_port)],
                env,
                self.log_dir / "moto.log",
                ROOT,
            )
        )
        wait_port(self.db_port, 20, self.procs[-1])
        db = self.dynamodb()
        for name, keys in TABLES.items():
            db.create_table(
                TableName=name,
                KeySchema=[{"AttributeName": a, "KeyType": k} for a, _t, k in keys],
                AttributeDefinitions=[
                    {"AttributeName": a, "AttributeType": t} for a, t, _k in keys
                ],
                BillingMode="PAY_PER_REQUEST",
            )
        import boto3

        boto3.client(
            "ssm",
            endpoint_url=self.db_url,  # moto's server serves SSM on the same port
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
        ).put_parameter(Name=OPERATOR_TOKEN_PARAM, Value=self.operator_token, Type="SecureString")
        params: list[str] = []
        if self.bedrock:
            from tests.integration.bedrock_emulator import BedrockEmulator

            self.emulator = BedrockEmulator()
            self.emulator.__enter__()
            env["BEDROCK_ENDPOINT_URL"] = self.emulator.url
            params = ["--param=agentId=AGENTLOCAL", "--param=agentAliasId=ALIASLOCAL"]
        env["AWS_ENDPOINT_URL_DYNAMODB"] = self.db_url
        env["AWS_ENDPOINT_URL_SSM"] = self.db_url
        env["IV_WS_PORT"] = str(self.port)
        env["IV_HTTP_PORT"] = str(free_port())
        env["IV_LAMBDA_PORT"] = str(free_port())
        # serverless-offline runs `python3` from PATH: this project's environment first
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
        env["VIRTUAL_ENV"] = str(Path(sys.executable).parent.parent)
        cmd = [str(sls), "offline", "--stage", STAGE, "--host", self.host, *params]
        cmd += ["--terminateIdleLambdaTime", str(KEEP_WARM_S)]  # the warm-up's processes stay
        self.procs.append(_start(cmd, env, self.log_dir / "serverless-offline.log", AWS_DIR))
        wait_port(self.port, 90, self.procs[-1])
        if self.warm:
            self.warm_up(self.warm)

    def warm_up(self, devices: int = WARM_DEVICES, within: float = 90.0) -> float:
        """``devices`` devices connect at once, each sends two frames at once and a ping, and
        leaves; returns when their ``$disconnect`` ran (their connection items are gone), so
        serverless-offline keeps that many warm handler processes per route (see the module's
        docstring for why: without them a few devices streaming start a storm of cold
        starts). Seconds taken; StackError if not done ``within`` seconds."""
        from websockets.sync.client import connect

        start = time.monotonic()
        frame = json.dumps({"action": "sensor-data", "personas": [], "objetos": []})

        def device(_: int) -> None:
            with connect(self.url, proxy=None, open_timeout=within) as ws:
                ws.send(frame)
                ws.send(frame)
                ws.send(json.dumps({"action": "ping"}))
                while json.loads(ws.recv(timeout=within)).get("type") != "pong":
                    pass

        try:
            with ThreadPoolExecutor(devices) as pool:
                list(pool.map(device, range(devices)))
        except (OSError, TimeoutError) as exc:
            raise StackError(f"the warm-up failed: {exc!r}") from exc
        db = self.dynamodb()
        while time.monotonic() - start < within:
            left = db.scan(
                TableName=f"websocket-connections-{STAGE}",
                FilterExpression="kind = :d",
                ExpressionAttributeValues={":d": {"S": "device"}},
                Select="COUNT",
            )["Count"]
            if left == 0:
                self.warm_s = time.monotonic() - start
                return self.warm_s
            time.sleep(0.2)
        raise StackError(f"the warm-up's devices were not disconnected after {within:g} s")

    def stop(self) -> None:
        for proc in reversed(self.procs):
            _stop(proc)
        self.procs.clear()
        if self.emulator is not None:
            self.emulator.__exit__(None, None, None)
            self.emulator = None

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


@contextlib.contextmanager
def running(**kwargs: Any) -> Iterator[LocalStack]:
    with LocalStack(**kwargs) as stack:
        yield stack


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="cloud-local", description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=3001, help="the WebSocket port (3001)")
    ap.add_argument("--host", default="127.0.0.1", help="0.0.0.0 for phones on the LAN")
    ap.add_argument("--bedrock", action="store_true", help="the agent emulated, not the rules")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    try:
        with LocalStack(args.port, host=args.host, bedrock=args.bedrock) as stack:
            print(f"serverless backend at {stack.url}  (DynamoDB {stack.db_url}); Ctrl+C stops")
            print(f"  ./run app --analyzer {stack.url}")
            print(f"  observers (operator consoles): {stack.observer_url}")
            print(f"  logs: {stack.log_dir}")
            if stack.warm_s is not None:
                print(f"  warmed up by {stack.warm} devices in {stack.warm_s:.1f} s")
            with contextlib.suppress(KeyboardInterrupt):
                while all(p.poll() is None for p in stack.procs):
                    time.sleep(0.5)
    except (StackError, subprocess.CalledProcessError) as exc:
        print(f"cloud-local: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
