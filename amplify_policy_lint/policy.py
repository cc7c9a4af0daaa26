"""Policy documents and their statements, normalised for the rules.

Normalising never fails: a value of the wrong type becomes an ``Item`` with ``value=None``
(the schema check reports it once; every other rule simply cannot decide and stays quiet).
"""
from __future__ import annotations

import enum
import functools
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, Sequence

from . import wildcard
from .model import JsonPath
from .source import Source


class DocKind(enum.Enum):
    IDENTITY = "identity"  # attached to a user, group or role
    RESOURCE = "resource"  # attached to a resource (bucket, queue, key, ...); has Principal
    TRUST = "trust"  # a role's AssumeRolePolicyDocument
    UNKNOWN = "unknown"  # a bare policy file whose kind cannot be told


@dataclass(frozen=True, slots=True)
class Item:
    """One entry of Action, NotAction, Resource or NotResource.

    ``value`` is None when the entry is not a plain string (an intrinsic function, a
    number, a list): rules that need the text cannot decide about it.
    """

    value: str | None
    path: JsonPath  # relative to the document


@dataclass(frozen=True, slots=True)
class Statement:
    path: JsonPath  # relative to the document, e.g. ("Statement", 2)
    data: Mapping[str, Any]
    sid: str | None
    effect: str | None  # "Allow", "Deny", or None when missing or malformed
    action_key: str | None  # "Action", "NotAction", or None
    actions: tuple[Item, ...]
    resource_key: str | None  # "Resource", "NotResource", or None
    resources: tuple[Item, ...]
    principal_key: str | None  # "Principal", "NotPrincipal", or None
    principal: Any
    condition: Any  # the raw Condition value, or None

    @property
    def conditional(self) -> bool:
        return self.condition is not None and self.condition != {}


@dataclass(frozen=True, eq=False)
class PolicyDocument:
    """One policy document found in a file.

    ``source`` answers positions for paths relative to ``base`` (for an embedded JSON
    string, ``source`` is the inner text mapped back to the file). ``principals`` names
    whose permissions this document is part of; ``label`` says in words where it is.
    Two documents are the same only when they are the same object (their data are dicts).
    """

    file: str
    source: Source
    base: JsonPath
    data: Any
    kind: DocKind
    label: str
    principals: tuple[str, ...] = ()
    # Where the document came from: policy, custom-policies, cloudformation, terraform-plan, serverless.
    container: str = "policy"
    # Amplify custom-policies.json statements have no Version and default Effect to Allow.
    implicit_effect: str | None = None
    statements: tuple[Statement, ...] = field(default=(), repr=False)

    def span(self, path: JsonPath, part: str = "value"):
        return self.source.span(self.base + tuple(path), part)

    def raw(self, path: JsonPath) -> str:
        return self.source.raw(self.base + tuple(path))

    @functools.cached_property
    def action_index(self) -> "ActionIndex":
        """Which of the statements may name an action (built on first use, then kept)."""
        return ActionIndex(self.statements)


class ActionIndex:
    """The statements that may match an action, found without matching every entry of every
    statement: rules evaluate hundreds of actions (PassRole candidates, every action of a
    wildcard) against documents of up to a thousand statements.

    ``candidates(action)`` is a superset of the statements whose Action/NotAction can cover
    ``action`` (never one too few), in document order; the caller still judges each.
    """

    __slots__ = ("_statements", "_names", "_patterns", "_anywhere", "_always")

    def __init__(self, statements: Sequence[Statement]) -> None:
        self._statements = tuple(statements)
        self._names: dict[str, list[int]] = {}  # plain entries, by lower-case name
        self._patterns: dict[str, list[tuple[wildcard.Pattern, int]]] = {}  # by literal service prefix
        self._anywhere: list[tuple[wildcard.Pattern, int]] = []  # a wildcard before the colon
        self._always: list[int] = []  # NotAction, or an unresolved entry: judged for every action
        for index, statement in enumerate(self._statements):
            if statement.effect is None or statement.action_key is None:
                continue  # never grants or denies anything
            if statement.action_key == "NotAction" or any(i.value is None for i in statement.actions):
                self._always.append(index)
                continue
            for item in statement.actions:
                self._add(item.value, index)  # type: ignore[arg-type]

    def _add(self, value: str, index: int) -> None:
        if not wildcard.has_wildcard(value):
            self._names.setdefault(value.lower(), []).append(index)
            return
        service, colon, _ = value.partition(":")
        # A name holds one colon: a pattern whose text before its colon is literal can only
        # match actions of that service.
        if colon and not wildcard.has_wildcard(service):
            self._patterns.setdefault(service.lower(), []).append((wildcard.compile(value), index))
        else:
            self._anywhere.append((wildcard.compile(value), index))

    def candidates(self, action: str) -> list[Statement]:
        lower = action.lower()
        found = set(self._names.get(lower, ()))
        for pattern, index in self._patterns.get(lower.partition(":")[0], ()):
            if index not in found and pattern.matches(lower):
                found.add(index)
        for pattern, index in self._anywhere:
            if index not in found and pattern.matches(lower):
                found.add(index)
        found.update(self._always)
        return [self._statements[i] for i in sorted(found)]


@dataclass(frozen=True, slots=True)
class Principal:
    """Whose permissions are evaluated together: a role, user or group, or a file.

    ``complete`` is False when the principal has policies the linter cannot see (an AWS
    managed policy ARN, an imported value): rules that prove an absence stay quiet then.
    """

    id: str
    label: str
    documents: tuple[PolicyDocument, ...]
    complete: bool = True


def action_entries(document: PolicyDocument) -> Iterator[Item]:
    """Every Action and NotAction entry of the document that is a plain string, in order."""
    for statement in document.statements:
        for item in statement.actions:
            if item.value is not None:
                yield item


def statement_list(data: Any) -> list[tuple[JsonPath, Any]]:
    """The statements of a document as (path, value) pairs; Statement may be one mapping.

    A list (an Amplify custom-policies.json) is itself the list of statements.
    """
    if isinstance(data, list):
        return list(((i,), s) for i, s in enumerate(data))
    if not isinstance(data, dict):
        return []
    statements = data.get("Statement")
    if isinstance(statements, list):
        return [(("Statement", i), s) for i, s in enumerate(statements)]
    if isinstance(statements, dict) and not _is_intrinsic(statements):
        return [(("Statement",), statements)]
    return []


def _items(statement: Mapping[str, Any], key: str, base: JsonPath) -> tuple[Item, ...]:
    value = statement.get(key)
    if isinstance(value, str):
        return (Item(value, base + (key,)),)
    if isinstance(value, list):
        return tuple(Item(v if isinstance(v, str) else None, base + (key, i)) for i, v in enumerate(value))
    if value is None:
        return ()
    return (Item(None, base + (key,)),)


def _pick(statement: Mapping[str, Any], first: str, second: str) -> str | None:
    if first in statement:
        return first
    if second in statement:
        return second
    return None


def normalise(data: Any, implicit_effect: str | None = None) -> tuple[Statement, ...]:
    result = []
    for path, raw in statement_list(data):
        if not isinstance(raw, dict) or _is_intrinsic(raw):
            continue
        effect = raw.get("Effect", implicit_effect)
        action_key = _pick(raw, "Action", "NotAction")
        resource_key = _pick(raw, "Resource", "NotResource")
        principal_key = _pick(raw, "Principal", "NotPrincipal")
        sid = raw.get("Sid")
        result.append(Statement(
            path=path,
            data=raw,
            sid=sid if isinstance(sid, str) else None,
            effect=effect if effect in ("Allow", "Deny") else None,
            action_key=action_key,
            actions=_items(raw, action_key, path) if action_key else (),
            resource_key=resource_key,
            resources=_items(raw, resource_key, path) if resource_key else (),
            principal_key=principal_key,
            principal=raw.get(principal_key) if principal_key else None,
            condition=raw.get("Condition"),
        ))
    return tuple(result)


def _is_intrinsic(value: Any) -> bool:
    """A CloudFormation intrinsic function: a one-key mapping like {"Ref": ...} or {"Fn::If": ...}."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    (key,) = value
    return key == "Ref" or key == "Condition" or (isinstance(key, str) and key.startswith("Fn::"))


is_intrinsic = _is_intrinsic


def make_document(**fields: Any) -> PolicyDocument:
    """A PolicyDocument with its statements normalised from its data."""
    statements = normalise(fields["data"], fields.get("implicit_effect"))
    return PolicyDocument(statements=statements, **fields)
