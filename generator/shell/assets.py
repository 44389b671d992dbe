"""The theme's stylesheets trimmed to what the site uses, and the shell's own assets compacted."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from generator.shell.look import SHELL_TEMPLATES

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


def slim_theme_stylesheets(out: Path, theme: dict[str, Any], language: str, memo: dict | None = None) -> None:
    """Rewrite the theme's main and palette stylesheets in `out` without the rules of components,
    features, colours and the text direction this site does not use. This halves what every page
    loads, so that a network page stays within 200 KB in all, of which the theme's script is
    114 KB. A site override using a dropped component must style it itself. `memo` remembers
    results by stylesheet and settings, so a rebuild does not trim the same stylesheet again."""
    colours = sorted({str(scheme[key]) for scheme in theme["palette"] for key in ("primary", "accent")})
    kept = "|".join(re.escape(c) for c in colours)
    other_colours = re.compile(rf"\[data-md-color-(?:primary|accent)=(?!(?:{kept})\])[\w-]+\]")
    other_direction = re.compile(r"\[dir=rtl\]" if _direction(language) == "ltr" else r"\[dir=ltr\]")
    off = "|".join(classes for feature, classes in FEATURE_SELECTORS.items() if feature not in theme["features"])
    features_off = re.compile(rf"\.(?:{off})(?![\w-])" if off else r"(?!)")
    unused = (UNUSED_THEME_SELECTORS, features_off, other_colours, other_direction)
    memo = {} if memo is None else memo
    for path in sorted((out / "assets" / "stylesheets").glob("*.min.css")):
        css = path.read_text(encoding="utf-8")
        key = hashlib.sha256("\0".join([css, *(pattern.pattern for pattern in unused)]).encode()).hexdigest()
        if key not in memo:
            memo[key] = slim_stylesheet(css, unused)
        path.write_text(memo[key], encoding="utf-8")


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
