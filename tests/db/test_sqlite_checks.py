"""CHECKs found in SQLite's CREATE TABLE text: column and table constraints, names, quoting."""

from __future__ import annotations

from datalchemy_mp.db.sqlite_checks import sqlite_checks

CREATE = """CREATE TABLE "it""ems" (
  id INTEGER PRIMARY KEY, -- a comment with CHECK (x)
  qty INTEGER NOT NULL CHECK (qty > 0 AND qty <= 100),
  note TEXT DEFAULT 'CHECK (no)' CHECK(length(note) <= 20),  /* CHECK (nor this) */
  status TEXT CONSTRAINT status_ok CHECK (status IN ('a', 'b''c')),
  start DATE, "end" DATE,
  CONSTRAINT [ordered] CHECK ("end" >= start),
  CHECK ((qty % 2) = 0)
)"""


def test_every_check_in_order_with_its_name():
    assert sqlite_checks(CREATE) == [
        (None, "qty > 0 AND qty <= 100"),
        (None, "length(note) <= 20"),
        ("status_ok", "status IN ('a', 'b''c')"),
        ("ordered", '"end" >= start'),
        (None, "(qty % 2) = 0"),
    ]


def test_no_checks():
    assert sqlite_checks("CREATE TABLE t (id INTEGER PRIMARY KEY, checked TEXT)") == []
    assert sqlite_checks("CREATE TABLE t AS SELECT 1 AS x") == []
