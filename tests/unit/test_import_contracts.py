"""The house's import rules, from its own import graph (issue 14):

- import-linter's contracts in pyproject.toml (``[tool.importlinter]``): the layers app → ui →
  (cloud) → io → core, no Qt below ui or in the Lambda handlers, no io in ui (it binds to
  core's capabilities and gets files and ports from app), the handlers on core and the
  synchronous Bedrock client only, nothing importing the handlers;
- no circle between modules: for every import A → B of the package, no chain leads back from
  B to A (grimp, import-linter's graph; imports inside functions count, imports for type
  checking only do not: they never run).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import grimp


def test_import_linter_contracts_are_kept(repo_root: Path) -> None:
    lint = shutil.which("lint-imports")
    assert lint is not None, "import-linter is a dev dependency; run the tests through ./run test"
    proc = subprocess.run(
        [lint, "--no-cache"], cwd=repo_root, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


def circles(package: str = "intelivision_desktop") -> list[list[str]]:
    graph = grimp.build_graph(package, cache_dir=None, exclude_type_checking_imports=True)
    found: list[list[str]] = []
    seen: set[frozenset[str]] = set()
    for a in sorted(graph.modules):
        for b in sorted(graph.find_modules_directly_imported_by(a)):
            chain = graph.find_shortest_chain(importer=b, imported=a)
            if chain and frozenset(chain) not in seen:
                seen.add(frozenset(chain))
                found.append([a, *chain])
    return found


def test_no_module_level_circle() -> None:
    assert circles() == []


def test_the_circle_check_finds_a_circle(tmp_path: Path, monkeypatch: object) -> None:
    pkg = tmp_path / "circ"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from circ import b\n")
    (pkg / "b.py").write_text("def f():\n    from circ import a\n")
    import sys

    sys.path.insert(0, str(tmp_path))
    try:
        assert circles("circ") == [["circ.a", "circ.b", "circ.a"]]
    finally:
        sys.path.remove(str(tmp_path))
