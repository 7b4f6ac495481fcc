"""The code base stays ruff-clean (the rule set in pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

TREES = ("intelivision_desktop", "tests", "scripts", "benchmarks", "packaging")


def ruff(repo_root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("ruff")
    assert exe is not None, "ruff is a dev dependency; run the tests through ./run test"
    return subprocess.run(
        [exe, *args, "--no-cache", *TREES],
        cwd=repo_root,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_ruff_check_passes(repo_root: Path) -> None:
    proc = ruff(repo_root, "check")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_format_is_kept(repo_root: Path) -> None:
    proc = ruff(repo_root, "format", "--check")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_strict_on_core_io_and_cloud(repo_root: Path) -> None:
    mypy = shutil.which("mypy")
    assert mypy is not None, "mypy is a dev dependency; run the tests through ./run test"
    proc = subprocess.run(
        [
            mypy,
            "--no-incremental",
            "intelivision_desktop/core",
            "intelivision_desktop/io",
            "intelivision_desktop/cloud",
        ],
        cwd=repo_root,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
