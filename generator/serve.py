"""Live preview: builds the site into a temporary folder, serves it on localhost, rebuilds on any
change in the content folder or the templates, and reloads open pages. When the content has
errors, every page shows them (escaped) instead of the site, until they are fixed.
"""

from __future__ import annotations

import html
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from tempfile import TemporaryDirectory
from urllib.parse import parse_qs, urlsplit

from generator.build import BuildResult, build_site
from generator.errors import Problem, render_text
from generator.pages import TEMPLATES

RELOAD_JS = b"""(function () {
  var version = document.currentScript.getAttribute("data-version");
  function poll() {
    fetch("/__livereload?v=" + version).then(function (r) { return r.text(); }).then(function (t) {
      if (t !== version) { location.reload(); } else { poll(); }
    }).catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
"""
RELOAD_SCRIPT = '<script src="/__livereload.js" data-version="%d"></script>'
"""Loaded from the preview server itself, so the site's Content-Security-Policy allows it."""


class Preview:
    """The state shared by the watcher and the HTTP handlers."""

    def __init__(self, content: Path, out: Path, as_of: date | None) -> None:
        self.content = content
        self.out = out
        self.as_of = as_of
        self.version = 0
        self.result: BuildResult | None = None
        self.changed = threading.Condition()
        self.state: dict = {}
        """Parsed records and rendered pages kept between rebuilds (see build_site)."""

    def today(self) -> date:
        from generator.cli import resolve_today

        return resolve_today(self.as_of)

    def rebuild(self) -> BuildResult:
        started = time.perf_counter()
        try:
            result = build_site(
                self.content,
                self.out,
                self.today(),
                cache_dir=self.out.parent / "cache",
                preview=True,
                state=self.state,
            )
        except Exception as exc:  # a template error while editing must not stop the preview
            result = BuildResult(
                ok=False, problems=[Problem("build", 0, 0, f"build failed: {exc!r}", "", "build-failed")]
            )
        result.timings["total"] = time.perf_counter() - started
        with self.changed:
            self.result = result
            self.version += 1
            self.changed.notify_all()
        return result

    def wait_for_change(self, seen: int, timeout: float = 25.0) -> int:
        with self.changed:
            self.changed.wait_for(lambda: self.version != seen, timeout=timeout)
            return self.version

    def error_page(self) -> bytes:
        assert self.result is not None
        items = "\n".join(f"<li><pre>{html.escape(render_text(p))}</pre></li>" for p in self.result.problems)
        count = len(self.result.problems)
        return (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<title>Content errors</title><style>body{font-family:sans-serif;margin:2em;max-width:60em}"
            "h1{color:#b00020}li{margin:.5em 0}pre{white-space:pre-wrap;background:#fff3f3;padding:.6em}"
            "</style></head><body>"
            f"<h1>{count} problem{'s' * (count != 1)} in the content</h1>"
            "<p>The preview shows the site again as soon as they are fixed.</p>"
            f"<ol>{items}</ol>{RELOAD_SCRIPT % self.version}</body></html>"
        ).encode()


class _Handler(SimpleHTTPRequestHandler):
    preview: Preview

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        parts = urlsplit(self.path)
        if parts.path == "/__livereload.js":
            self._send(RELOAD_JS, "text/javascript; charset=utf-8")
            return
        if parts.path == "/__livereload":
            seen = int(parse_qs(parts.query).get("v", ["0"])[0] or 0)
            self._send(str(self.preview.wait_for_change(seen)).encode(), "text/plain")
            return
        result = self.preview.result
        if result is not None and not result.ok:
            self._send(self.preview.error_page(), "text/html; charset=utf-8")
            return
        target = Path(self.translate_path(self.path))
        if target.is_dir():
            target = target / "index.html"
            if not target.is_file():  # never list a folder: a removed page is gone
                self.send_error(HTTPStatus.NOT_FOUND)
                return
        if target.suffix == ".html" and target.is_file():
            page = target.read_bytes()
            script = (RELOAD_SCRIPT % self.preview.version).encode()
            page = page.replace(b"</body>", script + b"</body>", 1)
            self._send(page, "text/html; charset=utf-8")
            return
        super().do_GET()

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def _watch(preview: Preview, paths: list[Path], stop: threading.Event, ready: threading.Event) -> None:
    from watchfiles import watch

    templates = [p.resolve() for p in paths[1:]]
    # Yields an empty set every 100 ms without changes: the first one says the watcher is in place.
    for changes in watch(*paths, stop_event=stop, debounce=50, step=20, yield_on_timeout=True, rust_timeout=100):
        ready.set()
        if not changes:
            continue
        if any(Path(changed).resolve().is_relative_to(t) for _, changed in changes for t in templates):
            preview.state.clear()  # a template change can alter every page
            shutil.rmtree(preview.out.parent / f".{preview.out.name}-preview", ignore_errors=True)
            shutil.rmtree(preview.out, ignore_errors=True)
        preview.rebuild()


@dataclass
class Running:
    """A preview being served: stop it with `close()`."""

    preview: Preview
    server: ThreadingHTTPServer
    stop: threading.Event
    threads: list[threading.Thread]

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/"

    def close(self) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()


def start_preview(
    content: Path, work: Path, host: str = "127.0.0.1", port: int = 0, as_of: date | None = None
) -> Running:
    """Build once, then serve `work/site` and rebuild on every change, in background threads."""
    out = work / "site"
    preview = Preview(content, out, as_of)
    preview.rebuild()
    out.mkdir(parents=True, exist_ok=True)
    handler = type("Handler", (_Handler,), {"preview": preview})
    server = ThreadingHTTPServer((host, port), partial(handler, directory=str(out)))
    stop, ready = threading.Event(), threading.Event()
    threads = [
        threading.Thread(target=_watch, args=(preview, [content, TEMPLATES], stop, ready), daemon=True),
        threading.Thread(target=server.serve_forever, daemon=True),
    ]
    for thread in threads:
        thread.start()
    ready.wait(timeout=10)  # an edit made as soon as this returns must not be missed
    return Running(preview, server, stop, threads)


def serve(content: Path, host: str, port: int, as_of: date | None, announce: Callable[[str], None]) -> int:
    with TemporaryDirectory(prefix="transparency-serve-") as work:
        running = start_preview(content, Path(work), host, port, as_of)
        result = running.preview.result
        state = "ok" if result and result.ok else f"{len(result.problems) if result else 0} problems"
        announce(f"serving {running.url} ({state}); Ctrl+C stops")
        try:
            running.stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            running.close()
    return 0
