"""The built site in real headless Chromium: pages load cleanly, charts show without JavaScript,
and screenshots at desktop and phone widths are saved to screenshots/ for people to look at."""

from __future__ import annotations

import pytest

from tests.browser.conftest import SCREENSHOTS

PAGES = {
    "home": "",
    "report": "reports/2025-q4/",
    "network": "operations/2025-12-by-ru-poland/",
    "country": "countries/ru/",
    "data": "data/",
}


@pytest.mark.parametrize("name", ["home", "report", "network", "country", "data"])
def test_page_loads_without_console_errors(browser, site_url, name):
    url, _ = site_url
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    failed: list[str] = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    response = page.goto(url + PAGES[name])
    page.wait_for_load_state("networkidle")
    assert response is not None and response.ok
    assert errors == []
    assert failed == []
    assert page.locator("h1").first.inner_text().strip()
    page.close()


@pytest.mark.parametrize("name", ["home", "report", "country"])
def test_charts_are_visible_with_javascript_disabled(browser, site_url, name):
    url, _ = site_url
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(url + PAGES[name])
    images = page.locator("figure.tr-chart img")
    assert images.count() >= 1
    for index in range(images.count()):
        image = images.nth(index)
        image.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
        box = image.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 100
        assert image.get_attribute("alt")
    context.close()


def test_network_pages_link_every_source_and_show_the_facts(browser, site_url):
    url, _ = site_url
    page = browser.new_page()
    page.goto(url + PAGES["network"])
    facts = page.locator("dl.tr-facts").inner_text()
    assert "Poland" in facts and "Belarus" in facts and "~200" in facts
    assert page.locator("ol.tr-sources a[href^='https://']").count() >= 1
    page.close()


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("name", ["home", "report", "network"])
def test_screenshots_at_desktop_and_phone_width(browser, site_url, name, width):
    url, _ = site_url
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(url + PAGES[name])
    page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')")
    page.wait_for_load_state("networkidle")
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
    context.close()
