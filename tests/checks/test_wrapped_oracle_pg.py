"""The wrapped CHECK forms of real schemas, decided by Postgres and by the engine on the same
rows: every CHECK is created in Postgres, read back as Postgres prints it (pretty and not),
and must give Postgres's verdict on every row, by tree walk and compiled."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from datalchemy_mp.checks import parse_check

TABLE = """
create table oracle2 (
  id integer primary key,
  i integer, n numeric(10,2), f double precision, s text collate "C",
  d date, ts timestamp, tz timestamptz, t1 time, t2 time, iv interval
);
"""
CHECKS = [
    "upper(s) = any (array['ABC', 'X Y'])",
    "lower(s) in ('abc', 'ab')",
    "upper(s) in ('ABC') or s is null",
    "btrim(s) <> ''",
    "length(btrim(s)) between 1 and 2",
    "left(s, 2) = 'ab'",
    "left(s, -1) = 'ab'",
    "right(s, 1) = 'c'",
    "substr(s, 2, 2) = 'bc'",
    "substr(s, 0, 2) = 'a'",
    "substring(s from 1 for 1) = 'a'",
    "s similar to '[a-z]{2}%'",
    "s not similar to '%(b|c)%'",
    "s similar to 'a#_%' escape '#'",
    "s ~* '^AB'",
    "s::text ~ '^[a-z]+$'",
    "i::text ~ '^[0-9]{2}$'",
    "(n)::integer >= 1",
    "date_part('year', d) >= 2020",
    "extract(month from ts) between 3 and 5",
    "extract(hour from t1) < 12",
    "extract(epoch from iv) > 3600",
    "date_part('day', iv) >= 1",
    "abs(i) <= 10",
    "abs(n) < 5.5",
    "coalesce(i, 0) >= 1",
    "coalesce(d, current_date) >= current_date - 30",
    "not (i < 0)",
    "not (s in ('abc', 'x y'))",
    "s <> all (array['abc', 'x'])",
    "i between symmetric 10 and 1",
    "i not between symmetric 10 and 1",
    "d <= now() - '18 years'::interval",
    "d <= current_date - interval '18 years'",
    "ts > current_date - interval '1 day'",
    "tz <= now() + interval '1 year'",
    "ts >= d + interval '30 days'",
    "d + interval '1 month' > ts",
    "ts <= localtimestamp - interval '2 mons 3 days'",
    "t2 > t1",
    "t2 >= t1 + interval '1 hour'",
    "t2 - t1 > interval '2 hours'",
    "age(d) >= interval '18 years'",
    "age(ts, d) < '1 day'",
    "date_trunc('month', ts) = date_trunc('month', d)",
    "date_trunc('year', tz) < '2026-01-01'",
    "round(n) = n",
    "round(n, 1) >= 1",
    "trunc(f) = 0",
    "floor(n) > 2",
    "ceil(f) < 3",
    "mod(i, 5) = 0",
    "sign(i) >= 0",
    "iv < interval '1 day'",
    "iv > '0'::interval",
    "iv = '30 days'::interval",
    "iv between '1 hour' and '1 mon'",
    "replace(s, 'b', '') = 'ac'",
    "initcap(s) = s",
    "lpad(s, 4, '*') like '*%'",
    "ts - d < interval '12 hours'",
    "justify_days(iv) >= '1 mon'",
]
STRINGS = ["abc", "ab", "ac", "ABC", "Abc", "aBc", "bc", "x y", "X Y", " ", "", "a_b", "a1", "abcd",
           "zz", "AB", "c", "a"]  # fmt: skip
INTERVALS = ["1 day", "2 hours", "1 mon", "30 days", "-1 year", "1 year 2 mons 3 days 04:05:06",
             "00:30:00", "1 week", "P1DT2H", "@ 2 days ago", "36 hours", "1.5 months"]  # fmt: skip


def _rows(today: dt.date, count: int) -> list[tuple]:
    """Dates never within a day of now() +- the CHECKs' intervals, so the verdicts do not depend
    on the hour the test runs at (the engine takes now() as today 12:00 UTC)."""
    rng = random.Random(19)
    anchors = [today, today.replace(year=today.year - 18), today - dt.timedelta(days=30)]

    def maybe(value: Any) -> Any:
        return None if rng.random() < 0.12 else value

    rows = []
    for k in range(count):
        day = rng.choice(anchors) + dt.timedelta(days=rng.choice([-400, -40, -3, -2, 2, 3, 40, 400]))
        hour = rng.choice([0, 6, 18])
        rows.append(
            (
                k,
                maybe(rng.choice([-12, -5, 0, 1, 2, 5, 9, 10, 11, 15, 20, 42])),
                maybe(Decimal(rng.randint(-700, 700)) / 100),
                maybe(rng.choice([0.2, 0.5, 1.5, 2.5, -0.7, 2.0])),
                maybe(rng.choice(STRINGS)),
                maybe(day),
                maybe(dt.datetime.combine(day + dt.timedelta(days=rng.choice([0, 0, 2, 45])), dt.time(hour))),
                maybe(dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)),
                maybe(dt.time(rng.choice([0, 8, 11, 12, 13, 22]), rng.choice([0, 30, 59]))),
                maybe(dt.time(rng.choice([0, 9, 12, 14, 15, 23]), rng.choice([0, 30, 59]))),
                maybe(rng.choice(INTERVALS)),
            )
        )
    return rows


def test_wrapped_forms_agree_with_postgres(fresh_db):
    import psycopg

    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute("set timezone = 'UTC'")
        conn.execute(TABLE)
        today = conn.execute("select current_date").fetchone()[0]
        rows = _rows(today, 400)
        with conn.cursor() as cur:
            cur.executemany("insert into oracle2 values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", rows)
        for k, expression in enumerate(CHECKS):
            conn.execute(f"alter table oracle2 add constraint ck_{k} check ({expression}) not valid")
        printed = conn.execute(
            "select conname, pg_get_constraintdef(oid, true), pg_get_constraintdef(oid, false)"
            " from pg_constraint where conrelid = 'oracle2'::regclass and contype = 'c' order by conname"
        ).fetchall()
        verdicts = {}
        for k, expression in enumerate(CHECKS):
            result = conn.execute(f"select id, ({expression}) from oracle2 order by id").fetchall()
            verdicts[f"ck_{k}"] = [v is not False for _, v in result]

    names = ["id", "i", "n", "f", "s", "d", "ts", "tz", "t1", "t2", "iv"]
    index = {n: i for i, n in enumerate(names)}
    dict_rows = [dict(zip(names, r, strict=True)) for r in rows]
    mismatches = []
    for conname, pretty, plain in printed:
        for text in (pretty, plain):
            check = parse_check(text)
            fn = check.compile(index, today)
            for row, values, expected in zip(dict_rows, rows, verdicts[conname], strict=True):
                if check.evaluate(row, today) != expected or fn(values) != expected:
                    mismatches.append((text, {c: row[c] for c in check.columns}, expected))
    assert not mismatches, sorted({m[0] for m in mismatches}) + mismatches[:3]
