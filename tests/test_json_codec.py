"""guides/json_codec.py: orjson's speed without its differences from the standard library,
so stored and answered JSON reads back as it did before."""

from __future__ import annotations

import json

import pytest

from guides import json_codec

ROUND_TRIPS = [
    {"name": "export", "n": 3, "ratio": 0.1, "tags": ["a", "é", "日本"], "none": None},
    {"big": 10**30, "negative_big": -(2**70), "edge": 2**63 - 1},  # beyond 64 bits
    {"digits in a string": "12345678901234567890123"},
    [True, False, -0.0, 1e308],
]


@pytest.mark.parametrize("value", ROUND_TRIPS)
def test_what_is_written_reads_back_equal(value: object) -> None:
    assert json_codec.loads(json_codec.dumps(value)) == value
    assert json_codec.loads(json_codec.dumps_bytes(value)) == value
    assert json.loads(json_codec.dumps(value)) == value  # and any JSON reader agrees


def test_integers_beyond_64_bits_keep_every_digit() -> None:
    # orjson alone reads this as the float 1e+23.
    assert json_codec.loads("[100000000000000000000001]") == [100000000000000000000001]
    assert json_codec.loads(b'{"a": 100000000000000000000001}') == {"a": 100000000000000000000001}


def test_text_orjson_refuses_is_read_as_the_standard_library_reads_it() -> None:
    assert json_codec.loads('"\\ud800"') == "\ud800"  # a lone surrogate
    assert json_codec.loads("[NaN]")[0] != json_codec.loads("[NaN]")[0]  # NaN
    with pytest.raises(ValueError):
        json_codec.loads("{not json")


def test_keys_that_are_not_text_are_written_as_the_standard_library_writes_them() -> None:
    assert json_codec.dumps({1: "a"}) == '{"1": "a"}'


def test_nan_is_written_as_null_never_as_invalid_json() -> None:
    assert json.loads(json_codec.dumps({"x": float("nan")})) == {"x": None}
    assert json_codec.dumps_bytes([float("inf")]) == b"[null]"


@pytest.mark.parametrize(
    "body",
    [b"{bad", b"[NaN]", b"[1e999]", b"[100000000000000000000001]", b'"\\ud800"', b"null"],
)
def test_the_strict_reader_leaves_every_doubtful_body_to_the_careful_one(body: bytes) -> None:
    assert json_codec.loads_strict(body) is None


def test_the_strict_reader_reads_plain_json() -> None:
    assert json_codec.loads_strict(b'{"events": [{"n": 1.5, "t": "\\u00e9"}]}') == {
        "events": [{"n": 1.5, "t": "é"}]
    }
