"""The one Problem type every stage reports, and its renderers (text, JSON, GitHub annotations).

Stages return lists of Problems; only the CLI prints them.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in the content, located as precisely as we can."""

    path: str
    """File path as the user would type it (relative to the working directory when possible)."""
    line: int
    """1-based line; 0 when the problem concerns the whole file."""
    col: int
    """1-based column; 0 when unknown."""
    message: str
    """What is wrong, in the shape `expected X, found 'Y'` where it fits."""
    hint: str = ""
    """How to fix it, one line."""
    code: str = ""
    """Stable message id (see the error catalogue), e.g. `unknown-key`."""
    severity: str = "error"
    """`error` or `warning`."""


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Sorted by file, line, column; duplicates removed."""
    return sorted(set(problems))


def printable(text: str) -> str:
    """Control characters and line breaks shown as escapes, so one problem stays on one line."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def render_text(problem: Problem) -> str:
    where = printable(problem.path)
    if problem.line:
        where += f":{problem.line}:{problem.col or 1}"
    text = f"{where}: {problem.severity}: {printable(problem.message)}"
    if problem.hint:
        text += f"\n  hint: {printable(problem.hint)}"
    return text


def _escape_annotation(value: str, *, property_: bool = False) -> str:
    # GitHub's workflow-command escaping: %, CR, LF always; ':' and ',' in properties.
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def render_github(problem: Problem) -> str:
    props = f"file={_escape_annotation(problem.path, property_=True)}"
    if problem.line:
        props += f",line={problem.line},col={problem.col or 1}"
    if problem.code:
        props += f",title={_escape_annotation(problem.code, property_=True)}"
    message = problem.message + (f"\n{problem.hint}" if problem.hint else "")
    return f"::{problem.severity} {props}::{_escape_annotation(message)}"


def render_json(problems: list[Problem]) -> str:
    return json.dumps(
        {"problems": [asdict(p) for p in problems], "count": len(problems)},
        ensure_ascii=False,
        indent=2,
    )
