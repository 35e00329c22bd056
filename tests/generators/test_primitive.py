"""primitive.*: ranges, lengths, patterns, params errors, unique domains."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from datalchemy_mp.errors import GenerationError, ParamError
from datalchemy_mp.generators.base import GENERATORS, check_params
from tests.generators.gen_helpers import build, draw, draw_blocks, generate


def test_int_range_is_inclusive_and_uniform():
    values = generate("primitive.int", {"min": 1, "max": 5}, n=5000, kind="integer")
    assert set(values) == {1, 2, 3, 4, 5}
    assert min(values.count(k) for k in range(1, 6)) > 800
    big = generate("primitive.int.range", {"min": -(2**63), "max": 2**63 - 1}, kind="bigint")
    assert all(-(2**63) <= v < 2**63 for v in big)


def test_unique_int_range_covers_the_domain_then_fails_clearly():
    fn = build(
        "primitive.int", {"min": 10, "max": 5009}, kind="integer", unique=True, table="pedidos", name="codigo"
    )
    values = draw_blocks(fn, 0, 5000)
    assert sorted(values) == list(range(10, 5010))
    assert values[:20] != sorted(values[:20])  # permuted, not a counter
    with pytest.raises(GenerationError) as err:
        draw(fn, 10, start=4995)
    assert str(err.value) == (
        "unique column s.pedidos.codigo: generator primitive.int has only "
        "5000 distinct values, row 5001 needs more"
    )


def test_sequences():
    fn = build("primitive.sequence", {"start": 100, "step": 10}, kind="integer", unique=True)
    assert draw(fn, 3, start=4096) == [41060, 41070, 41080]
    hint = build("primitive.int.sequence_hint", {"start": 1, "step": 1, "max": 3}, kind="integer")
    assert draw(hint, 5) == [1, 2, 3, 3, 3]
    capped = build("primitive.int.sequence_hint", {"max": 3}, kind="integer", unique=True)
    with pytest.raises(GenerationError, match="only 3 distinct"):
        draw(capped, 5)
    with pytest.raises(ParamError, match="'step'"):
        build("primitive.sequence", {"step": 0})


def test_floats_and_decimals():
    floats = generate("primitive.float", {"min": 0.0, "max": 35.0}, kind="real")
    assert all(0 <= v <= 35 for v in floats) and any(round(v, 2) != v for v in floats)
    decimals = generate(
        "primitive.decimal.numeric", {"min": 10.0, "max": 9999.99, "scale": 2}, n=5000, kind="numeric"
    )
    assert all(10 <= v <= 9999.99 for v in decimals)
    assert all(len(repr(v).split(".")[1]) <= 2 for v in decimals)
    scaled = generate("primitive.decimal.numeric", {}, kind="numeric", scale=4)
    assert any(len(repr(v).split(".")[1]) > 2 for v in scaled)
    unique = draw_blocks(
        build("primitive.decimal.numeric", {"min": 0.0, "max": 99.99}, kind="numeric", unique=True), 0, 10_000
    )
    assert len({f"{v:.2f}" for v in unique}) == 10_000


def test_text_lengths_and_charset():
    values = generate("primitive.text", {"min_len": 3, "max_len": 6, "charset": "a-c0-1"})
    assert all(3 <= len(v) <= 6 and set(v) <= set("abc01") for v in values)
    capped = generate("primitive.text", max_length=4)
    assert all(1 <= len(v) <= 4 for v in capped)
    with pytest.raises(ParamError) as err:
        build("primitive.text", {"max_len": 10}, max_length=5)
    assert err.value.path == "max_len"
    with pytest.raises(ParamError, match="not both"):
        build("primitive.text", {"pattern": "a+", "charset": "ab"})
    with pytest.raises(ParamError, match="needs param 'pattern'"):
        build("primitive.text", {"max_repeat": 3})


def test_text_pattern_uses_ascii_digits():
    pytest.importorskip("datalchemy_mp.generators.regex_gen")
    values = generate("primitive.text.pattern", {"pattern": r"[A-Z]{3}\d{4}"}, n=500)
    assert all(re.fullmatch(r"[A-Z]{3}[0-9]{4}", v) for v in values)
    values = generate("primitive.text.pattern", {"pattern": "COT-2025-[0-9]{5}"})
    assert all(re.fullmatch(r"COT-2025-\d{5}", v) for v in values)
    with pytest.raises(ParamError) as err:
        build("primitive.text.pattern", {"pattern": "(a"})
    assert err.value.path == "pattern"


def test_lorem_words():
    one = generate("primitive.text.lorem", {"words": 1})
    assert all(" " not in v and v for v in one)
    some = generate("primitive.text.lorem", {"min_words": 6, "max_words": 12})
    assert all(6 <= len(v.split()) <= 12 for v in some)
    with pytest.raises(ParamError, match="allow_empty"):
        build("primitive.text.lorem", {"words": 0})
    fitted = generate("primitive.text.lorem", {"min_words": 8, "max_words": 8}, max_length=20)
    assert all(len(v) <= 20 for v in fitted)


def test_dates_times_timestamps():
    dates = generate("primitive.date", {"min": "1960-01-01", "max": "2000-12-31"}, kind="date")
    assert all(dt.date(1960, 1, 1) <= d <= dt.date(2000, 12, 31) for d in dates)
    times = generate("primitive.time", {"min": "08:00:00", "max": "08:00:10"}, kind="time")
    assert {t.second for t in times} == set(range(11))
    stamps = generate(
        "primitive.timestamp", {"min": "2024-06-01T08:00:00Z", "max": "2024-06-01 09:00:00"}, kind="timestamp"
    )
    assert all(dt.datetime(2024, 6, 1, 8) <= s <= dt.datetime(2024, 6, 1, 9) for s in stamps)
    assert all(s.tzinfo is None and s.microsecond == 0 for s in stamps)
    shifted = generate(
        "primitive.timestamp", {"min": "2024-06-01T08:00:00-03:00", "max": "2024-06-01T08:00:00-03:00"}
    )
    assert set(shifted) == {dt.datetime(2024, 6, 1, 11)}  # RFC 3339 offsets become UTC
    unique = draw_blocks(build("primitive.date", {}, kind="date", unique=True), 0, 366)
    assert len(set(unique)) == 366
    with pytest.raises(GenerationError, match="366 distinct"):
        draw(build("primitive.date", {}, kind="date", unique=True), 1, start=366)


@pytest.mark.parametrize(
    ("gen_id", "params", "path"),
    [
        ("primitive.date", {"min": "2024-13-01"}, "min"),
        ("primitive.date", {"min": "2024-02-01", "max": "2024-01-01"}, "max"),
        ("primitive.time", {"max": "25:00"}, "max"),
        ("primitive.timestamp", {"min": "yesterday"}, "min"),
        ("primitive.int", {"min": 9, "max": 1}, "max"),
        ("primitive.float", {"min": 9.5, "max": 1.0}, "max"),
        ("primitive.text.lorem", {"min_words": 5, "max_words": 2}, "max_words"),
    ],
    ids=["bad-date", "date-order", "bad-time", "bad-timestamp", "int-order", "float-order", "words-order"],
)
def test_cross_param_errors_name_the_param(gen_id, params, path):
    with pytest.raises(ParamError) as err:
        build(gen_id, params)
    assert err.value.path == path
    assert repr(path) in err.value.message


def test_check_params_errors_name_the_json_path():
    spec = GENERATORS["primitive.int"]
    with pytest.raises(ParamError) as err:
        check_params(spec.params, {"min": 1, "maxx": 3}, strict=True, path="/rules/3/params")
    assert err.value.path == "/rules/3/params/maxx" and "known: max, min" in err.value.message
    with pytest.raises(ParamError) as err:
        check_params(spec.params, {"min": 1.5}, strict=True, path="/rules/3/params")
    assert err.value.path == "/rules/3/params/min" and "integer" in err.value.message
    loose = GENERATORS["semantic.br.cpf"]
    assert check_params(loose.params, {"whatever": 1}, strict=loose.strict, path="")["whatever"] == 1


def test_enum_choice_constant():
    labels = ("novo", "qualificado", "perdido")
    values = generate("primitive.enum", kind="enum", enum_labels=labels, n=1000)
    assert set(values) == set(labels)
    major = generate(
        "primitive.enum", {"majority": "novo", "majority_rate": 0.8}, kind="enum", enum_labels=labels, n=2000
    )
    assert major.count("novo") > 1500
    with pytest.raises(ParamError, match="not an enum"):
        build("primitive.enum", kind="text")
    with pytest.raises(ParamError) as err:
        build("primitive.enum", {"majority": "x"}, kind="enum", enum_labels=labels)
    assert err.value.path == "majority"
    assert generate("primitive.enum", kind="enum", n=3) == ["unknown"] * 3
    weighted = generate("primitive.choice", {"values": ["a", "b"], "weights": [9, 1]}, n=2000)
    assert weighted.count("a") > 1600
    with pytest.raises(ParamError) as err:
        build("primitive.choice", {"values": ["a"], "weights": [1, 2]})
    assert err.value.path == "weights"
    assert generate("primitive.constant", {"value": "BRL"}, n=3) == ["BRL"] * 3


def test_json_inet_array_bytes_interval():
    objs = generate("primitive.json", kind="json")
    assert all(set(o) == {"source", "score", "tags", "active"} for o in objs)
    ips = generate("primitive.inet", kind="inet")
    assert all(all(1 <= int(x) <= 254 for x in ip.split(".")) for ip in ips)
    arrays = generate(
        "primitive.array", {"min_items": 0, "max_items": 3}, kind="array", element_kind="integer"
    )
    assert all(len(a) <= 3 and all(isinstance(x, int) for x in a) for a in arrays)
    assert any(a == [] for a in arrays)
    blobs = generate("primitive.bytes", kind="bytea")
    assert all(isinstance(b, bytes) and 8 <= len(b) <= 32 for b in blobs)
    spans = generate("primitive.interval", kind="interval")
    assert all(re.fullmatch(r"(\d+ days )?\d{2}:\d{2}:\d{2}", s) for s in spans)


def test_uuid_unique_by_construction_and_random_otherwise():
    unique = draw_blocks(build("primitive.uuid", kind="uuid", unique=True), 0, 100_000)
    assert len(set(unique)) == 100_000
    plain = draw_blocks(build("primitive.uuid", kind="uuid"), 0, 20_000)
    assert len(set(plain)) == 20_000
