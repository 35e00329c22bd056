"""CSV fields Postgres COPY (FORMAT csv) reads back as the same values."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest

from datalchemy_mp.contracts.kinds import Kind
from datalchemy_mp.output.csv import encode_rows, formatter, header, quote


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("plain", "plain"),
        ("", '""'),  # an empty string is not NULL
        ("a,b", '"a,b"'),
        ('say "hi"', '"say ""hi"""'),
        ("two\nlines", '"two\nlines"'),
        ("cr\rhere", '"cr\rhere"'),
        ("\\.", '"\\."'),  # COPY's end-of-data marker
        ("São Paulo", "São Paulo"),
    ],
    ids=["plain", "empty", "comma", "quote", "newline", "cr", "end-marker", "accents"],
)
def test_quote(text, field):
    assert quote(text) == field
    assert formatter(Kind.TEXT, None)([text]) == [field]


U = "0b5e1c1e-8d0f-4c6e-9a3b-1f2e3d4c5b6a"
CASES = [
    (Kind.INTEGER, None, [1, -2, None, "7"], ["1", "-2", "", "7"]),
    (Kind.NUMERIC, 2, [1, 2.5, decimal.Decimal("3.456"), None], ["1.00", "2.50", "3.46", ""]),
    (Kind.DOUBLE, None, [0.1, 2.0], ["0.1", "2"]),
    (Kind.BOOLEAN, None, [True, False, None], ["true", "false", ""]),
    (Kind.DATE, None, [dt.date(2024, 2, 29), dt.datetime(2024, 3, 1, 13, 0)], ["2024-02-29", "2024-03-01"]),
    (
        Kind.TIMESTAMPTZ,
        None,
        [dt.datetime(2024, 1, 2, 3, 4, 5)],
        ["2024-01-02 03:04:05+00"],
    ),
    (Kind.TIMESTAMP, None, [dt.datetime(2024, 1, 2, 3, 4, 5)], ["2024-01-02 03:04:05"]),
    (Kind.JSON, None, [{"a": [1, "x,y"]}, None], ['"{""a"":[1,""x,y""]}"', ""]),
    (Kind.ARRAY, None, [["a", "b c", None], [], None], ['"{a,""b c"",NULL}"', "{}", ""]),
    (
        Kind.UUID,
        None,
        ["0b5e1c1e-8d0f-4c6e-9a3b-1f2e3d4c5b6a", None],
        ["0b5e1c1e-8d0f-4c6e-9a3b-1f2e3d4c5b6a", ""],
    ),
    (Kind.BYTEA, None, [b"\x00\xff"], ["\\x00ff"]),
]


@pytest.mark.parametrize(("kind", "scale", "values", "fields"), CASES, ids=[f"{c[0]}" for c in CASES])
def test_formatter_by_kind(kind, scale, values, fields):
    assert formatter(kind, scale)(values) == fields


def test_header_and_rows():
    assert header(["id", "nome, completo"]) == b'id,"nome, completo"\n'
    assert encode_rows([["1", "2"], ["a", ""]]) == b"1,a\n2,\n"
