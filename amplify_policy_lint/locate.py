"""Which input kind a file is, and so which policy documents it holds and whose they are.

The kinds themselves, and what each needs to be recognised, are in ``inputs`` (one module
per kind, one registry line each); this module only asks them.
"""
from __future__ import annotations

import os

from . import caching, inputs
from .inputs import InputKind, Located
from .records import NamedTuple
from .source import Source

KINDS = ("auto", *(kind.name for kind in inputs.KINDS))

# How a marker word must be written to count: as a key (quoted, or followed by a colon).
# A word in a comment or a description ("Deploy Amplify Resources") does not count.
_MARKER_FORMS = ('"{}"', "'{}'", "{}:")
_FILE_NAMES = frozenset(name for kind in inputs.KINDS for name in kind.file_names)
# Terraform variable values (pre-commit tags them terraform, as it does .tf files): no policy
# of their own, whatever heredoc they hold.
_NEVER_POLICIES = (".tfvars",)


class Hints(NamedTuple):
    """What decides whether a file is policy-bearing besides its content."""

    kind: str = "auto"
    # The configuration's policy-files: gitignore-style patterns relative to base_dir.
    policy_globs: tuple[str, ...] = ()
    base_dir: str | None = None

    def forced(self, name: str) -> bool:
        return self.kind != "auto" or self.named_policy(name)

    def named_policy(self, name: str) -> bool:
        """Named a policy: a kind's own file name (custom-policies.json), or by the configuration."""
        return os.path.basename(name) in _FILE_NAMES or self.configured_policy(name)

    def configured_policy(self, name: str) -> bool:
        """Whether the configuration names this file as a policy (policy-files)."""
        return bool(self.policy_globs) and _policy_files(self.policy_globs, self.base_dir).matches(name)


@caching.lru_cache(maxsize=8)
def _policy_files(globs: tuple[str, ...], base_dir: str | None):
    from .globs import PathSpec

    return PathSpec(globs, base_dir)


@caching.lru_cache(maxsize=64)  # asked several times for each file as it is read, located and linted
def claimed_by_name(name: str) -> InputKind | None:
    """The kind a file is by its name alone (custom-policies.json, an extension of a syntax
    of the kind's own), whatever it holds."""
    base = os.path.basename(name)
    extension = os.path.splitext(base)[1].lower()
    for kind in inputs.KINDS:
        if base in kind.file_names or (extension and extension in kind.extensions):
            return kind
    return None


def own_syntax(name: str, hints: Hints) -> InputKind | None:
    """The kind whose own reader parses this file (not JSON or YAML), if any."""
    kind = inputs.BY_NAME.get(hints.kind) if hints.kind != "auto" else claimed_by_name(name)
    return kind if kind is not None and kind.extensions else None


def looks_policy_bearing(name: str, text: str, hints: Hints) -> bool:
    """Cheap test before parsing: only these files are parsed, and only their errors reported."""
    if hints.forced(name):
        return True
    claimed = claimed_by_name(name)
    if claimed is not None and claimed.extensions:  # a syntax of its own: its markers anywhere
        return any(marker in text for marker in claimed.markers)
    base = os.path.basename(name)
    if base.endswith(_NEVER_POLICIES):
        return False
    for kind in inputs.KINDS:
        if kind.extensions:  # its markers are for its own syntax (above): no JSON or YAML is that kind
            continue
        if _marked(text, kind.markers):
            return True
        names, words = kind.named_markers
        if base in names and _marked(text, words):
            return True
    return False


def _marked(text: str, words: tuple[str, ...]) -> bool:
    return any(word in text and any(form.format(word) in text for form in _MARKER_FORMS) for word in words)


def locate(source: Source, hints: Hints) -> Located:
    kind = inputs.BY_NAME.get(hints.kind)
    if kind is None:
        kind = detect_kind(source)
        if kind is None and hints.configured_policy(source.name):
            kind = inputs.BY_NAME["policy"]  # named a policy by the configuration: judge it as one
        if kind is None:
            return Located(reason="no policy document, template or plan recognised")
    return inputs.module(kind).locate(source)


def detect_kind(source: Source) -> InputKind | None:
    """Which kind of input a parsed file is, from its name or a few keys at its root."""
    claimed = claimed_by_name(source.name)
    if claimed is not None:
        return claimed
    for _, data in source.roots():
        if not isinstance(data, dict):
            continue
        for kind in inputs.DETECTION_ORDER:
            if any(key in data for key in kind.root_keys) and inputs.module(kind).recognises(data):
                return kind
    return None
