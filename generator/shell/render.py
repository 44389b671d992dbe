"""Page rendering inside the MkDocs build: prebuilt HTML bodies (Python-Markdown skipped), and
every page compacted and given its Content-Security-Policy."""

from __future__ import annotations

import base64
import hashlib
import re
from types import MethodType
from typing import Any

import jinja2


class PrebuiltHtml:
    """MkDocs plugin: page bodies are already HTML, so Python-Markdown is skipped (building a
    Markdown parser per page and running it over large HTML blocks cost more than rendering them)
    and the table of contents is taken from the body's <h2 id> headings."""

    def on_pre_page(self, page, config, files):
        page.render = MethodType(_render_prebuilt, page)
        return page


class CompiledTemplates:
    """MkDocs plugin: the theme's templates compiled once and kept (Jinja's bytecode cache, in a
    folder or in memory for the preview) instead of compiled again in every build (0.4 s)."""

    def __init__(self, cache: Any) -> None:
        self.cache = cache

    def on_env(self, env, config, files):
        env.bytecode_cache = self.cache
        return env


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept in memory from one preview build to the next (each is stored with
    its source's checksum, so an edited template is compiled again)."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


_H2 = re.compile(r'<h2 id="([^"]+)">(.*?)</h2>', re.S)
_ID = re.compile(r'\sid="([^"]+)"')
_TAG = re.compile(r"<[^>]+>")


def toc_entries(body: str) -> tuple[tuple[str, str], ...]:
    """The table of contents of a prebuilt body: (anchor, title) of each <h2 id>, tags stripped."""
    return tuple((anchor, _TAG.sub("", name)) for anchor, name in _H2.findall(body))


def _render_prebuilt(page, config, files) -> None:
    """Page.render for a page whose Markdown source is the finished HTML body."""
    from mkdocs.structure.toc import get_toc

    body = page.markdown
    tokens = [
        {"level": 2, "id": anchor, "name": name, "html": name, "children": []} for anchor, name in toc_entries(body)
    ]
    page.content = body
    page.toc = get_toc(tokens)
    page.present_anchor_ids = set(_ID.findall(body))
    page.links_to_anchors = {}


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


Piece = tuple[str, str, str]
"""A piece of a page as (leading whitespace, the rest compacted, trailing whitespace)."""


def piece(text: str) -> Piece:
    """`text` made ready for `compact_join`."""
    core = text.strip()  # str.strip and the regexes' \s agree on what is whitespace
    if not core:
        return text, "", ""
    start = text.index(core[0])
    return text[:start], compact_html(core), text[start + len(core) :]


def compact_join(pieces: list[Piece]) -> str:
    """compact_html of the pieces' texts joined, computed piece by piece: exact when no <pre> or
    <textarea> block starts in one piece and ends in another. Whitespace runs across a join are
    compacted whole, as they are in the joined text."""
    out: list[str] = []
    pending = ""
    for lead, core, trail in pieces:
        if not core:
            pending += lead
            continue
        run = pending + lead
        out.append(_LINE_BREAKS.sub("\n", run) if run else "")
        out.append(core)
        pending = trail
    out.append(_LINE_BREAKS.sub("\n", pending))
    return "".join(out)


def whole_blocks(text: str) -> bool:
    """Whether every <pre>, <textarea> and <script> opened in `text` also closes in it (so that
    the piece can be compacted, and its scripts hashed, on its own)."""
    parts = _PREFORMATTED.split(text)
    if any(_BLOCK_OPEN.search(part) for part in parts[::2]):
        return False
    return len(_SCRIPT_OPEN.findall(text)) == len(_SCRIPT_CLOSE.findall(text)) == len(_SCRIPT_PAIR.findall(text))


_BLOCK_OPEN = re.compile(r"<(?:pre|textarea)[\s>]", re.I)
_SCRIPT_OPEN, _SCRIPT_CLOSE = re.compile(r"<script\b", re.I), re.compile(r"</script", re.I)
_SCRIPT_PAIR = re.compile(r"<script\b.*?</script", re.S | re.I)


def with_csp(html: str) -> str:
    """`html` with a Content-Security-Policy <meta> before anything that can run in its head, with
    the hash of each inline script."""
    head = _CHARSET.search(html) or _HEAD.search(html)  # after the charset, which must come first
    if head is None:
        return html
    return html[: head.end()] + csp_meta(html) + html[head.end() :]


def csp_meta(html: str) -> str:
    """The Content-Security-Policy <meta> for a page, with the hash of each of its inline scripts."""
    hashes = sorted(
        {
            "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
            for body in _INLINE_SCRIPT.findall(html)
        }
    )
    return f'\n<meta http-equiv="Content-Security-Policy" content="{CSP.format(hashes=" ".join(hashes))}">'


class FinishedPages:
    """MkDocs plugin: every rendered page, the 404 page included, compacted (`compact_html`) and
    given its Content-Security-Policy (`with_csp`)."""

    def on_post_page(self, output: str, page, config) -> str:
        return with_csp(compact_html(output))

    def on_post_template(self, output: str, template_name: str, config) -> str:
        return with_csp(compact_html(output)) if template_name.endswith(".html") else output
