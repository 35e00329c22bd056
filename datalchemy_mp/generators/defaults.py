"""The generator for a column without a rule: by its type, its name, its CHECK hints and its
SQL default (upstream looked at the type only).

Names are matched on lower-cased, accent-free words (``data_criação`` -> ``data``,
``criacao``), in Portuguese and English; the table name disambiguates ``nome``/``name``.
The result always passes ``check_params`` for the chosen generator.
"""

from __future__ import annotations

import datetime as dt
import re

from datalchemy_mp.contracts.kinds import FLOATS, INT_LIMITS, Kind
from datalchemy_mp.generators import meaning
from datalchemy_mp.generators._util import strip_accents, today
from datalchemy_mp.generators.base import GENERATORS


class _Name:
    """The column (and table) name as words, for keyword tests."""

    def __init__(self, name: str, table: str):
        self.text = _normalise(name)
        self.words = set(self.text.split("_")) - {""}
        self.joined = self.text.replace("_", "")
        self.table = _normalise(table)

    def has(self, *keys: str) -> bool:
        """A key equal to a word of the name, or (4+ letters) inside the name."""
        return any(k in self.words or (len(k) >= 4 and k in self.joined) for k in keys)

    def word(self, *keys: str) -> bool:
        return any(k in self.words for k in keys)

    def table_has(self, *keys: str) -> bool:
        return any(k in self.table for k in keys)


def _normalise(name: str) -> str:
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)  # camelCase -> camel_case
    return re.sub(r"[^a-z0-9]+", "_", strip_accents(name).lower()).strip("_")


def default_generator(col, default_sql: str | None, identity: bool) -> tuple[str, dict]:
    """The generator ID and params for ``col`` when no rule names one."""
    kind = col.kind
    nm = _Name(col.name, col.table)
    pt = col.locale == "pt_BR"
    hints = col.hints or {}
    literal = _literal(default_sql)
    if kind in INT_LIMITS and (identity or (default_sql or "").strip().lower().startswith("nextval(")):
        return "primitive.sequence", {}
    if kind == Kind.UUID:
        return "primitive.uuid", {}
    if kind == Kind.ENUM:
        params = (
            {"majority": literal, "majority_rate": 0.5}
            if isinstance(literal, str) and literal in col.enum_labels
            else {}
        )
        return "primitive.enum", params
    if hints.get("choices"):
        return _choices(list(hints["choices"]), literal)
    if kind == Kind.BOOLEAN:
        return "primitive.bool", {"true_rate": _true_rate(nm, literal)}
    if kind in INT_LIMITS or kind in (Kind.NUMERIC, Kind.REAL, Kind.DOUBLE):
        return _number(col, nm, hints)
    if kind in (Kind.DATE, Kind.TIMESTAMP, Kind.TIMESTAMPTZ):
        return _temporal(col, nm, hints)
    if kind == Kind.TIME:
        if nm.has("hora", "horario", "hour", "time") and not col.unique:
            return "primitive.time", {"min": "08:00:00", "max": "18:00:00"}
        return "primitive.time", {}
    if kind == Kind.JSON:
        return "primitive.json", {}
    if kind == Kind.INET:
        return "primitive.inet", {}
    if kind == Kind.INTERVAL:
        return "primitive.interval", {}
    if kind == Kind.BYTEA:
        return "primitive.bytes", {}
    if kind == Kind.LITERAL or (kind == Kind.ARRAY and col.element_kind == Kind.LITERAL):
        return "pg.literal", {}
    if kind == Kind.UNKNOWN or (kind == Kind.ARRAY and col.element_kind == Kind.UNKNOWN):
        return "pg.unknown", {}
    if kind == Kind.ARRAY:
        return "primitive.array", {}
    if isinstance(literal, str) and not col.key:  # e.g. 'BRL'::bpchar on a char(3) column
        return "primitive.constant", {"value": literal}
    found = _text(col, nm, hints, pt)
    if col.key and found[0] == "primitive.constant":  # one value cannot fill a key
        return _code(col, hints.get("min_length"), hints.get("max_length"))
    return found


# --- SQL defaults --------------------------------------------------------------------------


def _literal(default_sql: str | None):
    """The value of a literal SQL default (``'BRL'::bpchar`` -> ``"BRL"``, ``true`` -> True),
    else None (functions such as ``now()`` are not literals)."""
    if not default_sql:
        return None
    text = default_sql.strip()
    while text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    m = re.fullmatch(r"'((?:[^']|'')*)'(?:::[\w\s.\"\[\]]+)?", text)
    if m:
        return m.group(1).replace("''", "'")
    base = text.split("::")[0].strip().strip("()").lower()
    if base in ("true", "false"):
        return base == "true"
    try:
        return int(base)
    except ValueError:
        pass
    try:
        return float(base)
    except ValueError:
        return None


def _choices(values: list, literal) -> tuple[str, dict]:
    if literal in values and len(values) > 1:  # the default as the majority value
        weights = [len(values) - 1.0 if v == literal else 1.0 for v in values]
        return "primitive.choice", {"values": values, "weights": weights}
    return "primitive.choice", {"values": values}


def _true_rate(nm: _Name, literal) -> float:
    if isinstance(literal, bool):  # keep the default as the majority, not the only value
        return 0.85 if literal else 0.15
    if nm.has(
        "ativo",
        "ativa",
        "active",
        "enabled",
        "habilitado",
        "visivel",
        "visible",
        "verificado",
        "verified",
        "confirmado",
        "confirmed",
        "publicado",
        "published",
    ):
        return 0.85
    if nm.has(
        "deleted",
        "excluido",
        "removido",
        "bloqueado",
        "blocked",
        "cancelado",
        "canceled",
        "cancelled",
        "arquivado",
        "archived",
        "inativo",
        "inactive",
    ):
        return 0.1
    return 0.5


# --- numbers ----------------------------------------------------------------------------------


def _number(col, nm: _Name, hints: dict) -> tuple[str, dict]:
    integer = col.kind in INT_LIMITS
    kind_lo, kind_hi = INT_LIMITS.get(col.kind, (-1e15, 1e15))
    if col.unique and integer:
        if nm.word("id", "codigo", "code", "numero", "number", "seq") or nm.text.endswith("_id"):
            return "primitive.sequence", {}
        lo, hi = _within(1, kind_hi, hints, kind_lo, kind_hi)
        return "primitive.int", {"min": int(lo), "max": int(hi)}
    lo, hi, scale = meaning.number_range(col, nm) or _number_range(nm, integer)
    lo, hi = _within(lo, hi, hints, kind_lo, kind_hi)
    if integer:
        lo, hi = int(-(-lo // 1)), int(hi // 1)
        return "primitive.int", {"min": lo, "max": max(lo, hi)}
    if col.kind in FLOATS and col.scale is None and scale is None:
        return "primitive.float", {"min": float(lo), "max": float(hi)}
    params = {"min": float(lo), "max": float(hi)}
    if col.scale is None and scale is not None:
        params["scale"] = scale
    return "primitive.decimal.numeric", params


def _number_range(nm: _Name, integer: bool) -> tuple[float, float, int | None]:
    """(low, high, decimals) suggested by the column name."""
    if nm.has("percentual", "percent", "porcentagem", "pct", "probabilidade", "probability"):
        if nm.has("desconto", "discount"):
            return 0, 30, 2
        return 0, 100, 2
    if nm.has("desconto", "discount"):
        return 0, 500, 2
    if nm.has("taxa", "rate", "juros", "interest"):
        return 0, 15, 2
    if nm.has(
        "valor",
        "preco",
        "price",
        "amount",
        "total",
        "custo",
        "cost",
        "salario",
        "salary",
        "saldo",
        "balance",
        "receita",
        "revenue",
        "faturamento",
        "montante",
        "pagamento",
        "payment",
        "subtotal",
        "frete",
        "shipping",
        "ticket",
    ):
        return 10, 10000, 2
    if nm.has("quantidade", "qtd", "qtde", "qty", "quantity", "itens", "items"):
        return 1, 20, 0
    if nm.has("estoque", "stock", "inventory", "saldo_estoque"):
        return 0, 500, 0
    if nm.has("rating", "avaliacao", "estrelas", "stars"):
        return 1, 5, 1
    if nm.has("score", "pontuacao", "pontos", "points", "nota", "grade"):
        return 0, 100, 0
    if nm.has(
        "ordem",
        "order",
        "posicao",
        "position",
        "sequencia",
        "sequence",
        "prioridade",
        "priority",
        "nivel",
        "level",
        "rank",
        "etapa",
        "step",
    ):
        return 1, 10, 0
    if nm.has("idade", "age"):
        return 18, 80, 0
    if nm.word("ano", "year"):
        return 2000, 2024, 0
    if nm.word("mes", "month"):
        return 1, 12, 0
    if nm.word("dia", "day"):
        return 1, 28, 0
    if nm.has("parcelas", "installments"):
        return 1, 12, 0
    if nm.has("duracao", "duration", "minutos", "minutes"):
        return 15, 240, 0
    if nm.has("segundos", "seconds"):
        return 1, 3600, 0
    if nm.has("horas", "hours"):
        return 1, 12, 1
    if nm.has("dias", "days", "prazo"):
        return 1, 90, 0
    if nm.has("peso", "weight"):
        return 0.1, 50, 2
    if nm.has("latitude") or nm.word("lat"):
        return -33.7, 5.2, 6
    if nm.has("longitude") or nm.word("lng", "lon"):
        return -73.9, -34.8, 6
    return 0, 10000, None


def _narrow(lo, hi, hmin, hmax) -> tuple:
    """[lo, hi] narrowed to [hmin, hmax] (either may be None); if they do not overlap, the range
    keeps its width and moves inside the bounds. Numbers and dates alike."""
    span = hi - lo
    if hmin is not None and hmin > hi:
        lo, hi = hmin, hmin + span
    elif hmax is not None and hmax < lo:
        lo, hi = hmax - span, hmax
    if hmin is not None:
        lo = max(lo, hmin)
    if hmax is not None:
        hi = min(hi, hmax)
    return lo, max(lo, hi)


def _numeric_bound(v) -> float | None:
    return v if isinstance(v, int | float) and not isinstance(v, bool) else None


def _within(lo: float, hi: float, hints: dict, floor: float, ceiling: float) -> tuple:
    """[lo, hi] narrowed to the CHECK bounds, then to what the type can hold."""
    lo, hi = _narrow(lo, hi, _numeric_bound(hints.get("min")), _numeric_bound(hints.get("max")))
    lo, hi = max(lo, floor), min(hi, ceiling)
    return lo, max(lo, hi)


# --- dates and timestamps ---------------------------------------------------------------------


def _temporal(col, nm: _Name, hints: dict) -> tuple[str, dict]:
    ref = today(col)
    days = dt.timedelta
    if nm.has("nascimento", "birth", "aniversario", "dob", "birthday"):
        lo, hi = dt.date(1950, 1, 1), dt.date(2006, 12, 31)
    elif nm.has(
        "vencimento",
        "due",
        "validade",
        "expira",
        "expires",
        "expiration",
        "prazo",
        "limite",
        "deadline",
        "entrega",
        "delivery",
        "previsao",
        "agendad",
        "scheduled",
        "proxim",
        "next",
    ):
        lo, hi = ref, ref + days(180)
    elif nm.has("fim", "end", "fechamento", "encerramento", "termino", "conclusao", "finished", "closed"):
        lo, hi = ref - days(180), ref + days(180)
    else:  # created, updated, started, issued, paid...: the year before the reference date
        lo, hi = ref - days(365), ref
    if col.unique:  # room for many distinct values
        lo = min(lo, ref - days(365 * 30))
    lo, hi = _within_dates(lo, hi, hints)
    if col.kind == Kind.DATE:
        return "primitive.date", {"min": lo.isoformat(), "max": hi.isoformat()}
    start = dt.datetime.combine(lo, dt.time())
    end = dt.datetime.combine(hi, dt.time(23, 59, 59))
    hmin, hmax = hints.get("min"), hints.get("max")
    if isinstance(hmin, dt.datetime):
        start = max(start, hmin)
    if isinstance(hmax, dt.datetime):
        end = min(end, hmax)
    end = max(start, end)
    return "primitive.timestamp", {"min": start.isoformat(), "max": end.isoformat()}


def _as_date(v) -> dt.date | None:
    if isinstance(v, dt.datetime):
        return v.date()
    return v if isinstance(v, dt.date) else None


def _within_dates(lo: dt.date, hi: dt.date, hints: dict) -> tuple[dt.date, dt.date]:
    return _narrow(lo, hi, _as_date(hints.get("min")), _as_date(hints.get("max")))


# --- text ------------------------------------------------------------------------------------

_PERSON_TABLES = (
    "usuario",
    "user",
    "contato",
    "contact",
    "cliente",
    "client",
    "customer",
    "pessoa",
    "person",
    "people",
    "funcionario",
    "employee",
    "colaborador",
    "vendedor",
    "seller",
    "aluno",
    "student",
    "paciente",
    "patient",
    "motorista",
    "driver",
    "autor",
    "author",
    "membro",
    "member",
    "responsavel",
    "socio",
    "medico",
    "professor",
    "teacher",
    "candidato",
    "lead",
)
_PRODUCT_TABLES = (
    "produto",
    "product",
    "item",
    "servico",
    "service",
    "catalogo",
    "catalog",
    "plano",
    "plan",
    "sku",
)
_COMPANY_TABLES = (
    "empresa",
    "company",
    "companies",
    "fornecedor",
    "supplier",
    "vendor",
    "organiza",
    "parceiro",
    "partner",
    "conta",
    "account",
    "loja",
    "store",
    "filial",
    "branch",
    "transportadora",
    "carrier",
    "banco",
    "bank",
)


def _text(col, nm: _Name, hints: dict, pt: bool) -> tuple[str, dict]:
    """By meaning first; a CHECK regex is honoured by the meaning's generator when its values
    match it, else by the regex generator."""
    if hints.get("pattern"):
        found = _text_by_meaning(col, nm, hints, pt)
        if (
            found is not None
            and meaning.matches(col, *found, hints["pattern"])
            and (not col.unique or GENERATORS[found[0]].unique)
        ):
            return found
        return "primitive.text.pattern", {"pattern": hints["pattern"]}
    if col.unique:
        return _unique_text(col, nm, hints, pt)
    return _text_by_meaning(col, nm, hints, pt) or _text_fallback(hints, pt)


def _text_fallback(hints: dict, pt: bool) -> tuple[str, dict]:
    low, high = hints.get("min_length"), hints.get("max_length")
    if low is not None or high is not None:
        params = {"min_words": 1, "max_words": 4}
        if low is not None:
            params["min_len"] = low
        if high is not None:
            params["max_len"] = high
        return "primitive.text.lorem", params
    if pt:
        return "semantic.br.title", {}
    return "semantic.sentence", {"min_words": 1, "max_words": 3}


def _text_by_meaning(col, nm: _Name, hints: dict, pt: bool) -> tuple[str, dict] | None:
    limit = col.max_length
    if "@" in (hints.get("contains") or ()) or nm.has("email", "mail") or nm.word("e_mail"):
        return ("semantic.br.email.safe" if pt else "faker.internet.raw.SafeEmail"), {}
    low = hints.get("min_length")
    if limit is not None and limit <= 3:  # char(2)/char(3): a UF, a currency, else a code
        if pt and (nm.word("uf", "sigla") or nm.has("estado")) and limit == 2:
            return "semantic.br.uf", {}
        if nm.has("moeda", "currency") and limit == 3:
            return "primitive.constant", {"value": "BRL" if pt else "USD"}
        return "primitive.text", {"charset": "A-Z", "min_len": low or limit, "max_len": limit}
    for found in (meaning.text_meaning(col, nm, pt), _by_name(col, nm, pt)):
        if found is not None and _builds(col, *found):
            return found
    return None


KEY_CODE_LENGTH = 10
"""A unique text column this short (or a PRIMARY KEY) without a unique generator for its name
is a code drawn from the whole space the column allows (``primitive.text`` on a unique
column): ``char(5)`` gives ``QHZKW``, never Latin words cut to length."""


def _unique_text(col, nm: _Name, hints: dict, pt: bool) -> tuple[str, dict]:
    """A unique text column: the meaning's generator if it makes distinct values, or on a
    long column (the engine suffixes the few repeats); else a code."""
    low, high = hints.get("min_length"), hints.get("max_length")
    limit = high if high is not None else col.max_length
    found = _text_by_meaning(col, nm, hints, pt)
    if found is not None and found[0] != "primitive.text":
        if GENERATORS[found[0]].unique or limit is None or limit > KEY_CODE_LENGTH:
            return found
    return _code(col, low, high)


def _code(col, low: int | None, high: int | None) -> tuple[str, dict]:
    """A code of at most KEY_CODE_LENGTH characters (distinct by construction if unique)."""
    limit = high if high is not None else col.max_length
    shortest = low or 1
    longest = max(shortest, KEY_CODE_LENGTH)
    if limit is not None:
        longest = min(limit, longest)
    return "primitive.text", {"min_len": shortest, "max_len": longest}


def _builds(col, gen_id: str, params: dict) -> bool:
    """Whether the generator accepts this column (e.g. a code that fits its length)."""
    from datalchemy_mp.errors import ParamError
    from datalchemy_mp.generators.base import GENERATORS, check_params

    spec = GENERATORS[gen_id]
    try:
        spec.factory(col, check_params(spec.params, params, strict=spec.strict, path=""))
    except ParamError:
        return False
    return True


def _by_name(col, nm: _Name, pt: bool) -> tuple[str, dict] | None:
    """Name rules for text columns, most specific first."""
    limit = col.max_length

    def pick(br_id: str, en_id: str, params: dict | None = None) -> tuple[str, dict]:
        return (br_id, dict(params or {})) if pt else (en_id, {})

    if nm.word("cpf") or nm.has("cpf"):  # varchar(14): 529.982.247-25
        return "semantic.br.cpf", {"formatted": limit == 14}
    if nm.has("cnpj"):  # varchar(18): 11.222.333/0001-81
        return "semantic.br.cnpj", {"formatted": limit == 18}
    if nm.word("rg") or nm.has("identidade"):
        return "semantic.br.rg", {}
    if nm.word("cep", "zip", "zipcode", "postcode", "postal") or nm.has("codigo_postal"):
        return pick("semantic.br.cep", "faker.address.raw.ZipCode", {"formatted": limit == 9})
    if nm.has("telefone", "phone", "celular", "mobile", "fone", "whatsapp") or nm.word("tel"):
        mobile = nm.has("celular", "mobile", "whatsapp", "cel")
        if pt:
            return "semantic.br.phone", {"landline": nm.has("fixo", "residencial", "comercial")}
        return ("faker.phone_number.raw.CellNumber" if mobile else "faker.phone_number.raw.PhoneNumber"), {}
    if nm.word("uf", "sigla") or ((nm.has("estado", "state")) and (limit is None or limit <= 2)):
        return pick("semantic.br.uf", "faker.address.raw.StateAbbr")
    if nm.has("estado", "state", "provincia", "province"):
        return pick("semantic.br.uf", "faker.address.raw.StateName", {"full_name": True})
    if nm.has("cidade", "city", "municipio", "localidade", "town") or nm.word(
        "local", "location", "lugar", "naturalidade"
    ):
        return pick("semantic.br.city", "faker.address.raw.CityName")
    if nm.has("bairro", "neighborhood", "neighbourhood", "district", "distrito"):
        return pick("semantic.br.neighborhood", "faker.address.raw.CityName")
    if nm.has("complemento") or nm.word("complement", "apartment", "suite"):
        return "faker.address.raw.SecondaryAddress", {}
    if nm.has("logradouro", "street") or nm.word("rua"):
        return pick("semantic.br.street", "faker.street_address")
    if nm.has("endereco", "address"):
        return pick("semantic.br.address", "faker.street_address", {"full": nm.has("completo", "full")})
    if nm.has("pais", "country") and not nm.has("paisagem"):
        if pt:
            return "primitive.choice", {
                "values": ["Brasil", "Portugal", "Argentina", "Chile", "Uruguai", "Estados Unidos"],
                "weights": [85, 3, 3, 3, 3, 3],
            }
        return "faker.address.raw.CountryName", {}
    if nm.has("site", "website", "homepage", "link", "url") or nm.word("uri"):
        return pick("semantic.br.url", "faker.url")
    if nm.word("ip", "ipv4") or nm.has("ip_address", "endereco_ip"):
        return "semantic.br.ip", {}
    if nm.has(
        "razao_social",
        "razaosocial",
        "nome_fantasia",
        "nomefantasia",
        "empresa",
        "company",
        "companhia",
        "fornecedor",
        "supplier",
        "organizacao",
        "organization",
    ):
        return pick("semantic.br.company.name", "faker.company.raw.CompanyName")
    if nm.has("sku"):
        return "domain.commerce.sku", {}
    if nm.word("codigo", "code", "cod") or nm.has("codigo"):
        return "domain.commerce.code", {}
    if nm.word("numero", "number", "num", "nf", "protocolo", "protocol") or nm.has(
        "nota_fiscal", "invoice_number", "numero_nf"
    ):
        return "domain.finance.invoice_number", {}
    if nm.has("metodo_pagamento", "forma_pagamento", "meio_pagamento", "payment_method") or (
        nm.word("metodo", "method", "forma", "meio") and nm.table_has("pagamento", "payment")
    ):
        return "domain.finance.payment_method", {}
    if nm.has("rastreio", "tracking"):
        return "domain.logistics.tracking_code", {}
    if nm.has("moeda", "currency"):
        return "primitive.constant", {"value": "BRL" if pt else "USD"}
    if nm.has("senha", "password") or nm.word("hash"):
        if nm.has("hash"):
            return "faker.sha256", {}
        return "faker.internet.raw.Password", {}
    if nm.has("username", "login", "usuario", "apelido", "nickname") or nm.word("user"):
        return "faker.internet.raw.Username", {}
    if nm.has("cargo", "profissao", "occupation", "funcao") or nm.word("job", "position"):
        return pick("semantic.br.job_title", "faker.job.raw.Title")
    if nm.has("titulo", "title", "assunto", "subject", "topico", "topic", "headline"):
        if nm.table_has("oportunidade", "opportunit", "deal", "negocio"):
            return "domain.crm.deal_title", {}
        return pick("semantic.br.title", "faker.catch_phrase")
    if nm.has(
        "descricao",
        "description",
        "observac",
        "obs",
        "conteudo",
        "content",
        "notes",
        "anotac",
        "comentario",
        "comment",
        "texto",
        "mensagem",
        "message",
        "detalhe",
        "detail",
        "resumo",
        "summary",
        "motivo",
        "reason",
        "justificativa",
        "bio",
    ) or nm.word("nota", "note", "text", "body"):
        return pick("semantic.br.sentence", "faker.sentence")
    if nm.has("sobrenome", "last_name", "lastname", "surname", "family_name"):
        return pick("semantic.br.last_name", "faker.name.raw.LastName")
    if nm.has("primeiro_nome", "first_name", "firstname", "prenome", "given_name"):
        return pick("semantic.br.first_name", "faker.name.raw.FirstName")
    if nm.has("cor", "color", "colour") and not nm.has("corr"):
        return "faker.color.raw.Color", {}
    if nm.has("status", "situacao", "estado_atual", "state"):
        values = ["ativo", "inativo", "pendente"] if pt else ["active", "inactive", "pending"]
        return "primitive.choice", {"values": values, "weights": [70, 15, 15]}
    if nm.word("tipo", "type", "categoria", "category", "segmento", "segment", "setor"):
        return "faker.company.raw.Industry", {}
    if nm.has("nome", "name") or nm.word("nome_completo", "full_name"):
        return _name_by_table(nm, pt)
    return None


def _name_by_table(nm: _Name, pt: bool) -> tuple[str, dict]:
    """``nome``/``name``: what it names depends on the table."""

    def pick(br_id: str, en_id: str) -> tuple[str, dict]:
        return (br_id, {}) if pt else (en_id, {})

    if nm.table_has(*_PRODUCT_TABLES):
        return "semantic.br.product.name", {}
    if nm.table_has(*_COMPANY_TABLES):
        return pick("semantic.br.company.name", "faker.company.raw.CompanyName")
    if nm.table_has("etapa", "stage", "fase", "phase"):
        return "domain.crm.stage_name", {}
    if nm.table_has("funil", "funis", "pipeline"):
        return "domain.crm.pipeline_name", {}
    if nm.table_has("fonte", "source", "canal", "channel", "origem", "origin"):
        return "domain.crm.lead_source", {}
    if nm.table_has("lista_preco", "listas_preco", "price_list", "tabela_preco"):
        return "domain.finance.price_list", {}
    if nm.table_has("cidade", "city", "municipio"):
        return pick("semantic.br.city", "faker.address.raw.CityName")
    if nm.table_has("categoria", "category", "setor", "segmento", "industr"):
        return pick("faker.company.raw.Industry", "faker.company.raw.Industry")
    return pick("semantic.br.name", "faker.name.raw.Name")
