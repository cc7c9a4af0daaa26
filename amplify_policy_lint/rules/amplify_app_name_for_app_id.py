"""APL305: an Amplify ARN with an app's name where the app id belongs.

``arn:aws:amplify:REGION:ACCOUNT:apps/APPID`` and ``.../backend/APPID`` take the app id that
Amplify generates (``d1a2b3c4e5f6g7``: "d" and lower-case letters or digits, at most 20), not
the name the app was created with. An ARN written with the name (``apps/my-app-name/*``) is
accepted by IAM and matches nothing, so the grant is silently empty.
"""
from __future__ import annotations


from ..amplify_arns import possible_app_id
from ..intrinsics import resolve
from ..context import Context
from ..model import Rule, Scope, Severity, Violation
from ..policy import PolicyDocument
from ..resources import parse_arn

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any, Iterator

# Where the app id is in each service's resource part.
_APP_PREFIX = {"amplify": "apps/", "amplifybackend": "/backend/"}


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    for statement in document.statements:
        if statement.resource_key is None:
            continue
        written = statement.data.get(statement.resource_key)
        entries = written if isinstance(written, list) else [written]
        values = [item.value for item in statement.resources]
        if None not in values and ":amplify" not in "\n".join(values):
            continue  # no Amplify ARN among plain entries (_app_of's first test, for the list at once)
        for item, raw in zip(statement.resources, entries if len(entries) == len(statement.resources) else []):
            app = _app_of(item.value if item.value is not None else raw)
            if app is not None and not possible_app_id(app):
                shown = repr(item.value) if item.value is not None else "built with " + next(iter(raw))
                yield Violation(item.path, {"resource": shown, "app": app})


def _app_of(value: Any) -> str | None:
    """The app-id field of an amplify or amplifybackend ARN (read through Fn::Sub/Fn::Join of
    literals and pseudo parameters), or None when there is none or it is not known."""
    text = resolve(value)
    if text is None or ":amplify" not in text:  # (the service field needs it: most entries go here)
        return None
    arn = parse_arn(text, head=None)
    if arn is None or arn.service not in _APP_PREFIX:
        return None
    prefix = _APP_PREFIX[arn.service]
    if not arn.resource.startswith(prefix):
        return None
    app = arn.resource[len(prefix):].split("/", 1)[0]
    if not app or "<" in app:  # empty, or a pseudo parameter's placeholder
        return None
    return app


RULE = Rule(
    id="APL305",
    name="amplify-app-name-for-app-id",
    severity=Severity.WARNING,
    scope=Scope.DOCUMENT,
    summary="an Amplify ARN with an app's name where the app id belongs (apps/my-app)",
    why=(
        "Amplify ARNs name an app by the id Amplify generates for it (arn:aws:amplify:REGION:"
        "ACCOUNT:apps/d1a2b3c4e5f6g7), and amplifybackend ARNs name its backends the same way "
        "(/backend/d1a2b3c4e5f6g7/*). An app id is \"d\" followed by lower-case letters and "
        "digits, at most 20 characters (the AppId shape of the Amplify API); the name the app "
        "was created with (my-app-name) never is one. IAM accepts such an ARN, and it matches "
        "no resource: the statement grants nothing, and a delete or deploy job fails with "
        "AccessDenied. Projects copy these ARNs from console URLs and app names."
    ),
    bad='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": "amplify:StartJob",\n    "Resource": "arn:aws:amplify:eu-west-1:123456789012:apps/my-shop/branches/main/jobs/*"\n  }]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": "amplify:StartJob",\n    "Resource": "arn:aws:amplify:eu-west-1:123456789012:apps/d1a2b3c4e5f6g7/branches/main/jobs/*"\n  }]\n}\n',
    fix="Write the app id (aws amplify list-apps shows it as appId; the console shows it under "
        "App settings), or a wildcard (apps/*) when the policy serves every app.",
    messages={"default": "resource {resource} names app {app!r}, which cannot be an Amplify app "
                         "id (\"d\" and lower-case letters or digits, at most 20): the ARN matches "
                         "no app; write the app id"},
    check=check,
    references=(
        "https://docs.aws.amazon.com/amplify/latest/APIReference/API_App.html",
        "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amplify.html#amplify-resources-for-iam-policies",
    ),
)
