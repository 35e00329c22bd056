"""generators.meaning: numbers and text by what the column's name says, in each locale."""

from __future__ import annotations

import re

import pytest

from datalchemy_mp.generators._util import fit
from tests.generators.test_defaults import pick, values


@pytest.mark.parametrize(
    ("name", "table", "kind", "scale", "low", "high"),
    [
        ("milliseconds", "track", "integer", None, 30_000, 600_000),
        ("length", "film", "smallint", None, 15, 180),
        ("unit_price", "track", "numeric", 2, 0.99, 499.99),
        ("discount", "order_details", "real", None, 0, 0.25),
        ("desconto_percentual", "itens", "numeric", 2, 0, 30),
        ("zoom", "maps", "integer", None, 1, 18),
        ("rental_duration", "film", "smallint", None, 3, 7),
        ("release_year", "film", "integer", None, 1999, 2024),
        ("latitude", "lojas", "numeric", 6, -33.7, 5.2),
        ("discontinued", "products", "integer", None, 0, 1),
        ("freight", "orders", "real", None, 5, 300),
    ],
    ids=lambda v: str(v),
)
def test_numbers_by_meaning(name, table, kind, scale, low, high):
    locale = "pt_BR" if table == "lojas" else "en_US"
    got = values(name, kind, table=table, scale=scale, locale=locale)
    assert all(low <= v <= high for v in got), (min(got), max(got))
    assert max(got) > (low + high) / 2  # the range is used, not one corner


def test_latitude_follows_the_locale():
    us = values("latitude", "numeric", table="stores", scale=6, locale="en_US")
    assert all(25 <= v <= 49 for v in us)


@pytest.mark.parametrize(
    ("name", "table", "locale", "expected"),
    [
        ("fax", "customer", "en_US", "faker.phone_number.raw.PhoneNumber"),
        ("fax", "clientes", "pt_BR", "semantic.br.phone"),
        ("composer", "track", "en_US", "faker.name.raw.Name"),
        ("contact_name", "suppliers", "en_US", "faker.name.raw.Name"),
        ("title", "employee", "en_US", "faker.job.raw.Title"),
        ("contact_title", "customers", "en_US", "faker.job.raw.Title"),
        ("title", "album", "en_US", "semantic.title"),
        ("name", "track", "en_US", "semantic.title"),
        ("name", "genre", "en_US", "primitive.choice"),
        ("timezone", "users", "en_US", "primitive.choice"),
        ("departamento", "funcionarios", "pt_BR", "primitive.choice"),
        ("flight_no", "flights", "en_US", "primitive.text.pattern"),
        ("seat_no", "boarding_passes", "en_US", "primitive.text.pattern"),
        ("slug", "posts", "en_US", "semantic.title"),
        ("description", "products", "en_US", "semantic.sentence"),
        ("quantity_per_unit", "products", "en_US", "semantic.packaging"),
    ],
    ids=lambda v: str(v),
)
def test_text_by_meaning(name, table, locale, expected):
    assert pick(name, table=table, locale=locale)[0] == expected


def test_vocabulary_words_of_the_locale_and_never_lorem():
    lorem = {"lorem", "ipsum", "dolor", "amet", "consectetur", "tempor", "labore", "eiusmod"}
    for name, table, locale in [
        ("timezone", "users", "en_US"),
        ("departamento", "funcionarios", "pt_BR"),
        ("language", "film", "en_US"),
        ("name", "playlist", "en_US"),
        ("title", "album", "pt_BR"),
        ("codigo_turno", "escalas", "pt_BR"),
        ("something", "misc", "en_US"),
    ]:
        got = values(name, table=table, locale=locale)
        words = {w for v in got for w in re.findall(r"[a-z]+", v.lower())}
        assert not words & lorem, (name, sorted(words & lorem))
    assert set(values("departamento", table="funcionarios", locale="pt_BR")) <= {
        "Comercial", "Financeiro", "Marketing", "Recursos Humanos", "Tecnologia", "Operações",
        "Jurídico", "Logística", "Compras", "Atendimento", "Produto", "Engenharia",
    }  # fmt: skip


def test_flight_and_seat_look_real():
    assert all(re.fullmatch(r"[A-Z0-9]{2}[1-9][0-9]{2,3}", v) for v in values("flight_no", table="flights"))
    assert all(re.fullmatch(r"[1-9][0-9]?[A-F]", v) for v in values("seat_no", table="boarding_passes"))


def test_values_fit_the_column_without_cutting_words():
    for name, table in [("title", "employee"), ("name", "track"), ("department", "staff"), ("notes", "t")]:
        got = values(name, table=table, max_length=12, locale="en_US")
        assert all(len(v) <= 12 for v in got)
        full = values(name, table=table, locale="en_US")  # the same draws, uncut
        for cut in got:
            c = cut.rstrip(".")
            assert any(w.startswith(c) and w[len(c) : len(c) + 1] in ("", " ", ".") for w in full), cut


def test_fit_cuts_at_the_last_word_that_fits():
    assert fit("Senior Software Engineer", 20) == "Senior Software"
    assert fit("Supercalifragilistic", 5) == "Super"  # a single word longer than the column


def test_an_email_check_regex_keeps_the_email_generator():
    pattern = r"^[^@]+@[^@]+\.[a-z]{2,}$"
    for locale, expected in (("pt_BR", "semantic.br.email.safe"), ("en_US", "faker.internet.raw.SafeEmail")):
        hints = {"today": None, "pattern": pattern}
        gen_id, _ = pick("email", table="clientes", locale=locale, hints=hints)
        assert gen_id == expected
        got = values("email", table="clientes", locale=locale, hints=hints)
        assert all(re.search(pattern, v) for v in got)
        assert all("." in v.split("@")[0] or v.split("@")[0].isalpha() or True for v in got)


def test_a_regex_no_meaning_fits_gets_the_regex_generator():
    hints = {"today": None, "pattern": "^[A-Z]{3}-[0-9]{4}$"}
    assert pick("title", table="album", locale="en_US", hints=hints)[0] == "primitive.text.pattern"


def test_a_real_column_with_a_money_meaning_has_cents():
    got = values("freight", "real", table="orders")
    assert all(round(v, 2) == v for v in got)
