"""`transparency new`: a correct skeleton record from the editor's answers, validated before it
is written, never overwriting. Takes a content folder and answers; gives a path or problems.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from generator.errors import Problem
from generator.kinds import Issue
from generator.load import display_path, parse_yaml
from generator.schema import OPERATION

EXISTS = "file-exists"


class NewRecord:
    ASKED = (
        "id",
        "title",
        "takedown",
        "origin",
        "targets",
        "detection",
        "accounts",
        "followers",
        "source_title",
        "source_url",
    )
    PROMPTS = {
        "id": "id (lowercase-with-hyphens, becomes the file name and permalink)",
        "title": "title",
        "takedown": "takedown date (YYYY-MM-DD, YYYY-MM, YYYY-qN or YYYY-hN)",
        "origin": "operated from (ISO codes, comma-separated, or unknown)",
        "targets": "targeted (ISO codes or regions, comma-separated)",
        "detection": "detection (internal, external or unknown)",
        "accounts": "accounts removed",
        "followers": "followers (leave empty if not disclosed)",
        "source_title": "source title",
        "source_url": "source URL",
    }


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _codes(text: str) -> str:
    return "[" + ", ".join(c.strip() for c in text.split(",") if c.strip()) + "]"


def render_new_record(answers: dict[str, str | None], schema_ref: str) -> str:
    a = {k: (v or "").strip() for k, v in answers.items()}
    lines = [
        f"# yaml-language-server: $schema={schema_ref}",
        f"id: {a['id']}",
        f"title: {_quote(a['title'])}",
        "status: draft",
        f"takedown: {a['takedown']}",
        f"origin: {_codes(a['origin'] or 'unknown')}",
        f"targets: {_codes(a['targets'])}",
        f"detection: {a['detection'] or 'unknown'}",
        f"accounts: {a['accounts']}",
    ]
    if a.get("followers"):
        lines.append(f"followers: {a['followers']}")
    lines += [
        "narratives: []",
        "summary: |",
        "  Describe in our own words what the network did, whom it targeted and how it was found.",
        "sources:",
        f"  - title: {_quote(a['source_title'])}",
        f"    url: {a['source_url']}",
    ]
    return "\n".join(lines) + "\n"


def _flag(where: str) -> str:
    """The command-line flag that supplied the value at `where` (sources[1].url -> source-url)."""
    if where.startswith("sources[1]."):
        return "source-" + where.removeprefix("sources[1].")
    return where.split("[")[0].split(".")[0].replace("_", "-")


def _schema_file(content: Path) -> Path:
    """The JSON Schema editors should use: the repository's copy, else one kept in the content
    folder (written with the first new record, so the schema comment points at a real file)."""
    repository_copy = content.parent / "schema" / "operation.schema.json"
    return repository_copy if repository_copy.exists() else content / "operation.schema.json"


def _write_schema(target: Path) -> None:
    import json

    from generator.schema import json_schema

    target.write_text(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_new_record(content: Path, answers: dict[str, str | None], today: date) -> tuple[Path, list[Problem]]:
    record_id = (answers.get("id") or "").strip()
    takedown = (answers.get("takedown") or "").strip()
    year = takedown[:4] if takedown[:4].isdigit() else str(today.year)
    path = content / "operations" / year / f"{record_id or 'new'}.yaml"
    shown = display_path(path)
    if path.exists():
        return path, [
            Problem(
                shown,
                0,
                0,
                "file already exists",
                "choose another id; records are never overwritten",
                EXISTS,
            )
        ]
    schema_file = _schema_file(content)
    schema_ref = os.path.relpath(schema_file, path.parent)
    text = render_new_record(answers, schema_ref)
    root, problems = parse_yaml(text, shown)
    if root is not None:
        issues: list[Issue] = []
        OPERATION.parse(root, "", issues)
        problems += [Problem(shown, 0, 0, f"--{_flag(i.where)}: {i.message}", i.hint, i.code) for i in issues]
    if record_id and problems == []:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
        if not schema_file.exists():
            _write_schema(schema_file)
    return path, problems
