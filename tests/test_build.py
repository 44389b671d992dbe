"""Builds the shipped content and small fixture sites, and checks the real pages in site/."""

from __future__ import annotations

import hashlib
import re
import shutil
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator.aggregate import aggregate
from generator.build import build_site
from generator.i18n import Formatter
from generator.model import build_model
from generator.validate import validate_content
from tests.sitecheck import broken_links, text_of

REPO = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    """content/ built once: (site folder, model, figures)."""
    out = tmp_path_factory.mktemp("shipped") / "site"
    result = build_site(REPO / "content", out, TODAY, cache_dir=out.parent / "cache")
    assert result.ok, result.problems
    site = build_model(validate_content(REPO / "content", TODAY), TODAY)
    return out, site, aggregate(site)


def page(out: Path, url: str) -> str:
    return (out / url / "index.html").read_text(encoding="utf-8")


def test_every_published_network_has_its_page_with_its_figures(shipped):
    out, site, _ = shipped
    fmt = Formatter(site.language)
    assert len(site.operations) >= 25
    for op in site.operations:
        text = text_of(page(out, f"operations/{op.id}"))
        assert op.title in text
        if op.followers is not None:
            assert fmt.count(op.followers, op.is_approximate("followers")) in text
        for _, value in op.surfaces:
            assert fmt.count(value) in text
        assert fmt.span(op.takedown) in text


def test_every_period_page_lists_exactly_its_networks(shipped):
    out, site, _ = shipped
    for period in site.periods:
        html = page(out, f"reports/{period.name}")
        listed = set(re.findall(r'href="\.\./\.\./operations/([a-z0-9-]+)/"', html))
        expected = {op.id for op in period.operations}
        # the network table links each network; previous/next links point to reports only
        assert listed == expected, period.name


def test_period_totals_on_the_page_match_the_records(shipped):
    out, site, figures = shipped
    fmt = Formatter(site.language)
    for row in figures.periods:
        text = text_of(page(out, f"reports/{row.period.name}"))
        accounts = sum(op.accounts_total or 0 for op in row.period.operations)
        followers = sum(op.followers or 0 for op in row.period.operations)
        assert row.totals.accounts == accounts and row.totals.followers == followers
        assert fmt.count(accounts, row.totals.accounts_approximate) in text
        assert fmt.count(followers, row.totals.followers_approximate) in text


def test_home_shows_all_time_figures_and_the_latest_report(shipped):
    out, site, figures = shipped
    fmt = Formatter(site.language)
    html = (out / "index.html").read_text(encoding="utf-8")
    text = text_of(html)
    assert fmt.count(figures.all_time.networks) in text
    assert fmt.count(figures.all_time.accounts, figures.all_time.accounts_approximate) in text
    assert f'href="reports/{site.periods[0].name}/"' in html


def test_every_country_has_a_page_as_origin_and_target(shipped):
    out, _, figures = shipped
    for country in figures.countries:
        text = text_of(page(out, f"countries/{country.code.lower()}"))
        for op in country.as_origin + country.as_target:
            assert op.title in text


def test_charts_are_static_svg_figures_with_caption_summary_and_table(shipped):
    out, _, _ = shipped
    html = (out / "index.html").read_text(encoding="utf-8")
    figures = re.findall(r'<figure class="tr-chart".*?</figure>', html, re.S)
    assert len(figures) >= 4
    for figure in figures:
        src = re.search(r'<img src="([^"]+\.svg)" alt="([^"]+)"', figure)
        assert src, figure[:200]
        assert (out / src.group(1)).read_bytes().lstrip().startswith(b"<svg")
        assert "<figcaption>" in figure and "<table>" in figure and "<caption>" in figure


def test_no_internal_link_in_the_built_site_is_broken(shipped):
    out, site, _ = shipped
    assert broken_links(out, base_path=urlsplit(site.base_url).path) == []


def test_network_pages_are_kept_out_of_the_sidebar(shipped):
    out, site, _ = shipped
    html = (out / "index.html").read_text(encoding="utf-8")
    nav = html[html.index('<nav class="md-nav md-nav--primary"') :]
    nav = nav[: nav.index("</nav>")]
    assert "operations/" not in nav


def test_a_rebuild_with_no_change_renders_no_chart(tmp_path):
    cache = tmp_path / "cache"
    first = build_site(REPO / "content", tmp_path / "a", TODAY, cache_dir=cache)
    second = build_site(REPO / "content", tmp_path / "b", TODAY, cache_dir=cache)
    assert first.ok and second.ok
    assert first.counts["charts_rendered"] > 0
    assert second.counts["charts_rendered"] == 0
    assert second.counts["charts_reused"] == first.counts["charts_rendered"] + first.counts["charts_reused"]


def _tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_two_builds_of_the_same_input_are_byte_identical(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    a = build_site(REPO / "content", tmp_path / "a", TODAY, cache_dir=tmp_path / "c1")
    b = build_site(REPO / "content", tmp_path / "b", TODAY, cache_dir=tmp_path / "c2")
    assert a.ok and b.ok
    assert _tree_digest(tmp_path / "a") == _tree_digest(tmp_path / "b")


CANARY_DRAFT = "CANARYDRAFTb61c"
CANARY_EMBARGO = "CANARYEMBARGOd94e"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _record(record_id: str, takedown: str, status: str = "published", words: str = "Plain summary.") -> str:
    return (
        f"id: {record_id}\ntitle: Network {record_id} {words}\nstatus: {status}\n"
        f"takedown: {takedown}\norigin: [RU]\ntargets: [DE]\ndetection: internal\n"
        f"accounts: 10\nfollowers: 20\nnarratives: [{words}]\nsummary: {words}\n"
        "sources:\n  - title: Source\n    url: https://example.org/s\n"
    )


@pytest.fixture
def leaky_content(tmp_path):
    content = tmp_path / "content"
    _write(
        content / "site.yaml",
        "platform: Example\ntitle: Example\nbase_url: https://example.org/\ncadence: quarter\nlanguage: en\n",
    )
    _write(content / "reports/2024-q1.md", "---\ntitle: Q1 report\npublished: 2024-04-15\n---\nOpen.\n")
    _write(
        content / "reports/2026-q3.md",
        f"---\ntitle: Q3 report {CANARY_EMBARGO}\npublished: 2026-12-01\n---\nSecret {CANARY_EMBARGO}.\n",
    )
    _write(content / "operations/2024/2024-02-ru-open.yaml", _record("2024-02-ru-open", "2024-02"))
    _write(
        content / "operations/2024/2024-03-ru-draftnet.yaml",
        _record("2024-03-ru-draftnet", "2024-03", "draft", CANARY_DRAFT),
    )
    _write(
        content / "operations/2026/2026-08-ru-embargoed.yaml",
        _record("2026-08-ru-embargoed", "2026-08", "published", CANARY_EMBARGO),
    )
    return content


def test_drafts_and_embargoed_periods_appear_nowhere_in_the_site(leaky_content, tmp_path):
    out = tmp_path / "site"
    result = build_site(leaky_content, out, TODAY, cache_dir=tmp_path / "cache")
    assert result.ok, result.problems
    assert result.counts["draft"] == 1 and result.counts["embargoed"] == 1
    assert (out / "operations/2024-02-ru-open/index.html").exists()
    for path in out.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for needle in (CANARY_DRAFT, CANARY_EMBARGO, "draftnet", "2026-08-ru-embargoed", "2026-q3"):
                assert needle.encode() not in data, f"{needle} leaked into {path.relative_to(out)}"


def test_an_embargoed_period_is_published_once_its_day_has_come(leaky_content, tmp_path):
    out = tmp_path / "site"
    assert build_site(leaky_content, out, date(2026, 12, 1), cache_dir=tmp_path / "cache").ok
    assert (out / "operations/2026-08-ru-embargoed/index.html").exists()
    assert (out / "reports/2026-q3/index.html").exists()


def test_a_failed_build_leaves_the_previous_site_untouched(leaky_content, tmp_path):
    out = tmp_path / "site"
    assert build_site(leaky_content, out, TODAY, cache_dir=tmp_path / "cache").ok
    before = _tree_digest(out)
    _write(leaky_content / "operations/2024/2024-02-ru-open.yaml", "id: [broken\n")
    result = build_site(leaky_content, out, TODAY, cache_dir=tmp_path / "cache")
    assert not result.ok
    assert _tree_digest(out) == before


def test_the_tiktok_example_builds_too(tmp_path):
    result = build_site(REPO / "examples/tiktok", tmp_path / "site", TODAY, cache_dir=tmp_path / "cache")
    assert result.ok, result.problems
    assert result.counts["networks"] == 19
    shutil.rmtree(tmp_path / "site")


def test_a_rebuild_with_no_change_rewrites_no_file(tmp_path):
    out = tmp_path / "site"
    cache = tmp_path / "cache"
    assert build_site(REPO / "content", out, TODAY, cache_dir=cache).ok
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    again = build_site(REPO / "content", out, TODAY, cache_dir=cache)
    assert again.ok and again.counts["files_changed"] == 0
    after = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    assert after == before


def test_a_one_record_edit_changes_only_the_files_that_show_it(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert build_site(content, out, TODAY, cache_dir=cache).ok
    before = {p.relative_to(out): p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    record = content / "operations/2025/2025-12-by-ru-poland.yaml"
    record.write_text(record.read_text().replace("followers: 200\n", "followers: 201\n"))
    result = build_site(content, out, TODAY, cache_dir=cache)
    assert result.ok
    changed = {
        p.relative_to(out) for p in out.rglob("*") if p.is_file() and before.get(p.relative_to(out)) != p.stat().st_ino
    }
    assert Path("operations/2025-12-by-ru-poland/index.html") in changed
    assert Path("operations/2018-08-mm-military-news-pages/index.html") not in changed
    assert 0 < result.counts["files_changed"] == len(changed) < len(before) / 2
