"""The SQL functions a CHECK may call, with Postgres's results (strict: NULL in, NULL out).

Text positions are 1-based; length() counts characters; EXTRACT reads timestamps with a zone
in UTC; round() of numeric rounds half away from zero, of double precision half to even.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from .interval import DAY_US, Interval, age
from .values import UTC, Incomparable, cast_timestamp, is_num, need_str, parse_as


def f_length(s: Any) -> int:
    return len(need_str(s))


def _octet_length(s: Any) -> int:
    return len(need_str(s).encode("utf-8"))


def f_position(haystack: Any, needle: Any) -> int:
    return need_str(haystack).find(need_str(needle)) + 1


def f_lower(s: Any) -> str:
    return need_str(s).lower()


def f_upper(s: Any) -> str:
    return need_str(s).upper()


def _initcap(s: Any) -> str:
    return re.sub(r"[A-Za-z0-9]+", lambda m: m.group(0).capitalize(), need_str(s))


def _btrim(s: Any, chars: Any = " ") -> str:
    return need_str(s).strip(need_str(chars))


def _ltrim(s: Any, chars: Any = " ") -> str:
    return need_str(s).lstrip(need_str(chars))


def _rtrim(s: Any, chars: Any = " ") -> str:
    return need_str(s).rstrip(need_str(chars))


def _need_int(n: Any) -> int:
    if isinstance(n, int) and not isinstance(n, bool):
        return n
    if isinstance(n, Decimal) and n == n.to_integral_value():
        return int(n)
    raise Incomparable


def f_left(s: Any, n: Any) -> str:
    """left(s, n): the first n characters; a negative n drops the last -n."""
    return need_str(s)[: _need_int(n)]


def f_right(s: Any, n: Any) -> str:
    """right(s, n): the last n characters; a negative n drops the first -n."""
    text, k = need_str(s), _need_int(n)
    if k >= 0:
        return text[len(text) - k :] if k else ""
    return text[-k:]


def f_substr(s: Any, start: Any, count: Any = None) -> str:
    """substr(s, start [, count]) with 1-based positions; a start before 1 eats into count."""
    text, first = need_str(s), _need_int(start)
    if count is None:
        return text[max(first, 1) - 1 :]
    n = _need_int(count)
    if n < 0:
        raise Incomparable  # "negative substring length not allowed"
    stop = first + n  # exclusive, 1-based
    begin = max(first, 1)
    return text[begin - 1 : stop - 1] if stop > begin else ""


def _substring(s: Any, a: Any, b: Any = None) -> str | None:
    """substring(s FROM start [FOR count]), or substring(s FROM regex) (the first group)."""
    if isinstance(a, str) and b is None:
        m = re.search(a, need_str(s))
        if m is None:
            return None
        return m.group(1) if m.groups() else m.group(0)
    return f_substr(s, a, b)


def _replace(s: Any, old: Any, new: Any) -> str:
    text, o = need_str(s), need_str(old)
    return text.replace(o, need_str(new)) if o else text


def _reverse(s: Any) -> str:
    return need_str(s)[::-1]


def _pad(s: Any, n: Any, fill: Any, left: bool) -> str:
    text, width, f = need_str(s), _need_int(n), need_str(fill)
    if width <= len(text) or not f:
        return text[: max(width, 0)]
    pad = (f * width)[: width - len(text)]
    return pad + text if left else text + pad


def _lpad(s: Any, n: Any, fill: Any = " ") -> str:
    return _pad(s, n, fill, True)


def _rpad(s: Any, n: Any, fill: Any = " ") -> str:
    return _pad(s, n, fill, False)


def _num(x: Any) -> Any:
    if isinstance(x, str):
        x = parse_as(x, 0)
    if is_num(x) and not isinstance(x, bool):
        return x
    raise Incomparable


def f_abs(x: Any) -> Any:
    if is_num(x):
        return abs(x)
    raise Incomparable


def _sign(x: Any) -> Any:
    x = _num(x)
    s = (x > 0) - (x < 0)
    return float(s) if isinstance(x, float) else s


def _rounding(mode: str) -> Callable[..., Any]:
    decimal_modes = {"round": ROUND_HALF_UP, "trunc": ROUND_DOWN, "floor": ROUND_FLOOR, "ceil": ROUND_CEILING}
    decimal_mode = decimal_modes[mode]
    float_fns: dict[str, Callable[..., Any]] = {"round": round, "trunc": math.trunc}
    float_fns.update(floor=math.floor, ceil=math.ceil)
    float_fn = float_fns[mode]

    def fn(x: Any, places: Any = None) -> Any:
        x = _num(x)
        if isinstance(x, float) and places is None:
            if math.isnan(x) or math.isinf(x):
                return x
            return float(float_fn(x))  # double precision in, double precision out
        d = Decimal(repr(x)) if isinstance(x, float) else Decimal(x)
        p = 0 if places is None else _need_int(places)
        out = (
            d.quantize(Decimal(1).scaleb(-p), rounding=decimal_mode)
            if p >= 0
            else ((d.scaleb(p).quantize(Decimal(1), rounding=decimal_mode)).scaleb(-p))
        )
        return int(out) if out == out.to_integral_value() and p <= 0 else out

    return fn


def _mod(a: Any, b: Any) -> Any:
    a, b = _num(a), _num(b)
    if b == 0:
        raise Incomparable
    if isinstance(a, int) and isinstance(b, int):
        r = abs(a) % abs(b)
        return r if a >= 0 else -r
    return math.fmod(a, b) if isinstance(a, float) or isinstance(b, float) else a % b


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)


def _exact(x: Decimal) -> int | Decimal:
    return int(x) if x == x.to_integral_value() else x


def f_extract(field_name: Any, v: Any) -> Any:
    """EXTRACT(field FROM v) / date_part: of a date, timestamp (read in UTC), time or interval."""
    field_name = need_str(field_name).lower()
    if isinstance(v, str):
        v = _read_temporal(v)
    if isinstance(v, Interval):
        return _extract_interval(field_name, v)
    if isinstance(v, dt.time):
        return _extract_time(field_name, v)
    if isinstance(v, dt.datetime):
        if v.tzinfo is not None:
            v = v.astimezone(UTC).replace(tzinfo=None)
    elif isinstance(v, dt.date):
        v = dt.datetime.combine(v, dt.time())
    else:
        raise Incomparable
    if field_name == "second":
        return _exact(Decimal(v.second) + Decimal(v.microsecond) / 1_000_000)
    if field_name == "epoch":
        delta = v.replace(tzinfo=UTC) - _EPOCH
        return _exact(Decimal(delta.days * 86400 + delta.seconds) + Decimal(delta.microseconds) / 10**6)
    try:
        return _EXTRACT_FIELDS[field_name](v)
    except KeyError:
        raise Incomparable from None


def _read_temporal(s: str) -> Any:
    """A text field read as a timestamp, else a time, else an interval (its column's type)."""
    for like in (dt.datetime(2000, 1, 1), dt.time(), Interval()):
        try:
            return parse_as(s, like)
        except Incomparable:
            continue
    raise Incomparable


def _need_interval(v: Any) -> Interval:
    if isinstance(v, str):
        v = parse_as(v, Interval())
    if isinstance(v, Interval):
        return v
    raise Incomparable


def _extract_time(field_name: str, t: dt.time) -> Any:
    if field_name == "hour":
        return t.hour
    if field_name == "minute":
        return t.minute
    if field_name == "second":
        return _exact(Decimal(t.second) + Decimal(t.microsecond) / 1_000_000)
    if field_name == "epoch":
        return _exact(Decimal(t.hour * 3600 + t.minute * 60 + t.second) + Decimal(t.microsecond) / 10**6)
    raise Incomparable  # "unit is not supported for type time"


def _extract_interval(field_name: str, iv: Interval) -> Any:
    seconds_in_day = iv.micros // 1_000_000 if iv.micros >= 0 else -((-iv.micros) // 1_000_000)
    fields: dict[str, Any] = {
        "year": int(iv.months / 12),
        "month": iv.months - int(iv.months / 12) * 12,
        "day": iv.days,
        "hour": int(seconds_in_day / 3600),
        "minute": int(seconds_in_day / 60) % 60 if seconds_in_day >= 0 else -(int(-seconds_in_day / 60) % 60),
    }
    if field_name in fields:
        return fields[field_name]
    if field_name == "epoch":
        # Postgres counts a year as 365.25 days and a month as 30 days here
        years, months = int(iv.months / 12), iv.months - int(iv.months / 12) * 12
        total = Decimal(iv.days * 86400) + Decimal(iv.micros) / 10**6
        total += Decimal(years) * Decimal("31557600") + Decimal(months) * 30 * 86400
        return _exact(total)
    raise Incomparable


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
    "isoyear": lambda v: v.isocalendar()[0],
    "quarter": lambda v: (v.month - 1) // 3 + 1,
    "decade": lambda v: v.year // 10,
    "century": lambda v: (v.year + 99) // 100,
}
EXTRACT_NAMES = {*_EXTRACT_FIELDS, "second", "epoch"}


def _date_trunc(field_name: Any, v: Any) -> dt.datetime:
    """date_trunc(field, v): a timestamp (a date is taken at midnight)."""
    unit = need_str(field_name).lower()
    ts = cast_timestamp(v, aware=isinstance(v, dt.datetime) and v.tzinfo is not None)
    if unit in ("microseconds", "microsecond"):
        return ts
    if unit in ("milliseconds", "millisecond"):
        return ts.replace(microsecond=ts.microsecond // 1000 * 1000)
    if unit == "second":
        return ts.replace(microsecond=0)
    if unit == "minute":
        return ts.replace(second=0, microsecond=0)
    if unit == "hour":
        return ts.replace(minute=0, second=0, microsecond=0)
    day = ts.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "day":
        return day
    if unit == "week":
        return day - dt.timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    if unit == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    if unit == "year":
        return day.replace(month=1, day=1)
    if unit == "decade":
        return day.replace(year=day.year // 10 * 10, month=1, day=1)
    raise Incomparable


def f_age(a: Any, b: Any) -> Interval:
    """age(a, b); age(b) is parsed as age(CURRENT_DATE, b)."""
    return age(cast_timestamp(a, aware=False), cast_timestamp(b, aware=False))


def _justify_days(iv: Any) -> Interval:
    iv = _need_interval(iv)
    extra, days = divmod(abs(iv.days), 30)
    sign = 1 if iv.days >= 0 else -1
    return Interval(iv.months + sign * extra, sign * days, iv.micros)


def _justify_hours(iv: Any) -> Interval:
    iv = _need_interval(iv)
    extra, micros = divmod(abs(iv.micros), DAY_US)
    sign = 1 if iv.micros >= 0 else -1
    return Interval(iv.months, iv.days + sign * extra, sign * micros)


# name -> (implementation, allowed argument counts)
FUNCTIONS: dict[str, tuple[Callable[..., Any], tuple[int, ...]]] = {
    "length": (f_length, (1,)),
    "char_length": (f_length, (1,)),
    "character_length": (f_length, (1,)),
    "octet_length": (_octet_length, (1,)),
    "position": (f_position, (2,)),
    "strpos": (f_position, (2,)),
    "lower": (f_lower, (1,)),
    "upper": (f_upper, (1,)),
    "initcap": (_initcap, (1,)),
    "btrim": (_btrim, (1, 2)),
    "ltrim": (_ltrim, (1, 2)),
    "rtrim": (_rtrim, (1, 2)),
    "left": (f_left, (2,)),
    "right": (f_right, (2,)),
    "substr": (f_substr, (2, 3)),
    "substring": (_substring, (2, 3)),
    "replace": (_replace, (3,)),
    "reverse": (_reverse, (1,)),
    "lpad": (_lpad, (2, 3)),
    "rpad": (_rpad, (2, 3)),
    "abs": (f_abs, (1,)),
    "sign": (_sign, (1,)),
    "round": (_rounding("round"), (1, 2)),
    "trunc": (_rounding("trunc"), (1, 2)),
    "floor": (_rounding("floor"), (1,)),
    "ceil": (_rounding("ceil"), (1,)),
    "ceiling": (_rounding("ceil"), (1,)),
    "mod": (_mod, (2,)),
    "extract": (f_extract, (2,)),
    "date_part": (f_extract, (2,)),
    "date_trunc": (_date_trunc, (2,)),
    "age": (f_age, (2,)),
    "justify_days": (_justify_days, (1,)),
    "justify_hours": (_justify_hours, (1,)),
}
CANONICAL = {"char_length": "length", "character_length": "length", "strpos": "position", "ceiling": "ceil"}
"""Aliases, so that the hints read one name."""
NOW_FUNCTIONS = {"now", "transaction_timestamp", "statement_timestamp", "clock_timestamp"}
