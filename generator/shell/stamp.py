"""Render once, stamp many: the theme's page template is the slowest part of a MkDocs build
(material's base.html renders the whole navigation for every page). Pages out of the sidebar
(networks, countries, reports: nearly every page of a large site) at the same depth share every
byte of that frame but their title, description, address, table of contents and body. So the
frame is rendered once per group, with marker values in those places, and each page of the group
is the frame with its own values put in.

Nothing is taken on trust: before any page is written, a few pages of each group (the first, the
one with the most characters that need escaping, the ones with the most and fewest headings) are
also rendered in full by the theme and compared byte for byte with their stamped version. A group
where any differs (a site override printing the title through a filter, say) is rendered in full
page by page, as MkDocs would. `stamp=False` in run_shell turns stamping off (the test of
equivalence builds both ways and compares the trees).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

STAMP_TEMPLATE = "transparency-stamped.html"
"""The template MkDocs renders for a stamped page: a stand-in, replaced in on_post_page."""

_MARK = "trstamp9c1e"
TITLE, DESCRIPTION, URL, BODY = (f"{_MARK}title", f"{_MARK}description", f"{_MARK}url", f"{_MARK}body")
BODY_H1 = f"<h1>{_MARK}body</h1>"
"""The body marker for pages whose body has its own <h1> (the theme adds one to pages without)."""
ANCHOR, TOC_TITLE, TOC_ITEMS = (f"{_MARK}anchor", f"{_MARK}toctitle", f"{_MARK}tocitems")
_HOLES = re.compile("|".join(re.escape(m) for m in (TOC_ITEMS, TITLE, DESCRIPTION, URL, BODY_H1, BODY, ANCHOR)))
_SPECIAL = re.compile(r"[&<>\"'\s]|[^\x00-\x7f]")


@dataclass
class _Frame:
    """A group's page frame: the rendered template with marker values, and one table-of-contents
    entry with marker values (or None for a group of pages without headings)."""

    html: str
    toc_item: str | None
    toc_separator: str = ""
    """What the theme writes between two entries of the table of contents."""


@dataclass
class StampedPages:
    """MkDocs plugin doing the stamping (see the module's docstring). `enabled=False` leaves every
    page to the theme."""

    enabled: bool = True
    _nav: Any = None
    frames: dict[tuple, _Frame | None] = field(default_factory=dict)
    stamped: int = 0
    """Pages written by stamping (the rest were rendered in full)."""
    checked: int = 0
    """Pages rendered both ways and compared."""

    def on_env(self, env, config, files):
        if not self.enabled:
            return env
        from mkdocs.commands.build import get_context
        from mkdocs.structure.pages import Page

        in_sidebar = {id(p) for p in self._nav.pages}
        groups: dict[tuple, list[Page]] = {}
        for file in files.documentation_pages():
            page = file.page
            if page is None or page.content is None or id(page) in in_sidebar or "template" in page.meta:
                continue  # not read in this (dirty) build, in the sidebar, or with a template of its own
            groups.setdefault(_group(page), []).append(page)
        doc_files = files.documentation_pages()
        main = env.get_template("main.html")

        def full(page: Page) -> str:  # what MkDocs' own _build_page renders for the page
            page.active = True
            try:
                return main.render(get_context(self._nav, doc_files, config, page))
            finally:
                page.active = False

        for key, pages in sorted(groups.items(), key=lambda item: repr(item[0])):
            pages.sort(key=lambda p: p.file.src_uri)
            frame = _make_frame(pages[0], full)
            if frame is not None:
                for sample in _samples(pages):
                    self.checked += 1
                    if stamp(frame, sample) != full(sample):
                        frame = None
                        break
            self.frames[key] = frame
            if frame is not None:
                for page in pages:
                    page.meta["template"] = STAMP_TEMPLATE
        return env

    def on_nav(self, nav, config, files):
        self._nav = nav
        return nav

    def on_post_page(self, output: str, page, config) -> str:
        if page.meta.get("template") != STAMP_TEMPLATE:
            return output
        self.stamped += 1
        return stamp(self.frames[_group(page)], page)


def _group(page) -> tuple:
    """Pages that share one frame: same folder, same front-matter keys and `hide` list, and
    whether they have a description and headings (the theme prints other things without them)."""
    meta = page.meta
    return (
        page.url.rstrip("/").rpartition("/")[0],  # the folder: links in the frame are relative
        tuple(sorted(k for k in meta if k != "template")),
        tuple(meta.get("hide") or ()),
        bool(meta.get("description")),
        bool(meta.get("title")),
        bool(page.toc),
        "<h1" in page.content,
        page.parent is None and page.previous_page is None and page.next_page is None,
    )


def _toc_entries(page) -> list[tuple[str, str]]:
    return [(item.id, item.title) for item in page.toc if not item.children]


def _make_frame(page, full) -> _Frame | None:
    """The group's frame, rendered with `page`'s values swapped for markers (then put back).
    Its table of contents has two marker entries: one is kept as the entry's template, and what
    lies between them is the separator."""
    from mkdocs.structure.toc import get_toc

    if any(item.children for item in page.toc):
        return None  # only flat tables of contents (our pages have <h2> headings only)
    saved = (page.meta, page.content, page.toc, page.canonical_url)
    page.meta = {**page.meta, "title": TITLE, "description": DESCRIPTION}
    page.meta.pop("template", None)
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
    if not has_toc or (TOC_TITLE not in html and second[0] not in html):  # none, or not printed
        return _Frame(html, None) if TOC_TITLE not in html and BODY in html else None
    first_at, second_at = html.find(TOC_TITLE), html.find(second[1])
    start, end = html.rfind("<li", 0, first_at), html.find("</li>", first_at) + len("</li>")
    second_start, second_end = html.rfind("<li", 0, second_at), html.find("</li>", second_at) + len("</li>")
    if min(first_at, second_at, start, second_start) < 0 or not end <= second_start:
        return None
    item, separator = html[start:end], html[end:second_start]
    if (
        ANCHOR not in item
        or item.replace(ANCHOR, second[0]).replace(TOC_TITLE, second[1]) != html[second_start:second_end]
    ):
        return None
    html = html[:start] + TOC_ITEMS + html[second_end:]
    if TOC_TITLE in html or second[0] in html:
        return None
    return _Frame(html, item, separator)


def stamp(frame: _Frame, page) -> str:
    """`page` rendered by putting its values into `frame`, in one pass (a value is never read
    again for markers, so text in a record cannot inject into the frame)."""
    entries = _toc_entries(page)
    values = {
        TITLE: page.meta.get("title", ""),
        DESCRIPTION: page.meta.get("description", ""),
        URL: page.canonical_url or "",
        BODY: page.content,
        BODY_H1: page.content,
        ANCHOR: entries[0][0] if entries else "",
        TOC_ITEMS: frame.toc_separator.join(_put(frame.toc_item, {ANCHOR: a, TOC_TITLE: t}) for a, t in entries)
        if frame.toc_item
        else "",
    }
    return _HOLES.sub(lambda m: values[m.group(0)], frame.html)


_TOC_HOLES = re.compile(f"{re.escape(ANCHOR)}|{re.escape(TOC_TITLE)}")


def _put(template: str, values: dict[str, str]) -> str:
    return _TOC_HOLES.sub(lambda m: values[m.group(0)], template)


def _samples(pages: list) -> list:
    """The pages of a group compared in full: the first, the one with the most characters that
    need escaping in its values, and the ones with the most and the fewest headings."""

    def special(page) -> int:
        text = page.meta.get("title", "") + page.meta.get("description", "")
        text += "".join(t for _, t in _toc_entries(page))
        return len(_SPECIAL.findall(text))

    chosen: list[Any] = [pages[0], max(pages, key=special)]
    chosen += [max(pages, key=lambda p: len(p.toc)), min(pages, key=lambda p: len(p.toc))]
    unique: dict[int, Any] = {}
    for page in chosen:
        unique.setdefault(id(page), page)
    return list(unique.values())
