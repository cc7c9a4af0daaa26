"""APL506: a statement that another statement of the same document already makes.

Statement B is redundant beside statement A when both have the same Effect, the same
Principal (or none), A's Condition is absent or the same as B's, every Action entry of B is
covered by one of A's and every Resource entry of B by one of A's (pattern containment, see
:func:`wildcard.covers`; actions ignoring case, resources with case). Of two equal statements
the later one is reported. NotAction/NotResource statements, entries with policy variables
and entries only deploy time knows are not judged.

Cost: statements are grouped by Effect and Principal, and a statement is compared only with
those of its group whose Action entries cover its first action (found through an index of
plain names and pattern heads), up to a budget of comparisons per document.
"""
from __future__ import annotations

from .. import wildcard
from ..context import Context
from ..fastjson import dumps
from ..model import Rule, Scope, Severity, Violation
from ..policy import Item, PolicyDocument, Statement

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any, Iterator, Sequence

_BUDGET = 20_000


def _canonical(value: Any) -> str:
    if value is None:
        return "null"  # most statements have no Condition: what json.dumps writes, without it
    return dumps(value, sort_keys=True, default=str)


def _texts(statement: Statement) -> tuple[list[str], list[str]] | None:
    """The statement's actions (lower case) and resources, or None when it cannot be judged."""
    if statement.action_key != "Action" or statement.resource_key not in ("Resource", None):
        return None
    actions = _plain_values(statement.actions)
    if not actions:
        return None
    resources = _plain_values(statement.resources)
    if resources is None:
        return None
    # Lower case for the whole list at once, in C: a line break is its own lower case and no
    # character lowers to one, so the pieces are the entries' own, unless an entry holds one.
    lowered = "\n".join(actions).lower().split("\n")
    if len(lowered) != len(actions):
        lowered = [value.lower() for value in actions]
    return lowered, resources


def _plain_values(items: tuple[Item, ...]) -> list[str] | None:
    """The entries' texts, or None when one is not a plain string or holds ``${``."""
    values = [item.value for item in items]
    if None in values or "${" in "\n".join(values):  # (a line break: no "${" across two entries)
        return None
    return values  # type: ignore[return-value]


class _Entries:
    """A statement's entries of one kind, split for containment tests: plain texts in a set
    (an entry equal to one of them is covered at once), patterns kept for :func:`wildcard.covers`."""

    __slots__ = ("texts", "plain", "patterns", "ignore_case")

    def __init__(self, texts: Sequence[str], ignore_case: bool) -> None:
        self.texts = tuple(texts)
        self.ignore_case = ignore_case
        joined = "".join(self.texts)
        if "*" not in joined and "?" not in joined:  # most statements: every entry plain (settled in C)
            self.plain, self.patterns = frozenset(self.texts), ()
            return
        plain, patterns = [], []
        for text in texts:
            (patterns if "*" in text or "?" in text else plain).append(text)  # wildcard.has_wildcard
        self.plain = frozenset(plain)
        self.patterns = tuple(patterns)

    def cover(self, other: "_Entries") -> bool:
        """Whether every entry of ``other`` is covered by one of these."""
        return all(entry in self.plain or any(wildcard.covers(p, entry, ignore_case=self.ignore_case)
                                              for p in self.patterns)
                   for entry in other.texts)


class _Index:
    """Which statements of a group have an entry that may cover one of the texts it will be
    asked about (``asked``: each statement's first entry): the plain entries equal to it, and
    the patterns whose literal head is a prefix of its own (a pattern can only cover a text
    that starts with its head). ``lists`` are the statements' entries.

    Only the plain entries that are asked about are indexed, found by intersecting the set of
    those texts with each statement's list (in C)."""

    def __init__(self, lists: Sequence[Sequence[str]], asked: Sequence[str]) -> None:
        self.plain: dict[str, set[int]] = {}
        self.heads: dict[str, set[int]] = {}
        wanted = frozenset(text for text in asked if "*" not in text and "?" not in text)
        for position, texts in enumerate(lists):
            # (A pattern is never among the wanted texts: the intersection holds plain ones only.)
            for text in wanted.intersection(texts):
                self.plain.setdefault(text, set()).add(position)
            joined = "".join(texts)
            if "*" in joined or "?" in joined:
                for text in texts:
                    if "*" in text or "?" in text:  # wildcard.has_wildcard
                        self.heads.setdefault(wildcard.literal_head(text), set()).add(position)
        self.lengths = sorted({len(head) for head in self.heads})

    def covering(self, text: str) -> set[int]:
        """The statements with an entry that may cover ``text`` (one of the texts asked about)."""
        found = set(self.plain.get(text, ())) if not wildcard.has_wildcard(text) else set()
        if self.lengths:
            own = wildcard.literal_head(text)
            size = len(own)
            heads = self.heads
            for length in self.lengths:
                if length > size:
                    break
                members = heads.get(own[:length])
                if members:
                    found.update(members)
        return found


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    if len(document.statements) < 2:
        return
    grouped: dict[tuple, list[tuple[int, Statement, tuple[list[str], list[str]]]]] = {}
    for index, statement in enumerate(document.statements):
        if statement.effect is None:
            continue
        texts = _texts(statement)
        if texts is None:
            continue
        principal = None if statement.principal is None else _canonical(statement.principal)
        key = (statement.effect, statement.principal_key, principal, statement.resource_key)
        grouped.setdefault(key, []).append((index, statement, texts))
    budget = _BUDGET
    for group in grouped.values():
        if len(group) < 2:
            continue
        actions_index = _Index([texts[0] for _, _, texts in group], [texts[0][0] for _, _, texts in group])
        if not actions_index.heads and all(len(holders) == 1 for holders in actions_index.plain.values()):
            continue  # no pattern, and each first action is only its own statement's: no candidate
        # Built only once some statement has a candidate by its actions (most have none): the
        # resources' index, each statement's entries split for the containment tests and its
        # Condition as canonical text.
        resources_index: _Index | None = None
        entries: dict[tuple[int, int], _Entries] = {}  # (position, 0 actions / 1 resources)
        conditions: dict[int, str] = {}
        for position, (index, statement, (actions, resources)) in enumerate(group):
            candidates = actions_index.covering(actions[0])
            candidates.discard(position)
            if not candidates:
                continue
            if resources:
                if resources_index is None:
                    resources_index = _Index([texts[1] for _, _, texts in group],
                                             [texts[1][0] for _, _, texts in group if texts[1]])
                candidates &= resources_index.covering(resources[0])
            condition = _condition(conditions, position, statement)
            for other in sorted(candidates):
                budget -= 1
                if budget < 0:
                    return
                other_index, other_statement, _ = group[other]
                same_condition = _condition(conditions, other, other_statement) == condition
                if other_statement.condition not in (None, {}) and not same_condition:
                    continue
                own_actions, own_resources = _split(entries, group, position)
                other_actions, other_resources = _split(entries, group, other)
                if not (other_resources.cover(own_resources) and other_actions.cover(own_actions)):
                    continue
                mutual = (same_condition and own_resources.cover(other_resources)
                          and own_actions.cover(other_actions))
                if mutual and other_index > index:
                    continue  # equal statements: the later one is reported
                sid = other_statement.sid
                shown = f"statement {other_index + 1}" + (f" ({sid!r})" if sid else "")
                yield Violation(statement.path, {"other": shown, "effect": statement.effect},
                                part="opening")
                break


def _split(entries: dict[tuple[int, int], _Entries], group: list, position: int) -> tuple[_Entries, _Entries]:
    """The statement's actions and resources as _Entries, built once (kept in ``entries``)."""
    found = entries.get((position, 0))
    if found is None:
        actions, resources = group[position][2]
        entries[(position, 0)], entries[(position, 1)] = _Entries(actions, False), _Entries(resources, False)
    return entries[(position, 0)], entries[(position, 1)]


def _condition(conditions: dict[int, str], position: int, statement: Statement) -> str:
    """The statement's Condition as canonical text, worked out once (kept in ``conditions``)."""
    found = conditions.get(position)
    if found is None:
        found = conditions[position] = _canonical(statement.condition)
    return found

RULE = Rule(
    id="APL506",
    name="redundant-statement",
    severity=Severity.INFO,
    scope=Scope.DOCUMENT,
    summary="a statement that another statement of the same document already makes",
    why=(
        "A statement whose actions and resources another statement with the same Effect and "
        "Principal already covers, under the same Condition or none, changes nothing: remove it "
        "and the policy grants and denies exactly the same. It makes the policy longer (IAM "
        "counts the size against a quota, APL501) and invites edits to one copy that the other "
        "silently undoes. IAM Access Analyzer suggests removing it."
    ),
    bad='{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow", "Action": "amplify:*", "Resource": "*"},\n    {"Effect": "Allow", "Action": ["amplify:GetApp", "amplify:ListApps"], "Resource": "*"}\n  ]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow", "Action": "amplify:*", "Resource": "*"}\n  ]\n}\n',
    fix="Remove the statement, or narrow the statement that covers it if that one grants more "
        "than meant.",
    messages={
        "default": "this {effect} statement is already made by {other} (same principal, its actions and "
                   "resources cover these, and its condition is the same or none); remove it",
    },
    check=check,
    access_analyzer=("REDUNDANT_STATEMENT",),
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html",),
)
