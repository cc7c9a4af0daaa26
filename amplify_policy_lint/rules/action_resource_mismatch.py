"""APL205: an action that none of the statement's resources can be the target of."""
from __future__ import annotations


from .. import wildcard
from ..catalog import ActionInfo
from ..evaluate import Tri, action_matches_statement
from ..context import Context
from ..model import Rule, Scope, Severity, Violation
from ..policy import Item, PolicyDocument, Statement
from ..resources import arn_service, check_resource

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any, Iterator

# How many action names a message lists before it says "and N more".
_LISTED = 3


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    catalog = context.catalog
    matcher = catalog.resources
    covering: dict[tuple[str, str | None], tuple[Statement, ...]] = {}
    for statement in document.statements:
        resources = _decidable_resources(statement)
        if resources is None:
            continue
        # Mismatched action entries, grouped by the resource entry the finding is placed on.
        groups: dict[int, list[tuple[Item, tuple[ActionInfo, ...]]]] = {}
        # Whether each kind of action misfits all the resources: the statement's entries
        # (s3:GetObject, s3:PutObject, ...) share a few kinds.
        misfits: dict[Any, bool] = {}
        for item in statement.actions:
            if item.value is None:
                continue
            infos, kinds = matcher.actions_named(item.value)
            if not infos:
                continue
            if not _surely_misfit(kinds, resources, matcher, misfits):
                continue
            if all(_granted_elsewhere(info, statement, document, catalog, covering) for info in infos):
                continue  # another statement covers it on resources it acts on: redundant, not broken
            groups.setdefault(_target(item.value, resources), []).append((item, infos))
        if groups:
            for index, mismatched in sorted(groups.items()):
                yield Violation(resources[index].path, _message_args(mismatched, resources, catalog))


def _decidable_resources(statement: Statement) -> tuple[Item, ...] | None:
    """The Resource entries when every one is a plain, well-formed ARN pattern and none of
    them matches everything; None when the statement cannot be judged."""
    if statement.action_key != "Action" or statement.resource_key != "Resource":
        return None  # NotAction and NotResource: skip
    if statement.data.get("Resource") is None or not statement.resources:
        return None
    for item in statement.resources:
        value = item.value
        if value is None or (value and not value.strip("*")):  # (wildcard.matches_everything, inline)
            return None
        if check_resource(value) is not None:
            return None  # APL106's business
    return statement.resources


def _surely_misfit(kinds: tuple[tuple[Any, ActionInfo], ...], resources: tuple[Item, ...], matcher: Any,
                   misfits: dict[Any, bool]) -> bool:
    """True when no action can act on any resource, as far as the catalog surely knows.

    Actions of the same service with the same resource types get the same answer, so one of
    each kind is asked (ec2:Describe* names hundreds of actions of a few kinds), once per
    statement (``misfits``)."""
    for kind, info in kinds:
        answer = misfits.get(kind)
        if answer is None:
            answer = True
            for item in resources:
                if not matcher.surely_misfits_kind(kind, info, item.value):
                    answer = False
                    break
            misfits[kind] = answer
        if not answer:
            return False
    return True


def _granted_elsewhere(info: ActionInfo, statement: Statement, document: PolicyDocument, catalog: Any,
                       covering: dict[tuple[str, str | None], tuple[Statement, ...]]) -> bool:
    """Whether another statement of the document, of the same effect, covers the action on a
    resource it may act on (or on resources we cannot judge). ``covering`` remembers the
    answer's ingredients per action and effect: asked for every misfit entry of every
    statement, rescanning the document each time was quadratic."""
    key = (info.full_name, statement.effect)
    if key not in covering:
        covering[key] = _first_two_covering(info, statement.effect, document, catalog)
    return any(other is not statement for other in covering[key])


def _first_two_covering(info: ActionInfo, effect: str | None, document: PolicyDocument,
                        catalog: Any) -> tuple[Statement, ...]:
    """The first two statements of ``effect`` that cover the action on a resource it may act
    on: whichever statement asks, at least one of them is another one, if any exists."""
    found: list[Statement] = []
    for other in document.action_index.candidates(info.full_name):
        if other.effect != effect or action_matches_statement(other, info.full_name)[0] is Tri.NO:
            continue
        if _may_reach(other, info, catalog):
            found.append(other)
            if len(found) == 2:
                break
    return tuple(found)


def _may_reach(statement: Statement, info: ActionInfo, catalog: Any) -> bool:
    if statement.resource_key != "Resource" or not statement.resources:
        return True  # NotResource, or no Resource at all: cannot tell, so assume it does
    return any(item.value is None or catalog.action_fits_resource(info, item.value) is not False
               for item in statement.resources)


def _target(token: str | None, resources: tuple[Item, ...]) -> int:
    """The resource entry to report on: the first of the action's own service, else the first."""
    service = (token or "").partition(":")[0]
    for index, item in enumerate(resources):
        written = arn_service(item.value)
        if written is not None and wildcard.match(written, service):
            return index
    return 0


def _message_args(mismatched: list[tuple[Item, tuple[ActionInfo, ...]]], resources: tuple[Item, ...],
                  catalog: Any) -> dict[str, str]:
    tokens = [item.value or "" for item, _ in mismatched]
    names = ", ".join(tokens[:_LISTED])
    if len(tokens) > _LISTED:
        names += f" and {len(tokens) - _LISTED} more"
    infos = [info for _, group in mismatched for info in group]
    plural = len(infos) > 1
    where = repr(resources[0].value) if len(resources) == 1 else f"any of the {len(resources)} listed resources"
    return {"actions": names, "verb": "act" if plural else "acts", "where": where,
            "need": _need(infos, plural, catalog)}


def _need(infos: list[ActionInfo], plural: bool, catalog: Any) -> str:
    """What the actions act on: their resource types with the ARN formats, when few."""
    subject = "they act" if plural else "it acts"
    if all(not info.resource_types for info in infos):
        return f'{"they take" if plural else "it takes"} only Resource "*"'
    if any(not info.resource_types for info in infos):
        return "some take only Resource \"*\", the others other resource types"
    described: dict[str, str] = {}
    for info in infos:
        types = catalog.resource_types(info.service)
        for listed in info.resource_types:
            resource_type = types.get(listed.name.lower())
            pattern = resource_type.arn_pattern if resource_type is not None else "?"
            described.setdefault(f"{listed.name} ({pattern})", "")
    if len(described) > _LISTED:
        return f"{subject} on other resource types (see the Service Authorization Reference)"
    return f"{subject} on {' or '.join(described)}"


RULE = Rule(
    id="APL205",
    name="action-resource-mismatch",
    severity=Severity.WARNING,
    scope=Scope.DOCUMENT,
    summary="no listed resource fits any resource type of the action",
    why=(
        "IAM matches the Resource entries of a statement against the ARN of the resource each "
        "request acts on, and every action acts on particular resource types: amplify:DeleteApp "
        "on an app (apps/APPID), amplify:DeleteBranch on a branch (apps/APPID/branches/NAME), "
        "s3:GetObject on an object (bucket/key), s3:ListBucket on the bucket itself. An action "
        "listed only with resources of another type, or an action without resource-level "
        "permissions (amplify:ListApps) listed with a specific ARN, is granted (or denied) on "
        "nothing, and the deploy fails with AccessDenied although the action is plainly in the "
        "policy. Wildcards and policy variables in a resource match whatever they could. The "
        "rule reports only what the action catalog can vouch for: a resource of a related type "
        "(the app of a branch, the bucket of an object, a branch beside a domain), a resource "
        "of another service, or a specific ARN for an action that takes only \"*\". It stays "
        "quiet on NotAction, NotResource, unresolved values and \"*\" resources, on resource "
        "types the catalog does not list, and when another statement of the policy grants the "
        "action on a resource it acts on (then the entry is redundant, not broken)."
    ),
    bad='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": ["amplify:DeleteApp", "amplify:DeleteBranch"],\n    "Resource": "arn:aws:amplify:us-east-1:123456789012:apps/d1a2b3c4d5e6f7/branches/main"\n  }]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": ["amplify:DeleteApp", "amplify:DeleteBranch"],\n    "Resource": [\n      "arn:aws:amplify:us-east-1:123456789012:apps/d1a2b3c4d5e6f7",\n      "arn:aws:amplify:us-east-1:123456789012:apps/d1a2b3c4d5e6f7/branches/main"\n    ]\n  }]\n}\n',
    fix="Add an ARN of the resource type the action acts on (the message shows its format), or "
        "move the action to a statement with such resources; for an action without resource-level "
        "permissions use Resource \"*\".",
    messages={"default": "{actions} {verb} on no resource that matches {where}; {need}"},
    check=check,
    references=(
        "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsamplify.html#awsamplify-resources-for-iam-policies",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html",
    ),
    access_analyzer=("INVALID_ARN_RESOURCE", "UNSUPPORTED_ACTION_IN_POLICY"),
)
