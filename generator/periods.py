"""Calendar spans written the way the policy team writes them: a day, a month, a quarter, a half
or a year (`2024-02-15`, `2024-02`, `2024-q1`, `2024-h1`, `2024`), and the reporting periods
(cadences) that group them. Pure functions of text and dates; no I/O.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

CADENCES = ("month", "quarter", "half", "year")
PRECISIONS = ("day", *CADENCES)

_PATTERNS = (
    ("day", re.compile(r"(\d{4})-(\d{2})-(\d{2})")),
    ("month", re.compile(r"(\d{4})-(\d{2})")),
    ("quarter", re.compile(r"(\d{4})-[qQ]([1-4])")),
    ("half", re.compile(r"(\d{4})-[hH]([12])")),
    ("year", re.compile(r"(\d{4})")),
)


@dataclass(frozen=True, order=True)
class Span:
    """A stretch of calendar time at the precision it was written with."""

    start: date
    end: date
    """Last day included."""
    precision: str
    """`day`, `month`, `quarter`, `half` or `year`."""

    @property
    def name(self) -> str:
        """Canonical text: `2024-02-15`, `2024-02`, `2024-q1`, `2024-h1`, `2024`."""
        y = self.start.year
        if self.precision == "day":
            return self.start.isoformat()
        if self.precision == "month":
            return f"{y}-{self.start.month:02d}"
        if self.precision == "quarter":
            return f"{y}-q{(self.start.month - 1) // 3 + 1}"
        if self.precision == "half":
            return f"{y}-h{(self.start.month - 1) // 6 + 1}"
        return str(y)

    def __str__(self) -> str:
        return self.name


def parse_span(text: str) -> Span:
    """Parse a date at any supported precision; ValueError says what is wrong."""
    for precision, pattern in _PATTERNS:
        match = pattern.fullmatch(text)
        if not match:
            continue
        year = int(match.group(1))
        if year < 1900:
            raise ValueError(f"year {year} is too early")
        if precision == "day":
            month, day = int(match.group(2)), int(match.group(3))
            if not 1 <= month <= 12:
                raise ValueError(f"month {month:02d} does not exist")
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise ValueError(f"{calendar.month_name[month]} {year} has no day {day}")
            d = date(year, month, day)
            return Span(d, d, "day")
        if precision == "month":
            month = int(match.group(2))
            if not 1 <= month <= 12:
                raise ValueError(f"month {month:02d} does not exist")
            return _months(year, month, 1, "month")
        if precision == "quarter":
            return _months(year, (int(match.group(2)) - 1) * 3 + 1, 3, "quarter")
        if precision == "half":
            return _months(year, (int(match.group(2)) - 1) * 6 + 1, 6, "half")
        return _months(year, 1, 12, "year")
    raise ValueError("not a date")


def _months(year: int, first_month: int, count: int, precision: str) -> Span:
    last_month = first_month + count - 1
    end = date(year, last_month, calendar.monthrange(year, last_month)[1])
    return Span(date(year, first_month, 1), end, precision)


def period_of_day(day: date, cadence: str) -> Span:
    """The reporting period of the given cadence that contains `day`."""
    if cadence == "month":
        return _months(day.year, day.month, 1, "month")
    if cadence == "quarter":
        return _months(day.year, (day.month - 1) // 3 * 3 + 1, 3, "quarter")
    if cadence == "half":
        return _months(day.year, (day.month - 1) // 6 * 6 + 1, 6, "half")
    return _months(day.year, 1, 12, "year")


def period_of_span(span: Span, cadence: str) -> Span | None:
    """The period containing the whole span, or None when the span straddles several periods."""
    period = period_of_day(span.start, cadence)
    return period if span.end <= period.end else None


def previous_period(period: Span) -> Span:
    return period_of_day(date.fromordinal(period.start.toordinal() - 1), period.precision)


def next_period(period: Span) -> Span:
    return period_of_day(date.fromordinal(period.end.toordinal() + 1), period.precision)
