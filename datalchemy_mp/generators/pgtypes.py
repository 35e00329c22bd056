"""Values for Postgres built-in types that have no richer kind, written in the type's own text
form: geometric, network (macaddr), full text search, ranges and multiranges, bit strings, xml,
oid, pg_lsn, jsonpath, and the extension types hstore and ltree; arrays of any of them (with the
array delimiter of the element type: `;` for box), one level per declared dimension.

`pg.literal` picks the form from the column's SQL type (`data_type`, as format_type prints it);
a type it does not know is an error when the generator is built, never made-up text.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable

from datalchemy_mp.contracts.kinds import LITERAL_TYPES, Kind
from datalchemy_mp.errors import ParamError
from datalchemy_mp.generators.base import Batch, BatchFn, ColumnInfo, Param, generator

Make = Callable[[random.Random], str]

_WORDS = (
    "account active amber archive balance bright canyon cargo center cloud coffee copper data "
    "delta desert engine falcon field forest garden harbor island journey kernel lantern ledger "
    "market meadow metal mountain network ocean orbit packet planet quartz river rocket saddle "
    "signal silver summit table thunder timber valley vector violet window winter yellow zephyr"
).split()


def _num(r: random.Random, lo: float = -100.0, hi: float = 100.0) -> str:
    return f"{round(lo + r.random() * (hi - lo), 2):g}"


def _pt(r: random.Random) -> str:
    return f"({_num(r)},{_num(r)})"


def _point(r: random.Random) -> str:
    return _pt(r)


def _line(r: random.Random) -> str:
    a = _num(r, 1, 10)  # A != 0: a line, never the invalid {0,0,C}
    return f"{{{a},{_num(r)},{_num(r)}}}"


def _lseg(r: random.Random) -> str:
    return f"[{_pt(r)},{_pt(r)}]"


def _box(r: random.Random) -> str:
    return f"{_pt(r)},{_pt(r)}"


def _path(r: random.Random) -> str:
    points = ",".join(_pt(r) for _ in range(2 + int(r.random() * 3)))
    return f"[{points}]" if r.random() < 0.5 else f"({points})"


def _polygon(r: random.Random) -> str:
    return "(" + ",".join(_pt(r) for _ in range(3 + int(r.random() * 3))) + ")"


def _circle(r: random.Random) -> str:
    return f"<{_pt(r)},{_num(r, 0.5, 50)}>"


def _mac(r: random.Random, octets: int) -> str:
    first = int(r.random() * 256) & 0xFC  # unicast, globally administered
    rest = [int(r.random() * 256) for _ in range(octets - 1)]
    return ":".join(f"{b:02x}" for b in [first, *rest])


def _tsvector(r: random.Random) -> str:
    words = sorted(set(r.sample(_WORDS, 2 + int(r.random() * 5))))
    return " ".join(f"'{w}'" for w in words)


def _tsquery(r: random.Random) -> str:
    words = r.sample(_WORDS, 1 + int(r.random() * 3))
    return " & ".join(f"'{w}'" for w in words)


def _int_bounds(r: random.Random, limit: int) -> tuple[int, int]:
    lo = int(r.random() * limit)
    return lo, lo + 1 + int(r.random() * 1000)


def _range_of(elem: str) -> Callable[[random.Random], str]:
    """`[lo,hi)` for a range type, with `lo < hi` so the range is never empty."""

    def make(r: random.Random) -> str:
        if elem == "int4":
            lo, hi = _int_bounds(r, 1_000_000)
            return f"[{lo},{hi})"
        if elem == "int8":
            lo, hi = _int_bounds(r, 10**12)
            return f"[{lo},{hi})"
        if elem == "num":
            low = round(r.random() * 10_000, 2)
            return f"[{low},{round(low + 0.01 + r.random() * 500, 2)})"
        if elem == "date":
            day = dt.date(2020, 1, 1) + dt.timedelta(days=int(r.random() * 2000))
            return f"[{day},{day + dt.timedelta(days=1 + int(r.random() * 60))})"
        start = dt.datetime(2020, 1, 1) + dt.timedelta(seconds=int(r.random() * 2000 * 86400))
        end = start + dt.timedelta(seconds=60 + int(r.random() * 30 * 86400))
        zone = "+00" if elem == "tstz" else ""
        return f'["{start:%Y-%m-%d %H:%M:%S}{zone}","{end:%Y-%m-%d %H:%M:%S}{zone}")'

    return make


def _multirange_of(elem: str) -> Make:
    one = _range_of(elem)
    return lambda r: "{" + ",".join(one(r) for _ in range(1 + int(r.random() * 2))) + "}"


def _xml(r: random.Random) -> str:
    word = r.choice(_WORDS)
    return f'<item id="{int(r.random() * 10000)}"><name>{word}</name></item>'


def _oid(r: random.Random) -> str:
    return str(16384 + int(r.random() * 4_000_000_000))


def _pg_lsn(r: random.Random) -> str:
    return f"{int(r.random() * 0xFF):X}/{int(r.random() * 0xFFFFFFFF):X}"


def _jsonpath(r: random.Random) -> str:
    return f"$.{r.choice(_WORDS)}[*] ? (@ > {int(r.random() * 100)})"


def _hstore(r: random.Random) -> str:
    keys = r.sample(_WORDS, 1 + int(r.random() * 3))
    return ", ".join(f'"{k}"=>"{r.choice(_WORDS)}"' for k in keys)


def _ltree(r: random.Random) -> str:
    return ".".join(r.choice(_WORDS).capitalize() for _ in range(1 + int(r.random() * 3)))


_MAKERS: dict[str, Make] = {
    "point": _point,
    "line": _line,
    "lseg": _lseg,
    "box": _box,
    "path": _path,
    "polygon": _polygon,
    "circle": _circle,
    "macaddr": lambda r: _mac(r, 6),
    "macaddr8": lambda r: _mac(r, 8),
    "tsvector": _tsvector,
    "tsquery": _tsquery,
    "int4range": _range_of("int4"),
    "int8range": _range_of("int8"),
    "numrange": _range_of("num"),
    "daterange": _range_of("date"),
    "tsrange": _range_of("ts"),
    "tstzrange": _range_of("tstz"),
    "int4multirange": _multirange_of("int4"),
    "int8multirange": _multirange_of("int8"),
    "nummultirange": _multirange_of("num"),
    "datemultirange": _multirange_of("date"),
    "tsmultirange": _multirange_of("ts"),
    "tstzmultirange": _multirange_of("tstz"),
    "xml": _xml,
    "oid": _oid,
    "pg_lsn": _pg_lsn,
    "jsonpath": _jsonpath,
    "hstore": _hstore,
    "ltree": _ltree,
}
assert set(_MAKERS) == LITERAL_TYPES - {"bit", "bit varying", "varbit"}, "kinds.LITERAL_TYPES is the list"

_DELIMITER = {"box": ";"}
_TYPE_RE = re.compile(r"^(?P<name>[a-z_ 0-9\"]+?)\s*(?:\((?P<n>\d+)\))?\s*(?P<dims>(?:\[\])*)$")


def parse_type(data_type: str) -> tuple[str, int | None, int]:
    """`bit varying(12)[]` -> ("bit varying", 12, 1); the schema prefix of extension types dropped."""
    text = data_type.strip().lower()
    match = _TYPE_RE.match(text.rsplit(".", 1)[-1])
    if match is None:
        return text, None, 0
    n = match.group("n")
    return match.group("name").strip().strip('"'), int(n) if n else None, match.group("dims").count("[]")


def _bits(length: int | None, varying: bool) -> Make:
    size = length or (32 if varying else 1)

    def make(r: random.Random) -> str:
        n = 1 + int(r.random() * size) if varying else size
        return "".join("1" if r.random() < 0.5 else "0" for _ in range(n))

    return make


def maker(type_name: str, length: int | None) -> Make | None:
    """The value maker for one element of a type, or None when the type is not one of these."""
    if type_name == "bit":
        return _bits(length, varying=False)
    if type_name in ("bit varying", "varbit"):
        return _bits(length, varying=True)
    return _MAKERS.get(type_name)


def _array_item(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@generator(
    "pg.literal",
    kinds=frozenset({Kind.LITERAL}),
    example_params={"type": "int4range"},
    params=(
        Param("type", str, doc="the SQL type, e.g. point or tsvector[] (default: the column's)"),
        Param("dimensions", int, default=0, min=0, doc="array dimensions (default: the column's)"),
        Param("max_items", int, default=3, min=1, doc="items per array dimension"),
    ),
)
def literal(col: ColumnInfo, params: dict) -> BatchFn:
    """A value of a built-in type in its text form (`(1.5,-3)` for point, `[3,17)` for int4range,
    `'cloud' 'river'` for tsvector...); an array of them for an array column."""
    name, length, dims = parse_type(params["type"] or col.data_type)
    if col.max_length is not None and name.startswith("bit"):
        length = col.max_length
    make = maker(name, length)
    if make is None:
        raise ParamError(f"pg.literal has no form for type {params['type'] or col.data_type!r}", path="type")
    dims = params["dimensions"] or dims or (1 if col.kind == Kind.ARRAY else 0)
    if not dims:
        return lambda b: [make(b.rng) for _ in range(b.n)]
    delimiter = _DELIMITER.get(name, ",")
    most = params["max_items"]

    def level(r: random.Random, shape: list[int], depth: int) -> str:
        if depth == dims - 1:
            return "{" + delimiter.join(_array_item(make(r)) for _ in range(shape[depth])) + "}"
        return "{" + delimiter.join(level(r, shape, depth + 1) for _ in range(shape[depth])) + "}"

    def array(b: Batch) -> list:
        r = b.rng
        # rectangular, as Postgres needs: one length per dimension for the whole value
        return [level(r, [1 + int(r.random() * most) for _ in range(dims)], 0) for _ in range(b.n)]

    return array


@generator("pg.unknown", kinds=frozenset({Kind.UNKNOWN}))
def unknown(col: ColumnInfo, params: dict) -> BatchFn:
    """NULL for a column whose type no generator knows (an extension's); the engine counts an
    `unknown_type` warning. A NOT NULL column of such a type is an error naming it."""
    if not col.nullable:
        raise ParamError(
            f"column {col.qualified} has type {col.data_type!r}, which datalchemy-mp cannot "
            "generate, and is NOT NULL: give it a rule whose values that type accepts"
        )
    return lambda b: [None] * b.n
