"""Which policy documents a file holds, of what kind, and whose they are."""
from __future__ import annotations

import functools
import os
from typing import Any, Iterable, NamedTuple

from .model import JsonPath
from .policy import DocKind, PolicyDocument, make_document, statement_list
from .source import InputViolation, Source

KINDS = ("auto", "policy", "custom-policies", "cloudformation", "terraform-plan", "serverless")

# Text that a policy-bearing file must contain somewhere, written as a key (quoted, or
# followed by a colon); anything else is skipped unread. A word in a comment or a
# description ("Deploy Amplify Resources") does not count.
_MARKER_WORDS = ("Statement", "Resources", "AWSTemplateFormatVersion", "format_version",
                 "iamRoleStatements")
_MARKER_FORMS = ('"{}"', "'{}'", "{}:")
CUSTOM_POLICIES_NAME = "custom-policies.json"
# Serverless Framework service files: their statements are under `statements` (lower case).
SERVERLESS_NAMES = ("serverless.yml", "serverless.yaml", "serverless.json")
# Trust policies hold only these actions (DESIGN.md section 4).
_TRUST_ACTIONS = ("sts:assumerole", "sts:tagsession", "sts:setsourceidentity")


# How the label of a VPC endpoint policy starts. Principal "*" there means whoever reaches the
# service through that endpoint of your VPC, not the public: APL401 leaves it alone.
ENDPOINT_POLICY = "VPC endpoint policy"


def is_endpoint_policy(document: PolicyDocument) -> bool:
    return document.label.startswith(ENDPOINT_POLICY)


class PrincipalInfo(NamedTuple):
    id: str
    label: str
    complete: bool = True


class Located(NamedTuple):
    documents: tuple[PolicyDocument, ...] = ()
    principals: tuple[PrincipalInfo, ...] = ()
    # Why the file holds no policy, for --verbose.
    reason: str = ""
    # Input findings inside the file's policies (a policy given as a JSON string that does
    # not parse, a duplicate key in it), placed by offsets into the file's text.
    problems: tuple[InputViolation, ...] = ()


class Hints(NamedTuple):
    """What decides whether a file is policy-bearing besides its content."""

    kind: str = "auto"
    # The configuration's policy-files: gitignore-style patterns relative to base_dir.
    policy_globs: tuple[str, ...] = ()
    base_dir: str | None = None

    def forced(self, name: str) -> bool:
        return self.kind != "auto" or self.named_policy(name)

    def named_policy(self, name: str) -> bool:
        return os.path.basename(name) == CUSTOM_POLICIES_NAME or self.configured_policy(name)

    def configured_policy(self, name: str) -> bool:
        """Whether the configuration names this file as a policy (policy-files)."""
        return bool(self.policy_globs) and _policy_files(self.policy_globs, self.base_dir).matches(name)


@functools.lru_cache(maxsize=8)
def _policy_files(globs: tuple[str, ...], base_dir: str | None):
    from .globs import PathSpec

    return PathSpec(globs, base_dir)


def looks_policy_bearing(name: str, text: str, hints: Hints) -> bool:
    """Cheap test before parsing: only these files are parsed, and only their errors reported."""
    if hints.forced(name):
        return True
    for word in _MARKER_WORDS:
        if word in text and any(form.format(word) in text for form in _MARKER_FORMS):
            return True
    return os.path.basename(name) in SERVERLESS_NAMES and ("statements:" in text or '"statements"' in text)


def locate(source: Source, hints: Hints) -> Located:
    kind = hints.kind
    if kind == "auto":
        kind = detect_kind(source)
        if kind is None and hints.configured_policy(source.name):
            kind = "policy"  # named a policy by the configuration: judge it as one
        if kind is None:
            return Located(reason="no policy document, template or plan recognised")
    return _locator(kind)(source)


def detect_kind(source: Source) -> str | None:
    """Which kind of input a parsed file is, from a few keys at its root (never deeper)."""
    if os.path.basename(source.name) == CUSTOM_POLICIES_NAME:
        return "custom-policies"
    for _, data in roots(source):
        if not isinstance(data, dict):
            continue
        if "format_version" in data and any(k in data for k in _PLAN_KEYS):
            return "terraform-plan"
        if _is_template(data):
            return "cloudformation"
        if _is_serverless(data):
            return "serverless"
        if "Statement" in data:
            return "policy"
    return None


_PLAN_KEYS = ("planned_values", "resource_changes", "values")


def _is_template(data: dict) -> bool:
    resources = data.get("Resources")
    if not isinstance(resources, dict):
        return False
    if "AWSTemplateFormatVersion" in data:
        return True
    return any(isinstance(r, dict) and isinstance(r.get("Type"), str) for r in resources.values())


def _is_serverless(data: dict) -> bool:
    provider = data.get("provider")
    return "service" in data and (isinstance(provider, dict) or isinstance(data.get("functions"), dict))


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


def _locator(kind: str):
    """The locator of ``kind``; the template, plan and Serverless code is imported only
    for files that need it."""
    if kind == "policy":
        return _locate_policy_file
    if kind == "custom-policies":
        from .inputs.custom_policies import locate_custom_policies

        return locate_custom_policies
    if kind == "cloudformation":
        from .inputs.cloudformation import locate_template

        return locate_template
    if kind == "terraform-plan":
        from .inputs.terraform import locate_plan

        return locate_plan
    from .inputs.serverless import locate_serverless  # the last of KINDS

    return locate_serverless
