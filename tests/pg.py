"""Postgres helpers for the tests: databases and roles with unique names, DDL files, counts."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

ENV_DSN = "DATALCHEMY_MP_TEST_DSN"
ENV_REQUIRE = "DATALCHEMY_MP_REQUIRE_PG"


def unique_name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


def with_dbname(dsn: str, dbname: str) -> str:
    """The same server and credentials, another database (URL DSNs stay URLs)."""
    if "://" in dsn:
        parts = urlsplit(dsn)
        return urlunsplit(parts._replace(path="/" + quote(dbname)))
    return make_conninfo(dsn, dbname=dbname)


def with_credentials(dsn: str, user: str, password: str) -> str:
    """A URL DSN for the same host, port and database, as another role."""
    parts = urlsplit(dsn if "://" in dsn else _as_url(dsn))
    host = parts.hostname or "127.0.0.1"
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host}"
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


def _as_url(dsn: str) -> str:
    info = psycopg.conninfo.conninfo_to_dict(dsn)
    host = info.get("host", "127.0.0.1")
    port = f":{info['port']}" if info.get("port") else ""
    return f"postgresql://{host}{port}/{info.get('dbname', 'postgres')}"


def admin_execute(dsn: str, statement: sql.Composable | str) -> None:
    """Run a statement outside a transaction (CREATE/DROP DATABASE need that)."""
    with psycopg.connect(dsn, autocommit=True, connect_timeout=10) as conn:
        conn.execute(statement)


def create_database(server_dsn: str) -> tuple[str, str]:
    name = unique_name("dlmp_test")
    admin_execute(server_dsn, sql.SQL("create database {}").format(sql.Identifier(name)))
    return name, with_dbname(server_dsn, name)


def drop_database(server_dsn: str, name: str) -> None:
    admin_execute(server_dsn, sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


def apply_sql_files(dsn: str, files: Iterable[Path]) -> None:
    """Run each file as one script (several statements, no parameters), in the order given."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        for path in files:
            conn.execute(path.read_text(encoding="utf-8"))


def count_rows(dsn: str, qualified_tables: Iterable[str]) -> dict[str, int]:
    counts = {}
    with psycopg.connect(dsn) as conn:
        for name in qualified_tables:
            schema, table = name.split(".", 1)
            query = sql.SQL("select count(*) from {}").format(sql.Identifier(schema, table))
            counts[name] = conn.execute(query).fetchone()[0]
    return counts
