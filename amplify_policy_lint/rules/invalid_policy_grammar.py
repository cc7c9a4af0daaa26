"""APL101: the document breaks the IAM policy grammar."""
from __future__ import annotations

from typing import Iterator

from .. import schema
from ..model import Context, Rule, Scope, Severity, Violation
from ..policy import DocKind, PolicyDocument


def entry_point(document: PolicyDocument) -> str:
    if document.container == "custom-policies":
        return "customPolicies"
    if document.kind is DocKind.TRUST:
        return "trustPolicy"
    return "identityPolicy"


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    coerced = _coerced_yaml_scalars(document)
    for violation in schema.validate(document.data, entry_point(document)):
        # An unquoted 123456789012 where a string belongs is APL005's finding, not a second one.
        if violation.path not in coerced:
            yield violation


def _coerced_yaml_scalars(document: PolicyDocument) -> frozenset:
    base = len(document.base)
    return frozenset(path[base:] for path, scalar in document.source.yaml_scalars.items()
                     if scalar.plain and scalar.tag.rsplit(":", 1)[-1] in _COERCED_TAGS
                     and path[:base] == document.base)


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
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html",),
)
