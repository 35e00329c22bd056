"""Unique text keys from the whole space a column allows: keyspace, regex shapes, primitive.text."""

from __future__ import annotations

import re
import string

import pytest

from datalchemy_mp.errors import GenerationError
from datalchemy_mp.generators.base import capacity_of, is_distinct
from datalchemy_mp.generators.keyspace import text_keys
from datalchemy_mp.generators.regex_space import shapes
from tests.generators.gen_helpers import build, draw, draw_blocks


def test_char2_space_is_whole_and_natural_first():
    keys = text_keys(7, "character(2)", 1, 2)
    assert keys.capacity == 94**2 + 94  # printable ASCII but the blank, lengths 2 then 1
    values = keys.values(range(keys.capacity))
    assert len(set(values)) == keys.capacity
    assert all(len(v) == 2 and set(v) <= set(string.ascii_uppercase) for v in values[: 26**2])
    assert all(re.fullmatch("[A-Z0-9]{2}", v) and re.search("[0-9]", v) for v in values[676 : 36**2])
    assert sorted(values[: 26**2])[:3] == ["AA", "AB", "AC"]
    assert values[:5] != sorted(values[:5])  # permuted, not counted


def test_values_do_not_depend_on_how_rows_are_asked_for():
    keys = text_keys(7, "character varying(5)", 1, 5)
    whole = keys.values(range(0, 3000))
    assert keys.values(range(1000, 2000)) == whole[1000:2000]
    assert keys.values([2999, 5, 5]) == [whole[2999], whole[5], whole[5]]


def test_case_insensitive_column_never_gets_two_cases_of_one_value():
    keys = text_keys(1, "citext", 1, 2)
    values = keys.values(range(keys.capacity))
    assert len({v.lower() for v in values}) == keys.capacity == 68**2 + 68


def test_regex_shapes_count_distinct_strings_only():
    found = shapes("[A-Z]{2}-?[0-9]{1,3}", 1, 6)
    assert sum(_size(s) for s in found) == 676 * (10 + 100 + 1000) * 2
    ambiguous = shapes("[a-z]?[a-z]{1,3}", 1, 4)  # "ab" is both ?=1,{1} and ?=0,{2}
    assert sum(_size(s) for s in ambiguous) == 26 + 26**2 + 26**3 + 26**4
    assert shapes("(a)\\1", 1, 4) is None  # a backreference cannot be enumerated
    assert shapes("[A-C ]{2}", 1, 2, bpchar=True) == [(" ABC", "ABC")]  # no trailing blank


def _size(shape) -> int:
    n = 1
    for chars in shape:
        n *= len(chars)
    return n


def test_unique_text_on_a_char3_key_fills_its_space_then_fails_clearly():
    fn = build("primitive.text", {"min_len": 3}, data_type="character(3)", max_length=3, unique=True)
    assert capacity_of(fn) == (94**3, False)
    values = draw_blocks(fn, 0, 20000)
    assert len(set(values)) == 20000 and all(len(v) == 3 for v in values)
    assert all(v.isupper() and v.isalpha() for v in values[: 26**3])
    with pytest.raises(GenerationError, match="has only 830584 distinct values, row 830585"):
        draw(fn, 2, start=94**3 - 1)


def test_unique_pattern_is_enumerated_and_matches():
    fn = build("primitive.text.pattern", {"pattern": "[A-F0-9]{4}"}, max_length=4, unique=True)
    assert capacity_of(fn) == (16**4, False)
    values = draw_blocks(fn, 0, 16**4)
    assert len(set(values)) == 16**4 and all(re.fullmatch("[A-F0-9]{4}", v) for v in values)


def test_unique_pattern_that_cannot_be_enumerated_says_so():
    fn = build("primitive.text.pattern", {"pattern": "\\bab[a-z]"}, unique=True)
    assert not is_distinct(fn) and capacity_of(fn) == (None, False)
    assert all(re.fullmatch("ab[a-z]", v) for v in draw(fn, 3))


def test_smallint_sequence_stops_at_32767():
    fn = build("primitive.sequence", {}, kind="smallint", data_type="smallint", unique=True)
    assert capacity_of(fn) == (32767, True)
    assert draw(fn, 2, start=32765) == [32766, 32767]
    with pytest.raises(GenerationError, match="smallint sequence from 1 by 1 has only 32767 values"):
        draw(fn, 2, start=32766)
    down = build("primitive.sequence", {"start": -1, "step": -2}, kind="integer", unique=True)
    assert capacity_of(down)[0] == 2**30
