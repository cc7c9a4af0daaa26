"""Every rule, in id order. Adding a rule is adding a module and a line here."""
from __future__ import annotations

from ..model import Rule, register_rules
from ..source.problems import Problem
from . import (
    action_resource_mismatch,
    admin_wildcard,
    allow_with_not_principal,
    amplify_app_name_for_app_id,
    amplify_delete_without_remove_all_backends,
    create_slr_wildcard_resource,
    condition_can_be_simpler,
    condition_operator_mismatch,
    condition_value_format,
    condition_value_too_broad,
    cross_account_trust,
    duplicate_key,
    duplicate_sid,
    empty_element,
    input_limit,
    invalid_arn,
    invalid_arn_field,
    ip_range,
    invalid_condition,
    invalid_policy_grammar,
    invalid_policy_variable,
    invalid_principal,
    invalid_sid,
    invalid_trust_policy,
    missing_set_qualifier,
    missing_version,
    parse_error,
    passrole_missing,
    passrole_wildcard_resource,
    passrole_without_passed_to_service,
    policy_size_quota,
    policy_variable_without_version,
    principal_misplaced,
    principal_unique_id,
    public_trust,
    service_principal_condition_key,
    service_principal_without_source,
    tag_condition_unsupported,
    redundant_entry,
    resource_policy_mismatch,
    trust_action_mismatch,
    redundant_statement,
    undecodable_file,
    unevaluated_template_value,
    unknown_action,
    unknown_condition_key,
    unknown_service,
    weak_condition_key,
    web_identity_trust,
    wildcard_matches_nothing,
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
    unevaluated_template_value.RULE,
    invalid_sid.RULE,
    invalid_policy_variable.RULE,
    invalid_principal.RULE,
    invalid_trust_policy.RULE,
    resource_policy_mismatch.RULE,
    unknown_service.RULE,
    unknown_action.RULE,
    wildcard_matches_nothing.RULE,
    unknown_condition_key.RULE,
    action_resource_mismatch.RULE,
    condition_value_format.RULE,
    missing_set_qualifier.RULE,
    invalid_arn_field.RULE,
    trust_action_mismatch.RULE,
    service_principal_condition_key.RULE,
    condition_value_too_broad.RULE,
    amplify_delete_without_remove_all_backends.RULE,
    passrole_missing.RULE,
    passrole_wildcard_resource.RULE,
    passrole_without_passed_to_service.RULE,
    amplify_app_name_for_app_id.RULE,
    create_slr_wildcard_resource.RULE,
    public_trust.RULE,
    cross_account_trust.RULE,
    admin_wildcard.RULE,
    allow_with_not_principal.RULE,
    condition_operator_mismatch.RULE,
    tag_condition_unsupported.RULE,
    web_identity_trust.RULE,
    service_principal_without_source.RULE,
    principal_unique_id.RULE,
    weak_condition_key.RULE,
    policy_size_quota.RULE,
    redundant_entry.RULE,
    condition_can_be_simpler.RULE,
    empty_element.RULE,
    ip_range.RULE,
    redundant_statement.RULE,
)

BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}


def by_id(rule_id: str) -> Rule:
    """The registered rule with this id (how a rule is found again after pickling)."""
    return BY_ID[rule_id]


register_rules(RULES, by_id)
# The input rules, by the input problem each reports (source.Problem).
BY_PROBLEM: dict[Problem, Rule] = {module.PROBLEM: module.RULE
                                   for module in (parse_error, duplicate_key, undecodable_file, input_limit)}
# Findings of these rules mean the file could not be read at all; --select never hides
# them (only an explicit --ignore does), so that a broken file cannot pass silently.
UNREADABLE = tuple(BY_PROBLEM[p].id for p in (Problem.SYNTAX, Problem.UNDECODABLE, Problem.LIMIT))
# The rule that reports a limit reached past reading (statements, findings per file).
LIMIT_RULE = BY_PROBLEM[Problem.LIMIT]


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
