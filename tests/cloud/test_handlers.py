"""The serverless handlers against DynamoDB (moto, in-process), invoked with API Gateway events.

- every demo scene gives, window for window, the descriptions of the desktop's embedded rules
  on the same frames at the same arrival times;
- many threads sending one connection's frames at once: every frame in exactly one window and
  one description per window;
- the routes: connect, disconnect, ping, unknown actions, bad frames, the data envelope,
  GoneException.
"""

from __future__ import annotations

import itertools
import json
import random
import threading
import uuid
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from intelivision_desktop.cloud import handlers
from intelivision_desktop.cloud.handlers import Backend
from intelivision_desktop.cloud.store import StateStore
from intelivision_desktop.core.analysis import AnalysisConfig
from intelivision_desktop.core.codec import decode_frame
from intelivision_desktop.core.embedded import RulesAnalyzer
from intelivision_desktop.core.model import Description
from intelivision_desktop.io.resources import demo_recordings

SCENES = {p.stem: p for p in demo_recordings()}
T0 = 1_767_000_000_000
"""An arrival time (epoch ms), as API Gateway's requestTimeEpoch."""


class Posted:
    """The ``@connections`` side: messages per connection; connections listed in ``gone`` are
    reported gone, as API Gateway's GoneException."""

    def __init__(self) -> None:
        self.messages: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
        self.gone: set[str] = set()
        self.lock = threading.Lock()

    def __call__(self, conn_id: str, message: Any, endpoint: str = "") -> bool:
        if conn_id in self.gone:
            return False
        with self.lock:
            self.messages[conn_id].append(json.loads(json.dumps(message)))
        return True

    def descriptions(self, conn_id: str) -> list[dict[str, Any]]:
        return [m for m in self.messages[conn_id] if m.get("type") == "ai-description"]


def make_tables(db: Any) -> None:
    db.create_table(
        TableName="websocket-connections",
        KeySchema=[{"AttributeName": "connectionId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "connectionId", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    db.create_table(
        TableName="sensor-data",
        KeySchema=[
            {"AttributeName": "connectionId", "KeyType": "HASH"},
            {"AttributeName": "timestamp", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "connectionId", "AttributeType": "S"},
            {"AttributeName": "timestamp", "AttributeType": "N"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )


@pytest.fixture
def cloud(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Backend, Posted, Any]]:
    for k, v in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(k, v)
    with mock_aws():
        db = boto3.client("dynamodb", region_name="us-east-1")
        make_tables(db)
        posted = Posted()
        b = Backend(store=StateStore(db), post=posted, config=AnalysisConfig())
        handlers.set_backend(b)
        try:
            yield b, posted, db
        finally:
            handlers.set_backend(None)


def event(conn_id: str, route: str, body: Any = None, t_ms: float | None = None) -> dict:
    ctx = {
        "connectionId": conn_id,
        "routeKey": route,
        "requestId": uuid.uuid4().hex[:8],
        "domainName": "abc.execute-api.us-east-1.amazonaws.com",
        "stage": "dev",
        "identity": {"sourceIp": "203.0.113.9"},
    }
    if t_ms is not None:
        ctx["requestTimeEpoch"] = int(t_ms)
    ev: dict[str, Any] = {"requestContext": ctx, "headers": {"User-Agent": "test-phone/1"}}
    if body is not None:
        ev["body"] = body if isinstance(body, str) else json.dumps(body)
    return ev


def scene_wires(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in SCENES[name].read_text().splitlines()]


def rules_on(wires: list[dict[str, Any]], device: str) -> list[Description]:
    out: list[Description] = []

    class Sink:
        def publish(self, d: Description) -> None:
            out.append(d)

        def count(self, *a: Any) -> None: ...
        def window_closed(self, *a: Any) -> None: ...
        def set_state(self, *a: Any) -> None: ...
        def problem(self, *a: Any) -> None: ...

    rules = RulesAnalyzer()
    rules.bind(Sink())  # type: ignore[arg-type]
    for w in wires:
        rules.submit(decode_frame(w, device_id=device, arrival_ms=float(w["timestamp"])))
    return out


@pytest.mark.parametrize("scene", sorted(SCENES))
def test_the_handlers_describe_as_the_embedded_rules_window_for_window(
    cloud: tuple[Backend, Posted, Any], scene: str
) -> None:
    _b, posted, _db = cloud
    wires = scene_wires(scene)
    handlers.connect(event("c1", "$connect"))
    for w in wires:
        # the device's clock is stale on purpose: windows are on requestTimeEpoch
        body = {"action": "sensor-data", **w, "timestamp": 1}
        handlers.sensor_data(event("c1", "sensor-data", body, t_ms=w["timestamp"]))
    got = posted.descriptions("c1")
    want = rules_on(wires, "c1")
    assert [m["data"] for m in got] == [d.text for d in want]
    assert all(m["fallback"] is True for m in got)  # no agent configured: the rules
    from intelivision_desktop.core.codec import encode_summary

    assert [m["dataUsed"] for m in got] == [
        json.loads(json.dumps(encode_summary(d.summary))) for d in want if d.summary
    ]


class AtomicOperations:
    """The DynamoDB client with each operation atomic, as DynamoDB's are.

    moto's in-process backend reads and writes an item without a lock: two threads' ``ADD seq
    1`` can both read the same value, two conditional updates can both pass. Real DynamoDB
    never does that. Serialising each call keeps the handlers' own interleaving (number, put,
    claim, read, in any order across invocations) while each call is one atomic step."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self._lock = threading.Lock()
        self.exceptions = client.exceptions

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._client, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return method(*args, **kwargs)

        return call


def test_concurrent_invocations_lose_no_frame_and_describe_each_window_once(
    cloud: tuple[Backend, Posted, Any],
) -> None:
    b, posted, db = cloud
    b.store.db = AtomicOperations(b.store.db)
    claims: list[Any] = []
    closed_windows: list[Any] = []
    real_claim = b.store.claim

    def recording_claim(*args: Any, **kwargs: Any) -> Any:
        c = real_claim(*args, **kwargs)
        if c is not None:
            claims.append(c)
        return c

    b.store.claim = recording_claim  # type: ignore[method-assign]

    def describe(closed: Any, conn_id: str) -> tuple[str, bool, dict[str, Any]]:
        closed_windows.append(closed)
        return f"ventana {len(closed.window.frames)}", False, {}

    b.describe = describe
    handlers.connect(event("c1", "$connect"))
    n = 240
    t0 = 1_767_000_000_000
    frames = []
    for i in range(n):
        mov = "se_acerca" if i % 2 else "cruzando"  # always news: every window is described
        frames.append(
            {"personas": [], "objetos": [{"tipo": "car", "movimiento": mov, "direccion": "frente"}]}
        )
    # 12 threads at once, each frame's arrival time close to its order (up to 60 ms apart)
    rng = random.Random(7)
    times = sorted(t0 + 40 * i + rng.uniform(0, 60) for i in range(n))
    work = list(zip(times, frames, strict=True))
    errors: list[BaseException] = []

    def worker(part: list[tuple[float, dict[str, Any]]]) -> None:
        try:
            for t, f in part:
                handlers.sensor_data(event("c1", "sensor-data", {"action": "sensor-data", **f}, t))
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(work[k::12],)) for k in range(12)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(300)  # a loaded machine is slow; every invocation must end all the same
    assert not any(th.is_alive() for th in threads)
    assert not errors
    state = b.store.read_state("c1")
    assert state.seq == n  # every frame numbered
    # the claimed windows partition the frames 1 … cut: no gap, no overlap
    ranges = sorted((c.first_seq, c.last_seq) for c in claims)
    assert ranges[0][0] == 1
    for (_a1, b1), (a2, _b2) in itertools.pairwise(ranges):
        assert a2 == b1 + 1
    assert ranges[-1][1] == state.cut
    # one description per window, each window's frames all there
    assert len(posted.descriptions("c1")) == len(claims) == len(closed_windows)
    assert b.counts.get("frames_missing", 0) == 0
    in_windows = sum(c.last_seq - c.first_seq + 1 for c in claims)
    assert in_windows == state.cut
    # what is left is the open window: frames that came less than a window after its start
    rest = db.query(
        TableName="sensor-data",
        KeyConditionExpression="connectionId = :c AND #ts > :cut",
        ExpressionAttributeNames={"#ts": "timestamp"},
        ExpressionAttributeValues={":c": {"S": "c1"}, ":cut": {"N": str(state.cut)}},
    )["Items"]
    assert len(rest) == n - state.cut
    assert all(float(it["arrivalMs"]["N"]) - state.lp < 2000 for it in rest)


def test_connect_ping_unknown_and_bad_frames(cloud: tuple[Backend, Posted, Any]) -> None:
    b, posted, db = cloud
    assert handlers.connect(event("c2", "$connect"))["statusCode"] == 200
    item = db.get_item(TableName="websocket-connections", Key={"connectionId": {"S": "c2"}})
    assert item["Item"]["userAgent"]["S"] == "test-phone/1"
    assert int(item["Item"]["ttl"]["N"]) > 0
    handlers.ping(event("c2", "ping", {"action": "ping"}, 1000))
    assert posted.messages["c2"][-1]["type"] == "pong"
    handlers.default(event("c2", "$default", {"action": "dance"}, 1000))
    assert "Unknown action 'dance'" in posted.messages["c2"][-1]["message"]
    for bad in (
        "not json",
        "[1,2]",
        {"action": "sensor-data", "hello": 1},
        {"action": "sensor-data", "personas": [{"confianza": float("nan")}]},
    ):
        body = bad if isinstance(bad, str) else json.dumps(bad).replace("NaN", "NaN")
        handlers.sensor_data(event("c2", "sensor-data", body, T0))
    bad_answers = [m for m in posted.messages["c2"] if m.get("message", "").startswith("Bad frame")]
    assert len(bad_answers) == 4
    assert b.counts["malformed"] == 4
    # the wrapped form is a frame like the flat one
    wrapped = {
        "action": "sensor-data",
        "data": {"personas": [{"posicion": "frente"}], "objetos": []},
    }
    handlers.sensor_data(event("c2", "sensor-data", wrapped, T0 + 5000))
    assert posted.descriptions("c2")[-1]["data"]
    handlers.disconnect(event("c2", "$disconnect"))
    assert "Item" not in db.get_item(
        TableName="websocket-connections", Key={"connectionId": {"S": "c2"}}
    )


def test_a_gone_connection_is_removed(cloud: tuple[Backend, Posted, Any]) -> None:
    b, posted, db = cloud
    handlers.connect(event("c3", "$connect"))
    posted.gone.add("c3")
    frame = {"action": "sensor-data", "personas": [{"posicion": "frente"}], "objetos": []}
    handlers.sensor_data(event("c3", "sensor-data", frame, T0))
    assert b.counts["gone"] == 1
    assert "Item" not in db.get_item(
        TableName="websocket-connections", Key={"connectionId": {"S": "c3"}}
    )


def test_a_failing_ai_is_replaced_by_the_rules_marked_fallback(
    cloud: tuple[Backend, Posted, Any],
) -> None:
    b, posted, _db = cloud

    def broken(closed: Any, conn_id: str) -> tuple[str, bool, dict[str, Any]]:
        raise TimeoutError("the agent took too long")

    b.describe = broken
    handlers.connect(event("c4", "$connect"))
    frame = {
        "action": "sensor-data",
        "personas": [{"posicion": "izquierda", "expresion": "feliz"}],
        "objetos": [],
    }
    handlers.sensor_data(event("c4", "sensor-data", frame, T0))
    (d,) = posted.descriptions("c4")
    assert d["fallback"] is True
    assert d["data"] == "Persona alegre izquierda"
    assert b.counts["fallback"] == 1


def test_the_agent_describes_with_one_session_per_connection_and_failures_fall_back(
    cloud: tuple[Backend, Posted, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from intelivision_desktop.cloud.agent import AgentDescriber
    from intelivision_desktop.cloud.handlers import bedrock_describer_from_env
    from tests.integration.bedrock_emulator import BedrockEmulator, Reply

    b, posted, _db = cloud
    monkeypatch.delenv("AWS_BEARER_TOKEN_BEDROCK", raising=False)
    assert bedrock_describer_from_env({}) is None  # no agent configured: the rules
    with BedrockEmulator() as emu:
        env = {
            "BEDROCK_AGENT_ID": "AGENT12345",
            "BEDROCK_AGENT_ALIAS_ID": "ALIAS12345",
            "AWS_REGION": "us-east-1",
            "BEDROCK_ENDPOINT_URL": emu.url,
            "BEDROCK_DEADLINE_S": "3",
        }
        describer = bedrock_describer_from_env(env)
        assert isinstance(describer, AgentDescriber)
        b.describe = describer
        emu.queue(
            Reply.agent("Niño saludando ", "izquierda"),
            Reply.agent("Coche acercándose"),
            Reply.stream_exception("throttlingException", "slow down"),
            Reply.agent("Tarde", delay_s=5.0),
        )
        person = {
            "action": "sensor-data",
            "objetos": [],
            "personas": [{"posicion": "izquierda", "expresion": "feliz"}],
        }
        car = {
            "action": "sensor-data",
            "personas": [],
            "objetos": [{"tipo": "car", "movimiento": "se_acerca", "direccion": "frente"}],
        }
        for conn in ("a", "b"):
            handlers.connect(event(conn, "$connect"))
        handlers.sensor_data(event("a", "sensor-data", person, T0))
        handlers.sensor_data(event("b", "sensor-data", car, T0))
        handlers.sensor_data(event("a", "sensor-data", car, T0 + 2000))  # throttled
        handlers.sensor_data(event("a", "sensor-data", person, T0 + 4000))  # too slow
        a = posted.descriptions("a")
        assert [(m["data"], m["fallback"]) for m in a] == [
            ("Niño saludando izquierda", False),
            ("coche acercándose frente", True),
            ("Persona alegre izquierda", True),
        ]
        assert posted.descriptions("b")[0]["data"] == "Coche acercándose"
        sessions = {r.session_id for r in emu.requests}
        assert sessions == {"intelivision-a", "intelivision-b"}  # one agent session each
        assert b.counts["fallback"] == 2
