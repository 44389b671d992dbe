"""The Frictionless data package (`data/datapackage.json`): one tabular resource per CSV file (all
networks, then each period) with its size and SHA-256, all sharing one Table Schema built from
`csv.CSV_COLUMNS` (`data/tableschema.json`), so `frictionless validate data/datapackage.json`
checks every cell and byte.

Readable by Frictionless v1 tools (`profile`) and v2 tools (`type`, `$schema`) alike.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from typing import Any

from generator.exports import Job, Output
from generator.exports.csv import CSV_COLUMNS
from generator.exports.json import dump

FORMAT = "Frictionless data package"
PATH = "data/datapackage.json"
SCHEMA_PATH = "data/tableschema.json"
"""One Table Schema file that every resource names, rather than a copy per period."""


def table_schema() -> dict[str, Any]:
    return {
        "fields": [column.table_field() for column in CSV_COLUMNS],
        "primaryKey": ["id"],
        "missingValues": [""],
    }


def _resource(name: str, output: Output, title: str) -> dict[str, Any]:
    return {
        "name": name,
        "type": "table",
        "profile": "tabular-data-resource",
        "title": title,
        "description": output.description,
        "path": output.path.removeprefix("data/"),
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": len(output.data),
        "hash": "sha256:" + hashlib.sha256(output.data).hexdigest(),
        "dialect": {"delimiter": ",", "lineTerminator": "\n", "quoteChar": '"', "header": True},
        "schema": SCHEMA_PATH.removeprefix("data/"),
    }


def _package_name(job: Job) -> str:
    """A lowercase name as the spec asks for: from the site title."""
    return re.sub(r"[^a-z0-9]+", "-", job.site.title.lower()).strip("-")[:100] or "networks"


def render(job: Job, earlier: Mapping[str, Output]) -> Iterator[Output]:
    site, formatter = job.site, job.formatter
    _ = formatter.gettext
    resources = [_resource("networks", earlier["data/networks.csv"], _("All networks"))]
    for period in site.periods:
        output = earlier[f"data/periods/{period.name}.csv"]
        resources.append(_resource(f"period-{period.name}", output, period.title))
    package = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "profile": "tabular-data-package",
        "name": _package_name(job),
        "title": site.title,
        "description": site.description or site.title,
        "homepage": site.base_url,
        "created": f"{site.today.isoformat()}T00:00:00Z",
        "keywords": ["influence operations", "coordinated inauthentic behaviour", "transparency"],
        "sources": [{"title": site.platform, "path": site.base_url}],
        "resources": resources,
    }
    yield Output(
        SCHEMA_PATH,
        dump(table_schema()),
        "Table Schema",
        len(CSV_COLUMNS),
        _("Frictionless Table Schema of the CSV files: every column's type and constraints."),
        scope="support",
    )
    yield Output(
        PATH,
        dump(package),
        FORMAT,
        len(site.operations),
        _("Describes every CSV file: field types, constraints and checksums, for Frictionless tools."),
    )
