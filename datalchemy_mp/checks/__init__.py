"""CHECK constraints: parsed by Postgres's own parser (pglast), evaluated with SQL semantics.

`parse_check` turns the text Postgres prints (`pg_get_constraintdef`, pretty or not) into a
small expression tree; anything outside the supported subset raises `UnsupportedCheck`, never
a silent pass. A CHECK passes unless its expression is FALSE (NULL passes), with three-valued
AND/OR/NOT. `CheckExpr.evaluate` walks the tree; `CheckExpr.compile` generates Python source
once per table for the per-row hot path and falls back to the tree walk for unusual values, so
both always agree. `column_hints` and `orderings` say what the CHECKs imply about columns, so
the engine can generate inside them by construction.

Modules, in the order the data flows: `values` (SQL value semantics: coercion, functions,
casts), `regex` (Postgres regex/LIKE -> Python), `tree` (expression nodes), `parse` (pglast AST
-> tree), `compile` (tree -> Python source), `expr` (CheckExpr, parse_check), `hints`
(column_hints, orderings).

Supported: AND/OR/NOT; = <> < <= > >= between any two values; IN, = ANY/<> ALL (ARRAY[...] or
'{...}'), BETWEEN [SYMMETRIC]; IS [NOT] NULL/TRUE/FALSE/UNKNOWN, IS [NOT] DISTINCT FROM;
~ ~* !~ !~*, [NOT] LIKE/ILIKE [ESCAPE]; + - * / % ||; casts to text, integer, numeric, float,
boolean, date, timestamp[tz], time, uuid and enums; CURRENT_DATE, CURRENT_TIMESTAMP,
LOCALTIMESTAMP, now(); length, char_length, octet_length, position, strpos, lower, upper,
btrim/ltrim/rtrim (TRIM), abs, EXTRACT/date_part, COALESCE, NULLIF, GREATEST, LEAST,
num_nulls, num_nonnulls.
"""

from .expr import CheckExpr, parse_check, value_function
from .hints import Ordering, column_hints, orderings
from .values import UnsupportedCheck

__all__ = [
    "CheckExpr",
    "Ordering",
    "UnsupportedCheck",
    "column_hints",
    "orderings",
    "parse_check",
    "value_function",
]
