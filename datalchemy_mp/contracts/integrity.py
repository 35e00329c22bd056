"""A schema that contradicts itself: names it uses that it does not define, names it defines
twice. Postgres could never have produced it, and no row could satisfy it."""

from __future__ import annotations

from collections import Counter

from datalchemy_mp import checks as checkmod
from datalchemy_mp.contracts.schema import Schema
from datalchemy_mp.errors import Issue


def check_schema(schema: Schema) -> list[Issue]:
    """Every duplicate column, FK to a missing column, CHECK reading a missing column and NOT NULL
    column of an enum without labels, as errors naming the file and the table; an FK to a table
    that is not in the schema is a warning (it cannot be filled)."""
    issues: list[Issue] = []

    def error(path: str, code: str, message: str) -> None:
        issues.append(Issue("error", code, path, message, schema.file))

    for table in schema.tables.values():
        names = {c.name for c in table.columns}
        for name, count in Counter(c.name for c in table.columns).items():
            if count > 1:
                error(
                    f"{table.path}/columns",
                    "duplicate_column",
                    f"{table.qualified}: column {name!r} is listed {count} times",
                )
        for fk in table.foreign_keys:
            label = f"{table.qualified}: FK {fk.name or ', '.join(fk.columns)}"
            parent = schema.table(*fk.ref)
            if parent is None:  # e.g. introspected with --schema: the FK is not filled, said loudly
                message = (
                    f"{label} references {'.'.join(fk.ref)}, which is not in the schema; it is left unfilled"
                )
                issues.append(
                    Issue("warning", "fk_target_missing", f"{table.path}/constraints", message, schema.file)
                )
                continue
            missing = [c for c in fk.ref_columns if parent.column(c) is None]
            if missing:
                error(
                    f"{table.path}/constraints",
                    "unknown_column",
                    f"{label} references {', '.join(map(repr, missing))}, not columns of {parent.qualified}",
                )
        for check in table.checks:
            try:
                expr = checkmod.parse_check(check.expression)
            except checkmod.UnsupportedCheck:
                continue  # counted as check_unsupported when the table is planned
            unknown = ", ".join(map(repr, sorted(set(expr.columns) - names)))
            if unknown:
                what = f"CHECK {check.name or check.expression}"
                error(
                    f"{table.path}/constraints",
                    "unknown_column",
                    f"{table.qualified}: {what} reads {unknown}",
                )
        for column in table.columns:
            if column.udt_name and not column.nullable and _empty_enum(schema, column):
                error(
                    f"{table.path}/columns",
                    "empty_enum",
                    f"{table.qualified}.{column.name} is NOT NULL but its enum type has no labels",
                )
    return issues


def _empty_enum(schema: Schema, column) -> bool:
    return any(name == column.udt_name and not labels for (_, name), labels in schema.enums.items())
