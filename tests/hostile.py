"""Hostile content: each case writes one trap into a valid content folder and names the problem the
user must see. Shared by tests/test_hostile.py and by the measurement of time and peak memory:

    .venv/bin/python -m tests.hostile          # one fresh process per case, prints a Markdown table
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import RECORD, RECORD_ID, RECORD_PATH, TODAY, record, write_content, write_file, write_record

REPORT = "content/reports/2024-q2.md"


@dataclass(frozen=True)
class Case:
    name: str
    """What the trap is, as the closing table names it."""
    write: Callable[[Path], None]
    """Puts the trap into the content folder (given as the relative path `content`)."""
    first: tuple[str, int, int, str, str]
    """The first problem reported: (path, line, col, code, message)."""
    count: int = 1
    """How many problems in all."""


def _huge(content: Path) -> None:
    write_file(content / RECORD_PATH.removeprefix("content/"), RECORD + "#" * (2_000_000 - len(RECORD) - 1) + "\n")


def _largest_allowed(content: Path) -> None:
    """Just under the size cap, with 250,000 list items: the most nodes a file can make."""
    items = "".join("  - x\n" for _ in range(174_000))
    write_record(content, record(narratives=None) + "narratives:\n" + items)


def _deep_flow(content: Path) -> None:
    write_record(content, "[" * 500_000 + "]" * 500_000 + "\n", "2024-05-deep.yaml")


def _deep_block(content: Path) -> None:
    write_record(content, "".join(" " * level + f"k{level}:\n" for level in range(1000)), "2024-05-deep.yaml")


def _billion_laughs(content: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        name, previous = chr(97 + level), chr(96 + level)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    write_record(content, "\n".join(lines) + "\n", "2024-05-laughs.yaml")


def _binary(content: Path) -> None:
    write_record(content, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "2024-05-image.yaml")


def _latin1(content: Path) -> None:
    write_record(content, record(title="Réseau iranien").encode("latin-1"), f"{RECORD_ID}.yaml")


def _control_character(content: Path) -> None:
    write_record(content, record(title='"Iran-based\\u0007 network"'))


def _control_character_in_intro(content: Path) -> None:
    write_file(content / "reports/2024-q2.md", "---\ntitle: Q2\npublished: 2024-07-15\n---\nTwo\x1b[31m networks.\n")


def _long_intro(content: Path) -> None:
    write_file(content / "reports/2024-q2.md", "---\ntitle: Q2\npublished: 2024-07-15\n---\n" + "[" * 150_000 + "\n")


def _symlink_outside(content: Path) -> None:
    secret = content.parent / "secret.yaml"
    secret.write_text(RECORD, encoding="utf-8")
    (content / "operations/2024/2024-05-linked.yaml").symlink_to(secret.resolve())


def _symlinked_folder_outside(content: Path) -> None:
    (content.parent / "elsewhere").mkdir()
    (content / "operations/2023").symlink_to((content.parent / "elsewhere").resolve(), target_is_directory=True)


def _site_settings_outside(content: Path) -> None:
    """A contributor's pull request could point site.yaml at a secret of the CI machine."""
    secret = content.parent / "secret.txt"
    secret.write_text("deploy_token: s3cr3t-t0ken\n", encoding="utf-8")
    (content / "site.yaml").unlink()
    (content / "site.yaml").symlink_to(secret.resolve())


def _operations_folder_outside(content: Path) -> None:
    (content / "operations").rename(content.parent / "records-elsewhere")
    (content / "operations").symlink_to((content.parent / "records-elsewhere").resolve(), target_is_directory=True)


def _symlink_loop(content: Path) -> None:
    (content / "operations/2024/2024-05-loop.yaml").symlink_to("2024-05-loop.yaml")


def _fifo(content: Path) -> None:
    os.mkfifo(content / "operations/2024/2024-05-pipe.yaml")


def _not_yaml(content: Path) -> None:
    write_file(content / "operations/2024/notes.txt", "remember to check the follower count\n")


def _yml(content: Path) -> None:
    write_file(content / "operations/2024/2024-05-ir-uk-us-2.yml", RECORD)


def _space_in_name(content: Path) -> None:
    (content / RECORD_PATH.removeprefix("content/")).rename(content / "operations/2024/2024-05-ir uk-us.yaml")


def _unicode_name(content: Path) -> None:
    write_record(content, record(id="2024-05-ir-uk-us"), "2024-05-ir-ük-us.yaml")
    (content / RECORD_PATH.removeprefix("content/")).unlink()


def _unicode_id(content: Path) -> None:
    (content / RECORD_PATH.removeprefix("content/")).unlink()
    write_record(content, record(id="2024-05-ir-ük-us"), "2024-05-ir-ük-us.yaml")


def _ten_thousand_keys(content: Path) -> None:
    write_record(content, RECORD + "".join(f"note_{n}: x\n" for n in range(10_000)))


def _ten_thousand_records(content: Path) -> None:
    broken = record(accounts="many")
    for n in range(10_000):
        write_file(
            content / f"operations/2023/2023-01-net-{n:05d}.yaml", broken.replace(RECORD_ID, f"2023-01-net-{n:05d}")
        )


YAML = RECORD_PATH
OUTSIDE = "<outside>"
"""Stands for the absolute path of the folder that holds `content`, in expected messages."""

CASES = (
    Case(
        "file larger than the size cap (2 MB)",
        _huge,
        (YAML, 0, 0, "file-too-large", "file is 2,000,000 bytes, more than the 1,048,576-byte limit"),
    ),
    Case(
        "largest allowed file: 174,000 list items in 1 MB",
        _largest_allowed,
        (YAML, 16, 3, "too-long", "narratives: expected at most 1000 items, found 174000"),
    ),
    Case(
        "nesting 500,000 levels deep ([[[[...)",
        _deep_flow,
        ("content/operations/2024/2024-05-deep.yaml", 1, 17, "too-deep", "nesting deeper than 16 levels"),
    ),
    Case(
        "nesting 1,000 mappings deep",
        _deep_block,
        ("content/operations/2024/2024-05-deep.yaml", 17, 17, "too-deep", "nesting deeper than 16 levels"),
    ),
    Case(
        "billion laughs (10 levels of anchors and aliases)",
        _billion_laughs,
        ("content/operations/2024/2024-05-laughs.yaml", 1, 1, "unknown-key", "a: unknown key 'a'"),
        count=111,  # 10 unknown keys, 10 anchors, 81 aliases (none expanded), 10 missing fields
    ),
    Case(
        "binary file (PNG bytes) named .yaml",
        _binary,
        (
            "content/operations/2024/2024-05-image.yaml",
            3,
            1,
            "binary-file",
            "file contains a NUL byte: it looks binary, not YAML text",
        ),
    ),
    Case(
        "Latin-1 file",
        _latin1,
        (YAML, 2, 9, "bad-encoding", "invalid UTF-8: byte 0xe9 cannot be decoded"),
    ),
    Case(
        "control character in a text field (\\u0007)",
        _control_character,
        (YAML, 2, 8, "control-character", "title: text contains the invisible control character U+0007"),
    ),
    Case(
        "control character in an intro (ESC)",
        _control_character_in_intro,
        (REPORT, 5, 4, "control-character", "character U+001B is not allowed in the text"),
    ),
    Case(
        "intro of 150,000 characters of [[[[",
        _long_intro,
        (REPORT, 5, 1, "too-long", "text is 150,001 characters, more than the 100,000 allowed"),
    ),
    Case(
        "symlink to a file outside content/",
        _symlink_outside,
        (
            "content/operations/2024/2024-05-linked.yaml",
            0,
            0,
            "outside-content",
            f"symlink points outside the content folder (to {OUTSIDE}/secret.yaml)",
        ),
    ),
    Case(
        "symlink to a folder outside content/",
        _symlinked_folder_outside,
        (
            "content/operations/2023",
            0,
            0,
            "outside-content",
            f"symlink points outside the content folder (to {OUTSIDE}/elsewhere)",
        ),
    ),
    Case(
        "site.yaml symlinked to a secret outside content/",
        _site_settings_outside,
        (
            "content/site.yaml",
            0,
            0,
            "outside-content",
            f"symlink points outside the content folder (to {OUTSIDE}/secret.txt)",
        ),
    ),
    Case(
        "operations/ symlinked to a folder outside content/",
        _operations_folder_outside,
        (
            "content/operations",
            0,
            0,
            "outside-content",
            f"symlink points outside the content folder (to {OUTSIDE}/records-elsewhere)",
        ),
    ),
    Case(
        "symlink loop",
        _symlink_loop,
        (
            "content/operations/2024/2024-05-loop.yaml",
            0,
            0,
            "outside-content",
            "symlink cannot be followed (it loops)",
        ),
    ),
    Case(
        "named pipe (FIFO) named .yaml",
        _fifo,
        (
            "content/operations/2024/2024-05-pipe.yaml",
            0,
            0,
            "unreadable",
            "not a regular file (a named pipe, device or socket)",
        ),
    ),
    Case(
        "text file in operations/",
        _not_yaml,
        ("content/operations/2024/notes.txt", 0, 0, "not-a-record", "not a .yaml file"),
    ),
    Case(
        ".yml instead of .yaml",
        _yml,
        ("content/operations/2024/2024-05-ir-uk-us-2.yml", 0, 0, "not-a-record", "not a .yaml file"),
    ),
    Case(
        "file name with a space",
        _space_in_name,
        (
            "content/operations/2024/2024-05-ir uk-us.yaml",
            1,
            5,
            "id-not-file-name",
            "id: id '2024-05-ir-uk-us' differs from the file name '2024-05-ir uk-us.yaml'",
        ),
    ),
    Case(
        "file name with an accent",
        _unicode_name,
        (
            "content/operations/2024/2024-05-ir-ük-us.yaml",
            1,
            5,
            "id-not-file-name",
            "id: id '2024-05-ir-uk-us' differs from the file name '2024-05-ir-ük-us.yaml'",
        ),
    ),
    Case(
        "id and file name with an accent",
        _unicode_id,
        (
            "content/operations/2024/2024-05-ir-ük-us.yaml",
            1,
            5,
            "bad-id",
            "id: expected an id of lowercase letters, digits and single hyphens, found '2024-05-ir-ük-us'",
        ),
    ),
    Case(
        "one record with 10,000 unknown keys",
        _ten_thousand_keys,
        (YAML, 16, 1, "unknown-key", "note_0: unknown key 'note_0'"),
        count=10_000,
    ),
    Case(
        "10,000 broken records",
        _ten_thousand_records,
        (
            "content/operations/2023/2023-01-net-00000.yaml",
            8,
            11,
            "expected-count",
            "accounts: expected a whole number >= 0, found 'many'",
        ),
        count=10_000,
    ),
)


def make_case(case: Case, root: Path) -> Path:
    """A valid content folder under `root` (the working directory) with the case's trap in it."""
    write_content(root)
    case.write(Path("content"))
    return Path("content")


def _measure(name: str) -> None:
    """In a fresh process: build the case, then time `check` and its peak memory."""
    from generator.errors import render_text
    from generator.validate import validate_content

    case = next(c for c in CASES if c.name == name)
    with tempfile.TemporaryDirectory() as folder:
        os.chdir(folder)
        content = make_case(case, Path(folder))
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        problems = validate_content(content, TODAY).problems
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        shown = render_text(problems[0]).replace(folder, OUTSIDE).replace("\n  hint: ", " — hint: ")
        print(
            f"| {name} | `{shown}`{f' (+{len(problems) - 1:,} more)' if len(problems) > 1 else ''} "
            f"| {seconds:.2f} s | {peak / 1024:.0f} MB (+{(peak - before) / 1024:.0f}) |"
        )


def main() -> None:
    print("| hostile input | what the user sees (first problem) | check time | peak memory (growth) |")
    print("|---|---|---|---|")
    for case in CASES:
        subprocess.run([sys.executable, "-m", "tests.hostile", case.name], check=True)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        _measure(sys.argv[1])
    else:
        main()
