"""The versioned settings file: defaults, round trip, migrations, validation, no secrets."""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path
from typing import Any

import platformdirs
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as settings_
from hypothesis import strategies as st

from intelivision_desktop.app import settings
from intelivision_desktop.app.settings import (
    OPTION_FIELDS,
    Options,
    SettingsError,
    SettingsStore,
    is_secret_name,
    settings_path,
    strip_secret_params,
)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "config" / "settings.json"


def write_json(path: Path, doc: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc), encoding="utf-8")


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


# --- location and defaults ----------------------------------------------------------------


def test_the_file_lives_in_the_platform_config_folder_unless_overridden(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INTELIVISION_CONFIG_DIR", raising=False)
    expected = Path(platformdirs.user_config_dir("intelivision-desktop")) / "settings.json"
    assert settings_path() == expected
    assert SettingsStore().path == expected
    monkeypatch.setenv("INTELIVISION_CONFIG_DIR", str(tmp_path / "elsewhere"))
    assert settings_path() == tmp_path / "elsewhere" / "settings.json"


def test_no_file_gives_the_defaults_quietly_and_creates_nothing(path: Path) -> None:
    store = SettingsStore(path)
    opts = store.load()
    assert opts == Options()
    assert store.warnings == []
    assert not path.parent.exists()
    assert (opts.history_s, opts.follow_live, opts.source_url, opts.analyzer_url) == (
        120.0,
        True,
        "demo://",
        "embedded://rules",
    )
    assert (opts.replay_speed, opts.replay_loop, opts.serve_port, opts.export_range) == (
        1.0,
        False,
        3001,
        "visible",
    )
    assert (opts.speech_enabled, opts.speech_rate, opts.speech_volume) == (False, 0.0, 1.0)
    assert (opts.link_protocol, opts.link_verify_tls, opts.link_token_in) == (
        "auto",
        True,
        "query",
    )


# --- round trip -----------------------------------------------------------------------------


def test_saved_options_load_back_equal_as_sorted_pretty_versioned_json(path: Path) -> None:
    opts = Options().replace(
        history_s=600,
        follow_live=False,
        source_url="replay:///data/rec one.jsonl?speed=2",
        analyzer_url="wss://abc.execute-api.eu-west-1.amazonaws.com/dev",
        link_protocol="apigw",
        link_verify_tls=False,
        link_ca_file="/etc/ssl/ca.pem",
        link_token_in="header",
        bedrock_mode="model",
        bedrock_model_id="anthropic.claude-3-haiku-20240307-v1:0",
        bedrock_region="eu-west-1",
        bedrock_endpoint_url="http://127.0.0.1:8123",
        replay_speed=0.1,
        replay_loop=True,
        speech_enabled=True,
        speech_rate=-1,
        speech_volume=0.25,
        serve_port=65535,
        export_range="all",
        export_folder="/tmp/exports ñ",
    )
    assert opts.history_s == 600.0
    assert isinstance(opts.history_s, float)
    store = SettingsStore(path)
    store.load()
    store.save(opts)
    again = SettingsStore(path)
    assert again.load() == opts
    assert again.warnings == []
    text = path.read_text(encoding="utf-8")
    doc = json.loads(text)
    assert doc["version"] == settings.SCHEMA_VERSION == 1
    assert set(doc["options"]) == set(OPTION_FIELDS)
    assert text == json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_save_creates_the_folder_and_leaves_no_temporary_file(path: Path) -> None:
    store = SettingsStore(path)
    store.load()
    for speed in (2.0, 3.0):
        store.save(Options(replay_speed=speed))
    assert sorted(p.name for p in path.parent.iterdir()) == ["settings.json"]
    assert read_json(path)["options"]["replay_speed"] == 3.0


# --- migrations -------------------------------------------------------------------------------


def test_an_unversioned_file_is_migrated_with_its_values(path: Path) -> None:
    write_json(
        path,
        {
            "replay_speed": 2.5,
            "speech_enabled": True,
            "source": "demo://car_and_dog",  # the command line's names are understood
            "history": 30,
            "insecure": True,
            "site_note": "lab 3",
        },
    )
    store = SettingsStore(path)
    opts = store.load()
    assert store.warnings == []
    assert opts == Options(
        replay_speed=2.5,
        speech_enabled=True,
        source_url="demo://car_and_dog",
        history_s=30.0,
        link_verify_tls=False,
    )
    store.save(opts)
    doc = read_json(path)
    assert doc["version"] == 1
    assert doc["options"]["replay_speed"] == 2.5
    assert doc["options"]["site_note"] == "lab 3"
    assert "source" not in doc["options"]
    assert "insecure" not in doc["options"]


def test_migrations_run_as_a_chain_in_order(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[int] = []

    def v1_to_v2(doc: dict[str, Any]) -> dict[str, Any]:
        ran.append(1)
        opts = dict(doc["options"])
        opts["speed_v2"] = opts.pop("speed_v0")  # present only after 0 → 1
        return {"version": 2, "options": opts}

    def v2_to_v3(doc: dict[str, Any]) -> dict[str, Any]:
        ran.append(2)
        opts = dict(doc["options"])
        opts["replay_speed"] = opts.pop("speed_v2") * 2  # present only after 1 → 2
        return {"version": 3, "options": opts}

    real_v0 = settings.MIGRATIONS[0]

    def v0_to_v1(doc: dict[str, Any]) -> dict[str, Any]:
        ran.append(0)
        return real_v0(doc)

    monkeypatch.setattr(settings, "SCHEMA_VERSION", 3)
    monkeypatch.setitem(settings.MIGRATIONS, 0, v0_to_v1)
    monkeypatch.setitem(settings.MIGRATIONS, 1, v1_to_v2)
    monkeypatch.setitem(settings.MIGRATIONS, 2, v2_to_v3)
    write_json(path, {"speed_v0": 1.5})
    store = SettingsStore(path)
    opts = store.load()
    assert ran == [0, 1, 2]
    assert store.warnings == []
    assert opts.replay_speed == 3.0
    store.save(opts)
    assert read_json(path)["version"] == 3

    ran.clear()  # a version-2 file runs only the last step
    write_json(path, {"version": 2, "options": {"speed_v2": 0.5}})
    assert SettingsStore(path).load().replay_speed == 1.0
    assert ran == [2]


def test_a_failing_migration_sets_the_file_aside(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(doc: dict[str, Any]) -> dict[str, Any]:
        raise KeyError("boom")

    monkeypatch.setitem(settings.MIGRATIONS, 0, broken)
    write_json(path, {"replay_speed": 2.0})
    store = SettingsStore(path)
    assert store.load() == Options()
    assert len(store.warnings) == 1
    assert "version 0" in store.warnings[0]
    assert [p.name.startswith("settings.json.bad-") for p in path.parent.iterdir()] == [True]


def test_a_newer_file_is_read_and_never_downgraded(path: Path) -> None:
    write_json(
        path,
        {
            "version": 7,
            "options": {"replay_speed": 3.0, "future_thing": {"a": [1, 2]}, "speech_rate": 5},
            "profiles": ["night"],
        },
    )
    store = SettingsStore(path)
    opts = store.load()
    assert opts.replay_speed == 3.0
    assert opts.speech_rate == 0.0
    assert any("newer version" in w and "7" in w for w in store.warnings)
    assert any(w.startswith("speech_rate:") for w in store.warnings)
    store.save(opts.replace(replay_loop=True))
    doc = read_json(path)
    assert doc["version"] == 7
    assert doc["profiles"] == ["night"]
    assert doc["options"]["future_thing"] == {"a": [1, 2]}
    assert doc["options"]["replay_loop"] is True
    assert doc["options"]["replay_speed"] == 3.0


# --- validation --------------------------------------------------------------------------------

BAD_VALUES = [
    ("history_s", 45),
    ("history_s", "120"),
    ("follow_live", "yes"),
    ("follow_live", 1),
    ("replay_speed", 50),
    ("replay_speed", 0.0),
    ("replay_speed", True),
    ("replay_speed", math.nan),
    ("speech_rate", -2),
    ("speech_volume", 1.5),
    ("serve_port", 0),
    ("serve_port", 70000),
    ("serve_port", 3001.5),
    ("serve_port", True),
    ("link_protocol", "grpc"),
    ("link_token_in", None),
    ("bedrock_mode", "AGENT"),
    ("export_range", "some"),
    ("source_url", 5),
    ("export_folder", ["a"]),
]


@pytest.mark.parametrize(("key", "bad"), BAD_VALUES)
def test_a_bad_value_gives_that_default_and_one_warning(path: Path, key: str, bad: object) -> None:
    write_json(path, {"version": 1, "options": {key: bad, "replay_loop": True, "serve_port_x": 1}})
    store = SettingsStore(path)
    opts = store.load()
    assert getattr(opts, key) == OPTION_FIELDS[key].default
    assert opts.replay_loop is True  # the other options are kept
    assert len(store.warnings) == 1
    assert store.warnings[0].startswith(f"{key}: ")
    assert path.exists()  # the file itself is fine: not set aside
    with pytest.raises(ValueError, match=key):
        Options().replace(**{key: bad})


def test_values_at_the_limits_are_accepted(path: Path) -> None:
    limits = {"replay_speed": 10, "speech_rate": 1.0, "speech_volume": 0, "serve_port": 1}
    write_json(path, {"version": 1, "options": limits})
    store = SettingsStore(path)
    opts = store.load()
    assert store.warnings == []
    assert (opts.replay_speed, opts.speech_rate, opts.speech_volume, opts.serve_port) == (
        10.0,
        1.0,
        0.0,
        1,
    )


# --- damaged and unreadable files ------------------------------------------------------------

BAD_NAME = re.compile(r"settings\.json\.bad-\d{8}-\d{6}(-\d+)?")


@pytest.mark.parametrize(
    "content",
    [
        b'{"version": 1, "options": {"replay_speed": 2',
        b"\xff\xfe not text",
        b"[1, 2, 3]",
        b'{"version": "1", "options": {}}',
        b'{"version": 1, "options": [1]}',
        b"",
    ],
)
def test_a_corrupt_file_is_set_aside_byte_for_byte(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    store = SettingsStore(path)
    assert store.load() == Options()
    assert not path.exists()
    (backup,) = path.parent.iterdir()
    assert BAD_NAME.fullmatch(backup.name), backup.name
    assert backup.read_bytes() == content
    assert len(store.warnings) == 1
    assert backup.name in store.warnings[0]
    store.save(Options(replay_loop=True))  # a fresh file; the backup stays
    assert read_json(path)["options"]["replay_loop"] is True
    assert backup.read_bytes() == content


HOSTILE_FILES = [
    b"[" * 100_000,
    b'{"version": 1, "options": {"x": ' + b"[" * 5_000 + b"]" * 5_000 + b"}}",
    b'{"version": 1, "options": {"replay_speed": ' + b"1" * 400 + b".5}}",
    b'{"version": 1, "options": {"serve_port": ' + b"9" * 4_301 + b"}}",
    b'{"version": 1, "options": {"source_url": "demo://\\ud800"}}',
    b'{"version": 1, "options": {"x\\udfff": 1}}',
]


@pytest.mark.parametrize(
    "content",
    HOSTILE_FILES,
    ids=["brackets", "deep", "float", "int", "lone-surrogate", "surrogate-key"],
)
def test_a_hostile_file_is_set_aside_like_a_corrupt_one(path: Path, content: bytes) -> None:
    # Before the bounded reader these raised RecursionError or ValueError out of load(), or
    # (a lone surrogate) loaded a value that no save could write.
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    store = SettingsStore(path)
    assert store.load() == Options()
    (backup,) = path.parent.iterdir()
    assert BAD_NAME.fullmatch(backup.name), backup.name
    assert backup.read_bytes() == content
    assert len(store.warnings) == 1
    assert "unusable" in store.warnings[0]
    store.save(Options(replay_loop=True))
    assert read_json(path)["options"]["replay_loop"] is True


def test_a_utf8_byte_order_mark_is_accepted(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(
        b"\xef\xbb\xbf" + json.dumps({"version": 1, "options": {"replay_loop": True}}).encode()
    )
    store = SettingsStore(path)
    assert store.load().replay_loop is True
    assert store.warnings == []


def test_a_value_beyond_a_float_costs_only_that_option(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_text('{"version": 1, "options": {"replay_speed": 1e400, "replay_loop": true}}')
    store = SettingsStore(path)
    opts = store.load()
    assert (opts.replay_speed, opts.replay_loop) == (1.0, True)
    assert len(store.warnings) == 1
    assert store.warnings[0].startswith("replay_speed: ")


def test_saving_a_folder_path_that_is_not_utf8_skips_it_with_a_warning(path: Path) -> None:
    folder = os.fsdecode(b"/tmp/recordings-\xff")  # surrogate escapes on POSIX
    store = SettingsStore(path)
    store.load()
    store.save(Options(export_folder=folder, replay_loop=True))
    saved = read_json(path)["options"]
    assert "export_folder" not in saved
    assert saved["replay_loop"] is True
    assert any(w.startswith("export_folder: ") and "UTF-8" in w for w in store.warnings)
    again = SettingsStore(path)
    assert again.load() == Options(replay_loop=True)
    assert again.warnings == []


_FUZZ = settings_(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _load_never_raises(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    for p in path.parent.iterdir():
        p.unlink()
    path.write_bytes(content)
    store = SettingsStore(path)
    opts = store.load()
    assert isinstance(opts, Options)
    store.save(opts)  # whatever was loaded can be saved
    assert isinstance(SettingsStore(path).load(), Options)


@_FUZZ
@given(st.binary(max_size=300))
def test_fuzz_load_of_bytes_never_raises(path: Path, content: bytes) -> None:
    _load_never_raises(path, content)


_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3),
    max_leaves=20,
)


@_FUZZ
@given(
    st.dictionaries(
        st.sampled_from(sorted(OPTION_FIELDS)) | st.text(max_size=8), _values, max_size=6
    )
)
def test_fuzz_load_of_option_values_never_raises(path: Path, options: dict[str, Any]) -> None:
    _load_never_raises(path, json.dumps({"version": 1, "options": options}).encode())


@_FUZZ
@given(
    st.integers(min_value=0, max_value=20_000),
    st.sampled_from(["[", "{", '{"a":', '["\\ud800",']),
    st.integers(min_value=1, max_value=5_000),
)
def test_fuzz_load_of_deep_or_huge_never_raises(
    path: Path, depth: int, opener: str, digits: int
) -> None:
    body = opener * depth
    _load_never_raises(path, body.encode())
    number = "9" * digits
    _load_never_raises(
        path,
        json.dumps({"version": 1, "options": {"u": "\ud800"}})
        .replace("}}", f', "serve_port": {number}, "replay_speed": {number}.5}}}}')
        .encode(),
    )


def test_two_corrupt_files_in_the_same_second_keep_both_backups(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b"first {")
    SettingsStore(path).load()
    path.write_bytes(b"second {")
    SettingsStore(path).load()
    backups = sorted(p.read_bytes() for p in path.parent.iterdir())
    assert backups == [b"first {", b"second {"]


def test_an_unreadable_file_gives_defaults_and_is_not_overwritten(path: Path) -> None:
    path.mkdir(parents=True)  # reading a folder fails even for root
    (path / "keep").write_text("x")
    store = SettingsStore(path)
    assert store.load() == Options()
    assert len(store.warnings) == 1
    assert "cannot read" in store.warnings[0]
    with pytest.raises(SettingsError, match="could not be read"):
        store.save(Options())
    assert (path / "keep").read_text() == "x"


def test_an_unwritable_place_raises_settings_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a regular file")
    store = SettingsStore(blocker / "settings.json")
    assert store.load() == Options()
    with pytest.raises(SettingsError, match=re.escape(str(blocker / "settings.json"))):
        store.save(Options())
    assert blocker.read_text() == "a regular file"


def test_a_failed_replace_leaves_no_temporary_file(path: Path) -> None:
    store = SettingsStore(path)
    store.load()  # no file yet
    path.mkdir(parents=True)  # now the target is a folder: os.replace fails
    with pytest.raises(SettingsError):
        store.save(Options())
    assert [p.name for p in path.parent.iterdir()] == ["settings.json"]
    assert path.is_dir()


# --- secrets -----------------------------------------------------------------------------------


def test_options_have_no_secret_field() -> None:
    assert not [name for name in OPTION_FIELDS if is_secret_name(name)]
    assert is_secret_name("token")
    assert is_secret_name("aws_secret_access_key")
    assert is_secret_name("X-Amz-Signature")
    assert not is_secret_name("max_tokens")
    assert not is_secret_name("link_token_in")


def test_secrets_in_the_file_or_in_urls_are_never_written(path: Path) -> None:
    write_json(
        path,
        {
            "version": 1,
            "options": {
                "token": "tok-SECRET-1",
                "aws_secret_access_key": "wJalrSECRET2",
                "analyzer_url": "https://backend.example:3001/?token=tok-SECRET-3&x=1",
                "site_note": "kept",
            },
        },
    )
    store = SettingsStore(path)
    opts = store.load()
    assert opts.analyzer_url == "https://backend.example:3001/?x=1"
    assert len(store.warnings) == 3
    opts = opts.replace(
        source_url="serve://0.0.0.0:3001?token=tok-SECRET-4",
        bedrock_endpoint_url="https://user:pw-SECRET-5@vpce.example/?X-Amz-Signature=SECRET6",
    )
    store.save(opts)
    text = path.read_text(encoding="utf-8")
    assert "SECRET" not in text
    doc = json.loads(text)
    assert "token" not in doc["options"]
    assert "aws_secret_access_key" not in doc["options"]
    assert doc["options"]["site_note"] == "kept"
    assert doc["options"]["source_url"] == "serve://0.0.0.0:3001"
    assert doc["options"]["bedrock_endpoint_url"] == "https://user@vpce.example/"


def test_stripping_leaves_urls_without_secrets_untouched() -> None:
    for url in (
        "demo://",
        "replay:///data/a b.jsonl?speed=2&loop=1",
        "embedded://bedrock-model?model_id=anthropic.claude-3-haiku-20240307-v1:0&max_tokens=9",
        "http://user@host:1/",
    ):
        assert strip_secret_params(url) == url
    assert (
        strip_secret_params("wss://h/dev?a=1&access_token=s&X-Amz-Credential=c&b=2")
        == "wss://h/dev?a=1&b=2"
    )


def test_device_aliases_are_kept_and_bad_ones_dropped(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "settings.json")
    store.save(Options(device_aliases={"ua:Mozilla/5.0 (iPhone)": "Ana's phone", "sio-1": "Board"}))
    assert store.load().device_aliases == {
        "ua:Mozilla/5.0 (iPhone)": "Ana's phone",
        "sio-1": "Board",
    }
    doc = json.loads((tmp_path / "settings.json").read_text())
    doc["options"]["device_aliases"] = {"ok": "Fine", "long": "x" * 41, "num": 3, "": "empty"}
    (tmp_path / "settings.json").write_text(json.dumps(doc))
    assert store.load().device_aliases == {"ok": "Fine"}
    with pytest.raises(ValueError, match="device_aliases"):
        Options(device_aliases=["not", "a", "dict"])  # type: ignore[arg-type]
