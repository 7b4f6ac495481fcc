"""The LAN pairing token: made once, kept 0600 in the config dir, replaced on request."""

from __future__ import annotations

import os
from pathlib import Path

from intelivision_desktop.app.pairing import load_or_create, new_token, with_token


def test_token_is_kept_private_and_stable(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "pairing-token"
    first = load_or_create(path)
    assert load_or_create(path) == first
    assert path.stat().st_mode & 0o777 == 0o600
    os.chmod(path, 0o644)  # a copy restored loosely is tightened
    assert load_or_create(path) == first
    assert path.stat().st_mode & 0o777 == 0o600
    second = new_token(path)
    assert second != first
    assert load_or_create(path) == second


def test_a_damaged_token_file_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "pairing-token"
    path.write_bytes(b"\xff\xfe not a token")
    token = load_or_create(path)
    assert len(token) >= 16
    assert path.read_text().strip() == token


def test_with_token_adds_it_only_when_none_is_named() -> None:
    assert with_token("serve://127.0.0.1:3001", "abc") == "serve://127.0.0.1:3001?token=abc"
    assert with_token("serve://h:1?rate=5", "abc") == "serve://h:1?rate=5&token=abc"
    assert with_token("serve://h:1?token=none", "abc") == "serve://h:1?token=none"
    assert with_token("demo://", "abc") == "demo://"
