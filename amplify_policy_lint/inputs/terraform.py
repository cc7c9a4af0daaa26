"""Terraform plans and state as ``terraform show -json`` prints them.

Resources come from ``planned_values`` (a plan), ``values`` (state), or, lacking both, the
``after`` values of ``resource_changes``; modules nest in ``child_modules``. Every policy is
a JSON string attribute, parsed again with its positions mapped through the escapes.

Principals: each ``aws_iam_role``/``user``/``group`` with its ``inline_policy`` blocks, the
``aws_iam_*_policy`` resources naming it, and the ``aws_iam_policy`` resources attached to
it by ``aws_iam_*_policy_attachment``, ``aws_iam_policy_attachment`` or
``managed_policy_arns``. Names and ARNs are matched on the planned values; where a value is
only known after apply, the references in the plan's ``configuration`` decide. A policy
that is not in the plan (an AWS managed ARN, a value unknown until apply) makes the
principal incomplete.
"""
from __future__ import annotations


from .. import regex
from ..model import JsonPath, PrincipalKey
from ..policy import DocKind
from ..source import Source
from . import Located
from .common import ENDPOINT_POLICY, Collector, Pending, get

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any, Iterator

_PLAN_KEYS = ("planned_values", "resource_changes", "values")

HOLDERS = {"aws_iam_role": "role", "aws_iam_user": "user", "aws_iam_group": "group"}
# Inline policies: the attribute naming the holder.
INLINE = {"aws_iam_role_policy": ("role", "aws_iam_role"), "aws_iam_user_policy": ("user", "aws_iam_user"),
          "aws_iam_group_policy": ("group", "aws_iam_group")}
ATTACHMENTS = {"aws_iam_role_policy_attachment": ("role", "aws_iam_role"),
               "aws_iam_user_policy_attachment": ("user", "aws_iam_user"),
               "aws_iam_group_policy_attachment": ("group", "aws_iam_group")}
MULTI_ATTACHMENT = {"roles": "aws_iam_role", "users": "aws_iam_user", "groups": "aws_iam_group"}
# Resource policies: the attribute that holds the document.
RESOURCE_POLICIES = {
    "aws_s3_bucket_policy": "policy", "aws_s3_bucket": "policy", "aws_sqs_queue_policy": "policy",
    "aws_sqs_queue": "policy", "aws_sns_topic_policy": "policy", "aws_sns_topic": "policy",
    "aws_kms_key": "policy", "aws_kms_replica_key": "policy", "aws_ecr_repository_policy": "policy",
    "aws_ecrpublic_repository_policy": "policy",
    "aws_secretsmanager_secret_policy": "policy", "aws_secretsmanager_secret": "policy",
    "aws_cloudwatch_log_resource_policy": "policy_document", "aws_opensearch_domain_policy": "access_policies",
    "aws_elasticsearch_domain_policy": "access_policies", "aws_efs_file_system_policy": "policy",
    "aws_backup_vault_policy": "policy", "aws_s3_access_point": "policy",
    "aws_glacier_vault": "access_policy", "aws_cloudwatch_event_bus_policy": "policy",
    "aws_dynamodb_resource_policy": "policy", "aws_vpc_endpoint": "policy", "aws_vpc_endpoint_policy": "policy",
}
_INDEX = regex.compile(r"\[[^\]]*\]$")


class _Resource:
    def __init__(self, address: str, module: str, type: str, name: str, values: dict[str, Any],
                 path: JsonPath) -> None:
        self.address = address  # module.x.aws_iam_role.deploy[0]
        self.module = module  # module.x, or "" for the root module
        self.type = type
        self.name = name
        self.values = values
        self.path = path  # where its values are, in the file
        self.config: dict[str, Any] = {}  # its expressions in `configuration`, filled in later

    @property
    def config_address(self) -> str:
        """The address in the configuration: no module prefix, no count/for_each index."""
        return f"{self.type}.{self.name}"


def recognises(data: dict) -> bool:
    return "format_version" in data and any(k in data for k in _PLAN_KEYS)


def locate(source: Source) -> Located:
    data = source.data
    collector = Collector(source, "terraform-plan")
    if isinstance(data, dict):
        Plan(collector, data).locate()
    return collector.located("plan has no IAM policy or resource policy")


class Plan:
    def __init__(self, collector: Collector, data: dict) -> None:
        self.collector = collector
        self.source = collector.source
        self.resources = [r for r in _resources(data) if isinstance(r.values, dict)]
        configs = dict(_configuration(data))
        for resource in self.resources:
            resource.config = configs.get((resource.module, resource.config_address), {})
        self.holders: dict[str, PrincipalKey] = {}  # address -> principal
        self.policies: dict[str, list[Pending | None]] = {}  # aws_iam_policy address -> documents
        self.policy_users: list[tuple[PrincipalKey, str]] = []  # (principal, aws_iam_policy address)

    def locate(self) -> None:
        for resource in self.resources:
            if resource.type in HOLDERS:
                self.holders[resource.address] = self.collector.principal(
                    self._key(resource.address), f"{resource.type} {resource.address}")
        for resource in self.resources:
            kind, values = resource.type, resource.values
            if kind in HOLDERS:
                self._holder(resource)
            elif kind == "aws_iam_policy":
                self.policies[resource.address] = [self._document(
                    resource, "policy", DocKind.IDENTITY, f"aws_iam_policy {resource.address}", ())]
            elif kind in INLINE:
                attribute, holder_type = INLINE[kind]
                targets = self._targets(resource, attribute, holder_type)
                self._document(resource, "policy", DocKind.IDENTITY, f"{kind} {resource.address}", targets)
            elif kind in ATTACHMENTS:
                attribute, holder_type = ATTACHMENTS[kind]
                self._attachment(resource, self._targets(resource, attribute, holder_type))
            elif kind == "aws_iam_policy_attachment":
                targets: list[str] = []
                for attribute, holder_type in MULTI_ATTACHMENT.items():
                    targets.extend(self._targets(resource, attribute, holder_type))
                self._attachment(resource, tuple(targets))
            elif kind in ("aws_iam_user_group_membership", "aws_iam_group_membership"):
                self._membership(resource)
            if kind in RESOURCE_POLICIES:
                attribute = RESOURCE_POLICIES[kind]
                if isinstance(values.get(attribute), str) and values[attribute].strip():
                    endpoint = kind.startswith("aws_vpc_endpoint")
                    name = ENDPOINT_POLICY if endpoint else attribute
                    self._document(resource, attribute, DocKind.RESOURCE, f"{name} of {kind} {resource.address}", (),
                                   resource_type=kind, vpc_endpoint=endpoint)
        self._link()

    def _holder(self, resource: _Resource) -> None:
        principal_id = self.holders[resource.address]
        values = resource.values
        if resource.type == "aws_iam_role" and isinstance(values.get("assume_role_policy"), str):
            self._document(resource, "assume_role_policy", DocKind.TRUST,
                           f"trust policy of aws_iam_role {resource.address}", ())
        inline = values.get("inline_policy")
        if isinstance(inline, list):
            for index, block in enumerate(inline):
                if not isinstance(block, dict) or not isinstance(block.get("policy"), str) or not block["policy"]:
                    continue
                name = block.get("name")
                label = f"inline policy {name!r} of {resource.type} {resource.address}"
                self.collector.add(resource.path + ("inline_policy", index, "policy"), DocKind.IDENTITY,
                                   label, (principal_id,))
        for arn in _strings(values.get("managed_policy_arns")):
            self._attach_arn(principal_id, arn)
        if _unknown(resource, "managed_policy_arns") and resource.type == "aws_iam_role" \
                and "managed_policy_arns" in resource.config:
            # Known only after apply: the plan's policies it refers to are attached, and what
            # else the list holds cannot be told.
            for address in self._references(resource, ("managed_policy_arns",), "aws_iam_policy"):
                self.policy_users.append((principal_id, address))
            self.collector.incomplete(principal_id)

    def _key(self, name: str) -> PrincipalKey:
        return PrincipalKey("terraform-plan", self.source.name, name)

    def _document(self, resource: _Resource, attribute: str, kind: DocKind, label: str,
                  principals: tuple[PrincipalKey, ...], resource_type: str | None = None,
                  vpc_endpoint: bool = False) -> Pending | None:
        value = resource.values.get(attribute)
        if isinstance(value, str) and value.strip():
            return self.collector.add(resource.path + (attribute,), kind, label, principals,
                                      resource_type=resource_type, vpc_endpoint=vpc_endpoint)
        for principal_id in principals:  # unknown until apply
            self.collector.incomplete(principal_id)
        return None

    def _attachment(self, resource: _Resource, targets: tuple[PrincipalKey, ...]) -> None:
        arn = resource.values.get("policy_arn")
        policy = self._policy_by_arn(arn) if isinstance(arn, str) else None
        if policy is None:
            policy = self._referenced(resource, "policy_arn", "aws_iam_policy")
        for principal_id in targets:
            self._use_policy(principal_id, policy)

    def _attach_arn(self, principal_id: PrincipalKey, arn: str) -> None:
        self._use_policy(principal_id, self._policy_by_arn(arn))

    def _use_policy(self, principal_id: PrincipalKey, policy: str | None) -> None:
        """The plan's policy extends the principal; None (an AWS managed policy, or one
        outside the plan) makes it incomplete."""
        if policy is None:
            self.collector.incomplete(principal_id)
        else:
            self.policy_users.append((principal_id, policy))

    def _membership(self, resource: _Resource) -> None:
        """Users in groups hold the groups' policies: not followed here, so incomplete."""
        names = set(_strings(resource.values.get("users"))) | set(_strings(resource.values.get("user")))
        for holder in self.resources:
            if holder.type == "aws_iam_user" and holder.values.get("name") in names:
                self.collector.incomplete(self.holders[holder.address])
        for address in self._references(resource, ("users", "user"), "aws_iam_user"):
            self.collector.incomplete(self.holders[address])

    def _targets(self, resource: _Resource, attribute: str, holder_type: str) -> tuple[PrincipalKey, ...]:
        """The principals an attribute (role, users, ...) names: by planned name, by
        reference in the configuration, or else a principal outside the plan."""
        names = _strings(resource.values.get(attribute))
        found: list[PrincipalKey] = []
        for name in names:
            holder = next((h for h in self.resources if h.type == holder_type and name in
                           (h.values.get("name"), h.values.get("id"), h.values.get("arn"))), None)
            if holder is not None:
                found.append(self.holders[holder.address])
            else:
                principal_id = self._key(f"{HOLDERS[holder_type]} {name}")
                found.append(self.collector.principal(
                    principal_id, f"the {HOLDERS[holder_type]} {name!r} (outside this plan)", complete=False))
        if not names:
            for address in self._references(resource, (attribute,), holder_type):
                found.append(self.holders[address])
        if not found and (_unknown(resource, attribute) or attribute in resource.config):
            principal_id = self._key(f"{resource.address}.{attribute}")
            found.append(self.collector.principal(
                principal_id, f"the {HOLDERS[holder_type]} of {resource.address} (known after apply)",
                complete=False))
        return tuple(dict.fromkeys(found))

    def _policy_by_arn(self, arn: str) -> str | None:
        for resource in self.resources:
            if resource.type == "aws_iam_policy" and arn and resource.values.get("arn") == arn:
                return resource.address
        return None

    def _referenced(self, resource: _Resource, attribute: str, target_type: str) -> str | None:
        found = self._references(resource, (attribute,), target_type)
        return found[0] if found else None

    def _references(self, resource: _Resource, attributes: tuple[str, ...], target_type: str) -> list[str]:
        """Addresses (in the same module) of ``target_type`` resources that the configuration
        of ``attributes`` refers to (``aws_iam_role.deploy.name`` -> ``aws_iam_role.deploy``)."""
        found = []
        for attribute in attributes:
            for reference in _references(resource.config.get(attribute)):
                parts = reference.split(".")
                if len(parts) >= 2 and parts[0] == target_type:
                    config_address = f"{parts[0]}.{_INDEX.sub('', parts[1])}"
                    for other in self.resources:
                        if other.module == resource.module and other.config_address == config_address \
                                and other.type == target_type and other.address not in found:
                            found.append(other.address)
        return found

    def _link(self) -> None:
        for principal_id, policy in self.policy_users:
            self.collector.attach_all(self.policies.get(policy, []), principal_id)
        # A policy attached to nothing in the plan is judged on its own, as a policy file is.
        attached = {policy for _, policy in self.policy_users}
        for address, documents in self.policies.items():
            if address in attached:
                continue
            principal_id = self.collector.principal(
                self._key(address), f"aws_iam_policy {address} (attached to nothing in this plan)")
            for pending in documents:
                if pending is not None:
                    self.collector.attach(pending, principal_id)


def _resources(data: dict) -> Iterator[_Resource]:
    for key in ("planned_values", "values"):
        root = get(get(data, key), "root_module")
        if isinstance(root, dict):
            yield from _module_resources(root, (key, "root_module"), "")
            return
    changes = data.get("resource_changes")
    if isinstance(changes, list):
        for index, change in enumerate(changes):
            if not isinstance(change, dict) or change.get("mode", "managed") != "managed":
                continue
            after = get(change.get("change"), "after")
            actions = get(change.get("change"), "actions") or []
            if not isinstance(after, dict) or actions == ["delete"]:
                continue
            address = str(change.get("address", ""))
            yield _Resource(address, str(change.get("module_address", "")), str(change.get("type", "")),
                            str(change.get("name", "")), after, ("resource_changes", index, "change", "after"))


def _module_resources(module: dict, path: JsonPath, address: str) -> Iterator[_Resource]:
    resources = module.get("resources")
    if isinstance(resources, list):
        for index, resource in enumerate(resources):
            if not isinstance(resource, dict) or resource.get("mode", "managed") != "managed":
                continue
            yield _Resource(str(resource.get("address", "")), address, str(resource.get("type", "")),
                            str(resource.get("name", "")), resource.get("values"),
                            path + ("resources", index, "values"))
    children = module.get("child_modules")
    if isinstance(children, list):
        for index, child in enumerate(children):
            if isinstance(child, dict):
                yield from _module_resources(child, path + ("child_modules", index),
                                             str(child.get("address", "")))


def _configuration(data: dict) -> Iterator[tuple[tuple[str, str], dict]]:
    """((module address, resource address), expressions) from the plan's configuration."""
    root = get(get(data, "configuration"), "root_module")
    stack = [(root, "")]
    while stack:
        module, address = stack.pop()
        if not isinstance(module, dict):
            continue
        for resource in module.get("resources") or []:
            if isinstance(resource, dict) and isinstance(resource.get("expressions"), dict):
                yield (address, str(resource.get("address", ""))), resource["expressions"]
        calls = module.get("module_calls")
        if isinstance(calls, dict):
            for name, call in calls.items():
                child = f"{address}.module.{name}" if address else f"module.{name}"
                stack.append((get(call, "module"), child))


def _references(expression: Any) -> list[str]:
    if isinstance(expression, dict):
        refs = expression.get("references")
        return [r for r in refs if isinstance(r, str)] if isinstance(refs, list) else []
    if isinstance(expression, list):
        return [r for item in expression for r in _references(item)]
    return []


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str) and v]
    return []


def _unknown(resource: _Resource, attribute: str) -> bool:
    """Whether the attribute is known only after apply: plans leave such values out."""
    return attribute not in resource.values
