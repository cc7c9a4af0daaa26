"""Catalog cost: linting a small policy that names one service reads only that service's
catalog data, whatever the rules find in it (an unknown action, a pattern that matches
nothing, an unknown condition key, a resource of the wrong type)."""
from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from amplify_policy_lint.config import Settings
from amplify_policy_lint.linter import Plan, lint_group

ROOT = Path(__file__).resolve().parents[1]

APP = "arn:aws:amplify:us-east-1:123456789012:apps/d1a2b3c4d5e6f7"

# Only amplify: actions; every catalog rule has something to say about it.
AMPLIFY_ONLY = f"""{{
  "Version": "2012-10-17",
  "Statement": [
    {{
      "Sid": "AmplifyDeploy",
      "Effect": "Allow",
      "Action": ["amplify:CreateDeployment", "amplify:StartDeployment", "amplify:Get*", "Amplify:deleteapp",
                 "amplify:DeleteAppp", "amplify:Delet*x", "amplify:ListApps"],
      "Resource": ["{APP}", "{APP}/branches/main"],
      "Condition": {{"StringEquals": {{"aws:RequestedRegion": "us-east-1", "amplify:AppIdd": "x"}}}}
    }},
    {{"Sid": "Branches", "Effect": "Deny", "Action": "amplify:DeleteBranch", "Resource": "{APP}"}},
    {{"Sid": "Admin", "Effect": "Allow", "Action": "*", "Resource": "*"}},
    {{"Effect": "Deny", "NotAction": ["amplify:List*", "amplify:Delete*"], "Resource": "*",
      "Condition": {{"Bool": {{"aws:SecureTransportt": "false"}}}}}}
  ]
}}
"""


def _lint(tmp_path: Path, select: tuple[str, ...]) -> tuple[list[str], frozenset[str]]:
    policy = tmp_path / "amplify-deployer.json"
    policy.write_text(AMPLIFY_ONLY, encoding="utf-8")
    plan = Plan.build(Settings(select=select))
    report = lint_group([str(policy)], plan)
    assert report.errors == []
    return sorted(f.rule.id for f in report.findings), plan.context.catalog.loaded_services


def test_every_catalog_rule_finds_something_and_only_amplify_is_read(tmp_path):
    rules, loaded = _lint(tmp_path, ("APL2", "APL403"))
    assert set(rules) == {"APL202", "APL203", "APL204", "APL205", "APL403"}
    assert loaded == {"amplify"}


@pytest.mark.parametrize("rule_id", ["APL201", "APL202", "APL203", "APL204", "APL205", "APL403"])
def test_each_catalog_rule_alone_reads_only_amplify(tmp_path, rule_id):
    _, loaded = _lint(tmp_path, (rule_id,))
    assert loaded <= {"amplify"}


def test_all_rules_together_read_only_amplify(tmp_path):
    _, loaded = _lint(tmp_path, ())
    assert loaded == {"amplify"}


def test_a_separate_process_reports_the_same(tmp_path):
    # A fresh interpreter, so that nothing another test loaded can hide a load.
    policy = tmp_path / "amplify-deployer.json"
    policy.write_text(AMPLIFY_ONLY, encoding="utf-8")
    code = textwrap.dedent(f"""
        from amplify_policy_lint.config import Settings
        from amplify_policy_lint.linter import Plan, lint_group
        plan = Plan.build(Settings())
        lint_group([{str(policy)!r}], plan)
        print(repr(sorted(plan.context.catalog.loaded_services)))
    """)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert ast.literal_eval(result.stdout) == ["amplify"]


def test_action_records_are_built_only_for_the_actions_asked_about():
    # A large run reads some 20,000 actions and asks about a fifth of them: checking,
    # expanding and suggesting read the service's entries, not records.
    from amplify_policy_lint.catalog import ActionStatus, Catalog

    catalog = Catalog()
    assert catalog.check_actions(["amplify:GetApp", "amplify:Get*", "amplify:NoSuchAction"]) == [
        ActionStatus.KNOWN, ActionStatus.KNOWN, ActionStatus.UNKNOWN_ACTION]
    assert "amplify:DeleteApp" in catalog.expand("amplify:Delete*") and catalog.expand("amplify*:listapps")
    assert catalog.suggest_actions("amplify", "DeleteAp")[0] == "DeleteApp"
    assert not catalog._action_infos.get("amplify")
    info = catalog.action("amplify", "DELETEAPP")
    assert catalog._action_infos["amplify"] == {"deleteapp": info}
    assert catalog.actions("amplify")["deleteapp"] is info and len(catalog._action_infos["amplify"]) > 1
