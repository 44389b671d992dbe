"""A site's own look without forking: content/overrides/ (templates, CSS, images taking precedence
over the built-in shell, block by block) and `theme` / `footer_links` in site.yaml. One small site
is built once with every override; each test asserts one change on its pages.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.build import build_site
from generator.shell.look import _contrast, _rgb, colours_css
from tests.conftest import SITE_YAML, TODAY, located, write_content, write_file

LOGO = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="5"/></svg>\n'
LOOK = """\
theme:
  primary: "#1d3557"
  accent: amber
  logo: assets/logo.svg
  favicon: assets/favicon.png
footer_links:
  - title: Privacy policy
    url: https://example.org/privacy
  - title: Contact <us>
    url: https://example.org/contact?a=1&b=2
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A built site whose content folder has every kind of override."""
    root = tmp_path_factory.mktemp("overrides")
    content = write_content(root)
    write_file(content / "site.yaml", SITE_YAML + LOOK)
    overrides = content / "overrides"
    write_file(
        overrides / "main.html",
        '{% extends "builtin/main.html" %}\n{% block announce %}Our next report is out on 15 July.{% endblock %}\n',
    )
    write_file(overrides / "partials" / "toc.html", '<p class="our-toc">Our own table of contents</p>\n')
    write_file(overrides / "assets" / "custom.css", ".md-header { border-bottom: 4px solid #f4a261; }\n")
    write_file(overrides / "assets" / "logo.svg", LOGO)
    write_file(overrides / "assets" / "favicon.png", b"\x89PNG\r\n\x1a\n")
    secret = write_file(root / "secret.txt", "not for publishing")
    (overrides / "assets" / "linked.txt").symlink_to(secret)
    result = build_site(content, root / "site", TODAY)
    assert result.ok, result.problems
    return root / "site"


def page(site: Path, path: str = "index.html") -> str:
    return (site / path).read_text(encoding="utf-8")


def test_an_override_of_main_html_replaces_one_block(site: Path) -> None:
    assert "Our next report is out on 15 July." in page(site)


def test_an_override_of_main_html_keeps_the_built_in_blocks(site: Path) -> None:
    # the shell's own main.html adds the sharing metadata and the feeds in `extrahead`
    assert '<meta property="og:title"' in page(site)
    assert 'type="application/atom+xml"' in page(site)


def test_an_override_of_a_theme_partial_replaces_it(site: Path) -> None:
    assert '<p class="our-toc">Our own table of contents</p>' in page(site, "reports/2024-q2/index.html")


def test_the_sites_stylesheet_is_loaded_after_the_built_in_ones(site: Path) -> None:
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page(site))
    assert sheets[-3:] == ["assets/extra.css", "assets/site-colours.css", "assets/custom.css"]
    assert (site / "assets" / "custom.css").read_text(encoding="utf-8").startswith(".md-header")


def test_a_hex_primary_colour_becomes_the_themes_custom_colour(site: Path) -> None:
    assert 'data-md-color-primary="custom"' in page(site)
    assert "--md-primary-fg-color: #1d3557;" in (site / "assets" / "site-colours.css").read_text(encoding="utf-8")


def test_a_named_accent_colour_goes_to_the_palette(site: Path) -> None:
    assert 'data-md-color-accent="amber"' in page(site)


def test_the_logo_and_favicon_come_from_the_overrides(site: Path) -> None:
    assert '<img src="assets/logo.svg" alt="logo">' in page(site)
    assert '<link rel="icon" href="assets/favicon.png">' in page(site)
    assert (site / "assets" / "logo.svg").read_text(encoding="utf-8") == LOGO


def test_footer_links_appear_escaped_on_every_page(site: Path) -> None:
    links = (
        '<li><a href="https://example.org/privacy">Privacy policy</a></li>'
        '<li><a href="https://example.org/contact?a=1&amp;b=2">Contact &lt;us&gt;</a></li>'
    )
    assert links in page(site)
    assert links in page(site, "operations/2024-05-ir-uk-us/index.html")


def test_a_symlink_in_the_overrides_is_not_published(site: Path) -> None:
    assert not (site / "assets" / "linked.txt").exists()


def test_a_site_without_overrides_keeps_the_built_in_look(content: Path) -> None:
    result = build_site(content, Path("out"), TODAY)
    assert result.ok, result.problems
    home = page(Path("out"))
    assert 'data-md-color-primary="indigo"' in home
    assert not Path("out/assets/site-colours.css").exists()
    assert "tr-footer-links" not in home


def with_site(content: Path, extra: str) -> list[tuple[str, int, int, str, str]]:
    write_file(content / "site.yaml", SITE_YAML + extra)
    return located(content)


def test_a_colour_that_is_neither_named_nor_hex_is_reported(content: Path) -> None:
    assert with_site(content, "theme:\n  primary: tael\n") == [
        ("content/site.yaml", 7, 12, "bad-colour", "theme.primary: expected a palette colour or a hex colour "
         "such as \"#1d3557\", found 'tael'"),
    ]  # fmt: skip


def test_an_unquoted_hex_colour_is_explained(content: Path) -> None:
    write_file(content / "site.yaml", SITE_YAML + "theme:\n  primary: #1d3557\n")
    from tests.conftest import problems

    (problem,) = problems(content)
    assert (problem.code, problem.message) == ("empty-value", "theme.primary: expected a colour, found an empty value")
    assert problem.hint == 'a # starts a comment in YAML: write hex colours in quotes, e.g. "#1d3557"'


def test_an_accent_must_be_one_of_the_accent_colours(content: Path) -> None:
    assert [code for *_, code, _ in with_site(content, "theme:\n  accent: grey\n")] == ["bad-colour"]


def test_a_logo_outside_the_overrides_folder_is_refused(content: Path) -> None:
    assert [code for *_, code, _ in with_site(content, "theme:\n  logo: ../../secret.svg\n")] == ["bad-asset"]


def test_a_logo_that_is_not_there_is_reported(content: Path) -> None:
    assert with_site(content, "theme:\n  logo: assets/logo.svg\n") == [
        ("content/site.yaml", 7, 9, "missing-asset", "theme.logo: no file overrides/assets/logo.svg next to site.yaml"),
    ]


def test_a_footer_link_needs_a_web_address(content: Path) -> None:
    found = with_site(content, "footer_links:\n  - title: Privacy\n    url: javascript:alert(1)\n")
    assert [code for *_, code, _ in found] == ["bad-url"]


@pytest.mark.parametrize("colour", ["#ffeb3b", "#1d3557", "#777777", "#000000", "#ffffff"])
def test_hex_colours_keep_text_and_links_readable(colour: str) -> None:
    css = colours_css(colour, None)
    values = dict(re.findall(r"(--md-[\w-]+): (#[0-9a-f]{6})", css))
    links_on_white = re.search(r":root > \* \{[^}]*--md-typeset-a-color: (#[0-9a-f]{6})", css).group(1)
    links_on_slate = re.search(r'"slate"\] \{\s*--md-typeset-a-color: (#[0-9a-f]{6})', css).group(1)
    assert _contrast(_rgb(values["--md-primary-bg-color"]), _rgb(colour)) >= 4.5
    assert _contrast(_rgb(links_on_white), (255, 255, 255)) >= 4.5
    assert _contrast(_rgb(links_on_slate), (30, 33, 41)) >= 4.5
