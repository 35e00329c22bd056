"""``semantic.br.*``: Brazilian people, documents, places and businesses, valid and realistic.

- CPF/CNPJ carry valid check digits over their whole space (pure functions below); on a
  unique column their base digits are a keyed permutation of the row index.
- UF, city, CEP, DDD and address of one row agree: they come from a *row location* keyed by
  the table and the row index (``ColumnInfo.table_seed``), shared by the location columns of
  a table (``group`` separates e.g. ``cidade_origem`` from ``cidade_destino``).
- Output formats default to upstream's (digits without separators); ``formatted`` adds them.
Params are loose, as upstream: unknown keys are ignored.
"""

from __future__ import annotations

import functools
import re

import numpy as np

from datalchemy_mp import seeds
from datalchemy_mp.contracts.kinds import Kind
from datalchemy_mp.errors import ParamError
from datalchemy_mp.generators import bulk
from datalchemy_mp.generators._util import (
    BlockPermutation,
    TieredTokens,
    ascii_words,
    check_order,
    fit,
    fit_all,
    load_json,
    load_lines,
    rank_pool,
    require_rows,
    row_keys_array,
    strip_accents,
    weighted_pool,
)
from datalchemy_mp.generators.base import (
    TEXT,
    Batch,
    BatchFn,
    ColumnInfo,
    Param,
    generator,
)
from datalchemy_mp.generators.primitive import _grid, ipv4_fn

# --- check digits (pure functions) -----------------------------------------------------------


def _dv(total: int) -> int:
    r = total % 11
    return 0 if r < 2 else 11 - r


def cpf_check_digits(base9: str) -> str:
    """The two check digits of a CPF whose first nine digits are ``base9``."""
    d = [int(c) for c in base9]
    if len(d) != 9:
        raise ValueError(f"a CPF base has 9 digits, got {base9!r}")
    dv1 = _dv(sum(x * w for x, w in zip(d, range(10, 1, -1), strict=True)))
    dv2 = _dv(sum(x * w for x, w in zip([*d, dv1], range(11, 1, -1), strict=True)))
    return f"{dv1}{dv2}"


_CNPJ_W1 = (5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)
_CNPJ_W2 = (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)


def cnpj_check_digits(base12: str) -> str:
    """The two check digits of a CNPJ whose first twelve digits are ``base12``."""
    d = [int(c) for c in base12]
    if len(d) != 12:
        raise ValueError(f"a CNPJ base has 12 digits, got {base12!r}")
    dv1 = _dv(sum(x * w for x, w in zip(d, _CNPJ_W1, strict=True)))
    dv2 = _dv(sum(x * w for x, w in zip([*d, dv1], _CNPJ_W2, strict=True)))
    return f"{dv1}{dv2}"


_PUNCTUATION = str.maketrans("", "", ".-/ \t")


def _digits(value: str) -> str:
    return value.translate(_PUNCTUATION)


def is_valid_cpf(value: str) -> bool:
    """11 digits (punctuation allowed), not all equal, with matching check digits."""
    d = _digits(value)
    return (
        len(d) == 11 and d.isascii() and d.isdigit() and len(set(d)) > 1 and cpf_check_digits(d[:9]) == d[9:]
    )


def is_valid_cnpj(value: str) -> bool:
    """14 digits (punctuation allowed), not all equal, with matching check digits."""
    d = _digits(value)
    return (
        len(d) == 14
        and d.isascii()
        and d.isdigit()
        and len(set(d)) > 1
        and cnpj_check_digits(d[:12]) == d[12:]
    )


# Fast path: weighted digit sums of 3- or 4-digit groups, encoded as s1*1100 + s2, so that the
# sum over groups modulo 12100 gives (s1 mod 11, s2) and one table lookup the two digits.
_PAIR = 1100
_MOD = 11 * _PAIR


@functools.cache
def _dv_table() -> list[str]:
    out = []
    for idx in range(_MOD):
        r1, s2 = divmod(idx, _PAIR)
        dv1 = _dv(r1)
        out.append(f"{dv1}{_dv(s2 + 2 * dv1)}")
    return out


@functools.cache
def _tables(w1: tuple[int, ...], w2: tuple[int, ...]) -> np.ndarray:
    """For each group value (len(w1) digits): s1*1100 + s2 of its weighted digit sums."""
    digits = bulk.digit_codes(np.arange(10 ** len(w1)), len(w1)).astype(np.int64) - 48
    return digits @ np.asarray(w1, dtype=np.int64) * _PAIR + digits @ np.asarray(w2, dtype=np.int64)


@functools.cache
def _dv_codes() -> np.ndarray:
    """ASCII codes of the two check digits for each index of _dv_table."""
    return np.frombuffer("".join(_dv_table()).encode(), dtype=np.uint8).reshape(-1, 2)


def _cpf_strings(bases) -> list[str]:
    """Full CPFs (11 digits) for 9-digit bases (a list or an int64 array)."""
    b = np.asarray(bases, dtype=np.int64)
    ta = _tables((10, 9, 8), (11, 10, 9))
    tb = _tables((7, 6, 5), (8, 7, 6))
    tc = _tables((4, 3, 2), (5, 4, 3))
    dv = _dv_codes()[(ta[b // 1000000] + tb[b // 1000 % 1000] + tc[b % 1000]) % _MOD]
    return bulk.texts(bulk.digit_codes(b, 9), dv)


def _cnpj_strings(roots, branches) -> list[str]:
    """Full CNPJs (14 digits) for 8-digit roots and 4-digit branches (lists or int64 arrays)."""
    r, b = np.asarray(roots, dtype=np.int64), np.asarray(branches, dtype=np.int64)
    ta = _tables(_CNPJ_W1[0:4], _CNPJ_W2[0:4])
    tb = _tables(_CNPJ_W1[4:8], _CNPJ_W2[4:8])
    tc = _tables(_CNPJ_W1[8:12], _CNPJ_W2[8:12])
    dv = _dv_codes()[(ta[r // 10000] + tb[r % 10000] + tc[b]) % _MOD]
    return bulk.texts(bulk.digit_codes(r, 8), bulk.digit_codes(b, 4), dv)


_REPDIGIT_STEP = 111_111_111
CPF_BASES = 10**9 - 10
"""CPF bases without the ten repeated-digit ones (000000000, 111111111, ...), invalid."""


_GAP = _REPDIGIT_STEP - 1
"""Valid bases between two repdigits."""


def _skip_repdigits(x: int) -> int:
    """The x-th 9-digit number that is not a repeated digit (a bijection onto the valid set);
    inlined in the generators as ``x + 1 + x // _GAP``."""
    return x + 1 + x // _GAP


FORMATTED = Param("formatted", bool, default=False, doc="add punctuation (e.g. 529.982.247-25)")


def _fits(col: ColumnInfo, width: int, what: str) -> None:
    if col.max_length is not None and col.max_length < width:
        raise ParamError(
            f"{what} has {width} characters; {col.qualified} holds at most {col.max_length}", path="formatted"
        )


@generator("semantic.br.cpf", kinds=TEXT, strict=False, unique=True, tags=("pii.cpf",), params=(FORMATTED,))
def cpf(col: ColumnInfo, params: dict) -> BatchFn:
    """CPF with valid check digits, 11 digits (``formatted``: ``529.982.247-25``)."""
    formatted = params["formatted"]
    _fits(col, 14 if formatted else 11, "a CPF")

    def show(values: list[str]) -> list[str]:
        if not formatted:
            return values
        return [f"{v[:3]}.{v[3:6]}.{v[6:9]}-{v[9:]}" for v in values]

    if col.unique:
        perm = BlockPermutation(CPF_BASES, col.seed)

        def gen_unique(b: Batch) -> list:
            require_rows(col, "semantic.br.cpf", CPF_BASES, b.start, b.n)
            x = perm.array(b.start, b.n)
            return show(_cpf_strings(x + 1 + x // _GAP))

        return gen_unique

    def gen(b: Batch) -> list:
        x = b.np.integers(0, CPF_BASES, b.n)
        return show(_cpf_strings(x + 1 + x // _GAP))

    return gen


CNPJ_ROOTS = 10**8
_BRANCH_TIER = 100


@generator("semantic.br.cnpj", kinds=TEXT, strict=False, unique=True, tags=("pii.cnpj",), params=(FORMATTED,))
def cnpj(col: ColumnInfo, params: dict) -> BatchFn:
    """CNPJ with valid check digits, 14 digits: any 8-digit root, branch mostly 0001."""
    formatted = params["formatted"]
    _fits(col, 18 if formatted else 14, "a CNPJ")

    def show(values: list[str]) -> list[str]:
        if not formatted:
            return values
        return [f"{v[:2]}.{v[2:5]}.{v[5:8]}/{v[8:12]}-{v[12:]}" for v in values]

    def branches(g, base: int, n: int) -> np.ndarray:  # 0001 for most companies, a few branch offices
        offices = base + 1 + (g.random(n) ** 2 * (_BRANCH_TIER - 2)).astype(np.int64)
        return np.where(g.random(n) < 0.85, base, offices)

    if col.unique:
        perm = BlockPermutation(CNPJ_ROOTS, col.seed)
        capacity = CNPJ_ROOTS * (10_000 // _BRANCH_TIER - 1)

        def gen_unique(b: Batch) -> list:
            # Rows i and i + 10**8 share a root; tier t = i // 10**8 uses branches in
            # [100t+1, 100t+99], so distinct rows never share both root and branch.
            require_rows(col, "semantic.br.cnpj", capacity, b.start, b.n)
            roots: list[np.ndarray] = []
            offices: list[np.ndarray] = []
            pos, end = b.start, b.start + b.n
            while pos < end:
                tier, j = divmod(pos, CNPJ_ROOTS)
                take = min(end - pos, CNPJ_ROOTS - j)
                roots.append(perm.array(j, take))
                offices.append(branches(b.np, _BRANCH_TIER * tier + 1, take))
                pos += take
            return show(_cnpj_strings(np.concatenate(roots), np.concatenate(offices)))

        return gen_unique

    def gen(b: Batch) -> list:
        g = b.np
        return show(_cnpj_strings(g.integers(0, CNPJ_ROOTS, b.n), branches(g, 1, b.n)))

    return gen


@generator("semantic.br.rg", kinds=TEXT, strict=False, unique=True, tags=("pii.rg",), params=(FORMATTED,))
def rg(col: ColumnInfo, params: dict) -> BatchFn:
    """RG: 9 digits, zero-padded (``formatted``: ``12.345.678-9``)."""
    formatted = params["formatted"]
    _fits(col, 12 if formatted else 9, "an RG")
    fmt = "{0:02d}.{1:03d}.{2:03d}-{3}"

    def show(values: list[int]) -> list[str]:
        if formatted:
            return [fmt.format(v // 10**7, v // 10**4 % 1000, v // 10 % 1000, v % 10) for v in values]
        return [f"{v:09d}" for v in values]

    if col.unique:
        perm = BlockPermutation(10**9, col.seed)

        def gen_unique(b: Batch) -> list:
            require_rows(col, "semantic.br.rg", 10**9, b.start, b.n)
            return show(perm.block(b.start, b.n))

        return gen_unique

    def gen(b: Batch) -> list:
        r = b.rng.random
        return show([int(r() * 10**9) for _ in range(b.n)])

    return gen


# --- places: UF, city, CEP, DDD, address -----------------------------------------------------


class _Places:
    """The UF/city table, and a population-weighted pool of (uf, city, ddd) locations."""

    def __init__(self) -> None:
        data = load_json("br_places.json")
        self.ufs: list[str] = sorted(data)
        self.uf_names = {uf: data[uf]["name"] for uf in self.ufs}
        self.ddds = {uf: tuple(data[uf]["ddds"]) for uf in self.ufs}
        self.cep_ranges = {uf: tuple(tuple(r) for r in data[uf]["cep"]) for uf in self.ufs}
        self.cities = {uf: tuple(c[0] for c in data[uf]["cities"]) for uf in self.ufs}
        self.city_uf = {c[0]: uf for uf in self.ufs for c in data[uf]["cities"]}
        items = []
        for uf in self.ufs:
            cities = data[uf]["cities"]
            total = sum(c[2] for c in cities)
            for name, ddd, pop in cities:
                items.append(((uf, name, ddd), data[uf]["population"] * pop / total))
        self.pool: list[tuple[str, str, int]] = weighted_pool(items, size=16384)


@functools.cache
def places() -> _Places:
    return _Places()


_LOCATION_WORDS = frozenset(
    "cidade city municipio uf estado state sigla cep zip zipcode postal codigo code "
    "telefone fone phone celular cel mobile whatsapp ddd endereco address logradouro rua "
    "street bairro numero number nome name de do da id".split()
)


def location_group(column: str) -> str:
    """``cidade_origem`` -> ``origem``: location columns sharing a group describe one place."""
    words = re.split(r"[^a-z0-9]+", strip_accents(column).lower())
    return "_".join(w for w in words if w and w not in _LOCATION_WORDS)


GROUP = Param(
    "group",
    str,
    doc="location columns with the same group (default: from the "
    "column name, e.g. cidade_origem -> origem) describe one place",
)
UF_PARAM = Param("uf", str, doc="restrict to one UF (e.g. SP)")


def _locations(col: ColumnInfo, params: dict) -> BatchFn:
    """The row's (uf, city, ddd) for each row of a block: the same for every location column
    of the table with the same group."""
    pl = places()
    uf = params.get("uf")
    if uf is not None:
        uf = str(uf).upper()
        if uf not in pl.ddds:
            raise ParamError(
                f"param 'uf': {uf!r} is not a Brazilian UF (expected one of {pl.ufs})", path="uf"
            )
        pool = [loc for loc in pl.pool if loc[0] == uf]
    else:
        pool = pl.pool
    group = params.get("group")
    if group is None:
        group = location_group(col.name)
    key = seeds.derive(col.table_seed, "br-location", col.schema, col.table, str(group))
    size = len(pool)
    table = bulk.objects(pool)

    def locate(b: Batch) -> list:
        if b.attempt:  # a retried row: a hash of its index, no tables to build per attempt
            keys = bulk.mix64(
                bulk.indexes(range(b.start, b.start + b.n)), seeds.derive(key, "retry", b.attempt)
            )
        else:
            keys = row_keys_array(key, b.start, b.n)
        return table[keys % np.uint64(size)].tolist()

    return locate


@generator(
    "semantic.br.uf",
    kinds=TEXT,
    strict=False,
    tags=("pii.location",),
    params=(
        Param("full_name", bool, default=False, doc="the state's name (São Paulo) instead of SP"),
        GROUP,
        UF_PARAM,
    ),
)
def uf(col: ColumnInfo, params: dict) -> BatchFn:
    """One of the 27 UF codes, weighted by population (the row's location)."""
    locate = _locations(col, params)
    if params["full_name"]:
        names = places().uf_names
        return lambda b: fit_all([names[loc[0]] for loc in locate(b)], col.max_length)
    return lambda b: [loc[0] for loc in locate(b)]


@generator(
    "semantic.br.city",
    kinds=TEXT,
    strict=False,
    tags=("pii.location",),
    params=(
        Param("with_uf", bool, default=False, doc="append the UF: Curitiba - PR"),
        GROUP,
        UF_PARAM,
    ),
)
def city(col: ColumnInfo, params: dict) -> BatchFn:
    """A real Brazilian city (accented), weighted by population, matching the row's UF."""
    locate = _locations(col, params)
    with_uf = params["with_uf"]

    def gen(b: Batch) -> list:
        locs = locate(b)
        values = [f"{c} - {u}" for u, c, _ in locs] if with_uf else [c for _, c, _ in locs]
        return fit_all(values, col.max_length)

    return gen


def _ceps(locs: list, r) -> list[int]:
    """An 8-digit CEP inside the UF's range for each location."""
    ranges = places().cep_ranges
    out = []
    for uf_code, _, _ in locs:
        spans = ranges[uf_code]
        lo, hi = spans[0] if len(spans) == 1 else spans[int(r() * len(spans))]
        prefix = lo + int(r() * (hi - lo + 1))
        suffix = 0 if r() < 0.25 else 1 + int(r() * 899)  # -000: a whole (small) city
        out.append(prefix * 1000 + suffix)
    return out


@functools.cache
def _cep_spans() -> tuple[dict[str, int], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each UF's CEP ranges as arrays: (index of the UF, first span, span count, lows, highs)."""
    pl = places()
    first: list[int] = []
    count: list[int] = []
    lows: list[int] = []
    highs: list[int] = []
    for uf in pl.ufs:
        spans = pl.cep_ranges[uf]
        first.append(len(lows))
        count.append(len(spans))
        lows += [lo for lo, _ in spans]
        highs += [hi for _, hi in spans]
    first_a, count_a, lows_a, highs_a = (np.array(a, dtype=np.int64) for a in (first, count, lows, highs))
    return {uf: k for k, uf in enumerate(pl.ufs)}, first_a, count_a, lows_a, highs_a


def _cep_block(locs: list, g: np.random.Generator) -> np.ndarray:
    """``_ceps`` for a block, drawn with numpy."""
    index, first, count, lows, highs = _cep_spans()
    n = len(locs)
    uf = np.array([index[u] for u, _, _ in locs], dtype=np.int64)
    span = first[uf] + (g.random(n) * count[uf]).astype(np.int64)
    lo, hi = lows[span], highs[span]
    prefix = lo + (g.random(n) * (hi - lo + 1)).astype(np.int64)
    suffix = np.where(g.random(n) < 0.25, 0, 1 + (g.random(n) * 899).astype(np.int64))
    return prefix * 1000 + suffix


@generator(
    "semantic.br.cep",
    kinds=TEXT,
    strict=False,
    tags=("pii.location",),
    params=(
        Param("formatted", bool, default=False, doc="with the hyphen: 01310-100"),
        GROUP,
        UF_PARAM,
    ),
)
def cep(col: ColumnInfo, params: dict) -> BatchFn:
    """CEP, 8 digits without hyphen, inside the real range of the row's UF."""
    locate = _locations(col, params)
    formatted = params["formatted"]
    _fits(col, 9 if formatted else 8, "a CEP")

    hyphen = np.full((1, 1), ord("-"), dtype=np.uint8)

    def gen(b: Batch) -> list:
        ceps = _cep_block(locate(b), b.np)
        if formatted:
            dash = np.repeat(hyphen, len(ceps), axis=0)
            return bulk.texts(bulk.digit_codes(ceps // 1000, 5), dash, bulk.digit_codes(ceps % 1000, 3))
        return bulk.texts(bulk.digit_codes(ceps, 8))

    return gen


MOBILE_NUMBERS = 4 * 10**7
"""Mobile numbers after the leading 9: 8 digits starting with 6-9."""


@generator(
    "semantic.br.phone",
    kinds=TEXT,
    strict=False,
    unique=True,
    tags=("pii.phone",),
    params=(
        Param("formatted", bool, default=False, doc="+55 (11) 98765-4321 instead of +5511987654321"),
        Param("landline", bool, default=False, doc="a fixed line (2-5 then 7 digits) instead of a mobile"),
        GROUP,
        UF_PARAM,
    ),
)
def phone(col: ColumnInfo, params: dict) -> BatchFn:
    """Mobile number ``+55DD9XXXXXXXX`` with a real DDD of the row's city (no separators)."""
    locate = _locations(col, params)
    formatted, landline = params["formatted"], params["landline"]
    width = (18 if landline else 19) if formatted else (13 if landline else 14)
    _fits(col, width, "a phone number")
    # numbers: 8 digits after the 9 of a mobile (first digit 6-9), or 8 digits of a landline
    # (first digit 2-5); both are 4 * 10**7 numbers, offset by `first`.
    first = 2 * 10**7 if landline else 6 * 10**7
    lead = "" if landline else "9"

    def show(locs: list, numbers: np.ndarray) -> list[str]:
        if formatted:
            return [
                f"+55 ({d}) {lead}{x // 10000:04d}-{x % 10000:04d}"
                for (_, _, d), x in zip(locs, numbers.tolist(), strict=True)
            ]
        ddds = bulk.digit_codes(np.array([d for _, _, d in locs], dtype=np.int64), 2)
        prefix = np.frombuffer(f"+55{lead}".encode(), dtype=np.uint8)
        codes = np.empty((len(locs), 5 + len(lead) + 8), dtype=np.uint8)
        codes[:, :3], codes[:, 3:5], codes[:, 5 : 5 + len(lead)] = prefix[:3], ddds, prefix[3:]
        codes[:, 5 + len(lead) :] = bulk.digit_codes(np.asarray(numbers, dtype=np.int64), 8)
        return bulk.texts(codes)

    if col.unique:
        perm = BlockPermutation(MOBILE_NUMBERS, col.seed)

        def gen_unique(b: Batch) -> list:
            require_rows(col, "semantic.br.phone", MOBILE_NUMBERS, b.start, b.n)
            return show(locate(b), perm.array(b.start, b.n) + first)

        return gen_unique

    def gen(b: Batch) -> list:
        return show(locate(b), b.np.integers(first, first + MOBILE_NUMBERS, b.n))

    return gen


@functools.cache
def _streets() -> tuple[list[str], list[str]]:
    vocab = load_json("br_vocab.json")
    return weighted_pool(vocab["street_types"], 256), list(vocab["street_names"])


def street_names(rng, n: int) -> list[str]:
    types, names = _streets()
    return [f"{t} {s}" for t, s in zip(rng.choices(types, k=n), rng.choices(names, k=n), strict=True)]


def house_numbers(r, n: int) -> list[int]:
    """1..9999, small numbers more frequent (log-uniform)."""
    return [int(10 ** (r() * 4)) for _ in range(n)]


@generator(
    "semantic.br.address",
    kinds=TEXT,
    strict=False,
    tags=("pii.address",),
    params=(
        Param(
            "full",
            bool,
            default=False,
            doc="street, number - neighbourhood, city - UF, CEP (the row's location)",
        ),
        GROUP,
        UF_PARAM,
    ),
)
def address(col: ColumnInfo, params: dict) -> BatchFn:
    """``<street>, <number>``: e.g. ``Avenida Paulista, 1578``."""
    full = params["full"]
    locate = _locations(col, params) if full else None
    neighborhoods = load_json("br_vocab.json")["neighborhoods"]

    def gen(b: Batch) -> list:
        rng = b.rng
        r = rng.random
        streets = street_names(rng, b.n)
        numbers = house_numbers(r, b.n)
        if locate is None:
            values = [f"{s}, {x}" for s, x in zip(streets, numbers, strict=True)]
        else:
            locs = locate(b)
            ceps = _ceps(locs, r)
            hoods = rng.choices(neighborhoods, k=b.n)
            values = [
                f"{s}, {x} - {h}, {c} - {u}, {z // 1000:05d}-{z % 1000:03d}"
                for s, x, h, (u, c, _), z in zip(streets, numbers, hoods, locs, ceps, strict=True)
            ]
        return fit_all(values, col.max_length)

    return gen


@generator("semantic.br.street", kinds=TEXT, strict=False, tags=("pii.address",))
def street(col: ColumnInfo, params: dict) -> BatchFn:
    """A street name with its type: ``Rua das Flores``."""
    return lambda b: fit_all(street_names(b.rng, b.n), col.max_length)


@generator("semantic.br.neighborhood", kinds=TEXT, strict=False, tags=("pii.location",))
def neighborhood(col: ColumnInfo, params: dict) -> BatchFn:
    """A neighbourhood (bairro): ``Centro``, ``Jardim América``."""
    hoods = load_json("br_vocab.json")["neighborhoods"]
    return lambda b: fit_all(b.rng.choices(hoods, k=b.n), col.max_length)


# --- people ----------------------------------------------------------------------------------

_COMPOUND = {
    "F": [
        "Ana Paula",
        "Maria Eduarda",
        "Ana Clara",
        "Maria Clara",
        "Maria Luiza",
        "Ana Luíza",
        "Maria Fernanda",
        "Ana Beatriz",
        "Maria Alice",
        "Ana Carolina",
    ],
    "M": [
        "João Pedro",
        "Luiz Fernando",
        "José Carlos",
        "Carlos Eduardo",
        "Pedro Henrique",
        "João Vitor",
        "Luiz Carlos",
        "Paulo Roberto",
        "Antônio Carlos",
        "João Gabriel",
    ],
}


class _Names:
    def __init__(self) -> None:
        self.female = load_lines("br_first_names_female.txt")
        self.male = load_lines("br_first_names_male.txt")
        self.surnames = load_lines("br_surnames.txt")
        f = rank_pool(self.female) + rank_pool(_COMPOUND["F"], size=600)
        m = rank_pool(self.male) + rank_pool(_COMPOUND["M"], size=600)
        self.first = {"female": f, "male": m, "any": f + m}
        self.last = rank_pool(self.surnames, flatten=4.0)


@functools.cache
def names() -> _Names:
    return _Names()


@generator(
    "semantic.br.name",
    kinds=TEXT,
    strict=False,
    tags=("pii.name",),
    params=(
        Param("gender", str, default="any", choices=("any", "female", "male")),
        Param(
            "surnames",
            int,
            default=0,
            min=0,
            max=2,
            doc="surnames per name: 1, 2, or 0 for a realistic mix (about 1 in 3 with two)",
        ),
    ),
)
def name(col: ColumnInfo, params: dict) -> BatchFn:
    """A Brazilian full name, ``First Last`` (often ``First Last Last``), with accents."""
    nm = names()
    firsts, lasts = nm.first[params["gender"]], nm.last
    count = params["surnames"]
    two_rate = {0: 0.35, 1: 0.0, 2: 1.0}[count]
    limit = col.max_length
    first_of, last_of = bulk.objects(firsts), bulk.objects(lasts)

    def gen(b: Batch) -> list:
        g = b.np
        fs = first_of[g.integers(0, len(first_of), b.n)]
        ls = last_of[g.integers(0, len(last_of), 2 * b.n)]
        last, middle = ls[0::2], ls[1::2]
        two = (g.random(b.n) < two_rate) & (last != middle)
        names_ = np.empty(b.n, dtype=object)  # one list comprehension per shape of name
        at = np.flatnonzero(two)
        names_[at] = [
            f"{f} {m} {x}"
            for f, m, x in zip(fs[at].tolist(), middle[at].tolist(), last[at].tolist(), strict=True)
        ]
        at = np.flatnonzero(~two)
        names_[at] = [f"{f} {x}" for f, x in zip(fs[at].tolist(), last[at].tolist(), strict=True)]
        out = names_.tolist()
        if limit is not None:
            short = [f"{f} {x}" for f, x in zip(fs.tolist(), last.tolist(), strict=True)]
            out = [v if len(v) <= limit else fit(s, limit) for v, s in zip(out, short, strict=True)]
        return out

    return gen


@generator(
    "semantic.br.first_name",
    kinds=TEXT,
    strict=False,
    tags=("pii.name",),
    params=(Param("gender", str, default="any", choices=("any", "female", "male")),),
)
def first_name(col: ColumnInfo, params: dict) -> BatchFn:
    """A Brazilian first name (sometimes compound: ``Ana Paula``)."""
    firsts = names().first[params["gender"]]
    return lambda b: fit_all(b.rng.choices(firsts, k=b.n), col.max_length)


@generator("semantic.br.last_name", kinds=TEXT, strict=False, tags=("pii.name",))
def last_name(col: ColumnInfo, params: dict) -> BatchFn:
    """A Brazilian surname (sobrenome), sometimes two: ``Souza Lima``."""
    lasts = names().last

    def gen(b: Batch) -> list:
        rng = b.rng
        r = rng.random
        ls = rng.choices(lasts, k=2 * b.n)
        return fit_all(
            [
                f"{ls[2 * k]} {ls[2 * k + 1]}" if r() < 0.3 and ls[2 * k] != ls[2 * k + 1] else ls[2 * k]
                for k in range(b.n)
            ],
            col.max_length,
        )

    return gen


@functools.cache
def _email_parts() -> tuple[list[str], list[str]]:
    nm = names()
    return ascii_words(nm.first["any"]), ascii_words(nm.last)


_LOCAL_STYLES = (  # (first, last) -> local part, weight
    (lambda f, s: f"{f}.{s}", 45),
    (lambda f, s: f"{f}{s}", 14),
    (lambda f, s: f"{f}_{s}", 8),
    (lambda f, s: f"{f[0]}{s}", 13),
    (lambda f, s: f, 8),
    (lambda f, s: f"{s}.{f}", 5),
    (lambda f, s: f"{f}.{s[0]}", 7),
)
_ADDRESSES = (  # each style of _LOCAL_STYLES over whole lists: (firsts, lasts, tokens, domains)
    lambda fs, ls, ts, ds: [f"{f}.{s}{t}@{d}" for f, s, t, d in zip(fs, ls, ts, ds, strict=True)],
    lambda fs, ls, ts, ds: [f"{f}{s}{t}@{d}" for f, s, t, d in zip(fs, ls, ts, ds, strict=True)],
    lambda fs, ls, ts, ds: [f"{f}_{s}{t}@{d}" for f, s, t, d in zip(fs, ls, ts, ds, strict=True)],
    lambda fs, ls, ts, ds: [f"{f[0]}{s}{t}@{d}" for f, s, t, d in zip(fs, ls, ts, ds, strict=True)],
    lambda fs, ls, ts, ds: [f"{f}{t}@{d}" for f, t, d in zip(fs, ts, ds, strict=True)],
    lambda fs, ls, ts, ds: [f"{s}.{f}{t}@{d}" for f, s, t, d in zip(fs, ls, ts, ds, strict=True)],
    lambda fs, ls, ts, ds: [f"{f}.{s[0]}{t}@{d}" for f, s, t, d in zip(fs, ls, ts, ds, strict=True)],
)
SAFE_DOMAINS = (("example.com", 50), ("example.com.br", 25), ("example.net", 15), ("example.org", 10))


def email_fn(
    col: ColumnInfo, gen_id: str, firsts: list[str], lasts: list[str], domains: list[str]
) -> BatchFn:
    """``ana.silva4821@example.com``: local parts from names; on a unique column the digits
    are a distinct token per row (4 digits for the first 9000 rows, then 5, ...), so emails
    never repeat whatever the names."""
    styles = np.array(weighted_pool([(k, w) for k, (_, w) in enumerate(_LOCAL_STYLES)], 100))
    limit = col.max_length
    tokens = TieredTokens(seeds.derive(col.seed, "email")) if col.unique else None
    if limit is not None and limit < 24:
        raise ParamError(f"{col.qualified} holds at most {limit} characters: too short for realistic emails")

    pools = [bulk.objects(p) for p in (firsts, lasts)]
    domain_pool = bulk.objects(domains)

    def gen(b: Batch) -> list:
        g = b.np
        n = b.n
        fs, ls = (p[g.integers(0, len(p), n)] for p in pools)
        ss = styles[g.integers(0, len(styles), n)]
        ds = domain_pool[g.integers(0, len(domain_pool), n)]
        if tokens is not None:
            toks = bulk.objects(tokens.block(b.start, n))
        else:  # about half with a few digits, as people do
            digits = (10 ** (1 + g.random(n) * 3)).astype(np.int64).tolist()
            toks = bulk.objects(
                [str(d) if h else "" for d, h in zip(digits, (g.random(n) < 0.5).tolist(), strict=True)]
            )
        out = np.empty(n, dtype=object)
        for style, address in enumerate(_ADDRESSES):  # one list comprehension per style
            at = np.flatnonzero(ss == style)
            if len(at):
                out[at] = address(*(a[at].tolist() for a in (fs, ls, toks, ds)))
        emails = out.tolist()
        if limit is not None:
            for k, v in enumerate(emails):
                if len(v) > limit:
                    tail = f"{toks[k]}@{ds[k]}"
                    local = _LOCAL_STYLES[ss[k]][0](fs[k], ls[k])
                    emails[k] = f"{local[: max(1, limit - len(tail))]}{tail}"
        return emails

    return gen


@generator(
    "semantic.br.email.safe",
    kinds=TEXT,
    strict=False,
    unique=True,
    tags=("pii.email",),
    params=(
        Param(
            "domain",
            str,
            doc="one domain for every address (default: example.com, example.com.br, .net, .org)",
        ),
    ),
)
def email_safe(col: ColumnInfo, params: dict) -> BatchFn:
    """``ana.silva4821@example.com``: names without accents, reserved example domains."""
    firsts, lasts = _email_parts()
    domain = params["domain"]
    domains = [domain] if domain else weighted_pool(SAFE_DOMAINS, 100)
    return email_fn(col, "semantic.br.email.safe", firsts, lasts, domains)


# --- money, network --------------------------------------------------------------------------


@generator(
    "semantic.br.money.brl",
    kinds=frozenset({Kind.NUMERIC, Kind.REAL, Kind.DOUBLE}),
    strict=False,
    unique=True,
    params=(
        Param("min", float, default=10.0),
        Param("max", float, default=10000.0),
    ),
)
def money_brl(col: ColumnInfo, params: dict) -> BatchFn:
    """An amount in reais in [min, max], 2 decimals, no symbol: ``4521.37``."""
    check_order(params)
    return _grid("semantic.br.money.brl", col, params["min"], params["max"], 2)


@generator(
    "semantic.br.ip", kinds=TEXT | frozenset({Kind.INET}), strict=False, unique=True, tags=("pii.network",)
)
def ip(col: ColumnInfo, params: dict) -> BatchFn:
    """IPv4, each octet 1..254: ``187.23.4.200``."""
    return ipv4_fn(col, "semantic.br.ip")


@generator("semantic.br.url", kinds=TEXT, strict=False, unique=True, tags=("pii.network",))
def url(col: ColumnInfo, params: dict) -> BatchFn:
    """``https://example.com/pagina-<1-9999>`` (distinct page numbers on a unique column)."""
    if col.unique:
        tokens = TieredTokens(seeds.derive(col.seed, "url"), min_digits=1)
        return lambda b: [f"https://example.com/pagina-{t}" for t in tokens.block(b.start, b.n)]

    def gen(b: Batch) -> list:
        r = b.rng.random
        return [f"https://example.com/pagina-{1 + int(r() * 9999)}" for _ in range(b.n)]

    return gen


# --- businesses and text ---------------------------------------------------------------------


class _Business:
    def __init__(self) -> None:
        v = load_json("br_vocab.json")
        self.roots = v["company_roots"]
        self.segments = v["company_segments"]
        self.professions = v["company_professions"]
        self.suffixes = weighted_pool(v["company_suffixes"], 100)
        self.products = [(base, variants) for base, variants in v["product_bases"]]
        self.vocab = v


@functools.cache
def business() -> _Business:
    return _Business()


@generator("semantic.br.company.name", kinds=TEXT, strict=False)
def company_name(col: ColumnInfo, params: dict) -> BatchFn:
    """A Brazilian company name: ``Horizonte Logística Ltda.``, ``Silva & Costa Advogados``."""
    biz, nm = business(), names()
    lists = (biz.roots, biz.segments, nm.last, nm.last, biz.professions, biz.suffixes)
    pools = [bulk.objects(p) for p in lists]

    def gen(b: Batch) -> list:
        g = b.np
        n = b.n
        roots, segs, l1, l2, profs, sufs = (p[g.integers(0, len(p), n)] for p in pools)
        xs = g.random(n)
        partners = (xs >= 0.8) & (xs < 0.92) & (l1 != l2)
        out = np.empty(n, dtype=object)  # one list comprehension per shape of name
        at = np.flatnonzero(xs < 0.55)
        out[at] = [
            f"{r} {s}{x}"
            for r, s, x in zip(roots[at].tolist(), segs[at].tolist(), sufs[at].tolist(), strict=True)
        ]
        at = np.flatnonzero((xs >= 0.55) & (xs < 0.8))
        out[at] = [
            f"{a} {s}{x}"
            for a, s, x in zip(l1[at].tolist(), segs[at].tolist(), sufs[at].tolist(), strict=True)
        ]
        at = np.flatnonzero(partners)
        out[at] = [
            f"{a} & {c} {p}"
            for a, c, p in zip(l1[at].tolist(), l2[at].tolist(), profs[at].tolist(), strict=True)
        ]
        at = np.flatnonzero((xs >= 0.8) & ~partners)
        out[at] = [
            f"{s} {r}{x}"
            for s, r, x in zip(segs[at].tolist(), roots[at].tolist(), sufs[at].tolist(), strict=True)
        ]
        return fit_all(out.tolist(), col.max_length)

    return gen


@generator("semantic.br.product.name", kinds=TEXT, strict=False)
def product_name(col: ColumnInfo, params: dict) -> BatchFn:
    """A product or service: ``Licença Pro``, ``Notebook Air 13``, ``Consultoria 10h``."""
    items = [f"{base} {variant}" for base, variants in business().products for variant in variants]
    return lambda b: fit_all(b.rng.choices(items, k=b.n), col.max_length)


@generator("semantic.br.sentence", kinds=TEXT, strict=False)
def sentence(col: ColumnInfo, params: dict) -> BatchFn:
    """A Portuguese business sentence: ``O cliente aprovou o orçamento com urgência.``"""
    v = business().vocab
    parts = [v["sentence_subjects"], v["sentence_verbs"], v["sentence_objects"], v["sentence_endings"]]

    def gen(b: Batch) -> list:
        rng = b.rng
        cols = [rng.choices(p, k=b.n) for p in parts]
        return fit_all([" ".join(words) for words in zip(*cols, strict=True)], col.max_length)

    return gen


@generator("semantic.br.title", kinds=TEXT, strict=False)
def title(col: ColumnInfo, params: dict) -> BatchFn:
    """A short Portuguese title: ``Renovação de contrato - Horizonte Logística``."""
    titles, biz = business().vocab["titles"], business()

    def gen(b: Batch) -> list:
        rng = b.rng
        r = rng.random
        ts, roots = rng.choices(titles, k=b.n), rng.choices(biz.roots, k=b.n)
        segs = rng.choices(biz.segments, k=b.n)
        return fit_all(
            [f"{t} - {ro} {s}" if r() < 0.5 else t for t, ro, s in zip(ts, roots, segs, strict=True)],
            col.max_length,
        )

    return gen


@generator("semantic.br.job_title", kinds=TEXT, strict=False)
def job_title(col: ColumnInfo, params: dict) -> BatchFn:
    """A corporate job title in Portuguese: ``Gerente Comercial``, ``Analista de TI``."""
    v = business().vocab
    items = [f"{lvl} {area}" for lvl in v["job_levels"] for area in v["job_areas"]]
    return lambda b: fit_all(b.rng.choices(items, k=b.n), col.max_length)
