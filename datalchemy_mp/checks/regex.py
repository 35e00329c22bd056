"""Postgres regular expressions (AREs) and LIKE patterns as Python `re` patterns.

Regexes: POSIX classes as ASCII, `$` = end of string, `.` matches a newline (the caller compiles
with re.DOTALL). Each translation has an evaluation form and a generation form.
"""

from __future__ import annotations

import re

_POSIX_CLASSES = {
    "alpha": "a-zA-Z",
    "digit": "0-9",
    "alnum": "a-zA-Z0-9",
    "upper": "A-Z",
    "lower": "a-z",
    "space": " \\t\\n\\r\\f\\v",
    "blank": " \\t",
    "punct": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
    "xdigit": "0-9A-Fa-f",
    "word": "a-zA-Z0-9_",
    "cntrl": "\\x00-\\x1f\\x7f",
    "print": "\\x20-\\x7e",
    "graph": "\\x21-\\x7e",
}


def translate_regex(pattern: str, for_generation: bool) -> str:
    """A Postgres ARE as a Python regex: POSIX classes as ASCII sets, \\m \\M \\y \\Y as \\b \\B.

    For evaluation `$` becomes `\\Z` (Postgres's `$` never matches before a final newline) and
    \\m/\\M keep their word-side; for generation they become plain \\b and `$` stays.
    """
    if pattern.startswith("***"):
        raise ValueError("regex directors (***) are not supported")
    out: list[str] = []
    i, n = 0, len(pattern)
    in_class = False
    class_start = 0
    while i < n:
        ch = pattern[i]
        if ch == "\\" and i + 1 < n:
            nxt = pattern[i + 1]
            if not in_class and nxt in "mMyY":
                if for_generation:
                    out.append("\\B" if nxt == "Y" else "\\b")
                else:
                    out.append({"m": r"\b(?=\w)", "M": r"\b(?<=\w)", "y": r"\b", "Y": r"\B"}[nxt])
            else:
                out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            if ch == "[" and i + 1 < n and pattern[i + 1] in ":.=":
                kind = pattern[i + 1]
                end = pattern.find(kind + "]", i + 2)
                if end < 0:
                    raise ValueError("unterminated bracket expression")
                name = pattern[i + 2 : end]
                if kind != ":" or name not in _POSIX_CLASSES:
                    raise ValueError(f"bracket item [{kind}{name}{kind}] is not supported")
                out.append(_POSIX_CLASSES[name])
                i = end + 2
                continue
            if ch == "]" and i > class_start:
                in_class = False
            out.append(ch)
            i += 1
            continue
        if ch == "[":
            in_class = True
            out.append(ch)
            i += 1
            if i < n and pattern[i] == "^":
                out.append("^")
                i += 1
            class_start = i + 1 if i < n and pattern[i] == "]" else i
            if i < n and pattern[i] == "]":
                out.append("\\]")
                i += 1
            continue
        if ch == "$" and not for_generation:
            out.append(r"\Z")
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def like_to_regex(pattern: str, escape: str | None, *, for_generation: bool) -> str:
    """A LIKE pattern as a regex to fullmatch (generation: % and _ draw alphanumerics)."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if escape and ch == escape:
            if i + 1 >= len(pattern):
                raise ValueError("LIKE pattern must not end with the escape character")
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        if ch == "%":
            out.append("[A-Za-z0-9]*" if for_generation else ".*")
        elif ch == "_":
            out.append("[A-Za-z0-9]" if for_generation else ".")
        else:
            out.append(re.escape(ch))
        i += 1
    body = "".join(out)
    return f"^{body}$" if for_generation else body


def similar_to_regex(pattern: str, escape: str | None, *, for_generation: bool) -> str:
    """A SIMILAR TO pattern as an anchored Postgres ARE (what similar_to_escape() returns).

    `%` and `_` are LIKE's wildcards (for generation they draw alphanumerics); `| * + ? {m,n} ( )
    [...]` keep their regex meaning; any other regex character is literal."""
    out = ["^(?:"]
    i, n = 0, len(pattern)
    in_class = False
    while i < n:
        ch = pattern[i]
        if escape and ch == escape and not in_class:
            if i + 1 >= n:
                raise ValueError("SIMILAR TO pattern must not end with the escape character")
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        if in_class:
            end = pattern.find(":]", i + 2) if pattern[i : i + 2] == "[:" else -1
            if end >= 0:  # a POSIX class such as [:digit:]
                out.append(pattern[i : end + 2])
                i = end + 2
                continue
            out.append(ch)
            if ch == "]":
                in_class = False
        elif ch == "[":
            in_class = True
            out.append(ch)
            if pattern[i + 1 : i + 2] == "^":
                out.append("^")
                i += 1
            if pattern[i + 1 : i + 2] == "]":
                out.append("\\]")
                i += 1
        elif ch == "%":
            out.append("[A-Za-z0-9]*" if for_generation else ".*")
        elif ch == "_":
            out.append("[A-Za-z0-9]" if for_generation else ".")
        elif ch in "|*+?{}()":
            out.append(ch)
        else:
            out.append(re.escape(ch))
        i += 1
    if in_class:
        raise ValueError("unterminated bracket expression")
    out.append(")$")
    return "".join(out)
