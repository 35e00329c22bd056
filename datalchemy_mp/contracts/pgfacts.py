"""The optional schema.json fields beyond v0.2 (README "schema.json extensions"), read into the
Table/Column facts the engine already honours: domains, unique indexes, partition trees.

- `column_type.domain` {schema, name, base_type, not_null, checks}: the column gets the base
  type's kind, the domain's NOT NULL and its CHECKs with VALUE meaning the column.
- `indexes[].keys` / `predicate` / `nulls_not_distinct`: a unique index over plain columns and
  without WHERE is a UNIQUE constraint; any other unique index is a `UniqueIndex` the engine
  checks row by row (expressions evaluated by the CHECK machinery, WHERE as a row filter).
- `partition_key` {strategy, definition} and `partition_of` {schema, table, bound, constraint}:
  a partition's rows satisfy its partition constraint (a CHECK); a partitioned table's rows
  satisfy the OR of its leaf partitions' constraints, so Postgres can route each of them.
"""

from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import dataclass
from typing import Any

import pglast

HASH_PARTITION_FUNCTION = "satisfies_hash_partition"


@dataclass(frozen=True)
class Domain:
    schema: str
    name: str
    base_type: str
    not_null: bool
    checks: tuple[tuple[str, str], ...]
    """(constraint name, CHECK text with VALUE)."""


@dataclass(frozen=True)
class UniqueIndex:
    """A unique index the engine checks row by row (expression keys or a WHERE)."""

    name: str
    columns: tuple[str | None, ...]
    """Per key: the column, or None where the key is an expression."""
    expressions: tuple[str, ...]
    """Per key: the SQL text Postgres prints (the column name for plain keys)."""
    predicate: str | None
    nulls_not_distinct: bool = False


@dataclass(frozen=True)
class Partition:
    parent: tuple[str, str]
    bound: str
    constraint: str | None


def read_domain(column_type: dict) -> Domain | None:
    raw = column_type.get("domain") if isinstance(column_type, dict) else None
    if not isinstance(raw, dict) or not isinstance(raw.get("base_type"), str):
        return None
    checks = tuple(
        (str(c.get("name") or raw.get("name")), c["expression"])
        for c in raw.get("checks") or ()
        if isinstance(c, dict) and isinstance(c.get("expression"), str)
    )
    return Domain(
        schema=str(raw.get("schema") or ""),
        name=str(raw.get("name") or ""),
        base_type=raw["base_type"],
        not_null=bool(raw.get("not_null")),
        checks=checks,
    )


def quote_ident(name: str) -> str:
    if name.isidentifier() and name == name.lower() and name.isascii():
        return name
    return '"' + name.replace('"', '""') + '"'


def value_as_column(expression: str, column: str) -> str:
    """A domain CHECK with every VALUE keyword replaced by the column's (quoted) name."""
    try:
        tokens = pglast.parser.scan(expression)
    except pglast.parser.ParseError:
        return expression  # left for the CHECK parser to report as unsupported
    out, pos = [], 0
    for t in tokens:
        if t.name == "VALUE_P":
            out.append(expression[pos : t.start])
            out.append(quote_ident(column))
            pos = t.end + 1
    out.append(expression[pos:])
    return "".join(out)


def base_udt_name(base_type: str) -> str:
    """`character varying(6)` -> `character varying`; `integer[]` -> `_integer`."""
    name = base_type.split("(")[0].strip()
    if base_type.strip().endswith("[]"):
        return "_" + name.removesuffix("[]").strip()
    return name


def enum_of(base_type: str, schema: str, enums: dict) -> tuple[str, str] | None:
    """The enum a domain's base type names (`mood`, `app.mood`, `"App"."Mood"`), if any."""
    parts = [p.strip().strip('"') for p in base_type.split(".")]
    if len(parts) == 2:
        return (parts[0], parts[1]) if (parts[0], parts[1]) in enums else None
    named = sorted(k for k in enums if k[1] == parts[0])
    return (schema, parts[0]) if (schema, parts[0]) in enums else (named[0] if named else None)


def read_unique_indexes(indexes: Any) -> tuple[list[tuple[str, tuple[str, ...]]], list[UniqueIndex]]:
    """(name, columns) of plain unique indexes, and the unique indexes to check row by row.

    Entries without `keys` (schema.json written before this field) are left as they were: listed,
    not enforced (the UNIQUE constraints they back are in `constraints` anyway)."""
    plain, checked = [], []
    for index in indexes if isinstance(indexes, list) else ():
        if not isinstance(index, dict) or not index.get("is_unique") or index.get("is_primary"):
            continue
        keys = index.get("keys")
        if not isinstance(keys, list) or not keys or index.get("is_valid") is False:
            continue
        columns = tuple(k.get("column") if isinstance(k, dict) else None for k in keys)
        expressions = tuple(
            (k.get("column") or k.get("expression") or "") if isinstance(k, dict) else "" for k in keys
        )
        predicate = index.get("predicate")
        nnd = bool(index.get("nulls_not_distinct"))
        name = str(index.get("name") or "")
        if all(columns) and not predicate and not nnd:
            plain.append((name, tuple(c for c in columns if c)))
        else:
            checked.append(UniqueIndex(name, columns, expressions, predicate or None, nnd))
    return plain, checked


def read_partition(table: dict) -> Partition | None:
    raw = table.get("partition_of")
    if not isinstance(raw, dict) or not raw.get("table"):
        return None
    constraint = raw.get("constraint")
    return Partition(
        parent=(str(raw.get("schema") or ""), str(raw["table"])),
        bound=str(raw.get("bound") or ""),
        constraint=constraint if isinstance(constraint, str) and constraint.strip() else None,
    )


def key_columns(definition: str, names: set[str]) -> tuple[str, ...]:
    """Columns a partition key definition (`RANGE (paid_at)`, `LIST (lower(code))`) reads."""
    try:
        tokens = pglast.parser.scan(definition)
    except pglast.parser.ParseError:
        return ()
    found = []
    for t in tokens:
        text = definition[t.start : t.end + 1].strip('"')
        if text in names and text not in found:
            found.append(text)
    return tuple(found)


def is_hash_constraint(constraint: str) -> bool:
    return HASH_PARTITION_FUNCTION in constraint


def routing_check(leaf_constraints: list[str | None]) -> str | None:
    """The CHECK a partitioned table's rows need so that some leaf partition accepts them.

    None when every row routes anyway: a DEFAULT partition (its constraint is the negation of
    the others, so the OR holds for all) or hash partitioning (every remainder exists when the
    leaves cover the modulus; Postgres itself reports a row that finds no partition)."""
    if not leaf_constraints or any(c is None or is_hash_constraint(c) for c in leaf_constraints):
        return None
    if len(leaf_constraints) == 1:
        return leaf_constraints[0]
    return " OR ".join(f"({c})" for c in leaf_constraints)


def routing_hull(leaf_constraints: list[str | None]) -> str | None:
    """What the routing OR implies that generators can construct: `col >= lowest AND col <
    highest` over range leaves, `col = ANY (every listed value)` over list leaves. None when
    the leaves are not all of one kind on one column."""
    from datalchemy_mp import checks as checkmod

    facts = []
    for text in leaf_constraints:
        if text is None or is_hash_constraint(text):
            return None
        try:
            hints = checkmod.column_hints([checkmod.parse_check(text)], {})
        except checkmod.UnsupportedCheck:
            return None
        keyed = [(c, h) for c, h in sorted(hints.items()) if h.get("choices") or ("min" in h and "max" in h)]
        if not keyed:
            return None
        facts.append(keyed[0])
    if not facts or len({c for c, _ in facts}) != 1:
        return None
    name = quote_ident(facts[0][0])
    if all(h.get("choices") for _, h in facts):
        values = list(dict.fromkeys(v for _, h in facts for v in h["choices"]))
        return f"({name} = ANY (ARRAY[{', '.join(sql_literal(v) for v in values)}]))"
    if not all("min" in h and "max" in h for _, h in facts):
        return None
    try:
        low = min(facts, key=lambda f: f[1]["min"])[1]
        high = max(facts, key=lambda f: f[1]["max"])[1]
    except TypeError:
        return None
    lo_op = ">" if low.get("min_exclusive") else ">="
    hi_op = "<" if high.get("max_exclusive") else "<="
    return f"(({name} {lo_op} {sql_literal(low['min'])}) AND ({name} {hi_op} {sql_literal(high['max'])}))"


def sql_literal(value: Any) -> str:
    if isinstance(value, dt.datetime):
        kind = "timestamp with time zone" if value.tzinfo else "timestamp without time zone"
        return f"'{value.isoformat(sep=' ')}'::{kind}"
    if isinstance(value, dt.date):
        return f"'{value.isoformat()}'::date"
    if isinstance(value, int | float | decimal.Decimal) and not isinstance(value, bool):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"
