"""Postgres intervals: months, days and microseconds kept apart, with calendar arithmetic.

`'18 years'::interval` is 216 months, `'30 days'` 30 days: adding them to a timestamp moves
the calendar (2024-02-29 + 1 year = 2025-02-28), as Postgres does. Intervals compare by their
span, a month counting 30 days and a day 24 hours (Postgres's interval_cmp).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

DAY_US = 86_400_000_000


@dataclass(frozen=True, slots=True, eq=False)
class Interval:
    months: int = 0
    days: int = 0
    micros: int = 0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Interval) and self.span() == other.span()

    def __hash__(self) -> int:
        return hash(self.span())

    def __lt__(self, other: Interval) -> bool:
        return self.span() < other.span()

    def __le__(self, other: Interval) -> bool:
        return self.span() <= other.span()

    def __gt__(self, other: Interval) -> bool:
        return self.span() > other.span()

    def __ge__(self, other: Interval) -> bool:
        return self.span() >= other.span()

    def span(self) -> int:
        """Microseconds, a month counting 30 days (how Postgres orders and equates intervals)."""
        return (self.months * 30 + self.days) * DAY_US + self.micros

    def __neg__(self) -> Interval:
        return Interval(-self.months, -self.days, -self.micros)

    def plus(self, other: Interval) -> Interval:
        return Interval(self.months + other.months, self.days + other.days, self.micros + other.micros)

    def times(self, factor: float | int | Decimal) -> Interval:
        """Postgres's interval_mul: fractions of a month spill into days, of a day into time."""
        f = float(factor)
        months = self.months * f
        whole_months = int(months)
        days = self.days * f + (months - whole_months) * 30
        whole_days = int(days)
        micros = self.micros * f + (days - whole_days) * DAY_US
        return Interval(whole_months, whole_days, round(micros))

    def text(self) -> str:
        """The interval as Postgres prints it (IntervalStyle postgres)."""
        parts = []
        years, months = divmod(abs(self.months), 12)
        sign = "-" if self.months < 0 else ""
        if years:
            parts.append(f"{sign}{years} year{'s' if years != 1 else ''}")
        if months:
            parts.append(f"{sign}{months} mon{'s' if months != 1 else ''}")
        if self.days:
            parts.append(f"{self.days} day{'s' if abs(self.days) != 1 else ''}")
        if self.micros or not parts:
            us = abs(self.micros)
            secs, frac = divmod(us, 1_000_000)
            h, rest = divmod(secs, 3600)
            m, s = divmod(rest, 60)
            clock = f"{'-' if self.micros < 0 else ''}{h:02d}:{m:02d}:{s:02d}"
            parts.append(clock + (f".{frac:06d}".rstrip("0") if frac else ""))
        return " ".join(parts)


_UNITS = {
    **dict.fromkeys(("microsecond", "microseconds", "us", "usec", "usecs", "useconds"), ("us", 1)),
    **dict.fromkeys(("millisecond", "milliseconds", "ms", "msec", "msecs", "mseconds"), ("us", 1000)),
    **dict.fromkeys(("second", "seconds", "s", "sec", "secs"), ("us", 1_000_000)),
    **dict.fromkeys(("minute", "minutes", "m", "min", "mins"), ("us", 60_000_000)),
    **dict.fromkeys(("hour", "hours", "h", "hr", "hrs"), ("us", 3_600_000_000)),
    **dict.fromkeys(("day", "days", "d"), ("days", 1)),
    **dict.fromkeys(("week", "weeks", "w"), ("days", 7)),
    **dict.fromkeys(("month", "months", "mon", "mons"), ("months", 1)),
    **dict.fromkeys(("year", "years", "y", "yr", "yrs"), ("months", 12)),
    **dict.fromkeys(("decade", "decades"), ("months", 120)),
    **dict.fromkeys(("century", "centuries"), ("months", 1200)),
    **dict.fromkeys(("millennium", "millennia", "millenniums"), ("months", 12000)),
}
_TOKEN = re.compile(
    r"\s*(?:(?P<clock>[+-]?\d+:\d{1,2}(?::\d{1,2}(?:\.\d+)?)?)"
    r"|(?P<num>[+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(?P<unit>[a-z]+)?)\s*,?"
)
_ISO = re.compile(
    r"p(?:(?P<y>[\d.]+)y)?(?:(?P<mo>[\d.]+)m)?(?:(?P<w>[\d.]+)w)?(?:(?P<d>[\d.]+)d)?"
    r"(?:t(?:(?P<h>[\d.]+)h)?(?:(?P<mi>[\d.]+)m)?(?:(?P<s>[\d.]+)s)?)?"
)


def parse_interval(text: str) -> Interval:
    """An interval literal: `18 years`, `1 year 2 mons 3 days 04:05:06`, `@ 1 day ago`, `P1Y2M`."""
    s = text.strip().lower()
    negate = s.endswith(" ago")
    s = s.removesuffix(" ago").removeprefix("@").strip()
    if not s:
        raise ValueError(f"invalid interval {text!r}")
    totals = {"months": 0.0, "days": 0.0, "us": 0.0}
    iso = _ISO.fullmatch(s)
    if iso and s != "p":
        for key, (field, size) in (("y", ("months", 12)), ("mo", ("months", 1)), ("w", ("days", 7)),
                                   ("d", ("days", 1)), ("h", ("us", 3_600_000_000)),
                                   ("mi", ("us", 60_000_000)), ("s", ("us", 1_000_000))):  # fmt: skip
            if iso.group(key):
                totals[field] += float(iso.group(key)) * size
    else:
        pos = 0
        while pos < len(s):
            m = _TOKEN.match(s, pos)
            if m is None or m.end() == pos:
                raise ValueError(f"invalid interval {text!r}")
            pos = m.end()
            if m.group("clock"):
                clock = m.group("clock")
                sign = -1 if clock.startswith("-") else 1
                fields = clock.lstrip("+-").split(":")
                h, mi = int(fields[0]), int(fields[1])
                sec = float(fields[2]) if len(fields) > 2 else 0.0
                totals["us"] += sign * ((h * 3600 + mi * 60) * 1_000_000 + sec * 1_000_000)
                continue
            unit = m.group("unit") or "seconds"
            if unit not in _UNITS:
                raise ValueError(f"invalid interval unit {unit!r} in {text!r}")
            field, size = _UNITS[unit]
            totals[field] += float(m.group("num")) * size
    months = int(totals["months"])
    days = totals["days"] + (totals["months"] - months) * 30
    whole_days = int(days)
    micros = round(totals["us"] + (days - whole_days) * DAY_US)
    out = Interval(months, whole_days, micros)
    return -out if negate else out


def add_months(ts: dt.datetime, months: int) -> dt.datetime:
    """The same day `months` later, the last day of the month when it has fewer days."""
    y, m = divmod(ts.month - 1 + months, 12)
    year, month = ts.year + y, m + 1
    return ts.replace(year=year, month=month, day=min(ts.day, calendar.monthrange(year, month)[1]))


def shift(ts: dt.datetime, iv: Interval, sign: int = 1) -> dt.datetime:
    """`ts + iv` (or `- iv`): months first, then days, then time, as Postgres does."""
    out = add_months(ts, sign * iv.months) if iv.months else ts
    return out + dt.timedelta(days=sign * iv.days, microseconds=sign * iv.micros)


def shift_time(t: dt.time, iv: Interval, sign: int = 1) -> dt.time:
    """`time + interval`: only the time part counts, wrapping around midnight."""
    us = ((t.hour * 3600 + t.minute * 60 + t.second) * 1_000_000 + t.microsecond + sign * iv.micros) % DAY_US
    secs, micro = divmod(us, 1_000_000)
    return dt.time(secs // 3600, secs // 60 % 60, secs % 60, micro)


def between(a: dt.datetime, b: dt.datetime) -> Interval:
    """`a - b` for two timestamps: whole days and the rest, both with the sign of the difference."""
    total = (a - b) // dt.timedelta(microseconds=1)
    days = abs(total) // DAY_US * (1 if total >= 0 else -1)
    return Interval(0, days, total - days * DAY_US)


def age(a: dt.datetime, b: dt.datetime) -> Interval:
    """age(a, b): years, months and days between two timestamps, borrowing as Postgres does."""
    if a < b:
        return -age(b, a)
    months = (a.year - b.year) * 12 + a.month - b.month
    days = a.day - b.day
    micros = (
        ((a.hour - b.hour) * 3600 + (a.minute - b.minute) * 60 + a.second - b.second) * 1_000_000
        + a.microsecond
        - b.microsecond
    )
    if micros < 0:
        micros += DAY_US
        days -= 1
    if days < 0:
        days += calendar.monthrange(b.year, b.month)[1]  # borrow b's month (timestamp_age)
        months -= 1
    return Interval(months, days, micros)
