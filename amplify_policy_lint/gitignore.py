"""``.gitignore`` rules for a directory walk, read as git reads them, without running git.

git need not be installed, and the tree need not be a repository (a downloaded copy of one
keeps its ``.gitignore`` files): the rules are read from the files themselves.

- The ``.gitignore`` of every directory walked applies below it; the ``.gitignore`` files of
  the directories above the walked one apply too, up to the repository root (the nearest
  directory holding ``.git``; outside a repository, only the walked tree's own files count).
- The repository's ``info/exclude`` applies below its root (in a linked worktree, the main
  repository's, as git reads it).
- Precedence is git's: a deeper ``.gitignore`` wins over a shallower one, any ``.gitignore``
  over ``info/exclude``; within one file, the last matching pattern wins and ``!`` re-includes.
  A directory that is ignored is not entered, so nothing below it can be re-included (git's
  rule too).
- Patterns use globs.py's gitignore syntax; lines that are blank or start with ``#`` are
  comments (``\\#`` for a leading hash). Not read: the user's global excludes file
  (``core.excludesFile``), which describes one person's machine, not the repository.
"""
from __future__ import annotations

import os

from .globs import PathPattern, PatternError

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterable


class _IgnoreFile:
    """The patterns of one ignore file and where they apply: to paths (relative to the
    walked root) below ``scope``, the file's directory when the walk met it; ``prefix`` is
    the walked root's path relative to the file's directory, for files above the walk."""

    __slots__ = ("source", "patterns", "prefix", "scope")

    def __init__(self, source: str, lines: Iterable[str], prefix: tuple[str, ...],
                 scope: tuple[str, ...]) -> None:
        self.source = source
        self.prefix = prefix
        self.scope = scope
        patterns = []
        for number, line in enumerate(lines, 1):
            line = line.rstrip("\r\n")
            if not line.strip() or line.startswith("#"):
                continue
            try:
                patterns.append((PathPattern(line), number))
            except PatternError:
                continue
        self.patterns = tuple(patterns)

    def verdict(self, parts: tuple[str, ...], is_dir: bool) -> tuple[bool, int, str] | None:
        """(ignored, line, pattern) of the last pattern matching ``parts`` (a path relative
        to the walked root), or None."""
        relative = self.prefix + parts[len(self.scope):]
        for pattern, number in reversed(self.patterns):
            if pattern.match(relative, is_dir):
                return (not pattern.negated, number, pattern.text.strip())
        return None


class IgnoreRules:
    """The ignore files that apply to one directory walk, shallowest first."""

    def __init__(self, files: list[_IgnoreFile]) -> None:
        self.files = files

    @classmethod
    def above(cls, root: str) -> "IgnoreRules":
        """The rules that apply to a walk of ``root`` before any of its own files are read:
        info/exclude and the ``.gitignore`` files of the directories above it, up to the
        repository root."""
        absolute = os.path.abspath(root)
        chain = [absolute]
        directory = absolute
        repository = None
        while True:
            if os.path.exists(os.path.join(directory, ".git")):
                repository = directory
                break
            parent = os.path.dirname(directory)
            if parent == directory:
                break
            directory = parent
            chain.append(directory)
        files: list[_IgnoreFile] = []
        if repository is None:
            return cls(files)
        exclude = _info_exclude(repository)
        if exclude is not None:
            files.extend(_load(exclude, _relative_parts(absolute, repository), ()))
        for directory in reversed(chain[1:]):  # the walked root's own file is read by the walk
            files.extend(_load(os.path.join(directory, ".gitignore"), _relative_parts(absolute, directory), ()))
        return cls(files)

    def read(self, path: str, parts: tuple[str, ...]) -> None:
        """Add the ignore file at ``path``, in the walked directory ``parts`` (relative to the
        root), before anything below that directory is decided."""
        self.files.extend(_load(path, (), parts))

    def why(self, parts: tuple[str, ...], is_dir: bool) -> str | None:
        """Why ``parts`` (relative to the walked root) is ignored, or None when it is not."""
        # Deeper files were read later: the first verdict met, walking back, is git's.
        for ignore_file in reversed(self.files):
            scope = ignore_file.scope
            if scope and (len(parts) <= len(scope) or parts[:len(scope)] != scope):
                continue
            verdict = ignore_file.verdict(parts, is_dir)
            if verdict is not None:
                ignored, number, text = verdict
                return f"ignored by {ignore_file.source}:{number} ({text})" if ignored else None
        return None


def _relative_parts(path: str, base: str) -> tuple[str, ...]:
    relative = os.path.relpath(path, base)
    return () if relative == "." else tuple(relative.replace(os.sep, "/").split("/"))


# An ignore file larger than this is read this far (git's own limit is 100 MiB; real ones are
# a few KiB, and the walk must stay cheap whatever a repository holds).
MAX_BYTES = 1024 * 1024


def _load(path: str, prefix: tuple[str, ...], scope: tuple[str, ...]) -> list[_IgnoreFile]:
    import stat

    try:
        # A symbolic link is not followed (git does not follow one either), and a FIFO or
        # device is not read: a read from it could wait forever or never end.
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return []
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES)
    except OSError:  # absent, or unreadable: git skips it too
        return []
    lines = data.decode("utf-8", "surrogateescape").splitlines()
    from .globs import shown

    return [_IgnoreFile(shown(path), lines, prefix, scope)]


def _info_exclude(repository: str) -> str | None:
    """The repository's info/exclude: in ``.git/``, or, for a linked worktree or submodule
    whose ``.git`` is a file (``gitdir: ...``), in the git directory it names (its common
    directory for a worktree)."""
    dot_git = os.path.join(repository, ".git")
    if os.path.isdir(dot_git):
        return os.path.join(dot_git, "info", "exclude")
    first = _first_line(dot_git)
    if first is None or not first.startswith("gitdir:"):
        return None
    git_dir = os.path.join(repository, first[len("gitdir:"):].strip())
    common = _first_line(os.path.join(git_dir, "commondir"))
    if common:
        git_dir = os.path.join(git_dir, common)
    return os.path.join(git_dir, "info", "exclude")


def _first_line(path: str) -> str | None:
    """The first line of a small regular file (never a FIFO or device), or None."""
    import stat

    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        with open(path, "rb") as handle:
            return handle.read(4096).decode("utf-8").splitlines()[0].strip()
    except (OSError, UnicodeDecodeError, IndexError):
        return None
