"""defaults.default_generator: by type, name, CHECK hints and SQL default."""

from __future__ import annotations

import datetime as dt

import pytest

from datalchemy_mp.generators.base import GENERATORS, check_params
from datalchemy_mp.generators.defaults import default_generator
from tests.generators.gen_helpers import TODAY, column, draw


def pick(
    name: str, kind: str = "text", default: str | None = None, identity: bool = False, **kw
) -> tuple[str, dict]:
    col = column(kind, name=name, **kw)
    gen_id, params = default_generator(col, default, identity)
    spec = GENERATORS[gen_id]
    checked = check_params(spec.params, params, strict=spec.strict, path="")
    spec.factory(col, checked)  # builds
    return gen_id, params


def values(name: str, kind: str = "text", default: str | None = None, n: int = 300, **kw):
    col = column(kind, name=name, **kw)
    gen_id, params = default_generator(col, default, False)
    spec = GENERATORS[gen_id]
    fn = spec.factory(col, check_params(spec.params, params, strict=spec.strict, path=""))
    return draw(fn, n)


@pytest.mark.parametrize(
    ("name", "table", "locale", "expected"),
    [
        ("email", "usuarios", "pt_BR", "semantic.br.email.safe"),
        ("e_mail", "users", "en_US", "faker.internet.raw.SafeEmail"),
        ("nome", "usuarios", "pt_BR", "semantic.br.name"),
        ("name", "customers", "en_US", "faker.name.raw.Name"),
        ("nome", "produtos", "pt_BR", "semantic.br.product.name"),
        ("nome", "empresas", "pt_BR", "semantic.br.company.name"),
        ("nome", "funis", "pt_BR", "domain.crm.pipeline_name"),
        ("nome", "etapas_funil", "pt_BR", "domain.crm.stage_name"),
        ("nome", "fontes_lead", "pt_BR", "domain.crm.lead_source"),
        ("nome", "listas_precos", "pt_BR", "domain.finance.price_list"),
        ("sobrenome", "contatos", "pt_BR", "semantic.br.last_name"),
        ("first_name", "people", "en_US", "faker.name.raw.FirstName"),
        ("telefone", "contatos", "pt_BR", "semantic.br.phone"),
        ("mobile_phone", "users", "en_US", "faker.phone_number.raw.CellNumber"),
        ("cpf", "clientes", "pt_BR", "semantic.br.cpf"),
        ("cnpj", "empresas", "pt_BR", "semantic.br.cnpj"),
        ("rg", "clientes", "pt_BR", "semantic.br.rg"),
        ("cep", "enderecos", "pt_BR", "semantic.br.cep"),
        ("uf", "enderecos", "pt_BR", "semantic.br.uf"),
        ("cidade", "enderecos", "pt_BR", "semantic.br.city"),
        ("logradouro", "enderecos", "pt_BR", "semantic.br.street"),
        ("endereço", "clientes", "pt_BR", "semantic.br.address"),
        ("bairro", "enderecos", "pt_BR", "semantic.br.neighborhood"),
        ("site", "empresas", "pt_BR", "semantic.br.url"),
        ("ip", "acessos", "pt_BR", "semantic.br.ip"),
        ("razao_social", "empresas", "pt_BR", "semantic.br.company.name"),
        ("nome_fantasia", "empresas", "pt_BR", "semantic.br.company.name"),
        ("sku", "produtos", "pt_BR", "domain.commerce.sku"),
        ("codigo", "cotacoes", "pt_BR", "domain.commerce.code"),
        ("numero", "faturas", "pt_BR", "domain.finance.invoice_number"),
        ("descricao", "produtos", "pt_BR", "semantic.br.sentence"),
        ("conteudo", "anotacoes", "pt_BR", "semantic.br.sentence"),
        ("assunto", "atividades", "pt_BR", "semantic.br.title"),
        ("titulo", "oportunidades", "pt_BR", "domain.crm.deal_title"),
        ("cargo", "contatos", "pt_BR", "semantic.br.job_title"),
        ("job_title", "employees", "en_US", "faker.job.raw.Title"),
        ("local", "reunioes", "pt_BR", "semantic.br.city"),
        ("link_reuniao", "reunioes", "pt_BR", "semantic.br.url"),
        ("metodo", "pagamentos", "pt_BR", "domain.finance.payment_method"),
        ("moeda", "listas_precos", "pt_BR", "primitive.constant"),
    ],
)
def test_text_columns_by_name(name, table, locale, expected):
    assert pick(name, table=table, locale=locale)[0] == expected


def test_keys_sequences_uuids_enums():
    assert pick("id", "integer", "nextval('t_id_seq'::regclass)") == ("primitive.sequence", {})
    assert pick("id", "bigint", identity=True) == ("primitive.sequence", {})
    assert pick("id", "uuid", "gen_random_uuid()") == ("primitive.uuid", {})
    assert pick("codigo", "integer", unique=True)[0] == "primitive.sequence"
    labels = ("novo", "qualificado", "perdido")
    assert pick("status", "enum", "'novo'::crm.status_lead", enum_labels=labels) == (
        "primitive.enum",
        {"majority": "novo", "majority_rate": 0.5},
    )


def test_literal_defaults():
    assert pick("moeda", "text", "'BRL'::bpchar", max_length=3) == ("primitive.constant", {"value": "BRL"})
    assert pick("pais", "text", "'Brasil'::character varying")[1] == {"value": "Brasil"}
    gen_id, params = pick("ativo", "boolean", "true")
    assert gen_id == "primitive.bool" and params["true_rate"] == 0.85
    flags = values("ativo", "boolean", "true", n=2000)
    assert 1500 < sum(flags) < 1900  # the default is the majority, not the only value
    assert pick("excluido", "boolean")[1]["true_rate"] == 0.1
    # number defaults are not copied: variety within the CHECK
    scores = values("score", "integer", "0", hints={"min": 0, "max": 100, "today": TODAY})
    assert len(set(scores)) > 30 and all(0 <= s <= 100 for s in scores)


def test_choices_hint_with_default_majority():
    hints = {"choices": ["tarefa", "reuniao", "anotacao"], "today": TODAY}
    gen_id, params = pick("tipo", "text", "'tarefa'::text", hints=hints)
    assert gen_id == "primitive.choice" and params["weights"] == [2.0, 1.0, 1.0]
    assert set(values("tipo", hints=hints)) == set(hints["choices"])


@pytest.mark.parametrize(
    ("name", "kind", "hints", "low", "high"),
    [
        ("quantidade", "integer", {"min": 1}, 1, 20),
        ("prioridade", "integer", {"min": 1, "max": 5}, 1, 5),
        ("ordem", "integer", {"min": 1}, 1, 10),
        ("probabilidade", "numeric", {"min": 0.0, "max": 100.0}, 0, 100),
        ("desconto_percentual", "numeric", {"min": 0.0, "max": 100.0}, 0, 30),
        ("preco_unitario", "numeric", {"min": 0.0, "max": 9999999999.99}, 0.99, 499.99),
        ("valor", "numeric", {"min": 0.01}, 10, 10000),
        ("score", "integer", {"min": 0, "max": 100}, 0, 100),
        ("duracao_minutos", "integer", {"min": 1}, 15, 240),
        ("idade", "smallint", {}, 18, 80),
        ("qualquer", "integer", {"min": 100000}, 100000, 110000),
        ("percentual", "numeric", {"max": 999.99}, 0, 100),
    ],
)
def test_numbers_by_name_within_hints(name, kind, hints, low, high):
    out = values(name, kind, hints={**hints, "today": TODAY}, scale=2 if kind == "numeric" else None)
    assert all(low <= v <= high for v in out), (min(out), max(out))
    assert len(set(out)) > 3


def test_dates_by_name_relative_to_the_reference_date():
    today = dt.date(2025, 6, 30)
    hints = {"today": today}
    birth = values("data_nascimento", "date", hints={**hints, "max": today})
    assert all(dt.date(1950, 1, 1) <= d <= dt.date(2006, 12, 31) for d in birth)
    created = values("data_criacao", "timestamptz", hints=hints)
    assert all(dt.datetime(2024, 6, 30) <= t <= dt.datetime(2025, 6, 30, 23, 59, 59) for t in created)
    due = values("data_vencimento", "date", hints=hints)
    assert all(today <= d <= today + dt.timedelta(days=180) for d in due)
    limited = values("data_limite", "date", hints={"today": today, "min": today})
    assert all(d >= today for d in limited)
    assert pick("horario", "time")[1] == {"min": "08:00:00", "max": "18:00:00"}


def test_every_kind_has_a_default():
    for kind in (
        "smallint",
        "integer",
        "bigint",
        "numeric",
        "real",
        "double",
        "text",
        "boolean",
        "date",
        "time",
        "timestamp",
        "timestamptz",
        "uuid",
        "json",
        "enum",
        "inet",
        "interval",
        "bytea",
        "array",
        "unknown",
    ):
        gen_id, _ = pick("coluna_x", kind, element_kind="integer" if kind == "array" else None)
        assert gen_id in GENERATORS
    assert pick("sigla", "text", max_length=2, locale="pt_BR")[0] == "semantic.br.uf"
    short = values("cod_x_y", "text", max_length=3)
    assert all(len(v) <= 3 for v in short)


def test_crm_schema_columns_all_get_a_building_generator(shared_dir):
    from datalchemy_mp.contracts.schema import load_schema

    schema = load_schema(shared_dir / "datalchemy" / "schemas" / "crm.schema.json")
    seen = {}
    for table in schema.tables.values():
        for col in table.columns:
            info = column(
                col.kind,
                schema=table.schema,
                table=table.name,
                name=col.name,
                max_length=col.max_length,
                scale=col.scale,
                precision=col.precision,
                enum_labels=col.enum_labels,
                locale="pt_BR",
                unique=(col.name,) in table.unique_sets,
                nullable=col.nullable,
            )
            gen_id, params = default_generator(info, col.default, bool(col.identity))
            spec = GENERATORS[gen_id]
            fn = spec.factory(info, check_params(spec.params, params, strict=spec.strict, path=""))
            assert len(draw(fn, 5)) == 5
            seen[f"{table.name}.{col.name}"] = gen_id
    assert seen["empresas.cnpj"] == "semantic.br.cnpj"
    assert seen["listas_precos.moeda"] == "primitive.constant"
    assert seen["leads.status"] == "primitive.enum"


def test_short_unique_text_is_a_code_from_the_whole_space():
    assert pick("customer_id", max_length=5, data_type="character varying(5)", unique=True) == (
        "primitive.text",
        {"min_len": 1, "max_len": 5},
    )
    codes = values("customer_id", max_length=5, data_type="character varying(5)", unique=True, n=2000)
    assert len(set(codes)) == 2000 and all(len(c) == 5 and c.isupper() for c in codes)
    assert pick("code", max_length=3, unique=True, hints={"min_length": 3})[1] == {"min_len": 3, "max_len": 3}
    assert pick("cpf", max_length=11, unique=True, locale="pt_BR")[0] == "semantic.br.cpf"  # unique by name


def test_a_key_column_never_gets_a_constant_default():
    assert pick("moeda", "text", "'BRL'::bpchar", max_length=3, key=True)[0] != "primitive.constant"
    assert pick("kind", "text", "'/'::text", key=True)[0] != "primitive.constant"
