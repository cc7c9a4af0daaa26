"""APL502: an Action/NotAction, Resource/NotResource or Principal entry that another entry of
the same statement already covers (a duplicate, ``iam:GetRole`` beside ``iam:Get*``,
``arn:aws:s3:::bucket-*/*`` beside ``arn:aws:s3:::bucket-*``, a role's session
``arn:aws:sts::123456789012:assumed-role/deploy/ci`` beside the role ``...:role/deploy``).

"Covers" is pattern containment: every name or ARN the entry can match, the other matches
too (see :func:`wildcard.covers`), so removing the entry changes nothing, today or when AWS
adds actions. Actions compare ignoring case, resources with case. Of two equal entries the
later one is reported. Entries with policy variables or intrinsic functions are not judged.

Cost: entries are indexed by the literal text before their first wildcard, so an entry is
compared only with the patterns whose literal head is a prefix of its own; a statement whose
entries share one head is compared pairwise up to a budget, then left alone (no finding is
better than a slow commit).
"""
from __future__ import annotations


from .. import wildcard
from ..edits import remove_list_item
from ..context import Context
from ..model import Fix, Rule, Safety, Scope, Severity, Violation
from ..policy import Item, PolicyDocument
from ..resources import parse_arn

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterator, Sequence

# Pattern comparisons per list before the rule gives up on it.
_BUDGET = 20_000


def redundant(items: Sequence[Item], ignore_case: bool) -> Iterator[tuple[Item, Item]]:
    """(entry, an earlier-or-other entry that covers it) for each covered entry."""
    entries = [(item, item.value.lower() if ignore_case else item.value)
               for item in items if item.value is not None and "${" not in item.value]
    plain: dict[str, int] = {}
    patterns: dict[str, list[int]] = {}  # literal head -> indexes of wildcard entries
    heads = set()
    owns = [wildcard.literal_head(text) for _, text in entries]
    for index, (_, text) in enumerate(entries):
        own = owns[index]
        if len(own) < len(text):  # a wildcard ends the literal head
            patterns.setdefault(own, []).append(index)
            heads.add(len(own))
        else:
            plain.setdefault(text, index)
    lengths = sorted(heads)
    budget = _BUDGET
    for index, (item, text) in enumerate(entries):
        own = owns[index]
        if len(own) == len(text):
            first = plain[text]
            if first != index:
                yield item, entries[first][0]
                continue
        cover = None
        for length in lengths:
            if length > len(own):
                break
            others = patterns.get(own[:length])
            if others is None or (len(others) == 1 and others[0] == index):
                continue  # (most often: a wildcard entry alone with its head)
            for other in others:
                if other == index:
                    continue
                budget -= 1
                if budget < 0:
                    return
                other_text = entries[other][1]
                if not wildcard.covers(other_text, text, ignore_case=False):
                    continue
                if wildcard.covers(text, other_text, ignore_case=False) and other > index:
                    continue  # equal patterns: the later one is the redundant one
                cover = other
                break
            if cover is not None:
                break
        if cover is not None:
            yield item, entries[cover][0]


def _role_of_session(arn: str) -> tuple[str, str, str] | None:
    """(partition, account, role name) of an ``arn:...:sts::ACCOUNT:assumed-role/ROLE/SESSION``."""
    parsed = parse_arn(arn)
    if parsed is None or parsed.service != "sts" or not parsed.resource.startswith("assumed-role/"):
        return None
    role = parsed.resource.split("/")
    return (parsed.partition, parsed.account, role[1]) if len(role) >= 3 else None


def _role(arn: str) -> tuple[str, str, str] | None:
    """(partition, account, role name) of an ``arn:...:iam::ACCOUNT:role/[PATH/]NAME``."""
    parsed = parse_arn(arn)
    if parsed is None or parsed.service != "iam" or not parsed.resource.startswith("role/"):
        return None
    if wildcard.has_wildcard(arn) or parsed.variables:
        return None
    return parsed.partition, parsed.account, parsed.resource.rsplit("/", 1)[-1]


def _principals(document: PolicyDocument, statement) -> Iterator[Violation]:
    entries = statement.principal_entries("AWS")
    roles = {}
    for text, path in entries:
        role = _role(text)
        if role is not None:
            roles.setdefault(role, text)
    seen: dict[str, str] = {}
    for text, path in entries:
        if text in seen:
            yield Violation(path, {"entry": text, "cover": text, "key": statement.principal_key},
                            variant="principal-duplicate")
            continue
        seen[text] = text
        session = _role_of_session(text)
        if session is not None and session in roles:
            yield Violation(path, {"entry": text, "cover": roles[session], "key": statement.principal_key},
                            variant="principal-session")


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    for statement in document.statements:
        yield from _principals(document, statement)
        for key, items, ignore_case in ((statement.action_key, statement.actions, True),
                                        (statement.resource_key, statement.resources, False)):
            if key is None or len(items) < 2:
                continue
            for item, cover in redundant(items, ignore_case):
                variant = "action" if key in ("Action", "NotAction") else "resource"
                same = (item.value.lower() == cover.value.lower()) if ignore_case else item.value == cover.value
                yield Violation(item.path, {"entry": item.value, "cover": cover.value, "key": key},
                                variant=f"{variant}-duplicate" if same else variant,
                                fix=_removal(document, item) if same else None)


def _removal(document: PolicyDocument, item: Item) -> Fix | None:
    """An exact repeat taken out of its list: the statement means the same without it."""
    *sequence, index = item.path
    if not isinstance(index, int):
        return None
    edits = remove_list_item(document, tuple(sequence), index)
    return Fix(Safety.SAFE, f"remove the repeated {item.value!r}", edits) if edits else None


RULE = Rule(
    id="APL502",
    name="redundant-entry",
    severity=Severity.INFO,
    scope=Scope.DOCUMENT,
    summary="an Action, Resource or Principal entry that another entry of the same statement already covers",
    why=(
        "An entry that another entry of the same list already matches (a duplicate, "
        "iam:GetRole beside iam:Get*, arn:aws:s3:::bucket-*/* beside arn:aws:s3:::bucket-*) adds "
        "nothing: the statement grants or denies exactly the same without it. It makes the "
        "policy longer (IAM counts its size against a quota, APL501) and harder to review, and "
        "it often hides a mistake: the author meant a narrower wildcard, or a resource of "
        "another kind. Containment is judged on the patterns, so it holds for actions AWS "
        "adds later too; actions compare ignoring case, resources with case. In a Principal, a "
        "principal listed twice, or a session of a role (assumed-role/ROLE/SESSION) beside the "
        "role itself, is redundant the same way."
    ),
    bad='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": ["amplify:Get*", "amplify:GetApp"],\n    "Resource": "arn:aws:amplify:us-east-1:123456789012:apps/d1a2b3c4d5e6f7/*"\n  }]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": ["amplify:Get*"],\n    "Resource": "arn:aws:amplify:us-east-1:123456789012:apps/d1a2b3c4d5e6f7/*"\n  }]\n}\n',
    fix="Remove the entry the message names, or narrow the entry that covers it if that one is "
        "broader than meant.",
    messages={
        "action": "{key} entry {entry!r} is already covered by {cover!r} in the same statement; remove it",
        "action-duplicate": "{key} entry {entry!r} repeats {cover!r} in the same statement; remove it",
        "resource": "{key} entry {entry!r} is already covered by {cover!r} in the same statement; remove it",
        "resource-duplicate": "{key} entry {entry!r} repeats {cover!r} in the same statement; remove it",
        "principal-duplicate": "{key} entry {entry!r} is listed twice in the same statement; remove it",
        "principal-session": "{key} entry {entry!r} is a session of {cover!r}, which the statement already "
                             "names; remove it",
    },
    check=check,
    access_analyzer=("REDUNDANT_ACTION", "REDUNDANT_RESOURCE", "REDUNDANT_PRINCIPAL_IN_ROLE_TRUST_POLICY"),
    autofix="safe: removes an entry that repeats another of the same list (actions compared "
            "ignoring case), with its comma or its line; an entry covered by a wildcard is left "
            "to you (the wildcard may be broader than meant).",
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html",
    ),
)
