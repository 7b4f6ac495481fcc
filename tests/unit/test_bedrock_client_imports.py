"""The synchronous Bedrock client stays loop-free (DESIGN.md: the serverless handlers import it
directly): importing it, its faults and its settings loads no asyncio, no asyncio code of
ours, no Qt. And the package still offers every name it offered as one module."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

FORBIDDEN = (
    "asyncio",
    "intelivision_desktop.io.bedrock.analyzer",
    "intelivision_desktop.io.bedrock.handoff",
    "intelivision_desktop.io.links",
    "intelivision_desktop.io.server",
    "intelivision_desktop.io.sources",
    "intelivision_desktop.core.session",
    "qasync",
    "PySide6",
    "socketio",
    "aiohttp",
    "websockets",
)


def _modules_after(code: str, cwd: Path) -> list[str]:
    body = textwrap.dedent(code) + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    proc = subprocess.run(
        [sys.executable, "-c", body],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    modules: list[str] = json.loads(proc.stdout.strip().splitlines()[-1])
    return modules


@pytest.mark.parametrize(
    "code",
    [
        "import intelivision_desktop.io.bedrock.client",
        "from intelivision_desktop.io.bedrock.client import BedrockClient, StreamEvent, jsonable",
        "from intelivision_desktop.io.bedrock.faults import BedrockFailure, classify",
        "from intelivision_desktop.io.bedrock import settings_from_url, BedrockClient",
    ],
)
def test_the_client_imports_without_asyncio(code: str, repo_root: Path) -> None:
    modules = _modules_after(code, repo_root)
    assert "intelivision_desktop.io.bedrock.client" in modules
    leaked = [m for m in modules if m.split(".")[0] in FORBIDDEN or m in FORBIDDEN]
    leaked += [m for m in modules if any(m.startswith(f + ".") for f in FORBIDDEN)]
    assert not leaked, f"{code!r} loaded {sorted(set(leaked))}"


def test_the_package_loads_the_analyzer_on_first_use(repo_root: Path) -> None:
    code = """
    import sys
    import intelivision_desktop.io.bedrock as b
    assert "intelivision_desktop.io.bedrock.analyzer" not in sys.modules
    from intelivision_desktop.io.bedrock import BedrockAnalyzer, bedrock_from_url
    from intelivision_desktop.io.bedrock.analyzer import BedrockAnalyzer as A
    assert BedrockAnalyzer is A and b.bedrock_from_url is bedrock_from_url
    """
    assert "intelivision_desktop.io.bedrock.analyzer" in _modules_after(code, repo_root)


def test_every_name_of_the_package_resolves() -> None:
    import intelivision_desktop.io.bedrock as bedrock

    for name in bedrock.__all__:
        assert getattr(bedrock, name) is not None, name
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        bedrock.nothing_here  # type: ignore[attr-defined]  # noqa: B018
