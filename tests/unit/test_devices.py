"""Device names an operator can read (issue 12 §7)."""

from __future__ import annotations

import pytest

from intelivision_desktop.core.devices import MAX_ALIAS_CHARS, DeviceNames, friendly_name

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)
ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Mobile Safari/537.36"
)


@pytest.mark.parametrize(
    ("ua", "name"),
    [
        (IPHONE, "iPhone (Safari)"),
        (ANDROID, "Android (Chrome)"),
        (
            ANDROID.replace("Chrome/120.0.0.0", "SamsungBrowser/23.0 Chrome/115.0"),
            "Android (Samsung Internet)",
        ),
        ("InteliVision/1.2 (Android 14)", "InteliVision app 1.2"),
        ("python-socketio/5.11 aiohttp/3.9", "Python"),
        ("", ""),
        ("\x00\xff garbage", ""),
    ],
)
def test_friendly_name(ua: str, name: str) -> None:
    assert friendly_name(ua) == name


def test_names_prefer_the_alias_then_the_user_agent_then_the_id() -> None:
    names = DeviceNames()
    assert names("sio-957897") == "sio-957897"
    assert names("demo") == "Demo"
    names.learn("sio-957897", IPHONE, "10.0.0.5")
    assert names("sio-957897") == "iPhone (Safari) · 10.0.0.5"
    names.set_alias("sio-957897", "x" * 100)
    assert names.name("sio-957897") == "x" * MAX_ALIAS_CHARS
    names.set_alias("sio-957897", "")
    assert names.name("sio-957897") == "iPhone (Safari)"
    names.learn("ttyUSB0", name="Arduino Uno on /dev/ttyUSB0")
    assert names("ttyUSB0") == "Arduino Uno on /dev/ttyUSB0"
