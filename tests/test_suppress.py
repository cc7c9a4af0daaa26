"""Inline YAML directives: what counts as one (only real comments), which line it applies to,
and how unused ones are reported (APL900 with --report-unused-suppressions)."""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from amplify_policy_lint.config import Settings
from amplify_policy_lint.linter import lint_paths
from amplify_policy_lint.model import Severity
from amplify_policy_lint.suppress import USAGE, scan

from conftest import assert_no_traceback, run_cli


def directives(text: str):
    return [(d.line, d.target, d.selectors, d.reason, d.problem) for d in scan("p.yaml", textwrap.dedent(text))]


def test_trailing_directive_applies_to_its_own_line():
    assert directives("""\
        Statement:
          - Resource: "*"  # amplify-policy-lint: disable=APL303 -- the deploy role
        """) == [(2, 2, ("APL303",), "the deploy role", None)]


def test_own_line_directive_applies_to_the_next_line():
    assert directives("""\
        Statement:
          # amplify-policy-lint: disable=APL303,passrole-without-passed-to-service
          - Resource: "*"
        """) == [(2, 3, ("APL303", "passrole-without-passed-to-service"), None, None)]


def test_stacked_directives_skip_comment_lines_but_not_blank_lines():
    assert directives("""\
        a: 1
        # amplify-policy-lint: disable=APL303 -- one
        # a plain comment
        # amplify-policy-lint: disable=APL304 -- two
        b: 2
        # amplify-policy-lint: disable=APL102

        c: 3
        """) == [(2, 5, ("APL303",), "one", None), (4, 5, ("APL304",), "two", None),
                 (6, 7, ("APL102",), None, None)]


@pytest.mark.parametrize("text", [
    'Sid: "A # amplify-policy-lint: disable=APL103"\n',
    "Sid: 'A # amplify-policy-lint: disable=APL103'\n",
    'Sid: "A\n  # amplify-policy-lint: disable=APL103\n  b"\n',   # a multi-line quoted scalar
    "Sid: |\n  text\n  # amplify-policy-lint: disable=APL103\nx: 1\n",  # a literal block scalar
    "Sid: >-\n  # amplify-policy-lint: disable=APL103\n",
    "Sid: A#amplify-policy-lint: disable=APL103\n",              # no space before '#': not a comment
    '{"Sid": "x # amplify-policy-lint: disable=APL103"}\n',      # a flow mapping
])
def test_hash_inside_a_value_is_not_a_directive(text):
    assert scan("p.yaml", text) == []


def test_quoted_hash_and_a_real_directive_on_one_line():
    found = directives('Sid: "x # amplify-policy-lint: disable=APL101"  # amplify-policy-lint: disable=APL103\n')
    assert found == [(1, 1, ("APL103",), None, None)]


def test_columns_count_code_points_and_crlf_lines_work():
    text = 'Sid: "café ü"  # amplify-policy-lint: disable=APL103\r\nb: 1\r\n# amplify-policy-lint: disable=APL102\r\nc: 2\r\n'
    found = scan("p.yaml", text)
    assert [(d.line, d.column, d.target) for d in found] == [(1, 16, 1), (3, 1, 4)]
    assert found[0].end_column == len('Sid: "café ü"  # amplify-policy-lint: disable=APL103') + 1


def test_directives_before_and_after_a_syntax_error():
    found = directives("""\
        # amplify-policy-lint: disable=APL001 -- generated
        a: [1
        b: "x # amplify-policy-lint: disable=APL102
        c: 2  # amplify-policy-lint: disable=APL103
        """)
    assert [(line, sel) for line, _, sel, _, _ in found] == [(1, ("APL001",)), (4, ("APL103",))]


@pytest.mark.parametrize("comment", [
    "# amplify-policy-lint: disable",
    "# amplify-policy-lint: disable=",
    "# amplify-policy-lint: enable=APL303",
    "# amplify-policy-lint: disable=  -- only a reason",
])
def test_malformed_directives_are_kept_with_their_problem(comment):
    assert directives(f"a: 1  {comment}\n") == [(1, 1, (), None, USAGE)]


def test_spacing_variants_are_accepted():
    assert directives("a: 1  #amplify-policy-lint:disable = APL303 , APL304--why\n") == [
        (1, 1, ("APL303", "APL304"), "why", None)]


# ---------------------------------------------------------------------------------------------
# In the pipeline


POLICY = """\
Version: "2012-10-17"
Statement:
  - Sid: "Same # amplify-policy-lint: disable=APL103"
    Effect: Allow
    Action: s3:GetObject
    Resource: "*"
  # amplify-policy-lint: disable=APL103 -- copied on purpose
  - Sid: "Same # amplify-policy-lint: disable=APL103"
    Effect: Allow
    Action: s3:GetObject
    Resource: bucket-a  # amplify-policy-lint: disable=invalid-arn -- legacy name
  - Sid: "Same # amplify-policy-lint: disable=APL103"
    Effect: Allow
    Action: s3:GetObject
    Resource: bucket-b
"""


def lint_yaml(tmp_path: Path, monkeypatch, text: str, **settings) -> list[str]:
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    report = lint_paths(["p.yaml"], Settings(fail_on=Severity.INFO, **settings))
    # The Sids hold a directive's text on purpose, so APL109 (a Sid with characters IAM
    # rejects) reports them, and the statements are alike on purpose, so APL506 (a redundant
    # statement) reports the later ones; neither is what these tests are about.
    return [f"{f.span.line}:{f.span.column}: {f.rule.id}" for f in report.findings
            if f.rule.id not in ("APL109", "APL506")]


def test_directives_suppress_exactly_their_findings(tmp_path, monkeypatch):
    assert lint_yaml(tmp_path, monkeypatch, POLICY) == ["12:10: APL103", "15:15: APL106"]


def test_without_directives_the_same_file_has_more_findings(tmp_path, monkeypatch):
    plain = "\n".join(line.split("  #")[0] if "  # amplify" in line else
                      ("" if line.strip().startswith("# amplify") else line) for line in POLICY.splitlines())
    assert lint_yaml(tmp_path, monkeypatch, plain + "\n") == [
        "8:10: APL103", "11:15: APL106", "12:10: APL103", "15:15: APL106"]


def test_unused_directives_are_reported_only_when_asked(tmp_path, monkeypatch):
    text = POLICY + "  # amplify-policy-lint: disable=APL102,APL107 -- stale\n  - Sid: Other\n    Effect: Allow\n    Action: s3:GetObject\n    Resource: '*'  # amplify-policy-lint: disable=APL9\n"
    assert "APL900" not in " ".join(lint_yaml(tmp_path, monkeypatch, text))
    found = lint_yaml(tmp_path, monkeypatch, text, report_unused_suppressions=True)
    assert [f for f in found if f.endswith("APL900")] == ["16:3: APL900", "16:3: APL900", "20:20: APL900"]


def test_unused_directive_for_a_rule_that_did_not_run_is_not_reported(tmp_path, monkeypatch):
    text = "Version: '2012-10-17'\nStatement:\n  - Effect: Allow\n    Action: s3:GetObject\n    Resource: '*'  # amplify-policy-lint: disable=APL103\n"
    assert lint_yaml(tmp_path, monkeypatch, text, select=("APL106",), report_unused_suppressions=True) == []
    assert lint_yaml(tmp_path, monkeypatch, text, report_unused_suppressions=True) == ["5:20: APL900"]


def test_a_prefix_directive_is_used_when_any_of_its_rules_is(tmp_path, monkeypatch):
    text = "Statement:\n  - Effect: Allow\n    Action: s3:GetObject\n    Resource: bucket  # amplify-policy-lint: disable=APL1\n"
    # APL102 (no Version) starts on line 1, APL106 on line 4: only the latter is suppressed.
    assert lint_yaml(tmp_path, monkeypatch, text, report_unused_suppressions=True) == ["1:1: APL102"]


def test_json_files_are_not_scanned(tmp_path, monkeypatch):
    (tmp_path / "p.json").write_text('{"Statement": [{"Sid": "# amplify-policy-lint: disable=APL106", '
                                     '"Effect": "Allow", "Action": "s3:GetObject", "Resource": "x"}]}')
    monkeypatch.chdir(tmp_path)
    report = lint_paths(["p.json"], Settings(select=("APL106",)))
    assert [f.rule.id for f in report.findings] == ["APL106"] and report.directives == []


def test_unused_suppressions_make_the_exit_code_1(tmp_path):
    (tmp_path / "p.yaml").write_text(
        "Version: '2012-10-17'\nStatement:\n  - Effect: Allow\n    Action: s3:GetObject\n"
        "    Resource: '*'  # amplify-policy-lint: disable=APL106 -- stale\n")
    assert run_cli("p.yaml", cwd=tmp_path).code == 0
    result = run_cli("p.yaml", "--report-unused-suppressions", "--fail-on", "error", cwd=tmp_path)
    assert_no_traceback(result)
    assert result.code == 1
    assert result.out == ("p.yaml:5:20: APL900 warning unused suppression: no APL106 finding starts on "
                          "line 5 [unused-suppression]\n")
    assert run_cli("p.yaml", "--report-unused-suppressions", "--exit-zero", cwd=tmp_path).code == 0
    report = json.loads(run_cli("p.yaml", "--report-unused-suppressions", "--format", "json", cwd=tmp_path).out)
    assert [f["rule_name"] for f in report["findings"]] == ["unused-suppression"]


def test_explain_documents_the_meta_rule(tmp_path):
    result = run_cli("--explain", "APL900", cwd=tmp_path)
    assert result.code == 0 and "unused-suppression" in result.out and "--report-unused-suppressions" in result.out
    assert "APL900" in run_cli("--list-rules", cwd=tmp_path).out
    assert run_cli("--select", "APL900", ".", cwd=tmp_path).code == 2  # not selectable
