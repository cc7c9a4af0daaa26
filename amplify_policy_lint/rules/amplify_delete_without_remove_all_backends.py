"""APL301: amplify:DeleteApp / DeleteBackendEnvironment granted without amplifybackend:RemoveAllBackends.

Per principal (DESIGN.md sections 4 and 5): every token that grants one of the two delete
actions is a finding when the principal is not granted ``amplifybackend:RemoveAllBackends``,
when it is denied, or when both are granted on specific ARNs whose apps do not overlap.

Quiet, because nothing is proven: the principal has policies we cannot see (unless
``--assume-complete``); RemoveAllBackends is granted under a condition, or unresolved values
decide (UNKNOWN); the delete itself is denied; the token's resources name no app ARN that
DeleteApp or DeleteBackendEnvironment act on (``apps/APPID/*`` is a branch, not the app).
"""
from __future__ import annotations

from .. import amplify_arns
from ..amplify_arns import AppScope, ScopeIndex
from ..evaluate import Decision, Evaluation, Grant, denied_on, evaluate
from ..grants import (
    absence_documents, denied_by, grant_position, join, names_exactly, principal_phrase,
    token_key, token_text, under_condition, unique, violation_at,
)
from ..context import Context
from ..model import Fix, Rule, Scope, Severity, Violation
from ..policy import PolicyDocument, Principal

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Callable, Iterator

DELETE_ACTIONS = ("amplify:DeleteApp", "amplify:DeleteBackendEnvironment")
REMOVE_ALL = "amplifybackend:RemoveAllBackends"


class _Token:
    """A grant of a delete action, and which of the two actions it grants."""

    def __init__(self, grant: Grant) -> None:
        self.grant = grant
        self.actions: list[str] = []


def check(principal: Principal, context: Context) -> Iterator[Violation]:
    documents = absence_documents(principal, context)
    if not documents:
        return
    tokens: dict[tuple, _Token] = {}
    for action in DELETE_ACTIONS:
        evaluation = evaluate(documents, action)
        if not evaluation.decision.granted:
            continue  # not granted, denied, or undecidable: nothing is deleted
        for grant in evaluation.grants:
            token = tokens.setdefault(token_key(grant), _Token(grant))
            if action not in token.actions:
                token.actions.append(action)
    if not tokens:
        return
    remove = evaluate(documents, REMOVE_ALL)
    if remove.decision is Decision.UNKNOWN:
        return
    granted_scopes = _granted_scopes(remove) if remove.decision.granted else ScopeIndex(())
    # Per action, whether it is denied on one app: asked for every token's apps.
    denied = {action: denied_on(documents, action) for action in (*DELETE_ACTIONS, REMOVE_ALL)}
    for token in tokens.values():
        scopes = _deletable_scopes(token, denied)
        if not scopes:
            continue
        violation = _judge(token, scopes, remove, granted_scopes, documents, principal, denied[REMOVE_ALL])
        if violation is not None:
            yield violation


def _deletable_scopes(token: _Token, denied: dict[str, Callable[[str], bool]]) -> tuple[AppScope, ...]:
    """The apps the token's statement lets the principal delete; one exact app whose deletion
    a Deny forbids (for every action the token grants) is left out."""
    kept = []
    for scope in amplify_arns.delete_scopes(token.grant.statement):
        if scope.concrete:
            arn = f"arn:{scope.partition}:amplify:{scope.region}:{scope.account}:apps/{scope.app}"
            if all(denied[action](arn) for action in token.actions):
                continue
        kept.append(scope)
    return tuple(kept)


def _granted_scopes(remove: Evaluation) -> ScopeIndex:
    found: dict[tuple, AppScope] = {}
    for grant in remove.grants:
        for scope in amplify_arns.backend_scopes(grant.statement):
            found.setdefault((scope.fields, scope.text), scope)
    return ScopeIndex(found.values())


def _judge(token: _Token, scopes: tuple[AppScope, ...], remove: Evaluation,
           granted_scopes: ScopeIndex, documents: tuple[PolicyDocument, ...],
           principal: Principal, remove_denied: Callable[[str], bool]) -> Violation | None:
    grant = token.grant
    if len(token.actions) == 1 and names_exactly(grant, token.actions[0]):
        granted = f"{token_text(grant)} is granted"
    else:
        granted = f"{token_text(grant)} grants {join(token.actions)}"
    args = {
        "grant": granted,
        "cond": under_condition(grant),
        "principal": principal_phrase(principal, grant),
        "fix": join(unique(_quoted(s.backend_arn()) for s in scopes)),
    }
    if remove.decision is Decision.NOT_GRANTED:
        return violation_at(grant, args, variant="missing", detail=_snippet(scopes, grant.document),
                            fix=_fix(grant, scopes))
    if remove.decision is Decision.DENIED:
        return _denied(grant, args, remove)
    # Granted (perhaps under a condition): the apps must overlap.
    if not granted_scopes.overlaps_any(scopes):
        same_app = granted_scopes.app_overlaps_any(scopes)
        args.update(
            apps=join(unique(s.describe() for s in scopes)),
            granted=join(unique(_granted_places(remove, grant.document.file))),
            reason=("which names no Amplify backend" if not granted_scopes
                    else "a different region or account" if same_app else "a different app"),
        )
        return violation_at(grant, args, variant="other-app", detail=_snippet(scopes, grant.document),
                            fix=_fix(grant, scopes))
    # Overlapping is not enough: every app the delete reaches must have its backends covered.
    # (A Resource only deploy time knows, ANY, cannot be judged: it is left out.)
    uncovered = [s for s in granted_scopes.uncovered(scopes) if s.text is not None]
    if uncovered:
        args.update(
            apps=join(unique(s.describe() for s in uncovered)),
            granted=join(unique(_granted_places(remove, grant.document.file))),
            fix=join(unique(_quoted(s.backend_arn()) for s in uncovered)),
        )
        # Named apps surely fail; a wildcard over apps fails for the apps it reaches beyond.
        severity = Severity.ERROR if all(s.concrete for s in uncovered) else Severity.WARNING
        return violation_at(grant, args, variant="uncovered", severity=severity,
                            detail=_snippet(tuple(uncovered), grant.document),
                            fix=_fix(grant, tuple(uncovered)))
    if all(s.concrete for s in scopes):
        # One exact app each: a Deny of RemoveAllBackends on those backends still fails the delete.
        if all(remove_denied(s.backend_arn()) for s in scopes):
            return _denied(grant, args, evaluate(documents, REMOVE_ALL, scopes[0].backend_arn()))
    return None


def _denied(grant: Grant, args: dict, evaluation: Evaluation) -> Violation | None:
    denial = next((d for d in evaluation.denials if not d.conditional), None)
    if denial is None:  # pragma: no cover - DENIED always comes with an unconditional denial
        return None
    args.update(denied_by(denial, grant))
    return violation_at(grant, args, variant="denied")


_SHOWN = 5  # places named in one message; every token's message naming every grant is O(n^2)


def _granted_places(remove: Evaluation, from_file: str) -> list[str]:
    places = []
    for grant in remove.grants[:_SHOWN]:
        resources = [item.value for item in grant.statement.resources[:_SHOWN] if item.value is not None]
        shown = ", ".join(resources) if resources else "its resources"
        places.append(f"{shown} (at {grant_position(grant, from_file)})")
    if len(remove.grants) > _SHOWN:
        places.append(f"{len(remove.grants) - _SHOWN} more statements")
    return places


def _quoted(resource: str) -> str:
    return '"*"' if resource == "*" else resource


def _statement(scopes: tuple[AppScope, ...], document: PolicyDocument) -> dict:
    from .. import suggestions  # only a finding needs its suggested statement

    return dict(suggestions.remove_all_backends(unique(s.backend_arn() for s in scopes), document).statement)


def _snippet(scopes: tuple[AppScope, ...], document: PolicyDocument) -> str:
    from .. import suggestions  # only a finding needs its suggested statement

    return suggestions.remove_all_backends(unique(s.backend_arn() for s in scopes), document).text


def _fix(grant: Grant, scopes: tuple[AppScope, ...]) -> Fix | None:
    """The suggested statement, added to the document of the grant (unsafe: it grants more);
    none when the apps are not known (an intrinsic Resource suggests "*", not the same apps)."""
    from ..edits import add_statement  # a fix is built only for a finding

    if any(s.backend_arn() == "*" for s in scopes):
        return None
    return add_statement(grant.document, _statement(scopes, grant.document),
                         f"add a statement allowing {REMOVE_ALL} on the backends of the same apps")


_BAD = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "DeleteAmplifyApp",
      "Effect": "Allow",
      "Action": ["amplify:GetApp", "amplify:DeleteApp"],
      "Resource": "arn:aws:amplify:eu-west-1:123456789012:apps/d1a2b3c4e5f6g7"
    }
  ]
}
"""

_GOOD = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "DeleteAmplifyApp",
      "Effect": "Allow",
      "Action": ["amplify:GetApp", "amplify:DeleteApp"],
      "Resource": "arn:aws:amplify:eu-west-1:123456789012:apps/d1a2b3c4e5f6g7"
    },
    {
      "Sid": "AmplifyRemoveAllBackends",
      "Effect": "Allow",
      "Action": "amplifybackend:RemoveAllBackends",
      "Resource": "arn:aws:amplifybackend:eu-west-1:123456789012:/backend/d1a2b3c4e5f6g7/*"
    }
  ]
}
"""

RULE = Rule(
    id="APL301",
    name="amplify-delete-without-remove-all-backends",
    severity=Severity.ERROR,
    scope=Scope.PRINCIPAL,
    summary="amplify:DeleteApp or DeleteBackendEnvironment granted without amplifybackend:RemoveAllBackends",
    why=(
        "Since Amplify Studio, deleting an Amplify app or a backend environment also calls "
        "amplifybackend:RemoveAllBackends for the app, so AWS's Amplify troubleshooting guide "
        "warns that a policy granting only amplify permissions fails with \"is not authorized to "
        "perform: amplifybackend:RemoveAllBackends\" when the app is deleted. The policy deploys "
        "fine and the error surfaces only at delete time, often in a teardown job. This rule "
        "evaluates all policies of the principal together (Action, NotAction, wildcards, Deny, "
        "conditions) and reports each token that grants amplify:DeleteApp or "
        "amplify:DeleteBackendEnvironment when RemoveAllBackends is not granted, is denied, or is "
        "not granted for every app the delete reaches (app id, region and account must be "
        "covered): an error when the delete names the apps, a warning when it is a wildcard over "
        "apps (deleting the apps beyond RemoveAllBackends' fails). An ARN that holds an app's "
        "name where its id belongs (apps/my-app) names no app and is APL305's. A conditional "
        "grant of RemoveAllBackends counts as a grant; a principal with policies the linter "
        "cannot see is not judged unless --assume-complete is given."
    ),
    bad=_BAD,
    good=_GOOD,
    fix=(
        "Allow amplifybackend:RemoveAllBackends on the backends of the same apps (the finding's "
        "detail in JSON/SARIF output holds the statement for the apps it found), for example:\n\n"
        + """{
  "Sid": "AmplifyRemoveAllBackends",
  "Effect": "Allow",
  "Action": "amplifybackend:RemoveAllBackends",
  "Resource": "arn:aws:amplifybackend:eu-west-1:123456789012:/backend/d1a2b3c4e5f6g7/*"
}"""
        + "\n\nIf a Deny names RemoveAllBackends, exempt the apps this principal deletes from it."
    ),
    messages={
        "missing": "{grant}{cond}, but amplifybackend:RemoveAllBackends, which "
                   "deleting an Amplify app or backend environment also needs, is not granted in "
                   "{principal}; allow it on {fix}",
        "denied": "{grant}{cond}, but amplifybackend:RemoveAllBackends, which "
                  "deleting an Amplify app or backend environment also needs, is denied by "
                  "{deny_token} at {deny}",
        "other-app": "{grant} on {apps}{cond}, but amplifybackend:RemoveAllBackends "
                     "is granted only on {granted}, {reason}; allow it on {fix}",
        "uncovered": "{grant}{cond}, but amplifybackend:RemoveAllBackends is granted only on "
                     "{granted}, which does not cover {apps}: deleting the apps it leaves out "
                     "fails; allow it on {fix}",
    },
    check=check,
    autofix="unsafe: adds the statement of the finding's detail (amplifybackend:RemoveAllBackends "
            "on the backends of the apps the delete grant reaches) after the last statement of "
            "the document that holds the grant, laid out like that statement.",
    references=(
        "https://docs.aws.amazon.com/amplify/latest/userguide/security_iam_troubleshoot.html",
        "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amplify.html",
        "https://docs.aws.amazon.com/amplify-admin-ui/latest/APIReference/backend-appid-remove.html",
    ),
)
