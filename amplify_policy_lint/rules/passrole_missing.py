"""APL302: an action that hands a role to a service, granted without iam:PassRole.

Per principal (DESIGN.md sections 4 and 5): when the principal is not granted ``iam:PassRole``
on any resource (NOT_GRANTED), or it is denied (DENIED), every token that grants an action of
the PassRole table is a finding. A token that grants many such actions (``lambda:*``, a
``NotAction``) is one finding that names a few of them, with the highest severity among them.

``Action: "*"`` grants ``iam:PassRole`` too, so an admin is never reported; only a principal
that excludes PassRole (``NotAction: iam:*``) or denies it is. Quiet when PassRole is granted
under a condition, when unresolved values decide, and when the principal has policies the
linter cannot see (unless ``--assume-complete``).
"""
from __future__ import annotations

from .. import amplify_arns, passrole, wildcard
from ..evaluate import Decision, Evaluation, Grant, evaluate
from ..grants import (
    absence_documents, denied_by, grant_position, join, names_exactly, principal_phrase,
    token_key, token_text, under_condition, unique, violation_at,
)
from ..context import Context
from ..model import Fix, Rule, Scope, Severity, Violation
from ..passrole import PASS_ROLE, PassRoleEntry
from ..policy import PolicyDocument, Principal
from ..resources import reaches

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterable, Iterator

    from ..suggestions import Suggestion

# How many of a token's actions a message names before "and N more".
_NAMED = 2
_FIELDS_NAMED = 3


def check(principal: Principal, context: Context) -> Iterator[Violation]:
    documents = absence_documents(principal, context)
    if not documents:
        return
    pass_role = evaluate(documents, PASS_ROLE)
    if pass_role.decision.granted:
        yield from _wrong_service(documents, pass_role, principal, context)
        return
    if pass_role.decision not in (Decision.NOT_GRANTED, Decision.DENIED):
        return
    tokens = _tokens(documents, _candidates(documents), context)
    denial = next((d for d in pass_role.denials if not d.conditional), None)
    for grant, entries in tokens.values():
        yield _violation(grant, entries, principal, denial)


def _tokens(documents: tuple[PolicyDocument, ...], candidates: Iterable[PassRoleEntry],
            context: Context) -> dict[tuple, tuple[Grant, list[PassRoleEntry]]]:
    """The tokens that grant each candidate action, with the actions each grants."""
    tokens: dict[tuple, tuple[Grant, list[PassRoleEntry]]] = {}
    for entry in sorted(candidates, key=lambda e: e.key):
        evaluation = evaluate(documents, entry.action)
        if not evaluation.decision.granted:
            continue
        for grant in evaluation.grants:
            if not reaches(grant.statement, entry.action, context.catalog):
                continue  # e.g. "s3:*" on a bucket ARN does not grant s3:CreateJob
            if _on_service_managed(grant, entry):
                continue  # Step Functions' own EventBridge rules: no role of yours is passed
            tokens.setdefault(token_key(grant), (grant, []))[1].append(entry)
    return tokens


def _wrong_service(documents: tuple[PolicyDocument, ...], pass_role: Evaluation, principal: Principal,
                   context: Context) -> Iterator[Violation]:
    """PassRole is granted, but only under iam:PassedToService conditions that exclude every
    service an action passes its role to (as AWS documents it): that call is denied all the same."""
    grants = pass_role.grants
    if not grants or any(not g.statement.conditional for g in grants):
        return
    # Only calls that always pass a role (the API requires the role field): a call whose role
    # is optional (ec2:RunInstances without an instance profile) may well be made without one.
    candidates = [e for e in _candidates(documents) if e.passed_to_services and e.required
                  and all(passrole.excluded_services(g.statement, e.passed_to_services) for g in grants)]
    if not candidates:
        return
    shown = grants[0]
    for grant, entries in _tokens(documents, candidates, context).values():
        entries = sorted(entries, key=_order)
        severity = _severity(grant, entries)
        services = unique(s for e in entries for s in e.passed_to_services)
        args = {
            "what": _what(grant, entries),
            "cond": under_condition(grant),
            "services": join(services),
            "passrole": grant_position(shown, grant.document.file),
            "more": f" and {len(grants) - 1} more" if len(grants) > 1 else "",
        }
        yield violation_at(grant, args, variant="wrong-service", severity=severity,
                           detail=_snippet(grant, entries).text, fix=_fix(grant, entries))


def _on_service_managed(grant: Grant, entry: PassRoleEntry) -> bool:
    statement = grant.statement
    if statement.resource_key != "Resource":
        return False
    written = statement.data.get("Resource")
    return passrole.passes_no_role(entry.key, written if isinstance(written, list) else [written])


def _candidates(documents: tuple[PolicyDocument, ...]) -> set[PassRoleEntry]:
    """Table entries some Allow statement may grant (the evaluator has the last word), and
    maybe a few only a Deny names: the plain names come from the documents' action indexes
    (every statement's names, lower case, looked up together), the evaluator weeds those out."""
    found: set[PassRoleEntry] = set()
    for document in documents:
        index = document.action_index
        found.update(passrole.named(index.names()))
        for pattern, statement in index.patterns():
            if statement.effect == "Allow":
                found.update(passrole.matching(pattern))
        for statement in index.always():
            if statement.effect != "Allow":
                continue
            values = [item.value for item in statement.actions]
            if statement.action_key == "Action":
                for value in values:
                    if value is not None:
                        found.update(passrole.matching(value))
            elif statement.action_key == "NotAction" and None not in values:
                found.update(passrole.not_matching(values))  # type: ignore[arg-type]
    return found


def _order(entry: PassRoleEntry) -> tuple:
    # Name the most serious first; among equals, Amplify's own actions, then by name.
    # Create* first: it is the call that usually passes the role.
    name = entry.key.partition(":")[2]
    return (-entry.severity.rank, entry.service != "amplify", not name.startswith("create"), entry.key)


def _severity(grant: Grant, entries: list[PassRoleEntry]) -> Severity:
    severity = entries[0].severity
    if not _names_ignoring_case(grant, entries):
        # A wildcard or NotAction does not say the principal will make these calls (s3:* rarely
        # means PutBucketReplication): one level below what naming the action would be.
        severity = Severity.WARNING if severity is Severity.ERROR else Severity.INFO
    return severity


def _violation(grant: Grant, entries: list[PassRoleEntry], principal: Principal,
               denial: Grant | None) -> Violation:
    entries = sorted(entries, key=_order)
    severity = _severity(grant, entries)
    args = {
        "what": _what(grant, entries),
        "cond": under_condition(grant),
        "principal": principal_phrase(principal, grant),
    }
    if denial is not None:
        args.update(denied_by(denial, grant))
        return violation_at(grant, args, variant="denied", severity=severity)
    return violation_at(grant, args, variant="missing", severity=severity,
                        detail=_snippet(grant, entries).text, fix=_fix(grant, entries))


def _what(grant: Grant, entries: list[PassRoleEntry]) -> str:
    token = token_text(grant)
    if len(entries) == 1 and names_exactly(grant, entries[0].action):
        what = f"{token} passes a role {_where(entries[0])}"
    elif len(entries) == 1:
        what = f"{token} grants {entries[0].action}, which passes a role {_where(entries[0])}"
    else:
        named = [f"{e.action}{_fields_in_parens(e)}" for e in entries[:_NAMED]]
        rest = len(entries) - _NAMED
        if rest > 0:
            what = (f"{token} grants {', '.join(named)} and {rest} more "
                    f"action{'s' if rest != 1 else ''} that pass a role")
        else:
            what = f"{token} grants {join(named)}, which pass a role"
    return what


def _names_ignoring_case(grant: Grant, entries: list[PassRoleEntry]) -> bool:
    """A token that names one action in another case (lambda:createfunction) names it all the same."""
    value = grant.item.value if grant.item is not None else None
    return value is not None and not wildcard.has_wildcard(value) and any(
        value.lower() == e.action.lower() for e in entries)


def _where(entry: PassRoleEntry) -> str:
    if not entry.fields:
        return "to the service"
    return "in " + _fields(entry)


def _fields(entry: PassRoleEntry) -> str:
    fields = list(entry.fields[:_FIELDS_NAMED])
    more = len(entry.fields) - len(fields)
    if more:
        return f"{', '.join(fields)} or {more} other field{'s' if more != 1 else ''}"
    return join(fields, "or")


def _fields_in_parens(entry: PassRoleEntry) -> str:
    return f" ({_fields(entry)})" if entry.fields else ""


def _snippet(grant: Grant, entries: list[PassRoleEntry]) -> Suggestion:
    from .. import suggestions  # only a finding needs its suggested statement

    statement = grant.statement
    return suggestions.pass_role(suggestions.services_passed_to(entries), amplify_arns.account_of(statement),
                                 amplify_arns.partition_of(statement), grant.document)


def _fix(grant: Grant, entries: list[PassRoleEntry]) -> Fix | None:
    """In a CloudFormation template: the suggested statement with, as its Resource, the
    template's roles that the receiving services may assume. Offered only when AWS documents
    the service of every action the token grants (the condition would otherwise shut a call
    out) and the template defines such a role."""
    from .. import suggestions  # a fix is built only for a finding
    from ..edits import add_statement
    from ..template_roles import roles_trusting

    document = grant.document
    if document.container != "cloudformation":
        return None
    if any(not getattr(e, "passed_to_services", ()) for e in entries):
        return None
    services = suggestions.services_passed_to(entries)
    roles = roles_trusting(document.source.data, services)
    if not services or not roles:
        return None
    arns = [{"Fn::GetAtt": [role, "Arn"]} for role in roles]
    statement = dict(_snippet(grant, entries).statement)
    statement["Resource"] = arns[0] if len(arns) == 1 else arns
    return add_statement(document, statement, f"add a statement allowing {PASS_ROLE} on "
                                               f"{join(roles)} when passed to {join(services, 'or')}")


_BAD = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "CreateAmplifyApps",
      "Effect": "Allow",
      "Action": ["amplify:CreateApp", "amplify:ListApps"],
      "Resource": "*"
    }
  ]
}
"""

_GOOD = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "CreateAmplifyApps",
      "Effect": "Allow",
      "Action": ["amplify:CreateApp", "amplify:ListApps"],
      "Resource": "*"
    },
    {
      "Sid": "PassAmplifyServiceRole",
      "Effect": "Allow",
      "Action": "iam:PassRole",
      "Resource": "arn:aws:iam::123456789012:role/amplify-service-role",
      "Condition": {"StringEquals": {"iam:PassedToService": "amplify.amazonaws.com"}}
    }
  ]
}
"""

RULE = Rule(
    id="APL302",
    name="passrole-missing",
    severity=Severity.ERROR,
    scope=Scope.PRINCIPAL,
    summary="an action that passes a role (amplify:CreateApp, lambda:CreateFunction, ...) granted "
            "without iam:PassRole (error or warning)",
    why=(
        "Actions that hand a role to a service (amplify:CreateApp with iamServiceRoleArn, "
        "lambda:CreateFunction with Role, ecs:RunTask, cloudformation:CreateStack with RoleARN, "
        "...) also need iam:PassRole on that role; without it the call fails with \"is not "
        "authorized to perform: iam:PassRole\", as AWS's Amplify troubleshooting guide describes, "
        "and only at deploy time. The rule evaluates all policies of the principal together and "
        "reports each token that grants such an action when iam:PassRole is not granted on any "
        "role, or is denied. The actions come from the linter's PassRole table (AWS's dependent "
        "actions, the Amplify API reference and the service API models): an error where the API "
        "requires the role or AWS lists the dependency, a warning where the role is optional and "
        "the dependency inferred. A wildcard (lambda:*, a NotAction) is one finding that names a "
        "few of the actions, one severity level below what naming the action would be (granting "
        "s3:* does not say the principal will set up replication), and an action counts only "
        "where the statement's Resource can name "
        "its resources. \"*\" grants iam:PassRole too, so an admin is reported only when PassRole "
        "is excluded (NotAction iam:*) or denied. A grant of PassRole under a condition counts as "
        "a grant, except one whose iam:PassedToService condition excludes every service the call "
        "passes its role to: for an action whose API requires the role (lambda:CreateFunction, "
        "states:CreateStateMachine), when the table records the service principal from AWS's "
        "documentation, PassRole granted only to other services (ec2.amazonaws.com) is reported "
        "too. A principal with policies the linter cannot see is not judged unless "
        "--assume-complete."
    ),
    bad=_BAD,
    good=_GOOD,
    fix=(
        "Allow iam:PassRole on the role(s) the calls pass, limited to the service that receives "
        "them (the finding's detail in JSON/SARIF output holds the statement, with the service "
        "where the table knows it), for example:\n\n"
        + """{
  "Sid": "PassServiceRole",
  "Effect": "Allow",
  "Action": "iam:PassRole",
  "Resource": "arn:aws:iam::123456789012:role/ROLE_NAME",
  "Condition": {
    "StringEquals": {
      "iam:PassedToService": "amplify.amazonaws.com"
    }
  }
}"""
        + "\n\nIf a Deny names iam:PassRole, exempt those roles from it. If the calls never pass a "
          "role (an optional field left out), ignore the warning for that line."
    ),
    messages={
        "missing": "{what}{cond}, but iam:PassRole is not granted in {principal}; "
                   "calls that pass a role will be denied",
        "denied": "{what}{cond}, but iam:PassRole is denied by {deny_token} at {deny}; "
                  "calls that pass a role will be denied",
        "wrong-service": "{what}{cond}, but iam:PassRole is granted only under an iam:PassedToService "
                         "condition (at {passrole}{more}) that excludes {services}, where AWS documents "
                         "the role going; calls that pass a role will be denied",
    },
    check=check,
    autofix="unsafe, in a CloudFormation template only: adds a statement allowing iam:PassRole "
            "on the template's roles that the receiving service may assume (Fn::GetAtt of each), "
            "under an iam:PassedToService condition naming that service; offered when AWS "
            "documents the service of every action the token grants and the template defines "
            "such a role.",
    references=(
        "https://docs.aws.amazon.com/amplify/latest/userguide/security_iam_troubleshoot.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html",
        "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amplify.html",
    ),
)
