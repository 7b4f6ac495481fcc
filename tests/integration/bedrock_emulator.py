"""A Bedrock emulator on 127.0.0.1 that real boto3 clients can talk to (PROTOCOL.md §5).

It answers InvokeAgent (``POST /agents/{agentId}/agentAliases/{aliasId}/sessions/{sessionId}/text``)
and ConverseStream (``POST /model/{modelId}/converse-stream``) with AWS event-stream messages
over HTTP/1.1 chunked transfer encoding (each message flushed as its own chunk, as AWS streams
them), and records every request boto3 sent (method, path, headers, body).

Event-stream message layout, all big-endian::

    total length (4) | headers length (4) | CRC32 of those 8 bytes (4)
    headers: name length (1) | name | type 7 = string (1) | value length (2) | value
    payload (JSON)
    CRC32 of everything before it (4)

Scripting: queue :class:`Reply` objects (used in order, one per request), or set
``responder`` to a function of the :class:`Recorded` request; otherwise the default reply is a
short description for the operation that was called.
"""

from __future__ import annotations

import base64
import json
import struct
import threading
import time
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

DEFAULT_TEXT = "Persona alegre saludando izquierda"

Pause = float
"""A float in :attr:`Reply.frames`: wait that many seconds before the next message."""


# --- event-stream encoding ----------------------------------------------------------------


def encode_headers(headers: Mapping[str, str]) -> bytes:
    out = bytearray()
    for name, value in headers.items():
        n = name.encode("utf-8")
        v = value.encode("utf-8")
        out += struct.pack(">B", len(n)) + n + b"\x07" + struct.pack(">H", len(v)) + v
    return bytes(out)


def encode_message(headers: Mapping[str, str], payload: bytes) -> bytes:
    """One event-stream message: prelude, prelude CRC, headers, payload, message CRC."""
    h = encode_headers(headers)
    total = 12 + len(h) + len(payload) + 4
    prelude = struct.pack(">II", total, len(h))
    head = prelude + struct.pack(">I", zlib.crc32(prelude)) + h + payload
    return head + struct.pack(">I", zlib.crc32(head))


def event(event_type: str, payload: Any) -> bytes:
    return encode_message(
        {
            ":message-type": "event",
            ":event-type": event_type,
            ":content-type": "application/json",
        },
        json.dumps(payload).encode("utf-8"),
    )


def exception_event(exception_type: str, message: str) -> bytes:
    """An in-stream exception (boto3 raises EventStreamError with this lower-camel code)."""
    return encode_message(
        {
            ":message-type": "exception",
            ":exception-type": exception_type,
            ":content-type": "application/json",
        },
        json.dumps({"message": message}).encode("utf-8"),
    )


def error_message(code: str, message: str) -> bytes:
    """An event-stream ``error`` message (code and message in headers)."""
    return encode_message(
        {":message-type": "error", ":error-code": code, ":error-message": message}, b""
    )


def corrupt(message: bytes) -> bytes:
    """The same message with its trailing CRC wrong (boto3: ChecksumMismatch)."""
    return message[:-1] + bytes([message[-1] ^ 0xFF])


# InvokeAgent events


def chunk(text: str) -> bytes:
    return event("chunk", {"bytes": base64.b64encode(text.encode("utf-8")).decode("ascii")})


def trace(rationale: str, *, agent_id: str = "AGENT12345", session_id: str = "s") -> bytes:
    return event(
        "trace",
        {
            "agentId": agent_id,
            "agentAliasId": "ALIAS12345",
            "sessionId": session_id,
            "eventTime": "2025-01-01T00:00:00Z",
            "trace": {"orchestrationTrace": {"rationale": {"traceId": "t-1", "text": rationale}}},
        },
    )


# ConverseStream events


def message_start() -> bytes:
    return event("messageStart", {"role": "assistant"})


def delta(text: str, index: int = 0) -> bytes:
    return event("contentBlockDelta", {"contentBlockIndex": index, "delta": {"text": text}})


def block_stop(index: int = 0) -> bytes:
    return event("contentBlockStop", {"contentBlockIndex": index})


def message_stop(reason: str = "end_turn") -> bytes:
    return event("messageStop", {"stopReason": reason})


def metadata(input_tokens: int, output_tokens: int, latency_ms: int = 123) -> bytes:
    return event(
        "metadata",
        {
            "usage": {
                "inputTokens": input_tokens,
                "outputTokens": output_tokens,
                "totalTokens": input_tokens + output_tokens,
            },
            "metrics": {"latencyMs": latency_ms},
        },
    )


# --- replies ------------------------------------------------------------------------------


@dataclass
class Reply:
    """What the emulator does with one request."""

    status: int = 200
    frames: list[bytes | Pause] = field(default_factory=list)
    """Event-stream messages to stream, or pauses between them (seconds)."""
    body: bytes | None = None
    """A plain body instead of a stream (pre-stream errors)."""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    """Wait this long before the status line."""
    stall: bool = False
    """After the frames, keep the connection open and silent until the emulator stops."""

    @classmethod
    def agent(cls, *texts: str, traces: Sequence[str] = (), delay_s: float = 0.0) -> Reply:
        """InvokeAgent: the traces first, then one chunk per text."""
        frames: list[bytes | Pause] = [trace(t) for t in traces]
        frames += [chunk(t) for t in texts]
        return cls(frames=frames, delay_s=delay_s)

    @classmethod
    def converse(
        cls,
        *deltas: str,
        usage: tuple[int, int] = (100, 5),
        latency_ms: int = 123,
        stop_reason: str = "end_turn",
        delay_s: float = 0.0,
    ) -> Reply:
        """ConverseStream: messageStart, the deltas, stops, then metadata with usage."""
        frames: list[bytes | Pause] = [message_start()]
        frames += [delta(d) for d in deltas]
        frames += [block_stop(), message_stop(stop_reason), metadata(*usage, latency_ms)]
        return cls(frames=frames, delay_s=delay_s)

    @classmethod
    def stream_exception(
        cls, exception_type: str, message: str = "emulated", *, before: Iterable[bytes] = ()
    ) -> Reply:
        return cls(frames=[*before, exception_event(exception_type, message)])

    @classmethod
    def http_error(cls, status: int, code: str, message: str = "emulated") -> Reply:
        """An error before the stream, as AWS sends it (boto3 raises the modelled class)."""
        return cls(
            status=status,
            body=json.dumps({"message": message}).encode("utf-8"),
            headers={
                "Content-Type": "application/json",
                "x-amzn-ErrorType": f"{code}:http://internal.amazon.com/coral/com.amazon.bedrock/",
            },
        )


@dataclass(frozen=True)
class Recorded:
    """A request as the emulator received it."""

    method: str
    raw_path: str
    """The path as sent (percent-encoded)."""
    headers: Mapping[str, str]
    """Header names in lower case."""
    body: bytes
    received_at: float
    """time.monotonic() on arrival."""

    @property
    def path(self) -> str:
        return unquote(self.raw_path)

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    @property
    def operation(self) -> str:
        parts = self.path.strip("/").split("/")
        if len(parts) == 7 and parts[0] == "agents" and parts[6] == "text":
            return "InvokeAgent"
        if len(parts) >= 3 and parts[0] == "model" and parts[-1] == "converse-stream":
            return "ConverseStream"
        return "unknown"

    @property
    def agent_id(self) -> str:
        return self.path.strip("/").split("/")[1]

    @property
    def alias_id(self) -> str:
        return self.path.strip("/").split("/")[3]

    @property
    def session_id(self) -> str:
        return self.path.strip("/").split("/")[5]

    @property
    def model_id(self) -> str:
        return "/".join(self.path.strip("/").split("/")[1:-1])

    @property
    def prompt(self) -> str:
        """The text boto3 sent: ``inputText`` or the first user message."""
        body = self.json()
        if "inputText" in body:
            return str(body["inputText"])
        return str(body["messages"][0]["content"][0]["text"])


# --- the server ---------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        emu = self.server.emulator
        rec = Recorded(
            "POST",
            self.path,
            {k.lower(): v for k, v in self.headers.items()},
            body,
            time.monotonic(),
        )
        reply = emu.record_and_choose(rec)
        if reply.delay_s and emu.stopping.wait(reply.delay_s):
            self.close_connection = True
            return
        try:
            self._send(rec, reply)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeouts)
            self.close_connection = True

    def _send(self, rec: Recorded, reply: Reply) -> None:
        emu = self.server.emulator
        self.send_response(reply.status)
        if reply.body is not None:
            for k, v in reply.headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(reply.body)))
            self.send_header("x-amzn-RequestId", "emulated-request-id")
            self.end_headers()
            self.wfile.write(reply.body)
            return
        self.send_header("Content-Type", "application/vnd.amazon.eventstream")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("x-amzn-RequestId", "emulated-request-id")
        if rec.operation == "InvokeAgent":
            self.send_header("x-amzn-bedrock-agent-content-type", "application/json")
            self.send_header("x-amz-bedrock-agent-session-id", rec.session_id)
        for k, v in reply.headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.flush()
        for item in reply.frames:
            if not isinstance(item, bytes):
                if emu.stopping.wait(float(item)):
                    self.close_connection = True
                    return
                continue
            self.wfile.write(f"{len(item):x}\r\n".encode("ascii") + item + b"\r\n")
            self.wfile.flush()
        if reply.stall:
            emu.stopping.wait(60.0)
            self.close_connection = True
            return
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    emulator: BedrockEmulator

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that went away mid-stream is expected in the timeout tests


class BedrockEmulator:
    """Start with ``with BedrockEmulator() as emu:``; point boto3 at :attr:`url`."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.replies: deque[Reply] = deque()
        self.responder: Callable[[Recorded], Reply] | None = None
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.emulator = self
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="bedrock-emulator",
            daemon=True,
        )

    @property
    def url(self) -> str:
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}"

    def queue(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def record_and_choose(self, rec: Recorded) -> Reply:
        with self._lock:
            self.requests.append(rec)
            if self.replies:
                return self.replies.popleft()
        if self.responder is not None:
            return self.responder(rec)
        if rec.operation == "ConverseStream":
            return Reply.converse(DEFAULT_TEXT)
        if rec.operation == "InvokeAgent":
            return Reply.agent(DEFAULT_TEXT)
        return Reply.http_error(404, "UnknownOperationException", f"no route {rec.path}")

    def start(self) -> BedrockEmulator:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def __enter__(self) -> BedrockEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
