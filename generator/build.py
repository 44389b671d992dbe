"""Runs the stages in order (validate, model, aggregate, charts, pages, exports, shell), times each,
gathers everything in memory before writing, and swaps the new site in atomically: a failed
build leaves the previous output untouched.
"""

from __future__ import annotations

import ctypes
import gc
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from generator.errors import Problem
from generator.kinds import message
from generator.validate import validate_content

SHELL_FAILED = "shell-failed"


@dataclass
class BuildResult:
    ok: bool
    problems: list[Problem] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds per stage, in pipeline order."""
    counts: dict[str, int] = field(default_factory=dict)


class _Timer:
    def __init__(self, result: BuildResult, progress: Callable[[str], None] | None) -> None:
        self.result = result
        self.progress = progress
        self.start = time.perf_counter()

    def lap(self, stage: str, detail: str = "") -> None:
        now = time.perf_counter()
        self.result.timings[stage] = now - self.start
        self.start = now
        if self.progress:
            self.progress(f"{stage:<10} {self.result.timings[stage]:7.2f} s  {detail}")


def build_site(
    content: Path,
    out: Path,
    today: date,
    *,
    cache_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
    preview: bool = False,
    state: dict | None = None,
    strict: bool = False,
) -> BuildResult:
    """Build the site from `content` into `out`.

    With `preview` (the live preview), `out` is updated in place and its work folder kept beside
    it, and `state` carries parsed records and rendered pages from one build to the next, so only
    what changed is done again; the public build always starts afresh and swaps in a new tree.

    Python's cycle collector is paused meanwhile: the records, pages and files the build holds
    make no reference cycles worth collecting, and its passes over them cost a tenth of a large
    build (peak memory measured the same with and without)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _build_site(content, out, today, cache_dir, progress, preview, state, strict)
    finally:
        if was_enabled:
            gc.enable()


def _build_site(
    content: Path,
    out: Path,
    today: date,
    cache_dir: Path | None,
    progress: Callable[[str], None] | None,
    preview: bool,
    state: dict | None,
    strict: bool,
) -> BuildResult:
    result = BuildResult(ok=False)
    timer = _Timer(result, progress)
    state = {} if state is None else state
    unsafe = _output_problems(content, out)
    if unsafe:
        result.problems = unsafe
        return result
    checked = validate_content(content, today, cache=state.setdefault("records", {}) if preview else None)
    result.problems = list(checked.problems)
    timer.lap("validate", f"{checked.files} files")
    if not checked.ok or (strict and checked.problems):  # strict (CI): a warning fails the build too
        return result

    from generator.aggregate import aggregate
    from generator.exports import build_exports
    from generator.exports.csv import CSV_COLUMNS
    from generator.i18n import Formatter
    from generator.model import build_model
    from generator.pages import DataLinks, build_pages, public_urls
    from generator.shell import run_shell

    site = build_model(checked, today)
    result.counts.update(networks=len(site.operations), periods=len(site.periods), **site.dropped)
    timer.lap("model", f"{len(site.operations)} networks, {len(site.periods)} periods")
    figures = aggregate(site)
    timer.lap("aggregate", f"{len(figures.countries)} countries")
    formatter = Formatter(site.language)
    chart_cache = cache_dir or out.resolve().parent / ".cache" / "charts"
    charts, rendered, reused = _charts(
        site, figures, formatter, chart_cache, content, today, state if preview else None
    )
    result.counts.update(charts_rendered=rendered, charts_reused=reused)
    timer.lap("charts", f"{rendered} rendered, {reused} from cache")
    exports = build_exports(site, figures, formatter)
    timer.lap("exports", f"{len(exports.files)} files")
    data = DataLinks(
        downloads=exports.downloads,
        period_downloads=exports.period_downloads,
        operation_json=exports.operation_json,
        feeds=exports.feeds,
        columns=tuple({"name": c.name, "type": c.type, "description": c.description} for c in CSV_COLUMNS),
    )
    tree = build_pages(
        site, figures, charts, formatter, data=data, memo=state.setdefault("pages", {}) if preview else None
    )
    tree.files.update(exports.files)
    tree.files["manifest.json"] = manifest_json(public_urls(tree) + ["manifest.json"], today)
    result.counts["pages"] = len(tree.pages)
    timer.lap("pages", f"{len(tree.pages)} pages")

    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    if preview:
        work = out.parent / f".{out.name}-preview"
        shell = run_shell(site, tree, work, out, preview=True, written=state.setdefault("written", {}))
        result.problems += _shell_problems(shell.warnings)
        timer.lap("shell", "preview")
        result.ok = not shell.warnings
        return result
    _remove_leftovers(out)
    with tempfile.TemporaryDirectory(prefix=f".{out.name}-build-{os.getpid()}-", dir=out.parent) as work:
        staged = Path(work) / "site"
        try:
            compiled = chart_cache.parent / "templates"  # beside the chart cache
            shell = run_shell(site, tree, Path(work), staged, previous=out, compiled=compiled)
        except Exception as exc:  # the shell's own errors (strict warnings, theme errors) become a problem
            result.problems.append(Problem("mkdocs", 0, 0, f"site build failed: {exc}", "", SHELL_FAILED))
            return result
        if shell.warnings:
            result.problems += _shell_problems(shell.warnings)
            return result
        result.counts.update(pages_stamped=shell.stamped, pages_compared=shell.checked)
        timer.lap("shell", f"{sum(1 for _ in staged.rglob('*.html'))} HTML files, {shell.stamped} pages stamped")
        written = shell.written
        result.counts["files_changed"] = _swap_in(staged, out, written.written) + written.changed
    timer.lap("swap", f"{result.counts['files_changed']} files changed")
    result.ok = True
    return result


def _charts(site, figures, formatter, cache: Path, content: Path, today: date, state: dict | None):
    """The site's charts, and how many SVGs were rendered and taken from the cache. A public build
    whose inputs (content, day, code, libraries) equal the last one's reuses its chart set whole,
    without drawing; the preview keeps its own memo of each chart instead."""
    from generator import chartset

    key = None
    if state is None:
        key = chartset.inputs_key(content, today, site.language)
        kept = chartset.load(cache, key)
        if kept is not None:
            return kept, 0, len(kept.files)
    from generator.charts import ChartRenderer, build_charts

    renderer = ChartRenderer(cache)
    charts = build_charts(
        site, figures, formatter, renderer, memo=None if state is None else state.setdefault("charts", {})
    )
    if key is not None:
        chartset.save(cache, key, charts)
    return charts, renderer.rendered, renderer.reused


MISSING_URL = message("url-removed", "A URL of an earlier build would no longer exist.")


def _shell_problems(warnings: tuple[str, ...]) -> list[Problem]:
    """The shell's warnings as problems: the build is strict, any warning fails it."""
    return [Problem("mkdocs", 0, 0, warning, "", SHELL_FAILED, "error") for warning in warnings]


def check_manifest(checked, today: date, previous: Path) -> list[Problem]:
    """Problems for every URL of an earlier build's manifest that this content would no longer
    serve (a page, a redirect from a previous id, or a published file). `checked` is the content
    as `check` already validated it."""
    import json

    from generator.aggregate import aggregate
    from generator.exports import build_exports
    from generator.i18n import Formatter
    from generator.model import build_model
    from generator.pages import NoCharts, build_pages, public_urls

    shown = str(previous)
    try:
        old = json.loads(previous.read_text(encoding="utf-8"))["urls"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return [
            Problem(shown, 0, 0, f"cannot read the manifest: {exc}", "pass a manifest.json from a build", MISSING_URL)
        ]
    if not checked.ok:
        return []  # the content's own problems are reported by check itself
    site = build_model(checked, today)
    figures = aggregate(site)
    formatter = Formatter(site.language)
    exports = build_exports(site, figures, formatter)
    tree = build_pages(site, figures, NoCharts(), formatter)
    tree.files.update(exports.files)
    now = set(public_urls(tree)) | {"manifest.json"}
    return [
        Problem(
            shown,
            0,
            0,
            f"URL /{url} of the earlier build would no longer exist",
            "keep the record (ids are permanent), or list its old id under `previous_ids` of the record "
            "that replaces it",
            MISSING_URL,
        )
        for url in old
        if url not in now and not url.startswith(("assets/", "search/"))
    ]


def manifest_json(urls: list[str], today: date) -> bytes:
    """The list of every public URL of this build; `check --previous-manifest` compares against it."""
    import json

    return (json.dumps({"generated": today.isoformat(), "urls": sorted(urls)}, indent=1) + "\n").encode()


def _swap_in(staged: Path, out: Path, done: set[str] = frozenset()) -> int:  # type: ignore[assignment]
    """Replace `out` with `staged` by renames, so readers never see a half-written site.

    Files whose bytes did not change are carried over from the previous site as hard links, so
    they keep their inode and modification time: a rebuild with no change rewrites nothing that a
    web server, rsync or a CDN would see as changed. `done` are the files the shell already wrote
    that way (see shell.Output). Returns how many of the others did change."""
    from generator.shell.output import same_content

    changed = 0
    for folder, _, names in os.walk(staged):
        relative_folder = os.path.relpath(folder, staged)
        for name in names:
            relative = name if relative_folder == "." else f"{relative_folder}/{name}"
            if relative in done:
                continue
            path = Path(folder) / name
            if path.is_symlink():
                continue
            before = out / relative
            if out.is_dir() and same_content(before, path.read_bytes()):
                temporary = path.with_name(path.name + ".link")
                try:
                    os.link(before, temporary)
                    os.replace(temporary, path)
                    continue
                except OSError:  # another file system, or links not supported: keep the new copy
                    temporary.unlink(missing_ok=True)
            changed += 1
    if out.exists() and _exchange(staged, out):  # one atomic step: `staged` now holds the old site
        shutil.rmtree(staged, ignore_errors=True)
        return changed
    old = None
    if out.exists():  # two renames: for an instant there is no `out`
        old = out.with_name(f".{out.name}-old-{os.getpid()}-{time.monotonic_ns()}")
        out.rename(old)
    staged.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return changed


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 with RENAME_EXCHANGE); False where the
    system or the file system cannot, and the caller falls back to two renames."""
    if sys.platform != "linux":
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a C library without renameat2 (glibc < 2.28, musl < 1.2.6)
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


UNSAFE_OUTPUT = "unsafe-output"


def _output_problems(content: Path, out: Path) -> list[Problem]:
    """The output folder is replaced as a whole, so refuse one that holds anything but a site
    built here: `--out .` would otherwise delete the project and its content."""
    target, source = out.resolve(), content.resolve()
    if target == source:
        reason = "it is the content folder"
    elif source.is_relative_to(target):
        reason = f"it holds the content folder {content}"
    elif target.is_relative_to(source):
        reason = f"it is inside the content folder {content}"
    elif target.exists() and not target.is_dir():
        reason = "it is a file"
    elif target.is_dir() and any(target.iterdir()) and not (target / "manifest.json").is_file():
        reason = "it is not empty and is no site built by `transparency build` (it has no manifest.json)"
    else:
        return []
    hint = "build into a new or empty folder, e.g. --out site"
    return [Problem(str(out), 0, 0, f"refusing to replace the output folder: {reason}", hint, UNSAFE_OUTPUT)]


def _remove_leftovers(out: Path) -> None:
    """Delete the work folders of builds into `out` whose process is gone (killed mid-way): their
    names carry the process id. Folders of builds still running are left alone."""
    if os.name != "posix":  # os.kill(pid, 0) means something else on Windows
        return
    for kind in ("build", "old"):
        prefix = f".{out.name}-{kind}-"
        for folder in out.parent.glob(prefix + "*"):
            pid = folder.name[len(prefix) :].split("-", 1)[0]
            if pid.isdigit() and not _running(int(pid)):
                shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True
