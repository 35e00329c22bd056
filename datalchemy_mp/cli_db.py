"""Click commands that talk to a database: `introspect` and `load` (registered by cli.py, whose
group turns a DatalchemyError into a clean message)."""

from __future__ import annotations

from pathlib import Path

import click

DSN_HELP = (
    "postgresql://USER[:PASSWORD]@HOST[:PORT]/DBNAME (or libpq key=value pairs), or "
    "sqlite:///relative.db / sqlite:////absolute.db. May also come from $DATALCHEMY_MP_DSN; "
    "libpq's PGPASSWORD and ~/.pgpass work too, keeping the password off the command line."
)


@click.command(
    epilog="""\b
Examples:
  datalchemy-mp introspect --dsn postgresql://app@localhost/crm --schema crm -o schema.json
  datalchemy-mp introspect --dsn sqlite:///rental.db -o schema.json
"""
)
@click.option("--dsn", required=True, envvar="DATALCHEMY_MP_DSN", help=DSN_HELP)
@click.option(
    "--schema",
    "schemas",
    multiple=True,
    metavar="NAME",
    help="Schema to read (repeatable). Default: every schema but pg_* and information_schema.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path, allow_dash=True),
    default="-",
    show_default=True,
    help="Where to write schema.json ('-' for stdout).",
)
@click.option(
    "--stats",
    is_flag=True,
    help="Also read pg_stats (NULL share, distinct count, common values, histograms) into each "
    "column's optional 'stats'; never values of PII columns. Run ANALYZE first.",
)
def introspect(dsn: str, schemas: tuple[str, ...], output: Path, stats: bool) -> None:
    """Read a live database's catalog into schema.json (contract v0.2).

    Tables, columns with their types and defaults, primary keys, UNIQUE, CHECK and FOREIGN KEY
    constraints, indexes and enums, in a stable order. The password is never printed.
    """
    from datalchemy_mp.db import introspect as introspection

    doc = introspection.introspect(dsn, schemas or None)
    if stats:
        from datalchemy_mp.db import stats as pg_stats

        counted = pg_stats.introspect_stats(doc, dsn)
        click.echo(f"stats: {counted} column(s) from pg_stats", err=True)
    introspection.write_schema(doc, output)
    if str(output) != "-":
        tables = sum(len(s["tables"]) for s in doc["schemas"])
        click.echo(
            f"{output}: {tables} table(s) in {len(doc['schemas'])} schema(s), {len(doc['enums'])} enum(s)",
            err=True,
        )


@click.command(
    epilog="""\b
Examples:
  datalchemy-mp load out/2024-01-01T00-00-00Z__run_1234 --dsn postgresql://app@localhost/crm
  datalchemy-mp load RUN_DIR --dsn postgresql://app@localhost/crm --truncate
  datalchemy-mp load RUN_DIR --dsn sqlite:///rental.db
"""
)
@click.argument("run_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), metavar="RUN_DIR")
@click.option("--dsn", required=True, envvar="DATALCHEMY_MP_DSN", help=DSN_HELP)
@click.option("--truncate", is_flag=True, help="Empty the loaded tables first (same transaction).")
@click.option(
    "--allow-partial",
    is_flag=True,
    help="Load the CSVs of a run that did not succeed (by default such a run is refused, naming "
    "its missing tables).",
)
def load(run_dir: Path, dsn: str, truncate: bool, allow_partial: bool) -> None:
    """Load a run's <schema>.<table>.csv files into a database, all or nothing.

    Postgres: COPY ... FROM STDIN (FORMAT csv, HEADER true), parents before children as the
    target's own foreign keys say, in one transaction. SQLite: batched inserts, foreign keys on.
    Any failure rolls everything back and names the table, CSV line and constraint (exit 1).
    A run whose report does not say `succeeded` is refused (exit 1) unless --allow-partial.
    """
    from datalchemy_mp.db import load as loader
    from datalchemy_mp.run.runs import check_loadable

    check_loadable(run_dir, allow_partial)

    def report(done: loader.TableLoaded) -> None:
        click.echo(f"{done.qualified}: {done.rows} rows")

    loaded = loader.load_run(run_dir, dsn, truncate=truncate, on_table=report)
    total = sum(t.rows for t in loaded)
    click.echo(f"total: {total} rows in {len(loaded)} table(s)")
