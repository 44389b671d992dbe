"""Reads content files as bytes and turns them into YAML node trees that keep line and column.

Owns the traps that silently corrupt data: bad UTF-8, tabs, anchors and aliases, duplicate keys,
custom tags, deep nesting, several documents. It never guesses types: a scalar stays the text the
user wrote, and the validator decides what it means (`NO` in a country list is Norway).
Takes bytes, gives `Node` trees and `Problem`s; never raises for any input.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.errors import Problem

MAX_FILE_BYTES = 1024 * 1024
"""Content files larger than this are refused unread: a record is a few kilobytes."""

MAX_MARKDOWN_CHARS = 100_000
"""Longest Markdown body of an intro or page: markdown-it needs ~3 s for 100,000 characters of
pathological input (`[[[[...`, growing with the square of the length), well under 1 ms for prose."""

MAX_DEPTH = 16
"""The record format nests three levels; anything deeper is a mistake or an attack."""

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
"""Invisible characters no text may hold: C0 and C1 controls (tab and line breaks aside) and
non-characters. XML (feeds) refuses most of them and YAML (page front matter) the rest."""

_BOM = b"\xef\xbb\xbf"
_ALLOWED_TAGS = {None, "!", "tag:yaml.org,2002:str"}
try:
    from yaml.cyaml import CParser as _Parser
except ImportError:  # PyYAML built without libyaml: the same events, only slower
    _Parser = yaml.SafeLoader  # type: ignore[assignment,misc]


@dataclass(slots=True, eq=False)
class Node:
    """A YAML value with the position where it starts (1-based line and column)."""

    kind: str
    """`scalar`, `map`, `seq`, or `alias` (an alias is reported and otherwise ignored)."""
    value: object
    """str for scalars; list[Node] for sequences; list[tuple[Node, Node]] for mappings."""
    line: int
    col: int
    quoted: bool = False
    """True when the scalar was written in quotes or as a block (`|`, `>`): surely a string."""

    def get(self, key: str) -> Node | None:
        """The value under `key` in a mapping node, or None."""
        for k, v in self.value:  # type: ignore[union-attr]
            if k.value == key:
                return v
        return None


@dataclass(slots=True)
class Document:
    """One loaded file: its path for messages, its root node (None if unusable) and text."""

    path: str
    root: Node | None
    text: str
    line_offset: int = 0
    """Lines before the YAML starts (front matter in a Markdown file starts on line 2)."""
    body: str = ""
    """Markdown after the front matter, for report intros and pages."""


def display_path(path: Path) -> str:
    """The path as the user would type it: relative to the working directory when inside it."""
    text = str(path)
    if path.is_absolute():
        cwd = os.getcwd() + os.sep
        if text.startswith(cwd):
            return text[len(cwd) :]
    return text


def read_text(path: Path, shown: str) -> tuple[str | None, list[Problem]]:
    """Read a file's bytes and decode them as strict UTF-8 (a leading BOM is tolerated)."""
    try:
        # Non-blocking, so a named pipe is refused instead of waiting forever for a writer; plain
        # descriptor reads, as a buffered file object per record costs as much as reading it.
        fd = os.open(path, os.O_RDONLY | _O_NONBLOCK | _O_BINARY)
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                return None, [
                    Problem(
                        shown,
                        0,
                        0,
                        "not a regular file (a named pipe, device or socket)",
                        "only text files belong in the content folder: delete it",
                        "unreadable",
                    )
                ]
            if info.st_size > MAX_FILE_BYTES:
                return None, [
                    Problem(
                        shown,
                        0,
                        0,
                        f"file is {info.st_size:,} bytes, more than the {MAX_FILE_BYTES:,}-byte limit",
                        "a record is a few kilobytes: is this the right file?",
                        "file-too-large",
                    )
                ]
            # bounded even if the file grows meanwhile (one byte more tells that it did)
            data = _read_at_most(fd, info.st_size + 1)
        finally:
            os.close(fd)
    except OSError as exc:
        return None, [Problem(shown, 0, 0, f"cannot read file: {exc.strerror}", "", "unreadable")]
    return decode(data, shown)


_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_O_BINARY = getattr(os, "O_BINARY", 0)
"""Windows opens descriptors in text mode (CRLF turned into LF) unless told otherwise."""


def _read_at_most(fd: int, limit: int) -> bytes:
    chunks = []
    while limit > 0:
        chunk = os.read(fd, limit)
        if not chunk:
            break
        chunks.append(chunk)
        limit -= len(chunk)
    return b"".join(chunks)


def decode(data: bytes, shown: str) -> tuple[str | None, list[Problem]]:
    if len(data) > MAX_FILE_BYTES:
        return None, [
            Problem(
                shown,
                0,
                0,
                f"file is {len(data):,} bytes, more than the {MAX_FILE_BYTES:,}-byte limit",
                "a record is a few kilobytes: is this the right file?",
                "file-too-large",
            )
        ]
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    nul = data.find(b"\0")
    if nul >= 0:
        line, col = _position(data, nul)
        return None, [
            Problem(
                shown,
                line,
                col,
                "file contains a NUL byte: it looks binary, not YAML text",
                "save the file as plain UTF-8 text",
                "binary-file",
            )
        ]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line, col = _position(data, exc.start)
        bad = data[exc.start : exc.start + 1].hex()
        return None, [
            Problem(
                shown,
                line,
                col,
                f"invalid UTF-8: byte 0x{bad} cannot be decoded",
                "save the file as UTF-8 (in most editors: File > Save with encoding > UTF-8)",
                "bad-encoding",
            )
        ]


def _position(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    col = len(data[start:offset].decode("utf-8", errors="replace")) + 1
    return line, col


def parse_yaml(text: str, shown: str, line_offset: int = 0) -> tuple[Node | None, list[Problem]]:
    """Build a node tree from YAML text; every problem found is returned, never raised."""
    problems = _tab_problems(text, shown, line_offset)
    if problems:
        return None, problems
    try:
        root = _build_tree(text, shown, line_offset, problems)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = (exc.problem or exc.context or "invalid YAML").strip()
        if exc.context_mark and exc.context and "quoted scalar" in exc.context:
            mark = exc.context_mark  # point at the opening quote, not the end of the file
            message = "a quote opened here is never closed"
        line = (mark.line + 1 + line_offset) if mark else 0
        col = (mark.column + 1) if mark else 0
        problems.append(Problem(shown, line, col, f"invalid YAML: {message}", _yaml_hint(message), "yaml-syntax"))
        return None, problems
    except yaml.reader.ReaderError as exc:
        # libyaml reports a byte offset into the UTF-8 encoding, not a character index
        position = len(text.encode("utf-8")[: exc.position].decode("utf-8", errors="ignore"))
        line = text.count("\n", 0, position) + 1 + line_offset
        col = position - (text.rfind("\n", 0, position) + 1) + 1
        problems.append(
            Problem(
                shown,
                line,
                col,
                f"character U+{exc.character:04X} is not allowed in YAML",
                "delete the invisible control character (retype the line if unsure)",
                "control-character",
            )
        )
        return None, problems
    except (yaml.YAMLError, RecursionError, MemoryError) as exc:
        problems.append(Problem(shown, 0, 0, f"invalid YAML: {exc}", "", "yaml-syntax"))
        return None, problems
    if root is None and not problems:
        problems.append(
            Problem(
                shown,
                1 + line_offset,
                1,
                "file is empty",
                "start from `transparency new` or copy an existing record",
                "empty-file",
            )
        )
    return root, problems


def _yaml_hint(message: str) -> str:
    if "mapping values are not allowed" in message:
        return "a value containing ': ' must be quoted, e.g. title: \"Name: subtitle\""
    if "could not find expected ':'" in message:
        return "each line of a mapping is `key: value`; check the line above for a missing colon"
    if "never closed" in message:
        return "add the matching closing quote"
    if "cannot start any token" in message:
        return "values starting with @ or ` must be quoted"
    return "check indentation and quoting around this position"


def _tab_problems(text: str, shown: str, line_offset: int) -> list[Problem]:
    if "\t" not in text:
        return []
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            problems.append(
                Problem(
                    shown,
                    number + line_offset,
                    indent.index("\t") + 1,
                    "tab character in indentation",
                    "YAML indentation must use spaces; replace the tab with spaces",
                    "tab-indent",
                )
            )
    return problems


_Scalar, _MapStart, _SeqStart = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
_MapEnd, _SeqEnd, _Alias = yaml.MappingEndEvent, yaml.SequenceEndEvent, yaml.AliasEvent
_DocStart, _StreamEnd = yaml.DocumentStartEvent, yaml.StreamEndEvent


def _build_tree(text: str, shown: str, offset: int, problems: list[Problem]) -> Node | None:
    """Turn libyaml's events into Nodes in one loop, without recursion, so depth stays bounded.

    This is the hot loop of a check (some 45 events per record): events are pulled from the
    parser one call each, and the innermost open collection is kept in local variables, its
    enclosing ones on a stack. Returns None after a fatal problem (several documents, too deep).
    """
    parser = _Parser(text)
    get_event = parser.get_event
    first_line = 1 + offset
    root: Node | None = None
    stack: list[tuple] = []
    collection: Node | None = None  # the innermost open collection (None at the top level)
    items: list | None = None  # its children so far
    seen: set | None = None  # its keys so far (None in a sequence)
    key: Node | None = None  # a key waiting for its value
    documents = 0
    try:
        while True:
            event = get_event()
            kind = type(event)
            if kind is _Scalar:
                tag = event.tag
                if tag is not None and tag not in _ALLOWED_TAGS:
                    _report(problems, shown, offset, event, f"tags are not allowed (found '{tag}')", _TAG_HINT, "tag")
                if event.anchor is not None:
                    _report(problems, shown, offset, event, _anchor_message(event), _ANCHOR_HINT, "anchor")
                mark = event.start_mark
                node = Node(
                    "scalar",
                    event.value,
                    mark.line + first_line,
                    mark.column + 1,
                    bool(event.style) or (tag is not None and tag != "!"),
                )
            elif kind is _MapEnd or kind is _SeqEnd:
                node = collection  # type: ignore[assignment]
                collection, items, seen, key = stack.pop()
            elif kind is _MapStart or kind is _SeqStart:
                if event.anchor is not None:
                    _report(problems, shown, offset, event, _anchor_message(event), _ANCHOR_HINT, "anchor")
                if event.tag not in _ALLOWED_TAGS and event.tag != "tag:yaml.org,2002:map":
                    _report(
                        problems, shown, offset, event, f"tags are not allowed (found '{event.tag}')", _TAG_HINT, "tag"
                    )
                if len(stack) >= MAX_DEPTH:
                    _report(
                        problems,
                        shown,
                        offset,
                        event,
                        f"nesting deeper than {MAX_DEPTH} levels",
                        "records nest at most three levels; check the indentation",
                        "too-deep",
                    )
                    return None
                mark = event.start_mark
                stack.append((collection, items, seen, key))
                collection = Node("map" if kind is _MapStart else "seq", [], mark.line + first_line, mark.column + 1)
                items = collection.value  # type: ignore[assignment]
                seen = set() if kind is _MapStart else None
                key = None
                continue
            elif kind is _Alias:
                _report(
                    problems,
                    shown,
                    offset,
                    event,
                    f"aliases are not allowed (found '*{event.anchor}')",
                    "write the value out in full: each record stands on its own",
                    "alias",
                )
                mark = event.start_mark
                node = Node("alias", None, mark.line + first_line, mark.column + 1)
            elif kind is _DocStart:
                documents += 1
                if documents > 1:
                    _report(
                        problems,
                        shown,
                        offset,
                        event,
                        "more than one YAML document in the file",
                        "one file holds one record; remove the second `---`",
                        "multiple-documents",
                    )
                    return None
                continue
            elif kind is _StreamEnd:
                return root
            else:
                continue
            if items is None:
                root = node
            elif seen is None:
                items.append(node)
            elif key is None:
                if node.kind != "scalar":
                    problems.append(
                        Problem(
                            shown,
                            node.line,
                            node.col,
                            "a key must be plain text, not a list or mapping",
                            "write `key: value`, one per line",
                            "complex-key",
                        )
                    )
                key = node
            else:
                if key.kind == "scalar":
                    if key.value in seen:
                        first = next(k for k, _ in items if k.value == key.value)
                        problems.append(
                            Problem(
                                shown,
                                key.line,
                                key.col,
                                f"duplicate key '{key.value}' (first written on line {first.line})",
                                "a key may appear once per mapping; keep one and delete the other",
                                "duplicate-key",
                            )
                        )
                    else:
                        seen.add(key.value)
                        items.append((key, node))
                key = None
    finally:
        parser.dispose()


def _report(problems: list[Problem], shown: str, offset: int, event, message: str, hint: str, code: str) -> None:
    mark = event.start_mark
    problems.append(Problem(shown, mark.line + 1 + offset, mark.column + 1, message, hint, code))


def _anchor_message(event) -> str:
    return f"anchors are not allowed (found '&{event.anchor}')"


_TAG_HINT = "remove the `!` tag; values are read as the text you wrote"
_ANCHOR_HINT = "remove the `&name` marker and write values out in full"


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Split a Markdown file into (front matter YAML, body, lines before the YAML)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        return None, text, 0
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), 1
    return None, text, 0


def load_yaml_file(path: Path) -> tuple[Document | None, list[Problem]]:
    shown = display_path(path)
    text, problems = read_text(path, shown)
    if text is None:
        return None, problems
    root, problems = parse_yaml(text, shown)
    return Document(shown, root, text), problems


def load_markdown_file(path: Path) -> tuple[Document | None, list[Problem]]:
    """A Markdown file with YAML front matter between `---` lines."""
    shown = display_path(path)
    text, problems = read_text(path, shown)
    if text is None:
        return None, problems
    front, body, offset = split_front_matter(text)
    if front is None:
        return None, [
            Problem(
                shown,
                1,
                1,
                "missing front matter",
                "start the file with a `---` line, then `title: ...`, then another `---` line",
                "no-front-matter",
            )
        ]
    root, problems = parse_yaml(front, shown, offset) if front.strip() else (None, [])
    if root is None and not problems:
        problems = [
            Problem(
                shown,
                2,
                1,
                "front matter is empty",
                "add at least `title: ...` between the `---` lines",
                "empty-file",
            )
        ]
    if len(body) > MAX_MARKDOWN_CHARS:
        problems.append(
            Problem(
                shown,
                text.count("\n", 0, len(text) - len(body)) + 1,
                1,
                f"text is {len(body):,} characters, more than the {MAX_MARKDOWN_CHARS:,} allowed",
                "split it into several pages",
                "too-long",
            )
        )
    control = CONTROL_CHARACTERS.search(body)
    if control:
        at = len(text) - len(body) + control.start()
        problems.append(
            Problem(
                shown,
                text.count("\n", 0, at) + 1,
                at - text.rfind("\n", 0, at),
                f"character U+{ord(control.group()):04X} is not allowed in the text",
                "delete the invisible control character (retype the line if unsure)",
                "control-character",
            )
        )
    return Document(shown, root, text, offset, body), problems
