"""core/bedrock_settings: the Bedrock analyzer URL grammar (pure: the environment is passed in).

Moved here from tests/integration/test_bedrock.py (they never needed the emulator), with new
cases for the option reading it now shares with the registry (core/urlopts).
"""

from __future__ import annotations

import re

import pytest

from intelivision_desktop.core.bedrock_settings import (
    DEFAULT_MODEL_ID,
    BedrockSettings,
    settings_from_url,
)

AGENT = "embedded://bedrock-agent?agent_id=A1&alias_id=B2"


def test_agent_url_with_everything() -> None:
    s = settings_from_url(
        "embedded://bedrock-agent?agent_id=ABCDEFGHIJ&alias_id=TSTALIASID&region=eu-west-1"
        "&profile=work&trace=1&timeout=12.5&connect_timeout=2&retries=0&max_in_flight=3"
        "&max_age=9",
        env={},
    )
    assert s == BedrockSettings(
        kind="agent",
        region="eu-west-1",
        profile="work",
        agent_id="ABCDEFGHIJ",
        alias_id="TSTALIASID",
        trace=True,
        read_timeout_s=12.5,
        connect_timeout_s=2.0,
        retries=0,
        max_in_flight=3,
        max_age_s=9.0,
    )
    assert settings_from_url(s.url(), env={}) == s


def test_agent_url_from_the_backend_environment() -> None:
    env = {
        "BEDROCK_AGENT_ID": "AGENT12345",
        "BEDROCK_AGENT_ALIAS_ID": "ALIAS12345",
        "AWS_REGION": "us-west-2",
        "AWS_PROFILE": "ops",
    }
    s = settings_from_url("embedded://bedrock-agent", env=env)
    assert (s.agent_id, s.alias_id, s.region, s.profile) == (
        "AGENT12345",
        "ALIAS12345",
        "us-west-2",
        "ops",
    )
    assert settings_from_url("embedded://bedrock-agent?alias_id=OTHER", env=env).alias_id == (
        "OTHER"
    )


def test_model_url_defaults_and_endpoint() -> None:
    s = settings_from_url(
        "embedded://bedrock-model?max_tokens=32",
        endpoint_url="http://127.0.0.1:9999",
        env={},
    )
    assert (s.kind, s.model_id, s.region, s.max_tokens, s.endpoint_url) == (
        "model",
        DEFAULT_MODEL_ID,
        "us-east-1",
        32,
        "http://127.0.0.1:9999",
    )
    assert s.url() == (
        "embedded://bedrock-model?model_id=anthropic.claude-3-haiku-20240307-v1:0"
        "&region=us-east-1&max_tokens=32&endpoint_url=http://127.0.0.1:9999"
    )
    env_model = settings_from_url("embedded://bedrock-model", env={"BEDROCK_MODEL_ID": "m.x:1"})
    assert env_model.model_id == "m.x:1"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "embedded://bedrock-agent",
            "needs an agent id: add ?agent_id=ID to the URL or set BEDROCK_AGENT_ID",
        ),
        ("embedded://bedrock-agent?agent_id=A1", "needs an agent alias id"),
        ("embedded://bedrock-agent?agent_id=bad-id!&alias_id=X", "agent_id must be 1 to 10"),
        ("embedded://bedrock-agent?agent_id=A&alias_id=B&timeout=soon", "timeout must be a number"),
        ("embedded://bedrock-agent?agent_id=A&alias_id=B&timeout=0", "timeout must be above 0"),
        (
            "embedded://bedrock-agent?agent_id=A&alias_id=B&secret_key=x",
            "unknown option(s) secret_key",
        ),
        ("embedded://bedrock-model?trace=1", "unknown option(s) trace"),
        ("embedded://bedrock-model?region=Mars 1", "region must look like us-east-1"),
        ("embedded://bedrock-model?endpoint_url=ftp://x", "endpoint URL must be http://"),
        ("embedded://bedrock-model?endpoint_url=http://u:p@h:1", "must not contain a user name"),
        ("embedded://bedrock-model?retries=11", "retries must be a whole number from 0 to 10"),
        ("embedded://bedrock-model?temperature=2", "temperature must be between 0 and 1"),
        ("embedded://bedrock-chat", "not a Bedrock analyzer URL"),
    ],
)
def test_bad_urls_say_why_in_one_line(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)) as info:
        settings_from_url(url, env={})
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_model_url_with_everything_round_trips() -> None:
    s = settings_from_url(
        "embedded://bedrock-model?model_id=m.x:1&region=eu-west-1&profile=p&max_tokens=100"
        "&temperature=0.5&timeout=3&connect_timeout=1.5&retries=3&max_in_flight=1&max_age=7"
        "&endpoint_url=https://vpce.example:8443/x",
        env={},
    )
    assert s == BedrockSettings(
        kind="model",
        region="eu-west-1",
        profile="p",
        model_id="m.x:1",
        max_tokens=100,
        temperature=0.5,
        read_timeout_s=3.0,
        connect_timeout_s=1.5,
        retries=3,
        max_in_flight=1,
        max_age_s=7.0,
        endpoint_url="https://vpce.example:8443/x",
    )
    assert settings_from_url(s.url(), env={}) == s


def test_the_url_wins_over_the_environment_and_blank_values_fall_back_to_it() -> None:
    env = {"AWS_REGION": "", "AWS_DEFAULT_REGION": "ap-northeast-1", "AWS_PROFILE": "ops"}
    s = settings_from_url("embedded://bedrock-model?region=&profile=mine", env=env)
    assert (s.region, s.profile) == ("ap-northeast-1", "mine")


@pytest.mark.parametrize(("value", "expected"), [("1", True), ("on", True), ("", True)])
def test_trace_flag_words(value: str, expected: bool) -> None:
    assert settings_from_url(f"{AGENT}&trace={value}", env={}).trace is expected
    assert settings_from_url(AGENT, env={}).trace is False


def test_unknown_options_list_every_known_option() -> None:
    message = (
        "embedded://bedrock-model: unknown option(s) maxtokens; known: connect_timeout, "
        "endpoint_url, max_age, max_in_flight, max_tokens, model_id, profile, region, "
        "retries, temperature, timeout"
    )
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        settings_from_url("embedded://bedrock-model?maxtokens=3", env={})


@pytest.mark.parametrize(
    ("query", "message"),
    [
        # a whole number too big for a float raised OverflowError, which callers do not catch
        ("max_tokens=" + "1" * 400, "max_tokens must be above 0 and at most 4096"),
        ("max_in_flight=" + "9" * 400, "max_in_flight must be above 0 and at most 16"),
        ("max_tokens=" + "1" * 5000, "max_tokens must be a whole number"),
        ("retries=" + "1" * 5000, "retries must be a whole number from 0 to 10"),
        ("timeout=1e400", "timeout must be above 0 and at most 3600"),
        ("max_age=nan", "max_age must be above 0 and at most 3600"),
        ("temperature=nan", "temperature must be between 0 and 1"),
    ],
)
def test_absurd_numbers_are_refused_with_the_documented_error(query: str, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}"):
        settings_from_url(f"embedded://bedrock-model?{query}", env={})


def test_the_process_environment_is_read_when_none_is_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BEDROCK_MODEL_ID", "from.env:1")
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    s = settings_from_url("embedded://bedrock-model")
    assert (s.model_id, s.region) == ("from.env:1", "eu-central-1")
