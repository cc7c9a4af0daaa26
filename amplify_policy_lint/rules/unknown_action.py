"""APL202: an action that the service it names does not have."""
from __future__ import annotations


from ..catalog import ActionStatus
from ..grants import join
from ..context import Context
from ..model import Rule, Scope, Severity, Violation
from ..policy import PolicyDocument, action_statuses

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterator


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    catalog = context.catalog
    for item, status in action_statuses(document, catalog):  # Action and NotAction entries alike
        if status is not ActionStatus.UNKNOWN_ACTION:
            continue
        service, _, name = item.value.partition(":")
        prefix = service.lower()
        close = [f"{prefix}:{n}" for n in catalog.suggest_actions(prefix, name)]
        if close:
            hint = f"; did you mean {join(close, 'or')}?"
        else:
            hint = f"; {prefix} has no action of that name" + _elsewhere(catalog, prefix, name)
        yield Violation(item.path, {"action": item.value, "hint": hint})


def _elsewhere(catalog, prefix: str, name: str) -> str:
    """The same action in a sibling service (amplify:RemoveAllBackends is amplifybackend's).
    Only services whose prefix extends this one's, or that it extends, are read."""
    siblings = [s for s in catalog.service_prefixes()
                if s != prefix and (s.startswith(prefix) or prefix.startswith(s)) and len(s) > 2][:5]
    found = [info.full_name for s in siblings if (info := catalog.action(s, name)) is not None]
    return f", but {join(found, 'or')} exists" if found else ""


RULE = Rule(
    id="APL202",
    name="unknown-action",
    severity=Severity.ERROR,
    scope=Scope.DOCUMENT,
    summary="action not in the catalog (with the closest names as suggestions)",
    why=(
        "IAM stores a policy with a misspelt action (amplify:DeleteApps, amplify:RemoveAllBackends) "
        "without a word, and the action then matches no request: an Allow grants nothing and the "
        "deploy or delete fails with AccessDenied, a Deny protects nothing. Names are compared "
        "ignoring case, as IAM compares them (Amplify:deleteapp is amplify:DeleteApp), with the "
        "actions the Service Authorization Reference lists for the service; the closest real "
        "names are suggested."
    ),
    bad='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": ["amplify:DeleteApps", "amplify:RemoveAllBackends"],\n    "Resource": "arn:aws:amplify:us-east-1:123456789012:apps/d1a2b3c4d5e6f7"\n  }]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": ["amplify:DeleteApp", "amplifybackend:RemoveAllBackends"],\n    "Resource": "*"\n  }]\n}\n',
    fix="Use an action name the service has (see the suggestion, or the service's page in the "
        "Service Authorization Reference), or a wildcard such as amplify:Delete*.",
    messages={"default": "unknown action {action!r}{hint}"},
    check=check,
    references=(
        "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsamplify.html",
        "https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html",
    ),
    access_analyzer=("INVALID_ACTION",),
)
