"""Page tree -> site/ via mkdocs-material: writes the tree and an mkdocs.yml into a work folder
and runs the MkDocs build, strict (any warning fails). The only module that imports MkDocs, so
another builder (e.g. Zensical) can replace it by reading the same tree and mkdocs.yml.

Then finishes the output for readers: every page compacted and given a Content-Security-Policy,
the theme's stylesheets trimmed to what the site uses, and the Pagefind search index made.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import logging
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from generator.model import Site
from generator.pages import TEMPLATES, PageTree, page_source, shell_text, url_of

SHELL_TEMPLATES = TEMPLATES / "shell"


_EMPTY_SITEMAP = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>\n'
)


@dataclass(frozen=True)
class ShellResult:
    warnings: tuple[str, ...]


def write_page_tree(
    tree: PageTree, docs: Path, assets: Path = SHELL_TEMPLATES / "assets", written: dict[str, bytes] | None = None
) -> list[str]:
    """Write every page and static file under `docs` (sorted, each path once). A file whose bytes
    are already there is left untouched and files no longer in the tree are removed, so a preview
    that reuses `docs` re-renders only the pages that changed. `written` remembers what the last
    call wrote there, so unchanged files need not even be read back."""
    seen: set[str] = set()
    written = {} if written is None else written
    existing = {p.relative_to(docs).as_posix() for p in docs.rglob("*") if p.is_file()} if docs.is_dir() else set()
    for page in sorted(tree.pages, key=lambda p: p.path):
        _write(docs, page.path, page_source(page).encode("utf-8"), seen, written)
    for path, data in sorted(tree.files.items()):
        _write(docs, path, data, seen, written)
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
    target = (docs / relative).resolve()
    if not target.is_relative_to(docs.resolve()):
        raise ValueError(f"refusing to write outside the page tree: {relative}")
    seen.add(relative)
    if written.get(relative) is data or written.get(relative) == data:
        return
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
        "plugins": [],  # the search index is Pagefind's, made after the build: see index_search
        "validation": {"links": {"absolute_links": "ignore", "unrecognized_links": "ignore"}},
    }
    return with_look(settings, site, theme_dir)


COLOURS_CSS = "assets/site-colours.css"
"""Stylesheet written for hex colours in site.yaml (the palette takes only named colours)."""


def merge_theme(site: Site, theme: Path) -> Path:
    """The custom_dir for MkDocs, which reads only one: the built-in shell templates with the
    site's overrides/ copied over them file by file. The built-in main.html stays reachable as
    `builtin/main.html`, so an override can extend it and replace a single block."""
    if theme.exists():
        shutil.rmtree(theme)
    shutil.copytree(SHELL_TEMPLATES, theme)
    shutil.copytree(SHELL_TEMPLATES, theme / "builtin", ignore=shutil.ignore_patterns("assets"))
    if site.look.overrides:
        overrides = Path(site.look.overrides)
        for source in sorted(overrides.rglob("*")):
            relative = source.relative_to(overrides)
            # symlinks are skipped: an override could otherwise publish any file of the machine
            if source.is_file() and not any((overrides / p).is_symlink() for p in (relative, *relative.parents[:-1])):
                target = theme / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
    css = colours_css(site.look.primary, site.look.accent)
    if css:
        (theme / COLOURS_CSS).write_text(css, encoding="utf-8")
    return theme


def with_look(settings: dict[str, Any], site: Site, theme_dir: Path) -> dict[str, Any]:
    """The site's colours, logo, favicon, footer links and extra stylesheets applied to `settings`."""
    look = site.look
    theme = settings["theme"]
    theme["custom_dir"] = str(theme_dir)
    for scheme in theme["palette"]:
        scheme["primary"] = _palette_name(look.primary, scheme["primary"])
        scheme["accent"] = _palette_name(look.accent, scheme["accent"])
    if look.logo:
        theme["logo"] = look.logo
    if look.favicon:
        theme["favicon"] = look.favicon
    if look.footer_links:
        links = [{"title": title, "url": url} for title, url in look.footer_links]
        settings["extra"] = {**settings["extra"], "footer_links": links}
    # the colours first, then the site's own stylesheets (overrides/assets/*.css), whose rules win
    # (names are written into every page unescaped by the theme: plain ones only)
    found = sorted(
        p.relative_to(theme_dir).as_posix()
        for p in (theme_dir / "assets").glob("*.css")
        if re.fullmatch(r"[A-Za-z0-9_-][A-Za-z0-9._-]*\.css", p.name)
    )
    wanted = [COLOURS_CSS, *(name for name in found if name != COLOURS_CSS)]
    listed = settings["extra_css"]
    settings["extra_css"] = [*listed, *(name for name in wanted if name in found and name not in listed)]
    return settings


def _palette_name(colour: str | None, default: str) -> str:
    if colour is None:
        return default
    return "custom" if colour.startswith("#") else colour


_WHITE, _BLACK, _SLATE = (255, 255, 255), (0, 0, 0), (30, 33, 41)
"""Light page, dark text, and the dark (slate) scheme's page background."""


def colours_css(primary: str | None, accent: str | None) -> str:
    """CSS variables for hex colours, with text and link colours chosen for WCAG AA contrast."""
    rules: list[str] = []
    slate: list[str] = []
    if primary and primary.startswith("#"):
        rgb = _rgb(primary)
        on = _text_on(rgb)
        rules += [
            f"--md-primary-fg-color: {primary};",
            f"--md-primary-fg-color--light: {_hex(_mix(rgb, _WHITE, 0.25))};",
            f"--md-primary-fg-color--dark: {_hex(_mix(rgb, _BLACK, 0.25))};",
            f"--md-primary-bg-color: {_hex(on)};",
            f"--md-primary-bg-color--light: {_hex(on)}b3;",
            f"--md-typeset-a-color: {_hex(_readable(rgb, _WHITE))};",
        ]
        slate.append(f"--md-typeset-a-color: {_hex(_readable(rgb, _SLATE))};")
    if accent and accent.startswith("#"):
        rgb = _rgb(accent)
        on = _text_on(rgb)
        rules += [
            f"--md-accent-fg-color: {accent};",
            f"--md-accent-fg-color--transparent: {accent}1a;",
            f"--md-accent-bg-color: {_hex(on)};",
            f"--md-accent-bg-color--light: {_hex(on)}b3;",
        ]
    if not rules:
        return ""
    css = "/* The site's own colours, from `theme:` in site.yaml (written by the build). */\n"
    css += ":root > * {\n" + "".join(f"  {rule}\n" for rule in rules) + "}\n"
    if slate:
        css += ':root > [data-md-color-scheme="slate"] {\n' + "".join(f"  {rule}\n" for rule in slate) + "}\n"
    return css


def _text_on(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    """White or black, whichever reads better on `rgb`."""
    return _WHITE if _contrast(rgb, _WHITE) >= _contrast(rgb, _BLACK) else _BLACK


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#" + "".join(f"{round(c):02x}" for c in rgb)


def _mix(rgb: tuple[int, int, int], other: tuple[int, int, int], amount: float) -> tuple[int, int, int]:
    return tuple(round(a + (b - a) * amount) for a, b in zip(rgb, other, strict=True))  # type: ignore[return-value]


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _readable(rgb: tuple[int, int, int], background: tuple[int, int, int]) -> tuple[int, int, int]:
    """`rgb` moved towards black or white, by the smallest step, until text in it reads on `background`."""
    towards = _BLACK if _luminance(background) > 0.5 else _WHITE
    for step in range(21):
        colour = _mix(rgb, towards, step / 20)
        if _contrast(colour, background) >= 4.5:
            return colour
    return towards


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
    site: Site, tree: PageTree, work: Path, out: Path, *, preview: bool = False, written: dict | None = None
) -> ShellResult:
    """Build `out` from the page tree with mkdocs-material; work/ holds docs/ and mkdocs.yml.

    With `preview`, `work` and `out` are reused between builds: only pages whose source changed
    are rendered again (MkDocs' dirty build) and no search index is made."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    docs = work / "docs"
    theme_dir = merge_theme(site, work / "theme")
    removed = write_page_tree(tree, docs, theme_dir / "assets", written)
    if preview:
        # A dirty build never deletes: remove the output of every page or file that left the
        # tree (a network turned back into a draft must stop being served at once).
        for path in removed:
            target = out / url_of(path) / "index.html" if path.endswith(".md") else out / path
            target.unlink(missing_ok=True)
            with contextlib.suppress(OSError):  # only when empty
                target.parent.rmdir()
    config_path = work / "mkdocs.yml"
    settings = mkdocs_config(site, tree, docs, out, theme_dir)
    if preview:
        settings["plugins"] = []  # no search index in the preview: it is rebuilt on publish
        settings["strict"] = False  # MkDocs warns about every dirty build
    config_path.write_text(yaml.safe_dump(settings, sort_keys=False, allow_unicode=True), encoding="utf-8")
    collector = _Collector()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    try:
        config = load_config(str(config_path))
        config.plugins["transparency-prebuilt-html"] = PrebuiltHtml()  # type: ignore[assignment]
        config.plugins["transparency-finished-pages"] = FinishedPages()  # type: ignore[assignment]
        with _build_epoch(site):
            build(config, dirty=preview and out.is_dir())
    except Abort:
        pass  # strict mode stopped on warnings: they are in the collector, returned below
    finally:
        logger.removeHandler(collector)
    if not collector.messages:
        slim_theme_stylesheets(out, settings["theme"], site.language)
        compact_shell_assets(out)
        if not preview:
            index_search(out)
    return ShellResult(tuple(collector.messages))


# The theme's stylesheets, without what this shell never uses ----------------------------------

UNUSED_THEME_SELECTORS = re.compile(
    r"\.(?:admonition[\w-]*|note|abstract|info|tip|success|question|warning|failure|danger|bug|example|quote"
    r"|tabbed-[\w-]*|highlight[\w-]*|linenos|linenodiv|filename|headerlink|footnote[\w-]*|critic[\w-]*|keys"
    r"|task-list[\w-]*|arithmatex|emojione|twemoji|gemoji|mermaid|grid|card|md-input[\w-]*"
    r"|md-(?:annotation|tag|post|blog|author|version|source|social|consent|feedback|banner|pagination|profile"
    r"|draft|pin|status|meta|select|clipboard|code|dialog)[\w-]*|md-(?:content__button|nav__source|header__source)"
    r"|md-search-result__(?:more|icon|terms))(?![\w-])"
    r"|\[role=columnheader\]|(?<![\w-])kbd(?![\w-])"
)
"""Theme components for Markdown extensions, plugins and settings the shell never uses
(admonitions, code highlighting, keys, sortable tables, content tabs, blog, tags, versions,
repository links, consent...) and the parts of the theme's search results the site's own search
does not draw. `details`, tables, search and navigation stay."""
FEATURE_SELECTORS = {
    "content.tooltips": r"md-tooltip2?[\w-]*",
    "navigation.footer": r"md-footer__(?:link|title|button|direction)[\w-]*",
    "navigation.instant.progress": r"md-progress[\w-]*",
    "navigation.path": r"md-path[\w-]*",
    "navigation.sections": r"md-nav--lifted|md-nav__item--section",
    "navigation.tabs": r"md-tabs[\w-]*",
    "navigation.tabs.sticky": r"md-header--lifted",
    "search.suggest": r"md-search__suggest",
    "toc.integrate": r"md-nav--integrated",
}
"""Theme classes used only with a feature (`theme.features` in mkdocs.yml): dropped without it."""
UNUSED_THEME_PROPERTIES = re.compile(
    r"--md-(?:admonition-icon--(?!note)|status|tag-icon|version-icon|source-|annotation-|footnotes-icon|tasklist-icon"
    r"|tabbed-icon|code-copy-icon|code-select-icon|clipboard-icon|post-pin-icon|path-icon|typeset-table-sort-icon"
    r"|code-hl-|mermaid-)"
)
"""Custom properties only those components read (the summary marker uses the `note` icon)."""


def slim_theme_stylesheets(out: Path, theme: dict[str, Any], language: str) -> None:
    """Rewrite the theme's main and palette stylesheets in `out` without the rules of components,
    features, colours and the text direction this site does not use. This halves what every page
    loads, so that a network page stays within 200 KB in all, of which the theme's script is
    114 KB. A site override using a dropped component must style it itself."""
    colours = sorted({str(scheme[key]) for scheme in theme["palette"] for key in ("primary", "accent")})
    kept = "|".join(re.escape(c) for c in colours)
    other_colours = re.compile(rf"\[data-md-color-(?:primary|accent)=(?!(?:{kept})\])[\w-]+\]")
    other_direction = re.compile(r"\[dir=rtl\]" if _direction(language) == "ltr" else r"\[dir=ltr\]")
    off = "|".join(classes for feature, classes in FEATURE_SELECTORS.items() if feature not in theme["features"])
    features_off = re.compile(rf"\.(?:{off})(?![\w-])" if off else r"(?!)")
    for path in sorted((out / "assets" / "stylesheets").glob("*.min.css")):
        css = path.read_text(encoding="utf-8")
        slim = slim_stylesheet(css, (UNUSED_THEME_SELECTORS, features_off, other_colours, other_direction))
        path.write_text(slim, encoding="utf-8")


def _direction(language: str) -> str:
    """`ltr` or `rtl`, as the theme's translations for `language` say (`ltr` if it has none)."""
    import material

    strings = Path(material.__file__).parent / "templates" / "partials" / "languages" / f"{language}.html"
    found = re.search(r'"direction": "(\w+)"', strings.read_text(encoding="utf-8")) if strings.is_file() else None
    return found.group(1) if found else "ltr"


def slim_stylesheet(css: str, unused: tuple[re.Pattern[str], ...]) -> str:
    """`css` without the selectors matching one of `unused`, the rules left with no selector, the
    custom properties in UNUSED_THEME_PROPERTIES and the @media blocks left empty. Reads minified
    CSS: strings, comments, parentheses and nested at-rules are respected."""
    return _emit_css(_parse_css(css, 0)[0], unused)


_GROUPING_AT_RULES = ("@media", "@supports", "@layer", "@container", "@keyframes", "@-webkit-keyframes")


def _parse_css(css: str, i: int) -> tuple[list[tuple[str, Any]], int]:
    """Items up to the closing brace: (prelude, None) for a statement, (prelude, declarations) for
    a rule, (prelude, [items]) for a grouping at-rule."""
    items: list[tuple[str, Any]] = []
    while i < len(css):
        j = _css_next(css, i, "{;}")
        prelude = css[i:j].strip()
        if j == len(css) or css[j] == "}":
            if prelude:
                items.append((prelude, None))
            return items, j + 1
        if css[j] == ";":
            items.append((prelude, None))
            i = j + 1
        elif prelude.startswith(_GROUPING_AT_RULES):
            inner, i = _parse_css(css, j + 1)
            items.append((prelude, inner))
        else:
            end = _css_next(css, j + 1, "}")
            items.append((prelude, css[j + 1 : end]))
            i = end + 1
    return items, i


def _emit_css(items: list[tuple[str, Any]], unused: tuple[re.Pattern[str], ...]) -> str:
    out = []
    for prelude, body in items:
        if body is None:
            out.append(prelude + ";")
        elif isinstance(body, list):
            inner = _emit_css(body, unused)
            if inner:
                out.append(prelude + "{" + inner + "}")
        else:
            selectors = prelude
            if not prelude.startswith("@"):
                kept = [s for s in _css_split(prelude, ",") if not any(p.search(s) for p in unused)]
                selectors = ",".join(kept)
            declarations = ";".join(
                d for d in _css_split(body, ";") if d.strip() and not UNUSED_THEME_PROPERTIES.match(d.strip())
            )
            if selectors and declarations:
                out.append(selectors + "{" + declarations + "}")
    return "".join(out)


def _css_next(css: str, i: int, stops: str) -> int:
    """Index of the first character in `stops` at or after `i`, outside strings, comments and
    parentheses (len(css) if none)."""
    depth = 0
    while i < len(css):
        c = css[i]
        if c in "\"'":
            i += 1
            while i < len(css) and css[i] != c:
                i += 2 if css[i] == "\\" else 1
        elif c == "/" and css.startswith("/*", i):
            end = css.find("*/", i + 2)
            i = len(css) if end < 0 else end + 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif depth == 0 and c in stops:
            return i
        i += 1
    return len(css)


def _css_split(text: str, separator: str) -> list[str]:
    parts, i = [], 0
    while True:
        j = _css_next(text, i, separator)
        parts.append(text[i:j])
        if j >= len(text):
            return parts
        i = j + 1


_COMMENT = re.compile(r"/\*.*?\*/", re.S)


def compact_shell_assets(out: Path) -> None:
    """The shell's own scripts and stylesheets in `out` without comments and indentation (about a
    third of their size, on every page). They are written for this: no comment markers in strings."""
    assets = SHELL_TEMPLATES / "assets"
    for source in sorted(p for p in assets.rglob("*") if p.suffix in (".css", ".js") and "vendor" not in p.parts):
        path = out / "assets" / source.relative_to(assets)
        if path.is_file():
            text = _COMMENT.sub("", path.read_text(encoding="utf-8"))
            lines = (line.strip() for line in text.splitlines())
            path.write_text("\n".join(line for line in lines if line) + "\n", encoding="utf-8")


# Content-Security-Policy ----------------------------------------------------------------------

CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {hashes}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'"
)
"""Scripts only from the site itself, and the theme's few inline ones by their hash: no
'unsafe-inline' or 'unsafe-eval' for scripts ('wasm-unsafe-eval' lets Pagefind compile its
WebAssembly; Vega runs with its expression interpreter). Styles keep 'unsafe-inline': the theme
and Vega set style attributes. frame-ancestors cannot be set from a <meta>: send it as a header."""
_INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\ssrc=)(?![^>]*\stype=\"application/(?:ld\+)?json\")[^>]*>(.*?)</script>", re.S | re.I
)
_CHARSET, _HEAD = re.compile(r"<meta charset=[^>]*>", re.I), re.compile(r"<head>", re.I)
_PREFORMATTED = re.compile(r"(<pre[\s>].*?</pre>|<textarea[\s>].*?</textarea>)", re.S | re.I)
_LINE_BREAKS = re.compile(r"[ \t]*\n\s*")


def compact_html(html: str) -> str:
    """`html` with every run of whitespace that spans lines cut to one line break, outside <pre>
    and <textarea>: the theme's templates indent deeply and leave blank lines, a fifth of a page."""
    parts = _PREFORMATTED.split(html)
    return "".join(part if index % 2 else _LINE_BREAKS.sub("\n", part) for index, part in enumerate(parts))


def with_csp(html: str) -> str:
    """`html` with a Content-Security-Policy <meta> before anything that can run in its head, with
    the hash of each inline script."""
    hashes = sorted(
        {
            "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
            for body in _INLINE_SCRIPT.findall(html)
        }
    )
    head = _CHARSET.search(html) or _HEAD.search(html)  # after the charset, which must come first
    if head is None:
        return html
    meta = f'\n<meta http-equiv="Content-Security-Policy" content="{CSP.format(hashes=" ".join(hashes))}">'
    return html[: head.end()] + meta + html[head.end() :]


class FinishedPages:
    """MkDocs plugin: every rendered page, the 404 page included, compacted (`compact_html`) and
    given its Content-Security-Policy (`with_csp`)."""

    def on_post_page(self, output: str, page, config) -> str:
        return with_csp(compact_html(output))

    def on_post_template(self, output: str, template_name: str, config) -> str:
        return with_csp(compact_html(output)) if template_name.endswith(".html") else output


# Search ---------------------------------------------------------------------------------------


def index_search(out: Path) -> None:
    """Pagefind's index of the built site, in out/pagefind/. Only each page's article is read
    (`data-pagefind-body` in main.html; prev/next links and citations carry `data-pagefind-ignore`)
    and a search loads only the index chunks its words need. Pagefind's own UI bundles are removed:
    assets/javascripts/site.js shows results in the theme's search dialog."""
    done = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(out), "--silent"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"Pagefind could not index the site: {(done.stderr or done.stdout).strip()}")
    for unused in sorted((out / "pagefind").glob("pagefind-*")):
        if "ui" in unused.name or unused.name == "pagefind-highlight.js":
            unused.unlink()
