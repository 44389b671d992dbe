"""The site is swapped in whole or not at all: a build that fails, raises or is killed leaves the
previous site byte-identical, its leftovers do not disturb the next build, and the output folder is
never something the swap must not replace.

(A build failing on a bad record is test_build.py::test_a_failed_build_leaves_the_previous_site_untouched.)
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator import build, shell
from generator.build import build_site
from tests.conftest import AS_OF, REPO, TODAY, write_file


@pytest.fixture
def charts(tmp_path_factory) -> Path:
    """One chart cache for the session: the small sites these tests build share their charts."""
    return tmp_path_factory.getbasetemp() / "charts"


def digest(folder: Path) -> dict[str, str]:
    """Every file under `folder` (and every empty folder) by path, with its SHA-256."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
        for p in sorted(folder.rglob("*"))
        if p.is_file() or not any(p.iterdir())
    }


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith((".site-build-", ".site-old-")))


@pytest.fixture
def built(charts, content: Path) -> tuple[Path, dict[str, str]]:
    """The small content folder built once into `site`, and the digest of that site."""
    assert build_site(content, Path("site"), TODAY, cache_dir=charts).ok
    return content, digest(Path("site"))


def _raise(*args, **kwargs):
    raise RuntimeError("injected failure")


@pytest.mark.parametrize(
    ("module", "stage"),
    [
        ("generator.charts", "build_charts"),
        ("generator.exports", "build_exports"),
        ("generator.pages", "build_pages"),
        ("generator.build", "_exchange"),
    ],
)
def test_an_exception_in_any_stage_leaves_the_previous_site_byte_identical(charts, built, monkeypatch, module, stage):
    content, before = built
    write_file(content / "pages/about.md", "---\ntitle: About\n---\nChanged, so the new site would differ.\n")
    monkeypatch.setattr(importlib.import_module(module), stage, _raise)
    with pytest.raises(RuntimeError, match="injected failure"):
        build_site(content, Path("site"), TODAY, cache_dir=charts)
    assert digest(Path("site")) == before
    assert leftovers(Path(".")) == []


def test_a_shell_that_fails_half_way_leaves_the_previous_site_and_no_work_folder(charts, built, monkeypatch):
    content, before = built
    write_tree = shell.write_page_tree

    def write_then_fail(tree, docs, *args, **kwargs):
        write_tree(tree, docs, *args, **kwargs)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(shell, "write_page_tree", write_then_fail)
    result = build_site(content, Path("site"), TODAY, cache_dir=charts)
    assert not result.ok
    assert [(p.path, p.code, p.message) for p in result.problems] == [
        ("mkdocs", build.SHELL_FAILED, "site build failed: [Errno 28] No space left on device")
    ]
    assert digest(Path("site")) == before
    assert leftovers(Path(".")) == []


@pytest.mark.skipif(sys.platform != "linux", reason="renameat2(RENAME_EXCHANGE) is Linux's")
def test_a_rebuild_swaps_the_sites_in_one_atomic_exchange(charts, built, monkeypatch):
    content, _ = built
    calls = []
    exchange = build._exchange
    monkeypatch.setattr(build, "_exchange", lambda a, b: calls.append(exchange(a, b)) or calls[-1])
    write_file(content / "pages/about.md", "---\ntitle: About\n---\nNew words.\n")
    assert build_site(content, Path("site"), TODAY, cache_dir=charts).ok
    assert calls == [True]
    assert "New words." in Path("site/about/index.html").read_text(encoding="utf-8")
    assert leftovers(Path(".")) == []


def test_where_no_atomic_exchange_exists_two_renames_still_replace_the_site(charts, built, monkeypatch):
    content, _ = built
    monkeypatch.setattr(build, "_exchange", lambda a, b: False)
    write_file(content / "pages/about.md", "---\ntitle: About\n---\nNew words.\n")
    assert build_site(content, Path("site"), TODAY, cache_dir=charts).ok
    assert "New words." in Path("site/about/index.html").read_text(encoding="utf-8")
    assert leftovers(Path(".")) == []


DEAD_PID = 2**22 + 1
"""Above Linux's largest pid (4,194,304): no process can have it."""


def test_work_folders_of_killed_builds_are_removed_and_those_of_running_builds_kept(charts, built):
    content, _ = built
    for name in (f".site-build-{DEAD_PID}-x1", f".site-old-{DEAD_PID}-123", f".site-build-{os.getpid()}-x2"):
        write_file(Path(name) / "site/index.html", "half a site")
    write_file(Path(".site-build-unknown/site/index.html"), "not ours to judge")
    assert build_site(content, Path("site"), TODAY, cache_dir=charts).ok
    assert leftovers(Path(".")) == [f".site-build-{os.getpid()}-x2", ".site-build-unknown"]


# --- a build killed mid-way ------------------------------------------------------------------------


def synthetic_content(folder: Path, count: int) -> Path:
    spec = importlib.util.spec_from_file_location("synthetic", REPO / "bench/synthetic.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.write_synthetic_content(folder, count)


def test_a_build_killed_mid_way_leaves_the_previous_site_and_the_next_build_cleans_up(charts, built, tmp_path, request):
    content, before = built
    big = synthetic_content(tmp_path / "big", 1000)  # its shell stage lasts seconds: the kill lands in it
    # The synthetic charts never change: keep them between runs, where the build looks for its cache.
    if hasattr(request.config, "cache"):
        (tmp_path / ".cache").mkdir()
        kept = request.config.cache.mkdir("synthetic-charts")
        (tmp_path / ".cache" / "charts").symlink_to(kept, target_is_directory=True)
    env = {k: v for k, v in os.environ.items() if k != "CI"}  # CI=true would silence the progress lines
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "build", "--content", str(big), "--out", "site", "--as-of", AS_OF],
        stderr=subprocess.PIPE,
        text=True,
        env={**env, "PYTHONPATH": str(REPO)},
    )
    try:
        # Blocks until the page tree is ready: the work folder is created right after this line.
        for line in process.stderr:
            if line.startswith("pages"):
                break
        else:
            pytest.fail(f"the build ended before writing anything (exit code {process.wait()})")
        give_up = time.perf_counter() + 60  # a bound against hanging, not a measurement
        while not leftovers(Path(".")) and process.poll() is None and time.perf_counter() < give_up:
            os.sched_yield()
        killed = leftovers(Path("."))
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
        process.stderr.close()
    assert len(killed) == 1 and killed[0].startswith(f".site-build-{process.pid}-")  # killed mid-way
    assert digest(Path("site")) == before
    assert leftovers(Path(".")) == killed  # nothing cleaned up after SIGKILL...

    assert build_site(content, Path("site"), TODAY, cache_dir=charts).ok
    assert leftovers(Path(".")) == []  # ...until the next build, which does not mind it
    assert digest(Path("site")) == before


# --- output folders the swap must not replace -----------------------------------------------------


@pytest.mark.parametrize(
    ("out", "reason"),
    [
        (".", "it holds the content folder content"),
        ("content", "it is the content folder"),
        ("content/site", "it is inside the content folder content"),
        ("notes.txt", "it is a file"),
        ("documents", "it is not empty and is no site built by `transparency build` (it has no manifest.json)"),
    ],
)
def test_the_build_refuses_to_replace_a_folder_that_is_not_an_earlier_site(content, run_cli, out, reason):
    write_file(Path("notes.txt"), "my notes\n")
    write_file(Path("documents/letter.txt"), "dear editor\n")
    before = digest(Path("."))
    result = run_cli(["build", "--content", "content", "--out", out, "--as-of", AS_OF])
    assert result.code == 1
    assert result.err.splitlines() == [
        f"{out}: error: refusing to replace the output folder: {reason}",
        "  hint: build into a new or empty folder, e.g. --out site",
    ]
    assert digest(Path(".")) == before


def test_an_empty_folder_or_an_earlier_site_may_be_replaced(charts, content):
    Path("empty").mkdir()
    assert build_site(content, Path("empty"), TODAY, cache_dir=charts).ok
    assert build_site(content, Path("empty"), TODAY, cache_dir=charts).ok
    assert Path("empty/manifest.json").is_file()
