"""What the charts stage hands on: the charts of each page (`Chart`, `ChartSet`), without the
drawing machinery (Altair, vl-convert), and the chart set of the last build kept on disk, so that
a build whose inputs are all unchanged reuses it without drawing (or importing Altair)."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from datetime import date
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

MEMO_FILE = "chartset.json"


@dataclass(frozen=True)
class Chart:
    """One chart as a page shows it: a heading, an SVG, a caption, a summary and a data table."""

    slug: str
    """Stable within the page kind: `accounts-by-period`, `country-RO-trend`."""
    title: str
    """Short heading."""
    caption: str
    """What is plotted and in which unit (the figcaption)."""
    summary: str
    """One sentence with the key numbers: the chart's text alternative."""
    svg_path: str
    """Site-relative path of the SVG: `assets/charts/<first 16 hex digits of the spec's sha256>.svg`."""
    columns: tuple[str, ...]
    """Header of the data table."""
    rows: tuple[tuple[str, ...], ...]
    """Cells of the data table, formatted for the site's language."""
    spec: dict
    """The Vega-Lite spec (JSON-serialisable, inline data), for later interactive enhancement."""


@dataclass(frozen=True)
class ChartSet:
    home: tuple[Chart, ...]
    """Site-wide charts for the home page (none when nothing has been published)."""
    periods: dict[str, tuple[Chart, ...]]
    """Period name -> charts for its report page; periods with no networks are absent."""
    countries: dict[str, tuple[Chart, ...]]
    """Country code -> charts for its country page."""
    files: dict[str, bytes]
    """svg_path -> SVG bytes, every chart the site needs, sorted by path."""


def inputs_key(content: Path, today: date, language: str) -> str:
    """A digest of everything a chart set is made from: every file of the content folder, the
    day the build is made for, the site's language, the generator's own code and the versions of
    the libraries that draw. Equal keys give equal chart sets."""
    digest = hashlib.sha256(f"{today.isoformat()}\0{language}\0".encode())
    for package in ("altair", "vl-convert-python", "babel"):
        try:
            digest.update(f"{package} {version(package)}\0".encode())
        except PackageNotFoundError:
            digest.update(f"{package} -\0".encode())
    code = Path(__file__).resolve().parent
    for folder, base in ((code, "generator"), (content, "content")):
        for path in _regular_files(folder):
            if folder is code and path.suffix != ".py":
                continue
            digest.update(f"{base}/{path.relative_to(folder).as_posix()}\0".encode())
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _regular_files(folder: Path) -> list[Path]:
    """Regular files under `folder`, sorted; symlinks and special files (pipes) are left alone."""
    found = []
    for root, folders, names in os.walk(folder):
        folders.sort()
        for name in names:
            path = Path(root) / name
            if path.is_file() and not path.is_symlink():
                found.append(path)
    return sorted(found)


def load(cache_dir: Path, key: str) -> ChartSet | None:
    """The chart set kept under `key`, with its SVGs from the chart cache; None if there is none
    or anything is missing."""
    try:
        kept = json.loads((cache_dir / MEMO_FILE).read_text(encoding="utf-8"))
        if kept.get("key") != key:
            return None
        charts = kept["charts"]
        files = {path: (cache_dir / path.rsplit("/", 1)[1]).read_bytes() for path in kept["files"]}
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None
    return ChartSet(
        home=tuple(_chart(c) for c in charts["home"]),
        periods={name: tuple(_chart(c) for c in items) for name, items in charts["periods"].items()},
        countries={code: tuple(_chart(c) for c in items) for code, items in charts["countries"].items()},
        files=files,
    )


def save(cache_dir: Path, key: str, charts: ChartSet) -> None:
    """Keep `charts` under `key` (written aside and renamed: a reader never sees half a file)."""
    kept = {
        "key": key,
        "charts": {
            "home": [asdict(c) for c in charts.home],
            "periods": {name: [asdict(c) for c in items] for name, items in charts.periods.items()},
            "countries": {code: [asdict(c) for c in items] for code, items in charts.countries.items()},
        },
        "files": sorted(charts.files),
    }
    cache_dir.mkdir(parents=True, exist_ok=True)
    temporary = cache_dir / f".{MEMO_FILE}.{os.getpid()}"
    temporary.write_text(json.dumps(kept, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, cache_dir / MEMO_FILE)


def _chart(fields: dict) -> Chart:
    return Chart(
        **{
            **fields,
            "columns": tuple(fields["columns"]),
            "rows": tuple(tuple(row) for row in fields["rows"]),
        }
    )
