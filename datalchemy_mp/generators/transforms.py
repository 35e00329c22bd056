"""``transform.*``: rewrite a column's values after the row is generated (NULL passes through).

Text transforms leave values of other types unchanged (upstream logged an error per row).

A transform factory gets the column and its checked params and returns
``fn(batch, values) -> values`` (same length). Upstream's transforms take loose params; the
additions (``replace``, ``round``, ``ascii``) are strict.

Uniqueness: a transform may map distinct values to one (``mask``, ``truncate``, ``casing``,
``weighted_choice``...). The engine then no longer trusts the generator's uniqueness and
checks the column's values itself (retrying or suffixing repeats).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from datalchemy_mp.errors import ParamError
from datalchemy_mp.generators._util import fit, strip_accents
from datalchemy_mp.generators.base import (
    Batch,
    ColumnInfo,
    Param,
    TransformFn,
    transform,
)


def stringify(v) -> str:
    """A value as the text a CSV reader would see (bools lower case, ISO dates)."""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.datetime):
        return v.isoformat()
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e16:
        return str(int(v))
    return str(v)


@transform(
    "transform.null_rate",
    strict=False,
    params=(Param("rate", float, required=True, min=0.0, max=1.0, doc="probability of NULL"),),
)
def null_rate(col: ColumnInfo, params: dict) -> TransformFn:
    """NULL with probability ``rate`` (an error on a NOT NULL column)."""
    rate = params["rate"]
    if rate > 0 and not col.nullable:
        raise ParamError(f"param 'rate' is {rate}, but {col.qualified} is NOT NULL", path="rate")

    def fn(b: Batch, values: list) -> list:
        r = b.rng.random
        return [None if r() < rate else v for v in values]

    return fn


@transform(
    "transform.truncate",
    strict=False,
    params=(Param("max_len", int, required=True, min=0, doc="characters kept"),),
)
def truncate(col: ColumnInfo, params: dict) -> TransformFn:
    """Text cut to ``max_len`` characters (upstream cut bytes)."""
    n = params["max_len"]
    return lambda b, values: [v[:n] if isinstance(v, str) else v for v in values]


@transform(
    "transform.format",
    strict=False,
    params=(
        Param("format", str, doc="strftime format for dates, times and timestamps"),
        Param("template", str, doc="text with {value} replaced by the value"),
    ),
)
def format_(col: ColumnInfo, params: dict) -> TransformFn:
    """Dates to text with ``format`` (strftime), or any value into ``template``."""
    fmt, template = params["format"], params["template"]
    if fmt is None and template is None:
        raise ParamError("give param 'format' (strftime) or param 'template' ({value})", path="template")
    limit = col.max_length

    def one(v):
        if v is None:
            return None
        if fmt is not None and isinstance(v, dt.date | dt.time):
            return v.strftime(fmt)
        if template is not None:
            return template.replace("{value}", stringify(v))
        return v

    def fn(b: Batch, values: list) -> list:
        out = [one(v) for v in values]
        if limit is not None:
            out = [fit(v, limit) if isinstance(v, str) else v for v in out]
        return out

    return fn


@transform(
    "transform.prefix_suffix",
    strict=False,
    params=(
        Param("prefix", str, default=""),
        Param("suffix", str, default=""),
    ),
)
def prefix_suffix(col: ColumnInfo, params: dict) -> TransformFn:
    """``prefix + value + suffix`` on text (the value is shortened to fit the column)."""
    pre, suf = params["prefix"], params["suffix"]
    room = None if col.max_length is None else col.max_length - len(pre) - len(suf)
    if room is not None and room < 1:
        raise ParamError(
            f"prefix and suffix leave no room in {col.qualified} (max {col.max_length} characters)",
            path="prefix",
        )
    return lambda b, values: [
        f"{pre}{v if room is None else v[:room]}{suf}" if isinstance(v, str) else v for v in values
    ]


def title_case(text: str) -> str:
    """First letter after the start or whitespace upper case, the rest lower case."""
    out, start = [], True
    for c in text:
        out.append(c.upper() if start else c.lower())
        start = c.isspace()
    return "".join(out)


@transform(
    "transform.casing",
    strict=False,
    params=(Param("mode", str, required=True, choices=("upper", "lower", "title")),),
)
def casing(col: ColumnInfo, params: dict) -> TransformFn:
    """Upper, lower or title case."""
    f = {"upper": str.upper, "lower": str.lower, "title": title_case}[params["mode"]]
    return lambda b, values: [f(v) if isinstance(v, str) else v for v in values]


@transform(
    "transform.weighted_choice",
    strict=False,
    params=(Param("choices", list, required=True, doc='[{"value": "a", "weight": 0.7}, ...]'),),
)
def weighted_choice(col: ColumnInfo, params: dict) -> TransformFn:
    """Replaces each non-NULL value by a weighted pick among ``choices``."""
    choices = params["choices"]
    if not choices:
        raise ParamError("param 'choices' must not be empty", path="choices")
    values, cum, total = [], [], 0.0
    for k, c in enumerate(choices):
        where = f"choices/{k}"
        if not isinstance(c, dict) or "value" not in c:
            raise ParamError('expected {"value": ..., "weight": > 0}', path=where)
        w = c.get("weight", 1)
        if isinstance(w, bool) or not isinstance(w, int | float) or w <= 0:
            raise ParamError(f"weight must be a number > 0, got {w!r}", path=f"{where}/weight")
        values.append(c["value"])
        total += w
        cum.append(total)

    def fn(b: Batch, old: list) -> list:
        picks = b.rng.choices(values, cum_weights=cum, k=len(old))
        return [None if o is None else p for o, p in zip(old, picks, strict=True)]

    return fn


def mask_value(text: str, mode: str, char: str) -> str:
    if mode == "hash":
        return hashlib.sha256(text.encode()).hexdigest()
    if mode == "redact":
        return char * 3
    if "@" in text:
        local, _, domain = text.partition("@")
        if len(local) <= 2:
            return char * len(local) + "@" + domain
        return local[0] + char * (len(local) - 2) + local[-1] + "@" + domain
    if text.isascii() and text.isdigit():
        if len(text) == 11:
            return f"{char * 3}.{char * 3}.{char * 3}-{text[-2:]}"
        if len(text) == 14:
            return f"{char * 2}.{char * 3}.{char * 3}/{char * 4}-{text[-2:]}"
    if len(text) <= 2:
        return char * len(text)
    return text[0] + char * (len(text) - 2) + text[-1]


@transform(
    "transform.mask",
    strict=False,
    params=(
        Param("mode", str, required=True, choices=("hash", "redact", "format_preserving")),
        Param("mask_char", str, default="*"),
    ),
)
def mask(col: ColumnInfo, params: dict) -> TransformFn:
    """Hide PII: SHA-256 hex (``hash``), ``***`` (``redact``), or keep the shape
    (``format_preserving``: ``u*******1@example.com``, ``***.***.***-25``). Masking can
    make distinct values equal: on a unique column the engine then de-duplicates."""
    mode, char = params["mode"], params["mask_char"]
    if len(char) != 1:
        raise ParamError(f"param 'mask_char' must be one character, got {char!r}", path="mask_char")
    limit = col.max_length
    if mode == "hash" and limit is not None and limit < 64:
        raise ParamError(
            f"a SHA-256 hex digest has 64 characters; {col.qualified} holds {limit}", path="mode"
        )
    return lambda b, values: [None if v is None else mask_value(stringify(v), mode, char) for v in values]


# --- additions --------------------------------------------------------------------------------


@transform(
    "transform.replace",
    params=(
        Param("old", str, doc="a substring to replace (or use pattern)"),
        Param("pattern", str, doc="a regex to replace (or use old)"),
        Param("new", str, default="", doc="the replacement (\\1 refers to groups with pattern)"),
    ),
)
def replace(col: ColumnInfo, params: dict) -> TransformFn:
    """Replace a substring (``old``) or regex matches (``pattern``) in text values."""
    old, pattern, new = params["old"], params["pattern"], params["new"]
    if (old is None) == (pattern is None):
        raise ParamError("give exactly one of param 'old' and param 'pattern'", path="old")
    if pattern is not None:
        try:
            regex = re.compile(pattern)
        except re.error as exc:
            raise ParamError(f"invalid regex: {exc}", path="pattern") from None
        return lambda b, values: [regex.sub(new, v) if isinstance(v, str) else v for v in values]
    return lambda b, values: [v.replace(old, new) if isinstance(v, str) else v for v in values]


@transform(
    "transform.round", params=(Param("digits", int, default=0, min=-15, max=15, doc="decimal places"),)
)
def round_(col: ColumnInfo, params: dict) -> TransformFn:
    """Round numbers to ``digits`` places (integers stay integers when digits >= 0)."""
    digits = params["digits"]

    return lambda b, values: [
        v if isinstance(v, bool) or not isinstance(v, int | float) else round(v, digits) for v in values
    ]


@transform("transform.ascii")
def ascii_(col: ColumnInfo, params: dict) -> TransformFn:
    """Fold accents (``São João`` -> ``Sao Joao``) for systems that only take ASCII."""
    return lambda b, values: [strip_accents(v) if isinstance(v, str) else v for v in values]
