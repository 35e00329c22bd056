"""Intervals, the functions real CHECKs wrap columns in, and the hints built through them."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from datalchemy_mp.checks import Ordering, column_hints, orderings, parse_check
from datalchemy_mp.checks.interval import Interval, add_months, age, parse_interval

TODAY = dt.date(2024, 3, 15)


def ev(expression: str, **row) -> bool:
    check = parse_check(expression)
    names = sorted(check.columns)
    compiled = check.compile({n: i for i, n in enumerate(names)}, TODAY)(tuple(row[n] for n in names))
    walked = check.evaluate(row, TODAY)
    assert compiled == walked, expression
    return walked


@pytest.mark.parametrize(
    ("text", "months", "days", "micros"),
    [
        ("18 years", 216, 0, 0),
        ("1 day", 0, 1, 0),
        ("1 year 2 mons 3 days 04:05:06", 14, 3, (4 * 3600 + 5 * 60 + 6) * 10**6),
        ("@ 2 days ago", 0, -2, 0),
        ("1 week", 0, 7, 0),
        ("1.5 months", 1, 15, 0),
        ("36 hours", 0, 0, 36 * 3600 * 10**6),
        ("P1Y2M3DT4H", 14, 3, 4 * 3600 * 10**6),
        ("-00:30", 0, 0, -30 * 60 * 10**6),
        ("90", 0, 0, 90 * 10**6),
    ],
)
def test_interval_literals(text, months, days, micros):
    iv = parse_interval(text)
    assert (iv.months, iv.days, iv.micros) == (months, days, micros)


def test_interval_rejects_unknown_units():
    with pytest.raises(ValueError, match="fortnight"):
        parse_interval("1 fortnight")


def test_intervals_compare_by_span_and_move_the_calendar():
    assert parse_interval("1 mon") == parse_interval("30 days")
    assert parse_interval("1 year") == parse_interval("360 days")  # as Postgres has it
    assert parse_interval("1 year") > parse_interval("359 days")
    assert add_months(dt.datetime(2024, 1, 31), 1) == dt.datetime(2024, 2, 29)
    # Postgres: 17 years 11 mons 30 days; 1 mon 1 day
    assert age(dt.datetime(2024, 3, 15), dt.datetime(2006, 3, 16)) == Interval(215, 30, 0)
    assert age(dt.datetime(2024, 3, 1), dt.datetime(2024, 1, 31)) == Interval(1, 1, 0)
    assert Interval(1, 2, 3).text() == "1 mon 2 days 00:00:00.000003"


@pytest.mark.parametrize(
    ("expression", "row", "expected"),
    [
        ("CHECK (nasc <= (now() - '18 years'::interval))", {"nasc": dt.date(2006, 3, 15)}, True),
        ("CHECK (nasc <= (now() - '18 years'::interval))", {"nasc": dt.date(2006, 3, 16)}, False),
        (
            "CHECK (criado > (CURRENT_DATE - '1 day'::interval))",
            {"criado": dt.datetime(2024, 3, 14, 0, 1)},
            True,
        ),
        ("CHECK (criado > (CURRENT_DATE - '1 day'::interval))", {"criado": dt.datetime(2024, 3, 14)}, False),
        ("CHECK (fim > inicio)", {"fim": dt.time(9), "inicio": dt.time(8)}, True),
        ("CHECK (fim > inicio)", {"fim": "08:00:00", "inicio": "09:00:00"}, False),
        ("CHECK ((fim - inicio) >= '01:00:00'::interval)", {"fim": dt.time(9), "inicio": dt.time(8)}, True),
        ("CHECK (age(nasc) >= '18 years'::interval)", {"nasc": dt.date(2006, 3, 15)}, True),
        ("CHECK (age(nasc) >= '18 years'::interval)", {"nasc": dt.date(2006, 3, 20)}, False),
        ("CHECK ((\"left\"(tag, 3) = 'TG-'::text))", {"tag": "TG-9"}, True),
        ("CHECK ((\"right\"(tag, 2) = '-9'::text))", {"tag": "TG-9"}, True),
        ("CHECK ((substr(codigo, 1, 2) = 'AB'::text))", {"codigo": "AC12"}, False),
        ("CHECK ((sku ~ similar_to_escape('[A-Z]{3}-[0-9]+'::text)))", {"sku": "ABC-12"}, True),
        ("CHECK ((sku ~ similar_to_escape('[A-Z]{3}-[0-9]+'::text)))", {"sku": "ABC-12x"}, False),
        ("CHECK ((sku !~ similar_to_escape('%x%'::text)))", {"sku": "abc"}, True),
        ("CHECK ((round(x, 1) = x))", {"x": Decimal("1.25")}, False),
        ("CHECK ((round(x, 1) = x))", {"x": Decimal("1.2")}, True),
        ("CHECK ((date_trunc('month'::text, d) = d))", {"d": dt.date(2024, 3, 1)}, True),
        ("CHECK ((mod(n, 3) = 0))", {"n": -9}, True),
        ("CHECK ((EXTRACT(hour FROM t) < (12)::numeric))", {"t": dt.time(11, 59)}, True),
    ],
)
def test_wrapped_forms_evaluate(expression, row, expected):
    assert ev(expression, **row) is expected


def hints(expression: str, kinds: dict, today: dt.date | None = TODAY) -> dict:
    return column_hints([parse_check(expression)], kinds, today=today)


@pytest.mark.parametrize(
    ("expression", "kinds", "expected"),
    [
        (
            "CHECK ((upper(uf) = ANY (ARRAY['SP'::text, 'RJ'::text, 'mg'::text])))",
            {"uf": "text"},
            {"uf": {"choices": ("SP", "RJ")}},  # 'mg' is never upper(anything)
        ),
        (
            "CHECK (((lower(status) = ANY (ARRAY['ativo'::text])) OR (status IS NULL)))",
            {"status": "text"},
            {"status": {"choices": ("ativo",)}},
        ),
        ("CHECK ((abs(n) <= 100))", {"n": "integer"}, {"n": {"min": -100, "max": 100}}),
        (
            "CHECK ((abs(d) < 5.5))",
            {"d": "numeric"},
            {
                "d": {
                    "min": Decimal("-5.5"),
                    "max": Decimal("5.5"),
                    "min_exclusive": True,
                    "max_exclusive": True,
                }
            },
        ),
        ("CHECK ((COALESCE(prio, 0) >= 0))", {"prio": "integer"}, {"prio": {"min": 0}}),
        ("CHECK ((COALESCE(prio, 0) >= 1))", {"prio": "integer"}, {"prio": {"min": 1, "not_null": True}}),
        ("CHECK ((NOT (n < 0)))", {"n": "integer"}, {"n": {"min": 0}}),
        (
            "CHECK ((date_part('year'::text, nasc) >= (1950)::double precision))",
            {"nasc": "date"},
            {"nasc": {"min": dt.date(1950, 1, 1)}},
        ),
        (
            "CHECK (((EXTRACT(year FROM d) >= 2000) AND (EXTRACT(year FROM d) <= 2010)))",
            {"d": "date"},
            {"d": {"min": dt.date(2000, 1, 1), "max": dt.date(2010, 12, 31)}},
        ),
        ("CHECK (((x)::integer >= 0))", {"x": "numeric"}, {"x": {"min": 0}}),
        (
            "CHECK ((((mes >= 12) AND (mes <= 1)) OR ((mes >= 1) AND (mes <= 12))))",
            {"mes": "integer"},
            {"mes": {"min": 1, "max": 12}},
        ),
        (
            "CHECK ((((x >= 1) AND (x < 10)) OR ((x >= 10) AND (x < 20)) OR ((x >= 30) AND (x <= 40))))",
            {"x": "integer"},
            {"x": {"min": 1, "max": 40}},  # the hull; the gap is checked row by row
        ),
        (
            "CHECK ((nasc <= (now() - '18 years'::interval)))",
            {"nasc": "date"},
            {"nasc": {"max": dt.date(2006, 3, 15)}},
        ),
        (
            "CHECK ((criado > (CURRENT_DATE - '1 day'::interval)))",
            {"criado": "timestamp"},
            {"criado": {"min": dt.datetime(2024, 3, 14), "min_exclusive": True}},
        ),
        ("CHECK ((length(btrim((nome)::text)) > 0))", {"nome": "text"}, {"nome": {"min_length": 1}}),
    ],
)
def test_hints_through_wrappers(expression, kinds, expected):
    assert hints(expression, kinds) == expected


def test_interval_bounds_need_today():
    assert hints("CHECK ((nasc <= (now() - '18 years'::interval)))", {"nasc": "date"}, today=None) == {}


@pytest.mark.parametrize(
    ("expression", "value", "rejected"),
    [
        ("CHECK ((substr(codigo, 1, 2) = 'AB'::text))", "AB", "AC"),
        ("CHECK ((\"left\"(tag, 3) = 'TG-'::text))", "TG-", "TG"),
        ("CHECK ((\"right\"(tag, 2) = '.X'::text))", "", "X."),
    ],
)
def test_fixed_affixes_become_patterns(expression, value, rejected):
    pattern = hints(expression, {"codigo": "text", "tag": "text"}).popitem()[1]["pattern"]
    sample = re.sub(r"\[A-Z0-9\]\{1,8\}", "Q1", pattern.strip("^$")).replace("\\", "")
    assert value in sample and re.fullmatch(pattern, sample) and not re.fullmatch(pattern, rejected + "Q1")
    assert ev(expression, **{next(iter(parse_check(expression).columns)): sample})


def test_similar_to_becomes_a_generation_pattern():
    pattern = hints("CHECK ((sku ~ similar_to_escape('[A-Z]{3}-[0-9]{4}'::text)))", {"sku": "text"})["sku"]
    assert re.fullmatch(pattern["pattern"], "ABC-1234") and not re.fullmatch(pattern["pattern"], "AB-1234")


def test_coalesce_of_two_columns_is_an_ordering_when_not_null():
    expected = [Ordering("fim", ">=", "inicio", True)]
    assert orderings([parse_check("CHECK ((COALESCE(fim, inicio) >= inicio))")]) == expected
    assert orderings([parse_check("CHECK ((inicio <= COALESCE(fim, inicio)))")]) == expected
    assert orderings([parse_check("CHECK ((COALESCE(fim, now()) >= inicio))")]) == []


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        (
            "CHECK ((vencimento >= (emissao + '30 days'::interval)))",
            Ordering("vencimento", ">=", "emissao", False, Interval(0, 30, 0)),
        ),
        ("CHECK ((fim > (inicio + 1)))", Ordering("fim", ">", "inicio", False, 1)),
        (
            "CHECK (((inicio + '01:00:00'::interval) <= fim))",
            Ordering("fim", ">=", "inicio", False, Interval(0, 0, 3600 * 10**6)),
        ),
        ("CHECK ((a <= (b - 5)))", Ordering("a", "<=", "b", False, -5)),
    ],
)
def test_orderings_with_a_constant_offset(expression, expected):
    [found] = orderings([parse_check(expression)])
    assert found == expected
    flipped = found.flipped()
    assert (flipped.left, flipped.right) == (found.right, found.left)


def test_an_offset_shifts_with_sql_semantics():
    [o] = orderings([parse_check("CHECK ((vence >= (emissao + '1 mon'::interval)))")])
    assert o.shifted(dt.date(2024, 1, 31)) == dt.datetime(2024, 2, 29)
    assert o.flipped().shifted(dt.datetime(2024, 3, 31)) == dt.datetime(2024, 2, 29)
    assert o.shifted(None) is None
