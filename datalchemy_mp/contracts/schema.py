"""schema.json v0.2: an introspected database schema (tables, columns, constraints, enums)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from datalchemy_mp.contracts import pgfacts
from datalchemy_mp.contracts.jsonfile import Reader, pointer, read_json
from datalchemy_mp.contracts.kinds import INTEGERS, LITERAL_TYPES, Kind
from datalchemy_mp.contracts.pghash import HashBound, parse_hash_constraint
from datalchemy_mp.errors import ValidationFailed

SCHEMA_VERSION = "0.2"
ENGINES = ("postgres", "sqlite")


@dataclass(frozen=True)
class Column:
    ordinal: int
    name: str
    data_type: str
    udt_schema: str | None
    udt_name: str | None
    kind: Kind
    nullable: bool
    default: str | None = None
    identity: str | None = None
    generated: str | None = None
    max_length: int | None = None
    precision: int | None = None
    scale: int | None = None
    enum_labels: tuple[str, ...] = ()
    element_kind: Kind | None = None
    stats: dict | None = field(default=None, compare=False, hash=False)
    """Optional pg_stats figures (``introspect --stats``; see planning/distributions.py)."""

    @property
    def is_sequence(self) -> bool:
        """Filled by the database from a sequence (identity, serial, nextval default)."""
        return bool(self.identity) or (self.default or "").startswith("nextval(")


@dataclass(frozen=True)
class ForeignKey:
    name: str | None
    columns: tuple[str, ...]
    ref_schema: str
    ref_table: str
    ref_columns: tuple[str, ...]

    @property
    def ref(self) -> tuple[str, str]:
        return (self.ref_schema, self.ref_table)


@dataclass(frozen=True)
class Check:
    name: str | None
    expression: str


@dataclass
class Table:
    schema: str
    name: str
    kind: str
    columns: list[Column]
    primary_key: tuple[str, ...] | None = None
    uniques: list[tuple[str, ...]] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    path: str = ""
    unique_indexes: list[pgfacts.UniqueIndex] = field(default_factory=list)
    """Unique indexes with expression keys or a WHERE: checked row by row."""
    partition: pgfacts.Partition | None = None
    """This table is a partition of another (its bound is one of `checks`)."""
    partition_strategy: str | None = None
    """range/list/hash when this table is partitioned."""
    partition_columns: tuple[str, ...] = ()
    """The columns its partition key reads, when this table is partitioned."""
    hash_bound: HashBound | None = None
    """This table is a hash partition over integer keys: the rows it accepts."""

    @property
    def key(self) -> tuple[str, str]:
        return (self.schema, self.name)

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    def column(self, name: str) -> Column | None:
        for c in self.columns:
            if c.name == name:
                return c
        return None

    @property
    def unique_sets(self) -> list[tuple[str, ...]]:
        """Every PRIMARY KEY and UNIQUE column set."""
        sets = [self.primary_key] if self.primary_key else []
        return sets + [u for u in self.uniques if u not in sets]


@dataclass
class Schema:
    engine: str
    database: str | None
    tables: dict[tuple[str, str], Table]
    enums: dict[tuple[str, str], tuple[str, ...]]
    file: str
    schema_version: str = SCHEMA_VERSION
    schema_fingerprint: str | None = None

    def table(self, schema: str, name: str) -> Table | None:
        return self.tables.get((schema, name))

    @property
    def schema_names(self) -> set[str]:
        return {s for s, _ in self.tables}


_KINDS = {
    "smallint": "smallint",
    "int2": "smallint",
    "smallserial": "smallint",
    "integer": "integer",
    "int": "integer",
    "int4": "integer",
    "serial": "integer",
    "mediumint": "integer",
    "tinyint": "smallint",
    "bigint": "bigint",
    "int8": "bigint",
    "bigserial": "bigint",
    "numeric": "numeric",
    "decimal": "numeric",
    "money": "numeric",
    "real": "real",
    "float4": "real",
    "float": "double",
    "double precision": "double",
    "float8": "double",
    "double": "double",
    "text": "text",
    "character varying": "text",
    "varchar": "text",
    "character": "text",
    "char": "text",
    "bpchar": "text",
    "citext": "text",
    "name": "text",
    "clob": "text",
    "nvarchar": "text",
    "nchar": "text",
    "string": "text",
    "boolean": "boolean",
    "bool": "boolean",
    "date": "date",
    "time": "time",
    "time without time zone": "time",
    "timetz": "time",
    "time with time zone": "time",
    "timestamp": "timestamp",
    "timestamp without time zone": "timestamp",
    "datetime": "timestamp",
    "timestamp with time zone": "timestamptz",
    "timestamptz": "timestamptz",
    "uuid": "uuid",
    "json": "json",
    "jsonb": "json",
    "inet": "inet",
    "cidr": "inet",
    "interval": "interval",
    "bytea": "bytea",
    "blob": "bytea",
}


@functools.lru_cache(maxsize=1024)
def kind_of(data_type: str, udt_name: str | None, is_enum: bool, engine: str) -> tuple[Kind, Kind | None]:
    """The normalised kind of a column type, and its element kind for arrays."""
    if is_enum:
        return Kind.ENUM, None
    dt = data_type.strip().lower()
    if dt.endswith("[]") or dt == "array":
        elem = (udt_name or "").lstrip("_") if dt == "array" else re.sub(r"(\s*\[\])+$", "", dt)
        return Kind.ARRAY, kind_of(elem, elem, False, engine)[0]
    base = re.sub(r"\(.*?\)", "", dt).strip()  # numeric(12,2) -> numeric; timestamp(3) with time zone
    base = re.sub(r"\s+", " ", base)
    if base in _KINDS:
        return Kind(_KINDS[base]), None
    if engine == "postgres" and base.rsplit(".", 1)[-1].strip('"') in LITERAL_TYPES:  # public.hstore
        return Kind.LITERAL, None
    if engine == "sqlite":  # SQLite type affinity rules
        if "int" in base:
            return Kind.INTEGER, None
        if any(s in base for s in ("char", "clob", "text")):
            return Kind.TEXT, None
        if any(s in base for s in ("real", "floa", "doub")):
            return Kind.DOUBLE, None
        if "bool" in base:
            return Kind.BOOLEAN, None
        if "date" in base or "time" in base:
            return (Kind.DATE if base == "date" else Kind.TIMESTAMP), None
        return Kind.NUMERIC, None
    if udt_name and udt_name.lower() in _KINDS:
        return Kind(_KINDS[udt_name.lower()]), None
    return Kind.UNKNOWN, None


def load_schema(path: str | Path, data: bytes | None = None) -> Schema:
    """Load and check schema.json; raise ValidationFailed listing every problem found."""
    file = str(path)
    doc = read_json(path, "schema", data)
    r = Reader(file)
    if not isinstance(doc, dict):
        r.error("", "schema_violation", "expected a JSON object at the top level")
        raise ValidationFailed(r.issues)
    version = r.get(doc, "schema_version", "", str)
    if version is not None and version != SCHEMA_VERSION:
        r.error(
            "/schema_version",
            "schema_version_unsupported",
            f"expected schema_version {SCHEMA_VERSION!r}, got {version!r}",
        )
    engine = r.get(doc, "engine", "", str)
    if engine is not None and engine not in ENGINES:
        r.error("/engine", "schema_violation", f"expected one of {list(ENGINES)}, got {engine!r}")
    enums: dict[tuple[str, str], tuple[str, ...]] = {}
    for i, e in enumerate(r.array(doc, "enums", "")):
        p = pointer("enums", i)
        es, en = r.get(e, "schema", p, str), r.get(e, "name", p, str)
        labels = r.array(e, "labels", p)
        if not all(isinstance(x, str) for x in labels):
            r.error(f"{p}/labels", "schema_violation", "expected an array of strings")
        elif es is not None and en is not None:
            enums[(es, en)] = tuple(labels)
    tables: dict[tuple[str, str], Table] = {}
    for si, s in enumerate(r.array(doc, "schemas", "")):
        sp = pointer("schemas", si)
        sname = r.get(s, "name", sp, str)
        for ti, t in enumerate(r.array(s, "tables", sp)):
            table = _load_table(r, t, f"{sp}/tables/{ti}", sname or "", enums, engine or "postgres")
            if table is not None:
                if table.key in tables:
                    r.error(
                        table.path + "/name", "duplicate_table", f"table {table.qualified} is listed twice"
                    )
                tables[table.key] = table
    _add_partition_checks(tables)
    if any(i.severity == "error" for i in r.issues):
        raise ValidationFailed(r.issues)
    fingerprint = doc.get("schema_fingerprint")
    return Schema(
        engine=engine or "postgres",
        database=doc.get("database"),
        tables=tables,
        enums=enums,
        file=file,
        schema_version=version or SCHEMA_VERSION,
        schema_fingerprint=fingerprint if isinstance(fingerprint, str) else None,
    )


def _load_table(r: Reader, t: dict, path: str, schema: str, enums: dict, engine: str) -> Table | None:
    name = r.get(t, "name", path, str)
    kind = t.get("kind", "table") if isinstance(t, dict) else "table"
    columns: list[Column] = []
    for ci, c in enumerate(r.array(t, "columns", path)):
        cp = f"{path}/columns/{ci}"
        col = _load_column(r, c, cp, enums, engine)
        if col is not None:
            columns.append(col)
    columns.sort(key=lambda c: c.ordinal)
    names = {c.name for c in columns}
    table = Table(
        schema=schema,
        name=name or "",
        kind=kind if isinstance(kind, str) else "other",
        columns=columns,
        path=path,
    )
    if isinstance(t, dict):
        _add_extensions(table, t)
    for ki, k in enumerate(r.array(t, "constraints", path, required=False)):
        kp = f"{path}/constraints/{ki}"
        ckind = r.get(k, "kind", kp, str)
        cname = k.get("name") if isinstance(k, dict) else None
        if ckind in ("primary_key", "unique", "foreign_key"):
            cols = tuple(r.array(k, "columns", kp))
            for j, cn in enumerate(cols):
                if cn not in names:
                    r.error(
                        f"{kp}/columns/{j}",
                        "unknown_column",
                        f"constraint column {cn!r} is not a column of {schema}.{name}",
                    )
            if ckind == "primary_key":
                table.primary_key = cols
            elif ckind == "unique":
                table.uniques.append(cols)
            else:
                ref_cols = tuple(r.array(k, "referenced_columns", kp))
                rs = r.get(k, "referenced_schema", kp, str, required=engine != "sqlite", default=schema)
                rt = r.get(k, "referenced_table", kp, str)
                if len(ref_cols) != len(cols):
                    r.error(
                        f"{kp}/referenced_columns",
                        "schema_violation",
                        f"expected {len(cols)} referenced column(s), got {len(ref_cols)}",
                    )
                if rt is not None:
                    table.foreign_keys.append(ForeignKey(cname, cols, rs or schema, rt, ref_cols))
        elif ckind == "check":
            expr = r.get(k, "expression", kp, str)
            if expr is not None:
                table.checks.append(Check(cname, expr))
        elif ckind is not None:
            r.warning(f"{kp}/kind", "unknown_constraint_kind", f"constraint kind {ckind!r} ignored")
    return table if name is not None else None


def _add_extensions(table: Table, raw: dict) -> None:
    """Facts from the optional fields (contracts/pgfacts.py): domain CHECKs, unique indexes,
    the partition this table is part of."""
    for c in raw.get("columns") or ():
        domain = pgfacts.read_domain(c.get("column_type") or {}) if isinstance(c, dict) else None
        if domain is not None and table.column(c.get("name")) is not None:
            for name, expression in domain.checks:
                text = pgfacts.value_as_column(expression, c["name"])
                table.checks.append(Check(f"{domain.name}.{name} on {c['name']}", text))
    plain, checked = pgfacts.read_unique_indexes(raw.get("indexes"))
    names = {c.name for c in table.columns}
    for _name, cols in plain:
        if set(cols) <= names and cols != table.primary_key and cols not in table.uniques:
            table.uniques.append(cols)
    table.unique_indexes = [u for u in checked if all(c is None or c in names for c in u.columns)]
    table.partition = pgfacts.read_partition(raw)
    key = raw.get("partition_key")
    if isinstance(key, dict) and isinstance(key.get("strategy"), str):
        table.partition_strategy = key["strategy"]
        table.partition_columns = pgfacts.key_columns(str(key.get("definition") or ""), names)


def _add_partition_checks(tables: dict[tuple[str, str], Table]) -> None:
    """A partition's bound as a CHECK; a partitioned table's rows must route to a leaf."""
    children: dict[tuple[str, str], list[Table]] = {}
    for table in tables.values():
        if table.partition is not None:
            children.setdefault(table.partition.parent, []).append(table)
            constraint = table.partition.constraint
            if constraint and not pgfacts.is_hash_constraint(constraint):
                table.checks.append(Check(f"partition bound of {table.qualified}", constraint))
            elif constraint:  # Postgres's hash is reproduced for integer keys only
                integers = {c.name for c in table.columns if c.kind in INTEGERS}
                table.hash_bound = parse_hash_constraint(constraint, integers)

    def leaves(key: tuple[str, str]) -> list[Table]:
        found = []
        for child in sorted(children.get(key, ()), key=lambda t: t.name):
            found.extend(leaves(child.key) if child.key in children else [child])
        return found

    def descendants(key: tuple[str, str]) -> list[Table]:
        found = []
        for child in sorted(children.get(key, ()), key=lambda t: t.name):
            found.extend([child, *descendants(child.key)])
        return found

    for table in tables.values():
        # A row given to a partitioned table may land in any partition: an FK declared only on
        # some partitions holds for it too.
        known = {(fk.columns, fk.ref, fk.ref_columns) for fk in table.foreign_keys}
        for part in descendants(table.key):
            for fk in part.foreign_keys:
                if (fk.columns, fk.ref, fk.ref_columns) not in known:
                    known.add((fk.columns, fk.ref, fk.ref_columns))
                    table.foreign_keys.append(fk)
        if table.partition is None and table.key in children:
            constraints = [leaf.partition.constraint for leaf in leaves(table.key) if leaf.partition]
            check = pgfacts.routing_check(constraints)
            if check is not None:
                table.checks.append(Check(f"a partition of {table.qualified} accepts the row", check))
                hull = pgfacts.routing_hull(constraints)
                if hull is not None and hull != check:
                    table.checks.append(Check(f"the partitions' range of {table.qualified}", hull))


def _load_column(r: Reader, c: dict, path: str, enums: dict, engine: str) -> Column | None:
    name = r.get(c, "name", path, str)
    ordinal = r.get(c, "ordinal_position", path, int, default=0)
    nullable = r.get(c, "is_nullable", path, bool, default=True)
    ct = r.get(c, "column_type", path, dict, default={})
    tp = f"{path}/column_type"
    data_type = r.get(ct, "data_type", tp, str, default="text")
    udt_schema = r.get(ct, "udt_schema", tp, str, required=False)
    udt_name = r.get(ct, "udt_name", tp, str, required=False)
    dims = ct.get("array_dimensions") if isinstance(ct, dict) else None
    if isinstance(dims, int) and dims > 1 and data_type.endswith("[]"):  # format_type shows one []
        data_type += "[]" * (dims - 1)
    domain = pgfacts.read_domain(ct)
    if domain is not None:  # the column is of the domain's base type, NOT NULL if it says so
        data_type, udt_schema = domain.base_type, "pg_catalog"
        udt_name = pgfacts.base_udt_name(domain.base_type)
        base_enum = pgfacts.enum_of(domain.base_type, domain.schema, enums)
        if base_enum is not None:  # a domain over an enum
            udt_schema, udt_name = base_enum
        nullable = nullable and not domain.not_null
    is_enum = (udt_schema, udt_name) in enums
    kind, element = kind_of(data_type, udt_name, is_enum, engine)
    labels = enums.get((udt_schema, udt_name), ())
    element_enum = (udt_schema, (udt_name or "").removeprefix("_"))
    if kind == Kind.ARRAY and (udt_name or "").startswith("_") and element_enum in enums:
        element, labels = Kind.ENUM, enums[element_enum]  # an array of an enum: mood[]
    generated = c.get("generated") if isinstance(c, dict) else None
    if name is None:
        return None
    return Column(
        ordinal=ordinal,
        name=name,
        data_type=data_type,
        udt_schema=udt_schema,
        udt_name=udt_name,
        kind=kind,
        nullable=nullable,
        default=r.get(c, "default", path, str, required=False),
        identity=r.get(c, "identity", path, str, required=False),
        generated=(generated or {}).get("expression") if isinstance(generated, dict) else None,
        max_length=r.get(ct, "character_max_length", tp, int, required=False),
        precision=r.get(ct, "numeric_precision", tp, int, required=False),
        scale=r.get(ct, "numeric_scale", tp, int, required=False),
        enum_labels=labels,
        element_kind=element,
        stats=r.get(c, "stats", path, dict, required=False),
    )
