"""The LAN pairing token of "Accept devices" (serve mode), kept across launches.

Phones and glasses present this token when they connect to the app. It used to be made anew
at every launch, so every device had to be paired again each morning. It is now generated
once and kept in ``pairing-token`` in the config directory, readable by this user only
(0600), never in ``settings.json`` (the settings file keeps no secrets). "New pairing
token…" replaces it; devices must then be paired again.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

from intelivision_desktop.app.settings import config_dir

log = logging.getLogger(__name__)

TOKEN_FILE = "pairing-token"
TOKEN_BYTES = 16


def token_path() -> Path:
    return config_dir() / TOKEN_FILE


def _valid(token: str) -> bool:
    return 16 <= len(token) <= 128 and all(c.isalnum() or c in "-_" for c in token)


def write_token(token: str, path: Path | None = None) -> None:
    """Store ``token`` with owner-only permissions (replacing the file atomically)."""
    path = path or token_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, (token + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    with contextlib.suppress(OSError):  # Windows: permissions follow the user's profile
        os.chmod(path, 0o600)


def new_token(path: Path | None = None) -> str:
    """Make a new token and keep it (devices paired with the old one must pair again)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    write_token(token, path)
    log.info("a new pairing token was made")  # never the token itself
    return token


def load_or_create(path: Path | None = None) -> str:
    """The kept token; made and kept on first use, or when the file is unreadable."""
    path = path or token_path()
    try:
        token = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return new_token(path)
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("pairing token file unreadable (%s); making a new one", type(exc).__name__)
        return new_token(path)
    if not _valid(token):
        log.warning("pairing token file damaged; making a new one")
        return new_token(path)
    with contextlib.suppress(OSError):
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)  # tighten a copy restored from a backup
    return token


def with_token(url: str, token: str) -> str:
    """A ``serve://`` URL with ``token=`` added unless it already names one (or ``none``)."""
    parts = urlsplit(url)
    if parts.scheme != "serve" or "token" in parse_qs(parts.query, keep_blank_values=True):
        return url
    query = (parts.query + "&" if parts.query else "") + urlencode({"token": token})
    return parts._replace(query=query).geturl()
