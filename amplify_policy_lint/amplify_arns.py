"""Which Amplify apps a statement's resources name: app ids from amplify and amplifybackend ARNs.

APL301 compares the apps a delete grant covers (``arn:aws:amplify:REGION:ACCOUNT:apps/APPID``)
with the apps ``amplifybackend:RemoveAllBackends`` is granted on
(``arn:aws:amplifybackend:REGION:ACCOUNT:/backend/APPID/*``). Every field may hold IAM
wildcards, so two scopes are compared field by field with ``resources.patterns_overlap``.

Anything that cannot be read (an unresolved intrinsic, a policy variable, ``NotResource``)
becomes :data:`ANY`, which overlaps everything: the rules that use these scopes only ever
report a *mismatch*, so an unreadable value must never produce one.
"""
from __future__ import annotations


from . import wildcard
from .policy import Statement
from .records import NamedTuple
from .resources import parse_arn, patterns_overlap

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterable

class AppScope(NamedTuple):
    """The Amplify apps one resource entry can name; each field is an IAM wildcard pattern."""

    partition: str = "*"
    region: str = "*"
    account: str = "*"
    app: str = "*"
    # The resource entry as written (None for ANY and unreadable entries).
    text: str | None = None

    @property
    def fields(self) -> tuple[str, str, str, str]:
        return (self.partition, self.region, self.account, self.app)

    @property
    def concrete(self) -> bool:
        """One app exactly: no field holds a wildcard."""
        return not any(wildcard.has_wildcard(f) or not f for f in self.fields)

    @property
    def is_any(self) -> bool:
        return all(f == "*" for f in self.fields)

    def overlaps(self, other: "AppScope") -> bool:
        return all(patterns_overlap(x, y) for x, y in zip(self.fields, other.fields))

    def app_overlaps(self, other: "AppScope") -> bool:
        return patterns_overlap(self.app, other.app)

    def covers(self, other: "AppScope") -> bool:
        """Whether every app ``other`` can name, this scope names too (field by field)."""
        return all(pattern_covers(x, y) for x, y in zip(self.fields, other.fields))

    def backend_arn(self) -> str:
        """The amplifybackend resource that RemoveAllBackends needs for these apps."""
        if self.is_any:
            return "*"
        tail = "*" if self.app == "*" else f"{self.app}/*"
        return f"arn:{self.partition}:amplifybackend:{self.region}:{self.account}:/backend/{tail}"

    def describe(self) -> str:
        return self.text if self.text is not None else "*"


ANY = AppScope()

# An Amplify app id: "d" and lower-case letters or digits, 2 to 20 characters (the AppId shape
# of the Amplify API, botocore amplify 2017-07-25: min 1, max 20, pattern d[a-z0-9]+;
# https://docs.aws.amazon.com/amplify/latest/APIReference/API_App.html). An app's name
# ("my-app") never is one, so an ARN that holds the name matches no app.
APP_ID_MAX = 20


def possible_app_id(pattern: str) -> bool:
    """Whether an app-id field (IAM wildcards allowed) can match some Amplify app id."""
    if "${" in pattern:
        return True  # a policy variable: known at request time only
    literal = [c for c in pattern if c not in "*?"]
    if any(not (c.isascii() and (c.islower() or c.isdigit())) for c in literal):
        return False
    if pattern and pattern[0] not in "*?" and pattern[0] != "d":
        return False
    shortest = sum(1 for c in pattern if c != "*")
    return shortest <= APP_ID_MAX and (shortest >= 2 or "*" in pattern)


def pattern_covers(outer: str, inner: str) -> bool:
    """Whether every text the IAM wildcard pattern ``inner`` matches, ``outer`` matches too
    (case-sensitive). Exact for patterns of ``*`` and ``?``: ``outer``'s ``*`` takes any run of
    ``inner``'s characters and wildcards, its ``?`` one literal or ``?``, its literals the same
    literal. At most ``len(outer) * len(inner)`` states."""
    if outer == inner or outer == "*":
        return True
    n, m = len(outer), len(inner)
    if (n + 1) * (m + 1) > _MAX_STATES:
        return False  # cannot tell: not covered (the caller reports at most a warning)
    reach = [[False] * (m + 1) for _ in range(n + 1)]
    reach[0][0] = True
    for i in range(n + 1):
        for j in range(m + 1):
            if not reach[i][j] or i == n:
                continue
            c = outer[i]
            if c == "*":
                reach[i + 1][j] = True  # the star takes nothing more
                if j < m:
                    reach[i][j + 1] = True  # the star takes inner's next character or wildcard
            elif j < m:
                d = inner[j]
                if (c == "?" and d != "*") or (c == d and d not in "*?"):
                    reach[i + 1][j + 1] = True
    return reach[n][m]


_MAX_STATES = 250_000

_ARN_TEMPLATE = {
    "amplify": "arn:*:amplify:*:*:apps/*",
    "amplifybackend": "arn:*:amplifybackend:*:*:/backend/*",
}


def _parse(value: str | None, service: str, strict: bool) -> AppScope | None:
    """The scope of one resource entry for ``service`` (amplify or amplifybackend), or None
    when the entry cannot name an app of that service.

    ``strict`` (the amplify side, whose grant is being reported) drops entries that cannot
    match an app ARN; otherwise an odd entry becomes ANY so that nothing is reported on it.
    """
    if value is None or "${" in value:
        return ANY
    template = _ARN_TEMPLATE[service]
    arn = parse_arn(value, head=None)
    if arn is None:
        # Only a wildcard can stand for the missing colons ("*", "arn:aws:amplify:*").
        if wildcard.has_wildcard(value) and patterns_overlap(value, template):
            return AppScope(text=value)
        return None
    head, partition, arn_service, region, account, resource = arn.fields
    if not (patterns_overlap(head, "arn") and patterns_overlap(arn_service, service)):
        return None
    if not (region and account):
        if strict:
            return None  # an amplify ARN always has both: this entry matches no app
        return AppScope(text=value)
    if service == "amplify":
        if resource.startswith("apps/"):
            app = resource[len("apps/"):]
            # DeleteApp and DeleteBackendEnvironment act on apps/APPID: a literal "/" after
            # the id (apps/APPID/*, a branch) can never match that ARN.
            if "/" in app or not app:
                return None if strict else AppScope(partition, region, account, "*", value)
            if not possible_app_id(app):
                return None  # an app's name, not its id: no app is named (APL305 says so)
            return AppScope(partition, region, account, app, value)
        if patterns_overlap(resource, "apps/*"):
            return AppScope(partition, region, account, "*", value)
        return None
    if resource.startswith("/backend/"):
        app = resource[len("/backend/"):].split("/", 1)[0]
        if app and not possible_app_id(app):
            return None  # names no app's backend (APL305 says so)
        return AppScope(partition, region, account, app or "*", value)
    if patterns_overlap(resource, "/backend/*"):
        return AppScope(partition, region, account, "*", value)
    return None


def statement_scopes(statement: Statement, service: str, strict: bool) -> tuple[AppScope, ...]:
    """The app scopes of a statement's resources for ``service``.

    ``NotResource`` (or no resource element) cannot be bounded: ANY. Entries that cannot name
    an app of the service are left out, so an empty result means the statement covers no app.
    """
    if statement.resource_key != "Resource":
        return (ANY,)
    if statement.data.get("Resource") is None:
        return (ANY,)
    found = []
    for item in statement.resources:
        scope = _parse(item.value, service, strict)
        if scope is not None:
            found.append(scope)
    return tuple(found)


def delete_scopes(statement: Statement) -> tuple[AppScope, ...]:
    """The apps an Allow of ``amplify:DeleteApp`` / ``DeleteBackendEnvironment`` covers."""
    return statement_scopes(statement, "amplify", strict=True)


def backend_scopes(statement: Statement) -> tuple[AppScope, ...]:
    """The apps an Allow of ``amplifybackend:RemoveAllBackends`` covers."""
    return statement_scopes(statement, "amplifybackend", strict=False)



class ScopeIndex:
    """Scopes grouped by app id, so that a scope is compared only with those that can share
    its app: an app id without a wildcard overlaps only the same id or a pattern. (Comparing
    every delete grant with every RemoveAllBackends grant was quadratic.)"""

    __slots__ = ("scopes", "_by_app", "_patterns")

    def __init__(self, scopes: Iterable[AppScope]) -> None:
        self.scopes = tuple(scopes)
        self._by_app: dict[str, list[AppScope]] = {}
        self._patterns: list[AppScope] = []  # app ids with a wildcard
        for scope in self.scopes:
            if wildcard.has_wildcard(scope.app):
                self._patterns.append(scope)
            else:
                self._by_app.setdefault(scope.app, []).append(scope)

    def __bool__(self) -> bool:
        return bool(self.scopes)

    def _candidates(self, scope: AppScope) -> Iterable[AppScope]:
        if wildcard.has_wildcard(scope.app):
            return self.scopes
        return (*self._by_app.get(scope.app, ()), *self._patterns)

    def overlaps_any(self, scopes: Iterable[AppScope]) -> bool:
        """Whether any of ``scopes`` overlaps one of these in every field."""
        return any(a.overlaps(b) for a in scopes for b in self._candidates(a))

    def uncovered(self, scopes: Iterable[AppScope]) -> list[AppScope]:
        """The scopes that no single one of these covers whole (apps left out)."""
        return [a for a in scopes if not any(b.covers(a) for b in self._candidates(a))]

    def app_overlaps_any(self, scopes: Iterable[AppScope]) -> bool:
        """Whether any of ``scopes`` can name the app of one of these (whatever the region)."""
        return any(a.app_overlaps(b) for a in scopes for b in self._candidates(a))


def account_of(statement: Statement) -> str | None:
    """The account id of the statement's first resource ARN with a literal 12-digit account."""
    if statement.resource_key != "Resource":
        return None
    for item in statement.resources:
        arn = parse_arn(item.value, head=None)
        if arn is not None and arn.concrete_account is not None:
            return arn.concrete_account
    return None


def partition_of(statement: Statement) -> str:
    if statement.resource_key == "Resource":
        for item in statement.resources:
            arn = parse_arn(item.value)
            if arn is not None and arn.partition and not wildcard.has_wildcard(arn.partition):
                return arn.partition
    return "aws"
