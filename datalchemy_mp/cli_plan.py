"""Click commands that help write a plan: `init` (a starter plan) and `explain` (how a plan fills
every column). Registered by cli.py, whose group turns a DatalchemyError into a clean message."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click
import orjson

from datalchemy_mp.cli_options import iso_date, plan_option, schema_option


@click.command(
    epilog="""\b
Examples:
  datalchemy-mp init --schema schema.json -o plan.json
  datalchemy-mp init -s schema.json -o plan.json --rows 1000 --seed 42
  datalchemy-mp explain -s schema.json -p plan.json     # then edit, explain again
"""
)
@schema_option()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    default="-",
    show_default=True,
    help="Where to write plan.json ('-' for stdout).",
)
@click.option(
    "--rows", type=click.IntRange(min=0), default=100, show_default=True, help="Rows of every table."
)
@click.option("--seed", type=click.IntRange(min=0, max=2**64 - 1), default=1, show_default=True)
@click.option(
    "--base-date",
    callback=iso_date,
    help="Date written as options.base_date, standing for CURRENT_DATE (default: today, UTC).",
)
@click.option(
    "--locale",
    type=click.Choice(["en_US", "pt_BR"]),
    default="en_US",
    show_default=True,
    help="global.locale: the language of names, addresses, words.",
)
def init(schema_file: str, output: str, rows: int, seed: int, base_date: dt.date | None, locale: str) -> None:
    """Write a starter plan.json: every table a target, each column's generator written out.

    Columns get the generator a run would choose for them by type, name and CHECKs, with its
    params, as a rule you can edit; nullable columns keep their 10% of NULLs as a
    transform.null_rate. Sequences, foreign keys and columns made from another one by a CHECK
    ordering are left to the engine (no rule). See docs/plans.md for every field.
    """
    from datalchemy_mp import generators  # noqa: F401  (registers the catalog)
    from datalchemy_mp.contracts.schema import load_schema
    from datalchemy_mp.planning.explain import starter_plan

    schema = load_schema(schema_file)
    base = base_date or dt.datetime.now(dt.UTC).date()
    doc = starter_plan(schema, rows=rows, seed=seed, base_date=base, locale=locale)
    data = orjson.dumps(doc, option=orjson.OPT_INDENT_2) + b"\n"
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    Path(output).write_bytes(data)
    click.echo(f"{output}: {len(doc['targets'])} target(s), {len(doc['rules'])} rule(s)", err=True)


@click.command(
    epilog="""\b
Examples:
  datalchemy-mp explain -s plans/crm/schema.json -p plans/crm/full_stack_ptbr.plan.json
  datalchemy-mp explain -s schema.json -p plan.json --json | jq '.[0].columns'
"""
)
@schema_option()
@plan_option()
@click.option(
    "--base-date",
    callback=iso_date,
    help="Date standing for CURRENT_DATE (default: the plan's options.base_date, else today).",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def explain(schema_file: str, plan_file: str, base_date: dt.date | None, as_json: bool) -> None:
    """Say how a plan fills every table and column, without generating anything.

    Per table: its rows (an auto parent says so), then per column what fills it: a rule, a
    default chosen by type and name, a FK (one-to-one, pairs), a sequence, a CHECK ordering;
    then each CHECK (constructed, checked per row, or not enforced) and each UNIQUE (distinct
    by construction or checked from memory). Validation errors are reported as by `validate`.
    """
    from datalchemy_mp.api import load_inputs
    from datalchemy_mp.planning import explain as explaining

    schema, plan, warnings = load_inputs(schema_file, plan_file)
    base = base_date or plan.options.base_date or dt.datetime.now(dt.UTC).date()
    tables, graph_warnings = explaining.explain(schema, plan, base)
    if as_json:
        click.echo(orjson.dumps(explaining.to_json(tables), option=orjson.OPT_INDENT_2).decode())
    else:
        click.echo(explaining.render(tables).rstrip())
    for issue in [*warnings, *graph_warnings]:
        click.echo(f"warning: {issue}", err=True)
