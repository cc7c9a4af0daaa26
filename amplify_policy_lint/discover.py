"""Which files a run looks at: the files named, and policy-like files below directories."""
from __future__ import annotations

import os
from typing import Sequence

from .model import FileError

EXTENSIONS = (".json", ".yaml", ".yml")
# Never policy sources of their own: tool caches, dependencies, and Amplify's copy of the
# deployed backend (linting it would report every finding twice).
DEFAULT_EXCLUDES = (".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox",
                    ".terraform", "#current-cloud-backend")


def discover(paths: Sequence[str], exclude: Sequence[str] = (),
             base: str | None = None) -> tuple[list[str], list[FileError]]:
    """Files to lint, in a stable order, and the paths that could not be read.

    A file named explicitly is always linted (pre-commit names exactly the staged files)
    unless the configured ``exclude`` patterns (gitignore syntax, relative to ``base``, see
    globs.py) match it; directories are walked for .json/.yaml/.yml files, without following
    symbolic links, skipping DEFAULT_EXCLUDES and what ``exclude`` matches.
    """
    spec = None
    if exclude:
        from .globs import PathSpec

        spec = PathSpec(exclude, base)
    files: list[str] = []
    errors: list[FileError] = []
    seen: set[str] = set()
    for path in paths:
        if os.path.isdir(path):
            if spec is not None and spec.matches(path, is_dir=True):
                continue
            for found in _walk(path, spec, errors):
                if found not in seen:
                    seen.add(found)
                    files.append(found)
        else:
            # A missing file is reported by the reader, like an unreadable one.
            if path not in seen and not (spec is not None and spec.matches(path)):
                seen.add(path)
                files.append(path)
    return files, errors


def _walk(root: str, spec, errors: list[FileError]) -> list[str]:
    found = []
    root_parts = spec.parts(root) if spec is not None else None

    def on_error(exc: OSError) -> None:
        errors.append(FileError(_tidy(exc.filename or root), "cannot read directory: permission denied"
                                if isinstance(exc, PermissionError) else f"cannot read directory: {exc.strerror}"))

    def configured(relative: str, is_dir: bool) -> bool:
        # Directories above were already checked (an excluded one is never entered), so the
        # entry itself is all that is left to decide.
        if root_parts is None:
            return False
        parts = root_parts + tuple(relative.split("/"))
        return bool(spec.decide(parts, is_dir))

    for directory, subdirs, names in os.walk(root, onerror=on_error, followlinks=False):
        relative_dir = os.path.relpath(directory, root)
        subdirs[:] = sorted(d for d in subdirs
                            if not _excluded(_join(relative_dir, d))
                            and not os.path.islink(os.path.join(directory, d))
                            and not configured(_join(relative_dir, d), True))
        for name in sorted(names):
            full = os.path.join(directory, name)
            if not name.lower().endswith(EXTENSIONS) or os.path.islink(full):
                continue
            if not os.path.isfile(full):  # a FIFO would block the read forever; a socket, a device
                continue
            relative = _join(relative_dir, name)
            if not _excluded(relative) and not configured(relative, False):
                found.append(_tidy(full))
    return found


def _tidy(path: str) -> str:
    """A walked path without a leading ``./`` (``lint .`` reports ``iam/p.json``)."""
    prefix = os.curdir + os.sep
    while path.startswith(prefix) and len(path) > len(prefix):
        path = path[len(prefix):]
    return path


def _join(directory: str, name: str) -> str:
    return name if directory in (".", "") else f"{directory}/{name}".replace(os.sep, "/")


def _excluded(relative: str) -> bool:
    """A default exclude applies when it is one of the path's names."""
    parts = relative.replace(os.sep, "/").split("/")
    return any(os.path.normcase(part) in _DEFAULT_NAMES for part in parts)


# The default excludes are plain names: a set lookup per name (as fnmatch compares them,
# case-folded where the file system ignores case), not an fnmatch call per name and pattern.
_DEFAULT_NAMES = frozenset(os.path.normcase(name) for name in DEFAULT_EXCLUDES)
