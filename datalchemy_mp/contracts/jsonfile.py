"""Reading JSON input files, and typed access to their parts with JSON-pointer paths."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from datalchemy_mp.errors import InputError, Issue


def read_input(path: str | Path, what: str) -> bytes:
    """The bytes of an input file, or raise InputError naming it."""
    p = Path(path)
    try:
        return p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{what} file not found", file=str(p)) from None
    except OSError as exc:
        raise InputError(f"cannot read {what} file: {exc.strerror}", file=str(p)) from None


def read_json(path: str | Path, what: str, data: bytes | None = None) -> Any:
    """Parse a JSON file (or ``data``, its bytes read before), or raise InputError naming the file
    (and the line for bad JSON)."""
    p = Path(path)
    if data is None:
        data = read_input(p, what)
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc}", file=str(p), path="") from None


def pointer(*parts: str | int) -> str:
    """A JSON pointer (RFC 6901) from path parts."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


class Reader:
    """Collects typed-access issues while a loader walks a JSON document."""

    def __init__(self, file: str):
        self.file = file
        self.issues: list[Issue] = []

    def error(self, path: str, code: str, message: str) -> None:
        self.issues.append(Issue("error", code, path, message, self.file))

    def warning(self, path: str, code: str, message: str) -> None:
        self.issues.append(Issue("warning", code, path, message, self.file))

    def get(
        self,
        obj: Any,
        key: str,
        path: str,
        types: type | tuple,
        *,
        required: bool = True,
        default: Any = None,
    ) -> Any:
        """``obj[key]`` if it has one of ``types``; otherwise record an error and return default."""
        where = f"{path}/{key}"
        if not isinstance(obj, dict):
            return default
        if key not in obj or obj[key] is None:
            if required:
                self.error(where, "schema_violation", f"missing required field {key!r}")
            return default
        value = obj[key]
        tys = types if isinstance(types, tuple) else (types,)
        if isinstance(value, bool) and bool not in tys:
            ok = False
        else:
            ok = isinstance(value, tys)
        if not ok:
            self.error(where, "schema_violation", f"expected {_names(tys)}, got {_json_type(value)}")
            return default
        return value

    def array(self, obj: Any, key: str, path: str, *, required: bool = True) -> list:
        return self.get(obj, key, path, list, required=required, default=[]) or []


def _names(types: tuple[type, ...]) -> str:
    names = {
        str: "a string",
        int: "an integer",
        float: "a number",
        bool: "a boolean",
        list: "an array",
        dict: "an object",
    }
    return " or ".join(names.get(t, t.__name__) for t in types)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return {str: "a string", int: "an integer", float: "a number", list: "an array", dict: "an object"}.get(
        type(value), type(value).__name__
    )
