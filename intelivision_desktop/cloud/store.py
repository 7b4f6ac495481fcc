"""The per-device pipeline's state in DynamoDB, safe under concurrent invocations.

API Gateway may run two invocations of one connection at once. The state is kept so that no
frame is lost and no window is described twice, with conditional writes only (no locks, no
transactions):

- **Connection item** (table ``websocket-connections``, key ``connectionId``): who connected,
  TTL 1 h, and the pipeline's small counters — ``seq`` (frames received), ``v`` (version of the
  window state), ``lp`` (``last_processed`` in ms), ``cut`` (the ``seq`` of the last frame of
  the last closed window). Under 1 KB, so each update is one write unit.
- **Frame items** (table ``sensor-data``, hash ``connectionId``, range ``timestamp``): one
  small item per frame. The range key holds the frame's arrival order on the connection
  (``seq``, dense from 1); its arrival time is ``arrivalMs``; its payload ``wire`` (JSON
  text). TTL 1 h.
- **What was last said** (``connectionId = "<id>#said"`` in the connections table): the
  summary that produced the last description, for the relevance rules.
- **Observers** (operator consoles, the fleet observer protocol): items of the connections
  table with ``kind = "observer"``, and one registry item ``connectionId = "#observers"``
  whose string sets ``ids`` (every observer) and ``pending`` (observers whose snapshot is not
  sent yet) are changed with atomic ``ADD``/``DELETE``. Whoever fans an event out reads that
  one item (one GetItem per invocation, no Scan of the table); the device snapshot an observer
  gets first is the one Scan, once per observer.

A frame: (1) ``ADD seq 1`` on the connection item gives it its number (atomic, in arrival
order of the update); (2) its item is written; (3) if it arrives a window or more after
``lp``, the invocation tries to close the window with a conditional update
``SET lp, cut = seq, v = v + 1 IF v = seen``; one invocation wins. The winner reads the
frames ``cut_before + 1 … seq`` with a consistent query — the numbers are dense, so it knows
how many to expect and waits (bounded) for puts still on their way — and describes them. A
frame whose number is below the cut is in that window; above it, in the next.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from intelivision_desktop.core.codec import (
    FrameError,
    decode_frame,
    decode_summary,
    encode_summary,
    loads_bounded,
)
from intelivision_desktop.core.model import Frame, Summary

log = logging.getLogger(__name__)

TTL_S = 3600
"""Connections and frames expire an hour after they were written (API Gateway ends a
connection after 2 h; a connection item is refreshed by every window it closes)."""
OBSERVERS_KEY = "#observers"
"""The registry item of the observers."""
MAX_CLAIM_TRIES = 8
WAIT_FOR_FRAMES_S = 1.0
"""How long a window's closer waits for frames numbered before it whose writes are still on
their way (a Lambda that died between numbering and writing its frame: counted lost)."""


@dataclass(frozen=True, slots=True)
class Numbered:
    """A frame's place on its connection, and the window state it saw."""

    seq: int
    v: int
    lp: float
    cut: int


@dataclass(frozen=True, slots=True)
class Claim:
    """This invocation closed a window: frames ``first_seq … last_seq``."""

    first_seq: int
    last_seq: int
    last_processed_ms: float
    """``lp`` before this window (what the pipeline's windowing compares with)."""
    v: int


class StateStore:
    """The two tables, through a boto3 DynamoDB client (``boto3.client("dynamodb")``)."""

    def __init__(
        self,
        client: Any,
        connections_table: str = "websocket-connections",
        frames_table: str = "sensor-data",
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.db = client
        self.connections = connections_table
        self.frames = frames_table
        self.clock = clock
        self.sleep = sleep
        self.writes = 0
        """Write requests made (each is one write unit for items under 1 KB)."""
        self.write_units = 0.0
        """Write units consumed, as DynamoDB reports them."""
        self.reads = 0.0
        """Read units consumed, as DynamoDB reports them."""

    # --- accounting ---------------------------------------------------------------------------

    def _w(self, response: Mapping[str, Any]) -> Mapping[str, Any]:
        self.writes += 1
        cap = response.get("ConsumedCapacity") or {}
        self.write_units += float(cap.get("CapacityUnits", 0.0) or 0.0)
        return response

    def _r(self, response: Mapping[str, Any]) -> Mapping[str, Any]:
        cap = response.get("ConsumedCapacity") or {}
        self.reads += float(cap.get("CapacityUnits", 0.0) or 0.0)
        return response

    def _ttl(self) -> str:
        return str(int(self.clock()) + TTL_S)

    # --- connections ----------------------------------------------------------------------

    def connected(self, conn_id: str, **info: str) -> None:
        item: dict[str, Any] = {
            "connectionId": {"S": conn_id},
            "kind": {"S": "device"},
            "connectedAt": {"N": str(int(self.clock() * 1000))},
            "ttl": {"N": self._ttl()},
            "seq": {"N": "0"},
            "v": {"N": "0"},
            "lp": {"N": "0"},
            "cut": {"N": "0"},
        }
        for k, value in info.items():
            if value:
                item[k] = {"S": value[:512]}
        self._w(
            self.db.put_item(TableName=self.connections, Item=item, ReturnConsumedCapacity="TOTAL")
        )

    def gone(self, conn_id: str) -> str | None:
        """The connection ended: its state goes, as the backend drops a client's (frames
        expire with their TTL). Returns the kind it was (``device``/``observer``), None if
        it was not there."""
        kind: str | None = None
        for key in (conn_id, f"{conn_id}#said"):
            r = self._w(
                self.db.delete_item(
                    TableName=self.connections,
                    Key={"connectionId": {"S": key}},
                    ReturnValues="ALL_OLD",
                    ReturnConsumedCapacity="TOTAL",
                )
            )
            if key == conn_id:
                kind = (r.get("Attributes") or {}).get("kind", {}).get("S")
                if kind == "observer":
                    self._registry("DELETE", conn_id, "ids, pending")
                    return kind
        return kind

    # --- observers ------------------------------------------------------------------------

    def observer_connected(self, conn_id: str, **info: str) -> None:
        item: dict[str, Any] = {
            "connectionId": {"S": conn_id},
            "kind": {"S": "observer"},
            "connectedAt": {"N": str(int(self.clock() * 1000))},
            "ttl": {"N": str(int(self.clock()) + 2 * TTL_S)},
        }
        for k, value in info.items():
            if value:
                item[k] = {"S": value[:512]}
        self._w(
            self.db.put_item(TableName=self.connections, Item=item, ReturnConsumedCapacity="TOTAL")
        )
        self._registry("ADD", conn_id, "ids :s, pending")

    def _registry(self, op: str, conn_id: str, attrs: str) -> None:
        """``ADD ids :s, pending :s`` / ``DELETE ids :s, pending :s`` on the registry item."""
        names = [a.split()[0] for a in attrs.split(",")]
        expr = f"{op} " + ", ".join(f"{n} :s" for n in names)
        self._w(
            self.db.update_item(
                TableName=self.connections,
                Key={"connectionId": {"S": OBSERVERS_KEY}},
                UpdateExpression=expr,
                ExpressionAttributeValues={":s": {"SS": [conn_id]}},
                ReturnConsumedCapacity="TOTAL",
            )
        )

    def observers(self) -> tuple[list[str], set[str]]:
        """The observers connected, and those still waiting for their snapshot."""
        r = self._r(
            self.db.get_item(
                TableName=self.connections,
                Key={"connectionId": {"S": OBSERVERS_KEY}},
                ConsistentRead=True,
                ReturnConsumedCapacity="TOTAL",
            )
        )
        item = r.get("Item") or {}
        ids = sorted(item.get("ids", {}).get("SS", []))
        return ids, set(item.get("pending", {}).get("SS", []))

    def claim_snapshot(self, conn_id: str) -> bool:
        """True for the one invocation that is to send this observer its snapshot."""
        try:
            self._w(
                self.db.update_item(
                    TableName=self.connections,
                    Key={"connectionId": {"S": OBSERVERS_KEY}},
                    UpdateExpression="DELETE pending :s",
                    ConditionExpression="contains(pending, :o)",
                    ExpressionAttributeValues={":s": {"SS": [conn_id]}, ":o": {"S": conn_id}},
                    ReturnConsumedCapacity="TOTAL",
                )
            )
        except self.db.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def devices(self) -> list[dict[str, str]]:
        """The devices connected now (a Scan: only for an observer's first snapshot)."""
        out: list[dict[str, str]] = []
        kwargs: dict[str, Any] = {
            "TableName": self.connections,
            "FilterExpression": "kind = :d",
            "ExpressionAttributeValues": {":d": {"S": "device"}},
            "ReturnConsumedCapacity": "TOTAL",
        }
        while True:
            r = self._r(self.db.scan(**kwargs))
            for it in r.get("Items", []):
                out.append({k: next(iter(v.values())) for k, v in it.items() if len(v) == 1})
            if "LastEvaluatedKey" not in r:
                break
            kwargs["ExclusiveStartKey"] = r["LastEvaluatedKey"]
        return sorted(out, key=lambda d: (int(d.get("connectedAt", 0)), d["connectionId"]))

    # --- frames ---------------------------------------------------------------------------

    def number(self, conn_id: str) -> Numbered:
        """Give the next frame of ``conn_id`` its number (and see the window state)."""
        r = self._w(
            self.db.update_item(
                TableName=self.connections,
                Key={"connectionId": {"S": conn_id}},
                UpdateExpression="ADD seq :one",
                ExpressionAttributeValues={":one": {"N": "1"}},
                ReturnValues="ALL_NEW",
                ReturnConsumedCapacity="TOTAL",
            )
        )
        a = r["Attributes"]
        return Numbered(
            seq=int(a["seq"]["N"]),
            v=int(a.get("v", {"N": "0"})["N"]),
            lp=float(a.get("lp", {"N": "0"})["N"]),
            cut=int(a.get("cut", {"N": "0"})["N"]),
        )

    def put_frame(self, conn_id: str, seq: int, arrival_ms: float, wire: Mapping[str, Any]) -> None:
        self._w(
            self.db.put_item(
                TableName=self.frames,
                Item={
                    "connectionId": {"S": conn_id},
                    "timestamp": {"N": str(seq)},
                    "arrivalMs": {"N": repr(float(arrival_ms))},
                    "wire": {"S": json.dumps(wire, ensure_ascii=False, separators=(",", ":"))},
                    "ttl": {"N": self._ttl()},
                },
                ReturnConsumedCapacity="TOTAL",
            )
        )

    def claim(
        self, conn_id: str, seen: Numbered, arrival_ms: float, window_ms: float
    ) -> Claim | None:
        """Close the window with this frame if it is due and nobody else closed it first."""
        state = seen
        for _ in range(MAX_CLAIM_TRIES):
            if state.cut >= seen.seq or arrival_ms - state.lp < window_ms:
                return None  # in a window closed by another frame, or not due
            try:
                self._w(
                    self.db.update_item(
                        TableName=self.connections,
                        Key={"connectionId": {"S": conn_id}},
                        UpdateExpression="SET lp = :t, cut = :seq, v = :v1, #ttl = :ttl",
                        ConditionExpression="v = :v",
                        ExpressionAttributeNames={"#ttl": "ttl"},
                        ExpressionAttributeValues={
                            ":t": {"N": repr(float(arrival_ms))},
                            ":seq": {"N": str(seen.seq)},
                            ":v": {"N": str(state.v)},
                            ":v1": {"N": str(state.v + 1)},
                            ":ttl": {"N": self._ttl()},
                        },
                        ReturnConsumedCapacity="TOTAL",
                    )
                )
            except self.db.exceptions.ConditionalCheckFailedException:
                state = self.read_state(conn_id)
                continue
            return Claim(state.cut + 1, seen.seq, state.lp, state.v + 1)
        log.warning("connection %s: window claim contended %d times", conn_id, MAX_CLAIM_TRIES)
        return None

    def read_state(self, conn_id: str) -> Numbered:
        r = self._r(
            self.db.get_item(
                TableName=self.connections,
                Key={"connectionId": {"S": conn_id}},
                ConsistentRead=True,
                ReturnConsumedCapacity="TOTAL",
            )
        )
        a = r.get("Item") or {}
        return Numbered(
            seq=int(a.get("seq", {"N": "0"})["N"]),
            v=int(a.get("v", {"N": "0"})["N"]),
            lp=float(a.get("lp", {"N": "0"})["N"]),
            cut=int(a.get("cut", {"N": "0"})["N"]),
        )

    def window_frames(self, conn_id: str, claim: Claim) -> tuple[list[Frame], int]:
        """The frames of a claimed window, in arrival order; and how many never arrived."""
        expected = claim.last_seq - claim.first_seq + 1
        deadline = self.clock() + WAIT_FOR_FRAMES_S
        items: list[Mapping[str, Any]] = []
        while True:
            items = self._query(conn_id, claim.first_seq, claim.last_seq)
            if len(items) >= expected or self.clock() >= deadline:
                break
            self.sleep(0.02)
        frames = []
        bad = 0
        for it in items:
            try:
                wire = loads_bounded(it["wire"]["S"])
                frames.append(
                    decode_frame(wire, device_id=conn_id, arrival_ms=float(it["arrivalMs"]["N"]))
                )
            except (KeyError, ValueError, FrameError):
                bad += 1
        return frames, expected - len(items) + bad

    def _query(self, conn_id: str, first: int, last: int) -> list[Mapping[str, Any]]:
        out: list[Mapping[str, Any]] = []
        kwargs: dict[str, Any] = {
            "TableName": self.frames,
            "KeyConditionExpression": "connectionId = :c AND #ts BETWEEN :a AND :b",
            "ExpressionAttributeNames": {"#ts": "timestamp"},
            "ExpressionAttributeValues": {
                ":c": {"S": conn_id},
                ":a": {"N": str(first)},
                ":b": {"N": str(last)},
            },
            "ConsistentRead": True,
            "ReturnConsumedCapacity": "TOTAL",
        }
        while True:
            r = self._r(self.db.query(**kwargs))
            out.extend(r.get("Items", []))
            if "LastEvaluatedKey" not in r:
                return out
            kwargs["ExclusiveStartKey"] = r["LastEvaluatedKey"]

    # --- what was said --------------------------------------------------------------------

    def last_said(self, conn_id: str) -> tuple[Summary, float] | None:
        r = self._r(
            self.db.get_item(
                TableName=self.connections,
                Key={"connectionId": {"S": f"{conn_id}#said"}},
                ConsistentRead=True,
                ReturnConsumedCapacity="TOTAL",
            )
        )
        item = r.get("Item")
        if not item:
            return None
        try:
            return decode_summary(loads_bounded(item["summary"]["S"])), float(item["atMs"]["N"])
        except (KeyError, ValueError, FrameError):
            return None

    def said(self, conn_id: str, summary: Summary, at_ms: float) -> None:
        """Remember what was said, unless a later window's description was remembered first
        (a slow AI answer never replaces a newer one)."""
        try:
            self._w(
                self.db.put_item(
                    TableName=self.connections,
                    Item={
                        "connectionId": {"S": f"{conn_id}#said"},
                        "kind": {"S": "said"},
                        "summary": {
                            "S": json.dumps(
                                encode_summary(summary), ensure_ascii=False, separators=(",", ":")
                            )
                        },
                        "atMs": {"N": repr(float(at_ms))},
                        "ttl": {"N": self._ttl()},
                    },
                    ConditionExpression="attribute_not_exists(atMs) OR atMs < :t",
                    ExpressionAttributeValues={":t": {"N": repr(float(at_ms))}},
                    ReturnConsumedCapacity="TOTAL",
                )
            )
        except self.db.exceptions.ConditionalCheckFailedException:
            log.info("connection %s: a newer description was remembered first", conn_id)
