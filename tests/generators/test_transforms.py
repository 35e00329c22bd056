"""transform.*: each one's behaviour, params errors, NULL passing through."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from datalchemy_mp.errors import ParamError
from tests.generators.gen_helpers import transform


def test_null_rate():
    out = transform("transform.null_rate", {"rate": 0.2}, ["x"] * 5000)
    assert 800 < out.count(None) < 1200
    assert transform("transform.null_rate", {"rate": 0.0}, ["x"] * 10, nullable=False) == ["x"] * 10
    with pytest.raises(ParamError) as err:
        transform("transform.null_rate", {"rate": 0.2}, ["x"], nullable=False)
    assert err.value.path == "rate" and "NOT NULL" in err.value.message
    with pytest.raises(ParamError, match="<= 1.0"):
        transform("transform.null_rate", {"rate": 1.5}, ["x"])


def test_truncate_cuts_characters_not_bytes():
    out = transform("transform.truncate", {"max_len": 3}, ["Conceição", "ab", None, 7])
    assert out == ["Con", "ab", None, 7]
    assert transform("transform.truncate", {"max_len": 4}, ["ãçéõ😀x"]) == ["ãçéõ"]


def test_format():
    values = [dt.date(2024, 3, 9), dt.datetime(2024, 3, 9, 14, 5), None]
    assert transform("transform.format", {"format": "%d/%m/%Y"}, values) == ["09/03/2024", "09/03/2024", None]
    assert transform("transform.format", {"template": "+55{value}"}, ["11987654321", True]) == [
        "+5511987654321",
        "+55true",
    ]
    with pytest.raises(ParamError, match="'format'.*'template'"):
        transform("transform.format", {}, ["x"])


def test_prefix_suffix_and_fitting():
    assert transform("transform.prefix_suffix", {"prefix": "SKU-"}, ["QWE4821", None]) == [
        "SKU-QWE4821",
        None,
    ]
    fitted = transform(
        "transform.prefix_suffix", {"prefix": "SKU-", "suffix": "-X"}, ["ABCDEFGH"], max_length=10
    )
    assert fitted == ["SKU-ABCD-X"]


@pytest.mark.parametrize(
    ("mode", "expected"), [("upper", "ANA DA SILVA"), ("lower", "ana da silva"), ("title", "Ana Da Silva")]
)
def test_casing(mode, expected):
    assert transform("transform.casing", {"mode": mode}, ["aNA da SILVA"]) == [expected]


def test_casing_rejects_an_unknown_mode():
    with pytest.raises(ParamError, match="must be one of"):
        transform("transform.casing", {"mode": "snake"}, ["x"])


def test_weighted_choice_ignores_input_but_keeps_null():
    choices = [
        {"value": "ligacao", "weight": 0.4},
        {"value": "reuniao", "weight": 0.4},
        {"value": "email", "weight": 0.2},
    ]
    out = transform("transform.weighted_choice", {"choices": choices}, ["x"] * 5000 + [None])
    assert out[-1] is None
    assert set(out[:-1]) == {"ligacao", "reuniao", "email"}
    assert 800 < out.count("email") < 1200
    with pytest.raises(ParamError) as err:
        transform("transform.weighted_choice", {"choices": [{"value": "a", "weight": 0}]}, ["x"])
    assert err.value.path == "choices/0/weight"


def test_mask_modes():
    values = ["user00011@example.com", "52998224725", "11222333000181", "ab", "Maria", None]
    assert transform("transform.mask", {"mode": "format_preserving"}, values) == [
        "u*******1@example.com",
        "***.***.***-25",
        "**.***.***/****-81",
        "**",
        "M***a",
        None,
    ]
    assert transform("transform.mask", {"mode": "redact", "mask_char": "#"}, ["x"]) == ["###"]
    assert transform("transform.mask", {"mode": "hash"}, ["abc"]) == [hashlib.sha256(b"abc").hexdigest()]
    with pytest.raises(ParamError, match="64 characters"):
        transform("transform.mask", {"mode": "hash"}, ["abc"], max_length=20)


def test_masking_can_merge_distinct_values():
    out = transform(
        "transform.mask", {"mode": "format_preserving"}, ["user00001@example.com", "user00011@example.com"]
    )
    assert out[0] == out[1]  # documented: the engine de-duplicates a unique column


def test_additions():
    assert transform("transform.replace", {"old": ".", "new": ""}, ["529.982.247-25"]) == ["529982247-25"]
    assert transform("transform.replace", {"pattern": r"\D", "new": ""}, ["529.982.247-25"]) == [
        "52998224725"
    ]
    with pytest.raises(ParamError, match="exactly one"):
        transform("transform.replace", {}, ["x"])
    assert transform("transform.round", {"digits": 1}, [1.26, 3, None, True]) == [1.3, 3, None, True]
    assert transform("transform.ascii", {}, ["São João", None]) == ["Sao Joao", None]
