"""A stand-in deployment for observer tests, written from the fleet protocol (not from our code).

It admits observers (``?role=observer&token=…`` or the ``/observe?token=…`` path), refuses a
bad token at the handshake (HTTP 403), sends each new observer a snapshot of the connected
devices, then fans out whatever the test makes its simulated devices do. Pings from observers
are counted.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.http11 import Request, Response

T0 = 1_767_000_000_000


@dataclass
class SimDevice:
    device: str
    user_agent: str
    ip: str
    at: int


@dataclass
class FleetBackend:
    token: str = "operator-secret"
    observers: set[ServerConnection] = field(default_factory=set)
    devices: dict[str, SimDevice] = field(default_factory=dict)
    pings: int = 0
    ignored: int = 0
    admitted: int = 0
    server: Server | None = None

    @property
    def port(self) -> int:
        assert self.server is not None
        return int(self.server.sockets[0].getsockname()[1])

    def url(self, token: str | None = None) -> str:
        return f"observe+ws://127.0.0.1:{self.port}/dev?role=observer&token={token or self.token}"

    async def start(self) -> FleetBackend:
        self.server = await serve(self._handler, "127.0.0.1", 0, process_request=self._authorize)
        return self

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()

    async def drop_observers(self) -> None:
        """Close every observer's connection (a deployment restart)."""
        for ws in list(self.observers):
            await ws.close(1001)

    def _authorize(self, _conn: ServerConnection, request: Request) -> Response | None:
        parts = urlsplit(request.path)
        query = parse_qs(parts.query)
        observer = query.get("role") == ["observer"] or parts.path == "/observe"
        if not observer or query.get("token") != [self.token]:
            return Response(403, "Forbidden", Headers(), b"forbidden\n")
        return None

    async def _handler(self, ws: ServerConnection) -> None:
        self.admitted += 1
        for d in self.devices.values():  # the snapshot first
            await ws.send(json.dumps(self._connected(d)))
        self.observers.add(ws)
        try:
            async for message in ws:
                try:
                    if json.loads(message) == {"action": "ping"}:
                        self.pings += 1
                        continue
                except ValueError:
                    pass
                self.ignored += 1
        finally:
            self.observers.discard(ws)

    @staticmethod
    def _connected(d: SimDevice) -> dict[str, Any]:
        return {
            "type": "device-connected",
            "device": d.device,
            "at": d.at,
            "userAgent": d.user_agent,
            "sourceIp": d.ip,
        }

    async def send(self, event: dict[str, Any] | str) -> None:
        text = event if isinstance(event, str) else json.dumps(event, ensure_ascii=False)
        for ws in list(self.observers):
            await ws.send(text)

    # --- what simulated devices do -----------------------------------------------------------

    async def connect(self, device: str, user_agent: str, at: int, ip: str = "10.0.0.9") -> None:
        d = self.devices[device] = SimDevice(device, user_agent, ip, at)
        await self.send(self._connected(d))

    async def disconnect(self, device: str, at: int) -> None:
        self.devices.pop(device, None)
        await self.send({"type": "device-disconnected", "device": device, "at": at})

    async def window(
        self, device: str, at: int, data_used: dict[str, Any], *, frames: int = 10
    ) -> None:
        await self.send(
            {
                "type": "window",
                "device": device,
                "at": at,
                "relevant": True,
                "frames": frames,
                "cameraActive": True,
                "dataUsed": data_used,
            }
        )

    async def describe(
        self, device: str, at: int, text: str, data_used: dict[str, Any], *, fallback: bool
    ) -> None:
        await self.send(
            {
                "type": "ai-description",
                "device": device,
                "at": at,
                "data": text,
                "fallback": fallback,
                "dataUsed": data_used,
                "latencyMs": 812.0,
            }
        )


def people(count: int, gesture: str = "saludando") -> dict[str, Any]:
    """A ``dataUsed`` with one group of ``count`` people (PROTOCOL §3 shape)."""
    return {
        "personas": [
            {
                "posicion": "frente",
                "distancia": "1.5m",
                "expresion": "feliz",
                "gesto": gesture,
                "count": count,
            }
        ],
        "objetos": [],
        "totalDatos": 10,
    }


def cars(count: int) -> dict[str, Any]:
    return {
        "personas": [],
        "objetos": [
            {
                "tipo": "coche",
                "tipoOriginal": "car",
                "movimiento": "acercandose",
                "direccion": "izquierda",
                "distancia": "4.0m",
                "count": count,
            }
        ],
        "totalDatos": 10,
    }


async def fleet_scenario(backend: FleetBackend) -> None:
    """Three devices: windows and descriptions from each, then the third leaves."""
    phones = {
        "conn-a": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) AppleWebKit Safari/604.1",
        "conn-b": "Mozilla/5.0 (Linux; Android 14) AppleWebKit Chrome/120.0 Mobile Safari",
        "conn-c": "InteliVision-App/1.2 okhttp/4.9",
    }
    for i, (dev, ua) in enumerate(phones.items()):
        await backend.connect(dev, ua, T0 + i)
    for k in range(3):
        t = T0 + 2000 * (k + 1)
        await backend.window("conn-a", t, people(2))
        await backend.window("conn-b", t + 10, cars(500))
        await backend.window("conn-c", t + 20, people(1, "ninguno"))
    await backend.describe("conn-a", T0 + 2100, "Dos personas saludando", people(2), fallback=False)
    await backend.describe("conn-b", T0 + 2110, "Coche acercándose", cars(500), fallback=True)
    await backend.describe("conn-c", T0 + 4120, "Persona al frente", people(1), fallback=False)
    await backend.send({"type": "observers", "count": 2})
    await backend.disconnect("conn-c", T0 + 7000)
    await asyncio.sleep(0)
