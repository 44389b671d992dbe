"""Compares the content folder with an earlier git revision (`transparency check --against REV`),
so published numbers never change silently: corrections are append-only, a published figure
changes only together with a new correction, and a published record is never deleted.

Takes the content folder, a revision and the current `validate.Checked`; gives `Problem`s located
in the current files. Reads git through `git` subprocesses; never raises for a bad revision.
"""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.errors import Problem, sort_problems
from generator.kinds import Record, message
from generator.load import Node, decode, display_path, parse_yaml, split_front_matter
from generator.periods import period_of_span
from generator.schema import OPERATION, REPORT, SITE

if TYPE_CHECKING:
    from generator.validate import Checked

NO_HISTORY = message("no-git-history", "`check --against` found no git repository or no git.")
UNKNOWN_REVISION = message("unknown-revision", "`check --against` names a revision git does not know.")
CORRECTION_EDITED = message("correction-edited", "A published correction was edited (they are append-only).")
CORRECTION_REMOVED = message("correction-removed", "A published correction was removed (they are append-only).")
SILENT_CHANGE = message("figure-changed-silently", "A published figure changed with no new correction.")
RECORD_DELETED = message("record-deleted", "A published record was deleted (ids are permanent).")

FIGURES = ("accounts", "followers", "approximate", "surfaces", "ad_spend", "takedown", "report", "origin", "targets")
"""Fields whose published value may change only together with a new corrections entry."""


class GitError(Exception):
    """git could not answer; the message says why, for the one Problem it becomes."""


@dataclass(frozen=True)
class Revision:
    """The content folder as committed at one revision."""

    top: Path
    """Root of the git work tree."""
    prefix: str
    """The content folder's path inside the repository, with a trailing slash (or empty)."""
    commit: str
    day: date
    """Day the revision was committed: a record counts as published at it when its report was."""
    object_format: str = "sha1"
    """Hash of git's object ids: `sha1`, or `sha256` in repositories created so."""


def _git(top: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=top, input=stdin, capture_output=True, check=False)
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or exc}") from None
    if done.returncode:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(said[-1] if said else f"git {args[0]} failed")
    return done.stdout


def open_revision(content: Path, rev: str) -> Revision:
    if not content.is_dir():
        raise GitError(f"no content folder at {content}")
    try:
        top = Path(_git(content, "rev-parse", "--show-toplevel").decode().strip())
        prefix = _git(content, "rev-parse", "--show-prefix").decode().strip()
    except GitError as exc:
        raise GitError(f"the content folder is not in a git repository ({exc})") from None
    if not rev or rev.startswith("-"):
        raise LookupError(rev)
    try:
        commit = _git(top, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").decode().strip()
    except GitError:
        raise LookupError(rev) from None
    day = date.fromisoformat(_git(top, "show", "-s", "--format=%cI", commit).decode().strip()[:10])
    object_format = "sha256" if len(commit) == 64 else "sha1"
    return Revision(top, prefix, commit, day, object_format)


def list_files(revision: Revision, folder: str) -> dict[str, str]:
    """Content-relative path -> git object id of every file under `folder` at the revision."""
    listed = _git(revision.top, "ls-tree", "-r", "-z", revision.commit, "--", revision.prefix + folder)
    files = {}
    for entry in listed.decode("utf-8", "surrogateescape").split("\0"):
        if entry:
            meta, path = entry.split("\t", 1)
            _, kind, object_id = meta.split()
            if kind == "blob":
                files[path.removeprefix(revision.prefix)] = object_id
    return files


def read_files(revision: Revision, files: dict[str, str]) -> dict[str, bytes]:
    """The bytes of these files (path -> object id), read by one `git cat-file --batch`: a
    `git show REV:path` per record would start thousands of processes."""
    if not files:
        return {}
    out = _git(revision.top, "cat-file", "--batch", stdin="".join(f"{o}\n" for o in files.values()).encode())
    found: dict[str, bytes] = {}
    position = 0
    for path in files:
        end = out.index(b"\n", position)
        header = out[position:end].split()
        position = end + 1
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            found[path] = out[position : position + size]
            position += size + 1
    return found


def _old_files(revision: Revision, folder: str) -> dict[str, bytes]:
    return read_files(revision, list_files(revision, folder))


def object_id(data: bytes, revision: Revision) -> str:
    """The id git gives a file of these bytes (so an unchanged file need not be read from git)."""
    digest = hashlib.new(revision.object_format)
    digest.update(b"blob %d\0" % len(data))
    digest.update(data)
    return digest.hexdigest()


def _values(data: bytes, shown: str, kind: Record = OPERATION, front_matter: bool = False) -> dict[str, Any] | None:
    text, _ = decode(data, shown)
    if text is None:
        return None
    offset = 0
    if front_matter:
        text, _, offset = split_front_matter(text)
        if text is None:
            return None
    root, _ = parse_yaml(text, shown, offset)
    return kind.parse(root, "", []) if root is not None else None


def _changed_records(revision: Revision, content: Path, checked: Checked) -> dict[str, tuple[str, dict[str, Any]]]:
    """Id -> (content-relative path, values) of every record that was live at the revision (its
    status was `published` and its period's report was out by the revision's commit day) and whose
    file is no longer byte for byte the same."""
    old_site = _values(_old_files(revision, "site.yaml").get("site.yaml", b""), "site.yaml", SITE)
    cadence = (old_site or checked.site or {}).get("cadence", "quarter")
    reports: dict[str, date] = {}
    for path, data in _old_files(revision, "reports").items():
        values = _values(data, path, REPORT, front_matter=True)
        if values is not None and path.endswith(".md"):
            reports[Path(path).stem.lower()] = values["published"].start
    records = {}
    changed = {}
    for path, blob in list_files(revision, "operations").items():
        now = content / path
        if not (now.is_file() and object_id(now.read_bytes(), revision) == blob):
            changed[path] = blob  # an unchanged file has nothing to report: not even read
    for path, data in read_files(revision, changed).items():
        values = _values(data, path) if path.endswith(".yaml") else None
        if values is None or values["status"] != "published":
            continue
        period = values.get("report") or period_of_span(values["takedown"], cadence)
        published = reports.get(period.name) if period is not None else None
        if published is not None and published <= revision.day:
            records[values["id"]] = (path, values)
    return records


def _shown(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_shown(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (tuple, frozenset)):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    return str(value)


def compare_record(path: str, root: Node, old: dict[str, Any], new: dict[str, Any]) -> list[Problem]:
    """Problems in the current record `new` (file `path`, nodes under `root`) against its published `old`."""
    out: list[Problem] = []
    before, after = old.get("corrections", ()), new.get("corrections", ())
    listed = root.get("corrections")
    for index, correction in enumerate(before):
        where = f"corrections[{index + 1}]"
        if index >= len(after):
            node = listed or root
            text = f"{where}: the published correction of {correction['date']} was removed"
            out.append(
                Problem(path, node.line, node.col, text, "corrections are append-only: restore it", CORRECTION_REMOVED)
            )
        elif after[index] != correction:
            item = listed.value[index]  # type: ignore[union-attr,index]
            part = "date" if after[index]["date"] != correction["date"] else "note"
            node = item.get(part) or item
            out.append(
                Problem(
                    path,
                    node.line,
                    node.col,
                    f"{where}.{part}: the published correction was edited (it read '{correction[part]}')",
                    "corrections are append-only: restore it, and add a new correction saying what changed",
                    CORRECTION_EDITED,
                )
            )
    if len(after) > len(before):
        return out
    for name in FIGURES:
        for where, was, now in _changes(name, old.get(name), new.get(name)):
            node = _node_at(root, where)
            out.append(
                Problem(
                    path,
                    node.line,
                    node.col,
                    f"{where}: published value changed from {_shown(was)} to {_shown(now)} without a correction",
                    "add an entry at the end of `corrections` (date: YYYY-MM-DD, note: what changed and why), "
                    "or restore the published value",
                    SILENT_CHANGE,
                )
            )
    return out


def _changes(where: str, was: Any, now: Any) -> list[tuple[str, Any, Any]]:
    """(dotted field, old, new) of each changed value; a mapping is compared key by key."""
    if isinstance(was, dict) and isinstance(now, dict):
        keys = list(was) + [k for k in now if k not in was]
        return [change for k in keys for change in _changes(f"{where}.{k}", was.get(k), now.get(k))]
    if where == "approximate":  # a set of figure names: the order they are listed in says nothing
        was, now = frozenset(was or ()), frozenset(now or ())
        return [] if was == now else [(where, tuple(sorted(was)), tuple(sorted(now)))]
    return [] if was == now else [(where, was, now)]


def _node_at(root: Node, where: str) -> Node:
    """The deepest node along a dotted path that still exists (the record itself at worst)."""
    node = root
    for key in where.split("."):
        found = node.get(key) if node.kind == "map" else None
        if found is None:
            break
        node = found
    return node


def check_against(content: Path, rev: str, checked: Checked) -> list[Problem]:
    """Problems with published records changed since `rev` (a commit, branch or tag)."""
    shown = display_path(content)
    try:
        revision = open_revision(content, rev)
        published = _changed_records(revision, content, checked)
    except LookupError:
        return [
            Problem(
                shown,
                0,
                0,
                f"--against: expected a git commit, branch or tag, found '{rev}'",
                "name a commit, branch or tag that exists, e.g. --against origin/main (fetch it first in CI)",
                UNKNOWN_REVISION,
            )
        ]
    except GitError as exc:
        return [
            Problem(
                shown,
                0,
                0,
                f"--against: cannot compare with git revision '{rev}': {exc}",
                "run the check inside a git clone with full history (in CI: fetch-depth: 0)",
                NO_HISTORY,
            )
        ]
    current: dict[str, tuple[str, Node, dict[str, Any]]] = {}
    for doc, values in checked.operations:
        for name in (values["id"], *values.get("previous_ids", ())):
            current.setdefault(name, (doc.path, doc.root, values))
    on_disk = {path.stem for path in (content / "operations").rglob("*.yaml")}
    out: list[Problem] = []
    for record_id, (old_path, old) in sorted(published.items()):
        found = current.get(record_id)
        if found is not None:
            path, root, new = found
            out += compare_record(path, root, old, new)
        elif record_id not in on_disk:  # a record that is there but invalid is reported by validation
            out.append(
                Problem(
                    display_path(content / old_path),
                    0,
                    0,
                    f"published record '{record_id}' was deleted",
                    "ids are permanent and permalinks must keep working: restore the file (to take it "
                    "off the site, keep it and set `status: draft`; to rename it, keep the old id in "
                    "`previous_ids`)",
                    RECORD_DELETED,
                )
            )
    return sort_problems(out)
