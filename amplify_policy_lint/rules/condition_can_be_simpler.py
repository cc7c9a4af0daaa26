"""APL503: a condition test that says less than it seems to, and has a simpler form.

- ``StringLike`` with ``"*"`` only tests that the key is present: ``Null`` ``false`` says so
  (EQUIVALENT_TO_NULL_FALSE); ``StringNotLike`` with ``"*"`` only tests that it is absent:
  ``Null`` ``true`` (EQUIVALENT_TO_NULL_TRUE).
- A wildcard test that always holds (``ForAllValues:StringLike`` ``"*"``,
  ``StringLikeIfExists`` ``"*"``) tests nothing: remove the key
  (REDUNDANT_KEY_DUE_TO_WILDCARD_IN_CONDITION); one that never holds
  (``ForAnyValue:StringNotLike`` ``"*"``) makes the statement dead
  (REDUNDANT_STATEMENT_DUE_TO_WILDCARD_IN_CONDITION).
- ``Null`` under ``ForAllValues``/``ForAnyValue`` (NULL_WITH_QUALIFIER).
- Several bounds for one Numeric less/greater operator: only the loosest counts
  (REDUNDANT_CONDITION_VALUE_NUM).

Values only deploy time knows (intrinsic functions) and policy variables are never judged.
"""
from __future__ import annotations


from .. import wildcard
from ..conditions import is_iam_number
from ..context import Context
from ..model import Rule, Scope, Severity, Violation
from ..policy import Condition, PolicyDocument

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterator


def _only_stars(text: str | None) -> bool:
    return text is not None and text != "" and wildcard.compile(text).matches_everything


def _wildcard_findings(condition: Condition) -> Iterator[Violation]:
    operator = condition.operator
    if operator.base not in ("StringLike", "StringNotLike") or not isinstance(condition.key, str):
        return
    stars = [value for value in condition.values if _only_stars(value.text)]
    if not stars:
        return
    like = operator.base == "StringLike"
    qualifier = operator.qualifier
    key = condition.key
    if like:
        if operator.if_exists or qualifier == "ForAllValues:":
            variant = "always"
        else:
            variant = "null-false"
    elif qualifier == "ForAnyValue:" and not operator.if_exists:
        variant = "never"
    else:
        variant = "null-true"
    args = {"operator": operator.text, "key": key, "value": stars[0].text}
    yield Violation(stars[0].path, args, variant=variant)


def _numeric_findings(condition: Condition) -> Iterator[Violation]:
    operator = condition.operator
    if operator.base not in _BOUNDS or operator.qualifier is not None or len(condition.values) < 2:
        return
    if any(value.unknown or not is_iam_number(value.value) or "${" in str(value.value) for value in condition.values):
        return
    numbers = [float(str(value.value)) for value in condition.values]
    loosest = max(numbers) if operator.base in ("NumericLessThan", "NumericLessThanEquals") else min(numbers)
    kept = numbers.index(loosest)
    for index, value in enumerate(condition.values):
        if index != kept:
            yield Violation(value.path, {"operator": operator.text, "key": condition.key, "value": value.value,
                                         "loosest": condition.values[kept].value}, variant="bound")


_BOUNDS = ("NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals")


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    for statement in document.statements:
        for block in statement.condition_blocks:
            if block.operator.base == "Null" and block.operator.qualifier is not None:
                yield Violation(block.path, {"operator": block.operator.text}, variant="null-qualifier", part="key")
        for condition in statement.conditions:
            yield from _wildcard_findings(condition)
            yield from _numeric_findings(condition)


RULE = Rule(
    id="APL503",
    name="condition-can-be-simpler",
    severity=Severity.INFO,
    scope=Scope.DOCUMENT,
    summary='condition test with a simpler equivalent (StringLike "*" is Null false, ...) or that tests nothing',
    why=(
        "A StringLike test against \"*\" matches every value, so all it checks is that the key is "
        "present: {\"Null\": {\"KEY\": \"false\"}} says the same plainly and reads as the presence "
        "check it is (StringNotLike \"*\" likewise only checks that the key is absent: Null true). "
        "A wildcard test that always holds (ForAllValues:StringLike \"*\", StringLikeIfExists "
        "\"*\") restricts nothing and only misleads a reviewer; one that never holds "
        "(ForAnyValue:StringNotLike \"*\") makes the whole statement dead. Null under "
        "ForAllValues/ForAnyValue does not test presence the way it reads, and of several "
        "bounds for one NumericLessThan/GreaterThan only the loosest counts. IAM Access Analyzer "
        "makes the same suggestions."
    ),
    bad='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": "ec2:TerminateInstances",\n    "Resource": "*",\n    "Condition": {"StringLike": {"aws:ResourceTag/amplify-app": "*"}}\n  }]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": "ec2:TerminateInstances",\n    "Resource": "*",\n    "Condition": {"Null": {"aws:ResourceTag/amplify-app": "false"}}\n  }]\n}\n',
    fix='Write {"Null": {"KEY": "false"}} for a presence test and {"Null": {"KEY": "true"}} for an '
        "absence test; remove tests that always hold; keep only the loosest numeric bound; write "
        "Null without a set qualifier.",
    messages={
        "null-false": "{operator} {key!r} against {value!r} only tests that the key is present; "
                      'write {{"Null": {{"{key}": "false"}}}}',
        "null-true": "{operator} {key!r} against {value!r} only tests that the key is absent; "
                     'write {{"Null": {{"{key}": "true"}}}}',
        "always": "{operator} {key!r} against {value!r} always holds and restricts nothing; remove the key",
        "never": "{operator} {key!r} against {value!r} never holds: the statement never applies; "
                 "fix or remove the test",
        "null-qualifier": "{operator!r}: Null takes no ForAllValues/ForAnyValue qualifier (with it the "
                          "test does not check presence); write Null",
        "bound": "{operator} {key!r}: the bound {value!r} is redundant beside {loosest!r}, the loosest "
                 "of the values (any one may hold); remove it",
    },
    check=check,
    access_analyzer=(
        "EQUIVALENT_TO_NULL_FALSE", "EQUIVALENT_TO_NULL_TRUE", "REDUNDANT_KEY_DUE_TO_WILDCARD_IN_CONDITION",
        "REDUNDANT_STATEMENT_DUE_TO_WILDCARD_IN_CONDITION", "NULL_WITH_QUALIFIER", "REDUNDANT_CONDITION_VALUE_NUM",
    ),
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Null",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html",
    ),
)
