"""Read a live database's catalog into the schema.json v0.2 contract (Postgres or SQLite).

Postgres output follows the upstream introspector: tables and columns from pg_catalog, types as
`format_type()` prints them, defaults and CHECKs as the server prints them, everything sorted so
that the same database always gives the same bytes. psycopg is imported only when needed.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import orjson

from datalchemy_mp.db.sqlite_checks import sqlite_checks
from datalchemy_mp.errors import DatabaseError, MissingDriverError, OutputError
from datalchemy_mp.output.files import write_output
from datalchemy_mp.scrub import scrub_dsn_secrets, scrub_text

SCHEMA_VERSION = "0.2"

PSYCOPG_HINT = "pip install 'datalchemy-mp[postgres]'"


# --- secrets -------------------------------------------------------------------------------------


def redact_dsn(dsn: str) -> str:
    """The DSN with its password (URL userinfo, query or key=value form) replaced by `***`."""
    return scrub_text(dsn)


def scrub(text: str, dsn: str) -> str:
    """Remove the DSN's password from any text (a driver's error message, say)."""
    return scrub_dsn_secrets(text, dsn)


# --- connections ---------------------------------------------------------------------------------


def is_sqlite_dsn(dsn: str) -> bool:
    return dsn.startswith("sqlite:")


def sqlite_path(dsn: str) -> Path:
    """`sqlite:///rel/path.db` is relative, `sqlite:////abs/path.db` absolute (as SQLAlchemy)."""
    if not dsn.startswith("sqlite:///") or len(dsn) <= len("sqlite:///"):
        raise DatabaseError(
            f"bad SQLite DSN {dsn!r}: expected sqlite:///relative/path.db or sqlite:////abs/path.db"
        )
    return Path(dsn[len("sqlite:///") :].split("?", 1)[0])


def connect_sqlite(dsn: str, *, readonly: bool) -> sqlite3.Connection:
    """Open an existing SQLite file (never create one: a typo must not give an empty database)."""
    path = sqlite_path(dsn)
    if not path.is_file():
        raise DatabaseError(f"SQLite database not found: {path}")
    mode = "ro" if readonly else "rw"
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode={mode}", uri=True)
        conn.execute("select count(*) from sqlite_master").fetchone()
    except sqlite3.Error as e:
        raise DatabaseError(f"cannot open SQLite database {path}: {e}") from None
    return conn


def import_psycopg() -> Any:
    try:
        import psycopg
    except ImportError:
        raise MissingDriverError(
            f"Postgres support needs psycopg 3, which is not installed: {PSYCOPG_HINT}"
        ) from None
    return psycopg


def connect_postgres(dsn: str, **kwargs: Any) -> Any:
    """Connect with psycopg 3; every failure becomes a DatabaseError without the password."""
    psycopg = import_psycopg()
    try:
        given = psycopg.conninfo.conninfo_to_dict(dsn)
    except psycopg.Error:
        # libpq's parse errors quote pieces of the string, possibly of the password: show none.
        raise DatabaseError(
            "invalid connection string (not shown, it may hold a password): expected "
            "postgresql://USER[:PASSWORD]@HOST[:PORT]/DBNAME or key=value pairs"
        ) from None
    defaults = {"connect_timeout": 10, "application_name": "datalchemy-mp"}
    kwargs = {**{k: v for k, v in defaults.items() if k not in given}, **kwargs}
    try:
        return psycopg.connect(dsn, **kwargs)
    except psycopg.Error as e:
        detail = scrub(" ".join(str(e).split()), dsn)
        raise DatabaseError(f"cannot connect to {redact_dsn(dsn)}: {detail}") from None


# --- Postgres ------------------------------------------------------------------------------------

_RELKINDS = {
    "r": "table",
    "p": "partitioned_table",
    "v": "view",
    "m": "materialized_view",
    "f": "foreign_table",
}
_FK_ACTIONS = {
    "a": "no_action",
    "r": "restrict",
    "c": "cascade",
    "n": "set_null",
    "d": "set_default",
}
_FK_MATCH = {"f": "full", "p": "partial", "s": "simple"}
_CONSTRAINT_ORDER = {"primary_key": 0, "unique": 1, "check": 2, "foreign_key": 3}

# Session settings that change how the server prints types, defaults and CHECKs: pinned to
# Postgres's defaults, so a role's or database's own settings cannot change the output.
# (search_path decides which names get schema-qualified: crm.status_lead vs status_lead.)
_SESSION_SETTINGS = {
    "search_path": '"$user", public',
    "DateStyle": "ISO, MDY",
    "IntervalStyle": "postgres",
    "TimeZone": "UTC",
    "extra_float_digits": "1",
    "bytea_output": "hex",
}

_SQL_SCHEMAS = """
select n.nspname
from pg_namespace n
where n.nspname !~ '^pg_' and n.nspname <> 'information_schema'
"""

_SQL_TABLES = """
select n.nspname, c.relname, c.relkind::text, obj_description(c.oid, 'pg_class')
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
where n.nspname = any(%(schemas)s) and c.relkind in ('r', 'p', 'v', 'm', 'f')
"""

# Lengths, precisions and collation as information_schema.columns gives them (same functions,
# same "default collation is null" rule), but for every relkind and without privilege filtering.
_SQL_COLUMNS = """
select
  n.nspname, c.relname, a.attnum, a.attname,
  format_type(a.atttypid, a.atttypmod),
  tn.nspname, t.typname,
  not a.attnotnull,
  case when a.attgenerated = '' then pg_get_expr(ad.adbin, ad.adrelid) end,
  a.attidentity::text,
  a.attgenerated::text,
  case when a.attgenerated <> '' then pg_get_expr(ad.adbin, ad.adrelid) end,
  information_schema._pg_char_max_length(
    information_schema._pg_truetypid(a.*, t.*), information_schema._pg_truetypmod(a.*, t.*)),
  information_schema._pg_numeric_precision(
    information_schema._pg_truetypid(a.*, t.*), information_schema._pg_truetypmod(a.*, t.*)),
  information_schema._pg_numeric_scale(
    information_schema._pg_truetypid(a.*, t.*), information_schema._pg_truetypmod(a.*, t.*)),
  co.collname,
  col_description(a.attrelid, a.attnum)
from pg_attribute a
join pg_class c on c.oid = a.attrelid
join pg_namespace n on n.oid = c.relnamespace
join pg_type t on t.oid = a.atttypid
join pg_namespace tn on tn.oid = t.typnamespace
left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
left join (pg_collation co join pg_namespace nco on nco.oid = co.collnamespace)
  on co.oid = a.attcollation and (nco.nspname, co.collname) <> ('pg_catalog', 'default')
where n.nspname = any(%(schemas)s) and c.relkind in ('r', 'p', 'v', 'm', 'f')
  and a.attnum > 0 and not a.attisdropped
"""

_SQL_CONSTRAINTS = """
select
  n.nspname, c.relname, con.conname, con.contype::text,
  array(select att.attname from unnest(con.conkey) with ordinality k(num, i)
        join pg_attribute att on att.attrelid = con.conrelid and att.attnum = k.num
        order by k.i)::text[],
  rn.nspname, rc.relname,
  array(select att.attname from unnest(con.confkey) with ordinality k(num, i)
        join pg_attribute att on att.attrelid = con.confrelid and att.attnum = k.num
        order by k.i)::text[],
  con.confupdtype::text, con.confdeltype::text, con.confmatchtype::text,
  con.condeferrable, con.condeferred,
  case when con.contype = 'c' then pg_get_constraintdef(con.oid, true) end
from pg_constraint con
join pg_class c on c.oid = con.conrelid
join pg_namespace n on n.oid = c.relnamespace
left join pg_class rc on rc.oid = con.confrelid
left join pg_namespace rn on rn.oid = rc.relnamespace
where n.nspname = any(%(schemas)s) and con.contype in ('p', 'u', 'c', 'f')
  -- an FK referencing a partitioned table is repeated by Postgres for each of its partitions
  -- (same referencing table, conparentid set): only the one naming the parent is real.
  and not (con.contype = 'f' and con.conparentid <> 0 and exists (
    select from pg_constraint pc where pc.oid = con.conparentid and pc.conrelid = con.conrelid))
"""

_SQL_INDEXES = """
select
  n.nspname, c.relname, ic.relname, i.indisunique, i.indisprimary, i.indisvalid,
  am.amname, pg_get_indexdef(i.indexrelid)
from pg_index i
join pg_class c on c.oid = i.indrelid
join pg_namespace n on n.oid = c.relnamespace
join pg_class ic on ic.oid = i.indexrelid
join pg_am am on am.oid = ic.relam
where n.nspname = any(%(schemas)s)
"""

_SQL_ENUMS = """
select n.nspname, t.typname, array_agg(e.enumlabel::text order by e.enumsortorder)
from pg_type t
join pg_namespace n on n.oid = t.typnamespace
join pg_enum e on e.enumtypid = t.oid
group by n.nspname, t.typname
"""


# Facts beyond v0.2, each read by its own function below and written to optional fields
# (README "schema.json extensions"): domains, unique index keys/predicates, partition trees.

# A domain column: the base type under every level of nested domains, NOT NULL at any level,
# and the CHECKs of every level (VALUE meaning the column).
_SQL_DOMAINS = """
with recursive chain(col_type, level, typ) as (
  select t.oid, 0, t.oid from pg_type t where t.typtype = 'd'
  union all
  select c.col_type, c.level + 1, t.typbasetype
  from chain c join pg_type t on t.oid = c.typ
  where t.typtype = 'd'
)
select
  n.nspname, t.typname,
  (select format_type(bt.typbasetype, bt.typtypmod) from chain c join pg_type bt on bt.oid = c.typ
   where c.col_type = t.oid and bt.typtype = 'd' order by c.level desc limit 1),
  (select bool_or(dt.typnotnull) from chain c join pg_type dt on dt.oid = c.typ
   where c.col_type = t.oid and dt.typtype = 'd'),
  array(select con.conname from chain c join pg_constraint con on con.contypid = c.typ
        where c.col_type = t.oid and con.contype = 'c' order by c.level desc, con.conname)::text[],
  array(select pg_get_constraintdef(con.oid, true) from chain c
        join pg_constraint con on con.contypid = c.typ
        where c.col_type = t.oid and con.contype = 'c' order by c.level desc, con.conname)::text[]
from pg_type t
join pg_namespace n on n.oid = t.typnamespace
where t.typtype = 'd'
"""

# Unique indexes that back no constraint (CREATE UNIQUE INDEX), key by key: a plain column
# (attnum > 0) or an expression, and the WHERE. (A constraint's index says nothing new.)
_SQL_UNIQUE_INDEX_KEYS = """
select
  n.nspname, c.relname, ic.relname,
  array(select case when k.attnum > 0 then a.attname end
        from unnest(i.indkey[0:i.indnkeyatts - 1]) with ordinality k(attnum, pos)
        left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
        order by k.pos)::text[],
  array(select pg_get_indexdef(i.indexrelid, k.pos::int, true)
        from generate_series(1, i.indnkeyatts) k(pos) order by k.pos)::text[],
  pg_get_expr(i.indpred, i.indrelid, true),
  %(nulls_not_distinct)s
from pg_index i
join pg_class c on c.oid = i.indrelid
join pg_namespace n on n.oid = c.relnamespace
join pg_class ic on ic.oid = i.indexrelid
where n.nspname = any(%(schemas)s) and i.indisunique
  and not exists (
    select from pg_constraint con where con.conindid = i.indexrelid and con.contype in ('p', 'u', 'x'))
"""

# Partitioned tables (strategy and key) and partitions (parent, bound, implied constraint).
_SQL_PARTITION_KEYS = """
select n.nspname, c.relname, pt.partstrat::text, pg_get_partkeydef(c.oid)
from pg_partitioned_table pt
join pg_class c on c.oid = pt.partrelid
join pg_namespace n on n.oid = c.relnamespace
where n.nspname = any(%(schemas)s)
"""

_SQL_PARTITIONS = """
select n.nspname, c.relname, pn.nspname, p.relname,
  pg_get_expr(c.relpartbound, c.oid), pg_get_partition_constraintdef(c.oid)
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
join pg_inherits inh on inh.inhrelid = c.oid
join pg_class p on p.oid = inh.inhparent
join pg_namespace pn on pn.oid = p.relnamespace
where n.nspname = any(%(schemas)s) and c.relispartition
"""

# Arrays declared with more than one dimension (integer[][]): format_type prints one [].
_SQL_ARRAY_DIMENSIONS = """
select n.nspname, c.relname, a.attname, a.attndims
from pg_attribute a
join pg_class c on c.oid = a.attrelid
join pg_namespace n on n.oid = c.relnamespace
where n.nspname = any(%(schemas)s) and a.attndims > 1 and a.attnum > 0 and not a.attisdropped
"""

_PARTITION_STRATEGIES = {"r": "range", "l": "list", "h": "hash"}


def introspect(dsn: str, schemas: Sequence[str] | None = None) -> dict[str, Any]:
    """Introspect the database behind a DSN: `sqlite:///file.db` or a Postgres DSN."""
    if is_sqlite_dsn(dsn):
        if schemas and set(schemas) != {"main"}:
            raise DatabaseError("a SQLite database has one schema, 'main'")
        return introspect_sqlite(dsn)
    return introspect_postgres(dsn, schemas)


def introspect_postgres(dsn: str, schemas: Sequence[str] | None = None) -> dict[str, Any]:
    """Schema.json of the given Postgres schemas (default: all but pg_* and information_schema)."""
    psycopg = import_psycopg()
    with connect_postgres(dsn) as conn:
        try:
            conn.read_only = True
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ  # one snapshot
            with conn.cursor() as cur:
                for name, value in _SESSION_SETTINGS.items():
                    cur.execute("select set_config(%s, %s, true)", (name, value))
                return _read_postgres_catalog(cur, schemas)
        except psycopg.Error as e:
            detail = scrub(" ".join(str(e).split()), dsn)
            raise DatabaseError(f"reading the catalog of {redact_dsn(dsn)} failed: {detail}") from None


def _read_postgres_catalog(cur: Any, wanted: Sequence[str] | None) -> dict[str, Any]:
    database = cur.execute("select current_database()").fetchone()[0]
    available = sorted(row[0] for row in cur.execute(_SQL_SCHEMAS))
    if wanted:
        all_schemas = {row[0] for row in cur.execute("select nspname from pg_namespace")}
        missing = [s for s in wanted if s not in all_schemas]
        if missing:
            raise DatabaseError(
                f"schema(s) not found in database {database!r}: {', '.join(missing)}; "
                f"available: {', '.join(available) or '(none)'}"
            )
        schema_names = sorted(set(wanted))
    else:
        schema_names = available
    params = {"schemas": schema_names}

    tables: dict[tuple[str, str], dict[str, Any]] = {}
    for nsp, rel, relkind, comment in cur.execute(_SQL_TABLES, params):
        kind: Any = _RELKINDS.get(relkind, {"other": relkind})
        tables[(nsp, rel)] = {
            "name": rel,
            "kind": kind,
            "comment": comment,
            "columns": [],
            "constraints": [],
            "indexes": [],
        }

    used_types: set[tuple[str, str]] = set()
    for row in cur.execute(_SQL_COLUMNS, params):
        (nsp, rel, attnum, name, data_type, udt_schema, udt_name, nullable, default,
         identity, generated, generation_expr, char_len, precision, scale, collation,
         comment) = row  # fmt: skip
        used_types.add((udt_schema, udt_name))
        tables[(nsp, rel)]["columns"].append(
            {
                "ordinal_position": attnum,
                "name": name,
                "column_type": {
                    "data_type": data_type,
                    "udt_schema": udt_schema,
                    "udt_name": udt_name,
                    "character_max_length": char_len,
                    "numeric_precision": precision,
                    "numeric_scale": scale,
                    "collation": collation,
                },
                "is_nullable": nullable,
                "default": default,
                "identity": {"a": "always", "d": "by_default"}.get(identity),
                "generated": ({"kind": "stored", "expression": generation_expr} if generated else None),
                "comment": comment,
            }
        )

    for row in cur.execute(_SQL_CONSTRAINTS, params):
        (nsp, rel, name, contype, columns, ref_schema, ref_table, ref_columns, on_update,
         on_delete, match, deferrable, deferred, check_def) = row  # fmt: skip
        constraint: dict[str, Any]
        if contype == "p":
            constraint = {"kind": "primary_key", "name": name, "columns": columns}
        elif contype == "u":
            constraint = {
                "kind": "unique",
                "name": name,
                "columns": columns,
                "is_deferrable": deferrable,
                "initially_deferred": deferred,
            }
        elif contype == "c":
            constraint = {"kind": "check", "name": name, "expression": check_def}
        else:
            constraint = {
                "kind": "foreign_key",
                "name": name,
                "columns": columns,
                "referenced_schema": ref_schema,
                "referenced_table": ref_table,
                "referenced_columns": ref_columns,
                "on_update": _FK_ACTIONS.get(on_update, "unknown"),
                "on_delete": _FK_ACTIONS.get(on_delete, "unknown"),
                "match_type": _FK_MATCH.get(match, "unknown"),
                "is_deferrable": deferrable,
                "initially_deferred": deferred,
            }
        if (nsp, rel) in tables:
            tables[(nsp, rel)]["constraints"].append(constraint)

    for nsp, rel, name, unique, primary, valid, method, definition in cur.execute(_SQL_INDEXES, params):
        if (nsp, rel) in tables:
            tables[(nsp, rel)]["indexes"].append(
                {
                    "name": name,
                    "is_unique": unique,
                    "is_primary": primary,
                    "is_valid": valid,
                    "method": method,
                    "definition": definition,
                }
            )

    _add_domains(cur, tables)
    _add_array_dimensions(cur, tables, params)
    _add_unique_index_keys(cur, tables, params)
    _add_partitions(cur, tables, params)

    # Enums of the chosen schemas, plus any enum elsewhere that one of their columns uses
    # (consumers recognise enum columns only by (udt_schema, udt_name) in this list).
    enums = [
        {"schema": nsp, "name": name, "labels": list(labels)}
        for nsp, name, labels in cur.execute(_SQL_ENUMS)
        if nsp in schema_names or (nsp, name) in used_types
    ]

    for table in tables.values():
        table["columns"].sort(key=lambda c: c["ordinal_position"])
        table["constraints"].sort(key=lambda c: (_CONSTRAINT_ORDER[c["kind"]], c["name"] or ""))
        table["indexes"].sort(key=lambda i: i["name"])
    return {
        "schema_version": SCHEMA_VERSION,
        "engine": "postgres",
        "database": database,
        "schemas": [
            {
                "name": schema,
                "tables": sorted(
                    (t for (nsp, _), t in tables.items() if nsp == schema),
                    key=lambda t: t["name"],
                ),
            }
            for schema in schema_names
        ],
        "enums": sorted(enums, key=lambda e: (e["schema"], e["name"])),
        "schema_fingerprint": None,
    }


def _add_domains(cur: Any, tables: dict[tuple[str, str], dict[str, Any]]) -> None:
    """`column_type.domain` for every column typed by a domain (optional field)."""
    domains = {
        (nsp, name): {
            "schema": nsp,
            "name": name,
            "base_type": base,
            "not_null": bool(not_null),
            "checks": [{"name": n, "expression": e} for n, e in zip(names, exprs, strict=True)],
        }
        for nsp, name, base, not_null, names, exprs in cur.execute(_SQL_DOMAINS)
    }
    for table in tables.values():
        for column in table["columns"]:
            ct = column["column_type"]
            domain = domains.get((ct["udt_schema"], ct["udt_name"]))
            if domain is not None:
                ct["domain"] = domain


def _add_array_dimensions(cur: Any, tables: dict[tuple[str, str], dict[str, Any]], params: dict) -> None:
    """`column_type.array_dimensions` where an array column declares 2 or more (optional field)."""
    for nsp, rel, name, dims in cur.execute(_SQL_ARRAY_DIMENSIONS, params):
        for column in tables.get((nsp, rel), {}).get("columns", ()):
            if column["name"] == name:
                column["column_type"]["array_dimensions"] = dims


def _add_unique_index_keys(cur: Any, tables: dict[tuple[str, str], dict[str, Any]], params: dict) -> None:
    """`keys` ({column} or {expression} each), and `predicate` / `nulls_not_distinct` where
    they apply, on every unique index no constraint owns (optional fields)."""
    version = cur.execute("select current_setting('server_version_num')::int").fetchone()[0]
    nnd = "i.indnullsnotdistinct" if version >= 150000 else "false"
    query = _SQL_UNIQUE_INDEX_KEYS.replace("%(nulls_not_distinct)s", nnd)
    found = {}
    for nsp, rel, name, columns, definitions, predicate, nulls_not_distinct in cur.execute(query, params):
        keys = [
            {"column": col} if col is not None else {"expression": expr}
            for col, expr in zip(columns, definitions, strict=True)
        ]
        found[(nsp, rel, name)] = (keys, predicate, nulls_not_distinct)
    for (nsp, rel), table in tables.items():
        for index in table["indexes"]:
            facts = found.get((nsp, rel, index["name"]))
            if facts is not None:
                index["keys"] = facts[0]
                if facts[1] is not None:
                    index["predicate"] = facts[1]
                if facts[2]:
                    index["nulls_not_distinct"] = True


def _add_partitions(cur: Any, tables: dict[tuple[str, str], dict[str, Any]], params: dict) -> None:
    """`partition_key` on partitioned tables and `partition_of` on partitions (optional fields)."""
    for nsp, rel, strategy, definition in cur.execute(_SQL_PARTITION_KEYS, params):
        if (nsp, rel) in tables:
            tables[(nsp, rel)]["partition_key"] = {
                "strategy": _PARTITION_STRATEGIES.get(strategy, strategy),
                "definition": definition,
            }
    for nsp, rel, parent_nsp, parent, bound, constraint in cur.execute(_SQL_PARTITIONS, params):
        if (nsp, rel) in tables:
            tables[(nsp, rel)]["partition_of"] = {
                "schema": parent_nsp,
                "table": parent,
                "bound": bound,
                "constraint": constraint,
            }


# --- SQLite --------------------------------------------------------------------------------------

_SQLITE_FK_ACTIONS = {
    "NO ACTION": "no_action",
    "RESTRICT": "restrict",
    "CASCADE": "cascade",
    "SET NULL": "set_null",
    "SET DEFAULT": "set_default",
}
_SQLITE_TYPE_RE = re.compile(r"^\s*(?P<base>[^(]*?)\s*(?:\((?P<args>[^)]*)\)?)?\s*$")


def quote_sqlite_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def introspect_sqlite(dsn: str) -> dict[str, Any]:
    """Schema.json of a SQLite file: one schema `main`; CHECKs read from the CREATE TABLE text."""
    conn = connect_sqlite(dsn, readonly=True)
    try:
        tables = [
            _sqlite_table(conn, name, kind)
            for name, kind in conn.execute(
                "select name, type from sqlite_master where type in ('table', 'view') "
                "and name not like 'sqlite\\_%' escape '\\' order by name"
            ).fetchall()
        ]
    except sqlite3.Error as e:
        raise DatabaseError(f"reading SQLite database {sqlite_path(dsn)} failed: {e}") from None
    finally:
        conn.close()
    tables.sort(key=lambda t: t["name"])
    return {
        "schema_version": SCHEMA_VERSION,
        "engine": "sqlite",
        "database": None,
        "schemas": [{"name": "main", "tables": tables}],
        "enums": [],
        "schema_fingerprint": None,
    }


def _sqlite_column_type(declared: str) -> dict[str, Any]:
    """Declared type kept as is; `VARCHAR(120)` gives a length, `NUMERIC(12,2)` precision, scale."""
    match = _SQLITE_TYPE_RE.match(declared)
    base = (match.group("base") if match else declared).strip()
    args = [a.strip() for a in (match.group("args") or "").split(",")] if match else []
    numbers = [int(a) if re.fullmatch(r"[+-]?\d+", a) else None for a in args if a]
    max_len = precision = scale = None
    upper = base.upper()
    if len(numbers) >= 2:
        precision, scale = numbers[0], numbers[1]
    elif len(numbers) == 1:
        if any(word in upper for word in ("CHAR", "TEXT", "CLOB")):
            max_len = numbers[0]
        else:
            precision = numbers[0]
    return {
        "data_type": declared,
        "udt_schema": "main",
        "udt_name": base.lower(),
        "character_max_length": max_len,
        "numeric_precision": precision,
        "numeric_scale": scale,
        "collation": None,
    }


def _sqlite_table(conn: sqlite3.Connection, name: str, kind: str) -> dict[str, Any]:
    q = quote_sqlite_ident(name)
    # table_xinfo also lists generated columns (hidden 2 = virtual, 3 = stored); 1 = hidden column
    # of a virtual table, which cannot be written.
    raw_columns = [r for r in conn.execute(f"pragma table_xinfo({q})").fetchall() if r[6] != 1]
    columns = []
    pk: list[tuple[int, str]] = []
    for position, (_cid, col, declared, notnull, default, pk_index, hidden) in enumerate(
        raw_columns, start=1
    ):
        if pk_index:
            pk.append((pk_index, col))
        columns.append(
            {
                "ordinal_position": position,
                "name": col,
                "column_type": _sqlite_column_type(declared or ""),
                "is_nullable": not notnull and not pk_index,
                "default": default,
                "identity": None,
                "generated": {"kind": "stored", "expression": None} if hidden in (2, 3) else None,
                "comment": None,
            }
        )

    constraints: list[dict[str, Any]] = []
    if pk:
        constraints.append({"kind": "primary_key", "name": None, "columns": [c for _, c in sorted(pk)]})
    indexes = []
    for _seq, index_name, unique, origin, _partial in conn.execute(f"pragma index_list({q})").fetchall():
        if origin == "u":
            index_columns = [
                r[2] for r in sorted(conn.execute(f"pragma index_info({quote_sqlite_ident(index_name)})"))
            ]
            constraints.append(
                {
                    "kind": "unique",
                    "name": None,
                    "columns": index_columns,
                    "is_deferrable": False,
                    "initially_deferred": False,
                    "_sort": index_name,
                }
            )
        elif origin == "c":
            sql = conn.execute(
                "select sql from sqlite_master where type = 'index' and name = ?", (index_name,)
            ).fetchone()
            indexes.append(
                {
                    "name": index_name,
                    "is_unique": bool(unique),
                    "is_primary": False,
                    "is_valid": True,
                    "method": "btree",
                    "definition": (sql[0] if sql and sql[0] else ""),
                }
            )
    create = conn.execute("select sql from sqlite_master where type = 'table' and name = ?", (name,))
    for check_name, expression in sqlite_checks((create.fetchone() or [""])[0] or ""):
        constraints.append({"kind": "check", "name": check_name, "expression": f"CHECK ({expression})"})
    constraints.sort(key=lambda c: (_CONSTRAINT_ORDER[c["kind"]], c.get("_sort", "")))
    for c in constraints:
        c.pop("_sort", None)
    constraints.extend(_sqlite_foreign_keys(conn, q))
    indexes.sort(key=lambda i: i["name"])
    return {
        "name": name,
        "kind": "view" if kind == "view" else "table",
        "comment": None,
        "columns": columns,
        "constraints": constraints,
        "indexes": indexes,
    }


def _sqlite_foreign_keys(conn: sqlite3.Connection, quoted_table: str) -> list[dict[str, Any]]:
    grouped: dict[int, list[tuple]] = {}
    for row in conn.execute(f"pragma foreign_key_list({quoted_table})"):
        grouped.setdefault(row[0], []).append(row)
    fks = []
    for fk_id in sorted(grouped):
        parts = sorted(grouped[fk_id], key=lambda r: r[1])
        _id, _seq, parent, _from, _to, on_update, on_delete, match = parts[0]
        referenced = [p[4] for p in parts]
        if any(r is None for r in referenced):
            # `REFERENCES parent` without columns means the parent's primary key.
            referenced = _sqlite_pk_columns(conn, parent) or referenced
        fks.append(
            {
                "kind": "foreign_key",
                "name": None,
                "columns": [p[3] for p in parts],
                "referenced_schema": "main",
                "referenced_table": parent,
                "referenced_columns": referenced,
                "on_update": _SQLITE_FK_ACTIONS.get(on_update.upper(), "no_action"),
                "on_delete": _SQLITE_FK_ACTIONS.get(on_delete.upper(), "no_action"),
                "match_type": {"FULL": "full", "PARTIAL": "partial"}.get(match.upper(), "simple"),
                "is_deferrable": False,
                "initially_deferred": False,
            }
        )
    return fks


def _sqlite_pk_columns(conn: sqlite3.Connection, table: str) -> list[str]:
    rows = conn.execute(f"pragma table_info({quote_sqlite_ident(table)})").fetchall()
    return [r[1] for r in sorted((r for r in rows if r[5]), key=lambda r: r[5])]


# --- output --------------------------------------------------------------------------------------


def dumps_schema(doc: dict[str, Any]) -> bytes:
    """Indented JSON with a final newline; key order is the contract's, so output is stable."""
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2) + b"\n"


def write_schema(doc: dict[str, Any], path: str | Path) -> None:
    """Write schema.json where asked (``-``: stdout), atomically for a regular file."""
    try:
        write_output(path, dumps_schema(doc))
    except OSError as e:
        raise OutputError(f"cannot write {path}: {e.strerror or e}") from None


def table_names(doc: dict[str, Any]) -> Iterable[str]:
    for schema in doc["schemas"]:
        for table in schema["tables"]:
            yield f"{schema['name']}.{table['name']}"
