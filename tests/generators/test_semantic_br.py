"""semantic.br.*: valid documents over their whole space, unique by construction, and places
whose UF, city, CEP and DDD agree."""

from __future__ import annotations

import re
import zlib

import pytest

from datalchemy_mp.errors import GenerationError, ParamError
from datalchemy_mp.generators._util import load_json
from datalchemy_mp.generators.semantic_br import (
    cnpj_check_digits,
    cpf_check_digits,
    is_valid_cnpj,
    is_valid_cpf,
    location_group,
)
from tests.generators.gen_helpers import build, draw, draw_blocks, generate

PLACES = load_json("br_places.json")
REAL_DDDS = {
    11,
    12,
    13,
    14,
    15,
    16,
    17,
    18,
    19,
    21,
    22,
    24,
    27,
    28,
    31,
    32,
    33,
    34,
    35,
    37,
    38,
    41,
    42,
    43,
    44,
    45,
    46,
    47,
    48,
    49,
    51,
    53,
    54,
    55,
    61,
    62,
    63,
    64,
    65,
    66,
    67,
    68,
    69,
    71,
    73,
    74,
    75,
    77,
    79,
    81,
    82,
    83,
    84,
    85,
    86,
    87,
    88,
    89,
    91,
    92,
    93,
    94,
    95,
    96,
    97,
    98,
    99,
}


@pytest.mark.parametrize(
    ("base", "digits"),
    [("529982247", "25"), ("111444777", "35"), ("000000001", "91")],
    ids=["529.982.247-25", "111.444.777-35", "000.000.001-91"],
)
def test_cpf_check_digits_on_known_values(base, digits):
    assert cpf_check_digits(base) == digits


@pytest.mark.parametrize(
    ("base", "digits"),
    [
        ("112223330001", "81"),
        ("000000000001", "91"),
        ("330001670001", "01"),
        ("607011900001", "04"),
        ("335925100001", "54"),
    ],
    ids=[
        "11.222.333/0001-81",
        "00.000.000/0001-91 (Banco do Brasil)",
        "33.000.167/0001-01 (Petrobras)",
        "60.701.190/0001-04 (Itaú)",
        "33.592.510/0001-54 (Vale)",
    ],
)
def test_cnpj_check_digits_on_known_values(base, digits):
    assert cnpj_check_digits(base) == digits


def test_validators_accept_punctuation_and_reject_bad_values():
    assert is_valid_cpf("529.982.247-25") and is_valid_cpf("52998224725")
    assert not is_valid_cpf("529.982.247-24")
    assert not is_valid_cpf("111.111.111-11")  # repeated digits
    assert not is_valid_cpf("5299822472")
    assert is_valid_cnpj("11.222.333/0001-81") and is_valid_cnpj("11222333000181")
    assert not is_valid_cnpj("11.222.333/0001-82")
    assert not is_valid_cnpj("00000000000000")


@pytest.mark.parametrize(("unique", "n"), [(False, 20_000), (True, 100_000)], ids=["random", "unique"])
def test_cnpjs_are_valid(unique, n):
    cnpjs = draw_blocks(build("semantic.br.cnpj", unique=unique), 0, n)
    assert all(is_valid_cnpj(v) for v in cnpjs)
    branches = [v[8:12] for v in cnpjs]
    assert 0.75 < branches.count("0001") / len(branches) < 0.95  # mostly head offices
    assert len({v[:8] for v in cnpjs}) > 0.95 * n  # roots spread over 10**8


def test_random_cpfs_are_valid():
    cpfs = draw_blocks(build("semantic.br.cpf"), 0, 20_000)
    assert all(is_valid_cpf(v) for v in cpfs)


def test_cpf_spread_covers_the_space():
    cpfs = draw_blocks(build("semantic.br.cpf", unique=True), 0, 20_000)
    assert {v[0] for v in cpfs} == set("0123456789")
    assert {v[8] for v in cpfs} == set("0123456789")  # not a counter in the last digits


@pytest.mark.slow  # a subprocess run or a million values
def test_a_million_unique_cpfs_in_chunks_at_any_start():
    fn = build("semantic.br.cpf", unique=True)
    seen: set[str] = set()
    # four chunks as four worker processes would make them, blocks aligned on BLOCK_ROWS
    for start, n in ((0, 250_000), (250_000, 250_000), (500_000, 250_000), (750_000, 250_000)):
        chunk = draw_blocks(fn, start, n, seed=start)
        if start == 500_000:  # check digits verified on 100k of them
            assert all(is_valid_cpf(v) for v in chunk[:100_000])
        seen.update(chunk)
    assert len(seen) == 1_000_000


@pytest.mark.slow  # a subprocess run or a million values
def test_a_million_unique_emails_in_chunks():
    fn = build("semantic.br.email.safe", unique=True)
    seen: set[str] = set()
    for start, n in ((0, 300_000), (300_000, 300_000), (600_000, 400_000)):
        values = draw_blocks(fn, start, n, seed=start)
        seen.update(values)
    assert len(seen) == 1_000_000
    sample = list(seen)[:1000]
    assert all(re.fullmatch(r"[a-z_.]+\d{4,7}@example\.(com|com\.br|net|org)", v) for v in sample), sample[:5]
    assert not any(re.search(r"user0|pessoa|^user\d", v) for v in sample)


def test_unique_emails_differ_by_token_not_placeholder():
    values = generate("semantic.br.email.safe", n=20, unique=True)
    locals_ = [v.split("@")[0].rstrip("0123456789") for v in values]
    assert len(set(locals_)) > 15  # names vary, the digits only separate


def test_email_keeps_within_the_column_length():
    values = generate("semantic.br.email.safe", n=500, unique=True, max_length=24)
    assert all(len(v) <= 24 and "@" in v for v in values)
    assert len(set(values)) == 500
    with pytest.raises(ParamError, match="too short"):
        build("semantic.br.email.safe", max_length=12)


def test_names_are_realistic_with_accents():
    values = generate("semantic.br.name", n=2000)
    assert all(2 <= len(v.split()) <= 4 for v in values)
    assert any(re.search(r"[áéíóúâêôãõç]", v) for v in values)
    assert len(set(values)) > 1000
    assert not any(v.startswith("Pessoa") for v in values)
    short = generate("semantic.br.name", n=500, max_length=12)
    assert all(len(v) <= 12 for v in short)


LOCATION_IDS = ("semantic.br.uf", "semantic.br.city", "semantic.br.cep", "semantic.br.phone")


def _row_places(n: int = 3000, start: int = 0, **kw):
    cols = {}
    for gen_id, name in zip(LOCATION_IDS, ("uf", "cidade", "cep", "telefone"), strict=True):
        seed = zlib.crc32(name.encode()) % 1000  # stable across runs, unlike hash()
        cols[name] = draw(build(gen_id, name=name, table_seed=99, **kw), n, start, seed=seed)
    return cols


def test_uf_city_cep_and_ddd_of_a_row_agree():
    cols = _row_places(start=5000)
    city_uf = {c[0]: uf for uf, v in PLACES.items() for c in v["cities"]}
    for uf, city, cep, phone in zip(cols["uf"], cols["cidade"], cols["cep"], cols["telefone"], strict=True):
        assert uf in PLACES
        assert city_uf[city] == uf
        prefix = int(cep[:5])
        assert any(lo <= prefix <= hi for lo, hi in PLACES[uf]["cep"]), (uf, cep)
        ddd = int(phone[3:5])
        assert ddd in REAL_DDDS and ddd in PLACES[uf]["ddds"], (uf, phone)
    assert len(set(cols["uf"])) == 27  # every UF appears, weighted by population
    assert cols["uf"].count("SP") > cols["uf"].count("AC") * 5


def test_location_groups_separate_origin_and_destination():
    assert location_group("cidade_origem") == location_group("uf_origem") == "origem"
    assert location_group("cidade") == location_group("UF") == location_group("cep") == ""
    origin = draw(build("semantic.br.city", name="cidade_origem", table_seed=1), 500)
    dest = draw(build("semantic.br.city", name="cidade_destino", table_seed=1), 500)
    assert sum(o == d for o, d in zip(origin, dest, strict=True)) < 150


def test_fixed_uf_and_formats():
    assert set(generate("semantic.br.uf", {"uf": "pr"})) == {"PR"}
    ceps = generate("semantic.br.cep", {"uf": "RJ", "formatted": True})
    assert all(re.fullmatch(r"2[0-8]\d{3}-\d{3}", c) for c in ceps)
    phones = generate("semantic.br.phone", {"formatted": True})
    assert all(re.fullmatch(r"\+55 \(\d{2}\) 9\d{4}-\d{4}", p) for p in phones)
    fixed = generate("semantic.br.phone", {"landline": True})
    assert all(re.fullmatch(r"\+55\d{2}[2-5]\d{7}", p) for p in fixed)
    cpfs = generate("semantic.br.cpf", {"formatted": True})
    assert all(re.fullmatch(r"\d{3}\.\d{3}\.\d{3}-\d{2}", c) and is_valid_cpf(c) for c in cpfs)
    cnpjs = generate("semantic.br.cnpj", {"formatted": True})
    assert all(re.fullmatch(r"\d{2}\.\d{3}\.\d{3}/\d{4}-\d{2}", c) for c in cnpjs)
    full = generate("semantic.br.address", {"full": True}, n=50)
    assert all(re.fullmatch(r".+, \d+ - .+, .+ - [A-Z]{2}, \d{5}-\d{3}", a) for a in full)
    with pytest.raises(ParamError, match="'uf'"):
        build("semantic.br.city", {"uf": "XX"})
    with pytest.raises(ParamError, match="14 characters"):
        build("semantic.br.cpf", {"formatted": True}, max_length=11)


def test_unique_phone_numbers_and_exhaustion_is_clear():
    values = draw_blocks(build("semantic.br.phone", unique=True), 0, 50_000)
    assert len({v[-8:] for v in values}) == 50_000
    fn = build("semantic.br.phone", unique=True, name="fone")
    with pytest.raises(GenerationError, match=r"s\.t\.fone.*40000000 distinct.*row 40000001"):
        draw(fn, 2, start=40_000_000 - 1)


def test_money_and_cities_data():
    money = generate("semantic.br.money.brl", {"min": 1000.0, "max": 75000.0}, kind="numeric")
    assert all(1000 <= v <= 75000 and round(v, 2) == v for v in money)
    with pytest.raises(ParamError, match="'min'.*'max'"):
        build("semantic.br.money.brl", {"min": 5.0, "max": 1.0})
    assert sum(len(v["cities"]) for v in PLACES.values()) >= 200
    assert {d for v in PLACES.values() for d in v["ddds"]} == REAL_DDDS


def test_companies_products_and_text_vary():
    for gen_id in (
        "semantic.br.company.name",
        "semantic.br.product.name",
        "semantic.br.sentence",
        "semantic.br.title",
        "semantic.br.job_title",
    ):
        values = generate(gen_id, n=500)
        assert len(set(values)) > 40, gen_id
        assert all(v and v == v.strip() for v in values)


def test_repdigit_skipping_is_a_bijection_onto_valid_bases():
    from datalchemy_mp.generators.semantic_br import _REPDIGIT_STEP, CPF_BASES, _skip_repdigits

    ranks = {0, 1, CPF_BASES - 2, CPF_BASES - 1}
    for k in range(11):  # around every repeated-digit base 000000000, 111111111, ...
        ranks.update(
            r
            for r in range(k * (_REPDIGIT_STEP - 1) - 50, k * (_REPDIGIT_STEP - 1) + 50)
            if 0 <= r < CPF_BASES
        )
    for rank in sorted(ranks):
        v = _skip_repdigits(rank)
        assert 0 < v < 10**9 and v % _REPDIGIT_STEP != 0
        assert v - (v // _REPDIGIT_STEP + 1) == rank  # the rank of v among valid bases
