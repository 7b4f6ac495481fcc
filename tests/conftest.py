"""Test set-up shared by every suite.

- Qt renders offscreen (set before anything imports Qt) and never touches the user's real
  settings, logs or data: XDG folders and the log folder point into a temporary directory.
- Tests that use ``qapp``/``qtbot``/``qloop`` are marked ``gui`` automatically, so
  ``pytest -m "not gui"`` runs the fast Qt-free suite.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_HOME = Path(tempfile.mkdtemp(prefix="iv-test-home-"))
for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
    os.environ[var] = str(_HOME / var.lower())
os.environ["INTELIVISION_LOG_DIR"] = str(_HOME / "logs")
for var in ("AGGREGATION_WINDOW_MS", "MAX_AGGREGATION_SIZE", "AWS_BEARER_TOKEN_BEDROCK"):
    os.environ.pop(var, None)

GUI_FIXTURES = {"qapp", "qtbot", "qloop", "window"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if GUI_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.gui)


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


@pytest.fixture
def python_exe() -> str:
    return sys.executable
