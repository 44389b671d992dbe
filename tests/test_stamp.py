"""Stamping (generator/shell/stamp.py) writes exactly what the theme would: every site here is
built twice, with stamping and with every page rendered by the theme, and the two trees must be
byte-identical. Where the theme would print a page's values differently (a site override), the
group falls back to the theme and the trees are still identical."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import pytest

from generator import shell
from generator.build import build_site
from generator.shell.stamp import BODY, TITLE
from tests.conftest import TODAY, record, write_content, write_file, write_record
from tests.test_atomic import digest
from tests.test_build import REPO


def build_both(content: Path, root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[dict, dict, dict]:
    """(stamped tree, theme-rendered tree, counts of the stamped build)."""
    cache = root / "charts"
    stamped = build_site(content, root / "stamped", TODAY, cache_dir=cache)
    assert stamped.ok, stamped.problems
    with monkeypatch.context() as patch:
        patch.setattr(shell, "run_shell", partial(shell.run_shell, stamp=False))
        rendered = build_site(content, root / "rendered", TODAY, cache_dir=cache)
    assert rendered.ok, rendered.problems
    assert rendered.counts["pages_stamped"] == 0
    return digest(root / "stamped"), digest(root / "rendered"), stamped.counts


def different(a: dict, b: dict) -> list[str]:
    return sorted(path for path in a.keys() | b.keys() if a.get(path) != b.get(path))


def stamped_kinds(site: Path) -> int:
    """Pages of networks, countries and reports in `site` (redirects from previous ids and the
    yearly report indexes, which are in the sidebar, excluded)."""
    return sum(
        1
        for folder in ("operations", "countries", "reports")
        for page in (site / folder).glob("*/index.html")
        if not page.parent.name.isdigit() and 'http-equiv="refresh"' not in page.read_text(encoding="utf-8")
    )


def test_the_shipped_site_is_the_same_stamped_or_rendered_page_by_page(tmp_path, monkeypatch) -> None:
    stamped, rendered, counts = build_both(REPO / "content", tmp_path, monkeypatch)
    assert different(stamped, rendered) == []
    # every network, country and report page is stamped, but for at most four samples per folder
    # that the theme renders too; the pages in the sidebar are rendered by the theme
    assert 3 <= counts["pages_compared"] <= 4 * 3
    assert counts["pages_stamped"] + counts["pages_compared"] == stamped_kinds(tmp_path / "stamped") >= 140


HOSTILE_TITLE = "Ads & \"quotes\" <b>not bold</b> 'apostrophes' — Ελληνικά   spaced"


def test_titles_and_texts_needing_escapes_are_stamped_as_the_theme_prints_them(content, tmp_path, monkeypatch):
    write_record(
        content,
        record(
            id="2024-05-ru-hostile",
            title=json.dumps(HOSTILE_TITLE, ensure_ascii=False),
            summary=f"A summary naming the markers {TITLE} and {BODY} and an <h1>heading</h1> of its own.",
        ),
    )
    stamped, rendered, counts = build_both(content, tmp_path, monkeypatch)
    assert different(stamped, rendered) == []
    assert counts["pages_stamped"] > 0
    html = (tmp_path / "stamped" / "operations" / "2024-05-ru-hostile" / "index.html").read_text()
    assert "<title>Ads &amp; &#34;quotes&#34; &lt;b&gt;not bold&lt;/b&gt;" in html
    assert f"markers {TITLE} and {BODY}" in html  # a value is never read again for markers


def test_an_override_printing_values_its_own_way_falls_back_to_the_theme(content, tmp_path, monkeypatch) -> None:
    write_file(
        content / "overrides" / "main.html",
        '{% extends "builtin/main.html" %}\n'
        "{% block htmltitle %}{% if page and page.meta.title %}"
        "<title>{{ page.meta.title | upper }} ({{ page.url }})</title>"
        "{% else %}{{ super() }}{% endif %}{% endblock %}\n",
    )
    stamped, rendered, counts = build_both(content, tmp_path, monkeypatch)
    assert different(stamped, rendered) == []
    assert counts["pages_stamped"] == 0
    html = (tmp_path / "stamped" / "operations" / "2024-06-cn-spamouflage" / "index.html").read_text()
    assert "<title>CHINA-BASED NETWORK POSTING ABOUT WORLD AFFAIRS (operations/2024-06-cn-spamouflage/)</title>" in html


def test_an_override_with_a_fixed_table_of_contents_is_still_stamped(content, tmp_path, monkeypatch) -> None:
    write_file(content / "overrides" / "partials" / "toc.html", '<p class="our-toc">Our own contents</p>\n')
    stamped, rendered, counts = build_both(content, tmp_path, monkeypatch)
    assert different(stamped, rendered) == []
    assert counts["pages_stamped"] > 0


def test_a_small_site_is_stamped_too(tmp_path, monkeypatch) -> None:
    content = write_content(tmp_path / "src")
    stamped, rendered, counts = build_both(content, tmp_path, monkeypatch)
    assert different(stamped, rendered) == []
    assert counts["pages_stamped"] + counts["pages_compared"] == stamped_kinds(tmp_path / "stamped") > 0


def html_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*.html"))}


def test_the_preview_after_each_edit_serves_the_pages_a_fresh_build_makes(tmp_path) -> None:
    """The preview keeps stamped pages between builds and re-renders only what changed; after
    edits that move a page in and out of the samples, draft it and add one, every page it serves
    is the one a public build of the same content makes."""
    content = write_content(tmp_path / "src")
    for number in range(6):
        write_record(content, record(id=f"2024-05-ru-net-{number}", title=f"Russia-based network {number}"))
    state: dict = {}
    preview = tmp_path / "preview" / "site"
    hostile = json.dumps(HOSTILE_TITLE, ensure_ascii=False)
    net = content / "operations" / "2024" / "2024-05-ru-net-3.yaml"
    plain = net.read_text()
    edits = [
        lambda: None,
        lambda: net.write_text(plain.replace("title: Russia-based network 3", f"title: {hostile}")),
        lambda: net.write_text(plain),
        lambda: net.write_text(plain.replace("status: published", "status: draft")),
        lambda: write_record(content, record(id="2024-06-ru-new", title="A new one")),
    ]
    for number, edit in enumerate(edits):
        edit()
        assert build_site(content, preview, TODAY, cache_dir=tmp_path / "charts", preview=True, state=state).ok
        fresh = tmp_path / f"fresh-{number}"
        assert build_site(content, fresh, TODAY, cache_dir=tmp_path / "charts").ok
        served, built = html_files(preview), html_files(fresh)
        assert sorted(served) == sorted(built), number
        assert [path for path in built if served[path] != built[path]] == [], number


def test_an_override_edited_during_the_preview_shows_on_every_page(tmp_path) -> None:
    content = write_content(tmp_path / "src")
    state: dict = {}
    preview = tmp_path / "preview" / "site"
    assert build_site(content, preview, TODAY, cache_dir=tmp_path / "charts", preview=True, state=state).ok
    write_file(
        content / "overrides" / "main.html",
        '{% extends "builtin/main.html" %}\n{% block announce %}Our next report is out on 15 July.{% endblock %}\n',
    )
    assert build_site(content, preview, TODAY, cache_dir=tmp_path / "charts", preview=True, state=state).ok
    served = html_files(preview)
    assert all(b"Our next report is out on 15 July." in html for path, html in served.items() if path != "404.html")
    assert build_site(content, tmp_path / "fresh", TODAY, cache_dir=tmp_path / "charts").ok
    assert served == html_files(tmp_path / "fresh")
