"""Values a ruled generator made, fitted to the column type where that is exact (else INVALID)."""

from __future__ import annotations

import datetime as dt

import pytest

from datalchemy_mp.contracts.kinds import Kind
from datalchemy_mp.planning.coerce import INVALID, coercer

D = dt.date(2024, 1, 1)
U = "0b5e1c1e-8d0f-4c6e-9a3b-1f2e3d4c5b6a"
CASES = [
    (Kind.INTEGER, ["12", 7, 3.0, "x", 2.5, None], [12, 7, 3, INVALID, INVALID, None]),
    (Kind.BOOLEAN, ["true", "f", True, "maybe"], [True, False, True, INVALID]),
    (
        Kind.DATE,
        ["2024-02-29", dt.date(2024, 1, 1), "29/02/2024"],
        [dt.date(2024, 2, 29), dt.date(2024, 1, 1), INVALID],
    ),
    (
        Kind.UUID,
        ["0B5E1C1E-8D0F-4C6E-9A3B-1F2E3D4C5B6A", "nope"],
        ["0b5e1c1e-8d0f-4c6e-9a3b-1f2e3d4c5b6a", INVALID],
    ),
    (Kind.INET, ["10.0.0.1", "999.1.1.1"], ["10.0.0.1/32", INVALID]),
]


@pytest.mark.parametrize(("kind", "values", "expected"), CASES, ids=[str(c[0]) for c in CASES])
def test_coercion_by_kind(kind, values, expected):
    assert coercer(kind)(values) == expected


def test_enum_labels_and_text_length():
    assert coercer(Kind.ENUM, ("a", "b"))(["a", "c", None]) == ["a", INVALID, None]
    assert coercer(Kind.TEXT, max_length=3)(["abc", "abcd", None]) == ["abc", INVALID, None]
    assert coercer(Kind.TEXT) is None  # plain text takes anything
