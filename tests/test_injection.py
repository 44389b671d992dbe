"""No content field can put a script on the site: Markdown is rendered without raw HTML or unsafe
links, templates autoescape, and every value handed to the (non-escaping) MkDocs theme is escaped.

The property test feeds hostile strings into every text field and renders the page tree directly
(fast); two full builds, one clean and one hostile, compare what the finished pages execute.
"""

from __future__ import annotations

import json
import re
import tempfile
from datetime import date
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from generator.aggregate import aggregate
from generator.build import build_site
from generator.charts import Chart, ChartRenderer, build_charts
from generator.exports import build_exports
from generator.i18n import Formatter
from generator.model import build_model
from generator.pages import TEMPLATES, ContentMarkdown, DataLinks, build_pages, make_environment, page_source
from generator.validate import validate_content
from tests.conftest import write_file
from tests.sitecheck import text_of

TODAY = date(2026, 11, 23)
REPO = Path(__file__).resolve().parent.parent

# --- what a page executes ----------------------------------------------------------------------

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "data", "xlink:href", "background", "cite"}
DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "base", "form", "frame", "frameset", "applet", "meta", "link"}
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]")


def scheme_of(url: str) -> str:
    """The scheme a browser would see: it drops ASCII whitespace and controls, ignores case."""
    cleaned = _IGNORED_IN_URLS.sub("", url).lower()
    return cleaned.split(":", 1)[0] if re.match(r"[a-z][a-z0-9+.-]*:", cleaned) else ""


class Executable(HTMLParser):
    """What in a page can run code: scripts, event handlers, script URLs, and tags that load or
    redirect (whose number must not grow)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple[str, str]] = []
        """(src, inline text) of every <script>."""
        self.handlers: list[str] = []
        self.script_urls: list[str] = []
        self.tags: dict[str, int] = {}
        self.data_blocks: list[str] = []
        """Text of every <script type="application/json"> and <template>: data the browser never runs."""
        self._inline: list[str] | None = None
        self._data = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        data = tag == "script" and dict(attrs).get("type") == "application/json"
        if tag in DANGEROUS_TAGS and not data:
            self.tags[tag] = self.tags.get(tag, 0) + 1
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}={value!r}>")
            if value and (name in URL_ATTRIBUTES or name == "content" and tag == "meta"):
                target = value.split("url=", 1)[-1] if name == "content" else value
                if scheme_of(target) in ("javascript", "vbscript", "data") and not (
                    tag == "img" and scheme_of(target) == "data"
                ):
                    self.script_urls.append(f"<{tag} {name}={value!r}>")
        if tag == "script" or tag == "template":
            self._inline = []
            self._data = data or tag == "template"
            if not self._data:
                self.scripts.append((dict(attrs).get("src") or "", ""))

    def handle_data(self, data: str) -> None:
        if self._inline is not None:
            self._inline.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "template") and self._inline is not None:
            if self._data:
                self.data_blocks.append("".join(self._inline))
            else:
                self.scripts[-1] = (self.scripts[-1][0], "".join(self._inline))
            self._inline = None


def executable(html: str) -> Executable:
    parser = Executable()
    parser.feed(html)
    parser.close()
    return parser


def assert_runs_nothing(html: str, where: str) -> None:
    found = executable(html)
    assert found.scripts == [], where
    assert found.handlers == [], where
    assert found.script_urls == [], where
    assert found.tags == {}, where
    assert_data_blocks_are_closed_json(found, where)


def assert_data_blocks_are_closed_json(found: Executable, where: str) -> None:
    """Embedded JSON is whole (nothing closed its <script> early) and holds no raw `<`."""
    for block in found.data_blocks:
        json.loads(block)
        assert "<" not in block, where


# --- Markdown --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "markdown",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "<a href='javascript:alert(1)'>x</a>",
        "<iframe src=https://example.org></iframe>",
        "<!-- comment --><style>body{}</style>",
        "</p><svg onload=alert(1)>",
        "text <b onmouseover=alert(1)>bold</b>",
    ],
)
def test_raw_html_in_markdown_is_shown_as_text(markdown):
    html = str(ContentMarkdown().render(markdown))
    assert_runs_nothing(html, html)
    assert markdown.split(">")[0] in text_of(html)  # the reader sees what the editor typed


UNSAFE_LINKS = [
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](<java\tscript:alert(1)>)",
    "[x](java&#x09;script:alert(1))",
    "[x](java&Tab;script:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;&#x61;vascript:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x]( javascript:alert(1))",
    "[x](%6Aavascript:alert(1))",
    "[x](\x01javascript:alert(1))",
    "[x](javascript\u2028:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](DATA:text/html,<script>alert(1)</script>)",
    "[x](vbscript:msgbox(1))",
    "[x](VBScript:msgbox(1))",
    "[x](file:///etc/passwd)",
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "[x][r]\n\n[r]: <java\tscript:alert(1)>",
    '[x](https://example.org "t" onmouseover="alert(1)")',
]


@pytest.mark.parametrize("markdown", UNSAFE_LINKS)
def test_script_and_data_links_in_markdown_are_not_links(markdown):
    html = str(ContentMarkdown().render(markdown))
    assert_runs_nothing(html, html)
    assert not re.search(r'(href|src)="(?!https?:)', html), html


@pytest.mark.parametrize(
    ("markdown", "href"),
    [
        ("[x](https://example.org/a?b=1&c=2)", "https://example.org/a?b=1&amp;c=2"),
        ("[x](http://example.org/)", "http://example.org/"),
        ("[x](mailto:press@example.org)", "mailto:press@example.org"),
        ("[x](../reports/2024-q1/)", "../reports/2024-q1/"),
        ("[x](#sources)", "#sources"),
        ("<https://example.org/>", "https://example.org/"),
    ],
)
def test_ordinary_links_stay_links(markdown, href):
    assert f'href="{href}"' in str(ContentMarkdown().render(markdown))


# --- templates -------------------------------------------------------------------------------------


def test_the_page_templates_autoescape_every_value():
    env = make_environment(Formatter("en"))
    assert env.autoescape is True
    rendered = env.from_string("{{ value }}").render(value='<script>"x"</script>')
    assert rendered == "&lt;script&gt;&#34;x&#34;&lt;/script&gt;"


def test_no_template_marks_a_value_safe_or_turns_autoescape_off():
    offenders = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for pattern in (r"\|\s*safe\b", r"autoescape\s+false", r"Markup\s*\("):
            offenders += [f"{path.relative_to(REPO)}: {m.group(0)}" for m in re.finditer(pattern, text)]
    assert offenders == []


def test_only_the_markdown_renderer_builds_markup_in_python():
    """A `Markup(...)` elsewhere would pass a value into a page unescaped."""
    found = [
        f"{path.relative_to(REPO)}:{number}"
        for path in sorted((REPO / "generator").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"\bMarkup\(", line)
    ]
    assert found == ["generator/pages.py:" + str(_markup_line())]


def _markup_line() -> int:
    lines = (REPO / "generator/pages.py").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if "return Markup(self.md.renderer.render(" in line)


def test_json_is_embedded_only_whole_in_data_elements_through_tojson():
    """`tojson` writes `<`, `>`, `&` and `'` as \\u escapes, so no value can end the element early."""
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        whole = re.findall(r'<(?:script type="application/json"|template)\b[^>]*>\{\{ [\w.]+\|tojson \}\}</', text)
        assert len(whole) == len(re.findall(r"\btojson\b", text)), path


def test_a_chart_spec_cannot_end_the_element_that_carries_it():
    env = make_environment(Formatter("en"))
    attack = "</script><script>alert(1)</script><!--"
    chart = Chart(attack, attack, attack, attack, "assets/charts/x.svg", (attack,), ((attack,),), {"title": attack})
    html = env.get_template("partials/chart.html").render(chart=chart, root="../")
    found = executable(html)
    assert found.scripts == [] and found.handlers == []
    assert [json.loads(block) for block in found.data_blocks] == [{"title": attack}]


# --- hostile strings in every text field ---------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</script><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</textarea></style></noscript><script>alert(1)</script>",
    "{{ 12345*6789 }}",
    "{% raw %}",
    "{% endraw %}{{ config }}",
    "${alert(1)}",
    "[x](javascript:alert(1))",
    "![x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "<javascript:alert(1)>",
    "[x](data:text/html,<script>alert(1)</script>)",
    "[x]: vbscript:msgbox(1)\n\n[x]",
    "<a href=javascript:alert(1)>x</a>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "<base href=//example.org/>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;",
    "\u2028\u2029",
    "\u202e\ufeff\u200b",
    "<!--",
    "]]><![CDATA[",
    '" onmouseover="alert(1)',
    "\\",
    "---\ntitle: x\n---",
    "# heading\n\n- item",
    "x" * 6000,
]

FIELDS = {
    # field: (maximum length, Markdown?)
    "site_title": (120, False),
    "site_description": (300, False),
    "platform": (80, False),
    "title": (200, False),
    "narrative": (200, False),
    "summary": (5000, True),
    "source_title": (300, False),
    "actor": (300, False),
    "correction": (1000, False),
    "intro_title": (200, False),
    "intro": (8000, True),
    "page_title": (200, False),
    "page_body": (8000, True),
}

# Control characters are refused by validation (tests/test_hostile.py), so they never reach a page.
_pieces = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff"), max_size=30),
    st.sampled_from(["\n", "\t", " ", "\r\n"]),
)
hostile_text = st.lists(_pieces, min_size=1, max_size=4).map("".join)


def fit(value: str, field: str) -> str:
    """The value as the field accepts it: starts with a letter, within its length."""
    limit, markdown = FIELDS[field]
    text = ("x " + value)[:limit]
    return text if markdown else text.rstrip() or "x"


def quoted(text: str) -> str:
    """A YAML double-quoted scalar holding exactly `text` (escapes for anything not printable)."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char.isprintable() and char not in "\x85\u2028\u2029\ufeff":
            out.append(char)
        else:
            out.append(f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}")
    return '"' + "".join(out) + '"'


def write_hostile_content(root: Path, values: dict[str, str]) -> Path:
    """A valid content folder whose every text field holds the given value."""
    v = {field: fit(value, field) for field, value in values.items()}
    content = root / "content"
    write_file(
        content / "site.yaml",
        f"platform: {quoted(v['platform'])}\ntitle: {quoted(v['site_title'])}\n"
        f"description: {quoted(v['site_description'])}\n"
        "base_url: https://example.org/t/\ncadence: quarter\nlanguage: en\n",
    )
    write_file(
        content / "operations/2024/2024-05-ir-uk-us.yaml",
        "id: 2024-05-ir-uk-us\n"
        f"title: {quoted(v['title'])}\n"
        "status: published\ntakedown: 2024-05\norigin: [IR]\ntargets: [GB, US]\ndetection: internal\n"
        "accounts: 65\nfollowers: 116612\n"
        f"narratives: [{quoted(v['narrative'])}]\n"
        f"summary: {quoted(v['summary'])}\n"
        f"attribution: {{actor: {quoted(v['actor'])}, country: [IR]}}\n"
        f"sources:\n  - title: {quoted(v['source_title'])}\n    url: https://example.org/report\n"
        f"corrections:\n  - date: 2024-08-01\n    note: {quoted(v['correction'])}\n",
    )
    write_file(
        content / "reports/2024-q2.md",
        f"---\ntitle: {quoted(v['intro_title'])}\npublished: 2024-07-15\n---\n{v['intro']}\n",
    )
    write_file(content / "pages/about.md", f"---\ntitle: {quoted(v['page_title'])}\n---\n{v['page_body']}\n")
    return content


def shell_values(tree) -> list[str]:
    """Every text the page tree hands to the MkDocs theme, which prints it without escaping."""
    values = []
    for page in tree.pages:
        front = page_source(page).split("---\n", 2)[1]
        meta = yaml.safe_load(front)
        values += [meta["title"], meta["description"]]

    def labels(nav):
        for entry in nav:
            for label, target in entry.items():
                values.append(label)
                if isinstance(target, list):
                    labels(target)

    labels(tree.nav)
    values += [feed["title"] for feed in tree.extra.get("feeds", ())]
    return values


@pytest.fixture(scope="module")
def chart_cache(tmp_path_factory) -> Path:
    """One chart cache for the session: the small sites these tests build share their charts."""
    return tmp_path_factory.getbasetemp() / "charts"


@settings(
    max_examples=25,
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),  # shrinking 13 fields would take minutes
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.fixed_dictionaries({field: hostile_text for field in FIELDS}))
@example({field: '"><img src=x onerror=alert(1)></title><script>alert(1)</script>' for field in FIELDS})
@example({field: "[x](javascript:alert(1)) {{ 12345*6789 }} \u2028" for field in FIELDS})
def test_hostile_text_in_any_field_adds_no_script_handler_or_script_url(chart_cache, values):
    with tempfile.TemporaryDirectory() as folder:
        content = write_hostile_content(Path(folder), values)
        checked = validate_content(content, TODAY)
        assert checked.ok, checked.problems
    site = build_model(checked, TODAY)
    figures = aggregate(site)
    formatter = Formatter(site.language)
    charts = build_charts(site, figures, formatter, ChartRenderer(chart_cache))
    exports = build_exports(site, figures, formatter)
    tree = build_pages(site, figures, charts, formatter, data=DataLinks(feeds=exports.feeds))
    assert len(tree.pages) >= 10
    for page in tree.pages:
        assert_runs_nothing(page_source(page), page.path)
        assert "83810205" not in page.body  # `{{ 12345*6789 }}` was never evaluated
    for path, data in tree.files.items():
        if path.endswith(".svg"):
            assert_runs_nothing(data.decode("utf-8"), path)
    for value in shell_values(tree):
        assert not set(value) & set('<>"'), value


# --- full builds: what the finished pages execute ------------------------------------------------

FIXED_ATTACK = '"><img src=x onerror=alert(1)></title><script>alert(1)</script>{{ 12345*6789 }}'
MARKDOWN_ATTACK = FIXED_ATTACK + "\n\n[a](javascript:alert(1)) ![i](&#106;avascript:alert(1)) <javascript:alert(1)>\n"


def page_files(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(site.rglob("*"))
        if p.suffix in (".html", ".svg", ".xml")
    }


def build_with(tmp_path: Path, name: str, values: dict[str, str], cache: Path) -> dict[str, str]:
    content = write_hostile_content(tmp_path / name, values)
    result = build_site(content, tmp_path / name / "site", TODAY, cache_dir=cache)
    assert result.ok, result.problems
    return page_files(tmp_path / name / "site")


def compare_with_clean_build(clean: dict[str, str], hostile: dict[str, str]) -> list[str]:
    """What a hostile page executes beyond what the same page of the clean build does."""
    assert clean.keys() == hostile.keys()
    gained = []
    for path, html in hostile.items():
        before, after = executable(clean[path]), executable(html)
        gained += [f"{path}: script {s}" for s in after.scripts if s not in before.scripts]
        gained += [f"{path}: {h}" for h in after.handlers if h not in before.handlers]
        gained += [f"{path}: {u}" for u in after.script_urls if u not in before.script_urls]
        gained += [f"{path}: more <{t}>" for t, n in after.tags.items() if n > before.tags.get(t, 0)]
        assert_data_blocks_are_closed_json(after, path)
        if "83810205" in html:
            gained.append(f"{path}: a template expression in the content was evaluated")
    return gained


@pytest.fixture(scope="module")
def clean_build(tmp_path_factory, chart_cache) -> dict[str, str]:
    values = {field: "Plain words" for field in FIELDS}
    return build_with(tmp_path_factory.mktemp("clean"), "clean", values, chart_cache)


def test_hostile_record_intro_and_page_add_nothing_executable_to_the_built_site(clean_build, chart_cache, tmp_path):
    values = {field: "Plain words" for field in ("site_title", "site_description", "platform")}
    values |= {field: MARKDOWN_ATTACK if FIELDS[field][1] else FIXED_ATTACK for field in FIELDS if field not in values}
    hostile = build_with(tmp_path, "hostile", values, chart_cache)
    assert compare_with_clean_build(clean_build, hostile) == []
    html = hostile["operations/2024-05-ir-uk-us/index.html"]
    # shown as text, escaped once: in the page, its <title> and its description
    assert "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;{{ 12345*6789 }}" in html
    assert [path for path, page in hostile.items() if "&amp;lt;" in page] == []  # nowhere escaped twice
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)  # up to the first </title>
    assert unescape(title).startswith('x "><img src=x onerror=alert(1)></title><script>')  # escaped once


def test_hostile_site_settings_add_nothing_executable_to_the_built_site(clean_build, chart_cache, tmp_path):
    values = {field: "Plain words" for field in FIELDS}
    values |= {field: FIXED_ATTACK for field in ("site_title", "site_description", "platform")}
    hostile = build_with(tmp_path, "hostile-site", values, chart_cache)
    assert compare_with_clean_build(clean_build, hostile) == []
