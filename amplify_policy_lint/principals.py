"""Configured principals: several policy files evaluated as one role, user or group."""
from __future__ import annotations

import fnmatch
from typing import Mapping, Sequence


def group_of(files: Sequence[str], principals: Mapping[str, Sequence[str]]) -> str | None:
    """The configured principal the files belong to, if they belong to one."""
    for name, globs in principals.items():
        if files and all(_matches(f, globs) for f in files):
            return name
    return None


def principal_groups(files: Sequence[str], principals: Mapping[str, Sequence[str]]) -> list[tuple[str, ...]]:
    """Files to lint together: each configured principal's files, then every other file alone."""
    groups: dict[str, list[str]] = {name: [] for name in principals}
    alone: list[tuple[str, ...]] = []
    for file in files:
        name = next((n for n, globs in principals.items() if _matches(file, globs)), None)
        if name is None:
            alone.append((file,))
        else:
            groups[name].append(file)
    return [tuple(members) for members in groups.values() if members] + alone


def _matches(file: str, globs: Sequence[str]) -> bool:
    normalised = file.replace("\\", "/")
    trimmed = normalised[2:] if normalised.startswith("./") else normalised
    return any(fnmatch.fnmatch(trimmed, g) or fnmatch.fnmatch(normalised, g) for g in globs)
