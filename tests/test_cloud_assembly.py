"""A CDK cloud assembly (cdk.out): its templates are linted, its other files skipped quietly,
and each finding points back at the TypeScript that created the construct.

fixtures/inputs/cdk-app is a real app synthesized by scripts/make_cdk_fixtures.py (aws-cdk-lib
2.278.0): its bin/app.ts, and the small files of its cdk.out.
"""
from __future__ import annotations

import json
import shutil

from amplify_policy_lint import cloud_assembly
from amplify_policy_lint.config import Settings
from amplify_policy_lint.linter import lint_paths
from amplify_policy_lint.model import Origin, Severity

from conftest import FIXTURES, run_cli
from test_reporters import sarif_validator

APP = FIXTURES / "inputs" / "cdk-app"


def test_each_template_finding_points_at_the_line_that_created_its_construct():
    result = run_cli("cdk.out", cwd=APP)
    assert result.code == 1, result.err
    lines = [line.split(" ", 2)[:2] + [line.rsplit("(defined at ", 1)[-1]] for line in result.out.splitlines()]
    assert lines == [
        # The role's DefaultPolicy is created by the first addToPolicy call (bin/app.ts:19:17).
        ["cdk.out/PreviewCleanup.template.json:39:9:", "APL301", "bin/app.ts:19:17)"],
        ["cdk.out/PreviewCleanup.template.json:47:9:", "APL202", "bin/app.ts:19:17)"],
        ["cdk.out/PreviewCleanup.template.json:88:16:", "APL402", "bin/app.ts:29:5)"],
        # CallAwsService's statement lives in the state machine role's policy: made by the StateMachine.
        ["cdk.out/PreviewCleanup.template.json:165:18:", "APL202", "bin/app.ts:40:5)"],
    ]
    source = (APP / "bin" / "app.ts").read_text().splitlines()
    assert source[18][16:].startswith("addToPolicy(")
    assert source[28][4:].startswith("new iam.Role(this, 'VendorAudit'")


def test_the_assembly_files_that_hold_no_template_are_skipped_quietly():
    report = lint_paths([str(APP / "cdk.out")], Settings(fail_on=Severity.INFO))
    assert report.files_checked == 1 and report.files_skipped == 4
    assert {f.file.rsplit("/", 1)[-1] for f in report.findings} == {"PreviewCleanup.template.json"}
    assert not report.errors
    # Outside an assembly, a manifest.json is an ordinary file.
    assert not cloud_assembly.skipped(str(FIXTURES / "inputs" / "not-policies" / "package.json"))
    assert cloud_assembly.skipped(str(APP / "cdk.out" / "tree.json"))


def test_json_source_field_and_sarif_related_location(monkeypatch):
    monkeypatch.chdir(APP)
    result = run_cli("--format", "json", "cdk.out", cwd=APP)
    findings = json.loads(result.out)["findings"]
    assert [f["source"] for f in findings][2] == {"file": "bin/app.ts", "line": 29, "column": 5}
    sarif = json.loads(run_cli("--format", "sarif", "cdk.out", cwd=APP).out)
    sarif_validator().validate(sarif)
    related = sarif["runs"][0]["results"][2]["relatedLocations"]
    assert related == [{"id": 1, "physicalLocation": {
        "artifactLocation": {"uri": "bin/app.ts", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 29, "startColumn": 5}}, "message": {"text": "the construct is defined here"}}]


def test_older_assemblies_record_the_trace_in_the_manifest(tmp_path):
    """CDK releases before the metadata file kept the metadata in manifest.json, with the
    creation stack as the logicalId entry's ``trace`` (under --debug)."""
    app = tmp_path / "app"
    (app / "lib").mkdir(parents=True)
    (app / "lib" / "stack.ts").write_text("// the stack\n")
    assembly = app / "cdk.out"
    assembly.mkdir()
    shutil.copy(APP / "cdk.out" / "PreviewCleanup.template.json", assembly / "Old.template.json")
    (assembly / "cdk.out").write_text('{"version":"21.0.0"}')
    (assembly / "manifest.json").write_text(json.dumps({"version": "21.0.0", "artifacts": {"Old": {
        "type": "aws:cloudformation:stack",
        "properties": {"templateFile": "Old.template.json"},
        "metadata": {"/Old/VendorAudit/Resource": [{"type": "aws:cdk:logicalId", "data": "VendorAudit12625C28",
                                                    "trace": ["new Role (/ci/work/node_modules/aws-cdk-lib/aws-iam/lib/role.js:1:2)",
                                                              "new OldStack (/ci/work/lib/stack.ts:42:7)",
                                                              "Object.<anonymous> (/ci/work/bin/app.ts:5:1)"]}],
                     "/Old/Machine/Resource": [{"type": "aws:cdk:logicalId", "data": "Machine6FC8AE80",
                                                "trace": ["new X (/elsewhere/src/gone.ts:3:9)"]}]}}}}))
    origins = cloud_assembly.origins(str(assembly / "Old.template.json"))
    # Found again below the app's folder by the tail of the recorded path; else as recorded.
    assert origins == {"VendorAudit12625C28": Origin(str(app / "lib" / "stack.ts"), 42, 7),
                       "Machine6FC8AE80": Origin("/elsewhere/src/gone.ts", 3, 9)}


def test_an_unreadable_manifest_maps_nothing(tmp_path):
    assembly = tmp_path / "cdk.out"
    assembly.mkdir()
    shutil.copy(APP / "cdk.out" / "PreviewCleanup.template.json", assembly / "S.template.json")
    (assembly / "cdk.out").write_text('{"version":"55.0.0"}')
    (assembly / "manifest.json").write_text("{not json")
    report = lint_paths([str(assembly)], Settings(fail_on=Severity.INFO))
    assert report.findings and all(f.origin is None for f in report.findings)
    assert not report.errors


GEN2 = FIXTURES / "inputs" / "amplify-gen2"


def test_amplify_gen2_assembly_nested_stacks_point_at_backend_ts():
    """Amplify Gen 2 puts each category in a nested stack and the assembly in
    .amplify/artifacts/cdk.out; resources are found by their aws:cdk:path."""
    result = run_cli("--format", "json", ".amplify/artifacts/cdk.out", "amplify", cwd=GEN2)
    findings = json.loads(result.out)["findings"]
    placed = [(f["file"].rsplit("/", 1)[-1][:40], f["line"], f["column"], f["rule_id"], f.get("source"))
              for f in findings]
    assert placed == [
        ("amplifydemoappmainbranch94f7261088authA3", 377, 9, "APL202",
         {"file": "amplify/backend.ts", "line": 17, "column": 46}),
        ("amplifydemoappmainbranch94f7261088functi", 69, 9, "APL202",
         {"file": "amplify/backend.ts", "line": 11, "column": 34}),
        ("backend.ts", 12, 54, "APL202", None),
        ("backend.ts", 19, 51, "APL202", None),
    ]
    source = (GEN2 / "amplify" / "backend.ts").read_text().splitlines()
    assert source[10][33:].startswith("addToRolePolicy(")
    assert source[16][45:].startswith("addToPrincipalPolicy(")
