"""`transparency init`: a new site folder that checks and builds straight away: settings, a draft
example record, an embargoed period intro, an about page, overrides/, a JSON Schema for editors, a
CI workflow and a README. Takes a folder and the platform's answers; gives written paths or problems.

The files come from generator/skeleton/ (package data): `*.j2` files are Jinja2 templates, the
others are copied as they are; a leading `dot-` in a name becomes `.`, and the example record and
intro are renamed after their id and period (see PLACED).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

import jinja2

from generator import __version__
from generator.errors import Problem
from generator.i18n import Formatter
from generator.kinds import Issue
from generator.load import display_path, parse_yaml
from generator.periods import CADENCES, period_of_day
from generator.schema import SITE, json_schema

NOT_EMPTY = "folder-not-empty"
PLACED = {
    "content/operations/record.yaml": "content/operations/{year}/{record_id}.yaml",
    "content/reports/intro.md": "content/reports/{period}.md",
}
"""Skeleton files whose place depends on the answers."""
EMBARGO_DAYS = 14
"""The example intro is published this many days after its period ends: until then it is embargoed."""


@dataclass(frozen=True)
class NewSite:
    """The answers `init` needs."""

    platform: str
    cadence: str = "quarter"
    base_url: str = "https://example.org/transparency/"


def skeleton_files() -> dict[str, Traversable]:
    """Path inside the skeleton folder -> skeleton file."""
    found: dict[str, Traversable] = {}

    def walk(folder: Traversable, prefix: str) -> None:
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name == "__pycache__":
                continue
            if entry.is_dir():
                walk(entry, f"{prefix}{entry.name}/")
            else:
                found[prefix + entry.name] = entry

    walk(files("generator") / "skeleton", "")
    return found


def _context(site: NewSite, today: date) -> dict[str, object]:
    period = period_of_day(today, site.cadence)
    takedown = f"{today.year}-{today.month:02d}"
    label = Formatter("en").span(period)
    return {
        "platform": site.platform,
        "title": f"Covert influence operations disrupted by {site.platform}",
        "description": f"{site.platform}'s reports on the covert influence operations it disrupted, "
        "with one page per network and open data.",
        "base_url": site.base_url,
        "cadence": site.cadence,
        "period": period.name,
        "period_label": label,
        "report_title": f"Covert influence operations, {label}",
        "published": (period.end + timedelta(days=EMBARGO_DAYS)).isoformat(),
        "takedown": takedown,
        "year": str(today.year),
        "record_id": f"{takedown}-example-network",
        "version": __version__,
    }


def render_site(site: NewSite, today: date) -> dict[str, bytes]:
    """Every file of the new site, by path relative to its folder, rendered in memory."""
    context = _context(site, today)
    env = jinja2.Environment(autoescape=False, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    # JSON strings are valid YAML scalars that no platform name can break
    env.filters["yaml"] = lambda text: json.dumps(text, ensure_ascii=False)
    out: dict[str, bytes] = {}
    for name, source in skeleton_files().items():
        path = "/".join("." + part[4:] if part.startswith("dot-") else part for part in name.split("/"))
        data = source.read_bytes()
        if path.endswith(".j2"):
            path = path.removesuffix(".j2")
            data = env.from_string(data.decode("utf-8")).render(**context).encode("utf-8")
        path = PLACED[path].format(**context) if path in PLACED else path
        out[path] = data
    out["schema/operation.schema.json"] = (json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n").encode()
    return dict(sorted(out.items()))


def _settings_problems(files_: dict[str, bytes], shown: str) -> list[Problem]:
    """The new site.yaml checked before anything is written, blamed on the flag that set it."""
    root, problems = parse_yaml(files_["content/site.yaml"].decode("utf-8"), shown)
    if root is not None:
        issues: list[Issue] = []
        SITE.parse(root, "", issues)
        flags = {"platform": "--platform", "title": "--platform", "base_url": "--base-url", "cadence": "--cadence"}
        for issue in issues:
            flag = flags.get(issue.where.split(".")[0], issue.where)
            problems.append(Problem(shown, 0, 0, f"{flag}: {issue.message}", issue.hint, issue.code))
    return problems


def init_site(folder: Path, site: NewSite, today: date) -> tuple[list[Path], list[Problem]]:
    """Write a new site into `folder` (created if needed; refused unless empty)."""
    shown = display_path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        what = "a file" if not folder.is_dir() else "not empty"
        return [], [
            Problem(
                shown,
                0,
                0,
                f"{shown} is {what}: init writes only into a new or empty folder",
                "choose another folder; nothing was written",
                NOT_EMPTY,
            )
        ]
    if site.cadence not in CADENCES:
        return [], [Problem(shown, 0, 0, f"--cadence: expected one of {', '.join(CADENCES)}, found '{site.cadence}'")]
    files_ = render_site(site, today)
    problems = _settings_problems(files_, shown)
    if problems:
        return [], problems
    written = []
    for relative, data in files_.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written, []
