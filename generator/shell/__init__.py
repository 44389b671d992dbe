"""Page tree -> site/ via mkdocs-material: writes the tree and an mkdocs.yml into a work folder
and runs the MkDocs build, strict (any warning fails). The only module that imports MkDocs, so
another builder (e.g. Zensical) can replace it by reading the same tree and mkdocs.yml.

Then finishes the output for readers: every page compacted and given a Content-Security-Policy,
the theme's stylesheets trimmed to what the site uses, and the Pagefind search index made.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
import yaml

from generator.model import Site
from generator.pages import OutputPage, PageTree, page_source, shell_text, url_of
from generator.shell.assets import compact_shell_assets, slim_theme_stylesheets
from generator.shell.look import SHELL_TEMPLATES, colours_css, merge_theme, with_look
from generator.shell.output import Output
from generator.shell.render import (
    CompiledTemplates,
    FinishedPages,
    MemoryBytecodeCache,
    PrebuiltHtml,
    compact_html,
    with_csp,
)
from generator.shell.search import SearchIndex
from generator.shell.stamp import StampedPages, Stamping

__all__ = [
    "FinishedPages",
    "PrebuiltHtml",
    "colours_css",
    "compact_html",
    "merge_theme",
    "run_shell",
    "with_csp",
    "write_page_tree",
]

_EMPTY_SITEMAP = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>\n'
)


@dataclass(frozen=True)
class ShellResult:
    warnings: tuple[str, ...]
    stamped: int = 0
    """Pages stamped into a frame rather than rendered by the theme."""
    checked: int = 0
    """Sample pages rendered by the theme and compared with their stamped version."""
    written: Output | None = None
    """What the shell wrote itself (stamped pages, static files), for the swap."""


def write_page_tree(
    tree: PageTree,
    docs: Path,
    assets: Path = SHELL_TEMPLATES / "assets",
    written: dict[str, bytes] | None = None,
    pages: Iterable[OutputPage] | None = None,
) -> list[str]:
    """Write the Markdown source of the pages MkDocs renders (`pages`, by default every page of the
    tree) and the theme's assets under `docs`, sorted, each path once; the tree's static files are
    written straight into the site (see `Output`). A file whose bytes are already there is left
    untouched and files no longer wanted are removed, so a preview that reuses `docs` re-renders
    only the pages that changed. `written` remembers what the last call wrote there, so unchanged
    files need not even be read back. Returns the paths removed."""
    seen: set[str] = set()
    written = {} if written is None else written
    existing = {p.relative_to(docs).as_posix() for p in docs.rglob("*") if p.is_file()} if docs.is_dir() else set()
    for page in sorted(tree.pages if pages is None else pages, key=lambda p: p.path):
        _write(docs, page.path, page_source(page).encode("utf-8"), seen, written)
    # mkdocs-material takes every <link rel="alternate"> for a language version and fetches
    # sitemap.xml next to it; give the feed folder an empty one so no page logs a 404.
    for folder in sorted(
        {href.rsplit("/", 1)[0] for href in (f["href"] for f in tree.extra.get("feeds", ())) if "/" in href}
    ):
        _write(docs, f"{folder}/sitemap.xml", _EMPTY_SITEMAP, seen, written)
    for asset in sorted(assets.rglob("*")):
        if asset.is_file() and asset.suffix != ".md":  # vendor/README.md documents, it is no page
            _write(docs, "assets/" + asset.relative_to(assets).as_posix(), asset.read_bytes(), seen, written)
    for stale in sorted(existing - seen):
        (docs / stale).unlink()
        written.pop(stale, None)
    return sorted(existing - seen)


def _write(docs: Path, relative: str, data: bytes, seen: set[str], written: dict[str, bytes]) -> None:
    if relative in seen:
        raise ValueError(f"two outputs want the same path: {relative}")
    seen.add(relative)
    if written.get(relative) is data or written.get(relative) == data:
        return
    target = docs / relative
    try:
        if target.stat().st_size == len(data) and target.read_bytes() == data:
            written[relative] = data
            return
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    written[relative] = data


def mkdocs_config(
    site: Site, tree: PageTree, docs: Path, out: Path, theme_dir: Path = SHELL_TEMPLATES
) -> dict[str, Any]:
    """mkdocs.yml's settings; `theme_dir` is the custom_dir made by `merge_theme`."""
    settings: dict[str, Any] = {
        "site_name": shell_text(site.title),
        "site_url": site.base_url,
        "site_description": shell_text(site.description or site.title),
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
            "features": ["navigation.indexes", "navigation.top"],
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
        "extra_javascript": ["assets/javascripts/site.js"],
        "markdown_extensions": ["toc", "tables"],
        "plugins": [],  # the search index is Pagefind's, made after the build: see shell/search.py
        "validation": {"links": {"absolute_links": "ignore", "unrecognized_links": "ignore"}},
    }
    return with_look(settings, site, theme_dir)


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not message.startswith("A 'dirty' build"):  # the preview's own choice, not a problem
            self.messages.append(message)


@contextlib.contextmanager
def _build_epoch(site: Site):
    """MkDocs dates the sitemap (and its gzip header) from SOURCE_DATE_EPOCH, else the clock; give
    it the build's own "today" so the output depends on --as-of, not on when it ran."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    midnight = datetime.combine(site.today, datetime.min.time(), tzinfo=UTC)
    os.environ["SOURCE_DATE_EPOCH"] = str(int(midnight.timestamp()))
    try:
        yield
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)


def run_shell(
    site: Site,
    tree: PageTree,
    work: Path,
    out: Path,
    *,
    preview: bool = False,
    written: dict | None = None,
    previous: Path | None = None,
    stamp: bool = True,
    compiled: Path | None = None,
) -> ShellResult:
    """Build `out` from the page tree with mkdocs-material; work/ holds docs/ and mkdocs.yml.
    Pages out of the sidebar are stamped into a frame rendered once per folder (shell/stamp.py);
    `stamp=False` has MkDocs render every page.

    `previous` is the site this build replaces: files it already holds are linked from it (see
    `Output`). `compiled` is a folder keeping the theme's compiled templates between builds. With
    `preview`, `work` and `out` are reused between builds and `written` carries what the last one
    wrote: only pages whose source changed are rendered again (MkDocs' dirty build), stamped pages
    only when their values or frame changed, and no search index is made."""
    written = {} if written is None else written
    docs = work / "docs"
    theme_dir = merge_theme(site, work / "theme")
    if preview and written.get("look") != (look := _fingerprint(theme_dir)):
        written.clear()  # a template or an override changed: every page shows it
        written["look"] = look
    dirty = preview and out.is_dir() and bool(written.get("out"))
    memo = written.setdefault("values", {}) if preview else None
    plan = Stamping.plan(tree.pages, set(_nav_paths(tree.nav)), site.base_url, enabled=stamp, memo=memo)
    removed = write_page_tree(tree, docs, theme_dir / "assets", written.setdefault("docs", {}), plan.theme_pages)
    output = Output(out, previous=previous, memo=written.setdefault("out", {}) if preview else None)
    for page in plan.theme_pages:
        output.claim(url_of(page.path) + "index.html")
    if preview:
        # A dirty build never deletes: remove the output of what left MkDocs' sources (stamped
        # pages and files are removed by `Output`), and of the samples, so that MkDocs renders
        # them again and each build makes its frames afresh.
        for path in removed + sorted(plan.samples):
            (out / (url_of(path) + "index.html" if path.endswith(".md") else path)).unlink(missing_ok=True)
    settings = mkdocs_config(site, tree, docs, out, theme_dir)
    if preview:
        settings["strict"] = False  # MkDocs warns about every dirty build
    config_path = work / "mkdocs.yml"
    config_path.write_text(yaml.safe_dump(settings, sort_keys=False, allow_unicode=True), encoding="utf-8")
    plugins = {
        "transparency-prebuilt-html": PrebuiltHtml(),
        "transparency-compiled-templates": CompiledTemplates(_bytecode_cache(preview, written, compiled)),
        "transparency-stamped-pages": StampedPages(plan),
        "transparency-finished-pages": FinishedPages(),
    }
    warnings = _run_mkdocs(config_path, plugins, site, dirty)
    if warnings:
        return ShellResult(warnings)
    if plan.failed:  # a stamped page would differ from the theme's rendering: let the theme render all
        return run_shell(
            site, tree, work, out, preview=preview, written=written, previous=previous, stamp=False, compiled=compiled
        )
    search = None if preview else SearchIndex(work)
    try:
        _write_stamped(plan, output, written.setdefault("stamped", {}) if preview else None)
        files = sorted(tree.files.items())
        for path, data in files:
            if path.endswith(".html"):  # redirects: every page is in place before Pagefind reads them
                output.write(path, data)
        if search:
            search.start(out)  # Pagefind indexes while the other files are written
        for path, data in files:
            if not path.endswith(".html"):
                output.write(path, data)
        output.remove_stale()
        slim_theme_stylesheets(out, settings["theme"], site.language, _trimmed(preview, written, compiled))
        compact_shell_assets(out)
        if search:
            search.finish(output)
    finally:
        if search:
            search.close()
    return ShellResult((), stamped=len(plan.stamped), checked=plan.checked, written=output)


def _run_mkdocs(config_path: Path, plugins: dict[str, Any], site: Site, dirty: bool) -> tuple[str, ...]:
    """MkDocs' build with our plugins; the warnings it logged (strict: any stops it)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    collector = _Collector()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    try:
        config = load_config(str(config_path))
        for name, plugin in plugins.items():
            config.plugins[name] = plugin
        with _build_epoch(site):
            build(config, dirty=dirty)
    except Abort:
        pass  # strict mode stopped on warnings: they are in the collector
    finally:
        logger.removeHandler(collector)
    return tuple(collector.messages)


def _bytecode_cache(preview: bool, written: dict, compiled: Path | None) -> jinja2.BytecodeCache | None:
    if preview:
        return written.setdefault("templates", MemoryBytecodeCache())
    if compiled is None:
        return None
    compiled.mkdir(parents=True, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(str(compiled))


def _trimmed(preview: bool, written: dict, compiled: Path | None) -> dict | None:
    """Trimmed stylesheets kept between builds: in memory for the preview, else in a JSON file in
    the `compiled` folder (read now, written back when the build adds to it)."""
    if preview:
        return written.setdefault("stylesheets", {})
    if compiled is None:
        return None
    return _JsonDict(compiled / "stylesheets.json")


class _JsonDict(dict):
    """A dict loaded from a JSON file that writes itself back when an item is added."""

    def __init__(self, path: Path) -> None:
        try:
            super().__init__(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            super().__init__()
        self.path = path

    def __setitem__(self, key: str, value: str) -> None:
        super().__setitem__(key, value)
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        temporary.write_text(json.dumps(dict(self), ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, self.path)


def _write_stamped(plan: Stamping, output: Output, memo: dict | None) -> None:
    """Every stamped page into `output`; `memo` is the preview's record of what it stamped."""
    if memo is not None:
        for page in plan.theme_pages:
            memo.pop(page.path, None)  # MkDocs writes it this time
    for page, html in plan.pages(memo):
        relative = url_of(page.path) + "index.html"
        if html is None:  # the preview wrote this very page last time
            output.keep(relative)
        else:
            output.write(relative, html.encode("utf-8", "xmlcharrefreplace"))  # as MkDocs writes pages


def _fingerprint(folder: Path) -> str:
    """A digest of every file under `folder` (the merged theme): names and bytes."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _nav_paths(nav: list[Any]) -> Iterable[str]:
    """Every page path in the sidebar's navigation."""
    for item in nav:
        for value in item.values() if isinstance(item, dict) else [item]:
            if isinstance(value, list):
                yield from _nav_paths(value)
            elif isinstance(value, str):
                yield value
