"""The whole registry: upstream's IDs exist, each generator fills its documented format, and
output depends only on the block's RNG and row index."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from pathlib import Path

import pytest

from datalchemy_mp.errors import GenerationError
from datalchemy_mp.generators import GENERATORS, TRANSFORMS
from datalchemy_mp.generators.catalog import describe_all
from datalchemy_mp.generators.faker_gen import PARAMETERIZED, RAW
from datalchemy_mp.generators.semantic import ALIASES
from tests.generators.gen_helpers import build, draw

UPSTREAM_PRIMITIVES = {
    "primitive.bool",
    "primitive.int",
    "primitive.int.range",
    "primitive.int.sequence_hint",
    "primitive.float",
    "primitive.float.range",
    "primitive.decimal.numeric",
    "primitive.text",
    "primitive.text.pattern",
    "primitive.text.lorem",
    "primitive.uuid",
    "primitive.uuid.v4",
    "primitive.date",
    "primitive.date.range",
    "primitive.time",
    "primitive.time.range",
    "primitive.timestamp",
    "primitive.timestamp.range",
    "primitive.enum",
}
UPSTREAM_BR = {
    "semantic.br.name",
    "semantic.br.email.safe",
    "semantic.br.phone",
    "semantic.br.cpf",
    "semantic.br.cnpj",
    "semantic.br.rg",
    "semantic.br.cep",
    "semantic.br.uf",
    "semantic.br.city",
    "semantic.br.address",
    "semantic.br.money.brl",
    "semantic.br.ip",
    "semantic.br.url",
    "semantic.br.company.name",
    "semantic.br.product.name",
}
UPSTREAM_OTHERS = {
    "derive.email_from_name",
    "derive.updated_after_created",
    "derive.end_after_start",
    "derive.money_total",
    "derive.fk",
    "derive.parent_value",
    "domain.crm.lead_stage",
    "domain.crm.activity_type",
    "domain.crm.pipeline_name",
    "domain.crm.deal_value",
    "domain.finance.transaction_type",
    "domain.finance.payment_method",
    "domain.finance.invoice_status",
    "domain.finance.installments",
    "domain.logistics.tracking_code",
    "domain.logistics.shipment_status",
    "domain.logistics.carrier",
    "domain.logistics.dimensions_cm",
}
UPSTREAM_TRANSFORMS = {
    "transform.null_rate",
    "transform.truncate",
    "transform.format",
    "transform.prefix_suffix",
    "transform.casing",
    "transform.weighted_choice",
    "transform.mask",
}

# Documented formats (GENERATORS.md), checked on the default (en_US/pt_BR) output.
FORMATS = {
    "primitive.text.pattern": r"PRD-[A-Z]{3}-[0-9]{4}",
    "primitive.uuid": r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
    "semantic.br.name": r"[^\W\d_]+( [^\W\d_]+)+",
    "semantic.br.email.safe": r"[a-z0-9._]+@example\.(com|com\.br|net|org)",
    "semantic.br.phone": r"\+55[1-9][1-9]9[6-9]\d{7}",
    "semantic.br.cpf": r"\d{11}",
    "semantic.br.cnpj": r"\d{14}",
    "semantic.br.rg": r"\d{9}",
    "semantic.br.cep": r"\d{8}",
    "semantic.br.uf": r"[A-Z]{2}",
    "semantic.br.address": r"[^,]+, \d{1,4}",
    "semantic.br.ip": r"(\d{1,3}\.){3}\d{1,3}",
    "semantic.br.url": r"https://example\.com/pagina-\d{1,4}",
    "domain.logistics.tracking_code": r"BR\d{10}",
    "domain.logistics.dimensions_cm": r"\d{2,3}x\d{2,3}x\d{1,2}",
    "domain.finance.invoice_number": r"NF-\d{6}",
    "domain.commerce.sku": r"[A-Z]{3}-\d{4}",
    "faker.internet.raw.SafeEmail": r"[a-z0-9._-]+@example\.(com|net|org)",
    "faker.barcode.raw.Isbn13": r"97[89]-\d+-\d+-\d+-\d",
    "faker.markdown.raw.ItalicWord": r"\*[a-z]+\*",
    "faker.markdown.raw.BoldWord": r"\*\*[a-z]+\*\*",
    "faker.markdown.raw.Link": r"\[[a-z]+\]\(https://[a-z]+\)",
    "faker.lorem.raw.Word": r"[a-z]+",
    "faker.currency.raw.CurrencyCode": r"[A-Z]{3}",
    "faker.phone_number.raw.PhoneNumber": r"\(\d{2}\) [2-4]\d{3}-\d{4}",
    "faker.phone_number.raw.CellNumber": r"\(\d{2}\) 9\d{4}-\d{4}",
    "faker.address.raw.PostCode": r"\d{5}-\d{3}",
    "faker.chrono.raw.Date": r"\d{2}/\d{2}/\d{4}",
    "faker.time.raw.Time": r"\d{2}:\d{2}:\d{2}",
    "faker.internet.raw.DomainSuffix": r"[a-z]+\.br",
    "faker.number.raw.Digit": r"\d",
    "faker.http.raw.ValidStatusCode": r"[1-5]\d\d",
    "faker.color.raw.HexColor": r"#[0-9a-f]{6}",
}
PY_TYPES = {
    "text": str,
    "numeric": float,
    "integer": int,
    "boolean": bool,
    "date": dt.date,
    "timestamp": dt.datetime,
    "time": dt.time,
    "uuid": str,
    "enum": str,
    "json": dict,
    "inet": str,
    "interval": str,
    "bytea": bytes,
    "array": list,
    "literal": str,  # pg.literal: the type's own text form
    "unknown": type(None),  # pg.unknown: NULL
}
_ORDER = tuple(PY_TYPES)
ENGINE_FILLED = {"derive.fk", "derive.parent_value"}


def _kind(spec) -> str:
    """The column kind to test ``spec`` on: its most specific kind (text only if alone)."""
    if spec.id == "primitive.enum":
        return "enum"
    kinds = [k for k in _ORDER if not spec.kinds or k in spec.kinds]
    specific = [k for k in kinds if k != "text"] if spec.kinds else kinds
    return (specific or kinds or sorted(spec.kinds))[0]


def _sample(gen_id: str, n: int = 40, seed: int = 1, start: int = 0) -> tuple[list, str]:
    """Values of ``gen_id`` on a pt_BR column of its kind (en_US if it is English-only)."""
    spec = GENERATORS[gen_id]
    kind = _kind(spec)
    kw = {
        "kind": kind,
        "enum_labels": ("a", "b", "c") if kind == "enum" else (),
        "element_kind": "integer" if kind == "array" else None,
        "scale": None,
    }
    last: Exception | None = None
    for locale in ("pt_BR", "en_US"):
        try:
            fn = build(gen_id, spec.example_params, locale=locale, **kw)
        except Exception as exc:  # a Faker method missing in this locale
            last = exc
            continue
        row = {c: ["Ana Silva"] * n for c in (spec.example_params or {}).get("input_columns", [])}
        if gen_id.startswith("derive.") and gen_id.endswith(("_created", "_start")):
            row = {c: [dt.datetime(2024, 1, 1, 12)] * n for c in row}
        if gen_id == "derive.money_total":
            row = {c: [10.0] * n for c in row}
        return draw(fn, n, start, seed, row), kind
    raise AssertionError(f"{gen_id} builds in no locale: {last}")


GENERATED = sorted(set(GENERATORS) - ENGINE_FILLED)


def test_upstream_ids_are_all_registered():
    assert UPSTREAM_PRIMITIVES <= set(GENERATORS)
    assert UPSTREAM_BR <= set(GENERATORS)
    assert UPSTREAM_OTHERS <= set(GENERATORS)
    assert UPSTREAM_TRANSFORMS <= set(TRANSFORMS)
    assert len(RAW) == 108 and set(RAW) <= set(GENERATORS)
    assert len(ALIASES) == 57 and set(ALIASES) <= set(GENERATORS)
    assert len(PARAMETERIZED) == 19 and set(PARAMETERIZED) <= set(RAW)


def _plan_ids(shared_dir: Path) -> tuple[set[str], set[str]]:
    gens, transforms = set(), set()
    for path in (shared_dir / "datalchemy" / "plans").rglob("*.json"):
        plan = json.loads(path.read_text())
        for rule in plan.get("rules", []):
            g = rule.get("generator")
            if g is not None:
                gens.add(g["id"] if isinstance(g, dict) else g)
            transforms.update(t["transform"] for t in rule.get("transforms") or [])
    return gens, transforms


def test_every_id_used_in_the_shared_plans_is_registered(shared_dir):
    gens, transforms = _plan_ids(shared_dir)
    assert len(gens) > 50
    assert gens - set(GENERATORS) == set()
    assert transforms - set(TRANSFORMS) == set()


@pytest.mark.parametrize("gen_id", GENERATED, ids=GENERATED)
def test_generator_fills_values_of_its_kind(gen_id):
    values, kind = _sample(gen_id)
    assert len(values) == 40
    if gen_id.startswith("faker.") and ".raw." not in gen_id:
        return  # any Python Faker method: any plain type
    expected = PY_TYPES[kind]
    if gen_id in ("primitive.int.sequence_hint", "primitive.sequence"):
        expected = int
    assert all(isinstance(v, expected) for v in values), (kind, values[:3])
    pattern = FORMATS.get(gen_id)
    if pattern:
        bad = [v for v in values if not re.fullmatch(pattern, v)]
        assert not bad, bad[:5]


@pytest.mark.parametrize("gen_id", GENERATED, ids=GENERATED)
def test_generator_output_depends_only_on_seed_and_rows(gen_id):
    first, _ = _sample(gen_id, n=30, seed=7, start=4096)
    again, _ = _sample(gen_id, n=30, seed=7, start=4096)
    assert first == again
    spec = GENERATORS[gen_id]
    constant = (
        gen_id in ("primitive.constant", "primitive.choice", "primitive.enum", "pg.unknown")
        or gen_id.startswith(("primitive.int.sequence_hint", "primitive.sequence", "derive."))
        or (gen_id.startswith("faker.") and ".raw." not in gen_id)
    )
    if not constant and not spec.example_params:
        other, _ = _sample(gen_id, n=30, seed=8, start=8192)
        assert first != other, "a different block gave the same values"


def test_unique_capable_generators_are_distinct_across_blocks():
    from tests.generators.gen_helpers import draw_blocks

    for gen_id, spec in sorted(GENERATORS.items()):
        if not spec.unique or spec.derive or gen_id.startswith(("fault.",)):
            continue
        kind = _kind(spec)
        labels = tuple(f"l{k}" for k in range(50)) if kind == "enum" else ()
        params = dict(spec.example_params or {})
        if gen_id == "primitive.choice":
            params = {"values": [f"v{k}" for k in range(50)]}
        if gen_id == "primitive.int.sequence_hint":
            params = {}
        fn = build(
            gen_id,
            params,
            kind=kind,
            unique=True,
            enum_labels=labels,
            locale="pt_BR",
            scale=2 if kind == "numeric" else None,
        )
        try:
            values = draw_blocks(fn, 4000, 300)
        except GenerationError as exc:  # a small domain: all of it, then a clear error
            m = re.search(r"has only (\d+) distinct values", str(exc))
            assert m and "s.t.c" in str(exc), str(exc)
            size = int(m.group(1))
            values = draw_blocks(fn, 0, size)
            with pytest.raises(GenerationError, match=f"row {size + 1} needs more"):
                draw_blocks(fn, 0, size + 1)
        assert len(set(map(str, values))) == len(values), gen_id


def test_catalog_lists_everything_with_json_examples():
    entries = describe_all()
    assert len(entries) == len(GENERATORS) + len(TRANSFORMS)
    json.dumps(entries)  # serialisable
    by_id = {e["id"]: e for e in entries}
    assert by_id["semantic.br.cpf"]["example"] is not None
    assert by_id["derive.fk"]["example"] is None
    assert [e["id"] for e in describe_all("semantic.br.c*")] == [
        "semantic.br.cep",
        "semantic.br.city",
        "semantic.br.cnpj",
        "semantic.br.company.name",
        "semantic.br.cpf",
    ]
    assert by_id["transform.casing"]["example"] == {"input": "ana DA silva", "output": "Ana Da Silva"}


def test_uuid_values_parse():
    values, _ = _sample("primitive.uuid", n=200)
    assert all(uuid.UUID(v).version == 4 for v in values)
