"""Permalinks never break: old ids redirect, and `check --previous-manifest` catches a URL that
an earlier build served and this content would not."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from generator import cli
from generator.build import build_site
from tests.sitecheck import text_of

REPO = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 23)
OLD = "2025-12-by-ru-poland"
NEW = "2025-12-by-ru-poland-network"


@pytest.fixture
def content(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(REPO / "content", folder)
    return folder


def rename(content: Path, old: str, new: str, keep_old: bool) -> None:
    source = content / "operations" / "2025" / f"{old}.yaml"
    text = source.read_text(encoding="utf-8").replace(f"id: {old}\n", f"id: {new}\n")
    if keep_old:
        text = text.replace("status: published\n", f"status: published\nprevious_ids: [{old}]\n")
    source.unlink()
    (source.parent / f"{new}.yaml").write_text(text, encoding="utf-8")


def test_the_build_writes_a_manifest_of_every_public_url(tmp_path):
    out = tmp_path / "site"
    assert build_site(REPO / "content", out, TODAY, cache_dir=tmp_path / "cache").ok
    urls = json.loads((out / "manifest.json").read_text())["urls"]
    assert "" in urls and f"operations/{OLD}/" in urls and "data/networks.csv" in urls
    for url in urls:
        target = out / url
        assert (target / "index.html").exists() if url.endswith("/") or url == "" else target.exists(), url


def test_a_renamed_network_keeps_a_redirect_from_its_old_url(content, tmp_path):
    rename(content, OLD, NEW, keep_old=True)
    out = tmp_path / "site"
    assert build_site(content, out, TODAY, cache_dir=tmp_path / "cache").ok
    redirect = (out / "operations" / OLD / "index.html").read_text(encoding="utf-8")
    assert f'url=../{NEW}/"' in redirect
    assert f"operations/{NEW}/" in redirect
    assert "Belarus" in text_of((out / "operations" / NEW / "index.html").read_text(encoding="utf-8"))
    assert json.loads((out / "data/networks" / f"{OLD}.json").read_text())["network"]["id"] == NEW


def test_the_redirect_page_leads_to_the_new_page_in_a_browser(content, tmp_path):
    from tests.browser.conftest import _chromium_or_skip, serve_folder

    executable = _chromium_or_skip()
    rename(content, OLD, NEW, keep_old=True)
    out = tmp_path / "site"
    assert build_site(content, out, TODAY, cache_dir=tmp_path / "cache").ok
    from playwright.sync_api import sync_playwright

    server = serve_folder(out)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=executable, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
            )
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_port}/operations/{OLD}/")
            page.wait_for_url(f"**/operations/{NEW}/")
            assert "Belarus" in page.locator("h1").inner_text()
            browser.close()
    finally:
        server.shutdown()


def test_check_fails_when_a_url_of_the_previous_build_would_break(content, tmp_path, capsys):
    out = tmp_path / "site"
    assert build_site(content, out, TODAY, cache_dir=tmp_path / "cache").ok
    rename(content, OLD, NEW, keep_old=False)
    code = cli.main(
        ["check", "--content", str(content), "--as-of", "2026-11-23", "--previous-manifest", str(out / "manifest.json")]
    )
    output = capsys.readouterr().out
    assert code == 1
    assert f"error: URL /operations/{OLD}/ of the earlier build would no longer exist" in output
    assert f"/data/networks/{OLD}.json" in output


def test_check_passes_when_the_old_id_is_kept_as_a_previous_id(content, tmp_path, capsys):
    out = tmp_path / "site"
    assert build_site(content, out, TODAY, cache_dir=tmp_path / "cache").ok
    rename(content, OLD, NEW, keep_old=True)
    code = cli.main(
        ["check", "--content", str(content), "--as-of", "2026-11-23", "--previous-manifest", str(out / "manifest.json")]
    )
    output = capsys.readouterr().out
    assert code == 0, output
    assert "would no longer exist" not in output
