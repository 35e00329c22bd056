"""What a column holds, from its name and type, in each supported locale (pt_BR, en_US).

``number_meaning`` gives a plausible range and scale for a number (a track's milliseconds, a
film's length in minutes, a discount in percent); ``text_meaning`` gives the generator for a
text column whose name says what it holds (fax, composer, timezone, seat, department...).
Both take the ``_Name`` of ``generators.defaults`` (words of the column and table names) and
return None when the name says nothing they know. Vocabulary values never exceed the
column's length: lists are filtered to what fits, so nothing is cut mid-word.
"""

from __future__ import annotations

import functools
import re

from datalchemy_mp.contracts.kinds import FLOATS
from datalchemy_mp.generators._util import fit_all, strip_accents, today
from datalchemy_mp.generators.base import TEXT, Batch, BatchFn, ColumnInfo, Param, generator

# --- numbers --------------------------------------------------------------------------------

# (keys of the column name, low, high, decimals); the first match wins, most specific first.
_NUMBERS: list[tuple[tuple[str, ...], float, float, int]] = [
    (("milliseconds", "millis", "duration_ms", "ms"), 30_000, 600_000, 0),
    (("bytes", "size_bytes", "file_size", "tamanho_bytes"), 100_000, 20_000_000, 0),
    (("rental_duration", "loan_days", "dias_locacao"), 3, 7, 0),
    (("rental_rate",), 0.99, 4.99, 2),
    (("replacement_cost",), 9.99, 29.99, 2),
    (("unit_price", "unitprice", "preco_unitario", "valor_unitario"), 0.99, 499.99, 2),
    (("zoom",), 1, 18, 0),
    (("discontinued", "active", "ativo", "ativa", "deleted", "enabled", "flag"), 0, 1, 0),
    (("units_in_stock", "estoque", "stock", "inventory"), 0, 500, 0),
    (("units_on_order", "reorder_level", "reorder"), 0, 100, 0),
    (("freight", "frete", "shipping"), 5, 300, 2),
    (("length", "runtime", "duracao", "duration", "minutos", "minutes"), 15, 180, 0),
]
_PERCENT = ("percentual", "percent", "porcentagem", "pct", "probabilidade", "probability")
_DISCOUNT = ("desconto", "discount")


def number_meaning(nm, kind: str) -> tuple[float, float, int | None] | None:
    """(low, high, decimals) for names this module knows better than the generic table."""
    for keys, lo, hi, scale in _NUMBERS:
        if _has(nm, *keys):
            return lo, hi, scale
    if _has(nm, *_DISCOUNT):
        if kind in FLOATS:  # a fraction (Northwind's 0.05)
            return 0, 0.25, 2
        return 0, 30, 2
    if _has(nm, *_PERCENT):
        return 0, 100, 2
    return None


def location_range(nm, pt: bool) -> tuple[float, float, int] | None:
    """Latitudes and longitudes inside Brazil (pt_BR) or the contiguous United States."""
    if _has(nm, "latitude") or nm.word("lat"):
        return (-33.7, 5.2, 6) if pt else (25.0, 49.0, 6)
    if _has(nm, "longitude") or nm.word("lng", "lon", "long"):
        return (-73.9, -34.8, 6) if pt else (-124.0, -67.0, 6)
    return None


def number_range(col: ColumnInfo, nm) -> tuple[float, float, int | None] | None:
    """The range this module knows for the column, else None (the generic table decides)."""
    if nm.word("ano", "year") or _has(nm, "release_year", "ano_lancamento"):
        year = today(col).year
        return year - 25, year, 0
    return location_range(nm, col.locale == "pt_BR") or number_meaning(nm, col.kind)


# --- text: vocabularies ---------------------------------------------------------------------

_VOCAB: dict[str, tuple[list[str], list[str]]] = {  # key: (pt_BR, en_US)
    "department": (
        ["Comercial", "Financeiro", "Marketing", "Recursos Humanos", "Tecnologia", "Operações",
         "Jurídico", "Logística", "Compras", "Atendimento", "Produto", "Engenharia"],
        ["Sales", "Finance", "Marketing", "Human Resources", "Engineering", "Operations", "Legal",
         "Logistics", "Purchasing", "Customer Support", "Product", "Research"],
    ),
    "shift": (["Manhã", "Tarde", "Noite", "Integral"], ["Morning", "Afternoon", "Night", "Full day"]),
    "unit": (
        ["un", "kg", "g", "L", "mL", "m", "cm", "cx", "pct", "dz"],
        ["each", "kg", "lb", "oz", "box", "pack", "dozen", "case", "gal", "ft"],
    ),
    "timezone": (
        ["America/Sao_Paulo", "America/Manaus", "America/Belem", "America/Fortaleza",
         "America/Recife", "America/Cuiaba", "America/Porto_Velho", "America/Noronha"],
        ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
         "America/Phoenix", "America/Anchorage", "Pacific/Honolulu", "Europe/London"],
    ),
    "language": (
        ["Português", "Inglês", "Espanhol", "Francês", "Alemão", "Italiano", "Japonês"],
        ["English", "Spanish", "French", "German", "Italian", "Japanese", "Portuguese", "Mandarin"],
    ),
    "language_code": (["pt-BR", "en-US", "es-ES", "fr-FR", "de-DE"], ["en-US", "es-US", "fr-FR", "de-DE"]),
    "genre": (
        ["Samba", "MPB", "Bossa Nova", "Forró", "Sertanejo", "Pagode", "Axé", "Rock", "Funk", "Jazz"],
        ["Rock", "Jazz", "Blues", "Pop", "Classical", "Hip Hop", "Country", "Electronic", "Soul",
         "Reggae", "Metal", "Folk"],
    ),
    "media": (
        ["Arquivo de áudio MPEG", "Arquivo de áudio AAC", "Arquivo de vídeo MPEG-4", "CD", "Vinil"],
        ["MPEG audio file", "AAC audio file", "MPEG-4 video file", "Protected AAC audio file",
         "CD", "Vinyl"],
    ),
    "playlist": (
        ["Favoritas", "Para treinar", "Clássicos", "Relax", "Viagem", "Anos 90", "Festa"],
        ["Favorites", "Workout", "Classics", "Chill", "Road Trip", "90s Hits", "Party", "Focus"],
    ),
    "category": (
        ["Ação", "Comédia", "Drama", "Documentário", "Animação", "Terror", "Ficção", "Família"],
        ["Action", "Comedy", "Drama", "Documentary", "Animation", "Horror", "Sci-Fi", "Family",
         "Classics", "Games", "Music", "Sports", "Travel"],
    ),
    "courtesy": (["Sr.", "Sra.", "Dr.", "Dra."], ["Mr.", "Ms.", "Mrs.", "Dr."]),
    "region": (
        ["Norte", "Nordeste", "Centro-Oeste", "Sudeste", "Sul"],
        ["Eastern", "Western", "Northern", "Southern", "Central"],
    ),
}  # fmt: skip
_TITLE_WORDS = (
    ["Noite", "Mar", "Sol", "Caminho", "Estrada", "Sonho", "Tempo", "Cidade", "Vento", "Luz",
     "Saudade", "Amor", "Rio", "Lua", "Horizonte", "Jardim", "Segredo", "Verão", "Memória", "Fogo"],
    ["Night", "River", "Sun", "Road", "Dream", "Time", "City", "Wind", "Light", "Heart", "Fire",
     "Ocean", "Moon", "Garden", "Secret", "Summer", "Memory", "Shadow", "Storm", "Home"],
)  # fmt: skip
_TITLE_ADJ = (
    ["Azul", "Perdido", "Eterno", "Selvagem", "Doce", "Antigo", "Novo", "Último", "Dourado"],
    ["Blue", "Lost", "Endless", "Wild", "Sweet", "Golden", "Silent", "Last", "Broken", "Electric"],
)  # fmt: skip
FREE_TEXT: tuple[str, ...] = (
    "descricao",
    "description",
    "observac",
    "comentario",
    "comment",
    "notes",
    "resumo",
)
FREE_TEXT += ("summary", "texto", "mensagem", "message", "detalhe", "detail", "motivo", "reason", "bio")
_AIRLINES = ["LA", "G3", "AD", "AA", "UA", "DL", "TP", "AF"]
_PERSON_NAME: tuple[str, ...] = (
    "contact",
    "contato",
    "composer",
    "compositor",
    "author",
    "autor",
    "representante",
)
_PERSON_NAME += ("responsavel", "manager_name", "gerente", "attendant", "atendente", "artista")


def _has(nm, *keys: str) -> bool:
    """``nm.has`` with keys written with underscores (``unit_price``), as names are compared
    without them."""
    return nm.has(*(k.replace("_", "") if len(k.replace("_", "")) >= 4 else k for k in keys))


def _fitting(values: list[str], limit: int | None) -> list[str]:
    return [v for v in values if limit is None or len(v) <= limit]


def _vocab(key: str, pt: bool, limit: int | None) -> tuple[str, dict] | None:
    values = _fitting(_VOCAB[key][0 if pt else 1], limit)
    return ("primitive.choice", {"values": values}) if values else None


def text_meaning(col: ColumnInfo, nm, pt: bool) -> tuple[str, dict] | None:
    """The generator for a text column whose name (and table) say what it holds."""
    limit = col.max_length
    if _has(nm, "fax"):
        return ("semantic.br.phone", {"landline": True}) if pt else ("faker.phone_number.raw.PhoneNumber", {})
    if _has(nm, "extension", "ramal"):
        return "primitive.text.pattern", {"pattern": "[1-9][0-9]{2,3}"}
    if _has(nm, "timezone", "time_zone", "fuso"):
        return _vocab("timezone", pt, limit)
    if _has(nm, "flight"):
        return "primitive.text.pattern", {"pattern": f"({'|'.join(_AIRLINES)})[1-9][0-9]{{2,3}}"}
    if _has(nm, "seat", "assento", "poltrona"):
        return "primitive.text.pattern", {"pattern": "([1-9]|[1-3][0-9])[A-F]"}
    if _has(nm, "slug"):
        return "semantic.title", {"slug": True}
    if _has(nm, "language", "idioma", "lingua", "lang", "locale"):
        return _vocab("language_code" if limit is not None and limit <= 5 else "language", pt, limit)
    if _has(nm, "courtesy", "tratamento"):
        return _vocab("courtesy", pt, limit)
    if _has(nm, "department", "departamento", "setor") or nm.word("area", "dept"):
        return _vocab("department", pt, limit)
    if _has(nm, "shift", "turno"):
        return _vocab("shift", pt, limit)
    if _has(nm, "quantity_per_unit", "per_unit"):
        return "semantic.packaging", {}
    if _has(nm, "unit_of_measure", "uom", "unidade_medida", "unidade") or nm.word("unit", "unidade"):
        return _vocab("unit", pt, limit)
    if _has(nm, "photo_path", "image_url", "avatar_url", "photo_url"):
        return ("semantic.br.url", {}) if pt else ("faker.url", {})
    if _has(nm, "cargo", "job_title", "contact_title", "funcao") or (
        nm.word("title", "titulo") and _person_table(nm)
    ):
        return ("semantic.br.job_title", {}) if pt else ("faker.job.raw.Title", {})
    if _has(nm, *_PERSON_NAME) or (
        _has(nm, "name", "nome") and _has(nm, "ship", "recipient", "destinatario")
    ):
        return ("semantic.br.name", {}) if pt else ("faker.name.raw.Name", {})
    if _has(nm, "region", "regiao") and not nm.word("id"):
        return _vocab("region", pt, limit)
    if not pt and _has(nm, *FREE_TEXT):
        return "semantic.sentence", {}
    return _name_by_table(nm, pt, limit)


def _person_table(nm) -> bool:
    from datalchemy_mp.generators.defaults import _PERSON_TABLES

    return nm.table_has(*_PERSON_TABLES)


def _name_by_table(nm, pt: bool, limit: int | None) -> tuple[str, dict] | None:
    """``name``/``title`` of tables whose rows are works, genres, media types, playlists."""
    if not _has(nm, "name", "nome", "title", "titulo"):
        return None
    for key, tables in (
        ("genre", ("genre", "genero")),
        ("media", ("media_type", "midia", "format")),
        ("playlist", ("playlist",)),
        ("category", ("categor",)),
        ("language", ("language", "idioma")),
    ):
        if nm.table_has(*tables):
            return _vocab(key, pt, limit)
    if nm.table_has("country", "pais", "paises"):
        return (
            ("primitive.choice", {"values": _fitting(["Brasil", "Portugal", "Argentina", "Chile"], limit)})
            if pt
            else (
                "faker.address.raw.CountryName",
                {},
            )
        )
    if nm.table_has("territor"):
        return ("semantic.br.city", {}) if pt else ("faker.address.raw.CityName", {})
    if nm.table_has("album", "track", "song", "musica", "faixa", "film", "filme", "movie", "book", "livro"):
        return "semantic.title", {}
    if nm.table_has("artist", "band", "actor", "ator", "singer", "cantor"):
        return ("semantic.br.name", {}) if pt else ("faker.name.raw.Name", {})
    if nm.table_has("product", "produto"):
        return ("semantic.br.product.name", {}) if pt else ("semantic.product", {})
    return None


# --- generators ----------------------------------------------------------------------------


@generator("semantic.title", kinds=TEXT, strict=False, example_params={})
def creative_title(col: ColumnInfo, params: dict) -> BatchFn:
    """A title of a work in the column's locale: ``Golden River``, ``Noite Azul`` (or a slug,
    ``golden-river``, with ``slug``: true); never longer than the column."""
    pt = col.locale == "pt_BR"
    nouns, adjs = _TITLE_WORDS[0 if pt else 1], _TITLE_ADJ[0 if pt else 1]
    slug = bool(params.get("slug"))

    def gen(b: Batch) -> list:
        rnd, choice = b.rng.random, b.rng.choice
        out = []
        for _ in range(b.n):
            noun, adj, x = choice(nouns), choice(adjs), rnd()
            if x < 0.4:
                text = f"{noun} {adj}" if pt else f"{adj} {noun}"
            elif x < 0.7:
                text = noun
            else:
                other = choice(nouns)
                text = f"{noun} e {other}" if pt else f"{noun} and {other}"
            out.append(_slug(text) if slug else text)
        return _fit_words(out, col.max_length)

    return gen


@generator("semantic.product", kinds=TEXT, strict=False, example_params={})
def product(col: ColumnInfo, params: dict) -> BatchFn:
    """An English product name: ``Organic Coffee 500 g``, ``Steel Chair``."""
    adjs = ["Organic", "Classic", "Premium", "Steel", "Wooden", "Smart", "Compact", "Deluxe", "Fresh"]
    items = ["Coffee", "Chair", "Lamp", "Backpack", "Notebook", "Tea", "Cheese", "Sauce", "Headphones"]
    sizes = ["", "", " 500 g", " 1 kg", " 12 oz", " XL", " Pro"]

    def gen(b: Batch) -> list:
        c = b.rng.choice
        return _fit_words([f"{c(adjs)} {c(items)}{c(sizes)}" for _ in range(b.n)], col.max_length)

    return gen


@generator("semantic.packaging", kinds=TEXT, strict=False, example_params={})
def packaging(col: ColumnInfo, params: dict) -> BatchFn:
    """How a product is packed: ``10 boxes x 20 bags``, ``24 - 12 oz bottles`` (pt_BR:
    ``12 caixas x 500 g``)."""
    pt = col.locale == "pt_BR"
    outer = ["caixas", "pacotes", "fardos"] if pt else ["boxes", "packs", "cases", "jars"]
    inner = (
        ["500 g", "1 kg", "350 mL", "1 L", "10 un"]
        if pt
        else ["20 bags", "12 oz bottles", "1 kg pkg", "500 g"]
    )

    def gen(b: Batch) -> list:
        r, c = b.rng.randint, b.rng.choice
        return _fit_words([f"{r(2, 48)} {c(outer)} x {c(inner)}" for _ in range(b.n)], col.max_length)

    return gen


@functools.cache
def _english_words() -> list[str]:
    from faker.providers.lorem.en_US import Provider

    return list(Provider.word_list)


@generator(
    "semantic.sentence",
    kinds=TEXT,
    strict=False,
    example_params={},
    params=(Param("min_words", int, default=4, min=1), Param("max_words", int, default=12, min=1)),
)
def sentence(col: ColumnInfo, params: dict) -> BatchFn:
    """Free text in the column's locale (Portuguese business sentences for pt_BR, English
    words for en_US), never longer than the column and never cut inside a word."""
    if col.locale == "pt_BR":
        from datalchemy_mp.generators.semantic_br import sentence as pt_sentence

        return pt_sentence(col, {})
    lo, hi = params["min_words"], max(params["min_words"], params["max_words"])
    words = _english_words()

    def gen(b: Batch) -> list:
        r, c = b.rng.randint, b.rng.choice
        out = []
        for _ in range(b.n):
            text = " ".join(c(words) for _ in range(r(lo, hi)))
            out.append(text[:1].upper() + text[1:] + ("." if hi > 3 else ""))
        return _fit_words(out, col.max_length)

    return gen


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", strip_accents(text).lower()).strip("-")


def _fit_words(values: list[str], limit: int | None) -> list[str]:
    """Values longer than the column lose whole words (never cut mid-word)."""
    return fit_all(values, limit)


SAMPLE_ROWS = 64


def matches(col: ColumnInfo, gen_id: str, params: dict, pattern: str) -> bool:
    """Whether a sample of the generator's values all match the CHECK's regex (Postgres ``~``
    finds the pattern anywhere, as ``re.search`` does). Rows that still miss it are remade by
    the engine's row checks."""
    import random

    from datalchemy_mp.errors import ParamError
    from datalchemy_mp.generators.base import GENERATORS, check_params

    try:
        regex = re.compile(pattern)
        spec = GENERATORS[gen_id]
        fn = spec.factory(col, check_params(spec.params, params, strict=spec.strict, path=""))
        values = fn(Batch(rng=random.Random(0), start=0, n=SAMPLE_ROWS, row={}, attempt=0))
    except (re.error, ParamError, KeyError):
        return False
    return all(isinstance(v, str) and regex.search(v) for v in values)
