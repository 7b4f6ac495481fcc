"""The headless command with the embedded Bedrock analyzer, against the local emulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.integration.bedrock_emulator import BedrockEmulator, Reply

AGENT = "embedded://bedrock-agent?agent_id=AGENT12345&alias_id=ALIAS12345&region=eu-west-1"


def run_cli(
    tmp_path: Path, env_extra: dict[str, str], *args: str
) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("AWS_") and k not in ("BEDROCK_AGENT_ID", "BEDROCK_AGENT_ALIAS_ID")
    }
    env.update(
        INTELIVISION_LOG_DIR=str(tmp_path / "logs"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-credentials"),
        AWS_CONFIG_FILE=str(tmp_path / "no-config"),
        AWS_EC2_METADATA_DISABLED="true",
        **env_extra,
    )
    return subprocess.run(
        [sys.executable, "-m", "intelivision_desktop", "--headless", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_headless_agent_descriptions_through_the_emulator(tmp_path: Path) -> None:
    with BedrockEmulator() as emu:
        emu.responder = lambda rec: Reply.agent("Persona ", "alegre ", "izquierda")
        proc = run_cli(
            tmp_path,
            {"AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "secret"},
            "--source",
            "demo://person_waves?speed=10",
            "--analyzer",
            AGENT,
            "--bedrock-endpoint-url",
            emu.url,
            "--duration",
            "6",
        )
        paths = [r.path for r in emu.requests]
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    agent = [d for d in lines if d.get("source") == "bedrock-agent"]
    assert agent, proc.stderr
    assert all(d["text"] == "Persona alegre izquierda" and d["fallback"] is False for d in agent)
    assert all(d["latency_ms"] is not None for d in agent)
    # one session id for the whole run, under the agent and alias asked for
    sessions = {p.split("/sessions/")[1].split("/")[0] for p in paths}
    assert len(sessions) == 1
    assert all(p.startswith("/agents/AGENT12345/agentAliases/ALIAS12345/sessions/") for p in paths)
    assert "secret" not in proc.stderr


def test_no_credentials_says_so_once_and_keeps_describing(tmp_path: Path) -> None:
    with BedrockEmulator() as emu:
        proc = run_cli(
            tmp_path,
            {},
            "--source",
            "demo://person_waves?speed=10",
            "--analyzer",
            AGENT,
            "--bedrock-endpoint-url",
            emu.url,
            "--duration",
            "5",
        )
        calls = len(emu.requests)
    assert proc.returncode == 0, proc.stderr
    printed = [json.loads(line) for line in proc.stdout.splitlines()]
    lines = [d for d in printed if d["kind"] == "description"]
    assert len(lines) >= 3
    assert all(d["fallback"] is True for d in lines)
    assert calls == 0
    # and an alert line a script can act on: the AI service fails (once), the fallback share
    alerts = [d["alert"] for d in printed if d["kind"] == "alert"]
    assert alerts.count("ai_errors") == 1, printed
    assert set(alerts) <= {"ai_errors", "fallback_rate"}
    # the operator is told once (one warning), however many windows fall back
    warnings = [
        ln for ln in proc.stderr.splitlines() if " WARNING " in ln and "credential" in ln.lower()
    ]
    assert len(warnings) == 1, warnings
