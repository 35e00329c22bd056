"""``faker.*``: upstream's 108 ``faker.<module>.raw.<Struct>`` IDs (fake-rs), mapped onto
Python Faker, and every Python Faker provider method by name: ``faker.<method>``.

Determinism: one Faker ``Generator`` per locale per process, whose ``random`` is set to the
block's RNG before each block (``Generator.random`` is per instance). Faker's date provider
reads the wall clock for relative dates ("-30y", "today"): during a block it sees a frozen
clock at the run's reference date instead (``col.hints["today"]``, default 2024-01-01).

Formats follow fake-rs where upstream documents them (e.g. pt_BR phones ``(41) 3456-7890``,
dates ``dd/mm/yyyy``); pt_BR values come from Brazilian vocabularies where fake-rs had
them localised (names, cities, states, phones, CEPs). The upstream IDs that "always fail"
(they needed params) now work with documented params (see ``PARAMETERIZED``).
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import inspect
import os
import random
import re
import string
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from datalchemy_mp.contracts.kinds import Kind
from datalchemy_mp.errors import GenerationError, ParamError
from datalchemy_mp.generators import semantic_br as br
from datalchemy_mp.generators._util import (
    ascii_words,
    check_locale,
    check_order,
    fit_all,
    parse_timestamp,
    today,
    weighted_pool,
)
from datalchemy_mp.generators.base import (
    ANY,
    TEXT,
    Batch,
    BatchFn,
    ColumnInfo,
    Param,
    generator,
)
from datalchemy_mp.generators.primitive import expand_charset

Draw = Callable[[random.Random, int], list]
"""Fills ``n`` values from the RNG (the Faker instance, if any, is bound inside)."""


# --- Faker instances and the frozen clock ----------------------------------------------------


@functools.cache
def faker_for(locale: str):
    """The process's Faker generator for ``locale`` (``Generator.random`` set per block)."""
    from faker import Factory

    fake = Factory.create(locale)
    fake._is_seeded = True  # else binary()/zip()/tar() read os.urandom
    return fake


def bind(fake, rng: random.Random):
    """Make ``fake`` draw from ``rng`` only: its ``random`` (per instance), and no helper
    object holding an earlier RNG (the color provider caches one)."""
    fake.random = rng
    for provider in fake.providers:
        provider.__dict__.pop("_random_color", None)
    return fake


class _Clock:
    now = dt.datetime(2024, 1, 1, 12, 0, 0)


class _AnyDatetime(type):
    """isinstance() of the frozen classes accepts every real date/datetime, as Faker expects."""

    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, cls.__mro__[1])


class _FrozenDatetime(dt.datetime, metaclass=_AnyDatetime):
    @classmethod
    def now(cls, tz=None):  # type: ignore[override]
        n = _Clock.now
        base = cls(n.year, n.month, n.day, n.hour, n.minute, n.second)
        return base if tz is None else base.replace(tzinfo=dt.UTC).astimezone(tz)

    @classmethod
    def utcnow(cls):  # type: ignore[override]
        return cls.now()

    @classmethod
    def today(cls):  # type: ignore[override]
        return cls.now()


class _FrozenDate(dt.date, metaclass=_AnyDatetime):
    @classmethod
    def today(cls):  # type: ignore[override]
        n = _Clock.now
        return cls(n.year, n.month, n.day)


@contextmanager
def frozen_clock(reference: dt.date):
    """Faker's date provider sees ``reference`` at noon UTC as "now" (and UTC as local)."""
    from faker.providers import date_time as mod

    names = ("datetime", "dtdate", "_get_local_timezone")
    saved = [getattr(mod, name) for name in names]
    _Clock.now = dt.datetime(reference.year, reference.month, reference.day, 12)
    for name, value in zip(names, (_FrozenDatetime, _FrozenDate, lambda: dt.UTC), strict=True):
        setattr(mod, name, value)
    try:
        yield
    finally:
        for name, value in zip(names, saved, strict=True):
            setattr(mod, name, value)


def _method_draw(locale: str, method: str, *args: Any, **kwargs: Any) -> Draw:
    def draw(rng: random.Random, n: int) -> list:
        fake = bind(faker_for(locale), rng)
        fn = getattr(fake, method)
        return [fn(*args, **kwargs) for _ in range(n)]

    return draw


def _pick(values) -> Draw:
    values = list(values)
    return lambda rng, n: rng.choices(values, k=n)


# --- vocabularies not in Python Faker -------------------------------------------------------

INDUSTRIES_EN = (
    "Accounting",
    "Airlines/Aviation",
    "Automotive",
    "Banking",
    "Biotechnology",
    "Broadcast Media",
    "Building Materials",
    "Chemicals",
    "Computer Hardware",
    "Computer Software",
    "Construction",
    "Consumer Electronics",
    "Consumer Goods",
    "Defense & Space",
    "E-Learning",
    "Education Management",
    "Electrical/Electronic Manufacturing",
    "Entertainment",
    "Environmental Services",
    "Financial Services",
    "Food & Beverages",
    "Government Administration",
    "Health, Wellness and Fitness",
    "Hospital & Health Care",
    "Hospitality",
    "Human Resources",
    "Information Technology and Services",
    "Insurance",
    "Internet",
    "Investment Banking",
    "Legal Services",
    "Logistics and Supply Chain",
    "Machinery",
    "Management Consulting",
    "Marketing and Advertising",
    "Media Production",
    "Medical Devices",
    "Mining & Metals",
    "Oil & Energy",
    "Pharmaceuticals",
    "Real Estate",
    "Renewables & Environment",
    "Retail",
    "Telecommunications",
    "Textiles",
    "Transportation/Trucking/Railroad",
    "Utilities",
    "Wholesale",
)
INDUSTRIES_PT = (
    "Agronegócio",
    "Alimentos e Bebidas",
    "Automotivo",
    "Bancos",
    "Construção Civil",
    "Consultoria",
    "Educação",
    "Energia",
    "Farmacêutico",
    "Logística",
    "Mineração",
    "Saúde",
    "Seguros",
    "Serviços Financeiros",
    "Tecnologia da Informação",
    "Telecomunicações",
    "Têxtil",
    "Turismo e Hotelaria",
    "Varejo",
    "Imobiliário",
    "Marketing e Publicidade",
    "Química",
    "Papel e Celulose",
    "Transporte",
)
PROFESSIONS_EN = (
    "teacher",
    "actor",
    "musician",
    "philosopher",
    "writer",
    "doctor",
    "accountant",
    "agriculturist",
    "architect",
    "economist",
    "engineer",
    "interpreter",
    "attorney at law",
    "advocate",
    "librarian",
    "statistician",
    "human resources",
    "firefighter",
    "judge",
    "police officer",
    "astronomer",
    "biologist",
    "chemist",
    "physicist",
    "programmer",
    "web developer",
    "designer",
    "nurse",
    "pharmacist",
    "dentist",
    "veterinarian",
    "journalist",
)
PROFESSIONS_PT = (
    "professor",
    "ator",
    "músico",
    "escritor",
    "médico",
    "contador",
    "agrônomo",
    "arquiteto",
    "economista",
    "engenheiro",
    "intérprete",
    "advogado",
    "bibliotecário",
    "estatístico",
    "bombeiro",
    "juiz",
    "policial",
    "biólogo",
    "químico",
    "físico",
    "programador",
    "desenvolvedor web",
    "designer",
    "enfermeiro",
    "farmacêutico",
    "dentista",
    "veterinário",
    "jornalista",
    "administrador",
    "psicólogo",
)
JOB_SENIORITY = (
    "Lead",
    "Senior",
    "Direct",
    "Corporate",
    "Dynamic",
    "Future",
    "Product",
    "National",
    "Regional",
    "District",
    "Central",
    "Global",
    "Customer",
    "Investor",
    "International",
    "Legacy",
    "Forward",
    "Internal",
    "Human",
    "Chief",
    "Principal",
)
JOB_FIELD = (
    "Solutions",
    "Program",
    "Brand",
    "Security",
    "Research",
    "Marketing",
    "Directives",
    "Implementation",
    "Integration",
    "Functionality",
    "Response",
    "Paradigm",
    "Tactics",
    "Identity",
    "Markets",
    "Group",
    "Division",
    "Applications",
    "Optimization",
    "Operations",
    "Infrastructure",
    "Intranet",
    "Communications",
    "Web",
    "Branding",
    "Quality",
    "Assurance",
    "Mobility",
    "Accounts",
    "Data",
    "Creative",
    "Configuration",
    "Accountability",
    "Interactions",
    "Factors",
    "Usability",
    "Metrics",
)
JOB_POSITION = (
    "Supervisor",
    "Associate",
    "Executive",
    "Liaison",
    "Officer",
    "Manager",
    "Engineer",
    "Specialist",
    "Director",
    "Coordinator",
    "Administrator",
    "Architect",
    "Analyst",
    "Designer",
    "Planner",
    "Orchestrator",
    "Technician",
    "Developer",
    "Producer",
    "Consultant",
    "Assistant",
    "Facilitator",
    "Agent",
    "Representative",
    "Strategist",
)
RFC_STATUS_CODES = (
    100,
    101,
    102,
    103,
    200,
    201,
    202,
    203,
    204,
    205,
    206,
    207,
    208,
    226,
    300,
    301,
    302,
    303,
    304,
    305,
    307,
    308,
    400,
    401,
    402,
    403,
    404,
    405,
    406,
    407,
    408,
    409,
    410,
    411,
    412,
    413,
    414,
    415,
    416,
    417,
    418,
    421,
    422,
    423,
    424,
    425,
    426,
    428,
    429,
    431,
    451,
    500,
    501,
    502,
    503,
    504,
    505,
    506,
    507,
    508,
    510,
    511,
)
ISIN_COUNTRIES = ("US", "BR", "GB", "DE", "FR", "JP", "CA", "CH", "NL", "AU", "LU", "IE")
PT_DOMAIN_SUFFIXES = (
    ("com.br", 70),
    ("net.br", 8),
    ("org.br", 8),
    ("app.br", 5),
    ("dev.br", 5),
    ("art.br", 4),
)
PT_STREET_SUFFIXES = ("Av.", "Avenida", "R.", "Rua", "Travessa", "Largo")
PT_NAME_SUFFIXES = ("Filho", "Neto", "Júnior", "Sobrinho")
EN_PHONE_FORMATS = ("{a}-{e}-{n:04d}", "({a}) {e}-{n:04d}", "1-{a}-{e}-{n:04d}", "{a}.{e}.{n:04d}")


@functools.cache
def latin_words() -> tuple[str, ...]:
    from faker.providers.lorem.la import Provider

    return tuple(Provider.word_list)


def _words(rng: random.Random, k: int) -> list[str]:
    return rng.choices(latin_words(), k=k)


def _sentence(rng: random.Random, words: int) -> str:
    w = _words(rng, max(1, words))
    return " ".join(w).capitalize() + "."


def _between(r, lo: int, hi: int) -> int:
    return lo + int(r() * (hi - lo + 1))


# --- the upstream catalog: ID -> (params, build(locale, params) -> Draw) ---------------------

LOCAL_DATE = {"en_US": "%Y-%m-%d", "pt_BR": "%d/%m/%Y"}
LOCAL_DATETIME = {"en_US": "%Y-%m-%dT%H:%M:%S+00:00", "pt_BR": "%d/%m/%YT%H:%M:%S+0000"}
_RANGE_START = dt.datetime(1990, 1, 1)
_RANGE_SECONDS = int((dt.datetime(2030, 12, 31, 23, 59, 59) - _RANGE_START).total_seconds())


def _datetimes(lo: dt.datetime, seconds: int) -> Callable[[random.Random, int], list]:
    td = dt.timedelta
    return lambda rng, n: [lo + td(0, int(rng.random() * (seconds + 1))) for _ in range(n)]


def _fmt(draw: Callable, fmt: str) -> Draw:
    return lambda rng, n: [v.strftime(fmt) for v in draw(rng, n)]


def _geohash(precision: int) -> Draw:
    alphabet = "0123456789bcdefghjkmnpqrstuvwxyz"

    def encode(lat: float, lon: float) -> str:
        lat_lo, lat_hi, lon_lo, lon_hi = -90.0, 90.0, -180.0, 180.0
        bits, bit, even = 0, 0, True
        out: list[str] = []
        while len(out) < precision:
            if even:
                mid = (lon_lo + lon_hi) / 2
                if lon > mid:
                    bits, lon_lo = (bits << 1) | 1, mid
                else:
                    bits, lon_hi = bits << 1, mid
            else:
                mid = (lat_lo + lat_hi) / 2
                if lat > mid:
                    bits, lat_lo = (bits << 1) | 1, mid
                else:
                    bits, lat_hi = bits << 1, mid
            even = not even
            bit += 1
            if bit == 5:
                out.append(alphabet[bits])
                bits, bit = 0, 0
        return "".join(out)

    return lambda rng, n: [encode(rng.random() * 180 - 90, rng.random() * 360 - 180) for _ in range(n)]


def _isin(rng: random.Random, n: int) -> list[str]:
    chars = string.ascii_uppercase + string.digits
    out = []
    for cc in rng.choices(ISIN_COUNTRIES, k=n):
        body = cc + "".join(rng.choices(chars, k=9))
        digits = "".join(str(int(c, 36)) for c in body)
        total = 0
        for k, c in enumerate(reversed(digits)):  # Luhn, doubling from the rightmost digit
            d = int(c) * (2 if k % 2 == 0 else 1)
            total += d - 9 if d > 9 else d
        out.append(f"{body}{(10 - total % 10) % 10}")
    return out


def _semver(kind: str) -> Draw:
    def draw(rng: random.Random, n: int) -> list:
        r = rng.random
        out = []
        for _ in range(n):
            v = f"{int(r() * 10)}.{int(r() * 20)}.{int(r() * 30)}"
            if kind == "unstable" or (kind == "any" and r() < 0.3):
                v += f"-{rng.choice(('alpha', 'beta', 'rc'))}.{1 + int(r() * 9)}"
            out.append(v)
        return out

    return draw


def _br_locations(rng: random.Random, n: int) -> list:
    pool = br.places().pool
    return rng.choices(pool, k=n)


def _br_ceps(rng: random.Random, n: int) -> list[str]:
    return [f"{c // 1000:05d}-{c % 1000:03d}" for c in br._ceps(_br_locations(rng, n), rng.random)]


def _br_phones(cell: bool) -> Draw:
    def draw(rng: random.Random, n: int) -> list:
        r = rng.random
        out = []
        for _, _, ddd in _br_locations(rng, n):
            if cell:
                out.append(f"({ddd}) 9{_between(r, 6000, 9999)}-{int(r() * 10000):04d}")
            else:
                out.append(f"({ddd}) {_between(r, 2, 4)}{int(r() * 1000):03d}-{int(r() * 10000):04d}")
        return out

    return draw


def _en_phones(rng: random.Random, n: int) -> list[str]:
    """NANP numbers: area code and exchange start with 2-9."""
    r = rng.random
    out = []
    for f in rng.choices(EN_PHONE_FORMATS, k=n):
        area, exchange = _between(r, 200, 999), _between(r, 200, 999)
        out.append(f.format(a=area, e=exchange, n=int(r() * 10000)))
    return out


def _names(locale: str, with_title: bool = False) -> Draw:
    def draw(rng: random.Random, n: int) -> list:
        fake = bind(faker_for(locale), rng)
        if with_title:  # title and first name of the same gender
            r = rng.random
            return [
                f"{fake.prefix_female()} {fake.first_name_female()} {fake.last_name()}"
                if r() < 0.5
                else f"{fake.prefix_male()} {fake.first_name_male()} {fake.last_name()}"
                for _ in range(n)
            ]
        return [f"{fake.first_name()} {fake.last_name()}" for _ in range(n)]

    return draw


def _company_words(attr: str, index: int) -> Draw:
    from faker.providers.company import Provider

    return _pick(getattr(Provider, attr)[index])


def _lorem_join(unit: Callable[[random.Random], str], sep: str, lo: int, hi: int) -> Draw:
    return lambda rng, n: [sep.join(unit(rng) for _ in range(_between(rng.random, lo, hi))) for _ in range(n)]


def _words_between(lo: int, hi: int) -> Callable[[random.Random], str]:
    return lambda rng: " ".join(_words(rng, _between(rng.random, lo, hi)))


def _sentence_between(lo: int, hi: int) -> Callable[[random.Random], str]:
    return lambda rng: _sentence(rng, _between(rng.random, lo, hi))


def _markdown_link(rng: random.Random, n: int) -> list[str]:
    return [f"[{w}](https://{u})" for w, u in zip(_words(rng, n), _words(rng, n), strict=True)]


def _password(lo: int, hi: int) -> Draw:
    def draw(rng: random.Random, n: int) -> list:
        fake = bind(faker_for("en_US"), rng)
        r = rng.random
        return [fake.password(length=_between(r, lo, hi)) for _ in range(n)]

    return draw


def _p(name: str, type_: type, default: Any = None, required: bool = False, **kw: Any) -> Param:
    return Param(name, type_, default=default, required=required, **kw)


MIN_MAX_WORDS = lambda lo, hi: (_p("min_words", int, lo, min=1), _p("max_words", int, hi, min=1))  # noqa: E731
MIN_MAX_SENTENCES = lambda lo, hi: (_p("min_sentences", int, lo, min=1), _p("max_sentences", int, hi, min=1))  # noqa: E731, E501
MIN_MAX_ITEMS = lambda lo, hi: (_p("min_items", int, lo, min=1), _p("max_items", int, hi, min=1))  # noqa: E731
SPAN_DAYS = _p("max_days", int, 365, min=1, doc="how far from the bound (days)")


def _after(p: dict, loc: str) -> Draw:
    lo = parse_timestamp(p["after"], "after") + dt.timedelta(seconds=1)
    return _fmt(_datetimes(lo, p["max_days"] * 86400 - 1), LOCAL_DATETIME[loc])


def _before(p: dict, loc: str) -> Draw:
    hi = parse_timestamp(p["before"], "before")
    return _fmt(
        _datetimes(hi - dt.timedelta(days=p["max_days"]), p["max_days"] * 86400 - 1), LOCAL_DATETIME[loc]
    )


def _between_dt(p: dict, loc: str) -> Draw:
    lo, hi = parse_timestamp(p["start"], "start"), parse_timestamp(p["end"], "end")
    check_order({"start": lo, "end": hi}, "start", "end")
    return _fmt(_datetimes(lo, int((hi - lo).total_seconds())), LOCAL_DATETIME[loc])


def _by_locale(en: Draw, pt: Draw) -> Callable[[str, dict], Draw]:
    return lambda loc, p: pt if loc == "pt_BR" else en


def _same(draw_for: Callable[[str], Draw]) -> Callable[[str, dict], Draw]:
    return lambda loc, p: draw_for(loc)


def _time_ids(module: str) -> dict:
    """chrono.* and time.* behave the same (fake-rs has both features)."""
    base = f"faker.{module}.raw."
    return {
        base + "Date": ((), lambda loc, p: _fmt(_datetimes(_RANGE_START, _RANGE_SECONDS), LOCAL_DATE[loc])),
        base + "DateTime": (
            (),
            lambda loc, p: _fmt(_datetimes(_RANGE_START, _RANGE_SECONDS), LOCAL_DATETIME[loc]),
        ),
        base + "Time": ((), lambda loc, p: _fmt(_datetimes(_RANGE_START, 86399), "%H:%M:%S")),
        base + "Duration": (
            (),
            lambda loc, p: lambda rng, n: [str(int(rng.random() * 30 * 86400)) for _ in range(n)],
        ),
        base + "DateTimeAfter": (
            (_p("after", str, required=True, doc="a timestamp"), SPAN_DAYS),
            lambda loc, p: _after(p, loc),
        ),
        base + "DateTimeBefore": (
            (_p("before", str, required=True, doc="a timestamp"), SPAN_DAYS),
            lambda loc, p: _before(p, loc),
        ),
        base + "DateTimeBetween": (
            (
                _p("start", str, required=True, doc="a timestamp"),
                _p("end", str, required=True, doc="a timestamp"),
            ),
            lambda loc, p: _between_dt(p, loc),
        ),
    }


def _m(method: str, pt: Draw | None = None, en_only: bool = False) -> Callable[[str, dict], Draw]:
    """A Python Faker method in the column's locale (``en_only``: English for both, as
    fake-rs; ``pt``: a Brazilian replacement)."""

    def build(loc: str, p: dict) -> Draw:
        if loc == "pt_BR" and pt is not None:
            return pt
        return _method_draw("en_US" if en_only else loc, method)

    return build


def _chars(fmt: Callable[[random.Random], str]) -> Draw:
    return lambda rng, n: [fmt(rng) for _ in range(n)]


def _hsl(alpha: bool) -> Draw:
    def one(rng: random.Random) -> str:
        r = rng.random
        h, s, lum = int(r() * 360), int(r() * 101), int(r() * 101)
        return f"hsla({h}, {s}%, {lum}%, {r():.2f})" if alpha else f"hsl({h}, {s}%, {lum}%)"

    return _chars(one)


def _rgba(rng: random.Random) -> str:
    r = rng.random
    return f"rgba({int(r() * 256)},{int(r() * 256)},{int(r() * 256)},{r():.2f})"


def _currency_code(loc: str, p: dict) -> Draw:
    draw = _method_draw(loc, "currency_code")
    if loc != "pt_BR":
        return draw

    def pt(rng: random.Random, n: int) -> list:  # Brazilian data is mostly in reais
        other = draw(rng, n)
        r = rng.random
        return ["BRL" if r() < 0.7 else o for o in other]

    return pt


def _dir_path(loc: str, p: dict) -> Draw:
    def draw(rng: random.Random, n: int) -> list:
        fake = bind(faker_for(loc), rng)
        return [os.path.dirname(fake.file_path(depth=_between(rng.random, 1, 3))) for _ in range(n)]

    return draw


def _file_path(loc: str, p: dict) -> Draw:
    def draw(rng: random.Random, n: int) -> list:
        fake = bind(faker_for(loc), rng)
        return [fake.file_path(depth=_between(rng.random, 1, 3)) for _ in range(n)]

    return draw


def _isbn(loc: str, p: dict) -> Draw:
    def draw(rng: random.Random, n: int) -> list:
        fake = bind(faker_for(loc), rng)
        r = rng.random
        return [fake.isbn13() if r() < 0.5 else fake.isbn10() for _ in range(n)]

    return draw


def _ip_any(loc: str, p: dict) -> Draw:
    def draw(rng: random.Random, n: int) -> list:
        fake = bind(faker_for(loc), rng)
        r = rng.random
        return [fake.ipv4() if r() < 0.5 else fake.ipv6() for _ in range(n)]

    return draw


def _job_title(loc: str, p: dict) -> Draw:
    if loc == "pt_BR":
        v = br.business().vocab
        return _pick(f"{lvl} {area}" for lvl in v["job_levels"] for area in v["job_areas"])

    def draw(rng: random.Random, n: int) -> list:
        return [
            f"{s} {f} {q}"
            for s, f, q in zip(
                rng.choices(JOB_SENIORITY, k=n),
                rng.choices(JOB_FIELD, k=n),
                rng.choices(JOB_POSITION, k=n),
                strict=True,
            )
        ]

    return draw


def _block_quote_multi(p: dict) -> Draw:
    lo, hi = p["min_lines"], p["max_lines"]
    return lambda rng, n: [
        "\n".join(
            f"> {_sentence(rng, _between(rng.random, 3, 8))}" for _ in range(_between(rng.random, lo, hi))
        )
        for _ in range(n)
    ]


def _listing(p: dict, numbered: bool) -> Draw:
    lo, hi = p["min_items"], p["max_items"]

    def one(rng: random.Random) -> str:
        items = [
            " ".join(_words(rng, _between(rng.random, 1, 3))) for _ in range(_between(rng.random, lo, hi))
        ]
        if numbered:
            return "\n".join(f"{k}. {w}" for k, w in enumerate(items, 1))
        return "\n".join(f"- {w}" for w in items)

    return _chars(one)


def _code(p: dict) -> Draw:
    lo, hi = p["min_lines"], p["max_lines"]

    def one(rng: random.Random) -> str:
        r = rng.random
        lines = [
            f"let {a} = {b}({int(r() * 100)});"
            for a, b in (_words(rng, 2) for _ in range(_between(r, lo, hi)))
        ]
        return "```\n" + "\n".join(lines) + "\n```"

    return _chars(one)


def _ranged(p: dict, low: str, high: str) -> tuple[int, int]:
    check_order(p, low, high)
    return p[low], p[high]


RAW: dict[str, tuple[tuple[Param, ...], Callable[[str, dict], Draw] | None]] = {
    # address (18)
    "faker.address.raw.BuildingNumber": ((), _m("building_number")),
    "faker.address.raw.CityName": (
        (),
        _m("city", pt=lambda rng, n: [c for _, c, _ in _br_locations(rng, n)]),
    ),
    "faker.address.raw.CityPrefix": ((), _m("city_prefix", en_only=True)),
    "faker.address.raw.CitySuffix": ((), _m("city_suffix", en_only=True)),
    "faker.address.raw.CountryCode": ((), _m("country_code")),
    "faker.address.raw.CountryName": ((), _m("country")),
    "faker.address.raw.Geohash": (
        (_p("precision", int, 8, min=1, max=12),),
        lambda loc, p: _geohash(p["precision"]),
    ),
    "faker.address.raw.Latitude": (
        (),
        _same(lambda loc: lambda rng, n: [f"{rng.random() * 180 - 90:.6f}" for _ in range(n)]),
    ),
    "faker.address.raw.Longitude": (
        (),
        _same(lambda loc: lambda rng, n: [f"{rng.random() * 360 - 180:.6f}" for _ in range(n)]),
    ),
    "faker.address.raw.PostCode": ((), _m("postcode", pt=_br_ceps)),
    "faker.address.raw.SecondaryAddress": (
        (),
        _m(
            "secondary_address",
            pt=lambda rng, n: [
                f"{t} {_between(rng.random, 1, 1200)}"
                for t in rng.choices(("Apto.", "Apto.", "Sala", "Casa", "Conjunto", "Loja"), k=n)
            ],
        ),
    ),
    "faker.address.raw.SecondaryAddressType": (
        (),
        _by_locale(_pick(("Apt.", "Suite")), _pick(("Apto.", "Sala", "Casa", "Conjunto", "Loja", "Bloco"))),
    ),
    "faker.address.raw.StateAbbr": (
        (),
        _m("state_abbr", pt=lambda rng, n: [u for u, _, _ in _br_locations(rng, n)]),
    ),
    "faker.address.raw.StateName": (
        (),
        _m("state", pt=lambda rng, n: [br.places().uf_names[u] for u, _, _ in _br_locations(rng, n)]),
    ),
    "faker.address.raw.StreetName": ((), _m("street_name", pt=br.street_names)),
    "faker.address.raw.StreetSuffix": ((), _m("street_suffix", pt=_pick(PT_STREET_SUFFIXES))),
    "faker.address.raw.TimeZone": ((), _m("timezone")),
    "faker.address.raw.ZipCode": ((), _m("zipcode", pt=_br_ceps)),
    # barcode (3)
    "faker.barcode.raw.Isbn": ((), _isbn),
    "faker.barcode.raw.Isbn10": ((), _m("isbn10")),
    "faker.barcode.raw.Isbn13": ((), _m("isbn13")),
    # boolean (1)
    "faker.boolean.raw.Boolean": (
        (_p("ratio", int, 50, min=0, max=100, doc="percentage of true"),),
        lambda loc, p: (
            lambda rng, n: ["true" if rng.random() * 100 < p["ratio"] else "false" for _ in range(n)]
        ),
    ),
    # chrono (7) and time (7)
    **_time_ids("chrono"),
    **_time_ids("time"),
    # color (6)
    "faker.color.raw.Color": ((), _m("color_name")),
    "faker.color.raw.HexColor": ((), _m("hex_color")),
    "faker.color.raw.HslColor": ((), _same(lambda loc: _hsl(False))),
    "faker.color.raw.HslaColor": ((), _same(lambda loc: _hsl(True))),
    "faker.color.raw.RgbColor": ((), _m("rgb_css_color")),
    "faker.color.raw.RgbaColor": ((), _same(lambda loc: _chars(_rgba))),
    # company (12)
    "faker.company.raw.Bs": ((), _m("bs")),
    "faker.company.raw.BsAdj": ((), _same(lambda loc: _company_words("bsWords", 1))),
    "faker.company.raw.BsNoun": ((), _same(lambda loc: _company_words("bsWords", 2))),
    "faker.company.raw.BsVerb": ((), _same(lambda loc: _company_words("bsWords", 0))),
    "faker.company.raw.Buzzword": ((), _same(lambda loc: _company_words("catch_phrase_words", 0))),
    "faker.company.raw.BuzzwordMiddle": ((), _same(lambda loc: _company_words("catch_phrase_words", 1))),
    "faker.company.raw.BuzzwordTail": ((), _same(lambda loc: _company_words("catch_phrase_words", 2))),
    "faker.company.raw.CatchPhrase": ((), _m("catch_phrase")),
    "faker.company.raw.CompanyName": ((), _m("company")),
    "faker.company.raw.CompanySuffix": ((), _m("company_suffix")),
    "faker.company.raw.Industry": ((), _by_locale(_pick(INDUSTRIES_EN), _pick(INDUSTRIES_PT))),
    "faker.company.raw.Profession": ((), _by_locale(_pick(PROFESSIONS_EN), _pick(PROFESSIONS_PT))),
    # creditcard (1), currency (3)
    "faker.creditcard.raw.CreditCardNumber": ((), _m("credit_card_number")),
    "faker.currency.raw.CurrencyCode": ((), _currency_code),
    "faker.currency.raw.CurrencyName": ((), _m("currency_name")),
    "faker.currency.raw.CurrencySymbol": ((), _m("currency_symbol")),
    # filesystem (8)
    "faker.filesystem.raw.DirPath": ((), _dir_path),
    "faker.filesystem.raw.FileExtension": ((), _m("file_extension")),
    "faker.filesystem.raw.FileName": ((), _m("file_name")),
    "faker.filesystem.raw.FilePath": ((), _file_path),
    "faker.filesystem.raw.MimeType": ((), _m("mime_type")),
    "faker.filesystem.raw.Semver": ((), _same(lambda loc: _semver("any"))),
    "faker.filesystem.raw.SemverStable": ((), _same(lambda loc: _semver("stable"))),
    "faker.filesystem.raw.SemverUnstable": ((), _same(lambda loc: _semver("unstable"))),
    # finance (2), http (2)
    "faker.finance.raw.Bic": ((), _m("swift")),
    "faker.finance.raw.Isin": ((), _same(lambda loc: _isin)),
    "faker.http.raw.RfcStatusCode": ((), _same(lambda loc: _pick(str(c) for c in RFC_STATUS_CODES))),
    "faker.http.raw.ValidStatusCode": (
        (),
        _same(lambda loc: lambda rng, n: [str(100 + int(rng.random() * 500)) for _ in range(n)]),
    ),
    # internet (11)
    "faker.internet.raw.DomainSuffix": ((), _m("tld", pt=_pick(weighted_pool(PT_DOMAIN_SUFFIXES, 100)))),
    "faker.internet.raw.FreeEmail": ((), _m("free_email")),
    "faker.internet.raw.FreeEmailProvider": ((), _m("free_email_domain")),
    "faker.internet.raw.IP": ((), _ip_any),
    "faker.internet.raw.IPv4": ((), _m("ipv4")),
    "faker.internet.raw.IPv6": ((), _m("ipv6")),
    "faker.internet.raw.MACAddress": ((), _m("mac_address")),
    "faker.internet.raw.Password": ((), None),  # built in faker_raw: min_len/max_len shape it
    "faker.internet.raw.SafeEmail": ((), _m("safe_email")),
    "faker.internet.raw.UserAgent": ((), _m("user_agent")),
    "faker.internet.raw.Username": ((), _m("user_name")),
    # job (4)
    "faker.job.raw.Field": ((), _same(lambda loc: _pick(JOB_FIELD))),
    "faker.job.raw.Position": ((), _same(lambda loc: _pick(JOB_POSITION))),
    "faker.job.raw.Seniority": ((), _same(lambda loc: _pick(JOB_SENIORITY))),
    "faker.job.raw.Title": ((), _job_title),
    # lorem (6)
    "faker.lorem.raw.Word": ((), _same(lambda loc: _words)),
    "faker.lorem.raw.Words": (
        MIN_MAX_WORDS(3, 8),
        lambda loc, p: _chars(_words_between(*_ranged(p, "min_words", "max_words"))),
    ),
    "faker.lorem.raw.Sentence": (
        MIN_MAX_WORDS(4, 12),
        lambda loc, p: _chars(_sentence_between(*_ranged(p, "min_words", "max_words"))),
    ),
    "faker.lorem.raw.Sentences": (
        MIN_MAX_SENTENCES(2, 5),
        lambda loc, p: _lorem_join(
            _sentence_between(4, 12), " ", *_ranged(p, "min_sentences", "max_sentences")
        ),
    ),
    "faker.lorem.raw.Paragraph": (
        MIN_MAX_SENTENCES(3, 7),
        lambda loc, p: _lorem_join(
            _sentence_between(4, 12), " ", *_ranged(p, "min_sentences", "max_sentences")
        ),
    ),
    "faker.lorem.raw.Paragraphs": (
        (_p("min_paragraphs", int, 2, min=1), _p("max_paragraphs", int, 4, min=1)),
        lambda loc, p: _lorem_join(
            lambda rng: " ".join(_sentence_between(4, 12)(rng) for _ in range(_between(rng.random, 3, 7))),
            "\n\n",
            *_ranged(p, "min_paragraphs", "max_paragraphs"),
        ),
    ),
    # markdown (8)
    "faker.markdown.raw.BlockQuoteMultiLine": (
        (_p("min_lines", int, 2, min=1), _p("max_lines", int, 4, min=1)),
        lambda loc, p: _block_quote_multi(
            {"min_lines": _ranged(p, "min_lines", "max_lines")[0], "max_lines": p["max_lines"]}
        ),
    ),
    "faker.markdown.raw.BlockQuoteSingleLine": (
        MIN_MAX_WORDS(3, 8),
        lambda loc, p: _chars(lambda rng: "> " + _words_between(*_ranged(p, "min_words", "max_words"))(rng)),
    ),
    "faker.markdown.raw.BoldWord": (
        (),
        _same(lambda loc: lambda rng, n: [f"**{w}**" for w in _words(rng, n)]),
    ),
    "faker.markdown.raw.BulletPoints": (
        MIN_MAX_ITEMS(2, 5),
        lambda loc, p: _listing(
            {"min_items": _ranged(p, "min_items", "max_items")[0], "max_items": p["max_items"]}, False
        ),
    ),
    "faker.markdown.raw.Code": (
        (_p("min_lines", int, 1, min=1), _p("max_lines", int, 5, min=1)),
        lambda loc, p: _code(
            {"min_lines": _ranged(p, "min_lines", "max_lines")[0], "max_lines": p["max_lines"]}
        ),
    ),
    "faker.markdown.raw.ItalicWord": (
        (),
        _same(lambda loc: lambda rng, n: [f"*{w}*" for w in _words(rng, n)]),
    ),
    "faker.markdown.raw.Link": ((), _same(lambda loc: _markdown_link)),
    "faker.markdown.raw.ListItems": (
        MIN_MAX_ITEMS(2, 5),
        lambda loc, p: _listing(
            {"min_items": _ranged(p, "min_items", "max_items")[0], "max_items": p["max_items"]}, True
        ),
    ),
    # name (6)
    "faker.name.raw.FirstName": ((), _m("first_name")),
    "faker.name.raw.LastName": ((), _m("last_name")),
    "faker.name.raw.Name": ((), lambda loc, p: _names(loc)),
    "faker.name.raw.NameWithTitle": ((), lambda loc, p: _names(loc, with_title=True)),
    "faker.name.raw.Suffix": ((), _m("suffix", pt=_pick(PT_NAME_SUFFIXES))),
    "faker.name.raw.Title": ((), _m("prefix")),
    # number (1), phone_number (2)
    "faker.number.raw.Digit": ((), _same(lambda loc: _pick(string.digits))),
    "faker.phone_number.raw.CellNumber": ((), _by_locale(_en_phones, _br_phones(cell=True))),
    "faker.phone_number.raw.PhoneNumber": ((), _by_locale(_en_phones, _br_phones(cell=False))),
}

PARAMETERIZED = (
    "faker.address.raw.Geohash",
    "faker.boolean.raw.Boolean",
    "faker.chrono.raw.DateTimeAfter",
    "faker.chrono.raw.DateTimeBefore",
    "faker.chrono.raw.DateTimeBetween",
    "faker.internet.raw.Password",
    "faker.lorem.raw.Paragraph",
    "faker.lorem.raw.Paragraphs",
    "faker.lorem.raw.Sentence",
    "faker.lorem.raw.Sentences",
    "faker.lorem.raw.Words",
    "faker.markdown.raw.BlockQuoteMultiLine",
    "faker.markdown.raw.BlockQuoteSingleLine",
    "faker.markdown.raw.BulletPoints",
    "faker.markdown.raw.Code",
    "faker.markdown.raw.ListItems",
    "faker.time.raw.DateTimeAfter",
    "faker.time.raw.DateTimeBefore",
    "faker.time.raw.DateTimeBetween",
)
"""The 19 IDs upstream rejected ("requires params"): each works here, with the params of
its entry in RAW (all optional except the bounds of DateTimeAfter/Before/Between)."""

CHECKED = (
    Param("min_len", int, min=0, doc="values must be at least this long (checked)"),
    Param(
        "max_len",
        int,
        min=0,
        doc="values must be at most this long (checked; the column's max length truncates instead)",
    ),
    Param("pattern", str, doc="values must fully match this regex (checked)"),
    Param("charset", str, doc="values may only use these characters (checked)"),
    Param("allow_empty", bool, default=False, doc="accept empty values"),
)
"""Upstream's faker params: they do not shape the output (except Password's lengths) but are
checked afterwards; a value that fails is drawn again, then the run stops with an error."""

_EXAMPLES = {
    "faker.chrono.raw.DateTimeAfter": {"after": "2024-01-01T00:00:00"},
    "faker.time.raw.DateTimeAfter": {"after": "2024-01-01T00:00:00"},
    "faker.chrono.raw.DateTimeBefore": {"before": "2024-01-01T00:00:00"},
    "faker.time.raw.DateTimeBefore": {"before": "2024-01-01T00:00:00"},
    "faker.chrono.raw.DateTimeBetween": {"start": "2024-01-01T00:00:00", "end": "2024-12-31T23:59:59"},
    "faker.time.raw.DateTimeBetween": {"start": "2024-01-01T00:00:00", "end": "2024-12-31T23:59:59"},
}
_TAGS = {
    "faker.name": ("pii.name",),
    "faker.internet.raw.SafeEmail": ("pii.email",),
    "faker.internet.raw.FreeEmail": ("pii.email",),
    "faker.phone_number": ("pii.phone",),
    "faker.address.raw.StreetName": ("pii.address",),
    "faker.internet.raw.IP": ("pii.network",),
}
UNIQUE_EMAILS = {
    "faker.internet.raw.SafeEmail": "safe",
    "faker.internet.raw.FreeEmail": "free",
}


def _checker(col: ColumnInfo, gen_id: str, params: dict) -> Callable[[Any], bool] | None:
    lo, hi, pattern = params.get("min_len"), params.get("max_len"), params.get("pattern")
    charset, allow_empty = params.get("charset"), params.get("allow_empty", False)
    check_order(params, "min_len", "max_len")
    if hi is not None and col.max_length is not None and hi > col.max_length:
        raise ParamError(
            f"param 'max_len' ({hi}) exceeds the column's maximum length {col.max_length}", path="max_len"
        )
    if charset is not None and not charset:
        raise ParamError("param 'charset' must not be empty", path="charset")
    try:
        regex = re.compile(pattern) if pattern is not None else None
    except re.error as exc:
        raise ParamError(f"param 'pattern': invalid regex: {exc}", path="pattern") from None
    allowed = set(expand_charset(charset)) if charset else None
    if lo is None and hi is None and regex is None and allowed is None:
        return None

    def ok(v: Any) -> bool:
        s = v if isinstance(v, str) else str(v)
        if not s:
            return allow_empty
        return (
            (lo is None or len(s) >= lo)
            and (hi is None or len(s) <= hi)
            and (regex is None or regex.fullmatch(s) is not None)
            and (allowed is None or set(s) <= allowed)
        )

    return ok


def _checked(
    col: ColumnInfo, gen_id: str, draw: Draw, ok: Callable[[Any], bool] | None, limit: int | None
) -> BatchFn:
    """Run ``draw`` on the block (clock frozen), fit to the column, re-draw failing values."""
    reference = today(col)

    def gen(b: Batch) -> list:
        rng = b.rng
        with frozen_clock(reference):
            values = fit_all(draw(rng, b.n), limit)
            if ok is not None:
                for k, v in enumerate(values):
                    tries = 0
                    while not ok(v):
                        tries += 1
                        if tries > 50:
                            raise GenerationError(
                                f"{col.qualified}: {gen_id} gave no value passing its "
                                f"min_len/max_len/pattern/charset params in 50 draws "
                                f"(row {b.start + k + 1}, last {v!r})"
                            )
                        v = fit_all(draw(rng, 1), limit)[0]
                    values[k] = v
        return values

    return gen


def _email_names(locale: str) -> tuple[list[str], list[str]]:
    from faker.providers.person.en_US import Provider as EnUs
    from faker.providers.person.pt_BR import Provider as PtBr

    provider = PtBr if locale == "pt_BR" else EnUs
    firsts = [w for w in ascii_words(provider.first_names) if w]
    lasts = [w for w in ascii_words(provider.last_names) if w]
    return firsts, lasts


def _email_domains(locale: str, kind: str) -> list[str]:
    from faker.providers.internet import Provider as Base

    if kind == "safe":
        return list(Base.safe_domain_names)
    if locale == "pt_BR":
        from faker.providers.internet.pt_BR import Provider as PtBr

        return list(PtBr.free_email_domains)
    from faker.providers.internet.en_US import Provider as EnUs

    return list(getattr(EnUs, "free_email_domains", Base.free_email_domains))


def _raw_factory(gen_id: str, build: Callable[[str, dict], Draw] | None) -> Callable:
    def factory(col: ColumnInfo, params: dict) -> BatchFn:
        loc = check_locale(col)
        ok = _checker(col, gen_id, params)
        if gen_id in UNIQUE_EMAILS and col.unique:
            firsts, lasts = _email_names(loc)
            domains = _email_domains(loc, UNIQUE_EMAILS[gen_id])
            emails = br.email_fn(col, gen_id, firsts, lasts, domains)
            if ok is None:
                return emails

            def checked_emails(b: Batch) -> list:  # a redraw would lose the row's token
                values = emails(b)
                bad = next((v for v in values if not ok(v)), None)
                if bad is not None:
                    raise GenerationError(
                        f"{col.qualified}: {gen_id} value {bad!r} fails its "
                        "min_len/max_len/pattern/charset params"
                    )
                return values

            return checked_emails
        if build is None:  # Password: lengths come from min_len/max_len
            lo = params["min_len"] if params["min_len"] is not None else 8
            hi = params["max_len"] if params["max_len"] is not None else max(lo, 16)
            draw = _password(max(lo, 4), hi)
        else:
            draw = build(loc, params)
        return _checked(col, gen_id, draw, ok, col.max_length)

    return factory


def _register_raw() -> None:
    for gen_id, (extra, build) in RAW.items():
        tags = next((t for prefix, t in _TAGS.items() if gen_id.startswith(prefix)), ())
        module, struct = gen_id.split(".")[1], gen_id.rsplit(".", 1)[1]
        generator(
            gen_id,
            kinds=TEXT,
            params=(*CHECKED, *extra),
            strict=True,
            unique=gen_id in UNIQUE_EMAILS,
            tags=tags,
            description=f"fake-rs {module}::{struct} via Python Faker"
            + (" (params now supported)" if gen_id in PARAMETERIZED else ""),
            example_params=_EXAMPLES.get(gen_id),
        )(_raw_factory(gen_id, build))


_register_raw()


# --- any Python Faker method: faker.<method> ------------------------------------------------

FAKER_METHODS = (
    "aba",
    "address",
    "administrative_unit",
    "am_pm",
    "android_platform_token",
    "ascii_company_email",
    "ascii_email",
    "ascii_free_email",
    "ascii_safe_email",
    "bairro",
    "bank",
    "bank_country",
    "basic_phone_number",
    "bban",
    "binary",
    "boolean",
    "bothify",
    "bs",
    "building_number",
    "catch_phrase",
    "catch_phrase_attribute",
    "catch_phrase_noun",
    "catch_phrase_verb",
    "cellphone_number",
    "century",
    "chrome",
    "cin",
    "city",
    "city_prefix",
    "city_suffix",
    "cnpj",
    "color",
    "color_hsl",
    "color_hsv",
    "color_name",
    "color_rgb",
    "color_rgb_float",
    "company",
    "company_email",
    "company_id",
    "company_suffix",
    "coordinate",
    "country",
    "country_calling_code",
    "country_code",
    "cpf",
    "credit_card_expire",
    "credit_card_full",
    "credit_card_number",
    "credit_card_provider",
    "credit_card_security_code",
    "cryptocurrency",
    "cryptocurrency_code",
    "cryptocurrency_name",
    "csv",
    "currency",
    "currency_code",
    "currency_name",
    "currency_symbol",
    "current_country",
    "current_country_code",
    "date",
    "date_between",
    "date_between_dates",
    "date_object",
    "date_of_birth",
    "date_this_century",
    "date_this_decade",
    "date_this_month",
    "date_this_year",
    "date_time",
    "date_time_ad",
    "date_time_between",
    "date_time_between_dates",
    "date_time_this_century",
    "date_time_this_decade",
    "date_time_this_month",
    "date_time_this_year",
    "day_of_month",
    "day_of_week",
    "dga",
    "doi",
    "domain_name",
    "domain_word",
    "dsv",
    "ean",
    "ean13",
    "ean8",
    "ein",
    "email",
    "emoji",
    "estado",
    "estado_nome",
    "estado_sigla",
    "file_extension",
    "file_name",
    "file_path",
    "firefox",
    "first_name",
    "first_name_female",
    "first_name_male",
    "first_name_nonbinary",
    "fixed_width",
    "free_email",
    "free_email_domain",
    "future_date",
    "future_datetime",
    "get_words_list",
    "hex_color",
    "hexify",
    "hostname",
    "http_method",
    "http_status_code",
    "iana_id",
    "iban",
    "image_url",
    "internet_explorer",
    "invalid_ssn",
    "ios_platform_token",
    "ipv4",
    "ipv4_network_class",
    "ipv4_private",
    "ipv4_public",
    "ipv6",
    "isbn10",
    "isbn13",
    "iso8601",
    "itin",
    "job",
    "job_female",
    "job_male",
    "json",
    "json_bytes",
    "language_code",
    "language_name",
    "last_name",
    "last_name_female",
    "last_name_male",
    "last_name_nonbinary",
    "latitude",
    "latlng",
    "lexify",
    "license_plate",
    "linux_platform_token",
    "linux_processor",
    "local_latlng",
    "locale",
    "localized_ean",
    "localized_ean13",
    "localized_ean8",
    "location_on_land",
    "longitude",
    "mac_address",
    "mac_platform_token",
    "mac_processor",
    "md5",
    "military_apo",
    "military_dpo",
    "military_ship",
    "military_state",
    "mime_type",
    "month",
    "month_name",
    "msisdn",
    "name",
    "name_female",
    "name_male",
    "name_nonbinary",
    "neighborhood",
    "nic_handle",
    "nic_handles",
    "null_boolean",
    "numerify",
    "opera",
    "paragraph",
    "paragraphs",
    "passport_dob",
    "passport_gender",
    "passport_number",
    "passport_owner",
    "password",
    "past_date",
    "past_datetime",
    "phone_number",
    "port_number",
    "postalcode",
    "postalcode_in_state",
    "postalcode_plus4",
    "postcode",
    "postcode_in_state",
    "prefix",
    "prefix_female",
    "prefix_male",
    "prefix_nonbinary",
    "pricetag",
    "profile",
    "psv",
    "pybool",
    "pydecimal",
    "pydict",
    "pyfloat",
    "pyint",
    "pyiterable",
    "pylist",
    "pyset",
    "pystr",
    "pystr_format",
    "pystruct",
    "pytimezone",
    "pytuple",
    "random_choices",
    "random_digit",
    "random_digit_above_two",
    "random_digit_not_null",
    "random_digit_not_null_or_empty",
    "random_digit_or_empty",
    "random_element",
    "random_elements",
    "random_int",
    "random_letter",
    "random_letters",
    "random_lowercase_letter",
    "random_number",
    "random_sample",
    "random_uppercase_letter",
    "randomize_nb_elements",
    "rg",
    "rgb_color",
    "rgb_css_color",
    "ripe_id",
    "safari",
    "safe_color_name",
    "safe_domain_name",
    "safe_email",
    "safe_hex_color",
    "sbn9",
    "secondary_address",
    "sentence",
    "sentences",
    "service_phone_number",
    "sha1",
    "sha256",
    "simple_profile",
    "slug",
    "ssn",
    "state",
    "state_abbr",
    "street_address",
    "street_name",
    "street_prefix",
    "street_suffix",
    "suffix",
    "suffix_female",
    "suffix_male",
    "suffix_nonbinary",
    "swift",
    "swift11",
    "swift8",
    "tar",
    "text",
    "texts",
    "time",
    "time_delta",
    "time_object",
    "timezone",
    "tld",
    "tsv",
    "unix_device",
    "unix_partition",
    "unix_time",
    "upc_a",
    "upc_e",
    "uri",
    "uri_extension",
    "uri_page",
    "uri_path",
    "url",
    "user_agent",
    "user_name",
    "uuid1",
    "uuid4",
    "uuid7",
    "vin",
    "windows_platform_token",
    "word",
    "words",
    "year",
    "zip",
    "zipcode",
    "zipcode_in_state",
    "zipcode_plus4",
)
"""Public methods of Python Faker's en_US and pt_BR providers (Faker 40), less EXCLUDED."""

EXCLUDED_METHODS = {
    "enum": "needs a Python Enum class",
    "image": "needs Pillow and returns an image file",
    "xml": "needs the xmltodict package",
    "passport_dates": "reads the wall clock (date.today() as a default argument)",
    "passport_full": "reads the wall clock (through passport_dates)",
    "pyobject": "returns arbitrary Python objects",
    "time_series": "returns a generator over the wall clock",
}

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?$")


def _arg(value: Any) -> Any:
    """ISO date strings become dates Faker's date provider accepts (its frozen classes)."""
    if isinstance(value, str):
        if _ISO_DATE.match(value):
            d = dt.date.fromisoformat(value)
            return _FrozenDate(d.year, d.month, d.day)
        if _ISO_DATETIME.match(value):
            t = parse_timestamp(value, "args")
            return _FrozenDatetime(t.year, t.month, t.day, t.hour, t.minute, t.second)
    return value


def plain(value: Any, keep_bytes: bool = False) -> Any:
    """A Faker result as a value the CSV writer knows (str/int/float/bool/date/.../dict/list)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return dt.datetime(
            value.year, value.month, value.day, value.hour, value.minute, value.second, value.microsecond
        )
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    if isinstance(value, dt.time):
        return dt.time(value.hour, value.minute, value.second, value.microsecond)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.timedelta):
        seconds = int(value.total_seconds())
        days, rest = divmod(seconds, 86400)
        return f"{days} days {rest // 3600:02d}:{rest // 60 % 60:02d}:{rest % 60:02d}"
    if isinstance(value, bytes):
        return value if keep_bytes else value.hex()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
        return [_json_ready(v) for v in items]
    return str(value)


def _json_ready(value: Any) -> Any:
    v = plain(value)
    return v.isoformat() if isinstance(v, dt.date | dt.time) else v


def _method_factory(method: str) -> Callable:
    def factory(col: ColumnInfo, params: dict) -> BatchFn:
        loc = check_locale(col)
        fake = faker_for(loc)
        fn = getattr(fake, method, None)
        if fn is None:
            known = [m for m in FAKER_METHODS if hasattr(fake, m)]
            close = difflib.get_close_matches(method, known, n=5)
            hint = f"; close matches: {', '.join('faker.' + c for c in close)}" if close else ""
            raise ParamError(f"Faker has no method {method!r} for locale {loc}{hint}")
        args = [_arg(a) for a in params["args"]]
        kwargs = {k: _arg(v) for k, v in params["kwargs"].items()}
        try:
            inspect.signature(fn).bind(*args, **kwargs)
        except TypeError as exc:
            raise ParamError(f"faker.{method}: {exc}", path="kwargs") from None
        except ValueError:  # no signature available: the trial call below decides
            pass
        reference = today(col)
        try:  # one trial call, so bad arguments fail at validation rather than in a worker
            with frozen_clock(reference):
                bind(fake, random.Random(0))
                fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - any Faker failure is a params problem
            raise ParamError(
                f"faker.{method}({_show_args(params)}) failed: {type(exc).__name__}: {exc}", path="args"
            ) from None
        keep_bytes = col.kind == Kind.BYTEA
        limit = col.max_length

        def gen(b: Batch) -> list:
            bind(fake, b.rng)
            with frozen_clock(reference):
                values = [plain(fn(*args, **kwargs), keep_bytes) for _ in range(b.n)]
            if limit is not None:
                values = [fit_all([v], limit)[0] if isinstance(v, str) else v for v in values]
            return values

        return gen

    return factory


def _show_args(params: dict) -> str:
    parts = [repr(a) for a in params["args"]] + [f"{k}={v!r}" for k, v in params["kwargs"].items()]
    return ", ".join(parts)


METHOD_PARAMS = (
    Param("args", list, default=[], doc="positional arguments of the Faker method"),
    Param(
        "kwargs",
        dict,
        default={},
        doc="keyword arguments of the Faker method; ISO dates ('2024-01-31') become dates",
    ),
)


METHOD_EXAMPLES: dict[str, dict] = {
    "binary": {"kwargs": {"length": 16}},
    "zip": {"kwargs": {"uncompressed_size": 64, "num_files": 2, "min_file_size": 16}},
    "tar": {"kwargs": {"uncompressed_size": 64, "num_files": 2, "min_file_size": 16}},
    "pyint": {"kwargs": {"min_value": 1, "max_value": 10}},
    "date_between": {"kwargs": {"start_date": "-30y", "end_date": "today"}},
    "random_element": {"kwargs": {"elements": ["a", "b", "c"]}},
}
"""Small, typical params for the catalog's examples (binary() defaults to 1 MiB)."""


def _register_methods() -> None:
    for method in FAKER_METHODS:
        generator(
            f"faker.{method}",
            kinds=ANY,
            params=METHOD_PARAMS,
            strict=True,
            description=f"Python Faker's {method}() in the column's locale",
            example_params=METHOD_EXAMPLES.get(method),
        )(_method_factory(method))


_register_methods()
