"""Files that hold no policy produce no output and exit 0, and are rejected cheaply."""
from __future__ import annotations

import pytest

from amplify_policy_lint.locate import Hints, looks_policy_bearing

from conftest import FIXTURES, assert_no_traceback, run_cli

NOT_POLICIES = FIXTURES / "inputs" / "not-policies"
FILES = ["package.json", "tsconfig.json", ".github/workflows/deploy.yml", "openapi.yaml", "analysis.ipynb"]


def test_directory_of_non_policies_is_silent():
    result = run_cli(str(NOT_POLICIES))
    assert_no_traceback(result)
    assert (result.code, result.out, result.err) == (0, "", "")


@pytest.mark.parametrize("name", FILES)
def test_each_non_policy_named_explicitly_is_silent(name):
    result = run_cli(str(NOT_POLICIES / name))
    assert_no_traceback(result)
    assert (result.code, result.out, result.err) == (0, "", "")


@pytest.mark.parametrize("name", ["package.json", "tsconfig.json", ".github/workflows/deploy.yml", "analysis.ipynb"])
def test_rejected_before_parsing(name):
    # They mention Statement or Resources in words, comments or code, never as a key.
    text = (NOT_POLICIES / name).read_text(encoding="utf-8")
    assert "Statement" in text or "Resources" in text
    assert not looks_policy_bearing(name, text, Hints())


@pytest.mark.parametrize("text", [
    '{"Version": "2012-10-17", "Statement": []}',
    "Statement:\n  - Effect: Allow\n",
    "{'Statement': []}",
    "Resources:\n  R:\n    Type: AWS::IAM::Role\n",
    '{"format_version": "1.2"}',
])
def test_policy_bearing_text_is_recognised(text):
    assert looks_policy_bearing("x.json", text, Hints())


def test_serverless_file_is_recognised_by_name_and_statements():
    text = "service: x\nprovider:\n  iam:\n    role:\n      statements:\n        - Effect: Allow\n"
    assert looks_policy_bearing("serverless.yml", text, Hints())
    assert not looks_policy_bearing("values.yml", text, Hints())


def test_verbose_says_why(tmp_path):
    result = run_cli("--verbose", str(NOT_POLICIES / "openapi.yaml"))
    assert result.code == 0 and result.out == ""
    assert "no policy document, template or plan recognised" in result.err


@pytest.mark.parametrize("name", ["values.yml", "chart.json"])
def test_source_code_markers_do_not_make_a_data_file_policy_bearing(tmp_path, name):
    """TypeScript and Terraform markers (`policy`, `aws_iam_`, `addToPolicy`) mean nothing in
    a JSON or YAML file: a broken one that holds them is skipped, not reported as APL001."""
    text = "policy: [\n  aws_iam_role: addToPolicy\n" if name.endswith(".yml") else '{"policy": [1,, "aws_iam_"]}'
    assert not looks_policy_bearing(name, text, Hints())
    path = tmp_path / name
    path.write_text(text)
    result = run_cli(str(path))
    assert (result.code, result.out) == (0, "")
