"""The loader's traps: bytes that are not UTF-8 text, YAML features that silently change data, and
inputs built to exhaust memory or the stack. Each is reported at the line and column the user sees.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.load import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    Node,
    decode,
    load_markdown_file,
    parse_yaml,
    read_text,
)
from generator.validate import MESSAGE_IDS


def found(data: bytes | str) -> list[tuple[int, int, str, str]]:
    """(line, col, code, message) of every problem in a file with these contents."""
    text, problems = decode(data if isinstance(data, bytes) else data.encode(), "f.yaml")
    if text is not None:
        _, problems = parse_yaml(text, "f.yaml")
    assert all(p.path == "f.yaml" and p.code in MESSAGE_IDS for p in problems)
    return [(p.line, p.col, p.code, p.message) for p in problems]


def hints(data: str) -> list[str]:
    return [p.hint for p in parse_yaml(data, "f.yaml")[1]]


# --- bytes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "line", "col", "byte"),
    [
        pytest.param(b"id: x\ntitle: caf\xe9\n", 2, 11, "e9", id="latin-1 e-acute"),
        pytest.param(b"\xff\xfe", 1, 1, "ff", id="first byte"),
        pytest.param(b"title: \xc3\xa9\xc3\xa9 \xff\n", 1, 11, "ff", id="after two-byte chars"),
        pytest.param(b"title: \xe2\x82", 1, 8, "e2", id="truncated at end"),
        pytest.param(b"title: \xc0\xaf\n", 1, 8, "c0", id="overlong encoding"),
        pytest.param(b"a: 1\nb: 2\ntitle: \xed\xa0\x80\n", 3, 8, "ed", id="encoded surrogate"),
    ],
)
def test_a_byte_that_is_not_utf8_is_reported_at_its_line_and_column(
    data: bytes, line: int, col: int, byte: str
) -> None:
    assert found(data) == [(line, col, "bad-encoding", f"invalid UTF-8: byte 0x{byte} cannot be decoded")]


def test_a_byte_order_mark_is_tolerated() -> None:
    text, problems = decode(b"\xef\xbb\xbfid: x\n", "f.yaml")
    root, more = parse_yaml(text or "", "f.yaml")
    assert problems == more == []
    assert root is not None
    key, value = root.value[0]
    assert (key.value, key.line, key.col, value.value) == ("id", 1, 1, "x")


def test_columns_after_a_byte_order_mark_do_not_count_it() -> None:
    assert found(b"\xef\xbb\xbftitle: \xff\n") == [(1, 8, "bad-encoding", "invalid UTF-8: byte 0xff cannot be decoded")]


def test_a_file_read_in_short_pieces_is_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "record.yaml"
    path.write_text("id: x\ntitle: a network\n", encoding="utf-8")
    read = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: read(fd, min(n, 3)))  # as a network file system may
    assert read_text(path, "record.yaml") == ("id: x\ntitle: a network\n", [])


@pytest.mark.parametrize(
    ("size", "refused"),
    [
        pytest.param(MAX_FILE_BYTES, False, id="at the cap"),
        pytest.param(MAX_FILE_BYTES + 1, True, id="one byte over"),
        pytest.param(3 * MAX_FILE_BYTES, True, id="three times over"),
    ],
)
def test_a_file_over_the_size_cap_is_refused_unread(tmp_path: Path, size: int, refused: bool) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: " + b"x" * (size - 4) + b"\n")
    text, problems = read_text(path, "big.yaml")
    if not refused:
        assert problems == [] and text is not None and len(text) == size
        return
    assert text is None
    assert [(p.line, p.col, p.code, p.message, p.hint) for p in problems] == [
        (
            0,
            0,
            "file-too-large",
            f"file is {size:,} bytes, more than the 1,048,576-byte limit",
            "a record is a few kilobytes: is this the right file?",
        )
    ]


def test_bytes_over_the_size_cap_are_refused_by_decode_too() -> None:
    text, problems = decode(b"x" * (MAX_FILE_BYTES + 1), "f.yaml")
    assert text is None and [p.code for p in problems] == ["file-too-large"]


@pytest.mark.parametrize(
    ("data", "line", "col"),
    [
        pytest.param(b"id: x\ntitle: a\x00b\n", 2, 9, id="NUL in a value"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 3, 1, id="PNG image"),
        pytest.param("id: x\n".encode("utf-16-le"), 1, 2, id="UTF-16 text"),
    ],
)
def test_a_nul_byte_marks_the_file_as_binary(data: bytes, line: int, col: int) -> None:
    assert found(data) == [(line, col, "binary-file", "file contains a NUL byte: it looks binary, not YAML text")]


# --- YAML traps ----------------------------------------------------------------------------------


def test_tab_indentation_is_reported_on_every_indented_line() -> None:
    text = "sources:\n\t- title: a\n  \turl: https://example.org\nsummary: a\tb\n"
    assert found(text) == [
        (2, 1, "tab-indent", "tab character in indentation"),
        (3, 3, "tab-indent", "tab character in indentation"),
    ]
    assert hints(text)[0] == "YAML indentation must use spaces; replace the tab with spaces"


def test_a_tab_inside_a_value_is_not_indentation() -> None:
    assert found("title: a\tb\n") == []


@pytest.mark.parametrize(
    ("text", "line", "col", "key", "first"),
    [
        pytest.param("id: a\ntitle: b\nid: c\n", 3, 1, "id", 1, id="top level"),
        pytest.param(
            "sources:\n  - title: a\n    url: https://a.org\n    title: b\n",
            4,
            5,
            "title",
            2,
            id="inside a list item",
        ),
        pytest.param("ad_spend: {amount: 1, amount: 2}\n", 1, 23, "amount", 1, id="flow mapping"),
        pytest.param("a:\n  b: [1, 2]\n  c: {d: [x]}\n  b: 3\n", 4, 3, "b", 2, id="after nested values"),
    ],
)
def test_a_duplicate_key_is_reported_at_the_second_and_names_the_first(
    text: str, line: int, col: int, key: str, first: int
) -> None:
    assert found(text) == [(line, col, "duplicate-key", f"duplicate key '{key}' (first written on line {first})")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "a: &x 1\nb: *x\n",
            [
                (1, 4, "anchor", "anchors are not allowed (found '&x')"),
                (2, 4, "alias", "aliases are not allowed (found '*x')"),
            ],
            id="scalar",
        ),
        pytest.param(
            "a: &m\n  k: v\nb: *m\n",
            [
                (1, 4, "anchor", "anchors are not allowed (found '&m')"),
                (3, 4, "alias", "aliases are not allowed (found '*m')"),
            ],
            id="mapping",
        ),
        pytest.param(
            "targets: &t [GB, US]\norigin: [*t]\n",
            [
                (1, 10, "anchor", "anchors are not allowed (found '&t')"),
                (2, 10, "alias", "aliases are not allowed (found '*t')"),
            ],
            id="inside a list",
        ),
    ],
)
def test_anchors_and_aliases_are_rejected(text: str, expected: list[tuple]) -> None:
    assert found(text) == expected


def billion_laughs() -> str:
    """Nine levels of nine aliases each: 9**9 (387 million) strings if anything expanded it."""
    lines = ["a: &a [" + ", ".join(["lol"] * 9) + "]"]
    for level in range(1, 9):
        name, previous = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_a_billion_laughs_document_is_reported_without_being_expanded() -> None:
    root, problems = parse_yaml(billion_laughs(), "f.yaml")
    codes = [p.code for p in problems]
    assert codes.count("anchor") == 9 and codes.count("alias") == 8 * 9
    first_alias = next(p for p in problems if p.code == "alias")
    assert (first_alias.line, first_alias.col) == (2, 8)
    assert first_alias.message == "aliases are not allowed (found '*a')"
    # The tree holds one placeholder per alias: nothing was copied, so time and memory stay small.
    assert root is not None
    last = root.get("i")
    assert last is not None and [n.kind for n in last.value] == ["alias"] * 9


@pytest.mark.parametrize(
    ("text", "col", "tag"),
    [
        pytest.param("a: !!python/object:os.system 1\n", 4, "python/object:os.system", id="object"),
        pytest.param("a: !!python/object/apply:os.system [ls]\n", 4, "python/object/apply:os.system"),
        pytest.param("a: !!python/name:os.system\n", 4, "python/name:os.system", id="name"),
        pytest.param("a: !!binary aGk=\n", 4, "binary", id="binary"),
        pytest.param("a: !!int 5\n", 4, "int", id="int"),
        pytest.param("a: !!set {x}\n", 4, "set", id="set"),
    ],
)
def test_custom_tags_are_rejected(text: str, col: int, tag: str) -> None:
    assert found(text) == [(1, col, "tag", f"tags are not allowed (found 'tag:yaml.org,2002:{tag}')")]


def test_a_local_tag_is_rejected_by_its_written_name() -> None:
    assert found("title: !custom x\n") == [(1, 8, "tag", "tags are not allowed (found '!custom')")]


@pytest.mark.parametrize("text", ["a: !!str 0755\n", "!!map {a: 1}\n", "a: ! x\n"], ids=["str", "map", "non-specific"])
def test_tags_that_keep_the_text_as_written_are_allowed(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("[" * MAX_DEPTH + "]" * MAX_DEPTH, [], id="at the limit"),
        pytest.param(
            "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1),
            [(1, 17, "too-deep", "nesting deeper than 16 levels")],
            id="one level over",
        ),
        pytest.param("[" * 10_000, [(1, 17, "too-deep", "nesting deeper than 16 levels")], id="10,000 ["),
        pytest.param(
            "".join(f"{' ' * 2 * n}k{n}:\n" for n in range(40)),
            [(17, 33, "too-deep", "nesting deeper than 16 levels")],
            id="block mappings",
        ),
    ],
)
def test_deep_nesting_is_reported_without_recursion(text: str, expected: list[tuple]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "   \n# a\n  # b\n"], ids=repr)
def test_an_empty_or_comment_only_file_is_reported(text: str) -> None:
    assert found(text) == [(1, 1, "empty-file", "file is empty")]
    assert hints(text) == ["start from `transparency new` or copy an existing record"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [("- a\n- b\n", "seq"), ("just text\n", "scalar"), ("a: 1\n", "map")],
)
def test_the_top_level_node_is_returned_whatever_its_kind(text: str, kind: str) -> None:
    # Whether a list or a bare scalar is acceptable is the validator's call (expected-mapping).
    root, problems = parse_yaml(text, "f.yaml")
    assert problems == [] and root is not None and (root.kind, root.line, root.col) == (kind, 1, 1)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        pytest.param("a: 1\n---\nb: 2\n", 2, id="second starts mid-file"),
        pytest.param("---\na: 1\n---\nb: 2\n", 3, id="both marked"),
    ],
)
def test_a_second_yaml_document_is_refused(text: str, line: int) -> None:
    assert found(text) == [(line, 1, "multiple-documents", "more than one YAML document in the file")]


@pytest.mark.parametrize(
    ("char", "line", "col"),
    [
        pytest.param("\x07", 2, 9, id="BEL"),
        pytest.param("\x1b", 2, 9, id="ESC"),
        pytest.param("\x0c", 2, 9, id="form feed"),
        pytest.param("\x7f", 2, 9, id="DEL"),
    ],
)
def test_a_control_character_is_reported_at_its_position(char: str, line: int, col: int) -> None:
    assert found(f"id: x\ntitle: a{char}b\n") == [
        (line, col, "control-character", f"character U+{ord(char):04X} is not allowed in YAML")
    ]


@pytest.mark.parametrize(
    ("text", "line", "col"),
    [("title: é\x07\n", 1, 9), ("title: éé\x07\nid: x\n", 1, 10)],
    ids=["one accent", "two accents"],
)
def test_a_control_character_after_accented_text_is_reported_at_its_position(text: str, line: int, col: int) -> None:
    assert found(text) == [(line, col, "control-character", "character U+0007 is not allowed in YAML")]


@pytest.mark.parametrize(
    ("text", "line", "col", "message", "hint"),
    [
        pytest.param(
            "id: x\nsources: [a, b\n",
            3,
            1,
            "invalid YAML: did not find expected ',' or ']'",
            "check indentation and quoting around this position",
            id="unclosed bracket",
        ),
        pytest.param(
            "id: x\ntitle: Iran: a network\n",
            2,
            12,
            "invalid YAML: mapping values are not allowed in this context",
            "a value containing ': ' must be quoted, e.g. title: \"Name: subtitle\"",
            id="unquoted colon",
        ),
        pytest.param(
            "id: x\ntitle\nstatus: draft\n",
            3,
            1,
            "invalid YAML: could not find expected ':'",
            "each line of a mapping is `key: value`; check the line above for a missing colon",
            id="missing colon",
        ),
        pytest.param(
            "activity:\n  first: 2024\n last: 2025\n",
            3,
            2,
            "invalid YAML: did not find expected key",
            "check indentation and quoting around this position",
            id="bad indentation",
        ),
        pytest.param(
            "%FOO bar\n---\na: 1\n",
            1,
            5,
            "invalid YAML: found unknown directive name",
            "check indentation and quoting around this position",
            id="unknown directive",
        ),
    ],
)
def test_a_yaml_syntax_error_is_reported_with_its_position(
    text: str, line: int, col: int, message: str, hint: str
) -> None:
    assert found(text) == [(line, col, "yaml-syntax", message)]
    assert hints(text) == [hint]


@pytest.mark.parametrize("text", ["title: @home\n", "title: `x`\n"], ids=["at", "backtick"])
def test_a_value_starting_with_at_or_backtick_gets_the_quoting_hint(text: str) -> None:
    assert found(text) == [(1, 8, "yaml-syntax", "invalid YAML: found character that cannot start any token")]
    assert hints(text) == ["values starting with @ or ` must be quoted"]


def test_an_unclosed_quote_is_reported_where_the_quote_opens() -> None:
    assert [(line, col) for line, col, *_ in found('id: x\ntitle: "abc\nstatus: draft\n')] == [(2, 8)]


def test_a_complex_key_is_reported() -> None:
    assert found("? [a]\n: 1\n") == [(1, 3, "complex-key", "a key must be plain text, not a list or mapping")]


# --- what the tree keeps -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "text", "quoted"),
    [
        ("NO", "NO", False),
        ("yes", "yes", False),
        ("0755", "0755", False),
        ("1:20", "1:20", False),
        ("2024-01-01", "2024-01-01", False),
        ("1e3", "1e3", False),
        ("~", "~", False),
        ("'yes'", "yes", True),
        ('"0755"', "0755", True),
        ("!!str 1:20", "1:20", True),
        ("|\n  two\n  lines", "two\nlines\n", True),
    ],
)
def test_a_scalar_keeps_the_text_the_user_wrote(written: str, text: str, quoted: bool) -> None:
    root, problems = parse_yaml(f"v: {written}\n", "f.yaml")
    assert problems == [] and root is not None
    value = root.get("v")
    assert value is not None and (value.value, value.quoted) == (text, quoted)


def test_positions_are_one_based_lines_and_columns() -> None:
    root, _ = parse_yaml("id: x\nsources:\n  - title: a\n    url: b\n", "f.yaml")
    assert root is not None
    sources = root.get("sources")
    assert sources is not None
    item = sources.value[0]
    url = item.get("url")
    assert (sources.line, sources.col, item.line, item.col) == (3, 3, 3, 5)
    assert url is not None and (url.line, url.col) == (4, 10)


# --- Markdown front matter -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "---\ntitle: x\n\tpublished: 2024-01-01\n---\nbody\n",
            [(3, 1, "tab-indent", "tab character in indentation")],
            id="tab counts the opening dashes",
        ),
        pytest.param(
            "---\ntitle: x\ntitle: y\n---\n",
            [(3, 1, "duplicate-key", "duplicate key 'title' (first written on line 2)")],
            id="duplicate key",
        ),
        pytest.param(
            "---\ntitle: [a\n---\n",
            [(3, 1, "yaml-syntax", "invalid YAML: did not find expected ',' or ']'")],
            id="syntax error",
        ),
        pytest.param("Just text.\n", [(1, 1, "no-front-matter", "missing front matter")], id="none"),
        pytest.param("---\n---\nbody\n", [(2, 1, "empty-file", "front matter is empty")], id="empty"),
    ],
)
def test_front_matter_problems_are_reported_at_file_lines(tmp_path: Path, text: str, expected: list[tuple]) -> None:
    path = tmp_path / "2024-q2.md"
    path.write_text(text, encoding="utf-8")
    _, problems = load_markdown_file(path)
    assert [(p.line, p.col, p.code, p.message) for p in problems] == expected


def test_front_matter_keeps_the_body_and_real_positions(tmp_path: Path) -> None:
    path = tmp_path / "about.md"
    path.write_text("---\ntitle: About\n---\n# Heading\n", encoding="utf-8")
    doc, problems = load_markdown_file(path)
    assert problems == [] and doc is not None and doc.root is not None
    title = doc.root.get("title")
    assert title is not None and (title.value, title.line, title.col) == ("About", 2, 8)
    assert doc.body == "# Heading\n"


# --- never raises --------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_give_a_tree_or_a_located_problem_and_never_raise(data: bytes) -> None:
    text, problems = decode(data, "f.yaml")
    root = None
    if text is not None:
        root, problems = parse_yaml(text, "f.yaml")
    assert root is not None or problems
    assert all(p.line >= 0 and p.col >= 0 and p.code in MESSAGE_IDS for p in problems)


def _shape(node: Node) -> tuple:
    if node.kind == "map":
        value: object = [(_shape(k), _shape(v)) for k, v in node.value]  # type: ignore[union-attr]
    elif node.kind == "seq":
        value = [_shape(item) for item in node.value]  # type: ignore[union-attr]
    else:
        value = node.value
    return (node.kind, value, node.line, node.col)


def _composed_shape(node: yaml.Node) -> tuple:
    kind = {yaml.MappingNode: "map", yaml.SequenceNode: "seq", yaml.ScalarNode: "scalar"}[type(node)]
    if kind == "map":
        value: object = [(_composed_shape(k), _composed_shape(v)) for k, v in node.value]
    elif kind == "seq":
        value = [_composed_shape(item) for item in node.value]
    else:
        value = node.value
    return (kind, value, node.start_mark.line + 1, node.start_mark.column + 1)


_words = st.text(alphabet="abcxyz 019:-#'\"", min_size=0, max_size=6)
_documents = st.recursive(
    _words,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_words, inner, max_size=4),
    max_leaves=25,
)


@settings(max_examples=200, deadline=None)
@given(_documents, st.booleans())
def test_the_node_tree_has_the_shape_and_positions_pyyaml_composes(document: object, flow: bool) -> None:
    text = yaml.safe_dump(document, default_flow_style=flow, allow_unicode=True)
    root, problems = parse_yaml(text, "f.yaml")
    assert problems == [] and root is not None
    assert _shape(root) == _composed_shape(yaml.compose(text, Loader=yaml.SafeLoader))
