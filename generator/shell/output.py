"""Writing the files of a build. A public build writes into a fresh folder that is swapped in
for the previous site at the end (build.py): a file whose bytes equal the previous site's copy is
hard-linked from it rather than written, so it keeps its inode and modification time and a
rebuild with no change rewrites nothing that a web server, rsync or a CDN would see as changed.
The live preview writes in place, and only what changed since its last build.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


class Output:
    """The files written into `folder`; `previous` is the site being replaced (public builds),
    `memo` what the last preview build wrote (path -> bytes), so unchanged files are not even
    read back."""

    def __init__(self, folder: Path, previous: Path | None = None, memo: dict[str, bytes] | None = None) -> None:
        self.folder = folder
        self.previous = previous if previous is not None and previous.is_dir() else None
        self.memo = memo
        self.paths: set[str] = set()
        """Every path of this build: claimed for another writer, or written here."""
        self.written: set[str] = set()
        """The paths written here (or linked from the previous site, or found unchanged)."""
        self.changed = 0
        """Files whose bytes differ from the previous site's (or that are new)."""
        self._folders: set[str] = set()

    def claim(self, relative: str) -> None:
        """Record a path another writer (MkDocs) fills, so no second output takes it."""
        if relative in self.paths:
            raise ValueError(f"two outputs want the same path: {relative}")
        self.paths.add(relative)

    def keep(self, relative: str) -> None:
        """In the preview: the file at `relative` is what the last build wrote there, unchanged."""
        assert self.memo is not None and relative in self.memo
        self.claim(relative)
        self.written.add(relative)

    def write(self, relative: str, data: bytes) -> None:
        _check(relative)
        self.claim(relative)
        self.written.add(relative)
        target = self.folder / relative
        parent = relative.rpartition("/")[0]
        if parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(parent)
        if self.memo is not None:  # the preview: in place
            if self.memo.get(relative) == data and target.is_file():
                return
            if not same_content(target, data):
                target.write_bytes(data)
                self.changed += 1
            self.memo[relative] = data
            return
        if self.previous is not None:
            before = self.previous / relative
            if same_content(before, data):
                try:
                    os.link(before, target)
                    return
                except OSError:  # another file system, or no hard links: write a copy
                    pass
        target.write_bytes(data)
        self.changed += 1

    def remove_stale(self) -> list[str]:
        """In the preview: delete what the last build wrote and this one did not (a network turned
        back into a draft must stop being served at once). Returns the paths deleted. A path now
        filled by another writer (claimed) is only forgotten."""
        if self.memo is None:
            return []
        for relative in set(self.memo) & (self.paths - self.written):
            del self.memo[relative]
        stale = sorted(set(self.memo) - self.paths)
        for relative in stale:
            target = self.folder / relative
            target.unlink(missing_ok=True)
            del self.memo[relative]
            with contextlib.suppress(OSError):  # and its folder, when that leaves it empty
                target.parent.rmdir()
        return stale


def _check(relative: str) -> None:
    """Paths come from the page tree: relative, with no empty, `.` or `..` part."""
    if "\\" in relative or any(part in ("", ".", "..") for part in relative.split("/")):
        raise ValueError(f"refusing to write outside the site: {relative}")


def same_content(path: Path, data: bytes) -> bool:
    """Whether the file at `path` holds exactly `data` (False if it cannot be read)."""
    try:
        with open(path, "rb") as file:
            if os.fstat(file.fileno()).st_size != len(data):
                return False
            return file.read() == data
    except OSError:
        return False
