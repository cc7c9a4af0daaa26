"""What a principal's statements allow, for one action (and optionally one resource).

Semantics follow IAM's evaluation logic for the statements we can see:

* action matching ignores case and supports ``*`` and ``?`` over the whole
  ``service:Action`` name; resource matching is case-sensitive with the same wildcards;
* an Allow grants through ``Action`` when an entry matches, through ``NotAction`` when no
  entry matches;
* an unconditional Deny that covers the target removes the action (DENIED, final);
  a conditional one only makes the grant conditional; a grant whose every granting
  statement has a ``Condition`` is conditional;
* without a resource, an Allow on any resource is a grant, and a Deny covers the target
  only through ``Resource: "*"`` (a Deny on particular resources leaves the others).

Entries that are not plain strings (unresolved intrinsic functions) are unknown strings,
and the answer is three-valued: an unknown entry that could grant makes the result
UNKNOWN instead of NOT_GRANTED, and one that could deny makes it UNKNOWN instead of
GRANTED; an unknown entry never proves DENIED. Rules that prove an absence or a grant
stay quiet on UNKNOWN. Policy variables (``${aws:username}``) in resources are unknown
text too.
"""
from __future__ import annotations


from . import wildcard
from .model import JsonPath
from .policy import Item, PolicyDocument, Statement
from .records import Choices, NamedTuple

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Callable, Iterable


class Decision(Choices):
    GRANTED = "granted"
    CONDITIONAL = "conditional"  # granted only when some Condition holds
    NOT_GRANTED = "not-granted"  # no statement allows it
    DENIED = "denied"  # an unconditional Deny removes it
    UNKNOWN = "unknown"  # unresolved values decide, or policy variables do

    @property
    def granted(self) -> bool:
        """Granted, possibly only under a condition: what rules that prove an absence respect."""
        return self in (Decision.GRANTED, Decision.CONDITIONAL)

    @property
    def absent(self) -> bool:
        """Provably not allowed: the only decisions on which an absence may be reported."""
        return self in (Decision.NOT_GRANTED, Decision.DENIED)


class Tri(Choices):
    """Three-valued answer for a statement whose entries may be unresolved."""

    YES = "yes"
    NO = "no"
    MAYBE = "maybe"


class Grant(NamedTuple):
    """One statement entry that matches the action.

    ``item`` is the matching Action entry, or None when the statement matches through
    ``NotAction`` (then :attr:`path` is the ``NotAction`` key and :attr:`on_key` is True, so
    a finding is placed on the key). ``conditional`` is True when the statement has a
    Condition or, for an Allow, when a conditional Deny covers the same target.
    """

    document: PolicyDocument
    statement: Statement
    item: Item | None
    conditional: bool

    @property
    def path(self) -> JsonPath:
        if self.item is not None:
            return self.item.path
        return self.statement.path + (self.statement.action_key or "NotAction",)

    @property
    def on_key(self) -> bool:
        return self.item is None


class Evaluation(NamedTuple):
    """``decision`` is the net answer. ``grants`` are the Allow entries that match the action
    and target, also when a Deny overrides them (then the decision is DENIED or UNKNOWN), so
    check the decision before reporting a grant. ``denials`` are the Deny entries that
    surely apply, conditional or not."""

    decision: Decision
    grants: tuple[Grant, ...]
    denials: tuple[Grant, ...]


def action_matches_statement(statement: Statement, action: str) -> tuple[Tri, tuple[Item | None, ...]]:
    """Whether the statement's Action/NotAction covers ``action``, and the entries that do.

    For ``Action`` the entries are every matching item; for ``NotAction`` a YES carries
    ``(None,)`` because the grant comes from the key, not from any entry.
    """
    if statement.action_key is None:
        return Tri.NO, ()
    items = statement.actions
    if len(items) > _SCANNED:
        matching, unknown = _entries_matching(statement, action)
    else:
        matching = []
        unknown = False
        for item in items:
            if item.value is None:
                unknown = True
            elif wildcard.compile(item.value).matches(action):
                matching.append(item)
    if statement.action_key == "NotAction":
        if matching:
            return Tri.NO, ()
        return (Tri.MAYBE, ()) if unknown else (Tri.YES, (None,))
    if matching:
        return Tri.YES, tuple(matching)
    return (Tri.MAYBE, ()) if unknown else (Tri.NO, ())


# Up to this many entries, a statement's entries are matched one by one; a longer list is
# looked up in a table of its entries, built on first use and kept with the statement
# (a statement of 300 actions is asked about each action a rule evaluates).
_SCANNED = 8


def _entries_matching(statement: Statement, action: str) -> tuple[list[Item], bool]:
    """The entries that match ``action``, in order, and whether some entry is unresolved:
    what matching each entry gives, from the plain entries by lower-case name and the
    patterns matched one by one."""
    table = statement.__dict__.get("_entry_table")
    if table is None:
        names: dict[str, list[int]] = {}
        patterns = []
        unknown = False
        for position, item in enumerate(statement.actions):
            value = item.value
            if value is None:
                unknown = True
            elif "*" in value or "?" in value:  # wildcard.has_wildcard
                patterns.append((position, wildcard.compile(value)))
            else:
                names.setdefault(value.lower(), []).append(position)
        # Set in the instance's dict, as cached_property does (the record is frozen).
        table = statement.__dict__["_entry_table"] = (names, tuple(patterns), unknown)
    names, patterns, unknown = table
    positions = names.get(action.lower(), [])
    if patterns:
        found = [position for position, pattern in patterns if pattern.matches(action)]
        if found:
            positions = sorted(positions + found)
    items = statement.actions
    return [items[position] for position in positions], unknown


def statement_covers_resource(statement: Statement, resource: str | None) -> Tri:
    """Whether the statement's Resource/NotResource covers ``resource``.

    With ``resource=None`` ("some resource") an Allow covers it when it applies to any
    resource at all, and a Deny only when it applies to every resource.
    """
    if statement.resource_key is None:
        return Tri.YES  # no Resource element (a trust policy): the statement's own resource
    if statement.data.get(statement.resource_key) is None:
        return Tri.MAYBE  # "Resource": null has no entries to judge by
    negated = statement.resource_key == "NotResource"
    if resource is None:
        everything = _any_entry(statement.resources, _matches_everything)
        if statement.effect == "Allow":
            if not negated:
                return Tri.YES if statement.resources else Tri.NO
            return _negate(everything)
        # A Deny with NotResource spares the resources it lists: the action survives there.
        if negated:
            return Tri.YES if not statement.resources else Tri.NO
        return everything
    listed = _any_entry(statement.resources, lambda value: _resource_match(value, resource))
    return _negate(listed) if negated else listed


def evaluate(documents: Iterable[PolicyDocument], action: str, resource: str | None = None) -> Evaluation:
    """Evaluate ``action`` (a ``service:Action`` name) over all statements of ``documents``,
    which together make up one principal's permissions."""
    documents = tuple(documents)
    if len(documents) == 1:
        # Several rules ask the same question of a principal of one document (iam:PassRole
        # for APL302, APL303 and APL304): the answer, which holds only tuples, is kept with it.
        (document,) = documents
        return document.query(("evaluate", action, resource), lambda: _evaluate(documents, action, resource))
    return _evaluate(documents, action, resource)


def _evaluate(documents: tuple[PolicyDocument, ...], action: str, resource: str | None) -> Evaluation:
    grants: list[tuple[PolicyDocument, Statement, Item | None]] = []
    denials: list[Grant] = []
    maybe_granted = denied = maybe_denied = conditionally_denied = False
    for document in documents:
        for statement in document.action_index.candidates(action):
            by_action, items = action_matches_statement(statement, action)
            if by_action is Tri.NO:
                continue
            by_resource = statement_covers_resource(statement, resource)
            if by_resource is Tri.NO:
                continue
            sure = by_action is Tri.YES and by_resource is Tri.YES
            if statement.effect == "Allow":
                if sure:
                    grants.extend((document, statement, item) for item in items)
                else:
                    maybe_granted = True
            elif statement.conditional:
                # A Deny that may apply under a condition can only weaken a grant to conditional.
                conditionally_denied = True
                if sure:
                    denials.extend(Grant(document, statement, item, True) for item in items)
            elif sure:
                denied = True
                denials.extend(Grant(document, statement, item, False) for item in items)
            else:
                maybe_denied = True
        # A statement in an Fn::If branch may or may not be deployed: it can make the answer
        # UNKNOWN, never a sure grant or denial.
        for statement in document.branch_statements:
            if action_matches_statement(statement, action)[0] is Tri.NO:
                continue
            if statement_covers_resource(statement, resource) is Tri.NO:
                continue
            if statement.effect == "Allow":
                maybe_granted = True
            elif statement.effect == "Deny":
                if statement.conditional:
                    conditionally_denied = True
                else:
                    maybe_denied = True
    found = tuple(
        Grant(document, statement, item, statement.conditional or conditionally_denied)
        for document, statement, item in grants
    )
    return Evaluation(_decide(found, maybe_granted, denied, maybe_denied), found, tuple(denials))


def denied_on(documents: Iterable[PolicyDocument], action: str) -> Callable[[str], bool]:
    """A test of whether ``evaluate(documents, action, resource)`` is DENIED, for one resource
    after another: that takes an unconditional Deny whose Action surely covers the action and
    whose Resource surely covers the resource, so those Denies are found once, and the Allows,
    which cannot change a denial, are never weighed."""
    denies = [statement for document in documents for statement in document.action_index.candidates(action)
              if statement.effect == "Deny" and not statement.conditional
              and action_matches_statement(statement, action)[0] is Tri.YES]
    return lambda resource: any(statement_covers_resource(s, resource) is Tri.YES for s in denies)


def _decide(grants: tuple[Grant, ...], maybe_granted: bool, denied: bool, maybe_denied: bool) -> Decision:
    if denied:
        return Decision.DENIED
    if grants:
        if maybe_denied:
            return Decision.UNKNOWN
        return Decision.CONDITIONAL if all(g.conditional for g in grants) else Decision.GRANTED
    return Decision.UNKNOWN if maybe_granted else Decision.NOT_GRANTED


def _resource_match(pattern: str, resource: str) -> Tri:
    # The whole ARN is matched at once. AWS documents that a "*" inside a colon-separated
    # segment stays within it unless it ends the segment; that differs only for resource
    # names holding colons matched by a mid-segment "*", which we have not seen in policies.
    if "${" not in pattern:
        return _tri(wildcard.compile(pattern, ignore_case=False).matches(resource))
    # A policy variable stands for text known only at request time: if the pattern cannot
    # match even with every variable as "*", it surely does not; otherwise we cannot tell.
    widened = wildcard.compile(wildcard.variables_as_stars(pattern), ignore_case=False)
    return Tri.MAYBE if widened.matches(resource) else Tri.NO



def _any_entry(items: tuple[Item, ...], test: Callable[[str], Tri]) -> Tri:
    """Kleene OR of ``test`` over the entries; an unresolved entry is MAYBE."""
    result = Tri.NO
    for item in items:
        answer = Tri.MAYBE if item.value is None else test(item.value)
        if answer is Tri.YES:
            return Tri.YES
        if answer is Tri.MAYBE:
            result = Tri.MAYBE
    return result


def _matches_everything(pattern: str) -> Tri:
    return _tri(wildcard.compile(pattern).matches_everything)


def _tri(value: bool) -> Tri:
    return Tri.YES if value else Tri.NO


def _negate(value: Tri) -> Tri:
    return {Tri.YES: Tri.NO, Tri.NO: Tri.YES, Tri.MAYBE: Tri.MAYBE}[value]
