"""Which files a run looks at: the files named, and policy-like files below directories."""
from __future__ import annotations

import fnmatch
import os
from typing import Sequence

from .model import FileError

EXTENSIONS = (".json", ".yaml", ".yml")
# Never policy sources of their own: tool caches, dependencies, and Amplify's copy of the
# deployed backend (linting it would report every finding twice).
DEFAULT_EXCLUDES = (".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox",
                    ".terraform", "#current-cloud-backend")


def discover(paths: Sequence[str], exclude: Sequence[str] = ()) -> tuple[list[str], list[FileError]]:
    """Files to lint, in a stable order, and the paths that could not be read.

    A file named explicitly is always linted (pre-commit names exactly the staged files);
    directories are walked for .json/.yaml/.yml files, without following symbolic links.
    """
    files: list[str] = []
    errors: list[FileError] = []
    seen: set[str] = set()
    patterns = tuple(DEFAULT_EXCLUDES) + tuple(exclude)
    for path in paths:
        if os.path.isdir(path):
            for found in _walk(path, patterns, errors):
                if found not in seen:
                    seen.add(found)
                    files.append(found)
        else:
            # A missing file is reported by the reader, like an unreadable one.
            if path not in seen and not _excluded(path, tuple(exclude)):
                seen.add(path)
                files.append(path)
    return files, errors


def _walk(root: str, patterns: tuple[str, ...], errors: list[FileError]) -> list[str]:
    found = []

    def on_error(exc: OSError) -> None:
        errors.append(FileError(os.path.normpath(exc.filename or root), "cannot read directory: permission denied"
                                if isinstance(exc, PermissionError) else f"cannot read directory: {exc.strerror}"))

    for directory, subdirs, names in os.walk(root, onerror=on_error, followlinks=False):
        relative_dir = os.path.relpath(directory, root)
        subdirs[:] = sorted(d for d in subdirs
                            if not _excluded(_join(relative_dir, d), patterns)
                            and not os.path.islink(os.path.join(directory, d)))
        for name in sorted(names):
            full = os.path.normpath(os.path.join(directory, name))
            if not name.lower().endswith(EXTENSIONS) or os.path.islink(full):
                continue
            if not _excluded(_join(relative_dir, name), patterns):
                found.append(full)
    return found


def _join(directory: str, name: str) -> str:
    return name if directory in (".", "") else f"{directory}/{name}".replace(os.sep, "/")


def _excluded(relative: str, patterns: Sequence[str]) -> bool:
    """A pattern excludes a path when it matches the path, or any of its leading directories."""
    parts = relative.replace(os.sep, "/").split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        for candidate in prefixes + parts:
            if fnmatch.fnmatch(candidate, pattern):
                return True
    return False
