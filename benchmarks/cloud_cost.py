"""The serverless backend per frame and per device-hour: handler time (warm, DynamoDB from
moto in-process), DynamoDB requests and write/read units, Bedrock calls; then the cost of one
device-hour at 5 frames/s against the seed guide's handler (one Bedrock call per message).

    ./run python -m benchmarks.cloud_cost [--scene busy_street] [--frames 1000]

Write units are computed from item sizes the way DynamoDB bills them (1 WRU per started KB of
the larger of the item before and after; 1 RRU per started 4 KB for a consistent read), since
moto does not report consumed capacity.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import boto3
from moto import mock_aws

from intelivision_desktop.cloud import handlers
from intelivision_desktop.cloud.handlers import Backend
from intelivision_desktop.cloud.store import StateStore
from intelivision_desktop.io.resources import demo_recording
from tests.cloud.test_handlers import Posted, event, make_tables

# On-demand list prices, us-east-1, as published (check the AWS pricing pages before budgeting)
PRICE = {
    "apigw_message": 1.00 / 1e6,  # WebSocket messages, per message (32 KB units), first 1 B
    "apigw_connection_minute": 0.25 / 1e6,
    "lambda_request": 0.20 / 1e6,
    "lambda_gb_s_arm": 0.0000133334,
    "ddb_wru": 0.625 / 1e6,  # on-demand write request unit
    "ddb_rru": 0.125 / 1e6,  # on-demand read request unit
    # Bedrock agent: the model's tokens (Claude 3 Haiku: $0.25/M in, $1.25/M out); a prompt of
    # a window is about 350 tokens in, 10 out; an agent adds its own orchestration prompt
    # (measured elsewhere at 1–2 k tokens), taken here as 1,500 in total
    "bedrock_call": 1500 * 0.25 / 1e6 + 10 * 1.25 / 1e6,
}
FRAMES_PER_HOUR = 5 * 3600
LAMBDA_MEMORY_GB = 0.25
AGENT_WAIT_S = 2.0
"""What a Lambda waits for InvokeAgent's answer (2–5 s measured by users; 2 s taken)."""


def item_kb(item: dict[str, Any]) -> int:
    size = 0
    for k, v in item.items():
        size += len(k.encode())
        ((kind, value),) = v.items()
        size += len(str(value).encode()) if kind in ("S", "N") else 8
    return max(1, math.ceil(size / 1024))


class Metered:
    """Wraps the DynamoDB client: counts requests and billed units from item sizes."""

    def __init__(self, db: Any) -> None:
        self.db = db
        self.exceptions = db.exceptions
        self.wru = 0
        self.rru = 0.0
        self.requests: dict[str, int] = {}

    def _count(self, op: str) -> None:
        self.requests[op] = self.requests.get(op, 0) + 1

    def put_item(self, **kw: Any) -> Any:
        self._count("PutItem")
        self.wru += item_kb(kw["Item"])
        return self.db.put_item(**kw)

    def update_item(self, **kw: Any) -> Any:
        self._count("UpdateItem")
        r = self.db.update_item(**kw)
        self.wru += item_kb(r.get("Attributes") or {"k": {"S": "x"}})
        return r

    def delete_item(self, **kw: Any) -> Any:
        self._count("DeleteItem")
        self.wru += 1
        return self.db.delete_item(**kw)

    def get_item(self, **kw: Any) -> Any:
        self._count("GetItem")
        r = self.db.get_item(**kw)
        self.rru += max(1, math.ceil(item_kb(r.get("Item") or {}) / 4))
        return r

    def query(self, **kw: Any) -> Any:
        self._count("Query")
        r = self.db.query(**kw)
        kb = sum(item_kb(i) for i in r.get("Items", []))
        self.rru += max(1, math.ceil(kb / 4))
        return r


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scene", default="busy_street")
    ap.add_argument("--frames", type=int, default=1000)
    args = ap.parse_args()
    os.environ.update(
        AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="x", AWS_DEFAULT_REGION="us-east-1"
    )
    wires = [json.loads(x) for x in demo_recording(args.scene).read_text().splitlines()]
    wires = (wires * (args.frames // len(wires) + 1))[: args.frames]
    with mock_aws():
        raw = boto3.client("dynamodb", region_name="us-east-1")
        make_tables(raw)
        db = Metered(raw)
        posted = Posted()
        windows = {"n": 0}

        def describe(closed: Any, conn_id: str) -> tuple[str | None, bool, dict[str, Any]]:
            windows["n"] += 1  # one Bedrock call per relevant window
            return "descripción", False, {}

        b = Backend(store=StateStore(db), post=posted, describe=describe)
        handlers.set_backend(b)
        handlers.connect(event("dev", "$connect"))
        t0 = 1_767_000_000_000
        t_prev = wires[0]["timestamp"]
        now = t0
        times = []
        for w in wires:
            now += max(1, w["timestamp"] - t_prev) if w is not wires[0] else 0
            t_prev = w["timestamp"]
            body = json.dumps({"action": "sensor-data", **w})
            s = time.perf_counter()
            handlers.sensor_data(event("dev", "sensor-data", body, now))
            times.append((time.perf_counter() - s) * 1000)
        handlers.set_backend(None)
    n = len(wires)
    closed = b.counts.get("descriptions", 0) + b.counts.get("not_relevant", 0)
    warm = times[20:]
    print(f"scene {args.scene}, {n} frames, {closed} windows closed, {windows['n']} Bedrock calls")
    print(
        f"handler time per frame (warm, moto in-process): median {statistics.median(warm):.2f} ms, "
        f"p95 {sorted(warm)[int(len(warm) * 0.95)]:.2f} ms"
    )
    print(f"DynamoDB requests: {db.requests}")
    print(f"write units per frame {db.wru / n:.2f}, read units per frame {db.rru / n:.2f}")
    print(f"write units per window {db.wru / max(closed, 1):.1f}")
    per_hour = FRAMES_PER_HOUR / n
    calls_h = windows["n"] * per_hour
    wru_h = db.wru * per_hour
    rru_h = db.rru * per_hour
    replies_h = len(posted.descriptions("dev")) * per_hour
    # the handler's own time per frame, plus the wait for the agent on each call (~2 s)
    gb_s = (statistics.median(warm) / 1000 * FRAMES_PER_HOUR + AGENT_WAIT_S * calls_h) * (
        LAMBDA_MEMORY_GB
    )
    ours: dict[str, float] = {
        "API Gateway messages (frames in, descriptions out)": (FRAMES_PER_HOUR + replies_h)
        * PRICE["apigw_message"],
        "API Gateway connection minutes": 60 * PRICE["apigw_connection_minute"],
        "Lambda requests": FRAMES_PER_HOUR * PRICE["lambda_request"],
        "Lambda GB-s (256 MB, arm64)": gb_s * PRICE["lambda_gb_s_arm"],
        "DynamoDB writes": wru_h * PRICE["ddb_wru"],
        "DynamoDB reads": rru_h * PRICE["ddb_rru"],
        "Bedrock": calls_h * PRICE["bedrock_call"],
    }
    seed = dict(ours)
    seed["Bedrock"] = FRAMES_PER_HOUR * PRICE["bedrock_call"]
    seed["DynamoDB writes"] = 0.0  # the guide's handler never writes its sensor-data table
    seed["DynamoDB reads"] = 0.0
    # it waits for the agent on every message
    seed["Lambda GB-s (256 MB, arm64)"] = (
        AGENT_WAIT_S * LAMBDA_MEMORY_GB * FRAMES_PER_HOUR * PRICE["lambda_gb_s_arm"]
    )
    print(f"per device-hour: {calls_h:.0f} Bedrock calls, {wru_h:.0f} WRU, {rru_h:.0f} RRU")
    print("| item | this backend, $/device-hour | seed guide's handler |")
    print("| --- | ---: | ---: |")
    for k in ours:
        print(f"| {k} | {ours[k]:.5f} | {seed[k]:.5f} |")
    print(f"| **total** | **{sum(ours.values()):.4f}** | **{sum(seed.values()):.4f}** |")
    # observers (issue 16): every closed window and every description goes to every observer,
    # one @connections post each (an API Gateway message), plus one registry read per fan-out
    events_h = closed * per_hour + replies_h
    print("| observers watching (fan-out) | $/device-hour added |")
    print("| --- | ---: |")
    for observers in (1, 5):
        cost = events_h * (observers * PRICE["apigw_message"] + PRICE["ddb_rru"])
        print(f"| {observers} | {cost:.5f} ({events_h * observers:.0f} posts) |")


if __name__ == "__main__":
    main()
