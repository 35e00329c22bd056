"""docs/plans.md: every example plan in it is valid for the project's example schema, and the
main ones generate what they say."""

from __future__ import annotations

import re
from pathlib import Path

import orjson
import pytest

from datalchemy_mp.api import validate
from tests.helpers import ROOT, generate, read_csv, report

DOC = ROOT / "docs/plans.md"
SCHEMA = ROOT / "plans/crm/schema.json"
EXAMPLES = dict(re.findall(r"<!-- example: ([\w-]+) -->\n```json\n(.*?)\n```", DOC.read_text(), re.S))


def _plan(tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.json"
    path.write_bytes(orjson.dumps(orjson.loads(EXAMPLES[name])))
    return path


def test_the_guide_has_its_examples():
    assert set(EXAMPLES) == {"minimal", "column-rules", "parent-value", "policies", "pinned"}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_is_valid(name, tmp_path):
    warnings = validate(SCHEMA, _plan(tmp_path, name))
    expected = {"minimal": set(), "column-rules": set(), "pinned": set(), "parent-value": {"auto_parent"}}
    expected["policies"] = {"auto_parent"}  # metas keeps no FK, but produtos/metas are targets
    assert {w.code for w in warnings} <= expected[name] | {"auto_parent", "fk_cycle_broken"}, warnings


@pytest.mark.slow  # generate runs in a subprocess
def test_column_rules_example_generates_what_it_says(tmp_path):
    proc, run_dir = generate(SCHEMA, _plan(tmp_path, "column-rules"), tmp_path / "out")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    clientes = read_csv(run_dir / "vendas.clientes.csv")
    assert {r["segmento"] for r in clientes} == {"varejo", "industria", "agro"}
    assert all(len(r["cnpj"]) == 14 and r["cnpj"].isdigit() for r in clientes)
    contatos = read_csv(run_dir / "vendas.contatos.csv")
    assert all(r["email"].endswith("@acme.com.br") for r in contatos)
    born = [r["nascimento"] for r in contatos]
    assert 0.15 < born.count("") / len(born) < 0.35
    assert all("1960-01-01" <= b <= "2000-12-31" for b in born if b)
    assert all(
        re.fullmatch(r"SKU-[A-Z]{3}-[0-9]{5}", r["sku"]) for r in read_csv(run_dir / "vendas.produtos.csv")
    )


@pytest.mark.slow  # generate runs in a subprocess
def test_pinned_example_gives_the_same_bytes_twice(tmp_path):
    plan = _plan(tmp_path, "pinned")
    first, a = generate(SCHEMA, plan, tmp_path / "a")
    second, b = generate(SCHEMA, plan, tmp_path / "b")
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert report(a)["base_date"] == "2024-01-01"
    files = sorted(p.name for p in a.glob("*.csv"))
    assert files and all((a / f).read_bytes() == (b / f).read_bytes() for f in files)
