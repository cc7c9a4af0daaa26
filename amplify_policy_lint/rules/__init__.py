"""Every rule, in id order: its id, name, scope and module, and which documents it can
say anything about. Adding a rule is adding a module and a line here.

A rule's module is imported only when a run needs it (start-up is most of a pre-commit run
on one file): the registry names each rule without importing its code, and a document rule
whose conditions a document does not meet (its ``Facts``) is neither imported nor run for it.
``kinds``: the document kinds it reports on (None: all). ``needs``: statement elements of
which a document must hold at least one (empty: none needed). ``formats``: the source
formats it reports on. ``services``: the services of the actions it reports on (a document
whose Action entries name none of them literally, with no wildcard service or NotAction, is
skipped). ``placeholders``: it reports only on strings that hold "${". They only ever skip a
rule that would find nothing; tests/test_rule_registry.py checks every line against its
module, and that skipping loses no finding on the fixtures and the corpus.

``RULES`` and ``BY_ID`` (every ``Rule`` with its check and documentation) import every rule
module on first use: for --list-rules, --explain, the README table and the tests.
"""
from __future__ import annotations

from .. import import_module
from ..model import Rule, Scope, register_rules
from ..records import NamedTuple, Record
from ..source.problems import Problem

# Document kinds (policy.DocKind values) by the rules that look at them only.
TRUST = frozenset({"trust"})
RESOURCE = frozenset({"resource"})
TRUST_OR_RESOURCE = frozenset({"trust", "resource"})
NOT_IDENTITY = frozenset({"trust", "resource", "unknown"})
IDENTITY = frozenset({"identity"})
YAML = frozenset({"yaml"})  # source formats
IAM = ("iam",)  # services


class Facts(NamedTuple):
    """What the registry asks of a document to skip the rules that cannot report on it."""

    kind: str  # policy.DocKind value
    elements: frozenset[str] | None  # the statements' elements; None: not known
    format: str  # the source's format: json, yaml, ...
    services: frozenset[str] | None  # of SERVICES_ASKED, those its Action entries name; None: any (a wildcard, NotAction)
    placeholders: bool  # some string may hold "${" (PolicyDocument.may_hold_placeholder)


class RuleRef(Record):
    """A rule as the registry knows it before its module is imported."""

    id: str
    name: str
    scope: Scope
    module: str
    kinds: frozenset[str] | None = None
    needs: tuple[str, ...] = ()
    formats: frozenset[str] | None = None  # the source formats it reports on (None: all)
    services: tuple[str, ...] = ()  # it reports only on actions of these services (empty: any)
    placeholders: bool = False  # it reports only on strings holding "${"

    def load(self) -> Rule:
        return _load(self.module)

    def applies(self, facts: Facts) -> bool:
        """Whether the rule may report on a document with these facts (an unknown fact, None,
        never skips a rule)."""
        if self.kinds is not None and facts.kind not in self.kinds:
            return False
        if self.formats is not None and facts.format not in self.formats:
            return False
        if self.placeholders and not facts.placeholders:
            return False
        if self.services and facts.services is not None and facts.services.isdisjoint(self.services):
            return False
        return not self.needs or facts.elements is None or any(e in facts.elements for e in self.needs)


INDEX: tuple[RuleRef, ...] = (
    RuleRef("APL001", "parse-error", Scope.INPUT, "parse_error"),
    RuleRef("APL002", "duplicate-key", Scope.INPUT, "duplicate_key"),
    RuleRef("APL003", "undecodable-file", Scope.INPUT, "undecodable_file"),
    RuleRef("APL004", "input-limit", Scope.INPUT, "input_limit"),
    RuleRef("APL005", "yaml-type-coercion", Scope.DOCUMENT, "yaml_type_coercion", formats=YAML),
    RuleRef("APL101", "invalid-policy-grammar", Scope.DOCUMENT, "invalid_policy_grammar"),
    RuleRef("APL102", "missing-version", Scope.DOCUMENT, "missing_version"),
    RuleRef("APL103", "duplicate-sid", Scope.DOCUMENT, "duplicate_sid", needs=("Sid",)),
    RuleRef("APL104", "principal-misplaced", Scope.DOCUMENT, "principal_misplaced"),
    RuleRef("APL105", "invalid-condition", Scope.DOCUMENT, "invalid_condition", needs=("Condition",)),
    RuleRef("APL106", "invalid-arn", Scope.DOCUMENT, "invalid_arn"),
    RuleRef("APL107", "policy-variable-without-version", Scope.DOCUMENT, "policy_variable_without_version",
            placeholders=True),
    RuleRef("APL108", "unevaluated-template-value", Scope.DOCUMENT, "unevaluated_template_value"),
    RuleRef("APL109", "invalid-sid", Scope.DOCUMENT, "invalid_sid", needs=("Sid",)),
    RuleRef("APL110", "invalid-policy-variable", Scope.DOCUMENT, "invalid_policy_variable", placeholders=True),
    RuleRef("APL111", "invalid-principal", Scope.DOCUMENT, "invalid_principal", kinds=NOT_IDENTITY, needs=("Principal", "NotPrincipal")),
    RuleRef("APL112", "invalid-trust-policy", Scope.DOCUMENT, "invalid_trust_policy", kinds=TRUST),
    RuleRef("APL113", "resource-policy-mismatch", Scope.DOCUMENT, "resource_policy_mismatch"),
    RuleRef("APL201", "unknown-service", Scope.DOCUMENT, "unknown_service"),
    RuleRef("APL202", "unknown-action", Scope.DOCUMENT, "unknown_action"),
    RuleRef("APL203", "wildcard-matches-nothing", Scope.DOCUMENT, "wildcard_matches_nothing"),
    RuleRef("APL204", "unknown-condition-key", Scope.DOCUMENT, "unknown_condition_key", needs=("Condition",)),
    RuleRef("APL205", "action-resource-mismatch", Scope.DOCUMENT, "action_resource_mismatch"),
    RuleRef("APL206", "condition-value-format", Scope.DOCUMENT, "condition_value_format", needs=("Condition",)),
    RuleRef("APL207", "missing-set-qualifier", Scope.DOCUMENT, "missing_set_qualifier", needs=("Condition",)),
    RuleRef("APL208", "invalid-arn-field", Scope.DOCUMENT, "invalid_arn_field"),
    RuleRef("APL209", "trust-action-mismatch", Scope.DOCUMENT, "trust_action_mismatch", kinds=TRUST),
    RuleRef("APL210", "service-principal-condition-key", Scope.DOCUMENT, "service_principal_condition_key", kinds=TRUST_OR_RESOURCE, needs=("Condition",)),
    RuleRef("APL211", "condition-value-too-broad", Scope.DOCUMENT, "condition_value_too_broad", needs=("Condition",)),
    RuleRef("APL301", "amplify-delete-without-remove-all-backends", Scope.PRINCIPAL, "amplify_delete_without_remove_all_backends"),
    RuleRef("APL302", "passrole-missing", Scope.PRINCIPAL, "passrole_missing"),
    RuleRef("APL303", "passrole-wildcard-resource", Scope.DOCUMENT, "passrole_wildcard_resource", kinds=IDENTITY,
            services=IAM),
    RuleRef("APL304", "passrole-without-passed-to-service", Scope.DOCUMENT, "passrole_without_passed_to_service",
            kinds=IDENTITY, services=IAM),
    RuleRef("APL305", "amplify-app-name-for-app-id", Scope.DOCUMENT, "amplify_app_name_for_app_id"),
    RuleRef("APL306", "create-slr-wildcard-resource", Scope.DOCUMENT, "create_slr_wildcard_resource", services=IAM),
    RuleRef("APL401", "public-trust", Scope.DOCUMENT, "public_trust", kinds=TRUST_OR_RESOURCE),
    RuleRef("APL402", "cross-account-trust-without-condition", Scope.DOCUMENT, "cross_account_trust", kinds=TRUST),
    RuleRef("APL403", "admin-wildcard", Scope.DOCUMENT, "admin_wildcard"),
    RuleRef("APL404", "allow-with-not-principal", Scope.DOCUMENT, "allow_with_not_principal", kinds=NOT_IDENTITY, needs=("NotPrincipal",)),
    RuleRef("APL405", "condition-operator-mismatch", Scope.DOCUMENT, "condition_operator_mismatch", needs=("Condition",)),
    RuleRef("APL406", "tag-condition-unsupported", Scope.DOCUMENT, "tag_condition_unsupported", needs=("Condition",)),
    RuleRef("APL407", "web-identity-trust-without-conditions", Scope.DOCUMENT, "web_identity_trust", kinds=TRUST),
    RuleRef("APL408", "service-principal-without-source", Scope.DOCUMENT, "service_principal_without_source", kinds=RESOURCE),
    RuleRef("APL409", "principal-unique-id", Scope.DOCUMENT, "principal_unique_id", kinds=TRUST_OR_RESOURCE),
    RuleRef("APL410", "weak-condition-key", Scope.DOCUMENT, "weak_condition_key", needs=("Condition",)),
    RuleRef("APL501", "policy-size-quota", Scope.DOCUMENT, "policy_size_quota"),
    RuleRef("APL502", "redundant-entry", Scope.DOCUMENT, "redundant_entry"),
    RuleRef("APL503", "condition-can-be-simpler", Scope.DOCUMENT, "condition_can_be_simpler", needs=("Condition",)),
    RuleRef("APL504", "empty-element", Scope.DOCUMENT, "empty_element"),
    RuleRef("APL505", "ip-range", Scope.DOCUMENT, "ip_range", needs=("Condition",)),
    RuleRef("APL506", "redundant-statement", Scope.DOCUMENT, "redundant_statement"),
    RuleRef("APL507", "inline-policies-size-quota", Scope.PRINCIPAL, "inline_policies_size_quota"),
)

REFS_BY_ID: dict[str, RuleRef] = {ref.id: ref for ref in INDEX}
# The services some rule's ``services`` names: a document's other services decide nothing, so
# Facts hold only these (and the applicable rules are found once per few kinds of document,
# not once per set of services).
SERVICES_ASKED: frozenset[str] = frozenset(service for ref in INDEX for service in ref.services)
# The input rules, by the input problem each reports (source.Problem).
_PROBLEM_RULES = {Problem.SYNTAX: "APL001", Problem.DUPLICATE_KEY: "APL002", Problem.UNDECODABLE: "APL003",
                  Problem.LIMIT: "APL004"}
# Findings of these rules mean the file could not be read at all; --select never hides
# them (only an explicit --ignore does), so that a broken file cannot pass silently.
UNREADABLE = tuple(_PROBLEM_RULES[p] for p in (Problem.SYNTAX, Problem.UNDECODABLE, Problem.LIMIT))
# The rule that reports a limit reached past reading (statements, findings per file).
LIMIT_RULE_ID = _PROBLEM_RULES[Problem.LIMIT]


def rule_for_problem(problem: Problem) -> Rule:
    """The input rule that reports ``problem``."""
    return by_id(_PROBLEM_RULES[problem])


def by_id(rule_id: str) -> Rule:
    """The rule with this id, its module imported (how a rule is found again after pickling)."""
    return REFS_BY_ID[rule_id].load()


_LOADED: dict[str, Rule] = {}


def _load(module: str) -> Rule:
    rule = _LOADED.get(module)
    if rule is None:
        rule = import_module(f"{__name__}.{module}").RULE
        register_rules((rule,), by_id)
        _LOADED[module] = rule
    return rule


def __getattr__(name: str):
    # RULES and BY_ID import every rule module: only documentation and tests need them all.
    if name == "RULES":
        return tuple(ref.load() for ref in INDEX)
    if name == "BY_ID":
        return {ref.id: ref.load() for ref in INDEX}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def find(selector: str) -> tuple[RuleRef, ...]:
    """Rules a selector names: an id (APL301), an id prefix (APL3, APL), or a name."""
    text = selector.strip()
    upper = text.upper()
    if upper in REFS_BY_ID:
        return (REFS_BY_ID[upper],)
    by_name = tuple(ref for ref in INDEX if ref.name == text.lower())
    if by_name:
        return by_name
    if upper.startswith("APL"):
        return tuple(ref for ref in INDEX if ref.id.startswith(upper))
    return ()
