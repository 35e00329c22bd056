"""Values with Postgres semantics, shared by the tree walk and the compiled code.

The rows hold Python objects, as the CSV writer will print them:
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
  changes ASCII only), EXTRACT reads timestamps with a zone in UTC; casts ignore type modifiers
  (numeric(5,2), varchar(3)); floats follow Python for NaN (Postgres sorts NaN above every
  number).
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import operator
import uuid
from collections.abc import Callable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from datalchemy_mp.errors import Incomparable, UnsupportedCheck

from .interval import Interval, between, parse_interval, shift, shift_time

UTC = dt.UTC


class Clock:
    __slots__ = ("today", "now", "localnow")

    def __init__(self, today: dt.date):
        if isinstance(today, dt.datetime):
            today = today.date()
        self.today = today
        self.localnow = dt.datetime.combine(today, dt.time(12))
        self.now = self.localnow.replace(tzinfo=UTC)


class MapEnv:
    __slots__ = ("row", "clock")

    def __init__(self, row: Mapping[str, Any], clock: Clock):
        self.row = row
        self.clock = clock

    def get(self, name: str) -> Any:
        try:
            return self.row[name]
        except KeyError:
            raise UnsupportedCheck(f"reference to column {name!r}, absent from the row") from None


class TupleEnv:
    __slots__ = ("row", "index", "clock")

    def __init__(self, row: Sequence[Any], index: Mapping[str, int], clock: Clock):
        self.row = row
        self.index = index
        self.clock = clock

    def get(self, name: str) -> Any:
        return self.row[self.index[name]]


# --------------------------------------------------------------------------------------------
# Value helpers (shared by the tree walk and the generated code)


def is_num(x: Any) -> bool:
    return isinstance(x, numbers.Number) and not isinstance(x, complex)


_BOOL_WORDS = {
    "t": True, "true": True, "y": True, "yes": True, "on": True, "1": True,
    "f": False, "false": False, "n": False, "no": False, "off": False, "0": False,
}  # fmt: skip


def _parse_bool(s: str) -> bool:
    try:
        return _BOOL_WORDS[s.strip().lower()]
    except KeyError:
        raise Incomparable from None


def parse_as(s: str, like: Any) -> Any:
    """Parse `s` as a value of `like`'s type (Postgres reading a CSV field)."""
    try:
        if isinstance(like, bool):
            return _parse_bool(s)
        if isinstance(like, float):
            return float(s)
        if is_num(like):
            return Decimal(s.strip())
        if isinstance(like, dt.datetime):
            return dt.datetime.fromisoformat(s.strip())
        if isinstance(like, dt.date):
            return dt.date.fromisoformat(s.strip())
        if isinstance(like, dt.time):
            return dt.time.fromisoformat(s.strip())
        if isinstance(like, uuid.UUID):
            return uuid.UUID(s.strip())
        if isinstance(like, Interval):
            return parse_interval(s)
    except (ValueError, ArithmeticError):
        raise Incomparable from None
    raise Incomparable


def midnight(d: dt.date, aware: bool) -> dt.datetime:
    return dt.datetime.combine(d, dt.time(), tzinfo=UTC if aware else None)


def _align_dates(a: dt.date, b: dt.date) -> tuple[dt.date, dt.date]:
    """Date vs timestamp: the date at midnight; naive vs aware: the naive one is UTC."""
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime):
        if a.tzinfo is None and b.tzinfo is not None:
            return a.replace(tzinfo=UTC), b
        if a.tzinfo is not None and b.tzinfo is None:
            return a, b.replace(tzinfo=UTC)
        return a, b
    if isinstance(a, dt.datetime):
        return a, midnight(b, a.tzinfo is not None)
    if isinstance(b, dt.datetime):
        return midnight(a, b.tzinfo is not None), b
    return a, b


def _coerce(a: Any, b: Any) -> tuple[Any, Any]:
    """Bring two non-NULL values to comparable Python values, or raise Incomparable."""
    ca, cb = a.__class__, b.__class__
    if ca is cb and ca is not dt.datetime:
        return a, b
    if is_num(a) and is_num(b):
        if isinstance(a, float) and isinstance(b, Decimal):
            return a, float(b)
        if isinstance(a, Decimal) and isinstance(b, float):
            return float(a), b
        return a, b
    a_str, b_str = isinstance(a, str), isinstance(b, str)
    if a_str and b_str:
        return a, b
    if a_str:
        return _coerce(parse_as(a, b), b)
    if b_str:
        return _coerce(a, parse_as(b, a))
    if isinstance(a, dt.date) and isinstance(b, dt.date):
        return _align_dates(a, b)
    if isinstance(a, dt.time) and isinstance(b, dt.time):
        return a, b
    if isinstance(a, uuid.UUID) and isinstance(b, uuid.UUID):
        return a, b
    raise Incomparable


PYOPS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "<>": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
PYOP_TEXT = {"=": "==", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
FLIP = {"=": "=", "<>": "<>", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


def compare(op: str, a: Any, b: Any) -> bool:
    """`a op b` for two non-NULL values."""
    a, b = _coerce(a, b)
    try:
        return bool(PYOPS[op](a, b))
    except (TypeError, ArithmeticError):
        raise Incomparable from None


def truth(v: Any) -> bool | None:
    """A value used as a condition: NULL stays NULL; text is read as a Postgres boolean."""
    if v is None or v is True or v is False:
        return v
    if isinstance(v, str):
        return _parse_bool(v)
    raise Incomparable


def to_text(v: Any) -> str:
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
    if isinstance(v, Interval):
        return v.text()
    raise Incomparable


def need_str(v: Any) -> str:
    if isinstance(v, str):
        return v
    raise Incomparable


def _num_pair(a: Any, b: Any) -> tuple[Any, Any]:
    if isinstance(a, float) and isinstance(b, Decimal):
        return a, float(b)
    if isinstance(a, Decimal) and isinstance(b, float):
        return float(a), b
    return a, b


def arith(op: str, a: Any, b: Any) -> Any:
    """Postgres arithmetic on two non-NULL values."""
    if op == "||":
        return to_text(a) + to_text(b)
    if isinstance(a, str) and not isinstance(b, str):
        a = parse_as(a, b)
    elif isinstance(b, str) and not isinstance(a, str):
        b = parse_as(b, a)
    try:
        if is_num(a) and is_num(b):
            a, b = _num_pair(a, b)
            if op == "+":
                return a + b
            if op == "-":
                return a - b
            if op == "*":
                return a * b
            if b == 0:
                raise Incomparable  # division by zero: an error in Postgres
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
        if isinstance(a, Interval) or isinstance(b, Interval) or op == "-":
            return _temporal_arith(op, a, b)
    except (TypeError, ArithmeticError, OverflowError, ValueError):
        raise Incomparable from None
    raise Incomparable


def _temporal_arith(op: str, a: Any, b: Any) -> Any:
    """Intervals with timestamps, dates, times, numbers and each other; timestamp - timestamp."""
    if isinstance(b, Interval) and op in "+-":
        sign = 1 if op == "+" else -1
        if isinstance(a, Interval):
            return a.plus(b if sign == 1 else -b)
        if isinstance(a, dt.datetime):
            return shift(a, b, sign)
        if isinstance(a, dt.date):  # date +/- interval is a timestamp
            return shift(dt.datetime.combine(a, dt.time()), b, sign)
        if isinstance(a, dt.time):
            return shift_time(a, b, sign)
    if isinstance(a, Interval) and op == "+" and isinstance(b, (dt.date, dt.time)):
        return _temporal_arith("+", b, a)
    if op == "*" and isinstance(a, Interval) and is_num(b) and not isinstance(b, bool):
        return a.times(b)
    if op == "*" and isinstance(b, Interval) and is_num(a) and not isinstance(a, bool):
        return b.times(a)
    if op == "/" and isinstance(a, Interval) and is_num(b) and not isinstance(b, bool):
        if b == 0:
            raise Incomparable
        return a.times(1 / float(b))
    if op == "-" and isinstance(a, dt.date) and isinstance(b, dt.date):
        x, y = _align_dates(a, b)
        if isinstance(x, dt.datetime) and isinstance(y, dt.datetime):
            return between(x, y)
    if op == "-" and isinstance(a, dt.time) and isinstance(b, dt.time):
        return between(
            dt.datetime.combine(dt.date(2000, 1, 1), a), dt.datetime.combine(dt.date(2000, 1, 1), b)
        )
    raise Incomparable


def _round_int(v: Any) -> int:
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            raise Incomparable
        return round(v)  # float8 -> int rounds half to even (rint)
    if isinstance(v, Decimal):
        return int(v.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if isinstance(v, str):
        return _round_int(parse_as(v, 0))
    raise Incomparable


def _cast_numeric(v: Any) -> Any:
    if isinstance(v, bool):
        raise Incomparable
    if isinstance(v, (int, Decimal)):
        return v
    if isinstance(v, float):
        return Decimal(repr(v))
    if isinstance(v, str):
        return parse_as(v, 0)
    raise Incomparable


def _cast_float(v: Any) -> float:
    if isinstance(v, bool):
        raise Incomparable
    if is_num(v):
        return float(v)
    if isinstance(v, str):
        return parse_as(v, 0.0)
    raise Incomparable


def _cast_bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v != 0
    if isinstance(v, str):
        return _parse_bool(v)
    raise Incomparable


def _cast_date(v: Any) -> dt.date:
    if isinstance(v, dt.datetime):
        return (v.astimezone(UTC) if v.tzinfo is not None else v).date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str):
        return _cast_date(parse_as(v, dt.datetime(2000, 1, 1)))
    raise Incomparable


def cast_timestamp(v: Any, aware: bool) -> dt.datetime:
    if isinstance(v, dt.datetime):
        if aware:
            return v if v.tzinfo is not None else v.replace(tzinfo=UTC)
        return v if v.tzinfo is None else v.astimezone(UTC).replace(tzinfo=None)
    if isinstance(v, dt.date):
        return midnight(v, aware)
    if isinstance(v, str):
        return cast_timestamp(parse_as(v, dt.datetime(2000, 1, 1)), aware)
    raise Incomparable


def _cast_time(v: Any) -> dt.time:
    if isinstance(v, dt.datetime):
        return v.time()
    if isinstance(v, dt.time):
        return v
    if isinstance(v, str):
        return parse_as(v, dt.time())
    raise Incomparable


def _cast_uuid(v: Any) -> uuid.UUID:
    if isinstance(v, uuid.UUID):
        return v
    if isinstance(v, str):
        return parse_as(v, uuid.UUID(int=0))
    raise Incomparable


def _cast_interval(v: Any) -> Interval:
    if isinstance(v, Interval):
        return v
    if isinstance(v, str):
        return parse_as(v, Interval())
    raise Incomparable


def _cast_opaque(v: Any) -> Any:
    """Enums and other user types: their labels are compared as text."""
    if isinstance(v, str):
        return v
    raise Incomparable


TYPE_FAMILIES = {
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
    "interval": "interval",
}
UNSUPPORTED_TYPES = {
    "json", "jsonb", "bytea", "inet", "cidr", "macaddr", "macaddr8", "money",
    "xml", "tsvector", "tsquery", "point", "line", "lseg", "box", "path", "polygon", "circle",
    "bit", "varbit", "timetz", "regclass", "regtype", "regproc", "oid", "int4range",
    "int8range", "numrange", "daterange", "tsrange", "tstzrange", "record", "anyarray",
}  # fmt: skip
CASTS: dict[str, Callable[[Any], Any]] = {
    "text": to_text,
    "int": _round_int,
    "numeric": _cast_numeric,
    "float": _cast_float,
    "bool": _cast_bool,
    "date": _cast_date,
    "timestamp": lambda v: cast_timestamp(v, False),
    "timestamptz": lambda v: cast_timestamp(v, True),
    "time": _cast_time,
    "uuid": _cast_uuid,
    "interval": _cast_interval,
    "opaque": _cast_opaque,
}


def canonical_number(d: Decimal) -> int | Decimal:
    """Integral numeric literals become ints: exact against int, float and Decimal alike."""
    if d.is_finite() and d == d.to_integral_value():
        return int(d)
    return d
