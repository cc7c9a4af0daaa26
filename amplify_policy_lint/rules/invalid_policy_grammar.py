"""APL101: the document breaks the IAM policy grammar."""
from __future__ import annotations

from .. import schema
from ..context import Context
from ..model import Fix, Rule, Safety, Scope, Severity, Violation
from ..policy import DocKind, PolicyDocument
from ..records import replace
from ..resource_policies import resource_implied

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterator


def entry_point(document: PolicyDocument) -> str:
    if document.bare_statements:
        return "customPolicies"
    if document.kind in (DocKind.TRUST, DocKind.UNKNOWN) or resource_implied(document):
        # The grammar without a required Resource (UNKNOWN: a trust or a resource policy, as a
        # Terraform document whose use is not seen may be).
        return "trustPolicy"
    return "identityPolicy"


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    scalars = document.source.yaml_scalars
    base = tuple(document.base)
    for violation in schema.validate(document.data, entry_point(document), document.may_hold_intrinsic):
        # An unquoted 123456789012 where a string belongs is APL005's finding, not a second one.
        # (Looked up per violation: collecting the file's scalars for every document of a
        # YAML stream was quadratic.)
        if not _coerced(scalars.get(base + tuple(violation.path))):
            yield _with_fix(document, violation)
    yield from _branches(document, scalars, base)


def _branches(document: PolicyDocument, scalars, base: tuple) -> Iterator[Violation]:
    """Each statement in an Fn::If branch of the Statement list, validated as the statement of
    a document of the same kind; its findings are placed in the branch."""
    entry = entry_point(document)
    for statement in document.branch_statements:
        wrapped = [statement.data] if entry == "customPolicies" else {"Statement": [statement.data]}
        lead = (0,) if entry == "customPolicies" else ("Statement", 0)
        for violation in schema.validate(wrapped, entry):
            path = tuple(violation.path)
            if path[:len(lead)] != lead:
                continue
            moved = replace(violation, path=tuple(statement.path) + path[len(lead):])
            if not _coerced(scalars.get(base + tuple(moved.path))):
                yield moved


def _with_fix(document: PolicyDocument, violation: Violation) -> Violation:
    """An Amplify custom-policies.json statement whose Action or Resource is a string (the
    Amplify CLI requires lists): the string written as a one-element list means the same."""
    from ..edits import wrap_in_list  # a fix is built only for a finding

    path = violation.path
    if not document.bare_statements or len(path) != 2 or path[1] not in ("Action", "Resource"):
        return violation
    statement = document.data[path[0]] if isinstance(document.data, list) and isinstance(path[0], int) else None
    if not isinstance(statement, dict) or not isinstance(statement.get(path[1]), str):
        return violation
    edits = wrap_in_list(document, path)
    if not edits:
        return violation
    return replace(violation, fix=Fix(Safety.SAFE, f"write {path[1]} as a list", edits))


def _coerced(scalar) -> bool:
    return scalar is not None and scalar.plain and scalar.tag.rsplit(":", 1)[-1] in _COERCED_TAGS


_COERCED_TAGS = ("int", "float", "bool", "timestamp")


RULE = Rule(
    id="APL101",
    name="invalid-policy-grammar",
    severity=Severity.ERROR,
    scope=Scope.DOCUMENT,
    summary="the document breaks the IAM policy grammar",
    why=(
        "IAM rejects a document that breaks its grammar with MalformedPolicyDocument, and only at "
        "deploy time: a misspelt element, an Effect of \"allow\", a statement without Action or "
        "Resource, an empty list, or a number where a string belongs. The linter validates every "
        "document against a JSON Schema of the grammar and reports each violation at the value "
        "(or, for a missing element, at the statement) it is about."
    ),
    bad='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "allow",\n    "Actions": "s3:GetObject",\n    "Resource": "*"\n  }]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": "s3:GetObject",\n    "Resource": "*"\n  }]\n}\n',
    fix="Correct the element as the message says; the grammar is at "
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html.",
    messages={"default": "{message}"},
    check=check,
    autofix="safe: in an Amplify custom-policies.json, writes a string Action or Resource as a "
            "one-element list (the Amplify CLI requires lists; IAM reads both the same); other "
            "grammar errors are left to you.",
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html",),
    access_analyzer=("DATA_TYPE_MISMATCH", "INVALID_EFFECT", "INVALID_POLICY_ELEMENT",
                     "INVALID_PRINCIPAL_FORMAT", "INVALID_PRINCIPAL_KEY", "INVALID_VERSION",
                     "MISSING_ACTION", "MISSING_EFFECT", "MISSING_RESOURCE", "MISSING_STATEMENT",
                     "UNSUPPORTED_ELEMENT_COMBINATION", "EMPTY_ARRAY_ACTION", "EMPTY_ARRAY_PRINCIPAL",
                     "EMPTY_ARRAY_RESOURCE", "EMPTY_OBJECT_PRINCIPAL", "WILDCARD_IN_SERVICE_NAME"),
)
