"""Every setting in content/site.yaml is checked like a record field: `path:line:col: error:` with
the same messages and hints, all problems at once.

(test_validate.py::test_site_settings_are_reported_like_records covers a few single mistakes by
position; these tests assert what the editor reads, hint included.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.schema import SITE
from tests.conftest import AS_OF, SITE_YAML, write_file

TITLE = "title: Covert influence operations disrupted on ExampleTok"
BASE_URL = "https://example.org/transparency/"
SETTINGS_HINT = "  hint: write platform, title, base_url, cadence and language, one `key: value` per line"
URL_HINT = "  hint: write only where the site lives, e.g. https://example.org/transparency/"


def check(run_cli, site_yaml: str) -> list[str]:
    write_file(Path("content/site.yaml"), site_yaml)
    result = run_cli(["check", "--content", "content", "--as-of", AS_OF])
    assert result.code == 1
    return result.out.splitlines()


@pytest.mark.parametrize(
    ("site_yaml", "expected"),
    [
        pytest.param(
            SITE_YAML.replace("title:", "titel:"),
            [
                "content/site.yaml:1:1: error: title: missing required field 'title'",
                "  hint: add `title: ...` (text)",
                "content/site.yaml:2:1: error: titel: unknown key 'titel'",
                "  hint: did you mean 'title'?",
            ],
            id="misspelt key",
        ),
        pytest.param(
            SITE_YAML + "colour: red\n",
            [
                "content/site.yaml:6:1: error: colour: unknown key 'colour'",
                "  hint: allowed keys: " + ", ".join(field.name for field in SITE.fields),
            ],
            id="unknown key",
        ),
        pytest.param(
            SITE_YAML.replace("cadence: quarter", "cadence: weekly"),
            ["content/site.yaml:4:10: error: cadence: expected one of month, quarter, half, year, found 'weekly'"],
            id="unknown cadence",
        ),
        pytest.param(
            SITE_YAML.replace("cadence: quarter", "cadence: Quarter"),
            [
                "content/site.yaml:4:10: error: cadence: expected one of month, quarter, half, year, found 'Quarter'",
                "  hint: did you mean 'quarter'?",
            ],
            id="cadence in capitals",
        ),
        pytest.param(
            SITE_YAML.replace("language: en", "language: fr"),
            ["content/site.yaml:5:11: error: language: expected one of en, found 'fr'"],
            id="unsupported language",
        ),
        pytest.param(
            SITE_YAML.replace(TITLE, "title: [Covert, operations]"),
            ["content/site.yaml:2:8: error: title: expected text, found a list"],
            id="title is a list",
        ),
        pytest.param(
            SITE_YAML.replace(TITLE, "title:"),
            [
                "content/site.yaml:2:7: error: title: expected text, found an empty value",
                "  hint: fill it in, or delete the line if the field is optional",
            ],
            id="empty title",
        ),
        pytest.param(
            SITE_YAML.replace("platform: ExampleTok", "platform: " + "x" * 81),
            [
                "content/site.yaml:1:11: error: platform: text is 81 characters, more than the 80 allowed",
                "  hint: shorten it",
            ],
            id="platform too long",
        ),
        pytest.param(
            SITE_YAML + 'description: "Reports\\u0007"\n',
            [
                "content/site.yaml:6:14: error: description: text contains the invisible control character U+0007",
                "  hint: delete it (retype the text if unsure)",
            ],
            id="control character in the description",
        ),
        pytest.param(
            SITE_YAML.replace(BASE_URL, "example.org"),
            [
                "content/site.yaml:3:11: error: base_url: expected an http:// or https:// address, found 'example.org'",
                "  hint: copy the full address from the browser's address bar",
            ],
            id="base_url without scheme",
        ),
        pytest.param(
            SITE_YAML.replace(BASE_URL, "ftp://example.org/"),
            [
                "content/site.yaml:3:11: error: base_url: expected an http:// or https:// address, "
                "found 'ftp://example.org/'",
                "  hint: copy the full address from the browser's address bar",
            ],
            id="base_url not http",
        ),
        pytest.param(
            SITE_YAML.replace(BASE_URL, "'https://example.org/\"><script>alert(1)</script>'"),
            [
                "content/site.yaml:3:11: error: base_url: expected an http:// or https:// address, "
                "found 'https://example.org/\"><script>alert(1)</script>'",
                "  hint: quotes, < and > must be percent-encoded (%22, %3C, %3E)",
            ],
            id="base_url breaking out of an attribute",
        ),
        pytest.param(
            SITE_YAML.replace(BASE_URL, "http://[example.org/"),
            [
                "content/site.yaml:3:11: error: base_url: expected an http:// or https:// address, "
                "found 'http://[example.org/'",
                "  hint: copy the full address from the browser's address bar",
            ],
            id="base_url with an unclosed bracket",
        ),
        pytest.param(
            SITE_YAML.replace(BASE_URL, "https://example.org/t/?utm_source=x"),
            [
                "content/site.yaml:3:11: error: base_url: expected the site's address without ?query, #fragment or "
                "user name, found 'https://example.org/t/?utm_source=x'",
                URL_HINT,
            ],
            id="base_url with a query",
        ),
        pytest.param(
            SITE_YAML.replace(BASE_URL, "https://example.org/t/#top"),
            [
                "content/site.yaml:3:11: error: base_url: expected the site's address without ?query, #fragment or "
                "user name, found 'https://example.org/t/#top'",
                URL_HINT,
            ],
            id="base_url with a fragment",
        ),
        pytest.param(
            SITE_YAML.replace(BASE_URL, "https://editor:secret@example.org/"),
            [
                "content/site.yaml:3:11: error: base_url: expected the site's address without ?query, #fragment or "
                "user name, found 'https://editor:secret@example.org/'",
                URL_HINT,
            ],
            id="base_url with a password",
        ),
        pytest.param(
            "- platform: ExampleTok\n- title: Reports\n",
            ["content/site.yaml:1:1: error: expected a mapping of `key: value` lines, found a list", SETTINGS_HINT],
            id="a list instead of settings",
        ),
        pytest.param(
            "ExampleTok reports\n",
            [
                "content/site.yaml:1:1: error: expected a mapping of `key: value` lines, found 'ExampleTok reports'",
                SETTINGS_HINT,
            ],
            id="a sentence instead of settings",
        ),
        pytest.param("", ["content/site.yaml:1:1: error: file is empty", SETTINGS_HINT], id="empty file"),
        pytest.param(
            "# settings come later\n",
            ["content/site.yaml:1:1: error: file is empty", SETTINGS_HINT],
            id="only a comment",
        ),
    ],
)
def test_a_mistake_in_site_settings_is_reported_at_its_place_with_a_hint(content, run_cli, site_yaml, expected):
    assert check(run_cli, site_yaml) == expected


def test_every_mistake_in_site_settings_is_reported_at_once(content, run_cli):
    site_yaml = "platform: ''\ntitle: [a]\nbase_url: example.org\ncadence: weekly\nlanguage: fr\ndescripton: Reports\n"
    assert [line.split(": error: ")[0] for line in check(run_cli, site_yaml) if ": error: " in line] == [
        "content/site.yaml:1:11",
        "content/site.yaml:2:8",
        "content/site.yaml:3:11",
        "content/site.yaml:4:10",
        "content/site.yaml:5:11",
        "content/site.yaml:6:1",
    ]


def test_site_settings_pass_the_same_checks_in_the_build(content, run_cli):
    write_file(Path("content/site.yaml"), SITE_YAML.replace("cadence: quarter", "cadence: weekly"))
    result = run_cli(["build", "--content", "content", "--out", "site", "--as-of", AS_OF])
    assert result.code == 1
    problems = [line for line in result.err.splitlines() if ": error: " in line]
    assert problems == [
        "content/site.yaml:4:10: error: cadence: expected one of month, quarter, half, year, found 'weekly'"
    ]
    assert not Path("site").exists()
