"""Test set-up shared by every suite.

- Qt renders offscreen (set before anything imports Qt) and never touches the user's real
  settings, logs or data: XDG folders and the log folder point into a temporary directory.
- Tests that use ``qapp``/``qtbot``/``qloop`` are marked ``gui`` automatically, so
  ``pytest -m "not gui"`` runs the fast Qt-free suite.
- No secret reaches disk: at the end of the session every file written under pytest's
  temporary folder and the test home (logs, settings, data) is searched for the suite's test
  tokens (:data:`TEST_TOKENS`); one found fails the run with the files named. Tests hand these
  tokens to the app (``--token``, ``?token=``, backends); a test that deliberately writes a
  secret into an input file uses another value (``tok-SECRET``, ``tok-LOG1`` …).
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
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

TEST_TOKENS: tuple[str, ...] = (
    "s3cret",
    "hunter2",
    "tok123",
    "tok-STATE",
    "tok-PROBLEM",
    "tok-EXTRA",
    "iv-test-token-7f3a9c",
)
"""Secrets the suite gives the app; none may appear in any file the app writes."""
SCAN_SKIP_SUFFIXES = (".py", ".pyc")
_SCAN_BLOCK = 1 << 20


def files_with_tokens(
    roots: Iterable[Path], tokens: Iterable[str] = TEST_TOKENS
) -> list[tuple[Path, str]]:
    """(file, token) for every file under ``roots`` (not ``.py``) holding one of ``tokens``."""
    needles = [t.encode() for t in tokens]
    overlap = max((len(n) for n in needles), default=1) - 1
    hits: list[tuple[Path, str]] = []
    for root in roots:
        if not root.is_dir():
            continue
        for dirpath, _dirs, names in os.walk(root):
            for name in names:
                path = Path(dirpath) / name
                if name.endswith(SCAN_SKIP_SUFFIXES) or not path.is_file():
                    continue
                found = _tokens_in(path, needles, overlap)
                hits += [(path, t.decode()) for t in found]
    return hits


def _tokens_in(path: Path, needles: list[bytes], overlap: int) -> list[bytes]:
    found: list[bytes] = []
    try:
        with path.open("rb") as fh:
            tail = b""
            while block := fh.read(_SCAN_BLOCK):
                window = tail + block
                found += [n for n in needles if n not in found and n in window]
                tail = window[-overlap:] if overlap else b""
    except OSError:
        return []
    return found


@pytest.fixture(scope="session", autouse=True)
def _no_test_token_on_disk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Fails the run if a test token reached any file the tests made the app write."""
    base = tmp_path_factory.getbasetemp()
    yield
    hits = files_with_tokens([base, _HOME])
    if hits:
        listed = "\n".join(f"  {path}: {token!r}" for path, token in hits)
        pytest.fail(f"test tokens written to disk:\n{listed}", pytrace=False)


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


@pytest.fixture(autouse=True)
def _garbage_collected_on_the_main_thread() -> Iterator[None]:
    """Once Qt is up, Python's cyclic collector runs only here, after each test, on the main
    thread, as the app's MainThreadCollector does while its window lives.

    Left automatic, it runs in whichever thread allocates when a threshold is crossed: in a
    later, Qt-free test that is a worker thread (boto3, a Bedrock emulator, serial readers),
    and a QObject left by a GUI test destroyed there warns "Timers cannot be stopped from
    another thread" or crashes the process (measured: a segfault in the full suite)."""
    yield
    widgets = sys.modules.get("PySide6.QtWidgets")
    if widgets is not None and widgets.QApplication.instance() is not None:
        import gc

        if gc.isenabled():
            gc.disable()
            gc.collect()
            return
        # as the automatic collector would have, by generation, but here
        (c0, c1, c2), (t0, t1, t2) = gc.get_count(), gc.get_threshold()
        if c0 > t0:
            gc.collect(2 if c2 > t2 else 1 if c1 > t1 else 0)
