"""APL203: an action pattern with a wildcard that matches no action."""
from __future__ import annotations


from ..catalog import ActionStatus
from ..context import Context
from ..model import Rule, Scope, Severity, Violation
from ..policy import PolicyDocument, action_statuses

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterator


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    catalog = context.catalog
    for item, status in action_statuses(document, catalog):  # Action and NotAction entries alike
        if status is not ActionStatus.MATCHES_NOTHING:
            continue
        service = item.value.partition(":")[0]
        where = "any service" if service == "*" else f"{service.lower()}"
        yield Violation(item.path, {"action": item.value, "where": where})


RULE = Rule(
    id="APL203",
    name="wildcard-matches-nothing",
    severity=Severity.ERROR,
    scope=Scope.DOCUMENT,
    summary="an action pattern that matches no action",
    why=(
        "A wildcard pattern is meant to cover a family of actions. One that matches none of the "
        "service's actions (amplify:Delet*x, amplify:*Backends, a ? where two letters differ) is "
        "as dead as a misspelt name: an Allow grants nothing through it and a Deny guards "
        "nothing. Patterns are matched as IAM matches them, against whole action names and "
        "ignoring case, with * for any run of characters and ? for exactly one."
    ),
    bad='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": ["amplify:Delet*x", "amplify:Get*"],\n    "Resource": "arn:aws:amplify:us-east-1:123456789012:apps/*"\n  }]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": ["amplify:Delete*", "amplify:Get*"],\n    "Resource": "arn:aws:amplify:us-east-1:123456789012:apps/*"\n  }]\n}\n',
    fix="Correct the pattern so that it matches the actions you mean (check them in the "
        "service's page of the Service Authorization Reference), or list the actions by name.",
    messages={"default": "action pattern {action!r} matches no action of {where}"},
    check=check,
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html",
        "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsamplify.html",
    ),
    access_analyzer=("INVALID_ACTION",),
)
