"""Gitignore-style path patterns, relative to a base directory (the configuration file's).

Every path glob in the configuration (``exclude``, ``per-file-ignores``, ``principals``) uses
this one syntax, the subset of gitignore that people write in practice:

- ``*`` matches anything except ``/``, ``?`` one character except ``/``, ``[abc]``, ``[a-z]``,
  ``[!a]`` / ``[^a]`` a character class; ``\\`` escapes the next character.
- A pattern without a ``/`` (other than a trailing one) matches a file or directory name at any
  depth: ``*.tmp.json``, ``legacy``. A pattern with a ``/`` at the start or in the middle is
  anchored to the base directory: ``/build``, ``iam/legacy/*.json``.
- A trailing ``/`` matches directories only: ``generated/``.
- ``**`` as a whole segment matches any number of directories: ``**/cdk.out``,
  ``infra/**/policy.json``, ``vendor/**``.
- A leading ``!`` re-includes what an earlier pattern matched; the last matching pattern wins.
  As in git, a file inside an excluded directory cannot be re-included.
- A pattern matches a path when it matches the path itself or any directory above it.

Not supported (use YAML/TOML comments instead): ``#`` comment lines inside pattern lists.
Matching is case-sensitive, as git's is by default. Paths outside the base directory never match.
Matching works segment by segment, without building one regular expression from the pattern.
"""
from __future__ import annotations

import os
from fnmatch import fnmatchcase


class PatternError(ValueError):
    """A pattern that cannot be used (empty, or only ``!``)."""


class PathPattern:
    __slots__ = ("text", "negated", "dir_only", "segments")

    def __init__(self, text: str) -> None:
        self.text = text
        body = text.strip()
        # Trailing spaces are dropped unless escaped (as in gitignore).
        if body.endswith("\\") and text.rstrip() != text:
            body += " "
        self.negated = body.startswith("!")
        if self.negated:
            body = body[1:]
        elif body.startswith("\\!"):
            body = body[1:]
        self.dir_only = body.endswith("/")
        body = body.rstrip("/")
        if not body:
            raise PatternError(f"empty pattern {text!r}")
        anchored = "/" in body
        body = body.lstrip("/")
        segments = [_segment(s) for s in body.split("/") if s]
        if not anchored:
            segments = ["**"] + segments
        self.segments = tuple(segments)

    def match(self, parts: Sequence[str], is_dir: bool) -> bool:
        if self.dir_only and not is_dir:
            return False
        return _match(self.segments, tuple(parts), 0, 0, {})


def _segment(text: str) -> str:
    """A pattern segment in fnmatch syntax (which has no backslash escape and spells a
    negated class ``[!...]``)."""
    if text == "**":
        return "**"
    out = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            escaped = text[i + 1]
            out.append(f"[{escaped}]" if escaped in "*?[]!" else escaped)
            i += 2
            continue
        if char == "[" and text[i + 1:i + 2] == "^":
            out.append("[!")
            i += 2
            continue
        out.append(char)
        i += 1
    result = "".join(out)
    # "a**b" is not a directory wildcard: it is an ordinary "*".
    while "**" in result:
        result = result.replace("**", "*")
    return result


def _match(segments: tuple[str, ...], parts: tuple[str, ...], i: int, j: int, memo: dict) -> bool:
    key = (i, j)
    if key in memo:
        return memo[key]
    result = _match_uncached(segments, parts, i, j, memo)
    memo[key] = result
    return result


def _match_uncached(segments: tuple[str, ...], parts: tuple[str, ...], i: int, j: int, memo: dict) -> bool:
    while i < len(segments):
        segment = segments[i]
        if segment == "**":
            while i + 1 < len(segments) and segments[i + 1] == "**":
                i += 1
            if i + 1 == len(segments):
                # A trailing "/**" matches everything inside, not the directory itself.
                return j < len(parts)
            return any(_match(segments, parts, i + 1, k, memo) for k in range(j, len(parts)))
        if j >= len(parts) or not fnmatchcase(parts[j], segment):
            return False
        i += 1
        j += 1
    return j == len(parts)


class PathSpec:
    """An ordered list of patterns relative to ``base`` (default: the current directory)."""

    def __init__(self, patterns: Iterable[str], base: str | None = None) -> None:
        self.patterns = tuple(PathPattern(p) for p in patterns)
        self.base = os.path.abspath(base or os.curdir)

    def __bool__(self) -> bool:
        return bool(self.patterns)

    def parts(self, path: str) -> tuple[str, ...] | None:
        """``path`` (relative to the current directory, or absolute) as segments relative to
        the base; None when it lies outside the base."""
        return relative_parts(path, self.base)

    def decide(self, parts: Sequence[str], is_dir: bool) -> bool | None:
        """The verdict on this one path, ignoring the directories above it: True (selected),
        False (re-included by a ``!`` pattern), None (no pattern matches)."""
        decision = None
        for pattern in self.patterns:
            if pattern.match(parts, is_dir):
                decision = not pattern.negated
        return decision

    def matches(self, path: str, is_dir: bool = False) -> bool:
        """Whether the patterns select ``path``: it, or a directory above it, is matched
        by a pattern and not re-included by a later ``!`` pattern."""
        parts = self.parts(path)
        if parts is None or not self.patterns:
            return False
        return self.matches_parts(parts, is_dir)

    def matches_parts(self, parts: Sequence[str], is_dir: bool) -> bool:
        for depth in range(1, len(parts)):
            if self.decide(parts[:depth], True):
                return True
        return bool(self.decide(parts, is_dir))


def relative_parts(path: str, base: str) -> tuple[str, ...] | None:
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute, base)
    except ValueError:  # another drive on Windows
        return None
    relative = relative.replace(os.sep, "/")
    if relative == "." or relative == ".." or relative.startswith("../"):
        return None if relative != "." else ()
    return tuple(relative.split("/"))


def shown(path: str) -> str:
    """``path`` as messages and reports show it: relative to the current directory when it
    lies below it, absolute otherwise."""
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute)
    except ValueError:  # another drive on Windows
        return absolute
    return absolute if relative == ".." or relative.startswith(".." + os.sep) else relative


def display_path(file: str) -> str:
    """``file`` as reports show it: relative to the current directory with ``/`` separators,
    or absolute when it lies outside it."""
    return shown(file).replace(os.sep, "/")


def posix_relative(path: str, base: str) -> str:
    """``path`` relative to ``base`` with ``/`` separators (``..`` where it lies outside)."""
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute, base)
    except ValueError:
        return absolute.replace(os.sep, "/")
    return relative.replace(os.sep, "/")
