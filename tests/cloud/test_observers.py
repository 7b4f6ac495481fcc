"""Observers (operator consoles) on the serverless handlers, DynamoDB and SSM from moto
in-process: the authorizer admits ``role=observer`` only with the operator token kept in SSM;
observers get every device's events in order, devices never get observers' traffic, a gone
observer is removed and what an observer sends but pings is ignored and counted."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from intelivision_desktop.cloud import authorizer, handlers
from intelivision_desktop.cloud.authorizer import OperatorToken
from intelivision_desktop.cloud.handlers import Backend
from tests.cloud.test_handlers import T0, Posted, cloud, event  # noqa: F401

PARAM = "/intelivision/test/operator-token"
TOKEN = "s3cret-operator-token"
OBSERVER_TYPES = {
    "device-connected",
    "device-disconnected",
    "window",
    "ai-description",
    "observers",
}

Cloud = tuple[Backend, Posted, Any]


@pytest.fixture
def fleet(cloud: Cloud) -> Iterator[tuple[Backend, Posted, Any, OperatorToken]]:  # noqa: F811
    b, posted, db = cloud
    boto3.client("ssm", region_name="us-east-1").put_parameter(
        Name=PARAM, Value=TOKEN, Type="SecureString"
    )
    token = OperatorToken(PARAM, client=lambda: boto3.client("ssm", region_name="us-east-1"))
    authorizer.set_operator_token(token)
    try:
        yield b, posted, db, token
    finally:
        authorizer.set_operator_token(None)


def connect_event(conn_id: str, query: dict[str, str] | None) -> dict[str, Any]:
    ev = event(conn_id, "$connect")
    if query is not None:
        ev["queryStringParameters"] = query
    ev["methodArn"] = "arn:aws:execute-api:us-east-1:123456789012:abc/dev/$connect"
    return ev


def admitted(conn_id: str, query: dict[str, str] | None) -> dict[str, Any] | None:
    """What API Gateway does: the authorizer, then ``$connect`` with its context; the events
    of that connection carry ``requestContext.authorizer``. None: refused (403)."""
    ev = connect_event(conn_id, query)
    policy = authorizer.authorize(ev)
    if policy["policyDocument"]["Statement"][0]["Effect"] != "Allow":
        return None
    auth = {"principalId": policy["principalId"], **policy["context"]}
    ev["requestContext"]["authorizer"] = auth
    assert handlers.connect(ev)["statusCode"] == 200
    return auth


def on(conn_id: str, auth: dict[str, Any], route: str, body: Any = None, t: float | None = None):
    ev = event(conn_id, route, body, t)
    ev["requestContext"]["authorizer"] = auth
    return ev


def stream(posted: Posted, conn_id: str) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    for m in posted.messages[conn_id]:
        t = m["type"]
        if t == "observers":
            out.append((t, m["count"]))
        elif t == "window":
            out.append((t, m["device"], m["relevant"], m["frames"]))
        elif t == "ai-description":
            out.append((t, m["device"], m["data"]))
        else:
            out.append((t, m["device"]))
    return out


PERSON = {
    "action": "sensor-data",
    "personas": [{"posicion": "izquierda", "expresion": "feliz"}],
    "objetos": [],
}
CAR = {
    "action": "sensor-data",
    "personas": [],
    "objetos": [{"tipo": "car", "movimiento": "se_acerca", "direccion": "frente"}],
    "cameraActive": False,
}


def test_a_bad_or_missing_operator_token_is_refused(
    fleet: tuple[Backend, Posted, Any, OperatorToken],
) -> None:
    b, _posted, db, token = fleet
    assert admitted("o-bad", {"role": "observer", "token": "wrong"}) is None
    assert admitted("o-none", {"role": "observer"}) is None
    assert admitted("o-empty", {"role": "observer", "token": ""}) is None
    assert admitted("d1", None) == {"principalId": "device", "role": "device"}  # devices as today
    assert admitted("o1", {"role": "observer", "token": TOKEN}) == {
        "principalId": "observer",
        "role": "observer",
    }
    assert token.reads == 1  # the parameter is read once per warm process
    # a deployment without the authorizer: $connect itself refuses (API Gateway answers 403)
    raw = connect_event("o-raw", {"role": "observer", "token": "wrong"})
    assert handlers.connect(raw)["statusCode"] == 403
    assert b.counts["observer_refused"] == 1
    for refused in ("o-bad", "o-none", "o-empty", "o-raw"):
        got = db.get_item(TableName="websocket-connections", Key={"connectionId": {"S": refused}})
        assert "Item" not in got
    kinds = {
        c: db.get_item(TableName="websocket-connections", Key={"connectionId": {"S": c}})["Item"][
            "kind"
        ]["S"]
        for c in ("d1", "o1")
    }
    assert kinds == {"d1": "device", "o1": "observer"}
    # no readable parameter: no observer at all (devices still connect)
    authorizer.set_operator_token(OperatorToken("/intelivision/test/missing"))
    assert admitted("o2", {"role": "observer", "token": TOKEN}) is None
    assert admitted("d2", None) is not None


def test_observers_get_every_devices_events_in_order_and_devices_none(
    fleet: tuple[Backend, Posted, Any, OperatorToken],
) -> None:
    b, posted, db, _token = fleet
    d0 = admitted("d0", None)  # connected before the observer: in its snapshot
    assert d0 is not None
    obs = admitted("o1", {"role": "observer", "token": TOKEN})
    assert obs is not None
    assert posted.messages["o1"] == []  # nothing can be posted during its $connect
    handlers.ping(on("o1", obs, "ping", {"action": "ping"}, T0 - 10))  # its first ping
    d1 = admitted("d1", None)
    d2 = admitted("d2", None)
    assert d1 is not None
    assert d2 is not None
    handlers.sensor_data(on("d1", d1, "sensor-data", PERSON, T0))
    handlers.sensor_data(on("d2", d2, "sensor-data", CAR, T0 + 10))
    handlers.sensor_data(on("d1", d1, "sensor-data", PERSON, T0 + 500))
    handlers.sensor_data(on("d1", d1, "sensor-data", PERSON, T0 + 2100))  # same: not relevant
    # an observer's frame is ignored and counted, never a device's
    handlers.sensor_data(on("o1", obs, "sensor-data", PERSON, T0 + 2200))
    handlers.default(on("o1", obs, "$default", {"action": "dance"}, T0 + 2200))
    handlers.disconnect(on("d2", d2, "$disconnect"))
    handlers.disconnect(on("d1", d1, "$disconnect"))
    assert stream(posted, "o1") == [
        ("device-connected", "d0"),
        ("observers", 1),
        ("device-connected", "d1"),
        ("device-connected", "d2"),
        ("window", "d1", True, 1),
        ("ai-description", "d1", "Persona alegre izquierda"),
        ("window", "d2", True, 1),
        ("ai-description", "d2", "coche acercándose frente"),
        ("window", "d1", False, 2),
        ("device-disconnected", "d2"),
        ("device-disconnected", "d1"),
    ]
    msgs = posted.messages["o1"]
    w = [m for m in msgs if m["type"] == "window"]
    assert w[0]["at"] == T0
    assert w[0]["cameraActive"] is None
    assert w[1]["cameraActive"] is False
    assert w[0]["dataUsed"]["totalDatos"] == 1
    desc = [m for m in msgs if m["type"] == "ai-description"]
    assert desc[0]["fallback"] is True
    assert desc[0]["latencyMs"] >= 0
    assert desc[0]["dataUsed"] == posted.descriptions("d1")[0]["dataUsed"]
    connected = [m for m in msgs if m["type"] == "device-connected"]
    assert connected[1]["userAgent"] == "test-phone/1"
    assert connected[1]["sourceIp"] == "203.0.113.9"
    # devices got their descriptions and nothing of the observers' stream
    for d in ("d0", "d1", "d2"):
        assert not [
            m for m in posted.messages[d] if m.get("type") in OBSERVER_TYPES - {"ai-description"}
        ]
        assert all("device" not in m for m in posted.messages[d])
    assert [m["data"] for m in posted.descriptions("d1")] == ["Persona alegre izquierda"]
    assert b.counts["observer_ignored"] == 2
    frames = db.query(
        TableName="sensor-data",
        KeyConditionExpression="connectionId = :c",
        ExpressionAttributeValues={":c": {"S": "o1"}},
    )["Items"]
    assert frames == []


def test_two_observers_and_a_gone_one_is_removed(
    fleet: tuple[Backend, Posted, Any, OperatorToken],
) -> None:
    b, posted, db, _token = fleet
    o1 = admitted("o1", {"role": "observer", "token": TOKEN})
    o2 = admitted("o2", {"role": "observer", "token": TOKEN})
    assert o1 is not None
    assert o2 is not None
    d1 = admitted("d1", None)
    assert d1 is not None
    assert stream(posted, "o1") == [("observers", 2), ("device-connected", "d1")]
    assert stream(posted, "o2") == [("observers", 2), ("device-connected", "d1")]
    posted.gone.add("o2")
    handlers.sensor_data(on("d1", d1, "sensor-data", PERSON, T0))
    assert b.counts["observer_gone"] == 1
    assert "Item" not in db.get_item(
        TableName="websocket-connections", Key={"connectionId": {"S": "o2"}}
    )
    assert b.store.observers()[0] == ["o1"]
    handlers.disconnect(on("d1", d1, "$disconnect"))
    assert [t[0] for t in stream(posted, "o1")][-3:] == [
        "window",
        "ai-description",
        "device-disconnected",
    ]
    # an observer leaving is told to the others, never as a device
    handlers.disconnect(on("o1", o1, "$disconnect"))
    assert b.store.observers() == ([], set())
    assert json.dumps(posted.messages).count("device-disconnected") == 1
