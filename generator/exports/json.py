"""JSON downloads: every network (`data/networks.json`), each period's networks, one file per
network (`data/networks/<id>.json`), and the JSON Schema of a record (`data/operation.schema.json`).

Networks carry the fields of `csv.COLUMNS`, nested as in the record format: lists stay lists,
numbers stay numbers, and a value that was not disclosed is `null`. Files of many networks hold
one network per line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from generator.exports import Job, Output
from generator.exports.csv import COLUMNS
from generator.model import Operation
from generator.schema import OPERATION, json_schema

FORMAT = "JSON"
_JSON_COLUMNS = tuple((i, c.json) for i, c in enumerate(COLUMNS) if c.json)


def _layout() -> tuple[tuple[str, int | tuple[tuple[str, int], ...]], ...]:
    """A network object's keys in order, each with the index of its value in `Job.values`, or,
    for a nested object (`surfaces`, `attribution`...), its own keys and indexes."""
    keys: dict[str, Any] = {}
    for index, where in _JSON_COLUMNS:
        assert len(where) <= 2, where  # one level of nesting, as in the record format
        if len(where) == 1:
            keys[where[0]] = index
        else:
            keys.setdefault(where[0], []).append((where[1], index))
    return tuple((key, found if isinstance(found, int) else tuple(found)) for key, found in keys.items())


_LAYOUT = _layout()


def network(job: Job, op: Operation) -> dict[str, Any]:
    """One network as a JSON object; a nested object with nothing disclosed becomes `null`."""
    values = job.values[op.id]
    out: dict[str, Any] = {}
    for key, where in _LAYOUT:
        if isinstance(where, int):
            out[key] = values[where]
        else:
            nested = {name: values[index] for name, index in where}
            out[key] = None if all(value is None for value in nested.values()) else nested
    return out


def dump(document: dict[str, Any]) -> bytes:
    """Small documents for people to read: indented, keys in the order written, UTF-8, final newline."""
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def compact(value: Any) -> str:
    return _COMPACT.encode(value)


_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
"""One encoder for every value (`json.dumps` with options builds a new one per call)."""


def one_per_line(head: dict[str, Any], key: str, items: Sequence[str]) -> bytes:
    """`head` plus `key`: a list of already-encoded items, one per line. Large files stay fast to
    write (indenting bypasses the C encoder) and a diff of two releases shows what changed."""
    opening = compact({**head, key: []})
    assert opening.endswith("[]}"), "the list must be the last key"
    body = "\n" + ",\n".join(items) + "\n" if items else ""
    return (opening[:-2] + body + "]}\n").encode("utf-8")


def document(job: Job, lines: Mapping[str, str], operations: Sequence[Operation], **extra: Any) -> bytes:
    head = {"generated": job.site.today.isoformat(), "site": job.site_info(), **extra}
    return one_per_line(head, "networks", [lines[op.id] for op in operations])


def render(job: Job, earlier: Mapping[str, Output]) -> Iterator[Output]:
    site, formatter = job.site, job.formatter
    _ = formatter.gettext
    lines = {op.id: compact(network(job, op)) for op in site.operations}
    yield Output(
        "data/networks.json",
        document(job, lines, site.operations),
        FORMAT,
        len(site.operations),
        _("Every published network, with lists and nested fields as in the record format."),
    )
    for period in site.periods:
        yield Output(
            f"data/periods/{period.name}.json",
            document(
                job,
                lines,
                period.operations,
                period={
                    "name": period.name,
                    "title": period.title,
                    "published": period.published.isoformat(),
                    "url": job.period_url(period.name),
                },
            ),
            FORMAT,
            len(period.operations),
            _("Networks disclosed in %(period)s, with lists and nested fields.")
            % {"period": formatter.span(period.span)},
            scope="period",
            key=period.name,
        )
    site_info = compact(job.site_info())
    for op in site.operations:
        # No "generated" date: a network's file changes only when the network does. The network
        # is already encoded: `{"site":…,"network":…}` is spliced as `compact` would write it.
        data = f'{{"site":{site_info},"network":{lines[op.id]}}}\n'.encode()
        yield Output(f"data/networks/{op.id}.json", data, FORMAT, 1, op.title, scope="network", key=op.id)
        for old in op.previous_ids:
            # A renamed network's data stays at its old address too (its content names the new id).
            yield Output(f"data/networks/{old}.json", data, FORMAT, 1, op.title, scope="support")
    yield Output(
        "data/operation.schema.json",
        dump(json_schema()),
        "JSON Schema",
        len(OPERATION.fields),
        _("JSON Schema of one network record as the policy team writes it, for editors and validators."),
    )
