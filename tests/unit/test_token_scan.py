"""The suite-wide check for secrets on disk can fail: it finds a planted token."""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.conftest import _SCAN_BLOCK, TEST_TOKENS, files_with_tokens


def test_the_scanner_finds_planted_tokens_and_skips_python_files() -> None:
    # planted outside pytest's temporary folder, so the real end-of-session scan stays clean
    with tempfile.TemporaryDirectory(prefix="iv-token-scan-") as d:
        root = Path(d)
        (root / "logs").mkdir()
        (root / "logs" / "app.log").write_text(
            f"INFO link: GET /dev?token={TEST_TOKENS[0]}\n", encoding="utf-8"
        )
        (root / "settings.json").write_text('{"token": "[REDACTED]"}', encoding="utf-8")
        (root / "conftest.py").write_text(f"TOKEN = {TEST_TOKENS[0]!r}\n", encoding="utf-8")
        # across the scanner's block boundary, in binary data
        blob = b"\x00" * (_SCAN_BLOCK - 3) + TEST_TOKENS[1].encode() + b"\xff" * 10
        (root / "rec.bin").write_bytes(blob)
        hits = files_with_tokens([root, root / "missing"])
    found = {(p.relative_to(root).as_posix(), t) for p, t in hits}
    assert found == {("logs/app.log", TEST_TOKENS[0]), ("rec.bin", TEST_TOKENS[1])}


def test_a_clean_folder_has_no_hits() -> None:
    with tempfile.TemporaryDirectory(prefix="iv-token-scan-") as d:
        (Path(d) / "a.log").write_text("token=[REDACTED] Bearer [REDACTED]\n", encoding="utf-8")
        assert files_with_tokens([Path(d)]) == []
