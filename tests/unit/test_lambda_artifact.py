"""The Lambda artifact carries every module the handlers can import, lazily imported ones too.

``packaging/aws/build_artifact.py`` lists what importing the handlers loads; an import inside a
function body runs only when that code does, so it is not loaded then. Locally such a miss is
hidden (the editable install finds the module); on AWS the call fails. grimp's graph counts
imports inside functions: everything of ours the handlers reach must be in the artifact.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
HANDLERS = (
    "intelivision_desktop.cloud.handlers",
    "intelivision_desktop.cloud.authorizer",
    "intelivision_desktop.cloud.agent",
)


def _build_artifact_module() -> object:
    spec = importlib.util.spec_from_file_location(
        "build_artifact", ROOT / "packaging" / "aws" / "build_artifact.py"
    )
    assert spec is not None
    assert spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_artifact", mod)
    spec.loader.exec_module(mod)
    return mod


def test_every_module_the_handlers_reach_is_in_the_artifact() -> None:
    ba = _build_artifact_module()
    packed = {
        p.relative_to(ROOT).with_suffix("").as_posix().replace("/", ".").removesuffix(".__init__")
        for p in ba.module_files(ba.loaded_modules())  # type: ignore[attr-defined]
    }
    graph = grimp.build_graph("intelivision_desktop", cache_dir=None)
    reached: set[str] = set(HANDLERS)
    for handler in HANDLERS:
        reached |= graph.find_upstream_modules(handler)
    missing = sorted(reached - packed)
    assert not missing, f"imported by the handlers but not in the artifact: {missing}"
    assert "intelivision_desktop.core.pipeline" in packed  # the check sees real modules
