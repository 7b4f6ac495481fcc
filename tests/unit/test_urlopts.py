"""core/urlopts: one reading of URL options, and the messages that say what to write."""

from __future__ import annotations

import re

import pytest

from intelivision_desktop.core.urlopts import flag, num, options, positive, without_secrets


def test_options_take_each_names_last_value_and_keep_blanks() -> None:
    assert options("speed=2&loop&speed=3", {"speed", "loop"}, "demo://") == {
        "speed": "3",
        "loop": "",
    }
    assert options("", {"speed"}, "demo://") == {}


def test_unknown_options_are_all_named_with_every_known_one() -> None:
    message = "fake://x: unknown option(s) hz2, zz; known: hz, loop, seed"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        options("hz2=5&zz=1&hz=5", {"hz", "seed", "loop"}, "fake://x")


def test_a_scheme_without_options_says_none() -> None:
    with pytest.raises(ValueError, match=r"demo://: unknown option\(s\) a; known: none$"):
        options("a=1", set(), "demo://")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", True),
        ("TRUE", True),
        (" yes ", True),
        ("on", True),
        ("", True),
        ("0", False),
        ("false", False),
        ("No", False),
        ("off", False),
    ],
)
def test_flag_words(value: str, expected: bool) -> None:
    assert flag(value, "loop") is expected


def test_an_absent_flag_is_its_default() -> None:
    assert flag(None, "loop") is False
    assert flag(None, "loop", default=True) is True


def test_a_bad_flag_is_refused_with_a_bounded_message() -> None:
    with pytest.raises(ValueError, match=r"^loop must be 0 or 1, got 'maybe'$"):
        flag("maybe", "loop")
    with pytest.raises(ValueError, match="must be 0 or 1") as info:
        flag("x" * 10_000, "loop")
    assert len(str(info.value)) < 100


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        ("2.5", {}, 2.5),
        ("3600", {}, 3600.0),
        ("16", {"integer": True, "upper": 16}, 16.0),
        ("1e-3", {}, 0.001),
    ],
)
def test_positive_accepts(value: str, kwargs: dict[str, object], expected: float) -> None:
    assert positive(value, "timeout", **kwargs) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "kwargs", "message"),
    [
        ("soon", {}, "timeout must be a number, got 'soon'"),
        ("2.5", {"integer": True}, "timeout must be a whole number, got '2.5'"),
        ("0", {}, "timeout must be above 0 and at most 3600, got '0'"),
        ("-1", {}, "timeout must be above 0 and at most 3600, got '-1'"),
        ("3600.5", {}, "timeout must be above 0 and at most 3600, got '3600.5'"),
        ("17", {"integer": True, "upper": 16}, "timeout must be above 0 and at most 16"),
        ("nan", {}, "timeout must be above 0"),
        ("inf", {}, "timeout must be above 0"),
        ("1e400", {}, "timeout must be above 0"),
        # a whole number too big for a float: the documented error, not OverflowError
        ("1" * 400, {"integer": True}, "timeout must be above 0"),
        # more digits than int() reads
        ("1" * 5000, {"integer": True}, "timeout must be a whole number"),
    ],
)
def test_positive_refuses_with_a_reason(
    value: str, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}") as info:
        positive(value, "timeout", **kwargs)  # type: ignore[arg-type]
    assert len(str(info.value)) < 120


def test_num_writes_whole_numbers_without_a_point() -> None:
    assert num(2.0) == "2"
    assert num(12.5) == "12.5"
    assert num(0.2) == "0.2"


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("wss://x.example/dev?token=abc", "wss://x.example/dev"),
        ("http://h:3001/?stamp=send&token=abc&x=1", "http://h:3001/?stamp=send&x=1"),
        ("http://h/?access_token=a&max_tokens=64", "http://h/?max_tokens=64"),
        ("http://h/?Token=a%20b", "http://h/"),
        ("http://h:3001", "http://h:3001"),
        ("embedded://rules", "embedded://rules"),
    ],
)
def test_without_secrets_drops_only_secret_options(url: str, kept: str) -> None:
    assert without_secrets(url) == kept
