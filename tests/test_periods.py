"""Calendar spans as the policy team writes them, and the reporting periods that group them."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.periods import (
    CADENCES,
    Span,
    next_period,
    parse_span,
    period_of_day,
    period_of_span,
    previous_period,
)


@pytest.mark.parametrize(
    ("text", "start", "end", "precision", "name"),
    [
        ("2024-02-15", date(2024, 2, 15), date(2024, 2, 15), "day", "2024-02-15"),
        ("2024-02-29", date(2024, 2, 29), date(2024, 2, 29), "day", "2024-02-29"),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "month", "2024-02"),
        ("2023-02", date(2023, 2, 1), date(2023, 2, 28), "month", "2023-02"),
        ("2024-q1", date(2024, 1, 1), date(2024, 3, 31), "quarter", "2024-q1"),
        ("2024-Q4", date(2024, 10, 1), date(2024, 12, 31), "quarter", "2024-q4"),
        ("2024-h1", date(2024, 1, 1), date(2024, 6, 30), "half", "2024-h1"),
        ("2024-H2", date(2024, 7, 1), date(2024, 12, 31), "half", "2024-h2"),
        ("2024", date(2024, 1, 1), date(2024, 12, 31), "year", "2024"),
    ],
)
def test_a_span_keeps_the_precision_it_was_written_with(
    text: str, start: date, end: date, precision: str, name: str
) -> None:
    span = parse_span(text)
    assert span == Span(start, end, precision)
    assert span.name == str(span) == name


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2024-02-30", "February 2024 has no day 30"),
        ("2023-02-29", "February 2023 has no day 29"),
        ("2024-04-31", "April 2024 has no day 31"),
        ("2024-00-10", "month 00 does not exist"),
        ("2024-13", "month 13 does not exist"),
        ("2024-00", "month 00 does not exist"),
        ("2024-q5", "not a date"),
        ("2024-q0", "not a date"),
        ("2024-h3", "not a date"),
        ("1899-12", "year 1899 is too early"),
        ("24-05", "not a date"),
        ("2024-5", "not a date"),
        ("2024/05", "not a date"),
        (" 2024-05", "not a date"),
        ("2024-05-01T10:00", "not a date"),
        ("May 2024", "not a date"),
        ("", "not a date"),
    ],
)
def test_a_malformed_or_impossible_span_says_what_is_wrong(text: str, reason: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_span(text)
    assert str(caught.value) == reason


@pytest.mark.parametrize(
    ("day", "cadence", "name"),
    [
        (date(2024, 5, 31), "month", "2024-05"),
        (date(2024, 5, 31), "quarter", "2024-q2"),
        (date(2024, 7, 1), "quarter", "2024-q3"),
        (date(2024, 6, 30), "half", "2024-h1"),
        (date(2024, 7, 1), "half", "2024-h2"),
        (date(2024, 12, 31), "year", "2024"),
    ],
)
def test_a_day_belongs_to_one_period_of_each_cadence(day: date, cadence: str, name: str) -> None:
    period = period_of_day(day, cadence)
    assert period.name == name and period.precision == cadence


@pytest.mark.parametrize(
    ("text", "cadence", "period"),
    [
        ("2024-05-31", "month", "2024-05"),
        ("2024-05", "quarter", "2024-q2"),
        ("2024-q2", "quarter", "2024-q2"),
        ("2024-q2", "half", "2024-h1"),
        ("2024-q3", "year", "2024"),
        ("2024-q2", "month", None),
        ("2023-h1", "quarter", None),
        ("2024", "half", None),
    ],
)
def test_a_span_belongs_to_a_period_only_when_it_fits_inside_one(text: str, cadence: str, period: str | None) -> None:
    found = period_of_span(parse_span(text), cadence)
    assert (found.name if found else None) == period


@pytest.mark.parametrize(
    ("name", "previous", "following"),
    [
        ("2024-01", "2023-12", "2024-02"),
        ("2024-03", "2024-02", "2024-04"),
        ("2024-q1", "2023-q4", "2024-q2"),
        ("2024-q4", "2024-q3", "2025-q1"),
        ("2024-h1", "2023-h2", "2024-h2"),
        ("2024", "2023", "2025"),
    ],
)
def test_periods_step_back_and_forward_across_year_ends(name: str, previous: str, following: str) -> None:
    period = parse_span(name)
    assert previous_period(period).name == previous
    assert next_period(period).name == following


def test_spans_sort_by_start_then_end() -> None:
    names = ["2024-q2", "2024-02-15", "2023", "2024-h1", "2024-01"]
    assert [s.name for s in sorted(parse_span(n) for n in names)] == [
        "2023",
        "2024-01",
        "2024-h1",
        "2024-02-15",
        "2024-q2",
    ]


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), st.sampled_from(CADENCES))
def test_every_day_lies_in_its_period_and_the_period_name_reads_back(day: date, cadence: str) -> None:
    period = period_of_day(day, cadence)
    assert period.start <= day <= period.end
    assert parse_span(period.name) == period
    assert period_of_span(period, cadence) == period
    assert next_period(previous_period(period)) == period
    assert previous_period(period).end.toordinal() + 1 == period.start.toordinal()
