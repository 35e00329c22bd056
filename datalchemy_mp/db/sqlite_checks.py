"""CHECK constraints of a SQLite table, read from its CREATE TABLE text in sqlite_master.

SQLite keeps no catalog of CHECKs: they exist only in the SQL the table was created with.
Column constraints (``qty INTEGER CHECK (qty > 0)``) and table constraints
(``CONSTRAINT ok CHECK (a < b)``) are found by a small scanner that skips quoted strings,
quoted identifiers and comments, and follows parentheses.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")


def sqlite_checks(create_sql: str) -> list[tuple[str | None, str]]:
    """(name or None, expression) of every CHECK in a CREATE TABLE statement, in order."""
    body = _table_body(create_sql)
    if body is None:
        return []
    checks = []
    for part in _split_top_level(body):
        tokens = list(_tokens(part))
        for i, (kind, text, _start) in enumerate(tokens):
            if kind != "word" or text.upper() != "CHECK":
                continue
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if nxt is None or nxt[1] != "(":
                continue
            end = _matching_paren(part, nxt[2])
            name = None
            if i >= 2 and tokens[i - 2][0] == "word" and tokens[i - 2][1].upper() == "CONSTRAINT":
                name = _unquote(tokens[i - 1][1])
            checks.append((name, part[nxt[2] + 1 : end].strip()))
    return checks


def _table_body(sql: str) -> str | None:
    """The text between the parentheses of CREATE TABLE name ( ... )."""
    for kind, text, start in _tokens(sql):
        if text == "(":
            return sql[start + 1 : _matching_paren(sql, start)]
        if kind == "word" and text.upper() == "AS":  # CREATE TABLE ... AS SELECT: no constraints
            return None
    return None


def _split_top_level(body: str) -> list[str]:
    """Column and table definitions: ``body`` split at commas outside parentheses."""
    parts, depth, last = [], 0, 0
    for _kind, text, start in _tokens(body):
        if text == "(":
            depth += 1
        elif text == ")":
            depth -= 1
        elif text == "," and depth == 0:
            parts.append(body[last:start])
            last = start + 1
    parts.append(body[last:])
    return parts


def _matching_paren(sql: str, open_at: int) -> int:
    depth = 0
    for _kind, text, start in _tokens(sql, open_at):
        if text == "(":
            depth += 1
        elif text == ")":
            depth -= 1
            if depth == 0:
                return start
    raise ValueError(f"unbalanced parentheses in {sql!r}")


def _tokens(sql: str, pos: int = 0):
    """(kind, text, offset) of words, quoted names/strings and single punctuation characters."""
    n = len(sql)
    while pos < n:
        c = sql[pos]
        if c.isspace():
            pos += 1
        elif sql.startswith("--", pos):
            end = sql.find("\n", pos)
            pos = n if end < 0 else end + 1
        elif sql.startswith("/*", pos):
            end = sql.find("*/", pos + 2)
            pos = n if end < 0 else end + 2
        elif c in "'\"`[":
            close = "]" if c == "[" else c
            end = pos + 1
            while end < n:
                if sql[end] == close:
                    if close != "]" and end + 1 < n and sql[end + 1] == close:  # doubled quote
                        end += 2
                        continue
                    break
                end += 1
            yield ("string" if c == "'" else "name"), sql[pos : end + 1], pos
            pos = end + 1
        elif (m := _WORD.match(sql, pos)) is not None:
            yield "word", m.group(0), pos
            pos = m.end()
        else:
            yield "punct", c, pos
            pos += 1


def _unquote(name: str) -> str:
    if name[:1] in '"`' and name[-1:] == name[:1]:
        return name[1:-1].replace(name[0] * 2, name[0])
    if name[:1] == "[" and name[-1:] == "]":
        return name[1:-1]
    return name
