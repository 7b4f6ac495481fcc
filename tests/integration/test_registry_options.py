"""The registry reads URL options through core/urlopts and says what is wrong as a UrlError,
the one error the CLI and the controller catch, for sources and analyzers alike."""

from __future__ import annotations

import re

import pytest

from intelivision_desktop.io.registry import UrlError, open_analyzer, open_source


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("demo://?sped=2", "demo://?sped=2: unknown option(s) sped; known: loop, speed"),
        ("fake://person_waves?loop=maybe", "fake://person_waves?loop=maybe: loop must be 0 or 1"),
        ("demo://?loop=sometimes", "loop must be 0 or 1, got 'sometimes'"),
        (
            "fake://person_waves?hz2=5",
            "fake://person_waves?hz2=5: unknown option(s) hz2; "
            "known: duration, hz, loop, seed, speed",
        ),
    ],
)
def test_bad_source_options_are_url_errors(url: str, message: str) -> None:
    with pytest.raises(UrlError, match=f"^{re.escape(message)}"):
        open_source(url)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("max_tokens=" + "1" * 400, "max_tokens must be above 0 and at most 4096"),
        ("maxtokens=1", "embedded://bedrock-model: unknown option(s) maxtokens; known: "),
    ],
)
def test_bad_bedrock_options_are_url_errors(query: str, message: str) -> None:
    with pytest.raises(UrlError, match=f"^{re.escape(message)}"):
        open_analyzer(f"embedded://bedrock-model?{query}")


def test_flags_read_the_same_words_everywhere() -> None:
    assert open_source("fake://person_waves?loop=off").loop is False  # type: ignore[attr-defined]
    assert open_source("fake://person_waves?loop").loop is True  # type: ignore[attr-defined]
