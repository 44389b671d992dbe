"""The open-data stage: every published network as CSV, JSON, a Frictionless data package, a STIX
2.1 bundle, Atom feeds and the JSON Schema, all as bytes in memory for the build to write.

Takes the `Site`, its `Figures` and the `Formatter`; gives `Exports`. Each format is one module
with the same shape, `render(job, earlier) -> Iterator[Output]`, run in the order of `FORMATS`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any, Protocol

from babel.units import format_unit

from generator.aggregate import Figures
from generator.i18n import Formatter
from generator.model import Operation, Site


@dataclass(frozen=True)
class Download:
    """One downloadable file, as the /data/ page and report pages list it."""

    path: str
    """Site-relative path, e.g. `data/networks.csv`."""
    format: str
    """`CSV`, `JSON`, `Frictionless data package`, `STIX 2.1 bundle`, `JSON Schema` or `Atom feed`."""
    records: int
    """Networks (or feed entries, or schema fields) in it."""
    size: str
    """Human size in the site's language, e.g. `14 kB`."""
    description: str


@dataclass(frozen=True)
class Exports:
    files: dict[str, bytes]
    """Every file to publish, by site-relative path, sorted."""
    downloads: tuple[Download, ...]
    """Site-wide downloads, for /data/."""
    period_downloads: dict[str, tuple[Download, ...]]
    """Period name -> its CSV and JSON."""
    operation_json: dict[str, str]
    """Network id -> site-relative path of its own JSON file."""
    feeds: tuple[tuple[str, str], ...]
    """(title, site-relative path) of each Atom feed, for `<link rel="alternate">`."""


@dataclass(frozen=True)
class Output:
    """One file a format module produced, with what the download lists need to know of it."""

    path: str
    data: bytes
    format: str
    records: int
    description: str
    scope: str = "site"
    """`site` (listed on /data/), `period` (listed on its report), `network` (listed on its page)
    or `support` (published, listed nowhere: e.g. the Table Schema the data package names)."""
    key: str = ""
    """The period name or network id, for scopes `period` and `network`."""
    feed_title: str = ""
    """Set on Atom feeds: the title pages announce them with."""


@dataclass(frozen=True)
class Job:
    """What every format module reads: the model, its figures and the formatter."""

    site: Site
    figures: Figures
    formatter: Formatter

    @cached_property
    def published(self) -> dict[str, date]:
        """Period name -> day its report was published."""
        return {p.name: p.published for p in self.site.periods}

    def permalink(self, op: Operation) -> str:
        return f"{self.site.base_url}operations/{op.id}/"

    def period_url(self, name: str) -> str:
        return f"{self.site.base_url}reports/{name}/"

    @cached_property
    def values(self) -> dict[str, tuple[Any, ...]]:
        """Network id -> its value in every column of `csv.COLUMNS`, computed once for all formats."""
        from generator.exports.csv import COLUMNS

        return {op.id: tuple(column.get(op, self) for column in COLUMNS) for op in self.site.operations}

    def site_info(self) -> dict[str, str]:
        """The site's settings as every JSON file states them."""
        site = self.site
        return {
            "platform": site.platform,
            "title": site.title,
            "description": site.description,
            "base_url": site.base_url,
            "cadence": site.cadence,
            "language": site.language,
        }


class Format(Protocol):
    """The shape of every format module (see `FORMATS`)."""

    def render(self, job: Job, earlier: Mapping[str, Output]) -> Iterator[Output]: ...


def build_exports(site: Site, figures: Figures, formatter: Formatter) -> Exports:
    """Render every format in memory; refuses a path produced twice."""
    from generator.exports import csv, datapackage, feeds, json, stix

    formats: tuple[Format, ...] = (csv, json, datapackage, stix, feeds)  # datapackage reads the CSVs
    job = Job(site, figures, formatter)
    outputs: dict[str, Output] = {}
    for module in formats:
        for output in module.render(job, outputs):
            if output.path in outputs:
                raise ValueError(f"two exports write {output.path}")
            outputs[output.path] = output

    def listed(scope: str) -> list[Output]:
        return [o for o in outputs.values() if o.scope == scope]  # in the order the formats made them

    def download(output: Output) -> Download:
        size = human_size(len(output.data), formatter)
        return Download(output.path, output.format, output.records, size, output.description)

    period_downloads: dict[str, list[Download]] = {}
    for output in listed("period"):
        period_downloads.setdefault(output.key, []).append(download(output))
    return Exports(
        files={path: outputs[path].data for path in sorted(outputs)},
        downloads=tuple(download(o) for o in sorted(listed("site"), key=lambda o: _ORDER.index(o.format))),
        period_downloads={name: tuple(found) for name, found in sorted(period_downloads.items())},
        operation_json={o.key: o.path for o in listed("network") if o.format == "JSON"},
        feeds=tuple((o.feed_title, o.path) for o in listed("site") if o.feed_title),
    )


_ORDER = ("CSV", "JSON", "Frictionless data package", "STIX 2.1 bundle", "JSON Schema", "Atom feed")
"""Order of the downloads on /data/: by format, then in the order the format module made them."""


def human_size(size: int, formatter: Formatter) -> str:
    """`900 byte`, `14 kB`, `1.3 MB` in the site's language (decimal units, as CLDR names them)."""
    if size < 1000:
        return format_unit(size, "digital-byte", length="short", locale=formatter.locale)
    kilobytes = round(size / 1000)
    if kilobytes < 1000:
        return format_unit(kilobytes, "digital-kilobyte", length="short", locale=formatter.locale)
    return format_unit(round(size / 1_000_000, 1), "digital-megabyte", length="short", locale=formatter.locale)
