"""APL403: an Allow of every action ("*", "*:*") or an Allow with NotAction, on every resource."""
from __future__ import annotations


from ..context import Context
from ..model import Rule, Scope, Severity, Violation
from ..policy import Condition, DocKind, PolicyDocument, Statement
from ..resources import names_every_resource

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterator


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    if document.kind in (DocKind.TRUST, DocKind.RESOURCE):
        # In a resource policy "*" is the resource the policy is attached to, not the account;
        # who may use it is APL401's business.
        return
    if any(_bounds_everything(statement) for statement in document.statements):
        return
    for statement in document.statements:
        if statement.effect != "Allow" or not statement.every_resource() or _limits_actions(statement):
            continue
        when = " under a Condition" if statement.conditional else ""
        if statement.action_key == "NotAction":
            if any(item.value is None for item in statement.actions):
                continue  # an unresolved entry may exclude everything
            excluded = [item.value for item in statement.actions if item.value is not None]
            yield Violation(statement.path + ("NotAction",),
                            {"excluded": _describe(excluded), "when": when, "resources": _resources(statement)},
                            variant="not-action", part="key")
            continue
        for item in statement.actions:
            if item.value is not None and item.value in ("*", "*:*"):
                yield Violation(item.path, {"action": item.value, "when": when,
                                            "resources": _resources(statement)})


def _bounds_everything(statement: Statement) -> bool:
    """An unconditional Deny on every resource of every action ("*"), or of every action but an
    allowlist (NotAction): beside it no Allow grants more than that allowlist."""
    if statement.effect != "Deny" or statement.conditional or statement.resource_key != "Resource":
        return False
    if not any(item.value is not None and names_every_resource(item.value) for item in statement.resources):
        return False
    if statement.action_key == "NotAction":
        # A NotAction entry "*" exempts every action: that Deny denies nothing.
        return bool(statement.actions) and all(
            item.value is not None and item.value not in ("*", "*:*") for item in statement.actions)
    return any(item.value in ("*", "*:*") for item in statement.actions)


# Condition keys that narrow which actions a statement applies to, not only when: with
# aws:IsMcpServiceAction an Allow of "*" covers only the actions of the AWS MCP service.
_ACTION_LIMITING_KEYS = frozenset({"aws:ismcpserviceaction"})


def _limits_actions(statement: Statement) -> bool:
    """A Condition {"Bool": {"aws:IsMcpServiceAction": "true"}} (not IfExists, which would
    also hold for every other action)."""
    return any(c.operator.text == "Bool" and c.key_lower in _ACTION_LIMITING_KEYS and _is_true(c)
               for c in statement.conditions)


def _is_true(condition: Condition) -> bool:
    values = condition.values
    return bool(values) and all(v.value is True or (v.text is not None and v.text.lower() == "true")
                                for v in values)


def _resources(statement: Statement) -> str:
    return "every resource" if statement.resource_key == "Resource" else "every resource but those in NotResource"


def _describe(excluded: list[str]) -> str:
    if not excluded:
        return "nothing"
    shown = ", ".join(excluded[:3])
    return shown + (f" and {len(excluded) - 3} more" if len(excluded) > 3 else "")


RULE = Rule(
    id="APL403",
    name="admin-wildcard",
    severity=Severity.WARNING,
    scope=Scope.DOCUMENT,
    summary="Allow of * (or *:*), or Allow with NotAction, on Resource *",
    why=(
        "An Allow of \"*\" on every resource is administrator access: whoever holds it (an Amplify "
        "build role, a CI user, a Lambda function) can create users, read every secret and delete "
        "every app. An Allow with NotAction is the same with a few exceptions, and it also grants "
        "every action AWS adds from now on. A Condition (MFA, region) limits when, not what, so a "
        "conditional grant is still reported (except one on aws:IsMcpServiceAction, which limits "
        "the grant to the AWS MCP service's actions), and so is one beside Deny statements that block some "
        "actions or apply only under a Condition: such a blocklist does not cover the services AWS "
        "launches next. The document is quiet only when an unconditional Deny on every resource "
        "denies every action, or every action but a NotAction allowlist, because then the Allow "
        "grants no more than that allowlist. Only identity policies are checked (in a resource "
        "policy \"*\" is the resource the policy is attached to)."
    ),
    bad='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Sid": "AmplifyDeployer",\n    "Effect": "Allow",\n    "Action": "*",\n    "Resource": "*"\n  }]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Sid": "AmplifyDeployer",\n    "Effect": "Allow",\n    "Action": ["amplify:*", "amplifybackend:*", "cloudformation:*"],\n    "Resource": "*"\n  }]\n}\n',
    fix="List the services (amplify:*, amplifybackend:*, ...) or better the actions the principal "
        "needs, on the resources it needs them on; use the AdministratorAccess managed policy "
        "deliberately and only for administrators.",
    messages={
        "default": "Allow of {action!r} on {resources}{when} is administrator access; grant the "
                   "services or actions needed instead",
        "not-action": "Allow with NotAction on {resources}{when} grants every action except {excluded}, "
                      "including those AWS adds later; list the actions needed instead",
    },
    check=check,
    access_analyzer=("PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE", "PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION", "PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE", "CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE", "CREATE_SLR_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION", "CREATE_SLR_WITH_NOT_ACTION_AND_NOT_RESOURCE",),
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html",
    ),
)
