"""Model + figures + charts -> the page tree: one Markdown-wrapped HTML body per page, rendered
with the Jinja2 templates in templates/, plus the navigation. Knows nothing of MkDocs: the shell
turns the tree into a site.

Content Markdown (summaries, intros, pages) is rendered here with markdown-it-py, raw HTML
disabled and unsafe links refused; templates autoescape everything else.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from babel.numbers import format_currency
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from generator.aggregate import CountryFigures, Figures
from generator.i18n import Formatter
from generator.model import AdSpend, Operation, Site
from generator.periods import Span
from generator.schema import OPERATION

if TYPE_CHECKING:
    from generator.charts import ChartSet


def _templates_folder() -> Path:
    """templates/ sits next to generator/ in the repository and is installed as the package data
    `generator.templates` (pyproject.toml maps it), so wheels and editable installs find it too."""
    spec = importlib.util.find_spec("generator.templates")
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return Path(__file__).resolve().parent.parent / "templates"


TEMPLATES = _templates_folder()


@dataclass(frozen=True)
class OutputPage:
    """One page of the site, ready for the shell."""

    path: str
    """Path of its Markdown file in the page tree, e.g. `operations/<id>.md`."""
    title: str
    description: str
    body: str
    """HTML body (with a few Markdown headings for the table of contents)."""
    hide: tuple[str, ...] = ()
    """Shell chrome to hide on this page (`toc`, `navigation`)."""


@dataclass(frozen=True)
class PageTree:
    pages: tuple[OutputPage, ...]
    files: dict[str, bytes]
    """Static files by site-relative path (chart SVGs, downloads)."""
    nav: list[Any]
    """Navigation in the shell's shape: a list of {title: path-or-list}."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Site-wide values the shell templates need (feed URL...)."""


@dataclass(frozen=True)
class DataLinks:
    """What the open-data stage published, for the pages that link to it (built by build.py, so
    this stage needs no import of a later one)."""

    downloads: tuple[Any, ...] = ()
    """Site-wide downloads: objects with path, format, records, size, description."""
    period_downloads: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    operation_json: dict[str, str] = field(default_factory=dict)
    feeds: tuple[tuple[str, str], ...] = ()
    """(title, site-relative path) of each Atom feed."""
    columns: tuple[dict[str, str], ...] = ()
    """CSV columns in order: name, type, description."""


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.validateLink = _safe_link  # type: ignore[method-assign]
    return md


def _safe_link(url: str) -> bool:
    scheme = url.strip().lower().split(":", 1)[0] if ":" in url.split("/", 1)[0] else ""
    return scheme in ("", "http", "https", "mailto")


class ContentMarkdown:
    """Renders the policy team's Markdown safely; headings are shifted below the page title."""

    def __init__(self) -> None:
        self.md = _markdown()

    def render(self, text: str, anchors: bool = False) -> Markup:
        """With `anchors` (free pages, whose headings are the only ones on the page), headings get
        ids from their text, so they can be linked to and the top level fills the table of contents."""
        tokens = self.md.parse(text)
        used: set[str] = set()
        for index, token in enumerate(tokens):
            if token.type in ("heading_open", "heading_close"):
                level = min(int(token.tag[1]) + 1, 6)
                token.tag = f"h{level}"
            if anchors and token.type == "heading_open":
                token.attrSet("id", _anchor(tokens[index + 1].content, used))
        return Markup(self.md.renderer.render(tokens, self.md.options, {}))


def _anchor(text: str, used: set[str]) -> str:
    """`Add a network` -> `add-a-network`; a second heading of the same text gets `-2`."""
    base = "-".join(re.findall(r"[a-z0-9]+", text.lower())) or "section"
    anchor, number = base, 1
    while anchor in used:
        number += 1
        anchor = f"{base}-{number}"
    used.add(anchor)
    return anchor


DETECTION = {"internal": "Internal", "external": "External", "unknown": "Not stated"}


def make_environment(formatter: Formatter, templates: Path = TEMPLATES, auto_reload: bool = True) -> jinja2.Environment:
    """The page templates' environment. `auto_reload` checks a template file's date at each use
    (each include): the live preview keeps one environment across edits, a build needs none."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        auto_reload=auto_reload,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=False,
        keep_trailing_newline=True,
    )
    env.install_gettext_translations(formatter.translations, newstyle=True)  # type: ignore[attr-defined]
    env.globals["_"] = _remembered_gettext(env.globals["gettext"])
    env.filters.update(
        count=_remembered(formatter.count),
        signed=_remembered(formatter.signed),
        span=_remembered(formatter.span),
        day=_remembered(formatter.day),
        country=_remembered(formatter.country),
        countries=_remembered(formatter.countries),
    )
    env.globals.update(
        detection_label=lambda value: formatter.gettext(DETECTION[value]),
        surface_label=lambda name: formatter.gettext(name.replace("_", " ").capitalize()),
        money=lambda spend: _money(spend, formatter),
    )
    return env


def _remembered_gettext(gettext: Callable[..., str]) -> Callable[..., str]:
    """`_()` for the templates: Jinja's own newstyle `gettext`, with the result of each string
    without variables kept. Jinja's `_` goes through four context calls and a Markup format per
    use, and a build looks up the same few labels hundreds of thousands of times."""
    found: dict[tuple[str, bool], str] = {}

    @jinja2.pass_context
    def remembered(context: jinja2.runtime.Context, text: str, **variables: Any) -> str:
        if variables:
            return gettext(context, text, **variables)
        key = (text, context.eval_ctx.autoescape)
        if key not in found:
            found[key] = gettext(context, text)
        return found[key]

    return remembered


_REMEMBERED_TYPES = frozenset({int, str, tuple, date, Span, type(None)})
"""Values a filter may keep its result for: equal values of these format alike (unlike 0.0 and
-0.0, or Decimal 1 and 1.0)."""


def _remembered(format_value: Callable[..., str]) -> Callable[..., str]:
    """A formatting filter that keeps its result for each value: Babel takes tens of microseconds
    a number or date, and pages show the same periods, countries and counts again and again."""
    found: dict[tuple, str] = {}

    def remembered(value: Any, *args: Any) -> str:
        if type(value) not in _REMEMBERED_TYPES:
            return format_value(value, *args)
        key = (type(value), value, *args)
        if key not in found:
            found[key] = format_value(value, *args)
        return found[key]

    return remembered


def _money(spend: AdSpend, formatter: Formatter) -> str:
    if spend.currency is None:
        return formatter.count(spend.amount)
    return format_currency(spend.amount, spend.currency, locale=formatter.locale)


def _root(path: str) -> str:
    """Relative prefix from a page to the site root (`operations/x.md` -> `../../`)."""
    depth = path.count("/") + (0 if path.endswith("index.md") else 1)
    return "../" * depth


def shell_text(text: str) -> str:
    """Plain text escaped for the shell. MkDocs renders its theme WITHOUT autoescape, so every
    content value it prints (page titles and descriptions, navigation labels, feed titles) is
    handed over as HTML: escaped here, once, or a title like `</title><script>` would run."""
    return str(escape(text))


def _front_matter(page: OutputPage) -> str:
    meta: dict[str, Any] = {"title": shell_text(page.title), "description": shell_text(page.description)}
    if page.hide:
        meta["hide"] = list(page.hide)
    # JSON is valid YAML and escapes every character YAML could misread.
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in meta.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n"


def url_of(path: str) -> str:
    """Site-relative URL of a page-tree path: `operations/x.md` -> `operations/x/`."""
    if path == "index.md":
        return ""
    if path.endswith("/index.md"):
        return path.removesuffix("index.md")
    return path.removesuffix(".md") + "/" if path.endswith(".md") else path


def public_urls(tree: PageTree) -> list[str]:
    """Every URL the site promises to keep: pages, redirects and published files, sorted."""
    urls = {url_of(page.path) for page in tree.pages}
    # chart images are named by their content's hash: they change with the data, by design
    urls |= {url_of(path).removesuffix("index.html") for path in tree.files if not path.startswith("assets/")}
    return sorted(urls)


@dataclass(frozen=True)
class NoCharts:
    """Stands in for a ChartSet when only the page list is wanted (no chart is rendered)."""

    home: tuple = ()
    periods: dict = field(default_factory=dict)
    countries: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)


REDIRECT = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<title>{title}</title>
<link rel="canonical" href="{url}">
<meta name="robots" content="noindex">
<meta http-equiv="refresh" content="0; url={target}">
</head><body><p>This network now lives at <a href="{target}">{title}</a>.</p></body></html>
"""


def redirect_files(site: Site) -> dict[str, bytes]:
    """A page at each previous id's URL that sends readers to the network's current page."""
    files = {}
    for op in site.operations:
        for old in op.previous_ids:
            files[f"operations/{old}/index.html"] = REDIRECT.format(
                lang=escape(site.language),
                title=escape(op.title),
                url=escape(f"{site.base_url}operations/{op.id}/"),
                target=escape(f"../{op.id}/"),
            ).encode("utf-8")
    return files


def page_source(page: OutputPage) -> str:
    """The Markdown file the shell reads for this page: front matter, the full title as the
    page's heading (the navigation may use a shorter one), then the body."""
    return _front_matter(page) + f"<h1>{escape(page.title)}</h1>\n\n" + page.body


def _first_sentence(text: str, limit: int = 200) -> str:
    plain = " ".join(text.split())
    cut = plain.find(". ")
    sentence = plain[: cut + 1] if 0 < cut < limit else plain[:limit]
    return sentence


class PageMemo:
    """Rendered pages of one kind kept by the live preview from one build to the next, by the
    inputs they were made from. A public build keeps none and computes no key: hashing every
    network for a throwaway dict costs seconds at 10,000."""

    def __init__(self, store: dict | None) -> None:
        self.store = store
        self.used: set = set()

    def page(self, key: Callable[..., Hashable], make: Callable[..., OutputPage], *inputs: Any) -> OutputPage:
        """The kept page whose `key(*inputs)` is the same, else `make(*inputs)` (kept for the next build)."""
        if self.store is None:
            return make(*inputs)
        found = key(*inputs)
        self.used.add(found)
        if found not in self.store:
            self.store[found] = make(*inputs)
        return self.store[found]

    def forget_unused(self) -> None:
        """Drop pages whose inputs this build no longer has."""
        if self.store is not None:
            for stale in set(self.store) - self.used:
                del self.store[stale]


@dataclass(frozen=True)
class Renderer:
    site: Site
    figures: Figures
    charts: ChartSet
    formatter: Formatter
    env: jinja2.Environment
    markdown: ContentMarkdown
    country_pages: frozenset[str]
    data: DataLinks
    memo: dict | None = None
    templates: dict[str, jinja2.Template] = field(default_factory=dict)
    """Templates fetched once per build (the environment checks each file's date at every fetch)."""
    rows: dict[tuple[str, str], tuple[Operation, str]] = field(default_factory=dict)
    """(network id, root) -> (the network, its operations-table row), for this build only."""
    row_macros: dict[str, Callable[[Operation], str]] = field(default_factory=dict)
    """root -> the `operation_row` macro of partials/operation_row.html, with that root."""

    def memo_for(self, kind: str) -> PageMemo:
        """Rendered pages of one kind kept from the previous preview build (none for a public build)."""
        return PageMemo(None if self.memo is None else self.memo.setdefault(kind, {}))

    def template(self, name: str) -> jinja2.Template:
        if name not in self.templates:
            self.templates[name] = self.env.get_template(name)
        return self.templates[name]

    def render(self, template: str, path: str, **context: Any) -> str:
        context.setdefault("root", _root(path))
        return self.template(template).render(site=self.site, operation_row=self.operation_row, **context)

    def operation_row(self, op: Operation, root: str) -> str:
        """A network's row in an operations table. Every page that lists the network (its report,
        each country it was operated from or targeted) shows the same row: made once per depth."""
        found = self.rows.get((op.id, root))
        if found is None or found[0] is not op:
            if root not in self.row_macros:
                module = self.template("partials/operation_row.html").make_module({"root": root})
                self.row_macros[root] = module.operation_row
            found = self.rows[(op.id, root)] = (op, self.row_macros[root](op))
        return found[1]


def build_pages(
    site: Site,
    figures: Figures,
    charts: ChartSet,
    formatter: Formatter,
    templates: Path = TEMPLATES,
    data: DataLinks | None = None,
    memo: dict | None = None,
) -> PageTree:
    """Every page of the site. `memo` (kept by the live preview) reuses a network page whose
    inputs are all unchanged instead of rendering it again."""
    data = data or DataLinks()
    env_key = ("environment", str(templates), formatter.language)
    env = memo.get(env_key) if memo is not None else None
    if env is None:
        env = make_environment(formatter, templates, auto_reload=memo is not None)
        if memo is not None:
            memo[env_key] = env
    r = Renderer(
        site,
        figures,
        charts,
        formatter,
        env,
        ContentMarkdown(),
        frozenset(c.code for c in figures.countries),
        data,
        memo,
    )
    _ = formatter.gettext
    pages: list[OutputPage] = []
    add = pages.append
    corrections = sorted(
        ((op, c) for op in site.operations for c in op.corrections),
        key=lambda pair: (pair[1].date, pair[0].id),
        reverse=True,
    )
    latest = figures.periods[0] if figures.periods else None
    add(
        OutputPage(
            "index.md",
            site.title,
            site.description or site.title,
            r.render(
                "home.html",
                "index.md",
                latest=latest,
                all_time=figures.all_time,
                first_period=site.periods[-1].span if site.periods else None,
                charts=charts.home,
                corrections=corrections[:5],
            ),
            hide=("toc",),
        )
    )
    pages += _report_pages(r)
    pages += _operation_pages(r)
    pages += _country_pages(r)
    add(
        OutputPage(
            "corrections.md",
            _("Corrections"),
            _("Every correction made to a published figure, newest first."),
            r.render("corrections.html", "corrections.md", corrections=corrections),
        )
    )
    fields = [{"name": f.name, "label": f.kind.label, "required": f.required, "doc": f.doc} for f in OPERATION.fields]
    add(
        OutputPage(
            "data/index.md",
            _("Data"),
            _("Download every network as CSV, JSON and more, with field documentation."),
            r.render("data.html", "data/index.md", downloads=data.downloads, fields=fields, columns=data.columns),
        )
    )
    for page in site.pages:
        add(
            OutputPage(
                f"{page.slug}.md",
                page.title,
                _first_sentence(page.body),
                r.render("page.html", f"{page.slug}.md", body=r.markdown.render(page.body, anchors=True)),
            )
        )
    nav = _navigation(site, formatter)
    extra = {"feeds": [{"title": shell_text(title), "href": path} for title, path in data.feeds]}
    files = {**charts.files, **redirect_files(site)}
    return PageTree(tuple(pages), dict(sorted(files.items())), nav, extra)


def _report_pages(r: Renderer) -> list[OutputPage]:
    site, figures, _ = r.site, r.figures, r.formatter.gettext
    pages = []
    by_year: dict[int, list] = {}
    for row in figures.periods:
        by_year.setdefault(row.period.span.start.year, []).append(row)
    year_pages = site.cadence != "year"
    pages.append(
        OutputPage(
            "reports/index.md",
            _("Reports"),
            _("All periodic reports, newest first."),
            r.render("reports_index.html", "reports/index.md", years=list(by_year.items()), year_pages=year_pages),
        )
    )
    if year_pages:
        for year, rows in by_year.items():
            path = f"reports/{year}/index.md"
            pages.append(
                OutputPage(
                    path,
                    str(year),
                    _("All periodic reports for %(year)s, newest first.") % {"year": year},
                    r.render("reports_index.html", path, years=[(year, rows)], year_pages=False),
                )
            )
    names = [p.name for p in site.periods]
    for index, row in enumerate(figures.periods):
        period = row.period
        path = f"reports/{period.name}.md"
        pages.append(
            OutputPage(
                path,
                period.title,
                _first_sentence(period.intro) or period.title,
                r.render(
                    "report.html",
                    path,
                    period=period,
                    figures=row,
                    intro=r.markdown.render(period.intro),
                    charts=r.charts.periods.get(period.name, ()),
                    downloads=r.data.period_downloads.get(period.name, ()),
                    citation=citation(
                        site, period.title, f"{site.base_url}reports/{period.name}/", period.published.year
                    ),
                    bibtex=bibtex(
                        site,
                        period.title,
                        f"{site.base_url}reports/{period.name}/",
                        period.published.year,
                        f"report-{period.name}",
                    ),
                    previous=site.periods[index + 1] if index + 1 < len(names) else None,
                    next=site.periods[index - 1] if index > 0 else None,
                ),
            )
        )
    return pages


def citation(site: Site, title: str, url: str, year: int) -> str:
    return f"{site.platform} ({year}). {title}. {site.title}. {url} (accessed {site.today.isoformat()})."


_BIBTEX_SPECIAL = str.maketrans("", "", "{}\\")
"""BibTeX reads { } \\ specially: they are dropped rather than emit something that breaks parsing."""


def bibtex(site: Site, title: str, url: str, year: int, key: str) -> str:
    def braced(text: str) -> str:
        return text.translate(_BIBTEX_SPECIAL)

    return (
        f"@misc{{{key.replace('-', '_')},\n"
        f"  author = {{{{{braced(site.platform)}}}}},\n"
        f"  title = {{{braced(title)}}},\n"
        f"  howpublished = {{{braced(site.title)}}},\n"
        f"  year = {{{year}}},\n"
        f"  url = {{{url}}},\n"
        f"  urldate = {{{site.today.isoformat()}}}\n"
        "}"
    )


def _operation_pages(r: Renderer) -> list[OutputPage]:
    site = r.site
    ops = site.operations
    by_id = {op.id: op for op in ops}
    pages = []
    published = {p.name: p.published.year for p in site.periods}
    memo = r.memo_for("operations")
    for index, op in enumerate(ops):
        year = published.get(op.period.name, op.period.end.year)
        previous = ops[index - 1] if index > 0 else None
        following = ops[index + 1] if index + 1 < len(ops) else None
        related = [by_id[i] for i in op.related if i in by_id]
        pages.append(memo.page(_operation_key, _operation_page, r, op, year, related, previous, following))
    memo.forget_unused()
    return pages


def _operation_key(
    r: Renderer,
    op: Operation,
    year: int,
    related: list[Operation],
    previous: Operation | None,
    following: Operation | None,
) -> Hashable:
    """Everything a network's page shows: an edit to any of it makes the page again."""
    site = r.site
    return (
        op,
        year,
        previous and (previous.id, previous.title),
        following and (following.id, following.title),
        tuple((o.id, o.title, o.takedown) for o in related),
        r.country_pages,
        r.data.operation_json.get(op.id),
        (site.today, site.title, site.platform, site.base_url),
    )


def _operation_page(
    r: Renderer,
    op: Operation,
    year: int,
    related: list[Operation],
    previous: Operation | None,
    following: Operation | None,
) -> OutputPage:
    site, path = r.site, f"operations/{op.id}.md"
    return OutputPage(
        path,
        op.title,
        _first_sentence(op.summary),
        r.render(
            "operation.html",
            path,
            op=op,
            summary=r.markdown.render(op.summary),
            related=related,
            country_pages=r.country_pages,
            citation=citation(site, op.title, f"{site.base_url}operations/{op.id}/", year),
            bibtex=bibtex(site, op.title, f"{site.base_url}operations/{op.id}/", year, op.id),
            json_path=r.data.operation_json.get(op.id),
            previous=previous,
            next=following,
        ),
    )


def _country_pages(r: Renderer) -> list[OutputPage]:
    _ = r.formatter.gettext
    pages = [
        OutputPage(
            "countries/index.md",
            _("Countries"),
            _("Every country in this archive, as origin and as target."),
            r.render("countries_index.html", "countries/index.md", countries=r.figures.countries),
        )
    ]
    memo = r.memo_for("countries")
    for country in r.figures.countries:
        charts = r.charts.countries.get(country.code, ())
        pages.append(memo.page(_country_key, _country_page, r, country, charts))
    memo.forget_unused()
    return pages


def _country_key(r: Renderer, country: CountryFigures, charts: tuple) -> Hashable:
    return (country, tuple(c.svg_path for c in charts), r.site.today, r.site.title)


def _country_page(r: Renderer, country: CountryFigures, charts: tuple) -> OutputPage:
    _ = r.formatter.gettext
    path = f"countries/{country.code.lower()}.md"
    name = r.formatter.country(country.code)
    return OutputPage(
        path,
        name,
        _("Networks operated from or targeting %(country)s.") % {"country": name},
        r.render("country.html", path, figures=country, name=name, charts=charts),
    )


def _navigation(site: Site, formatter: Formatter) -> list[Any]:
    _ = formatter.gettext
    reports: list[Any] = [{_("All reports"): "reports/index.md"}]
    if site.cadence == "year":
        reports += [{formatter.span(p.span): f"reports/{p.name}.md"} for p in site.periods]
    else:
        # Years only: period pages are reached from their year's page, keeping the sidebar short
        years = sorted({p.span.start.year for p in site.periods}, reverse=True)
        reports += [{str(y): f"reports/{y}/index.md"} for y in years]
    nav: list[Any] = [
        {_("Home"): "index.md"},
        {_("Reports"): reports},
        {_("Countries"): "countries/index.md"},
        {_("Data"): "data/index.md"},
        {_("Corrections"): "corrections.md"},
    ]
    nav += [{p.title: f"{p.slug}.md"} for p in site.pages]
    return _escaped_labels(nav)


def _escaped_labels(nav: list[Any]) -> list[Any]:
    """The navigation with every label passed through `shell_text`."""
    return [
        {shell_text(label): _escaped_labels(target) if isinstance(target, list) else target}
        for entry in nav
        for label, target in entry.items()
    ]
