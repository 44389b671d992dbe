"""Shared fixtures: a small valid content folder in tmp_path, writers for one record, a CLI runner.

Tests run with the working directory set to tmp_path, so every path in a message reads the way a
user would see it: `content/operations/2024/2024-05-ir-uk-us.yaml:9:12: error: ...`.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from generator import cli
from generator.errors import Problem
from generator.validate import validate_content

AS_OF = "2026-11-23"
TODAY = date.fromisoformat(AS_OF)
REPO = Path(__file__).resolve().parent.parent

SITE_YAML = """\
platform: ExampleTok
title: Covert influence operations disrupted on ExampleTok
base_url: https://example.org/transparency/
cadence: quarter
language: en
"""

RECORD_ID = "2024-05-ir-uk-us"
RECORD_PATH = f"content/operations/2024/{RECORD_ID}.yaml"
RECORD = """\
id: 2024-05-ir-uk-us
title: Iran-based network targeting UK and US audiences
status: published
takedown: 2024-05
origin: [IR]
targets: [GB, US]
detection: internal
accounts: 65
followers: 116612
narratives: [pro-Iran messaging, criticism of Israel]
summary: |
  Our own words about what the network did.
sources:
  - title: Covert influence operations, May 2024
    url: https://example.org/report
"""
"""The first record. Lines: id 1, title 2, status 3, takedown 4, origin 5, targets 6,
detection 7, accounts 8, followers 9, narratives 10, summary 11-12, sources 13-15; a field added
by `record()` lands on line 16."""

SECOND_ID = "2024-06-cn-spamouflage"
SECOND_PATH = f"content/operations/2024/{SECOND_ID}.yaml"
SECOND = """\
# yaml-language-server: $schema=../../../schema/operation.schema.json
id: 2024-06-cn-spamouflage
title: China-based network posting about world affairs
status: published
takedown: 2024-06-15
origin: [CN]
targets: [global]
detection: external
followers: 5000
approximate: [followers, pages]
surfaces:
  facebook_accounts: 12
  pages: 3
narratives: []
summary: Posted copied commentary in several languages.
sources:
  - title: Adversarial threat report, second quarter of 2024
    url: https://example.org/q2
"""

REPORT_PATH = "content/reports/2024-q2.md"
REPORT_MD = """\
---
title: Covert influence operations, second quarter of 2024
published: 2024-07-15
---
Two networks this quarter.
"""

PAGE_MD = """\
---
title: About
---
What this site is.
"""


def record(**changes: str | None) -> str:
    """RECORD with top-level fields replaced in place (same line), dropped (None) or appended."""
    blocks: list[list[str]] = []
    for line in RECORD.splitlines():
        if line.startswith(" ") and blocks:
            blocks[-1].append(line)
        else:
            blocks.append([line])
    lines: list[str] = []
    for block in blocks:
        key = block[0].split(":", 1)[0]
        if key not in changes:
            lines += block
        elif (value := changes.pop(key)) is not None:
            lines.append(f"{key}: {value}")
    lines += [f"{key}: {value}" for key, value in changes.items() if value is not None]
    return "\n".join(lines) + "\n"


def write_file(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def write_record(content: Path, text: str | bytes, name: str | None = None, year: str = "2024") -> Path:
    """Write one record under operations/<year>/, named after its `id:` unless `name` is given."""
    if name is None:
        found = re.search(r"(?m)^id: *(\S+)", text if isinstance(text, str) else "")
        name = f"{found.group(1) if found else 'record'}.yaml"
    return write_file(content / "operations" / year / name, text)


def write_content(root: Path, cadence: str = "quarter") -> Path:
    """A small valid content folder: site.yaml, two 2024-q2 records, their intro and a page."""
    content = root / "content"
    write_file(content / "site.yaml", SITE_YAML.replace("cadence: quarter", f"cadence: {cadence}"))
    write_record(content, RECORD)
    write_record(content, SECOND)
    write_file(content / "reports" / "2024-q2.md", REPORT_MD)
    write_file(content / "pages" / "about.md", PAGE_MD)
    return content


@pytest.fixture(autouse=True)
def _no_ci_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # The suite may itself run in GitHub Actions or under a fixed SOURCE_DATE_EPOCH.
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


@pytest.fixture
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The small valid content folder, as the relative path `content` (cwd is tmp_path)."""
    monkeypatch.chdir(tmp_path)
    write_content(tmp_path)
    return Path("content")


def problems(content: Path, today: date = TODAY) -> list[Problem]:
    return validate_content(content, today).problems


def located(content: Path, today: date = TODAY) -> list[tuple[str, int, int, str, str]]:
    """Every problem as (path, line, col, code, message): what the exact-position tests compare."""
    return [(p.path, p.line, p.col, p.code, p.message) for p in problems(content, today)]


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[[list[str]], Result]:
    """Run `transparency ARGS` in-process; the exit code and what it printed."""

    def run(args: list[str]) -> Result:
        capsys.readouterr()
        # Workaround: cli._print_problems binds `out=sys.stdout` when the module is imported, so
        # capsys never sees the problems (test_cli.py::test_check_prints_to_the_current_stdout).
        defaults = cli._print_problems.__defaults__ or ()
        monkeypatch.setattr(
            cli._print_problems,
            "__defaults__",
            tuple(sys.stdout if hasattr(d, "write") else d for d in defaults) or None,
        )
        code = cli.main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run
