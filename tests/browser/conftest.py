"""Headless Chromium for browser tests, and the shipped site built and served on localhost.

Outside CI a missing Chromium skips these tests with the reason shown; with CI=true it fails.
"""

from __future__ import annotations

import os
import shutil
import threading
from datetime import date
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from generator.build import build_site

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 23)
SCREENSHOTS = REPO / "screenshots"


def _chromium_or_skip() -> str:
    if Path(CHROMIUM).exists() or shutil.which(CHROMIUM):
        return CHROMIUM
    reason = f"Chromium not found at {CHROMIUM} (install Debian's chromium package)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason + ": browser tests are required in CI")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    # per module, not per session: Playwright's sync API refuses to start while another instance
    # runs in the thread, and tests outside tests/browser/ (test_permalinks.py) start their own
    executable = _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield instance
        instance.close()


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def serve_folder(folder: Path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


@pytest.fixture(scope="session")
def site_url(tmp_path_factory):
    """The shipped content built once and served at http://127.0.0.1:<port>/."""
    out = tmp_path_factory.mktemp("browser") / "site"
    result = build_site(REPO / "content", out, TODAY, cache_dir=REPO / ".cache" / "charts")
    assert result.ok, result.problems
    server = serve_folder(out)
    yield f"http://127.0.0.1:{server.server_port}/", out
    server.shutdown()
