"""The layer rule (DESIGN.md "Layers"): ``core`` and ``io`` never import Qt.

Each check runs in a fresh interpreter with a ``sys.meta_path`` finder that refuses
PySide6, shiboken6, pyqtgraph and qasync, so an import anywhere under ``core`` or ``io``
(direct or through a dependency) fails loudly. A second check proves the blocker bites: the
Qt-based ``ui`` layer must fail to import under it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

BLOCKED = ("PySide6", "shiboken6", "pyqtgraph", "qasync")

_PRELUDE = textwrap.dedent(
    """
    import importlib
    import importlib.abc
    import json
    import pkgutil
    import sys

    BLOCKED = {blocked!r}

    class QtBlocker(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ImportError(f"blocked by the layer test: {{name}}")
            return None

    sys.meta_path.insert(0, QtBlocker())
    already = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)
    if already:
        raise SystemExit(f"blocked modules were imported before the blocker: {{already}}")
    """
).format(blocked=set(BLOCKED))

_IMPORT_CORE_AND_IO = textwrap.dedent(
    """
    def fail(name):
        raise

    imported = []
    for pkg_name in ("intelivision_desktop.core", "intelivision_desktop.io"):
        pkg = importlib.import_module(pkg_name)
        imported.append(pkg_name)
        for info in pkgutil.walk_packages(pkg.__path__, pkg_name + ".", onerror=fail):
            importlib.import_module(info.name)
            imported.append(info.name)
    leaked = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)
    if leaked:
        raise SystemExit(f"blocked modules present after import: {leaked}")
    print(json.dumps(imported))
    """
)

_IMPORT_UI = textwrap.dedent(
    """
    try:
        import intelivision_desktop.ui.plots  # noqa: F401
    except ImportError as exc:
        print("blocked: " + str(exc))
        raise SystemExit(3)
    print("imported")
    """
)


def _run(body: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _PRELUDE + body],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        check=False,
    )


def test_core_and_io_import_without_qt(repo_root: Path) -> None:
    proc = _run(_IMPORT_CORE_AND_IO, repo_root)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    imported = set(json.loads(proc.stdout.strip().splitlines()[-1]))
    # The walk found real modules, not an empty package list.
    for expected in (
        "intelivision_desktop.core.session",
        "intelivision_desktop.core.recording",
        "intelivision_desktop.core.embedded",
        "intelivision_desktop.io.sources",
        "intelivision_desktop.io.registry",
        "intelivision_desktop.io.recorder",
    ):
        assert expected in imported
    on_disk = {
        f"intelivision_desktop.{layer}.{p.stem}"
        for layer in ("core", "io")
        for p in (repo_root / "intelivision_desktop" / layer).glob("*.py")
        if p.stem != "__init__"
    }
    assert on_disk <= imported, f"not imported: {sorted(on_disk - imported)}"


def test_blocker_stops_qt_imports(repo_root: Path) -> None:
    proc = _run(_IMPORT_UI, repo_root)
    assert proc.returncode == 3, proc.stderr + proc.stdout
    assert "blocked by the layer test" in proc.stdout
