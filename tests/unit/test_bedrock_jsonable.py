"""io/bedrock/client.jsonable: what boto3 parsed from an event stream (a trace, usage) made
plain JSON for a recording, readably (datetimes, bytes) and within bounds."""

from __future__ import annotations

import datetime as dt
import math

from intelivision_desktop.core.codec import dumps
from intelivision_desktop.io.bedrock.client import MAX_TRACE_TEXT, jsonable


def test_aws_shapes_become_readable_json() -> None:
    when = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    out = jsonable(
        {
            "eventTime": when,
            "day": dt.date(2025, 1, 2),
            "bytes": "año".encode() + b"\xff",
            "ids": ("a", "b"),
            "tags": {"x"},
            1: [True, None, 2, 0.5],
        }
    )
    assert out == {
        "eventTime": "2025-01-01T00:00:00+00:00",
        "day": "2025-01-02",
        "bytes": "año\ufffd",
        "ids": ["a", "b"],
        "tags": ["x"],
        "1": [True, None, 2, 0.5],
    }


def test_long_text_and_deep_nesting_are_cut() -> None:
    text = jsonable("x" * (MAX_TRACE_TEXT + 10))
    assert len(text) == MAX_TRACE_TEXT
    assert text.endswith("…")
    deep: object = "leaf"
    for _ in range(40):
        deep = [deep]
    out = jsonable(deep)
    for _ in range(33):
        out = out[0]
    assert out == "…"


def test_what_json_cannot_write_is_made_writable() -> None:
    out = jsonable(
        {"nan": math.nan, "inf": -math.inf, "big": 10**5000, "lone": "a\ud800b", "obj": object}
    )
    assert (out["nan"], out["inf"], out["big"]) == (None, None, None)
    assert out["lone"] == "a\ufffdb"
    assert out["obj"] == "<class 'object'>"
    dumps(out).encode("utf-8")  # a recording line can hold it
