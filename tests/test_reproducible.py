"""Two builds of the same input are byte-identical, whatever the working directory, the order the
content files were created in, their modification times and the state of the chart cache.

Extends test_build.py::test_two_builds_of_the_same_input_are_byte_identical (same folder, same
order) with everything that differs between two checkouts of the same commit.
"""

from __future__ import annotations

import gzip
import os
import random
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from generator.build import build_site
from tests.conftest import TODAY, record, write_content, write_file
from tests.test_atomic import digest

EPOCH = "1795392000"  # 2026-11-23 00:00 UTC


def copy_shuffled(source: Path, target: Path, seed: int) -> None:
    """Copy every file of `source` in a random order, each with its own modification time."""
    files = [p for p in source.rglob("*") if p.is_file()]
    random.Random(seed).shuffle(files)
    for number, path in enumerate(files):
        copy = target / path.relative_to(source)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, copy)
        stamp = 1_500_000_000 + seed * 10_000_000 + number * 7_919
        os.utime(copy, (stamp, stamp))


NETWORKS = [
    # id, takedown, origin, targets, extra lines
    ("2024-04-ru-doppelganger", "2024-04", "[RU]", "[DE, FR, US]", "related: [2024-05-ir-uk-us]\n"),
    ("2024-06-cn-spam-two", "2024-06-10", "[CN]", "[TW, JP]", "previous_ids: [2024-06-cn-old]\n"),
    ("2024-09-il-stoic", "2024-09", "[IL]", "[US, CA]", "corrections:\n  - date: 2024-11-02\n    note: Fixed.\n"),
    ("2024-08-ir-storm", "2024-q3", "[IR]", "[global]", "report: 2024-q3\nsurfaces: {pages: 4, groups: 2}\n"),
    ("2024-07-unknown-x", "2024-07", "[unknown]", "[GB]", "attribution: {actor: Unknown firm}\n"),
]


def varied_content(root: Path) -> Path:
    """The small content folder plus five networks over two quarters: redirects, corrections,
    related networks, surfaces, regions and unknown origins all reach the output."""
    content = write_content(root)
    for record_id, takedown, origin, targets, extra in NETWORKS:
        text = record(id=record_id, takedown=takedown, origin=origin, targets=targets, followers=None)
        write_file(content / f"operations/2024/{record_id}.yaml", text + extra)
    write_file(content / "reports/2024-q3.md", "---\ntitle: Q3 2024\npublished: 2024-10-15\n---\nFive networks.\n")
    return content


def build_in(source: Path, folder: Path, seed: int, cache: Path) -> Path:
    """`source` copied into `folder` (shuffled by `seed`) and built from there with relative paths."""
    copy_shuffled(source, folder / "content", seed)
    os.chdir(folder)
    result = build_site(Path("content"), Path("site"), TODAY, cache_dir=cache)
    assert result.ok, result.problems
    return folder / "site"


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory) -> tuple[Path, Path]:
    """The same content built twice: in two different folders (one nested deeper), from copies
    made in different orders with different times, one with a cold chart cache, one warm."""
    root = tmp_path_factory.mktemp("reproducible")
    source = varied_content(root / "source")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        patch.chdir(root)
        first = build_in(source, root / "one", seed=1, cache=root / "charts")
        second = build_in(source, root / "two" / "deeper" / "still", seed=2, cache=root / "charts")
    return first, second


def test_two_checkouts_of_the_same_content_build_byte_identical_sites(two_builds):
    first, second = two_builds
    a, b = digest(first), digest(second)
    assert a.keys() == b.keys()
    assert [path for path in a if a[path] != b[path]] == []


def test_no_build_path_or_working_folder_leaks_into_the_site(two_builds):
    for site in two_builds:
        folder = site.parent
        needles = {str(folder), str(folder.resolve()), str(folder.parent.resolve()), "/tmp/pytest-"}
        found = []
        for path in site.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                if data[:2] == b"\x1f\x8b":
                    data = gzip.decompress(data)
                found += [f"{needle} in {path.relative_to(site)}" for needle in needles if needle.encode() in data]
        assert found == []


def test_the_compressed_sitemap_is_dated_by_source_date_epoch(two_builds):
    data = (two_builds[0] / "sitemap.xml.gz").read_bytes()
    assert int.from_bytes(data[4:8], "little") == int(EPOCH)  # gzip's MTIME field
    assert b"<lastmod>2026-11-23</lastmod>" in gzip.decompress(data)


def test_builds_on_different_days_with_the_same_as_of_are_byte_identical(content, monkeypatch, tmp_path_factory):
    import mkdocs.utils

    results = []
    for day in (datetime(2027, 1, 1, tzinfo=UTC), datetime(2027, 6, 1, tzinfo=UTC)):

        class Clock(datetime):
            """MkDocs' view of the wall clock, on `day`."""

            @classmethod
            def now(cls, tz=None, day=day):
                return day

        monkeypatch.setattr(mkdocs.utils, "datetime", Clock)
        out = Path(f"site-{day.month}")
        assert build_site(content, out, TODAY, cache_dir=tmp_path_factory.getbasetemp() / "charts").ok
        results.append(digest(out))
    assert results[0] == results[1]
