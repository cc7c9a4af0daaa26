"""Rule metadata for IAM Access Analyzer (DESIGN.md section 12): --list-rules --format json,
--explain, the README, the codes themselves; and APL501's configurable quotas."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from amplify_policy_lint.config import ConfigError, Settings, load_config, make_settings
from amplify_policy_lint.linter import lint_paths
from amplify_policy_lint.model import Severity
from amplify_policy_lint.rules import RULES

from conftest import ROOT, run_cli

REFERENCE = ROOT.parent / "shared" / "reference" / "access-analyzer-checks.md"


def test_list_rules_json_names_every_rule_and_its_codes():
    result = run_cli("--list-rules", "--format", "json")
    assert result.code == 0
    listed = json.loads(result.out)["rules"]
    by_id = {entry["id"]: entry for entry in listed}
    for rule in RULES:
        entry = by_id[rule.id]
        assert set(entry) == {"id", "name", "severity", "summary", "access_analyzer"}
        assert entry == {"id": rule.id, "name": rule.name, "severity": rule.severity.value,
                         "summary": rule.summary, "access_analyzer": list(rule.access_analyzer)}


def test_explain_names_the_codes():
    rule = next(r for r in RULES if r.id == "APL502")
    result = run_cli("--explain", "APL502")
    assert result.code == 0
    assert "IAM Access Analyzer checks covered" in result.out
    for code in rule.access_analyzer:
        assert code in result.out


def test_every_code_is_a_real_access_analyzer_check():
    known = _reference_codes()
    if known is None:
        pytest.skip(f"{REFERENCE} is absent")
    for rule in RULES:
        assert len(set(rule.access_analyzer)) == len(rule.access_analyzer), rule.id
        for code in rule.access_analyzer:
            assert code in known, f"{rule.id}: {code} is not a check of the reference"


def test_readme_lists_the_checks_not_made_offline_with_reasons():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "## IAM Access Analyzer checks" in readme
    section = readme.split("## IAM Access Analyzer checks", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert rows
    known = _reference_codes()
    for row in rows:
        codes_cell, reason = row.split(" | ", 1)
        assert len(reason.strip(" |")) > 20, row
        for code in re.findall(r"`([A-Z][A-Z0-9_]+)`", codes_cell):
            assert known is None or code in known, f"{code} is not a check of the reference"


def _reference_codes() -> set[str] | None:
    if not REFERENCE.is_file():
        return None
    return set(re.findall(r"^\| ([A-Z0-9_]+)[ †]", REFERENCE.read_text(encoding="utf-8"), re.MULTILINE))


def _big_policy(tmp_path: Path, statements: int) -> Path:
    data = {"Version": "2012-10-17", "Statement": [
        {"Sid": f"S{i}", "Effect": "Allow", "Action": "dynamodb:GetItem",
         "Resource": f"arn:aws:dynamodb:us-east-1:123456789012:table/amplify-table-{i:04d}"} for i in range(statements)]}
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_size_quota_of_a_plain_policy_file_is_configurable(tmp_path):
    path = _big_policy(tmp_path, 70)  # about 8,000 characters
    default = lint_paths([str(path)], Settings(select=("APL501",)))
    assert [f.rule.id for f in default.findings] == ["APL501"]
    assert "6,144-character quota of a customer managed policy" in default.findings[0].message
    raised = lint_paths([str(path)], Settings(select=("APL501",), size_quotas={"policy": 10_240}))
    assert raised.findings == []


def test_size_quotas_configuration(tmp_path):
    config = tmp_path / ".amplify-policy-lint.yaml"
    config.write_text("size-quotas:\n  policy: 10240\n  trust: 4096\n", encoding="utf-8")
    settings = make_settings(load_config(str(config)))
    assert settings.size_quotas == {"policy": 10_240, "trust": 4_096}
    config.write_text("size-quotas:\n  managed: 10\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown quota 'managed'"):
        load_config(str(config))
    config.write_text("size-quotas:\n  trust: lots\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="expected a number of characters"):
        load_config(str(config))


def test_size_quota_through_the_command_line(tmp_path):
    _big_policy(tmp_path, 70)
    (tmp_path / ".amplify-policy-lint.yaml").write_text("size-quotas:\n  policy: 10240\n", encoding="utf-8")
    assert run_cli("policy.json", cwd=tmp_path).code == 0
    assert run_cli("--no-config", "policy.json", cwd=tmp_path).code == 1


def test_suggestions_never_fail_the_default_threshold(tmp_path):
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": ["s3:Get*", "s3:GetObject"], "Resource": "arn:aws:s3:::b/*",
        "Condition": {"StringLike": {"aws:ResourceTag/x": "*"}}}]}), encoding="utf-8")
    report = lint_paths([str(path)], Settings())
    assert {f.rule.id for f in report.findings} >= {"APL502", "APL503"}
    assert all(f.severity is Severity.INFO for f in report.findings if f.rule.id.startswith("APL5"))
