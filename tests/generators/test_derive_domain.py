"""derive.* (values from other columns of the row) and domain.* vocabularies."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from datalchemy_mp.errors import GenerationError, ParamError
from datalchemy_mp.generators.derive import email_part
from tests.generators.gen_helpers import build, draw, draw_blocks, generate


def test_email_from_name():
    fn = build("derive.email_from_name", {"input_columns": ["Nome", "sobrenome"], "domain": "example.com"})
    row = {"nome": ["João", "Ana Paula", None, "  "], "sobrenome": ["da-Silva", "Souza", None, ""]}
    assert draw(fn, 4, start=10, row=row) == [
        "joao.da.silva@example.com",
        "ana.paula.souza@example.com",
        "user13@example.com",
        "user14@example.com",
    ]
    assert email_part("Conceição_D'Ávila") == "conceicao.davila"


def test_email_from_name_on_a_unique_column_adds_a_token():
    fn = build("derive.email_from_name", {"input_columns": ["nome"]}, unique=True)
    row = {"nome": ["Ana Silva"] * 4096}
    values = draw(fn, 4096, start=0, row=row)
    assert len(set(values)) == 4096
    assert all(re.fullmatch(r"ana\.silva\d{4}@example\.com", v) for v in values)


@pytest.mark.parametrize("gen_id", ["derive.end_after_start", "derive.updated_after_created"])
def test_after_honours_min_and_max(gen_id):
    start = dt.datetime(2024, 3, 1, 10)
    fn = build(
        gen_id,
        {"input_columns": ["inicio"], "min_seconds": 86400, "max_seconds": 2 * 86400},
        kind="timestamptz",
    )
    out = draw(fn, 500, row={"inicio": [start] * 499 + [None]})
    gaps = [(v - start).total_seconds() for v in out[:-1]]
    assert min(gaps) >= 86400 and max(gaps) <= 2 * 86400 and out[-1] is None
    day = dt.date(2024, 3, 1)
    dates = draw(
        build(gen_id, {"input_columns": ["d"], "min_days": 3, "max_days": 5}, kind="date"),
        300,
        row={"d": [day] * 300},
    )
    assert {(v - day).days for v in dates} == {3, 4, 5}
    # seconds given for a date source: converted to whole days (upstream used 0..30 days)
    dates = draw(
        build(gen_id, {"input_columns": ["d"], "min_seconds": 604800, "max_seconds": 15552000}, kind="date"),
        300,
        row={"d": [day] * 300},
    )
    assert all(7 <= (v - day).days <= 180 for v in dates)
    times = draw(
        build(gen_id, {"input_columns": ["t"], "max_seconds": 7200}, kind="time"),
        300,
        row={"t": [dt.time(23, 0)] * 300},
    )
    assert all(dt.time(23, 0) <= t <= dt.time(23, 59, 59) for t in times)


def test_after_errors():
    with pytest.raises(ParamError) as err:
        build("derive.end_after_start", {"input_columns": ["a"], "min_days": 9, "max_days": 2})
    assert err.value.path == "min_days"
    with pytest.raises(ParamError, match="1 column"):
        build("derive.end_after_start", {"input_columns": ["a", "b"]})
    fn = build("derive.end_after_start", {"input_columns": ["a"]})
    with pytest.raises(GenerationError, match="expected a date"):
        draw(fn, 1, row={"a": ["x"]})
    with pytest.raises(GenerationError, match="input column 'a'"):
        draw(fn, 1, row={})


def test_money_total():
    fn = build("derive.money_total", {"input_columns": ["preco", "qtd", "desc"]}, kind="numeric")
    row = {"preco": [10.0, 2.5, None], "qtd": [3, 4, 1], "desc": [5.0, None, 1.0]}
    assert draw(fn, 3, row=row) == [25.0, 10.0, None]
    pct = build(
        "derive.money_total", {"input_columns": ["p", "q", "d"], "discount_percent": True}, kind="numeric"
    )
    assert draw(pct, 1, row={"p": [100.0], "q": [2], "d": [10]}) == [180.0]
    with pytest.raises(GenerationError, match="expected a number"):
        draw(fn, 1, row={"preco": ["abc"], "qtd": [1], "desc": [0]})


def test_template():
    fn = build("derive.template", {"input_columns": ["nome", "cidade"], "template": "{nome} ({cidade})"})
    assert draw(fn, 2, row={"nome": ["Ana", None], "cidade": ["Recife", "Natal"]}) == [
        "Ana (Recife)",
        " (Natal)",
    ]
    with pytest.raises(ParamError) as err:
        build("derive.template", {"input_columns": ["nome"], "template": "{x}"})
    assert err.value.path == "template"


@pytest.mark.parametrize(
    ("gen_id", "values"),
    [
        ("domain.crm.lead_stage", {"novo", "qualificado", "perdido"}),
        ("domain.crm.activity_type", {"tarefa", "reuniao", "anotacao"}),
        ("domain.crm.pipeline_name", {"Prospeccao", "Qualificacao", "Fechamento"}),
        ("domain.finance.transaction_type", {"debito", "credito", "pix"}),
        (
            "domain.finance.payment_method",
            {"cartao_credito", "cartao_debito", "pix", "boleto", "transferencia"},
        ),
        ("domain.finance.invoice_status", {"aberta", "paga", "cancelada"}),
        ("domain.logistics.shipment_status", {"criado", "em_transito", "entregue", "cancelado"}),
        ("domain.logistics.carrier", {"correios", "jadlog", "total_express", "azul_cargo"}),
    ],
)
def test_domain_picks_keep_upstream_values(gen_id, values):
    assert set(generate(gen_id, n=500)) == values


def test_domain_numbers_and_codes():
    deals = generate("domain.crm.deal_value", {"min": 1000.0, "max": 90000.0}, kind="numeric")
    assert all(1000 <= v <= 90000 for v in deals)
    assert set(generate("domain.finance.installments", {"min": 1, "max": 12}, n=2000, kind="integer")) == set(
        range(1, 13)
    )
    with pytest.raises(ParamError):
        build("domain.finance.installments", {"min": 5, "max": 1})
    dims = generate("domain.logistics.dimensions_cm")
    for d in dims:
        length, width, height = map(int, d.split("x"))
        assert 10 <= length <= 100 and 10 <= width <= 100 and 5 <= height <= 80
    tracking = draw_blocks(build("domain.logistics.tracking_code", unique=True), 0, 50_000)
    assert len(set(tracking)) == 50_000
    codes = generate("domain.commerce.code", table="cotações", unique=True)
    assert all(re.fullmatch(r"COT-\d{6}", c) for c in codes) and len(set(codes)) == 200
    invoices = draw_blocks(build("domain.finance.invoice_number", {"digits": 2}, unique=True), 0, 300)
    assert len(set(invoices)) == 300  # 100 two-digit numbers, then three digits
    assert {len(v) for v in invoices} == {5, 6}
    with pytest.raises(ParamError, match="does not fit"):
        build("domain.finance.invoice_number", max_length=5)
