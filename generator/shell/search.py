"""Search: Pagefind's index of the site, in pagefind/. Only each page's article is indexed
(`data-pagefind-body` in main.html; prev/next links, tables and citations carry
`data-pagefind-ignore`) and a search loads only the index chunks its words need.

Pagefind runs in its own process over the pages as soon as they are all written, while the build
goes on writing the site's other files; its output joins the site through `Output` like every
other file. Pagefind's own UI bundles are left out: assets/javascripts/site.js shows results in
the theme's search dialog.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from generator.shell.output import Output

_UNUSED = re.compile(r"pagefind-(?:.*ui.*|highlight)\.(?:js|css)")
"""Pagefind's UI bundles and highlighter, which the site does not load."""


class SearchIndex:
    """`start` runs Pagefind over a folder of finished pages in the background; `finish` waits
    for it and writes its index through `output`."""

    def __init__(self, work: Path) -> None:
        self.index = work / "search-index"
        shutil.rmtree(self.index, ignore_errors=True)
        self.process: subprocess.Popen[str] | None = None

    def start(self, site: Path) -> None:
        """Index the HTML pages under `site` (none may be added or changed until `finish`)."""
        command = [sys.executable, "-m", "pagefind", "--silent", "--site", str(site), "--output-path", str(self.index)]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

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
