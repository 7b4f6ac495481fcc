"""Build the serverless backend's Lambda artifact: exactly the modules the handlers import.

    ./run python packaging/aws/build_artifact.py          # → packaging/aws/.build/

The module list is not written by hand: the handlers are imported in a fresh interpreter and
every ``intelivision_desktop`` module it loaded goes in (plus the package ``__init__`` files),
so the artifact cannot miss one or carry the desktop. The build fails if Qt, pyqtgraph, qasync,
numpy, aiohttp, python-socketio, websockets or asyncio-based modules of ours were loaded:
Lambda's Python runtime already has boto3, nothing else is needed.

Output: ``.build/src/`` (the tree serverless-offline runs) and ``.build/intelivision-backend.zip``
(what ``serverless deploy`` uploads), with its size printed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BUILD = HERE / ".build"
ZIP = BUILD / "intelivision-backend.zip"
FORBIDDEN = (
    "PySide6",
    "shiboken6",
    "pyqtgraph",
    "qasync",
    "numpy",
    "aiohttp",
    "socketio",
    "engineio",
    "websockets",
    "serial",
    "intelivision_desktop.ui",
    "intelivision_desktop.app",
    "intelivision_desktop.io.links",
    "intelivision_desktop.io.server",
    "intelivision_desktop.io.sources",
    "intelivision_desktop.io.bedrock.analyzer",
)

PROBE = """
import json, sys
import intelivision_desktop.cloud.handlers, intelivision_desktop.cloud.agent
print(json.dumps(sorted(m for m in sys.modules)))
"""


def loaded_modules() -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    return list(json.loads(out))


def module_files(modules: list[str]) -> list[Path]:
    files: set[Path] = set()
    for name in modules:
        if not (name == "intelivision_desktop" or name.startswith("intelivision_desktop.")):
            continue
        parts = name.split(".")
        pkg = ROOT.joinpath(*parts)
        if (pkg / "__init__.py").is_file():
            files.add(pkg / "__init__.py")
        else:
            files.add(ROOT.joinpath(*parts[:-1], parts[-1] + ".py"))
    return sorted(files)


def build() -> Path:
    modules = loaded_modules()
    bad = [m for m in modules for f in FORBIDDEN if m == f or m.startswith(f + ".")]
    if bad:
        raise SystemExit(f"the handlers import what a Lambda must not carry: {', '.join(bad)}")
    files = module_files(modules)
    shutil.rmtree(BUILD, ignore_errors=True)
    src = BUILD / "src"
    for f in files:
        dest = src / f.relative_to(ROOT)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(f, dest)
    with zipfile.ZipFile(ZIP, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(src.rglob("*.py")):
            info = zipfile.ZipInfo(str(f.relative_to(src)), date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, f.read_bytes())
    print(f"{ZIP.relative_to(ROOT)}: {len(files)} modules, {ZIP.stat().st_size / 1024:.1f} KiB")
    return ZIP


if __name__ == "__main__":
    build()
