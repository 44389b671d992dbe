"""`transparency check --against REV`: published numbers never change silently. Each test commits a
small content folder (real records copied from content/) to a git repository in tmp_path, edits
the working tree the way the policy team would, and compares it with the commit.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.history import check_against
from generator.validate import validate_content
from tests.conftest import AS_OF, REPO, TODAY, Result, write_file

MILITARY = "content/operations/2024/2024-02-cn-military-families.yaml"
"""Lines: id 2, status 4, takedown 5, origin 6, targets 7, followers 9, approximate 10,
surfaces 11-15 (pages on 13), narratives 16..."""
AWAMI = "content/operations/2024/2024-05-bd-awami-league.yaml"
COPIED = (
    "content/site.yaml",
    MILITARY,
    AWAMI,
    "content/reports/2024-q1.md",
    "content/reports/2024-q2.md",
)
CORRECTION = "corrections:\n  - date: 2024-06-01\n    note: Follower count revised from 650.\n"


def git(*args: str) -> str:
    return subprocess.run(["git", *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp_path as a git repository whose one commit holds a small, valid content folder."""
    monkeypatch.chdir(tmp_path)
    for name, value in {
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Policy team",
        "GIT_AUTHOR_EMAIL": "policy@example.org",
        "GIT_COMMITTER_NAME": "Policy team",
        "GIT_COMMITTER_EMAIL": "policy@example.org",
        "GIT_AUTHOR_DATE": f"{AS_OF}T12:00:00+00:00",
        "GIT_COMMITTER_DATE": f"{AS_OF}T12:00:00+00:00",
    }.items():
        monkeypatch.setenv(name, value)
    for path in COPIED:
        write_file(tmp_path / path, (REPO / path).read_bytes())
    git("init", "--quiet", "--initial-branch=main")
    commit("Published content")
    return tmp_path


def commit(message: str) -> None:
    git("add", "--all")
    git("commit", "--quiet", "-m", message)


def edit(path: str, old: str, new: str) -> None:
    text = Path(path).read_text(encoding="utf-8")
    assert old in text, old
    Path(path).write_text(text.replace(old, new, 1), encoding="utf-8")


def append(path: str, text: str) -> None:
    with Path(path).open("a", encoding="utf-8") as file:
        file.write(text)


def history(rev: str = "HEAD", content: str = "content") -> list[tuple[str, int, int, str, str]]:
    checked = validate_content(Path(content), TODAY)
    return [(p.path, p.line, p.col, p.code, p.message) for p in check_against(Path(content), rev, checked)]


def test_an_unchanged_content_folder_has_no_history_problems(repo: Path) -> None:
    assert history() == []


@pytest.mark.parametrize(
    ("old", "new", "line", "col", "message"),
    [
        ("followers: 700", "followers: 900", 9, 12, "followers: published value changed from 700 to 900"),
        ("  pages: 6\n", "  pages: 7\n", 13, 10, "surfaces.pages: published value changed from 6 to 7"),
        ("origin: [CN]", "origin: [HK]", 6, 9, "origin: published value changed from [CN] to [HK]"),
        ("targets: [US]", "targets: [US, TW]", 7, 10, "targets: published value changed from [US] to [US, TW]"),
        ("takedown: 2024-02", "takedown: 2024-02-10", 5, 11, "takedown: published value changed from 2024-02"),
        ("approximate: [followers]\n", "", 2, 1, "approximate: published value changed from [followers] to []"),
        ("  groups: 6\n", "", 12, 3, "surfaces.groups: published value changed from 6 to nothing"),
    ],
)
def test_a_published_figure_changed_without_a_correction_is_reported_where_it_is(
    repo: Path, old: str, new: str, line: int, col: int, message: str
) -> None:
    edit(MILITARY, old, new)
    [(path, found_line, found_col, code, text)] = history()
    assert (path, found_line, found_col, code) == (MILITARY, line, col, "figure-changed-silently")
    assert text.startswith(message) and text.endswith("without a correction")


def test_a_published_figure_changed_with_a_new_correction_is_clean(repo: Path) -> None:
    edit(MILITARY, "followers: 700", "followers: 900")
    append(MILITARY, CORRECTION.replace("650", "700"))
    assert history() == []


def test_a_committed_change_is_compared_with_the_revision_named(repo: Path) -> None:
    edit(AWAMI, "followers: 3400000", "followers: 3500000")
    commit("Silently bump a figure")
    assert [(p, code) for p, _, _, code, _ in history("HEAD~1")] == [(AWAMI, "figure-changed-silently")]
    assert history("HEAD") == []


def test_editing_a_published_correction_is_reported_on_the_edited_line(repo: Path) -> None:
    append(MILITARY, CORRECTION)
    commit("Correct the followers")
    edit(MILITARY, "revised from 650", "revised from 600")
    line = Path(MILITARY).read_text().splitlines().index("    note: Follower count revised from 600.") + 1
    assert history() == [
        (
            MILITARY,
            line,
            11,
            "correction-edited",
            "corrections[1].note: the published correction was edited (it read 'Follower count revised from 650.')",
        )
    ]


def test_removing_a_published_correction_is_reported(repo: Path) -> None:
    append(MILITARY, CORRECTION)
    commit("Correct the followers")
    edit(MILITARY, CORRECTION, "")
    [(path, _, _, code, message)] = history()
    assert (path, code, message) == (
        MILITARY,
        "correction-removed",
        "corrections[1]: the published correction of 2024-06-01 was removed",
    )


def test_a_deleted_published_record_is_reported(repo: Path) -> None:
    Path(AWAMI).unlink()
    assert history() == [
        (AWAMI, 0, 0, "record-deleted", "published record '2024-05-bd-awami-league' was deleted"),
    ]


def test_a_renamed_record_that_keeps_its_old_id_is_not_deleted(repo: Path) -> None:
    renamed = AWAMI.replace("2024-05-bd-awami-league", "2024-05-bd-awami-league-pages")
    shutil.move(AWAMI, renamed)
    edit(renamed, "id: 2024-05-bd-awami-league\n", "id: 2024-05-bd-awami-league-pages\n")
    append(renamed, "previous_ids: [2024-05-bd-awami-league]\n")
    assert history() == []


def test_a_record_moved_to_another_year_folder_is_not_deleted(repo: Path) -> None:
    write_file(Path("content/operations/2025/2024-05-bd-awami-league.yaml"), Path(AWAMI).read_bytes())
    Path(AWAMI).unlink()
    assert history() == []


def test_a_draft_may_change_and_be_deleted(repo: Path) -> None:
    edit(AWAMI, "status: published", "status: draft")
    commit("Unpublish")
    edit(AWAMI, "followers: 3400000", "followers: 1")
    assert history() == []
    Path(AWAMI).unlink()
    assert history() == []


def test_a_record_whose_report_was_still_embargoed_at_the_revision_may_change(repo: Path) -> None:
    edit("content/reports/2024-q2.md", "published: 2024-05-29", "published: 2026-12-01")
    commit("Hold the second quarter back")
    edit(AWAMI, "followers: 3400000", "followers: 3500000")
    assert history() == []


@pytest.mark.parametrize("rev", ["no-such-branch", "HEAD~5", "--output=/tmp/x", ""])
def test_an_unknown_revision_is_one_clear_problem(repo: Path, rev: str) -> None:
    assert history(rev) == [
        ("content", 0, 0, "unknown-revision", f"--against: expected a git commit, branch or tag, found '{rev}'")
    ]


def test_a_content_folder_outside_git_is_one_clear_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    for path in COPIED:
        write_file(tmp_path / path, (REPO / path).read_bytes())
    [(path, line, col, code, message)] = history()
    assert (path, line, col, code) == ("content", 0, 0, "no-git-history")
    assert message.startswith("--against: cannot compare with git revision 'HEAD': ")
    assert "not in a git repository" in message


def test_the_check_command_prints_history_problems_and_fails(
    repo: Path, run_cli: Callable[[list[str]], Result]
) -> None:
    edit(MILITARY, "followers: 700", "followers: 900")
    result = run_cli(["check", "--content", "content", "--as-of", AS_OF, "--against", "HEAD"])
    assert result.code == 1
    assert result.out.startswith(
        f"{MILITARY}:9:12: error: followers: published value changed from 700 to 900 without a correction\n"
        "  hint: add an entry at the end of `corrections`"
    )
