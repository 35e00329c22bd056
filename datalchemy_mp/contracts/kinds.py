"""Column kinds: the normalised SQL type of a column, whatever the database spelled."""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    """What a column holds; generators, coercion and CSV formatting dispatch on it."""

    SMALLINT = "smallint"
    INTEGER = "integer"
    BIGINT = "bigint"
    NUMERIC = "numeric"
    REAL = "real"
    DOUBLE = "double"
    TEXT = "text"
    BOOLEAN = "boolean"
    DATE = "date"
    TIME = "time"
    TIMESTAMP = "timestamp"
    TIMESTAMPTZ = "timestamptz"
    UUID = "uuid"
    JSON = "json"
    ENUM = "enum"
    INET = "inet"
    INTERVAL = "interval"
    BYTEA = "bytea"
    ARRAY = "array"
    LITERAL = "literal"
    """A built-in type written in its own text form (point, tsvector, int4range, bit...)."""
    UNKNOWN = "unknown"


INTEGERS = frozenset({Kind.SMALLINT, Kind.INTEGER, Kind.BIGINT})
FLOATS = frozenset({Kind.REAL, Kind.DOUBLE})
TIMESTAMPS = frozenset({Kind.TIMESTAMP, Kind.TIMESTAMPTZ})

LITERAL_TYPES = frozenset(
    {
        *("point", "line", "lseg", "box", "path", "polygon", "circle"),
        *("macaddr", "macaddr8", "tsvector", "tsquery", "xml", "oid", "pg_lsn", "jsonpath"),
        *("int4range", "int8range", "numrange", "daterange", "tsrange", "tstzrange"),
        *("int4multirange", "int8multirange", "nummultirange", "datemultirange"),
        *("tsmultirange", "tstzmultirange", "bit", "bit varying", "varbit", "hstore", "ltree"),
    }
)
"""Types of kind LITERAL; generators/pgtypes.py makes a value for each."""
INT_LIMITS = {
    Kind.SMALLINT: (-(2**15), 2**15 - 1),
    Kind.INTEGER: (-(2**31), 2**31 - 1),
    Kind.BIGINT: (-(2**63), 2**63 - 1),
}
"""What each integer kind holds."""
