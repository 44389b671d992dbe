"""Search: Pagefind's index of the built site."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


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
