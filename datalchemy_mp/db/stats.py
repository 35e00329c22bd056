"""Column statistics from Postgres's ``pg_stats`` into schema.json (``introspect --stats``).

Each column ANALYZE has seen gets an optional ``stats`` object::

    "stats": {"null_frac": 0.3, "n_distinct": -0.5, "correlation": 0.02,
              "most_common_vals": ["10", "20"], "most_common_freqs": [0.4, 0.1],
              "histogram_bounds": ["2023-01-01", "2023-04-02", "2023-12-31"],
              "table_rows": 10000}

Values are Postgres's text forms. ``n_distinct`` is Postgres's: > 0 a count, < 0 minus a
fraction of the rows. Columns whose default generator is tagged PII in the catalog (names,
emails, documents, phones, addresses, under either locale) never get values: only
``null_frac``, ``n_distinct`` and ``correlation``.
"""

from __future__ import annotations

from typing import Any

_QUERY = """
select s.schemaname, s.tablename, s.attname, s.null_frac, s.n_distinct, s.correlation,
       s.most_common_vals::text, s.most_common_freqs::float8[], s.histogram_bounds::text,
       c.reltuples::float8
from pg_stats s
join pg_namespace n on n.nspname = s.schemaname
join pg_class c on c.relnamespace = n.oid and c.relname = s.tablename
where s.schemaname = any(%s) and not s.inherited
order by 1, 2, 3
"""


def read_stats(conn: Any, schemas: list[str]) -> dict[tuple[str, str, str], dict]:
    """pg_stats rows of ``schemas``, by (schema, table, column)."""
    out = {}
    with conn.cursor() as cur:
        cur.execute(_QUERY, (schemas,))
        for schema, table, column, null_frac, n_distinct, corr, mcv, freqs, bounds, reltuples in cur:
            entry: dict[str, Any] = {"null_frac": round(float(null_frac), 6), "n_distinct": float(n_distinct)}
            if corr is not None:
                entry["correlation"] = round(float(corr), 6)
            if mcv is not None and freqs:
                entry["most_common_vals"] = parse_array(mcv)
                entry["most_common_freqs"] = [round(float(f), 6) for f in freqs]
            if bounds is not None:
                entry["histogram_bounds"] = parse_array(bounds)
            if reltuples is not None and reltuples >= 0:
                entry["table_rows"] = int(reltuples)
            out[(schema, table, column)] = entry
    return out


def add_stats(doc: dict, conn: Any) -> int:
    """Put ``stats`` on every column of ``doc`` (a schema.json document) that pg_stats knows;
    the number of columns given stats."""
    schemas = [s["name"] for s in doc.get("schemas", [])]
    stats = read_stats(conn, schemas)
    count = 0
    for s in doc.get("schemas", []):
        for t in s.get("tables", []):
            for c in t.get("columns", []):
                entry = stats.get((s["name"], t["name"], c["name"]))
                if entry is None:
                    continue
                if is_pii(t["name"], c, doc):
                    entry = {
                        k: v for k, v in entry.items() if k not in ("most_common_vals", "histogram_bounds")
                    }
                    entry["pii"] = True
                c["stats"] = entry
                count += 1
    return count


def is_pii(table: str, column: dict, doc: dict) -> bool:
    """Whether the column's default generator, under either locale, is tagged PII."""
    from datalchemy_mp.contracts.schema import kind_of
    from datalchemy_mp.generators import GENERATORS
    from datalchemy_mp.generators.base import ColumnInfo
    from datalchemy_mp.generators.defaults import default_generator

    ctype = column.get("column_type") or {}
    enums = {(e.get("schema"), e.get("name")) for e in doc.get("enums", [])}
    is_enum = (ctype.get("udt_schema"), ctype.get("udt_name")) in enums
    kind, element = kind_of(
        ctype.get("data_type", "text"), ctype.get("udt_name"), is_enum, doc.get("engine", "postgres")
    )
    for locale in ("pt_BR", "en_US"):
        info = ColumnInfo(
            schema="",
            table=table,
            name=column["name"],
            kind=kind,
            max_length=ctype.get("character_max_length"),
            scale=ctype.get("numeric_scale"),
            element_kind=element,
            locale=locale,
            hints={},
        )
        try:
            gen_id, _ = default_generator(info, column.get("default"), bool(column.get("identity")))
        except Exception:  # noqa: BLE001 - a column no default fits is not known to be PII-free
            return True
        if any(tag.startswith("pii") for tag in GENERATORS[gen_id].tags):
            return True
    return False


def parse_array(text: str) -> list[str | None]:
    """A Postgres array literal's elements as text (``{a,"b c",NULL}`` -> ["a", "b c", None])."""
    body = text.strip()
    if not (body.startswith("{") and body.endswith("}")):
        return [body]
    body = body[1:-1]
    out: list[str | None] = []
    i, n = 0, len(body)
    while i < n:
        if body[i] == '"':
            i += 1
            buf = []
            while i < n and body[i] != '"':
                if body[i] == "\\" and i + 1 < n:
                    i += 1
                buf.append(body[i])
                i += 1
            out.append("".join(buf))
            i += 1  # closing quote
        else:
            j = body.find(",", i)
            j = n if j < 0 else j
            word = body[i:j].strip()
            out.append(None if word == "NULL" else word)
            i = j
        if i < n and body[i] == ",":
            i += 1
    return out


def introspect_stats(doc: dict, dsn: str) -> int:
    """``add_stats`` over a new connection to ``dsn`` (Postgres only)."""
    from datalchemy_mp.db.introspect import connect_postgres, import_psycopg, is_sqlite_dsn, redact_dsn, scrub
    from datalchemy_mp.errors import DatabaseError

    if is_sqlite_dsn(dsn):
        raise DatabaseError("--stats reads pg_stats: it needs a Postgres database, not SQLite")
    psycopg = import_psycopg()
    with connect_postgres(dsn) as conn:
        try:
            return add_stats(doc, conn)
        except psycopg.Error as e:
            detail = scrub(" ".join(str(e).split()), dsn)
            raise DatabaseError(f"reading pg_stats of {redact_dsn(dsn)} failed: {detail}") from None
