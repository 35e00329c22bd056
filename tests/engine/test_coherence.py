"""Coherent rows and tables on the project's own CRM example: FK diamonds, creation order, the
run date, status/date/flag agreement; scored by scripts/realism.py and checked row by row."""

from __future__ import annotations

import datetime as dt
import importlib.util
import shutil
from pathlib import Path

import pytest

from datalchemy_mp.contracts.schema import load_schema
from datalchemy_mp.db.load import load_run
from tests import pg
from tests.helpers import ROOT, csv_files, generate, read_csv, scaled_plan

SCHEMA = ROOT / "plans/crm/schema.json"
PLAN = ROOT / "plans/crm/full_stack_ptbr.plan.json"
BASE = "2026-11-29"
ROWS = 6000  # more than one block of 4096 rows


def _scorer():
    spec = importlib.util.spec_from_file_location("realism", ROOT / "scripts/realism.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def crm_run(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("crm")
    plan = scaled_plan(PLAN, tmp / "plan.json", ROWS)
    proc, run_dir = generate(
        SCHEMA, plan, tmp / "out", "--base-date", BASE, "--workers", "2", "--chunk-rows", "4096"
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return run_dir


def _rows(run_dir: Path, table: str) -> list[dict]:
    return read_csv(run_dir / f"vendas.{table}.csv")


def test_every_realism_rate_is_zero_on_the_example(crm_run):
    rates = _scorer().score(crm_run, load_schema(SCHEMA), dt.date.fromisoformat(BASE))
    for name in ("child_before_parent", "after_run_date", "fk_diamond", "status_date", "lorem", "cut_word"):
        assert rates[name]["of"] > 0, name
        assert rates[name]["defects"] == 0, (name, rates[name])


def test_fk_diamonds_one_and_two_hops(crm_run):
    contatos = {r["id"]: r for r in _rows(crm_run, "contatos")}
    opps = {r["id"]: r for r in _rows(crm_run, "oportunidades")}
    propostas = {r["id"]: r for r in _rows(crm_run, "propostas")}
    with_contact = [o for o in opps.values() if o["contato_id"]]
    assert len(with_contact) > 1000
    assert all(contatos[o["contato_id"]]["cliente_id"] == o["cliente_id"] for o in with_contact)
    comissoes = _rows(crm_run, "comissoes")
    assert all(
        opps[propostas[c["proposta_id"]]["oportunidade_id"]]["vendedor_id"] == c["vendedor_id"]
        for c in comissoes
    )
    interacoes = _rows(crm_run, "interacoes")
    assert all(opps[i["oportunidade_id"]]["vendedor_id"] == i["vendedor_id"] for i in interacoes)


def _when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text[:19]) if len(text) > 10 else dt.datetime.fromisoformat(text)


def test_children_are_created_after_their_parents_and_before_the_run_date(crm_run):
    end = dt.datetime.fromisoformat(BASE) + dt.timedelta(days=1)
    clientes = {r["id"]: _when(r["criado_em"]) for r in _rows(crm_run, "clientes")}
    opps = {r["id"]: r for r in _rows(crm_run, "oportunidades")}
    for o in opps.values():
        assert _when(o["aberta_em"]).date() >= clientes[o["cliente_id"]].date()
        assert _when(o["aberta_em"]) < end
    for p in _rows(crm_run, "propostas"):
        assert _when(p["emitida_em"]) >= _when(opps[p["oportunidade_id"]]["aberta_em"])
    for i in _rows(crm_run, "interacoes"):
        assert _when(i["inicio"]).date() >= _when(opps[i["oportunidade_id"]]["aberta_em"]).date()
    for c in _rows(crm_run, "clientes"):
        assert _when(c["atualizado_em"]) < end  # a rule up to a year after criado_em, capped


def test_status_dates_and_flags_agree(crm_run):
    comissoes = _rows(crm_run, "comissoes")
    assert {c["status"] for c in comissoes} == {"paga", "pendente", "cancelada"}
    assert all((c["status"] == "paga") == (c["paga_em"] != "") for c in comissoes)
    opps = _rows(crm_run, "oportunidades")
    won = [o for o in opps if o["estagio"] == "ganho"]
    assert won and all(o["probabilidade"] == "100" and o["fechada_em"] for o in won)
    assert all(o["probabilidade"] == "0" and o["fechada_em"] for o in opps if o["estagio"] == "perdido")
    assert all(
        not o["fechada_em"] for o in opps if o["estagio"] in ("prospeccao", "qualificacao", "proposta")
    )
    vendedores = _rows(crm_run, "vendedores")
    assert {v["ativo"] for v in vendedores} == {"true", "false"}
    assert all((v["ativo"] == "true") == (v["desligado_em"] == "") for v in vendedores)


def test_the_scorer_finds_planted_defects(crm_run, tmp_path):
    """The measuring tool can fail: one defect of each kind, counted once."""
    bad = tmp_path / "bad"
    shutil.copytree(crm_run, bad)
    edits = {
        "oportunidades": ("aberta_em", "1999-01-01"),  # before its client; its children after it
        "comissoes": ("paga_em", ""),  # first commission: paid without a date, if paid
        "clientes": ("atualizado_em", "2031-01-01 00:00:00+00"),
    }
    for table, (col, value) in edits.items():
        path = bad / f"vendas.{table}.csv"
        rows = read_csv(path)
        if table == "comissoes":
            rows = sorted(rows, key=lambda r: r["status"] != "paga")
        rows[0][col] = value
        _write(path, rows)
    rates = _scorer().score(bad, load_schema(SCHEMA), dt.date.fromisoformat(BASE))
    assert rates["after_run_date"]["defects"] == 1
    assert rates["status_date"]["defects"] == 1
    assert rates["child_before_parent"]["defects"] >= 1
    assert rates["fk_diamond"]["defects"] == 0


def _write(path: Path, rows: list[dict]) -> None:
    import csv

    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def test_same_bytes_whatever_the_workers_and_chunks(crm_run, tmp_path):
    plan = scaled_plan(PLAN, tmp_path / "plan.json", ROWS)
    proc, one = generate(SCHEMA, plan, tmp_path / "one", "--base-date", BASE, "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    assert csv_files(one) == csv_files(crm_run)


def test_the_coherent_example_loads_into_postgres(crm_run, fresh_db):
    pg.apply_sql_files(fresh_db, [ROOT / "plans/crm/schema.sql"])
    loaded = load_run(crm_run, fresh_db)
    assert sum(t.rows for t in loaded) > 50_000


def test_creation_after_parents_never_passes_the_check_maximum():
    """A partition CHECK (payment_date < 2022-02-01) wins over 'not before the parent'."""
    from datalchemy_mp.engine.coherence import Lineage

    lineage = Lineage(None, None, None, dt.date(2026, 11, 29))
    values = [dt.datetime(2022, 1, 5, 3), dt.datetime(2022, 1, 20)]
    parents = [[dt.datetime(2026, 11, 1), dt.datetime(2022, 1, 10)]]
    ceiling = dt.datetime(2022, 1, 31, 23, 59, 59)
    moved = lineage.after_parents(values, parents, "timestamp", ceiling)
    assert moved[0] == values[0]  # the parent is later than the CHECK allows: left as it is
    assert moved[1] == values[1]  # already after its parent
    [later] = lineage.after_parents(
        [dt.datetime(2022, 1, 2)], [[dt.datetime(2022, 1, 10)]], "timestamp", ceiling
    )
    assert dt.datetime(2022, 1, 10) <= later <= ceiling
    [free] = lineage.after_parents([dt.datetime(2022, 1, 2)], [[dt.datetime(2026, 11, 1)]], "timestamp")
    assert free >= dt.datetime(2026, 11, 1)  # without a CHECK maximum the parent wins


@pytest.mark.parametrize(("kind", "unit"), [("timestamp", "s"), ("date", "D")])
def test_creation_order_on_a_bulk_block_gives_what_a_list_gives(kind, unit):
    import numpy as np

    from datalchemy_mp.engine.coherence import Lineage
    from datalchemy_mp.generators import bulk

    lineage = Lineage(None, None, None, dt.date(2025, 1, 15))
    g = np.random.default_rng(7)
    array = np.datetime64("2023-01-01T00:00:00") + g.integers(0, 800 * 86400, 4096).astype("timedelta64[s]")
    array = array.astype(f"datetime64[{unit}]")
    parents = [
        [None if k % 7 == 0 else dt.datetime(2024, 1 + k % 12, 1 + k % 28, k % 24) for k in range(4096)],
        [dt.date(2024, 6, 1) if k % 3 else None for k in range(4096)],
    ]
    from_list = lineage.after_parents(bulk.column(array).copy(), parents, kind)
    from_block = lineage.after_parents(bulk.column(array), parents, kind)
    assert list(from_block) == from_list and from_list != list(bulk.column(array))  # some moved
    assert bulk.array_of(from_block) is not None  # still formatted from its array


@pytest.mark.parametrize(
    ("kind", "unit", "floor"),
    [
        ("timestamp", "us", None),
        ("timestamp", "s", None),
        ("timestamp", "us", dt.datetime(2024, 12, 1, 8, 30)),
        ("date", "D", None),
        ("date", "D", dt.date(2024, 11, 20)),
    ],
)
def test_the_run_date_cap_on_bulk_blocks_gives_what_it_gives_value_by_value(kind, unit, floor, monkeypatch):
    import random

    import numpy as np

    from datalchemy_mp.engine import coherence
    from datalchemy_mp.engine.coherence import RowRules
    from datalchemy_mp.generators import bulk

    g = np.random.default_rng(11)
    n = 4096
    start = np.datetime64("2024-06-01T00:00:00.000000")

    def block(days: int) -> np.ndarray:
        offsets = g.integers(0, days * 86_400_000_000, n).astype("timedelta64[us]")
        array = (start + offsets).astype(f"datetime64[{unit}]")
        array[g.random(n) < 0.1] = np.datetime64("NaT")
        return array

    values, created, other = block(400), block(300), block(200)
    rules = RowRules(end=dt.datetime(2025, 1, 15, 23, 59, 59))
    rules.caps.append(("updated", kind, ("created", "other"), floor))

    def row(as_block: bool) -> dict:
        made = {"updated": values, "created": created, "other": other}
        return {k: bulk.column(a) if as_block else bulk.column(a).copy() for k, a in made.items()}

    by_block, by_value = row(True), row(False)
    rules.apply(by_value, n, random.Random(1))
    monkeypatch.setattr(coherence, "cap", None)  # a block is folded at once, never value by value
    rules.apply(by_block, n, random.Random(1))
    assert list(by_block["updated"]) == by_value["updated"]
    assert list(by_block["updated"]) != list(bulk.column(values))  # some were late and folded
    array = bulk.array_of(by_block["updated"])
    assert array is not None and array.tolist() == by_value["updated"]  # formatted from its array
