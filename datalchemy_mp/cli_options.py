"""Click options and value parsers that several commands share (one definition each)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import click


def schema_option(required: bool = True, help: str = "schema.json (v0.2) of the database.") -> Callable:
    return click.option(
        "-s", "--schema", "schema_file", required=required, type=click.Path(dir_okay=False), help=help
    )


def plan_option(required: bool = True, help: str = "plan.json (v0.2): targets, rules, options.") -> Callable:
    return click.option(
        "-p", "--plan", "plan_file", required=required, type=click.Path(dir_okay=False), help=help
    )


def iso_date(ctx: click.Context, param: click.Parameter, value: Any) -> dt.date | None:
    """A ``YYYY-MM-DD`` option value as a date."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected YYYY-MM-DD, got {value!r}") from None
