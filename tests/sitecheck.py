"""Helpers for tests that read a built site: page text, links, and the files under site/."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and (name == "href" and tag in ("a", "link") or name == "src" and tag in ("img", "script")):
                self.links.append(value)


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.links


def resolve(site: Path, page: Path, link: str, base_path: str = "/") -> Path | None:
    """The file a link from `page` points to, or None for external links and anchors.
    Absolute paths are read under the site's base path (the 404 page uses them)."""
    url, _ = urldefrag(link)
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    if parts.path.startswith("/"):
        if not parts.path.startswith(base_path):
            return site / "__outside_the_site__"
        target = (site / unquote(parts.path[len(base_path) :])).resolve()
    else:
        target = (page.parent / unquote(parts.path)).resolve()
    if target.is_dir() or url.endswith("/"):
        target = target / "index.html"
    return target


def broken_links(site: Path, base_path: str = "/") -> list[str]:
    """Every internal link or asset reference, on every page, whose target is missing."""
    broken = []
    for page in sorted(site.rglob("*.html")):
        for link in links_of(page.read_text(encoding="utf-8")):
            target = resolve(site, page, link, base_path)
            if target is not None and not target.exists():
                broken.append(f"{page.relative_to(site)} -> {link}")
    return broken


def text_of(html: str) -> str:
    """Visible-ish text of a page: tags removed, entities kept as characters, spaces collapsed."""
    from html import unescape

    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
