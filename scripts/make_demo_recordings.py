"""Write the demo recordings: every scene, seed 1, to resources/recordings/<name>.jsonl.

One wire frame per line (compact JSON, UTF-8, trailing newline). Each scene starts a day after
the previous one so that no two recordings overlap in time. The output depends only on the
scene generator: running this twice gives byte-identical files.

    python scripts/make_demo_recordings.py
"""

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from intelivision_desktop.core.scenes import SCENES, generate_scene  # noqa: E402

OUT_DIR = REPO / "resources" / "recordings"
SEED = 1
FIRST_START_MS = 1_767_000_000_000
DAY_MS = 86_400_000
START_MS: dict[str, int] = {name: FIRST_START_MS + k * DAY_MS for k, name in enumerate(SCENES)}
"""Start time of each scene's recording."""


def render(name: str) -> bytes:
    """The exact bytes of scene `name`'s recording."""
    lines = [
        json.dumps(frame, separators=(",", ":"), ensure_ascii=False)
        for frame in generate_scene(name, seed=SEED, start_ms=START_MS[name])
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def main() -> int:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for name in SCENES:
        data = render(name)
        path = OUT_DIR / f"{name}.jsonl"
        path.write_bytes(data)
        frames = data.count(b"\n")
        print(f"wrote {path.relative_to(REPO)}: {frames} frames, {len(data)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
