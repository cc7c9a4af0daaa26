"""CloudFormation, SAM and CDK templates (JSON or YAML): every policy document in
``Resources``, its kind by position, and whose permissions it is part of.

Principals (DESIGN.md section 4): each ``AWS::IAM::Role``, ``User`` and ``Group`` with its
inline ``Policies``, the ``AWS::IAM::Policy``/``ManagedPolicy``/``RolePolicy``/... resources
that name it, and the template ManagedPolicies its ``ManagedPolicyArns`` reference with
``Ref``; a SAM function without ``Role`` is the role SAM creates for it. A principal that
holds a policy the linter cannot read (an AWS managed policy ARN, an import, a parameter,
a SAM policy template, an intrinsic in place of a document) is incomplete, so that rules
proving an absence stay quiet about it. Trust policies and resource policies belong to no
principal: they are checked as documents of their own kind.
"""
from __future__ import annotations

import os

from .. import amplify_layout
from ..embedded import embed
from ..model import JsonPath, PrincipalKey
from ..policy import DocKind, is_intrinsic
from ..source import Source
from . import Located
from .common import ENDPOINT_POLICY, NO_VALUE, Collector, Pending, alternatives, get, list_items, relative_path, value_at

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any


HOLDERS = {"AWS::IAM::Role": "role", "AWS::IAM::User": "user", "AWS::IAM::Group": "group"}
ATTACHABLE = ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")
# Inline policy resources: the property naming the holder, and the holder's type.
INLINE_POLICIES = {
    "AWS::IAM::RolePolicy": ("RoleName", "AWS::IAM::Role"),
    "AWS::IAM::UserPolicy": ("UserName", "AWS::IAM::User"),
    "AWS::IAM::GroupPolicy": ("GroupName", "AWS::IAM::Group"),
}
# SAM resources that get a role of their own from `Policies` unless they name a `Role`.
SAM_ROLE_OWNERS = ("AWS::Serverless::Function", "AWS::Serverless::StateMachine")
# Resource policies: where the document is below Properties.
# Not here: AWS::Lambda::Permission (not a document), AWS::IoT::Policy (IoT's own language),
# AWS::ApiGateway::RestApi Policy (its `execute-api:/stage/GET/path` resource shorthand is
# not an ARN, and the ARN rule would report it).
RESOURCE_POLICIES: dict[str, tuple[JsonPath, ...]] = {
    "AWS::S3::BucketPolicy": (("PolicyDocument",),),
    "AWS::S3::AccessPoint": (("Policy",),),
    "AWS::S3::MultiRegionAccessPointPolicy": (("Policy",),),
    "AWS::S3ObjectLambda::AccessPointPolicy": (("PolicyDocument",),),
    "AWS::SQS::QueuePolicy": (("PolicyDocument",),),
    "AWS::SQS::QueueInlinePolicy": (("PolicyDocument",),),
    "AWS::SNS::TopicPolicy": (("PolicyDocument",),),
    "AWS::SNS::TopicInlinePolicy": (("PolicyDocument",),),
    "AWS::KMS::Key": (("KeyPolicy",),),
    "AWS::KMS::ReplicaKey": (("KeyPolicy",),),
    "AWS::SecretsManager::ResourcePolicy": (("ResourcePolicy",),),
    "AWS::ECR::Repository": (("RepositoryPolicyText",),),
    "AWS::ECR::PublicRepository": (("RepositoryPolicyText",),),
    "AWS::ECR::RegistryPolicy": (("PolicyText",),),
    "AWS::Logs::ResourcePolicy": (("PolicyDocument",),),
    "AWS::OpenSearchService::Domain": (("AccessPolicies",),),
    "AWS::Elasticsearch::Domain": (("AccessPolicies",),),
    "AWS::EFS::FileSystem": (("FileSystemPolicy",),),
    "AWS::Backup::BackupVault": (("AccessPolicy",),),
    "AWS::Events::EventBus": (("Policy",),),
    "AWS::DynamoDB::Table": (("ResourcePolicy", "PolicyDocument"),),
    "AWS::Kinesis::ResourcePolicy": (("ResourcePolicy",),),
    "AWS::EC2::VPCEndpoint": (("PolicyDocument",),),
}


def recognises(data: dict) -> bool:
    resources = data.get("Resources")
    if not isinstance(resources, dict):
        return False
    if "AWSTemplateFormatVersion" in data:
        return True
    return any(isinstance(r, dict) and isinstance(r.get("Type"), str) for r in resources.values())


def locate(source: Source) -> Located:
    collector = Collector(source, "cloudformation")
    locate_resources(collector, source)
    return collector.located("template has no IAM policy or resource policy")


def locate_resources(collector: Collector, source: Source, under: JsonPath = ()) -> None:
    """Every template in ``source`` (each document of a YAML stream), or the one whose
    root is at ``under`` (Serverless keeps one under ``resources``)."""
    if under:
        resources = get(value_at(source.data, under), "Resources")
        if isinstance(resources, dict):
            Template(collector, source, under, resources).locate()
        return
    for base, data in source.roots():
        resources = get(data, "Resources")
        if isinstance(resources, dict):
            Template(collector, source, base, resources).locate()


class Template:
    """The resources of one template. ``base`` is where its root is, in the path space of
    ``source`` (for a template given as a string, the path of the string comes first)."""

    def __init__(self, collector: Collector, source: Source, base: JsonPath, resources: dict[str, Any],
                 depth: int = 0, within: str = "") -> None:
        self.collector = collector
        self.within = within
        self.source = source
        self.base = base
        self.depth = depth
        self.resources = {name: r for name, r in resources.items()
                          if isinstance(name, str) and isinstance(r, dict) and isinstance(r.get("Type"), str)}
        self.holders: dict[str, PrincipalKey] = {}  # logical id of a role, user, group or SAM function -> principal
        self.names: dict[tuple[str, str], str] = {}  # (type, RoleName/UserName/GroupName) -> logical id
        self.managed: dict[str, list[Pending | None]] = {}  # ManagedPolicy logical id -> its documents
        self.managed_users: dict[str, list[PrincipalKey]] = {}  # ManagedPolicy logical id -> principals naming it
        self.memberships: list[tuple[PrincipalKey, str]] = []  # (user principal, group logical id)
        self.attached: set[str] = set()  # AWS::IAM::(Managed)Policy resources attached to something
        self.unattached: list[tuple[str, str, list[Pending | None]]] = []  # (logical id, label, documents)

    # Paths and names -------------------------------------------------------------------------

    def props_path(self, logical: str) -> JsonPath:
        return self.base + ("Resources", logical, "Properties")

    def principal_id(self, logical: str) -> PrincipalKey:
        where = "/".join(str(p) for p in self.base)
        return PrincipalKey("cloudformation", self.source.name, f"{where + '/' if where else ''}{logical}")

    def where(self, logical: str) -> str:
        """A resource's name for labels: its logical id, and the stack set it is in."""
        return f"{logical} (in {self.within})" if self.within else logical

    # Passes -----------------------------------------------------------------------------------

    def locate(self) -> None:
        for logical, resource in self.resources.items():
            kind = resource["Type"]
            props = resource.get("Properties")
            if kind in HOLDERS:
                self._holder(logical, kind)
                if isinstance(props, dict):
                    name = props.get({"role": "RoleName", "user": "UserName", "group": "GroupName"}[HOLDERS[kind]])
                    if isinstance(name, str):
                        self.names[(kind, name)] = logical
            elif kind in SAM_ROLE_OWNERS and isinstance(props, dict) and _missing(props.get("Role")):
                self.holders[logical] = self.collector.principal(
                    self.principal_id(logical), f"the execution role SAM creates for {kind} {self.where(logical)}")
        for logical, resource in self.resources.items():
            kind = resource["Type"]
            props = resource.get("Properties")
            if not isinstance(props, dict) or is_intrinsic(props):
                continue
            if kind in HOLDERS:
                self._holder_policies(logical, kind, props)
            elif kind in ATTACHABLE:
                self._attachable(logical, kind, props)
            elif kind in INLINE_POLICIES:
                self._inline_policy(logical, kind, props)
            elif kind in SAM_ROLE_OWNERS and logical in self.holders:
                self._sam_policies(logical, kind, props)
            elif kind == "AWS::Serverless::Connector":
                self._connector(props)
            elif kind == "AWS::CloudFormation::StackSet" and "TemplateBody" in props:
                self._nested(logical, props["TemplateBody"])
            if kind in RESOURCE_POLICIES:
                self._resource_policies(logical, kind, props)
        self._link()

    def _nested(self, logical: str, body: Any) -> None:
        """A stack set's template, given inline: as a mapping, or as a JSON or YAML string
        (its positions mapped back through the string). Its principals are its own."""
        path = self.props_path(logical) + ("TemplateBody",)
        if self.depth >= 1:
            return
        if isinstance(body, dict) and isinstance(body.get("Resources"), dict):
            Template(self.collector, self.source, path, body["Resources"], self.depth + 1,
                     f"the template of AWS::CloudFormation::StackSet {logical}").locate()
        elif isinstance(body, str) and "Resources" in body:
            fmt = "json" if body.lstrip().startswith("{") else "yaml"
            # A body that does not parse is not a policy: CloudFormation reports it at deploy.
            inner, _ = embed(self.source, relative_path(self.source, path), "template body", fmt)
            resources = get(inner.data, "Resources") if inner is not None and not inner.multi_document else None
            if isinstance(resources, dict):
                Template(self.collector, inner, inner.prefix, resources, self.depth + 1,
                         f"the template of AWS::CloudFormation::StackSet {logical}").locate()

    def _holder(self, logical: str, kind: str) -> None:
        principal_id = self.principal_id(logical)
        if kind == "AWS::IAM::Role" and logical == amplify_layout.EXECUTION_ROLE and not self.base \
                and amplify_layout.is_function_template(self.source.name):
            # The role that custom-policies.json beside the template extends.
            principal_id = amplify_layout.function_principal(os.path.dirname(self.source.name))
        self.holders[logical] = self.collector.principal(principal_id, f"{kind} {self.where(logical)}")

    def _holder_policies(self, logical: str, kind: str, props: dict) -> None:
        principal_id = self.holders[logical]
        path = self.props_path(logical)
        for item_path, item in list_items(props.get("Policies"), path + ("Policies",)):
            if not isinstance(item, dict) or is_intrinsic(item):
                self.collector.incomplete(principal_id)
                continue
            name = item.get("PolicyName")
            label = f"inline policy {name!r} of {kind} {self.where(logical)}" if isinstance(name, str) else \
                f"inline policy of {kind} {self.where(logical)}"
            if "PolicyDocument" in item:
                self._documents(item["PolicyDocument"], item_path + ("PolicyDocument",),
                                DocKind.IDENTITY, label, (principal_id,))
        if kind == "AWS::IAM::Role" and "AssumeRolePolicyDocument" in props:
            self._documents(props["AssumeRolePolicyDocument"], path + ("AssumeRolePolicyDocument",),
                            DocKind.TRUST, f"trust policy of {kind} {self.where(logical)}", ())
        self._managed_arns(principal_id, props.get("ManagedPolicyArns"), path + ("ManagedPolicyArns",))
        if kind == "AWS::IAM::User":
            for _, group in list_items(props.get("Groups"), path + ("Groups",)):
                target = self._ref(group, "AWS::IAM::Group")
                if target is None:
                    self.collector.incomplete(principal_id)
                else:
                    self.memberships.append((principal_id, target))

    def _managed_arns(self, principal_id: PrincipalKey, value: Any, path: JsonPath) -> None:
        for _, arn in list_items(value, path):
            self._use_managed(principal_id, arn)

    def _use_managed(self, principal_id: PrincipalKey, value: Any) -> None:
        """The template ManagedPolicy that ``value`` refers to extends the principal; anything
        else (an AWS managed policy, a SAM policy template, a parameter) is not visible here."""
        target = self._ref(value, "AWS::IAM::ManagedPolicy")
        if target is None:
            self.collector.incomplete(principal_id)
        else:
            self.managed_users.setdefault(target, []).append(principal_id)
            self.attached.add(target)

    def _attachable(self, logical: str, kind: str, props: dict) -> None:
        targets = []
        path = self.props_path(logical)
        for key, holder_kind in (("Roles", "AWS::IAM::Role"), ("Users", "AWS::IAM::User"),
                                 ("Groups", "AWS::IAM::Group")):
            for _, item in list_items(props.get(key), path + (key,)):
                targets.append(self._target(item, holder_kind))
        if targets:
            self.attached.add(logical)
        label = f"{kind} {self.where(logical)}"
        documents = self._documents(props.get("PolicyDocument"), path + ("PolicyDocument",),
                                    DocKind.IDENTITY, label, tuple(targets))
        if kind == "AWS::IAM::ManagedPolicy":
            self.managed[logical] = documents
        if not targets:
            self.unattached.append((logical, label, documents))

    def _inline_policy(self, logical: str, kind: str, props: dict) -> None:
        key, holder_kind = INLINE_POLICIES[kind]
        path = self.props_path(logical)
        targets = tuple(self._target(item, holder_kind) for _, item in list_items(props.get(key), path + (key,)))
        name = props.get("PolicyName")
        label = f"{kind} {self.where(logical)}" + (f" ({name!r})" if isinstance(name, str) else "")
        self.attached.add(logical)
        self._documents(props.get("PolicyDocument"), path + ("PolicyDocument",), DocKind.IDENTITY,
                        label, targets)

    def _sam_policies(self, logical: str, kind: str, props: dict) -> None:
        principal_id = self.holders[logical]
        path = self.props_path(logical)
        for item_path, item in list_items(props.get("Policies"), path + ("Policies",)):
            if isinstance(item, dict) and not is_intrinsic(item) and "Statement" in item:
                self._documents(item, item_path, DocKind.IDENTITY,
                                f"policy {_index(item_path)}of {kind} {self.where(logical)}", (principal_id,))
                continue
            self._use_managed(principal_id, item)
        if props.get("Connectors"):
            self.collector.incomplete(principal_id)

    def _connector(self, props: dict) -> None:
        source = get(props.get("Source"), "Id")
        if isinstance(source, str) and source in self.holders:
            self.collector.incomplete(self.holders[source])  # SAM adds a policy we cannot see

    def _resource_policies(self, logical: str, kind: str, props: dict) -> None:
        for relative in RESOURCE_POLICIES[kind]:
            value: Any = props
            for part in relative:
                value = get(value, part)
            if value is None:
                continue
            name = relative[-1] if len(relative) == 1 else ".".join(relative)
            endpoint = kind == "AWS::EC2::VPCEndpoint"
            if endpoint:
                name = ENDPOINT_POLICY
            self._documents(value, self.props_path(logical) + relative, DocKind.RESOURCE,
                            f"{name} of {kind} {self.where(logical)}", (), resource_type=kind,
                            vpc_endpoint=endpoint)

    # Helpers ----------------------------------------------------------------------------------

    def _documents(self, value: Any, path: JsonPath, kind: DocKind, label: str,
                   principals: tuple[PrincipalKey, ...], resource_type: str | None = None,
                   vpc_endpoint: bool = False) -> list[Pending | None]:
        """A document at ``path`` (through ``Fn::If``); principals holding one that cannot
        be read are incomplete."""
        if value is None:
            return []
        return [self.collector.add(doc_path, kind, label, principals, source=self.source,
                                   resource_type=resource_type, vpc_endpoint=vpc_endpoint)
                for doc_path, _ in alternatives(value, path)]

    def _ref(self, value: Any, kind: str) -> str | None:
        """The logical id of a resource of ``kind`` that ``value`` references with Ref."""
        target = get(value, "Ref") if isinstance(value, dict) and len(value) == 1 else None
        if isinstance(target, str) and get(self.resources.get(target), "Type") == kind:
            return target
        return None

    def _target(self, value: Any, kind: str) -> PrincipalKey:
        """The principal a Roles/Users/Groups entry (or RoleName, ...) names: a holder of
        this template by Ref or by name, or else one outside it, which is incomplete."""
        logical = self._ref(value, kind)
        if logical is None and isinstance(value, str):
            logical = self.names.get((kind, value))
        if logical is not None and logical in self.holders:
            return self.holders[logical]
        noun = HOLDERS[kind]
        if isinstance(value, str):
            what = f"{noun} {value!r}"
        elif isinstance(get(value, "Ref"), str):
            what = f"{noun} given by parameter {value['Ref']}"
        else:
            what = f"{noun} computed at deploy time"
        principal_id = PrincipalKey("cloudformation", self.source.name, what)
        self.collector.principal(principal_id, f"the {what} (outside this template)", complete=False)
        return principal_id

    def _link(self) -> None:
        for logical, users in self.managed_users.items():
            documents = self.managed.get(logical, [])
            for principal_id in users:
                self.collector.attach_all(documents, principal_id)
        for user, group in self.memberships:
            group_id = self.holders.get(group)
            if group_id is None:
                continue
            if not self.collector.principals[group_id].complete:
                self.collector.incomplete(user)
            for pending in self.collector.pending:
                if group_id in pending.principals:
                    self.collector.attach(pending, user)
        # A policy attached to nothing here is judged on its own, as a policy file is.
        for logical, label, documents in self.unattached:
            if logical in self.attached:
                continue
            principal_id = self.collector.principal(
                self.principal_id(logical), f"{label} (attached to nothing in this template)")
            for pending in documents:
                if pending is not None:
                    self.collector.attach(pending, principal_id)


def _missing(value: Any) -> bool:
    return value is None or value == NO_VALUE


def _index(path: JsonPath) -> str:
    return f"{path[-1]} " if isinstance(path[-1], int) else ""

