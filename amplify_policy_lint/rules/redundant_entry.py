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

try:
    from _bisect import bisect_left  # what bisect re-exports, without its module (start-up)
except ImportError:  # pragma: no cover - an interpreter without the C accelerator
    from bisect import bisect_left

from .. import wildcard
from ..context import Context
from ..model import Fix, Rule, Safety, Scope, Severity, Violation
from ..policy import Item, PolicyDocument
from ..resources import parse_arn

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterator, Sequence

# Pattern comparisons per list before the rule gives up on it.
_BUDGET = 20_000
# From this many entries on, a list is first tested for entries that start alike (in C), and
# at most this many lengths of wildcard heads are tried for it.
_MANY = 1_000
_LENGTHS_AT_ONCE = 8
# Up to this many entries, a list's patterns are tried on every entry (_covered_few).
_FEW = 8


def redundant(items: Sequence[Item], ignore_case: bool) -> Iterator[tuple[Item, Item]]:
    """(entry, an earlier-or-other entry that covers it) for each covered entry."""
    # (The (item, text) pairs only past the shortcuts: a container per entry of a long list
    # costs the collector a walk.)
    values = [item.value for item in items]
    joined = "\n".join(values) if None not in values else "${"  # (a line break: no "${" across two entries)
    if "${" not in joined:  # every entry is judged (the common list: no filtering entry by entry)
        kept, texts = items, list(map(str.lower, values)) if ignore_case else values
    else:
        kept = [item for item in items if item.value is not None and "${" not in item.value]
        texts = [item.value.lower() for item in kept] if ignore_case else [item.value for item in kept]
        joined = "".join(texts)
    if "*" not in joined and "?" not in joined and len(set(texts)) == len(texts):
        return  # no pattern and no repeat: nothing covers anything (the common list, settled in C)
    if len(texts) >= _MANY and "?" not in joined and _distinct_starts(texts):
        return  # patterns, but no two entries start alike (a long generated list, settled in C)
    entries = list(zip(kept, texts))
    # (A short list cannot reach the budget: each pattern is compared with the others once.)
    found = _covered_few(texts) if len(texts) <= _FEW and len(texts) ** 2 <= _BUDGET else _covered(texts)
    if found is None:  # more comparisons than the budget: the rule's own order decides where it stops
        yield from _redundant_in_order(entries)
        return
    for index in sorted(found):
        yield entries[index][0], entries[found[index]][0]


def _distinct_starts(texts: list[str]) -> bool:
    """True when no entry can cover another, found in a few passes in C: no entry repeats,
    none has a "?", and for each length of a pattern's literal head (the text before its
    "*"), the entries' heads cut to that length are all different. An entry is covered only
    by a pattern whose head starts its own head, and then both cut to that head's length are
    equal. False says nothing (the comparisons decide)."""
    from itertools import repeat
    from operator import contains, itemgetter, methodcaller

    if len(set(texts)) != len(texts) or any(map(contains, texts, repeat("?"))):
        return False
    lengths = set(map(methodcaller("find", "*"), texts))  # of the patterns' heads (and -1: no "*")
    if len(lengths) == 1 and -1 not in lengths and set(map(len, texts)) == {min(lengths) + 1}:
        return True  # each is its head and a "*": the heads differ as the texts do
    lengths.discard(-1)
    if len(lengths) > _LENGTHS_AT_ONCE:
        return False
    # The texts cut rather than their heads: a text whose head is shorter than the cut has a
    # "*" where no head of that length has one, so it equals none of them either way, and an
    # entry a pattern covers starts with the pattern's head, as the pattern does.
    return all(len(set(map(itemgetter(slice(length)), texts))) == len(texts) for length in lengths)


def _covered_few(texts: list[str]) -> dict[int, int]:
    """:func:`_covered` of a short list (most lists), each pattern tried on every entry:
    without the sorted index, whose building costs more than the comparisons it saves."""
    found: dict[int, int] = {}
    first: dict[str, int] = {}
    wild = []
    for index, text in enumerate(texts):
        if "*" in text or "?" in text:  # wildcard.has_wildcard
            wild.append((len(wildcard.literal_head(text)), index))
        elif text in first:  # a plain text repeated: the later ones repeat the first
            found[index] = first[text]
        else:
            first[text] = index
    wild.sort()  # shortest literal head first, as the entry-by-entry search tries them
    for _, pattern in wild:
        general = texts[pattern]
        compiled = None if "?" in general else wildcard.compile(general, False)  # "?": only an equal text
        head, piece, tail = _pieces(general)
        for index, text in enumerate(texts):
            if index == pattern or index in found:
                continue
            if not (text.startswith(head) and text.endswith(tail) and piece in text and compiled.matches(text)
                    if compiled is not None else general == text):
                continue
            if pattern > index and wildcard.covers(text, general, ignore_case=False):
                continue  # equal patterns: the later one is the redundant one
            found[index] = pattern
    return found


def _pieces(pattern: str) -> tuple[str, str, str]:
    """What every text a pattern with a "*" matches holds, to be asked first, in C: the text
    before its first "*" (a start), the longest of the pieces between two stars (somewhere;
    "" when there is none), and the text after its last "*" (an end). The head and the longest
    piece alone let through ARNs of one service ("arn:aws:ec2:*:*:volume/*" against
    "arn:aws:ec2:*:*:instance/*")."""
    chunks = pattern.split("*")
    return chunks[0], max(chunks[1:-1], key=len, default=""), chunks[-1]


def _covered(texts: list[str]) -> dict[int, int] | None:
    """{index of a covered entry: index of the entry that covers it}, as
    :func:`_redundant_in_order` finds them, or None when it could run out of budget.

    Most entries are plain names that no pattern of the list starts like: rather than asking
    for each entry which patterns may cover it, each pattern (shortest literal head first, as
    the entry-by-entry search tries them) looks at the entries that start with its head, in
    a sorted list."""
    wild = [index for index, text in enumerate(texts) if "*" in text or "?" in text]  # wildcard.has_wildcard
    # Each plain text at its first index (a dict built from the end keeps the earliest).
    first = {text: index for index, text in reversed(list(enumerate(texts))) if "*" not in text and "?" not in text}
    found: dict[int, int] = {}
    if len(first) + len(wild) < len(texts):  # a plain text repeated: the later ones repeat the first
        for index, text in enumerate(texts):
            earlier = first.get(text)
            if earlier is not None and earlier != index:
                found[index] = earlier
    if not wild:
        return found
    heads = {index: wildcard.literal_head(texts[index]) for index in wild}
    owns = sorted([(text, index) for text, index in first.items()] + [(heads[index], index) for index in wild])
    keys = [own for own, _ in owns]
    comparisons = 0
    count = len(keys)
    for pattern in sorted(wild, key=lambda index: (len(heads[index]), index)):
        head, general = heads[pattern], texts[pattern]
        compiled = None if "?" in general else wildcard.compile(general, False)
        # (Every text here starts with the head.)
        _, piece, tail = _pieces(general)
        position = bisect_left(keys, head)
        while position < count and keys[position].startswith(head):
            index = owns[position][1]
            position += 1
            if index == pattern:
                continue
            comparisons += 1
            if comparisons > _BUDGET:
                return None
            if index in found:
                continue  # covered already, by a pattern the entry-by-entry search tries first
            text = texts[index]
            if not (piece in text and text.endswith(tail) and compiled.matches(text) if compiled is not None
                    else general == text):
                continue
            if pattern > index and wildcard.covers(text, general, ignore_case=False):
                continue  # equal patterns: the later one is the redundant one
            found[index] = pattern
    return found


def _redundant_in_order(entries: list[tuple[Item, str]]) -> Iterator[tuple[Item, Item]]:
    """Entry by entry, up to the budget of comparisons (what :func:`_covered` computes when
    the budget cannot run out)."""
    plain: dict[str, int] = {}
    patterns: dict[str, list[int]] = {}  # literal head -> indexes of wildcard entries
    heads: list[str] = []  # each entry's literal head (a plain entry is all head)
    # Each pattern compiled once for the containment tests (wildcard.covers, which these
    # repeat): None for a pattern with "?", which covers only an equal text.
    compiled: dict[int, wildcard.Pattern | None] = {}
    for index, (_, text) in enumerate(entries):
        if "*" in text or "?" in text:  # wildcard.has_wildcard
            head = wildcard.literal_head(text)
            patterns.setdefault(head, []).append(index)
            compiled[index] = None if "?" in text else wildcard.compile(text, False)
        else:
            head = text
            plain.setdefault(text, index)
        heads.append(head)
    lengths = sorted({len(head) for head in patterns})
    budget = _BUDGET
    for index, (item, text) in enumerate(entries):
        first = plain.get(text)
        if first is not None and first != index:  # only a plain text is in ``plain``
            yield item, entries[first][0]
            continue
        own = heads[index]
        size = len(own)
        cover = None
        for length in lengths:
            if length > size:
                break
            others = patterns.get(own[:length])
            if not others:
                continue
            for other in others:
                if other == index:
                    continue
                budget -= 1
                if budget < 0:
                    return
                pattern = compiled[other]
                if not (pattern.matches(text) if pattern is not None else entries[other][1] == text):
                    continue
                if other > index and _covers(text, compiled.get(index), entries[other][1]):
                    continue  # equal patterns: the later one is the redundant one
                cover = other
                break
            if cover is not None:
                break
        if cover is not None:
            yield item, entries[cover][0]


def _covers(text: str, pattern: wildcard.Pattern | None, other: str) -> bool:
    """``wildcard.covers(text, other, ignore_case=False)``, with ``text`` compiled if it has
    a wildcard (``pattern``; None for a plain text or one with "?", which cover only equals)."""
    return pattern.matches(other) if pattern is not None else text == other


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
        if statement.principal_key is not None:  # (an identity policy's statements have none)
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
    from ..edits import remove_list_item  # a fix is built only for a finding

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
