"""The error catalogue: every message id `check` can print (`kinds.MESSAGES`), with what it means,
an example of the mistake, what `check` prints for it and the fix. Each example is applied to a
small valid site in a temporary folder and checked for real, so the page quotes the validator's
own words; tests/test_catalogue.py fails when an example stops producing its id or a new id has
no example. Takes nothing; gives Markdown (`transparency errors`, content/pages/errors.md).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import generator.build  # noqa: F401 - registers the ids of `check --previous-manifest`
import generator.history  # noqa: F401 - registers the ids of `check --against`
import generator.validate  # noqa: F401 - registers the ids of the validator and the loader
from generator.errors import Problem, render_text
from generator.kinds import MESSAGES

TODAY = date(2026, 11, 23)
"""The day every example is checked as of (`check --as-of`)."""
COMMITTED = "2025-01-01T12:00:00+00:00"
"""When the history examples' earlier revision was committed: after the example report's publication."""

RECORD_PATH = "content/operations/2024/2024-05-example-network.yaml"
SECOND_PATH = "content/operations/2024/2024-06-other-network.yaml"
REPORT_PATH = "content/reports/2024-q2.md"
SITE_PATH = "content/site.yaml"

SITE_YAML = """\
platform: ExampleTok
title: Covert influence operations disrupted on ExampleTok
base_url: https://example.org/transparency/
cadence: quarter
language: en
"""
RECORD = """\
id: 2024-05-example-network
title: Example network targeting audiences in two countries
status: published
takedown: 2024-05
origin: [IR]
targets: [GB, US]
detection: internal
accounts: 65
followers: 116612
narratives: [example narrative]
summary: |
  What the network did, in our own words.
sources:
  - title: Covert influence operations, May 2024
    url: https://example.org/report
"""
REPORT = """\
---
title: Covert influence operations, second quarter of 2024
published: 2024-07-15
---
What this quarter's report says.
"""
BASE = {SITE_PATH: SITE_YAML, RECORD_PATH: RECORD, REPORT_PATH: REPORT}
"""The valid site every example starts from (paths relative to the site's folder)."""

CORRECTION = "corrections:\n  - date: 2024-08-01\n    note: Follower count revised from 11,661.\n"


@dataclass(frozen=True)
class Edit:
    """One change to the example site, and how the catalogue shows it."""

    path: str
    """The file it changes, relative to the site's folder."""
    apply: Callable[[Path], None]
    shown: str
    """The lines as the reader would write them (or a sentence, when `language` is empty)."""
    language: str = "yaml"


def set_fields(text: str, path: str = RECORD_PATH, replacing: str = "") -> Edit:
    """Top-level `key: value` blocks of `text` replace the same keys of the file (in place, so
    lines keep their numbers) or are appended; `replacing` names a key they take the place of."""

    def apply(root: Path) -> None:
        target = root / path
        target.write_text(_with_fields(target.read_text(encoding="utf-8"), text, replacing), encoding="utf-8")

    return Edit(path, apply, text.rstrip("\n"))


def drop_field(key: str, path: str = RECORD_PATH) -> Edit:
    def apply(root: Path) -> None:
        target = root / path
        blocks = _blocks(target.read_text(encoding="utf-8"))
        target.write_text("".join(b for k, b in blocks if k != key), encoding="utf-8")

    return Edit(path, apply, f"The `{key}:` line deleted.", "")


def append(text: str, path: str = RECORD_PATH) -> Edit:
    def apply(root: Path) -> None:
        with (root / path).open("a", encoding="utf-8") as handle:
            handle.write(text)

    return Edit(path, apply, text.rstrip("\n"))


def write(path: str, data: str | bytes, shown: str | None = None, language: str = "yaml") -> Edit:
    def apply(root: Path) -> None:
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            target.write_bytes(data)
        else:
            target.write_text(data, encoding="utf-8")

    text = shown if shown is not None else data if isinstance(data, str) else ""
    return Edit(path, apply, text.rstrip("\n"), language)


def remove(path: str, shown: str) -> Edit:
    def apply(root: Path) -> None:
        target = root / path
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        else:
            target.unlink()

    return Edit(path, apply, shown, "")


def special(path: str, apply: Callable[[Path], None], shown: str) -> Edit:
    return Edit(path, apply, shown, "")


def _blocks(text: str) -> list[tuple[str, str]]:
    """The file as (top-level key, its lines) blocks; comments and indented lines join the block above."""
    blocks: list[tuple[str, str]] = []
    for line in text.splitlines(keepends=True):
        if line.startswith((" ", "\t", "#")) and blocks:
            key, lines = blocks[-1]
            blocks[-1] = (key, lines + line)
        else:
            blocks.append((line.split(":", 1)[0], line))
    return blocks


def _with_fields(text: str, fields: str, replacing: str) -> str:
    new = dict(_blocks(fields if fields.endswith("\n") else fields + "\n"))
    out = []
    for key, lines in _blocks(text):
        if key == replacing:
            out.append("".join(new.values()))
            new = {}
        elif key in new:
            out.append(new.pop(key))
        else:
            out.append(lines)
    return "".join(out) + "".join(new.values())


@dataclass(frozen=True)
class Case:
    """A state of the example site: edits to the base, and how it is checked."""

    edits: tuple[Edit, ...] = ()
    note: str = ""
    """A sentence shown before the edits' text."""
    against: str | None = None
    """Compare with this git revision instead of the example's."""
    repository: bool | None = None
    """Overrides the example's `repository`."""


@dataclass(frozen=True)
class Example:
    code: str
    mistake: Case
    fix: Case
    against: str | None = None
    """A git revision: the mistake is made after committing the base (plus `committed`), and found
    by `check --against` this revision."""
    committed: tuple[Edit, ...] = ()
    repository: bool = True
    """False: the site is not in a git repository at all."""
    manifest: tuple[str, ...] = ()
    """URLs of an earlier build's manifest.json, checked with `check --previous-manifest`."""


def _record(**changes: str) -> str:
    text = RECORD
    for key, value in changes.items():
        text = _with_fields(text, f"{key}: {value}\n", "")
    return text


SECOND = _record(id="2024-06-other-network", takedown="2024-06", title="Another example network")

SECTIONS: tuple[tuple[str, str, tuple[Example, ...]], ...] = (
    (
        "Files and YAML",
        "Problems with a whole file, found before its fields are read.",
        (
            Example(
                "file-too-large",
                Case(
                    (write("content/operations/2024/export.yaml", "# " + "x" * 1_100_000 + "\n", ""),),
                    "A 1.1 MB file left among the records, content/operations/2024/export.yaml.",
                ),
                Case((), "Delete the file: a record is a few kilobytes, so this is probably an export."),
            ),
            Example(
                "unreadable",
                Case(
                    (
                        special(
                            RECORD_PATH,
                            lambda root: _symlink(root / RECORD_PATH, "missing.yaml"),
                            "The record is a link to a file that no longer exists.",
                        ),
                    )
                ),
                Case((), "Replace the link with the file itself."),
            ),
            Example(
                "binary-file",
                Case(
                    (
                        write(
                            "content/operations/2024/logo.yaml",
                            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
                            "An image saved with the .yaml extension.",
                            "",
                        ),
                    )
                ),
                Case((), "Delete the file, or save the record as plain text."),
            ),
            Example(
                "bad-encoding",
                Case(
                    (
                        write(
                            RECORD_PATH,
                            RECORD.replace("two countries", "two countries (Côte d'Ivoire)").encode("latin-1"),
                            "The record saved as Latin-1 (Windows-1252) instead of UTF-8, here with an ô.",
                            "",
                        ),
                    )
                ),
                Case((), "Save the file as UTF-8 (in most editors: File > Save with encoding > UTF-8)."),
            ),
            Example(
                "control-character",
                Case(
                    (
                        write(
                            RECORD_PATH,
                            RECORD.replace("two countries", "two countries\x07"),
                            "An invisible control character (here U+0007, pasted from another program) in the title.",
                            "",
                        ),
                    )
                ),
                Case((set_fields("title: Example network targeting audiences in two countries"),)),
            ),
            Example(
                "tab-indent",
                Case(
                    (
                        write(
                            RECORD_PATH,
                            RECORD.replace("    url:", "\turl:"),
                            "sources:\n  - title: Covert influence operations, May 2024\n"
                            "\u21e5   url: https://example.org/report   # indented with a tab (\u21e5)",
                        ),
                    )
                ),
                Case(
                    (
                        set_fields(
                            "sources:\n  - title: Covert influence operations, May 2024\n"
                            "    url: https://example.org/report"
                        ),
                    ),
                    "Indent with spaces only.",
                ),
            ),
            Example(
                "yaml-syntax",
                Case((set_fields("title: Example network: the sequel"),)),
                Case((set_fields('title: "Example network: the sequel"'),), "Quote a value that contains `: `."),
            ),
            Example(
                "multiple-documents",
                Case((append("---\nid: 2024-06-other-network\n"),), "A second record pasted below a `---` line:"),
                Case((), "One file holds one record: move the second one into its own file."),
            ),
            Example(
                "empty-file",
                Case((write(RECORD_PATH, "", "An empty record file.", ""),)),
                Case((), "Fill it in (`transparency new` writes a skeleton), or delete it."),
            ),
            Example(
                "no-front-matter",
                Case((write(REPORT_PATH, "What this quarter's report says.\n", language="markdown"),)),
                Case((write(REPORT_PATH, REPORT, language="markdown"),)),
            ),
            Example(
                "anchor",
                Case((set_fields("accounts: &accounts 65"),)),
                Case((set_fields("accounts: 65"),)),
            ),
            Example(
                "alias",
                Case((set_fields("accounts: &accounts 65\nfollowers: *accounts"),)),
                Case((set_fields("accounts: 65\nfollowers: 65"),), "Write each value out in full."),
            ),
            Example(
                "tag",
                Case((set_fields("accounts: !!int 65"),)),
                Case((set_fields("accounts: 65"),)),
            ),
            Example(
                "complex-key",
                Case((append("[accounts, followers]: 65\n"),)),
                Case((), "Write one `key: value` per line."),
            ),
            Example(
                "duplicate-key",
                Case((append("accounts: 70\n"),), "A second `accounts:` line at the end of the record:"),
                Case((), "Keep one `accounts:` line with the right figure."),
            ),
            Example(
                "too-deep",
                Case((set_fields("narratives: " + "[" * 18 + "example" + "]" * 18),)),
                Case((set_fields("narratives: [example]"),)),
            ),
        ),
    ),
    (
        "Field values",
        "A value that is not of its field's kind (the field dictionary on the Data page lists each kind).",
        (
            Example(
                "expected-text",
                Case((set_fields("title: [Example, network]"),)),
                Case((set_fields("title: Example network"),)),
            ),
            Example("empty-value", Case((set_fields("title:"),)), Case((set_fields("title: Example network"),))),
            Example(
                "too-long",
                Case((set_fields("title: " + "Example network targeting audiences in two countries, " * 4),)),
                Case((set_fields("title: Example network targeting audiences in two countries"),)),
            ),
            Example(
                "bad-id", Case((set_fields("id: 2024_05 Example"),)), Case((set_fields("id: 2024-05-example-network"),))
            ),
            Example(
                "expected-count", Case((set_fields("followers: 116,612"),)), Case((set_fields("followers: 116612"),))
            ),
            Example(
                "expected-number",
                Case((set_fields("ad_spend:\n  amount: $1,500\n  currency: USD"),)),
                Case((set_fields("ad_spend:\n  amount: 1500\n  currency: USD"),)),
            ),
            Example(
                "expected-boolean",
                Case((set_fields("attribution:\n  actor: An example agency\n  state_affiliated: yes"),)),
                Case((set_fields("attribution:\n  actor: An example agency\n  state_affiliated: true"),)),
            ),
            Example(
                "expected-choice",
                Case((set_fields("detection: Internal"),)),
                Case((set_fields("detection: internal"),)),
            ),
            Example(
                "bad-date", Case((set_fields("takedown: 2024-05-32"),)), Case((set_fields("takedown: 2024-05-31"),))
            ),
            Example("bad-period", Case((set_fields("report: 2024-q5"),)), Case((set_fields("report: 2024-q2"),))),
            Example(
                "bad-url",
                Case(
                    (
                        set_fields(
                            "sources:\n  - title: Covert influence operations, May 2024\n"
                            "    url: www.example.org/report"
                        ),
                    )
                ),
                Case(
                    (
                        set_fields(
                            "sources:\n  - title: Covert influence operations, May 2024\n    url: https://www.example.org/report"
                        ),
                    )
                ),
            ),
            Example("bad-country", Case((set_fields("origin: [ir]"),)), Case((set_fields("origin: [IR]"),))),
            Example("bad-target", Case((set_fields("targets: [UK, US]"),)), Case((set_fields("targets: [GB, US]"),))),
            Example(
                "must-be-alone",
                Case((set_fields("targets: [global, US]"),)),
                Case((set_fields("targets: [global]"),), "Either `[global]` alone, or the list of countries."),
            ),
            Example(
                "bad-currency",
                Case((set_fields("ad_spend:\n  amount: 1500\n  currency: usd"),)),
                Case((set_fields("ad_spend:\n  amount: 1500\n  currency: USD"),)),
            ),
            Example(
                "bad-technique", Case((set_fields("techniques: [T97]"),)), Case((set_fields("techniques: [T0097]"),))
            ),
            Example(
                "expected-list",
                Case((set_fields("narratives: example narrative"),)),
                Case((set_fields("narratives: [example narrative]"),)),
            ),
            Example(
                "too-few",
                Case((set_fields("sources: []"),)),
                Case(
                    (
                        set_fields(
                            "sources:\n  - title: Covert influence operations, May 2024\n    url: https://example.org/report"
                        ),
                    )
                ),
            ),
            Example(
                "duplicate-item", Case((set_fields("targets: [GB, US, GB]"),)), Case((set_fields("targets: [GB, US]"),))
            ),
            Example(
                "expected-mapping",
                Case((set_fields("attribution: An example agency"),)),
                Case((set_fields("attribution:\n  actor: An example agency"),)),
            ),
            Example(
                "unknown-key",
                Case((set_fields("folowers: 116612", replacing="followers"),)),
                Case((set_fields("followers: 116612"),)),
            ),
            Example("missing-field", Case((drop_field("detection"),)), Case((set_fields("detection: internal"),))),
            Example(
                "bad-colour",
                Case((set_fields("theme:\n  primary: blu", SITE_PATH),)),
                Case((set_fields("theme:\n  primary: blue", SITE_PATH),)),
            ),
            Example(
                "bad-asset",
                Case((set_fields("theme:\n  logo: C:\\Users\\me\\logo.png", SITE_PATH),)),
                Case(
                    (
                        set_fields("theme:\n  logo: assets/logo.png", SITE_PATH),
                        write("content/overrides/assets/logo.png", b"\x89PNG\r\n\x1a\n", ""),
                    ),
                    "Copy the image into content/overrides/assets/ and name it from there:",
                ),
            ),
        ),
    ),
    (
        "Rules between fields and records",
        "Values that are each fine alone but do not fit together, in one record or across the site.",
        (
            Example(
                "missing-asset",
                Case((set_fields("theme:\n  logo: assets/logo.svg", SITE_PATH),)),
                Case(
                    (
                        set_fields("theme:\n  logo: assets/logo.svg", SITE_PATH),
                        write("content/overrides/assets/logo.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>\n', ""),
                    ),
                    "Put the logo at content/overrides/assets/logo.svg.",
                ),
            ),
            Example(
                "id-not-file-name",
                Case((set_fields("id: 2024-05-example"),)),
                Case((set_fields("id: 2024-05-example-network"),)),
            ),
            Example(
                "duplicate-id",
                Case(
                    (
                        write(
                            SECOND_PATH,
                            SECOND + "previous_ids: [2024-05-example-network]\n",
                            "previous_ids: [2024-05-example-network]",
                        ),
                    ),
                    "A second record claims the first one's id as its previous id:",
                ),
                Case(
                    (
                        write(
                            SECOND_PATH,
                            SECOND + "previous_ids: [2024-06-old-name]\n",
                            "previous_ids: [2024-06-old-name]",
                        ),
                    ),
                    "An id belongs to one record only, for ever; list only this record's own earlier ids.",
                ),
            ),
            Example("no-count", Case((drop_field("accounts"),)), Case((set_fields("accounts: 65"),))),
            Example(
                "no-currency",
                Case((set_fields("ad_spend:\n  amount: 1500"),)),
                Case((set_fields("ad_spend:\n  amount: 1500\n  currency: USD"),)),
            ),
            Example(
                "approximate-not-given",
                Case((set_fields("approximate: [ad_spend]"),)),
                Case((set_fields("approximate: [followers]"),)),
            ),
            Example(
                "in-the-future",
                Case((set_fields("takedown: 2030-05"),)),
                Case((set_fields("takedown: 2024-05"),), "Check the year; or check as of another day with `--as-of`."),
            ),
            Example("wrong-cadence", Case((set_fields("report: 2024-06"),)), Case((set_fields("report: 2024-q2"),))),
            Example(
                "spans-periods",
                Case((set_fields("takedown: 2024-h1"),)),
                Case((set_fields("takedown: 2024-h1\nreport: 2024-q2"),), "Name the period that disclosed it:"),
            ),
            Example(
                "report-before-takedown",
                Case((set_fields("report: 2024-q1"),)),
                Case((set_fields("report: 2024-q2"),)),
            ),
            Example(
                "activity-order",
                Case((set_fields("activity:\n  first: 2024-05\n  last: 2023-12"),)),
                Case((set_fields("activity:\n  first: 2023-12\n  last: 2024-05"),)),
            ),
            Example(
                "corrections-order",
                Case(
                    (
                        set_fields(
                            "corrections:\n  - date: 2024-09-01\n    note: Accounts revised from 60.\n"
                            "  - date: 2024-08-01\n    note: Follower count revised from 11,661."
                        ),
                    )
                ),
                Case(
                    (
                        set_fields(
                            "corrections:\n  - date: 2024-08-01\n    note: Follower count revised from 11,661.\n"
                            "  - date: 2024-09-01\n    note: Accounts revised from 60."
                        ),
                    ),
                    "Oldest first: add each new correction at the end.",
                ),
            ),
            Example(
                "unknown-related",
                Case((set_fields("related: [2024-06-other-netwrok]"), write(SECOND_PATH, SECOND, ""))),
                Case((set_fields("related: [2024-06-other-network]"), write(SECOND_PATH, SECOND, ""))),
            ),
            Example(
                "related-draft",
                Case(
                    (
                        set_fields("related: [2024-06-other-network]"),
                        write(SECOND_PATH, _record(id="2024-06-other-network", takedown="2024-06", status="draft"), ""),
                    ),
                    "This record relates to 2024-06-other-network, which has `status: draft`:",
                ),
                Case(
                    (
                        set_fields("related: [2024-06-other-network]"),
                        write(SECOND_PATH, SECOND, "status: published", "yaml"),
                    ),
                    "Publish the related record first (or remove it from `related`); in its file:",
                ),
            ),
            Example(
                "related-self",
                Case((set_fields("related: [2024-05-example-network]"),)),
                Case((drop_field("related"),), "Remove it: `related` lists other, earlier networks."),
            ),
            Example(
                "missing-intro",
                Case((remove(REPORT_PATH, "The record is published, but content/reports/2024-q2.md does not exist."),)),
                Case(
                    (write(REPORT_PATH, REPORT, language="markdown"),),
                    "Write the period's intro, content/reports/2024-q2.md:",
                ),
            ),
            Example(
                "not-a-record",
                Case(
                    (
                        special(
                            RECORD_PATH,
                            lambda root: _rename(root / RECORD_PATH, ".yml"),
                            "The record is named 2024-05-example-network.yml.",
                        ),
                    )
                ),
                Case((), "Rename it to 2024-05-example-network.yaml."),
            ),
            Example(
                "outside-content",
                Case(
                    (
                        special(
                            "content/operations/2024/shared.yaml",
                            lambda root: _symlink_outside(root),
                            "content/operations/2024/shared.yaml is a link to shared.yaml, outside the content folder.",
                        ),
                    )
                ),
                Case((), "Copy the file into the content folder instead of linking to it."),
            ),
            Example(
                "missing-site",
                Case((remove(SITE_PATH, "content/site.yaml was deleted."),)),
                Case((write(SITE_PATH, SITE_YAML),)),
            ),
            Example(
                "no-operations",
                Case((remove("content/operations", "The content folder has no operations/ folder."),)),
                Case((), "Create content/operations/ and keep one folder per year in it."),
            ),
        ),
    ),
    (
        "Published history (check --against)",
        "`transparency check --against REV` compares the records with an earlier git revision, so that "
        "published figures never change silently. The examples compare with the last commit (`HEAD`).",
        (
            Example(
                "no-git-history",
                Case((), "The content folder is not in a git repository (or git is not installed)."),
                Case(
                    (),
                    "Run the check in a git clone with its history (in GitHub Actions: `fetch-depth: 0`).",
                    repository=True,
                ),
                against="HEAD",
                repository=False,
            ),
            Example(
                "unknown-revision",
                Case((), "`transparency check --against v9`, but there is no tag or branch v9."),
                Case(
                    (),
                    "Name a commit, branch or tag that exists: `--against origin/main` (fetch it first in CI).",
                    against="HEAD",
                ),
                against="v9",
            ),
            Example(
                "correction-edited",
                Case(
                    (set_fields("corrections:\n  - date: 2024-08-01\n    note: Follower count revised."),),
                    "A published correction reworded:",
                ),
                Case(
                    (
                        set_fields(
                            CORRECTION + "  - date: 2024-09-01\n    note: The note of 2024-08-01 should have said "
                            "'revised from 11,661 to 116,612'."
                        ),
                    ),
                    "Keep it as published, and add a new correction:",
                ),
                against="HEAD",
                committed=(set_fields(CORRECTION),),
            ),
            Example(
                "correction-removed",
                Case((drop_field("corrections"),)),
                Case((set_fields(CORRECTION),), "Restore it: corrections are append-only."),
                against="HEAD",
                committed=(set_fields(CORRECTION),),
            ),
            Example(
                "figure-changed-silently",
                Case((set_fields("followers: 120000"),), "A published figure changed:"),
                Case(
                    (set_fields("followers: 120000\n" + CORRECTION.replace("from 11,661", "from 116,612")),),
                    "Change it together with a new correction saying what changed and why:",
                ),
                against="HEAD",
            ),
            Example(
                "record-deleted",
                Case((remove(RECORD_PATH, "A published record's file deleted."),)),
                Case(
                    (set_fields("status: draft"),),
                    "Keep the file. To take the network off the site, set its status to draft:",
                ),
                against="HEAD",
            ),
        ),
    ),
    (
        "Permalinks (check --previous-manifest)",
        "`transparency check --previous-manifest FILE` compares the site with the manifest.json of an "
        "earlier build (it lists every public URL), so that no permalink breaks.",
        (
            Example(
                "url-removed",
                Case(
                    (
                        special(
                            RECORD_PATH,
                            lambda root: _rename_record(root, "2024-05-example-network-renamed"),
                            "The record renamed to 2024-05-example-network-renamed (file and id), "
                            "while the earlier build published /operations/2024-05-example-network/.",
                        ),
                    )
                ),
                Case(
                    (
                        special(
                            RECORD_PATH,
                            lambda root: _rename_record(
                                root, "2024-05-example-network-renamed", "previous_ids: [2024-05-example-network]\n"
                            ),
                            "",
                        ),
                        Edit(RECORD_PATH, lambda root: None, "previous_ids: [2024-05-example-network]"),
                    ),
                    "Keep the old id in the renamed record, so the old address redirects to the new one:",
                ),
                manifest=("operations/2024-05-example-network/",),
            ),
        ),
    ),
)


def examples() -> list[Example]:
    return [example for _, _, listed in SECTIONS for example in listed]


def _symlink(path: Path, target: str) -> None:
    path.unlink()
    path.symlink_to(target)


def _symlink_outside(root: Path) -> None:
    (root / "shared.yaml").write_text(RECORD, encoding="utf-8")
    (root / "content/operations/2024/shared.yaml").symlink_to(Path("../../../shared.yaml"))


def _rename(path: Path, suffix: str) -> None:
    path.rename(path.with_suffix(suffix))


def _rename_record(root: Path, new_id: str, extra: str = "") -> None:
    old = root / RECORD_PATH
    text = old.read_text(encoding="utf-8").replace("id: 2024-05-example-network", f"id: {new_id}", 1)
    old.unlink()
    (old.parent / f"{new_id}.yaml").write_text(text + extra, encoding="utf-8")


@dataclass
class Outcome:
    problems: list[Problem] = field(default_factory=list)
    """Every problem `check` reported, paths relative to the example site's folder."""

    @property
    def codes(self) -> set[str]:
        return {p.code for p in self.problems}


@contextmanager
def _git_environment(root: Path) -> Iterator[None]:
    """Commits with fixed names and dates, no user or system configuration, and no repository
    found above the example's folder (`history` runs git with this process's environment)."""
    values = {
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CEILING_DIRECTORIES": str(root.parent),
        "GIT_AUTHOR_NAME": "Policy team",
        "GIT_AUTHOR_EMAIL": "policy@example.org",
        "GIT_COMMITTER_NAME": "Policy team",
        "GIT_COMMITTER_EMAIL": "policy@example.org",
        "GIT_AUTHOR_DATE": COMMITTED,
        "GIT_COMMITTER_DATE": COMMITTED,
    }
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _commit(root: Path) -> None:
    for args in (
        ["init", "--quiet", "--initial-branch=main"],
        ["add", "--all"],
        ["commit", "--quiet", "-m", "Published"],
    ):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def run_case(example: Example, case: Case) -> Outcome:
    """Build the example site in a temporary folder, apply `case` and check it as `check` would."""
    from generator.build import check_manifest
    from generator.history import check_against
    from generator.validate import validate_content

    with tempfile.TemporaryDirectory(prefix="transparency-errors-") as folder:
        root = Path(folder).resolve() / "site"
        for path, text in BASE.items():
            write(path, text).apply(root)
        content = root / "content"
        with _git_environment(root):
            against = case.against or example.against
            repository = example.repository if case.repository is None else case.repository
            if against is not None and repository:
                for edit in example.committed:
                    edit.apply(root)
                _commit(root)
            for edit in case.edits:
                edit.apply(root)
            checked = validate_content(content, TODAY)
            problems = list(checked.problems)
            if against is not None:
                problems += check_against(content, against, checked)
            if example.manifest:
                manifest = root / "manifest.json"
                manifest.write_text(json.dumps({"urls": list(example.manifest)}), encoding="utf-8")
                problems += check_manifest(checked, TODAY, manifest)
        return Outcome([_relative(p, root) for p in problems])


def _relative(problem: Problem, root: Path) -> Problem:
    """The problem as it reads when `check` runs in the example site's folder."""
    from generator.load import display_path

    def strip(text: str) -> str:
        for prefix in {str(root) + os.sep, display_path(root) + os.sep}:
            text = text.replace(prefix, "")
        return text

    return Problem(
        strip(problem.path), problem.line, problem.col, strip(problem.message), strip(problem.hint), problem.code
    )


def render_catalogue() -> str:
    """The catalogue as a Markdown page for content/pages/ (front matter included)."""
    lines = [
        "---",
        "title: Error catalogue",
        "order: 111",
        "---",
        "Every message `transparency check` can print, by its id (the title of each annotation in",
        "GitHub, and the `code` in `check --format json`). For each: what it means, an example of",
        "the mistake, what `check` prints for it, and the fix. The examples start from a valid site",
        "with one record, `content/operations/2024/2024-05-example-network.yaml`.",
        "",
        "This page is generated from the validator itself (`transparency errors`) and tested",
        "against it, so it always shows the messages as `check` prints them.",
        "",
    ]
    lines += ["| Message id | Meaning |", "|---|---|"]
    lines += [f"| [{e.code}](#{e.code}) | {MESSAGES[e.code].replace('|', '&#124;')} |" for e in examples()]
    lines.append("")
    for title, intro, listed in SECTIONS:
        lines += [f"# {title}", "", intro, ""]
        for example in listed:
            lines += _entry(example)
    return "\n".join(lines).rstrip("\n") + "\n"


def _entry(example: Example) -> list[str]:
    out = [f"## {example.code}", "", MESSAGES[example.code], ""]
    out += _shown("The mistake", example.mistake)
    printed = [render_text(p) for p in run_case(example, example.mistake).problems if p.code == example.code]
    out += ["`check` prints:", "", "```text", *printed, "```", ""]
    out += _shown("The fix", example.fix)
    return out


def _shown(label: str, case: Case) -> list[str]:
    shown = [edit for edit in case.edits if edit.shown]
    code = [edit for edit in shown if edit.language]
    sentence = " ".join([case.note] * bool(case.note) + [edit.shown for edit in shown if not edit.language])
    if sentence:
        out = [f"{label}: {sentence}", ""]
    elif code:
        out = [f"{label}, in `{code[0].path}`:", ""]
    else:
        out = []
    for edit in code:
        out += [f"```{edit.language}", edit.shown, "```", ""]
    return out


def undocumented() -> set[str]:
    """Message ids that have no example (the test requires none)."""
    return set(MESSAGES) - {example.code for example in examples()}
