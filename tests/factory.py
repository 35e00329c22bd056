"""Small schema.json / plan.json documents for tests, built in code."""

from __future__ import annotations

from pathlib import Path

import orjson

_UDT = {
    "text": "text",
    "integer": "int4",
    "bigint": "int8",
    "smallint": "int2",
    "boolean": "bool",
    "date": "date",
    "uuid": "uuid",
    "timestamp with time zone": "timestamptz",
    "timestamp without time zone": "timestamp",
    "jsonb": "jsonb",
    "inet": "inet",
    "double precision": "float8",
    "real": "float4",
    "time without time zone": "time",
}


def col(
    name: str,
    data_type: str = "text",
    *,
    nullable: bool = True,
    default: str | None = None,
    identity: str | None = None,
    udt: tuple[str, str] | None = None,
    max_length: int | None = None,
    precision: int | None = None,
    scale: int | None = None,
) -> dict:
    base = data_type.split("(")[0]
    if udt is None:
        name_udt = {"numeric": "numeric", "character varying": "varchar", "character": "bpchar"}.get(
            base, _UDT.get(data_type, base)
        )
        udt = ("pg_catalog", name_udt)
    return {
        "name": name,
        "column_type": {
            "data_type": data_type,
            "udt_schema": udt[0],
            "udt_name": udt[1],
            "character_max_length": max_length,
            "numeric_precision": precision,
            "numeric_scale": scale,
            "collation": None,
        },
        "is_nullable": nullable,
        "default": default,
        "identity": identity,
        "generated": None,
        "comment": None,
    }


def table(
    name: str,
    columns: list[dict],
    *,
    pk: list[str] | None = None,
    uniques: list[list[str]] = (),
    checks: list[str] = (),
    fks: list[tuple] = (),
) -> dict:
    """``fks``: (columns, referenced table, referenced columns) within the same schema."""
    for i, c in enumerate(columns, 1):
        c["ordinal_position"] = i
    constraints = []
    if pk:
        constraints.append({"kind": "primary_key", "name": f"{name}_pkey", "columns": pk})
    for i, u in enumerate(uniques):
        constraints.append(
            {
                "kind": "unique",
                "name": f"{name}_u{i}",
                "columns": u,
                "is_deferrable": False,
                "initially_deferred": False,
            }
        )
    for i, c in enumerate(checks):
        constraints.append({"kind": "check", "name": f"{name}_c{i}", "expression": c})
    for i, (cols, ref, ref_cols) in enumerate(fks):
        constraints.append(
            {
                "kind": "foreign_key",
                "name": f"{name}_fk{i}",
                "columns": cols,
                "referenced_schema": "app",
                "referenced_table": ref,
                "referenced_columns": ref_cols,
                "on_update": "no_action",
                "on_delete": "no_action",
                "match_type": "simple",
                "is_deferrable": False,
                "initially_deferred": False,
            }
        )
    return {
        "name": name,
        "kind": "table",
        "comment": None,
        "columns": columns,
        "constraints": constraints,
        "indexes": [],
    }


def schema_doc(*tables: dict, enums: list[dict] = ()) -> dict:
    return {
        "schema_version": "0.2",
        "engine": "postgres",
        "database": "test",
        "schemas": [{"name": "app", "tables": list(tables)}],
        "enums": list(enums),
        "schema_fingerprint": None,
    }


def plan_doc(targets: dict[str, int], rules: list[dict] = (), *, seed: int = 7, **extra) -> dict:
    return {
        "plan_version": "0.2",
        "seed": seed,
        "schema_ref": {"schema_version": "0.2", "engine": "postgres"},
        "targets": [{"schema": "app", "table": t, "rows": n} for t, n in targets.items()],
        "rules": list(rules),
        **extra,
    }


def rule(table_name: str, column: str, generator: str | dict, **extra) -> dict:
    return {
        "type": "column_generator",
        "schema": "app",
        "table": table_name,
        "column": column,
        "generator": generator,
        **extra,
    }


def write(path: Path, doc: dict) -> Path:
    path.write_bytes(orjson.dumps(doc, option=orjson.OPT_INDENT_2))
    return path
