"""The validator as the policy team meets it: write a record with one mistake into the small content
folder, validate, and read back the exact file, line, column, message id and message.
"""

from __future__ import annotations

import gc
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.periods import Span
from generator.schema import OPERATION
from generator.validate import MESSAGE_IDS, validate_content
from tests.conftest import (
    PAGE_MD,
    RECORD,
    RECORD_ID,
    RECORD_PATH,
    REPORT_MD,
    REPORT_PATH,
    SECOND,
    SECOND_ID,
    SECOND_PATH,
    SITE_YAML,
    TODAY,
    located,
    problems,
    record,
    write_file,
    write_record,
)


def with_record(content: Path, **changes: str | None) -> list[tuple[str, int, int, str, str]]:
    """Problems once the first record is rewritten with `changes` (file name kept)."""
    write_record(content, record(**changes), name=f"{RECORD_ID}.yaml")
    return located(content)


def at(line: int, col: int, code: str, message: str, path: str = RECORD_PATH) -> tuple:
    return (path, line, col, code, message)


def first_hint(content: Path) -> str:
    return problems(content)[0].hint


def intro(content: Path, period: str) -> None:
    write_file(content / "reports" / f"{period}.md", REPORT_MD)


def test_the_small_content_folder_is_valid(content: Path) -> None:
    checked = validate_content(content, TODAY)
    assert checked.problems == []
    assert checked.ok and checked.files == 5
    assert [values["id"] for _, values in checked.operations] == [RECORD_ID, SECOND_ID]
    assert list(checked.reports) == ["2024-q2"]


# --- YAML 1.1 implicit types ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected", "hint"),
    [
        pytest.param(
            {"followers": "0755"},
            at(9, 12, "expected-count", "followers: expected a whole number >= 0, found '0755'"),
            "remove the leading zero (YAML 1.1 would read it as an octal number)",
            id="octal",
        ),
        pytest.param(
            {"accounts": "1:20"},
            at(8, 11, "expected-count", "accounts: expected a whole number >= 0, found '1:20'"),
            "write digits only (YAML 1.1 would read this as a base-60 number)",
            id="base 60",
        ),
        pytest.param(
            {"attribution": "\n  actor: Someone\n  state_affiliated: yes"},
            at(
                18,
                21,
                "expected-boolean",
                "attribution.state_affiliated: expected true or false, found 'yes'",
            ),
            "write true or false (YAML 1.1 reads yes/no/on/off differently from YAML 1.2)",
            id="yes",
        ),
        pytest.param(
            {"followers": "1,234"},
            at(9, 12, "expected-count", "followers: expected a whole number >= 0, found '1,234'"),
            "write it without separators: 1234",
            id="thousands separator",
        ),
        pytest.param(
            {"followers": "~"},
            at(9, 12, "empty-value", "followers: expected a whole number, found an empty value"),
            "fill it in, or delete the line if the field is optional",
            id="tilde",
        ),
        pytest.param(
            {"followers": "-5"},
            at(9, 12, "expected-count", "followers: expected a whole number >= 0, found '-5'"),
            "counts cannot be negative",
            id="negative",
        ),
        pytest.param(
            {"followers": "about 5000"},
            at(9, 12, "expected-count", "followers: expected a whole number >= 0, found 'about 5000'"),
            "write the figure in digits and list the field under `approximate:`",
            id="words",
        ),
        pytest.param(
            {"accounts": "1e3"},
            at(8, 11, "expected-count", "accounts: expected a whole number >= 0, found '1e3'"),
            "write digits only, e.g. 1234",
            id="exponent",
        ),
        pytest.param(
            {"title": "~"},
            at(2, 8, "empty-value", "title: expected text, found an empty value"),
            "fill it in, or delete the line if the field is optional",
            id="null title",
        ),
    ],
)
def test_yaml_1_1_lookalikes_are_judged_on_the_text_written(
    content: Path, changes: dict[str, str], expected: tuple, hint: str
) -> None:
    assert with_record(content, **changes) == [expected]
    assert first_hint(content) == hint


@pytest.mark.parametrize(
    ("changes", "field", "value"),
    [
        pytest.param({"origin": "[NO]"}, "origin", ("NO",), id="Norway in a list"),
        pytest.param({"origin": "NO"}, "origin", ("NO",), id="Norway alone"),
        pytest.param({"targets": "[NO, SE]"}, "targets", ("NO", "SE"), id="Norway and Sweden"),
        pytest.param({"title": "2024-01-01"}, "title", "2024-01-01", id="date-like title"),
        pytest.param({"title": "yes"}, "title", "yes", id="yes as a title"),
        pytest.param({"title": "1e3"}, "title", "1e3", id="number-like title"),
        pytest.param({"accounts": "0"}, "accounts", 0, id="zero"),
        pytest.param(
            {"attribution": "\n  actor: Someone\n  state_affiliated: false"},
            "attribution",
            {"actor": "Someone", "state_affiliated": False},
            id="false",
        ),
    ],
)
def test_yaml_1_1_lookalikes_that_are_valid_keep_their_written_meaning(
    content: Path, changes: dict[str, str], field: str, value: object
) -> None:
    write_record(content, record(**changes), name=f"{RECORD_ID}.yaml")
    checked = validate_content(content, TODAY)
    assert checked.problems == []
    values = next(v for doc, v in checked.operations if doc.path == RECORD_PATH)
    assert values[field] == value


# --- one field at a time -------------------------------------------------------------------------

REQUIRED = [f.name for f in OPERATION.fields if f.required]


@pytest.mark.parametrize("name", REQUIRED)
def test_a_missing_required_field_is_reported_at_the_start_of_the_record(content: Path, name: str) -> None:
    assert with_record(content, **{name: None}) == [
        at(1, 1, "missing-field", f"{name}: missing required field '{name}'")
    ]


def test_a_record_without_accounts_or_surfaces_is_reported(content: Path) -> None:
    assert with_record(content, accounts=None) == [at(1, 1, "no-count", "accounts: missing required field 'accounts'")]
    assert first_hint(content) == "add `accounts: N` (or per-surface counts under `surfaces:`)"


def test_a_record_missing_everything_reports_every_required_field(content: Path) -> None:
    write_record(content, "folowers: 5\n", name=f"{RECORD_ID}.yaml")
    found = located(content)
    assert found[0] == at(1, 1, "missing-field", "detection: missing required field 'detection'")
    assert sorted(m.split(":")[0] for *_, code, m in found if code == "missing-field") == sorted(REQUIRED)
    assert at(1, 1, "unknown-key", "folowers: unknown key 'folowers'") in found


@pytest.mark.parametrize(
    ("changes", "expected", "hint"),
    [
        pytest.param(
            {"followers": None, "folowers": "5"},
            at(15, 1, "unknown-key", "folowers: unknown key 'folowers'"),
            "did you mean 'followers'?",
            id="folowers",
        ),
        pytest.param(
            {"summary": None, "sumary": "x"},
            at(14, 1, "unknown-key", "sumary: unknown key 'sumary'"),
            "did you mean 'summary'?",
            id="sumary",
        ),
        pytest.param(
            {"ad_spend": "\n  amount: 5\n  curency: USD"},
            at(18, 3, "unknown-key", "ad_spend.curency: unknown key 'curency'"),
            "did you mean 'currency'?",
            id="nested",
        ),
        pytest.param(
            {"colour": "red"},
            at(16, 1, "unknown-key", "colour: unknown key 'colour'"),
            "allowed keys: id, title, status, takedown, report, origin, targets, detection, "
            "accounts, followers, approximate, surfaces, ad_spend, attribution, activity, "
            "techniques, related, previous_ids, narratives, summary, sources, corrections",
            id="nothing close",
        ),
    ],
)
def test_an_unknown_key_suggests_the_closest_field(
    content: Path, changes: dict[str, str | None], expected: tuple, hint: str
) -> None:
    assert expected in with_record(content, **changes)
    assert [p.hint for p in problems(content) if p.code == "unknown-key"] == [hint]


@pytest.mark.parametrize(
    ("changes", "expected", "hint"),
    [
        pytest.param(
            {"detection": "intenal"},
            at(
                7,
                12,
                "expected-choice",
                "detection: expected one of internal, external, unknown, found 'intenal'",
            ),
            "did you mean 'internal'?",
            id="detection",
        ),
        pytest.param(
            {"status": "Published"},
            at(3, 9, "expected-choice", "status: expected one of draft, published, found 'Published'"),
            "did you mean 'published'?",
            id="capitalised status",
        ),
        pytest.param(
            {"attribution": "\n  actor: Someone\n  confidence: hihg"},
            at(
                18,
                15,
                "expected-choice",
                "attribution.confidence: expected one of low, medium, high, found 'hihg'",
            ),
            "did you mean 'high'?",
            id="confidence",
        ),
        pytest.param(
            {"approximate": "[folowers]"},
            at(
                16,
                15,
                "expected-choice",
                "approximate[1]: expected one of accounts, followers, ad_spend, facebook_accounts, "
                "instagram_accounts, pages, groups, channels, ad_accounts, threads_accounts, "
                "x_accounts, found 'folowers'",
            ),
            "did you mean 'followers'?",
            id="approximate",
        ),
    ],
)
def test_a_word_outside_the_fields_choices_suggests_the_closest(
    content: Path, changes: dict[str, str], expected: tuple, hint: str
) -> None:
    assert with_record(content, **changes) == [expected]
    assert first_hint(content) == hint


# --- countries -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected", "hint"),
    [
        pytest.param(
            {"targets": "[UK, US]"},
            at(6, 11, "bad-target", "targets[1]: expected an ISO 3166-1 alpha-2 country code, found 'UK'"),
            "did you mean 'GB'?",
            id="UK",
        ),
        pytest.param(
            {"origin": "[Romania]"},
            at(5, 10, "bad-country", "origin[1]: expected an ISO 3166-1 alpha-2 country code, found 'Romania'"),
            "did you mean 'RO' (Romania)?",
            id="Romania",
        ),
        pytest.param(
            {"origin": "[ro]"},
            at(5, 10, "bad-country", "origin[1]: expected an ISO 3166-1 alpha-2 country code, found 'ro'"),
            "did you mean 'RO'? codes are written in capitals",
            id="lowercase ro",
        ),
        pytest.param(
            {"origin": "[IR, RUS]"},
            at(5, 14, "bad-country", "origin[2]: expected an ISO 3166-1 alpha-2 country code, found 'RUS'"),
            "did you mean 'RU' (Russian Federation)?",
            id="alpha-3",
        ),
        pytest.param(
            {"targets": "[GB, GB]"},
            at(6, 15, "duplicate-item", "targets[2]: 'GB' is listed twice"),
            "remove one",
            id="listed twice",
        ),
        pytest.param(
            {"origin": "[]"},
            at(5, 9, "too-few", "origin: expected at least one country code"),
            "write [unknown] if the source does not say",
            id="empty list",
        ),
    ],
)
def test_a_country_mistake_suggests_the_iso_code(
    content: Path, changes: dict[str, str], expected: tuple, hint: str
) -> None:
    assert with_record(content, **changes) == [expected]
    assert first_hint(content) == hint


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"origin": "[XK]"}, id="Kosovo"),
        pytest.param({"origin": "[unknown]"}, id="unknown origin"),
        pytest.param({"targets": "[unknown]"}, id="unknown targets"),
        pytest.param({"targets": "[global]"}, id="global"),
        pytest.param({"targets": "[europe, middle-east, US]"}, id="regions and a code"),
        pytest.param({"targets": "[eu, latin-america, north-america, oceania]"}, id="regions"),
        pytest.param({"origin": "RU"}, id="one code without brackets"),
    ],
)
def test_country_lists_accept_codes_kosovo_unknown_and_named_regions(content: Path, changes: dict[str, str]) -> None:
    assert with_record(content, **changes) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param(
            {"origin": "[unknown, RU]"},
            at(5, 9, "must-be-alone", "origin: 'unknown' cannot be combined with other values"),
            id="unknown",
        ),
        pytest.param(
            {"targets": "[US, global]"},
            at(6, 10, "must-be-alone", "targets: 'global' cannot be combined with other values"),
            id="global",
        ),
    ],
)
def test_unknown_or_global_must_stand_alone(content: Path, changes: dict[str, str], expected: tuple) -> None:
    assert with_record(content, **changes) == [expected]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param(
            {"origin": "[Narnia]"},
            at(5, 10, "bad-country", "origin[1]: expected an ISO 3166-1 alpha-2 country code, found 'Narnia'"),
            id="made-up name",
        ),
        pytest.param(
            {"origin": "[global]"},
            at(5, 10, "bad-country", "origin[1]: expected an ISO 3166-1 alpha-2 country code, found 'global'"),
            id="global as origin",
        ),
        pytest.param(
            {"targets": "[Europe]"},
            at(6, 11, "bad-target", "targets[1]: expected an ISO 3166-1 alpha-2 country code, found 'Europe'"),
            id="capitalised region",
        ),
        pytest.param(
            {"attribution": "\n  actor: Someone\n  country: unknown"},
            at(
                18,
                12,
                "bad-country",
                "attribution.country[1]: expected an ISO 3166-1 alpha-2 country code, found 'unknown'",
            ),
            id="unknown attribution country",
        ),
    ],
)
def test_an_unrecognisable_country_name_is_reported_not_raised(
    content: Path, changes: dict[str, str], expected: tuple
) -> None:
    assert with_record(content, **changes) == [expected]


# --- dates ---------------------------------------------------------------------------------------

DATE_FORMS = "YYYY-MM-DD, YYYY-MM, YYYY-qN, YYYY-hN"


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("2024-02-30", " (February 2024 has no day 30)"),
        ("2023-02-29", " (February 2023 has no day 29)"),
        ("2024-13", " (month 13 does not exist)"),
        ("2024-q5", " (not a date)"),
        ("24-05", " (not a date)"),
        ("1800-01", " (year 1800 is too early)"),
        ("2024", ""),
    ],
)
def test_an_impossible_or_malformed_takedown_is_rejected(content: Path, written: str, reason: str) -> None:
    assert with_record(content, takedown=written) == [
        at(4, 11, "bad-date", f"takedown: expected {DATE_FORMS}, found '{written}'{reason}")
    ]


@pytest.mark.parametrize(
    ("written", "span"),
    [
        ("2024-02", Span(date(2024, 2, 1), date(2024, 2, 29), "month")),
        ("2024-02-15", Span(date(2024, 2, 15), date(2024, 2, 15), "day")),
        ("2024-q1", Span(date(2024, 1, 1), date(2024, 3, 31), "quarter")),
        ("2024-Q1", Span(date(2024, 1, 1), date(2024, 3, 31), "quarter")),
    ],
)
def test_a_takedown_keeps_the_precision_written(content: Path, written: str, span: Span) -> None:
    intro(content, "2024-q1")
    write_record(content, record(takedown=written), name=f"{RECORD_ID}.yaml")
    checked = validate_content(content, TODAY)
    assert checked.problems == []
    assert checked.operations[0][1]["takedown"] == span


@pytest.mark.parametrize(
    ("takedown", "today", "expected"),
    [
        pytest.param(
            "2026-12",
            TODAY,
            [at(4, 11, "in-the-future", "takedown: takedown 2026-12 is after today (2026-11-23)")],
            id="next month",
        ),
        pytest.param(
            "2026-11-24",
            TODAY,
            [at(4, 11, "in-the-future", "takedown: takedown 2026-11-24 is after today (2026-11-23)")],
            id="tomorrow",
        ),
        pytest.param("2026-11-23", TODAY, [], id="today"),
        pytest.param("2026-q4", TODAY, [], id="quarter already begun"),
        pytest.param("2026-12", date(2027, 1, 1), [], id="validated later"),
    ],
)
def test_a_takedown_after_today_is_reported(content: Path, takedown: str, today: date, expected: list[tuple]) -> None:
    intro(content, "2026-q4")
    write_record(content, record(takedown=takedown), name=f"{RECORD_ID}.yaml")
    assert located(content, today) == expected
    if expected:
        assert first_hint(content) == ("check the year; use --as-of YYYY-MM-DD to validate as of another day")


def test_activity_must_not_end_before_it_begins(content: Path) -> None:
    assert with_record(content, activity="\n  first: 2024-06\n  last: 2024-01") == [
        at(17, 3, "activity-order", "activity: first activity 2024-06 is after last activity 2024-01")
    ]


# --- figures -------------------------------------------------------------------------------------


def test_an_approximate_figure_must_be_given(content: Path) -> None:
    assert with_record(content, followers=None, approximate="[followers]") == [
        at(
            15,
            15,
            "approximate-not-given",
            "approximate[1]: 'followers' is marked approximate but the record gives no followers",
        )
    ]
    assert first_hint(content) == "add `followers:` or remove it from `approximate`"


def test_an_approximate_surface_count_counts_as_given(content: Path) -> None:
    changes = {"approximate": "[pages, accounts]", "surfaces": "\n  pages: 3"}
    assert with_record(content, **changes) == []


def test_a_duplicate_list_item_does_not_shift_the_positions_of_later_items(
    content: Path,
) -> None:
    assert with_record(content, approximate="[followers, followers, ad_spend]") == [
        at(16, 26, "duplicate-item", "approximate[2]: 'followers' is listed twice"),
        at(
            16,
            37,
            "approximate-not-given",
            "approximate[3]: 'ad_spend' is marked approximate but the record gives no ad_spend",
        ),
    ]


@pytest.mark.parametrize(
    ("ad_spend", "expected", "hint"),
    [
        pytest.param(
            "\n  amount: 100\n  currency: USDD",
            [
                at(
                    18,
                    13,
                    "bad-currency",
                    "ad_spend.currency: expected an ISO 4217 currency code such as USD or EUR, found 'USDD'",
                )
            ],
            "did you mean 'USD'?",
            id="USDD",
        ),
        pytest.param(
            "\n  amount: 100\n  currency: usd",
            [
                at(
                    18,
                    13,
                    "bad-currency",
                    "ad_spend.currency: expected an ISO 4217 currency code such as USD or EUR, found 'usd'",
                )
            ],
            "did you mean 'USD'?",
            id="lowercase",
        ),
        pytest.param(
            "\n  amount: 100",
            [at(17, 3, "no-currency", "ad_spend.currency: an amount above zero needs its currency")],
            "add `currency: USD` (or the ISO 4217 code the source gives)",
            id="no currency",
        ),
        pytest.param(
            "\n  amount: 1,000\n  currency: USD",
            [at(17, 11, "expected-number", "ad_spend.amount: expected a number >= 0, found '1,000'")],
            "write it without separators: 1000",
            id="separator",
        ),
        pytest.param("\n  amount: 0", [], "", id="zero needs no currency"),
        pytest.param("\n  amount: 10.5\n  currency: EUR", [], "", id="decimal amount"),
    ],
)
def test_ad_spend_needs_a_real_currency_when_above_zero(
    content: Path, ad_spend: str, expected: list[tuple], hint: str
) -> None:
    assert with_record(content, ad_spend=ad_spend) == expected
    if expected:
        assert first_hint(content) == hint


@pytest.mark.parametrize(
    ("techniques", "expected"),
    [
        pytest.param("[T0097.101, T0049]", [], id="valid"),
        pytest.param(
            "[T0097.101, T97]",
            [
                at(
                    16,
                    25,
                    "bad-technique",
                    "techniques[2]: expected a DISARM technique id such as T0097 or T0097.101, found 'T97'",
                )
            ],
            id="T97",
        ),
        pytest.param(
            "[t0097]",
            [
                at(
                    16,
                    14,
                    "bad-technique",
                    "techniques[1]: expected a DISARM technique id such as T0097 or T0097.101, found 't0097'",
                )
            ],
            id="lowercase",
        ),
    ],
)
def test_technique_ids_follow_the_disarm_form(content: Path, techniques: str, expected: list[tuple]) -> None:
    assert with_record(content, techniques=techniques) == expected


def test_corrections_must_be_in_date_order_and_not_in_the_future(content: Path) -> None:
    corrections = (
        "\n  - date: 2025-03-01\n    note: Second."
        "\n  - date: 2025-01-10\n    note: First."
        "\n  - date: 2027-01-01\n    note: Not yet."
    )
    assert with_record(content, corrections=corrections) == [
        at(19, 5, "corrections-order", "corrections[2].date: corrections must be in date order, oldest first"),
        at(21, 5, "in-the-future", "corrections[3].date: 2027-01-01 is after today"),
    ]


def test_a_correction_date_must_be_a_day(content: Path) -> None:
    assert with_record(content, corrections="\n  - date: 2025-03\n    note: x") == [
        at(17, 11, "bad-date", "corrections[1].date: expected YYYY-MM-DD, found '2025-03'")
    ]


# --- ids and links between records ---------------------------------------------------------------


def test_the_id_must_equal_the_file_name(content: Path) -> None:
    assert with_record(content, id="2024-05-ir-uk") == [
        at(
            1,
            5,
            "id-not-file-name",
            "id: id '2024-05-ir-uk' differs from the file name '2024-05-ir-uk-us.yaml'",
        )
    ]
    assert first_hint(content) == "rename the file to 2024-05-ir-uk.yaml or set id: 2024-05-ir-uk-us"


@pytest.mark.parametrize(
    ("written", "suggestion"),
    [("2024_05_IR", "2024-05-ir"), ("Iran network", "iran-network"), ("a--b", "a-b")],
)
def test_an_id_must_be_a_lowercase_slug(content: Path, written: str, suggestion: str) -> None:
    found = with_record(content, id=written)
    assert found[0] == at(
        1,
        5,
        "bad-id",
        f"id: expected an id of lowercase letters, digits and single hyphens, found '{written}'",
    )
    assert first_hint(content) == f"for example '{suggestion}'"


def test_an_id_used_by_two_files_names_both_files(content: Path) -> None:
    copy = "content/operations/2023/2024-05-ir-uk-us.yaml"
    write_record(content, RECORD, year="2023")
    assert located(content) == [
        at(1, 5, "duplicate-id", f"id: '{RECORD_ID}' is also used by {RECORD_PATH}:1", path=copy),
        at(1, 5, "duplicate-id", f"id: '{RECORD_ID}' is already used by {copy}:1"),
    ]


def test_a_previous_id_that_is_another_records_id_names_both_files(content: Path) -> None:
    assert with_record(content, previous_ids=f"[old-name, {SECOND_ID}]") == [
        at(
            16,
            26,
            "duplicate-id",
            f"previous_ids[2]: '{SECOND_ID}' is also used by {SECOND_PATH}:2",
        ),
        at(
            2,
            5,
            "duplicate-id",
            f"id: '{SECOND_ID}' is already used by {RECORD_PATH}:16",
            path=SECOND_PATH,
        ),
    ]


def test_a_related_id_must_exist(content: Path) -> None:
    assert with_record(content, related="[2024-06-cn-spamoflage]") == [
        at(16, 11, "unknown-related", "related[1]: no record has the id '2024-06-cn-spamoflage'")
    ]
    assert first_hint(content) == f"did you mean '{SECOND_ID}'?"


def test_a_related_id_may_name_another_record(content: Path) -> None:
    assert with_record(content, related=f"[{SECOND_ID}]") == []


def test_a_published_record_cannot_relate_to_a_draft(content: Path) -> None:
    write_record(content, SECOND.replace("status: published", "status: draft"))
    assert with_record(content, related=f"[{SECOND_ID}]") == [
        at(
            16,
            11,
            "related-draft",
            f"related[1]: '{SECOND_ID}' is a draft, so the link would lead nowhere",
        )
    ]


def test_a_record_cannot_relate_to_itself(content: Path) -> None:
    assert with_record(content, related=f"[{RECORD_ID}]") == [
        at(16, 11, "related-self", "related[1]: a record cannot relate to itself")
    ]


# --- sources -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "line", "col", "where"),
    [
        ("    url: javascript:alert(1)", 15, 10, "sources[1].url"),
        ("    url: ftp://example.org/report", 15, 10, "sources[1].url"),
        ("    url: example.org/report", 15, 10, "sources[1].url"),
        ("    url: https://exa mple.org", 15, 10, "sources[1].url"),
        ("    url: https://", 15, 10, "sources[1].url"),
        ("    url: https://example.org\n    archive_url: javascript:alert(1)", 16, 18, "sources[1].archive_url"),
    ],
)
def test_a_source_address_must_be_http_or_https(content: Path, url: str, line: int, col: int, where: str) -> None:
    sources = "\n  - title: Report\n" + url
    found = with_record(content, sources=sources)
    written = url.rsplit(": ", 1)[1]
    assert found == [at(line, col, "bad-url", f"{where}: expected an http:// or https:// address, found '{written}'")]
    assert first_hint(content) == "copy the full address from the browser's address bar"


def test_a_record_needs_at_least_one_source(content: Path) -> None:
    assert with_record(content, sources="[]") == [
        at(13, 10, "too-few", "sources: expected at least 1 item(s), found 0")
    ]


# --- periods and intros --------------------------------------------------------------------------


def test_a_report_period_must_be_of_the_sites_cadence(content: Path) -> None:
    found = with_record(content, report="2024-05")
    assert at(16, 9, "wrong-cadence", "report: '2024-05' is a month but the site's cadence is quarter") in found
    assert [p.hint for p in problems(content) if p.code == "wrong-cadence"] == ["name a quarter period, e.g. 2024-q2"]


def test_a_report_period_of_the_wrong_cadence_asks_for_no_intro(content: Path) -> None:
    assert [code for *_, code, _ in with_record(content, report="2024-05")] == ["wrong-cadence"]


def test_a_takedown_spanning_periods_needs_a_report(content: Path) -> None:
    assert with_record(content, takedown="2023-h1") == [
        at(4, 11, "spans-periods", "takedown: takedown 2023-h1 spans more than one quarter")
    ]
    assert first_hint(content) == "add `report: <quarter>` naming the period that disclosed it"


def test_a_takedown_spanning_periods_is_fine_with_a_report(content: Path) -> None:
    assert with_record(content, takedown="2023-h1", report="2024-q2") == []


def test_a_report_period_before_the_takedown_is_reported(content: Path) -> None:
    intro(content, "2024-q1")
    assert with_record(content, report="2024-q1") == [
        at(
            16,
            9,
            "report-before-takedown",
            "report: report period 2024-q1 ends before the takedown 2024-05",
        )
    ]


def test_a_period_with_published_networks_needs_an_intro(content: Path) -> None:
    (content / "reports" / "2024-q2.md").unlink()
    assert located(content) == [
        at(
            4,
            11,
            "missing-intro",
            "period 2024-q2 has published networks but no intro reports/2024-q2.md",
        )
    ]
    assert first_hint(content) == ("create reports/2024-q2.md with `title:` and `published:` front matter")


def test_a_period_with_only_drafts_needs_no_intro(content: Path) -> None:
    (content / "reports" / "2024-q2.md").unlink()
    write_record(content, SECOND.replace("status: published", "status: draft"))
    assert with_record(content, status="draft") == []


@pytest.mark.parametrize(
    ("name", "message", "hint"),
    [
        pytest.param(
            "2024-05.md",
            "'2024-05' is a month but the site's cadence is quarter",
            "rename the file to a quarter period, or change `cadence` in site.yaml",
            id="a month on a quarter site",
        ),
        pytest.param(
            "q2.md",
            "file name 'q2' is not a period name",
            "name intro files after their period: 2024-05.md, 2024-q2.md, 2024-h1.md, 2024.md",
            id="not a period",
        ),
        pytest.param(
            "2024-06-30.md",
            "file name '2024-06-30' is not a period name",
            "name intro files after their period: 2024-05.md, 2024-q2.md, 2024-h1.md, 2024.md",
            id="a day",
        ),
    ],
)
def test_an_intro_file_must_be_named_after_a_period_of_the_cadence(
    content: Path, name: str, message: str, hint: str
) -> None:
    (content / "reports" / "2024-q2.md").rename(content / "reports" / name)
    found = problems(content)
    assert [(p.path, p.line, p.col, p.code, p.message, p.hint) for p in found] == [
        (
            RECORD_PATH,
            4,
            11,
            "missing-intro",
            "period 2024-q2 has published networks but no intro reports/2024-q2.md",
            "create reports/2024-q2.md with `title:` and `published:` front matter",
        ),
        (f"content/reports/{name}", 0, 0, "wrong-cadence", message, hint),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            REPORT_MD.replace("2024-07-15", "2024-13-01"),
            [
                at(
                    3,
                    12,
                    "bad-date",
                    "published: expected YYYY-MM-DD, found '2024-13-01' (month 13 does not exist)",
                    path=REPORT_PATH,
                )
            ],
            id="impossible date",
        ),
        pytest.param(
            REPORT_MD.replace("published: 2024-07-15\n", ""),
            [at(2, 1, "missing-field", "published: missing required field 'published'", path=REPORT_PATH)],
            id="no publication day",
        ),
        pytest.param(
            "Two networks.\n",
            [at(1, 1, "no-front-matter", "missing front matter", path=REPORT_PATH)],
            id="no front matter",
        ),
    ],
)
def test_intro_front_matter_is_checked_at_real_line_numbers(content: Path, text: str, expected: list[tuple]) -> None:
    write_file(content / "reports" / "2024-q2.md", text)
    assert located(content) == expected


def test_page_front_matter_is_checked_at_real_line_numbers(content: Path) -> None:
    write_file(content / "pages" / "about.md", PAGE_MD.replace("title:", "titel:"))
    page = "content/pages/about.md"
    assert located(content) == [
        at(2, 1, "unknown-key", "titel: unknown key 'titel'", path=page),
        at(2, 1, "missing-field", "title: missing required field 'title'", path=page),
    ]


# --- site settings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("site", "expected"),
    [
        pytest.param(
            SITE_YAML.replace("cadence: quarter", "cadence: weekly"),
            (4, 10, "expected-choice", "cadence: expected one of month, quarter, half, year, found 'weekly'"),
            id="bad cadence",
        ),
        pytest.param(
            SITE_YAML.replace("base_url: https://example.org/transparency/\n", ""),
            (1, 1, "missing-field", "base_url: missing required field 'base_url'"),
            id="no base_url",
        ),
        pytest.param(
            SITE_YAML.replace("https://example.org/transparency/", "example.org"),
            (3, 11, "bad-url", "base_url: expected an http:// or https:// address, found 'example.org'"),
            id="bad base_url",
        ),
        pytest.param(
            SITE_YAML.replace("language: en", "langauge: en"),
            (5, 1, "unknown-key", "langauge: unknown key 'langauge'"),
            id="misspelt key",
        ),
        pytest.param(
            SITE_YAML + "platform: Other\n",
            (6, 1, "duplicate-key", "duplicate key 'platform' (first written on line 1)"),
            id="duplicate key",
        ),
    ],
)
def test_site_settings_are_reported_like_records(content: Path, site: str, expected: tuple) -> None:
    write_file(content / "site.yaml", site)
    assert ("content/site.yaml", *expected) in located(content)


def test_a_missing_site_file_is_reported(content: Path) -> None:
    (content / "site.yaml").unlink()
    assert located(content) == [("content/site.yaml", 0, 0, "missing-site", "site settings file is missing")]


def test_a_missing_operations_folder_is_reported(content: Path) -> None:
    shutil.rmtree(content / "operations")
    assert located(content) == [("content/operations", 0, 0, "no-operations", "no operations folder")]


# --- what lives in operations/ -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("2024-05-ru-x.yml", "rename it to .yaml"),
        ("notes.txt", "only .yaml records belong here; move or delete this file"),
        ("2024-05-ru-x.YAML", "only .yaml records belong here; move or delete this file"),
    ],
)
def test_only_yaml_records_belong_in_operations(content: Path, name: str, hint: str) -> None:
    write_file(content / "operations" / "2024" / name, RECORD)
    assert [(p.path, p.line, p.col, p.code, p.message, p.hint) for p in problems(content)] == [
        (f"content/operations/2024/{name}", 0, 0, "not-a-record", "not a .yaml file", hint)
    ]


def test_records_are_read_in_name_order_each_folders_own_files_before_its_subfolders(content: Path) -> None:
    for folder, record_id in [
        ("2024/b", "2024-05-b"),
        ("2024", "2024-05-c"),
        ("2024/a", "2024-05-a"),
        ("2023", "2024-05-z"),
        ("2024/b/deeper", "2024-05-d"),
        ("2024/a/inner", "2024-05-i"),
    ]:
        write_record(content, record(id=record_id), year=folder)
    (content / "operations" / "2024" / "e-link").symlink_to("b", target_is_directory=True)  # not walked twice
    checked = validate_content(content, TODAY)
    assert [doc.path for doc, _ in checked.operations] == [
        "content/operations/2023/2024-05-z.yaml",
        "content/operations/2024/2024-05-c.yaml",
        f"content/operations/2024/{RECORD_ID}.yaml",
        f"content/operations/2024/{SECOND_ID}.yaml",
        "content/operations/2024/a/2024-05-a.yaml",
        "content/operations/2024/a/inner/2024-05-i.yaml",
        "content/operations/2024/b/2024-05-b.yaml",
        "content/operations/2024/b/deeper/2024-05-d.yaml",
    ]


@pytest.mark.parametrize("enabled", [True, False], ids=["enabled", "disabled"])
def test_validation_leaves_the_cycle_collector_as_it_found_it(content: Path, enabled: bool) -> None:
    was_enabled = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        validate_content(content, TODAY)
        assert gc.isenabled() == enabled
    finally:
        gc.enable() if was_enabled else gc.disable()


@pytest.mark.parametrize("name", [".2024-05-ir-uk-us.yaml.swp", ".#x.yaml", "x.yaml~"])
def test_hidden_files_and_editor_backups_are_ignored(content: Path, name: str) -> None:
    write_file(content / "operations" / "2024" / name, b"\x00 not a record")
    assert located(content) == []


@pytest.mark.parametrize("target_is_dir", [False, True], ids=["file", "folder"])
def test_a_symlink_leaving_the_content_folder_is_refused(content: Path, tmp_path: Path, target_is_dir: bool) -> None:
    outside = tmp_path / "elsewhere"
    write_file(outside / "2024-05-ru-x.yaml", "id: 2024-05-ru-x\n")
    target = outside if target_is_dir else outside / "2024-05-ru-x.yaml"
    link = content / "operations" / "2024" / ("linked" if target_is_dir else "linked.yaml")
    link.symlink_to(target)
    assert [(p.path, p.line, p.col, p.code, p.message) for p in problems(content)] == [
        (
            f"content/operations/2024/{link.name}",
            0,
            0,
            "outside-content",
            f"symlink points outside the content folder (to {target.resolve()})",
        )
    ]


def test_a_symlink_inside_the_content_folder_is_read(content: Path) -> None:
    (content / "operations" / "2024" / "alias.yaml").symlink_to(f"{RECORD_ID}.yaml")
    codes = [code for *_, code, _ in located(content)]
    assert codes == ["duplicate-id", "duplicate-id", "id-not-file-name"]


def test_a_symlink_loop_is_reported_not_raised(content: Path) -> None:
    folder = content / "operations" / "2024"
    (folder / "a.yaml").symlink_to("b.yaml")
    (folder / "b.yaml").symlink_to("a.yaml")
    assert {p.path for p in problems(content)} == {
        "content/operations/2024/a.yaml",
        "content/operations/2024/b.yaml",
    }


# --- whole files ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "- id: x\n- title: y\n",
            [at(1, 1, "expected-mapping", "expected a mapping of `key: value` lines, found a list")],
            id="a list",
        ),
        pytest.param(
            "just a sentence\n",
            [
                at(
                    1,
                    1,
                    "expected-mapping",
                    "expected a mapping of `key: value` lines, found 'just a sentence'",
                )
            ],
            id="a scalar",
        ),
        pytest.param("", [at(1, 1, "empty-file", "file is empty")], id="empty"),
        pytest.param(
            b"\xff\xfe", [at(1, 1, "bad-encoding", "invalid UTF-8: byte 0xff cannot be decoded")], id="not UTF-8"
        ),
    ],
)
def test_a_file_that_is_not_a_record_mapping_is_reported(
    content: Path, text: str | bytes, expected: list[tuple]
) -> None:
    write_record(content, text, name=f"{RECORD_ID}.yaml")
    assert located(content) == expected


def test_all_problems_of_all_files_come_in_one_run_sorted_by_file_then_line(
    content: Path,
) -> None:
    write_record(content, record(followers="0755", status="Published"), name=f"{RECORD_ID}.yaml")
    write_record(
        content,
        SECOND.replace("detection: external", "detection: extrnal").replace("followers: 5000", "followers: lots"),
    )
    write_file(content / "reports" / "2024-q2.md", REPORT_MD.replace("2024-07-15", "2024-07-32"))
    write_file(content / "site.yaml", SITE_YAML.replace("https://example.org/transparency/", "x"))
    assert [(path, line) for path, line, *_ in located(content)] == [
        (RECORD_PATH, 3),
        (RECORD_PATH, 9),
        (SECOND_PATH, 8),
        (SECOND_PATH, 9),
        (REPORT_PATH, 3),
        ("content/site.yaml", 3),
    ]


def test_every_message_id_the_validator_emits_is_catalogued(content: Path) -> None:
    # One file per mistake, so each reaches the rule that reports it.
    mistakes = {
        "a": {"followers": "0755"},
        "b": {"origin": "[UK, unknown]"},
        "c": {"followers": None, "approximate": "[followers]"},
        "d": {"related": "[nope]"},
        "e": {"ad_spend": "\n  amount: 5"},
        "f": {"takedown": "2026-12"},
        "g": {"takedown": "2023-h1"},
    }
    for name, changes in mistakes.items():
        write_record(content, record(**changes, id=f"2024-05-{name}"))
    write_record(content, "- a\n", name="list.yaml")
    write_file(content / "operations" / "x.yml", "")
    codes = {code for *_, code, _ in located(content)}
    assert len(codes) >= 10
    assert codes <= MESSAGE_IDS


# --- never raises --------------------------------------------------------------------------------

FIELD_NAMES = [f.name for f in OPERATION.fields]
TEXTS = [
    "2024-05",
    "2024-q2",
    "2024-02-30",
    "unknown",
    "global",
    "RU",
    "UK",
    "Narnia",
    "https://example.org",
    "javascript:alert(1)",
    "T0097.101",
    "draft",
    "published",
    RECORD_ID,
    SECOND_ID,
    "followers",
    "USD",
    "",
]
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**6), max_value=10**20)
    | st.floats(allow_nan=True)
    | st.text(max_size=12)
    | st.sampled_from(TEXTS)
    | st.dates(min_value=date(1800, 1, 1), max_value=date(2100, 1, 1))
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from([*FIELD_NAMES, "amount", "currency", "url", "date"]), inner, max_size=4)
    ),
    max_leaves=10,
)
RECORDS = st.tuples(
    st.dictionaries(st.sampled_from(FIELD_NAMES + ["folowers"]), VALUES, max_size=6),
    st.sets(st.sampled_from(FIELD_NAMES), max_size=4),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(RECORDS, min_size=1, max_size=3))
@example([({"origin": "Narnia"}, set())])
def test_random_record_shaped_files_never_raise(content: Path, records: list[tuple[dict, set]]) -> None:
    base = yaml.safe_load(RECORD)
    folder = content / "operations" / "random"
    shutil.rmtree(folder, ignore_errors=True)
    for index, (changes, dropped) in enumerate(records):
        data = {k: v for k, v in {**base, **changes}.items() if k not in dropped}
        write_file(folder / f"r{index}.yaml", yaml.safe_dump(data, allow_unicode=True))
    checked = validate_content(content, TODAY)
    assert all(p.code in MESSAGE_IDS and p.line >= 0 and p.col >= 0 for p in checked.problems)
