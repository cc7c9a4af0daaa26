"""APL105: a Condition IAM rejects, or one that can never be true as written."""
from __future__ import annotations


from ..conditions import (
    OPERATORS, Operator, is_iam_bool, is_iam_date, is_iam_number, is_ip_or_cidr, parse_operator,
    well_formed_key,
)
from ..context import Context
from ..model import Rule, Scope, Severity, Violation
from ..policy import Condition, ConditionBlock, PolicyDocument

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any, Iterator

# Values IAM rejects when the policy is created (error), and values it accepts but that can
# never match (warning): IAM parses only dates strictly.
_VALUE_CHECKS = {
    "Date": (is_iam_date, Severity.ERROR, "an ISO 8601 date-time or epoch seconds"),
    "Numeric": (is_iam_number, Severity.WARNING, "a number"),
    "Bool": (is_iam_bool, Severity.WARNING, "true or false"),
    "Null": (is_iam_bool, Severity.WARNING, "true or false"),
    "Ip": (is_ip_or_cidr, Severity.WARNING, "an IP address or CIDR range"),
}


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    for statement in document.statements:
        for block in statement.condition_blocks:
            yield from _check_block(block)


def _check_block(block: ConditionBlock) -> Iterator[Violation]:
    operator, path = block.operator, block.path
    if not operator.known:
        # IAM accepts an unknown operator only with an empty block, and then ignores it.
        severity = Severity.WARNING if block.conditions == () else Severity.ERROR
        yield Violation(path, {"operator": operator.text, "hint": _suggest(operator)},
                        variant="unknown-operator", severity=severity, part="key")
        return
    if operator.base == "Null" and operator.if_exists:
        yield Violation(path, {"operator": operator.text}, variant="null-if-exists", part="key")
    value_check = _VALUE_CHECKS.get(operator.family)
    first_by_lower: dict[str, Any] = {}
    for condition in block.conditions or ():
        key = condition.key
        if not well_formed_key(key):
            yield Violation(condition.path, {"key": key}, variant="malformed-key",
                            severity=Severity.WARNING, part="key")
        lower = condition.key_lower
        if lower is not None:
            first = first_by_lower.setdefault(lower, condition)
            if first is not condition and first.key != key:
                yield Violation(condition.path, {"key": key, "first": first.key}, variant="case-duplicate",
                                part="key")
        yield from _check_values(operator, condition)
        if value_check is None:
            continue
        accepts, severity, expected = value_check
        for item in condition.values:
            value = item.value
            # null is APL101's finding (a condition value must be a string, number or boolean).
            if value is None or item.unknown or _has_variable(value):
                continue
            if not accepts(value):
                yield Violation(item.path, {"value": value, "operator": operator.text, "expected": expected},
                                variant="bad-value", severity=severity)


# Operators that compare text, and so expand policy variables in their values.
_TEXT_FAMILIES = ("String", "Arn")


def _check_values(operator: Operator, condition: Condition) -> Iterator[Violation]:
    """What IAM's validation rejects in a key's list of values, whatever their meaning."""
    known = [item for item in condition.values if item.value is not None and not item.unknown]
    if operator.family == "Bool" and condition.listed and len(known) > 1:
        yield Violation(condition.path, {"operator": operator.text, "key": condition.key, "count": len(known)},
                        variant="multiple-boolean")
    kinds = {_json_type(item.value) for item in known}
    if len(kinds) > 1:
        yield Violation(condition.path, {"key": condition.key, "kinds": " and ".join(sorted(kinds))},
                        variant="mixed-types")
    if operator.family not in _TEXT_FAMILIES:
        for item in known:
            if _has_variable(item.value):
                yield Violation(item.path, {"value": item.value, "operator": operator.text},
                                variant="variable-for-operator")


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "booleans"
    if isinstance(value, (int, float)):
        return "numbers"
    return "strings"


def _has_variable(value: Any) -> bool:
    return isinstance(value, str) and "${" in value


def _suggest(operator: Operator) -> str:
    """A hint for a near miss: wrong case, a doubled colon, or a small typo."""
    from difflib import get_close_matches  # only a finding needs it

    repaired = parse_operator(operator.text.replace("::", ":"))
    if repaired.known:
        return f"; did you mean {repaired.text}?"
    by_lower = {op.lower(): op for op in OPERATORS}
    close = [by_lower[operator.base.lower()]] if operator.base.lower() in by_lower else \
        get_close_matches(operator.base, OPERATORS, n=1, cutoff=0.7)
    if not close:
        return ""
    suggestion = (operator.qualifier or "") + close[0] + ("IfExists" if operator.if_exists else "")
    case_note = " (operators are case-sensitive)" if close[0].lower() == operator.base.lower() else ""
    return f"; did you mean {suggestion}?{case_note}"


RULE = Rule(
    id="APL105",
    name="invalid-condition",
    severity=Severity.ERROR,
    scope=Scope.DOCUMENT,
    summary="unknown operator, IfExists on Null, malformed or repeated keys, wrong value types",
    why=(
        "IAM rejects an unknown condition operator (a typo such as StringEqual, or a wrong case "
        "such as stringEquals), NullIfExists, and dates it cannot parse. Other mistakes are "
        "accepted but make the condition impossible: a condition key without a service prefix "
        "matches no request key, and a Bool or Numeric condition with a value that is not a "
        "boolean or number is never true, so a Deny that relies on it never applies. Access "
        "Analyzer also rejects a key written twice in one block in different case, a Bool "
        "condition with several values, one key's values of different JSON types, and a "
        "policy variable under an operator that does not expand it (only String and Arn do)."
    ),
    bad='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": "s3:GetObject",\n    "Resource": "*",\n    "Condition": {"StringEqual": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}\n  }]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": "s3:GetObject",\n    "Resource": "*",\n    "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}\n  }]\n}\n',
    fix="Use an operator from the IAM list (exact case), a prefixed condition key "
        "(service:key), and values of the operator's type.",
    messages={
        "unknown-operator": "unknown condition operator {operator!r}{hint}",
        "null-if-exists": "{operator!r}: IfExists cannot be combined with Null",
        "malformed-key": "condition key {key!r} is not 'service:key'; it matches no request",
        "bad-value": "{value!r} is not {expected}, as {operator} requires",
        "case-duplicate": "condition key {key!r} repeats {first!r} in this block: keys ignore case, so write "
                          "one key with all the values",
        "multiple-boolean": "{operator} on {key!r} lists {count} values; a Bool condition takes one, true or false",
        "mixed-types": "the values of {key!r} mix {kinds}; write them all as strings",
        "variable-for-operator": "{operator} does not expand policy variables: {value!r} is compared "
                                 "literally; only String and Arn operators take ${{...}}",
    },
    check=check,
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html",),
    access_analyzer=("INVALID_CONDITION_KEY_FORMAT", "INVALID_CONDITION_OPERATOR", "NULL_WITH_IF_EXISTS",
                     "TYPE_MISMATCH_IP_RANGE", "INVALID_DATE_VALUE", "TYPE_MISMATCH_BOOLEAN",
                     "TYPE_MISMATCH_DATE", "TYPE_MISMATCH_NUMBER", "DUPLICATE_KEYS_WITH_DIFFERENT_CASE",
                     "INVALID_CONDITION_MULTIPLE_BOOLEAN", "INVALID_CONDITION_DATA_TYPE",
                     "INVALID_VARIABLE_FOR_OPERATOR"),
)
