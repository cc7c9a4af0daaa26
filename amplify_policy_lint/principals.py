"""Configured principals: several policy files evaluated as one role, user or group.

The globs use the configuration's path syntax (gitignore-style, relative to ``base``, the
configuration file's directory; see globs.py)."""
from __future__ import annotations

from typing import Mapping, Sequence


def group_of(files: Sequence[str], principals: Mapping[str, Sequence[str]],
             base: str | None = None) -> str | None:
    """The configured principal the files belong to, if they belong to one."""
    specs = _specs(principals, base)
    for name, spec in specs.items():
        if files and all(spec.matches(f) for f in files):
            return name
    return None


def principal_groups(files: Sequence[str], principals: Mapping[str, Sequence[str]],
                     base: str | None = None) -> list[tuple[str, ...]]:
    """Files to lint together: each configured principal's files, then every other file alone."""
    if not principals:
        return [(file,) for file in files]
    specs = _specs(principals, base)
    groups: dict[str, list[str]] = {name: [] for name in principals}
    alone: list[tuple[str, ...]] = []
    for file in files:
        name = next((n for n, spec in specs.items() if spec.matches(file)), None)
        if name is None:
            alone.append((file,))
        else:
            groups[name].append(file)
    return [tuple(members) for members in groups.values() if members] + alone


def _specs(principals: Mapping[str, Sequence[str]], base: str | None) -> dict:
    from .globs import PathSpec

    return {name: PathSpec(globs, base) for name, globs in principals.items()}
