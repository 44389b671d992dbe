"""The error catalogue (content/pages/errors.md) cannot drift: it is the generated one, it covers
every message id, and every example really produces its id while its fix does not.
"""

from __future__ import annotations

import pytest

from generator.catalogue import SECTIONS, Example, examples, render_catalogue, run_case, undocumented
from generator.kinds import MESSAGES
from tests.conftest import REPO

CATALOGUE = REPO / "content" / "pages" / "errors.md"


@pytest.fixture(scope="module")
def generated() -> str:
    return render_catalogue()


def test_the_published_catalogue_is_the_generated_one(generated: str) -> None:
    # after changing a message: .venv/bin/transparency errors > content/pages/errors.md
    assert CATALOGUE.read_text(encoding="utf-8") == generated


def test_every_message_id_has_an_example() -> None:
    assert undocumented() == set()


def test_each_message_id_has_one_example() -> None:
    codes = [example.code for example in examples()]
    assert len(codes) == len(set(codes))
    assert set(codes) <= set(MESSAGES)


def test_every_message_id_has_its_own_heading(generated: str) -> None:
    assert [line[3:] for line in generated.splitlines() if line.startswith("## ")] == [e.code for e in examples()]


def test_the_catalogue_quotes_the_validators_own_words(generated: str) -> None:
    assert (
        "```text\ncontent/operations/2024/2024-05-example-network.yaml:9:1: error: folowers: unknown key 'folowers'\n"
        "  hint: did you mean 'followers'?\n```"
    ) in generated


def test_sections_are_in_the_order_check_meets_the_problems() -> None:
    assert [title for title, _, _ in SECTIONS] == [
        "Files and YAML",
        "Field values",
        "Rules between fields and records",
        "Published history (check --against)",
        "Permalinks (check --previous-manifest)",
    ]


@pytest.mark.parametrize("example", examples(), ids=lambda e: e.code)
def test_the_example_mistake_produces_its_message(example: Example) -> None:
    assert example.code in run_case(example, example.mistake).codes


@pytest.mark.parametrize("example", examples(), ids=lambda e: e.code)
def test_the_example_fix_leaves_no_problem(example: Example) -> None:
    assert run_case(example, example.fix).problems == []


def test_transparency_errors_prints_the_catalogue(run_cli, generated: str) -> None:
    result = run_cli(["errors"])
    assert (result.code, result.out) == (0, generated)
