"""Page tree -> site/ via mkdocs-material: writes the tree and an mkdocs.yml into a work folder
and runs the MkDocs build, strict (any warning fails). The only module that imports MkDocs, so
another builder (e.g. Zensical) can replace it by reading the same tree and mkdocs.yml.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.model import Site
from generator.pages import TEMPLATES, PageTree, page_source

SHELL_TEMPLATES = TEMPLATES / "shell"


_EMPTY_SITEMAP = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>\n'
)


@dataclass(frozen=True)
class ShellResult:
    warnings: tuple[str, ...]


def write_page_tree(tree: PageTree, docs: Path) -> None:
    """Write every page and static file under `docs` (sorted, each path once)."""
    seen: set[str] = set()
    for page in sorted(tree.pages, key=lambda p: p.path):
        _write(docs, page.path, page_source(page).encode("utf-8"), seen)
    for path, data in sorted(tree.files.items()):
        _write(docs, path, data, seen)
    # mkdocs-material takes every <link rel="alternate"> for a language version and fetches
    # sitemap.xml next to it; give the feed folder an empty one so no page logs a 404.
    for folder in sorted(
        {href.rsplit("/", 1)[0] for href in (f["href"] for f in tree.extra.get("feeds", ())) if "/" in href}
    ):
        _write(docs, f"{folder}/sitemap.xml", _EMPTY_SITEMAP, seen)
    for asset in sorted((SHELL_TEMPLATES / "assets").rglob("*")):
        if asset.is_file():
            _write(docs, "assets/" + asset.relative_to(SHELL_TEMPLATES / "assets").as_posix(), asset.read_bytes(), seen)


def _write(docs: Path, relative: str, data: bytes, seen: set[str]) -> None:
    if relative in seen:
        raise ValueError(f"two outputs want the same path: {relative}")
    target = (docs / relative).resolve()
    if not target.is_relative_to(docs.resolve()):
        raise ValueError(f"refusing to write outside the page tree: {relative}")
    seen.add(relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def mkdocs_config(site: Site, tree: PageTree, docs: Path, out: Path) -> dict[str, Any]:
    return {
        "site_name": site.title,
        "site_url": site.base_url,
        "site_description": site.description or site.title,
        "docs_dir": str(docs),
        "site_dir": str(out),
        "use_directory_urls": True,
        "strict": True,
        "nav": tree.nav,
        "not_in_nav": "/operations/\n/countries/*.md\n/reports/*.md\n",
        "extra": tree.extra,
        "theme": {
            "name": "material",
            "custom_dir": str(SHELL_TEMPLATES),
            "language": site.language,
            "font": False,
            "features": ["navigation.indexes", "navigation.top", "search.highlight", "content.tooltips"],
            "palette": [
                {
                    "media": "(prefers-color-scheme: light)",
                    "scheme": "default",
                    "primary": "indigo",
                    "accent": "indigo",
                    "toggle": {"icon": "material/brightness-7", "name": "Switch to dark mode"},
                },
                {
                    "media": "(prefers-color-scheme: dark)",
                    "scheme": "slate",
                    "primary": "indigo",
                    "accent": "indigo",
                    "toggle": {"icon": "material/brightness-4", "name": "Switch to light mode"},
                },
            ],
        },
        "extra_css": ["assets/extra.css"],
        "markdown_extensions": ["toc", "tables"],
        "plugins": ["search"],
        "validation": {"links": {"absolute_links": "ignore", "unrecognized_links": "ignore"}},
    }


class PrebuiltHtml:
    """MkDocs plugin: page bodies are already HTML, so Python-Markdown is skipped (it is slow on
    large HTML blocks) and the table of contents is taken from the body's <h2 id> headings."""

    _BODY = "TR-PREBUILT-BODY"
    _H2 = re.compile(r'<h2 id="([^"]+)">(.*?)</h2>', re.S)

    def __init__(self) -> None:
        self.bodies: dict[str, str] = {}

    def on_page_markdown(self, markdown: str, page, config, files) -> str:
        self.bodies[page.file.src_uri] = markdown
        return self._BODY

    def on_page_content(self, html: str, page, config, files) -> str:
        from mkdocs.structure.toc import get_toc

        body = self.bodies.pop(page.file.src_uri)
        tokens = [
            {"level": 2, "id": anchor, "name": re.sub(r"<[^>]+>", "", name), "html": name, "children": []}
            for anchor, name in self._H2.findall(body)
        ]
        page.toc = get_toc(tokens)
        return body


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def run_shell(site: Site, tree: PageTree, work: Path, out: Path) -> ShellResult:
    """Build `out` from the page tree with mkdocs-material; work/ holds docs/ and mkdocs.yml."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    docs = work / "docs"
    write_page_tree(tree, docs)
    config_path = work / "mkdocs.yml"
    config_path.write_text(
        yaml.safe_dump(mkdocs_config(site, tree, docs, out), sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    collector = _Collector()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    try:
        config = load_config(str(config_path))
        config.plugins["transparency-prebuilt-html"] = PrebuiltHtml()  # type: ignore[assignment]
        build(config)
    finally:
        logger.removeHandler(collector)
    return ShellResult(tuple(collector.messages))
