"""CHECK constraints: parsed by Postgres's own parser (pglast), evaluated with SQL semantics.

`parse_check` turns the text Postgres prints (`pg_get_constraintdef`, pretty or not) into a
small expression tree; anything outside the supported subset raises `UnsupportedCheck`, never
a silent pass. A CHECK passes unless its expression is FALSE (NULL passes), with three-valued
AND/OR/NOT. `CheckExpr.evaluate` walks the tree; `CheckExpr.compile` generates Python source
once per table for the per-row hot path and falls back to the tree walk for unusual values, so
both always agree. `column_hints` and `orderings` say what the CHECKs imply about columns, so
the engine can generate inside them by construction.

Modules, in the order the data flows: `values` (SQL value semantics: coercion, comparison,
casts, arithmetic), `interval` (Postgres intervals), `functions` (the SQL functions), `regex`
(Postgres regex/LIKE/SIMILAR TO -> Python), `tree` (expression nodes), `parse` (pglast AST ->
tree), `compile` (tree -> Python source), `expr` (CheckExpr, parse_check), `hints`
(column_hints, orderings).

Supported: AND/OR/NOT; = <> < <= > >= between any two values; IN, = ANY/<> ALL (ARRAY[...] or
'{...}'), BETWEEN [SYMMETRIC]; IS [NOT] NULL/TRUE/FALSE/UNKNOWN, IS [NOT] DISTINCT FROM;
~ ~* !~ !~*, [NOT] LIKE/ILIKE [ESCAPE], [NOT] SIMILAR TO [ESCAPE]; + - * / % ||; casts to text,
integer, numeric, float, boolean, date, timestamp[tz], time, interval, uuid and enums;
CURRENT_DATE, CURRENT_TIMESTAMP, LOCALTIMESTAMP, now(); intervals with dates, timestamps, times
and numbers; length, char_length, octet_length, position, strpos, lower, upper, initcap,
btrim/ltrim/rtrim (TRIM), left, right, substr/substring, replace, reverse, lpad, rpad, abs,
sign, round, trunc, floor, ceil, mod, EXTRACT/date_part (dates, timestamps, times, intervals),
date_trunc, age, justify_days/hours, COALESCE, NULLIF, GREATEST, LEAST, num_nulls,
num_nonnulls. Domain CHECKs: VALUE is a column named `value` (schema loading substitutes the
column's name).
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
