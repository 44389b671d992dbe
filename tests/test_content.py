"""The shipped content/ (the Meta example) and examples/tiktok as real data: they validate, they
are big enough to exercise the site, and every record is set up for editors. Read only."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.load import load_yaml_file
from generator.validate import Checked, validate_content
from tests.conftest import REPO, TODAY

FOLDERS = {"content": REPO / "content", "examples/tiktok": REPO / "examples" / "tiktok"}
SCHEMA_LINE = "# yaml-language-server: $schema="


@pytest.fixture(scope="module", params=sorted(FOLDERS))
def checked(request: pytest.FixtureRequest) -> Checked:
    return validate_content(FOLDERS[request.param], TODAY)


def records() -> list[Path]:
    return sorted(p for folder in FOLDERS.values() for p in (folder / "operations").rglob("*.yaml"))


def test_the_shipped_content_validates_with_no_problems(checked: Checked) -> None:
    assert [f"{p.path}:{p.line}:{p.col}: {p.message}" for p in checked.problems] == []
    assert checked.site is not None and checked.site["cadence"] == "quarter"


def test_the_meta_example_has_at_least_25_networks() -> None:
    checked = validate_content(FOLDERS["content"], TODAY)
    published = [v for _, v in checked.operations if v["status"] == "published"]
    assert len(published) >= 25
    assert checked.site is not None and checked.site["platform"] == "Meta"


@pytest.mark.parametrize("path", records(), ids=lambda p: str(p.relative_to(REPO)))
def test_every_record_cites_a_web_source(path: Path) -> None:
    # A few 2019-2021 sources are only published at http:// addresses; they are cited as they are.
    doc, problems = load_yaml_file(path)
    assert problems == [] and doc is not None and doc.root is not None
    sources = doc.root.get("sources")
    assert sources is not None
    urls = [url.value for item in sources.value if (url := item.get("url")) is not None]
    assert any(str(u).startswith(("https://", "http://")) for u in urls), urls


@pytest.mark.parametrize("path", records(), ids=lambda p: str(p.relative_to(REPO)))
def test_every_record_file_starts_with_a_schema_line_that_resolves(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith(SCHEMA_LINE)
    target = (path.parent / first.removeprefix(SCHEMA_LINE)).resolve()
    assert target == REPO / "schema" / "operation.schema.json"
    assert target.is_file()


@pytest.mark.parametrize("path", records(), ids=lambda p: str(p.relative_to(REPO)))
def test_every_record_file_is_named_after_its_takedown_year(path: Path) -> None:
    takedown = next(
        line.split(":", 1)[1].strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("takedown:")
    )
    assert path.parent.name == takedown[:4]
