"""APL504: an empty Condition, condition value list or Sid.

IAM accepts them, but each says something other than it seems:

- ``"Condition": {}`` (or an operator with no keys) tests nothing (EMPTY_OBJECT_CONDITION);
- a key compared with ``[]``: ``ForAnyValue`` never matches, ``ForAllValues`` and
  ``...IfExists`` match only when the key is absent, any other operator matches nothing
  (EMPTY_ARRAY_CONDITION_FORANYVALUE, EMPTY_ARRAY_CONDITION_FORALLVALUES,
  EMPTY_ARRAY_CONDITION_IFEXISTS, EMPTY_ARRAY_CONDITION);
- ``"Sid": ""`` names nothing (EMPTY_SID_VALUE).

Empty Action, Resource and Principal lists are grammar errors (APL101).
"""
from __future__ import annotations


from ..context import Context
from ..model import Rule, Scope, Severity, Violation
from ..policy import PolicyDocument

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterator


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    for statement in document.statements:
        if statement.data.get("Sid") == "":
            yield Violation(statement.path + ("Sid",), variant="sid")
        if statement.condition == {}:
            yield Violation(statement.path + ("Condition",), variant="condition", part="key")
            continue
        for block in statement.condition_blocks:
            if block.conditions is not None and not block.conditions and block.operator.known:
                yield Violation(block.path, {"operator": block.operator.text}, variant="operator", part="key")
        for condition in statement.conditions:
            if not condition.listed or condition.values:
                continue
            operator = condition.operator
            if operator.qualifier == "ForAnyValue:":
                variant = "foranyvalue"
            elif operator.qualifier == "ForAllValues:":
                variant = "forallvalues"
            elif operator.if_exists:
                variant = "ifexists"
            else:
                variant = "array"
            yield Violation(condition.path, {"operator": operator.text, "key": condition.key}, variant=variant)


RULE = Rule(
    id="APL504",
    name="empty-element",
    severity=Severity.INFO,
    scope=Scope.DOCUMENT,
    summary="an empty Condition, condition value list ([]) or Sid",
    why=(
        "IAM accepts an empty Condition, an empty list of condition values and an empty Sid, but "
        "none does what it seems to. \"Condition\": {} tests nothing. A key compared with [] "
        "depends on the operator: ForAnyValue never matches, so the statement never applies; "
        "ForAllValues and ...IfExists match only when the key is absent; any other operator "
        "matches nothing. An empty Sid names nothing. They are usually left over from a "
        "generator or an edit; IAM Access Analyzer suggests removing them."
    ),
    bad='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Sid": "",\n    "Effect": "Allow",\n    "Action": "s3:PutObject",\n    "Resource": "arn:aws:s3:::amplify-app/*",\n    "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": []}}\n  }]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Sid": "PutAppObjects",\n    "Effect": "Allow",\n    "Action": "s3:PutObject",\n    "Resource": "arn:aws:s3:::amplify-app/*",\n    "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}\n  }]\n}\n',
    fix="Remove the empty element, or write the values the test should compare with.",
    messages={
        "sid": "empty Sid: remove it or name the statement",
        "condition": "empty Condition tests nothing: remove it",
        "operator": "{operator!r} has no keys and tests nothing: remove it",
        "foranyvalue": "{operator} {key!r} against []: never matches, so the statement never applies; "
                       "write the values or remove the test",
        "forallvalues": "{operator} {key!r} against []: matches only when the key is absent; write "
                        "the values, or test absence with Null",
        "ifexists": "{operator} {key!r} against []: matches only when the key is absent; write the "
                    "values, or test absence with Null",
        "array": "{operator} {key!r} against []: matches nothing; write the values or remove the test",
    },
    check=check,
    access_analyzer=(
        "EMPTY_OBJECT_CONDITION", "EMPTY_ARRAY_CONDITION", "EMPTY_ARRAY_CONDITION_FORALLVALUES",
        "EMPTY_ARRAY_CONDITION_FORANYVALUE", "EMPTY_ARRAY_CONDITION_IFEXISTS", "EMPTY_SID_VALUE",
    ),
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html",),
)
