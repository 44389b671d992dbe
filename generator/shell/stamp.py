"""Render once, stamp many. The theme's page template is the slowest part of a MkDocs build
(material's base.html renders the whole navigation for every page). Pages out of the sidebar
(networks, countries, reports: nearly every page of a large site) in the same folder share every
byte of that frame but their title, description, address, table of contents and body. So MkDocs
renders only the pages of the sidebar and a few sample pages of each folder; the frame of each
folder is rendered once, with marker values in those places, and every other page is the frame
with its own values put in. MkDocs never reads those pages, so they cost no Markdown source, no
page object and no template.

Nothing is taken on trust: in every build, the sample pages of each group (the first, the one with
the most characters that need escaping, the ones with the most and fewest headings) are rendered
in full by the theme, and each must equal its stamped version byte for byte, with the values MkDocs
read from its source equal to the values computed here. If any differs (a site override printing
the title through a filter, say) the build renders every page through the theme instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from generator.pages import OutputPage, page_source, url_of
from generator.shell.render import (
    _CHARSET,
    _INLINE_SCRIPT,
    Piece,
    compact_html,
    compact_join,
    csp_meta,
    piece,
    toc_entries,
    whole_blocks,
    with_csp,
)

_MARK = "trstamp9c1e"
TITLE, DESCRIPTION, URL, BODY = (f"{_MARK}title", f"{_MARK}description", f"{_MARK}url", f"{_MARK}body")
BODY_H1 = f"<h1>{_MARK}body</h1>"
"""The body marker for pages whose body has its own <h1> (the theme adds one to pages without)."""
ANCHOR, TOC_TITLE, TOC_ITEMS = (f"{_MARK}anchor", f"{_MARK}toctitle", f"{_MARK}tocitems")
_HOLES = re.compile(
    "(" + "|".join(re.escape(m) for m in (TOC_ITEMS, TITLE, DESCRIPTION, URL, BODY_H1, BODY, ANCHOR)) + ")"
)
_TOC_HOLES = re.compile(f"({re.escape(ANCHOR)}|{re.escape(TOC_TITLE)})")
_SPECIAL = re.compile(r"[&<>\"'\s]|[^\x00-\x7f]")
_FRONT_MATTER_END = "\n---\n"


@dataclass(frozen=True)
class Values:
    """What differs between two pages of a group, as the theme prints them."""

    title: str
    description: str
    url: str
    """The canonical URL."""
    content: str
    toc: tuple[tuple[str, str], ...]


def values_of(page: OutputPage, site_url: str) -> Values:
    """The values MkDocs would read from the page's source (front matter values are JSON strings,
    which YAML reads back unchanged; the body is what follows the front matter)."""
    from generator.pages import shell_text

    source = page_source(page)
    content = source[source.index(_FRONT_MATTER_END, 3) + len(_FRONT_MATTER_END) :].lstrip("\n")
    return Values(
        shell_text(page.title),
        shell_text(page.description),
        site_url + url_of(page.path),
        content,
        toc_entries(content),
    )


def _values_of_mkdocs(page) -> Values:
    return Values(
        page.meta.get("title", ""),
        page.meta.get("description", ""),
        page.canonical_url or "",
        page.content,
        tuple((item.id, item.title) for item in page.toc),
    )


def group_of(page: OutputPage, values: Values) -> tuple:
    """Pages that can share one frame: same folder (links in the frame are relative), same
    `hide` list, and alike in what the theme prints differently (no description, no headings,
    no <h1> of its own)."""
    return (
        url_of(page.path).rstrip("/").rpartition("/")[0],
        page.hide,
        bool(values.title),
        bool(values.description),
        bool(values.toc),
        "<h1" in values.content,
    )


@dataclass
class _Frame:
    """A group's page frame split at its holes (odd items are markers), and one table-of-contents
    entry split the same way, with what the theme writes between two entries."""

    parts: list[str]
    toc_item: list[str] | None = None
    toc_separator: str = ""
    _pieces: list[Piece | None] | None = None
    """The frame's parts ready for compact_join, the Content-Security-Policy in the first."""
    _fast: bool = False

    def stamp(self, values: Values) -> str:
        """The page with `values` put in, in one pass (a value is never read again for markers,
        so text in a record cannot inject into the frame)."""
        holes = self._holes(values)
        return "".join([holes[p] if i % 2 else p for i, p in enumerate(self.parts)])

    def finish(self, values: Values) -> str:
        """with_csp(compact_html(self.stamp(values))), the page as written: computed piece by
        piece (the frame's pieces compacted once) when that is exact, in full otherwise."""
        if self._pieces is None:
            self._prepare()
        plain = (values.title, values.description, values.url, *(a + t for a, t in values.toc))
        if not self._fast or any("<" in text for text in plain) or not whole_blocks(values.content):
            return with_csp(compact_html(self.stamp(values)))
        holes = self._holes(values)
        pieces = self._pieces
        assert pieces is not None
        return compact_join([pieces[i] or piece(holes[p]) for i, p in enumerate(self.parts)])  # type: ignore[misc]

    def _prepare(self) -> None:
        literal = self.parts[::2] + (self.toc_item[::2] if self.toc_item else [])
        compacted = compact_html("".join(self.parts))
        head = piece(self.parts[0])
        charset = _CHARSET.search(head[1])  # where with_csp puts the policy, in the frame's first piece
        at = charset.end() if charset else None
        self._fast = (
            all(whole_blocks(text) for text in literal)
            and not any(_MARK in script for script in _INLINE_SCRIPT.findall(compacted))
            and at is not None
        )
        self._pieces = [None if i % 2 else piece(p) for i, p in enumerate(self.parts)]
        if self._fast and at is not None:
            self._pieces[0] = (head[0], head[1][:at] + csp_meta(compacted) + head[1][at:], head[2])

    def _holes(self, values: Values) -> dict[str, str]:
        holes = {
            TITLE: values.title,
            DESCRIPTION: values.description,
            URL: values.url,
            BODY: values.content,
            BODY_H1: values.content,
            ANCHOR: values.toc[0][0] if values.toc else "",
        }
        if self.toc_item is not None:
            holes[TOC_ITEMS] = self.entries(values.toc)
        return holes

    def entries(self, toc: tuple[tuple[str, str], ...]) -> str:
        """The table of contents' entries, joined as the theme joins them."""
        assert self.toc_item is not None
        item = self.toc_item
        return self.toc_separator.join(
            "".join((anchor if p == ANCHOR else title) if i % 2 else p for i, p in enumerate(item))
            for anchor, title in toc
        )


@dataclass
class Stamping:
    """The plan for one shell run: which pages MkDocs renders (the sidebar's pages and each group's
    samples) and which are stamped; `StampedPages` fills in the frames during the MkDocs build."""

    theme_pages: list[OutputPage] = field(default_factory=list)
    """Pages MkDocs renders."""
    stamped: list[tuple[OutputPage, Values, tuple]] = field(default_factory=list)
    samples: dict[str, tuple[tuple, Values]] = field(default_factory=dict)
    """Group key and values of each sample page, by source path."""
    frames: dict[tuple, _Frame | None] = field(default_factory=dict)
    checked: int = 0
    failed: bool = False

    @classmethod
    def plan(
        cls,
        pages: Iterable[OutputPage],
        in_sidebar: set[str],
        site_url: str,
        enabled: bool = True,
        memo: dict[str, tuple[OutputPage, Values]] | None = None,
    ) -> Stamping:
        """`memo` (the preview's) keeps each page's values from one build to the next."""
        plan = cls()
        groups: dict[tuple, list[tuple[OutputPage, Values]]] = {}
        memo = {} if memo is None else memo
        for page in sorted(pages, key=lambda p: p.path):
            if not enabled or page.path in in_sidebar:
                plan.theme_pages.append(page)
                continue
            known = memo.get(page.path)
            if known is not None and known[0] == page:
                values = known[1]
            else:
                values = values_of(page, site_url)
                memo[page.path] = (page, values)
            groups.setdefault(group_of(page, values), []).append((page, values))
        for key, members in groups.items():
            chosen = {id(page) for page, _ in _samples(members)}
            for page, values in members:
                if id(page) in chosen:
                    plan.theme_pages.append(page)
                    plan.samples[page.path] = (key, values)
                else:
                    plan.stamped.append((page, values, key))
        plan.theme_pages.sort(key=lambda p: p.path)
        return plan

    def pages(self, memo: dict[str, tuple] | None = None) -> Iterable[tuple[OutputPage, str | None]]:
        """(page, its finished HTML) for every stamped page; with `memo` (the preview's), None for
        a page whose values and frame are those of the last build: it is already written."""
        for page, values, key in self.stamped:
            frame = self.frames[key]
            assert frame is not None
            if memo is not None:
                made = (values, frame.parts, frame.toc_item, frame.toc_separator)
                if memo.get(page.path) == made:
                    yield page, None
                    continue
                memo[page.path] = made
            yield page, frame.finish(values)


def _samples(members: list[tuple[OutputPage, Values]]) -> list[tuple[OutputPage, Values]]:
    """The pages of a group rendered in full and compared: the first, the one with the most
    characters that need escaping in its values, and the ones with the most and fewest headings."""

    def special(member: tuple[OutputPage, Values]) -> int:
        values = member[1]
        return len(_SPECIAL.findall(values.title + values.description + "".join(t for _, t in values.toc)))

    chosen = [members[0], max(members, key=special)]
    chosen += [max(members, key=lambda m: len(m[1].toc)), min(members, key=lambda m: len(m[1].toc))]
    unique: dict[int, tuple[OutputPage, Values]] = {}
    for member in chosen:
        unique.setdefault(id(member[0]), member)
    return list(unique.values())


class StampedPages:
    """MkDocs plugin: makes each group's frame from its first sample page and checks every sample
    (see the module's docstring); completes the sitemap with the stamped pages."""

    def __init__(self, plan: Stamping) -> None:
        self.plan = plan
        self.nav: Any = None
        self.env: Any = None
        self.files: Any = None

    def on_nav(self, nav, config, files):
        self.nav = nav
        return nav

    def on_env(self, env, config, files):
        self.env, self.files = env, files
        if not self.plan.samples:
            return env
        from mkdocs.commands.build import get_context

        main = env.get_template("main.html")
        doc_files = files.documentation_pages()

        def full(page) -> str:  # what MkDocs' _build_page renders for the page
            page.active = True
            try:
                return main.render(get_context(self.nav, doc_files, config, page))
            finally:
                page.active = False

        by_group: dict[tuple, list] = {}
        for file in doc_files:
            if file.src_uri in self.plan.samples and file.page is not None and file.page.content is not None:
                by_group.setdefault(self.plan.samples[file.src_uri][0], []).append(file.page)
        for key, pages in sorted(by_group.items(), key=lambda item: repr(item[0])):
            frame = _make_frame(pages[0], full)
            for page in pages:
                self.plan.checked += 1
                expected = self.plan.samples[page.file.src_uri][1]
                if frame is None or _values_of_mkdocs(page) != expected:
                    frame = None
                    break
                rendered = full(page)
                if frame.stamp(expected) != rendered or frame.finish(expected) != with_csp(compact_html(rendered)):
                    frame = None
                    break
            self.plan.frames[key] = frame
        needed = {key for _, _, key in self.plan.stamped}
        self.plan.failed = any(self.plan.frames.get(key) is None for key in needed)
        return env

    def on_post_template(self, output: str, template_name: str, config) -> str:
        if template_name != "sitemap.xml" or not self.plan.stamped or self.plan.failed:
            return output
        return self._sitemap(config)

    def _sitemap(self, config) -> str:
        """MkDocs' sitemap rendered again with the stamped pages among its own, in its file order."""
        from types import SimpleNamespace

        from mkdocs.commands.build import get_context

        pages = [f for f in self.files.documentation_pages() if f.page is not None]
        date = next((f.page.update_date for f in pages), None)
        for page, values, _ in self.plan.stamped:
            stand_in = SimpleNamespace(is_link=False, abs_url=None, canonical_url=values.url, update_date=date)
            pages.append(SimpleNamespace(src_uri=page.path, page=stand_in))
        pages.sort(key=lambda f: _walk_order(f.src_uri))
        context = get_context(self.nav, pages, config, base_url=".")
        return self.env.get_template("sitemap.xml").render(context)


def _walk_order(path: str) -> tuple:
    """MkDocs' order of documentation files: a folder's files (index first) before its subfolders."""
    *folders, name = path.split("/")
    stem = name.rsplit(".", 1)[0]
    return (*((1, f) for f in folders), (0, stem not in ("index", "README"), name))


def _make_frame(page, full: Callable[[Any], str]) -> _Frame | None:
    """The group's frame, rendered with `page`'s values swapped for markers (then put back). Its
    table of contents has two marker entries: the first is kept as the entry's template, what lies
    between them is the separator."""
    from mkdocs.structure.toc import get_toc

    if any(item.children for item in page.toc):
        return None  # only flat tables of contents (the pages have <h2> headings only)
    saved = (page.meta, page.content, page.toc, page.canonical_url)
    page.meta = {**page.meta, "title": TITLE, "description": DESCRIPTION}
    page.content = BODY_H1 if "<h1" in page.content else BODY
    has_toc = bool(page.toc)
    second = (f"{ANCHOR}2", f"{TOC_TITLE}2")
    tokens = [{"level": 2, "id": a, "name": t, "children": []} for a, t in ((ANCHOR, TOC_TITLE), second)]
    page.toc = get_toc(tokens if has_toc else [])
    page.canonical_url = URL
    try:
        html = full(page)
    finally:
        page.meta, page.content, page.toc, page.canonical_url = saved
    if BODY not in html:
        return None
    if not has_toc or (TOC_TITLE not in html and second[0] not in html):  # no entries, or none printed
        return None if TOC_TITLE in html else _Frame(_HOLES.split(html))
    first_at, second_at = html.find(TOC_TITLE), html.find(second[1])
    start, end = html.rfind("<li", 0, first_at), html.find("</li>", first_at) + len("</li>")
    second_start, second_end = html.rfind("<li", 0, second_at), html.find("</li>", second_at) + len("</li>")
    if min(first_at, second_at, start, second_start) < 0 or not end <= second_start:
        return None
    item, separator = html[start:end], html[end:second_start]
    as_second = "".join(
        second[0] if p == ANCHOR else second[1] if p == TOC_TITLE else p for p in _TOC_HOLES.split(item)
    )
    if ANCHOR not in item or as_second != html[second_start:second_end]:
        return None
    html = html[:start] + TOC_ITEMS + html[second_end:]
    if TOC_TITLE in html or second[0] in html:
        return None
    return _Frame(_HOLES.split(html), _TOC_HOLES.split(item), separator)
