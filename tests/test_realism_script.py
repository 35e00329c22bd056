"""scripts/realism.py finds each kind of column defect it reports (so its zeros mean something)."""

from __future__ import annotations

import datetime as dt
import importlib.util

from datalchemy_mp.contracts.kinds import Kind
from datalchemy_mp.contracts.schema import Column, Table
from tests.helpers import ROOT


def _scorer():
    spec = importlib.util.spec_from_file_location("realism", ROOT / "scripts/realism.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _score(name: str, kind: Kind, values: list[str], max_length: int | None = None) -> dict:
    realism = _scorer()
    rates = {k: realism.Rate() for k in ("lorem", "number_range", "after_run_date", "cut_word")}
    col = Column(
        ordinal=1, name=name, data_type="x", udt_schema=None, udt_name=None, kind=kind, nullable=True
    )
    col = Column(**{**col.__dict__, "max_length": max_length})
    table = Table(schema="s", name="t", kind="table", columns=[col])
    realism._score_column(rates, table, col, values, dt.datetime(2026, 11, 29, 23, 59, 59))
    return {k: (r.bad, r.total) for k, r in rates.items()}


def test_lorem_outside_free_text_only():
    assert _score("fax", Kind.TEXT, ["dolor sit amet", "555-1234"])["lorem"] == (1, 2)
    assert _score("description", Kind.TEXT, ["dolor sit amet"])["lorem"] == (0, 0)


def test_numbers_out_of_range_for_their_meaning():
    assert _score("milliseconds", Kind.INTEGER, ["204", "250000"])["number_range"] == (1, 2)
    assert _score("discount_percent", Kind.NUMERIC, ["344.18", "12.5"])["number_range"] == (1, 2)


def test_dates_after_the_run_date_unless_named_future():
    assert _score("created_at", Kind.TIMESTAMP, ["2027-01-01 00:00:00", "2026-01-01 00:00:00"])[
        "after_run_date"
    ] == (1, 2)
    assert _score("due_date", Kind.DATE, ["2027-01-01"])["after_run_date"] == (0, 0)


def test_values_cut_mid_word_pile_up_at_the_column_length():
    text = "Senior Software Engineer Manager"
    cut = [text[:12]] * 30  # 'Senior Softw'
    whole = ["Senior", "Lead Analyst", "Analyst", "Developer"] * 10
    assert _score("title", Kind.TEXT, cut + whole, max_length=12)["cut_word"][0] == 30
    assert _score("title", Kind.TEXT, whole, max_length=12)["cut_word"][0] == 0
