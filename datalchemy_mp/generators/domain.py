"""``domain.*``: business vocabularies for CRM, finance, logistics and commerce fixtures.

Upstream's IDs keep their values (uniform picks; params loose, only min/max read); the
additions (deal titles, lead sources, invoice numbers, SKUs, codes) aim at realistic data.
Codes and numbers registered ``unique=True`` are distinct per row by construction.
"""

from __future__ import annotations

from datalchemy_mp import seeds
from datalchemy_mp.contracts.kinds import Kind
from datalchemy_mp.errors import ParamError
from datalchemy_mp.generators._util import (
    BlockPermutation,
    PaddedTokens,
    ascii_word,
    check_order,
    fit_all,
    require_rows,
)
from datalchemy_mp.generators.base import (
    INT,
    NUMERIC,
    TEXT,
    Batch,
    BatchFn,
    ColumnInfo,
    Param,
    generator,
)
from datalchemy_mp.generators.primitive import _grid, _int_range
from datalchemy_mp.generators.semantic_br import business

PICKS: dict[str, tuple[str, tuple[str, ...]]] = {
    "domain.crm.lead_stage": ("CRM lead stage", ("novo", "qualificado", "perdido")),
    "domain.crm.activity_type": ("CRM activity type", ("tarefa", "reuniao", "anotacao")),
    "domain.crm.pipeline_name": ("CRM pipeline", ("Prospeccao", "Qualificacao", "Fechamento")),
    "domain.finance.transaction_type": ("transaction type", ("debito", "credito", "pix")),
    "domain.finance.payment_method": (
        "payment method",
        ("cartao_credito", "cartao_debito", "pix", "boleto", "transferencia"),
    ),
    "domain.finance.invoice_status": ("invoice status", ("aberta", "paga", "cancelada")),
    "domain.logistics.shipment_status": (
        "shipment status",
        ("criado", "em_transito", "entregue", "cancelado"),
    ),
    "domain.logistics.carrier": ("carrier", ("correios", "jadlog", "total_express", "azul_cargo")),
    # additions
    "domain.crm.stage_name": (
        "sales funnel stage",
        ("Prospecção", "Qualificação", "Apresentação", "Proposta", "Negociação", "Fechamento"),
    ),
    "domain.crm.lead_source": (
        "lead source",
        (
            "Site",
            "Indicação",
            "LinkedIn",
            "Google Ads",
            "Instagram",
            "Evento",
            "E-mail marketing",
            "Parceiro",
            "Telefone",
            "Feira de negócios",
            "WhatsApp",
            "Facebook",
        ),
    ),
    "domain.finance.price_list": (
        "price list",
        (
            "Varejo",
            "Atacado",
            "Premium",
            "Distribuidores",
            "Promocional",
            "Corporativo",
            "Governo",
            "E-commerce",
        ),
    ),
}


def _pick_factory(gen_id: str, values: tuple[str, ...]):
    def factory(col: ColumnInfo, params: dict) -> BatchFn:
        picks = list(values)
        return lambda b: b.rng.choices(picks, k=b.n)

    return factory


for _id, (_what, _values) in PICKS.items():
    # unique=False: a unique column with more rows than values (upstream plans do that, e.g.
    # funis.nome) gets the engine's de-duplication ("Prospeccao 2"), not an error.
    generator(
        _id,
        kinds=TEXT | frozenset({Kind.ENUM}),
        strict=False,
        unique=False,
        description=f"a {_what}: one of {', '.join(_values)}",
    )(_pick_factory(_id, _values))


@generator(
    "domain.crm.deal_value",
    kinds=NUMERIC,
    strict=False,
    unique=True,
    params=(
        Param("min", float, default=1000.0),
        Param("max", float, default=75000.0),
    ),
)
def deal_value(col: ColumnInfo, params: dict) -> BatchFn:
    """A deal value in [min, max] with 2 decimals."""
    check_order(params)
    return _grid("domain.crm.deal_value", col, params["min"], params["max"], 2)


@generator(
    "domain.finance.installments",
    kinds=INT,
    strict=False,
    unique=True,
    params=(
        Param("min", int, default=1),
        Param("max", int, default=12),
    ),
)
def installments(col: ColumnInfo, params: dict) -> BatchFn:
    """Number of installments in [min, max]."""
    check_order(params)
    return _int_range("domain.finance.installments", col, params["min"], params["max"])


TRACKING_NUMBERS = 10**10


@generator("domain.logistics.tracking_code", kinds=TEXT, strict=False, unique=True)
def tracking_code(col: ColumnInfo, params: dict) -> BatchFn:
    """``BR`` + 10 digits: ``BR0481726354`` (distinct per row on a unique column)."""
    if col.unique:
        perm = BlockPermutation(TRACKING_NUMBERS, seeds.derive(col.seed, "tracking"))

        def gen_unique(b: Batch) -> list:
            require_rows(col, "domain.logistics.tracking_code", TRACKING_NUMBERS, b.start, b.n)
            return [f"BR{x:010d}" for x in perm.block(b.start, b.n)]

        return gen_unique

    def gen(b: Batch) -> list:
        r = b.rng.random
        return [f"BR{int(r() * TRACKING_NUMBERS):010d}" for _ in range(b.n)]

    return gen


@generator("domain.logistics.dimensions_cm", kinds=TEXT, strict=False)
def dimensions_cm(col: ColumnInfo, params: dict) -> BatchFn:
    """``LxWxH`` in cm, length and width 10-100, height 5-80: ``45x20x60``."""

    def gen(b: Batch) -> list:
        r = b.rng.random
        return [f"{10 + int(r() * 91)}x{10 + int(r() * 91)}x{5 + int(r() * 76)}" for _ in range(b.n)]

    return gen


@generator("domain.crm.deal_title", kinds=TEXT, strict=False)
def deal_title(col: ColumnInfo, params: dict) -> BatchFn:
    """An opportunity title: ``Licença Pro - Horizonte Logística``."""
    biz = business()
    products = [f"{base} {v}" for base, variants in biz.products for v in variants]
    kinds = ("Renovação", "Expansão", "Novo contrato", "Upgrade", "Implantação", "Projeto piloto")

    def gen(b: Batch) -> list:
        rng = b.rng
        r = rng.random
        n = b.n
        ps, ks = rng.choices(products, k=n), rng.choices(kinds, k=n)
        roots, segs = rng.choices(biz.roots, k=n), rng.choices(biz.segments, k=n)
        return fit_all(
            [
                f"{p} - {ro} {s}" if r() < 0.6 else f"{k} {ro} {s}"
                for p, k, ro, s in zip(ps, ks, roots, segs, strict=True)
            ],
            col.max_length,
        )

    return gen


def _code_fn(col: ColumnInfo, gen_id: str, prefix: str, digits: int, key: str) -> BatchFn:
    if col.max_length is not None and len(prefix) + digits > col.max_length:
        raise ParamError(
            f"{prefix!r} + {digits} digits does not fit {col.qualified} "
            f"(at most {col.max_length} characters)",
            path="digits",
        )
    if col.unique:
        tokens = PaddedTokens(seeds.derive(col.seed, key), digits)
        return lambda b: [prefix + t for t in tokens.block(b.start, b.n)]
    top = 10**digits

    def gen(b: Batch) -> list:
        r = b.rng.random
        return [f"{prefix}{int(r() * top):0{digits}d}" for _ in range(b.n)]

    return gen


@generator(
    "domain.finance.invoice_number",
    kinds=TEXT,
    strict=False,
    unique=True,
    params=(
        Param("prefix", str, default="NF-"),
        Param("digits", int, default=6, min=1, max=15),
    ),
)
def invoice_number(col: ColumnInfo, params: dict) -> BatchFn:
    """``NF-004821``: distinct per row on a unique column (one more digit past 10**digits)."""
    return _code_fn(col, "domain.finance.invoice_number", params["prefix"], params["digits"], "invoice")


def table_prefix(table: str) -> str:
    """``cotacoes`` -> ``COT-``: the first three letters of the table, upper case."""
    letters = ascii_word(table)
    letters = "".join(c for c in letters if c.isalpha()) or "COD"
    return letters[:3].upper() + "-"


@generator(
    "domain.commerce.code",
    kinds=TEXT,
    strict=False,
    unique=True,
    params=(
        Param("prefix", str, doc="default: the first three letters of the table, e.g. COT-"),
        Param("digits", int, default=6, min=1, max=15),
    ),
)
def code(col: ColumnInfo, params: dict) -> BatchFn:
    """A business code such as ``COT-004821`` (distinct per row on a unique column)."""
    prefix = params["prefix"] if params["prefix"] is not None else table_prefix(col.table)
    return _code_fn(col, "domain.commerce.code", prefix, params["digits"], "code")


SKU_LETTERS = 26**3
SKU_SPACE = SKU_LETTERS * 10**4


@generator("domain.commerce.sku", kinds=TEXT, strict=False, unique=True)
def sku(col: ColumnInfo, params: dict) -> BatchFn:
    """A stock-keeping unit ``QWE-0427`` (distinct per row on a unique column)."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

    def show(xs: list[int]) -> list[str]:
        return [
            f"{alphabet[x // 6760000]}{alphabet[x // 260000 % 26]}{alphabet[x // 10000 % 26]}-{x % 10000:04d}"
            for x in xs
        ]

    if col.unique:
        perm = BlockPermutation(SKU_SPACE, seeds.derive(col.seed, "sku"))

        def gen_unique(b: Batch) -> list:
            require_rows(col, "domain.commerce.sku", SKU_SPACE, b.start, b.n)
            return show(perm.block(b.start, b.n))

        return gen_unique

    def gen(b: Batch) -> list:
        r = b.rng.random
        return show([int(r() * SKU_SPACE) for _ in range(b.n)])

    return gen
