"""The one secret scrubber: logs, error messages and reports hide passwords and tokens with it.

Linear in the length of the text (a 100k-character table name takes milliseconds): the text is
cut into words once, URL passwords are found with ``str`` methods, and the ``key=value`` pattern
has no nested or unbounded backtracking.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

MASK = "***"
SECRET_KEYS = ("password", "sslpassword", "passwd", "pass", "pwd", "secret", "token", "api_key", "apikey")
_KEYS = "|".join(sorted(SECRET_KEYS, key=len, reverse=True))
# password=..., ?pass=..., &token=..., pwd = '...': libpq key=value DSNs and URL queries alike.
# Quoted values are bounded so that an unclosed quote cannot make the scan quadratic.
_VALUE = r"""'[^'\n]{0,1024}'?|"[^"\n]{0,1024}"?|[^\s&#;'"<>,]+"""
_KEY_VALUE = re.compile(rf"(?i)(?<![A-Za-z0-9_])((?:{_KEYS})[ \t]*=[ \t]*)({_VALUE})")
_WORD_BREAKS = re.compile(r"([\s'\"<>]+)")


def scrub_text(text: str) -> str:
    """``text`` with every URL password (``scheme://user:PASSWORD@host``) and every value of a
    secret key (``password=``, ``?pass=``, ``token=``, ...) replaced by ``***``."""
    if "://" in text:
        text = "".join(_scrub_url(w) if "://" in w else w for w in _WORD_BREAKS.split(text))
    return _KEY_VALUE.sub(rf"\1{MASK}", text)


def scrub_dsn_secrets(text: str, dsn: str) -> str:
    """``text`` (a driver's message, say) without the password of ``dsn``, however it is spelled
    there (raw, percent-decoded, quoted), and scrubbed as any text."""
    for secret in _dsn_secrets(dsn):
        text = text.replace(secret, MASK)
    return scrub_text(text)


def _scrub_url(word: str) -> str:
    """Hide what follows ``user:`` up to the last '@' before any '?' or '#': generous on purpose,
    so a password holding a raw '@' or '/' is hidden whole (at worst a little more is hidden)."""
    start = word.index("://") + 3
    end = len(word)
    for stop in "?#":
        found = word.find(stop, start)
        if found >= 0:
            end = min(end, found)
    at = word.rfind("@", start, end)
    colon = word.find(":", start, at) if at >= 0 else -1
    if colon < 0:
        return word
    return f"{word[: colon + 1]}{MASK}{word[at:]}"


def _dsn_secrets(dsn: str) -> list[str]:
    """Every spelling of the DSN's password that could end up in a message, longest first."""
    secrets: set[str] = set()
    try:
        from psycopg.conninfo import conninfo_to_dict

        params = conninfo_to_dict(dsn)
        secrets.update(str(params[k]) for k in ("password", "sslpassword") if params.get(k))
    except Exception:  # noqa: BLE001 - psycopg missing, or a DSN libpq cannot parse
        pass
    for word in _WORD_BREAKS.split(dsn):
        if "://" in word and (scrubbed := _scrub_url(word)) != word:
            start = scrubbed.index(MASK)
            raw = word[start : len(word) - (len(scrubbed) - start - len(MASK))]
            secrets.update({raw, unquote(raw)})
    for match in _KEY_VALUE.finditer(dsn):
        raw = match.group(2).strip("'\"")
        secrets.update({raw, unquote(raw)})
    return sorted((s for s in secrets if s), key=len, reverse=True)
