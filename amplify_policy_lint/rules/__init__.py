"""Every rule, in id order. Adding a rule is adding a module and a line here."""
from __future__ import annotations

from ..model import Rule
from . import (
    duplicate_key,
    duplicate_sid,
    input_limit,
    invalid_arn,
    invalid_condition,
    invalid_policy_grammar,
    missing_version,
    parse_error,
    policy_variable_without_version,
    principal_misplaced,
    undecodable_file,
    yaml_type_coercion,
)

RULES: tuple[Rule, ...] = (
    parse_error.RULE,
    duplicate_key.RULE,
    undecodable_file.RULE,
    input_limit.RULE,
    yaml_type_coercion.RULE,
    invalid_policy_grammar.RULE,
    missing_version.RULE,
    duplicate_sid.RULE,
    principal_misplaced.RULE,
    invalid_condition.RULE,
    invalid_arn.RULE,
    policy_variable_without_version.RULE,
)

BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}


def find(selector: str) -> tuple[Rule, ...]:
    """Rules a selector names: an id (APL301), an id prefix (APL3, APL), or a name."""
    text = selector.strip()
    upper = text.upper()
    if upper in BY_ID:
        return (BY_ID[upper],)
    by_name = tuple(rule for rule in RULES if rule.name == text.lower())
    if by_name:
        return by_name
    if upper.startswith("APL"):
        return tuple(rule for rule in RULES if rule.id.startswith(upper))
    return ()
