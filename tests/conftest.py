"""Fixtures for the whole suite: the shared reference files, a click runner, real Postgres.

Postgres comes from $DATALCHEMY_MP_TEST_DSN (a superuser DSN; `scripts/pg_start.sh` starts a
throwaway server and prints one). Without it the Postgres tests skip, unless
DATALCHEMY_MP_REQUIRE_PG=1 (CI), where they fail: CI never passes without Postgres.
Likewise the tests that read `../shared` (the upstream reference files beside the checkout)
skip without it, unless DATALCHEMY_MP_REQUIRE_SHARED=1 (CI).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest
from click.testing import CliRunner

SHARED_DIR = Path(__file__).resolve().parents[2] / "shared"
CRM_DDL_DIR = Path("datalchemy/fixtures/sql/postgres/tables")
ENV_DSN = "DATALCHEMY_MP_TEST_DSN"
ENV_REQUIRE = "DATALCHEMY_MP_REQUIRE_PG"
ENV_REQUIRE_SHARED = "DATALCHEMY_MP_REQUIRE_SHARED"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", help="also run the tests marked slow (CI does)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that use a Postgres fixture get the `postgres` mark (so `-m 'not postgres'` works);
    `slow` tests are left out unless --slow (or a -m expression) asks for them."""
    for item in items:
        if "pg_dsn" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)
    if config.getoption("--slow") or config.option.markexpr:
        return
    slow = [item for item in items if item.get_closest_marker("slow")]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if not item.get_closest_marker("slow")]


def _no_postgres(reason: str) -> NoReturn:
    message = f"no Postgres: set {ENV_DSN} to a superuser DSN (scripts/pg_start.sh prints one); {reason}"
    if os.environ.get(ENV_REQUIRE) == "1":
        pytest.fail(f"{message} [{ENV_REQUIRE}=1 makes this a failure]", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """`../shared` beside the checkout: the upstream reference files (read, never copied)."""
    if not (SHARED_DIR / "datalchemy").is_dir():
        message = f"no ../shared: reference files not found in {SHARED_DIR}/datalchemy"
        if os.environ.get(ENV_REQUIRE_SHARED) == "1":
            pytest.fail(f"{message} [{ENV_REQUIRE_SHARED}=1 makes this a failure]", pytrace=False)
        pytest.skip(message)
    return SHARED_DIR


@pytest.fixture
def runner() -> CliRunner:
    """click's CliRunner; `result.stdout` and `result.stderr` are kept apart."""
    return CliRunner()


@pytest.fixture(scope="session")
def pg_dsn() -> str:
    """DSN of a reachable Postgres server where the tests may create databases and roles."""
    dsn = os.environ.get(ENV_DSN, "").strip()
    if not dsn:
        _no_postgres(f"{ENV_DSN} is not set")
    try:
        import psycopg
    except ImportError:
        _no_postgres("psycopg is not installed (pip install -e '.[test]')")
    from datalchemy_mp.db.introspect import redact_dsn, scrub

    try:
        with psycopg.connect(dsn, connect_timeout=5) as conn:
            conn.execute("select 1")
    except psycopg.Error as e:
        detail = scrub(" ".join(str(e).split()), dsn)
        _no_postgres(f"cannot connect to {redact_dsn(dsn)}: {detail}")
    return dsn


@pytest.fixture
def fresh_db(pg_dsn: str) -> Iterator[str]:
    """DSN of a new, empty database with a unique name on the test server; dropped afterwards."""
    import pg

    name, dsn = pg.create_database(pg_dsn)
    try:
        yield dsn
    finally:
        pg.drop_database(pg_dsn, name)


@pytest.fixture
def crm_db(fresh_db: str, shared_dir: Path) -> str:
    """DSN of a fresh database holding the CRM DDL (schema `crm`, 20 tables, 6 enums; no rows)."""
    import pg

    files = sorted((shared_dir / CRM_DDL_DIR).glob("*.sql"))
    if not files:
        pytest.skip(f"no CRM DDL in {shared_dir / CRM_DDL_DIR}")
    pg.apply_sql_files(fresh_db, files)
    return fresh_db
