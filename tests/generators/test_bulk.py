"""The bulk fast path: numpy blocks give the values and the text the per-value path gives."""

from __future__ import annotations

import random
import uuid

import numpy as np
import pytest

from datalchemy_mp.generators import bulk
from datalchemy_mp.generators._util import BlockPermutation
from datalchemy_mp.generators.base import GENERATORS, Batch, ColumnInfo, check_params
from datalchemy_mp.output import csv as csvout
from datalchemy_mp.uuids import version4


def test_timestamp_and_date_text_match_isoformat_over_every_four_digit_year():
    g = np.random.default_rng(1)
    seconds = g.integers(-62135596800, 253402300800, 50_000)  # 0001-01-01 .. 9999-12-31
    stamps = np.datetime64("1970-01-01T00:00:00", "s") + seconds.astype("timedelta64[s]")
    stamps[:2] = np.array(["0001-01-01T00:00:00", "9999-12-31T23:59:59"], dtype="datetime64[s]")
    expected = [v.isoformat(sep=" ") for v in stamps.tolist()]
    assert bulk.timestamp_text(stamps) == expected
    assert bulk.timestamp_text(stamps, "+00") == [t + "+00" for t in expected]
    days = stamps.astype("datetime64[D]")
    assert bulk.date_text(days) == [v.isoformat() for v in days.tolist()]


def test_a_bulk_column_is_a_list_of_python_values_and_formats_like_one():
    stamps = np.array(["2024-02-29T23:59:59", "1999-12-31T00:00:00"], dtype="datetime64[s]")
    values = bulk.column(stamps)
    assert values == [v.astype(object) for v in stamps] and isinstance(values, list)
    fmt = csvout.formatter("timestamptz", None)
    assert fmt(values) == fmt(list(values)) == ["2024-02-29 23:59:59+00", "1999-12-31 00:00:00+00"]
    assert bulk.array_of(list(values)) is None  # a changed block is a plain list again


@pytest.mark.parametrize("n", [1, 2, 7, 4096, 12_345, 10**9, 10**12])
def test_permutation_arrays_are_the_per_value_images(n):
    perm = BlockPermutation(n, 99)
    for start, count in ((0, min(n, 4096)), (max(0, n - 50), min(n, 50))):
        images = perm.array(start, count).tolist()
        assert images == perm.images(range(start, start + count)) == perm.block(start, count)
        assert len(set(images)) == count and max(images) < n


def test_version4_uuids_are_valid_and_distinct():
    j = np.arange(100_000, dtype=np.uint64)
    values = version4(bulk.mix64(j, 1), bulk.mix64(j, 2))
    assert len(set(values)) == len(values)
    parsed = [uuid.UUID(v) for v in values[:1000]]
    assert {p.version for p in parsed} == {4} and {p.variant for p in parsed} == {uuid.RFC_4122}
    assert all(str(p) == v for p, v in zip(parsed, values, strict=False))


@pytest.mark.parametrize(
    "gen_id, params, kind",
    [
        ("primitive.bool", {"true_rate": 0.9}, "boolean"),
        ("primitive.int.range", {"min": -5, "max": 5}, "integer"),
        ("primitive.date", {"min": "2024-02-01", "max": "2024-02-29"}, "date"),
        ("primitive.timestamp", {"min": "2024-01-01T00:00:00", "max": "2024-01-01T00:00:09"}, "timestamp"),
        ("primitive.choice", {"values": ["a", "b", "c"], "weights": [1, 0.001, 1]}, "text"),
    ],
)
def test_bulk_generators_keep_their_params_and_depend_only_on_the_block_seed(gen_id, params, kind):
    spec = GENERATORS[gen_id]
    fn = spec.factory(
        ColumnInfo("s", "t", "c", kind, seed=3), check_params(spec.params, params, strict=True, path="")
    )
    first = fn(Batch(rng=random.Random(5), start=0, n=4096))
    assert first == fn(Batch(rng=random.Random(5), start=0, n=4096))
    assert first != fn(Batch(rng=random.Random(6), start=0, n=4096))
    if gen_id == "primitive.bool":
        assert 0.87 < sum(first) / len(first) < 0.93
    elif gen_id == "primitive.int.range":
        assert set(first) == set(range(-5, 6))
    elif gen_id == "primitive.date":
        assert min(first).isoformat() == "2024-02-01" and max(first).isoformat() == "2024-02-29"
    elif gen_id == "primitive.timestamp":
        assert len(set(first)) == 10 and min(first).isoformat() == "2024-01-01T00:00:00"
    else:
        assert first.count("b") < 20 and abs(first.count("a") - first.count("c")) < 300


def test_texts_and_lines_give_one_string_per_row():
    codes = bulk.digit_codes(np.array([0, 7, 1234, 99999]), 5)
    dash = np.full((4, 1), ord("-"), dtype=np.uint8)
    assert bulk.texts(codes, dash, codes[:, :2]) == ["00000-00", "00007-00", "01234-01", "99999-99"]
    assert bulk.texts(codes[:0]) == []


def test_a_capped_timestamp_block_keeps_its_array_and_its_text():
    import datetime as dt

    from datalchemy_mp.contracts.kinds import Kind
    from datalchemy_mp.engine.coherence import RowRules

    end = dt.datetime(2025, 1, 15, 23, 59, 59)
    g = np.random.default_rng(3)
    stamps = np.datetime64("2024-06-01T00:00:00") + g.integers(0, 400 * 86400, 4096).astype("timedelta64[s]")
    values = bulk.column(stamps)
    rules = RowRules(end=end, caps=[("u", Kind.TIMESTAMP, (), None)])
    rules.apply({"u": values}, len(values), random.Random(1))
    assert max(values) <= end and bulk.array_of(values) is not None  # late values moved, array kept
    fmt = csvout.formatter(Kind.TIMESTAMP, None)
    assert fmt(values) == fmt(list(values))  # the array says what the list says


def test_set_array_drops_the_array_when_a_value_does_not_fit_it():
    import datetime as dt

    values = bulk.column(np.array(["2024-01-01T00:00:00", "2024-01-02T00:00:00"], dtype="datetime64[s]"))
    array = bulk.array_of(values)
    assert array is not None
    values[0] = dt.datetime(2023, 5, 5, 1, 2, 3, 500)  # microseconds: not in a [s] array
    bulk.set_array(values, array, [0])
    assert bulk.array_of(values) is None
