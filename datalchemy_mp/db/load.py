"""Load a run directory's `<schema>.<table>.csv` files into a database, all or nothing.

Postgres: `COPY schema.table (header columns) FROM STDIN (FORMAT csv, HEADER true)`, the file
streamed in blocks, tables in foreign-key order read from the target's own catalog, one
transaction. SQLite: `executemany` in one transaction with foreign keys on.
"""

from __future__ import annotations

import csv
import re
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import orjson

from datalchemy_mp.db.introspect import (
    connect_postgres,
    connect_sqlite,
    import_psycopg,
    is_sqlite_dsn,
    quote_sqlite_ident,
    redact_dsn,
    scrub,
)
from datalchemy_mp.errors import LoadError, RunDirError
from datalchemy_mp.planning.toposort import toposort

COPY_BLOCK_SIZE = 1 << 16


@dataclass(frozen=True)
class CsvTable:
    """One `<schema>.<table>.csv` of a run directory and the columns its header names."""

    schema: str
    table: str
    path: Path
    columns: tuple[str, ...]

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.table}"


@dataclass(frozen=True)
class TableLoaded:
    schema: str
    table: str
    rows: int

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.table}"


OnTable = Callable[[TableLoaded], None]


def find_csv_tables(run_dir: Path) -> list[CsvTable]:
    """The run dir's CSVs, named `<schema>.<table>.csv` (split at the first dot), with headers."""
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise RunDirError(f"run directory not found: {run_dir}")
    tables = []
    for path in sorted(run_dir.glob("*.csv")):
        stem = path.name[: -len(".csv")]
        schema, dot, table = stem.partition(".")  # names are %-escaped: the first dot splits them
        if not dot or not schema or not table:
            raise RunDirError(f"{path}: CSV name must be <schema>.<table>.csv")
        tables.append(CsvTable(unquote(schema), unquote(table), path, read_header(path)))
    if not tables:
        raise RunDirError(f"no <schema>.<table>.csv files in {run_dir}")
    return tables


def read_header(path: Path) -> tuple[str, ...]:
    try:
        with open(path, encoding="utf-8", newline="") as f:
            header = next(csv.reader(f), None)
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise RunDirError(f"{path}: cannot read the header: {e}") from None
    if not header or any(not name for name in header):
        raise RunDirError(f"{path}: the first line must be a header naming the columns")
    if len(set(header)) != len(header):
        raise RunDirError(f"{path}: the header names a column twice")
    return tuple(header)


def load_run(
    run_dir: Path, dsn: str, *, truncate: bool = False, on_table: OnTable | None = None
) -> list[TableLoaded]:
    """Load every CSV of the run dir in one transaction; return rows per table, in load order."""
    tables = find_csv_tables(Path(run_dir))
    generated = _generation_order(Path(run_dir))
    if is_sqlite_dsn(dsn):
        return _load_sqlite(tables, dsn, truncate=truncate, on_table=on_table, generated=generated)
    return _load_postgres(tables, dsn, truncate=truncate, on_table=on_table, generated=generated)


def _generation_order(run_dir: Path) -> list[str]:
    """Tables in the order the run generated them (from its report), if it has one."""
    try:
        report = orjson.loads((run_dir / "generation_report.json").read_bytes())
        return [f"{t['schema']}.{t['table']}" for t in report.get("tables", [])]
    except (OSError, ValueError, TypeError, KeyError):
        return []


def fk_order(
    names: Sequence[str], edges: set[tuple[str, str]], generated: Sequence[str] = ()
) -> tuple[list[str], bool]:
    """Parents first (Kahn, ties by name); self-references ignored. Returns (order, had_cycle).

    Tables caught in a cycle are appended in the order they were generated (the generator
    broke the cycle by leaving one FK NULL, so that order loads), else in name order.
    """
    parents: dict[str, set[str]] = {n: set() for n in names}
    for parent, child in edges:
        parents[child].add(parent)
    order, cyclic = toposort(names, parents)
    rank = {n: i for i, n in enumerate(generated)}
    rest = sorted(cyclic, key=lambda n: (rank.get(n, 1 << 30), n))
    return order + rest, bool(rest)


# --- Postgres ------------------------------------------------------------------------------------

_COPY_LINE_RE = re.compile(r"COPY [^,]+, line (\d+)(?:, column ([^:]+))?")


def _load_postgres(
    tables: list[CsvTable],
    dsn: str,
    *,
    truncate: bool,
    on_table: OnTable | None,
    generated: Sequence[str] = (),
) -> list[TableLoaded]:
    psycopg = import_psycopg()
    from psycopg import sql

    by_name = {t.qualified: t for t in tables}
    loaded: list[TableLoaded] = []
    current: CsvTable | None = None
    with connect_postgres(dsn) as conn:
        try:
            with conn.cursor() as cur:
                cur.execute("set local client_encoding to 'UTF8'")
                oids = _resolve_tables(cur, tables, dsn)
                edges = {
                    (oids[parent], oids[child])
                    for child, parent in cur.execute(
                        "select conrelid::oid, confrelid::oid from pg_constraint "
                        "where contype = 'f' and conrelid = any(%(o)s) and confrelid = any(%(o)s)",
                        {"o": list(oids)},
                    )
                }
                order, cycle = fk_order(list(by_name), edges, generated)
                if cycle:
                    # Only deferrable FKs can hold across a cycle: check them at commit.
                    cur.execute("set constraints all deferred")
                if truncate:
                    _truncate(cur, sql, list(oids), [_ident(sql, by_name[n]) for n in order])
                for name in order:
                    current = by_name[name]
                    rows = _copy_table(cur, sql, current)
                    done = TableLoaded(current.schema, current.table, rows)
                    loaded.append(done)
                    if on_table:
                        on_table(done)
                current = None
                conn.commit()
        except psycopg.Error as e:
            conn.rollback()
            raise LoadError(_describe_pg_error(e, current, dsn)) from None
        except BaseException:
            conn.rollback()
            raise
    return loaded


def _ident(sql: Any, table: CsvTable) -> Any:
    return sql.Identifier(table.schema, table.table)


def _resolve_tables(cur: Any, tables: list[CsvTable], dsn: str) -> dict[int, str]:
    """Map each CSV's table to its oid in the target; every table must exist there."""
    oids: dict[int, str] = {}
    missing = []
    for t in tables:
        row = cur.execute(
            "select c.oid::oid, c.relkind::text from pg_class c "
            "join pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname = %s and c.relname = %s",
            (t.schema, t.table),
        ).fetchone()
        if row is None or row[1] not in ("r", "p", "f"):
            missing.append(f"{t.qualified} (from {t.path.name})")
        else:
            oids[row[0]] = t.qualified
    if missing:
        raise RunDirError(
            f"table(s) not found in the target database {redact_dsn(dsn)}: " + ", ".join(missing)
        )
    return oids


_SQL_REFERENCING_CLOSURE = """
with recursive referencing(oid) as (
  select unnest(%(oids)s::oid[])
  union
  select con.conrelid from pg_constraint con join referencing r on con.confrelid = r.oid
  where con.contype = 'f'
)
select r.oid::oid, format('%%I.%%I', n.nspname, c.relname)
from referencing r join pg_class c on c.oid = r.oid join pg_namespace n on n.oid = c.relnamespace
where r.oid <> all(%(oids)s::oid[])
order by 2
"""


def _truncate(cur: Any, sql: Any, oids: list[int], loaded: list[Any]) -> None:
    """TRUNCATE the loaded tables, plus tables whose FKs point at them if those are empty.

    Postgres refuses to truncate a table that another table references unless both go together;
    TRUNCATE ... CASCADE would silently empty tables the user did not ask to load, so other tables
    are included only when they hold no rows (checked under an exclusive lock).
    """
    others = cur.execute(_SQL_REFERENCING_CLOSURE, {"oids": oids}).fetchall()
    if others:
        names = sql.SQL(", ").join(sql.SQL(name) for _oid, name in others)
        cur.execute(sql.SQL("lock table {} in access exclusive mode").format(names))
        non_empty = [
            name
            for oid, name in others
            if cur.execute(sql.SQL("select exists (select from {})").format(sql.SQL(name))).fetchone()[0]
        ]
        if non_empty:
            raise LoadError(
                "--truncate would have to empty table(s) that reference the loaded ones and hold "
                f"rows: {', '.join(non_empty)}; load them too, or empty them first. "
                "Nothing was changed."
            )
    tables = loaded + [sql.SQL(name) for _oid, name in others]
    cur.execute(sql.SQL("truncate table {}").format(sql.SQL(", ").join(tables)))


def _copy_table(cur: Any, sql: Any, table: CsvTable) -> int:
    statement = sql.SQL("copy {} ({}) from stdin (format csv, header true)").format(
        _ident(sql, table), sql.SQL(", ").join(sql.Identifier(c) for c in table.columns)
    )
    with open(table.path, "rb") as f, cur.copy(statement) as copy:
        while block := f.read(COPY_BLOCK_SIZE):
            copy.write(block)
    return cur.rowcount


def _describe_pg_error(e: Any, table: CsvTable | None, dsn: str) -> str:
    diag = e.diag
    where = f"loading {table.qualified} from {table.path.name}" if table else "loading"
    context = diag.context or ""
    match = _COPY_LINE_RE.search(context)
    if match:
        where += f", CSV line {match.group(1)}"
        if match.group(2):
            where += f", column {match.group(2)}"
    elif table is not None and diag.message_detail:
        # FK checks run at the end of the COPY, so Postgres names the key but not the line.
        line = _find_key_line(table, diag.message_detail)
        if line:
            where += f", CSV line {line}"
    parts = [f"{where} failed: {diag.message_primary or str(e).strip()}"]
    if diag.constraint_name:
        parts.append(f"constraint: {diag.constraint_name}")
    if diag.message_detail:
        parts.append(f"detail: {diag.message_detail}")
    if diag.message_hint:
        parts.append(f"hint: {diag.message_hint}")
    parts.append("nothing was loaded (transaction rolled back)")
    return scrub("; ".join(parts), dsn)


_FK_DETAIL_RE = re.compile(r"^Key \((?P<cols>.+)\)=\((?P<vals>.*)\) is not present in table")


def _find_key_line(table: CsvTable, detail: str) -> int | None:
    """First CSV line whose columns hold the key of an FK violation's DETAIL, if it can be told."""
    match = _FK_DETAIL_RE.match(detail)
    if not match:
        return None
    columns = match.group("cols").split(", ")
    values = match.group("vals").split(", ")
    if len(columns) != len(values) or any(c not in table.columns for c in columns):
        return None  # a value holding ", " makes the split ambiguous: give no line
    wanted = [(table.columns.index(c), v) for c, v in zip(columns, values, strict=True)]
    with open(table.path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader, None)
        start = reader.line_num + 1
        for row in reader:
            if all(i < len(row) and row[i] == v for i, v in wanted):
                return start
            start = reader.line_num + 1
    return None


# --- SQLite --------------------------------------------------------------------------------------

_SQLITE_TRUE = {"true", "t", "1", "yes", "y"}
_SQLITE_FALSE = {"false", "f", "0", "no", "n"}


def _load_sqlite(
    tables: list[CsvTable],
    dsn: str,
    *,
    truncate: bool,
    on_table: OnTable | None,
    generated: Sequence[str] = (),
) -> list[TableLoaded]:
    by_name = {t.qualified: t for t in tables}
    conn = connect_sqlite(dsn, readonly=False)
    conn.isolation_level = None  # explicit BEGIN/COMMIT below
    loaded: list[TableLoaded] = []
    current: CsvTable | None = None
    reader: _CsvRows | None = None
    try:
        conn.execute("pragma foreign_keys = on")
        declared = {t.qualified: _sqlite_columns(conn, t) for t in tables}
        edges = set()
        for t in tables:
            for row in conn.execute(f"pragma foreign_key_list({quote_sqlite_ident(t.table)})"):
                parent = f"main.{row[2]}"
                if parent in by_name:
                    edges.add((parent, t.qualified))
        order, _cycle = fk_order(list(by_name), edges, generated)
        conn.execute("begin immediate")
        # FKs are checked at commit, so self-references and cycles load in any row order; a
        # failure is then located with `pragma foreign_key_check`.
        conn.execute("pragma defer_foreign_keys = on")
        if truncate:
            for name in reversed(order):
                conn.execute(f"delete from {quote_sqlite_ident(by_name[name].table)}")
        for name in order:
            current = by_name[name]
            reader = _CsvRows(current.path, declared[name])
            placeholders = ", ".join("?" * len(current.columns))
            columns = ", ".join(quote_sqlite_ident(c) for c in current.columns)
            conn.executemany(
                f"insert into {quote_sqlite_ident(current.table)} ({columns}) values ({placeholders})",
                reader,
            )
            done = TableLoaded(current.schema, current.table, reader.rows)
            loaded.append(done)
            if on_table:
                on_table(done)
        current = reader = None
        violations = conn.execute("pragma foreign_key_check").fetchall()
        if violations:
            child, rowid, parent, _fkid = violations[0]
            raise LoadError(
                f"loading failed: FOREIGN KEY constraint failed: main.{child} rowid {rowid} "
                f"references a missing row of main.{parent} ({len(violations)} violation(s) "
                "in all); nothing was loaded (transaction rolled back)"
            )
        conn.execute("commit")
    except sqlite3.Error as e:
        _sqlite_rollback(conn)
        where = f"loading {current.qualified} from {current.path.name}" if current else "loading"
        if reader is not None and reader.line:
            where += f", CSV line {reader.line}"
        raise LoadError(f"{where} failed: {e}; nothing was loaded (transaction rolled back)") from None
    except BaseException:
        _sqlite_rollback(conn)
        raise
    finally:
        conn.close()
    return loaded


def _sqlite_rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        conn.execute("rollback")


def _sqlite_columns(conn: sqlite3.Connection, table: CsvTable) -> list[str]:
    """Declared type of each header column; the table and columns must exist."""
    if table.schema != "main":
        raise RunDirError(f"{table.path.name}: a SQLite target has only the schema 'main'")
    info = {
        row[1]: (row[2] or "")
        for row in conn.execute(f"pragma table_xinfo({quote_sqlite_ident(table.table)})")
    }
    if not info:
        raise RunDirError(f"table {table.qualified} (from {table.path.name}) not found in SQLite db")
    unknown = [c for c in table.columns if c not in info]
    if unknown:
        raise RunDirError(
            f"{table.path.name}: column(s) not in table {table.qualified}: {', '.join(unknown)}"
        )
    return [info[c] for c in table.columns]


class _CsvRows:
    """Rows of a Postgres-style CSV as tuples: an unquoted empty field is NULL, `""` is ''.

    Booleans (`true`/`false`) become 1/0 in columns declared BOOL…, as SQLite stores them.
    Remembers the file line where the last row handed out starts, for error messages.
    """

    def __init__(self, path: Path, declared_types: list[str]):
        self.path = path
        self.width = len(declared_types)
        self.boolean = [i for i, t in enumerate(declared_types) if "BOOL" in t.upper()]
        self.line = 0
        self.rows = 0

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        with open(self.path, encoding="utf-8", newline="") as f:
            try:
                yield from self._rows(_parse_csv(f))
            except UnicodeDecodeError as e:
                raise sqlite3.DataError(f"not UTF-8 after line {self.line}: {e}") from None

    def _rows(self, records: Iterator[tuple[int, list[Any]]]) -> Iterator[tuple[Any, ...]]:
        next(records, None)  # header
        for line, fields in records:
            self.line = line
            if len(fields) != self.width:
                raise sqlite3.DataError(f"expected {self.width} fields as in the header, found {len(fields)}")
            for i in self.boolean:
                value = fields[i]
                if value is not None and value.lower() in _SQLITE_TRUE:
                    fields[i] = 1
                elif value is not None and value.lower() in _SQLITE_FALSE:
                    fields[i] = 0
            self.rows += 1
            yield tuple(fields)


def _parse_csv(f: Any) -> Iterator[tuple[int, list[Any]]]:
    """Yield (first line number, fields) per record; quoted fields may span lines."""
    line_no = 0
    for line in f:
        line_no += 1
        start = line_no
        if '"' not in line:
            text = line.rstrip("\r\n")
            if text == "" and line in ("\n", "\r\n", ""):
                continue
            yield start, [v if v != "" else None for v in text.split(",")]
            continue
        fields: list[Any] = []
        value: list[str] = []
        quoted = in_quotes = False
        i = 0
        while True:
            if i >= len(line):
                if not in_quotes:
                    break
                nxt = f.readline()
                if not nxt:
                    raise sqlite3.DataError(f"unterminated quoted field starting on line {start}")
                line_no += 1
                line, i = nxt, 0
                continue
            ch = line[i]
            if in_quotes:
                if ch == '"':
                    if i + 1 < len(line) and line[i + 1] == '"':
                        value.append('"')
                        i += 1
                    else:
                        in_quotes = False
                else:
                    value.append(ch)
            elif ch == '"':
                in_quotes = quoted = True
            elif ch == ",":
                fields.append("".join(value) if (value or quoted) else None)
                value, quoted = [], False
            elif ch in "\r\n":
                pass
            else:
                value.append(ch)
            i += 1
        fields.append("".join(value) if (value or quoted) else None)
        yield start, fields
