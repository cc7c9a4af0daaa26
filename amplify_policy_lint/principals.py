"""Configured principals: several policy files evaluated as one role, user or group.

The globs use the configuration's path syntax (gitignore-style, relative to ``base``, the
configuration file's directory; see globs.py)."""
from __future__ import annotations

import os

from . import amplify_layout, caching
from .locate import claimed_by_name

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
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
    """Files to lint together: each configured principal's files, the files of one Amplify
    function (its custom-policies.json and its template extend one role), then every other
    file alone."""
    specs = _specs(principals, base) if principals else {}
    groups: dict[str, list[str]] = {name: [] for name in principals}
    functions: dict[str, list[str]] = {}
    alone: list[tuple[str, ...]] = []
    for file in files:
        name = next((n for n, spec in specs.items() if spec.matches(file)), None)
        function = amplify_layout.function_dir(file) if name is None else None
        if name is None and function is None:
            function = module_dir(file)  # a Terraform module's roles span its .tf files
        if name is not None:
            groups[name].append(file)
        elif function is not None:
            functions.setdefault(function, []).append(file)
        else:
            alone.append((file,))
    return ([tuple(members) for members in groups.values() if members]
            + [tuple(members) for members in functions.values()] + alone)


def module_dir(file: str) -> str | None:
    """For a file of a kind whose principals span its directory (``InputKind.module_directory``:
    a Terraform module's .tf files), a key for that directory; else None."""
    kind = claimed_by_name(file)
    if kind is None or not kind.module_directory:
        return None
    return f"{kind.name}:{os.path.normpath(os.path.dirname(file) or '.')}"


def context_files(group: Sequence[str], linted: set[str], principals: Mapping[str, Sequence[str]] = {},
                  base: str | None = None, exclude: Sequence[str] = ()) -> tuple[str, ...]:
    """Files that hold policies of the group's principals but were not asked for (pre-commit
    names only the staged ones, and splits 100+ files over several processes): read for
    evaluation, never reported on, so that what is reported never depends on which of a
    principal's files a run received.

    They are the other files of a Terraform module's directory, of an Amplify function, and
    the other members of a configured principal group found on disk (``linted`` holds the normalised names of every file of
    the run)."""
    found: list[str] = []
    kinds = {f: claimed_by_name(f) for f in group}
    module_dirs = {os.path.dirname(f): kind for f, kind in kinds.items() if kind is not None and kind.module_directory}
    for directory, kind in module_dirs.items():
        try:
            entries = sorted(os.listdir(directory or "."))
        except OSError:
            continue
        for entry in entries:
            sibling = os.path.join(directory, entry)
            if entry.endswith(kind.extensions) and os.path.normpath(sibling) not in linted \
                    and os.path.isfile(sibling):
                found.append(sibling)
    group_name = group_of(group, principals, base) if principals else None
    if group_name is not None:
        seen = {os.path.abspath(f) for f in linted}
        for member in group_members(tuple(principals[group_name]), base, tuple(exclude)):
            if os.path.abspath(member) not in seen and member not in found:
                found.append(member)
    for directory in dict.fromkeys(d for d in map(amplify_layout.function_dir, group) if d is not None):
        for name in amplify_layout.function_files(os.path.basename(directory)):
            sibling = os.path.join(directory, name)
            if os.path.normpath(sibling) not in linted and os.path.isfile(sibling):
                found.append(sibling)
    return tuple(found)


def _specs(principals: Mapping[str, Sequence[str]], base: str | None) -> dict:
    # Asked once per group of files: the globs are compiled once per run.
    if not principals:
        return {}
    return _compiled(tuple((name, tuple(globs)) for name, globs in principals.items()), base)


@caching.lru_cache(maxsize=4)
def _compiled(principals: tuple[tuple[str, tuple[str, ...]], ...], base: str | None) -> dict:
    from .globs import PathSpec

    return {name: PathSpec(globs, base) for name, globs in principals}


@caching.lru_cache(maxsize=8)
def group_members(patterns: tuple[str, ...], base: str | None, exclude: tuple[str, ...]) -> tuple[str, ...]:
    """Every file on disk that a configured principal's ``patterns`` name: below the literal
    directory each pattern starts with (the base directory for a pattern that matches at any
    depth), as a directory walk finds them (excludes honoured). Once per run and group."""
    from .discover import discover
    from .globs import PathSpec

    root = base or os.curdir
    spec = PathSpec(patterns, base)
    roots = dict.fromkeys(os.path.normpath(os.path.join(root, _literal_directory(p))) for p in patterns)
    files, _ = discover([r for r in roots if os.path.isdir(r)], exclude, base)
    return tuple(f for f in files if spec.matches(f))


def _literal_directory(pattern: str) -> str:
    """The directories a gitignore-style pattern names before its first wildcard ("" when it
    has none or matches at any depth)."""
    body = pattern.strip().lstrip("!").rstrip("/")
    if "/" not in body:
        return ""
    cut = min((i for i in (body.find(c) for c in "*?[\\") if i >= 0), default=len(body))
    head = body[:cut]
    return head[:head.rfind("/") + 1].lstrip("/") if "/" in head else ""
