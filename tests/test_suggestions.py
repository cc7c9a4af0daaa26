"""Every ready-to-paste statement the linter suggests is valid in the file it is suggested for
and passes the linter itself (issue 15, item 5).

Each APL301/APL302/APL303/APL304 finding with a ``detail`` is pasted into a copy of its file
(added beside the statement for APL301/APL302, in place of it for APL303/APL304), and the copy
is linted again with every rule: the finding is gone and nothing is reported inside the pasted
statement. The same holds for the statements that ``--explain`` shows in each rule's fix.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from amplify_policy_lint.config import Settings
from amplify_policy_lint.linter import lint_paths
from amplify_policy_lint.model import Severity
from amplify_policy_lint.rules import RULES

from conftest import FIXTURES

SUGGESTING = ("APL301", "APL302", "APL303", "APL304")
REPLACING = ("APL303", "APL304")  # the suggestion is the statement found, corrected

CUSTOM_POLICIES = [
    {"Action": ["amplify:DeleteApp", "lambda:CreateFunction"], "Resource": ["*"]},
]
CUSTOM_POLICIES_WITH_PASSROLE = [
    {"Action": ["iam:PassRole"], "Resource": ["*"]},
    {"Action": ["states:CreateStateMachine"], "Resource": ["*"]},
]


def json_cases() -> list[pytest.param]:
    """The failing fixtures of the suggesting rules that are JSON (a file, or a folder of JSON
    files), and two Amplify functions' custom-policies.json."""
    found = []
    for rule in SUGGESTING:
        for case in sorted((FIXTURES / "rules" / rule / "fail").iterdir()):
            if case.suffix == ".expected":
                continue
            files = [case] if case.is_file() else [p for p in case.rglob("*") if p.is_file()]
            if files and all(p.suffix == ".json" for p in files):
                found.append(pytest.param(case, id=f"{rule}/{case.name}"))
    return found


def lint(root: Path, monkeypatch) -> list:
    monkeypatch.chdir(root)
    report = lint_paths(["."], Settings(fail_on=Severity.INFO))
    assert not report.errors, report.errors
    return report.findings


def statements_at(data, path: tuple) -> tuple[list, tuple] | None:
    """The statement list that holds the statement ``path`` points into, and its path; None
    when the way there passes through a string (a policy given as a JSON string)."""
    if isinstance(data, list):  # custom-policies.json
        return data, ()
    node = data
    for depth, part in enumerate(path):
        if part == "Statement" and isinstance(node, dict):
            if isinstance(node["Statement"], dict):
                node["Statement"] = [node["Statement"]]
            return node["Statement"], tuple(path[:depth + 1])
        if isinstance(node, str):
            return None
        node = node[part]
    return None


def check_pasted(root: Path, monkeypatch) -> int:
    """Paste each suggestion into a fresh copy of ``root`` and lint it; the number pasted."""
    pasted = 0
    for finding in lint(root, monkeypatch):
        if finding.rule.id not in SUGGESTING or not finding.detail:
            continue
        suggestion = json.loads(finding.detail)
        copy = root.parent / f"{root.name}-pasted-{pasted}"
        shutil.copytree(root, copy)
        target = copy / finding.file
        data = json.loads(target.read_text(encoding="utf-8"))
        place = statements_at(data, finding.path)
        if place is None:
            continue
        statements, base = place
        index = finding.path[len(base)]
        if finding.rule.id in REPLACING:
            statements[index] = suggestion
            new_index = index
        else:
            statements.append(suggestion)
            new_index = len(statements) - 1
        target.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        after = lint(copy, monkeypatch)
        # APL5xx (simplifications) weigh a statement against the file's others (a broader
        # statement elsewhere makes any narrower one redundant): not the suggestion's doing.
        inside = [f for f in after if f.file == finding.file and tuple(f.path[:len(base) + 1]) == base + (new_index,)
                  and not f.rule.id.startswith("APL5")]
        assert inside == [], (finding.rule.id, finding.file, suggestion, inside)
        again = [f for f in after if f.rule.id == finding.rule.id and f.file == finding.file
                 and f.path == finding.path and f.message == finding.message]
        assert again == [], (finding.rule.id, finding.message, suggestion)
        pasted += 1
    return pasted


@pytest.mark.parametrize("case", json_cases())
def test_suggestions_paste_into_their_file_and_pass_the_linter(case, tmp_path, monkeypatch):
    root = tmp_path / "case"
    if case.is_file():
        root.mkdir()
        shutil.copy(case, root / case.name)
    else:
        shutil.copytree(case, root)
    check_pasted(root, monkeypatch)


@pytest.mark.parametrize("policies", [CUSTOM_POLICIES, CUSTOM_POLICIES_WITH_PASSROLE])
def test_suggestions_for_custom_policies_are_lists_the_amplify_cli_accepts(policies, tmp_path, monkeypatch):
    root = tmp_path / "project"
    function = root / "amplify" / "backend" / "function" / "worker"
    function.mkdir(parents=True)
    (function / "custom-policies.json").write_text(json.dumps(policies, indent=2) + "\n", encoding="utf-8")
    for finding in lint(root, monkeypatch):
        if finding.detail and finding.rule.id in SUGGESTING:
            suggestion = json.loads(finding.detail)
            assert isinstance(suggestion["Action"], list) and isinstance(suggestion["Resource"], list)
    assert check_pasted(root, monkeypatch) >= 2


def explained_statements() -> list[pytest.param]:
    """The JSON statements each rule's fix text shows (what --explain prints)."""
    found = []
    decoder = json.JSONDecoder()
    for rule in RULES:
        text = rule.fix
        start = text.find("{")
        while start >= 0:
            try:
                value, end = decoder.raw_decode(text, start)
            except ValueError:
                start = text.find("{", start + 1)
                continue
            if isinstance(value, dict) and "Effect" in value and ("Action" in value or "NotAction" in value):
                found.append(pytest.param(rule.id, value, id=f"{rule.id}-{len(found)}"))
            start = text.find("{", end)
    return found


@pytest.mark.parametrize("rule_id, statement", explained_statements())
def test_statements_in_explain_pass_the_linter(rule_id, statement, tmp_path, monkeypatch):
    root = tmp_path / "explained"
    root.mkdir()
    (root / "policy.json").write_text(json.dumps({"Version": "2012-10-17", "Statement": [statement]}, indent=2))
    assert [f"{f.rule.id} {f.message}" for f in lint(root, monkeypatch)] == []


def test_explain_shows_statements_of_the_suggesting_rules():
    assert {p.values[0] for p in explained_statements()} >= {"APL301", "APL302", "APL303", "APL304"}
