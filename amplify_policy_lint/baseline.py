"""Baseline files: findings accepted for now, so that only new ones are reported.

A baseline is JSON written by ``--write-baseline FILE``, one entry per line:

    {"version": 1, "tool": "amplify-policy-lint", "entries": [
      {"file": "iam/deployer.json", "rule_id": "APL303", "json_path": ["Statement", 2, "Resource"], "token": "\\"*\\"", "count": 1}
    ]}

``file`` is relative to the baseline file's directory, with ``/`` separators. An entry is keyed
by file, rule and JSON path, never by line, so edits elsewhere in the file do not bring its
finding back; ``count`` is how many findings share the key. ``token`` is the offending text
(whitespace collapsed), used to tell findings apart when the path alone cannot (see
``match_keys``): a file that does not parse has no path, and when statements are inserted
above a finding the indexes in its path shift while its text stays.
"""
from __future__ import annotations

import json
import os

from . import PROG, caching
from .config import ConfigError
from .globs import posix_relative
from .model import Finding, JsonPath
from .records import Record

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Collection, Iterable, Sequence

VERSION = 1
TOKEN_LIMIT = 200


class Entry(Record, slots=False):
    file: str
    rule_id: str
    json_path: JsonPath
    token: str
    count: int = 1
    # Where the entry is written in the baseline file (for unused-entry reports).
    index: int = 0

    def keys(self) -> tuple[tuple | None, ...]:
        return match_keys(self.file, self.rule_id, self.json_path, self.token)


class Baseline(Record, slots=False):
    path: str
    base_dir: str
    entries: tuple[Entry, ...]
    text: str = ""

    @caching.cached_property
    def _source(self):
        from .source import parse

        return parse(self.path, self.text, "json")[0]

    def target(self, entry: Entry) -> str:
        """The file ``entry`` is about, as a path (entries hold it relative to the baseline)."""
        return os.path.normpath(os.path.join(self.base_dir, entry.file))

    def entry_span(self, entry: Entry):
        """Where ``entry`` is written in the baseline file."""
        if self._source is None:
            from .model import Span

            return Span(1, 1, 1, 2)
        return self._source.span(("entries", entry.index))


def normalise_token(text: str) -> str:
    return " ".join(text.split())[:TOKEN_LIMIT]


def match_keys(file: str, rule_id: str, path: JsonPath, token: str) -> tuple[tuple | None, ...]:
    """The keys a finding and an entry are matched by, most exact first: the same path and
    text; the same text at the same path but for list indexes (statements inserted or removed
    above it); the same path (the text was edited). A finding of an input rule without a path
    (a file that does not parse) is matched by its text only."""
    path = tuple(path)
    if not path and rule_id in _input_rules():
        return ((file, rule_id, (), token), None, None)
    shape = None
    if any(isinstance(part, int) for part in path):
        shape = (file, rule_id, tuple(None if isinstance(p, int) else p for p in path), token, "shape")
    return ((file, rule_id, path, token), shape, (file, rule_id, path))


@caching.lru_cache(maxsize=None)
def _input_rules() -> frozenset[str]:
    """Rules raised by the reader: a finding of theirs may have no JSON path at all."""
    from .model import Scope
    from .rules import INDEX

    return frozenset(ref.id for ref in INDEX if ref.scope is Scope.INPUT)


def load(path: str) -> Baseline:
    """The baseline at ``path``; a ConfigError (one line) when it is missing or malformed.

    A run asks twice (the command line checks it before linting, the filter stage uses it
    after): the file is read once while it stays unchanged."""
    try:
        status = os.stat(path)
    except OSError:
        return _load(path)  # reports why
    return _load_unchanged(path, os.path.abspath(path), status.st_mtime_ns, status.st_size)


@caching.lru_cache(maxsize=1)
def _load_unchanged(path: str, absolute: str, mtime_ns: int, size: int) -> Baseline:
    return _load(path)


def _load(path: str) -> Baseline:
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise ConfigError(f"{path}: baseline file not found (create it with --write-baseline {path})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read baseline file: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ConfigError(f"{path}: baseline file is not valid JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("entries"), list):
        raise ConfigError(f"{path}: not an amplify-policy-lint baseline (expected "
                          f'{{"version": {VERSION}, "entries": [...]}})')
    entries = []
    for index, item in enumerate(data["entries"]):
        try:
            entries.append(Entry(
                file=_str(item["file"]), rule_id=_str(item["rule_id"]),
                json_path=tuple(_path_part(p) for p in item["json_path"]),
                token=normalise_token(_str(item.get("token", ""))),
                count=_count(item.get("count", 1)), index=index))
        except (KeyError, TypeError, ValueError):
            raise ConfigError(f"{path}: baseline entry {index + 1} is malformed (expected file, "
                              "rule_id, json_path, token and count)") from None
    base_dir = os.path.dirname(os.path.abspath(path))
    return Baseline(path, base_dir, tuple(entries), text)


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(value)
    return value


def _path_part(value: object) -> str | int:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise TypeError(value)
    return value


def _count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(value)
    return value


class Match(Record, frozen=False, slots=False):
    kept: list[Finding]
    suppressed: int
    # Entries (with how many of their count) that matched nothing.
    unused: list[tuple[Entry, int]]


def match(baseline: Baseline, findings: Sequence[Finding]) -> Match:
    """Split findings into those the baseline accepts and the rest (in their order). Each
    tier of keys (see match_keys) is tried for every finding before the next tier."""
    remaining = [entry.count for entry in baseline.entries]
    tiers: list[dict[tuple, list[int]]] = [{}, {}, {}]
    for i, entry in enumerate(baseline.entries):
        for tier, key in zip(tiers, entry.keys()):
            if key is not None:
                tier.setdefault(key, []).append(i)
    files: dict[str, str] = {}
    keys = []
    for finding in findings:
        if finding.file not in files:
            files[finding.file] = posix_relative(finding.file, baseline.base_dir)
        keys.append(match_keys(files[finding.file], finding.rule.id, finding.path,
                               normalise_token(finding.token)))
    accepted = [False] * len(findings)
    for level, tier in enumerate(tiers):
        for n, finding_keys in enumerate(keys):
            key = finding_keys[level]
            if accepted[n] or key is None:
                continue
            for i in tier.get(key, ()):
                if remaining[i] > 0:
                    remaining[i] -= 1
                    accepted[n] = True
                    break
    kept = [f for f, ok in zip(findings, accepted) if not ok]
    unused = [(entry, remaining[i]) for i, entry in enumerate(baseline.entries) if remaining[i] > 0]
    return Match(kept, sum(accepted), unused)


def in_scope(file: str, scope: Sequence[str]) -> bool:
    """Whether a run over the paths ``scope`` looked at ``file`` (absolute): it is one of
    them, or lies below one of them."""
    return any(file == absolute or file.startswith(below) for absolute, below in _roots(tuple(scope)))


@caching.lru_cache(maxsize=4)
def _roots(scope: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    # Asked once per baseline entry: each path is made absolute once, not once per entry.
    return tuple((absolute, absolute.rstrip(os.sep) + os.sep) for absolute in map(os.path.abspath, scope))


def entries_for(findings: Iterable[Finding], base_dir: str) -> list[Entry]:
    counts: dict[tuple, int] = {}
    for finding in findings:
        key = (posix_relative(finding.file, base_dir), finding.rule.id, tuple(finding.path),
               normalise_token(finding.token))
        counts[key] = counts.get(key, 0) + 1
    return [Entry(file, rule_id, path, token, count) for (file, rule_id, path, token), count in counts.items()]


def write(path: str, findings: Sequence[Finding], scope: Sequence[str],
          enabled: Collection[str] | None = None) -> int:
    """Write the baseline of ``findings`` to ``path``. Entries of an existing baseline there
    that this run could not have reproduced are kept: those for files outside ``scope`` (the
    paths the run was given) and those of rules not in ``enabled``. Returns the number of
    findings recorded."""
    base_dir = os.path.dirname(os.path.abspath(path))
    entries = entries_for(findings, base_dir)
    if os.path.isfile(path):
        try:
            old = load(path)
        except ConfigError:
            old = None
        if old is not None:
            entries.extend(e for e in old.entries
                           if not in_scope(old.target(e), scope)
                           or (enabled is not None and e.rule_id not in enabled))
    text = render(entries)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    return sum(entry.count for entry in entries)


def render(entries: Iterable[Entry]) -> str:
    merged: dict[tuple, int] = {}
    for entry in entries:
        key = (entry.file, entry.rule_id, entry.json_path, entry.token)
        merged[key] = merged.get(key, 0) + entry.count
    ordered = sorted(merged.items(), key=lambda item: (item[0][0], item[0][1],
                                                        json.dumps(item[0][2]), item[0][3]))
    lines = []
    for (file, rule_id, path, token), count in ordered:
        item = {"file": file, "rule_id": rule_id, "json_path": list(path), "token": token, "count": count}
        line = json.dumps(item, ensure_ascii=False)
        try:
            line.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate (an undecodable file name): escape it
            line = json.dumps(item)
        lines.append("    " + line)
    body = ",\n".join(lines)
    entries_text = f"[\n{body}\n  ]" if lines else "[]"
    return (f'{{\n  "version": {VERSION},\n  "tool": "{PROG}",\n'
            f'  "entries": {entries_text}\n}}\n')
