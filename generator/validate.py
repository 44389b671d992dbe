"""Validates a content folder: every file against the format in `schema.py`, then the rules that
span files (unique ids, related ids that exist, periods of the site's cadence, intros for every
period). Takes a content folder and "today"; gives the checked values and ALL problems, sorted.
"""

from __future__ import annotations

import gc
import os
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from operator import attrgetter
from pathlib import Path
from typing import Any

from generator.errors import Problem, sort_problems
from generator.kinds import BAD_URL, MESSAGES, Issue, did_you_mean, is_slug, message
from generator.load import Document, Node, display_path, load_markdown_file, load_yaml_file
from generator.periods import Span, parse_span, period_of_span
from generator.schema import OPERATION, PAGE, REPORT, SITE

ID_MISMATCH = message("id-not-file-name", "A record's id differs from its file name.")
DUPLICATE_ID = message("duplicate-id", "Two records use the same id (or one's previous id).")
NO_COUNT = message("no-count", "A record gives neither `accounts` nor `surfaces`.")
NO_CURRENCY = message("no-currency", "An ad spend above zero has no currency.")
NOT_GIVEN = message("approximate-not-given", "`approximate` names a figure the record lacks.")
FUTURE = message("in-the-future", "A date lies after today (takedown, correction, activity).")
WRONG_CADENCE = message("wrong-cadence", "A period is not of the site's cadence.")
SPANS_PERIODS = message("spans-periods", "A takedown straddles periods and no `report` is set.")
REPORT_BEFORE = message("report-before-takedown", "The report period ends before the takedown.")
ACTIVITY_ORDER = message("activity-order", "`activity.first` is after `activity.last`.")
CORRECTION_ORDER = message("corrections-order", "Corrections are not in date order.")
UNKNOWN_RELATED = message("unknown-related", "`related` names an id no record has.")
DRAFT_RELATED = message("related-draft", "A published record relates to a draft.")
SELF_RELATED = message("related-self", "A record lists itself as related.")
NO_INTRO = message("missing-intro", "A period has published networks but no intro file.")
BAD_FILE = message("not-a-record", "A file in operations/ is not a .yaml record.")
OUTSIDE = message("outside-content", "A symlink points outside the content folder.")
NO_SITE = message("missing-site", "content/site.yaml is missing.")
NO_OPERATIONS = message("no-operations", "The content folder has no operations/ folder.")
MISSING_ASSET = message("missing-asset", "site.yaml names a logo or favicon that is not in overrides/.")
for _code, _meaning in (
    ("file-too-large", "A file is larger than the size limit."),
    ("unreadable", "A file cannot be read."),
    ("binary-file", "A file holds binary data (a NUL byte)."),
    ("bad-encoding", "A file is not valid UTF-8."),
    ("control-character", "A file holds an invisible control character."),
    ("tab-indent", "A line is indented with a tab."),
    ("yaml-syntax", "The YAML cannot be parsed (quoting, indentation, brackets)."),
    ("multiple-documents", "A file holds more than one YAML document."),
    ("empty-file", "A file (or its front matter) is empty."),
    ("no-front-matter", "A Markdown file does not start with front matter."),
    ("alias", "A YAML alias (*name) is used."),
    ("anchor", "A YAML anchor (&name) is used."),
    ("tag", "A YAML tag (!!type) is used."),
    ("complex-key", "A mapping key is a list or mapping."),
    ("duplicate-key", "A key appears twice in one mapping."),
    ("too-deep", "Values are nested too deeply."),
):
    message(_code, _meaning)

MESSAGE_IDS = frozenset(MESSAGES)

_period_of = lru_cache(maxsize=4096)(period_of_span)
"""`period_of_span`, remembered: asked twice per record, for a few hundred distinct takedowns."""


@dataclass
class Checked:
    """What validation found: the checked values of every file and every problem."""

    content: Path
    site: dict[str, Any] | None = None
    operations: list[tuple[Document, dict[str, Any]]] = field(default_factory=list)
    """(file, values) for each record that passed its own checks."""
    reports: dict[str, tuple[Document, dict[str, Any]]] = field(default_factory=dict)
    """Period name -> (intro file, front matter values)."""
    pages: list[tuple[Document, dict[str, Any]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    """How many content files were read."""

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def _problems(doc: Document, issues: list[Issue]) -> list[Problem]:
    out = []
    for issue in issues:
        text = f"{issue.where}: {issue.message}" if issue.where else issue.message
        out.append(Problem(doc.path, issue.node.line, issue.node.col, text, issue.hint, issue.code))
    return out


def _problem(doc: Document, node: Node, where: str, code: str, text: str, hint: str = "") -> Problem:
    return Problem(doc.path, node.line, node.col, f"{where}: {text}" if where else text, hint, code)


def list_files(folder: Path, content: Path, suffix: str, checked: Checked) -> list[Path]:
    """Files under `folder`, sorted, refusing symlinks that leave the content folder."""
    if not folder.is_dir():
        return []
    root = content.resolve()
    if _outside(folder, content, checked):
        return []
    found: list[Path] = []
    for entry in _entries_under(os.fspath(folder)):
        name = entry.name
        if name.startswith(".") or name.endswith("~"):
            continue
        path = Path(entry.path)
        if entry.is_symlink():
            shown = display_path(path)
            try:
                target = path.resolve()
            except (OSError, RuntimeError):  # a symlink loop
                checked.problems.append(
                    Problem(shown, 0, 0, "symlink cannot be followed (it loops)", "delete it", OUTSIDE)
                )
                continue
            if not target.is_relative_to(root):
                checked.problems.append(
                    Problem(
                        shown,
                        0,
                        0,
                        f"symlink points outside the content folder (to {target})",
                        "copy the file into the content folder instead",
                        OUTSIDE,
                    )
                )
                continue
            if target.is_dir():
                continue
        if path.suffix != suffix:
            if suffix == ".yaml":
                hint = (
                    "rename it to .yaml"
                    if path.suffix == ".yml"
                    else f"only {suffix} records belong here; move or delete this file"
                )
                checked.problems.append(Problem(display_path(path), 0, 0, f"not a {suffix} file", hint, BAD_FILE))
            continue
        found.append(path)
    return found


def _entries_under(directory: str) -> Iterator[os.DirEntry]:
    """The files and symlinks under `directory`, sorted by name, a folder's own before those of its
    subfolders (as `os.walk` lists them, without following symlinked folders or failing on an
    unreadable one). Each entry knows whether it is a symlink without another system call."""
    pending = [directory]
    while pending:
        try:
            with os.scandir(pending.pop()) as scan:
                entries = sorted(scan, key=attrgetter("name"))
        except OSError:
            continue
        folders = []
        for entry in entries:
            try:
                is_folder = entry.is_dir()
            except OSError:
                is_folder = False
            if is_folder and not entry.is_symlink():
                folders.append(entry.path)
            else:
                yield entry
        pending += reversed(folders)  # the first subfolder is walked next, and all of its own first


def _outside(path: Path, content: Path, checked: Checked) -> bool:
    """Whether `path` (site.yaml, or a folder such as operations/) is a symlink that leaves the
    content folder, which is then reported: CI would otherwise quote a file of the machine."""
    if not path.is_symlink() or path.resolve().is_relative_to(content.resolve()):
        return False
    checked.problems.append(
        Problem(
            display_path(path),
            0,
            0,
            f"symlink points outside the content folder (to {path.resolve()})",
            "copy the file into the content folder instead",
            OUTSIDE,
        )
    )
    return True


def validate_content(content: Path, today: date, cache: dict | None = None) -> Checked:
    """Check every file in `content`; return the values that passed and every problem.

    `cache` (kept by the live preview between builds) holds each record's own results by file
    name, modification time and size, so an edit re-reads only the file that changed; the rules
    across records always run in full."""
    with cycle_collector_paused():
        return _validate_content(content, today, cache)


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Python's cycle collector paused (if it ran), then resumed.

    Node trees hold no reference cycles, so reference counting frees them all. Left running, the
    collector walks the whole growing heap again and again while they are built: a third of the
    time of checking 10,000 records."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _validate_content(content: Path, today: date, cache: dict | None) -> Checked:
    checked = Checked(content)
    site_path = content / "site.yaml"
    cadence = None
    if _outside(site_path, content, checked):
        pass  # reported: its target is never read
    elif site_path.is_file():
        doc, problems = load_yaml_file(site_path)
        checked.files += 1
        checked.problems += [_site_hint(p) if p.code == "empty-file" else p for p in problems]
        if doc and doc.root is not None:
            issues: list[Issue] = []
            checked.site = SITE.parse(doc.root, "", issues)
            checked.problems += [
                _site_hint(p) if p.message.startswith("expected a mapping") else p for p in _problems(doc, issues)
            ]
            checked.problems += _asset_rules(doc, checked.site, content)
            checked.problems += _base_url_rules(doc, checked.site)
            cadence_node = doc.root.get("cadence") if doc.root.kind == "map" else None
            if cadence_node is not None and checked.site is None:
                cadence = cadence_node.value if cadence_node.value in ("month", "quarter", "half", "year") else None
        if checked.site:
            cadence = checked.site["cadence"]
    else:
        checked.problems.append(
            Problem(
                display_path(site_path),
                0,
                0,
                "site settings file is missing",
                "create it with platform, title, base_url, cadence and language",
                NO_SITE,
            )
        )

    operations_dir = content / "operations"
    if not operations_dir.is_dir():
        checked.problems.append(
            Problem(
                display_path(operations_dir),
                0,
                0,
                "no operations folder",
                "records live in operations/<year>/<id>.yaml",
                NO_OPERATIONS,
            )
        )
    used: set = set()
    for path in list_files(operations_dir, content, ".yaml", checked):
        checked.files += 1
        key = None
        if cache is not None:
            stat = path.stat()
            key = (str(path), stat.st_mtime_ns, stat.st_size, today, cadence)
        if key in (cache or {}):
            doc, values, problems = cache[key]  # type: ignore[index]
        else:
            doc, values, problems = _check_record(path, today, cadence)
            if cache is not None:
                cache[key] = (doc, values, problems)
        used.add(key)
        checked.problems += problems
        if doc is not None and values is not None:
            checked.operations.append((doc, values))
    if cache is not None:
        for stale in set(cache) - used:
            del cache[stale]

    for path, doc, values in _markdown_files(content / "reports", REPORT, checked):
        period = _period_file_name(doc, path.stem, cadence, checked)
        if values is not None and period is not None:
            checked.reports[period.name] = (doc, values)
    for _, doc, values in _markdown_files(content / "pages", PAGE, checked):
        if values is not None:
            checked.pages.append((doc, values))

    checked.problems += _cross_record_rules(checked, cadence)
    checked.problems = sort_problems(checked.problems)
    return checked


def _asset_rules(doc: Document, site: dict[str, Any] | None, content: Path) -> list[Problem]:
    """The logo and favicon named in site.yaml must be files in the overrides/ folder."""
    theme = (site or {}).get("theme") or {}
    node = doc.root.get("theme") if doc.root is not None and doc.root.kind == "map" else None
    out = []
    for name in ("logo", "favicon"):
        if name in theme and not (content / "overrides" / theme[name]).is_file():
            out.append(
                _problem(
                    doc,
                    (node.get(name) if node is not None else None) or doc.root,  # type: ignore[arg-type]
                    f"theme.{name}",
                    MISSING_ASSET,
                    f"no file overrides/{theme[name]} next to site.yaml",
                    f"put the image at {display_path(content / 'overrides' / theme[name])}, or correct the path",
                )
            )
    return out


def _site_hint(problem: Problem) -> Problem:
    """An empty or shapeless site.yaml is told what it should hold (not how to start a record)."""
    return replace(problem, hint="write platform, title, base_url, cadence and language, one `key: value` per line")


def _base_url_rules(doc: Document, site: dict[str, Any] | None) -> list[Problem]:
    """Every permalink, feed and sitemap entry is base_url + a path: no room for ?query or #fragment."""
    url = (site or {}).get("base_url", "")
    parts = urllib.parse.urlsplit(url)
    if not (parts.query or parts.fragment or "?" in url or "#" in url or "@" in parts.netloc):
        return []
    return [
        _problem(
            doc,
            doc.root.get("base_url") or doc.root,  # type: ignore[union-attr]
            "base_url",
            BAD_URL,
            f"expected the site's address without ?query, #fragment or user name, found '{url}'",
            "write only where the site lives, e.g. https://example.org/transparency/",
        )
    ]


def _markdown_files(folder: Path, front_matter, checked: Checked):
    """(path, file, front matter values or None) for each Markdown file of `folder` that loaded;
    its problems are added to `checked` on the way."""
    for path in list_files(folder, checked.content, ".md", checked):
        checked.files += 1
        doc, problems = load_markdown_file(path)
        checked.problems += problems
        if doc is None or doc.root is None:
            continue
        issues: list[Issue] = []
        values = front_matter.parse(doc.root, "", issues)
        checked.problems += _problems(doc, issues)
        yield path, doc, values


def _check_record(
    path: Path, today: date, cadence: str | None
) -> tuple[Document | None, dict[str, Any] | None, list[Problem]]:
    """One record file's own checks: load, format, rules between its fields."""
    doc, problems = load_yaml_file(path)
    if doc is None or doc.root is None:
        return doc, None, problems
    issues: list[Issue] = []
    values = OPERATION.parse(doc.root, "", issues)
    problems += _problems(doc, issues)
    problems += _record_rules(doc, values, path, today, cadence)
    return doc, values, problems


def _period_file_name(doc: Document, stem: str, cadence: str | None, checked: Checked) -> Span | None:
    try:
        period = parse_span(stem)
    except ValueError:
        period = None
    if period is None or period.precision == "day" or period.name != stem.lower():
        checked.problems.append(
            Problem(
                doc.path,
                0,
                0,
                f"file name '{stem}' is not a period name",
                "name intro files after their period: 2024-05.md, 2024-q2.md, 2024-h1.md, 2024.md",
                WRONG_CADENCE,
            )
        )
        return None
    if cadence and period.precision != cadence:
        checked.problems.append(
            Problem(
                doc.path,
                0,
                0,
                f"'{stem}' is a {period.precision} but the site's cadence is {cadence}",
                f"rename the file to a {cadence} period, or change `cadence` in site.yaml",
                WRONG_CADENCE,
            )
        )
        return None
    return period


def _record_rules(
    doc: Document, values: dict[str, Any] | None, path: Path, today: date, cadence: str | None
) -> list[Problem]:
    """Rules between the fields of one record (only for fields that parsed)."""
    if doc.root is None or doc.root.kind != "map":
        return []
    root = doc.root
    out: list[Problem] = []
    v = values if values is not None else _partial(root)
    record_id = v.get("id")
    if isinstance(record_id, str) and record_id != path.stem:
        out.append(
            _problem(
                doc,
                root.get("id") or root,
                "id",
                ID_MISMATCH,
                f"id '{record_id}' differs from the file name '{path.name}'",
                f"rename the file to {record_id}.yaml or set id: {path.stem}"
                if is_slug(path.stem)
                else f"rename the file to {record_id}.yaml (a file name is the id: lowercase letters, digits, "
                "hyphens; no spaces or accents)",
            )
        )
    if values is not None and "accounts" not in values and "surfaces" not in values:
        out.append(
            _problem(
                doc,
                root,
                "accounts",
                NO_COUNT,
                "missing required field 'accounts'",
                "add `accounts: N` (or per-surface counts under `surfaces:`)",
            )
        )
    spend = (values or {}).get("ad_spend")
    if spend and spend["amount"] and "currency" not in spend:
        out.append(
            _problem(
                doc,
                root.get("ad_spend") or root,
                "ad_spend.currency",
                NO_CURRENCY,
                "an amount above zero needs its currency",
                "add `currency: USD` (or the ISO 4217 code the source gives)",
            )
        )
    approximate = root.get("approximate")
    if values is not None and approximate is not None:
        surfaces = values.get("surfaces", {})
        for index, name in enumerate(values.get("approximate", ())):
            if name not in values and name not in surfaces:
                out.append(
                    _problem(
                        doc,
                        approximate.value[index],  # type: ignore[index]
                        f"approximate[{index + 1}]",
                        NOT_GIVEN,
                        f"'{name}' is marked approximate but the record gives no {name}",
                        f"add `{name}:` or remove it from `approximate`",
                    )
                )
    takedown: Span | None = v.get("takedown")
    if takedown is not None and takedown.start > today:
        out.append(
            _problem(
                doc,
                root.get("takedown") or root,
                "takedown",
                FUTURE,
                f"takedown {takedown.name} is after today ({today.isoformat()})",
                "check the year; use --as-of YYYY-MM-DD to validate as of another day",
            )
        )
    report: Span | None = v.get("report")
    if cadence and report is not None and report.precision != cadence:
        out.append(
            _problem(
                doc,
                root.get("report") or root,
                "report",
                WRONG_CADENCE,
                f"'{report.name}' is a {report.precision} but the site's cadence is {cadence}",
                f"name a {cadence} period, e.g. {_example_period(cadence)}",
            )
        )
    elif cadence and report is None and takedown and _period_of(takedown, cadence) is None:
        out.append(
            _problem(
                doc,
                root.get("takedown") or root,
                "takedown",
                SPANS_PERIODS,
                f"takedown {takedown.name} spans more than one {cadence}",
                f"add `report: <{cadence}>` naming the period that disclosed it",
            )
        )
    if report is not None and takedown is not None and report.end < takedown.start:
        out.append(
            _problem(
                doc,
                root.get("report") or root,
                "report",
                REPORT_BEFORE,
                f"report period {report.name} ends before the takedown {takedown.name}",
                "a network is disclosed in or after the period it was removed",
            )
        )
    activity = v.get("activity") or {}
    first, last = activity.get("first"), activity.get("last")
    if first is not None and last is not None and first.start > last.end:
        out.append(
            _problem(
                doc,
                root.get("activity") or root,
                "activity",
                ACTIVITY_ORDER,
                f"first activity {first.name} is after last activity {last.name}",
            )
        )
    corrections = v.get("corrections") or ()
    node = root.get("corrections")
    for index, correction in enumerate(corrections):
        here = node.value[index] if node is not None and node.kind == "seq" else root  # type: ignore[index]
        day = correction["date"].start
        if day > today:
            out.append(_problem(doc, here, f"corrections[{index + 1}].date", FUTURE, f"{day} is after today"))
        if index and day < corrections[index - 1]["date"].start:
            out.append(
                _problem(
                    doc,
                    here,
                    f"corrections[{index + 1}].date",
                    CORRECTION_ORDER,
                    "corrections must be in date order, oldest first",
                    "add new corrections at the end of the list",
                )
            )
    return out


def _partial(root: Node) -> dict[str, Any]:
    """Values of the fields that parse on their own, so one bad field hides no other rule."""
    values: dict[str, Any] = {}
    for name in ("id", "takedown", "report"):
        node = root.get(name)
        if node is not None:
            value = OPERATION.field_named(name).kind.parse(node, name, [])
            if value is not None:
                values[name] = value
    return values


def _example_period(cadence: str) -> str:
    return {"month": "2024-05", "quarter": "2024-q2", "half": "2024-h1", "year": "2024"}[cadence]


def _cross_record_rules(checked: Checked, cadence: str | None) -> list[Problem]:
    out: list[Problem] = []
    owners: dict[str, tuple[Document, Node, str]] = {}
    status: dict[str, str] = {}
    for doc, values in checked.operations:
        status[values["id"]] = values["status"]
        root = doc.root
        assert root is not None
        names = [("id", values["id"], root.get("id"))]
        previous = root.get("previous_ids")
        for index, old in enumerate(values.get("previous_ids", ())):
            names.append((f"previous_ids[{index + 1}]", old, previous.value[index]))  # type: ignore[union-attr,index]
        for where, name, node in names:
            assert node is not None
            if name in owners:
                first_doc, first_node, first_where = owners[name]
                out.append(
                    _problem(
                        doc,
                        node,
                        where,
                        DUPLICATE_ID,
                        f"'{name}' is already used by {first_doc.path}:{first_node.line}",
                        "ids are permanent and unique: choose a new one",
                    )
                )
                out.append(
                    _problem(
                        first_doc,
                        first_node,
                        first_where,
                        DUPLICATE_ID,
                        f"'{name}' is also used by {doc.path}:{node.line}",
                        "ids are permanent and unique: choose a new one",
                    )
                )
            else:
                owners[name] = (doc, node, where)
    for doc, values in checked.operations:
        related = doc.root.get("related") if doc.root else None
        for index, other in enumerate(values.get("related", ())):
            node = related.value[index]  # type: ignore[union-attr,index]
            where = f"related[{index + 1}]"
            if other == values["id"]:
                out.append(_problem(doc, node, where, SELF_RELATED, "a record cannot relate to itself"))
            elif other not in status:
                out.append(
                    _problem(
                        doc,
                        node,
                        where,
                        UNKNOWN_RELATED,
                        f"no record has the id '{other}'",
                        did_you_mean(other, sorted(status)),
                    )
                )
            elif values["status"] == "published" and status[other] == "draft":
                out.append(
                    _problem(
                        doc,
                        node,
                        where,
                        DRAFT_RELATED,
                        f"'{other}' is a draft, so the link would lead nowhere",
                        "publish it first, or remove it from `related`",
                    )
                )
    if cadence and checked.site is not None:
        needed: dict[str, tuple[Document, Node]] = {}
        for doc, values in checked.operations:
            if values["status"] != "published":
                continue
            period = values.get("report") or _period_of(values["takedown"], cadence)
            if period is not None and period.precision == cadence and period.name not in needed:
                needed[period.name] = (doc, doc.root)  # type: ignore[assignment]
        for name, (doc, node) in sorted(needed.items()):
            if name not in checked.reports and not _has_report_file(checked, name):
                out.append(
                    _problem(
                        doc,
                        node.get("report") or node.get("takedown") or node,
                        "",
                        NO_INTRO,
                        f"period {name} has published networks but no intro reports/{name}.md",
                        f"create reports/{name}.md with `title:` and `published:` front matter",
                    )
                )
    return out


def _has_report_file(checked: Checked, name: str) -> bool:
    # An intro that failed its own checks was already reported; don't report it missing too.
    return (checked.content / "reports" / f"{name}.md").exists()
