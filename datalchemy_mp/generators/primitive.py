"""``primitive.*``: numbers, text, booleans, dates, times, UUIDs, enum labels, sequences.

Every generator fills a whole block at once from ``batch.rng``. Those registered with
``unique=True`` give distinct values per global row index when the column is alone a
PK/UNIQUE: a keyed permutation of the value domain, and a clear error once it runs out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import string
import struct
from collections.abc import Sequence
from hashlib import blake2b

from datalchemy_mp import seeds
from datalchemy_mp.contracts.kinds import INT_LIMITS, Kind
from datalchemy_mp.errors import GenerationError, ParamError
from datalchemy_mp.generators._util import (
    BlockPermutation,
    check_order,
    fit,
    parse_date,
    parse_time,
    parse_timestamp,
    require_rows,
)
from datalchemy_mp.generators.base import (
    BOOL,
    DATE,
    ENUM,
    INT,
    JSON,
    NUMERIC,
    TEXT,
    TIME,
    TIMESTAMP,
    UUID,
    Batch,
    BatchFn,
    ColumnInfo,
    Param,
    alias,
    by_index,
    generator,
    not_distinct,
    with_capacity,
)
from datalchemy_mp.uuids import hyphenated

# --- booleans, integers, floats ------------------------------------------------------------


@generator(
    "primitive.bool",
    kinds=BOOL,
    params=(
        Param(
            "true_rate",
            float,
            default=0.5,
            min=0.0,
            max=1.0,
            doc="share of true values (an addition: upstream has no params, p = 0.5)",
        ),
    ),
)
def bool_(col: ColumnInfo, params: dict) -> BatchFn:
    """Boolean, true with probability ``true_rate``."""
    p = params["true_rate"]

    def gen(b: Batch) -> list:
        r = b.rng.random
        return [r() < p for _ in range(b.n)]

    return with_capacity(gen, 2)


def _int_range(gen_id: str, col: ColumnInfo, lo: int, hi: int) -> BatchFn:
    span = hi - lo + 1
    if col.unique:
        perm = BlockPermutation(span, col.seed)

        def gen_unique(b: Batch) -> list:
            require_rows(col, gen_id, span, b.start, b.n)
            return [lo + x for x in perm.block(b.start, b.n)]

        return with_capacity(gen_unique, span)
    if span > 1 << 52:  # beyond float resolution: exact draws

        def gen_big(b: Batch) -> list:
            rr = b.rng.randrange
            return [lo + rr(span) for _ in range(b.n)]

        return with_capacity(gen_big, span)

    def gen(b: Batch) -> list:
        r = b.rng.random
        return [lo + int(r() * span) for _ in range(b.n)]

    return with_capacity(gen, span)


INT_PARAMS = (
    Param("min", int, default=0, doc="lowest value (inclusive)"),
    Param("max", int, default=10000, doc="highest value (inclusive)"),
)


@generator("primitive.int", kinds=INT, params=INT_PARAMS, unique=True)
def int_range(col: ColumnInfo, params: dict) -> BatchFn:
    """Uniform integer in [min, max]; distinct values on a unique column."""
    check_order(params)
    return _int_range("primitive.int", col, params["min"], params["max"])


alias("primitive.int.range", "primitive.int")


@generator(
    "primitive.int.sequence_hint",
    kinds=INT,
    unique=True,
    params=(
        Param("start", int, default=1),
        Param("step", int, default=1, doc="must not be 0"),
        Param("max", int, doc="cap: values stop growing there (an error on a unique column)"),
    ),
)
def sequence_hint(col: ColumnInfo, params: dict) -> BatchFn:
    """start + row_index * step, capped at max (default: what the integer type holds); no RNG."""
    start, step, cap = params["start"], params["step"], params["max"]
    if step == 0:
        raise ParamError("param 'step' must not be 0", path="step")
    if cap is None and col.kind in INT_LIMITS:
        cap = INT_LIMITS[col.kind][1 if step > 0 else 0]
    if cap is None:
        return lambda b: list(range(start + b.start * step, start + (b.start + b.n) * step, step))
    if (step > 0 and cap < start) or (step < 0 and cap > start):
        raise ParamError(
            f"param 'max' ({cap}) is never reached from start {start} by step {step}", path="max"
        )
    distinct = (cap - start) // step + 1

    def gen(b: Batch) -> list:
        if col.unique:
            require_rows(col, "primitive.int.sequence_hint", distinct, b.start, b.n)
        values = range(start + b.start * step, start + (b.start + b.n) * step, step)
        return [min(v, cap) for v in values] if step > 0 else [max(v, cap) for v in values]

    return with_capacity(gen, distinct)


@generator(
    "primitive.sequence",
    kinds=INT,
    unique=True,
    params=(
        Param("start", int, default=1),
        Param("step", int, default=1, doc="must not be 0"),
    ),
)
def sequence(col: ColumnInfo, params: dict) -> BatchFn:
    """start + row_index * step: serial/identity keys (distinct by construction), never
    beyond what the column's integer type holds (a smallint key stops at 32767)."""
    start, step = params["start"], params["step"]
    if step == 0:
        raise ParamError("param 'step' must not be 0", path="step")
    lo, hi = INT_LIMITS.get(col.kind, (None, None))
    if lo is not None and not lo <= start <= hi:
        raise ParamError(
            f"param 'start' ({start}) is outside what {col.data_type} holds [{lo}, {hi}]", path="start"
        )
    distinct = None if lo is None else ((hi - start) // step if step > 0 else (start - lo) // -step) + 1

    def values(idx: Sequence[int]) -> list:
        if distinct is not None and idx and max(idx) >= distinct:
            raise GenerationError(
                f"{col.qualified}: a {col.data_type} sequence from {start} by {step} has only "
                f"{distinct} values, row {max(idx) + 1} needs more"
            )
        return [start + j * step for j in idx]

    return with_capacity(by_index(values), distinct, every_row=True)


FLOAT_PARAMS = (
    Param("min", float, default=0.0, doc="lowest value (inclusive)"),
    Param("max", float, default=10000.0, doc="highest value (inclusive)"),
)


def _grid(gen_id: str, col: ColumnInfo, lo: float, hi: float, scale: int) -> BatchFn:
    """Values on the grid of ``scale`` decimals inside [lo, hi] (distinct if unique): k / 10**s
    is the double nearest to the decimal, so it prints with at most ``scale`` decimals."""
    f = 10**scale
    klo, khi = math.ceil(round(lo * f, 6)), math.floor(round(hi * f, 6))
    if khi < klo:
        raise ParamError(f"no value with {scale} decimals lies in [{lo}, {hi}]", path="max")
    span = khi - klo + 1
    if col.unique:
        perm = BlockPermutation(span, col.seed)

        def gen_unique(b: Batch) -> list:
            require_rows(col, gen_id, span, b.start, b.n)
            return [(klo + x) / f for x in perm.block(b.start, b.n)]

        return with_capacity(gen_unique, span)

    def gen(b: Batch) -> list:
        r = b.rng.random
        return [(klo + int(r() * span)) / f for _ in range(b.n)]

    return with_capacity(gen, span)


@generator("primitive.float", kinds=NUMERIC, params=FLOAT_PARAMS, unique=True)
def float_range(col: ColumnInfo, params: dict) -> BatchFn:
    """Uniform float in [min, max], unrounded (the CSV applies the column scale)."""
    check_order(params)
    lo, hi = params["min"], params["max"]
    if col.unique:  # distinct after formatting: draw on the column's decimal grid
        return _grid("primitive.float", col, lo, hi, col.scale if col.scale is not None else 4)
    span = hi - lo

    def gen(b: Batch) -> list:
        r = b.rng.random
        return [lo + r() * span for _ in range(b.n)]

    return gen


alias("primitive.float.range", "primitive.float")


@generator(
    "primitive.decimal.numeric",
    kinds=NUMERIC,
    unique=True,
    params=(
        *FLOAT_PARAMS,
        Param("scale", int, min=0, max=15, doc="decimals (default: the column's scale, else 2)"),
    ),
)
def decimal_numeric(col: ColumnInfo, params: dict) -> BatchFn:
    """Uniform number in [min, max] with ``scale`` decimals."""
    check_order(params)
    scale = params["scale"]
    if scale is None:
        scale = col.scale if col.scale is not None else 2
    return _grid("primitive.decimal.numeric", col, params["min"], params["max"], scale)


# --- text ----------------------------------------------------------------------------------

DEFAULT_CHARSET = string.ascii_letters + string.digits
UNBOUNDED_KEY_LENGTH = 32
"""Longest unique string a pattern makes on a column without a length limit."""
LOREM = (
    "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "
    "incididunt ut labore et dolore magna aliqua"
).split()


def expand_charset(charset: str) -> str:
    """``"a-zA-Z0-9_"`` -> every character it names (``-`` first or last is literal)."""
    out: list[str] = []
    i = 0
    while i < len(charset):
        if i + 2 < len(charset) and charset[i + 1] == "-" and charset[i] < charset[i + 2]:
            out.extend(chr(c) for c in range(ord(charset[i]), ord(charset[i + 2]) + 1))
            i += 3
        else:
            out.append(charset[i])
            i += 1
    return "".join(dict.fromkeys(out))


def _length_bounds(col: ColumnInfo, params: dict, default_max: int = 32) -> tuple[int, int]:
    lo, hi = params.get("min_len"), params.get("max_len")
    limit = col.max_length
    for name, value in (("min_len", lo), ("max_len", hi)):
        if value is not None and limit is not None and value > limit:
            raise ParamError(
                f"param {name!r} ({value}) exceeds the column's maximum length {limit}", path=name
            )
    check_order(params, "min_len", "max_len")
    low = lo if lo is not None else (0 if params.get("allow_empty") else 1)
    high = hi if hi is not None else (limit if limit is not None else default_max)
    if lo is None and low > high:
        low = high
    if low > high:
        raise ParamError(f"param 'min_len' ({low}) must be <= the maximum length {high}", path="min_len")
    return low, high


TEXT_LIMITS = (
    Param("min_len", int, min=0, doc="shortest length (characters)"),
    Param("max_len", int, min=0, doc="longest length (<= the column's max length)"),
    Param("allow_empty", bool, default=False, doc="allow the empty string"),
)


def _unique_text(col: ColumnInfo, gen_id: str, lo: int, hi: int, **space) -> BatchFn | None:
    """Distinct strings by construction for a unique column (see ``keyspace``), or None when
    the pattern cannot be enumerated (then the engine checks uniqueness row by row)."""
    from datalchemy_mp.generators.keyspace import text_keys

    keys = text_keys(seeds.derive(col.seed, "text-key"), col.data_type, lo, hi, **space)
    if keys is None:
        return None
    capacity = keys.capacity

    def values(idx: Sequence[int]) -> list:
        if idx:
            require_rows(col, gen_id, capacity, max(idx), 1)
        return keys.values(idx)

    return with_capacity(by_index(values), capacity)


def _pattern_fn(pattern: str, max_repeat: int, col: ColumnInfo, params: dict, gen_id: str) -> BatchFn:
    from datalchemy_mp.generators.regex_gen import compile_pattern

    try:
        draw = compile_pattern(pattern, max_repeat)
    except ValueError as exc:
        raise ParamError(f"param 'pattern': {exc}", path="pattern") from None
    lo = params.get("min_len")
    hi = params.get("max_len")
    limit = col.max_length
    allow_empty = params.get("allow_empty", False)
    if hi is None or (limit is not None and limit < hi):
        hi = limit
    if lo is None:
        lo = 0 if allow_empty else 1
    if col.unique:
        longest = hi if hi is not None else UNBOUNDED_KEY_LENGTH
        unique = _unique_text(col, gen_id, lo, longest, pattern=pattern)
        if unique is not None:
            return unique

    def ok(s: str) -> bool:
        return lo <= len(s) and (hi is None or len(s) <= hi)

    def gen(b: Batch) -> list:
        rng = b.rng
        out = []
        for k in range(b.n):
            for _ in range(50):
                s = draw(rng)
                if ok(s):
                    break
            else:
                raise GenerationError(
                    f"{col.qualified}: {gen_id} pattern {pattern!r} gave no string of length "
                    f"{lo}..{hi if hi is not None else 'any'} in 50 tries (row {b.start + k + 1})"
                )
            out.append(s)
        return out

    return not_distinct(gen) if col.unique else gen


@generator(
    "primitive.text",
    kinds=TEXT,
    unique=True,
    params=(
        *TEXT_LIMITS,
        Param("pattern", str, doc="a regex the values fully match (not with charset)"),
        Param("charset", str, doc="characters to draw from, ranges allowed (default a-zA-Z0-9)"),
        Param("max_repeat", int, min=1, doc="extra repeats of open quantifiers (needs pattern)"),
    ),
)
def text(col: ColumnInfo, params: dict) -> BatchFn:
    """Random characters from ``charset`` (length in [min_len, max_len]), or a regex match;
    distinct by construction on a unique column (natural first: upper-case letters, then
    digits, lower case and punctuation, when no charset is given)."""
    pattern, charset = params["pattern"], params["charset"]
    if pattern is not None and charset is not None:
        raise ParamError("give either param 'pattern' or param 'charset', not both", path="charset")
    if params["max_repeat"] is not None and pattern is None:
        raise ParamError("param 'max_repeat' needs param 'pattern'", path="max_repeat")
    if pattern is not None:
        _length_bounds(col, params)
        return _pattern_fn(pattern, params["max_repeat"] or 32, col, params, "primitive.text")
    if charset is not None and not charset:
        raise ParamError("param 'charset' must not be empty", path="charset")
    chars = expand_charset(charset) if charset else DEFAULT_CHARSET
    lo, hi = _length_bounds(col, params)
    if col.unique:
        unique = _unique_text(col, "primitive.text", lo, hi, charset=chars if charset else None)
        assert unique is not None  # only a pattern can fail to enumerate
        return unique
    span = hi - lo + 1

    def gen(b: Batch) -> list:
        rng = b.rng
        r = rng.random
        lengths = [lo + int(r() * span) for _ in range(b.n)]
        pool = "".join(rng.choices(chars, k=sum(lengths)))
        out, pos = [], 0
        for n in lengths:
            out.append(pool[pos : pos + n])
            pos += n
        return out

    return gen


@generator(
    "primitive.text.pattern",
    kinds=TEXT,
    unique=True,
    example_params={"pattern": "PRD-[A-Z]{3}-[0-9]{4}"},
    params=(
        Param("pattern", str, required=True, doc="a Python regex; values fully match it"),
        Param("max_repeat", int, default=32, min=1, doc="extra repeats of open quantifiers"),
        *TEXT_LIMITS,
    ),
)
def text_pattern(col: ColumnInfo, params: dict) -> BatchFn:
    """A random string matching ``pattern`` (ASCII digits for ``\\d``); distinct by
    construction on a unique column when the regex can be enumerated."""
    _length_bounds(col, params)
    return _pattern_fn(params["pattern"], params["max_repeat"], col, params, "primitive.text.pattern")


@generator(
    "primitive.text.lorem",
    kinds=TEXT,
    params=(
        Param("words", int, min=0, doc="exact number of words"),
        Param("min_words", int, default=3, min=0),
        Param("max_words", int, default=8, min=0),
        *TEXT_LIMITS,
    ),
)
def text_lorem(col: ColumnInfo, params: dict) -> BatchFn:
    """Space-joined lorem ipsum words."""
    words = params["words"]
    if words is not None:
        lo = hi = words
    else:
        check_order(params, "min_words", "max_words")
        lo, hi = params["min_words"], params["max_words"]
    if lo == 0 and not params["allow_empty"]:
        raise ParamError(
            "0 words needs param 'allow_empty': true", path="words" if words is not None else "min_words"
        )
    limit = params["max_len"] if params["max_len"] is not None else col.max_length
    if col.max_length is not None and limit is not None:
        limit = min(limit, col.max_length)
    min_len = params["min_len"] or 0
    if limit is not None and min_len > limit:
        raise ParamError(f"param 'min_len' ({min_len}) exceeds the maximum length {limit}", path="min_len")
    span = hi - lo + 1

    def gen(b: Batch) -> list:
        rng = b.rng
        r = rng.random
        counts = [lo + int(r() * span) for _ in range(b.n)]
        pool = rng.choices(LOREM, k=sum(counts) + 1)
        out, pos = [], 0
        for n in counts:
            s = " ".join(pool[pos : pos + n])
            pos += n
            while len(s) < min_len:
                s = f"{s} {rng.choice(LOREM)}" if s else rng.choice(LOREM)
            out.append(fit(s, limit) if limit is not None else s)
        return out

    return gen


# --- uuid ----------------------------------------------------------------------------------

_U64 = struct.Struct("<Q")


@generator("primitive.uuid", kinds=UUID | TEXT, unique=True)
def uuid4(col: ColumnInfo, params: dict) -> BatchFn:
    """Version-4 UUID, lowercase and hyphenated: 122 bits of a keyed hash of the row index
    (random-looking; two equal values in 10 million rows have odds below 1e-22). Being a
    function of the row index, a child table computes its parent's keys without waiting."""
    copy = blake2b(digest_size=16, key=col.seed.to_bytes(8, "little")).copy
    pack = _U64.pack

    def uuids(idx: Sequence[int]) -> list:
        # the walrus tuple keeps the keyed hash inline (no call per row); update() returns None
        h = b"".join([(d := copy(), d.update(pack(j)), d.digest())[2] for j in idx]).hex()  # type: ignore[func-returns-value]
        return hyphenated(h, version4=True)

    return with_capacity(by_index(uuids), 1 << 122)


alias("primitive.uuid.v4", "primitive.uuid")


# --- dates and times -----------------------------------------------------------------------


def _span_fn(gen_id: str, col: ColumnInfo, span: int, make) -> BatchFn:
    """Offsets 0..span-1 (uniform, or a permutation on a unique column) mapped by ``make``."""
    if col.unique:
        perm = BlockPermutation(span, col.seed)

        def gen_unique(b: Batch) -> list:
            require_rows(col, gen_id, span, b.start, b.n)
            return make(perm.block(b.start, b.n))

        return with_capacity(gen_unique, span)

    def gen(b: Batch) -> list:
        r = b.rng.random
        return make([int(r() * span) for _ in range(b.n)])

    return with_capacity(gen, span)


@generator(
    "primitive.date",
    kinds=DATE | TIMESTAMP,
    unique=True,
    params=(
        Param("min", str, default="2024-01-01", doc="YYYY-MM-DD (inclusive)"),
        Param("max", str, default="2024-12-31", doc="YYYY-MM-DD (inclusive)"),
    ),
)
def date_range(col: ColumnInfo, params: dict) -> BatchFn:
    """Uniform day in [min, max]."""
    lo, hi = parse_date(params["min"], "min"), parse_date(params["max"], "max")
    check_order({"min": lo, "max": hi})
    first = lo.toordinal()
    fromordinal = dt.date.fromordinal
    return _span_fn(
        "primitive.date", col, hi.toordinal() - first + 1, lambda xs: [fromordinal(first + x) for x in xs]
    )


alias("primitive.date.range", "primitive.date")


@generator(
    "primitive.time",
    kinds=TIME,
    unique=True,
    params=(
        Param("min", str, default="00:00:00", doc="HH:MM:SS[.f] (inclusive)"),
        Param("max", str, default="23:59:59", doc="HH:MM:SS[.f] (inclusive)"),
    ),
)
def time_range(col: ColumnInfo, params: dict) -> BatchFn:
    """Uniform time of day in [min, max], whole seconds."""
    lo, hi = parse_time(params["min"], "min"), parse_time(params["max"], "max")
    check_order({"min": lo, "max": hi})
    first = lo.hour * 3600 + lo.minute * 60 + lo.second + (1 if lo.microsecond else 0)
    last = hi.hour * 3600 + hi.minute * 60 + hi.second
    if last < first:
        raise ParamError(f"no whole second lies in [{lo}, {hi}]", path="max")
    t = dt.time
    return _span_fn(
        "primitive.time",
        col,
        last - first + 1,
        lambda xs: [t((s := first + x) // 3600, s // 60 % 60, s % 60) for x in xs],
    )


alias("primitive.time.range", "primitive.time")


@generator(
    "primitive.timestamp",
    kinds=TIMESTAMP | DATE,
    unique=True,
    params=(
        Param(
            "min",
            str,
            default="2024-01-01T00:00:00",
            doc="RFC 3339 (converted to UTC), YYYY-MM-DDTHH:MM:SS or YYYY-MM-DD HH:MM:SS",
        ),
        Param("max", str, default="2024-12-31T23:59:59", doc="same formats as min"),
    ),
)
def timestamp_range(col: ColumnInfo, params: dict) -> BatchFn:
    """Uniform naive UTC timestamp in [min, max], 1 s steps."""
    lo = parse_timestamp(params["min"], "min")
    hi = parse_timestamp(params["max"], "max")
    check_order({"min": lo, "max": hi})
    lo = lo.replace(microsecond=0)
    span = int((hi - lo).total_seconds()) + 1
    td = dt.timedelta
    return _span_fn("primitive.timestamp", col, span, lambda xs: [lo + td(0, x) for x in xs])


alias("primitive.timestamp.range", "primitive.timestamp")


@generator(
    "primitive.interval",
    kinds=frozenset({"interval"}) | TEXT,
    params=(
        Param("min_seconds", int, default=60, min=0),
        Param("max_seconds", int, default=30 * 86400, min=0),
    ),
)
def interval(col: ColumnInfo, params: dict) -> BatchFn:
    """A Postgres interval such as ``3 days 04:05:06`` (uniform seconds in the range)."""
    check_order(params, "min_seconds", "max_seconds")
    lo, span = params["min_seconds"], params["max_seconds"] - params["min_seconds"] + 1

    def show(s: int) -> str:
        days, s = divmod(s, 86400)
        clock = f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"
        return f"{days} days {clock}" if days else clock

    def gen(b: Batch) -> list:
        r = b.rng.random
        return [show(lo + int(r() * span)) for _ in range(b.n)]

    return gen


# --- enums, choices, constants ---------------------------------------------------------------


def _choice_fn(
    gen_id: str,
    col: ColumnInfo,
    values: list,
    weights: list | None,
    majority=None,
    majority_rate: float = 0.5,
) -> BatchFn:
    if col.unique:
        perm = BlockPermutation(len(values), col.seed)

        def gen_unique(b: Batch) -> list:
            require_rows(col, gen_id, len(values), b.start, b.n)
            return [values[x] for x in perm.block(b.start, b.n)]

        return with_capacity(gen_unique, len(values))
    if majority is not None:
        others = [v for v in values if v != majority] or [majority]

        def gen_majority(b: Batch) -> list:
            rng = b.rng
            r = rng.random
            picks = rng.choices(others, k=b.n)
            return [majority if r() < majority_rate else p for p in picks]

        return with_capacity(gen_majority, len(values))
    if weights is not None:
        cum, total = [], 0.0
        for w in weights:
            total += w
            cum.append(total)
        return with_capacity(lambda b: b.rng.choices(values, cum_weights=cum, k=b.n), len(values))
    return with_capacity(lambda b: b.rng.choices(values, k=b.n), len(values))


@generator(
    "primitive.enum",
    kinds=ENUM | TEXT,
    unique=True,
    params=(
        Param("majority", str, doc="a label drawn more often than the others (e.g. the default)"),
        Param("majority_rate", float, default=0.5, min=0.0, max=1.0, doc="share of majority"),
    ),
)
def enum(col: ColumnInfo, params: dict) -> BatchFn:
    """A uniform label of the column's enum (``unknown`` if it has no labels)."""
    if col.kind != Kind.ENUM and not col.enum_labels:
        raise ParamError(f"{col.qualified} is {col.data_type}, not an enum type")
    labels = list(col.enum_labels) or ["unknown"]
    majority = params["majority"]
    if majority is not None and majority not in labels:
        raise ParamError(
            f"param 'majority': {majority!r} is not a label of {col.data_type} (labels: {labels})",
            path="majority",
        )
    return _choice_fn("primitive.enum", col, labels, None, majority, params["majority_rate"])


@generator(
    "primitive.choice",
    unique=True,
    example_params={"values": ["a", "b", "c"]},
    params=(
        Param("values", list, required=True, doc="the values to pick from"),
        Param("weights", list, doc="relative weights (numbers > 0), one per value"),
    ),
)
def choice(col: ColumnInfo, params: dict) -> BatchFn:
    """One of ``values`` (weighted if ``weights`` is given); distinct on a unique column."""
    values, weights = params["values"], params["weights"]
    if not values:
        raise ParamError("param 'values' must not be empty", path="values")
    if weights is not None:
        if len(weights) != len(values):
            raise ParamError(
                f"param 'weights' has {len(weights)} items, 'values' has {len(values)}", path="weights"
            )
        if not all(isinstance(w, int | float) and not isinstance(w, bool) and w > 0 for w in weights):
            raise ParamError("param 'weights' must hold numbers > 0", path="weights")
    return _choice_fn("primitive.choice", col, list(values), weights)


@generator(
    "primitive.constant",
    example_params={"value": "BRL"},
    params=(Param("value", (str, int, float, bool), required=True, doc="the value of every row"),),
)
def constant(col: ColumnInfo, params: dict) -> BatchFn:
    """The same value on every row (e.g. a literal SQL default such as 'BRL')."""
    value = params["value"]
    return with_capacity(lambda b: [value] * b.n, 1)


# --- network, json, arrays, bytes ------------------------------------------------------------


def ipv4_fn(col: ColumnInfo, gen_id: str) -> BatchFn:
    """Dotted quads with each octet in 1..254 (distinct by construction if unique)."""
    if col.unique:
        span = 254**4
        perm = BlockPermutation(span, seeds.derive(col.seed, "ipv4"))

        def gen_unique(b: Batch) -> list:
            require_rows(col, gen_id, span, b.start, b.n)
            return [
                f"{x // 16387064 + 1}.{x // 64516 % 254 + 1}.{x // 254 % 254 + 1}.{x % 254 + 1}"
                for x in perm.block(b.start, b.n)
            ]

        return with_capacity(gen_unique, span)

    octets = [str(k) for k in range(1, 255)]

    def gen(b: Batch) -> list:
        o = b.rng.choices(octets, k=4 * b.n)
        return [f"{o[k]}.{o[k + 1]}.{o[k + 2]}.{o[k + 3]}" for k in range(0, 4 * b.n, 4)]

    return gen


@generator("primitive.inet", kinds=frozenset({"inet"}) | TEXT, unique=True)
def inet(col: ColumnInfo, params: dict) -> BatchFn:
    """An IPv4 address, each octet 1..254."""
    return ipv4_fn(col, "primitive.inet")


_JSON_SOURCES = ("web", "mobile", "api", "import", "email", "partner")
_JSON_TAGS = ("new", "vip", "priority", "trial", "beta", "renewal", "churn-risk", "enterprise")


@generator("primitive.json", kinds=JSON | TEXT)
def json_object(col: ColumnInfo, params: dict) -> BatchFn:
    """A small JSON object: ``{"source": "web", "score": 73, "tags": ["vip"], "active": true}``."""

    def gen(b: Batch) -> list:
        rng = b.rng
        r = rng.random
        sources = rng.choices(_JSON_SOURCES, k=b.n)
        return [
            {
                "source": s,
                "score": int(r() * 101),
                "tags": rng.sample(_JSON_TAGS, int(r() * 3)),
                "active": r() < 0.8,
            }
            for s in sources
        ]

    return gen


@generator(
    "primitive.array",
    kinds=frozenset({Kind.ARRAY}),
    params=(
        Param("element", str, doc="element kind (default: the column's element type)"),
        Param("min_items", int, default=1, min=0),
        Param("max_items", int, default=3, min=0),
    ),
)
def array(col: ColumnInfo, params: dict) -> BatchFn:
    """A list of ``min_items..max_items`` values of the element type (its default generator)."""
    from datalchemy_mp.generators.base import GENERATORS, check_params
    from datalchemy_mp.generators.defaults import default_generator

    check_order(params, "min_items", "max_items")
    try:
        kind = Kind(params["element"] or col.element_kind or Kind.TEXT)
    except ValueError:
        raise ParamError(f"unknown element kind {params['element']!r}", path="element") from None
    if kind == Kind.ARRAY:
        raise ParamError("arrays of arrays are not supported", path="element")
    elem = dataclasses.replace(
        col,
        kind=kind,
        data_type=kind,
        unique=False,
        max_length=None,
        element_kind=None,
        hints={"today": col.hints.get("today")} if col.hints.get("today") else {},
    )
    gen_id, gen_params = default_generator(elem, None, False)
    spec = GENERATORS[gen_id]
    fill = spec.factory(elem, check_params(spec.params, gen_params, strict=spec.strict, path=""))
    lo, span = params["min_items"], params["max_items"] - params["min_items"] + 1
    dims = max(1, col.data_type.count("[]"))  # declared integer[][]: nested, rectangular

    def gen(b: Batch) -> list:
        r = b.rng.random
        counts = [lo + int(r() * span) for _ in range(b.n)]
        if dims > 1:  # the first dimension's length, then 1-2 per inner dimension
            shapes = [[c, *(1 + int(r() * 2) for _ in range(dims - 1))] for c in counts]
            counts = [math.prod(shape) for shape in shapes]
        values = fill(Batch(rng=b.rng, start=b.start, n=sum(counts)))
        out, pos = [], 0
        for k, c in enumerate(counts):
            items = values[pos : pos + c]
            pos += c
            if dims > 1:
                for size in reversed(shapes[k][1:]):
                    items = [items[i : i + size] for i in range(0, len(items), size)]
            out.append(items)
        return out

    return gen


@generator(
    "primitive.bytes",
    kinds=frozenset({Kind.BYTEA}),
    params=(
        Param("min_len", int, default=8, min=0),
        Param("max_len", int, default=32, min=0),
    ),
)
def bytes_(col: ColumnInfo, params: dict) -> BatchFn:
    """Random bytes (for bytea columns)."""
    check_order(params, "min_len", "max_len")
    lo, span = params["min_len"], params["max_len"] - params["min_len"] + 1

    def gen(b: Batch) -> list:
        rng = b.rng
        r = rng.random
        return [rng.randbytes(lo + int(r() * span)) for _ in range(b.n)]

    return gen
