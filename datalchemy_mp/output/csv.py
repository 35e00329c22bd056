"""CSV that Postgres ``COPY ... (FORMAT csv, HEADER)`` accepts unchanged.

Values are formatted column-wise (one function per column kind, applied to a whole block),
then joined into lines. NULL is an empty unquoted field; an empty string is ``""``.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable, Sequence
from typing import Any

import orjson

from datalchemy_mp.contracts.kinds import FLOATS, INTEGERS, TIMESTAMPS, Kind
from datalchemy_mp.generators import bulk

Formatter = Callable[[list], list]

_SPECIAL = frozenset(',"\n\r')


def quote(text: str) -> str:
    """A CSV field for ``text``: quoted when it holds a separator, a quote, a newline, or
    nothing at all (so it is not read back as NULL), or is the end-of-data marker."""
    if not text or text == "\\." or not _SPECIAL.isdisjoint(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def _text(v: Any) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, bytes):
        return "\\x" + v.hex()
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, dict | list):
        return orjson.dumps(v).decode()
    return str(v)


def format_text(values: list) -> list:
    texts = ["" if v is None else v if type(v) is str else _text(v) for v in values]
    joined = "\x00".join(texts)
    if not (
        '"' in joined
        or "," in joined
        or "\n" in joined
        or "\r" in joined
        or "\\." in joined
        or values.count("")
    ):
        return texts  # the common case: nothing to quote, checked at C speed
    q = quote
    return ["" if v is None else q(t) for v, t in zip(values, texts, strict=True)]


def format_uuid(values: list) -> list:
    """UUIDs hold only hex digits and hyphens: nothing to quote."""
    return ["" if v is None else v if type(v) is str else str(v) for v in values]


def format_int(values: list) -> list:
    array = bulk.array_of(values)
    if array is not None and array.dtype.kind in "iu":  # a bulk block of integers: no NULL
        return list(map(str, values))
    return ["" if v is None else str(int(v)) if type(v) is not str else v for v in values]


def make_numeric(scale: int | None) -> Formatter:
    if scale is None:

        def fmt(values: list) -> list:
            return ["" if v is None else _shortest(v) for v in values]

        return fmt
    spec = f".{scale}f"

    def fmt_scaled(values: list) -> list:
        return ["" if v is None else format(v, spec) if type(v) is not str else v for v in values]

    return fmt_scaled


def _shortest(v: Any) -> str:
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e16:
            return str(int(v))
        return repr(v)
    if isinstance(v, decimal.Decimal):
        return format(v, "f")
    return str(v)


def format_bool(values: list) -> list:
    return ["" if v is None else ("true" if v else "false") if type(v) is bool else str(v) for v in values]


def format_date(values: list) -> list:
    array = bulk.array_of(values)
    if array is not None and array.dtype.kind == "M":
        return bulk.date_text(array)
    out = []
    for v in values:
        if v is None:
            out.append("")
        elif isinstance(v, dt.datetime):
            out.append(v.date().isoformat())
        elif isinstance(v, dt.date):
            out.append(v.isoformat())
        else:
            out.append(quote(str(v)))
    return out


def format_time(values: list) -> list:
    return ["" if v is None else v.isoformat() if isinstance(v, dt.time) else quote(str(v)) for v in values]


def make_timestamp(with_zone: bool) -> Formatter:
    zone = "+00" if with_zone else ""

    def fmt(values: list) -> list:
        array = bulk.array_of(values)
        if array is not None and array.dtype.kind == "M":
            return bulk.timestamp_text(array, zone)
        out = []
        for v in values:
            if v is None:
                out.append("")
            elif type(v) is dt.datetime:
                if v.tzinfo is not None:
                    v = v.astimezone(dt.UTC).replace(tzinfo=None)
                out.append(v.isoformat(sep=" ") + zone)
            elif isinstance(v, dt.date):
                out.append(f"{v.isoformat()} 00:00:00{zone}")
            else:
                out.append(quote(str(v)))
        return out

    return fmt


def format_json(values: list) -> list:
    return ["" if v is None else quote(v if isinstance(v, str) else orjson.dumps(v).decode()) for v in values]


def format_bytea(values: list) -> list:
    return ["" if v is None else "\\x" + v.hex() if isinstance(v, bytes) else quote(str(v)) for v in values]


def _array_element(v: Any) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, list | tuple):  # a sub-array of a multi-dimensional array
        return "{" + ",".join(_array_element(e) for e in v) + "}"
    text = _text(v)
    if text == "" or any(c in text for c in ',{}"\\ ') or text.upper() == "NULL":
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def format_array(values: list) -> list:
    return [
        ""
        if v is None
        else quote("{" + ",".join(_array_element(e) for e in v) + "}")
        if isinstance(v, list | tuple)
        else quote(str(v))
        for v in values
    ]


def formatter(kind: str, scale: int | None) -> Formatter:
    """The formatter for a column of ``kind`` (see schema.Column.kind)."""
    if kind in INTEGERS:
        return format_int
    if kind == Kind.NUMERIC:
        return make_numeric(scale)
    if kind in FLOATS:
        return make_numeric(None)
    if kind == Kind.BOOLEAN:
        return format_bool
    if kind == Kind.DATE:
        return format_date
    if kind == Kind.TIME:
        return format_time
    if kind in TIMESTAMPS:
        return make_timestamp(kind == Kind.TIMESTAMPTZ)
    if kind == Kind.UUID:
        return format_uuid
    if kind == Kind.JSON:
        return format_json
    if kind == Kind.BYTEA:
        return format_bytea
    if kind == Kind.ARRAY:
        return format_array
    return format_text


def header(names: Sequence[str]) -> bytes:
    return (",".join(quote(n) for n in names) + "\n").encode()


def encode_rows(columns: Sequence[list]) -> bytes:
    """Lines for a block of already formatted columns."""
    lines = [",".join(row) for row in zip(*columns, strict=True)]
    lines.append("")
    return "\n".join(lines).encode()
