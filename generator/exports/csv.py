"""The columns of the open data, declared once, and the CSV files written from them: every network,
and each period's networks. The JSON files, the Table Schema of the data package and the /data/
field list read the same `COLUMNS`, so no two of them can disagree.

One row per network; an empty cell means "not disclosed"; lists are joined with `;`.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from generator.exports import Job, Output
from generator.kinds import Field, Kind, ListOf, Places, When
from generator.model import Operation
from generator.schema import OPERATION, SURFACES

FORMAT = "CSV"


@dataclass(frozen=True)
class Column:
    """One field of the open data: its CSV column, its Table Schema field and its place in JSON."""

    name: str
    type: str
    """Table Schema type: `string`, `integer`, `number`, `boolean`, `date` (`array`/`object`: JSON only)."""
    description: str
    get: Callable[[Operation, Job], Any]
    """The value for one network: JSON-ready (lists as lists), None when not disclosed."""
    constraints: dict[str, Any] = field(default_factory=dict)
    json: tuple[str, ...] | None = None
    """Where the value sits in a network's JSON object; None for a column only the CSV has."""
    csv: bool = True
    """False for a value only the JSON has (lists of objects)."""
    source: str | None = None
    """The record field it comes from, as a dotted path (`ad_spend.amount`); None if computed."""

    def table_field(self) -> dict[str, Any]:
        """This column as a Frictionless Table Schema field."""
        spec: dict[str, Any] = {"name": self.name, "type": self.type, "description": self.description}
        if self.type == "string" and self.constraints.get("format") == "uri":
            spec["format"] = "uri"
        constraints = {k: v for k, v in self.constraints.items() if k != "format"}
        if constraints:
            spec["constraints"] = constraints
        return spec


def _spec(path: str) -> Field:
    """The schema field at a dotted path, e.g. `ad_spend.amount`."""
    record, spec = OPERATION, None
    for part in path.split("."):
        spec = record.field_named(part)
        record = spec.kind  # type: ignore[assignment]
    assert spec is not None
    return spec


def _table_type(kind: Kind) -> tuple[str, dict[str, Any]]:
    """Table Schema type and constraints of a schema kind, as it is written in one CSV cell."""
    if isinstance(kind, (ListOf, Places)):
        return "string", {}  # a joined list: its items are checked by the validator, not here
    if isinstance(kind, When) and kind.precisions == ("day",):
        return "date", {}
    schema = kind.json_schema()
    constraints = {k: schema[k] for k in ("minimum", "enum", "pattern", "maxLength", "format") if k in schema}
    return schema["type"], constraints


def column(
    name: str,
    get: Callable[[Operation, Job], Any],
    field: str | None = None,
    *,
    type: str | None = None,
    doc: str | None = None,
    json: tuple[str, ...] | bool = True,
    csv: bool = True,
    constraints: dict[str, Any] | None = None,
) -> Column:
    """A column whose type, description and constraints come from the schema field at `field`
    unless given; `json` is its place in a network's JSON object (True: its name; False: CSV only)."""
    constraints = dict(constraints or {})
    if field is not None:
        spec = _spec(field)
        found_type, found = _table_type(spec.kind)
        constraints.update(found)
        type = type or found_type
        doc = doc or spec.doc
        list_may_be_empty = isinstance(spec.kind, ListOf) and not spec.kind.min_items
        if spec.required and "." not in field and not list_may_be_empty:
            constraints["required"] = True
    assert type and doc, name
    where = (name,) if json is True else (json or None)
    return Column(name, type, doc, get, constraints, where, csv, field)  # type: ignore[arg-type]


def _surface(name: str) -> Callable[[Operation, Job], int | None]:
    return lambda op, job: dict(op.surfaces).get(name)


def _given(op: Operation, figure: str) -> bool:
    if figure == "accounts":
        return op.accounts_total is not None
    if figure == "followers":
        return op.followers is not None
    if figure == "ad_spend":
        return op.ad_spend is not None
    return figure in dict(op.surfaces)


def _approximate(figure: str) -> Column:
    return column(
        f"{figure}_approximate",
        lambda op, job: op.is_approximate(figure) if _given(op, figure) else None,
        "approximate",
        type="boolean",
        doc=f"True when `{figure}` is given only approximately (shown with '~'); empty when not disclosed.",
        json=False,
    )


def _attribution(part: str) -> Callable[[Operation, Job], Any]:
    def get(op: Operation, job: Job) -> Any:
        if op.attribution is None:
            return None
        value = getattr(op.attribution, part)
        return list(value) if isinstance(value, tuple) else value

    return get


def _span_name(span) -> str | None:
    return span.name if span is not None else None


COLUMNS: tuple[Column, ...] = (
    column("id", lambda op, job: op.id, "id"),
    column("title", lambda op, job: op.title, "title"),
    column("status", lambda op, job: "published", "status"),
    column("period", lambda op, job: op.period.name, "report", constraints={"required": True}),
    column(
        "published",
        lambda op, job: job.published[op.period.name].isoformat(),
        type="date",
        doc="Day the period's report was published.",
        constraints={"required": True},
    ),
    column("takedown", lambda op, job: op.takedown.name, "takedown"),
    column("origin", lambda op, job: list(op.origin), "origin"),
    column("targets", lambda op, job: list(op.targets), "targets"),
    column("detection", lambda op, job: op.detection, "detection"),
    column(
        "accounts",
        lambda op, job: op.accounts_total,
        "accounts",
        doc="Accounts removed: the stated total, else the sum of the account surfaces "
        "(facebook_accounts, instagram_accounts, threads_accounts, x_accounts).",
    ),
    _approximate("accounts"),
    column(
        "accounts_derived",
        lambda op, job: op.accounts is None if op.accounts_total is not None else None,
        type="boolean",
        doc="True when `accounts` is the sum of per-surface counts rather than a stated total.",
    ),
    column("followers", lambda op, job: op.followers, "followers"),
    _approximate("followers"),
    *(
        part
        for name in SURFACES
        for part in (column(name, _surface(name), f"surfaces.{name}", json=("surfaces", name)), _approximate(name))
    ),
    column(
        "ad_spend_amount",
        lambda op, job: op.ad_spend.amount if op.ad_spend else None,
        "ad_spend.amount",
        json=("ad_spend", "amount"),
    ),
    column(
        "ad_spend_currency",
        lambda op, job: op.ad_spend.currency if op.ad_spend else None,
        "ad_spend.currency",
        json=("ad_spend", "currency"),
    ),
    _approximate("ad_spend"),
    column(
        "approximate",
        lambda op, job: sorted(op.approximate),
        "approximate",
        type="array",
        csv=False,
    ),
    *(
        column(f"attribution_{part}", _attribution(part), f"attribution.{part}", json=("attribution", part))
        for part in ("actor", "country", "state_affiliated", "confidence")
    ),
    column(
        "activity_first",
        lambda op, job: _span_name(op.activity_first),
        "activity.first",
        json=("activity", "first"),
    ),
    column(
        "activity_last",
        lambda op, job: _span_name(op.activity_last),
        "activity.last",
        json=("activity", "last"),
    ),
    column("techniques", lambda op, job: list(op.techniques), "techniques"),
    column("related", lambda op, job: list(op.related), "related"),
    column("previous_ids", lambda op, job: list(op.previous_ids), "previous_ids"),
    column("narratives", lambda op, job: list(op.narratives), "narratives"),
    column("summary", lambda op, job: op.summary, "summary"),
    column(
        "sources",
        lambda op, job: [{"title": s.title, "url": s.url, "archive_url": s.archive_url} for s in op.sources],
        "sources",
        type="array",
        csv=False,
    ),
    column(
        "source_urls",
        lambda op, job: [s.url for s in op.sources],
        "sources",
        doc="Addresses of the public pages the figures were read in.",
        json=False,
    ),
    column(
        "archive_urls",
        lambda op, job: [s.archive_url for s in op.sources if s.archive_url],
        doc="Addresses of archived copies of those pages, where recorded.",
        type="string",
        json=False,
    ),
    column(
        "corrections",
        lambda op, job: [{"date": c.date.isoformat(), "note": c.note} for c in op.corrections],
        "corrections",
        type="array",
        csv=False,
    ),
    column(
        "corrections_count",
        lambda op, job: len(op.corrections),
        "corrections",
        type="integer",
        doc="How many corrections were made to the published figures.",
        constraints={"minimum": 0},
        json=False,
    ),
    column(
        "last_correction",
        lambda op, job: op.corrections[-1].date.isoformat() if op.corrections else None,
        "corrections",
        type="date",
        doc="Day of the latest correction; empty when there was none.",
        json=False,
    ),
    column(
        "permalink",
        lambda op, job: job.permalink(op),
        type="string",
        doc="Permanent address of the network's page.",
        constraints={"required": True, "format": "uri"},
    ),
)
"""Every column of the open data, in CSV order."""

CSV_COLUMNS = tuple(c for c in COLUMNS if c.csv)
"""The columns of the CSV files (and of their Table Schema), in order."""
_CSV_INDEXES = tuple(i for i, c in enumerate(COLUMNS) if c.csv)


def cell(value: Any) -> str:
    """A value as one CSV cell: empty when not disclosed, lists joined with `;`."""
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(cell(item) for item in value)
    return str(value)


class _Rows(list):
    """Collects what a csv writer writes: exactly one string per row."""

    write = list.append


def rows(job: Job) -> dict[str, str]:
    """Network id -> its CSV row (with the line ending), encoded once for every file it is in."""
    out = _Rows()
    writer = csv.writer(out, lineterminator="\n")
    values = job.values
    for op in job.site.operations:
        row = values[op.id]
        writer.writerow([cell(row[i]) for i in _CSV_INDEXES])
    return dict(zip((op.id for op in job.site.operations), out, strict=True))


def table(lines: Mapping[str, str], operations: Sequence[Operation]) -> bytes:
    """The CSV of these networks: a header, then one row each."""
    header = _Rows()
    csv.writer(header, lineterminator="\n").writerow(c.name for c in CSV_COLUMNS)
    return "".join([*header, *(lines[op.id] for op in operations)]).encode("utf-8")


def render(job: Job, earlier: Mapping[str, Output]) -> Iterator[Output]:
    site, _ = job.site, job.formatter.gettext
    lines = rows(job)
    yield Output(
        "data/networks.csv",
        table(lines, site.operations),
        FORMAT,
        len(site.operations),
        _("Every published network, one row each."),
    )
    for period in site.periods:
        yield Output(
            f"data/periods/{period.name}.csv",
            table(lines, period.operations),
            FORMAT,
            len(period.operations),
            _("Networks disclosed in %(period)s, one row each.") % {"period": job.formatter.span(period.span)},
            scope="period",
            key=period.name,
        )
