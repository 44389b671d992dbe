"""The command line as CI and the policy team use it: what `check`, `schema` and `new` print, their
exit codes, and what they write."""

from __future__ import annotations

import contextlib
import gc
import io
import json
import re
import subprocess
import sys
import textwrap
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import cli
from generator.schema import OPERATION
from generator.validate import validate_content
from tests.conftest import (
    AS_OF,
    RECORD,
    RECORD_ID,
    RECORD_PATH,
    REPO,
    REPORT_MD,
    Result,
    record,
    write_file,
    write_record,
)

Run = Callable[[list[str]], Result]
CHECK = ["check", "--content", "content", "--as-of", AS_OF]


def epoch(day: str) -> str:
    return str(int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp()))


def files_under(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*"))


# --- check ---------------------------------------------------------------------------------------


def test_check_prints_each_problem_as_path_line_col_with_its_hint_below(content: Path, run_cli: Run) -> None:
    write_record(content, record(followers="1,234"))
    result = run_cli(CHECK)
    assert result.code == 1
    assert result.out == (
        f"{RECORD_PATH}:9:12: error: followers: expected a whole number >= 0, found '1,234'\n"
        "  hint: write it without separators: 1234\n"
    )
    assert result.err == "5 files checked: 1 error\n"


def test_check_prints_to_the_current_stdout(content: Path) -> None:
    write_record(content, record(followers="1,234"))
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        cli.main(CHECK)
    assert buffer.getvalue().startswith(f"{RECORD_PATH}:9:12: error: ")


def test_check_prints_a_whole_file_problem_without_a_position(content: Path, run_cli: Run) -> None:
    (content / "site.yaml").unlink()
    result = run_cli(CHECK)
    assert (result.code, result.out) == (
        1,
        "content/site.yaml: error: site settings file is missing\n"
        "  hint: create it with platform, title, base_url, cadence and language\n",
    )
    assert result.err == "4 files checked: 1 error\n"


def test_check_counts_every_error_of_every_file(content: Path, run_cli: Run) -> None:
    write_record(content, record(followers="0755", detection="intenal"))
    write_file(content / "site.yaml", "platform: x\n")
    result = run_cli(CHECK)
    assert result.code == 1
    assert [line.split(": error")[0] for line in result.out.splitlines() if "error" in line] == [
        f"{RECORD_PATH}:7:12",
        f"{RECORD_PATH}:9:12",
        "content/site.yaml:1:1",
        "content/site.yaml:1:1",
        "content/site.yaml:1:1",
        "content/site.yaml:1:1",
    ]
    assert result.err == "5 files checked: 6 errors\n"


def test_check_of_clean_content_exits_0_and_says_no_problems(content: Path, run_cli: Run) -> None:
    result = run_cli(CHECK)
    assert (result.code, result.out, result.err) == (0, "", "5 files checked: no problems\n")


def test_check_of_a_missing_folder_reports_it_and_fails(content: Path, run_cli: Run) -> None:
    result = run_cli(["check", "--content", "nowhere", "--as-of", AS_OF])
    assert result.code == 1
    assert result.out.splitlines()[::2] == [
        "nowhere/operations: error: no operations folder",
        "nowhere/site.yaml: error: site settings file is missing",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["check", "--bogus"], "unrecognized arguments: --bogus", id="unknown option"),
        pytest.param(
            ["check", "--as-of", "2026-13-01"],
            "argument --as-of: expected YYYY-MM-DD, found '2026-13-01'",
            id="bad --as-of",
        ),
        pytest.param(
            ["check", "--format", "xml"],
            "argument --format: invalid choice: 'xml' (choose from",
            id="bad --format",
        ),
        pytest.param(["publish"], "argument COMMAND: invalid choice: 'publish'", id="no such command"),
        pytest.param([], "the following arguments are required: COMMAND", id="no command"),
    ],
)
def test_a_usage_error_exits_2_and_says_why(
    content: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(args)
    assert caught.value.code == 2
    assert message in capsys.readouterr().err


def test_check_format_json_gives_every_problem_as_data(content: Path, run_cli: Run) -> None:
    write_record(content, record(followers="1,234", detection="intenal"))
    result = run_cli([*CHECK, "--format", "json"])
    assert result.code == 1 and result.err == ""
    data = json.loads(result.out)
    assert data["count"] == 2
    assert data["problems"] == [
        {
            "path": RECORD_PATH,
            "line": 7,
            "col": 12,
            "message": "detection: expected one of internal, external, unknown, found 'intenal'",
            "hint": "did you mean 'internal'?",
            "code": "expected-choice",
            "severity": "error",
        },
        {
            "path": RECORD_PATH,
            "line": 9,
            "col": 12,
            "message": "followers: expected a whole number >= 0, found '1,234'",
            "hint": "write it without separators: 1234",
            "code": "expected-count",
            "severity": "error",
        },
    ]


def test_check_format_json_of_clean_content_is_an_empty_list(content: Path, run_cli: Run) -> None:
    result = run_cli([*CHECK, "--format", "json"])
    assert result.code == 0 and json.loads(result.out) == {"problems": [], "count": 0}


def test_check_in_github_actions_adds_an_annotation_per_problem(
    content: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    write_record(content, record(followers="1,234"))
    write_file(content / "operations" / "2024" / "notes, draft.txt", "x")
    result = run_cli(CHECK)
    assert result.code == 1
    assert [line for line in result.out.splitlines() if line.startswith("::")] == [
        f"::error file={RECORD_PATH},line=9,col=12,title=expected-count::"
        "followers: expected a whole number >= 0, found '1,234'%0A"
        "write it without separators: 1234",
        "::error file=content/operations/2024/notes%2C draft.txt,title=not-a-record::"
        "not a .yaml file%0Aonly .yaml records belong here; move or delete this file",
    ]
    assert result.out.splitlines()[0].startswith(f"{RECORD_PATH}:9:12: error: ")


def test_check_outside_github_actions_prints_no_annotations(content: Path, run_cli: Run) -> None:
    write_record(content, record(followers="1,234"))
    assert "::error" not in run_cli(CHECK).out


# --- today ---------------------------------------------------------------------------------------


@pytest.fixture
def december_takedown(content: Path) -> Path:
    """The first record taken down in December 2026, with its quarter's intro in place."""
    write_record(content, record(takedown="2026-12"))
    write_file(content / "reports" / "2026-q4.md", REPORT_MD)
    return content


FUTURE = f"{RECORD_PATH}:4:11: error: takedown: takedown 2026-12 is after today (2026-11-23)"


@pytest.mark.parametrize(("as_of", "code"), [(AS_OF, 1), ("2027-01-01", 0)])
def test_check_judges_future_dates_as_of_the_given_day(
    december_takedown: Path, run_cli: Run, as_of: str, code: int
) -> None:
    result = run_cli(["check", "--content", "content", "--as-of", as_of])
    assert result.code == code
    assert (FUTURE in result.out) == (code == 1)


@pytest.mark.parametrize(("day", "code"), [(AS_OF, 1), ("2027-01-01", 0)])
def test_check_takes_today_from_source_date_epoch(
    december_takedown: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch, day: str, code: int
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(day))
    result = run_cli(["check", "--content", "content"])
    assert result.code == code
    assert (FUTURE in result.out) == (code == 1)


def test_as_of_wins_over_source_date_epoch(
    december_takedown: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(AS_OF))
    assert run_cli(["check", "--content", "content", "--as-of", "2027-01-01"]).code == 0


def test_a_malformed_source_date_epoch_stops_with_a_message(content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(SystemExit) as caught:
        cli.main(["check", "--content", "content"])
    assert caught.value.code == "error: SOURCE_DATE_EPOCH must be seconds since 1970, not 'yesterday'"


# --- what check loads ----------------------------------------------------------------------------


def test_check_does_not_import_the_build_stages(content: Path, tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import sys
        from generator.cli import main
        code = main(["check", "--content", "content", "--as-of", "{AS_OF}"])
        heavy = {{"altair", "vl_convert", "mkdocs", "jinja2"}}
        print(code, sorted(heavy & {{name.split(".")[0] for name in sys.modules}}))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert done.stdout == "0 []\n"


def test_check_leaves_the_cycle_collector_running(content: Path, run_cli: Run) -> None:
    assert gc.isenabled()
    assert run_cli(CHECK).code == 0
    assert gc.isenabled()


# --- schema --------------------------------------------------------------------------------------


def test_schema_prints_json_with_a_property_for_every_field(run_cli: Run) -> None:
    result = run_cli(["schema"])
    assert result.code == 0
    schema = json.loads(result.out)
    assert set(schema["properties"]) == {f.name for f in OPERATION.fields}
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_schema_output_equals_the_committed_schema_file(run_cli: Run) -> None:
    committed = (REPO / "schema" / "operation.schema.json").read_text(encoding="utf-8")
    assert run_cli(["schema"]).out == committed


# --- new -----------------------------------------------------------------------------------------

NEW_ID = "2024-04-ru-doppelganger"
NEW_PATH = f"content/operations/2024/{NEW_ID}.yaml"
NEW = {
    "--id": NEW_ID,
    "--title": 'Russia-based network: "Doppelganger"',
    "--takedown": "2024-04",
    "--origin": "RU",
    "--targets": "DE, FR,UA",
    "--detection": "internal",
    "--accounts": "10",
    "--followers": "20",
    "--source-title": "Adversarial threat report, second quarter of 2024",
    "--source-url": "https://example.org/q2",
}


def new_args(**changes: str | None) -> list[str]:
    flags = {**NEW, **{f"--{k.replace('_', '-')}": v for k, v in changes.items()}}
    return ["new", "--content", "content"] + [
        part for flag, value in flags.items() if value is not None for part in (flag, value)
    ]


def test_new_with_every_flag_writes_a_draft_that_passes_check(content: Path, run_cli: Run) -> None:
    result = run_cli(new_args())
    assert (result.code, result.out) == (0, f"wrote {NEW_PATH}\n")
    checked = validate_content(content, datetime.fromisoformat(AS_OF).date())
    assert checked.problems == []
    values = next(v for doc, v in checked.operations if doc.path == NEW_PATH)
    assert values["status"] == "draft"
    assert values["title"] == 'Russia-based network: "Doppelganger"'
    assert values["targets"] == ("DE", "FR", "UA")
    assert (values["accounts"], values["followers"]) == (10, 20)
    assert run_cli(CHECK) == Result(0, "", "6 files checked: no problems\n")


def test_new_points_the_record_at_the_schema_file_for_editors(content: Path, tmp_path: Path, run_cli: Run) -> None:
    write_file(tmp_path / "schema" / "operation.schema.json", "{}")
    assert run_cli(new_args()).code == 0
    first = Path(NEW_PATH).read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../../schema/operation.schema.json"
    assert (Path(NEW_PATH).parent / first.split("=", 1)[1]).is_file()


def test_new_without_a_schema_folder_does_not_point_at_the_meta_schema(content: Path, run_cli: Run) -> None:
    assert run_cli(new_args()).code == 0
    first = Path(NEW_PATH).read_text(encoding="utf-8").splitlines()[0]
    assert "json-schema.org/draft/2020-12/schema" not in first


def test_new_refuses_to_overwrite_an_existing_record(content: Path, run_cli: Run) -> None:
    before = Path(RECORD_PATH).read_bytes()
    result = run_cli(new_args(id=RECORD_ID, takedown="2024-05"))
    assert result.code == 1
    assert result.err == (
        f"{RECORD_PATH}: error: file already exists\n  hint: choose another id; records are never overwritten\n"
    )
    assert Path(RECORD_PATH).read_bytes() == before == RECORD.encode()


@pytest.mark.parametrize(
    ("flag", "value", "message", "hint"),
    [
        (
            "origin",
            "Romania",
            "--origin: expected an ISO 3166-1 alpha-2 country code, found 'Romania'",
            "did you mean 'RO' (Romania)?",
        ),
        (
            "targets",
            "DE, UK",
            "--targets: expected an ISO 3166-1 alpha-2 country code, found 'UK'",
            "did you mean 'GB'?",
        ),
        ("accounts", "lots", "--accounts: expected a whole number >= 0, found 'lots'", "write digits only, e.g. 1234"),
        (
            "followers",
            "0755",
            "--followers: expected a whole number >= 0, found '0755'",
            "remove the leading zero (YAML 1.1 would read it as an octal number)",
        ),
        (
            "takedown",
            "2024-13",
            "--takedown: expected YYYY-MM-DD, YYYY-MM, YYYY-qN, YYYY-hN, found '2024-13' (month 13 does not exist)",
            "give the date only as precisely as the source does",
        ),
        (
            "detection",
            "intenal",
            "--detection: expected one of internal, external, unknown, found 'intenal'",
            "did you mean 'internal'?",
        ),
        (
            "source_url",
            "ftp://example.org/q2",
            "--source-url: expected an http:// or https:// address, found 'ftp://example.org/q2'",
            "copy the full address from the browser's address bar",
        ),
        (
            "title",
            None,
            "--title: expected text, found an empty value",
            "",
        ),
    ],
)
def test_new_reports_a_bad_flag_by_name_and_writes_nothing(
    content: Path, tmp_path: Path, run_cli: Run, flag: str, value: str, message: str, hint: str
) -> None:
    before = files_under(tmp_path)
    result = run_cli(new_args(**{flag: value}))
    assert result.code == 1 and result.out == ""
    first, *rest = result.err.splitlines()
    assert first.endswith(f".yaml: error: {message}")
    assert rest == ([f"  hint: {hint}"] if hint else [])
    assert files_under(tmp_path) == before


@pytest.mark.parametrize("record_id", ["../../escape", "../2024-05-ir-uk-us-2", "/tmp/x"])
def test_new_never_writes_outside_the_operations_folder(
    content: Path, tmp_path: Path, run_cli: Run, record_id: str
) -> None:
    before = files_under(tmp_path)
    result = run_cli(new_args(id=record_id))
    assert result.code == 1
    assert f"--id: expected an id of lowercase letters, digits and single hyphens, found '{record_id}'" in result.err
    assert files_under(tmp_path) == before


# --- never a traceback ---------------------------------------------------------------------------

LINE = re.compile(r"^(content/\S.*?(:\d+:\d+)?: error: .+|  hint: .+)$")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_check_answers_any_record_bytes_with_located_lines_and_exit_0_or_1(
    content: Path, run_cli: Run, data: bytes
) -> None:
    write_record(content, data, name=f"{RECORD_ID}.yaml")
    result = run_cli(CHECK)
    assert result.code in (0, 1)
    assert all(LINE.match(line) for line in result.out.splitlines())
    assert re.fullmatch(r"5 files checked: (no problems|\d+ errors?)\n", result.err)


def test_check_answers_an_unknown_country_name_without_a_traceback(content: Path, run_cli: Run) -> None:
    write_record(content, record(origin="[Narnia]"))
    result = run_cli(CHECK)
    assert result.code == 1
    assert result.out.startswith(f"{RECORD_PATH}:5:10: error: origin[1]: ")
