"""What a journalist meets in a real browser: search, accessibility (axe-core, keyboard), phones,
print, sharing metadata, interactive charts, page weight and the Content-Security-Policy.

Runs in headless Chromium against the shipped content (the `site_url` fixture) and, for search,
the TikTok example. Screenshots go to screenshots/ for people to look at. The 10,000-network
search measurement is opt-in: set TR_SCALE_TESTS=1 (it builds a 10,000-page site, ~3 minutes).
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest

from generator.build import build_site
from generator.model import build_model
from generator.validate import validate_content
from tests.browser.conftest import REPO, SCREENSHOTS, TODAY, serve_folder

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGES = {
    "home": "",
    "report": "reports/2025-q4/",
    "network": "operations/2025-12-by-ru-poland/",
    "country": "countries/ru/",
    "data": "data/",
}
ALL_PAGE_KINDS = {
    **PAGES,
    "reports": "reports/",
    "year": "reports/2025/",
    "countries": "countries/",
    "corrections": "corrections/",
    "about": "about/",
}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
FIRST_SEARCH_BUDGET = 300 * 1024
NETWORK_PAGE_BUDGET = 200 * 1000

# Every response's size: what went over the wire (headers included) or, if more, its decoded body,
# so that an uncompressed local server is counted honestly.
RESOURCES = """(from) => [performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')]
  .slice(from).map(e => ({url: e.name, bytes: Math.max(e.transferSize, e.decodedBodySize)}))"""
VIOLATIONS = """window.__csp = [];
document.addEventListener('securitypolicyviolation', e => __csp.push(e.violatedDirective + ' ' + e.blockedURI));"""


def _page(browser, url: str, *, viewport=DESKTOP, scheme: str = "light", **options):
    context = browser.new_context(viewport=viewport, color_scheme=scheme, **options)
    page = context.new_page()
    page.add_init_script(VIOLATIONS)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page


def _search(page, query: str, *, every_result: bool = True) -> list[str]:
    """Type `query` in the header's search, wait for the first results and, with `every_result`,
    load them all (the list grows as it is scrolled); the titles of the results, in order."""
    page.fill(".tr-search .md-search__input", query)
    meta = page.locator(".tr-search .md-search-result__meta")
    meta.filter(has_text=re.compile(r"\d+ matching|No matching")).wait_for()
    if "No matching" in meta.inner_text():
        return []
    items = page.locator(".tr-search .md-search-result__item")
    items.first.wait_for()
    # (locators, not wait_for_function: the site's CSP refuses the eval that it uses)
    while every_result and page.locator(".tr-search-more").count():
        shown = items.count()
        page.locator(".tr-search-more").scroll_into_view_if_needed()
        items.nth(shown).wait_for()
    return page.locator(".tr-search .md-search-result__item h2").all_inner_texts()


def _model(content: Path):
    return build_model(validate_content(content, TODAY), TODAY)


@pytest.fixture(scope="module")
def tiktok_url(tmp_path_factory):
    """examples/tiktok built and served: the reference for TikTok's report format."""
    out = tmp_path_factory.mktemp("tiktok") / "site"
    result = build_site(REPO / "examples" / "tiktok", out, TODAY, cache_dir=REPO / ".cache" / "charts")
    assert result.ok, result.problems
    server = serve_folder(out)
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


# Search ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("content", ["content", "examples/tiktok"])
def test_searching_romania_finds_every_network_that_targeted_it(browser, site_url, tiktok_url, content):
    url = site_url[0] if content == "content" else tiktok_url
    expected = {op.title for op in _model(REPO / content).operations if "RO" in op.targets}
    assert expected
    page = _page(browser, url + PAGES["network"] if content == "content" else url)
    titles = _search(page, "Romania")
    assert expected <= set(titles), expected - set(titles)
    assert page.evaluate("__csp") == []
    page.context.close()


@pytest.mark.parametrize(
    ("query", "network"),
    [
        ("lookalike", "2025-02-bj-france"),  # a word found only in its narratives
        ("Trzaskowski", "2025-12-pl-trzaskowski"),  # in its title, narratives and summary
        ("hack-and-leak", "2025-12-by-ru-poland"),  # in its summary
    ],
)
def test_a_word_of_a_narrative_or_summary_finds_its_network(browser, site_url, query, network):
    url, _ = site_url
    title = next(op.title for op in _model(REPO / "content").operations if op.id == network)
    page = _page(browser, url)
    assert title in _search(page, query)[:3]
    page.context.close()


def test_search_results_link_to_the_network_page_and_keyboard_reaches_them(browser, site_url):
    url, _ = site_url
    page = _page(browser, url)
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.classList.contains('md-search__input')")
    _search(page, "Trzaskowski")
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused.endswith("/operations/2025-12-pl-trzaskowski/")
    page.keyboard.press("Escape")
    assert not page.evaluate("document.getElementById('__search').checked")
    page.context.close()


def test_the_search_index_holds_page_content_only(site_url):
    _, out = site_url
    network = (out / "operations/2025-12-by-ru-poland/index.html").read_text(encoding="utf-8")
    assert network.count("data-pagefind-body") == 1
    article = network[network.index("<article") : network.index("</article>")]
    assert "data-pagefind-body" in article
    assert re.search(r'<nav class="tr-prev-next" data-pagefind-ignore', article)
    assert not (out / "search" / "search_index.json").exists()  # the theme's lunr index is gone
    assert (out / "pagefind" / "pagefind.js").is_file()


def test_markup_in_a_record_shows_as_text_in_search_results(browser, tmp_path):
    from tests.conftest import record, write_content, write_record

    content = write_content(tmp_path)
    trap = '<img src=x onerror="window.__ran=1"> zanzibarite'
    write_record(content, record(summary=json.dumps(f"A summary with {trap}."), title=json.dumps(f"Net {trap}")))
    out = tmp_path / "site"
    assert build_site(content, out, TODAY, cache_dir=tmp_path / "cache").ok
    server = serve_folder(out)
    try:
        page = _page(browser, f"http://127.0.0.1:{server.server_port}/")
        titles = _search(page, "zanzibarite")
        assert any("<img src=x" in title for title in titles)  # shown as the characters typed
        assert page.locator(".tr-search img").count() == 0
        assert page.evaluate("window.__ran") is None
        page.context.close()
    finally:
        server.shutdown()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_results_take_the_themes_look_in_both_palettes(browser, site_url, scheme):
    url, _ = site_url
    page = _page(browser, url + PAGES["network"], scheme=scheme)
    _search(page, "Romania")
    box = page.locator(".tr-search .md-search__scrollwrap")
    background = box.evaluate("e => getComputedStyle(e).backgroundColor")
    body = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == body  # the results sit on the page's own background, light or dark
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"search-{scheme}.png"))
    page.context.close()


def test_the_first_search_transfers_less_than_300_kb(browser, site_url):
    url, _ = site_url
    page = _page(browser, url + PAGES["network"])
    before = len(page.evaluate(RESOURCES, 0))
    _search(page, "Romania", every_result=False)
    page.wait_for_load_state("networkidle")
    used = page.evaluate(RESOURCES, before)
    assert any("/pagefind/" in r["url"] for r in used)
    assert sum(r["bytes"] for r in used) <= FIRST_SEARCH_BUDGET, used
    page.context.close()


@pytest.mark.skipif(not os.environ.get("TR_SCALE_TESTS"), reason="set TR_SCALE_TESTS=1: builds 10,000 networks")
def test_the_first_search_over_10000_networks_transfers_less_than_300_kb(browser, tmp_path):
    sys.path.insert(0, str(REPO / "bench"))
    from synthetic import write_synthetic_content

    content = write_synthetic_content(tmp_path / "content", 10_000)
    out = tmp_path / "site"
    assert build_site(content, out, TODAY, cache_dir=tmp_path / "cache").ok
    server = serve_folder(out)
    try:
        page = _page(browser, f"http://127.0.0.1:{server.server_port}/")
        before = len(page.evaluate(RESOURCES, 0))
        titles = _search(page, "Romania", every_result=False)
        page.wait_for_load_state("networkidle")
        used = page.evaluate(RESOURCES, before)
        total = sum(r["bytes"] for r in used)
        print(f"first search over 10,000 networks: {total / 1024:.1f} KB in {len(used)} requests")
        assert titles and total <= FIRST_SEARCH_BUDGET
        page.context.close()
    finally:
        server.shutdown()


# Accessibility --------------------------------------------------------------------------------


def _axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations
             .map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))""",
        WCAG_22_AA,
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_wcag_22_aa_violation(browser, site_url, name, scheme):
    url, _ = site_url
    # the CSP refuses inline scripts, axe's included: the test lets it in
    page = _page(browser, url + PAGES[name], scheme=scheme, bypass_csp=True)
    assert page.evaluate("document.body.dataset.mdColorScheme") == ("slate" if scheme == "dark" else "default")
    for figure in page.locator("figure.tr-chart").all():  # interactive charts too, once rendered
        figure.scroll_into_view_if_needed()
        page.wait_for_selector(f"#{figure.get_attribute('id')}.tr-chart--live")
    assert _axe(page) == []
    page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation_in_open_search_results(browser, site_url, scheme):
    url, _ = site_url
    page = _page(browser, url + PAGES["network"], scheme=scheme, bypass_csp=True)
    _search(page, "Romania")
    assert _axe(page) == []
    page.context.close()


def test_every_chart_has_a_text_alternative_and_a_table_with_headers_and_caption(browser, site_url):
    url, _ = site_url
    page = _page(browser, url + PAGES["home"])
    figures = page.locator("figure.tr-chart")
    assert figures.count() >= 4
    for figure in figures.all():
        assert len(figure.locator("img").get_attribute("alt")) > 20
        table = figure.locator("table")
        assert table.locator("caption").text_content().strip()
        assert table.locator("thead th[scope=col]").count() >= 2
        assert table.locator("tbody th[scope=row]").count() >= 1
    page.context.close()


@pytest.mark.parametrize("name", list(ALL_PAGE_KINDS))
def test_every_table_has_a_caption_and_column_headers(browser, site_url, name):
    url, _ = site_url
    page = _page(browser, url + ALL_PAGE_KINDS[name])
    for table in page.locator("article table").all():
        assert table.locator("caption").text_content().strip()
        assert table.locator("thead th[scope=col]").count() >= 2
    page.context.close()


_FOCUS = """() => {
  const e = document.activeElement;
  const shown = e.matches('.md-option') ? e.nextElementSibling : e;  // the palette's radio shows on its label
  const style = getComputedStyle(shown), box = shown.getBoundingClientRect();
  return {
    tag: e.tagName, href: e.getAttribute('href'), text: (e.innerText || '').trim().slice(0, 40),
    cls: e.className, visible: box.width > 0 && box.height > 0,
    ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
  };
}"""


def _tab_through(page, presses: int = 200) -> list[dict]:
    seen = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        focus = page.evaluate(_FOCUS)
        if focus["tag"] == "BODY":
            break
        seen.append(focus)
    return seen


@pytest.mark.parametrize("name", ["network", "report"])
def test_tab_reaches_every_link_and_control_with_a_visible_focus(browser, site_url, name):
    url, _ = site_url
    page = _page(browser, url + PAGES[name])
    reached = _tab_through(page)
    assert "md-skip" in reached[0]["cls"].split()
    hidden = [f for f in reached if not (f["visible"] and f["ring"])]
    assert hidden == [], "focus not visible on: " + json.dumps(hidden)
    hrefs = {f["href"] for f in reached}
    links = page.eval_on_selector_all("article a[href]", "links => links.map(a => a.getAttribute('href'))")
    assert set(links) <= hrefs
    summaries = page.locator("article summary").count()
    assert sum(1 for f in reached if f["tag"] == "SUMMARY") == summaries
    assert any("md-search__input" in f["cls"].split() for f in reached)
    page.context.close()


def test_the_keyboard_opens_a_charts_data_table(browser, site_url):
    url, _ = site_url
    page = _page(browser, url + PAGES["report"])
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.tr-chart-data') !== null"):
            break
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    assert page.locator(".tr-chart-data").first.get_attribute("open") is not None
    assert page.locator(".tr-chart-data table").first.is_visible()
    page.context.close()


# Phones ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(ALL_PAGE_KINDS))
def test_no_page_scrolls_sideways_on_a_phone(browser, site_url, name):
    url, _ = site_url
    page = _page(browser, url + ALL_PAGE_KINDS[name], viewport=PHONE, is_mobile=True, has_touch=True)
    width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"{name} is {width[0]}px wide in a {width[1]}px screen"
    # what is wider than the screen scrolls inside its own box
    for box in page.locator(".tr-table-scroll").all():
        if box.evaluate("e => e.scrollWidth > e.clientWidth"):
            assert box.evaluate("e => getComputedStyle(e).overflowX") == "auto"
    page.context.close()


def test_the_networks_table_becomes_cards_on_a_phone(browser, site_url):
    url, _ = site_url
    page = _page(browser, url + PAGES["report"], viewport=PHONE, is_mobile=True)
    table = page.locator(".tr-operations table")
    assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth + 1")
    assert not page.locator(".tr-operations thead").is_visible() or page.locator(".tr-operations thead").evaluate(
        "e => e.getBoundingClientRect().width <= 1"
    )
    cell = page.locator(".tr-operations td[data-label]").first
    label = cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert label.strip('"') == cell.get_attribute("data-label")
    page.context.close()


@pytest.mark.parametrize("key", ["Enter", " "])
def test_on_a_phone_the_keyboard_opens_the_menu_and_the_search(browser, site_url, key):
    url, _ = site_url
    page = _page(browser, url + PAGES["network"], viewport=PHONE)
    page.focus("label.md-header__button[for=__drawer]")
    page.keyboard.press(key)
    assert page.evaluate("document.getElementById('__drawer').checked")
    page.evaluate("document.getElementById('__drawer').click()")  # closed again
    page.focus("label.tr-search-open")
    page.keyboard.press(key)
    page.locator(".tr-search .md-search__input:focus").wait_for()
    assert page.evaluate("document.getElementById('__search').checked")
    assert _search(page, "Moldova")
    page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("name", ["home", "report", "network"])
def test_screenshots_in_both_palettes(browser, site_url, name, width, scheme):
    url, _ = site_url
    page = _page(browser, url + PAGES[name], viewport={"width": width, "height": 900}, scheme=scheme)
    page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')")
    for figure in page.locator("figure.tr-chart").all():
        figure.scroll_into_view_if_needed()
    page.wait_for_load_state("networkidle")
    page.evaluate("window.scrollTo(0, 0)")
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}-{width}-{scheme}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    page.context.close()


# Print ----------------------------------------------------------------------------------------


def test_a_report_prints_without_navigation_and_with_charts_tables_and_source_addresses(browser, site_url):
    url, _ = site_url
    page = _page(browser, url + PAGES["report"])
    page.emulate_media(media="print")
    for chrome in (".md-header", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer", ".tr-prev-next"):
        assert page.locator(chrome).evaluate("e => getComputedStyle(e).display") == "none", chrome
    chart = page.locator("figure.tr-chart img").first
    chart.scroll_into_view_if_needed()
    assert chart.is_visible() and chart.bounding_box()["height"] > 100
    assert page.locator(".tr-chart-data table").first.bounding_box()["height"] > 20  # closed <details> print open
    assert page.locator(".tr-operations table").is_visible()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "report-print.png"), full_page=True)
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
    (SCREENSHOTS / "report-print.pdf").write_bytes(pdf)
    page.context.close()


def test_a_report_prints_the_address_after_each_outside_link(browser, tiktok_url):
    page = _page(browser, tiktok_url + "reports/2024-q4/")
    page.emulate_media(media="print")
    links = page.locator("article a[href^='http']")
    assert links.count() >= 1
    for link in links.all():
        assert link.get_attribute("href") in link.evaluate("a => getComputedStyle(a, '::after').content")
    page.context.close()


def test_a_network_prints_the_address_of_each_source(browser, site_url):
    url, _ = site_url
    page = _page(browser, url + PAGES["network"])
    page.emulate_media(media="print")
    for source in page.locator("ol.tr-sources li").all():
        href = source.locator("a").first.get_attribute("href")
        assert href in source.inner_text()
    page.context.close()


# Sharing --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(ALL_PAGE_KINDS))
def test_every_page_has_open_graph_and_twitter_card_metadata(browser, site_url, name):
    url, out = site_url
    site = _model(REPO / "content")
    page = _page(browser, url + ALL_PAGE_KINDS[name])

    def meta(key: str) -> str:
        attribute = "property" if key.startswith("og:") else "name"
        return page.locator(f"meta[{attribute}='{key}']").get_attribute("content")

    assert meta("og:url") == f"{site.base_url}{ALL_PAGE_KINDS[name]}"
    assert meta("og:url") == page.locator("link[rel=canonical]").get_attribute("href")
    assert meta("og:type") == ("website" if name == "home" else "article")
    assert meta("og:description") == meta("description") and len(meta("og:description")) > 20
    assert meta("twitter:card") == "summary"
    assert meta("og:title") and meta("twitter:title") == meta("og:title")
    if name != "home":
        assert meta("og:title") == page.locator("article h1").inner_text().strip()
    page.context.close()


# Interactive charts ---------------------------------------------------------------------------


def test_charts_gain_tooltips_from_the_sites_own_vega(browser, site_url):
    url, _ = site_url
    page = _page(browser, url + PAGES["report"])
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    figure = page.locator("figure.tr-chart").first
    figure.scroll_into_view_if_needed()
    page.wait_for_selector("figure.tr-chart.tr-chart--live")
    assert not figure.locator("img").is_visible()  # the interactive view took its place
    view = figure.locator(".tr-chart-view")
    assert view.get_attribute("role") == "img"
    assert view.get_attribute("aria-label") == figure.locator("img").get_attribute("alt")
    bar = view.locator("svg .mark-rect path").first
    bar.hover()
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible")
    first_row = figure.locator(".tr-chart-data tbody tr").first.locator("td").last.inner_text()
    assert first_row in tooltip.inner_text()
    assert requested and all(r.startswith(url) for r in requested)
    assert any(r.endswith("/assets/vendor/vega-embed.min.js") for r in requested)
    assert page.evaluate("__csp") == []
    page.context.close()


def test_chart_specs_cannot_close_their_element(site_url):
    _, out = site_url
    html = (out / "index.html").read_text(encoding="utf-8")
    specs = re.findall(r'<template class="tr-chart-spec">(.*?)</template>', html, re.S)
    assert len(specs) >= 4
    for spec in specs:
        assert "<" not in spec and ">" not in spec and "&" not in spec.replace("\\u0026", "")
        assert json.loads(spec)["$schema"].startswith("https://vega.github.io/schema/vega-lite/")


def test_charts_work_with_the_themes_instant_navigation(browser, site_url, tmp_path):
    """The theme's instant navigation (off by default: it downloads sitemap.xml on every page)
    swaps pages without reloading: charts must still become interactive after such a swap."""
    _, out = site_url
    (tmp_path / "meta").symlink_to(out)  # served under the base URL's path, as instant navigation needs
    server = serve_folder(tmp_path)
    base = f"http://127.0.0.1:{server.server_port}/meta/"
    site = _model(REPO / "content")
    context = browser.new_context(viewport=DESKTOP)

    def rewrite(route, old: str, new: str) -> None:
        response = route.fetch()
        route.fulfill(response=response, body=response.text().replace(old, new))

    # the theme's switch turned on in each page, and the sitemap (the theme's list of pages it may
    # swap in) pointed at this server
    context.route(re.compile(r".*/$"), lambda r: rewrite(r, '"features": [', '"features": ["navigation.instant", '))
    context.route(re.compile(r".*/sitemap\.xml$"), lambda r: rewrite(r, site.base_url, base))
    try:
        page = context.new_page()
        page.add_init_script(VIOLATIONS)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(base + PAGES["network"])
        page.wait_for_load_state("networkidle")
        page.evaluate("window.__same_document = true")
        page.locator("a[href$='reports/2025-q4/']").first.click()
        page.wait_for_url(re.compile(r".*/reports/2025-q4/$"))
        page.locator("figure.tr-chart").first.scroll_into_view_if_needed()
        page.wait_for_selector("figure.tr-chart.tr-chart--live")
        assert page.evaluate("window.__same_document === true")  # no reload: the theme swapped the page
        assert errors == [] and page.evaluate("__csp") == []
    finally:
        context.close()
        server.shutdown()


def test_without_javascript_the_static_chart_stays(browser, site_url):
    url, _ = site_url
    page = _page(browser, url + PAGES["report"], java_script_enabled=False)
    figure = page.locator("figure.tr-chart").first
    figure.scroll_into_view_if_needed()
    assert figure.locator("img").is_visible()
    assert figure.locator(".tr-chart-view").count() == 0
    page.context.close()


# Page weight ----------------------------------------------------------------------------------


def test_a_network_page_transfers_less_than_200_kb(browser, site_url):
    url, _ = site_url
    page = _page(browser, url + PAGES["network"])
    used = page.evaluate(RESOURCES, 0)
    total = sum(r["bytes"] for r in used)
    assert not any("/pagefind/" in r["url"] or "/vendor/" in r["url"] for r in used)
    assert total <= NETWORK_PAGE_BUDGET, f"{total} bytes: " + json.dumps(used)
    page.context.close()


# Content-Security-Policy ----------------------------------------------------------------------


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_has_a_content_security_policy_without_unsafe_scripts(browser, site_url, name):
    url, _ = site_url
    page = _page(browser, url + PAGES[name])
    policy = page.locator("meta[http-equiv='Content-Security-Policy']").get_attribute("content")
    scripts = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert page.locator("head > meta[http-equiv='Content-Security-Policy']").evaluate(
        "m => !m.previousElementSibling || m.previousElementSibling.matches('meta[charset]')"
    )
    assert page.evaluate("__csp") == []
    page.context.close()


def test_the_policy_refuses_a_script_that_is_not_the_sites(browser, site_url):
    url, _ = site_url
    page = _page(browser, url + PAGES["network"])
    page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1';
                            document.head.appendChild(s); }""")
    assert page.evaluate("window.__ran") is None
    assert page.evaluate("__csp")
    page.context.close()
