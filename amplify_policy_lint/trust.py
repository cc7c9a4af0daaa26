"""Whether a statement's Condition pins down who may use it (APL401, APL402 and any rule
about exposure): one reading of "a restricting condition" for every rule that asks."""
from __future__ import annotations


from .policy import Statement
from .resources import parse_arn

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any, Iterable

# Operators that restrict: equality and matching, never negated, never ...IfExists (which
# passes when the key is absent), never Null (which tests presence only).
_POSITIVE = ("StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike",
             "IpAddress", "Bool", "BinaryEquals", "NumericEquals")
_ARN_KEYS = frozenset(k.lower() for k in ("aws:SourceArn", "aws:PrincipalArn", "aws:SourceVpcArn",
                                           "s3:DataAccessPointArn", "lambda:SourceFunctionArn"))
_EVERY_ADDRESS = ("0.0.0.0/0", "::/0")


def restricts(statement: Statement, keys: Iterable[str], negated_too: bool = False) -> bool | None:
    """Whether the statement's Condition limits it through one of ``keys``.

    True: a positive test of a key against a concrete value. False: provably not (no such
    key, or only tests that pass for everyone: IfExists, ForAllValues, Null, a negation, a
    value of only wildcards, 0.0.0.0/0). None: cannot tell (an intrinsic function, an
    unknown operator), which callers treat as restricting, so that they stay quiet. With
    ``negated_too``, negated operators count too (for Deny statements, where they are the
    restricting form).
    """
    wanted = {k.lower() for k in keys}
    unknown = statement.condition_unknown
    for block in statement.condition_blocks:
        operator = block.operator
        if block.conditions is None:
            continue  # already counted in condition_unknown
        if not operator.known:
            unknown = True
            continue
        negated = "Not" in operator.base
        if operator.if_exists or operator.qualifier == "ForAllValues:" or operator.base == "Null":
            continue
        if negated and not negated_too:
            continue
        if not negated and operator.base not in _POSITIVE:
            continue
        for condition in block.conditions:
            key = condition.key_lower
            if key is None or key not in wanted:
                continue
            verdict = _restricting_values(key, operator.base, [v.value for v in condition.values])
            if verdict is None:
                unknown = True
            elif verdict:
                return True
    return None if unknown else False


def _restricting_values(key: str, operator: str, items: list[Any]) -> bool | None:
    if not items:
        return False
    for value in items:
        if isinstance(value, dict):
            return None  # an intrinsic: a concrete value known at deploy time
        if isinstance(value, bool) or not isinstance(value, str):
            value = str(value).lower()
        if operator == "Bool":
            if value.lower() == "true" and key == "aws:principalisawsservice":
                return True
            continue
        if operator == "IpAddress":
            if value not in _EVERY_ADDRESS:
                return True
            continue
        if ("Like" in operator or operator.startswith("Arn")) and not _concrete_pattern(key, value):
            continue
        if value.strip():
            return True
    return False


def _concrete_pattern(key: str, value: str) -> bool:
    """Whether a Like pattern pins something down (not "*", "o-*", "arn:aws:sns:*:*:topic")."""
    literal = value.replace("*", "").replace("?", "")
    if not literal or literal in ("o-", "arn:", "arn:aws:"):
        return False
    if key in _ARN_KEYS and value.startswith("arn:"):
        arn = parse_arn(value)
        if arn is None:
            return False
        service, account, resource = arn.service, arn.account, arn.resource
        if service == "s3":
            # Bucket names are global and S3 ARNs carry no account: a named bucket restricts.
            return bool(resource) and resource[0] not in "*?"
        return bool(account) and "*" not in account and "?" not in account
    return True
