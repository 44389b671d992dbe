"""`transparency serve`: the preview rebuilds on change, and a validation error shows in the page."""

from __future__ import annotations

import shutil
import urllib.request
from pathlib import Path

import pytest

from generator.serve import start_preview

REPO = Path(__file__).resolve().parent.parent
RECORD = "operations/2025/2025-12-by-ru-poland.yaml"


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - localhost only
        return response.read().decode("utf-8")


@pytest.fixture
def running(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    running = start_preview(content, tmp_path / "serve")
    yield running, content
    running.close()


def test_the_preview_serves_the_site_with_a_reload_script(running):
    preview, _ = running
    html = fetch(preview.url + "operations/2025-12-by-ru-poland/")
    assert "Belarus- and Russia-linked network targeting Poland" in html
    assert "/__livereload.js" in html and "__livereload?v=" in fetch(preview.url + "__livereload.js")


def test_a_validation_error_shows_in_the_page_escaped_and_goes_away_when_fixed(running):
    preview, content = running
    record = content / RECORD
    good = record.read_text(encoding="utf-8")
    version = preview.preview.version
    record.write_text(good.replace("followers: 200\n", "followers: <b>lots</b>\n"), encoding="utf-8")
    version = preview.preview.wait_for_change(version, timeout=60)
    html = fetch(preview.url)
    assert "1 problem in the content" in html
    assert f"content/{RECORD}" in html or RECORD in html
    assert "expected a whole number &gt;= 0, found &#x27;&lt;b&gt;lots&lt;/b&gt;&#x27;" in html
    assert "<b>lots</b>" not in html
    record.write_text(good.replace("followers: 200\n", "followers: 201\n"), encoding="utf-8")
    preview.preview.wait_for_change(version, timeout=60)
    html = fetch(preview.url + "operations/2025-12-by-ru-poland/")
    assert "~201" in html


def test_the_reload_endpoint_answers_with_the_new_version_after_an_edit(running):
    preview, content = running
    version = preview.preview.version
    record = content / RECORD
    record.write_text(record.read_text(encoding="utf-8").replace("followers: 200\n", "followers: 202\n"))
    answer = fetch(f"{preview.url}__livereload?v={version}")
    assert int(answer) > version
