"""The generator and transform registry, and the types a generator works with.

A generator is registered once, by ID, next to its code::

    @generator("semantic.br.cpf", kinds=TEXT, unique=True, tags=("pii.cpf",),
               description="CPF, 11 digits with valid check digits")
    def cpf(col: ColumnInfo, params: dict) -> BatchFn:
        def gen(b: Batch) -> list:
            ...
        return gen

The decorated function is a *factory*: it is called once per column with the column's
metadata and the validated params, and returns a function that fills a whole block of rows
at once (column-wise: a block is up to BLOCK_ROWS rows). Every draw comes from ``Batch.rng``
so output is a pure function of the seed, the params and the rows so far.
"""

from __future__ import annotations

import difflib
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from datalchemy_mp.contracts.kinds import FLOATS, INTEGERS, TIMESTAMPS, Kind
from datalchemy_mp.errors import ParamError

BLOCK_ROWS = 4096
"""Rows per RNG block. Fixed, so bytes never depend on chunk size or worker count."""

# Column kinds: the normalised SQL type a generator fills (see contracts.kinds.Kind).
INT = INTEGERS
NUMERIC = frozenset({Kind.NUMERIC}) | FLOATS
NUMBER = INT | NUMERIC
TEXT = frozenset({Kind.TEXT})
BOOL = frozenset({Kind.BOOLEAN})
DATE = frozenset({Kind.DATE})
TIME = frozenset({Kind.TIME})
TIMESTAMP = TIMESTAMPS
TEMPORAL = DATE | TIME | TIMESTAMP
UUID = frozenset({Kind.UUID})
ENUM = frozenset({Kind.ENUM})
JSON = frozenset({Kind.JSON})
ANY: frozenset[str] = frozenset()
"""An empty kind set means: fills any column (its values are written as text)."""


@dataclass(frozen=True)
class ColumnInfo:
    """What a generator knows about the column it fills."""

    schema: str
    table: str
    name: str
    kind: Kind
    data_type: str = "text"
    max_length: int | None = None
    precision: int | None = None
    scale: int | None = None
    nullable: bool = True
    unique: bool = False
    """True when the column alone is a PRIMARY KEY or UNIQUE: generators that construct
    unique values (``unique=True`` in their spec) must then never repeat a value."""
    key: bool = False
    """True when the column is in a PRIMARY KEY or UNIQUE, alone or with others: never one
    constant value (a literal SQL default) there."""
    enum_labels: tuple[str, ...] = ()
    element_kind: Kind | None = None  # for arrays
    seed: int = 0
    """A stable 64-bit key for this column (from the plan seed and the column's name): use it
    to key bijections, so unique values look random yet never collide across chunks."""
    locale: str = "en_US"
    hints: dict[str, Any] = field(default_factory=dict)
    """What the table's CHECK constraints say about this column: ``min``/``max`` (inclusive,
    numbers or dates), ``choices`` (allowed values), ``pattern`` (a regex the value must
    match), ``min_length``/``max_length``, ``contains`` (substrings required after the first
    character, e.g. "@")."""
    table_seed: int = 0
    """A stable 64-bit key shared by every column of the table (the engine's table key; 0 when
    not given): generators whose columns must agree within a row (a Brazilian UF, its city,
    CEP and area code) key on it, so they need no other column's values."""

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.table}.{self.name}"


@dataclass
class Batch:
    """A block of rows being generated: ``n`` rows starting at global row ``start``."""

    rng: random.Random
    start: int
    n: int
    row: dict[str, list] = field(default_factory=dict)
    """Columns already generated in this block, by column name (derive inputs, FK values)."""
    attempt: int = 0
    """0 for a block; k > 0 when the engine makes one row again (its k-th retry). Generators
    that draw from the row index rather than ``rng`` must mix it in so retries differ."""


BatchFn = Callable[[Batch], list]
TransformFn = Callable[[Batch, list], list]


def by_index(values_of: Callable[[Sequence[int]], list]) -> BatchFn:
    """A generator whose values are a pure function of the row index. The engine uses
    ``fn.by_index(indexes)`` to compute a parent's keys in a child, with no key file and no
    waiting for the parent to be written."""

    def gen(b: Batch) -> list:
        return values_of(range(b.start, b.start + b.n))

    gen.by_index = values_of  # type: ignore[attr-defined]
    return gen


def with_capacity(fn: BatchFn, capacity: int | None, *, every_row: bool = False) -> BatchFn:
    """State how many distinct values ``fn`` can make for its column, so ``validate`` can
    reject a unique key asked for more rows before any work. ``every_row``: it never repeats a
    value even on a non-unique column (a sequence), so no column takes more rows than that."""
    fn.capacity = capacity  # type: ignore[attr-defined]
    fn.every_row = every_row  # type: ignore[attr-defined]
    return fn


def not_distinct(fn: BatchFn) -> BatchFn:
    """Mark a unique-capable generator's function that cannot keep values distinct here."""
    fn.distinct = False  # type: ignore[attr-defined]
    return fn


def is_distinct(fn: BatchFn | None) -> bool:
    return getattr(fn, "distinct", True)


def capacity_of(fn: BatchFn | None) -> tuple[int | None, bool]:
    """(distinct values, every_row) a generator stated; (None, False) when it did not: its
    space is then taken as unbounded, and the engine's own checks guard the run."""
    return getattr(fn, "capacity", None), getattr(fn, "every_row", False)


@dataclass(frozen=True)
class Param:
    """One param of a generator or transform, checked when the plan is validated."""

    name: str
    type: type | tuple[type, ...]
    default: Any = None
    required: bool = False
    min: float | None = None
    max: float | None = None
    choices: Sequence[Any] | None = None
    doc: str = ""

    def describe(self) -> dict:
        types = self.type if isinstance(self.type, tuple) else (self.type,)
        out: dict[str, Any] = {"name": self.name, "type": "|".join(t.__name__ for t in types)}
        if self.required:
            out["required"] = True
        else:
            out["default"] = self.default
        for key in ("min", "max", "choices"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.doc:
            out["doc"] = self.doc
        return out


@dataclass(frozen=True)
class GeneratorSpec:
    id: str
    factory: Callable[[ColumnInfo, dict], BatchFn]
    kinds: frozenset[str]
    params: tuple[Param, ...]
    strict: bool
    """Strict params: unknown keys are errors. Loose: unknown keys are ignored."""
    unique: bool
    """Constructs distinct values for every row index when ``ColumnInfo.unique`` is set (a
    factory that cannot for one column returns ``not_distinct(fn)``: the engine then checks)."""
    description: str
    tags: tuple[str, ...]
    derive: bool
    """Reads other columns of the row (``params.input_columns``); run after them."""
    example_params: dict | None = None


@dataclass(frozen=True)
class TransformSpec:
    id: str
    factory: Callable[[ColumnInfo, dict], TransformFn]
    params: tuple[Param, ...]
    strict: bool
    description: str


GENERATORS: dict[str, GeneratorSpec] = {}
TRANSFORMS: dict[str, TransformSpec] = {}


def generator(
    id: str,
    *,
    kinds: frozenset[str] = ANY,
    params: Sequence[Param] = (),
    strict: bool = True,
    unique: bool = False,
    description: str = "",
    tags: Sequence[str] = (),
    derive: bool = False,
    example_params: dict | None = None,
) -> Callable:
    """Register a generator factory under ``id`` (and return it unchanged)."""

    def register(factory: Callable[[ColumnInfo, dict], BatchFn]) -> Callable:
        if id in GENERATORS:
            raise RuntimeError(f"generator {id!r} registered twice")
        GENERATORS[id] = GeneratorSpec(
            id=id,
            factory=factory,
            kinds=kinds,
            params=tuple(params),
            strict=strict,
            unique=unique,
            description=description or (factory.__doc__ or "").strip().split("\n")[0],
            tags=tuple(tags),
            derive=derive,
            example_params=example_params,
        )
        return factory

    return register


def alias(new_id: str, target_id: str, description: str = "") -> None:
    """Register ``new_id`` as another name of an already registered generator."""
    spec = GENERATORS[target_id]
    GENERATORS[new_id] = GeneratorSpec(
        **{**spec.__dict__, "id": new_id, "description": description or spec.description}
    )


def transform(
    id: str, *, params: Sequence[Param] = (), strict: bool = True, description: str = ""
) -> Callable:
    """Register a transform factory under ``id``: it returns ``fn(batch, values) -> values``."""

    def register(factory: Callable[[ColumnInfo, dict], TransformFn]) -> Callable:
        if id in TRANSFORMS:
            raise RuntimeError(f"transform {id!r} registered twice")
        TRANSFORMS[id] = TransformSpec(
            id=id,
            factory=factory,
            params=tuple(params),
            strict=strict,
            description=description or (factory.__doc__ or "").strip().split("\n")[0],
        )
        return factory

    return register


def check_params(specs: Sequence[Param], params: dict, *, strict: bool, path: str) -> dict:
    """Return ``params`` with defaults filled in, or raise ParamError naming the JSON path.

    Unknown keys are errors when ``strict``; loose generators keep them (derive params such
    as ``input_columns`` are read by the engine)."""
    if not isinstance(params, dict):
        raise ParamError(f"expected an object of params, got {type(params).__name__}", path=path)
    known = {p.name: p for p in specs}
    if strict:
        for key in unknown_params(specs, params):
            names = ", ".join(sorted(known)) or "none"
            raise ParamError(
                f"unknown param {key!r}{closest_param(specs, key)} (known: {names})", path=f"{path}/{key}"
            )
    out = dict(params)
    for p in specs:
        where = f"{path}/{p.name}"
        if p.name not in params or params[p.name] is None:
            if p.required:
                raise ParamError(f"param {p.name!r} is required", path=path)
            out[p.name] = p.default
            continue
        value = params[p.name]
        types = p.type if isinstance(p.type, tuple) else (p.type,)
        if float in types and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if isinstance(value, bool) and bool not in types:
            raise ParamError(f"expected {_type_names(types)}, got a boolean", path=where)
        if not isinstance(value, types):
            raise ParamError(f"expected {_type_names(types)}, got {type(value).__name__}", path=where)
        if p.min is not None and isinstance(value, int | float) and value < p.min:
            raise ParamError(f"must be >= {p.min}, got {value}", path=where)
        if p.max is not None and isinstance(value, int | float) and value > p.max:
            raise ParamError(f"must be <= {p.max}, got {value}", path=where)
        if p.choices is not None and value not in p.choices:
            raise ParamError(f"must be one of {list(p.choices)}, got {value!r}", path=where)
        out[p.name] = value
    return out


def unknown_params(specs: Sequence[Param], params: dict) -> list[str]:
    """Keys of ``params`` that no param of ``specs`` declares."""
    known = {p.name for p in specs}
    return [key for key in params if key not in known]


def closest_param(specs: Sequence[Param], key: str) -> str:
    """`` (did you mean 'max_seconds'?)`` for a misspelt param name, else nothing."""
    match = difflib.get_close_matches(key, [p.name for p in specs], n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""


def _type_names(types: tuple[type, ...]) -> str:
    names = {
        int: "an integer",
        float: "a number",
        str: "a string",
        bool: "a boolean",
        list: "an array",
        dict: "an object",
    }
    return " or ".join(names.get(t, t.__name__) for t in types)
