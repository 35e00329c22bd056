"""CHECK constraints: parsed by Postgres's own parser (pglast), evaluated with SQL semantics.

`parse_check` turns the text Postgres prints (`pg_get_constraintdef`, pretty or not) into a
small expression tree; anything outside the supported subset raises `UnsupportedCheck`, never
a silent pass. A CHECK passes unless its expression is FALSE (NULL passes), with three-valued
AND/OR/NOT. `CheckExpr.evaluate` walks the tree; `CheckExpr.compile` generates Python source
once per table for the per-row hot path and falls back to the tree walk for unusual values, so
both always agree.

Value semantics (the rows hold Python objects, as the CSV writer will print them):
- numbers (int, float, Decimal, and bool as 0/1) compare numerically; float against Decimal
  compares as floats (Postgres casts numeric to double precision);
- strings compare as Python `str` (code points: the C collation for ASCII, not a locale's);
- date against timestamp promotes the date to midnight; naive datetimes are UTC;
- a string against a number, date, timestamp, time, boolean or UUID is parsed as that type,
  like Postgres loading the CSV field; values that still cannot be compared fail the check;
- CURRENT_DATE is the `today` argument; now()/CURRENT_TIMESTAMP is today 12:00 UTC and
  LOCALTIMESTAMP today 12:00 naive;
- POSITION/strpos are 1-based (0 when absent), length() counts characters (no bpchar
  trailing-space rule), lower()/upper() are Unicode-aware as in a UTF-8 locale (the C collation
  changes ASCII only), EXTRACT reads timestamps with a zone in UTC; regexes (`~`) are Postgres
  AREs translated to Python `re` (POSIX classes as ASCII, `$` = end of string, `.` matches a
  newline); casts ignore type modifiers (numeric(5,2), varchar(3)); floats follow Python for
  NaN (Postgres sorts NaN above every number).

Supported: AND/OR/NOT; = <> < <= > >= between any two values; IN, = ANY/<> ALL (ARRAY[...] or
'{...}'), BETWEEN [SYMMETRIC]; IS [NOT] NULL/TRUE/FALSE/UNKNOWN, IS [NOT] DISTINCT FROM;
~ ~* !~ !~*, [NOT] LIKE/ILIKE [ESCAPE]; + - * / % ||; casts to text, integer, numeric, float,
boolean, date, timestamp[tz], time, uuid and enums; CURRENT_DATE, CURRENT_TIMESTAMP,
LOCALTIMESTAMP, now(); length, char_length, octet_length, position, strpos, lower, upper,
btrim/ltrim/rtrim (TRIM), abs, EXTRACT/date_part, COALESCE, NULLIF, GREATEST, LEAST,
num_nulls, num_nonnulls.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import operator
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

import pglast
from pglast import ast, enums
from pglast.parser import ParseError

__all__ = [
    "CheckExpr",
    "Ordering",
    "UnsupportedCheck",
    "column_hints",
    "orderings",
    "parse_check",
]

_UTC = dt.UTC


class UnsupportedCheck(Exception):
    """A CHECK the engine cannot evaluate; the message says which construct."""

    def __init__(self, construct: str, expression: str | None = None):
        self.construct = construct
        self.expression = expression
        where = f" in {expression}" if expression else ""
        super().__init__(f"unsupported {construct}{where}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.construct, self.expression))


class _Incomparable(Exception):
    """Values Postgres could not compare or compute with: the row fails the check."""


# --------------------------------------------------------------------------------------------
# Evaluation environment


class _Clock:
    __slots__ = ("today", "now", "localnow")

    def __init__(self, today: dt.date):
        if isinstance(today, dt.datetime):
            today = today.date()
        self.today = today
        self.localnow = dt.datetime.combine(today, dt.time(12))
        self.now = self.localnow.replace(tzinfo=_UTC)


class _MapEnv:
    __slots__ = ("row", "clock")

    def __init__(self, row: Mapping[str, Any], clock: _Clock):
        self.row = row
        self.clock = clock

    def get(self, name: str) -> Any:
        try:
            return self.row[name]
        except KeyError:
            raise UnsupportedCheck(f"reference to column {name!r}, absent from the row") from None


class _TupleEnv:
    __slots__ = ("row", "index", "clock")

    def __init__(self, row: Sequence[Any], index: Mapping[str, int], clock: _Clock):
        self.row = row
        self.index = index
        self.clock = clock

    def get(self, name: str) -> Any:
        return self.row[self.index[name]]


# --------------------------------------------------------------------------------------------
# Value helpers (shared by the tree walk and the generated code)


def _is_num(x: Any) -> bool:
    return isinstance(x, numbers.Number) and not isinstance(x, complex)


_BOOL_WORDS = {
    "t": True, "true": True, "y": True, "yes": True, "on": True, "1": True,
    "f": False, "false": False, "n": False, "no": False, "off": False, "0": False,
}  # fmt: skip


def _parse_bool(s: str) -> bool:
    try:
        return _BOOL_WORDS[s.strip().lower()]
    except KeyError:
        raise _Incomparable from None


def _parse_as(s: str, like: Any) -> Any:
    """Parse `s` as a value of `like`'s type (Postgres reading a CSV field)."""
    try:
        if isinstance(like, bool):
            return _parse_bool(s)
        if isinstance(like, float):
            return float(s)
        if _is_num(like):
            return Decimal(s.strip())
        if isinstance(like, dt.datetime):
            return dt.datetime.fromisoformat(s.strip())
        if isinstance(like, dt.date):
            return dt.date.fromisoformat(s.strip())
        if isinstance(like, dt.time):
            return dt.time.fromisoformat(s.strip())
        if isinstance(like, uuid.UUID):
            return uuid.UUID(s.strip())
    except (ValueError, ArithmeticError):
        raise _Incomparable from None
    raise _Incomparable


def _midnight(d: dt.date, aware: bool) -> dt.datetime:
    return dt.datetime.combine(d, dt.time(), tzinfo=_UTC if aware else None)


def _align_dates(a: dt.date, b: dt.date) -> tuple[dt.date, dt.date]:
    """Date vs timestamp: the date at midnight; naive vs aware: the naive one is UTC."""
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime):
        if a.tzinfo is None and b.tzinfo is not None:
            return a.replace(tzinfo=_UTC), b
        if a.tzinfo is not None and b.tzinfo is None:
            return a, b.replace(tzinfo=_UTC)
        return a, b
    if isinstance(a, dt.datetime):
        return a, _midnight(b, a.tzinfo is not None)
    if isinstance(b, dt.datetime):
        return _midnight(a, b.tzinfo is not None), b
    return a, b


def _coerce(a: Any, b: Any) -> tuple[Any, Any]:
    """Bring two non-NULL values to comparable Python values, or raise _Incomparable."""
    ca, cb = a.__class__, b.__class__
    if ca is cb and ca is not dt.datetime:
        return a, b
    if _is_num(a) and _is_num(b):
        if isinstance(a, float) and isinstance(b, Decimal):
            return a, float(b)
        if isinstance(a, Decimal) and isinstance(b, float):
            return float(a), b
        return a, b
    a_str, b_str = isinstance(a, str), isinstance(b, str)
    if a_str and b_str:
        return a, b
    if a_str:
        return _coerce(_parse_as(a, b), b)
    if b_str:
        return _coerce(a, _parse_as(b, a))
    if isinstance(a, dt.date) and isinstance(b, dt.date):
        return _align_dates(a, b)
    if isinstance(a, dt.time) and isinstance(b, dt.time):
        return a, b
    if isinstance(a, uuid.UUID) and isinstance(b, uuid.UUID):
        return a, b
    raise _Incomparable


_PYOPS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "<>": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_PYOP_TEXT = {"=": "==", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_FLIP = {"=": "=", "<>": "<>", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


def _compare(op: str, a: Any, b: Any) -> bool:
    """`a op b` for two non-NULL values."""
    a, b = _coerce(a, b)
    try:
        return bool(_PYOPS[op](a, b))
    except (TypeError, ArithmeticError):
        raise _Incomparable from None


def _truth(v: Any) -> bool | None:
    """A value used as a condition: NULL stays NULL; text is read as a Postgres boolean."""
    if v is None or v is True or v is False:
        return v
    if isinstance(v, str):
        return _parse_bool(v)
    raise _Incomparable


def _to_text(v: Any) -> str:
    """Postgres's text output of a value (close to it for floats and timestamps)."""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        return repr(v)
    if isinstance(v, Decimal):
        return format(v, "f")
    if isinstance(v, int):
        return str(v)
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, (dt.date, dt.time, uuid.UUID)):
        return str(v)
    raise _Incomparable


def _need_str(v: Any) -> str:
    if isinstance(v, str):
        return v
    raise _Incomparable


def _f_length(s: Any) -> int:
    return len(_need_str(s))


def _f_octet_length(s: Any) -> int:
    return len(_need_str(s).encode("utf-8"))


def _f_position(haystack: Any, needle: Any) -> int:
    return _need_str(haystack).find(_need_str(needle)) + 1


def _f_lower(s: Any) -> str:
    return _need_str(s).lower()


def _f_upper(s: Any) -> str:
    return _need_str(s).upper()


def _f_btrim(s: Any, chars: Any = " ") -> str:
    return _need_str(s).strip(_need_str(chars))


def _f_ltrim(s: Any, chars: Any = " ") -> str:
    return _need_str(s).lstrip(_need_str(chars))


def _f_rtrim(s: Any, chars: Any = " ") -> str:
    return _need_str(s).rstrip(_need_str(chars))


def _f_abs(x: Any) -> Any:
    if _is_num(x):
        return abs(x)
    raise _Incomparable


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=_UTC)


def _exact(x: Decimal) -> int | Decimal:
    return int(x) if x == x.to_integral_value() else x


def _f_extract(field_name: Any, v: Any) -> Any:
    """EXTRACT(field FROM v) / date_part: timestamps with a zone are read in UTC."""
    field_name = _need_str(field_name).lower()
    if isinstance(v, str):
        v = _parse_as(v, dt.datetime(2000, 1, 1))
    if isinstance(v, dt.datetime):
        if v.tzinfo is not None:
            v = v.astimezone(_UTC).replace(tzinfo=None)
    elif isinstance(v, dt.date):
        v = dt.datetime.combine(v, dt.time())
    else:
        raise _Incomparable
    if field_name == "second":
        return _exact(Decimal(v.second) + Decimal(v.microsecond) / 1_000_000)
    if field_name == "epoch":
        delta = v.replace(tzinfo=_UTC) - _EPOCH
        return _exact(Decimal(delta.days * 86400 + delta.seconds) + Decimal(delta.microseconds) / 10**6)
    return _EXTRACT_FIELDS[field_name](v)


_EXTRACT_FIELDS: dict[str, Callable[[dt.datetime], int]] = {
    "year": lambda v: v.year,
    "month": lambda v: v.month,
    "day": lambda v: v.day,
    "hour": lambda v: v.hour,
    "minute": lambda v: v.minute,
    "dow": lambda v: v.isoweekday() % 7,
    "isodow": lambda v: v.isoweekday(),
    "doy": lambda v: v.timetuple().tm_yday,
    "week": lambda v: v.isocalendar()[1],
    "quarter": lambda v: (v.month - 1) // 3 + 1,
    "decade": lambda v: v.year // 10,
}
_EXTRACT_NAMES = {*_EXTRACT_FIELDS, "second", "epoch"}

# name -> (implementation, allowed argument counts)
_FUNCTIONS: dict[str, tuple[Callable[..., Any], tuple[int, ...]]] = {
    "length": (_f_length, (1,)),
    "char_length": (_f_length, (1,)),
    "character_length": (_f_length, (1,)),
    "octet_length": (_f_octet_length, (1,)),
    "position": (_f_position, (2,)),
    "strpos": (_f_position, (2,)),
    "lower": (_f_lower, (1,)),
    "upper": (_f_upper, (1,)),
    "btrim": (_f_btrim, (1, 2)),
    "ltrim": (_f_ltrim, (1, 2)),
    "rtrim": (_f_rtrim, (1, 2)),
    "abs": (_f_abs, (1,)),
    "extract": (_f_extract, (2,)),
    "date_part": (_f_extract, (2,)),
}
_NOW_FUNCTIONS = {"now", "transaction_timestamp", "statement_timestamp", "clock_timestamp"}


def _num_pair(a: Any, b: Any) -> tuple[Any, Any]:
    if isinstance(a, float) and isinstance(b, Decimal):
        return a, float(b)
    if isinstance(a, Decimal) and isinstance(b, float):
        return float(a), b
    return a, b


def _arith(op: str, a: Any, b: Any) -> Any:
    """Postgres arithmetic on two non-NULL values."""
    if op == "||":
        return _to_text(a) + _to_text(b)
    if isinstance(a, str) and not isinstance(b, str):
        a = _parse_as(a, b)
    elif isinstance(b, str) and not isinstance(a, str):
        b = _parse_as(b, a)
    try:
        if _is_num(a) and _is_num(b):
            a, b = _num_pair(a, b)
            if op == "+":
                return a + b
            if op == "-":
                return a - b
            if op == "*":
                return a * b
            if b == 0:
                raise _Incomparable  # division by zero: an error in Postgres
            both_int = isinstance(a, int) and isinstance(b, int)
            if op == "/":
                if both_int:  # integer division truncates toward zero
                    q = abs(a) // abs(b)
                    return q if (a < 0) == (b < 0) else -q
                return a / b
            if op == "%":
                if both_int:
                    r = abs(a) % abs(b)
                    return r if a >= 0 else -r
                return math.fmod(a, b) if isinstance(a, float) else a % b
        a_date = isinstance(a, dt.date) and not isinstance(a, dt.datetime)
        b_date = isinstance(b, dt.date) and not isinstance(b, dt.datetime)
        if a_date and isinstance(b, int) and not isinstance(b, bool) and op in "+-":
            return a + dt.timedelta(days=b if op == "+" else -b)
        if b_date and isinstance(a, int) and not isinstance(a, bool) and op == "+":
            return b + dt.timedelta(days=a)
        if a_date and b_date and op == "-":
            return (a - b).days
    except (TypeError, ArithmeticError, OverflowError, ValueError):
        raise _Incomparable from None
    raise _Incomparable


def _round_int(v: Any) -> int:
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            raise _Incomparable
        return round(v)  # float8 -> int rounds half to even (rint)
    if isinstance(v, Decimal):
        return int(v.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if isinstance(v, str):
        return _round_int(_parse_as(v, 0))
    raise _Incomparable


def _cast_numeric(v: Any) -> Any:
    if isinstance(v, bool):
        raise _Incomparable
    if isinstance(v, (int, Decimal)):
        return v
    if isinstance(v, float):
        return Decimal(repr(v))
    if isinstance(v, str):
        return _parse_as(v, 0)
    raise _Incomparable


def _cast_float(v: Any) -> float:
    if isinstance(v, bool):
        raise _Incomparable
    if _is_num(v):
        return float(v)
    if isinstance(v, str):
        return _parse_as(v, 0.0)
    raise _Incomparable


def _cast_bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v != 0
    if isinstance(v, str):
        return _parse_bool(v)
    raise _Incomparable


def _cast_date(v: Any) -> dt.date:
    if isinstance(v, dt.datetime):
        return (v.astimezone(_UTC) if v.tzinfo is not None else v).date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str):
        return _cast_date(_parse_as(v, dt.datetime(2000, 1, 1)))
    raise _Incomparable


def _cast_timestamp(v: Any, aware: bool) -> dt.datetime:
    if isinstance(v, dt.datetime):
        if aware:
            return v if v.tzinfo is not None else v.replace(tzinfo=_UTC)
        return v if v.tzinfo is None else v.astimezone(_UTC).replace(tzinfo=None)
    if isinstance(v, dt.date):
        return _midnight(v, aware)
    if isinstance(v, str):
        return _cast_timestamp(_parse_as(v, dt.datetime(2000, 1, 1)), aware)
    raise _Incomparable


def _cast_time(v: Any) -> dt.time:
    if isinstance(v, dt.datetime):
        return v.time()
    if isinstance(v, dt.time):
        return v
    if isinstance(v, str):
        return _parse_as(v, dt.time())
    raise _Incomparable


def _cast_uuid(v: Any) -> uuid.UUID:
    if isinstance(v, uuid.UUID):
        return v
    if isinstance(v, str):
        return _parse_as(v, uuid.UUID(int=0))
    raise _Incomparable


def _cast_opaque(v: Any) -> Any:
    """Enums and other user types: their labels are compared as text."""
    if isinstance(v, str):
        return v
    raise _Incomparable


_TYPE_FAMILIES = {
    **dict.fromkeys(
        ("text", "varchar", "bpchar", "char", "name", "citext", "character varying", "character"),
        "text",
    ),
    **dict.fromkeys(("int2", "int4", "int8", "smallint", "integer", "bigint", "int"), "int"),
    **dict.fromkeys(("numeric", "decimal"), "numeric"),
    **dict.fromkeys(("float4", "float8", "real", "double precision", "float"), "float"),
    **dict.fromkeys(("bool", "boolean"), "bool"),
    "date": "date",
    "timestamp": "timestamp",
    "timestamptz": "timestamptz",
    "time": "time",
    "uuid": "uuid",
}
_UNSUPPORTED_TYPES = {
    "interval", "json", "jsonb", "bytea", "inet", "cidr", "macaddr", "macaddr8", "money",
    "xml", "tsvector", "tsquery", "point", "line", "lseg", "box", "path", "polygon", "circle",
    "bit", "varbit", "timetz", "regclass", "regtype", "regproc", "oid", "int4range",
    "int8range", "numrange", "daterange", "tsrange", "tstzrange", "record", "anyarray",
}  # fmt: skip
_CASTS: dict[str, Callable[[Any], Any]] = {
    "text": _to_text,
    "int": _round_int,
    "numeric": _cast_numeric,
    "float": _cast_float,
    "bool": _cast_bool,
    "date": _cast_date,
    "timestamp": lambda v: _cast_timestamp(v, False),
    "timestamptz": lambda v: _cast_timestamp(v, True),
    "time": _cast_time,
    "uuid": _cast_uuid,
    "opaque": _cast_opaque,
}


def _canonical_number(d: Decimal) -> int | Decimal:
    """Integral numeric literals become ints: exact against int, float and Decimal alike."""
    if d.is_finite() and d == d.to_integral_value():
        return int(d)
    return d


# --------------------------------------------------------------------------------------------
# Postgres regular expressions and LIKE patterns -> Python re

_POSIX_CLASSES = {
    "alpha": "a-zA-Z",
    "digit": "0-9",
    "alnum": "a-zA-Z0-9",
    "upper": "A-Z",
    "lower": "a-z",
    "space": " \\t\\n\\r\\f\\v",
    "blank": " \\t",
    "punct": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
    "xdigit": "0-9A-Fa-f",
    "word": "a-zA-Z0-9_",
    "cntrl": "\\x00-\\x1f\\x7f",
    "print": "\\x20-\\x7e",
    "graph": "\\x21-\\x7e",
}


def _translate_regex(pattern: str, for_generation: bool) -> str:
    """A Postgres ARE as a Python regex: POSIX classes as ASCII sets, \\m \\M \\y \\Y as \\b \\B.

    For evaluation `$` becomes `\\Z` (Postgres's `$` never matches before a final newline) and
    \\m/\\M keep their word-side; for generation they become plain \\b and `$` stays.
    """
    if pattern.startswith("***"):
        raise ValueError("regex directors (***) are not supported")
    out: list[str] = []
    i, n = 0, len(pattern)
    in_class = False
    class_start = 0
    while i < n:
        ch = pattern[i]
        if ch == "\\" and i + 1 < n:
            nxt = pattern[i + 1]
            if not in_class and nxt in "mMyY":
                if for_generation:
                    out.append("\\B" if nxt == "Y" else "\\b")
                else:
                    out.append({"m": r"\b(?=\w)", "M": r"\b(?<=\w)", "y": r"\b", "Y": r"\B"}[nxt])
            else:
                out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            if ch == "[" and i + 1 < n and pattern[i + 1] in ":.=":
                kind = pattern[i + 1]
                end = pattern.find(kind + "]", i + 2)
                if end < 0:
                    raise ValueError("unterminated bracket expression")
                name = pattern[i + 2 : end]
                if kind != ":" or name not in _POSIX_CLASSES:
                    raise ValueError(f"bracket item [{kind}{name}{kind}] is not supported")
                out.append(_POSIX_CLASSES[name])
                i = end + 2
                continue
            if ch == "]" and i > class_start:
                in_class = False
            out.append(ch)
            i += 1
            continue
        if ch == "[":
            in_class = True
            out.append(ch)
            i += 1
            if i < n and pattern[i] == "^":
                out.append("^")
                i += 1
            class_start = i + 1 if i < n and pattern[i] == "]" else i
            if i < n and pattern[i] == "]":
                out.append("\\]")
                i += 1
            continue
        if ch == "$" and not for_generation:
            out.append(r"\Z")
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _like_to_regex(pattern: str, escape: str | None, *, for_generation: bool) -> str:
    """A LIKE pattern as a regex to fullmatch (generation: % and _ draw alphanumerics)."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if escape and ch == escape:
            if i + 1 >= len(pattern):
                raise ValueError("LIKE pattern must not end with the escape character")
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        if ch == "%":
            out.append("[A-Za-z0-9]*" if for_generation else ".*")
        elif ch == "_":
            out.append("[A-Za-z0-9]" if for_generation else ".")
        else:
            out.append(re.escape(ch))
        i += 1
    body = "".join(out)
    return f"^{body}$" if for_generation else body


# --------------------------------------------------------------------------------------------
# Expression tree


class _Node:
    """An expression node: `value` is its SQL value (None = NULL); predicates give bools."""

    __slots__ = ()

    def value(self, env: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def passes(self, env: Any) -> bool:
        return self.value(env) is not False

    def holds(self, env: Any) -> bool:
        return self.value(env) is True

    def children(self) -> tuple[_Node, ...]:
        return ()


def _columns_of(node: _Node) -> Iterator[str]:
    if isinstance(node, _Col):
        yield node.name
    for child in node.children():
        yield from _columns_of(child)


@dataclass(frozen=True, slots=True)
class _Col(_Node):
    name: str

    def value(self, env: Any) -> Any:
        return env.get(self.name)


@dataclass(frozen=True, slots=True)
class _Const(_Node):
    val: Any

    def value(self, env: Any) -> Any:
        return self.val


@dataclass(frozen=True, slots=True)
class _Today(_Node):
    def value(self, env: Any) -> Any:
        return env.clock.today


@dataclass(frozen=True, slots=True)
class _Now(_Node):
    local: bool = False

    def value(self, env: Any) -> Any:
        return env.clock.localnow if self.local else env.clock.now


@dataclass(frozen=True, slots=True)
class _Func(_Node):
    """A strict function (NULL in, NULL out): arguments are evaluated left to right."""

    name: str
    args: tuple[_Node, ...]
    impl: Callable[..., Any] = field(compare=False, repr=False)

    def value(self, env: Any) -> Any:
        vals = []
        for arg in self.args:
            v = arg.value(env)
            if v is None:
                return None
            vals.append(v)
        return self.impl(*vals)

    def children(self) -> tuple[_Node, ...]:
        return self.args


@dataclass(frozen=True, slots=True)
class _NumNulls(_Node):
    """num_nulls / num_nonnulls: the only functions here that read NULL arguments."""

    args: tuple[_Node, ...]
    count_nulls: bool

    def value(self, env: Any) -> Any:
        return sum((arg.value(env) is None) is self.count_nulls for arg in self.args)

    def children(self) -> tuple[_Node, ...]:
        return self.args


@dataclass(frozen=True, slots=True)
class _Cast(_Node):
    arg: _Node
    family: str

    def value(self, env: Any) -> Any:
        v = self.arg.value(env)
        return None if v is None else _CASTS[self.family](v)

    def children(self) -> tuple[_Node, ...]:
        return (self.arg,)


@dataclass(frozen=True, slots=True)
class _Arith(_Node):
    op: str
    left: _Node
    right: _Node

    def value(self, env: Any) -> Any:
        a = self.left.value(env)
        if a is None:
            return None
        b = self.right.value(env)
        if b is None:
            return None
        return _arith(self.op, a, b)

    def children(self) -> tuple[_Node, ...]:
        return (self.left, self.right)


@dataclass(frozen=True, slots=True)
class _Neg(_Node):
    arg: _Node

    def value(self, env: Any) -> Any:
        v = self.arg.value(env)
        if v is None:
            return None
        if isinstance(v, str):
            v = _parse_as(v, 0)
        if not _is_num(v):
            raise _Incomparable
        return -v

    def children(self) -> tuple[_Node, ...]:
        return (self.arg,)


@dataclass(frozen=True, slots=True)
class _Coalesce(_Node):
    args: tuple[_Node, ...]

    def value(self, env: Any) -> Any:
        for arg in self.args:
            v = arg.value(env)
            if v is not None:
                return v
        return None

    def children(self) -> tuple[_Node, ...]:
        return self.args


@dataclass(frozen=True, slots=True)
class _NullIf(_Node):
    left: _Node
    right: _Node

    def value(self, env: Any) -> Any:
        a = self.left.value(env)
        if a is None:
            return None
        b = self.right.value(env)
        return None if b is not None and _compare("=", a, b) else a

    def children(self) -> tuple[_Node, ...]:
        return (self.left, self.right)


@dataclass(frozen=True, slots=True)
class _MinMax(_Node):
    greatest: bool
    args: tuple[_Node, ...]

    def value(self, env: Any) -> Any:
        best = None
        for arg in self.args:
            v = arg.value(env)
            if v is None:
                continue  # GREATEST/LEAST ignore NULLs
            if best is None or _compare(">" if self.greatest else "<", v, best):
                best = v
        return best

    def children(self) -> tuple[_Node, ...]:
        return self.args


@dataclass(frozen=True, slots=True)
class _Cmp(_Node):
    op: str  # = <> < <= > >=
    left: _Node
    right: _Node

    def value(self, env: Any) -> Any:
        a = self.left.value(env)
        if a is None:
            return None
        b = self.right.value(env)
        if b is None:
            return None
        return _compare(self.op, a, b)

    def children(self) -> tuple[_Node, ...]:
        return (self.left, self.right)


def _quantified(op: str, is_all: bool, a: Any, items: Iterable[Any]) -> bool | None:
    """`a op ANY(items)` / `a op ALL(items)` for a non-NULL `a` (IN is = ANY)."""
    saw_null = False
    for b in items:
        if b is None:
            saw_null = True
            continue
        if _compare(op, a, b) is not is_all:
            return not is_all
    return None if saw_null else is_all


@dataclass(frozen=True, slots=True)
class _Quant(_Node):
    op: str
    left: _Node
    items: tuple[_Node, ...]
    is_all: bool

    def value(self, env: Any) -> Any:
        a = self.left.value(env)
        if a is None:
            return None
        return _quantified(self.op, self.is_all, a, (item.value(env) for item in self.items))

    def children(self) -> tuple[_Node, ...]:
        return (self.left, *self.items)


@dataclass(frozen=True, slots=True)
class _Match(_Node):
    """Regex (`~`, search) or LIKE (whole string) match of a text value."""

    arg: _Node
    regex: re.Pattern[str]
    negated: bool
    like: bool
    source: str  # the pattern as written
    gen_pattern: str  # a Python regex for generating matching values

    def value(self, env: Any) -> Any:
        v = self.arg.value(env)
        if v is None:
            return None
        s = _need_str(v)
        found = (self.regex.fullmatch(s) if self.like else self.regex.search(s)) is not None
        return found is not self.negated

    def children(self) -> tuple[_Node, ...]:
        return (self.arg,)


@dataclass(frozen=True, slots=True)
class _NullTest(_Node):
    arg: _Node
    negated: bool  # IS NOT NULL

    def value(self, env: Any) -> Any:
        return (self.arg.value(env) is None) is not self.negated

    def children(self) -> tuple[_Node, ...]:
        return (self.arg,)


_BOOL_TESTS: dict[str, Callable[[bool | None], bool]] = {
    "IS_TRUE": lambda v: v is True,
    "IS_NOT_TRUE": lambda v: v is not True,
    "IS_FALSE": lambda v: v is False,
    "IS_NOT_FALSE": lambda v: v is not False,
    "IS_UNKNOWN": lambda v: v is None,
    "IS_NOT_UNKNOWN": lambda v: v is not None,
}


@dataclass(frozen=True, slots=True)
class _BoolTest(_Node):
    arg: _Node
    test: str

    def value(self, env: Any) -> Any:
        return _BOOL_TESTS[self.test](_truth(self.arg.value(env)))

    def children(self) -> tuple[_Node, ...]:
        return (self.arg,)


@dataclass(frozen=True, slots=True)
class _Distinct(_Node):
    left: _Node
    right: _Node
    negated: bool  # IS NOT DISTINCT FROM

    def value(self, env: Any) -> Any:
        a = self.left.value(env)
        b = self.right.value(env)
        if a is None or b is None:
            distinct = (a is None) != (b is None)
        else:
            distinct = _compare("<>", a, b)
        return distinct is not self.negated

    def children(self) -> tuple[_Node, ...]:
        return (self.left, self.right)


@dataclass(frozen=True, slots=True)
class _Truth(_Node):
    """A boolean value used as a condition, e.g. CHECK (ativo)."""

    arg: _Node

    def value(self, env: Any) -> Any:
        return _truth(self.arg.value(env))

    def children(self) -> tuple[_Node, ...]:
        return (self.arg,)


@dataclass(frozen=True, slots=True)
class _And(_Node):
    args: tuple[_Node, ...]

    def value(self, env: Any) -> Any:
        result: bool | None = True
        for arg in self.args:
            v = arg.value(env)
            if v is False:
                return False
            if v is None:
                result = None
        return result

    def passes(self, env: Any) -> bool:
        return all(arg.passes(env) for arg in self.args)

    def holds(self, env: Any) -> bool:
        return all(arg.holds(env) for arg in self.args)

    def children(self) -> tuple[_Node, ...]:
        return self.args


@dataclass(frozen=True, slots=True)
class _Or(_Node):
    args: tuple[_Node, ...]

    def value(self, env: Any) -> Any:
        result: bool | None = False
        for arg in self.args:
            v = arg.value(env)
            if v is True:
                return True
            if v is None:
                result = None
        return result

    def passes(self, env: Any) -> bool:
        return any(arg.passes(env) for arg in self.args)

    def holds(self, env: Any) -> bool:
        return any(arg.holds(env) for arg in self.args)

    def children(self) -> tuple[_Node, ...]:
        return self.args


@dataclass(frozen=True, slots=True)
class _Not(_Node):
    arg: _Node

    def value(self, env: Any) -> Any:
        v = self.arg.value(env)
        return None if v is None else not v

    def passes(self, env: Any) -> bool:
        return not self.arg.holds(env)

    def holds(self, env: Any) -> bool:
        return not self.arg.passes(env)

    def children(self) -> tuple[_Node, ...]:
        return (self.arg,)


_PREDICATES = (_Cmp, _Quant, _Match, _NullTest, _BoolTest, _Distinct, _Truth, _And, _Or, _Not)


# --------------------------------------------------------------------------------------------
# Parsing (pglast AST -> expression tree)


def _is(node: Any, cls: type) -> bool:
    """isinstance without narrowing: pglast types every attribute Optional, so the parser reads
    its tree as Any (the parser guarantees the attributes each node kind has)."""
    return isinstance(node, cls)


class _Parser:
    """pglast AST -> expression tree; `val` dispatches on the node class."""

    def __init__(self, text: str):
        self.text = text

    def unsupported(self, construct: str) -> UnsupportedCheck:
        return UnsupportedCheck(construct, self.text)

    # -- predicates
    def pred(self, n: Any) -> _Node:
        if _is(n, ast.BoolExpr):
            args = tuple(self.pred(a) for a in n.args)
            if n.boolop == enums.BoolExprType.AND_EXPR:
                return _And(_flatten(_And, args))
            if n.boolop == enums.BoolExprType.OR_EXPR:
                return _Or(_flatten(_Or, args))
            return _Not(args[0])
        node = self.val(n)
        return node if isinstance(node, _PREDICATES) else _Truth(node)

    def a_expr(self, n: Any) -> _Node:
        kind = n.kind
        K = enums.A_Expr_Kind
        op = n.name[-1].sval if n.name else ""
        if kind == K.AEXPR_OP:
            return self.operator(op, n.lexpr, n.rexpr)
        if kind in (K.AEXPR_OP_ANY, K.AEXPR_OP_ALL):
            if op not in _PYOPS:
                raise self.unsupported(f"operator {op} with ANY/ALL")
            items = self.array_items(n.rexpr)
            return _Quant(op, self.val(n.lexpr), items, kind == K.AEXPR_OP_ALL)
        if kind == K.AEXPR_IN:
            items = tuple(self.val(x) for x in n.rexpr)
            if op == "=":
                return _Quant("=", self.val(n.lexpr), items, False)
            return _Quant("<>", self.val(n.lexpr), items, True)  # NOT IN
        if kind in (K.AEXPR_DISTINCT, K.AEXPR_NOT_DISTINCT):
            return _Distinct(self.val(n.lexpr), self.val(n.rexpr), kind == K.AEXPR_NOT_DISTINCT)
        if kind == K.AEXPR_NULLIF:
            return _NullIf(self.val(n.lexpr), self.val(n.rexpr))
        if kind in (K.AEXPR_LIKE, K.AEXPR_ILIKE):
            return self.like(op, n.lexpr, n.rexpr)
        if kind in (K.AEXPR_BETWEEN, K.AEXPR_NOT_BETWEEN, K.AEXPR_BETWEEN_SYM,
                    K.AEXPR_NOT_BETWEEN_SYM):  # fmt: skip
            x = self.val(n.lexpr)
            lo, hi = (self.val(v) for v in n.rexpr)
            inside = _And((_Cmp(">=", x, lo), _Cmp("<=", x, hi)))
            outside = _Or((_Cmp("<", x, lo), _Cmp(">", x, hi)))
            if kind == K.AEXPR_BETWEEN:
                return inside
            if kind == K.AEXPR_NOT_BETWEEN:
                return outside
            if kind == K.AEXPR_BETWEEN_SYM:
                return _Or((inside, _And((_Cmp(">=", x, hi), _Cmp("<=", x, lo)))))
            return _And((outside, _Or((_Cmp("<", x, hi), _Cmp(">", x, lo)))))
        if kind == K.AEXPR_SIMILAR:
            raise self.unsupported("SIMILAR TO")
        raise self.unsupported(f"expression kind {kind.name}")

    def operator(self, op: str, lexpr: Any, rexpr: Any) -> _Node:
        if lexpr is None:  # prefix operator
            if op == "-":
                arg = self.val(rexpr)
                if isinstance(arg, _Const) and _is_num(arg.val) and not isinstance(arg.val, bool):
                    return _Const(-arg.val)
                return _Neg(arg)
            if op == "+":
                return self.val(rexpr)
            raise self.unsupported(f"prefix operator {op}")
        if op in _PYOPS:
            return _Cmp(op, self.val(lexpr), self.val(rexpr))
        if op in ("~", "~*", "!~", "!~*"):
            source = self.constant_text(rexpr, "regular expression")
            try:
                regex = re.compile(
                    _translate_regex(source, for_generation=False),
                    re.DOTALL | (re.IGNORECASE if "*" in op else 0),
                )
                gen = _translate_regex(source, for_generation=True)
            except (re.error, ValueError) as exc:
                raise self.unsupported(f"regular expression {source!r} ({exc})") from None
            return _Match(self.val(lexpr), regex, op.startswith("!"), False, source, gen)
        if op in ("~~", "~~*", "!~~", "!~~*"):
            return self.like(op, lexpr, rexpr)
        if op in ("+", "-", "*", "/", "%", "||"):
            return _Arith(op, self.val(lexpr), self.val(rexpr))
        raise self.unsupported(f"operator {op}")

    def like(self, op: str, lexpr: Any, rexpr: Any) -> _Node:
        escape: str | None = "\\"
        if _is(rexpr, ast.FuncCall) and _func_name(rexpr) == "like_escape":
            if len(rexpr.args or ()) != 2:
                raise self.unsupported("LIKE ... ESCAPE form")
            escape = self.constant_text(rexpr.args[1], "LIKE escape") or None
            rexpr = rexpr.args[0]
        source = self.constant_text(rexpr, "LIKE pattern")
        try:
            regex = re.compile(
                _like_to_regex(source, escape, for_generation=False),
                re.DOTALL | (re.IGNORECASE if "*" in op else 0),
            )
            gen = _like_to_regex(source, escape, for_generation=True)
        except (re.error, ValueError) as exc:
            raise self.unsupported(f"LIKE pattern {source!r} ({exc})") from None
        return _Match(self.val(lexpr), regex, op.startswith("!"), True, source, gen)

    def constant_text(self, n: Any, what: str) -> str:
        node = self.val(n)
        if isinstance(node, _Const) and isinstance(node.val, str):
            return node.val
        raise self.unsupported(f"{what} that is not a constant string")

    def array_items(self, n: Any) -> tuple[_Node, ...]:
        """The elements of ARRAY[...], ARRAY[...]::t[] or '{a,b}'::t[] (for ANY/ALL)."""
        family = None
        if _is(n, ast.TypeCast):
            if not n.typeName.arrayBounds:
                raise self.unsupported("ANY/ALL over a non-array cast")
            family = self.type_family(n.typeName)
            n = n.arg
        if _is(n, ast.A_ArrayExpr):
            items = tuple(self.val(e) for e in (n.elements or ()))
        elif _is(n, ast.A_Const) and _is(n.val, ast.String):
            try:
                items = tuple(_Const(v) for v in _parse_array_literal(n.val.sval))
            except ValueError as exc:
                raise self.unsupported(f"array literal ({exc})") from None
        else:
            raise self.unsupported(f"ANY/ALL over {type(n).__name__}")
        if family is not None:
            items = tuple(self.cast(item, family) for item in items)
        return items

    # -- values
    def val(self, n: Any) -> _Node:
        method = _VALUE_NODES.get(type(n))
        if method is None:
            name = type(n).__name__
            raise self.unsupported(_NODE_NAMES.get(name, f"construct {name}"))
        return method(self, n)

    def column_ref(self, n: Any) -> _Node:
        last = n.fields[-1]
        if not _is(last, ast.String):
            raise self.unsupported("column wildcard (*)")
        return _Col(last.sval)

    def a_const(self, n: Any) -> _Node:
        return _Const(self.constant(n))

    def type_cast(self, n: Any) -> _Node:
        if n.typeName.arrayBounds:
            raise self.unsupported("array value outside ANY/ALL")
        return self.cast(self.val(n.arg), self.type_family(n.typeName))

    def null_test(self, n: Any) -> _Node:
        return _NullTest(self.val(n.arg), n.nulltesttype == enums.NullTestType.IS_NOT_NULL)

    def boolean_test(self, n: Any) -> _Node:
        return _BoolTest(self.pred(n.arg), n.booltesttype.name)

    def sql_value_function(self, n: Any) -> _Node:
        Op = enums.SQLValueFunctionOp
        if n.op == Op.SVFOP_CURRENT_DATE:
            return _Today()
        if n.op in (Op.SVFOP_CURRENT_TIMESTAMP, Op.SVFOP_CURRENT_TIMESTAMP_N):
            return _Now(local=False)
        if n.op in (Op.SVFOP_LOCALTIMESTAMP, Op.SVFOP_LOCALTIMESTAMP_N):
            return _Now(local=True)
        raise self.unsupported(n.op.name.removeprefix("SVFOP_").removesuffix("_N"))

    def coalesce(self, n: Any) -> _Node:
        return _Coalesce(tuple(self.val(a) for a in n.args))

    def min_max(self, n: Any) -> _Node:
        return _MinMax(n.op == enums.MinMaxOp.IS_GREATEST, tuple(self.val(a) for a in n.args))

    def constant(self, n: Any) -> Any:
        if n.isnull:
            return None
        v = n.val
        if _is(v, ast.Integer):
            return v.ival
        if _is(v, ast.Float):
            return _canonical_number(Decimal(v.fval))
        if _is(v, ast.String):
            return v.sval
        if _is(v, ast.Boolean):
            return bool(v.boolval)
        raise self.unsupported(f"constant {type(v).__name__}")

    def type_family(self, tn: Any) -> str:
        names = [s.sval for s in tn.names]
        name = names[-1].lower()
        builtin = len(names) == 1 or names[0] == "pg_catalog"
        if builtin and name in _UNSUPPORTED_TYPES:
            raise self.unsupported(f"type {name}")
        if builtin and name in _TYPE_FAMILIES:
            return _TYPE_FAMILIES[name]
        return "opaque"  # enum or other user type: labels compare as text

    def cast(self, node: _Node, family: str) -> _Node:
        if isinstance(node, _Const):
            if node.val is None:
                return node
            try:
                v = _CASTS[family](node.val)
            except _Incomparable:
                raise self.unsupported(f"constant {node.val!r} for type {family}") from None
            return _Const(_canonical_number(v) if isinstance(v, Decimal) else v)
        if family == "opaque":
            return node  # an enum label is text already
        if isinstance(node, _Cast) and node.family == family:
            return node
        return _Cast(node, family)

    def function(self, n: Any) -> _Node:
        name = _func_name(n)
        if n.agg_star or n.agg_distinct or n.over or n.agg_order or n.agg_filter:
            raise self.unsupported(f"aggregate or window call {name}()")
        if n.func_variadic:
            raise self.unsupported(f"VARIADIC call {name}()")
        args = tuple(self.val(a) for a in (n.args or ()))
        if name in _NOW_FUNCTIONS and not args:
            return _Now(local=False)
        if name in ("num_nulls", "num_nonnulls") and args:
            return _NumNulls(args, name == "num_nulls")
        if name in ("extract", "date_part") and len(args) == 2:
            fld = args[0]
            known = isinstance(fld, _Const) and str(fld.val).lower() in _EXTRACT_NAMES
            if not known:
                shown = fld.val if isinstance(fld, _Const) else "expression"
                raise self.unsupported(f"{name}() field {shown!r}")
        if name in _FUNCTIONS:
            impl, arities = _FUNCTIONS[name]
            if len(args) not in arities:
                raise self.unsupported(f"function {name}() with {len(args)} arguments")
            canonical = {"char_length": "length", "character_length": "length",
                         "strpos": "position"}.get(name, name)  # fmt: skip
            return _Func(canonical, args, impl)
        raise self.unsupported(f"function {name}()")


_VALUE_NODES: dict[type, Callable[[_Parser, Any], _Node]] = {
    ast.ColumnRef: _Parser.column_ref,
    ast.A_Const: _Parser.a_const,
    ast.TypeCast: _Parser.type_cast,
    ast.A_Expr: _Parser.a_expr,
    ast.BoolExpr: _Parser.pred,
    ast.NullTest: _Parser.null_test,
    ast.BooleanTest: _Parser.boolean_test,
    ast.FuncCall: _Parser.function,
    ast.SQLValueFunction: _Parser.sql_value_function,
    ast.CoalesceExpr: _Parser.coalesce,
    ast.MinMaxExpr: _Parser.min_max,
}
_NODE_NAMES = {
    "SubLink": "subquery",
    "CaseExpr": "CASE expression",
    "A_ArrayExpr": "array value outside ANY/ALL",
    "ParamRef": "parameter reference",
    "CollateClause": "COLLATE clause",
    "RowExpr": "row constructor",
    "A_Indirection": "subscript or field selection",
}


def _func_name(n: Any) -> str:
    names = [s.sval for s in n.funcname]
    if len(names) == 2 and names[0] == "pg_catalog":
        names = names[1:]
    return ".".join(names).lower()


def _flatten(cls: type, args: Iterable[_Node]) -> tuple[_Node, ...]:
    out: list[_Node] = []
    for a in args:
        if isinstance(a, cls):
            out.extend(a.args)  # type: ignore[attr-defined]
        else:
            out.append(a)
    return tuple(out)


def _parse_array_literal(text: str) -> list[str | None]:
    """Elements of a one-dimensional array literal such as '{a,"b c",NULL}'."""
    s = text.strip()
    if len(s) < 2 or s[0] != "{" or s[-1] != "}":
        raise ValueError(f"not an array literal: {text!r}")
    body = s[1:-1]
    items: list[str | None] = []
    if not body.strip():
        return items
    i, n = 0, len(body)
    while True:
        while i < n and body[i].isspace():
            i += 1
        if i < n and body[i] == '"':
            i += 1
            buf = []
            while i < n and body[i] != '"':
                if body[i] == "\\" and i + 1 < n:
                    i += 1
                buf.append(body[i])
                i += 1
            if i >= n:
                raise ValueError("unterminated quoted element")
            i += 1
            items.append("".join(buf))
            while i < n and body[i].isspace():
                i += 1
        else:
            start = i
            while i < n and body[i] != ",":
                if body[i] in '{}"':
                    raise ValueError("nested or malformed array literal")
                i += 1
            raw = body[start:i].strip()
            items.append(None if raw.upper() == "NULL" else raw)
        if i >= n:
            return items
        if body[i] != ",":
            raise ValueError("malformed array literal")
        i += 1


def _parse_root(expression: str) -> _Node:
    if not isinstance(expression, str) or not expression.strip():
        raise UnsupportedCheck("empty CHECK expression", repr(expression))
    try:
        tokens = pglast.parser.scan(expression)
    except ParseError as exc:
        raise UnsupportedCheck(f"syntax ({exc.args[0]})", expression) from None
    first = tokens[0].name if tokens else ""
    if first in ("CHECK", "CONSTRAINT"):
        sql = f"ALTER TABLE _t ADD {expression}"
    else:
        sql = f"ALTER TABLE _t ADD CHECK ({expression}\n)"
    try:
        stmts = pglast.parse_sql(sql)
    except ParseError as exc:  # its index points into `sql`: keep only the message
        raise UnsupportedCheck(f"syntax ({exc.args[0]})", expression) from None
    if len(stmts) != 1 or not isinstance(stmts[0].stmt, ast.AlterTableStmt):
        raise UnsupportedCheck("text that is not a single CHECK", expression)
    cmds = stmts[0].stmt.cmds or ()
    constraint = cmds[0].def_ if len(cmds) == 1 else None
    if not isinstance(constraint, ast.Constraint) or (constraint.contype != enums.ConstrType.CONSTR_CHECK):
        raise UnsupportedCheck("text that is not a single CHECK", expression)
    return _Parser(expression).pred(constraint.raw_expr)


# --------------------------------------------------------------------------------------------
# Code generation for CheckExpr.compile


def _int_valued(node: _Node) -> bool:
    return isinstance(node, _Func) and node.name in ("length", "octet_length", "position")


_NUMLIKE = frozenset({int, float, Decimal, bool})
_EQ_SAFE = frozenset({int, float, Decimal, bool, str, dt.date, uuid.UUID})
_FALLBACK_ERRORS = (TypeError, AttributeError, ValueError, ArithmeticError, _Incomparable)


@dataclass
class _Leaf:
    """A compiled leaf: NULL when any `prefix` expression is None, else the bool `core`."""

    prefix: list[str]
    core: str
    simple: bool  # prefix holds only plain names (cheap to re-test when merging)


@dataclass
class _Tri:
    """A compiled sub-expression giving True/False/None (delegated to the tree walk)."""

    expr: str


class _Compiler:
    def __init__(self, root: _Node, index: Mapping[str, int], clock: _Clock, text: str):
        self.root = root
        self.index = index
        self.clock = clock
        self.text = text
        self.ns: dict[str, Any] = {
            "_h_cmp": _compare,
            "_h_len": _f_length,
            "_h_pos": _f_position,
            "_h_lower": _f_lower,
            "_h_upper": _f_upper,
            "_h_truth": _truth,
            "_h_text": _to_text,
            "_date": dt.date,
            "_datetime": dt.datetime,
            "_float": float,
            "_Decimal": Decimal,
            "_str": str,
            "_bool": bool,
            "_UUID": uuid.UUID,
            "_time": dt.time,
            "_NUMLIKE": _NUMLIKE,
            "_EQ_SAFE": _EQ_SAFE,
        }
        self.col_vars: dict[str, str] = {}
        self.counter = 0

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def bind(self, obj: Any, prefix: str = "k") -> str:
        name = self.fresh(prefix)
        self.ns[name] = obj
        return name

    def column_var(self, name: str) -> str:
        if name not in self.col_vars:
            if name not in self.index:
                raise UnsupportedCheck(f"reference to column {name!r}, absent from the table", self.text)
            self.col_vars[name] = self.fresh("c")
        return self.col_vars[name]

    def delegate(self, node: _Node) -> str:
        index, clock = self.index, self.clock

        def tree_value(r: Sequence[Any]) -> Any:
            return node.value(_TupleEnv(r, index, clock))

        return f"{self.bind(tree_value, '_d')}(r)"

    def build(self) -> Callable[[Sequence[Any]], bool]:
        for name in _columns_of(self.root):  # delegated sub-trees read columns too
            self.column_var(name)
        body = self.passes(self.root)
        loads = "".join(f"    {var} = r[{self.index[name]}]\n" for name, var in self.col_vars.items())
        src = (
            "def _check(r):\n"
            f"{loads}"
            "    try:\n"
            f"        return {body}\n"
            "    except _FALLBACK_ERRORS:\n"
            "        return _slow(r)\n"
        )
        root, index, clock = self.root, self.index, self.clock

        def slow(r: Sequence[Any]) -> bool:
            try:
                return root.passes(_TupleEnv(r, index, clock))
            except _Incomparable:
                return False

        self.ns["_slow"] = slow
        self.ns["_FALLBACK_ERRORS"] = _FALLBACK_ERRORS
        code = compile(src, f"<CHECK {self.text[:60]}>", "exec")
        exec(code, self.ns)  # noqa: S102 - source generated here from the parsed tree
        fn = self.ns["_check"]
        fn.__doc__ = f"{self.text}\n\n{src}"
        return fn

    # -- values: (python expression giving the value or None, is it a plain name?)
    def value(self, node: _Node) -> tuple[str, bool]:
        if isinstance(node, _Col):
            return self.column_var(node.name), True
        if isinstance(node, (_Const, _Today, _Now)):
            v = node.value(_TupleEnv((), {}, self.clock))
            return ("None", True) if v is None else (self.bind(v), True)
        if isinstance(node, _Func) and node.name in ("length", "lower", "upper"):
            a, simple = self.value(node.args[0])
            first, a = self.once(a, simple)
            native = {"length": f"len({a})", "lower": f"{a}.lower()", "upper": f"{a}.upper()"}
            helper = {"length": "_h_len", "lower": "_h_lower", "upper": "_h_upper"}
            return (
                f"(None if {first} is None else ({native[node.name]} if {a}.__class__ is _str"
                f" else {helper[node.name]}({a})))"
            ), False
        if isinstance(node, _Cast) and node.family == "text":
            a, simple = self.value(node.arg)
            first, a = self.once(a, simple)
            return (f"(None if {first} is None else ({a} if {a}.__class__ is _str else _h_text({a})))"), False
        if (
            isinstance(node, _Func)
            and node.name == "position"
            and isinstance(node.args[1], _Const)
            and isinstance(node.args[1].val, str)
        ):
            a, simple = self.value(node.args[0])
            first, a = self.once(a, simple)
            needle = self.bind(node.args[1].val)
            return (
                f"(None if {first} is None else ({a}.find({needle}) + 1 if {a}.__class__ is _str"
                f" else _h_pos({a}, {needle})))"
            ), False
        return self.delegate(node), False

    def once(self, expr: str, simple: bool) -> tuple[str, str]:
        """(first use, later uses) of an expression evaluated once."""
        if simple:
            return expr, expr
        t = self.fresh("t")
        return f"({t} := {expr})", t

    # -- leaves
    def leaf(self, node: _Node) -> _Leaf | _Tri:
        if isinstance(node, _Cmp):
            return self.cmp_leaf(node)
        if isinstance(node, _Quant):
            return self.quant_leaf(node)
        if isinstance(node, _Match):
            a, simple = self.value(node.arg)
            first, a = self.once(a, simple)
            method = self.bind(node.regex.fullmatch if node.like else node.regex.search, "rx")
            test = "is None" if node.negated else "is not None"
            return _Leaf([first], f"({method}({a}) {test})", simple)
        if isinstance(node, _NullTest):
            a, _ = self.value(node.arg)
            return _Leaf([], f"({a} {'is not' if node.negated else 'is'} None)", True)
        if isinstance(node, _Truth):
            a, simple = self.value(node.arg)
            first, a = self.once(a, simple)
            return _Leaf([first], f"({a} if {a}.__class__ is _bool else _h_truth({a}))", simple)
        return _Tri(self.delegate(node))

    def cmp_leaf(self, node: _Cmp) -> _Leaf:
        left_const = isinstance(node.left, (_Const, _Today, _Now))
        right_const = isinstance(node.right, (_Const, _Today, _Now))
        a, a_simple = self.value(node.left)
        b, b_simple = self.value(node.right)
        prefix: list[str] = []
        a_first, a = self.once(a, a_simple)
        b_first, b = self.once(b, b_simple)
        if not left_const or a == "None":
            prefix.append(a_first)
        if not right_const or b == "None":
            prefix.append(b_first)
        op = node.op
        if right_const and not left_const:
            k = node.right.value(_TupleEnv((), {}, self.clock))
            core = self.native_cmp(op, a, k, b, _int_valued(node.left))
        elif left_const and not right_const:
            k = node.left.value(_TupleEnv((), {}, self.clock))
            core = self.native_cmp(_FLIP[op], b, k, a, _int_valued(node.right))
        elif not left_const and not right_const:
            pyop = _PYOP_TEXT[op]
            same = f"{a}.__class__ is {b}.__class__"
            if op in ("=", "<>"):
                same += f" and {a}.__class__ in _EQ_SAFE"
            core = f"({a} {pyop} {b} if {same} else _h_cmp({op!r}, {a}, {b}))"
        else:
            core = f"_h_cmp({op!r}, {a}, {b})"
        return _Leaf(prefix, core, a_simple and b_simple)

    def native_cmp(self, op: str, a: str, k: Any, kname: str, int_valued: bool = False) -> str:
        """`a op k` for a constant k, native where Python agrees with `_compare`."""
        if k is None:
            return "False"  # unreachable: the prefix makes the leaf NULL
        pyop = _PYOP_TEXT[op]
        helper = f"_h_cmp({op!r}, {a}, {kname})"
        if int_valued and isinstance(k, (int, Decimal)):
            return f"({a} {pyop} {kname})"  # length()/position() always give an int
        if isinstance(k, int):  # bool included
            return f"({a} {pyop} {kname} if {a}.__class__ in _NUMLIKE else {helper})"
        if isinstance(k, Decimal):
            kf = self.bind(float(k))
            return (
                f"(({a} {pyop} {kf} if {a}.__class__ is _float else {a} {pyop} {kname})"
                f" if {a}.__class__ in _NUMLIKE else {helper})"
            )
        if isinstance(k, float):
            return (
                f"((_float({a}) {pyop} {kname} if {a}.__class__ is _Decimal"
                f" else {a} {pyop} {kname}) if {a}.__class__ in _NUMLIKE else {helper})"
            )
        if isinstance(k, str):
            return f"({a} {pyop} {kname} if {a}.__class__ is _str else {helper})"
        if isinstance(k, dt.datetime):
            naive = k if k.tzinfo is None else k.astimezone(_UTC).replace(tzinfo=None)
            aware = k if k.tzinfo is not None else k.replace(tzinfo=_UTC)
            kn, ka = self.bind(naive), self.bind(aware)
            return (
                f"(({a} {pyop} {kn} if {a}.tzinfo is None else {a} {pyop} {ka})"
                f" if {a}.__class__ is _datetime else {helper})"
            )
        if isinstance(k, dt.date):
            kn, ka = self.bind(_midnight(k, False)), self.bind(_midnight(k, True))
            return (
                f"({a} {pyop} {kname} if {a}.__class__ is _date else "
                f"(({a} {pyop} {kn} if {a}.tzinfo is None else {a} {pyop} {ka})"
                f" if {a}.__class__ is _datetime else {helper}))"
            )
        if isinstance(k, uuid.UUID):
            return f"({a} {pyop} {kname} if {a}.__class__ is _UUID else {helper})"
        if isinstance(k, dt.time) and op not in ("=", "<>"):
            return f"({a} {pyop} {kname} if {a}.__class__ is _time else {helper})"
        return helper

    def quant_leaf(self, node: _Quant) -> _Leaf | _Tri:
        consts = [i.val for i in node.items if isinstance(i, _Const)]
        membership = (node.op == "=" and not node.is_all) or (node.op == "<>" and node.is_all)
        if not membership or len(consts) != len(node.items) or any(v is None for v in consts) or not consts:
            return _Tri(self.delegate(node))
        a, simple = self.value(node.left)
        first, a = self.once(a, simple)
        test = "in" if node.op == "=" else "not in"
        helper = self.bind(lambda v, _op=node.op, _all=node.is_all, _items=tuple(consts):
                           _quantified(_op, _all, v, _items), "_q")  # fmt: skip
        if all(isinstance(v, str) for v in consts):
            members = self.bind(frozenset(consts))
            core = f"({a} {test} {members} if {a}.__class__ is _str else {helper}({a}))"
        elif all(_is_num(v) and isinstance(v, (int, Decimal)) for v in consts):
            exact = self.bind(frozenset(consts))
            if all(isinstance(v, int) for v in consts):
                inner = f"{a} {test} {exact}"
            else:
                floats = self.bind(frozenset(float(v) for v in consts))
                inner = f"({a} {test} {floats} if {a}.__class__ is _float else {a} {test} {exact})"
            core = f"({inner} if {a}.__class__ in _NUMLIKE else {helper}({a}))"
        else:
            core = f"{helper}({a})"
        return _Leaf([first], core, simple)

    # -- predicates: Python expressions that are True iff the SQL value is not FALSE / is TRUE
    def passes(self, node: _Node) -> str:
        if isinstance(node, _And):
            return self.junction(node.args, "and", want_true=False)
        if isinstance(node, _Or):
            return self.junction(node.args, "or", want_true=False)
        if isinstance(node, _Not):
            return f"(not {self.holds(node.arg)})"
        return self.render(self.leaf(node), want_true=False)

    def holds(self, node: _Node) -> str:
        if isinstance(node, _And):
            return self.junction(node.args, "and", want_true=True)
        if isinstance(node, _Or):
            return self.junction(node.args, "or", want_true=True)
        if isinstance(node, _Not):
            return f"(not {self.passes(node.arg)})"
        return self.render(self.leaf(node), want_true=True)

    def render(self, leaf: _Leaf | _Tri, want_true: bool) -> str:
        if isinstance(leaf, _Tri):
            return f"({leaf.expr} {'is True' if want_true else 'is not False'})"
        return self.guarded(leaf.prefix, leaf.core, want_true)

    @staticmethod
    def guarded(prefix: list[str], core: str, want_true: bool) -> str:
        if not prefix:
            return core
        if want_true:
            return "(" + " and ".join([f"{p} is not None" for p in prefix] + [core]) + ")"
        return "(" + " or ".join([f"{p} is None" for p in prefix] + [core]) + ")"

    def junction(self, args: Sequence[_Node], joiner: str, want_true: bool) -> str:
        """AND/OR of children; consecutive leaves sharing plain-name guards test them once."""
        parts: list[str] = []
        group: list[_Leaf] = []

        def flush() -> None:
            if not group:
                return
            if len(group) == 1:
                parts.append(self.guarded(group[0].prefix, group[0].core, want_true))
            else:
                cores = f" {joiner} ".join(leaf.core for leaf in group)
                parts.append(self.guarded(group[0].prefix, f"({cores})", want_true))
            group.clear()

        for arg in args:
            if isinstance(arg, (_And, _Or, _Not)):
                flush()
                parts.append(self.holds(arg) if want_true else self.passes(arg))
                continue
            leaf = self.leaf(arg)
            if isinstance(leaf, _Leaf) and leaf.simple and leaf.prefix:
                if group and group[0].prefix != leaf.prefix:
                    flush()
                group.append(leaf)
                continue
            flush()
            parts.append(self.render(leaf, want_true))
        flush()
        return "(" + f" {joiner} ".join(parts) + ")"


# --------------------------------------------------------------------------------------------
# Public API


@dataclass(frozen=True)
class CheckExpr:
    """A parsed CHECK expression. It passes unless it is FALSE (NULL passes)."""

    text: str
    columns: frozenset[str]
    _root: _Node = field(repr=False, compare=False)

    def evaluate(self, row: Mapping[str, Any], today: dt.date) -> bool:
        """Whether `row` (column name -> value) satisfies the CHECK; CURRENT_DATE is `today`."""
        try:
            return self._root.passes(_MapEnv(row, _clock(today)))
        except _Incomparable:
            return False

    def compile(self, index: Mapping[str, int], today: dt.date) -> Callable[[Sequence[Any]], bool]:
        """The same decision on a row tuple (`index`: column name -> position), compiled once."""
        return _Compiler(self._root, index, _clock(today), self.text).build()


@lru_cache(maxsize=64)
def _clock(today: dt.date) -> _Clock:
    return _Clock(today)


def parse_check(expression: str) -> CheckExpr:
    """Parse a CHECK as Postgres prints it (`CHECK (...)`, or the bare expression)."""
    root = _parse_root(expression)
    return CheckExpr(expression, frozenset(_columns_of(root)), root)


@dataclass(frozen=True)
class Ordering:
    """`left op right` between two columns of one row, e.g. data_fim >= data_inicio."""

    left: str
    op: str  # ">=", ">", "<=", "<", "="
    right: str
    nullable_guard: bool  # under "left IS NULL OR ..." (or right IS NULL OR ...)


def _conjuncts(node: _Node) -> list[_Node]:
    if isinstance(node, _And):
        return [c for arg in node.args for c in _conjuncts(arg)]
    return [node]


def _split_null_guards(node: _Or) -> tuple[set[str], list[_Node]]:
    """The columns of `col IS NULL` disjuncts, and the other disjuncts."""
    guards: set[str] = set()
    rest: list[_Node] = []
    for arg in node.args:
        if isinstance(arg, _NullTest) and not arg.negated and isinstance(arg.arg, _Col):
            guards.add(arg.arg.name)
        else:
            rest.append(arg)
    return guards, rest


def orderings(checks: Sequence[CheckExpr]) -> list[Ordering]:
    """Column-vs-column comparisons that hold for every row (or whenever both are non-NULL)."""
    found: list[Ordering] = []

    def add(node: _Node, guards: set[str] | None) -> None:
        if not (
            isinstance(node, _Cmp)
            and node.op in (">=", ">", "<=", "<", "=")
            and isinstance(node.left, _Col)
            and isinstance(node.right, _Col)
        ):
            return
        left, right = node.left.name, node.right.name
        if guards and not guards <= {left, right}:
            return  # only holds when some third column is non-NULL
        item = Ordering(left, node.op, right, bool(guards))
        if item not in found:
            found.append(item)

    for check in checks:
        for conj in _conjuncts(check._root):
            if isinstance(conj, _Or):
                guards, rest = _split_null_guards(conj)
                if guards and len(rest) == 1:
                    for inner in _conjuncts(rest[0]):
                        add(inner, guards)
            else:
                add(conj, None)
    return found


# -- column hints

_INT_KINDS = {"smallint", "integer", "bigint", "int", "int2", "int4", "int8", "serial",
              "bigserial", "smallserial"}  # fmt: skip
_NUMERIC_KINDS = {"numeric", "decimal"}
_FLOAT_KINDS = {"real", "double", "double precision", "float", "float4", "float8"}
_TIMESTAMP_KINDS = {"timestamp", "timestamptz"}
_MARKER = "today"


@dataclass(frozen=True)
class _Fact:
    column: str
    key: str  # min | max | choices | pattern | min_length | max_length | contains | not_null
    value: Any
    exclusive: bool = False


def _column_name(node: _Node) -> str | None:
    """The column of `col`, or of a text/enum cast of it (`(tipo)::text`)."""
    if isinstance(node, _Col):
        return node.name
    if isinstance(node, _Cast) and node.family == "text" and isinstance(node.arg, _Col):
        return node.arg.name
    return None


def _constant(node: _Node) -> tuple[bool, Any]:
    """(is it a constant, value); CURRENT_DATE and now() are the "today" marker."""
    if isinstance(node, _Const):
        return node.val is not None, node.val
    if isinstance(node, _Today):
        return True, _Today()
    if isinstance(node, _Now):
        return True, _Now(node.local)
    return False, None


def _leaf_facts(node: _Node) -> list[_Fact] | None:
    """Facts about single columns implied by a passing leaf (None: nothing usable)."""
    if isinstance(node, _And):
        facts: list[_Fact] = []
        for arg in node.args:
            facts.extend(_leaf_facts(arg) or ())
        return facts
    if isinstance(node, _NullTest) and node.negated and isinstance(node.arg, _Col):
        return [_Fact(node.arg.name, "not_null", True)]
    if isinstance(node, _Not) and isinstance(node.arg, _NullTest) and not node.arg.negated:
        if isinstance(node.arg.arg, _Col):
            return [_Fact(node.arg.arg.name, "not_null", True)]
    if isinstance(node, _Truth) and isinstance(node.arg, _Col):
        return [_Fact(node.arg.name, "choices", (True,))]
    if isinstance(node, _Not) and isinstance(node.arg, _Truth) and isinstance(node.arg.arg, _Col):
        return [_Fact(node.arg.arg.name, "choices", (False,))]
    if isinstance(node, _Quant) and node.op == "=" and not node.is_all:
        col = _column_name(node.left)
        values = [i.val for i in node.items if isinstance(i, _Const)]
        if col and len(values) == len(node.items) and None not in values:
            return [_Fact(col, "choices", tuple(dict.fromkeys(values)))]
    if isinstance(node, _Match) and not node.negated:
        col = _column_name(node.arg)
        if col:
            return [_Fact(col, "pattern", node.gen_pattern)]
    if isinstance(node, _Cmp):
        return _cmp_facts(node)
    return None


def _cmp_facts(node: _Cmp) -> list[_Fact] | None:
    op, left, right = node.op, node.left, node.right
    is_const, k = _constant(right)
    if not is_const:
        is_const, k = _constant(left)
        if not is_const:
            return None
        op, left = _FLIP[op], right
    col = _column_name(left)
    if col is not None:
        if op == "=":
            return [_Fact(col, "choices", (k,))] if not isinstance(k, _Node) else None
        if op == "<>":
            return None
        return [_Fact(col, "bound", (op, k))]
    if isinstance(left, _Func) and isinstance(k, int) and not isinstance(k, bool):
        col = _column_name(left.args[0])
        if col is None:
            return None
        if left.name == "length":
            lo = {">=": k, ">": k + 1, "=": k}.get(op)
            hi = {"<=": k, "<": k - 1, "=": k}.get(op)
            facts = []
            if lo is not None:
                facts.append(_Fact(col, "min_length", max(lo, 0)))
            if hi is not None:
                facts.append(_Fact(col, "max_length", hi))
            return facts
        if left.name == "position" and isinstance(left.args[1], _Const):
            needle = left.args[1].val
            if (op, k) in ((">", 0), (">", 1), (">=", 1), (">=", 2)) and isinstance(needle, str):
                return [_Fact(col, "contains", needle)]
    return None


def _bound(kind: str | None, op: str, k: Any) -> tuple[str, Any, bool]:
    """("min" | "max", value, exclusive) for `col op k` on a column of `kind`."""
    side = "min" if op in (">", ">=") else "max"
    strict = op in (">", "<")
    if isinstance(k, _Today):
        return side, _MARKER, strict
    if isinstance(k, _Now):
        if kind == "date":  # a date promotes to midnight, before now() = today 12:00
            return side, _MARKER, side == "min"
        return side, _MARKER, strict
    if kind in _INT_KINDS and _is_num(k) and not isinstance(k, bool):
        d = Decimal(repr(k)) if isinstance(k, float) else Decimal(k)
        if side == "min":  # > 2.5 and >= 2.5 both give 3; > 2 gives 3
            v = d.to_integral_value(ROUND_FLOOR) + 1 if strict else d.to_integral_value(ROUND_CEILING)
        else:
            v = d.to_integral_value(ROUND_CEILING) - 1 if strict else d.to_integral_value(ROUND_FLOOR)
        return side, int(v), False
    if kind in _FLOAT_KINDS and _is_num(k):
        return side, float(k), strict
    if kind in _NUMERIC_KINDS and _is_num(k):
        return side, k, strict
    if kind == "date" and isinstance(k, dt.date):
        if isinstance(k, dt.datetime):
            utc = _cast_timestamp(k, aware=False)
            at_midnight, day = utc.time() == dt.time(), utc.date()
            if side == "min":
                return side, day if (at_midnight and not strict) else day + dt.timedelta(1), False
            return side, day - dt.timedelta(1) if (at_midnight and strict) else day, False
        step = dt.timedelta(days=1 if strict else 0)
        return side, (k + step if side == "min" else k - step), False
    if kind in _TIMESTAMP_KINDS and isinstance(k, dt.date):
        return side, _cast_timestamp(k, kind == "timestamptz"), strict
    return side, k, strict


def _tighter(side: str, new: Any, old: Any) -> bool | None:
    """Is bound `new` tighter than `old` (None: not comparable, e.g. a marker and a date)?"""
    if new == old:
        return None
    try:
        return _compare(">" if side == "min" else "<", new, old)
    except (_Incomparable, TypeError):
        return None


def column_hints(checks: Sequence[CheckExpr], kinds: Mapping[str, str]) -> dict[str, dict]:
    """Per-column facts every row must satisfy, to generate inside the bounds by construction.

    Only top-level AND conjuncts and the non-NULL branch of `col IS NULL OR <cond on col>`
    count. Keys: min/max, inclusive (ints tightened for integer kinds, dates by a day for date
    columns; otherwise a strict bound adds min_exclusive/max_exclusive: True), choices, pattern
    (Python regex, for `~` and LIKE), min_length/max_length, contains (substrings at a 1-based
    position > 1), not_null. "today" stands for CURRENT_DATE and now() (on a date column
    `d < now()` gives an inclusive max: the date is midnight, now() is noon; on timestamp
    columns "today" is the reference date, midnight for CURRENT_DATE, noon for now()). Where
    two bounds cannot be compared (a date and "today") the first is kept. Hints are a subset:
    `evaluate` still decides.
    """
    facts: list[_Fact] = []
    for check in checks:
        for conj in _conjuncts(check._root):
            if isinstance(conj, _Or):
                facts.extend(_or_facts(conj))
            else:
                facts.extend(_leaf_facts(conj) or ())

    hints: dict[str, dict] = {}
    for fact in facts:
        h = hints.setdefault(fact.column, {})
        key, value = fact.key, fact.value
        if key == "bound":
            op, k = value
            side, v, exclusive = _bound(kinds.get(fact.column), op, k)
            if side not in h:
                h[side] = v
                h[f"{side}_exclusive"] = exclusive
            elif (tighter := _tighter(side, v, h[side])) is True:
                h[side] = v
                h[f"{side}_exclusive"] = exclusive
            elif tighter is None and v == h[side]:
                h[f"{side}_exclusive"] = h[f"{side}_exclusive"] or exclusive
        elif key == "choices":
            h["choices"] = value if "choices" not in h else tuple(v for v in h["choices"] if v in value)
        elif key == "pattern":
            h.setdefault("pattern", value)
        elif key == "min_length":
            h[key] = max(h.get(key, value), value)
        elif key == "max_length":
            h[key] = min(h.get(key, value), value)
        elif key == "contains":
            if value not in h.get("contains", ()):
                h["contains"] = (*h.get("contains", ()), value)
        elif key == "not_null":
            h["not_null"] = True
    for h in hints.values():
        for side in ("min", "max"):
            if not h.get(f"{side}_exclusive", True):
                del h[f"{side}_exclusive"]
    return {col: h for col, h in hints.items() if h}


def _or_facts(node: _Or) -> list[_Fact]:
    """`col IS NULL OR <cond on col>`: cond's facts on col; `x = a OR x = b`: choices."""
    guards, rest = _split_null_guards(node)
    if len(guards) > 1 or not rest:
        return []
    if len(rest) == 1:
        facts = _leaf_facts(rest[0]) or []
        return [f for f in facts if f.column in guards and f.key != "not_null"]
    branches = [_leaf_facts(r) for r in rest]
    if not all(b is not None and len(b) == 1 and b[0].key == "choices" for b in branches):
        return []
    columns = {b[0].column for b in branches}  # type: ignore[index]
    if len(columns) != 1 or (guards and guards != columns):
        return []
    union = tuple(dict.fromkeys(v for b in branches for v in b[0].value))  # type: ignore[index]
    return [_Fact(columns.pop(), "choices", union)]
