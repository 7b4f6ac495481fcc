"""App options in a versioned JSON file (Qt-free; ``QSettings`` keeps only window geometry).

The file is ``settings.json`` in the platform config folder (``$INTELIVISION_CONFIG_DIR``
overrides the folder)::

    {"version": 1, "options": {"history_s": 120.0, "replay_speed": 1.0, ...}}

Reading never raises: a value of the wrong type or out of range falls back to that option's
default, a corrupt file is set aside as ``settings.json.bad-YYYYmmdd-HHMMSS``, an unreadable
one gives the defaults; each case adds a line to :attr:`SettingsStore.warnings`. The file is
read with the bounded JSON reader (:func:`~intelivision_desktop.core.codec.loads_bounded`), so
a file nested deeper than 64 levels, with a number of more than 100 digits, or with a lone
surrogate escape (``"\\ud800"``) is corrupt too (``NaN`` or ``1e400`` is a bad value).
Saving skips, with a warning, a text value that cannot be written as UTF-8 (a folder path
whose bytes are not UTF-8). Older files are migrated through :data:`MIGRATIONS`; a file from
a newer version is read for the options known here, and saving keeps its version number and
every key not known here.

Secrets are never written: there is no token field, token-like keys are dropped, and secret
query parameters (``token=``, ``X-Amz-Signature=`` …) are removed from the URLs saved. Backend
tokens come from the command line or ``$INTELIVISION_TOKEN``; AWS credentials from the
standard AWS chain.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import logging
import math
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import platformdirs

from intelivision_desktop.app.logs import APP_NAME
from intelivision_desktop.core.alerts import AlertConfig
from intelivision_desktop.core.codec import FrameError, loads_bounded
from intelivision_desktop.core.redact import is_secret_name

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
SETTINGS_FILE = "settings.json"
CONFIG_DIR_ENV = "INTELIVISION_CONFIG_DIR"


def strip_secret_params(url: str) -> str:
    """``url`` without secret query parameters or a password in its user part."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        kept = [(k, v) for k, v in pairs if not is_secret_name(k)]
        if len(kept) != len(pairs):
            query = urlencode(kept, safe=":/")
    netloc = parts.netloc
    if "@" in netloc:
        user, _, host = netloc.rpartition("@")
        netloc = f"{user.partition(':')[0]}@{host}"
    if (query, netloc) == (parts.query, parts.netloc):
        return url
    return urlunsplit(parts._replace(query=query, netloc=netloc))


def config_dir() -> Path:
    override = os.environ.get(CONFIG_DIR_ENV)
    return Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME))


def settings_path() -> Path:
    return config_dir() / SETTINGS_FILE


def _choices(*values: object) -> dict[str, Any]:
    return {"choices": values}


def _range(lo: float, hi: float) -> dict[str, Any]:
    return {"range": (lo, hi)}


_URL: dict[str, Any] = {"url": True}


@dataclass(frozen=True, slots=True)
class Options:
    """What the operator sets. Empty strings mean "not set" (the environment's value, or none).

    Constructing one with a bad value raises ``ValueError``; :meth:`SettingsStore.load`
    never does (it uses the default instead and warns).
    """

    # --- view
    history_s: float = field(default=120.0, metadata=_choices(0.0, 10.0, 30.0, 120.0, 600.0))
    """Plot history shown, seconds; 0 means all of it."""
    follow_live: bool = True
    language: str = field(default="", metadata=_choices("", "es", "en"))
    """The window's language; "" follows the system. Applies at the next start."""
    device_aliases: dict[str, str] = field(default_factory=dict, metadata={"aliases": True})
    """Names the operator gave devices, by device id or ``ua:`` + user agent."""
    # --- last session
    source_url: str = field(default="demo://", metadata=_URL)
    analyzer_url: str = field(default="embedded://rules", metadata=_URL)
    # --- backend link (never the token: command line or $INTELIVISION_TOKEN)
    link_protocol: str = field(default="auto", metadata=_choices("auto", "socketio", "apigw"))
    link_verify_tls: bool = True
    link_ca_file: str = ""
    """A PEM file of CA certificates to trust for the backend."""
    link_token_in: str = field(default="query", metadata=_choices("query", "header"))
    # --- Amazon Bedrock (credentials come from the standard AWS chain)
    bedrock_mode: str = field(default="agent", metadata=_choices("agent", "model"))
    bedrock_agent_id: str = ""
    bedrock_alias_id: str = ""
    bedrock_model_id: str = ""
    bedrock_region: str = ""
    bedrock_endpoint_url: str = field(default="", metadata=_URL)
    # --- replay
    replay_speed: float = field(default=1.0, metadata=_range(0.1, 10.0))
    replay_loop: bool = False
    # --- speech
    speech_enabled: bool = False
    speech_rate: float = field(default=0.0, metadata=_range(-1.0, 1.0))
    speech_volume: float = field(default=1.0, metadata=_range(0.0, 1.0))
    speech_repeat_quiet_s: float = field(default=30.0, metadata=_range(0.0, 3600.0))
    """A phrase said again for the same device only after this long (0: every time)."""
    # --- alerts (core/alerts.py)
    alert_silent_s: float = field(default=10.0, metadata=_range(1.0, 3600.0))
    """A device that sends nothing for longer than this raises a "silent" alert (at least
    this: longer for a device that sends slowly, 3× its usual gap, up to 2 minutes)."""
    alert_latency_s: float = field(default=6.0, metadata=_range(0.5, 600.0))
    """A description that takes longer than this raises a "latency" alert."""
    alert_fallback_rate: float = field(default=0.5, metadata=_range(0.0, 1.0))
    """Share of fallback descriptions (last 5 minutes, at least 5) above which to alert."""
    alert_danger_distance_m: float = field(default=2.0, metadata=_range(0.1, 50.0))
    """An object approaching within this distance raises a "danger" alert."""
    alert_sound: bool = False
    """Beep (and show a desktop notification) when an alert is raised."""
    # --- serving devices
    serve_port: int = field(default=3001, metadata=_range(1, 65535))
    # --- export
    export_range: str = field(default="visible", metadata=_choices("visible", "all"))
    export_folder: str = ""

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value, problem = check_value(f, getattr(self, f.name))
            if problem is not None:
                raise ValueError(problem)
            object.__setattr__(self, f.name, value)  # ints given for floats become floats

    def replace(self, **changes: Any) -> Options:
        """A copy with ``changes`` (checked like the constructor)."""
        return dataclasses.replace(self, **changes)

    def alert_config(self) -> AlertConfig:
        """The alert thresholds these options set (the others at their defaults)."""
        return AlertConfig(
            silent_s=self.alert_silent_s,
            latency_s=self.alert_latency_s,
            fallback_rate=self.alert_fallback_rate,
            danger_distance_m=self.alert_danger_distance_m,
        )


OPTION_FIELDS: dict[str, dataclasses.Field[Any]] = {f.name: f for f in dataclasses.fields(Options)}


def check_value(f: dataclasses.Field[Any], value: object) -> tuple[Any, str | None]:
    """``(value, None)`` if ``value`` suits option ``f`` (normalised), else ``(default, why)``."""
    default = f.default
    why: str | None = None
    if f.metadata.get("aliases"):
        return _check_aliases(f.name, value)
    if isinstance(default, bool):
        if not isinstance(value, bool):
            why = "expected true or false"
    elif isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            why = "expected a whole number"
    elif isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            why = "expected a number"
        elif not math.isfinite(value):
            why = "expected a finite number"
        else:
            value = float(value)
    elif isinstance(default, str) and not isinstance(value, str):
        why = "expected a string"
    if why is None:
        choices = f.metadata.get("choices")
        bounds = f.metadata.get("range")
        if choices is not None and value not in choices:
            why = "expected one of " + ", ".join(json.dumps(c) for c in choices)
        elif bounds is not None and not bounds[0] <= value <= bounds[1]:
            why = f"expected {bounds[0]} to {bounds[1]}"
    if why is None:
        return value, None
    shown = json.dumps(value, default=repr, ensure_ascii=False)
    if len(shown) > 60:
        shown = shown[:57] + "…"
    return default, f"{f.name}: {shown} ignored ({why}); using {default!r}"


MAX_ALIASES = 500
MAX_ALIAS_KEY = 300
MAX_ALIAS = 40


def _check_aliases(name: str, value: object) -> tuple[dict[str, str], str | None]:
    """Device names: text to text, each name at most 40 characters, at most 500 of them."""
    if not isinstance(value, dict):
        return {}, f"{name}: ignored (expected an object of device names); using {{}}"
    kept = {
        k: v.strip()
        for k, v in value.items()
        if isinstance(k, str)
        and isinstance(v, str)
        and 0 < len(k) <= MAX_ALIAS_KEY
        and 0 < len(v.strip()) <= MAX_ALIAS
    }
    kept = dict(list(kept.items())[-MAX_ALIASES:])
    if len(kept) != len(value):
        return kept, f"{name}: {len(value) - len(kept)} unusable device name(s) ignored"
    return kept, None


# --- migrations ---------------------------------------------------------------------------

Document = dict[str, Any]

_V0_ALIASES = {
    # an unversioned file may use the command line's names
    "source": "source_url",
    "analyzer": "analyzer_url",
    "history": "history_s",
    "protocol": "link_protocol",
    "token_in": "link_token_in",
    "ca_file": "link_ca_file",
}


def _v0_to_v1(doc: Document) -> Document:
    """An unversioned file: a bare object of option keys (hand-written, deployment scripts).

    Command-line names are accepted (``source``, ``analyzer``, ``history``, ``insecure`` …).
    """
    options: dict[str, Any] = {}
    for key, value in doc.items():
        if key == "insecure" and "link_verify_tls" not in doc and isinstance(value, bool):
            options["link_verify_tls"] = not value
        elif key in _V0_ALIASES and _V0_ALIASES[key] not in doc:
            options[_V0_ALIASES[key]] = value
        else:
            options[key] = value
    return {"version": 1, "options": options}


MIGRATIONS: dict[int, Callable[[Document], Document]] = {0: _v0_to_v1}
"""From-version → a function returning the document at from-version + 1."""


def _utf8_text(s: str) -> bool:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class SettingsError(Exception):
    """The settings could not be saved; the message says where and why."""


class SettingsStore:
    """Loads and saves :class:`Options` at ``path``.

    :meth:`save` keeps what :meth:`load` found and did not understand (unknown keys, a newer
    version number), so call :meth:`load` first.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else settings_path()
        self.warnings: list[str] = []
        """What the last :meth:`load` could not use, one sentence each (for the GUI)."""
        self._version = SCHEMA_VERSION
        self._extra_options: dict[str, Any] = {}
        self._extra_top: dict[str, Any] = {}
        self._blocked: str | None = None
        """Why the file must not be overwritten (it exists but could not be read)."""

    def _warn(self, message: str) -> None:
        log.warning("settings: %s", message)
        self.warnings.append(message)

    def load(self) -> Options:
        """The options in the file (defaults where missing or invalid). Never raises."""
        self.warnings = []
        self._version = SCHEMA_VERSION
        self._extra_options = {}
        self._extra_top = {}
        self._blocked = None
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return Options()
        except OSError as exc:
            self._blocked = f"{self.path} could not be read ({exc.strerror or exc})"
            self._warn(f"cannot read {self.path} ({exc.strerror or exc}); using the defaults")
            return Options()
        try:
            # NaN or 1e400 in a value costs only that option (check_value); a number too long
            # to be one, nesting past 64 levels or a lone surrogate makes the file corrupt
            doc = loads_bounded(data.decode("utf-8-sig"), strict_numbers=False)
        except UnicodeDecodeError as exc:
            return self._set_aside(f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        except FrameError as exc:
            return self._set_aside(f"not valid JSON ({str(exc)[:200]})")
        if not isinstance(doc, dict):
            return self._set_aside(f"expected a JSON object, found {type(doc).__name__}")
        version = doc.get("version", 0)  # no version: a bare object of options (version 0)
        if isinstance(version, bool) or not isinstance(version, int) or version < 0:
            return self._set_aside(f"bad version {version!r}")
        try:
            while version < SCHEMA_VERSION:
                doc = MIGRATIONS[version](doc)
                if doc.get("version") != version + 1:
                    raise ValueError(f"migration from {version} gave version {doc.get('version')}")
                version += 1
        except Exception as exc:  # a failed migration must not stop the app
            log.exception("settings migration failed")
            return self._set_aside(f"cannot update it from version {version} ({exc})")
        options = doc.get("options")
        if not isinstance(options, dict):
            return self._set_aside("its 'options' is not a JSON object")
        if version > SCHEMA_VERSION:
            self._warn(
                f"{self.path.name} is from a newer version of the app (settings version "
                f"{version}, this app knows {SCHEMA_VERSION}); options unknown here are kept"
            )
        self._version = version
        self._extra_top = {k: v for k, v in doc.items() if k not in ("version", "options")}
        values: dict[str, Any] = {}
        for key, value in options.items():
            f = OPTION_FIELDS.get(key)
            if f is None:
                if is_secret_name(key):
                    self._warn(
                        f"{key!r} ignored and will be removed: secrets are not kept in the "
                        "settings file (use --token / $INTELIVISION_TOKEN, or the AWS chain)"
                    )
                else:
                    self._extra_options[key] = value
                continue
            checked, problem = check_value(f, value)
            if problem is not None:
                self._warn(problem)
            elif f.metadata.get("url") and strip_secret_params(checked) != checked:
                checked = strip_secret_params(checked)
                self._warn(f"{key}: a secret in the URL was ignored and will not be saved")
            values[key] = checked
        return Options(**values)

    def _set_aside(self, why: str) -> Options:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        backup = self.path.with_name(f"{self.path.name}.bad-{stamp}")
        n = 1
        while backup.exists():
            backup = self.path.with_name(f"{self.path.name}.bad-{stamp}-{n}")
            n += 1
        try:
            self.path.rename(backup)
        except OSError as exc:
            self._blocked = f"{self.path} is unusable and could not be set aside ({exc})"
            self._warn(f"{self.path.name} is unusable: {why}; using the defaults")
            return Options()
        self._warn(
            f"{self.path.name} is unusable: {why}; kept as {backup.name}, using the defaults"
        )
        return Options()

    def document(self, opts: Options) -> Document:
        """What :meth:`save` writes for ``opts``. A text value that cannot be written as
        UTF-8 (a path decoded with surrogate escapes) is left out, with a warning: loading
        then gives that option's default."""
        options = {k: v for k, v in self._extra_options.items() if not is_secret_name(k)}
        for f in dataclasses.fields(opts):
            value = getattr(opts, f.name)
            if isinstance(value, str) and not _utf8_text(value):
                self._warn(
                    f"{f.name}: {value.encode('utf-8', 'backslashreplace').decode()[:80]!r} "
                    "not saved (not UTF-8 text)"
                )
                continue
            options[f.name] = strip_secret_params(value) if f.metadata.get("url") else value
        return {**self._extra_top, "version": self._version, "options": options}

    def save(self, opts: Options) -> None:
        """Write atomically (temp file, fsync, rename). Raises :class:`SettingsError`."""
        if self._blocked is not None:
            raise SettingsError(f"Settings not saved: {self._blocked}. Fix or remove that file.")
        text = json.dumps(self.document(opts), indent=2, sort_keys=True, ensure_ascii=False)
        folder = self.path.parent
        tmp: str | None = None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=folder)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
            tmp = None
        except OSError as exc:
            raise SettingsError(
                f"Settings not saved to {self.path}: {exc.strerror or exc}"
            ) from exc
        finally:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
        if hasattr(os, "O_DIRECTORY"):  # make the rename durable (POSIX)
            with contextlib.suppress(OSError):
                dfd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
                try:
                    os.fsync(dfd)
                finally:
                    os.close(dfd)
