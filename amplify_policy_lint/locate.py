"""Which policy documents a file holds, of what kind, and whose they are."""
from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from typing import Any, Iterable

from .model import JsonPath
from .policy import DocKind, PolicyDocument, make_document, statement_list
from .source import Source

KINDS = ("auto", "policy", "custom-policies", "cloudformation", "terraform-plan", "serverless")

# Text that a policy-bearing file must contain somewhere; anything else is skipped unread.
_MARKERS = ("Statement", "Resources", "AWSTemplateFormatVersion", "format_version",
            "iamRoleStatements")
CUSTOM_POLICIES_NAME = "custom-policies.json"
# Trust policies hold only these actions (DESIGN.md section 4).
_TRUST_ACTIONS = ("sts:assumerole", "sts:tagsession", "sts:setsourceidentity")


@dataclass(frozen=True)
class PrincipalInfo:
    id: str
    label: str
    complete: bool = True


@dataclass(frozen=True)
class Located:
    documents: tuple[PolicyDocument, ...] = ()
    principals: tuple[PrincipalInfo, ...] = ()
    # Why the file holds no policy, for --verbose.
    reason: str = ""


@dataclass(frozen=True)
class Hints:
    """What decides whether a file is policy-bearing besides its content."""

    kind: str = "auto"
    policy_globs: tuple[str, ...] = field(default=())

    def forced(self, name: str) -> bool:
        return self.kind != "auto" or self.named_policy(name)

    def named_policy(self, name: str) -> bool:
        base = os.path.basename(name)
        return base == CUSTOM_POLICIES_NAME or any(
            fnmatch.fnmatch(name, glob) or fnmatch.fnmatch(base, glob) for glob in self.policy_globs)


def looks_policy_bearing(name: str, text: str, hints: Hints) -> bool:
    """Cheap test before parsing: only these files are parsed, and only their errors reported."""
    return hints.forced(name) or any(marker in text for marker in _MARKERS)


def locate(source: Source, hints: Hints) -> Located:
    kind = hints.kind
    if kind == "auto":
        kind = detect_kind(source)
        if kind is None:
            return Located(reason="no policy document, template or plan recognised")
    locator = _LOCATORS.get(kind)
    if locator is None:
        return Located(reason=f"{kind} files are not supported yet")
    return locator(source)


def detect_kind(source: Source) -> str | None:
    if os.path.basename(source.name) == CUSTOM_POLICIES_NAME:
        return "custom-policies"
    for _, data in roots(source):
        if isinstance(data, dict) and "Statement" in data:
            return "policy"
    return None


def roots(source: Source) -> list[tuple[JsonPath, Any]]:
    """(base path, data) of each document in the file (YAML streams may hold several)."""
    if source.multi_document:
        return [((i,), data) for i, data in enumerate(source.data)]
    return [((), source.data)]


def policy_kind(data: Any) -> DocKind:
    """A bare policy file: with Principal it is a resource (or trust) policy, else identity."""
    statements = [s for _, s in statement_list(data) if isinstance(s, dict)]
    with_principal = [s for s in statements if "Principal" in s or "NotPrincipal" in s]
    if not with_principal:
        return DocKind.IDENTITY
    actions = [a.lower() for s in with_principal for a in _strings(s.get("Action"))]
    if actions and all(a.startswith(_TRUST_ACTIONS) for a in actions):
        return DocKind.TRUST
    return DocKind.RESOURCE


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str))
    return ()


def _locate_policy_file(source: Source) -> Located:
    principal = PrincipalInfo(f"file:{source.name}", f"the policies of {source.name}")
    documents = []
    for base, data in roots(source):
        kind = policy_kind(data)
        documents.append(make_document(
            file=source.name, source=source, base=base, data=data, kind=kind,
            label=f"{kind.value} policy", principals=(principal.id,), container="policy"))
    return Located(tuple(documents), (principal,))


def _locate_custom_policies(source: Source) -> Located:
    principal = PrincipalInfo(f"file:{source.name}", f"the function role of {source.name}")
    document = make_document(
        file=source.name, source=source, base=(), data=source.data, kind=DocKind.IDENTITY,
        label="Amplify custom policies", principals=(principal.id,), container="custom-policies",
        implicit_effect="Allow")
    return Located((document,), (principal,))


_LOCATORS = {
    "policy": _locate_policy_file,
    "custom-policies": _locate_custom_policies,
}
