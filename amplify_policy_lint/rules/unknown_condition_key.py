"""APL204: a condition key that is not global and not defined by the statement's services."""
from __future__ import annotations


from ..caching import lru_cache
from ..catalog import GLOBAL_CONDITION_KEYS, ActionStatus
from ..conditions import well_formed_key
from ..grants import join
from ..context import Context
from ..model import Rule, Scope, Severity, Violation
from ..policy import PolicyDocument, Statement

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any, Iterator


def check(document: PolicyDocument, context: Context) -> Iterator[Violation]:
    catalog = context.catalog
    for statement in document.statements:
        conditions = statement.conditions
        if not conditions:
            continue
        services: tuple[str, ...] | None = None
        decided = False
        named: set[str] | None = None
        for condition in conditions:
            key = condition.key
            if not isinstance(key, str):
                continue
            kind = _kind(catalog, key)
            if kind is _SKIP:
                continue
            if kind is _UNKNOWN_SERVICE:
                if named is None:
                    # Prefixes the statement's actions name: a key of a service the catalog
                    # does not know is the same problem as its actions (APL201), reported there.
                    named = {item.value.partition(":")[0].lower() for item in statement.actions if item.value}
                if key.partition(":")[0].lower() in named:
                    continue  # the statement's own unknown service: APL201 reports it
            if not decided:
                services, decided = _services(statement, catalog), True
            problem = _problem(catalog, key, services)
            if problem is not None:
                variant, args = problem
                yield Violation(condition.path, {"key": key, **args}, variant=variant, part="key")


# What a key is, before the statement's actions are looked at (_kind).
_SKIP, _UNKNOWN_SERVICE, _JUDGED = "skip", "unknown-service", "judged"


@lru_cache(maxsize=4096)
def _kind(catalog: Any, key: str) -> str:
    """Whether a key is passed over (malformed: APL105 reports keys without a service prefix;
    global), names a service the catalog does not know, or is judged against the services:
    asked once per key, as a run meets the same few hundred keys in thousands of statements."""
    if not well_formed_key(key) or catalog.is_global_condition_key(key):
        return _SKIP
    return _JUDGED if catalog.has_service(key.partition(":")[0]) else _UNKNOWN_SERVICE


def _services(statement: Statement, catalog: Any) -> tuple[str, ...] | None:
    """The services of the statement's actions, or None when they cannot be listed: NotAction,
    a "*" service, an unresolved or malformed entry, or a service the catalog does not know."""
    if statement.action_key != "Action":
        return None
    found: dict[str, None] = {}
    for item in statement.actions:
        if item.value is None:
            return None
        service = item.value.partition(":")[0].lower()
        if item.value == "*" or service == "*":
            return None
        status = catalog.check_action(item.value)
        if status in (ActionStatus.MALFORMED, ActionStatus.UNKNOWN_SERVICE, ActionStatus.UNDECIDABLE):
            return None
        found[service] = None
    return tuple(found) or None


@lru_cache(maxsize=4096)
def _problem(catalog: Any, key: str, services: tuple[str, ...] | None) -> tuple[str, dict] | None:
    """Why ``key`` (not global, well formed) matches no request of the statement, if it does not
    (the same answer for the same key and services: kept; the caller copies its arguments)."""
    prefix, _, rest = key.partition(":")
    lowered = prefix.lower()
    if services is not None and catalog.defines_condition_key(key, services):
        return None
    if lowered == "aws":
        return "not-global", {"hint": _hint(key, catalog.condition_key_definers(key), catalog)}
    if ("." in prefix or "/" in prefix) and not catalog.has_service(lowered):
        # An identity provider's key (token.actions.githubusercontent.com:sub, an OIDC provider
        # URL such as oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE:aud): any provider may be
        # configured, with claims the catalog does not list (sub, aud, amr, ...).
        return None
    definers = catalog.condition_key_definers(key)
    if not definers:
        close = catalog.suggest_services(lowered, n=1)
        hint = ""
        if close:
            hint = (f"; did you mean {close[0]}:{rest}?" if catalog.condition_key(close[0], f"{close[0]}:{rest}")
                    else f"; did you mean the prefix {close[0]}?")
        return "unknown-prefix", {"prefix": prefix, "hint": hint}
    owners = [service for service in definers if catalog.condition_key(service, key) is not None]
    if not owners:
        return "not-defined", {"where": lowered if catalog.has_service(lowered) else ", ".join(definers),
                               "hint": _hint(key, definers, catalog)}
    if services is None or not catalog.has_service(lowered):
        # The actions cannot be listed, or the key is a federated session's (saml:sub,
        # cognito-identity.amazonaws.com:aud), which such sessions carry in every request.
        return None
    return "other-service", {"owner": join(tuple(owners)), "services": join(services)}


def _hint(key: str, definers: tuple[str, ...], catalog: Any) -> str:
    """The closest real key: a global one for aws:..., else one of the key's own service."""
    from difflib import get_close_matches  # only a finding needs it

    if key.partition(":")[0].lower() == "aws":
        pool = GLOBAL_CONDITION_KEYS
    else:
        pool = tuple(k.key for service in definers for k in catalog.condition_keys(service).values())
    candidates = {candidate.lower(): candidate for candidate in pool}
    close = get_close_matches(key.lower(), list(candidates), n=1, cutoff=0.75)
    return f"; did you mean {candidates[close[0]]}?" if close else ""


RULE = Rule(
    id="APL204",
    name="unknown-condition-key",
    severity=Severity.WARNING,
    scope=Scope.DOCUMENT,
    summary="condition key not global and not defined by the service",
    why=(
        "IAM accepts any condition key, but a request only carries the global keys (aws:...) and "
        "the keys of the service it goes to. A misspelt key (aws:SourceIpAddress, "
        "amplify:AppIdd) or a key of another service is absent from every request, so the "
        "condition never holds: an Allow under it grants nothing, a Deny under it never applies "
        "(with an IfExists or Not operator, it always applies). Keys are compared ignoring case; "
        "keys with a part chosen by the policy author (aws:RequestTag/team, "
        "s3:ExistingObjectTag/owner) must fit the documented template. A key of a service the "
        "statement's actions do not name is reported only when every action names its service; "
        "keys of identity providers (accounts.google.com:aud, an OIDC provider URL) are not judged."
    ),
    bad='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": "amplify:StartJob",\n    "Resource": "arn:aws:amplify:us-east-1:123456789012:apps/d1a2b3c4d5e6f7/branches/main/jobs/*",\n    "Condition": {"IpAddress": {"aws:SourceIpAddress": "203.0.113.0/24"}}\n  }]\n}\n',
    good='{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": "amplify:StartJob",\n    "Resource": "arn:aws:amplify:us-east-1:123456789012:apps/d1a2b3c4d5e6f7/branches/main/jobs/*",\n    "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}\n  }]\n}\n',
    fix="Use a global condition key or one the service of the statement's actions defines (see "
        "its page in the Service Authorization Reference), spelt as documented; move a key of "
        "another service to a statement with that service's actions.",
    messages={
        "not-global": "condition key {key!r} is not a global condition key{hint}",
        "unknown-prefix": "condition key {key!r}: {prefix!r} is neither aws nor a service prefix{hint}",
        "not-defined": "condition key {key!r} is not defined by {where}{hint}",
        "other-service": "condition key {key!r} belongs to {owner}, but the statement's actions are "
                         "{services} actions, whose requests never carry it",
    },
    check=check,
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html",
        "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsamplify.html#awsamplify-policy-keys",
    ),
    access_analyzer=("INVALID_GLOBAL_CONDITION_KEY", "INVALID_SERVICE_CONDITION_KEY",
                     "UNSUPPORTED_GLOBAL_CONDITION_KEY", "DEPRECATED_GLOBAL_CONDITION_KEY",
                     "MISSING_TAG_KEY_IN_CONDITION"),
)
