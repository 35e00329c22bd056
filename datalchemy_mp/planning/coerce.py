"""Fitting a ruled generator's values to the column's type, or saying they do not fit.

A plan may put a generator on a column of another type (a word in an integer column, an
integer in a date column). Values that convert cleanly are converted; the others become
INVALID and the engine makes the row again, falling back to the column's own default.
"""

from __future__ import annotations

import datetime as dt
import decimal
import ipaddress
import re
import uuid
from collections.abc import Callable
from typing import Any

import orjson

from datalchemy_mp.contracts.kinds import Kind

INVALID = object()
"""Marks a value that cannot be written to its column."""

_INT = re.compile(r"^[+-]?\d+$")
_TRUE, _FALSE = {"true", "t", "yes", "y", "1", "on"}, {"false", "f", "no", "n", "0", "off"}


def _int(v: Any) -> Any:
    if isinstance(v, bool):
        return INVALID
    if isinstance(v, int):
        return v
    if isinstance(v, float | decimal.Decimal) and v == int(v):
        return int(v)
    if isinstance(v, str) and _INT.match(v.strip()):
        return int(v)
    return INVALID


def _number(v: Any) -> Any:
    if isinstance(v, bool):
        return INVALID
    if isinstance(v, int | float | decimal.Decimal):
        return v
    if isinstance(v, str):
        try:
            return float(v)
        except ValueError:
            return INVALID
    return INVALID


def _bool(v: Any) -> Any:
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v.strip().lower() in _TRUE | _FALSE:
        return v.strip().lower() in _TRUE
    return INVALID


def _date(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str):
        try:
            return dt.date.fromisoformat(v[:10])
        except ValueError:
            return INVALID
    return INVALID


def _timestamp(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        return v
    if isinstance(v, dt.date):
        return dt.datetime.combine(v, dt.time())
    if isinstance(v, str):
        try:
            return dt.datetime.fromisoformat(v)
        except ValueError:
            return INVALID
    return INVALID


def _time(v: Any) -> Any:
    if isinstance(v, dt.time):
        return v
    if isinstance(v, dt.datetime):
        return v.time()
    if isinstance(v, str):
        try:
            return dt.time.fromisoformat(v)
        except ValueError:
            return INVALID
    return INVALID


def _uuid(v: Any) -> Any:
    try:
        return str(uuid.UUID(str(v)))
    except ValueError:
        return INVALID


def _inet(v: Any) -> Any:
    try:
        return str(ipaddress.ip_interface(str(v)))
    except ValueError:
        return INVALID


def _json(v: Any) -> Any:
    if isinstance(v, str):
        try:
            orjson.loads(v)
            return v
        except orjson.JSONDecodeError:
            return orjson.dumps(v).decode()  # a JSON string holding the text
    return v


_BY_KIND: dict[str, Callable[[Any], Any]] = {
    Kind.SMALLINT: _int,
    Kind.INTEGER: _int,
    Kind.BIGINT: _int,
    Kind.NUMERIC: _number,
    Kind.REAL: _number,
    Kind.DOUBLE: _number,
    Kind.BOOLEAN: _bool,
    Kind.DATE: _date,
    Kind.TIMESTAMP: _timestamp,
    Kind.TIMESTAMPTZ: _timestamp,
    Kind.TIME: _time,
    Kind.UUID: _uuid,
    Kind.INET: _inet,
    Kind.JSON: _json,
}


def coercer(
    kind: str, enum_labels: tuple[str, ...] = (), max_length: int | None = None
) -> Callable[[list], list] | None:
    """A function fitting a block of values to a column of ``kind``; None for plain text."""
    if kind == Kind.ENUM:
        labels = frozenset(enum_labels)
        return lambda values: [v if v is None or v in labels else INVALID for v in values]
    one = _BY_KIND.get(kind)
    if one is not None:
        return lambda values: [None if v is None else one(v) for v in values]
    if kind == Kind.TEXT and max_length is not None:
        return lambda values: [v if v is None or len(str(v)) <= max_length else INVALID for v in values]
    return None
