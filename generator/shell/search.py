"""Search: Pagefind's index of the site, in pagefind/. Only each page's article is indexed
(`data-pagefind-body` in main.html; prev/next links, tables and citations carry
`data-pagefind-ignore`) and a search loads only the index chunks its words need.

Pagefind reads a copy of each page cut down to its <html> tag and its article, written while the
pages are made: that is all of a page it indexes (the index is byte-identical to one made from
the full pages, which are two thirds theme), so it parses a quarter of the bytes. It runs in its
own process while the build goes on writing the site's other files, and its output joins the
site through `Output` like every other file. Pagefind's own UI bundles are left out:
assets/javascripts/site.js shows results in the theme's search dialog.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from generator.shell.output import Output

_ARTICLE = re.compile(r"<article\b[^>]*\sdata-pagefind-body\b[^>]*>.*?</article>", re.S)
_HTML_TAG = re.compile(r"<html\b[^>]*>", re.I)
_UNUSED = re.compile(r"pagefind-(?:.*ui.*|highlight)\.(?:js|css)")
"""Pagefind's UI bundles and highlighter, which the site does not load."""


class SearchIndex:
    """Pages are added as they are finished (`add`); `start` runs Pagefind over them in the
    background and `finish` waits for it and writes its index through `output`."""

    def __init__(self, work: Path) -> None:
        self.source = work / "search-pages"
        self.index = work / "search-index"
        for folder in (self.source, self.index):
            shutil.rmtree(folder, ignore_errors=True)
        self.source.mkdir(parents=True)
        self.process: subprocess.Popen[str] | None = None
        self._folders: set[Path] = set()

    def add(self, relative: str, html: str) -> None:
        """Keep what Pagefind reads of the page at `relative` (e.g. `operations/x/index.html`)."""
        article = _ARTICLE.search(html)
        if article is None:
            return  # no data-pagefind-body: the page is not indexed
        tag = _HTML_TAG.search(html)
        target = self.source / relative
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        head = f'{tag.group(0) if tag else "<html>"}<head><meta charset="utf-8"></head><body>'
        target.write_text(head + article.group(0) + "</body></html>", encoding="utf-8")

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pagefind",
                "--silent",
                "--site",
                str(self.source),
                "--output-path",
                str(self.index),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def finish(self, output: Output) -> None:
        assert self.process is not None
        said, _ = self.process.communicate()
        if self.process.returncode != 0:
            raise RuntimeError(f"Pagefind could not index the site: {said.strip()}")
        for path in sorted(self.index.rglob("*")):
            if path.is_file() and not _UNUSED.fullmatch(path.name):
                output.write("pagefind/" + path.relative_to(self.index).as_posix(), path.read_bytes())

    def close(self) -> None:
        """Stop Pagefind if it still runs (the build failed before `finish`)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
