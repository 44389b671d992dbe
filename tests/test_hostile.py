"""Hostile content gives a clear problem at its place, never a traceback, and the build stays strict.

The cases live in tests/hostile.py, which also measures each one's time and peak memory
(`python -m tests.hostile`); here each is checked for its exact message.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from generator import shell
from generator.build import SHELL_FAILED, build_site
from tests.conftest import AS_OF, TODAY, located
from tests.hostile import CASES, OUTSIDE, Case

TESTED = [case for case in CASES if case.name != "10,000 broken records"]
"""Every case but one: writing 10,000 files costs seconds, and one record with 10,000 unknown keys
already shows 10,000 problems reported at once (the measurement in tests/hostile.py runs it)."""


@pytest.fixture
def charts(tmp_path_factory) -> Path:
    """One chart cache for the session: the small sites these tests build share their charts."""
    return tmp_path_factory.getbasetemp() / "charts"


def _where(text: object, outside: Path) -> object:
    return text.replace(OUTSIDE, str(outside.resolve())) if isinstance(text, str) else text


@pytest.mark.parametrize("case", TESTED, ids=lambda c: c.name)
def test_hostile_content_is_reported_as_one_clear_problem_at_its_place(content: Path, case: Case) -> None:
    case.write(content)
    found = located(content)
    assert found[0] == tuple(_where(part, content.resolve().parent) for part in case.first)
    assert len(found) == case.count


@pytest.mark.parametrize("case", TESTED, ids=lambda c: c.name)
def test_check_and_build_answer_hostile_content_with_messages_and_exit_code_1(content, case, run_cli) -> None:
    case.write(content)
    check = run_cli(["check", "--content", "content", "--as-of", AS_OF])
    assert check.code == 1
    path, line, col, _, message = (_where(part, content.resolve().parent) for part in case.first)
    where = f"{path}:{line}:{col}" if line else path
    assert f"{where}: error: {message}" in check.out.splitlines()
    build = run_cli(["build", "--content", "content", "--out", "site", "--as-of", AS_OF])
    assert build.code == 1
    assert f"{where}: error: {message}" in build.err.splitlines()
    assert "Traceback" not in check.out + check.err + build.out + build.err
    assert "s3cr3t" not in check.out + check.err + build.out + build.err  # no file outside content/ is read
    assert not Path("site").exists()


def test_a_warning_from_the_shell_fails_the_build_and_keeps_the_previous_site(charts, content, monkeypatch) -> None:
    assert build_site(content, Path("site"), TODAY, cache_dir=charts).ok
    before = {p: p.read_bytes() for p in sorted(Path("site").rglob("*")) if p.is_file()}
    original = shell.PrebuiltHtml.on_pre_page

    def warn_once(self, page, config, files):
        if page.file.src_uri == "index.md":
            logging.getLogger("mkdocs.plugins").warning("theme: something looked wrong")
        return original(self, page, config, files)

    monkeypatch.setattr(shell.PrebuiltHtml, "on_pre_page", warn_once)
    result = build_site(content, Path("site"), TODAY, cache_dir=charts)
    assert not result.ok
    assert [(p.path, p.code, p.message) for p in result.problems] == [
        ("mkdocs", SHELL_FAILED, "theme: something looked wrong")
    ]
    assert {p: p.read_bytes() for p in sorted(Path("site").rglob("*")) if p.is_file()} == before
