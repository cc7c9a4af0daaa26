"""APL207: a multivalued condition key tested without ForAllValues or ForAnyValue."""
from __future__ import annotations


from ..condition_keys import key_type, multivalued
from ..context import Context
from ..model import Rule, Scope, Severity, Violation
from ..policy import PolicyDocument

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterator


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    for statement in document.statements:
        for condition in statement.conditions:
            operator = condition.operator
            if not operator.known or operator.qualifier is not None or operator.family == "Null":
                continue  # Null tests presence, which a set of values has or has not
            if not isinstance(condition.key, str):
                continue
            kind = key_type(context.catalog, condition.key)
            if multivalued(kind):
                yield Violation(condition.path, {"key": condition.key, "operator": operator.text, "type": kind},
                                part="key")


RULE = Rule(
    id="APL207",
    name="missing-set-qualifier",
    severity=Severity.WARNING,
    scope=Scope.DOCUMENT,
    summary="a multivalued condition key (ArrayOf...) without ForAllValues or ForAnyValue",
    why=(
        "A request may carry several values of a multivalued key (aws:TagKeys, aws:CalledVia, "
        "events:detail-type: the catalog types them ArrayOf...). AWS requires a set qualifier "
        "for such keys: ForAnyValue (at least one value matches) or ForAllValues (every value "
        "matches), and Access Analyzer reports the plain operator as an error. IAM accepts the "
        "policy, and AWS ships managed policies written so, which is why this is a warning: the "
        "condition says nothing about what happens when a request carries several values."
    ),
    bad='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": "ec2:CreateTags",\n    "Resource": "*",\n    "Condition": {"StringEquals": {"aws:TagKeys": ["team", "env"]}}\n  }]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": "ec2:CreateTags",\n    "Resource": "*",\n    "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}}\n  }]\n}\n',
    fix="Write ForAllValues:<operator> to require that every value of the request is listed, or "
        "ForAnyValue:<operator> to require that one is.",
    messages={"default": "{operator} on multivalued key {key!r} ({type}): add ForAllValues: (every value "
                         "listed) or ForAnyValue: (one value listed)"},
    check=check,
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html",),
    access_analyzer=("MISSING_QUALIFIER",),
)
