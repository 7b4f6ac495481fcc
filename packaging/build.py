"""Build the one-folder bundle with the checked-in spec, check its contents and size budget.

    python packaging/build.py [--archive] [--budget-mb N] [--no-clean]

Runs ``python -m PyInstaller`` with the interpreter that runs this script, which must have the
app's dependencies and PyInstaller importable, e.g.::

    ./run uv run --frozen --group packaging python packaging/build.py     # packaging group
    ./run uv run --frozen --with 'pyinstaller>=6.10' python packaging/build.py

Output: ``dist/intelivision-desktop/`` (``dist/InteliVision Desktop.app`` on macOS), build files
in ``build/pyinstaller/``. Prints the build time, the bundle's size and file count, and one JSON
line with the same numbers; exits 1 when the bundle is over budget or misses something it must
carry (a platform plugin, the resources, the botocore models we call), or carries something it
must not (Qt translations of languages the window does not ship, platform themes, unused
botocore models).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import re
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "intelivision-desktop.spec"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
APP_NAME = "intelivision-desktop"
MB = 1024 * 1024

# Size budget of the one-folder bundle, in MiB (2**20 bytes) of file contents, per platform.
# Measured on the project machine (Debian 12, 2 cores; PyInstaller 6.22.3, PySide6 6.12.0,
# Python 3.12.1 from pyenv, numpy 2.5): Linux 182.3 MiB in 335–349 files (213 MiB before the spec
# strips CPython's debug info; 237 MiB with the plugins' GTK/CUPS libraries and cryptography).
# About 12 % headroom, so a dependency patch release does not fail the build while a
# regression does (all Qt translations back: +14 MB; all of botocore: +27 MB; the GTK theme: +7 MB).
# The Spanish window (issue 13) adds 0.2 MiB in 3 files: Qt's qtbase_es.qm (161 KiB) and
# qtbase_en.qm (33 bytes), the app's intelivision_es.qm / intelivision_en.qm (~30 KiB); the
# budget stays at 205 MiB / 420 files (about 12 % over the measured size still).
# Windows and macOS are estimates until measured on those machines.
BUDGET_MB = {"linux": 205, "win32": 205, "darwin": 230}
BUDGET_FILES = {"linux": 420, "win32": 420, "darwin": 800}


def say(msg: str) -> None:
    sys.stdout.write(f"[build] {msg}\n")
    sys.stdout.flush()


def platform_key() -> str:
    return "linux" if sys.platform.startswith("linux") else sys.platform


def bundle_dir() -> Path:
    if sys.platform == "darwin":
        return DIST / "InteliVision Desktop.app"
    return DIST / APP_NAME


def internal_dir() -> Path:
    if sys.platform == "darwin":
        return bundle_dir() / "Contents" / "Frameworks"
    return bundle_dir() / "_internal"


def executable() -> Path:
    if sys.platform == "darwin":
        return bundle_dir() / "Contents" / "MacOS" / APP_NAME
    return bundle_dir() / (APP_NAME + (".exe" if sys.platform == "win32" else ""))


def measure(folder: Path) -> tuple[int, int]:
    """(bytes, files) of a folder; symlinks count as files of size 0 (macOS bundles use them)."""
    total = files = 0
    for dirpath, _dirs, names in os.walk(folder):
        for n in names:
            p = Path(dirpath) / n
            files += 1
            if not p.is_symlink():
                total += p.stat().st_size
    return total, files


def check_contents() -> list[str]:
    """What the bundle must and must not carry. Returns the problems found."""
    problems: list[str] = []
    internal = internal_dir()
    rel = sorted(str(p.relative_to(internal)).replace("\\", "/") for p in internal.rglob("*"))
    joined = "\n".join(rel)

    def need(pattern: str, what: str) -> None:
        if not re.search(pattern, joined, re.M):
            problems.append(f"missing {what} ({pattern})")

    def refuse(pattern: str, what: str) -> None:
        hits = [r for r in rel if re.search(pattern, r)]
        if hits:
            problems.append(f"should not carry {what}: {len(hits)} files, e.g. {hits[0]}")

    if not executable().is_file():
        problems.append(f"no executable at {executable()}")
    native = {"win32": "qwindows", "darwin": "qcocoa"}.get(sys.platform, "qxcb")
    for plugin in (native, "qoffscreen", "qminimal"):
        need(rf"plugins/platforms/(lib)?{plugin}\.(so|dll|dylib)$", f"platform plugin {plugin}")
    need(r"^intelivision_desktop/resources/recordings/.+\.jsonl$", "demo recordings")
    need(r"^intelivision_desktop/resources/icons/intelivision\.png$", "the icon")
    need(r"^intelivision_desktop/resources/prompts/", "the prompts")
    for service in ("bedrock-agent-runtime", "bedrock-runtime", "sts", "sso-oidc"):
        need(rf"^botocore/data/{service}/[^/]+/service-2\.json", f"botocore model {service}")
    need(r"^botocore/data/endpoints\.json", "botocore endpoints.json")
    need(r"^botocore/cacert\.pem$", "botocore CA bundle")
    need(r"(^|/)(lib)?Qt6?OpenGLWidgets", "QtOpenGLWidgets (pyqtgraph imports it at plot time)")
    for lang in ("es", "en"):  # the window's languages (app/i18n.py LANGUAGES)
        need(
            rf"(^|/)translations/qtbase_{lang}\.qm$", f"Qt's {lang} translations (qtbase_{lang}.qm)"
        )
        need(
            rf"^intelivision_desktop/resources/i18n/intelivision_{lang}\.qm$",
            f"the app's {lang} translations",
        )
    refuse(r"PySide6/Qt/translations/(?!qtbase_(es|en)\.qm$)", "Qt translations of other languages")
    refuse(r"^intelivision_desktop/resources/i18n/.+\.(ts|md)$", "translation sources")
    refuse(r"plugins/platformthemes/", "Qt platform themes")
    refuse(r"^botocore/data/(s3|ec2|iam|dynamodb)/", "botocore models of unused services")
    refuse(r"(^|/)(lib)?Qt6?(Quick|Qml|WebEngine)", "Qt Quick/QML/WebEngine")
    return problems


def make_archive() -> Path:
    arch = {"x86_64": "x86_64", "AMD64": "x86_64", "arm64": "arm64", "aarch64": "arm64"}.get(
        platform.machine(), platform.machine()
    )
    from importlib import import_module

    version = import_module("intelivision_desktop").__version__
    out = DIST / f"{APP_NAME}-{version}-{platform_key()}-{arch}.tar.gz"
    with tarfile.open(out, "w:gz", compresslevel=6) as tar:
        tar.add(bundle_dir(), arcname=bundle_dir().name)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budget-mb", type=float, help="size budget in MiB (default per platform)")
    ap.add_argument("--budget-files", type=int, help="file-count budget (default per platform)")
    ap.add_argument("--no-clean", action="store_true", help="reuse PyInstaller's build cache")
    ap.add_argument("--archive", action="store_true", help="also write dist/*.tar.gz")
    ap.add_argument("--skip-build", action="store_true", help="only check an existing dist/")
    args = ap.parse_args()

    key = platform_key()
    budget_mb = args.budget_mb if args.budget_mb is not None else BUDGET_MB.get(key, 200)
    budget_files = args.budget_files or BUDGET_FILES.get(key, 800)

    build_s = 0.0
    if not args.skip_build:
        if importlib.util.find_spec("PyInstaller") is None:
            say(
                "PyInstaller is not importable by "
                + sys.executable
                + "; run through the packaging group: "
                "./run uv run --frozen --group packaging python packaging/build.py"
            )
            return 2
        cmd = [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level=WARN",
            "--distpath",
            str(DIST),
            "--workpath",
            str(WORK),
        ]
        if not args.no_clean:
            cmd.append("--clean")
        cmd.append(str(SPEC))
        say(" ".join(cmd))
        t0 = time.monotonic()
        proc = subprocess.run(cmd, cwd=ROOT, check=False)
        build_s = time.monotonic() - t0
        if proc.returncode != 0:
            say(f"PyInstaller failed (exit {proc.returncode}) after {build_s:.0f} s")
            return proc.returncode
        say(f"built in {build_s:.1f} s")

    if not bundle_dir().is_dir():
        say(f"no bundle at {bundle_dir()}")
        return 1
    size, files = measure(bundle_dir())
    size_mb = size / MB
    say(f"bundle: {bundle_dir()}")
    say(f"size: {size_mb:.1f} MiB in {files} files (budget {budget_mb:.0f} MiB, {budget_files})")
    problems = check_contents()
    if size_mb > budget_mb:
        problems.append(f"over the size budget: {size_mb:.1f} MiB > {budget_mb:.0f} MiB")
    if files > budget_files:
        problems.append(f"over the file budget: {files} files > {budget_files}")
    archive = None
    if args.archive and not problems:
        t0 = time.monotonic()
        archive = make_archive()
        say(
            f"archive: {archive} ({archive.stat().st_size / MB:.1f} MiB, "
            f"{time.monotonic() - t0:.1f} s)"
        )
    sys.stdout.write(
        json.dumps(
            {
                "bundle": str(bundle_dir()),
                "platform": key,
                "build_s": round(build_s, 1),
                "size_mib": round(size_mb, 1),
                "files": files,
                "budget_mib": budget_mb,
                "budget_files": budget_files,
                "archive": str(archive) if archive else None,
                "archive_mib": round(archive.stat().st_size / MB, 1) if archive else None,
                "ok": not problems,
            }
        )
        + "\n"
    )
    for p in problems:
        say(f"FAIL: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
